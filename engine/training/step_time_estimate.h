#pragma once

#include "model_config.h"

#include <cstdint>

namespace tb {

// The floating-point operations of one training step (forward and backward) of a Llama
// model over batchSize rows of contextLength tokens, counted the way the scaling-law papers
// do (Kaplan et al. 2020; PaLM, appendix B):
//   matmul:    6 × (weights that multiply activations) × tokens, i.e. every Linear of every
//              layer plus the LM head (the input embedding is a lookup, not a product);
//   attention: 12 × layers × hidden × context × tokens (QKᵀ and AV, forward and backward;
//              the model computes the full T×T scores and masks them).
struct StepFlops {
    double matmul = 0.0;
    double attention = 0.0;
    double total() const { return matmul + attention; }
};

// The weights of `config` that take part in a matrix product per token.
int64_t matmulParameterCount(const ModelConfig &config);
StepFlops trainingStepFlops(const ModelConfig &config, int64_t batchSize, int64_t contextLength);

// This thread's float32 matrix-multiply throughput in FLOP/s: repeats an n×n torch::mm for
// about `seconds` after one warm-up product and returns the rate. Runs LibTorch, so call it
// on a worker thread; it uses the thread's current LibTorch thread count.
double measureMatmulFlopsPerSecond(double seconds = 0.2, int64_t n = 512);

// Seconds per optimizer step (one micro-batch) at `flopsPerSecond`: the step's FLOPs divided
// by the measured matmul rate. A lower bound in spirit: the element-wise ops, the softmax and
// the optimizer are not counted, and small matrices run below the probe's rate.
double estimateStepSeconds(const ModelConfig &config, int64_t batchSize, int64_t contextLength,
                           double flopsPerSecond);

} // namespace tb
