#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

// Every option of a training run. A run directory stores it resolved (config.json), so a
// run can be read, repeated and resumed. Names are the config-file keys.
struct TrainConfig {
    // Data
    std::string data;               // training file (chat JSONL, ShareGPT, Alpaca, .txt, CSV/TSV)
    std::string validationData;     // optional separate validation file
    std::string format = "auto";    // auto, chat, sharegpt, alpaca, text, classification
    std::string chatTemplate;       // plain, llama2, chatml, zephyr; empty = from the model
    std::string onError = "skip";   // skip (and report) or stop
    std::string overlong = "truncate"; // truncate or skip
    std::string textSplit = "paragraphs"; // paragraphs or stream (for .txt)
    double validationRatio = 0.1;
    bool packing = false;
    bool trainOnAllTokens = false;  // loss masking off
    std::string textColumn = "text";   // classification CSV/TSV/JSONL column names
    std::string labelColumn = "label";

    // Model: an importable path, or empty to train from scratch with a preset or dims.
    std::string model;
    std::string tokenizer;          // a .model to use; from scratch and empty = train one
    std::string preset = "micro";   // nano, micro, small, base
    int64_t hiddenSize = 0, numLayers = 0, numHeads = 0, numKvHeads = 0, intermediateSize = 0; // 0 = preset
    int64_t contextLength = 256;
    int64_t vocabSize = 2000;       // for a tokenizer trained from the corpus
    std::string tokenizerType = "bpe"; // bpe, unigram or char (for a trained tokenizer)
    bool tieEmbeddings = true;      // from scratch

    // Task and method
    std::string task = "auto";      // auto (classification data -> classification), causal_lm, classification
    int64_t loraRank = 0;           // 0 = full fine-tuning; > 0 = LoRA adapters of this rank
    double loraAlpha = 16.0;
    double loraDropout = 0.05;
    std::string loraTargets = "q_proj,k_proj,v_proj,o_proj"; // comma-separated
    bool freezeEmbeddings = false;  // embed_tokens (and a tied lm_head) stay fixed
    int64_t freezeLayers = 0;       // the bottom N decoder layers stay fixed
    bool freezeBase = false;        // classification: train the head only
    std::string baseDtype = "f32";  // f32, or bf16 for a frozen base (LoRA, head-only)
    std::string autocast = "off";   // off or bf16: matmuls in bfloat16, weights stay float32
    bool gradientCheckpointing = false; // recompute each layer in backward: less memory, ~30% more time

    // Optimisation
    int64_t maxSteps = 1000;        // optimizer steps; 0 = epochs decide
    int64_t epochs = 0;             // 0 = maxSteps decides
    int64_t batchSize = 8;
    int64_t gradAccumulation = 1;
    double learningRate = 1e-3;
    double minLearningRate = 1e-4;
    int64_t warmupSteps = 100;
    std::string schedule = "cosine"; // constant, linear, cosine
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

// One option as a form shows it: its key, the group it belongs to, the kind of value, the
// accepted values of a choice, and its default as text (the GUI builds its forms from this
// table, so a new option appears there without UI code).
struct TrainOptionInfo {
    std::string key;
    std::string group;        // data, model, method, optimisation, evaluation
    std::string kind;         // text, path, int, real, bool, choice
    std::vector<std::string> choices;
    std::string defaultValue; // as in JSON, strings without quotes
};
const std::vector<TrainOptionInfo> &trainOptionInfo();

// Reads a TOML (.toml) or JSON config, then applies `key=value` overrides (--set); an
// unknown key is an error that lists the known ones.
TrainConfig loadTrainConfig(const std::string &path, const std::vector<std::string> &overrides);
TrainConfig trainConfigFromJson(const std::string &jsonText, const std::string &source,
                                const std::vector<std::string> &overrides = {});
std::string trainConfigToJson(const TrainConfig &config);

} // namespace tb
