#include "trainer.h"

#include "batching.h"
#include "chat_template.h"
#include "dataset.h"
#include "error.h"
#include "file_util.h"
#include "lr_schedule.h"
#include "model_export.h"
#include "model_loader.h"
#include "optimizer.h"
#include "runtime.h"
#include "tokenizer.h"
#include "train_step.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
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
    LlamaModel model{nullptr};
    std::shared_ptr<Tokenizer> tokenizer;
    Dataset data;
    BatchOptions batchOptions;
    std::unique_ptr<torch::optim::AdamW> optimizer;
    std::vector<torch::Tensor> trainable;
    int64_t step = 0;
    int64_t totalSteps = 0;
    DataPosition position;
    std::unique_ptr<BatchIterator> epochBatches; // batches of position.epoch
    std::ofstream log;
    std::ofstream metrics;
    std::vector<std::string> checkpoints; // oldest first
    TrainCallback callback;
    TrainControl *control = nullptr;
};

void emit(RunState &s, TrainEvent event)
{
    if (s.callback)
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

// A from-scratch tokenizer needs a text corpus: .txt as it is, other formats as the string
// values of their rows (message contents, instructions, texts).
std::string tokenizerCorpus(const TrainConfig &c, const fs::path &dir)
{
    if (fs::path(c.data).extension() == ".txt")
        return c.data;
    const fs::path corpus = dir / "tokenizer-corpus.txt";
    std::ifstream in(c.data);
    std::ofstream out(corpus);
    std::string line;
    std::function<void(const nlohmann::json &)> walk = [&](const nlohmann::json &j) {
        if (j.is_string())
            out << j.get<std::string>() << "\n";
        else if (j.is_array() || j.is_object())
            for (const auto &v : j)
                walk(v);
    };
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded())
            out << line << "\n"; // CSV/TSV rows or a JSON array file: the raw text is fine
        else
            walk(j);
    }
    return corpus.string();
}

void prepareModel(RunState &s)
{
    const TrainConfig &c = s.config;
    if (!c.model.empty()) {
        LoadOptions options;
        options.tokenizerPath = c.tokenizer;
        LoadedModel loaded = loadModel(c.model, options);
        s.model = loaded.model;
        s.tokenizer = loaded.tokenizer;
        if (!s.tokenizer)
            throw Error(c.model + ": carries no tokenizer; set 'tokenizer' to a SentencePiece .model");
        return;
    }
    if (!c.tokenizer.empty()) {
        s.tokenizer = Tokenizer::fromFile(c.tokenizer);
    } else {
        TokenizerTrainOptions t;
        t.corpusPath = tokenizerCorpus(c, s.dir);
        t.outputPrefix = (s.dir / "tokenizer").string();
        t.vocabSize = int(c.vocabSize);
        t.modelType = c.tokenizerType;
        t.byteFallback = c.tokenizerType != "char";
        s.tokenizer = Tokenizer::train(t);
        logLine(s, "trained a " + c.tokenizerType + " tokenizer with " + std::to_string(s.tokenizer->vocabSize())
                       + " pieces on " + t.corpusPath);
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
    s.model = LlamaModel(m);
    s.model->initWeights(c.seed);
}

void prepareData(RunState &s)
{
    const TrainConfig &c = s.config;
    DatasetOptions d;
    d.format = datasetFormatFromName(c.format);
    d.onError = c.onError == "stop" ? ErrorPolicy::StopAtFirst : ErrorPolicy::SkipAndReport;
    d.overlong = c.overlong == "skip" ? OverlongPolicy::Skip : OverlongPolicy::Truncate;
    d.contextLength = std::min(c.contextLength, s.model->config().maxPositions);
    d.trainOnAllTokens = c.trainOnAllTokens;
    d.chatTemplate = c.chatTemplate.empty() ? detectChatTemplate(s.tokenizer->chatTemplateSource())
                                            : chatTemplateFromName(c.chatTemplate);
    d.textSplit = c.textSplit == "stream" ? TextSplit::Stream : TextSplit::Paragraphs;
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
    s.batchOptions.batchSize = c.batchSize;
    s.batchOptions.contextLength = d.contextLength;
    s.batchOptions.packing = c.packing;
    s.batchOptions.seed = c.seed;
    s.batchOptions.padId = std::max<int64_t>(0, s.tokenizer->padId());
    const int64_t perEpoch = BatchIterator(s.data.train, s.batchOptions, 0).size();
    s.totalSteps = c.maxSteps > 0 ? c.maxSteps : (perEpoch * c.epochs + c.gradAccumulation - 1) / c.gradAccumulation;
}

void prepareOptimizer(RunState &s)
{
    for (auto &p : s.model->parameters())
        if (p.requires_grad())
            s.trainable.push_back(p);
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
    auto t0 = Clock::now();
    torch::NoGradGuard noGrad;
    s.model->eval();
    BatchOptions options = s.batchOptions;
    options.shuffle = false;
    const auto &examples = s.data.validation.empty() ? s.data.train : s.data.validation;
    BatchIterator batches(examples, options, 0);
    const int64_t count = whole || s.config.evalBatches == 0 ? batches.size()
                                                             : std::min(batches.size(), s.config.evalBatches);
    double lossSum = 0.0;
    int64_t tokens = 0, correct = 0;
    for (int64_t i = 0; i < count; ++i) {
        Batch b = batches.batch(i);
        auto logits = s.model->forward(b.ids, batchForwardOptions(b, options.packing)); // (B, T, V)
        auto flat = logits.view({-1, logits.size(-1)});
        auto targets = b.targets.view({-1});
        lossSum += summedCrossEntropy(logits, b.targets).item<double>();
        auto mask = targets != kIgnoreIndex;
        correct += (flat.argmax(-1).eq(targets) & mask).sum().item<int64_t>();
        tokens += mask.sum().item<int64_t>();
    }
    s.model->train();
    const double loss = tokens ? lossSum / double(tokens) : 0.0;
    return {{"val_loss", loss},
            {"val_ppl", std::exp(loss)},
            {"val_token_acc", tokens ? double(correct) / double(tokens) : 0.0},
            {"val_tokens", double(tokens)},
            {"eval_s", std::chrono::duration<double>(Clock::now() - t0).count()}};
}

std::string checkpointName(int64_t step)
{
    char name[32];
    std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
    return name;
}

// A checkpoint is a loadable HF folder (so chat and export can open it) plus the trainer
// state. It is written under a temporary name and renamed: a crash or a full disk leaves
// the previous checkpoint as it was.
void saveCheckpoint(RunState &s)
{
    const fs::path root = s.dir / "checkpoints";
    fs::create_directories(root);
    const std::string name = checkpointName(s.step);
    const fs::path tmp = root / (name + ".tmp");
    const fs::path final = root / name;
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    try {
        exportHfFolder(s.model, s.tokenizer.get(), tmp.string(), "F32");
        torch::serialize::OutputArchive archive;
        s.optimizer->save(archive);
        archive.save_to((tmp / "optimizer.pt").string());
        Json state;
        state["step"] = s.step;
        state["total_steps"] = s.totalSteps;
        state["epoch"] = s.position.epoch;
        state["batch_index"] = s.position.index;
        auto rng = torch::globalContext().defaultGenerator(torch::kCPU).get_state();
        state["torch_rng"] = std::vector<uint8_t>(rng.data_ptr<uint8_t>(), rng.data_ptr<uint8_t>() + rng.numel());
        writeFileAtomically((tmp / "trainer_state.json").string(), state.dump() + "\n");
    } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw;
    }
    fs::remove_all(final);
    fs::rename(tmp, final);
    s.checkpoints.push_back(final.string());
    while (int64_t(s.checkpoints.size()) > s.config.keepLast) {
        fs::remove_all(s.checkpoints.front());
        s.checkpoints.erase(s.checkpoints.begin());
    }
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
    }
    for (const auto &[k, v] : e.metrics)
        j[k] = v;
    j["elapsed_s"] = e.elapsedSeconds;
    if (e.final)
        j["final"] = true;
    s.metrics << j.dump() << std::endl;
}

TrainResult trainLoop(RunState &s, bool resumed)
{
    const TrainConfig &c = s.config;
    const auto start = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    s.model->train();
    const int64_t evalEvery = c.evalEvery;
    const int64_t checkpointEvery = c.checkpointEvery > 0 ? c.checkpointEvery : evalEvery;
    auto evalEvent = [&](bool final) {
        TrainEvent e;
        e.kind = TrainEvent::Kind::Eval;
        e.step = s.step;
        e.totalSteps = s.totalSteps;
        e.epoch = s.position.epoch;
        e.metrics = evaluate(s, final);
        e.final = final;
        e.elapsedSeconds = elapsed();
        writeMetrics(s, e);
        emit(s, e);
        char line[160];
        std::snprintf(line, sizeof line, "eval step %lld: val_loss %.4f ppl %.2f token_acc %.3f (%.1f s)%s",
                      static_cast<long long>(s.step), e.metrics["val_loss"], e.metrics["val_ppl"],
                      e.metrics["val_token_acc"], e.metrics["eval_s"], final ? " final" : "");
        s.log << line << std::endl;
        return e.metrics["val_loss"];
    };
    if (!resumed && evalEvery > 0)
        evalEvent(false); // the step-0 baseline

    int64_t stepTokens = 0;
    double stepSeconds = 0.0;
    std::string status = "finished";
    while (s.step < s.totalSteps) {
        while (s.control && s.control->pause && !s.control->stop)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (s.control && s.control->stop) {
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
            trained += micro.back().trainedTokens;
        }
        const double lossValue = accumulateGradients(s.model, micro, c.packing);
        int64_t tokens = 0;
        for (const Batch &b : micro)
            tokens += (b.segmentIds != 0).sum().item<int64_t>();
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
        if (trained > 0)
            s.optimizer->step();
        s.optimizer->zero_grad();
        ++s.step;

        stepSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
        stepTokens += tokens;
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
        e.etaSeconds = stepSeconds / double(std::max<int64_t>(1, s.step - (resumed ? 0 : 0)))
            * double(s.totalSteps - s.step);
        writeMetrics(s, e);
        emit(s, e);

        const bool last = s.step == s.totalSteps;
        if (!last && evalEvery > 0 && s.step % evalEvery == 0)
            evalEvent(false);
        if (!last && checkpointEvery > 0 && s.step % checkpointEvery == 0)
            saveCheckpoint(s);
    }
    TrainResult result;
    if (status == "finished")
        result.finalValLoss = evalEvent(true);
    saveCheckpoint(s);
    result.runDir = s.dir.string();
    result.status = status;
    result.steps = s.step;
    result.lastCheckpoint = s.checkpoints.back();
    result.peakRssBytes = peakRssBytes();
    s.log << "run " << status << " at step " << s.step << "; peak RSS " << result.peakRssBytes / (1 << 20) << " MiB"
          << std::endl;
    return result;
}

void openRunFiles(RunState &s, bool append)
{
    s.log.open(s.dir / "train.log", append ? std::ios::app : std::ios::trunc);
    s.metrics.open(s.dir / "metrics.jsonl", append ? std::ios::app : std::ios::trunc);
    if (!s.log || !s.metrics)
        throw Error(s.dir.string() + ": cannot write the run's log and metrics");
}

} // namespace

TrainResult runTraining(const TrainConfig &config, const TrainCallback &callback, TrainControl *control)
{
    config.validate();
    configureThreads(config.threads, 1);
    RunState s;
    s.config = config;
    s.callback = callback;
    s.control = control;
    s.dir = config.runDir.empty() ? fs::path("runs") / "run" : fs::path(config.runDir);
    if (fs::exists(s.dir / "checkpoints") && !fs::is_empty(s.dir / "checkpoints"))
        throw Error(s.dir.string() + ": already holds a run; resume it with --resume, or choose another run_dir");
    fs::create_directories(s.dir);
    openRunFiles(s, false);
    torch::manual_seed(config.seed);
    prepareModel(s);
    prepareData(s);
    prepareOptimizer(s);
    s.config.runDir = s.dir.string();
    writeFileAtomically((s.dir / "config.json").string(), trainConfigToJson(s.config));
    logLine(s, "model: " + std::to_string(s.model->config().parameterCount()) + " parameters; "
                   + std::to_string(s.totalSteps) + " steps");
    return trainLoop(s, false);
}

TrainResult resumeTraining(const std::string &runDir, const TrainCallback &callback, TrainControl *control,
                           const std::vector<std::string> &overrides)
{
    RunState s;
    s.dir = runDir;
    s.callback = callback;
    s.control = control;
    s.config = trainConfigFromJson(readTextFile((s.dir / "config.json").string()), runDir + "/config.json", overrides);
    configureThreads(s.config.threads, 1);
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

    // The checkpoint is a full model folder: weights and tokenizer come back exactly.
    LoadedModel loaded = loadModel(checkpoint.string());
    s.model = loaded.model;
    s.tokenizer = loaded.tokenizer;
    prepareData(s);
    prepareOptimizer(s);
    torch::serialize::InputArchive archive;
    archive.load_from((checkpoint / "optimizer.pt").string());
    s.optimizer->load(archive);
    const auto state = nlohmann::json::parse(readTextFile((checkpoint / "trainer_state.json").string()));
    s.step = state["step"].get<int64_t>();
    s.position.epoch = state["epoch"].get<int64_t>();
    s.position.index = state["batch_index"].get<int64_t>();
    s.epochBatches = std::make_unique<BatchIterator>(s.data.train, s.batchOptions, s.position.epoch);
    const auto rng = state["torch_rng"].get<std::vector<uint8_t>>();
    at::Generator generator = torch::globalContext().defaultGenerator(torch::kCPU);
    generator.set_state(torch::tensor(rng, torch::kUInt8));
    // Metrics logged after this checkpoint belong to the interrupted attempt: drop them.
    {
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
