//! The search index: Arabic and English analysis, reader search with highlighted snippets
//! and spelling suggestions, related stories, and near-duplicate fingerprints.
//!
//! The index is never the source of truth. It lives in the data folder, is kept current by
//! the application after every change, records the last change-feed event it reflects,
//! and is rebuilt from the store whenever it is missing or was written in another format.

pub mod analysis;
mod index;
mod query;
pub mod simhash;

pub use index::{IndexDoc, Opened, SearchIndex, WriterSize};
pub use query::{
    Highlighted, Hit, MAX_QUERY_CHARS, Matched, QueryProblem, RELATED_FILL, RelatedQuery,
    SearchQuery, SearchResults, query_terms,
};

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Another process holds the index's writer lock.
    #[error(
        "the search index at {path} is in use by another arabpress process (stop the server first, or let it rebuild the index itself)"
    )]
    Busy {
        /// The index folder.
        path: String,
    },
    /// The index folder could not be created or cleared.
    #[error("search index folder {path}: {source}")]
    Io {
        /// The index folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The engine failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index was closed for writing (the process is stopping).
    #[error("the search index is closed")]
    Closed,
    /// A writer panicked earlier; the index must be reopened.
    #[error("the search index writer failed earlier; restart to rebuild it")]
    Poisoned,
}
