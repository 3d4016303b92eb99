#!/usr/bin/env bash
# Starts bench/floor/FloorProxy.java for a benchmark home with the JVM options of that home's bin/gatehouse run
# (taken from the script itself, so the floor runs as the gateway would).
#   floor.sh HOME MODEL_PORT [echo]
set -euo pipefail
home=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
# run_opts=( ... ) of bin/gatehouse, evaluated with this home
eval "$(sed -n '/^run_opts=(/,/)$/p' "$home/bin/gatehouse")"
[[ ${#run_opts[@]} -gt 3 ]] || { echo "floor.sh: no run_opts in $home/bin/gatehouse" >&2; exit 1; }
jetty=$(ls "$home"/system/org/apache/felix/org.apache.felix.http.jetty12/*/*.jar | head -1)
slf4j=$(ls "$home"/lib/slf4j-api-*.jar | head -1)
# shellcheck disable=SC2086
exec "$java" "${run_opts[@]}" ${JAVA_OPTS:-} -cp "$jetty:$slf4j" "$here/FloorProxy.java" "$@"
