#include "train_config.h"

#include "error.h"
#include "text_util.h"
#include "file_util.h"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

namespace tb {

namespace {

using Json = nlohmann::ordered_json;

// One table drives reading, writing and --set: key, and how to move it to and from JSON.
template <typename F>
void forEachField(TrainConfig &c, F &&f)
{
    f("data", c.data);
    f("validation_data", c.validationData);
    f("format", c.format);
    f("chat_template", c.chatTemplate);
    f("on_error", c.onError);
    f("overlong", c.overlong);
    f("text_split", c.textSplit);
    f("validation_ratio", c.validationRatio);
    f("packing", c.packing);
    f("train_on_all_tokens", c.trainOnAllTokens);
    f("text_column", c.textColumn);
    f("label_column", c.labelColumn);
    f("model", c.model);
    f("tokenizer", c.tokenizer);
    f("preset", c.preset);
    f("hidden_size", c.hiddenSize);
    f("num_layers", c.numLayers);
    f("num_heads", c.numHeads);
    f("num_kv_heads", c.numKvHeads);
    f("intermediate_size", c.intermediateSize);
    f("context_length", c.contextLength);
    f("vocab_size", c.vocabSize);
    f("tokenizer_type", c.tokenizerType);
    f("tie_embeddings", c.tieEmbeddings);
    f("task", c.task);
    f("lora_rank", c.loraRank);
    f("lora_alpha", c.loraAlpha);
    f("lora_dropout", c.loraDropout);
    f("lora_targets", c.loraTargets);
    f("freeze_embeddings", c.freezeEmbeddings);
    f("freeze_layers", c.freezeLayers);
    f("freeze_base", c.freezeBase);
    f("base_dtype", c.baseDtype);
    f("autocast", c.autocast);
    f("gradient_checkpointing", c.gradientCheckpointing);
    f("max_steps", c.maxSteps);
    f("epochs", c.epochs);
    f("batch_size", c.batchSize);
    f("grad_accumulation", c.gradAccumulation);
    f("learning_rate", c.learningRate);
    f("min_learning_rate", c.minLearningRate);
    f("warmup_steps", c.warmupSteps);
    f("schedule", c.schedule);
    f("weight_decay", c.weightDecay);
    f("beta1", c.beta1);
    f("beta2", c.beta2);
    f("adam_eps", c.adamEps);
    f("grad_clip", c.gradClip);
    f("seed", c.seed);
    f("threads", c.threads);
    f("eval_every", c.evalEvery);
    f("eval_batches", c.evalBatches);
    f("checkpoint_every", c.checkpointEvery);
    f("keep_last", c.keepLast);
    f("keep_best", c.keepBest);
    f("early_stopping_metric", c.earlyStoppingMetric);
    f("early_stopping_patience", c.earlyStoppingPatience);
    f("early_stopping_min_delta", c.earlyStoppingMinDelta);
    f("dialogue_checks", c.dialogueChecks);
    f("dialogue_check_tokens", c.dialogueCheckTokens);
    f("memory_limit_mb", c.memoryLimitMb);
    f("run_dir", c.runDir);
    f("dist_timeout_s", c.distTimeoutS);
}

std::vector<std::string> knownKeys()
{
    TrainConfig c;
    std::vector<std::string> keys;
    forEachField(c, [&](const char *key, auto &) { keys.push_back(key); });
    return keys;
}

Json tomlToJson(const toml::node &node)
{
    if (auto *t = node.as_table()) {
        Json j = Json::object();
        for (auto &&[k, v] : *t)
            j[std::string(k.str())] = tomlToJson(v);
        return j;
    }
    if (auto *a = node.as_array()) {
        Json j = Json::array();
        for (auto &&v : *a)
            j.push_back(tomlToJson(v));
        return j;
    }
    if (auto v = node.value<int64_t>(); v && node.is_integer())
        return *v;
    if (auto v = node.value<double>(); v && node.is_floating_point())
        return *v;
    if (auto v = node.value<bool>())
        return *v;
    if (auto v = node.value<std::string>())
        return *v;
    return nullptr;
}

// A --set value: JSON if it parses (numbers, true/false), else the raw string.
Json parseValue(const std::string &text)
{
    try {
        return Json::parse(text);
    } catch (const std::exception &) {
        return text;
    }
}

TrainConfig fromJson(Json j, const std::string &source, const std::vector<std::string> &overrides)
{
    if (!j.is_object())
        throw Error(source + ": the config must be a table/object of options");
    // Sections ([data], [model], …) are optional: flatten one level.
    Json flat = Json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.value().is_object())
            for (auto in = it.value().begin(); in != it.value().end(); ++in)
                flat[in.key()] = in.value();
        else
            flat[it.key()] = it.value();
    }
    for (const auto &o : overrides) {
        const auto eq = o.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error("--set '" + o + "': expected key=value");
        std::string key = o.substr(0, eq);
        if (const auto dot = key.rfind('.'); dot != std::string::npos)
            key = key.substr(dot + 1); // section.key works too
        flat[key] = parseValue(o.substr(eq + 1));
    }
    const auto keys = knownKeys();
    for (auto it = flat.begin(); it != flat.end(); ++it)
        if (std::find(keys.begin(), keys.end(), it.key()) == keys.end())
            throw Error(source + ": unknown option '" + it.key() + "'; known options: " + joinNames(keys));

    TrainConfig c;
    forEachField(c, [&](const char *key, auto &field) {
        if (!flat.contains(key))
            return;
        using T = std::decay_t<decltype(field)>;
        const Json &v = flat[key];
        try {
            if constexpr (std::is_same_v<T, std::string>) {
                if (!v.is_string())
                    throw std::runtime_error("expected text");
                field = v.get<std::string>();
            } else if constexpr (std::is_same_v<T, bool>) {
                if (!v.is_boolean())
                    throw std::runtime_error("expected true or false");
                field = v.get<bool>();
            } else if constexpr (std::is_floating_point_v<T>) {
                if (!v.is_number())
                    throw std::runtime_error("expected a number");
                field = v.get<T>();
            } else {
                if (!v.is_number_integer() && !(v.is_number_float() && v.get<double>() == double(int64_t(v.get<double>()))))
                    throw std::runtime_error("expected a whole number");
                field = T(v.get<double>());
            }
        } catch (const std::exception &e) {
            throw Error(source + ": option '" + key + "': " + e.what() + ", found " + v.dump());
        }
    });
    c.validate();
    return c;
}

} // namespace

void TrainConfig::validate() const
{
    auto fail = [](const std::string &what) { throw Error("training config: " + what); };
    auto oneOf = [&](const char *key, const std::string &v, std::initializer_list<const char *> options) {
        for (const char *o : options)
            if (v == o)
                return;
        std::string list;
        for (const char *o : options)
            list += (list.empty() ? "" : ", ") + std::string(o);
        fail(std::string(key) + " is '" + v + "'; choose one of " + list);
    };
    if (data.empty())
        fail("'data' is required: the training file");
    oneOf("on_error", onError, {"skip", "stop"});
    oneOf("overlong", overlong, {"truncate", "skip"});
    oneOf("text_split", textSplit, {"paragraphs", "stream"});
    oneOf("schedule", schedule, {"constant", "linear", "cosine"});
    oneOf("tokenizer_type", tokenizerType, {"bpe", "unigram", "char"});
    if (maxSteps <= 0 && epochs <= 0)
        fail("set max_steps or epochs above 0");
    if (batchSize <= 0 || gradAccumulation <= 0)
        fail("batch_size and grad_accumulation must be at least 1");
    if (!(distTimeoutS > 0))
        fail("dist_timeout_s must be above 0 (seconds a rank waits for the others)");
    if (contextLength < 2)
        fail("context_length must be at least 2");
    if (!(learningRate > 0) || minLearningRate < 0 || minLearningRate > learningRate)
        fail("need learning_rate > 0 and 0 <= min_learning_rate <= learning_rate");
    if (warmupSteps < 0 || weightDecay < 0 || gradClip < 0)
        fail("warmup_steps, weight_decay and grad_clip cannot be negative");
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1))
        fail("beta1 and beta2 must be in [0, 1)");
    if (!(validationRatio >= 0 && validationRatio < 1))
        fail("validation_ratio must be in [0, 1)");
    if (evalEvery < 0 || evalBatches < 0 || keepLast < 1)
        fail("eval_every and eval_batches cannot be negative; keep_last must be at least 1");
    oneOf("task", task, {"auto", "causal_lm", "classification"});
    oneOf("base_dtype", baseDtype, {"f32", "bf16"});
    oneOf("autocast", autocast, {"off", "bf16"});
    if (loraRank < 0 || !(loraAlpha > 0) || !(loraDropout >= 0 && loraDropout < 1))
        fail("need lora_rank >= 0, lora_alpha > 0 and 0 <= lora_dropout < 1");
    if (freezeLayers < 0)
        fail("freeze_layers cannot be negative");
    if (baseDtype == "bf16" && loraRank == 0 && !freezeBase)
        fail("base_dtype = \"bf16\" needs a frozen base: set lora_rank > 0 or freeze_base = true "
             "(AdamW updates in bfloat16 lose most small steps)");
    if (earlyStoppingPatience < 0 || earlyStoppingMinDelta < 0)
        fail("early_stopping_patience and early_stopping_min_delta cannot be negative");
    if (earlyStoppingPatience > 0 && evalEvery == 0)
        fail("early stopping needs evaluations: set eval_every above 0");
    if (dialogueCheckTokens < 1)
        fail("dialogue_check_tokens must be at least 1");
    if (memoryLimitMb < 0)
        fail("memory_limit_mb cannot be negative (0 = the memory available)");
}

TrainConfig trainConfigFromJson(const std::string &jsonText, const std::string &source,
                                const std::vector<std::string> &overrides)
{
    Json j;
    try {
        j = Json::parse(jsonText);
    } catch (const std::exception &e) {
        throw Error(source + ": not valid JSON (" + std::string(e.what()) + ")");
    }
    return fromJson(j, source, overrides);
}

TrainConfig loadTrainConfig(const std::string &path, const std::vector<std::string> &overrides)
{
    const std::string text = readTextFile(path);
    const bool isToml = path.size() > 5 && path.compare(path.size() - 5, 5, ".toml") == 0;
    TrainConfig c;
    if (!isToml) {
        c = trainConfigFromJson(text, path, overrides);
    } else {
        try {
            toml::table table = toml::parse(text, path);
            c = fromJson(tomlToJson(table), path, overrides);
        } catch (const toml::parse_error &e) {
            std::ostringstream ss;
            ss << path << ":" << e.source().begin.line << ": " << e.description();
            throw Error(ss.str());
        }
    }
    // Input files named in a config are relative to the config file, so a config can
    // travel with its data; run_dir stays relative to where the user runs it.
    const std::filesystem::path base = std::filesystem::path(path).parent_path();
    for (std::string *input : {&c.data, &c.validationData, &c.model, &c.tokenizer, &c.dialogueChecks})
        if (!input->empty() && std::filesystem::path(*input).is_relative())
            *input = (base / *input).lexically_normal().string();
    return c;
}

const std::vector<TrainOptionInfo> &trainOptionInfo()
{
    static const std::vector<TrainOptionInfo> table = [] {
        // Groups follow the config file's sections; keys not listed are "evaluation".
        const std::map<std::string, std::string> groups = {
            {"data", "data"}, {"validation_data", "data"}, {"format", "data"}, {"chat_template", "data"},
            {"on_error", "data"}, {"overlong", "data"}, {"text_split", "data"}, {"validation_ratio", "data"},
            {"packing", "data"}, {"train_on_all_tokens", "data"}, {"text_column", "data"}, {"label_column", "data"},
            {"model", "model"}, {"tokenizer", "model"}, {"preset", "model"}, {"hidden_size", "model"},
            {"num_layers", "model"}, {"num_heads", "model"}, {"num_kv_heads", "model"},
            {"intermediate_size", "model"}, {"context_length", "model"}, {"vocab_size", "model"},
            {"tokenizer_type", "model"}, {"tie_embeddings", "model"}, {"task", "method"}, {"lora_rank", "method"},
            {"lora_alpha", "method"}, {"lora_dropout", "method"}, {"lora_targets", "method"},
            {"freeze_embeddings", "method"}, {"freeze_layers", "method"}, {"freeze_base", "method"},
            {"base_dtype", "method"}, {"autocast", "method"}, {"gradient_checkpointing", "method"},
            {"max_steps", "optimisation"}, {"epochs", "optimisation"}, {"batch_size", "optimisation"},
            {"grad_accumulation", "optimisation"}, {"learning_rate", "optimisation"},
            {"min_learning_rate", "optimisation"}, {"warmup_steps", "optimisation"}, {"schedule", "optimisation"},
            {"weight_decay", "optimisation"}, {"beta1", "optimisation"}, {"beta2", "optimisation"},
            {"adam_eps", "optimisation"}, {"grad_clip", "optimisation"}, {"seed", "optimisation"},
            {"threads", "optimisation"}};
        const std::map<std::string, std::vector<std::string>> choices = {
            {"format", {"auto", "chat", "sharegpt", "alpaca", "text", "classification"}},
            {"chat_template", {"", "plain", "llama2", "chatml", "zephyr"}},
            {"on_error", {"skip", "stop"}},
            {"overlong", {"truncate", "skip"}},
            {"text_split", {"paragraphs", "stream"}},
            {"preset", {"nano", "micro", "small", "base"}},
            {"tokenizer_type", {"bpe", "unigram", "char"}},
            {"task", {"auto", "causal_lm", "classification"}},
            {"base_dtype", {"f32", "bf16"}},
            {"autocast", {"off", "bf16"}},
            {"schedule", {"constant", "linear", "cosine"}}};
        const std::vector<std::string> paths = {"data", "validation_data", "model", "tokenizer", "dialogue_checks",
                                                "run_dir"};
        std::vector<TrainOptionInfo> out;
        TrainConfig defaults;
        forEachField(defaults, [&](const char *key, auto &field) {
            using T = std::decay_t<decltype(field)>;
            TrainOptionInfo o;
            o.key = key;
            const auto g = groups.find(key);
            o.group = g == groups.end() ? "evaluation" : g->second;
            if (const auto c = choices.find(key); c != choices.end()) {
                o.kind = "choice";
                o.choices = c->second;
            } else if (std::find(paths.begin(), paths.end(), key) != paths.end()) {
                o.kind = "path";
            } else if constexpr (std::is_same_v<T, std::string>) {
                o.kind = "text";
            } else if constexpr (std::is_same_v<T, bool>) {
                o.kind = "bool";
            } else if constexpr (std::is_floating_point_v<T>) {
                o.kind = "real";
            } else {
                o.kind = "int";
            }
            const Json value = field;
            o.defaultValue = value.is_string() ? value.get<std::string>() : value.dump();
            out.push_back(o);
        });
        return out;
    }();
    return table;
}

std::string trainConfigToJson(const TrainConfig &config)
{
    TrainConfig c = config;
    Json j = Json::object();
    forEachField(c, [&](const char *key, auto &field) { j[key] = field; });
    return j.dump(2) + "\n";
}

} // namespace tb
