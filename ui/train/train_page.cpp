#include "train_page.h"

#include "distributed_run.h"
#include "metric_plot.h"
#include "run_status.h"
#include "train_worker.h"

#include "error.h"
#include "train_config.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleValidator>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QIntValidator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace {

QString groupTitle(const QString &group)
{
    if (group == QLatin1String("data"))
        return TrainPage::tr("Data");
    if (group == QLatin1String("model"))
        return TrainPage::tr("Model");
    if (group == QLatin1String("method"))
        return TrainPage::tr("Method");
    if (group == QLatin1String("optimisation"))
        return TrainPage::tr("Optimisation");
    return TrainPage::tr("Evaluation");
}

// What each option does, in the user's language; docs/training.md has the long form.
QString optionHelp(const QString &key)
{
    static const QHash<QString, const char *> help = {
        {"data", QT_TRANSLATE_NOOP("TrainPage", "Training file: chat JSONL, ShareGPT, Alpaca, .txt, or CSV/TSV/JSONL with text and label columns")},
        {"validation_data", QT_TRANSLATE_NOOP("TrainPage", "A separate validation file; empty = a share of the training rows")},
        {"format", QT_TRANSLATE_NOOP("TrainPage", "The file's format; auto detects it from the extension and the first rows")},
        {"chat_template", QT_TRANSLATE_NOOP("TrainPage", "How conversations become tokens; empty = the model's own template")},
        {"on_error", QT_TRANSLATE_NOOP("TrainPage", "A bad row: skip it (and report its line) or stop at the first one")},
        {"overlong", QT_TRANSLATE_NOOP("TrainPage", "An example longer than the context: truncate (keeps the last assistant turn) or skip")},
        {"text_split", QT_TRANSLATE_NOOP("TrainPage", "Plain text: one document per paragraph, or the whole file as one stream")},
        {"validation_ratio", QT_TRANSLATE_NOOP("TrainPage", "Share of the rows held out for validation (fixed by the seed)")},
        {"packing", QT_TRANSLATE_NOOP("TrainPage", "Put several short examples in one row; attention never crosses two examples")},
        {"train_on_all_tokens", QT_TRANSLATE_NOOP("TrainPage", "Take the loss on every token, not only the assistant's replies")},
        {"text_column", QT_TRANSLATE_NOOP("TrainPage", "Classification: the column holding the text")},
        {"label_column", QT_TRANSLATE_NOOP("TrainPage", "Classification: the column holding the label")},
        {"model", QT_TRANSLATE_NOOP("TrainPage", "Model to fine-tune (HF folder, GGUF, llama2.c); empty = train from scratch")},
        {"tokenizer", QT_TRANSLATE_NOOP("TrainPage", "A SentencePiece .model; from scratch and empty = train one on the data")},
        {"preset", QT_TRANSLATE_NOOP("TrainPage", "Model size when training from scratch")},
        {"context_length", QT_TRANSLATE_NOOP("TrainPage", "Tokens per training row")},
        {"vocab_size", QT_TRANSLATE_NOOP("TrainPage", "Pieces of a tokenizer trained from scratch")},
        {"tokenizer_type", QT_TRANSLATE_NOOP("TrainPage", "bpe or unigram subwords, or char: one piece per character")},
        {"task", QT_TRANSLATE_NOOP("TrainPage", "Language model or intent classifier; auto follows the data")},
        {"lora_rank", QT_TRANSLATE_NOOP("TrainPage", "LoRA: rank of the adapters; 0 = full fine-tuning")},
        {"lora_alpha", QT_TRANSLATE_NOOP("TrainPage", "LoRA: the adapters are scaled by alpha / rank")},
        {"lora_dropout", QT_TRANSLATE_NOOP("TrainPage", "LoRA: dropout on the adapters' input while training")},
        {"lora_targets", QT_TRANSLATE_NOOP("TrainPage", "LoRA: layers that get adapters (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)")},
        {"freeze_embeddings", QT_TRANSLATE_NOOP("TrainPage", "Keep the token embeddings fixed")},
        {"freeze_layers", QT_TRANSLATE_NOOP("TrainPage", "Keep the bottom N layers fixed")},
        {"freeze_base", QT_TRANSLATE_NOOP("TrainPage", "Classifier: train only the head")},
        {"base_dtype", QT_TRANSLATE_NOOP("TrainPage", "bf16 halves the memory of a frozen base (LoRA, head only)")},
        {"autocast", QT_TRANSLATE_NOOP("TrainPage", "bf16: matrix products in bfloat16, about twice as fast on CPUs with AVX-512 BF16")},
        {"gradient_checkpointing", QT_TRANSLATE_NOOP("TrainPage", "Recompute each layer in the backward pass: much less memory, about a third more time")},
        {"max_steps", QT_TRANSLATE_NOOP("TrainPage", "Optimizer steps; 0 = let epochs decide")},
        {"epochs", QT_TRANSLATE_NOOP("TrainPage", "Passes over the data when max_steps is 0")},
        {"batch_size", QT_TRANSLATE_NOOP("TrainPage", "Rows per micro-batch")},
        {"grad_accumulation", QT_TRANSLATE_NOOP("TrainPage", "Micro-batches per optimizer step")},
        {"learning_rate", QT_TRANSLATE_NOOP("TrainPage", "Peak learning rate")},
        {"min_learning_rate", QT_TRANSLATE_NOOP("TrainPage", "Learning rate at the end of the schedule")},
        {"warmup_steps", QT_TRANSLATE_NOOP("TrainPage", "Steps of linear warm-up")},
        {"schedule", QT_TRANSLATE_NOOP("TrainPage", "Learning rate after the warm-up")},
        {"weight_decay", QT_TRANSLATE_NOOP("TrainPage", "AdamW's decoupled weight decay (not on norms)")},
        {"grad_clip", QT_TRANSLATE_NOOP("TrainPage", "Clip the gradient's global norm; 0 = off")},
        {"seed", QT_TRANSLATE_NOOP("TrainPage", "The same seed repeats a run exactly")},
        {"threads", QT_TRANSLATE_NOOP("TrainPage", "CPU threads; 0 = every core")},
        {"eval_every", QT_TRANSLATE_NOOP("TrainPage", "Steps between evaluations; step 0 is the baseline")},
        {"eval_batches", QT_TRANSLATE_NOOP("TrainPage", "Batches per evaluation during the run; the last one covers the whole split")},
        {"checkpoint_every", QT_TRANSLATE_NOOP("TrainPage", "Steps between checkpoints; 0 = at every evaluation")},
        {"keep_last", QT_TRANSLATE_NOOP("TrainPage", "Checkpoints to keep, besides the best")},
        {"keep_best", QT_TRANSLATE_NOOP("TrainPage", "Keep the checkpoint with the best early-stopping metric")},
        {"early_stopping_metric", QT_TRANSLATE_NOOP("TrainPage", "Metric to watch: val_loss, macro_f1, check_pass_rate…; auto picks by task")},
        {"early_stopping_patience", QT_TRANSLATE_NOOP("TrainPage", "Stop after this many evaluations without improvement; 0 = off")},
        {"dialogue_checks", QT_TRANSLATE_NOOP("TrainPage", "JSONL of prompts with must_contain / must_not_contain / regex rules, run at every evaluation")},
        {"dialogue_check_tokens", QT_TRANSLATE_NOOP("TrainPage", "New tokens per dialogue check")},
        {"memory_limit_mb", QT_TRANSLATE_NOOP("TrainPage", "Refuse a run whose memory estimate exceeds this; 0 = what is free now")},
        {"run_dir", QT_TRANSLATE_NOOP("TrainPage", "Where config, log, metrics and checkpoints go; empty = runs/<date-time>")},
    };
    const auto it = help.constFind(key);
    return it == help.constEnd() ? key : TrainPage::tr(it.value());
}

QString editorValue(QWidget *w)
{
    if (auto *box = qobject_cast<QCheckBox *>(w))
        return box->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    if (auto *combo = qobject_cast<QComboBox *>(w))
        return combo->currentData().toString();
    if (auto *line = w->findChild<QLineEdit *>(); line && !qobject_cast<QLineEdit *>(w))
        return line->text();
    return qobject_cast<QLineEdit *>(w)->text();
}

} // namespace

TrainPage::TrainPage(QWidget *parent) : QWidget(parent)
{
    qRegisterMetaType<TrainStepReport>();
    qRegisterMetaType<TrainEvalReport>();
    qRegisterMetaType<TrainEndReport>();
    m_worker = new TrainWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &TrainPage::startRequested, m_worker, &TrainWorker::start, Qt::QueuedConnection);
    connect(this, &TrainPage::resumeRequested, m_worker, &TrainWorker::resume, Qt::QueuedConnection);
    connect(m_worker, &TrainWorker::stepReported, this, &TrainPage::onStep, Qt::QueuedConnection);
    connect(m_worker, &TrainWorker::evalReported, this, &TrainPage::onEval, Qt::QueuedConnection);
    connect(m_worker, &TrainWorker::logLine, this, &TrainPage::appendLog, Qt::QueuedConnection);
    connect(m_worker, &TrainWorker::finished, this, &TrainPage::onFinished, Qt::QueuedConnection);
    connect(m_worker, &TrainWorker::failed, this, &TrainPage::onFailed, Qt::QueuedConnection);
    m_thread.start();
    // The same handlers draw a run of several processes (rank 0's metrics, already global).
    m_distributed = new DistributedRun(this);
    connect(m_distributed, &DistributedRun::stepReported, this, &TrainPage::onStep);
    connect(m_distributed, &DistributedRun::evalReported, this, &TrainPage::onEval);
    connect(m_distributed, &DistributedRun::logLine, this, &TrainPage::appendLog);
    connect(m_distributed, &DistributedRun::finished, this, &TrainPage::onFinished);
    connect(m_distributed, &DistributedRun::failed, this, &TrainPage::onFailed);

    auto *splitter = new QSplitter;
    splitter->addWidget(buildOptions());
    splitter->addWidget(buildMonitor());
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
    setRunning(false);
}

TrainPage::~TrainPage()
{
    // Flag, quit, wait: the run ends at its next step boundary, then the thread.
    m_worker->requestStop();
    m_thread.quit();
    m_thread.wait();
}

QWidget *TrainPage::buildOptions()
{
    m_preset = new QComboBox;
    m_preset->addItem(tr("Quick LoRA"), QStringLiteral("lora"));
    m_preset->addItem(tr("Full fine-tune"), QStringLiteral("full"));
    m_preset->addItem(tr("From scratch"), QStringLiteral("scratch"));
    m_preset->addItem(tr("Intent classifier"), QStringLiteral("classifier"));
    m_preset->setCurrentIndex(2);
    m_preset->setToolTip(tr("Fills the options below with a starting point; change any of them"));
    connect(m_preset, &QComboBox::activated, this, [this] { applyPreset(m_preset->currentData().toString()); });

    auto *tabs = new QTabWidget;
    QHash<QString, QFormLayout *> forms;
    for (const char *group : {"data", "model", "method", "optimisation", "evaluation"}) {
        auto *page = new QWidget;
        forms[group] = new QFormLayout(page);
        auto *scroll = new QScrollArea;
        scroll->setWidget(page);
        scroll->setWidgetResizable(true);
        tabs->addTab(scroll, groupTitle(group));
    }
    for (const tb::TrainOptionInfo &o : tb::trainOptionInfo()) {
        const QString key = QString::fromStdString(o.key);
        const QString value = QString::fromStdString(o.defaultValue);
        QWidget *editor = nullptr;
        if (o.kind == "bool") {
            auto *box = new QCheckBox;
            box->setChecked(value == QLatin1String("true"));
            editor = box;
        } else if (o.kind == "choice") {
            auto *combo = new QComboBox;
            for (const std::string &c : o.choices)
                combo->addItem(c.empty() ? tr("(the model's)") : QString::fromStdString(c), QString::fromStdString(c));
            combo->setCurrentIndex(combo->findData(value));
            editor = combo;
        } else if (o.kind == "path") {
            auto *row = new QWidget;
            auto *line = new QLineEdit(value);
            auto *browse = new QPushButton(tr("Browse…"));
            const bool folder = key == QLatin1String("run_dir") || key == QLatin1String("model");
            connect(browse, &QPushButton::clicked, this, [this, line, folder] {
                const QString path = folder ? QFileDialog::getExistingDirectory(this, tr("Choose a folder"), line->text())
                                            : QFileDialog::getOpenFileName(this, tr("Choose a file"), line->text());
                if (!path.isEmpty())
                    line->setText(path);
            });
            auto *h = new QHBoxLayout(row);
            h->setContentsMargins(0, 0, 0, 0);
            h->addWidget(line, 1);
            h->addWidget(browse);
            editor = row;
        } else {
            auto *line = new QLineEdit(value);
            if (o.kind == "int")
                line->setValidator(new QIntValidator(line));
            else if (o.kind == "real")
                line->setValidator(new QDoubleValidator(line)); // accepts 1e-4
            editor = line;
        }
        editor->setToolTip(optionHelp(key));
        editor->setObjectName(key);
        // A screen reader says the option's name, then its help.
        editor->setAccessibleName(key);
        editor->setAccessibleDescription(optionHelp(key));
        if (auto *inner = editor->findChild<QLineEdit *>())
            inner->setAccessibleName(key);
        auto *label = new QLabel(key);
        label->setBuddy(editor);
        label->setToolTip(optionHelp(key));
        forms[QString::fromStdString(o.group)]->addRow(label, editor);
        m_fields.insert(key, editor);
    }

    m_start = new QPushButton(tr("Start"));
    m_pause = new QPushButton(tr("Pause"));
    m_stop = new QPushButton(tr("Stop"));
    m_start->setToolTip(tr("Check the options and start the run"));
    m_stop->setToolTip(tr("Stop at the next step boundary and save a checkpoint to resume from"));
    connect(m_start, &QPushButton::clicked, this, &TrainPage::start);
    connect(m_pause, &QPushButton::clicked, this, &TrainPage::togglePause);
    connect(m_stop, &QPushButton::clicked, this, &TrainPage::stop);
    m_chatRun = new QPushButton(tr("Chat with this run"));
    m_chatRun->setObjectName(QStringLiteral("chatWithRun"));
    m_chatRun->setToolTip(tr("Talk to the weights as they are now, while the run goes on; nothing is saved first"));
    connect(m_chatRun, &QPushButton::clicked, this, &TrainPage::chatWithRun);
    m_formError = new QLabel;
    m_formError->setWordWrap(true);
    m_formError->setStyleSheet(QStringLiteral("color: #b00020"));

    m_processes = new QSpinBox;
    m_processes->setRange(1, 64);
    m_processes->setValue(1);
    m_processes->setAccessibleName(tr("Processes"));
    m_processes->setToolTip(tr("Data-parallel training with this many processes on this machine (c10d over Gloo), "
                               "shown here as one run. 1 trains inside Tunebench, with Pause and live chat."));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(new QLabel(tr("Processes")));
    buttons->addWidget(m_processes);
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    auto *chatRow = new QHBoxLayout;
    chatRow->addWidget(m_chatRun);
    auto *presetRow = new QFormLayout;
    presetRow->addRow(tr("Preset"), m_preset);
    auto *panel = new QWidget;
    auto *layout = new QVBoxLayout(panel);
    layout->addLayout(presetRow);
    layout->addWidget(tabs, 1);
    layout->addWidget(m_formError);
    layout->addLayout(buttons);
    layout->addLayout(chatRow);
    panel->setMinimumWidth(470);
    return panel;
}

QWidget *TrainPage::buildMonitor()
{
    m_progress = new QProgressBar;
    m_eta = new QLabel;
    m_memory = new QLabel;
    m_loss = new MetricPlot(tr("Loss"));
    m_loss->addSeries(tr("train"), QColor(120, 160, 220));
    m_loss->addSeries(tr("train (smoothed)"), QColor(20, 70, 170));
    m_loss->addSeries(tr("validation"), QColor(220, 90, 30), true);
    m_lr = new MetricPlot(tr("Learning rate"));
    m_lr->addSeries(tr("learning rate"), QColor(60, 140, 60));
    m_gradNorm = new MetricPlot(tr("Gradient norm"));
    m_gradNorm->addSeries(tr("gradient norm"), QColor(140, 60, 140));
    m_speed = new MetricPlot(tr("Tokens per second"));
    m_speed->addSeries(tr("tokens/s"), QColor(90, 90, 90));
    m_eval = new MetricPlot(tr("Evaluation"));
    m_eval->setLegendAlways(true); // which metric a lone series is
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setAccessibleName(tr("Training log"));
    m_log->setMaximumBlockCount(5000);

    auto *status = new QHBoxLayout;
    status->addWidget(m_progress, 1);
    status->addWidget(m_eta);
    status->addWidget(m_memory);
    auto *grid = new QGridLayout;
    grid->addWidget(m_loss, 0, 0, 1, 2);
    grid->addWidget(m_eval, 0, 2);
    grid->addWidget(m_lr, 1, 0);
    grid->addWidget(m_gradNorm, 1, 1);
    grid->addWidget(m_speed, 1, 2);
    auto *charts = new QWidget;
    charts->setLayout(grid);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(charts);
    split->addWidget(m_log);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *panel = new QWidget;
    auto *layout = new QVBoxLayout(panel);
    layout->addLayout(status);
    layout->addWidget(split, 1);
    return panel;
}

void TrainPage::setOption(const QString &key, const QString &value)
{
    QWidget *w = m_fields.value(key);
    if (!w)
        return;
    if (auto *box = qobject_cast<QCheckBox *>(w))
        box->setChecked(value == QLatin1String("true"));
    else if (auto *combo = qobject_cast<QComboBox *>(w))
        combo->setCurrentIndex(std::max(0, combo->findData(value)));
    else if (auto *line = qobject_cast<QLineEdit *>(w))
        line->setText(value);
    else if (auto *inner = w->findChild<QLineEdit *>())
        inner->setText(value);
}

QString TrainPage::option(const QString &key) const
{
    QWidget *w = m_fields.value(key);
    return w ? editorValue(w) : QString();
}

bool TrainPage::loadConfigFile(const QString &path, QString *error)
{
    std::string json;
    try {
        json = tb::trainConfigToJson(tb::loadTrainConfig(path.toStdString(), {}));
    } catch (const std::exception &e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QJsonValue v = it.value();
        QString text;
        if (v.isBool())
            text = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        else if (v.isDouble())
            text = QLocale::c().toString(v.toDouble(), 'g', 12);
        else if (v.isArray()) {
            QStringList parts;
            for (const QJsonValue &item : v.toArray())
                parts << item.toString();
            text = parts.join(QLatin1Char(','));
        } else
            text = v.toString();
        setOption(it.key(), text);
    }
    return true;
}

QVariantMap TrainPage::formValues() const
{
    QVariantMap values;
    for (auto it = m_fields.constBegin(); it != m_fields.constEnd(); ++it)
        values.insert(it.key(), editorValue(it.value()));
    return values;
}

void TrainPage::setFormValues(const QVariantMap &values)
{
    for (auto it = values.constBegin(); it != values.constEnd(); ++it)
        setOption(it.key(), it.value().toString());
}

void TrainPage::applyPreset(const QString &name)
{
    // Each preset sets the options that define it; the data file and model stay.
    const QList<QPair<QString, QString>> common = {{"lora_rank", "0"}, {"task", "auto"}, {"freeze_base", "false"},
                                                   {"base_dtype", "f32"}, {"early_stopping_patience", "0"}};
    for (const auto &[k, v] : common)
        setOption(k, v);
    QList<QPair<QString, QString>> values;
    if (name == QLatin1String("lora"))
        values = {{"lora_rank", "8"},          {"lora_alpha", "16"},    {"learning_rate", "0.0002"},
                  {"min_learning_rate", "0.00002"}, {"warmup_steps", "20"}, {"max_steps", "300"},
                  {"base_dtype", "bf16"},      {"autocast", "bf16"},    {"batch_size", "4"}};
    else if (name == QLatin1String("full"))
        values = {{"learning_rate", "0.00005"}, {"min_learning_rate", "0.000005"}, {"warmup_steps", "50"},
                  {"max_steps", "500"}, {"batch_size", "4"}, {"autocast", "bf16"}};
    else if (name == QLatin1String("scratch"))
        values = {{"model", ""},           {"preset", "micro"},         {"tokenizer_type", "bpe"},
                  {"vocab_size", "2000"},  {"learning_rate", "0.001"},  {"min_learning_rate", "0.0001"},
                  {"warmup_steps", "100"}, {"max_steps", "1000"},       {"batch_size", "8"},
                  {"autocast", "bf16"}};
    else if (name == QLatin1String("classifier"))
        values = {{"task", "classification"}, {"format", "classification"}, {"preset", "nano"},
                  {"learning_rate", "0.003"},   {"warmup_steps", "20"},        {"max_steps", "300"},
                  {"batch_size", "16"},         {"early_stopping_metric", "macro_f1"},
                  {"early_stopping_patience", "3"}, {"eval_every", "50"}};
    for (const auto &[k, v] : values)
        setOption(k, v);
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(name)));
}

QString TrainPage::configJson(QString *error) const
{
    QJsonObject o;
    for (const tb::TrainOptionInfo &info : tb::trainOptionInfo()) {
        const QString key = QString::fromStdString(info.key);
        const QString text = editorValue(m_fields.value(key)).trimmed();
        if (info.kind == "bool")
            o.insert(key, text == QLatin1String("true"));
        else if (info.kind == "int" || info.kind == "real") {
            bool ok = false;
            const double v = QLocale::c().toDouble(text, &ok);
            if (!ok) {
                *error = tr("%1: \"%2\" is not a number").arg(key, text);
                return {};
            }
            o.insert(key, v);
        } else
            o.insert(key, text);
    }
    if (o.value("run_dir").toString().isEmpty())
        o.insert("run_dir", QDir(m_runsRoot).absoluteFilePath(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")));
    const QString json = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    try {
        tb::trainConfigFromJson(json.toStdString(), "the Train page"); // the engine's own checks
    } catch (const std::exception &e) {
        *error = QString::fromUtf8(e.what());
        return {};
    }
    return json;
}

bool TrainPage::start()
{
    if (m_running)
        return false;
    QString error;
    const QString json = configJson(&error);
    m_formError->setText(error);
    if (json.isEmpty())
        return false;
    for (MetricPlot *p : {m_loss, m_lr, m_gradNorm, m_speed, m_eval})
        p->clear();
    m_smoothed = m_smoothWeight = 0.0;
    m_log->clear();
    m_multiProcess = m_processes->value() > 1;
    if (m_multiProcess) {
        QString launchError;
        if (!m_distributed->start(json, m_processes->value(), &launchError)) {
            m_formError->setText(launchError);
            m_multiProcess = false;
            return false;
        }
        setRunning(true);
        return true;
    }
    setRunning(true);
    Q_EMIT startRequested(json);
    return true;
}

void TrainPage::setProcesses(int processes)
{
    m_processes->setValue(processes);
}

bool TrainPage::resumeRun(const QString &runDir)
{
    if (m_running)
        return false;
    for (MetricPlot *p : {m_loss, m_lr, m_gradNorm, m_speed, m_eval})
        p->clear();
    m_smoothed = m_smoothWeight = 0.0;
    m_log->clear();
    m_formError->clear();
    appendLog(tr("resuming %1").arg(runDir));
    m_multiProcess = false;
    setRunning(true);
    Q_EMIT resumeRequested(runDir);
    return true;
}

void TrainPage::togglePause()
{
    if (!m_running)
        return;
    m_paused = !m_paused;
    m_worker->setPaused(m_paused);
    m_pause->setText(m_paused ? tr("Resume") : tr("Pause"));
    appendLog(m_paused ? tr("paused (at the next step boundary)") : tr("resumed"));
}

void TrainPage::stop()
{
    if (!m_running)
        return;
    if (m_multiProcess)
        m_distributed->stop();
    m_worker->requestStop();
    m_worker->setPaused(false);
    m_stop->setEnabled(false);
    appendLog(tr("stopping at the next step boundary…"));
}

void TrainPage::chatWithRun()
{
    if (!m_running) {
        if (!m_lastRunDir.isEmpty())
            Q_EMIT finishedRunChatRequested(m_lastRunDir);
        return;
    }
    m_worker->requestSnapshot();
    m_chatRun->setEnabled(false);
    // The trainer publishes at its next step boundary (at once while paused).
    auto *poll = new QTimer(this);
    connect(poll, &QTimer::timeout, this, [this, poll] {
        SnapshotPtr snapshot = m_worker->latestSnapshot();
        if (snapshot && snapshot != m_lastSnapshot) {
            poll->deleteLater();
            m_lastSnapshot = snapshot;
            m_chatRun->setEnabled(true);
            Q_EMIT snapshotReady(snapshot);
        } else if (!m_running) {
            poll->deleteLater();
        }
    });
    poll->start(50);
}

void TrainPage::setRunning(bool running)
{
    m_running = running;
    m_paused = false;
    m_start->setEnabled(!running);
    // Pause and live chat reach into this process's trainer, so a run of several
    // processes offers Stop only (and chat once it has ended).
    const bool inProcess = running && !m_multiProcess;
    m_pause->setEnabled(inProcess);
    m_pause->setText(tr("Pause"));
    m_stop->setEnabled(running);
    m_preset->setEnabled(!running);
    m_processes->setEnabled(!running);
    m_chatRun->setEnabled(inProcess || (!running && !m_lastRunDir.isEmpty()));
}

void TrainPage::onStep(const TrainStepReport &r)
{
    m_progress->setMaximum(int(r.totalSteps));
    m_progress->setValue(int(r.step));
    const int eta = int(std::lround(r.etaSeconds));
    m_eta->setText(tr("ETA %1:%2").arg(eta / 60).arg(eta % 60, 2, 10, QLatin1Char('0')));
    m_memory->setText(tr("memory %1 MB").arg(r.rssMb, 0, 'f', 0));
    const double step = double(r.step);
    // An exponential moving average shows the trend through the noise of small batches;
    // dividing by the weight it has accumulated removes its pull towards the first value.
    m_smoothed = 0.9 * m_smoothed + 0.1 * r.loss;
    m_smoothWeight = 0.9 * m_smoothWeight + 0.1;
    m_loss->addPoint(0, step, r.loss);
    m_loss->addPoint(1, step, m_smoothed / m_smoothWeight);
    m_lr->addPoint(0, step, r.learningRate);
    m_gradNorm->addPoint(0, step, r.gradNorm);
    m_speed->addPoint(0, step, r.tokensPerSecond);
}

void TrainPage::onEval(const TrainEvalReport &r)
{
    const qint64 step = r.step;
    const QVariantMap &metrics = r.metrics;
    m_loss->addPoint(2, double(step), metrics.value("val_loss").toDouble());
    static const QList<QPair<QString, QColor>> shown = {{"check_pass_rate", QColor(200, 40, 40)},
                                                        {"macro_f1", QColor(30, 130, 60)},
                                                        {"accuracy", QColor(40, 90, 200)},
                                                        {"val_token_acc", QColor(120, 80, 20)}};
    for (const auto &[name, color] : shown) {
        if (!metrics.contains(name))
            continue;
        if (!m_evalSeries.contains(name))
            m_evalSeries.insert(name, m_eval->addSeries(name, color, true));
        m_eval->addPoint(m_evalSeries.value(name), double(step), metrics.value(name).toDouble());
    }
    QStringList parts;
    for (auto it = metrics.constBegin(); it != metrics.constEnd(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.key()).arg(it.value().toDouble(), 0, 'g', 4);
    appendLog(tr("evaluation at step %1: %2").arg(step).arg(parts.join(QStringLiteral(", ")))
              + (r.best ? tr(" (best so far)") : QString()) + (r.final ? tr(" (final)") : QString()));
}

void TrainPage::onFinished(const TrainEndReport &r)
{
    m_lastRunDir = r.runDir;
    setRunning(false);
    const QString what = runStatusText(r.status);
    appendLog(tr("run %1: %2; peak memory %3 MB (estimate %4 MB)")
                  .arg(what, r.runDir)
                  .arg(r.peakRssMb, 0, 'f', 0)
                  .arg(r.estimateMb, 0, 'f', 0));
    Q_EMIT runFinished(r.status, r.runDir);
}

void TrainPage::onFailed(const QString &message)
{
    setRunning(false);
    m_formError->setText(message);
    appendLog(tr("failed: %1").arg(message));
    Q_EMIT runFailed(message);
}

void TrainPage::appendLog(const QString &line)
{
    m_log->appendPlainText(line);
}
