#include "train_page.h"

#include "distributed_run.h"
#include "engine_text.h"
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
#include <map>
#include <optional>
#include <type_traits>

namespace {

QString groupTitle(tb::TrainOptionGroup group)
{
    switch (group) {
    case tb::TrainOptionGroup::Data:
        return TrainPage::tr("Data");
    case tb::TrainOptionGroup::Model:
        return TrainPage::tr("Model");
    case tb::TrainOptionGroup::Method:
        return TrainPage::tr("Method");
    case tb::TrainOptionGroup::Optimisation:
        return TrainPage::tr("Optimisation");
    case tb::TrainOptionGroup::Evaluation:
        break;
    }
    return TrainPage::tr("Evaluation");
}

// A value as the form holds it: the text config files and --set use.
template <typename T>
QString formText(const T &value)
{
    if constexpr (std::is_enum_v<T>) {
        return QString::fromLatin1(tb::enumName(value));
    } else if constexpr (std::is_same_v<T, bool>) {
        return value ? QStringLiteral("true") : QStringLiteral("false");
    } else if constexpr (std::is_same_v<T, std::string>) {
        return QString::fromStdString(value);
    } else if constexpr (std::is_floating_point_v<T>) {
        // 0.00002, not 2e-05: what a person would type.
        QString text = QString::number(value, 'f', 10);
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
        return text;
    } else {
        return QString::number(value);
    }
}

struct PresetValue {
    QString key;
    QString value;
};

// One value of a preset, named by its TrainConfig field and given in the field's own type:
// a renamed option, or a value of the wrong type, does not compile.
template <typename T, typename V>
PresetValue presetValue(T tb::TrainConfig::*field, const V &value)
{
    return {trainKey(field), formText(T(value))};
}

// What each preset sets; the data file and the model stay. Every preset first resets the
// options that tell the presets apart.
std::optional<QList<PresetValue>> presetValues(const QString &name)
{
    using C = tb::TrainConfig;
    QList<PresetValue> values = {presetValue(&C::loraRank, 0),
                                 presetValue(&C::task, tb::TaskKind::Auto),
                                 presetValue(&C::freezeBase, false),
                                 presetValue(&C::baseDtype, tb::BaseDtype::F32),
                                 presetValue(&C::earlyStoppingPatience, 0)};
    if (name == QLatin1String("lora"))
        values += {presetValue(&C::loraRank, 8),
                   presetValue(&C::loraAlpha, 16.0),
                   presetValue(&C::learningRate, 0.0002),
                   presetValue(&C::minLearningRate, 0.00002),
                   presetValue(&C::warmupSteps, 20),
                   presetValue(&C::maxSteps, 300),
                   presetValue(&C::baseDtype, tb::BaseDtype::Bf16),
                   presetValue(&C::autocast, tb::Autocast::Bf16),
                   presetValue(&C::batchSize, 4)};
    else if (name == QLatin1String("full"))
        values += {presetValue(&C::learningRate, 0.00005),
                   presetValue(&C::minLearningRate, 0.000005),
                   presetValue(&C::warmupSteps, 50),
                   presetValue(&C::maxSteps, 500),
                   presetValue(&C::batchSize, 4),
                   presetValue(&C::autocast, tb::Autocast::Bf16)};
    else if (name == QLatin1String("scratch"))
        values += {presetValue(&C::model, ""),
                   presetValue(&C::preset, tb::ModelPreset::Micro),
                   presetValue(&C::tokenizerType, tb::TokenizerType::Bpe),
                   presetValue(&C::vocabSize, 2000),
                   presetValue(&C::learningRate, 0.001),
                   presetValue(&C::minLearningRate, 0.0001),
                   presetValue(&C::warmupSteps, 100),
                   presetValue(&C::maxSteps, 1000),
                   presetValue(&C::batchSize, 8),
                   presetValue(&C::autocast, tb::Autocast::Bf16)};
    else if (name == QLatin1String("classifier"))
        values += {presetValue(&C::task, tb::TaskKind::Classification),
                   presetValue(&C::format, tb::DatasetFormat::Classification),
                   presetValue(&C::preset, tb::ModelPreset::Nano),
                   presetValue(&C::learningRate, 0.003),
                   presetValue(&C::warmupSteps, 20),
                   presetValue(&C::maxSteps, 300),
                   presetValue(&C::batchSize, 16),
                   presetValue(&C::earlyStoppingMetric, "macro_f1"),
                   presetValue(&C::earlyStoppingPatience, 3),
                   presetValue(&C::evalEvery, 50)};
    else
        return std::nullopt;
    return values;
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
    std::map<tb::TrainOptionGroup, QFormLayout *> forms;
    using G = tb::TrainOptionGroup;
    for (G group : {G::Data, G::Model, G::Method, G::Optimisation, G::Evaluation}) {
        auto *page = new QWidget;
        forms[group] = new QFormLayout(page);
        auto *scroll = new QScrollArea;
        scroll->setWidget(page);
        scroll->setWidgetResizable(true);
        tabs->addTab(scroll, groupTitle(group));
    }
    // The form is the engine's option table: a label and an editor per option, in its group's
    // tab. People read the label and the help; the config key is in the tooltip for those
    // who write config files.
    for (const tb::TrainOptionInfo &o : tb::trainOptionInfo()) {
        const QString key = QString::fromStdString(o.key);
        const QString value = QString::fromStdString(o.defaultValue);
        const QString label = engineText(o.label);
        const QString help = engineText(o.help);
        const QString toolTip = tr("%1\nIn a config file: %2").arg(help, key);
        QWidget *editor = nullptr;
        switch (o.kind) {
        case tb::TrainOptionKind::Bool: {
            auto *box = new QCheckBox;
            box->setChecked(value == QLatin1String("true"));
            editor = box;
            break;
        }
        case tb::TrainOptionKind::Choice: {
            auto *combo = new QComboBox;
            for (const tb::TrainOptionChoice &c : o.choices) {
                const QString name = QString::fromStdString(c.name);
                combo->addItem(engineText(c.label), name);
                const QString written = name.isEmpty() ? QStringLiteral("\"\"") : name;
                combo->setItemData(combo->count() - 1, tr("In a config file: %1").arg(written), Qt::ToolTipRole);
            }
            combo->setCurrentIndex(combo->findData(value));
            editor = combo;
            break;
        }
        case tb::TrainOptionKind::File:
        case tb::TrainOptionKind::Folder:
        case tb::TrainOptionKind::OutputFolder: {
            auto *row = new QWidget;
            auto *line = new QLineEdit(value);
            auto *browse = new QPushButton(tr("Browse…"));
            const bool folder = o.kind != tb::TrainOptionKind::File;
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
            break;
        }
        case tb::TrainOptionKind::Text:
        case tb::TrainOptionKind::Int:
        case tb::TrainOptionKind::Real: {
            auto *line = new QLineEdit(value);
            if (o.kind == tb::TrainOptionKind::Int)
                line->setValidator(new QIntValidator(line));
            else if (o.kind == tb::TrainOptionKind::Real)
                line->setValidator(new QDoubleValidator(line)); // accepts 1e-4
            editor = line;
            break;
        }
        }
        editor->setToolTip(toolTip);
        editor->setObjectName(key);
        // A screen reader says the option's label, then its help.
        editor->setAccessibleName(label);
        editor->setAccessibleDescription(help);
        if (auto *inner = editor->findChild<QLineEdit *>())
            inner->setAccessibleName(label);
        auto *labelWidget = new QLabel(label);
        labelWidget->setBuddy(editor);
        labelWidget->setToolTip(toolTip);
        forms[o.group]->addRow(labelWidget, editor);
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

bool TrainPage::setOption(const QString &key, const QString &value)
{
    // A wrong key or choice is a bug in the caller (or a session saved by another version):
    // say so, and leave the form as it was, rather than train with something else.
    QWidget *w = m_fields.value(key);
    if (!w) {
        qWarning("TrainPage::setOption: '%s' is not a training option (tb::trainOptionInfo())", qPrintable(key));
        return false;
    }
    if (auto *box = qobject_cast<QCheckBox *>(w)) {
        if (value != QLatin1String("true") && value != QLatin1String("false")) {
            qWarning("TrainPage::setOption: %s takes true or false, not '%s'", qPrintable(key), qPrintable(value));
            return false;
        }
        box->setChecked(value == QLatin1String("true"));
    } else if (auto *combo = qobject_cast<QComboBox *>(w)) {
        const int index = combo->findData(value);
        if (index < 0) {
            QStringList names;
            for (int i = 0; i < combo->count(); ++i)
                names << combo->itemData(i).toString();
            qWarning("TrainPage::setOption: %s has no choice '%s'; choose one of %s", qPrintable(key), qPrintable(value),
                     qPrintable(names.join(QStringLiteral(", "))));
            return false;
        }
        combo->setCurrentIndex(index);
    } else if (auto *line = qobject_cast<QLineEdit *>(w)) {
        line->setText(value);
    } else if (auto *inner = w->findChild<QLineEdit *>()) {
        inner->setText(value);
    }
    return true;
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
        if (!setOption(it.key(), text)) { // the engine wrote it: the form must know it
            *error = tr("%1: the form cannot show %2 = %3").arg(path, it.key(), text);
            return false;
        }
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

bool TrainPage::applyPreset(const QString &name)
{
    const std::optional<QList<PresetValue>> values = presetValues(name);
    const int index = m_preset->findData(name);
    if (!values || index < 0) {
        qWarning("TrainPage::applyPreset: no preset '%s'", qPrintable(name));
        return false;
    }
    bool ok = true;
    for (const PresetValue &v : *values)
        ok = setOption(v.key, v.value) && ok;
    m_preset->setCurrentIndex(index);
    return ok;
}

QString TrainPage::configJson(QString *error) const
{
    QJsonObject o;
    for (const tb::TrainOptionInfo &info : tb::trainOptionInfo()) {
        const QString key = QString::fromStdString(info.key);
        const QString text = editorValue(m_fields.value(key)).trimmed();
        if (info.kind == tb::TrainOptionKind::Bool)
            o.insert(key, text == QLatin1String("true"));
        else if (info.kind == tb::TrainOptionKind::Int || info.kind == tb::TrainOptionKind::Real) {
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
    const QString runDir = trainKey(&tb::TrainConfig::runDir);
    if (o.value(runDir).toString().isEmpty())
        o.insert(runDir, QDir(m_runsRoot).absoluteFilePath(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")));
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
        if (!m_evalSeries.contains(name)) {
            // The legend names the metric for people; its key (metrics.jsonl,
            // early_stopping_metric) is in the entry's tooltip.
            const int series = m_eval->addSeries(metricDisplayName(name), color, true);
            m_eval->setSeriesToolTip(series, tr("In metrics.jsonl: %1").arg(name));
            m_evalSeries.insert(name, series);
        }
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
