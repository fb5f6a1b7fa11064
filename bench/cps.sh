#!/usr/bin/env bash
# Calls-per-second benchmark: a SIPp app client calls through the running gateway to a SIPp carrier,
# all on loopback, with 1-second calls (sipp-scenarios/basic-call). Prints achieved calls per second,
# failed %, and CPU of the gateway and of both SIPp processes. See bench/README.md.
#
#   bench/cps.sh [options] RATE                  one run at RATE new calls per second
#   bench/cps.sh [options] --sweep RATE RATE...  one run per rate; reports the highest under 0.1% failed
#
# Options:
#   --seconds N        how long new calls are placed (default 10); total calls = RATE x N
#   --gateway-pid PID  process whose CPU is measured (default: pgrep -f gateway.jar)
#   --gateway H:P      where the gateway listens for SIP (default 127.0.0.1:5060)
#   --carrier-port P   where the SIPp carrier listens; the gateway's trunk must point there (default 5080)
#   --account A        caller account: the digest user name (default alice)
#   --password P       its password (default A-demo, as in the demo and bench configurations)
#   --number N         dialled number, the Request-URI user (default +447400123456)
#   --transport u1|t1  SIP transport of the client leg (default u1)
#   --client-port P    the SIPp client's SIP port (default: SIPp's own choice, the first free from 5060)
#   --sipp-media H:P   address and first port of the SIPp processes' media sockets (default 127.0.0.1:46000;
#                      the carrier takes P, the client P + 2000)
#   --rtcp-mux         the client offers a=rtcp-mux (RFC 5761), as WebRTC-based app clients do: the gateway's relay
#                      then takes the client's RTCP on its RTP port (3 sockets a call instead of 4)
#
# Self-check without a gateway (SIPp against SIPp):  bench/cps.sh --gateway 127.0.0.1:5080 100
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scenarios=$root/sipp-scenarios/basic-call
seconds=10
gateway=127.0.0.1:5060
gateway_pid=
carrier_port=5080
account=alice
password=
number=+447400123456
transport=u1
client_port=
sipp_media=127.0.0.1:46000
sweep=false
rtcp_mux=false
rates=()

while (($#)); do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --gateway) gateway=$2; shift 2 ;;
        --gateway-pid) gateway_pid=$2; shift 2 ;;
        --carrier-port) carrier_port=$2; shift 2 ;;
        --account) account=$2; shift 2 ;;
        --password) password=$2; shift 2 ;;
        --number) number=$2; shift 2 ;;
        --transport) transport=$2; shift 2 ;;
        --sipp-media) sipp_media=$2; shift 2 ;;
        --client-port) client_port=$2; shift 2 ;;
        --sweep) sweep=true; shift ;;
        --rtcp-mux) rtcp_mux=true; shift ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) rates+=("$1"); shift ;;
    esac
done
((${#rates[@]})) || { echo "usage: $0 [options] RATE | --sweep RATE RATE..." >&2; exit 2; }
$sweep || ((${#rates[@]} == 1)) || { echo "several rates need --sweep" >&2; exit 2; }
command -v sipp >/dev/null || { echo "sipp not installed: apt-get install sip-tester" >&2; exit 2; }

gateway_port=${gateway##*:}
# SIPp's socket buffers (its default is 64 KB): at 3,000 calls a second the client's socket dropped 57,810
# datagrams in a 60 s run (`ss -uanm`, d<N>), and each dropped answer came back as a retransmission 0.5 s or
# 1.5 s later, counted against the gateway. The kernel caps this at net.core.rmem_max / wmem_max.
sipp_buffer=$((4 * 1024 * 1024))
media_ip=${sipp_media%:*}
media_port=${sipp_media##*:}
# The carrier behind the gateway; in the self-check (no gateway) a far end that challenges the client
# as the gateway does, since the client scenario authenticates.
far_end=$scenarios/uas.xml
[[ $gateway_port != "$carrier_port" ]] || far_end=$root/sipp-scenarios/challenge/uas.xml
if [[ $gateway_port != "$carrier_port" ]]; then
    # The gateway is not started here: it must already run, e.g. java -jar gateway/target/gateway.jar
    if ! ss -Hlun "sport = :$gateway_port" | grep -q .; then
        echo "nothing listens on UDP $gateway: start the gateway first (java -jar gateway/target/gateway.jar)" >&2
        exit 1
    fi
    if [[ -z $gateway_pid ]]; then
        gateway_pid=$(pgrep -f gateway.jar | head -n 1 || true)
    fi
fi
if ss -Hlun "sport = :$carrier_port" | grep -q . && [[ $gateway_port != "$carrier_port" ]]; then
    echo "UDP $carrier_port is taken: the SIPp carrier needs it (--carrier-port)" >&2
    exit 1
fi

ticks_per_second=$(getconf CLK_TCK)
# utime + stime of a process in clock ticks (/proc/PID/stat fields 14 and 15, counted after the ")").
cpu_ticks() {
    [[ -n $1 && -r /proc/$1/stat ]] || { echo 0; return; }
    local stat; stat=$(< "/proc/$1/stat")
    stat=${stat##*) }
    read -r -a fields <<< "$stat"
    echo $((fields[11] + fields[12]))
}
# What SIPp's failed calls got instead, from its error file: "7794 x 503 No Media Ports Available, 12 otherwise
# (no final answer in time)".
failure_reasons() {
    local err=$1 failed=$2 counted
    counted=$( { grep -a "Aborting call on unexpected message" "$err" 2>/dev/null || true; } | tr -d '\r' \
        | sed -n "s/.*received 'SIP\/2\.0 \([0-9][0-9][0-9] [^']*\).*/\1/p" | sort | uniq -c | sort -rn)
    awk -v failed="$failed" '
        NF { n += $1; c = $1; $1 = ""; out = out (out ? ", " : "") c " x" $0 }
        END { if (failed > n) out = out (out ? ", " : "") (failed - n) " otherwise (no final answer in time)"; print out }' \
        <<< "$counted"
}

percent() { awk -v t="$1" -v hz="$ticks_per_second" -v s="$2" 'BEGIN { printf "%.0f%%", 100 * t / hz / s }'; }
# CPU seconds (user + system) of this shell's reaped children, i.e. the SIPp processes, from the
# builtin `times` written to $1. It must run in this shell: a $(...) subshell has no children of its own.
children_cpu() {
    times > "$1"
    tail -n 1 "$1" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); n += t[1] * 60 + t[2] } print n }' > "$1.sum"
}
# A cumulative counter from SIPp's final statistics screen, e.g. "Successful call".
# Seconds (from SIPp's -trace_stat CSV) until the client had placed all $2 calls; empty if unknown.
placing_seconds() {
    [[ -f $1 ]] || return 0
    awk -F';' -v want="$2" '
        NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "ElapsedTime(C)") e = i; if ($i == "OutgoingCall(C)") o = i }; next }
        e && o && $o + 0 >= want { split($e, t, ":"); printf "%.3f\n", t[1] * 3600 + t[2] * 60 + t[3] + t[4] / 1e6; exit }' "$1"
}
counter() { grep -E "^ *$1 " "$2" | tail -n 1 | awk -F'|' '{ gsub(/ /, "", $3); print $3 + 0 }'; }

work=$(mktemp -d /tmp/cps.XXXXXX)
client_scenario=$scenarios/uac.xml
if $rtcp_mux; then
    # basic-call's client with a=rtcp-mux after its audio format, in both INVITEs
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

best=
printf '%8s %8s %8s %8s %8s %8s %8s %11s %8s\n' rate calls ok failed cps failed% gw-cpu gw-us/call sipp-cpu
for rate in "${rates[@]}"; do
    calls=$((rate * seconds))
    limit=$((rate * 4 + 10))             # 1-second calls: about `rate` at once; 4x leaves room for slow answers
    budget=$((seconds + 30))             # SIPp ends and fails after this, whatever happens
    # ... and if it does not (SIPp 3.6 has been seen to hang past -timeout), it is stopped from outside.
    hard_stop=(timeout -s USR1 -k 10 $((budget + 20)))
    dir=$work/$rate
    mkdir -p "$dir"

    "${hard_stop[@]}" sipp -sf "$far_end" -i 127.0.0.1 -p "$carrier_port" -mi "$media_ip" -mp "$media_port" -t u1 -buff_size "$sipp_buffer" \
        -m "$calls" -nostdin -timeout "${budget}s" -trace_err -error_file "$dir/carrier.err" \
        > "$dir/carrier.out" 2>&1 &
    carrier_pid=$!
    sleep 0.5

    children_cpu "$dir/times.before"
    gateway_before=$(cpu_ticks "$gateway_pid")
    start=$(date +%s.%N)
    "${hard_stop[@]}" sipp -sf "$client_scenario" -i 127.0.0.1 ${client_port:+-p "$client_port"} -mi "$media_ip" -mp $((media_port + 2000)) -t "$transport" -buff_size "$sipp_buffer" \
        -s "$number" -set account "$account" -au "$account" -ap "${password:-$account-demo}" -d 1000 \
        -r "$rate" -rp 1000 -m "$calls" -l "$limit" \
        -nostdin -timeout "${budget}s" -timeout_error -trace_err -error_file "$dir/client.err" \
        -trace_stat -stf "$dir/client-stat.csv" -fd 1 \
        "$gateway" > "$dir/client.out" 2>&1 &
    client_pid=$!
    wait "$client_pid" || true
    end=$(date +%s.%N)
    gateway_after=$(cpu_ticks "$gateway_pid")
    client_pid=

    # The carrier ends by itself once it has answered every call; give stragglers a moment.
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$carrier_pid" 2>/dev/null || break; sleep 0.5; done
    kill "$carrier_pid" 2>/dev/null || true
    wait "$carrier_pid" 2>/dev/null || true
    carrier_pid=
    children_cpu "$dir/times.after"

    ok=$(counter "Successful call" "$dir/client.out")
    # A call that neither succeeded nor was counted failed (e.g. still waiting when SIPp gave up) failed too.
    failed=$((calls - ok))
    elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
    # Achieved rate: calls placed over the time SIPp took to place them all (from its -trace_stat
    # file, one row a second), so a few slow stragglers at the end do not dilute it.
    placing=$(placing_seconds "$dir/client-stat.csv" "$calls")
    [[ -n $placing ]] || placing=$(awk -v e="$elapsed" 'BEGIN { print (e > 2 ? e - 1 : 1) }')
    cps=$(awk -v n="$calls" -v t="$placing" 'BEGIN { printf "%.0f", n / t }')
    failed_percent=$(awk -v f="$failed" -v c="$calls" 'BEGIN { printf "%.2f", c ? 100 * f / c : 100 }')
    gateway_cpu=n/a
    gateway_us=n/a
    if [[ -n $gateway_pid ]]; then
        gateway_cpu=$(percent $((gateway_after - gateway_before)) "$placing")
        gateway_us=$(awk -v t=$((gateway_after - gateway_before)) -v hz="$ticks_per_second" -v n="$calls" \
            'BEGIN { printf "%.0f", 1e6 * t / hz / n }')
    fi
    sipp_cpu=$(awk -v a="$(< "$dir/times.before.sum")" -v b="$(< "$dir/times.after.sum")" -v s="$elapsed" 'BEGIN { printf "%.0f%%", 100 * (b - a) / s }')
    printf '%8s %8s %8s %8s %8s %8s %8s %11s %8s\n' "$rate" "$calls" "$ok" "$failed" "$cps" "$failed_percent" \
        "$gateway_cpu" "$gateway_us" "$sipp_cpu"
    if ((failed > 0)); then
        printf '%8s failed: %s\n' '' "$(failure_reasons "$dir/client.err" "$failed")"
    fi

    if awk -v p="$failed_percent" -v o="$ok" 'BEGIN { exit !(o > 0 && p < 0.1) }'; then
        best=$rate
    fi
    $sweep && sleep 2
done

echo "logs: $work (client.out/carrier.out: SIPp screens; *.err: SIPp errors)"
if $sweep; then
    echo "highest rate with under 0.1% failed calls: ${best:-none}"
fi
