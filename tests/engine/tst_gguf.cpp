// GGUF import/export. The q/k layout is checked against the llama2.c fixture (Meta's order,
// which llama.cpp uses too) byte for byte; round trips are checked against the float32
// reference logits; Q8_0/BF16 dequantisation against values computed by hand; damaged files
// must end in one-line errors naming the file.
#include "engine_test_util.h"
#include "test_support.h"

#include "error.h"
#include "gguf_file.h"
#include "gguf_names.h"
#include "gguf_model.h"
#include "imported_model.h"
#include "model_loader.h"
#include "tokenizer.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <cstring>
#include <fstream>
#include <random>

namespace {

std::string readBytes(const std::string &path, uint64_t offset, uint64_t bytes)
{
    std::ifstream in(path, std::ios::binary);
    in.seekg(std::streamoff(offset));
    std::string out(bytes, '\0');
    in.read(out.data(), std::streamsize(bytes));
    return in.gcount() == std::streamsize(bytes) ? out : std::string();
}

std::vector<int64_t> greedyCached(tb::LlamaModel &model, const std::vector<int64_t> &prompt, int count)
{
    torch::NoGradGuard noGrad;
    tb::KvCache cache = model->makeCache(1, int64_t(prompt.size()) + count);
    tb::ForwardOptions options;
    options.cache = &cache;
    std::vector<int64_t> out;
    torch::Tensor logits = model->forward(tbtest::idsTensor(prompt), options); // (1, T, V)
    for (int i = 0; i < count; ++i) {
        out.push_back(logits[0][-1].argmax().item<int64_t>());
        logits = model->forward(tbtest::idsTensor({out.back()}), options);
    }
    return out;
}

struct Reference {
    torch::Tensor input;  // (2, 16)
    torch::Tensor logits; // (2, 16, 512)
    std::vector<int64_t> prompt, greedy;
    int newTokens = 0;
};

Reference readReference(const QString &path)
{
    const nlohmann::json j = tbtest::readJsonFile(path.toStdString());
    Reference r;
    const auto ids = j["input_ids"].get<std::vector<std::vector<int64_t>>>();
    r.input = torch::empty({int64_t(ids.size()), int64_t(ids[0].size())}, torch::kLong);
    for (size_t b = 0; b < ids.size(); ++b)
        r.input[int64_t(b)] = torch::tensor(ids[b], torch::kLong);
    const auto ref = j["logits"].get<std::vector<std::vector<std::vector<float>>>>();
    r.logits = torch::empty({int64_t(ref.size()), int64_t(ref[0].size()), int64_t(ref[0][0].size())});
    for (size_t b = 0; b < ref.size(); ++b)
        for (size_t t = 0; t < ref[b].size(); ++t)
            r.logits[int64_t(b)][int64_t(t)] = torch::tensor(ref[b][t]);
    r.prompt = j["greedy"]["prompt_ids"].get<std::vector<int64_t>>();
    r.greedy = j["greedy"]["expected_ids"].get<std::vector<int64_t>>();
    r.newTokens = j["greedy"]["new_tokens"].get<int>();
    return r;
}

// Little-endian helpers for files built byte by byte.
template <typename T> void put(std::string &out, T v)
{
    out.append(reinterpret_cast<const char *>(&v), sizeof v);
}
void putStr(std::string &out, const std::string &s)
{
    put<uint64_t>(out, s.size());
    out += s;
}

// A GGUF header with no metadata and one tensor info, padded to 32, then `dataBytes` zeros.
std::string oneTensorFile(uint32_t version, uint32_t type, const std::vector<int64_t> &ne, uint64_t offset,
                          uint64_t dataBytes)
{
    std::string f = "GGUF";
    put<uint32_t>(f, version);
    put<uint64_t>(f, 1); // tensors
    put<uint64_t>(f, 0); // kv
    putStr(f, "token_embd.weight");
    put<uint32_t>(f, uint32_t(ne.size()));
    for (int64_t d : ne)
        put<int64_t>(f, d);
    put<uint32_t>(f, type);
    put<uint64_t>(f, offset);
    f.resize((f.size() + 31) / 32 * 32, '\0');
    f.append(dataBytes, '\0');
    return f;
}

float halfBitsToFloat(uint16_t bits)
{
    // Only the exact powers of two the test uses: sign, exponent, zero mantissa.
    const float sign = (bits & 0x8000) ? -1.0f : 1.0f;
    const int exponent = int((bits >> 10) & 0x1f) - 15;
    return sign * std::ldexp(1.0f, exponent);
}

// A tiny Llama (hidden 32, one layer, 2 heads of 16, vocab 4) whose embedding and q weight
// are Q8_0 and whose final norm is BF16, everything else F32, built with the raw writer.
struct TinyQuantised {
    std::vector<float> embd; // (4, 32) expected values, row-major
    std::vector<float> q;    // (32, 32) expected values in the file's (Meta) row order
    std::vector<float> norm; // (32)
};

std::string q8Rows(int rows, int seed, std::vector<float> &expected)
{
    static const uint16_t scales[] = {0x3800 /* 0.5 */, 0xB400 /* -0.25 */, 0x4000 /* 2 */, 0x3000 /* 0.125 */};
    std::string bytes;
    for (int r = 0; r < rows; ++r) {
        const uint16_t bits = scales[(r + seed) % 4];
        put<uint16_t>(bytes, bits);
        for (int j = 0; j < 32; ++j) {
            const int8_t q = int8_t((r * 37 + j * 11 + seed) % 256 - 128); // spans -128..127
            put<int8_t>(bytes, q);
            expected.push_back(halfBitsToFloat(bits) * float(q));
        }
    }
    return bytes;
}

std::string f32Bytes(size_t n, float value)
{
    std::vector<float> v(n, value);
    return std::string(reinterpret_cast<const char *>(v.data()), n * 4);
}

TinyQuantised writeTinyQuantised(const std::string &path, const std::string &arch = "llama",
                                 const std::string &tokenizerModel = "", uint64_t alignment = 32)
{
    TinyQuantised t;
    tb::GgufWriter w(path, alignment);
    w.setString("general.architecture", arch);
    w.setUint32("llama.context_length", 16);
    w.setUint32("llama.embedding_length", 32);
    w.setUint32("llama.block_count", 1);
    w.setUint32("llama.feed_forward_length", 64);
    w.setUint32("llama.attention.head_count", 2);
    w.setUint32("llama.attention.head_count_kv", 2);
    w.setFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    if (!tokenizerModel.empty()) {
        w.setString("tokenizer.ggml.model", tokenizerModel);
        w.setStringArray("tokenizer.ggml.tokens", {"a", "b", "c", "d"});
    }
    const std::string embd = q8Rows(4, 0, t.embd);
    const std::string q = q8Rows(32, 1, t.q);
    w.addTensor("token_embd.weight", {32, 4}, tb::GgmlType::Q8_0, [embd] { return embd; });
    w.addTensor("blk.0.attn_q.weight", {32, 32}, tb::GgmlType::Q8_0, [q] { return q; });
    for (const char *name : {"blk.0.attn_k.weight", "blk.0.attn_v.weight", "blk.0.attn_output.weight"})
        w.addTensor(name, {32, 32}, tb::GgmlType::F32, [] { return f32Bytes(32 * 32, 0.01f); });
    w.addTensor("blk.0.ffn_gate.weight", {32, 64}, tb::GgmlType::F32, [] { return f32Bytes(32 * 64, 0.02f); });
    w.addTensor("blk.0.ffn_up.weight", {32, 64}, tb::GgmlType::F32, [] { return f32Bytes(32 * 64, 0.03f); });
    w.addTensor("blk.0.ffn_down.weight", {64, 32}, tb::GgmlType::F32, [] { return f32Bytes(64 * 32, 0.04f); });
    w.addTensor("blk.0.attn_norm.weight", {32}, tb::GgmlType::F32, [] { return f32Bytes(32, 1.0f); });
    w.addTensor("blk.0.ffn_norm.weight", {32}, tb::GgmlType::F32, [] { return f32Bytes(32, 1.0f); });
    // BF16 is the top half of a float32: 1.5 = 0x3FC0, -2.0 = 0xC000, 0.15625 = 0x3E20.
    std::string norm;
    const uint16_t bf[] = {0x3FC0, 0xC000, 0x3E20};
    const float bfValues[] = {1.5f, -2.0f, 0.15625f};
    for (int i = 0; i < 32; ++i) {
        put<uint16_t>(norm, bf[i % 3]);
        t.norm.push_back(bfValues[i % 3]);
    }
    w.addTensor("output_norm.weight", {32}, tb::GgmlType::BF16, [norm] { return norm; });
    w.finish(); // no output.weight: tied embeddings
    return t;
}

void expectError(const std::function<void()> &action, const std::string &file, const std::string &needle)
{
    try {
        action();
    } catch (const tb::Error &e) {
        const std::string msg = e.what();
        QVERIFY2(msg.rfind(file, 0) == 0, ("does not start with the file name: " + msg).c_str());
        QVERIFY2(msg.find(needle) != std::string::npos, ("expected '" + needle + "' in: " + msg).c_str());
        QVERIFY2(msg.find('\n') == std::string::npos, msg.c_str());
        return;
    }
    QFAIL(("no tb::Error for " + file).c_str());
}

} // namespace

class TestGguf : public QObject {
    Q_OBJECT

private:
    QString m_dir;

    std::string exportFixture(const QString &hfDir, const std::string &dtype)
    {
        tb::LoadedModel hf = tb::loadModel(hfDir.toStdString());
        const std::string out = (m_dir + "/tiny-" + QString::fromStdString(dtype) + ".gguf").toStdString();
        tb::exportGguf(hf.model, nullptr, out, dtype);
        return out;
    }

private Q_SLOTS:
    void initTestCase() { m_dir = tbtest::tempDir(); }

    void nameMapping()
    {
        QCOMPARE(tb::hfToGgufName("model.layers.11.self_attn.q_proj.weight"), std::string("blk.11.attn_q.weight"));
        QCOMPARE(tb::hfToGgufName("model.layers.0.mlp.down_proj.weight"), std::string("blk.0.ffn_down.weight"));
        QCOMPARE(tb::hfToGgufName("model.layers.3.post_attention_layernorm.weight"), std::string("blk.3.ffn_norm.weight"));
        QCOMPARE(tb::hfToGgufName("model.embed_tokens.weight"), std::string("token_embd.weight"));
        QCOMPARE(tb::hfToGgufName("lm_head.weight"), std::string("output.weight"));
        QCOMPARE(tb::ggufToHfName("blk.7.attn_output.weight"), std::string("model.layers.7.self_attn.o_proj.weight"));
        QCOMPARE(tb::ggufToHfName("output_norm.weight"), std::string("model.norm.weight"));
        QCOMPARE(tb::ggufToHfName("blk.x.attn_q.weight"), std::string());
        QCOMPARE(tb::ggufToHfName("rope_freqs.weight"), std::string());
    }

    // The independent layout check of fixtures/README.md: an F32 export of the HF fixture
    // holds q and k exactly as the llama2.c file (Meta order) does; v is not permuted.
    void f32ExportMatchesLlama2cLayout()
    {
        TB_REQUIRE_SHARED(hfDir, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(l2c, "fixtures/tiny-llama-f32.llama2c.bin");
        const std::string out = exportFixture(hfDir, "F32");
        tb::GgufFile gguf(out);
        QCOMPARE(gguf.version(), uint32_t(3));
        QCOMPARE(gguf.getString("general.architecture"), std::string("llama"));
        QCOMPARE(gguf.getInt("general.file_type"), int64_t(0));
        QCOMPARE(gguf.getInt("llama.embedding_length"), int64_t(64));
        QCOMPARE(gguf.getInt("llama.feed_forward_length"), int64_t(172));
        QCOMPARE(gguf.getInt("llama.block_count"), int64_t(2));
        QCOMPARE(gguf.getInt("llama.attention.head_count"), int64_t(4));
        QCOMPARE(gguf.getInt("llama.attention.head_count_kv"), int64_t(2));
        QCOMPARE(gguf.getInt("llama.context_length"), int64_t(128));
        QCOMPARE(gguf.getInt("llama.rope.dimension_count"), int64_t(16));
        QCOMPARE(gguf.find("llama.attention.layer_norm_rms_epsilon")->type, tb::GgufType::Float32);
        QCOMPARE(float(gguf.getDouble("llama.attention.layer_norm_rms_epsilon")), 1e-5f);
        QCOMPARE(gguf.getDouble("llama.rope.freq_base"), 10000.0);
        QCOMPARE(gguf.tensors().size(), size_t(1 + 2 * 9 + 1 + 1));
        QCOMPARE(gguf.dataOffset() % 32, uint64_t(0));
        for (const tb::GgufTensorInfo &t : gguf.tensors()) {
            QCOMPARE(t.type, tb::GgmlType::F32);
            QCOMPARE(t.offset % 32, uint64_t(0));
        }
        QCOMPARE(gguf.tensor("token_embd.weight")->ne, (std::vector<int64_t>{64, 512})); // ne[0] fastest
        QCOMPARE(gguf.tensor("blk.0.attn_k.weight")->ne, (std::vector<int64_t>{64, 32}));

        // llama2.c v0: header, token_embedding (V*C), rms_att (L*C), wq (L*C*C), wk (L*kv*C), wv.
        const uint64_t V = 512, C = 64, L = 2, KV = 32;
        const uint64_t wq = 28 + 4 * (V * C + L * C);
        const uint64_t wk = wq + 4 * L * C * C;
        const uint64_t wv = wk + 4 * L * KV * C;
        const std::string l2cPath = l2c.toStdString();
        for (uint64_t layer = 0; layer < L; ++layer) {
            const std::string n = "blk." + std::to_string(layer) + ".";
            const std::string q = gguf.readRaw(*gguf.tensor(n + "attn_q.weight"));
            const std::string k = gguf.readRaw(*gguf.tensor(n + "attn_k.weight"));
            const std::string v = gguf.readRaw(*gguf.tensor(n + "attn_v.weight"));
            QCOMPARE(q.size(), size_t(4 * C * C));
            QVERIFY2(q == readBytes(l2cPath, wq + layer * 4 * C * C, 4 * C * C), n.c_str());
            QVERIFY2(k == readBytes(l2cPath, wk + layer * 4 * KV * C, 4 * KV * C), n.c_str());
            QVERIFY2(v == readBytes(l2cPath, wv + layer * 4 * KV * C, 4 * KV * C), n.c_str());
        }
        const std::string embd = gguf.readRaw(*gguf.tensor("token_embd.weight"));
        QVERIFY(embd == readBytes(l2cPath, 28, 4 * V * C));
    }

    void f32RoundTripReproducesReference()
    {
        TB_REQUIRE_SHARED(hfDir, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(expectedPath, "fixtures/tiny-llama-f32.expected.json");
        const Reference ref = readReference(expectedPath);
        const std::string out = exportFixture(hfDir, "F32");
        tb::LoadedModel loaded = tb::loadModel(out);
        QCOMPARE(loaded.format, std::string("gguf"));
        QCOMPARE(loaded.storedDtype, std::string("F32"));
        QVERIFY(!loaded.model->config().tieWordEmbeddings);
        QCOMPARE(loaded.model->config().rmsNormEps, 1e-5);
        torch::NoGradGuard noGrad;
        const double maxDiff = (loaded.model->forward(ref.input) - ref.logits).abs().max().item<double>();
        qInfo("GGUF F32 round trip: max |logit diff| = %.3g (tolerance 1e-4)", maxDiff);
        QVERIFY2(maxDiff <= 1e-4, qPrintable(QString::number(maxDiff)));
        QCOMPARE(greedyCached(loaded.model, ref.prompt, ref.newTokens), ref.greedy);
    }

    // F16 halves every matrix (relative error ~2^-11); norms stay F32. Stated tolerance:
    // logits within 1e-2 of the float32 reference and the same argmax at >= 90% of positions.
    void f16RoundTripWithinTolerance()
    {
        TB_REQUIRE_SHARED(hfDir, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(expectedPath, "fixtures/tiny-llama-f32.expected.json");
        const Reference ref = readReference(expectedPath);
        const std::string out = exportFixture(hfDir, "F16");
        {
            tb::GgufFile gguf(out);
            QCOMPARE(gguf.getInt("general.file_type"), int64_t(1));
            for (const tb::GgufTensorInfo &t : gguf.tensors())
                QCOMPARE(t.type, t.ne.size() == 1 ? tb::GgmlType::F32 : tb::GgmlType::F16);
        }
        tb::LoadedModel loaded = tb::loadModel(out);
        QCOMPARE(loaded.storedDtype, std::string("F16"));
        torch::NoGradGuard noGrad;
        const torch::Tensor got = loaded.model->forward(ref.input);
        const double maxDiff = (got - ref.logits).abs().max().item<double>();
        const double agree = (got.argmax(-1) == ref.logits.argmax(-1)).to(torch::kFloat).mean().item<double>();
        qInfo("GGUF F16 round trip: max |logit diff| = %.3g (tolerance 1e-2), argmax agreement %.3f", maxDiff, agree);
        QVERIFY2(maxDiff <= 1e-2, qPrintable(QString::number(maxDiff)));
        QVERIFY(agree >= 0.9);
        QVERIFY(maxDiff > 0.0); // it really went through half precision
    }

    void q8AndBf16Dequantisation()
    {
        const std::string path = (m_dir + "/quantised.gguf").toStdString();
        const TinyQuantised t = writeTinyQuantised(path);
        const tb::ImportedModel imported = tb::importGguf(path);
        QVERIFY(imported.config.tieWordEmbeddings);
        QCOMPARE(imported.config.vocabSize, int64_t(4));
        QCOMPARE(imported.tensors.at("model.embed_tokens.weight").dtype, std::string("Q8_0"));
        QCOMPARE(imported.tensors.at("model.norm.weight").dtype, std::string("BF16"));

        torch::Tensor embd = torch::zeros({4, 32});
        imported.tensors.at("model.embed_tokens.weight").readInto(embd);
        for (int i = 0; i < 4 * 32; ++i)
            QCOMPARE(embd.view({-1})[i].item<float>(), t.embd[size_t(i)]);
        // Spot checks of the hand arithmetic itself: row 0 scale 0.5, q = 11j - 128.
        QCOMPARE(embd[0][0].item<float>(), -64.0f);
        QCOMPARE(embd[1][0].item<float>(), -0.25f * float(37 - 128));

        // q: Q8_0 and permuted back from Meta order. HF row h*16 + i is Meta row h*16 + 2i and
        // HF row h*16 + 8 + i is Meta row h*16 + 2i + 1 (2 heads of 16).
        torch::Tensor q = torch::zeros({32, 32});
        imported.tensors.at("model.layers.0.self_attn.q_proj.weight").readInto(q);
        for (int h = 0; h < 2; ++h)
            for (int i = 0; i < 16; ++i) {
                const int meta = h * 16 + (i < 8 ? 2 * i : 2 * (i - 8) + 1);
                for (int c = 0; c < 32; ++c)
                    QCOMPARE(q[h * 16 + i][c].item<float>(), t.q[size_t(meta * 32 + c)]);
            }

        torch::Tensor norm = torch::zeros({32});
        imported.tensors.at("model.norm.weight").readInto(norm);
        for (int i = 0; i < 32; ++i)
            QCOMPARE(norm[i].item<float>(), t.norm[size_t(i)]);

        // The whole file loads through the common loader too (tied head, no tokenizer).
        tb::LoadedModel loaded = tb::loadModel(path);
        QVERIFY(torch::equal(loaded.model->model->embed_tokens->weight, embd));
        QCOMPARE(loaded.storedDtype, std::string("F32")); // by bytes: the F32 layers outweigh the Q8_0 ones
    }

    // general.alignment other than 32 moves every offset; the reader must honour it.
    void customAlignment()
    {
        const std::string path = (m_dir + "/aligned64.gguf").toStdString();
        const TinyQuantised t = writeTinyQuantised(path, "llama", "", 64);
        tb::GgufFile gguf(path);
        QCOMPARE(gguf.alignment(), uint64_t(64));
        QCOMPARE(gguf.dataOffset() % 64, uint64_t(0));
        bool someOffsetOnlyAlignedTo64 = false;
        for (const tb::GgufTensorInfo &info : gguf.tensors()) {
            QCOMPARE((info.offset - gguf.dataOffset()) % 64, uint64_t(0));
            someOffsetOnlyAlignedTo64 |= (info.offset - gguf.dataOffset()) % 128 != 0;
        }
        QVERIFY(someOffsetOnlyAlignedTo64 || gguf.tensors().size() < 2);
        const tb::ImportedModel imported = tb::importGguf(path);
        torch::Tensor norm = torch::zeros({32});
        imported.tensors.at("model.norm.weight").readInto(norm);
        QCOMPARE(norm[1].item<float>(), t.norm[1]);
        QCOMPARE(norm[2].item<float>(), t.norm[2]);
    }

    // Version 2 has the same layout as 3 (v3 only added big-endian files); both load.
    void version2IsAccepted()
    {
        TB_REQUIRE_SHARED(hfDir, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(expectedPath, "fixtures/tiny-llama-f32.expected.json");
        const std::string out = exportFixture(hfDir, "F32");
        std::string all = readBytes(out, 0, uint64_t(QFileInfo(QString::fromStdString(out)).size()));
        const uint32_t two = 2;
        std::memcpy(all.data() + 4, &two, 4);
        const std::string v2 = m_dir.toStdString() + "/v2.gguf";
        tbtest::writeBytes(v2, all);
        tb::LoadedModel loaded = tb::loadModel(v2);
        const Reference ref = readReference(expectedPath);
        torch::NoGradGuard noGrad;
        QVERIFY((loaded.model->forward(ref.input) - ref.logits).abs().max().item<double>() <= 1e-4);
    }

    void damagedFilesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("needle");
        auto bytes = [](const std::string &s) { return QByteArray(s.data(), int(s.size())); };
        QTest::newRow("wrong magic") << bytes("GGML" + std::string(60, '\0')) << "not a GGUF file (magic 'GGML'";
        QTest::newRow("empty") << QByteArray() << "expected 'GGUF'";
        QTest::newRow("version 1") << bytes(oneTensorFile(1, 0, {4, 4}, 0, 64)) << "unsupported GGUF version 1";
        QTest::newRow("truncated header") << bytes(oneTensorFile(3, 0, {4, 4}, 0, 64).substr(0, 40))
                                          << "truncated GGUF file";
        QTest::newRow("data past the end") << bytes(oneTensorFile(3, 0, {4, 4}, 0, 63)) << "lies past the end";
        QTest::newRow("offset past the end") << bytes(oneTensorFile(3, 0, {4, 4}, uint64_t(1) << 40, 64))
                                             << "lies past the end";
        QTest::newRow("unaligned offset") << bytes(oneTensorFile(3, 0, {4, 4}, 4, 128)) << "not a multiple";
        QTest::newRow("IQ4_XS tensor") << bytes(oneTensorFile(3, 23, {256, 4}, 0, 4096)) << "tensor type IQ4_XS";
        QTest::newRow("unknown tensor type") << bytes(oneTensorFile(3, 99, {4, 4}, 0, 64)) << "type 99";
        QTest::newRow("huge dimension") << bytes(oneTensorFile(3, 0, {4, int64_t(1) << 40}, 0, 64)) << "impossible";
        QTest::newRow("five dimensions") << bytes(oneTensorFile(3, 0, {1, 1, 1, 1, 1}, 0, 64)) << "5 dimensions";
        {
            std::string f = "GGUF";
            put<uint32_t>(f, 3);
            put<uint64_t>(f, 0);
            put<uint64_t>(f, uint64_t(1) << 60); // kv count
            QTest::newRow("huge kv count") << bytes(f) << "metadata entries";
        }
        {
            std::string f = "GGUF";
            put<uint32_t>(f, 3);
            put<uint64_t>(f, 0);
            put<uint64_t>(f, 1);
            putStr(f, "tokenizer.ggml.tokens");
            put<uint32_t>(f, 9);                    // array
            put<uint32_t>(f, 8);                    // of strings
            put<uint64_t>(f, uint64_t(1) << 50);    // elements
            f.append(64, '\0');
            QTest::newRow("huge array") << bytes(f) << "array elements";
        }
        {
            std::string f = "GGUF";
            put<uint32_t>(f, 3);
            put<uint64_t>(f, 0);
            put<uint64_t>(f, 1);
            putStr(f, "general.name");
            put<uint32_t>(f, 8);
            put<uint64_t>(f, ~uint64_t(0)); // string length
            QTest::newRow("huge string") << bytes(f) << "truncated GGUF file";
        }
    }

    void damagedFilesAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, needle);
        const std::string path = (m_dir + "/damaged.gguf").toStdString();
        tbtest::writeBytes(path, bytes.toStdString());
        expectError([&] { tb::importGguf(path); }, path, needle.toStdString());
        expectError([&] { tb::loadModel(path); }, path, needle.toStdString()); // detected by content or suffix
    }

    void truncatedExportIsRefused()
    {
        TB_REQUIRE_SHARED(hfDir, "fixtures/tiny-llama-f32");
        const std::string out = exportFixture(hfDir, "F32");
        const std::string all = readBytes(out, 0, uint64_t(QFileInfo(QString::fromStdString(out)).size()));
        const std::string cut = m_dir.toStdString() + "/cut.gguf";
        tbtest::writeBytes(cut, all.substr(0, all.size() - 100));
        expectError([&] { tb::importGguf(cut); }, cut, "lies past the end");
        tbtest::writeBytes(cut, all.substr(0, 200));
        expectError([&] { tb::importGguf(cut); }, cut, "truncated GGUF file");
    }

    // Random byte corruption anywhere in the header, metadata or tensor directory: every
    // import either succeeds or throws tb::Error; never a crash, bad_alloc or other exception.
    void corruptedHeadersNeverCrash()
    {
        TB_REQUIRE_SHARED(hfDir, "fixtures/tiny-llama-f32");
        const std::string out = exportFixture(hfDir, "F32");
        const std::string all = readBytes(out, 0, uint64_t(QFileInfo(QString::fromStdString(out)).size()));
        const uint64_t headerEnd = tb::GgufFile(out).dataOffset();
        const std::string bad = m_dir.toStdString() + "/fuzz.gguf";
        std::mt19937_64 rng(12345);
        int refused = 0;
        for (int round = 0; round < 400; ++round) {
            std::string bytes = all;
            const int flips = 1 + int(rng() % 4);
            for (int i = 0; i < flips; ++i) {
                const size_t at = 4 + size_t(rng() % (headerEnd - 4)); // keep the magic
                bytes[at] = char(round % 3 == 0 ? 0xff : rng() & 0xff);
            }
            tbtest::writeBytes(bad, bytes);
            try {
                tb::importGguf(bad);
                tb::loadModel(bad); // whatever parses must also load (or be refused) sanely
            } catch (const tb::Error &e) {
                ++refused;
                QVERIFY2(std::string(e.what()).find('\n') == std::string::npos, e.what());
            } catch (const std::exception &e) {
                QFAIL(qPrintable(QStringLiteral("round %1: not a tb::Error: %2").arg(round).arg(e.what())));
            }
        }
        qInfo("%d of 400 corrupted headers refused with tb::Error, the rest still parsed", refused);
        QVERIFY(refused > 100);
    }

    // Metadata that disagrees with the tensors is caught at import, before a model of the
    // claimed size is allocated.
    void metadataTensorMismatchIsRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<uint>("value");
        QTest::addColumn<QString>("needle");
        QTest::newRow("block_count") << "llama.block_count" << 3u << "tensor 'blk.2.attn_norm.weight' is missing";
        QTest::newRow("head_count_kv") << "llama.attention.head_count_kv" << 1u
                                       << "tensor 'blk.0.attn_k.weight' has ne [64, 32]; the llama.* metadata "
                                          "implies [64, 16]";
        QTest::newRow("embedding_length") << "llama.embedding_length" << 128u << "rope.dimension_count is 16";
        QTest::newRow("feed_forward_length") << "llama.feed_forward_length" << 4000000000u
                                             << "tensor 'blk.0.ffn_gate.weight' has ne [64, 172]";
    }

    void metadataTensorMismatchIsRefused()
    {
        QFETCH(QString, key);
        QFETCH(uint, value);
        QFETCH(QString, needle);
        TB_REQUIRE_SHARED(hfDir, "fixtures/tiny-llama-f32");
        const std::string out = exportFixture(hfDir, "F32");
        std::string all = readBytes(out, 0, uint64_t(QFileInfo(QString::fromStdString(out)).size()));
        const size_t at = all.find(key.toStdString());
        QVERIFY(at != std::string::npos);
        const size_t valueAt = at + size_t(key.size()) + 4; // key, then uint32 type, then value
        uint32_t type = 0;
        std::memcpy(&type, all.data() + at + key.size(), 4);
        QCOMPARE(type, uint32_t(tb::GgufType::Uint32));
        const uint32_t v = value;
        std::memcpy(all.data() + valueAt, &v, 4);
        const std::string bad = m_dir.toStdString() + "/mismatch.gguf";
        tbtest::writeBytes(bad, all);
        expectError([&] { tb::importGguf(bad); }, bad, needle.toStdString());
    }

    void nonLlamaArchitectureIsRefused()
    {
        const std::string path = (m_dir + "/qwen.gguf").toStdString();
        writeTinyQuantised(path, "qwen2");
        expectError([&] { tb::importGguf(path); }, path, "architecture 'qwen2' is not supported; expected 'llama'");
    }

    void bpeTokenizerIsRefused()
    {
        const std::string path = (m_dir + "/bpe.gguf").toStdString();
        writeTinyQuantised(path, "llama", "gpt2");
        const tb::ImportedModel imported = tb::importGguf(path); // weights alone are readable
        QVERIFY(!imported.tokenizer);
        expectError([&] { tb::loadModel(path); }, path, "only SentencePiece (llama) vocabularies are supported");
    }

    // The tokenizer travels inside the GGUF: pieces, scores, types, specials, chat template.
    void tokenizerRoundTrip()
    {
        TB_REQUIRE_SHARED(spm, "models/llama2-tokenizer.model");
        auto tokenizer = tb::Tokenizer::fromFile(spm.toStdString());
        tokenizer->setChatTemplateSource("{% for m in messages %}[{{ m.role }}] {{ m.content }}{% endfor %}");
        tb::ModelConfig c;
        c.vocabSize = tokenizer->vocabSize();
        c.hiddenSize = 16;
        c.intermediateSize = 32;
        c.numLayers = 1;
        c.numHeads = 2;
        c.numKvHeads = 1;
        tb::LlamaModel model(c);
        model->initWeights(7);
        const std::string path = (m_dir + "/with-tokenizer.gguf").toStdString();
        tb::exportGguf(model, tokenizer.get(), path, "F32");

        tb::GgufFile gguf(path);
        QCOMPARE(gguf.getString("tokenizer.ggml.model"), std::string("llama"));
        QCOMPARE(gguf.find("tokenizer.ggml.add_bos_token")->u, uint64_t(1));
        QCOMPARE(gguf.find("tokenizer.ggml.add_eos_token")->u, uint64_t(0));
        QCOMPARE(gguf.getInt("tokenizer.ggml.bos_token_id"), tokenizer->bosId());

        tb::LoadedModel loaded = tb::loadModel(path);
        QVERIFY(loaded.tokenizer);
        const auto a = tokenizer->vocab();
        const auto b = loaded.tokenizer->vocab();
        QCOMPARE(b.size(), a.size());
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].piece, a[i].piece);
            QCOMPARE(b[i].score, a[i].score);
            QCOMPARE(int(b[i].type), int(a[i].type));
        }
        QCOMPARE(loaded.tokenizer->bosId(), tokenizer->bosId());
        QCOMPARE(loaded.tokenizer->eosId(), tokenizer->eosId());
        QCOMPARE(loaded.tokenizer->chatTemplateSource(), tokenizer->chatTemplateSource());
        const std::string text = "Hello world! Ünïcödé 日本語 \t tabs\nand 12345";
        QCOMPARE(loaded.tokenizer->encode(text, true), tokenizer->encode(text, true));
        QVERIFY(torch::equal(loaded.model->model->embed_tokens->weight, model->model->embed_tokens->weight));
        QVERIFY(torch::equal(loaded.model->model->layers[0]->as<tb::DecoderLayerImpl>()->self_attn->q_proj->weight,
                             model->model->layers[0]->as<tb::DecoderLayerImpl>()->self_attn->q_proj->weight));
    }
};

TB_REGISTER_TEST(TestGguf, "gguf");

#include "tst_gguf.moc"
