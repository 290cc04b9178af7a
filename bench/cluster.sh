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
# Usage: bench/cluster.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-96}
threads=6

for tool in wrk nginx curl; do
  if ! command -v $tool >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light curl >/dev/null
    break
  fi
done

cargo build --release -p arabpress --locked
bin=target/release/arabpress
pg=$(scripts/postgres 55433)
db="arabpress_bench_$$"
db_url="${pg%/*}/$db"
psql -q "$pg" -c "CREATE DATABASE $db"
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -f $tmp/nginx.pid ]] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  psql -q "$pg" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$tmp"
}
trap cleanup EXIT

declare -A port=([a]=18280 [b]=18281 [c]=18282)
nginx_port=18283
start() { # name command
  # One public address for all nodes, as behind a load balancer.
  ARABPRESS_DATABASE_URL=$db_url ARABPRESS_BASE_URL=https://arabpress.example RUST_LOG=warn ARABPRESS_DIGEST_HOUR=-1 \
    $bin "$2" --data "$tmp/$1" --listen "127.0.0.1:${port[$1]}" >"$tmp/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 1200); do
    curl -fs "http://127.0.0.1:${port[$1]}/healthz" >/dev/null 2>&1 && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "node $1 died" >&2; cat "$tmp/$1.log" >&2; exit 1; }
    sleep 0.25
  done
  echo "node $1 did not start" >&2
  exit 1
}

echo "== three nodes on one PostgreSQL"
start a demo
start b serve
start c serve
token=$(sed -n 's/^admin API token for the demo: //p' "$tmp/a.log")

path='/ar/article/الخبيرة-الاقتصادية-داليا-فاروق-سعر-الخبز-مقياس-للثقة'
quoted=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$path")
mkdir -p "$tmp/www"
curl -fs "http://127.0.0.1:${port[a]}$quoted" -o "$tmp/www/article.html"
for n in b c; do
  curl -fs "http://127.0.0.1:${port[$n]}$quoted" | cmp - "$tmp/www/article.html"
done
bytes=$(stat -c %s "$tmp/www/article.html")
echo "   article page: $bytes bytes, identical on the three nodes"

cat >"$tmp/nginx.conf" <<NGINX
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/html html; }
  charset utf-8;
  server {
    listen 127.0.0.1:$nginx_port;
    root $tmp/www;
    location / { try_files /article.html =404; }
  }
}
NGINX
nginx -c "$tmp/nginx.conf"

load() { # NODES → wrk output with per-node lines
  NODES=$1 wrk -t$threads -c"$conns" -d"${secs}s" -s bench/cluster.lua "http://127.0.0.1:${port[a]}$quoted"
}
total() { awk '/Requests\/sec/ {print $2}'; }

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
  "http://127.0.0.1:${port[c]}" 20)
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
