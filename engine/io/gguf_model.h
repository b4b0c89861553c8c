#pragma once

#include "imported_model.h"
#include "llama_model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;

// GGUF (Llama architecture): F32, F16, BF16 and the quantised types of gguf_quant.h (Q4_0,
// Q4_1, Q5_0, Q5_1, Q8_0, Q2_K-Q6_K, dequantised to float32 on load), tokenizer included.
ImportedModel importGguf(const std::string &path);

// How much of each tensor type a GGUF file stores.
struct GgufTypeUsage {
    std::string type;    // F32, Q4_K, ...
    int64_t tensors = 0;
    int64_t values = 0;
    uint64_t bytes = 0;  // as stored
};

// What loading a GGUF file will cost, from its header alone (no tensor data is read): the
// quantisation mix, the file size, and the memory of the weights once dequantised.
struct GgufMemoryReport {
    std::string path;
    uint64_t fileBytes = 0;
    std::vector<GgufTypeUsage> types; // largest share of bytes first
    int64_t values = 0;               // every tensor's values (the parameters)
    uint64_t storedBytes = 0;         // every tensor's bytes as stored
    std::string computeDtype;         // f32 or bf16
    uint64_t computeBytes = 0;        // the weights in computeDtype once dequantised
    // computeBytes plus the largest temporary of loading one tensor: its stored bytes, its
    // float32 values and, for attn_q/attn_k, the float32 copy with its rows permuted.
    uint64_t peakLoadBytes = 0;
};

// Throws tb::Error (naming the file) for a damaged file or a compute dtype other than f32/bf16.
GgufMemoryReport ggufMemoryReport(const std::string &path, const std::string &computeDtype = "f32");

// Writes a GGUF v3 file llama.cpp reads (general.architecture = llama), dtype F32 or F16,
// q/k permuted to Meta's interleaved rotary order, tokenizer embedded when given.
void exportGguf(LlamaModel &model, const Tokenizer *tokenizer, const std::string &path,
                const std::string &dtype = "F32");

} // namespace tb
