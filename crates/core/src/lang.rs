//! The two languages the site publishes in. Arabic is written right to left; every page,
//! article, tag and list belongs to exactly one language.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A publication language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Arabic, right to left.
    Ar,
    /// English, left to right.
    En,
}

impl Lang {
    /// Every language, Arabic first (the site's own default).
    pub const ALL: [Lang; 2] = [Lang::Ar, Lang::En];

    /// The BCP 47 code used in URLs, `lang` attributes and the database.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    /// The writing direction for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            Lang::En => "ltr",
        }
    }

    /// The other language, for language switches and translation links.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ar => Lang::En,
            Lang::En => Lang::Ar,
        }
    }

    /// The language's own name, as shown in a language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ar => "العربية",
            Lang::En => "English",
        }
    }

    /// Picks the best language from an `Accept-Language` header value, honouring q-values;
    /// `None` when the header names neither language.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "ar" => Lang::Ar,
                "en" => Lang::En,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The text was not a language the site publishes in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected \"ar\" or \"en\"")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ar" => Ok(Lang::Ar),
            "en" => Ok(Lang::En),
            other => Err(UnknownLang(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_honours_quality() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,ar;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=1, ar-EG;q=0.7, en;q=0.5"),
            Some(Lang::Ar)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language("en;q=0, ar"), Some(Lang::Ar));
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn parses_codes_only() {
        assert_eq!("ar".parse::<Lang>(), Ok(Lang::Ar));
        assert!("AR".parse::<Lang>().is_err());
    }
}
