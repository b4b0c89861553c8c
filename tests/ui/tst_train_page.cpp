// The Train page drives a real run from its worker thread: the form is validated by the
// engine, the charts fill with every step and evaluation, pause holds the run, stop ends
// it, and a chart exports its points. The form is the engine's option table: labels and
// legends for people in each language, keys in tooltips, and a wrong key or choice refused.
// Set TB_SCREENSHOT_DIR to also save the page as PNG (TB_LANG=zh_CN for the Chinese UI).
#include "chat_page.h"
#include "distributed_run.h"
#include "engine_text.h"
#include "main_window.h"
#include "metric_plot.h"
#include "model_snapshot.h"
#include "train_page.h"
#include "test_support.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QStatusBar>
#include <QSignalSpy>
#include <QTranslator>
#include <QtTest/QtTest>

namespace {

QString smallCorpus()
{
    return tbtest::shakespeareSample(30000);
}

void configureSmallRun(TrainPage &page, const QString &runDir, int steps)
{
    page.applyPreset("scratch");
    page.setOption("data", smallCorpus());
    page.setOption("preset", "nano");
    page.setOption("vocab_size", "400");
    page.setOption("context_length", "32");
    page.setOption("batch_size", "4");
    page.setOption("max_steps", QString::number(steps));
    page.setOption("warmup_steps", "5");
    page.setOption("eval_every", "10");
    page.setOption("eval_batches", "2");
    page.setOption("threads", "2");
    page.setOption("run_dir", runDir);
}

// The label a form row shows for an option (its buddy is the option's editor).
QLabel *labelOf(TrainPage &page, const QString &key)
{
    QWidget *editor = page.findChild<QWidget *>(key);
    for (QLabel *label : page.findChildren<QLabel *>())
        if (editor && label->buddy() == editor)
            return label;
    return nullptr;
}

} // namespace

class TestTrainPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tbtest::installTranslatorFromEnvironment(this));
    }

    void invalidFormIsRefusedWithTheEnginesMessage()
    {
        TrainPage page;
        page.setOption("data", "");
        QVERIFY(!page.start());
        QVERIFY(!page.isRunning());
        QString error;
        QVERIFY(page.configJson(&error).isEmpty());
        QVERIFY2(error.contains("'data' is required"), qPrintable(error));
        page.setOption("data", "x.txt");
        page.setOption("learning_rate", "fast");
        page.configJson(&error);
        QVERIFY2(error.contains("learning_rate"), qPrintable(error));
    }

    // A key that is not an option, a name a choice lacks, a switch that is neither true nor
    // false: refused with false and a warning, and the form keeps what it had.
    void setOptionRefusesWhatTheTableLacks()
    {
        TrainPage page;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("'learning_rat' is not a training option"));
        QVERIFY(!page.setOption("learning_rat", "0.1"));
        QVERIFY(page.option("learning_rat").isEmpty());

        QVERIFY(page.setOption("schedule", "linear"));
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression("schedule has no choice 'exponential'; choose one of constant, linear, cosine"));
        QVERIFY(!page.setOption("schedule", "exponential"));
        QCOMPARE(page.option("schedule"), QStringLiteral("linear"));
        // A label is not a name: the Chinese or English text of a choice is refused too.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("schedule has no choice"));
        QVERIFY(!page.setOption("schedule", engineText(tb::kLrScheduleChoices[0].label)));
        QCOMPARE(page.option("schedule"), QStringLiteral("linear"));

        QVERIFY(page.setOption("packing", "true"));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("packing takes true or false, not 'yes'"));
        QVERIFY(!page.setOption("packing", "yes"));
        QCOMPARE(page.option("packing"), QStringLiteral("true"));

        // chat_template's empty name is a choice: the model's own template.
        QVERIFY(page.setOption("chat_template", "chatml"));
        QVERIFY(page.setOption("chat_template", ""));
        QCOMPARE(page.option("chat_template"), QString());

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("no preset 'turbo'"));
        QVERIFY(!page.applyPreset("turbo"));
        // A saved session with an option a later version renamed: the rest still loads.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("'old_option' is not a training option"));
        page.setFormValues({{"old_option", "1"}, {"max_steps", "77"}});
        QCOMPARE(page.option("max_steps"), QStringLiteral("77"));
    }

    // Every preset sets only options the table has, to values they accept.
    void presetsSetKnownOptions()
    {
        QTest::failOnWarning(QRegularExpression("TrainPage::"));
        TrainPage page;
        for (const char *preset : {"lora", "full", "scratch", "classifier"})
            QVERIFY2(page.applyPreset(QString::fromLatin1(preset)), preset);
        QCOMPARE(page.option("task"), QStringLiteral("classification"));
        QCOMPARE(page.option("format"), QStringLiteral("classification"));
        QCOMPARE(page.option("early_stopping_metric"), QStringLiteral("macro_f1"));
        QVERIFY(page.applyPreset("lora"));
        QCOMPARE(page.option("task"), QStringLiteral("auto")); // reset by each preset
        QCOMPARE(page.option("lora_rank"), QStringLiteral("8"));
        QCOMPARE(page.option("base_dtype"), QStringLiteral("bf16"));
        QCOMPARE(page.option("min_learning_rate"), QStringLiteral("0.00002"));
        QString error;
        page.setOption("data", "x.txt");
        page.setOption("model", "some-model");
        QVERIFY2(!page.configJson(&error).isEmpty(), qPrintable(error)); // the engine accepts it
    }

    // Labels, choices and the evaluation legend are for people, in English and in Chinese;
    // the config key is in the tooltip. No label is a raw key.
    void labelsSpeakToPeople_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("validationLabel");
        QTest::addColumn<QString>("onErrorLabel");
        QTest::addColumn<QString>("skipChoice");
        QTest::addColumn<QString>("passRate");
        QTest::newRow("en") << "" << "Validation file" << "On a bad row" << "Skip it and report its line"
                            << "Dialogue checks passed";
        QTest::newRow("zh_CN") << "zh_CN" << QString::fromUtf8("验证集文件") << QString::fromUtf8("遇到错误行时")
                               << QString::fromUtf8("跳过并报告所在行") << QString::fromUtf8("对话检查通过率");
    }

    void labelsSpeakToPeople()
    {
        QFETCH(QString, language);
        QFETCH(QString, validationLabel);
        QFETCH(QString, onErrorLabel);
        QFETCH(QString, skipChoice);
        QFETCH(QString, passRate);
        if (language.isEmpty() && qEnvironmentVariableIsSet("TB_LANG"))
            QSKIP("TB_LANG installs another language for the whole run");
        QTranslator translator;
        if (!language.isEmpty()) {
            QVERIFY(translator.load(QLocale(language), "tunebench", "_", ":/i18n"));
            QCoreApplication::installTranslator(&translator);
        }
        TrainPage page;
        QLabel *validation = labelOf(page, "validation_data");
        QVERIFY(validation);
        QCOMPARE(validation->text(), validationLabel);
        QVERIFY(validation->toolTip().contains("validation_data")); // for people who write configs
        QCOMPARE(page.findChild<QWidget *>("validation_data")->accessibleName(), validationLabel);
        QCOMPARE(labelOf(page, "on_error")->text(), onErrorLabel);
        auto *onError = page.findChild<QComboBox *>("on_error");
        QCOMPARE(onError->itemText(0), skipChoice);
        QCOMPARE(onError->itemData(0).toString(), QStringLiteral("skip"));
        QVERIFY(onError->itemData(0, Qt::ToolTipRole).toString().contains("skip"));
        // Every option: a label that is not its key, a tooltip that names the key (that each
        // text has a translation is ui.translations' job).
        QStringList raw;
        for (const tb::TrainOptionInfo &o : tb::trainOptionInfo()) {
            const QString key = QString::fromStdString(o.key);
            QLabel *label = labelOf(page, key);
            if (!label || label->text() == key || label->text().isEmpty() || !label->toolTip().contains(key))
                raw << key;
        }
        QVERIFY2(raw.isEmpty(), qPrintable(raw.join(", ")));

        // The evaluation chart's legend: metric names for people, the key in the tooltip.
        auto *run = page.findChild<DistributedRun *>();
        QVERIFY(run);
        Q_EMIT run->evalReported({10, {{"val_loss", 2.5}, {"check_pass_rate", 0.5}, {"val_token_acc", 0.3}}});
        MetricPlot *eval = page.evalPlot();
        QCOMPARE(eval->seriesCount(), 2);
        QCOMPARE(eval->seriesName(0), passRate);
        QVERIFY(eval->seriesToolTip(0).contains("check_pass_rate"));
        QCOMPARE(eval->seriesName(1), metricDisplayName("val_token_acc"));
        QVERIFY(eval->seriesName(1) != QStringLiteral("val_token_acc"));
        QVERIFY(eval->seriesToolTip(1).contains("val_token_acc"));
        QCOMPARE(eval->pointCount(0), 1);
        if (!language.isEmpty())
            QCoreApplication::removeTranslator(&translator);
    }

    void runFillsTheCharts()
    {
        if (smallCorpus().isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        TrainPage page;
        page.resize(1400, 820);
        page.show();
        configureSmallRun(page, tbtest::tempDir() + "/run", 30);
        QSignalSpy finished(&page, &TrainPage::runFinished);
        QSignalSpy failed(&page, &TrainPage::runFailed);
        QVERIFY(page.start());
        QVERIFY(page.isRunning());
        QVERIFY(finished.wait(120000));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(finished.first().at(0).toString(), QString("finished"));
        QVERIFY(!page.isRunning());
        MetricPlot *loss = page.lossPlot();
        QCOMPARE(loss->pointCount(0), 30); // every step
        QCOMPARE(loss->pointCount(1), 30); // smoothed
        QCOMPARE(loss->pointCount(2), 4);  // steps 0, 10, 20 and the final evaluation
        QVERIFY(loss->lastValue(0) < 6.0);  // it learned: ln(400) = 6.0 at the start
        QVERIFY(page.evalPlot()->pointCount(0) == 4);
        const QString csv = tbtest::tempDir() + "/loss.csv";
        QVERIFY(loss->exportCsv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('\n'), 1 + 30 + 30 + 4);
        QVERIFY(loss->exportPng(tbtest::tempDir() + "/loss.png"));

        const QString shots = qEnvironmentVariable("TB_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            QTest::qWait(300);
            QVERIFY(page.grab().save(shots + "/train_page" + (qEnvironmentVariableIsSet("TB_LANG") ? "_" + qEnvironmentVariable("TB_LANG") : QString()) + ".png"));
        }
    }

    void pauseHoldsAndStopEnds()
    {
        if (smallCorpus().isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        TrainPage page;
        configureSmallRun(page, tbtest::tempDir() + "/paused", 2000);
        QSignalSpy finished(&page, &TrainPage::runFinished);
        QVERIFY(page.start());
        QTRY_VERIFY_WITH_TIMEOUT(page.lossPlot()->pointCount(0) >= 3, 60000);
        page.togglePause();
        // The step (or evaluation) already running ends, then the run holds. A snapshot is
        // served at that boundary (at once while paused), so its step is where the run
        // holds, however slow the machine is.
        QSignalSpy snapshots(&page, &TrainPage::snapshotReady);
        page.chatWithRun();
        QVERIFY(snapshots.wait(30000));
        const int held = int(snapshots.first().first().value<SnapshotPtr>()->step);
        QTest::qWait(800);
        QCOMPARE(page.lossPlot()->pointCount(0), held);
        QTest::qWait(800);
        QCOMPARE(page.lossPlot()->pointCount(0), held);
        page.togglePause();
        QTRY_VERIFY_WITH_TIMEOUT(page.lossPlot()->pointCount(0) > held, 30000);
        page.stop();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toString(), QString("stopped"));
        QVERIFY(page.lossPlot()->pointCount(0) < 2000);
    }

    // The chat talks to the weights of the run in progress while the run goes on.
    void chatWithTheRunInProgress()
    {
        if (smallCorpus().isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        MainWindow window;
        window.show();
        TrainPage *page = window.trainPage();
        configureSmallRun(*page, tbtest::tempDir() + "/chatting", 2000);
        QSignalSpy inUse(&window, &MainWindow::chatSnapshotInUse);
        QSignalSpy replied(&window, &MainWindow::replyDone);
        QSignalSpy finished(page, &TrainPage::runFinished);
        QVERIFY(page->start());
        QTRY_VERIFY_WITH_TIMEOUT(page->lossPlot()->pointCount(0) >= 3, 60000);
        page->chatWithRun();
        QVERIFY(inUse.wait(30000));
        const qint64 step = inUse.first().at(0).toLongLong();
        QVERIFY(step >= 3);
        ChatSettings greedy = window.chatPage()->settings();
        greedy.temperature = 0.0;
        greedy.maxNewTokens = 8;
        window.chatPage()->setSettings(greedy);
        QVERIFY(window.chatPage()->sendMessage("ROMEO:"));
        QVERIFY(replied.wait(30000));
        // A reply was generated (a failure would show its error instead of the speed).
        const QString status = window.findChild<QLabel *>("chatStatus")->text();
        QVERIFY2(status.contains("tokens/s") || status.contains(QString::fromUtf8("词元/秒")), qPrintable(status));
        // The run never stopped: it has moved past the step the chat holds.
        QTRY_VERIFY_WITH_TIMEOUT(page->lossPlot()->pointCount(0) > step + 2, 30000);
        QVERIFY(page->isRunning());
        page->stop();
        QVERIFY(finished.wait(60000));
    }
    // Issue 6: the page starts a run of two local processes (c10d over Gloo through the
    // CLI's launcher) and shows it as one run: every step once, the evaluations, the end.
    void twoProcessRunShowsAsOneRun()
    {
        if (smallCorpus().isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        TrainPage page;
        page.show();
        const QString runDir = tbtest::tempDir() + "/two-processes";
        configureSmallRun(page, runDir, 20);
        page.setOption("threads", "1");
        page.setProcesses(2);
        QSignalSpy finished(&page, &TrainPage::runFinished);
        QSignalSpy failed(&page, &TrainPage::runFailed);
        QVERIFY(page.start());
        QVERIFY(page.isRunning());
        QVERIFY(!page.findChild<QPushButton *>("chatWithRun")->isEnabled()); // live chat is in-process only
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 180000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
        QCOMPARE(finished.first().at(0).toString(), QString("finished"));
        QCOMPARE(finished.first().at(1).toString(), runDir);
        MetricPlot *loss = page.lossPlot();
        QCOMPARE(loss->pointCount(0), 20); // each global step once, from rank 0
        QCOMPARE(loss->pointCount(2), 3);  // steps 0 and 10 and the final evaluation
        QVERIFY(loss->lastValue(0) < 6.0);
        // It was a real two-rank run: the checkpoint holds both ranks' resume state.
        QFile state(runDir + "/checkpoints/step-00000020/trainer_state.json");
        QVERIFY(state.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(state.readAll()).object().value("world_size").toInt(), 2);
    }

    void twoProcessRunStops()
    {
        if (smallCorpus().isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        TrainPage page;
        configureSmallRun(page, tbtest::tempDir() + "/two-processes-stopped", 5000);
        page.setOption("threads", "1");
        page.setProcesses(2);
        QSignalSpy finished(&page, &TrainPage::runFinished);
        QVERIFY(page.start());
        QTRY_VERIFY_WITH_TIMEOUT(page.lossPlot()->pointCount(0) >= 3, 120000);
        page.stop();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toString(), QString("stopped"));
        QVERIFY(page.lossPlot()->pointCount(0) < 5000);
    }
};

TB_REGISTER_TEST(TestTrainPage, "train_page");
#include "tst_train_page.moc"
