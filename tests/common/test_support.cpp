#include "test_support.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QFile>
#include <QLocale>
#include <QTranslator>
#include <QDir>
#include <QFileInfo>
#include <QStringList>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <exception>
#include <thread>

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

QByteArray intentsCsv(int perIntent, int offset)
{
    const QStringList items = {"shoes", "jacket", "lamp", "phone", "book", "desk", "chair", "watch", "bag", "scarf"};
    const QStringList names = {"Anna", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun"};
    QByteArray csv = "text,label\n";
    for (int i = 0; i < perIntent; ++i) {
        const QString item = items[(i + offset) % items.size()], name = names[(i * 3 + offset) % names.size()];
        const int n = 1000 + 37 * i + offset;
        csv += QString("where is my order %1,order_status\n").arg(n).toUtf8();
        csv += QString("I want a refund for the %1,refund\n").arg(item).toUtf8();
        csv += QString("\"hello, this is %1\",greeting\n").arg(name).toUtf8();
    }
    return csv;
}

QString shakespeareSample(int bytes)
{
    const QString source = sharedFile("data/tinyshakespeare.txt");
    if (source.isEmpty())
        return {};
    const QString path = tempDir() + QStringLiteral("/shakespeare-%1.txt").arg(bytes);
    if (!QFile::exists(path)) {
        QFile in(source), out(path);
        if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly))
            return {};
        out.write(in.read(bytes));
    }
    return path;
}

bool installTranslatorFromEnvironment(QObject *owner)
{
    const QString lang = qEnvironmentVariable("TB_LANG");
    if (lang.isEmpty())
        return true;
    auto *translator = new QTranslator(owner);
    if (!translator->load(QLocale(lang), "tunebench", "_", ":/i18n"))
        return false;
    QCoreApplication::installTranslator(translator);
    return true;
}

void onWorkerThread(const std::function<void()> &work)
{
    std::exception_ptr failure;
    std::thread worker([&] {
        try {
            work();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    worker.join();
    if (failure)
        std::rethrow_exception(failure);
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    QCOMPARE(f.write(content), qint64(content.size()));
}

QString joinIds(const QJsonArray &ids)
{
    QStringList s;
    for (const auto &v : ids)
        s << QString::number(v.toInt());
    return s.join(',');
}

} // namespace tbtest
