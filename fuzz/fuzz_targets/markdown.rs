//! Markdown → sanitised HTML: never a panic, and never anything a browser would run — no
//! `<script>` element, no event-handler (`on…=`) attribute, no `javascript:` (or
//! `vbscript:`, `data:`) address in a link or source attribute.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// What in `html` (the sanitiser's output: well-formed, attribute values double-quoted)
/// a browser would run, if anything.
fn unsafe_html(html: &str) -> Option<String> {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|p| p + i) {
        i = lt + 1;
        let name_end = html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(html.len(), |p| p + i);
        let name = html[i..name_end].to_ascii_lowercase();
        if name == "script" || name == "style" || name == "iframe" || name == "object" {
            return Some(format!("a <{name}> element"));
        }
        i = name_end;
        // Attributes up to the tag's end.
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let attr_end = html[i..]
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>')
                .map_or(html.len(), |p| p + i);
            let attr = html[i..attr_end].to_ascii_lowercase();
            i = attr_end;
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && b[i] == b'"' {
                    let end = html[i + 1..].find('"').map_or(html.len(), |p| p + i + 1);
                    value = html[i + 1..end].to_owned();
                    i = (end + 1).min(b.len());
                } else {
                    let end = html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(html.len(), |p| p + i);
                    value = html[i..end].to_owned();
                    i = end;
                }
            }
            if attr.starts_with("on") {
                return Some(format!("an event-handler attribute {attr}"));
            }
            if matches!(
                attr.as_str(),
                "href"
                    | "src"
                    | "srcset"
                    | "action"
                    | "formaction"
                    | "xlink:href"
                    | "cite"
                    | "poster"
                    | "background"
                    | "lowsrc"
                    | "ping"
            ) {
                // As a browser reads the address: entities decoded, tabs and newlines
                // dropped, leading spaces and controls trimmed.
                let url: String = value
                    .replace("&quot;", "\"")
                    .replace("&nbsp;", "\u{a0}")
                    .replace("&amp;", "&")
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect::<String>()
                    .trim_start_matches(|c: char| c <= ' ')
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    if url.starts_with(scheme) {
                        return Some(format!("a {scheme} address in {attr}"));
                    }
                }
            }
        }
    }
    None
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let out = arabpress_core::markdown::render(src);
    if let Some(why) = unsafe_html(&out.html) {
        panic!("the sanitiser let through {why}: {:?}", out.html);
    }
    // What excerpts and reading times are made of.
    let _ = arabpress_core::markdown::html_text(&out.html);
    let _ = arabpress_core::markdown::excerpt(&out.text, 160);
});
