#pragma once

#include "sequence_classifier.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;

// BOS, the text (no special-token matching) and EOS, as loadDataset tokenises a
// classification row; the end is cut to fit `contextLength` (the opening usually carries the label).
std::vector<int64_t> classificationIds(const Tokenizer &tokenizer, const std::string &text, int64_t contextLength);

// Softmax probabilities per label (index = label id) for one text. Runs without autograd in
// eval mode and restores the classifier's mode. Throws tb::Error for an empty or non-UTF-8 text.
std::vector<double> classify(SequenceClassifier &classifier, const Tokenizer &tokenizer, const std::string &text);

} // namespace tb
