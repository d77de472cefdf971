#!/usr/bin/env bash
# Runs jgrad's own CPU benchmarks (conv2d step, SGEMM, every registered loss) with fixed JMH
# options and writes the JSON result to bench/results/cpu-<host>-<date>.json.
# Usage: bench/run-cpu.sh [class name or JMH regex ...]   (default: ConvBench GemmBench LossBench)
# JMH_OPTS overrides the JMH options (default -f 1 -wi 3 -w 2s -i 5 -r 2s).
# Run it on an otherwise idle machine: JMH numbers from a busy one are noise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/java-env.sh"
jgrad_find_jdk
jgrad_find_maven
cd "$root"
mvn -B -q -ntp -DskipTests -pl bench -am package
mkdir -p bench/results
out="bench/results/cpu-$(hostname -s)-$(date -u +%Y%m%dT%H%MZ).json"
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
  echo "command: bench/run-cpu.sh $* (JMH options: ${JMH_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 2s})"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$log"
"$JAVA" --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar "${benches[@]}" \
  ${JMH_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 2s} -rf json -rff "$out" | tee -a "$log"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
# JMH names the jar by its absolute path; keep the log free of where the clone happens to live
sed -i "s|$root/||g" "$log"
echo "results: $out"
