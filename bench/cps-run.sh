#!/usr/bin/env bash
# One calls-per-second run on a fresh gateway, as the 2026-12-02 session-21 figures of bench/README.md were taken:
# starts JAR with CONFIG in a fresh working directory (-Xms4g -Xmx4g -XX:+AlwaysPreTouch -XX:MaxTenuringThreshold=2, as docker/Dockerfile), waits until it listens,
# warms the JIT (60 s at 500 cps, 30 s at 2,000), measures 30 s at each RATE with bench/cps.sh (default 2500 3000
# 3250), samples the CPU of each thread (bench/threads.sh, 15 s) 10 s into the first rate, and stops the gateway.
# Lines are prefixed with LABEL.
#
#   bench/cps-run.sh [--sip-port P] [--carrier-port P] [--seconds N] [--rtcp-mux] JAR CONFIG LABEL [RATE...]
#
# --seconds: how long each rate is offered (default 30; the issue's target is over 60). At the end the bench
# account's balance is checked against the call records (bench/money-check.sh, the admin API on --http, default
# 127.0.0.1:18100), after up to 90 s more for late calls' reservations to settle.
#
# The ports must be those of CONFIG (defaults 17060 and 17080: bench/gateway-bench.yaml with SIP on 17060, HTTP
# on 18100 and the trunk on 17080, see bench/README.md). Runs under flock /tmp/bench.lock when called so.
# CPS_JAVA_OPTS adds JVM options (e.g. -Xlog:gc:file=gc.log, written to the run's directory). --rtcp-mux: the
# client offers a=rtcp-mux (bench/cps.sh --rtcp-mux).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sip_port=17060
carrier_port=17080
seconds=30
http=127.0.0.1:18100
mux=()
while (($#)); do
    case $1 in
        --sip-port) sip_port=$2; shift 2 ;;
        --carrier-port) carrier_port=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --http) http=$2; shift 2 ;;
        --rtcp-mux) mux=(--rtcp-mux); shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
(($# >= 3)) || { echo "usage: $0 [--sip-port P] [--carrier-port P] [--seconds N] JAR CONFIG LABEL [RATE...]" >&2; exit 2; }
jar=$(realpath "$1") config=$(realpath "$2") label=$3
shift 3
rates=("$@")
((${#rates[@]})) || rates=(2500 3000 3250)

if ss -Hlun "sport = :$sip_port" | grep -q .; then
    echo "UDP $sip_port is taken: stop the gateway that holds it first" >&2
    exit 1
fi
work=$(mktemp -d /tmp/cps-run.XXXXXX)
cd "$work"
java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -XX:MaxTenuringThreshold=2 ${CPS_JAVA_OPTS:-} -jar "$jar" --config "$config" > gateway.log 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    ss -Hlun "sport = :$sip_port" | grep -q . && break
    kill -0 "$pid" 2>/dev/null || { echo "the gateway exited: see $work/gateway.log" >&2; exit 1; }
    sleep 1
done
ss -Hlun "sport = :$sip_port" | grep -q . || { echo "the gateway does not listen on UDP $sip_port after 60 s" >&2; exit 1; }

cd "$root"
cps=(bench/cps.sh "${mux[@]}" --gateway "127.0.0.1:$sip_port" --carrier-port "$carrier_port" --gateway-pid "$pid" --account bench --seconds)
"${cps[@]}" 60 500 > "$work/warmup-500.txt" 2>&1
"${cps[@]}" 30 2000 > "$work/warmup-2000.txt" 2>&1
(sleep 10; bench/threads.sh "$pid" 15 > "$work/threads.txt" 2>&1) &
sampler=$!
"${cps[@]}" "$seconds" --sweep "${rates[@]}" 2>&1 | tee "$work/rates.txt" | grep -E '^ +([0-9]|failed:)' | sed "s/^/$label /"
wait "$sampler" || true
head -n 8 "$work/threads.txt" | sed "s/^/$label /"
sleep 10 # the last calls end and settle
bench/money-check.sh --http "$http" --wait 90 "$work/var/cdr/bench-calls.jsonl" 2>&1 | sed "s/^/$label money: /" || true
echo "$label logs: $work"
