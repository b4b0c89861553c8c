#include "classify_worker.h"

#include "app_settings.h"

#include "dataset.h"
#include "error.h"
#include "run_checkpoint.h"
#include "runtime.h"
#include "classify.h"
#include "classifier_evaluation.h"
#include "classifier_folder.h"
#include "sequence_classifier.h"
#include "tokenizer.h"

#include <algorithm>
#include <numeric>

namespace tb {
struct ClassifyWorkerState {
    LoadedClassifier loaded;
    bool threadsConfigured = false;
};
} // namespace tb

ClassifyWorker::ClassifyWorker() : d(std::make_unique<tb::ClassifyWorkerState>()) {}

ClassifyWorker::~ClassifyWorker() = default;

void ClassifyWorker::load(const QString &path)
{
    // OpenMP keeps its thread count per OS thread; read at every load (Settings page).
    tb::configureThreads(AppSettings::threads());
    d->threadsConfigured = true;
    try {
        const std::string source = tb::resolveCheckpoint(path.toStdString());
        if (!tb::isClassifierFolder(source))
            throw tb::Error(source + ": not an intent classifier (train one with task = \"classification\")");
        d->loaded = tb::loadClassifier(source);
        if (!d->loaded.tokenizer)
            throw tb::Error(source + ": carries no tokenizer");
        QStringList labels;
        for (const std::string &l : d->loaded.classifier->labelNames())
            labels << QString::fromStdString(l);
        Q_EMIT loaded(QString::fromStdString(source), labels);
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void ClassifyWorker::classifyText(const QString &text)
{
    if (!d->loaded.classifier) {
        Q_EMIT failed(tr("Load a classifier first."));
        return;
    }
    try {
        const std::vector<double> p = tb::classify(d->loaded.classifier, *d->loaded.tokenizer, text.toStdString());
        std::vector<size_t> order(p.size());
        std::iota(order.begin(), order.end(), size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] > p[b]; });
        QStringList labels;
        QVariantList probabilities;
        for (size_t i : order) {
            labels << QString::fromStdString(d->loaded.classifier->labelNames()[i]);
            probabilities << p[i];
        }
        Q_EMIT textClassified(text, labels, probabilities);
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void ClassifyWorker::classifyFile(const QString &path)
{
    if (!d->loaded.classifier) {
        Q_EMIT failed(tr("Load a classifier first."));
        return;
    }
    try {
        tb::DatasetOptions options;
        options.format = tb::DatasetFormat::Classification;
        options.contextLength = d->loaded.classifier->config().maxPositions;
        options.validationRatio = 0.0;
        tb::Dataset data = tb::loadDataset(path.toStdString(), *d->loaded.tokenizer, options);
        // The file's label names map onto the classifier's.
        for (tb::Example &e : data.train) {
            const std::string &name = data.labelNames[size_t(e.label)];
            e.label = d->loaded.classifier->labelId(name);
            if (e.label < 0)
                throw tb::Error(path.toStdString() + ":" + std::to_string(e.sourceLine) + ": label \"" + name
                                + "\" is not one the classifier knows");
        }
        if (data.train.empty())
            throw tb::Error(path.toStdString() + ": no usable rows");
        const tb::ClassifierEvaluation e = tb::evaluateClassifier(d->loaded.classifier, data.train, 16,
                                                                  std::max<int64_t>(0, d->loaded.tokenizer->padId()));
        QStringList labels;
        for (const std::string &l : d->loaded.classifier->labelNames())
            labels << QString::fromStdString(l);
        QVariantList confusion;
        for (int64_t t = 0; t < e.metrics.confusion.numClasses(); ++t) {
            QVariantList row;
            for (int64_t p = 0; p < e.metrics.confusion.numClasses(); ++p)
                row << qlonglong(e.metrics.confusion.count(t, p));
            confusion << QVariant(row);
        }
        Q_EMIT fileClassified(labels, confusion, QString::fromStdString(tb::metricsToText(e.metrics)),
                              e.metrics.accuracy, e.metrics.macroF1);
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}
