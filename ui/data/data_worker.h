#pragma once

#include "dataset.h"

#include <QByteArrayList>
#include <QObject>
#include <QString>

#include <memory>

namespace tb {
struct DataWorkerState;
}

// What the Data page asks for: a file, how to read it, and the tokenizer to count with.
struct DataRequest {
    QString path;
    QString format = QStringLiteral("auto");
    QString tokenizer;      // a .model, or a model folder/file that carries one; empty = preview only
    QString chatTemplate;   // empty = the tokenizer's
    QString validationFile;
    double validationRatio = 0.1;
    qint64 seed = 1337;
    qint64 contextLength = 512;
};
Q_DECLARE_METATYPE(DataRequest)

// What the Data page shows of a read dataset.
struct DataReport {
    QString format;       // as detected (or as asked)
    bool tokenized = false; // false: no tokenizer was chosen; only the format is known
    QString chatTemplate;
    tb::DatasetReport rows; // counts, problems, lengths and labels (when tokenized)
    qint64 trainExamples = 0;
    qint64 validationExamples = 0;
};
Q_DECLARE_METATYPE(DataReport)

// Reads, validates and tokenises a dataset on its own thread (datasets can be large), and
// renders examples for the loss-mask view on request.
class DataWorker : public QObject {
    Q_OBJECT

public:
    DataWorker();
    ~DataWorker() override;

public Q_SLOTS:
    void load(const DataRequest &request);
    void renderExample(int index);

Q_SIGNALS:
    // The raw lines, for the preview table (line i is file line i + 1).
    void linesRead(const QByteArrayList &lines);
    void reportReady(const DataReport &report);
    void exampleReady(int index, int count, const QString &html);
    void failed(const QString &message);

private:
    std::unique_ptr<tb::DataWorkerState> d;
};
