#include "crash_point.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace tb {

namespace {

struct CrashSpec {
    std::string name; // empty: no crash point is armed
    long hit = 1;
};

CrashSpec readSpec()
{
    CrashSpec spec;
    const char *value = std::getenv("TUNEBENCH_CRASH_AT");
    if (!value || !*value)
        return spec;
    spec.name = value;
    if (const size_t colon = spec.name.find(':'); colon != std::string::npos) {
        spec.hit = std::max(1L, std::strtol(spec.name.c_str() + colon + 1, nullptr, 10));
        spec.name.resize(colon);
    }
    return spec;
}

} // namespace

void crashPoint(const char *name)
{
    static const CrashSpec spec = readSpec();
    static std::atomic<long> hits{0};
    if (spec.name.empty() || spec.name != name)
        return;
    if (++hits == spec.hit)
        ::kill(::getpid(), SIGKILL);
}

} // namespace tb
