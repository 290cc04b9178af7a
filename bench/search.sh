#!/usr/bin/env bash
# Search benchmark (in-process, bounded: one pass over N synthetic articles).
#
# Builds the search crate's benchmark in the release profile, generates N articles (default
# 100,000; half Arabic, half English, with word frequencies of real text), indexes them on
# disk and prints the indexing rate, search latency p50/p99 over 1,000 queries and
# related-stories latency p50, each beside tantivy's default tokenizer and plain BM25 on
# the same documents, run in the same command.
# Usage: bench/search.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p arabpress-search --bench search --locked -- "${1:-100000}"
