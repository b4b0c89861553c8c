#include "file_lock.h"

#include "error.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tb {

FileLock::~FileLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock
}

std::string FileLock::thisProcess()
{
    char host[HOST_NAME_MAX + 1] = {};
    if (::gethostname(host, sizeof host - 1) != 0)
        std::strcpy(host, "unknown");
    return "pid " + std::to_string(::getpid()) + " host " + host;
}

namespace {

// The first line of the lock file: the holder's "pid <pid> host <host>".
std::string readHolder(int fd)
{
    char text[512] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    std::string content = n > 0 ? std::string(text, size_t(n)) : std::string();
    content = content.substr(0, content.find('\n'));
    return content.empty() ? "another process" : content;
}

} // namespace

std::string FileLock::holderOf(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return {};
    std::string holder;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0)
        holder = errno == EWOULDBLOCK ? readHolder(fd) : std::string();
    ::close(fd); // releases the shared lock, if taken
    return holder;
}

std::unique_ptr<FileLock> FileLock::tryAcquire(const std::string &path, std::string *holder)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == ELOOP)
            throw Error(path + ": is a symbolic link; Tunebench creates its lock file and does not follow links "
                               "(remove the link)");
        throw Error(path + ": cannot create the lock file (" + std::strerror(errno) + ")");
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(path + ": is not a regular file; remove it");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        if (holder)
            *holder = readHolder(fd);
        ::close(fd);
        if (error == EWOULDBLOCK)
            return nullptr;
        throw Error(path + ": cannot lock (" + std::strerror(error) + ")");
    }
    // Ours: name this process for whoever is refused next.
    const std::string text = thisProcess() + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != ssize_t(text.size())) {
        // The lock holds even when the note could not be written (a full disk).
    }
    return std::unique_ptr<FileLock>(new FileLock(path, fd));
}

} // namespace tb
