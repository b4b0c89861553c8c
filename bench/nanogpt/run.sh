#!/usr/bin/env bash
# The headline benchmark: nanoGPT's CPU Shakespeare recipe trained by tunebench-cli, end to
# end (start-up, tokenizer, data, 2,000 steps, evaluations, final whole-split loss), for
# three seeds. Prints a table and the median.
#
#   bash bench/nanogpt/run.sh [BUILD_DIR] [SEEDS...]      (defaults: build 1337 1338 1339)
#
# nanoGPT on this machine: 154 s end to end, ~70 ms/iteration, peak RSS 322 MB, whole-split
# validation loss 1.898 (measured on the build machine; docs/PERFORMANCE.md §3). Goal: loss <= 1.898 in <= 77 s.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
shift || true
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1337 1338 1339)
shared="${TUNEBENCH_SHARED:-$root/../shared}"
corpus="$shared/data/tinyshakespeare.txt"
[ -f "$corpus" ] || { echo "missing $corpus (set TUNEBENCH_SHARED)" >&2; exit 1; }
cli="$build/app/tunebench-cli"
out="$build/bench-nanogpt"
rm -rf "$out" && mkdir -p "$out"

# nanoGPT's split: n = len(data); train = data[:int(n*0.9)], val = data[int(n*0.9):].
# The corpus is ASCII, so characters are bytes.
n=$(stat -c %s "$corpus")
cut=$(( n * 9 / 10 ))
head -c "$cut" "$corpus" > "$out/train.txt"
tail -c +"$((cut + 1))" "$corpus" > "$out/val.txt"

printf '| seed | wall s | ms/iter | final val loss (whole split) | peak RSS MB |\n| --- | --- | --- | --- | --- |\n'
results=()
for seed in "${seeds[@]}"; do
  run="$out/seed-$seed"
  /usr/bin/time -f '%e %M' -o "$out/time-$seed" "$cli" train "$here/shakespeare_char.toml" --json \
    --set data="$out/train.txt" --set validation_data="$out/val.txt" \
    --set seed="$seed" --set run_dir="$run" > "$out/events-$seed.jsonl"
  read -r wall rss_kb < "$out/time-$seed"
  loss=$(grep '"final":true' "$out/events-$seed.jsonl" | tail -n1 | sed -E 's/.*"val_loss":([0-9.eE+-]+).*/\1/')
  # Mean step time from the run's own clock: tokens/s of the last step event -> ms/iter.
  tps=$(grep '"tokens_per_s"' "$out/events-$seed.jsonl" | tail -n1 | sed -E 's/.*"tokens_per_s":([0-9.eE+-]+).*/\1/')
  ms=$(awk -v t="$tps" 'BEGIN { printf "%.1f", 12 * 65 / t * 1000 }')
  printf '| %s | %.1f | %s | %.4f | %d |\n' "$seed" "$wall" "$ms" "$loss" "$((rss_kb / 1024))"
  results+=("$wall $loss")
done
mid=$(( (${#results[@]} + 1) / 2 ))
wall_median=$(printf '%s\n' "${results[@]}" | awk '{ print $1 }' | sort -n | sed -n "${mid}p")
loss_median=$(printf '%s\n' "${results[@]}" | awk '{ print $2 }' | sort -n | sed -n "${mid}p")
printf '\nmedian: %.1f s, whole-split val loss %.4f (nanoGPT: 154 s, 1.898)\n' "$wall_median" "$loss_median"
