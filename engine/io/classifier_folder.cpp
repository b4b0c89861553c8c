#include "classifier_folder.h"

#include "error.h"
#include "file_util.h"
#include "hf_folder.h"
#include "imported_model.h"
#include "safetensors.h"
#include "text_util.h"
#include "thread_guard.h"
#include "tokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace tb {

namespace {

const char *kArchitecture = "LlamaForSequenceClassification";

// ["negative", "positive"]: label names in messages.
std::string quotedList(const std::vector<std::string> &names)
{
    return names.empty() ? "[]" : "[\"" + joinNames(names, "\", \"") + "\"]";
}

nlohmann::json readJsonFile(const std::string &path)
{
    try {
        return nlohmann::json::parse(readTextFile(path));
    } catch (const nlohmann::json::exception &e) {
        throw Error(path + ": not valid JSON (" + e.what() + ")");
    }
}

// id2label as Hugging Face writes it ({"0": "negative", …}), or LABEL_i names for a bare
// num_labels, as PretrainedConfig fills them in.
std::vector<std::string> labelsFromConfig(const std::string &path)
{
    const nlohmann::json j = readJsonFile(path);
    int64_t count = -1;
    if (j.contains("num_labels")) {
        if (!j["num_labels"].is_number_integer() || j["num_labels"].get<int64_t>() < 1)
            throw Error(path + ": num_labels must be a positive whole number");
        count = j["num_labels"].get<int64_t>();
    }
    if (!j.contains("id2label")) {
        if (count < 0)
            throw Error(path + ": a " + kArchitecture + " config needs id2label or num_labels");
        std::vector<std::string> names;
        for (int64_t i = 0; i < count; ++i)
            names.push_back("LABEL_" + std::to_string(i));
        return names;
    }
    if (!j["id2label"].is_object() || j["id2label"].empty())
        throw Error(path + ": id2label must be an object such as {\"0\": \"negative\", \"1\": \"positive\"}");
    std::map<int64_t, std::string> byId;
    for (auto it = j["id2label"].begin(); it != j["id2label"].end(); ++it) {
        size_t used = 0;
        int64_t id = -1;
        try {
            id = std::stoll(it.key(), &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used != it.key().size() || id < 0)
            throw Error(path + ": id2label key \"" + it.key() + "\" is not a label id (0, 1, …)");
        if (!it.value().is_string())
            throw Error(path + ": id2label[\"" + it.key() + "\"] is not a string");
        byId[id] = it.value().get<std::string>();
    }
    std::vector<std::string> names;
    for (const auto &[id, name] : byId) {
        if (id != int64_t(names.size()))
            throw Error(path + ": id2label skips label id " + std::to_string(names.size())
                        + "; ids must run from 0 without gaps");
        names.push_back(name);
    }
    if (count >= 0 && count != int64_t(names.size()))
        throw Error(path + ": num_labels is " + std::to_string(count) + " but id2label names "
                    + std::to_string(names.size()) + " labels");
    return names;
}

} // namespace

void saveClassifier(SequenceClassifier &classifier, const Tokenizer *tokenizer, const std::string &dirPath,
                    const std::string &dtype)
{
    static const std::map<std::string, std::string> torchNames = {
        {"F32", "float32"}, {"F16", "float16"}, {"BF16", "bfloat16"}};
    auto torchName = torchNames.find(dtype);
    if (torchName == torchNames.end())
        throw Error("save classifier: dtype '" + dtype + "' is not one of F32, F16, BF16");
    createFolder(dirPath);
    const fs::path dir(dirPath);

    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto &p : classifier->named_parameters()) {
        // Adapter tensors (PEFT's names) are nothing LlamaForSequenceClassification reads.
        if (p.key().find(".lora_") != std::string::npos)
            throw Error(dirPath + ": the classifier's backbone has LoRA adapters; merge them into the weights "
                                  "before saving the classifier");
        tensors.emplace_back(p.key(), p.value());
    }
    writeSafetensors((dir / "model.safetensors").string(), tensors, dtype, {{"format", "pt"}});

    auto config = nlohmann::ordered_json::parse(hfConfigJson(classifier->config(), torchName->second));
    config["architectures"] = {kArchitecture};
    nlohmann::ordered_json id2label = nlohmann::ordered_json::object();
    nlohmann::ordered_json label2id = nlohmann::ordered_json::object();
    const auto &names = classifier->labelNames();
    for (size_t i = 0; i < names.size(); ++i) {
        id2label[std::to_string(i)] = names[i];
        label2id[names[i]] = int64_t(i);
    }
    config["num_labels"] = int64_t(names.size());
    config["id2label"] = id2label;
    config["label2id"] = label2id;
    config["problem_type"] = "single_label_classification";
    // HF finds each row's last token by the pad id; without one it classifies one text at a time.
    if (tokenizer && tokenizer->padId() >= 0)
        config["pad_token_id"] = tokenizer->padId();
    writeFileAtomically((dir / "config.json").string(), config.dump(2) + "\n");

    if (tokenizer) {
        tokenizer->writeHfFiles(dirPath);
        // Examples end with EOS and the head reads that position: HF must append it too.
        const std::string tokenizerConfig = (dir / "tokenizer_config.json").string();
        nlohmann::ordered_json t = nlohmann::ordered_json::parse(readTextFile(tokenizerConfig));
        t["add_eos_token"] = true;
        writeFileAtomically(tokenizerConfig, t.dump(2) + "\n");
    }
}

bool isClassifierFolder(const std::string &path)
{
    const fs::path config = fs::path(path) / "config.json";
    if (!isDirectory(path) || !fileExists(config.string()))
        return false;
    try {
        const auto j = nlohmann::json::parse(readTextFile(config.string()));
        return j.is_object() && j.contains("architectures") && j["architectures"].is_array()
            && !j["architectures"].empty() && j["architectures"][0] == kArchitecture;
    } catch (const std::exception &) {
        return false; // not ours to report; the loader names the problem
    }
}

LoadedClassifier loadClassifier(const std::string &path, const ClassifierLoadOptions &options)
{
    requireBackgroundThread("tb::loadClassifier");
    if (options.computeDtype != torch::kFloat && options.computeDtype != torch::kBFloat16)
        throw Error("compute dtype must be float32 or bfloat16");
    LoadOptions loadOptions;
    loadOptions.computeDtype = options.computeDtype;
    loadOptions.tokenizerPath = options.tokenizerPath;
    loadOptions.progress = options.progress;

    LoadedClassifier loaded;
    loaded.path = path;
    if (!isClassifierFolder(path)) {
        if (options.labelNames.empty())
            throw Error(path + ": holds a language model, not a classifier; give the label names for a new "
                               "classification head");
        LoadedModel lm = loadModel(path, loadOptions);
        loaded.classifier = SequenceClassifier(lm.model, options.labelNames, options.seed);
        loaded.tokenizer = lm.tokenizer;
        loaded.newHead = true;
        loaded.classifier->eval();
        return loaded;
    }

    ImportedModel imported = importHfFolder(path);
    pairTokenizer(imported, options.tokenizerPath);
    const std::vector<std::string> labels = labelsFromConfig((fs::path(path) / "config.json").string());
    if (!options.labelNames.empty() && options.labelNames != labels)
        throw Error(path + ": the classifier's labels are " + quotedList(labels) + " but "
                    + quotedList(options.labelNames) + " were asked for; start from the base model for a different "
                    "label set");

    // No lm_head: a classifier folder has none, and nothing would use it.
    ModelConfig backbone = imported.config;
    backbone.tieWordEmbeddings = true;
    LlamaModel lm(backbone, options.computeDtype);
    loaded.classifier = SequenceClassifier(lm, labels, options.seed);
    loaded.classifier->m_config = imported.config;
    readParameters(loaded.classifier->named_parameters(), imported, loadOptions,
                   [](const std::string &name) { return name == "lm_head.weight"; });
    loaded.classifier->eval();
    loaded.tokenizer = imported.tokenizer;
    return loaded;
}

} // namespace tb
