#pragma once

#include "imported_model.h"
#include "llama_model.h"

#include <string>

namespace tb {

class Tokenizer;

// GGUF (Llama architecture): F32, F16, BF16 and Q8_0 tensors, tokenizer included.
ImportedModel importGguf(const std::string &path);

// Writes a GGUF v3 file llama.cpp reads (general.architecture = llama), dtype F32 or F16,
// q/k permuted to Meta's interleaved rotary order, tokenizer embedded when given.
void exportGguf(LlamaModel &model, const Tokenizer *tokenizer, const std::string &path,
                const std::string &dtype = "F32");

} // namespace tb
