#pragma once

#include <QMainWindow>
#include <QThread>

class ClassifyPage;
class DataPage;
class RunsPage;
class ModelWorker;
class QTabWidget;
class TrainPage;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTextBrowser;
class QDoubleSpinBox;
class QSpinBox;
class QCheckBox;

// The workbench window: a Model page (import with progress and cancel, model card) and a
// Chat page (streaming replies, Stop). Every engine call runs on the worker thread.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts loading `path` (an HF folder, .gguf or llama2.c .bin) on the worker thread.
    void openModel(const QString &path);
    bool isBusy() const { return m_busy; }
    TrainPage *trainPage() const { return m_train; }
    DataPage *dataPage() const { return m_data; }
    ClassifyPage *classifyPage() const { return m_classify; }
    RunsPage *runsPage() const { return m_runs; }
    // Shows the Data page with `path` loading (as a dropped file does).
    void openData(const QString &path);
    // Help → About (modal).
    void showAbout();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

public:

Q_SIGNALS:
    void loadRequested(const QString &path, const QString &tokenizerPath, bool bf16);
    void chatRequested(const QString &text, const QString &systemPrompt, double temperature, int maxNewTokens);
    void resetChatRequested();
    void modelLoaded();
    void modelLoadFailed(const QString &message);
    void replyDone();
    void chatSnapshotInUse(qint64 step);

private:
    QWidget *buildModelPage();
    QWidget *buildChatPage();
    void setBusy(bool busy);
    void send();
    void appendTranscript(const QString &html);

    QThread m_thread;
    TrainPage *m_train = nullptr;
    DataPage *m_data = nullptr;
    ClassifyPage *m_classify = nullptr;
    RunsPage *m_runs = nullptr;
    QTabWidget *m_tabs = nullptr;
    QWidget *m_chatPage = nullptr;
    ModelWorker *m_worker = nullptr; // lives on m_thread
    bool m_busy = false;
    bool m_haveChatModel = false;

    QLabel *m_modelCard = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_openFolder = nullptr;
    QPushButton *m_openFile = nullptr;
    QCheckBox *m_bf16 = nullptr;
    QLineEdit *m_tokenizerPath = nullptr;

    QTextBrowser *m_transcript = nullptr;
    QPlainTextEdit *m_input = nullptr;
    QLineEdit *m_system = nullptr;
    QDoubleSpinBox *m_temperature = nullptr;
    QSpinBox *m_maxTokens = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_reset = nullptr;
    QLabel *m_status = nullptr;
    QString m_reply;
};
