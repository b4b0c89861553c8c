#include "runtime.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <dlfcn.h>
#include <fstream>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string>
#include <thread>

namespace tb {

int defaultThreadCount()
{
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : int(n);
}

void configureThreads(int threads, int blasThreads)
{
    if (threads <= 0)
        threads = defaultThreadCount();
    // More threads than a few per core only make a CPU slower (and thousands stall it):
    // cap what any caller asks for.
    threads = std::min(threads, 4 * defaultThreadCount());
    // Default 1: batch-1 decode does its big products in LibTorch's OpenMP pool (LinearImpl),
    // and OpenBLAS's spinning workers, woken by the small attention products, then fight it
    // for the 2 cores: fixture decode 0.95 ms/token with 1 BLAS thread, 3.3 ms with 2
    // (docs/PERFORMANCE.md). Small training matmuls are faster with 1 too: a
    // nanoGPT-sized step took 70 ms with one BLAS thread and 172 ms with two.
    if (blasThreads < 0)
        blasThreads = 1;
    at::set_num_threads(threads);
    // Found at run time: LibTorch reaches OpenBLAS through libblas.so.3, not by linking it.
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set(blasThreads);
}

std::string blasDescription()
{
    using GetConfig = char *(*)();
    if (auto get = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config")))
        return std::string("OpenBLAS ") + get();
    return "reference BLAS (slow: install libopenblas0-pthread)";
}

static long long statusField(const char *field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string key = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.compare(0, key.size(), key) == 0)
            return std::stoll(line.substr(key.size())) * 1024;
    return -1;
}

long long peakRssBytes()
{
    return statusField("VmHWM");
}

long long currentRssBytes()
{
    return statusField("VmRSS");
}

void releaseFreeMemory()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

bool resetPeakRss()
{
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    return bool(out);
}

} // namespace tb
