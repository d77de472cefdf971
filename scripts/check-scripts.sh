#!/usr/bin/env bash
# Checks the shell tooling with good and bad input: ./jgrad, ./run-tests, bench/run-cpu.sh,
# bench/run-peers.sh's options, gpu/bundle.sh --help and gpu/run.sh (with a stand-in bundle).
# Run by .ci/run after the test suite; it needs the JDK and Maven that ./run-tests needs and
# builds nothing beyond what ./run-tests built. Exits 1 if a check fails.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp=$(mktemp -d -t jgrad-check.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0; n=0

# check NAME WANT_RC GREP_PATTERN -- COMMAND...: COMMAND exits WANT_RC and its output matches the
# (extended) pattern; "" matches anything. The output is kept in $tmp/out.
check() {
  local name=$1 want=$2 pat=$3 rc; shift 4
  "$@" > "$tmp/out" 2>&1; rc=$?
  n=$((n + 1))
  if [ "$rc" -ne "$want" ] || { [ -n "$pat" ] && ! grep -Eq -- "$pat" "$tmp/out"; }; then
    failed=$((failed + 1))
    echo "FAIL: $name (exit $rc, expected $want${pat:+, output matching '$pat'}); output:"
    sed 's/^/    /' "$tmp/out" | tail -n 15
  else
    echo "ok:   $name"
  fi
}

# ---------------------------------------------------------------- ./jgrad and ./run-tests
# (scripts/java-env.sh itself is tested by examples' JavaEnvScriptTest.)
check "./jgrad: an unknown command exits 2" 2 "Unmatched argument at index 0: 'no such'" -- "$root/jgrad" "no such"
check "./jgrad: arguments with spaces and quotes arrive whole" 1 "file $tmp/a b/it's \"x\".npy does not exist" -- \
  "$root/jgrad" loss --pred="$tmp/a b/it's \"x\".npy" --target="$tmp/t.npy" bce
# a PATH with the tools java-env.sh uses and no java, and a folder of JDKs that are too old or broken
mkdir -p "$tmp/bin" "$tmp/old/jdk-17/bin" "$tmp/old/broken/bin"
for t in sed head readlink dirname; do ln -s "$(command -v "$t")" "$tmp/bin/$t"; done
printf '#!/bin/sh\necho "    java.specification.version = 17" >&2\n' > "$tmp/old/jdk-17/bin/java"
printf '#!/bin/sh\nexit 1\n' > "$tmp/old/broken/bin/java"
for d in "$tmp"/old/*/bin; do cp "$d/java" "$d/javac"; chmod +x "$d"/*; done
check "./run-tests --help prints its usage, not Maven's (no JDK needed)" 0 "^Builds every module" -- \
  env -u JAVA_HOME JGRAD_JDK_SEARCH="$tmp/old" PATH="$tmp/bin" "$BASH" "$root/run-tests" --help
check "./run-tests: without a JDK 25 it says so, and why each JDK was passed over" 1 "Passed over: .*broken" -- \
  env -u JAVA_HOME JGRAD_JDK_SEARCH="$tmp/old" PATH="$tmp/bin" "$BASH" "$root/run-tests"

# A copy of ./jgrad in a tree whose jar is older than a source, with a stand-in mvn that fails:
# a rebuild is due, wherever the tree lies and however it is reached.
mkdir -p "$tmp/target/scripts" "$tmp/target/examples/target" "$tmp/target/examples/src" "$tmp/mvn"
cp "$root/jgrad" "$tmp/target/"; cp "$root/scripts/java-env.sh" "$tmp/target/scripts/"
: > "$tmp/target/examples/target/jgrad.jar"; touch -d '2001-01-01' "$tmp/target/examples/target/jgrad.jar"
: > "$tmp/target/examples/src/Changed.java"
printf '#!/bin/sh\necho "stand-in mvn"; exit 3\n' > "$tmp/mvn/mvn"; chmod +x "$tmp/mvn/mvn"
ln -s "$tmp/target" "$tmp/link"
check "./jgrad: rebuilds a changed tree in a folder named target" 1 "jgrad: the build failed" -- \
  env PATH="$tmp/mvn:$PATH" "$tmp/target/jgrad" --version
check "./jgrad: rebuilds a changed tree reached through a linked folder" 1 "jgrad: the build failed" -- \
  env PATH="$tmp/mvn:$PATH" "$tmp/link/jgrad" --version
ln -s "$tmp/target/jgrad" "$tmp/mvn/jgrad"
check "./jgrad: works through a link to it in another folder" 1 "jgrad: the build failed" -- \
  env PATH="$tmp/mvn:$PATH" jgrad --version

# ---------------------------------------------------------------- bench/run-cpu.sh
results() { find "$root/bench/results" -type f 2>/dev/null | sort; }
results > "$tmp/results.before"
check "run-cpu.sh --help prints the usage and builds nothing" 0 "^Usage: bench/run-cpu.sh" -- "$root/bench/run-cpu.sh" --help
check "run-cpu.sh: an unknown benchmark fails" 1 "nothing was added to bench/results" -- \
  env JMH_OPTS="-f 0 -wi 0 -i 1 -r 100ms" "$root/bench/run-cpu.sh" NoSuchBench
check "run-cpu.sh: a bad JMH option fails" 1 "nothing was added to bench/results" -- \
  env JMH_OPTS="-f 0 --no-such-option" "$root/bench/run-cpu.sh" GemmBench
check "run-cpu.sh: a run where one benchmark fails exits 1" 1 "1 benchmark run\(s\) failed.*nothing was added" -- \
  env JMH_OPTS="-f 0 -wi 0 -i 1 -r 100ms -p n=-1,8" "$root/bench/run-cpu.sh" GemmBench
# a run stopped from outside (SIGTERM to its process group, as a timeout or a closed terminal does)
if command -v setsid >/dev/null 2>&1; then
  JMH_OPTS="-f 0 -wi 0 -i 1 -r 60s -p n=8" setsid "$root/bench/run-cpu.sh" GemmBench > "$tmp/stopped.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q '# Run progress' "$root/bench/target/run-cpu-$pid.log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  check "run-cpu.sh: a running benchmark has its log under bench/target" 0 "" -- \
    grep -q '# Run progress' "$root/bench/target/run-cpu-$pid.log"
  kill -TERM -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  rm -f "$root/bench/target/run-cpu-$pid".*
fi
results > "$tmp/results.after"
check "run-cpu.sh: failed or stopped runs leave bench/results as it was" 0 "" -- cmp "$tmp/results.before" "$tmp/results.after"

# ---------------------------------------------------------------- bench/run-peers.sh (options only: its run needs a large download)
check "run-peers.sh --help prints the usage, without a JDK 25" 0 "^  bench/run-peers.sh --no-profile" -- \
  env -u JAVA_HOME JGRAD_JDK_SEARCH="$tmp/old" PATH="$tmp/bin" "$BASH" "$root/bench/run-peers.sh" --help
check "run-peers.sh: an unknown option exits 2 naming it, without a JDK 25" 2 "unknown option --profile" -- \
  env -u JAVA_HOME JGRAD_JDK_SEARCH="$tmp/old" PATH="$tmp/bin" "$BASH" "$root/bench/run-peers.sh" --profile

# ---------------------------------------------------------------- gpu/bundle.sh (--help only: a bundle takes a clean build)
check "bundle.sh --help prints the usage and runs nothing (no JDK, no Maven)" 0 "^  gpu/bundle.sh --help" -- \
  env -u JAVA_HOME JGRAD_JDK_SEARCH="$tmp/old" PATH="$tmp/bin" "$BASH" "$root/gpu/bundle.sh" -o --help

# ---------------------------------------------------------------- gpu/run.sh
# A stand-in bundle: gpu/run.sh and the files it reads; its Java runtime is missing.
b="$tmp/bundle"
mkdir -p "$b/jdk/bin" "$b/tests" "$b/lib" "$b/bench"
cp "$root/gpu/run.sh" "$b/run.sh"
printf 'commit:   test\nsize:     1 MiB\n' > "$b/bundle.txt"
: > "$b/cpu-smoke.txt"; echo "-Xss4m" > "$b/jvm-args.txt"
check "run.sh without OUT_DIR exits 2 with the usage" 2 "run.sh OUT_DIR" -- "$b/run.sh"
check "run.sh --help exits 0" 0 "Exit status:" -- "$b/run.sh" --help
check "run.sh: an unknown option exits 2 naming it" 2 "unknown option --version" -- \
  "$BASH" -c 'cd "$1" && "$2" --version' - "$tmp" "$b/run.sh"
check "run.sh: ... and makes no folder of that name" 1 "" -- test -e "$tmp/--version"
check "run.sh: a budget that is not a number" 2 "JGRAD_GPU_BUDGET_S must be a whole number" -- \
  env JGRAD_GPU_BUDGET_S=10m "$b/run.sh" "$tmp/out-budget"
check "run.sh: ... is refused before OUT_DIR is made" 1 "" -- test -e "$tmp/out-budget"
check "run.sh: JGRAD_PEERS other than 0 or 1" 2 "JGRAD_PEERS must be 0 or 1, not 'no'" -- \
  env JGRAD_PEERS=no "$b/run.sh" "$tmp/out-peers"
check "run.sh: an OUT_DIR that cannot be made" 2 "cannot create the folder" -- "$b/run.sh" "$b/run.sh/out"
if [ -d /proc/self ] && ! : 2>/dev/null > /proc/self/summary.txt; then
  check "run.sh: an OUT_DIR that cannot be written" 2 "cannot write to /proc/self" -- "$b/run.sh" /proc/self
fi
mkdir -p "$tmp/out-old"; echo '{}' > "$tmp/out-old/gpu_peers.json"; echo old > "$tmp/out-old/tests.log"
check "run.sh: a bundle whose Java runtime does not start exits 2" 2 "Java runtime does not start" -- \
  "$b/run.sh" "$tmp/out-old"
check "run.sh: ... and says so in summary.txt" 0 "status: 2" -- cat "$tmp/out-old/summary.txt"
check "run.sh: an earlier run's files are removed" 0 "" -- test ! -e "$tmp/out-old/gpu_peers.json" -a ! -e "$tmp/out-old/tests.log"

# Now a stand-in java: the launcher reports one test skipped for want of a GPU, JMH lists one
# benchmark whose setup throws (JMH then exits 0 with no results), as on a machine without a GPU.
cat > "$b/jdk/bin/java" <<'STANDIN'
#!/bin/sh
case " $* " in
  *" -version "*) echo 'openjdk version "25" (stand-in)' >&2 ;;
  *ConsoleLauncher*)
    [ -z "${STANDIN_SLEEP:-}" ] || sleep "$STANDIN_SLEEP"
    printf '%s\n' "+-- JUnit Jupiter [OK]" "| '-- GpuTest [OK]" "|   '-- runs() [A] Assumption failed: no GPU here (stand-in)" \
      "" "[         1 containers found      ]" "[         0 containers aborted    ]" "[         0 containers failed     ]" \
      "[         1 tests found           ]" "[         0 tests skipped         ]" "[         1 tests started         ]" \
      "[         1 tests aborted         ]" "[         0 tests successful      ]" "[         0 tests failed          ]" ;;
  *" -l "*) printf '%s\n' "Benchmarks: " "jgrad.bench.GpuStandIn.run" ;;
  *" -rff "*) printf '%s\n' "# Warmup Iteration   1: <failure>" "" \
      "java.lang.IllegalStateException: GpuStandIn needs a CUDA device: none here" "	at jgrad.bench.GpuStandIn.setup" ;;
esac
exit 0
STANDIN
chmod +x "$b/jdk/bin/java"
out="$tmp/out-run"
check "run.sh: cuda tests skipped exit 3" 3 "status: 3 \(.*cuda tests or classes were skipped" -- \
  env JGRAD_PEERS=0 "$b/run.sh" "$out"
for f in device.txt tests.log tests.xml bench.log gpu-bench.json summary.txt; do
  check "run.sh: ... writes $f" 0 "" -- test -s "$out/$f"
done
check "run.sh: ... summary.txt names the skip reason" 0 "1 Assumption failed: no GPU here" -- cat "$out/summary.txt"
check "run.sh: ... and why the benchmark failed" 0 \
  "failed: jgrad.bench.GpuStandIn.run \(exit 0, 0 results: java.lang.IllegalStateException: GpuStandIn needs a CUDA device" -- \
  cat "$out/summary.txt"
check "run.sh: JGRAD_ALLOW_GPU_SKIPS=1 exits 0" 0 "status: 0" -- env JGRAD_PEERS=0 JGRAD_ALLOW_GPU_SKIPS=1 "$b/run.sh" "$out"
# stopped by SIGTERM to its process group (as a time limit does) while the tests run
if command -v setsid >/dev/null 2>&1; then
  mkdir -p "$tmp/rt"
  TMPDIR="$tmp/rt" STANDIN_SLEEP=60 setsid "$b/run.sh" "$tmp/out-term" > /dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    compgen -G "$tmp/rt/jgrad-gpu.*/gpu.log" > /dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -TERM -- "-$pid" 2>/dev/null; wait "$pid"; rc=$?
  check "run.sh: stopped by SIGTERM, it exits 143" 143 "" -- sh -c "exit $rc"
  check "run.sh: ... removes its scratch folder" 0 "" -- test -z "$(ls -A "$tmp/rt")"
  check "run.sh: ... and summary.txt says the run did not finish" 0 "did not finish" -- cat "$tmp/out-term/summary.txt"
fi

echo "check-scripts: $((n - failed)) of $n checks passed"
[ "$failed" -eq 0 ]
