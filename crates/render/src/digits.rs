//! The house style for digits on Arabic pages, a site setting: Arabic-Indic (٠١٢٣…, the
//! default) or Western (0123…). Messages, dates and times are formatted in Arabic-Indic
//! digits; a finished Arabic page then has the digits of its text, the interface's and the
//! articles' alike, written in the house style, so an editor's «200» and the masthead's
//! «٢٠٢٦» never sit side by side.
//!
//! Only text is rewritten: never a tag or its attributes (addresses, `datetime`), an
//! entity, the content of `script` and `style` (JSON-LD) or of code (`pre`, `code`,
//! `kbd`, `samp`, `textarea`), or an element marked as another
//! language (`lang="en"`: an English headline on an Arabic page keeps its digits). Towards
//! Arabic-Indic, a word holding a Latin letter keeps its digits too (`COVID-19`, `iPhone
//! 15`, `www.site2.example`).

use serde::{Deserialize, Serialize};

/// How digits are written on Arabic pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Digits {
    /// ٠١٢٣٤٥٦٧٨٩
    #[default]
    ArabicIndic,
    /// 0123456789
    Western,
}

impl Digits {
    /// The Unicode numbering system's name (`arab`, `latn`), as pages give it to scripts
    /// and style sheets.
    pub fn system(self) -> &'static str {
        match self {
            Digits::ArabicIndic => "arab",
            Digits::Western => "latn",
        }
    }

    /// The setting's value (`arabic-indic`, `western`).
    pub fn code(self) -> &'static str {
        match self {
            Digits::ArabicIndic => "arabic-indic",
            Digits::Western => "western",
        }
    }

    /// Reads a setting's value.
    pub fn parse(s: &str) -> Option<Digits> {
        match s {
            "arabic-indic" => Some(Digits::ArabicIndic),
            "western" => Some(Digits::Western),
            _ => None,
        }
    }
}

/// Elements whose text is never rewritten: code and data as written.
const KEPT: &[&str] = &["script", "style", "pre", "code", "kbd", "samp", "textarea"];

/// Elements that never close.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Writes the digits of an HTML page's text in `digits` (see the module's notes). The page
/// is this theme's output: well-formed, attribute values quoted and escaped.
pub fn house_style(html: &str, digits: Digits) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    let mut depth = 0usize;
    // While inside an element whose text is left alone: the depth it opened at.
    let mut kept: Option<usize> = None;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").map_or(rest.len(), |i| i + 4 + 3);
            let (comment, tail) = rest.split_at(end.min(rest.len()));
            out.push_str(comment);
            rest = tail;
        } else if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let (tag, tail) = rest.split_at(end);
            rest = tail;
            if kept.is_some() {
                out.push_str(tag);
            } else {
                tag_with_text(tag, digits, &mut out);
            }
            let closing = tag.starts_with("</");
            let name: String = tag
                .trim_start_matches(['<', '/'])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect();
            if name.is_empty() {
                continue;
            }
            if closing {
                depth = depth.saturating_sub(1);
                if kept == Some(depth) {
                    kept = None;
                }
            } else if !VOID.contains(&name.as_str()) && !tag.ends_with("/>") {
                if kept.is_none() && (KEPT.contains(&name.as_str()) || other_language(tag)) {
                    kept = Some(depth);
                }
                depth += 1;
            }
        } else {
            // Not at a tag (handled above), so the text runs at least one character.
            let end = rest.find('<').unwrap_or(rest.len());
            let (text, tail) = rest.split_at(end);
            if kept.is_some() {
                out.push_str(text);
            } else {
                escaped(text, digits, &mut out);
            }
            rest = tail;
        }
    }
    out
}

/// Attributes whose values a reader sees (hover text, descriptions of pictures and
/// controls).
const TEXT_ATTRIBUTES: &[&str] = &["title", "alt", "aria-label", "placeholder"];

/// Copies a tag, rewriting the values of [`TEXT_ATTRIBUTES`].
fn tag_with_text(tag: &str, digits: Digits, out: &mut String) {
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name_start = rest[..eq]
            .char_indices()
            .rfind(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let name = &rest[name_start..eq];
        let value_start = eq + 2;
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..value_start + len];
        if TEXT_ATTRIBUTES.contains(&name) {
            escaped(value, digits, out);
        } else {
            out.push_str(value);
        }
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
}

/// Rewrites escaped text: entities (`&#39;`) are copied as they are.
fn escaped(text: &str, digits: Digits, out: &mut String) {
    let mut rest = text;
    while !rest.is_empty() {
        if rest.starts_with('&') {
            let end = rest
                .char_indices()
                .take(40)
                .skip(1)
                .find(|(_, c)| *c == ';' || c.is_whitespace() || *c == '&')
                .map_or(1, |(i, c)| if c == ';' { i + 1 } else { i });
            let (entity, tail) = rest.split_at(end);
            out.push_str(entity);
            rest = tail;
        } else {
            let end = rest.find('&').unwrap_or(rest.len());
            let (plain, tail) = rest.split_at(end);
            rewrite(plain, digits, out);
            rest = tail;
        }
    }
}

/// Whether a start tag marks its content as a language other than Arabic.
fn other_language(tag: &str) -> bool {
    let Some(at) = tag.find(" lang=") else {
        return false;
    };
    let value = tag[at + 6..].trim_start_matches(['"', '\'']);
    !value.starts_with("ar")
}

fn rewrite(text: &str, digits: Digits, out: &mut String) {
    match digits {
        Digits::Western => out.extend(text.chars().map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{066B}' => '.',
            '\u{066C}' => ',',
            c => c,
        })),
        Digits::ArabicIndic => {
            // A word with a Latin letter keeps its digits, and so does a number right after
            // one (`iPhone 15`).
            let mut after_latin = false;
            for word in text.split_inclusive(char::is_whitespace) {
                let latin = word.chars().any(|c| c.is_ascii_alphabetic());
                if latin || after_latin {
                    out.push_str(word);
                } else {
                    out.extend(word.chars().map(|c| match c.to_digit(10) {
                        Some(d) if c.is_ascii_digit() => char::from_u32(0x0660 + d).unwrap_or(c),
                        _ => c,
                    }));
                }
                if !word.trim().is_empty() {
                    after_latin = latin;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_rewritten_and_markup_is_not() {
        let page = concat!(
            "<html lang=\"ar\"><head><script type=\"application/ld+json\">{\"n\":200}</script>",
            "<style>.a{width:20px}</style></head><body>",
            "<p data-n=\"200\"><a href=\"/ar/article/200-x\" title=\"في 2026 &#39;\">ينقل 200 ألف راكب في ٢٠٢٦</a></p>",
            "<!-- 42 --><time datetime=\"2026-12-04\">٤ ديسمبر ٢٠٢٦</time>",
            "<p>COVID-19 و iPhone 15 و 3.5% &#39;7&#39;<br>9</p>",
            "<p lang=\"en\">Up 3.1 per cent <b>in 2026</b></p><p>بعد 12</p>",
            "<p>الأمر <code>x = 10</code> و<pre>let y = 20;</pre> و 30</p>",
            "<p\u{3000}title=\"في 5\">٦</p>",
            "</body></html>"
        );
        let arab = house_style(page, Digits::ArabicIndic);
        assert!(arab.contains("{\"n\":200}") && arab.contains("width:20px"));
        assert!(arab.contains("data-n=\"200\"") && arab.contains("/ar/article/200-x"));
        assert!(arab.contains("title=\"في ٢٠٢٦ &#39;\""), "{arab}");
        assert!(arab.contains("ينقل ٢٠٠ ألف راكب في ٢٠٢٦"), "{arab}");
        assert!(arab.contains("<!-- 42 -->") && arab.contains("datetime=\"2026-12-04\""));
        assert!(
            arab.contains("COVID-19 و iPhone 15 و ٣.٥% &#39;٧&#39;<br>٩"),
            "{arab}"
        );
        assert!(
            arab.contains("Up 3.1 per cent <b>in 2026</b></p><p>بعد ١٢"),
            "{arab}"
        );
        assert!(
            arab.contains("<code>x = 10</code> و<pre>let y = 20;</pre> و ٣٠"),
            "{arab}"
        );
        assert!(arab.contains("title=\"في ٥\""), "{arab}");

        let latn = house_style(page, Digits::Western);
        assert!(latn.contains("ينقل 200 ألف راكب في 2026"), "{latn}");
        assert!(latn.contains("<time datetime=\"2026-12-04\">4 ديسمبر 2026</time>"));
        assert!(latn.contains("بعد 12"));
    }

    #[test]
    fn broken_markup_is_copied_not_lost() {
        for s in [
            "<",
            "&",
            "<!--",
            "a < b & c",
            "<p lang=>1",
            "&#x31",
            "</p></p>5",
        ] {
            let out = house_style(s, Digits::ArabicIndic);
            assert_eq!(
                out.chars().filter(|c| !c.is_numeric()).collect::<String>(),
                s.chars().filter(|c| !c.is_numeric()).collect::<String>(),
                "{s}"
            );
        }
    }
}
