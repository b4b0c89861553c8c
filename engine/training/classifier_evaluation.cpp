#include "classifier_evaluation.h"

#include "batching.h"
#include "dataset.h"
#include "error.h"
#include "mode_restorer.h"
#include "thread_guard.h"

#include <chrono>

namespace tb {

ClassifierEvaluation evaluateClassifier(SequenceClassifier &classifier, const std::vector<Example> &examples,
                                        int64_t batchSize, int64_t padId, const std::atomic<bool> *cancel)
{
    requireBackgroundThread("tb::evaluateClassifier");
    const auto start = std::chrono::steady_clock::now();
    const int64_t numLabels = classifier->numLabels();
    ClassifierEvaluation result;
    ConfusionMatrix confusion(numLabels);
    double lossSum = 0.0;
    if (!examples.empty()) {
        BatchOptions options;
        options.batchSize = batchSize;
        options.contextLength = classifier->config().maxPositions;
        options.packing = false;
        options.shuffle = false;
        options.padId = padId;
        const BatchIterator batches(examples, options, 0);

        ModeRestorer mode(*classifier, false);
        torch::NoGradGuard noGrad;
        for (int64_t i = 0; i < batches.size(); ++i) {
            if (cancel && cancel->load())
                break;
            const Batch batch = batches.batch(i);
            const auto &rows = batches.rows(i);
            const auto labels = batch.labels.accessor<int64_t, 1>();
            for (size_t r = 0; r < rows.size(); ++r) {
                const int64_t label = labels[int64_t(r)];
                if (label < 0 || label >= numLabels) {
                    const Example &e = examples[rows[r].front()];
                    throw Error("evaluate classifier: the example from " + (e.file.empty() ? "" : e.file + ":")
                                + "line " + std::to_string(e.sourceLine) + " has label " + std::to_string(label)
                                + "; the classifier has labels 0 to " + std::to_string(numLabels - 1));
                }
            }
            // Padding follows each row's text and attention is causal: no segment mask needed.
            const auto logits = classifier->forward(batch.ids, batch.lastIndex); // (B, N)
            lossSum += torch::nn::functional::cross_entropy(
                           logits, batch.labels,
                           torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                           .item<double>();
            confusion.add(batch.labels, logits.argmax(-1));
            result.examples += batch.examples;
        }
    }
    result.metrics = computeMetrics(confusion, classifier->labelNames());
    result.loss = result.examples > 0 ? lossSum / double(result.examples) : 0.0;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace tb
