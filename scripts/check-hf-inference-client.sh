#!/usr/bin/env bash
# Checks a running `finetune4j serve` with the official Hugging Face JS client (@huggingface/inference):
# installs it from npm (with --ignore-scripts) into $FINETUNE4J_NPM_DIR (default target/npm/hf-inference)
# once, then runs InferenceClient.textClassification({endpointUrl, inputs}) against ENDPOINT_URL and
# checks that the labels it gets back are LABELS_CSV's. Prints the client's answer as JSON.
# Usage: scripts/check-hf-inference-client.sh ENDPOINT_URL LABELS_CSV [TEXT] [API_KEY]
#   e.g. scripts/check-hf-inference-client.sh http://127.0.0.1:8080 negative,positive "I love this movie"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
endpoint="${1:?usage: $0 ENDPOINT_URL LABELS_CSV [TEXT] [API_KEY]}"
labels="${2:?usage: $0 ENDPOINT_URL LABELS_CSV [TEXT] [API_KEY]}"
text="${3:-I love this movie}"
key="${4:-}"
version="${HF_INFERENCE_JS_VERSION:-4.13.30}"
dir="${FINETUNE4J_NPM_DIR:-$root/target/npm/hf-inference}"
command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are needed (apt-get install nodejs npm)" >&2; exit 3; }
if [ ! -f "$dir/node_modules/@huggingface/inference/package.json" ] \
   || ! grep -q "\"version\": \"$version\"" "$dir/node_modules/@huggingface/inference/package.json"; then
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"name": "finetune4j-hf-inference-check", "private": true}' > "$dir/package.json"
  (cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "@huggingface/inference@$version" >&2)
fi
exec node "$root/scripts/serve/hf-inference-client.cjs" "$dir" "$endpoint" "$labels" "$text" "$key"
