#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QVariantMap>

// What a training run reports to the Train page, one type per event: TrainWorker (a run in
// this process) and DistributedRun (a run of several processes) emit the same ones, so the
// page draws either the same way. Plain values only; queued across threads.

// One optimizer step (tb::TrainEvent::Kind::Step).
struct TrainStepReport {
    qint64 step = 0;
    qint64 totalSteps = 0;
    double loss = 0.0;
    double learningRate = 0.0;
    double gradNorm = 0.0;
    double tokensPerSecond = 0.0;
    double etaSeconds = 0.0;
    double rssMb = 0.0;
};

// One evaluation (tb::TrainEvent::Kind::Eval): metric name -> value.
struct TrainEvalReport {
    qint64 step = 0;
    QVariantMap metrics;
    bool final = false; // the run's last evaluation
    bool best = false;  // the best value of the early-stopping metric so far
};

// How a run ended.
struct TrainEndReport {
    QString status; // finished, stopped, early_stopped
    QString runDir;
    double peakRssMb = 0.0;
    double estimateMb = 0.0;
};

Q_DECLARE_METATYPE(TrainStepReport)
Q_DECLARE_METATYPE(TrainEvalReport)
Q_DECLARE_METATYPE(TrainEndReport)

// What reports a run: TrainWorker and DistributedRun. The signals are declared once, here.
class TrainReporter : public QObject {
    Q_OBJECT

public:
    using QObject::QObject;

Q_SIGNALS:
    void stepReported(const TrainStepReport &report);
    void evalReported(const TrainEvalReport &report);
    void logLine(const QString &line);
    void finished(const TrainEndReport &report);
    void failed(const QString &message);
};
