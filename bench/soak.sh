#!/usr/bin/env bash
# Soak (loopback only, bounded): a mixed load at about half of the measured peak on one
# demo node for MINUTES minutes (default 30), printing every minute the request rate, p99
# latency, resident memory, open descriptors, database and WAL size, then the slopes
# after warm-up and whether each target held (bench/soak.py says what the mix is).
# Usage: bench/soak.sh [MINUTES] [BINARY] [--no-targets]
#   BINARY defaults to target/debug/arabpress (built when missing). Exits non-zero on any
#   5xx answer or connection error, and on a missed target unless --no-targets.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
bin=${2:-target/debug/arabpress}
if ! command -v wrk >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
[[ -x $bin ]] || cargo build -p arabpress --locked
exec python3 bench/soak.py "$bin" "$minutes" "${@:3}"
