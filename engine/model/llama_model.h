#pragma once

#include "model_config.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace tb {

// Keys and values of every layer for incremental decoding, preallocated to `capacity`
// positions so a decode step writes in place instead of concatenating.
struct KvCache {
    std::vector<torch::Tensor> keys;   // per layer: (B, n_kv, capacity, hd)
    std::vector<torch::Tensor> values; // per layer: (B, n_kv, capacity, hd)
    int64_t length = 0;                // positions filled so far
    int64_t capacity = 0;
};

struct ForwardOptions {
    KvCache *cache = nullptr;  // incremental decoding: positions continue from cache->length
    torch::Tensor segmentIds;  // (B, T) int64, optional: packed examples; attention never crosses ids
    torch::Tensor positionIds; // (B, T) int64, optional: rotary positions (restart per packed example)
    bool checkpointLayers = false; // gradient checkpointing (training): keep only each layer's input
};

// y = x Wᵀ without bias; Hugging Face names the parameter `weight` (out, in).
// With a LoRA adapter (lora.h) y = x Wᵀ + scaling · dropout(x) Aᵀ Bᵀ, the adapter in
// float32 whatever W's dtype. The submodules are named as PEFT names them, so the adapter
// parameters are `...q_proj.lora_A.weight` and `...q_proj.lora_B.weight`.
class LinearImpl : public torch::nn::Module {
public:
    LinearImpl(int64_t in, int64_t out, torch::Dtype dtype = torch::kFloat);
    torch::Tensor forward(const torch::Tensor &x);
    // a: (r, in), b: (out, r); copied into new float32 parameters. Replaces no adapter:
    // the caller (lora.cpp) checks there is none.
    void attachLora(const torch::Tensor &a, const torch::Tensor &b, double alpha, double dropout);
    void detachLora();
    bool hasLora() const { return lora_A != nullptr; }
    double loraScaling() const { return m_loraAlpha / double(lora_A->weight.size(0)); }
    double loraAlpha() const { return m_loraAlpha; }
    double loraDropout() const { return m_loraDropout; }

    torch::Tensor weight; // (out, in)
    // Adapters are Linears themselves (weight (r, in) and (out, r), float32): LibTorch's
    // nn::Linear would draw a random init from the global generator on construction.
    std::shared_ptr<LinearImpl> lora_A, lora_B;

private:
    torch::Tensor baseForward(const torch::Tensor &x);
    double m_loraAlpha = 0.0;
    double m_loraDropout = 0.0;
};
TORCH_MODULE(Linear);

class EmbeddingImpl : public torch::nn::Module {
public:
    EmbeddingImpl(int64_t count, int64_t dim, torch::Dtype dtype = torch::kFloat);
    torch::Tensor forward(const torch::Tensor &ids);
    torch::Tensor weight; // (V, C)
};
TORCH_MODULE(Embedding);

class RMSNormImpl : public torch::nn::Module {
public:
    RMSNormImpl(int64_t dim, double eps, torch::Dtype dtype = torch::kFloat);
    torch::Tensor forward(const torch::Tensor &x);
    torch::Tensor weight; // (C)
    double eps;
};
TORCH_MODULE(RMSNorm);

class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(const ModelConfig &config, torch::Dtype dtype);
    // x: (B, T, C); cos/sin: (T, hd) or (B, 1, T, hd); mask: additive, broadcastable to
    // (B, n_kv, group, T, S), or undefined for "no masking needed" (one query token).
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const torch::Tensor &mask, KvCache *cache, size_t layer);
    Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

private:
    int64_t m_heads, m_kvHeads, m_headDim;
};
TORCH_MODULE(Attention);

class MlpImpl : public torch::nn::Module {
public:
    MlpImpl(const ModelConfig &config, torch::Dtype dtype);
    torch::Tensor forward(const torch::Tensor &x);
    Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(Mlp);

class DecoderLayerImpl : public torch::nn::Module {
public:
    DecoderLayerImpl(const ModelConfig &config, torch::Dtype dtype);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const torch::Tensor &mask, KvCache *cache, size_t layer);
    Attention self_attn{nullptr};
    Mlp mlp{nullptr};
    RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};
TORCH_MODULE(DecoderLayer);

// The `model.` part of LlamaForCausalLM: embeddings, layers, final norm.
class LlamaBackboneImpl : public torch::nn::Module {
public:
    LlamaBackboneImpl(const ModelConfig &config, torch::Dtype dtype);
    Embedding embed_tokens{nullptr};
    torch::nn::ModuleList layers{nullptr};
    RMSNorm norm{nullptr};
};
TORCH_MODULE(LlamaBackbone);

// A Llama-family decoder. Parameter names are Hugging Face's
// (model.layers.0.self_attn.q_proj.weight, lm_head.weight), so import and export are copies.
class LlamaModelImpl : public torch::nn::Module {
public:
    // Parameters are allocated directly in `dtype` (and left uninitialised until an import
    // or initWeights fills them), so loading never holds a float32 copy of a bf16 model.
    explicit LlamaModelImpl(const ModelConfig &config, torch::Dtype dtype = torch::kFloat);

    // ids: (B, T) int64 -> logits (B, T, V), float32 whatever the compute dtype.
    torch::Tensor forward(const torch::Tensor &ids, const ForwardOptions &options = {});
    // ids: (B, T) -> final normed hidden states (B, T, C) in the compute dtype.
    torch::Tensor hidden(const torch::Tensor &ids, const ForwardOptions &options = {});
    // hidden (B, T, C) -> logits (B, T, V) float32.
    torch::Tensor logits(const torch::Tensor &hidden);

    KvCache makeCache(int64_t batch, int64_t capacity) const;
    // Fresh weights for training from scratch: N(0, 0.02), norms 1. Deterministic for a seed.
    void initWeights(uint64_t seed);
    // Grows the vocabulary to `newSize` rows (new special tokens); new rows get the mean
    // embedding so the model is not thrown off by them.
    void resizeVocab(int64_t newSize);
    torch::Tensor lmHeadWeight() const; // the embedding matrix when tied
    torch::Dtype dtype() const;

    const ModelConfig &config() const { return m_config; }

    LlamaBackbone model{nullptr};
    Linear lm_head{nullptr}; // null when tie_word_embeddings

private:
    ModelConfig m_config;
    torch::Tensor m_ropeInvFreq; // (hd/2) float32
    torch::Tensor m_ropeCos, m_ropeSin; // (min(maxPositions, 8192), hd) float32
};
TORCH_MODULE(LlamaModel);

} // namespace tb
