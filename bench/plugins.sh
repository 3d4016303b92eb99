#!/usr/bin/env bash
# Plugin management benchmark of the Gatehouse distribution: command -> new plugin set active for
# plugins:install/uninstall (staged, framework restart) and plugins:enable/disable (in process),
# and what a client connecting in a tight loop meanwhile waits. See docs/benchmarks.md.
#
#   bench/plugins.sh [-n|--rounds N] [--jar PATH] [--keep] [-- HARNESS_OPTIONS...]
#
#   -n, --rounds N     install+uninstall rounds, then disable+enable rounds (default 10)
#   --jar PATH         the example plugin (default: examples/gatehouse-example-plugin/target/
#                      gatehouse-example-plugin-0.1.0-SNAPSHOT.jar, built with the reactor)
#   --keep             keep the temp home (logs, console output) instead of deleting it
#   -- ...             passed to the harness bench/PluginsBench.java, e.g. -- --poll-ms 5 --idle-ms 5000
#
# Compiles only the harness (into the temp dir); it benchmarks runtime/target/gatehouse as built by
#   mvn -B -q -o -DskipTests install
# The distribution is copied to a temp home (mktemp -d) whose etc/gatehouse.json gets a free
# loopback port and an agent bound to the plugin's model provider, so a gateway already running
# elsewhere is not disturbed. On exit (normal, error or signal) the gateway is stopped and the
# temp home deleted. JAVA_HOME or PATH selects Java 17+. Exit status 1 when a client connection was
# refused or failed, or enable/disable restarted the framework.
set -euo pipefail

script=plugins.sh
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
rounds=10
jar="$repo/examples/gatehouse-example-plugin/target/gatehouse-example-plugin-0.1.0-SNAPSHOT.jar"
keep=0
harness_args=()
kept_note="gateway logs in home/data/log, console output in home/data/bench"

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    -n|--rounds) rounds="${2:?$1 needs a number}"; shift 2 ;;
    --rounds=*) rounds="${1#*=}"; shift ;;
    --jar) jar="${2:?$1 needs a path}"; shift 2 ;;
    --jar=*) jar="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; harness_args=("$@"); break ;;
    *) echo "plugins.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "plugins.sh: --rounds expects a positive number, got '$rounds'" >&2; exit 2; }
if [[ ! -f "$jar" ]]; then
  echo "plugins.sh: no plugin jar at $jar" >&2
  echo "  build it first:  (cd $repo && mvn -B -q -o -DskipTests install)" >&2
  exit 2
fi
jar=$(cd "$(dirname "$jar")" && pwd -P)/$(basename "$jar")

bench_check_setup
bench_make_home
bench_run PluginsBench --home "$home" --jar "$jar" --rounds "$rounds" ${harness_args[@]+"${harness_args[@]}"}
