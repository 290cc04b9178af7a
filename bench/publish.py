#!/usr/bin/env python3
"""Publish-to-visible on one site, for bench/archive.sh: publishes COUNT English articles
through the admin API and times how long each takes to show on the home page, its
section's page, the search page (for a word only it holds) and the RSS feed, all fetched
(and so cached) just before. Prints each surface's median and worst delay and a summary
line; an article not visible everywhere within 10 s is a failure.

Usage: publish.py BASE_URL TOKEN SECTION_SLUG AUTHOR_SLUG [COUNT]
"""
import json
import random
import statistics
import sys
import time
import urllib.error
import urllib.request

base, token, section, author = sys.argv[1:5]
count = int(sys.argv[5]) if len(sys.argv) > 5 else 5
TARGET_MS = 1000


def get(path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return r.read().decode()


def publish(headline, body):
    data = json.dumps({
        "lang": "en", "headline": headline, "standfirst": "Filed for the archive benchmark.",
        "body_md": body, "kind": "news", "section": section, "tags": [], "authors": [author], "status": "published",
    }).encode()
    req = urllib.request.Request(f"{base}/api/v1/admin/articles", data=data, method="POST",
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            if r.status != 201:
                raise SystemExit(f"publish answered {r.status}")
    except urllib.error.HTTPError as e:
        raise SystemExit(f"publish answered {e.code}: {e.read().decode()[:500]}")


rng = random.Random(7)
word = lambda: "".join(rng.choice("abcdefghijklmnoprstuvw") for _ in range(rng.randint(4, 9)))
delays = {}
failed = False
for i in range(count):
    # Each story its own words (near-identical stories are grouped and shown once) and a
    # word of its own for the search page.
    mark = f"benchmark{i}x{time.time_ns() % 1_000_000}"
    headline = f"Harbour {word()} report {mark}"
    body = " ".join(word() for _ in range(150)) + f" {mark}."
    surfaces = {
        "home": "/en/",
        "section": f"/en/section/{section}",
        "search": f"/en/search?q={mark}",
        "rss": "/en/rss.xml",
    }
    for path in surfaces.values():
        get(path)
    started = time.monotonic()
    publish(headline, body)
    seen = {}
    while len(seen) < len(surfaces) and time.monotonic() - started < 10:
        for name, path in surfaces.items():
            if name not in seen and mark in get(path):
                seen[name] = (time.monotonic() - started) * 1000
        time.sleep(0.005)
    for name in surfaces:
        if name not in seen:
            print(f"   article {i}: not on {name} after 10 s")
            failed = True
        delays.setdefault(name, []).append(seen.get(name, float("inf")))
    delays.setdefault("all four", []).append(max(seen.values(), default=float("inf")))

for name, d in delays.items():
    d.sort()
    print(f"   visible on {name:10} median {statistics.median(d):6.0f} ms, worst {d[-1]:6.0f} ms"
          f" (target {TARGET_MS} ms){'' if d[-1] <= TARGET_MS else '  MISSED'}")
sys.exit(1 if failed else 0)
