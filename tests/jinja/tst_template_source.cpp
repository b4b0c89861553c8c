// findChatTemplate: a model's template from chat_template.jinja, tokenizer_config.json (a
// string or a list of named templates), chat_template.json or GGUF metadata, with the BOS/EOS
// texts; and `tunebench-cli template`, which renders a conversation with it.
#include "jinja_test_util.h"
#include "test_support.h"

#include "chat_template_source.h"
#include "error.h"
#include "gguf_file.h"
#include "jinja_chat.h"

#include <QDir>
#include <QProcess>
#include <QtTest/QtTest>

namespace {

QString freshSourceDir(const QString &name)
{
    const QString dir = tbtest::tempDir() + "/template_source/" + name;
    QDir(dir).removeRecursively();
    QDir().mkpath(dir);
    return dir;
}

struct CliResult {
    int exitCode = -1;
    QByteArray out, err;
};

CliResult runTemplateCli(const QStringList &args)
{
    QProcess p;
    p.start(tbtest::buildDir() + "/app/tunebench-cli", QStringList{"template"} + args);
    CliResult r;
    if (!p.waitForFinished(60000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

const char *const kConfigWithTemplate =
    R"({"bos_token": {"__type": "AddedToken", "content": "<B>", "lstrip": false}, "eos_token": "<E>",
        "chat_template": "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}"})";

} // namespace

class TestJinjaTemplateSource : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fromTokenizerConfig()
    {
        const QString dir = freshSourceDir("config");
        tbtest::writeFile(dir + "/tokenizer_config.json", kConfigWithTemplate);
        for (const QString &path : {dir, dir + "/tokenizer_config.json"}) {
            const tb::ModelChatTemplate t = tb::findChatTemplate(path.toStdString());
            QVERIFY(t.source.rfind("{{ bos_token }}", 0) == 0);
            QCOMPARE(QString::fromStdString(t.origin), dir + "/tokenizer_config.json (chat_template)");
            QCOMPARE(t.bosToken, std::string("<B>"));
            QCOMPARE(t.eosToken, std::string("<E>"));
        }
    }

    void namedTemplatesUseDefault()
    {
        const QString dir = freshSourceDir("named");
        tbtest::writeFile(dir + "/tokenizer_config.json",
                          R"({"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]})");
        const tb::ModelChatTemplate t = tb::findChatTemplate(dir.toStdString());
        QCOMPARE(t.source, std::string("D"));
        QCOMPARE(QString::fromStdString(t.origin), dir + "/tokenizer_config.json (chat_template 'default')");
        QCOMPARE(t.bosToken, std::string());

        tbtest::writeFile(dir + "/tokenizer_config.json", R"({"chat_template": [{"name": "rag", "template": "R"}]})");
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::findChatTemplate(dir.toStdString()));
    }

    void jinjaFileWins()
    {
        const QString dir = freshSourceDir("jinja");
        tbtest::writeFile(dir + "/tokenizer_config.json", kConfigWithTemplate);
        tbtest::writeFile(dir + "/chat_template.jinja", "FROM FILE {{ eos_token }}\n");
        for (const QString &path : {dir, dir + "/tokenizer_config.json", dir + "/chat_template.jinja"}) {
            const tb::ModelChatTemplate t = tb::findChatTemplate(path.toStdString());
            QCOMPARE(t.source, std::string("FROM FILE {{ eos_token }}\n"));
            QCOMPARE(QString::fromStdString(t.origin), dir + "/chat_template.jinja");
            QCOMPARE(t.eosToken, std::string("<E>"));
        }
    }

    void processorFileAndNone()
    {
        const QString dir = freshSourceDir("processor");
        tbtest::writeFile(dir + "/tokenizer_config.json", R"({"eos_token": "<E>"})");
        try {
            tb::findChatTemplate(dir.toStdString());
            QFAIL("no error");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).startsWith(dir + ": no chat template"), e.what());
        }
        tbtest::writeFile(dir + "/chat_template.json", R"({"chat_template": "P"})");
        QCOMPARE(tb::findChatTemplate(dir.toStdString()).source, std::string("P"));
    }

    void fromGguf()
    {
        const QString dir = freshSourceDir("gguf");
        const std::string path = (dir + "/m.gguf").toStdString();
        tb::GgufWriter w(path);
        w.setString("general.architecture", "llama");
        w.setString("tokenizer.chat_template", "G{{ bos_token }}{{ eos_token }}");
        w.setStringArray("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "a"});
        w.setUint32("tokenizer.ggml.bos_token_id", 1);
        w.setUint32("tokenizer.ggml.eos_token_id", 2);
        w.finish();
        for (const QString &p : {dir, QString::fromStdString(path)}) {
            const tb::ModelChatTemplate t = tb::findChatTemplate(p.toStdString());
            QCOMPARE(t.source, std::string("G{{ bos_token }}{{ eos_token }}"));
            QCOMPARE(t.origin, path + " (tokenizer.chat_template)");
            QCOMPARE(t.bosToken, std::string("<s>"));
            QCOMPARE(t.eosToken, std::string("</s>"));
        }
    }

    void cliPrintsTheRenderingExactly()
    {
        const QString dir = freshSourceDir("cli");
        tbtest::writeFile(dir + "/tokenizer_config.json", kConfigWithTemplate);
        tbtest::writeFile(dir + "/messages.json", R"([{"role": "user", "content": "Hi {{ x }}\n"}])");
        const CliResult with = runTemplateCli({dir, "--messages", dir + "/messages.json"});
        QCOMPARE(with.exitCode, 0);
        QCOMPARE(with.out, QByteArray("<B>[user]Hi {{ x }}\n<E>[assistant]"));
        const CliResult without = runTemplateCli({dir + "/tokenizer_config.json", "--messages", dir + "/messages.json",
                                                  "--no-generation-prompt"});
        QCOMPARE(without.exitCode, 0);
        QCOMPARE(without.out, QByteArray("<B>[user]Hi {{ x }}\n<E>"));
    }

    void cliPassesToolsAndVariables()
    {
        const QString dir = freshSourceDir("cli_vars");
        tbtest::writeFile(dir + "/chat_template.jinja",
                          "{{ tools | tojson }}|{{ enable_thinking }}|{{ documents is none }}|{{ extra_key }}|{{ messages | length }}");
        tbtest::writeFile(dir + "/conv.json", R"({"messages": [{"role": "user", "content": "a"}], "extra_key": "x"})");
        tbtest::writeFile(dir + "/tools.json", R"([{"name": "f", "b": 1, "a": 2}])");
        const CliResult r = runTemplateCli({dir, "--messages", dir + "/conv.json", "--tools", dir + "/tools.json",
                                            "--set", "enable_thinking=false"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray(R"([{"name": "f", "b": 1, "a": 2}]|false|true|x|1)"));
    }

    void cliReportsTemplateErrorsInOneLine()
    {
        const QString config = freshSourceDir("cli_error_config");
        tbtest::writeFile(config + "/tokenizer_config.json",
                          R"({"chat_template": "{% for m in messages %}\n{% if m.role == 'user' %}{{ raise_exception('No users here') }}{% endif %}{% endfor %}"})");
        tbtest::writeFile(config + "/messages.json", R"([{"role": "user", "content": "a"}])");
        const CliResult raised = runTemplateCli({config, "--messages", config + "/messages.json"});
        QCOMPARE(raised.exitCode, 1);
        QCOMPARE(QString::fromUtf8(raised.err), "error: " + config + "/tokenizer_config.json (chat_template):2: No users here\n");

        const QString dir = freshSourceDir("cli_error");
        tbtest::writeFile(dir + "/chat_template.jinja", "line one\n{% for m in messages %}\n{{ m.content | nosuchfilter }}\n{% endfor %}");
        tbtest::writeFile(dir + "/messages.json", R"([{"role": "user", "content": "a"}])");
        const CliResult r = runTemplateCli({dir, "--messages", dir + "/messages.json"});
        QVERIFY(r.exitCode != 0);
        QCOMPARE(r.out, QByteArray());
        QCOMPARE(QString::fromUtf8(r.err), "error: " + dir + "/chat_template.jinja:3: unknown filter 'nosuchfilter'\n");

        tbtest::writeFile(dir + "/chat_template.jinja", "{% if %}");
        const CliResult syntax = runTemplateCli({dir, "--messages", dir + "/messages.json"});
        QVERIFY(syntax.exitCode != 0);
        QVERIFY2(syntax.err.startsWith(("error: " + dir + "/chat_template.jinja:1: ").toUtf8()), syntax.err.constData());
        QCOMPARE(syntax.err.count('\n'), 1);
    }
};

TB_REGISTER_TEST(TestJinjaTemplateSource, "template_source");
#include "tst_template_source.moc"
