#pragma once

#include "model_loader.h"
#include "sequence_classifier.h"

#include <memory>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;

// Writes `dir` as Hugging Face's LlamaForSequenceClassification reads it: config.json
// (architectures, num_labels, id2label, label2id, problem_type, pad_token_id when the
// tokenizer has a pad token), model.safetensors (model.* and score.weight) and, when a
// tokenizer is given, its files with add_eos_token true, since the head was trained on the
// final EOS. Each file is written to a temporary and renamed.
void saveClassifier(SequenceClassifier &classifier, const Tokenizer *tokenizer, const std::string &dir,
                    const std::string &dtype = "F32");

struct ClassifierLoadOptions {
    torch::Dtype computeDtype = torch::kFloat; // float32 or bfloat16
    std::string tokenizerPath;                 // pairs a tokenizer with weights that carry none
    // Required to start from a causal LM (the new head gets these classes); optional for a
    // classifier folder, where they must then equal the stored id2label.
    std::vector<std::string> labelNames;
    uint64_t seed = 0; // a new head's initialisation
    ProgressCallback progress;
};

struct LoadedClassifier {
    SequenceClassifier classifier{nullptr};
    std::shared_ptr<Tokenizer> tokenizer; // null when none was found or given
    std::string path;
    bool newHead = false; // true when `path` held a causal LM and the head is freshly initialised
};

// Loads a LlamaForSequenceClassification folder (saveClassifier's or Hugging Face's), or
// any causal LM loadModel reads (HF folder, GGUF, llama2.c) with a new head for
// options.labelNames. A classifier folder's backbone is built without an lm_head. The
// result is in eval mode. Throws tb::Error naming the file for missing or mismatched
// tensors, labels or config fields. (loadModel refuses a classifier folder: it has no
// language-model head to generate with.)
LoadedClassifier loadClassifier(const std::string &path, const ClassifierLoadOptions &options = {});

// Whether `path` is a folder whose config.json names LlamaForSequenceClassification.
bool isClassifierFolder(const std::string &path);

} // namespace tb
