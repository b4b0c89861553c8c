#pragma once

#include "llama_model.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tb {

// Low-rank adapters on the Linear layers of every decoder layer, as Hugging Face PEFT
// builds them: W x + (alpha / r) · B A dropout(x), A (r, in) kaiming-uniform, B (out, r)
// zero, so a fresh adapter leaves the model's outputs exactly as they were.
struct LoraConfig {
    int64_t rank = 8;
    double alpha = 16.0;
    double dropout = 0.05; // on the adapter's input, in train mode only
    // Module names as in Hugging Face (and PEFT's target_modules): q_proj, k_proj, v_proj,
    // o_proj, gate_proj, up_proj, down_proj.
    std::vector<std::string> targets = {"q_proj", "k_proj", "v_proj", "o_proj"};

    double scaling() const { return alpha / double(rank); }
    // Throws tb::Error naming `source` for rank < 1, a non-positive alpha, dropout outside
    // [0, 1), an empty or repeated target, or a name that is not one of the seven.
    void validate(const std::string &source) const;
};

// The seven Linear modules LoRA can target, in the order of a decoder layer.
const std::vector<std::string> &loraTargetNames();

// Freezes every base parameter (requires_grad false, any .grad dropped) and adds a
// float32 adapter to the targeted Linear of every layer: A kaiming-uniform (a = sqrt(5), as
// PEFT) from `seed` (the global generator is not used), B zero. Throws tb::Error for a bad
// config or a model that already has adapters.
void applyLora(LlamaModel &model, const LoraConfig &config, uint64_t seed);

bool hasLora(const LlamaModel &model);
// The config the adapters of `model` were made with; throws tb::Error when it has none.
LoraConfig loraConfigOf(const LlamaModel &model);
// The adapter parameters (what the optimizer trains), in named_parameters() order.
std::vector<torch::Tensor> loraParameters(const LlamaModel &model);
// The same with their names, e.g. model.layers.0.self_attn.q_proj.lora_A.weight.
std::vector<std::pair<std::string, torch::Tensor>> loraNamedParameters(const LlamaModel &model);

// Folds every adapter into its base weight (W += scaling · B A, computed in float32 and
// rounded once to W's dtype) and removes the adapters. requires_grad of the base weights is
// left as it is (false after applyLora): set it yourself to train the merged model fully.
void mergeLora(LlamaModel &model);
// A new model with the adapters of `model` merged in, for export; `model` is unchanged.
// Holds a second copy of the base weights while it lives.
LlamaModel mergedCopy(const LlamaModel &model);

// One Linear LoRA can target: its Hugging Face module path and the module.
struct LoraTarget {
    std::string path; // model.layers.3.self_attn.q_proj
    std::string name; // q_proj
    Linear linear{nullptr};
};
// Every targetable Linear, layer by layer and within a layer in loraTargetNames() order, so
// seeded initialisation does not depend on the order the user lists targets in.
std::vector<LoraTarget> loraTargets(const LlamaModel &model);
bool isLoraTarget(const std::vector<std::string> &targets, const std::string &name);
// Freezes every base parameter and drops any gradient it holds: a stale full-size .grad of a
// 1B base would cost as much memory as the weights and never be used again.
void freezeLoraBase(LlamaModel &model);

} // namespace tb
