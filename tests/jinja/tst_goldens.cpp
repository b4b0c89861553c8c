// Parity with @huggingface/jinja: every case of tests/data/template_goldens/goldens.json (real
// models' chat templates and constructs.jinja, rendered by the reference) renders to exactly
// the same text here, and a case where the reference raises raises here too.
#include "jinja_test_util.h"
#include "test_support.h"

#include "error.h"
#include "jinja_template.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtTest/QtTest>

#include <map>

namespace {

nlohmann::ordered_json loadTemplateGoldens()
{
    QFile file(tbtest::sourceDir() + "/tests/data/template_goldens/goldens.json");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return nlohmann::ordered_json::parse(file.readAll().toStdString());
}

} // namespace

class TestJinjaGoldens : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void enoughCases()
    {
        const auto goldens = loadTemplateGoldens();
        QVERIFY(goldens.contains("cases"));
        std::map<std::string, int> perTemplate;
        for (const auto &c : goldens["cases"])
            ++perTemplate[c["template"].get<std::string>()];
        for (const char *id : {"qwen3", "qwen2_5", "llama3", "llama3_1", "gemma3", "deepseek_v3", "constructs", "snippet"})
            QVERIFY2(perTemplate[id] >= 8, id);
    }

    void rendersLikeReference_data()
    {
        QTest::addColumn<int>("index");
        const auto goldens = loadTemplateGoldens();
        int i = 0;
        for (const auto &c : goldens["cases"]) {
            const auto &vars = c["variables"];
            std::string name = c["template"].get<std::string>() + "/" + c["conversation"].get<std::string>();
            if (vars.contains("add_generation_prompt"))
                name += vars["add_generation_prompt"].get<bool>() ? "/prompt" : "/no-prompt";
            QTest::newRow(name.c_str()) << i++;
        }
    }

    void rendersLikeReference()
    {
        QFETCH(int, index);
        static const auto goldens = loadTemplateGoldens();
        const auto &c = goldens["cases"][size_t(index)];
        const QString path = tbtest::sourceDir() + "/" + QString::fromStdString(c["path"].get<std::string>());
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            const QString why = "missing " + path + " (run `npm ci` in tests/peer, as scripts/test.sh does)";
            if (tbtest::inCi())
                QFAIL(qPrintable(why));
            QSKIP(qPrintable(why));
        }
        std::string source;
        if (c["template"] == "snippet") {
            const auto snippets = nlohmann::ordered_json::parse(file.readAll().toStdString());
            const int number = std::stoi(c["conversation"].get<std::string>().substr(8));
            source = snippets["snippets"][size_t(number)].get<std::string>();
        } else if (path.endsWith(".jinja")) {
            source = file.readAll().toStdString();
        } else {
            const auto config = nlohmann::ordered_json::parse(file.readAll().toStdString());
            const auto &t = config["chat_template"];
            if (t.is_string()) {
                source = t.get<std::string>();
            } else {
                for (const auto &named : t)
                    if (named["name"] == "default")
                        source = named["template"].get<std::string>();
            }
        }
        const QByteArray sha = QCryptographicHash::hash(QByteArray::fromStdString(source), QCryptographicHash::Sha256).toHex();
        QCOMPARE(sha.toStdString(), c["sha256"].get<std::string>());

        const auto vars = jinjatest::variablesFromJson(c["variables"]);
        if (c.contains("error")) {
            try {
                const tb::jinja::Template tmpl(source, c["path"].get<std::string>());
                const std::string text = tmpl.render(vars, &jinjatest::goldenNow());
                QFAIL(qPrintable(QString::fromStdString("rendered, but the reference raises: " + c["error"].get<std::string>()
                                                        + "\n" + text)));
            } catch (const tb::Error &e) {
                // A raise_exception message is ours too, after "<name>:<line>: "; other
                // reasons are worded differently.
                if (source.find("raise_exception") != std::string::npos)
                    QVERIFY2(std::string(e.what()).find(c["error"].get<std::string>()) != std::string::npos, e.what());
            }
            return;
        }
        const tb::jinja::Template tmpl(source, c["path"].get<std::string>());
        const std::string text = tmpl.render(vars, &jinjatest::goldenNow());
        QCOMPARE(QString::fromStdString(text), QString::fromStdString(c["text"].get<std::string>()));
    }
};

TB_REGISTER_TEST(TestJinjaGoldens, "goldens");
#include "tst_goldens.moc"
