#pragma once

#include "llama_model.h"

#include <string>

namespace tb {

class Tokenizer;

// Writes a Hugging Face folder: config.json, model.safetensors (dtype F32, F16 or BF16),
// generation_config.json, and the tokenizer files when a tokenizer is given. Files are
// written to temporaries and renamed, so a failure leaves no half-written model.
void exportHfFolder(LlamaModel &model, const Tokenizer *tokenizer, const std::string &dir,
                    const std::string &dtype = "F32");

// Writes a GGUF v3 file llama.cpp reads (general.architecture = llama), dtype F32 or F16,
// q/k permuted to Meta's interleaved rotary order, tokenizer embedded when given.
void exportGguf(LlamaModel &model, const Tokenizer *tokenizer, const std::string &path,
                const std::string &dtype = "F32");

} // namespace tb
