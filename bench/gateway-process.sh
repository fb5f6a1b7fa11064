# Sourced by the A/B scripts (cps-ab.sh, concurrency-ab.sh): the one gateway process they run at a time.
# Needs $gateway (host:port of its SIP listen point).

# Refuses to go on if another process holds the gateway's SIP port.
require_free_sip_port() {
    local sip_port=${gateway##*:}
    if ss -Hlun "sport = :$sip_port" | grep -q .; then
        echo "UDP $sip_port is taken: stop the running gateway first (pgrep -af gateway.jar)" >&2
        exit 1
    fi
}

gateway_pid=
# Stops the gateway started last (SIGTERM, then SIGKILL after 10 s); runs at exit too.
stop_gateway() {
    if [[ -n $gateway_pid ]]; then
        kill "$gateway_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$gateway_pid" 2>/dev/null || true
        wait "$gateway_pid" 2>/dev/null || true
        gateway_pid=
    fi
}
trap stop_gateway EXIT

# Starts JAR with CONFIG and JVM options in DIR (its log: DIR/gateway.log), sets $gateway_pid and waits up to
# 30 s until it listens on $gateway's SIP port; exits naming LABEL and the log if it does not.
#   start_gateway LABEL DIR JAR CONFIG "JVM OPTIONS"
start_gateway() {
    local label=$1 dir=$2 jar=$3 config=$4 jvm=$5 sip_port=${gateway##*:}
    # shellcheck disable=SC2086 # the options are words
    (cd "$dir" && exec java $jvm -jar "$jar" --config "$config" > "$dir/gateway.log" 2>&1) &
    gateway_pid=$!
    for _ in $(seq 1 150); do
        ss -Hlun "sport = :$sip_port" | grep -q . && return 0
        sleep 0.2
    done
    echo "$label: gateway did not start (see $dir/gateway.log)" >&2
    exit 1
}
