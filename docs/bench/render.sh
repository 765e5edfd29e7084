#!/usr/bin/env bash
# Rebuilds docs/BENCHMARKS.md: the hand-written header.md, then the table `bench report` renders from results.jsonl.
# Add results with: bin/finetune4j bench CASE ... --json >> docs/bench/results.jsonl
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
{
  cat "$HERE/header.md"
  echo
  echo "## Results (rendered by \`bench report docs/bench/results.jsonl\`)"
  echo
  "$HERE/../../bin/finetune4j" bench report "$HERE/results.jsonl"
} > "$HERE/../BENCHMARKS.md"
