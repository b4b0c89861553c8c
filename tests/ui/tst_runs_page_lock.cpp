// Who may write a run: the Runs page does not delete a run that a process is training
// (its run.lock is held), and says who holds it; once the writer is gone, it deletes.
#include "run_directory.h"
#include "runs_page.h"
#include "test_support.h"

#include <QDir>
#include <QLabel>
#include <QProcess>
#include <QtTest/QtTest>

class TestRunsPageLock : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runBeingTrainedIsNotDeleted()
    {
        const QString root = tbtest::tempDir() + "/locked-runs";
        QDir().mkpath(root);
        QVERIFY(QProcess::execute("cp", {"-r", tbtest::sourceDir() + "/tests/data/runs/v1-chat/run", root + "/v1"}) == 0);
        RunsPage page;
        page.setRoot(root);
        QCOMPARE(page.runCount(), 1);
        {
            // This process holds the run's lock, as a training process does.
            const auto lock = tb::RunDirectory((root + "/v1").toStdString()).lockForWriting();
            QVERIFY(!page.deleteRun(0, false));
            QVERIFY(QDir(root + "/v1").exists());
            bool said = false;
            for (const QLabel *label : page.findChildren<QLabel *>())
                said = said || (label->text().contains(root + "/v1") && label->text().contains("pid "));
            QVERIFY2(said, "the page did not say who is writing the run");
        }
        QVERIFY(page.deleteRun(0, false));
        QVERIFY(!QDir(root + "/v1").exists());
    }
};

TB_REGISTER_TEST(TestRunsPageLock, "runs_page_lock");
#include "tst_runs_page_lock.moc"
