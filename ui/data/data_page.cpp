#include "data_page.h"

#include "engine_text.h"
#include "qcustomplot_include.h"

#include <QAbstractTableModel>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

// The file's lines, shown on demand: the view asks only for the rows it paints.
class RowPreviewModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

    void setLines(const QByteArrayList &lines)
    {
        beginResetModel();
        m_lines = lines;
        endResetModel();
    }

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_lines.size()); }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : 1; }

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
            return {};
        const QByteArray &line = m_lines[index.row()];
        if (role == Qt::ToolTipRole)
            return QString::fromUtf8(line.left(4000));
        return QString::fromUtf8(line.left(500)); // a very long row is cut in the cell, whole in the tooltip
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (role != Qt::DisplayRole)
            return {};
        if (orientation == Qt::Vertical)
            return section + 1; // file line numbers, as the report names them
        return DataPage::tr("Row");
    }

private:
    QByteArrayList m_lines;
};

DataPage::DataPage(QWidget *parent) : QWidget(parent)
{
    qRegisterMetaType<DataRequest>();
    qRegisterMetaType<DataReport>();
    m_worker = new DataWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &DataPage::loadRequested, m_worker, &DataWorker::load, Qt::QueuedConnection);
    connect(this, &DataPage::exampleRequested, m_worker, &DataWorker::renderExample, Qt::QueuedConnection);
    connect(m_worker, &DataWorker::linesRead, this, [this](const QByteArrayList &lines) { m_rows->setLines(lines); },
            Qt::QueuedConnection);
    connect(m_worker, &DataWorker::reportReady, this, &DataPage::onReport, Qt::QueuedConnection);
    connect(m_worker, &DataWorker::failed, this, &DataPage::onFailed, Qt::QueuedConnection);
    connect(m_worker, &DataWorker::exampleReady, this,
            [this](int index, int count, const QString &html) {
                m_example->setHtml(html);
                m_exampleIndex->blockSignals(true);
                m_exampleIndex->setRange(1, count);
                m_exampleIndex->setValue(index + 1);
                m_exampleIndex->blockSignals(false);
                m_exampleCount->setText(tr("of %1 training examples").arg(count));
            },
            Qt::QueuedConnection);
    m_thread.start();
    setAcceptDrops(true);

    m_path = new QLineEdit;
    m_path->setAccessibleName(tr("Dataset file"));
    m_path->setPlaceholderText(tr("Open a dataset, or drop a file on the window"));
    auto *open = new QPushButton(tr("Open…"));
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a dataset"), m_path->text(),
                                                          tr("Datasets (*.jsonl *.json *.txt *.csv *.tsv);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    m_format = new QComboBox;
    m_format->setAccessibleName(tr("Dataset format"));
    for (const auto &choice : tb::enumChoices(tb::DatasetFormat{})) { // the format option's choices
        m_format->addItem(engineText(choice.label), QString::fromLatin1(choice.name));
        m_format->setItemData(m_format->count() - 1, QString::fromLatin1(choice.name), Qt::ToolTipRole);
    }
    m_format->setToolTip(tr("Detected from the extension and the first rows; choose another to override"));
    m_tokenizer = new QLineEdit;
    m_tokenizer->setAccessibleName(tr("Tokenizer for counting tokens"));
    m_tokenizer->setPlaceholderText(tr("a model or a SentencePiece .model, to count tokens"));
    auto *browseTokenizer = new QPushButton(tr("Browse…"));
    connect(browseTokenizer, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Choose a tokenizer or model"), m_tokenizer->text());
        if (!path.isEmpty())
            setTokenizer(path);
    });
    m_context = new QSpinBox;
    m_context->setAccessibleName(tr("Context length"));
    m_context->setRange(2, 131072);
    m_context->setValue(512);
    m_ratio = new QDoubleSpinBox;
    m_ratio->setAccessibleName(tr("Validation share"));
    m_ratio->setRange(0.0, 0.9);
    m_ratio->setSingleStep(0.05);
    m_ratio->setValue(0.1);
    m_seed = new QSpinBox;
    m_seed->setAccessibleName(tr("Split seed"));
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(1337);
    m_validation = new QLineEdit;
    m_validation->setAccessibleName(tr("Validation file"));
    m_validation->setPlaceholderText(tr("optional: a separate validation file"));
    auto *apply = new QPushButton(tr("Apply"));
    apply->setToolTip(tr("Reload with these settings and use this data on the Train page"));
    connect(apply, &QPushButton::clicked, this, &DataPage::reload);
    connect(m_format, &QComboBox::activated, this, &DataPage::reload);

    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(open);
    auto *tokRow = new QHBoxLayout;
    tokRow->addWidget(m_tokenizer, 1);
    tokRow->addWidget(browseTokenizer);
    auto *settings = new QFormLayout;
    settings->addRow(tr("File"), fileRow);
    settings->addRow(tr("Format"), m_format);
    settings->addRow(tr("Tokenizer"), tokRow);
    settings->addRow(tr("Context length"), m_context);
    auto *split = new QGroupBox(tr("Train / validation split"));
    auto *splitForm = new QFormLayout(split);
    splitForm->addRow(tr("Validation share"), m_ratio);
    splitForm->addRow(tr("Seed"), m_seed);
    splitForm->addRow(tr("Validation file"), m_validation);
    splitForm->addRow(apply);
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_rows = new RowPreviewModel(this);
    m_table = new QTableView;
    m_table->setModel(m_rows);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setDefaultSectionSize(20);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // uniform rows: no per-row sizing
    m_table->setWordWrap(false);

    m_problems = new QListWidget;
    m_problems->setToolTip(tr("Click a problem to see its row"));
    connect(m_problems, &QListWidget::currentRowChanged, this, &DataPage::showProblem);

    m_histogram = new QCustomPlot;
    m_histogram->setMinimumHeight(160);
    m_histogram->xAxis->setLabel(tr("tokens per example"));
    m_histogram->yAxis->setLabel(tr("examples"));
    m_histogram->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);

    m_example = new QTextBrowser;
    m_exampleIndex = new QSpinBox;
    m_exampleIndex->setAccessibleName(tr("Example number"));
    m_exampleIndex->setRange(1, 1);
    m_exampleCount = new QLabel;
    connect(m_exampleIndex, &QSpinBox::valueChanged, this, [this](int v) { Q_EMIT exampleRequested(v - 1); });
    auto *legend = new QLabel(tr("<span style='background:#bfe8bf'>&nbsp;trained tokens&nbsp;</span> "
                                 "<span style='background:#e0e0e0; border:1px solid #999'>&nbsp;special tokens&nbsp;</span>"));
    auto *exampleBar = new QHBoxLayout;
    exampleBar->addWidget(new QLabel(tr("Example")));
    exampleBar->addWidget(m_exampleIndex);
    exampleBar->addWidget(m_exampleCount);
    exampleBar->addStretch(1);
    exampleBar->addWidget(legend);

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->addLayout(settings);
    leftLayout->addWidget(split);
    leftLayout->addWidget(m_summary);
    leftLayout->addWidget(new QLabel(tr("Problems")));
    leftLayout->addWidget(m_problems, 1);
    auto *maskBox = new QWidget;
    auto *maskLayout = new QVBoxLayout(maskBox);
    maskLayout->setContentsMargins(0, 0, 0, 0);
    maskLayout->addLayout(exampleBar);
    maskLayout->addWidget(m_example, 1);
    auto *right = new QSplitter(Qt::Vertical);
    right->addWidget(m_table);
    right->addWidget(m_histogram);
    right->addWidget(maskBox);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(2, 2);
    auto *splitter = new QSplitter;
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
}

DataPage::~DataPage()
{
    m_thread.quit();
    m_thread.wait();
}

void DataPage::openFile(const QString &path)
{
    m_path->setText(path);
    m_format->setCurrentIndex(0); // a new file: detect again
    reload();
}

void DataPage::setTokenizer(const QString &path)
{
    m_tokenizer->setText(path);
    if (!m_path->text().isEmpty())
        reload();
}

QString DataPage::path() const
{
    return m_path->text();
}

void DataPage::reload()
{
    if (m_path->text().isEmpty())
        return;
    DataRequest r;
    r.path = m_path->text();
    r.format = m_format->currentData().toString();
    r.tokenizer = m_tokenizer->text();
    r.validationFile = m_validation->text();
    r.validationRatio = m_ratio->value();
    r.seed = m_seed->value();
    r.contextLength = m_context->value();
    m_summary->setText(tr("Reading %1…").arg(r.path));
    m_problems->clear();
    Q_EMIT loadRequested(r);
    Q_EMIT dataChosen(r.path, r.format, r.validationFile, r.validationRatio, r.seed);
}

void DataPage::onReport(const DataReport &report)
{
    m_detected = report.format;
    if (!report.tokenized) {
        m_summary->setText(tr("Format: %1. Choose a tokenizer (or a model) to validate the rows, count tokens "
                              "and see which tokens are trained.")
                               .arg(m_detected));
        Q_EMIT reportShown();
        return;
    }
    const tb::DatasetReport &r = report.rows;
    QString text = tr("Format: %1 (template %2). Rows read %3, used %4, truncated %5, skipped as too long %6, "
                      "invalid %7. %8 training and %9 validation examples.")
                       .arg(m_detected, report.chatTemplate)
                       .arg(r.rowsRead)
                       .arg(r.rowsUsed)
                       .arg(r.truncated)
                       .arg(r.skippedOverlong)
                       .arg(r.skippedInvalid)
                       .arg(report.trainExamples)
                       .arg(report.validationExamples);
    QStringList labels;
    for (const std::string &l : r.labels)
        labels << QString::fromStdString(l);
    if (!labels.isEmpty())
        text += QLatin1Char(' ') + tr("Labels: %1.").arg(labels.join(QStringLiteral(", ")));
    m_summary->setText(text);
    for (const tb::DatasetProblem &p : r.problems) {
        auto *item = new QListWidgetItem(tr("line %1: %2").arg(p.line).arg(QString::fromStdString(p.message)));
        item->setData(Qt::UserRole, qlonglong(p.line));
        item->setToolTip(item->text());
        item->setData(Qt::UserRole + 1, QString::fromStdString(p.file));
        if (!p.dropped)
            item->setForeground(QColor(120, 100, 0)); // a note (truncated), not a dropped row
        m_problems->addItem(item);
    }
    drawHistogram(r.trainLengths.lengths, r.validationLengths.lengths);
    Q_EMIT reportShown();
}

void DataPage::onFailed(const QString &message)
{
    m_summary->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(message.toHtmlEscaped()));
    Q_EMIT reportShown();
}

void DataPage::drawHistogram(const std::vector<int64_t> &train, const std::vector<int64_t> &validation)
{
    m_histogram->clearPlottables();
    int64_t longest = 1;
    for (const auto *list : {&train, &validation})
        for (int64_t v : *list)
            longest = std::max(longest, v);
    const int bins = int(std::min<int64_t>(40, longest));
    const double width = double(longest) / bins;
    auto draw = [&](const std::vector<int64_t> &lengths, const QString &name, const QColor &color, double shift) {
        QVector<double> keys(bins), counts(bins, 0.0);
        for (int i = 0; i < bins; ++i)
            keys[i] = (i + 0.5) * width + shift;
        for (int64_t v : lengths)
            counts[std::min(bins - 1, int(double(v - 1) / width))] += 1;
        auto *bars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
        bars->setName(name);
        bars->setWidth(width * 0.45);
        bars->setBrush(color);
        bars->setPen(Qt::NoPen);
        bars->setData(keys, counts);
    };
    draw(train, tr("training"), QColor(70, 120, 200), -width * 0.225);
    draw(validation, tr("validation"), QColor(230, 120, 40), width * 0.225);
    m_histogram->legend->setVisible(true);
    m_histogram->rescaleAxes();
    m_histogram->yAxis->setRangeLower(0);
    m_histogram->replot();
}

void DataPage::showProblem(int index)
{
    if (index < 0 || index >= m_problems->count())
        return;
    m_problems->setCurrentRow(index);
    const int line = m_problems->item(index)->data(Qt::UserRole).toInt();
    const QString file = m_problems->item(index)->data(Qt::UserRole + 1).toString();
    // Problems of a separate validation file name that file; the preview shows the main one.
    if (!file.isEmpty() && file != m_path->text() && !m_path->text().endsWith(file))
        return;
    const QModelIndex target = m_rows->index(line - 1, 0);
    m_table->selectRow(line - 1);
    m_table->scrollTo(target, QAbstractItemView::PositionAtCenter);
}

int DataPage::selectedPreviewRow() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

int DataPage::previewRows() const
{
    return m_rows->rowCount();
}

int DataPage::problemCount() const
{
    return m_problems->count();
}

QString DataPage::exampleHtml() const
{
    return m_example->toHtml();
}

int DataPage::histogramBins() const
{
    return m_histogram->plottableCount() ? static_cast<QCPBars *>(m_histogram->plottable(0))->data()->size() : 0;
}

void DataPage::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void DataPage::dropEvent(QDropEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        openFile(urls.first().toLocalFile());
}
