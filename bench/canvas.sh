#!/usr/bin/env bash
# Canvas live-reload benchmark of the Gatehouse distribution: a file save to the open page (headless
# Chromium) showing the new content, measured in the page, p50/p90/p99 over N saves made in place and
# N made by temp file + rename. See docs/benchmarks.md.
#
#   bench/canvas.sh [-n|--saves N] [-r|--runs R] [--keep]
#
#   -n, --saves N   saves per write style and run (default 50)
#   -r, --runs R    browser runs per write style (default 1)
#   --settle-ms MS  the canvas settle time (gatehouse.canvas settleMs, default 15) through a deploy/*.cfg file;
#                   --settle-ms 150 gives the reference's 75 ms + 75 ms, as a control measured the same way
#   --keep          keep the temp home (logs, console output, browser output) instead of deleting it
#
# Needs the distribution (mvn -B -q -o -DskipTests package), Node.js, the system Chromium
# (/usr/bin/chromium, or GATEHOUSE_CHROMIUM) and the distribution tests' node clients installed in
# itests/distribution/target/node (mvn -B -q -o -pl itests/distribution -am verify -DskipTests installs them
# with npm ci when npm is there). The distribution is copied to a temp home with a free loopback port; on
# exit the gateway is stopped and the temp home deleted. JAVA_HOME or PATH selects Java 17+.
set -euo pipefail

script=canvas.sh
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
saves=50
runs=1
settle=""
keep=0
kept_note="gateway logs in home/data/log, console and browser output in home/data/bench"

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    -n|--saves) saves="${2:?$1 needs a number}"; shift 2 ;;
    --saves=*) saves="${1#*=}"; shift ;;
    -r|--runs) runs="${2:?$1 needs a number}"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --settle-ms) settle="${2:?$1 needs a number}"; shift 2 ;;
    --settle-ms=*) settle="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "canvas.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$saves" =~ ^[1-9][0-9]*$ ]] || { echo "canvas.sh: --saves expects a positive number, got '$saves'" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "canvas.sh: --runs expects a positive number, got '$runs'" >&2; exit 2; }
[[ -z "$settle" || "$settle" =~ ^[1-9][0-9]*$ ]] || { echo "canvas.sh: --settle-ms expects a positive number, got '$settle'" >&2; exit 2; }

bench_check_setup
clients="$repo/itests/distribution/target/node"
command -v node >/dev/null 2>&1 || { echo "canvas.sh: node not found: the benchmark drives Chromium with playwright-core" >&2; exit 2; }
[[ -d "$clients/node_modules/playwright-core" ]] || {
  echo "canvas.sh: playwright-core is not installed in $clients" >&2
  echo "  install it:  (cd $repo && mvn -B -q -o -pl itests/distribution -am verify -DskipTests)" >&2
  exit 2
}
chromium="${GATEHOUSE_CHROMIUM:-/usr/bin/chromium}"
[[ -x "$chromium" ]] || { echo "canvas.sh: no Chromium at $chromium (apt-get install chromium, or set GATEHOUSE_CHROMIUM)" >&2; exit 2; }

bench_make_home
# The browser script from the sources, beside the installed packages (ES modules find node_modules upwards).
mkdir -p "$tmp/node"
cp "$repo/itests/distribution/src/test/node/canvas-browser.mjs" "$tmp/node/"
ln -s "$clients/node_modules" "$tmp/node/node_modules"

settle_args=()
if [[ -n "$settle" ]]; then
  # Felix FileInstall hands deploy/*.cfg to Config Admin (PID gatehouse.canvas)
  printf 'settleMs=%s\n' "$settle" > "$home/deploy/gatehouse.canvas.cfg"
  settle_args=(--settle-ms "$settle")
fi
bench_run CanvasBench --home "$home" --node "$tmp/node" --saves "$saves" --runs "$runs" ${settle_args[@]+"${settle_args[@]}"}
