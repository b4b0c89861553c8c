#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace tbtest {

struct CliRun {
    int exitCode = -1; // -1 when it crashed or timed out
    QString out, err;
};

// Runs the built tunebench-cli with `args` (and `input` on stdin), as a user would.
CliRun runCli(const QStringList &args, const QByteArray &input = {}, int timeoutMs = 300000);

} // namespace tbtest
