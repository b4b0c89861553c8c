#pragma once

#include "error.h"
#include "file_lock.h"
#include "file_util.h"
#include "train_config.h"
#include "train_event.h"

#include <cstdint>
#include <map>
#include <memory>
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
//   checkpoints/step-00000100.deleting/  a checkpoint being pruned; never read
//   run.lock          flock'ed by the one process that writes the run; names its pid and host
//
// RunDirectory is the one reader and writer of these files: every other part of Tunebench
// (the CLI, the Chat, Runs and Train pages) asks it, so "is this a run", "the latest
// checkpoint" and "the best checkpoint" have one definition each. What a crash can leave
// and what a resume restores is written down in docs/RELIABILITY.md.

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
    // The checkpoint's other files and their sizes, filled by writeTrainerState: a file
    // missing or of another size (truncated, half pruned) makes the checkpoint incomplete.
    // Empty in states written before it existed.
    std::map<std::string, uint64_t> files;

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

// What the first start of a run derived instead of reading it from the config, stored in
// config.json ("derived") so that a resume does not derive it again, differently.
struct RunDerived {
    // The chat template the data was rendered with: the config's, else the one the model's
    // tokenizer_config.json names (a LoRA resume once lost it and trained on another).
    std::optional<ChatTemplateKind> chatTemplate;
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

    std::string lockPath() const;

    // Reading. Errors name the file and what is wrong with it.
    // config.json with its input paths found from the run folder first (a project moved or
    // copied as a whole), else where they were when the run started; then `overrides`.
    TrainConfig readConfig(const std::vector<std::string> &overrides = {}) const;
    RunDerived readDerived() const; // empty for runs written before it was stored
    // The summary of an ended run; nothing while it trains or when it was interrupted.
    std::optional<RunSummary> readSummary() const;
    // Complete checkpoints, oldest first by step: trainer_state.json written, and every file it
    // lists there with its size.
    std::vector<RunCheckpoint> checkpoints() const;
    // Why a step-* folder is not a complete checkpoint ("" when it is one).
    std::string checkpointProblem(const std::string &checkpoint) const;
    // step-* folders that are not complete checkpoints, with the reason, oldest first.
    std::vector<std::pair<RunCheckpoint, std::string>> incompleteCheckpoints() const;
    std::optional<RunCheckpoint> latestCheckpoint() const;
    // The checkpoint with the best early-stopping metric, when the run kept one: run.json's
    // once the run ended, else the one the latest checkpoint's state names.
    std::optional<RunCheckpoint> bestCheckpoint() const;
    // What to load to use the run: the best checkpoint, else the latest. Throws tb::Error
    // when none is complete yet.
    std::string weightsToLoad() const;
    // Checks that the state belongs to its folder (step-N holds step N).
    TrainerState readTrainerState(const std::string &checkpoint) const;
    // Step and Eval events in file order; torn or foreign lines are passed over.
    std::vector<TrainEvent> readMetrics() const;

    // The process writing this run now ("pid 123 host box"), or "" when none is.
    std::string writer() const;

    // Writing: only the process that holds the run's lock calls these (rank 0 of a
    // data-parallel job; see lockForWriting).
    // Takes run.lock for as long as the returned lock lives; throws tb::Error naming the
    // holder when another process writes the run. Then refuses a run folder in which an
    // entry Tunebench writes is a symbolic link, and removes what an interrupted writer
    // left (staging and pruned checkpoint folders, temporaries).
    std::unique_ptr<FileLock> lockForWriting() const;
    // Creates the folder; refuses one that already holds a checkpoint. Returns the lock.
    std::unique_ptr<FileLock> create() const;
    void writeConfig(const TrainConfig &config, const RunDerived &derived = {}) const;
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
    // Renames the folder out of the checkpoints first, then deletes it: a crash part-way
    // leaves a .deleting folder, never a half-deleted checkpoint that counts as complete.
    void removeCheckpoint(const std::string &checkpoint) const;

private:
    std::string m_path;
};

// A line of train.log or metrics.jsonl could not be written (a full disk): the run stops.
class JournalError : public Error {
public:
    using Error::Error;
};

// The run's two append-only files while it trains: train.log and metrics.jsonl. A
// data-parallel rank other than 0 holds a discarding one, so it runs the same code and
// writes nothing. Every line is written whole or not at all; a write that fails (a full
// disk) throws JournalError naming the file and the reason, and the run stops there: it
// never goes on with a metrics file that misses lines.
class RunJournal {
public:
    enum class Mode { Create, Append, Discard };
    RunJournal(const RunDirectory &run, Mode mode);
    void log(const std::string &line);
    void metrics(const TrainEvent &event);

private:
    std::unique_ptr<AppendOnlyFile> m_log;
    std::unique_ptr<AppendOnlyFile> m_metrics;
};

} // namespace tb
