#include "model_worker.h"

#include "model_card.h"

#include "app_settings.h"
#include "chat_template.h"
#include "device.h"
#include "error.h"
#include "model_loader.h"
#include "model_snapshot.h"
#include "run_checkpoint.h"
#include "runtime.h"
#include "tokenizer.h"

#include <QFileInfo>

namespace tb {
struct ModelWorkerState {
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
    if (m_cancelLoad) { // cancelled before it started
        Q_EMIT loadCancelled();
        return;
    }
    try {
        tb::LoadOptions options;
        options.computeDtype = bf16 ? torch::kBFloat16 : torch::kFloat;
        options.tokenizerPath = tokenizerPath.toStdString();
        options.device = tb::resolveDevice(AppSettings::device().toStdString()); // Settings page
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
        const bool hasTokenizer = bool(result.tokenizer);
        Q_EMIT loaded(card, hasTokenizer);
        if (hasTokenizer) {
            // The chat holds the model from here; this worker keeps no reference, so the
            // memory goes when the chat lets go of it.
            auto model = std::make_shared<tb::ModelSnapshot>();
            model->step = -1;
            model->model = result.model;
            model->model->eval();
            model->tokenizer = result.tokenizer;
            model->chatTemplate = tb::detectChatTemplate(result.tokenizer->chatTemplateSource());
            Q_EMIT modelReady(model, QFileInfo(path).fileName());
        }
    } catch (const tb::Cancelled &) {
        Q_EMIT loadCancelled();
    } catch (const std::exception &e) {
        std::string message = e.what();
        Q_EMIT loadFailed(QString::fromStdString(message.substr(0, message.find('\n'))));
    }
}
