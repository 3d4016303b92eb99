# Shared by bench/lifecycle.sh, bench/config-reload.sh, bench/e2e.sh and bench/plugins.sh; sourced, not run. The caller sets
# `script` (its name, for messages), `keep` (1: keep the temp home) and `kept_note` (what the kept
# home holds), and runs with `set -euo pipefail`.
#
#   bench_check_setup        repo, dist, java, javac; exits 2 when the distribution or a JDK is missing
#   bench_make_home          temp dir + traps (gateway stopped, temp dir deleted on exit, error or signal),
#                            home = copy of the distribution with a free loopback gateway.port
#   bench_run HARNESS ARGS   compiles bench/support + bench/HARNESS.java into the temp dir (with the
#                            distribution's lib/ on the class path), runs it, exits
#                            with its status

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
dist="$repo/runtime/target/gatehouse"
tmp=""
home=""
harness_pid=""

bench_check_setup() {
  if [[ ! -x "$dist/bin/gatehouse" || ! -d "$dist/lib" || ! -f "$dist/etc/gatehouse.json" ]]; then
    echo "$script: no distribution at $dist" >&2
    echo "  build it first:  (cd $repo && mvn -B -q -o -DskipTests package)" >&2
    exit 2
  fi
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
  command -v "$java" >/dev/null 2>&1 || { echo "$script: java not found (set JAVA_HOME)" >&2; exit 2; }
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]]; then javac="$JAVA_HOME/bin/javac"; else javac=javac; fi
  command -v "$javac" >/dev/null 2>&1 || { echo "$script: javac not found (set JAVA_HOME to a JDK 17+)" >&2; exit 2; }
}

# A loopback port nothing listens on, below the kernel's ephemeral range so that no outgoing
# connection (the benchmark's own clients included) takes it before the gateway binds it. The
# launcher binds right after; should another program take the port first, the harness fails with
# the gateway's "cannot listen" line.
free_port() {
  local low=32768
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  if command -v python3 >/dev/null 2>&1 && python3 - "$low" 2>/dev/null <<'PY'
import random, socket, sys
low = int(sys.argv[1])
candidates = list(range(10000, low)) if low > 11000 else []
random.shuffle(candidates)
for port in candidates[:500] + [0]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(s.getsockname()[1])
        sys.exit(0)
    except OSError:
        pass
    finally:
        s.close()
sys.exit(1)
PY
  then
    return 0
  fi
  # No python: probe ports below the ephemeral range until a connect is refused.
  local port i
  for ((i = 0; i < 200; i++)); do
    port=$((10000 + RANDOM % (low > 11000 ? low - 10000 : 20000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$harness_pid" ]] && kill -0 "$harness_pid" 2>/dev/null; then
    # The harness's shutdown hook stops the gateways it started.
    kill -TERM "$harness_pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do kill -0 "$harness_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$harness_pid" 2>/dev/null || true
  fi
  if [[ -x "$home/bin/gatehouse" ]]; then
    # Belt and braces: a gateway still recorded in the pid file (harness killed hard) is stopped here.
    GATEHOUSE_STOP_TIMEOUT=30 "$home/bin/gatehouse" --home "$home" stop >/dev/null 2>&1 || true
  fi
  if [[ "$keep" == 1 ]]; then
    echo "$script: kept $tmp ($kept_note)" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}

bench_make_home() {
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
  home="$tmp/home"
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  cp -a "$dist/." "$home/"
  rm -rf "$home/data"

  port=$(free_port) || { echo "$script: found no free loopback port" >&2; exit 1; }
  conf="$home/etc/gatehouse.json"
  # gatehouse.json is JSON5; set the first "port:" (gateway.port) and check the result.
  sed -i -E "0,/^([[:space:]]*\"?port\"?[[:space:]]*:[[:space:]]*)[0-9]+/s//\1$port/" "$conf"
  grep -Eq "^[[:space:]]*\"?port\"?[[:space:]]*:[[:space:]]*$port\b" "$conf" ||
    { echo "$script: could not set gateway.port in $conf" >&2; exit 1; }
  grep -Eq '^[[:space:]]*"?bind"?[[:space:]]*:[[:space:]]*"(loopback|localhost|127\.0\.0\.1)"' "$conf" ||
    { echo "$script: $conf does not bind to loopback; refusing to benchmark" >&2; exit 1; }

  echo "$script: distribution $dist"
  echo "$script: temp home $home, gateway port 127.0.0.1:$port"
}

# Runs a command in the background and waits for it, so a signal reaches the trap at once (bash
# defers traps while a foreground child runs); the trap ends it. Returns its status.
bench_bg() {
  "$@" </dev/null &
  harness_pid=$!
  local status=0
  wait "$harness_pid" || status=$?
  harness_pid=""
  return "$status"
}

bench_run() {
  local harness=$1
  shift
  # The distribution's lib/ (the launcher class path) brings the gateway's shell protocol and JSON5 dialect.
  bench_bg "$javac" -nowarn -cp "$dist/lib/*" -d "$tmp/classes" "$repo"/bench/support/*.java "$repo/bench/$harness.java" ||
    { echo "$script: could not compile bench/$harness.java" >&2; exit 1; }
  local status=0
  bench_bg "$java" -cp "$tmp/classes:$dist/lib/*" "$harness" "$@" || status=$?
  exit "$status"
}
