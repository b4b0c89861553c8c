#include "train_step.h"

#include <ATen/autocast_mode.h>

namespace tb {

ForwardOptions batchForwardOptions(const Batch &b, const StepOptions &options)
{
    ForwardOptions o;
    if (options.packing) {
        o.segmentIds = b.segmentIds;
        o.positionIds = b.positionIds;
    }
    o.checkpointLayers = options.checkpointLayers;
    return o;
}

torch::Tensor summedCrossEntropy(const torch::Tensor &logits, const torch::Tensor &targets)
{
    return torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex).reduction(torch::kSum));
}

AutocastScope::AutocastScope(bool enabled) : m_enabled(enabled), m_previous(at::autocast::is_cpu_enabled())
{
    if (m_enabled) {
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::set_cpu_enabled(true);
    }
}

AutocastScope::~AutocastScope()
{
    if (m_enabled) {
        at::autocast::set_cpu_enabled(m_previous);
        at::autocast::clear_cache();
    }
}

double accumulateGradients(const std::vector<Batch> &microBatches, const StepOptions &options,
                           const std::function<torch::Tensor(const Batch &)> &summedLoss,
                           const std::function<int64_t(const Batch &)> &unitsOf, int64_t totalUnits)
{
    int64_t units = totalUnits;
    if (units <= 0)
        for (const Batch &b : microBatches)
            units += unitsOf(b);
    const double denominator = double(std::max<int64_t>(1, units));
    double total = 0.0;
    for (const Batch &b : microBatches) {
        torch::Tensor loss;
        {
            AutocastScope autocast(options.autocastBf16);
            loss = summedLoss(b) / denominator;
        }
        loss.backward();
        total += loss.item<double>();
    }
    return total;
}

double accumulateGradients(LlamaModel &model, const std::vector<Batch> &microBatches, const StepOptions &options,
                           int64_t totalUnits)
{
    return accumulateGradients(
        microBatches, options,
        [&](const Batch &b) { return summedCrossEntropy(model->forward(b.ids, batchForwardOptions(b, options)), b.targets); },
        [](const Batch &b) { return b.trainedTokens; }, totalUnits);
}

} // namespace tb
