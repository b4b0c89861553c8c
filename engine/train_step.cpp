#include "train_step.h"

namespace tb {

ForwardOptions batchForwardOptions(const Batch &b, bool packing)
{
    ForwardOptions o;
    if (packing) {
        o.segmentIds = b.segmentIds;
        o.positionIds = b.positionIds;
    }
    return o;
}

torch::Tensor summedCrossEntropy(const torch::Tensor &logits, const torch::Tensor &targets)
{
    return torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex).reduction(torch::kSum));
}

double accumulateGradients(LlamaModel &model, const std::vector<Batch> &microBatches, bool packing)
{
    int64_t trained = 0;
    for (const Batch &b : microBatches)
        trained += b.trainedTokens;
    const double denominator = double(std::max<int64_t>(1, trained));
    double total = 0.0;
    for (const Batch &b : microBatches) {
        auto logits = model->forward(b.ids, batchForwardOptions(b, packing)); // (B, T, V)
        auto loss = summedCrossEntropy(logits, b.targets) / denominator;
        loss.backward();
        total += loss.item<double>();
    }
    return total;
}

} // namespace tb
