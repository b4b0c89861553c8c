#include "classify_page.h"

#include "classify_worker.h"

#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

ClassifyPage::ClassifyPage(QWidget *parent) : QWidget(parent)
{
    m_worker = new ClassifyWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &ClassifyPage::loadRequested, m_worker, &ClassifyWorker::load, Qt::QueuedConnection);
    connect(this, &ClassifyPage::textRequested, m_worker, &ClassifyWorker::classifyText, Qt::QueuedConnection);
    connect(this, &ClassifyPage::fileRequested, m_worker, &ClassifyWorker::classifyFile, Qt::QueuedConnection);
    connect(m_worker, &ClassifyWorker::loaded, this,
            [this](const QString &path, const QStringList &labels) {
                m_status->setText(tr("%1: %n intent(s): %2", nullptr, int(labels.size())).arg(path, labels.join(QStringLiteral(", "))));
                Q_EMIT classifierLoaded();
            },
            Qt::QueuedConnection);
    connect(m_worker, &ClassifyWorker::textClassified, this, &ClassifyPage::showIntents, Qt::QueuedConnection);
    connect(m_worker, &ClassifyWorker::fileClassified, this, &ClassifyPage::showConfusion, Qt::QueuedConnection);
    connect(m_worker, &ClassifyWorker::failed, this,
            [this](const QString &message) {
                m_status->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(message.toHtmlEscaped()));
                Q_EMIT failed(message);
            },
            Qt::QueuedConnection);
    m_thread.start();

    m_model = new QLineEdit;
    m_model->setAccessibleName(tr("Classifier to load"));
    m_model->setPlaceholderText(tr("a classifier checkpoint, or a run directory (its best checkpoint)"));
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getExistingDirectory(this, tr("Choose a classifier or a run"), m_model->text());
        if (!path.isEmpty())
            loadClassifier(path);
    });
    auto *load = new QPushButton(tr("Load"));
    connect(load, &QPushButton::clicked, this, [this] { loadClassifier(m_model->text()); });
    m_status = new QLabel(tr("No classifier loaded."));
    m_status->setWordWrap(true);

    m_text = new QLineEdit;
    m_text->setPlaceholderText(tr("Type an utterance, e.g. \"where is my parcel?\""));
    m_text->setObjectName(QStringLiteral("utterance"));
    m_text->setAccessibleName(tr("Utterance to classify"));
    auto *classify = new QPushButton(tr("Classify"));
    classify->setObjectName(QStringLiteral("classifyButton"));
    connect(classify, &QPushButton::clicked, this, [this] { classifyText(m_text->text()); });
    connect(m_text, &QLineEdit::returnPressed, this, [this] { classifyText(m_text->text()); });
    m_intents = new QTableWidget(0, 2);
    m_intents->setObjectName(QStringLiteral("intents"));
    m_intents->setHorizontalHeaderLabels({tr("Intent"), tr("Probability")});
    m_intents->horizontalHeader()->setStretchLastSection(true);
    m_intents->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_intents->verticalHeader()->setVisible(false);
    m_intents->setEditTriggers(QAbstractItemView::NoEditTriggers);

    m_file = new QLineEdit;
    m_file->setAccessibleName(tr("Labelled file to classify"));
    m_file->setPlaceholderText(tr("a labelled CSV, TSV or JSONL file"));
    auto *browseFile = new QPushButton(tr("Browse…"));
    connect(browseFile, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Choose a labelled file"), m_file->text(),
                                                          tr("Labelled data (*.csv *.tsv *.jsonl);;All files (*)"));
        if (!path.isEmpty())
            classifyFile(path);
    });
    auto *run = new QPushButton(tr("Classify file"));
    connect(run, &QPushButton::clicked, this, [this] { classifyFile(m_file->text()); });
    m_confusion = new QTableWidget;
    m_confusion->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_confusion->setToolTip(tr("Rows: the true intent; columns: the predicted one"));
    m_report = new QPlainTextEdit;
    m_report->setAccessibleName(tr("Per-class report"));
    m_report->setReadOnly(true);
    m_report->setFont(QFont(QStringLiteral("monospace")));
    m_report->setLineWrapMode(QPlainTextEdit::NoWrap); // a table: columns stay aligned

    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(browse);
    modelRow->addWidget(load);
    auto *textRow = new QHBoxLayout;
    textRow->addWidget(m_text, 1);
    textRow->addWidget(classify);
    auto *single = new QGroupBox(tr("One utterance"));
    auto *singleLayout = new QVBoxLayout(single);
    singleLayout->addLayout(textRow);
    singleLayout->addWidget(m_intents);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browseFile);
    fileRow->addWidget(run);
    auto *batch = new QGroupBox(tr("A labelled file"));
    auto *batchLayout = new QVBoxLayout(batch);
    batchLayout->addLayout(fileRow);
    batchLayout->addWidget(m_confusion, 2);
    batchLayout->addWidget(m_report, 1);
    auto *columns = new QHBoxLayout;
    columns->addWidget(single, 1);
    columns->addWidget(batch, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(modelRow);
    layout->addWidget(m_status);
    layout->addLayout(columns, 1);
}

ClassifyPage::~ClassifyPage()
{
    m_thread.quit();
    m_thread.wait();
}

void ClassifyPage::loadClassifier(const QString &path)
{
    if (path.isEmpty())
        return;
    m_model->setText(path);
    m_status->setText(tr("Loading %1…").arg(path));
    Q_EMIT loadRequested(path);
}

void ClassifyPage::classifyText(const QString &text)
{
    if (text.trimmed().isEmpty())
        return;
    m_text->setText(text);
    Q_EMIT textRequested(text);
}

void ClassifyPage::classifyFile(const QString &path)
{
    if (path.isEmpty())
        return;
    m_file->setText(path);
    m_report->setPlainText(tr("Classifying %1…").arg(path));
    Q_EMIT fileRequested(path);
}

void ClassifyPage::showIntents(const QString &, const QStringList &labels, const QVariantList &probabilities)
{
    m_intents->setRowCount(int(labels.size()));
    for (int i = 0; i < labels.size(); ++i) {
        m_intents->setItem(i, 0, new QTableWidgetItem(labels[i]));
        auto *bar = new QProgressBar;
        bar->setRange(0, 1000);
        bar->setValue(int(probabilities[i].toDouble() * 1000));
        bar->setFormat(QString::number(probabilities[i].toDouble(), 'f', 3));
        m_intents->setCellWidget(i, 1, bar);
    }
    Q_EMIT textDone();
}

void ClassifyPage::showConfusion(const QStringList &labels, const QVariantList &confusion, const QString &report,
                                 double accuracy, double macroF1)
{
    m_confusion->clear();
    m_confusion->setRowCount(int(labels.size()));
    m_confusion->setColumnCount(int(labels.size()));
    m_confusion->setHorizontalHeaderLabels(labels);
    m_confusion->setVerticalHeaderLabels(labels);
    qlonglong largest = 1;
    for (const QVariant &row : confusion)
        for (const QVariant &v : row.toList())
            largest = std::max(largest, v.toLongLong());
    for (int t = 0; t < confusion.size(); ++t) {
        const QVariantList row = confusion[t].toList();
        for (int p = 0; p < row.size(); ++p) {
            const qlonglong n = row[p].toLongLong();
            auto *item = new QTableWidgetItem(QString::number(n));
            item->setTextAlignment(Qt::AlignCenter);
            // Shade by count: the diagonal (right answers) green, mistakes red.
            const int strength = int(200.0 * double(n) / double(largest));
            if (n > 0)
                item->setBackground(t == p ? QColor(255 - strength, 255, 255 - strength)
                                           : QColor(255, 255 - strength, 255 - strength));
            m_confusion->setItem(t, p, item);
        }
    }
    m_confusion->resizeColumnsToContents();
    m_report->setPlainText(tr("accuracy %1, macro-F1 %2").arg(accuracy, 0, 'f', 3).arg(macroF1, 0, 'f', 3)
                           + QStringLiteral("\n\n") + report);
    Q_EMIT fileDone();
}
