// Hugging Face model folders: config.json + model.safetensors (or shards listed in
// model.safetensors.index.json) + tokenizer.model / tokenizer_config.json.
#include "hf_folder.h"

#include "error.h"
#include "file_util.h"
#include "imported_model.h"
#include "lora.h"
#include "safetensors.h"
#include "tokenizer.h"
#include "thread_guard.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace tb {

namespace {

std::string dominantDtype(const StoredTensors &tensors)
{
    std::map<std::string, int64_t> bytes;
    for (const auto &[name, t] : tensors) {
        int64_t n = 1;
        for (auto d : t.shape)
            n *= d;
        bytes[t.dtype] += n;
    }
    std::string best;
    int64_t most = -1;
    for (const auto &[dtype, n] : bytes)
        if (n > most) {
            most = n;
            best = dtype;
        }
    return best;
}

StoredTensors readShards(const fs::path &dir)
{
    const fs::path index = dir / "model.safetensors.index.json";
    if (!fs::exists(index)) {
        const fs::path single = dir / "model.safetensors";
        if (fs::exists(single))
            return readSafetensors(single.string());
        if (fs::exists(dir / "pytorch_model.bin") || fs::exists(dir / "pytorch_model.bin.index.json"))
            throw Error(dir.string() + ": has only PyTorch pickle weights (pytorch_model.bin); Tunebench reads "
                        "model.safetensors, which loads without running code from the file");
        throw Error(dir.string() + ": no model.safetensors or model.safetensors.index.json in the folder");
    }
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readTextFile(index.string()));
    } catch (const nlohmann::json::exception &e) {
        throw Error(index.string() + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.contains("weight_map") || !j["weight_map"].is_object())
        throw Error(index.string() + ": missing the 'weight_map' object");
    std::map<std::string, std::string> shardOf;
    std::set<std::string> shards;
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
        if (!it.value().is_string())
            throw Error(index.string() + ": weight_map entry '" + it.key() + "' is not a file name");
        shardOf[it.key()] = it.value().get<std::string>();
        shards.insert(it.value().get<std::string>());
    }
    StoredTensors all;
    for (const auto &shard : shards) {
        const fs::path shardPath = dir / shard;
        if (!fs::exists(shardPath))
            throw Error(index.string() + ": names shard '" + shard + "', which is not in " + dir.string());
        StoredTensors part = readSafetensors(shardPath.string());
        for (auto &[name, t] : part) {
            auto owner = shardOf.find(name);
            if (owner != shardOf.end() && owner->second != shard)
                continue; // the index says another shard holds it
            all.emplace(name, std::move(t));
        }
    }
    for (const auto &[name, shard] : shardOf)
        if (!all.count(name))
            throw Error(index.string() + ": tensor '" + name + "' is listed in shard '" + shard + "' but not stored there");
    return all;
}

} // namespace

ImportedModel importHfFolder(const std::string &dirPath)
{
    const fs::path dir(dirPath);
    if (!fs::is_directory(dir))
        throw Error(dirPath + ": not a folder");
    const fs::path config = dir / "config.json";
    if (!fs::exists(config))
        throw Error(dirPath + ": no config.json; a Hugging Face model folder needs config.json and model.safetensors");

    ImportedModel imported;
    imported.format = "hf";
    imported.path = dirPath;
    imported.config = readHfConfig(config.string());
    imported.tensors = readShards(dir);
    imported.storedDtype = dominantDtype(imported.tensors);

    const fs::path spModel = dir / "tokenizer.model";
    if (fs::exists(spModel)) {
        imported.tokenizer = Tokenizer::fromFile(spModel.string());
        imported.tokenizer->applyHfConfig((dir / "tokenizer_config.json").string());
    } else if (fs::exists(dir / "tokenizer.json")) {
        // Hugging Face's tokenizer.json (Llama 3, Qwen, Gemma...), with the same config on top.
        imported.tokenizer = Tokenizer::fromHfJson((dir / "tokenizer.json").string());
        imported.tokenizer->applyHfConfig((dir / "tokenizer_config.json").string());
    }
    return imported;
}

void exportHfFolder(LlamaModel &model, const Tokenizer *tokenizer, const std::string &dirPath, const std::string &dtype,
                    bool replace)
{
    requireBackgroundThread("tb::exportHfFolder");
    static const std::map<std::string, std::string> torchNames = {
        {"F32", "float32"}, {"F16", "float16"}, {"BF16", "bfloat16"}};
    auto torchName = torchNames.find(dtype);
    if (torchName == torchNames.end())
        throw Error("export to Hugging Face: dtype '" + dtype + "' is not one of F32, F16, BF16");
    // A model file holds base weights only; unmerged adapters would be tensors no loader knows.
    if (hasLora(model))
        throw Error(dirPath + ": the model has LoRA adapters; merge them first (mergeLora or mergedCopy) to export "
                    "merged weights, or save the adapter on its own (saveLoraAdapter)");
    StagedFolder staged(dirPath, replace);
    const fs::path dir(staged.path());

    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto &p : model->named_parameters())
        tensors.emplace_back(p.key(), p.value());
    writeSafetensors((dir / "model.safetensors").string(), tensors, dtype, {{"format", "pt"}});
    writeFileAtomically((dir / "config.json").string(), hfConfigJson(model->config(), torchName->second));
    nlohmann::ordered_json generation = {{"bos_token_id", model->config().bosTokenId},
                                         {"eos_token_id", model->config().eosTokenId}};
    writeFileAtomically((dir / "generation_config.json").string(), generation.dump(2) + "\n");
    if (tokenizer)
        tokenizer->writeHfFiles(staged.path());
    staged.commit();
}

} // namespace tb
