#!/usr/bin/env bash
# Issue 6's benchmark, the two halves of starting a container, each against the tool people use:
#
#   start   time from launching `shoal run --rm IMAGE -- sh -c 'echo …; sleep 1'` to the container's
#           first line on its stdout, against `ctr run --rm IMAGE ID sh -c …` on a containerd of
#           our own; the image is cached on both (pulled and unpacked, one untimed run of each
#           first). Also with the JVM started directly (`java -jar`, no ./shoal launcher script).
#   unpack  Shoal's layer unpacker (LayerCache, in a warm JVM: diff id check, path checks, owners,
#           modes) against `tar -xzf` of the same ~200 MiB gzip layer of real files (a prefix of
#           this host's /usr/share), each into a fresh directory on a fresh ext4; plus Shoal in a
#           fresh JVM. Wall and CPU time.
#
# Prints medians and ratios; see bench/README.md.
#
#   bench/run-runtime.sh                          # both phases: about 6 minutes here
#   RUNS=15 PHASES=start bench/run-runtime.sh     # start latency only, about a minute
#
# Environment (defaults in brackets):
#   PHASES ["start unpack"], RUNS [7] timed starts of each, UNPACK_RUNS [7] timed unpacks of each,
#   COLD_RUNS [3] unpacks in a fresh JVM (0: none), LAYER_RAW_MIB [440] bytes of file data in the
#   layer (440 MiB of /usr/share gives about 200 MiB gzip), BENCH_JAVA_OPTS the unpack JVM's options,
#   LOGS a directory to keep the agent's and containerd's logs in,
#   UNPACK_FS [ext4] where the layers are unpacked: ext4, a fresh ext4 file system (with its
#     journal, mkfs defaults) on a loop device of our own; dir, the file system of /tmp. Deleting
#     and recreating tens of thousands of files there makes ext4 without a journal slow to allocate
#     inodes (see bench/README.md), which would measure the file system instead of the unpackers.
# Needs root, containerd, ctr, runc, a static /bin/busybox, docker-registry, python3, gzip, and
# built jars: it builds nothing, so run `mvn -q -B -o package -DskipTests -pl agent,bench -am` first.
# Writes the output also to bench/results/runtime-<date>.txt. Processes, containers, mounts, the
# containerd namespace's runc state, the loop file system and /tmp/shoal-runtime-bench-* go on exit,
# Ctrl-C or failure.
set -euo pipefail
shopt -s inherit_errexit
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

phases=${PHASES:-start unpack} runs=${RUNS:-7} unpack_runs=${UNPACK_RUNS:-7} cold_runs=${COLD_RUNS:-3}
layer_raw_mib=${LAYER_RAW_MIB:-440} logs=${LOGS:-} unpack_fs=${UNPACK_FS:-ext4}
if [[ -n $logs ]]; then mkdir -p "$logs" && logs=$(cd "$logs" && pwd); fi
read -r -a bench_java_opts <<<"${BENCH_JAVA_OPTS:-}"

fail() { echo "run-runtime: $*" >&2; exit 1; }
in_range() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)); }
in_range "$runs" 1 100 || fail "RUNS: $runs (expected: 1..100)"
in_range "$unpack_runs" 1 100 || fail "UNPACK_RUNS: $unpack_runs (expected: 1..100)"
in_range "$cold_runs" 0 100 || fail "COLD_RUNS: $cold_runs (expected: 0..100)"
in_range "$layer_raw_mib" 1 100000 || fail "LAYER_RAW_MIB: $layer_raw_mib (expected: 1..100000)"
for p in $phases; do [[ $p == start || $p == unpack ]] || fail "PHASES: $p (expected: start, unpack)"; done
[[ $unpack_fs == ext4 || $unpack_fs == dir ]] || fail "UNPACK_FS: $unpack_fs (expected: ext4, dir)"
((EUID == 0)) || fail "needs root (runc, containerd, owners when unpacking)"
need_docker_registry
for c in containerd ctr runc python3 gzip tar curl findmnt sha256sum mkfs.ext4 /usr/bin/time; do
  command -v "$c" >/dev/null || fail "needs $c"
done
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
  fail "needs a static /bin/busybox: apt-get install -y busybox-static"
fi
agent_jar=agent/target/shoal-agent.jar bench_jar=bench/target/benchmarks.jar
[[ -f $agent_jar && -f $bench_jar ]] ||
  fail "no agent or bench jar: mvn -q -B -o package -DskipTests -pl agent,bench -am"

start_scratch shoal-runtime-bench
ns=shoal-runtime-bench-$$ # containerd namespace; its runc keeps state in /run/containerd/runc/$ns
cdir=$scratch/containerd csock=$scratch/containerd/containerd.sock
agent_pid="" containerd_pid=""

ctr_() { ctr --address "$csock" --namespace "$ns" "$@"; }

# Everything this run may leave, in the order that lets each step work: the agent's containers,
# the agent, containerd's containers, containerd and its shims, runc's state of our namespace,
# mounts under $scratch; then lib.sh's cleanup (processes in $pids, $scratch).
teardown() {
  local id pid m
  set +e
  if [[ -d $scratch/agent/runc ]]; then
    for id in $(runc --root "$scratch/agent/runc" list -q 2>/dev/null); do
      runc --root "$scratch/agent/runc" delete --force "$id" >/dev/null 2>&1
    done
  fi
  if [[ -n $agent_pid ]]; then kill "$agent_pid" 2>/dev/null; wait "$agent_pid" 2>/dev/null; fi
  if [[ -n $logs ]]; then cp "$scratch/agent.log" "$cdir/containerd.log" "$logs/" 2>/dev/null; fi
  if [[ -n $containerd_pid ]] && kill -0 "$containerd_pid" 2>/dev/null; then
    for id in $(ctr_ containers ls -q 2>/dev/null); do
      ctr_ tasks kill --signal SIGKILL "$id" >/dev/null 2>&1
      ctr_ tasks delete --force "$id" >/dev/null 2>&1
      ctr_ containers delete "$id" >/dev/null 2>&1
    done
    kill "$containerd_pid" 2>/dev/null
    wait "$containerd_pid" 2>/dev/null
  fi
  # Shims outlive containerd (they are reparented to init); ours name our socket.
  for pid in $(grep -lsF -- "$csock" /proc/[0-9]*/cmdline | cut -d/ -f3); do
    [[ $pid == "$$" ]] || kill -9 "$pid" 2>/dev/null
  done
  if [[ -d /run/containerd/runc/$ns ]]; then
    for id in $(runc --root "/run/containerd/runc/$ns" list -q 2>/dev/null); do
      runc --root "/run/containerd/runc/$ns" delete --force "$id" >/dev/null 2>&1
    done
    rmdir "/run/containerd/runc/$ns"
  fi
  # Deepest first; lazily when busy, so that a stuck mount cannot keep the rest.
  for m in $(findmnt -rn -o TARGET | awk -v s="$scratch/" 'index($0, s) == 1' | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  if findmnt -rn -o TARGET | grep -qF "$scratch/"; then
    echo "run-runtime: still mounted under $scratch, not deleting it" >&2
    scratch=/nonexistent-shoal-runtime-bench
  fi
  cleanup
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p bench/results
results=bench/results/runtime-$(date -u +%Y-%m-%d-%H%M%S).txt
say() { printf '%s\n' "$*" | tee -a "$results"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

machine | tee -a "$results"
say "$(containerd --version | cut -d' ' -f3); $(runc --version | head -1); $(tar --version | head -1); $(gzip --version | head -1)"
say "command: PHASES=\"$phases\" RUNS=$runs UNPACK_RUNS=$unpack_runs COLD_RUNS=$cold_runs LAYER_RAW_MIB=$layer_raw_mib UNPACK_FS=$unpack_fs bench/run-runtime.sh"
say "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)'); load at start: $(load)"

# --- start latency --------------------------------------------------------------------------------

line=shoal-runtime-bench # what the container prints first
# It prints its line and keeps running for a second, as a service does after its first log line:
# the first line must not wait for the container's exit.
cmd=(sh -c "echo $line; sleep 1")

# start_registry_and_agent: the registry, an image built by `shoal build` pushed to it, and an
# agent whose upstream it is. Sets $image, $mirror (the agent's registry URL), $control.
start_registry_and_agent() {
  local cport app out
  cport=$(free_port)
  start_cncf 127.0.0.1 "$cport"
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$cport/v2/" && break; sleep 0.1; done
  curl -fs -o /dev/null "http://127.0.0.1:$cport/v2/" || fail "docker-registry did not start: $(cat "$scratch/cncf.log")"

  # The image of BuiltImageRunIT: a /bin of this host's static busybox, nothing else.
  app=$scratch/app
  mkdir -p "$app/bin"
  cp "$(readlink -f /bin/busybox)" "$app/bin/busybox"
  for a in sh echo cat; do ln -s busybox "$app/bin/$a"; done
  image=127.0.0.1:$cport/bench/busybox:v1
  SHOAL_SKIP_BUILD=1 ./shoal build --from scratch --add "$app/bin:/bin" --env PATH=/bin \
    --cmd "echo $line" -t "$image" --push >"$scratch/build.out" 2>&1 ||
    fail "shoal build failed: $(cat "$scratch/build.out")"

  SHOAL_SKIP_BUILD=1 ./shoal agent --listen 127.0.0.1:0 --control-listen 127.0.0.1:0 \
    --upstream "http://127.0.0.1:$cport" --data "$scratch/agent" >"$scratch/agent.out" 2>"$scratch/agent.log" &
  agent_pid=$!
  mirror=$(await_shoal agent "http://127.0.0.1:$cport")
  out=$(cat "$scratch/agent.out")
  control=$(sed -n 's/.*(control \([^,)]*\).*/\1/p' <<<"$out")
  [[ -n $control ]] || fail "no control address in: $out"
  SHOAL_SKIP_BUILD=1 ./shoal pull --quiet --agent "$control" "$image" >"$scratch/pull.out" 2>&1 ||
    fail "shoal pull failed: $(cat "$scratch/pull.out")"
}

# start_containerd: a containerd of our own (as core's PrivateContainerd: root, state, socket under
# $cdir, no CRI), pulling the image through the agent's mirror (deploy/containerd/hosts.toml).
start_containerd() {
  local host=${mirror#http://}
  mkdir -p "$cdir/certs.d/_default"
  cat >"$cdir/containerd.toml" <<TOML
version = 2
root = "$cdir/root"
state = "$cdir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$csock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$cdir/opt"
TOML
  sed "s/127.0.0.1:5050/$host/" deploy/containerd/hosts.toml >"$cdir/certs.d/_default/hosts.toml"
  grep -qF "$host" "$cdir/certs.d/_default/hosts.toml" || fail "deploy/containerd/hosts.toml changed"
  env -u CONTAINERD_ADDRESS -u CONTAINERD_NAMESPACE containerd --config "$cdir/containerd.toml" \
    >"$cdir/containerd.log" 2>&1 &
  containerd_pid=$!
  for _ in $(seq 1 150); do ctr_ version >/dev/null 2>&1 && break; sleep 0.2; done
  ctr_ version >/dev/null 2>&1 || fail "containerd did not start: $(tail -20 "$cdir/containerd.log")"
  # overlayfs, as shoal run mounts, when containerd's trial mount worked; that can show late on a
  # loaded machine (one recorded run got native; that this wait avoids it is a guess).
  snapshotter=native
  for _ in $(seq 1 25); do
    if ctr_ plugins ls | grep -Eq '\soverlayfs\s.*\sok\s*$'; then snapshotter=overlayfs && break; fi
    sleep 0.2
  done
  ctr_ images pull --hosts-dir "$cdir/certs.d" --snapshotter "$snapshotter" "$image" >"$scratch/ctr-pull.out" 2>&1 ||
    fail "ctr images pull failed: $(cat "$scratch/ctr-pull.out")"
}

# timed NAME RUN COMMAND...: one start; its seconds to the first line and to the exit go to
# $first[NAME] and $exit_[NAME].
declare -A first exit_ fm em
timed() {
  local name=$1 run=$2 f e
  shift 2
  read -r f e < <(python3 bench/first-line.py "$line" 120 "$scratch/$name.err" -- "$@") ||
    fail "$name run $run failed: $(tail -5 "$scratch/$name.err")"
  [[ -n ${f:-} ]] || fail "$name run $run failed: $(tail -5 "$scratch/$name.err")"
  first[$name]+="$f " exit_[$name]+="$e "
  printf ' %s %.0f/%.0f ms' "$name" "$(awk -v x="$f" 'BEGIN {print x * 1000}')" \
    "$(awk -v x="$e" 'BEGIN {print x * 1000}')" | tee -a "$results"
}

# The three ways to start the container; each prints $line and exits.
start_ctr() { timed ctr "$1" ctr --address "$csock" --namespace "$ns" run --rm --snapshotter "$snapshotter" "$image" "bench-$1" "${cmd[@]}"; }
start_shoal() { timed shoal "$1" env SHOAL_SKIP_BUILD=1 ./shoal run --agent "$control" --rm "$image" -- "${cmd[@]}"; }
# ./shoal's own options for CLI commands, without the launcher script (its java -version check) and
# without its class data sharing archive.
start_java() {
  timed java "$1" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Dfile.encoding=UTF-8 \
    -jar "$agent_jar" run --agent "$control" --rm "$image" -- "${cmd[@]}"
}

phase_start() {
  local run kinds k
  start_registry_and_agent
  start_containerd
  say "start: image $image (shoal build of a static busybox /bin), pulled into the agent (shoal pull) and into containerd through the agent's mirror; snapshotter $snapshotter; command: ${cmd[*]}"
  # Untimed: the first run of each unpacks or mounts what it needs and warms the page cache.
  printf 'warm-up (not counted):' | tee -a "$results"
  start_ctr 0
  start_shoal 0
  start_java 0
  say ""
  first=() exit_=()
  kinds=(ctr shoal java)
  for run in $(seq 1 "$runs"); do
    printf 'run %d:' "$run" | tee -a "$results"
    # Rotate the order, so that drift in the machine's load falls on every kind alike.
    for k in $(seq 0 2); do
      "start_${kinds[(run + k) % 3]}" "$run"
    done
    say "; load $(load)"
  done
  if [[ -n $(ctr_ containers ls -q) ]]; then fail "ctr run --rm left containers: $(ctr_ containers ls -q | tr '\n' ' ')"; fi
  if [[ -n $(runc --root "$scratch/agent/runc" list -q 2>/dev/null) ]]; then fail "shoal run --rm left runc containers"; fi
}

# --- unpack ---------------------------------------------------------------------------------------

# make_layer: $layer, a gzip tar (gzip -6, as docker and buildkit write) of a prefix, in C-locale
# name order, of this host's /usr/share holding LAYER_RAW_MIB of file data: real files, from a few
# bytes (docs, locale, man pages) to MiBs, hard and symbolic links included. Same files, same bytes.
# Without usr/share/package-lists: not a Debian directory, one 76 MB text file on this machine.
make_layer() {
  local dir=$scratch/layer
  mkdir -p "$dir"
  { printf 'usr\0'; (cd / && find usr/share -xdev -path usr/share/package-lists -prune -o -printf '%p\t%y\t%s\0') | LC_ALL=C sort -z |
    awk -v RS='\0' -v ORS='\0' -F'\t' -v max=$((layer_raw_mib * 1048576)) \
      '$2 == "f" && !full { if (sum + $3 > max) full = 1; else sum += $3 } !full { print $1 }'; } >"$dir/list"
  tar -C / --null --no-recursion -T "$dir/list" --numeric-owner --mtime=@0 -cf "$dir/layer.tar"
  diff_id=sha256:$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  raw_bytes=$(stat -c %s "$dir/layer.tar")
  gzip -6 -n <"$dir/layer.tar" >"$dir/layer.tar.gz"
  rm "$dir/layer.tar"
  layer=$dir/layer.tar.gz
  gz_bytes=$(stat -c %s "$layer")
  entries=$(tr -cd '\0' <"$dir/list" | wc -c)
  files=$(tar -tvzf "$layer" | awk '{t[substr($1, 1, 1)]++} END {printf "%d files, %d dirs, %d symlinks, %d hard links", t["-"], t["d"], t["l"], t["h"]}')
}

cold=() cold_jvm=() # seconds of each fresh-JVM unpack: launch to exit, and the unpack alone
phase_unpack() {
  local out i t0 t1 wall
  make_layer
  say "unpack: layer of /usr/share (first $layer_raw_mib MiB of file data by name): $gz_bytes B gzip, $raw_bytes B tar, $entries entries ($files); diff id $diff_id"
  cat "$layer" >/dev/null # into the page cache; UnpackTimer reads it once more
  mkdir -p "$scratch/unpack"
  if [[ $unpack_fs == ext4 ]]; then
    # Inode tables and journal written now, not by a kernel thread during the runs.
    truncate -s 4G "$scratch/unpack.img"
    mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$scratch/unpack.img"
    mount -o loop "$scratch/unpack.img" "$scratch/unpack"
  fi
  say "unpack: into $(findmnt -n -o FSTYPE,SOURCE -T "$scratch/unpack" | tr -s ' ') ($([[ $unpack_fs == ext4 ]] && echo "a fresh file system of our own, mkfs.ext4 defaults" || echo "the file system of /tmp"))"
  java "${bench_java_opts[@]}" -cp "$bench_jar" dev.shoal.bench.UnpackTimer warm "$layer" "$diff_id" \
    "$scratch/unpack" "$unpack_runs" | tee "$scratch/unpack.out" | tee -a "$results"
  read -r tar_s shoal_s tar_cpu shoal_cpu shoal_first_s < <(sed -n \
    's/^medians: tar=\([^ ]*\) shoal=\([^ ]*\) tar_cpu=\([^ ]*\) shoal_cpu=\([^ ]*\) shoal_first=\([^ ]*\)$/\1 \2 \3 \4 \5/p' \
    "$scratch/unpack.out")
  [[ -n ${shoal_s:-} ]] || fail "UnpackTimer printed no medians"
  for i in $(seq 1 "$cold_runs"); do
    t0=$(date +%s.%N)
    out=$(java "${bench_java_opts[@]}" -cp "$bench_jar" dev.shoal.bench.UnpackTimer once "$layer" "$diff_id" "$scratch/unpack/cold")
    t1=$(date +%s.%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
    cold+=("$wall") cold_jvm+=("$(sed -n 's/.*JVM: \([0-9.]*\) s (cpu .*/\1/p' <<<"$out")")
    say "cold JVM $i: java launch to exit $wall s; $out; load $(load)"
    rm -rf --one-file-system "$scratch/unpack/cold"
    sync
  done
}

for p in $phases; do "phase_$p"; done

# --- summary --------------------------------------------------------------------------------------

ms() { awk -v s="$1" 'BEGIN {printf "%.0f", s * 1000}'; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.1f", b / s / 1e6}'; }
say ""
if [[ " $phases " == *" start "* ]]; then
  for k in ctr shoal java; do
    fm[$k]=$(median <<<"${first[$k]}") em[$k]=$(median <<<"${exit_[$k]}")
  done
  say "| start, cached image, median of $runs | to first line (ms) | to exit (ms) | first line / ctr |"
  say "|---|--:|--:|--:|"
  say "| \`ctr run --rm\` | $(ms "${fm[ctr]}") | $(ms "${em[ctr]}") | 1.00 |"
  say "| \`./shoal run --rm\` | $(ms "${fm[shoal]}") | $(ms "${em[shoal]}") | **$(ratio "${fm[shoal]}" "${fm[ctr]}")** |"
  say "| \`java -jar shoal-agent.jar run --rm\` (no launcher script) | $(ms "${fm[java]}") | $(ms "${em[java]}") | $(ratio "${fm[java]}" "${fm[ctr]}") |"
  say ""
fi
if [[ " $phases " == *" unpack "* ]]; then
  say "| unpack $(awk -v b="$gz_bytes" 'BEGIN {printf "%.0f", b / 1048576}') MiB gzip, $entries entries, median of $unpack_runs | wall (s) | MB/s gzip | MB/s tar | wall / tar | CPU (s) | CPU / tar |"
  say "|---|--:|--:|--:|--:|--:|--:|"
  say "| \`tar -xzf\` (with its gzip) | $tar_s | $(mbs "$gz_bytes" "$tar_s") | $(mbs "$raw_bytes" "$tar_s") | 1.00 | $tar_cpu | 1.00 |"
  say "| Shoal \`LayerCache.unpack\`, warm JVM | $shoal_s | $(mbs "$gz_bytes" "$shoal_s") | $(mbs "$raw_bytes" "$shoal_s") | **$(ratio "$shoal_s" "$tar_s")** | $shoal_cpu | **$(ratio "$shoal_cpu" "$tar_cpu")** |"
  say "| Shoal, first unpack in the JVM (1 run) | $shoal_first_s | $(mbs "$gz_bytes" "$shoal_first_s") | $(mbs "$raw_bytes" "$shoal_first_s") | $(ratio "$shoal_first_s" "$tar_s") | | |"
  if ((cold_runs > 0)); then
    c=$(median <<<"${cold[*]}") cj=$(median <<<"${cold_jvm[*]}")
    say "| Shoal, fresh JVM, launch to exit (median of $cold_runs; unpack alone $cj s) | $c | $(mbs "$gz_bytes" "$c") | $(mbs "$raw_bytes" "$c") | $(ratio "$c" "$tar_s") | | |"
  fi
  say ""
fi
say "load at end: $(load)"
say "results: $results"
