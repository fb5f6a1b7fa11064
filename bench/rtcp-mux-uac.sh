#!/usr/bin/env bash
# Writes sipp-scenarios/basic-call/uac.xml with a=rtcp-mux (RFC 5761) after its audio format in both INVITEs to
# FILE: the app client as WebRTC-based clients offer, for bench/cps.sh and bench/concurrency.sh --rtcp-mux.
#
#   bench/rtcp-mux-uac.sh FILE
set -euo pipefail
(($# == 1)) || { echo "usage: $0 FILE" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
sed 's#^\( *\)a=rtpmap:0 PCMU/8000$#&\n\1a=rtcp-mux#' "$root/sipp-scenarios/basic-call/uac.xml" > "$1"
[[ $(grep -c 'a=rtcp-mux$' "$1") == 2 ]] || { echo "could not add a=rtcp-mux to basic-call/uac.xml" >&2; exit 1; }
