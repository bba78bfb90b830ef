#!/usr/bin/env bash
# Runs the foundation benchmarks (SHA-256, index, blob commits) and the sha256sum baseline, and
# prints a summary with ratios. About 10-15 minutes on 2 cores. See bench/README.md.
#
#   bench/run-foundation.sh            # from anywhere; results go to bench/results/
#   JMH_ARGS="-i 3" bench/run-foundation.sh   # extra JMH options, e.g. fewer iterations
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
jar=bench/target/benchmarks.jar
stamp="$(date -u +%Y-%m-%d-%H%M%S)"
mkdir -p bench/results
result="bench/results/foundation-$stamp.json"
shafile="bench/results/foundation-$stamp.sha256sum.json"
log="bench/results/foundation-$stamp.log"
size=$((1 << 30))

if [[ ! -f "$jar" ]]; then
  echo "== building $jar"
  if ! mvn -q -B -o package -pl bench -am -DskipTests; then
    # Offline fails only when JMH or another dependency was never downloaded to ~/.m2.
    echo "offline build failed; retrying online to fetch missing dependencies" >&2
    mvn -q -B package -pl bench -am -DskipTests
  fi
fi

scratch="$(mktemp -d /tmp/shoal-foundation-XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
big="$scratch/random-1GiB.bin"

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "sha_ni: $(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no)"
java -version 2>&1 | head -2
sha256sum --version | head -1

echo "== creating $big (1 GiB of random bytes)"
head -c "$size" /dev/urandom >"$big"

# A warm read puts the whole file in the page cache, so both sha256sum and Java hash from memory.
cat "$big" >/dev/null
cat "$big" >/dev/null

echo "== sha256sum, 5 runs"
runs=()
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N)
  sha256sum "$big" >/dev/null
  t1=$(date +%s%N)
  runs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')")
done
median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p)
echo "runs (s): ${runs[*]}  median: $median"
printf '{"file_bytes": %d, "seconds": [%s], "median_seconds": %s}\n' \
  "$size" "$(IFS=,; echo "${runs[*]}")" "$median" >"$shafile"

echo "== JMH (log: $log)"
# shellcheck disable=SC2086 # JMH_ARGS is a list of options on purpose
java -jar "$jar" -foe true -p file="$big" -rf json -rff "$result" ${JMH_ARGS:-} \
  'dev\.shoal\.(bench|core\.store)\..*Benchmark' 2>&1 | tee "$log"

echo
echo "== summary ($result)"
python3 bench/summarize.py "$result" "$shafile" | tee "bench/results/foundation-$stamp.summary.txt"
