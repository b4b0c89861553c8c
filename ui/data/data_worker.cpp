#include "data_worker.h"

#include "chat_template.h"
#include "dataset.h"
#include "error.h"
#include "model_loader.h"
#include "token_display.h"
#include "tokenizer.h"

#include <QFile>

namespace tb {
struct DataWorkerState {
    std::shared_ptr<Tokenizer> tokenizer;
    std::string tokenizerPath;
    Dataset data;
};
} // namespace tb

DataWorker::DataWorker() : d(std::make_unique<tb::DataWorkerState>()) {}

DataWorker::~DataWorker() = default;

namespace {

QVariantList toList(const std::vector<int64_t> &values)
{
    QVariantList out;
    out.reserve(qsizetype(values.size()));
    for (int64_t v : values)
        out << qlonglong(v);
    return out;
}

} // namespace

void DataWorker::load(const DataRequest &request)
{
    try {
        QFile file(request.path);
        if (!file.open(QIODevice::ReadOnly))
            throw tb::Error(request.path.toStdString() + ": cannot read the file");
        QByteArrayList lines = file.readAll().split('\n');
        if (!lines.isEmpty() && lines.last().isEmpty())
            lines.removeLast();
        Q_EMIT linesRead(lines);

        QVariantMap report;
        if (request.tokenizer.isEmpty()) {
            // Without a tokenizer only the format can be told.
            tb::DatasetOptions options;
            options.format = tb::datasetFormatFromName(request.format.toStdString());
            report["format"] = QString::fromStdString(
                tb::datasetFormatName(tb::detectDatasetFormat(request.path.toStdString(), options)));
            report["tokenized"] = false;
            Q_EMIT reportReady(report);
            return;
        }
        const std::string tokenizerPath = request.tokenizer.toStdString();
        if (!d->tokenizer || d->tokenizerPath != tokenizerPath) {
            d->tokenizer = request.tokenizer.endsWith(QLatin1String(".model")) ? tb::Tokenizer::fromFile(tokenizerPath)
                                                                              : tb::importModel(tokenizerPath).tokenizer;
            if (!d->tokenizer)
                throw tb::Error(tokenizerPath + ": carries no tokenizer");
            d->tokenizerPath = tokenizerPath;
        }
        tb::DatasetOptions options;
        options.format = tb::datasetFormatFromName(request.format.toStdString());
        options.chatTemplate = request.chatTemplate.isEmpty()
            ? tb::detectChatTemplate(d->tokenizer->chatTemplateSource())
            : tb::chatTemplateFromName(request.chatTemplate.toStdString());
        options.contextLength = request.contextLength;
        options.validationRatio = request.validationRatio;
        options.validationFile = request.validationFile.toStdString();
        options.seed = uint64_t(request.seed);
        d->data = tb::loadDataset(request.path.toStdString(), *d->tokenizer, options);
        const tb::DatasetReport &r = d->data.report;
        report["tokenized"] = true;
        report["format"] = QString::fromStdString(tb::datasetFormatName(r.detected));
        report["template"] = QString::fromStdString(tb::chatTemplateName(options.chatTemplate));
        report["rows_read"] = qlonglong(r.rowsRead);
        report["rows_used"] = qlonglong(r.rowsUsed);
        report["truncated"] = qlonglong(r.truncated);
        report["skipped_overlong"] = qlonglong(r.skippedOverlong);
        report["skipped_invalid"] = qlonglong(r.skippedInvalid);
        report["train_examples"] = qlonglong(d->data.train.size());
        report["validation_examples"] = qlonglong(d->data.validation.size());
        QVariantList problems;
        for (const tb::DatasetProblem &p : r.problems)
            problems << QVariantMap{{"file", QString::fromStdString(p.file)},
                                    {"line", qlonglong(p.line)},
                                    {"message", QString::fromStdString(p.message)},
                                    {"dropped", p.dropped}};
        report["problems"] = problems;
        report["train_lengths"] = toList(r.trainLengths.lengths);
        report["validation_lengths"] = toList(r.validationLengths.lengths);
        QStringList labels;
        for (const std::string &l : r.labels)
            labels << QString::fromStdString(l);
        report["labels"] = labels;
        Q_EMIT reportReady(report);
        renderExample(0);
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

void DataWorker::renderExample(int index)
{
    const auto &examples = d->data.train;
    if (!d->tokenizer || examples.empty())
        return;
    index = std::clamp(index, 0, int(examples.size()) - 1);
    // Trained tokens on green, special tokens as grey badges: where the loss is taken and
    // where a turn ends (a missing EOS shows here before a run, not after it).
    QString html = QStringLiteral("<div style='font-family: monospace; white-space: pre-wrap'>");
    for (const tb::DisplayToken &t : tb::displayTokens(*d->tokenizer, examples[size_t(index)])) {
        QString text = QString::fromStdString(t.text).toHtmlEscaped();
        text.replace(QLatin1Char('\n'), QStringLiteral("↵<br>"));
        QString style;
        if (t.special)
            style = QStringLiteral("background:#e0e0e0; color:#444; border:1px solid #999;");
        if (t.trained)
            style += QStringLiteral("background:#bfe8bf;");
        html += style.isEmpty() ? text : QStringLiteral("<span style='%1'>%2</span>").arg(style, text);
    }
    html += QStringLiteral("</div>");
    Q_EMIT exampleReady(index, int(examples.size()), html);
}
