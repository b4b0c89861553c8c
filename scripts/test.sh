#!/usr/bin/env bash
# Command 2 of the quick start: set up (idempotent), build, and run every test with ctest.
# Extra arguments go to ctest, e.g. `scripts/test.sh -L unit` or `-LE slow`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TUNEBENCH_BUILD:-$root/build}"
bash "$root/scripts/setup.sh"

# The llama.cpp peer (node-llama-cpp from the npm registry) for the `peer` tests.
peer="$root/tests/peer"
if [ -f "$peer/package-lock.json" ] && [ ! -d "$peer/node_modules/node-llama-cpp" ]; then
  echo "test: installing node-llama-cpp for the peer tests"
  (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error)
fi

export TUNEBENCH_SHARED="${TUNEBENCH_SHARED:-$root/../shared}"
cd "$build"
ctest --output-on-failure --timeout 1800 "$@"
