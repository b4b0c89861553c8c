#pragma once

#include <string>

namespace tb {

// Temporaries a Ctrl+C must not leave behind. A writer registers the temporary file (or
// flat staging folder) it is filling and unregisters it once renamed or removed; a program
// that calls installInterruptCleanup() then removes every registered temporary when
// SIGINT, SIGTERM or SIGHUP arrives, and dies of the signal as it would have.
//
// The handler is async-signal-safe: fixed slots, unlink/unlinkat/rmdir and getdents64. A
// folder is emptied one level deep (a model folder is flat). Nothing survives kill -9;
// what that leaves is a temporary with a unique name that no reader opens
// (docs/RELIABILITY.md).

// Returns a slot to pass to unregisterTemporary, or -1 when every slot is taken (the
// temporary is then only removed by the writer's own unwinding).
int registerTemporary(const std::string &path, bool folder);
void unregisterTemporary(int slot);

// Installs the handler for SIGINT, SIGTERM and SIGHUP. A later handler (train's Ctrl+C, which
// stops at the next step) replaces it for its signal.
void installInterruptCleanup();

// What the handler does, callable without a signal (tests): removes every registered temporary.
void removeRegisteredTemporaries();

// RAII: registers in the constructor, unregisters in the destructor.
class TemporaryRegistration {
public:
    TemporaryRegistration(const std::string &path, bool folder) : m_slot(registerTemporary(path, folder)) {}
    ~TemporaryRegistration() { unregisterTemporary(m_slot); }
    TemporaryRegistration(const TemporaryRegistration &) = delete;
    TemporaryRegistration &operator=(const TemporaryRegistration &) = delete;

private:
    int m_slot;
};

} // namespace tb
