# Sourced by ./jgrad and ./run-tests: finds a JDK 25 or newer and Maven, exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME if it is 25+, else the newest 25+ among the JDK of the `java` on the PATH and the
# usual install folders (the default java may be older; then it is passed over). JGRAD_JDK_SEARCH,
# colon-separated folders that hold JDKs (like /usr/lib/jvm), replaces the usual folders.

jgrad_java_version() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

jgrad_find_jdk() {
  local candidates=() roots=() rejected=() c v why best="" bestv=0 home=${HOME:-/nonexistent}
  local jh=${JAVA_HOME:-} jh_why=""
  [ "$jh" = / ] || jh=${jh%/}
  [ -n "$jh" ] && candidates+=("$jh")
  # the JDK of the java on the PATH, through links such as /usr/bin/java -> /etc/alternatives/java
  if c=$(command -v java 2>/dev/null); then
    c=$(readlink -f "$c" 2>/dev/null || echo "$c")
    candidates+=("$(dirname "$(dirname "$c")")")
  fi
  if [ -n "${JGRAD_JDK_SEARCH:-}" ]; then
    IFS=: read -r -a roots <<< "$JGRAD_JDK_SEARCH"
    for c in "${roots[@]}"; do candidates+=("$c"/*); done
  else
    candidates+=(/usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$home"/.sdkman/candidates/java/*
                 "$home"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home)
  fi
  for c in "${candidates[@]}"; do
    why=""
    if [ "$c" = "$jh" ] && [ ! -d "$c" ]; then
      why="not a folder"
    elif [ ! -x "$c/bin/java" ]; then
      [ "$c" = "$jh" ] && why="no bin/java in it"
    elif [ ! -x "$c/bin/javac" ]; then
      why="no bin/javac (a JRE, not a JDK)"
    else
      # a java that does not run (wrong architecture, broken install) is passed over, not fatal
      v=$(jgrad_java_version "$c/bin/java") || true
      if [ -z "$v" ]; then why="its bin/java does not run or print its version"
      elif [ "$v" -lt 25 ]; then why="JDK $v, too old"
      elif [ "$c" = "$jh" ]; then best=$c; break
      elif [ "$v" -gt "$bestv" ]; then best=$c; bestv=$v
      fi
    fi
    [ -n "$why" ] || continue
    [ "$c" = "$jh" ] && jh_why=$why
    case " ${rejected[*]} " in *" $c ("*) ;; *) rejected+=("$c ($why)") ;; esac
  done
  if [ -z "$best" ]; then
    echo "jgrad needs a JDK 25 or newer (with javac), and none was found." >&2
    echo "  Looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), the java on the PATH, and" \
         "${JGRAD_JDK_SEARCH:-/usr/lib/jvm, /usr/java, /opt/java, /opt/jdk*, ~/.sdkman, ~/.jdks, /Library/Java}." >&2
    [ ${#rejected[@]} -eq 0 ] || printf '  Passed over: %s\n' "${rejected[@]}" >&2
    echo "  Install one (for example Eclipse Temurin 25: https://adoptium.net, or 'apt-get install temurin-25-jdk'" >&2
    echo "  from the Adoptium apt repository), or point JAVA_HOME at it." >&2
    return 1
  fi
  # JAVA_HOME that names no JDK at all is a mistake worth a line (an older JDK there is passed over quietly)
  case "$jh_why" in
    "" | "JDK "*) ;;
    *) echo "jgrad: JAVA_HOME=$JAVA_HOME is passed over ($jh_why); using $best" >&2 ;;
  esac
  export JAVA_HOME="$best"
  export JAVA="$best/bin/java"
}

jgrad_find_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "jgrad builds with Apache Maven 3.8 or newer, and 'mvn' is not on the PATH." >&2
    echo "  Install it (for example 'apt-get install maven', or https://maven.apache.org/download.cgi)." >&2
    return 1
  fi
}
