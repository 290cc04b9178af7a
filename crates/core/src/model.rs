//! What the store reads back: sections, authors, tags, articles and the short form of an
//! article that lists show. Written by the store, read by the application and the theme.

use crate::Lang;
use crate::article::{ArticleKind, ArticleStatus, Image, SourceCredit};
use jiff::Timestamp;
use serde::Serialize;

/// A section of the paper (politics, economy…), named in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Store id.
    pub id: i64,
    /// URL slug, shared by both languages.
    pub slug: String,
    /// Arabic name.
    pub name_ar: String,
    /// English name.
    pub name_en: String,
    /// Order in the navigation.
    pub position: i64,
}

impl Section {
    /// The section's name in a language.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.name_ar,
            Lang::En => &self.name_en,
        }
    }
}

/// A journalist, named in both scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    /// Store id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Name in Arabic script.
    pub name_ar: String,
    /// Name in Latin script.
    pub name_en: String,
    /// Short biography in Arabic.
    pub bio_ar: String,
    /// Short biography in English.
    pub bio_en: String,
}

impl Author {
    /// The name as printed on a page in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.name_ar,
            Lang::En => &self.name_en,
        }
    }
    /// The biography in `lang`.
    pub fn bio(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.bio_ar,
            Lang::En => &self.bio_en,
        }
    }
}

/// A tag; tags belong to one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// Store id.
    pub id: i64,
    /// The tag's language.
    pub lang: Lang,
    /// URL slug, unique per language.
    pub slug: String,
    /// The name as written.
    pub name: String,
}

/// The spoken version of an article, an MP3 in the media store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpokenAudio {
    /// SHA-256 of the file, which names it.
    pub sha: String,
    /// Its size.
    pub bytes: i64,
    /// How long it plays.
    pub duration_ms: i64,
}

impl SpokenAudio {
    /// Its address on the site.
    pub fn path(&self) -> String {
        format!("/media/{}/spoken.mp3", self.sha)
    }

    /// Whole seconds it plays (at least 1).
    pub fn seconds(&self) -> i64 {
        ((self.duration_ms + 500) / 1000).max(1)
    }
}

/// A dated correction note printed on a published article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    /// Store id.
    pub id: i64,
    /// When the correction was made.
    pub created_at: Timestamp,
    /// What was corrected.
    pub note: String,
}

/// An article as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleSummary {
    /// Store id.
    pub id: i64,
    /// Language.
    pub lang: Lang,
    /// URL slug.
    pub slug: String,
    /// Headline.
    pub headline: String,
    /// Standfirst.
    pub standfirst: String,
    /// Kind of piece.
    pub kind: ArticleKind,
    /// Section id.
    pub section_id: i64,
    /// When it went public.
    pub published_at: Option<Timestamp>,
    /// Last change.
    pub updated_at: Timestamp,
    /// Featured image.
    pub image: Option<Image>,
    /// Estimated reading time.
    pub reading_minutes: u32,
}

/// A whole article with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// The fields lists show.
    pub summary: ArticleSummary,
    /// Workflow status.
    pub status: ArticleStatus,
    /// Markdown source.
    pub body_md: String,
    /// Sanitised HTML rendered from the source.
    pub body_html: String,
    /// Credit for copy first published elsewhere.
    pub source: Option<SourceCredit>,
    /// Authors in byline order.
    pub authors: Vec<Author>,
    /// Tags, by name.
    pub tags: Vec<Tag>,
    /// Correction notes, oldest first.
    pub corrections: Vec<Correction>,
    /// Links the language versions of one story.
    pub translation_group: Option<i64>,
    /// When it was first saved.
    pub created_at: Timestamp,
    /// When it is due to be published, if scheduled.
    pub scheduled_at: Option<Timestamp>,
    /// Increases on every save; a save naming an older version is refused.
    pub version: i64,
    /// The earlier article this one is a near-duplicate of (the same story from another
    /// wire); public lists show only one of a group.
    pub duplicate_of: Option<i64>,
    /// SimHash of headline and body, recorded when the article was last saved.
    pub fingerprint: Option<u64>,
    /// Title for search engines and social cards, when set.
    pub seo_title: Option<String>,
    /// Description for search engines, when set.
    pub seo_description: Option<String>,
    /// The newsroom user who created it, if one did.
    pub created_by: Option<i64>,
    /// Its spoken version, once made.
    pub audio: Option<SpokenAudio>,
}
