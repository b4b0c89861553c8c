#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace tb {
struct ModelSnapshot;
struct ModelWorkerState;
}
using SnapshotPtr = std::shared_ptr<const tb::ModelSnapshot>;
Q_DECLARE_METATYPE(SnapshotPtr)

// Owns the loaded model and runs every slow engine call (loading, generation) on its own
// thread. The GUI talks to it only through queued signals; no engine type crosses over.
class ModelWorker : public QObject {
    Q_OBJECT

public:
    ModelWorker();
    ~ModelWorker() override;

    // Safe from any thread: takes effect within one token / one tensor.
    void requestStop() { m_stop = true; }
    // Loading has its own cancel flag, armed by the GUI before it requests a load (so a
    // Cancel pressed before the worker starts the load still counts) and set by Cancel.
    void armLoad() { m_cancelLoad = false; }
    void cancelLoad() { m_cancelLoad = true; }

public Q_SLOTS:
    void load(const QString &path, const QString &tokenizerPath, bool bf16);
    void chat(const QString &userText, const QString &systemPrompt, double temperature, int maxNewTokens);
    void resetChat();
    // Chat with the weights of a run in progress (an immutable copy; the run goes on).
    void useSnapshot(const SnapshotPtr &snapshot);

Q_SIGNALS:
    void loadProgress(int percent, const QString &tensor);
    // Nothing changed: the model loaded before (if any) is still the one in use.
    void loadCancelled();
    void loaded(const QString &modelCardHtml, bool hasTokenizer);
    void loadFailed(const QString &message);
    void tokenArrived(const QString &text);
    void replyFinished(double tokensPerSecond, const QString &stopReason, int droppedTurns);
    void replyFailed(const QString &message);
    void snapshotInUse(qint64 step);

private:
    std::unique_ptr<tb::ModelWorkerState> d;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_cancelLoad{false};
};
