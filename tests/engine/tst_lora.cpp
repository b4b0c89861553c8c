// LoRA: PEFT's initialisation and maths, merged == unmerged, only adapters train, dropout in
// train mode only, PEFT's on-disk layout (names, shapes, config), save/load round trips,
// bad adapters refused without touching the model, and a bf16 base with float32 adapters.
#include "engine_test_util.h"
#include "error.h"
#include "file_util.h"
#include "lora.h"
#include "peft_adapter.h"
#include "gguf_model.h"
#include "hf_folder.h"
#include "model_loader.h"
#include "safetensors.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

namespace fs = std::filesystem;

namespace {

tb::ModelConfig smallConfig()
{
    tb::ModelConfig c;
    c.vocabSize = 96;
    c.hiddenSize = 32;
    c.intermediateSize = 48;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.maxPositions = 64;
    return c;
}

tb::LlamaModel baseModel(torch::Dtype dtype = torch::kFloat, uint64_t seed = 3)
{
    tb::LlamaModel model(smallConfig(), dtype);
    model->initWeights(seed);
    model->eval();
    return model;
}

const std::vector<std::string> kAllTargets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};

tb::LoraConfig loraConfig(std::vector<std::string> targets = kAllTargets, double dropout = 0.0)
{
    tb::LoraConfig c;
    c.rank = 4;
    c.alpha = 8;
    c.dropout = dropout;
    c.targets = std::move(targets);
    return c;
}

// B starts at zero (the adapter is a no-op); a trained adapter has a non-zero B.
void randomizeB(tb::LlamaModel &model, uint64_t seed)
{
    torch::NoGradGuard noGrad;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (auto &[name, p] : tb::loraNamedParameters(model))
        if (name.find("lora_B") != std::string::npos)
            p.uniform_(-0.2, 0.2, gen);
}

torch::Tensor sampleIds(int64_t batch = 2, int64_t length = 12)
{
    return (torch::arange(batch * length, torch::kLong) * 37 + 5).remainder(smallConfig().vocabSize).view({batch, length});
}

double maxDiff(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a.to(torch::kFloat) - b.to(torch::kFloat)).abs().max().item<double>();
}

torch::Tensor logitsOf(tb::LlamaModel &model, const torch::Tensor &ids)
{
    torch::NoGradGuard noGrad;
    return model->forward(ids);
}

torch::Tensor lossOf(tb::LlamaModel &model, const torch::Tensor &ids)
{
    auto logits = model->forward(ids.narrow(1, 0, ids.size(1) - 1)); // (B, T-1, V)
    auto targets = ids.narrow(1, 1, ids.size(1) - 1);                 // (B, T-1)
    return torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}));
}

// Values and requires_grad of every parameter, to prove a failed call changed nothing.
struct Snapshot {
    std::vector<std::pair<std::string, torch::Tensor>> values;
    std::vector<bool> trainable;
};

Snapshot snapshot(tb::LlamaModel &model)
{
    Snapshot s;
    for (const auto &p : model->named_parameters()) {
        s.values.emplace_back(p.key(), p.value().detach().clone());
        s.trainable.push_back(p.value().requires_grad());
    }
    return s;
}

bool unchanged(tb::LlamaModel &model, const Snapshot &before)
{
    const auto now = model->named_parameters();
    if (now.size() != before.values.size())
        return false;
    for (size_t i = 0; i < now.size(); ++i) {
        const auto &p = now[i];
        if (p.key() != before.values[i].first || !torch::equal(p.value(), before.values[i].second)
            || p.value().requires_grad() != before.trainable[i])
            return false;
    }
    return true;
}

std::vector<std::pair<std::string, torch::Tensor>> readAll(const std::string &path)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto &[name, stored] : tb::readSafetensors(path)) {
        torch::Tensor t = torch::empty(stored.shape, torch::kFloat);
        stored.readInto(t);
        out.emplace_back(name, t);
    }
    return out;
}

std::string copyAdapter(const std::string &from, const QString &name)
{
    const std::string dir = (tbtest::tempDir() + "/" + name).toStdString();
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const char *file : {"adapter_config.json", "adapter_model.safetensors"})
        fs::copy_file(fs::path(from) / file, fs::path(dir) / file);
    return dir;
}

} // namespace

class TestLora : public QObject {
    Q_OBJECT

private:
    std::string m_good; // a valid adapter (q/k/v/o/down, rank 4) saved from base seed 3
    torch::Tensor m_goodLogits;

private Q_SLOTS:
    void initTestCase()
    {
        tb::LlamaModel model = baseModel();
        tb::applyLora(model, loraConfig({"q_proj", "k_proj", "v_proj", "o_proj", "down_proj"}), 11);
        randomizeB(model, 12);
        m_good = (tbtest::tempDir() + "/good-adapter").toStdString();
        tb::saveLoraAdapter(model, m_good, "tiny-base");
        m_goodLogits = logitsOf(model, sampleIds());
    }

    // PEFT's init: A kaiming-uniform (bound 1/sqrt(in)), B zero, so outputs do not move.
    void initialisation()
    {
        tb::LlamaModel model = baseModel();
        const torch::Tensor before = logitsOf(model, sampleIds());
        torch::manual_seed(42);
        const torch::Tensor expectedDraw = torch::rand({4});
        torch::manual_seed(42);
        tb::applyLora(model, loraConfig(), 5);
        // Only the given seed is used: a trainer's global RNG stream is not shifted.
        QVERIFY(torch::equal(torch::rand({4}), expectedDraw));
        QVERIFY(tb::hasLora(model));
        const auto adapters = tb::loraNamedParameters(model);
        QCOMPARE(adapters.size(), size_t(2 * 7 * 2)); // layers x targets x (A, B)
        for (const auto &[name, p] : adapters) {
            QCOMPARE(p.scalar_type(), torch::kFloat);
            QVERIFY(p.requires_grad());
            if (name.find("lora_B") != std::string::npos) {
                QCOMPARE(p.size(1), int64_t(4));
                QCOMPARE(torch::count_nonzero(p).item<int64_t>(), int64_t(0));
            } else {
                QCOMPARE(p.size(0), int64_t(4));
                const double bound = 1.0 / std::sqrt(double(p.size(1)));
                QVERIFY(p.abs().max().item<double>() <= bound);
                const double std = p.std().item<double>(); // uniform(-b, b): b / sqrt(3)
                QVERIFY2(std::abs(std - bound / std::sqrt(3.0)) < 0.25 * bound / std::sqrt(3.0), name.c_str());
            }
        }
        QVERIFY(torch::equal(logitsOf(model, sampleIds()), before));

        // The parameters sit where PEFT's names expect them.
        const auto params = model->named_parameters();
        QVERIFY(params.contains("model.layers.0.self_attn.q_proj.lora_A.weight"));
        QVERIFY(params.contains("model.layers.1.mlp.down_proj.lora_B.weight"));
        QCOMPARE(params["model.layers.1.mlp.down_proj.lora_A.weight"].sizes().vec(), (std::vector<int64_t>{4, 48}));

        const tb::LoraConfig c = tb::loraConfigOf(model);
        QCOMPARE(c.rank, int64_t(4));
        QCOMPARE(c.alpha, 8.0);
        QCOMPARE(c.targets, kAllTargets);

        // Seeded: the same seed gives the same A whatever order the targets are listed in.
        tb::LlamaModel same = baseModel();
        tb::applyLora(same, loraConfig({"down_proj", "up_proj", "gate_proj", "o_proj", "v_proj", "k_proj", "q_proj"}), 5);
        tb::LlamaModel other = baseModel();
        tb::applyLora(other, loraConfig(), 6);
        const auto a = tb::loraParameters(model), b = tb::loraParameters(same), o = tb::loraParameters(other);
        QVERIFY(torch::equal(a[0], b[0]) && torch::equal(a.back(), b.back()));
        QVERIFY(!torch::equal(a[0], o[0]));
    }

    // Base frozen; gradients reach the adapters only. With B = 0, A's gradient is exactly 0
    // and B's is not (as in PEFT); after one update of B, A learns too.
    void onlyAdaptersTrain()
    {
        tb::LlamaModel model = baseModel();
        model->train();
        lossOf(model, sampleIds()).backward(); // full fine-tuning gradients from before
        tb::applyLora(model, loraConfig({"q_proj", "v_proj", "up_proj"}), 5);
        for (const auto &p : model->named_parameters())
            QCOMPARE(p.value().requires_grad(), p.key().find(".lora_") != std::string::npos);
        lossOf(model, sampleIds()).backward();
        int adapters = 0;
        for (const auto &p : model->named_parameters()) {
            const bool isA = p.key().find("lora_A") != std::string::npos;
            const bool isB = p.key().find("lora_B") != std::string::npos;
            if (!isA && !isB) {
                QVERIFY2(!p.value().grad().defined(), p.key().c_str());
                continue;
            }
            ++adapters;
            QVERIFY2(p.value().grad().defined(), p.key().c_str());
            const int64_t nonzero = torch::count_nonzero(p.value().grad()).item<int64_t>();
            if (isA)
                QCOMPARE(nonzero, int64_t(0));
            else
                QVERIFY2(nonzero > 0, p.key().c_str());
        }
        QCOMPARE(adapters, 2 * 3 * 2);

        torch::optim::AdamW optimizer(tb::loraParameters(model), torch::optim::AdamWOptions(1e-2));
        optimizer.step();
        optimizer.zero_grad();
        lossOf(model, sampleIds()).backward();
        const auto qA = model->named_parameters()["model.layers.0.self_attn.q_proj.lora_A.weight"];
        QVERIFY(torch::count_nonzero(qA.grad()).item<int64_t>() > 0);
    }

    // The test: merged and unmerged logits agree within 1e-5 on a float32 base,
    // for the full sequence and for cached one-token decoding (the gemv fast path).
    void mergedMatchesUnmerged()
    {
        tb::LlamaModel model = baseModel();
        const torch::Tensor ids = sampleIds();
        const torch::Tensor base = logitsOf(model, ids);
        tb::applyLora(model, loraConfig(), 5);
        randomizeB(model, 6);
        const torch::Tensor unmerged = logitsOf(model, ids);
        QVERIFY2(maxDiff(unmerged, base) > 1e-2, "the adapters must change the logits for this test to mean anything");

        tb::LlamaModel copy = tb::mergedCopy(model);
        QVERIFY(!tb::hasLora(copy));
        QVERIFY(tb::hasLora(model)); // the source keeps its adapters
        QVERIFY2(maxDiff(logitsOf(copy, ids), unmerged) < 1e-5, std::to_string(maxDiff(logitsOf(copy, ids), unmerged)).c_str());

        {
            torch::NoGradGuard noGrad;
            tb::KvCache cache = model->makeCache(1, 16);
            tb::ForwardOptions cached;
            cached.cache = &cache;
            for (int64_t t = 0; t < ids.size(1); ++t) {
                const torch::Tensor step = model->forward(ids.select(0, 1).narrow(0, t, 1).view({1, 1}), cached);
                QVERIFY2(maxDiff(step.view({-1}), unmerged[1][t]) < 1e-5, ("position " + std::to_string(t)).c_str());
            }
        }

        auto *layer = model->model->layers[0]->as<tb::DecoderLayerImpl>();
        const torch::Tensor w = layer->mlp->up_proj->weight.detach().clone();
        const torch::Tensor expected = w + layer->mlp->up_proj->loraScaling()
                * torch::matmul(layer->mlp->up_proj->lora_B->weight, layer->mlp->up_proj->lora_A->weight).detach();
        tb::mergeLora(model);
        QVERIFY(!tb::hasLora(model));
        for (const auto &p : model->named_parameters())
            QVERIFY2(p.key().find("lora") == std::string::npos, p.key().c_str());
        QVERIFY(torch::allclose(layer->mlp->up_proj->weight, expected, 0, 1e-6));
        QVERIFY(maxDiff(logitsOf(model, ids), unmerged) < 1e-5);
        QVERIFY(maxDiff(logitsOf(model, ids), logitsOf(copy, ids)) == 0.0);
    }

    // Model files never carry unmerged adapters; a merged copy exports and reloads intact.
    void exportNeedsMerge()
    {
        tb::LlamaModel model = baseModel();
        tb::applyLora(model, loraConfig(), 5);
        randomizeB(model, 6);
        const std::string dir = (tbtest::tempDir() + "/export-unmerged").toStdString();
        const std::string gguf = (tbtest::tempDir() + "/export-unmerged.gguf").toStdString();
        for (auto exporter : {std::function<void()>([&] { tb::exportHfFolder(model, nullptr, dir); }),
                              std::function<void()>([&] { tb::exportGguf(model, nullptr, gguf); })}) {
            try {
                exporter();
                QFAIL("exporting a model with unmerged adapters must fail");
            } catch (const tb::Error &e) {
                QVERIFY2(std::string(e.what()).find("merge them first") != std::string::npos, e.what());
            }
        }
        QVERIFY(!fs::exists(dir + "/model.safetensors"));
        QVERIFY(!fs::exists(gguf));

        tb::LlamaModel merged = tb::mergedCopy(model);
        const std::string out = (tbtest::tempDir() + "/export-merged").toStdString();
        tb::exportHfFolder(merged, nullptr, out);
        tb::LoadedModel loaded = tb::loadModel(out);
        QVERIFY(maxDiff(logitsOf(loaded.model, sampleIds()), logitsOf(model, sampleIds())) < 1e-5);
    }

    // Dropout acts on the adapter input in train mode only.
    void dropoutOnlyInTrainMode()
    {
        tb::LlamaModel model = baseModel();
        tb::applyLora(model, loraConfig(kAllTargets, 0.5), 5);
        randomizeB(model, 6);
        const torch::Tensor ids = sampleIds();
        model->eval();
        const torch::Tensor e1 = logitsOf(model, ids), e2 = logitsOf(model, ids);
        QVERIFY(torch::equal(e1, e2));
        tb::LlamaModel merged = tb::mergedCopy(model);
        QVERIFY(maxDiff(e1, logitsOf(merged, ids)) < 1e-5); // no dropout in eval
        model->train();
        const torch::Tensor t1 = logitsOf(model, ids), t2 = logitsOf(model, ids);
        QVERIFY(maxDiff(t1, t2) > 1e-3);
        QVERIFY(maxDiff(t1, e1) > 1e-3);

        // Without dropout, train mode computes exactly what eval does.
        tb::LlamaModel plain = baseModel();
        tb::applyLora(plain, loraConfig(kAllTargets, 0.0), 5);
        randomizeB(plain, 6);
        plain->train();
        QVERIFY(torch::equal(logitsOf(plain, ids), e1));
    }

    // Save, then load into a fresh copy of the base: identical logits, config and trainability.
    void saveLoadRoundTrip()
    {
        tb::LlamaModel model = baseModel();
        tb::applyLora(model, loraConfig(kAllTargets, 0.1), 5);
        randomizeB(model, 6);
        model->eval();
        const std::string dir = (tbtest::tempDir() + "/round-trip").toStdString();
        tb::saveLoraAdapter(model, dir, "TinyLlama/TinyLlama-1.1B-Chat-v1.0");
        tb::saveLoraAdapter(model, dir, "TinyLlama/TinyLlama-1.1B-Chat-v1.0"); // over an existing one
        for (const auto &entry : fs::directory_iterator(dir))
            QVERIFY2(entry.path().extension() != ".tmp", entry.path().c_str());

        tb::LlamaModel fresh = baseModel();
        const tb::LoraConfig c = tb::loadLoraAdapter(fresh, dir);
        QCOMPARE(c.rank, int64_t(4));
        QCOMPARE(c.alpha, 8.0);
        QCOMPARE(c.dropout, 0.1);
        QCOMPARE(c.targets, kAllTargets);
        QCOMPARE(tb::loraConfigOf(fresh).targets, kAllTargets);
        fresh->eval();
        QVERIFY(torch::equal(logitsOf(fresh, sampleIds()), logitsOf(model, sampleIds())));
        for (const auto &p : fresh->named_parameters())
            QCOMPARE(p.value().requires_grad(), p.key().find(".lora_") != std::string::npos);

        // Loading from the same folder twice is refused rather than stacking adapters.
        try {
            tb::loadLoraAdapter(fresh, dir);
            QFAIL("a second adapter must be refused");
        } catch (const tb::Error &e) {
            QVERIFY2(std::string(e.what()).find("already has LoRA adapters") != std::string::npos, e.what());
        }
    }

    // The exact names, shapes, dtype and config fields PEFT writes and reads.
    void peftLayout()
    {
        const auto j = tbtest::readJsonFile(m_good + "/adapter_config.json");
        QCOMPARE(j["peft_type"].get<std::string>(), std::string("LORA"));
        QCOMPARE(j["task_type"].get<std::string>(), std::string("CAUSAL_LM"));
        QCOMPARE(j["r"].get<int64_t>(), int64_t(4));
        QVERIFY(j["lora_alpha"].is_number_integer());
        QCOMPARE(j["lora_alpha"].get<int64_t>(), int64_t(8));
        QCOMPARE(j["lora_dropout"].get<double>(), 0.0);
        QCOMPARE(j["target_modules"].get<std::vector<std::string>>(),
                 (std::vector<std::string>{"q_proj", "k_proj", "v_proj", "o_proj", "down_proj"}));
        QCOMPARE(j["bias"].get<std::string>(), std::string("none"));
        QCOMPARE(j["fan_in_fan_out"].get<bool>(), false);
        QCOMPARE(j["inference_mode"].get<bool>(), true);
        QCOMPARE(j["init_lora_weights"].get<bool>(), true);
        QCOMPARE(j["base_model_name_or_path"].get<std::string>(), std::string("tiny-base"));
        QVERIFY(j.contains("modules_to_save") && j["modules_to_save"].is_null());

        std::map<std::string, std::string> metadata;
        const tb::StoredTensors stored = tb::readSafetensors(m_good + "/adapter_model.safetensors", &metadata);
        QCOMPARE(metadata["format"], std::string("pt"));
        QCOMPARE(stored.size(), size_t(2 * 5 * 2));
        auto shapeOf = [&](const std::string &name) {
            auto it = stored.find(name);
            return it == stored.end() ? std::vector<int64_t>{-1} : it->second.shape;
        };
        const tb::ModelConfig c = smallConfig();
        QCOMPARE(shapeOf("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"),
                 (std::vector<int64_t>{4, c.hiddenSize}));
        QCOMPARE(shapeOf("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"),
                 (std::vector<int64_t>{c.hiddenSize, 4}));
        QCOMPARE(shapeOf("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight"),
                 (std::vector<int64_t>{c.kvDim(), 4}));
        QCOMPARE(shapeOf("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight"),
                 (std::vector<int64_t>{4, c.intermediateSize}));
        QCOMPARE(shapeOf("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"),
                 (std::vector<int64_t>{c.hiddenSize, 4}));
        for (const auto &[name, t] : stored)
            QCOMPARE(t.dtype, std::string("F32"));

        // The stored values are the model's.
        tb::LlamaModel fresh = baseModel();
        tb::loadLoraAdapter(fresh, m_good);
        torch::Tensor a = torch::empty({4, c.hiddenSize});
        stored.at("base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight").readInto(a);
        QVERIFY(torch::equal(a, fresh->named_parameters()["model.layers.1.self_attn.v_proj.lora_A.weight"]));
    }

    // PEFT saves without the adapter name; some tools keep `.default`. F16/BF16 files load
    // as float32 adapters.
    void otherSpellingsAndDtypes_data()
    {
        QTest::addColumn<bool>("infix");
        QTest::addColumn<QString>("dtype");
        QTest::newRow("default-infix-f32") << true << "F32";
        QTest::newRow("plain-bf16") << false << "BF16";
        QTest::newRow("default-infix-f16") << true << "F16";
    }

    void otherSpellingsAndDtypes()
    {
        QFETCH(bool, infix);
        QFETCH(QString, dtype);
        const std::string dir = copyAdapter(m_good, "spelling-" + QString(QTest::currentDataTag()));
        auto tensors = readAll(dir + "/adapter_model.safetensors");
        for (auto &[name, t] : tensors) {
            if (infix)
                name.replace(name.size() - std::string(".weight").size(), 7, ".default.weight");
        }
        tb::writeSafetensors(dir + "/adapter_model.safetensors", tensors, dtype.toStdString());

        tb::LlamaModel model = baseModel();
        tb::loadLoraAdapter(model, dir);
        QCOMPARE(tb::loraNamedParameters(model).size(), size_t(20));
        const torch::Dtype rounded = dtype == "F32" ? torch::kFloat : dtype == "F16" ? torch::kHalf : torch::kBFloat16;
        for (const auto &[name, t] : tensors) {
            std::string hf = name.substr(std::string("base_model.model.").size());
            if (infix)
                hf.replace(hf.find(".default"), 8, "");
            const torch::Tensor loaded = model->named_parameters()[hf];
            QCOMPARE(loaded.scalar_type(), torch::kFloat);
            QVERIFY2(torch::equal(loaded, t.to(rounded).to(torch::kFloat)), hf.c_str());
        }
        if (dtype == "F32")
            QVERIFY(torch::equal(logitsOf(model, sampleIds()), m_goodLogits));
    }

    // Each broken adapter is refused with a message naming the file and the problem, and
    // the model is exactly as it was (no adapters, same weights, same requires_grad).
    void badAdapters_data()
    {
        QTest::addColumn<QString>("fragment");
        QTest::newRow("missing-tensor")
            << "adapter_model.safetensors: missing tensor 'base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight'";
        QTest::newRow("wrong-shape")
            << "tensor 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight' has shape [4, 33], expected [4, 32]";
        QTest::newRow("rank-mismatch") << "has shape [4, 32], expected [8, 32] (r = 8 in adapter_config.json";
        QTest::newRow("unknown-target")
            << "adapter_config.json: unknown LoRA target module 'qkv_proj'; valid names are q_proj, k_proj, v_proj, "
               "o_proj, gate_proj, up_proj, down_proj";
        QTest::newRow("target-without-weights") << "missing tensor 'base_model.model.model.layers.0.mlp.up_proj.lora_A.weight'";
        QTest::newRow("extra-tensor") << "unexpected tensor 'base_model.model.model.layers.7.self_attn.q_proj.lora_A.weight'";
        QTest::newRow("no-peft-prefix") << "does not start with 'base_model.model.'";
        QTest::newRow("corrupt-config") << "adapter_config.json: not valid JSON";
        QTest::newRow("not-lora") << "peft_type is \"PREFIX_TUNING\"; only LORA adapters are supported";
        QTest::newRow("dora") << "DoRA adapters are not supported";
        QTest::newRow("integer-dtype") << "has dtype I32; expected F32, F16 or BF16";
        QTest::newRow("truncated-weights") << "adapter_model.safetensors";
        QTest::newRow("no-config") << "no adapter_config.json";
        QTest::newRow("pickle-only") << "has only adapter_model.bin";
    }

    void badAdapters()
    {
        QFETCH(QString, fragment);
        const QString tag = QTest::currentDataTag();
        const std::string dir = copyAdapter(m_good, "bad-" + tag);
        const std::string weights = dir + "/adapter_model.safetensors";
        const std::string configPath = dir + "/adapter_config.json";
        auto tensors = readAll(weights);
        nlohmann::json config = tbtest::readJsonFile(configPath);
        auto rewriteWeights = [&] { tb::writeSafetensors(weights, tensors, "F32"); };
        auto rewriteConfig = [&] { tbtest::writeBytes(configPath, config.dump(2)); };

        if (tag == "missing-tensor") {
            tensors.erase(std::remove_if(tensors.begin(), tensors.end(), [](const auto &e) {
                              return e.first == "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight";
                          }),
                          tensors.end());
            rewriteWeights();
        } else if (tag == "wrong-shape") {
            for (auto &[name, t] : tensors)
                if (name == "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")
                    t = torch::zeros({4, 33});
            rewriteWeights();
        } else if (tag == "rank-mismatch") {
            config["r"] = 8;
            rewriteConfig();
        } else if (tag == "unknown-target") {
            config["target_modules"].push_back("qkv_proj");
            rewriteConfig();
        } else if (tag == "target-without-weights") {
            config["target_modules"].push_back("up_proj");
            rewriteConfig();
        } else if (tag == "extra-tensor") {
            tensors.emplace_back("base_model.model.model.layers.7.self_attn.q_proj.lora_A.weight", torch::zeros({4, 32}));
            rewriteWeights();
        } else if (tag == "no-peft-prefix") {
            for (auto &[name, t] : tensors)
                name = name.substr(std::string("base_model.model.").size());
            rewriteWeights();
        } else if (tag == "corrupt-config") {
            tbtest::writeBytes(configPath, "{\"peft_type\": \"LORA\", \"r\": 4, \"target_modules\": [\"q_pr");
        } else if (tag == "not-lora") {
            config["peft_type"] = "PREFIX_TUNING";
            rewriteConfig();
        } else if (tag == "dora") {
            config["use_dora"] = true;
            rewriteConfig();
        } else if (tag == "integer-dtype") {
            // Same byte count, so the file stays well-formed: only the dtype is wrong.
            std::string bytes = tb::readTextFile(weights);
            const size_t at = bytes.find("\"dtype\":\"F32\"");
            QVERIFY(at != std::string::npos);
            bytes.replace(at, 13, "\"dtype\":\"I32\"");
            tbtest::writeBytes(weights, bytes);
        } else if (tag == "truncated-weights") {
            fs::resize_file(weights, fs::file_size(weights) / 2);
        } else if (tag == "no-config") {
            fs::remove(configPath);
        } else if (tag == "pickle-only") {
            fs::rename(weights, dir + "/adapter_model.bin");
        } else {
            QFAIL("unknown row");
        }

        tb::LlamaModel model = baseModel();
        const Snapshot before = snapshot(model);
        try {
            tb::loadLoraAdapter(model, dir);
            QFAIL("the broken adapter was accepted");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains(fragment), e.what());
        }
        QVERIFY(!tb::hasLora(model));
        QVERIFY(unchanged(model, before));
    }

    void badConfigs_data()
    {
        QTest::addColumn<QString>("fragment");
        QTest::newRow("rank-0") << "LoRA rank must be at least 1";
        QTest::newRow("alpha-0") << "LoRA alpha must be a positive number";
        QTest::newRow("dropout-1") << "LoRA dropout must be in [0, 1)";
        QTest::newRow("unknown-target")
            << "unknown LoRA target module 'lm_head'; valid names are q_proj, k_proj, v_proj, o_proj, gate_proj, "
               "up_proj, down_proj";
        QTest::newRow("repeated-target") << "LoRA target module 'q_proj' is listed twice";
        QTest::newRow("no-targets") << "no LoRA target modules";
        QTest::newRow("twice") << "already has LoRA adapters";
    }

    void badConfigs()
    {
        QFETCH(QString, fragment);
        const QString tag = QTest::currentDataTag();
        tb::LoraConfig c = loraConfig();
        if (tag == "rank-0")
            c.rank = 0;
        else if (tag == "alpha-0")
            c.alpha = 0;
        else if (tag == "dropout-1")
            c.dropout = 1.0;
        else if (tag == "unknown-target")
            c.targets = {"q_proj", "lm_head"};
        else if (tag == "repeated-target")
            c.targets = {"q_proj", "v_proj", "q_proj"};
        else if (tag == "no-targets")
            c.targets.clear();
        tb::LlamaModel model = baseModel();
        if (tag == "twice")
            tb::applyLora(model, loraConfig(), 1);
        const Snapshot before = snapshot(model);
        try {
            tb::applyLora(model, c, 2);
            QFAIL("the config was accepted");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains(fragment), e.what());
        }
        QVERIFY(unchanged(model, before));
    }

    // A bf16 base with float32 adapters: forward and backward run, gradients are float32
    // and reach the adapters only, and the merged bf16 model stays close to the unmerged one.
    void bf16BaseFloatAdapters()
    {
        tb::LlamaModel model = baseModel(torch::kBFloat16);
        const torch::Tensor ids = sampleIds();
        const torch::Tensor base = logitsOf(model, ids);
        tb::applyLora(model, loraConfig(), 5);
        randomizeB(model, 6);
        for (const auto &p : model->named_parameters())
            QCOMPARE(p.value().scalar_type(),
                     p.key().find(".lora_") != std::string::npos ? torch::kFloat : torch::kBFloat16);

        model->train();
        const torch::Tensor loss = lossOf(model, ids);
        QVERIFY(std::isfinite(loss.item<double>()));
        loss.backward();
        for (const auto &p : model->named_parameters()) {
            if (p.key().find(".lora_") == std::string::npos) {
                QVERIFY(!p.value().grad().defined());
                continue;
            }
            const torch::Tensor g = p.value().grad();
            QVERIFY2(g.defined(), p.key().c_str());
            QCOMPARE(g.scalar_type(), torch::kFloat);
            QVERIFY(torch::isfinite(g).all().item<bool>());
            if (p.key().find("lora_B") != std::string::npos)
                QVERIFY2(torch::count_nonzero(g).item<int64_t>() > 0, p.key().c_str());
        }

        model->eval();
        const torch::Tensor unmerged = logitsOf(model, ids);
        QCOMPARE(unmerged.scalar_type(), torch::kFloat);
        const double scale = unmerged.abs().max().item<double>();
        QVERIFY(maxDiff(unmerged, base) > 0.2 * scale); // the adapters matter
        tb::LlamaModel merged = tb::mergedCopy(model);
        QCOMPARE(merged->dtype(), torch::kBFloat16);
        const double diff = maxDiff(logitsOf(merged, ids), unmerged);
        QVERIFY2(diff < 0.05 * scale, (std::to_string(diff) + " vs scale " + std::to_string(scale)).c_str());
    }
};

TB_REGISTER_TEST(TestLora, "lora");
#include "tst_lora.moc"
