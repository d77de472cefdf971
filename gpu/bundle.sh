#!/usr/bin/env bash
# Makes build/gpu-bundle: everything a Linux x86-64 machine with an NVIDIA GPU needs to run
# jgrad's GPU tests and GPU benchmarks without Java, Maven or a network. Run it on a build machine
# with a JDK 25 and Maven; copy build/gpu-bundle to the GPU machine and run `run.sh OUT_DIR` there.
#
#   gpu/bundle.sh            # extra arguments go to Maven, e.g. gpu/bundle.sh -o (offline)
#   gpu/bundle.sh --help     # this text
#
# Contents:  jdk/      a JDK 25 runtime made by jlink with only the modules the code needs
#            lib/      the modules' jars and their runtime dependencies (JCuda and its natives)
#            tests/    each module's compiled test classes (tests/<module>/)
#            junit/    the JUnit console launcher (the version of the parent pom)
#            bench/    the JMH benchmarks jar and the PyTorch peer scripts (bench/gpu_*.py)
#            run.sh, jvm-args.txt, cpu-smoke.txt, bundle.txt
# The bundle must stay under 64 MiB (the size the GPU machines accept); the script fails above it.
# A build that fails, is stopped or is over the limit leaves no build/gpu-bundle (what it made is in
# build/gpu-bundle.partial).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Maven answers --help itself and builds nothing, and the bundle would be made from stale jars
case " $* " in
  *" -h "* | *" --help "*) sed -n '2,/^set /p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
. "$root/scripts/java-env.sh"
jgrad_find_jdk
jgrad_find_maven
# made in build/gpu-bundle.partial and renamed only when complete and within the size limit, so a
# failed, stopped or oversized build never leaves something at build/gpu-bundle to be copied
dest="$root/build/gpu-bundle"
out="$dest.partial"
limit_mib=64
pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -n 1; }
cd "$root"

echo "bundle: JDK at $JAVA_HOME" >&2
# clean: test classes of deleted tests must not linger in the bundle. Test classes are compiled
# (only their execution is skipped); each module's runtime dependencies go to target/dependency.
mvn -B -ntp -DskipTests "$@" clean package \
  dependency:copy-dependencies -DincludeScope=runtime -DexcludeGroupIds=org.jgrad

rm -rf "$dest" "$out"
trap '[ -d "$dest" ] || echo "bundle: not finished: no bundle at $dest (the incomplete one is in $out)" >&2' EXIT
mkdir -p "$out"/{lib,tests,junit,bench}
junit_version=$(pom_property junit.platform.version)
mvn -B -ntp -q -N "$@" dependency:copy \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version" \
  -DoutputDirectory="$out/junit"
if ! compgen -G "$out/junit/junit-platform-console-standalone-*.jar" > /dev/null; then
  echo "bundle: Maven did not copy the JUnit console launcher $junit_version into $out/junit" >&2
  exit 1
fi

# Modules from the parent pom. bench joins only as its self-contained JMH jar.
mapfile -t modules < <(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml)
for m in "${modules[@]}"; do
  [ "$m" = bench ] && continue
  for j in "$m"/target/jgrad-*.jar; do
    case "$j" in *-tests.jar|*-sources.jar|*-javadoc.jar) continue ;; esac
    [ -f "$j" ] && cp "$j" "$out/lib/"
  done
  if [ -d "$m/target/dependency" ]; then cp "$m"/target/dependency/*.jar "$out/lib/" 2>/dev/null || true; fi
  if [ -n "$(find "$m/target/test-classes" -name '*.class' -print -quit 2>/dev/null)" ]; then
    cp -r "$m/target/test-classes" "$out/tests/$m"
  fi
done
cp bench/target/benchmarks.jar "$out/bench/"
cp bench/gpu_*.py "$out/bench/" 2>/dev/null || true

# JCuda's natives jar also carries the runtime, NVRTC and nvPTXCompiler bindings (about 10 MB
# packed); jgrad loads compiled fatbins through the driver API alone, so they are left out (the
# benchmarks jar leaves them out the same way, in bench/pom.xml).
for n in "$out"/lib/jcuda-natives-*.jar; do
  [ -f "$n" ] || continue
  t=$(mktemp -d)
  (cd "$t" && "$JAVA_HOME/bin/jar" xf "$n" && rm -f lib/libJNvPTXCompiler-* lib/libJCudaRuntime-* lib/libJNvrtc-* \
     && "$JAVA_HOME/bin/jar" --create --file "$n" --manifest META-INF/MANIFEST.MF -C . .)
  rm -rf "$t"
done

# The runtime's modules: what jdeps finds in everything that runs, less java.desktop. Only the
# plots and PNG files of nn and examples use java.desktop (AWT, ImageIO), and it would add 15 MiB;
# tests that need it are left out of the CPU smoke run (cpu-smoke.txt, below).
cp_all=$(printf '%s:' "$out"/lib/*.jar "$out"/junit/*.jar); cp_all=${cp_all%:}
jdeps_mods() { # module set that the given archives/folders need (transitively over cp_all)
  "$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps -R \
    --class-path "$cp_all" "$@" | tail -n 1
}
found=$(jdeps_mods "$out"/lib/*.jar "$out"/junit/*.jar "$out"/bench/benchmarks.jar "$out"/tests/*)
mods=$(echo "java.base,jdk.incubator.vector,$found" | tr ',' '\n' | grep -vx 'java.desktop' | sort -u | paste -sd, -)
echo "bundle: jdeps found $found; jlink modules: $mods" >&2
"$JAVA_HOME/bin/jlink" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-9 --output "$out/jdk" 2> >(grep -v 'Using incubator modules' >&2)
# jlink keeps the symbol tables of the native libraries (5 MiB of libjvm.so); the dynamic symbols
# that linking needs stay. Links (duplicate legal notices) become copies so any copy tool keeps them.
if command -v strip >/dev/null 2>&1; then
  find "$out/jdk" -name '*.so' -exec strip --strip-unneeded {} +
else
  echo "bundle: no 'strip' on the PATH: the runtime keeps its native symbol tables (about 5 MiB)" >&2
fi
find "$out/jdk" -type l | while read -r l; do
  target=$(readlink -f "$l"); rm "$l"; cp "$target" "$l"
done

# Test folders whose classes run without java.desktop form the CPU smoke run of run.sh.
: > "$out/cpu-smoke.txt"
for d in "$out"/tests/*; do
  [ -d "$d" ] || continue
  m=$(basename "$d")
  if ! jdeps_mods "$d" | tr ',' '\n' | grep -qx 'java.desktop'; then
    echo "$m" >> "$out/cpu-smoke.txt"
  fi
done

# The JVM arguments of the parent pom (jgrad.jvm.args) and surefire's stack size.
echo "$(pom_property jgrad.jvm.args) -Xss4m" > "$out/jvm-args.txt"
cp gpu/run.sh "$out/run.sh"
chmod +x "$out/run.sh"

# Check that the runtime starts and finds the benchmarks before calling the bundle done.
read -r -a jvm_args < "$out/jvm-args.txt"
"$out/jdk/bin/java" "${jvm_args[@]}" -version 2>&1 | grep -v 'incubator' >&2
n_bench=$("$out/jdk/bin/java" "${jvm_args[@]}" -jar "$out/bench/benchmarks.jar" -l 2>/dev/null | sed '1d' | grep -c . || true)
if [ "$n_bench" -eq 0 ]; then
  echo "bundle: the bundle's runtime lists no benchmarks in bench/benchmarks.jar; its error:" >&2
  "$out/jdk/bin/java" "${jvm_args[@]}" -jar "$out/bench/benchmarks.jar" -l 2>&1 | tail -n 5 >&2
  exit 1
fi

# the commit, and whether the tree differs from it (untracked files such as a new test count too)
if commit=$(git rev-parse --short HEAD 2>/dev/null); then
  [ -z "$(git status --porcelain 2>/dev/null)" ] || commit="$commit (with uncommitted changes)"
else
  commit="unknown (not a git checkout)"
fi
size_b=$(du -sb "$out" | cut -f1)
size_mib=$(awk -v b="$size_b" 'BEGIN { printf "%.1f", b / 1048576 }')
{
  echo "jgrad GPU bundle"
  echo "built:    $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit:   $commit"
  echo "jdk:      $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
  echo "modules:  $mods"
  echo "cpu smoke: $(paste -sd' ' "$out/cpu-smoke.txt")"
  echo "benchmarks in the jar: $n_bench"
  echo "size:     $size_mib MiB"
} > "$out/bundle.txt"
cat "$out/bundle.txt"
(cd "$out" && du -sh -- *) | sed 's/^/  /'
if [ "$size_b" -gt $((limit_mib * 1048576)) ]; then
  echo "bundle: $size_mib MiB is over the $limit_mib MiB limit" >&2
  exit 1
fi
mv "$out" "$dest"
echo "bundle: $dest ($size_mib MiB). On the GPU machine: run.sh OUT_DIR" >&2
