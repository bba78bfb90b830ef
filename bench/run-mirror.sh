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
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
size=${1:-512} rounds=${2:-3} threads=${3:-8} seconds=${4:-10}

need_docker_registry
mvn -q -B -DskipTests package >&2

start_scratch shoal-mirror-bench

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
# exec: started in the background, the registry itself is the job whose pid cleanup kills.
in_ns() { if [[ -n $ns ]]; then exec ip netns exec "$ns" "$@"; else exec "$@"; fi; }

cport=$(free_port)
start_cncf "$reg_host" "$cport" in_ns

SHOAL_SKIP_BUILD=1 ./shoal agent --listen 127.0.0.1:0 --control-listen 127.0.0.1:0 \
  --upstream "http://$reg_host:$cport" --data "$scratch/agent" >"$scratch/agent.out" 2>"$scratch/agent.log" &
pids+=($!)
agent=$(await_shoal agent "http://$reg_host:$cport")

machine
echo "link to the registry: ${SHAPE:-loopback}"
echo "registry: http://$reg_host:$cport ($(docker-registry --version 2>/dev/null | head -1)); shoal agent: $agent"
java -Xmx1g -cp bench/target/benchmarks.jar dev.shoal.bench.MirrorThroughput \
  "http://$reg_host:$cport" "$agent" "$size" "$rounds" "$threads" "$seconds"
