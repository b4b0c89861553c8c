// One optimizer step of the nanoGPT-recipe model (4 layers, 4 heads, 128 wide, 65-token
// windows, batch 12, vocabulary 65) under several thread and precision settings, next to
// the float32 matmul peak measured in the same process. It answers "where does a training
// step's time go" before a full run (bench/nanogpt/run.sh) does.
//
//   bench_train_step [--steps N] [--runs N] [--profile]
//
// Each setting: a warm-up, then the median over --runs of the mean step time over --steps.
#include "batching.h"
#include "llama_model.h"
#include "optimizer.h"
#include "runtime.h"
#include "train_config.h"
#include "train_step.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

// float32 GEMM throughput on square matrices (GFLOP/s), with the thread settings in force.
double matmulPeak(int64_t n)
{
    auto a = torch::randn({n, n}), b = torch::randn({n, n});
    torch::mm(a, b);
    std::vector<double> times;
    for (int i = 0; i < 5; ++i) {
        auto t0 = Clock::now();
        torch::mm(a, b);
        times.push_back(seconds(t0, Clock::now()));
    }
    return 2.0 * double(n) * double(n) * double(n) / median(times) / 1e9;
}

struct Setting {
    int threads;
    int blasThreads;
    bool autocast;
};

tb::Batch randomBatch(int64_t batch, int64_t context, int64_t vocab, uint64_t seed)
{
    torch::manual_seed(int64_t(seed));
    tb::Batch b;
    auto tokens = torch::randint(vocab, {batch, context + 1}, torch::kLong);
    b.ids = tokens.narrow(1, 0, context).contiguous();
    b.targets = tokens.narrow(1, 1, context).contiguous();
    b.segmentIds = torch::ones({batch, context}, torch::kLong);
    b.trainedTokens = batch * context;
    return b;
}

} // namespace

int main(int argc, char **argv)
{
    int steps = 20, runs = 3;
    bool profile = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--steps") && i + 1 < argc)
            steps = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--profile"))
            profile = true;
        else {
            std::fprintf(stderr, "usage: bench_train_step [--steps N] [--runs N] [--profile]\n");
            return 2;
        }
    }
    tb::ModelConfig m;
    m.vocabSize = 65;
    m.hiddenSize = 128;
    m.numLayers = 4;
    m.numHeads = 4;
    m.numKvHeads = 4;
    m.intermediateSize = 344;
    m.maxPositions = 64;
    m.tieWordEmbeddings = true;
    const int64_t batchSize = 12, context = 64;
    tb::TrainConfig c;
    c.learningRate = 1e-3;
    c.weightDecay = 0.1;
    c.beta2 = 0.99;

    const double flopsPerStep = 6.0 * double(m.parameterCount()) * double(batchSize * context);
    tb::configureThreads(2, 2);
    const double peak = matmulPeak(2048);
    std::printf("model: %lld parameters; %.2f GFLOP per step (6 x params x tokens)\n",
                static_cast<long long>(m.parameterCount()), flopsPerStep / 1e9);
    std::printf("float32 matmul peak (2048^2, 2 BLAS threads): %.0f GFLOP/s\n\n", peak);
    std::printf("| threads | BLAS threads | autocast | ms/step | GFLOP/s | of peak |\n");
    std::printf("| --- | --- | --- | --- | --- | --- |\n");

    const std::vector<Setting> settings = {{1, 1, false}, {2, 1, false}, {1, 2, false},
                                           {2, 2, false}, {1, 1, true},  {2, 1, true}};
    for (const Setting &s : settings) {
        tb::configureThreads(s.threads, s.blasThreads);
        tb::LlamaModel model(m);
        model->initWeights(1);
        std::vector<torch::Tensor> params = model->parameters();
        auto optimizer = tb::makeAdamW(params, c);
        std::vector<tb::Batch> batches;
        for (int i = 0; i < 4; ++i)
            batches.push_back(randomBatch(batchSize, context, m.vocabSize, uint64_t(i)));
        auto step = [&](int i) {
            tb::StepOptions options;
            options.autocastBf16 = s.autocast;
            tb::accumulateGradients(model, {batches[size_t(i) % batches.size()]}, options);
            torch::nn::utils::clip_grad_norm_(params, 1.0);
            optimizer->step();
            optimizer->zero_grad();
        };
        for (int i = 0; i < 5; ++i)
            step(i);
        std::vector<double> perStep;
        for (int r = 0; r < runs; ++r) {
            auto t0 = Clock::now();
            for (int i = 0; i < steps; ++i)
                step(i);
            perStep.push_back(seconds(t0, Clock::now()) / steps);
        }
        const double ms = median(perStep) * 1e3;
        const double gflops = flopsPerStep / (ms / 1e3) / 1e9;
        std::printf("| %d | %d | %s | %.1f | %.0f | %.0f%% |\n", s.threads, s.blasThreads,
                    s.autocast ? "bf16" : "off", ms, gflops, 100.0 * gflops / peak);
        std::fflush(stdout);
        if (profile && s.threads == 2 && s.blasThreads == 1 && !s.autocast) {
            torch::autograd::profiler::RecordProfile guard("bench_train_step.trace.json");
            for (int i = 0; i < 5; ++i)
                step(i);
        }
    }
    return 0;
}
