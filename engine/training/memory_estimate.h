#pragma once

#include "model_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

// What decides a training run's memory, known before any weight is read.
struct MemoryPlan {
    ModelConfig model;
    int64_t batchSize = 8;       // rows per micro-batch (accumulation does not add to it)
    int64_t contextLength = 256;
    int64_t numLabels = 0;       // > 0: a classification head instead of the LM head's logits
    int64_t loraRank = 0;        // 0 = full fine-tuning
    std::vector<std::string> loraTargets;
    bool freezeEmbeddings = false;
    int64_t freezeLayers = 0;
    bool freezeBase = false;
    bool baseBf16 = false;       // frozen weights stored in bfloat16
    bool autocastBf16 = false;
    bool gradientCheckpointing = false;
    // The GUI may chat with the weights of the run in progress: an immutable copy of what
    // trains (the adapters only, for LoRA).
    bool chatSnapshot = true;
    long long runtimeBytes = 0;  // what the process holds before the model (libraries, GUI)
    long long dataBytes = 0;     // the tokenised dataset
};

struct MemoryEstimate {
    long long weights = 0;
    long long gradients = 0;
    long long optimizer = 0;   // AdamW's two moments
    long long activations = 0; // saved for backward, plus the logits and their gradient
    long long chatSnapshot = 0;
    long long data = 0;
    long long runtime = 0;
    int64_t trainableParameters = 0;
    long long total() const { return weights + gradients + optimizer + activations + chatSnapshot + data + runtime; }
    // "612 MiB: weights 40, gradients 40, optimizer 80, activations 310, chat copy 40, data 2, runtime 100"
    std::string describe() const;
};

MemoryEstimate estimateTrainingMemory(const MemoryPlan &plan);

// Memory the system can give now (MemAvailable on Linux); 0 when unknown.
long long availableMemoryBytes();

// Throws tb::Error when the plan's estimate exceeds `limitBytes`, listing the remedies that
// would make it fit (LoRA, a frozen bf16 base, gradient checkpointing, a smaller batch or
// context) with the estimate of each.
void requireMemoryFits(const MemoryPlan &plan, long long limitBytes);

} // namespace tb
