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
