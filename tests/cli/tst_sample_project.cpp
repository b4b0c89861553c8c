// ctest-labels: slow
// ctest-timeout: 900
// The bundled sample project (resources/sample) keeps its promise: every data file loads
// without a problem, and its two configs, each trained from scratch in its own
// tunebench-cli process, give an intent classifier with macro-F1 >= 0.9 on the held-out
// utterances (the median of three seeds) and a chat model that passes at least 70% of the dialogue checks, while the
// untrained models (step 0) are far from both.
#include "cli_runner.h"
#include "test_support.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QtTest>

#include <algorithm>
#include <vector>

namespace {

QString sampleFile(const QString &name)
{
    return QDir(tbtest::sourceDir()).absoluteFilePath("resources/sample/" + name);
}

QList<QJsonObject> evalEvents(const QString &jsonLines)
{
    QList<QJsonObject> out;
    for (const QString &line : jsonLines.split('\n', Qt::SkipEmptyParts)) {
        const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
        if (o.value("event").toString() == "eval")
            out << o;
    }
    return out;
}

// Trains `config` into a fresh run directory; returns its eval events (first: step 0,
// last: the final evaluation over the whole held-out file).
QList<QJsonObject> train(const QString &config, const QString &runDir, const QStringList &sets = {})
{
    QElapsedTimer timer;
    timer.start();
    QStringList args = {"train", sampleFile(config), "--json", "--set", "run_dir=" + runDir};
    for (const QString &set : sets)
        args << "--set" << set;
    const tbtest::CliRun run = tbtest::runCli(args, {}, 600000);
    qInfo("%s trained in %.1f s", qPrintable(config), timer.elapsed() / 1000.0);
    if (run.exitCode != 0) {
        qWarning("%s", qPrintable(run.err));
        return {};
    }
    return evalEvents(run.out);
}

} // namespace

class TestSampleProject : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Each data file reads with no problem: every row used, nothing skipped or truncated.
    void dataFilesLoad_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("format");
        QTest::newRow("dialogues") << "dialogues.jsonl" << "chat";
        QTest::newRow("dialogues_heldout") << "dialogues_heldout.jsonl" << "chat";
        QTest::newRow("intents") << "intents.csv" << "classification";
        QTest::newRow("intents_heldout") << "intents_heldout.csv" << "classification";
    }
    void dataFilesLoad()
    {
        QFETCH(QString, file);
        QFETCH(QString, format);
        // One row per line (no field of the sample spans lines); a CSV has a header.
        QFile data(sampleFile(file));
        QVERIFY(data.open(QIODevice::ReadOnly));
        int rows = 0;
        for (const QByteArray &line : data.readAll().split('\n'))
            rows += line.trimmed().isEmpty() ? 0 : 1;
        if (format == "classification")
            --rows;
        QVERIFY(rows >= 90);
        // A tokenizer that knows every character of the sample (byte fallback covers the rest).
        const QString tokenizer = tbtest::tempDir() + "/sample-tokenizer.model";
        if (!QFile::exists(tokenizer)) {
            QFile corpus(tbtest::tempDir() + "/sample-corpus.txt");
            QVERIFY(corpus.open(QIODevice::WriteOnly));
            for (const char *name : {"dialogues.jsonl", "intents.csv"}) {
                QFile in(sampleFile(name));
                QVERIFY2(in.open(QIODevice::ReadOnly), name);
                corpus.write(in.readAll());
            }
            corpus.close();
            const tbtest::CliRun tok = tbtest::runCli({"train-tokenizer", corpus.fileName(), tokenizer, "--vocab-size",
                                                       "1500", "--special", "<|im_start|>", "--special", "<|im_end|>"});
            QVERIFY2(tok.exitCode == 0, qPrintable(tok.err));
        }
        QStringList args = {"dataset", "inspect", sampleFile(file), "--model", tokenizer, "--format", format,
                            "--validation-ratio", "0", "--on-error", "stop"};
        if (format == "chat")
            args << "--template" << "chatml";
        const tbtest::CliRun r = tbtest::runCli(args, {}, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString counts = QString("rows read: %1, used: %1, truncated: 0, skipped (too long): 0, "
                                       "skipped (invalid): 0").arg(rows);
        QVERIFY2(r.out.contains(counts), qPrintable(r.out.left(2000)));
        QVERIFY2(r.out.contains("problems: 0"), qPrintable(r.out.left(2000)));
    }

    // The recipe, not one draw of it: from scratch on 2,000 utterances, the held-out macro-F1
    // of one run moves by about +-0.02 with the seed (and with the CPU's rounding, so by host).
    // The shipped seed and two others are trained; their median must reach 0.9 and none may
    // fall far below it.
    void intentClassifierMeetsTarget()
    {
        std::vector<double> scores;
        for (const char *seed : {"1337", "1", "2"}) {
            const QString runDir = tbtest::tempDir() + "/intents-run-" + seed;
            const QList<QJsonObject> evals = train("intents.toml", runDir, {QStringLiteral("seed=") + seed});
            QVERIFY(evals.size() >= 2);
            QCOMPARE(evals.first().value("step").toInt(), 0);
            const double untrained = evals.first().value("macro_f1").toDouble();
            QVERIFY2(untrained < 0.3, qPrintable(QString::number(untrained)));
            const QJsonObject final = evals.last();
            QVERIFY(final.value("final").toBool());
            const double f1 = final.value("macro_f1").toDouble();
            qInfo("intent classifier, seed %s: macro_f1 %.4f, accuracy %.4f on the held-out utterances", seed, f1,
                  final.value("accuracy").toDouble());
            QVERIFY2(f1 >= 0.85, qPrintable(QString("seed %1: macro_f1 %2 < 0.85").arg(seed).arg(f1)));
            scores.push_back(f1);

            // `eval` of the last checkpoint on the held-out file reproduces the final figure.
            QFile runJson(runDir + "/run.json");
            QVERIFY(runJson.open(QIODevice::ReadOnly));
            const QString last =
                QJsonDocument::fromJson(runJson.readAll()).object().value("last_checkpoint").toString();
            const tbtest::CliRun eval = tbtest::runCli({"eval", last, sampleFile("intents_heldout.csv"), "--json"});
            QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
            const QJsonObject metrics = QJsonDocument::fromJson(eval.out.toUtf8()).object();
            QCOMPARE(metrics.value("total").toInt(), 110);
            QVERIFY2(std::abs(metrics.value("macro_f1").toDouble() - f1) < 1e-6, qPrintable(eval.out.left(400)));
        }
        std::sort(scores.begin(), scores.end());
        qInfo("intent classifier: median macro_f1 %.4f over three seeds", scores[1]);
        QVERIFY2(scores[1] >= 0.9, qPrintable(QString("median macro_f1 %1 < 0.9").arg(scores[1])));
    }

    void chatModelPassesDialogueChecks()
    {
        const QString runDir = tbtest::tempDir() + "/chat-run";
        const QList<QJsonObject> evals = train("chat.toml", runDir);
        QVERIFY(evals.size() >= 2);
        // The untrained model fails the checks: they need the shop's policy, not luck.
        QCOMPARE(evals.first().value("step").toInt(), 0);
        QVERIFY2(evals.first().value("check_pass_rate").toDouble() <= 0.2,
                 qPrintable(QString::number(evals.first().value("check_pass_rate").toDouble())));
        const QJsonObject final = evals.last();
        QVERIFY(final.value("final").toBool());
        const double rate = final.value("check_pass_rate").toDouble();
        qInfo("chat model: check_pass_rate %.4f, val_loss %.4f on the held-out dialogues", rate,
              final.value("val_loss").toDouble());

        QFile log(runDir + "/train.log");
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(log.readAll());
        QVERIFY2(text.contains("dialogue checks: 18 from"), qPrintable(text.left(2000)));
        QVERIFY2(rate >= 0.7, qPrintable(QString("check_pass_rate %1 < 0.7\n").arg(rate) + text.right(4000)));
    }
};

TB_REGISTER_TEST(TestSampleProject, "sample_project");
#include "tst_sample_project.moc"
