#!/usr/bin/env python3
"""Makes the reader site's font files (crates/render/assets/fonts/) from fontsource's
IBM Plex Sans Arabic WOFF2 subsets (npm @fontsource/ibm-plex-sans-arabic, files/).

    pip install fonttools brotli
    python3 scripts/fonts.py node_modules/@fontsource/ibm-plex-sans-arabic/files

For each weight (400, 700) it writes:
- plex-sans-arabic-ar-{w}.woff2: the Arabic and the Latin subsets merged into one file
  and cut to what Arabic news text draws (the Arabic block, Basic Latin and Latin-1,
  general punctuation, the Allah ligature). An Arabic page needs both scripts for its
  spaces, digits and Latin names, so one file is one request instead of two and shares
  the tables the two carried twice. The presentation-form blocks (FB50-FDFF, FE70-FEFC)
  are left out: text typed today uses the base letters and the font's own shaping.
- plex-sans-arabic-latin-{w}.woff2: the Latin subset, for English pages.

Hinting instructions are dropped: browsers rasterise outlines without them on every
platform they run on today, and they were a third of each file.
"""
import pathlib
import sys

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

ARABIC_PAGE = (
    "U+0000-00FF,U+0131,U+0152-0153,U+02C6,U+02DA,U+02DC,U+0600-06FF,U+200C-200F,"
    "U+2010-2027,U+2030-205E,U+20AC,U+2122,U+2212,U+FDF2,U+FEFF,U+FFFD"
)


def ttf(src: pathlib.Path, dst: pathlib.Path) -> pathlib.Path:
    font = TTFont(src)
    font.flavor = None
    font.save(dst)
    return dst


def cut(src: pathlib.Path, unicodes: str, dst: pathlib.Path) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.hinting = False
    font = subset.load_font(str(src), options)
    s = subset.Subsetter(options)
    wanted = font.getBestCmap().keys() if unicodes == "*" else subset.parse_unicodes(unicodes)
    s.populate(unicodes=wanted)
    s.subset(font)
    subset.save_font(font, str(dst), options)
    print(f"{dst.name}: {dst.stat().st_size} bytes")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src = pathlib.Path(sys.argv[1])
    out = pathlib.Path(__file__).resolve().parent.parent / "crates/render/assets/fonts"
    work = pathlib.Path("/tmp/arabpress-fonts")
    work.mkdir(exist_ok=True)
    for w in ("400", "700"):
        arabic = ttf(src / f"ibm-plex-sans-arabic-arabic-{w}-normal.woff2", work / f"arabic-{w}.ttf")
        latin = ttf(src / f"ibm-plex-sans-arabic-latin-{w}-normal.woff2", work / f"latin-{w}.ttf")
        merged = work / f"merged-{w}.ttf"
        Merger().merge([str(arabic), str(latin)]).save(merged)
        cut(merged, ARABIC_PAGE, out / f"plex-sans-arabic-ar-{w}.woff2")
        cut(latin, "*", out / f"plex-sans-arabic-latin-{w}.woff2")


if __name__ == "__main__":
    main()
