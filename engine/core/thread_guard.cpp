#include "thread_guard.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

namespace tb {

namespace {
// A default-constructed id names no thread, so nothing is refused until a thread is marked.
std::atomic<std::thread::id> g_interactive{std::thread::id()};
} // namespace

void markInteractiveThread()
{
    g_interactive = std::this_thread::get_id();
}

void clearInteractiveThread()
{
    g_interactive = std::thread::id();
}

bool onInteractiveThread()
{
    return g_interactive.load() == std::this_thread::get_id();
}

void requireBackgroundThread(const char *entryPoint)
{
    if (onInteractiveThread())
        throw std::logic_error(std::string(entryPoint)
                               + " was called on the GUI thread; engine work must run on a worker thread");
}

} // namespace tb
