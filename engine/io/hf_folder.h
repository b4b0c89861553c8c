#pragma once

#include "imported_model.h"
#include "llama_model.h"

#include <string>

namespace tb {

class Tokenizer;

// Reads the metadata of an HF folder (config.json + model.safetensors or its index).
ImportedModel importHfFolder(const std::string &dir);

// Writes a Hugging Face folder: config.json, model.safetensors (dtype F32, F16 or BF16),
// generation_config.json, and the tokenizer files when a tokenizer is given. Files are
// written to temporaries and renamed, so a failure leaves no half-written model.
void exportHfFolder(LlamaModel &model, const Tokenizer *tokenizer, const std::string &dir,
                    const std::string &dtype = "F32");

} // namespace tb
