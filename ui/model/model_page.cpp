#include "model_page.h"

#include "engine_text.h"
#include "model_worker.h"
#include "scratch_worker.h"

#include "memory_estimate.h"
#include "model_config.h"
#include "step_time_estimate.h"
#include "train_config.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace {

enum Column { ColPreset, ColShape, ColHeads, ColContext, ColParameters, ColMemory, ColTime, ColumnCount };

const QString kCustom = QStringLiteral("custom");

// The presets the Train page offers (the engine's ModelPreset list), smallest first.
QStringList presetNames()
{
    QStringList names;
    for (const auto &choice : tb::enumChoices(tb::ModelPreset{}))
        names << QString::fromLatin1(choice.name);
    return names;
}

QString mib(long long bytes)
{
    return ModelPage::tr("%1 MiB").arg(QLocale().toString(double(bytes) / (1024.0 * 1024.0), 'f', 0));
}

QString duration(double seconds)
{
    if (seconds < 1.0)
        return ModelPage::tr("%1 ms").arg(QLocale().toString(seconds * 1000.0, 'f', seconds < 0.01 ? 1 : 0));
    return ModelPage::tr("%1 s").arg(QLocale().toString(seconds, 'f', seconds < 10 ? 2 : 1));
}

QSpinBox *spin(int min, int max, int value, const QString &accessible, const QString &tip)
{
    auto *s = new QSpinBox;
    s->setRange(min, max);
    s->setValue(value);
    s->setAccessibleName(accessible);
    s->setToolTip(tip);
    return s;
}

QTableWidgetItem *cell(const QString &text, const QString &tip = QString())
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (!tip.isEmpty())
        item->setToolTip(tip);
    return item;
}

} // namespace

ModelPage::ModelPage(QWidget *parent) : QWidget(parent)
{
    qRegisterMetaType<SnapshotPtr>();
    m_worker = new ModelWorker;
    m_worker->moveToThread(&m_workerThread);
    connect(&m_workerThread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_workerThread.start();
    m_scratch = new ScratchWorker;
    m_scratch->moveToThread(&m_scratchThread);
    connect(&m_scratchThread, &QThread::finished, m_scratch, &QObject::deleteLater);
    connect(this, &ModelPage::throughputRequested, m_scratch, &ScratchWorker::measureThroughput, Qt::QueuedConnection);
    connect(this, &ModelPage::tokenizerRequested, m_scratch, &ScratchWorker::trainTokenizer, Qt::QueuedConnection);
    connect(m_scratch, &ScratchWorker::throughputMeasured, this, [this](double flops) {
        m_flopsPerSecond = flops;
        m_throughput->setText(tr("This machine: %1 GFLOP/s (float32 matmul, measured)")
                                  .arg(QLocale().toString(flops / 1e9, 'f', 1)));
        refreshPresetTable();
        Q_EMIT throughputMeasured(flops);
    }, Qt::QueuedConnection);
    connect(m_scratch, &ScratchWorker::tokenizerTrained, this, &ModelPage::onTokenizerTrained, Qt::QueuedConnection);
    connect(m_scratch, &ScratchWorker::tokenizerFailed, this, &ModelPage::onTokenizerFailed, Qt::QueuedConnection);

    connect(this, &ModelPage::loadRequested, m_worker, &ModelWorker::load, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::loadProgress, this, [this](int percent, const QString &tensor) {
        if (!m_loading)
            return;
        m_progress->setValue(percent);
        m_loadStatus->setText(tr("Loading %1").arg(tensor));
        Q_EMIT loadProgress(tensor);
    }, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::loaded, this, [this](const QString &card, bool hasTokenizer) {
        m_modelCard->setText(card);
        m_progress->setValue(100);
        m_loadStatus->setText(tr("Loaded."));
        setLoading(false);
        Q_EMIT loadFinished(true);
        Q_EMIT modelLoaded(hasTokenizer);
    }, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::modelReady, this, &ModelPage::modelReady, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::loadFailed, this, [this](const QString &message) {
        // The card keeps the model that is still in use; the error goes in the status line.
        m_loadStatus->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(message.toHtmlEscaped()));
        m_progress->setValue(0);
        setLoading(false);
        Q_EMIT loadFinished(false);
        Q_EMIT loadFailed(message);
    }, Qt::QueuedConnection);
    connect(m_worker, &ModelWorker::loadCancelled, this, [this] {
        m_loadStatus->setText(tr("Loading cancelled; the model loaded before (if any) is still in use."));
        m_progress->setValue(0);
        setLoading(false);
        Q_EMIT loadFinished(false);
    }, Qt::QueuedConnection);

    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildImportTab(), tr("Import"));
    m_tabs->addTab(buildScratchTab(), tr("New from scratch"));
    m_tabs->addTab(buildTokenizerTab(), tr("Tokenizer"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    refreshPresetTable();
    m_scratchThread.start();
    Q_EMIT throughputRequested(); // ~0.2 s on the worker; the time column fills in then
}

ModelPage::~ModelPage()
{
    // Shut down in order: stop flag, quit, wait; each worker is deleted on its own thread.
    m_worker->requestStop();
    m_workerThread.quit();
    m_workerThread.wait();
    m_scratchThread.quit();
    m_scratchThread.wait();
}

QWidget *ModelPage::buildImportTab()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *intro = new QLabel(tr("Fine-tune an existing model: import a Hugging Face folder (config.json and "
                                "safetensors), a GGUF file or a llama2.c checkpoint."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *buttons = new QHBoxLayout;
    m_openFolder = new QPushButton(tr("Import Hugging Face folder…"));
    m_openFolder->setToolTip(tr("A folder with config.json and model.safetensors (tokenizer files optional)"));
    m_openFile = new QPushButton(tr("Import GGUF or llama2.c file…"));
    m_openFile->setToolTip(tr("A .gguf file (F32, F16, BF16 or Q8_0) or a llama2.c .bin checkpoint"));
    m_bf16 = new QCheckBox(tr("Compute in bf16 (half the memory)"));
    m_bf16->setToolTip(tr("Weights are kept in bfloat16. Faster on CPUs with AVX-512 BF16, slightly less exact."));
    buttons->addWidget(m_openFolder);
    buttons->addWidget(m_openFile);
    buttons->addWidget(m_bf16);
    buttons->addStretch();
    layout->addLayout(buttons);

    auto *form = new QFormLayout;
    auto *tokRow = new QHBoxLayout;
    m_tokenizerPath = new QLineEdit;
    m_tokenizerPath->setObjectName(QStringLiteral("tokenizerOverride"));
    m_tokenizerPath->setPlaceholderText(tr("optional: a SentencePiece .model for weights without a tokenizer"));
    m_tokenizerPath->setToolTip(tr("Replaces the model's own tokenizer (or gives one to a llama2.c file, which "
                                   "has none). Its vocabulary must fit the model's."));
    m_tokenizerPath->setAccessibleName(tr("Tokenizer override"));
    m_tokenizerBrowse = new QPushButton(tr("Browse…"));
    m_tokenizerBrowse->setAccessibleName(tr("Choose a tokenizer override"));
    tokRow->addWidget(m_tokenizerPath, 1);
    tokRow->addWidget(m_tokenizerBrowse);
    form->addRow(tr("Tokenizer override"), tokRow);
    layout->addLayout(form);

    auto *progressRow = new QHBoxLayout;
    m_progress = new QProgressBar;
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_progress->setAccessibleName(tr("Loading progress"));
    m_cancel = new QPushButton(tr("Cancel loading"));
    m_cancel->setObjectName(QStringLiteral("cancelLoad"));
    m_cancel->setToolTip(tr("Stops reading the weights; the model loaded before (if any) stays in use"));
    m_cancel->setEnabled(false);
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);
    layout->addLayout(progressRow);
    m_loadStatus = new QLabel(tr("No model loaded."));
    m_loadStatus->setObjectName(QStringLiteral("loadStatus"));
    m_loadStatus->setWordWrap(true);
    layout->addWidget(m_loadStatus);

    auto *cardBox = new QGroupBox(tr("Model card"));
    auto *cardLayout = new QVBoxLayout(cardBox);
    m_modelCard = new QLabel(tr("No model loaded."));
    m_modelCard->setTextFormat(Qt::RichText);
    m_modelCard->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_modelCard->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_modelCard->setWordWrap(true);
    m_modelCard->setObjectName(QStringLiteral("modelCard"));
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_modelCard);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    cardLayout->addWidget(scroll);
    layout->addWidget(cardBox, 1);

    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Hugging Face model folder"));
        if (!dir.isEmpty())
            openModel(dir);
    });
    connect(m_openFile, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Model file"), QString(),
                                                          tr("Models (*.gguf *.bin);;All files (*)"));
        if (!file.isEmpty())
            openModel(file);
    });
    connect(m_tokenizerBrowse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Tokenizer"), QString(),
                                                          tr("SentencePiece model (*.model);;All files (*)"));
        if (!file.isEmpty())
            m_tokenizerPath->setText(file);
    });
    connect(m_cancel, &QPushButton::clicked, this, &ModelPage::cancelLoad);
    setTabOrder(m_openFolder, m_openFile);
    setTabOrder(m_openFile, m_bf16);
    setTabOrder(m_bf16, m_tokenizerPath);
    setTabOrder(m_tokenizerPath, m_tokenizerBrowse);
    setTabOrder(m_tokenizerBrowse, m_cancel);
    return page;
}

QWidget *ModelPage::buildScratchTab()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *intro = new QLabel(tr("Train a new model from scratch: pick a size. Parameters follow from the vocabulary; "
                                "memory and time per step from the batch and context."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *shape = new QHBoxLayout;
    m_vocab = spin(32, 256000, 2000, tr("Vocabulary size"),
                   tr("Pieces of the tokenizer (one trained on the data, or the one chosen on the Tokenizer tab)"));
    m_batch = spin(1, 4096, 8, tr("Batch size"), tr("Rows per micro-batch (the Train page's batch_size)"));
    m_context = spin(8, 32768, 256, tr("Context length"), tr("Tokens per training row (the Train page's context_length)"));
    shape->addWidget(new QLabel(tr("Vocabulary")));
    shape->addWidget(m_vocab);
    shape->addWidget(new QLabel(tr("Batch")));
    shape->addWidget(m_batch);
    shape->addWidget(new QLabel(tr("Context")));
    shape->addWidget(m_context);
    shape->addStretch();
    layout->addLayout(shape);
    m_throughput = new QLabel(tr("Measuring this machine's matmul speed…"));
    m_throughput->setObjectName(QStringLiteral("throughput"));
    m_throughput->setToolTip(tr("A short float32 matrix-multiply probe on a worker thread; the time per step is "
                                "the step's FLOPs divided by this rate"));
    auto *remeasure = new QPushButton(tr("Measure again"));
    remeasure->setToolTip(tr("Repeat the probe, e.g. after other programs stopped competing for the CPU"));
    connect(remeasure, &QPushButton::clicked, this, [this] {
        m_throughput->setText(tr("Measuring this machine's matmul speed…"));
        Q_EMIT throughputRequested();
    });
    auto *probeRow = new QHBoxLayout;
    probeRow->addWidget(m_throughput);
    probeRow->addWidget(remeasure);
    probeRow->addStretch();
    layout->addLayout(probeRow);

    m_presets = new QTableWidget(0, ColumnCount);
    m_presets->setObjectName(QStringLiteral("presetTable"));
    m_presets->setAccessibleName(tr("Model size presets"));
    m_presets->setHorizontalHeaderLabels({tr("Preset"), tr("Layers × hidden"), tr("Heads (KV)"), tr("Context"),
                                          tr("Parameters"), tr("Training memory"), tr("Time per step")});
    m_presets->horizontalHeaderItem(ColMemory)->setToolTip(
        tr("Estimate for full training with AdamW at this batch and context (the trainer's own estimate)"));
    m_presets->horizontalHeaderItem(ColTime)->setToolTip(
        tr("Estimate: the step's FLOPs (6 × parameters × tokens, plus attention) divided by the GFLOP/s measured "
           "on this machine"));
    m_presets->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_presets->setSelectionMode(QAbstractItemView::SingleSelection);
    m_presets->verticalHeader()->hide();
    m_presets->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // As tall as its rows: the page's spare height goes below the button, not into blank rows.
    m_presets->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_presets->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
    layout->addWidget(m_presets);

    auto *customBox = new QGroupBox(tr("Custom dimensions (the \"custom\" row)"));
    auto *custom = new QHBoxLayout(customBox);
    m_layers = spin(1, 128, 4, tr("Layers"), tr("Decoder layers"));
    m_hidden = spin(8, 16384, 128, tr("Hidden size"), tr("Width of the model; a multiple of the heads"));
    m_heads = spin(1, 128, 4, tr("Attention heads"), tr("Attention heads; hidden / heads must be even"));
    m_kvHeads = spin(1, 128, 4, tr("KV heads"), tr("Key/value heads (grouped-query attention); divides the heads"));
    m_intermediate = spin(8, 65536, 352, tr("MLP size"), tr("Width of the SwiGLU MLP (about 2.7 × hidden)"));
    const QList<QPair<QString, QSpinBox *>> dims = {{tr("Layers"), m_layers}, {tr("Hidden"), m_hidden},
                                                    {tr("Heads"), m_heads}, {tr("KV heads"), m_kvHeads},
                                                    {tr("MLP"), m_intermediate}};
    for (const auto &[label, box] : dims) {
        custom->addWidget(new QLabel(label));
        custom->addWidget(box);
    }
    custom->addStretch();
    layout->addWidget(customBox);

    m_scratchTokenizer = new QLabel;
    m_scratchTokenizer->setWordWrap(true);
    layout->addWidget(m_scratchTokenizer);
    m_scratchError = new QLabel;
    m_scratchError->setObjectName(QStringLiteral("scratchError"));
    m_scratchError->setStyleSheet(QStringLiteral("color:#b00020"));
    m_scratchError->setWordWrap(true);
    layout->addWidget(m_scratchError);
    auto *useRow = new QHBoxLayout;
    m_useScratch = new QPushButton(tr("Use for training"));
    m_useScratch->setObjectName(QStringLiteral("useScratch"));
    m_useScratch->setToolTip(tr("Sets the Train page to train this size from scratch (no model to import)"));
    useRow->addWidget(m_useScratch);
    useRow->addStretch();
    layout->addLayout(useRow);
    layout->addStretch(1);

    for (QSpinBox *s : {m_vocab, m_batch, m_context})
        connect(s, &QSpinBox::valueChanged, this, &ModelPage::refreshPresetTable);
    for (QSpinBox *s : {m_layers, m_hidden, m_heads, m_kvHeads, m_intermediate})
        connect(s, &QSpinBox::valueChanged, this, [this] {
            refreshPresetTable();
            selectPreset(kCustom); // editing the dims means the custom row
        });
    connect(m_presets, &QTableWidget::itemSelectionChanged, this, &ModelPage::updateUseButton);
    connect(m_presets, &QTableWidget::cellDoubleClicked, this, &ModelPage::useForTraining);
    connect(m_useScratch, &QPushButton::clicked, this, &ModelPage::useForTraining);
    setTabOrder(m_vocab, m_batch);
    setTabOrder(m_batch, m_context);
    setTabOrder(m_context, m_presets);
    setTabOrder(m_presets, m_layers);
    setTabOrder(m_layers, m_hidden);
    setTabOrder(m_hidden, m_heads);
    setTabOrder(m_heads, m_kvHeads);
    setTabOrder(m_kvHeads, m_intermediate);
    setTabOrder(m_intermediate, m_useScratch);
    return page;
}

QWidget *ModelPage::buildTokenizerTab()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *intro = new QLabel(tr("Train a SentencePiece tokenizer on the dataset open on the Data page, for a model "
                                "trained from scratch."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_tokDataset = new QLabel;
    m_tokDataset->setObjectName(QStringLiteral("tokenizerDataset"));
    m_tokDataset->setWordWrap(true);
    form->addRow(tr("Dataset"), m_tokDataset);
    m_tokVocab = spin(16, 256000, 2000, tr("Tokenizer vocabulary size"),
                      tr("Number of pieces. A small corpus supports only a small vocabulary; the error says "
                         "which size fits."));
    form->addRow(tr("Vocabulary size"), m_tokVocab);
    m_tokType = new QComboBox;
    for (const auto &choice : tb::enumChoices(tb::TokenizerType{})) // the tokenizer_type option's choices
        m_tokType->addItem(engineText(choice.label), QString::fromLatin1(choice.name));
    m_tokType->setAccessibleName(tr("Tokenizer model type"));
    m_tokType->setToolTip(tr("bpe or unigram subwords, or char: one piece per character (the vocabulary size is "
                             "then an upper bound)"));
    form->addRow(tr("Model type"), m_tokType);
    auto *outRow = new QHBoxLayout;
    m_tokOutput = new QLineEdit;
    m_tokOutput->setObjectName(QStringLiteral("tokenizerOutput"));
    m_tokOutput->setAccessibleName(tr("Tokenizer output file"));
    m_tokOutput->setToolTip(tr("Where the .model file is written (a .vocab listing goes next to it)"));
    m_tokBrowse = new QPushButton(tr("Browse…"));
    m_tokBrowse->setAccessibleName(tr("Choose the tokenizer output file"));
    outRow->addWidget(m_tokOutput, 1);
    outRow->addWidget(m_tokBrowse);
    form->addRow(tr("Output"), outRow);
    layout->addLayout(form);

    auto *actions = new QHBoxLayout;
    m_tokTrain = new QPushButton(tr("Train tokenizer"));
    m_tokTrain->setObjectName(QStringLiteral("trainTokenizer"));
    m_tokTrain->setToolTip(tr("Runs on a worker thread; the window stays usable"));
    m_tokBusy = new QProgressBar;
    m_tokBusy->setRange(0, 0);
    m_tokBusy->setMaximumWidth(160);
    m_tokBusy->setAccessibleName(tr("Tokenizer training in progress"));
    m_tokBusy->hide();
    actions->addWidget(m_tokTrain);
    actions->addWidget(m_tokBusy);
    actions->addStretch();
    layout->addLayout(actions);

    m_tokResult = new QLabel;
    m_tokResult->setObjectName(QStringLiteral("tokenizerResult"));
    m_tokResult->setTextFormat(Qt::RichText);
    m_tokResult->setWordWrap(true);
    m_tokResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tokResult->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_tokResult);
    m_tokUse = new QPushButton(tr("Use for training"));
    m_tokUse->setObjectName(QStringLiteral("useTokenizer"));
    m_tokUse->setToolTip(tr("Sets the Train page's tokenizer to this file (and the vocabulary of the size presets)"));
    m_tokUse->setEnabled(false);
    auto *useRow = new QHBoxLayout;
    useRow->addWidget(m_tokUse);
    useRow->addStretch();
    layout->addLayout(useRow);
    layout->addStretch(1);

    connect(m_tokTrain, &QPushButton::clicked, this, &ModelPage::trainTokenizer);
    connect(m_tokUse, &QPushButton::clicked, this, &ModelPage::useTokenizerForTraining);
    connect(m_tokOutput, &QLineEdit::textEdited, this, [this] { m_outputPathEdited = true; });
    connect(m_tokBrowse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Tokenizer output"), m_tokOutput->text(),
                                                          tr("SentencePiece model (*.model)"));
        if (!file.isEmpty()) {
            m_tokOutput->setText(file);
            m_outputPathEdited = true;
        }
    });
    setTabOrder(m_tokVocab, m_tokType);
    setTabOrder(m_tokType, m_tokOutput);
    setTabOrder(m_tokOutput, m_tokBrowse);
    setTabOrder(m_tokBrowse, m_tokTrain);
    setTabOrder(m_tokTrain, m_tokUse);
    setDatasetPath(QString());
    return page;
}

// --- Import ---

void ModelPage::openModel(const QString &path)
{
    if (m_loading)
        return;
    const QString tokenizer = m_tokenizerPath->text().trimmed();
    setLoading(true);
    m_progress->setValue(0);
    m_loadStatus->setText(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    m_worker->armLoad();
    Q_EMIT loadStarted(path, tokenizer);
    Q_EMIT loadRequested(path, tokenizer, m_bf16->isChecked());
}

void ModelPage::cancelLoad()
{
    if (!m_loading)
        return;
    m_worker->cancelLoad();
    m_cancel->setEnabled(false);
    m_loadStatus->setText(tr("Cancelling…"));
}

void ModelPage::setLoading(bool loading)
{
    m_loading = loading;
    m_openFolder->setEnabled(!loading);
    m_openFile->setEnabled(!loading);
    m_tokenizerPath->setEnabled(!loading);
    m_tokenizerBrowse->setEnabled(!loading);
    m_bf16->setEnabled(!loading);
    m_cancel->setEnabled(loading);
}

QString ModelPage::cardHtml() const
{
    return m_modelCard->text();
}

QString ModelPage::loadStatus() const
{
    return m_loadStatus->text();
}

// --- New from scratch ---

void ModelPage::setTrainingShape(int batchSize, int contextLength)
{
    if (batchSize > 0)
        m_batch->setValue(batchSize);
    if (contextLength > 0)
        m_context->setValue(contextLength);
}

tb::ModelConfig ModelPage::configForRow(int row, QString *error) const
{
    const QStringList names = presetNames();
    tb::ModelConfig c = tb::presetConfig(names.value(row, names.value(0)).toStdString(), m_vocab->value());
    const bool custom = row == names.size();
    if (custom) { // the trainer's rule: explicit dims replace the preset's
        c.numLayers = m_layers->value();
        c.hiddenSize = m_hidden->value();
        c.numHeads = m_heads->value();
        c.numKvHeads = m_kvHeads->value();
        c.intermediateSize = m_intermediate->value();
    }
    c.maxPositions = m_context->value(); // the trainer sets the model's context to context_length
    if (error) {
        error->clear();
        try {
            c.validate(tr("custom dimensions").toStdString());
        } catch (const std::exception &e) {
            *error = QString::fromUtf8(e.what());
        }
    }
    return c;
}

tb::ModelConfig ModelPage::selectedConfig() const
{
    return configForRow(std::max(0, m_presets->currentRow()), nullptr);
}

void ModelPage::selectPreset(const QString &name)
{
    const QStringList names = presetNames();
    const int row = name == kCustom ? int(names.size()) : int(names.indexOf(name));
    if (row >= 0 && m_presets->currentRow() != row)
        m_presets->selectRow(row);
}

void ModelPage::refreshPresetTable()
{
    const QStringList names = presetNames();
    const int selected = m_presets->currentRow();
    m_presets->setRowCount(int(names.size()) + 1);
    for (int row = 0; row <= names.size(); ++row) {
        QString error;
        const tb::ModelConfig c = configForRow(row, &error);
        m_presets->setItem(row, ColPreset, cell(row < names.size() ? names[row] : kCustom));
        if (!error.isEmpty()) {
            m_presets->setItem(row, ColShape, cell(tr("invalid"), error));
            for (int col = ColHeads; col < ColumnCount; ++col)
                m_presets->setItem(row, col, cell(QString(), error));
            continue;
        }
        m_presets->setItem(row, ColShape, cell(QStringLiteral("%1 × %2").arg(c.numLayers).arg(c.hiddenSize),
                                               tr("MLP %1, head size %2").arg(c.intermediateSize).arg(c.headDim())));
        m_presets->setItem(row, ColHeads, cell(QStringLiteral("%1 (%2)").arg(c.numHeads).arg(c.numKvHeads)));
        m_presets->setItem(row, ColContext, cell(QString::number(c.maxPositions)));
        auto *params = cell(QLocale().toString(qlonglong(c.parameterCount())),
                            tr("Embedding %1 × %2 (tied with the output layer)")
                                .arg(c.vocabSize)
                                .arg(c.hiddenSize));
        params->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_presets->setItem(row, ColParameters, params);
        tb::MemoryPlan plan;
        plan.model = c;
        plan.batchSize = m_batch->value();
        plan.contextLength = m_context->value();
        const tb::MemoryEstimate memory = tb::estimateTrainingMemory(plan);
        auto *mem = cell(mib(memory.total()), tr("Estimate (without the program itself): %1")
                                                  .arg(QString::fromStdString(memory.describe())));
        mem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_presets->setItem(row, ColMemory, mem);
        const tb::StepFlops flops = tb::trainingStepFlops(c, m_batch->value(), m_context->value());
        QTableWidgetItem *time = nullptr;
        if (m_flopsPerSecond > 0) {
            time = cell(QStringLiteral("≈ %1").arg(duration(flops.total() / m_flopsPerSecond)),
                        tr("An estimate: %1 GFLOP per step (6 × parameters × tokens, plus attention) divided by "
                           "%2 GFLOP/s measured on this machine with a float32 matmul. Element-wise work and the "
                           "optimizer add to it.")
                            .arg(QLocale().toString(flops.total() / 1e9, 'f', 1),
                                 QLocale().toString(m_flopsPerSecond / 1e9, 'f', 1)));
        } else {
            time = cell(tr("measuring…"));
        }
        time->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_presets->setItem(row, ColTime, time);
    }
    if (selected < 0)
        selectPreset(QStringLiteral("micro"));
    else
        m_presets->selectRow(selected);
    updateUseButton(); // the custom row may have become valid or invalid
    m_scratchTokenizer->setText(
        m_chosenTokenizer.isEmpty()
            ? tr("Tokenizer: trained on the data when the run starts (%1 pieces, or train one on the Tokenizer tab).")
                  .arg(m_vocab->value())
            : tr("Tokenizer: %1").arg(m_chosenTokenizer));
}

void ModelPage::updateUseButton()
{
    QString error;
    const int row = m_presets->currentRow();
    configForRow(row, &error);
    m_scratchError->setText(error);
    m_useScratch->setEnabled(row >= 0 && error.isEmpty());
}

void ModelPage::useForTraining()
{
    const QStringList names = presetNames();
    const int row = m_presets->currentRow();
    QString error;
    const tb::ModelConfig c = configForRow(row, &error);
    if (row < 0 || !error.isEmpty())
        return;
    const bool custom = row == names.size();
    const QString preset = custom ? QStringLiteral("micro") : names[row];
    using C = tb::TrainConfig;
    QVariantMap options;
    options.insert(trainKey(&C::model), QString()); // empty = from scratch
    options.insert(trainKey(&C::preset), preset);
    options.insert(trainKey(&C::vocabSize), QString::number(m_vocab->value()));
    options.insert(trainKey(&C::contextLength), QString::number(m_context->value()));
    options.insert(trainKey(&C::batchSize), QString::number(m_batch->value()));
    // 0 = the preset's value; the custom row names every dimension.
    options.insert(trainKey(&C::numLayers), QString::number(custom ? c.numLayers : 0));
    options.insert(trainKey(&C::hiddenSize), QString::number(custom ? c.hiddenSize : 0));
    options.insert(trainKey(&C::numHeads), QString::number(custom ? c.numHeads : 0));
    options.insert(trainKey(&C::numKvHeads), QString::number(custom ? c.numKvHeads : 0));
    options.insert(trainKey(&C::intermediateSize), QString::number(custom ? c.intermediateSize : 0));
    options.insert(trainKey(&C::tokenizer), m_chosenTokenizer);
    options.insert(trainKey(&C::tokenizerType), m_tokType->currentData().toString());
    Q_EMIT scratchChosen(preset, options);
}

// --- Tokenizer ---

void ModelPage::setDatasetPath(const QString &path)
{
    m_datasetPath = path;
    if (path.isEmpty()) {
        m_tokDataset->setText(tr("No dataset: open one on the Data page first."));
    } else {
        m_tokDataset->setText(path);
        if (!m_outputPathEdited) {
            const QFileInfo info(path);
            m_tokOutput->setText(info.dir().filePath(info.completeBaseName() + QStringLiteral("-tokenizer.model")));
        }
    }
    m_tokTrain->setEnabled(!path.isEmpty() && m_tokBusy->isHidden());
}

void ModelPage::setTokenizerForm(int vocabSize, const QString &modelType, const QString &outputPath)
{
    m_tokVocab->setValue(vocabSize);
    m_tokType->setCurrentIndex(std::max(0, m_tokType->findData(modelType)));
    m_tokOutput->setText(outputPath);
    m_outputPathEdited = true;
}

void ModelPage::trainTokenizer()
{
    if (!m_tokBusy->isHidden())
        return;
    if (m_datasetPath.isEmpty()) {
        onTokenizerFailed(tr("No dataset: open one on the Data page first."));
        return;
    }
    setTokenizerBusy(true);
    m_tokResult->setText(tr("Training a %1 tokenizer with %2 pieces on %3…")
                             .arg(m_tokType->currentData().toString())
                             .arg(m_tokVocab->value())
                             .arg(QFileInfo(m_datasetPath).fileName()));
    Q_EMIT tokenizerRequested(m_datasetPath, m_tokOutput->text().trimmed(), m_tokVocab->value(),
                              m_tokType->currentData().toString());
}

void ModelPage::setTokenizerBusy(bool busy)
{
    m_tokBusy->setVisible(busy);
    m_tokTrain->setEnabled(!busy && !m_datasetPath.isEmpty());
    m_tokVocab->setEnabled(!busy);
    m_tokType->setEnabled(!busy);
    m_tokOutput->setEnabled(!busy);
    m_tokBrowse->setEnabled(!busy);
    if (busy)
        m_tokUse->setEnabled(false);
}

void ModelPage::onTokenizerTrained(const QVariantMap &result)
{
    setTokenizerBusy(false);
    m_trainedTokenizer = result.value("path").toString();
    m_trainedPieces = result.value("pieces").toLongLong();
    QString tokens;
    for (const QString &piece : result.value("sample_tokens").toStringList())
        tokens += QStringLiteral("<span style='background:#e8f0fe;'>%1</span> ")
                      .arg(piece.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    m_tokResult->setText(
        tr("<b>Wrote %1</b><br>%2 pieces (%3); BOS = %4, EOS = %5.<br>A line of the dataset:<br><i>%6</i><br>"
           "becomes %7 tokens:<br>%8")
            .arg(m_trainedTokenizer.toHtmlEscaped())
            .arg(result.value("pieces").toLongLong())
            .arg(result.value("model_type").toString())
            .arg(result.value("bos_id").toLongLong())
            .arg(result.value("eos_id").toLongLong())
            .arg(result.value("sample").toString().toHtmlEscaped())
            .arg(result.value("sample_token_count").toLongLong())
            .arg(tokens));
    m_tokUse->setEnabled(true);
    Q_EMIT tokenizerTrained(m_trainedTokenizer);
}

void ModelPage::onTokenizerFailed(const QString &message)
{
    setTokenizerBusy(false);
    m_tokResult->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(message.toHtmlEscaped()));
    m_tokUse->setEnabled(false);
    Q_EMIT tokenizerFailed(message);
}

void ModelPage::useTokenizerForTraining()
{
    if (m_trainedTokenizer.isEmpty())
        return;
    m_chosenTokenizer = m_trainedTokenizer;
    // The presets' parameter counts follow the tokenizer's vocabulary.
    m_vocab->setValue(int(m_trainedPieces));
    refreshPresetTable();
    Q_EMIT tokenizerChosen(m_chosenTokenizer);
}
