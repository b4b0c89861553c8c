#!/usr/bin/env bash
# One-time (idempotent) set-up for a Debian 12 machine: Debian packages, a static
# SentencePiece that can share a process with LibTorch, and the CMake build.
# Re-running it installs nothing that is already there and rebuilds incrementally.
#   bash scripts/setup.sh [TARGET...]   (default: every target)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TUNEBENCH_BUILD:-$root/build}"
deps="$root/.deps"      # ignored by git; holds the SentencePiece build
jobs="$(nproc)"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

packages=(
  build-essential cmake ninja-build ccache pkg-config dpkg-dev
  qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-tools-dev-tools libqcustomplot-dev
  libtorch-dev libgloo-dev
  # LibTorch calls libblas.so.3; without OpenBLAS it gets the 40x slower reference BLAS.
  libopenblas0-pthread libopenblas-dev
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  # tokenizer.json: regular expressions with Unicode properties, and Unicode normalisation.
  libpcre2-dev libicu-dev
  xvfb xauth
  # Packaging: PNG icons rendered from the SVG, and the package test's validators of the
  # desktop entry, the AppStream metainfo and the MIME type (tests/package/).
  librsvg2-bin desktop-file-utils appstream shared-mime-info
  # A CJK font, or the Simplified Chinese UI shows empty boxes.
  fonts-wqy-microhei
  # Tests: an independent SentencePiece and Jinja2 to check chat-template goldens.
  python3-sentencepiece python3-jinja2
)
# Node.js runs the llama.cpp peer test; use the machine's own if it has one.
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Make sure libblas.so.3 resolves to OpenBLAS, not the reference implementation.
if command -v update-alternatives >/dev/null; then
  ob="$(update-alternatives --list libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep openblas | head -n1 || true)"
  if [ -n "$ob" ]; then "${sudo_cmd[@]}" update-alternatives --set libblas.so.3-x86_64-linux-gnu "$ob" >/dev/null; fi
fi

# SentencePiece: Debian's shared library exports its private protobuf-lite, which
# crashes LibTorch's protobuf at start-up. Build it static, hidden.
spm_prefix="$deps/sentencepiece"
if [ ! -f "$spm_prefix/lib/libsentencepiece.a" ]; then
  src_list=/etc/apt/sources.list.d/tunebench-src.sources
  if ! apt-get source --print-uris sentencepiece >/dev/null 2>&1; then
    echo "setup: enabling deb-src for bookworm"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      | "${sudo_cmd[@]}" tee "$src_list" >/dev/null
    "${sudo_cmd[@]}" apt-get update -q
  fi
  rm -rf "$deps/spm-src" && mkdir -p "$deps/spm-src"
  # Debian's patches disable the static library, so build the pristine upstream tarball.
  (cd "$deps/spm-src" && apt-get source -q --download-only sentencepiece >/dev/null 2>&1 \
     && tar xzf sentencepiece_*.orig.tar.gz)
  srcdir="$(find "$deps/spm-src" -maxdepth 1 -type d -name 'sentencepiece-*' | head -n1)"
  rm -rf "$deps/spm-build"
  cmake -S "$srcdir" -B "$deps/spm-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSPM_ENABLE_SHARED=OFF -DSPM_ENABLE_TCMALLOC=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DCMAKE_CXX_VISIBILITY_PRESET=hidden -DCMAKE_INSTALL_PREFIX="$spm_prefix" >/dev/null
  cmake --build "$deps/spm-build" -j "$jobs"
  cmake --install "$deps/spm-build" >/dev/null
fi

# Release: -O2 without debug information (CMakeLists.txt says why).
build_type="${TUNEBENCH_BUILD_TYPE:-Release}"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
    -DSentencePiece_ROOT="$spm_prefix" -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
# Arguments name the targets to build (scripts/run.sh: the two programs); none builds
# everything, tests and benchmarks included.
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build" -j "$jobs" "${targets[@]}"
