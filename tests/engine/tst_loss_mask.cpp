// ctest-labels: unit
// The loss mask on a known conversation, checked against ids derived independently with
// python3-sentencepiece (each text run between special tokens encoded on its own, as
// Hugging Face does with legacy=true); masking off; truncation; and packing that a Llama
// forward cannot tell from separate sequences.
#include "engine_test_util.h"
#include "test_support.h"

#include "batching.h"
#include "chat_template.h"
#include "dataset.h"
#include "llama_model.h"
#include "tokenizer.h"

#include <QFile>
#include <QtTest/QtTest>

using Ids = std::vector<int64_t>;

namespace {

const QByteArray kConversation = "{\"messages\": [{\"role\": \"system\", \"content\": \"You are terse.\"}, "
                                 "{\"role\": \"user\", \"content\": \"Hi there\"}, "
                                 "{\"role\": \"assistant\", \"content\": \"Hello.\"}]}\n";

std::vector<size_t> trainedPositions(const std::vector<uint8_t> &trained)
{
    std::vector<size_t> out;
    for (size_t i = 0; i < trained.size(); ++i)
        if (trained[i])
            out.push_back(i);
    return out;
}

Ids toIds(const torch::Tensor &t)
{
    const auto c = t.contiguous();
    return Ids(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

} // namespace

class TestLossMask : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void knownConversation_data()
    {
        QTest::addColumn<QString>("templateName");
        QTest::addColumn<QList<qint64>>("ids");
        QTest::addColumn<QList<qint64>>("trained");
        // BOS "<|system|>\nYou are terse." EOS "\n<|user|>\nHi there" EOS
        // "\n<|assistant|>\nHello." EOS "\n": trained are "Hello", "." and their EOS.
        QTest::newRow("zephyr") << "zephyr"
                                << QList<qint64>{1,     529,   29989, 5205,  29989, 29958, 13,    3492,  526,   1935,
                                                 344,   29889, 2,     29871, 13,    29966, 29989, 1792,  29989, 29958,
                                                 13,    18567, 727,   2,     29871, 13,    29966, 29989, 465,   22137,
                                                 29989, 29958, 13,    10994, 29889, 2,     29871, 13}
                                << QList<qint64>{33, 34, 35};
        // <|im_start|> = 32000, <|im_end|> = 32001, added to Llama 2's vocabulary.
        QTest::newRow("chatml") << "chatml"
                                << QList<qint64>{1,     32000, 1788,  13,    3492,  526,   1935,  344,   29889, 32001,
                                                 29871, 13,    32000, 1404,  13,    18567, 727,   32001, 29871, 13,
                                                 32000, 20255, 13,    10994, 29889, 32001, 29871, 13}
                                << QList<qint64>{23, 24, 25};
    }

    void knownConversation()
    {
        QFETCH(QString, templateName);
        QFETCH(QList<qint64>, ids);
        QFETCH(QList<qint64>, trained);
        TB_REQUIRE_SHARED(model, "models/llama2-tokenizer.model");
        auto tok = tb::Tokenizer::fromFile(model.toStdString());
        if (templateName == "chatml") {
            QCOMPARE(tok->addSpecialToken("<|im_start|>"), int64_t(32000));
            QCOMPARE(tok->addSpecialToken("<|im_end|>"), int64_t(32001));
        }
        tb::DatasetOptions options;
        options.chatTemplate = tb::chatTemplateFromName(templateName.toStdString());
        options.validationRatio = 0;
        const tb::Dataset data = tb::loadDataset(tbtest::writeTemp("known.jsonl", kConversation), *tok, options);
        QCOMPARE(data.train.size(), size_t(1));
        const tb::Example &e = data.train[0];
        QCOMPARE(e.ids, Ids(ids.begin(), ids.end()));
        QCOMPARE(trainedPositions(e.trained), std::vector<size_t>(trained.begin(), trained.end()));

        // The batch shifts: position t predicts ids[t + 1], only where that token is trained.
        tb::BatchOptions batchOptions;
        batchOptions.batchSize = 1;
        batchOptions.contextLength = 64;
        tb::BatchIterator batches(data.train, batchOptions, 0);
        QCOMPARE(batches.size(), int64_t(1));
        const tb::Batch batch = batches.batch(0);
        Ids expectedTargets(ids.size(), tb::kIgnoreIndex);
        for (qint64 p : trained)
            expectedTargets[size_t(p - 1)] = ids[int(p)];
        QCOMPARE(toIds(batch.targets), expectedTargets);
        QCOMPARE(batch.trainedTokens, int64_t(trained.size()));
        QCOMPARE(toIds(batch.ids), Ids(ids.begin(), ids.end()));

        // Masking off: every token but the first is a target (there is no padding here).
        options.trainOnAllTokens = true;
        const tb::Dataset all = tb::loadDataset(tbtest::writeTemp("known.jsonl", kConversation), *tok, options);
        QCOMPARE(all.train[0].ids, e.ids);
        tb::BatchIterator allBatches(all.train, batchOptions, 0);
        const tb::Batch allBatch = allBatches.batch(0);
        Ids shifted(ids.begin() + 1, ids.end());
        shifted.push_back(tb::kIgnoreIndex);
        QCOMPARE(toIds(allBatch.targets), shifted);
        QCOMPARE(allBatch.trainedTokens, int64_t(ids.size() - 1));
    }

    void maskingOffStillIgnoresPadding()
    {
        TB_REQUIRE_SHARED(model, "models/llama2-tokenizer.model");
        auto tok = tb::Tokenizer::fromFile(model.toStdString());
        tb::DatasetOptions options;
        options.validationRatio = 0;
        options.trainOnAllTokens = true;
        const std::string path = tbtest::writeTemp("two.jsonl", kConversation
                                                            + "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, "
                                                              "{\"role\": \"assistant\", \"content\": \"Yo\"}]}\n");
        const tb::Dataset data = tb::loadDataset(path, *tok, options);
        QCOMPARE(data.train.size(), size_t(2));
        tb::BatchOptions batchOptions;
        batchOptions.batchSize = 2;
        batchOptions.contextLength = 64;
        batchOptions.shuffle = false;
        batchOptions.padId = 0;
        tb::BatchIterator batches(data.train, batchOptions, 0);
        const tb::Batch batch = batches.batch(0);
        const int64_t longN = int64_t(data.train[0].ids.size()), shortN = int64_t(data.train[1].ids.size());
        QVERIFY(shortN < longN);
        QCOMPARE(batch.ids.sizes().vec(), (Ids{2, longN}));
        const Ids row1 = toIds(batch.targets[1]);
        const Ids ids1 = toIds(batch.ids[1]);
        for (int64_t t = 0; t < longN; ++t) {
            if (t < shortN - 1)
                QCOMPARE(row1[size_t(t)], data.train[1].ids[size_t(t + 1)]);
            else
                QCOMPARE(row1[size_t(t)], tb::kIgnoreIndex); // the last real token and padding
            if (t >= shortN)
                QCOMPARE(ids1[size_t(t)], int64_t(0));
        }
        QCOMPARE(batch.trainedTokens, longN - 1 + shortN - 1);
        QCOMPARE(toIds(batch.lastIndex), (Ids{longN - 1, shortN - 1}));
        QCOMPARE(toIds(batch.segmentIds[1]).back(), int64_t(0)); // padding is segment 0
    }

    void truncationKeepsFinalAssistantTurn()
    {
        TB_REQUIRE_SHARED(model, "models/llama2-tokenizer.model");
        auto tok = tb::Tokenizer::fromFile(model.toStdString());
        const tb::ChatTemplateKind kind = tb::ChatTemplateKind::Zephyr;
        const std::vector<tb::ChatMessage> messages{
            {"system", "You are a patient teacher of geography."},
            {"user", "What is the capital of France?"},
            {"assistant", "Paris is the capital of France."},
            {"user", "And of Italy?"},
            {"assistant", "Rome is the capital of Italy."},
            {"user", "And of Spain?"},
            {"assistant", "Madrid is the capital of Spain, and its largest city."},
        };
        const QByteArray row = [&] {
            QByteArray r = "{\"messages\": [";
            for (size_t i = 0; i < messages.size(); ++i)
                r += QByteArray(i ? ", " : "") + "{\"role\": \"" + messages[i].role.c_str() + "\", \"content\": \""
                    + messages[i].content.c_str() + "\"}";
            return r + "]}\n";
        }();
        const std::string path = tbtest::writeTemp("long_chat.jsonl", row);
        const auto render = [&](std::vector<tb::ChatMessage> m) { return tb::renderChat(*tok, kind, m, false); };
        const tb::RenderedChat full = render(messages);
        const tb::RenderedChat withSystem = render({messages[0], messages[5], messages[6]});
        const tb::RenderedChat lastOnly = render({messages[5], messages[6]});
        const tb::RenderedChat twoLast = render({messages[0], messages[3], messages[4], messages[5], messages[6]});

        tb::DatasetOptions options;
        options.chatTemplate = kind;
        options.validationRatio = 0;
        const auto load = [&](int64_t context) {
            options.contextLength = context;
            return tb::loadDataset(path, *tok, options);
        };

        // Room for everything: untouched.
        tb::Dataset d = load(int64_t(full.ids.size()));
        QCOMPARE(d.train[0].ids, full.ids);
        QCOMPARE(d.report.truncated, int64_t(0));
        // One token short: the oldest exchange goes, the system prompt stays.
        d = load(int64_t(full.ids.size()) - 1);
        QCOMPARE(d.train[0].ids, twoLast.ids);
        QCOMPARE(d.train[0].trained, twoLast.trained);
        QCOMPARE(d.report.truncated, int64_t(1));
        QVERIFY(!d.report.problems[0].dropped);
        // Only the final exchange with the system prompt fits.
        d = load(int64_t(withSystem.ids.size()));
        QCOMPARE(d.train[0].ids, withSystem.ids);
        // Then the system prompt goes too.
        d = load(int64_t(withSystem.ids.size()) - 1);
        QCOMPARE(d.train[0].ids, lastOnly.ids);
        // Then tokens are cut from the left: BOS stays, the reply's end and EOS stay trained.
        const int64_t tight = 12;
        d = load(tight);
        const tb::Example &e = d.train[0];
        QCOMPARE(int64_t(e.ids.size()), tight);
        QCOMPARE(e.ids.front(), tok->bosId());
        QCOMPARE(Ids(e.ids.begin() + 1, e.ids.end()), Ids(lastOnly.ids.end() - (tight - 1), lastOnly.ids.end()));
        QCOMPARE(e.ids[size_t(tight - 3)], tok->eosId()); // "…city." EOS "▁" "\n"
        QCOMPARE(int(e.trained[size_t(tight - 3)]), 1);
        QCOMPARE(int(e.trained[size_t(tight - 4)]), 1);
        // Skipping instead: the row is gone, counted and reported.
        options.overlong = tb::OverlongPolicy::Skip;
        d = load(int64_t(full.ids.size()) - 1);
        QVERIFY(d.train.empty());
        QCOMPARE(d.report.skippedOverlong, int64_t(1));
        QCOMPARE(d.report.truncated, int64_t(0));
        QVERIFY(d.report.problems[0].dropped);
        QCOMPARE(d.report.problems[0].line, int64_t(1));
    }

    void packedForwardEqualsSeparateForwards()
    {
        tb::ModelConfig config;
        config.vocabSize = 32000;
        config.hiddenSize = 32;
        config.intermediateSize = 64;
        config.numLayers = 1;
        config.numHeads = 4;
        config.numKvHeads = 2;
        config.maxPositions = 64;
        tb::LlamaModel model(config);
        model->initWeights(7);
        model->eval();
        torch::NoGradGuard noGrad;

        std::vector<tb::Example> examples;
        torch::manual_seed(3);
        for (int64_t n : {5, 7, 4, 9}) {
            tb::Example e;
            const auto ids = torch::randint(3, 32000, {n}, torch::kLong);
            e.ids = toIds(ids);
            e.ids[0] = 1;
            e.trained.assign(size_t(n), 1);
            examples.push_back(e);
        }
        tb::BatchOptions options;
        options.batchSize = 2;
        options.contextLength = 16;
        options.packing = true;
        options.shuffle = false;
        tb::BatchIterator batches(examples, options, 0);
        // First fit in order: [5, 7, 4] fill 16, 9 opens a second row.
        QCOMPARE(batches.size(), int64_t(1));
        QCOMPARE(batches.rows(0), (std::vector<std::vector<size_t>>{{0, 1, 2}, {3}}));
        const tb::Batch batch = batches.batch(0);
        QCOMPARE(batch.ids.sizes().vec(), (Ids{2, 16}));
        QCOMPARE(toIds(batch.segmentIds[0]), (Ids{1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3}));
        QCOMPARE(toIds(batch.positionIds[0]), (Ids{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3}));
        // No target crosses into the next example.
        const Ids targets = toIds(batch.targets[0]);
        for (size_t end : {4, 11, 15})
            QCOMPARE(targets[end], tb::kIgnoreIndex);
        QCOMPARE(batch.trainedTokens, int64_t(4 + 6 + 3 + 8));

        tb::ForwardOptions forward;
        forward.segmentIds = batch.segmentIds;
        forward.positionIds = batch.positionIds;
        const torch::Tensor packed = model->forward(batch.ids, forward); // (2, 16, V)
        int64_t offset = 0;
        for (size_t i = 0; i < 3; ++i) {
            const int64_t n = int64_t(examples[i].ids.size());
            const torch::Tensor alone = model->forward(torch::tensor(examples[i].ids).unsqueeze(0)); // (1, n, V)
            const torch::Tensor part = packed.slice(1, offset, offset + n).slice(0, 0, 1);
            QVERIFY2(torch::allclose(part, alone, 1e-4, 1e-5),
                     qPrintable(QString("example %1 differs by %2").arg(i).arg((part - alone).abs().max().item<double>())));
            offset += n;
        }
        const torch::Tensor alone3 = model->forward(torch::tensor(examples[3].ids).unsqueeze(0));
        QVERIFY(torch::allclose(packed.slice(0, 1, 2).slice(1, 0, 9), alone3, 1e-4, 1e-5));

        // The check has teeth: without segment ids the second example sees the first.
        const torch::Tensor leaky = model->forward(batch.ids);
        QVERIFY(!torch::allclose(leaky.slice(1, 5, 12).slice(0, 0, 1),
                                 packed.slice(1, 5, 12).slice(0, 0, 1), 1e-4, 1e-5));
    }

    void epochOrderIsSeeded()
    {
        std::vector<tb::Example> examples(20);
        for (size_t i = 0; i < examples.size(); ++i) {
            examples[i].ids.assign(i % 5 + 2, int64_t(i + 3));
            examples[i].trained.assign(examples[i].ids.size(), 1);
        }
        tb::BatchOptions options;
        options.batchSize = 4;
        options.contextLength = 8;
        options.seed = 11;
        const auto order = [&](int64_t epoch, uint64_t seed) {
            options.seed = seed;
            tb::BatchIterator it(examples, options, epoch);
            std::vector<size_t> all;
            for (int64_t b = 0; b < it.size(); ++b)
                for (const auto &row : it.rows(b))
                    all.insert(all.end(), row.begin(), row.end());
            return all;
        };
        QCOMPARE(order(0, 11), order(0, 11));
        QVERIFY(order(0, 11) != order(1, 11));
        QVERIFY(order(0, 11) != order(0, 12));
        std::vector<size_t> sorted = order(1, 11);
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted.size(), size_t(20));
        for (size_t i = 0; i < sorted.size(); ++i)
            QCOMPARE(sorted[i], i); // every example once per epoch
    }
};

TB_REGISTER_TEST(TestLossMask, "loss_mask");
#include "tst_loss_mask.moc"
