#!/usr/bin/env bash
# Issue #23's bf16 bar in one session: `bench train-step --bf16` (which times the float32 step, then the bf16 step, in
# one process) of a base commit and of this tree, alternating, and the JavaCPP probe (`p.Step 4 128 5`) between them,
# on libtorch's own OpenBLAS (the probe as shipped) and on MKL (the BLAS our float32 step uses), on the same machine.
#   scripts/bf16-bar.sh [ROUNDS] [BATCH] [SEQ_LEN]        (defaults 2, 16, 160; REPEAT timed steps, default 3)
# BASE_REV picks the base (default: the merge-base with main); it is built under ${SCRATCH:-/tmp/finetune4j-bf16-base}.
# PROBE is the probe's folder (default ../shared/probes/javacpp); it is built there first if it has no lib/ and out/.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"
batch="${2:-16}"
seq="${3:-160}"
repeat="${REPEAT:-3}"
base_rev="${BASE_REV:-$(git merge-base HEAD main 2>/dev/null || git rev-parse HEAD~1)}"
base="${SCRATCH:-${TMPDIR:-/tmp}/finetune4j-bf16-base}"
probe="${PROBE:-../shared/probes/javacpp}"
if [[ "$(git -C "$base" rev-parse HEAD 2>/dev/null || true)" != "$(git rev-parse "$base_rev")" ]]; then
  rm -rf "$base"
  git clone -q --no-checkout . "$base"
  git -C "$base" checkout -q "$base_rev"
fi
(cd "$base" && mvn -B -ntp -q -o -DskipTests package)
mvn -B -ntp -q -o -DskipTests package
if [[ ! -d "$probe/lib" || ! -d "$probe/out/p" ]]; then
  (cd "$probe" && mvn -q -o dependency:copy-dependencies -Djavacpp.platform=linux-x86_64 -DoutputDirectory=lib \
    && javac -cp 'lib/*' -d out src/main/java/p/*.java)
fi
probe_cp="$(cd "$probe" && pwd)/lib/*:$(cd "$probe" && pwd)/out"
mkl_cp="$(ls "$PWD"/cli/target/lib/mkl-*.jar | tr '\n' ':')"
echo "CPU: $(lscpu | grep -m1 'Model name' | sed 's/.*: *//'), $(nproc) cores; BERT-base ${batch} x ${seq}, ${repeat} timed steps"
echo "base = $(git -C "$base" log -1 --format='%h %s' | cut -c1-70); new = $(git log -1 --format='%h' HEAD)$(git diff --quiet || echo '+dirty')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo
echo "| round | run | float32 samples/s | bf16 samples/s | bf16 / float32 | bf16 s/step (fwd / bwd / optimizer) |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  for who in base new probe-openblas probe-mkl; do
    case "$who" in
      base) "$base/bin/finetune4j" bench train-step --bf16 --batch_size "$batch" --seq_len "$seq" --repeat "$repeat" --json > "$work/$r-$who.out" ;;
      new) bin/finetune4j bench train-step --bf16 --batch_size "$batch" --seq_len "$seq" --repeat "$repeat" --json > "$work/$r-$who.out" ;;
      probe-openblas) java -Dorg.bytedeco.openblas.load=openblas -cp "$probe_cp" p.Step 4 128 5 > "$work/$r-$who.out" 2>&1 ;;
      probe-mkl) java -Dorg.bytedeco.openblas.load=mkl_rt -cp "$mkl_cp$probe_cp" p.Step 4 128 5 > "$work/$r-$who.out" 2>&1 ;;
    esac
    python3 - "$work/$r-$who.out" "$r" "$who" <<'PY'
import json, re, sys
path, r, who = sys.argv[1:]
if who.startswith("probe"):
    t = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(fp32-manual|bf16-manual)\s+step ([0-9.]+) s", open(path).read(), re.M)}
    f, b = 16 / t["fp32-manual"], 16 / t["bf16-manual"]
    print(f"| {r} | {who} (4 layers, 16 x 128, no dropout, no optimizer) | {f:.2f} | {b:.2f} | {b / f:.2f} | {t['bf16-manual']:.3f} |")
else:
    rows = {}
    for line in open(path):
        if line.startswith("{"):
            row = json.loads(line)
            rows[row["params"]["dtype"]] = row["metrics"]
    fm, bm = rows["float32"], rows["bfloat16"]
    f, b = fm["samples_per_s"], bm["samples_per_s"]
    split = f"{bm['ms_per_step_median'] / 1e3:.2f} ({bm['ms_forward'] / 1e3:.2f} / {bm['ms_backward'] / 1e3:.2f} / {bm['ms_optimizer'] / 1e3:.2f})"
    print(f"| {r} | {who} | {f} | {b} | {b / f:.2f} | {split} |")
print(f"{who}\t{f}\t{b}", file=open(path + ".tsv", "w"))
PY
  done
done
python3 - "$work" <<'PY'
import glob, os, statistics, sys
by = {}
for f in glob.glob(os.path.join(sys.argv[1], "*.tsv")):
    who, fp, bf = open(f).read().split("\t")
    by.setdefault(who, []).append((float(fp), float(bf)))
print()
ratio = {}
for who in ["base", "new", "probe-openblas", "probe-mkl"]:
    if who in by:
        fp = statistics.median(x[0] for x in by[who]); bf = statistics.median(x[1] for x in by[who])
        ratio[who] = bf / fp
        print(f"{who}: median float32 {fp:.2f}, bf16 {bf:.2f} samples/s: bf16 = {bf / fp:.2f}x float32")
for who in ["base", "new"]:
    for p in ["probe-openblas", "probe-mkl"]:
        if who in ratio and p in ratio:
            print(f"{who}'s bf16 speed-up is {100 * ratio[who] / ratio[p]:.0f}% of {p}'s (the bar: 90% of the probe's)")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
