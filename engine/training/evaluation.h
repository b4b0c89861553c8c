#pragma once

#include "batching.h"
#include "llama_model.h"
#include "train_step.h"

#include <map>
#include <string>
#include <vector>

namespace tb {

// Language-model metrics over `examples` in order (no shuffling): val_loss (mean over every
// trained token), val_ppl, val_token_acc (greedy next-token accuracy on trained tokens),
// val_tokens and eval_s. maxBatches = 0 covers every example. Runs under NoGradGuard in
// eval mode and restores the model's train/eval mode.
std::map<std::string, double> evaluateLanguageModel(LlamaModel &model, const std::vector<Example> &examples,
                                                    BatchOptions options, const StepOptions &step,
                                                    int64_t maxBatches = 0);

} // namespace tb
