#!/usr/bin/env bash
# spark predict (local[2]) vs predict on the same 2 cores and the same rows, for each runtime (DJL and ONNX Runtime):
# the first N IMDB test reviews (by hash) from the cache, a model (MODEL, below) and its `export onnx`.
# Prints the CPU, the load, and per runtime the wall clock of both commands, Spark's fixed start apart from its job,
# and the ratios. Run it on an idle machine: numbers taken while other jobs run are not Spark's overhead.
#
# Usage: scripts/bench-spark.sh [N=10000] [MAX_LENGTH=128] [MODEL=tiny] [RUNTIMES=djl,onnx]
#   MODEL tiny: a random BERT-tiny shape (2 layers, hidden 128): the forward is cheap, so Spark's fixed and per-row
#               costs weigh the most; the strictest case for the overhead goal.
#   MODEL bert-base-uncased:L: bert-base-uncased cut to its first L layers (random head), as `bench pipeline`
#               --num_hidden_layers does: a real model's width, ~1.9 GFLOP per 128-token review per layer.
# Both commands write JSON lines (predict --output .jsonl; spark predict --output_format json), batch 64.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-10000}"; LEN="${2:-128}"; MODEL="${3:-tiny}"; RUNTIMES="${4:-djl,onnx}"
CACHE="${FINETUNE4J_HOME:-$HOME/.cache/finetune4j}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
F="$ROOT/bin/finetune4j"
"$F" --help >/dev/null   # builds the jar when stale
CP="$ROOT/cli/target/finetune4j.jar:$ROOT/cli/target/lib/*"
java -Dai.djl.offline=true -cp "$CP" "$ROOT/scripts/spark/BenchInputs.java" "$WORK" "$N" "$CACHE" "$MODEL" 2>/dev/null
if [[ ",$RUNTIMES," == *,onnx,* ]]; then
  "$F" export onnx --model "$WORK/model" --output "$WORK/onnx" >/dev/null
fi
ROWS=$(wc -l < "$WORK/reviews.txt")
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "model: $MODEL; rows: $ROWS, max_length $LEN, batch_size 64; predict: one JVM, intra-op threads = cores;" \
  "spark predict: local[2], rows spread over 2 partitions, 1 intra-op thread per task, one shared model"

now() { date +%s.%N; }
calc() { echo "scale=3; $*" | bc; }

IFS=',' read -ra RTS <<< "$RUNTIMES"
summary=()
for rt in "${RTS[@]}"; do
  dir="$WORK/model"; [ "$rt" = onnx ] && dir="$WORK/onnx"
  t0=$(now)
  "$F" predict --model "$dir" --runtime "$rt" --file "$WORK/reviews.txt" --output "$WORK/predict-$rt.jsonl" \
    --batch_size 64 --max_length "$LEN" >/dev/null
  t1=$(now)
  p=$(calc "$t1 - $t0")
  echo "[$rt] predict: $p s wall, $(calc "$ROWS / $p") rows/s; load $(cut -d' ' -f1 /proc/loadavg)"

  t0=$(now)
  line=$("$F" spark predict --model "$dir" --runtime "$rt" --input "$WORK/reviews.parquet" --output "$WORK/spark-$rt" \
    --output_format json --master 'local[2]' --batch_size 64 --max_length "$LEN" --output_prefix predicted_)
  t1=$(now)
  s=$(calc "$t1 - $t0")
  job=$(sed -E 's/.* in ([0-9.]+) s, .*/\1/' <<< "$line")
  start=$(sed -E 's/.*Spark session start ([0-9.]+) s.*/\1/' <<< "$line")
  rest=$(calc "$s - $job - $start")
  echo "[$rt] spark predict: $s s wall, $(calc "$ROWS / $s") rows/s; job (read, score, write) $job s = $(calc "$ROWS / $job") rows/s;" \
    "Spark session start $start s; JVM start and stop $rest s; load $(cut -d' ' -f1 /proc/loadavg)"
  echo "[$rt]   its own line: $line"
  over=$(calc "($s / $p - 1) * 100")
  overJob=$(calc "(($s - $start) / $p - 1) * 100")
  summary+=("[$rt] spark/predict wall $(calc "$s / $p")x: overhead ${over}% (${overJob}% without the Spark session start)")
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${summary[@]}"
