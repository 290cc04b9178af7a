//! What a write can conflict with: a taken slug, a newer version of the article, a send
//! that has moved on. The store and the application services return these as values, so a
//! caller matches on what happened instead of reading a message back; the words that
//! explain each one to a member come from the theme's Fluent messages, named in one place
//! ([`Conflict::explained`]).

use crate::{Lang, ValidationError};

/// A write that conflicts with what is stored. Its `Display` says what happened in
/// English, for the API, logs and the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// Someone saved the article (now at version `current`) after the writer opened version
    /// `opened`: saving would lose their change.
    #[error(
        "this article was saved by someone else (version {current}) after you opened version {opened}"
    )]
    StaleVersion {
        /// The stored version.
        current: i64,
        /// The version the writer started from.
        opened: i64,
    },
    /// Another article in `lang` holds the slug the writer chose.
    #[error("the slug {slug} is taken in {lang}")]
    SlugTaken {
        /// The slug asked for.
        slug: String,
        /// The language the slug is taken in.
        lang: Lang,
    },
    /// Every numbered variant of a generated slug is taken.
    #[error("no free slug near {slug}")]
    NoFreeSlug {
        /// The slug the variants were made from.
        slug: String,
    },
    /// A section with this slug exists.
    #[error("section {slug} exists")]
    SectionExists {
        /// The slug asked for.
        slug: String,
    },
    /// An author with this slug exists.
    #[error("author {slug} exists")]
    AuthorExists {
        /// The slug asked for.
        slug: String,
    },
    /// There is already an account for this address.
    #[error("there is already an account for {email}")]
    AccountExists {
        /// The address, normalised.
        email: String,
    },
    /// A wire feed with this address is registered.
    #[error("{url} is registered already")]
    WireFeedExists {
        /// The feed's address.
        url: String,
    },
    /// A wire item with this id has been taken in before.
    #[error("item {guid} has arrived already")]
    WireItemArrived {
        /// The item's id in its feed.
        guid: String,
    },
    /// A newsletter send with this key exists (one digest a day, one breaking send per
    /// article).
    #[error("a send {key} exists")]
    SendExists {
        /// The send's de-duplication key.
        key: String,
    },
    /// The send is no longer a draft, so it can no longer be edited or queued.
    #[error("send {id} is no longer a draft")]
    SendNotDraft {
        /// The send.
        id: i64,
    },
    /// The send has not been queued, so it has no rendered mail.
    #[error("send {id} is not queued")]
    SendNotQueued {
        /// The send.
        id: i64,
    },
    /// The article was already sent as breaking news.
    #[error("this article was already sent as breaking news")]
    BreakingSent,
    /// An automatic save reached an article that is no longer a draft; it is saved with the
    /// editor's buttons only.
    #[error("only a draft is saved automatically; save this article with its buttons")]
    NotADraft,
}

impl Conflict {
    /// The conflict as a form shows it: the field it is about, the Fluent message that
    /// explains it and that message's arguments (with the English text as the message).
    /// The one place a conflict is given its words.
    pub fn explained(&self) -> ValidationError {
        let message = self.to_string();
        let v = |field, id| ValidationError::new(field, id, message.clone());
        match self {
            Conflict::StaleVersion { current, opened } => v("version", "conflict-stale")
                .with("current", current)
                .with("opened", opened),
            Conflict::SlugTaken { slug, .. } => v("slug", "conflict-slug").with("slug", slug),
            Conflict::NoFreeSlug { slug } => v("slug", "conflict-slug-full").with("slug", slug),
            Conflict::SectionExists { slug } => v("slug", "conflict-section").with("slug", slug),
            Conflict::AuthorExists { slug } => v("slug", "conflict-author").with("slug", slug),
            Conflict::AccountExists { .. } => v("email", "conflict-account"),
            Conflict::WireFeedExists { .. } => v("url", "conflict-wire-feed"),
            Conflict::WireItemArrived { .. } => v("guid", "conflict-wire-item"),
            Conflict::SendExists { .. } => v("send", "conflict-send-exists"),
            Conflict::SendNotDraft { .. } | Conflict::SendNotQueued { .. } => {
                v("send", "conflict-send-state")
            }
            Conflict::BreakingSent => v("article", "conflict-breaking-sent"),
            Conflict::NotADraft => v("status", "invalid-autosave-not-draft"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_names_its_field_message_and_arguments() {
        let stale = Conflict::StaleVersion {
            current: 4,
            opened: 2,
        }
        .explained();
        assert_eq!((stale.field, stale.id), ("version", "conflict-stale"));
        assert_eq!(
            stale.args,
            vec![("current", "4".to_owned()), ("opened", "2".to_owned())]
        );
        assert!(stale.message.contains("version 4"));
        let taken = Conflict::SlugTaken {
            slug: "gaza".into(),
            lang: Lang::En,
        };
        assert_eq!(taken.to_string(), "the slug gaza is taken in en");
        assert_eq!(taken.explained().args, vec![("slug", "gaza".to_owned())]);
    }
}
