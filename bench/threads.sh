#!/usr/bin/env bash
# CPU of each thread of a process over a window, busiest first: which thread is the bottleneck.
#
#   bench/threads.sh PID [SECONDS]     (default 20 s)
#
# Threads with the same name (netty's "sip-udp-1-1", the charging pool) are listed one by one; the
# last line is the whole process. 100% = one core. Reads /proc/PID/task/*/stat (utime + stime).
set -euo pipefail
pid=${1:?usage: $0 PID [SECONDS]}
seconds=${2:-20}
hz=$(getconf CLK_TCK)

snapshot() {
    local task stat rest
    for task in /proc/"$pid"/task/*; do
        stat=$(< "$task/stat") 2>/dev/null || continue
        rest=${stat##*) }
        read -r -a f <<< "$rest"
        # after "(comm) ": state is field 3, utime 14, stime 15 -> indexes 11 and 12
        printf '%s %s %d\n' "${task##*/}" "$(tr ' ' '_' < "$task/comm")" $((f[11] + f[12]))
    done
}

before=$(snapshot)
sleep "$seconds"
after=$(snapshot)
join <(sort <<< "$before") <(sort <<< "$after") | awk -v hz="$hz" -v s="$seconds" '
    { d = $5 - $3; total += d; if (d > 0) printf "%7.1f%%  %s (tid %s)\n", 100 * d / hz / s, $2, $1 }
    END { printf "%7.1f%%  whole process\n", 100 * total / hz / s }' | sort -rn
