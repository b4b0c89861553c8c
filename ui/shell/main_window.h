#pragma once

#include "project.h"

#include <QMainWindow>

class ChatPage;
class ClassifyPage;
class ProjectPage;
class DataPage;
class RunsPage;
class ModelPage;
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
    bool isBusy() const; // a model is loading
    TrainPage *trainPage() const { return m_train; }
    DataPage *dataPage() const { return m_data; }
    ClassifyPage *classifyPage() const { return m_classify; }
    RunsPage *runsPage() const { return m_runs; }
    ModelPage *modelPage() const { return m_model; }
    ChatPage *chatPage() const { return m_chat; }
    // Shows the Data page with `path` loading (as a dropped file does).
    void openData(const QString &path);
    // Help → About (modal).
    void showAbout();

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
    void modelLoaded();
    void projectOpened(const QString &dir);
    void modelLoadFailed(const QString &message);
    // The Chat page finished a reply / talks to the run in progress at `step`.
    void replyDone();
    void chatSnapshotInUse(qint64 step);

private:
    void buildPages();
    void connectProjectPage();
    void connectDataAndModelToTrain();
    void connectTrainToOtherPages();
    void connectChat();
    void connectModelLoading();
    void offerClassifier(const QString &status, const QString &runDir);
    void buildFileMenu();
    void saveSession() const;
    void restoreSession();

    Project m_project;
    ProjectPage *m_projectPage = nullptr;
    TrainPage *m_train = nullptr;
    DataPage *m_data = nullptr;
    ClassifyPage *m_classify = nullptr;
    RunsPage *m_runs = nullptr;
    ModelPage *m_model = nullptr;
    QTabWidget *m_tabs = nullptr;
    ChatPage *m_chat = nullptr;

};
