#include "optimizer.h"

namespace tb {

std::unique_ptr<torch::optim::AdamW> makeAdamW(const std::vector<torch::Tensor> &parameters, const TrainConfig &c)
{
    std::vector<torch::Tensor> decay, noDecay;
    for (const auto &p : parameters)
        if (p.requires_grad())
            (p.dim() >= 2 ? decay : noDecay).push_back(p);
    auto options = [&](double wd) {
        return std::make_unique<torch::optim::AdamWOptions>(
            torch::optim::AdamWOptions(c.learningRate).betas({c.beta1, c.beta2}).eps(c.adamEps).weight_decay(wd));
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, options(c.weightDecay));
    groups.emplace_back(noDecay, options(0.0));
    return std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(c.learningRate));
}

} // namespace tb
