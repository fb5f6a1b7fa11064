#!/usr/bin/env bash
# Heap per concurrent call: SIPp holds N long calls through the running gateway to a SIPp carrier, all
# on loopback; after two full GCs (jcmd GC.run) the gateway's used heap with the N calls up, less its used
# heap with none, divided by N. Saves jcmd GC.class_histogram at each N, up and settled. See bench/README.md.
#
#   bench/concurrency.sh [options] N...      one measurement per N, in turn
#
# Options:
#   --gateway H:P      where the gateway listens for SIP (default 127.0.0.1:5060)
#   --http H:P         its admin endpoint, for GET /metrics calls_active (default 127.0.0.1:8080)
#   --gateway-pid PID  the gateway's JVM (default: pgrep -f gateway.jar); jcmd must reach it
#   --carrier-port P   where the SIPp carrier listens; the gateway's trunk must point there (default 5080)
#   --rate R           new calls per second while ramping up (default 200)
#   --settle S         seconds to wait once N calls are up before the settled measurement, so that the
#                      set-up's completed transactions (kept 64*T1 = 32 s) are gone (default 35)
#   --warmup N         1-second calls placed first, 10 a second, so that class loading and caches are not
#                      counted (default 50)
#   --account A        caller account (default bench, credit for millions of calls)
#   --password P       its password (default <account>-demo)
#   --number N         dialled number (default +447400123456)
#   --client-port P    the SIPp client's SIP port (default: SIPp's own choice, the first free from 5060)
#   --sipp-media H:P   address and first port of the SIPp processes' media sockets (default 127.0.0.1:40000;
#                      the carrier takes P, the client P + 1000)
#   --rtcp-mux         the client offers a=rtcp-mux (RFC 5761): the relay holds 3 sockets a call instead of 4
#
# Each N: calls placed at --rate up to N at once (-l N, -m N), each held long enough for the
# measurement (-d), then hung up by SIPp; SIPp's -timeout bounds the whole run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scenarios=$root/sipp-scenarios/basic-call
gateway=127.0.0.1:5060
http=127.0.0.1:8080
gateway_pid=
carrier_port=5080
rate=200
settle=35
warmup=50
account=bench
password=
number=+447400123456
client_port=
sipp_media=127.0.0.1:40000
rtcp_mux=false
counts=()

while (($#)); do
    case $1 in
        --gateway) gateway=$2; shift 2 ;;
        --http) http=$2; shift 2 ;;
        --gateway-pid) gateway_pid=$2; shift 2 ;;
        --carrier-port) carrier_port=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --settle) settle=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --account) account=$2; shift 2 ;;
        --password) password=$2; shift 2 ;;
        --number) number=$2; shift 2 ;;
        --sipp-media) sipp_media=$2; shift 2 ;;
        --client-port) client_port=$2; shift 2 ;;
        --rtcp-mux) rtcp_mux=true; shift ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) counts+=("$1"); shift ;;
    esac
done
((${#counts[@]})) || { echo "usage: $0 [options] N..." >&2; exit 2; }
command -v sipp >/dev/null || { echo "sipp not installed: apt-get install sip-tester" >&2; exit 2; }
command -v jcmd >/dev/null || { echo "jcmd not found: a JDK's bin must be on PATH" >&2; exit 2; }

gateway_port=${gateway##*:}
media_ip=${sipp_media%:*}
media_port=${sipp_media##*:}
if ! ss -Hlun "sport = :$gateway_port" | grep -q .; then
    echo "nothing listens on UDP $gateway: start the gateway first (see bench/README.md)" >&2
    exit 1
fi
if ss -Hlun "sport = :$carrier_port" | grep -q .; then
    echo "UDP $carrier_port is taken: the SIPp carrier needs it (--carrier-port)" >&2
    exit 1
fi
[[ -n $gateway_pid ]] || gateway_pid=$(pgrep -f gateway.jar | head -n 1 || true)
[[ -n $gateway_pid ]] || { echo "no gateway process found: pass --gateway-pid" >&2; exit 1; }

# The calls_active gauge from the Prometheus page (calls between INVITE accepted and their end).
active() {
    curl -fsS --max-time 5 "http://$http/metrics" | awk '/^calls_active[ {]/ { v = $NF } END { printf "%d\n", v }'
}
# Used heap in KB after two full GCs (G1 runs System.gc() as a full, stop-the-world collection).
used_kb() {
    jcmd "$gateway_pid" GC.run > /dev/null
    jcmd "$gateway_pid" GC.run > /dev/null
    jcmd "$gateway_pid" GC.heap_info | awk '/ used / { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); print v; exit } }'
}
# Waits (at most $2 seconds) until calls_active is $1 or more, or has not grown for 10 s (calls that
# failed never come up); with "le", until it is at most $1.
wait_active() {
    local want=$1 limit=$2 mode=${3:-ge} now best=-1 still=0
    for ((i = 0; i < limit; i++)); do
        now=$(active || echo -1)
        if [[ $mode == ge ]] && ((now >= want)); then return 0; fi
        if [[ $mode == le ]] && ((now >= 0 && now <= want)); then return 0; fi
        if [[ $mode == ge ]]; then
            if ((now > best)); then best=$now; still=0; else still=$((still + 1)); fi
            ((best > 0 && still >= 10)) && return 1
        fi
        sleep 1
    done
    return 1
}

work=$(mktemp -d /tmp/concurrency.XXXXXX)
client_scenario=$scenarios/uac.xml
if $rtcp_mux; then
    client_scenario=$work/uac-rtcp-mux.xml
    "$root/bench/rtcp-mux-uac.sh" "$client_scenario"
fi
carrier_pid=
client_pid=
stop() {
    [[ -n $client_pid ]] && kill "$client_pid" 2>/dev/null || true
    [[ -n $carrier_pid ]] && kill "$carrier_pid" 2>/dev/null || true
}
trap stop EXIT

# Places $1 calls at $4 a second, each held $2 ms, at most $1 at once; logs to $work/$3.*
place() {
    local calls=$1 hold_ms=$2 name=$3 rate=$4 budget
    budget=$((calls / rate + hold_ms / 1000 + 60))
    sipp -sf "$scenarios/uas.xml" -i 127.0.0.1 -p "$carrier_port" -mi "$media_ip" -mp "$media_port" -t u1 \
        -m "$calls" -nostdin -timeout "${budget}s" -trace_err -error_file "$work/$name.carrier.err" \
        > "$work/$name.carrier.out" 2>&1 &
    carrier_pid=$!
    sleep 0.5
    sipp -sf "$client_scenario" -i 127.0.0.1 ${client_port:+-p "$client_port"} -mi "$media_ip" -mp $((media_port + 1000)) -t u1 \
        -s "$number" -set account "$account" -au "$account" -ap "${password:-$account-demo}" -d "$hold_ms" \
        -r "$rate" -rp 1000 -m "$calls" -l "$calls" \
        -nostdin -timeout "${budget}s" -timeout_error -trace_err -error_file "$work/$name.client.err" \
        "$gateway" > "$work/$name.client.out" 2>&1 &
    client_pid=$!
}
# Waits for both SIPp processes to end (their -timeout bounds it).
finish() {
    wait "$client_pid" 2>/dev/null || true
    client_pid=
    for _ in $(seq 1 20); do kill -0 "$carrier_pid" 2>/dev/null || break; sleep 0.5; done
    kill "$carrier_pid" 2>/dev/null || true
    wait "$carrier_pid" 2>/dev/null || true
    carrier_pid=
}
counter() { grep -E "^ *$1 " "$2" | tail -n 1 | awk -F'|' '{ gsub(/ /, "", $3); print $3 + 0 }'; }

if ((warmup > 0)); then
    echo "warm-up: $warmup calls of 1 s"
    place "$warmup" 1000 warmup 10
    finish
fi
wait_active 0 60 le || { echo "calls still active after the warm-up: $(active)" >&2; exit 1; }
echo "waiting ${settle}s for completed transactions to expire"
sleep "$settle"
base=$(used_kb)
echo "used heap with 0 calls: $base KB"
jcmd "$gateway_pid" GC.class_histogram > "$work/histogram-0.txt"

printf '%7s %7s %9s %12s %12s %14s %14s\n' N up answered used-KB settled-KB 'B/call(up)' 'B/call(settled)'
for n in "${counts[@]}"; do
    ramp=$(((n + rate - 1) / rate))
    hold_ms=$(((ramp + settle + 40) * 1000))     # the first call must outlive the measurement of the last
    place "$n" "$hold_ms" "n$n" "$rate"
    up=ok
    wait_active "$n" $((ramp + 30)) || up=short
    now=$(active)
    used_up=$(used_kb)
    jcmd "$gateway_pid" GC.class_histogram > "$work/histogram-$n-up.txt"
    sleep "$settle"
    now_settled=$(active)
    used_settled=$(used_kb)
    jcmd "$gateway_pid" GC.class_histogram > "$work/histogram-$n.txt"
    finish
    ok=$(counter "Successful call" "$work/n$n.client.out")
    printf '%7s %7s %9s %12s %12s %14s %14s\n' "$n" "$now/$now_settled" "$ok" "$used_up" "$used_settled" \
        "$(awk -v a="$used_up" -v b="$base" -v n="$now" 'BEGIN { printf "%.0f", n ? (a - b) * 1024 / n : 0 }')" \
        "$(awk -v a="$used_settled" -v b="$base" -v n="$now_settled" 'BEGIN { printf "%.0f", n ? (a - b) * 1024 / n : 0 }')"
    [[ $up == ok ]] || echo "  only $now of $n calls came up: see $work/n$n.client.out" >&2
    wait_active 0 120 le || echo "  calls still active after the run: $(active)" >&2
    [[ $n == "${counts[-1]}" ]] || sleep "$settle"
done
echo "logs and class histograms (live objects: histogram-N-up.txt as soon as N calls are up, histogram-N.txt settled): $work"
