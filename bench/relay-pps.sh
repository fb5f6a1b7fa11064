#!/usr/bin/env bash
# Relay packets per CPU-second: this gateway against rtpengine, same RTP blaster, same run (issue 14).
#
#   bench/relay-pps.sh [options] [MODE:CALLS ...]        default: plain:500 srtp:250
#
# For each MODE:CALLS and round, for each target (gateway, then rtpengine) it starts the relay, sets up
# CALLS calls, streams 172-byte G.711 both ways on every call (50 pps each way at --ptime 20), measures
# for --seconds after --warmup, and stops the relay:
#   gateway    java -jar JAR --config (bench/relay-bench.yaml with the ports below), a fresh working
#              directory; calls set up by SIP (digest auth, charging with the journal, routing to the
#              blaster's carrier on --carrier-port), the relay's one I/O thread.
#   rtpengine  rtpengine (Debian rtpengine-daemon 10.5) in user space: --table=-1 (no kernel
#              forwarding), --num-threads=1, calls set up with ng offer/answer on loopback.
# The blaster is GatewayRtpBench (gateway test sources) in its own JVM: MODE srtp makes the client leg
# RTP/SAVP (SDES, AES_CM_128_HMAC_SHA1_80) and the carrier leg plain RTP. CPU = utime + stime of the
# relay's process from /proc/<pid>/stat (all threads: I/O, SIP, GC, JIT for the gateway), over the
# measurement window.
#
# Options: --seconds S (10) --warmup S (5) --ptime MS (20) --rounds N (1) --targets "gateway rtpengine"
#   --jar PATH (gateway/target/gateway.jar, built if missing) --jvm "OPTS" (-Xms4g -Xmx4g)
#   --jar-b PATH: another gateway build, measured as target gateway-b right after gateway in every round
#   (A/B); repeat it for more builds (gateway-c, gateway-d, ...)
#   --sip-port P (15060) --http-port P (18080) --carrier-port P (15080) --ng-port P (15062)
#   --media MIN-MAX (40000-50999) --lock FILE (/tmp/bench.lock, held for each MODE:CALLS of a round)
# Prints one line per run and keeps every log in the printed /tmp/relay-pps.* directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=10 warmup=5 ptime=20 rounds=1 targets="gateway rtpengine" jar="" jvm="-Xms4g -Xmx4g -XX:MaxTenuringThreshold=2"
sip_port=15060 http_port=18080 carrier_port=15080 ng_port=15062 media=40000-50999 lock=/tmp/bench.lock
runs=() jars_b=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --ptime) ptime=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --jar) jar=$2; shift 2 ;;
    --jar-b) jars_b+=("$2"); shift 2 ;;
    --jvm) jvm=$2; shift 2 ;;
    --sip-port) sip_port=$2; shift 2 ;;
    --http-port) http_port=$2; shift 2 ;;
    --carrier-port) carrier_port=$2; shift 2 ;;
    --ng-port) ng_port=$2; shift 2 ;;
    --media) media=$2; shift 2 ;;
    --lock) lock=$2; shift 2 ;;
    *:*) runs+=("$1"); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#runs[@]} -gt 0 ] || runs=(plain:500 srtp:250)
names_b="" letters=(b c d e f)
for i in "${!jars_b[@]}"; do names_b+=" gateway-${letters[$i]}"; done
[ -z "$names_b" ] || targets=$(sed "s/\bgateway\b/gateway$names_b/" <<< "$targets")
[ "$rounds" -le 5 ] && [ "$seconds" -le 60 ] || { echo "at most 5 rounds of 60 s" >&2; exit 2; }
media_min=${media%-*} media_max=${media#*-}

out=$(mktemp -d /tmp/relay-pps.XXXXXX)
echo "logs in $out"

# ---- build: the blaster's classes and classpath; the gateway jar if there is none ----
# Offline first; a fresh machine may not have the dependency plugin's own artifacts yet: then once online.
build_classpath() {
  (cd "$root" && mvn "$@" -q -pl gateway -am test-compile dependency:build-classpath \
      -Dmdep.outputFile="$out/cp.txt" -Dmdep.includeScope=test >> "$out/build.log" 2>&1)
}
build_classpath -o || build_classpath || { echo "build failed, see $out/build.log" >&2; exit 1; }
if [ -z "$jar" ] && [ ! -f "$root/gateway/target/gateway.jar" ]; then
  (cd "$root" && mvn -o -q -pl gateway -am package -DskipTests >> "$out/build.log" 2>&1)
fi
# The blaster runs from copies of the class directories, so that a rebuild during the run cannot touch it.
mkdir -p "$out/classes"
for d in gateway/target/test-classes gateway/target/classes media-relay/target/test-classes \
         media-relay/target/classes charging/target/classes; do
  mkdir -p "$out/classes/$d" && cp -r "$root/$d/." "$out/classes/$d/"
done
cp_blaster="$out/classes/gateway/target/test-classes:$out/classes/gateway/target/classes"
cp_blaster+=":$out/classes/media-relay/target/test-classes:$out/classes/media-relay/target/classes"
cp_blaster+=":$out/classes/charging/target/classes:$(tr ':' '\n' < "$out/cp.txt" | grep '\.jar$' | paste -sd:)"
cp "${jar:-$root/gateway/target/gateway.jar}" "$out/gateway.jar"
for i in "${!jars_b[@]}"; do cp "${jars_b[$i]}" "$out/gateway-${letters[$i]}.jar"; done
command -v rtpengine > /dev/null || case " $targets " in *" rtpengine "*)
  echo "rtpengine not installed: apt-get install rtpengine-daemon (Debian 12: 10.5)" >&2; exit 1 ;; esac

relay_pid=""
stop_relay() {
  if [ -n "$relay_pid" ] && kill -0 "$relay_pid" 2> /dev/null; then
    kill "$relay_pid" 2> /dev/null || true
    for _ in $(seq 50); do kill -0 "$relay_pid" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$relay_pid" 2> /dev/null || true
  fi
  relay_pid=""
}
trap stop_relay EXIT
trap "exit 1" INT TERM

# Waits until something listens on UDP port $1 (at most 60 s).
wait_udp() {
  for _ in $(seq 600); do
    ss -Hlun "sport = :$1" | grep -q . && return 0
    kill -0 "$relay_pid" 2> /dev/null || return 1
    sleep 0.1
  done
  return 1
}

start_gateway() { # $1 = log prefix, $2 = jar
  local dir="$1.gw"
  mkdir -p "$dir"
  sed -e "s/port: 15060 }/port: $sip_port }/g" -e "s/^  port: 18080/  port: $http_port/" \
      -e "s/portMin: 40000/portMin: $media_min/" -e "s/portMax: 50999/portMax: $media_max/" \
      -e "s/^    port: 15080/    port: $carrier_port/" "$root/bench/relay-bench.yaml" > "$dir/relay-bench.yaml"
  # shellcheck disable=SC2086
  (cd "$dir" && exec java $jvm -jar "$2" --config relay-bench.yaml > gateway.log 2>&1) &
  relay_pid=$!
  wait_udp "$sip_port"
}

start_rtpengine() { # $1 = log prefix
  rtpengine --config-file=none --foreground --table=-1 --interface=127.0.0.1 \
      --listen-ng="127.0.0.1:$ng_port" --port-min="$media_min" --port-max="$media_max" --num-threads=1 \
      --timeout=60 --log-stderr --log-level=4 > "$1.rtpengine.log" 2>&1 &
  relay_pid=$!
  wait_udp "$ng_port"
}

printf '%-9s %-5s %5s %6s %8s %9s %13s %7s %8s %8s\n' target mode calls ptime pps cpu% pkts/cpu-s loss% p50ms p99ms
for round in $(seq "$rounds"); do
  for run in "${runs[@]}"; do
    mode=${run%%:*} calls=${run#*:}
    # The targets of one MODE:CALLS run back to back under the lock, so that they share the machine's state.
    exec 9> "$lock"
    flock 9
    for target in $targets; do
      log="$out/r$round.$mode.$calls.$target"
      if [ "$target" != rtpengine ]; then
        start_gateway "$log" "$out/$target.jar" || { echo "gateway did not start, see $log.gw/gateway.log" >&2; stop_relay; exit 1; }
        where=(--gateway "$sip_port" --carrier-port "$carrier_port")
      else
        start_rtpengine "$log" || { echo "rtpengine did not start, see $log.rtpengine.log" >&2; stop_relay; exit 1; }
        where=(--rtpengine "$ng_port")
      fi
      timeout $((seconds + warmup + 240)) java -Xms1g -Xmx1g -cp "$cp_blaster" \
          dev.softswitch.gateway.e2e.GatewayRtpBench "$calls" "$seconds" "$mode" --ptime "$ptime" \
          --warmup "$warmup" "${where[@]}" --pid "$relay_pid" > "$log.blaster.log" 2>&1 || true
      stop_relay
      line=$(grep '^RESULT ' "$log.blaster.log" || true)
      if [ -z "$line" ]; then
        echo "$target $mode $calls: no result, see $log.blaster.log" >&2
        continue
      fi
      get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$line"; }
      printf '%-9s %-5s %5s %6s %8s %9s %13s %7s %8s %8s\n' "$target" "$mode" "$(get streaming)" "$(get ptime)" \
          "$(get pps)" "$(get cpu)" "$(get pktsPerCpuSec)" "$(get loss)" "$(get p50)" "$(get p99)"
      if [ "$(get srtpFailed)" != 0 ] || [ "$(get not172)" != 0 ]; then
        echo "  check failed: srtpFailed=$(get srtpFailed) not172=$(get not172)" >&2
      fi
    done
    flock -u 9
  done
done
