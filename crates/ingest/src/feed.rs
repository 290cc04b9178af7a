//! Wire feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed, parsed by feed-rs. The caller bounds
//! the size of what it hands in; nothing in a feed is expanded (its XML reader resolves no
//! custom entities), so an entity bomb is an error, not a memory blow-up.

use crate::IngestError;

/// An item of a feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedItem {
    /// The item's id (its GUID; feed-rs makes a stable one when the feed gives none).
    pub guid: String,
    /// The address of the original story.
    pub link: String,
    /// Title (may hold HTML).
    pub title: String,
    /// Summary, HTML.
    pub summary: String,
    /// Full content, HTML, when the feed carries it.
    pub content: String,
    /// Publication time, UTC seconds.
    pub published: Option<i64>,
    /// Bylines.
    pub authors: Vec<String>,
}

/// A parsed feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Feed {
    /// The feed's title.
    pub title: String,
    /// Its items, in the feed's order.
    pub items: Vec<FeedItem>,
}

/// The encoding an XML declaration names, lower-cased (`utf-8` when none is named).
fn declared_encoding(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).to_ascii_lowercase();
    let Some(decl) = head
        .trim_start_matches('\u{feff}')
        .trim_start()
        .strip_prefix("<?xml")
        .and_then(|d| d.split("?>").next())
    else {
        return "utf-8".into();
    };
    decl.split("encoding=")
        .nth(1)
        .and_then(|v| v.trim_start().get(1..))
        .and_then(|v| v.split(['"', '\'']).next())
        .unwrap_or("utf-8")
        .trim()
        .to_owned()
}

/// The feed with its XML declaration rewritten to the short form, when it names an
/// encoding other than UTF-8: feed-rs's XML reader (quick-xml 0.42) panics when such a
/// declaration runs past the first bytes it looks at (`<?xml version = "1.0"
/// encoding="windows-1256" standalone="yes" ?>`). `Err` for a name no encoding has.
fn short_declaration(bytes: &[u8], encoding: &str) -> Result<Option<Vec<u8>>, IngestError> {
    if encoding.len() > 32
        || !encoding
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        return Err(IngestError::Invalid(format!(
            "the feed declares an unknown encoding {encoding:?}"
        )));
    }
    let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Ok(None);
    };
    let rest = &bytes[start..];
    if !rest.starts_with(b"<?xml") {
        return Ok(None);
    }
    let Some(end) = rest.windows(2).position(|w| w == b"?>") else {
        return Ok(None);
    };
    let mut out = format!("<?xml version=\"1.0\" encoding=\"{encoding}\"?>").into_bytes();
    out.extend_from_slice(&rest[end + 2..]);
    Ok(Some(out))
}

/// Parses a feed. Refused before parsing: a document type with entity declarations (how
/// entity-expansion bombs arrive; no feed needs one), and bytes that are not the UTF-8 the
/// feed says (or, saying nothing, implies) it is.
pub fn parse(bytes: &[u8]) -> Result<Feed, IngestError> {
    if bytes
        .windows(8)
        .any(|w| w.eq_ignore_ascii_case(b"<!ENTITY"))
    {
        return Err(IngestError::Invalid(
            "the feed declares entities (<!ENTITY …>): refused, as an entity-expansion attack"
                .into(),
        ));
    }
    // An XML declaration past the start is malformed, and makes feed-rs's XML reader
    // (quick-xml 0.42) panic when it names another encoding.
    let after_bom = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let lead = bytes.len() - after_bom.len()
        + after_bom
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    if bytes
        .windows(6)
        .enumerate()
        .any(|(i, w)| i > lead && w.starts_with(b"<?xml") && w[5].is_ascii_whitespace())
    {
        return Err(IngestError::Invalid(
            "the feed has an XML declaration (<?xml …?>) after its start".into(),
        ));
    }
    let encoding = declared_encoding(bytes);
    if matches!(encoding.as_str(), "utf-8" | "utf8")
        && let Err(e) = std::str::from_utf8(bytes)
    {
        return Err(IngestError::Invalid(format!(
            "the feed is not the UTF-8 it declares: invalid byte at {}",
            e.valid_up_to()
        )));
    }
    let rewritten = if matches!(encoding.as_str(), "utf-8" | "utf8") {
        None
    } else {
        short_declaration(bytes, &encoding)?
    };
    let feed = feed_rs::parser::parse(rewritten.as_deref().unwrap_or(bytes))
        .map_err(|e| IngestError::Invalid(format!("not a readable RSS, Atom or JSON feed: {e}")))?;
    let items = feed
        .entries
        .into_iter()
        .map(|e| FeedItem {
            link: e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or_else(|| e.links.first())
                .map(|l| l.href.trim().to_owned())
                .unwrap_or_default(),
            guid: e.id.trim().to_owned(),
            title: e.title.map(|t| t.content).unwrap_or_default(),
            summary: e.summary.map(|t| t.content).unwrap_or_default(),
            content: e.content.and_then(|c| c.body).unwrap_or_default(),
            published: e.published.or(e.updated).map(|t| t.timestamp()),
            authors: e
                .authors
                .into_iter()
                .filter_map(|p| p.name.map(|n| n.trim().to_owned()))
                .filter(|n| !n.is_empty())
                .collect(),
        })
        .collect();
    Ok(Feed {
        title: feed.title.map(|t| t.content).unwrap_or_default(),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_declaration_of_another_encoding_is_read() {
        // Found by fuzzing: this made the XML reader panic.
        let mut feed =
            b"<?xml version   =  \"1.0\"   encoding=\"windows-1256\"   standalone=\"yes\"  ?>\
            <rss version=\"2.0\"><channel><title>t</title><item><guid>w</guid><title>"
                .to_vec();
        feed.extend_from_slice(&[0xce, 0xc8, 0xd1]);
        feed.extend_from_slice(b"</title></item></channel></rss>");
        let f = parse(&feed).map_err(|e| e.to_string());
        assert_eq!(f.map(|f| f.items[0].title.clone()), Ok("خبر".to_owned()));
        let mut second = b"<?xml version=\"1.0\"?><rss><channel><title>".to_vec();
        second.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"windows-1256\"?></title>");
        assert!(parse(&second).is_err_and(|e| e.to_string().contains("after its start")));
        let bom = b"\xef\xbb\xbf <?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title></channel></rss>";
        assert!(parse(bom).is_ok());
        let bad = b"<?xml version=\"1.0\" encoding=\"x y\"?><rss/>";
        assert!(parse(bad).is_err_and(|e| e.to_string().contains("unknown encoding")));
    }

    #[test]
    fn rss_and_atom_items_come_with_their_guid_link_and_date() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>
            <item><title>Rain &amp; wind</title><link>https://wire.example/1</link><guid>w-1</guid>
            <description>&lt;p&gt;Short.&lt;/p&gt;</description><pubDate>Mon, 05 Jan 2026 08:30:00 +0000</pubDate>
            <author>desk@wire.example (Desk)</author></item></channel></rss>"#;
        let f = parse(rss.as_bytes()).unwrap();
        assert_eq!(f.title, "Wire");
        let i = &f.items[0];
        assert_eq!(
            (i.guid.as_str(), i.link.as_str()),
            ("w-1", "https://wire.example/1")
        );
        assert_eq!(i.title, "Rain & wind");
        assert_eq!(i.summary, "<p>Short.</p>");
        assert_eq!(i.published, Some(1_767_601_800));
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
            <entry><id>tag:a,2026:1</id><title>T</title><updated>2026-01-05T08:30:00Z</updated>
            <link rel="alternate" href="https://a.example/1"/><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>"#;
        let f = parse(atom.as_bytes()).unwrap();
        assert_eq!(f.items[0].link, "https://a.example/1");
        assert_eq!(f.items[0].content, "<p>Body</p>");
    }

    #[test]
    fn malformed_and_hostile_feeds_are_errors() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title></item></channel></rss>"#;
        assert!(
            parse(bomb.as_bytes()).is_err_and(|e| e.to_string().contains("entities")),
            "an entity bomb is refused"
        );
        let latin1 = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>caf\xe9</title></channel></rss>";
        assert!(parse(latin1).is_err_and(|e| e.to_string().contains("UTF-8")));
        assert_eq!(
            declared_encoding(b"<?xml version='1.0' encoding='windows-1256'?><rss/>"),
            "windows-1256"
        );
        assert_eq!(declared_encoding(b"<rss/>"), "utf-8");
        assert!(parse(b"<rss><channel><item><title>cut").is_err());
        assert!(parse(b"<html><body>not a feed</body></html>").is_err());
        assert!(parse(b"").is_err());
    }
}
