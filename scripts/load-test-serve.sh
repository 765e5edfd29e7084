#!/usr/bin/env bash
# Load test of `finetune4j serve` with wrk (apt-get install wrk): one review per request, 1, 8 and 32
# connections, DURATION seconds each, on loopback. Prints wrk's summary and latency percentiles per level.
# Usage: scripts/load-test-serve.sh MODEL_DIR [PORT] [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:?usage: $0 MODEL_DIR [PORT] [DURATION]}"
port="${2:-18080}"
duration="${3:-20}"
bin/finetune4j serve --model "$model" --labels negative,positive --port "$port" --max_length 128 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "server did not come up on port $port" >&2; exit 1; }
# Warm-up: the first forward passes are slower (allocator, libtorch kernels).
wrk -t1 -c4 -d5s -s scripts/serve/classify.lua "http://127.0.0.1:$port/v1/classify" >/dev/null
for c in 1 8 32; do
  echo "## $c connection(s), ${duration}s"
  wrk -t1 -c"$c" -d"${duration}s" --latency --timeout 30s -s scripts/serve/classify.lua "http://127.0.0.1:$port/v1/classify"
done
curl -s "http://127.0.0.1:$port/v1/stats"; echo
