#!/usr/bin/env bash
# Data-parallel measurements in one session (issue #25), on this machine, alternating what is compared.
#   scripts/bench-ddp.sh [allreduce|train|split|all] [ROUNDS]
# allreduce: `launch --nproc_per_node 2 bench allreduce` on BERT-base's parameter shapes (110M gradients: float32 and
#            bfloat16 sizes in 25 MB buckets, float32 in one bucket), loopback Gloo, ITERATIONS timed all-reduces each
#            (default 5), ROUNDS times in turn.
# train:     `train` as 2 ranks x 1 thread (launch --nproc_per_node 2, per_device_train_batch_size BATCH) against
#            1 process x 2 threads (per_device_train_batch_size 2*BATCH): same global batch, same rows, same
#            everything else, alternated (A B A B ...) ROUNDS times per dtype in DTYPES (default "float32 bfloat16").
#            bert-base-uncased cut to LAYERS encoder layers (default 2), 128 tokens padded, the first 16*STEPS IMDB
#            training reviews, STEPS optimizer steps (default 6) logged every 2; samples/s of the steps after the first
#            two (the Trainer's log windows) and train_samples_per_second (whole run), the all-reduce's share and MFU.
# split:     where a step's time goes without the all-reduce: `bench train-step` (same model and shape, random
#            weights) as 2 concurrent processes x 1 thread (batch BATCH) and as 1 process x 2 threads (batch 2*BATCH).
# The model must be in the cache (bin/finetune4j model fetch bert-base-uncased) and IMDB too (data fetch imdb).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-all}"
rounds="${2:-2}"
layers="${LAYERS:-2}"
steps="${STEPS:-6}"
batch="${BATCH:-8}"
iterations="${ITERATIONS:-5}"
dtypes="${DTYPES:-float32 bfloat16}"
mvn -B -ntp -q -o -DskipTests package 2>/dev/null || mvn -B -ntp -q -DskipTests package
cpu="$(lscpu | grep -m1 'Model name' | sed 's/.*: *//')"
flags="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx512_bf16|amx_bf16|amx_tile|amx_int8)$' | tr '\n' ' ')"
echo "CPU: $cpu, $(nproc) cores, bf16 flags: ${flags:-none}; tree $(git log -1 --format='%h' HEAD)$(git diff --quiet || echo '+dirty')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
exec 3>&2 # the commands, as run, go to stderr; the tables to stdout
run() { echo "\$ ${OMP_NUM_THREADS:+OMP_NUM_THREADS=$OMP_NUM_THREADS }$*" >&3; "$@"; }

allreduce() {
  echo
  echo "| round | gradients | MB | s per all-reduce (median) | min | algbw GB/s | busbw GB/s | busbw Gb/s |"
  echo "|---|---|---|---|---|---|---|---|"
  for r in $(seq 1 "$rounds"); do
    # torch's 25 MB buckets in float32 and bfloat16, then float32 in one bucket (1024 MB: no bucketing)
    for d in float32:25 bfloat16:25 float32:1024; do
      run bin/finetune4j launch --nproc_per_node 2 --master_port "$(port)" bench allreduce --size base --dtype "${d%:*}" \
        --bucket_cap_mb "${d#*:}" --iterations "$iterations" --json 2>/dev/null | sed -n 's/^\[rank 0\] //p' | grep '^{' > "$work/ar-$r-$d.json"
      python3 - "$work/ar-$r-$d.json" "$r" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    x = json.loads(l); m, p = x["metrics"], x["params"]
    print(f"| {sys.argv[2]} | {p['dtype']} × {m['parameters']:,}, {p['bucket_cap_mb']} MB buckets | {m['bytes'] / 1e6:.0f} | {m['s_median']} | {m['s_min']} "
          f"| {m['algbw_gbytes_per_s']} | {m['busbw_gbytes_per_s']} | {m['busbw_gbit_per_s']} |")
PY
    done
  done
}

train() {
  local d="$1" r="$2" who="$3"
  local out="$work/train-$d-$r-$who"
  local common=(train --model_name_or_path bert-base-uncased --num_hidden_layers "$layers" --dataset_name imdb
    --max_train_samples $((16 * steps)) --max_seq_length 128 --pad_to_max_length true --truncation_side left
    --max_steps "$steps" --logging_steps 2 --eval_strategy no --save_strategy no --report_to none --disable_tqdm true
    --seed 42 --log_level info --overwrite_output_dir true --output_dir "$out")
  [[ "$d" == bfloat16 ]] && common+=(--bf16 true) || common+=(--bf16 false)
  if [[ "$who" == ddp ]]; then
    OMP_NUM_THREADS=1 run bin/finetune4j launch --nproc_per_node 2 --master_port "$(port)" "${common[@]}" \
      --per_device_train_batch_size "$batch" > "$out.log" 2>&1
  else
    OMP_NUM_THREADS=2 run bin/finetune4j "${common[@]}" --per_device_train_batch_size $((2 * batch)) > "$out.log" 2>&1
  fi
  python3 - "$out" "$r" "$who" "$d" <<'PY'
import json, re, statistics, sys
out, r, who, d = sys.argv[1:]
log = open(out + ".log").read()
# rank 0's step windows: "step N: loss L, S samples/s, MFU M%" (the 2-rank run counts the rows of both ranks)
win = [(int(a), float(b), float(c)) for a, b, c in re.findall(r"step (\d+): loss [^,]*, ([\d.]+) samples/s, MFU ([\d.]+)%", log)]
steady = [w for w in win if w[0] > 2]
hist = json.load(open(out + "/trainer_state.json"))["log_history"]
total = [h for h in hist if "train_samples_per_second" in h][-1]
ar = re.search(r"all-reduce (?:after the backward )?took ([\d.]+) s of the steps' ([\d.]+) s \(([\d.]+)%\)", log)
sps = statistics.mean(w[1] for w in steady)
mfu = statistics.mean(w[2] for w in steady)
label = "2 ranks × 1 thread" if who == "ddp" else "1 process × 2 threads"
share = f"{ar.group(1)} of {ar.group(2)} s ({ar.group(3)}%)" if ar else "—"
print(f"| {r} | {d} | {label} | {sps:.2f} | {total['train_samples_per_second']} | {total['train_runtime']} | {share} | {mfu:.2f} | {total['train_loss']:.4f} |")
json.dump({"dtype": d, "who": who, "sps": sps}, open(out + ".json", "w"))
PY
}

training() {
  echo
  echo "bert-base-uncased, $layers layers, 128 tokens, global batch $((2 * batch)), $steps steps (steady = steps 3-$steps)"
  echo "| round | dtype | run | samples/s steady | train_samples_per_second | train_runtime s | all-reduce of step time | MFU % | train_loss |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for d in $dtypes; do
    for r in $(seq 1 "$rounds"); do
      train "$d" "$r" ddp
      train "$d" "$r" single
    done
  done
  python3 - "$work" <<'PY'
import glob, json, statistics, sys
by = {}
for f in glob.glob(sys.argv[1] + "/train-*.json"):
    x = json.load(open(f)); by.setdefault((x["dtype"], x["who"]), []).append(x["sps"])
print()
for d in ("float32", "bfloat16"):
    a, b = by.get((d, "ddp")), by.get((d, "single"))
    if a and b:
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{d}: median steady samples/s 2 ranks × 1 thread {ma:.2f}, 1 process × 2 threads {mb:.2f}: ratio {ma / mb:.2f}")
PY
}

split() {
  echo
  echo "| dtype | run | samples/s | ms/step | forward | backward | optimizer | MFU % |"
  echo "|---|---|---|---|---|---|---|---|"
  local common=(bench train-step --size base --num_hidden_layers "$layers" --seq_len 128 --warmup 1 --repeat 3 --json)
  local extra=(); [[ "$dtypes" == *bfloat16* ]] && extra=(--bf16)
  OMP_NUM_THREADS=1 run bin/finetune4j launch --nproc_per_node 2 --master_port "$(port)" "${common[@]}" "${extra[@]}" \
    --batch_size "$batch" 2>/dev/null | sed -n 's/^\[rank \([01]\)\] {/{"rank":\1,/p' > "$work/split-2.json"
  OMP_NUM_THREADS=2 run bin/finetune4j "${common[@]}" "${extra[@]}" --batch_size $((2 * batch)) 2>/dev/null | grep '^{' > "$work/split-1.json"
  python3 - "$work" <<'PY'
import json, sys
for f, label in (("split-2", "each of 2 processes × 1 thread"), ("split-1", "1 process × 2 threads")):
    for l in open(f"{sys.argv[1]}/{f}.json"):
        x = json.loads(l); m, p = x["metrics"], x["params"]
        who = label + (f" (rank {x['rank']})" if "rank" in x else "")
        print(f"| {p['dtype']} | {who}, batch {p['batch_size']} | {m['samples_per_s']} | {m['ms_per_step_median']} | {m['ms_forward']} "
              f"| {m['ms_backward']} | {m['ms_optimizer']} | {m['mfu_pct']} |")
PY
}

case "$mode" in
  allreduce) allreduce ;;
  train) training ;;
  split) split ;;
  all) allreduce; training; split ;;
  *) echo "mode must be allreduce, train, split or all" >&2; exit 2 ;;
esac
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
