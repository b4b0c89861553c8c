// llama2.c v0 import: the fixture checkpoint (Meta's interleaved q/k order) must reproduce the
// float32 reference logits and greedy ids of tiny-llama-f32, and a file whose size does not
// match its header must be refused with a one-line error.
#include "engine_test_util.h"
#include "test_support.h"

#include "error.h"
#include "llama2c.h"
#include "imported_model.h"
#include "model_loader.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <fstream>

namespace {

// Greedy argmax decoding, incrementally through the KV cache or by re-running the prefix.
std::vector<int64_t> greedy(tb::LlamaModel &model, const std::vector<int64_t> &prompt, int count, bool useCache)
{
    torch::NoGradGuard noGrad;
    std::vector<int64_t> out;
    std::vector<int64_t> all = prompt;
    tb::KvCache cache = model->makeCache(1, int64_t(prompt.size()) + count);
    tb::ForwardOptions options;
    if (useCache)
        options.cache = &cache;
    torch::Tensor logits = model->forward(tbtest::idsTensor(prompt), options); // (1, T, V)
    for (int i = 0; i < count; ++i) {
        const int64_t next = logits[0][-1].argmax().item<int64_t>();
        out.push_back(next);
        all.push_back(next);
        logits = useCache ? model->forward(tbtest::idsTensor({next}), options) : model->forward(tbtest::idsTensor(all));
    }
    return out;
}

std::string copyWithSize(const QString &from, const QString &to, qint64 newSize)
{
    QFile::remove(to);
    QFile::copy(from, to);
    QFile f(to);
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.resize(newSize);
    return to.toStdString();
}

} // namespace

class TestLlama2c : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void headerAndConfig()
    {
        TB_REQUIRE_SHARED(path, "fixtures/tiny-llama-f32.llama2c.bin");
        const tb::ImportedModel imported = tb::importLlama2c(path.toStdString());
        QCOMPARE(imported.format, std::string("llama2c"));
        QCOMPARE(imported.config.hiddenSize, int64_t(64));
        QCOMPARE(imported.config.intermediateSize, int64_t(172));
        QCOMPARE(imported.config.numLayers, int64_t(2));
        QCOMPARE(imported.config.numHeads, int64_t(4));
        QCOMPARE(imported.config.numKvHeads, int64_t(2));
        QCOMPARE(imported.config.vocabSize, int64_t(512));
        QCOMPARE(imported.config.maxPositions, int64_t(128));
        QVERIFY(!imported.config.tieWordEmbeddings); // negative vocab in the header
        QVERIFY(imported.tensors.count("lm_head.weight"));
        QCOMPARE(imported.tensors.at("model.layers.1.self_attn.k_proj.weight").shape,
                 (std::vector<int64_t>{32, 64}));
        QCOMPARE(imported.tensors.size(), size_t(1 + 2 * 9 + 1 + 1));
        QVERIFY(!imported.tokenizer);
    }

    void logitsMatchReference()
    {
        TB_REQUIRE_SHARED(path, "fixtures/tiny-llama-f32.llama2c.bin");
        TB_REQUIRE_SHARED(expectedPath, "fixtures/tiny-llama-f32.expected.json");
        const nlohmann::json expected = tbtest::readJsonFile(expectedPath.toStdString());
        tb::LoadedModel loaded = tb::loadModel(path.toStdString());
        QCOMPARE(loaded.format, std::string("llama2c"));

        torch::NoGradGuard noGrad;
        const auto ids = expected["input_ids"].get<std::vector<std::vector<int64_t>>>();
        torch::Tensor input = torch::empty({int64_t(ids.size()), int64_t(ids[0].size())}, torch::kLong);
        for (size_t b = 0; b < ids.size(); ++b)
            input[int64_t(b)] = torch::tensor(ids[b], torch::kLong);
        const auto ref = expected["logits"].get<std::vector<std::vector<std::vector<float>>>>();
        torch::Tensor want = torch::empty({int64_t(ref.size()), int64_t(ref[0].size()), int64_t(ref[0][0].size())});
        for (size_t b = 0; b < ref.size(); ++b)
            for (size_t t = 0; t < ref[b].size(); ++t)
                want[int64_t(b)][int64_t(t)] = torch::tensor(ref[b][t]);

        torch::Tensor got = loaded.model->forward(input); // (2, 16, 512)
        QCOMPARE(got.sizes().vec(), want.sizes().vec());
        const double maxDiff = (got - want).abs().max().item<double>();
        qInfo("llama2.c logits: max |diff| vs reference = %.3g (tolerance 1e-4)", maxDiff);
        QVERIFY2(maxDiff <= 1e-4, qPrintable(QString::number(maxDiff)));
    }

    void greedyMatchesReference_data()
    {
        QTest::addColumn<bool>("useCache");
        QTest::newRow("kv-cache") << true;
        QTest::newRow("no-cache") << false;
    }

    void greedyMatchesReference()
    {
        QFETCH(bool, useCache);
        TB_REQUIRE_SHARED(path, "fixtures/tiny-llama-f32.llama2c.bin");
        TB_REQUIRE_SHARED(expectedPath, "fixtures/tiny-llama-f32.expected.json");
        const nlohmann::json g = tbtest::readJsonFile(expectedPath.toStdString())["greedy"];
        tb::LoadedModel loaded = tb::loadModel(path.toStdString());
        const auto got = greedy(loaded.model, g["prompt_ids"].get<std::vector<int64_t>>(), g["new_tokens"].get<int>(),
                                useCache);
        QCOMPARE(got, g["expected_ids"].get<std::vector<int64_t>>());
    }

    void wrongSizeIsRefused_data()
    {
        QTest::addColumn<qint64>("delta");
        QTest::addColumn<QString>("hint");
        QTest::newRow("truncated") << qint64(-4) << QStringLiteral("truncated");
        QTest::newRow("half") << qint64(-300000) << QStringLiteral("truncated");
        QTest::newRow("trailing bytes") << qint64(8) << QStringLiteral("trailing data");
    }

    void wrongSizeIsRefused()
    {
        QFETCH(qint64, delta);
        QFETCH(QString, hint);
        TB_REQUIRE_SHARED(path, "fixtures/tiny-llama-f32.llama2c.bin");
        const qint64 size = QFileInfo(path).size();
        const std::string bad = copyWithSize(path, tbtest::tempDir() + "/bad.bin", size + delta);
        try {
            tb::loadModel(bad);
            QFAIL("a llama2.c file of the wrong size was accepted");
        } catch (const tb::Error &e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find(bad) == 0, msg.c_str());
            QVERIFY2(msg.find("needs exactly " + std::to_string(size)) != std::string::npos, msg.c_str());
            QVERIFY2(msg.find(hint.toStdString()) != std::string::npos, msg.c_str());
            QVERIFY(msg.find('\n') == std::string::npos);
        }
    }

    void garbageHeaderIsRefused()
    {
        const QString file = tbtest::tempDir() + "/garbage.bin";
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const int32_t header[7] = {64, 172, 2, 3 /* 64 % 3 != 0 */, 1, 512, 128};
        f.write(reinterpret_cast<const char *>(header), sizeof header);
        f.write(QByteArray(4096, 'x'));
        f.close();
        try {
            tb::importLlama2c(file.toStdString());
            QFAIL("a header that describes no model was accepted");
        } catch (const tb::Error &e) {
            QVERIFY2(std::string(e.what()).find("not a llama2.c checkpoint") != std::string::npos, e.what());
        }
    }
};

TB_REGISTER_TEST(TestLlama2c, "llama2c");

#include "tst_llama2c.moc"
