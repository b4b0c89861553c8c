#include "cli_runner.h"

#include "test_support.h"

#include <QProcess>

namespace tbtest {

CliRun runCli(const QStringList &args, const QByteArray &input, int timeoutMs)
{
    QProcess p;
    p.start(buildDir() + "/app/tunebench-cli", args);
    if (!input.isEmpty()) {
        p.write(input);
        p.closeWriteChannel();
    }
    if (!p.waitForFinished(timeoutMs))
        p.kill();
    CliRun r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace tbtest
