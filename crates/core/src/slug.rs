//! URL slugs. Arabic slugs stay readable Arabic (browsers show them decoded), English ones
//! are lowercase ASCII words; both are unique per language in the store.
//!
//! A slug is NFKC-normalised (Arabic presentation forms become the letters they show,
//! full-width Latin becomes ASCII) and its letters are Latin or Arabic only, one script per
//! word: `pаypal-login` with a Cyrillic `а` looks like a Latin slug and is refused, as is
//! any Greek or Cyrillic letter. Words of the two scripts may stand side by side (an Arabic
//! headline naming the G7 keeps `g7`), which cannot be mistaken for another address since
//! Arabic and Latin letters do not look alike. Digits and hyphens belong to no script.

use crate::arabic;
use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_normalization::UnicodeNormalization;

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
    /// A letter of a script other than Latin or Arabic, or both in one word.
    #[error("the slug's letters must be Latin or Arabic, one script per word; found {0:?}")]
    MixedScript(String),
}

impl SlugError {
    /// The error as a validation error on `field`, with a message in either language.
    pub fn on(self, field: &'static str) -> crate::ValidationError {
        let message = self.to_string();
        let v = |id| crate::ValidationError::new(field, id, message.clone());
        match &self {
            SlugError::Empty => v("invalid-required"),
            SlugError::TooLong => v("invalid-slug-long").with("max", MAX_LEN),
            SlugError::BadChar(c) => v("invalid-slug-char").with("char", c),
            SlugError::BadHyphen => v("invalid-slug-hyphen"),
            SlugError::MixedScript(w) => v("invalid-slug-script").with("word", w),
        }
    }
}

/// The script of a slug's letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Arabic,
    Other,
}

fn script(c: char) -> Option<Script> {
    if c == '-' || c.is_numeric() {
        return None;
    }
    Some(match c {
        'a'..='z'
        | 'A'..='Z'
        | '\u{AA}'
        | '\u{BA}'
        | '\u{C0}'..='\u{24F}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{2C60}'..='\u{2C7F}'
        | '\u{A720}'..='\u{A7FF}'
        | '\u{AB30}'..='\u{AB6F}' => Script::Latin,
        '\u{600}'..='\u{6FF}'
        | '\u{750}'..='\u{77F}'
        | '\u{870}'..='\u{8FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}' => Script::Arabic,
        _ => Script::Other,
    })
}

/// The first word whose letters are not all Latin or all Arabic.
fn mixed_word(s: &str) -> Option<&str> {
    s.split('-').find(|word| {
        let mut scripts = word.chars().filter_map(script);
        match scripts.next() {
            None => false,
            Some(Script::Other) => true,
            Some(first) => scripts.any(|x| x != first),
        }
    })
}

impl Slug {
    /// Validates a slug given by a user or read from a URL.
    pub fn parse(s: &str) -> Result<Slug, SlugError> {
        let normalised: String = s.nfkc().collect();
        let s = normalised.as_str();
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
        if let Some(word) = mixed_word(s) {
            return Err(SlugError::MixedScript(word.to_owned()));
        }
        Ok(Slug(s.to_owned()))
    }

    /// Makes a slug from a headline or a name: marks and tatweel removed, digits made ASCII,
    /// letters lowercased, everything else a single hyphen. `None` when nothing is left.
    pub fn generate(text: &str) -> Option<Slug> {
        let mut out = String::new();
        let mut pending_hyphen = false;
        let mut count = 0;
        // The script of the word being written: a word that changes script is split there
        // ("أمf" → "أم-f"), since a slug word holds one script.
        let mut word_script = None;
        let text: String = text.nfkc().collect();
        for c in arabic::strip_marks(&text).chars() {
            // Letters of other scripts are left out, like punctuation.
            if c.is_alphanumeric() && script(c) != Some(Script::Other) {
                // Lowercasing may add a combining mark ('İ' → "i\u{307}"): only what a slug
                // may hold is kept.
                let lower: Vec<char> = c
                    .to_lowercase()
                    .filter(|&lc| {
                        lc != '-' && is_slug_char(lc) && script(lc) != Some(Script::Other)
                    })
                    .collect();
                if lower.is_empty() {
                    continue;
                }
                // The script of what is written: a lowercase letter may stand outside the
                // ranges its capital is in ('Ʉ' → 'ʉ').
                let this = lower.iter().find_map(|&lc| script(lc));
                if this.is_some() && word_script.is_some() && this != word_script {
                    pending_hyphen = true;
                }
                if pending_hyphen {
                    word_script = None;
                    if !out.is_empty() {
                        out.push('-');
                        count += 1;
                    }
                }
                if this.is_some() {
                    word_script = this;
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

    /// A slug for a name [`Slug::generate`] can make nothing of (an emoji, punctuation):
    /// `prefix-` and eight hexadecimal digits of a hash of the name, the same on every run.
    /// `prefix` must be a slug itself (such as `tag`).
    pub fn fallback(prefix: &str, name: &str) -> Slug {
        // FNV-1a, 32 bits: stable across runs and platforms.
        let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        Slug(format!("{prefix}-{hash:08x}"))
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
    fn a_word_that_changes_script_is_split_where_it_changes() {
        // Found by fuzzing: a typed «أمf"» made the word "أمf", which no slug may hold,
        // so the whole headline got no slug.
        let s = Slug::generate("اختتام أمf\" المؤتمر").map(String::from);
        assert_eq!(s.as_deref(), Some("اختتام-أم-f-المؤتمر"));
        let s = Slug::generate("قمةG7 تبدأ").map(String::from);
        assert_eq!(s.as_deref(), Some("قمة-g7-تبدأ"));
        let s = Slug::generate("اɄفيلم").map(String::from);
        assert_eq!(s.as_deref(), Some("افيلم"));
    }

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
        let fire = Slug::fallback("tag", "🔥");
        assert!(
            fire.as_str().starts_with("tag-") && fire.as_str().len() == 12,
            "{fire}"
        );
        assert_eq!(Slug::parse(fire.as_str()).as_ref(), Ok(&fire));
        assert_eq!(fire, Slug::fallback("tag", "🔥"), "stable");
        assert_ne!(fire, Slug::fallback("tag", "💧"));
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
    fn homoglyph_and_mixed_script_slugs_are_refused() {
        // A Cyrillic а in a Latin word; Greek and Cyrillic words; Arabic and Latin in one.
        for bad in [
            "p\u{430}ypal-login",
            "\u{3b1}lpha",
            "\u{43f}\u{440}\u{438}",
            "abcسوق",
        ] {
            assert!(
                matches!(Slug::parse(bad), Err(SlugError::MixedScript(_))),
                "{bad:?} accepted"
            );
        }
        assert_eq!(
            Slug::parse("p\u{430}ypal-login").map_err(|e| e.to_string()),
            Err("the slug's letters must be Latin or Arabic, one script per word; found \"p\u{430}ypal\"".into())
        );
        // Presentation forms read as the letters they show.
        assert_eq!(
            Slug::parse("\u{FEDF}\u{FEE0}\u{FEEE}-\u{FE8E}").map(String::from),
            Ok("للو-ا".to_string())
        );
        assert_eq!(
            Slug::parse("ｐａｙ").map(String::from),
            Ok("pay".to_string())
        );
        // Arabic words beside a Latin one, and Latin digits, are fine.
        assert!(Slug::parse("قمة-g7-في-روما-2026").is_ok());
        // Generated slugs leave other scripts out.
        assert_eq!(
            Slug::generate("Zelensky (Зеленський) speaks").map(String::from),
            Some("zelensky-speaks".to_string())
        );
    }

    #[test]
    fn suffix_keeps_the_limit() {
        let long = Slug::parse(&"a".repeat(120)).map(|s| s.with_suffix(12));
        assert_eq!(long.map(|s| s.as_str().chars().count()), Ok(120));
    }
}
