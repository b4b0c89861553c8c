// Generation: greedy and sampling, seeds, stop strings, EOS, cancellation, and a chat that
// overflows its context.
#include "chat_session.h"
#include "error.h"
#include "fixture_check.h"
#include "generator.h"
#include "model_loader.h"
#include "test_support.h"
#include "tokenizer.h"

#include <QtTest/QtTest>

namespace {

// A random model with the real Llama 2 vocabulary, so text goes through a real tokenizer.
tb::LlamaModel llamaVocabModel(int64_t context)
{
    tb::ModelConfig c;
    c.vocabSize = 32000;
    c.hiddenSize = 32;
    c.intermediateSize = 64;
    c.numHeads = 2;
    c.numKvHeads = 1;
    c.numLayers = 1;
    c.maxPositions = context;
    tb::LlamaModel model(c);
    model->initWeights(11);
    model->eval();
    return model;
}

} // namespace

class TestGenerator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void greedyMatchesFixture()
    {
        TB_REQUIRE_SHARED(modelPath, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(expectedPath, "fixtures/tiny-llama-f32.expected.json");
        const auto e = tbtest::loadExpectation(expectedPath);
        tb::LoadedModel loaded = tb::loadModel(modelPath.toStdString());
        tb::SamplingOptions o;
        o.maxNewTokens = e.newTokens;
        o.stopAtEos = false;
        std::vector<int64_t> streamed;
        auto result = tb::generate(loaded.model, nullptr, e.promptIds, o, [&](int64_t id, const std::string &) {
            streamed.push_back(id);
            return true;
        });
        QCOMPARE(result.ids, e.greedyIds);
        QCOMPARE(streamed, e.greedyIds); // the callback saw every token, in order
        QCOMPARE(result.reason, tb::StopReason::MaxTokens);
        // top-k 1 with a temperature is greedy too.
        o.temperature = 0.9;
        o.topK = 1;
        QCOMPARE(tb::generate(loaded.model, nullptr, e.promptIds, o).ids, e.greedyIds);
    }

    void seedReproducesSample()
    {
        TB_REQUIRE_SHARED(modelPath, "fixtures/tiny-llama-f32");
        tb::LoadedModel loaded = tb::loadModel(modelPath.toStdString());
        tb::SamplingOptions o;
        o.temperature = 1.0;
        o.topP = 0.9;
        o.repetitionPenalty = 1.2;
        o.maxNewTokens = 20;
        o.stopAtEos = false;
        o.seed = 42;
        const auto a = tb::generate(loaded.model, nullptr, {1, 5, 9}, o).ids;
        const auto b = tb::generate(loaded.model, nullptr, {1, 5, 9}, o).ids;
        o.seed = 43;
        const auto c = tb::generate(loaded.model, nullptr, {1, 5, 9}, o).ids;
        QCOMPARE(a, b);
        QVERIFY(a != c);
    }

    void samplingFilters()
    {
        // Known logits: top-k and top-p keep exactly the expected candidates.
        auto logits = torch::tensor({0.0f, 3.0f, 2.0f, 1.0f, -1.0f});
        std::mt19937_64 rng(1);
        tb::SamplingOptions o;
        o.temperature = 1.0;
        o.topK = 2;
        std::set<int64_t> seen;
        for (int i = 0; i < 300; ++i)
            seen.insert(tb::sampleToken(logits, o, {}, rng));
        QCOMPARE(seen, (std::set<int64_t>{1, 2}));
        // p(1) = 0.64, p(2) = 0.24: top-p 0.7 keeps both, 0.5 keeps only the first.
        o.topK = 0;
        o.topP = 0.7;
        seen.clear();
        for (int i = 0; i < 300; ++i)
            seen.insert(tb::sampleToken(logits, o, {}, rng));
        QCOMPARE(seen, (std::set<int64_t>{1, 2}));
        o.topP = 0.5;
        seen.clear();
        for (int i = 0; i < 100; ++i)
            seen.insert(tb::sampleToken(logits, o, {}, rng));
        QCOMPARE(seen, (std::set<int64_t>{1}));
        // Repetition penalty 4 on token 1 (3.0 -> 0.75) makes token 2 the greedy choice.
        tb::SamplingOptions greedy;
        greedy.repetitionPenalty = 4.0;
        QCOMPARE(tb::sampleToken(logits, greedy, {1}, rng), int64_t(2));
    }

    void cancellationWithinOneToken()
    {
        TB_REQUIRE_SHARED(modelPath, "fixtures/tiny-llama-f32");
        tb::LoadedModel loaded = tb::loadModel(modelPath.toStdString());
        tb::SamplingOptions o;
        o.maxNewTokens = 50;
        o.stopAtEos = false;
        int calls = 0;
        auto result = tb::generate(loaded.model, nullptr, {1, 2, 3}, o, [&](int64_t, const std::string &) {
            return ++calls < 3;
        });
        QCOMPARE(calls, 3);
        QCOMPARE(result.ids.size(), size_t(3));
        QCOMPARE(result.reason, tb::StopReason::Cancelled);
        std::atomic<bool> cancel{true};
        QCOMPARE(tb::generate(loaded.model, nullptr, {1, 2, 3}, o, {}, &cancel).ids.size(), size_t(0));
    }

    void stopStringsAndText()
    {
        TB_REQUIRE_SHARED(tokPath, "models/llama2-tokenizer.model");
        auto tok = tb::Tokenizer::fromFile(tokPath.toStdString());
        tb::LlamaModel model = llamaVocabModel(256);
        tb::SamplingOptions o;
        o.maxNewTokens = 12;
        o.stopAtEos = false;
        const auto prompt = tok->encode("Hello", true);
        auto full = tb::generate(model, tok.get(), prompt, o);
        QCOMPARE(full.ids.size(), size_t(12));
        QCOMPARE(full.text, tok->decode(full.ids));
        // Stop before a piece of the text we know comes: the text ends right before it.
        std::string streamed;
        QVERIFY(full.text.size() > 4);
        const std::string stop = full.text.substr(full.text.size() / 2, 3);
        o.stopStrings = {stop};
        auto cut = tb::generate(model, tok.get(), prompt, o, [&](int64_t, const std::string &t) {
            streamed += t;
            return true;
        });
        QCOMPARE(cut.reason, tb::StopReason::StopString);
        QCOMPARE(cut.text, full.text.substr(0, full.text.find(stop)));
        QCOMPARE(streamed, cut.text); // nothing of the stop string was streamed
    }

    void eosStops()
    {
        TB_REQUIRE_SHARED(modelPath, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(expectedPath, "fixtures/tiny-llama-f32.expected.json");
        const auto e = tbtest::loadExpectation(expectedPath);
        tb::LoadedModel loaded = tb::loadModel(modelPath.toStdString());
        // Treat the fixture's 5th greedy token as an end-of-turn id: generation ends there.
        tb::SamplingOptions o;
        o.maxNewTokens = 24;
        o.extraStopIds = {e.greedyIds[4]};
        auto result = tb::generate(loaded.model, nullptr, e.promptIds, o);
        QCOMPARE(result.reason, tb::StopReason::Eos);
        const auto firstStop = std::find(e.greedyIds.begin(), e.greedyIds.end(), e.greedyIds[4]) - e.greedyIds.begin();
        QCOMPARE(result.ids.size(), size_t(firstStop + 1));
    }

    void chatDropsOldestTurnsWhenContextOverflows()
    {
        TB_REQUIRE_SHARED(tokPath, "models/llama2-tokenizer.model");
        auto tok = std::shared_ptr<tb::Tokenizer>(tb::Tokenizer::fromFile(tokPath.toStdString()));
        tb::ChatSession chat(llamaVocabModel(96), tok, tb::ChatTemplateKind::Llama2);
        chat.setSystemPrompt("You are brief.");
        tb::SamplingOptions o;
        o.maxNewTokens = 8;
        int dropped = 0;
        for (int turn = 0; turn < 6; ++turn) {
            auto reply = chat.send("Tell me about order number " + std::to_string(1000 + turn) + " please.", o);
            dropped += reply.droppedTurns;
        }
        QVERIFY(dropped > 0);
        QVERIFY(chat.messages().size() < 12);
        // The newest user turn is always kept.
        QVERIFY(chat.messages()[chat.messages().size() - 2].content.find("1005") != std::string::npos);
        // One message that alone cannot fit is refused with a clear error.
        std::string huge;
        for (int i = 0; i < 200; ++i)
            huge += "word ";
        try {
            chat.send(huge, o);
            QFAIL("accepted a message longer than the context");
        } catch (const tb::Error &e) {
            QVERIFY(QString(e.what()).contains("context"));
        }
    }
};

TB_REGISTER_TEST(TestGenerator, "generator");
#include "tst_generator.moc"
