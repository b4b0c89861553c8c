#include "distributed_run.h"

#include "error.h"
#include "run_directory.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <csignal>
#endif

DistributedRun::DistributedRun(QObject *parent) : TrainReporter(parent)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyRead, this, [this] {
        m_output += m_process.readAll();
        // The launcher's and ranks' messages, a line at a time (progress redraws use \r).
        for (qsizetype end; (end = m_output.indexOf('\n')) >= 0;) {
            const QString line = QString::fromUtf8(m_output.left(end)).trimmed();
            m_output.remove(0, end + 1);
            if (line.isEmpty())
                continue;
            m_lastLines << line;
            if (m_lastLines.size() > 8)
                m_lastLines.removeFirst();
            Q_EMIT logLine(line);
        }
    });
    connect(&m_process, &QProcess::finished, this, &DistributedRun::onExited);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            m_timer.stop();
            Q_EMIT failed(tr("%1 could not be started: %2").arg(cliPath(), m_process.errorString()));
        }
    });
    m_timer.setInterval(250);
    connect(&m_timer, &QTimer::timeout, this, &DistributedRun::poll);
}

DistributedRun::~DistributedRun()
{
    if (isRunning()) {
        stop();
        if (!m_process.waitForFinished(30000))
            m_process.kill();
    }
}

QString DistributedRun::cliPath()
{
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("tunebench-cli"));
}

bool DistributedRun::start(const QString &configJson, int processes, QString *error)
{
    if (isRunning()) {
        *error = tr("A run is already in progress.");
        return false;
    }
    tb::TrainConfig config;
    try {
        config = tb::trainConfigFromJson(configJson.toStdString(), "the run's config");
    } catch (const tb::Error &e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    m_runDir = QString::fromStdString(config.runDir);
    m_totalSteps = config.maxSteps;
    if (m_runDir.isEmpty()) {
        *error = tr("A run with several processes needs its run folder (run_dir).");
        return false;
    }
    // Candidates in order: beside this program (installed, build tree app/), then the
    // build tree's app/ seen from a test or bench folder.
    QString cli = cliPath();
    if (!QFileInfo(cli).isExecutable())
        cli = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../app/tunebench-cli"));
    if (!QFileInfo(cli).isExecutable()) {
        *error = tr("tunebench-cli was not found next to this program (%1); it runs the processes.").arg(cliPath());
        return false;
    }
    m_config = std::make_unique<QTemporaryFile>(QDir::temp().filePath(QStringLiteral("tunebench-run-XXXXXX.json")));
    if (!m_config->open() || m_config->write(configJson.toUtf8()) < 0 || !m_config->flush()) {
        *error = tr("Cannot write the run's config to %1.").arg(QDir::tempPath());
        return false;
    }
    m_metrics.close();
    m_metrics.setFileName(QString::fromStdString(tb::RunDirectory(m_runDir.toStdString()).metricsPath()));
    m_pending.clear();
    m_output.clear();
    m_lastLines.clear();
    m_processes = processes;
    m_process.start(cli, {QStringLiteral("train"), m_config->fileName(), QStringLiteral("--nproc"),
                          QString::number(processes)});
    Q_EMIT logLine(tr("started %1 processes: %2 train %3 --nproc %1").arg(processes).arg(cli, m_config->fileName()));
    m_timer.start();
    return true;
}

void DistributedRun::stop()
{
    if (!isRunning())
        return;
#ifdef Q_OS_UNIX
    ::kill(pid_t(m_process.processId()), SIGINT);
#else
    m_process.terminate();
#endif
}

void DistributedRun::poll()
{
    if (!m_metrics.isOpen() && !m_metrics.open(QIODevice::ReadOnly))
        return; // rank 0 has not created it yet
    m_pending += m_metrics.readAll();
    for (qsizetype end; (end = m_pending.indexOf('\n')) >= 0;) {
        const auto e = tb::parseMetricsLine(m_pending.left(end).toStdString());
        m_pending.remove(0, end + 1);
        if (!e)
            continue;
        if (e->kind == tb::TrainEvent::Kind::Step) {
            const double eta = e->step > 0 ? e->elapsedSeconds / double(e->step) * double(m_totalSteps - e->step) : 0.0;
            Q_EMIT stepReported({e->step, m_totalSteps, e->loss, e->learningRate, e->gradNorm, e->tokensPerSecond, eta,
                                 double(e->rssBytes) / (1024.0 * 1024.0)});
            continue;
        }
        QVariantMap metrics;
        for (const auto &[key, value] : e->metrics)
            metrics.insert(QString::fromStdString(key), value);
        if (!metrics.isEmpty())
            Q_EMIT evalReported({e->step, metrics, e->final, e->best});
    }
}

void DistributedRun::onExited(int exitCode, QProcess::ExitStatus status)
{
    poll(); // the last lines rank 0 wrote
    m_timer.stop();
    m_metrics.close();
    std::optional<tb::RunSummary> summary;
    QString damaged;
    try {
        summary = tb::RunDirectory(m_runDir.toStdString()).readSummary();
    } catch (const tb::Error &e) {
        damaged = QString::fromStdString(e.what());
    }
    if (status != QProcess::NormalExit || exitCode != 0 || !summary) {
        QStringList lines = m_lastLines;
        if (!damaged.isEmpty())
            lines << damaged;
        Q_EMIT failed(tr("the %1 processes ended with an error (exit code %2): %3")
                          .arg(m_processes)
                          .arg(exitCode)
                          .arg(lines.isEmpty() ? tr("no output") : lines.join(QLatin1Char('\n'))));
        return;
    }
    Q_EMIT finished({QString::fromStdString(summary->status), m_runDir, summary->peakRssMb, summary->estimatedMb});
}
