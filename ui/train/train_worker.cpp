#include "train_worker.h"

#include "error.h"
#include "train_config.h"
#include "trainer.h"

TrainWorker::TrainWorker() : m_control(std::make_unique<tb::TrainControl>()) {}

TrainWorker::~TrainWorker() = default;

void TrainWorker::setPaused(bool paused)
{
    m_control->pause = paused;
}

void TrainWorker::requestStop()
{
    m_control->stop = true;
}

void TrainWorker::requestSnapshot()
{
    m_control->snapshotRequested = true;
}

std::shared_ptr<const tb::ModelSnapshot> TrainWorker::latestSnapshot() const
{
    return m_control->latestSnapshot();
}

void TrainWorker::start(const QString &configJson)
{
    run(false, configJson);
}

void TrainWorker::resume(const QString &runDir)
{
    run(true, runDir);
}

void TrainWorker::run(bool resume, const QString &argument)
{
    m_control->stop = false;
    m_control->pause = false;
    auto callback = [this](const tb::TrainEvent &e) {
        switch (e.kind) {
        case tb::TrainEvent::Kind::Step:
            Q_EMIT stepReported({e.step, e.totalSteps, e.loss, e.learningRate, e.gradNorm, e.tokensPerSecond,
                                 e.etaSeconds, double(e.rssBytes) / (1024.0 * 1024.0)});
            break;
        case tb::TrainEvent::Kind::Eval: {
            QVariantMap metrics;
            for (const auto &[key, value] : e.metrics)
                metrics.insert(QString::fromStdString(key), value);
            Q_EMIT evalReported({e.step, metrics, e.final, e.best});
            break;
        }
        case tb::TrainEvent::Kind::Checkpoint:
            Q_EMIT logLine(tr("checkpoint %1").arg(QString::fromStdString(e.message)));
            break;
        case tb::TrainEvent::Kind::Log:
            Q_EMIT logLine(QString::fromStdString(e.message));
            break;
        }
    };
    try {
        const tb::TrainResult r = resume
            ? tb::resumeTraining(argument.toStdString(), callback, m_control.get())
            : tb::runTraining(tb::trainConfigFromJson(argument.toStdString(), "the Train page"), callback,
                              m_control.get());
        Q_EMIT finished({QString::fromStdString(r.status), QString::fromStdString(r.runDir),
                         double(r.peakRssBytes) / (1024.0 * 1024.0), double(r.estimatedBytes) / (1024.0 * 1024.0)});
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}
