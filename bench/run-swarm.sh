#!/usr/bin/env bash
# The swarm benchmark: HOSTS hosts and one origin, each in a network namespace of its own, joined
# by a bridge; every link shaped to RATE both ways (a host's uplink and downlink, like a VM NIC).
# The origin runs Debian's docker-registry holding one random image of SIZE_MIB in LAYERS layers.
# Phases, each with every host pulling the whole image at the same moment (skopeo, digest-checked):
#
#   direct  every host pulls from the registry itself;
#   shoal   every host runs `shoal agent` (fresh data directory, swarm of all hosts) and pulls
#           through its own agent.
#
# Prints, per phase, the makespan (last finish - common start; median over RUNS), its ratio to the
# lower bound S/b (S image bytes, b = RATE), and the origin's egress (tx bytes of its veth, counted
# in the kernel, outside every process) in bytes and as a multiple of S. Each run's line also gives
# how busy the machine's CPUs were during the pull, and for shoal the agents' own CPU time (from
# /proc/PID/stat) per MiB they fetched: where the CPUs are saturated, that is what limits. See
# bench/README.md.
#
#   bench/run-swarm.sh                                   # 8 hosts, 100mbit, 200 MiB in 4 layers
#   HOSTS=3 SIZE_MIB=20 bench/run-swarm.sh               # smoke test, under a minute
#   RUNS=3 PHASES=shoal bench/run-swarm.sh               # shoal only, median of 3
#
# Environment (defaults in brackets):
#   HOSTS [8], RATE [100mbit] (kbit, mbit or gbit), SIZE_MIB [200], LAYERS [4], RUNS [1],
#   PHASES ["direct shoal"],
#   WARMUP_MIB [64] before the shoal phase every host pulls a warm-up image of that size through its
#                   agent, not timed (warm JVMs and peer channels, cold caches); 0 measures cold JVMs.
#                   Agents run for weeks; with 8 MiB the JIT compiler threads of 8 fresh JVMs were
#                   still the largest CPU users during the timed pull (JFR),
#   SEED [1]        the image's bytes: the same SEED gives the same digests, so the same home peers,
#   LOGS            a directory to keep the agents' logs in,
#   SHOAL_JAVA_OPTS the agents' JVM options [-Xms32m -Xmx256m -XX:+UseSerialGC]: 8 JVMs share 2 cores.
# Needs root, ip, tc, docker-registry, skopeo, curl, openssl. Builds nothing: run
# `mvn -q -B -o package -DskipTests` first when the agent jar is missing or stale.
# Writes the output also to bench/results/swarm-<date>.txt. Everything it creates (namespaces
# shsw-*, whose deletion removes the bridge and the veths; processes; /tmp/shoal-swarm-bench-*)
# goes on exit, Ctrl-C or failure; leftovers of an earlier run killed hard go at the next start.
set -euo pipefail
shopt -s inherit_errexit
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hosts=${HOSTS:-8} rate=${RATE:-100mbit} size_mib=${SIZE_MIB:-200} layers=${LAYERS:-4}
runs=${RUNS:-1} phases=${PHASES:-direct shoal} seed=${SEED:-1} logs=${LOGS:-} warmup_mib=${WARMUP_MIB:-64}
java_opts=${SHOAL_JAVA_OPTS:--Xms32m -Xmx256m -XX:+UseSerialGC}

fail() { echo "run-swarm: $*" >&2; exit 1; }
# in_range VALUE MIN MAX: VALUE is a whole number in MIN..MAX.
in_range() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)); }
in_range "$hosts" 2 200 || fail "HOSTS: $hosts (expected: 2..200)"
[[ $rate =~ ^([0-9]+)(kbit|mbit|gbit)$ ]] || fail "RATE: $rate (expected: a number with kbit, mbit or gbit)"
case ${BASH_REMATCH[2]} in kbit) mult=1000 ;; mbit) mult=1000000 ;; gbit) mult=1000000000 ;; esac
rate_bytes=$((BASH_REMATCH[1] * mult / 8)) # per second
in_range "$size_mib" 1 100000 || fail "SIZE_MIB: $size_mib (expected: 1..100000)"
in_range "$layers" 1 100 || fail "LAYERS: $layers (expected: 1..100)"
in_range "$runs" 1 100 || fail "RUNS: $runs (expected: 1..100)"
in_range "$warmup_mib" 0 1000 || fail "WARMUP_MIB: $warmup_mib (expected: 0..1000)"
[[ $seed =~ ^[0-9]+$ ]] || fail "SEED: $seed (expected: a number)"
if [[ -n $logs ]]; then mkdir -p "$logs" && logs=$(cd "$logs" && pwd); fi
for p in $phases; do [[ $p == direct || $p == shoal ]] || fail "PHASES: $p (expected: direct, shoal)"; done
((EUID == 0)) || fail "needs root (network namespaces, tc)"
need_docker_registry
for c in ip tc skopeo curl openssl flock sha256sum; do
  command -v "$c" >/dev/null || fail "needs $c"
done
[[ -f agent/target/shoal-agent.jar ]] || fail "no agent jar: mvn -q -B -o package -DskipTests"

clk_tck=$(getconf CLK_TCK)
prefix=shsw # every namespace of this benchmark: shsw-br, shsw-origin, shsw-h1 ...
ns_br=$prefix-br ns_origin=$prefix-origin
net=10.233.0 origin_ip=$net.254
repo_name=bench/swarm warmup_repo=bench/warmup tag=latest
host_ns() { echo "$prefix-h$1"; }
host_ip() { echo "$net.$1"; }

# One run at a time: the names and addresses are fixed, so a second run would tear down the first.
# Only this shell holds fd 8: every process started in the background closes it ("8>&-"), so that
# one surviving a `kill -9` of this script does not keep the next run from cleaning it up.
exec 8>/tmp/shoal-swarm-bench.lock
flock -n 8 || fail "another run-swarm.sh is running (lock /tmp/shoal-swarm-bench.lock)"

# Kills what runs in our namespaces (only processes this script started live there), then deletes
# them; deleting a namespace deletes the veth ends in it and with them their peers and the bridge.
teardown_net() {
  local ns pid
  for ns in $(ip netns list | awk -v p="^$prefix-" '$1 ~ p {print $1}'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  done
  for _ in $(seq 1 50); do
    [[ -z $(for ns in $(ip netns list | awk -v p="^$prefix-" '$1 ~ p {print $1}'); do ip netns pids "$ns"; done) ]] && break
    sleep 0.1
  done
  for ns in $(ip netns list | awk -v p="^$prefix-" '$1 ~ p {print $1}'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}

teardown_net
rm -rf /tmp/shoal-swarm-bench-*
start_scratch shoal-swarm-bench
trap 'teardown_net; cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p bench/results
results=bench/results/swarm-$(date -u +%Y-%m-%d-%H%M%S).txt
say() { printf '%s\n' "$*" | tee -a "$results"; }

# --- topology -------------------------------------------------------------------------------------

# tbf on one veth end: RATE, a burst of 5 ms of traffic (at least 64 KiB: veths hand on GSO
# packets of up to 64 KiB) and at most 50 ms of queue.
burst=$((rate_bytes / 200 > 65536 ? rate_bytes / 200 : 65536))
shape() { ip netns exec "$1" tc qdisc replace dev "$2" root tbf rate "$rate" burst "$burst" latency 50ms; }

new_ns() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  # No IPv6: its router and multicast chatter would count in the byte counters.
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# attach NS PORT IP: a veth pair, eth0 in NS with IP, PORT on the bridge; both ends shaped.
attach() {
  local ns=$1 port=$2 ip=$3
  new_ns "$ns"
  ip link add "$port" netns "$ns_br" type veth peer name eth0 netns "$ns"
  ip -n "$ns_br" link set "$port" master br0 up
  ip -n "$ns" addr add "$ip/24" dev eth0
  ip -n "$ns" link set eth0 up
  shape "$ns" eth0       # uplink
  shape "$ns_br" "$port" # downlink
}

new_ns "$ns_br"
ip -n "$ns_br" link add br0 type bridge
ip -n "$ns_br" link set br0 up
attach "$ns_origin" origin "$origin_ip"
peers=()
for k in $(seq 1 "$hosts"); do
  attach "$(host_ns "$k")" "h$k" "$(host_ip "$k")"
  peers+=("$(host_ip "$k"):7000")
done
peer_list=$(IFS=,; echo "${peers[*]}")

tx_bytes() { ip netns exec "$1" cat /sys/class/net/eth0/statistics/tx_bytes; }

# --- origin and image -----------------------------------------------------------------------------

start_cncf 0.0.0.0 5000 ip netns exec "$ns_origin" 8>&-
in_origin() { ip netns exec "$ns_origin" "$@"; }
for _ in $(seq 1 100); do
  in_origin curl -fs -o /dev/null http://127.0.0.1:5000/v2/ && break
  sleep 0.1
done
in_origin curl -fs -o /dev/null http://127.0.0.1:5000/v2/ || fail "docker-registry did not start: $(cat "$scratch/cncf.log")"

# push_blob REPO FILE: uploads FILE to REPO in one PUT (from the origin's own loopback, so that the
# push crosses no shaped link) and prints its descriptor fields "digest size".
push_blob() {
  local repo=$1 file=$2 digest size location sep
  digest=sha256:$(sha256sum "$file" | cut -d' ' -f1)
  size=$(stat -c %s "$file")
  location=$(in_origin curl -fsS -X POST -D - -o /dev/null "http://127.0.0.1:5000/v2/$repo/blobs/uploads/" |
    tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  if [[ $location == /* ]]; then location=http://127.0.0.1:5000$location; fi
  sep='?'
  if [[ $location == *\?* ]]; then sep='&'; fi
  in_origin curl -fsS -o /dev/null -T "$file" -H 'Content-Type: application/octet-stream' "$location${sep}digest=$digest"
  echo "$digest $size"
}

# push_image REPO KEY TOTAL_BYTES: pushes REPO:latest, LAYERS uncompressed tar layers of one file
# each, whose bytes are AES-CTR keystream keyed from KEY (random to any compressor, the same for the
# same KEY), with an OCI config and manifest. Sets $image_bytes (all of it) and $blobs (the digests
# of the layers and the config).
push_image() {
  local repo=$1 key=$2 total=$3 img=$scratch/image-$1 i desc digest size layer_json=() diff_ids=()
  local config_digest config_size
  mkdir -p "$img"
  blobs=() image_bytes=0
  for i in $(seq 1 "$layers"); do
    head -c "$((total / layers))" < <(openssl enc -aes-128-ctr -nosalt -K "$(printf '%032x' $((key * 1000 + i)))" \
      -iv 0 -in /dev/zero 2>/dev/null) >"$img/data$i"
    tar --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$img/layer$i.tar" -C "$img" "data$i"
    rm "$img/data$i"
    desc=$(push_blob "$repo" "$img/layer$i.tar")
    read -r digest size <<<"$desc"
    rm "$img/layer$i.tar"
    layer_json+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$digest\",\"size\":$size}")
    diff_ids+=("\"$digest\"")
    blobs+=("$digest")
    image_bytes=$((image_bytes + size))
  done
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "$(IFS=,; echo "${diff_ids[*]}")" >"$img/config.json"
  desc=$(push_blob "$repo" "$img/config.json")
  read -r config_digest config_size <<<"$desc"
  blobs+=("$config_digest")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
    "$config_digest" "$config_size" "$(IFS=,; echo "${layer_json[*]}")" >"$img/manifest.json"
  in_origin curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$img/manifest.json" "http://127.0.0.1:5000/v2/$repo/manifests/$tag"
  image_bytes=$((image_bytes + config_size + $(stat -c %s "$img/manifest.json")))
}

layer_bytes=$((size_mib * 1048576 / layers))
if ((warmup_mib > 0)); then
  push_image "$warmup_repo" $((seed + 500)) $((warmup_mib * 1048576))
fi
push_image "$repo_name" "$seed" $((size_mib * 1048576))
# The lower bound: every host must receive S bytes through a downlink of b bytes/s.
bound=$(awk -v s="$image_bytes" -v b="$rate_bytes" 'BEGIN {printf "%.3f", s / b}')

# --- phases ---------------------------------------------------------------------------------------

# pull_all PHASE RUN REGISTRY_OF_HOST [REPO]: every host pulls REPO (default: the image) at once from
# the address the function REGISTRY_OF_HOST prints for it; sets $makespan. A failed pull or a blob
# whose bytes do not match its digest ends the run.
pull_all() {
  local phase=$1 run=$2 registry_of=$3 repo=${4:-$repo_name} k start jobs=() out finish last=0 bad=0
  start=$(date +%s.%N)
  for k in $(seq 1 "$hosts"); do
    out=$scratch/pull/$phase-$run/h$k
    mkdir -p "$out"
    (
      if ip netns exec "$(host_ns "$k")" skopeo copy --quiet --src-tls-verify=false --dest-oci-accept-uncompressed-layers \
        "docker://$($registry_of "$k")/$repo:$tag" "oci:$out/image" >"$out/skopeo.log" 2>&1; then
        date +%s.%N >"$out/finish"
      else
        exit 1
      fi
    ) 8>&- &
    jobs+=($!)
  done
  for k in $(seq 1 "$hosts"); do
    wait "${jobs[k - 1]}" || { bad=1; echo "h$k: pull failed: $(cat "$scratch/pull/$phase-$run/h$k/skopeo.log")" >&2; }
  done
  ((bad == 0)) || exit 1
  for k in $(seq 1 "$hosts"); do
    out=$scratch/pull/$phase-$run/h$k
    finish=$(cat "$out/finish")
    last=$(awk -v a="$last" -v b="$finish" 'BEGIN {print (b > a ? b : a)}')
    # skopeo checks digests as it copies; this checks what it wrote, outside the timing (not the
    # manifest: skopeo writes its own serialization of it).
    [[ $repo == "$repo_name" ]] || continue # skopeo checked the warm-up image's digests
    for d in "${blobs[@]}"; do
      f=$out/image/blobs/sha256/${d#sha256:}
      [[ -f $f ]] || { echo "h$k: $d was not pulled" >&2; exit 1; }
      [[ sha256:$(sha256sum "$f" | cut -d' ' -f1) == "$d" ]] || { echo "h$k: $f does not match its digest" >&2; exit 1; }
    done
  done
  makespan=$(awk -v s="$start" -v e="$last" 'BEGIN {printf "%.3f", e - s}')
  rm -rf "$scratch/pull/$phase-$run"
}

origin_registry() { echo "$origin_ip:5000"; }
own_agent() { echo "127.0.0.1:5000"; }

plaintext=()
if SHOAL_SKIP_BUILD=1 ./shoal agent --help 2>/dev/null | grep -q -- '--peer-plaintext'; then
  plaintext=(--peer-plaintext)
fi

# start_agents RUN: an agent on every host with a fresh data directory; waits until all are ready.
agent_pids=()
start_agents() {
  local run=$1 k dir
  agent_pids=()
  for k in $(seq 1 "$hosts"); do
    dir=$scratch/agent/r$run-h$k
    mkdir -p "$dir"
    ip netns exec "$(host_ns "$k")" env SHOAL_SKIP_BUILD=1 SHOAL_JAVA_OPTS="$java_opts" ./shoal agent \
      --listen 0.0.0.0:5000 --data "$dir/data" --upstream "http://$origin_ip:5000" \
      --peer-listen "$(host_ip "$k"):7000" --peers "$peer_list" "${plaintext[@]}" \
      >"$dir/out" 2>"$dir/log" 8>&- &
    agent_pids+=($!) # not in $pids: teardown_net ends whatever runs in the namespaces
  done
  for k in $(seq 1 "$hosts"); do
    for _ in $(seq 1 600); do
      ip netns exec "$(host_ns "$k")" curl -fs -o /dev/null http://127.0.0.1:5000/readyz && continue 2
      kill -0 "${agent_pids[k - 1]}" 2>/dev/null || break
      sleep 0.2
    done
    fail "agent on h$k did not become ready: $(tail -20 "$scratch/agent/r$run-h$k/log")"
  done
}

# fetched_bytes: what the agents say they fetched, summed over all of them: "UPSTREAM PEER" bytes.
fetched_bytes() {
  local k
  for k in $(seq 1 "$hosts"); do
    ip netns exec "$(host_ns "$k")" curl -fs http://127.0.0.1:5000/metrics || true
  done | awk '/^shoal_agent_upstream_bytes_total/ {u += $NF} /^shoal_agent_peer_bytes_total/ {p += $NF}
      END {printf "%d %d\n", u, p}'
}

# agents_cpu_ticks: the CPU time (user + system, in clock ticks) the running agents used so far.
agents_cpu_ticks() {
  local p total=0 f
  for p in "${agent_pids[@]}"; do
    # Fields 14 and 15 of /proc/PID/stat, counted after the command name, which may hold blanks.
    f=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    total=$((total + $(awk '{print $12 + $13}' <<<"$f")))
  done
  echo "$total"
}

# machine_busy_ticks: "BUSY TOTAL" clock ticks of all CPUs since boot, from /proc/stat.
machine_busy_ticks() { awk '/^cpu / {t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6, t; exit}' /proc/stat; }

# stop_agents RUN: stops the agents and removes their data (keeps their logs in $logs if set).
stop_agents() {
  local run=$1 k
  for p in "${agent_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${agent_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n $logs ]]; then
    for k in $(seq 1 "$hosts"); do
      cp "$scratch/agent/r$run-h$k/log" "$logs/agent-r$run-h$k.log"
    done
  fi
  rm -rf "$scratch/agent/r$run-"*
}

# busiest_uplink BEFORE...: the host that sent the most since the counts BEFORE (one per host).
busiest_uplink() {
  local k best=0 who=none sent
  for k in $(seq 1 "$hosts"); do
    sent=$(($(tx_bytes "$(host_ns "$k")") - $1))
    shift
    ((sent > best)) && best=$sent who=h$k
  done
  echo "$who $best"
}

mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }

machine | tee -a "$results"
say "swarm: $hosts hosts + origin, every link $rate both ways (tbf, burst $burst B, 50 ms queue); $(docker-registry --version | head -1); $(skopeo --version)"
((warmup_mib == 0)) || say "warm-up image: $warmup_repo:$tag, $warmup_mib MiB in $layers layers, pulled through every agent before the shoal phase"
say "image: $repo_name:$tag, $layers layers of $(mib "$layer_bytes") MiB + config + manifest = $image_bytes bytes (S); seed $seed"
say "agents: SHOAL_JAVA_OPTS=\"$java_opts\" ${plaintext[*]}"
say "lower bound S/b = $bound s"
say "command: HOSTS=$hosts RATE=$rate SIZE_MIB=$size_mib LAYERS=$layers RUNS=$runs PHASES=\"$phases\" SEED=$seed WARMUP_MIB=$warmup_mib bench/run-swarm.sh"

declare -A times egress
for run in $(seq 1 "$runs"); do
  for phase in $phases; do
    registry=origin_registry
    if [[ $phase == shoal ]]; then
      start_agents "$run"
      registry=own_agent
      if ((warmup_mib > 0)); then
        # Warm JVMs and peer channels, as in agents that have been up for a while (the caches stay
        # cold for the image): every host pulls the small warm-up image through its agent, then
        # waits out the 10 s for which an agent leaves out a peer that failed a call.
        pull_all warmup "$run" own_agent "$warmup_repo"
        sleep 11
      fi
    fi
    before_hosts=()
    for k in $(seq 1 "$hosts"); do before_hosts+=("$(tx_bytes "$(host_ns "$k")")"); done
    if [[ $phase == shoal ]]; then
      read -r up0 peer0 < <(fetched_bytes)
      cpu0=$(agents_cpu_ticks)
    fi
    read -r busy0 total0 < <(machine_busy_ticks)
    before=$(tx_bytes "$ns_origin")
    pull_all "$phase" "$run" "$registry"
    sent=$(($(tx_bytes "$ns_origin") - before))
    read -r busy1 total1 < <(machine_busy_ticks)
    read -r who most < <(busiest_uplink "${before_hosts[@]}")
    times[$phase]+="$makespan " egress[$phase]+="$sent "
    say "run $run $phase: makespan $makespan s, origin egress $sent B ($(mib "$sent") MiB), busiest host uplink $who $(mib "$most") MiB ($(awk -v m="$most" -v b="$rate_bytes" 'BEGIN {printf "%.1f", m / b}') s at $rate); load $(cut -d' ' -f1 /proc/loadavg); CPUs busy $(awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) 'BEGIN {printf "%.0f", 100 * b / t}')%"
    if [[ $phase == shoal ]]; then
      read -r up1 peer1 < <(fetched_bytes)
      say "  the agents' own count: $(mib $((up1 - up0))) MiB from the origin, $(mib $((peer1 - peer0))) MiB from peers"
      cpu=$(($(agents_cpu_ticks) - cpu0))
      say "  the agents' CPU time: $(awk -v c="$cpu" -v hz="$clk_tck" -v b=$((up1 - up0 + peer1 - peer0)) \
        'BEGIN {printf "%.1f s, %.1f ms per MiB they fetched", c / hz, 1000 * c / hz / (b / 1048576)}')"
      stop_agents "$run"
    fi
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

say ""
say "| $hosts hosts, $rate, $(mib "$image_bytes") MiB, median of $runs | makespan (s) | × S/b | origin egress (MiB) | × S |"
say "|---|--:|--:|--:|--:|"
say "| lower bound S/b | $bound | 1.00 | | |"
for phase in $phases; do
  t=$(median <<<"${times[$phase]}")
  e=$(median <<<"${egress[$phase]}")
  say "$(awk -v p="$phase" -v t="$t" -v e="$e" -v s="$image_bytes" -v lb="$bound" \
    'BEGIN {printf "| %s | %.1f | %.2f | %.1f | %.2f |", p, t, t / lb, e / 1048576, e / s}')"
done
say ""
say "results: $results"
