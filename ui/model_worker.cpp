#include "model_worker.h"

#include "model_card.h"

#include "chat_session.h"
#include "error.h"
#include "model_loader.h"
#include "model_snapshot.h"
#include "run_checkpoint.h"
#include "runtime.h"
#include "tokenizer.h"

#include <QDateTime>

namespace tb {
struct ModelWorkerState {
    LoadedModel loaded;
    SnapshotPtr snapshot; // when chatting with a run in progress
    std::unique_ptr<ChatSession> session;
    QString systemPrompt;
    bool threadsConfigured = false;
};
} // namespace tb

ModelWorker::ModelWorker() : d(std::make_unique<tb::ModelWorkerState>()) {}

ModelWorker::~ModelWorker() = default;

static void configureWorkerThread(tb::ModelWorkerState &state)
{
    // OpenMP keeps its thread count per OS thread: set it here, not only in main().
    if (!state.threadsConfigured) {
        tb::configureThreads(0);
        state.threadsConfigured = true;
    }
}

void ModelWorker::load(const QString &path, const QString &tokenizerPath, bool bf16)
{
    configureWorkerThread(*d);
    m_stop = false;
    if (m_cancelLoad) { // cancelled before it started
        Q_EMIT loadCancelled();
        return;
    }
    try {
        tb::LoadOptions options;
        options.computeDtype = bf16 ? torch::kBFloat16 : torch::kFloat;
        options.tokenizerPath = tokenizerPath.toStdString();
        options.progress = [this](double fraction, const std::string &tensor) {
            Q_EMIT loadProgress(int(fraction * 100), QString::fromStdString(tensor));
            return !m_stop.load() && !m_cancelLoad.load();
        };
        tb::LoadedModel result = tb::loadCheckpoint(path.toStdString(), options);
        if (m_cancelLoad) { // Cancel pressed after the last tensor: keep the model in use
            Q_EMIT loadCancelled();
            return;
        }
        const QString card = ModelCard::html(result, path, bf16, torch::get_num_threads());
        if (result.tokenizer) {
            const auto kind = tb::detectChatTemplate(result.tokenizer->chatTemplateSource());
            d->session = std::make_unique<tb::ChatSession>(result.model, result.tokenizer, kind);
        } else {
            d->session.reset();
        }
        d->loaded = std::move(result);
        Q_EMIT loaded(card, bool(d->loaded.tokenizer));
    } catch (const tb::Cancelled &) {
        Q_EMIT loadCancelled();
    } catch (const std::exception &e) {
        std::string message = e.what();
        Q_EMIT loadFailed(QString::fromStdString(message.substr(0, message.find('\n'))));
    }
}

void ModelWorker::chat(const QString &userText, const QString &systemPrompt, double temperature, int maxNewTokens)
{
    configureWorkerThread(*d);
    m_stop = false;
    if (!d->session) {
        Q_EMIT replyFailed(tr("Load a model with a tokenizer first."));
        return;
    }
    try {
        if (systemPrompt != d->systemPrompt) {
            d->session->setSystemPrompt(systemPrompt.toStdString());
            d->systemPrompt = systemPrompt;
        }
        tb::SamplingOptions options;
        options.temperature = temperature;
        options.maxNewTokens = maxNewTokens;
        options.topP = temperature > 0 ? 0.95 : 1.0;
        options.seed = uint64_t(QDateTime::currentMSecsSinceEpoch());
        auto reply = d->session->send(
            userText.toStdString(), options,
            [this](int64_t, const std::string &text) {
                if (!text.empty())
                    Q_EMIT tokenArrived(QString::fromStdString(text));
                return true;
            },
            &m_stop);
        Q_EMIT replyFinished(reply.generation.tokensPerSecond(),
                             QString::fromStdString(tb::stopReasonName(reply.generation.reason)), reply.droppedTurns);
    } catch (const std::exception &e) {
        std::string message = e.what();
        Q_EMIT replyFailed(QString::fromStdString(message.substr(0, message.find('\n'))));
    }
}

void ModelWorker::useSnapshot(const SnapshotPtr &snapshot)
{
    configureWorkerThread(*d);
    if (!snapshot)
        return;
    d->snapshot = snapshot;
    d->session = std::make_unique<tb::ChatSession>(tb::LlamaModel(snapshot->model), snapshot->tokenizer,
                                                   snapshot->chatTemplate);
    d->systemPrompt.clear();
    Q_EMIT snapshotInUse(snapshot->step);
}

void ModelWorker::resetChat()
{
    if (d->session)
        d->session->reset();
}
