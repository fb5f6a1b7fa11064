#!/usr/bin/env bash
# Runs every scenario pair against each other on loopback, without the gateway, over UDP and TCP.
# Each pair must end with exit code 0 on both sides. Usage: sipp-scenarios/selfcheck.sh
set -euo pipefail
cd "$(dirname "$0")"

caller=(-s +447400123456 -set account alice -au alice -ap alice-demo)
failures=0

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# pair NAME UAS UAC TRANSPORT "UAS OPTIONS" "UAC OPTIONS"
pair() {
    local name=$1 uas=$2 uac=$3 transport=$4 uas_options=$5 uac_options=$6
    local port media dir carrier_rc client_rc carrier
    port=$(free_port); media=$((20000 + (RANDOM % 5000) * 2))
    dir=$(mktemp -d "/tmp/selfcheck.$name.$transport.XXXXXX")
    # shellcheck disable=SC2086 # options are word lists
    sipp -sf "$uas" -i 127.0.0.1 -p "$port" -mi 127.0.0.1 -mp "$media" -t "$transport" -m 1 -nostdin \
        -timeout 20s -timeout_error -trace_err -error_file "$dir/uas.err" $uas_options > "$dir/uas.out" 2>&1 &
    carrier=$!
    sleep 0.3
    client_rc=0
    # shellcheck disable=SC2086
    sipp -sf "$uac" -i 127.0.0.1 -mi 127.0.0.1 -mp $((media + 10)) -t "$transport" -m 1 -nostdin \
        -timeout 20s -timeout_error -trace_err -error_file "$dir/uac.err" "${caller[@]}" $uac_options \
        "127.0.0.1:$port" > "$dir/uac.out" 2>&1 || client_rc=$?
    carrier_rc=0
    wait "$carrier" || carrier_rc=$?
    if ((client_rc == 0 && carrier_rc == 0)); then
        printf 'ok    %-18s %s  %s <- %s\n' "$name" "$transport" "$uac" "$uas"
        rm -rf "$dir"
    else
        printf 'FAIL  %-18s %s  %s <- %s: uac %d, uas %d, logs in %s\n' \
            "$name" "$transport" "$uac" "$uas" "$client_rc" "$carrier_rc" "$dir"
        failures=$((failures + 1))
    fi
}

# Every client scenario authenticates (its first INVITE is challenged with 407, as the gateway does), so
# each is checked against challenge/uas.xml, a far end that challenges and then answers; the carrier
# scenarios are checked against a client through the gateway by the end-to-end tests.
for t in u1 t1; do
    pair basic-call        challenge/uas.xml        basic-call/uac.xml       $t ""                "-d 200"
    pair app-client        challenge/uas.xml        app-client/uac.xml       $t ""                "-d 200"
    pair rtp               challenge/uas.xml        rtp/uac.xml              $t ""                "-d 500"
done

((failures == 0)) || { echo "$failures pair(s) failed"; exit 1; }
