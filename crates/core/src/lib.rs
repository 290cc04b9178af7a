//! The newsroom's domain, free of I/O: languages, slugs, articles and their parts, the
//! validation rules every write goes through, Markdown → sanitised HTML (with interview
//! turns), and the Arabic normalisation shared by slugs and search.
//!
//! Everything here is a pure function of its input, so the store, the renderer and the
//! application layer agree on one definition of "a valid article" and "the same slug".

pub mod arabic;
pub mod article;
pub mod conflict;
pub mod http;
pub mod lang;
pub mod markdown;
pub mod media;
pub mod model;
pub mod slug;
pub mod user;

pub use article::{ArticleDraft, ArticleKind, ArticleStatus, Image, SourceCredit, ValidationError};
pub use conflict::Conflict;
pub use lang::Lang;
pub use slug::Slug;
pub use user::{Role, User};
