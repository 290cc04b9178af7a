//! What the site publishes for machines: RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds, XML
//! sitemaps (an index, URL sets with hreflang alternates, a Google News sitemap) and
//! `robots.txt`. Feeds are built with the `rss` and `atom_syndication` crates, sitemaps
//! with `quick-xml`'s writer: markup is never concatenated by hand.
//!
//! Whatever is stored, a feed stays well-formed: every XML document written here passes
//! through [`xml_clean`], which removes the characters XML 1.0 cannot carry (C0 controls
//! other than tab and line ends, U+FFFE, U+FFFF), so a control character in an old row
//! cannot break a feed; the JSON Feed's texts are cleaned the same way. RSS descriptions
//! and the podcast summaries are plain text escaped as HTML, because readers treat those
//! elements as HTML: a standfirst that reads `<img …>` is shown, never run.

use crate::{RenderError, Theme};
use arabpress_core::Lang;
use arabpress_core::model::{Article, Section};
use jiff::Timestamp;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Serialize;
use std::borrow::Cow;

/// Whether XML 1.0 allows a character in a document
/// (`#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The text without the characters XML 1.0 cannot carry.
pub fn xml_clean(s: &str) -> Cow<'_, str> {
    if s.chars().all(xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|c| xml_char(*c)).collect())
    }
}

/// The bytes a feed or sitemap writer produced, as a string fit for XML 1.0.
fn xml_document(bytes: Vec<u8>) -> Result<String, RenderError> {
    let s = String::from_utf8(bytes).map_err(xml_error)?;
    Ok(match xml_clean(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(clean) => clean,
    })
}

/// Plain text escaped as HTML, for elements feed readers read as HTML.
fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Characters escaped in URL paths (besides every non-ASCII byte, always escaped): an
/// Arabic slug becomes `%D8%A7…`, which every feed reader and crawler accepts.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Which feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.1.
    Json,
}

impl FeedFormat {
    /// The file name the format is served under.
    pub fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Rss => "rss.xml",
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Json => "feed.json",
        }
    }

    /// The format served under a file name.
    pub fn from_file_name(name: &str) -> Option<FeedFormat> {
        [FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json]
            .into_iter()
            .find(|f| f.file_name() == name)
    }

    /// The `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml; charset=utf-8",
            FeedFormat::Atom => "application/atom+xml; charset=utf-8",
            FeedFormat::Json => "application/feed+json; charset=utf-8",
        }
    }
}

/// A feed: its place on the site and its articles, newest first.
#[derive(Debug, Clone)]
pub struct FeedModel<'a> {
    /// Language.
    pub lang: Lang,
    /// What the feed follows ("Economy", a tag, an author), or `None` for the whole site.
    pub subject: Option<String>,
    /// Path of the HTML page the feed follows.
    pub page_path: String,
    /// Path of the feed itself.
    pub feed_path: String,
    /// The articles, newest first, with bodies.
    pub articles: &'a [Article],
    /// Sections, to name each article's.
    pub sections: &'a [Section],
    /// Whole articles (`true`) or standfirsts only.
    pub full_content: bool,
    /// When the feed is built (its `updated` time when it has no articles).
    pub now: Timestamp,
    /// A podcast: each item carries its article's audio as an enclosure, with iTunes tags
    /// (RSS only).
    pub podcast: bool,
}

/// A URL of a sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapUrl {
    /// Path on the site.
    pub path: String,
    /// Last change.
    pub lastmod: Option<Timestamp>,
    /// The same content in other languages (including this one, as Google asks).
    pub alternates: Vec<(Lang, String)>,
}

/// An article of the Google News sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsUrl {
    /// Path on the site.
    pub path: String,
    /// Language.
    pub lang: Lang,
    /// Headline.
    pub title: String,
    /// Publication time.
    pub published: Timestamp,
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: String,
    home_page_url: String,
    feed_url: String,
    description: String,
    language: &'static str,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: String,
    url: String,
    title: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<Cow<'a, str>>,
    summary: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    date_published: Option<String>,
    date_modified: String,
    authors: Vec<JsonAuthor>,
    tags: Vec<Cow<'a, str>>,
    language: &'static str,
}

#[derive(Serialize)]
struct JsonAuthor {
    name: String,
    url: String,
}

fn xml_error(e: impl std::fmt::Display) -> RenderError {
    RenderError::Feed(e.to_string())
}

fn chrono_time(t: Timestamp) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::from_timestamp(t.as_second(), 0)
        .unwrap_or_default()
        .fixed_offset()
}

impl Theme {
    /// An absolute URL for a site path, with non-ASCII characters percent-encoded.
    pub fn absolute_url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.site().base_url,
            utf8_percent_encode(path, PATH)
        )
    }

    /// The host of the site's base URL (for tag URIs).
    fn host(&self) -> String {
        let site = self.site();
        let base = &site.base_url;
        let rest = base.split_once("://").map_or(base.as_str(), |(_, r)| r);
        rest.split(['/', ':']).next().unwrap_or(rest).to_owned()
    }

    /// A stable id for an article in feeds (RFC 4151 tag URI): it never changes when the
    /// article is edited, retitled or moved.
    pub fn article_guid(&self, a: &Article) -> String {
        // The UTC day it was first saved: fixed for the article's life.
        let day = a.created_at.to_string();
        format!(
            "tag:{},{}:article:{}",
            self.host(),
            day.get(..10).unwrap_or("2026-01-01"),
            a.summary.id
        )
    }

    fn feed_title(&self, m: &FeedModel<'_>) -> String {
        let site = self.site().name.get(m.lang).clone();
        match &m.subject {
            Some(s) => format!("{site} — {s}"),
            None => site,
        }
    }

    fn section_name<'a>(&self, m: &'a FeedModel<'_>, a: &Article) -> Option<&'a str> {
        m.sections
            .iter()
            .find(|s| s.id == a.summary.section_id)
            .map(|s| s.name(m.lang))
    }

    fn updated(m: &FeedModel<'_>) -> Timestamp {
        m.articles
            .iter()
            .map(|a| a.summary.updated_at)
            .max()
            .unwrap_or(m.now)
    }

    /// A feed in `format`.
    pub fn feed(&self, m: &FeedModel<'_>, format: FeedFormat) -> Result<String, RenderError> {
        match format {
            FeedFormat::Rss => self.rss(m),
            FeedFormat::Atom => self.atom(m),
            FeedFormat::Json => self.json_feed(m),
        }
    }

    fn rss(&self, m: &FeedModel<'_>) -> Result<String, RenderError> {
        use rss::extension::atom::{AtomExtension, Link};
        use rss::extension::dublincore::DublinCoreExtension;
        let mut items = Vec::with_capacity(m.articles.len());
        for a in m.articles {
            let s = &a.summary;
            let mut item = rss::Item::default();
            item.set_title(s.headline.clone());
            item.set_link(self.absolute_url(&crate::views::article_url(s.lang, &s.slug)));
            item.set_description(html_text(&s.standfirst));
            if m.full_content {
                item.set_content(a.body_html.clone());
            }
            item.set_guid(rss::Guid {
                value: self.article_guid(a),
                permalink: false,
            });
            if let Some(p) = s.published_at {
                item.set_pub_date(chrono_time(p).to_rfc2822());
            }
            let mut categories: Vec<rss::Category> = Vec::new();
            if let Some(name) = self.section_name(m, a) {
                categories.push(rss::Category {
                    name: name.to_owned(),
                    domain: None,
                });
            }
            categories.extend(a.tags.iter().map(|t| rss::Category {
                name: t.name.clone(),
                domain: None,
            }));
            item.set_categories(categories);
            if m.podcast
                && let Some(audio) = &a.audio
            {
                item.set_enclosure(rss::Enclosure {
                    url: self.absolute_url(&audio.path()),
                    length: audio.bytes.to_string(),
                    mime_type: "audio/mpeg".into(),
                });
                item.set_itunes_ext(rss::extension::itunes::ITunesItemExtension {
                    author: Some(
                        a.authors
                            .iter()
                            .map(|x| x.name(m.lang).to_owned())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    duration: Some(audio.seconds().to_string()),
                    explicit: Some("false".into()),
                    summary: Some(html_text(&s.standfirst)),
                    episode_type: Some("full".into()),
                    ..Default::default()
                });
            }
            item.set_dublin_core_ext(DublinCoreExtension {
                creators: a
                    .authors
                    .iter()
                    .map(|x| x.name(m.lang).to_owned())
                    .collect(),
                ..DublinCoreExtension::default()
            });
            items.push(item);
        }
        let mut channel = rss::Channel::default();
        channel.set_title(self.feed_title(m));
        channel.set_link(self.absolute_url(&m.page_path));
        channel.set_description(self.site().tagline.get(m.lang).clone());
        channel.set_language(m.lang.code().to_owned());
        channel.set_last_build_date(chrono_time(Self::updated(m)).to_rfc2822());
        channel.set_generator("arabpress".to_owned());
        channel.set_atom_ext(AtomExtension {
            links: vec![Link {
                href: self.absolute_url(&m.feed_path),
                rel: "self".into(),
                mime_type: Some("application/rss+xml".into()),
                ..Link::default()
            }],
        });
        channel.set_items(items);
        let mut namespaces = std::collections::BTreeMap::new();
        if m.podcast {
            let site = self.site().name.get(m.lang).clone();
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("site", site.clone());
            let description = self
                .messages()
                .get(m.lang, "podcast-description", Some(&args));
            channel.set_description(description.clone());
            channel.set_itunes_ext(rss::extension::itunes::ITunesChannelExtension {
                author: Some(site.clone()),
                categories: vec![rss::extension::itunes::ITunesCategory {
                    text: "News".into(),
                    subcategory: None,
                }],
                explicit: Some("false".into()),
                image: Some(self.artwork().0),
                // Directories write to the owner to confirm a feed is theirs: the newsroom's
                // public address, else the one its mail comes from (no address at all only
                // for a site set up without mail).
                owner: Some(rss::extension::itunes::ITunesOwner {
                    name: Some(site.clone()),
                    email: self.podcast_owner_email(),
                }),
                summary: Some(html_text(&description)),
                r#type: Some("episodic".into()),
                ..Default::default()
            });
            namespaces.insert(
                "itunes".to_owned(),
                "http://www.itunes.com/dtds/podcast-1.0.dtd".to_owned(),
            );
        }
        namespaces.insert("atom".to_owned(), "http://www.w3.org/2005/Atom".to_owned());
        namespaces.insert(
            "content".to_owned(),
            "http://purl.org/rss/1.0/modules/content/".to_owned(),
        );
        namespaces.insert(
            "dc".to_owned(),
            "http://purl.org/dc/elements/1.1/".to_owned(),
        );
        channel.set_namespaces(namespaces);
        let bytes = channel.write_to(Vec::new()).map_err(xml_error)?;
        xml_document(bytes)
    }

    fn atom(&self, m: &FeedModel<'_>) -> Result<String, RenderError> {
        use atom_syndication::{Category, Content, Entry, Feed, Link, Person, Text};
        let mut entries = Vec::with_capacity(m.articles.len());
        for a in m.articles {
            let s = &a.summary;
            let url = self.absolute_url(&crate::views::article_url(s.lang, &s.slug));
            let mut categories: Vec<Category> = Vec::new();
            if let Some(name) = self.section_name(m, a) {
                categories.push(Category {
                    term: name.to_owned(),
                    ..Category::default()
                });
            }
            categories.extend(a.tags.iter().map(|t| Category {
                term: t.name.clone(),
                ..Category::default()
            }));
            entries.push(Entry {
                title: Text::plain(s.headline.clone()),
                id: self.article_guid(a),
                updated: chrono_time(s.updated_at),
                published: s.published_at.map(chrono_time),
                authors: a
                    .authors
                    .iter()
                    .map(|x| Person {
                        name: x.name(m.lang).to_owned(),
                        uri: Some(self.absolute_url(&crate::views::author_url(m.lang, &x.slug))),
                        ..Person::default()
                    })
                    .collect(),
                links: vec![Link {
                    href: url,
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    hreflang: Some(s.lang.code().into()),
                    ..Link::default()
                }],
                summary: Some(Text::plain(s.standfirst.clone())),
                content: m.full_content.then(|| Content {
                    value: Some(a.body_html.clone()),
                    content_type: Some("html".into()),
                    lang: Some(s.lang.code().into()),
                    ..Content::default()
                }),
                categories,
                ..Entry::default()
            });
        }
        let feed = Feed {
            title: Text::plain(self.feed_title(m)),
            id: format!(
                "tag:{},2026-01-01:feed:{}",
                self.host(),
                m.feed_path.trim_start_matches('/')
            ),
            updated: chrono_time(Self::updated(m)),
            links: vec![
                Link {
                    href: self.absolute_url(&m.page_path),
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Link::default()
                },
                Link {
                    href: self.absolute_url(&m.feed_path),
                    rel: "self".into(),
                    mime_type: Some("application/atom+xml".into()),
                    ..Link::default()
                },
            ],
            subtitle: Some(Text::plain(self.site().tagline.get(m.lang).clone())),
            lang: Some(m.lang.code().into()),
            entries,
            ..Feed::default()
        };
        let bytes = feed.write_to(Vec::new()).map_err(xml_error)?;
        xml_document(bytes)
    }

    fn json_feed(&self, m: &FeedModel<'_>) -> Result<String, RenderError> {
        let items = m
            .articles
            .iter()
            .map(|a| {
                let s = &a.summary;
                JsonItem {
                    id: self.article_guid(a),
                    url: self.absolute_url(&crate::views::article_url(s.lang, &s.slug)),
                    title: xml_clean(&s.headline),
                    content_html: m.full_content.then(|| xml_clean(&a.body_html)),
                    content_text: (!m.full_content).then(|| xml_clean(&s.standfirst)),
                    summary: xml_clean(&s.standfirst),
                    image: s.image.as_ref().map(|i| {
                        if i.url.starts_with('/') {
                            self.absolute_url(&i.url)
                        } else {
                            i.url.clone()
                        }
                    }),
                    date_published: s.published_at.map(|t| t.to_string()),
                    date_modified: s.updated_at.to_string(),
                    authors: a
                        .authors
                        .iter()
                        .map(|x| JsonAuthor {
                            name: xml_clean(x.name(m.lang)).into_owned(),
                            url: self.absolute_url(&crate::views::author_url(m.lang, &x.slug)),
                        })
                        .collect(),
                    tags: a.tags.iter().map(|t| xml_clean(&t.name)).collect(),
                    language: s.lang.code(),
                }
            })
            .collect();
        let feed = JsonFeed {
            version: "https://jsonfeed.org/version/1.1",
            title: self.feed_title(m),
            home_page_url: self.absolute_url(&m.page_path),
            feed_url: self.absolute_url(&m.feed_path),
            description: self.site().tagline.get(m.lang).clone(),
            language: m.lang.code(),
            items,
        };
        serde_json::to_string_pretty(&feed).map_err(xml_error)
    }

    /// A sitemap index listing sitemap files (paths) with their last change.
    pub fn sitemap_index(
        &self,
        files: &[(String, Option<Timestamp>)],
    ) -> Result<String, RenderError> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .map_err(xml_error)?;
        w.create_element("sitemapindex")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .write_inner_content(|w| {
                for (path, lastmod) in files {
                    w.create_element("sitemap").write_inner_content(|w| {
                        w.create_element("loc")
                            .write_text_content(BytesText::new(&self.absolute_url(path)))?;
                        if let Some(t) = lastmod {
                            w.create_element("lastmod")
                                .write_text_content(BytesText::new(&t.to_string()))?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })
            .map_err(xml_error)?;
        xml_document(w.into_inner())
    }

    /// A sitemap URL set, with `xhtml:link` alternates between language versions.
    pub fn sitemap(&self, urls: &[SitemapUrl]) -> Result<String, RenderError> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .map_err(xml_error)?;
        w.create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .with_attribute(("xmlns:xhtml", "http://www.w3.org/1999/xhtml"))
            .write_inner_content(|w| {
                for u in urls {
                    w.create_element("url").write_inner_content(|w| {
                        w.create_element("loc")
                            .write_text_content(BytesText::new(&self.absolute_url(&u.path)))?;
                        if let Some(t) = u.lastmod {
                            w.create_element("lastmod")
                                .write_text_content(BytesText::new(&t.to_string()))?;
                        }
                        for (lang, path) in &u.alternates {
                            w.create_element("xhtml:link")
                                .with_attribute(("rel", "alternate"))
                                .with_attribute(("hreflang", lang.code()))
                                .with_attribute(("href", self.absolute_url(path).as_str()))
                                .write_empty()?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })
            .map_err(xml_error)?;
        xml_document(w.into_inner())
    }

    /// The Google News sitemap.
    pub fn news_sitemap(&self, items: &[NewsUrl]) -> Result<String, RenderError> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .map_err(xml_error)?;
        w.create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .with_attribute((
                "xmlns:news",
                "http://www.google.com/schemas/sitemap-news/0.9",
            ))
            .write_inner_content(|w| {
                for n in items {
                    w.create_element("url").write_inner_content(|w| {
                        w.create_element("loc")
                            .write_text_content(BytesText::new(&self.absolute_url(&n.path)))?;
                        w.create_element("news:news").write_inner_content(|w| {
                            w.create_element("news:publication")
                                .write_inner_content(|w| {
                                    w.create_element("news:name").write_text_content(
                                        BytesText::new(self.site().name.get(n.lang)),
                                    )?;
                                    w.create_element("news:language")
                                        .write_text_content(BytesText::new(n.lang.code()))?;
                                    Ok(())
                                })?;
                            w.create_element("news:publication_date")
                                .write_text_content(BytesText::new(&n.published.to_string()))?;
                            w.create_element("news:title")
                                .write_text_content(BytesText::new(&n.title))?;
                            Ok(())
                        })?;
                        Ok(())
                    })?;
                }
                Ok(())
            })
            .map_err(xml_error)?;
        xml_document(w.into_inner())
    }

    /// `robots.txt`: everything public may be crawled except search results and the
    /// newsroom; the sitemaps are named.
    pub fn robots_txt(&self) -> String {
        format!(
            "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /ar/search\nDisallow: /en/search\nDisallow: /api/\n\nSitemap: {0}/sitemap.xml\nSitemap: {0}/sitemap-news.xml\n",
            self.site().base_url
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PerLang, Site};
    use arabpress_core::ArticleStatus;
    use arabpress_core::article::ArticleKind;
    use arabpress_core::model::{ArticleSummary, Author, SpokenAudio, Tag};
    use quick_xml::Reader;

    fn theme() -> Theme {
        let name = PerLang {
            ar: "عرب برس".into(),
            en: "Arab Press".into(),
        };
        Theme::new(
            Site {
                name: name.clone(),
                tagline: name,
                base_url: "http://test.example".into(),
                full_content_feeds: true,
                newsletter_popup: false,
            },
            jiff::tz::TimeZone::UTC,
            None,
        )
        .unwrap()
    }

    /// An article as an old row could hold it: control characters and markup in its
    /// plain-text fields, written before validation cleaned them.
    fn dirty_article() -> Article {
        let at: Timestamp = "2026-02-07T10:00:00Z".parse().unwrap();
        Article {
            summary: ArticleSummary {
                id: 7,
                lang: Lang::En,
                slug: "dirty".into(),
                headline: "Vertical\u{b}tab\u{0}nul\u{FFFE}\u{1b}[0m".into(),
                standfirst: "\"><img src=x onerror=alert(1)>\u{b}".into(),
                kind: ArticleKind::News,
                section_id: 1,
                published_at: Some(at),
                updated_at: at,
                image: None,
                reading_minutes: 1,
            },
            status: ArticleStatus::Published,
            body_md: String::new(),
            body_html: "<p>Word\u{b}paste\u{0}</p>".into(),
            source: None,
            authors: vec![Author {
                id: 1,
                slug: "omar".into(),
                name_ar: "عمر".into(),
                name_en: "Omar\u{1b}".into(),
                bio_ar: String::new(),
                bio_en: String::new(),
            }],
            tags: vec![Tag {
                id: 1,
                lang: Lang::En,
                slug: "t".into(),
                name: "Ta\u{FFFF}g".into(),
            }],
            corrections: Vec::new(),
            translation_group: None,
            created_at: at,
            scheduled_at: None,
            version: 1,
            duplicate_of: None,
            fingerprint: None,
            seo_title: None,
            seo_description: None,
            created_by: None,
            audio: Some(SpokenAudio {
                sha: "ab".into(),
                bytes: 10,
                duration_ms: 1000,
            }),
        }
    }

    /// Reads the whole document; panics where it is not well-formed.
    fn parse_fully(xml: &str) -> String {
        let mut reader = Reader::from_str(xml);
        let mut text = String::new();
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => return text,
                Ok(quick_xml::events::Event::Text(t)) => {
                    text.push_str(&t.decode().unwrap());
                }
                Ok(quick_xml::events::Event::GeneralRef(r)) => {
                    text.push('&');
                    text.push_str(&r.decode().unwrap());
                    text.push(';');
                }
                Ok(quick_xml::events::Event::CData(t)) => {
                    text.push_str(&t.decode().unwrap());
                }
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}\n{xml}", reader.error_position()),
            }
        }
    }

    #[test]
    fn control_characters_in_stored_text_cannot_break_a_feed() {
        let theme = theme();
        let articles = [dirty_article()];
        for podcast in [false, true] {
            let m = FeedModel {
                lang: Lang::En,
                subject: Some("Economy\u{0}".into()),
                page_path: "/en".into(),
                feed_path: "/en/rss.xml".into(),
                articles: &articles,
                sections: &[],
                full_content: true,
                now: articles[0].summary.updated_at,
                podcast,
            };
            for format in [FeedFormat::Rss, FeedFormat::Atom] {
                let xml = theme.feed(&m, format).unwrap();
                assert!(!xml.contains(['\u{0}', '\u{b}', '\u{1b}', '\u{FFFE}', '\u{FFFF}']));
                let text = parse_fully(&xml);
                assert!(text.contains("Verticaltabnul[0m"), "{text}");
                assert!(text.contains("Wordpaste"), "{text}");
            }
            let json = theme.feed(&m, FeedFormat::Json).unwrap();
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(v["items"][0]["title"], "Verticaltabnul[0m");
            assert_eq!(v["items"][0]["tags"][0], "Tag");
            assert_eq!(v["items"][0]["authors"][0]["name"], "Omar");
        }
    }

    #[test]
    fn rss_descriptions_and_podcast_summaries_are_text_not_markup() {
        let theme = theme();
        let articles = [dirty_article()];
        let m = FeedModel {
            lang: Lang::En,
            subject: None,
            page_path: "/en".into(),
            feed_path: "/en/podcast.xml".into(),
            articles: &articles,
            sections: &[],
            full_content: false,
            now: articles[0].summary.updated_at,
            podcast: true,
        };
        let xml = theme.feed(&m, FeedFormat::Rss).unwrap();
        let channel = rss::Channel::read_from(xml.as_bytes()).unwrap();
        let item = &channel.items()[0];
        // Read as HTML, the description shows the characters the writer typed.
        assert_eq!(
            item.description(),
            Some("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
        );
        assert_eq!(
            item.itunes_ext().and_then(|i| i.summary()),
            Some("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
        );
        assert!(!xml.contains("<img"), "{xml}");
    }
}
