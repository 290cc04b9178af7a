#!/usr/bin/env python3
"""Builds crates/audio/data/tashkeel.txt.gz, the table of vowelled Arabic words that the
audio crate puts in before speech, from the word cache of the PyPI package
arabic-diacritizer (MIT; its licence is crates/audio/data/arabic-diacritizer.LICENSE).

The cache maps words to the vowelled form they take in at least 99.5% of a large vowelled
corpus. Kept: whole Arabic words (punctuation around them removed) whose vowelled form,
its marks taken away, is the word itself; for a word with several such forms, the first.
One vowelled form per line, sorted: the bare word is the line without its marks.

Usage: scripts/tashkeel-table.py [WHEEL]   (without WHEEL, pip downloads version 1.0.0)
"""
import gzip
import io
import json
import re
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from diacritizer_wheel import MARKS, wheel  # noqa: E402

ARABIC = re.compile(r"^[\u0621-\u064A\u064B-\u0652\u0670]+$")
EDGES = re.compile(r"^[^\u0621-\u064A]+|[^\u0621-\u064A\u064B-\u0652\u0670]+$")




def main():
    with zipfile.ZipFile(wheel(sys.argv[1] if len(sys.argv) > 1 else None)) as z:
        cache = json.load(gzip.open(io.BytesIO(z.read("diacritize/assets/word_cache.json.gz"))))
    table = {}
    for variants in cache["words"].values():
        for bare, vowelled in variants.items():
            k, v = EDGES.sub("", bare), EDGES.sub("", vowelled)
            if not (k and ARABIC.match(k) and ARABIC.match(v)):
                continue
            if "".join(c for c in v if c not in MARKS) != k or not any(c in MARKS for c in v):
                continue
            table.setdefault(k, v)
    out = Path(__file__).resolve().parent.parent / "crates/audio/data/tashkeel.txt.gz"
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as f:
        f.write("".join(table[k] + "\n" for k in sorted(table)).encode())
    print(f"{len(table)} words -> {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
