//! URL slugs. Arabic slugs stay readable Arabic (browsers show them decoded), English ones
//! are lowercase ASCII words; both are unique per language in the store.

use crate::arabic;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest slug accepted, in characters.
pub const MAX_LEN: usize = 120;

/// A validated slug: lowercase letters or digits of any script, single hyphens between words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a text is not a slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    /// Nothing was given.
    #[error("the slug is empty")]
    Empty,
    /// Longer than [`MAX_LEN`] characters.
    #[error("the slug is longer than {MAX_LEN} characters")]
    TooLong,
    /// A character other than a lowercase letter, a digit or a hyphen.
    #[error("the slug may contain only lowercase letters, digits and single hyphens; found {0:?}")]
    BadChar(char),
    /// Leading, trailing or doubled hyphens.
    #[error("the slug may not start or end with a hyphen or contain two in a row")]
    BadHyphen,
}

impl Slug {
    /// Validates a slug given by a user or read from a URL.
    pub fn parse(s: &str) -> Result<Slug, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.chars().count() > MAX_LEN {
            return Err(SlugError::TooLong);
        }
        if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(SlugError::BadHyphen);
        }
        if let Some(c) = s.chars().find(|&c| !is_slug_char(c)) {
            return Err(SlugError::BadChar(c));
        }
        Ok(Slug(s.to_owned()))
    }

    /// Makes a slug from a headline or a name: marks and tatweel removed, digits made ASCII,
    /// letters lowercased, everything else a single hyphen. `None` when nothing is left.
    pub fn generate(text: &str) -> Option<Slug> {
        let mut out = String::new();
        let mut pending_hyphen = false;
        let mut count = 0;
        for c in arabic::strip_marks(text).chars() {
            if c.is_alphanumeric() {
                // Lowercasing may add a combining mark ('İ' → "i\u{307}"): only what a slug
                // may hold is kept.
                let lower: Vec<char> = c
                    .to_lowercase()
                    .filter(|&lc| lc != '-' && is_slug_char(lc))
                    .collect();
                if lower.is_empty() {
                    continue;
                }
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                    count += 1;
                }
                pending_hyphen = false;
                for lc in lower {
                    out.push(lc);
                    count += 1;
                }
                if count >= MAX_LEN - 1 {
                    break;
                }
            } else if c == '\'' || c == '’' {
                // "Putin's" → "putins", as readers type it.
            } else {
                pending_hyphen = true;
            }
        }
        let capped: String = out.chars().take(MAX_LEN).collect();
        Slug::parse(capped.trim_matches('-')).ok()
    }

    /// Appends `-n`, for making a generated slug unique.
    pub fn with_suffix(&self, n: u32) -> Slug {
        let suffix = format!("-{n}");
        let keep = MAX_LEN - suffix.len();
        let base: String = self.0.chars().take(keep).collect();
        Slug(format!("{}{suffix}", base.trim_end_matches('-')))
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_slug_char(c: char) -> bool {
    c == '-'
        || c.is_ascii_digit()
        || (c.is_alphanumeric() && !c.is_uppercase() && !arabic::is_tashkeel(c))
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dotted_capital_i_still_makes_a_slug() {
        // Found by fuzzing: 'İ' lowercases to 'i' and a combining dot, which no slug may hold,
        // so the whole headline got no slug.
        let s = Slug::generate("İstanbul talks").map(String::from);
        assert_eq!(s.as_deref(), Some("istanbul-talks"));
        let long = format!("{}İ", "a ".repeat(59));
        let s = Slug::generate(&long).map(String::from);
        assert_eq!(s.as_deref(), Some(format!("{}i", "a-".repeat(59)).as_str()));
        let found = format!("\u{6f0}{}\u{7}p{}İ", "\0".repeat(38), "\0".repeat(50));
        let s = Slug::generate(&found).map(String::from);
        assert_eq!(s.as_deref(), Some("0-p-i"));
    }

    #[test]
    fn english_headlines_become_lowercase_words() {
        let s = Slug::generate("Antony Blinken: “What's most important…”").map(String::from);
        assert_eq!(s.as_deref(), Some("antony-blinken-whats-most-important"));
    }

    #[test]
    fn arabic_headlines_stay_readable() {
        let s = Slug::generate("بلينكن: على روسيا أن تفهم أنّ للأفعال عواقب").map(String::from);
        assert_eq!(
            s.as_deref(),
            Some("بلينكن-على-روسيا-أن-تفهم-أن-للأفعال-عواقب")
        );
        assert_eq!(
            Slug::generate("ميزانية ٢٠٢٦").map(String::from).as_deref(),
            Some("ميزانية-2026")
        );
    }

    #[test]
    fn nothing_sluggable_is_none() {
        assert_eq!(Slug::generate("!!! — ???"), None);
    }

    #[test]
    fn rejects_bad_slugs_with_a_reason() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse("Hello"), Err(SlugError::BadChar('H')));
        assert_eq!(Slug::parse("a--b"), Err(SlugError::BadHyphen));
        assert_eq!(Slug::parse("a/b"), Err(SlugError::BadChar('/')));
        assert_eq!(Slug::parse(&"a".repeat(121)), Err(SlugError::TooLong));
        assert!(Slug::parse("سوق-الذهب-2026").is_ok());
    }

    #[test]
    fn suffix_keeps_the_limit() {
        let long = Slug::parse(&"a".repeat(120)).map(|s| s.with_suffix(12));
        assert_eq!(long.map(|s| s.as_str().chars().count()), Ok(120));
    }
}
