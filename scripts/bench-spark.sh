#!/usr/bin/env bash
# spark predict (local[2]) vs predict on the same rows: a small random BERT (2 layers, hidden 128) and the
# first N IMDB test reviews (by hash) from the cache. Prints the CPU, load and wall-clock rows/s of each.
# Usage: scripts/bench-spark.sh [N=10000] [MAX_LENGTH=128]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-10000}"; LEN="${2:-128}"
CACHE="${FINETUNE4J_HOME:-$HOME/.cache/finetune4j}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
"$ROOT/bin/finetune4j" --help >/dev/null   # builds the jar when stale
CP="$ROOT/cli/target/finetune4j.jar:$ROOT/cli/target/lib/*"
java -Dai.djl.offline=true -cp "$CP" "$ROOT/scripts/spark/BenchInputs.java" "$WORK" "$N" "$CACHE" 2>/dev/null
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rows: $(wc -l < "$WORK/reviews.txt"), max_length $LEN, batch_size 64"

t0=$(date +%s.%N)
"$ROOT/bin/finetune4j" predict --model "$WORK/model" --file "$WORK/reviews.txt" --output "$WORK/predict.jsonl" --batch_size 64 --max_length "$LEN" >/dev/null
t1=$(date +%s.%N)
echo "predict (one JVM, libtorch 2 threads): $(echo "$t1 - $t0" | bc) s wall, $(echo "$N / ($t1 - $t0)" | bc) rows/s; load $(cut -d' ' -f1 /proc/loadavg)"

t0=$(date +%s.%N)
line=$("$ROOT/bin/finetune4j" spark predict --model "$WORK/model" --input "$WORK/reviews.parquet" --output "$WORK/spark-out" \
  --master 'local[2]' --batch_size 64 --max_length "$LEN" --output_prefix predicted_)
t1=$(date +%s.%N)
echo "spark predict local[2] (2 tasks x 1 libtorch thread): $(echo "$t1 - $t0" | bc) s wall, $(echo "$N / ($t1 - $t0)" | bc) rows/s; load $(cut -d' ' -f1 /proc/loadavg)"
echo "  its own line: $line"
