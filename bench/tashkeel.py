#!/usr/bin/env python3
"""How well the vowel marks put in before speech match vowelled text, and how much of real
news they cover. Prints:

  1. the diacritic error rate (DER: the share of Arabic letters whose marks differ from the
     reference) on held-out vowelled sentences, for
       - no marks at all (what espeak-ng got before),
       - the method alone: a word table built by majority from the other 90% of the
         sentences, looked up the way the audio crate does (at rest: no case ending),
       - what ships: `arabpress audio vowels` with the table in crates/audio/data;
     each with and without the last letter of every word (its case ending, which the
     audio crate drops on purpose, so "without" is the figure that matters for speech);
  2. the share of Arabic words in real news (the 2,000-article corpus beside the checkout)
     that the shipped table vowels.

The vowelled sentences are the sentence cache of arabic-diacritizer 1.0.0 (MIT), mostly
classical text; the shipped table was built from the same corpus, so its figure is
in-domain (an upper bound), while the method's figure is truly held out.

With MODEL (a file written by scripts/tashkeel-model.py), a fourth line: the table with
the model marking the words the table lacks, as the audio crate runs them with
`[audio] tashkeel_model` (every line on the first 400 held-out sentences then: the model
reads each letter). With the model every Arabic word gets marks.

Usage: bench/tashkeel.py ARABPRESS_BINARY [WHEEL [MODEL]]
"""
import collections
import gzip
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from diacritizer_wheel import MARKS, wheel  # noqa: E402

LETTER = re.compile(r"[\u0621-\u064A]")
WORD = re.compile(r"[\u0621-\u064A\u064B-\u0652\u0670]+")


MODEL_SAMPLE = 400




def bare(s):
    return "".join(c for c in s if c not in MARKS)


def letters(s):
    """(letter, marks after it, is the word's last letter) for each Arabic letter."""
    out = []
    for w in WORD.finditer(s):
        word = w.group()
        units = []
        for c in word:
            if c in MARKS and units:
                units[-1][1] += c
            elif LETTER.match(c):
                units.append([c, ""])
        for i, (c, m) in enumerate(units):
            out.append((c, "".join(sorted(m)), i == len(units) - 1))
    return out


def der(pred, ref):
    """Errors and letters, with and without each word's last letter."""
    p, r = letters(pred), letters(ref)
    if [c for c, _, _ in p] != [c for c, _, _ in r]:
        return None
    all_err = sum(1 for (_, a, _), (_, b, _) in zip(p, r) if a != b)
    inner = [(a, b) for (_, a, last), (_, b, _) in zip(p, r) if not last]
    return all_err, len(r), sum(1 for a, b in inner if a != b), len(inner)


def at_rest(v):
    while v and v[-1] in "\u064B\u064C\u064D\u064E\u064F\u0650\u0652":
        v = v[:-1]
    return v


def main():
    binary = sys.argv[1]
    with zipfile.ZipFile(wheel(sys.argv[2] if len(sys.argv) > 2 else None)) as z:
        cache = json.load(gzip.open(io.BytesIO(z.read("diacritize/assets/word_cache.json.gz"))))
    # One line each; only sentences in plain modern script (no Quranic signs, alef wasla,
    # maddah or tatweel), so that letters line up and the text is like news.
    odd = re.compile(r"[\u0653-\u065F\u0671\u06D6-\u06ED\u0640]")
    sentences = sorted({" ".join(v.split()) for variants in cache["sentences"].values() for v in variants.values()
                        if any(c in MARKS for c in v) and not odd.search(v)})
    rng = random.Random(7)
    rng.shuffle(sentences)
    cut = len(sentences) // 10
    held, train = sentences[:cut], sentences[cut:]

    votes = collections.defaultdict(collections.Counter)
    for s in train:
        for w in WORD.findall(s):
            votes[bare(w)][w] += 1
    table = {b: c.most_common(1)[0][0] for b, c in votes.items()}

    def method(s):
        return WORD.sub(lambda m: m.group() if any(c in MARKS for c in m.group())
                        else at_rest(table.get(m.group(), m.group())), s)

    bare_held = [bare(s) for s in held]

    def run(*extra, lines=bare_held):
        return subprocess.run([binary, "audio", "vowels", *extra], input="\n".join(lines) + "\n",
                              capture_output=True, text=True, check=True).stdout.split("\n")

    model = sys.argv[3] if len(sys.argv) > 3 else None
    if model:
        # The model reads every letter (millions of multiply-adds each): a sample.
        held, bare_held = held[:MODEL_SAMPLE], bare_held[:MODEL_SAMPLE]
    shipped = run()
    with_model = run("--model", model) if model else None
    kinds = ("none", "method", "shipped") + (("model",) if model else ())
    totals = {k: [0, 0, 0, 0] for k in kinds}
    compared = 0
    for i, ref in enumerate(held):
        preds = {"none": bare_held[i], "method": method(bare_held[i]), "shipped": shipped[i]}
        if with_model:
            preds["model"] = with_model[i]
        scores = {k: der(p, ref) for k, p in preds.items()}
        if any(v is None for v in scores.values()):
            continue
        compared += 1
        for k, v in scores.items():
            for j in range(4):
                totals[k][j] += v[j]

    print(f"held-out vowelled sentences: {compared} of {len(held)} (table from the other {len(train)})")
    for k, label in (("none", "no marks (before)"), ("method", "word table, held out"),
                     ("shipped", "shipped table (in-domain)"), ("model", "table + model (in-domain)")):
        if k not in totals:
            continue
        e, n, ei, ni = totals[k]
        print(f"  {label:28} DER {100 * e / n:5.1f}%   without case endings {100 * ei / ni:5.1f}%")

    corpus = Path(__file__).resolve().parent.parent.parent / "shared/data/news/news_ar_antcorpus.jsonl"
    if corpus.exists():
        texts = [json.loads(l).get("body", "") for l in corpus.open(encoding="utf-8")]
        lines = [t.replace("\n", " ") for t in texts]
        for label, extra in (("table", ()),):
            words = [w for w in WORD.findall("\n".join(run(*extra, lines=lines)))]
            vowelled = sum(1 for w in words if any(c in MARKS for c in w))
            print(f"news corpus, {label}: {vowelled} of {len(words)} Arabic words vowelled "
                  f"({100 * vowelled / len(words):.1f}%)")


if __name__ == "__main__":
    main()
