#!/usr/bin/env bash
# Skills benchmark of the Gatehouse distribution: SKILL.md save -> visible in skills:list and -> change
# event delivered (p50/p99 over N edits), and the load of R roots x K skills (config change, skills:reload,
# start). See docs/benchmarks.md.
#
#   bench/skills.sh [-n|--edits N] [--keep] [-- HARNESS_OPTIONS...]
#
#   -n, --edits N      SKILL.md saves measured (default 100)
#   --keep             keep the temp home (logs, console output) instead of deleting it
#   -- ...             passed to the harness bench/SkillsBench.java, e.g. -- --roots 100 --per-root 10 --debounce-ms 250
#
# Compiles only the harness (into the temp dir); it benchmarks runtime/target/gatehouse as built by
#   mvn -B -q -o -DskipTests package
# The distribution is copied to a temp home (mktemp -d) with a free loopback port, so a gateway already
# running elsewhere is not disturbed. On exit (normal, error or signal) the gateway is stopped and the
# temp home deleted. JAVA_HOME or PATH selects Java 17+. Exit status 1 when an edit was missed, announced
# by more than one event, or the skills did not all load.
set -euo pipefail

script=skills.sh
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
edits=100
keep=0
harness_args=()
kept_note="gateway logs in home/data/log, console output in home/data/bench"

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    -n|--edits) edits="${2:?$1 needs a number}"; shift 2 ;;
    --edits=*) edits="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; harness_args=("$@"); break ;;
    *) echo "skills.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$edits" =~ ^[1-9][0-9]*$ ]] || { echo "skills.sh: --edits expects a positive number, got '$edits'" >&2; exit 2; }

bench_check_setup
bench_make_home
bench_run SkillsBench --home "$home" --edits "$edits" ${harness_args[@]+"${harness_args[@]}"}
