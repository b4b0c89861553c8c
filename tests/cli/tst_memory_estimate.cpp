// The memory estimate next to the measured peak of a real run. Each row trains in its own
// tunebench-cli process: peak RSS is per process, and an earlier run's freed heap would
// count in a later one.
#include "cli_runner.h"
#include "test_support.h"

#include <QRegularExpression>
#include <QtTest/QtTest>

class TestMemoryEstimate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void estimateMatchesMeasuredPeak_data()
    {
        QTest::addColumn<QString>("option");
        QTest::newRow("plain") << QString("gradient_checkpointing=false");
        QTest::newRow("gradient checkpointing") << QString("gradient_checkpointing=true");
        QTest::newRow("2 frozen layers") << QString("freeze_layers=2");
    }

    void estimateMatchesMeasuredPeak()
    {
        QFETCH(QString, option);
        TB_REQUIRE_SHARED(source, "data/tinyshakespeare.txt");
        const QString dir = tbtest::tempDir();
        const QString corpus = dir + "/corpus.txt";
        if (!QFile::exists(corpus)) {
            QFile in(source);
            QVERIFY(in.open(QIODevice::ReadOnly));
            QFile out(corpus);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(in.read(60000));
        }
        // Activations dominate: 16 rows of 256 tokens through 4 layers 256 wide.
        QFile config(dir + "/memory.json");
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"data": "corpus.txt", "text_split": "stream", "vocab_size": 500, "hidden_size": 256,
            "num_layers": 4, "num_heads": 4, "intermediate_size": 688, "context_length": 256,
            "batch_size": 16, "max_steps": 2, "eval_every": 0, "threads": 2})");
        config.close();
        const QString runDir = dir + "/run-" + QString::number(QTest::currentDataTag()[0]);
        const tbtest::CliRun run = tbtest::runCli({"train", dir + "/memory.json", "--set", "run_dir=" + runDir,
                                                   "--set", option});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        // The run log shows the estimate before the run and the peak next to it after.
        QFile log(runDir + "/train.log");
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QString text = log.readAll();
        QVERIFY(text.contains("memory estimate"));
        const auto match = QRegularExpression("peak RSS (\\d+) MiB \\(estimate (\\d+) MiB\\)").match(text);
        QVERIFY2(match.hasMatch(), qPrintable(text));
        const double peak = match.captured(1).toDouble(), estimate = match.captured(2).toDouble();
        qInfo("%s: estimate %.0f MiB, measured peak %.0f MiB (ratio %.2f)", qPrintable(option), estimate, peak,
              estimate / peak);
        QVERIFY2(estimate / peak > 0.8 && estimate / peak < 1.25,
                 qPrintable(QStringLiteral("estimate %1 MiB vs peak %2 MiB").arg(estimate).arg(peak)));
    }
};

TB_REGISTER_TEST(TestMemoryEstimate, "memory_estimate");
#include "tst_memory_estimate.moc"
