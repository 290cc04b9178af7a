//! The people of the newsroom and what each role may do. The rules live here, as pure
//! functions, so that the application enforces them the same way for the newsroom, the
//! admin API and any future client.

use crate::ValidationError;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A newsroom role, from least to most trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Writes drafts and submits them for review; publishes nothing.
    Contributor,
    /// Publishes and withdraws their own articles.
    Author,
    /// Edits, schedules, publishes and withdraws any article; manages sections and tags.
    Editor,
    /// Everything an editor does, plus users, roles and site settings.
    Admin,
    /// The site's owner: an admin who cannot be demoted by another admin.
    Owner,
}

impl Role {
    /// Every role, least trusted first.
    pub const ALL: &'static [Role] = &[
        Role::Contributor,
        Role::Author,
        Role::Editor,
        Role::Admin,
        Role::Owner,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    /// May edit an article (`own`: the user created it).
    pub fn can_edit(self, own: bool) -> bool {
        own || self >= Role::Editor
    }

    /// May publish, schedule or withdraw an article.
    pub fn can_publish(self, own: bool) -> bool {
        match self {
            Role::Contributor => false,
            Role::Author => own,
            _ => true,
        }
    }

    /// May manage sections and tags.
    pub fn can_manage_taxonomy(self) -> bool {
        self >= Role::Editor
    }

    /// May manage subscribers and send newsletters.
    pub fn can_send_newsletters(self) -> bool {
        self >= Role::Editor
    }

    /// May register, pause and remove wire feeds.
    pub fn can_manage_wire(self) -> bool {
        self >= Role::Editor
    }

    /// May manage users, roles and settings.
    pub fn can_manage_users(self) -> bool {
        self >= Role::Admin
    }
}

impl FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "role",
                    "invalid-role",
                    format!("unknown role {s:?}; use contributor, author, editor, admin or owner"),
                )
                .with("value", s)
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A member of the newsroom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Store id.
    pub id: i64,
    /// Login address, lowercase.
    pub email: String,
    /// Name shown in the newsroom.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// False once deactivated: they can no longer sign in or use tokens; their articles stay.
    pub active: bool,
    /// When the account was made.
    pub created_at: Timestamp,
    /// The language of their newsroom interface.
    pub ui_lang: crate::Lang,
}

/// Checks and normalises a login address (lowercase, trimmed, one `@`, a dot in the domain,
/// no spaces or control characters).
pub fn normalise_email(raw: &str) -> Result<String, ValidationError> {
    let e = raw.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        });
    if ok {
        Ok(e)
    } else {
        Err(ValidationError::new(
            "email",
            "invalid-email",
            format!("{raw:?} is not an email address"),
        )
        .with("value", raw.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_allow_what_the_newsroom_expects() {
        assert!(!Role::Contributor.can_publish(true));
        assert!(Role::Contributor.can_edit(true) && !Role::Contributor.can_edit(false));
        assert!(Role::Author.can_publish(true) && !Role::Author.can_publish(false));
        assert!(Role::Editor.can_publish(false) && Role::Editor.can_edit(false));
        assert!(!Role::Editor.can_manage_users() && Role::Admin.can_manage_users());
        assert_eq!("editor".parse::<Role>().ok(), Some(Role::Editor));
        assert!("chief".parse::<Role>().is_err());
    }

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(
            normalise_email(" Layla@Example.ORG ").ok().as_deref(),
            Some("layla@example.org")
        );
        for bad in [
            "",
            "layla",
            "@x.org",
            "a@b",
            "a@.org",
            "a b@x.org",
            "a@x.org.",
            "a\u{0}@x.org",
            "a@x\u{1b}.org",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
    }
}
