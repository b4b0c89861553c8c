// The training loop: schedule, AdamW, accumulation, exact resume, NaN handling, configs.
#include "engine_test_util.h"
#include "batching.h"
#include "dataset.h"
#include "error.h"
#include "llama_model.h"
#include "lr_schedule.h"
#include "hf_folder.h"
#include "optimizer.h"
#include "test_support.h"
#include "tokenizer.h"
#include "train_config.h"
#include "train_step.h"
#include "trainer.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

namespace {

std::map<int64_t, double> stepLosses(const QString &runDir)
{
    std::map<int64_t, double> losses;
    QFile f(runDir + "/metrics.jsonl");
    f.open(QIODevice::ReadOnly);
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        auto j = nlohmann::json::parse(line.toStdString());
        if (j.contains("loss"))
            losses[j["step"].get<int64_t>()] = j["loss"].get<double>();
    }
    return losses;
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void learningRateSchedule()
    {
        // Warmup: (s + 1) / (warmup + 1) of the peak.
        QCOMPARE(tb::learningRateAt(tb::LrSchedule::Cosine, 0, 100, 2000, 1e-3, 1e-4), 1e-3 / 101);
        QCOMPARE(tb::learningRateAt(tb::LrSchedule::Cosine, 99, 100, 2000, 1e-3, 1e-4), 1e-3 * 100 / 101);
        QVERIFY(qFuzzyCompare(tb::learningRateAt(tb::LrSchedule::Cosine, 100, 100, 2000, 1e-3, 1e-4), 1e-3));
        QVERIFY(qFuzzyCompare(tb::learningRateAt(tb::LrSchedule::Cosine, 1050, 100, 2000, 1e-3, 1e-4), 5.5e-4));
        QVERIFY(qFuzzyCompare(tb::learningRateAt(tb::LrSchedule::Cosine, 2000, 100, 2000, 1e-3, 1e-4), 1e-4));
        QVERIFY(qFuzzyCompare(tb::learningRateAt(tb::LrSchedule::Linear, 1050, 100, 2000, 1e-3, 1e-4), 5.5e-4));
        QVERIFY(qFuzzyCompare(tb::learningRateAt(tb::LrSchedule::Linear, 575, 100, 2000, 1e-3, 1e-4), 7.75e-4));
        QCOMPARE(tb::learningRateAt(tb::LrSchedule::Constant, 1500, 100, 2000, 1e-3, 1e-4), 1e-3);
    }

    // Two AdamW steps computed by hand: m, v, bias correction, decoupled decay on the
    // matrix, none on the vector (a norm weight).
    void adamwMatchesHandComputed()
    {
        auto matrix = torch::tensor({{1.0f, -2.0f}, {0.5f, 3.0f}}).requires_grad_();
        auto vector = torch::tensor({1.0f, 2.0f}).requires_grad_();
        tb::TrainConfig c;
        c.learningRate = 0.1;
        c.beta1 = 0.9;
        c.beta2 = 0.99;
        c.adamEps = 1e-8;
        c.weightDecay = 0.5;
        auto adam = tb::makeAdamW({matrix, vector}, c);
        const std::vector<std::vector<float>> gradsM = {{0.1f, -0.2f, 0.3f, 0.0f}, {-0.4f, 0.5f, 0.1f, 2.0f}};
        const std::vector<std::vector<float>> gradsV = {{1.0f, -1.0f}, {0.5f, 0.25f}};
        std::vector<double> pM = {1.0, -2.0, 0.5, 3.0}, pV = {1.0, 2.0};
        std::vector<double> mM(4), vM(4), mV(2), vV(2);
        auto handStep = [&](std::vector<double> &p, std::vector<double> &m, std::vector<double> &v,
                            const std::vector<float> &g, double wd, int t) {
            for (size_t i = 0; i < p.size(); ++i) {
                p[i] *= 1.0 - c.learningRate * wd;
                m[i] = c.beta1 * m[i] + (1 - c.beta1) * g[i];
                v[i] = c.beta2 * v[i] + (1 - c.beta2) * double(g[i]) * g[i];
                const double mHat = m[i] / (1 - std::pow(c.beta1, t));
                const double vHat = v[i] / (1 - std::pow(c.beta2, t));
                p[i] -= c.learningRate * mHat / (std::sqrt(vHat) + c.adamEps);
            }
        };
        for (int t = 1; t <= 2; ++t) {
            matrix.mutable_grad() = torch::tensor(gradsM[t - 1]).view({2, 2});
            vector.mutable_grad() = torch::tensor(gradsV[t - 1]);
            adam->step();
            handStep(pM, mM, vM, gradsM[t - 1], c.weightDecay, t);
            handStep(pV, mV, vV, gradsV[t - 1], 0.0, t);
        }
        for (int i = 0; i < 4; ++i)
            QVERIFY2(std::abs(matrix.view({-1})[i].item<double>() - pM[size_t(i)]) < 1e-6, qPrintable(QString::number(i)));
        for (int i = 0; i < 2; ++i)
            QVERIFY(std::abs(vector[i].item<double>() - pV[size_t(i)]) < 1e-6);
    }

    // Four micro-batches of size b with uneven masks give the gradients of one batch of 4b.
    void accumulationEqualsOneLargeBatch()
    {
        tb::ModelConfig mc;
        mc.vocabSize = 64;
        mc.hiddenSize = 32;
        mc.intermediateSize = 64;
        mc.numHeads = 4;
        mc.numKvHeads = 2;
        mc.numLayers = 2;
        mc.maxPositions = 32;
        tb::LlamaModel model(mc);
        model->initWeights(3);
        // 8 examples of different lengths whose trained spans differ a lot.
        std::vector<tb::Example> examples;
        torch::manual_seed(5);
        for (int i = 0; i < 8; ++i) {
            tb::Example e;
            const int len = 6 + 3 * i;
            for (int t = 0; t < len; ++t) {
                e.ids.push_back(torch::randint(3, 64, {1}).item<int64_t>());
                e.trained.push_back(t >= len - (1 + i * i % 7) ? 1 : 0);
            }
            examples.push_back(e);
        }
        tb::BatchOptions big;
        big.batchSize = 8;
        big.contextLength = 32;
        big.shuffle = false;
        tb::BatchOptions small = big;
        small.batchSize = 2;
        tb::BatchIterator one(examples, big, 0), four(examples, small, 0);
        QCOMPARE(one.size(), int64_t(1));
        QCOMPARE(four.size(), int64_t(4));
        auto grads = [&](const std::vector<tb::Batch> &batches, double *loss) {
            model->zero_grad();
            *loss = tb::accumulateGradients(model, batches, tb::StepOptions{});
            std::vector<torch::Tensor> out;
            for (const auto &p : model->parameters())
                out.push_back(p.grad().clone());
            return out;
        };
        double lossOne = 0, lossFour = 0;
        auto gOne = grads({one.batch(0)}, &lossOne);
        auto gFour = grads({four.batch(0), four.batch(1), four.batch(2), four.batch(3)}, &lossFour);
        QVERIFY(std::abs(lossOne - lossFour) < 1e-6);
        double worst = 0;
        for (size_t i = 0; i < gOne.size(); ++i)
            worst = std::max(worst, (gOne[i] - gFour[i]).abs().max().item<double>());
        QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
        // The uneven masks matter: averaging per micro-batch would give other gradients.
        int64_t counts[4];
        for (int i = 0; i < 4; ++i)
            counts[i] = four.batch(i).trainedTokens;
        QVERIFY(counts[0] != counts[1]);
    }

    // Stop at step k, resume, and get the losses of an uninterrupted run.
    void resumeIsExact()
    {
        if (tbtest::shakespeareSample(40000).isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        const QString straight = tbtest::tempDir() + "/straight";
        tb::TrainResult a = tb::runTraining(tbtest::smallShakespeareRun(straight), {});
        QCOMPARE(a.status, std::string("finished"));
        QCOMPARE(a.steps, int64_t(8));

        const QString interrupted = tbtest::tempDir() + "/interrupted";
        tb::TrainControl control;
        tb::TrainResult b = tb::runTraining(tbtest::smallShakespeareRun(interrupted), [&](const tb::TrainEvent &e) {
            if (e.kind == tb::TrainEvent::Kind::Step && e.step == 5)
                control.stop = true;
        }, &control);
        QCOMPARE(b.status, std::string("stopped"));
        QCOMPARE(b.steps, int64_t(5));
        tb::TrainResult c = tb::resumeTraining(interrupted.toStdString(), {});
        QCOMPARE(c.status, std::string("finished"));
        QCOMPARE(c.steps, int64_t(8));

        const auto la = stepLosses(straight), lb = stepLosses(interrupted);
        QCOMPARE(la.size(), size_t(8));
        QCOMPARE(lb.size(), size_t(8));
        for (const auto &[step, loss] : la)
            QVERIFY2(std::abs(loss - lb.at(step)) <= 1e-6,
                     qPrintable(QStringLiteral("step %1: %2 vs %3").arg(step).arg(loss).arg(lb.at(step))));
        QVERIFY(std::abs(a.finalValLoss - c.finalValLoss) <= 1e-6);
        // Training really learned something.
        QVERIFY(la.at(8) < la.at(1));
    }

    // Pause holds the run at the next step boundary until it is lifted; the step after it
    // comes only then, and the losses are those of an uninterrupted run.
    void pauseHoldsTheRunBetweenSteps()
    {
        if (tbtest::shakespeareSample(40000).isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        using Clock = std::chrono::steady_clock;
        tb::TrainControl control;
        Clock::time_point pausedAt, nextStepAt;
        std::thread lifter;
        const QString dir = tbtest::tempDir() + "/paused";
        tb::TrainConfig c = tbtest::smallShakespeareRun(dir);
        c.maxSteps = 5;
        tb::TrainResult r = tb::runTraining(c, [&](const tb::TrainEvent &e) {
            if (e.kind != tb::TrainEvent::Kind::Step)
                return;
            if (e.step == 3) {
                control.pause = true;
                pausedAt = Clock::now();
                lifter = std::thread([&] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(400));
                    control.pause = false;
                });
            } else if (e.step == 4) {
                nextStepAt = Clock::now();
            }
        }, &control);
        lifter.join();
        QCOMPARE(r.status, std::string("finished"));
        QCOMPARE(r.steps, int64_t(5));
        QVERIFY2(nextStepAt - pausedAt >= std::chrono::milliseconds(400),
                 qPrintable(QString::number(std::chrono::duration<double>(nextStepAt - pausedAt).count())));
    }

    void nanLossStopsNamingTheStep()
    {
        if (tbtest::shakespeareSample(40000).isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        // A checkpoint whose weights hold a NaN: fine-tuning it must stop at step 1.
        tb::TokenizerTrainOptions t;
        t.corpusPath = tbtest::shakespeareSample(40000).toStdString();
        t.outputPrefix = (tbtest::tempDir() + "/sp").toStdString();
        t.vocabSize = 400;
        auto tokenizer = tb::Tokenizer::train(t);
        tb::ModelConfig mc = tb::presetConfig("nano", tokenizer->vocabSize());
        mc.maxPositions = 32;
        tb::LlamaModel model(mc);
        model->initWeights(1);
        {
            torch::NoGradGuard noGrad;
            model->model->norm->weight[3] = std::numeric_limits<float>::quiet_NaN();
        }
        const QString base = tbtest::tempDir() + "/nan-model";
        tb::exportHfFolder(model, tokenizer.get(), base.toStdString(), "F32");
        tb::TrainConfig c = tbtest::smallShakespeareRun(tbtest::tempDir() + "/nan-run");
        c.model = base.toStdString();
        c.evalEvery = 0;
        try {
            tb::runTraining(c, {});
            QFAIL("a NaN loss did not stop the run");
        } catch (const tb::Error &e) {
            const QString message = e.what();
            QVERIFY2(message.contains("step 1") && message.contains("NaN"), qPrintable(message));
        }
    }

    void configOverridesAndErrors()
    {
        const QString dir = tbtest::tempDir();
        QFile toml(dir + "/run.toml");
        QVERIFY(toml.open(QIODevice::WriteOnly));
        toml.write("[data]\ndata = \"corpus.txt\"\n[optim]\nlearning_rate = 0.002\nmax_steps = 50\n");
        toml.close();
        tb::TrainConfig c = tb::loadTrainConfig((dir + "/run.toml").toStdString(), {"max_steps=7", "schedule=linear"});
        QCOMPARE(c.learningRate, 0.002);
        QCOMPARE(c.maxSteps, int64_t(7));
        QVERIFY(c.schedule == tb::LrSchedule::Linear);
        // The resolved config round-trips through JSON.
        tb::TrainConfig back = tb::trainConfigFromJson(tb::trainConfigToJson(c), "back");
        QCOMPARE(back.maxSteps, c.maxSteps);
        QCOMPARE(back.data, c.data);
        auto expectError = [&](const std::vector<std::string> &sets, const QString &fragment) {
            try {
                tb::loadTrainConfig((dir + "/run.toml").toStdString(), sets);
                QFAIL("accepted a bad option");
            } catch (const tb::Error &e) {
                QVERIFY2(QString(e.what()).contains(fragment), e.what());
            }
        };
        expectError({"learning_rat=1"}, "unknown option 'learning_rat'");
        expectError({"max_steps=many"}, "expected a whole number");
        expectError({"schedule=exponential"}, "choose one of constant, linear, cosine");
        QFile bad(dir + "/bad.toml");
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("data = \"x\"\nmax_steps = = 3\n");
        bad.close();
        try {
            tb::loadTrainConfig((dir + "/bad.toml").toStdString(), {});
            QFAIL("accepted bad TOML");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("bad.toml:2"), e.what());
        }
    }
};

TB_REGISTER_TEST(TestTrainer, "trainer");
#include "tst_trainer.moc"
