#!/usr/bin/env bash
# End-to-end message benchmark of the Gatehouse distribution: messages/s and p50/p99 latency
# through the openai channel (POST /v1/chat/completions) with the echo agent, on loopback; at
# saturation (closed loop, own session per client, one shared session, streaming) and at fixed
# rates (open loop). See docs/benchmarks.md.
#
#   bench/e2e.sh [-c|--clients N] [-d|--duration S] [-w|--warmup S] [-r|--rates LIST] [--floor] [--keep] [-- HARNESS_OPTIONS...]
#
#   -c, --clients N    concurrent clients = connections (default 64)
#   -d, --duration S   measured seconds of every phase (default 15)
#   -w, --warmup S     unrecorded warm-up seconds before every phase (default 3)
#   -r, --rates LIST   fixed rates, msg/s or N% of the measured saturation (default 200,500,1000,50%,75%)
#   --floor            run bench/floor/FloorProxy.java (echo) instead of the gateway: Jetty and a fixed echo, nothing
#                      else; use with  -- --no-shared --no-stream  (the least any gateway on Jetty needs)
#   --keep             keep the temp home (logs, transcripts, console output) instead of deleting it
#   -- ...             passed to the harness bench/E2eBench.java, e.g. -- --no-shared --no-stream
#
# Benchmarks runtime/target/gatehouse as built by  mvn -B -q -o -DskipTests package  (it builds
# nothing). The distribution is copied to a temp home with a free loopback port and
# session.dmScope "per-channel-peer" (each client's peer gets its own session); on exit the gateway
# is stopped and the temp home deleted. JAVA_HOME or PATH selects Java 17+.
set -euo pipefail

script=e2e.sh
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
clients=64
duration=15
warmup=3
rates="200,500,1000,50%,75%"
keep=0
harness_args=()
kept_note="gateway logs in home/data/log, transcripts in home/data/agents, console output in home/data/bench"

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--clients) clients="${2:?$1 needs a number}"; shift 2 ;;
    --clients=*) clients="${1#*=}"; shift ;;
    -d|--duration) duration="${2:?$1 needs a number}"; shift 2 ;;
    --duration=*) duration="${1#*=}"; shift ;;
    -w|--warmup) warmup="${2:?$1 needs a number}"; shift 2 ;;
    --warmup=*) warmup="${1#*=}"; shift ;;
    -r|--rates) rates="${2?$1 needs a list}"; shift 2 ;;
    --rates=*) rates="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    --floor) harness_args+=(--floor "$repo/bench/floor/floor.sh"); shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; harness_args+=("$@"); break ;;
    *) echo "e2e.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$clients" =~ ^[1-9][0-9]*$ ]] || { echo "e2e.sh: --clients expects a positive number, got '$clients'" >&2; exit 2; }
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "e2e.sh: --duration expects a positive number of seconds, got '$duration'" >&2; exit 2; }
[[ "$warmup" =~ ^[0-9]+$ ]] || { echo "e2e.sh: --warmup expects a number of seconds, got '$warmup'" >&2; exit 2; }
[[ -z "$rates" || "$rates" =~ ^[0-9.]+%?(,[0-9.]+%?)*$ ]] || { echo "e2e.sh: --rates expects e.g. 200,500,50%, got '$rates'" >&2; exit 2; }

bench_check_setup
bench_make_home

# Each client's peer gets its own session: dmScope "per-channel-peer" (the default "main" puts every
# direct message of an agent into one session, whose turns are serialised).
sed -i -E '0,/^\{[[:space:]]*$/s//{\n  session: { dmScope: "per-channel-peer" },/' "$conf"
grep -Eq '^[[:space:]]*session: \{ dmScope: "per-channel-peer" \},' "$conf" ||
  { echo "$script: could not set session.dmScope in $conf" >&2; exit 1; }
grep -Eq '^[[:space:]]*"?token"?[[:space:]]*:' "$conf" &&
  { echo "$script: $conf sets gateway.auth.token; the benchmark sends no token" >&2; exit 1; }

bench_run E2eBench --home "$home" --clients "$clients" --duration-s "$duration" --warmup-s "$warmup" --rates "$rates" \
  ${harness_args[@]+"${harness_args[@]}"}
