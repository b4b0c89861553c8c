#include "install_paths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#if defined(_WIN32)
#include <windows.h>
#elif defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

namespace fs = std::filesystem;

namespace tb {

std::string executablePath()
{
    std::error_code ec;
#if defined(_WIN32)
    wchar_t buffer[32768];
    const DWORD n = GetModuleFileNameW(nullptr, buffer, DWORD(std::size(buffer)));
    if (n == 0 || n == std::size(buffer))
        return {};
    return fs::path(std::wstring(buffer, n)).u8string();
#elif defined(__APPLE__)
    char buffer[4096];
    uint32_t size = sizeof buffer;
    if (_NSGetExecutablePath(buffer, &size) != 0)
        return {};
    const fs::path resolved = fs::canonical(buffer, ec);
    return ec ? std::string(buffer) : resolved.string();
#else
    const fs::path resolved = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : resolved.string();
#endif
}

std::vector<std::string> sampleDirectoryCandidates()
{
    std::vector<std::string> out;
    if (const char *env = std::getenv("TUNEBENCH_SAMPLE_DIR"); env && *env)
        out.emplace_back(env);
    const std::string exe = executablePath();
    if (!exe.empty()) {
        const fs::path dir = fs::path(exe).parent_path();
        out.push_back((dir / ".." / "share" / "tunebench" / "sample").lexically_normal().string());
        out.push_back((dir / ".." / "Resources" / "sample").lexically_normal().string());
    }
#ifdef TUNEBENCH_SOURCE_SAMPLE_DIR
    out.emplace_back(TUNEBENCH_SOURCE_SAMPLE_DIR);
#endif
    return out;
}

std::string sampleDirectory()
{
    std::error_code ec;
    for (const std::string &dir : sampleDirectoryCandidates())
        if (fs::is_regular_file(fs::path(dir) / "chat.toml", ec) && fs::is_regular_file(fs::path(dir) / "intents.toml", ec))
            return dir;
    return {};
}

} // namespace tb
