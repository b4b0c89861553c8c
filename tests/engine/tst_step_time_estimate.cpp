// The Model page's time-per-step estimate: the FLOP count of a training step, checked by
// hand for one preset, and the estimate (FLOPs ÷ a measured matmul rate) against a real
// training step of a small model measured on the same machine.
#include "llama_model.h"
#include "optimizer.h"
#include "runtime.h"
#include "step_time_estimate.h"
#include "test_support.h"
#include "train_config.h"
#include "train_step.h"

#include <QtTest/QtTest>

#include <chrono>

class TestStepTimeEstimate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void flopCountOfNanoPreset()
    {
        // nano at vocab 1000: hidden 64, intermediate 176, 4 layers, 4 heads, 4 KV heads.
        const tb::ModelConfig c = tb::presetConfig("nano", 1000);
        // Per layer: q, k, v, o = 4 × 64 × 64 = 16384; gate, up, down = 3 × 64 × 176 = 33792.
        // Four layers, plus the LM head 1000 × 64 (tied to the embedding, still a product).
        const int64_t perLayer = 16384 + 33792;
        QCOMPARE(tb::matmulParameterCount(c), 4 * perLayer + 64000);
        // Everything but the norms (2 per layer + the final one, 64 each) multiplies.
        QCOMPARE(tb::matmulParameterCount(c), c.parameterCount() - (4 * 2 + 1) * 64);

        const tb::StepFlops f = tb::trainingStepFlops(c, 8, 256);
        const double tokens = 8.0 * 256.0;
        QCOMPARE(f.matmul, 6.0 * 264704.0 * tokens);                 // 3,252,682,752
        QCOMPARE(f.attention, 12.0 * 4.0 * 64.0 * 256.0 * tokens);    // 1,610,612,736
        QCOMPARE(f.total(), 4863295488.0);
        QCOMPARE(tb::estimateStepSeconds(c, 8, 256, 4863295488.0 / 2.0), 2.0);
    }

    void untiedHeadCountsOnce()
    {
        tb::ModelConfig c = tb::presetConfig("micro", 2000);
        c.tieWordEmbeddings = false;
        // The untied input embedding is a lookup: it adds parameters but no FLOPs.
        QCOMPARE(tb::matmulParameterCount(c), c.parameterCount() - 2000 * 128 - (4 * 2 + 1) * 128);
    }

    void estimateIsNearARealTrainingStep()
    {
        // One thread: OpenMP's barriers suffer far more than one BLAS thread when other
        // processes compete for the cores, which would make the two figures incomparable.
        tb::configureThreads(1);
        tb::ModelConfig c;
        c.vocabSize = 2000;
        c.hiddenSize = 256;
        c.intermediateSize = 688;
        c.numLayers = 4;
        c.numHeads = 4;
        c.numKvHeads = 4;
        c.maxPositions = 128;
        c.tieWordEmbeddings = true;
        const int64_t batch = 8, context = 128;
        tb::LlamaModel model(c);
        model->initWeights(1);
        tb::TrainConfig tc;
        auto optimizer = tb::makeAdamW(model->parameters(), tc);

        torch::manual_seed(2);
        tb::Batch b;
        auto tokens = torch::randint(3, c.vocabSize, {batch, context + 1}, torch::kLong);
        b.ids = tokens.narrow(1, 0, context).contiguous();
        b.targets = tokens.narrow(1, 1, context).contiguous();
        b.segmentIds = torch::ones({batch, context}, torch::kLong);
        b.trainedTokens = batch * context;
        auto step = [&] {
            optimizer->zero_grad();
            tb::accumulateGradients(model, {b}, tb::StepOptions{});
            optimizer->step();
        };
        step(); // warm-up: allocations, the optimizer's state
        // Each round measures the probe and then a step, back to back; the round that the
        // machine's other load (this machine is shared) disturbed least counts.
        double ratio = 1e9;
        for (int i = 0; i < 3; ++i) {
            const double rate = tb::measureMatmulFlopsPerSecond(0.1);
            QVERIFY2(rate > 1e8, qPrintable(QString::number(rate)));
            const auto t0 = std::chrono::steady_clock::now();
            step();
            const double real = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double estimate = tb::estimateStepSeconds(c, batch, context, rate);
            qInfo("measured %.1f GFLOP/s; real step %.3f s, estimate %.3f s, ratio %.2f", rate / 1e9, real, estimate,
                  real / estimate);
            ratio = std::min(ratio, real / estimate);
        }
        // FLOPs ÷ peak matmul rate leaves out the element-wise work, the softmax, the loss and
        // AdamW, so a real step takes longer; more than 6× would mean the FLOP count is wrong
        // (counting the forward pass only, 2N per token, would make it about 3× too small).
        QVERIFY2(ratio > 0.5 && ratio < 6.0, qPrintable(QString::number(ratio)));
    }
};

TB_REGISTER_TEST(TestStepTimeEstimate, "step_time_estimate");
#include "tst_step_time_estimate.moc"
