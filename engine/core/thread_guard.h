#pragma once

namespace tb {

// The desktop application marks the thread that runs its event loop. The engine's long
// entry points (loading, training, generation, evaluation, export, tokenizer training)
// refuse to run there: a call that would freeze the window throws at once, in tests and
// in use, instead of merely being slow. Programs that never mark a thread (the CLI, the
// engine tests) are not affected.
void markInteractiveThread();
void clearInteractiveThread();
bool onInteractiveThread();

// Throws std::logic_error naming `entryPoint` when called on the marked thread.
void requireBackgroundThread(const char *entryPoint);

} // namespace tb
