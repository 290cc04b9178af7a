//! What a listener hears of an article.

use crate::tashkeel;
use arabpress_core::{Lang, markdown};
use sha2::{Digest, Sha256};

/// Raised when the way a script is made changes, so that every article is spoken afresh.
const SCRIPT_VERSION: u32 = 1;

/// The text an engine speaks, in the article's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// The language (and so the voice).
    pub lang: Lang,
    /// Sentences, a paragraph a line.
    pub text: String,
}

impl Script {
    /// The script of an article: its headline, its standfirst, then its body as plain
    /// paragraphs (an interview turn is read as "Name: words"; Markdown, HTML and web
    /// addresses are not read). Arabic gets its vowel marks.
    pub fn for_article(lang: Lang, headline: &str, standfirst: &str, body_md: &str) -> Script {
        let body = markdown::render(body_md).text;
        let mut paragraphs: Vec<String> = Vec::new();
        for p in [headline, standfirst].into_iter().chain(body.split("\n\n")) {
            let p = spoken_paragraph(p);
            if !p.is_empty() {
                paragraphs.push(p);
            }
        }
        let mut text = paragraphs.join("\n");
        if lang == Lang::Ar {
            text = tashkeel::vowel(&text);
        }
        Script { lang, text }
    }

    /// A hash of what is spoken and how: the same hash, the same audio.
    pub fn hash(&self, voice: &str) -> String {
        let mut h = Sha256::new();
        h.update(SCRIPT_VERSION.to_le_bytes());
        h.update(voice.as_bytes());
        h.update([0]);
        h.update(self.text.as_bytes());
        hex::encode(h.finalize())
    }

    /// Words in the script.
    pub fn words(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

/// One paragraph on one line, without web addresses, ending in a stop so the engine
/// pauses after it.
fn spoken_paragraph(p: &str) -> String {
    let words: Vec<&str> = p
        .split_whitespace()
        .filter(|w| {
            !(w.starts_with("http://") || w.starts_with("https://") || w.starts_with("www."))
        })
        .collect();
    let mut line = words.join(" ");
    if let Some(last) = line.chars().last()
        && !matches!(
            last,
            '.' | '!' | '?' | '؟' | '…' | ':' | '؛' | '»' | '"' | '”'
        )
    {
        line.push('.');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interview_is_read_as_plain_turns() {
        let s = Script::for_article(
            Lang::En,
            "Blinken on the ceasefire",
            "The envoy spoke to us in Paris",
            "**Efi Koutsokosta:** How close are we?\n\n**Antony Blinken:** We **don’t** know. \
             See https://example.com/x for more\n\n## Next steps\n\n- one\n- two",
        );
        assert_eq!(
            s.text,
            "Blinken on the ceasefire.\nThe envoy spoke to us in Paris.\n\
             Efi Koutsokosta: How close are we?\nAntony Blinken: We don’t know. See for more.\n\
             Next steps.\none.\ntwo."
        );
        assert!(!s.text.contains('*') && !s.text.contains('#'));
    }

    #[test]
    fn arabic_gets_vowels_and_the_hash_follows_the_text() {
        let a = Script::for_article(Lang::Ar, "أعلنت الحكومة خطة جديدة", "", "نص المقال.");
        assert!(a.text.starts_with("أَعْلَنَت الْحُكُومَة"), "{}", a.text);
        let same = Script::for_article(Lang::Ar, "أعلنت الحكومة خطة جديدة", "", "نص المقال.");
        assert_eq!(a.hash("ar"), same.hash("ar"));
        assert_ne!(a.hash("ar"), a.hash("ar+slow"));
        let other = Script::for_article(Lang::Ar, "أعلنت الحكومة خطة جديدة", "", "نص آخر.");
        assert_ne!(a.hash("ar"), other.hash("ar"));
    }
}
