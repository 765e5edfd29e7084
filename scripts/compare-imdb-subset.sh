#!/usr/bin/env bash
# The seed's closing question on one CPU-sized IMDB subset with the same budget of steps:
# head-only vs top-2 layers vs LoRA r=8 vs full fine-tuning. Each run is the quick config
# (bert-base-uncased cut to 10 layers, last 128 tokens, 2,000 train / 1,000 eval reviews, one epoch,
# 125 steps of 16) with one change; full fine-tuning is the quick config itself.
# Usage: [RUNS="head-only top-2 lora-r8 full"] scripts/compare-imdb-subset.sh [OUT_DIR]
#   → OUT_DIR/<name>.json (train --json) and OUT_DIR/<name>.time (GNU time -v: wall time, peak RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-results/compare}"
mkdir -p "$out"
run() {
  local name="$1"; shift
  /usr/bin/time -v -o "$out/$name.time" bin/finetune4j train --json --output_dir "$out/$name" --predict_texts "" "$@" > "$out/$name.json"
  grep -h '"eval_accuracy"' "$out/$name/trainer_state.json" | tail -1 | sed "s/^/$name: /"
}
want() { [[ " ${RUNS:-head-only top-2 lora-r8 full} " == *" $1 "* ]]; }
want head-only && run head-only --config configs/imdb-quick.yaml --trainable 'classifier|pooler' --learning_rate 1e-3
want top-2 && run top-2 --config configs/imdb-quick.yaml --trainable 'classifier|pooler|encoder\.layer\.[89]\.' --learning_rate 1e-4
want lora-r8 && run lora-r8 --config configs/imdb-lora.yaml
want full && run full --config configs/imdb-quick.yaml
true
