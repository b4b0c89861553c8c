#pragma once

#include <string>

namespace tb {

// Sets LibTorch's intra-op threads and OpenBLAS's threads for the calling OS thread.
// LibTorch starts with 1 thread here and OpenBLAS reads its environment before main(),
// so both are set explicitly. threads <= 0 means the number of cores; more than four per
// core is capped at that.
// blasThreads < 0 means 1: OpenBLAS's workers spin after each call and then compete with
// LibTorch's OpenMP threads, which run decode's products (measured in docs/PERFORMANCE.md),
// and small training matmuls are faster single-threaded in BLAS too. Pass
// more for long-prompt prefill or large-batch work that is mostly BLAS. Call it again in
// every worker thread: OpenMP keeps the count per OS thread.
void configureThreads(int threads, int blasThreads = -1);
int defaultThreadCount();
// What the BLAS in this process is (for `info` and benchmarks): "OpenBLAS ..." or "reference".
std::string blasDescription();
// Peak resident set size of this process in bytes (VmHWM).
long long peakRssBytes();
long long currentRssBytes();
// Hands memory the allocator holds but no longer uses back to the system (glibc's
// malloc_trim), so that the RSS measured next is what the process really uses.
void releaseFreeMemory();
// Resets the peak RSS counter where the kernel allows it (/proc/self/clear_refs = 5).
bool resetPeakRss();

} // namespace tb
