#!/usr/bin/env bash
# Kill soak: kill -9 a from-scratch, a LoRA and a classifier run again and again, resume each
# after every kill, and check what docs/RELIABILITY.md promises:
#   - the final weights (every file of the last checkpoint but optimizer.pt, whose entries
#     LibTorch keys by tensor addresses) equal those of the same run trained without a stop,
#     byte for byte; the optimizer state shows in the losses, equal after every resume;
#   - metrics.jsonl holds no torn line, each step and evaluation once, with the values of the
#     uninterrupted run;
#   - run.json and the best checkpoint agree (best_step is the step of best_checkpoint, which
#     exists and is complete), and equal the uninterrupted run's;
#   - after every kill: no torn metrics line (but the last, which the resume drops), and the
#     newest complete checkpoint's state names a best that agrees with its early-stopping
#     record and exists.
# Half of the kills are timed from outside (kill -9 after a random delay); the other half
# land inside a checkpoint or a pruning at a crash point (TUNEBENCH_CRASH_AT, crash_point.h):
# weights written, state staged, just committed, pruning renamed, pruning half done, and
# before run.json.
#
#   bash bench/kill_soak.sh [--build DIR] [--kills N] [--work DIR] [--seed S]
#   (defaults: build, 20 kills per kind, BUILD/kill-soak, seed 1). Prints a table; exits 1 when
#   a check fails. tests/cli/tst_kill_soak.cpp runs it with --kills 5.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$root/build"
kills=20
work=""
seed=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --kills) kills="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "kill_soak.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
build="$(cd "$build" && pwd)"
cli="$build/app/tunebench-cli"
[ -x "$cli" ] || { echo "kill_soak.sh: no $cli (build tunebench-cli first)" >&2; exit 2; }
shared="${TUNEBENCH_SHARED:-$root/../shared}"
corpus="$shared/data/tinyshakespeare.txt"
[ -f "$corpus" ] || { echo "kill_soak.sh: missing $corpus (set TUNEBENCH_SHARED)" >&2; exit 2; }
work="${work:-$build/kill-soak}"
rm -rf "$work" && mkdir -p "$work"
RANDOM=$seed
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

points=(checkpoint-weights-written checkpoint-staged checkpoint-committed pruning pruning-partial before-summary)

# ---- data and configs ----
head -c 60000 "$corpus" > "$work/corpus.txt"
python3 - "$work/intents.csv" <<'EOF'
import sys, random
random.seed(7)
intents = {
    "order_status": ["where is my order {n}", "has order {n} shipped yet", "track my package {n}", "status of order {n} please"],
    "refund": ["I want my money back for {n}", "refund order {n}", "please return the payment for {n}", "cancel and refund {n}"],
    "greeting": ["hello there {n}", "hi, this is {n}", "good morning from {n}", "hey {n} here"],
}
names = ["4242", "Zoe", "1017", "Max", "77", "Ana", "3141", "Lee", "9000", "Kim"]
with open(sys.argv[1], "w") as f:
    f.write("text,label\n")
    for i in range(240):
        label = list(intents)[i % 3]
        f.write(random.choice(intents[label]).format(n=random.choice(names)) + "," + label + "\n")
EOF
common='"threads": 1, "seed": 5, "eval_every": 10, "eval_batches": 2, "keep_last": 2, "keep_best": true, "warmup_steps": 5'
cat > "$work/scratch.json" <<EOF
{"data": "corpus.txt", "preset": "nano", "vocab_size": 400, "context_length": 32, "batch_size": 4,
 "max_steps": 200, $common}
EOF
cat > "$work/base.json" <<EOF
{"data": "corpus.txt", "preset": "nano", "vocab_size": 400, "context_length": 32, "batch_size": 4,
 "max_steps": 20, "eval_every": 0, "threads": 1}
EOF
cat > "$work/classifier.json" <<EOF
{"data": "intents.csv", "tokenizer_type": "char", "vocab_size": 100, "preset": "nano", "context_length": 48,
 "batch_size": 8, "max_steps": 200, "learning_rate": 0.003, $common}
EOF
"$cli" train "$work/base.json" --set run_dir="$work/base" > /dev/null 2> "$work/base.err" \
  || { cat "$work/base.err" >&2; exit 1; }
cat > "$work/lora.json" <<EOF
{"data": "corpus.txt", "model": "base/checkpoints/step-00000020", "lora_rank": 4, "lora_targets": "q_proj,v_proj",
 "context_length": 32, "batch_size": 4, "max_steps": 200, "learning_rate": 0.01, $common}
EOF

# ---- checks (python3) ----
# check_run RUN [REFERENCE]: the invariants that hold after any kill; with REFERENCE, the
# run ended and must equal it. Prints one word per check; exits 1 on the first failure.
check_run() {
  python3 - "$@" <<'EOF'
import json, os, sys
run = sys.argv[1]
ref = sys.argv[2] if len(sys.argv) > 2 else None

def fail(msg):
    print("FAIL " + run + ": " + msg)
    sys.exit(1)

def metrics(path):
    events = []
    if not os.path.exists(path):
        return events
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        # A kill can cut a line only where it crosses a page (the kernel checks for a fatal
        # signal between pages); the resume keeps whole lines only. After the end: never.
        if ref is not None:
            fail("metrics.jsonl ends inside a line")
        data = data[:data.rfind(b"\n") + 1]
    for n, line in enumerate(data.decode().splitlines(), 1):
        try:
            events.append(json.loads(line))
        except ValueError:
            fail("metrics.jsonl:%d is torn: %r" % (n, line[:80]))
    return events

def complete(ckpt):
    state = os.path.join(ckpt, "trainer_state.json")
    if not os.path.isfile(state):
        return None
    s = json.load(open(state))
    for name, size in s.get("files", {}).items():
        p = os.path.join(ckpt, name)
        if not os.path.isfile(p) or os.path.getsize(p) != size:
            return None
    return s

events = metrics(os.path.join(run, "metrics.jsonl"))
cdir = os.path.join(run, "checkpoints")
states = {}
if os.path.isdir(cdir):
    for name in os.listdir(cdir):
        if name.startswith("step-") and name[5:].isdigit():
            s = complete(os.path.join(cdir, name))
            if s is not None:
                if s["step"] != int(name[5:]):
                    fail(name + " holds the state of step %d" % s["step"])
                states[name] = s
for name, s in states.items():
    best = s.get("best_checkpoint", "")
    es = s.get("early_stopping", {})
    if best and int(best[5:]) != es.get("best_step"):
        fail("%s names best %s but early stopping's best step is %s" % (name, best, es.get("best_step")))
if states:
    newest = states[max(states)]
    if newest.get("best_checkpoint") and newest["best_checkpoint"] not in states:
        fail("%s names best %s, which is not a complete checkpoint" % (max(states), newest["best_checkpoint"]))
if ref is None:
    # Where the kill landed, by what it left.
    names = os.listdir(cdir) if os.path.isdir(cdir) else []
    if any(n.endswith(".deleting") for n in names):
        print("inside-pruning")
    elif any(".tmp" in n for n in names):
        print("inside-checkpoint")
    elif not os.path.exists(os.path.join(run, "config.json")):
        print("in-setup")
    elif not states:
        print("before-first-checkpoint")
    else:
        print("between-checkpoints")
    sys.exit(0)

# The run ended: compare with the uninterrupted reference.
timing = {"elapsed_s", "tokens_per_s", "rss_mb", "eval_s"}
def table(evts):
    steps, evals = {}, {}
    for e in evts:
        key = e["step"]
        clean = {k: v for k, v in e.items() if k not in timing}
        target = steps if "loss" in e else evals
        if (key, bool(e.get("final"))) in target:
            fail("step %d is in metrics.jsonl twice" % key)
        target[(key, bool(e.get("final")))] = clean
    return steps, evals
got_steps, got_evals = table(events)
ref_steps, ref_evals = table(metrics(os.path.join(ref, "metrics.jsonl")))
if got_steps != ref_steps:
    diff = [k for k in ref_steps if got_steps.get(k) != ref_steps[k]][:3]
    fail("step lines differ from the uninterrupted run's at %s" % diff)
if got_evals != ref_evals:
    diff = [k for k in ref_evals if got_evals.get(k) != ref_evals[k]][:3]
    fail("evaluation lines differ from the uninterrupted run's at %s" % diff)
summary = json.load(open(os.path.join(run, "run.json")))
ref_summary = json.load(open(os.path.join(ref, "run.json")))
best = os.path.basename(summary["best_checkpoint"])
if summary.get("best_step") != int(best[5:]):
    fail("run.json says best_step %s but best_checkpoint %s" % (summary.get("best_step"), best))
if best not in states:
    fail("run.json's best checkpoint %s is not a complete checkpoint" % best)
if summary.get("best_step") != ref_summary.get("best_step") or summary["status"] != ref_summary["status"]:
    fail("run.json differs from the uninterrupted run's")
last = os.path.basename(summary["last_checkpoint"])
for name in sorted(os.listdir(os.path.join(ref, "checkpoints", last))):
    if name == "optimizer.pt":
        continue  # LibTorch keys its entries by tensor addresses; identical losses after every resume show its state
    if name == "trainer_state.json":
        sa = json.load(open(os.path.join(ref, "checkpoints", last, name)))
        sb = json.load(open(os.path.join(cdir, last, name)))
        for s in (sa, sb):  # tokenizer.model's size depends on the run folder's path (below)
            s.get("files", {}).pop("tokenizer.model", None)
        if sa != sb:
            fail("%s/trainer_state.json differs from the uninterrupted run's" % last)
        continue
    if name == "tokenizer.model":
        # SentencePiece stores its training paths (the run folder) in the model: compare the pieces.
        try:
            import sentencepiece as spm
        except ImportError:
            continue
        pa = spm.SentencePieceProcessor(model_file=os.path.join(ref, "checkpoints", last, name))
        pb = spm.SentencePieceProcessor(model_file=os.path.join(cdir, last, name))
        if [(pa.id_to_piece(i), pa.get_score(i)) for i in range(pa.get_piece_size())] != \
           [(pb.id_to_piece(i), pb.get_score(i)) for i in range(pb.get_piece_size())]:
            fail("%s/tokenizer.model holds other pieces than the uninterrupted run's" % last)
        continue
    a = open(os.path.join(ref, "checkpoints", last, name), "rb").read()
    b = open(os.path.join(cdir, last, name), "rb").read()
    if a != b:
        fail("%s/%s differs from the uninterrupted run's" % (last, name))
leftovers = [n for n in os.listdir(cdir) if not (n.startswith("step-") and n[5:].isdigit())]
if leftovers:
    fail("leftovers in checkpoints/: %s" % leftovers)
print("ok %d steps, %d evaluations, best %s, %d files of %s equal" %
      (len(got_steps), len(got_evals), best, len(os.listdir(os.path.join(cdir, last))) - 1, last))
EOF
}

# ---- one kind ----
printf '| run | kills | at crash points | timed | resumes | final weights | metrics.jsonl | run.json and best | wall s |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
total_kills=0
failed=0
point_no=0
: > "$work/landed.txt"
for kind in scratch lora classifier; do
  start=$(date +%s)
  cd "$work"
  ref="$work/$kind-ref"
  "$cli" train "$kind.json" --set run_dir="$ref" > /dev/null 2> "$ref.err" || { cat "$ref.err" >&2; exit 1; }
  run="$work/$kind-soak"
  killed=0; at_points=0; timed=0; resumes=0; attempt=0; kind_failed=0
  while :; do
    if [ $attempt -eq 0 ]; then
      args=(train "$kind.json" --set run_dir="$run")
    elif [ $attempt -lt 0 ]; then
      # Killed before its first checkpoint: start it again from its own config (or, killed
      # before it was written, from ours).
      if [ -f "$run/config.json" ]; then args=(train "$run/config.json"); else args=(train "$kind.json" --set run_dir="$run"); fi
      attempt=0
    else
      args=(train --resume "$run"); resumes=$((resumes + 1))
    fi
    attempt=$((attempt + 1))
    err="$work/$kind-attempt-$attempt.err"
    set +e
    if [ $killed -ge "$kills" ]; then
      "$cli" "${args[@]}" > /dev/null 2> "$err" # the last resume runs to the end
      status=$?
      mode=none
    elif [ $((killed % 2)) -eq 0 ]; then
      point="${points[$(( point_no % ${#points[@]} ))]}" # in turn over all kinds: as many kills at each
      hit=$(( 1 + RANDOM % 3 ))
      if [ "$point" = before-summary ]; then hit=1; fi # reached once per process
      TUNEBENCH_CRASH_AT="$point:$hit" "$cli" "${args[@]}" > /dev/null 2> "$err"
      status=$?
      mode=point
    else
      # 0.3 to 3.0 s: inside start-up, training steps, evaluations and checkpoints alike.
      delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.3 + 2.7 * r / 32767 }')
      "$cli" "${args[@]}" > /dev/null 2> "$err" &
      pid=$!
      sleep "$delay"
      kill -9 "$pid" 2> /dev/null
      wait "$pid"
      status=$?
      mode=timed
    fi
    set -e
    if [ $status -eq 137 ] && [ $mode != none ]; then
      killed=$((killed + 1))
      if [ $mode = point ]; then point_no=$((point_no + 1)); fi
      if [ $mode = point ]; then at_points=$((at_points + 1)); else timed=$((timed + 1)); fi
      if ! check_run "$run" > "$work/$kind-check.txt"; then cat "$work/$kind-check.txt"; kind_failed=1; break; fi
      if [ $mode = point ]; then landed="$point"; else landed="timed:$(cat "$work/$kind-check.txt")"; fi
      echo "$landed" >> "$work/landed.txt"
    elif [ $status -eq 1 ] && grep -q "nothing to resume" "$err"; then
      attempt=-1 # the kill came before the first checkpoint
    elif [ $status -ne 0 ]; then
      echo "FAIL $kind: attempt $attempt exited $status" >&2; cat "$err" >&2; kind_failed=1; break
    elif [ $mode = none ]; then
      break # ran to the end
    elif [ -f "$run/run.json" ]; then
      # Finished before the kill: start the soak run again from scratch for the kills left.
      rm -rf "$run"; attempt=0
    fi
  done
  total_kills=$((total_kills + killed))
  if [ $kind_failed -eq 0 ] && check_run "$run" "$ref" > "$work/$kind-final.txt"; then
    weights="equal"; lines="whole, once each, equal"; best="agree"
  else
    cat "$work/$kind-final.txt" 2> /dev/null || true
    weights="?"; lines="?"; best="?"; failed=1
  fi
  printf '| %s | %d | %d | %d | %d | %s | %s | %s | %d |\n' "$kind" "$killed" "$at_points" "$timed" "$resumes" \
    "$weights" "$lines" "$best" $(( $(date +%s) - start ))
done
echo "total kills: $total_kills"
echo
echo "where the kills landed (crash points by name; timed kills by what they left):"
sort "$work/landed.txt" | uniq -c | sort -rn | awk '{ printf "  %3d  %s\n", $1, $2 }'

exit $failed
