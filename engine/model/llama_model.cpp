#include "llama_model.h"

#include "cpu_kernels.h"
#include "layer_checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace tb {


LinearImpl::LinearImpl(int64_t in, int64_t out, torch::Dtype dtype)
{
    // Uninitialised on purpose: an import overwrites every weight, and a 1.1B model would
    // otherwise spend seconds on a random init it throws away. initWeights() fills it.
    weight = register_parameter("weight", torch::empty({out, in}, torch::TensorOptions().dtype(dtype)));
}

torch::Tensor LinearImpl::forward(const torch::Tensor &x)
{
    if (!hasLora())
        return baseForward(x);
    // The adapter runs in float32 whatever the base dtype (bf16 LoRA training stays stable),
    // and the sum is rounded once, as PEFT does. The base product keeps its fast paths.
    torch::Tensor y = baseForward(x);      // (..., out) in the compute dtype
    torch::Tensor h = x.to(torch::kFloat); // (..., in)
    if (m_loraDropout > 0.0 && is_training())
        h = torch::dropout(h, m_loraDropout, true);
    torch::Tensor delta = lora_B->forward(lora_A->forward(h)); // (..., r) -> (..., out)
    return (y.to(torch::kFloat) + delta * loraScaling()).to(y.scalar_type());
}

void LinearImpl::attachLora(const torch::Tensor &a, const torch::Tensor &b, double alpha, double dropout)
{
    TORCH_CHECK(a.dim() == 2 && b.dim() == 2 && a.size(1) == weight.size(1) && b.size(0) == weight.size(0)
                    && a.size(0) == b.size(1),
                "LoRA adapter shapes do not fit the layer");
    torch::NoGradGuard noGrad;
    const int64_t rank = a.size(0);
    lora_A = register_module("lora_A", std::make_shared<LinearImpl>(weight.size(1), rank, torch::kFloat));
    lora_B = register_module("lora_B", std::make_shared<LinearImpl>(rank, weight.size(0), torch::kFloat));
    lora_A->weight.copy_(a);
    lora_B->weight.copy_(b);
    lora_A->train(is_training());
    lora_B->train(is_training());
    m_loraAlpha = alpha;
    m_loraDropout = dropout;
}

void LinearImpl::detachLora()
{
    if (!hasLora())
        return;
    unregister_module("lora_A");
    unregister_module("lora_B");
    lora_A = nullptr;
    lora_B = nullptr;
    m_loraAlpha = m_loraDropout = 0.0;
}

torch::Tensor LinearImpl::baseForward(const torch::Tensor &x)
{
    // Batch-1 decode: a matrix-vector product streams the weight about 3x faster than
    // LibTorch's general linear kernel (29 against 9 GB/s for a 5632x2048 f32 weight on the
    // build machine, docs/PERFORMANCE.md).
    const bool needsGrad = torch::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad());
    if (x.numel() == weight.size(1) && !needsGrad) {
        const auto type = x.scalar_type();
        auto sizes = x.sizes().vec();
        sizes.back() = weight.size(0);
        if (const torch::Tensor y = cpuGemv(weight, x.reshape({-1})); y.defined())
            return y.view(sizes);
        if (type == torch::kFloat)
            return torch::mv(weight, x.reshape({-1})).view(sizes);
    }
    return torch::nn::functional::linear(x, weight);
}

EmbeddingImpl::EmbeddingImpl(int64_t count, int64_t dim, torch::Dtype dtype)
{
    weight = register_parameter("weight", torch::empty({count, dim}, torch::TensorOptions().dtype(dtype)));
}

torch::Tensor EmbeddingImpl::forward(const torch::Tensor &ids)
{
    auto sizes = ids.sizes().vec();
    sizes.push_back(weight.size(1));
    return weight.index_select(0, ids.reshape({-1})).view(sizes); // (..., C)
}

RMSNormImpl::RMSNormImpl(int64_t dim, double eps_, torch::Dtype dtype) : eps(eps_)
{
    weight = register_parameter("weight", torch::ones({dim}, torch::TensorOptions().dtype(dtype)));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor &x)
{
    // Hugging Face's LlamaRMSNorm: normalise in float32, scale in the compute dtype.
    const auto inputType = x.scalar_type();
    auto h = x.to(torch::kFloat);
    h = h * torch::rsqrt(h.pow(2).mean(-1, true) + eps);
    return weight * h.to(inputType);
}

AttentionImpl::AttentionImpl(const ModelConfig &c, torch::Dtype dtype)
    : m_heads(c.numHeads), m_kvHeads(c.numKvHeads), m_headDim(c.headDim())
{
    q_proj = register_module("q_proj", Linear(c.hiddenSize, c.numHeads * c.headDim(), dtype));
    k_proj = register_module("k_proj", Linear(c.hiddenSize, c.kvDim(), dtype));
    v_proj = register_module("v_proj", Linear(c.hiddenSize, c.kvDim(), dtype));
    o_proj = register_module("o_proj", Linear(c.numHeads * c.headDim(), c.hiddenSize, dtype));
}

// Hugging Face's rotate_half: (x1, x2) -> (-x2, x1) over the two halves of the head.
static torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

torch::Tensor AttentionImpl::forward(const torch::Tensor &x, const torch::Tensor &cos,
                                     const torch::Tensor &sin, const torch::Tensor &mask, KvCache *cache,
                                     size_t layer)
{
    const int64_t B = x.size(0), T = x.size(1);
    const int64_t group = m_heads / m_kvHeads;
    auto q = q_proj(x).view({B, T, m_heads, m_headDim}).transpose(1, 2);   // (B, nh, T, hd)
    auto k = k_proj(x).view({B, T, m_kvHeads, m_headDim}).transpose(1, 2); // (B, nkv, T, hd)
    auto v = v_proj(x).view({B, T, m_kvHeads, m_headDim}).transpose(1, 2); // (B, nkv, T, hd)
    q = q * cos + rotateHalf(q) * sin;
    k = k * cos + rotateHalf(k) * sin;

    if (cache) {
        const int64_t start = cache->length;
        cache->keys[layer].narrow(2, start, T).copy_(k);
        cache->values[layer].narrow(2, start, T).copy_(v);
        k = cache->keys[layer].narrow(2, 0, start + T);   // (B, nkv, S, hd)
        v = cache->values[layer].narrow(2, 0, start + T); // (B, nkv, S, hd)
    }
    const int64_t S = k.size(2);

    // Grouped-query attention without copying K/V: the `group` query heads that share one
    // KV head are stacked along the query axis. Head h = kv * group + g, as HF's repeat_kv.
    auto qg = q.reshape({B, m_kvHeads, group * T, m_headDim});              // (B, nkv, g*T, hd)
    // A bf16 decode step does its (tiny) attention products in float32: LibTorch 1.13's bf16
    // bmm costs ~1 ms per call at these shapes, 20x the float32 one and more than all the
    // weight reads of a layer (docs/PERFORMANCE.md). Only more precise than bf16 products.
    const auto type = q.scalar_type();
    if (T == 1 && type == torch::kBFloat16) {
        qg = qg.to(torch::kFloat);
        k = k.to(torch::kFloat);
        v = v.to(torch::kFloat);
    }
    auto scores = torch::matmul(qg, k.transpose(-2, -1)).to(torch::kFloat); // (B, nkv, g*T, S)
    scores.mul_(1.0 / std::sqrt(double(m_headDim)));
    if (mask.defined())
        scores = (scores.view({B, m_kvHeads, group, T, S}) + mask).view({B, m_kvHeads, group * T, S});
    auto probs = torch::softmax(scores, -1).to(v.scalar_type());
    auto y = torch::matmul(probs, v).to(type);                             // (B, nkv, g*T, hd)
    y = y.view({B, m_heads, T, m_headDim}).transpose(1, 2).reshape({B, T, m_heads * m_headDim});
    return o_proj(y);
}

MlpImpl::MlpImpl(const ModelConfig &c, torch::Dtype dtype)
{
    gate_proj = register_module("gate_proj", Linear(c.hiddenSize, c.intermediateSize, dtype));
    up_proj = register_module("up_proj", Linear(c.hiddenSize, c.intermediateSize, dtype));
    down_proj = register_module("down_proj", Linear(c.intermediateSize, c.hiddenSize, dtype));
}

torch::Tensor MlpImpl::forward(const torch::Tensor &x)
{
    return down_proj(torch::silu(gate_proj(x)) * up_proj(x)); // SwiGLU
}

DecoderLayerImpl::DecoderLayerImpl(const ModelConfig &c, torch::Dtype dtype)
{
    self_attn = register_module("self_attn", Attention(c, dtype));
    mlp = register_module("mlp", Mlp(c, dtype));
    input_layernorm = register_module("input_layernorm", RMSNorm(c.hiddenSize, c.rmsNormEps, dtype));
    post_attention_layernorm = register_module("post_attention_layernorm", RMSNorm(c.hiddenSize, c.rmsNormEps, dtype));
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor &x, const torch::Tensor &cos,
                                        const torch::Tensor &sin, const torch::Tensor &mask, KvCache *cache,
                                        size_t layer)
{
    auto h = x + self_attn(input_layernorm(x), cos, sin, mask, cache, layer);
    return h + mlp(post_attention_layernorm(h));
}

LlamaBackboneImpl::LlamaBackboneImpl(const ModelConfig &c, torch::Dtype dtype)
{
    embed_tokens = register_module("embed_tokens", Embedding(c.vocabSize, c.hiddenSize, dtype));
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.numLayers; ++i)
        layers->push_back(DecoderLayer(c, dtype));
    norm = register_module("norm", RMSNorm(c.hiddenSize, c.rmsNormEps, dtype));
}

LlamaModelImpl::LlamaModelImpl(const ModelConfig &config, torch::Dtype dtype) : m_config(config)
{
    config.validate("model config");
    model = register_module("model", LlamaBackbone(config, dtype));
    if (!config.tieWordEmbeddings)
        lm_head = register_module("lm_head", Linear(config.hiddenSize, config.vocabSize, dtype));
    const int64_t hd = config.headDim();
    m_ropeInvFreq = torch::pow(config.ropeTheta, -torch::arange(0, hd, 2, torch::kDouble) / double(hd))
                        .to(torch::kFloat);
    // cos/sin for the first positions, computed once: a decode step then slices a row
    // instead of running seven small ops. Same float32 formula as the per-call path below;
    // capped so a 128K-context model does not hold 100+ MB of tables.
    const int64_t rows = std::min<int64_t>(config.maxPositions, 8192);
    auto freqs = torch::arange(0, rows, torch::kFloat).unsqueeze(-1) * m_ropeInvFreq; // (P, hd/2)
    auto emb = torch::cat({freqs, freqs}, -1);                                        // (P, hd)
    m_ropeCos = emb.cos();
    m_ropeSin = emb.sin();
}

torch::Dtype LlamaModelImpl::dtype() const
{
    return model->embed_tokens->weight.scalar_type();
}

torch::Tensor LlamaModelImpl::lmHeadWeight() const
{
    return lm_head ? lm_head->weight : model->embed_tokens->weight;
}

KvCache LlamaModelImpl::makeCache(int64_t batch, int64_t capacity) const
{
    KvCache cache;
    cache.capacity = capacity;
    auto options = torch::TensorOptions().dtype(dtype()).device(lmHeadWeight().device());
    for (int64_t i = 0; i < m_config.numLayers; ++i) {
        cache.keys.push_back(torch::zeros({batch, m_config.numKvHeads, capacity, m_config.headDim()}, options));
        cache.values.push_back(torch::zeros({batch, m_config.numKvHeads, capacity, m_config.headDim()}, options));
    }
    return cache;
}

torch::Tensor LlamaModelImpl::hidden(const torch::Tensor &ids, const ForwardOptions &options)
{
    TORCH_CHECK(ids.dim() == 2, "ids must be (B, T)");
    const int64_t B = ids.size(0), T = ids.size(1);
    const int64_t start = options.cache ? options.cache->length : 0;
    TORCH_CHECK(start + T <= m_config.maxPositions || options.positionIds.defined(),
                "sequence of ", start + T, " tokens exceeds the model's context of ", m_config.maxPositions);
    if (options.cache)
        TORCH_CHECK(start + T <= options.cache->capacity, "KV cache full");

    // Rotary tables in float32, cast to the compute dtype as HF does.
    torch::Tensor cos, sin;
    if (!options.positionIds.defined() && start + T <= m_ropeCos.size(0)) {
        // The tables stay on the CPU; a model on a GPU (--device) gets its rows copied over.
        cos = m_ropeCos.narrow(0, start, T).to(ids.device(), dtype()); // (T, hd)
        sin = m_ropeSin.narrow(0, start, T).to(ids.device(), dtype());
    } else {
        torch::Tensor positions = options.positionIds.defined()
            ? options.positionIds.to(torch::kFloat)
            : torch::arange(start, start + T, torch::TensorOptions(torch::kFloat).device(ids.device()));
        auto freqs = positions.unsqueeze(-1) * m_ropeInvFreq.to(ids.device()); // (T, hd/2) or (B, T, hd/2)
        auto emb = torch::cat({freqs, freqs}, -1);
        cos = emb.cos().to(dtype());
        sin = emb.sin().to(dtype());
        if (positions.dim() == 2) { // (B, T, hd) -> (B, 1, T, hd)
            cos = cos.unsqueeze(1);
            sin = sin.unsqueeze(1);
        }
    }

    // Additive mask broadcast to (B, n_kv, group, T, S). One new token sees everything.
    torch::Tensor mask;
    const int64_t S = start + T;
    if (T > 1 || options.segmentIds.defined()) {
        const auto longOnDevice = torch::TensorOptions(torch::kLong).device(ids.device());
        auto q = torch::arange(start, start + T, longOnDevice).unsqueeze(1); // (T, 1)
        auto k = torch::arange(0, S, longOnDevice).unsqueeze(0);             // (1, S)
        auto allowed = k <= q;                                               // (T, S)
        if (options.segmentIds.defined()) {
            TORCH_CHECK(!options.cache, "packed sequences are for training, not cached decoding");
            const auto &seg = options.segmentIds;                               // (B, T)
            allowed = allowed.unsqueeze(0) & (seg.unsqueeze(2) == seg.unsqueeze(1)); // (B, T, S)
            allowed = allowed.view({B, 1, 1, T, S});
        }
        mask = torch::zeros(allowed.sizes(), torch::TensorOptions(torch::kFloat).device(ids.device()))
                   .masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
    }

    auto x = model->embed_tokens(ids); // (B, T, C)
    size_t layer = 0;
    const bool checkpoint = options.checkpointLayers && !options.cache && torch::GradMode::is_enabled();
    for (const auto &module : *model->layers) {
        auto *decoder = module->as<DecoderLayerImpl>();
        // A frozen layer under an input that needs no gradient records nothing to recompute.
        const auto params = decoder->parameters();
        const bool trains = x.requires_grad()
            || std::any_of(params.begin(), params.end(), [](const torch::Tensor &p) { return p.requires_grad(); });
        if (checkpoint && trains)
            x = checkpointedLayer(*decoder, x, cos, sin, mask);
        else
            x = decoder->forward(x, cos, sin, mask, options.cache, layer);
        ++layer;
    }
    if (options.cache)
        options.cache->length += T;
    return model->norm(x);
}

torch::Tensor LlamaModelImpl::logits(const torch::Tensor &h)
{
    if (lm_head)
        return lm_head(h).to(torch::kFloat);
    return torch::nn::functional::linear(h, model->embed_tokens->weight).to(torch::kFloat);
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor &ids, const ForwardOptions &options)
{
    return logits(hidden(ids, options));
}

void LlamaModelImpl::initWeights(uint64_t seed)
{
    torch::NoGradGuard noGrad;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (auto &p : named_parameters()) {
        if (p.key().find("norm") != std::string::npos)
            p.value().fill_(1.0);
        else
            p.value().normal_(0.0, 0.02, gen);
    }
}

void LlamaModelImpl::resizeVocab(int64_t newSize)
{
    torch::NoGradGuard noGrad;
    const int64_t old = m_config.vocabSize;
    if (newSize <= old)
        return;
    auto grow = [&](const torch::Tensor &w) {
        auto mean = w.to(torch::kFloat).mean(0, true).to(w.scalar_type());
        return torch::cat({w, mean.expand({newSize - old, w.size(1)})}, 0).contiguous();
    };
    model->embed_tokens->weight.set_data(grow(model->embed_tokens->weight));
    if (lm_head)
        lm_head->weight.set_data(grow(lm_head->weight));
    m_config.vocabSize = newSize;
}

} // namespace tb
