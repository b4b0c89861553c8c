#pragma once

#include "model_loader.h"

#include <string>

namespace tb {

// Where a run's weights are: `path` may be a run directory (its best checkpoint when it
// kept one, else its last), one checkpoint folder, or any model tunebench loads. Returns
// the folder or file to load; throws tb::Error when a run holds no complete checkpoint.
std::string resolveCheckpoint(const std::string &path);

// Loads what resolveCheckpoint finds. A LoRA checkpoint (a PEFT adapter folder) is loaded
// over its base model (adapter_config.json's base_model_name_or_path, or `baseOverride`),
// then merged, so the result is a plain model with the adapter's behaviour.
LoadedModel loadCheckpoint(const std::string &path, const LoadOptions &options = {},
                           const std::string &baseOverride = {});

} // namespace tb
