#include "file_util.h"

#include "error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace tb {

ReadOnlyFile::ReadOnlyFile(const std::string &path) : m_path(path)
{
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0)
        throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
    struct stat st {};
    if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(m_fd);
        throw Error(path + ": not a regular file");
    }
    m_size = uint64_t(st.st_size);
}

ReadOnlyFile::~ReadOnlyFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

AtomicFileWriter::AtomicFileWriter(const std::string &path) : m_path(path), m_tmp(path + ".tmp")
{
    m_fd = ::open(m_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (m_fd < 0)
        throw Error(m_tmp + ": cannot create (" + std::strerror(errno) + ")");
}

AtomicFileWriter::~AtomicFileWriter()
{
    if (!m_done) {
        if (m_fd >= 0)
            ::close(m_fd);
        ::unlink(m_tmp.c_str());
    }
}

void AtomicFileWriter::write(const void *data, size_t bytes)
{
    const char *p = static_cast<const char *>(data);
    while (bytes > 0) {
        const ssize_t n = ::write(m_fd, p, bytes);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw Error(m_path + ": write failed after " + std::to_string(m_written) + " bytes ("
                        + std::strerror(errno) + "); the previous file, if any, is unchanged");
        }
        p += n;
        bytes -= size_t(n);
        m_written += uint64_t(n);
    }
}

void AtomicFileWriter::commit()
{
    if (::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
        m_fd = -1;
        throw Error(m_path + ": could not flush to disk (" + std::strerror(errno)
                    + "); the previous file, if any, is unchanged");
    }
    m_fd = -1;
    if (std::rename(m_tmp.c_str(), m_path.c_str()) != 0)
        throw Error(m_path + ": could not replace the file (" + std::strerror(errno) + ")");
    m_done = true;
}

void writeFileAtomically(const std::string &path, const std::string &contents)
{
    AtomicFileWriter writer(path);
    writer.write(contents);
    writer.commit();
}

std::string readTextFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw Error(path + ": read error");
    return ss.str();
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

} // namespace tb
