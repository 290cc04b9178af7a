#!/usr/bin/env python3
"""Publish-to-visible across nodes, for bench/cluster.sh: publishes COUNT articles through
node B's admin API and times how long each takes to show on node C's (and node A's) home
page, which both had cached. Prints the delays and a summary line.

Usage: cluster.py TOKEN NODE_A NODE_B NODE_C [COUNT]
"""
import json
import random
import statistics
import sys
import time
import urllib.request

token, a, b, c = sys.argv[1:5]
count = int(sys.argv[5]) if len(sys.argv) > 5 else 20


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


WORDS = ("harbour wheat tender bridge budget court drought vaccine railway festival election "
         "refinery museum tariff satellite stadium orchard pipeline glacier archive").split()


def publish(headline, i):
    # Each story its own words: near-identical stories are grouped and shown once.
    rng = random.Random(i)
    word = lambda: "".join(rng.choice("abcdefghijklmnoprstuvw") for _ in range(rng.randint(4, 9)))
    text = " ".join(word() for _ in range(80))
    body = json.dumps({
        "lang": "en", "headline": headline, "standfirst": "Filed for the cluster benchmark.",
        "body_md": text, "kind": "news",
        "section": "economy", "tags": ["Benchmark"], "authors": ["omar-khatib"], "status": "published",
    }).encode()
    req = urllib.request.Request(f"{b}/api/v1/admin/articles", data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        if r.status != 201:
            raise SystemExit(f"publish answered {r.status}")


delays = {"a": [], "c": []}
for i in range(count):
    for node in (a, c):
        get(f"{node}/en/")  # cached before the publish
    headline = f"{WORDS[i % len(WORDS)].title()} {WORDS[(i * 7 + 3) % len(WORDS)]} report {i} {time.time_ns() % 100000}"
    started = time.monotonic()
    publish(headline, i)
    seen = {}
    while len(seen) < 2 and time.monotonic() - started < 10:
        for name, node in (("a", a), ("c", c)):
            if name not in seen and headline in get(f"{node}/en/"):
                seen[name] = time.monotonic() - started
        time.sleep(0.005)
    for name in ("a", "c"):
        delays[name].append(seen.get(name, float("inf")) * 1000)
    time.sleep(0.2)

for name in ("a", "c"):
    d = sorted(delays[name])
    print(f"visible on node {name.upper()}: median {statistics.median(d):.0f} ms, "
          f"p95 {d[int(len(d) * 0.95) - 1]:.0f} ms, max {d[-1]:.0f} ms over {len(d)} publishes")
worst = max(max(v) for v in delays.values())
print(f"SUMMARY publish-to-visible median {statistics.median(delays['c']):.0f} ms max {worst:.0f} ms")
