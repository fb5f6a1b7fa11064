#!/usr/bin/env bash
# Calls per second with the embedded charging store against the Redis store on one and on two gateway nodes,
# in one run on the same harness (issue 15). Starts a redis-server (appendonly yes, appendfsync always: what
# the gateway requires) on loopback, then for each setup: starts the node(s) from bench/gateway-bench.yaml on
# their own ports, warms up, measures with bench/cps.sh and stops them. With two nodes each node gets half the
# rate from its own SIPp client and carrier, and its own account (bench, bench2); the table adds them up.
# Redis round trips per call come from the nodes' charging_store_requests_seconds_count.
#
#   bench/cps-store.sh [--seconds N] [--warmup RATE] [--jvm OPTS] [--jar JAR] [--redis-fsync always|everysec]
#                      RATE...
#
# Each node uses one account for all its calls (SIPp answers a challenge with one user name): a hot account, the
# worst case for a shared store, every change of it one compare-and-set on one version, one after the other.
# --redis-fsync everysec runs Redis without an fsync per write (and the nodes with durability: unchecked), to
# show what the fsync costs; the gateway refuses that setting unless told to accept it.
# Ports: SIP 17060/17062, HTTP 18100/18102, carriers 17080/17082, relay 10000-32767 (halved for two nodes),
# SIPp media 44000-50000, Redis 17379.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=15
warmup=400
jvm="-Xms2g -Xmx2g -XX:MaxTenuringThreshold=2"
jar=$root/gateway/target/gateway.jar
fsync=always
while (($#)); do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --jvm) jvm=$2; shift 2 ;;
        --jar) jar=$(realpath "$2"); shift 2 ;;
        --redis-fsync) fsync=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
(($# >= 1)) || { echo "usage: $0 [options] RATE..." >&2; exit 2; }
rates=("$@")
[[ -f $jar ]] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "needs redis-server (Debian package redis-server)" >&2; exit 2; }

work=$(mktemp -d /tmp/cps-store.XXXXXX)
pids=()
stop_all() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
}
stop_redis() {
    if [[ -n ${redis_pid:-} ]]; then
        kill "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true   # its port is free for the next run
    fi
}
trap 'stop_all; stop_redis' EXIT

mkdir -p "$work/redis"
redis-server --port 17379 --bind 127.0.0.1 --dir "$work/redis" --appendonly yes --appendfsync "$fsync" --save "" \
    --logfile "$work/redis/redis.log" &
redis_pid=$!
for _ in $(seq 1 50); do redis-cli -p 17379 ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
redis-cli -p 17379 ping | grep -q PONG || { echo "redis-server did not start: $work/redis/redis.log" >&2; exit 1; }

durability=fsync
[[ $fsync == always ]] || durability=unchecked
ha1() { printf '%s' "$1:softswitch:$1-demo" | "$2" | cut -d' ' -f1; }
echo "    - { id: bench2, ha1Sha256: \"$(ha1 bench2 sha256sum)\", ha1Md5: \"$(ha1 bench2 md5sum)\", balance: \"100000000.00\", number: \"+447400000019\" }" > "$work/extra-accounts.yaml"
# config NODE STORE: node 1 or 2; store embedded or redis
config() {
    local n=$1 store=$2 nodes=$3 sip=$((17058 + 2 * $1)) http=$((18098 + 2 * $1)) carrier=$((17078 + 2 * $1))
    local lo=10000 hi=32767                      # 4 ports a call: one node takes the whole range, two halve it
    if ((nodes == 2)); then lo=$((10000 + (n - 1) * 11384)); hi=$((lo + 11383)); fi
    sed -e "s/port: 5060 }/port: $sip }/" -e "s/^  port: 8080/  port: $http/" -e "s/    port: 5080/    port: $carrier/" \
        -e "s/portMin: 10000 .*/portMin: $lo/" -e "s/portMax: 32767/portMax: $hi/" \
        "$root/bench/gateway-bench.yaml" > "$work/node$n-$store.yaml"
    if [[ $store == redis ]]; then
        sed -i "s|^  journal: ./var/journal|  store: { type: redis, uri: \"redis://127.0.0.1:17379\", node: node$n, durability: $durability }|" \
            "$work/node$n-$store.yaml"
    fi
    awk -v f="$work/extra-accounts.yaml" '{ print } /- \{ id: carol,/ { while ((getline l < f) > 0) print l; close(f) }' \
        "$work/node$n-$store.yaml" > "$work/tmp.yaml"
    mv "$work/tmp.yaml" "$work/node$n-$store.yaml"
}

metric() { { curl -s "http://127.0.0.1:$1/metrics" || true; } | awk -v m="$2" '$1 == m { print $2 + 0; found = 1 } END { if (!found) print 0 }'; }

# run SETUP NODES: start the nodes, warm up, measure, stop
run() {
    local setup=$1 nodes=$2 store=embedded
    [[ $setup != embedded ]] && store=redis
    redis-cli -p 17379 flushall > /dev/null
    local n
    for n in $(seq 1 "$nodes"); do
        config "$n" "$store" "$nodes"
        mkdir -p "$work/$setup/node$n"
        # shellcheck disable=SC2086
        (cd "$work/$setup/node$n" && exec java $jvm -jar "$jar" --config "$work/node$n-$store.yaml" > gateway.log 2>&1) &
        pids+=($!)
    done
    for n in $(seq 1 "$nodes"); do
        for _ in $(seq 1 100); do
            curl -sf "http://127.0.0.1:$((18098 + 2 * n))/health" > /dev/null && break
            sleep 0.2
        done
    done
    echo "== $setup ($nodes node(s), Redis appendfsync $fsync, logs in $work/$setup)"
    local first=true
    for rate in "$warmup" "${rates[@]}"; do
        local per=$((rate / nodes)) before=() outs=() time=$seconds
        $first && time=10
        for n in $(seq 1 "$nodes"); do before+=("$(metric $((18098 + 2 * n)) charging_store_requests_seconds_count)"); done
        for n in $(seq 1 "$nodes"); do
            local account=bench
            ((n == 2)) && account=bench2
            "$root/bench/cps.sh" --gateway "127.0.0.1:$((17058 + 2 * n))" --carrier-port $((17078 + 2 * n)) \
                --gateway-pid "${pids[$((n - 1))]}" --account "$account" --sipp-media 127.0.0.1:$((40000 + 4000 * n)) \
                --seconds "$time" "$per" > "$work/$setup/rate$rate-node$n.txt" 2>&1 &
            outs+=($!)
        done
        for o in "${outs[@]}"; do wait "$o" || true; done
        local calls=0 ok=0 cps=0 us=0 rt=0
        for n in $(seq 1 "$nodes"); do
            read -r _ c k _ s _ _ u _ < <(awk 'NR == 2' "$work/$setup/rate$rate-node$n.txt")
            calls=$((calls + c)); ok=$((ok + k)); cps=$((cps + s))
            us=$(awk -v a="$us" -v b="$u" -v n="$nodes" 'BEGIN { printf "%.0f", a + b / n }')
            after=$(metric $((18098 + 2 * n)) charging_store_requests_seconds_count)
            rt=$(awk -v a="$rt" -v x="${before[$((n - 1))]}" -v y="$after" 'BEGIN { print a + y - x }')
        done
        if $first; then first=false; continue; fi # the JIT warm-up
        printf '%-9s %6s cps offered %6s achieved  %7s calls %7s ok  %6s%% failed  %6s gw-us/call  %5s redis-rt/call\n' \
            "$setup" "$rate" "$cps" "$calls" "$ok" \
            "$(awk -v c="$calls" -v k="$ok" 'BEGIN { printf "%.2f", c ? 100 * (c - k) / c : 0 }')" "$us" \
            "$(awk -v r="$rt" -v k="$ok" 'BEGIN { printf "%.1f", k ? r / k : 0 }')"
        sleep 2
    done
    stop_all
}

run embedded 1
run redis-1 1
run redis-2 2
echo "logs: $work"
