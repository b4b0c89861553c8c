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

        DataReport report;
        if (request.tokenizer.isEmpty()) {
            // Without a tokenizer only the format can be told.
            tb::DatasetOptions options;
            options.format = tb::datasetFormatFromName(request.format.toStdString());
            report.format = QString::fromStdString(
                tb::datasetFormatName(tb::detectDatasetFormat(request.path.toStdString(), options)));
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
        report.tokenized = true;
        report.format = QString::fromStdString(tb::datasetFormatName(d->data.report.detected));
        report.chatTemplate = QString::fromStdString(tb::chatTemplateName(options.chatTemplate));
        report.rows = d->data.report;
        report.trainExamples = qint64(d->data.train.size());
        report.validationExamples = qint64(d->data.validation.size());
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
