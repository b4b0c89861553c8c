// Peak resident memory while loading a TinyLlama-shaped bf16 Hugging Face folder, for bf16
// and float32 compute, against the size of the weights in the compute dtype. The goal is
// that loading never holds two copies of the weights: peak RSS <= 1.2x the weights.
//
//   bench_load_rss [--dir DIR] [--runs N] [--keep]  writes a random bf16 folder (unless DIR
//                                                   holds one), then loads it N times per
//                                                   dtype, each in a fresh process; a table
//   bench_load_rss --write DIR                      only writes the folder
//   bench_load_rss --load DIR --dtype bf16|f32      one load; prints a "load_rss ..." line
//
// Each load runs in its own process because VmHWM only ever grows: writing the folder (which
// builds the model in memory) or a previous load would otherwise set the peak.
#include "model_config.h"
#include "hf_folder.h"
#include "model_loader.h"
#include "runtime.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr double kGoalRatio = 1.2;

double parameterBytes(tb::LlamaModel &model)
{
    double bytes = 0.0;
    for (const auto &p : model->parameters())
        bytes += double(p.numel()) * double(p.element_size());
    return bytes;
}

int writeFolder(const std::string &dir)
{
    const auto t0 = std::chrono::steady_clock::now();
    {
        torch::NoGradGuard noGrad;
        tb::LlamaModel model(tb::presetConfig("tinyllama", 32000), torch::kBFloat16);
        model->initWeights(1234);
        tb::exportHfFolder(model, nullptr, dir, "BF16");
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("wrote %s (%.0f MB) in %.1f s\n", dir.c_str(), double(fs::file_size(fs::path(dir) / "model.safetensors")) / 1e6, s);
    return 0;
}

int loadOnce(const std::string &dir, const std::string &dtype)
{
    tb::configureThreads(0, -1);
    const long long before = tb::currentRssBytes(); // LibTorch, OpenBLAS, the C++ runtime
    tb::LoadOptions options;
    options.computeDtype = dtype == "bf16" ? torch::kBFloat16 : torch::kFloat;
    const auto t0 = std::chrono::steady_clock::now();
    tb::LoadedModel loaded = tb::loadModel(dir, options);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long long peak = tb::peakRssBytes();
    const double weights = parameterBytes(loaded.model);
    std::printf("load_rss dtype=%s peak_bytes=%lld weight_bytes=%.0f baseline_bytes=%lld ratio=%.4f seconds=%.2f\n",
                dtype.c_str(), peak, weights, before, double(peak) / weights, s);
    return 0;
}

std::string selfPath()
{
    std::vector<char> buf(4096);
    const ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
    return n > 0 ? std::string(buf.data(), size_t(n)) : std::string("bench_load_rss");
}

std::string shellQuoted(const std::string &s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs this program again with `args`; returns its stdout, or an empty string on failure.
std::string runSelf(const std::string &args)
{
    const std::string cmd = shellQuoted(selfPath()) + " " + args;
    FILE *pipe = popen(cmd.c_str(), "r");
    if (!pipe)
        return {};
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
        out.append(buf, n);
    const int status = pclose(pipe);
    if (status != 0) {
        std::fprintf(stderr, "'%s' failed (status %d):\n%s\n", cmd.c_str(), status, out.c_str());
        return {};
    }
    return out;
}

double field(const std::string &line, const std::string &key)
{
    const auto at = line.find(" " + key + "=");
    return at == std::string::npos ? -1.0 : std::atof(line.c_str() + at + key.size() + 2);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

} // namespace

int main(int argc, char **argv)
{
    std::string mode, dir, dtype = "bf16";
    int runs = 3;
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--write" || a == "--load") && i + 1 < argc) {
            mode = a;
            dir = argv[++i];
        } else if (a == "--dtype" && i + 1 < argc) {
            dtype = argv[++i];
        } else if (a == "--dir" && i + 1 < argc) {
            dir = argv[++i];
            keep = true;
        } else if (a == "--runs" && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--keep") {
            keep = true;
        } else {
            std::fprintf(stderr, "usage: %s [--dir DIR] [--runs N] [--keep] | --write DIR | --load DIR --dtype bf16|f32\n",
                         argv[0]);
            return a == "--help" ? 0 : 2;
        }
    }
    try {
        if (mode == "--write")
            return writeFolder(dir);
        if (mode == "--load") {
            if (dtype != "bf16" && dtype != "f32") {
                std::fprintf(stderr, "--dtype must be bf16 or f32\n");
                return 2;
            }
            return loadOnce(dir, dtype);
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }

    if (dir.empty()) {
        char tmpl[] = "/tmp/tb-load-rss-XXXXXX";
        if (!mkdtemp(tmpl)) {
            std::perror("mkdtemp");
            return 1;
        }
        dir = tmpl;
    }
    if (!fs::exists(fs::path(dir) / "model.safetensors")) {
        const std::string out = runSelf("--write " + shellQuoted(dir));
        if (out.empty())
            return 1;
        std::printf("%s", out.c_str());
    }

    std::printf("\n| compute dtype | weights MB | peak RSS MB (median of %d) | baseline RSS MB | peak / weights | goal <= %.1fx |\n",
                runs, kGoalRatio);
    std::printf("|---|---:|---:|---:|---:|---|\n");
    bool allMet = true;
    for (const std::string d : {"bf16", "f32"}) {
        std::vector<double> peaks, baselines;
        double weights = 0.0;
        for (int r = 0; r < runs; ++r) {
            const std::string out = runSelf("--load " + shellQuoted(dir) + " --dtype " + d);
            const auto at = out.find("load_rss ");
            if (at == std::string::npos)
                return 1;
            const std::string line = out.substr(at, out.find('\n', at) - at);
            peaks.push_back(field(line, "peak_bytes"));
            baselines.push_back(field(line, "baseline_bytes"));
            weights = field(line, "weight_bytes");
        }
        const double ratio = median(peaks) / weights;
        allMet = allMet && ratio <= kGoalRatio;
        std::printf("| %s | %.0f | %.0f | %.0f | %.3f | %s |\n", d.c_str(), weights / 1e6, median(peaks) / 1e6,
                    median(baselines) / 1e6, ratio, ratio <= kGoalRatio ? "met" : "missed");
        std::fflush(stdout);
    }
    if (!keep)
        fs::remove_all(dir);
    return allMet ? 0 : 1;
}
