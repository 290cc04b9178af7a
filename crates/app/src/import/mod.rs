//! Importing a WordPress export (WXR) or a Ghost export. A WXR file is streamed
//! (`arabpress_ingest::wxr`);
//! items are mapped onto articles and written in batches, each batch in one transaction
//! (`Store::import_batch`), so a file that turns out to be broken half-way leaves every
//! earlier batch imported and nothing of the one it broke in. Importing the same file
//! again changes nothing: each post's origin is remembered.
//!
//! How WordPress maps onto arabpress:
//! * posts become articles (`news`); pages become `feature` articles in a `pages` section;
//!   attachments give featured images (their address, alt text and caption: the file stays
//!   where it is); menu items, revisions and other types are counted and left out;
//! * a post's first category's top-level ancestor is its section (the navigation stays
//!   short); the categories under it become tags, beside the post's own tags;
//! * authors are the post's Co-Authors Plus bylines (guest authors included) or else its
//!   creator, named as the export names them;
//! * `publish` → published at `post_date_gmt`, `future` → scheduled, `draft`, `pending` and
//!   `private` → draft (a private post is not made public), `trash` → left out;
//! * the HTML is kept as one HTML block (paragraphs made from blank lines, as WordPress
//!   does) and sanitised when rendered; titles and excerpts lose their markup;
//! * comments are not imported; the report counts them.
//!
//! A Ghost post's primary tag is its section and all its public tags its tags (`#internal`
//! tags are left out); members-only and email-only posts arrive as drafts.

mod batch;
mod ghost;
mod images;
mod mapping;
mod wordpress;

pub use images::ImageFetchReport;

use crate::AppError;
use arabpress_core::Lang;
use arabpress_ingest::IngestError;
use std::collections::BTreeMap;

/// Articles written per transaction.
pub const IMPORT_BATCH: usize = 500;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The articles' language; by default the export's `<language>` (`ar…` or `en…`).
    pub lang: Option<Lang>,
    /// Articles per transaction; 0 means [`IMPORT_BATCH`].
    pub batch: usize,
}

/// An item left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The item's id in the export.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentReport {
    /// Where the content came from (`wxr:` and the site's address).
    pub source: String,
    /// Items read.
    pub items: u64,
    /// Posts read.
    pub posts: u64,
    /// Pages read.
    pub pages: u64,
    /// Attachments read.
    pub attachments: u64,
    /// Articles made.
    pub imported: u64,
    /// Articles an earlier import had made already.
    pub unchanged: u64,
    /// Sections made.
    pub sections_created: u64,
    /// Authors made.
    pub authors_created: u64,
    /// Featured images set.
    pub images: u64,
    /// Comments read and not imported.
    pub comments: u64,
    /// Items of other types (menu items, revisions, custom types) left out, by type.
    pub other_types: BTreeMap<String, u64>,
    /// Posts and pages left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// Changes made to fit (a title cut to the longest headline…), per item.
    pub notes: Vec<Skipped>,
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read; `report` says what was imported before (every batch
    /// before the one that broke).
    #[error("{error}")]
    File {
        /// What is wrong with the file.
        error: IngestError,
        /// What was imported before.
        report: Box<ContentReport>,
    },
    /// The store refused a batch (nothing of it was kept).
    #[error("{error}")]
    Store {
        /// The error.
        error: AppError,
        /// What was imported before.
        report: Box<ContentReport>,
    },
}
