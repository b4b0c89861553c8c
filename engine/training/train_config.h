#pragma once

#include "chat_template.h"
#include "dataset.h"
#include "enum_choices.h"
#include "lr_schedule.h"
#include "model_config.h"
#include "tokenizer.h"
#include "translatable.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tb {

// What a run trains; Auto follows the data (classification data -> a classifier).
enum class TaskKind { Auto, CausalLm, Classification };
inline constexpr EnumChoice<TaskKind> kTaskKindChoices[] = {
    {TaskKind::Auto, "auto", TB_TR_NOOP("TrainOption", "Follow the data")},
    {TaskKind::CausalLm, "causal_lm", TB_TR_NOOP("TrainOption", "Language model")},
    {TaskKind::Classification, "classification", TB_TR_NOOP("TrainOption", "Classifier")},
};
constexpr const auto &enumChoices(TaskKind) { return kTaskKindChoices; }

// How a frozen base is stored: bfloat16 halves its memory (LoRA, head-only).
enum class BaseDtype { F32, Bf16 };
inline constexpr EnumChoice<BaseDtype> kBaseDtypeChoices[] = {
    {BaseDtype::F32, "f32", TB_TR_NOOP("TrainOption", "float32")},
    {BaseDtype::Bf16, "bf16", TB_TR_NOOP("TrainOption", "bfloat16 (half the memory)")},
};
constexpr const auto &enumChoices(BaseDtype) { return kBaseDtypeChoices; }

// CPU autocast: matmuls in bfloat16 while weights, gradients and AdamW stay float32.
enum class Autocast { Off, Bf16 };
inline constexpr EnumChoice<Autocast> kAutocastChoices[] = {
    {Autocast::Off, "off", TB_TR_NOOP("TrainOption", "Off (float32)")},
    {Autocast::Bf16, "bf16", TB_TR_NOOP("TrainOption", "bfloat16 matrix products")},
};
constexpr const auto &enumChoices(Autocast) { return kAutocastChoices; }

// Every option of a training run. A run directory stores it resolved (config.json), so a
// run can be read, repeated and resumed. Each field's key, group, label and help are its
// row of the option table in train_config.cpp; a new field needs a row there.
struct TrainConfig {
    // Data
    std::string data;               // training file (chat JSONL, ShareGPT, Alpaca, .txt, CSV/TSV)
    std::string validationData;     // optional separate validation file
    DatasetFormat format = DatasetFormat::Auto;
    std::optional<ChatTemplateKind> chatTemplate; // empty = the model's own ("" in a config file)
    ErrorPolicy onError = ErrorPolicy::SkipAndReport;
    OverlongPolicy overlong = OverlongPolicy::Truncate;
    TextSplit textSplit = TextSplit::Paragraphs; // for .txt
    double validationRatio = 0.1;
    bool packing = false;
    bool trainOnAllTokens = false;  // loss masking off
    std::string textColumn = "text";   // classification CSV/TSV/JSONL column names
    std::string labelColumn = "label";

    // Model: an importable path, or empty to train from scratch with a preset or dims.
    std::string model;
    std::string tokenizer;          // a .model to use; from scratch and empty = train one
    ModelPreset preset = ModelPreset::Micro;
    int64_t hiddenSize = 0, numLayers = 0, numHeads = 0, numKvHeads = 0, intermediateSize = 0; // 0 = preset
    int64_t contextLength = 256;
    int64_t vocabSize = 2000;       // for a tokenizer trained from the corpus
    TokenizerType tokenizerType = TokenizerType::Bpe; // for a trained tokenizer
    bool tieEmbeddings = true;      // from scratch

    // Task and method
    TaskKind task = TaskKind::Auto;
    int64_t loraRank = 0;           // 0 = full fine-tuning; > 0 = LoRA adapters of this rank
    double loraAlpha = 16.0;
    double loraDropout = 0.05;
    std::string loraTargets = "q_proj,k_proj,v_proj,o_proj"; // comma-separated
    bool freezeEmbeddings = false;  // embed_tokens (and a tied lm_head) stay fixed
    int64_t freezeLayers = 0;       // the bottom N decoder layers stay fixed
    bool freezeBase = false;        // classification: train the head only
    BaseDtype baseDtype = BaseDtype::F32; // bf16 only for a frozen base (LoRA, head-only)
    Autocast autocast = Autocast::Off;
    bool gradientCheckpointing = false; // recompute each layer in backward: less memory, ~30% more time

    // Optimisation
    int64_t maxSteps = 1000;        // optimizer steps; 0 = epochs decide
    int64_t epochs = 0;             // 0 = maxSteps decides
    int64_t batchSize = 8;
    int64_t gradAccumulation = 1;
    double learningRate = 1e-3;
    double minLearningRate = 1e-4;
    int64_t warmupSteps = 100;
    LrSchedule schedule = LrSchedule::Cosine;
    double weightDecay = 0.1;
    double beta1 = 0.9, beta2 = 0.99, adamEps = 1e-8;
    double gradClip = 1.0;          // 0 = off
    uint64_t seed = 1337;
    int threads = 0;                // 0 = number of cores

    // Evaluation and checkpoints
    int64_t evalEvery = 250;
    int64_t evalBatches = 20;       // 0 = the whole validation split
    int64_t checkpointEvery = 0;    // 0 = at every evaluation
    int64_t keepLast = 2;
    bool keepBest = true;           // also keep the checkpoint with the best early_stopping_metric
    std::string earlyStoppingMetric = "auto"; // auto (val_loss, or macro_f1 for classification), or any eval metric
    int64_t earlyStoppingPatience = 0; // stop after this many evaluations without improvement; 0 = off
    double earlyStoppingMinDelta = 0.0;
    std::string dialogueChecks;     // optional JSONL of prompts with must_contain / must_not_contain / regex
    int64_t dialogueCheckTokens = 64; // new tokens per check (greedy)
    int64_t memoryLimitMb = 0;      // refuse a run whose estimate exceeds this; 0 = the memory available now
    std::string runDir;             // where config, metrics, log and checkpoints go

    // Data-parallel runs (docs/distributed.md): a rank that waits longer than this on the
    // others (rendezvous or a collective) stops the run with an error.
    double distTimeoutS = 300.0;

    // Throws tb::Error naming the first invalid option.
    void validate() const;
};

// Every option is one row of one table (train_config.cpp): its key, group, label and help,
// with the TrainConfig field that gives its type, default and choices. What follows is that
// table as the UI and the tests read it.
enum class TrainOptionGroup { Data, Model, Method, Optimisation, Evaluation };
// File and Folder are inputs (a config file's relative path is relative to the config);
// OutputFolder is where the run goes (relative to where the program runs).
enum class TrainOptionKind { Text, File, Folder, OutputFolder, Int, Real, Bool, Choice };

struct TrainOptionChoice {
    std::string name;        // in config files; "" = from the model (chat_template)
    TranslatableText label;  // what a form shows
};

struct TrainOptionInfo {
    std::string key;
    TrainOptionGroup group = TrainOptionGroup::Data;
    TrainOptionKind kind = TrainOptionKind::Text;
    TranslatableText label; // a few words for the form, e.g. "On a bad row"
    TranslatableText help;  // one line: what the option does
    std::vector<TrainOptionChoice> choices; // Choice: every accepted name, in order
    std::string defaultValue; // as in JSON, strings without quotes
    // Int and Real: the accepted range, both ends included (checked when a config is read).
    std::optional<double> minimum, maximum;
};
const std::vector<TrainOptionInfo> &trainOptionInfo();
// Null for a key that is not an option.
const TrainOptionInfo *findTrainOption(std::string_view key);

// The key of a TrainConfig field: trainOptionKey(&TrainConfig::validationData) is
// "validation_data". Code that writes an option by key (the UI's forms, presets) names the
// field, so a renamed or removed option does not compile instead of quietly doing nothing.
namespace detail {
const char *trainOptionKeyOf(const TrainConfig &probe, const void *field); // throws std::logic_error
}
template <typename T>
const char *trainOptionKey(T TrainConfig::*field)
{
    static const TrainConfig probe;
    return detail::trainOptionKeyOf(probe, &(probe.*field));
}

// Reads a TOML (.toml) or JSON config, then applies `key=value` overrides (--set). Each value
// is parsed once, here: an unknown key is an error that lists the known ones, and an unknown
// choice one that names the option and its accepted values.
TrainConfig loadTrainConfig(const std::string &path, const std::vector<std::string> &overrides);
TrainConfig trainConfigFromJson(const std::string &jsonText, const std::string &source,
                                const std::vector<std::string> &overrides = {});
std::string trainConfigToJson(const TrainConfig &config);
// `config` with its input paths (data, model, tokenizer… : the File and Folder options)
// absolute, resolved against the working directory: what a run uses and stores, so that it
// means the same from any directory.
TrainConfig withAbsoluteInputPaths(const TrainConfig &config);

} // namespace tb
