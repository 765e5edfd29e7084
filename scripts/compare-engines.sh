#!/usr/bin/env bash
# Engine comparison in one session (issue #23): the last commit on DJL's engine (libtorch 2.7.1) against this tree
# (JavaCPP's libtorch 2.10), alternating, on the same machine.
#   scripts/compare-engines.sh [train-step|main-job] [ROUNDS]
# train-step: `bench train-step` (BERT-base, 16 x 160, float32) old, new, new --bf16, ROUNDS times in turn
#             (REPEAT timed steps each, default 3); prints one Markdown row per run and the medians' ratios.
# main-job:   the README's main job (configs/imdb-quick.yaml) old then new, ROUNDS times, under GNU time
#             (wall time, peak RSS, test accuracy).
# DJL_REV picks the old commit (default: the last commit before core/pom.xml dropped ai.djl.pytorch).
# The old tree is cloned and built under ${SCRATCH:-${TMPDIR:-/tmp}/finetune4j-djl-engine}.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-train-step}"
rounds="${2:-3}"
repeat="${REPEAT:-3}"
if [[ -z "${DJL_REV:-}" ]]; then
  # the parent of the newest commit that took DJL's engine out of core/pom.xml
  for c in $(git rev-list HEAD -- core/pom.xml); do
    if ! git show "$c:core/pom.xml" | grep -q 'ai.djl.pytorch' && git show "$c^1:core/pom.xml" 2>/dev/null | grep -q 'ai.djl.pytorch'; then
      DJL_REV="$(git rev-parse "$c^1")"; break
    fi
  done
fi
[[ -n "${DJL_REV:-}" ]] || { echo "no commit on DJL's engine found; set DJL_REV" >&2; exit 2; }
old="${SCRATCH:-${TMPDIR:-/tmp}/finetune4j-djl-engine}"
if [[ "$(git -C "$old" rev-parse HEAD 2>/dev/null || true)" != "$(git rev-parse "$DJL_REV")" ]]; then
  rm -rf "$old"
  git clone -q --no-checkout . "$old"
  git -C "$old" checkout -q "$DJL_REV"
fi
(cd "$old" && mvn -B -ntp -q -o -DskipTests package 2>/dev/null || mvn -B -ntp -q -DskipTests package)
mvn -B -ntp -q -o -DskipTests package 2>/dev/null || mvn -B -ntp -q -DskipTests package
cpu="$(lscpu | grep -m1 'Model name' | sed 's/.*: *//')"
echo "CPU: $cpu, $(nproc) cores; old = $(git -C "$old" log -1 --format='%h %s' | cut -c1-80); new = $(git log -1 --format='%h' HEAD)$(git diff --quiet || echo '+dirty')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
case "$mode" in
  train-step)
    echo
    echo "| round | engine | dtype | samples/s | ms/step (median) | MFU |"
    echo "|---|---|---|---|---|---|"
    for r in $(seq 1 "$rounds"); do
      for who in old new new-bf16; do
        case "$who" in
          old) "$old/bin/finetune4j" bench train-step --repeat "$repeat" --json > "$work/$r-$who.json" ;;
          new) bin/finetune4j bench train-step --repeat "$repeat" --json > "$work/$r-$who.json" ;;
          new-bf16) bin/finetune4j bench train-step --bf16 --repeat "$repeat" --json > "$work/$r-$who.json" ;;
        esac
        python3 - "$work/$r-$who.json" "$r" "$who" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
for row in rows:
    m, p = row["metrics"], row["params"]
    engine = "DJL 0.36 (libtorch 2.7.1)" if sys.argv[3] == "old" else "JavaCPP (libtorch 2.10)"
    print(f"| {sys.argv[2]} | {engine} | {p.get('dtype')} | {m.get('samples_per_s')} | {m.get('ms_per_step_median')} | {m.get('mfu_pct', m.get('mfu_percent', m.get('mfu')))} |")
PY
      done
    done
    python3 - "$work" <<'PY'
import glob, json, os, statistics, sys
by = {}
for f in glob.glob(os.path.join(sys.argv[1], "*.json")):
    who = os.path.basename(f).split("-", 1)[1][:-5]
    for l in open(f):
        if l.startswith("{"):
            r = json.loads(l)
            by.setdefault((who, r["params"].get("dtype")), []).append(r["metrics"]["samples_per_s"])
med = {k: statistics.median(v) for k, v in by.items()}
old = med.get(("old", "float32"))
new = med.get(("new", "float32"))
bf = med.get(("new-bf16", "bfloat16"))
print()
if old and new:
    print(f"median samples/s: DJL float32 {old}, JavaCPP float32 {new} ({new / old:.2f}x DJL)")
if new and bf:
    print(f"JavaCPP bf16 {bf}: {bf / new:.2f}x the float32 step")
PY
    ;;
  main-job)
    for r in $(seq 1 "$rounds"); do
      for who in old new ${NEW_FP32:+new-fp32}; do
        dir="$work/$r-$who"
        tree="$PWD"; [[ "$who" == old ]] && tree="$old"
        extra=(); [[ "$who" == new-fp32 ]] && extra=(--bf16 false)
        # each tree with its own launcher and its config as shipped (NEW_FP32=1 adds this tree in float32)
        (cd "$tree" && /usr/bin/time -v -o "$dir.time" bin/finetune4j train --config configs/imdb-quick.yaml --output_dir "$dir" "${extra[@]}" > "$dir.log" 2>&1)
        acc="$(grep -o '"eval_accuracy" *: *[0-9.]*' "$dir"/trainer_state.json 2>/dev/null | tail -1 | sed 's/.*: *//')"
        wall="$(grep 'Elapsed (wall clock)' "$dir.time" | sed 's/.*: //')"
        rss="$(grep 'Maximum resident' "$dir.time" | sed 's/.*: //')"
        echo "| $r | $who | accuracy ${acc:-?} | wall $wall | peak RSS $((rss / 1024)) MiB |"
        [[ -n "${KEEP:-}" ]] && cp -r "$dir" "$dir.log" "$dir.time" "$KEEP"/ 2>/dev/null || true
      done
    done
    ;;
  *) echo "mode must be train-step or main-job" >&2; exit 2 ;;
esac
