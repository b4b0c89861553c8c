// Quantised GGUF in: llama.cpp's own Q4_0, Q8_0, Q4_K_M, Q5_K_M and Q6_K files
// (../shared/fixtures/kquant) must dequantise to llama.cpp's reference values bit for bit,
// load, and decode greedily to the exact ids; the formats the fixtures lack (Q4_1, Q5_0,
// Q5_1, Q2_K, Q3_K) are checked on blocks built by hand; damaged quantised tensors end in
// one-line errors naming the file and the tensor; `info`'s memory report is checked against
// the loaded model. The quantisers must write llama-quantize's own bytes from the fixtures'
// float source, and round-trip random rows within measured error bounds.
#include "engine_test_util.h"
#include "test_support.h"

#include "error.h"
#include "generator.h"
#include "gguf_file.h"
#include "gguf_model.h"
#include "gguf_names.h"
#include "gguf_quant.h"
#include "model_loader.h"
#include "rotary_permute.h"
#include "safetensors.h"

#include <nlohmann/json.hpp>

#include <QFileInfo>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <random>

namespace {

const char *const kQuantFixtureTypes[] = {"Q4_0", "Q8_0", "Q4_K_M", "Q5_K_M", "Q6_K"};

uint32_t quantTestBits(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

template <typename T> void quantTestPut(std::string &out, T v)
{
    out.append(reinterpret_cast<const char *>(&v), sizeof v);
}

// A GGUF header with no metadata and one tensor, padded to 32, then `dataBytes` zeros.
std::string quantTestOneTensorFile(uint32_t type, const std::vector<int64_t> &ne, uint64_t dataBytes)
{
    std::string f = "GGUF";
    quantTestPut<uint32_t>(f, 3);
    quantTestPut<uint64_t>(f, 1); // tensors
    quantTestPut<uint64_t>(f, 0); // kv
    const std::string name = "blk.0.ffn_up.weight";
    quantTestPut<uint64_t>(f, name.size());
    f += name;
    quantTestPut<uint32_t>(f, uint32_t(ne.size()));
    for (int64_t d : ne)
        quantTestPut<int64_t>(f, d);
    quantTestPut<uint32_t>(f, type);
    quantTestPut<uint64_t>(f, 0); // offset
    f.resize((f.size() + 31) / 32 * 32, '\0');
    f.append(dataBytes, '\0');
    return f;
}

// f16 bits of a power of two 2^e (e in -14..15).
uint16_t quantTestHalfPow2(int e)
{
    return uint16_t((e + 15) << 10);
}

std::vector<float> quantTestDequantize(tb::GgmlType type, const std::string &bytes, int64_t n)
{
    std::vector<float> out(size_t(n), -12345.0f);
    tb::dequantizeRow(type, bytes.data(), n, out.data());
    return out;
}

std::string quantTestQuantize(tb::GgmlType type, const float *x, int64_t n)
{
    std::string out(size_t(tb::ggmlRowBytes(uint32_t(type), n)), '\0');
    tb::quantizeRow(type, x, n, out.data());
    return out;
}

// sqrt(sum (y - x)^2 / sum x^2), in double.
double quantTestRelRmse(const float *x, const float *y, int64_t n)
{
    double err = 0, ref = 0;
    for (int64_t i = 0; i < n; ++i) {
        err += (double(y[i]) - double(x[i])) * (double(y[i]) - double(x[i]));
        ref += double(x[i]) * double(x[i]);
    }
    return std::sqrt(err / ref);
}

} // namespace

class TestGgufQuant : public QObject {
    Q_OBJECT

private:
    QString m_dir;

    static QString fixture(const QString &name) { return QStringLiteral("fixtures/kquant/") + name; }

private Q_SLOTS:
    void initTestCase() { m_dir = tbtest::tempDir(); }

    void blockLayouts()
    {
        // ggml-common.h's static_asserts, restated: bytes per block of each type.
        const std::pair<tb::GgmlType, std::pair<int64_t, uint64_t>> expected[] = {
            {tb::GgmlType::Q4_0, {32, 18}},  {tb::GgmlType::Q4_1, {32, 20}},  {tb::GgmlType::Q5_0, {32, 22}},
            {tb::GgmlType::Q5_1, {32, 24}},  {tb::GgmlType::Q8_0, {32, 34}},  {tb::GgmlType::Q2_K, {256, 84}},
            {tb::GgmlType::Q3_K, {256, 110}}, {tb::GgmlType::Q4_K, {256, 144}}, {tb::GgmlType::Q5_K, {256, 176}},
            {tb::GgmlType::Q6_K, {256, 210}},
        };
        for (const auto &[type, layout] : expected) {
            const tb::GgmlBlockLayout l = tb::ggmlBlockLayout(uint32_t(type));
            QCOMPARE(l.blockSize, layout.first);
            QCOMPARE(l.blockBytes, layout.second);
            QVERIFY(tb::ggmlIsQuantized(type));
            QCOMPARE(tb::ggmlRowBytes(uint32_t(type), layout.first * 3), layout.second * 3);
            QCOMPARE(tb::ggmlRowBytes(uint32_t(type), layout.first + 1), uint64_t(0));
        }
        QVERIFY(!tb::ggmlBlockLayout(16).known()); // IQ2_XXS
        QVERIFY(!tb::ggmlBlockLayout(9).known());  // Q8_1: an activation format, never stored
        QVERIFY(!tb::ggmlIsQuantized(tb::GgmlType::F16));
        const QString err = tbtest::errorOf([] {
            float out[32];
            char in[64] = {};
            tb::dequantizeRow(tb::GgmlType(20), in, 32, out);
        });
        QVERIFY2(err.contains("IQ4_NL"), qPrintable(err));
    }

    // Every tensor of every fixture file against llama.cpp's reference dequantisation,
    // compared as raw float bits.
    void dequantisesBitExact_data()
    {
        QTest::addColumn<QString>("type");
        for (const char *t : kQuantFixtureTypes)
            QTest::newRow(t) << QString(t);
    }

    void dequantisesBitExact()
    {
        QFETCH(QString, type);
        TB_REQUIRE_SHARED(ggufPath, fixture("model-" + type + ".gguf"));
        TB_REQUIRE_SHARED(refPath, fixture("dequantized-" + type + ".safetensors"));
        TB_REQUIRE_SHARED(typesPath, fixture("tensor_types.json"));
        const nlohmann::json storedTypes = tbtest::readJsonFile(typesPath.toStdString())[type.toStdString()];
        const tb::GgufFile gguf(ggufPath.toStdString());
        tb::StoredTensors reference = tb::readSafetensors(refPath.toStdString());
        QCOMPARE(gguf.tensors().size(), reference.size());
        QCOMPARE(gguf.tensors().size(), storedTypes.size());
        std::map<std::string, int> seen;
        int64_t values = 0;
        for (const tb::GgufTensorInfo &info : gguf.tensors()) {
            const QByteArray where = QByteArray::fromStdString(type.toStdString() + " " + info.name);
            QVERIFY2(storedTypes.contains(info.name), where.constData());
            QCOMPARE(tb::ggmlTypeName(uint32_t(info.type)), storedTypes[info.name].get<std::string>());
            auto ref = reference.find(info.name);
            QVERIFY2(ref != reference.end(), where.constData());
            QCOMPARE(ref->second.dtype, std::string("F32"));
            QCOMPARE(ref->second.shape, info.torchShape());
            torch::Tensor expected = torch::empty(ref->second.shape, torch::kFloat);
            ref->second.readInto(expected);
            const std::vector<float> ours = quantTestDequantize(info.type, gguf.readRaw(info), info.numel());
            const float *theirs = expected.data_ptr<float>();
            for (int64_t i = 0; i < info.numel(); ++i)
                if (quantTestBits(ours[size_t(i)]) != quantTestBits(theirs[i]))
                    QFAIL(qPrintable(QStringLiteral("%1 value %2: ours %3 (0x%4), llama.cpp %5 (0x%6)")
                                         .arg(QString::fromLatin1(where))
                                         .arg(i)
                                         .arg(double(ours[size_t(i)]), 0, 'g', 9)
                                         .arg(quantTestBits(ours[size_t(i)]), 8, 16, QChar('0'))
                                         .arg(double(theirs[i]), 0, 'g', 9)
                                         .arg(quantTestBits(theirs[i]), 8, 16, QChar('0'))));
            ++seen[tb::ggmlTypeName(uint32_t(info.type))];
            values += info.numel();
        }
        QString mix;
        for (const auto &[t, n] : seen)
            mix += QStringLiteral(" %1 x%2").arg(QString::fromStdString(t)).arg(n);
        qInfo("%s: %lld values bit-exact;%s", qPrintable(type), static_cast<long long>(values), qPrintable(mix));
    }

    // Greedy decoding in float32 from the dequantised weights gives the exact (float64)
    // reference ids; the smallest top-1 margin on the way is 0.02, far above float32 error.
    void greedyMatchesExact_data() { dequantisesBitExact_data(); }

    void greedyMatchesExact()
    {
        QFETCH(QString, type);
        TB_REQUIRE_SHARED(ggufPath, fixture("model-" + type + ".gguf"));
        TB_REQUIRE_SHARED(greedyPath, fixture("exact_greedy.json"));
        const nlohmann::json expected = tbtest::readJsonFile(greedyPath.toStdString())[type.toStdString()];
        const auto prompt = expected["prompt_ids"].get<std::vector<int64_t>>();
        const auto ids = expected["generated"].get<std::vector<int64_t>>();
        QCOMPARE(ids.size(), size_t(16));
        tb::LoadedModel loaded = tb::loadModel(ggufPath.toStdString());
        QCOMPARE(loaded.format, std::string("gguf"));
        QVERIFY(loaded.tokenizer != nullptr);
        tb::SamplingOptions o;
        o.maxNewTokens = int(ids.size());
        o.stopAtEos = false;
        QCOMPARE(tb::generate(loaded.model, nullptr, prompt, o).ids, ids);
    }

    // Random blocks of every type (tests/data/gguf_quant: the formats the fixtures lack, and
    // subnormal and negative scales) against gguf-py's reference values, bit for bit.
    void dequantisesGgufPyBlocks()
    {
        QFile f(tbtest::sourceDir() + "/tests/data/gguf_quant/gguf_py_blocks.bin");
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QByteArray all = f.readAll();
        int64_t at = 0;
        int types = 0;
        while (at < all.size()) {
            uint32_t head[2];
            QVERIFY(at + 8 <= all.size());
            std::memcpy(head, all.constData() + at, 8);
            at += 8;
            const tb::GgmlBlockLayout l = tb::ggmlBlockLayout(head[0]);
            QVERIFY(tb::ggmlIsQuantized(tb::GgmlType(head[0])));
            const int64_t n = int64_t(head[1]) * l.blockSize;
            const int64_t rawBytes = int64_t(head[1] * l.blockBytes);
            QVERIFY(at + rawBytes + n * 4 <= all.size());
            const std::vector<float> ours = quantTestDequantize(
                tb::GgmlType(head[0]), std::string(all.constData() + at, size_t(rawBytes)), n);
            at += rawBytes;
            for (int64_t i = 0; i < n; ++i) {
                float ref;
                std::memcpy(&ref, all.constData() + at + 4 * i, 4);
                if (quantTestBits(ref) != quantTestBits(ours[size_t(i)]))
                    QFAIL(qPrintable(QStringLiteral("%1 value %2: ours %3, gguf-py %4")
                                         .arg(QString::fromStdString(tb::ggmlTypeName(head[0])))
                                         .arg(i)
                                         .arg(double(ours[size_t(i)]), 0, 'g', 9)
                                         .arg(double(ref), 0, 'g', 9)));
            }
            at += n * 4;
            ++types;
        }
        QCOMPARE(types, 10);
    }

    // Formats the fixtures do not carry, on blocks whose values are worked out by hand from
    // ggml-common.h's layouts.
    void handBuiltBlocks()
    {
        // Q4_1: d = 2^-1, m = -2^0; nibble j = j % 16 -> x = 0.5 * q - 1.
        {
            std::string b;
            quantTestPut<uint16_t>(b, quantTestHalfPow2(-1));
            quantTestPut<uint16_t>(b, uint16_t(quantTestHalfPow2(0) | 0x8000));
            for (int j = 0; j < 16; ++j)
                b += char(j | (15 - j) << 4); // values 0-15: j, values 16-31: 15 - j
            const auto y = quantTestDequantize(tb::GgmlType::Q4_1, b, 32);
            for (int j = 0; j < 32; ++j)
                QCOMPARE(y[size_t(j)], 0.5f * float(j < 16 ? j : 31 - j) - 1.0f);
        }
        // Q5_0: d = 2^1; fifth bit set on odd values; q = nibble | bit << 4, x = 2 * (q - 16).
        {
            std::string b;
            quantTestPut<uint16_t>(b, quantTestHalfPow2(1));
            quantTestPut<uint32_t>(b, 0xAAAAAAAAu);
            for (int j = 0; j < 16; ++j)
                b += char(j | (15 - j) << 4);
            const auto y = quantTestDequantize(tb::GgmlType::Q5_0, b, 32);
            for (int j = 0; j < 32; ++j) {
                const int q = (j < 16 ? j : 31 - j) | (j % 2) << 4;
                QCOMPARE(y[size_t(j)], 2.0f * float(q - 16));
            }
        }
        // Q5_1: d = 2^-2, m = 2^2; fifth bit on values 16-31; x = q / 4 + 4.
        {
            std::string b;
            quantTestPut<uint16_t>(b, quantTestHalfPow2(-2));
            quantTestPut<uint16_t>(b, quantTestHalfPow2(2));
            quantTestPut<uint32_t>(b, 0xFFFF0000u);
            for (int j = 0; j < 16; ++j)
                b += char(j | (15 - j) << 4);
            const auto y = quantTestDequantize(tb::GgmlType::Q5_1, b, 32);
            for (int j = 0; j < 32; ++j) {
                const int q = j < 16 ? j : (31 - j) | 16;
                QCOMPARE(y[size_t(j)], 0.25f * float(q) + 4.0f);
            }
        }
        // Q2_K: group g (16 values) has scale g and min 1; d = 2^0, dmin = 2^-1; every q byte
        // is 0b11'10'01'00, so value i (half h, shift s = (i / 32) % 4, lane l) has q = s.
        {
            std::string b;
            for (int g = 0; g < 16; ++g)
                b += char(g | 1 << 4);
            b.append(64, char(0xE4)); // 0b11'10'01'00: the q of shift s is s
            quantTestPut<uint16_t>(b, quantTestHalfPow2(0));
            quantTestPut<uint16_t>(b, quantTestHalfPow2(-1));
            const auto y = quantTestDequantize(tb::GgmlType::Q2_K, b, 256);
            for (int i = 0; i < 256; ++i) {
                const int s = (i / 32) % 4;
                QCOMPARE(y[size_t(i)], float(i / 16) * float(s) - 0.5f);
            }
        }
        // Q3_K: scale of group g is g + 20 - 32 = g - 12 (six bits: low nibble from bytes 0-7,
        // top pair from bytes 8-11); d = 2^-3; low bits q = s as in Q2_K; the high-mask bit for
        // values 0-127 is set (no -4), for 128-255 clear (-4).
        {
            std::string b;
            b.append(32, char(0x0F)); // hmask: bits 0-3 set -> values i/32 < 4 keep their q
            b.append(64, char(0xE4));
            uint8_t sc[12] = {};
            for (int g = 0; g < 16; ++g) {
                const int v = g + 20; // 6 bits
                sc[g % 8] |= uint8_t((v & 0x0F) << (g < 8 ? 0 : 4));
                sc[8 + g % 4] |= uint8_t((v >> 4) << (2 * (g / 4)));
            }
            b.append(reinterpret_cast<const char *>(sc), 12);
            quantTestPut<uint16_t>(b, quantTestHalfPow2(-3));
            const auto y = quantTestDequantize(tb::GgmlType::Q3_K, b, 256);
            for (int i = 0; i < 256; ++i) {
                const int s = (i / 32) % 4;
                const int q = s - (i < 128 ? 0 : 4);
                QCOMPARE(y[size_t(i)], 0.125f * float(i / 16 - 12) * float(q));
            }
        }
    }

    // Damaged quantised tensors: one line naming the file, the tensor and the problem, from
    // the header alone (nothing is read or allocated for the data).
    void damagedQuantisedTensorsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("needle");
        auto bytes = [](const std::string &s) { return QByteArray(s.data(), int(s.size())); };
        QTest::newRow("IQ2_XXS") << bytes(quantTestOneTensorFile(16, {256, 4}, 4096))
                                 << "tensor 'blk.0.ffn_up.weight' has tensor type IQ2_XXS, which Tunebench cannot read";
        QTest::newRow("type 99") << bytes(quantTestOneTensorFile(99, {256, 4}, 4096))
                                 << "tensor 'blk.0.ffn_up.weight' has tensor type type 99";
        QTest::newRow("Q4_K row of 320") << bytes(quantTestOneTensorFile(12, {320, 4}, 4096))
                                         << "tensor 'blk.0.ffn_up.weight' is Q4_K but its row of 320 values is not "
                                            "a whole number of 256-value blocks";
        // 2 x 48 = 96 values would fill three Q8_0 blocks, but each row splits one.
        QTest::newRow("Q8_0 row of 48") << bytes(quantTestOneTensorFile(8, {48, 2}, 4096))
                                        << "is Q8_0 but its row of 48 values";
        QTest::newRow("truncated Q6_K") << bytes(quantTestOneTensorFile(14, {256, 4}, 4 * 210 - 1))
                                        << "tensor 'blk.0.ffn_up.weight' data (840 bytes at offset";
        QTest::newRow("truncated Q4_0") << bytes(quantTestOneTensorFile(2, {64, 1000}, 1000 * 36 - 18))
                                        << "lies past the end of the";
        QTest::newRow("huge Q2_K") << bytes(quantTestOneTensorFile(10, {256, int64_t(1) << 40}, 4096))
                                   << "impossible for a";
    }

    void damagedQuantisedTensorsAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, needle);
        const std::string path = (m_dir + "/damaged-quant.gguf").toStdString();
        tbtest::writeBytes(path, bytes.toStdString());
        for (int via = 0; via < 3; ++via) {
            QString err = tbtest::errorOf([&] {
                if (via == 0)
                    tb::GgufFile{path};
                else if (via == 1)
                    tb::ggufMemoryReport(path);
                else
                    tb::loadModel(path);
            });
            QVERIFY2(err.startsWith(QString::fromStdString(path) + ": "), qPrintable(err));
            QVERIFY2(err.contains(needle), qPrintable(err));
            QVERIFY2(!err.contains('\n'), qPrintable(err));
        }
    }

    // A truncated copy of a real quantised file: the last tensor's data is cut.
    void truncatedFixtureIsRefused()
    {
        TB_REQUIRE_SHARED(ggufPath, fixture("model-Q4_K_M.gguf"));
        QFile in(ggufPath);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray all = in.readAll();
        const std::string cut = (m_dir + "/cut-Q4_K_M.gguf").toStdString();
        tbtest::writeBytes(cut, all.left(all.size() - 1000).toStdString());
        const QString err = tbtest::errorOf([&] { tb::loadModel(cut); });
        QVERIFY2(err.startsWith(QString::fromStdString(cut) + ": tensor '"), qPrintable(err));
        QVERIFY2(err.contains("lies past the end"), qPrintable(err));
    }

    // quantise -> dequantise on random rows shaped like weights (normal, a few outliers, an
    // all-zero block and a constant block): bounded error, the same bytes twice.
    void quantiseRoundTrip_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("maxRelRmse");
        // Measured (this seed, with its 12x outliers): Q8_0 0.0081, Q6_K 0.0247, Q5_0 0.0667,
        // Q5_1 0.0416, Q5_K 0.0410, Q4_0 0.1250, Q4_1 0.0897, Q4_K 0.0844; the limits leave room
        // for another standard library's normal_distribution.
        QTest::newRow("Q8_0") << int(tb::GgmlType::Q8_0) << 0.012;
        QTest::newRow("Q6_K") << int(tb::GgmlType::Q6_K) << 0.035;
        QTest::newRow("Q5_0") << int(tb::GgmlType::Q5_0) << 0.09;
        QTest::newRow("Q5_1") << int(tb::GgmlType::Q5_1) << 0.06;
        QTest::newRow("Q5_K") << int(tb::GgmlType::Q5_K) << 0.06;
        QTest::newRow("Q4_0") << int(tb::GgmlType::Q4_0) << 0.17;
        QTest::newRow("Q4_1") << int(tb::GgmlType::Q4_1) << 0.13;
        QTest::newRow("Q4_K") << int(tb::GgmlType::Q4_K) << 0.12;
    }

    void quantiseRoundTrip()
    {
        QFETCH(int, type);
        QFETCH(double, maxRelRmse);
        const auto t = tb::GgmlType(type);
        QVERIFY(tb::ggmlCanQuantize(t));
        const int64_t n = 256 * 16;
        std::vector<float> x(static_cast<size_t>(n));
        std::mt19937 rng(7);
        std::normal_distribution<float> normal(0.0f, 0.02f);
        for (float &v : x)
            v = normal(rng);
        for (int64_t i = 0; i < n; i += 509)
            x[size_t(i)] *= 12.0f; // outliers
        std::fill(x.begin() + 256, x.begin() + 512, 0.0f);    // an all-zero block
        std::fill(x.begin() + 512, x.begin() + 768, 0.015f);  // a constant block
        const std::string q = quantTestQuantize(t, x.data(), n);
        QCOMPARE(quantTestQuantize(t, x.data(), n), q); // deterministic
        const std::vector<float> y = quantTestDequantize(t, q, n);
        for (int64_t i = 256; i < 512; ++i)
            QCOMPARE(y[size_t(i)], 0.0f);
        for (float v : y)
            QVERIFY(std::isfinite(v));
        const double rel = quantTestRelRmse(x.data(), y.data(), n);
        qInfo("%s: relative RMSE %.5f", tb::ggmlTypeName(uint32_t(t)).c_str(), rel);
        QVERIFY2(rel < maxRelRmse, qPrintable(QString::number(rel)));
        // Values already on the grid of a block survive a second round trip closely.
        const std::vector<float> y2 = quantTestDequantize(t, quantTestQuantize(t, y.data(), n), n);
        QVERIFY(quantTestRelRmse(y.data(), y2.data(), n) < maxRelRmse);
        const QString err = tbtest::errorOf([&] { quantTestQuantize(t, x.data(), 16); }); // half a block
        QVERIFY2(err.contains("not a whole number"), qPrintable(err));
        QVERIFY(!tbtest::errorOf([&] {
                     char out[64];
                     tb::quantizeRow(tb::GgmlType::Q3_K, x.data(), 256, out);
                 }).isEmpty());
    }

    // Our quantisers against llama-quantize's own output from the same floats (the fixture's
    // hf/ source, permuted to GGUF row order): every block identical, and the relative RMSE of
    // both against the source for the record.
    void quantiseLikeLlamaCpp_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("type");
        QTest::newRow("Q8_0") << "Q8_0" << "Q8_0";
        QTest::newRow("Q4_0") << "Q4_0" << "Q4_0";
        QTest::newRow("Q4_K") << "Q4_K_M" << "Q4_K";
        QTest::newRow("Q5_K") << "Q5_K_M" << "Q5_K";
        QTest::newRow("Q6_K") << "Q6_K" << "Q6_K";
    }

    void quantiseLikeLlamaCpp()
    {
        QFETCH(QString, file);
        QFETCH(QString, type);
        TB_REQUIRE_SHARED(ggufPath, fixture("model-" + file + ".gguf"));
        TB_REQUIRE_SHARED(sourcePath, fixture("hf/model.safetensors"));
        const tb::GgufFile gguf(ggufPath.toStdString());
        tb::StoredTensors source = tb::readSafetensors(sourcePath.toStdString());
        const int64_t heads = gguf.getInt("llama.attention.head_count");
        const int64_t kvHeads = gguf.getInt("llama.attention.head_count_kv");
        int64_t blocks = 0, sameBlocks = 0, tensors = 0;
        double oursErr = 0, theirsErr = 0, ref = 0;
        for (const tb::GgufTensorInfo &info : gguf.tensors()) {
            if (tb::ggmlTypeName(uint32_t(info.type)) != type.toStdString())
                continue;
            ++tensors;
            const std::string hf = tb::ggufToHfName(info.name);
            QVERIFY2(source.count(hf), hf.c_str());
            torch::Tensor x = torch::empty(source.at(hf).shape, torch::kFloat);
            source.at(hf).readInto(x);
            if (info.name.find(".attn_q.") != std::string::npos)
                x = tb::halvesToInterleaved(x, heads);
            else if (info.name.find(".attn_k.") != std::string::npos)
                x = tb::halvesToInterleaved(x, kvHeads);
            x = x.contiguous();
            QCOMPARE(x.sizes().vec(), info.torchShape());
            const std::string theirs = gguf.readRaw(info);
            const std::string ours = quantTestQuantize(info.type, x.data_ptr<float>(), info.numel());
            QCOMPARE(ours.size(), theirs.size());
            const tb::GgmlBlockLayout l = tb::ggmlBlockLayout(uint32_t(info.type));
            for (uint64_t at = 0; at < ours.size(); at += l.blockBytes) {
                ++blocks;
                sameBlocks += ours.compare(at, l.blockBytes, theirs, at, l.blockBytes) == 0;
            }
            const std::vector<float> yo = quantTestDequantize(info.type, ours, info.numel());
            const std::vector<float> yt = quantTestDequantize(info.type, theirs, info.numel());
            const float *xs = x.data_ptr<float>();
            for (int64_t i = 0; i < info.numel(); ++i) {
                oursErr += (double(yo[size_t(i)]) - xs[i]) * (double(yo[size_t(i)]) - xs[i]);
                theirsErr += (double(yt[size_t(i)]) - xs[i]) * (double(yt[size_t(i)]) - xs[i]);
                ref += double(xs[i]) * xs[i];
            }
        }
        QVERIFY(tensors > 0);
        const double oursRel = std::sqrt(oursErr / ref), theirsRel = std::sqrt(theirsErr / ref);
        qInfo("%s from model-%s.gguf: %lld tensors, %lld of %lld blocks identical; relative RMSE ours %.6f, "
              "llama.cpp %.6f",
              qPrintable(type), qPrintable(file), static_cast<long long>(tensors), static_cast<long long>(sameBlocks),
              static_cast<long long>(blocks), oursRel, theirsRel);
        // The same algorithm in the same float32 steps: every block is the same bytes.
        QCOMPARE(sameBlocks, blocks);
        QCOMPARE(oursRel, theirsRel);
    }

    // The header-only memory report agrees with the file and with the model once loaded.
    void memoryReportMatchesLoadedModel_data() { dequantisesBitExact_data(); }

    void memoryReportMatchesLoadedModel()
    {
        QFETCH(QString, type);
        TB_REQUIRE_SHARED(ggufPath, fixture("model-" + type + ".gguf"));
        TB_REQUIRE_SHARED(typesPath, fixture("tensor_types.json"));
        const nlohmann::json storedTypes = tbtest::readJsonFile(typesPath.toStdString())[type.toStdString()];
        const tb::GgufMemoryReport r = tb::ggufMemoryReport(ggufPath.toStdString());
        QCOMPARE(r.fileBytes, uint64_t(QFileInfo(ggufPath).size()));
        QCOMPARE(r.computeDtype, std::string("f32"));
        std::map<std::string, int64_t> expectedCounts;
        for (const auto &entry : storedTypes.items())
            ++expectedCounts[entry.value().get<std::string>()];
        std::map<std::string, int64_t> counts;
        uint64_t bytes = 0;
        int64_t values = 0;
        for (size_t i = 0; i < r.types.size(); ++i) {
            const tb::GgufTypeUsage &u = r.types[i];
            counts[u.type] = u.tensors;
            bytes += u.bytes;
            values += u.values;
            if (i > 0)
                QVERIFY(r.types[i - 1].bytes >= u.bytes);
        }
        QCOMPARE(counts, expectedCounts);
        QCOMPARE(bytes, r.storedBytes);
        QCOMPARE(values, r.values);
        QVERIFY(r.storedBytes < r.fileBytes);
        QVERIFY(r.fileBytes - r.storedBytes < 64 * 1024); // header + tokenizer + padding
        QCOMPARE(r.computeBytes, uint64_t(r.values) * 4);
        QVERIFY(r.peakLoadBytes > r.computeBytes);
        QCOMPARE(tb::ggufMemoryReport(ggufPath.toStdString(), "bf16").computeBytes, uint64_t(r.values) * 2);

        tb::LoadedModel loaded = tb::loadModel(ggufPath.toStdString());
        QCOMPARE(r.values, loaded.model->config().parameterCount());
        uint64_t modelBytes = 0;
        for (const auto &p : loaded.model->named_parameters())
            modelBytes += uint64_t(p.value().nbytes());
        QCOMPARE(r.computeBytes, modelBytes);
        const QString err = tbtest::errorOf([&] { tb::ggufMemoryReport(ggufPath.toStdString(), "f16"); });
        QVERIFY2(err.contains("expected f32 or bf16"), qPrintable(err));
    }
};

TB_REGISTER_TEST(TestGgufQuant, "gguf_quant");
#include "tst_gguf_quant.moc"
