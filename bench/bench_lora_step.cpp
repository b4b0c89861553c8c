// One LoRA training step (forward, backward, AdamW on the adapters) of a TinyLlama-shaped
// model with random weights: sequence 256, batch 1, rank 8 on q/k/v/o, base in float32 and
// in bfloat16 (adapters float32 in both). Prints seconds per step, tokens/s and peak RSS.
//
//   bench_lora_step [--dtype f32|bf16] [--runs N] [--threads N] [--blas-threads N] [--seq N]
//
// Peak RSS is per process, so without --dtype the benchmark runs itself once per dtype and
// prints one table; with --dtype it measures that dtype alone. Each figure is the median
// of --runs steps after one warm-up step.
#include "llama_model.h"
#include "lora.h"
#include "model_config.h"
#include "runtime.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string dtype; // empty: both, each in a child process
    int runs = 3;
    int threads = 0;
    int blasThreads = -1;
    int64_t seq = 256;
};

struct Row {
    std::string dtype;
    double seconds = 0.0, minSeconds = 0.0, maxSeconds = 0.0;
    double tokensPerSecond = 0.0;
    double initRssGb = 0.0; // after building the model and adding adapters: the weights
    double peakRssGb = 0.0;
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double gb(long long bytes)
{
    return double(bytes) / 1e9;
}

Row measure(const Options &o)
{
    const torch::Dtype dtype = o.dtype == "bf16" ? torch::kBFloat16 : torch::kFloat;
    const tb::ModelConfig config = tb::presetConfig("tinyllama", 32000);
    tb::LlamaModel model(config, dtype);
    model->initWeights(1234);
    tb::LoraConfig lora; // rank 8, alpha 16, dropout 0.05 on q/k/v/o
    tb::applyLora(model, lora, 1);
    model->train();
    torch::optim::AdamW optimizer(tb::loraParameters(model), torch::optim::AdamWOptions(1e-4));

    torch::manual_seed(7);
    const auto tokens = torch::randint(config.vocabSize, {1, o.seq + 1}, torch::kLong);
    const auto ids = tokens.narrow(1, 0, o.seq).contiguous();     // (1, T)
    const auto targets = tokens.narrow(1, 1, o.seq).contiguous(); // (1, T)
    Row row;
    row.dtype = o.dtype;
    row.initRssGb = gb(tb::currentRssBytes());

    auto step = [&] {
        optimizer.zero_grad();
        auto logits = model->forward(ids); // (1, T, V) float32
        auto loss = torch::nn::functional::cross_entropy(logits.view({-1, logits.size(-1)}), targets.view({-1}));
        loss.backward();
        optimizer.step();
        return loss.item<double>();
    };
    step(); // warm-up: first touch of the gradients, oneDNN kernel selection
    std::vector<double> times;
    for (int r = 0; r < o.runs; ++r) {
        const auto t0 = Clock::now();
        const double loss = step();
        times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        if (!std::isfinite(loss))
            std::fprintf(stderr, "step %d: loss is %g\n", r, loss);
    }
    row.seconds = median(times);
    row.minSeconds = *std::min_element(times.begin(), times.end());
    row.maxSeconds = *std::max_element(times.begin(), times.end());
    row.tokensPerSecond = double(o.seq) / row.seconds;
    row.peakRssGb = gb(tb::peakRssBytes());
    return row;
}

void printHeader(const Options &o, int threads)
{
    std::printf("## One LoRA step, TinyLlama shape, batch 1, sequence %lld, rank 8 on q/k/v/o, AdamW\n\n",
                static_cast<long long>(o.seq));
    std::printf("threads %d, %s; median of %d steps after one warm-up\n\n", threads, tb::blasDescription().c_str(),
                o.runs);
    std::printf("| base dtype | s/step (min-max) | tokens/s | RSS after init | peak RSS |\n");
    std::printf("|---|---:|---:|---:|---:|\n");
}

void printRow(const Row &r)
{
    std::printf("| %s | %.2f (%.2f-%.2f) | %.1f | %.2f GB | %.2f GB |\n", r.dtype.c_str(), r.seconds, r.minSeconds,
                r.maxSeconds, r.tokensPerSecond, r.initRssGb, r.peakRssGb);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    bool rowOnly = false; // a child run: print the machine-readable row only
    for (int i = 1; i < argc; ++i) {
        const bool hasValue = i + 1 < argc;
        if (!std::strcmp(argv[i], "--dtype") && hasValue)
            o.dtype = argv[++i];
        else if (!std::strcmp(argv[i], "--runs") && hasValue)
            o.runs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--threads") && hasValue)
            o.threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--blas-threads") && hasValue)
            o.blasThreads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--seq") && hasValue)
            o.seq = std::max(2, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--row"))
            rowOnly = true;
        else {
            std::fprintf(stderr,
                         "usage: %s [--dtype f32|bf16] [--runs N] [--threads N] [--blas-threads N] [--seq N]\n",
                         argv[0]);
            return 2;
        }
    }
    if (!o.dtype.empty() && o.dtype != "f32" && o.dtype != "bf16") {
        std::fprintf(stderr, "--dtype must be f32 or bf16\n");
        return 2;
    }
    const int threads = o.threads > 0 ? o.threads : tb::defaultThreadCount();
    tb::configureThreads(threads, o.blasThreads);

    if (!o.dtype.empty()) {
        const Row r = measure(o);
        if (rowOnly) {
            std::printf("ROW %s %.6f %.6f %.6f %.6f %.6f %.6f\n", r.dtype.c_str(), r.seconds, r.minSeconds,
                        r.maxSeconds, r.tokensPerSecond, r.initRssGb, r.peakRssGb);
        } else {
            printHeader(o, threads);
            printRow(r);
        }
        return 0;
    }

    // Both dtypes, each in a fresh process so each peak RSS is its own.
    printHeader(o, threads);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    for (const char *dtype : {"f32", "bf16"}) {
        const std::string command = "'" + self + "' --row --dtype " + std::string(dtype) + " --runs "
            + std::to_string(o.runs) + " --threads " + std::to_string(threads) + " --blas-threads "
            + std::to_string(o.blasThreads) + " --seq " + std::to_string(o.seq);
        FILE *child = popen(command.c_str(), "r");
        if (!child) {
            std::fprintf(stderr, "cannot start %s\n", command.c_str());
            return 1;
        }
        char line[512];
        Row r;
        bool found = false;
        while (std::fgets(line, sizeof line, child)) {
            char name[16] = {};
            if (std::sscanf(line, "ROW %15s %lf %lf %lf %lf %lf %lf", name, &r.seconds, &r.minSeconds, &r.maxSeconds,
                            &r.tokensPerSecond, &r.initRssGb, &r.peakRssGb)
                == 7) {
                r.dtype = name;
                found = true;
            }
        }
        const int status = pclose(child);
        if (!found || status != 0) {
            std::fprintf(stderr, "the %s run failed (status %d)\n", dtype, status);
            return 1;
        }
        printRow(r);
    }
    return 0;
}
