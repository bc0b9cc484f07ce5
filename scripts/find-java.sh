# Sourced by the launcher, ./run-tests, ./install and .ci/run: sets AGENT_TUNNEL_JAVA_HOME to a JDK >= 25.
# Looks at $JAVA_HOME, then the usual JDK folders, then `java` on PATH; reads each JDK's `release` file, so no
# JVM is started just to learn a version.

agent_tunnel_jdk_major() { # $1 = JDK home; prints its major version or nothing
  local release="$1/release" line v
  [[ -r $release && -x $1/bin/java ]] || return 1
  line=$(grep -m1 '^JAVA_VERSION=' "$release") || return 1
  v=${line#JAVA_VERSION=}; v=${v//\"/}; v=${v%%[.+-]*}
  [[ $v =~ ^[0-9]+$ ]] && printf '%s\n' "$v"
}

agent_tunnel_find_java() {
  local candidate major
  local -a candidates=()
  [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
    /Library/Java/JavaVirtualMachines/*/Contents/Home)
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in "${candidates[@]}"; do
    major=$(agent_tunnel_jdk_major "$candidate" 2>/dev/null) || continue
    if (( major >= 25 )) && [[ -x $candidate/bin/javac || ${1:-} == runtime ]]; then
      AGENT_TUNNEL_JAVA_HOME=$candidate
      return 0
    fi
  done
  cat >&2 <<'MSG'
agent-tunnel needs a JDK 25 or newer, and none was found ($JAVA_HOME, /usr/lib/jvm, /opt/java, ~/.sdkman, PATH).
Install one, e.g. on Debian/Ubuntu: apt-get install temurin-25-jdk (Adoptium repository) or openjdk-25-jdk,
or from https://adoptium.net, then set JAVA_HOME to it.
MSG
  return 1
}
