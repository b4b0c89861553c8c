#pragma once

#include "imported_model.h"
#include "llama_model.h"

#include <functional>
#include <memory>
#include <string>

namespace tb {

class Tokenizer;

// Return false to cancel; `fraction` is in [0, 1].
using ProgressCallback = std::function<bool(double fraction, const std::string &what)>;

struct LoadOptions {
    torch::Dtype computeDtype = torch::kFloat; // float32 or bfloat16
    std::string tokenizerPath;                 // --tokenizer: pairs a .model with bare weights
    c10::Device device = c10::kCPU;            // --device: where the loaded model computes (device.h)
    ProgressCallback progress;
};

struct LoadedModel {
    LlamaModel model{nullptr};
    std::shared_ptr<Tokenizer> tokenizer; // null when none was found or given
    std::string format;                   // hf, gguf, llama2c
    std::string path;
    std::string storedDtype;
};

// Thrown when a progress callback asked to stop; nothing half-loaded is returned.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

// Detects the format of `path` and reads its metadata and tokenizer, but no weights.
ImportedModel importModel(const std::string &path);

// Pairs the tokenizer at `tokenizerPath` (when given) with `imported`, then checks the pair:
// throws tb::Error with the importer's reason when there is no usable tokenizer, or when the
// tokenizer has more tokens than the model has embeddings.
void pairTokenizer(ImportedModel &imported, const std::string &tokenizerPath);

// Detects the format of `path` (a folder, a .gguf or a llama2.c .bin) and loads it.
// Peak memory stays near one copy of the weights in the compute dtype.
LoadedModel loadModel(const std::string &path, const LoadOptions &options = {});

// Builds the model from an import, checking every tensor's name and shape. Throws
// tb::Error for a sequence classifier (score.weight, no language-model head): see
// loadClassifier in sequence_classifier.h.
LlamaModel buildModel(const ImportedModel &imported, const LoadOptions &options);

// Fills `params` (Hugging Face names) from `imported`, checking every name and shape, with
// progress and cancellation through options.progress. A stored tensor with no parameter
// is an error unless `ignore` accepts its name (rotary inv_freq buffers always are).
void readParameters(const torch::OrderedDict<std::string, torch::Tensor> &params, const ImportedModel &imported,
                    const LoadOptions &options, const std::function<bool(const std::string &)> &ignore = {});

} // namespace tb
