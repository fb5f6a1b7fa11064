#!/usr/bin/env bash
# Heap per concurrent call of two gateway builds, one after the other on the same harness: each jar is
# started with the configuration in a fresh working directory, measured with bench/concurrency.sh at
# every N, and stopped. See bench/README.md.
#
#   bench/concurrency-ab.sh [options] JAR_A JAR_B N...
#
# Options:
#   --config FILE  gateway configuration (default bench/gateway-bench.yaml)
#   --jvm OPTS     JVM options of both (default "-Xms4g -Xmx4g -XX:MaxTenuringThreshold=2", as docker/Dockerfile)
#   --gateway H:P, --http H:P, --carrier-port P, --client-port P, --sipp-media H:P, --rate R,
#   --settle S, --warmup N   passed to bench/concurrency.sh (the first three must match the configuration)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
config=$root/bench/gateway-bench.yaml
jvm="-Xms4g -Xmx4g -XX:MaxTenuringThreshold=2"
gateway=127.0.0.1:5060
opts=()
while (($#)); do
    case $1 in
        --config) config=$(realpath "$2"); shift 2 ;;
        --jvm) jvm=$2; shift 2 ;;
        --gateway) gateway=$2; opts+=("$1" "$2"); shift 2 ;;
        --http|--carrier-port|--client-port|--sipp-media|--rate|--settle|--warmup) opts+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
(($# >= 3)) || { echo "usage: $0 [options] JAR_A JAR_B N..." >&2; exit 2; }
jar_a=$(realpath "$1")
jar_b=$(realpath "$2")
shift 2
counts=("$@")
# shellcheck source=gateway-process.sh
source "$root/bench/gateway-process.sh"
sip_port=${gateway##*:}
require_free_sip_port

for run in "A $jar_a" "B $jar_b"; do
    label=${run%% *}
    jar=${run#* }
    dir=$(mktemp -d /tmp/concurrency-ab.XXXXXX)
    start_gateway "$label" "$dir" "$jar" "$config" "$jvm"
    echo "== $label: $jar, $jvm (gateway log in $dir)"
    "$root/bench/concurrency.sh" "${opts[@]}" --gateway-pid "$gateway_pid" "${counts[@]}"
    stop_gateway
done
