//! UI messages in both languages, from Fluent files embedded in the binary
//! (`locales/ar.ftl`, `locales/en.ftl`), with Arabic plural rules and Arabic-Indic digits
//! for numbers on Arabic pages.

use crate::RenderError;
use arabpress_core::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

const AR_FTL: &str = include_str!("../locales/ar.ftl");
const EN_FTL: &str = include_str!("../locales/en.ftl");

/// Message bundles for both languages.
pub struct Messages {
    ar: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

/// Arabic-Indic digits for numbers in Arabic messages.
fn arabic_digits(
    value: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(to_arabic_digits(&n.as_string())),
        _ => None,
    }
}

/// Writes ASCII digits as Arabic-Indic digits (٠١٢…٩).
pub fn to_arabic_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x0660 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

fn bundle(lang: &str, src: &'static str) -> Result<FluentBundle<FluentResource>, RenderError> {
    let id: LanguageIdentifier = lang
        .parse()
        .map_err(|e| RenderError::Setup(format!("{lang}: {e}")))?;
    let res = FluentResource::try_new(src.to_owned())
        .map_err(|(_, errs)| RenderError::Setup(format!("{lang}.ftl: {errs:?}")))?;
    let mut b = FluentBundle::new_concurrent(vec![id]);
    b.set_use_isolating(false);
    b.add_resource(res)
        .map_err(|errs| RenderError::Setup(format!("{lang}.ftl: {errs:?}")))?;
    Ok(b)
}

impl Messages {
    /// Parses the embedded message files.
    pub fn new() -> Result<Messages, RenderError> {
        let mut ar = bundle("ar", AR_FTL)?;
        ar.set_formatter(Some(arabic_digits));
        Ok(Messages {
            ar,
            en: bundle("en", EN_FTL)?,
        })
    }

    /// The message `key` in `lang`; a missing key yields the key itself (and a log line), so
    /// a page still renders.
    pub fn get(&self, lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
        let b = match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        };
        let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, %lang, "missing UI message");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let s = b.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, %lang, ?errors, "UI message formatting");
        }
        s.into_owned()
    }

    /// A message with text arguments.
    pub fn text(&self, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
        let mut a = FluentArgs::new();
        for (name, value) in args {
            a.set(*name, (*value).to_owned());
        }
        self.get(lang, key, Some(&a))
    }

    /// What a validation error says, in `lang`: its message id filled with its arguments
    /// (numbers in the language's digits), or its English text when the theme has no such
    /// message.
    pub fn validation(&self, lang: Lang, v: &arabpress_core::ValidationError) -> String {
        let b = match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        };
        if !b.has_message(v.id) {
            return v.message.clone();
        }
        let mut args = FluentArgs::new();
        for (name, value) in &v.args {
            match value.parse::<i64>() {
                Ok(n) => args.set(*name, n),
                Err(_) => args.set(*name, value.clone()),
            }
        }
        self.get(lang, v.id, Some(&args))
    }

    /// A message with one numeric argument.
    pub fn count(&self, lang: Lang, key: &str, name: &'static str, n: i64) -> String {
        let mut args = FluentArgs::new();
        args.set(name, n);
        self.get(lang, key, Some(&args))
    }
}

/// The message ids defined in a Fluent source.
pub fn ids(src: &str) -> Vec<String> {
    src.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_define_the_same_messages() {
        let mut ar = ids(AR_FTL);
        let mut en = ids(EN_FTL);
        ar.sort();
        en.sort();
        assert_eq!(ar, en);
        assert!(ar.len() > 30);
    }

    /// Every `invalid-*` and `conflict-*` message id written in the workspace's code is in both files, so a
    /// refused field is explained in the member's language, never as a bare id.
    #[test]
    fn every_validation_message_id_is_in_both_languages() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, found);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    for prefix in ["invalid-", "conflict-"] {
                        for piece in text.split(&format!("\"{prefix}")).skip(1) {
                            let id: String = piece
                                .chars()
                                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                                .collect();
                            if piece[id.len()..].starts_with('"') {
                                found.push(format!("{prefix}{id}"));
                            }
                        }
                    }
                }
            }
        }
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut used = Vec::new();
        for krate in ["core", "store", "app", "web"] {
            walk(&crates.join(krate).join("src"), &mut used);
        }
        used.sort();
        used.dedup();
        // `invalid-input` is the id of command-line errors, said in English only.
        used.retain(|id| id != "invalid-input");
        assert!(used.len() > 40, "{used:?}");
        let (ar, en) = (ids(AR_FTL), ids(EN_FTL));
        for id in &used {
            assert!(ar.contains(id), "{id} is missing from ar.ftl");
            assert!(en.contains(id), "{id} is missing from en.ftl");
        }
        let m = Messages::new().unwrap();
        let v = arabpress_core::ValidationError::new("headline", "invalid-too-long", "x")
            .with("max", 200)
            .with("got", 214);
        assert_eq!(
            m.validation(Lang::Ar, &v),
            "الحد الأقصى ٢٠٠ حرف (وفي النص ٢١٤)."
        );
        assert_eq!(
            m.validation(Lang::En, &v),
            "At most 200 characters (this has 214)."
        );
        let unknown = arabpress_core::ValidationError::new("", "invalid-input", "line 3: bad");
        assert_eq!(m.validation(Lang::Ar, &unknown), "line 3: bad");
    }

    #[test]
    fn arabic_plurals_and_digits() {
        let m = Messages::new().unwrap();
        for (lang, n, expected) in [
            (Lang::En, 1, "1 min read"),
            (Lang::En, 4, "4 min read"),
            (Lang::Ar, 1, "قراءة في دقيقة واحدة"),
            (Lang::Ar, 2, "قراءة في دقيقتين"),
            (Lang::Ar, 4, "قراءة في ٤ دقائق"),
            (Lang::Ar, 12, "قراءة في ١٢ دقيقة"),
        ] {
            assert_eq!(
                m.count(lang, "reading-time", "minutes", n),
                expected,
                "{lang:?} {n}"
            );
        }
        assert_eq!(m.get(Lang::Ar, "no-such-key", None), "no-such-key");
    }
}
