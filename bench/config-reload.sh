#!/usr/bin/env bash
# Config hot-reload benchmark of the Gatehouse distribution: write-to-applied latency of edits to
# etc/gatehouse.json, and a torture run of complete writes in mixed styles (in place, temp file +
# rename, delete + recreate, slow chunked writer, Kubernetes ..data symlink swap) that counts torn
# reads, rejected reloads and the final state. See docs/benchmarks.md.
#
#   bench/config-reload.sh [-e|--edits N] [-t|--torture M] [-s|--seed S] [--keep] [-- HARNESS_OPTIONS...]
#
#   -e, --edits N      latency phase: in-place edits, each waited for (default 200; 0 skips)
#   -t, --torture M    torture phase: mixed-style writes, not waited for (default 1000; 0 skips)
#   -s, --seed S       seed of the harness's random choices (default 42)
#   --keep             keep the temp home (logs, console output, per-edit CSV) instead of deleting it
#   -- ...             passed to bench/ConfigReloadBench.java, e.g. -- --max-pad 20000 --no-leading-comments
#
# Builds nothing: it benchmarks runtime/target/gatehouse as built by
#   mvn -B -q -o -DskipTests package
# The distribution is copied to a temp home (mktemp -d) whose etc/gatehouse.json gets a free
# loopback port, so a gateway already running elsewhere is not disturbed. On exit (normal, error
# or signal) the gateway is stopped and the temp home deleted. JAVA_HOME or PATH selects Java 17+.
# While the gateway applies an empty config from a torn read (see docs/benchmarks.md), a framework
# restart can move its socket to the default 127.0.0.1:18789 for a while (it keeps its own port
# when 18789 is taken); all traffic stays on loopback.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
dist="$repo/runtime/target/gatehouse"
edits=200
torture=1000
seed=42
keep=0
harness_args=()

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    -e|--edits) edits="${2:?$1 needs a number}"; shift 2 ;;
    --edits=*) edits="${1#*=}"; shift ;;
    -t|--torture) torture="${2:?$1 needs a number}"; shift 2 ;;
    --torture=*) torture="${1#*=}"; shift ;;
    -s|--seed) seed="${2:?$1 needs a number}"; shift 2 ;;
    --seed=*) seed="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; harness_args=("$@"); break ;;
    *) echo "config-reload.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$edits" =~ ^[0-9]+$ ]] || { echo "config-reload.sh: --edits expects a number, got '$edits'" >&2; exit 2; }
[[ "$torture" =~ ^[0-9]+$ ]] || { echo "config-reload.sh: --torture expects a number, got '$torture'" >&2; exit 2; }
[[ "$seed" =~ ^-?[0-9]+$ ]] || { echo "config-reload.sh: --seed expects a number, got '$seed'" >&2; exit 2; }

if [[ ! -x "$dist/bin/gatehouse" || ! -d "$dist/lib" || ! -f "$dist/etc/gatehouse.json" ]]; then
  echo "config-reload.sh: no distribution at $dist" >&2
  echo "  build it first:  (cd $repo && mvn -B -q -o -DskipTests package)" >&2
  exit 2
fi

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
command -v "$java" >/dev/null 2>&1 || { echo "config-reload.sh: java not found (set JAVA_HOME)" >&2; exit 2; }

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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
home="$tmp/home"
harness_pid=""

cleanup() {
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
    echo "config-reload.sh: kept $tmp (gateway logs in home/data/log, console output and CSV in home/data/bench)" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cp -a "$dist/." "$home/"
rm -rf "$home/data"

port=$(free_port) || { echo "config-reload.sh: found no free loopback port" >&2; exit 1; }
conf="$home/etc/gatehouse.json"
# gatehouse.json is JSON5; set the first "port:" (gateway.port) and check the result.
sed -i -E "0,/^([[:space:]]*\"?port\"?[[:space:]]*:[[:space:]]*)[0-9]+/s//\1$port/" "$conf"
grep -Eq "^[[:space:]]*\"?port\"?[[:space:]]*:[[:space:]]*$port\b" "$conf" ||
  { echo "config-reload.sh: could not set gateway.port in $conf" >&2; exit 1; }
grep -Eq '^[[:space:]]*"?bind"?[[:space:]]*:[[:space:]]*"(loopback|localhost|127\.0\.0\.1)"' "$conf" ||
  { echo "config-reload.sh: $conf does not bind to loopback; refusing to benchmark" >&2; exit 1; }

echo "config-reload.sh: distribution $dist"
echo "config-reload.sh: temp home $home, gateway port 127.0.0.1:$port"

# In the background, so a signal reaches the trap at once (bash defers traps while a foreground child runs).
"$java" "$repo/bench/ConfigReloadBench.java" --home "$home" --edits "$edits" --torture "$torture" --seed "$seed" \
  ${harness_args[@]+"${harness_args[@]}"} </dev/null &
harness_pid=$!
set +e
wait "$harness_pid"
status=$?
set -e
harness_pid=""
exit "$status"
