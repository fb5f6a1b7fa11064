#!/usr/bin/env bash
# Where a load run's calls spent their time, from its call records (issue 14): for the calls that began between
# FROM and TO seconds after the first record (default: all), the final codes, set-up (answer - start: INVITE in to
# 200 out) and talk (end - answer: to the BYE) percentiles, and second by second the calls that began, the most
# answered calls up at once (start to end: what holds relay ports) and the set-up p50 / p99.
#
#   bench/call-timing.sh [--per-second] CDR_FILE [FROM [TO]]
#
# e.g. after bench/cps-run.sh: bench/call-timing.sh --per-second RUN_DIR/var/cdr/bench-calls.jsonl 95 155 (its
# warm-up takes the first 90 s or so). A call holds its relay sockets from a little after its start to its end,
# so "up" against the relay's socket budget (4 sockets a call, 3 with rtcp-mux) shows when ports ran short.
set -euo pipefail

per_second=false
if [[ ${1:-} == --per-second ]]; then
    per_second=true
    shift
fi
(($# >= 1 && $# <= 3)) || { echo "usage: $0 [--per-second] CDR_FILE [FROM [TO]]" >&2; exit 2; }
[[ -r $1 ]] || { echo "cannot read $1" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 needed" >&2; exit 2; }

python3 - "$1" "${2:-0}" "${3:-1e12}" "$per_second" <<'PY'
import json, sys
from collections import Counter, defaultdict
from datetime import datetime

path, lo, hi, per_second = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4] == "true"

def seconds(text):
    # ISO-8601 with up to nanoseconds and a Z: keep the fraction exactly (fromisoformat stops at micros)
    whole, _, fraction = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(whole + "+00:00").timestamp() + (float("0." + fraction) if fraction else 0.0)

records = []
with open(path) as f:
    for line in f:
        r = json.loads(line)
        records.append((seconds(r["start"]), r))
if not records:
    sys.exit("no call records in " + path)
t0 = min(s for s, _ in records)

codes = Counter()
setup, talk = [], []
events = []
second = defaultdict(lambda: {"began": 0, "setup": []})
for start, r in records:
    at = start - t0
    if not lo <= at < hi:
        continue
    codes[r["sipCode"]] += 1
    second[int(at)]["began"] += 1
    if r.get("answer"):
        answer, end = seconds(r["answer"]), seconds(r["end"])
        setup.append(answer - start)
        talk.append(end - answer)
        second[int(at)]["setup"].append(answer - start)
        events.append((start, 1))
        events.append((end, -1))

def pct(values, *ps):
    values = sorted(values)
    return [values[min(len(values) - 1, int(len(values) * p))] * 1000 for p in ps] if values else [float("nan")] * len(ps)

peak = defaultdict(int)
up = 0
for t, d in sorted(events):
    up += d
    peak[int(t - t0)] = max(peak[int(t - t0)], up)

n = sum(codes.values())
print(f"{n} calls began in [{lo:g}, {hi:g}) s; final codes: " + ", ".join(f"{c} x {k}" for k, c in sorted(codes.items())))
s = pct(setup, 0.5, 0.9, 0.99, 0.999)
t = pct(talk, 0.5, 0.9, 0.99)
mean_hold = (sum(setup) + sum(talk)) / len(setup) if setup else float("nan")
print(f"answered {len(setup)}: set-up p50 / p90 / p99 / p99.9 {s[0]:.0f} / {s[1]:.0f} / {s[2]:.0f} / {s[3]:.0f} ms; "
      f"talk p50 / p90 / p99 {t[0]:.0f} / {t[1]:.0f} / {t[2]:.0f} ms; start to end {mean_hold * 1000:.0f} ms on average")
window = [peak[k] for k in peak if lo <= k < hi]
if window:
    print(f"answered calls up at once, the most in a second: min {min(window)}, median {sorted(window)[len(window) // 2]}, "
          f"max {max(window)}")
if per_second:
    print(" second  began   up(max)  set-up p50 / p99 ms")
    for k in sorted(second):
        p = pct(second[k]["setup"], 0.5, 0.99)
        print(f"{k:7d} {second[k]['began']:6d} {peak.get(k, 0):9d}  {p[0]:8.0f} / {p[1]:.0f}")
PY
