#pragma once

#include "chat_types.h"
#include "snapshot_ptr.h"

#include <QThread>
#include <QWidget>

class ChatWorker;
class QComboBox;
class QLabel;
class QProgressBar;
class QTextBrowser;
class QToolButton;

// What a pane's model picker offers.
struct ChatModelEntry {
    enum Kind { Model, Run, Checkpoint, OpenFile, Live };
    Kind kind = Model;
    QString label;
    QString path;      // Run / Checkpoint
    SnapshotPtr model; // Model (and Live, once a snapshot came)
};

// One conversation with one model: its picker, transcript, status line and its own
// ChatWorker on its own thread. The chat page holds one, or two side by side.
class ChatPane : public QWidget {
    Q_OBJECT

public:
    explicit ChatPane(const QString &name, QWidget *parent = nullptr);
    ~ChatPane() override;

    void setEntries(const QVector<ChatModelEntry> &entries);
    // Talks to `model` (kept alive by holding it); the conversation so far goes on with it.
    void useModel(const QString &label, const SnapshotPtr &model, bool live = false);
    // Loads a model, checkpoint or run directory in this pane's worker.
    void loadPath(const QString &label, const QString &path, const QString &tokenizerPath = QString(),
                  bool bf16 = false);

    bool send(const QString &text, const ChatSettings &settings);
    bool regenerate(const ChatSettings &settings);
    // Replaces user message `turnIndex` with `text`, dropping it and everything after it.
    bool editAndResend(int turnIndex, const QString &text, const ChatSettings &settings);
    void stop();
    void reset();
    // A loaded conversation: shown, and handed to the engine to continue.
    void setConversation(const QString &modelLabel, const ChatTurns &turns);

    const ChatTurns &turns() const { return m_turns; }
    QString modelLabel() const { return m_modelLabel; }
    bool hasModel() const { return bool(m_model); }
    bool modelIsLive() const { return m_live; }
    SnapshotPtr model() const { return m_model; }
    bool isBusy() const { return m_generating || m_loading; }
    bool isGenerating() const { return m_generating; }
    // Messages in the engine's session (tests compare it with the transcript).
    int engineMessageCount() const { return m_engineMessages; }
    QString streamedText() const { return m_streamed; }
    QTextBrowser *transcript() const { return m_transcript; }
    QComboBox *picker() const { return m_picker; }
    QLabel *statusLabel() const { return m_status; }
    QToolButton *refreshButton() const { return m_refresh; }

Q_SIGNALS:
    void busyChanged();
    void tokenArrived(const QString &text);
    void replyDone();
    // The picker asked for a file dialog / fresh live weights of the run in progress.
    void openRequested();
    void liveWanted();
    void refreshRequested();
    // A model finished loading in this pane's worker: the page can offer it to the other pane.
    void modelLoaded(const QString &label, const QString &path, const SnapshotPtr &model);
    void editRequested(int turnIndex);
    // The worker now talks to live weights of the run in progress, taken at `step`.
    void liveModelInUse(qint64 step);

    // To the worker (queued).
    void useModelRequested(const SnapshotPtr &model, const ChatTurns &history, int request);
    void loadRequested(const QString &path, const QString &tokenizerPath, bool bf16, const ChatTurns &history,
                       int request);
    void sendRequested(const QString &text, const ChatSettings &settings);
    void regenerateRequested(const ChatSettings &settings);
    void editRequestedToWorker(const ChatTurns &kept, const QString &text, const ChatSettings &settings);
    void setHistoryRequested(const ChatTurns &history);
    void resetRequested();

private:
    void onPicked(int index);
    void startReply();
    void takePendingModel();
    void render();
    void setStatus(const QString &text, bool error = false);
    void endLoading();

    QThread m_thread;
    ChatWorker *m_worker = nullptr; // lives on m_thread
    QComboBox *m_picker = nullptr;
    QToolButton *m_refresh = nullptr;
    QProgressBar *m_progress = nullptr;
    QTextBrowser *m_transcript = nullptr;
    QLabel *m_status = nullptr;

    QVector<ChatModelEntry> m_entries;
    SnapshotPtr m_model;
    QString m_modelLabel;
    QString m_loadingLabel;
    QString m_loadingPath;
    ChatTurns m_turns;
    ChatTurns m_beforeReply; // restored when a reply fails
    QString m_streamed;
    bool m_generating = false;
    bool m_loading = false;
    bool m_live = false;
    ChatModelEntry m_pending; // a model handed in during a reply
    bool m_pendingLive = false;
    int m_engineMessages = 0;
    int m_pickedIndex = 0;
    int m_request = 0; // the latest useModel/load asked of the worker
};
