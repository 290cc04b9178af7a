//! Demo content for `arabpress demo`: sections, authors and articles written for this
//! project (`demo/content.toml`, embedded), loaded through the same application services
//! as real content, so the demo exercises every rule a newsroom's writes go through.

use crate::{App, AppError};
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Image, Lang, Slug, SourceCredit};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use std::collections::HashMap;

const CONTENT: &str = include_str!("../demo/content.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Content {
    section: Vec<SectionIn>,
    author: Vec<AuthorIn>,
    article: Vec<ArticleIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionIn {
    slug: String,
    ar: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorIn {
    slug: String,
    ar: String,
    en: String,
    bio_ar: String,
    bio_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleIn {
    key: String,
    lang: Lang,
    section: String,
    kind: ArticleKind,
    authors: Vec<String>,
    tags: Vec<String>,
    hours_ago: i64,
    headline: String,
    standfirst: String,
    body: String,
    image: Option<String>,
    image_alt: Option<String>,
    image_caption: Option<String>,
    image_credit: Option<String>,
    source_name: Option<String>,
    source_url: Option<String>,
    correction: Option<String>,
}

/// What the demo loader wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoReport {
    /// Articles created.
    pub articles: usize,
    /// Translation pairs linked.
    pub pairs: usize,
}

fn slug(s: &str) -> Result<Slug, AppError> {
    Slug::parse(s).map_err(|e| AppError::invalid_input(format!("demo slug {s}: {e}")))
}

fn content() -> Result<Content, AppError> {
    toml::from_str(CONTENT).map_err(|e| AppError::invalid_input(format!("demo content: {e}")))
}

impl ArticleIn {
    fn draft(&self, headline: String) -> Result<ArticleDraft, AppError> {
        Ok(ArticleDraft {
            lang: self.lang,
            slug: None,
            headline,
            standfirst: self.standfirst.clone(),
            body_md: self.body.clone(),
            kind: self.kind,
            section: slug(&self.section)?,
            tags: self.tags.clone(),
            authors: self
                .authors
                .iter()
                .map(|s| slug(s))
                .collect::<Result<_, _>>()?,
            source: self.source_name.clone().map(|name| SourceCredit {
                name,
                url: self.source_url.clone(),
            }),
            image: self.image.as_ref().map(|img| Image {
                url: format!("/static/img/{img}.svg"),
                alt: self.image_alt.clone().unwrap_or_default(),
                caption: self.image_caption.clone(),
                credit: self.image_credit.clone(),
            }),
            seo_title: None,
            seo_description: None,
        })
    }
}

/// Adds `count` numbered variations of the demo articles, an hour apart going back from
/// a month ago: a large archive for load and memory measurements. They are written to the
/// store directly; rebuild the search index afterwards ([`App::rebuild_index`]).
pub async fn load_archive(app: &App, count: usize) -> Result<usize, AppError> {
    let content = content()?;
    let now = app.now();
    for i in 0..count {
        let Some(a) = content.article.get(i % content.article.len().max(1)) else {
            break;
        };
        let headline = format!("{} ({})", a.headline, i + 1);
        let hours = 24 * 30 + i64::try_from(i).unwrap_or(0);
        let at = now
            .checked_sub(SignedDuration::from_hours(hours))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        app.store()
            .create_article(
                a.draft(headline)?,
                ArticleStatus::Published,
                Some(at),
                None,
                now,
            )
            .await?;
    }
    app.cache().clear();
    Ok(count)
}

/// The demo newsroom's public address.
pub const DEMO_CONTACT: &str = "newsroom@arabpress.example";

/// Loads the demo content, dating articles relative to the app's clock.
pub async fn load(app: &App) -> Result<DemoReport, AppError> {
    let content = content()?;
    for (i, s) in content.section.iter().enumerate() {
        app.create_section(&slug(&s.slug)?, &s.ar, &s.en, i64::try_from(i).unwrap_or(0))
            .await?;
    }
    for a in &content.author {
        app.store()
            .create_author(&slug(&a.slug)?, &a.ar, &a.en, &a.bio_ar, &a.bio_en)
            .await?;
    }
    let now = app.now();
    // The newsroom's public address, for the contact page and the podcasts' owner.
    let contact = serde_json::json!(DEMO_CONTACT).to_string();
    app.store()
        .save_site_settings(&[("contact_email".to_owned(), contact)], None, now)
        .await?;
    app.load_settings().await?;
    let mut ids: HashMap<String, i64> = HashMap::new();
    for a in &content.article {
        let draft = a.draft(a.headline.clone())?;
        let at = now
            .checked_sub(SignedDuration::from_hours(a.hours_ago))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let article = app
            .write_new(draft, ArticleStatus::Published, Some(at), None)
            .await?;
        if let Some(note) = &a.correction {
            app.write_correction(article.summary.id, note).await?;
        }
        ids.insert(a.key.clone(), article.summary.id);
    }
    let mut pairs = 0;
    for (key, id) in &ids {
        if let Some(ar) = key
            .strip_suffix("-en")
            .and_then(|base| ids.get(&format!("{base}-ar")))
        {
            app.link_translations(*id, *ar).await?;
            pairs += 1;
        }
    }
    Ok(DemoReport {
        articles: ids.len(),
        pairs,
    })
}
