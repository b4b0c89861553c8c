#include "sequence_classifier.h"

#include "batching.h"
#include "dataset.h"
#include "error.h"
#include "file_util.h"
#include "imported_model.h"
#include "safetensors.h"
#include "text_util.h"
#include "tokenizer.h"
#include "thread_guard.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace tb {

namespace {

const char *kArchitecture = "LlamaForSequenceClassification";

// Puts a module back into the mode it was in, whatever way the scope is left.
class ModeRestorer {
public:
    ModeRestorer(torch::nn::Module &module, bool training) : m_module(module), m_was(module.is_training())
    {
        m_module.train(training);
    }
    ~ModeRestorer() { m_module.train(m_was); }
    ModeRestorer(const ModeRestorer &) = delete;
    ModeRestorer &operator=(const ModeRestorer &) = delete;

private:
    torch::nn::Module &m_module;
    bool m_was;
};

std::string joinNames(const std::vector<std::string> &names)
{
    std::string s = "[";
    for (size_t i = 0; i < names.size(); ++i)
        s += (i ? ", \"" : "\"") + names[i] + "\"";
    return s + "]";
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

void checkTokenizer(const std::string &path, ImportedModel &imported, const std::string &tokenizerPath)
{
    if (!tokenizerPath.empty()) {
        imported.tokenizer = Tokenizer::fromFile(tokenizerPath);
        imported.tokenizerError.clear();
    }
    if (!imported.tokenizerError.empty())
        throw Error(imported.tokenizerError);
    if (imported.tokenizer && imported.tokenizer->vocabSize() > imported.config.vocabSize)
        throw Error(path + ": the tokenizer has " + std::to_string(imported.tokenizer->vocabSize())
                    + " tokens but the model only " + std::to_string(imported.config.vocabSize)
                    + " embeddings; use the tokenizer the model was trained with");
}

} // namespace

SequenceClassifierImpl::SequenceClassifierImpl(LlamaModel lm, std::vector<std::string> labelNames, uint64_t seed)
    : m_lm(std::move(lm)), m_labelNames(std::move(labelNames))
{
    if (!m_lm)
        throw Error("sequence classifier: no language model given");
    if (m_labelNames.size() < 2)
        throw Error("sequence classifier: needs at least two labels, got " + std::to_string(m_labelNames.size()));
    std::set<std::string> seen;
    for (const auto &name : m_labelNames)
        if (!seen.insert(name).second)
            throw Error("sequence classifier: label \"" + name + "\" appears twice in " + joinNames(m_labelNames));
    m_config = m_lm->config();
    // The backbone under HF's name; lm_head stays outside, so it is neither trained nor saved.
    model = register_module("model", m_lm->model);
    score = register_module("score", Linear(m_config.hiddenSize, numLabels(), m_lm->dtype()));
    {
        torch::NoGradGuard noGrad;
        auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
        score->weight.normal_(0.0, 0.02, gen); // HF's initializer_range
    }
    score->to(m_lm->model->embed_tokens->weight.device());
    train(m_lm->is_training());
}

void SequenceClassifierImpl::train(bool on)
{
    torch::nn::Module::train(on);
    m_lm->train(on);
}

int64_t SequenceClassifierImpl::labelId(const std::string &name) const
{
    for (size_t i = 0; i < m_labelNames.size(); ++i)
        if (m_labelNames[i] == name)
            return int64_t(i);
    return -1;
}

bool SequenceClassifierImpl::backboneNeedsGrad() const
{
    for (const auto &p : model->parameters())
        if (p.requires_grad())
            return true;
    return false;
}

void SequenceClassifierImpl::setBackboneFrozen(bool frozen)
{
    m_frozen = frozen;
    // Frozen covers every LM parameter, lm_head included; thawing only the backbone, as
    // lm_head is outside the classifier.
    for (auto &p : (frozen ? m_lm->parameters() : model->parameters()))
        p.set_requires_grad(!frozen);
}

torch::Tensor SequenceClassifierImpl::forward(const torch::Tensor &ids, const torch::Tensor &lastIndex,
                                              const ForwardOptions &options)
{
    if (ids.dim() != 2 || lastIndex.dim() != 1 || lastIndex.size(0) != ids.size(0))
        throw Error("sequence classifier: expected ids (B, T) and lastIndex (B), got shapes " + c10::str(ids.sizes())
                    + " and " + c10::str(lastIndex.sizes()));
    const int64_t B = ids.size(0), T = ids.size(1);
    const auto last = lastIndex.to(torch::kLong);
    if (B > 0 && (last.min().item<int64_t>() < 0 || last.max().item<int64_t>() >= T))
        throw Error("sequence classifier: lastIndex holds a position outside the " + std::to_string(T)
                    + " tokens of the batch");

    torch::Tensor h; // (B, T, C)
    if (torch::GradMode::is_enabled() && !backboneNeedsGrad()) {
        // Only the head trains: no graph through the backbone, no activations kept.
        torch::NoGradGuard noGrad;
        h = m_lm->hidden(ids, options);
    } else {
        h = m_lm->hidden(ids, options);
    }
    const int64_t C = h.size(2);
    const auto index = last.to(h.device()).view({B, 1, 1}).expand({B, 1, C}); // (B, 1, C)
    const auto pooled = h.gather(1, index).squeeze(1);                        // (B, C)
    return score(pooled).to(torch::kFloat);                                   // (B, numLabels)
}

std::vector<int64_t> classificationIds(const Tokenizer &tokenizer, const std::string &text, int64_t contextLength)
{
    const int64_t bos = tokenizer.bosId(), eos = tokenizer.eosId();
    const int64_t extra = (bos >= 0 ? 1 : 0) + (eos >= 0 ? 1 : 0);
    if (contextLength <= extra)
        throw Error("classify: a context of " + std::to_string(contextLength) + " tokens leaves no room for text");
    std::vector<int64_t> body = tokenizer.encodePlain(text);
    if (int64_t(body.size()) > contextLength - extra)
        body.resize(size_t(contextLength - extra));
    std::vector<int64_t> ids;
    if (bos >= 0)
        ids.push_back(bos);
    ids.insert(ids.end(), body.begin(), body.end());
    if (eos >= 0)
        ids.push_back(eos);
    return ids;
}

std::vector<double> classify(SequenceClassifier &classifier, const Tokenizer &tokenizer, const std::string &text)
{
    requireBackgroundThread("tb::classify");
    checkPromptText(text, "classify");
    const std::vector<int64_t> ids = classificationIds(tokenizer, text, classifier->config().maxPositions);
    ModeRestorer mode(*classifier, false);
    c10::InferenceMode inference;
    const auto input = torch::tensor(ids, torch::kLong).unsqueeze(0); // (1, T)
    const auto last = torch::full({1}, int64_t(ids.size()) - 1, torch::kLong);
    const auto probs = torch::softmax(classifier->forward(input, last), -1).squeeze(0).to(torch::kDouble); // (N)
    return std::vector<double>(probs.data_ptr<double>(), probs.data_ptr<double>() + probs.numel());
}

ClassifierEvaluation evaluateClassifier(SequenceClassifier &classifier, const std::vector<Example> &examples,
                                        int64_t batchSize, int64_t padId, const std::atomic<bool> *cancel)
{
    requireBackgroundThread("tb::evaluateClassifier");
    const auto start = std::chrono::steady_clock::now();
    const int64_t numLabels = classifier->numLabels();
    ClassifierEvaluation result;
    ConfusionMatrix confusion(numLabels);
    double lossSum = 0.0;
    if (!examples.empty()) {
        BatchOptions options;
        options.batchSize = batchSize;
        options.contextLength = classifier->config().maxPositions;
        options.packing = false;
        options.shuffle = false;
        options.padId = padId;
        const BatchIterator batches(examples, options, 0);

        ModeRestorer mode(*classifier, false);
        torch::NoGradGuard noGrad;
        for (int64_t i = 0; i < batches.size(); ++i) {
            if (cancel && cancel->load())
                break;
            const Batch batch = batches.batch(i);
            const auto &rows = batches.rows(i);
            const auto labels = batch.labels.accessor<int64_t, 1>();
            for (size_t r = 0; r < rows.size(); ++r) {
                const int64_t label = labels[int64_t(r)];
                if (label < 0 || label >= numLabels) {
                    const Example &e = examples[rows[r].front()];
                    throw Error("evaluate classifier: the example from " + (e.file.empty() ? "" : e.file + ":")
                                + "line " + std::to_string(e.sourceLine) + " has label " + std::to_string(label)
                                + "; the classifier has labels 0 to " + std::to_string(numLabels - 1));
                }
            }
            // Padding follows each row's text and attention is causal: no segment mask needed.
            const auto logits = classifier->forward(batch.ids, batch.lastIndex); // (B, N)
            lossSum += torch::nn::functional::cross_entropy(
                           logits, batch.labels,
                           torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                           .item<double>();
            confusion.add(batch.labels, logits.argmax(-1));
            result.examples += batch.examples;
        }
    }
    result.metrics = computeMetrics(confusion, classifier->labelNames());
    result.loss = result.examples > 0 ? lossSum / double(result.examples) : 0.0;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

void saveClassifier(SequenceClassifier &classifier, const Tokenizer *tokenizer, const std::string &dirPath,
                    const std::string &dtype)
{
    static const std::map<std::string, std::string> torchNames = {
        {"F32", "float32"}, {"F16", "float16"}, {"BF16", "bfloat16"}};
    auto torchName = torchNames.find(dtype);
    if (torchName == torchNames.end())
        throw Error("save classifier: dtype '" + dtype + "' is not one of F32, F16, BF16");
    std::error_code ec;
    fs::create_directories(dirPath, ec);
    if (ec)
        throw Error(dirPath + ": cannot create the folder (" + ec.message() + ")");
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
    checkTokenizer(path, imported, options.tokenizerPath);
    const std::vector<std::string> labels = labelsFromConfig((fs::path(path) / "config.json").string());
    if (!options.labelNames.empty() && options.labelNames != labels)
        throw Error(path + ": the classifier's labels are " + joinNames(labels) + " but "
                    + joinNames(options.labelNames) + " were asked for; start from the base model for a different "
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
