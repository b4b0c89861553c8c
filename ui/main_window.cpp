#include "main_window.h"

#include "about_dialog.h"
#include "settings_page.h"
#include "classify_page.h"
#include "data_page.h"
#include "runs_page.h"
#include "model_worker.h"
#include "train_page.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QStatusBar>
#include <QDragEnterEvent>
#include <QMimeData>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Tunebench"));
    resize(1000, 700);

    m_worker = new ModelWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &MainWindow::loadRequested, m_worker, &ModelWorker::load, Qt::QueuedConnection);
    connect(this, &MainWindow::chatRequested, m_worker, &ModelWorker::chat, Qt::QueuedConnection);
    connect(this, &MainWindow::resetChatRequested, m_worker, &ModelWorker::resetChat, Qt::QueuedConnection);

    m_tabs = new QTabWidget;
    m_data = new DataPage;
    m_train = new TrainPage;
    m_tabs->addTab(m_data, tr("Data"));
    m_tabs->addTab(buildModelPage(), tr("Model"));
    m_tabs->addTab(m_train, tr("Train"));
    m_chatPage = buildChatPage();
    m_tabs->addTab(m_chatPage, tr("Chat"));
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
    m_tabs->addTab(new SettingsPage, tr("Settings"));
    m_tabs->setCurrentIndex(1);
    setCentralWidget(m_tabs);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Tunebench"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
    about->setMenuRole(QAction::AboutRole);
    setAcceptDrops(true);
    // Chat with the run in progress: the snapshot goes to the chat's worker.
    qRegisterMetaType<SnapshotPtr>();
    connect(m_train, &TrainPage::snapshotReady, m_worker, &ModelWorker::useSnapshot, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::snapshotInUse, this, [this](qint64 step) {
        m_haveChatModel = true;
        m_send->setEnabled(!m_busy);
        m_transcript->clear();
        statusBar()->showMessage(tr("Chatting with the run in progress, as it was at step %1.").arg(step));
        m_tabs->setCurrentWidget(m_chatPage);
        Q_EMIT chatSnapshotInUse(step);
    }, Qt::QueuedConnection);
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
        m_haveChatModel = hasTokenizer;
        m_send->setEnabled(hasTokenizer);
        statusBar()->showMessage(hasTokenizer ? tr("Model loaded. Chat is ready.")
                                              : tr("Model loaded without a tokenizer: choose one to chat."));
        m_transcript->clear();
        if (hasTokenizer)
            m_tabs->setCurrentWidget(m_chatPage);
        Q_EMIT modelLoaded();
    }, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::loadFailed, this, [this](const QString &message) {
        setBusy(false);
        statusBar()->showMessage(message);
        m_modelCard->setText(QStringLiteral("<p style='color:#b00020'>%1</p>").arg(message.toHtmlEscaped()));
        Q_EMIT modelLoadFailed(message);
    }, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::tokenArrived, this, [this](const QString &text) {
        m_reply += text;
        QTextCursor cursor = m_transcript->textCursor();
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(text);
        m_transcript->ensureCursorVisible();
    }, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::replyFinished, this,
            [this](double tokensPerSecond, const QString &reason, int dropped) {
                setBusy(false);
                QString message = tr("%1 tokens/s, stopped by %2").arg(tokensPerSecond, 0, 'f', 1).arg(reason);
                if (dropped > 0)
                    message += tr("; the %n oldest turn(s) were dropped to fit the context", nullptr, dropped);
                m_status->setText(message);
                Q_EMIT replyDone();
            }, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::replyFailed, this, [this](const QString &message) {
        setBusy(false);
        m_status->setText(message);
        Q_EMIT replyDone();
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

QWidget *MainWindow::buildChatPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *settings = new QHBoxLayout;
    m_system = new QLineEdit;
    m_system->setPlaceholderText(tr("System prompt (optional)"));
    m_temperature = new QDoubleSpinBox;
    m_temperature->setRange(0.0, 2.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setValue(0.7);
    m_temperature->setToolTip(tr("0 always picks the most likely token (greedy)"));
    m_maxTokens = new QSpinBox;
    m_maxTokens->setRange(1, 4096);
    m_maxTokens->setValue(256);
    settings->addWidget(m_system, 1);
    settings->addWidget(new QLabel(tr("Temperature")));
    settings->addWidget(m_temperature);
    settings->addWidget(new QLabel(tr("Max new tokens")));
    settings->addWidget(m_maxTokens);
    layout->addLayout(settings);

    m_transcript = new QTextBrowser;
    m_transcript->setObjectName(QStringLiteral("transcript"));
    layout->addWidget(m_transcript, 1);
    m_input = new QPlainTextEdit;
    m_input->setPlaceholderText(tr("Type a message. Ctrl+Enter sends, Esc stops."));
    m_input->setMaximumHeight(90);
    layout->addWidget(m_input);
    auto *row = new QHBoxLayout;
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("chatStatus"));
    m_send = new QPushButton(tr("Send"));
    m_send->setEnabled(false);
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setEnabled(false);
    m_reset = new QPushButton(tr("New conversation"));
    row->addWidget(m_status, 1);
    row->addWidget(m_reset);
    row->addWidget(m_stop);
    row->addWidget(m_send);
    layout->addLayout(row);

    connect(m_send, &QPushButton::clicked, this, &MainWindow::send);
    connect(new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), page), &QShortcut::activated, this,
            &MainWindow::send);
    connect(m_stop, &QPushButton::clicked, this, [this] { m_worker->requestStop(); });
    connect(new QShortcut(QKeySequence(Qt::Key_Escape), page), &QShortcut::activated, this,
            [this] { m_worker->requestStop(); });
    connect(m_reset, &QPushButton::clicked, this, [this] {
        m_transcript->clear();
        Q_EMIT resetChatRequested();
    });
    return page;
}

void MainWindow::openModel(const QString &path)
{
    if (m_busy)
        return;
    setBusy(true);
    m_progress->setValue(0);
    m_cancel->setEnabled(true);
    Q_EMIT loadRequested(path, m_tokenizerPath->text().trimmed(), m_bf16->isChecked());
    // The model's tokenizer counts the Data page's tokens, and the model is what the Train
    // page fine-tunes.
    m_data->setTokenizer(m_tokenizerPath->text().trimmed().isEmpty() ? path : m_tokenizerPath->text().trimmed());
    m_train->setOption("model", path);
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

void MainWindow::setBusy(bool busy)
{
    m_busy = busy;
    m_openFolder->setEnabled(!busy);
    m_openFile->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    m_send->setEnabled(!busy && m_haveChatModel);
    m_stop->setEnabled(busy);
    m_reset->setEnabled(!busy);
}

void MainWindow::appendTranscript(const QString &html)
{
    m_transcript->append(html);
}

void MainWindow::send()
{
    const QString text = m_input->toPlainText().trimmed();
    if (text.isEmpty() || m_busy || !m_haveChatModel)
        return;
    m_input->clear();
    appendTranscript(QStringLiteral("<p><b>%1</b> %2</p><p><b>%3</b> ")
                         .arg(tr("You:"), text.toHtmlEscaped().replace('\n', "<br>"), tr("Assistant:")));
    m_reply.clear();
    setBusy(true);
    m_status->setText(tr("Generating…"));
    Q_EMIT chatRequested(text, m_system->text(), m_temperature->value(), m_maxTokens->value());
}
