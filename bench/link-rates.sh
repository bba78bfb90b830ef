#!/usr/bin/env bash
# Where the swarm benchmark's links are idle: run next to bench/run-swarm.sh, it samples the byte
# counters of every bridge port (a port's tx is its host's downlink, its rx the uplink) every
# INTERVAL seconds until the benchmark's bridge goes, then prints each link's rate in Mbit/s per
# sample while any host downloads. Reads counters only; sends nothing.
#
#   bench/run-swarm.sh … &  bench/link-rates.sh             # waits for the bridge, then samples
#   SAMPLES=/tmp/rates.txt bench/link-rates.sh               # keeps the raw samples there
#   bench/link-rates.sh --print /tmp/rates.txt               # prints samples taken before
#
# Environment: INTERVAL [0.5], SAMPLES [a temporary file, removed], WAIT [120] seconds to wait for
# the bridge namespace shsw-br. Needs root and ip.
set -euo pipefail

print_rates() {
  python3 - "$1" <<'PY'
import datetime, sys

rows = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) < 4:
        continue
    rows.append((float(f[0]), {f[i]: (int(f[i + 1]), int(f[i + 2])) for i in range(1, len(f) - 2, 3)}))
if len(rows) < 2:
    sys.exit("fewer than two samples")
ports = sorted((p for p in rows[-1][1] if p != "origin"), key=lambda p: int(p[1:]))
print("time          origin->  " + "  ".join(f"{p:>5} dn" for p in ports) + "   " + "  ".join(f"{p:>5} up" for p in ports))
for (t0, a), (t1, b) in zip(rows, rows[1:]):
    dt = t1 - t0
    if dt <= 0 or not set(ports) <= set(a) or not set(ports) <= set(b):
        continue
    rate = lambda p, k: (b[p][k] - a[p][k]) * 8 / dt / 1e6
    down = [rate(p, 0) for p in ports]
    if sum(down) < 1:
        continue  # between runs
    when = datetime.datetime.fromtimestamp(t1, datetime.timezone.utc).strftime("%H:%M:%S.%f")[:12]
    print(f"{when}  {rate('origin', 1):7.1f}  " + "  ".join(f"{d:8.1f}" for d in down)
          + "   " + "  ".join(f"{rate(p, 1):8.1f}" for p in ports))
PY
}

if [[ ${1:-} == --print ]]; then
  print_rates "${2:?usage: bench/link-rates.sh --print FILE}"
  exit
fi
((EUID == 0)) || { echo "needs root (reads counters in the benchmark's namespaces)" >&2; exit 1; }
interval=${INTERVAL:-0.5}
samples=${SAMPLES:-}
if [[ -z $samples ]]; then
  samples=$(mktemp /tmp/shoal-link-rates-XXXXXX)
  trap 'rm -f "$samples"' EXIT
fi
for _ in $(seq 1 $((${WAIT:-120} * 10))); do
  ip netns list | grep -q '^shsw-br' && break
  sleep 0.1
done
ip netns list | grep -q '^shsw-br' || { echo "no benchmark running (no namespace shsw-br)" >&2; exit 1; }
# One shell inside the namespace reads the counters with builtins: no process per sample.
# shellcheck disable=SC2016 # expanded by that shell
ip netns exec shsw-br bash -c '
  interval=$1
  cd /sys/class/net
  while [[ -d br0 ]]; do
    line=$(date +%s.%N)
    for p in origin h*; do
      [[ -r $p/statistics/tx_bytes ]] || continue
      read -r tx <"$p/statistics/tx_bytes" && read -r rx <"$p/statistics/rx_bytes" || continue
      line+=" $p $tx $rx"
    done
    echo "$line"
    sleep "$interval"
  done' _ "$interval" >"$samples" 2>/dev/null || true
print_rates "$samples"
