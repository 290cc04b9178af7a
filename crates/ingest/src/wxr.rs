//! WordPress eXtended RSS (WXR), the format of WordPress's Tools → Export, read as a
//! stream. The channel's header (site, authors, categories, tags, terms) comes before the
//! items in every export, so [`Reader::next_item`] has it all by the time it returns the
//! first item. Elements are matched by namespace URI, not prefix; both the `http://` and
//! `https://` forms of `wordpress.org/export/1.x/` are WordPress's.
//!
//! Nothing in the file is expanded: a document type declaration is refused (an export never
//! has one; it is how entity-expansion bombs arrive), an unknown entity is kept as written,
//! and no field may exceed [`MAX_FIELD_BYTES`].

use crate::IngestError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use std::io::BufRead;

/// The largest text an element may hold (a post's HTML, say).
pub const MAX_FIELD_BYTES: usize = 32 << 20;
/// The deepest nesting accepted.
const MAX_DEPTH: usize = 32;

/// The exported site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channel {
    /// Site title.
    pub title: String,
    /// Site address.
    pub link: String,
    /// Language code, e.g. `en-US` or `ar`.
    pub language: String,
    /// `wp:base_site_url`.
    pub base_site_url: String,
}

/// A `wp:author`: a user of the exported site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    /// `author_login`, which items name in `dc:creator`.
    pub login: String,
    /// Address.
    pub email: String,
    /// The name shown.
    pub display_name: String,
}

/// A `wp:category`, `wp:tag` or `wp:term` of the channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    /// `category`, `post_tag`, `author` (Co-Authors Plus) or another taxonomy.
    pub taxonomy: String,
    /// Its slug (`nicename`).
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The parent's slug, for nested categories.
    pub parent: String,
    /// Description (for Co-Authors Plus guest authors, their profile text).
    pub description: String,
}

/// A term an item carries: `<category domain="…" nicename="…">Name</category>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemTerm {
    /// `category`, `post_tag`, `author`…
    pub domain: String,
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
}

/// An `item`: a post, page, attachment, menu item…
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// Byte offset of the item's start tag in the file.
    pub offset: u64,
    /// `wp:post_id`.
    pub post_id: String,
    /// `wp:post_type`: `post`, `page`, `attachment`, `nav_menu_item`…
    pub post_type: String,
    /// `title` (may hold HTML).
    pub title: String,
    /// `link`.
    pub link: String,
    /// `guid`.
    pub guid: String,
    /// `wp:post_name` (percent-encoded when not ASCII).
    pub slug: String,
    /// `content:encoded`, HTML.
    pub content: String,
    /// `excerpt:encoded`.
    pub excerpt: String,
    /// `wp:status`: `publish`, `draft`, `pending`, `future`, `private`, `trash`, `inherit`.
    pub status: String,
    /// `wp:post_date`, site time, `YYYY-MM-DD HH:MM:SS`.
    pub post_date: String,
    /// `wp:post_date_gmt` (`0000-00-00 00:00:00` for a draft never published).
    pub post_date_gmt: String,
    /// `pubDate`, RFC 2822.
    pub pub_date: String,
    /// `dc:creator`: an author's login.
    pub creator: String,
    /// `wp:post_parent`.
    pub parent: String,
    /// `wp:attachment_url`, for attachments.
    pub attachment_url: String,
    /// Whether `wp:post_password` is set.
    pub password_protected: bool,
    /// Categories, tags and other terms, in file order.
    pub terms: Vec<ItemTerm>,
    /// `wp:postmeta` pairs (`_thumbnail_id`, `_wp_attachment_image_alt`…).
    pub meta: Vec<(String, String)>,
    /// `wp:comment` elements (not imported).
    pub comments: u32,
}

impl Item {
    /// The value of postmeta `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    None,
    Wp,
    Content,
    Excerpt,
    Dc,
    Other,
}

fn classify(ns: &ResolveResult<'_>) -> Ns {
    match ns {
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Unknown(_) => Ns::Other,
        ResolveResult::Bound(n) => {
            let uri = String::from_utf8_lossy(n.as_ref());
            let rest = uri
                .strip_prefix("https://")
                .or_else(|| uri.strip_prefix("http://"))
                .unwrap_or(&uri);
            if rest.starts_with("wordpress.org/export/") {
                if rest.contains("/excerpt") {
                    Ns::Excerpt
                } else {
                    Ns::Wp
                }
            } else if rest == "purl.org/rss/1.0/modules/content/" {
                Ns::Content
            } else if rest == "purl.org/dc/elements/1.1/" {
                Ns::Dc
            } else {
                Ns::Other
            }
        }
    }
}

/// What the element being read belongs to.
#[derive(Debug)]
enum Record {
    None,
    Author(Author),
    Term(Term),
    Item(Box<Item>),
}

/// A streaming WXR reader.
pub struct Reader<R: BufRead> {
    xml: quick_xml::NsReader<R>,
    buf: Vec<u8>,
    path: Vec<(Ns, String)>,
    text: String,
    record: Record,
    /// An item's `category` being read: (domain, nicename).
    pending_term: Option<(String, String)>,
    /// A `wp:postmeta` being read: (key, value).
    pending_meta: Option<(String, String)>,
    channel: Channel,
    authors: Vec<Author>,
    terms: Vec<Term>,
    seen_root: bool,
    finished: bool,
}

impl<R: BufRead> std::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("position", &self.position())
            .finish()
    }
}

fn malformed(what: impl std::fmt::Display, offset: u64) -> IngestError {
    IngestError::Malformed {
        what: what.to_string(),
        offset,
    }
}

fn attribute(e: &BytesStart<'_>, name: &str) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name.as_bytes())
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
        .unwrap_or_default()
}

impl<R: BufRead> Reader<R> {
    /// Reads from `source` (give it a `BufReader` over the file).
    pub fn new(source: R) -> Reader<R> {
        let mut xml = quick_xml::NsReader::from_reader(source);
        let config = xml.config_mut();
        config.check_end_names = true;
        // A bare `&` (an address's query string outside CDATA) is common in exports.
        config.allow_dangling_amp = true;
        Reader {
            xml,
            buf: Vec::with_capacity(64 * 1024),
            path: Vec::new(),
            text: String::new(),
            record: Record::None,
            pending_term: None,
            pending_meta: None,
            channel: Channel::default(),
            authors: Vec::new(),
            terms: Vec::new(),
            seen_root: false,
            finished: false,
        }
    }

    /// The site, as far as read.
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// The site's users, as far as read.
    pub fn authors(&self) -> &[Author] {
        &self.authors
    }

    /// The channel's categories, tags and terms, as far as read.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.xml.buffer_position()
    }

    /// The next item, or `None` at the end of the export.
    pub fn next_item(&mut self) -> Result<Option<Item>, IngestError> {
        if self.finished {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.buf);
        let next = self.read_until_item(&mut buf);
        self.buf = buf;
        next
    }

    fn read_until_item(&mut self, buf: &mut Vec<u8>) -> Result<Option<Item>, IngestError> {
        loop {
            let start = self.xml.buffer_position();
            buf.clear();
            let (ns, event) = match self.xml.read_resolved_event_into(buf) {
                Ok((ns, event)) => (classify(&ns), event),
                Err(e) => return Err(malformed(e, self.xml.error_position())),
            };
            match event {
                Event::Start(e) => {
                    let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    self.open(ns, local, &e, start)?;
                }
                Event::Empty(e) => {
                    let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    self.open(ns, local, &e, start)?;
                    if let Some(item) = self.close(start)? {
                        return Ok(Some(item));
                    }
                }
                Event::End(_) => {
                    if let Some(item) = self.close(start)? {
                        return Ok(Some(item));
                    }
                }
                Event::Text(t) => {
                    let t = t.decode().map_err(|e| malformed(e, start))?;
                    self.push_text(&t, start)?;
                }
                Event::CData(c) => {
                    let c = c.decode().map_err(|e| malformed(e, start))?;
                    self.push_text(&c, start)?;
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => {
                            let name = r.decode().map_err(|e| malformed(e, start))?;
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => s.to_owned(),
                                // An HTML entity outside CDATA: kept as written (the
                                // content is HTML, which understands it).
                                None => format!("&{name};"),
                            }
                        }
                        Err(e) => return Err(malformed(e, start)),
                    };
                    self.push_text(&resolved, start)?;
                }
                Event::DocType(_) => {
                    return Err(malformed(
                        "a document type declaration (<!DOCTYPE …>) is not allowed in a WordPress export",
                        start,
                    ));
                }
                Event::Eof => {
                    self.finished = true;
                    if let Some((_, open)) = self.path.last() {
                        return Err(malformed(format!("the file ends inside <{open}>"), start));
                    }
                    if !self.seen_root {
                        return Err(IngestError::Invalid(
                            "the file is empty: not a WordPress export".into(),
                        ));
                    }
                    return Ok(None);
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            }
        }
    }

    fn push_text(&mut self, t: &str, at: u64) -> Result<(), IngestError> {
        if self.text.len() + t.len() > MAX_FIELD_BYTES {
            let name = self.path.last().map(|(_, n)| n.as_str()).unwrap_or("?");
            return Err(malformed(
                format!(
                    "<{name}> holds more than {} MiB of text",
                    MAX_FIELD_BYTES >> 20
                ),
                at,
            ));
        }
        self.text.push_str(t);
        Ok(())
    }

    fn open(
        &mut self,
        ns: Ns,
        local: String,
        e: &BytesStart<'_>,
        at: u64,
    ) -> Result<(), IngestError> {
        if self.path.is_empty() {
            if self.seen_root {
                return Err(malformed("a second root element", at));
            }
            if local != "rss" {
                return Err(IngestError::Invalid(format!(
                    "not a WordPress export: the document is <{local}>, not <rss>"
                )));
            }
            self.seen_root = true;
        }
        if self.path.len() >= MAX_DEPTH {
            return Err(malformed(
                format!("elements nested more than {MAX_DEPTH} deep"),
                at,
            ));
        }
        let depth = self.path.len();
        if depth == 2 {
            self.record = match (ns, local.as_str()) {
                (Ns::None, "item") => Record::Item(Box::new(Item {
                    offset: at,
                    ..Item::default()
                })),
                (Ns::Wp, "author") => Record::Author(Author::default()),
                (Ns::Wp, "category") => Record::Term(Term {
                    taxonomy: "category".into(),
                    ..Term::default()
                }),
                (Ns::Wp, "tag") => Record::Term(Term {
                    taxonomy: "post_tag".into(),
                    ..Term::default()
                }),
                (Ns::Wp, "term") => Record::Term(Term::default()),
                _ => Record::None,
            };
        }
        if depth == 3 && matches!(self.record, Record::Item(_)) {
            match (ns, local.as_str()) {
                (Ns::None, "category") => {
                    self.pending_term = Some((attribute(e, "domain"), attribute(e, "nicename")));
                }
                (Ns::Wp, "postmeta") => self.pending_meta = Some(Default::default()),
                _ => {}
            }
        }
        self.path.push((ns, local));
        self.text.clear();
        Ok(())
    }

    /// Ends the element on top of the path; returns a finished item.
    fn close(&mut self, at: u64) -> Result<Option<Item>, IngestError> {
        let Some((ns, local)) = self.path.pop() else {
            return Err(malformed("an end tag with no start", at));
        };
        let text = std::mem::take(&mut self.text);
        let depth = self.path.len();
        match depth {
            // A child of the channel, or a record ending.
            2 => match std::mem::replace(&mut self.record, Record::None) {
                Record::Item(item) => return Ok(Some(*item)),
                Record::Author(a) => self.authors.push(a),
                Record::Term(t) => self.terms.push(t),
                Record::None => match (ns, local.as_str()) {
                    (Ns::None, "title") => self.channel.title = text,
                    (Ns::None, "link") => self.channel.link = text,
                    (Ns::None, "language") => self.channel.language = text,
                    (Ns::Wp, "base_site_url") => self.channel.base_site_url = text,
                    _ => {}
                },
            },
            3 => self.record_field(ns, &local, text),
            4 => {
                if let (Some(meta), Ns::Wp) = (self.pending_meta.as_mut(), ns) {
                    match local.as_str() {
                        "meta_key" => meta.0 = text,
                        "meta_value" => meta.1 = text,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        Ok(None)
    }

    fn record_field(&mut self, ns: Ns, local: &str, text: String) {
        match &mut self.record {
            Record::Item(item) => match (ns, local) {
                (Ns::None, "title") => item.title = text,
                (Ns::None, "link") => item.link = text,
                (Ns::None, "guid") => item.guid = text,
                (Ns::None, "pubDate") => item.pub_date = text,
                (Ns::None, "category") => {
                    let (domain, slug) = self.pending_term.take().unwrap_or_default();
                    item.terms.push(ItemTerm {
                        domain,
                        slug,
                        name: text,
                    });
                }
                (Ns::Dc, "creator") => item.creator = text,
                (Ns::Content, "encoded") => item.content = text,
                (Ns::Excerpt, "encoded") => item.excerpt = text,
                (Ns::Wp, "post_id") => item.post_id = text.trim().to_owned(),
                (Ns::Wp, "post_type") => item.post_type = text.trim().to_owned(),
                (Ns::Wp, "post_name") => item.slug = text.trim().to_owned(),
                (Ns::Wp, "status") => item.status = text.trim().to_owned(),
                (Ns::Wp, "post_date") => item.post_date = text.trim().to_owned(),
                (Ns::Wp, "post_date_gmt") => item.post_date_gmt = text.trim().to_owned(),
                (Ns::Wp, "post_parent") => item.parent = text.trim().to_owned(),
                (Ns::Wp, "attachment_url") => item.attachment_url = text.trim().to_owned(),
                (Ns::Wp, "post_password") => item.password_protected = !text.trim().is_empty(),
                (Ns::Wp, "postmeta") => {
                    if let Some(m) = self.pending_meta.take() {
                        item.meta.push(m);
                    }
                }
                (Ns::Wp, "comment") => item.comments += 1,
                _ => {}
            },
            Record::Author(a) if ns == Ns::Wp => match local {
                "author_login" => a.login = text,
                "author_email" => a.email = text,
                "author_display_name" => a.display_name = text,
                _ => {}
            },
            Record::Term(t) if ns == Ns::Wp => match local {
                "category_nicename" | "tag_slug" | "term_slug" => t.slug = text,
                "cat_name" | "tag_name" | "term_name" => t.name = text,
                "category_parent" | "term_parent" => t.parent = text,
                "category_description" | "tag_description" | "term_description" => {
                    t.description = text;
                }
                "term_taxonomy" => t.taxonomy = text,
                _ => {}
            },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(xml: &str) -> Result<(Vec<Item>, Reader<&[u8]>), IngestError> {
        let mut r = Reader::new(xml.as_bytes());
        let mut out = Vec::new();
        while let Some(i) = r.next_item()? {
            out.push(i);
        }
        Ok((out, r))
    }

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Site &amp; Co</title><language>ar</language>
<wp:author><wp:author_login>sara</wp:author_login><wp:author_display_name><![CDATA[سارة]]></wp:author_display_name></wp:author>
<wp:category><wp:category_nicename>local</wp:category_nicename><wp:category_parent>news</wp:category_parent><wp:cat_name><![CDATA[Local]]></wp:cat_name></wp:category>
"#;

    #[test]
    fn an_item_comes_with_its_terms_meta_and_comment_count() {
        let xml = format!(
            "{HEAD}<item><title>A &lt;b&gt;bold&lt;/b&gt; title &#1587;</title><dc:creator>sara</dc:creator>\
             <content:encoded><![CDATA[<p>Body &nbsp;</p>]]></content:encoded><excerpt:encoded/>\
             <wp:post_id>7</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>\
             <wp:post_name>%d8%b3</wp:post_name>\
             <category domain=\"category\" nicename=\"local\"><![CDATA[Local]]></category>\
             <category domain=\"post_tag\" nicename=\"rain\">Rain</category>\
             <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>\
             <wp:comment><wp:comment_content>hi</wp:comment_content></wp:comment></item></channel></rss>"
        );
        let (items, r) = items(&xml).unwrap();
        assert_eq!(r.channel().title, "Site & Co");
        assert_eq!(r.channel().language, "ar");
        assert_eq!(r.authors()[0].display_name, "سارة");
        assert_eq!(r.terms()[0].parent, "news");
        let i = &items[0];
        assert_eq!(i.title, "A <b>bold</b> title س");
        assert_eq!(i.content, "<p>Body &nbsp;</p>");
        assert_eq!((i.post_id.as_str(), i.slug.as_str()), ("7", "%d8%b3"));
        assert_eq!(i.terms.len(), 2);
        assert_eq!(i.terms[1].domain, "post_tag");
        assert_eq!(i.meta("_thumbnail_id"), Some("9"));
        assert_eq!(i.comments, 1);
        assert!(xml[usize::try_from(i.offset).unwrap_or(0)..].starts_with("<item>"));
    }

    #[test]
    fn the_https_namespace_is_wordpress_too() {
        let xml = HEAD.replace("http://wordpress.org/", "https://wordpress.org/")
            + "<item><wp:post_id>3</wp:post_id><excerpt:encoded>Short</excerpt:encoded></item></channel></rss>";
        let (items, _) = items(&xml).unwrap();
        assert_eq!(items[0].post_id, "3");
        assert_eq!(items[0].excerpt, "Short");
    }

    #[test]
    fn broken_and_hostile_files_are_refused_with_a_position() {
        let cut = format!("{HEAD}<item><title>Cut");
        match items(&cut) {
            Err(IngestError::Malformed { what, .. }) => {
                assert!(what.contains("item") || what.contains("title"), "{what}")
            }
            other => panic!("{other:?}"),
        }
        let mismatched = format!("{HEAD}<item><title>x</link></item></channel></rss>");
        match items(&mismatched) {
            Err(IngestError::Malformed { offset, .. }) => {
                assert!(offset as usize > HEAD.len(), "{offset}");
            }
            other => panic!("{other:?}"),
        }
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><rss><channel>&lol2;</channel></rss>";
        match items(bomb) {
            Err(IngestError::Malformed { what, .. }) => assert!(what.contains("DOCTYPE"), "{what}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            items("<html><body/></html>"),
            Err(IngestError::Invalid(_))
        ));
        assert!(matches!(items(""), Err(IngestError::Invalid(_))));
        let latin1 =
            b"<?xml version=\"1.0\"?><rss><channel><title>\xe9t\xe9</title></channel></rss>";
        let mut r = Reader::new(&latin1[..]);
        assert!(matches!(r.next_item(), Err(IngestError::Malformed { .. })));
    }
}
