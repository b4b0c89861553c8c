#include "scratch_worker.h"

#include "runtime.h"
#include "step_time_estimate.h"
#include "token_display.h"
#include "tokenizer.h"
#include "tokenizer_corpus.h"

#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QTemporaryDir>

void ScratchWorker::configureThread()
{
    // OpenMP keeps its thread count per OS thread: the probe must run with the count
    // training uses, or it measures one core.
    if (!m_threadsConfigured) {
        tb::configureThreads(0);
        m_threadsConfigured = true;
    }
}

void ScratchWorker::measureThroughput()
{
    configureThread();
    Q_EMIT throughputMeasured(tb::measureMatmulFlopsPerSecond(0.2));
}

namespace {

// The first line of the corpus long enough to show how text splits (a JSONL corpus also
// holds short strings such as role names).
QString sampleLine(const QString &corpus)
{
    QFile f(corpus);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QString first;
    for (int i = 0; i < 2000 && !f.atEnd(); ++i) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (first.isEmpty())
            first = line;
        if (line.size() >= 24)
            return line.left(160);
    }
    return first.left(160);
}

} // namespace

void ScratchWorker::trainTokenizer(const QString &datasetPath, const QString &outputPath, int vocabSize,
                                   const QString &modelType)
{
    configureThread();
    try {
        if (datasetPath.isEmpty())
            throw std::runtime_error(tr("No dataset: open one on the Data page first.").toStdString());
        QString prefix = outputPath.trimmed();
        if (prefix.isEmpty())
            throw std::runtime_error(tr("Choose where to write the tokenizer (a .model file).").toStdString());
        if (prefix.endsWith(QLatin1String(".model")))
            prefix.chop(6);
        QTemporaryDir scratch; // the extracted corpus of a JSONL/CSV dataset lives only as long as training
        const std::string corpus = tb::tokenizerCorpus(datasetPath.toStdString(), scratch.path().toStdString());
        tb::TokenizerTrainOptions options;
        options.corpusPath = corpus;
        options.outputPrefix = prefix.toStdString();
        options.vocabSize = vocabSize;
        options.modelType = modelType.toStdString();
        options.byteFallback = modelType != QLatin1String(tb::enumName(tb::TokenizerType::Char)); // as the trainer does
        auto tok = tb::Tokenizer::train(options);

        QVariantMap result;
        result.insert("path", prefix + ".model");
        result.insert("pieces", qlonglong(tok->vocabSize()));
        result.insert("model_type", modelType);
        result.insert("bos_id", qlonglong(tok->bosId()));
        result.insert("eos_id", qlonglong(tok->eosId()));
        const QString sample = sampleLine(QString::fromStdString(corpus));
        // A character spelled as several byte pieces is shown once, as one token, when its
        // bytes are complete (a lone byte of a multi-byte character is no text).
        QStringList pieces;
        std::string pending;
        const std::vector<int64_t> ids = tok->encodePlain(sample.toStdString());
        for (int64_t id : ids) {
            pending += tb::tokenDisplayText(*tok, id);
            const QString text = QString::fromStdString(pending);
            if (text.toStdString() == pending || pending.size() >= 4) {
                pieces << text;
                pending.clear();
            }
        }
        if (!pending.empty())
            pieces << QString::fromStdString(pending);
        result.insert("sample", sample);
        result.insert("sample_tokens", pieces);
        result.insert("sample_token_count", qlonglong(ids.size()));
        Q_EMIT tokenizerTrained(result);
    } catch (const std::exception &e) {
        std::string message = e.what();
        Q_EMIT tokenizerFailed(QString::fromStdString(message.substr(0, message.find('\n'))));
    }
}
