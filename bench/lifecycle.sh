#!/usr/bin/env bash
# Lifecycle benchmark of the Gatehouse distribution: cold start, framework restart, idle RSS and
# refused connections during restarts. See docs/benchmarks.md.
#
#   bench/lifecycle.sh [-c|--cold N] [-r|--restarts M] [--keep] [-- HARNESS_OPTIONS...]
#
#   -c, --cold N       cold starts to time (default 5)
#   -r, --restarts M   framework restarts to time (default 20)
#   --keep             keep the temp home (logs, console output) instead of deleting it
#   -- ...             passed to the harness bench/LifecycleBench.java, e.g. -- --via cli --settle-ms 5000
#
# Compiles only the harness (into the temp dir); it benchmarks runtime/target/gatehouse as built by
#   mvn -B -q -o -DskipTests package
# The distribution is copied to a temp home (mktemp -d) whose etc/gatehouse.json gets a free
# loopback port, so a gateway already running elsewhere is not disturbed. On exit (normal, error
# or signal) the gateway is stopped and the temp home deleted. JAVA_HOME or PATH selects Java 17+.
set -euo pipefail

script=lifecycle.sh
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cold=5
restarts=20
keep=0
harness_args=()
kept_note="gateway logs in home/data/log, console output in home/data/bench"

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--cold) cold="${2:?$1 needs a number}"; shift 2 ;;
    --cold=*) cold="${1#*=}"; shift ;;
    -r|--restarts) restarts="${2:?$1 needs a number}"; shift 2 ;;
    --restarts=*) restarts="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; harness_args=("$@"); break ;;
    *) echo "lifecycle.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$cold" =~ ^[1-9][0-9]*$ ]] || { echo "lifecycle.sh: --cold expects a positive number, got '$cold'" >&2; exit 2; }
[[ "$restarts" =~ ^[1-9][0-9]*$ ]] || { echo "lifecycle.sh: --restarts expects a positive number, got '$restarts'" >&2; exit 2; }

bench_check_setup
bench_make_home
bench_run LifecycleBench --home "$home" --cold "$cold" --restarts "$restarts" ${harness_args[@]+"${harness_args[@]}"}
