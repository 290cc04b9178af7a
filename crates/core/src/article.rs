//! Articles and their parts, and the rules every write of one goes through. The store keeps
//! what passes [`ArticleDraft::validate`]; nothing else reaches it.
//!
//! Control characters are normalised, not refused, because they mostly arrive by pasting
//! from a word processor (a vertical tab for a line break): in the body, `\r\n` and a lone
//! `\r` become `\n`, `\n` and `\t` stay, and every other C0 or C1 control character,
//! NUL included, becomes a space; in one-line fields every control character becomes a
//! space and runs of white space fold into one. The noncharacters U+FFFE and U+FFFF, which
//! XML cannot carry, are removed everywhere.

use crate::{Lang, Slug};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The longest headline accepted, in characters.
pub const MAX_HEADLINE: usize = 300;
/// The longest standfirst accepted, in characters.
pub const MAX_STANDFIRST: usize = 1_000;
/// The largest Markdown body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// The most tags one article may carry.
pub const MAX_TAGS: usize = 30;
/// The longest image alt text accepted, in characters.
pub const MAX_IMAGE_ALT: usize = 300;
/// The longest image caption accepted, in characters.
pub const MAX_IMAGE_CAPTION: usize = 1_000;
/// The longest image credit accepted, in characters.
pub const MAX_IMAGE_CREDIT: usize = 200;

/// What kind of journalism a piece is; shown as a label and used by the interview markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleKind {
    /// A news report.
    News,
    /// Questions and answers; body turns are rendered with the speaker's name.
    Interview,
    /// A signed opinion piece.
    Opinion,
    /// Analysis of a story.
    Analysis,
    /// A long-form feature.
    Feature,
}

/// Where an article stands in the editorial workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    /// Being written; never public.
    Draft,
    /// Submitted to an editor.
    InReview,
    /// Will be published at its scheduled time.
    Scheduled,
    /// Public.
    Published,
    /// Taken down after publication; its URL answers 410 Gone.
    Unpublished,
}

macro_rules! str_enum {
    ($ty:ident, $what:literal, $($variant:ident => $text:literal),+ $(,)?) => {
        impl $ty {
            /// Every value, in workflow or display order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            /// The stored and URL form.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }
        impl FromStr for $ty {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    other => Err(ValidationError::new($what, "invalid-unknown-value", format!("unknown value {other:?}")).with("value", other)),
                }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

str_enum!(ArticleKind, "kind",
    News => "news", Interview => "interview", Opinion => "opinion", Analysis => "analysis", Feature => "feature");
str_enum!(ArticleStatus, "status",
    Draft => "draft", InReview => "in_review", Scheduled => "scheduled", Published => "published",
    Unpublished => "unpublished");

/// Credit for a piece first published elsewhere (the seed page's interview came from Euronews).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCredit {
    /// The outlet's name as printed in the credit line.
    pub name: String,
    /// The original article's address, when known.
    pub url: Option<String>,
}

/// A featured image with the text that makes it accessible and properly credited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Where the image is served from.
    pub url: String,
    /// Alternative text for readers who cannot see it; required.
    pub alt: String,
    /// The caption printed under it.
    pub caption: Option<String>,
    /// Photographer or agency.
    pub credit: Option<String>,
}

/// A field failed validation. `id` names the Fluent message (`invalid-*` in the theme's
/// `locales/*.ftl`) that says what is wrong in the reader's language, filled with `args`;
/// `message` says it in English for the API, logs and the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.english())]
pub struct ValidationError {
    /// The field at fault, as named in forms and the API; empty when no one field is.
    pub field: &'static str,
    /// The message id that explains it in either language.
    pub id: &'static str,
    /// The message's arguments (a number, a name, a limit).
    pub args: Vec<(&'static str, String)>,
    /// What is wrong, in English.
    pub message: String,
}

impl ValidationError {
    /// A validation error on one field, explained by the message `id`.
    pub fn new(field: &'static str, id: &'static str, message: impl Into<String>) -> Self {
        ValidationError {
            field,
            id,
            args: Vec::new(),
            message: message.into(),
        }
    }

    /// Adds an argument for the message.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// `field: message`, or the message alone when no field is named.
    fn english(&self) -> String {
        if self.field.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.field, self.message)
        }
    }
}

/// Everything a writer supplies for an article; the store adds ids, times and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDraft {
    /// The article's language.
    pub lang: Lang,
    /// The URL slug; generated from the headline when absent.
    pub slug: Option<Slug>,
    /// The headline, printed once per page.
    pub headline: String,
    /// The paragraph under the headline.
    pub standfirst: String,
    /// The body in Markdown.
    pub body_md: String,
    /// What kind of piece it is.
    pub kind: ArticleKind,
    /// The section's slug.
    pub section: Slug,
    /// Tag names, in the article's language.
    pub tags: Vec<String>,
    /// Author slugs, in byline order.
    pub authors: Vec<Slug>,
    /// Credit for copy first published elsewhere.
    pub source: Option<SourceCredit>,
    /// The featured image.
    pub image: Option<Image>,
    /// The title search engines and social cards show, when it differs from the headline.
    #[serde(default)]
    pub seo_title: Option<String>,
    /// The description search engines show, when it differs from the standfirst.
    #[serde(default)]
    pub seo_description: Option<String>,
}

/// The longest SEO title accepted, in characters.
pub const MAX_SEO_TITLE: usize = 120;
/// The longest SEO description accepted, in characters.
pub const MAX_SEO_DESCRIPTION: usize = 300;

impl ArticleDraft {
    /// Trims and collapses whitespace in the text fields, then checks every rule; the
    /// first broken rule is reported with its field.
    pub fn validate(mut self) -> Result<ArticleDraft, ValidationError> {
        self.headline = collapse_ws(&self.headline);
        self.standfirst = collapse_ws(&self.standfirst);
        check_len("headline", &self.headline, 1, MAX_HEADLINE)?;
        check_len("standfirst", &self.standfirst, 0, MAX_STANDFIRST)?;
        if self.body_md.len() > MAX_BODY_BYTES {
            return Err(ValidationError::new(
                "body",
                "invalid-body-too-large",
                "the body is larger than 1 MiB",
            ));
        }
        self.body_md = clean_body(&self.body_md);
        if self.body_md.trim().is_empty() {
            return Err(ValidationError::new(
                "body",
                "invalid-body-empty",
                "the body is empty",
            ));
        }
        crate::markdown::check_nesting(&self.body_md).map_err(|m| {
            ValidationError::new("body", "invalid-body-nesting", m)
                .with("max", crate::markdown::MAX_NESTING)
        })?;
        if self.slug.is_none() {
            self.slug = Some(Slug::generate(&self.headline).ok_or_else(|| {
                ValidationError::new(
                    "slug",
                    "invalid-slug-none",
                    "no slug can be made from this headline; give one",
                )
            })?);
        }
        if self.authors.is_empty() {
            return Err(ValidationError::new(
                "authors",
                "invalid-authors-none",
                "an article needs at least one author",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = self.authors.iter().find(|a| !seen.insert(a.as_str())) {
            return Err(ValidationError::new(
                "authors",
                "invalid-authors-twice",
                format!("{dup} is listed twice"),
            )
            .with("author", dup));
        }
        let mut tags: Vec<String> = Vec::new();
        for t in &self.tags {
            let t = collapse_ws(t);
            check_len("tags", &t, 1, 60)?;
            if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                tags.push(t);
            }
        }
        if tags.len() > MAX_TAGS {
            return Err(ValidationError::new(
                "tags",
                "invalid-tags-too-many",
                format!("at most {MAX_TAGS} tags"),
            )
            .with("max", MAX_TAGS));
        }
        self.tags = tags;
        if let Some(src) = &mut self.source {
            src.name = collapse_ws(&src.name);
            check_len("source", &src.name, 1, 200)?;
            if let Some(url) = &src.url {
                check_url("source_url", url)?;
            }
        }
        if let Some(img) = &mut self.image {
            check_url("image_url", &img.url)?;
            img.alt = collapse_ws(&img.alt);
            check_len("image_alt", &img.alt, 1, MAX_IMAGE_ALT)?;
            img.caption = optional("image_caption", img.caption.take(), MAX_IMAGE_CAPTION)?;
            img.credit = optional("image_credit", img.credit.take(), MAX_IMAGE_CREDIT)?;
        }
        self.seo_title = optional("seo_title", self.seo_title.take(), MAX_SEO_TITLE)?;
        self.seo_description = optional(
            "seo_description",
            self.seo_description.take(),
            MAX_SEO_DESCRIPTION,
        )?;
        Ok(self)
    }
}

/// Trims and folds runs of white space (including newlines) into one space; control
/// characters count as white space and the noncharacters U+FFFE and U+FFFF are removed.
pub fn collapse_ws(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .map(|w| w.replace(['\u{FFFE}', '\u{FFFF}'], ""))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A body with its control characters normalised: line ends become `\n`, `\n` and `\t`
/// stay, every other control character becomes a space, U+FFFE and U+FFFF are removed.
pub fn clean_body(s: &str) -> String {
    if !s
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{FFFE}' || c == '\u{FFFF}')
    {
        return s.to_owned();
    }
    let s = s.replace("\r\n", "\n");
    s.chars()
        .filter(|c| *c != '\u{FFFE}' && *c != '\u{FFFF}')
        .map(|c| match c {
            '\r' => '\n',
            '\n' | '\t' => c,
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A cleaned optional text field: blank becomes `None`.
fn optional(
    field: &'static str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    match value.map(|v| collapse_ws(&v)).filter(|v| !v.is_empty()) {
        Some(v) => check_len(field, &v, 1, max).map(|()| Some(v)),
        None => Ok(None),
    }
}

fn check_len(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    let n = value.chars().count();
    if n < min {
        return Err(ValidationError::new(
            field,
            "invalid-required",
            "this field is required",
        ));
    }
    if n > max {
        return Err(ValidationError::new(
            field,
            "invalid-too-long",
            format!("at most {max} characters (got {n})"),
        )
        .with("max", max)
        .with("got", n));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ValidationError::new(
            field,
            "invalid-control",
            "contains control characters",
        ));
    }
    Ok(())
}

fn check_url(field: &'static str, url: &str) -> Result<(), ValidationError> {
    let ok = (url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<');
    if ok && url.len() <= 2_000 {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            "invalid-url",
            "must be an http(s) address or a site path",
        ))
    }
}

/// Reading time in whole minutes (at least one) for a text, at 200 words a minute.
pub fn reading_minutes(plain_text: &str) -> u32 {
    let words = plain_text.split_whitespace().count();
    u32::try_from(words.div_ceil(200))
        .unwrap_or(u32::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ArticleDraft {
        ArticleDraft {
            lang: Lang::En,
            slug: None,
            headline: "  Markets   rally\n on rate hopes ".into(),
            standfirst: "Stocks rose.".into(),
            body_md: "Body.".into(),
            kind: ArticleKind::News,
            section: Slug::parse("economy").unwrap_or_else(|_| unreachable!()),
            tags: vec!["Markets".into(), "markets".into(), " Rates ".into()],
            authors: vec![Slug::parse("sara-haddad").unwrap_or_else(|_| unreachable!())],
            source: None,
            image: None,
            seo_title: Some("  ".into()),
            seo_description: None,
        }
    }

    #[test]
    fn validation_cleans_and_generates_the_slug() {
        let d = draft().validate().unwrap();
        assert_eq!(d.headline, "Markets rally on rate hopes");
        assert_eq!(
            d.slug.as_ref().map(|s| s.as_str()),
            Some("markets-rally-on-rate-hopes")
        );
        assert_eq!(d.tags, vec!["Markets".to_string(), "Rates".to_string()]);
        assert_eq!(
            d.seo_title, None,
            "a blank SEO title falls back to the headline"
        );
    }

    #[test]
    fn validation_names_the_field() {
        let mut d = draft();
        d.headline = "   ".into();
        assert_eq!(d.validate().map_err(|e| e.field), Err("headline"));
        let mut d = draft();
        d.authors.clear();
        assert_eq!(d.validate().map_err(|e| e.field), Err("authors"));
        let mut d = draft();
        d.source = Some(SourceCredit {
            name: "Wire".into(),
            url: Some("javascript:alert(1)".into()),
        });
        assert_eq!(d.validate().map_err(|e| e.field), Err("source_url"));
        let mut d = draft();
        d.body_md = "x".repeat(MAX_BODY_BYTES + 1);
        assert_eq!(d.validate().map_err(|e| e.field), Err("body"));
    }

    #[test]
    fn control_characters_are_normalised_in_every_field() {
        let mut d = draft();
        d.headline = "Vertical\u{b}tab\u{0}nul\u{1b}esc\u{FFFE}".into();
        d.standfirst = "one\u{85}two\u{9c}".into();
        d.body_md = "Line\u{b}one\r\nLine\ttwo\u{0}\u{FFFF}\u{1b}[0m\rend".into();
        d.tags = vec!["Tag\u{7}".into()];
        d.image = Some(Image {
            url: "/media/x.jpg".into(),
            alt: "alt\u{b}text".into(),
            caption: Some("cap\u{0}tion".into()),
            credit: Some("\u{1b}credit\u{FFFE}".into()),
        });
        let d = d.validate().unwrap();
        assert_eq!(d.headline, "Vertical tab nul esc");
        assert_eq!(d.standfirst, "one two");
        assert_eq!(d.body_md, "Line one\nLine\ttwo  [0m\nend");
        assert_eq!(d.tags, vec!["Tag".to_string()]);
        let img = d.image.unwrap_or_else(|| unreachable!());
        assert_eq!(img.alt, "alt text");
        assert_eq!(img.caption.as_deref(), Some("cap tion"));
        assert_eq!(img.credit.as_deref(), Some("credit"));
    }

    #[test]
    fn caption_credit_and_nesting_have_limits() {
        let image = |caption: String, credit: String| {
            Some(Image {
                url: "/media/x.jpg".into(),
                alt: "alt".into(),
                caption: Some(caption),
                credit: Some(credit),
            })
        };
        let mut d = draft();
        d.image = image("c".repeat(300_000), "x".into());
        assert_eq!(d.validate().map_err(|e| e.field), Err("image_caption"));
        let mut d = draft();
        d.image = image("c".into(), "x".repeat(MAX_IMAGE_CREDIT + 1));
        assert_eq!(d.validate().map_err(|e| e.field), Err("image_credit"));
        let mut d = draft();
        d.body_md = ">".repeat(200_000);
        assert_eq!(
            d.validate().map_err(|e| e.to_string()),
            Err("body: body nests deeper than 32 levels".to_string())
        );
        let mut d = draft();
        d.body_md = "\u{0}\u{b}".into();
        assert_eq!(
            d.validate().map_err(|e| e.field),
            Err("body"),
            "blank once cleaned"
        );
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes(&"word ".repeat(201)), 2);
    }

    #[test]
    fn enums_round_trip() {
        for s in ArticleStatus::ALL {
            assert_eq!(s.as_str().parse::<ArticleStatus>(), Ok(*s));
        }
        assert!("bogus".parse::<ArticleKind>().is_err());
    }
}
