// The Chat page with real models: a tiny model trained here with the project's trainer (it
// has a tokenizer), a larger random one built from that tokenizer (slow enough to stop
// mid-reply), and a run trained live on the Train page. Streaming, tokens/s, reproducible
// Regenerate, edit-and-resend, save/load, side by side, live weights, Stop.
// Set TB_SCREENSHOT_DIR to save the page as PNG (TB_LANG=zh_CN for the Chinese UI).
// ctest-labels: gui slow
// ctest-timeout: 900
#include "ui_test_util.h"
#include "chat_page.h"
#include "chat_pane.h"
#include "main_window.h"
#include "metric_plot.h"
#include "hf_folder.h"
#include "run_checkpoint.h"
#include "test_support.h"
#include "train_page.h"
#include "train_config.h"
#include "trainer.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrl>
#include <QtTest/QtTest>

namespace {

struct Models {
    QString runsDir;    // holds one trained run
    QString run;        // that run
    QString checkpoint; // its last checkpoint folder
    QString slow;       // a larger random model with the same tokenizer
    QString slow2;      // another one (other weights)
};

Models &models()
{
    static Models m;
    return m;
}

ChatSettings greedy(int maxNewTokens)
{
    ChatSettings s;
    s.temperature = 0.0;
    s.maxNewTokens = maxNewTokens;
    s.randomSeed = false;
    s.repetitionPenalty = 1.0;
    s.stopAtEos = false; // a tiny model may end at once; these tests want tokens
    return s;
}

// Loads `path` in the first pane and waits until it can chat.
bool openAndWait(ChatPage &page, const QString &path)
{
    page.openModelPath(path);
    return QTest::qWaitFor([&] { return page.pane(0)->hasModel() && !page.pane(0)->isBusy(); }, 60000);
}

bool pick(ChatPane *pane, const QString &labelPart)
{
    QComboBox *picker = pane->picker();
    for (int i = 0; i < picker->count(); ++i)
        if (picker->itemText(i).contains(labelPart)) {
            picker->setCurrentIndex(i);
            Q_EMIT picker->activated(i);
            return true;
        }
    return false;
}

} // namespace

class TestChatPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tbtest::installTranslatorFromEnvironment(this));
        const QString corpus = tbtest::shakespeareSample(30000);
        if (corpus.isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        Models &m = models();
        m.runsDir = tbtest::tempDir() + "/chat-runs";
        m.run = m.runsDir + "/tiny";
        tb::TrainConfig c;
        c.data = corpus.toStdString();
        c.preset = tb::ModelPreset::Nano;
        c.vocabSize = 400;
        c.contextLength = 128;
        c.batchSize = 4;
        c.maxSteps = 30;
        c.warmupSteps = 2;
        c.evalEvery = 15;
        c.evalBatches = 1;
        c.learningRate = 3e-3;
        c.keepLast = 5;
        c.threads = 2;
        c.runDir = m.run.toStdString();
        // The fixtures are made off the GUI thread, which the engine refuses.
        tbtest::onWorkerThread([&] {
            tb::runTraining(c, {});
            m.checkpoint = QString::fromStdString(tb::resolveCheckpoint(m.run.toStdString()));

            // Slow enough that a long reply takes seconds: Stop must end it mid-way.
            tb::LoadedModel small = tb::loadCheckpoint(m.run.toStdString());
            tb::ModelConfig big = small.model->config();
            big.hiddenSize = 512;
            big.intermediateSize = 1536;
            big.numLayers = 8;
            big.numHeads = 8;
            big.numKvHeads = 8;
            big.maxPositions = 4096;
            tb::LlamaModel slow(big);
            slow->initWeights(3);
            m.slow = tbtest::tempDir() + "/slow-model";
            tb::exportHfFolder(slow, small.tokenizer.get(), m.slow.toStdString());
            slow->initWeights(4);
            m.slow2 = tbtest::tempDir() + "/slow-model-b";
            tb::exportHfFolder(slow, small.tokenizer.get(), m.slow2.toStdString());
        });
        QVERIFY(QFile::exists(m.checkpoint + "/trainer_state.json"));
    }

    void sendStreamsAndRegenerateReproduces()
    {
        ChatPage page;
        page.resize(1200, 720);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(openAndWait(page, models().checkpoint));
        ChatPane *pane = page.pane(0);
        page.setSettings(greedy(16));
        QSignalSpy tokens(pane, &ChatPane::tokenArrived);
        QSignalSpy done(&page, &ChatPage::replyDone);
        // Ctrl+Enter in the message box sends.
        page.activateWindow();
        page.input()->setFocus();
        QTest::keyClicks(page.input(), "ROMEO:");
        QTest::keyClick(page.input(), Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(pane->isGenerating() || !done.isEmpty());
        QVERIFY(page.input()->toPlainText().isEmpty());
        QVERIFY(done.wait(60000));
        QVERIFY(tokens.count() > 0);
        QCOMPARE(pane->turns().size(), 2);
        const ChatTurn first = pane->turns()[1];
        QCOMPARE(first.tokens, 16);
        QCOMPARE(first.stopReason, QString("max_tokens"));
        QVERIFY(first.tokensPerSecond > 0);
        QVERIFY(!first.text.isEmpty());
        // What streamed is the reply, and the transcript shows it.
        // (a few characters may be held back while they could start a stop string)
        QVERIFY(!pane->streamedText().isEmpty());
        QVERIFY2(first.text.startsWith(pane->streamedText()), qPrintable(pane->streamedText() + " | " + first.text));
        QVERIFY(pane->transcript()->toPlainText().contains("ROMEO:"));
        const QString status = pane->statusLabel()->text();
        QVERIFY2(status.contains("tokens/s") || status.contains(QString::fromUtf8("词元/秒")), qPrintable(status));
        QCOMPARE(pane->engineMessageCount(), 2);
        QCOMPARE(first.seed, qint64(-1)); // greedy: no seed to record

        // Greedy: Regenerate gives the same text, and replaces the reply (not adds one).
        QVERIFY(page.regenerate());
        QVERIFY(done.wait(60000));
        QCOMPARE(pane->turns().size(), 2);
        QCOMPARE(pane->turns()[1].text, first.text);
        QCOMPARE(pane->engineMessageCount(), 2);

        // Sampling with a fixed seed reproduces; another seed gives another reply.
        ChatSettings sampled = greedy(16);
        sampled.temperature = 1.2;
        sampled.topK = 0;
        sampled.topP = 1.0;
        sampled.seed = 7;
        page.setSettings(sampled);
        QVERIFY(page.regenerate());
        QVERIFY(done.wait(60000));
        const QString seven = pane->turns()[1].text;
        QCOMPARE(pane->turns()[1].seed, qint64(7));
        // The reply's longest word is in the transcript (rendered as Markdown, spacing may change).
        QString word;
        for (QString w : seven.split(QRegularExpression("\\s+"))) {
            w.remove(QRegularExpression("[*_#`>\\[\\]\\\\|~-]"));
            if (w.size() > word.size())
                word = w;
        }
        QVERIFY2(word.size() >= 2, qPrintable(seven));
        QVERIFY2(pane->transcript()->toPlainText().contains(word),
                 qPrintable(word + " | " + pane->transcript()->toPlainText()));
        QVERIFY(page.regenerate());
        QVERIFY(done.wait(60000));
        QCOMPARE(pane->turns()[1].text, seven);
        sampled.seed = 8;
        page.setSettings(sampled);
        QVERIFY(page.regenerate());
        QVERIFY(done.wait(60000));
        QVERIFY(pane->turns()[1].text != seven);
        QVERIFY(pane->turns()[1].text != first.text);
        // A random seed is recorded with its reply, so the reply can be had again.
        sampled.randomSeed = true;
        page.setSettings(sampled);
        QVERIFY(page.regenerate());
        QVERIFY(done.wait(60000));
        const ChatTurn random = pane->turns()[1];
        QVERIFY(random.seed >= 0);
        sampled.randomSeed = false;
        sampled.seed = random.seed;
        page.setSettings(sampled);
        QVERIFY(page.regenerate());
        QVERIFY(done.wait(60000));
        QCOMPARE(pane->turns()[1].text, random.text);
        tbtest::screenshot(page, "chat_single");
    }

    void editAndResendCutsTheHistory()
    {
        ChatPage page;
        QVERIFY(openAndWait(page, models().checkpoint));
        ChatPane *pane = page.pane(0);
        page.setSettings(greedy(4));
        QSignalSpy done(&page, &ChatPage::replyDone);
        for (const char *text : {"First question", "Second question", "Third question"}) {
            QVERIFY(page.sendMessage(text));
            QVERIFY(done.wait(60000));
        }
        QCOMPARE(pane->turns().size(), 6);
        QCOMPARE(pane->engineMessageCount(), 6);
        // Edit the second user message: it comes back into the message box...
        page.editMessage(2);
        QCOMPARE(page.editingTurn(), 2);
        QCOMPARE(page.input()->toPlainText(), QString("Second question"));
        page.input()->setPlainText("Second question, edited");
        // ...and sending it cuts the conversation there.
        QVERIFY(page.sendMessage());
        QVERIFY(done.wait(60000));
        QCOMPARE(page.editingTurn(), -1);
        QCOMPARE(pane->turns().size(), 4);
        QCOMPARE(pane->turns()[0].text, QString("First question"));
        QCOMPARE(pane->turns()[2].text, QString("Second question, edited"));
        QCOMPARE(pane->engineMessageCount(), 4); // the engine's session holds the cut history
        QVERIFY(!pane->transcript()->toPlainText().contains("Third question"));
        // An assistant message cannot be edited.
        page.editMessage(1);
        QCOMPARE(page.editingTurn(), -1);
        // The transcript's "Edit" link beside a user message starts the same edit.
        Q_EMIT pane->transcript()->anchorClicked(QUrl("edit:0"));
        QCOMPARE(page.editingTurn(), 0);
        QCOMPARE(page.input()->toPlainText(), QString("First question"));
    }

    void oldTurnsDroppedToFitAreNoted()
    {
        ChatPage page;
        QVERIFY(openAndWait(page, models().checkpoint));
        ChatPane *pane = page.pane(0);
        page.setSettings(greedy(40)); // the tiny model's context is 128 tokens
        QSignalSpy done(&page, &ChatPage::replyDone);
        int dropped = 0;
        for (int i = 0; i < 5 && dropped == 0; ++i) {
            QVERIFY(page.sendMessage(QString("Tell me of the king, and of the queen, and of message %1").arg(i)));
            QVERIFY(done.wait(60000));
            dropped = pane->turns().last().droppedTurns;
        }
        QVERIFY(dropped > 0);
        // The transcript keeps every turn; the engine holds what fits, and the user is told.
        QVERIFY(pane->engineMessageCount() < pane->turns().size());
        QVERIFY2(pane->statusLabel()->text().contains(QString::number(dropped)), qPrintable(pane->statusLabel()->text()));
        QVERIFY(pane->statusLabel()->text().contains("context") || pane->statusLabel()->text().contains(QString::fromUtf8("上下文")));
    }

    void assistantMarkdownIsFormatted()
    {
        // A saved conversation needs no model to be shown.
        const QString path = tbtest::tempDir() + "/markdown.json";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format": "tunebench-chat", "version": 1, "panes": [{"model": "m", "turns": [)"
                R"({"role": "user", "content": "Use **stars** here"},)"
                R"({"role": "assistant", "content": "Some **bold** words and `code`\n\n- first item\n- second item\n\n)"
                R"(## A heading\n\n1. one\n2. two", "tokens": 30, "tokens_per_second": 41.5, "stop_reason": "eos", )"
                R"("seed": "17"}]}]})");
        f.close();
        ChatPage page;
        page.resize(1000, 560);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(page.loadJson(path));
        tbtest::screenshot(page, "chat_markdown");
        const QString plain = page.pane(0)->transcript()->toPlainText();
        QVERIFY2(plain.contains("Use **stars** here"), qPrintable(plain)); // the user's text as typed
        QVERIFY2(!plain.contains("**bold**"), qPrintable(plain));           // the reply rendered
        QVERIFY(plain.contains("bold"));
        QVERIFY(plain.contains("first item"));
        const QString html = page.pane(0)->transcript()->toHtml();
        QVERIFY2(html.contains("font-weight:700") || html.contains("font-weight:600"), qPrintable(html));
        QVERIFY(html.contains("<li"));
    }

    void everyControlHasAnAccessibleName()
    {
        ChatPage page;
        const auto widgets = page.findChildren<QWidget *>();
        int checked = 0;
        for (QWidget *w : widgets) {
            if (!qobject_cast<QAbstractButton *>(w) && !qobject_cast<QAbstractSpinBox *>(w)
                && !qobject_cast<QPlainTextEdit *>(w) && !qobject_cast<QComboBox *>(w)
                && !qobject_cast<QTextBrowser *>(w))
                continue;
            if (qobject_cast<QAbstractSpinBox *>(w->parentWidget()) || qobject_cast<QComboBox *>(w->parentWidget()))
                continue; // the parts inside a spin box or combo box
            QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->metaObject()->className() + QString(" ") + w->objectName()));
            ++checked;
        }
        QVERIFY(checked >= 20);
        // Tab goes from the message box to Send.
        QWidget *next = page.input()->nextInFocusChain();
        while (next && next != page.input() && !(next->focusPolicy() & Qt::TabFocus))
            next = next->nextInFocusChain();
        auto *send = qobject_cast<QPushButton *>(next);
        QVERIFY(send);
        QCOMPARE(send->accessibleName(), ChatPage::tr("Send"));
    }

    void saveAndLoadRestoreTheConversation()
    {
        ChatPage page;
        QVERIFY(openAndWait(page, models().checkpoint));
        ChatPane *pane = page.pane(0);
        ChatSettings s = greedy(6);
        s.systemPrompt = "You are a playwright.\nAnswer in verse.";
        s.topK = 7;
        s.topP = 0.8;
        s.repetitionPenalty = 1.3;
        s.seed = 99;
        s.stopStrings = QStringList{"\n\n", "END"};
        page.setSettings(s);
        QCOMPARE(page.settings(), s); // the stop strings survive their one-per-line form
        QSignalSpy done(&page, &ChatPage::replyDone);
        QVERIFY(page.sendMessage("Speak, friend"));
        QVERIFY(done.wait(60000));
        QVERIFY(page.sendMessage("And then?"));
        QVERIFY(done.wait(60000));
        const ChatTurns turns = pane->turns();
        QCOMPARE(turns.size(), 4);

        const QString json = tbtest::tempDir() + "/chat.json";
        const QString markdown = tbtest::tempDir() + "/chat.md";
        QVERIFY(page.saveJson(json));
        QVERIFY(page.saveMarkdown(markdown));
        QFile md(markdown);
        QVERIFY(md.open(QIODevice::ReadOnly));
        const QString mdText = QString::fromUtf8(md.readAll());
        for (const ChatTurn &t : turns)
            QVERIFY2(mdText.contains(t.text.trimmed()), qPrintable(t.text));
        QVERIFY(mdText.contains("Answer in verse."));
        QVERIFY(mdText.contains(pane->modelLabel()));

        // A fresh page restores the turns and the settings exactly, and the engine goes on
        // from the loaded history with the same model.
        ChatPage other;
        other.addModel(pane->modelLabel(), pane->model());
        QVERIFY(other.loadJson(json));
        QCOMPARE(other.settings(), s);
        QCOMPARE(other.pane(0)->turns(), turns);
        QCOMPARE(other.pane(0)->modelLabel(), pane->modelLabel());
        QTRY_COMPARE_WITH_TIMEOUT(other.pane(0)->engineMessageCount(), 4, 30000);
        QSignalSpy otherDone(&other, &ChatPage::replyDone);
        QVERIFY(other.sendMessage("Go on"));
        QVERIFY(otherDone.wait(60000));
        QCOMPARE(other.pane(0)->engineMessageCount(), 6);

        // A corrupt file: a clear error naming it, and the conversation stays.
        const QString bad = tbtest::tempDir() + "/broken.json";
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"tunebench-chat\", \"panes\": [");
        f.close();
        QVERIFY(!page.loadJson(bad));
        QVERIFY2(page.lastError().contains(bad), qPrintable(page.lastError()));
        QVERIFY2(page.lastError().contains("JSON"), qPrintable(page.lastError()));
        QCOMPARE(pane->turns(), turns);
        QCOMPARE(page.settings(), s);
        QCOMPARE(page.findChild<QLabel *>("chatError")->text(), page.lastError());
        // Valid JSON with turns in the wrong order: the message says which one.
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format": "tunebench-chat", "version": 1, "panes": [{"model": "m", "turns": [)"
                R"({"role": "assistant", "content": "hi"}]}]})");
        f.close();
        QVERIFY(!page.loadJson(bad));
        QVERIFY2(page.lastError().contains("\"assistant\""), qPrintable(page.lastError())); // the role at fault
        QCOMPARE(pane->turns(), turns);
        QCOMPARE(pane->engineMessageCount(), 4);
    }

    void sideBySideStreamsBothAtOnce()
    {
        ChatPage page;
        page.resize(1400, 760);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setRunsDirectory(models().runsDir);
        QVERIFY(openAndWait(page, models().slow));
        page.setSideBySide(true);
        QVERIFY(page.pane(1)->isVisible());
        // The right pane talks to a checkpoint of the run, loaded in its own worker.
        QVERIFY(pick(page.pane(1), "/ step-"));
        QTRY_VERIFY_WITH_TIMEOUT(page.pane(1)->hasModel() && !page.pane(1)->isBusy(), 60000);
        QVERIFY2(page.pane(1)->modelLabel().contains("step-"), qPrintable(page.pane(1)->modelLabel()));
        // The model the left pane loaded is offered to the right one (shared, not loaded again).
        QVERIFY(pick(page.pane(1), "slow-model"));
        QTRY_VERIFY_WITH_TIMEOUT(page.pane(1)->model() == page.pane(0)->model(), 10000);
        // For the race below both sides need a model of the same (slow) speed, with other weights.
        page.pane(1)->loadPath("slow-model-b", models().slow2);
        QTRY_VERIFY_WITH_TIMEOUT(page.pane(1)->hasModel() && !page.pane(1)->isBusy(), 60000);
        QCOMPARE(page.pane(1)->modelLabel(), QString("slow-model-b"));

        ChatSettings s = greedy(48);
        page.setSettings(s);
        QElapsedTimer clock;
        clock.start();
        qint64 firstA = -1, firstB = -1, endA = -1, endB = -1;
        connect(page.pane(0), &ChatPane::tokenArrived, this, [&] { if (firstA < 0) firstA = clock.elapsed(); });
        connect(page.pane(1), &ChatPane::tokenArrived, this, [&] { if (firstB < 0) firstB = clock.elapsed(); });
        connect(page.pane(0), &ChatPane::replyDone, this, [&] { endA = clock.elapsed(); });
        connect(page.pane(1), &ChatPane::replyDone, this, [&] { endB = clock.elapsed(); });
        QVERIFY(page.sendMessage("To be, or not to be"));
        QVERIFY(page.pane(0)->isGenerating());
        QVERIFY(page.pane(1)->isGenerating());
        QTRY_VERIFY_WITH_TIMEOUT(endA >= 0 && endB >= 0, 120000);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(page.pane(i)->turns().size(), 2);
            QCOMPARE(page.pane(i)->turns()[0].text, QString("To be, or not to be"));
            QCOMPARE(page.pane(i)->turns()[1].tokens, 48);
        }
        // Concurrent: each pane's first token came before the other pane had finished.
        QVERIFY2(firstA >= 0 && firstA < endB, qPrintable(QString("%1 %2").arg(firstA).arg(endB)));
        QVERIFY2(firstB >= 0 && firstB < endA, qPrintable(QString("%1 %2").arg(firstB).arg(endA)));
        QVERIFY(page.pane(0)->turns()[1].text != page.pane(1)->turns()[1].text); // two models
        tbtest::screenshot(page, "chat_side_by_side");

        // Both conversations are saved, and load back side by side.
        const QString json = tbtest::tempDir() + "/both.json";
        QVERIFY(page.saveJson(json));
        ChatPage other;
        QVERIFY(other.loadJson(json));
        QVERIFY(other.isSideBySide());
        QCOMPARE(other.pane(1)->turns(), page.pane(1)->turns());
    }

    void stopEndsALongReplyPromptly()
    {
        ChatPage page;
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(openAndWait(page, models().slow));
        ChatSettings s = greedy(4000);
        s.temperature = 0.8;
        page.setSettings(s);
        ChatPane *pane = page.pane(0);
        QSignalSpy tokens(pane, &ChatPane::tokenArrived);
        QSignalSpy done(&page, &ChatPage::replyDone);
        QVERIFY(page.sendMessage("Tell me everything"));
        QTRY_VERIFY_WITH_TIMEOUT(tokens.count() >= 3, 60000);
        QElapsedTimer clock;
        clock.start();
        QTest::keyClick(page.input(), Qt::Key_Escape);

        QVERIFY(done.count() > 0 || done.wait(5000));
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(pane->turns().size(), 2);
        QCOMPARE(pane->turns()[1].stopReason, QString("cancelled"));
        QVERIFY(pane->turns()[1].tokens < 4000);
        QVERIFY(!pane->isBusy());
        // The stopped reply is part of the conversation, which goes on.
        QCOMPARE(pane->engineMessageCount(), 2);
    }

    void modelWithoutTokenizerIsExplained()
    {
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        ChatPage page;
        page.openModelPath(model);
        QTRY_VERIFY_WITH_TIMEOUT(!page.pane(0)->isBusy(), 30000);
        QVERIFY(!page.pane(0)->hasModel());
        const QString status = page.pane(0)->statusLabel()->text();
        QVERIFY2(status.contains("tokenizer") || status.contains(QString::fromUtf8("分词器")), qPrintable(status));
        QVERIFY(!page.sendMessage("hello"));
        QVERIFY(!page.lastError().isEmpty());
    }

    // The run keeps training while the chat talks to a snapshot of its weights.
    void chatWithLiveWeightsWhileTraining()
    {
        const QString corpus = tbtest::shakespeareSample(30000);
        if (corpus.isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        MainWindow window;
        window.show();
        TrainPage *train = window.trainPage();
        ChatPage *chat = window.chatPage();
        train->applyPreset("scratch");
        train->setOption("data", corpus);
        train->setOption("preset", "nano");
        train->setOption("vocab_size", "400");
        train->setOption("context_length", "64");
        train->setOption("batch_size", "4");
        train->setOption("max_steps", "3000");
        train->setOption("warmup_steps", "5");
        train->setOption("eval_every", "1000");
        train->setOption("eval_batches", "1");
        train->setOption("threads", "1");
        train->setOption("run_dir", tbtest::tempDir() + "/live-run");
        QSignalSpy inUse(&window, &MainWindow::chatSnapshotInUse);
        QSignalSpy finished(train, &TrainPage::runFinished);
        QVERIFY(train->start());
        QTRY_VERIFY_WITH_TIMEOUT(train->lossPlot()->pointCount(0) >= 3, 60000);
        // Picking "live weights" asks the Train page for a snapshot.
        QVERIFY(pick(chat->pane(0), QCoreApplication::translate("ChatPage", "Run in progress (live weights)")));
        QVERIFY(inUse.wait(30000));
        const qint64 step = inUse.last().at(0).toLongLong();
        QVERIFY(step >= 2);
        QVERIFY(chat->pane(0)->modelIsLive());
        QSignalSpy done(chat, &ChatPage::replyDone);
        chat->setSettings(greedy(8));
        QVERIFY(chat->sendMessage("ROMEO:"));
        QVERIFY(done.wait(30000));
        QCOMPARE(chat->pane(0)->turns().size(), 2);
        QCOMPARE(chat->pane(0)->turns()[1].tokens, 8);
        // The run never stopped: it goes on past the step the chat holds.
        const int stepsAtReply = train->lossPlot()->pointCount(0);
        QTRY_VERIFY_WITH_TIMEOUT(train->lossPlot()->pointCount(0) > stepsAtReply + 2, 30000);
        QVERIFY(train->isRunning());
        // Refresh takes newer weights; the conversation goes on with them.
        chat->pane(0)->refreshButton()->click();
        QVERIFY(inUse.wait(30000));
        QVERIFY(inUse.last().at(0).toLongLong() > step);
        QVERIFY(chat->sendMessage("JULIET:"));
        QVERIFY(done.wait(30000));
        QCOMPARE(chat->pane(0)->turns().size(), 4);
        QCOMPARE(chat->pane(0)->engineMessageCount(), 4);
        train->stop();
        QVERIFY(finished.wait(60000));
    }
};

TB_REGISTER_TEST(TestChatPage, "chat_page");
#include "tst_chat_page.moc"
