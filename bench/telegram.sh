#!/usr/bin/env bash
# Telegram channel benchmark of the Gatehouse distribution: messages/s and p50/p99 latency from an update
# being available at the Bot API to the reply being sent, with the echo agent, through the Bot API
# emulator (npm telegram-test-api behind itests/distribution/src/test/node/telegram-shim.cjs) on loopback;
# and what a channel restart (channels:restart telegram) adds to latency. See docs/benchmarks.md.
#
#   bench/telegram.sh [-u|--users N] [-d|--duration S] [-w|--warmup S] [-r|--rates LIST] [--restarts K] [--keep]
#
#   -u, --users N      concurrent users (own chats, own sessions) at saturation (default 32)
#   -d, --duration S   measured seconds of every phase (default 15)
#   -w, --warmup S     unrecorded warm-up seconds before saturation (default 3)
#   -r, --rates LIST   fixed rates, msg/s or N% of the measured saturation (default 50,100,50%)
#   --restarts K       channel restarts under a 20 msg/s stream (default 5; 0: none)
#   --keep             keep the temp home (logs, console output) instead of deleting it
#
# Benchmarks runtime/target/gatehouse as built by  mvn -B -q -o -DskipTests package  (it builds nothing).
# The emulator comes from itests/distribution/target/node when the distribution tests installed it there,
# else it is installed (npm ci, from the lock file) into the temp dir. Needs node and npm. On exit the
# gateway and the emulator are stopped and the temp home deleted. JAVA_HOME or PATH selects Java 17+.
set -euo pipefail

script=telegram.sh
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
users=32
duration=15
warmup=3
rates="50,100,50%"
restarts=5
keep=0
kept_note="gateway logs in home/data/log, console output in home/data/bench"

usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    -u|--users) users="${2:?$1 needs a number}"; shift 2 ;;
    -d|--duration) duration="${2:?$1 needs a number}"; shift 2 ;;
    -w|--warmup) warmup="${2:?$1 needs a number}"; shift 2 ;;
    -r|--rates) rates="${2?$1 needs a list}"; shift 2 ;;
    --restarts) restarts="${2:?$1 needs a number}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "telegram.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$users" =~ ^[1-9][0-9]*$ ]] || { echo "telegram.sh: --users expects a positive number, got '$users'" >&2; exit 2; }
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "telegram.sh: --duration expects a positive number of seconds, got '$duration'" >&2; exit 2; }
[[ "$warmup" =~ ^[0-9]+$ ]] || { echo "telegram.sh: --warmup expects a number of seconds, got '$warmup'" >&2; exit 2; }
[[ "$restarts" =~ ^[0-9]+$ ]] || { echo "telegram.sh: --restarts expects a number, got '$restarts'" >&2; exit 2; }
[[ -z "$rates" || "$rates" =~ ^[0-9.]+%?(,[0-9.]+%?)*$ ]] || { echo "telegram.sh: --rates expects e.g. 50,100,50%, got '$rates'" >&2; exit 2; }
command -v node >/dev/null 2>&1 || { echo "telegram.sh: node not found (the emulator runs on Node.js)" >&2; exit 2; }

bench_check_setup
bench_make_home

node_dir="$repo/itests/distribution/target/node"
if [[ ! -d "$node_dir/node_modules/telegram-test-api" ]]; then
  command -v npm >/dev/null 2>&1 || { echo "telegram.sh: npm not found (to install the emulator)" >&2; exit 2; }
  node_dir="$tmp/node"
  mkdir -p "$node_dir"
  cp "$repo"/itests/distribution/src/test/node/package*.json "$node_dir/"
  echo "$script: installing the emulator (npm ci) into $node_dir"
  (cd "$node_dir" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi
cp "$repo/itests/distribution/src/test/node/telegram-shim.cjs" "$node_dir/"

bench_run TelegramBench --home "$home" --node "$node_dir" --users "$users" --duration-s "$duration" --warmup-s "$warmup" \
  --rates "$rates" --restarts "$restarts"
