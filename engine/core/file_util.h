#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace tb {

// Files Tunebench reads are regular files: opening a FIFO, a device (/dev/zero) or a socket
// is refused at once (it would block forever or read without end), never waited on.
// Files Tunebench writes are created, never followed: a symbolic link where a file is to be
// written is refused (O_NOFOLLOW, O_EXCL), so nothing outside the folder is overwritten.

// An open read-only file descriptor of a regular file, shared by the readInto closures of
// one file. Throws tb::Error naming the file when it cannot be opened or is not a regular file.
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

// Writes to a temporary beside `path` and renames it over `path` on commit(); an unfinished
// or failed write removes the temporary and leaves any previous `path` untouched.
//
// The temporary is `path`.tmp.<pid>.<random>, created with O_EXCL: two processes writing one
// file each write their own temporary, and the file ends up as one of them whole, never a
// mix. A link at `path` is replaced, not followed. The temporary is registered with
// interrupt_cleanup.h, so Ctrl+C removes it.
class AtomicFileWriter {
public:
    explicit AtomicFileWriter(const std::string &path);
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter &) = delete;
    AtomicFileWriter &operator=(const AtomicFileWriter &) = delete;
    // Throws tb::Error naming the file (e.g. disk full); the temporary is removed.
    void write(const void *data, size_t bytes);
    void write(const std::string &text) { write(text.data(), text.size()); }
    uint64_t written() const { return m_written; }
    void commit(); // flush, fsync, rename; throws tb::Error (e.g. disk full) naming the file
    const std::string &temporaryPath() const { return m_tmp; }

private:
    void discard();
    std::string m_path, m_tmp;
    int m_fd = -1;
    int m_cleanupSlot = -1;
    uint64_t m_written = 0;
    bool m_done = false;
};

// A text file that only grows by whole lines (a run's train.log and metrics.jsonl). Each
// line reaches the file in full or not at all: a write that fails part-way (a full disk) is
// cut back to the line before and reported. The file is created (or truncated) without
// following a link, and must be a regular file.
class AppendOnlyFile {
public:
    enum class Open { Truncate, Append };
    AppendOnlyFile(const std::string &path, Open mode);
    ~AppendOnlyFile();
    AppendOnlyFile(const AppendOnlyFile &) = delete;
    AppendOnlyFile &operator=(const AppendOnlyFile &) = delete;
    // Appends `line` and a newline; throws tb::Error naming the file and the reason.
    void appendLine(const std::string &line);
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
    int m_fd = -1;
};

// A folder written whole or not at all (an exported model). Its files go into a staging
// folder beside `target` (TARGET.tmp.<pid>.<random>, removed on Ctrl+C), and commit()
// renames it into place. A `target` that holds files is refused before anything is
// written, so no old file (a stale model.safetensors.index.json) can mix with the new
// ones; with `replace` the whole old folder is swapped out in one step (renameat2
// RENAME_EXCHANGE) and deleted. An empty or missing `target` is replaced in one rename; if
// it gained files meanwhile (another export), commit() refuses and removes the staging.
class StagedFolder {
public:
    StagedFolder(const std::string &target, bool replace);
    ~StagedFolder();
    StagedFolder(const StagedFolder &) = delete;
    StagedFolder &operator=(const StagedFolder &) = delete;
    const std::string &path() const { return m_staging; } // write the files here
    void commit();

private:
    std::string m_target, m_staging;
    bool m_replace = false;
    bool m_done = false;
    int m_cleanupSlot = -1;
};

// Throws tb::Error when `folder` exists and holds anything, naming a few of its entries.
void requireEmptyFolder(const std::string &folder, const std::string &advice);

void writeFileAtomically(const std::string &path, const std::string &contents);
// The whole file; throws tb::Error naming it when it is missing, unreadable or not a regular file.
std::string readTextFile(const std::string &path);
bool fileExists(const std::string &path);
bool isDirectory(const std::string &path);
// Creates `path` and any missing parents; throws tb::Error naming the folder and the reason.
void createFolder(const std::string &path);
// A name for a temporary beside `path` that no other process picks: `path`.tmp.<pid>.<random>.
std::string uniqueTemporaryName(const std::string &path);
// Flushes a folder's entries (a rename or an unlink in it) to disk; errors are ignored.
void syncFolder(const std::string &path);
// Bytes free for this user on the file system holding `path`; -1 when unknown.
long long freeDiskBytes(const std::string &path);

} // namespace tb
