#!/usr/bin/env bash
# Load test of `finetune4j serve` with wrk (apt-get install wrk): one review per TEI POST /predict, at
# CONNECTIONS (default "1 8 32 128") connections, DURATION seconds each, on loopback, after a 5 s warm-up.
# ROUNDS (default 1) runs the last level that many times in a row, so a memory plateau (or a leak: growth
# every round) shows. Prints the CPU, per level wrk's requests/s, latency percentiles and non-2xx count, and
# after the start, the warm-up and every level (round) the server's memory: RSS (/proc/PID/status VmRSS), the
# Java heap used and committed (jcmd GC.heap_info) and, when the JVM runs with
# -XX:NativeMemoryTracking=summary, all the JVM's own committed memory (jcmd VM.native_memory; RSS minus that is
# about what libtorch / ONNX Runtime / the tokenizer hold), and once more after a full GC at the end; then
# Markdown tables of both (for docs/BENCHMARKS.md).
# Extra serve flags go in SERVE_FLAGS (e.g. SERVE_FLAGS="--runtime onnx"); MAX_LENGTH (default 128) is passed as
# --max_length; JVM flags in FINETUNE4J_JAVA_OPTS (bin/finetune4j).
# Usage: [ROUNDS=N] scripts/load-test-serve.sh MODEL_DIR [PORT] [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:?usage: [ROUNDS=N] $0 MODEL_DIR [PORT] [DURATION] [CONNECTIONS]}"
port="${2:-18080}"
duration="${3:-30}"
levels="${4:-1 8 32 128}"
rounds="${ROUNDS:-1}"
url="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 3; }
case "$rounds" in ''|*[!0-9]*|0) echo "ROUNDS must be a whole number of at least 1, got '$rounds'" >&2; exit 2 ;; esac
# shellcheck disable=SC2086
bin/finetune4j serve --model "$model" --labels negative,positive --port "$port" --max_length "${MAX_LENGTH:-128}" ${SERVE_FLAGS:-} &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -sf "$url/health" >/dev/null && break
  sleep 1
done
curl -sf "$url/health" >/dev/null || { echo "server did not come up on port $port" >&2; exit 1; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
rss() { echo "$(rss_mib) MiB"; }
memtable="| after | RSS MiB | heap used MiB | heap committed MiB | JVM committed (NMT) MiB |
| --- | --- | --- | --- | --- |"
# One memory sample: a line on stdout and a row of the memory table. Heap "used" includes garbage not yet
# collected, so it saws up and down; "committed" is what the heap has taken from the system.
memory() {
  local what="$1" r heap used="—" committed="—" nmt="—"
  r="$(rss_mib)"
  if command -v jcmd >/dev/null; then
    heap="$(jcmd "$server" GC.heap_info 2>/dev/null | grep -m1 -o 'total [0-9]*K, used [0-9]*K' || true)"
    if [ -n "$heap" ]; then
      committed="$(echo "$heap" | awk '{sub("K,", "", $2); printf "%.0f", $2 / 1024}')"
      used="$(echo "$heap" | awk '{sub("K", "", $4); printf "%.0f", $4 / 1024}')"
    fi
    nmt="$(jcmd "$server" VM.native_memory summary 2>/dev/null \
      | awk -F'committed=' '/^Total:/ {sub("KB.*", "", $2); printf "%.0f", $2 / 1024}' || true)"
    nmt="${nmt:-—}"
  fi
  echo "memory after $what: rss $r MiB, heap used $used MiB of $committed MiB committed, JVM committed (NMT) $nmt MiB"
  memtable="$memtable
| $what | $r | $used | $committed | $nmt |"
}
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
echo "runtime: $(curl -s "$url/info" | sed -n 's/.*"runtime":"\([^"]*\)".*/\1/p')"
echo "jvm flags: ${FINETUNE4J_JAVA_OPTS:-the default of bin/finetune4j}"
memory start
# Warm-up: the first forward passes are slower (allocator, libtorch kernels).
wrk -t1 -c4 -d5s -s scripts/serve/predict.lua "$url/predict" >/dev/null
rss_before="$(rss)"
memory warm-up
table="| connections | requests/s | latency p50 | p99 | non-2xx | socket errors | RSS after |
| --- | --- | --- | --- | --- | --- | --- |"
last="${levels##* }"
runs="$levels"
for _ in $(seq 2 "$rounds"); do runs="$runs $last"; done
round=0
last_rounds=""
for c in $runs; do
  threads=$(( c < 2 ? 1 : 2 ))
  label="$c"
  if [ "$c" = "$last" ] && [ "$rounds" -gt 1 ]; then
    round=$((round + 1))
    label="$c (round $round of $rounds)"
  fi
  echo "## $label connection(s), ${duration}s"
  out="$(wrk -t"$threads" -c"$c" -d"${duration}s" --latency --timeout 30s -s scripts/serve/predict.lua "$url/predict")"
  echo "$out"
  rps="$(echo "$out" | awk '/^Requests\/sec/ {print $2}')"
  p50="$(echo "$out" | awk '$1 == "50%" {print $2}')"
  p99="$(echo "$out" | awk '$1 == "99%" {print $2}')"
  non2xx="$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
  sock="$(echo "$out" | awk -F'Socket errors: ' '/Socket errors/ {print $2}')"
  memory "$label"
  table="$table
| $label | $rps | $p50 | $p99 | ${non2xx:-0} | ${sock:-none} | $(rss) |"
  [ "$c" = "$last" ] && last_rounds="${last_rounds:+$last_rounds → }$(rss_mib)"
done
rss_after="$(rss)"
echo "rss after: $rss_after (peak $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$server/status"))"
# What a full collection gives back (Java heap garbage, direct buffers only the GC frees): RSS that stays is
# native memory in use or kept by malloc.
if command -v jcmd >/dev/null && jcmd "$server" GC.run >/dev/null 2>&1; then
  sleep 1
  memory "a full GC (jcmd GC.run)"
fi
curl -s "$url/v1/stats"; echo
echo
echo "$table"
echo
echo "$memtable"
echo
echo "RSS: $rss_before before, $rss_after after; after each run of the $last-connection level: $last_rounds MiB."
