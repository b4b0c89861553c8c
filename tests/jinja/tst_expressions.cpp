// Expressions: literals, operators and their precedence, membership, tests (`is`), slicing,
// attribute and item access, the methods of strings and mappings, and the globals.
#include "jinja_test_util.h"
#include "test_support.h"

#include <QtTest/QtTest>

class TestJinjaExpressions : public QObject {
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
        // literals and printing
        addRow("literals", "{{ 1 }} {{ -2 }} {{ 1.5 }} {{ 2.0 }} {{ 'a' \"b\" }} {{ true }} {{ none }}|{{ [1, 'x'] }} {{ {'k': none} }}",
               "{}", "1 -2 1.5 2.0 ab true |[1, \"x\"] {\"k\": null}");
        addRow("string escapes", R"({{ 'a\nb\t\'\\' }}|{{ "\u00e9\x41" }})", "{}", "a\nb\t'\\|\u00e9A");
        addRow("undefined prints nothing", "[{{ nothing }}][{{ nothing.deeper }}]", "{}", "[][]");
        // arithmetic
        addRow("arithmetic", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ 7 / 2 }} {{ 2 ** 3 }} {{ 1.5 + 1 }}",
               "{}", "7 9 3 -4 1 3.5 8 2.5");
        addRow("concatenation", "{{ 'a' ~ 1 ~ none_var ~ 'b' }} {{ 'a' + 'b' }} {{ [1] + [2] }} {{ 'ab' * 2 }}", "{}",
               "a1b ab [1, 2] abab");
        addRow("comparison", "{{ 1 < 2 }} {{ 2 <= 1 }} {{ 'a' == 'a' }} {{ 1 == 1.0 }} {{ 1 != 2 }} {{ none == undefined_x }} {{ none == none }} {{ [1, {'a': 2}] == [1, {'a': 2}] }}",
               "{}", "true false true true true false true true");
        addRow("logic returns operands", "{{ 0 or 'x' }} {{ 'a' and 'b' }} {{ '' and 'b' }}| {{ not 0 }} {{ not not 1 }}", "{}",
               "x b | true true");
        addRow("precedence of filters", "{{ 'a' + ' b ' | trim + 'c' }} {{ xs | length - 1 }} {{ -1 | abs }}", R"({"xs": [1, 2]})",
               "abc 1 1");
        addRow("ternary", "{{ 'y' if x else 'n' }} {{ 'y' if not x else 'n' }} [{{ 'only' if false }}]", R"({"x": 1})", "y n []");
        addRow("chained ternary", "{{ 'a' if x == 1 else 'b' if x == 2 else 'c' }}", R"({"x": 2})", "b");
        // membership
        addRow("in", "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in d }} {{ 'z' not in d }} {{ 1 in undefined_x }}",
               R"({"d": {"k": 1}})", "true true true true false");
        // access
        addRow("attribute and item", "{{ m.role }} {{ m['role'] }} {{ xs[0] }} {{ xs[-1] }} {{ xs.1 }} {{ m.missing is defined }} {{ xs[9] is defined }}",
               R"({"m": {"role": "user"}, "xs": [10, 20]})", "user user 10 20 20 false false");
        addRow("slices", "{{ xs[1:] }} {{ xs[:-1] }} {{ xs[::-1] }} {{ xs[::2] }} {{ 'hello'[1:3] }} {{ 'héllo'[::-1] }} {{ xs[5:] }}",
               R"({"xs": [1, 2, 3]})", "[2, 3] [1, 2] [3, 2, 1] [1, 3] el olléh []");
        addRow("string index by character", "{{ 'é東x'[1] }}{{ 'é東x' | length }}", "{}", "東3");
        // tests
        addRow("tests",
               "{{ x is defined }} {{ y is undefined }} {{ n is none }} {{ s is string }} {{ 1 is number }} {{ 1.5 is number }} "
               "{{ d is mapping }} {{ xs is iterable }} {{ s is iterable }} {{ xs is sequence }} {{ t is true }} {{ f is false }} "
               "{{ 1 is true }} {{ 3 is odd }} {{ 3 is even }} {{ 1 is integer }} {{ 1.0 is float }} {{ 6 is divisibleby 3 }} "
               "{{ 'a' is in 'cat' }} {{ 2 is equalto 2 }} {{ 'ab' is lower }} {{ 'AB' is upper }} {{ n is not none }}",
               R"({"x": 0, "n": null, "s": "s", "d": {}, "xs": [], "t": true, "f": false})",
               "true true true true true true true true true true true true false true false true true true true true true true false");
        // string methods
        addRow("strip family", "[{{ '  a  '.strip() }}][{{ '  a  '.lstrip() }}][{{ '  a  '.rstrip() }}][{{ 'xxaxx'.strip('x') }}]"
               "[{{ '\\n\\na\\n'.lstrip('\\n') }}][{{ ' \\na'.lstrip('\\n') }}]",
               "{}", "[a][a  ][  a][a][a\n][ \na]");
        addRow("split", "{{ 'a b  c'.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a,b,c'.split(',', 1) }} {{ x.split('</think>')[-1] }}",
               R"({"x": "r</think>answer"})", R"(["a", "b", "c"] ["a", "b", "", "c"] ["a", "b,c"] answer)");
        addRow("affixes", "{{ 'hello'.startswith('he') }} {{ 'hello'.endswith('lo') }} {{ 'hello'.startswith(('x', 'h')) }} {{ 'hi'.endswith('hello') }}",
               "{}", "true true true false");
        addRow("case", "{{ 'aBc'.upper() }} {{ 'aBc'.lower() }} {{ 'hello big world'.title() }} {{ 'abc'.capitalize() }}", "{}",
               "ABC abc Hello Big World Abc");
        addRow("replace find join", "{{ 'aaa'.replace('a', 'b') }} {{ 'aaa'.replace('a', 'b', 1) }} {{ 'abc'.find('c') }} {{ '-'.join(['a', 'b']) }}",
               "{}", "bbb baa 2 a-b");
        // mapping methods
        addRow("mapping methods", "{{ d.get('a') }} {{ d.get('z', 'dflt') }} {{ d.get('z') is none }} {{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list }}",
               R"({"d": {"a": 1, "b": 2}})", R"(1 dflt true ["a", "b"] [1, 2] [["a", 1], ["b", 2]])");
        addRow("key named like a method", "{{ d.items }}", R"({"d": {"items": "mine"}})", "mine");
        // globals
        addRow("range", "{{ range(3) }} {{ range(1, 4) }} {{ range(5, 0, -2) }}", "{}", "[0, 1, 2] [1, 2, 3] [5, 3, 1]");
        addRow("dict", "{{ dict(a=1, b='x') | tojson }}", "{}", R"({"a": 1, "b": "x"})");
        addRow("strftime_now", "{{ strftime_now('%Y-%m-%d %H:%M:%S %b %B %a %A %y %j %I%p %%') }}", "{}",
               "2026-07-26 10:30:00 Jul July Sun Sunday 26 207 10AM %");
        addRow("variables keep json types", "{{ i + 1 }} {{ f * 2 }} {{ b }} {{ n is none }} {{ s }}",
               R"({"i": 41, "f": 1.25, "b": false, "n": null, "s": "é"})", "42 2.5 false true é");
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

TB_REGISTER_TEST(TestJinjaExpressions, "expressions");
#include "tst_expressions.moc"
