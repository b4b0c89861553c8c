// ctest-labels: unit
// `tunebench-cli dataset inspect` as a user runs it: every problem with its line, one
// example with its trained tokens marked, and a failing exit under --on-error stop.
#include "cli_runner.h"
#include "test_support.h"

#include <QDir>
#include <QProcess>
#include <QtTest/QtTest>

namespace {

using Run = tbtest::CliRun;

Run datasetCli(const QStringList &args)
{
    return tbtest::runCli(args, {}, 120000);
}

QString dataFile(const char *name)
{
    return QDir(tbtest::sourceDir()).absoluteFilePath(QStringLiteral("tests/data/datasets/") + name);
}

} // namespace

class TestDatasetCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void inspectReportsEveryProblem()
    {
        TB_REQUIRE_SHARED(model, "models/llama2-tokenizer.model");
        const QString data = dataFile("chat_errors.jsonl");
        const Run r = datasetCli({"dataset", "inspect", data, "--model", model, "--template", "zephyr", "--context", "64",
                           "--validation-ratio", "0"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("rows read: 8, used: 3, truncated: 1, skipped (too long): 0, skipped (invalid): 5"),
                 qPrintable(r.out));
        QVERIFY(r.out.contains("problems: 6"));
        for (const QString &line : {data + ":2: bad JSON", data + ":4: missing field \"messages\"",
                                    data + ":5: message 1 (user) has empty content",
                                    data + ":6: message 2 has unknown role \"tool\"",
                                    data + ":7: the conversation ends with a \"user\" message",
                                    data + ":8: note: 171 tokens, longer than the context of 64"})
            QVERIFY2(r.out.contains(line), qPrintable(line));
        // The first example (line 1) as Zephyr renders it: special tokens by name, and only
        // the reply and its EOS inside the marker.
        QVERIFY2(r.out.contains("example 1 (line 1, "), qPrintable(r.out));
        QVERIFY2(r.out.contains("<s> <|system|>\nYou are terse.</s> \n<|user|>\nHi there</s> \n<|assistant|>\n"
                                "⟦Hello.</s>⟧ \n"),
                 qPrintable(r.out));
    }

    void allTokensMarksEverything()
    {
        TB_REQUIRE_SHARED(model, "models/llama2-tokenizer.model");
        const Run r = datasetCli({"dataset", "inspect", dataFile("chat_errors.jsonl"), "--model", model, "--template",
                           "zephyr", "--context", "64", "--validation-ratio", "0", "--all-tokens"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("⟦<s> <|system|>\nYou are terse.</s>"), qPrintable(r.out));
    }

    void stopExitsNonZero()
    {
        TB_REQUIRE_SHARED(model, "models/llama2-tokenizer.model");
        const QString data = dataFile("chat_errors.jsonl");
        const Run r = datasetCli({"dataset", "inspect", data, "--model", model, "--on-error", "stop"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith("error: " + data + ":2: bad JSON"), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
    }

    void classificationShowsLabels()
    {
        TB_REQUIRE_SHARED(model, "models/llama2-tokenizer.model");
        const QString data = dataFile("classify.csv");
        const Run r = datasetCli({"dataset", "inspect", data, "--model", model, "--validation-ratio", "0"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("labels (4): 0=greeting 1=multi 2=plain 3=quote"), qPrintable(r.out));
        QVERIFY(r.out.contains(data + ":9: the quoted field opened on line 9 is never closed"));
        QVERIFY(r.out.contains("label 0=greeting"));
    }
};

TB_REGISTER_TEST(TestDatasetCli, "dataset_cli");
#include "tst_dataset_cli.moc"
