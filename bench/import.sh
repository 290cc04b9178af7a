#!/usr/bin/env bash
# WordPress import benchmark (local files only, bounded: two imports).
#
# Builds the release binary, generates WordPress exports with bench/wxr.py and imports them
# into new SQLite sites with `arabpress import wxr`, printing:
#   1. posts/s for 10,000 posts of about 300 words (target >= 2,000/s), beside Python's
#      streaming iterparse merely reading the same file (the baseline);
#   2. the peak resident memory importing a 500 MB export (target < 200 MB: the file is
#      streamed, never held whole).
# The imports run with --no-reindex: the figures are the import's own (indexing has its
# own benchmark, bench/search.sh).
# Usage: bench/import.sh [POSTS] [BIG_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-10000}
big_mb=${2:-500}
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
cargo build --release -p arabpress --locked
bin=$PWD/target/release/arabpress
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== $posts posts of about 300 words"
python3 bench/wxr.py "$posts" 300 >"$tmp/small.xml"
echo "   $(($(stat -c %s "$tmp/small.xml") / 1024 / 1024)) MB"
read -r parsed parse_secs < <(python3 bench/wxr.py --parse "$tmp/small.xml")
RUST_LOG=warn /usr/bin/time -v "$bin" import --no-reindex wxr --data "$tmp/site1" "$tmp/small.xml" >"$tmp/small.out" 2>"$tmp/small.time"
grep -v '^  #' "$tmp/small.out" | sed 's/^/   /'
rate=$(sed -n 's/.*(\([0-9]*\) posts and pages\/s).*/\1/p' "$tmp/small.out")
imported=$(sed -n 's/^imported \([0-9]*\) articles.*/\1/p' "$tmp/small.out")
[[ $imported == "$posts" ]] || { echo "imported $imported of $posts" >&2; exit 1; }

# Each post about 50 KB, as many as make the file BIG_MB.
big_posts=$((big_mb * 1024 / 50))
echo "== $big_posts posts of about 7,000 words (~${big_mb} MB)"
python3 bench/wxr.py "$big_posts" 7000 >"$tmp/big.xml"
big_size=$(($(stat -c %s "$tmp/big.xml") / 1024 / 1024))
echo "   $big_size MB"
RUST_LOG=warn /usr/bin/time -v "$bin" import --no-reindex wxr --data "$tmp/site2" "$tmp/big.xml" >"$tmp/big.out" 2>"$tmp/big.time"
grep -v '^  #' "$tmp/big.out" | sed 's/^/   /'
peak=$(awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$tmp/big.time")

echo
echo "RESULTS (release build, SQLite, 2 cores)"
printf '  import, %d posts            %8d posts/s   (target >= 2000)\n' "$posts" "$rate"
printf '  Python iterparse, reading   %8.0f posts/s   import = %.2f x the bare parse\n' \
  "$(python3 -c "print($parsed / $parse_secs)")" "$(python3 -c "print($rate / ($parsed / $parse_secs))")"
printf '  peak memory, %d MB file    %8d MB        (target < 200 MB)\n' "$big_size" "$peak"
