// The four chat formats Tunebench renders natively publish their Jinja (chatTemplateJinja);
// rendered through the interpreter, each gives exactly the text of tests/data/chat_goldens,
// which Python's Jinja2 derived (scripts/derive_chat_goldens.py): a second, independent
// reference besides @huggingface/jinja.
#include "jinja_test_util.h"
#include "test_support.h"

#include "chat_template.h"
#include "jinja_template.h"

#include <QFile>
#include <QtTest/QtTest>

class TestJinjaBuiltinFormats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesJinja2Goldens_data()
    {
        QTest::addColumn<QString>("format");
        for (const char *name : {"plain", "llama2", "chatml", "zephyr"})
            QTest::newRow(name) << QString(name);
    }

    void matchesJinja2Goldens()
    {
        QFETCH(QString, format);
        QFile file(tbtest::sourceDir() + "/tests/data/chat_goldens/" + format + ".json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto golden = nlohmann::ordered_json::parse(file.readAll().toStdString());
        const std::string source = tb::chatTemplateJinja(tb::chatTemplateFromName(format.toStdString()));
        QCOMPARE(source, golden["jinja"].get<std::string>());
        const tb::jinja::Template tmpl(source, format.toStdString());
        QVERIFY(golden["cases"].size() >= 3);
        for (const auto &c : golden["cases"]) {
            nlohmann::ordered_json vars;
            vars["messages"] = c["messages"];
            vars["add_generation_prompt"] = c["add_generation_prompt"];
            vars["bos_token"] = "<s>";
            vars["eos_token"] = "</s>";
            const std::string text = tmpl.render(jinjatest::variablesFromJson(vars), &jinjatest::goldenNow());
            QCOMPARE(QString::fromStdString(text), QString::fromStdString(c["text"].get<std::string>()));
        }
    }
};

TB_REGISTER_TEST(TestJinjaBuiltinFormats, "builtin_formats");
#include "tst_builtin_formats.moc"
