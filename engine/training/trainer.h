#pragma once

#include "train_config.h"
#include "train_event.h"

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
