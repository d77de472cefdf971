#!/usr/bin/env bash
# Runs jgrad's GPU test suite and GPU benchmarks from a bundle made by gpu/bundle.sh, with the
# bundle's own Java runtime: no Java, Maven or network needed. Works from any folder.
#
#   run.sh OUT_DIR
#
# Writes at most 8 files to OUT_DIR:
#   device.txt      nvidia-smi, driver and CUDA libraries, the bundle's build information
#   tests.log       JUnit console output: the GPU suite (tag "cuda"), then a CPU smoke run
#   tests.xml       both runs' JUnit XML reports in one <testsuites> file
#   bench.log       JMH output of the GPU benchmarks, then the PyTorch peer scripts' output
#   gpu-bench.json  JMH results (a JSON array, as -rf json writes it)
#   gpu_*.json      one per PyTorch peer script (bench/gpu_*.py), if python3 has CUDA torch
#   summary.txt     device, test counts, skip reasons, failures, benchmark counts, exit status
# Exit status: 0 all passed; 1 a test failed; 2 the bundle could not run its tests (or OUT_DIR
#   cannot be written, or a setting below is not valid);
#   3 tests tagged cuda were skipped, so the run checked nothing on a GPU (no GPU found, or CUDA,
#     cuBLAS, cuDNN or the kernels missing; summary.txt names the reason). JGRAD_ALLOW_GPU_SKIPS=1
#     turns this off, e.g. to try the bundle on a machine without a GPU. Benchmarks that fail are
#     listed in summary.txt with their first error; they do not change the exit status.
# Files of an earlier run in OUT_DIR are removed first; until the run ends, summary.txt says that
# it did not finish.
#
# Environment (defaults in brackets):
#   JGRAD_GPU_BUDGET_S [540]  wall-clock budget of the whole run; later stages get what is left
#   JGRAD_CPU_SMOKE [1]       0 skips the CPU smoke run (untagged tests of cpu-smoke.txt's modules)
#   JGRAD_BENCH_REGEX ['\.Gpu[A-Za-z0-9_]*\.']  which JMH benchmarks run
#   JGRAD_BENCH_OPTS ['-f 1 -wi 2 -w 1s -i 3 -r 2s']           JMH options for each benchmark
#   JGRAD_PEERS [1]           0 skips the PyTorch peer scripts
set -uo pipefail

b="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { sed -n '2,/^set /p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
if [ $# -eq 1 ] && { [ "$1" = -h ] || [ "$1" = --help ]; }; then usage; exit 0; fi
if [ $# -ne 1 ] || [ -z "$1" ]; then usage >&2; exit 2; fi
# The settings are checked before anything runs: a typo must not cost a 9-minute run.
bad() { echo "run.sh: $*" >&2; exit 2; }
case "$1" in -*) bad "unknown option $1 (the one argument is the output folder; ./$1 names a folder so called)" ;; esac
budget=${JGRAD_GPU_BUDGET_S:-540}
case "$budget" in *[!0-9]*) budget=0 ;; *) budget=$((10#$budget)) ;; esac
[ "$budget" -gt 0 ] || bad "JGRAD_GPU_BUDGET_S must be a whole number of seconds above 0, not '$JGRAD_GPU_BUDGET_S'"
for v in JGRAD_CPU_SMOKE JGRAD_PEERS JGRAD_ALLOW_GPU_SKIPS; do
  case "${!v:-}" in "" | 0 | 1) ;; *) bad "$v must be 0 or 1, not '${!v}'" ;; esac
done
mkdir -p -- "$1" 2>/dev/null && out="$(cd -- "$1" && pwd)" || bad "cannot create the folder $1"
# Results of an earlier run into the same folder must not pass for this run's; summary.txt, written
# first, says the run did not finish until the real one replaces it (and proves the folder writable).
rm -f "$out"/{device.txt,tests.log,tests.xml,bench.log,gpu-bench.json,summary.txt} "$out"/gpu_*.json 2>/dev/null
echo "jgrad GPU run started $(date -u +%Y-%m-%dT%H:%MZ) and did not finish (stopped, or out of time)" \
  2>/dev/null > "$out/summary.txt" || bad "cannot write to $out"

start=$SECONDS
left() { echo $((budget - (SECONDS - start))); }
work=$(mktemp -d "${TMPDIR:-/tmp}/jgrad-gpu.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
say() { echo "run.sh: $*"; }

# Runs "$@" with a limit of $1 seconds (and its child processes, e.g. JMH forks), if `timeout` exists.
limit() {
  local s=$1; shift
  [ "$s" -lt 1 ] && s=1
  if command -v timeout >/dev/null 2>&1; then timeout --kill-after=15 "$s" "$@"; else "$@"; fi
}

java="$b/jdk/bin/java"
# A copy that lost its file modes: java, and jspawnhelper (JMH starts its forks through it).
[ -x "$java" ] || chmod +x "$b/jdk/bin/"* "$b/jdk/lib/jspawnhelper" 2>/dev/null
read -r -a jvm_args < "$b/jvm-args.txt"
if ! jv=$("$java" "${jvm_args[@]}" -version 2>&1); then
  { echo "run.sh: the bundle's Java runtime does not start ($b/jdk/bin/java):"; echo "$jv" | tail -n 5
    echo "status: 2 (the bundle could not run its tests)"; } | tee "$out/summary.txt" >&2
  exit 2
fi

# cuBLAS and cuDNN may come as Python wheels (nvidia-cublas, nvidia-cudnn-cu13) rather than in the
# loader's path: add their lib folders for jgrad (JGRAD_CUDA_LIBRARY_PATH) and the loader
# (LD_LIBRARY_PATH, for the libraries they open themselves).
if command -v python3 >/dev/null 2>&1; then
  wheel_libs=$(limit 30 python3 -c '
import os
try:
    import nvidia
    for root in nvidia.__path__:
        for d in sorted(os.listdir(root)):
            lib = os.path.join(root, d, "lib")
            if os.path.isdir(lib):
                print(lib)
except Exception:
    pass' 2>/dev/null | paste -sd: -)
  if [ -n "$wheel_libs" ]; then
    export JGRAD_CUDA_LIBRARY_PATH="${JGRAD_CUDA_LIBRARY_PATH:+$JGRAD_CUDA_LIBRARY_PATH:}$wheel_libs"
    export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$wheel_libs"
  fi
fi

# ---------------------------------------------------------------- device
gpu_present=0
{
  echo "== host"
  echo "$(uname -srm), $(nproc 2>/dev/null) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
  echo; echo "== nvidia-smi -L"
  if command -v nvidia-smi >/dev/null 2>&1; then
    limit 30 nvidia-smi -L 2>&1
    echo; echo "== nvidia-smi --query-gpu"
    limit 30 nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total,clocks.max.sm,power.limit \
      --format=csv 2>&1
    echo; echo "== nvidia-smi"
    limit 30 nvidia-smi 2>&1
  else
    echo "nvidia-smi: not found"
  fi
  echo; echo "== /proc/driver/nvidia/version"
  cat /proc/driver/nvidia/version 2>&1
  echo; echo "== CUDA libraries (ldconfig -p)"
  ldconfig -p 2>/dev/null | grep -E 'libcuda\.so|libcublas\.so|libcublasLt\.so|libcudnn\.so|libnvrtc\.so' \
    || echo "none found by ldconfig"
  echo; echo "== CUDA libraries from Python wheels (JGRAD_CUDA_LIBRARY_PATH)"
  echo "${JGRAD_CUDA_LIBRARY_PATH:-none}"
  echo; echo "== bundle"
  cat "$b/bundle.txt"
  echo; echo "== java -version (bundle runtime)"
  "$java" -version 2>&1
} > "$out/device.txt" 2>&1
if command -v nvidia-smi >/dev/null 2>&1 && limit 30 nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
  gpu_present=1
  device=$(limit 30 nvidia-smi -L 2>/dev/null | head -n 1)
  driver=$(limit 30 nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n 1)
  device="$device, driver $driver"
else
  device="no NVIDIA GPU found (nvidia-smi missing or lists none)"
fi
say "device: $device"

# ---------------------------------------------------------------- tests
# Test folders, the classpath (the modules' jars, their dependencies, the launcher) and a scratch
# working folder: tests that read or write relative paths do it there, not in the bundle.
roots=(); for d in "$b"/tests/*; do [ -d "$d" ] && roots+=("$d"); done
smoke=(); while read -r m; do [ -n "$m" ] && [ -d "$b/tests/$m" ] && smoke+=("$b/tests/$m"); done < "$b/cpu-smoke.txt"
join() { local IFS=:; echo "$*"; }
cp_all="$b/lib/*:$b/junit/*:$(join "${roots[@]}")"
mkdir -p "$work/cwd" "$work/reports"

# junit NAME LIMIT_S SCAN_ROOTS TAG_ARGS... : one console-launcher run, its output in $work/NAME.log
junit() {
  local name=$1 secs=$2 scan=$3; shift 3
  (cd "$work/cwd" && limit "$secs" "$java" "${jvm_args[@]}" -cp "$cp_all" \
     org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree \
     --details-theme=ascii --disable-ansi-colors --include-engine junit-jupiter --reports-dir "$work/reports/$name" \
     --scan-classpath "$scan" "$@") > "$work/$name.log" 2>&1
  echo $? > "$work/$name.rc"
}
# count NAME "tests failed": a number from the launcher's closing table (empty if it has none)
count() { sed -n "s/^\[ *\([0-9][0-9]*\) $2 *\]\$/\1/p" "$work/$1.log" | tail -n 1; }

say "GPU tests (tag cuda) ..."
junit gpu "$(( $(left) < 300 ? $(left) : 300 ))" "$(join "${roots[@]}")" --include-tag cuda
{ echo "==== GPU suite: tests tagged cuda"; cat "$work/gpu.log"; } > "$out/tests.log"
runs=(gpu)
if [ "${JGRAD_CPU_SMOKE:-1}" != 0 ] && [ ${#smoke[@]} -gt 0 ]; then
  say "CPU smoke tests ($(for d in "${smoke[@]}"; do basename "$d"; done | paste -sd' ' -)) ..."
  junit cpu "$(( $(left) < 120 ? $(left) : 120 ))" "$(join "${smoke[@]}")" --exclude-tag cuda
  { echo; echo "==== CPU smoke: untagged tests of $(for d in "${smoke[@]}"; do basename "$d"; done | paste -sd' ' -)"
    cat "$work/cpu.log"; } >> "$out/tests.log"
  runs+=(cpu)
fi

# One XML file for both runs: each report's <testsuite> inside a <testsuites> root.
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<testsuites>'
  for r in "${runs[@]}"; do
    for x in "$work/reports/$r"/*.xml; do
      [ -f "$x" ] || continue
      echo "<!-- run: $r, report: $(basename "$x") -->"
      sed '/^<?xml /d; s/<testsuite name="\([^"]*\)"/<testsuite name="\1 ('"$r"')"/' "$x"
    done
  done
  echo '</testsuites>'
} > "$out/tests.xml"

# ---------------------------------------------------------------- benchmarks
regex=${JGRAD_BENCH_REGEX:-'\.Gpu[A-Za-z0-9_]*\.'}
read -r -a jmh_opts <<< "${JGRAD_BENCH_OPTS:--f 1 -wi 2 -w 1s -i 3 -r 2s}"
peers=(); for p in "$b"/bench/gpu_*.py; do [ -f "$p" ] && peers+=("$p"); done
peer_reserve=0
[ "${JGRAD_PEERS:-1}" != 0 ] && [ ${#peers[@]} -gt 0 ] && peer_reserve=120
jar="$b/bench/benchmarks.jar"
mapfile -t benches < <(limit 60 "$java" "${jvm_args[@]}" -jar "$jar" -l "$regex" 2>/dev/null | sed '1d' | grep .)
bench_ok=0; bench_failed=(); bench_unrun=0
mkdir -p "$work/jmh"
{
  echo "==== JMH: benchmarks matching $regex, options ${jmh_opts[*]}"
  if [ ${#benches[@]} -eq 0 ]; then echo "no GPU benchmarks in this build (none match $regex)"; fi
} > "$out/bench.log"
say "GPU benchmarks: ${#benches[@]} matching $regex ..."
# jmh NAME LIMIT_S JSON OPTS...: one benchmark; its output goes to bench.log and $work/bm.log.
# JMH reads fields through sun.misc.Unsafe; allowing it keeps JDK 25's warnings out of the log.
jmh() {
  local bm=$1 secs=$2 json=$3; shift 3
  limit "$secs" "$java" "${jvm_args[@]}" --sun-misc-unsafe-memory-access=allow -jar "$jar" \
    "^${bm//./\\.}\$" "$@" -rf json -rff "$json" > "$work/bm.log" 2>&1
  local rc=$?
  cat "$work/bm.log" >> "$out/bench.log"; echo >> "$out/bench.log"
  return $rc
}
nofork=0
unforked=(); skip=0   # the JMH options without their fork count, plus -f 0
for o in "${jmh_opts[@]}"; do
  if [ $skip -eq 1 ]; then skip=0; elif [ "$o" = -f ]; then skip=1; else case "$o" in -f[0-9]*) ;; *) unforked+=("$o") ;; esac; fi
done
unforked+=(-f 0)
i=0
for bm in "${benches[@]}"; do
  i=$((i + 1))
  t=$(( $(left) - peer_reserve ))
  if [ "$t" -lt 20 ]; then
    bench_unrun=$((bench_unrun + 1)); echo "---- $bm: not run, out of time" >> "$out/bench.log"; continue
  fi
  json="$work/jmh/$(printf %03d "$i").json"
  opts=("${jmh_opts[@]}"); [ $nofork -eq 1 ] && opts=("${unforked[@]}")
  echo "---- $bm" >> "$out/bench.log"
  jmh "$bm" "$t" "$json" "${opts[@]}"; rc=$?
  # A fork talks to JMH over a loopback socket; where there is none, run in JMH's own JVM instead.
  if [ $nofork -eq 0 ] && grep -q 'BinaryLinkClient' "$work/bm.log"; then
    nofork=1
    echo "---- $bm again with -f 0: the forked JVM could not reach JMH over loopback" >> "$out/bench.log"
    jmh "$bm" "$(( $(left) - peer_reserve ))" "$json" "${unforked[@]}"; rc=$?
  fi
  n=$(grep -c '"benchmark"' "$json" 2>/dev/null); n=${n:-0}
  if [ $rc -eq 0 ] && [ "$n" -gt 0 ]; then bench_ok=$((bench_ok + 1))
  elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then bench_failed+=("$bm (out of time; its log is in bench.log)")
  else
    # JMH exits 0 when a benchmark's setup throws; the first exception names the cause (no GPU, ...)
    why=$(grep -m 1 -E '^[A-Za-z_$][A-Za-z0-9_$.]*(Exception|Error)(: |$)' "$work/bm.log" | cut -c 1-300)
    bench_failed+=("$bm (exit $rc, $n results${why:+: $why}; see bench.log)")
  fi
done
# The per-benchmark JSON arrays joined into one.
{
  echo "["
  sep=""
  for f in "$work"/jmh/*.json; do
    [ -f "$f" ] || continue
    body=$(< "$f")
    body=${body#"${body%%[![:space:]]*}"}; body=${body#"["}      # leading space and [
    body=${body%"${body##*[![:space:]]}"}; body=${body%"]"}      # trailing space and ]
    [ -n "${body//[[:space:]]/}" ] || continue
    printf '%s%s' "$sep" "$body"; sep=$',\n'
  done
  echo; echo "]"
} > "$out/gpu-bench.json"
bench_results=$(grep -c '"benchmark"' "$out/gpu-bench.json")

# ---------------------------------------------------------------- PyTorch peers
peer_lines=()
if [ "${JGRAD_PEERS:-1}" = 0 ]; then
  peer_lines+=("skipped (JGRAD_PEERS=0)")
elif [ ${#peers[@]} -eq 0 ]; then
  peer_lines+=("none in this bundle")
elif ! command -v python3 >/dev/null 2>&1; then
  peer_lines+=("skipped: no python3")
elif ! why=$(limit 120 python3 -c 'import torch, sys; sys.exit(0) if torch.cuda.is_available() else sys.exit("torch " + torch.__version__ + " sees no CUDA device")' 2>&1); then
  why=$(echo "$why" | tail -n 1)
  peer_lines+=("skipped: ${why:-torch not importable}")
else
  for p in "${peers[@]}"; do
    n=$(basename "$p" .py)
    t=$(( $(left) - 5 ))
    if [ "$t" -lt 20 ]; then peer_lines+=("$n: not run, out of time"); continue; fi
    say "PyTorch peer $n ..."
    echo "==== python3 $n.py --out $n.json" >> "$out/bench.log"
    (cd "$work/cwd" && limit "$t" python3 "$p" --out "$out/$n.json") >> "$out/bench.log" 2>&1
    rc=$?
    [ $rc -eq 0 ] && peer_lines+=("$n: ok, $n.json") || peer_lines+=("$n: failed (exit $rc), see bench.log")
  done
fi
[ ${#peer_lines[@]} -gt 0 ] && printf '%s\n' "${peer_lines[@]}" | sed 's/^/==== PyTorch peers: /' >> "$out/bench.log"

# ---------------------------------------------------------------- summary and exit status
status=0
problems=()
describe() { # one line of counts for run $1
  local r=$1
  if [ -z "$(count "$r" 'tests found')" ]; then
    echo "did not complete (exit $(cat "$work/$r.rc")); see tests.log"; return
  fi
  echo "$(count "$r" 'tests found') found, $(count "$r" 'tests started') run, $(count "$r" 'tests successful') passed," \
       "$(count "$r" 'tests failed') failed, $(count "$r" 'tests aborted') skipped by an assumption," \
       "$(count "$r" 'tests skipped') disabled; containers: $(count "$r" 'containers failed') failed," \
       "$(count "$r" 'containers aborted') skipped"
}
for r in "${runs[@]}"; do
  if [ -z "$(count "$r" 'tests found')" ]; then
    problems+=("$r tests did not complete (exit $(cat "$work/$r.rc"))"); status=2
  elif [ "$(count "$r" 'tests failed')" -gt 0 ] || [ "$(count "$r" 'containers failed')" -gt 0 ] \
       || [ "$(cat "$work/$r.rc")" -ne 0 ]; then
    problems+=("$r tests failed"); [ $status -eq 2 ] || status=1
  fi
done
num() { local n; n=$(count "$1" "$2"); echo "${n:-0}"; }
gpu_skips=$(( $(num gpu 'tests aborted') + $(num gpu 'containers aborted') ))
if [ $status -eq 0 ] && [ "$gpu_skips" -gt 0 ] && [ "${JGRAD_ALLOW_GPU_SKIPS:-0}" != 1 ]; then
  if [ $gpu_present -eq 1 ]; then
    problems+=("a GPU is present but $gpu_skips cuda tests or classes were skipped")
  else
    problems+=("no GPU found: $gpu_skips cuda tests or classes were skipped, nothing was checked on a GPU")
  fi
  status=3
fi
# Failed tests with their messages (from the launcher's "Failures" list) and skip reasons with
# how many tests or classes each skipped (from the tree's [A] marks).
failures() {
  awk '/^Failures \([0-9]+\):/ { on = 1; next } on && /^[^ ]/ { on = 0 }
       on && /^  [^ ]/ { name = substr($0, 3) } on && /^    => / && name != "" { print "  " name ": " substr($0, 8); name = "" }' \
    "$work/$1.log" | head -n 30
}
skips() { sed -n 's/.*\[A\] //p' "$work/$1.log" | sort | uniq -c | sort -rn | head -n 20; }
{
  echo "jgrad GPU run, $(date -u +%Y-%m-%dT%H:%MZ), $((SECONDS - start)) s"
  echo "device:     $device"
  echo "bundle:     $(sed -n 's/^commit: *//p' "$b/bundle.txt"), $(sed -n 's/^size: *//p' "$b/bundle.txt")"
  echo "GPU tests:  $(describe gpu)"
  [ -f "$work/cpu.log" ] && echo "CPU smoke:  $(describe cpu)"
  echo "benchmarks: ${#benches[@]} matching, $bench_ok completed$([ $nofork -eq 1 ] && echo ' (without forks: no loopback)'), ${#bench_failed[@]} failed, $bench_unrun not run (time); $bench_results results in gpu-bench.json"
  for f in "${bench_failed[@]}"; do echo "  failed: $f"; done
  for l in "${peer_lines[@]}"; do echo "PyTorch:    $l"; done
  for r in "${runs[@]}"; do
    if [ -n "$(failures "$r")" ]; then echo; echo "$r tests failed:"; failures "$r"; fi
    if [ -n "$(skips "$r")" ]; then echo; echo "$r tests skipped (tests or classes, reason):"; skips "$r"; fi
  done
  echo
  if [ $status -eq 0 ]; then echo "status: 0 (all tests passed)"; else
    echo "status: $status ($(printf '%s; ' "${problems[@]}" | sed 's/; $//'))"
  fi
} > "$out/summary.txt"
cat "$out/summary.txt"
n_files=$(find "$out" -type f | wc -l)
[ "$n_files" -le 8 ] || say "warning: $n_files files in $out (more than the 8 a transport may return)"
exit $status
