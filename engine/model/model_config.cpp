#include "model_config.h"

#include "error.h"
#include "file_util.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace tb {

int64_t ModelConfig::parameterCount() const
{
    const int64_t attention = hiddenSize * hiddenSize * 2 + hiddenSize * kvDim() * 2;
    const int64_t mlp = 3 * hiddenSize * intermediateSize;
    const int64_t norms = 2 * hiddenSize;
    const int64_t embed = vocabSize * hiddenSize;
    return embed * (tieWordEmbeddings ? 1 : 2) + numLayers * (attention + mlp + norms) + hiddenSize;
}

void ModelConfig::validate(const std::string &source) const
{
    auto fail = [&](const std::string &what) { throw Error(source + ": " + what); };
    if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || numLayers <= 0 || numHeads <= 0
        || numKvHeads <= 0 || maxPositions <= 0)
        fail("every size must be positive");
    if (hiddenSize % numHeads != 0)
        fail("hidden_size " + std::to_string(hiddenSize) + " is not a multiple of num_attention_heads "
             + std::to_string(numHeads));
    if (numHeads % numKvHeads != 0)
        fail("num_attention_heads " + std::to_string(numHeads) + " is not a multiple of num_key_value_heads "
             + std::to_string(numKvHeads));
    if (headDim() % 2 != 0)
        fail("head dimension " + std::to_string(headDim()) + " must be even for rotary embeddings");
}

ModelConfig readHfConfig(const std::string &path)
{
    const std::string text = readTextFile(path); // a regular file only; errors name it
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const std::exception &e) {
        throw Error(path + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.is_object())
        throw Error(path + ": expected a JSON object");
    std::string arch = j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty()
        ? j["architectures"][0].get<std::string>()
        : j.value("model_type", std::string());
    // A sequence classifier has the same backbone; its head is the loader's business.
    const bool llama = arch == "LlamaForCausalLM" || arch == "llama" || arch == "MistralForCausalLM"
        || arch == "mistral" || arch == "LlamaForSequenceClassification";
    if (!llama)
        throw Error(path + ": unsupported architecture '" + arch
                    + "'; Tunebench reads LlamaForCausalLM (Llama, TinyLlama, Mistral-style) and "
                      "LlamaForSequenceClassification models");
    auto need = [&](const char *key) -> int64_t {
        if (!j.contains(key) || !j[key].is_number_integer())
            throw Error(path + ": missing integer field '" + key + "'");
        return j[key].get<int64_t>();
    };
    ModelConfig c;
    c.vocabSize = need("vocab_size");
    c.hiddenSize = need("hidden_size");
    c.intermediateSize = need("intermediate_size");
    c.numLayers = need("num_hidden_layers");
    c.numHeads = need("num_attention_heads");
    c.numKvHeads = j.value("num_key_value_heads", c.numHeads);
    c.maxPositions = j.value("max_position_embeddings", int64_t(2048));
    c.rmsNormEps = j.value("rms_norm_eps", 1e-6);
    c.ropeTheta = j.value("rope_theta", 10000.0);
    c.tieWordEmbeddings = j.value("tie_word_embeddings", false);
    if (j.contains("bos_token_id") && j["bos_token_id"].is_number_integer())
        c.bosTokenId = j["bos_token_id"].get<int64_t>();
    if (j.contains("eos_token_id") && j["eos_token_id"].is_number_integer())
        c.eosTokenId = j["eos_token_id"].get<int64_t>();
    if (j.contains("rope_scaling") && !j["rope_scaling"].is_null())
        throw Error(path + ": rope_scaling is not supported yet; use a model without it");
    if (j.contains("head_dim") && j["head_dim"].is_number_integer()
        && j["head_dim"].get<int64_t>() != c.hiddenSize / std::max<int64_t>(1, c.numHeads))
        throw Error(path + ": head_dim different from hidden_size / num_attention_heads is not supported");
    c.validate(path);
    return c;
}

std::string hfConfigJson(const ModelConfig &c, const std::string &torchDtype)
{
    nlohmann::ordered_json j;
    j["architectures"] = {"LlamaForCausalLM"};
    j["model_type"] = "llama";
    j["vocab_size"] = c.vocabSize;
    j["hidden_size"] = c.hiddenSize;
    j["intermediate_size"] = c.intermediateSize;
    j["num_hidden_layers"] = c.numLayers;
    j["num_attention_heads"] = c.numHeads;
    j["num_key_value_heads"] = c.numKvHeads;
    j["max_position_embeddings"] = c.maxPositions;
    j["rms_norm_eps"] = c.rmsNormEps;
    j["rope_theta"] = c.ropeTheta;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    j["hidden_act"] = "silu";
    j["bos_token_id"] = c.bosTokenId;
    j["eos_token_id"] = c.eosTokenId;
    j["torch_dtype"] = torchDtype;
    j["attention_bias"] = false;
    return j.dump(2) + "\n";
}

ModelConfig presetConfig(ModelPreset preset, int64_t vocabSize)
{
    ModelConfig c;
    c.vocabSize = vocabSize;
    c.tieWordEmbeddings = true;
    switch (preset) {
    case ModelPreset::Nano: // ~0.4M parameters + embeddings: seconds per epoch on a laptop
        c.hiddenSize = 64; c.intermediateSize = 176; c.numLayers = 4; c.numHeads = 4; c.numKvHeads = 4;
        c.maxPositions = 256;
        break;
    case ModelPreset::Micro:
        c.hiddenSize = 128; c.intermediateSize = 352; c.numLayers = 4; c.numHeads = 4; c.numKvHeads = 4;
        c.maxPositions = 256;
        break;
    case ModelPreset::Small:
        c.hiddenSize = 256; c.intermediateSize = 688; c.numLayers = 6; c.numHeads = 8; c.numKvHeads = 4;
        c.maxPositions = 512;
        break;
    case ModelPreset::Base:
        c.hiddenSize = 512; c.intermediateSize = 1376; c.numLayers = 8; c.numHeads = 8; c.numKvHeads = 4;
        c.maxPositions = 1024;
        break;
    }
    return c;
}

ModelConfig presetConfig(const std::string &name, int64_t vocabSize)
{
    if (const auto preset = enumFromName<ModelPreset>(name))
        return presetConfig(*preset, vocabSize);
    if (name != "tinyllama")
        throw Error("unknown model preset '" + name + "'; choose one of " + enumNameList<ModelPreset>() + " or tinyllama");
    ModelConfig c; // TinyLlama-1.1B's shape
    c.vocabSize = vocabSize > 0 ? vocabSize : 32000;
    c.hiddenSize = 2048; c.intermediateSize = 5632; c.numLayers = 22; c.numHeads = 32; c.numKvHeads = 4;
    c.maxPositions = 2048; c.tieWordEmbeddings = false;
    return c;
}

} // namespace tb
