//! What both importers share once a post is read: the article it becomes ([`Mapped`]),
//! gathered field by field ([`Gathered`]) and validated in one place, with the rules that
//! do not depend on where the post came from (headlines, slugs, tags, bylines, the
//! sections of pages and of posts filed nowhere, featured images' addresses).

use crate::remote::plain;
use arabpress_core::article::{MAX_HEADLINE, MAX_TAGS};
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Image, Lang, Slug};
use arabpress_store::{ImportArticle, ImportAuthor, ImportSection};
use jiff::Timestamp;

/// A slug from a WordPress one (percent-encoded when not ASCII), or from a name.
pub(super) fn slug_of(wp: &str, name: &str) -> Option<Slug> {
    let decoded = percent_encoding::percent_decode_str(wp).decode_utf8_lossy();
    Slug::parse(&decoded.to_lowercase())
        .ok()
        .or_else(|| Slug::generate(&decoded))
        .or_else(|| Slug::generate(name))
}

/// A post or page mapped onto an article, with what it needs.
pub(super) struct Mapped {
    pub(super) article: ImportArticle,
    pub(super) section: ImportSection,
    pub(super) authors: Vec<ImportAuthor>,
    pub(super) thumbnail: Option<String>,
    pub(super) notes: Vec<String>,
}

/// What a post has become before it is an article: both importers gather this, then
/// [`Gathered::finish`] makes the draft.
pub(super) struct Gathered {
    pub(super) headline: String,
    pub(super) standfirst: String,
    pub(super) body_md: String,
    pub(super) page: bool,
    pub(super) section: ImportSection,
    pub(super) tags: Vec<String>,
    pub(super) authors: Vec<ImportAuthor>,
    pub(super) image: Option<Image>,
    pub(super) notes: Vec<String>,
}

/// A headline from a title: markup dropped, cut to the longest headline with a note.
pub(super) fn headline_of(title: &str, notes: &mut Vec<String>) -> Result<String, String> {
    let headline = plain(title);
    if headline.is_empty() {
        return Err("no title".into());
    }
    if headline.chars().count() > MAX_HEADLINE {
        notes.push(format!("title cut to {MAX_HEADLINE} characters"));
        return Ok(arabpress_core::markdown::excerpt(
            &headline,
            MAX_HEADLINE - 1,
        ));
    }
    Ok(headline)
}

/// The section of pages.
pub(super) fn pages_section() -> Result<ImportSection, String> {
    Ok(ImportSection {
        slug: Slug::parse("pages").map_err(|e| e.to_string())?,
        name_ar: "صفحات".into(),
        name_en: "Pages".into(),
    })
}

impl Gathered {
    /// Adds a tag by its (HTML) name, once whatever its case.
    pub(super) fn add_tag(&mut self, name: &str) {
        let t = plain(name);
        if !t.is_empty()
            && !self
                .tags
                .iter()
                .any(|x| x.to_lowercase() == t.to_lowercase())
        {
            self.tags.push(t);
        }
    }

    /// Adds a byline once (`cap-` is Co-Authors Plus's prefix for guest authors).
    pub(super) fn add_author(&mut self, slug: &str, name: &str, bio: &str) {
        let name = plain(name);
        let slug = slug.strip_prefix("cap-").unwrap_or(slug);
        let Some(slug) = slug_of(slug, &name) else {
            return;
        };
        if self.authors.iter().any(|a| a.slug == slug) {
            return;
        }
        let name = if name.is_empty() {
            slug.as_str().to_owned()
        } else {
            name
        };
        self.authors.push(ImportAuthor {
            slug,
            name_ar: name.clone(),
            name_en: name,
            bio: plain(bio),
        });
    }

    /// The article: the tags cut to the most allowed (with a note), a staff byline when
    /// there is none, validated.
    pub(super) fn finish(
        mut self,
        lang: Lang,
        slug: &str,
        source_id: &str,
        status: ArticleStatus,
        published_at: Option<Timestamp>,
        thumbnail: Option<String>,
    ) -> Result<Mapped, String> {
        if self.tags.len() > MAX_TAGS {
            self.notes.push(format!(
                "{} tags: the first {MAX_TAGS} kept",
                self.tags.len()
            ));
            self.tags.truncate(MAX_TAGS);
        }
        if self.authors.is_empty() {
            self.add_author("staff", "Staff", "");
        }
        if status == ArticleStatus::Scheduled && published_at.is_none() {
            return Err("scheduled without a date".into());
        }
        let draft = ArticleDraft {
            lang,
            slug: slug_of(slug, &self.headline),
            headline: self.headline,
            standfirst: self.standfirst,
            body_md: self.body_md,
            kind: if self.page {
                ArticleKind::Feature
            } else {
                ArticleKind::News
            },
            section: self.section.slug.clone(),
            tags: self.tags,
            authors: self.authors.iter().map(|a| a.slug.clone()).collect(),
            source: None,
            image: self.image,
            seo_title: None,
            seo_description: None,
        }
        .validate()
        .map_err(|e| e.to_string())?;
        Ok(Mapped {
            article: ImportArticle {
                source_id: source_id.to_owned(),
                draft,
                status,
                published_at,
            },
            section: self.section,
            authors: self.authors,
            thumbnail,
            notes: self.notes,
        })
    }
}

/// The section of posts filed nowhere.
pub(super) fn uncategorized() -> Result<ImportSection, String> {
    Ok(ImportSection {
        slug: Slug::parse("uncategorized").map_err(|e| e.to_string())?,
        name_ar: "غير مصنف".into(),
        name_en: "Uncategorized".into(),
    })
}

/// A featured image from an export as the site may show and fetch it: its address an
/// absolute http(s) one (a `file:`, `data:` or `javascript:` address, or a path on the old
/// site, is refused with the reason), its alt text within the article rules.
pub(super) fn image_checked(mut img: Image, headline: &str) -> Result<Image, String> {
    let url = img.url.trim();
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2_000
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
        && reqwest::Url::parse(url).is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty()));
    if !ok {
        let shown: String = url.chars().take(80).collect();
        return Err(format!(
            "featured image {shown:?} left out: only http(s) addresses are kept"
        ));
    }
    img.url = url.to_owned();
    img.alt = arabpress_core::article::collapse_ws(&img.alt);
    if img.alt.is_empty() {
        img.alt = headline.to_owned();
    }
    if img.alt.chars().count() > 300 {
        img.alt = arabpress_core::markdown::excerpt(&img.alt, 299);
    }
    if img.alt.chars().any(char::is_control) {
        img.alt = headline.to_owned();
    }
    Ok(img)
}
