#include "interrupt_cleanup.h"

#include <atomic>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tb {

namespace {

// A slot is Free, Busy (being filled or cleared by the owning thread) or Ready (the
// handler may read it). Only Ready slots are read by the handler.
enum SlotState : int { Free = 0, Busy = 1, Ready = 2 };

struct Slot {
    std::atomic<int> state{Free};
    bool folder = false;
    char path[PATH_MAX] = {};
};

constexpr int kSlots = 64;
Slot g_slots[kSlots];

// linux_dirent64, as getdents64 fills it.
struct DirEntry64 {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[1];
};

// Removes the files directly inside `path`, then the folder: async-signal-safe.
void removeFlatFolder(const char *path)
{
    const int dir = ::open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir >= 0) {
        alignas(8) char buffer[4096];
        for (;;) {
            const long n = ::syscall(SYS_getdents64, dir, buffer, sizeof buffer);
            if (n <= 0)
                break;
            for (long pos = 0; pos < n;) {
                const auto *entry = reinterpret_cast<const DirEntry64 *>(buffer + pos);
                const char *name = entry->name;
                if (std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0)
                    ::unlinkat(dir, name, 0);
                pos += entry->reclen;
            }
        }
        ::close(dir);
    }
    ::rmdir(path);
}

void onSignal(int signal)
{
    removeRegisteredTemporaries();
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

} // namespace

int registerTemporary(const std::string &path, bool folder)
{
    if (path.size() >= PATH_MAX)
        return -1;
    for (int i = 0; i < kSlots; ++i) {
        int expected = Free;
        if (!g_slots[i].state.compare_exchange_strong(expected, Busy))
            continue;
        g_slots[i].folder = folder;
        std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
        g_slots[i].state.store(Ready);
        return i;
    }
    return -1;
}

void unregisterTemporary(int slot)
{
    if (slot < 0 || slot >= kSlots)
        return;
    g_slots[slot].state.store(Busy);
    g_slots[slot].path[0] = '\0';
    g_slots[slot].state.store(Free);
}

void removeRegisteredTemporaries()
{
    for (Slot &slot : g_slots) {
        if (slot.state.load() != Ready)
            continue;
        if (slot.folder)
            removeFlatFolder(slot.path);
        else
            ::unlink(slot.path);
    }
}

void installInterruptCleanup()
{
    for (const int signal : {SIGINT, SIGTERM, SIGHUP})
        std::signal(signal, onSignal);
}

} // namespace tb
