#!/usr/bin/env bash
# Heap per concurrent call at N calls on one fresh gateway, N up to the issue's 50,000 (issue 14): writes a
# configuration from bench/gateway-bench.yaml (SIP 127.0.0.1:17060, HTTP 18100, trunk 17080, as bench/cps-run.sh)
# whose relay binds on 127.0.0.2 and as many more loopback addresses as N calls need (each address holds a
# quarter of its 20000-32767 range in calls: 3,192), media timeout 1 h (the calls carry no RTP), 2,048 pooled
# pairs an address; raises the soft open-file limit to the hard one, starts JAR, runs bench/concurrency.sh N
# against it and stops it.
#
#   bench/concurrency-run.sh [--rtcp-mux] [--rate R] [--settle S] [--jvm OPTS] JAR N
#
# Each call holds 4 relay sockets (3 with --rtcp-mux) and the relay leaves 1,024 descriptors to the rest of the
# process, so N calls need N x 4 + 1,024 open files (50,000 calls: 201,024). If the hard limit (ulimit -Hn) is
# lower, it says so and what to raise, and exits 3 before starting anything: e.g. docker run --ulimit
# nofile=262144:262144, LimitNOFILE=262144 under systemd, or root with CAP_SYS_RESOURCE.
#
# --rate: calls placed a second while ramping up (default 500); --settle: seconds the calls stay up before
# the settled measurement (default 35); --jvm: the gateway's JVM options (default -Xms4g -Xmx4g
# -XX:MaxTenuringThreshold=2, as docker/Dockerfile). The figures and the class histograms are
# bench/concurrency.sh's; the run's directory (configuration, gateway log) is printed at the end.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rate=500
settle=35
jvm="-Xms4g -Xmx4g -XX:MaxTenuringThreshold=2"
mux=()
per_call=4
while (($#)); do
    case $1 in
        --rtcp-mux) mux=(--rtcp-mux); per_call=3; shift ;;
        --rate) rate=$2; shift 2 ;;
        --settle) settle=$2; shift 2 ;;
        --jvm) jvm=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
(($# == 2)) || { echo "usage: $0 [--rtcp-mux] [--rate R] [--settle S] [--jvm OPTS] JAR N" >&2; exit 2; }
jar=$(realpath "$1")
calls=$2
[[ $calls =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive number of calls, not '$calls'" >&2; exit 2; }

reserve=1024
needed=$((calls * per_call + reserve))
hard=$(ulimit -Hn)
if [[ $hard != unlimited ]] && ((hard < needed)); then
    echo "$calls calls hold $((calls * per_call)) relay sockets ($per_call a call) and the gateway keeps $reserve" \
        "descriptors for the rest: $needed open files, but this machine allows $hard (ulimit -Hn)." >&2
    echo "Raise the hard limit to at least $needed (docker run --ulimit nofile=$needed:$needed; LimitNOFILE=$needed" \
        "under systemd; or run as root with CAP_SYS_RESOURCE), or measure at most" \
        "$(((hard - reserve) / per_call)) calls here." >&2
    exit 3
fi
ulimit -n "$hard"

per_address=3192 # a quarter of 20000..32767: two port pairs a call
addresses=$(((calls + per_address - 1) / per_address))
((addresses <= 250)) || { echo "$calls calls need $addresses loopback addresses; at most 250 here" >&2; exit 2; }
more=""
for ((i = 1; i < addresses; i++)); do
    more+="${more:+, }127.0.0.$((i + 2))"
done

dir=$(mktemp -d /tmp/concurrency-run.XXXXXX)
config=$dir/gateway.yaml
sed -e 's/port: 5060 }/port: 17060 }/' -e 's/^  port: 8080/  port: 18100/' -e 's/^    port: 5080/    port: 17080/' \
    "$root/bench/gateway-bench.yaml" | awk -v more="$more" '
    /^media:/ { media = 1 }
    /^[a-z]/ && !/^media:/ { media = 0 }
    media && /^  host: / { print "  host: 127.0.0.2"; next }
    media && /^  portMin: / { print "  portMin: 20000"; next }
    media && /^  portMax: / { print "  portMax: 32767"; next }
    media && /^  timeout: / { print "  timeout: 1h                       # the calls of bench/concurrency.sh carry no RTP"; next }
    media && /^  socketPool: / {
        print "  socketPool: { maxPairs: 2048, prebindPairs: 0, quarantine: 500ms }"
        if (more != "") print "  moreHosts: [" more "]"
        next
    }
    { print }' > "$config"
grep -q '^  host: 127.0.0.2' "$config" && grep -q 'maxPairs: 2048' "$config" \
    || { echo "could not derive the configuration from bench/gateway-bench.yaml (see $config)" >&2; exit 1; }

gateway=127.0.0.1:17060
# shellcheck source=gateway-process.sh
source "$root/bench/gateway-process.sh"
require_free_sip_port
start_gateway concurrency-run "$dir" "$jar" "$config" "$jvm"
echo "== $calls calls, $per_call relay sockets a call, relay on $addresses address(es), open-file limit $hard;" \
    "$jar, $jvm (run directory $dir)"
"$root/bench/concurrency.sh" "${mux[@]}" --gateway "$gateway" --http 127.0.0.1:18100 --carrier-port 17080 \
    --gateway-pid "$gateway_pid" --rate "$rate" --settle "$settle" "$calls"
stop_gateway
echo "run directory: $dir"
