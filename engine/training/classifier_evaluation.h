#pragma once

#include "classification_metrics.h"
#include "sequence_classifier.h"

#include <atomic>
#include <cstdint>
#include <vector>

namespace tb {

struct Example;

struct ClassifierEvaluation {
    ClassificationMetrics metrics;
    double loss = 0.0;    // mean cross-entropy per example
    int64_t examples = 0;
    double seconds = 0.0;
};

// Runs every example (in order, padded batches of `batchSize`) without autograd in eval
// mode, restoring the mode after; fills the confusion matrix with the argmax predictions.
// Throws tb::Error for an example without a label in range; stops early when `cancel` is set
// (the metrics then cover the batches run).
ClassifierEvaluation evaluateClassifier(SequenceClassifier &classifier, const std::vector<Example> &examples,
                                        int64_t batchSize, int64_t padId = 0,
                                        const std::atomic<bool> *cancel = nullptr);

} // namespace tb
