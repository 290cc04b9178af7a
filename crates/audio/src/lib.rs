//! Spoken articles.
//!
//! - [`script`]: what a listener hears of an article: headline, standfirst and body as
//!   plain sentences (speakers' names before their words, no Markdown, no addresses), with
//!   Arabic vowel marks put in by [`tashkeel`], and a hash of it, so the same text is never
//!   spoken twice.
//! - [`tashkeel`]: vowel marks for unvowelled Arabic from a table of 216,206 words, without
//!   which espeak-ng reads "أعلنت" as /ʔʕlnt/.
//! - [`engine`]: espeak-ng (speech) and LAME (MP3) run as separate programs at the lowest
//!   CPU priority: their output is piped through this process, which counts the samples for
//!   the exact duration. Being separate programs keeps espeak-ng's GPL out of our binary and
//!   a crash of the engine out of the server.

pub mod engine;
pub mod model;
pub mod script;
pub mod tashkeel;

pub use engine::{Engine, EngineError, Speech};
pub use script::Script;
