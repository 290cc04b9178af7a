#!/usr/bin/env bash
# Three web nodes on one PostgreSQL (loopback only, bounded: four 10-second wrk runs and
# 20 publishes).
#
# Builds the release binary, starts a throw-away PostgreSQL (scripts/postgres), loads the
# demo content through node A and starts nodes B and C on the same database. Then measures
# requests/second for one cached Arabic article page:
#   1. one node taking every request,
#   2. the three nodes together, wrk's threads spread round-robin over them (per node too),
#   3. nginx (Debian) serving the identical bytes as a static file (the baseline),
# and the publish-to-visible delay: articles published through node B's API, timed until
# they show on node A's and node C's cached home pages.
# All nodes share the machine's cores with each other and with wrk: the three-node figure
# shows what the shared state costs, not what three machines would give.
# Usage: bench/cluster.sh [SECONDS] [CONNECTIONS] [PUBLISHES]
#   BENCH_POSTGRES=URL uses that server instead of starting one (on port 55433). A quick
#   check that it works: ARABPRESS_BIN=target/debug/arabpress bench/cluster.sh 1 6 3
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
secs=${1:-10}
conns=${2:-96}
publishes=${3:-20}
threads=6

bench_tools wrk nginx curl
bench_binary
pg=${BENCH_POSTGRES:-$(scripts/postgres 55433)}
db="arabpress_bench_$$"
db_url="${pg%/*}/$db"
bench_setup
psql -q "$pg" -c "CREATE DATABASE $db"
bench_on_exit 'psql -q "$pg" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"'

declare -A port=([a]=18280 [b]=18281 [c]=18282)
nginx_port=18283
start() { # name command
  # One public address for all nodes, as behind a load balancer.
  ARABPRESS_DATABASE_URL=$db_url ARABPRESS_BASE_URL=https://arabpress.example ARABPRESS_DIGEST_HOUR=-1 \
    bench_start "$1" "${port[$1]}" "$2" --data "$tmp/$1"
}

echo "== three nodes on one PostgreSQL"
start a demo
start b serve
start c serve
token=$(sed -n 's/^admin API token for the demo: //p' "$tmp/a.log")

quoted=$(bench_quote "$bench_article")
mkdir -p "$tmp/www"
curl -fs "http://127.0.0.1:${port[a]}$quoted" -o "$tmp/www/article.html"
for n in b c; do
  curl -fs "http://127.0.0.1:${port[$n]}$quoted" | cmp - "$tmp/www/article.html"
done
bytes=$(stat -c %s "$tmp/www/article.html")
echo "   article page: $bytes bytes, identical on the three nodes"

bench_nginx $nginx_port 'location / { try_files /article.html =404; }'

load() { # NODES → wrk output with per-node lines
  NODES=$1 bench_wrk -t$threads -c"$conns" -d"${secs}s" -s bench/cluster.lua "http://127.0.0.1:${port[a]}$quoted"
}
total() { rps; }

echo "== one node (A) takes every request"
one=$(load "127.0.0.1:${port[a]}")
one_rps=$(total <<<"$one")
echo "   $one_rps requests/s"
echo "== three nodes, round-robin"
three=$(load "127.0.0.1:${port[a]},127.0.0.1:${port[b]},127.0.0.1:${port[c]}")
three_rps=$(total <<<"$three")
echo "   $three_rps requests/s"
grep '^node ' <<<"$three" | sed 's/^/   /'
echo "== nginx, the same bytes as a static file"
nginx_out=$(load "127.0.0.1:$nginx_port")
nginx_rps=$(total <<<"$nginx_out")
echo "   $nginx_rps requests/s"
for out in "$one" "$three" "$nginx_out"; do
  bad=$(awk '/^non200/ {print $2}' <<<"$out")
  [[ $bad == 0 ]] || { echo "non-200 answers: $bad" >&2; exit 1; }
done

echo "== publish on B, visible on A and C"
visible=$(python3 bench/cluster.py "$token" "http://127.0.0.1:${port[a]}" "http://127.0.0.1:${port[b]}" \
  "http://127.0.0.1:${port[c]}" "$publishes")
grep -v '^SUMMARY' <<<"$visible" | sed 's/^/   /'

echo
echo "RESULTS (cached article page, $bytes bytes, wrk -t$threads -c$conns -d${secs}s; three nodes, PostgreSQL and wrk share 2 cores)"
printf '  nginx static file        %10.0f req/s\n' "$nginx_rps"
printf '  one node                 %10.0f req/s   %.2f x nginx\n' "$one_rps" "$(python3 -c "print($one_rps / $nginx_rps)")"
printf '  three nodes, total       %10.0f req/s   %.2f x nginx   %.2f x one node\n' "$three_rps" \
  "$(python3 -c "print($three_rps / $nginx_rps)")" "$(python3 -c "print($three_rps / $one_rps)")"
grep '^node ' <<<"$three" | while read -r _ i addr rps; do
  printf '    node %s (%s)   %10.0f req/s\n' "$(tr 123 ABC <<<"$i")" "$addr" "$rps"
done
sed -n 's/^SUMMARY /  /p' <<<"$visible"
echo "  (target: visible on the other nodes within 1000 ms)"
