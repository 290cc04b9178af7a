#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs, fuzz/seeds/<target>/, from the project's fixtures:
the demo content (crates/app/demo/content.toml), testdata/ (import exports, news corpus) and,
when it is beside the checkout, ../shared/data. Each seed is at most 60 KiB (bench/fuzz.sh
gives libFuzzer -max_len=65536): a large WordPress export is cut into whole-item pieces.
The image seeds (fuzz/seeds/image/) are small committed files and are left alone.
Run from anywhere: python3 fuzz/seeds.py
"""
import gzip
import hashlib
import json
import re
import shutil
import struct
import tomllib
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
SHARED = next((p for p in [ROOT.parent / "shared" / "data", Path("/work/shared/data")] if p.is_dir()), None)
MAX = 60 * 1024


def put(target, data, name=None):
    if isinstance(data, str):
        data = data.encode()
    data = data[:MAX]
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / (name or hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def wxr_pieces(text):
    """The export cut into pieces of whole items, each with the channel header."""
    first = text.find("<item>")
    if first < 0:
        return [text]
    head, rest = text[:first], text[first:]
    items = re.findall(r"<item>.*?</item>", rest, flags=re.S)
    tail = "</channel>\n</rss>\n"
    if len(head) > MAX // 2:
        head = head[: MAX // 2]
    pieces, cur = [], []
    for it in items:
        if cur and len(head) + sum(map(len, cur)) + len(it) + len(tail) > MAX:
            pieces.append(head + "".join(cur) + tail)
            cur = []
        if len(head) + len(it) + len(tail) <= MAX:
            cur.append(it)
    if cur:
        pieces.append(head + "".join(cur) + tail)
    return pieces


def main():
    for d in SEEDS.iterdir() if SEEDS.is_dir() else []:
        if d.is_dir() and d.name != "image":
            shutil.rmtree(d)

    demo = tomllib.loads((ROOT / "crates/app/demo/content.toml").read_text())
    bodies, titles = [], []
    for a in demo.get("article", []):
        for k, v in a.items():
            if isinstance(v, str) and k.startswith("body"):
                bodies.append(v)
            if isinstance(v, str) and k.startswith("title"):
                titles.append(v)
    news = []
    with gzip.open(ROOT / "testdata/news_ar_antcorpus.jsonl.gz", "rt") as f:
        for i, line in enumerate(f):
            if i >= 6:
                break
            n = json.loads(line)
            news.append(n)

    # Markdown: demo bodies, news text, and what a writer might paste to run script.
    for b in bodies[:20]:
        put("markdown", b)
    for n in news[:3]:
        put("markdown", n["body"][:4000])
    for s in [
        "**Efi Koutsokosta:** You said?\n\n**Minister**: Yes.\n\n---\n\n# Next",
        '<script>alert(1)</script><img src=x onerror="alert(1)">',
        '[click](javascript:alert(1)) [x](JaVaScRiPt&#58;alert(1)) [y]( java\tscript:alert(1))',
        '<a href="javascript&colon;alert(1)">a</a> <a href="&#106;avascript:alert(1)">b</a>',
        "![img](data:text/html;base64,PHNjcmlwdD4=) <svg onload=alert(1)>",
        '<iframe src="//evil"></iframe><style>*{}</style><form action="javascript:x"><button formaction="javascript:y">',
        "| a | b |\n|---|---|\n| <b onmouseover=x>1</b> | ~~2~~ |\n\n> > > quote\n\n1. one\n   - two",
        '<details open ontoggle=alert(1)>x</details><math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        "Footnote[^1] and `code` and ```js\nalert(1)\n```\n\n[^1]: note",
        '<a href="vbscript:msgbox(1)">v</a><a href=" &#x6A;avascript:1">w</a>',
    ]:
        put("markdown", s)

    # Slugs: titles in both languages and odd ones.
    for t in titles[:20] + [n["title"] for n in news] + ["", "--", "Gaza: a ceasefire?", "١٢٣ abc", "a" * 300, "ـــ"]:
        put("slug", t)

    # Search: news text, titles, queries with quotes and filters.
    for t in [n["body"][:2000] for n in news[:4]] + titles[:6]:
        put("search_analyzer", t)
    for q in ['"the Gaza ceasefire" talks', "«وقف إطلاق النار» غزة", "“قال” الرئيس", "the of في من",
              'word "unclosed', "Café naïve 2024 COVID-19", "الكتاب والكتابة بالكتاب", "\u0000\u0007gaza"]:
        put("search_query", q)
        put("search_analyzer", q)

    # Imports.
    for p in sorted((ROOT / "testdata/import").glob("*.wxr.xml")):
        for i, piece in enumerate(wxr_pieces(p.read_text())):
            put("wxr", piece)
    for p in sorted((ROOT / "testdata/import").glob("*.json")):
        put("ghost", p.read_bytes())
    if SHARED:
        # A few pieces of each export: the large one repeats itself.
        for p in sorted((SHARED / "import").glob("*.wordpress.xml")):
            for piece in wxr_pieces(p.read_text())[:4]:
                put("wxr", piece)
        put("wire_feed", (SHARED / "import/wptt-theme-preview.wordpress.xml").read_bytes())

    # Wire feeds.
    put("wire_feed", '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>'
        '<item><guid>a1</guid><title>عاجل: خبر</title><link>https://wire.example/a1</link>'
        '<description>&lt;p&gt;Text&lt;/p&gt;</description><pubDate>Fri, 04 Dec 2026 10:00:00 +0000</pubDate>'
        '<enclosure url="https://wire.example/a.jpg" type="image/jpeg" length="10"/></item></channel></rss>')
    put("wire_feed", '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<title>Agency</title><id>urn:x</id><updated>2026-12-04T10:00:00Z</updated><entry><id>urn:e1</id>'
        '<title type="html">A &amp;amp; B</title><updated>2026-12-04T10:00:00Z</updated>'
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Body</p></div></content>'
        '<link rel="alternate" href="https://wire.example/e1"/><author><name>Desk</name></author></entry></feed>')
    put("wire_feed", json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "JSON wire",
        "items": [{"id": "j1", "title": "خبر", "content_html": "<p>x</p>", "date_published": "2026-12-04T10:00:00Z",
                   "image": "https://wire.example/j.jpg", "tags": ["a", "b"]}]}))
    put("wire_feed", '<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>t</title>'
        '<item><guid>w</guid><title>'.encode() + "خبر".encode("cp1256") + b"</title></item></channel></rss>")
    put("wire_feed", '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aa">]><rss version="0.91"><channel>'
        '<title>&a;</title><item><title>cut')

    # The archive: a small, complete one, and damaged lines.
    sha = "ab" + "0" * 62
    lines = [
        {"format": "arabpress-archive", "version": 1, "schema": 30, "exported_at": "2026-12-04T10:00:00Z",
         "generator": "arabpress 0.1.0", "secrets": False},
        {"table": "sections", "row": {"id": 1, "slug": "politics", "name_ar": "سياسة", "name_en": "Politics"}},
        {"table": "articles", "row": {"id": 7, "lang": "ar", "slug": "x", "title": "خبر", "body": "**b**"}},
        {"media": f"ab/{sha}/w480.jpg", "data": "/9j/4AAQ"},
        {"end": {"rows": 2, "media": 1}},
    ]
    put("archive", "\n".join(json.dumps(l, ensure_ascii=False) for l in lines) + "\n")
    put("archive", '{"format":"arabpress-archive","version":2}\n{"end":{}}\n')
    put("archive", '{"format":"arabpress-archive","version":1}\n{"media":"../../etc/passwd","data":""}\n'
        '{"media":"ab/' + sha + '/.x","data":"***"}\n{"table":1,"row":[]}\n[1,2]\n{"end":{"rows":-1}}\n')

    # HTTP request parts. Range: 8 bytes of body length (little-endian), then the header.
    for length, h in [(100, "bytes=0-0"), (100, "bytes=-10"), (100, "bytes=90-"), (0, "bytes=0-"),
                      (1 << 40, "bytes=1099511627775-"), (100, "bytes=0-1,5-6"), (100, " bytes = 5 - 2 "),
                      (2**64 - 1, "bytes=-18446744073709551615")]:
        put("range", struct.pack("<Q", length) + h.encode())
    for f in ["csrf=abc&title=%D8%AE%D8%A8%D8%B1&tags=a&tags=b&body=x+y", "page=3&utm_source=x", "page=0",
              "t=tok%20en&lang=ar", "a=%FF%&&=b&c", "email=a%40b.example&name=%E2%80%AE"]:
        put("form", f)
    for h in ["ar", "en-GB,en;q=0.9,ar;q=0.8", "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5", "ar-EG;q=0.0, en;q=NaN",
              "EN;q=1.0001,ar;Q=inf", "*", ""]:
        put("accept_language", h)

    # Images: a PNG made here (the other formats are committed files).
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\0" + b"\xff\0\0" * 2 + b"\0" + b"\0\xff\0" * 2)) + chunk(b"IEND", b"")
    put("image", png, "tiny.png")

    total = sum(p.stat().st_size for p in SEEDS.rglob("*") if p.is_file())
    print(f"seeds: {sum(1 for p in SEEDS.rglob('*') if p.is_file())} files, {total} bytes")


main()
