#include "test_support.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

namespace tbtest {

QString sharedDir()
{
    const QByteArray env = qgetenv("TUNEBENCH_SHARED");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
    return QDir(sourceDir()).absoluteFilePath(QStringLiteral("../shared"));
}

QString sharedFile(const QString &relative)
{
    const QString path = QDir(sharedDir()).absoluteFilePath(relative);
    return QFileInfo::exists(path) ? QDir::cleanPath(path) : QString();
}

bool inCi()
{
    const QByteArray ci = qgetenv("CI");
    return ci == "true" || ci == "1";
}

QString tempDir()
{
    static std::vector<std::unique_ptr<QTemporaryDir>> dirs;
    dirs.push_back(std::make_unique<QTemporaryDir>());
    return dirs.back()->path();
}

QString buildDir()
{
    const QByteArray env = qgetenv("TUNEBENCH_BUILD_DIR");
    return env.isEmpty() ? QDir::currentPath() : QString::fromLocal8Bit(env);
}

QString sourceDir()
{
    const QByteArray env = qgetenv("TUNEBENCH_SOURCE_DIR");
    return env.isEmpty() ? QStringLiteral(".") : QString::fromLocal8Bit(env);
}

} // namespace tbtest
