#include "cli_common.h"

#include "gguf_model.h"
#include "model_loader.h"
#include "runtime.h"
#include "tokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <optional>

namespace {

// 1187552 -> "1.13 MiB": quantised test models are a few MiB, real ones GiB.
std::string infoShortSize(uint64_t bytes)
{
    char buf[32];
    if (bytes >= (uint64_t(1) << 30))
        std::snprintf(buf, sizeof buf, "%.2f GiB", double(bytes) / double(uint64_t(1) << 30));
    else if (bytes >= (uint64_t(1) << 20))
        std::snprintf(buf, sizeof buf, "%.2f MiB", double(bytes) / double(uint64_t(1) << 20));
    else
        std::snprintf(buf, sizeof buf, "%.1f KiB", double(bytes) / 1024.0);
    return buf;
}

// 1187552 -> "1.13 MiB (1187552 bytes)".
std::string infoSizeText(uint64_t bytes)
{
    return infoShortSize(bytes) + " (" + std::to_string(bytes) + " bytes)";
}

} // namespace

void addInfoCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("info", "Describe a model: format, architecture, parameters, dtype, tokenizer");
    struct Args {
        std::string model;
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("MODEL", args->model, "HF folder, .gguf file or llama2.c .bin")->required();
    cmd->add_flag("--json", args->json, "Machine-readable output");
    cmd->callback([args, &common] {
        tb::LoadedModel loaded = loadForCli(args->model, common);
        const tb::ModelConfig &c = loaded.model->config();
        nlohmann::ordered_json j;
        j["path"] = loaded.path;
        j["format"] = loaded.format;
        j["architecture"] = "llama";
        j["stored_dtype"] = loaded.storedDtype;
        j["compute_dtype"] = loaded.model->dtype() == torch::kBFloat16 ? "bf16" : "f32";
        j["parameters"] = c.parameterCount();
        j["vocab_size"] = c.vocabSize;
        j["hidden_size"] = c.hiddenSize;
        j["intermediate_size"] = c.intermediateSize;
        j["num_layers"] = c.numLayers;
        j["num_heads"] = c.numHeads;
        j["num_kv_heads"] = c.numKvHeads;
        j["context_length"] = c.maxPositions;
        j["rope_theta"] = c.ropeTheta;
        j["rms_norm_eps"] = c.rmsNormEps;
        j["tied_embeddings"] = c.tieWordEmbeddings;
        // GGUF: the quantisation mix and what the weights take once dequantised (header only).
        std::optional<tb::GgufMemoryReport> gguf;
        if (loaded.format == "gguf") {
            gguf = tb::ggufMemoryReport(loaded.path, j["compute_dtype"].get<std::string>());
            nlohmann::ordered_json types = nlohmann::ordered_json::array();
            for (const tb::GgufTypeUsage &u : gguf->types)
                types.push_back({{"type", u.type}, {"tensors", u.tensors}, {"values", u.values}, {"bytes", u.bytes}});
            j["gguf"] = {{"file_bytes", gguf->fileBytes},         {"tensor_types", types},
                         {"stored_bytes", gguf->storedBytes},     {"compute_dtype", gguf->computeDtype},
                         {"compute_bytes", gguf->computeBytes},   {"peak_load_bytes", gguf->peakLoadBytes}};
        }
        if (loaded.tokenizer) {
            j["tokenizer"] = {{"vocab_size", loaded.tokenizer->vocabSize()},
                              {"bos_id", loaded.tokenizer->bosId()},
                              {"eos_id", loaded.tokenizer->eosId()},
                              {"bos", loaded.tokenizer->piece(loaded.tokenizer->bosId())},
                              {"eos", loaded.tokenizer->piece(loaded.tokenizer->eosId())},
                              {"chat_template", loaded.tokenizer->chatTemplateSource()}};
        } else {
            j["tokenizer"] = nullptr;
        }
        j["threads"] = torch::get_num_threads();
        j["blas"] = tb::blasDescription();
        if (args->json) {
            std::cout << j.dump(2) << std::endl;
            return;
        }
        std::cout << "path:            " << loaded.path << "\n"
                  << "format:          " << loaded.format << "\n"
                  << "architecture:    llama (" << c.numLayers << " layers, hidden " << c.hiddenSize << ", "
                  << c.numHeads << " heads, " << c.numKvHeads << " KV heads, intermediate " << c.intermediateSize
                  << ")\n"
                  << "parameters:      " << c.parameterCount() << "\n"
                  << "vocab:           " << c.vocabSize << (c.tieWordEmbeddings ? " (tied embeddings)" : "") << "\n"
                  << "context:         " << c.maxPositions << " (rope theta " << c.ropeTheta << ")\n"
                  << "stored dtype:    " << loaded.storedDtype << "\n"
                  << "compute dtype:   " << j["compute_dtype"].get<std::string>() << "\n";
        if (gguf) {
            std::cout << "file size:       " << infoSizeText(gguf->fileBytes) << "\n"
                      << "tensor types:   ";
            for (size_t i = 0; i < gguf->types.size(); ++i) {
                const tb::GgufTypeUsage &u = gguf->types[i];
                std::cout << (i ? ", " : " ") << u.type << " x" << u.tensors << " " << infoShortSize(u.bytes);
            }
            std::cout << "\n"
                      << "weights in " << gguf->computeDtype << ":  " << infoSizeText(gguf->computeBytes)
                      << " once dequantised (peak while loading about " << infoSizeText(gguf->peakLoadBytes) << ")\n";
        }
        if (loaded.tokenizer)
            std::cout << "tokenizer:       SentencePiece, " << loaded.tokenizer->vocabSize() << " pieces, BOS "
                      << j["tokenizer"]["bos"].get<std::string>() << " (" << loaded.tokenizer->bosId() << "), EOS "
                      << j["tokenizer"]["eos"].get<std::string>() << " (" << loaded.tokenizer->eosId() << ")\n"
                      << "chat template:   "
                      << (loaded.tokenizer->chatTemplateSource().empty() ? "(none)" : "from tokenizer config") << "\n";
        else
            std::cout << "tokenizer:       none (pass --tokenizer PATH)\n";
        std::cout << "threads:         " << torch::get_num_threads() << "\n"
                  << "blas:            " << tb::blasDescription() << std::endl;
    });
}
