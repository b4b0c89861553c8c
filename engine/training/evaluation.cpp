#include "evaluation.h"
#include "thread_guard.h"

#include <chrono>
#include <cmath>

namespace tb {

std::map<std::string, double> evaluateLanguageModel(LlamaModel &model, const std::vector<Example> &examples,
                                                    BatchOptions options, const StepOptions &step,
                                                    int64_t maxBatches)
{
    requireBackgroundThread("tb::evaluateLanguageModel");
    const auto t0 = std::chrono::steady_clock::now();
    torch::NoGradGuard noGrad;
    const bool wasTraining = model->is_training();
    model->eval();
    options.shuffle = false;
    options.dropLast = false;
    StepOptions forward = step;
    forward.checkpointLayers = false; // nothing to recompute without gradients
    BatchIterator batches(examples, options, 0);
    const int64_t count = maxBatches > 0 ? std::min(batches.size(), maxBatches) : batches.size();
    double lossSum = 0.0;
    int64_t tokens = 0, correct = 0;
    for (int64_t i = 0; i < count; ++i) {
        const Batch b = batches.batch(i);
        const auto logits = model->forward(b.ids, batchForwardOptions(b, forward)); // (B, T, V)
        const auto flat = logits.view({-1, logits.size(-1)});
        const auto targets = b.targets.view({-1});
        lossSum += summedCrossEntropy(logits, b.targets).item<double>();
        const auto mask = targets != kIgnoreIndex;
        correct += (flat.argmax(-1).eq(targets) & mask).sum().item<int64_t>();
        tokens += mask.sum().item<int64_t>();
    }
    model->train(wasTraining);
    const double loss = tokens ? lossSum / double(tokens) : 0.0;
    return {{"val_loss", loss},
            {"val_ppl", std::exp(loss)},
            {"val_token_acc", tokens ? double(correct) / double(tokens) : 0.0},
            {"val_tokens", double(tokens)},
            {"eval_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
}

} // namespace tb
