#!/usr/bin/env bash
# Load test of `finetune4j serve` with wrk (apt-get install wrk): one review per TEI POST /predict, at
# CONNECTIONS (default "1 8 32 128") connections, DURATION seconds each, on loopback, after a 5 s warm-up.
# Prints the CPU, the server's RSS before and after, and per level wrk's requests/s, latency percentiles and
# non-2xx count, then a Markdown table of them (for docs/BENCHMARKS.md). Extra serve flags go in SERVE_FLAGS
# (e.g. SERVE_FLAGS="--runtime onnx"); MAX_LENGTH (default 128) is passed as --max_length.
# Usage: scripts/load-test-serve.sh MODEL_DIR [PORT] [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:?usage: $0 MODEL_DIR [PORT] [DURATION] [CONNECTIONS]}"
port="${2:-18080}"
duration="${3:-30}"
levels="${4:-1 8 32 128}"
url="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 3; }
# shellcheck disable=SC2086
bin/finetune4j serve --model "$model" --labels negative,positive --port "$port" --max_length "${MAX_LENGTH:-128}" ${SERVE_FLAGS:-} &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -sf "$url/health" >/dev/null && break
  sleep 1
done
curl -sf "$url/health" >/dev/null || { echo "server did not come up on port $port" >&2; exit 1; }
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$server/status"; }
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
echo "runtime: $(curl -s "$url/info" | sed -n 's/.*"runtime":"\([^"]*\)".*/\1/p')"
echo "rss after start: $(rss)"
# Warm-up: the first forward passes are slower (allocator, libtorch kernels).
wrk -t1 -c4 -d5s -s scripts/serve/predict.lua "$url/predict" >/dev/null
rss_before="$(rss)"
echo "rss before: $rss_before"
table="| connections | requests/s | latency p50 | p99 | non-2xx | socket errors |
| --- | --- | --- | --- | --- | --- |"
for c in $levels; do
  threads=$(( c < 2 ? 1 : 2 ))
  echo "## $c connection(s), ${duration}s"
  out="$(wrk -t"$threads" -c"$c" -d"${duration}s" --latency --timeout 30s -s scripts/serve/predict.lua "$url/predict")"
  echo "$out"
  rps="$(echo "$out" | awk '/^Requests\/sec/ {print $2}')"
  p50="$(echo "$out" | awk '$1 == "50%" {print $2}')"
  p99="$(echo "$out" | awk '$1 == "99%" {print $2}')"
  non2xx="$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
  sock="$(echo "$out" | awk -F'Socket errors: ' '/Socket errors/ {print $2}')"
  table="$table
| $c | $rps | $p50 | $p99 | ${non2xx:-0} | ${sock:-none} |"
done
rss_after="$(rss)"
echo "rss after: $rss_after"
curl -s "$url/v1/stats"; echo
echo
echo "$table"
echo
echo "RSS: $rss_before before, $rss_after after."
