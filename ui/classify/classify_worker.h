#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <memory>

namespace tb {
struct ClassifyWorkerState;
}

// Loads an intent classifier (a checkpoint or a run's best) and classifies on its own thread.
class ClassifyWorker : public QObject {
    Q_OBJECT

public:
    ClassifyWorker();
    ~ClassifyWorker() override;

public Q_SLOTS:
    void load(const QString &path);
    void classifyText(const QString &text);
    // A labelled CSV/TSV/JSONL: accuracy, macro-F1, per-class figures and the confusion matrix.
    void classifyFile(const QString &path);

Q_SIGNALS:
    void loaded(const QString &path, const QStringList &labels);
    // Labels and probabilities, most probable first.
    void textClassified(const QString &text, const QStringList &labels, const QVariantList &probabilities);
    // confusion[truth][predicted]; summary: accuracy, macro_f1, examples.
    void fileClassified(const QStringList &labels, const QVariantList &confusion, const QString &report,
                        double accuracy, double macroF1);
    void failed(const QString &message);

private:
    std::unique_ptr<tb::ClassifyWorkerState> d;
};
