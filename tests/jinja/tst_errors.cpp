// Every template failure is one tb::Error line: "<source name>:<line>: <reason>", for syntax
// errors, raise_exception, unknown filters and tests, and type errors at run time.
#include "jinja_test_util.h"
#include "test_support.h"

#include "error.h"
#include "jinja_template.h"

#include <QtTest/QtTest>

class TestJinjaErrors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reports_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("expected");
        // syntax
        QTest::newRow("unclosed for") << "a\n{% for x in xs %}\n{{ x }}" << "test.jinja:2: the {% for %} on line 2 is never closed (expected {% endfor %})";
        QTest::newRow("unclosed if") << "{% if x %}" << "test.jinja:1: the {% if %} on line 1 is never closed (expected {% endif %})";
        QTest::newRow("stray endif") << "\n\n{% endif %}" << "test.jinja:3: unexpected {% endif %}";
        QTest::newRow("unknown statement") << "{% include 'x' %}" << "test.jinja:1: unknown statement 'include'";
        QTest::newRow("unclosed expression") << "{{ x " << "test.jinja:1: expected '}}', found the end of the template";
        QTest::newRow("unclosed string") << "\n{{ 'abc }}" << "test.jinja:2: a string literal is never closed";
        QTest::newRow("unclosed comment") << "{# x" << "test.jinja:1: a comment {# is never closed with #}";
        QTest::newRow("bad character") << "{{ a ; b }}" << "test.jinja:1: unexpected character ';'";
        QTest::newRow("missing operand") << "{{ 1 + }}" << "test.jinja:1: unexpected '}}' in an expression";
        QTest::newRow("line after trimmed newlines") << "{% if true %}\n{% if true %}\n{% endif %}\n{{ 1 +* 2 }}"
                                                     << "test.jinja:4: unexpected '*' in an expression";
        // run time
        QTest::newRow("raise_exception") << "line1\n{{ raise_exception('Roles must alternate') }}"
                                         << "test.jinja:2: Roles must alternate";
        QTest::newRow("raise_exception multi-line message") << "{{ raise_exception('a\\nb') }}" << "test.jinja:1: a\\nb";
        QTest::newRow("unknown filter") << "\n\n{{ 'x' | frobnicate }}" << "test.jinja:3: unknown filter 'frobnicate'";
        QTest::newRow("unknown test") << "{% if x is frobnicated %}{% endif %}" << "test.jinja:1: unknown test 'frobnicated'";
        QTest::newRow("unknown test in selectattr") << "{{ [] | selectattr('a', 'nope') | list }}" << "test.jinja:1: unknown test 'nope'";
        QTest::newRow("filter on wrong type") << "{{ 1 | trim }}" << "test.jinja:1: filter 'trim' needs a string, got integer";
        QTest::newRow("call undefined") << "{{ nope() }}" << "test.jinja:1: cannot call 'nope': it is undefined";
        QTest::newRow("call undefined method") << "{{ 'x'.nope() }}" << "test.jinja:1: cannot call '.nope': it is undefined";
        QTest::newRow("add none") << "{{ 'a' + none }}" << "test.jinja:1: cannot apply '+' to string and none";
        QTest::newRow("add undefined") << "{{ 1 + x }}" << "test.jinja:1: cannot apply '+' to integer and undefined";
        QTest::newRow("loop over undefined") << "\n{% for m in messages %}{% endfor %}" << "test.jinja:2: cannot loop over an undefined value";
        QTest::newRow("set attribute of mapping") << "{% set d = {} %}{% set d.x = 1 %}"
                                                  << "test.jinja:1: cannot set attribute 'x' of a mapping (only a namespace() takes assignments)";
        QTest::newRow("division by zero") << "{{ 1 // 0 }}" << "test.jinja:1: division by zero";
        QTest::newRow("runaway recursion") << "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"
                                           << "test.jinja:1: macro 'f' nests deeper than 200 calls";
        QTest::newRow("deep nesting") << QString("{{ ") + QString("(").repeated(500) + "1" + QString(")").repeated(500) + " }}"
                                      << "test.jinja:1: the template nests deeper than 100 levels";
        QTest::newRow("deep not") << QString("{{ ") + QString("not ").repeated(500) + "1 }}"
                                  << "test.jinja:1: the template nests deeper than 100 levels";
        QTest::newRow("deep blocks") << QString("{% if true %}").repeated(300) << "test.jinja:1: the template nests deeper than 100 levels";
        QTest::newRow("huge range") << "{% for i in range(1000000000) %}{% endfor %}"
                                    << "test.jinja:1: range() of 1000000000 numbers is more than a template needs";
        QTest::newRow("huge string") << "{{ 'abcd' * 100000000 }}" << "test.jinja:1: '*' would make a string of more than 64 MiB";
        QTest::newRow("error inside macro names its line") << "{% macro f() %}\n{{ 1 | trim }}\n{% endmacro %}\n{{ f() }}"
                                                           << "test.jinja:2: filter 'trim' needs a string, got integer";
    }

    void reports()
    {
        QFETCH(QString, source);
        QFETCH(QString, expected);
        const std::string error = jinjatest::jinjaErrorOf(source.toStdString());
        QCOMPARE(QString::fromStdString(error), expected);
        QVERIFY(error.find('\n') == std::string::npos);
    }

    void parseErrorsThrowAtConstruction()
    {
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::jinja::Template("{% for %}", "cfg.json"));
        try {
            tb::jinja::Template("{% if %}", "/models/x/tokenizer_config.json");
            QFAIL("no error");
        } catch (const tb::Error &e) {
            QVERIFY2(std::string(e.what()).rfind("/models/x/tokenizer_config.json:1: ", 0) == 0, e.what());
        }
    }
};

TB_REGISTER_TEST(TestJinjaErrors, "errors");
#include "tst_errors.moc"
