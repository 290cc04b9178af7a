"""Third-party checks of a running site's feeds and sitemaps.

Every RSS and Atom feed (site, section, tag and author; both languages) must parse with
feedparser without `bozo` and carry the required elements; every JSON Feed must carry the
fields JSON Feed 1.1 requires (feedparser does not read JSON Feed); every URL set must
validate with xmllint against sitemaps.org's sitemap.xsd (plus the news and xhtml
extensions) and the index against the protocol's sitemap index; the news sitemap must keep
Google's rules (two days, 1,000 URLs, required tags).

Usage: python3 tests/feeds/check.py http://127.0.0.1:18095
"""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
import xml.etree.ElementTree as ET

import feedparser

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else os.environ.get("ARABPRESS_URL", "http://127.0.0.1:18095")
HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "schemas", "all.xsd")
INDEX_SCHEMA = os.path.join(HERE, "schemas", "siteindex.xsd")
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
failures = 0
passed = 0


def check(name, ok, detail=""):
    global failures, passed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failures += 1
        print(f"FAIL {name}\n     {detail}")


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.headers, r.read()


# ---- feeds
_, _, pages = fetch(f"{BASE}/sitemap-pages.xml")
tags = {lang: re.search(rf"<loc>({re.escape(BASE)}/{lang}/tag/[^<]+)</loc>", pages.decode()) for lang in ("ar", "en")}
scopes = []
for lang in ("ar", "en"):
    scopes += [f"{BASE}/{lang}", f"{BASE}/{lang}/section/economy", f"{BASE}/{lang}/author/omar-khatib"]
    if tags[lang]:
        scopes.append(tags[lang].group(1))
check("a tag page was found in each language", all(tags.values()), str(tags))
for scope in scopes:
    status, headers, body = fetch(f"{scope}/feed.json")
    problems = []
    try:
        feed = json.loads(body)
        if feed.get("version") != "https://jsonfeed.org/version/1.1" or not feed.get("title"):
            problems.append("version or title")
        if not feed.get("items"):
            problems.append("no items")
        for item in feed.get("items", []):
            if not item.get("id") or not (item.get("content_html") or item.get("content_text")):
                problems.append(f"item {item.get('url')} lacks id or content")
            if not item.get("url", "").startswith(BASE) or not item.get("date_published"):
                problems.append(f"item {item.get('id')} lacks url or date_published")
    except ValueError as e:
        problems.append(f"not JSON: {e}")
    if "application/feed+json" not in headers.get("content-type", ""):
        problems.append(f"content-type {headers.get('content-type')}")
    check(f"{scope[len(BASE):]}/feed.json: a JSON Feed 1.1 with every required field", not problems, "; ".join(problems))
    for file, version in (("rss.xml", "rss20"), ("atom.xml", "atom10")):
        url = f"{scope}/{file}"
        status, headers, body = fetch(url)
        d = feedparser.parse(body, response_headers={"content-type": headers.get("content-type", "")})
        name = url[len(BASE):]
        problems = []
        if status != 200:
            problems.append(f"status {status}")
        if d.bozo:
            problems.append(f"bozo: {d.get('bozo_exception')}")
        if not d.version.startswith(version):
            problems.append(f"version {d.version!r}")
        if not d.feed.get("title") or not d.feed.get("link"):
            problems.append("feed title or link missing")
        if not d.entries:
            problems.append("no entries")
        for e in d.entries:
            missing = [k for k in ("title", "link", "id", "published_parsed", "summary") if not e.get(k)]
            if missing:
                problems.append(f"entry {e.get('link')} lacks {missing}")
                break
        if not (headers.get("etag") and headers.get("cache-control")):
            problems.append("no ETag or Cache-Control")
        check(f"{name}: feedparser reads {len(d.entries)} entries, no bozo", not problems, "; ".join(problems))

# ---- podcasts: the spoken articles of each language, with their MP3s as enclosures
for lang in ("ar", "en"):
    url = f"{BASE}/{lang}/podcast.xml"
    status, headers, body = fetch(url)
    d = feedparser.parse(body, response_headers={"content-type": headers.get("content-type", "")})
    problems = []
    if status != 200 or d.bozo:
        problems.append(f"status {status}, bozo {d.get('bozo_exception')}")
    if not d.version.startswith("rss20") or d.feed.get("language") != lang:
        problems.append(f"version {d.version!r}, language {d.feed.get('language')!r}")
    if not d.entries:
        problems.append("no episodes")
    for e in d.entries:
        enc = e.get("enclosures") or []
        if len(enc) != 1 or enc[0].get("type") != "audio/mpeg" or not enc[0].get("href", "").startswith(BASE + "/media/"):
            problems.append(f"episode {e.get('link')}: enclosure {enc}")
            break
        if not e.get("itunes_duration", "").isdigit():
            problems.append(f"episode {e.get('link')}: itunes:duration {e.get('itunes_duration')!r}")
            break
        # The enclosure is there, as long as it says, and served as MP3.
        a_status, a_headers, audio = fetch(enc[0]["href"])
        if a_status != 200 or str(len(audio)) != str(enc[0].get("length")) or not a_headers.get("content-type", "").startswith("audio/mpeg"):
            problems.append(f"{enc[0]['href']}: {a_status}, {len(audio)} bytes, {a_headers.get('content-type')}")
            break
    check(f"/{lang}/podcast.xml: feedparser reads {len(d.entries)} episodes with MP3 enclosures and durations",
          not problems, "; ".join(problems))

# ---- sitemaps
status, _, index = fetch(f"{BASE}/sitemap.xml")
root = ET.fromstring(index)
files = [loc.text for loc in root.findall("s:sitemap/s:loc", NS)]
files.append(f"{BASE}/sitemap-news.xml")
check("the sitemap index lists the page and article sitemaps", len(files) >= 3, str(files))
with tempfile.TemporaryDirectory() as tmp:
    paths = []
    for i, url in enumerate([f"{BASE}/sitemap.xml"] + files):
        _, _, body = fetch(url)
        path = os.path.join(tmp, f"{i}.xml")
        with open(path, "wb") as f:
            f.write(body)
        paths.append((url, path, body))
    for n, (url, path, _) in enumerate(paths):
        schema = INDEX_SCHEMA if n == 0 else SCHEMA
        r = subprocess.run(["xmllint", "--noout", "--schema", schema, path], capture_output=True, text=True)
        check(f"{url[len(BASE):]}: valid against sitemap.xsd", r.returncode == 0, (r.stderr or r.stdout).strip()[:2000])
    news = ET.fromstring(paths[-1][2])
    urls = news.findall("s:url", NS)
    now = datetime.datetime.now(datetime.timezone.utc)
    dates = [datetime.datetime.fromisoformat(u.find("n:news/n:publication_date", NS).text.replace("Z", "+00:00")) for u in urls]
    check("news sitemap: 1 to 1,000 URLs", 0 < len(urls) <= 1000, f"{len(urls)} URLs")
    check("news sitemap: only the last two days", all(now - d <= datetime.timedelta(days=2) for d in dates), str(min(dates, default=None)))
    complete = all(
        u.find(f"n:news/{t}", NS) is not None and (u.find(f"n:news/{t}", NS).text or "").strip()
        for u in urls
        for t in ("n:publication/n:name", "n:publication/n:language", "n:publication_date", "n:title")
    )
    check("news sitemap: name, language, date and title on every URL", complete)

_, _, robots = fetch(f"{BASE}/robots.txt")
check("robots.txt names both sitemaps", f"Sitemap: {BASE}/sitemap.xml" in robots.decode() and "sitemap-news.xml" in robots.decode(), robots.decode())

print(f"\n{passed} passed, {failures} failed")
sys.exit(1 if failures else 0)
