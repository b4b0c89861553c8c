#include "gguf_names.h"

#include <cstdint>
#include <string>

namespace tb {

// ---------------------------------------------------------------------------------------
// Names

namespace {

struct NamePair {
    const char *gguf;
    const char *hf;
};

// Per-layer tensors: GGUF suffix after "blk.N." and HF suffix after "model.layers.N.".
const NamePair kLayerNames[] = {
    {"attn_norm.weight", "input_layernorm.weight"},
    {"attn_q.weight", "self_attn.q_proj.weight"},
    {"attn_k.weight", "self_attn.k_proj.weight"},
    {"attn_v.weight", "self_attn.v_proj.weight"},
    {"attn_output.weight", "self_attn.o_proj.weight"},
    {"ffn_norm.weight", "post_attention_layernorm.weight"},
    {"ffn_gate.weight", "mlp.gate_proj.weight"},
    {"ffn_up.weight", "mlp.up_proj.weight"},
    {"ffn_down.weight", "mlp.down_proj.weight"},
};

const NamePair kGlobalNames[] = {
    {"token_embd.weight", "model.embed_tokens.weight"},
    {"output_norm.weight", "model.norm.weight"},
    {"output.weight", "lm_head.weight"},
};

// "blk.12.rest" -> (12, "rest") for a layer prefix; -1 when it is not one.
int64_t splitLayer(const std::string &name, const std::string &prefix, std::string &rest)
{
    if (name.compare(0, prefix.size(), prefix) != 0)
        return -1;
    size_t i = prefix.size();
    size_t j = i;
    while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j])))
        ++j;
    if (j == i || j - i > 6 || j >= name.size() || name[j] != '.')
        return -1;
    rest = name.substr(j + 1);
    return std::stoll(name.substr(i, j - i));
}

} // namespace

std::string ggufToHfName(const std::string &g)
{
    for (const NamePair &p : kGlobalNames)
        if (g == p.gguf)
            return p.hf;
    std::string rest;
    const int64_t layer = splitLayer(g, "blk.", rest);
    if (layer < 0)
        return {};
    for (const NamePair &p : kLayerNames)
        if (rest == p.gguf)
            return "model.layers." + std::to_string(layer) + "." + p.hf;
    return {};
}

std::string hfToGgufName(const std::string &h)
{
    for (const NamePair &p : kGlobalNames)
        if (h == p.hf)
            return p.gguf;
    std::string rest;
    const int64_t layer = splitLayer(h, "model.layers.", rest);
    if (layer < 0)
        return {};
    for (const NamePair &p : kLayerNames)
        if (rest == p.hf)
            return "blk." + std::to_string(layer) + "." + p.gguf;
    return {};
}


} // namespace tb
