// Training options beyond the plain loop: early stopping and the best checkpoint, freezing,
// gradient checkpointing, bf16 autocast, the memory check, LoRA runs and their export.
#include "engine_test_util.h"
#include "early_stopping.h"
#include "error.h"
#include "llama_model.h"
#include "lora.h"
#include "peft_adapter.h"
#include "memory_estimate.h"
#include "model_loader.h"
#include "model_snapshot.h"
#include "run_checkpoint.h"
#include "test_support.h"
#include "tokenizer.h"
#include "train_config.h"
#include "train_step.h"
#include "trainer.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <thread>

namespace fs = std::filesystem;

namespace {

// The engine tests' small run, evaluated every 2 steps and keeping one recent checkpoint.
tb::TrainConfig optionsRun(const QString &runDir)
{
    tb::TrainConfig c = tbtest::smallShakespeareRun(runDir);
    c.evalEvery = 2;
    c.keepLast = 1;
    return c;
}

std::vector<nlohmann::json> metricLines(const QString &runDir)
{
    std::vector<nlohmann::json> lines;
    QFile f(runDir + "/metrics.jsonl");
    f.open(QIODevice::ReadOnly);
    for (const QByteArray &line : f.readAll().split('\n'))
        if (!line.isEmpty())
            lines.push_back(nlohmann::json::parse(line.toStdString()));
    return lines;
}

tb::ModelConfig tinyConfig()
{
    tb::ModelConfig mc;
    mc.vocabSize = 64;
    mc.hiddenSize = 32;
    mc.intermediateSize = 64;
    mc.numHeads = 4;
    mc.numKvHeads = 2;
    mc.numLayers = 3;
    mc.maxPositions = 32;
    return mc;
}

tb::Batch randomBatch(int64_t rows, int64_t length, int64_t vocab, int seed)
{
    torch::manual_seed(seed);
    tb::Batch b;
    auto tokens = torch::randint(3, vocab, {rows, length + 1}, torch::kLong);
    b.ids = tokens.narrow(1, 0, length).contiguous();
    b.targets = tokens.narrow(1, 1, length).contiguous();
    b.segmentIds = torch::ones({rows, length}, torch::kLong);
    b.trainedTokens = rows * length;
    return b;
}

std::vector<torch::Tensor> gradients(tb::LlamaModel &model, const tb::Batch &batch, const tb::StepOptions &options)
{
    model->zero_grad();
    tb::accumulateGradients(model, {batch}, options);
    std::vector<torch::Tensor> out;
    for (const auto &p : model->parameters())
        out.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
    return out;
}

} // namespace

class TestTrainingOptions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void earlyStoppingRule()
    {
        tb::EarlyStopping loss("val_loss", 2, 0.01);
        QVERIFY(loss.update(3.0, 0));
        QVERIFY(loss.update(2.5, 10));
        QVERIFY(!loss.update(2.495, 20)); // not better by more than min_delta
        QVERIFY(!loss.shouldStop());
        QVERIFY(!loss.update(2.6, 30));
        QVERIFY(loss.shouldStop());
        QCOMPARE(loss.bestStep(), int64_t(10));
        QCOMPARE(loss.best(), 2.5);
        // Accuracy-like metrics improve upwards; a NaN never counts as an improvement.
        tb::EarlyStopping f1("macro_f1", 1, 0.0);
        QVERIFY(f1.update(0.5, 0));
        QVERIFY(f1.update(0.7, 1));
        QVERIFY(!f1.update(std::nan(""), 2));
        QVERIFY(f1.shouldStop());
        QVERIFY(tb::EarlyStopping::higherIsBetter("check_pass_rate"));
        QVERIFY(!tb::EarlyStopping::higherIsBetter("val_ppl"));
    }

    // A learning rate this high makes the validation loss worse after its first improvement:
    // patience 2 stops the run, and the best checkpoint is kept beside the last one.
    void earlyStoppingStopsAndKeepsTheBest()
    {
        if (tbtest::shakespeareSample(40000).isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        const QString dir = tbtest::tempDir() + "/early";
        tb::TrainConfig c = optionsRun(dir);
        c.maxSteps = 60;
        c.evalEvery = 2;
        c.learningRate = 0.1; // improves at step 2, then overshoots once warmup ends
        c.warmupSteps = 4;
        c.gradClip = 0.0;
        c.earlyStoppingPatience = 2;
        tb::TrainResult r = tb::runTraining(c, {});
        QCOMPARE(r.status, std::string("early_stopped"));
        QVERIFY2(r.steps < 60, qPrintable(QString::number(r.steps)));
        // The run stopped exactly `patience` evaluations after its best one.
        double best = 1e9;
        int64_t bestStep = -1, lastEval = -1;
        for (const auto &j : metricLines(dir)) {
            if (!j.contains("val_loss") || j.contains("final"))
                continue;
            if (j["val_loss"].get<double>() < best) {
                best = j["val_loss"].get<double>();
                bestStep = j["step"].get<int64_t>();
                QVERIFY(j.value("best", false));
            }
            lastEval = j["step"].get<int64_t>();
        }
        QCOMPARE(lastEval, bestStep + 2 * c.evalEvery);
        QCOMPARE(r.steps, lastEval);
        QVERIFY(bestStep > 0);
        // Best and last both on disk (keep_last = 1 keeps only one other), and the run's
        // summary names the best, which is what `export` and `chat RUN_DIR` open.
        QVERIFY2(r.bestCheckpoint.find("step-" + QString::asprintf("%08lld", static_cast<long long>(bestStep)).toStdString())
                     != std::string::npos,
                 r.bestCheckpoint.c_str());
        QVERIFY(fs::exists(r.bestCheckpoint + "/model.safetensors"));
        QVERIFY(fs::exists(r.lastCheckpoint + "/model.safetensors"));
        int checkpoints = 0;
        for (const auto &e : fs::directory_iterator(dir.toStdString() + "/checkpoints"))
            checkpoints += e.is_directory();
        QCOMPARE(checkpoints, 2);
        QCOMPARE(tb::resolveCheckpoint(dir.toStdString()), r.bestCheckpoint);
        // The best checkpoint's weights give the best validation loss again.
        tb::LoadedModel bestModel = tb::loadModel(r.bestCheckpoint);
        QVERIFY(bestModel.model);
    }

    void freezingLeavesParametersUnchanged()
    {
        if (tbtest::shakespeareSample(40000).isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        const QString dir = tbtest::tempDir() + "/frozen";
        tb::TrainConfig c = optionsRun(dir);
        c.maxSteps = 3;
        c.evalEvery = 0;
        c.freezeEmbeddings = true;
        c.freezeLayers = 1;
        c.checkpointEvery = 1;
        c.keepLast = 5;
        tb::TrainResult r = tb::runTraining(c, {});
        QCOMPARE(r.steps, int64_t(3));
        tb::LoadedModel first = tb::loadModel(dir.toStdString() + "/checkpoints/step-00000001");
        tb::LoadedModel last = tb::loadModel(r.lastCheckpoint);
        auto a = first.model->named_parameters(), b = last.model->named_parameters();
        int changed = 0;
        for (const auto &p : a) {
            const bool same = torch::equal(p.value(), b[p.key()]);
            const bool frozen = p.key().find("embed_tokens") != std::string::npos
                || p.key().rfind("model.layers.0.", 0) == 0;
            QVERIFY2(same == frozen, p.key().c_str());
            changed += !same;
        }
        QVERIFY(changed > 0);
    }

    // Recomputing each layer in backward gives the gradients of the plain backward.
    void gradientCheckpointingGivesTheSameGradients()
    {
        tb::LlamaModel model(tinyConfig());
        model->initWeights(7);
        const tb::Batch batch = randomBatch(3, 16, 64, 11);
        const auto plain = gradients(model, batch, tb::StepOptions{});
        tb::StepOptions checkpointed;
        checkpointed.checkpointLayers = true;
        const auto recomputed = gradients(model, batch, checkpointed);
        QCOMPARE(plain.size(), recomputed.size());
        for (size_t i = 0; i < plain.size(); ++i)
            QVERIFY2((plain[i] - recomputed[i]).abs().max().item<double>() < 1e-6, qPrintable(QString::number(i)));

        // With frozen layers below and LoRA on top (nothing below needs a gradient), the
        // adapters still get theirs, equal to the plain backward's.
        tb::LoraConfig lora;
        lora.rank = 4;
        lora.dropout = 0.1; // dropout masks must be redrawn identically in the recomputation
        tb::applyLora(model, lora, 5);
        {
            torch::NoGradGuard noGrad;
            for (auto &p : tb::loraParameters(model))
                p.normal_(0.0, 0.1);
        }
        torch::manual_seed(99);
        const auto loraPlain = gradients(model, batch, tb::StepOptions{});
        torch::manual_seed(99);
        const auto loraCheckpointed = gradients(model, batch, checkpointed);
        int withGrad = 0;
        for (size_t i = 0; i < loraPlain.size(); ++i) {
            QCOMPARE(loraPlain[i].defined(), loraCheckpointed[i].defined());
            if (!loraPlain[i].defined())
                continue;
            ++withGrad;
            QVERIFY2((loraPlain[i] - loraCheckpointed[i]).abs().max().item<double>() < 1e-6,
                     qPrintable(QString::number(i)));
        }
        QCOMPARE(withGrad, int(tb::loraParameters(model).size()));
    }

    // bf16 autocast: the same loss within bf16's precision, and the weights stay float32.
    void autocastStaysCloseToFloat32()
    {
        tb::LlamaModel model(tinyConfig());
        model->initWeights(7);
        const tb::Batch batch = randomBatch(3, 16, 64, 12);
        model->zero_grad();
        const double f32 = tb::accumulateGradients(model, {batch}, tb::StepOptions{});
        tb::StepOptions bf16;
        bf16.autocastBf16 = true;
        model->zero_grad();
        const double mixed = tb::accumulateGradients(model, {batch}, bf16);
        QVERIFY2(std::abs(f32 - mixed) < 0.02, qPrintable(QStringLiteral("%1 vs %2").arg(f32).arg(mixed)));
        QVERIFY(f32 != mixed); // bf16 products really ran
        for (const auto &p : model->parameters()) {
            QCOMPARE(p.scalar_type(), torch::kFloat);
            QCOMPARE(p.grad().scalar_type(), torch::kFloat);
        }
    }

    // A run that does not fit is refused before any weight exists, with remedies that would.
    void memoryCheckRefusesWithRemedies()
    {
        tb::MemoryPlan plan;
        plan.model = tb::presetConfig("tinyllama", 32000);
        plan.batchSize = 8;
        plan.contextLength = 256;
        const tb::MemoryEstimate full = tb::estimateTrainingMemory(plan);
        // 1.1B parameters: weights, gradients and AdamW's moments alone are 16 bytes each.
        QVERIFY(full.weights + full.gradients + full.optimizer >= 16LL * plan.model.parameterCount());
        tb::MemoryPlan lora = plan;
        lora.loraRank = 8;
        lora.loraTargets = {"q_proj", "v_proj"};
        lora.baseBf16 = true;
        const tb::MemoryEstimate small = tb::estimateTrainingMemory(lora);
        QVERIFY(small.total() < full.total() / 2);
        QCOMPARE(small.trainableParameters, int64_t(8) * (2048 + 2048 + 2048 + 256) * 22);
        tb::MemoryPlan checkpointed = plan;
        checkpointed.gradientCheckpointing = true;
        QVERIFY(tb::estimateTrainingMemory(checkpointed).activations < full.activations / 4);

        const long long limit = 12LL << 30;
        QVERIFY(full.total() > limit);
        try {
            tb::requireMemoryFits(plan, limit);
            QFAIL("a run that does not fit was accepted");
        } catch (const tb::Error &e) {
            const QString m = e.what();
            QVERIFY2(m.contains("LoRA") && m.contains("gradient checkpointing") && m.contains("batch_size")
                         && m.contains("context_length") && m.contains("(fits)"),
                     e.what());
        }
        tb::requireMemoryFits(lora, limit); // fits: no throw

        // Through the trainer: memory_limit_mb refuses the run and nothing is trained.
        if (tbtest::shakespeareSample(40000).isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        tb::TrainConfig c = optionsRun(tbtest::tempDir() + "/refused");
        c.memoryLimitMb = 1;
        try {
            tb::runTraining(c, {});
            QFAIL("memory_limit_mb = 1 was accepted");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("MiB is available"), e.what());
        }
        QVERIFY(!fs::exists(tbtest::tempDir().toStdString() + "/refused/checkpoints"));
    }

    // LoRA fine-tuning of a saved model: the checkpoints are PEFT adapters, the base is
    // unchanged, resume continues exactly, and export merges the adapter into the base.
    void loraRunResumesAndExportsMerged()
    {
        if (tbtest::shakespeareSample(40000).isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        // A base model: a short from-scratch run.
        tb::TrainResult base = tb::runTraining(optionsRun(tbtest::tempDir() + "/lora-base"), {});
        const std::string baseModel = base.lastCheckpoint;

        auto loraRun = [&](const QString &dir) {
            tb::TrainConfig c = optionsRun(dir);
            c.model = baseModel;
            c.loraRank = 4;
            c.loraAlpha = 8;
            c.loraTargets = "q_proj,v_proj,down_proj";
            c.learningRate = 1e-2;
            c.evalEvery = 4;
            c.keepLast = 3;
            return c;
        };
        const QString straight = tbtest::tempDir() + "/lora-straight";
        tb::TrainResult a = tb::runTraining(loraRun(straight), {});
        QCOMPARE(a.status, std::string("finished"));
        QVERIFY(fs::exists(a.lastCheckpoint + "/adapter_model.safetensors"));
        QVERIFY(fs::exists(a.lastCheckpoint + "/adapter_config.json"));
        QVERIFY(!fs::exists(a.lastCheckpoint + "/model.safetensors"));

        const QString interrupted = tbtest::tempDir() + "/lora-interrupted";
        tb::TrainControl control;
        tb::runTraining(loraRun(interrupted), [&](const tb::TrainEvent &e) {
            if (e.kind == tb::TrainEvent::Kind::Step && e.step == 4)
                control.stop = true;
        }, &control);
        tb::TrainResult b = tb::resumeTraining(interrupted.toStdString(), {});
        QCOMPARE(b.steps, int64_t(8));
        QVERIFY2(std::abs(a.finalValLoss - b.finalValLoss) <= 1e-6,
                 qPrintable(QStringLiteral("%1 vs %2").arg(a.finalValLoss).arg(b.finalValLoss)));

        // Merged export == base + adapter, and differs from the base.
        tb::LoadedModel merged = tb::loadCheckpoint(straight.toStdString());
        tb::LoadedModel plain = tb::loadModel(baseModel);
        tb::LoadedModel adapted = tb::loadModel(baseModel);
        tb::loadLoraAdapter(adapted.model, a.lastCheckpoint);
        adapted.model->eval();
        torch::NoGradGuard noGrad;
        auto ids = torch::randint(3, 300, {2, 12}, torch::kLong);
        auto lm = merged.model->forward(ids), la = adapted.model->forward(ids), lp = plain.model->forward(ids);
        QVERIFY((lm - la).abs().max().item<double>() < 1e-4);
        QVERIFY((lm - lp).abs().max().item<double>() > 1e-4);
    }

    // Chat with the run in progress: snapshots requested while the run goes on are each
    // exactly the weights of one step boundary (equal to that step's checkpoint), and stay
    // unchanged while training continues.
    void snapshotsAreWholeStepsAndImmutable()
    {
        if (tbtest::shakespeareSample(40000).isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        const QString dir = tbtest::tempDir() + "/snapshots";
        tb::TrainConfig c = optionsRun(dir);
        c.maxSteps = 30;
        c.evalEvery = 0;
        c.checkpointEvery = 1;
        c.keepLast = 40;
        tb::TrainControl control;
        std::vector<std::shared_ptr<const tb::ModelSnapshot>> taken;
        std::vector<std::vector<torch::Tensor>> copiesAtReceipt;
        std::atomic<bool> done{false};
        // A "chat" thread asks for the weights again and again while the run trains.
        std::thread chat([&] {
            while (!done) {
                control.snapshotRequested = true;
                std::this_thread::sleep_for(std::chrono::milliseconds(15));
                auto s = control.latestSnapshot();
                if (s && (taken.empty() || taken.back() != s)) {
                    std::vector<torch::Tensor> copy;
                    for (const auto &p : s->model->parameters())
                        copy.push_back(p.clone());
                    taken.push_back(s);
                    copiesAtReceipt.push_back(copy);
                }
            }
        });
        const tb::TrainResult r = tb::runTraining(c, {}, &control);
        done = true;
        chat.join();
        QCOMPARE(r.status, std::string("finished"));
        QVERIFY2(taken.size() >= 3, qPrintable(QString::number(taken.size())));
        for (size_t i = 0; i < taken.size(); ++i) {
            const auto &snapshot = taken[i];
            QVERIFY(snapshot->step >= 0 && snapshot->step <= 30);
            // Immutable: the training that followed did not change what the chat holds.
            const auto params = snapshot->model->parameters();
            for (size_t j = 0; j < params.size(); ++j)
                QVERIFY(torch::equal(params[j], copiesAtReceipt[i][j]));
            if (snapshot->step == 0)
                continue;
            // Whole: exactly the weights saved at that step boundary.
            tb::LoadedModel saved = tb::loadModel(
                dir.toStdString() + "/checkpoints/" + QString::asprintf("step-%08lld", static_cast<long long>(snapshot->step)).toStdString());
            auto expected = saved.model->named_parameters();
            for (const auto &p : snapshot->model->named_parameters())
                QVERIFY2(torch::equal(p.value(), expected[p.key()]), p.key().c_str());
        }
    }

    // A LoRA snapshot copies only the adapters: the frozen base is shared, not duplicated.
    void loraSnapshotCopiesOnlyTheAdapters()
    {
        tb::LlamaModel model(tinyConfig());
        model->initWeights(3);
        tb::LoraConfig lora;
        lora.rank = 4;
        tb::applyLora(model, lora, 1);
        {
            torch::NoGradGuard noGrad;
            for (auto &p : tb::loraParameters(model))
                p.normal_(0.0, 0.1);
        }
        model->eval();
        tb::LlamaModel copy = tb::snapshotCopy(model);
        auto ids = torch::randint(3, 64, {2, 10}, torch::kLong);
        torch::NoGradGuard noGrad;
        QVERIFY(torch::equal(copy->forward(ids), model->forward(ids)));
        auto mine = model->named_parameters();
        int shared = 0, copied = 0;
        for (const auto &p : copy->named_parameters()) {
            const bool same = p.value().data_ptr() == mine[p.key()].data_ptr();
            const bool adapter = p.key().find("lora_") != std::string::npos;
            QVERIFY2(same != adapter, p.key().c_str());
            shared += same;
            copied += !same;
        }
        QVERIFY(shared > 0 && copied == int(tb::loraParameters(model).size()));
    }
};

TB_REGISTER_TEST(TestTrainingOptions, "training_options");
#include "tst_training_options.moc"
