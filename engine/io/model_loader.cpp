#include "model_loader.h"

#include "error.h"
#include "gguf_model.h"
#include "hf_folder.h"
#include "llama2c.h"
#include "text_util.h"
#include "file_util.h"
#include "tokenizer.h"
#include "thread_guard.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace tb {

namespace {


bool hasSuffix(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

enum class Format { HfFolder, Gguf, Llama2c };

Format detectFormat(const std::string &path)
{
    if (isDirectory(path))
        return Format::HfFolder;
    if (!std::filesystem::exists(path))
        throw Error(path + ": no such file or folder");
    char magic[4] = {};
    const ReadOnlyFile file(path); // a regular file: a FIFO or a device is refused, not waited on
    if (::pread(file.fd(), magic, 4, 0) == 4 && std::memcmp(magic, "GGUF", 4) == 0)
        return Format::Gguf;
    if (hasSuffix(path, ".gguf"))
        return Format::Gguf; // let the GGUF reader report the wrong magic
    if (hasSuffix(path, ".bin"))
        return Format::Llama2c;
    if (hasSuffix(path, ".safetensors"))
        throw Error(path + ": a bare .safetensors file has no config; open the folder that holds it and its config.json");
    throw Error(path + ": unknown model format; expected a Hugging Face folder, a .gguf file or a llama2.c .bin");
}

} // namespace

void readParameters(const torch::OrderedDict<std::string, torch::Tensor> &params, const ImportedModel &imported,
                    const LoadOptions &options, const std::function<bool(const std::string &)> &ignore)
{
    torch::NoGradGuard noGrad;
    const std::string source = imported.path;
    std::set<std::string> used;
    int64_t total = 0, done = 0;
    for (const auto &p : params)
        total += p.value().numel();
    for (const auto &p : params) {
        auto it = imported.tensors.find(p.key());
        if (it == imported.tensors.end())
            throw Error(source + ": missing tensor '" + p.key() + "'");
        const StoredTensor &stored = it->second;
        if (stored.shape != p.value().sizes().vec())
            throw Error(stored.file + ": tensor '" + p.key() + "' has shape " + shapeText(stored.shape) + ", expected "
                        + shapeText(p.value().sizes().vec()) + " from the model config");
        torch::Tensor dst = p.value();
        stored.readInto(dst);
        used.insert(p.key());
        done += p.value().numel();
        if (options.progress && !options.progress(double(done) / double(total), p.key()))
            throw Cancelled();
    }
    for (const auto &[name, stored] : imported.tensors) {
        if (used.count(name) || hasSuffix(name, "rotary_emb.inv_freq") || (ignore && ignore(name)))
            continue;
        throw Error(stored.file + ": unexpected tensor '" + name
                    + "' (not part of a Llama model: attention biases and other extras are not supported)");
    }
}

LlamaModel buildModel(const ImportedModel &imported, const LoadOptions &options)
{
    if (options.computeDtype != torch::kFloat && options.computeDtype != torch::kBFloat16)
        throw Error("compute dtype must be float32 or bfloat16");
    if (imported.tensors.count("score.weight"))
        throw Error(imported.path + ": is a sequence classifier (LlamaForSequenceClassification: a class head, "
                    "score.weight, in place of the language-model head) and cannot generate text; load it as a "
                    "classifier");
    LlamaModel model(imported.config, options.computeDtype);
    // Some exporters store a tied lm_head matrix twice.
    const bool tied = imported.config.tieWordEmbeddings;
    readParameters(model->named_parameters(), imported, options,
                   [tied](const std::string &name) { return tied && name == "lm_head.weight"; });
    return model;
}

ImportedModel importModel(const std::string &path)
{
    requireBackgroundThread("tb::importModel");
    switch (detectFormat(path)) {
    case Format::HfFolder: return importHfFolder(path);
    case Format::Gguf: return importGguf(path);
    case Format::Llama2c: return importLlama2c(path);
    }
    throw Error(path + ": unknown model format");
}

void pairTokenizer(ImportedModel &imported, const std::string &tokenizerPath)
{
    if (!tokenizerPath.empty()) {
        imported.tokenizer = Tokenizer::fromPath(tokenizerPath);
        imported.tokenizerError.clear();
    }
    if (!imported.tokenizerError.empty())
        throw Error(imported.tokenizerError);
    if (imported.tokenizer && imported.tokenizer->vocabSize() > imported.config.vocabSize)
        throw Error(imported.path + ": the tokenizer has " + std::to_string(imported.tokenizer->vocabSize())
                    + " tokens but the model only " + std::to_string(imported.config.vocabSize)
                    + " embeddings; use the tokenizer the model was trained with");
}

LoadedModel loadModel(const std::string &path, const LoadOptions &options)
{
    requireBackgroundThread("tb::loadModel");
    ImportedModel imported = importModel(path);
    pairTokenizer(imported, options.tokenizerPath);

    LoadedModel loaded;
    loaded.model = buildModel(imported, options);
    // Weights are read on the CPU, then moved once (a no-op for the CPU).
    if (options.device != c10::Device(c10::kCPU))
        loaded.model->to(options.device);
    loaded.model->eval();
    loaded.tokenizer = imported.tokenizer;
    loaded.format = imported.format;
    loaded.path = path;
    loaded.storedDtype = imported.storedDtype;
    return loaded;
}

} // namespace tb
