# shellcheck shell=bash
# What bench/run-mirror.sh and bench/run-registry.sh share; they source it after
# `set -euo pipefail`. It sets $repo and cds there.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# need_docker_registry: stops the run unless Debian's docker-registry is installed.
need_docker_registry() {
  command -v docker-registry >/dev/null || { echo "needs docker-registry: apt-get install -y docker-registry" >&2; exit 1; }
}

# start_scratch NAME: a fresh $scratch directory; on exit every process in $pids is killed and
# $scratch removed.
start_scratch() {
  scratch=$(mktemp -d "/tmp/$1-XXXXXX")
  pids=()
  trap cleanup EXIT
}

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$scratch"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_cncf HOST PORT [WRAPPER…]: the CNCF registry on HOST:PORT, storing under $scratch/cncf,
# started through WRAPPER when given (as `ip netns exec NS`).
start_cncf() {
  local host=$1 port=$2
  shift 2
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
  addr: $host:$port
YML
  "$@" docker-registry serve "$scratch/cncf/config.yml" >"$scratch/cncf.log" 2>&1 &
  pids+=($!)
}

# await_shoal ROLE REGISTRY_URL: waits until `shoal ROLE`, started with its output in
# $scratch/ROLE.out and its log in $scratch/ROLE.log, listens and the registry answers; prints the
# address ROLE listens on.
await_shoal() {
  local role=$1 registry=$2 address
  for _ in $(seq 1 100); do
    grep -q 'listening on' "$scratch/$role.out" 2>/dev/null && curl -fs "$registry/v2/" >/dev/null && break
    sleep 0.2
  done
  address=$(sed -n "s/^shoal $role listening on \([^ ]*\) .*/\1/p" "$scratch/$role.out")
  [[ -n $address ]] || { echo "$role did not start:" >&2; cat "$scratch/$role.log" >&2; exit 1; }
  echo "$address"
}

# machine: one line on the cores, the CPU and the JVM, for the results.
machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(java -version 2>&1 | head -1)"
}
