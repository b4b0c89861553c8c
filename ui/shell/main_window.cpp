#include "main_window.h"

#include "chat_page.h"
#include "chat_transcript.h"
#include "about_dialog.h"
#include "settings_page.h"
#include "classify_page.h"
#include "project_page.h"
#include "data_page.h"
#include "engine_text.h"
#include "runs_page.h"
#include "model_page.h"
#include "train_page.h"
#include "thread_guard.h"
#include "error.h"
#include "run_directory.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QMimeData>
#include <QTabWidget>
#include <QVBoxLayout>

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    // Long engine calls refuse this thread from now on (engine/thread_guard.h).
    tb::markInteractiveThread();
    setWindowTitle(tr("Tunebench"));
    resize(1000, 700);
    setAcceptDrops(true);
    buildPages();
    connectProjectPage();
    connectDataAndModelToTrain();
    connectTrainToOtherPages();
    connectChat();
    connectModelLoading();
    buildFileMenu();
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Tunebench"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
    about->setMenuRole(QAction::AboutRole);
    m_projectPage->showRecent(recentProjects());
    statusBar()->showMessage(tr("Open a model: a Hugging Face folder, a GGUF file or a llama2.c checkpoint."));
}

void MainWindow::buildPages()
{
    m_tabs = new QTabWidget;
    m_projectPage = new ProjectPage;
    m_data = new DataPage;
    m_model = new ModelPage;
    m_train = new TrainPage;
    m_chat = new ChatPage;
    m_classify = new ClassifyPage;
    m_runs = new RunsPage;
    m_tabs->addTab(m_projectPage, tr("Project"));
    m_tabs->addTab(m_data, tr("Data"));
    m_tabs->addTab(m_model, tr("Model"));
    m_tabs->addTab(m_train, tr("Train"));
    m_tabs->addTab(m_chat, tr("Chat"));
    m_tabs->addTab(m_classify, tr("Classify"));
    m_tabs->addTab(m_runs, tr("Runs"));
    m_tabs->addTab(new SettingsPage, tr("Settings"));
    m_tabs->setCurrentWidget(m_projectPage);
    setCentralWidget(m_tabs);
    // The runs the Runs page lists are offered in the chat's model pickers.
    m_chat->setRunsDirectory(QDir(QStringLiteral("runs")).absolutePath());
}

void MainWindow::connectProjectPage()
{
    connect(m_projectPage, &ProjectPage::openRequested, this, &MainWindow::openProject);
    connect(m_projectPage, &ProjectPage::trainRequested, this, &MainWindow::trainConfig);
    connect(m_projectPage, &ProjectPage::datasetRequested, this, &MainWindow::openData);
    connect(m_projectPage, &ProjectPage::newRequested, this, [this](const QString &dir) {
        Project created;
        created.dir = dir;
        created.name = QFileInfo(dir).fileName();
        QString error;
        if (QFileInfo::exists(created.filePath()) || saveProject(created, &error))
            openProject(dir);
        else
            statusBar()->showMessage(error);
    });
    connect(m_runs, &RunsPage::resumeRequested, this, [this](const QString &dir) {
        if (m_train->resumeRun(dir))
            m_tabs->setCurrentWidget(m_train);
    });
}

// What the Data and Model pages choose fills the Train page's options.
void MainWindow::connectDataAndModelToTrain()
{
    connect(m_data, &DataPage::dataChosen, this,
            [this](const QString &path, const QString &format, const QString &validationFile, double ratio, qint64 seed) {
                m_train->setOption(trainKey(&tb::TrainConfig::data), path);
                m_train->setOption(trainKey(&tb::TrainConfig::format), format);
                m_train->setOption(trainKey(&tb::TrainConfig::validationData), validationFile);
                m_train->setOption(trainKey(&tb::TrainConfig::validationRatio), QString::number(ratio));
                m_train->setOption(trainKey(&tb::TrainConfig::seed), QString::number(seed));
                m_model->setDatasetPath(path);
            });
    // An import is what the Train page fine-tunes, and its tokenizer counts the Data page's tokens.
    connect(m_model, &ModelPage::loadStarted, this, [this](const QString &path, const QString &tokenizer) {
        m_data->setTokenizer(tokenizer.isEmpty() ? path : tokenizer);
        m_train->setOption(trainKey(&tb::TrainConfig::model), path);
    });
    connect(m_model, &ModelPage::scratchChosen, this, [this](const QString &preset, const QVariantMap &options) {
        for (auto it = options.begin(); it != options.end(); ++it)
            m_train->setOption(it.key(), it.value().toString());
        m_train->setOption(trainKey(&tb::TrainConfig::preset), preset);
        m_tabs->setCurrentWidget(m_train);
    });
    connect(m_model, &ModelPage::tokenizerChosen, this,
            [this](const QString &path) { m_train->setOption(trainKey(&tb::TrainConfig::tokenizer), path); });
    // The estimates on the Model page are for the Train page's batch and context.
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() == m_model)
            m_model->setTrainingShape(m_train->option(trainKey(&tb::TrainConfig::batchSize)).toInt(),
                                      m_train->option(trainKey(&tb::TrainConfig::contextLength)).toInt());
    });
}

// A run that ended is listed on the Runs page, offered in the chat, and a classifier is
// ready on the Classify page.
void MainWindow::connectTrainToOtherPages()
{
    connect(m_train, &TrainPage::runFinished, m_runs, &RunsPage::refresh);
    connect(m_train, &TrainPage::runFinished, m_chat, &ChatPage::refreshRuns);
    // "Chat with this run" once the run has ended: its saved weights (best, else last).
    connect(m_train, &TrainPage::finishedRunChatRequested, this, [this](const QString &runDir) {
        m_chat->openModelPath(runDir);
        m_tabs->setCurrentWidget(m_chat);
    });
    connect(m_train, &TrainPage::runFinished, this, &MainWindow::offerClassifier);
}

void MainWindow::offerClassifier(const QString &status, const QString &runDir)
{
    if (status == QLatin1String("failed"))
        return;
    std::optional<tb::RunSummary> summary;
    try {
        summary = tb::RunDirectory(runDir.toStdString()).readSummary();
    } catch (const tb::Error &) {
        return; // the Runs page shows the damaged summary
    }
    if (!summary || !summary->finalMetrics.count("macro_f1"))
        return;
    m_classify->loadClassifier(runDir);
    statusBar()->showMessage(tr("The classifier is ready on the Classify page (macro-F1 %1).")
                                 .arg(summary->finalMetrics.at("macro_f1"), 0, 'f', 3));
}

// Chat with the run in progress: the Chat page asks, the Train page hands a snapshot.
void MainWindow::connectChat()
{
    connect(m_chat, &ChatPage::liveSnapshotWanted, m_train, &TrainPage::chatWithRun);
    connect(m_train, &TrainPage::snapshotReady, m_chat, &ChatPage::useLiveSnapshot);
    connect(m_chat, &ChatPage::liveSnapshotInUse, this, [this](qint64 step) {
        statusBar()->showMessage(tr("Chatting with the run in progress, as it was at step %1.").arg(step));
        m_tabs->setCurrentWidget(m_chat);
        Q_EMIT chatSnapshotInUse(step);
    });
    connect(m_chat, &ChatPage::replyDone, this, &MainWindow::replyDone);
}

// The Model page loads; the window shows where it stands and hands the model to the chat.
void MainWindow::connectModelLoading()
{
    connect(m_model, &ModelPage::loadProgress, this,
            [this](const QString &tensor) { statusBar()->showMessage(tr("Loading %1").arg(tensor)); });
    connect(m_model, &ModelPage::modelLoaded, this, [this](bool hasTokenizer) {
        statusBar()->showMessage(hasTokenizer ? tr("Model loaded. Chat is ready.")
                                              : tr("Model loaded without a tokenizer: choose one to chat."));
        if (hasTokenizer)
            m_tabs->setCurrentWidget(m_chat);
        Q_EMIT modelLoaded();
    });
    // The loaded model itself goes to the chat (shared, not loaded twice).
    connect(m_model, &ModelPage::modelReady, m_chat, &ChatPage::talkTo);
    connect(m_model, &ModelPage::loadFailed, this, [this](const QString &message) {
        statusBar()->showMessage(message);
        Q_EMIT modelLoadFailed(message);
    });
}

MainWindow::~MainWindow()
{
    saveSession();
}

void MainWindow::openModel(const QString &path)
{
    m_model->openModel(path); // ignored while a load is running
}

bool MainWindow::isBusy() const
{
    return m_model->isLoading();
}

// Projects and model imports, one menu action away from any page.
void MainWindow::buildFileMenu()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open project…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QString(),
                                                          tr("Tunebench projects (tunebench.json)"));
        if (!path.isEmpty())
            openProject(path);
    });
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open the &sample project"), this, [this] {
        QString error;
        const QString sample = installSampleProject(defaultSampleTarget(), &error);
        if (sample.isEmpty())
            statusBar()->showMessage(error);
        else
            openProject(sample);
    });
    file->addSeparator();
    QAction *importFolder = file->addAction(tr("Import &Hugging Face folder…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Hugging Face model folder"));
        if (!dir.isEmpty())
            openModel(dir);
    });
    importFolder->setObjectName(QStringLiteral("actionImportFolder"));
    QAction *importFile = file->addAction(tr("Import &GGUF or llama2.c file…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Model file"), QString(),
                                                          tr("Models (*.gguf *.bin);;All files (*)"));
        if (!path.isEmpty())
            openModel(path);
    });
    importFile->setObjectName(QStringLiteral("actionImportFile"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
}

bool MainWindow::openProject(const QString &path)
{
    Project opened;
    QString error;
    if (!loadProject(path, &opened, &error)) {
        statusBar()->showMessage(error);
        return false;
    }
    saveSession(); // the project being left keeps its unsaved settings
    m_project = opened;
    rememberProject(m_project.dir);
    setWindowTitle(tr("%1 — Tunebench").arg(m_project.name));
    m_projectPage->showProject(m_project);
    m_projectPage->showRecent(recentProjects());
    m_train->setRunsRoot(m_project.runsDir());
    m_runs->setRoot(m_project.runsDir());
    m_chat->setRunsDirectory(m_project.runsDir()); // the project's runs in the chat's pickers
    if (!m_project.configs.isEmpty() && !m_train->isRunning()) {
        QString configError;
        if (!m_train->loadConfigFile(m_project.absolute(m_project.configs.first().file), &configError))
            statusBar()->showMessage(configError);
    }
    restoreSession();
    if (!m_project.datasets.isEmpty())
        m_data->openFile(m_project.absolute(m_project.datasets.first()));
    m_tabs->setCurrentWidget(m_projectPage);
    statusBar()->showMessage(tr("Opened the project %1.").arg(m_project.name));
    Q_EMIT projectOpened(m_project.dir);
    return true;
}

void MainWindow::openAtStart(const QString &argument, const QString &sampleTarget)
{
    if (!argument.isEmpty()) {
        const QFileInfo info(argument);
        const bool isProject = info.fileName() == QLatin1String(kProjectFileName)
                               || (info.isDir() && QFileInfo::exists(QDir(argument).filePath(QLatin1String(kProjectFileName))));
        if (isProject)
            openProject(argument);
        else
            openModel(argument);
        return;
    }
    const QStringList recent = recentProjects();
    if (!recent.isEmpty() && openProject(recent.first()))
        return;
    // The first launch: the bundled sample, copied where the user can write runs.
    QString error;
    const QString sample = installSampleProject(sampleTarget, &error);
    if (sample.isEmpty() || !openProject(sample))
        statusBar()->showMessage(error.isEmpty() ? tr("The sample project could not be opened.") : error);
}

bool MainWindow::trainConfig(const QString &configPath)
{
    if (m_train->isRunning()) {
        statusBar()->showMessage(tr("A run is in progress; stop it before starting another."));
        m_tabs->setCurrentWidget(m_train);
        return false;
    }
    QString error;
    if (!m_train->loadConfigFile(configPath, &error)) {
        statusBar()->showMessage(error);
        return false;
    }
    // Each click is a new run: <project>/runs/<config>-<date-time>.
    const QString stem = QFileInfo(configPath).completeBaseName();
    const QString root = m_project.isOpen() ? m_project.runsDir() : QStringLiteral("runs");
    m_train->setOption(trainKey(&tb::TrainConfig::runDir),
                       QDir(root).absoluteFilePath(stem + QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss"))));
    m_tabs->setCurrentWidget(m_train);
    return m_train->start();
}

// Unsaved settings survive a restart: the Train form, per project, and the open tab.
void MainWindow::saveSession() const
{
    if (!m_project.isOpen())
        return;
    QSettings settings;
    settings.beginGroup(QStringLiteral("session/") + QString::fromLatin1(m_project.dir.toUtf8().toHex()));
    settings.setValue(QStringLiteral("train"), m_train->formValues());
    settings.setValue(QStringLiteral("tab"), m_tabs->currentIndex());
    settings.endGroup();
    // The chat's settings (system prompt, sampling) are the user's, whatever the project.
    ChatTranscript chat;
    chat.settings = m_chat->settings();
    chat.panes = {ChatTranscript::Pane()};
    settings.setValue(QStringLiteral("chat/settings"), chat.toJson());
}

void MainWindow::restoreSession()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("session/") + QString::fromLatin1(m_project.dir.toUtf8().toHex()));
    const QVariantMap train = settings.value(QStringLiteral("train")).toMap();
    settings.endGroup();
    if (!train.isEmpty() && !m_train->isRunning())
        m_train->setFormValues(train);
    ChatTranscript chat;
    QString ignored; // settings from an older Tunebench that do not parse are left as they are
    if (chat.fromJson(settings.value(QStringLiteral("chat/settings")).toByteArray(), &ignored))
        m_chat->setSettings(chat.settings);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSession();
    QMainWindow::closeEvent(event);
}

void MainWindow::showAbout()
{
    AboutDialog dialog(this);
    dialog.exec();
}

void MainWindow::openData(const QString &path)
{
    m_tabs->setCurrentWidget(m_data);
    m_data->openFile(path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

// A dataset dropped anywhere on the window opens on the Data page.
void MainWindow::dropEvent(QDropEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        openData(urls.first().toLocalFile());
}
