#!/usr/bin/env bash
# A deep archive on SQLite, then on PostgreSQL: the demo site plus N generated articles
# (default 1,000,000), then the start-up time of `serve` on it and the time of the pages
# that a deep archive makes slow when a query walks every article: deep section and author
# pages (by the old page numbers and by story, `?before=`), the sitemap index and its last
# file, the Google News sitemap, the newsroom's list, dashboard and tag list; then the rate of the
# deepest author page, uncached, beside nginx serving the same bytes; then, on cached
# pages, how long a new article takes to show on the home page, its section, search and
# the feed (bench/publish.py), and how long its near-duplicate check took against the
# archive's fingerprints (from the server's log).
# Pages are rendered on every request (--no-cache), fetched five times each; the median is
# printed beside its target (bench/archive.py). Loopback only; bounded (a few requests per
# page).
#
# The articles are rows written straight into the database by SQL (half Arabic, half
# English, over the demo's sections, one in ten by the demo's first author, each with a
# random near-duplicate fingerprint and one of 20,000 generated tags of its language), with
# no body or search index entries: the benchmark measures reading a deep archive, not
# writing one.
# PostgreSQL: a new database on the server of $ARCHIVE_POSTGRES_URL, else on the one
# scripts/postgres starts on port 55434; ARCHIVE_POSTGRES=0 measures SQLite alone.
# Usage: bench/archive.sh [N]   (a quick check that it works:
# ARABPRESS_BIN=target/debug/arabpress ARCHIVE_WRK_SECONDS=2 bench/archive.sh 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
n=${1:-1000000}
port=18190
nginx_port=18191

bench_tools curl sqlite3 wrk nginx
seconds=${ARCHIVE_WRK_SECONDS:-10}
bench_binary
bench_setup
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

# The generated rows, for either engine: $1 is the statement that numbers them 1..N, $2 a
# random 64-bit fingerprint.
generate_sql() {
  cat <<SQL
BEGIN;
CREATE TEMP TABLE bench_sections AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM sections;
$1
INSERT INTO articles (lang, slug, headline, standfirst, reading_minutes, kind, status,
                      section_id, created_at, updated_at, published_at, version, fingerprint)
SELECT CASE i % 2 WHEN 0 THEN 'ar' ELSE 'en' END, 'archive-' || i, 'Archive story ' || i,
       'From the archive.', 3, 'news', CASE WHEN i % 50 = 0 THEN 'draft' ELSE 'published' END,
       (SELECT id FROM bench_sections WHERE k = (i / 2) % (SELECT COUNT(*) FROM bench_sections)),
       1400000000 + i * 300, 1400000000 + i * 300, 1400000000 + i * 300, 1, $2
FROM g;
INSERT INTO article_authors (article_id, author_id, position)
SELECT id, (SELECT MIN(id) FROM authors), 0 FROM articles WHERE slug LIKE 'archive-%' AND (id / 2) % 10 = 0;
INSERT INTO tags (lang, slug, name)
SELECT lang, 'archive-tag-' || substr(slug, 9),
       CASE lang WHEN 'ar' THEN 'وسم الأرشيف ' ELSE 'Archive tag ' END || substr(slug, 9)
FROM articles WHERE slug LIKE 'archive-%' AND CAST(substr(slug, 9) AS INTEGER) <= 20000;
INSERT INTO article_tags (article_id, tag_id)
SELECT a.id, t.id FROM articles a
JOIN tags t ON t.lang = a.lang
 AND t.slug = 'archive-tag-' || ((CAST(substr(a.slug, 9) AS INTEGER) - 1) % 20000 + 1)
WHERE a.slug LIKE 'archive-%';
COMMIT;
SQL
}

# dup_times FIELD: the median and worst of a field of the server's near-duplicate check
# lines (microseconds), in ms.
dup_times() {
  grep -o "near-duplicate check.*" "$tmp/publish.log" | grep -o " $1=[0-9]*" | cut -d= -f2 | sort -n |
    awk '{ t[NR] = $1 } END { if (NR) printf "median %.2f ms, worst %.2f ms", t[int((NR + 1) / 2)] / 1000, t[NR] / 1000 }'
}

# run ENGINE: the whole measurement on `sqlite` or `postgres` (a new database on $pg).
run() {
  local engine=$1 data="$tmp/$1"
  if [[ $engine == sqlite ]]; then
    q() { sqlite3 -separator ' ' "$data/arabpress.sqlite" "$1"; }
  else
    export ARABPRESS_DATABASE_URL="${pg%/*}/bench_archive_$$"
    psql -q "$pg" -c "CREATE DATABASE bench_archive_$$"
    bench_on_exit "psql -q '$pg' -c 'DROP DATABASE IF EXISTS bench_archive_$$ WITH (FORCE)'"
    q() { psql -qAtF ' ' "$ARABPRESS_DATABASE_URL" -c "$1"; }
  fi
  echo "== $engine: the demo site"
  bench_start demo $port demo --data "$data"
  bench_stop "$server"
  local token
  token=$(sed -n 's/^admin API token for the demo: //p' "$tmp/demo.log")

  echo "== $engine: $n generated articles"
  local started=$EPOCHREALTIME
  if [[ $engine == sqlite ]]; then
    generate_sql "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $n)" \
      "random()" |
      sqlite3 -bail "$data/arabpress.sqlite"
  else
    generate_sql "CREATE TEMP TABLE g AS SELECT generate_series(1::bigint, $n) AS i;" \
      "(floor(random() * 4294967296)::bigint << 32) | floor(random() * 4294967296)::bigint" |
      psql -q -v ON_ERROR_STOP=1 "$ARABPRESS_DATABASE_URL" >/dev/null
    # The statistics and visibility map that autovacuum keeps on a settled site.
    psql -q "$ARABPRESS_DATABASE_URL" -c "VACUUM ANALYZE"
  fi
  echo "   written in $(since "$started") s: $(q "SELECT COUNT(*) FROM articles") articles in all"

  echo "== $engine: serve: start-up (target 5 s)"
  started=$EPOCHREALTIME
  # Audio off: a settled site has spoken its archive; a million articles waiting to be
  # spoken would measure the speech engine's load instead.
  ARABPRESS_AUDIO=off bench_start serve $port serve --data "$data" --no-cache
  echo "   answering after $(since "$started") s"

  local password section section_count author author_count deep author_deep files
  local section_cursor author_cursor tag tag_cursor
  password=$(head -c 18 /dev/urandom | base64)
  echo "$password" | RUST_LOG=warn "$bin" user add --data "$data" --email bench@arabpress.example \
    --name Bench --role admin --password-stdin >/dev/null
  read -r section section_count < <(q \
    "SELECT s.slug, COUNT(*) FROM articles a JOIN sections s ON s.id = a.section_id
     WHERE a.lang = 'en' AND a.status = 'published' GROUP BY s.slug, s.id ORDER BY s.id LIMIT 1")
  read -r author author_count < <(q \
    "SELECT u.slug, COUNT(*) FROM article_authors x JOIN authors u ON u.id = x.author_id
     JOIN articles a ON a.id = x.article_id WHERE a.lang = 'en' AND a.status = 'published'
     GROUP BY u.slug ORDER BY COUNT(*) DESC LIMIT 1")
  deep=$(( section_count / 12 > 1 ? section_count / 12 : 1 ))
  author_deep=$(( author_count / 12 > 1 ? author_count / 12 : 1 ))
  files=$(curl -fs "http://127.0.0.1:$port/sitemap.xml" | grep -c '/sitemaps/articles/')
  # Pages by story: the thirteenth oldest English story of each list, so that the page
  # before it is as deep as the list goes.
  section_cursor=$(q "SELECT a.published_at || '.' || a.id FROM articles a JOIN sections s
     ON s.id = a.section_id WHERE s.slug = '$section' AND a.lang = 'en' AND a.status = 'published'
     ORDER BY a.published_at, a.id LIMIT 1 OFFSET 12")
  author_cursor=$(q "SELECT a.published_at || '.' || a.id FROM articles a JOIN article_authors x
     ON x.article_id = a.id JOIN authors u ON u.id = x.author_id WHERE u.slug = '$author'
     AND a.lang = 'en' AND a.status = 'published' ORDER BY a.published_at, a.id LIMIT 1 OFFSET 12")
  # The English tag with the most articles, and the fiftieth-last English tag by name (the
  # newsroom's tag list after it is its last page).
  tag=$(q "SELECT t.slug FROM tags t JOIN article_tags x ON x.tag_id = t.id WHERE t.lang = 'en'
     GROUP BY t.id, t.slug ORDER BY COUNT(*) DESC, t.id LIMIT 1")
  tag_cursor=$(q "SELECT id FROM tags WHERE lang = 'en' ORDER BY name DESC, id DESC LIMIT 1 OFFSET 50")
  echo "   section $section: $section_count English articles, last page $deep;" \
    "author $author: $author_count, last page $author_deep; $files sitemap files"

  echo "== $engine: pages, uncached (median of 5 requests)"
  python3 bench/archive.py "http://127.0.0.1:$port" bench@arabpress.example "$password" \
    "/en/=50" \
    "/en/section/$section=50" \
    "/en/section/$section?page=$deep=50" \
    "/en/author/$author?page=$author_deep=50" \
    "/en/section/$section?before=$section_cursor=50" \
    "/en/author/$author?before=$author_cursor=50" \
    "/sitemap.xml=1000" \
    "/sitemaps/articles/$files.xml=1000" \
    "/sitemap-news.xml=1000" \
    "/en/rss.xml=100" \
    "/en/tag/$tag=50" \
    "/admin=200" \
    "/admin/articles=200" \
    "/admin/articles?status=draft=200" \
    "/admin/articles?lang=ar&page=200=200" \
    "/admin/articles?q=story+99=200" \
    "/admin/articles?q=no+such+headline=200" \
    "/admin/taxonomy?lang=en=200" \
    "/admin/taxonomy?lang=en&after=$tag_cursor=200" \
    "/admin/taxonomy?lang=en&q=tag+1999=200" \
    "/admin/taxonomy?lang=en&q=no+such+tag=200" | tee "$tmp/$engine.txt"
  echo "   serve resident memory: $(awk '/VmRSS/ {print $2 / 1024 " MB"}' "/proc/$server/status")"

  echo "== $engine: the deepest author page by story, uncached, ${seconds} s of wrk (target 1,000 req/s)"
  local deepest="/en/author/$author?before=$author_cursor" ours theirs
  mkdir -p "$tmp/www"
  curl -fs "http://127.0.0.1:$port$deepest" >"$tmp/www/deepest.html"
  ours=$(bench_wrk -t2 -c8 -d"${seconds}s" "http://127.0.0.1:$port$deepest" | rps)
  theirs=$(bench_wrk -t2 -c8 -d"${seconds}s" "http://127.0.0.1:$nginx_port/deepest.html" | rps)
  echo "   arabpress $ours req/s; nginx serving the same $(wc -c <"$tmp/www/deepest.html") bytes $theirs req/s" \
    "(ratio $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'))" |
    tee -a "$tmp/$engine.rate"
  bench_stop "$server"

  echo "== $engine: publishing on the archive (cached pages; targets: visible in 1 s, near-duplicate check 5 ms)"
  ARABPRESS_AUDIO=off RUST_LOG=warn,arabpress_app::search=debug bench_start publish $port serve --data "$data"
  python3 bench/publish.py "http://127.0.0.1:$port" "$token" "$section" "$author" "${ARCHIVE_PUBLISHES:-5}"
  local saves
  saves=$(grep -c 'near-duplicate check' "$tmp/publish.log" || true)
  echo "   near-duplicate check: $(dup_times micros) over $saves saves; the lookup in it: $(dup_times lookup_micros)"
  bench_stop "$server"
  unset ARABPRESS_DATABASE_URL
}

unset ARABPRESS_DATABASE_URL
bench_nginx "$nginx_port"
run sqlite
if [[ ${ARCHIVE_POSTGRES:-1} == 1 ]]; then
  pg=${ARCHIVE_POSTGRES_URL:-$(scripts/postgres 55434)}
  run postgres
  echo "== the two engines side by side (median ms)"
  join -j1 <(awk 'NF >= 4 && $2 ~ /^[0-9]+$/ {print $1, $3}' "$tmp/sqlite.txt" | sort) \
    <(awk 'NF >= 4 && $2 ~ /^[0-9]+$/ {print $1, $3}' "$tmp/postgres.txt" | sort) |
    awk 'BEGIN {printf "%-58s %10s %10s\n", "page", "SQLite", "PostgreSQL"} {printf "%-58s %10s %10s\n", $1, $2, $3}'
fi
