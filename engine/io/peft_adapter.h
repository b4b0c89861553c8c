#pragma once

#include "lora.h"

#include <string>

namespace tb {

// Writes a PEFT adapter folder: adapter_config.json and adapter_model.safetensors (F32,
// names like base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight). Each file is
// written to a temporary and renamed, so a failed save leaves the previous files intact.
// `baseModel` becomes base_model_name_or_path.
void saveLoraAdapter(const LlamaModel &model, const std::string &dir, const std::string &baseModel);

// Reads a PEFT LoRA adapter folder into `model` (which must have no adapters yet), freezing
// the base as applyLora does. Accepts F32, F16 and BF16 tensors, named with or without the
// adapter-name infix (`lora_A.weight` or `lora_A.default.weight`). Every tensor's name,
// shape and dtype is checked against the config and the model before anything changes:
// on a tb::Error the model is as it was. Returns the adapter's config.
LoraConfig loadLoraAdapter(LlamaModel &model, const std::string &dir);

} // namespace tb
