#pragma once

#include "project.h"

#include <QMainWindow>
#include <QThread>

class ClassifyPage;
class ProjectPage;
class DataPage;
class RunsPage;
class ModelPage;
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
    ModelPage *modelPage() const { return m_model; }
    // Shows the Data page with `path` loading (as a dropped file does).
    void openData(const QString &path);

    // Opens a project (its folder or tunebench.json): the Project page lists it, the Data
    // page loads its first dataset, the Train page its first config, the Runs page its
    // runs. False with the reason in the status bar when it cannot be read.
    bool openProject(const QString &path);
    const Project &project() const { return m_project; }
    ProjectPage *projectPage() const { return m_projectPage; }
    // What the application opens at start: `argument` (a project, or a model as before);
    // with none, the most recent project; on the very first launch, the bundled sample,
    // copied into `sampleTarget`.
    void openAtStart(const QString &argument, const QString &sampleTarget);
    // Loads a project config into the Train page and starts it (the Project page's Train).
    bool trainConfig(const QString &configPath);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

public:

Q_SIGNALS:
    void chatRequested(const QString &text, const QString &systemPrompt, double temperature, int maxNewTokens);
    void resetChatRequested();
    void modelLoaded();
    void projectOpened(const QString &dir);
    void modelLoadFailed(const QString &message);
    void replyDone();
    void chatSnapshotInUse(qint64 step);

private:
    QWidget *buildChatPage();
    void setBusy(bool busy);
    void send();
    void appendTranscript(const QString &html);
    void buildFileMenu();
    void saveSession() const;
    void restoreSession();

    QThread m_thread;
    Project m_project;
    ProjectPage *m_projectPage = nullptr;
    TrainPage *m_train = nullptr;
    DataPage *m_data = nullptr;
    ClassifyPage *m_classify = nullptr;
    RunsPage *m_runs = nullptr;
    ModelPage *m_model = nullptr;
    QTabWidget *m_tabs = nullptr;
    QWidget *m_chatPage = nullptr;
    ModelWorker *m_worker = nullptr; // lives on m_thread
    bool m_busy = false;
    bool m_haveChatModel = false;

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
