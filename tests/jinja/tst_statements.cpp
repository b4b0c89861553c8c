// Statements of the Jinja interpreter: for (loop variables, filters, else, break/continue,
// unpacking), if/elif/else, set (block, tuple, namespace attribute), macro and call, filter
// blocks, comments, whitespace control and transformers' trim_blocks / lstrip_blocks.
#include "jinja_test_util.h"
#include "test_support.h"

#include <QtTest/QtTest>

class TestJinjaStatements : public QObject {
    Q_OBJECT

    void addRow(const char *name, const char *source, const char *vars, const char *expected)
    {
        QTest::newRow(name) << QString(source) << QString(vars) << QString(expected);
    }

private Q_SLOTS:
    void renders_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("vars");
        QTest::addColumn<QString>("expected");
        // for
        addRow("for", "{% for x in xs %}{{ x }},{% endfor %}", R"({"xs": [1, 2, 3]})", "1,2,3,");
        addRow("for loop vars",
               "{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}"
               "{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}",
               R"({"xs": ["a", "b"]})", "1021truefalse2;2110falsetrue2;");
        addRow("for previtem nextitem",
               "{% for x in xs %}{{ loop.previtem | default('-') }}{{ x }}{{ loop.nextitem | default('-') }} {% endfor %}",
               R"({"xs": ["a", "b", "c"]})", "-ab abc bc- ");
        addRow("for if", "{% for x in xs if x is odd %}{{ x }}/{{ loop.length }} {% endfor %}",
               R"({"xs": [1, 2, 3, 4, 5]})", "1/3 3/3 5/3 ");
        addRow("for else", "{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", R"({"xs": []})", "empty");
        addRow("for else not taken", "{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", R"({"xs": [0]})", "0");
        addRow("for break continue",
               "{% for x in range(10) %}{% if x == 1 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}",
               "{}", "023");
        addRow("for unpack items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", R"({"d": {"b": 1, "a": 2}})",
               "b=1;a=2;");
        addRow("for over mapping", "{% for k in d %}{{ k }}{% endfor %}", R"({"d": {"y": 1, "x": 2}})", "yx");
        addRow("for over string", "{% for c in 'abc' %}{{ c }}.{% endfor %}", "{}", "a.b.c.");
        addRow("for reversed", "{% for m in xs[::-1] %}{{ m }}{% endfor %}", R"({"xs": [1, 2, 3]})", "321");
        addRow("nested loops", "{% for a in [1, 2] %}{% for b in [3, 4] %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{{ loop.index }}|{% endfor %}",
               "{}", "113 214 1|123 224 2|");
        addRow("loop.cycle", "{% for x in range(4) %}{{ loop.cycle('a', 'b') }}{% endfor %}", "{}", "abab");
        addRow("set in loop stays in loop", "{% set x = 1 %}{% for i in [5] %}{% set x = i %}{{ x }}{% endfor %}{{ x }}",
               "{}", "51");
        addRow("set in loop lasts one iteration (Jinja2)", "{% set x = 1 %}{% for i in [1, 2, 3] %}{% set x = x + i %}{{ x }},{% endfor %}",
               "{}", "2,3,4,");
        // if
        addRow("if elif else", "{% for x in [1, 2, 3] %}{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %} {% endfor %}",
               "{}", "one two many ");
        addRow("if without else", "{% if false %}no{% endif %}yes", "{}", "yes");
        addRow("if sets outer", "{% if true %}{% set x = 3 %}{% endif %}{{ x }}", "{}", "3");
        // set
        addRow("set", "{% set a = 'x' ~ 1 %}{{ a }}", "{}", "x1");
        addRow("set tuple", "{% set a, b = 1, 2 %}{{ a }}{{ b }}", "{}", "12");
        addRow("set block", "{% set b %}[{{ 1 + 1 }}]{% endset %}{{ b }}{{ b | length }}", "{}", "[2]3");
        addRow("namespace", "{% set ns = namespace(n=0, s='') %}{% for x in [1, 2, 3] %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}",
               "{}", "6");
        addRow("namespace from mapping", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}{{ ns.c is defined }}", "{}",
               "12false");
        // macros and call
        addRow("macro", "{% macro m(a, b='B') %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, 2) }} {{ m(b=3, a=4) }}", "{}",
               "1-B 1-2 4-3");
        addRow("macro sees globals", "{% macro m() %}{{ who }}{% endmacro %}{{ m() }}", R"({"who": "me"})", "me");
        addRow("macro varargs kwargs", "{% macro m(a) %}{{ a }}{{ varargs | length }}{{ kwargs.k }}{% endmacro %}{{ m(1, 2, 3, k='K') }}",
               "{}", "12K");
        addRow("recursive macro", "{% macro f(n) %}{{ n }}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}", "{}",
               "3210");
        addRow("call block", "{% macro box(t) %}<{{ t }}>{{ caller() }}</{{ t }}>{% endmacro %}{% call box('b') %}in{% endcall %}",
               "{}", "<b>in</b>");
        addRow("call block args", "{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}"
               "{% call(item) each([1, 2]) %}({{ item }}){% endcall %}", "{}", "(1)(2)");
        addRow("filter block", "{% filter upper %}abc{{ 'd' }}{% endfilter %}", "{}", "ABCD");
        // comments and whitespace
        addRow("comment", "a{# gone #}b", "{}", "ab");
        addRow("comment strip", "a  {#- gone -#}  b", "{}", "ab");
        addRow("strip markers", "a  {{- 'x' -}}  b {%- if true -%}  c  {%- endif %}", "{}", "axbc");
        addRow("trim_blocks", "{% if true %}\nx\n{% endif %}\ny", "{}", "x\ny");
        addRow("lstrip_blocks", "  {% if true %}x{% endif %}\n  {{ 'y' }}", "{}", "x  y");
        addRow("lstrip_blocks only at line start", "a {% if true %}x{% endif %}", "{}", "a x");
        addRow("trailing newline dropped", "x\n", "{}", "x");
        addRow("only one trailing newline dropped", "x\n\n", "{}", "x\n");
        addRow("generation tag removed", "{% generation %}x{% endgeneration %}", "{}", "x");
        addRow("unicode strip marker", "a\u3000{{- 'x' }}", "{}", "ax");
        addRow("braces in dict literal", "{{ {'a': {'b': 1}} }}", "{}", "{\"a\": {\"b\": 1}}");
    }

    void renders()
    {
        QFETCH(QString, source);
        QFETCH(QString, vars);
        QFETCH(QString, expected);
        const std::string error = jinjatest::jinjaErrorOf(source.toStdString(), vars.toStdString());
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(QString::fromStdString(jinjatest::renderJinjaText(source.toStdString(), vars.toStdString())), expected);
    }
};

TB_REGISTER_TEST(TestJinjaStatements, "statements");
#include "tst_statements.moc"
