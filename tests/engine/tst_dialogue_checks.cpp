// Dialogue checks: rule evaluation, the JSONL loader's errors, and a greedy round with a
// small random model whose checks are built from its own replies.
#include "chat_template.h"
#include "dialogue_checks.h"
#include "error.h"
#include "generator.h"
#include "llama_model.h"
#include "test_support.h"
#include "tokenizer.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

namespace {

QString writeFile(const QString &name, const QByteArray &contents)
{
    static int counter = 0;
    const QString path = tbtest::tempDir() + QStringLiteral("/%1-%2").arg(++counter).arg(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(contents);
    return path;
}

// A tokenizer trained on a few hundred generated sentences: real text in and out.
std::shared_ptr<tb::Tokenizer> smallTokenizer()
{
    static std::shared_ptr<tb::Tokenizer> tok;
    if (tok)
        return tok;
    const char *words[] = {"the", "doctor", "said", "you", "should", "rest", "and", "drink", "water", "we",
                           "can", "not", "promise", "returns", "please", "see", "a", "store", "today", "hello",
                           "order", "pizza", "my", "head", "hurts", "good", "morning", "thank", "help", "is"};
    QByteArray corpus;
    for (int i = 0; i < 400; ++i) {
        QByteArray line;
        for (int w = 0; w < 8; ++w)
            line += QByteArray(words[(i * 7 + w * 13 + (i / 5) * w) % 30]) + (w < 7 ? " " : ".\n");
        corpus += line;
    }
    tb::TokenizerTrainOptions t;
    t.corpusPath = writeFile("dialogue-corpus.txt", corpus).toStdString();
    t.outputPrefix = (tbtest::tempDir() + "/dialogue-sp").toStdString();
    t.vocabSize = 120;
    t.byteFallback = false;
    tok = tb::Tokenizer::train(t);
    return tok;
}

tb::LlamaModel randomModel(int64_t vocab, int64_t context, uint64_t seed)
{
    tb::ModelConfig c;
    c.vocabSize = vocab;
    c.hiddenSize = 32;
    c.intermediateSize = 64;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.numLayers = 2;
    c.maxPositions = context;
    c.tieWordEmbeddings = false;
    tb::LlamaModel model(c);
    model->initWeights(seed);
    return model;
}

tb::DialogueCheck check(const std::string &prompt)
{
    tb::DialogueCheck c;
    c.messages = {{"user", prompt}};
    return c;
}

} // namespace

class TestDialogueChecks : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void evaluateRules_data()
    {
        QTest::addColumn<QString>("reply");
        QTest::addColumn<QStringList>("mustContain");
        QTest::addColumn<QStringList>("mustNotContain");
        QTest::addColumn<QStringList>("regex");
        QTest::addColumn<QStringList>("failures");

        QTest::newRow("contain ignores case") << "Please see a DOCTOR soon." << QStringList{"doctor"} << QStringList{}
                                              << QStringList{} << QStringList{};
        QTest::newRow("contain needs all of them")
            << "Please see a doctor." << QStringList{"Doctor", "today", "see a"} << QStringList{} << QStringList{}
            << QStringList{R"(missing "today")"};
        QTest::newRow("must not contain ignores case")
            << "We Guarantee free returns." << QStringList{} << QStringList{"guarantee", "refund"} << QStringList{}
            << QStringList{R"(contains "guarantee")"};
        QTest::newRow("regex ignores case, matches anywhere")
            << "You should see your GP this week." << QStringList{} << QStringList{}
            << QStringList{"see (a|your) (doctor|gp)"} << QStringList{};
        QTest::newRow("regex without a match")
            << "Drink water and rest." << QStringList{} << QStringList{} << QStringList{"see (a|your) doctor", "rest"}
            << QStringList{R"(no match for regex "see (a|your) doctor")"};
        QTest::newRow("every failed rule reported, in order")
            << "We promise returns." << QStringList{"doctor"} << QStringList{"PROMISE"} << QStringList{"^never"}
            << QStringList{R"(missing "doctor")", R"(contains "PROMISE")", R"(no match for regex "^never")"};
        QTest::newRow("non-ASCII bytes compare as they are")
            << "Le Café est ouvert" << QStringList{"le café", "OUVERT"} << QStringList{"CAFÉ"} << QStringList{}
            << QStringList{};
        QTest::newRow("empty reply") << "" << QStringList{"doctor"} << QStringList{"promise"} << QStringList{}
                                     << QStringList{R"(missing "doctor")"};
    }

    void evaluateRules()
    {
        QFETCH(QString, reply);
        QFETCH(QStringList, mustContain);
        QFETCH(QStringList, mustNotContain);
        QFETCH(QStringList, regex);
        QFETCH(QStringList, failures);
        tb::DialogueCheck c = check("hi");
        for (const QString &s : mustContain)
            c.mustContain.push_back(s.toStdString());
        for (const QString &s : mustNotContain)
            c.mustNotContain.push_back(s.toStdString());
        for (const QString &s : regex)
            c.regexes.push_back(s.toStdString());
        const tb::CheckResult result = tb::evaluateReply(c, reply.toStdString());
        QStringList actual;
        for (const auto &f : result.failures)
            actual << QString::fromStdString(f);
        QCOMPARE(actual, failures);
        QCOMPARE(result.passed, failures.isEmpty());
    }

    void loadChecks()
    {
        const QString path = writeFile(
            "checks.jsonl",
            "{\"name\": \"doctor\", \"prompt\": \"My head hurts\", \"system\": \"Be careful\", "
            "\"must_contain\": \"doctor\", \"regex\": [\"see (a|your) doctor\", \"rest\"]}\r\n"
            "\n"
            "   \n"
            "{\"messages\": [{\"role\": \"system\", \"content\": \"Shop\"}, {\"role\": \"user\", \"content\": \"hi\"}, "
            "{\"role\": \"assistant\", \"content\": \"hello\"}, {\"role\": \"user\", \"content\": \"returns?\"}], "
            "\"must_not_contain\": [\"promise\", \"guarantee\"]}\n");
        const auto checks = tb::loadDialogueChecks(path.toStdString());
        QCOMPARE(checks.size(), size_t(2));
        QCOMPARE(checks[0].name, std::string("doctor"));
        QCOMPARE(checks[0].line, int64_t(1));
        QCOMPARE(checks[0].file, path.toStdString());
        QCOMPARE(checks[0].messages.size(), size_t(2));
        QCOMPARE(checks[0].messages[0].role, std::string("system"));
        QCOMPARE(checks[0].messages[0].content, std::string("Be careful"));
        QCOMPARE(checks[0].messages[1].role, std::string("user"));
        QCOMPARE(checks[0].messages[1].content, std::string("My head hurts"));
        QCOMPARE(checks[0].mustContain, (std::vector<std::string>{"doctor"}));
        QCOMPARE(checks[0].regexes, (std::vector<std::string>{"see (a|your) doctor", "rest"}));
        QCOMPARE(checks[1].name, std::string("line 4"));
        QCOMPARE(checks[1].line, int64_t(4));
        QCOMPARE(checks[1].messages.size(), size_t(4));
        QCOMPARE(checks[1].messages[3].content, std::string("returns?"));
        QCOMPARE(checks[1].mustNotContain, (std::vector<std::string>{"promise", "guarantee"}));
        QVERIFY(checks[1].mustContain.empty());
    }

    void loaderErrors_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QString>("expected"); // after "<path>"

        const QByteArray good = "{\"prompt\": \"a\", \"must_contain\": \"x\"}\n";
        QTest::newRow("bad JSON after a blank line") << good + "\n{\"prompt\": \"a\",\n" << ":3: not valid JSON";
        QTest::newRow("no prompt") << good + "{\"must_contain\": [\"x\"]}\n" << ":2: no prompt";
        QTest::newRow("prompt and messages")
            << QByteArray("{\"prompt\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"b\"}], "
                          "\"regex\": \"x\"}")
            << ":1: give either \"prompt\" or \"messages\", not both";
        QTest::newRow("empty prompt") << QByteArray("{\"prompt\": \"\", \"regex\": \"x\"}")
                                      << ":1: \"prompt\" must be a non-empty string";
        QTest::newRow("rule is a number")
            << good + good + "{\"prompt\": \"a\", \"must_contain\": 5}\n"
            << ":3: \"must_contain\" must be a string or a list of strings, found a number";
        QTest::newRow("rule item is not a string")
            << QByteArray("{\"prompt\": \"a\", \"must_not_contain\": [\"ok\", {\"x\": 1}]}")
            << ":1: \"must_not_contain\" item 2 must be a string, found an object";
        QTest::newRow("empty rule item") << QByteArray("{\"prompt\": \"a\", \"must_contain\": [\"\"]}")
                                         << ":1: \"must_contain\" item 1 is empty";
        QTest::newRow("invalid regex") << "\n\n" + good + "{\"prompt\": \"a\", \"regex\": \"(unclosed\"}\n"
                                       << ":4: invalid regex \"(unclosed\"";
        QTest::newRow("no rule") << good + "{\"prompt\": \"a\", \"name\": \"lonely\"}\n"
                                 << ":2: no rule; give at least one of";
        QTest::newRow("misspelt key") << QByteArray("{\"prompt\": \"a\", \"must_contains\": \"x\"}")
                                      << ":1: unknown key \"must_contains\"";
        QTest::newRow("not an object") << good + "[1, 2]\n" << ":2: expected a JSON object";
        QTest::newRow("messages end with the assistant")
            << QByteArray("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", "
                          "\"content\": \"b\"}], \"regex\": \"x\"}")
            << ":1: the last message must be the user's";
        QTest::newRow("unknown role")
            << QByteArray("{\"messages\": [{\"role\": \"bot\", \"content\": \"a\"}], \"regex\": \"x\"}")
            << ":1: message 1 has role \"bot\"";
        QTest::newRow("system twice")
            << QByteArray("{\"system\": \"s\", \"messages\": [{\"role\": \"system\", \"content\": \"t\"}, "
                          "{\"role\": \"user\", \"content\": \"a\"}], \"regex\": \"x\"}")
            << ":1: a \"system\" key and a system message";
        QTest::newRow("name not a string") << QByteArray("{\"name\": 3, \"prompt\": \"a\", \"regex\": \"x\"}")
                                           << ":1: \"name\" must be a string";
        QTest::newRow("only blank lines") << QByteArray("\n  \n\n") << ": no dialogue checks in the file";
    }

    void loaderErrors()
    {
        QFETCH(QByteArray, contents);
        QFETCH(QString, expected);
        const QString path = writeFile("bad.jsonl", contents);
        try {
            tb::loadDialogueChecks(path.toStdString());
            QFAIL("loaded a bad checks file");
        } catch (const tb::Error &e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith(path + expected), qPrintable(message));
        }
    }

    // Checks built from the model's own greedy reply: a substring of it (in other case) must
    // be contained, the same substring must not: exactly half pass.
    void greedyRoundWithRandomModel()
    {
        auto tok = smallTokenizer();
        tb::LlamaModel model = randomModel(tok->vocabSize(), 128, 21);
        model->train(); // as the trainer's model is between steps
        const std::string prompt = "my head hurts, what should i do";
        const int64_t maxNew = 12;

        // What the round must produce: the Plain template's prompt, greedy, capped.
        const tb::RenderedChat rendered = tb::renderChat(*tok, tb::ChatTemplateKind::Plain, {{"user", prompt}}, true);
        tb::SamplingOptions greedy;
        greedy.maxNewTokens = maxNew;
        greedy.stopStrings = {"\nUser:"};
        const tb::GenerationResult expected = tb::generate(model, tok.get(), rendered.ids, greedy);
        std::string probe = expected.text;
        probe.erase(0, probe.find_first_not_of(' '));
        QVERIFY2(probe.size() >= 4,
                 ("the random model's reply is too short to probe: '" + expected.text + "'").c_str());
        probe = probe.substr(0, 4);
        const std::string upper = QString::fromStdString(probe).toUpper().toStdString();
        QVERIFY(upper != probe || probe.find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos);

        tb::DialogueCheck contains = check(prompt);
        contains.name = "contains";
        contains.mustContain = {upper};
        tb::DialogueCheck notContains = check(prompt);
        notContains.name = "does not contain";
        notContains.mustNotContain = {probe};

        QVERIFY(torch::GradMode::is_enabled());
        const tb::DialogueCheckReport report =
            tb::runDialogueChecks(model, *tok, tb::ChatTemplateKind::Plain, {contains, notContains}, maxNew);
        QVERIFY(model->is_training()); // mode restored
        QVERIFY(torch::GradMode::is_enabled());
        QCOMPARE(report.outcomes.size(), size_t(2));
        QCOMPARE(report.passed, int64_t(1));
        QCOMPARE(report.passRate, 0.5);
        QVERIFY(report.seconds > 0.0);
        QVERIFY(!report.cancelled);
        QCOMPARE(report.outcomes[0].name, std::string("contains"));
        QVERIFY(report.outcomes[0].passed);
        QVERIFY(!report.outcomes[1].passed);
        QCOMPARE(report.outcomes[1].failures, (std::vector<std::string>{"contains \"" + probe + "\""}));
        for (const auto &o : report.outcomes) {
            QCOMPARE(o.reply, expected.text);
            QCOMPARE(o.newTokens, int64_t(expected.ids.size()));
            QVERIFY(o.newTokens <= maxNew);
        }

        // A tighter cap: at most 3 tokens, exactly 3 unless the reply ended first.
        model->eval();
        const auto capped = tb::runDialogueChecks(model, *tok, tb::ChatTemplateKind::Plain, {contains}, 3);
        QVERIFY(!model->is_training());
        QVERIFY(capped.outcomes[0].newTokens <= 3);
        if (capped.outcomes[0].stopReason == tb::StopReason::MaxTokens)
            QCOMPARE(capped.outcomes[0].newTokens, int64_t(3));
        QVERIFY(expected.text.rfind(capped.outcomes[0].reply, 0) == 0); // a prefix of the longer reply

        // A prompt that fills the context fails with the reason instead of stopping the round.
        std::string longPrompt;
        for (int i = 0; i < 60; ++i)
            longPrompt += "please see the doctor today ";
        tb::DialogueCheck tooLong = check(longPrompt);
        tooLong.mustContain = {"x"};
        const auto overflow =
            tb::runDialogueChecks(model, *tok, tb::ChatTemplateKind::Plain, {tooLong, contains}, maxNew);
        QCOMPARE(overflow.outcomes.size(), size_t(2));
        QVERIFY(!overflow.outcomes[0].passed);
        QVERIFY2(QString::fromStdString(overflow.outcomes[0].failures.at(0)).contains("leaves no room in the model's "
                                                                                      "context of 128"),
                 overflow.outcomes[0].failures.at(0).c_str());
        QCOMPARE(overflow.passRate, 0.5);

        // A cancelled round stops before the first check.
        std::atomic<bool> cancel{true};
        const auto cancelled =
            tb::runDialogueChecks(model, *tok, tb::ChatTemplateKind::Plain, {contains}, maxNew, &cancel);
        QVERIFY(cancelled.cancelled);
        QVERIFY(cancelled.outcomes.empty());

        const auto json = nlohmann::json::parse(tb::dialogueReportToJson(report));
        QCOMPARE(json["pass_rate"].get<double>(), 0.5);
        QCOMPARE(json["results"][1]["passed"].get<bool>(), false);
        QCOMPARE(json["results"][0]["reply"].get<std::string>(), expected.text);
    }
};

TB_REGISTER_TEST(TestDialogueChecks, "dialogue_checks");
#include "tst_dialogue_checks.moc"
