#pragma once

namespace tb {

// A test seam for the kill tests (tests/cli/tst_run_safety_cli.cpp, bench/kill_soak.sh):
// places where a crash is worst (a checkpoint half written, committed, being pruned) are
// marked with crashPoint("name"). When the environment variable TUNEBENCH_CRASH_AT is
// "name" or "name:N", the N-th time (default the first) the process reaches that point it
// sends itself SIGKILL: a real kill -9, at a moment a timed kill from outside would hit
// only by luck. Unset, which is how Tunebench runs outside these tests, it costs one
// comparison. The points are listed in docs/RELIABILITY.md.
void crashPoint(const char *name);

} // namespace tb
