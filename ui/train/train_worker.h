#pragma once

#include "train_events.h"

#include <QObject>
#include <QString>

#include <memory>

namespace tb {
struct ModelSnapshot;
struct TrainControl;
}

// Runs one training run (tb::runTraining / resumeTraining) on its own thread and reports
// every event as a queued signal carrying plain values. Pause, resume and stop are atomic
// flags the trainer reads at each step boundary, safe to set from the GUI thread.
class TrainWorker : public TrainReporter {
    Q_OBJECT

public:
    TrainWorker();
    ~TrainWorker() override;

    void setPaused(bool paused);
    void requestStop();
    // Chat with the run in progress: ask for a copy of the weights at the next step boundary
    // (at once while paused); latestSnapshot() holds it once the trainer has published it.
    void requestSnapshot();
    std::shared_ptr<const tb::ModelSnapshot> latestSnapshot() const;

public Q_SLOTS:
    // configJson: every option, as tb::trainConfigFromJson reads it.
    void start(const QString &configJson);
    void resume(const QString &runDir);

private:
    void run(bool resume, const QString &argument);

    std::unique_ptr<tb::TrainControl> m_control;
};
