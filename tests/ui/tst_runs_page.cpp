// The Runs page lists real runs with their status and metrics, overlays their curves,
// resumes an interrupted one on the Train page, exports one to GGUF, and deletes one.
#include "chat_page.h"
#include "chat_pane.h"
#include "engine_text.h"
#include "main_window.h"
#include "metric_plot.h"
#include "run_status.h"
#include "runs_page.h"
#include "test_support.h"
#include "train_config.h"
#include "train_page.h"
#include "trainer.h"

#include <QComboBox>
#include <QProcess>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest/QtTest>

namespace {

tb::TrainConfig run(const QString &corpus, const QString &dir)
{
    tb::TrainConfig c;
    c.data = corpus.toStdString();
    c.preset = tb::ModelPreset::Nano;
    c.vocabSize = 400;
    c.contextLength = 32;
    c.batchSize = 4;
    c.maxSteps = 10;
    c.warmupSteps = 2;
    c.evalEvery = 5;
    c.evalBatches = 2;
    c.threads = 2;
    c.runDir = dir.toStdString();
    return c;
}

} // namespace

class TestRunsPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listsComparesResumesExportsDeletes()
    {
        TB_REQUIRE_SHARED(source, "data/tinyshakespeare.txt");
        const QString root = tbtest::tempDir() + "/runs";
        const QString corpus = tbtest::tempDir() + "/corpus.txt";
        {
            QFile in(source), out(corpus);
            QVERIFY(in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly));
            out.write(in.read(30000));
        }
        std::string statusA, statusB;
        tbtest::onWorkerThread([&] {
            statusA = tb::runTraining(run(corpus, root + "/a"), {}).status;
            tb::TrainConfig b = run(corpus, root + "/b");
            b.learningRate = 3e-3;
            statusB = tb::runTraining(b, {}).status;
            tb::TrainControl control;
            tb::runTraining(run(corpus, root + "/c"), [&](const tb::TrainEvent &e) {
                if (e.kind == tb::TrainEvent::Kind::Step && e.step == 4)
                    control.stop = true;
            }, &control);
        });
        QCOMPARE(statusA, std::string("finished"));
        QCOMPARE(statusB, std::string("finished"));

        MainWindow window;
        window.show();
        RunsPage *page = window.runsPage();
        page->setRoot(root);
        QCOMPARE(page->runCount(), 3);
        QStringList statuses;
        auto *table = page->findChild<QTableWidget *>();
        for (int i = 0; i < 3; ++i)
            statuses << table->item(i, 1)->text();
        statuses.sort();
        QStringList expected = {runStatusText("finished"), runStatusText("finished"), runStatusText("stopped")};
        expected.sort();
        QCOMPARE(statuses, expected);

        // Two runs overlaid: one validation-loss series each (steps 0 and 5; the final
        // whole-split evaluation is a different measure and is left out).
        QList<int> finished;
        int stopped = -1;
        for (int i = 0; i < 3; ++i) {
            if (table->item(i, 1)->text() == runStatusText("finished"))
                finished << i;
            else
                stopped = i;
        }
        page->selectRuns(finished);
        QCOMPARE(page->plot()->pointCount(0), 2);
        QCOMPARE(page->plot()->pointCount(1), 2);
        if (const QString shots = qEnvironmentVariable("TB_SCREENSHOT_DIR"); !shots.isEmpty()) {
            window.resize(1300, 800);
            QTest::qWait(300);
            QVERIFY(page->grab().save(shots + "/runs_page.png"));
        }

        // Resume the interrupted run on the Train page.
        QSignalSpy done(window.trainPage(), &TrainPage::runFinished);
        Q_EMIT page->resumeRequested(page->runDir(stopped));
        QVERIFY(done.wait(60000));
        QCOMPARE(done.first().at(0).toString(), QString("finished"));
        // The list refreshed itself: the resumed run now reads finished.
        auto statusOf = [&](const QString &name) {
            for (int i = 0; i < page->runCount(); ++i)
                if (page->runDir(i).endsWith("/" + name))
                    return table->item(i, 1)->text();
            return QString();
        };
        QTRY_COMPARE(statusOf("c"), runStatusText("finished"));
        page->setRoot(root);
        finished.clear();
        for (int i = 0; i < page->runCount(); ++i)
            finished << i;

        // Export to GGUF off the GUI thread.
        QSignalSpy exported(page, &RunsPage::exportFinished);
        const QString gguf = tbtest::tempDir() + "/a.gguf";
        page->exportRun(finished.first(), gguf, "gguf");
        QVERIFY(exported.wait(60000));
        QCOMPARE(exported.first().at(1).toString(), QString());
        QVERIFY(QFileInfo(gguf).size() > 100000);

        const QString gone = page->runDir(finished.first());
        QVERIFY(page->deleteRun(finished.first(), false));
        QCOMPARE(page->runCount(), 2);
        QVERIFY(!QDir(gone).exists());
    }

    // A run folder written by the previous version (tests/data/runs/v1-chat) is listed with
    // its status, final metric and best step, its curves draw, and the Chat page offers the run
    // and both its checkpoints, newest first.
    void previousVersionsRunOpens()
    {
        const QString root = tbtest::tempDir() + "/old-runs";
        QDir().mkpath(root);
        const QString golden = tbtest::sourceDir() + "/tests/data/runs/v1-chat/run";
        QVERIFY(QProcess::execute("cp", {"-r", golden, root + "/v1"}) == 0);
        MainWindow window;
        RunsPage *page = window.runsPage();
        page->setRoot(root);
        QCOMPARE(page->runCount(), 1);
        auto *table = page->findChild<QTableWidget *>();
        QCOMPARE(table->item(0, 1)->text(), runStatusText("finished"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("8 / 8"));
        QVERIFY2(table->item(0, 3)->text().contains(metricDisplayName("val_loss") + " 3.135"), qPrintable(table->item(0, 3)->text()));
        QVERIFY2(table->item(0, 3)->toolTip().contains("val_loss 3.135"), qPrintable(table->item(0, 3)->toolTip()));
        QVERIFY2(table->item(0, 4)->text().contains("at step 4"), qPrintable(table->item(0, 4)->text()));
        page->selectRuns({0});
        auto *plot = page->findChild<MetricPlot *>();
        QVERIFY(plot);
        QCOMPARE(plot->pointCount(0), 2); // val_loss at steps 0 and 4; the final one is not a curve point

        ChatPage chat;
        chat.setRunsDirectory(root);
        QStringList labels;
        for (int i = 0; i < chat.pane(0)->picker()->count(); ++i)
            labels << chat.pane(0)->picker()->itemText(i);
        const int run = labels.indexOf(QRegularExpression(".*Run v1.*"));
        QVERIFY2(run >= 0, qPrintable(labels.join(" | ")));
        QVERIFY2(labels.value(run + 1).contains("v1 / step-00000008") && labels.value(run + 2).contains("v1 / step-00000004"),
                 qPrintable(labels.join(" | ")));
    }
};

TB_REGISTER_TEST(TestRunsPage, "runs_page");
#include "tst_runs_page.moc"
