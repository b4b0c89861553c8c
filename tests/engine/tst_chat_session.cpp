// The chat history operations behind the chat page's Regenerate, edit-and-resend and
// "continue a saved conversation": they cut, replace and resample the history exactly.
#include "chat_session.h"
#include "error.h"
#include "test_support.h"
#include "tokenizer.h"

#include <QtTest/QtTest>

namespace {

// A random model with the real Llama 2 vocabulary, so text goes through a real tokenizer.
tb::LlamaModel randomModel()
{
    tb::ModelConfig c;
    c.vocabSize = 32000;
    c.hiddenSize = 32;
    c.intermediateSize = 64;
    c.numHeads = 2;
    c.numKvHeads = 1;
    c.numLayers = 1;
    c.maxPositions = 512;
    tb::LlamaModel model(c);
    model->initWeights(5);
    model->eval();
    return model;
}

tb::SamplingOptions sampling(double temperature, uint64_t seed)
{
    tb::SamplingOptions o;
    o.temperature = temperature;
    o.seed = seed;
    o.maxNewTokens = 12;
    o.stopAtEos = false;
    return o;
}

} // namespace

class TestChatSession : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<tb::Tokenizer> m_tok;

private Q_SLOTS:
    void initTestCase()
    {
        TB_REQUIRE_SHARED(tokPath, "models/llama2-tokenizer.model");
        m_tok = tb::Tokenizer::fromFile(tokPath.toStdString());
    }

    void regenerateReplacesTheLastReply()
    {
        tb::ChatSession chat(randomModel(), m_tok, tb::ChatTemplateKind::Plain);
        chat.send("Hello there", sampling(0.0, 0));
        const auto first = chat.send("How are you?", sampling(0.0, 0));
        QCOMPARE(chat.messages().size(), size_t(4));
        // Greedy: the same reply again, and still two exchanges (not three).
        const auto again = chat.regenerate(sampling(0.0, 0));
        QCOMPARE(again.generation.text, first.generation.text);
        QCOMPARE(chat.messages().size(), size_t(4));
        QCOMPARE(chat.messages()[2].content, std::string("How are you?"));
        QCOMPARE(chat.messages()[3].content, first.generation.text);
        // Sampled: one seed reproduces its reply, another seed gives another one.
        const auto seeded = chat.regenerate(sampling(1.5, 42));
        QCOMPARE(chat.regenerate(sampling(1.5, 42)).generation.ids, seeded.generation.ids);
        QVERIFY(chat.regenerate(sampling(1.5, 43)).generation.ids != seeded.generation.ids);
        QCOMPARE(chat.messages().size(), size_t(4));
    }

    void regenerateAfterAnUnansweredTurnAnswersIt()
    {
        tb::ChatSession chat(randomModel(), m_tok, tb::ChatTemplateKind::Plain);
        chat.setMessages({{"user", "Only a question"}, {"assistant", "An answer"}, {"user", "A follow-up"}});
        chat.regenerate(sampling(0.0, 0));
        QCOMPARE(chat.messages().size(), size_t(4));
        QCOMPARE(chat.messages()[2].content, std::string("A follow-up"));
        QCOMPARE(chat.messages()[3].role, std::string("assistant"));
    }

    void regenerateWithoutAUserTurnIsRefused()
    {
        tb::ChatSession chat(randomModel(), m_tok, tb::ChatTemplateKind::Plain);
        QVERIFY_THROWS_EXCEPTION(tb::Error, chat.regenerate(sampling(0.0, 0)));
        QVERIFY(chat.messages().empty());
    }

    void truncateCutsTheHistory()
    {
        tb::ChatSession chat(randomModel(), m_tok, tb::ChatTemplateKind::Plain);
        chat.send("one", sampling(0.0, 0));
        chat.send("two", sampling(0.0, 0));
        chat.send("three", sampling(0.0, 0));
        QCOMPARE(chat.messages().size(), size_t(6));
        // Edit the second user message: keep what came before it, then send the new text.
        chat.truncate(2);
        chat.send("two, edited", sampling(0.0, 0));
        QCOMPARE(chat.messages().size(), size_t(4));
        QCOMPARE(chat.messages()[0].content, std::string("one"));
        QCOMPARE(chat.messages()[2].content, std::string("two, edited"));
        QVERIFY_THROWS_EXCEPTION(tb::Error, chat.truncate(5));
        QCOMPARE(chat.messages().size(), size_t(4));
    }

    void setMessagesChecksTheRoles()
    {
        tb::ChatSession chat(randomModel(), m_tok, tb::ChatTemplateKind::Plain);
        chat.setMessages({{"user", "hi"}, {"assistant", "hello"}});
        try {
            chat.setMessages({{"user", "hi"}, {"user", "again"}});
            QFAIL("accepted two user turns in a row");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("message 2"), e.what());
        }
        // A refused history leaves the previous one in place.
        QCOMPARE(chat.messages().size(), size_t(2));
        QCOMPARE(chat.messages()[1].content, std::string("hello"));
    }
};

TB_REGISTER_TEST(TestChatSession, "chat_session");
#include "tst_chat_session.moc"
