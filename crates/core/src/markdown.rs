//! Markdown → sanitised HTML, with the interview convention.
//!
//! An interview turn is a paragraph that opens with the speaker's name in bold followed by a
//! colon (`**Efi Koutsokosta:** You said…` or `**Efi Koutsokosta**: …`). The turn runs until
//! the next turn, a heading or a thematic break, and is rendered as
//!
//! ```html
//! <div class="qa-turn qa-q"><p class="qa-speaker"><b>Efi Koutsokosta</b></p>
//! <div class="qa-text"><p>You said…</p></div></div>
//! ```
//!
//! following the HTML standard's advice for conversations (the speaker in `b`, the words in
//! `p`). The first speaker is the interviewer (`qa-q`), the others answer (`qa-a`). Quote
//! marks and colons stuck to a name (the seed page printed `Efi Koutsokosta"`) are removed.
//! Whatever the writer typed, the output passes through ammonia with a fixed allow-list.
//!
//! Nesting is capped at [`MAX_NESTING`] levels before anything reaches the HTML parser:
//! html5ever's tree building is quadratic in the depth of the open-element stack, so a body
//! of 100 KB of `>` (one blockquote inside the next) or of `<div>` would otherwise keep a
//! thread busy for minutes. [`render`] drops the tags past the limit and keeps their
//! content (it never fails, so old stored bodies and imports always render);
//! [`check_nesting`] is the newsroom's rule that refuses such a body with a message, and
//! [`flatten_nesting`] is what importers apply so an import never fails on it.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::sync::LazyLock;

/// The deepest nesting of blockquotes, lists and HTML elements a body may have.
pub const MAX_NESTING: usize = 32;

/// The message for a body that nests deeper than [`MAX_NESTING`] levels.
pub fn nesting_message() -> String {
    format!("body nests deeper than {MAX_NESTING} levels")
}

/// Refuses a body whose blockquotes, lists or HTML elements nest deeper than
/// [`MAX_NESTING`] levels, measured on the source in one pass (Markdown container markers
/// at the start of a line, HTML tags anywhere, including inside code).
pub fn check_nesting(src: &str) -> Result<(), String> {
    let markers = src
        .lines()
        .map(|l| container_prefix(l, usize::MAX).0)
        .max()
        .unwrap_or(0);
    let (_, html_depth) = cap_html(src, MAX_NESTING);
    if markers > MAX_NESTING || html_depth > MAX_NESTING {
        Err(nesting_message())
    } else {
        Ok(())
    }
}

/// The body with its nesting cut to [`MAX_NESTING`] levels: container markers past the
/// limit are removed from the start of each line and HTML tags past it are dropped, their
/// content kept. A body within the limit comes back unchanged.
pub fn flatten_nesting(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.split_inclusive('\n') {
        let (count, keep_to) = container_prefix(line, MAX_NESTING);
        if count > MAX_NESTING {
            let (_, end) = container_prefix(line, usize::MAX);
            out.push_str(&line[..keep_to]);
            out.push_str(&line[end..]);
        } else {
            out.push_str(line);
        }
    }
    cap_html(&out, MAX_NESTING).0.into_owned()
}

/// Counts the blockquote (`>`) and list markers (`-`, `*`, `+`, `1.`, `1)`) that open a
/// line; returns the count and the byte offset just after the `limit`-th marker (or after
/// the last one when there are fewer).
fn container_prefix(line: &str, limit: usize) -> (usize, usize) {
    let b = line.as_bytes();
    let mut pos = 0;
    let mut count = 0;
    let mut keep_to = 0;
    loop {
        let mut p = pos;
        while p < b.len() && p - pos < 4 && b[p] == b' ' {
            p += 1;
        }
        let after = match b.get(p) {
            Some(b'>') => p + 1,
            Some(b'-' | b'*' | b'+') if matches!(b.get(p + 1), Some(b' ' | b'\t')) => p + 1,
            Some(c) if c.is_ascii_digit() => {
                let digits = b[p..].iter().take_while(|c| c.is_ascii_digit()).count();
                match (b.get(p + digits), b.get(p + digits + 1)) {
                    (Some(b'.' | b')'), Some(b' ' | b'\t')) if digits <= 9 => p + digits + 1,
                    _ => break,
                }
            }
            _ => break,
        };
        let after = if matches!(b.get(after), Some(b' ' | b'\t')) {
            after + 1
        } else {
            after
        };
        count += 1;
        if count <= limit {
            keep_to = after;
        }
        pos = after;
    }
    (count, keep_to)
}

/// Elements that never hold others.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];
/// Elements whose end tag may be left out; the parser closes them itself (a new `<p>`
/// closes the open one), so they do not make the open-element stack grow and are not
/// counted.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rp",
    "rt", "colgroup", "caption",
];
/// Elements whose content is text, not tags.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Drops the HTML start tags that would open an element deeper than `max` levels, and
/// their end tags, in one pass over the text; returns the text and the deepest nesting
/// met (counting the dropped levels). Void elements, elements with optional end tags,
/// comments and the content of raw-text elements are not counted; in SVG and MathML a
/// `/>` closes its element. The scan is an estimate of what an HTML parser builds, not a
/// sanitiser: ammonia still decides what survives.
fn cap_html(src: &str, max: usize) -> (Cow<'_, str>, usize) {
    let b = src.as_bytes();
    let mut out = String::new();
    let mut from = 0;
    let mut i = 0;
    let mut deepest = 0;
    // Open elements: name, and whether the element is foreign (SVG/MathML).
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut dropped_any = false;
    while let Some(off) = src.get(i..).and_then(|rest| rest.find('<')) {
        let at = i + off;
        if b[at..].starts_with(b"<!--") {
            i = src[at + 4..]
                .find("-->")
                .map_or(b.len(), |e| at + 4 + e + 3);
            continue;
        }
        let closing = b.get(at + 1) == Some(&b'/');
        let name_start = if closing { at + 2 } else { at + 1 };
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = at + 1;
            continue;
        }
        let name_end = name_start
            + b[name_start..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
                .count();
        let Some(end) = tag_end(b, name_end) else {
            break;
        };
        let name = src[name_start..name_end].to_ascii_lowercase();
        let mut drop_tag = false;
        if closing {
            if let Some(pos) = stack.iter().rev().take(8).position(|(n, _)| *n == name) {
                let idx = stack.len() - 1 - pos;
                drop_tag = idx >= max;
                stack.truncate(idx);
            }
        } else {
            let self_closing = end >= 2 && b[end - 2] == b'/';
            let in_foreign = stack.last().is_some_and(|(_, f)| *f);
            let counted = !VOID.contains(&name.as_str())
                && !OPTIONAL_END.contains(&name.as_str())
                && !(self_closing && (in_foreign || name == "svg" || name == "math"));
            if counted {
                drop_tag = stack.len() >= max;
                let foreign = in_foreign || name == "svg" || name == "math";
                let raw = RAW_TEXT.contains(&name.as_str()) && !foreign;
                stack.push((name, foreign));
                deepest = deepest.max(stack.len());
                if raw {
                    // Skip to the element's end tag; what lies between is text.
                    let raw_name = stack.last().map_or(&[][..], |(n, _)| n.as_bytes());
                    let next = find_end_tag(b, end, raw_name);
                    if drop_tag {
                        out.push_str(&src[from..at]);
                        from = end;
                        dropped_any = true;
                    }
                    i = next;
                    continue;
                }
            }
        }
        if drop_tag {
            out.push_str(&src[from..at]);
            from = end;
            dropped_any = true;
        }
        i = end;
    }
    if !dropped_any {
        return (Cow::Borrowed(src), deepest);
    }
    out.push_str(&src[from..]);
    (Cow::Owned(out), deepest)
}

/// Where the end tag `</name` (any case) first starts at or after `from`; the text's length
/// when there is none.
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut j = from;
    while j + 1 < b.len() {
        if b[j] == b'<'
            && b[j + 1] == b'/'
            && b.get(j + 2..j + 2 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return j;
        }
        j += 1;
    }
    b.len()
}

/// The offset just past the `>` that ends a tag whose name ends at `from`, skipping quoted
/// attribute values; `None` when the tag never ends.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    while j < b.len() {
        match b[j] {
            b'>' => return Some(j + 1),
            b'=' => {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if let Some(&q @ (b'"' | b'\'')) = b.get(j) {
                    let close = b[j + 1..].iter().position(|c| *c == q)?;
                    j += close + 2;
                    continue;
                }
            }
            _ => j += 1,
        }
    }
    None
}

/// The HTML of a body, ready to embed, and its plain text (for reading time and excerpts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitised HTML.
    pub html: String,
    /// The words of the body without markup, paragraphs separated by blank lines.
    pub text: String,
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_allowed_classes("div", &["qa-turn", "qa-q", "qa-a", "qa-text"])
        .add_allowed_classes("p", &["qa-speaker"])
        .add_tags(&["figure", "figcaption"])
        .add_tag_attributes("img", &["loading", "width", "height"])
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect());
    b
});

/// Renders a Markdown body.
pub fn render(src: &str) -> Rendered {
    let opts =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let events: Vec<Event<'_>> = Parser::new_ext(src, opts).collect();
    let text = plain_text(&events);
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len() + 16);
    let mut depth = 0usize;
    let mut in_turn = false;
    let mut interviewer: Option<String> = None;
    let mut i = 0;
    while i < events.len() {
        let ev = &events[i];
        if depth == 0 {
            match ev {
                Event::Start(Tag::Paragraph) => {
                    if let Some((speaker, consumed)) = detect_turn(&events[i + 1..]) {
                        if in_turn {
                            out.push(Event::Html(CowStr::Borrowed("</div></div>\n")));
                        }
                        let first = interviewer.get_or_insert_with(|| speaker.clone());
                        let role = if *first == speaker { "qa-q" } else { "qa-a" };
                        out.push(Event::Html(CowStr::from(format!(
                            "<div class=\"qa-turn {role}\"><p class=\"qa-speaker\"><b>{}</b></p><div class=\"qa-text\">",
                            ammonia::clean_text(&speaker)
                        ))));
                        in_turn = true;
                        // Skip the name and any line break or space right after it.
                        let mut j = i + 1 + consumed;
                        while let Some(Event::SoftBreak | Event::HardBreak) = events.get(j) {
                            j += 1;
                        }
                        let mut rest: Vec<Event<'_>> = Vec::new();
                        let mut k = j;
                        while k < events.len()
                            && !matches!(events[k], Event::End(TagEnd::Paragraph))
                        {
                            rest.push(events[k].clone());
                            k += 1;
                        }
                        // Drop the colon of `**Name**:` and the space after the name.
                        while let Some(Event::Text(t)) = rest.first_mut() {
                            let trimmed =
                                t.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
                            if trimmed.is_empty() {
                                rest.remove(0);
                            } else {
                                *t = CowStr::from(trimmed.to_owned());
                                break;
                            }
                        }
                        if !rest.is_empty() {
                            out.push(Event::Start(Tag::Paragraph));
                            out.extend(rest);
                            out.push(Event::End(TagEnd::Paragraph));
                        }
                        i = k + 1;
                        continue;
                    }
                }
                Event::Start(Tag::Heading { .. }) | Event::Rule if in_turn => {
                    out.push(Event::Html(CowStr::Borrowed("</div></div>\n")));
                    in_turn = false;
                }
                _ => {}
            }
        }
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(ev.clone());
        i += 1;
    }
    if in_turn {
        out.push(Event::Html(CowStr::Borrowed("</div></div>\n")));
    }
    let mut raw = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, out.into_iter());
    let (raw, _) = cap_html(&raw, MAX_NESTING);
    Rendered {
        html: SANITIZER.clean(&raw).to_string(),
        text,
    }
}

/// Recognises `**Name:**` or `**Name**:` at the start of a paragraph; returns the cleaned
/// speaker name and how many events the name took.
fn detect_turn(events: &[Event<'_>]) -> Option<(String, usize)> {
    if !matches!(events.first(), Some(Event::Start(Tag::Strong))) {
        return None;
    }
    let mut name = String::new();
    let mut n = 1;
    loop {
        match events.get(n)? {
            Event::Text(t) => name.push_str(t),
            Event::End(TagEnd::Strong) => break,
            _ => return None,
        }
        n += 1;
    }
    n += 1; // past End(Strong)
    let trimmed = name.trim();
    if !trimmed.ends_with(':') {
        // `**Name**: …` — the colon opens the following text.
        match events.get(n) {
            Some(Event::Text(t)) if t.starts_with(':') => {}
            _ => return None,
        }
    }
    let speaker = clean_speaker(trimmed);
    let words = speaker.split_whitespace().count();
    if speaker.is_empty() || words > 8 || speaker.chars().count() > 80 {
        return None;
    }
    Some((speaker, n))
}

/// Removes quote marks, colons and stray punctuation around a speaker's name.
pub fn clean_speaker(name: &str) -> String {
    let strip: &[char] = &['"', '\'', '“', '”', '„', '«', '»', ':', '：', '-', '—', ' '];
    crate::article::collapse_ws(name.trim_matches(strip))
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    let mut html = String::new();
    for ev in events {
        if let Event::Html(h) = ev {
            html.push_str(h);
            continue;
        }
        if !html.is_empty() {
            s.push_str(&html_text(&html));
            s.push_str("\n\n");
            html.clear();
        }
        match ev {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => s.push_str("\n\n"),
            _ => {}
        }
    }
    if !html.is_empty() {
        s.push_str(&html_text(&html));
    }
    s.trim().to_owned()
}

/// The words of an HTML fragment (an HTML block in a body, such as imported content): the
/// markup dropped by an HTML parser (html5ever, through ammonia with no tag allowed),
/// entities decoded, scripts and styles left out, a blank line after each block.
pub fn html_text(html: &str) -> String {
    static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let mut b = ammonia::Builder::empty();
        b.clean_content_tags(["script", "style", "template"].into_iter().collect());
        b
    });
    const BLOCK_ENDS: &[&str] = &[
        "</p>",
        "</li>",
        "</div>",
        "</h1>",
        "</h2>",
        "</h3>",
        "</h4>",
        "</h5>",
        "</h6>",
        "</blockquote>",
        "</tr>",
        "</pre>",
        "</figcaption>",
        "</dd>",
        "</dt>",
    ];
    let (html, _) = cap_html(html, MAX_NESTING);
    let html = html.as_ref();
    let lower = html.to_ascii_lowercase();
    let mut spaced = String::with_capacity(html.len() + 64);
    let mut from = 0;
    let mut i = 0;
    while let Some(off) = lower[i..].find('<') {
        let at = i + off;
        let rest = &lower[at..];
        let end = BLOCK_ENDS
            .iter()
            .find(|b| rest.starts_with(*b))
            .map(|b| at + b.len())
            .or_else(|| {
                rest.starts_with("<br")
                    .then(|| rest.find('>').map(|g| at + g + 1))
                    .flatten()
            });
        match end {
            Some(end) => {
                spaced.push_str(&html[from..end]);
                spaced.push_str("\n\n");
                from = end;
                i = end;
            }
            None => i = at + 1,
        }
    }
    spaced.push_str(&html[from..]);
    let cleaned = TEXT_ONLY.clean(&spaced).to_string();
    let text = cleaned
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(crate::article::collapse_ws)
        .filter(|p| !p.is_empty())
        .collect();
    paragraphs.join("\n\n")
}

/// The first `max_chars` characters of a plain text, cut at a word boundary, with an ellipsis.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let flat = crate::article::collapse_ws(text);
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', '،', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interview_turns_carry_the_speaker() {
        let md = "Intro paragraph.\n\n**Efi Koutsokosta:** How close are we?\n\n**Antony Blinken:**\nWe don't know.\n\nSecond paragraph of the answer.\n\n**Efi Koutsokosta\"**: And sanctions?\n\n## After\n\nOutro.";
        let mut r = render(md);
        r.html = r.html.replace('\n', "");
        assert!(r.html.starts_with("<p>Intro paragraph.</p>"), "{}", r.html);
        assert!(r.html.contains("<div class=\"qa-turn qa-q\"><p class=\"qa-speaker\"><b>Efi Koutsokosta</b></p><div class=\"qa-text\"><p>How close are we?</p>"), "{}", r.html);
        assert!(r.html.contains("<div class=\"qa-turn qa-a\"><p class=\"qa-speaker\"><b>Antony Blinken</b></p><div class=\"qa-text\"><p>We don’t know.</p><p>Second paragraph of the answer.</p>"), "{}", r.html);
        // The stray quote in the name is gone, and the role is recognised again.
        assert_eq!(
            r.html.matches("<b>Efi Koutsokosta</b>").count(),
            2,
            "{}",
            r.html
        );
        assert!(!r.html.contains("Koutsokosta\""));
        // The heading closes the turn.
        assert!(r.html.contains("</div></div><h2>After</h2>"), "{}", r.html);
        assert_eq!(r.html.matches("<div class=\"qa-turn").count(), 3);
        assert_eq!(
            r.html.matches("<div").count(),
            r.html.matches("</div>").count()
        );
    }

    #[test]
    fn arabic_turns_work_too() {
        let r = render("**المحاور:** ما رأيك؟\n\n**الوزير:** نحن نعمل.");
        assert!(r.html.contains("<b>المحاور</b>"));
        assert!(
            r.html
                .contains("qa-a\"><p class=\"qa-speaker\"><b>الوزير</b>")
        );
    }

    #[test]
    fn bold_without_colon_is_ordinary_text() {
        let r = render("**Important** news today.");
        assert_eq!(r.html, "<p><strong>Important</strong> news today.</p>\n");
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let r = render(
            "Hi <script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(2))",
        );
        assert!(!r.html.contains("script"));
        assert!(!r.html.contains("onerror"));
        assert!(!r.html.contains("javascript:"));
    }

    #[test]
    fn speaker_names_are_escaped() {
        let r = render("**Tom & Jerry:** hi");
        assert!(r.html.contains("<b>Tom &amp; Jerry</b>"), "{}", r.html);
    }

    #[test]
    fn deep_nesting_is_cut_and_renders() {
        // 100 KB of `>`: one blockquote inside the next, a hundred thousand deep.
        let r = render(&">".repeat(100_000));
        assert_eq!(r.html.matches("<blockquote>").count(), MAX_NESTING);
        assert_eq!(
            r.html.matches("<blockquote>").count(),
            r.html.matches("</blockquote>").count()
        );
        let r = render(&format!("{}deep words", "<div>".repeat(20_000)));
        assert!(r.html.contains("deep words"), "the content stays");
        assert!(r.html.matches("<div>").count() <= MAX_NESTING);
        assert_eq!(r.text, "deep words");
        let r = render(&"- ".repeat(10_000));
        assert!(r.html.matches("<ul>").count() <= MAX_NESTING);
        // Within the limit nothing changes.
        let ok = format!("{}x", "> ".repeat(MAX_NESTING));
        assert_eq!(
            render(&ok).html.matches("<blockquote>").count(),
            MAX_NESTING
        );
    }

    #[test]
    fn deep_nesting_is_refused_or_flattened() {
        let msg = Err(format!("body nests deeper than {MAX_NESTING} levels"));
        assert_eq!(check_nesting(&">".repeat(200_000)), msg);
        assert_eq!(check_nesting(&"<div>".repeat(100_000)), msg);
        assert_eq!(check_nesting(&"<DIV class='a>b'>".repeat(33)), msg);
        assert_eq!(check_nesting(&"1. ".repeat(40)), msg);
        // Counted where the parser really nests: not unclosed paragraphs or list items,
        // not void elements, not comments or scripts' text.
        assert_eq!(check_nesting(&"<p>x".repeat(1000)), Ok(()));
        assert_eq!(check_nesting(&"<ul><li>a</li></ul>".repeat(1000)), Ok(()));
        assert_eq!(check_nesting(&"<br><img src=x>".repeat(1000)), Ok(()));
        assert_eq!(
            check_nesting(&format!("<!--{}-->", "<div>".repeat(100))),
            Ok(())
        );
        assert_eq!(
            check_nesting(&format!("<script>{}</script>", "<div>".repeat(100))),
            Ok(())
        );
        assert_eq!(
            check_nesting(&format!("<svg>{}</svg>", "<path d='M0'/>".repeat(100))),
            Ok(())
        );
        assert_eq!(
            check_nesting(&format!("{}x", "> ".repeat(MAX_NESTING))),
            Ok(())
        );

        let flat = flatten_nesting(&format!("{}quoted\nnext line", ">".repeat(200_000)));
        assert_eq!(check_nesting(&flat), Ok(()));
        assert!(flat.ends_with("quoted\nnext line"), "{flat}");
        let flat = flatten_nesting(&format!(
            "{}inner{}",
            "<div>".repeat(100),
            "</div>".repeat(100)
        ));
        assert_eq!(check_nesting(&flat), Ok(()));
        assert_eq!(flat.matches("<div>").count(), MAX_NESTING);
        assert_eq!(flat.matches("</div>").count(), MAX_NESTING);
        assert!(flat.contains("inner"));
        let body = "> quote\n\n<div><p>x</p></div>\n\n- a\n  - b\n";
        assert_eq!(flatten_nesting(body), body);
    }

    #[test]
    fn plain_text_and_excerpt() {
        let r = render("# Title\n\nOne *two* three.\n\nFour.");
        assert_eq!(r.text, "Title\n\nOne two three.\n\nFour.");
        // An HTML block (imported content) has words too.
        let r = render(
            "<div>\n<p>One &amp; <b>two</b></p><ul><li>three</li></ul><script>x()</script>\n</div>\n\nFour.",
        );
        assert_eq!(r.text, "One & two\n\nthree\n\nFour.");
        assert_eq!(excerpt("one two three four", 9), "one two…");
    }
}
