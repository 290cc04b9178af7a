#!/usr/bin/env bash
# Page-serving benchmark (loopback only, bounded: three 10-second wrk runs).
#
# Builds the release binary, creates a site with the demo content plus a 10,000-article
# archive, and measures requests/second for one Arabic article page:
#   1. arabpress with its page cache,
#   2. nginx (Debian) serving the identical bytes as a static file,
#   3. arabpress rendering every request (--no-cache),
# then prints the figures, the ratios, and the server's resident memory after it has
# served every page of the archive once.
# Usage: bench/pages.sh [SECONDS] [CONNECTIONS]   (ARCHIVE=N for another archive size;
# a quick check that it works: ARABPRESS_BIN=target/debug/arabpress ARCHIVE=50 bench/pages.sh 1 4)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
secs=${1:-10}
conns=${2:-64}
archive=${ARCHIVE:-10000}
port=18180
nginx_port=18181

bench_tools wrk nginx curl
bench_binary
bench_setup

echo "== generating the demo site with $archive archive articles"
start=$(date +%s)
bench_start server $port demo --data "$tmp/data" --archive "$archive"
gen=$(( $(date +%s) - start ))
echo "   site ready in ${gen}s"

url="http://127.0.0.1:$port$(bench_quote "$bench_article")"
mkdir -p "$tmp/www"
curl -fs "$url" -o "$tmp/www/article.html"
bytes=$(stat -c %s "$tmp/www/article.html")
echo "   article page: $bytes bytes"

bench_nginx $nginx_port
curl -fs "http://127.0.0.1:$nginx_port/article.html" | cmp - "$tmp/www/article.html"

echo "== arabpress, cached page"
cached=$(bench_wrk -t2 -c"$conns" -d"${secs}s" "$url" | rps)
echo "   $cached requests/s"
echo "== nginx, same bytes as a static file"
nginx_rps=$(bench_wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$nginx_port/article.html" | rps)
echo "   $nginx_rps requests/s"

echo "== memory after serving every page once"
n=0
for lang in ar en; do
  for section in politics economy world technology culture sport; do
    for p in $(seq 1 200); do
      html=$(curl -fs "http://127.0.0.1:$port/$lang/section/$section?page=$p" || true)
      [[ -z $html ]] && break
      n=$((n + 1))
      grep -o "href=\"/$lang/article/[^\"]*\"" <<<"$html" | sed 's/href="//; s/"$//' | sort -u |
        python3 -c 'import sys, urllib.parse; [print(urllib.parse.quote(l.strip())) for l in sys.stdin]' \
        >>"$tmp/urls.txt"
    done
  done
done
sort -u "$tmp/urls.txt" | sed "s|^\(.*\)$|url = \"http://127.0.0.1:$port\1\"\noutput = \"/dev/null\"|" >"$tmp/curl.cfg"
curl -fs --no-progress-meter --parallel --parallel-max 4 -K "$tmp/curl.cfg"
articles=$(sort -u "$tmp/urls.txt" | wc -l)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo "   served $n list pages and $articles article pages; resident $((rss / 1024)) MB (peak $((hwm / 1024)) MB)"
bench_stop "$server"

echo "== arabpress, every request rendered (--no-cache)"
bench_start server $port serve --no-cache --data "$tmp/data"
curl -fs "$url" -o /dev/null
uncached=$(bench_wrk -t2 -c"$conns" -d"${secs}s" "$url" | rps)
echo "   $uncached requests/s"

echo
echo "RESULTS (article page, $bytes bytes, $archive+52 articles, wrk -t2 -c$conns -d${secs}s, 2 cores shared with wrk)"
printf '  nginx static file     %10.0f req/s\n' "$nginx_rps"
printf '  arabpress cached      %10.0f req/s   %.2f x nginx   (target >= 0.70)\n' "$cached" "$(python3 -c "print($cached / $nginx_rps)")"
printf '  arabpress uncached    %10.0f req/s   %.2f x nginx   (target >= 1500 req/s)\n' "$uncached" "$(python3 -c "print($uncached / $nginx_rps)")"
printf '  resident memory       %10d MB      peak %d MB      (target < 150 MB)\n' "$((rss / 1024))" "$((hwm / 1024))"
