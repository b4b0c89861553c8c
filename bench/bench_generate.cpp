// Batch-1 generation speed with the KV cache: the fixture model (per-token overhead) and a
// TinyLlama-shaped model with random weights in float32 and bfloat16 (weight bandwidth),
// next to the machine's memory bandwidth measured by a STREAM-style triad in the same run.
//
//   bench_generate [--threads N] [--blas-threads N] [--tokens N] [--runs N] [--skip-large]
//                  [--skip-small] [--fixture DIR] [--shapes] [--profile]
//
// The machine is shared and noisy: every figure is the median of --runs runs.
#include "generator.h"
#include "model_config.h"
#include "model_loader.h"
#include "runtime.h"

#include <ATen/record_function.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    int threads = 0;       // 0 = cores
    int blasThreads = -1;  // -1 = the engine's default for `threads`
    int tokens = 32;       // new tokens per large-model run (the small model runs 8x as many)
    int runs = 5;
    int promptTokens = 8;
    bool skipLarge = false;
    bool skipSmall = false;
    bool shapes = false;   // also time linear / mv / matmul on one TinyLlama MLP weight
    bool profile = false;  // inclusive time per op over a few decode steps of each large model
    std::string fixture;
};

double median(std::vector<double> v)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

// STREAM's triad a = b + s*c over arrays far larger than the caches, split over `threads`
// std::threads, each touching its own slice first so its pages are local. Counts 3 arrays
// of traffic per pass as STREAM does (no write-allocate). Returns the median GB/s.
double triadGBps(int threads, int passes)
{
    const size_t n = size_t(1) << 25; // 32 Mi doubles = 256 MiB per array
    std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
    auto forSlices = [&](const std::function<void(size_t, size_t)> &body) {
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] { body(n * size_t(t) / size_t(threads), n * size_t(t + 1) / size_t(threads)); });
        for (auto &th : pool)
            th.join();
    };
    forSlices([&](size_t lo, size_t hi) {
        for (size_t i = lo; i < hi; ++i) {
            a[i] = 0.0;
            b[i] = 1.0;
            c[i] = 2.0;
        }
    });
    const double s = 3.0;
    std::vector<double> rates;
    for (int p = 0; p < passes; ++p) {
        const auto t0 = Clock::now();
        forSlices([&](size_t lo, size_t hi) {
            double *__restrict pa = a.get();
            const double *__restrict pb = b.get();
            const double *__restrict pc = c.get();
            for (size_t i = lo; i < hi; ++i)
                pa[i] = pb[i] + s * pc[i];
        });
        rates.push_back(3.0 * double(n) * sizeof(double) / seconds(t0, Clock::now()) / 1e9);
    }
    if (a[n / 2] != 7.0) // keeps the stores alive and checks the kernel
        std::fprintf(stderr, "triad: unexpected value %g\n", a[n / 2]);
    return median(rates);
}

// Bytes of weights one decode step reads: every parameter except the embedding table, of
// which it reads a single row (the KV cache at these short contexts is a few MB at most).
double weightBytesPerToken(tb::LlamaModel &model)
{
    double bytes = 0.0;
    for (const auto &p : model->named_parameters()) {
        const auto &t = p.value();
        const double size = double(t.numel()) * double(t.element_size());
        if (p.key() == "model.embed_tokens.weight" && !model->config().tieWordEmbeddings)
            bytes += double(t.size(1)) * double(t.element_size());
        else
            bytes += size;
    }
    return bytes;
}

double modelBytes(tb::LlamaModel &model)
{
    double bytes = 0.0;
    for (const auto &p : model->parameters())
        bytes += double(p.numel()) * double(p.element_size());
    return bytes;
}

struct GenFigures {
    double tokensPerSecond = 0.0; // median over runs
    double minTps = 0.0, maxTps = 0.0;
};

GenFigures timeGeneration(tb::LlamaModel &model, int promptTokens, int tokens, int runs)
{
    std::vector<int64_t> prompt;
    for (int i = 0; i < promptTokens; ++i)
        prompt.push_back(1 + (i * 37) % (model->config().vocabSize - 1));
    tb::SamplingOptions o;
    o.maxNewTokens = tokens;
    o.stopAtEos = false; // random weights: always the full count
    {
        tb::SamplingOptions warm = o;
        warm.maxNewTokens = std::min(tokens, 4);
        tb::generate(model, nullptr, prompt, warm); // first-touch, thread pools, oneDNN kernels
    }
    std::vector<double> tps;
    for (int r = 0; r < runs; ++r) {
        auto result = tb::generate(model, nullptr, prompt, o);
        if (int(result.ids.size()) != tokens)
            std::fprintf(stderr, "generate stopped after %zu tokens\n", result.ids.size());
        tps.push_back(result.tokensPerSecond());
    }
    GenFigures f;
    f.tokensPerSecond = median(tps);
    f.minTps = *std::min_element(tps.begin(), tps.end());
    f.maxTps = *std::max_element(tps.begin(), tps.end());
    return f;
}

// Inclusive wall time per op name (RecordFunction), over `steps` decode steps.
void profileDecode(tb::LlamaModel &model, int steps)
{
    struct Ctx : at::ObserverContext {
        Clock::time_point t0;
    };
    static std::map<std::string, std::pair<double, int>> totals;
    totals.clear();
    c10::InferenceMode inference;
    auto cache = model->makeCache(1, steps + 2);
    tb::ForwardOptions fo;
    fo.cache = &cache;
    model->forward(torch::full({1, 1}, 5, torch::kLong), fo);
    auto handle = at::addThreadLocalCallback(at::RecordFunctionCallback(
        [](const at::RecordFunction &) -> std::unique_ptr<at::ObserverContext> {
            auto c = std::make_unique<Ctx>();
            c->t0 = Clock::now();
            return c;
        },
        [](const at::RecordFunction &fn, at::ObserverContext *c) {
            auto &t = totals[fn.name()];
            t.first += seconds(static_cast<Ctx *>(c)->t0, Clock::now());
            t.second += 1;
        }));
    const auto t0 = Clock::now();
    for (int i = 0; i < steps; ++i)
        model->forward(torch::full({1, 1}, 7 + i, torch::kLong), fo);
    const double all = seconds(t0, Clock::now());
    at::removeCallback(handle);
    std::vector<std::pair<double, std::string>> order;
    for (const auto &[name, t] : totals)
        order.push_back({t.first, name + " x" + std::to_string(t.second / steps)});
    std::sort(order.rbegin(), order.rend());
    std::printf("\nprofile (%s, %d steps, %.1f ms/step; inclusive ms/step):\n",
                model->dtype() == torch::kFloat ? "f32" : "bf16", steps, all / steps * 1e3);
    for (size_t i = 0; i < std::min<size_t>(12, order.size()); ++i)
        std::printf("  %8.2f  %s\n", order[i].first / steps * 1e3, order[i].second.c_str());
}

// linear vs mv vs matmul on a TinyLlama MLP weight (5632 x 2048), the call shapes
// LinearImpl::forward can choose between for a batch-1 decode step.
void timeShapes(int runs)
{
    torch::InferenceMode inference;
    std::printf("\n## Call shapes for one (5632 x 2048) weight times one vector (median of %d x 20 calls)\n\n", runs);
    std::printf("| dtype | call | GB/s of weight | us/call |\n|---|---|---:|---:|\n");
    for (auto dtype : {torch::kFloat, torch::kBFloat16}) {
        auto w = torch::randn({5632, 2048}).to(dtype);
        auto x = torch::randn({1, 1, 2048}).to(dtype);
        auto xv = x.view({-1});
        auto wt = w.t().contiguous();
        tb::Linear engine(2048, 5632, dtype);
        engine->weight.set_data(w);
        struct Shape {
            const char *name;
            std::function<torch::Tensor()> call;
        };
        std::vector<Shape> shapes = {
            {"linear(x, W)", [&] { return torch::nn::functional::linear(x, w); }},
            {"mv(W, x)", [&] { return torch::mv(w, xv); }},
            {"matmul(x, W^T)", [&] { return torch::matmul(x, w.t()); }},
            {"matmul(W, x)", [&] { return torch::matmul(w, xv); }},
            {"mm(x, Wt stored)", [&] { return torch::mm(xv.view({1, -1}), wt); }},
            {"tb::Linear (engine)", [&] { return engine(x); }},
        };
        for (auto &s : shapes) {
            s.call();
            std::vector<double> us;
            for (int r = 0; r < runs; ++r) {
                const auto t0 = Clock::now();
                for (int i = 0; i < 20; ++i)
                    s.call();
                us.push_back(seconds(t0, Clock::now()) / 20 * 1e6);
            }
            const double m = median(us);
            std::printf("| %s | %s | %.1f | %.0f |\n", dtype == torch::kFloat ? "f32" : "bf16", s.name,
                        double(w.numel() * w.element_size()) / (m * 1e-6) / 1e9, m);
        }
    }
}

int intArg(int &i, int argc, char **argv)
{
    if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", argv[i]);
        std::exit(2);
    }
    return std::atoi(argv[++i]);
}

} // namespace

int main(int argc, char **argv)
{
    Options opt;
    if (const char *shared = std::getenv("TUNEBENCH_SHARED"))
        opt.fixture = std::string(shared) + "/fixtures/tiny-llama-f32";
    else
        opt.fixture = "/work/shared/fixtures/tiny-llama-f32";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--threads")
            opt.threads = intArg(i, argc, argv);
        else if (a == "--blas-threads")
            opt.blasThreads = intArg(i, argc, argv);
        else if (a == "--tokens")
            opt.tokens = intArg(i, argc, argv);
        else if (a == "--runs")
            opt.runs = intArg(i, argc, argv);
        else if (a == "--prompt")
            opt.promptTokens = intArg(i, argc, argv);
        else if (a == "--skip-large")
            opt.skipLarge = true;
        else if (a == "--skip-small")
            opt.skipSmall = true;
        else if (a == "--shapes")
            opt.shapes = true;
        else if (a == "--profile")
            opt.profile = true;
        else if (a == "--fixture" && i + 1 < argc)
            opt.fixture = argv[++i];
        else {
            std::fprintf(stderr,
                         "usage: %s [--threads N] [--blas-threads N] [--tokens N] [--runs N] [--prompt N]\n"
                         "          [--skip-large] [--skip-small] [--shapes] [--profile] [--fixture DIR]\n",
                         argv[0]);
            return a == "--help" ? 0 : 2;
        }
    }
    const int threads = opt.threads > 0 ? opt.threads : tb::defaultThreadCount();
    tb::configureThreads(threads, opt.blasThreads);
    torch::NoGradGuard noGrad;

    std::printf("# bench_generate\n\n");
    std::printf("torch threads %d, blas threads %s, %s\n", torch::get_num_threads(),
                opt.blasThreads < 0 ? "engine default" : std::to_string(opt.blasThreads).c_str(),
                tb::blasDescription().c_str());
    std::printf("prompt %d tokens; large models: median of %d runs of %d new tokens; fixture: median of %d runs "
                "of up to %d\n",
                opt.promptTokens, opt.runs, opt.tokens, 3 * opt.runs, opt.tokens * 8);

    const double triad = triadGBps(threads, 2 * opt.runs + 1);
    std::printf("memory bandwidth (STREAM triad, %d threads, median): %.1f GB/s\n", threads, triad);
    std::fflush(stdout);

    struct Row {
        std::string model, dtype;
        double weightMB, perTokenMB;
        GenFigures g;
    };
    std::vector<Row> rows;

    if (!opt.skipSmall) {
        tb::LoadedModel loaded = tb::loadModel(opt.fixture);
        // As many tokens as the fixture's context (128) allows: each run takes milliseconds.
        const int tokens = int(std::min<int64_t>(opt.tokens * 8, loaded.model->config().maxPositions - opt.promptTokens));
        auto g = timeGeneration(loaded.model, opt.promptTokens, tokens, 3 * opt.runs);
        rows.push_back({"fixture tiny-llama-f32", "f32", modelBytes(loaded.model) / 1e6,
                        weightBytesPerToken(loaded.model) / 1e6, g});
    }
    if (!opt.skipLarge) {
        const tb::ModelConfig config = tb::presetConfig("tinyllama", 32000);
        for (auto dtype : {torch::kFloat, torch::kBFloat16}) {
            tb::LlamaModel model(config, dtype);
            model->initWeights(1234);
            model->eval();
            if (opt.profile)
                profileDecode(model, 4);
            auto g = timeGeneration(model, opt.promptTokens, opt.tokens, opt.runs);
            rows.push_back({"TinyLlama-shaped random", dtype == torch::kFloat ? "f32" : "bf16", modelBytes(model) / 1e6,
                            weightBytesPerToken(model) / 1e6, g});
            std::fflush(stdout);
        }
    }

    std::printf("\n| model | dtype | weights MB | read/token MB | tokens/s (median) | min-max | ms/token "
                "| weight GB/s | triad GB/s | of triad | goal |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (const auto &r : rows) {
        const double ms = 1000.0 / r.g.tokensPerSecond;
        const double gbps = r.perTokenMB * r.g.tokensPerSecond / 1e3;
        std::string goal;
        if (r.model.rfind("fixture", 0) == 0)
            goal = std::string(ms < 1.0 ? "met" : "missed") + ": < 1 ms/token";
        else if (r.dtype == "f32")
            goal = std::string(gbps >= 0.7 * triad ? "met" : "missed") + ": >= 70% of triad";
        else
            goal = "(no goal)";
        std::printf("| %s | %s | %.1f | %.1f | %.2f | %.2f-%.2f | %.3f | %.1f | %.1f | %.0f%% | %s |\n", r.model.c_str(),
                    r.dtype.c_str(), r.weightMB, r.perTokenMB, r.g.tokensPerSecond, r.g.minTps, r.g.maxTps, ms, gbps,
                    triad, 100.0 * gbps / triad, goal.c_str());
    }
    std::fflush(stdout);

    if (opt.shapes)
        timeShapes(opt.runs);
    return 0;
}
