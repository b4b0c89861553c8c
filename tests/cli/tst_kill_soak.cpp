// The kill soak's short version: bench/kill_soak.sh with 5 kill -9 per run kind (a
// from-scratch, a LoRA and a classifier run), half of them at the crash points inside
// checkpointing and pruning, each followed by a resume. The final weights must equal the
// uninterrupted run's byte for byte, metrics.jsonl hold every line once and whole, and
// run.json agree with the best checkpoint (docs/RELIABILITY.md has the long run's figures).
// ctest-labels: slow
// ctest-timeout: 600
#include "test_support.h"

#include <QProcess>
#include <QtTest/QtTest>

class TestKillSoak : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fiveKillsPerRunKind()
    {
        TB_REQUIRE_SHARED(corpus, "data/tinyshakespeare.txt");
        QProcess soak;
        soak.setProcessChannelMode(QProcess::MergedChannels);
        soak.start("bash", {tbtest::sourceDir() + "/bench/kill_soak.sh", "--kills", "5", "--build", tbtest::buildDir(),
                            "--work", tbtest::tempDir() + "/soak"});
        QVERIFY(soak.waitForStarted());
        QVERIFY2(soak.waitForFinished(540000), "the soak ran over 9 minutes");
        const QString output = QString::fromUtf8(soak.readAll());
        qInfo().noquote() << output;
        QVERIFY2(soak.exitStatus() == QProcess::NormalExit && soak.exitCode() == 0, qPrintable(output.right(3000)));
        // Three kinds, each killed five times and then equal to its uninterrupted run.
        QCOMPARE(output.count("| equal | whole, once each, equal | agree |"), 3);
        QVERIFY(output.contains("total kills: 15"));
    }
};

TB_REGISTER_TEST(TestKillSoak, "kill_soak");
#include "tst_kill_soak.moc"
