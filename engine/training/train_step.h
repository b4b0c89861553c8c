#pragma once

#include "batching.h"
#include "llama_model.h"

#include <functional>
#include <vector>

namespace tb {

struct StepOptions {
    bool packing = false;          // pass segment and position ids (packed rows)
    bool checkpointLayers = false; // gradient checkpointing
    bool autocastBf16 = false;     // matmuls in bfloat16 under CPU autocast; weights stay float32
};

// Forward and backward over the micro-batches of one optimizer step, adding to the
// parameters' .grad(). The loss is the mean over every trained token of the whole step:
// each micro-batch's summed cross-entropy is divided by the step's total trained-token
// count, not by the number of micro-batches, so uneven masks weigh tokens equally.
// Returns that loss. `totalUnits` > 0 replaces the count (data parallel: every rank divides
// by the trained tokens of the global batch, summed over ranks).
double accumulateGradients(LlamaModel &model, const std::vector<Batch> &microBatches, const StepOptions &options,
                           int64_t totalUnits = 0);

// The same for any summed loss: `summedLoss(batch)` returns the batch's loss summed over its
// `unitsOf(batch)` units (trained tokens, labelled rows); the step's loss is the mean over
// all units of all micro-batches.
double accumulateGradients(const std::vector<Batch> &microBatches, const StepOptions &options,
                           const std::function<torch::Tensor(const Batch &)> &summedLoss,
                           const std::function<int64_t(const Batch &)> &unitsOf, int64_t totalUnits = 0);

// Summed cross-entropy over targets != kIgnoreIndex. logits: (B, T, V); targets: (B, T).
torch::Tensor summedCrossEntropy(const torch::Tensor &logits, const torch::Tensor &targets);

ForwardOptions batchForwardOptions(const Batch &batch, const StepOptions &options);

// Turns CPU autocast to bfloat16 on for its lifetime (per thread, as LibTorch keeps it) and
// drops the cast weights when it ends, so a later step casts the updated ones.
class AutocastScope {
public:
    explicit AutocastScope(bool enabled);
    ~AutocastScope();
    AutocastScope(const AutocastScope &) = delete;
    AutocastScope &operator=(const AutocastScope &) = delete;

private:
    bool m_enabled;
    bool m_previous;
};

} // namespace tb
