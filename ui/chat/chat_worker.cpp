#include "chat_worker.h"

#include "chat_session.h"
#include "error.h"
#include "model_snapshot.h"
#include "run_checkpoint.h"
#include "runtime.h"
#include "tokenizer.h"

#include <QFileInfo>

namespace tb {
struct ChatWorkerState {
    SnapshotPtr model; // holding it keeps a live run's snapshot valid
    std::unique_ptr<ChatSession> session;
    bool threadsConfigured = false;
};
} // namespace tb

namespace {

std::vector<tb::ChatMessage> toMessages(const ChatTurns &turns)
{
    std::vector<tb::ChatMessage> messages;
    for (const ChatTurn &t : turns)
        messages.push_back({t.role.toStdString(), t.text.toStdString()});
    return messages;
}

QString firstLine(const std::exception &e)
{
    const std::string message = e.what();
    return QString::fromStdString(message.substr(0, message.find('\n')));
}

} // namespace

ChatWorker::ChatWorker() : d(std::make_unique<tb::ChatWorkerState>()) {}

ChatWorker::~ChatWorker() = default;

void ChatWorker::useModel(const SnapshotPtr &model, const ChatTurns &history, int request)
{
    // OpenMP keeps its thread count per OS thread: set it on this one.
    if (!d->threadsConfigured) {
        tb::configureThreads(0);
        d->threadsConfigured = true;
    }
    if (!model || !model->tokenizer) {
        Q_EMIT loadFailed(tr("This model has no tokenizer, so it cannot chat."), request);
        return;
    }
    try {
        auto session = std::make_unique<tb::ChatSession>(tb::LlamaModel(model->model), model->tokenizer,
                                                         model->chatTemplate);
        session->setMessages(toMessages(history));
        d->session = std::move(session);
        d->model = model;
        Q_EMIT modelReady(model, QString::fromStdString(tb::chatTemplateName(model->chatTemplate)),
                          int(model->model->config().maxPositions), qint64(model->step), request);
        Q_EMIT historyChanged(int(d->session->messages().size()));
    } catch (const std::exception &e) {
        Q_EMIT loadFailed(firstLine(e), request);
    }
}

void ChatWorker::loadModel(const QString &path, const QString &tokenizerPath, bool bf16, const ChatTurns &history,
                           int request)
{
    if (!d->threadsConfigured) {
        tb::configureThreads(0);
        d->threadsConfigured = true;
    }
    m_stop = false;
    try {
        tb::LoadOptions options;
        options.computeDtype = bf16 ? torch::kBFloat16 : torch::kFloat;
        options.tokenizerPath = tokenizerPath.toStdString();
        options.progress = [this](double fraction, const std::string &) {
            Q_EMIT loadProgress(int(fraction * 100));
            return !m_stop.load();
        };
        tb::LoadedModel loaded = tb::loadCheckpoint(path.toStdString(), options);
        if (!loaded.tokenizer) {
            Q_EMIT loadFailed(tr("%1 has no tokenizer, so it cannot chat; open it on the Model page with a "
                                 "tokenizer file")
                                  .arg(QFileInfo(path).fileName()),
                              request);
            return;
        }
        auto snapshot = std::make_shared<tb::ModelSnapshot>();
        loaded.model->eval();
        snapshot->model = loaded.model;
        snapshot->tokenizer = loaded.tokenizer;
        snapshot->chatTemplate = tb::detectChatTemplate(loaded.tokenizer->chatTemplateSource());
        useModel(snapshot, history, request);
    } catch (const tb::Cancelled &) {
        Q_EMIT loadFailed(tr("Loading was cancelled."), request);
    } catch (const std::exception &e) {
        Q_EMIT loadFailed(firstLine(e), request);
    }
}

void ChatWorker::send(const QString &text, const ChatSettings &settings)
{
    generate(Mode::Send, {}, text, settings);
}

void ChatWorker::regenerate(const ChatSettings &settings)
{
    generate(Mode::Regenerate, {}, QString(), settings);
}

void ChatWorker::editAndResend(const ChatTurns &kept, const QString &text, const ChatSettings &settings)
{
    generate(Mode::Edit, kept, text, settings);
}

void ChatWorker::generate(Mode mode, const ChatTurns &kept, const QString &text, const ChatSettings &settings)
{
    m_stop = false;
    if (!d->session) {
        Q_EMIT replyFailed(tr("Choose a model to talk to first."));
        return;
    }
    const auto before = d->session->messages();
    try {
        d->session->setSystemPrompt(settings.systemPrompt.toStdString());
        tb::SamplingOptions o;
        o.temperature = settings.temperature;
        o.topK = settings.topK;
        o.topP = settings.topP;
        o.repetitionPenalty = settings.repetitionPenalty;
        o.maxNewTokens = settings.maxNewTokens;
        o.seed = uint64_t(settings.seed);
        o.stopAtEos = settings.stopAtEos;
        for (const QString &s : settings.stopStrings)
            if (!s.isEmpty())
                o.stopStrings.push_back(s.toStdString());
        auto onToken = [this](int64_t, const std::string &piece) {
            if (!piece.empty())
                Q_EMIT tokenArrived(QString::fromStdString(piece));
            return true;
        };
        tb::ChatSession::Reply reply;
        if (mode == Mode::Regenerate) {
            reply = d->session->regenerate(o, onToken, &m_stop);
        } else {
            if (mode == Mode::Edit)
                d->session->setMessages(toMessages(kept));
            reply = d->session->send(text.toStdString(), o, onToken, &m_stop);
        }
        ChatTurn turn;
        turn.role = QStringLiteral("assistant");
        turn.text = QString::fromStdString(reply.generation.text);
        turn.tokens = int(reply.generation.ids.size());
        turn.tokensPerSecond = reply.generation.tokensPerSecond();
        turn.stopReason = QString::fromStdString(tb::stopReasonName(reply.generation.reason));
        turn.seed = settings.temperature > 0 ? settings.seed : -1; // greedy needs no seed
        turn.droppedTurns = reply.droppedTurns;
        Q_EMIT historyChanged(int(d->session->messages().size()));
        Q_EMIT replyFinished(turn);
    } catch (const std::exception &e) {
        // A failed reply (e.g. a message longer than the context) loses nothing: the history
        // is what it was before.
        d->session->setMessages(before);
        Q_EMIT historyChanged(int(d->session->messages().size()));
        Q_EMIT replyFailed(firstLine(e));
    }
}

void ChatWorker::setHistory(const ChatTurns &history)
{
    if (!d->session)
        return;
    try {
        d->session->setMessages(toMessages(history));
    } catch (const std::exception &e) {
        Q_EMIT replyFailed(firstLine(e));
    }
    Q_EMIT historyChanged(int(d->session->messages().size()));
}

void ChatWorker::reset()
{
    if (d->session)
        d->session->reset();
    Q_EMIT historyChanged(d->session ? int(d->session->messages().size()) : 0);
}
