#!/usr/bin/env python3
"""Writes a WordPress export (WXR 1.2) of N generated posts to stdout, for bench/import.sh:
half Arabic-looking, half English-looking text, nested categories, tags, two authors,
paragraphs in the classic editor's style (blank lines), comments. BODY_WORDS sets the
size of each post (about 7 bytes a word).

Usage: wxr.py N [BODY_WORDS] > file.xml
Also:  wxr.py --parse FILE   (the baseline: Python's streaming iterparse reads every
                              item and its fields, and prints items/s)
"""
import random
import sys
import time

AR = "الحكومة أعلنت اليوم خطة جديدة لدعم المزارعين في المناطق الريفية وتحسين شبكات المياه".split()
EN = "the government announced a new plan today to support farmers in rural areas and improve water networks".split()


def parse(path):
    import xml.etree.ElementTree as ET
    started = time.monotonic()
    n = 0
    for _, el in ET.iterparse(path, events=("end",)):
        if el.tag == "item":
            fields = {c.tag: c.text for c in el}
            n += bool(fields)
            el.clear()
    secs = time.monotonic() - started
    print(f"{n} {secs:.3f}")


def main():
    if sys.argv[1] == "--parse":
        return parse(sys.argv[2])
    n = int(sys.argv[1])
    words = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(7)
    out = sys.stdout
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
              'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
              'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
              '<channel><title>Bench</title><link>https://bench.example</link><language>ar</language>\n'
              '<wp:base_site_url>https://bench.example</wp:base_site_url>\n')
    for login, name in (("hala", "هالة"), ("sam", "Sam Reed")):
        out.write(f"<wp:author><wp:author_login>{login}</wp:author_login>"
                  f"<wp:author_display_name><![CDATA[{name}]]></wp:author_display_name></wp:author>\n")
    sections = ["politics", "economy", "sport", "culture", "world", "technology"]
    for s in sections:
        out.write(f"<wp:category><wp:category_nicename>{s}</wp:category_nicename>"
                  f"<wp:category_parent></wp:category_parent><wp:cat_name>{s.title()}</wp:cat_name></wp:category>\n")
        for k in range(3):
            out.write(f"<wp:category><wp:category_nicename>{s}-{k}</wp:category_nicename>"
                      f"<wp:category_parent>{s}</wp:category_parent><wp:cat_name>{s.title()} {k}</wp:cat_name></wp:category>\n")
    for i in range(1, n + 1):
        vocab = AR if i % 2 else EN
        title = " ".join(rng.choice(vocab) for _ in range(8)) + f" {i}"
        paras = []
        left = words
        while left > 0:
            k = min(left, rng.randint(30, 80))
            paras.append(" ".join(rng.choice(vocab) for _ in range(k)) + ".")
            left -= k
        body = "\n\n".join(paras)
        section = sections[i % len(sections)]
        day = 1 + i % 28
        out.write(
            f"<item><title><![CDATA[{title}]]></title><link>https://bench.example/?p={i}</link>"
            f"<dc:creator>{'hala' if i % 2 else 'sam'}</dc:creator>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded>"
            f"<excerpt:encoded><![CDATA[{paras[0][:200]}]]></excerpt:encoded>"
            f"<wp:post_id>{i}</wp:post_id><wp:post_date_gmt>2025-03-{day:02d} 09:{i % 60:02d}:00</wp:post_date_gmt>"
            f"<wp:post_name>post-{i}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
            f'<category domain="category" nicename="{section}-{i % 3}"><![CDATA[{section.title()} {i % 3}]]></category>'
            f'<category domain="post_tag" nicename="tag-{i % 50}"><![CDATA[tag {i % 50}]]></category>'
            f"<wp:comment><wp:comment_content>ok</wp:comment_content></wp:comment></item>\n")
    out.write("</channel></rss>\n")


main()
