#include "trainer.h"

#include "batching.h"
#include "chat_template.h"
#include "dataset.h"
#include "dialogue_checks.h"
#include "distributed.h"
#include "early_stopping.h"
#include "error.h"
#include "evaluation.h"
#include "file_util.h"
#include "lora.h"
#include "peft_adapter.h"
#include "lr_schedule.h"
#include "memory_estimate.h"
#include "hf_folder.h"
#include "imported_model.h"
#include "model_loader.h"
#include "model_snapshot.h"
#include "optimizer.h"
#include "runtime.h"
#include "text_util.h"
#include "classifier_evaluation.h"
#include "classifier_folder.h"
#include "sequence_classifier.h"
#include "tokenizer.h"
#include "tokenizer_corpus.h"
#include "train_step.h"
#include "thread_guard.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace tb {

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

// Where the run's data stream stands: batch `index` of epoch `epoch` is next.
struct DataPosition {
    int64_t epoch = 0;
    int64_t index = 0;
};

struct RunState {
    TrainConfig config;
    fs::path dir;
    ModelConfig modelConfig;
    ImportedModel imported; // config.model's metadata and tokenizer (no weights)
    LlamaModel model{nullptr};
    bool classification = false;
    SequenceClassifier classifier{nullptr}; // wraps `model` for classification
    std::shared_ptr<Tokenizer> tokenizer;
    ChatTemplateKind chatTemplate = ChatTemplateKind::Plain;
    Dataset data;
    BatchOptions batchOptions;
    StepOptions stepOptions;
    std::unique_ptr<torch::optim::AdamW> optimizer;
    std::vector<torch::Tensor> trainable;
    int64_t step = 0;
    int64_t totalSteps = 0;
    DataPosition position;
    std::unique_ptr<BatchIterator> epochBatches; // batches of position.epoch
    std::ofstream log;
    std::ofstream metrics;
    std::vector<std::string> checkpoints; // oldest first
    std::string bestCheckpoint;
    EarlyStopping early;
    long long runtimeBytes = 0; // RSS before the model existed
    MemoryEstimate memory;
    std::vector<DialogueCheck> checks;
    TrainCallback callback;
    TrainControl *control = nullptr;
    // Data parallel (distributed.h): null in a single process. Every rank runs the same
    // loop on its share of each global batch; only rank 0 writes files and emits events.
    std::unique_ptr<Distributed> dist;
    std::vector<std::vector<uint8_t>> rankRng; // every rank's RNG state at the last checkpoint
    std::vector<uint64_t> rankFingerprints;     // every rank's parameter hash there

    bool main() const { return !dist || dist->isMain(); }
    int worldSize() const { return dist ? dist->worldSize() : 1; }
    bool lora() const { return config.loraRank > 0; }
    // What trains and is saved: the classifier (backbone + head) or the language model.
    torch::nn::Module &trained() { return classification ? static_cast<torch::nn::Module &>(*classifier) : *model; }
};

void emit(RunState &s, TrainEvent event)
{
    if (s.callback && s.main())
        s.callback(event);
}

void logLine(RunState &s, const std::string &line)
{
    s.log << line << std::endl;
    TrainEvent e;
    e.kind = TrainEvent::Kind::Log;
    e.step = s.step;
    e.message = line;
    emit(s, e);
}

std::vector<std::string> splitList(const std::string &text)
{
    std::vector<std::string> items;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty())
            items.push_back(item);
    return items;
}

// The model's shape and tokenizer, before any weight exists: the memory check comes first.
void prepareTokenizerAndConfig(RunState &s)
{
    const TrainConfig &c = s.config;
    if (!c.model.empty()) {
        s.imported = importModel(c.model);
        if (!c.tokenizer.empty()) {
            s.imported.tokenizer = Tokenizer::fromFile(c.tokenizer);
            s.imported.tokenizerError.clear();
        }
        if (!s.imported.tokenizer)
            throw Error(c.model + ": carries no tokenizer; set 'tokenizer' to a SentencePiece .model"
                        + (s.imported.tokenizerError.empty() ? "" : " (" + s.imported.tokenizerError + ")"));
        s.tokenizer = s.imported.tokenizer;
        s.modelConfig = s.imported.config;
        return;
    }
    if (c.loraRank > 0)
        throw Error("training config: LoRA adapts an existing model; set 'model' (or lora_rank = 0 to train from scratch)");
    if (!c.tokenizer.empty()) {
        s.tokenizer = Tokenizer::fromFile(c.tokenizer);
    } else if (!s.main()) { // data parallel: rank 0 trains the tokenizer, the others take its bytes
        s.tokenizer = Tokenizer::fromSerializedModel(s.dist->shareFromMain("tokenizer.model", ""), "rank 0's tokenizer");
    } else {
        TokenizerTrainOptions t;
        t.corpusPath = tokenizerCorpus(c.data, s.dir.string());
        t.outputPrefix = (s.dir / "tokenizer").string();
        t.vocabSize = int(c.vocabSize);
        t.modelType = enumName(c.tokenizerType);
        t.byteFallback = c.tokenizerType != TokenizerType::Char;
        // A chat format named in the config shapes the vocabulary: its special tokens become
        // single pieces, its template is stored with the tokenizer, and ChatML ends a reply
        // with <|im_end|>, which becomes the EOS so generation stops where training ended.
        const ChatTemplateKind kind = c.chatTemplate.value_or(ChatTemplateKind::Plain);
        t.specialTokens = chatTemplateSpecialTokens(kind);
        s.tokenizer = Tokenizer::train(t);
        if (s.dist)
            s.dist->shareFromMain("tokenizer.model", readTextFile(t.outputPrefix + ".model"));
        logLine(s, std::string("trained a ") + enumName(c.tokenizerType) + " tokenizer with "
                       + std::to_string(s.tokenizer->vocabSize()) + " pieces on " + t.corpusPath);
    }
    if (c.model.empty() && c.tokenizer.empty()) {
        const bool chatTemplate = c.chatTemplate.has_value();
        const ChatTemplateKind kind = c.chatTemplate.value_or(ChatTemplateKind::Plain);
        if (chatTemplate) {
            s.tokenizer->setChatTemplateSource(chatTemplateJinja(kind));
            if (kind == ChatTemplateKind::ChatML)
                s.tokenizer->setSpecialIds(s.tokenizer->bosId(), s.tokenizer->pieceToId("<|im_end|>"),
                                           s.tokenizer->padId());
        }
    }
    ModelConfig m = presetConfig(c.preset, s.tokenizer->vocabSize());
    if (c.hiddenSize) m.hiddenSize = c.hiddenSize;
    if (c.numLayers) m.numLayers = c.numLayers;
    if (c.numHeads) m.numHeads = c.numHeads;
    m.numKvHeads = c.numKvHeads ? c.numKvHeads : (c.numHeads ? c.numHeads : m.numKvHeads);
    if (c.intermediateSize) m.intermediateSize = c.intermediateSize;
    m.maxPositions = c.contextLength;
    m.tieWordEmbeddings = c.tieEmbeddings;
    m.bosTokenId = s.tokenizer->bosId();
    m.eosTokenId = s.tokenizer->eosId();
    m.validate("training config");
    s.modelConfig = m;
}

void prepareData(RunState &s)
{
    const TrainConfig &c = s.config;
    DatasetOptions d;
    d.format = c.format;
    d.onError = c.onError;
    d.overlong = c.overlong;
    d.contextLength = std::min(c.contextLength, s.modelConfig.maxPositions);
    d.trainOnAllTokens = c.trainOnAllTokens;
    d.chatTemplate = c.chatTemplate ? *c.chatTemplate : detectChatTemplate(s.tokenizer->chatTemplateSource());
    s.chatTemplate = d.chatTemplate;
    d.textSplit = c.textSplit;
    d.textColumn = c.textColumn;
    d.labelColumn = c.labelColumn;
    d.validationRatio = c.validationRatio;
    d.validationFile = c.validationData;
    d.seed = c.seed;
    s.data = loadDataset(c.data, *s.tokenizer, d);
    const DatasetReport &r = s.data.report;
    logLine(s, "data: " + std::to_string(r.rowsRead) + " rows read, " + std::to_string(r.rowsUsed) + " used, "
                   + std::to_string(r.truncated) + " truncated, " + std::to_string(r.skippedOverlong)
                   + " skipped as too long, " + std::to_string(r.skippedInvalid) + " invalid; "
                   + std::to_string(s.data.train.size()) + " training and " + std::to_string(s.data.validation.size())
                   + " validation examples");
    for (const auto &p : r.problems)
        logLine(s, p.file + ":" + std::to_string(p.line) + ": " + p.message);
    if (s.data.train.empty())
        throw Error(c.data + ": no usable training examples (see the problems above)");
    const bool classificationData = r.detected == DatasetFormat::Classification;
    s.classification = c.task == TaskKind::Classification || (c.task == TaskKind::Auto && classificationData);
    if (s.classification != classificationData)
        throw Error(c.data + ": task \"" + enumName(c.task) + "\" needs "
                    + (s.classification ? "classification" : "text or chat") + " data, but the file holds "
                    + datasetFormatName(r.detected) + " data");
    if (s.classification && c.loraRank > 0)
        throw Error("training config: LoRA is for language-model tasks here; train a classifier fully or with "
                    "freeze_base = true (head only)");
    if (s.classification && c.packing)
        throw Error("training config: packing puts several examples in a row, but a classifier reads one label per row; "
                    "set packing = false");
    s.batchOptions.batchSize = c.batchSize * s.worldSize(); // data parallel: the global batch, sharded per step
    s.batchOptions.contextLength = d.contextLength;
    s.batchOptions.packing = c.packing;
    s.batchOptions.seed = c.seed;
    s.batchOptions.padId = std::max<int64_t>(0, s.tokenizer->padId());
    s.stepOptions.packing = c.packing;
    s.stepOptions.checkpointLayers = c.gradientCheckpointing;
    s.stepOptions.autocastBf16 = c.autocast == Autocast::Bf16;
    const int64_t perEpoch = BatchIterator(s.data.train, s.batchOptions, 0).size();
    s.totalSteps = c.maxSteps > 0 ? c.maxSteps : (perEpoch * c.epochs + c.gradAccumulation - 1) / c.gradAccumulation;
}

long long datasetBytes(const Dataset &data)
{
    long long bytes = 0;
    for (const auto *set : {&data.train, &data.validation})
        for (const Example &e : *set)
            bytes += (long long)(e.ids.size()) * 9 + 64;
    return bytes;
}

MemoryPlan memoryPlan(const RunState &s)
{
    const TrainConfig &c = s.config;
    MemoryPlan p;
    p.model = s.modelConfig;
    p.batchSize = c.batchSize;
    p.contextLength = s.batchOptions.contextLength;
    p.loraRank = c.loraRank;
    p.loraTargets = splitList(c.loraTargets);
    p.freezeEmbeddings = c.freezeEmbeddings;
    p.freezeLayers = c.freezeLayers;
    p.freezeBase = c.freezeBase;
    p.baseBf16 = c.baseDtype == BaseDtype::Bf16;
    p.autocastBf16 = c.autocast == Autocast::Bf16;
    p.gradientCheckpointing = c.gradientCheckpointing;
    p.numLabels = s.classification ? int64_t(s.data.labelNames.size()) : 0;
    p.runtimeBytes = s.runtimeBytes;
    p.dataBytes = datasetBytes(s.data);
    return p;
}

// Refuses a run that would not fit before any weight is allocated.
void checkMemory(RunState &s)
{
    const MemoryPlan plan = memoryPlan(s);
    s.memory = estimateTrainingMemory(plan);
    // Data parallel: the ranks on this machine share what is available now.
    const int local = s.dist ? s.dist->env().localWorldSize : 1;
    const long long limit = s.config.memoryLimitMb > 0 ? s.config.memoryLimitMb * 1024LL * 1024LL
                                                       : availableMemoryBytes() / local + s.runtimeBytes;
    logLine(s, "memory estimate " + s.memory.describe() + "; " + mibText(limit) + " available");
    requireMemoryFits(plan, limit);
}

LoraConfig loraConfig(const TrainConfig &c)
{
    LoraConfig l;
    l.rank = c.loraRank;
    l.alpha = c.loraAlpha;
    l.dropout = c.loraDropout;
    l.targets = splitList(c.loraTargets);
    l.validate("training config");
    return l;
}

// What trains: LoRA freezes the base itself; the rest is the freeze_* options.
void applyFreezing(RunState &s)
{
    const TrainConfig &c = s.config;
    if (c.freezeBase) {
        if (s.classification)
            s.classifier->setBackboneFrozen(true);
        else
            for (auto &p : s.model->parameters())
                p.set_requires_grad(false);
    }
    if (c.freezeEmbeddings) {
        s.model->model->embed_tokens->weight.set_requires_grad(false);
        if (s.model->config().tieWordEmbeddings)
            logLine(s, "freeze_embeddings also fixes the tied output head (tie_word_embeddings)");
    }
    const int64_t layers = std::min<int64_t>(c.freezeLayers, int64_t(s.model->model->layers->size()));
    for (int64_t i = 0; i < layers; ++i)
        for (auto &p : s.model->model->layers[size_t(i)]->parameters())
            p.set_requires_grad(false);
}

void buildWeights(RunState &s)
{
    const TrainConfig &c = s.config;
    const torch::Dtype dtype = c.baseDtype == BaseDtype::Bf16 ? torch::kBFloat16 : torch::kFloat;
    if (!c.model.empty() && isClassifierFolder(c.model)) {
        // Continuing a classifier: its head and labels come with it.
        ClassifierLoadOptions options;
        options.computeDtype = dtype;
        options.tokenizerPath = c.tokenizer;
        options.labelNames = s.data.labelNames;
        s.classifier = loadClassifier(c.model, options).classifier;
        s.model = s.classifier->languageModel();
    } else if (!c.model.empty()) {
        LoadOptions options;
        options.computeDtype = dtype;
        s.model = buildModel(s.imported, options);
    } else {
        s.model = LlamaModel(s.modelConfig);
        s.model->initWeights(c.seed);
    }
    if (s.classification && !s.classifier)
        s.classifier = SequenceClassifier(s.model, s.data.labelNames, c.seed);
    s.trained().train();
    if (s.lora())
        applyLora(s.model, loraConfig(c), c.seed);
    applyFreezing(s);
}

void prepareOptimizer(RunState &s)
{
    s.trainable.clear();
    for (auto &p : s.trained().parameters())
        if (p.requires_grad())
            s.trainable.push_back(p);
    if (s.trainable.empty())
        throw Error("training config: every parameter is frozen; nothing would train");
    s.optimizer = makeAdamW(s.trainable, s.config);
}

Batch nextBatch(RunState &s)
{
    if (!s.epochBatches || s.position.index >= s.epochBatches->size()) {
        if (s.epochBatches) {
            ++s.position.epoch;
            s.position.index = 0;
        }
        s.epochBatches = std::make_unique<BatchIterator>(s.data.train, s.batchOptions, s.position.epoch);
        if (s.epochBatches->size() == 0)
            throw Error("training data yields no batches");
    }
    return s.epochBatches->batch(s.position.index++);
}

std::map<std::string, double> evaluate(RunState &s, bool whole)
{
    const auto &examples = s.data.validation.empty() ? s.data.train : s.data.validation;
    std::map<std::string, double> metrics;
    if (s.classification) {
        // Classification evaluates every validation row: the metrics need all classes.
        const ClassifierEvaluation e = evaluateClassifier(s.classifier, examples, s.config.batchSize,
                                                          s.batchOptions.padId);
        metrics = {{"val_loss", e.loss},
                   {"accuracy", e.metrics.accuracy},
                   {"macro_f1", e.metrics.macroF1},
                   {"macro_precision", e.metrics.macroPrecision},
                   {"macro_recall", e.metrics.macroRecall},
                   {"eval_s", e.seconds}};
        if (whole)
            s.log << metricsToText(e.metrics) << std::endl;
    } else {
        metrics = evaluateLanguageModel(s.model, examples, s.batchOptions, s.stepOptions,
                                        whole ? 0 : s.config.evalBatches);
    }
    if (!s.checks.empty()) {
        const DialogueCheckReport report = runDialogueChecks(s.model, *s.tokenizer, s.chatTemplate, s.checks,
                                                             s.config.dialogueCheckTokens);
        metrics["check_pass_rate"] = report.passRate;
        metrics["checks_s"] = report.seconds;
        char line[160];
        std::snprintf(line, sizeof line, "dialogue checks at step %lld: %lld/%zu passed in %.1f s",
                      static_cast<long long>(s.step), static_cast<long long>(report.passed), report.outcomes.size(),
                      report.seconds);
        s.log << line << std::endl;
        if (whole)
            for (const DialogueCheckOutcome &o : report.outcomes) {
                std::string failures;
                for (const auto &f : o.failures)
                    failures += (failures.empty() ? "" : "; ") + f;
                s.log << "  " << (o.passed ? "pass " : "FAIL ") << o.name << (o.passed ? "" : ": " + failures)
                      << std::endl;
            }
    }
    return metrics;
}

std::string checkpointName(int64_t step)
{
    char name[32];
    std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
    return name;
}

void writeTrainerState(RunState &s, const fs::path &dir)
{
    Json state;
    state["step"] = s.step;
    state["total_steps"] = s.totalSteps;
    state["epoch"] = s.position.epoch;
    state["batch_index"] = s.position.index;
    auto rng = torch::globalContext().defaultGenerator(torch::kCPU).get_state();
    state["torch_rng"] = std::vector<uint8_t>(rng.data_ptr<uint8_t>(), rng.data_ptr<uint8_t>() + rng.numel());
    state["early_stopping"] = {{"metric", s.early.metric()},
                               {"best", s.early.hasBest() ? s.early.best() : 0.0},
                               {"best_step", s.early.bestStep()},
                               {"bad_evaluations", s.early.badEvaluations()}};
    state["best_checkpoint"] = s.bestCheckpoint.empty() ? "" : fs::path(s.bestCheckpoint).filename().string();
    state["kind"] = s.lora() ? "lora" : s.classification ? "classifier" : "model";
    if (s.dist) { // data parallel: what each rank needs to resume exactly
        state["world_size"] = s.worldSize();
        state["rank_torch_rng"] = s.rankRng;
        state["replica_fingerprints"] = s.rankFingerprints;
    }
    if (!s.main())
        return;
    writeFileAtomically((dir / "trainer_state.json").string(), state.dump() + "\n");
}

// Keeps the last keep_last checkpoints, and the best one on top of them.
void pruneCheckpoints(RunState &s)
{
    int64_t others = 0;
    for (auto it = s.checkpoints.rbegin(); it != s.checkpoints.rend(); ++it)
        if (*it != s.bestCheckpoint)
            ++others;
    for (auto it = s.checkpoints.begin(); it != s.checkpoints.end() && others > s.config.keepLast;) {
        if (*it == s.bestCheckpoint) {
            ++it;
            continue;
        }
        if (s.main())
            fs::remove_all(*it);
        it = s.checkpoints.erase(it);
        --others;
    }
}

// A checkpoint is a loadable HF folder (so chat and export can open it), or a PEFT adapter
// folder for LoRA, plus the trainer state. It is written under a temporary name and
// renamed: a crash or a full disk leaves the previous checkpoint as it was.
void saveCheckpoint(RunState &s)
{
    const fs::path root = s.dir / "checkpoints";
    fs::create_directories(root);
    const std::string name = checkpointName(s.step);
    const fs::path final = root / name;
    if (!s.checkpoints.empty() && s.checkpoints.back() == final.string())
        return; // this step is already saved (an evaluation and a checkpoint interval met)
    if (s.dist) {
        // Data parallel: every rank's RNG state goes into rank 0's checkpoint, and the replicas
        // are proven equal (bitwise) at every checkpoint; only rank 0 writes.
        auto rng = torch::globalContext().defaultGenerator(torch::kCPU).get_state();
        s.rankRng = s.dist->gather(std::vector<uint8_t>(rng.data_ptr<uint8_t>(), rng.data_ptr<uint8_t>() + rng.numel()),
                                   "the RNG states");
        std::vector<uint8_t> hash(8);
        const uint64_t mine = parameterFingerprint(s.trained().parameters());
        std::memcpy(hash.data(), &mine, 8);
        s.rankFingerprints.clear();
        for (const auto &bytes : s.dist->gather(hash, "the parameter fingerprints")) {
            uint64_t h = 0;
            std::memcpy(&h, bytes.data(), 8);
            s.rankFingerprints.push_back(h);
        }
        for (uint64_t h : s.rankFingerprints)
            if (h != s.rankFingerprints.front())
                throw Error("distributed training: the replicas differ at step " + std::to_string(s.step)
                            + " (parameter fingerprints of the ranks are not equal); the run stops");
        if (!s.main()) {
            s.checkpoints.push_back(final.string());
            pruneCheckpoints(s);
            return;
        }
    }
    const fs::path tmp = root / (name + ".tmp");
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    try {
        if (s.lora()) {
            saveLoraAdapter(s.model, tmp.string(), s.config.model);
            s.tokenizer->writeHfFiles(tmp.string());
        } else if (s.classification) {
            saveClassifier(s.classifier, s.tokenizer.get(), tmp.string(), "F32");
        } else {
            exportHfFolder(s.model, s.tokenizer.get(), tmp.string(), "F32");
        }
        torch::serialize::OutputArchive archive;
        s.optimizer->save(archive);
        archive.save_to((tmp / "optimizer.pt").string());
        writeTrainerState(s, tmp);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw;
    }
    fs::remove_all(final);
    fs::rename(tmp, final);
    s.checkpoints.push_back(final.string());
    pruneCheckpoints(s);
    TrainEvent e;
    e.kind = TrainEvent::Kind::Checkpoint;
    e.step = s.step;
    e.message = final.string();
    emit(s, e);
    s.log << "checkpoint " << final.string() << std::endl;
}

void writeMetrics(RunState &s, const TrainEvent &e)
{
    Json j;
    j["step"] = e.step;
    j["epoch"] = e.epoch;
    if (e.kind == TrainEvent::Kind::Step) {
        j["loss"] = e.loss;
        j["lr"] = e.learningRate;
        j["grad_norm"] = e.gradNorm;
        j["tokens_per_s"] = e.tokensPerSecond;
        j["rss_mb"] = double(e.rssBytes) / (1024.0 * 1024.0);
    }
    for (const auto &[k, v] : e.metrics)
        j[k] = v;
    if (e.best)
        j["best"] = true;
    j["elapsed_s"] = e.elapsedSeconds;
    if (e.final)
        j["final"] = true;
    s.metrics << j.dump() << std::endl;
}

// run.json: what a list of runs shows without reading the metrics.
void writeSummary(RunState &s, const TrainResult &r)
{
    Json j;
    j["status"] = r.status;
    j["steps"] = r.steps;
    j["total_steps"] = s.totalSteps;
    j["final_metrics"] = r.finalMetrics;
    j["early_stopping_metric"] = s.early.metric();
    if (s.early.hasBest()) {
        j["best_step"] = s.early.bestStep();
        j["best_value"] = s.early.best();
    }
    j["best_checkpoint"] = r.bestCheckpoint;
    j["last_checkpoint"] = r.lastCheckpoint;
    j["peak_rss_mb"] = double(r.peakRssBytes) / (1024.0 * 1024.0);
    j["estimated_mb"] = double(r.estimatedBytes) / (1024.0 * 1024.0);
    if (s.main())
        writeFileAtomically((s.dir / "run.json").string(), j.dump(2) + "\n");
}

std::string earlyStoppingMetric(const TrainConfig &c, bool classification)
{
    if (c.earlyStoppingMetric != "auto")
        return c.earlyStoppingMetric;
    return classification ? "macro_f1" : "val_loss";
}

void loadChecks(RunState &s)
{
    if (s.config.dialogueChecks.empty())
        return;
    if (s.classification)
        throw Error("training config: dialogue checks need a language model; a classifier has no replies to check");
    s.checks = loadDialogueChecks(s.config.dialogueChecks);
    logLine(s, "dialogue checks: " + std::to_string(s.checks.size()) + " from " + s.config.dialogueChecks
                   + ", run at every evaluation (greedy, at most " + std::to_string(s.config.dialogueCheckTokens)
                   + " new tokens each)");
}

// Serves a pending chat snapshot request: called only between optimizer steps, so the copy
// is the model of one step boundary, never half-updated.
void serveSnapshot(RunState &s)
{
    if (!s.control || !s.control->snapshotRequested.exchange(false) || s.classification || !s.main())
        return;
    auto snapshot = std::make_shared<ModelSnapshot>();
    snapshot->step = s.step;
    snapshot->model = snapshotCopy(s.model);
    snapshot->tokenizer = s.tokenizer;
    snapshot->chatTemplate = s.chatTemplate;
    s.control->publishSnapshot(std::move(snapshot));
}

TrainResult trainLoop(RunState &s, bool resumed)
{
    const TrainConfig &c = s.config;
    const auto start = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    s.trained().train();
    const int64_t evalEvery = c.evalEvery;
    const int64_t checkpointEvery = c.checkpointEvery > 0 ? c.checkpointEvery : evalEvery;
    bool stopEarly = false;
    auto evalEvent = [&](bool final) {
        TrainEvent e;
        e.kind = TrainEvent::Kind::Eval;
        e.step = s.step;
        e.totalSteps = s.totalSteps;
        e.epoch = s.position.epoch;
        e.metrics = evaluate(s, final);
        e.final = final;
        e.elapsedSeconds = elapsed();
        const auto metric = e.metrics.find(s.early.metric());
        if (metric == e.metrics.end()) {
            std::string known;
            for (const auto &[k, v] : e.metrics)
                known += (known.empty() ? "" : ", ") + k;
            throw Error("training config: early_stopping_metric '" + s.early.metric()
                        + "' is not an evaluation metric; choose one of " + known);
        }
        // The final evaluation competes for "best" too: the last weights are often the best.
        e.best = s.early.update(metric->second, s.step);
        if (!final)
            stopEarly = s.early.shouldStop();
        writeMetrics(s, e);
        emit(s, e);
        std::string line = "eval step " + std::to_string(s.step) + ":";
        for (const auto &[key, value] : e.metrics) {
            char item[64];
            std::snprintf(item, sizeof item, " %s %.4g", key.c_str(), value);
            line += item;
        }
        s.log << line << (final ? " final" : "") << (e.best ? " best" : "") << std::endl;
        // The best weights are saved when they are seen; pruning keeps them.
        if (e.best && c.keepBest && s.step > 0) {
            saveCheckpoint(s);
            s.bestCheckpoint = s.checkpoints.back();
            writeTrainerState(s, s.bestCheckpoint);
            pruneCheckpoints(s);
        }
        return e.metrics;
    };
    if (!resumed && evalEvery > 0)
        evalEvent(false); // the step-0 baseline

    int64_t stepTokens = 0, stepsTimed = 0;
    double stepSeconds = 0.0;
    std::string status = "finished";
    while (s.step < s.totalSteps) {
        serveSnapshot(s);
        while (s.control && s.control->pause && !s.control->stop) {
            serveSnapshot(s);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        bool stop = s.control && s.control->stop;
        if (s.dist) // data parallel: all ranks stop at the same step
            stop = s.dist->sum(std::vector<int64_t>{stop ? 1 : 0}, "the stop flag")[0] > 0;
        if (stop) {
            status = "stopped";
            break;
        }
        auto t0 = Clock::now();
        const double lr = learningRateAt(c.schedule, s.step, c.warmupSteps, s.totalSteps, c.learningRate,
                                         c.minLearningRate);
        for (auto &group : s.optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);

        // The step's loss is the mean over every trained token of all its micro-batches:
        // each micro-batch's summed loss is divided by the step's total token count.
        std::vector<Batch> micro;
        int64_t trained = 0;
        for (int64_t m = 0; m < c.gradAccumulation; ++m) {
            micro.push_back(nextBatch(s));
            if (s.dist) { // data parallel: this rank's rows of the global batch
                micro.back() = shardBatch(micro.back(), s.dist->rank(), s.worldSize());
                if (micro.back().ids.size(0) == 0)
                    micro.pop_back();
            }
        }
        int64_t rows = 0, tokens = 0;
        for (const Batch &b : micro) {
            trained += b.trainedTokens;
            rows += b.ids.size(0);
            tokens += (b.segmentIds != 0).sum().item<int64_t>();
        }
        if (s.dist) { // data parallel: the loss divides by the global counts, not by the ranks
            const auto global = s.dist->sum(std::vector<int64_t>{trained, rows, tokens}, "the trained-token counts");
            trained = global[0];
            rows = global[1];
            tokens = global[2];
        }
        double lossValue = s.classification
            ? accumulateGradients(
                  micro, s.stepOptions,
                  [&](const Batch &b) {
                      ForwardOptions o;
                      o.checkpointLayers = s.stepOptions.checkpointLayers;
                      return torch::nn::functional::cross_entropy(
                          s.classifier->forward(b.ids, b.lastIndex, o), b.labels,
                          torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
                  },
                  [](const Batch &b) { return b.labels.size(0); }, s.dist ? rows : 0)
            : accumulateGradients(s.model, micro, s.stepOptions, s.dist ? trained : 0);
        if (s.dist) { // data parallel: sum the partial gradients and losses of all ranks
            s.dist->sumGradients(s.trainable);
            lossValue = s.dist->sum(lossValue, "the loss");
        }
        const double gradNorm = c.gradClip > 0
            ? torch::nn::utils::clip_grad_norm_(s.trainable, c.gradClip)
            : torch::nn::utils::clip_grad_norm_(s.trainable, std::numeric_limits<double>::infinity());
        if (!std::isfinite(lossValue) || !std::isfinite(gradNorm)) {
            const std::string last = s.checkpoints.empty() ? "none yet" : s.checkpoints.back();
            const std::string message = "step " + std::to_string(s.step + 1) + ": the loss is "
                + (std::isfinite(lossValue) ? std::to_string(lossValue) : std::string(std::isnan(lossValue) ? "NaN" : "Inf"))
                + " (gradient norm " + std::to_string(gradNorm)
                + "); training stopped before updating the weights. Lower the learning rate or check the data. "
                  "Last good checkpoint: "
                + last;
            s.log << message << std::endl;
            throw Error(message);
        }
        if (trained > 0 || s.classification)
            s.optimizer->step();
        s.optimizer->zero_grad();
        ++s.step;

        stepSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
        stepTokens += tokens;
        ++stepsTimed;
        TrainEvent e;
        e.kind = TrainEvent::Kind::Step;
        e.step = s.step;
        e.totalSteps = s.totalSteps;
        e.epoch = s.position.epoch;
        e.loss = lossValue;
        e.learningRate = lr;
        e.gradNorm = gradNorm;
        e.tokensPerSecond = stepSeconds > 0 ? double(stepTokens) / stepSeconds : 0.0;
        e.elapsedSeconds = elapsed();
        e.etaSeconds = stepSeconds / double(stepsTimed) * double(s.totalSteps - s.step);
        e.rssBytes = currentRssBytes();
        writeMetrics(s, e);
        emit(s, e);

        const bool last = s.step == s.totalSteps;
        if (!last && evalEvery > 0 && s.step % evalEvery == 0)
            evalEvent(false);
        if (!last && checkpointEvery > 0 && s.step % checkpointEvery == 0)
            saveCheckpoint(s);
        if (stopEarly) {
            status = "early_stopped";
            logLine(s, "early stopping at step " + std::to_string(s.step) + ": " + s.early.metric() + " has not improved for "
                           + std::to_string(c.earlyStoppingPatience) + " evaluations (best "
                           + std::to_string(s.early.best()) + " at step " + std::to_string(s.early.bestStep()) + ")");
            break;
        }
    }
    serveSnapshot(s); // a request made during the last step gets the final weights
    TrainResult result;
    if (status != "stopped") {
        result.finalMetrics = evalEvent(true);
        result.finalValLoss = result.finalMetrics["val_loss"];
    }
    saveCheckpoint(s);
    result.runDir = s.dir.string();
    result.status = status;
    result.steps = s.step;
    result.lastCheckpoint = s.checkpoints.back();
    result.bestCheckpoint = s.bestCheckpoint;
    result.peakRssBytes = peakRssBytes();
    result.estimatedBytes = s.memory.total();
    s.log << "run " << status << " at step " << s.step << "; peak RSS " << mibText(result.peakRssBytes)
          << " (estimate " << mibText(result.estimatedBytes) << ")" << std::endl;
    writeSummary(s, result);
    return result;
}

void openRunFiles(RunState &s, bool append)
{
    if (!s.main())
        return; // data parallel: the other ranks' writes to the unopened streams go nowhere
    s.log.open(s.dir / "train.log", append ? std::ios::app : std::ios::trunc);
    s.metrics.open(s.dir / "metrics.jsonl", append ? std::ios::app : std::ios::trunc);
    if (!s.log || !s.metrics)
        throw Error(s.dir.string() + ": cannot write the run's log and metrics");
}

// Data parallel: joins the job torchrun's variables describe (none: a single process), and
// shares the cores among the ranks on this machine unless `threads` is set.
void joinDistributed(RunState &s)
{
    s.dist = joinDistributedFromEnvironment(s.config.distTimeoutS);
    const int local = s.dist ? s.dist->env().localWorldSize : 1;
    configureThreads(s.config.threads > 0 ? s.config.threads : std::max(1, defaultThreadCount() / local), 1);
}

} // namespace

TrainResult runTraining(const TrainConfig &config, const TrainCallback &callback, TrainControl *control)
{
    requireBackgroundThread("tb::runTraining");
    config.validate();
    RunState s;
    s.config = config;
    s.callback = callback;
    s.control = control;
    joinDistributed(s);
    releaseFreeMemory(); // what an earlier run in this process freed is not "runtime"
    s.runtimeBytes = currentRssBytes();
    s.dir = config.runDir.empty() ? fs::path("runs") / "run" : fs::path(config.runDir);
    if (s.main() && fs::exists(s.dir / "checkpoints") && !fs::is_empty(s.dir / "checkpoints"))
        throw Error(s.dir.string() + ": already holds a run; resume it with --resume, or choose another run_dir");
    if (s.main())
        fs::create_directories(s.dir);
    openRunFiles(s, false);
    torch::manual_seed(config.seed);
    prepareTokenizerAndConfig(s);
    prepareData(s);
    s.early = EarlyStopping(earlyStoppingMetric(config, s.classification), config.earlyStoppingPatience,
                            config.earlyStoppingMinDelta);
    loadChecks(s);
    checkMemory(s);
    buildWeights(s);
    if (s.dist) {
        // Data parallel: every replica starts from rank 0's weights; dropout differs per rank.
        std::vector<torch::Tensor> weights = s.trained().parameters();
        for (const auto &b : s.trained().buffers())
            weights.push_back(b);
        s.dist->broadcastFromMain(weights, "the initial weights");
        if (!s.main())
            torch::manual_seed(config.seed + uint64_t(s.dist->rank()));
        logLine(s, "data parallel: " + std::to_string(s.worldSize()) + " ranks, " + std::to_string(config.batchSize)
                       + " rows each per micro-batch (" + std::to_string(s.batchOptions.batchSize) + " global)");
    }
    prepareOptimizer(s);
    s.config.runDir = s.dir.string();
    if (s.main())
        writeFileAtomically((s.dir / "config.json").string(), trainConfigToJson(s.config));
    int64_t trainable = 0;
    for (const auto &p : s.trainable)
        trainable += p.numel();
    logLine(s, std::string(s.classification ? "classifier over " + std::to_string(s.data.labelNames.size()) + " labels, " : "")
                   + "model: " + std::to_string(s.model->config().parameterCount()) + " parameters, "
                   + std::to_string(trainable) + " trainable; " + std::to_string(s.totalSteps) + " steps");
    return trainLoop(s, false);
}

TrainResult resumeTraining(const std::string &runDir, const TrainCallback &callback, TrainControl *control,
                           const std::vector<std::string> &overrides)
{
    requireBackgroundThread("tb::resumeTraining");
    RunState s;
    s.dir = runDir;
    s.callback = callback;
    s.control = control;
    releaseFreeMemory(); // what an earlier run in this process freed is not "runtime"
    s.runtimeBytes = currentRssBytes();
    s.config = trainConfigFromJson(readTextFile((s.dir / "config.json").string()), runDir + "/config.json", overrides);
    joinDistributed(s);
    std::vector<std::string> found;
    if (fs::exists(s.dir / "checkpoints"))
        for (const auto &entry : fs::directory_iterator(s.dir / "checkpoints"))
            if (entry.is_directory() && entry.path().extension() != ".tmp"
                && fs::exists(entry.path() / "trainer_state.json"))
                found.push_back(entry.path().string());
    if (found.empty())
        throw Error(runDir + ": no complete checkpoint to resume from");
    std::sort(found.begin(), found.end());
    const fs::path checkpoint = found.back();
    s.checkpoints = found;
    const auto state = nlohmann::json::parse(readTextFile((checkpoint / "trainer_state.json").string()));

    // The checkpoint holds the weights (a full model folder) or the adapter over the base.
    if (s.lora()) {
        s.imported = importModel(s.config.model);
        s.tokenizer = Tokenizer::fromFile((checkpoint / "tokenizer.model").string());
        s.imported.tokenizer = s.tokenizer;
        s.modelConfig = s.imported.config;
        LoadOptions options;
        options.computeDtype = s.config.baseDtype == BaseDtype::Bf16 ? torch::kBFloat16 : torch::kFloat;
        s.model = buildModel(s.imported, options);
        loadLoraAdapter(s.model, checkpoint.string());
    } else if (isClassifierFolder(checkpoint.string())) {
        LoadedClassifier loaded = loadClassifier(checkpoint.string());
        s.classifier = loaded.classifier;
        s.model = s.classifier->languageModel();
        s.tokenizer = loaded.tokenizer;
        s.modelConfig = s.model->config();
    } else {
        LoadedModel loaded = loadModel(checkpoint.string());
        s.model = loaded.model;
        s.tokenizer = loaded.tokenizer;
        s.modelConfig = s.model->config();
    }
    prepareData(s);
    s.trained().train();
    applyFreezing(s);
    loadChecks(s);
    s.memory = estimateTrainingMemory(memoryPlan(s));
    prepareOptimizer(s);
    torch::serialize::InputArchive archive;
    archive.load_from((checkpoint / "optimizer.pt").string());
    s.optimizer->load(archive);
    s.step = state["step"].get<int64_t>();
    s.position.epoch = state["epoch"].get<int64_t>();
    s.position.index = state["batch_index"].get<int64_t>();
    s.epochBatches = std::make_unique<BatchIterator>(s.data.train, s.batchOptions, s.position.epoch);
    // Data parallel: the same number of ranks, each with its own RNG state (the data position
    // is global, so it is the same for all).
    const int savedWorld = state.value("world_size", 1);
    if (savedWorld != s.worldSize())
        throw Error(checkpoint.string() + ": was written by a run of " + std::to_string(savedWorld)
                    + " process(es); resume it with the same number (WORLD_SIZE / --nproc), not "
                    + std::to_string(s.worldSize()));
    const auto rng = s.dist ? state["rank_torch_rng"][size_t(s.dist->rank())].get<std::vector<uint8_t>>()
                            : state["torch_rng"].get<std::vector<uint8_t>>();
    at::Generator generator = torch::globalContext().defaultGenerator(torch::kCPU);
    generator.set_state(torch::tensor(rng, torch::kUInt8));
    s.early = EarlyStopping(earlyStoppingMetric(s.config, s.classification), s.config.earlyStoppingPatience,
                            s.config.earlyStoppingMinDelta);
    if (state.contains("early_stopping")) {
        const auto &es = state["early_stopping"];
        s.early.restore(es["best"].get<double>(), es["best_step"].get<int64_t>(), es["bad_evaluations"].get<int64_t>());
    }
    if (const std::string best = state.value("best_checkpoint", ""); !best.empty()
        && fs::exists(s.dir / "checkpoints" / best))
        s.bestCheckpoint = (s.dir / "checkpoints" / best).string();
    // Metrics logged after this checkpoint belong to the interrupted attempt: drop them.
    if (s.main()) {
        std::ifstream in(s.dir / "metrics.jsonl");
        std::string line, kept;
        while (std::getline(in, line)) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.value("step", int64_t(0)) <= s.step && !j.contains("final"))
                kept += line + "\n";
        }
        writeFileAtomically((s.dir / "metrics.jsonl").string(), kept);
    }
    openRunFiles(s, true);
    logLine(s, "resumed from " + checkpoint.string() + " at step " + std::to_string(s.step));
    return trainLoop(s, true);
}

} // namespace tb
