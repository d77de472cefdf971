#!/usr/bin/env bash
# The CPU peer comparison, jgrad against DJL 0.36 / libtorch 2.7.1, in one JMH run with fixed
# options, then the Markdown tables (bench/peers_table.py) and, for every target missed, a JFR
# profile of jgrad's side (bench/jfr_top.py). See bench/README.md.
#
#   bench/run-peers.sh                 # build the peers jar if needed, run everything
#   bench/run-peers.sh --no-profile    # tables only
#   bench/run-peers.sh --build         # rebuild the jar first
#   JMH_OPTS="-f 1 -wi 1 -i 1 -w 1s -r 1s" bench/run-peers.sh   # a quick smoke run
#
# Outputs, with stamp = UTC date and time: bench/results/peers-<stamp>.{json,log,md} and, for
# missed targets, bench/results/peers-<stamp>-profile/<benchmark>.{jfr,txt}.
# libtorch is loaded from the jar (nothing is downloaded); where `unshare -rn` works the run has
# no network at all, which proves it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# the options first: --help and a mistyped option need no JDK
build=0 profile=1
for a in "$@"; do
  case "$a" in
    --build) build=1 ;;
    --no-profile) profile=0 ;;
    -h|--help) sed -n '2,/^set /p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//; s/^#$//'; exit 0 ;;
    *) echo "run-peers.sh: unknown option $a (options: --build, --no-profile, --help)" >&2; exit 2 ;;
  esac
done
. scripts/java-env.sh
jgrad_find_jdk

jar=bench/target/benchmarks-peers.jar
if [ "$build" = 1 ] || [ ! -f "$jar" ]; then
  jgrad_find_maven
  echo "run-peers.sh: building $jar (mvn -Ppeers -pl bench -am -DskipTests package)" >&2
  mvn -B -q -Ppeers -pl bench -am -DskipTests package
fi

JMH_OPTS="${JMH_OPTS:--f 1 -wi 3 -i 5 -w 2s -r 2s}"
threads=$("$JAVA" -XshowSettings:system -version 2>&1 | sed -n 's/.*Available processors: *\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$threads" ] || threads=$(nproc)
# libtorch's OpenMP pool: the same count as jgrad's (Djl.init() also sets it and checks it)
export OMP_NUM_THREADS="$threads"
# DJL unpacks libtorch from the jar into this folder on first use
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/bench/target/djl-cache}"

stamp=$(date -u +%Y%m%dT%H%MZ)
mkdir -p bench/results
out="bench/results/peers-$stamp"
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
grep -qw avx512f /proc/cpuinfo && cpu="$cpu (AVX-512)"
machine="${cpu:-unknown CPU}, $(nproc) cores, $(free -g 2>/dev/null | awk '/^Mem:/ {print $2 " GiB"}'), $("$JAVA" -version 2>&1 | head -n 1)"
cmd="bench/run-peers.sh  (JMH_OPTS='$JMH_OPTS')"
# the list of missed targets only steers the profiling below: it is kept out of bench/results
missed="bench/target/peers-$stamp.missed"

isolate=()
if command -v unshare >/dev/null && unshare -rn sh -c 'ip link set lo up' 2>/dev/null; then
  isolate=(unshare -rn sh -c 'ip link set lo up && exec "$@"' isolate)
  echo "run-peers.sh: running without network (unshare -rn)" >&2
else
  echo "run-peers.sh: unshare -rn not available; running with the network present (DJL is still told ai.djl.offline=true)" >&2
fi

# shellcheck disable=SC2086
"${isolate[@]}" "$JAVA" -jar "$jar" 'jgrad\.bench\.peers\..*' $JMH_OPTS -rf json -rff "$out.json" 2>&1 | tee "$out.log" \
  || echo "run-peers.sh: JMH exited with an error (see $out.log); tabulating what it wrote" >&2
if [ ! -s "$out.json" ]; then
  echo "run-peers.sh: no results in $out.json" >&2
  exit 1
fi

# the FLOPs of VectorLimitsBench.fmaPeak depend on the vector width it ran with (printed in the log)
bits=$(sed -n 's/.*limits: [0-9]* threads, \([0-9]*\)-bit vectors.*/\1/p' "$out.log" | head -n 1)
lanes=()
[ -n "$bits" ] && lanes=(--lanes $((bits / 32)))
python3 bench/peers_table.py "$out.json" --machine "$machine" --command "$cmd" --threads "$threads" "${lanes[@]}" \
  --missed-out "$missed" | tee "$out.md"

if [ "$profile" = 1 ] && [ -s "$missed" ]; then
  mkdir -p "$out-profile"
  while read -r bench param; do
    name="$bench${param:+-${param#*=}}"
    echo "run-peers.sh: target missed, profiling $name" >&2
    popt=()
    [ -n "${param:-}" ] && popt=(-p "$param")
    # shellcheck disable=SC2086
    "${isolate[@]}" "$JAVA" -jar "$jar" "jgrad\\.bench\\.peers\\.$bench\$" "${popt[@]}" -f 1 -wi 1 -i 1 -w 2s -r 20s \
      -prof "jfr:dir=$out-profile/$name" < /dev/null > "$out-profile/$name.log" 2>&1 \
      || echo "run-peers.sh: profiling $name failed (see $out-profile/$name.log)" >&2
    rec=$(find "$out-profile/$name" -name '*.jfr' 2>/dev/null | head -n 1 || true)
    if [ -n "$rec" ]; then
      python3 bench/jfr_top.py "$rec" --top 25 > "$out-profile/$name.txt"
      { echo; echo "#### Profile of $name (JFR, top frames; full list in $out-profile/$name.txt)"; echo; echo '```';
        sed -n '1,40p' "$out-profile/$name.txt"; echo '```'; } | tee -a "$out.md"
    fi
  done < "$missed"
fi
echo "run-peers.sh: tables in $out.md" >&2
