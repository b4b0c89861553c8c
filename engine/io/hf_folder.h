#pragma once

#include "imported_model.h"
#include "llama_model.h"

#include <string>

namespace tb {

class Tokenizer;

// Reads the metadata of an HF folder (config.json + model.safetensors or its index).
ImportedModel importHfFolder(const std::string &dir);

// Writes a Hugging Face folder: config.json, model.safetensors (dtype F32, F16 or BF16),
// generation_config.json, and the tokenizer files when a tokenizer is given. The folder is
// written whole or not at all (StagedFolder, file_util.h): a failure or Ctrl+C leaves no
// half-written model, and a folder that already holds files is refused, unless `replace`,
// which swaps in the new folder in one step: old and new files never mix.
void exportHfFolder(LlamaModel &model, const Tokenizer *tokenizer, const std::string &dir,
                    const std::string &dtype = "F32", bool replace = false);

} // namespace tb
