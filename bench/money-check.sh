#!/usr/bin/env bash
# After a load run: do the account's balance and the call records add up, to the micro-unit? (issue 14: "the money
# properties still hold under the load runs".) Reads the account from the admin API and sums the records of its
# calls in CDR_FILE:
#
#   initial balance - balance now  ==  sum of the records' amounts      (nothing lost, nothing invented)
#   reserved now                   ==  0                                 (every call settled, none left holding credit)
#   every answered record's amount ==  price a minute x billed seconds / 60 + connect fee (credit-paid records)
#
#   bench/money-check.sh [--http HOST:PORT] [--token T] [--account A] [--initial DECIMAL] [--wait SECONDS] CDR_FILE
#
# Defaults match bench/gateway-bench.yaml (the bench account's 100000000.00 USD, the read-only bench token) on
# HTTP 18100 (bench/README.md's ports). Run it after the calls have ended (cps-run.sh does, 10 s after the last
# rate). --wait: while credit is still reserved, reads the account again every second for up to SECONDS (default
# 0) before checking: after an overloaded run a few calls end late (an unanswered INVITE's Timer B is 32 s), and
# their reservations settle then; one still held after the wait is a mismatch. Exits 1 on any mismatch.
set -euo pipefail
http=127.0.0.1:18100
token=bench-read-token
account=bench
initial=100000000.00
wait_for=0
while (($#)); do
    case $1 in
        --http) http=$2; shift 2 ;;
        --token) token=$2; shift 2 ;;
        --account) account=$2; shift 2 ;;
        --initial) initial=$2; shift 2 ;;
        --wait) wait_for=$2; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
(($# == 1)) || { echo "usage: $0 [options] CDR_FILE" >&2; exit 2; }
cdr=$1
read_account() {
    curl -sf -H "Authorization: Bearer $token" "http://$http/api/v1/accounts/$account" \
        || { echo "cannot read account $account from http://$http (token?)" >&2; exit 2; }
}
json=$(read_account)
for ((waited = 0; waited < wait_for; waited++)); do
    python3 -c 'import json, sys; from decimal import Decimal
sys.exit(0 if Decimal(json.loads(sys.argv[1])["balance"]["reserved"]) == 0 else 1)' "$json" && break
    sleep 1
    json=$(read_account)
done
((waited == 0)) || echo "waited ${waited} s for reservations to settle" >&2
python3 - "$cdr" "$account" "$initial" "$json" <<'PY'
import json, sys
from decimal import Decimal
cdr, account, initial, view = sys.argv[1], sys.argv[2], Decimal(sys.argv[3]), json.loads(sys.argv[4])
micros = lambda d: int(Decimal(d) * 1_000_000)
total, reserved = micros(view["balance"]["total"]), micros(view["balance"]["reserved"])
records = answered = summed = wrong = 0
for line in open(cdr):
    r = json.loads(line)
    if r["caller"] != account:
        continue
    records += 1
    amount = r["amount"]["micros"] if r.get("amount") else 0
    summed += amount
    if r.get("answer"):
        answered += 1
        c = r.get("charge") or {}
        if c and not c.get("planMinutes") and not c.get("packageMinutes") and not c.get("taxBasisPoints"):
            expected = c["pricePerMinuteMicros"] * r["billedSeconds"] // 60 + c.get("connectFeeMicros", 0)
            wrong += amount != expected
spent = micros(initial) - total
ok = spent == summed and reserved == 0 and wrong == 0
print(f"records {records} (answered {answered}); charged in records {summed} micros; balance moved {spent} micros;"
      f" reserved now {reserved}; records priced otherwise than their rate {wrong}: {'OK' if ok else 'MISMATCH'}")
sys.exit(0 if ok else 1)
PY
