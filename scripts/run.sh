#!/usr/bin/env bash
# Command 1 of the quick start: set up (idempotent), build, and start Tunebench.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TUNEBENCH_BUILD:-$root/build}"
# Builds what it starts: the two programs, not the tests and benchmarks.
bash "$root/scripts/setup.sh" tunebench tunebench-cli
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != "offscreen" ]; then
  echo "No display found: the Tunebench window needs X11 or Wayland. Use $build/app/tunebench-cli --help for the command-line tools."
  exit 0
fi
exec "$build/app/tunebench" "$@"
