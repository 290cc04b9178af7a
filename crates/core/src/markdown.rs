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

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::sync::LazyLock;

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
