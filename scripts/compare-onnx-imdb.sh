#!/usr/bin/env bash
# Accuracy of one fine-tuned model on 1,000 IMDB test reviews on three runtimes: DJL (libtorch,
# the checkpoint), ONNX Runtime float32 and ONNX Runtime int8 (export onnx --quantize int8), all
# tokenized the same way (the quick config's last 128 tokens). The goal: int8 within 1 point of float32.
# Usage: scripts/compare-onnx-imdb.sh [MODEL_DIR (default results/imdb-quick)] [OUT_DIR (default results/onnx-compare)]
#   → OUT_DIR/{djl,onnx,onnx-int8}.json (evaluate --json) and a summary line per runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-results/imdb-quick}"
out="${2:-results/onnx-compare}"
if [ ! -f "$model/config.json" ]; then
  echo "no trained model in $model: run bin/finetune4j train --config configs/imdb-quick.yaml first" >&2
  exit 2
fi
mkdir -p "$out"
bin/finetune4j export onnx --model "$model" --output "$out/exported" --quantize int8
common=(--dataset_name imdb --split test --max_eval_samples 1000 --seed 42 --max_seq_length 128 --truncation_side left --json)
bin/finetune4j evaluate --model "$model" "${common[@]}" > "$out/djl.json"
bin/finetune4j evaluate --model "$out/exported" --runtime onnx "${common[@]}" > "$out/onnx.json"
bin/finetune4j evaluate --model "$out/exported" --runtime onnx --quantized "${common[@]}" > "$out/onnx-int8.json"
lscpu | grep -m1 'Model name' || true
for r in djl onnx onnx-int8; do
  printf '%-10s %s\n' "$r" "$(grep -o '"test_accuracy" *: *[0-9.]*' "$out/$r.json" | head -1)"
done
