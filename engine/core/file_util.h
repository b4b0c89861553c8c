#pragma once

#include <memory>
#include <string>

namespace tb {

// An open read-only file descriptor, shared by the readInto closures of one file.
class ReadOnlyFile {
public:
    explicit ReadOnlyFile(const std::string &path);
    ~ReadOnlyFile();
    ReadOnlyFile(const ReadOnlyFile &) = delete;
    ReadOnlyFile &operator=(const ReadOnlyFile &) = delete;
    int fd() const { return m_fd; }
    uint64_t size() const { return m_size; }
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
    int m_fd = -1;
    uint64_t m_size = 0;
};

// Writes to `path`.tmp and renames it over `path` on commit(); an unfinished or failed
// write removes the temporary and leaves any previous `path` untouched.
class AtomicFileWriter {
public:
    explicit AtomicFileWriter(const std::string &path);
    ~AtomicFileWriter();
    void write(const void *data, size_t bytes);
    void write(const std::string &text) { write(text.data(), text.size()); }
    uint64_t written() const { return m_written; }
    void commit(); // flush, fsync, rename; throws tb::Error (e.g. disk full) naming the file

private:
    std::string m_path, m_tmp;
    int m_fd = -1;
    uint64_t m_written = 0;
    bool m_done = false;
};

void writeFileAtomically(const std::string &path, const std::string &contents);
std::string readTextFile(const std::string &path);
bool fileExists(const std::string &path);
bool isDirectory(const std::string &path);
// Creates `path` and any missing parents; throws tb::Error naming the folder and the reason.
void createFolder(const std::string &path);

} // namespace tb
