#!/usr/bin/env bash
# Reads a run's TensorBoard event files with tools that share no code with finetune4j: the npm
# package tfrecord (record framing and both CRC32Cs of each record) and protoc (the Event protos,
# decoded with TensorFlow's field numbers from scripts/tensorboard/event.proto).
# Prints one line per event. Exits 1 on a bad record or proto, 2 without event files, 3 when the
# npm package cannot be installed.
# Usage: scripts/check-tensorboard-events.sh LOGGING_DIR   (needs node/npm and protoc: apt-get install protobuf-compiler)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:?usage: $0 LOGGING_DIR}"
tools="${FINETUNE4J_HOME:-$HOME/.cache/finetune4j}/tools/tfrecord"
if [[ ! -d "$tools/node_modules/tfrecord" ]]; then
  mkdir -p "$tools"
  npm install --silent --prefix "$tools" tfrecord@0.2.0 >/dev/null \
    || { echo "could not install the npm package tfrecord (offline?)" >&2; exit 3; }
fi
shopt -s nullglob
files=("$dir"/events.out.tfevents.*)
if (( ${#files[@]} == 0 )); then
  echo "no events.out.tfevents.* file in $dir; train with report_to: tensorboard" >&2
  exit 2
fi
for f in "${files[@]}"; do
  echo "# $f"
  NODE_PATH="$tools/node_modules" node "$here/tensorboard/read_records.js" "$f" | while read -r b64; do
    echo "$b64" | base64 -d | protoc --proto_path="$here/tensorboard" --decode=tensorflow.Event event.proto \
      | tr '\n' ' ' | sed -E 's/  +/ /g'
    echo
  done
done
