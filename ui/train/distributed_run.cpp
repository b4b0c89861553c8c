#include "distributed_run.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#ifdef Q_OS_UNIX
#include <csignal>
#endif

DistributedRun::DistributedRun(QObject *parent) : QObject(parent)
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
    const QJsonObject config = QJsonDocument::fromJson(configJson.toUtf8()).object();
    m_runDir = config.value(QStringLiteral("run_dir")).toString();
    m_totalSteps = qint64(config.value(QStringLiteral("max_steps")).toDouble());
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
    m_metrics.setFileName(QDir(m_runDir).filePath(QStringLiteral("metrics.jsonl")));
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
        const QJsonObject o = QJsonDocument::fromJson(m_pending.left(end)).object();
        m_pending.remove(0, end + 1);
        const qint64 step = qint64(o.value(QStringLiteral("step")).toDouble());
        if (o.contains(QStringLiteral("loss"))) {
            const double elapsed = o.value(QStringLiteral("elapsed_s")).toDouble();
            const double eta = step > 0 ? elapsed / double(step) * double(m_totalSteps - step) : 0.0;
            Q_EMIT stepReported({step, m_totalSteps, o.value(QStringLiteral("loss")).toDouble(),
                                 o.value(QStringLiteral("lr")).toDouble(), o.value(QStringLiteral("grad_norm")).toDouble(),
                                 o.value(QStringLiteral("tokens_per_s")).toDouble(), eta,
                                 o.value(QStringLiteral("rss_mb")).toDouble()});
            continue;
        }
        QVariantMap metrics;
        for (auto it = o.begin(); it != o.end(); ++it)
            if (it.value().isDouble() && it.key() != QLatin1String("step") && it.key() != QLatin1String("epoch")
                && it.key() != QLatin1String("elapsed_s"))
                metrics.insert(it.key(), it.value().toDouble());
        if (!metrics.isEmpty())
            Q_EMIT evalReported({step, metrics, o.value(QStringLiteral("final")).toBool(),
                                 o.value(QStringLiteral("best")).toBool()});
    }
}

void DistributedRun::onExited(int exitCode, QProcess::ExitStatus status)
{
    poll(); // the last lines rank 0 wrote
    m_timer.stop();
    m_metrics.close();
    QFile summaryFile(QDir(m_runDir).filePath(QStringLiteral("run.json")));
    const QJsonObject summary = summaryFile.open(QIODevice::ReadOnly)
        ? QJsonDocument::fromJson(summaryFile.readAll()).object()
        : QJsonObject();
    if (status != QProcess::NormalExit || exitCode != 0 || summary.isEmpty()) {
        Q_EMIT failed(tr("the %1 processes ended with an error (exit code %2): %3")
                          .arg(m_processes)
                          .arg(exitCode)
                          .arg(m_lastLines.isEmpty() ? tr("no output") : m_lastLines.join(QLatin1Char('\n'))));
        return;
    }
    Q_EMIT finished({summary.value(QStringLiteral("status")).toString(), m_runDir,
                     summary.value(QStringLiteral("peak_rss_mb")).toDouble(),
                     summary.value(QStringLiteral("estimated_mb")).toDouble()});
}
