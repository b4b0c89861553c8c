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

} // namespace tb
