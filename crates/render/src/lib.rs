//! The theme: turns page models (data the application fetched) into HTML, in Arabic (right
//! to left) or English. It owns the templates (minijinja, embedded in the binary and
//! overridable file by file from a theme folder), the UI messages (Fluent), dates (ICU4X,
//! Gregorian and Hijri) and the static assets. It never queries the database: everything a
//! page shows arrives in its model.

pub mod assets;
pub mod dates;
pub mod digits;
pub mod feeds;
pub mod messages;
mod metadata;
mod theme;
pub mod views;

pub use digits::Digits;
pub use theme::{Artwork, Branding, Logo, Site, Theme};
pub use views::{
    ArticleModel, Frame, HomeModel, InfoModel, InfoPage, ListKind, ListModel, MessageModel,
    SearchForm, SearchHit, SearchModel,
};

use arabpress_core::Lang;
use serde::{Deserialize, Serialize};

/// A value given once per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PerLang<T> {
    /// The Arabic value.
    pub ar: T,
    /// The English value.
    pub en: T,
}

impl<T> PerLang<T> {
    /// The value for `lang`.
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }
}

/// Why the theme could not be loaded or a page not rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Locale data, message files or the time zone could not be set up.
    #[error("theme setup: {0}")]
    Setup(String),
    /// A template in the theme folder could not be read.
    #[error("theme file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A template failed to parse or render.
    #[error("template: {0:#}")]
    Template(#[from] minijinja::Error),
    /// A feed or sitemap could not be written.
    #[error("feed: {0}")]
    Feed(String),
}
