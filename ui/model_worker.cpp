#include "model_worker.h"

#include "app_settings.h"
#include "chat_session.h"
#include "device.h"
#include "error.h"
#include "model_loader.h"
#include "model_snapshot.h"
#include "runtime.h"
#include "tokenizer.h"

#include <QDateTime>
#include <QLocale>

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
    // OpenMP keeps its thread count per OS thread: set it here, not only in main(). Read at
    // every load, so a change on the Settings page applies to the next model.
    tb::configureThreads(AppSettings::threads());
    state.threadsConfigured = true;
}

void ModelWorker::load(const QString &path, const QString &tokenizerPath, bool bf16)
{
    configureWorkerThread(*d);
    m_stop = false;
    try {
        tb::LoadOptions options;
        options.computeDtype = bf16 ? torch::kBFloat16 : torch::kFloat;
        options.tokenizerPath = tokenizerPath.toStdString();
        options.device = tb::resolveDevice(AppSettings::device().toStdString()); // Settings page
        options.progress = [this](double fraction, const std::string &tensor) {
            Q_EMIT loadProgress(int(fraction * 100), QString::fromStdString(tensor));
            return !m_stop.load();
        };
        tb::LoadedModel result = tb::loadModel(path.toStdString(), options);
        const tb::ModelConfig &c = result.model->config();
        QString templateName = tr("none");
        if (result.tokenizer) {
            const auto kind = tb::detectChatTemplate(result.tokenizer->chatTemplateSource());
            templateName = QString::fromStdString(tb::chatTemplateName(kind));
            d->session = std::make_unique<tb::ChatSession>(result.model, result.tokenizer, kind);
        } else {
            d->session.reset();
        }
        const QString card =
            QStringLiteral("<h3>%1</h3><table>").arg(path.toHtmlEscaped())
            + QStringLiteral("<tr><td>%1</td><td>%2</td></tr>").arg(tr("Format"), QString::fromStdString(result.format))
            + QStringLiteral("<tr><td>%1</td><td>Llama: %2 × %3, %4 / %5 %6</td></tr>")
                  .arg(tr("Architecture"))
                  .arg(c.numLayers)
                  .arg(c.hiddenSize)
                  .arg(c.numHeads)
                  .arg(c.numKvHeads)
                  .arg(tr("heads / KV heads"))
            + QStringLiteral("<tr><td>%1</td><td>%2</td></tr>")
                  .arg(tr("Parameters"), QLocale().toString(qlonglong(c.parameterCount())))
            + QStringLiteral("<tr><td>%1</td><td>%2 → %3</td></tr>")
                  .arg(tr("Stored / compute dtype"), QString::fromStdString(result.storedDtype),
                       bf16 ? QStringLiteral("bf16") : QStringLiteral("f32"))
            + QStringLiteral("<tr><td>%1</td><td>%2</td></tr>").arg(tr("Context")).arg(c.maxPositions)
            + QStringLiteral("<tr><td>%1</td><td>%2</td></tr>")
                  .arg(tr("Tokenizer"), result.tokenizer ? tr("SentencePiece, %1 pieces").arg(result.tokenizer->vocabSize())
                                                         : tr("none"))
            + QStringLiteral("<tr><td>%1</td><td>%2</td></tr>").arg(tr("Chat template"), templateName)
            + QStringLiteral("<tr><td>%1</td><td id='threads'>%2</td></tr>")
                  .arg(tr("Threads"))
                  .arg(torch::get_num_threads())
            + QStringLiteral("</table>");
        d->loaded = std::move(result);
        Q_EMIT loaded(card, bool(d->loaded.tokenizer));
    } catch (const tb::Cancelled &) {
        Q_EMIT loadFailed(tr("Loading was cancelled."));
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
