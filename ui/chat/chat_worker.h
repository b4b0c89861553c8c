#pragma once

#include "chat_types.h"
#include "snapshot_ptr.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace tb {
struct ChatWorkerState;
}

// One chat pane's engine side, on its own thread: owns the tb::ChatSession (history,
// template, dropping old turns) and the model it talks to. Only SnapshotPtr and Qt value
// types cross to the widgets; every engine call happens in these slots.
class ChatWorker : public QObject {
    Q_OBJECT

public:
    ChatWorker();
    ~ChatWorker() override;

    // Safe from any thread: ends the reply (or load) in progress within one token / tensor.
    void requestStop() { m_stop = true; }

public Q_SLOTS:
    // Talks to `model` from now on, continuing `history` with it.
    void useModel(const SnapshotPtr &model, const ChatTurns &history, int request);
    // Loads a model file or folder, a checkpoint or a run (its best, else last, checkpoint;
    // LoRA merged over its base), then talks to it.
    void loadModel(const QString &path, const QString &tokenizerPath, bool bf16, const ChatTurns &history,
                   int request);
    void send(const QString &text, const ChatSettings &settings);
    void regenerate(const ChatSettings &settings);
    // Edit-and-resend: the conversation becomes `kept` (the messages before the edited one),
    // then `text` is sent. The whole kept history is passed because the session may have
    // dropped old turns to fit the context that the pane still shows.
    void editAndResend(const ChatTurns &kept, const QString &text, const ChatSettings &settings);
    void setHistory(const ChatTurns &history);
    void reset();

Q_SIGNALS:
    void loadProgress(int percent);
    // `request` echoes the useModel/loadModel call answered, so a late answer is told apart.
    void loadFailed(const QString &message, int request);
    // The model is in place (a loaded one arrives here as a snapshot the page can share).
    void modelReady(const SnapshotPtr &model, const QString &templateName, int contextLength, qint64 step,
                    int request);
    void tokenArrived(const QString &text);
    void replyFinished(const ChatTurn &reply);
    void replyFailed(const QString &message);
    // The number of messages the engine's session holds after each change.
    void historyChanged(int messages);

private:
    enum class Mode { Send, Regenerate, Edit };
    void generate(Mode mode, const ChatTurns &kept, const QString &text, const ChatSettings &settings);

    std::unique_ptr<tb::ChatWorkerState> d;
    std::atomic<bool> m_stop{false};
};
