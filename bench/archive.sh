#!/usr/bin/env bash
# A deep archive on SQLite: the demo site plus N generated articles (default 1,000,000),
# then the start-up time of `serve` on it and the time of the pages that a deep archive
# makes slow when a query walks every article: deep section and author pages, the sitemap
# index and its last file, the Google News sitemap, the newsroom's list and dashboard.
# Pages are rendered on every request (--no-cache), fetched five times each; the median is
# printed beside its target (bench/archive.py). Loopback only; bounded (a few requests per
# page).
#
# The articles are rows written straight into the database by SQL (half Arabic, half
# English, over the demo's sections, one in ten by the demo's first author), with no body,
# tags or search index entries: the benchmark measures reading a deep archive, not
# writing one.
# Usage: bench/archive.sh [N]   (a quick check that it works:
# ARABPRESS_BIN=target/debug/arabpress bench/archive.sh 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
n=${1:-1000000}
port=18190

bench_tools curl sqlite3
bench_binary
bench_setup
data="$tmp/data"
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

echo "== the demo site"
bench_start demo $port demo --data "$data"
bench_stop "$server"

echo "== $n generated articles"
started=$EPOCHREALTIME
sqlite3 "$data/arabpress.sqlite" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE bench_sections AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM sections;
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $n)
INSERT INTO articles (lang, slug, headline, standfirst, reading_minutes, kind, status,
                      section_id, created_at, updated_at, published_at, version)
SELECT CASE i % 2 WHEN 0 THEN 'ar' ELSE 'en' END, 'archive-' || i, 'Archive story ' || i,
       'From the archive.', 3, 'news', CASE WHEN i % 50 = 0 THEN 'draft' ELSE 'published' END,
       (SELECT id FROM bench_sections WHERE k = (i / 2) % (SELECT COUNT(*) FROM bench_sections)),
       1400000000 + i * 300, 1400000000 + i * 300, 1400000000 + i * 300, 1
FROM g;
INSERT INTO article_authors (article_id, author_id, position)
SELECT id, (SELECT MIN(id) FROM authors), 0 FROM articles WHERE slug LIKE 'archive-%' AND (id / 2) % 10 = 0;
COMMIT;
SQL
echo "   written in $(since "$started") s: $(sqlite3 "$data/arabpress.sqlite" "SELECT COUNT(*) FROM articles") articles in all"

echo "== serve: start-up (target 5 s)"
started=$EPOCHREALTIME
bench_start serve $port serve --data "$data" --no-cache
echo "   answering after $(since "$started") s"

password=$(head -c 18 /dev/urandom | base64)
echo "$password" | RUST_LOG=warn "$bin" user add --data "$data" --email bench@arabpress.example \
  --name Bench --role admin --password-stdin >/dev/null
read -r section section_count < <(sqlite3 -separator ' ' "$data/arabpress.sqlite" \
  "SELECT s.slug, COUNT(*) FROM articles a JOIN sections s ON s.id = a.section_id
   WHERE a.lang = 'en' AND a.status = 'published' GROUP BY s.slug ORDER BY s.id LIMIT 1")
read -r author author_count < <(sqlite3 -separator ' ' "$data/arabpress.sqlite" \
  "SELECT u.slug, COUNT(*) FROM article_authors x JOIN authors u ON u.id = x.author_id
   JOIN articles a ON a.id = x.article_id WHERE a.lang = 'en' AND a.status = 'published'
   GROUP BY u.slug ORDER BY COUNT(*) DESC LIMIT 1")
deep=$(( section_count / 12 > 1 ? section_count / 12 : 1 ))
author_deep=$(( author_count / 12 > 1 ? author_count / 12 : 1 ))
files=$(curl -fs "http://127.0.0.1:$port/sitemap.xml" | grep -c '/sitemaps/articles/')
echo "   section $section: $section_count English articles, last page $deep;" \
  "author $author: $author_count, last page $author_deep; $files sitemap files"

echo "== pages, uncached (median of 5 requests)"
python3 bench/archive.py "http://127.0.0.1:$port" bench@arabpress.example "$password" \
  "/en/=50" \
  "/en/section/$section=50" \
  "/en/section/$section?page=$deep=50" \
  "/en/author/$author?page=$author_deep=50" \
  "/sitemap.xml=1000" \
  "/sitemaps/articles/$files.xml=1000" \
  "/sitemap-news.xml=1000" \
  "/en/rss.xml=100" \
  "/admin=200" \
  "/admin/articles=200" \
  "/admin/articles?status=draft=200" \
  "/admin/articles?lang=ar&page=200=200" \
  "/admin/articles?q=story+99=200"
echo "   serve resident memory: $(awk '/VmRSS/ {print $2 / 1024 " MB"}' "/proc/$server/status")"
