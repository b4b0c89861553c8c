#include "chat_pane.h"

#include "chat_transcript.h"
#include "chat_worker.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QTextBrowser>
#include <QTextDocument>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace {

// The inside of <body> of a Markdown text rendered by Qt, to embed in the transcript.
QString markdownBody(const QString &markdown)
{
    QTextDocument doc;
    doc.setMarkdown(markdown);
    const QString html = doc.toHtml();
    const int open = html.indexOf(QLatin1String("<body"));
    const int start = open < 0 ? 0 : html.indexOf('>', open) + 1;
    const int end = html.lastIndexOf(QLatin1String("</body>"));
    return html.mid(start, end < 0 ? -1 : end - start);
}

ChatTurn userTurn(const QString &text)
{
    ChatTurn turn;
    turn.role = QStringLiteral("user");
    turn.text = text;
    return turn;
}

} // namespace

ChatPane::ChatPane(const QString &name, QWidget *parent) : QWidget(parent)
{
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<ChatSettings>();
    qRegisterMetaType<ChatTurn>();
    qRegisterMetaType<ChatTurns>();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *top = new QHBoxLayout;
    m_picker = new QComboBox;
    m_picker->setAccessibleName(tr("Model for %1").arg(name));
    m_picker->setToolTip(tr("What this conversation talks to: a loaded model, a checkpoint of a run, a model "
                            "file or folder, or the live weights of the run in progress"));
    m_picker->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_picker->setMinimumContentsLength(24);
    m_refresh = new QToolButton;
    m_refresh->setText(tr("Refresh"));
    m_refresh->setAccessibleName(tr("Refresh models for %1").arg(name));
    m_refresh->setToolTip(tr("Take fresh weights from the run in progress (when talking to it) and list the "
                             "runs' checkpoints again"));
    m_progress = new QProgressBar;
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(140);
    m_progress->setAccessibleName(tr("Loading progress"));
    m_progress->hide();
    top->addWidget(m_picker, 1);
    top->addWidget(m_refresh);
    top->addWidget(m_progress);
    layout->addLayout(top);

    m_transcript = new QTextBrowser;
    m_transcript->setOpenLinks(false);
    m_transcript->setAccessibleName(tr("Conversation with %1").arg(name));
    m_transcript->setPlaceholderText(tr("Choose a model above, then type a message below."));
    layout->addWidget(m_transcript, 1);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Status of %1").arg(name));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_worker = new ChatWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    const auto queued = Qt::QueuedConnection;
    connect(this, &ChatPane::useModelRequested, m_worker, &ChatWorker::useModel, queued);
    connect(this, &ChatPane::loadRequested, m_worker, &ChatWorker::loadModel, queued);
    connect(this, &ChatPane::sendRequested, m_worker, &ChatWorker::send, queued);
    connect(this, &ChatPane::regenerateRequested, m_worker, &ChatWorker::regenerate, queued);
    connect(this, &ChatPane::editRequestedToWorker, m_worker, &ChatWorker::editAndResend, queued);
    connect(this, &ChatPane::setHistoryRequested, m_worker, &ChatWorker::setHistory, queued);
    connect(this, &ChatPane::resetRequested, m_worker, &ChatWorker::reset, queued);

    connect(m_worker, &ChatWorker::loadProgress, this, [this](int percent) { m_progress->setValue(percent); }, queued);
    connect(m_worker, &ChatWorker::loadFailed, this, [this](const QString &message, int request) {
        if (request != m_request)
            return; // an answer to an earlier choice
        if (m_loading) {
            endLoading();
            Q_EMIT busyChanged();
        }
        setStatus(tr("Could not use %1: %2").arg(m_loadingLabel, message), true);
    }, queued);
    connect(m_worker, &ChatWorker::modelReady, this,
            [this](const SnapshotPtr &model, const QString &templateName, int context, qint64 step, int request) {
                if (request != m_request)
                    return; // an answer to an earlier choice
                if (m_loading) {
                    // A model this pane loaded: now it is held here and offered to the page.
                    endLoading();
                    m_model = model;
                    m_modelLabel = m_loadingLabel;
                    Q_EMIT modelLoaded(m_loadingLabel, m_loadingPath, model);
                    Q_EMIT busyChanged();
                }
                if (m_live && model == m_model) {
                    m_modelLabel = tr("the run in progress at step %1").arg(step);
                    Q_EMIT liveModelInUse(step);
                }
                setStatus(tr("Talking to %1 (chat format %2, context %3 tokens).")
                              .arg(m_modelLabel, templateName)
                              .arg(context));
            }, queued);
    connect(m_worker, &ChatWorker::historyChanged, this, [this](int n) { m_engineMessages = n; }, queued);
    connect(m_worker, &ChatWorker::tokenArrived, this, [this](const QString &piece) {
        m_streamed += piece;
        // Plain text while streaming (cheap, smooth); the Markdown is rendered at the end.
        QTextCursor cursor(m_transcript->document());
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(piece, QTextCharFormat());
        m_transcript->verticalScrollBar()->setValue(m_transcript->verticalScrollBar()->maximum());
        Q_EMIT tokenArrived(piece);
    }, queued);
    connect(m_worker, &ChatWorker::replyFinished, this, [this](const ChatTurn &reply) {
        m_generating = false;
        m_turns << reply;
        render();
        QString status = tr("%1 tokens/s, %2 tokens, stopped by %3.")
                             .arg(reply.tokensPerSecond, 0, 'f', 1)
                             .arg(reply.tokens)
                             .arg(stopReasonText(reply.stopReason));
        if (reply.droppedTurns > 0)
            status += QLatin1Char(' ')
                + tr("The %n oldest exchange(s) were left out to fit the model's context.", nullptr, reply.droppedTurns);
        setStatus(status);
        Q_EMIT busyChanged();
        takePendingModel();
        Q_EMIT replyDone();
    }, queued);
    connect(m_worker, &ChatWorker::replyFailed, this, [this](const QString &message) {
        if (m_generating) {
            // The engine kept its history as it was; so does the transcript.
            m_generating = false;
            m_turns = m_beforeReply;
            render();
            Q_EMIT busyChanged();
        }
        setStatus(message, true);
        takePendingModel();
        Q_EMIT replyDone();
    }, queued);

    connect(m_picker, qOverload<int>(&QComboBox::activated), this, &ChatPane::onPicked);
    connect(m_refresh, &QToolButton::clicked, this, &ChatPane::refreshRequested);
    connect(m_transcript, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == QLatin1String("edit") && !isBusy())
            Q_EMIT editRequested(url.path().toInt());
    });
    m_thread.start();
    setEntries({});
}

ChatPane::~ChatPane()
{
    // Shut down in order: stop flag, quit, wait; the worker is deleted on its own thread.
    m_worker->requestStop();
    m_thread.quit();
    m_thread.wait();
}

void ChatPane::setEntries(const QVector<ChatModelEntry> &entries)
{
    m_entries = entries;
    const QSignalBlocker block(m_picker);
    m_picker->clear();
    m_picker->addItem(tr("Choose a model…"), -1);
    int current = 0;
    for (int i = 0; i < entries.size(); ++i) {
        const ChatModelEntry &e = entries[i];
        if (e.kind == ChatModelEntry::OpenFile || (e.kind == ChatModelEntry::Run && i > 0
                                                   && entries[i - 1].kind != ChatModelEntry::Run
                                                   && entries[i - 1].kind != ChatModelEntry::Checkpoint))
            m_picker->insertSeparator(m_picker->count());
        m_picker->addItem(e.label, i);
        const bool isCurrent = e.kind == ChatModelEntry::Live ? m_live && m_model
                                                              : (e.model && e.model == m_model)
                                   || (m_loading && !e.path.isEmpty() && e.path == m_loadingPath);
        if (isCurrent)
            current = m_picker->count() - 1;
    }
    m_picker->setCurrentIndex(current);
    m_pickedIndex = current;
}

void ChatPane::onPicked(int index)
{
    const int entry = m_picker->itemData(index).toInt();
    if (entry < 0 || entry >= m_entries.size()) {
        m_picker->setCurrentIndex(m_pickedIndex);
        return;
    }
    const ChatModelEntry e = m_entries[entry];
    switch (e.kind) {
    case ChatModelEntry::Model:
        useModel(e.label, e.model);
        break;
    case ChatModelEntry::Run:
    case ChatModelEntry::Checkpoint:
        loadPath(e.label.trimmed(), e.path);
        break;
    case ChatModelEntry::OpenFile:
        m_picker->setCurrentIndex(m_pickedIndex);
        Q_EMIT openRequested();
        return;
    case ChatModelEntry::Live:
        setStatus(tr("Waiting for the run in progress to hand over its weights…"));
        Q_EMIT liveWanted();
        break;
    }
    m_pickedIndex = m_picker->currentIndex();
}

void ChatPane::useModel(const QString &label, const SnapshotPtr &model, bool live)
{
    if (!model)
        return;
    if (m_generating) {
        // Taken up when the reply in progress ends, so the engine's history gets that reply too.
        m_pending = {ChatModelEntry::Model, label, QString(), model};
        m_pendingLive = live;
        return;
    }
    if (m_loading) {
        // A model handed in while another loads wins; the load is cancelled and its answer ignored.
        m_worker->requestStop();
        endLoading();
    }
    m_model = model;
    m_modelLabel = label;
    m_live = live;
    Q_EMIT useModelRequested(model, m_turns, ++m_request);
    setEntries(m_entries);
    Q_EMIT busyChanged();
}

void ChatPane::takePendingModel()
{
    if (!m_pending.model)
        return;
    const ChatModelEntry pending = m_pending;
    m_pending = ChatModelEntry();
    useModel(pending.label, pending.model, m_pendingLive);
}

void ChatPane::loadPath(const QString &label, const QString &path, const QString &tokenizerPath, bool bf16)
{
    if (isBusy())
        return;
    m_loading = true;
    m_live = false;
    m_loadingLabel = label;
    m_loadingPath = path;
    m_progress->setValue(0);
    m_progress->show();
    m_picker->setEnabled(false);
    setStatus(tr("Loading %1…").arg(label));
    Q_EMIT loadRequested(path, tokenizerPath, bf16, m_turns, ++m_request);
    Q_EMIT busyChanged();
}

void ChatPane::startReply()
{
    m_generating = true;
    m_streamed.clear();
    render();
    m_transcript->append(QStringLiteral("<p><b>%1</b></p>").arg(tr("Assistant")));
    QTextCursor cursor(m_transcript->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
    setStatus(tr("Generating…"));
    Q_EMIT busyChanged();
}

bool ChatPane::send(const QString &text, const ChatSettings &settings)
{
    if (isBusy() || !m_model || text.trimmed().isEmpty())
        return false;
    m_beforeReply = m_turns;
    m_turns << userTurn(text);
    startReply();
    Q_EMIT sendRequested(text, settings);
    return true;
}

bool ChatPane::regenerate(const ChatSettings &settings)
{
    if (isBusy() || !m_model || m_turns.isEmpty())
        return false;
    m_beforeReply = m_turns;
    if (m_turns.last().role == QLatin1String("assistant"))
        m_turns.removeLast();
    startReply();
    Q_EMIT regenerateRequested(settings);
    return true;
}

bool ChatPane::editAndResend(int turnIndex, const QString &text, const ChatSettings &settings)
{
    if (isBusy() || !m_model || turnIndex < 0 || turnIndex >= m_turns.size()
        || m_turns[turnIndex].role != QLatin1String("user") || text.trimmed().isEmpty())
        return false;
    m_beforeReply = m_turns;
    m_turns.resize(turnIndex);
    const ChatTurns kept = m_turns;
    m_turns << userTurn(text);
    startReply();
    Q_EMIT editRequestedToWorker(kept, text, settings);
    return true;
}

void ChatPane::stop()
{
    m_worker->requestStop();
}

void ChatPane::reset()
{
    if (isBusy())
        return;
    m_turns.clear();
    render();
    setStatus(QString());
    Q_EMIT resetRequested();
}

void ChatPane::setConversation(const QString &modelLabel, const ChatTurns &turns)
{
    m_turns = turns;
    render();
    if (m_model)
        Q_EMIT setHistoryRequested(turns);
    setStatus(m_model ? tr("Conversation loaded; it goes on with %1.").arg(m_modelLabel)
                      : tr("Conversation loaded (it was with %1). Choose a model to continue it.")
                            .arg(modelLabel.isEmpty() ? tr("an unnamed model") : modelLabel));
}

void ChatPane::render()
{
    QString html;
    for (int i = 0; i < m_turns.size(); ++i) {
        const ChatTurn &t = m_turns[i];
        if (t.role == QLatin1String("user")) {
            html += QStringLiteral("<p style='margin-top:10px'><b>%1</b> &nbsp;<a href='edit:%2'>%3</a></p><p>%4</p>")
                        .arg(tr("You"))
                        .arg(i)
                        .arg(tr("Edit"))
                        .arg(t.text.toHtmlEscaped().replace(QLatin1Char('\n'), QLatin1String("<br>")));
        } else {
            html += QStringLiteral("<p style='margin-top:10px'><b>%1</b></p>").arg(tr("Assistant"));
            html += markdownBody(t.text);
            QString info = tr("%1 tokens/s · %2 tokens · stopped by %3")
                               .arg(t.tokensPerSecond, 0, 'f', 1)
                               .arg(t.tokens)
                               .arg(stopReasonText(t.stopReason));
            if (t.seed >= 0)
                info += QStringLiteral(" · ") + tr("seed %1").arg(t.seed);
            if (t.droppedTurns > 0)
                info += QStringLiteral(" · ") + tr("%n oldest exchange(s) left out to fit the context", nullptr, t.droppedTurns);
            html += QStringLiteral("<p style='color:#707070'><small>%1</small></p>").arg(info.toHtmlEscaped());
        }
    }
    m_transcript->setHtml(html);
    m_transcript->verticalScrollBar()->setValue(m_transcript->verticalScrollBar()->maximum());
}

void ChatPane::setStatus(const QString &text, bool error)
{
    m_status->setStyleSheet(error ? QStringLiteral("color:#b00020") : QString());
    m_status->setText(text);
}

// A load ended (it answered, failed or was overtaken): the picker is free again.
void ChatPane::endLoading()
{
    m_loading = false;
    m_progress->hide();
    m_picker->setEnabled(true);
}
