#pragma once

#include "train_config.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace tb {

struct ModelSnapshot;

// Pause, resume and stop from any thread; each takes effect within one optimizer step.
struct TrainControl {
    std::atomic<bool> stop{false};
    std::atomic<bool> pause{false};

    // Chatting with the run in progress: set snapshotRequested from any thread; at its next
    // step boundary (or at once while paused) the trainer publishes an immutable copy of
    // the weights (LoRA: of the adapters) and clears the request. Nothing is written to
    // disk and the run does not stop. Language-model runs only.
    std::atomic<bool> snapshotRequested{false};
    std::shared_ptr<const ModelSnapshot> latestSnapshot() const
    {
        std::lock_guard<std::mutex> lock(m_snapshotMutex);
        return m_snapshot;
    }
    void publishSnapshot(std::shared_ptr<const ModelSnapshot> snapshot)
    {
        std::lock_guard<std::mutex> lock(m_snapshotMutex);
        m_snapshot = std::move(snapshot);
    }

private:
    mutable std::mutex m_snapshotMutex;
    std::shared_ptr<const ModelSnapshot> m_snapshot;
};

struct TrainEvent {
    enum class Kind { Log, Step, Eval, Checkpoint };
    Kind kind = Kind::Log;
    int64_t step = 0;  // optimizer steps done
    int64_t totalSteps = 0;
    int64_t epoch = 0;
    double loss = 0.0; // mean over the step's trained tokens
    double learningRate = 0.0;
    double gradNorm = 0.0; // before clipping
    double tokensPerSecond = 0.0;
    double elapsedSeconds = 0.0;
    double etaSeconds = 0.0;
    long long rssBytes = 0;            // memory in use now (Step)
    // Eval: val_loss, val_ppl, val_token_acc (LM) or accuracy, macro_f1, … (classification),
    // check_pass_rate and checks_s with dialogue checks, eval_s.
    std::map<std::string, double> metrics;
    bool best = false;                 // Eval: the best value of the early-stopping metric so far
    bool final = false;                    // the run's last evaluation
    std::string message;                   // Log and Checkpoint: what happened
};

// Called on the training thread; keep it short (queue to a GUI, print to a terminal).
using TrainCallback = std::function<void(const TrainEvent &)>;

struct TrainResult {
    std::string runDir;
    std::string status; // finished, stopped, early_stopped
    int64_t steps = 0;
    double finalValLoss = 0.0;
    std::map<std::string, double> finalMetrics;
    std::string lastCheckpoint;
    std::string bestCheckpoint;   // empty when keep_best is off or no evaluation ran
    long long peakRssBytes = 0;
    long long estimatedBytes = 0; // the memory estimate the run was admitted with
};

// Runs a training described by `config` in config.runDir (created; it must not already
// hold a run). Throws tb::Error for bad data or config, and for a NaN/Inf loss (naming the
// step; the last good checkpoint stays). Callable from any thread; never touches Qt.
TrainResult runTraining(const TrainConfig &config, const TrainCallback &callback, TrainControl *control = nullptr);

// Continues the run in `runDir` from its last checkpoint, exactly where it stopped.
TrainResult resumeTraining(const std::string &runDir, const TrainCallback &callback, TrainControl *control = nullptr,
                           const std::vector<std::string> &overrides = {});

} // namespace tb
