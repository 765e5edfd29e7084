#!/usr/bin/env bash
# Issue 18's proof: cache_frozen_features on vs off, on the four-way comparison's subset (configs/imdb-quick.yaml:
# bert-base-uncased cut to 10 layers, last 128 tokens, 2,000 train / 1,000 eval reviews), head-only for 5 epochs
# as in the seed, and top-2 layers. Each pair runs back to back; a run's first cached pass fills the feature
# cache, so the cache folder is cleared before each cached run (the timing includes the caching pass).
# Usage: [RUNS="head-only-uncached head-only-cached top-2-uncached top-2-cached top-2-cached-again"] scripts/compare-frozen-cache.sh [OUT_DIR]
#   → OUT_DIR/<name>.json (train --json) and OUT_DIR/<name>.time (GNU time -v: wall time, peak RSS).
# Long CPU jobs (the uncached head-only run is about 5 × 7 minutes on 2 cores): run on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-results/frozen-cache}"
mkdir -p "$out"
features="${FINETUNE4J_HOME:-$HOME/.cache/finetune4j}/features"
run() {
  local name="$1"; shift
  /usr/bin/time -v -o "$out/$name.time" bin/finetune4j train --json --output_dir "$out/$name" --predict_texts "" "$@" > "$out/$name.json"
  grep -h '"eval_accuracy"' "$out/$name/trainer_state.json" | tail -1 | sed "s/^/$name: /"
  grep -h 'Elapsed (wall clock)' "$out/$name.time" | sed "s/^/$name: /"
}
want() { [[ " ${RUNS:-head-only-uncached head-only-cached top-2-uncached top-2-cached top-2-cached-again} " == *" $1 "* ]]; }
lscpu | grep -m1 'Model name' || true
uptime
head=(--config configs/imdb-quick.yaml --trainable 'classifier|pooler' --learning_rate 1e-3 --num_train_epochs 5)
top2=(--config configs/imdb-quick.yaml --trainable 'classifier|pooler|encoder\.layer\.[89]\.' --learning_rate 1e-4)
want head-only-uncached && run head-only-uncached "${head[@]}" --cache_frozen_features false
want head-only-cached && { rm -rf "$features"; run head-only-cached "${head[@]}" --cache_frozen_features true; }
want top-2-uncached && run top-2-uncached "${top2[@]}" --cache_frozen_features false
want top-2-cached && { rm -rf "$features"; run top-2-cached "${top2[@]}" --cache_frozen_features true; }
# A later run on the same data reuses the stored features (the cache is keyed by model, data, length, side).
want top-2-cached-again && run top-2-cached-again "${top2[@]}" --cache_frozen_features true
true
