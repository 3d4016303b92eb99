#!/usr/bin/env bash
# JMH benchmark of route resolution (gatehouse-routing): 10, 1,000 and 100,000 bindings, with and
# without the route cache, and the cost of building the binding index. See docs/benchmarks.md.
#
#   bench/routing-jmh.sh [JMH_OPTIONS...]
#
# Builds bench/jmh (only part of the build with -Pbench) and the bundles it needs, then runs
#   java -jar bench/jmh/target/routing-benchmarks.jar -wi 2 -w 2s -i 3 -r 1s -f 1 [JMH_OPTIONS...]
# Options given here come after the defaults, so they override them, e.g.
#   bench/routing-jmh.sh -p bindings=100000        one size only
#   bench/routing-jmh.sh -wi 5 -i 10 -f 2          longer, steadier runs
#   bench/routing-jmh.sh RoutingBenchmark          resolution only (a benchmark name regex)
# Maven runs offline first and goes online only when something (JMH) must be downloaded.
# JAVA_HOME or PATH selects Java 17+.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
jar="$repo/bench/jmh/target/routing-benchmarks.jar"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
command -v "$java" >/dev/null 2>&1 || { echo "routing-jmh.sh: java not found (set JAVA_HOME)" >&2; exit 2; }
command -v mvn >/dev/null 2>&1 || { echo "routing-jmh.sh: mvn not found" >&2; exit 2; }

echo "routing-jmh.sh: building bench/jmh (mvn -Pbench -pl bench/jmh -am -DskipTests package)"
build=(mvn -B -q -Pbench -f "$repo/pom.xml" -pl bench/jmh -am -DskipTests package)
if ! "${build[@]}" -o >/dev/null 2>&1; then
  echo "routing-jmh.sh: offline build failed; retrying online (JMH from Maven Central)"
  "${build[@]}"
fi
[[ -f "$jar" ]] || { echo "routing-jmh.sh: $jar was not built" >&2; exit 1; }

echo "routing-jmh.sh: $(nproc 2>/dev/null || echo '?') CPUs, $("$java" -version 2>&1 | head -1)"
echo "routing-jmh.sh: java -jar ${jar#"$repo"/} -wi 2 -w 2s -i 3 -r 1s -f 1 $*"
exec "$java" -jar "$jar" -wi 2 -w 2s -i 3 -r 1s -f 1 "$@"
