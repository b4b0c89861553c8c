#pragma once

#include <torch/nn/module.h>

namespace tb {

// Puts a module into train or eval mode for a scope and back into the mode it was in,
// whatever way the scope is left.
class ModeRestorer {
public:
    ModeRestorer(torch::nn::Module &module, bool training) : m_module(module), m_was(module.is_training())
    {
        m_module.train(training);
    }
    ~ModeRestorer() { m_module.train(m_was); }
    ModeRestorer(const ModeRestorer &) = delete;
    ModeRestorer &operator=(const ModeRestorer &) = delete;

private:
    torch::nn::Module &m_module;
    bool m_was;
};

} // namespace tb
