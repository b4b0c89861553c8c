#!/usr/bin/env bash
# Data-parallel scaling on one machine: the nanoGPT recipe (bench/nanogpt/shakespeare_char.toml,
# 4 x 128) and a larger model (8 layers x 512, 8 heads, context 128) trained by tunebench-cli
# with the same global batch (12 rows) as
#   1 process  x 1 thread   (reference for classic scaling),
#   1 process  x 2 threads  (what the cores give one process),
#   2 processes x 1 thread  (train --nproc 2, Gloo over 127.0.0.1, 6 rows each).
# tokens/s is the run's own mean over its steps (rank 0's, global tokens). Prints a table.
#
#   bash bench/distributed/run.sh [BUILD_DIR] [SMALL_STEPS] [LARGE_STEPS] [REPEATS]
#   (defaults: build 200 20 1). With REPEATS > 1 the modes are run in turn that many times and
#   each cell is the best run: other work on the machine only ever slows a run down.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
small_steps="${2:-200}"
large_steps="${3:-20}"
repeats="${4:-1}"
shared="${TUNEBENCH_SHARED:-$root/../shared}"
corpus="$shared/data/tinyshakespeare.txt"
[ -f "$corpus" ] || { echo "missing $corpus (set TUNEBENCH_SHARED)" >&2; exit 1; }
cli="$build/app/tunebench-cli"
out="$build/bench-distributed"
rm -rf "$out" && mkdir -p "$out"
n=$(stat -c %s "$corpus")
cut=$(( n * 9 / 10 ))
head -c "$cut" "$corpus" > "$out/train.txt"
# A short validation file: the final evaluation is not what this measures.
tail -c +"$((cut + 1))" "$corpus" > "$out/val-all.txt"
head -c 4000 "$out/val-all.txt" > "$out/val.txt"

common=(--set data="$out/train.txt" --set validation_data="$out/val.txt" --set eval_every=0 --set warmup_steps=10)
small=(--set max_steps="$small_steps")
large=(--set max_steps="$large_steps" --set num_layers=8 --set hidden_size=512 --set num_heads=8
       --set num_kv_heads=8 --set intermediate_size=1376 --set context_length=129)

# run NAME MODEL_ARGS... -- MODE_ARGS...: prints the run's mean tokens/s
run() {
  local name="$1"; shift
  local args=()
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift
  rm -rf "${out:?}/$name"
  "$cli" train "$here/../nanogpt/shakespeare_char.toml" --json "${common[@]}" "${args[@]}" "$@" \
    --set run_dir="$out/$name" > "$out/$name.jsonl" 2> "$out/$name.err"
  grep '"tokens_per_s"' "$out/$name.jsonl" | tail -n1 | sed -E 's/.*"tokens_per_s":([0-9.eE+-]+).*/\1/'
}

printf '| model | 1 proc x 1 thread tok/s | 1 proc x 2 threads tok/s | 2 procs x 1 thread tok/s | 2 procs vs 1x2 | 2 procs vs 2 x (1x1) |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for model in small large; do
  if [ "$model" = small ]; then margs=("${small[@]}"); label="nanoGPT 4x128, ctx 64, batch 12"
  else margs=("${large[@]}"); label="8x512, ctx 128, batch 12"; fi
  one1=0; one2=0; two1=0
  for ((i = 0; i < repeats; ++i)); do
    t=$(run "$model-1x1" "${margs[@]}" -- --set threads=1 --set batch_size=12); one1=$(awk -v a="$one1" -v b="$t" 'BEGIN { print (b > a ? b : a) }')
    t=$(run "$model-1x2" "${margs[@]}" -- --set threads=2 --set batch_size=12); one2=$(awk -v a="$one2" -v b="$t" 'BEGIN { print (b > a ? b : a) }')
    t=$(run "$model-2x1" "${margs[@]}" -- --set threads=1 --set batch_size=6 --nproc 2); two1=$(awk -v a="$two1" -v b="$t" 'BEGIN { print (b > a ? b : a) }')
  done
  awk -v l="$label" -v a="$one1" -v b="$one2" -v c="$two1" \
    'BEGIN { printf "| %s | %.0f | %.0f | %.0f | %.2f | %.2f |\n", l, a, b, c, c / b, c / (2 * a) }'
done
