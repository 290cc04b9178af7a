//! Reading rows back into domain types. Every conversion is checked: a value the domain does
//! not accept becomes [`StoreError::Corrupt`], never a panic.

use crate::StoreError;
use arabpress_core::model::{ArticleSummary, Author, Section, Tag};
use arabpress_core::{ArticleKind, Image, Lang};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

pub(crate) fn ts(secs: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(secs).map_err(|e| StoreError::Corrupt(format!("time {secs}: {e}")))
}

pub(crate) fn opt_ts(secs: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    secs.map(ts).transpose()
}

pub(crate) fn parse<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>()
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn section(row: &AnyRow) -> Result<Section, StoreError> {
    Ok(Section {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name_ar: row.try_get("name_ar")?,
        name_en: row.try_get("name_en")?,
        position: row.try_get("position")?,
    })
}

pub(crate) fn author(row: &AnyRow) -> Result<Author, StoreError> {
    Ok(Author {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name_ar: row.try_get("name_ar")?,
        name_en: row.try_get("name_en")?,
        bio_ar: row.try_get("bio_ar")?,
        bio_en: row.try_get("bio_en")?,
    })
}

pub(crate) fn tag(row: &AnyRow) -> Result<Tag, StoreError> {
    let lang: String = row.try_get("lang")?;
    Ok(Tag {
        id: row.try_get("id")?,
        lang: parse::<Lang>("tag language", &lang)?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
    })
}

/// The columns [`summary`] reads, prefixed with the `a` alias of `articles`.
pub(crate) const SUMMARY_COLUMNS: &str = "a.id, a.lang, a.slug, a.headline, a.standfirst, a.kind, \
     a.section_id, a.published_at, a.updated_at, a.image_url, a.image_alt, a.image_caption, \
     a.image_credit, a.reading_minutes";

pub(crate) fn summary(row: &AnyRow) -> Result<ArticleSummary, StoreError> {
    let lang: String = row.try_get("lang")?;
    let kind: String = row.try_get("kind")?;
    let image_url: Option<String> = row.try_get("image_url")?;
    let image = match image_url {
        Some(url) => Some(Image {
            url,
            alt: row
                .try_get::<Option<String>, _>("image_alt")?
                .unwrap_or_default(),
            caption: row.try_get("image_caption")?,
            credit: row.try_get("image_credit")?,
        }),
        None => None,
    };
    let minutes: i64 = row.try_get("reading_minutes")?;
    Ok(ArticleSummary {
        id: row.try_get("id")?,
        lang: parse::<Lang>("article language", &lang)?,
        slug: row.try_get("slug")?,
        headline: row.try_get("headline")?,
        standfirst: row.try_get("standfirst")?,
        kind: parse::<ArticleKind>("article kind", &kind)?,
        section_id: row.try_get("section_id")?,
        published_at: opt_ts(row.try_get("published_at")?)?,
        updated_at: ts(row.try_get("updated_at")?)?,
        image,
        reading_minutes: u32::try_from(minutes).unwrap_or(1),
    })
}

/// The fields of [`SUMMARY_COLUMNS`], unqualified, for JSON aggregation.
pub(crate) const SUMMARY_FIELDS: &[&str] = &[
    "id",
    "lang",
    "slug",
    "headline",
    "standfirst",
    "kind",
    "section_id",
    "published_at",
    "updated_at",
    "image_url",
    "image_alt",
    "image_caption",
    "image_credit",
    "reading_minutes",
];

#[derive(serde::Deserialize)]
struct SummaryJson {
    id: i64,
    lang: String,
    slug: String,
    headline: String,
    standfirst: String,
    kind: String,
    section_id: i64,
    published_at: Option<i64>,
    updated_at: i64,
    image_url: Option<String>,
    image_alt: Option<String>,
    image_caption: Option<String>,
    image_credit: Option<String>,
    reading_minutes: i64,
}

/// Reads a JSON array of summaries built by `Store::summaries_as_json`.
pub(crate) fn summaries_from_json(json: &str) -> Result<Vec<ArticleSummary>, StoreError> {
    let rows: Vec<SummaryJson> = serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("summary list: {e}")))?;
    convert(rows)
}

#[derive(serde::Deserialize)]
struct NeighboursJson {
    t: Vec<SummaryJson>,
    r: Vec<SummaryJson>,
    l: Vec<SummaryJson>,
}

/// Reads the object built by `Store::article_neighbours`.
pub(crate) fn neighbours_from_json(json: &str) -> Result<crate::Neighbours, StoreError> {
    let n: NeighboursJson = serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("article lists: {e}")))?;
    Ok(crate::Neighbours {
        translations: convert(n.t)?,
        related: convert(n.r)?,
        latest: convert(n.l)?,
    })
}

fn convert(rows: Vec<SummaryJson>) -> Result<Vec<ArticleSummary>, StoreError> {
    rows.into_iter()
        .map(|r| {
            Ok(ArticleSummary {
                id: r.id,
                lang: parse::<Lang>("article language", &r.lang)?,
                slug: r.slug,
                headline: r.headline,
                standfirst: r.standfirst,
                kind: parse::<ArticleKind>("article kind", &r.kind)?,
                section_id: r.section_id,
                published_at: opt_ts(r.published_at)?,
                updated_at: ts(r.updated_at)?,
                image: r.image_url.map(|url| Image {
                    url,
                    alt: r.image_alt.unwrap_or_default(),
                    caption: r.image_caption,
                    credit: r.image_credit,
                }),
                reading_minutes: u32::try_from(r.reading_minutes).unwrap_or(1),
            })
        })
        .collect()
}
