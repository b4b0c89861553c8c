#!/usr/bin/env bash
# ctest-labels: package
# ctest-timeout: 600
# Builds the .deb and the portable .tar.gz with CPack from this build tree, installs each
# OUTSIDE the build tree and runs the installed programs:
#   tunebench-cli --version, a short training run on the installed sample project and a
#   generation from its checkpoint, and tunebench --self-test (offscreen: opens the main
#   window and reads the sample), plus the desktop entry, AppStream metainfo, MIME type and
#   icons (validated with desktop-file-validate / appstreamcli / update-mime-database when
#   installed).
# How it installs: `dpkg-deb -x` into a fresh temporary root, after checking with
# `apt-get install --simulate` that the package's Depends are satisfied here. The programs
# link only system libraries (what Depends names), so they run from that root exactly as
# from /usr. A debootstrap chroot would also prove the Depends list against an empty system,
# but it downloads ~1 GB (LibTorch, Qt) from the Debian mirror on every run; `dpkg -i` on
# this machine would change the machine CI and the developers use.
set -euo pipefail

build="${TUNEBENCH_BUILD_DIR:?set by CTest}"
source_dir="${TUNEBENCH_SOURCE_DIR:?set by CTest}"
version="${TUNEBENCH_EXPECTED_VERSION:?set by CTest}"
work="$(mktemp -d "${TMPDIR:-/tmp}/tunebench-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Nothing from the developer's environment or settings may help the installed programs.
unset TUNEBENCH_SAMPLE_DIR
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$HOME"

step() { printf '\n== %s (%ds)\n' "$*" "$SECONDS"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

step "building the programs and icons"
cmake --build "$build" --target tunebench tunebench-cli tunebench_icons >/dev/null

step "cpack -G 'DEB;TGZ'"
(cd "$work" && cpack --config "$build/CPackConfig.cmake" -G "DEB;TGZ" -B "$work/out" >"$work/cpack.log" 2>&1) \
  || { cat "$work/cpack.log"; fail "cpack failed"; }
deb="$(ls "$work"/out/*.deb)"
tgz="$(ls "$work"/out/*.tar.gz)"
ls -l "$deb" "$tgz"

step "package metadata"
dpkg-deb -I "$deb"
depends="$(dpkg-deb -f "$deb" Depends)"
# The package names alone, one a line (versions and alternatives dropped).
depends_names="$(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*//; s/ //g' | grep -v '^$')"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version is not $version"
# dpkg-shlibdeps found the libraries; OpenBLAS is named by hand (LibTorch accepts the reference BLAS).
for want in libopenblas0-pthread 'libtorch[0-9.]*' 'libqt6widgets6' 'libqt6gui6' \
            'libqcustomplot2.1-qt6' 'libc6'; do
  grep -qxE "$want" <<<"$depends_names" || fail "Depends lacks $want: $depends"
done
# Nothing the programs need at run time is missing from Depends: every NEEDED library's
# package is named there.
dpkg-deb -x "$deb" "$work/root"
for exe in "$work/root/usr/bin/tunebench" "$work/root/usr/bin/tunebench-cli"; do
  [ -x "$exe" ] || fail "$exe not installed"
  ! readelf -d "$exe" | grep -Eq 'R(UN)?PATH' || fail "$exe carries an RPATH: $(readelf -d "$exe" | grep PATH)"
  ldd "$exe" >"$work/ldd.txt"
  ! grep -q "not found" "$work/ldd.txt" || fail "$exe: $(grep 'not found' "$work/ldd.txt")"
  ! grep -q "$build" "$work/ldd.txt" || fail "$exe loads a library from the build tree"
  for lib in $(readelf -d "$exe" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    # "libfoo.so.1 => /path (addr)", or just "/path (addr)" for the dynamic loader.
    path="$(awk -v l="$lib" '$1 == l { print $3; exit } substr($1, length($1) - length(l)) == "/" l { print $1; exit }' "$work/ldd.txt")"
    [ -n "$path" ] || fail "$lib: not in ldd's output"
    # Debian 12 is merged-/usr: dpkg may know the file under /lib or /usr/lib, as itself or its target.
    pkg=""
    for candidate in "$(readlink -f "$path")" "$path" "/usr${path#/usr}" "${path#/usr}"; do
      [ -n "$pkg" ] || pkg="$(dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1 || true)"
    done
    [ -n "$pkg" ] || fail "$lib ($path) belongs to no Debian package"
    grep -qxF "$pkg" <<<"$depends_names" || fail "$(basename "$exe") needs $lib from $pkg, which Depends lacks"
  done
done
echo "every NEEDED library's package is in Depends"
if command -v apt-get >/dev/null; then
  apt-get install --simulate --no-download --no-install-recommends -q "$deb" >"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log"; fail "the package's dependencies cannot be satisfied here"; }
  echo "apt-get --simulate: dependencies satisfied"
fi

step "installed files"
share="$work/root/usr/share"
for f in applications/io.github.tunebench.Tunebench.desktop metainfo/io.github.tunebench.Tunebench.metainfo.xml \
         mime/packages/tunebench.xml icons/hicolor/scalable/apps/tunebench.svg \
         tunebench/sample/README.md tunebench/sample/chat.toml tunebench/sample/intents.toml \
         tunebench/sample/dialogues.jsonl tunebench/sample/intents.csv tunebench/sample/checks.jsonl \
         doc/tunebench/LICENSE; do
  [ -s "$share/$f" ] || fail "not installed: /usr/share/$f"
done
# The whole sample, byte for byte, less its generator script.
for f in "$source_dir"/resources/sample/*; do
  name="$(basename "$f")"
  [ "$name" = generate.py ] && continue
  cmp -s "$f" "$share/tunebench/sample/$name" || fail "the installed sample lacks or differs in $name"
done
for size in 16 22 24 32 48 64 128 256 512; do
  png="$share/icons/hicolor/${size}x${size}/apps/tunebench.png"
  [ -s "$png" ] || fail "no ${size}x${size} icon"
  dims="$(/usr/bin/python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' "$png")"
  [ "$dims" = "${size}x${size}" ] || fail "$png is $dims"
done
grep -q '^MimeType=.*application/x-tunebench-project;' "$share/applications/io.github.tunebench.Tunebench.desktop" \
  || fail "the desktop entry does not declare application/x-tunebench-project"
grep -q "<release version=\"$version\"" "$share/metainfo/io.github.tunebench.Tunebench.metainfo.xml" \
  || fail "the metainfo has no release $version"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$share/applications/io.github.tunebench.Tunebench.desktop"
  echo "desktop-file-validate: ok"
else
  echo "desktop-file-validate not installed (desktop-file-utils): not validated"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$share/metainfo/io.github.tunebench.Tunebench.metainfo.xml"
  appstreamcli validate-tree --no-net "$work/root"
else
  echo "appstreamcli not installed (appstream): not validated"
fi
if command -v update-mime-database >/dev/null; then
  cp -r "$share/mime" "$work/mime"
  update-mime-database "$work/mime" 2>/dev/null
  grep -q '^80:application/x-tunebench-project:tunebench.json' "$work/mime/globs2" \
    || fail "the MIME database does not map tunebench.json: $(cat "$work/mime/globs2")"
  echo "update-mime-database: tunebench.json -> application/x-tunebench-project"
fi

step "tunebench-cli --version / tunebench --version"
cli="$work/root/usr/bin/tunebench-cli"
gui="$work/root/usr/bin/tunebench"
[ "$("$cli" --version)" = "tunebench-cli $version" ] || fail "tunebench-cli --version: $("$cli" --version)"
[ "$("$gui" --version)" = "tunebench $version" ] || fail "tunebench --version: $("$gui" --version)"

step "training on the installed sample (a shortened chat.toml)"
sample="$share/tunebench/sample"
# The installed sample is read-only for users: the run goes to a folder of their own. Fewer
# steps and one evaluation with a few dialogue checks keep it under a minute.
start=$SECONDS
"$cli" train "$sample/chat.toml" --set run_dir="$work/run" --set max_steps=20 --set eval_every=20 \
  --set eval_batches=1 --set warmup_steps=2 --set vocab_size=1000 --set dialogue_check_tokens=8 \
  >"$work/train.log" 2>&1 || { cat "$work/train.log"; fail "training on the installed sample failed"; }
tail -n 3 "$work/train.log"
echo "trained in $((SECONDS - start)) s"
# It really trained: the final validation loss is below step 0's.
losses="$(sed -n 's/.* val_loss \([0-9.]*\) .*/\1/p' "$work/train.log")"
first="$(head -n1 <<<"$losses")"; last="$(tail -n1 <<<"$losses")"
awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a) }' || fail "validation loss did not fall: $first -> $last"
echo "validation loss $first -> $last"
[ $((SECONDS - start)) -lt 60 ] || fail "the short training run took $((SECONDS - start)) s (budget 60 s)"
out="$("$cli" generate "$work/run" --prompt "Where is my order" --max-new-tokens 12 --temperature 0 2>"$work/gen.err")" \
  || { cat "$work/gen.err"; fail "generation from the checkpoint failed"; }
printf 'generated: %s\n' "$out"
[ -n "$out" ] || fail "generation printed nothing"
"$cli" --device cpu generate "$work/run" --prompt "Hi" --max-new-tokens 2 --temperature 0 >/dev/null 2>&1 \
  || fail "--device cpu generate failed"

step "tunebench --self-test (offscreen)"
QT_QPA_PLATFORM=offscreen "$gui" --self-test >"$work/self.log" 2>&1 || { cat "$work/self.log"; fail "self-test failed"; }
cat "$work/self.log"
grep -qx "sample: $sample" "$work/self.log" || fail "the GUI did not use the installed sample ($sample)"

step "the portable .tar.gz, unpacked elsewhere"
mkdir -p "$work/portable"
tar xzf "$tgz" -C "$work/portable"
top="$(find "$work/portable" -mindepth 1 -maxdepth 1 -type d)"
[ "$("$top/bin/tunebench-cli" --version)" = "tunebench-cli $version" ] || fail "portable tunebench-cli --version"
QT_QPA_PLATFORM=offscreen "$top/bin/tunebench" --self-test >"$work/self2.log" 2>&1 \
  || { cat "$work/self2.log"; fail "portable self-test failed"; }
grep -qx "sample: $top/share/tunebench/sample" "$work/self2.log" || { cat "$work/self2.log"; fail "the portable GUI did not use its own sample"; }
echo "portable: ok"

step "package test passed"
