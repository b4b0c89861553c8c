#pragma once

#include <QMainWindow>
#include <QThread>

class ChatPage;
class ClassifyPage;
class DataPage;
class RunsPage;
class ModelWorker;
class QTabWidget;
class TrainPage;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QCheckBox;

// The workbench window: a Model page (import with progress and cancel, model card), the
// Chat page and the other pages. Every engine call runs on a worker thread.
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
    ChatPage *chatPage() const { return m_chat; }
    // Shows the Data page with `path` loading (as a dropped file does).
    void openData(const QString &path);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

public:

Q_SIGNALS:
    void loadRequested(const QString &path, const QString &tokenizerPath, bool bf16);
    void modelLoaded();
    void modelLoadFailed(const QString &message);
    // The Chat page finished a reply / talks to the run in progress at `step`.
    void replyDone();
    void chatSnapshotInUse(qint64 step);

private:
    QWidget *buildModelPage();
    void setBusy(bool busy);

    QThread m_thread;
    TrainPage *m_train = nullptr;
    DataPage *m_data = nullptr;
    ClassifyPage *m_classify = nullptr;
    RunsPage *m_runs = nullptr;
    QTabWidget *m_tabs = nullptr;
    ChatPage *m_chat = nullptr;
    ModelWorker *m_worker = nullptr; // lives on m_thread
    bool m_busy = false;
    QString m_modelPath; // being loaded, for the Chat page

    QLabel *m_modelCard = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_openFolder = nullptr;
    QPushButton *m_openFile = nullptr;
    QCheckBox *m_bf16 = nullptr;
    QLineEdit *m_tokenizerPath = nullptr;
};
