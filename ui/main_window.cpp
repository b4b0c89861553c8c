#include "main_window.h"

#include "chat_page.h"
#include "classify_page.h"
#include "data_page.h"
#include "runs_page.h"
#include "model_worker.h"
#include "train_page.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QDragEnterEvent>
#include <QMimeData>
#include <QTabWidget>
#include <QVBoxLayout>

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Tunebench"));
    resize(1000, 700);

    m_worker = new ModelWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &MainWindow::loadRequested, m_worker, &ModelWorker::load, Qt::QueuedConnection);

    m_tabs = new QTabWidget;
    m_data = new DataPage;
    m_train = new TrainPage;
    m_tabs->addTab(m_data, tr("Data"));
    m_tabs->addTab(buildModelPage(), tr("Model"));
    m_tabs->addTab(m_train, tr("Train"));
    m_chat = new ChatPage;
    m_tabs->addTab(m_chat, tr("Chat"));
    m_classify = new ClassifyPage;
    m_tabs->addTab(m_classify, tr("Classify"));
    m_runs = new RunsPage;
    m_tabs->addTab(m_runs, tr("Runs"));
    connect(m_runs, &RunsPage::resumeRequested, this, [this](const QString &dir) {
        if (m_train->resumeRun(dir))
            m_tabs->setCurrentWidget(m_train);
    });
    // A finished run appears in the list at once.
    connect(m_train, &TrainPage::runFinished, m_runs, &RunsPage::refresh);
    m_tabs->setCurrentIndex(1);
    setCentralWidget(m_tabs);
    setAcceptDrops(true);
    // Chat with the run in progress: the Chat page asks, the Train page hands a snapshot.
    connect(m_chat, &ChatPage::liveSnapshotWanted, m_train, &TrainPage::chatWithRun);
    connect(m_train, &TrainPage::snapshotReady, m_chat, &ChatPage::useLiveSnapshot);
    connect(m_chat, &ChatPage::liveSnapshotInUse, this, [this](qint64 step) {
        statusBar()->showMessage(tr("Chatting with the run in progress, as it was at step %1.").arg(step));
        m_tabs->setCurrentWidget(m_chat);
        Q_EMIT chatSnapshotInUse(step);
    });
    connect(m_chat, &ChatPage::replyDone, this, &MainWindow::replyDone);
    // The runs the Runs page lists are offered in the chat's model pickers.
    m_chat->setRunsDirectory(QDir(QStringLiteral("runs")).absolutePath());
    connect(m_train, &TrainPage::runFinished, m_chat, &ChatPage::refreshRuns);
    // The data chosen on the Data page is what the Train page trains on.
    connect(m_data, &DataPage::dataChosen, this,
            [this](const QString &path, const QString &format, const QString &validationFile, double ratio, qint64 seed) {
                m_train->setOption("data", path);
                m_train->setOption("format", format);
                m_train->setOption("validation_data", validationFile);
                m_train->setOption("validation_ratio", QString::number(ratio));
                m_train->setOption("seed", QString::number(seed));
            });

    connect(m_worker, &ModelWorker::loadProgress, this, [this](int percent, const QString &tensor) {
        m_progress->setValue(percent);
        statusBar()->showMessage(tr("Loading %1").arg(tensor));
    }, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::loaded, this, [this](const QString &card, bool hasTokenizer) {
        setBusy(false);
        m_modelCard->setText(card);
        statusBar()->showMessage(hasTokenizer ? tr("Model loaded. Chat is ready.")
                                              : tr("Model loaded without a tokenizer: choose one to chat."));
        // The Chat page loads its own copy in its worker (ModelWorker keeps its model to itself).
        if (hasTokenizer) {
            m_chat->openModelPath(m_modelPath, m_tokenizerPath->text().trimmed(), m_bf16->isChecked());
            m_tabs->setCurrentWidget(m_chat);
        }
        Q_EMIT modelLoaded();
    }, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::loadFailed, this, [this](const QString &message) {
        setBusy(false);
        statusBar()->showMessage(message);
        m_modelCard->setText(QStringLiteral("<p style='color:#b00020'>%1</p>").arg(message.toHtmlEscaped()));
        Q_EMIT modelLoadFailed(message);
    }, Qt::QueuedConnection);
    m_thread.start();
    statusBar()->showMessage(tr("Open a model: a Hugging Face folder, a GGUF file or a llama2.c checkpoint."));
}

MainWindow::~MainWindow()
{
    // Shut down in order: stop flag, quit, wait; the worker is deleted on its own thread.
    m_worker->requestStop();
    m_thread.quit();
    m_thread.wait();
}

QWidget *MainWindow::buildModelPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *buttons = new QHBoxLayout;
    m_openFolder = new QPushButton(tr("Import Hugging Face folder…"));
    m_openFile = new QPushButton(tr("Import GGUF or llama2.c file…"));
    m_bf16 = new QCheckBox(tr("Compute in bf16 (half the memory)"));
    m_bf16->setToolTip(tr("Weights are kept in bfloat16. Faster on CPUs with AVX-512 BF16, slightly less exact."));
    buttons->addWidget(m_openFolder);
    buttons->addWidget(m_openFile);
    buttons->addWidget(m_bf16);
    buttons->addStretch();
    layout->addLayout(buttons);

    auto *form = new QFormLayout;
    m_tokenizerPath = new QLineEdit;
    m_tokenizerPath->setPlaceholderText(tr("optional: a SentencePiece .model for weights without a tokenizer"));
    form->addRow(tr("Tokenizer"), m_tokenizerPath);
    layout->addLayout(form);

    auto *progressRow = new QHBoxLayout;
    m_progress = new QProgressBar;
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    progressRow->addWidget(m_progress);
    progressRow->addWidget(m_cancel);
    layout->addLayout(progressRow);

    m_modelCard = new QLabel(tr("No model loaded."));
    m_modelCard->setTextFormat(Qt::RichText);
    m_modelCard->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_modelCard->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_modelCard->setObjectName(QStringLiteral("modelCard"));
    layout->addWidget(m_modelCard, 1);

    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Hugging Face model folder"));
        if (!dir.isEmpty())
            openModel(dir);
    });
    connect(m_openFile, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Model file"), QString(),
                                                          tr("Models (*.gguf *.bin);;All files (*)"));
        if (!file.isEmpty())
            openModel(file);
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] { m_worker->requestStop(); });
    return page;
}

void MainWindow::openModel(const QString &path)
{
    if (m_busy)
        return;
    setBusy(true);
    m_modelPath = path;
    m_progress->setValue(0);
    m_cancel->setEnabled(true);
    Q_EMIT loadRequested(path, m_tokenizerPath->text().trimmed(), m_bf16->isChecked());
    // The model's tokenizer counts the Data page's tokens, and the model is what the Train
    // page fine-tunes.
    m_data->setTokenizer(m_tokenizerPath->text().trimmed().isEmpty() ? path : m_tokenizerPath->text().trimmed());
    m_train->setOption("model", path);
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

void MainWindow::setBusy(bool busy)
{
    m_busy = busy;
    m_openFolder->setEnabled(!busy);
    m_openFile->setEnabled(!busy);
    m_cancel->setEnabled(busy);
}
