#!/usr/bin/env bash
# Newsletter delivery benchmark (loopback only, bounded: one send to N subscribers, twice).
#
# Builds the release binary, makes a demo site with N confirmed subscribers (default
# 10,000) and queues one breaking-news send, then delivers it through a local SMTP sink
# (PyPI aiosmtpd) and prints messages/s and the worker's peak memory; without and with
# DKIM (RSA-2048). The baseline, run in the same command against the same sink: Python's
# smtplib sending the same number of ready-made messages over as many connections, which
# is what the sink itself can take.
# Usage: bench/newsletter.sh [SUBSCRIBERS]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install -q aiosmtpd
cargo build --release -p arabpress --locked
exec python3 bench/newsletter.py target/release/arabpress "${1:-10000}"
