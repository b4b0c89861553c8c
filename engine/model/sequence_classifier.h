#pragma once

#include "llama_model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

struct ClassifierLoadOptions;
struct LoadedClassifier;

// A Llama decoder with a linear class head on the hidden state of each row's last real
// token, as Hugging Face's LlamaForSequenceClassification: the parameters are the
// backbone's `model.*` and `score.weight` (numLabels, hidden) without bias. The language
// model's lm_head is not part of it: never used, trained or saved.
class SequenceClassifierImpl : public torch::nn::Module {
public:
    // Wraps `lm` (shared, not copied) with a fresh head of N(0, 0.02) weights drawn from
    // `seed`, in the model's dtype. Throws tb::Error for fewer than two labels or duplicates.
    SequenceClassifierImpl(LlamaModel lm, std::vector<std::string> labelNames, uint64_t seed = 0);

    // ids: (B, T) int64, lastIndex: (B) int64 -> logits (B, numLabels) float32, read at
    // lastIndex[b]. The model is causal, so padding after that position changes nothing.
    torch::Tensor forward(const torch::Tensor &ids, const torch::Tensor &lastIndex,
                          const ForwardOptions &options = {});

    // Frozen: every language-model parameter gets requires_grad false and only the head
    // trains. Whenever no backbone parameter needs a gradient, forward() runs the backbone
    // without autograd, so no activation is kept for backward.
    void setBackboneFrozen(bool frozen);
    bool backboneFrozen() const { return m_frozen; }

    // Also switches the wrapped LlamaModel (only its backbone is a registered child).
    void train(bool on = true) override;

    int64_t numLabels() const { return int64_t(m_labelNames.size()); }
    const std::vector<std::string> &labelNames() const { return m_labelNames; } // id2label
    int64_t labelId(const std::string &name) const; // label2id; -1 when absent
    // The backbone's config as saveClassifier writes it (a loaded classifier folder keeps its
    // tie_word_embeddings here although its backbone is built without an lm_head).
    const ModelConfig &config() const { return m_config; }
    LlamaModel languageModel() const { return m_lm; }

    LlamaBackbone model{nullptr}; // == languageModel()->model
    Linear score{nullptr};        // weight (numLabels, hidden)

private:
    friend LoadedClassifier loadClassifier(const std::string &path, const ClassifierLoadOptions &options);
    bool backboneNeedsGrad() const;

    LlamaModel m_lm;
    ModelConfig m_config;
    std::vector<std::string> m_labelNames;
    bool m_frozen = false;
};
TORCH_MODULE(SequenceClassifier);

} // namespace tb
