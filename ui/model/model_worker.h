#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "snapshot_ptr.h"

namespace tb {
struct ModelWorkerState;
}

// Loads models for the Model page on its own thread (with progress and cancel) and hands a
// loaded model with a tokenizer on as an immutable snapshot, which the Chat page talks to:
// one copy in memory, shared. Only SnapshotPtr crosses over; the rest is plain values.
class ModelWorker : public QObject {
    Q_OBJECT

public:
    ModelWorker();
    ~ModelWorker() override;

    // Safe from any thread: takes effect within one tensor.
    void requestStop() { m_stop = true; }
    // Loading has its own cancel flag, armed by the GUI before it requests a load (so a
    // Cancel pressed before the worker starts the load still counts) and set by Cancel.
    void armLoad() { m_cancelLoad = false; }
    void cancelLoad() { m_cancelLoad = true; }

public Q_SLOTS:
    void load(const QString &path, const QString &tokenizerPath, bool bf16);

Q_SIGNALS:
    void loadProgress(int percent, const QString &tensor);
    // Nothing changed: the model loaded before (if any) is still the one in use.
    void loadCancelled();
    void loaded(const QString &modelCardHtml, bool hasTokenizer);
    void loadFailed(const QString &message);
    // After `loaded`, for a model with a tokenizer: the model to chat with.
    void modelReady(const SnapshotPtr &model, const QString &label);

private:
    std::unique_ptr<tb::ModelWorkerState> d;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_cancelLoad{false};
};
