#include "chat_page.h"

#include "chat_pane.h"
#include "chat_transcript.h"
#include "run_directory.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

#include <climits>

namespace {

// Stop strings are typed one per line; \n and \t stand for a newline and a tab, \\ for a backslash.
QString unescape(const QString &line)
{
    QString out;
    for (int i = 0; i < line.size(); ++i) {
        if (line[i] == QLatin1Char('\\') && i + 1 < line.size()) {
            const QChar c = line[++i];
            out += c == QLatin1Char('n') ? QStringLiteral("\n") : c == QLatin1Char('t') ? QStringLiteral("\t") : QString(c);
        } else {
            out += line[i];
        }
    }
    return out;
}

QString escape(QString text)
{
    return text.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('\n'), QLatin1String("\\n"))
        .replace(QLatin1Char('\t'), QLatin1String("\\t"));
}

} // namespace

ChatPage::ChatPage(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    m_sideBySide = new QCheckBox(tr("Side by side"));
    m_sideBySide->setAccessibleName(tr("Side by side"));
    m_sideBySide->setToolTip(tr("Two conversations next to each other: each message goes to both models, and "
                                "both answers stream at once"));
    m_new = new QPushButton(tr("New conversation"));
    m_new->setAccessibleName(tr("New conversation"));
    m_new->setToolTip(tr("Forget the turns (the settings and models stay)"));
    m_save = new QPushButton(tr("Save…"));
    m_save->setAccessibleName(tr("Save the conversation"));
    m_save->setToolTip(tr("Save as JSON (everything, loads back) or Markdown (to read and share)"));
    m_load = new QPushButton(tr("Load…"));
    m_load->setAccessibleName(tr("Load a conversation"));
    m_load->setToolTip(tr("Open a conversation saved as JSON and continue it"));
    top->addWidget(m_sideBySide);
    top->addStretch();
    top->addWidget(m_new);
    top->addWidget(m_save);
    top->addWidget(m_load);
    layout->addLayout(top);

    auto *middle = new QHBoxLayout;
    m_split = new QSplitter(Qt::Horizontal);
    m_paneA = new ChatPane(tr("the left pane"));
    m_paneB = new ChatPane(tr("the right pane"));
    m_paneA->statusLabel()->setObjectName(QStringLiteral("chatStatus"));
    m_paneA->transcript()->setObjectName(QStringLiteral("transcript"));
    m_split->addWidget(m_paneA);
    m_split->addWidget(m_paneB);
    m_split->setStretchFactor(0, 1);
    m_split->setStretchFactor(1, 1);
    m_split->setChildrenCollapsible(false);
    m_paneB->hide();
    middle->addWidget(m_split, 1);
    middle->addWidget(buildSettings());
    layout->addLayout(middle, 1);

    auto *editRow = new QHBoxLayout;
    m_editBanner = new QLabel;
    m_editBanner->setWordWrap(true);
    m_cancelEdit = new QPushButton(tr("Cancel edit"));
    m_cancelEdit->setAccessibleName(tr("Cancel edit"));
    editRow->addWidget(m_editBanner, 1);
    editRow->addWidget(m_cancelEdit);
    layout->addLayout(editRow);
    m_editBanner->hide();
    m_cancelEdit->hide();

    m_input = new QPlainTextEdit;
    m_input->setAccessibleName(tr("Message"));
    m_input->setObjectName(QStringLiteral("chatInput"));
    m_input->setPlaceholderText(tr("Type a message. Ctrl+Enter sends, Esc stops."));
    m_input->setMaximumHeight(90);
    m_input->setTabChangesFocus(true);
    layout->addWidget(m_input);

    auto *row = new QHBoxLayout;
    m_error = new QLabel;
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color:#b00020"));
    m_error->setObjectName(QStringLiteral("chatError"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_regenerate = new QPushButton(tr("Regenerate"));
    m_regenerate->setAccessibleName(tr("Regenerate the last reply"));
    m_regenerate->setToolTip(tr("Drop the last reply and sample it again (with the current settings)"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setAccessibleName(tr("Stop"));
    m_stop->setToolTip(tr("End the replies being written (Esc)"));
    m_send = new QPushButton(tr("Send"));
    m_send->setAccessibleName(tr("Send"));
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setToolTip(tr("Send the message (Ctrl+Enter)"));
    m_send->setDefault(true);
    row->addWidget(m_error, 1);
    row->addWidget(m_regenerate);
    row->addWidget(m_stop);
    row->addWidget(m_send);
    layout->addLayout(row);

    connect(m_send, &QPushButton::clicked, this, [this] { sendMessage(); });
    connect(m_stop, &QPushButton::clicked, this, &ChatPage::stop);
    connect(m_regenerate, &QPushButton::clicked, this, &ChatPage::regenerate);
    connect(m_new, &QPushButton::clicked, this, &ChatPage::newConversation);
    connect(m_save, &QPushButton::clicked, this, &ChatPage::saveDialog);
    connect(m_load, &QPushButton::clicked, this, &ChatPage::loadDialog);
    connect(m_cancelEdit, &QPushButton::clicked, this, &ChatPage::cancelEdit);
    connect(m_sideBySide, &QCheckBox::toggled, this, &ChatPage::setSideBySide);
    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)})
        connect(new QShortcut(keys, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut), &QShortcut::activated,
                this, [this] { sendMessage(); });
    connect(new QShortcut(QKeySequence(Qt::Key_Escape), this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut),
            &QShortcut::activated, this, &ChatPage::stop);

    for (ChatPane *pane : {m_paneA, m_paneB}) {
        connect(pane, &ChatPane::busyChanged, this, &ChatPage::updateButtons);
        connect(pane, &ChatPane::replyDone, this, &ChatPage::replyDone);
        connect(pane, &ChatPane::openRequested, this, [this, pane] { chooseFile(pane); });
        connect(pane, &ChatPane::liveWanted, this, [this, pane] {
            m_liveTarget = pane;
            Q_EMIT liveSnapshotWanted();
        });
        connect(pane, &ChatPane::refreshRequested, this, [this, pane] {
            refreshRuns();
            if (pane->modelIsLive()) {
                m_liveTarget = pane;
                Q_EMIT liveSnapshotWanted();
            }
        });
        connect(pane, &ChatPane::liveModelInUse, this, [this](qint64 step) {
            m_liveStep = step;
            pushEntries();
            Q_EMIT liveSnapshotInUse(step);
        });
        connect(pane, &ChatPane::modelLoaded, this,
                [this](const QString &label, const QString &path, const SnapshotPtr &model) {
                    // Offered to the other pane too, without loading it again.
                    for (Handed &h : m_models)
                        if (!path.isEmpty() && h.path == path) {
                            h.model = model;
                            pushEntries();
                            return;
                        }
                    m_models.push_back({label, path, model});
                    pushEntries();
                });
        connect(pane, &ChatPane::editRequested, this, &ChatPage::editMessage);
    }

    // Tab order: the message and its buttons first, then the panes, then the settings.
    QWidget *order[] = {m_input, m_send, m_stop, m_regenerate, m_cancelEdit, m_sideBySide, m_new, m_save, m_load,
                        m_paneA->picker(), m_paneA->refreshButton(), m_paneA->transcript(), m_paneB->picker(),
                        m_paneB->refreshButton(), m_paneB->transcript(), m_system, m_temperature, m_topK, m_topP,
                        m_repetition, m_maxTokens, m_randomSeed, m_seed, m_stopStrings, m_stopAtEos};
    for (size_t i = 0; i + 1 < std::size(order); ++i)
        setTabOrder(order[i], order[i + 1]);

    pushEntries();
    updateButtons();
}

ChatPage::~ChatPage() = default;

QWidget *ChatPage::buildSettings()
{
    auto *box = new QGroupBox(tr("Settings"));
    auto *outer = new QVBoxLayout(box);
    auto *form = new QFormLayout;
    outer->addLayout(form);
    outer->addStretch(); // the rows stay together at the top
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);

    m_system = new QPlainTextEdit;
    m_system->setAccessibleName(tr("System prompt"));
    m_system->setPlaceholderText(tr("optional: how the assistant should behave"));
    m_system->setToolTip(tr("Instructions put before the conversation, in the model's chat format"));
    m_system->setMaximumHeight(70);
    m_system->setTabChangesFocus(true);
    form->addRow(tr("System prompt"), m_system);

    m_temperature = new QDoubleSpinBox;
    m_temperature->setRange(0.0, 2.0);
    m_temperature->setSingleStep(0.05);
    m_temperature->setValue(0.7);
    m_temperature->setAccessibleName(tr("Temperature"));
    m_temperature->setToolTip(tr("How random the choice of each token is. 0 always takes the most likely token "
                                 "(greedy: the same reply every time); higher is more varied"));
    form->addRow(tr("Temperature"), m_temperature);

    m_topK = new QSpinBox;
    m_topK->setRange(0, 100000);
    m_topK->setValue(40);
    m_topK->setSpecialValueText(tr("off"));
    m_topK->setAccessibleName(tr("Top-k"));
    m_topK->setToolTip(tr("Sample only among the k most likely tokens (0 = off)"));
    form->addRow(tr("Top-k"), m_topK);

    m_topP = new QDoubleSpinBox;
    m_topP->setRange(0.01, 1.0);
    m_topP->setSingleStep(0.05);
    m_topP->setValue(0.95);
    m_topP->setAccessibleName(tr("Top-p"));
    m_topP->setToolTip(tr("Sample only among the most likely tokens that together hold this much probability "
                          "(1 = off)"));
    form->addRow(tr("Top-p"), m_topP);

    m_repetition = new QDoubleSpinBox;
    m_repetition->setRange(1.0, 3.0);
    m_repetition->setSingleStep(0.05);
    m_repetition->setValue(1.1);
    m_repetition->setAccessibleName(tr("Repetition penalty"));
    m_repetition->setToolTip(tr("Makes tokens already in the conversation less likely, against loops "
                                "(1 = off; 1.1 to 1.3 is usual)"));
    form->addRow(tr("Repetition penalty"), m_repetition);

    m_maxTokens = new QSpinBox;
    m_maxTokens->setRange(1, 32768);
    m_maxTokens->setValue(256);
    m_maxTokens->setAccessibleName(tr("Max new tokens"));
    m_maxTokens->setToolTip(tr("The longest reply, in tokens (a reply also ends when the context is full)"));
    form->addRow(tr("Max new tokens"), m_maxTokens);

    m_randomSeed = new QCheckBox(tr("Random"));
    m_randomSeed->setChecked(true);
    m_randomSeed->setAccessibleName(tr("Random seed"));
    m_randomSeed->setToolTip(tr("A new seed for every reply. Each reply shows the seed it used, to get it again"));
    m_seed = new QSpinBox;
    m_seed->setRange(0, INT_MAX);
    m_seed->setEnabled(false);
    m_seed->setAccessibleName(tr("Seed"));
    m_seed->setToolTip(tr("With the same seed, settings and conversation, a sampled reply comes out the same"));
    auto *seedRow = new QHBoxLayout;
    seedRow->addWidget(m_randomSeed);
    seedRow->addWidget(m_seed, 1);
    form->addRow(tr("Seed"), seedRow);
    connect(m_randomSeed, &QCheckBox::toggled, m_seed, [this](bool random) { m_seed->setEnabled(!random); });

    m_stopStrings = new QPlainTextEdit;
    m_stopStrings->setAccessibleName(tr("Stop strings"));
    m_stopStrings->setPlaceholderText(tr("one per line; \\n is a newline"));
    m_stopStrings->setToolTip(tr("The reply ends before the first of these texts (one per line; write \\n for a "
                                 "newline, \\t for a tab)"));
    m_stopStrings->setMaximumHeight(60);
    m_stopStrings->setTabChangesFocus(true);
    form->addRow(tr("Stop strings"), m_stopStrings);

    m_stopAtEos = new QCheckBox(tr("Stop at end of text"));
    m_stopAtEos->setChecked(true);
    m_stopAtEos->setAccessibleName(tr("Stop at end of text"));
    m_stopAtEos->setToolTip(tr("End the reply when the model writes its end-of-text token (off: it goes on to "
                               "the token limit)"));
    form->addRow(m_stopAtEos);

    auto *scroll = new QScrollArea;
    scroll->setWidget(box);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(260);
    scroll->setMaximumWidth(320);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return scroll;
}

ChatSettings ChatPage::settings() const
{
    ChatSettings s;
    s.systemPrompt = m_system->toPlainText();
    s.temperature = m_temperature->value();
    s.topK = m_topK->value();
    s.topP = m_topP->value();
    s.repetitionPenalty = m_repetition->value();
    s.maxNewTokens = m_maxTokens->value();
    s.randomSeed = m_randomSeed->isChecked();
    s.seed = m_seed->value();
    for (const QString &line : m_stopStrings->toPlainText().split(QLatin1Char('\n')))
        if (!line.isEmpty())
            s.stopStrings << unescape(line);
    s.stopAtEos = m_stopAtEos->isChecked();
    return s;
}

void ChatPage::setSettings(const ChatSettings &s)
{
    m_system->setPlainText(s.systemPrompt);
    m_temperature->setValue(s.temperature);
    m_topK->setValue(s.topK);
    m_topP->setValue(s.topP);
    m_repetition->setValue(s.repetitionPenalty);
    m_maxTokens->setValue(s.maxNewTokens);
    m_randomSeed->setChecked(s.randomSeed);
    m_seed->setValue(int(qBound<qint64>(0, s.seed, qint64(INT_MAX))));
    QStringList lines;
    for (const QString &stop : s.stopStrings)
        lines << escape(stop);
    m_stopStrings->setPlainText(lines.join(QLatin1Char('\n')));
    m_stopAtEos->setChecked(s.stopAtEos);
}

QVector<ChatPane *> ChatPage::activePanes() const
{
    QVector<ChatPane *> panes{m_paneA};
    if (isSideBySide())
        panes << m_paneB;
    return panes;
}

bool ChatPage::isSideBySide() const
{
    return m_sideBySide->isChecked();
}

void ChatPage::setSideBySide(bool on)
{
    if (m_sideBySide->isChecked() != on)
        m_sideBySide->setChecked(on); // comes back here through toggled()
    m_paneB->setVisible(on);
    if (on)
        m_split->setSizes({1000, 1000}); // two equal halves
    updateButtons();
}

bool ChatPage::sendMessage(const QString &typed)
{
    const QString text = typed.isEmpty() ? m_input->toPlainText().trimmed() : typed;
    if (text.isEmpty())
        return false;
    ChatSettings s = settings();
    // One seed for every pane, so side-by-side answers differ by their model only.
    if (s.randomSeed)
        s.seed = QRandomGenerator::global()->bounded(INT_MAX);
    bool started = false;
    QStringList missing;
    for (ChatPane *pane : activePanes()) {
        if (!pane->hasModel()) {
            missing << pane->picker()->accessibleName();
            continue;
        }
        if (pane->isBusy())
            continue;
        const bool ok = m_editTurn >= 0 ? pane->editAndResend(m_editTurn, text, s) : pane->send(text, s);
        started = started || ok;
    }
    if (!started) {
        showError(missing.isEmpty() ? tr("A reply is still being written; wait for it or press Stop.")
                                    : tr("Choose a model to talk to first (in the list above the conversation)."));
        return false;
    }
    showError(QString());
    m_input->clear();
    cancelEdit();
    updateButtons();
    return true;
}

bool ChatPage::regenerate()
{
    ChatSettings s = settings();
    if (s.randomSeed)
        s.seed = QRandomGenerator::global()->bounded(INT_MAX);
    bool started = false;
    for (ChatPane *pane : activePanes())
        if (pane->regenerate(s))
            started = true;
    updateButtons();
    return started;
}

void ChatPage::editMessage(int turnIndex)
{
    const ChatTurns &turns = m_paneA->turns();
    if (turnIndex < 0 || turnIndex >= turns.size() || turns[turnIndex].role != QLatin1String("user"))
        return;
    m_editTurn = turnIndex;
    m_input->setPlainText(turns[turnIndex].text);
    m_editBanner->setText(tr("Editing message %1: sending replaces it and cuts the conversation there.")
                              .arg(turnIndex / 2 + 1));
    m_editBanner->show();
    m_cancelEdit->show();
    m_input->setFocus();
}

void ChatPage::cancelEdit()
{
    m_editTurn = -1;
    m_editBanner->hide();
    m_cancelEdit->hide();
}

void ChatPage::stop()
{
    m_paneA->stop();
    m_paneB->stop();
}

void ChatPage::newConversation()
{
    for (ChatPane *pane : {m_paneA, m_paneB})
        pane->reset();
    cancelEdit();
    showError(QString());
}

void ChatPage::updateButtons()
{
    bool generating = false;
    bool busy = false;
    bool haveTurns = false;
    for (ChatPane *pane : activePanes()) {
        generating = generating || pane->isGenerating();
        busy = busy || pane->isBusy();
        haveTurns = haveTurns || !pane->turns().isEmpty();
    }
    m_stop->setEnabled(generating);
    m_send->setEnabled(!busy);
    m_regenerate->setEnabled(!busy && haveTurns);
    m_new->setEnabled(!busy);
    m_load->setEnabled(!busy);
    m_sideBySide->setEnabled(!busy);
}

void ChatPage::showError(const QString &message)
{
    m_lastError = message;
    m_error->setText(message);
}

void ChatPage::addModel(const QString &label, const SnapshotPtr &model)
{
    if (!model)
        return;
    for (Handed &h : m_models) {
        if (h.model == model)
            return;
        if (h.path.isEmpty() && h.label == label) {
            h.model = model; // the same source, loaded again
            pushEntries();
            return;
        }
    }
    m_models.push_back({label, QString(), model});
    pushEntries();
}

void ChatPage::talkTo(const SnapshotPtr &model, const QString &label)
{
    addModel(label, model);
    m_paneA->useModel(label, model);
}

void ChatPage::useLiveSnapshot(const SnapshotPtr &snapshot)
{
    if (!snapshot)
        return;
    ChatPane *target = m_liveTarget ? m_liveTarget : m_paneA;
    m_liveTarget = nullptr;
    if (target->isGenerating())
        target->stop(); // the new weights take over after this reply
    target->useModel(tr("the run in progress"), snapshot, true);
}

void ChatPage::openModelPath(const QString &path, const QString &tokenizerPath, bool bf16)
{
    m_paneA->loadPath(QFileInfo(path).fileName(), path, tokenizerPath, bf16);
}

void ChatPage::setRunsDirectory(const QString &dir)
{
    m_runsDir = dir;
    refreshRuns();
}

void ChatPage::refreshRuns()
{
    m_runs.clear();
    if (m_runsDir.isEmpty())
        return pushEntries();
    for (const std::string &run : tb::RunDirectory::findRuns(m_runsDir.toStdString())) {
        const auto checkpoints = tb::RunDirectory(run).checkpoints();
        if (checkpoints.empty())
            continue;
        const QString path = QString::fromStdString(run);
        const QString name = QFileInfo(path).fileName();
        m_runs.push_back({ChatModelEntry::Run, tr("Run %1 (best, else last checkpoint)").arg(name), path, nullptr});
        // Newest first: the one most likely wanted is at the top.
        for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it) {
            const QString c = QString::fromStdString(it->path);
            m_runs.push_back({ChatModelEntry::Checkpoint, QStringLiteral("    %1 / %2").arg(name, QFileInfo(c).fileName()),
                              c, nullptr});
        }
    }
    pushEntries();
}

QVector<ChatModelEntry> ChatPage::entries() const
{
    QVector<ChatModelEntry> list;
    for (const Handed &h : m_models)
        list.push_back({ChatModelEntry::Model, h.label, h.path, h.model});
    list += m_runs;
    list.push_back({ChatModelEntry::Live,
                    m_liveStep >= 0 ? tr("Run in progress (live weights, step %1)").arg(m_liveStep)
                                    : tr("Run in progress (live weights)"),
                    QString(), nullptr});
    list.push_back({ChatModelEntry::OpenFile, tr("Open a model or checkpoint…"), QString(), nullptr});
    return list;
}

void ChatPage::pushEntries()
{
    const auto list = entries();
    m_paneA->setEntries(list);
    m_paneB->setEntries(list);
}

void ChatPage::chooseFile(ChatPane *pane)
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open a model or checkpoint"), m_runsDir,
        tr("Models and checkpoints (config.json adapter_config.json *.safetensors *.gguf *.bin);;All files (*)"));
    if (file.isEmpty())
        return;
    const QFileInfo info(file);
    // A file inside a Hugging Face folder or a checkpoint stands for its folder.
    const bool folder = info.fileName() == QLatin1String("config.json")
        || info.fileName() == QLatin1String("adapter_config.json") || info.suffix() == QLatin1String("safetensors");
    const QString path = folder ? info.absolutePath() : info.absoluteFilePath();
    pane->loadPath(QFileInfo(path).fileName(), path);
}

ChatTranscript ChatPage::transcript() const
{
    ChatTranscript t;
    t.settings = settings();
    for (ChatPane *pane : activePanes())
        t.panes.push_back({pane->modelLabel(), pane->turns()});
    return t;
}

bool ChatPage::writeFile(const QString &path, const QByteArray &bytes)
{
    // Written to a temporary and renamed: a failed save leaves an older file intact.
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        showError(tr("Could not save %1: %2").arg(path, f.errorString()));
        return false;
    }
    showError(QString());
    return true;
}

bool ChatPage::saveJson(const QString &path)
{
    return writeFile(path, transcript().toJson());
}

bool ChatPage::saveMarkdown(const QString &path)
{
    return writeFile(path, transcript().toMarkdown().toUtf8());
}

bool ChatPage::loadJson(const QString &path)
{
    if (m_paneA->isBusy() || m_paneB->isBusy()) {
        showError(tr("Stop the reply being written before loading a conversation."));
        return false;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        showError(tr("Could not open %1: %2").arg(path, f.errorString()));
        return false;
    }
    ChatTranscript t;
    QString why;
    if (!t.fromJson(f.readAll(), &why)) {
        showError(tr("Could not open %1: %2. The current conversation is kept.").arg(path, why));
        return false;
    }
    setSettings(t.settings);
    setSideBySide(t.panes.size() == 2);
    for (int i = 0; i < t.panes.size(); ++i) {
        ChatPane *pane = i == 0 ? m_paneA : m_paneB;
        // The same model, when it is still offered, goes on at once.
        if (!pane->hasModel() || pane->modelLabel() != t.panes[i].model)
            for (const Handed &h : m_models)
                if (h.label == t.panes[i].model && h.model) {
                    pane->useModel(h.label, h.model);
                    break;
                }
        pane->setConversation(t.panes[i].model, t.panes[i].turns);
    }
    cancelEdit();
    showError(QString());
    updateButtons();
    return true;
}

void ChatPage::saveDialog()
{
    QString filter;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the conversation"), QString(),
                                                      tr("Chat as JSON (*.json);;Markdown (*.md)"), &filter);
    if (path.isEmpty())
        return;
    QString target = path;
    if (QFileInfo(path).suffix().isEmpty())
        target += filter.contains(QLatin1String("*.md")) ? QStringLiteral(".md") : QStringLiteral(".json");
    if (target.endsWith(QLatin1String(".md"), Qt::CaseInsensitive))
        saveMarkdown(target);
    else
        saveJson(target);
}

void ChatPage::loadDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Load a conversation"), QString(), tr("Chat as JSON (*.json)"));
    if (!path.isEmpty())
        loadJson(path);
}
