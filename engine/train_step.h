#pragma once

#include "batching.h"
#include "llama_model.h"

#include <vector>

namespace tb {

// Forward and backward over the micro-batches of one optimizer step, adding to the
// parameters' .grad(). The loss is the mean over every trained token of the whole step:
// each micro-batch's summed cross-entropy is divided by the step's total trained-token
// count, not by the number of micro-batches, so uneven masks weigh tokens equally.
// Returns that loss.
double accumulateGradients(LlamaModel &model, const std::vector<Batch> &microBatches, bool packing);

// Summed cross-entropy over targets != kIgnoreIndex. logits: (B, T, V); targets: (B, T).
torch::Tensor summedCrossEntropy(const torch::Tensor &logits, const torch::Tensor &targets);

ForwardOptions batchForwardOptions(const Batch &batch, bool packing);

} // namespace tb
