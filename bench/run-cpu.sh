#!/usr/bin/env bash
# Runs jgrad's own CPU benchmarks (conv2d step, SGEMM, every registered loss) with fixed JMH
# options and writes the JSON result to bench/results/cpu-<host>-<date>.json.
# Usage: bench/run-cpu.sh [class name or JMH regex ...]   (default: ConvBench GemmBench LossBench)
# JMH_OPTS overrides the JMH options (default -f 1 -wi 3 -w 2s -i 5 -r 2s).
# Run it on an otherwise idle machine: JMH numbers from a busy one are noise.
# Exit status: JMH's (or Maven's), or 1 when a benchmark failed (JMH goes on with the others and
# exits 0). Results reach bench/results only when the whole run succeeded: until then they are
# written under bench/target, so a failed, stopped or killed run adds nothing to bench/results (the
# log and results of a failed run are left in bench/target/run-cpu-failed.{log,json}).
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
final="$stem.json"; n=1
while [ -e "$final" ] || [ -e "${final%.json}.log" ]; do n=$((n + 1)); final="$stem-$n.json"; done
# the run writes under bench/target; only a complete, successful run is moved into bench/results
out="bench/target/run-cpu-$$.json"
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
# JMH reports a benchmark whose setup or body threw as "<failure>" and carries on with the rest
failures=$(grep -c '<failure>' "$log" || true)
if [ $rc -ne 0 ] || [ "$failures" -gt 0 ] || ! grep -q '"benchmark"' "$out" 2>/dev/null; then
  # bench/results holds results worth keeping: a typo in a name or an option must not add files there
  mv "$log" bench/target/run-cpu-failed.log
  rm -f bench/target/run-cpu-failed.json
  [ ! -e "$out" ] || mv "$out" bench/target/run-cpu-failed.json
  why=$(grep -m 1 -E '^[A-Za-z_$][A-Za-z0-9_$.]*(Exception|Error)(: |$)' bench/target/run-cpu-failed.log | cut -c 1-300 || true)
  if [ "$failures" -gt 0 ]; then
    echo "run-cpu.sh: $failures benchmark run(s) failed${why:+ (first error: $why)}; nothing was added to bench/results" \
         "(the log and any results: bench/target/run-cpu-failed.{log,json})" >&2
  else
    echo "run-cpu.sh: JMH failed (exit $rc) or wrote no results; nothing was added to bench/results" \
         "(the log: bench/target/run-cpu-failed.log)" >&2
  fi
  [ $rc -ne 0 ] || rc=1
  exit $rc
fi
sed -i "s|$out|$final|g" "$log"
mv "$out" "$final"
mv "$log" "${final%.json}.log"
echo "results: $final"
