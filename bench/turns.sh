#!/usr/bin/env bash
# Concurrent conversations with real model latency: N users write at the same time through the openai
# channel to an agent whose model (the benchmark's own OpenAI-compatible mock server) answers after a
# delay, plain or streamed. Time to the last answer, the gateway's overhead p50/p99, threads and RSS.
# See docs/benchmarks.md.
#
--conversations LIST] [--delay-ms MS] [--modes LIST] [--keep]|--conversations LIST] [--delay-ms MS] [--modes LIST] [--keep] [-- HARNESS_OPTIONS...]
#
#   -n, --conversations LIST   concurrent conversations per phase (default 100,1000,5000)
#   --delay-ms MS              the model's delay (default 2000)
#   --modes LIST               plain and/or stream (default plain,stream)
#   --floor                    run bench/floor/FloorProxy.java instead of the gateway: Jetty in, the JDK HttpClient
#                              out, nothing else (plain only): the least any gateway on this stack needs
#   --keep                     keep the temp home (logs, transcripts, console output) instead of deleting it
#   -- ...                     passed to the harness bench/TurnsBench.java, e.g. -- --pieces 20
#
# Benchmarks runtime/target/gatehouse as built by  mvn -B -q -o -DskipTests package  (it builds
# nothing). The distribution is copied to a temp home with a free loopback port and session.dmScope
# "per-channel-peer" (each conversation its own session); the harness adds the mock model provider.
set -euo pipefail

script=turns.sh
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
sizes="100,1000,5000"
delay=2000
modes="plain,stream"
keep=0
harness_args=()
kept_note="gateway logs in home/data/log, transcripts in home/data/agents, console output in home/data/bench"

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    -n|--conversations) sizes="${2:?$1 needs a list}"; shift 2 ;;
    --delay-ms) delay="${2:?$1 needs a number}"; shift 2 ;;
    --modes) modes="${2:?$1 needs a list}"; shift 2 ;;
    --keep) keep=1; shift ;;
    --floor) harness_args+=(--floor "$repo/bench/floor/floor.sh"); shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; harness_args+=("$@"); break ;;
    *) echo "turns.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$sizes" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "turns.sh: --conversations expects e.g. 100,1000, got '$sizes'" >&2; exit 2; }
[[ "$delay" =~ ^[0-9]+$ ]] || { echo "turns.sh: --delay-ms expects a number, got '$delay'" >&2; exit 2; }

bench_check_setup
bench_make_home

sed -i -E '0,/^\{[[:space:]]*$/s//{\n  session: { dmScope: "per-channel-peer" },/' "$conf"
grep -Eq '^[[:space:]]*session: \{ dmScope: "per-channel-peer" \},' "$conf" ||
  { echo "$script: could not set session.dmScope in $conf" >&2; exit 1; }

bench_run TurnsBench --home "$home" --conversations "$sizes" --delay-ms "$delay" --modes "$modes" \
  ${harness_args[@]+"${harness_args[@]}"}
