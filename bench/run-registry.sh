#!/usr/bin/env bash
# Push/pull throughput of one large blob and manifest GETs/s under concurrency: the CNCF registry
# (Debian's docker-registry) against a Shoal origin, both on 127.0.0.1, in the same run, with
# alternating rounds. Prints medians and the ratio shoal/cncf. See bench/README.md.
#
#   bench/run-registry.sh [SIZE_MIB=512] [ROUNDS=3] [THREADS=16] [SECONDS=10]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
size=${1:-512} rounds=${2:-3} threads=${3:-16} seconds=${4:-10}

need_docker_registry
mvn -q -B -DskipTests install -pl bench -am >&2

start_scratch shoal-registry-bench

cport=$(free_port)
start_cncf 127.0.0.1 "$cport"

SHOAL_SKIP_BUILD=1 ./shoal origin --listen 127.0.0.1:0 --events-listen 127.0.0.1:0 --data "$scratch/origin" >"$scratch/origin.out" 2>"$scratch/origin.log" &
pids+=($!)
origin=$(await_shoal origin "http://127.0.0.1:$cport")

machine
echo "cncf: http://127.0.0.1:$cport ($(docker-registry --version 2>/dev/null | head -1)); shoal origin: $origin"
java -Xmx1g -cp bench/target/benchmarks.jar dev.shoal.bench.RegistryThroughput \
  "http://127.0.0.1:$cport" cncf "$origin" shoal "$size" "$rounds" "$threads" "$seconds"
