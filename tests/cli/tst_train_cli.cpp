// tunebench-cli train / eval / export / classify end to end: a classifier run, a LoRA run
// exported merged to GGUF and HF, and dialogue checks scored during a run.
// ctest-timeout: 600
#include "cli_runner.h"
#include "test_support.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest/QtTest>

namespace {

QList<QJsonObject> events(const QString &jsonLines, const QString &kind)
{
    QList<QJsonObject> out;
    for (const QString &line : jsonLines.split('\n', Qt::SkipEmptyParts)) {
        const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
        if (o.value("event").toString() == kind)
            out << o;
    }
    return out;
}

} // namespace

class TestTrainCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A classifier from scratch: the final evaluation reports the classification metrics,
    // `eval` on the validation file reproduces them, and `classify` ranks the intents.
    void classifierRunEvalAndClassify()
    {
        const QString dir = tbtest::tempDir() + "/intents";
        QDir().mkpath(dir);
        tbtest::writeFile(dir + "/train.csv", tbtest::intentsCsv(40, 0));
        tbtest::writeFile(dir + "/val.csv", tbtest::intentsCsv(8, 5));
        tbtest::writeFile(dir + "/run.json", R"({"data": "train.csv", "validation_data": "val.csv", "tokenizer_type": "char",
            "vocab_size": 100, "preset": "nano", "context_length": 64, "batch_size": 12, "max_steps": 60,
            "learning_rate": 0.003, "warmup_steps": 5, "eval_every": 20, "threads": 2})");
        const tbtest::CliRun train = tbtest::runCli({"train", dir + "/run.json", "--json", "--set", "run_dir=" + dir + "/run"});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        const auto evals = events(train.out, "eval");
        QVERIFY(!evals.isEmpty());
        const QJsonObject final = evals.last();
        QVERIFY(final.value("final").toBool());
        QVERIFY2(final.contains("macro_f1") && final.contains("accuracy"), qPrintable(train.out.right(400)));
        QVERIFY2(final.value("accuracy").toDouble() >= 0.9, qPrintable(QString::number(final.value("accuracy").toDouble())));
        // The default early-stopping metric of a classifier is macro-F1: a best checkpoint exists.
        QVERIFY(QFile::exists(dir + "/run/run.json"));

        const tbtest::CliRun eval = tbtest::runCli({"eval", dir + "/run", dir + "/val.csv", "--json"});
        QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
        const QJsonObject metrics = QJsonDocument::fromJson(eval.out.toUtf8()).object();
        QVERIFY2(metrics.contains("confusion_matrix"), qPrintable(eval.out));
        // `eval` opened the best checkpoint; its accuracy is at least the final one's rank.
        QVERIFY(metrics.value("accuracy").toDouble() >= 0.9);
        QCOMPARE(metrics.value("total").toInt(), 24);

        const tbtest::CliRun classify = tbtest::runCli({"classify", dir + "/run", "where is my order 4242", "--json"});
        QVERIFY2(classify.exitCode == 0, qPrintable(classify.err));
        const QJsonObject top = QJsonDocument::fromJson(classify.out.toUtf8()).object();
        QCOMPARE(top.value("label").toString(), QString("order_status"));
        double sum = 0;
        const tbtest::CliRun all = tbtest::runCli({"classify", dir + "/run", "hello, this is Zoe", "--top", "3", "--json"});
        for (const auto &v : QJsonDocument::fromJson(all.out.toUtf8()).object().value("top").toArray())
            sum += v.toObject().value("probability").toDouble();
        QVERIFY(std::abs(sum - 1.0) < 1e-6);
    }

    // LoRA over a saved model: export merges the adapter; the exported GGUF and HF folder
    // generate what the run directory generates.
    void loraRunExportsMerged()
    {
        TB_REQUIRE_SHARED(source, "data/tinyshakespeare.txt");
        const QString dir = tbtest::tempDir() + "/lora";
        QDir().mkpath(dir);
        QFile in(source);
        QVERIFY(in.open(QIODevice::ReadOnly));
        tbtest::writeFile(dir + "/corpus.txt", in.read(30000));
        tbtest::writeFile(dir + "/base.json", R"({"data": "corpus.txt", "preset": "nano", "vocab_size": 400, "context_length": 48,
            "batch_size": 4, "max_steps": 6, "eval_every": 0, "threads": 2})");
        tbtest::CliRun base = tbtest::runCli({"train", dir + "/base.json", "--set", "run_dir=" + dir + "/base"});
        QVERIFY2(base.exitCode == 0, qPrintable(base.err));
        const QString baseModel = dir + "/base/checkpoints/step-00000006";
        tbtest::CliRun lora = tbtest::runCli({"train", dir + "/base.json", "--set", "run_dir=" + dir + "/adapted",
                                              "--set", "model=" + baseModel, "--set", "lora_rank=4", "--set",
                                              "learning_rate=0.02", "--set", "warmup_steps=0", "--set",
                                              "lora_targets=q_proj,v_proj,up_proj"});
        QVERIFY2(lora.exitCode == 0, qPrintable(lora.err));
        QVERIFY(QFile::exists(dir + "/adapted/checkpoints/step-00000006/adapter_model.safetensors"));

        QVERIFY(tbtest::runCli({"export", dir + "/adapted", dir + "/merged.gguf", "--to", "gguf"}).exitCode == 0);
        QVERIFY(tbtest::runCli({"export", dir + "/adapted", dir + "/merged-hf"}).exitCode == 0);
        auto greedy = [&](const QString &model) {
            const tbtest::CliRun g = tbtest::runCli({"generate", model, "--prompt", "ROMEO:", "--max-new-tokens", "12",
                                                     "--temperature", "0"});
            return g.exitCode == 0 ? g.out : QString("error: ") + g.err;
        };
        const QString fromRun = greedy(dir + "/adapted");
        QVERIFY(!fromRun.startsWith("error"));
        QCOMPARE(greedy(dir + "/merged.gguf"), fromRun);
        QCOMPARE(greedy(dir + "/merged-hf"), fromRun);
        QVERIFY(greedy(baseModel) != fromRun); // the adapter changed the model
    }

    // Dialogue checks run at every evaluation; their pass rate is a metric and can drive
    // early stopping; the log names each check at the end.
    void dialogueChecksDuringARun()
    {
        const QString dir = tbtest::tempDir() + "/checks";
        QDir().mkpath(dir);
        QByteArray chats;
        for (int i = 0; i < 40; ++i)
            chats += QString(R"({"messages": [{"role": "user", "content": "Can I return item %1?"}, {"role": "assistant", "content": "Please contact support about item %1."}]})"
                             "\n").arg(i).toUtf8();
        tbtest::writeFile(dir + "/chat.jsonl", chats);
        tbtest::writeFile(dir + "/checks.jsonl", R"({"name": "mentions support", "prompt": "Can I return item 7?", "must_contain": ["support"]}
{"name": "no promises", "prompt": "Can I return item 9?", "must_not_contain": ["guaranteed"]}
)");
        tbtest::writeFile(dir + "/run.json", R"({"data": "chat.jsonl", "chat_template": "chatml", "tokenizer_type": "char",
            "vocab_size": 100, "preset": "nano", "context_length": 96, "batch_size": 8, "max_steps": 10,
            "eval_every": 5, "threads": 2, "dialogue_checks": "checks.jsonl", "dialogue_check_tokens": 16,
            "early_stopping_metric": "check_pass_rate"})");
        const tbtest::CliRun run = tbtest::runCli({"train", dir + "/run.json", "--json", "--set", "run_dir=" + dir + "/run"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const auto evals = events(run.out, "eval");
        QCOMPARE(evals.size(), 3); // steps 0, 5 and the final one
        for (const QJsonObject &e : evals) {
            QVERIFY(e.contains("check_pass_rate") && e.contains("checks_s"));
            const double rate = e.value("check_pass_rate").toDouble();
            QVERIFY(rate == 0.0 || rate == 0.5 || rate == 1.0); // two checks
        }
        QFile log(dir + "/run/train.log");
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QString text = log.readAll();
        QVERIFY(text.contains("dialogue checks at step 5"));
        QVERIFY(text.contains("mentions support") && text.contains("no promises"));
    }
};

TB_REGISTER_TEST(TestTrainCli, "train_cli");
#include "tst_train_cli.moc"
