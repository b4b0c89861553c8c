#!/usr/bin/env bash
# The first launch, measured in the real GUI under Xvfb (see bench_gui_session.cpp): each
# scenario starts as a brand-new user (empty HOME: no settings, no projects), so the
# workbench opens the bundled sample, and the bench clicks through it.
#
#   bash bench/gui/run.sh [BUILD_DIR] [SCENARIOS...]     (defaults: build chat intents)
#   TB_SCREENSHOT_DIR=DIR [TB_LANG=zh_CN] also saves every page at the end (for the README)
#
# Goals (issue 4): three clicks or fewer, under 3 minutes from launch to an answer, the
# chat model passing >= 70% of the sample's dialogue checks, the classifier's held-out
# macro-F1 >= 0.9, and no GUI stall over 50 ms.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
shift || true
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(chat intents)
bench="$build/bench/bench_gui_session"
[ -x "$bench" ] || { echo "missing $bench (build the bench_gui_session target)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing (apt-get install xvfb)" >&2; exit 1; }

for scenario in "${scenarios[@]}"; do
  home="$(mktemp -d)"
  echo "== $scenario (fresh HOME $home)"
  # A real X server, not the offscreen platform: what a user's desktop does.
  env -u QT_QPA_PLATFORM -u XDG_CONFIG_HOME -u XDG_DATA_HOME HOME="$home" \
    xvfb-run -a -s "-screen 0 1600x1000x24" "$bench" "$scenario"
  rm -rf "$home"
done
