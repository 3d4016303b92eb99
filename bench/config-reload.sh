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
#   -- ...             passed to the harness bench/ConfigReloadBench.java, e.g. -- --max-pad 20000 --no-leading-comments
#
# Compiles only the harness (into the temp dir); it benchmarks runtime/target/gatehouse as built by
#   mvn -B -q -o -DskipTests package
# The distribution is copied to a temp home (mktemp -d) whose etc/gatehouse.json gets a free
# loopback port, so a gateway already running elsewhere is not disturbed. On exit (normal, error
# or signal) the gateway is stopped and the temp home deleted. JAVA_HOME or PATH selects Java 17+.
# While the gateway applies an empty config from a torn read (see docs/benchmarks.md), a framework
# restart can move its socket to the default 127.0.0.1:18789 for a while (it keeps its own port
# when 18789 is taken); all traffic stays on loopback.
set -euo pipefail

script=config-reload.sh
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
edits=200
torture=1000
seed=42
keep=0
harness_args=()
kept_note="gateway logs in home/data/log, console output and CSV in home/data/bench"

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

bench_check_setup
bench_make_home
bench_run ConfigReloadBench --home "$home" --edits "$edits" --torture "$torture" --seed "$seed" \
  ${harness_args[@]+"${harness_args[@]}"}
