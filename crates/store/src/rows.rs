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
