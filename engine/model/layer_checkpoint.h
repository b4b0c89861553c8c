#pragma once

#include "llama_model.h"

namespace tb {

// Gradient checkpointing for one decoder layer: the forward keeps only the layer's input;
// the backward runs the layer again with gradients on and back-propagates through that
// recomputation. Activation memory falls from every layer's intermediates to one layer's,
// for about a third more compute. The RNG state and autocast setting of the forward are
// restored for the recomputation, so dropout (LoRA's) draws the same masks.
torch::Tensor checkpointedLayer(DecoderLayerImpl &layer, const torch::Tensor &x, const torch::Tensor &cos,
                                const torch::Tensor &sin, const torch::Tensor &mask);

} // namespace tb
