#!/usr/bin/env bash
# The young pauses of a gateway's gc log from some uptime on, e.g. the measured rate of a bench/cps-run.sh run
# started with CPS_JAVA_OPTS="-Xlog:gc,safepoint:file=gc.log:uptime" (the log is in the run's directory):
#
#   bench/gc-pauses.sh RUN_DIR/gc.log [FROM_SECONDS]     (default 90: after cps-run.sh's warm-up)
#
# prints: pauses N, total T ms, p50 / p95 / max in ms.
set -euo pipefail
log=${1:?usage: bench/gc-pauses.sh GC_LOG [FROM_SECONDS]}
from=${2:-90}
grep "Pause" "$log" | awk -v from="$from" '{ t = substr($1, 2) + 0; if (t >= from) { v = $NF; sub(/ms$/, "", v); print v } }' \
    | sort -n | awk '{ a[NR] = $1; s += $1 }
        END { if (NR == 0) { print "no pauses"; exit }
              p50 = int(NR * 0.5); if (p50 < 1) p50 = 1
              p95 = int(NR * 0.95); if (p95 < 1) p95 = 1
              printf "pauses %d, total %.0f ms, p50 %.0f, p95 %.0f, max %.0f ms\n", NR, s, a[p50], a[p95], a[NR] }'
