#!/usr/bin/env bash
# Relay session set-up before and after the socket pool (issue 14), in one run on the same box:
# media-relay's AllocateBench (one caller allocating sessions and closing each after a hold time)
# against three relays, alternating round by round:
#   before  the media-relay of BEFORE (a commit, e.g. the one before the pool), as it was
#   off     this tree with SocketPoolSettings.OFF (bind and close four sockets per call)
#   on      this tree with the default pool (quarantine QUARANTINE_MS)
# The same AllocateBench source is compiled against both builds. It prints sessions allocated and
# closed per second and the whole process's CPU per session.
#
# usage: bench/relay-alloc-ab.sh [--rounds N] [--seconds S] [--mode blocking|async] [--quarantine MS]
#                                BEFORE RATE:HOLD_MS...
#   RATE 0 = unpaced (as fast as the caller can), HOLD_MS how long each session lives.
# e.g.   bench/relay-alloc-ab.sh 00af8ff 0:0 2000:400
# Bounded: at most 60 s per measurement (AllocateBench caps it), 1,000 sessions live at once,
# ports 10000..32767 on 127.0.0.1; every JVM it starts ends with its run.
set -euo pipefail

rounds=2
seconds=10
mode=blocking
quarantine=500
while [[ $# -gt 0 && $1 == --* ]]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --mode) mode=$2; shift 2 ;;
        --quarantine) quarantine=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [[ $# -lt 2 ]]; then
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
before=$1
shift
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d /tmp/relay-alloc.XXXXXX)
echo "work directory: $work"

echo "building before ($before) and after ($(git -C "$root" rev-parse --short HEAD), working tree)..."
mkdir -p "$work/before"
git -C "$root" archive "$before" | tar -x -C "$work/before"
(cd "$work/before" && mvn -B -q -o -pl media-relay compile)
(cd "$root" && mvn -B -q -o -pl media-relay test-compile \
    dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test)
deps=$(cat "$work/cp.txt")
bench_src="$root/media-relay/src/test/java/dev/softswitch/media/bench/AllocateBench.java"
for build in before after; do
    if [[ $build == before ]]; then classes="$work/before/media-relay/target/classes"; else classes="$root/media-relay/target/classes"; fi
    mkdir -p "$work/$build-bench"
    javac -q -nowarn -d "$work/$build-bench" -cp "$classes:$deps" "$bench_src" 2>/dev/null \
        || javac -d "$work/$build-bench" -cp "$classes:$deps" "$bench_src"
    echo "$work/$build-bench:$classes:$root/media-relay/target/test-classes:$deps" > "$work/$build.cp"
done

run() { # variant rate hold
    local variant=$1 rate=$2 hold=$3 build=after pool=$1
    if [[ $variant == before ]]; then build=before; pool=default; fi
    java -Xms1g -Xmx1g -cp "$(cat "$work/$build.cp")" dev.softswitch.media.bench.AllocateBench \
        "$mode" "$rate" "$seconds" "$hold" 0 1 "$pool" "$quarantine" 2>&1 \
        | grep -v -E ' (INFO|DEBUG) ' > "$work/$variant-$rate-$hold-$round.out" || true
    local line cpu
    line=$(grep -E "^$mode " "$work/$variant-$rate-$hold-$round.out" || echo "- - - - - - - - failed")
    cpu=$(grep -oE 'process CPU: [0-9.]+ us/session \([0-9]+%' "$work/$variant-$rate-$hold-$round.out" \
        | sed -E 's/process CPU: ([0-9.]+) us\/session \(([0-9]+)%/\1 \2/' || echo "- -")
    printf '%-6s %-7s %5s %6s  %10s sessions/s  %6s us CPU/session  %4s%% of a core  %s failed\n' \
        "$round" "$variant" "${rate/#0/max}" "$hold" "$(awk '{print $8}' <<<"$line")" "${cpu% *}" "${cpu#* }" \
        "$(awk '{print $(NF-1)}' <<<"$line")"
}

printf '%-6s %-7s %5s %6s  %10s\n' round relay rate holdMs achieved
for round in $(seq 1 "$rounds"); do
    for spec in "$@"; do
        rate=${spec%%:*}
        hold=${spec#*:}
        for variant in before off on; do
            run "$variant" "$rate" "$hold"
        done
    done
done
echo "full outputs (latency percentiles, caller time) in $work/*.out"
