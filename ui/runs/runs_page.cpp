#include "runs_page.h"

#include "engine_text.h"
#include "metric_plot.h"
#include "run_status.h"
#include "runs_worker.h"
#include "error.h"
#include "run_directory.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <optional>

namespace {

// When the run started: its config is written once, at the start.
QString startedText(const tb::RunDirectory &run)
{
    return QFileInfo(QString::fromStdString(run.configPath())).lastModified().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

// A step's own values by their metrics.jsonl key; nothing for an evaluation metric.
std::optional<double> metricOfStep(const tb::TrainEvent &e, const std::string &key)
{
    if (key == "loss")
        return e.loss;
    if (key == "tokens_per_s")
        return e.tokensPerSecond;
    if (key == "lr")
        return e.learningRate;
    if (key == "grad_norm")
        return e.gradNorm;
    return std::nullopt;
}

enum Column { Name, Status, Steps, Final, Best, Started, Columns };

} // namespace

RunsPage::RunsPage(QWidget *parent) : QWidget(parent)
{
    m_worker = new RunsWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &RunsPage::exportRequested, m_worker, &RunsWorker::exportRun, Qt::QueuedConnection);
    connect(m_worker, &RunsWorker::exported, this,
            [this](const QString &output, const QString &error) {
                m_status->setText(error.isEmpty() ? tr("Exported to %1").arg(output)
                                                  : QStringLiteral("<span style='color:#b00020'>%1</span>").arg(error.toHtmlEscaped()));
                Q_EMIT exportFinished(output, error);
            },
            Qt::QueuedConnection);
    m_thread.start();

    m_root = new QLineEdit(QDir("runs").absolutePath());
    m_root->setAccessibleName(tr("Runs folder"));
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of runs"), m_root->text());
        if (!dir.isEmpty())
            setRoot(dir);
    });
    auto *refreshButton = new QPushButton(tr("Refresh"));
    connect(refreshButton, &QPushButton::clicked, this, &RunsPage::refresh);

    m_table = new QTableWidget(0, Columns);
    m_table->setHorizontalHeaderLabels({tr("Run"), tr("Status"), tr("Steps"), tr("Final metrics"), tr("Best"), tr("Started")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &RunsPage::drawCurves);

    m_metric = new QComboBox;
    m_metric->setAccessibleName(tr("Metric to compare"));
    // Named for people (metric_info.h); the key, as metrics.jsonl has it, in the tooltip.
    for (const char *m : {"val_loss", "loss", "val_token_acc", "macro_f1", "accuracy", "check_pass_rate", "tokens_per_s"}) {
        m_metric->addItem(metricDisplayName(QString::fromLatin1(m)), QString::fromLatin1(m));
        m_metric->setItemData(m_metric->count() - 1, QString::fromLatin1(m), Qt::ToolTipRole);
    }
    connect(m_metric, &QComboBox::activated, this, &RunsPage::drawCurves);
    m_plot = new MetricPlot(tr("Selected runs"));
    m_plot->setLegendAlways(true);

    auto *resume = new QPushButton(tr("Resume"));
    resume->setToolTip(tr("Continue the selected run from its last checkpoint"));
    connect(resume, &QPushButton::clicked, this, [this] {
        const auto rows = selectedRows();
        if (!rows.isEmpty())
            Q_EMIT resumeRequested(runDir(rows.first()));
    });
    auto *open = new QPushButton(tr("Open folder"));
    connect(open, &QPushButton::clicked, this, [this] {
        const auto rows = selectedRows();
        if (!rows.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(runDir(rows.first())));
    });
    auto *remove = new QPushButton(tr("Delete…"));
    connect(remove, &QPushButton::clicked, this, [this] {
        const auto rows = selectedRows();
        if (!rows.isEmpty())
            deleteRun(rows.first());
    });
    auto *exportHf = new QPushButton(tr("Export to HF…"));
    auto *exportGguf = new QPushButton(tr("Export to GGUF…"));
    exportHf->setToolTip(tr("The best (else last) checkpoint, LoRA merged, as a Hugging Face folder"));
    exportGguf->setToolTip(tr("The best (else last) checkpoint, LoRA merged, as a GGUF file for llama.cpp, Ollama, LM Studio"));
    connect(exportHf, &QPushButton::clicked, this, [this] {
        const auto rows = selectedRows();
        if (rows.isEmpty())
            return;
        QString out = QFileDialog::getExistingDirectory(this, tr("Export to a folder"));
        if (out.isEmpty())
            return;
        // Old files never mix with the new model: a folder that holds files gets the model in
        // a new folder inside it, named after the run (the engine refuses a non-empty one).
        if (!QDir(out).isEmpty())
            out = QDir(out).filePath(QFileInfo(runDir(rows.first())).fileName());
        exportRun(rows.first(), out, QStringLiteral("hf"));
    });
    connect(exportGguf, &QPushButton::clicked, this, [this] {
        const auto rows = selectedRows();
        if (rows.isEmpty())
            return;
        const QString out = QFileDialog::getSaveFileName(this, tr("Export to a GGUF file"), QString(), tr("GGUF (*.gguf)"));
        if (!out.isEmpty())
            exportRun(rows.first(), out, QStringLiteral("gguf"));
    });
    m_status = new QLabel;
    m_status->setWordWrap(true);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Runs in")));
    top->addWidget(m_root, 1);
    top->addWidget(browse);
    top->addWidget(refreshButton);
    auto *actions = new QHBoxLayout;
    for (QPushButton *b : {resume, open, remove, exportHf, exportGguf})
        actions->addWidget(b);
    actions->addStretch(1);
    actions->addWidget(new QLabel(tr("Curve")));
    actions->addWidget(m_metric);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(m_plot);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    layout->addLayout(actions);
    layout->addWidget(m_status);
}

RunsPage::~RunsPage()
{
    m_thread.quit();
    m_thread.wait();
}

void RunsPage::setRoot(const QString &folder)
{
    m_root->setText(folder);
    refresh();
}

void RunsPage::refresh()
{
    m_table->setRowCount(0);
    const QString root = m_root->text();
    for (const std::string &path : tb::RunDirectory::findRuns(root.toStdString())) {
        const tb::RunDirectory run(path);
        const QString dir = QString::fromStdString(path);
        std::optional<tb::RunSummary> summary;
        QString damaged;
        try {
            summary = run.readSummary();
        } catch (const tb::Error &e) {
            damaged = QString::fromStdString(e.what());
        }
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto *name = new QTableWidgetItem(QFileInfo(dir).fileName());
        name->setData(Qt::UserRole, dir);
        m_table->setItem(row, Name, name);
        // No run.json: still training, or interrupted before its end (resume it).
        auto *status = new QTableWidgetItem(!damaged.isEmpty() ? tr("damaged summary")
                                                : !summary ? tr("running or interrupted")
                                                           : runStatusText(QString::fromStdString(summary->status)));
        status->setToolTip(damaged);
        m_table->setItem(row, Status, status);
        m_table->setItem(row, Started, new QTableWidgetItem(startedText(run)));
        if (!summary)
            continue;
        m_table->setItem(row, Steps, new QTableWidgetItem(QStringLiteral("%1 / %2").arg(summary->steps).arg(summary->totalSteps)));
        QStringList finals, keys; // named for people; the tooltip as run.json has them
        for (const char *key : {"val_loss", "macro_f1", "accuracy", "check_pass_rate"})
            if (const auto it = summary->finalMetrics.find(key); it != summary->finalMetrics.end()) {
                const QString value = QString::number(it->second, 'g', 4);
                finals << QStringLiteral("%1 %2").arg(metricDisplayName(QString::fromLatin1(key)), value);
                keys << QStringLiteral("%1 %2").arg(QString::fromLatin1(key), value);
            }
        auto *finalItem = new QTableWidgetItem(finals.join(QStringLiteral(", ")));
        finalItem->setToolTip(keys.join(QStringLiteral(", ")));
        m_table->setItem(row, Final, finalItem);
        const QString bestMetric = QString::fromStdString(summary->earlyStoppingMetric);
        auto *best = new QTableWidgetItem(summary->hasBest ? tr("%1 %2 at step %3")
                                                                 .arg(metricDisplayName(bestMetric))
                                                                 .arg(summary->bestValue, 0, 'g', 4)
                                                                 .arg(summary->bestStep)
                                                           : QString());
        best->setToolTip(bestMetric);
        m_table->setItem(row, Best, best);
    }
    m_status->setText(tr("%n run(s)", nullptr, m_table->rowCount()));
    // The curves of the first run show at once, so the chart is never an empty frame.
    if (m_table->rowCount() > 0 && m_table->selectedItems().isEmpty())
        m_table->selectRow(0);
}

int RunsPage::runCount() const
{
    return m_table->rowCount();
}

QString RunsPage::runDir(int row) const
{
    return m_table->item(row, Name)->data(Qt::UserRole).toString();
}

QList<int> RunsPage::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

void RunsPage::selectRuns(const QList<int> &rows)
{
    m_table->clearSelection();
    for (int row : rows)
        m_table->selectionModel()->select(m_table->model()->index(row, 0),
                                          QItemSelectionModel::Select | QItemSelectionModel::Rows);
    drawCurves();
}

// One series per selected run: the chosen metric from its metrics.jsonl.
void RunsPage::drawCurves()
{
    const QString metric = m_metric->currentData().toString();
    m_plot->removeAllSeries();
    static const QList<QColor> colors = {QColor(20, 70, 170), QColor(220, 90, 30), QColor(30, 130, 60),
                                         QColor(140, 60, 140), QColor(120, 80, 20), QColor(90, 90, 90)};
    int index = 0;
    for (int row : selectedRows()) {
        const int series = m_plot->addSeries(m_table->item(row, Name)->text(), colors[index++ % colors.size()],
                                             metric != QLatin1String("loss") && metric != QLatin1String("tokens_per_s"));
        const std::string key = metric.toStdString();
        for (const tb::TrainEvent &e : tb::RunDirectory(runDir(row).toStdString()).readMetrics()) {
            if (e.final)
                continue;
            if (e.kind == tb::TrainEvent::Kind::Step && metricOfStep(e, key))
                m_plot->addPoint(series, double(e.step), *metricOfStep(e, key));
            else if (const auto it = e.metrics.find(key); it != e.metrics.end())
                m_plot->addPoint(series, double(e.step), it->second);
        }
    }
}

bool RunsPage::deleteRun(int row, bool confirm)
{
    const QString dir = runDir(row);
    // Only the process that trains a run writes it (run.lock): not while it trains.
    const std::string writer = tb::RunDirectory(dir.toStdString()).writer();
    if (!writer.empty()) {
        m_status->setText(tr("%1 is being trained (%2): stop the run before deleting it.")
                              .arg(dir, QString::fromStdString(writer)));
        return false;
    }
    if (confirm
        && QMessageBox::question(this, tr("Delete run"),
                                 tr("Delete the run %1 with all its checkpoints? This cannot be undone.").arg(dir))
               != QMessageBox::Yes)
        return false;
    const bool ok = QDir(dir).removeRecursively();
    refresh();
    return ok;
}

void RunsPage::exportRun(int row, const QString &output, const QString &format)
{
    m_status->setText(tr("Exporting %1…").arg(runDir(row)));
    Q_EMIT exportRequested(runDir(row), output, format);
}
