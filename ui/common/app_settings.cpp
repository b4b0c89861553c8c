#include "app_settings.h"

#include <QSettings>

namespace {

// Named explicitly so tests and both programs share one store whatever the
// QCoreApplication names are.
QSettings store()
{
    return QSettings(QStringLiteral("Tunebench"), QStringLiteral("Tunebench"));
}

} // namespace

namespace AppSettings {

QString device()
{
    return store().value(QStringLiteral("compute/device"), QStringLiteral("auto")).toString();
}

void setDevice(const QString &device)
{
    store().setValue(QStringLiteral("compute/device"), device);
}

int threads()
{
    return qMax(0, store().value(QStringLiteral("compute/threads"), 0).toInt());
}

void setThreads(int threads)
{
    store().setValue(QStringLiteral("compute/threads"), qMax(0, threads));
}

QString language()
{
    return store().value(QStringLiteral("ui/language")).toString();
}

void setLanguage(const QString &language)
{
    store().setValue(QStringLiteral("ui/language"), language);
}

} // namespace AppSettings
