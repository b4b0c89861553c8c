#pragma once

#include <QCoreApplication>
#include <QString>

// A run's status as the engine writes it (finished, stopped, early_stopped), in the UI's language.
inline QString runStatusText(const QString &status)
{
    if (status == QLatin1String("finished"))
        return QCoreApplication::translate("TrainPage", "finished");
    if (status == QLatin1String("stopped"))
        return QCoreApplication::translate("TrainPage", "stopped");
    if (status == QLatin1String("early_stopped"))
        return QCoreApplication::translate("TrainPage", "stopped early");
    return status;
}
