#!/usr/bin/env bash
# The agent's mirror against the registry behind it (Debian's docker-registry), both on 127.0.0.1,
# in the same run with alternating order: a cold pull of a fresh blob through the agent against a
# direct pull, and warm blob GET throughput of the agent's store against the registry. Prints
# medians and ratios. See bench/README.md.
#
#   bench/run-mirror.sh [SIZE_MIB=512] [ROUNDS=3] [THREADS=8] [SECONDS=10]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
size=${1:-512} rounds=${2:-3} threads=${3:-8} seconds=${4:-10}

command -v docker-registry >/dev/null || { echo "needs docker-registry: apt-get install -y docker-registry" >&2; exit 1; }
mvn -q -B -DskipTests package >&2

scratch=$(mktemp -d /tmp/shoal-mirror-bench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cport=$(free_port)
mkdir -p "$scratch/cncf"
cat >"$scratch/cncf/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $scratch/cncf/storage
http:
  addr: 127.0.0.1:$cport
YML
docker-registry serve "$scratch/cncf/config.yml" >"$scratch/cncf.log" 2>&1 &
pids+=($!)

SHOAL_SKIP_BUILD=1 ./shoal agent --listen 127.0.0.1:0 --control-listen 127.0.0.1:0 \
  --upstream "http://127.0.0.1:$cport" --data "$scratch/agent" >"$scratch/agent.out" 2>"$scratch/agent.log" &
pids+=($!)
for _ in $(seq 1 100); do
  grep -q 'listening on' "$scratch/agent.out" 2>/dev/null && curl -fs "http://127.0.0.1:$cport/v2/" >/dev/null && break
  sleep 0.2
done
agent=$(sed -n 's/^shoal agent listening on \([^ ]*\) .*/\1/p' "$scratch/agent.out")
[[ -n $agent ]] || { echo "agent did not start:" >&2; cat "$scratch/agent.log" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(java -version 2>&1 | head -1)"
echo "registry: http://127.0.0.1:$cport ($(docker-registry --version 2>/dev/null | head -1)); shoal agent: $agent"
java -Xmx1g -cp bench/target/benchmarks.jar dev.shoal.bench.MirrorThroughput \
  "http://127.0.0.1:$cport" "$agent" "$size" "$rounds" "$threads" "$seconds"
