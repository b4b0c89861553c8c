#include "cli_common.h"

#include "model_loader.h"
#include "runtime.h"
#include "tokenizer.h"

#include <nlohmann/json.hpp>

#include <iostream>

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
