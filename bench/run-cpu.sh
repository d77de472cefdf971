#!/usr/bin/env bash
# Runs jgrad's own CPU benchmarks (conv2d step, SGEMM, every registered loss) with fixed JMH
# options and writes the JSON result to bench/results/cpu-<host>-<date>.json.
# Usage: bench/run-cpu.sh [class name or JMH regex ...]   (default: ConvBench GemmBench LossBench)
# JMH_OPTS overrides the JMH options (default -f 1 -wi 3 -w 2s -i 5 -r 2s).
# Run it on an otherwise idle machine: JMH numbers from a busy one are noise.
# Exit status: JMH's (or Maven's); a failed run leaves nothing in bench/results (its log goes to
# bench/target/run-cpu-failed.log).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-}" in
  -h | --help) sed -n '2,/^set /p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
. "$root/scripts/java-env.sh"
jgrad_find_jdk
jgrad_find_maven
cd "$root"
mvn -B -q -ntp -DskipTests -pl bench -am package || {
  rc=$?; echo "run-cpu.sh: the build failed (errors above); no benchmark ran" >&2; exit $rc
}
mkdir -p bench/results
# a second run in the same minute gets its own name instead of overwriting the first's results
stem="bench/results/cpu-$(hostname -s 2>/dev/null || uname -n)-$(date -u +%Y%m%dT%H%MZ)"
out="$stem.json"; n=1
while [ -e "$out" ] || [ -e "${out%.json}.log" ]; do n=$((n + 1)); out="$stem-$n.json"; done
read -r -a jmh_opts <<< "${JMH_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 2s}"
# a bare class name selects that class only (LossBench, not GpuLossBench); anything else is a JMH regex
benches=()
for b in "$@"; do
  if [[ $b =~ ^[A-Za-z0-9_]+$ ]]; then b="\\.$b\\."; fi
  benches+=("$b")
done
[ ${#benches[@]} -gt 0 ] || benches=('\.ConvBench\.' '\.GemmBench\.' '\.LossBench\.')
log="${out%.json}.log"
# the machine, the options and the load from other processes go into the log with the results
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), JDK $("$JAVA" -version 2>&1 | head -n1)"
  echo "command: bench/run-cpu.sh $* (JMH options: ${jmh_opts[*]})"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$log"
rc=0
"$JAVA" --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar "${benches[@]}" \
  "${jmh_opts[@]}" -rf json -rff "$out" | tee -a "$log" || rc=$?
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
# JMH names the jar by its absolute path; keep the log free of where the clone happens to live
sed -i "s|$root/||g" "$log"
if [ $rc -ne 0 ] || ! grep -q '"benchmark"' "$out" 2>/dev/null; then
  # bench/results holds results worth keeping: a typo in a name or an option must not add files there
  mv "$log" bench/target/run-cpu-failed.log
  rm -f "$out"
  echo "run-cpu.sh: JMH failed (exit $rc) or wrote no results; nothing was added to bench/results" \
       "(the log: bench/target/run-cpu-failed.log)" >&2
  [ $rc -ne 0 ] || rc=1
  exit $rc
fi
echo "results: $out"
