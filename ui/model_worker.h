#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace tb {
struct ModelWorkerState;
}

// Owns the loaded model and runs every slow engine call (loading, generation) on its own
// thread. The GUI talks to it only through queued signals; no engine type crosses over.
class ModelWorker : public QObject {
    Q_OBJECT

public:
    ModelWorker();
    ~ModelWorker() override;

    // Safe from any thread: takes effect within one token / one tensor.
    void requestStop() { m_stop = true; }

public Q_SLOTS:
    void load(const QString &path, const QString &tokenizerPath, bool bf16);
    void chat(const QString &userText, const QString &systemPrompt, double temperature, int maxNewTokens);
    void resetChat();

Q_SIGNALS:
    void loadProgress(int percent, const QString &tensor);
    void loaded(const QString &modelCardHtml, bool hasTokenizer);
    void loadFailed(const QString &message);
    void tokenArrived(const QString &text);
    void replyFinished(double tokensPerSecond, const QString &stopReason, int droppedTurns);
    void replyFailed(const QString &message);

private:
    std::unique_ptr<tb::ModelWorkerState> d;
    std::atomic<bool> m_stop{false};
};
