#pragma once

#include <QObject>
#include <QString>

// Exports a run's best (else last) checkpoint, LoRA merged, off the GUI thread.
class RunsWorker : public QObject {
    Q_OBJECT

public Q_SLOTS:
    void exportRun(const QString &runDir, const QString &output, const QString &format);

Q_SIGNALS:
    void exported(const QString &output, const QString &error); // error empty on success
};
