#include "sequence_classifier.h"

#include "error.h"
#include "text_util.h"

#include <set>

namespace tb {

SequenceClassifierImpl::SequenceClassifierImpl(LlamaModel lm, std::vector<std::string> labelNames, uint64_t seed)
    : m_lm(std::move(lm)), m_labelNames(std::move(labelNames))
{
    if (!m_lm)
        throw Error("sequence classifier: no language model given");
    if (m_labelNames.size() < 2)
        throw Error("sequence classifier: needs at least two labels, got " + std::to_string(m_labelNames.size()));
    std::set<std::string> seen;
    for (const auto &name : m_labelNames)
        if (!seen.insert(name).second)
            throw Error("sequence classifier: label \"" + name + "\" appears twice in [\"" + joinNames(m_labelNames, "\", \"") + "\"]");
    m_config = m_lm->config();
    // The backbone under HF's name; lm_head stays outside, so it is neither trained nor saved.
    model = register_module("model", m_lm->model);
    score = register_module("score", Linear(m_config.hiddenSize, numLabels(), m_lm->dtype()));
    {
        torch::NoGradGuard noGrad;
        auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
        score->weight.normal_(0.0, 0.02, gen); // HF's initializer_range
    }
    score->to(m_lm->model->embed_tokens->weight.device());
    train(m_lm->is_training());
}

void SequenceClassifierImpl::train(bool on)
{
    torch::nn::Module::train(on);
    m_lm->train(on);
}

int64_t SequenceClassifierImpl::labelId(const std::string &name) const
{
    for (size_t i = 0; i < m_labelNames.size(); ++i)
        if (m_labelNames[i] == name)
            return int64_t(i);
    return -1;
}

bool SequenceClassifierImpl::backboneNeedsGrad() const
{
    for (const auto &p : model->parameters())
        if (p.requires_grad())
            return true;
    return false;
}

void SequenceClassifierImpl::setBackboneFrozen(bool frozen)
{
    m_frozen = frozen;
    // Frozen covers every LM parameter, lm_head included; thawing only the backbone, as
    // lm_head is outside the classifier.
    for (auto &p : (frozen ? m_lm->parameters() : model->parameters()))
        p.set_requires_grad(!frozen);
}

torch::Tensor SequenceClassifierImpl::forward(const torch::Tensor &ids, const torch::Tensor &lastIndex,
                                              const ForwardOptions &options)
{
    if (ids.dim() != 2 || lastIndex.dim() != 1 || lastIndex.size(0) != ids.size(0))
        throw Error("sequence classifier: expected ids (B, T) and lastIndex (B), got shapes " + c10::str(ids.sizes())
                    + " and " + c10::str(lastIndex.sizes()));
    const int64_t B = ids.size(0), T = ids.size(1);
    const auto last = lastIndex.to(torch::kLong);
    if (B > 0 && (last.min().item<int64_t>() < 0 || last.max().item<int64_t>() >= T))
        throw Error("sequence classifier: lastIndex holds a position outside the " + std::to_string(T)
                    + " tokens of the batch");

    torch::Tensor h; // (B, T, C)
    if (torch::GradMode::is_enabled() && !backboneNeedsGrad()) {
        // Only the head trains: no graph through the backbone, no activations kept.
        torch::NoGradGuard noGrad;
        h = m_lm->hidden(ids, options);
    } else {
        h = m_lm->hidden(ids, options);
    }
    const int64_t C = h.size(2);
    const auto index = last.to(h.device()).view({B, 1, 1}).expand({B, 1, C}); // (B, 1, C)
    const auto pooled = h.gather(1, index).squeeze(1);                        // (B, C)
    return score(pooled).to(torch::kFloat);                                   // (B, numLabels)
}

} // namespace tb
