#!/usr/bin/env bash
# Memory benchmark (issue 14): the gatehouse-memory component in process on generated 4 KB Markdown
# files (bench/memory/MemoryBench.java), then the gateway's RSS with the local model loaded (the
# distribution in runtime/target/gatehouse). See docs/benchmarks.md.
#
#   bench/memory.sh [--small N] [--large N] [--chunk-files N] [--search-tokens N] [--embed-chunks N] [--searches N] [--only P] [--vocab V] [--no-rss] [--keep]
#
#   --small N          files of the first keyword index (default 1000)
#   --large N          files of the second keyword index and of the rebuild (default 10000)
#   --chunk-files N    files of the search index (default 10000)
#   --search-tokens N  chunk size of the search index (default 180: ~100,000 chunks from 10,000 files)
#   --embed-chunks N   chunks embedded by the local model for its throughput (default 300)
#   --searches N       searches per kind (default 1000)
#   --only PHASES      comma-separated subset of index,embed,search,rebuild (default all)
#   --vocab V          uniform (default: 100 words, each in most chunks, the worst case for BM25) or zipf
#                      (Zipf over 20,100 words; queries of two content words)
#   --no-rss           skip the distribution's RSS
#   --keep             keep the temp dir (generated files, indexes)
#
# Needs the module compiled and the distribution built:  mvn -B -q -o -DskipTests package
# Everything runs on this machine; the temp dir (mktemp -d) is deleted on exit unless --keep.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
args=()
rss=1
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --small|--large|--chunk-files|--search-tokens|--embed-chunks|--searches|--only|--vocab) args+=("$1" "${2:?$1 needs a number}"); shift 2 ;;
    --no-rss) rss=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "memory.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

tmp=$(mktemp -d)
home=""
cleanup() {
  if [[ -n "$home" && -x "$home/bin/gatehouse" ]]; then "$home/bin/gatehouse" --home "$home" stop >/dev/null 2>&1 || true; fi
  if [[ $keep == 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM

cd "$repo"
# the module's test class path (Lucene, ONNX Runtime, the model jar, the watcher, the fake config service)
mvn -B -q -o -pl bundles/gatehouse-memory -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$tmp/cp.txt" >/dev/null
cp="$repo/bundles/gatehouse-memory/target/classes:$(cat "$tmp/cp.txt")"
mkdir -p "$tmp/classes"
javac -d "$tmp/classes" -cp "$cp" bench/memory/MemoryBench.java
echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx2g -cp "$tmp/classes:$cp" -Dlogback.configurationFile=${MEMORY_BENCH_LOGBACK:-/dev/null} io.gatehouse.memory.MemoryBench --dir "$tmp/run" "${args[@]}" \
  2> >(grep -v -e DEBUG -e '^SLF4J' >&2)

if [[ $rss == 1 ]]; then
  dist="$repo/runtime/target/gatehouse"
  [[ -x "$dist/bin/gatehouse" ]] || { echo "memory.sh: no distribution at $dist (mvn -B -q -o -DskipTests package)" >&2; exit 2; }
  for provider in none local; do
    home="$tmp/home-$provider"
    cp -r "$dist" "$home"
    mkdir -p "$tmp/ws/memory"
    for i in $(seq 1 20); do printf '# Note %s\n\nThe nightly backup %s keeps fourteen copies in the cold bucket.\n' "$i" "$i" > "$tmp/ws/memory/n$i.md"; done
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    cat > "$home/etc/gatehouse.json" <<JSON
{ gateway: { bind: 'loopback', port: $port }, agents: { defaults: { workspace: '$tmp/ws' } }, memorySearch: { provider: '$provider' } }
JSON
    "$home/bin/gatehouse" --home "$home" start >/dev/null
    for i in $(seq 1 600); do
      s=$("$home/bin/gatehouse" --home "$home" shell memory:status --json 2>/dev/null || true)
      if [[ $provider == none ]] && grep -q '"files" : 20' <<<"$s"; then break; fi
      if [[ $provider == local ]] && grep -q '"state" : "ready"' <<<"$s" && grep -q '"pendingEmbeddings" : 0' <<<"$s" && grep -q '"files" : 20' <<<"$s"; then break; fi
      sleep 0.5
    done
    "$home/bin/gatehouse" --home "$home" shell memory:search the nightly backup >/dev/null
    sleep 3 # idle before reading RSS (not a wait for an effect)
    pid=$(cat "$home/data/run/gatehouse.pid")
    echo "RSS provider=$provider: $(grep -E 'VmRSS|VmHWM' /proc/"$pid"/status | tr -s ' ' | tr '\n' ' ')"
    "$home/bin/gatehouse" --home "$home" stop >/dev/null
    home=""
  done
fi
