//! The editor's form as typed: read from a draft or from the submitted fields, turned
//! back into a draft (the first problem named with its field), and the label and anchor
//! each field's error points at.

use crate::request::Fields;
use arabpress_core::lang::UnknownLang;
use arabpress_core::{ArticleDraft, ArticleKind, Image, Lang, Slug, SourceCredit, ValidationError};

/// Author slots in the editor (bylines rarely have more).
pub(super) const AUTHOR_SLOTS: usize = 4;

// ---------------------------------------------------------------------------------------
// The editor

/// The editor's fields as typed, so a refused save shows them again unchanged.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(super) struct EditorForm {
    pub(super) version: i64,
    pub(super) lang: String,
    pub(super) headline: String,
    pub(super) standfirst: String,
    pub(super) body: String,
    pub(super) kind: String,
    pub(super) section: String,
    pub(super) tags: String,
    pub(super) authors: Vec<String>,
    pub(super) slug: String,
    pub(super) source_name: String,
    pub(super) source_url: String,
    pub(super) image_url: String,
    pub(super) image_alt: String,
    pub(super) image_caption: String,
    pub(super) image_credit: String,
    pub(super) seo_title: String,
    pub(super) seo_description: String,
    pub(super) publish_at: String,
}

impl EditorForm {
    pub(super) fn from_draft(d: &ArticleDraft, version: i64) -> EditorForm {
        let mut authors: Vec<String> = d.authors.iter().map(|a| a.as_str().to_owned()).collect();
        authors.resize(AUTHOR_SLOTS.max(authors.len() + 1), String::new());
        let img = d.image.as_ref();
        EditorForm {
            version,
            lang: d.lang.code().into(),
            headline: d.headline.clone(),
            standfirst: d.standfirst.clone(),
            body: d.body_md.clone(),
            kind: d.kind.as_str().into(),
            section: d.section.as_str().into(),
            tags: d.tags.join(", "),
            authors,
            slug: d
                .slug
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            source_name: d
                .source
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            source_url: d
                .source
                .as_ref()
                .and_then(|s| s.url.clone())
                .unwrap_or_default(),
            image_url: img.map(|i| i.url.clone()).unwrap_or_default(),
            image_alt: img.map(|i| i.alt.clone()).unwrap_or_default(),
            image_caption: img.and_then(|i| i.caption.clone()).unwrap_or_default(),
            image_credit: img.and_then(|i| i.credit.clone()).unwrap_or_default(),
            seo_title: d.seo_title.clone().unwrap_or_default(),
            seo_description: d.seo_description.clone().unwrap_or_default(),
            publish_at: String::new(),
        }
    }

    pub(super) fn from_fields(f: &Fields) -> EditorForm {
        let mut authors = f.all("author");
        authors.resize(AUTHOR_SLOTS.max(authors.len()), String::new());
        EditorForm {
            version: f.get("version").parse().unwrap_or(0),
            lang: f.get("lang").into(),
            headline: f.get("headline").into(),
            standfirst: f.get("standfirst").into(),
            body: f.get("body").replace("\r\n", "\n"),
            kind: f.get("kind").into(),
            section: f.get("section").into(),
            tags: f.get("tags").into(),
            authors,
            slug: f.get("slug").trim().into(),
            source_name: f.get("source_name").into(),
            source_url: f.get("source_url").trim().into(),
            image_url: f.get("image_url").trim().into(),
            image_alt: f.get("image_alt").into(),
            image_caption: f.get("image_caption").into(),
            image_credit: f.get("image_credit").into(),
            seo_title: f.get("seo_title").into(),
            seo_description: f.get("seo_description").into(),
            publish_at: f.get("publish_at").trim().into(),
        }
    }

    /// Forgets the lead image ("remove the image" ticked).
    pub(super) fn clear_image(&mut self) {
        self.image_url.clear();
        self.image_alt.clear();
        self.image_caption.clear();
        self.image_credit.clear();
    }

    /// The draft the form describes; the first problem is named with its field.
    pub(super) fn draft(&self) -> Result<ArticleDraft, ValidationError> {
        let lang: Lang = self.lang.parse().map_err(|e: UnknownLang| {
            ValidationError::new("lang", "invalid-lang", e.to_string())
        })?;
        let kind: ArticleKind = self.kind.parse()?;
        let section = Slug::parse(&self.section).map_err(|e| e.on("section"))?;
        let authors = self
            .authors
            .iter()
            .filter(|a| !a.trim().is_empty())
            .map(|a| {
                // A name that matched no journalist (see `resolve_bylines`) names nobody.
                Slug::parse(a.trim()).map_err(|_| {
                    ValidationError::new(
                        "authors",
                        "invalid-no-author",
                        format!("there is no author {}", a.trim()),
                    )
                    .with("slug", a.trim())
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let slug = if self.slug.is_empty() {
            None
        } else {
            Some(Slug::parse(&self.slug).map_err(|e| e.on("slug"))?)
        };
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(ArticleDraft {
            lang,
            slug,
            headline: self.headline.clone(),
            standfirst: self.standfirst.clone(),
            body_md: self.body.clone(),
            kind,
            section,
            tags: self
                .tags
                .split([',', '،'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            authors,
            source: opt(&self.source_name).map(|name| SourceCredit {
                name,
                url: opt(&self.source_url),
            }),
            image: opt(&self.image_url).map(|url| Image {
                url,
                alt: self.image_alt.clone(),
                caption: opt(&self.image_caption),
                credit: opt(&self.image_credit),
            }),
            seo_title: opt(&self.seo_title),
            seo_description: opt(&self.seo_description),
        })
    }
}

/// The field label key for a field named in a validation error.
pub(super) fn field_label(field: &str) -> &'static str {
    match field {
        "headline" => "admin-headline",
        "standfirst" => "admin-standfirst",
        "body" => "admin-body",
        "slug" => "admin-slug",
        "authors" | "author1" => "admin-authors",
        "tags" => "admin-tags",
        "section" => "admin-section",
        "kind" => "admin-kind",
        "lang" => "admin-language",
        "source" => "admin-source-name",
        "source_url" => "admin-source-url",
        "image_url" | "image" => "admin-image",
        "image_alt" => "admin-image-alt",
        "seo_title" => "admin-seo-title",
        "seo_description" => "admin-seo-description",
        "publish_at" => "admin-publishing",
        _ => "admin-problems",
    }
}

/// The form element a field's error links to.
pub(super) fn field_anchor(field: &str) -> &str {
    match field {
        "authors" => "author1",
        "source" => "source_name",
        "image" => "image_file",
        "image_url" => "image_file",
        "lang" | "headline" | "standfirst" | "body" | "slug" | "author1" | "tags" | "section"
        | "kind" | "source_url" | "image_alt" | "seo_title" | "seo_description" | "publish_at" => {
            field
        }
        _ => "headline",
    }
}
