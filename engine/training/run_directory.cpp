#include "run_directory.h"

#include "crash_point.h"
#include "error.h"
#include "file_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

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

// Leftovers of an interrupted writer: a staging or pruned checkpoint folder, or a
// temporary of AtomicFileWriter (NAME.tmp.<pid>.<random>).
bool isLeftover(const std::string &name)
{
    const auto endsWith = [&](const std::string &suffix) {
        return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return name.find(".tmp.") != std::string::npos || (name.rfind("step-", 0) == 0 && (endsWith(".tmp") || endsWith(".deleting")));
}

// The lines of a text file (none when it does not exist).
std::vector<std::string> readLines(const std::string &path)
{
    std::vector<std::string> lines;
    if (!fs::exists(fs::symlink_status(path)))
        return lines;
    std::istringstream in(readTextFile(path));
    std::string line;
    while (std::getline(in, line))
        lines.push_back(line);
    return lines;
}

// The options that name input files or folders (data, model, tokenizer…).
std::vector<std::string> inputPathKeys()
{
    std::vector<std::string> keys;
    for (const TrainOptionInfo &o : trainOptionInfo())
        if (o.kind == TrainOptionKind::File || o.kind == TrainOptionKind::Folder)
            keys.push_back(o.key);
    return keys;
}

// config.json's extra key: each input path relative to the run folder.
constexpr const char *kPathsFromRun = "paths_from_run";

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
std::string RunDirectory::lockPath() const { return (fs::path(m_path) / "run.lock").string(); }

TrainConfig RunDirectory::readConfig(const std::vector<std::string> &overrides) const
{
    if (!fileExists(configPath())) {
        if (isDirectory(m_path) && fs::exists(fs::path(m_path) / "train.log"))
            throw Error(m_path + ": nothing to resume: the run was interrupted while it was being set up, before its "
                                 "config.json and first checkpoint were written; start it again from your config file");
        throw Error(m_path + ": holds no run (no config.json); nothing to resume");
    }
    const std::string text = readTextFile(configPath());
    Json j = Json::parse(text, nullptr, false);
    if (j.is_object() && j.contains("derived"))
        j.erase("derived"); // readDerived's
    if (j.is_object() && j.contains(kPathsFromRun)) {
        // The run's input paths, relative to the run folder: they hold when the project moved
        // or was copied as a whole; else the absolute path the run started with.
        const Json fromRun = j[kPathsFromRun];
        j.erase(kPathsFromRun);
        if (fromRun.is_object())
            for (const auto &[key, value] : fromRun.items()) {
                if (!value.is_string() || !j.contains(key))
                    continue;
                std::error_code ec;
                const fs::path candidate = fs::absolute(fs::path(m_path) / value.get<std::string>(), ec).lexically_normal();
                if (fs::exists(candidate, ec))
                    j[key] = candidate.string();
            }
        return trainConfigFromJson(j.dump(), configPath(), overrides);
    }
    return trainConfigFromJson(text, configPath(), overrides);
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

std::string RunDirectory::checkpointProblem(const std::string &checkpoint) const
{
    std::error_code ec;
    const fs::path state = fs::path(checkpoint) / "trainer_state.json";
    if (!fs::is_regular_file(fs::symlink_status(state, ec)))
        return "no trainer_state.json (the checkpoint was not finished)";
    nlohmann::json j;
    try {
        j = readJsonFile(state.string());
    } catch (const Error &e) {
        return e.what();
    }
    if (!j.is_object())
        return state.string() + ": not a JSON object";
    if (!j.contains("files") || !j["files"].is_object())
        return {}; // written before checkpoints listed their files
    for (const auto &[name, size] : j["files"].items()) {
        const fs::path file = fs::path(checkpoint) / name;
        const auto status = fs::symlink_status(file, ec);
        if (!fs::is_regular_file(status))
            return file.string() + " is missing";
        const uint64_t actual = fs::file_size(file, ec);
        if (!size.is_number_unsigned() || actual != size.get<uint64_t>())
            return file.string() + " has " + std::to_string(actual) + " bytes, not the " + size.dump()
                + " it was written with (truncated or damaged)";
    }
    return {};
}

namespace {

// The step-<digits> folders under `checkpoints`, oldest first.
std::vector<RunCheckpoint> checkpointFolders(const std::string &checkpoints)
{
    std::vector<RunCheckpoint> found;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(checkpoints, ec)) {
        const int64_t step = checkpointStep(entry.path().filename().string());
        if (step >= 0 && entry.is_directory(ec) && !entry.is_symlink(ec))
            found.push_back({entry.path().string(), step});
    }
    std::sort(found.begin(), found.end(), [](const RunCheckpoint &a, const RunCheckpoint &b) { return a.step < b.step; });
    return found;
}

} // namespace

std::vector<RunCheckpoint> RunDirectory::checkpoints() const
{
    std::vector<RunCheckpoint> complete;
    for (RunCheckpoint &c : checkpointFolders(checkpointsPath()))
        if (checkpointProblem(c.path).empty())
            complete.push_back(std::move(c));
    return complete;
}

std::vector<std::pair<RunCheckpoint, std::string>> RunDirectory::incompleteCheckpoints() const
{
    std::vector<std::pair<RunCheckpoint, std::string>> incomplete;
    for (RunCheckpoint &c : checkpointFolders(checkpointsPath()))
        if (std::string problem = checkpointProblem(c.path); !problem.empty())
            incomplete.emplace_back(std::move(c), std::move(problem));
    return incomplete;
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
        if (j.contains("files"))
            s.files = j["files"].get<std::map<std::string, uint64_t>>();
    } catch (const nlohmann::json::exception &e) {
        // "[json.exception.type_error.302] type must be number, but is string" -> after the "] "
        std::string what = e.what();
        if (const size_t bracket = what.find("] "); bracket != std::string::npos)
            what = what.substr(bracket + 2);
        throw Error(file + ": " + what + " (a field is missing or has the wrong type; the checkpoint is damaged)");
    }
    if (s.step < 0 || s.epoch < 0 || s.batchIndex < 0 || s.worldSize < 1 || s.totalSteps < 0)
        throw Error(file + ": step, total_steps, epoch and batch_index must be 0 or more, world_size 1 or more");
    // step-00000120 holds step 120: a state copied or edited into another folder is not resumed.
    const int64_t folderStep = checkpointStep(fs::path(checkpoint).filename().string());
    if (folderStep >= 0 && folderStep != s.step)
        throw Error(file + ": says step " + std::to_string(s.step) + " but its folder is "
                    + fs::path(checkpoint).filename().string() + "; the checkpoint is damaged");
    if (s.torchRng.empty())
        throw Error(file + ": torch_rng is empty; the checkpoint is damaged");
    if (s.worldSize > 1 && s.rankTorchRng.size() != size_t(s.worldSize))
        throw Error(file + ": holds " + std::to_string(s.rankTorchRng.size()) + " ranks' generator states for a run of "
                    + std::to_string(s.worldSize));
    return s;
}

std::vector<TrainEvent> RunDirectory::readMetrics() const
{
    std::vector<TrainEvent> events;
    for (const std::string &line : readLines(metricsPath()))
        if (auto e = parseMetricsLine(line))
            events.push_back(std::move(*e));
    return events;
}

std::string RunDirectory::writer() const
{
    return FileLock::holderOf(lockPath());
}

std::unique_ptr<FileLock> RunDirectory::lockForWriting() const
{
    std::string holder;
    std::unique_ptr<FileLock> lock = FileLock::tryAcquire(lockPath(), &holder);
    if (!lock)
        throw Error(m_path + ": another process is writing this run (" + holder + ", " + lockPath()
                    + "); wait for it to end or stop it first");
    // Entries Tunebench writes are created, never followed: a link among them is refused.
    std::error_code ec;
    for (const std::string &folder : {m_path, checkpointsPath()}) {
        for (const auto &entry : fs::directory_iterator(folder, ec)) {
            if (entry.is_symlink(ec))
                throw Error(entry.path().string() + ": is a symbolic link; a run folder holds only what Tunebench "
                                                    "wrote, and it does not write through links (remove the link)");
            if (folder == checkpointsPath() && checkpointStep(entry.path().filename().string()) >= 0)
                for (const auto &file : fs::directory_iterator(entry.path(), ec))
                    if (file.is_symlink(ec))
                        throw Error(file.path().string() + ": is a symbolic link; a checkpoint holds only what "
                                                           "Tunebench wrote (remove the link)");
        }
    }
    // What an interrupted writer left: its staging and pruned folders, its temporaries.
    for (const std::string &folder : {m_path, checkpointsPath()})
        for (const auto &entry : fs::directory_iterator(folder, ec))
            if (isLeftover(entry.path().filename().string()))
                fs::remove_all(entry.path(), ec);
    return lock;
}

std::unique_ptr<FileLock> RunDirectory::create() const
{
    createFolder(m_path);
    std::unique_ptr<FileLock> lock = lockForWriting();
    const auto existing = checkpoints();
    std::error_code ec;
    if (!existing.empty() || (fs::is_directory(checkpointsPath(), ec) && !fs::is_empty(checkpointsPath(), ec)))
        throw Error(m_path + ": already holds a run; resume it with --resume, or choose another run_dir");
    return lock;
}

RunDerived RunDirectory::readDerived() const
{
    RunDerived derived;
    const Json j = readJsonFile(configPath());
    if (!j.is_object() || !j.contains("derived") || !j["derived"].is_object())
        return derived;
    const Json &d = j["derived"];
    if (d.contains("chat_template") && d["chat_template"].is_string()) {
        derived.chatTemplate = enumFromName<ChatTemplateKind>(d["chat_template"].get<std::string>());
        if (!derived.chatTemplate)
            throw Error(configPath() + ": derived chat_template '" + d["chat_template"].get<std::string>()
                        + "' is not one of " + enumNameList<ChatTemplateKind>());
    }
    return derived;
}

void RunDirectory::writeConfig(const TrainConfig &config, const RunDerived &derived) const
{
    // Input paths are stored absolute, and again relative to the run folder (paths_from_run),
    // so a resume finds them from any working directory and after the project moved.
    Json j = Json::parse(trainConfigToJson(config));
    Json fromRun = Json::object();
    std::error_code ec;
    const fs::path run = fs::absolute(m_path, ec).lexically_normal();
    for (const std::string &key : inputPathKeys()) {
        if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty())
            continue;
        const fs::path absolute = fs::absolute(j[key].get<std::string>(), ec).lexically_normal();
        j[key] = absolute.string();
        fromRun[key] = absolute.lexically_relative(run).string();
    }
    if (j.contains("run_dir") && j["run_dir"].is_string() && !j["run_dir"].get<std::string>().empty())
        j["run_dir"] = run.string();
    j[kPathsFromRun] = fromRun;
    Json d = Json::object();
    if (derived.chatTemplate)
        d["chat_template"] = enumName(*derived.chatTemplate);
    j["derived"] = d;
    writeFileAtomically(configPath(), j.dump(2) + "\n");
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
    // Every other file of the checkpoint with its size, as it is now (written last).
    Json files = Json::object();
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(checkpoint, ec)) {
        const std::string name = entry.path().filename().string();
        if (name != "trainer_state.json" && !isLeftover(name) && entry.is_regular_file(ec) && !entry.is_symlink(ec))
            files[name] = uint64_t(entry.file_size(ec));
    }
    j["files"] = files;
    writeFileAtomically((fs::path(checkpoint) / "trainer_state.json").string(), j.dump() + "\n");
}

void RunDirectory::keepMetricsUpTo(int64_t step) const
{
    std::string kept;
    for (const std::string &line : readLines(metricsPath())) {
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
    std::error_code ec;
    fs::remove_all(staging, ec);
    createFolder(staging);
    return staging;
}

void RunDirectory::abandonCheckpoint(int64_t step) const
{
    std::error_code ec;
    fs::remove_all(checkpointFolder(step) + ".tmp", ec);
}

namespace {

// Renames `folder` out of the way (one atomic step), then deletes it.
void removeFolderSafely(const std::string &folder)
{
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(folder, ec)))
        return;
    const std::string doomed = folder + ".deleting";
    fs::remove_all(doomed, ec);
    fs::rename(folder, doomed, ec);
    if (ec)
        throw Error(folder + ": cannot remove the checkpoint (" + ec.message() + ")");
    syncFolder(fs::path(folder).parent_path().string());
    crashPoint("pruning");
    // File by file, so that a kill can land half-way (the kill tests' "pruning-partial").
    std::vector<fs::path> files;
    for (const auto &entry : fs::directory_iterator(doomed, ec))
        files.push_back(entry.path());
    for (const fs::path &file : files) {
        fs::remove_all(file, ec);
        crashPoint("pruning-partial");
    }
    fs::remove_all(doomed, ec);
}

} // namespace

std::string RunDirectory::commitCheckpoint(int64_t step) const
{
    const std::string final = checkpointFolder(step);
    removeFolderSafely(final);
    std::error_code ec;
    fs::rename(final + ".tmp", final, ec);
    if (ec)
        throw Error(final + ": cannot commit the checkpoint (" + ec.message() + ")");
    crashPoint("checkpoint-committed");
    syncFolder(checkpointsPath());
    return final;
}

void RunDirectory::removeCheckpoint(const std::string &checkpoint) const
{
    removeFolderSafely(checkpoint);
}

RunJournal::RunJournal(const RunDirectory &run, Mode mode)
{
    if (mode == Mode::Discard)
        return;
    const auto open = mode == Mode::Append ? AppendOnlyFile::Open::Append : AppendOnlyFile::Open::Truncate;
    m_log = std::make_unique<AppendOnlyFile>(run.logPath(), open);
    m_metrics = std::make_unique<AppendOnlyFile>(run.metricsPath(), open);
}

void RunJournal::log(const std::string &line)
{
    if (!m_log)
        return;
    try {
        m_log->appendLine(line);
    } catch (const Error &e) {
        throw JournalError(e.what());
    }
}

void RunJournal::metrics(const TrainEvent &event)
{
    if (!m_metrics)
        return;
    try {
        m_metrics->appendLine(metricsLine(event));
    } catch (const Error &e) {
        throw JournalError(e.what());
    }
}

} // namespace tb
