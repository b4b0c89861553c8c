#pragma once

#include "train_config.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace tb {

// AdamW with decoupled weight decay on matrices (dim >= 2) only: norm weights and biases
// are not decayed. Parameters that do not require grad are left out.
std::unique_ptr<torch::optim::AdamW> makeAdamW(const std::vector<torch::Tensor> &parameters, const TrainConfig &config);

} // namespace tb
