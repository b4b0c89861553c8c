#pragma once

#include "train_config.h"
#include "train_event.h"

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tb {

// A run folder, as training writes it:
//
//   config.json       the resolved TrainConfig, written once the run is set up
//   train.log         what happened, for people
//   metrics.jsonl     one TrainEvent (Step or Eval) per line, appended as the run goes
//   run.json          RunSummary, written when the run ends (absent: training, or interrupted)
//   checkpoints/step-00000120/        a loadable model (or PEFT adapter) folder, optimizer.pt and
//                                     trainer_state.json (TrainerState), written last
//   checkpoints/step-00000140.tmp/    a checkpoint being written; never read
//
// RunDirectory is the one reader and writer of these files: every other part of Tunebench
// (the CLI, the Chat, Runs and Train pages) asks it, so "is this a run", "the latest
// checkpoint" and "the best checkpoint" have one definition each.

// checkpoints/step-*/trainer_state.json: what resuming a run exactly needs.
struct TrainerState {
    int64_t step = 0;
    int64_t totalSteps = 0;
    int64_t epoch = 0;      // the data position: batch `batchIndex` of `epoch` comes next
    int64_t batchIndex = 0;
    std::vector<uint8_t> torchRng; // the CPU generator's state
    bool hasEarlyStopping = false; // false in states written before early stopping existed
    std::string earlyStoppingMetric;
    double earlyStoppingBest = 0.0;
    int64_t earlyStoppingBestStep = -1;
    int64_t earlyStoppingBadEvaluations = 0;
    std::string bestCheckpoint; // a folder name under checkpoints/, empty = none
    std::string kind;           // model, lora or classifier
    // Data parallel only (worldSize > 1): every rank's generator, and a hash of each
    // rank's parameters (equal when the replicas are).
    int worldSize = 1;
    std::vector<std::vector<uint8_t>> rankTorchRng;
    std::vector<uint64_t> replicaFingerprints;

    // The generator state rank `rank` resumes with.
    const std::vector<uint8_t> &torchRngOf(int rank) const { return worldSize > 1 ? rankTorchRng.at(size_t(rank)) : torchRng; }
};

// run.json: what a list of runs shows without reading the metrics.
struct RunSummary {
    std::string status; // finished, stopped, early_stopped
    int64_t steps = 0;
    int64_t totalSteps = 0;
    std::map<std::string, double> finalMetrics;
    std::string earlyStoppingMetric;
    bool hasBest = false; // bestStep and bestValue are set
    int64_t bestStep = 0;
    double bestValue = 0.0;
    std::string bestCheckpoint; // the path the run saved it under; empty = none
    std::string lastCheckpoint;
    double peakRssMb = 0.0;
    double estimatedMb = 0.0;
};

struct RunCheckpoint {
    std::string path; // …/checkpoints/step-00000120
    int64_t step = 0;
};

// One line of metrics.jsonl for a Step or Eval event, and back. parseMetricsLine returns
// nothing for a line that is not a complete JSON object (a line still being written).
std::string metricsLine(const TrainEvent &event);
std::optional<TrainEvent> parseMetricsLine(const std::string &line);
// Any event as one JSON line for programs that follow a run (tunebench-cli train --json):
// "event" (step, eval, checkpoint, log), then the metrics line's fields, and for a step
// also total_steps and eta_s.
std::string eventLine(const TrainEvent &event);

class RunDirectory {
public:
    explicit RunDirectory(std::string path);
    const std::string &path() const { return m_path; }

    // A run is a folder with config.json beside metrics.jsonl; a model folder has a
    // config.json too, but never metrics.
    static bool isRun(const std::string &path);
    // `folder` itself when it is a run, else the runs directly inside it, newest first.
    static std::vector<std::string> findRuns(const std::string &folder);
    static std::string checkpointName(int64_t step); // step-00000120

    std::string configPath() const;
    std::string logPath() const;
    std::string metricsPath() const;
    std::string summaryPath() const;
    std::string checkpointsPath() const;

    // Reading. Errors name the file and what is wrong with it.
    TrainConfig readConfig(const std::vector<std::string> &overrides = {}) const;
    // The summary of an ended run; nothing while it trains or when it was interrupted.
    std::optional<RunSummary> readSummary() const;
    // Complete checkpoints (trainer_state.json written), oldest first by step.
    std::vector<RunCheckpoint> checkpoints() const;
    std::optional<RunCheckpoint> latestCheckpoint() const;
    // The checkpoint with the best early-stopping metric, when the run kept one: run.json's
    // once the run ended, else the one the latest checkpoint's state names.
    std::optional<RunCheckpoint> bestCheckpoint() const;
    // What to load to use the run: the best checkpoint, else the latest. Throws tb::Error
    // when none is complete yet.
    std::string weightsToLoad() const;
    TrainerState readTrainerState(const std::string &checkpoint) const;
    // Step and Eval events in file order; torn or foreign lines are passed over.
    std::vector<TrainEvent> readMetrics() const;

    // Writing: only the process that trains the run calls these (rank 0 of a data-parallel job).
    // Creates the folder; refuses one that already holds a checkpoint.
    void create() const;
    void writeConfig(const TrainConfig &config) const;
    void writeSummary(const RunSummary &summary) const;
    void writeTrainerState(const std::string &checkpoint, const TrainerState &state) const;
    // Resuming at `step`: metrics logged after it belong to the interrupted attempt.
    void keepMetricsUpTo(int64_t step) const;
    // A checkpoint is written into stagingFolder(step), then committed by renaming it to
    // checkpointFolder(step): a crash or a full disk leaves the previous checkpoints as they were.
    std::string checkpointFolder(int64_t step) const;
    std::string beginCheckpoint(int64_t step) const; // an empty staging folder
    void abandonCheckpoint(int64_t step) const;
    std::string commitCheckpoint(int64_t step) const;
    void removeCheckpoint(const std::string &checkpoint) const;

private:
    std::string m_path;
};

// The run's two append-only files while it trains: train.log and metrics.jsonl. A
// data-parallel rank other than 0 holds a discarding one, so it runs the same code and
// writes nothing.
class RunJournal {
public:
    enum class Mode { Create, Append, Discard };
    RunJournal(const RunDirectory &run, Mode mode);
    void log(const std::string &line);
    void metrics(const TrainEvent &event);

private:
    bool m_discard = false;
    std::ofstream m_log;
    std::ofstream m_metrics;
};

} // namespace tb
