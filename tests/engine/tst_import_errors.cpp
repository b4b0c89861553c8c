// Bad input must end in one line that names the file and what is wrong: no crash, no hang,
// no half-loaded model.
#include "error.h"
#include "model_loader.h"
#include "safetensors.h"
#include "test_support.h"
#include "text_util.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

namespace {

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// A safetensors file from a raw header string and `dataBytes` zero bytes of data.
QByteArray rawSafetensors(const std::string &header, uint64_t declaredLength, int dataBytes)
{
    QByteArray out(reinterpret_cast<const char *>(&declaredLength), 8);
    out += QByteArray::fromStdString(header);
    out += QByteArray(dataBytes, '\0');
    return out;
}

const char *kConfig = R"({"architectures":["LlamaForCausalLM"],"hidden_size":64,"intermediate_size":172,
 "num_attention_heads":4,"num_key_value_heads":2,"num_hidden_layers":2,"vocab_size":512,
 "max_position_embeddings":128,"rms_norm_eps":1e-05,"rope_theta":10000.0,"tie_word_embeddings":false})";

// A folder with the fixture's weights, as tensors we can tamper with.
QString folderWithTensors(std::vector<std::pair<std::string, torch::Tensor>> tensors, const char *config = kConfig)
{
    const QString dir = tbtest::tempDir();
    writeBytes(dir + "/config.json", config);
    tb::writeSafetensors((dir + "/model.safetensors").toStdString(), tensors, "F32");
    return dir;
}

std::vector<std::pair<std::string, torch::Tensor>> fixtureTensors()
{
    tb::ModelConfig c;
    tb::LlamaModel model(c);
    model->initWeights(1);
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto &p : model->named_parameters())
        out.emplace_back(p.key(), p.value().detach());
    return out;
}

} // namespace

class TestImportErrors : public QObject {
    Q_OBJECT

    // Loads `path` expecting a tb::Error with every fragment in its one-line message.
    static void expectError(const QString &path, const QStringList &fragments)
    {
        try {
            tb::loadModel(path.toStdString());
        } catch (const tb::Error &e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(!message.contains('\n'), qPrintable("not one line: " + message));
            for (const QString &f : fragments)
                QVERIFY2(message.contains(f), qPrintable("'" + f + "' missing from: " + message));
            return;
        }
        QFAIL(qPrintable("no error for " + path));
    }

private Q_SLOTS:
    void validFolderLoads()
    {
        // The tampering helpers really produce loadable folders when left alone.
        const QString dir = folderWithTensors(fixtureTensors());
        tb::LoadedModel loaded = tb::loadModel(dir.toStdString());
        QCOMPARE(loaded.model->config().hiddenSize, int64_t(64));
    }

    void truncatedHeaderLength()
    {
        const QString dir = folderWithTensors(fixtureTensors());
        writeBytes(dir + "/model.safetensors", rawSafetensors("{}", 1000000, 0));
        expectError(dir, {"model.safetensors", "runs past the end"});
    }

    void fileShorterThanHeaderLength()
    {
        const QString dir = folderWithTensors(fixtureTensors());
        writeBytes(dir + "/model.safetensors", QByteArray("\x05\x00", 2));
        expectError(dir, {"model.safetensors", "too short"});
    }

    void truncatedData()
    {
        const QString dir = folderWithTensors(fixtureTensors());
        QFile f(dir + "/model.safetensors");
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() - 1000));
        f.close();
        expectError(dir, {"model.safetensors", "outside the"});
    }

    void badJson()
    {
        const QString dir = folderWithTensors(fixtureTensors());
        const std::string header = R"({"a": {"dtype": "F32", "shape": [2], )";
        writeBytes(dir + "/model.safetensors", rawSafetensors(header, header.size(), 8));
        expectError(dir, {"model.safetensors", "not valid JSON"});
    }

    void overlappingOffsets()
    {
        const QString dir = folderWithTensors(fixtureTensors());
        const std::string header = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                                   R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})";
        writeBytes(dir + "/model.safetensors", rawSafetensors(header, header.size(), 24));
        expectError(dir, {"model.safetensors", "overlap"});
    }

    void outOfRangeOffsets()
    {
        const QString dir = folderWithTensors(fixtureTensors());
        const std::string header = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
        writeBytes(dir + "/model.safetensors", rawSafetensors(header, header.size(), 8));
        expectError(dir, {"model.safetensors", "'a'", "outside the 8-byte data section"});
    }

    void offsetsDisagreeWithShape()
    {
        const QString dir = folderWithTensors(fixtureTensors());
        const std::string header = R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})";
        writeBytes(dir + "/model.safetensors", rawSafetensors(header, header.size(), 16));
        expectError(dir, {"model.safetensors", "needs 12 bytes"});
    }

    void missingTensor()
    {
        auto tensors = fixtureTensors();
        tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                                     [](const auto &t) { return t.first == "model.layers.1.mlp.up_proj.weight"; }),
                      tensors.end());
        const QString dir = folderWithTensors(tensors);
        expectError(dir, {dir, "missing tensor 'model.layers.1.mlp.up_proj.weight'"});
    }

    void wrongShape()
    {
        auto tensors = fixtureTensors();
        for (auto &t : tensors)
            if (t.first == "model.layers.0.self_attn.k_proj.weight")
                t.second = torch::zeros({64, 64});
        const QString dir = folderWithTensors(tensors);
        expectError(dir, {"model.safetensors", "k_proj.weight", "[64, 64]", "expected [32, 64]"});
    }

    void unsupportedDtype()
    {
        auto tensors = fixtureTensors();
        const QString dir = folderWithTensors(tensors);
        // Rewrite one tensor as I32: the header is valid, the dtype is not one we compute with.
        nlohmann::json header;
        uint64_t offset = 0;
        QByteArray data;
        for (auto &[name, t] : tensors) {
            const bool asInt = name == "model.norm.weight";
            auto stored = asInt ? t.to(torch::kInt).contiguous() : t.contiguous();
            const uint64_t bytes = stored.numel() * 4;
            header[name] = {{"dtype", asInt ? "I32" : "F32"}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
            data += QByteArray(static_cast<const char *>(stored.data_ptr()), int(bytes));
            offset += bytes;
        }
        const std::string text = header.dump();
        writeBytes(dir + "/model.safetensors", rawSafetensors(text, text.size(), 0) + data);
        expectError(dir, {"model.safetensors", "model.norm.weight", "I32", "F32, F16 and BF16"});
    }

    void unexpectedTensor()
    {
        auto tensors = fixtureTensors();
        tensors.emplace_back("model.layers.0.self_attn.q_proj.bias", torch::zeros({64}));
        const QString dir = folderWithTensors(tensors);
        expectError(dir, {"model.safetensors", "unexpected tensor 'model.layers.0.self_attn.q_proj.bias'"});
    }

    void unsupportedArchitecture()
    {
        const QString dir = folderWithTensors(fixtureTensors(), R"({"architectures":["GPT2LMHeadModel"]})");
        expectError(dir, {"config.json", "unsupported architecture 'GPT2LMHeadModel'"});
    }

    void indexNamesMissingShard()
    {
        TB_REQUIRE_SHARED(src, "fixtures/tiny-llama-bf16-sharded");
        const QString dir = tbtest::tempDir();
        for (const QString &name : QDir(src).entryList(QDir::Files))
            if (name != "model-00002-of-00002.safetensors")
                QVERIFY(QFile::copy(src + "/" + name, dir + "/" + name));
        expectError(dir, {"model.safetensors.index.json", "model-00002-of-00002.safetensors"});
    }

    void wrongMagicGguf()
    {
        const QString path = tbtest::tempDir() + "/model.gguf";
        writeBytes(path, QByteArray("GGML") + QByteArray(64, '\0'));
        expectError(path, {path, "GGUF"});
    }

    // A folder whose only tokenizer is tokenizer.json loads it; a broken one names the file.
    void brokenTokenizerJson()
    {
        const QString dir = folderWithTensors(fixtureTensors());
        writeBytes(dir + "/tokenizer.json", R"({"model": {"type": "BPE"}})");
        expectError(dir, {dir + "/tokenizer.json", "vocab"});
    }

    void noSuchPath()
    {
        const QString path = tbtest::tempDir() + "/nothing-here";
        expectError(path, {path, "no such file"});
    }

    void badPrompts_data()
    {
        QTest::addColumn<QByteArray>("prompt");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("latin1") << QByteArray("caf\xe9") << "UTF-8";
        QTest::newRow("truncated-utf8") << QByteArray("\xe4\xbd") << "UTF-8";
        QTest::newRow("overlong") << QByteArray("\xc0\xaf") << "UTF-8";
    }

    void badPrompts()
    {
        QFETCH(QByteArray, prompt);
        QFETCH(QString, fragment);
        try {
            tb::checkPromptText(prompt.toStdString(), "generate");
            QFAIL("accepted a bad prompt");
        } catch (const tb::Error &e) {
            QVERIFY(QString::fromStdString(e.what()).contains(fragment));
        }
        QVERIFY(tb::isValidUtf8("héllo 你好 🙂"));
    }
};

TB_REGISTER_TEST(TestImportErrors, "import_errors");
#include "tst_import_errors.moc"
