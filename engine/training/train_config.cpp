#include "train_config.h"

#include "error.h"
#include "text_util.h"
#include "file_util.h"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace tb {

namespace {

using Json = nlohmann::ordered_json;

// The values a number option accepts, both ends included. Every number option has one:
// a value outside it (threads = 100000, a negative adam_eps or seed, context_length = 1e9)
// is refused when the config is read, naming the option and the range.
struct Range {
    long double min;
    long double max;
};

constexpr long double kMaxSeed = 18446744073709551615.0L; // the largest uint64_t

// One row of the option table below; the field it is passed with gives the rest.
struct OptionRow {
    OptionRow(const char *k, TrainOptionGroup g, TranslatableText l, TranslatableText h)
        : key(k), group(g), label(l), help(h)
    {
    }
    OptionRow(const char *k, TrainOptionGroup g, TranslatableText l, TranslatableText h, TrainOptionKind path)
        : key(k), group(g), label(l), help(h), pathKind(path)
    {
    }
    OptionRow(const char *k, TrainOptionGroup g, TranslatableText l, TranslatableText h, Range r)
        : key(k), group(g), label(l), help(h), range(r)
    {
    }
    const char *key;
    TrainOptionGroup group;
    TranslatableText label;
    TranslatableText help;
    TrainOptionKind pathKind = TrainOptionKind::Text; // for a string: File, Folder or OutputFolder
    std::optional<Range> range;                        // for a number
};

// THE option table: one row per option, in the order config.json lists them. A row holds the
// key (config files, --set, run folders' config.json), the group (the Train page's tab), the
// label a form shows and one line of help (English, translated by the UI: TB_TR_NOOP,
// translatable.h) and, for a string, whether it is a path, for a number the range it must
// be in. The field gives the option's type
// (text, whole number, number, switch, or an enum whose names are the choices,
// enum_choices.h) and its default (TrainConfig's initialiser). Everything else derives from
// here: reading TOML/JSON and --set, writing config.json, trainOptionInfo() (the Train
// page's form and presets), trainOptionKey(), and the test that docs/training.md documents
// every key (engine.train_config). A new option is a TrainConfig field plus a row here (and
// its Chinese label and help in translations/zh_CN/, which ui.translations asks for).
template <typename Config, typename F>
void forEachOption(Config &c, F &&f)
{
    using G = TrainOptionGroup;
    using K = TrainOptionKind;
    // Data
    f({"data", G::Data, TB_TR_NOOP("TrainOption", "Training file"),
       TB_TR_NOOP("TrainOption", "Training file: chat JSONL, ShareGPT, Alpaca, .txt, or CSV/TSV/JSONL with text and label columns"),
       K::File}, c.data);
    f({"validation_data", G::Data, TB_TR_NOOP("TrainOption", "Validation file"),
       TB_TR_NOOP("TrainOption", "A separate validation file; empty = a share of the training rows"), K::File},
      c.validationData);
    f({"format", G::Data, TB_TR_NOOP("TrainOption", "File format"),
       TB_TR_NOOP("TrainOption", "The file's format, read from its extension and first rows unless you choose one")},
      c.format);
    f({"chat_template", G::Data, TB_TR_NOOP("TrainOption", "Chat template"),
       TB_TR_NOOP("TrainOption", "How conversations become tokens; by default the model's own template")},
      c.chatTemplate);
    f({"on_error", G::Data, TB_TR_NOOP("TrainOption", "On a bad row"),
       TB_TR_NOOP("TrainOption", "A bad row: skip it (and report its line) or stop at the first one")},
      c.onError);
    f({"overlong", G::Data, TB_TR_NOOP("TrainOption", "Examples too long"),
       TB_TR_NOOP("TrainOption", "An example longer than the context: truncate (keeps the last assistant turn) or skip")},
      c.overlong);
    f({"text_split", G::Data, TB_TR_NOOP("TrainOption", "Plain text split"),
       TB_TR_NOOP("TrainOption", "Plain text: one document per paragraph, or the whole file as one stream")},
      c.textSplit);
    f({"validation_ratio", G::Data, TB_TR_NOOP("TrainOption", "Validation share"),
       TB_TR_NOOP("TrainOption", "Share of the rows held out for validation (fixed by the seed)"), Range{0, 0.99}},
      c.validationRatio);
    f({"packing", G::Data, TB_TR_NOOP("TrainOption", "Pack short examples"),
       TB_TR_NOOP("TrainOption", "Put several short examples in one row; attention never crosses two examples")},
      c.packing);
    f({"train_on_all_tokens", G::Data, TB_TR_NOOP("TrainOption", "Train on every token"),
       TB_TR_NOOP("TrainOption", "Take the loss on every token, not only the assistant's replies")},
      c.trainOnAllTokens);
    f({"text_column", G::Data, TB_TR_NOOP("TrainOption", "Text column"),
       TB_TR_NOOP("TrainOption", "Classification: the column holding the text")},
      c.textColumn);
    f({"label_column", G::Data, TB_TR_NOOP("TrainOption", "Label column"),
       TB_TR_NOOP("TrainOption", "Classification: the column holding the label")},
      c.labelColumn);
    // Model
    f({"model", G::Model, TB_TR_NOOP("TrainOption", "Base model"),
       TB_TR_NOOP("TrainOption", "Model to fine-tune (HF folder, GGUF, llama2.c); empty = train from scratch"),
       K::Folder}, c.model);
    f({"tokenizer", G::Model, TB_TR_NOOP("TrainOption", "Tokenizer"),
       TB_TR_NOOP("TrainOption", "A SentencePiece .model; from scratch and empty = train one on the data"), K::File},
      c.tokenizer);
    f({"preset", G::Model, TB_TR_NOOP("TrainOption", "Model size"),
       TB_TR_NOOP("TrainOption", "Model size when training from scratch")},
      c.preset);
    f({"hidden_size", G::Model, TB_TR_NOOP("TrainOption", "Hidden size"),
       TB_TR_NOOP("TrainOption", "From scratch: the width of the model; 0 = the preset's"), Range{0, 65536}},
      c.hiddenSize);
    f({"num_layers", G::Model, TB_TR_NOOP("TrainOption", "Layers"),
       TB_TR_NOOP("TrainOption", "From scratch: decoder layers; 0 = the preset's"), Range{0, 1024}},
      c.numLayers);
    f({"num_heads", G::Model, TB_TR_NOOP("TrainOption", "Attention heads"),
       TB_TR_NOOP("TrainOption", "From scratch: attention heads per layer; 0 = the preset's"), Range{0, 1024}},
      c.numHeads);
    f({"num_kv_heads", G::Model, TB_TR_NOOP("TrainOption", "Key/value heads"),
       TB_TR_NOOP("TrainOption", "From scratch: key/value heads (grouped-query attention); 0 = as many as the attention heads"), Range{0, 1024}},
      c.numKvHeads);
    f({"intermediate_size", G::Model, TB_TR_NOOP("TrainOption", "MLP size"),
       TB_TR_NOOP("TrainOption", "From scratch: the width of each layer's MLP; 0 = the preset's"), Range{0, 1048576}},
      c.intermediateSize);
    f({"context_length", G::Model, TB_TR_NOOP("TrainOption", "Context length"),
       TB_TR_NOOP("TrainOption", "Tokens per training row"), Range{2, 1048576}},
      c.contextLength);
    f({"vocab_size", G::Model, TB_TR_NOOP("TrainOption", "Vocabulary size"),
       TB_TR_NOOP("TrainOption", "Pieces of a tokenizer trained from scratch"), Range{1, 1048576}},
      c.vocabSize);
    f({"tokenizer_type", G::Model, TB_TR_NOOP("TrainOption", "Tokenizer type"),
       TB_TR_NOOP("TrainOption", "A tokenizer trained on the data: subwords (BPE or unigram), or one piece per character")},
      c.tokenizerType);
    f({"tie_embeddings", G::Model, TB_TR_NOOP("TrainOption", "Tie input and output embeddings"),
       TB_TR_NOOP("TrainOption", "From scratch: the output layer shares the token embeddings' weights")},
      c.tieEmbeddings);
    // Task and method
    f({"task", G::Method, TB_TR_NOOP("TrainOption", "Task"),
       TB_TR_NOOP("TrainOption", "Language model or intent classifier; by default it follows the data")},
      c.task);
    f({"lora_rank", G::Method, TB_TR_NOOP("TrainOption", "LoRA rank"),
       TB_TR_NOOP("TrainOption", "LoRA: rank of the adapters; 0 = full fine-tuning"), Range{0, 4096}},
      c.loraRank);
    f({"lora_alpha", G::Method, TB_TR_NOOP("TrainOption", "LoRA alpha"),
       TB_TR_NOOP("TrainOption", "LoRA: the adapters are scaled by alpha / rank"), Range{1e-9, 1e6}},
      c.loraAlpha);
    f({"lora_dropout", G::Method, TB_TR_NOOP("TrainOption", "LoRA dropout"),
       TB_TR_NOOP("TrainOption", "LoRA: dropout on the adapters' input while training"), Range{0, 0.99}},
      c.loraDropout);
    f({"lora_targets", G::Method, TB_TR_NOOP("TrainOption", "LoRA target layers"),
       TB_TR_NOOP("TrainOption", "LoRA: layers that get adapters (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)")},
      c.loraTargets);
    f({"freeze_embeddings", G::Method, TB_TR_NOOP("TrainOption", "Freeze embeddings"),
       TB_TR_NOOP("TrainOption", "Keep the token embeddings fixed")},
      c.freezeEmbeddings);
    f({"freeze_layers", G::Method, TB_TR_NOOP("TrainOption", "Frozen bottom layers"),
       TB_TR_NOOP("TrainOption", "Keep the bottom N layers fixed"), Range{0, 1024}},
      c.freezeLayers);
    f({"freeze_base", G::Method, TB_TR_NOOP("TrainOption", "Train the head only"),
       TB_TR_NOOP("TrainOption", "Classifier: train only the head")},
      c.freezeBase);
    f({"base_dtype", G::Method, TB_TR_NOOP("TrainOption", "Frozen weights stored as"),
       TB_TR_NOOP("TrainOption", "bf16 halves the memory of a frozen base (LoRA, head only)")},
      c.baseDtype);
    f({"autocast", G::Method, TB_TR_NOOP("TrainOption", "Mixed precision"),
       TB_TR_NOOP("TrainOption", "bf16: matrix products in bfloat16, about twice as fast on CPUs with AVX-512 BF16")},
      c.autocast);
    f({"gradient_checkpointing", G::Method, TB_TR_NOOP("TrainOption", "Gradient checkpointing"),
       TB_TR_NOOP("TrainOption", "Recompute each layer in the backward pass: much less memory, about a third more time")},
      c.gradientCheckpointing);
    // Optimisation
    f({"max_steps", G::Optimisation, TB_TR_NOOP("TrainOption", "Steps"),
       TB_TR_NOOP("TrainOption", "Optimizer steps; 0 = let epochs decide"), Range{0, 1e12}},
      c.maxSteps);
    f({"epochs", G::Optimisation, TB_TR_NOOP("TrainOption", "Epochs"),
       TB_TR_NOOP("TrainOption", "Passes over the data when the number of steps is 0"), Range{0, 1e6}},
      c.epochs);
    f({"batch_size", G::Optimisation, TB_TR_NOOP("TrainOption", "Batch size"),
       TB_TR_NOOP("TrainOption", "Rows per micro-batch"), Range{1, 1048576}},
      c.batchSize);
    f({"grad_accumulation", G::Optimisation, TB_TR_NOOP("TrainOption", "Gradient accumulation"),
       TB_TR_NOOP("TrainOption", "Micro-batches per optimizer step"), Range{1, 65536}},
      c.gradAccumulation);
    f({"learning_rate", G::Optimisation, TB_TR_NOOP("TrainOption", "Learning rate"),
       TB_TR_NOOP("TrainOption", "Peak learning rate"), Range{1e-12, 10}},
      c.learningRate);
    f({"min_learning_rate", G::Optimisation, TB_TR_NOOP("TrainOption", "Final learning rate"),
       TB_TR_NOOP("TrainOption", "Learning rate at the end of the schedule"), Range{0, 10}},
      c.minLearningRate);
    f({"warmup_steps", G::Optimisation, TB_TR_NOOP("TrainOption", "Warm-up steps"),
       TB_TR_NOOP("TrainOption", "Steps of linear warm-up"), Range{0, 1e12}},
      c.warmupSteps);
    f({"schedule", G::Optimisation, TB_TR_NOOP("TrainOption", "Learning-rate schedule"),
       TB_TR_NOOP("TrainOption", "Learning rate after the warm-up")},
      c.schedule);
    f({"weight_decay", G::Optimisation, TB_TR_NOOP("TrainOption", "Weight decay"),
       TB_TR_NOOP("TrainOption", "AdamW's decoupled weight decay (not on norms)"), Range{0, 10}},
      c.weightDecay);
    f({"beta1", G::Optimisation, TB_TR_NOOP("TrainOption", "Adam beta1"),
       TB_TR_NOOP("TrainOption", "AdamW: how slowly the running mean of the gradient forgets"), Range{0, 0.999999999}},
      c.beta1);
    f({"beta2", G::Optimisation, TB_TR_NOOP("TrainOption", "Adam beta2"),
       TB_TR_NOOP("TrainOption", "AdamW: how slowly the running mean of the squared gradient forgets"), Range{0, 0.999999999}},
      c.beta2);
    f({"adam_eps", G::Optimisation, TB_TR_NOOP("TrainOption", "Adam epsilon"),
       TB_TR_NOOP("TrainOption", "AdamW: a small number that keeps the update finite"), Range{1e-30, 1}},
      c.adamEps);
    f({"grad_clip", G::Optimisation, TB_TR_NOOP("TrainOption", "Gradient clipping"),
       TB_TR_NOOP("TrainOption", "Clip the gradient's global norm; 0 = off"), Range{0, 1e9}},
      c.gradClip);
    f({"seed", G::Optimisation, TB_TR_NOOP("TrainOption", "Random seed"),
       TB_TR_NOOP("TrainOption", "The same seed repeats a run exactly"), Range{0, kMaxSeed}},
      c.seed);
    f({"threads", G::Optimisation, TB_TR_NOOP("TrainOption", "CPU threads"),
       TB_TR_NOOP("TrainOption", "CPU threads; 0 = every core"), Range{0, 1024}},
      c.threads);
    // Evaluation, early stopping, checkpoints, the run
    f({"eval_every", G::Evaluation, TB_TR_NOOP("TrainOption", "Evaluate every"),
       TB_TR_NOOP("TrainOption", "Steps between evaluations; step 0 is the baseline"), Range{0, 1e12}},
      c.evalEvery);
    f({"eval_batches", G::Evaluation, TB_TR_NOOP("TrainOption", "Batches per evaluation"),
       TB_TR_NOOP("TrainOption", "Batches per evaluation during the run; the last one covers the whole split"), Range{0, 1e9}},
      c.evalBatches);
    f({"checkpoint_every", G::Evaluation, TB_TR_NOOP("TrainOption", "Checkpoint every"),
       TB_TR_NOOP("TrainOption", "Steps between checkpoints; 0 = at every evaluation"), Range{0, 1e12}},
      c.checkpointEvery);
    f({"keep_last", G::Evaluation, TB_TR_NOOP("TrainOption", "Checkpoints to keep"),
       TB_TR_NOOP("TrainOption", "Checkpoints to keep, besides the best"), Range{1, 1e6}},
      c.keepLast);
    f({"keep_best", G::Evaluation, TB_TR_NOOP("TrainOption", "Keep the best checkpoint"),
       TB_TR_NOOP("TrainOption", "Keep the checkpoint with the best early-stopping metric")},
      c.keepBest);
    f({"early_stopping_metric", G::Evaluation, TB_TR_NOOP("TrainOption", "Early-stopping metric"),
       TB_TR_NOOP("TrainOption", "Metric to watch: val_loss, macro_f1, check_pass_rate…; auto picks by task")},
      c.earlyStoppingMetric);
    f({"early_stopping_patience", G::Evaluation, TB_TR_NOOP("TrainOption", "Patience"),
       TB_TR_NOOP("TrainOption", "Stop after this many evaluations without improvement; 0 = off"), Range{0, 1e6}},
      c.earlyStoppingPatience);
    f({"early_stopping_min_delta", G::Evaluation, TB_TR_NOOP("TrainOption", "Smallest improvement"),
       TB_TR_NOOP("TrainOption", "An evaluation improves on the best only by more than this"), Range{0, 1e9}},
      c.earlyStoppingMinDelta);
    f({"dialogue_checks", G::Evaluation, TB_TR_NOOP("TrainOption", "Dialogue checks"),
       TB_TR_NOOP("TrainOption", "JSONL of prompts with must_contain / must_not_contain / regex rules, run at every evaluation"),
       K::File}, c.dialogueChecks);
    f({"dialogue_check_tokens", G::Evaluation, TB_TR_NOOP("TrainOption", "Tokens per check"),
       TB_TR_NOOP("TrainOption", "New tokens per dialogue check"), Range{1, 65536}},
      c.dialogueCheckTokens);
    f({"memory_limit_mb", G::Evaluation, TB_TR_NOOP("TrainOption", "Memory limit (MB)"),
       TB_TR_NOOP("TrainOption", "Refuse a run whose memory estimate exceeds this; 0 = what is free now"), Range{0, 1099511627776}},
      c.memoryLimitMb);
    f({"run_dir", G::Evaluation, TB_TR_NOOP("TrainOption", "Run folder"),
       TB_TR_NOOP("TrainOption", "Where config, log, metrics and checkpoints go; empty = runs/<date-time>"),
       K::OutputFolder}, c.runDir);
    f({"dist_timeout_s", G::Evaluation, TB_TR_NOOP("TrainOption", "Wait for other processes (s)"),
       TB_TR_NOOP("TrainOption", "Several processes: seconds one waits for the others before the run stops with an error"), Range{0.001, 1e7}},
      c.distTimeoutS);
}

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// chat_template's empty choice: the template the model came with.
constexpr TranslatableText kFromTheModel = TB_TR_NOOP("TrainOption", "The model's own");

// "1024", "0.001", "1e+12": a bound or a value as a user reads it.
std::string numberText(long double value)
{
    char text[64];
    if (value == (long double)(int64_t(value)) && value < 1e15L && value > -1e15L)
        std::snprintf(text, sizeof text, "%lld", static_cast<long long>(value));
    else
        std::snprintf(text, sizeof text, "%.6Lg", value);
    return text;
}

// Throws std::runtime_error when `value` is outside the option's range.
void requireInRange(long double value, const std::optional<Range> &range)
{
    if (!std::isfinite(double(value)))
        throw std::runtime_error("expected a finite number, found " + numberText(value));
    if (range && (value < range->min || value > range->max))
        throw std::runtime_error(numberText(value) + " is out of range; it must be from " + numberText(range->min)
                                 + " to " + numberText(range->max));
}

// One option's value from JSON; throws std::runtime_error with what is wrong.
template <typename T>
void readValue(const Json &v, T &field, const std::optional<Range> &range = std::nullopt)
{
    auto choiceName = [&]() -> std::string {
        if (!v.is_string())
            throw std::runtime_error("expected one of the names, found " + v.dump());
        return v.get<std::string>();
    };
    if constexpr (std::is_enum_v<T>) {
        const std::string name = choiceName();
        const std::optional<T> value = enumFromName<T>(name);
        if (!value)
            throw std::runtime_error("'" + name + "' is not one of its values; choose one of " + enumNameList<T>());
        field = *value;
    } else if constexpr (IsOptional<T>::value) {
        using E = typename T::value_type;
        const std::string name = choiceName();
        if (name.empty()) {
            field.reset();
            return;
        }
        const std::optional<E> value = enumFromName<E>(name);
        if (!value)
            throw std::runtime_error("'" + name + "' is not one of its values; choose one of " + enumNameList<E>()
                                     + ", or \"\" for the model's own");
        field = *value;
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string())
            throw std::runtime_error("expected text, found " + v.dump());
        field = v.get<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_boolean())
            throw std::runtime_error("expected true or false, found " + v.dump());
        field = v.get<bool>();
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number())
            throw std::runtime_error("expected a number, found " + v.dump());
        requireInRange(v.get<long double>(), range);
        field = v.get<T>();
    } else {
        static_assert(std::is_integral_v<T>, "an option is text, a switch, a number or an enum");
        // The exact value first (a seed above 2^53 stays exact), then the range, then the type.
        long double value = 0;
        if (v.is_number_unsigned())
            value = (long double)(v.get<uint64_t>());
        else if (v.is_number_integer())
            value = (long double)(v.get<int64_t>());
        else if (v.is_number_float() && std::isfinite(v.get<double>()) && v.get<double>() == std::floor(v.get<double>()))
            value = (long double)(v.get<double>());
        else
            throw std::runtime_error("expected a whole number, found " + v.dump());
        requireInRange(value, range);
        if (value < (long double)(std::numeric_limits<T>::min()) || value > (long double)(std::numeric_limits<T>::max()))
            throw std::runtime_error(numberText(value) + " does not fit");
        field = T(value);
    }
}

// One option's value as config.json holds it: enums by name, chat_template "" when unset.
template <typename T>
Json toJson(const T &field)
{
    if constexpr (std::is_enum_v<T>)
        return enumName(field);
    else if constexpr (IsOptional<T>::value)
        return field ? enumName(*field) : "";
    else
        return field;
}

template <typename E>
std::vector<TrainOptionChoice> choicesOf()
{
    std::vector<TrainOptionChoice> choices;
    for (const EnumChoice<E> &c : enumChoices(E{}))
        choices.push_back({c.name, c.label});
    return choices;
}

std::vector<std::string> knownKeys()
{
    std::vector<std::string> keys;
    for (const TrainOptionInfo &o : trainOptionInfo())
        keys.push_back(o.key);
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
    // A run folder's config.json also lists its input paths relative to the run and what
    // its start derived (run_directory.cpp); as a config file it is read like any other.
    j.erase("paths_from_run");
    j.erase("derived");
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
    forEachOption(c, [&](const OptionRow &row, auto &field) {
        if (!flat.contains(row.key))
            return;
        try {
            readValue(flat[row.key], field, row.range);
        } catch (const std::exception &e) {
            throw Error(source + ": option '" + row.key + "': " + e.what());
        }
    });
    c.validate();
    return c;
}

} // namespace

void TrainConfig::validate() const
{
    auto fail = [](const std::string &what) { throw Error("training config: " + what); };
    // Every number in its row's range (a config read from a file was checked as it was read).
    forEachOption(*this, [&](const OptionRow &row, const auto &field) {
        using T = std::decay_t<decltype(field)>;
        if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
            try {
                requireInRange((long double)(field), row.range);
            } catch (const std::exception &e) {
                fail(std::string("option '") + row.key + "': " + e.what());
            }
        }
    });
    if (data.empty())
        fail("'data' is required: the training file");
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
    if (loraRank < 0 || !(loraAlpha > 0) || !(loraDropout >= 0 && loraDropout < 1))
        fail("need lora_rank >= 0, lora_alpha > 0 and 0 <= lora_dropout < 1");
    if (freezeLayers < 0)
        fail("freeze_layers cannot be negative");
    if (baseDtype == BaseDtype::Bf16 && loraRank == 0 && !freezeBase)
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
    if (const std::string problem = utf16Problem(text); !problem.empty())
        throw Error(path + ": " + problem);
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
    forEachOption(c, [&](const OptionRow &row, auto &field) {
        if constexpr (std::is_same_v<std::decay_t<decltype(field)>, std::string>) {
            const bool input = row.pathKind == TrainOptionKind::File || row.pathKind == TrainOptionKind::Folder;
            if (input && !field.empty() && std::filesystem::path(field).is_relative())
                field = (base / field).lexically_normal().string();
        }
    });
    return c;
}

const std::vector<TrainOptionInfo> &trainOptionInfo()
{
    static const std::vector<TrainOptionInfo> table = [] {
        std::vector<TrainOptionInfo> out;
        const TrainConfig defaults;
        forEachOption(defaults, [&](const OptionRow &row, const auto &field) {
            using T = std::decay_t<decltype(field)>;
            TrainOptionInfo o;
            o.key = row.key;
            o.group = row.group;
            o.label = row.label;
            o.help = row.help;
            if constexpr (std::is_enum_v<T>) {
                o.kind = TrainOptionKind::Choice;
                o.choices = choicesOf<T>();
            } else if constexpr (IsOptional<T>::value) {
                o.kind = TrainOptionKind::Choice;
                o.choices = choicesOf<typename T::value_type>();
                o.choices.insert(o.choices.begin(), {"", kFromTheModel});
            } else if constexpr (std::is_same_v<T, std::string>) {
                o.kind = row.pathKind;
            } else if constexpr (std::is_same_v<T, bool>) {
                o.kind = TrainOptionKind::Bool;
            } else if constexpr (std::is_floating_point_v<T>) {
                o.kind = TrainOptionKind::Real;
            } else {
                o.kind = TrainOptionKind::Int;
            }
            if (row.range) {
                o.minimum = double(row.range->min);
                o.maximum = double(row.range->max);
            }
            const Json value = toJson(field);
            o.defaultValue = value.is_string() ? value.get<std::string>() : value.dump();
            out.push_back(std::move(o));
        });
        return out;
    }();
    return table;
}

const TrainOptionInfo *findTrainOption(std::string_view key)
{
    for (const TrainOptionInfo &o : trainOptionInfo())
        if (o.key == key)
            return &o;
    return nullptr;
}

namespace detail {

const char *trainOptionKeyOf(const TrainConfig &probe, const void *field)
{
    const char *key = nullptr;
    forEachOption(probe, [&](const OptionRow &row, const auto &member) {
        if (static_cast<const void *>(&member) == field)
            key = row.key;
    });
    if (!key)
        throw std::logic_error("a TrainConfig field has no row in the option table (train_config.cpp)");
    return key;
}

} // namespace detail

TrainConfig withAbsoluteInputPaths(const TrainConfig &config)
{
    TrainConfig c = config;
    forEachOption(c, [&](const OptionRow &row, auto &field) {
        if constexpr (std::is_same_v<std::decay_t<decltype(field)>, std::string>) {
            const bool input = row.pathKind == TrainOptionKind::File || row.pathKind == TrainOptionKind::Folder;
            std::error_code ec;
            if (input && !field.empty() && std::filesystem::path(field).is_relative())
                field = std::filesystem::absolute(field, ec).lexically_normal().string();
        }
    });
    return c;
}

std::string trainConfigToJson(const TrainConfig &config)
{
    Json j = Json::object();
    forEachOption(config, [&](const OptionRow &row, const auto &field) { j[row.key] = toJson(field); });
    return j.dump(2) + "\n";
}

} // namespace tb
