#!/usr/bin/env bash
# Push/pull throughput of one large blob and manifest GETs/s under concurrency: the CNCF registry
# (Debian's docker-registry) against a Shoal origin, both on 127.0.0.1, in the same run, with
# alternating rounds. Prints medians and the ratio shoal/cncf. See bench/README.md.
#
#   bench/run-registry.sh [SIZE_MIB=512] [ROUNDS=3] [THREADS=16] [SECONDS=10]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
size=${1:-512} rounds=${2:-3} threads=${3:-16} seconds=${4:-10}

command -v docker-registry >/dev/null || { echo "needs docker-registry: apt-get install -y docker-registry" >&2; exit 1; }
mvn -q -B -DskipTests install -pl bench -am >&2

scratch=$(mktemp -d /tmp/shoal-registry-bench-XXXXXX)
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

SHOAL_SKIP_BUILD=1 ./shoal origin --listen 127.0.0.1:0 --events-listen 127.0.0.1:0 --data "$scratch/origin" >"$scratch/origin.out" 2>"$scratch/origin.log" &
pids+=($!)
for _ in $(seq 1 100); do
  grep -q 'listening on' "$scratch/origin.out" 2>/dev/null && curl -fs "http://127.0.0.1:$cport/v2/" >/dev/null && break
  sleep 0.2
done
origin=$(sed -n 's/^shoal origin listening on \([^ ]*\) .*/\1/p' "$scratch/origin.out")
[[ -n $origin ]] || { echo "origin did not start:" >&2; cat "$scratch/origin.log" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(java -version 2>&1 | head -1)"
echo "cncf: http://127.0.0.1:$cport ($(docker-registry --version 2>/dev/null | head -1)); shoal origin: $origin"
java -Xmx1g -cp bench/target/benchmarks.jar dev.shoal.bench.RegistryThroughput \
  "http://127.0.0.1:$cport" cncf "$origin" shoal "$size" "$rounds" "$threads" "$seconds"
