// PEFT adapter folders (adapter_config.json + adapter_model.safetensors), so an adapter
// trained here loads in PEFT (PeftModel.from_pretrained) and one trained with PEFT loads here.
#include "peft_adapter.h"

#include "error.h"
#include "file_util.h"
#include "safetensors.h"
#include "text_util.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace tb {

namespace {

// PEFT wraps the model twice (PeftModelForCausalLM -> LoraModel -> LlamaForCausalLM), and
// its saved names keep those two `base_model.model.` steps, minus the adapter name.
const std::string kPeftPrefix = "base_model.model.";
const char *kConfigFile = "adapter_config.json";
const char *kWeightsFile = "adapter_model.safetensors";


// The adapter config PEFT writes, keys sorted as PEFT's json.dump(sort_keys=True) has them.
std::string peftConfigJson(const LoraConfig &config, const std::string &baseModel)
{
    nlohmann::ordered_json j;
    j["base_model_name_or_path"] = baseModel;
    j["bias"] = "none";
    j["fan_in_fan_out"] = false;
    j["inference_mode"] = true;
    j["init_lora_weights"] = true;
    j["layers_pattern"] = nullptr;
    j["layers_to_transform"] = nullptr;
    // PEFT types lora_alpha as an int; write one when it is one.
    if (config.alpha == std::floor(config.alpha) && std::abs(config.alpha) < 1e15)
        j["lora_alpha"] = int64_t(config.alpha);
    else
        j["lora_alpha"] = config.alpha;
    j["lora_dropout"] = config.dropout;
    j["modules_to_save"] = nullptr;
    j["peft_type"] = "LORA";
    j["r"] = config.rank;
    j["revision"] = nullptr;
    j["target_modules"] = config.targets;
    j["task_type"] = "CAUSAL_LM";
    return j.dump(2) + "\n";
}

// Reads and checks adapter_config.json. Features that change the names or the maths of an
// adapter (DoRA, rsLoRA, per-module ranks, layer subsets, extra saved modules, biases) are
// refused by name rather than loaded wrongly.
LoraConfig readPeftConfig(const std::string &path)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readTextFile(path));
    } catch (const nlohmann::json::exception &e) {
        throw Error(path + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.is_object())
        throw Error(path + ": expected a JSON object");
    auto fail = [&](const std::string &what) { return Error(path + ": " + what); };
    if (!j.contains("peft_type") || !j["peft_type"].is_string())
        throw fail("no \"peft_type\"; expected \"LORA\" (a PEFT adapter_config.json)");
    const std::string peftType = j["peft_type"].get<std::string>();
    if (peftType != "LORA")
        throw fail("peft_type is \"" + peftType + "\"; only LORA adapters are supported");

    LoraConfig c;
    if (!j.contains("r") || !j["r"].is_number_integer())
        throw fail("\"r\" (the rank) must be an integer");
    c.rank = j["r"].get<int64_t>();
    if (!j.contains("lora_alpha") || !j["lora_alpha"].is_number())
        throw fail("\"lora_alpha\" must be a number");
    c.alpha = j["lora_alpha"].get<double>();
    c.dropout = 0.0;
    if (j.contains("lora_dropout") && !j["lora_dropout"].is_null()) {
        if (!j["lora_dropout"].is_number())
            throw fail("\"lora_dropout\" must be a number");
        c.dropout = j["lora_dropout"].get<double>();
    }
    if (!j.contains("target_modules"))
        throw fail("no \"target_modules\"");
    const auto &targets = j["target_modules"];
    if (targets.is_string())
        throw fail("target_modules is the pattern \"" + targets.get<std::string>()
                   + "\"; expected a list of module names from " + joinNames(loraTargetNames()));
    if (!targets.is_array())
        throw fail("\"target_modules\" must be a list of module names");
    c.targets.clear();
    for (const auto &t : targets) {
        if (!t.is_string())
            throw fail("\"target_modules\" must hold strings");
        c.targets.push_back(t.get<std::string>());
    }

    auto refuseIf = [&](const char *key, bool bad, const std::string &why) {
        if (j.contains(key) && bad)
            throw fail(std::string("\"") + key + "\" " + why);
    };
    refuseIf("bias", j.contains("bias") && j["bias"] != "none", "is not \"none\"; adapters with biases are not supported");
    refuseIf("fan_in_fan_out", j.contains("fan_in_fan_out") && j["fan_in_fan_out"] == true,
             "is true; Llama's Linear layers store (out, in) weights, so it must be false");
    refuseIf("use_dora", j.contains("use_dora") && j["use_dora"] == true, "is true; DoRA adapters are not supported");
    refuseIf("use_rslora", j.contains("use_rslora") && j["use_rslora"] == true,
             "is true; rank-stabilised scaling (rsLoRA) is not supported");
    for (const char *key : {"rank_pattern", "alpha_pattern"})
        refuseIf(key, j.contains(key) && !j[key].is_null() && !j[key].empty(),
                 "is not empty; per-module ranks and alphas are not supported");
    refuseIf("layers_to_transform", j.contains("layers_to_transform") && !j["layers_to_transform"].is_null(),
             "is set; adapters on a subset of layers are not supported");
    refuseIf("modules_to_save", j.contains("modules_to_save") && !j["modules_to_save"].is_null()
                                    && !j["modules_to_save"].empty(),
             "is set; adapters that also save whole modules are not supported");
    c.validate(path);
    return c;
}

// PEFT saves `...q_proj.lora_A.weight`; some tools keep the adapter name
// (`...q_proj.lora_A.default.weight`). Returns the name without it.
std::string withoutAdapterName(const std::string &name)
{
    for (const char *part : {".lora_A.", ".lora_B."}) {
        const size_t at = name.rfind(part);
        if (at == std::string::npos)
            continue;
        const size_t rest = at + 8; // after ".lora_A."
        const size_t dot = name.find('.', rest);
        if (dot != std::string::npos && name.compare(dot, std::string::npos, ".weight") == 0 && dot > rest)
            return name.substr(0, rest) + "weight";
    }
    return name;
}

} // namespace

void saveLoraAdapter(const LlamaModel &model, const std::string &dirPath, const std::string &baseModel)
{
    if (!hasLora(model))
        throw Error(dirPath + ": the model has no LoRA adapters to save");
    const LoraConfig config = loraConfigOf(model);
    createFolder(dirPath);
    const fs::path dir(dirPath);
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (auto &[name, tensor] : loraNamedParameters(model))
        tensors.emplace_back(kPeftPrefix + name, tensor);
    // Weights first: a config never names an adapter whose weights were not written.
    writeSafetensors((dir / kWeightsFile).string(), tensors, "F32", {{"format", "pt"}});
    writeFileAtomically((dir / kConfigFile).string(), peftConfigJson(config, baseModel));
}

LoraConfig loadLoraAdapter(LlamaModel &model, const std::string &dirPath)
{
    const fs::path dir(dirPath);
    if (!fs::is_directory(dir))
        throw Error(dirPath + ": not a folder; a PEFT adapter is a folder with " + kConfigFile + " and " + kWeightsFile);
    const std::string configPath = (dir / kConfigFile).string();
    const std::string weightsPath = (dir / kWeightsFile).string();
    if (!fs::exists(configPath))
        throw Error(dirPath + ": no " + kConfigFile + "; a PEFT adapter folder needs " + kConfigFile + " and "
                    + kWeightsFile);
    if (!fs::exists(weightsPath)) {
        if (fs::exists(dir / "adapter_model.bin"))
            throw Error(dirPath + ": has only adapter_model.bin (PyTorch pickle); Tunebench reads " + kWeightsFile
                        + ", which loads without running code from the file");
        throw Error(dirPath + ": no " + kWeightsFile + " in the folder");
    }
    if (hasLora(model))
        throw Error(dirPath + ": the model already has LoRA adapters; load the adapter into the base model");

    const LoraConfig config = readPeftConfig(configPath);
    const StoredTensors stored = readSafetensors(weightsPath);

    // Every tensor in the file, by its name without PEFT's prefix or an adapter name.
    std::map<std::string, const StoredTensor *> byName;
    for (const auto &[name, t] : stored) {
        if (name.compare(0, kPeftPrefix.size(), kPeftPrefix) != 0)
            throw Error(weightsPath + ": tensor '" + name + "' does not start with '" + kPeftPrefix
                        + "' (PEFT's names look like base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight)");
        const std::string key = withoutAdapterName(name.substr(kPeftPrefix.size()));
        if (!byName.emplace(key, &t).second)
            throw Error(weightsPath + ": tensor '" + name + "' is stored twice (with and without an adapter name)");
    }

    // Check everything, then read everything into float32 temporaries, then apply.
    const auto targets = loraTargets(model);
    const int64_t layers = model->config().numLayers;
    struct Pending {
        Linear linear{nullptr};
        torch::Tensor a, b;
    };
    std::vector<Pending> pending;
    std::set<std::string> used;
    for (const auto &t : targets) {
        if (!isLoraTarget(config.targets, t.name))
            continue;
        const int64_t in = t.linear->weight.size(1), out = t.linear->weight.size(0);
        for (const char *which : {"lora_A", "lora_B"}) {
            const std::string key = t.path + "." + which + ".weight";
            const std::string peftName = kPeftPrefix + key;
            auto it = byName.find(key);
            if (it == byName.end())
                throw Error(weightsPath + ": missing tensor '" + peftName + "' (" + configPath + " targets "
                            + joinNames(config.targets) + " and the model has " + std::to_string(layers) + " layers)");
            const StoredTensor &s = *it->second;
            const bool isA = which[5] == 'A';
            const std::vector<int64_t> expected = isA ? std::vector<int64_t>{config.rank, in}
                                                      : std::vector<int64_t>{out, config.rank};
            if (s.shape != expected)
                throw Error(weightsPath + ": tensor '" + s.name + "' has shape " + shapeText(s.shape) + ", expected "
                            + shapeText(expected) + " (r = " + std::to_string(config.rank) + " in adapter_config.json; "
                            + t.name + " of this model is " + std::to_string(out) + " x " + std::to_string(in)
                            + "); was the adapter trained for another base model?");
            if (storedElementSize(s.dtype) == 0)
                throw Error(weightsPath + ": tensor '" + s.name + "' has dtype " + s.dtype
                            + "; expected F32, F16 or BF16");
            used.insert(key);
        }
    }
    for (const auto &[key, s] : byName)
        if (!used.count(key))
            throw Error(weightsPath + ": unexpected tensor '" + s->name + "'; expected only lora_A/lora_B weights of "
                        + joinNames(config.targets) + " (target_modules in " + configPath + ") in layers 0-"
                        + std::to_string(layers - 1));

    {
        torch::NoGradGuard noGrad;
        for (const auto &t : targets) {
            if (!isLoraTarget(config.targets, t.name))
                continue;
            Pending p;
            p.linear = t.linear;
            p.a = torch::empty({config.rank, t.linear->weight.size(1)}, torch::kFloat);
            p.b = torch::empty({t.linear->weight.size(0), config.rank}, torch::kFloat);
            byName.at(t.path + ".lora_A.weight")->readInto(p.a);
            byName.at(t.path + ".lora_B.weight")->readInto(p.b);
            pending.push_back(std::move(p));
        }
        freezeLoraBase(model);
    }
    for (auto &p : pending)
        p.linear->attachLora(p.a, p.b, config.alpha, config.dropout);
    return config;
}
} // namespace tb
