#!/usr/bin/env bash
# Teardown at the end of the paid time: how late after the end of its last paid increment the gateway
# hangs up a call whose credit has run out, with many calls running out within the same second.
# Starts its own gateway (journal on), a SIPp carrier (sipp-scenarios/credit-exhausted/uas.xml) and a
# SIPp app client (credit-exhausted/uac.xml, each call as its own account), all on loopback, then prints
# the delay of every call from answer + paid seconds to the gateway's BYE. See bench/README.md.
#
#   bench/teardown.sh [options]
#
# Options:
#   --calls N         calls per round (default 2000); all are up at once before the first runs out
#   --rate R          new calls a second while placing them (default 400)
#   --paid S          paid seconds of the last call placed (default 10); earlier calls are paid longer, one
#                     second more for each second placed earlier, so that every call runs out within the
#                     same second (--spread to let them run out as they were placed)
#   --spread          every call paid S seconds: they run out at the rate they were placed
#   --increments 1|2  increments each account pays for (default 1): with 2 the second is reserved while
#                     the call runs (journalled), the third refused
#   --rounds N        measured rounds against the same gateway, each with fresh accounts (default 2)
#   --warmup N        calls placed first at the same rate, paid 2 s (8 s with 2 increments), not measured
#                     (default 1000; 0: none): the JIT warms on the whole call, teardown included
#   --jar PATH        gateway jar (default gateway/target/gateway.jar; build: mvn -o -q -pl gateway -am package -DskipTests)
#   --heap SIZE       gateway -Xms/-Xmx (default 2g)
#   --jvm 'OPTIONS'   options for the gateway's JVM besides the heap (default -XX:MaxTenuringThreshold=2, as docker/Dockerfile), e.g. --jvm '-XX:+UseZGC'
#   --sip-port P      gateway SIP port (default 5060); --carrier-port P (5080); --client-port P (5070);
#   --http-port P     (8080); --media M-N gateway relay ports, 4 a call (20000-29999); --sipp-media P
#                     SIPp's media ports, P for the client and P+10 for the carrier (40000)
#
# Delay per call, from the gateway's call record (one JSON line per call): `end` (taken on the SIP core
# right after both BYEs are handed to the transport) minus (`answer` + the account's paid seconds); and
# on the wire: the client SIPp's receive time of the BYE ([timestamp] in its log) minus the same instant.
# Every call must end with disconnectCause credit_exhausted and billedSeconds = its paid seconds.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
calls=2000
rate=400
paid=10
spread=false
increments=1
rounds=2
warmup=1000
jar=$root/gateway/target/gateway.jar
heap=2g
jvm="-XX:MaxTenuringThreshold=2"
sip_port=5060
carrier_port=5080
client_port=5070
http_port=8080
media=20000-29999
sipp_media=40000

while (($#)); do
    case $1 in
        --calls) calls=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --paid) paid=$2; shift 2 ;;
        --spread) spread=true; shift ;;
        --increments) increments=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --jar) jar=$2; shift 2 ;;
        --heap) heap=$2; shift 2 ;;
        --jvm) jvm=$2; shift 2 ;;
        --sip-port) sip_port=$2; shift 2 ;;
        --carrier-port) carrier_port=$2; shift 2 ;;
        --client-port) client_port=$2; shift 2 ;;
        --http-port) http_port=$2; shift 2 ;;
        --media) media=$2; shift 2 ;;
        --sipp-media) sipp_media=$2; shift 2 ;;
        -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v sipp >/dev/null || { echo "sipp not installed: apt-get install sip-tester" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 needed (configuration and statistics)" >&2; exit 2; }
[[ -f $jar ]] || { echo "no gateway jar at $jar: mvn -o -q -pl gateway -am package -DskipTests" >&2; exit 2; }
((calls >= 1 && calls <= 5000)) || { echo "--calls: 1 to 5000" >&2; exit 2; }
((rate >= 1 && rate <= 2000)) || { echo "--rate: 1 to 2000" >&2; exit 2; }
((rounds >= 1 && rounds <= 5)) || { echo "--rounds: 1 to 5" >&2; exit 2; }
[[ $increments == 1 || $increments == 2 ]] || { echo "--increments: 1 or 2" >&2; exit 2; }
((paid >= 2 + 6 * (increments - 1) && paid <= 120)) || { echo "--paid: 2 (8 with 2 increments) to 120" >&2; exit 2; }
for port in "$sip_port" "$carrier_port" "$client_port"; do
    if ss -Hlun "sport = :$port" | grep -q .; then
        echo "UDP $port is taken: choose other ports (--sip-port, --carrier-port, --client-port)" >&2
        exit 1
    fi
done

work=$(mktemp -d /tmp/teardown.XXXXXX)
gateway_pid=
carrier_pid=
client_pid=
stop() {
    [[ -n $client_pid ]] && kill "$client_pid" 2>/dev/null || true
    [[ -n $carrier_pid ]] && kill "$carrier_pid" 2>/dev/null || true
    if [[ -n $gateway_pid ]]; then
        kill "$gateway_pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$gateway_pid" 2>/dev/null || true
    fi
}
trap stop EXIT

# Accounts, rates and the injection files: call i of round r is account td-round<r>-<i> dialling a London
# number of its own group (one group a second of placing), whose rate makes one increment last the
# group's paid seconds (or, with 2 increments, paid - 5 then 5) at 0.001 USD a second; the account
# holds exactly the price of its increments.
python3 - "$work" "$calls" "$rate" "$paid" "$spread" "$increments" "$rounds" "$warmup" <<'PY'
import hashlib, math, sys
work = sys.argv[1]
calls, rate, paid = map(int, sys.argv[2:5])
spread, increments, rounds, warmup = sys.argv[5] == "true", int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
rates, accounts = [], []
def group_rate(name, seconds):
    first, rest = (seconds, seconds) if increments == 1 else (seconds - 5, 5)
    rates.append(f'    - {{ prefix: "{name}", destination: teardown {name}, perMinute: "0.06", '
                 f'increments: {first}/{rest} }}')
def write_round(name, n, per_second, seconds_of):
    with open(f"{work}/{name}.csv", "w") as inf, open(f"{work}/{name}.paid", "w") as out:
        inf.write("SEQUENTIAL\n")
        for i in range(n):
            k = i // per_second
            seconds, prefix = seconds_of(k)
            account, password = f"td-{name}-{i:04d}", f"td-{name}-{i:04d}-pw"
            ha1 = hashlib.md5(f"{account}:softswitch:{password}".encode()).hexdigest()
            accounts.append(f'    - {{ id: {account}, ha1Md5: "{ha1}", balance: "{seconds // 1000}.{seconds % 1000:03d}" }}')
            inf.write(f"{account};{password};+{prefix}{i % 10000:04d}\n")
            out.write(f"{account} {seconds}\n")
groups = math.ceil(calls / rate)
for k in range(groups):  # London numbers 020 7kkk nnnn, one rate a group
    group_rate(f"44207{k:03d}", paid if spread else paid + (groups - 1 - k))
group_rate("44208000", 2 + 6 * (increments - 1))
for r in range(1, rounds + 1):
    write_round(f"round{r}", calls, rate, lambda k: (paid if spread else paid + (groups - 1 - k), f"44207{k:03d}"))
if warmup:
    write_round("warmup", warmup, rate, lambda k: (2 + 6 * (increments - 1), "44208000"))
with open(f"{work}/rates.yaml", "w") as f:
    f.write("\n".join(rates) + "\n")
with open(f"{work}/accounts.yaml", "w") as f:
    f.write("\n".join(accounts) + "\n")
PY
media_min=${media%-*}
media_max=${media#*-}
cat > "$work/gateway.yaml" <<EOF
# bench/teardown.sh: bench/gateway-bench.yaml's settings on other ports, with accounts that run out.
sip:
  listen:
    - { transport: udp, host: 127.0.0.1, port: $sip_port }
  timers: { t1: 500ms, t2: 4s, t4: 5s }
http: { host: 127.0.0.1, port: $http_port }
media:
  host: 127.0.0.1
  portMin: $media_min
  portMax: $media_max
  timeout: 10m                     # SIPp sends no RTP: only the credit may end these calls
  socketPool: { maxPairs: 6144, prebindPairs: 0, quarantine: 500ms }
trunks:
  - { name: sipp-carrier, host: 127.0.0.1, port: $carrier_port, transport: udp, prefixes: [""], probe: false }
charging:
  currency: USD
  journal: $work/journal
  rates:
$(cat "$work/rates.yaml")
  accounts:
$(cat "$work/accounts.yaml")
cdr:
  file: $work/calls.jsonl
auth:
  realm: softswitch
  algorithms: [MD5, SHA-256]
  throttle:
    sourceInvitesPerSecond: 100000
EOF

# The app client: credit-exhausted/uac.xml with the account, its password and the number from the
# injection file, and a log line when the gateway's BYE arrives.
sed -e 's/\[authentication\]/[authentication username="[field0]" password="[field1]"]/' \
    -e '/<Global variables="account"/d' -e 's/\[\$account\]/[field0]/g' -e 's/\[service\]/[field2]/g' \
    -e 's|<recv request="BYE" />|<recv request="BYE"><action><log message="bye [call_id] [timestamp]" /></action></recv>|' \
    "$root/sipp-scenarios/credit-exhausted/uac.xml" > "$work/uac.xml"
grep -q 'log message="bye' "$work/uac.xml" || { echo "could not adapt credit-exhausted/uac.xml" >&2; exit 1; }

echo "gateway: java -Xms$heap -Xmx$heap $jvm -Xlog:gc:file=$work/gc.log -jar $jar --config $work/gateway.yaml (log: $work/gateway.log)"
started=$(date +%s.%N)
(cd "$work" && exec java "-Xms$heap" "-Xmx$heap" $jvm "-Xlog:gc:file=$work/gc.log:uptime,time" -jar "$jar" --config "$work/gateway.yaml") > "$work/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && break
    kill -0 "$gateway_pid" 2>/dev/null || { echo "the gateway did not start: $work/gateway.log" >&2; exit 1; }
    sleep 0.5
done
curl -fs "http://127.0.0.1:$http_port/health" >/dev/null || { echo "the gateway is not healthy after 120 s" >&2; exit 1; }
echo "gateway up in $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s with $((calls * rounds + warmup)) bench accounts"

counter() { grep -E "^ *$1 " "$2" | tail -n 1 | awk -F'|' '{ gsub(/ /, "", $3); print $3 + 0 }'; }
longest=$((paid + (calls + rate - 1) / rate))
budget=$((longest + calls / rate + 60))
# One round: $1 = name (its accounts, numbers and paid seconds in $work/$1.csv|.paid), $2 = calls.
run_round() {
    local name=$1 n=$2 dir=$work/$1 records_before
    mkdir -p "$dir"
    records_before=$(wc -l < "$work/calls.jsonl" 2>/dev/null || echo 0)
    sipp -sf "$root/sipp-scenarios/credit-exhausted/uas.xml" -i 127.0.0.1 -p "$carrier_port" \
        -mi 127.0.0.1 -mp $((sipp_media + 10)) -t u1 -m "$n" -nostdin -timeout "${budget}s" \
        -trace_err -error_file "$dir/carrier.err" > "$dir/carrier.out" 2>&1 &
    carrier_pid=$!
    sleep 0.5
    sipp -sf "$work/uac.xml" -inf "$work/$name.csv" -i 127.0.0.1 -p "$client_port" \
        -mi 127.0.0.1 -mp "$sipp_media" -t u1 -r "$rate" -rp 1000 -m "$n" -l $((n + 10)) \
        -nostdin -timeout "${budget}s" -timeout_error -trace_err -error_file "$dir/client.err" \
        -trace_logs -log_file "$dir/client.log" -fd 1 -trace_stat -stf "$dir/client-stat.csv" \
        "127.0.0.1:$sip_port" > "$dir/client.out" 2>&1 &
    client_pid=$!
    wait "$client_pid" || true
    client_pid=
    for _ in $(seq 1 20); do kill -0 "$carrier_pid" 2>/dev/null || break; sleep 0.5; done
    kill "$carrier_pid" 2>/dev/null || true
    wait "$carrier_pid" 2>/dev/null || true
    carrier_pid=
    # Records are written once the money has moved (after the journal's fsync): give the last a moment.
    for _ in $(seq 1 20); do
        (($(wc -l < "$work/calls.jsonl" 2>/dev/null || echo 0) >= records_before + n)) && break
        sleep 0.5
    done
    tail -n +$((records_before + 1)) "$work/calls.jsonl" > "$dir/calls.jsonl" 2>/dev/null || true
    echo "  SIPp client: $(counter "Successful call" "$dir/client.out") calls completed (the gateway's BYE answered)," \
        "$(counter "Failed call" "$dir/client.out") failed"
}

if ((warmup)); then
    echo "warm-up: $warmup calls at $rate/s, paid $((2 + 6 * (increments - 1))) s each (not measured)"
    run_round warmup "$warmup"
    sleep 2
fi
for round in $(seq 1 "$rounds"); do
    dir=$work/round$round
    echo "round $round: $calls calls at $rate/s, $increments increment(s), paid $paid s$($spread || echo \
        " + 1 s for each second placed earlier")"
    run_round "round$round" "$calls"
    python3 - "$dir/calls.jsonl" "$work/round$round.paid" "$dir/client.log" "$calls" <<'PY'
import json, sys
from datetime import datetime, timezone
records_file, paid_file, client_log, calls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
paid = dict(line.split() for line in open(paid_file))
def instant(text):  # ISO-8601 from the record, e.g. 2026-12-02T04:10:00.123456Z, as epoch seconds
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
due, delay, gw, bad = {}, {}, [], []
for line in open(records_file):
    r = json.loads(line)
    if r["caller"] not in paid:
        continue
    seconds = int(paid[r["caller"]])
    if r.get("answer") is None or r["disconnectCause"] != "credit_exhausted" or r["billedSeconds"] != seconds:
        bad.append(f'{r["callId"]}: {r["disconnectCause"]}, billed {r["billedSeconds"]} of {seconds} s')
        continue
    paid_until = instant(r["answer"]) + seconds
    due[r["callId"]] = paid_until
    delay[r["callId"]] = 1000 * (instant(r["end"]) - paid_until)
    gw.append(delay[r["callId"]])
wire = []
try:
    for line in open(client_log):
        f = line.split()
        if len(f) >= 4 and f[0] == "bye" and f[1] in due:
            wire.append(1000 * (float(f[4] if len(f) > 4 else f[3]) - due[f[1]]))
except FileNotFoundError:
    pass
def row(name, values):
    if not values:
        print(f"  {name:<34} no calls")
        return
    v = sorted(values)
    pick = lambda q: v[min(len(v) - 1, max(0, int(round(q * len(v) + 0.5)) - 1))]
    print(f"  {name:<34} count {len(v):5d}  min {v[0]:7.1f}  p50 {pick(.5):7.1f}  p95 {pick(.95):7.1f}"
          f"  p99 {pick(.99):7.1f}  max {v[-1]:7.1f} ms")
row("gateway (record end - paid until)", gw)
row("wire (client gets BYE - paid until)", wire)
ends = sorted(due.values())
densest, j = 0, 0
for i, t in enumerate(ends):
    while ends[j] < t - 1:
        j += 1
    densest = max(densest, i - j + 1)
# The slowest tenth of a second by median gateway delay (a GC pause shows here; see gc.log).
tenths = {}
for call, t in due.items():
    tenths.setdefault(int((t - ends[0]) * 10), []).append(delay[call])
if tenths:
    k, v = max(tenths.items(), key=lambda e: sorted(e[1])[len(e[1]) // 2])
    v.sort()
    start = datetime.fromtimestamp(ends[0] + k / 10, timezone.utc).strftime("%H:%M:%S.%f")[:-3]
    print(f"  slowest tenth of a second: from {start} UTC, {len(v)} calls, median {v[len(v) // 2]:.1f}, "
          f"max {v[-1]:.1f} ms")
print(f"  calls: {calls} placed, {len(gw)} ran out of credit, {len(bad)} ended otherwise; "
      f"at most {densest} paid-until instants within one second")
for b in bad[:5]:
    print(f"    {b}")
PY
    sleep 2
done
echo "logs: $work (gateway.log, round*/client.out|carrier.out: SIPp screens, *.err: SIPp errors)"
