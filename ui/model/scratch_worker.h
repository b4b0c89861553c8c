#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>

// The Model page's own engine calls, on its own thread: the matmul throughput probe behind
// the time-per-step estimates, and training a tokenizer on the current dataset.
class ScratchWorker : public QObject {
    Q_OBJECT

public Q_SLOTS:
    // Emits throughputMeasured with this machine's float32 matmul FLOP/s (about 0.2 s).
    void measureThroughput();
    // Trains a SentencePiece tokenizer on `datasetPath` (any dataset format: its text is
    // extracted as the trainer does) and writes `outputPath` (a .model file).
    void trainTokenizer(const QString &datasetPath, const QString &outputPath, int vocabSize,
                        const QString &modelType);

Q_SIGNALS:
    void throughputMeasured(double flopsPerSecond);
    // path, pieces, model_type, bos_id, eos_id, sample (a dataset line), sample_tokens (its
    // pieces as a person reads them) and sample_token_count (its number of ids).
    void tokenizerTrained(const QVariantMap &result);
    void tokenizerFailed(const QString &message);

private:
    void configureThread();
    bool m_threadsConfigured = false;
};
