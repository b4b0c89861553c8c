#pragma once

#include "train_events.h"

#include <QFile>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QTemporaryFile>
#include <QTimer>

#include <memory>

// A data-parallel run with N local processes, shown as one run. It starts the CLI's own
// launcher (`tunebench-cli train CONFIG --nproc N`: c10d over Gloo on 127.0.0.1), so the
// GUI trains exactly what the command line trains. Rank 0 alone writes metrics.jsonl, with
// the losses and metrics already reduced over every rank; this object tails that file and
// reports its lines as a TrainReporter, as TrainWorker does. It lives on the GUI thread: the
// process is asynchronous and each poll reads only the new lines.
class DistributedRun : public TrainReporter {
    Q_OBJECT

public:
    explicit DistributedRun(QObject *parent = nullptr);
    ~DistributedRun() override;

    // configJson as the Train page builds it (with run_dir set). False with `error` set when
    // the launcher cannot be started.
    bool start(const QString &configJson, int processes, QString *error);
    // Asks every rank to stop at its next step boundary and save a checkpoint (SIGINT to the
    // launcher, which forwards it).
    void stop();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    // tunebench-cli next to this program (installed or in the build tree).
    static QString cliPath();

private:
    void poll();
    void onExited(int exitCode, QProcess::ExitStatus status);

    QProcess m_process;
    QTimer m_timer;
    std::unique_ptr<QTemporaryFile> m_config;
    QFile m_metrics;
    QByteArray m_pending; // a line rank 0 has not finished writing yet
    QByteArray m_output;  // the launcher's output not yet split into lines
    QString m_runDir;
    QStringList m_lastLines; // for the error message when a rank fails
    qint64 m_totalSteps = 0;
    int m_processes = 0;
};
