#!/usr/bin/env bash
# Crash safety under many kills: tests/faults/check.py with KILLS SIGKILLs per scenario
# (publishing and scheduled publishing, imports, export, backup, spoken audio, restore) on SQLite and, when
# ARABPRESS_TEST_POSTGRES names a server, on PostgreSQL; then disk full on a small tmpfs.
# Bounded: KILLS restarts per scenario, each process killed within a few seconds.
# The seed is printed; FAULTS_SEED=N replays a run.
# Usage: bench/faults.sh [KILLS] (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-50}
cargo build -p arabpress --locked
bin=${CARGO_TARGET_DIR:-target}/debug/arabpress
python3 tests/faults/check.py "$bin" "$kills" "${ARABPRESS_TEST_POSTGRES:-}"
