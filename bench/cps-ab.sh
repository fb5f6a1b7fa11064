#!/usr/bin/env bash
# A/B calls-per-second comparison of two gateway builds in one run, on the same machine and harness:
# each jar is started with bench/gateway-bench.yaml in a fresh working directory (its own journal and
# call records), warmed up, measured with bench/cps.sh, and stopped; the rounds alternate A, B, A, B
# so that a slow spell of the machine hurts both alike. See bench/README.md.
#
#   bench/cps-ab.sh [options] JAR_A JAR_B RATE...
#
# Options:
#   --rounds N     A/B rounds (default 2)
#   --seconds N    placing time of each measured rate (default 15)
#   --warmup RATE  JIT warm-up at RATE before measuring (default 500)
#   --warmup-seconds N  how long (default 60: C2 needs about 40 s of CPU on 2 cores; 10 s leaves the first
#                  measured rate inside the cold start, see bench/README.md)
#   --jvm-a OPTS   JVM options of A (default "-Xms4g -Xmx4g -XX:MaxTenuringThreshold=2", as docker/Dockerfile); --jvm-b OPTS likewise for B, e.g. the same
#                  jar twice with --jvm-b "-Xms4g -Xmx4g -XX:+UseZGC" compares garbage collectors
#   --config FILE  gateway configuration (default bench/gateway-bench.yaml); with other ports than the
#                  default, pass the same ones to the options below
#   --gateway H:P, --carrier-port P, --client-port P, --sipp-media H:P   passed to bench/cps.sh
#
# Example (before/after a change):
#   git stash; mvn -B -q -DskipTests package; cp gateway/target/gateway.jar /tmp/before.jar; git stash pop
#   mvn -B -q -DskipTests package
#   bench/cps-ab.sh /tmp/before.jar gateway/target/gateway.jar 1000 1500 2000
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=2
seconds=15
warmup=500
warmup_seconds=60
jvm_a="-Xms4g -Xmx4g -XX:MaxTenuringThreshold=2"
jvm_b="-Xms4g -Xmx4g -XX:MaxTenuringThreshold=2"
config=$root/bench/gateway-bench.yaml
gateway=127.0.0.1:5060
cps_opts=()
while (($#)); do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --warmup-seconds) warmup_seconds=$2; shift 2 ;;
        --jvm-a) jvm_a=$2; shift 2 ;;
        --jvm-b) jvm_b=$2; shift 2 ;;
        --config) config=$(realpath "$2"); shift 2 ;;
        --gateway) gateway=$2; cps_opts+=("$1" "$2"); shift 2 ;;
        --carrier-port|--client-port|--sipp-media) cps_opts+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
(($# >= 3)) || { echo "usage: $0 [options] JAR_A JAR_B RATE..." >&2; exit 2; }
jar_a=$(realpath "$1")
jar_b=$(realpath "$2")
shift 2
rates=("$@")
for jar in "$jar_a" "$jar_b"; do
    [[ -f $jar ]] || { echo "no such jar: $jar" >&2; exit 2; }
done
# shellcheck source=gateway-process.sh
source "$root/bench/gateway-process.sh"
sip_port=${gateway##*:}
require_free_sip_port

# Runs one jar: start, wait for SIP and HTTP, warm up, measure every rate, stop.
measure() {
    local label=$1 jar=$2 jvm=$3 dir
    dir=$(mktemp -d /tmp/cps-ab.XXXXXX)
    start_gateway "$label" "$dir" "$jar" "$config" "$jvm"
    "$root/bench/cps.sh" "${cps_opts[@]}" --account bench --seconds "$warmup_seconds" --gateway-pid "$gateway_pid" "$warmup" > "$dir/warmup.txt"
    echo "== $label: $jar, $jvm (logs in $dir)"
    "$root/bench/cps.sh" "${cps_opts[@]}" --account bench --seconds "$seconds" --gateway-pid "$gateway_pid" --sweep "${rates[@]}" \
        | grep -v '^logs:'
    stop_gateway
}

for round in $(seq 1 "$rounds"); do
    echo "#### round $round of $rounds"
    measure A "$jar_a" "$jvm_a"
    measure B "$jar_b" "$jvm_b"
done
