// Filters, one row per filter (and per option of tojson, whose output the models' tool prompts
// carry verbatim: key order, separators, escapes and indent as @huggingface/jinja writes them).
#include "jinja_test_util.h"
#include "test_support.h"

#include <QtTest/QtTest>

class TestJinjaFilters : public QObject {
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
        const char *tool = "{\"t\": {\"name\": \"f\", \"z\": [1, 2.5, true, null], \"a\": {\"q\": \"\u00e9\\\"\\\\\\n\\u0001\"}, \"e\": {}, \"l\": []}}";
        addRow("tojson", "{{ t | tojson }}", tool,
               "{\"name\": \"f\", \"z\": [1, 2.5, true, null], \"a\": {\"q\": \"\u00e9\\\"\\\\\\n\\u0001\"}, \"e\": {}, \"l\": []}");
        addRow("tojson indent", "{{ t | tojson(indent=2) }}", tool,
               "{\n  \"name\": \"f\",\n  \"z\": [\n    1,\n    2.5,\n    true,\n    null\n  ],\n  \"a\": {\n    \"q\": \"é\\\"\\\\\\n\\u0001\"\n  },\n"
               "  \"e\": {},\n  \"l\": []\n}");
        addRow("tojson separators", "{{ t.z | tojson(separators=(',', ':')) }}", tool, "[1,2.5,true,null]");
        addRow("tojson sort_keys", "{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}", "{}", R"({"a": 2, "b": 1})");
        addRow("tojson ensure_ascii", "{{ 'é😀' | tojson(ensure_ascii=true) }}", "{}", R"("\u00e9\ud83d\ude00")");
        addRow("tojson float", "{{ f | tojson }} {{ f[2] }} {{ f[0] }}", R"({"f": [1.0, 0.1, 1e21, 1.5e-7, -2.5]})",
               "[1, 0.1, 1e+21, 1.5e-7, -2.5] 1e+21 1.0");
        addRow("trim", "[{{ '  a b \n' | trim }}][{{ 'xax' | trim('x') }}]", "{}", "[a b][a]");
        addRow("length count", "{{ 'héllo' | length }} {{ [1, 2] | length }} {{ {'a': 1} | length }} {{ [1] | count }}", "{}", "5 2 1 1");
        addRow("upper lower", "{{ 'aB' | upper }} {{ 'aB' | lower }}", "{}", "AB ab");
        addRow("title capitalize", "{{ 'a big_word' | title }} {{ 'word' | capitalize }}", "{}", "A Big_word Word");
        addRow("replace", "{{ 'a.b.c' | replace('.', '/') }} {{ 'aaa' | replace('a', '', 2) }}", "{}", "a/b/c a");
        addRow("default", "{{ x | default('d') }} {{ '' | default('d') }} {{ '' | default('d', true) }} {{ 0 | d('d', boolean=true) }} {{ n | default('d') }}",
               R"({"n": null})", "d  d d ");
        addRow("join", "{{ ['a', 'b'] | join }} {{ ['a', 'b'] | join(', ') }} {{ [1, 2] | join('-') }} {{ xs | join(',', attribute='n') }}",
               R"({"xs": [{"n": 1}, {"n": 2}]})", "ab a, b 1-2 1,2");
        addRow("first last", "{{ [1, 2, 3] | first }} {{ [1, 2, 3] | last }} {{ 'abc' | first }} {{ [] | first is defined }}", "{}",
               "1 3 a false");
        addRow("list", "{{ 'ab' | list }} {{ {'k': 1} | list }} {{ (1, 2) | list }}", "{}", R"(["a", "b"] ["k"] [1, 2])");
        addRow("map", "{{ ms | map(attribute='role') | join(',') }} {{ ms | map(attribute='x', default='-') | list }} {{ ['a', 'b'] | map('upper') | join }}",
               R"({"ms": [{"role": "user"}, {"role": "assistant"}]})", R"(user,assistant ["-", "-"] AB)");
        addRow("map nested attribute", "{{ ms | map(attribute='f.name') | join }}", R"({"ms": [{"f": {"name": "a"}}, {"f": {"name": "b"}}]})",
               "ab");
        addRow("select reject", "{{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 2, 3, 4] | reject('odd') | list }} {{ [0, 1, '', 'a'] | select | list }}",
               "{}", R"([1, 3] [2, 4] [1, "a"])");
        addRow("selectattr rejectattr",
               "{{ ms | selectattr('role', 'equalto', 'user') | map(attribute='c') | join }} {{ ms | rejectattr('role', 'equalto', 'user') | map(attribute='c') | join }} "
               "{{ ms | selectattr('flag') | map(attribute='c') | join }} {{ ms | rejectattr('flag') | map(attribute='c') | join }}",
               R"({"ms": [{"role": "user", "c": "1", "flag": true}, {"role": "assistant", "c": "2", "flag": false}, {"role": "user", "c": "3"}]})",
               "13 2 1 23");
        addRow("items dictsort", "{{ d | items | list }} {{ d | dictsort }} {{ d | dictsort(by='value', reverse=true) }}",
               R"({"d": {"b": 1, "a": 2}})", R"([["b", 1], ["a", 2]] [["a", 2], ["b", 1]] [["a", 2], ["b", 1]])");
        addRow("string", "{{ 1 | string }} {{ [1] | string }} {{ true | string }} {{ 1.0 | string }}", "{}", "1 [1] true 1.0");
        addRow("int float", "{{ '42' | int }} {{ ' 7x' | int }} {{ 'x' | int }} {{ 'x' | int(5) }} {{ 3.9 | int }} {{ true | int }} {{ '2.5' | float }} {{ 2 | float }}",
               "{}", "42 7 0 5 3 1 2.5 2.0");
        addRow("abs bool", "{{ -3 | abs }} {{ -2.5 | abs }} {{ 0 | bool }} {{ 'x' | bool }}", "{}", "3 2.5 false true");
        addRow("reverse sort unique", "{{ [1, 3, 2] | reverse | list }} {{ 'abc' | reverse }} {{ [3, 1, 2] | sort }} {{ ['b', 'A', 'c'] | sort(reverse=true) }} "
               "{{ ms | sort(attribute='n') | map(attribute='n') | join }} {{ [1, 1, 2] | unique | list }}",
               R"({"ms": [{"n": 2}, {"n": 1}]})", R"([2, 3, 1] cba [1, 2, 3] ["c", "b", "A"] 12 [1, 2])");
        addRow("indent", "{{ 'a\nb\n\nc' | indent(2) }}|{{ 'a\nb' | indent(2, true) }}", "{}", "a\n  b\n\n  c|  a\n  b");
        addRow("safe", "{{ '<b>' | safe }}", "{}", "<b>");
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

TB_REGISTER_TEST(TestJinjaFilters, "filters");
#include "tst_filters.moc"
