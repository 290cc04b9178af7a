#!/usr/bin/env python3
"""Prints a 1,000-word article text in LANG (ar or en) for bench/audio.sh.

Arabic: real news text, the bodies of the Arabic news corpus beside the checkout
(../shared/data/news/news_ar_antcorpus.jsonl) in order, cut at 1,000 words; without it,
sentences of our own. English: sentences of our own, in a fixed shuffled order.

Usage: audio_text.py LANG [WORDS]
"""
import json
import os
import random
import sys

AR = [
    "أعلنت الحكومة اليوم خطة جديدة لدعم المزارعين في المناطق الريفية وتحسين شبكات المياه.",
    "وقال وزير الزراعة إن الخطة ستبدأ في الربيع المقبل وتستمر ثلاث سنوات.",
    "وأضاف أن التمويل يأتي من الموازنة العامة ومن قروض ميسرة قدمتها مؤسسات دولية.",
    "ورحب اتحاد المزارعين بالقرار، لكنه طالب بمراقبة أسعار الأسمدة والبذور.",
    "وتشير الأرقام الرسمية إلى أن الإنتاج تراجع في العام الماضي بسبب الجفاف.",
]
EN = [
    "The government announced a new plan today to support farmers in rural areas and improve water networks.",
    "The minister of agriculture said the plan would start next spring and run for three years.",
    "Funding will come from the public budget and from low-interest loans offered by international lenders.",
    "The farmers' union welcomed the decision but asked for close watch on the prices of seed and fertiliser.",
    "Official figures show that output fell by 12 percent last year because of the drought.",
    "In the north, where most of the wheat is grown, rainfall was 40 percent below the average of the past decade.",
]


def main():
    lang = sys.argv[1]
    words = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    out = []
    corpus = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "news", "news_ar_antcorpus.jsonl")
    if lang == "ar" and os.path.exists(corpus):
        with open(corpus, encoding="utf-8") as f:
            for line in f:
                out += json.loads(line).get("body", "").split()
                if len(out) >= words:
                    break
    else:
        rng = random.Random(7)
        pool = AR if lang == "ar" else EN
        while len(out) < words:
            out += rng.choice(pool).split()
    print(" ".join(out[:words]))


if __name__ == "__main__":
    main()
