#!/usr/bin/env bash
# Classifies texts with transformers.js (@huggingface/transformers from npm) on a folder written by
# `finetune4j export onnx`, offline; prints [[{label, score}, ...], ...] as JSON.
#
#   scripts/transformers-js-check.sh EXPORTED_DIR TEXTS.json [fp32|q8]
#
# The package is installed once with `npm install --ignore-scripts` (onnxruntime-node's CPU binaries
# ship inside the package; its install script would only fetch GPU binaries) into
# $FINETUNE4J_HOME/npm/transformers-js-VERSION (default ~/.cache/finetune4j/...).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 EXPORTED_DIR TEXTS.json [fp32|q8]" >&2
  exit 2
fi
VERSION="${TRANSFORMERS_JS_VERSION:-4.3.1}"
HOME_DIR="${FINETUNE4J_HOME:-$HOME/.cache/finetune4j}"
PREFIX="$HOME_DIR/npm/transformers-js-$VERSION"
if [ ! -f "$PREFIX/node_modules/@huggingface/transformers/package.json" ]; then
  mkdir -p "$PREFIX"
  (cd "$PREFIX" && { [ -f package.json ] || echo '{"private": true, "type": "module"}' > package.json; } \
    && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "@huggingface/transformers@$VERSION" >&2)
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp "$HERE/transformers-js-classify.mjs" "$PREFIX/classify.mjs"
exec node "$PREFIX/classify.mjs" "$1" "$2" "${3:-fp32}"
