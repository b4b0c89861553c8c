#pragma once

#include "model_config.h"
#include "stored_tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;

// What an importer (HF folder, GGUF, llama2.c) finds in a file before any weight is read:
// the config, the tensors under their Hugging Face names and Hugging Face layout (q/k in
// rotate-half order), and the tokenizer if the file carries one.
struct ImportedModel {
    ModelConfig config;
    StoredTensors tensors;
    std::shared_ptr<Tokenizer> tokenizer; // null when the file has none
    std::string format;                   // "hf", "gguf", "llama2c"
    std::string path;
    std::string storedDtype;              // dominant stored dtype, for `info`
    // Why no tokenizer could be used (e.g. only tokenizer.json); loading fails with it
    // unless the user pairs a tokenizer with --tokenizer.
    std::string tokenizerError;
};

// Reads the metadata of an HF folder (config.json + model.safetensors or its index).
ImportedModel importHfFolder(const std::string &dir);
// GGUF (Llama architecture): F32, F16, BF16 and Q8_0 tensors, tokenizer included.
ImportedModel importGguf(const std::string &path);
// llama2.c v0 checkpoint (.bin): 7 int32 header, shared or separate classifier.
ImportedModel importLlama2c(const std::string &path);

} // namespace tb
