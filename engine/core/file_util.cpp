#include "file_util.h"

#include "error.h"
#include "interrupt_cleanup.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <vector>

namespace tb {

namespace {

std::string reason()
{
    return std::strerror(errno);
}

// What a file that is not regular is, for the error.
std::string fileKind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISDIR(mode))
        return "a folder";
    return "not a regular file";
}

// Opens a regular file for reading. O_NONBLOCK makes a FIFO with no writer open at once
// (instead of waiting for one); it is then refused like a device.
int openRegular(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw Error(path + ": cannot open (" + reason() + ")");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const mode_t mode = st.st_mode;
        ::close(fd);
        throw Error(path + ": is " + fileKind(mode) + "; Tunebench reads only regular files");
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

// A write that fails because `path` (the last part) is a symbolic link.
std::string linkRefusal(const std::string &path)
{
    return path + ": is a symbolic link; Tunebench creates its files and does not write through links "
                  "(remove the link)";
}

} // namespace

ReadOnlyFile::ReadOnlyFile(const std::string &path) : m_path(path)
{
    m_fd = openRegular(path);
    struct stat st {};
    ::fstat(m_fd, &st);
    m_size = uint64_t(st.st_size);
}

ReadOnlyFile::~ReadOnlyFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

std::string uniqueTemporaryName(const std::string &path)
{
    static thread_local std::mt19937_64 random{std::random_device{}() ^ uint64_t(::getpid())};
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, ".tmp.%d.%016llx", int(::getpid()),
                  static_cast<unsigned long long>(random()));
    return path + suffix;
}

AtomicFileWriter::AtomicFileWriter(const std::string &path) : m_path(path), m_tmp(uniqueTemporaryName(path))
{
    // O_EXCL: a name some other process (or a planted link) holds is never opened.
    m_fd = ::open(m_tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (m_fd < 0)
        throw Error(m_tmp + ": cannot create (" + reason() + ")");
    m_cleanupSlot = registerTemporary(m_tmp, false);
}

AtomicFileWriter::~AtomicFileWriter()
{
    if (!m_done)
        discard();
}

void AtomicFileWriter::discard()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    ::unlink(m_tmp.c_str());
    unregisterTemporary(m_cleanupSlot);
    m_cleanupSlot = -1;
    m_done = true;
}

void AtomicFileWriter::write(const void *data, size_t bytes)
{
    if (m_fd < 0)
        throw Error(m_path + ": write after the file was committed or discarded");
    const char *p = static_cast<const char *>(data);
    while (bytes > 0) {
        const ssize_t n = ::write(m_fd, p, bytes);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const std::string why = reason();
            discard();
            throw Error(m_path + ": write failed after " + std::to_string(m_written) + " bytes (" + why
                        + "); the previous file, if any, is unchanged");
        }
        p += n;
        bytes -= size_t(n);
        m_written += uint64_t(n);
    }
}

void AtomicFileWriter::commit()
{
    if (m_fd < 0)
        throw Error(m_path + ": commit after the file was committed or discarded");
    if (::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
        const std::string why = reason();
        m_fd = -1;
        discard();
        throw Error(m_path + ": could not flush to disk (" + why + "); the previous file, if any, is unchanged");
    }
    m_fd = -1;
    if (std::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
        const std::string why = reason();
        discard();
        throw Error(m_path + ": could not replace the file (" + why + ")");
    }
    unregisterTemporary(m_cleanupSlot);
    m_cleanupSlot = -1;
    m_done = true;
    syncFolder(std::filesystem::path(m_path).parent_path().string());
}

AppendOnlyFile::AppendOnlyFile(const std::string &path, Open mode) : m_path(path)
{
    const int flags = O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
        | (mode == Open::Truncate ? O_TRUNC : 0);
    m_fd = ::open(path.c_str(), flags, 0644);
    if (m_fd < 0) {
        if (errno == ELOOP)
            throw Error(linkRefusal(path));
        throw Error(path + ": cannot open for writing (" + reason() + ")");
    }
    struct stat st {};
    if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(m_fd);
        m_fd = -1;
        throw Error(path + ": is " + fileKind(st.st_mode) + "; Tunebench writes only regular files");
    }
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) & ~O_NONBLOCK);
}

AppendOnlyFile::~AppendOnlyFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void AppendOnlyFile::appendLine(const std::string &line)
{
    const std::string text = line + "\n";
    struct stat before {};
    ::fstat(m_fd, &before);
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(m_fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const std::string why = n < 0 ? reason() : "nothing written";
            // No torn line: what part of this line got through is cut off again.
            if (done > 0 && ::ftruncate(m_fd, before.st_size) != 0)
                throw Error(m_path + ": write failed (" + why + ") and the partial line could not be removed ("
                            + reason() + ")");
            throw Error(m_path + ": write failed (" + why + ")");
        }
        done += size_t(n);
    }
}

void requireEmptyFolder(const std::string &folder, const std::string &advice)
{
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(folder, ec);
    if (!std::filesystem::exists(status))
        return;
    if (!std::filesystem::is_directory(status))
        throw Error(folder + ": exists and is not a folder; " + advice);
    std::vector<std::string> names;
    size_t count = 0;
    for (const auto &entry : std::filesystem::directory_iterator(folder, ec)) {
        if (names.size() < 3)
            names.push_back(entry.path().filename().string());
        ++count;
    }
    if (count == 0)
        return;
    std::string list;
    for (const std::string &n : names)
        list += (list.empty() ? "" : ", ") + n;
    if (count > names.size())
        list += ", … (" + std::to_string(count) + " entries)";
    throw Error(folder + ": the folder is not empty (it holds " + list + "); " + advice);
}

StagedFolder::StagedFolder(const std::string &target, bool replace)
    : m_target(std::filesystem::path(target).lexically_normal().string()), m_replace(replace)
{
    while (m_target.size() > 1 && m_target.back() == '/')
        m_target.pop_back();
    if (!replace)
        requireEmptyFolder(m_target, "export into a new or empty folder, so that no old file mixes with the new "
                                     "model, or replace the whole folder");
    const std::filesystem::path parent = std::filesystem::path(m_target).parent_path();
    if (!parent.empty())
        createFolder(parent.string());
    m_staging = uniqueTemporaryName(m_target);
    if (::mkdir(m_staging.c_str(), 0755) != 0)
        throw Error(m_staging + ": cannot create the folder (" + reason() + ")");
    m_cleanupSlot = registerTemporary(m_staging, true);
}

StagedFolder::~StagedFolder()
{
    if (!m_done) {
        std::error_code ec;
        std::filesystem::remove_all(m_staging, ec);
    }
    unregisterTemporary(m_cleanupSlot);
}

void StagedFolder::commit()
{
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(m_staging, ec))
        if (entry.is_regular_file(ec) && !entry.is_symlink(ec)) {
            const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                ::fsync(fd);
                ::close(fd);
            }
        }
    syncFolder(m_staging);
    const auto status = std::filesystem::symlink_status(m_target, ec);
    const bool exists = std::filesystem::exists(status);
    if (exists && m_replace && std::filesystem::is_directory(status) && !std::filesystem::is_empty(m_target, ec)) {
        // One step: the new folder takes the old one's place; then the old one goes.
        if (::renameat2(AT_FDCWD, m_staging.c_str(), AT_FDCWD, m_target.c_str(), RENAME_EXCHANGE) != 0)
            throw Error(m_target + ": could not replace the folder (" + reason() + ")");
        m_done = true;
        std::filesystem::remove_all(m_staging, ec); // now the old folder
    } else {
        if (exists && m_replace && !std::filesystem::is_directory(status))
            std::filesystem::remove(m_target, ec);
        // rename() replaces a missing or empty folder in one step, and fails on one with files.
        if (std::rename(m_staging.c_str(), m_target.c_str()) != 0) {
            if (errno == ENOTEMPTY || errno == EEXIST)
                throw Error(m_target + ": files appeared in the folder while the model was written (another export "
                                       "into it?); nothing was changed");
            throw Error(m_target + ": could not move the model into place (" + reason() + ")");
        }
        m_done = true;
    }
    syncFolder(std::filesystem::path(m_target).parent_path().string());
}

void writeFileAtomically(const std::string &path, const std::string &contents)
{
    AtomicFileWriter writer(path);
    writer.write(contents);
    writer.commit();
}

std::string readTextFile(const std::string &path)
{
    const int fd = openRegular(path);
    std::string text;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0)
        text.reserve(size_t(st.st_size));
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const std::string why = reason();
            ::close(fd);
            throw Error(path + ": read error (" + why + ")");
        }
        if (n == 0)
            break;
        text.append(buffer, size_t(n));
    }
    ::close(fd);
    return text;
}

void createFolder(const std::string &path)
{
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec)
        throw Error(path + ": cannot create the folder (" + ec.message() + ")");
}

bool fileExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool isDirectory(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void syncFolder(const std::string &path)
{
    const int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

long long freeDiskBytes(const std::string &path)
{
    struct statvfs st {};
    if (::statvfs(path.empty() ? "." : path.c_str(), &st) != 0)
        return -1;
    return (long long)(st.f_bavail) * (long long)(st.f_frsize);
}

} // namespace tb
