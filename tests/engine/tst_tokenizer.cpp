// ctest-labels: unit
// ctest-timeout: 300
#include "engine_test_util.h"
#include "test_support.h"

#include "error.h"
#include "protobuf_wire.h"
#include "tokenizer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QtTest>

#include <fstream>

using Ids = std::vector<int64_t>;
Q_DECLARE_METATYPE(Ids)

namespace {

// Expected ids below come from Debian's python3-sentencepiece on the same
// llama2-tokenizer.model: sp.encode(text).
std::shared_ptr<tb::Tokenizer> loadLlama2(const QString &path)
{
    return tb::Tokenizer::fromFile(path.toStdString());
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void writeText(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), qint64(bytes.size()));
}

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void loadLlama2Model()
    {
        TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
        auto tok = loadLlama2(path);
        QCOMPARE(tok->vocabSize(), int64_t(32000));
        QCOMPARE(tok->unkId(), int64_t(0));
        QCOMPARE(tok->bosId(), int64_t(1));
        QCOMPARE(tok->eosId(), int64_t(2));
        QCOMPARE(tok->padId(), int64_t(-1));
        QCOMPARE(tok->piece(1), std::string("<s>"));
        QCOMPARE(tok->piece(15043), std::string("\xe2\x96\x81Hello"));
        QCOMPARE(tok->pieceToId("\xe2\x96\x81Hello"), int64_t(15043));
        QCOMPARE(tok->pieceToId("no such piece"), int64_t(-1));
        QVERIFY(tok->addDummyPrefix());
        QVERIFY(tok->legacy());
        QVERIFY(tok->isSpecial(1) && tok->isSpecial(2) && tok->isSpecial(0));
        QVERIFY(!tok->isSpecial(15043));
        const auto vocab = tok->vocab();
        QCOMPARE(vocab.size(), size_t(32000));
        QCOMPARE(vocab[3].piece, std::string("<0x00>"));
        QCOMPARE(vocab[3].type, tb::PieceType::Byte);
        QCOMPARE(vocab[1].type, tb::PieceType::Control);
        QCOMPARE(vocab[0].type, tb::PieceType::Unknown);
        QCOMPARE(vocab[300].score, -41.0f);
        // serializedModel() is the file, byte for byte, when nothing was added.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QCOMPARE(QByteArray::fromStdString(tok->serializedModel()), bytes);
    }

    void knownIds_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<Ids>("ids");
        QTest::newRow("english") << "Hello world" << Ids{15043, 3186};
        QTest::newRow("chinese") << QString::fromUtf8("你好，世界")
                                 << Ids{29871, 30919, 31076, 30214, 30793, 30967};
        QTest::newRow("emoji-bytes") << QString::fromUtf8("🦙 llama")
                                     << Ids{29871, 243, 162, 169, 156, 11148, 3304};
        QTest::newRow("spaces-newlines") << "  two  spaces\n\nnl" << Ids{259, 1023, 29871, 8162, 13, 13, 12938};
        QTest::newRow("sentence") << "The quick brown fox.\nIt jumped!"
                                  << Ids{450, 4996, 17354, 1701, 29916, 29889, 13, 3112, 12500, 287, 29991};
        QTest::newRow("template-text-is-text") << "<|im_start|>user"
                                               << Ids{529, 29989, 326, 29918, 2962, 29989, 29958, 1792};
    }

    void knownIds()
    {
        QFETCH(QString, text);
        QFETCH(Ids, ids);
        TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
        auto tok = loadLlama2(path);
        const std::string utf8 = text.toStdString();
        QCOMPARE(tok->encode(utf8), ids);
        QCOMPARE(tok->encodePlain(utf8), ids);
        Ids withBos = ids;
        withBos.insert(withBos.begin(), 1);
        QCOMPARE(tok->encode(utf8, true), withBos);
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("english") << "Hello world, this is Tunebench.";
        QTest::newRow("chinese") << QString::fromUtf8("大语言模型的微调工作台。繁體字也可以。");
        QTest::newRow("emoji") << QString::fromUtf8("🦙🔥 ok 👍🏽");
        QTest::newRow("leading-spaces") << "   indented  twice";
        QTest::newRow("newlines-tabs") << "line one\n\n\tline two\r\n";
        QTest::newRow("mixed") << QString::fromUtf8("Ünïcödé — «quotes» 日本語 and 🦙\n");
    }

    void roundTrip()
    {
        QFETCH(QString, text);
        TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
        auto tok = loadLlama2(path);
        const std::string utf8 = text.toStdString();
        const Ids ids = tok->encode(utf8);
        QVERIFY(!ids.empty());
        QCOMPARE(QString::fromStdString(tok->decode(ids)), text);
        QCOMPARE(QString::fromStdString(tok->decode(tok->encode(utf8, true))), text);
    }

    void specialTokensInText()
    {
        TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
        auto tok = loadLlama2(path);
        // Legacy (the default): every run between special tokens gets its own dummy prefix.
        QCOMPARE(tok->encode("<s>Hi</s>"), (Ids{1, 6324, 2}));
        QCOMPARE(tok->encode("a</s>b"), (Ids{263, 2, 289}));
        QCOMPARE(tok->encode("</s></s>"), (Ids{2, 2}));
        // encodePlain never matches them: "</s>" is three ordinary pieces.
        QCOMPARE(tok->encodePlain("</s>"), (Ids{1533, 29879, 29958}));
        const Ids plain = tok->encodePlain("a</s>b");
        QVERIFY(std::find(plain.begin(), plain.end(), 2) == plain.end());
        // Decode drops control tokens unless asked to keep them.
        QCOMPARE(tok->decode({1, 15043, 3186, 2}), std::string("Hello world"));
        QCOMPARE(tok->decode({1, 15043, 3186, 2}, true), std::string("<s>Hello world</s>"));
        QVERIFY(!tbtest::errorOf([&] { tok->decode({32000}); }).isEmpty());
    }

    void legacyFlag()
    {
        TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
        auto tok = loadLlama2(path);
        QCOMPARE(tok->encode("<s>Hello"), (Ids{1, 15043})); // "▁Hello"
        tok->setLegacy(false);
        QVERIFY(!tok->legacy());
        // Non-legacy: no "▁" after a special token, but the start of the text keeps it.
        QCOMPARE(tok->encode("<s>Hello"), (Ids{1, 10994})); // "Hello"
        QCOMPARE(tok->encode("Hello world"), (Ids{15043, 3186}));
        QCOMPARE(tok->encode("Hi</s> Hello"), (Ids{6324, 2, 15043}));
        QCOMPARE(tok->decode({1, 10994, 2, 15043}, true), std::string("<s>Hello</s> Hello"));
        QCOMPARE(tok->decode(tok->encode("Hello</s> world"), true), std::string("Hello</s> world"));
    }

    void addChatMlTokensAndExport()
    {
        TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
        auto tok = loadLlama2(path);
        QCOMPARE(tok->addSpecialToken("<|im_start|>"), int64_t(32000));
        QCOMPARE(tok->addSpecialToken("<|im_end|>"), int64_t(32001));
        QCOMPARE(tok->addSpecialToken("<|im_start|>"), int64_t(32000)); // already there
        QCOMPARE(tok->addSpecialToken("</s>"), int64_t(2));
        QCOMPARE(tok->vocabSize(), int64_t(32002));
        QVERIFY(tok->isSpecial(32000) && tok->isSpecial(32001));
        QCOMPARE(tok->piece(32001), std::string("<|im_end|>"));

        const std::string text = "<|im_start|>user\nhi<|im_end|>";
        QCOMPARE(tok->encode(text), (Ids{32000, 1404, 13, 2918, 32001}));
        const Ids plain = tok->encodePlain(text);
        QVERIFY(std::find(plain.begin(), plain.end(), 32000) == plain.end());
        QVERIFY(std::find(plain.begin(), plain.end(), 32001) == plain.end());
        QCOMPARE(tok->decode(tok->encode(text), true), text);
        QCOMPARE(tok->decode(tok->encode(text)), std::string("user\nhi"));
        const auto vocab = tok->vocab();
        QCOMPARE(vocab.size(), size_t(32002));
        QCOMPARE(vocab[32000].type, tb::PieceType::Control);

        tok->setChatTemplateSource("{% for m in messages %}<|im_start|>{% endfor %}");
        tok->setLegacy(false);
        const QString dir = tbtest::tempDir() + "/export";
        tok->writeHfFiles(dir.toStdString());
        QVERIFY(QFile::exists(dir + "/tokenizer.model"));
        QCOMPARE(QDir(dir).entryList(QDir::Files).size(), 3); // no temp files left behind

        const QJsonObject config = readJson(dir + "/tokenizer_config.json");
        QCOMPARE(config["tokenizer_class"].toString(), QStringLiteral("LlamaTokenizer"));
        QCOMPARE(config["bos_token"].toString(), QStringLiteral("<s>"));
        QCOMPARE(config["eos_token"].toString(), QStringLiteral("</s>"));
        QCOMPARE(config["unk_token"].toString(), QStringLiteral("<unk>"));
        QVERIFY(config["pad_token"].isNull());
        QCOMPARE(config["legacy"].toBool(true), false);
        const QJsonObject decoder = config["added_tokens_decoder"].toObject();
        QCOMPARE(decoder["32000"].toObject()["content"].toString(), QStringLiteral("<|im_start|>"));
        QVERIFY(decoder["32001"].toObject()["special"].toBool());
        QCOMPARE(decoder["2"].toObject()["content"].toString(), QStringLiteral("</s>"));
        const QJsonObject map = readJson(dir + "/special_tokens_map.json");
        QCOMPARE(map["eos_token"].toString(), QStringLiteral("</s>"));
        QCOMPARE(map["additional_special_tokens"].toArray().size(), 2);

        // tokenizer.model alone keeps the tokens (as CONTROL pieces) ...
        auto reloaded = tb::Tokenizer::fromFile((dir + "/tokenizer.model").toStdString());
        QCOMPARE(reloaded->vocabSize(), int64_t(32002));
        QCOMPARE(reloaded->encode(text), (Ids{32000, 1404, 13, 2918, 32001}));
        // ... and tokenizer_config.json brings back the rest.
        QVERIFY(reloaded->legacy());
        QVERIFY(reloaded->applyHfConfig((dir + "/tokenizer_config.json").toStdString()));
        QVERIFY(!reloaded->legacy());
        QCOMPARE(reloaded->chatTemplateSource(), tok->chatTemplateSource());
        QCOMPARE(reloaded->bosId(), int64_t(1));
        QCOMPARE(reloaded->eosId(), int64_t(2));
        QCOMPARE(reloaded->vocabSize(), int64_t(32002));
        QCOMPARE(reloaded->encode("<s>Hello<|im_end|>"), (Ids{1, 10994, 32001}));
        QCOMPARE(reloaded->serializedModel(), tok->serializedModel());

        // Re-export over the same folder replaces the files.
        reloaded->setLegacy(true);
        reloaded->writeHfFiles(dir.toStdString());
        QCOMPARE(readJson(dir + "/tokenizer_config.json")["legacy"].toBool(false), true);
    }

    void hfConfigImport()
    {
        TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
        const QString dir = tbtest::tempDir();
        const QString config = dir + "/tokenizer_config.json";
        writeText(config, R"({
  "add_bos_token": true,
  "added_tokens_decoder": {
    "0": {"content": "<unk>", "special": true},
    "1": {"content": "<s>", "special": true},
    "2": {"content": "</s>", "special": true},
    "32000": {"content": "<|im_start|>", "special": true},
    "32001": {"content": "<|im_end|>", "special": true}
  },
  "bos_token": {"__type": "AddedToken", "content": "<s>"},
  "eos_token": "<|im_end|>",
  "pad_token": "</s>",
  "unk_token": "<unk>",
  "chat_template": "{{'<|im_start|>' + message['role'] }}",
  "legacy": false,
  "tokenizer_class": "LlamaTokenizer"
})");
        auto tok = loadLlama2(path);
        QVERIFY(tok->applyHfConfig(config.toStdString()));
        QCOMPARE(tok->vocabSize(), int64_t(32002));
        QCOMPARE(tok->eosId(), int64_t(32001));
        QCOMPARE(tok->padId(), int64_t(2));
        QVERIFY(!tok->legacy());
        QCOMPARE(tok->chatTemplateSource(), std::string("{{'<|im_start|>' + message['role'] }}"));
        QCOMPARE(tok->encode("<|im_start|>user"), (Ids{32000, 1792}));

        // A missing file is not an error; a broken one names the file.
        auto fresh = loadLlama2(path);
        QVERIFY(!fresh->applyHfConfig((dir + "/nothing.json").toStdString()));
        QVERIFY(fresh->legacy());
        const QString broken = dir + "/broken/tokenizer_config.json";
        QVERIFY(QDir().mkpath(dir + "/broken"));
        writeText(broken, "{\"legacy\": fal");
        QVERIFY(tbtest::errorOf([&] { fresh->applyHfConfig(broken.toStdString()); }).contains(broken));
        writeText(broken, R"({"added_tokens_decoder": {"32005": {"content": "<x>", "special": true}}})");
        const QString gap = tbtest::errorOf([&] { fresh->applyHfConfig(broken.toStdString()); });
        QVERIFY2(gap.contains(broken) && gap.contains("32005"), qPrintable(gap));
        writeText(broken, R"({"eos_token": "<|nowhere|>"})");
        QVERIFY(tbtest::errorOf([&] { fresh->applyHfConfig(broken.toStdString()); }).contains("<|nowhere|>"));
    }

    void fromVocabEquivalence_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("english") << "The quick brown fox jumps over the lazy dog. Don't panic!";
        QTest::newRow("chinese") << QString::fromUtf8("机器学习是人工智能的一个分支，研究计算机如何学习。");
        QTest::newRow("emoji") << QString::fromUtf8("🦙🦙 llamas 🐪 and 🤖!");
        QTest::newRow("spaces") << "  leading,   inner    and trailing   ";
        QTest::newRow("newlines") << "first\n\nsecond\r\n\tthird\n";
        QTest::newRow("code") << "def f(x):\n    return x**2  # square\n";
        QTest::newRow("specials") << "<s>[INST] hi [/INST] ok </s>";
    }

    void fromVocabEquivalence()
    {
        QFETCH(QString, text);
        TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
        auto original = loadLlama2(path);
        auto rebuilt = tb::Tokenizer::fromVocab(original->vocab(), "test-vocab");
        QCOMPARE(rebuilt->vocabSize(), original->vocabSize());
        QCOMPARE(rebuilt->bosId(), original->bosId());
        QCOMPARE(rebuilt->eosId(), original->eosId());
        QCOMPARE(rebuilt->unkId(), original->unkId());
        QVERIFY(rebuilt->addDummyPrefix());
        const std::string utf8 = text.toStdString();
        QCOMPARE(rebuilt->encode(utf8, true), original->encode(utf8, true));
        QCOMPARE(rebuilt->encodePlain(utf8), original->encodePlain(utf8));
        QCOMPARE(rebuilt->decode(rebuilt->encode(utf8)), original->decode(original->encode(utf8)));
        const auto a = original->vocab();
        const auto b = rebuilt->vocab();
        for (size_t i = 0; i < a.size(); i += 997) {
            QCOMPARE(b[i].piece, a[i].piece);
            QCOMPARE(b[i].score, a[i].score);
            QCOMPARE(b[i].type, a[i].type);
        }
    }

    void fromVocabErrors()
    {
        std::vector<tb::VocabEntry> vocab = {{"a", 0.0f, tb::PieceType::Normal}};
        QVERIFY(tbtest::errorOf([&] { tb::Tokenizer::fromVocab(vocab, "model.gguf"); }).contains("model.gguf"));
        QVERIFY(tbtest::errorOf([&] { tb::Tokenizer::fromVocab({}, "model.gguf"); }).contains("model.gguf"));
    }

    void setSpecialIds()
    {
        TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
        auto tok = loadLlama2(path);
        tok->setSpecialIds(1, 2, 0);
        QCOMPARE(tok->padId(), int64_t(0));
        QVERIFY(!tbtest::errorOf([&] { tok->setSpecialIds(1, 40000, -1); }).isEmpty());
    }

    void train_data()
    {
        QTest::addColumn<QString>("modelType");
        QTest::newRow("bpe") << "bpe";
        QTest::newRow("unigram") << "unigram";
    }

    void train()
    {
        QFETCH(QString, modelType);
        TB_REQUIRE_SHARED(corpusPath, "data/tinyshakespeare.txt");
        const QString dir = tbtest::tempDir();
        QFile source(corpusPath);
        QVERIFY(source.open(QIODevice::ReadOnly));
        const QString corpus = dir + "/corpus.txt";
        writeText(corpus, source.read(200 * 1024));

        tb::TokenizerTrainOptions options;
        options.corpusPath = corpus.toStdString();
        options.outputPrefix = (dir + "/sub/" + modelType).toStdString();
        options.vocabSize = 1000;
        options.modelType = modelType.toStdString();
        options.specialTokens = {"<|sep|>"};
        auto tok = tb::Tokenizer::train(options);
        QVERIFY(QFile::exists(dir + "/sub/" + modelType + ".model"));
        QCOMPARE(tok->vocabSize(), int64_t(1000));
        QCOMPARE(tok->bosId(), int64_t(1));
        QCOMPARE(tok->eosId(), int64_t(2));
        const int64_t sep = tok->pieceToId("<|sep|>");
        QVERIFY(sep > 2);
        QVERIFY(tok->isSpecial(sep));

        const std::string line = "To be, or not to be: that is the question.";
        const Ids ids = tok->encode(line);
        QCOMPARE(tok->decode(ids), line);
        QVERIFY2(ids.size() < line.size() / 2, "the trained vocabulary should merge characters");
        const Ids withSep = tok->encode("First Citizen<|sep|>Second Citizen");
        QCOMPARE(std::count(withSep.begin(), withSep.end(), sep), long(1));
        const Ids plain = tok->encodePlain("First Citizen<|sep|>Second Citizen");
        QCOMPARE(std::count(plain.begin(), plain.end(), sep), long(0));
        // Byte fallback: text the corpus never saw still round-trips.
        const std::string unseen = "你好 🦙";
        const Ids unseenIds = tok->encode(unseen);
        QVERIFY(std::find(unseenIds.begin(), unseenIds.end(), tok->unkId()) == unseenIds.end());
        QCOMPARE(tok->decode(unseenIds), unseen);
    }

    void trainCorpusTooSmall()
    {
        const QString dir = tbtest::tempDir();
        const QString corpus = dir + "/tiny.txt";
        writeText(corpus, "the cat sat on the mat\nthe dog sat on the log\n");
        tb::TokenizerTrainOptions options;
        options.corpusPath = corpus.toStdString();
        options.outputPrefix = (dir + "/tiny").toStdString();
        options.vocabSize = 8000;
        const QString message = tbtest::errorOf([&] { tb::Tokenizer::train(options); });
        QVERIFY2(message.contains(corpus), qPrintable(message));
        QVERIFY2(message.contains(QRegularExpression("<= ?\\d+")), qPrintable(message));

        options.corpusPath = (dir + "/missing.txt").toStdString();
        QVERIFY(tbtest::errorOf([&] { tb::Tokenizer::train(options); }).contains("missing.txt"));
        options.corpusPath = corpus.toStdString();
        options.modelType = "wordpiece";
        QVERIFY(tbtest::errorOf([&] { tb::Tokenizer::train(options); }).contains("wordpiece"));
    }

    void corruptModel_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("text") << QByteArray("this is not a sentencepiece model\n");
        QTest::newRow("random") << QByteArray("\x0a\xff\xff\xff\xff\x0f\x01\x02", 8);
        QTest::newRow("truncated") << QByteArray("truncated"); // replaced by a real prefix below
    }

    void corruptModel()
    {
        QFETCH(QByteArray, bytes);
        if (bytes == "truncated") {
            TB_REQUIRE_SHARED(path, "models/llama2-tokenizer.model");
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            bytes = file.read(100000);
        }
        const QString path = tbtest::tempDir() + "/bad.model";
        writeText(path, bytes);
        const QString message = tbtest::errorOf([&] { tb::Tokenizer::fromFile(path.toStdString()); });
        QVERIFY2(message.contains(path), qPrintable(message));
        const QString missing = tbtest::tempDir() + "/absent.model";
        QVERIFY(tbtest::errorOf([&] { tb::Tokenizer::fromFile(missing.toStdString()); }).contains(missing));
    }

    void wireFormat()
    {
        std::string bytes;
        tb::pbwire::writeInt32Field(bytes, 43, -1);
        tb::pbwire::writeFloatField(bytes, 2, -41.5f);
        tb::pbwire::writeBytesField(bytes, 1, "\xe2\x96\x81hi");
        tb::pbwire::writeVarintField(bytes, 300, 150);
        QCOMPARE(bytes.substr(0, 2), std::string("\xd8\x02", 2)); // tag (43 << 3) | 0
        tb::pbwire::Reader reader(bytes);
        tb::pbwire::Field f;
        QVERIFY(reader.next(f));
        QCOMPARE(f.number, 43u);
        QCOMPARE(f.asInt64(), int64_t(-1));
        QVERIFY(reader.next(f));
        QCOMPARE(f.asFloat(), -41.5f);
        QVERIFY(reader.next(f));
        QCOMPARE(std::string(f.bytes), std::string("\xe2\x96\x81hi"));
        QVERIFY(reader.next(f));
        QCOMPARE(f.number, 300u);
        QCOMPARE(f.varint, uint64_t(150));
        QVERIFY(!reader.next(f));
        tb::pbwire::Reader truncated(std::string_view(bytes).substr(0, bytes.size() - 1));
        QVERIFY(!tbtest::errorOf([&] {
                     while (truncated.next(f)) {
                     }
                 }).isEmpty());
    }
};

TB_REGISTER_TEST(TestTokenizer, "tokenizer");
#include "tst_tokenizer.moc"
