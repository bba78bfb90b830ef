#!/usr/bin/env bash
# The agent's mirror against the registry behind it (Debian's docker-registry), both on 127.0.0.1,
# in the same run with alternating order: a cold pull of a fresh blob through the agent against a
# direct pull, and warm blob GET throughput of the agent's store against the registry. Prints
# medians and ratios. See bench/README.md.
#
#   bench/run-mirror.sh [SIZE_MIB=512] [ROUNDS=3] [THREADS=8] [SECONDS=10]
#
# SHAPE=1gbit (any tc rate) puts the registry in a network namespace of its own behind a veth link
# shaped to that rate, as a registry across the network is; the agent and the client stay on this
# host's loopback, as a runtime and its agent are. Needs root, ip and tc.
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

ns=""
reg_host=127.0.0.1
if [[ -n ${SHAPE:-} ]]; then
  ns=shoal-bench-reg-$$
  veth_a=shb$$a veth_b=shb$$b
  reg_host=10.231.0.2
  ip netns add "$ns"
  ip link add "$veth_a" type veth peer name "$veth_b"
  ip link set "$veth_b" netns "$ns"
  ip addr add 10.231.0.1/30 dev "$veth_a"
  ip link set "$veth_a" up
  ip netns exec "$ns" ip addr add 10.231.0.2/30 dev "$veth_b"
  ip netns exec "$ns" ip link set "$veth_b" up
  ip netns exec "$ns" ip link set lo up
  tc qdisc add dev "$veth_a" root tbf rate "$SHAPE" burst 1mb latency 50ms
  ip netns exec "$ns" tc qdisc add dev "$veth_b" root tbf rate "$SHAPE" burst 1mb latency 50ms
  trap 'cleanup; ip link del "$veth_a" 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true' EXIT
fi
in_ns() { if [[ -n $ns ]]; then ip netns exec "$ns" "$@"; else "$@"; fi; }

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
  addr: $reg_host:$cport
YML
in_ns docker-registry serve "$scratch/cncf/config.yml" >"$scratch/cncf.log" 2>&1 &
pids+=($!)

SHOAL_SKIP_BUILD=1 ./shoal agent --listen 127.0.0.1:0 --control-listen 127.0.0.1:0 \
  --upstream "http://$reg_host:$cport" --data "$scratch/agent" >"$scratch/agent.out" 2>"$scratch/agent.log" &
pids+=($!)
for _ in $(seq 1 100); do
  grep -q 'listening on' "$scratch/agent.out" 2>/dev/null && curl -fs "http://$reg_host:$cport/v2/" >/dev/null && break
  sleep 0.2
done
agent=$(sed -n 's/^shoal agent listening on \([^ ]*\) .*/\1/p' "$scratch/agent.out")
[[ -n $agent ]] || { echo "agent did not start:" >&2; cat "$scratch/agent.log" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(java -version 2>&1 | head -1)"
echo "link to the registry: ${SHAPE:-loopback}"
echo "registry: http://$reg_host:$cport ($(docker-registry --version 2>/dev/null | head -1)); shoal agent: $agent"
java -Xmx1g -cp bench/target/benchmarks.jar dev.shoal.bench.MirrorThroughput \
  "http://$reg_host:$cport" "$agent" "$size" "$rounds" "$threads" "$seconds"
