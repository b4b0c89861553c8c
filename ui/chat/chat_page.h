#pragma once

#include "chat_pane.h"
#include "chat_types.h"

#include <QWidget>

struct ChatTranscript;
class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QSplitter;

// The Chat page: one conversation, or two side by side (the same prompt to two models, both
// answers streaming at once). Each pane has its own model picker, history and worker thread;
// the settings (system prompt, every sampling option) apply to both. Regenerate, edit an
// earlier message and resend, Stop (Esc), Ctrl+Enter to send, and saving the chat as JSON
// (loads back) or Markdown.
class ChatPage : public QWidget {
    Q_OBJECT

public:
    explicit ChatPage(QWidget *parent = nullptr);
    ~ChatPage() override;

    // A model to offer in the pickers (the Model page's, a run's snapshot). Holding it
    // keeps it alive.
    void addModel(const QString &label, const SnapshotPtr &model);
    // addModel, and the first pane talks to it (the model the Model page just loaded).
    void talkTo(const SnapshotPtr &model, const QString &label);
    // Lists each run under `dir` and its checkpoints in the pickers (loaded when picked).
    void setRunsDirectory(const QString &dir);
    void refreshRuns();
    // Loads a model in the first pane's worker and talks to it.
    void openModelPath(const QString &path, const QString &tokenizerPath = QString(), bool bf16 = false);

    // Sends `text` to every shown pane that has a model (the input box's text when empty).
    bool sendMessage(const QString &text = QString());
    bool regenerate();
    // Puts user message `turnIndex` into the input box; the next send replaces it and
    // everything after it.
    void editMessage(int turnIndex);
    void newConversation();
    void setSideBySide(bool on);
    bool isSideBySide() const;

    ChatSettings settings() const;
    void setSettings(const ChatSettings &settings);

    bool saveJson(const QString &path);
    bool saveMarkdown(const QString &path);
    // Restores a saved chat; on failure shows why (naming the file) and keeps the current one.
    bool loadJson(const QString &path);
    QString lastError() const { return m_lastError; }

    ChatPane *pane(int index) const { return index == 0 ? m_paneA : m_paneB; }
    QPlainTextEdit *input() const { return m_input; }
    int editingTurn() const { return m_editTurn; }

public Q_SLOTS:
    void stop();
    // Fresh weights of the run in progress (from TrainPage::snapshotReady).
    void useLiveSnapshot(const SnapshotPtr &snapshot);

Q_SIGNALS:
    // The user wants to talk to the run in progress: ask the Train page for a snapshot.
    void liveSnapshotWanted();
    void liveSnapshotInUse(qint64 step);
    // A reply in any pane ended (finished, stopped or failed).
    void replyDone();

private:
    QWidget *buildSettings();
    void pushEntries();
    QVector<ChatModelEntry> entries() const;
    void updateButtons();
    void cancelEdit();
    void showError(const QString &message);
    void chooseFile(ChatPane *pane);
    ChatTranscript transcript() const;
    bool writeFile(const QString &path, const QByteArray &bytes);
    void saveDialog();
    void loadDialog();
    QVector<ChatPane *> activePanes() const;

    ChatPane *m_paneA = nullptr;
    ChatPane *m_paneB = nullptr;
    ChatPane *m_liveTarget = nullptr;
    QSplitter *m_split = nullptr;
    QCheckBox *m_sideBySide = nullptr;
    QPushButton *m_new = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_load = nullptr;
    QPlainTextEdit *m_input = nullptr;
    QLabel *m_editBanner = nullptr;
    QPushButton *m_cancelEdit = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_regenerate = nullptr;

    QPlainTextEdit *m_system = nullptr;
    QDoubleSpinBox *m_temperature = nullptr;
    QSpinBox *m_topK = nullptr;
    QDoubleSpinBox *m_topP = nullptr;
    QDoubleSpinBox *m_repetition = nullptr;
    QSpinBox *m_maxTokens = nullptr;
    QCheckBox *m_randomSeed = nullptr;
    QSpinBox *m_seed = nullptr;
    QPlainTextEdit *m_stopStrings = nullptr;
    QCheckBox *m_stopAtEos = nullptr;

    struct Handed {
        QString label;
        QString path; // empty for models handed in
        SnapshotPtr model;
    };
    QVector<Handed> m_models;
    QVector<ChatModelEntry> m_runs;
    QString m_runsDir;
    qint64 m_liveStep = -1;
    int m_editTurn = -1;
    QString m_lastError;
};
