#!/usr/bin/env bash
# Writes a tiny random BERT classifier (2 layers, hidden 32, 64 positions; see tiny-classifier.jsh) into OUT,
# and with --onnx also its `export onnx` into OUT-onnx, for scripts/load-test-serve.sh.
# Usage: scripts/serve/tiny-classifier.sh OUT [--onnx]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:?usage: $0 OUT [--onnx]}"
[ -e "$OUT" ] && { echo "$OUT exists; pick a new folder or delete it" >&2; exit 2; }
mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
"$ROOT/bin/finetune4j" --version >/dev/null # builds the jar when it is missing or stale
CP="$ROOT/cli/target/finetune4j.jar$(printf ':%s' "$ROOT"/cli/target/lib/*.jar)"
jshell --class-path "$CP" -R-Dai.djl.offline=true -R-Dout="$OUT" \
  -R-Dvocab="$ROOT/core/src/test/resources/tokenize/bert-base-uncased-vocab.txt" "$ROOT/scripts/serve/tiny-classifier.jsh"
if [ "${2:-}" = --onnx ]; then
  "$ROOT/bin/finetune4j" export onnx --model "$OUT" --output "$OUT-onnx"
fi
