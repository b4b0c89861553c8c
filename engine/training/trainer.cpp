#include "trainer.h"

#include "batching.h"
#include "chat_template.h"
#include "classifier_folder.h"
#include "crash_point.h"
#include "dataset.h"
#include "dialogue_checks.h"
#include "distributed.h"
#include "early_stopping.h"
#include "error.h"
#include "file_lock.h"
#include "file_util.h"
#include "imported_model.h"
#include "interrupt_cleanup.h"
#include "lora.h"
#include "lr_schedule.h"
#include "memory_estimate.h"
#include "model_loader.h"
#include "model_snapshot.h"
#include "optimizer.h"
#include "peft_adapter.h"
#include "run_directory.h"
#include "runtime.h"
#include "sequence_classifier.h"
#include "text_util.h"
#include "thread_guard.h"
#include "tokenizer.h"
#include "tokenizer_corpus.h"
#include "train_step.h"
#include "train_task.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace tb {

namespace {

using Clock = std::chrono::steady_clock;

// Where the run's data stream stands: batch `index` of epoch `epoch` is next.
struct DataPosition {
    int64_t epoch = 0;
    int64_t index = 0;
};

// One run, from set-up to its end. The set-up fills the first part; the loop moves the second.
struct RunState {
    TrainConfig config;
    RunDirectory run{""};
    std::unique_ptr<FileLock> lock; // run.lock, held by the process that writes the run (rank 0)
    std::unique_ptr<RunJournal> journal;
    // Data parallel (distributed.h): every rank runs the same code on its share of each
    // global batch; only rank 0 writes files and emits events. One process is a world of one.
    std::unique_ptr<Distributed> dist;
    TrainCallback callback;
    TrainControl *control = nullptr;

    // Set up once.
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
    std::vector<DialogueCheck> checks;
    long long runtimeBytes = 0; // RSS before the model existed
    MemoryEstimate memory;
    std::unique_ptr<TrainTask> task;
    std::unique_ptr<torch::optim::AdamW> optimizer;
    std::vector<torch::Tensor> trainable;

    // Where the run stands.
    Clock::time_point started = Clock::now();
    int64_t step = 0;
    int64_t totalSteps = 0;
    DataPosition position;
    std::unique_ptr<BatchIterator> epochBatches; // batches of position.epoch
    std::vector<std::string> checkpoints; // oldest first
    std::string bestCheckpoint;
    std::string bestInLastState; // what the last trainer_state.json written names as best
    EarlyStopping early;
    std::vector<std::vector<uint8_t>> rankRng; // data parallel: every rank's RNG state at the last checkpoint
    std::vector<uint64_t> rankFingerprints;     // and its parameter hash there

    bool main() const { return dist->isMain(); }
    int worldSize() const { return dist->worldSize(); }
    bool lora() const { return config.loraRank > 0; }
    double elapsed() const { return std::chrono::duration<double>(Clock::now() - started).count(); }
};

void emit(RunState &s, TrainEvent event)
{
    if (s.callback && s.main())
        s.callback(event);
}

void logLine(RunState &s, const std::string &line)
{
    s.journal->log(line);
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

// What trains: the classifier (backbone and head) or the language model (full or LoRA).
void makeTask(RunState &s)
{
    TaskSettings t;
    t.tokenizer = s.tokenizer;
    t.chatTemplate = s.chatTemplate;
    t.batches = s.batchOptions;
    t.classifierBatchRows = s.config.batchSize;
    t.step = s.stepOptions;
    t.evalBatches = s.config.evalBatches;
    t.loraBase = s.lora() ? s.config.model : std::string();
    t.checks = s.checks;
    t.checkTokens = s.config.dialogueCheckTokens;
    s.task = s.classification ? makeClassifierTask(s.classifier, std::move(t)) : makeLanguageModelTask(s.model, std::move(t));
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

// The base model's metadata and tokenizer (its tokenizer_config.json included, or the
// `tokenizer` option's): a LoRA resume imports it the same way as the first start.
void importBase(RunState &s)
{
    const TrainConfig &c = s.config;
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
}

// A from-scratch model's shape: the preset, then the sizes the config sets.
ModelConfig scratchModelConfig(const TrainConfig &c, const Tokenizer &tokenizer)
{
    ModelConfig m = presetConfig(c.preset, tokenizer.vocabSize());
    if (c.hiddenSize) m.hiddenSize = c.hiddenSize;
    if (c.numLayers) m.numLayers = c.numLayers;
    if (c.numHeads) m.numHeads = c.numHeads;
    m.numKvHeads = c.numKvHeads ? c.numKvHeads : (c.numHeads ? c.numHeads : m.numKvHeads);
    if (c.intermediateSize) m.intermediateSize = c.intermediateSize;
    m.maxPositions = c.contextLength;
    m.tieWordEmbeddings = c.tieEmbeddings;
    m.bosTokenId = tokenizer.bosId();
    m.eosTokenId = tokenizer.eosId();
    return m;
}

// SentencePiece writes PREFIX.model and PREFIX.vocab itself, following links: it trains
// into a temporary prefix no other process picks, and the two files are renamed into
// place, so a link planted at tokenizer.model is replaced, never written through.
std::shared_ptr<Tokenizer> trainTokenizerInto(TokenizerTrainOptions t)
{
    const std::string prefix = t.outputPrefix;
    t.outputPrefix = uniqueTemporaryName(prefix);
    const TemporaryRegistration model(t.outputPrefix + ".model", false), vocab(t.outputPrefix + ".vocab", false);
    std::shared_ptr<Tokenizer> tokenizer;
    try {
        tokenizer = Tokenizer::train(t);
        for (const char *ext : {".model", ".vocab"})
            if (std::rename((t.outputPrefix + ext).c_str(), (prefix + ext).c_str()) != 0)
                throw Error(prefix + ext + ": cannot move the trained tokenizer into place (" + std::strerror(errno)
                            + ")");
    } catch (...) {
        std::error_code ec;
        for (const char *ext : {".model", ".vocab"})
            fs::remove(t.outputPrefix + ext, ec);
        throw;
    }
    return tokenizer;
}

// The model's shape and tokenizer, before any weight exists: the memory check comes first.
void prepareTokenizerAndConfig(RunState &s)
{
    const TrainConfig &c = s.config;
    if (!c.model.empty()) {
        importBase(s);
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
        t.corpusPath = tokenizerCorpus(c.data, s.run.path());
        t.outputPrefix = (fs::path(s.run.path()) / "tokenizer").string();
        t.vocabSize = int(c.vocabSize);
        t.modelType = enumName(c.tokenizerType);
        t.byteFallback = c.tokenizerType != TokenizerType::Char;
        // A chat format named in the config shapes the vocabulary: its special tokens become
        // single pieces, its template is stored with the tokenizer, and ChatML ends a reply
        // with <|im_end|>, which becomes the EOS so generation stops where training ended.
        const ChatTemplateKind kind = c.chatTemplate.value_or(ChatTemplateKind::Plain);
        t.specialTokens = chatTemplateSpecialTokens(kind);
        s.tokenizer = trainTokenizerInto(t);
        s.dist->shareFromMain("tokenizer.model", s.tokenizer->serializedModel());
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
    ModelConfig m = scratchModelConfig(c, *s.tokenizer);
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
    const int local = s.dist->env().localWorldSize;
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
    makeTask(s);
    s.task->module().train();
    if (s.lora())
        applyLora(s.model, loraConfig(c), c.seed);
    applyFreezing(s);
}

void prepareOptimizer(RunState &s)
{
    s.trainable.clear();
    for (auto &p : s.task->module().parameters())
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

std::string earlyStoppingMetric(const TrainConfig &c, bool classification)
{
    if (c.earlyStoppingMetric != "auto")
        return c.earlyStoppingMetric;
    return classification ? "macro_f1" : "val_loss";
}

// ---- Checkpoints ----

void writeTrainerState(RunState &s, const std::string &checkpoint)
{
    s.bestInLastState = s.bestCheckpoint;
    if (!s.main())
        return;
    TrainerState state;
    state.step = s.step;
    state.totalSteps = s.totalSteps;
    state.epoch = s.position.epoch;
    state.batchIndex = s.position.index;
    auto rng = torch::globalContext().defaultGenerator(torch::kCPU).get_state();
    state.torchRng.assign(rng.data_ptr<uint8_t>(), rng.data_ptr<uint8_t>() + rng.numel());
    state.earlyStoppingMetric = s.early.metric();
    state.earlyStoppingBest = s.early.hasBest() ? s.early.best() : 0.0;
    state.earlyStoppingBestStep = s.early.bestStep();
    state.earlyStoppingBadEvaluations = s.early.badEvaluations();
    state.bestCheckpoint = s.bestCheckpoint.empty() ? "" : fs::path(s.bestCheckpoint).filename().string();
    state.kind = s.task->kind();
    state.worldSize = s.worldSize();
    state.rankTorchRng = s.rankRng;
    state.replicaFingerprints = s.rankFingerprints;
    s.run.writeTrainerState(checkpoint, state);
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
            s.run.removeCheckpoint(*it);
        it = s.checkpoints.erase(it);
        --others;
    }
}

// A checkpoint is the task's loadable weights folder (so chat and export can open it), the
// optimizer state and the trainer state; RunDirectory commits it only once it is complete.
// The trainer state names the best checkpoint as it is once this one exists (set
// s.bestCheckpoint first when this one is the new best): a checkpoint is never committed
// with a state that a later rewrite has to correct.
void saveCheckpoint(RunState &s)
{
    const std::string final = s.run.checkpointFolder(s.step);
    if (!s.checkpoints.empty() && s.checkpoints.back() == final) {
        // This step is already saved (an evaluation and a checkpoint interval met, or the step
        // a resumed run started from): only the best it names may have changed since. The
        // state is replaced in one rename, so it names the old best or the new one.
        if (s.bestInLastState != s.bestCheckpoint) {
            writeTrainerState(s, final);
            pruneCheckpoints(s);
        }
        return;
    }
    // Data parallel: every rank's RNG state goes into rank 0's checkpoint, and the replicas
    // are proven equal (bitwise) at every checkpoint.
    auto rng = torch::globalContext().defaultGenerator(torch::kCPU).get_state();
    s.rankRng = s.dist->gather(std::vector<uint8_t>(rng.data_ptr<uint8_t>(), rng.data_ptr<uint8_t>() + rng.numel()),
                               "the RNG states");
    s.rankFingerprints = s.dist->checkReplicas(s.task->module().parameters(), s.step);
    if (s.main()) {
        const std::string staging = s.run.beginCheckpoint(s.step);
        const TemporaryRegistration removedOnInterrupt(staging, true);
        try {
            s.task->save(staging);
            crashPoint("checkpoint-weights-written");
            saveOptimizerState(*s.optimizer, (fs::path(staging) / "optimizer.pt").string());
            writeTrainerState(s, staging);
            crashPoint("checkpoint-staged");
        } catch (const Error &e) {
            s.run.abandonCheckpoint(s.step);
            throw Error(std::string(e.what()) + "; checkpoint " + RunDirectory::checkpointName(s.step)
                        + " was not written, " + (s.checkpoints.empty() ? "and there is no earlier one"
                                                                         : "the last one is " + s.checkpoints.back()));
        } catch (...) {
            s.run.abandonCheckpoint(s.step);
            throw;
        }
        s.run.commitCheckpoint(s.step);
    }
    s.checkpoints.push_back(final);
    pruneCheckpoints(s);
    TrainEvent e;
    e.kind = TrainEvent::Kind::Checkpoint;
    e.step = s.step;
    e.message = final;
    emit(s, e);
    s.journal->log("checkpoint " + final);
}

// ---- Evaluation ----

struct Evaluated {
    std::map<std::string, double> metrics;
    bool stopEarly = false; // early stopping's patience ran out
};

// Evaluates, records the event, and keeps the weights when they are the best so far.
Evaluated evaluateAndRecord(RunState &s, bool final)
{
    TrainEvent e;
    e.kind = TrainEvent::Kind::Eval;
    e.step = s.step;
    e.totalSteps = s.totalSteps;
    e.epoch = s.position.epoch;
    e.metrics = s.task->evaluate(s.data.validation.empty() ? s.data.train : s.data.validation, s.step, final,
                                 [&](const std::string &line) { s.journal->log(line); });
    e.final = final;
    e.elapsedSeconds = s.elapsed();
    const auto metric = e.metrics.find(s.early.metric());
    if (metric == e.metrics.end()) {
        std::vector<std::string> known;
        for (const auto &[k, v] : e.metrics)
            known.push_back(k);
        throw Error("training config: early_stopping_metric '" + s.early.metric()
                    + "' is not an evaluation metric; choose one of " + joinNames(known));
    }
    // The final evaluation competes for "best" too: the last weights are often the best.
    e.best = s.early.update(metric->second, s.step);
    s.journal->metrics(e);
    emit(s, e);
    std::string line = "eval step " + std::to_string(s.step) + ":";
    for (const auto &[key, value] : e.metrics) {
        char item[64];
        std::snprintf(item, sizeof item, " %s %.4g", key.c_str(), value);
        line += item;
    }
    s.journal->log(line + (final ? " final" : "") + (e.best ? " best" : ""));
    // The best weights are saved when they are seen, with a state that names them best;
    // pruning keeps them.
    if (e.best && s.config.keepBest && s.step > 0) {
        s.bestCheckpoint = s.run.checkpointFolder(s.step);
        saveCheckpoint(s);
    }
    return {e.metrics, !final && s.early.shouldStop()};
}

// ---- One step, in phases ----

// Serves a pending chat snapshot request: called only between optimizer steps, so the copy
// is the model of one step boundary, never half-updated.
void serveSnapshot(RunState &s)
{
    if (!s.control || !s.control->snapshotRequested.exchange(false) || !s.main())
        return;
    if (auto snapshot = s.task->snapshot(s.step))
        s.control->publishSnapshot(std::move(snapshot));
}

// Between two steps: serves chat snapshots, waits while paused, and says whether the run
// stops here (every rank stops at the same step).
bool stopRequested(RunState &s)
{
    serveSnapshot(s);
    while (s.control && s.control->pause && !s.control->stop) {
        serveSnapshot(s);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const bool stop = s.control && s.control->stop;
    return s.dist->sum(std::vector<int64_t>{stop ? 1 : 0}, "the stop flag")[0] > 0;
}

double setLearningRate(RunState &s)
{
    const TrainConfig &c = s.config;
    const double lr = learningRateAt(c.schedule, s.step, c.warmupSteps, s.totalSteps, c.learningRate, c.minLearningRate);
    for (auto &group : s.optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
    return lr;
}

// This rank's share of the step's grad_accumulation global batches.
std::vector<Batch> nextMicroBatches(RunState &s)
{
    std::vector<Batch> micro;
    for (int64_t m = 0; m < s.config.gradAccumulation; ++m) {
        Batch b = s.dist->shard(nextBatch(s));
        if (b.ids.size(0) > 0)
            micro.push_back(std::move(b));
    }
    return micro;
}

// The step's loss units (trained tokens or rows) and real tokens, over every rank: the loss
// divides by the global count, not by the number of ranks.
struct StepCounts {
    int64_t units = 0;
    int64_t tokens = 0;
};
StepCounts countStep(RunState &s, const std::vector<Batch> &micro)
{
    int64_t units = 0, tokens = 0;
    for (const Batch &b : micro) {
        units += s.task->units(b);
        tokens += (b.segmentIds != 0).sum().item<int64_t>();
    }
    const auto global = s.dist->sum(std::vector<int64_t>{units, tokens}, "the trained-token counts");
    return {global[0], global[1]};
}

double clipGradients(RunState &s)
{
    const double maxNorm = s.config.gradClip > 0 ? s.config.gradClip : std::numeric_limits<double>::infinity();
    return torch::nn::utils::clip_grad_norm_(s.trainable, maxNorm);
}

// A NaN or infinite loss stops the run before the weights change; the last checkpoint stays good.
void requireFinite(RunState &s, double loss, double gradNorm)
{
    if (std::isfinite(loss) && std::isfinite(gradNorm))
        return;
    const std::string value = std::isfinite(loss) ? std::to_string(loss) : std::isnan(loss) ? "NaN" : "Inf";
    const std::string message = "step " + std::to_string(s.step + 1) + ": the loss is " + value + " (gradient norm "
        + std::to_string(gradNorm)
        + "); training stopped before updating the weights. Lower the learning rate or check the data. "
          "Last good checkpoint: "
        + (s.checkpoints.empty() ? "none yet" : s.checkpoints.back());
    s.journal->log(message);
    throw Error(message);
}

// Tokens per second and the time left, over the steps this attempt has timed.
struct Throughput {
    double seconds = 0.0;
    int64_t tokens = 0;
    int64_t steps = 0;
    void add(Clock::duration time, int64_t stepTokens)
    {
        seconds += std::chrono::duration<double>(time).count();
        tokens += stepTokens;
        ++steps;
    }
};

void recordStep(RunState &s, double loss, double lr, double gradNorm, const Throughput &speed)
{
    TrainEvent e;
    e.kind = TrainEvent::Kind::Step;
    e.step = s.step;
    e.totalSteps = s.totalSteps;
    e.epoch = s.position.epoch;
    e.loss = loss;
    e.learningRate = lr;
    e.gradNorm = gradNorm;
    e.tokensPerSecond = speed.seconds > 0 ? double(speed.tokens) / speed.seconds : 0.0;
    e.elapsedSeconds = s.elapsed();
    e.etaSeconds = speed.seconds / double(speed.steps) * double(s.totalSteps - s.step);
    e.rssBytes = currentRssBytes();
    s.journal->metrics(e);
    emit(s, e);
}

bool due(int64_t step, int64_t every)
{
    return every > 0 && step % every == 0;
}

// The last evaluation (unless stopped), the last checkpoint and run.json.
TrainResult finishRun(RunState &s, const std::string &status)
{
    TrainResult result;
    if (status != "stopped") {
        result.finalMetrics = evaluateAndRecord(s, true).metrics;
        result.finalValLoss = result.finalMetrics["val_loss"];
    }
    saveCheckpoint(s);
    result.runDir = s.run.path();
    result.status = status;
    result.steps = s.step;
    result.lastCheckpoint = s.checkpoints.back();
    result.bestCheckpoint = s.bestCheckpoint;
    result.peakRssBytes = peakRssBytes();
    result.estimatedBytes = s.memory.total();
    s.journal->log("run " + status + " at step " + std::to_string(s.step) + "; peak RSS " + mibText(result.peakRssBytes)
                   + " (estimate " + mibText(result.estimatedBytes) + ")");
    crashPoint("before-summary");
    if (s.main()) {
        RunSummary summary;
        summary.status = result.status;
        summary.steps = result.steps;
        summary.totalSteps = s.totalSteps;
        summary.finalMetrics = result.finalMetrics;
        summary.earlyStoppingMetric = s.early.metric();
        summary.hasBest = s.early.hasBest();
        summary.bestStep = s.early.bestStep();
        summary.bestValue = s.early.best();
        summary.bestCheckpoint = result.bestCheckpoint;
        summary.lastCheckpoint = result.lastCheckpoint;
        summary.peakRssMb = double(result.peakRssBytes) / (1024.0 * 1024.0);
        summary.estimatedMb = double(result.estimatedBytes) / (1024.0 * 1024.0);
        s.run.writeSummary(summary);
    }
    return result;
}

// The loop, as nanoGPT's: stop or pause, learning rate, batches, forward and backward,
// all-reduce, clip, update; then record, evaluate and checkpoint when due.
TrainResult trainLoop(RunState &s, bool resumed)
{
    const TrainConfig &c = s.config;
    const int64_t checkpointEvery = c.checkpointEvery > 0 ? c.checkpointEvery : c.evalEvery;
    s.started = Clock::now();
    s.task->module().train();
    if (!resumed && c.evalEvery > 0)
        evaluateAndRecord(s, false); // the step-0 baseline

    Throughput speed;
    std::string status = "finished";
    while (s.step < s.totalSteps) {
        if (stopRequested(s)) {
            status = "stopped";
            break;
        }
        const auto t0 = Clock::now();
        const double lr = setLearningRate(s);
        const std::vector<Batch> micro = nextMicroBatches(s);
        const StepCounts counts = countStep(s, micro);
        double loss = s.task->accumulate(micro, counts.units);
        s.dist->sumGradients(s.trainable);
        loss = s.dist->sum(loss, "the loss");
        const double gradNorm = clipGradients(s);
        requireFinite(s, loss, gradNorm);
        if (counts.units > 0)
            s.optimizer->step();
        s.optimizer->zero_grad();
        ++s.step;
        speed.add(Clock::now() - t0, counts.tokens);
        recordStep(s, loss, lr, gradNorm, speed);

        if (s.step == s.totalSteps)
            break; // the final evaluation and checkpoint follow
        const bool stopEarly = due(s.step, c.evalEvery) && evaluateAndRecord(s, false).stopEarly;
        if (due(s.step, checkpointEvery))
            saveCheckpoint(s);
        if (stopEarly) {
            status = "early_stopped";
            logLine(s, "early stopping at step " + std::to_string(s.step) + ": " + s.early.metric()
                           + " has not improved for " + std::to_string(c.earlyStoppingPatience) + " evaluations (best "
                           + std::to_string(s.early.best()) + " at step " + std::to_string(s.early.bestStep()) + ")");
            break;
        }
    }
    serveSnapshot(s); // a request made during the last step gets the final weights
    return finishRun(s, status);
}

// The loop, with a failed write to train.log or metrics.jsonl said as what it is: the run
// stopped there, and can resume from its last checkpoint once the disk has room.
TrainResult runLoop(RunState &s, bool resumed)
{
    try {
        return trainLoop(s, resumed);
    } catch (const JournalError &e) {
        throw Error(std::string(e.what()) + "; training stopped at step " + std::to_string(s.step) + " ("
                    + (s.checkpoints.empty() ? std::string("no checkpoint yet")
                                             : "resume from " + s.checkpoints.back() + " once the disk has room")
                    + ")");
    }
}

// Data parallel: joins the job torchrun's variables describe (none: a world of one), and
// shares the cores among the ranks on this machine unless `threads` is set.
void joinDistributed(RunState &s)
{
    s.dist = joinDistributedFromEnvironment(s.config.distTimeoutS);
    const int local = s.dist->env().localWorldSize;
    configureThreads(s.config.threads > 0 ? s.config.threads : std::max(1, defaultThreadCount() / local), 1);
}

void openJournal(RunState &s, RunJournal::Mode mode)
{
    s.journal = std::make_unique<RunJournal>(s.run, s.main() ? mode : RunJournal::Mode::Discard);
}

// Data parallel: every replica starts from rank 0's weights; dropout differs per rank.
void startReplicas(RunState &s)
{
    std::vector<torch::Tensor> weights = s.task->module().parameters();
    for (const auto &b : s.task->module().buffers())
        weights.push_back(b);
    s.dist->broadcastFromMain(weights, "the initial weights");
    if (!s.main())
        torch::manual_seed(s.config.seed + uint64_t(s.dist->rank()));
    if (!s.dist->alone())
        logLine(s, "data parallel: " + std::to_string(s.worldSize()) + " ranks, " + std::to_string(s.config.batchSize)
                       + " rows each per micro-batch (" + std::to_string(s.batchOptions.batchSize) + " global)");
}

// Resuming a LoRA run: the adapter must be the one the config describes.
void requireLoraAsConfigured(const RunState &s, const LoraConfig &adapter, const std::string &checkpoint)
{
    const LoraConfig wanted = loraConfig(s.config);
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    if (adapter.rank != wanted.rank || sorted(adapter.targets) != sorted(wanted.targets))
        throw Error(s.run.configPath() + ": lora_rank " + std::to_string(wanted.rank) + " on " + s.config.loraTargets
                    + ", but checkpoint " + checkpoint + " holds an adapter of rank " + std::to_string(adapter.rank)
                    + "; a resumed run keeps the adapter it was started with: undo the change, or start a new run");
}

// Resuming a run from scratch: config.json (after --set) must describe the checkpoint's
// model. A resumed run never changes its model's size; an edit is refused, not ignored.
void requireShapeAsConfigured(const RunState &s, const ModelConfig &saved, const std::string &checkpoint)
{
    const ModelConfig wanted = scratchModelConfig(s.config, *s.tokenizer);
    const std::pair<const char *, std::pair<int64_t, int64_t>> sizes[] = {
        {"hidden_size", {wanted.hiddenSize, saved.hiddenSize}},
        {"num_layers", {wanted.numLayers, saved.numLayers}},
        {"num_heads", {wanted.numHeads, saved.numHeads}},
        {"num_kv_heads", {wanted.numKvHeads, saved.numKvHeads}},
        {"intermediate_size", {wanted.intermediateSize, saved.intermediateSize}},
        {"context_length", {wanted.maxPositions, saved.maxPositions}},
        {"tie_embeddings", {wanted.tieWordEmbeddings, saved.tieWordEmbeddings}},
    };
    for (const auto &[key, values] : sizes)
        if (values.first != values.second)
            throw Error(s.run.configPath() + ": " + key + " gives " + std::to_string(values.first) + ", but checkpoint "
                        + checkpoint + " holds a model with " + std::to_string(values.second)
                        + "; a resumed run keeps its model's size: undo the edit (or the --set), or start a new run");
}

// Resuming: the checkpoint's weights (a full model or classifier folder, or an adapter over
// the base). Everything the first start derived comes back the same way: a LoRA run's base
// and tokenizer (with its tokenizer_config.json: chat template, special tokens) are
// imported as at the start; the other runs' tokenizer is the checkpoint's own.
void loadCheckpointWeights(RunState &s, const std::string &checkpoint)
{
    if (s.lora()) {
        importBase(s);
        LoadOptions options;
        options.computeDtype = s.config.baseDtype == BaseDtype::Bf16 ? torch::kBFloat16 : torch::kFloat;
        s.model = buildModel(s.imported, options);
        requireLoraAsConfigured(s, loadLoraAdapter(s.model, checkpoint), checkpoint);
    } else if (isClassifierFolder(checkpoint)) {
        LoadedClassifier loaded = loadClassifier(checkpoint);
        s.classifier = loaded.classifier;
        s.model = s.classifier->languageModel();
        s.tokenizer = loaded.tokenizer;
        s.modelConfig = s.model->config();
        if (s.config.model.empty())
            requireShapeAsConfigured(s, s.modelConfig, checkpoint);
    } else {
        LoadedModel loaded = loadModel(checkpoint);
        s.model = loaded.model;
        s.tokenizer = loaded.tokenizer;
        s.modelConfig = s.model->config();
        if (s.config.model.empty())
            requireShapeAsConfigured(s, s.modelConfig, checkpoint);
    }
}

// Resuming: the optimizer, the data position, the generators and early stopping as they were.
void restoreTrainerState(RunState &s, const std::string &checkpoint, const TrainerState &state)
{
    loadOptimizerState(*s.optimizer, (fs::path(checkpoint) / "optimizer.pt").string());
    s.step = state.step;
    s.position.epoch = state.epoch;
    s.position.index = state.batchIndex;
    s.epochBatches = std::make_unique<BatchIterator>(s.data.train, s.batchOptions, s.position.epoch);
    // Data parallel: the same number of ranks, each with its own RNG state (the data position
    // is global, so it is the same for all).
    if (state.worldSize != s.worldSize())
        throw Error(checkpoint + ": was written by a run of " + std::to_string(state.worldSize)
                    + " process(es); resume it with the same number (WORLD_SIZE / --nproc), not "
                    + std::to_string(s.worldSize()));
    at::Generator generator = torch::globalContext().defaultGenerator(torch::kCPU);
    generator.set_state(torch::tensor(state.torchRngOf(s.dist->rank()), torch::kUInt8));
    s.early = EarlyStopping(earlyStoppingMetric(s.config, s.classification), s.config.earlyStoppingPatience,
                            s.config.earlyStoppingMinDelta);
    if (state.hasEarlyStopping)
        s.early.restore(state.earlyStoppingBest, state.earlyStoppingBestStep, state.earlyStoppingBadEvaluations);
    for (const std::string &c : s.checkpoints)
        if (!state.bestCheckpoint.empty() && fs::path(c).filename() == state.bestCheckpoint)
            s.bestCheckpoint = c;
    if (!state.bestCheckpoint.empty() && s.bestCheckpoint.empty())
        logLine(s, "the best checkpoint " + state.bestCheckpoint + " named in " + checkpoint
                       + " is missing or incomplete; the next best evaluation saves a new one");
    s.bestInLastState = s.bestCheckpoint;
}

} // namespace

TrainResult runTraining(const TrainConfig &config, const TrainCallback &callback, TrainControl *control)
{
    requireBackgroundThread("tb::runTraining");
    config.validate();
    RunState s;
    s.config = withAbsoluteInputPaths(config);
    s.callback = callback;
    s.control = control;
    joinDistributed(s);
    releaseFreeMemory(); // what an earlier run in this process freed is not "runtime"
    s.runtimeBytes = currentRssBytes();
    s.run = RunDirectory(config.runDir.empty() ? (fs::path("runs") / "run").string() : config.runDir);
    if (s.main())
        s.lock = s.run.create();
    openJournal(s, RunJournal::Mode::Create);
    torch::manual_seed(config.seed);
    prepareTokenizerAndConfig(s);
    prepareData(s);
    s.early = EarlyStopping(earlyStoppingMetric(config, s.classification), config.earlyStoppingPatience,
                            config.earlyStoppingMinDelta);
    loadChecks(s);
    checkMemory(s);
    buildWeights(s);
    startReplicas(s);
    prepareOptimizer(s);
    s.config.runDir = s.run.path();
    // What the start derived is stored with the run, so a resume does not derive it again
    // differently: the chat template (the model's tokenizer_config.json's, when the config
    // names none).
    RunDerived derived;
    derived.chatTemplate = s.chatTemplate;
    if (s.main())
        s.run.writeConfig(s.config, derived);
    int64_t trainable = 0;
    for (const auto &p : s.trainable)
        trainable += p.numel();
    logLine(s, std::string(s.classification ? "classifier over " + std::to_string(s.data.labelNames.size()) + " labels, " : "")
                   + "model: " + std::to_string(s.model->config().parameterCount()) + " parameters, "
                   + std::to_string(trainable) + " trainable; " + std::to_string(s.totalSteps) + " steps");
    return runLoop(s, false);
}

TrainResult resumeTraining(const std::string &runDir, const TrainCallback &callback, TrainControl *control,
                           const std::vector<std::string> &overrides)
{
    requireBackgroundThread("tb::resumeTraining");
    RunState s;
    s.run = RunDirectory(runDir);
    s.callback = callback;
    s.control = control;
    releaseFreeMemory(); // what an earlier run in this process freed is not "runtime"
    s.runtimeBytes = currentRssBytes();
    s.config = withAbsoluteInputPaths(s.run.readConfig(overrides));
    s.config.runDir = runDir;
    // The template the data was rendered with at the start, unless the config names one.
    if (!s.config.chatTemplate)
        s.config.chatTemplate = s.run.readDerived().chatTemplate;
    joinDistributed(s);
    if (s.main()) // one writer: refuses a run another process writes, and clears what a crash left
        s.lock = s.run.lockForWriting();
    // The newest complete checkpoint; newer folders that are not complete (truncated, half
    // pruned, never finished) are passed over, and removed: the steps after the resume
    // point are trained again.
    const std::vector<RunCheckpoint> complete = s.run.checkpoints();
    std::vector<std::string> skipped;
    for (const auto &[checkpoint, problem] : s.run.incompleteCheckpoints())
        if (complete.empty() || checkpoint.step > complete.back().step)
            skipped.push_back(checkpoint.path + ": " + problem);
    if (complete.empty())
        throw Error(runDir + ": nothing to resume: the run holds no complete checkpoint yet"
                    + (skipped.empty() ? std::string(" (it stopped before its first one)") : " (" + skipped.back() + ")")
                    + "; start it again from its config (" + s.run.configPath() + ")");
    const RunCheckpoint latest = complete.back();
    for (const RunCheckpoint &c : complete)
        s.checkpoints.push_back(c.path);
    const TrainerState state = s.run.readTrainerState(latest.path);
    if (s.main()) {
        for (const auto &[checkpoint, problem] : s.run.incompleteCheckpoints())
            if (checkpoint.step > latest.step)
                s.run.removeCheckpoint(checkpoint.path);
        s.run.keepMetricsUpTo(state.step); // metrics logged after it belong to the interrupted attempt
    }
    openJournal(s, RunJournal::Mode::Append);
    for (const std::string &line : skipped)
        logLine(s, "skipped an incomplete checkpoint: " + line + "; resuming from " + latest.path);
    loadCheckpointWeights(s, latest.path);
    prepareData(s);
    loadChecks(s);
    makeTask(s);
    s.task->module().train();
    applyFreezing(s);
    s.memory = estimateTrainingMemory(memoryPlan(s));
    prepareOptimizer(s);
    restoreTrainerState(s, latest.path, state);
    logLine(s, "resumed from " + latest.path + " at step " + std::to_string(s.step));
    return runLoop(s, true);
}

} // namespace tb
