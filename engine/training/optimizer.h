#pragma once

#include "train_config.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace tb {

// AdamW with decoupled weight decay on matrices (dim >= 2) only: norm weights and biases
// are not decayed. Parameters that do not require grad are left out.
std::unique_ptr<torch::optim::AdamW> makeAdamW(const std::vector<torch::Tensor> &parameters, const TrainConfig &config);

// optimizer.pt, AdamW's state, written like every other file (AtomicFileWriter): a failed
// write (a full disk) is one tb::Error naming the file, and leaves no partial file.
void saveOptimizerState(const torch::optim::AdamW &optimizer, const std::string &path);
// Reads it back into `optimizer`, whose parameters it must fit: a truncated or foreign
// file, or the state of another model size, is a tb::Error naming the file.
void loadOptimizerState(torch::optim::AdamW &optimizer, const std::string &path);

} // namespace tb
