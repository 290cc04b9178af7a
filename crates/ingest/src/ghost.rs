//! Ghost exports (Ghost Admin → Settings → Labs → Export content), in the three shapes
//! found in the wild: `{"db": [{"meta", "data"}]}`, a bare `{"meta", "data"}`, and the
//! Content API's `{"posts": [...]}` with authors and tags inside each post. A post's body is
//! its `html` when present, else its `lexical` or `mobiledoc` document rendered to HTML here
//! (paragraphs, headings, lists, quotes, links, images, code, embedded HTML and Markdown
//! cards; an unknown card keeps its children).

use crate::IngestError;
use quick_xml::escape::escape;
use serde_json::Value;
use std::collections::HashMap;

/// A Ghost author (a staff user).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Biography.
    pub bio: String,
}

/// A Ghost tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tag {
    /// Slug.
    pub slug: String,
    /// Name (`#internal` tags start with `#`).
    pub name: String,
}

/// A post or page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Post {
    /// Ghost's id.
    pub id: String,
    /// `post` or `page`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Slug.
    pub slug: String,
    /// The body, HTML.
    pub html: String,
    /// `custom_excerpt`.
    pub excerpt: String,
    /// `published`, `draft`, `scheduled`, `sent`.
    pub status: String,
    /// `public`, `members`, `paid`, `tiers`.
    pub visibility: String,
    /// `published_at`, RFC 3339.
    pub published_at: String,
    /// The feature image's address.
    pub feature_image: String,
    /// Its alt text.
    pub feature_image_alt: String,
    /// Its caption (HTML).
    pub feature_image_caption: String,
    /// Tags in order (the first is the primary tag).
    pub tags: Vec<Tag>,
    /// Authors in byline order.
    pub authors: Vec<Author>,
}

/// A whole export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// The site's title, from its settings, when exported.
    pub title: String,
    /// The site's address, when known (Content API posts carry their URL).
    pub url: String,
    /// Posts and pages.
    pub posts: Vec<Post>,
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Reads an export.
pub fn read(bytes: &[u8]) -> Result<Site, IngestError> {
    let root: Value = serde_json::from_slice(bytes).map_err(|e| IngestError::Malformed {
        what: format!("not JSON: {e}"),
        offset: byte_offset(bytes, e.line(), e.column()),
    })?;
    if root.get("posts").is_some() && root.get("data").is_none() {
        return content_api(&root);
    }
    let data = root
        .get("db")
        .and_then(|db| db.get(0))
        .and_then(|d| d.get("data"))
        .or_else(|| root.get("data"))
        .ok_or_else(|| {
            IngestError::Invalid(
                "not a Ghost export: no db[0].data, data or posts at the top".into(),
            )
        })?;
    let users: HashMap<String, Author> = list(data, "users")
        .iter()
        .map(|u| {
            (
                text(u, "id"),
                Author {
                    slug: text(u, "slug"),
                    name: text(u, "name"),
                    bio: text(u, "bio"),
                },
            )
        })
        .collect();
    let tags: HashMap<String, Tag> = list(data, "tags")
        .iter()
        .map(|t| {
            (
                text(t, "id"),
                Tag {
                    slug: text(t, "slug"),
                    name: text(t, "name"),
                },
            )
        })
        .collect();
    let ordered = |key: &str, other: &str| -> HashMap<String, Vec<(i64, String)>> {
        let mut m: HashMap<String, Vec<(i64, String)>> = HashMap::new();
        for link in list(data, key) {
            let order = link.get("sort_order").and_then(Value::as_i64).unwrap_or(0);
            m.entry(text(link, "post_id"))
                .or_default()
                .push((order, text(link, other)));
        }
        for v in m.values_mut() {
            v.sort();
        }
        m
    };
    let post_authors = ordered("posts_authors", "author_id");
    let post_tags = ordered("posts_tags", "tag_id");
    let meta: HashMap<String, &Value> = list(data, "posts_meta")
        .iter()
        .map(|m| (text(m, "post_id"), m))
        .collect();
    let title = list(data, "settings")
        .iter()
        .find(|s| text(s, "key") == "title")
        .map(|s| text(s, "value"))
        .unwrap_or_default();
    let mut posts = Vec::new();
    for p in list(data, "posts") {
        let id = text(p, "id");
        let mut post = post_fields(p)?;
        // Old exports name the author on the post.
        let mut author_ids: Vec<String> = post_authors
            .get(&id)
            .map(|v| v.iter().map(|(_, a)| a.clone()).collect())
            .unwrap_or_default();
        if author_ids.is_empty() {
            author_ids.push(text(p, "author_id"));
        }
        post.authors = author_ids
            .iter()
            .filter_map(|a| users.get(a).cloned())
            .collect();
        post.tags = post_tags
            .get(&id)
            .map(|v| v.iter().filter_map(|(_, t)| tags.get(t).cloned()).collect())
            .unwrap_or_default();
        if let Some(m) = meta.get(&id) {
            if post.feature_image_alt.is_empty() {
                post.feature_image_alt = text(m, "feature_image_alt");
            }
            if post.feature_image_caption.is_empty() {
                post.feature_image_caption = text(m, "feature_image_caption");
            }
        }
        posts.push(post);
    }
    Ok(Site {
        title,
        url: String::new(),
        posts,
    })
}

fn content_api(root: &Value) -> Result<Site, IngestError> {
    let mut site = Site::default();
    for p in list(root, "posts") {
        let mut post = post_fields(p)?;
        post.authors = list(p, "authors")
            .iter()
            .map(|a| Author {
                slug: text(a, "slug"),
                name: text(a, "name"),
                bio: text(a, "bio"),
            })
            .collect();
        post.tags = list(p, "tags")
            .iter()
            .map(|t| Tag {
                slug: text(t, "slug"),
                name: text(t, "name"),
            })
            .collect();
        if site.url.is_empty() {
            let url = text(p, "url");
            if let Some(rest) = url.split("://").nth(1) {
                let host = rest.split('/').next().unwrap_or_default();
                let scheme = url.split("://").next().unwrap_or("https");
                site.url = format!("{scheme}://{host}");
            }
        }
        site.posts.push(post);
    }
    Ok(site)
}

fn post_fields(p: &Value) -> Result<Post, IngestError> {
    let kind = match p.get("page") {
        Some(Value::Bool(true)) => "page".to_owned(),
        Some(Value::Bool(false)) => "post".to_owned(),
        _ => {
            let t = text(p, "type");
            if t.is_empty() { "post".to_owned() } else { t }
        }
    };
    let html = match p.get("html") {
        Some(Value::String(h)) if !h.trim().is_empty() => h.clone(),
        _ => match (p.get("lexical"), p.get("mobiledoc")) {
            (Some(Value::String(l)), _) if !l.is_empty() => {
                let doc: Value = serde_json::from_str(l).map_err(|e| {
                    IngestError::Invalid(format!(
                        "post {:?}: its lexical document: {e}",
                        text(p, "id")
                    ))
                })?;
                lexical(&doc)
            }
            (_, Some(Value::String(m))) if !m.is_empty() => {
                let doc: Value = serde_json::from_str(m).map_err(|e| {
                    IngestError::Invalid(format!(
                        "post {:?}: its mobiledoc document: {e}",
                        text(p, "id")
                    ))
                })?;
                mobiledoc(&doc)
            }
            _ => String::new(),
        },
    };
    Ok(Post {
        id: text(p, "id"),
        kind,
        title: text(p, "title"),
        slug: text(p, "slug"),
        html,
        excerpt: text(p, "custom_excerpt"),
        status: text(p, "status"),
        visibility: text(p, "visibility"),
        published_at: text(p, "published_at"),
        feature_image: text(p, "feature_image"),
        feature_image_alt: text(p, "feature_image_alt"),
        feature_image_caption: text(p, "feature_image_caption"),
        tags: Vec::new(),
        authors: Vec::new(),
    })
}

/// The byte offset of a 1-based line and column.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> u64 {
    let mut at = 0usize;
    for (i, l) in bytes.split(|&b| b == b'\n').enumerate() {
        if i + 1 == line {
            return (at + column.saturating_sub(1)) as u64;
        }
        at += l.len() + 1;
    }
    bytes.len() as u64
}

/// Renders a Lexical document (Ghost 5's editor) as HTML.
pub fn lexical(doc: &Value) -> String {
    let mut out = String::new();
    if let Some(root) = doc.get("root") {
        lexical_children(root, &mut out);
    }
    out
}

fn lexical_children(node: &Value, out: &mut String) {
    for c in list(node, "children") {
        lexical_node(c, out);
    }
}

fn lexical_node(n: &Value, out: &mut String) {
    let kind = text(n, "type");
    let wrap = |tag: &str, out: &mut String| {
        out.push_str(&format!("<{tag}>"));
        lexical_children(n, out);
        out.push_str(&format!("</{tag}>"));
    };
    match kind.as_str() {
        "paragraph" => wrap("p", out),
        "heading" | "extended-heading" => {
            let tag = text(n, "tag");
            let tag = if matches!(tag.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                tag
            } else {
                "h2".to_owned()
            };
            wrap(&tag, out);
        }
        "quote" | "extended-quote" | "aside" => wrap("blockquote", out),
        "list" => {
            let tag = if text(n, "listType") == "number" {
                "ol"
            } else {
                "ul"
            };
            wrap(tag, out);
        }
        "listitem" => wrap("li", out),
        "link" | "autolink" => {
            out.push_str(&format!("<a href=\"{}\">", escape(text(n, "url"))));
            lexical_children(n, out);
            out.push_str("</a>");
        }
        "text" | "extended-text" => {
            let format = n.get("format").and_then(Value::as_u64).unwrap_or(0);
            let marks: Vec<&str> = [(1, "strong"), (2, "em"), (4, "s"), (8, "u"), (16, "code")]
                .iter()
                .filter(|(bit, _)| format & bit != 0)
                .map(|(_, t)| *t)
                .collect();
            for m in &marks {
                out.push_str(&format!("<{m}>"));
            }
            out.push_str(&escape(text(n, "text")));
            for m in marks.iter().rev() {
                out.push_str(&format!("</{m}>"));
            }
        }
        "linebreak" => out.push_str("<br>"),
        "horizontalrule" => out.push_str("<hr>"),
        "image" => image(&text(n, "src"), &text(n, "alt"), &text(n, "caption"), out),
        "codeblock" => {
            out.push_str("<pre><code>");
            out.push_str(&escape(text(n, "code")));
            out.push_str("</code></pre>");
        }
        "html" | "embed" => out.push_str(&text(n, "html")),
        "markdown" => out.push_str(&markdown_card(&text(n, "markdown"))),
        "bookmark" => {
            let url = text(n, "url");
            let title = n
                .get("metadata")
                .map(|m| text(m, "title"))
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| url.clone());
            out.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p>",
                escape(url),
                escape(title)
            ));
        }
        _ => lexical_children(n, out),
    }
}

fn image(src: &str, alt: &str, caption: &str, out: &mut String) {
    if src.is_empty() {
        return;
    }
    out.push_str("<figure>");
    out.push_str(&format!(
        "<img src=\"{}\" alt=\"{}\">",
        escape(src),
        escape(alt)
    ));
    if !caption.is_empty() {
        // Ghost keeps captions as HTML; sanitised with the rest of the body.
        out.push_str(&format!("<figcaption>{caption}</figcaption>"));
    }
    out.push_str("</figure>");
}

/// A Markdown card: its source, which the body's Markdown rendering reads again. Wrapped
/// so it stands as its own block.
fn markdown_card(md: &str) -> String {
    format!("\n\n{md}\n\n")
}

/// Renders a Mobiledoc document (Ghost 1-4's editor) as HTML.
pub fn mobiledoc(doc: &Value) -> String {
    let markups: Vec<(String, String)> = list(doc, "markups")
        .iter()
        .map(|m| {
            let tag = m
                .get(0)
                .and_then(Value::as_str)
                .unwrap_or("span")
                .to_owned();
            let href = m
                .get(1)
                .and_then(Value::as_array)
                .and_then(|attrs| {
                    attrs
                        .chunks(2)
                        .find(|kv| kv.first().and_then(Value::as_str) == Some("href"))
                        .and_then(|kv| kv.get(1).and_then(Value::as_str))
                })
                .unwrap_or_default()
                .to_owned();
            (tag, href)
        })
        .collect();
    let cards = list(doc, "cards");
    let mut out = String::new();
    let markers = |ms: &[Value], out: &mut String| {
        let mut open: Vec<&str> = Vec::new();
        for m in ms {
            let Some(m) = m.as_array() else { continue };
            for idx in m
                .get(1)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                let Some((tag, href)) = idx
                    .as_u64()
                    .and_then(|i| markups.get(usize::try_from(i).unwrap_or(usize::MAX)))
                else {
                    continue;
                };
                let tag = match tag.as_str() {
                    "a" | "b" | "strong" | "i" | "em" | "u" | "s" | "code" | "sup" | "sub" => {
                        tag.as_str()
                    }
                    _ => "span",
                };
                if tag == "a" {
                    out.push_str(&format!("<a href=\"{}\">", escape(href.as_str())));
                } else {
                    out.push_str(&format!("<{tag}>"));
                }
                open.push(tag);
            }
            out.push_str(&escape(m.get(3).and_then(Value::as_str).unwrap_or("")));
            let closed = m.get(2).and_then(Value::as_u64).unwrap_or(0);
            for _ in 0..closed {
                if let Some(t) = open.pop() {
                    out.push_str(&format!("</{t}>"));
                }
            }
        }
        while let Some(t) = open.pop() {
            out.push_str(&format!("</{t}>"));
        }
    };
    for section in list(doc, "sections") {
        let Some(s) = section.as_array() else {
            continue;
        };
        match s.first().and_then(Value::as_u64) {
            Some(1) => {
                let tag = s.get(1).and_then(Value::as_str).unwrap_or("p");
                let tag = match tag {
                    "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "aside" => tag,
                    _ => "p",
                };
                let tag = if tag == "aside" { "blockquote" } else { tag };
                out.push_str(&format!("<{tag}>"));
                markers(
                    s.get(2)
                        .and_then(Value::as_array)
                        .map(Vec::as_slice)
                        .unwrap_or(&[]),
                    &mut out,
                );
                out.push_str(&format!("</{tag}>"));
            }
            Some(3) => {
                let tag = if s.get(1).and_then(Value::as_str) == Some("ol") {
                    "ol"
                } else {
                    "ul"
                };
                out.push_str(&format!("<{tag}>"));
                for item in s
                    .get(2)
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    out.push_str("<li>");
                    markers(item.as_array().map(Vec::as_slice).unwrap_or(&[]), &mut out);
                    out.push_str("</li>");
                }
                out.push_str(&format!("</{tag}>"));
            }
            Some(10) => {
                let card = s
                    .get(1)
                    .and_then(Value::as_u64)
                    .and_then(|i| cards.get(usize::try_from(i).unwrap_or(usize::MAX)));
                let Some(card) = card.and_then(Value::as_array) else {
                    continue;
                };
                let name = card.first().and_then(Value::as_str).unwrap_or("");
                let payload = card.get(1).cloned().unwrap_or(Value::Null);
                match name {
                    "image" => image(
                        &text(&payload, "src"),
                        &text(&payload, "alt"),
                        &text(&payload, "caption"),
                        &mut out,
                    ),
                    "html" | "embed" => out.push_str(&text(&payload, "html")),
                    "markdown" | "card-markdown" => {
                        out.push_str(&markdown_card(&text(&payload, "markdown")));
                    }
                    "code" => {
                        out.push_str("<pre><code>");
                        out.push_str(&escape(text(&payload, "code")));
                        out.push_str("</code></pre>");
                    }
                    "hr" => out.push_str("<hr>"),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_and_mobiledoc_become_html() {
        let doc: Value = serde_json::json!({"root": {"children": [
            {"type": "heading", "tag": "h2", "children": [{"type": "text", "text": "Title <1>"}]},
            {"type": "paragraph", "children": [
                {"type": "text", "text": "bold", "format": 1},
                {"type": "text", "text": " and "},
                {"type": "link", "url": "https://e.example/?a=1&b=2", "children": [{"type": "text", "text": "a link"}]}
            ]},
            {"type": "list", "listType": "number", "children": [{"type": "listitem", "children": [{"type": "text", "text": "one"}]}]},
            {"type": "image", "src": "https://e.example/i.jpg", "alt": "An image", "caption": ""}
        ]}});
        assert_eq!(
            lexical(&doc),
            "<h2>Title &lt;1&gt;</h2><p><strong>bold</strong> and <a href=\"https://e.example/?a=1&amp;b=2\">a link</a></p>\
             <ol><li>one</li></ol><figure><img src=\"https://e.example/i.jpg\" alt=\"An image\"></figure>"
        );
        let doc: Value = serde_json::json!({
            "version": "0.3.1", "atoms": [], "markups": [["a", ["href", "https://x.example"]], ["strong"]],
            "cards": [["image", {"src": "https://x.example/p.jpg", "caption": "A caption"}]],
            "sections": [[1, "p", [[0, [], 0, "Go to "], [0, [0, 1], 2, "the site"], [0, [], 0, "."]]],
                         [10, 0], [3, "ul", [[[0, [], 0, "item"]]]]]
        });
        assert_eq!(
            mobiledoc(&doc),
            "<p>Go to <a href=\"https://x.example\"><strong>the site</strong></a>.</p>\
             <figure><img src=\"https://x.example/p.jpg\" alt=\"\"><figcaption>A caption</figcaption></figure>\
             <ul><li>item</li></ul>"
        );
    }

    #[test]
    fn bad_json_is_refused_with_its_position() {
        match read(b"{\n  \"db\": [\n   oops") {
            Err(IngestError::Malformed { offset, .. }) => assert!(offset >= 14, "{offset}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read(b"{\"hello\": 1}"),
            Err(IngestError::Invalid(_))
        ));
    }
}
