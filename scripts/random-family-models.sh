#!/usr/bin/env bash
# Writes one random-init model folder per family at one shape (see random-family-models.jsh), for
# `bin/finetune4j bench train-step --model DIR`. Usage: scripts/random-family-models.sh [OUT]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-/tmp/finetune4j-families}"
"$ROOT/bin/finetune4j" --version >/dev/null # builds the jar when it is missing or stale
CP="$ROOT/cli/target/finetune4j.jar$(printf ':%s' "$ROOT"/cli/target/lib/*.jar)"
jshell --class-path "$CP" -R-Dai.djl.offline=true -R-Dout="$OUT" "$ROOT/scripts/random-family-models.jsh"
