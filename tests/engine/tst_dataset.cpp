// ctest-labels: unit
// The dataset layer: format detection, every kind of bad row reported on its exact line,
// skip vs stop, CSV quoting, column mapping, the seeded split and length statistics.
#include "engine_test_util.h"
#include "test_support.h"

#include "csv_reader.h"
#include "dataset.h"
#include "error.h"
#include "tokenizer.h"

#include <QDir>
#include <QFile>
#include <QtTest/QtTest>

#include <set>

Q_DECLARE_METATYPE(tb::DatasetFormat)

namespace {

std::string dataFile(const char *name)
{
    return QDir(tbtest::sourceDir()).absoluteFilePath(QStringLiteral("tests/data/datasets/") + name).toStdString();
}

// "line: substring" for each problem, to compare against a table.
QStringList problemLines(const tb::DatasetReport &report)
{
    QStringList out;
    for (const auto &p : report.problems)
        out << QString::number(p.line) + (p.dropped ? ": " : ": note: ") + QString::fromStdString(p.message);
    return out;
}

std::vector<int64_t> linesOf(const std::vector<tb::Example> &examples)
{
    std::vector<int64_t> lines;
    for (const auto &e : examples)
        lines.push_back(e.sourceLine);
    return lines;
}

// 40 valid one-exchange conversations, one per line.
std::string manyConversations()
{
    QByteArray text;
    for (int i = 0; i < 40; ++i)
        text += QStringLiteral("{\"messages\": [{\"role\": \"user\", \"content\": \"Question %1?\"}, "
                               "{\"role\": \"assistant\", \"content\": \"Answer %1.\"}]}\n")
                    .arg(i)
                    .toUtf8();
    return tbtest::writeTemp("many.jsonl", text);
}

} // namespace

class TestDataset : public QObject {
    Q_OBJECT

    std::shared_ptr<tb::Tokenizer> m_tok;

    bool loadTokenizer()
    {
        const QString path = tbtest::sharedFile("models/llama2-tokenizer.model");
        if (path.isEmpty())
            return false;
        if (!m_tok)
            m_tok = tb::Tokenizer::fromFile(path.toStdString());
        return true;
    }

private Q_SLOTS:
    void detectFormat_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<tb::DatasetFormat>("expected");
        QTest::newRow("openai chat jsonl") << "chat_errors.jsonl" << tb::DatasetFormat::ChatJsonl;
        QTest::newRow("sharegpt") << "sharegpt.jsonl" << tb::DatasetFormat::ShareGpt;
        QTest::newRow("alpaca array") << "alpaca.json" << tb::DatasetFormat::Alpaca;
        QTest::newRow("plain text") << "pretrain.txt" << tb::DatasetFormat::PlainText;
        QTest::newRow("csv") << "classify.csv" << tb::DatasetFormat::Classification;
        QTest::newRow("tsv") << "classify.tsv" << tb::DatasetFormat::Classification;
        QTest::newRow("classification jsonl") << "classify.jsonl" << tb::DatasetFormat::Classification;
    }

    void detectFormat()
    {
        QFETCH(QString, file);
        QFETCH(tb::DatasetFormat, expected);
        QCOMPARE(tb::detectDatasetFormat(dataFile(qPrintable(file))), expected);
    }

    void detectByContentWithoutExtension()
    {
        // The first line is broken JSON; the second decides. Unknown extension, JSON content.
        const std::string path = tbtest::writeTemp("noext.data", "{\"conversations\": [\n"
                                                         "{\"conversations\": [{\"from\": \"human\", \"value\": \"a\"}, "
                                                         "{\"from\": \"gpt\", \"value\": \"b\"}]}\n");
        QCOMPARE(tb::detectDatasetFormat(path), tb::DatasetFormat::ShareGpt);
        const std::string text = tbtest::writeTemp("notes.data", "Just some prose.\n");
        QCOMPARE(tb::detectDatasetFormat(text), tb::DatasetFormat::PlainText);
        const std::string unknown = tbtest::writeTemp("unknown.jsonl", "{\"foo\": 1}\n");
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::detectDatasetFormat(unknown));
    }

    void formatOverride()
    {
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        tb::DatasetOptions options;
        options.format = tb::DatasetFormat::ChatJsonl; // wrong on purpose: Alpaca rows have no "messages"
        options.validationRatio = 0;
        tb::Dataset data = tb::loadDataset(dataFile("alpaca.json"), *m_tok, options);
        QCOMPARE(data.report.detected, tb::DatasetFormat::ChatJsonl);
        QCOMPARE(data.report.rowsUsed, int64_t(0));
        QCOMPARE(data.report.rowsRead, int64_t(5));
        // Row 3's bad JSON still wins over the missing field.
        QCOMPARE(problemLines(data.report).at(0), QStringLiteral("2: missing field \"messages\""));

        // A .jsonl forced to plain text is read as prose.
        options.format = tb::DatasetFormat::PlainText;
        data = tb::loadDataset(dataFile("sharegpt.jsonl"), *m_tok, options);
        QCOMPARE(data.report.detected, tb::DatasetFormat::PlainText);
        QCOMPARE(data.report.rowsRead, int64_t(1)); // no blank line: one paragraph
        QVERIFY(data.report.problems.empty());
    }

    void problems_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("context");
        QTest::addColumn<bool>("skipOverlong");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("rowsRead");
        QTest::addColumn<int>("rowsUsed");
        QTest::newRow("chat, truncate")
            << "chat_errors.jsonl" << 64 << false
            << QStringList{
                   "2: bad JSON: syntax error while parsing array - unexpected end of input; expected ']'",
                   "4: missing field \"messages\"",
                   "5: message 1 (user) has empty content",
                   "6: message 2 has unknown role \"tool\"; expected system, user or assistant",
                   "7: the conversation ends with a \"user\" message; expected it to end with the assistant's reply",
                   "8: note: 158 tokens, longer than the context of 64; truncated to 64: cut its first 94 tokens",
               }
            << 8 << 3;
        QTest::newRow("chat, skip overlong")
            << "chat_errors.jsonl" << 64 << true
            << QStringList{
                   "2: bad JSON: syntax error while parsing array - unexpected end of input; expected ']'",
                   "4: missing field \"messages\"",
                   "5: message 1 (user) has empty content",
                   "6: message 2 has unknown role \"tool\"; expected system, user or assistant",
                   "7: the conversation ends with a \"user\" message; expected it to end with the assistant's reply",
                   "8: 158 tokens, longer than the context of 64; skipped",
               }
            << 8 << 2;
        QTest::newRow("sharegpt")
            << "sharegpt.jsonl" << 512 << false
            << QStringList{
                   "2: message 2 has unknown \"from\" \"bot\"; expected system, human or gpt",
                   "3: the conversation ends with a \"user\" message; expected it to end with the assistant's reply",
               }
            << 4 << 2;
        // Multi-line array elements: each problem names the line of its element, and a JSON
        // error the line it is on (the "}" after the trailing comma on line 14).
        QTest::newRow("alpaca array")
            << "alpaca.json" << 512 << false
            << QStringList{
                   "7: missing field \"output\"",
                   "15: bad JSON: syntax error while parsing object key - unexpected '}'; expected string literal",
                   "16: field \"output\" is empty",
               }
            << 5 << 2;
        QTest::newRow("csv")
            << "classify.csv" << 512 << false
            << QStringList{
                   "7: expected 2 fields as in the header, found 3",
                   "8: field \"text\" is empty",
                   "9: the quoted field opened on line 9 is never closed; expected a closing '\"' before the end of the file",
               }
            << 7 << 4;
        QTest::newRow("classification jsonl")
            << "classify.jsonl" << 512 << false
            << QStringList{"3: missing field \"label\"", "4: field \"text\" is empty"} << 5 << 3;
        QTest::newRow("text, bad utf-8")
            << "bad_utf8.txt" << 512 << false << QStringList{"2: not valid UTF-8; the line is left out"} << 3 << 2;
    }

    void problems()
    {
        QFETCH(QString, file);
        QFETCH(int, context);
        QFETCH(bool, skipOverlong);
        QFETCH(QStringList, expected);
        QFETCH(int, rowsRead);
        QFETCH(int, rowsUsed);
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        tb::DatasetOptions options;
        options.contextLength = context;
        options.overlong = skipOverlong ? tb::OverlongPolicy::Skip : tb::OverlongPolicy::Truncate;
        options.validationRatio = 0;
        const tb::Dataset data = tb::loadDataset(dataFile(qPrintable(file)), *m_tok, options);
        const tb::DatasetReport &r = data.report;
        QCOMPARE(problemLines(r), expected);
        for (const auto &p : r.problems)
            QCOMPARE(QString::fromStdString(p.file), QString::fromStdString(dataFile(qPrintable(file))));
        QCOMPARE(r.rowsRead, int64_t(rowsRead));
        QCOMPARE(r.rowsUsed, int64_t(rowsUsed));
        // Nothing is lost without a word: every row read is used or counted as skipped.
        QCOMPARE(r.rowsRead, r.rowsUsed + r.skippedInvalid + r.skippedOverlong);
        int64_t dropped = 0, notes = 0;
        for (const auto &p : r.problems)
            (p.dropped ? dropped : notes) += 1;
        QCOMPARE(dropped, r.skippedInvalid + r.skippedOverlong);
        QCOMPARE(notes, r.truncated);
        for (const auto &e : data.train)
            QVERIFY(int64_t(e.ids.size()) <= context);
    }

    void stopAtFirst_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("chat") << "chat_errors.jsonl" << ":2: bad JSON";
        QTest::newRow("alpaca") << "alpaca.json" << ":7: missing field \"output\"";
        QTest::newRow("csv") << "classify.csv" << ":7: expected 2 fields";
        QTest::newRow("sharegpt") << "sharegpt.jsonl" << ":2: message 2 has unknown \"from\" \"bot\"";
    }

    void stopAtFirst()
    {
        QFETCH(QString, file);
        QFETCH(QString, prefix);
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        tb::DatasetOptions options;
        options.onError = tb::ErrorPolicy::StopAtFirst;
        options.validationRatio = 0;
        const std::string path = dataFile(qPrintable(file));
        try {
            tb::loadDataset(path, *m_tok, options);
            QFAIL("expected tb::Error");
        } catch (const tb::Error &e) {
            QCOMPARE(QString::fromUtf8(e.what()).left(int(path.size()) + prefix.size()),
                     QString::fromStdString(path) + prefix);
            QVERIFY(!QString::fromUtf8(e.what()).contains('\n'));
        }
    }

    void stopOnOverlongOnlyWhenSkipping()
    {
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        // Only the overlong row is bad here: truncating costs nothing, skipping is an error.
        const std::string path = tbtest::writeTemp("long.jsonl",
                                           "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, "
                                           "{\"role\": \"assistant\", \"content\": \"ok\"}]}\n"
                                           "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, "
                                           "{\"role\": \"assistant\", \"content\": \"one two three four five six seven "
                                           "eight nine ten eleven twelve\"}]}\n");
        tb::DatasetOptions options;
        options.onError = tb::ErrorPolicy::StopAtFirst;
        options.contextLength = 16;
        options.validationRatio = 0;
        const tb::Dataset data = tb::loadDataset(path, *m_tok, options);
        QCOMPARE(data.report.truncated, int64_t(1));
        QCOMPARE(data.train.size(), size_t(2));
        options.overlong = tb::OverlongPolicy::Skip;
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::loadDataset(path, *m_tok, options));
    }

    void csvQuoting_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<char>("delimiter");
        QTest::addColumn<QStringList>("expected"); // "line|field|field…" or "line!error"
        QTest::newRow("quoted comma, doubled quote, newline")
            << QByteArray("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,row\n") << ','
            << QStringList{"1|a|b", "2|x, y|say \"hi\"", "3|two\nlines|z", "5|last|row"};
        QTest::newRow("crlf and blank lines")
            << QByteArray("a,b\r\n\r\n1,2\r\n\"q\r\nr\",3\r\n") << ','
            << QStringList{"1|a|b", "3|1|2", "4|q\r\nr|3"};
        QTest::newRow("empty fields, no final newline") << QByteArray(",\n\"\",x") << ','
                                                        << QStringList{"1||", "2||x"};
        QTest::newRow("quote inside an unquoted field is text") << QByteArray("ab\"c,d\n") << ','
                                                                << QStringList{"1|ab\"c|d"};
        QTest::newRow("text after a closing quote")
            << QByteArray("\"ab\"c,d\nok,1\n") << ','
            << QStringList{"1!expected a delimiter or the end of the line after a closing quote, found 'c'", "2|ok|1"};
        QTest::newRow("tsv") << QByteArray("a\tb\n\"t\tab\"\tc,d\n\"x\",y\n") << '\t'
                             << QStringList{"1|a|b", "2|t\tab|c,d",
                                            "3!expected a delimiter or the end of the line after a closing quote, found ','"};
        QTest::newRow("unterminated") << QByteArray("a\n\"open\n\nstill open\n") << ','
                                      << QStringList{"1|a", "2!the quoted field opened on line 2 is never closed; "
                                                            "expected a closing '\"' before the end of the file"};
    }

    void csvQuoting()
    {
        QFETCH(QByteArray, text);
        QFETCH(char, delimiter);
        QFETCH(QStringList, expected);
        const std::string content = text.toStdString();
        tb::CsvReader reader(content, delimiter);
        tb::CsvRecord record;
        QStringList got;
        while (reader.next(record)) {
            QString s = QString::number(record.line);
            if (!record.error.empty()) {
                s += "!" + QString::fromStdString(record.error);
            } else {
                for (const auto &f : record.fields)
                    s += "|" + QString::fromStdString(f);
            }
            got << s;
        }
        QCOMPARE(got, expected);
    }

    void csvExamplesAndLabels()
    {
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        tb::DatasetOptions options;
        options.validationRatio = 0;
        const tb::Dataset data = tb::loadDataset(dataFile("classify.csv"), *m_tok, options);
        QCOMPARE(data.labelNames, (std::vector<std::string>{"greeting", "multi", "plain", "quote"}));
        QCOMPARE(linesOf(data.train), (std::vector<int64_t>{2, 3, 4, 6}));
        const std::vector<int64_t> labels{0, 3, 1, 2};
        const char *texts[] = {"Hello, world", "She said \"hi\" twice", "first line\nsecond line", "plain text"};
        for (size_t i = 0; i < 4; ++i) {
            const tb::Example &e = data.train[i];
            QCOMPARE(e.label, labels[i]);
            std::vector<int64_t> expected{m_tok->bosId()};
            const auto body = m_tok->encodePlain(texts[i]);
            expected.insert(expected.end(), body.begin(), body.end());
            expected.push_back(m_tok->eosId());
            QCOMPARE(e.ids, expected);
        }
    }

    void columnMapping()
    {
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        tb::DatasetOptions options;
        options.validationRatio = 0;
        try {
            tb::loadDataset(dataFile("classify.tsv"), *m_tok, options);
            QFAIL("expected tb::Error for the missing \"text\" column");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).endsWith(":1: expected a column named \"text\" (map another with "
                                                "--text-column/--label-column), found \"sentence\", \"category\", \"id\""),
                     e.what());
        }
        options.textColumn = "sentence";
        options.labelColumn = "category";
        const tb::Dataset data = tb::loadDataset(dataFile("classify.tsv"), *m_tok, options);
        QCOMPARE(data.report.detected, tb::DatasetFormat::Classification);
        QCOMPARE(data.labelNames, (std::vector<std::string>{"animal", "finance", "quoted"}));
        QCOMPARE(data.train.size(), size_t(3));
        QCOMPARE(data.train[1].label, int64_t(2));
        std::vector<int64_t> expected{m_tok->bosId()};
        const auto body = m_tok->encodePlain("a tab\tinside");
        expected.insert(expected.end(), body.begin(), body.end());
        expected.push_back(m_tok->eosId());
        QCOMPARE(data.train[1].ids, expected);

        // Numeric labels sort as numbers, and JSON numbers are labels too.
        const std::string numeric = tbtest::writeTemp("numeric.jsonl", "{\"t\": \"a\", \"y\": 10}\n{\"t\": \"b\", \"y\": 2}\n"
                                                               "{\"t\": \"c\", \"y\": \"1\"}\n");
        options.textColumn = "t";
        options.labelColumn = "y";
        const tb::Dataset n = tb::loadDataset(numeric, *m_tok, options);
        QCOMPARE(n.labelNames, (std::vector<std::string>{"1", "2", "10"}));
        QCOMPARE(n.train[0].label, int64_t(2));
    }

    void splitIsDeterministic()
    {
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        const std::string path = manyConversations();
        tb::DatasetOptions options;
        options.validationRatio = 0.1;
        options.seed = 1;
        const tb::Dataset a = tb::loadDataset(path, *m_tok, options);
        const tb::Dataset b = tb::loadDataset(path, *m_tok, options);
        options.seed = 2;
        const tb::Dataset c = tb::loadDataset(path, *m_tok, options);
        QCOMPARE(a.validation.size(), size_t(4));
        QCOMPARE(a.train.size(), size_t(36));
        QCOMPARE(linesOf(a.validation), linesOf(b.validation));
        QCOMPARE(linesOf(a.train), linesOf(b.train));
        QVERIFY(linesOf(a.validation) != linesOf(c.validation));
        std::set<int64_t> all;
        for (const auto *set : {&a.train, &a.validation})
            for (const auto &e : *set)
                QVERIFY(all.insert(e.sourceLine).second); // disjoint
        QCOMPARE(all.size(), size_t(40));
        // The validation share is spread over the file, not its tail.
        QVERIFY(linesOf(a.validation) != (std::vector<int64_t>{37, 38, 39, 40}));
    }

    void separateValidationFile()
    {
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        tb::DatasetOptions options;
        options.validationFile = dataFile("chat_errors.jsonl");
        options.contextLength = 64;
        const tb::Dataset data = tb::loadDataset(manyConversations(), *m_tok, options);
        QCOMPARE(data.train.size(), size_t(40));
        QCOMPARE(linesOf(data.validation), (std::vector<int64_t>{1, 8, 9}));
        QCOMPARE(data.validation[0].file, options.validationFile);
        QCOMPARE(data.report.problems.size(), size_t(6));
        QCOMPARE(data.report.problems[0].file, options.validationFile);
        QCOMPARE(data.report.problems[0].line, int64_t(2));
        QCOMPARE(data.report.rowsRead, int64_t(48));
    }

    void lengthStatistics_data()
    {
        QTest::addColumn<QList<qint64>>("lengths");
        QTest::addColumn<qint64>("min");
        QTest::addColumn<qint64>("max");
        QTest::addColumn<double>("mean");
        QTest::addColumn<double>("median");
        QTest::addColumn<qint64>("p95");
        QTest::newRow("ten") << QList<qint64>{5, 1, 3, 2, 4, 100, 6, 7, 8, 9} << qint64(1) << qint64(100) << 14.5
                             << 5.5 << qint64(100);
        QTest::newRow("odd") << QList<qint64>{3, 1, 2} << qint64(1) << qint64(3) << 2.0 << 2.0 << qint64(3);
        QList<qint64> twenty;
        for (int i = 1; i <= 20; ++i)
            twenty << i;
        QTest::newRow("twenty") << twenty << qint64(1) << qint64(20) << 10.5 << 10.5 << qint64(19);
    }

    void lengthStatistics()
    {
        QFETCH(QList<qint64>, lengths);
        QFETCH(qint64, min);
        QFETCH(qint64, max);
        QFETCH(double, mean);
        QFETCH(double, median);
        QFETCH(qint64, p95);
        const std::vector<int64_t> v(lengths.begin(), lengths.end());
        const tb::LengthStats s = tb::lengthStats(v);
        QCOMPARE(s.count, int64_t(v.size()));
        QCOMPARE(s.min, int64_t(min));
        QCOMPARE(s.max, int64_t(max));
        QCOMPARE(s.mean, mean);
        QCOMPARE(s.median, median);
        QCOMPARE(s.p95, int64_t(p95));
        QCOMPARE(s.lengths, v); // in example order, for a histogram
    }

    void reportLengthsMatchExamples()
    {
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        tb::DatasetOptions options;
        options.validationRatio = 0;
        const tb::Dataset data = tb::loadDataset(dataFile("sharegpt.jsonl"), *m_tok, options);
        // Plain template: BOS "Be kind.\n\nUser: Hi\nAssistant:" " Hello!" EOS, hand-counted
        // from the pieces below, and the same for the second conversation.
        const auto tokens = [&](const char *s) { return int64_t(m_tok->encodePlain(s).size()); };
        const int64_t first = 1 + tokens("Be kind.\n\nUser: Hi\nAssistant: Hello!") + 1;
        const int64_t second = 1 + tokens("User: Name a colour.\nAssistant: Blue.") + 1;
        QCOMPARE(data.report.trainLengths.lengths, (std::vector<int64_t>{first, second}));
        QCOMPARE(data.report.trainLengths.mean, double(first + second) / 2);
        QCOMPARE(data.report.trainLengths.max, std::max(first, second));
    }

    void plainTextWindows()
    {
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        tb::DatasetOptions options;
        options.validationRatio = 0;
        options.contextLength = 1000;
        tb::Dataset data = tb::loadDataset(dataFile("pretrain.txt"), *m_tok, options);
        QCOMPARE(data.report.rowsRead, int64_t(3));
        QCOMPARE(data.train.size(), size_t(1));
        std::vector<int64_t> expected;
        for (const char *p : {"The first paragraph has two lines\nof plain text about rivers.",
                              "The second paragraph talks about mountains.",
                              "The third paragraph, after several blank lines, is about the sea."}) {
            expected.push_back(m_tok->bosId());
            const auto ids = m_tok->encodePlain(p);
            expected.insert(expected.end(), ids.begin(), ids.end());
            expected.push_back(m_tok->eosId());
        }
        QCOMPARE(data.train[0].ids, expected);

        // Small windows cut the same stream, each sharing its first token with the previous
        // window's last (so every token is a target once); each names its first token's line.
        options.contextLength = 8;
        data = tb::loadDataset(dataFile("pretrain.txt"), *m_tok, options);
        std::vector<int64_t> joined;
        std::set<int64_t> lines;
        for (const auto &e : data.train) {
            QVERIFY(e.ids.size() <= 8);
            if (!joined.empty()) {
                QCOMPARE(e.ids.front(), joined.back());
                joined.pop_back();
            }
            joined.insert(joined.end(), e.ids.begin(), e.ids.end());
            lines.insert(e.sourceLine);
        }
        QCOMPARE(data.train.size(), size_t((expected.size() - 1 + 6) / 7)); // 41 tokens, 40 targets, 7 per window
        QCOMPARE(joined, expected);
        QCOMPARE(data.train.front().sourceLine, int64_t(1));
        QCOMPARE(data.train.back().sourceLine, int64_t(8));
        QCOMPARE(lines, (std::set<int64_t>{1, 2, 4, 8})); // line 2 continues paragraph one

        // Stream: one document, one BOS and one EOS.
        options.textSplit = tb::TextSplit::Stream;
        options.contextLength = 1000;
        data = tb::loadDataset(dataFile("pretrain.txt"), *m_tok, options);
        QCOMPARE(data.report.rowsRead, int64_t(1));
        const auto &ids = data.train[0].ids;
        QCOMPARE(int(std::count(ids.begin(), ids.end(), m_tok->bosId())), 1);
        QCOMPARE(int(std::count(ids.begin(), ids.end(), m_tok->eosId())), 1);
    }

    void templateTheTokenizerCannotRender()
    {
        if (!loadTokenizer())
            QSKIP("missing shared file: models/llama2-tokenizer.model");
        auto tok = tb::Tokenizer::fromFile(tbtest::sharedFile("models/llama2-tokenizer.model").toStdString());
        tb::DatasetOptions options;
        options.chatTemplate = tb::ChatTemplateKind::ChatML; // no <|im_start|> in Llama 2's vocabulary
        try {
            tb::loadDataset(dataFile("sharegpt.jsonl"), *tok, options);
            QFAIL("expected tb::Error");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("<|im_start|>"), e.what());
        }
    }
};

TB_REGISTER_TEST(TestDataset, "dataset");
#include "tst_dataset.moc"
