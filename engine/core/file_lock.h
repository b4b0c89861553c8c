#pragma once

#include <memory>
#include <string>

namespace tb {

// An exclusive lock on a file (flock), held while the object lives. The kernel releases it
// when the process ends in any way, kill -9 included, so a lock is never stale; the file
// itself stays and names the last holder. While held, the file holds "pid <pid> host
// <host>", so whoever is refused can say who holds it.
class FileLock {
public:
    ~FileLock();
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

    // The lock, or null when another process (or another FileLock of this one) holds it;
    // `holder` then gets the holder's "pid <pid> host <host>" (empty if unreadable). Throws
    // tb::Error when the file cannot be created (a link there is refused, not followed).
    static std::unique_ptr<FileLock> tryAcquire(const std::string &path, std::string *holder = nullptr);
    // Who holds the lock on `path` now ("pid <pid> host <host>", or "another process" when
    // the file names nobody), or "" when nobody does. Creates nothing and takes nothing.
    static std::string holderOf(const std::string &path);
    // "pid <pid> host <host>" of this process.
    static std::string thisProcess();

    const std::string &path() const { return m_path; }

private:
    FileLock(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}
    std::string m_path;
    int m_fd = -1;
};

} // namespace tb
