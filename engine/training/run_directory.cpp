#include "run_directory.h"

#include "error.h"
#include "file_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace tb {

namespace {

using Json = nlohmann::ordered_json;

constexpr double kMiB = 1024.0 * 1024.0;

// Parses a JSON file of the run; an error names the file.
nlohmann::json readJsonFile(const std::string &path)
{
    const std::string text = readTextFile(path);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        throw Error(path + ": not valid JSON (" + e.what() + ")");
    }
}

// The step of a folder named step-<digits>; -1 for any other name (a .tmp folder among them).
int64_t checkpointStep(const std::string &name)
{
    const std::string prefix = "step-";
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 || name.size() > prefix.size() + 18)
        return -1;
    int64_t step = 0;
    for (size_t i = prefix.size(); i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        step = step * 10 + (name[i] - '0');
    }
    return step;
}

} // namespace

namespace {

Json metricsJson(const TrainEvent &e)
{
    Json j;
    j["step"] = e.step;
    j["epoch"] = e.epoch;
    if (e.kind == TrainEvent::Kind::Step) {
        j["loss"] = e.loss;
        j["lr"] = e.learningRate;
        j["grad_norm"] = e.gradNorm;
        j["tokens_per_s"] = e.tokensPerSecond;
        j["rss_mb"] = double(e.rssBytes) / kMiB;
    }
    for (const auto &[k, v] : e.metrics)
        j[k] = v;
    if (e.best)
        j["best"] = true;
    j["elapsed_s"] = e.elapsedSeconds;
    if (e.final)
        j["final"] = true;
    return j;
}

} // namespace

std::string metricsLine(const TrainEvent &e)
{
    return metricsJson(e).dump();
}

std::string eventLine(const TrainEvent &e)
{
    Json j;
    switch (e.kind) {
    case TrainEvent::Kind::Step:
        j["event"] = "step";
        j.update(metricsJson(e));
        j["total_steps"] = e.totalSteps;
        j["eta_s"] = e.etaSeconds;
        break;
    case TrainEvent::Kind::Eval:
        j["event"] = "eval";
        j.update(metricsJson(e));
        break;
    case TrainEvent::Kind::Checkpoint:
        j = {{"event", "checkpoint"}, {"step", e.step}, {"path", e.message}};
        break;
    case TrainEvent::Kind::Log:
        j = {{"event", "log"}, {"step", e.step}, {"message", e.message}};
        break;
    }
    return j.dump();
}

std::optional<TrainEvent> parseMetricsLine(const std::string &line)
{
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("step") || !j["step"].is_number())
        return std::nullopt;
    TrainEvent e;
    e.step = j["step"].get<int64_t>();
    const auto number = [&](const char *key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0; };
    e.epoch = int64_t(number("epoch"));
    e.elapsedSeconds = number("elapsed_s");
    if (j.contains("loss")) {
        e.kind = TrainEvent::Kind::Step;
        e.loss = number("loss");
        e.learningRate = number("lr");
        e.gradNorm = number("grad_norm");
        e.tokensPerSecond = number("tokens_per_s");
        e.rssBytes = (long long)(number("rss_mb") * kMiB);
        return e;
    }
    e.kind = TrainEvent::Kind::Eval;
    for (const auto &[key, value] : j.items())
        if (value.is_number() && key != "step" && key != "epoch" && key != "elapsed_s")
            e.metrics[key] = value.get<double>();
    e.best = j.value("best", false);
    e.final = j.value("final", false);
    return e;
}

RunDirectory::RunDirectory(std::string path) : m_path(std::move(path)) {}

bool RunDirectory::isRun(const std::string &path)
{
    std::error_code ec;
    return fs::is_regular_file(fs::path(path) / "config.json", ec) && fs::is_regular_file(fs::path(path) / "metrics.jsonl", ec);
}

std::vector<std::string> RunDirectory::findRuns(const std::string &folder)
{
    if (isRun(folder))
        return {folder};
    std::vector<std::pair<fs::file_time_type, std::string>> found;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(folder, ec))
        if (entry.is_directory(ec) && isRun(entry.path().string()))
            found.emplace_back(fs::last_write_time(entry.path() / "config.json", ec), entry.path().string());
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    std::vector<std::string> runs;
    for (auto &f : found)
        runs.push_back(std::move(f.second));
    return runs;
}

std::string RunDirectory::checkpointName(int64_t step)
{
    char name[32];
    std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
    return name;
}

std::string RunDirectory::configPath() const { return (fs::path(m_path) / "config.json").string(); }
std::string RunDirectory::logPath() const { return (fs::path(m_path) / "train.log").string(); }
std::string RunDirectory::metricsPath() const { return (fs::path(m_path) / "metrics.jsonl").string(); }
std::string RunDirectory::summaryPath() const { return (fs::path(m_path) / "run.json").string(); }
std::string RunDirectory::checkpointsPath() const { return (fs::path(m_path) / "checkpoints").string(); }

TrainConfig RunDirectory::readConfig(const std::vector<std::string> &overrides) const
{
    if (!fileExists(configPath()))
        throw Error(m_path + ": holds no run (no config.json); nothing to resume");
    return trainConfigFromJson(readTextFile(configPath()), configPath(), overrides);
}

std::optional<RunSummary> RunDirectory::readSummary() const
{
    if (!fileExists(summaryPath()))
        return std::nullopt;
    const nlohmann::json j = readJsonFile(summaryPath());
    try {
        RunSummary s;
        s.status = j.at("status").get<std::string>();
        s.steps = j.value("steps", int64_t(0));
        s.totalSteps = j.value("total_steps", int64_t(0));
        if (j.contains("final_metrics"))
            for (const auto &[k, v] : j["final_metrics"].items())
                if (v.is_number())
                    s.finalMetrics[k] = v.get<double>();
        s.earlyStoppingMetric = j.value("early_stopping_metric", "");
        s.hasBest = j.contains("best_step");
        s.bestStep = j.value("best_step", int64_t(0));
        s.bestValue = j.value("best_value", 0.0);
        s.bestCheckpoint = j.value("best_checkpoint", "");
        s.lastCheckpoint = j.value("last_checkpoint", "");
        s.peakRssMb = j.value("peak_rss_mb", 0.0);
        s.estimatedMb = j.value("estimated_mb", 0.0);
        return s;
    } catch (const nlohmann::json::exception &e) {
        throw Error(summaryPath() + ": " + e.what());
    }
}

std::vector<RunCheckpoint> RunDirectory::checkpoints() const
{
    std::vector<RunCheckpoint> found;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(checkpointsPath(), ec)) {
        const int64_t step = checkpointStep(entry.path().filename().string());
        if (step >= 0 && entry.is_directory(ec) && fs::is_regular_file(entry.path() / "trainer_state.json", ec))
            found.push_back({entry.path().string(), step});
    }
    std::sort(found.begin(), found.end(), [](const RunCheckpoint &a, const RunCheckpoint &b) { return a.step < b.step; });
    return found;
}

std::optional<RunCheckpoint> RunDirectory::latestCheckpoint() const
{
    const auto all = checkpoints();
    if (all.empty())
        return std::nullopt;
    return all.back();
}

std::optional<RunCheckpoint> RunDirectory::bestCheckpoint() const
{
    const auto all = checkpoints();
    if (all.empty())
        return std::nullopt;
    // By folder name: the run may have moved since it recorded the path.
    std::string name;
    if (const auto summary = readSummary())
        name = fs::path(summary->bestCheckpoint).filename().string();
    else
        name = readTrainerState(all.back().path).bestCheckpoint;
    for (const RunCheckpoint &c : all)
        if (!name.empty() && fs::path(c.path).filename() == name)
            return c;
    return std::nullopt;
}

std::string RunDirectory::weightsToLoad() const
{
    if (const auto best = bestCheckpoint())
        return best->path;
    if (const auto latest = latestCheckpoint())
        return latest->path;
    throw Error(m_path + ": the run holds no complete checkpoint yet");
}

TrainerState RunDirectory::readTrainerState(const std::string &checkpoint) const
{
    const std::string file = (fs::path(checkpoint) / "trainer_state.json").string();
    const nlohmann::json j = readJsonFile(file);
    TrainerState s;
    try {
        s.step = j.at("step").get<int64_t>();
        s.totalSteps = j.value("total_steps", int64_t(0));
        s.epoch = j.at("epoch").get<int64_t>();
        s.batchIndex = j.at("batch_index").get<int64_t>();
        s.torchRng = j.at("torch_rng").get<std::vector<uint8_t>>();
        if (j.contains("early_stopping")) {
            const auto &es = j["early_stopping"];
            s.hasEarlyStopping = true;
            s.earlyStoppingMetric = es.value("metric", "");
            s.earlyStoppingBest = es.at("best").get<double>();
            s.earlyStoppingBestStep = es.at("best_step").get<int64_t>();
            s.earlyStoppingBadEvaluations = es.at("bad_evaluations").get<int64_t>();
        }
        s.bestCheckpoint = j.value("best_checkpoint", "");
        s.kind = j.value("kind", "");
        s.worldSize = j.value("world_size", 1);
        if (j.contains("rank_torch_rng"))
            s.rankTorchRng = j["rank_torch_rng"].get<std::vector<std::vector<uint8_t>>>();
        if (j.contains("replica_fingerprints"))
            s.replicaFingerprints = j["replica_fingerprints"].get<std::vector<uint64_t>>();
    } catch (const nlohmann::json::exception &e) {
        throw Error(file + ": " + e.what());
    }
    if (s.step < 0 || s.epoch < 0 || s.batchIndex < 0 || s.worldSize < 1)
        throw Error(file + ": step, epoch and batch_index must be 0 or more, world_size 1 or more");
    if (s.worldSize > 1 && s.rankTorchRng.size() != size_t(s.worldSize))
        throw Error(file + ": holds " + std::to_string(s.rankTorchRng.size()) + " ranks' generator states for a run of "
                    + std::to_string(s.worldSize));
    return s;
}

std::vector<TrainEvent> RunDirectory::readMetrics() const
{
    std::vector<TrainEvent> events;
    std::ifstream in(metricsPath());
    std::string line;
    while (std::getline(in, line))
        if (auto e = parseMetricsLine(line))
            events.push_back(std::move(*e));
    return events;
}

void RunDirectory::create() const
{
    const auto existing = checkpoints();
    std::error_code ec;
    if (!existing.empty() || (fs::is_directory(checkpointsPath(), ec) && !fs::is_empty(checkpointsPath(), ec)))
        throw Error(m_path + ": already holds a run; resume it with --resume, or choose another run_dir");
    createFolder(m_path);
}

void RunDirectory::writeConfig(const TrainConfig &config) const
{
    writeFileAtomically(configPath(), trainConfigToJson(config));
}

void RunDirectory::writeSummary(const RunSummary &s) const
{
    Json j;
    j["status"] = s.status;
    j["steps"] = s.steps;
    j["total_steps"] = s.totalSteps;
    j["final_metrics"] = s.finalMetrics;
    j["early_stopping_metric"] = s.earlyStoppingMetric;
    if (s.hasBest) {
        j["best_step"] = s.bestStep;
        j["best_value"] = s.bestValue;
    }
    j["best_checkpoint"] = s.bestCheckpoint;
    j["last_checkpoint"] = s.lastCheckpoint;
    j["peak_rss_mb"] = s.peakRssMb;
    j["estimated_mb"] = s.estimatedMb;
    writeFileAtomically(summaryPath(), j.dump(2) + "\n");
}

void RunDirectory::writeTrainerState(const std::string &checkpoint, const TrainerState &s) const
{
    Json j;
    j["step"] = s.step;
    j["total_steps"] = s.totalSteps;
    j["epoch"] = s.epoch;
    j["batch_index"] = s.batchIndex;
    j["torch_rng"] = s.torchRng;
    j["early_stopping"] = {{"metric", s.earlyStoppingMetric},
                           {"best", s.earlyStoppingBest},
                           {"best_step", s.earlyStoppingBestStep},
                           {"bad_evaluations", s.earlyStoppingBadEvaluations}};
    j["best_checkpoint"] = s.bestCheckpoint;
    j["kind"] = s.kind;
    if (s.worldSize > 1) {
        j["world_size"] = s.worldSize;
        j["rank_torch_rng"] = s.rankTorchRng;
        j["replica_fingerprints"] = s.replicaFingerprints;
    }
    writeFileAtomically((fs::path(checkpoint) / "trainer_state.json").string(), j.dump() + "\n");
}

void RunDirectory::keepMetricsUpTo(int64_t step) const
{
    std::ifstream in(metricsPath());
    std::string line, kept;
    while (std::getline(in, line)) {
        const auto e = parseMetricsLine(line);
        if (e && e->step <= step && !e->final)
            kept += line + "\n";
    }
    writeFileAtomically(metricsPath(), kept);
}

std::string RunDirectory::checkpointFolder(int64_t step) const
{
    return (fs::path(checkpointsPath()) / checkpointName(step)).string();
}

std::string RunDirectory::beginCheckpoint(int64_t step) const
{
    const std::string staging = checkpointFolder(step) + ".tmp";
    createFolder(checkpointsPath());
    fs::remove_all(staging);
    createFolder(staging);
    return staging;
}

void RunDirectory::abandonCheckpoint(int64_t step) const
{
    std::error_code ec;
    fs::remove_all(checkpointFolder(step) + ".tmp", ec);
}

std::string RunDirectory::commitCheckpoint(int64_t step) const
{
    const std::string final = checkpointFolder(step);
    fs::remove_all(final);
    fs::rename(final + ".tmp", final);
    return final;
}

void RunDirectory::removeCheckpoint(const std::string &checkpoint) const
{
    fs::remove_all(checkpoint);
}

RunJournal::RunJournal(const RunDirectory &run, Mode mode) : m_discard(mode == Mode::Discard)
{
    if (m_discard)
        return;
    const auto openMode = mode == Mode::Append ? std::ios::app : std::ios::trunc;
    m_log.open(run.logPath(), openMode);
    m_metrics.open(run.metricsPath(), openMode);
    if (!m_log || !m_metrics)
        throw Error(run.path() + ": cannot write the run's log and metrics");
}

void RunJournal::log(const std::string &line)
{
    if (!m_discard)
        m_log << line << std::endl;
}

void RunJournal::metrics(const TrainEvent &event)
{
    if (!m_discard)
        m_metrics << metricsLine(event) << std::endl;
}

} // namespace tb
