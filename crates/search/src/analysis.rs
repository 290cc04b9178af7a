//! Text analysis for Arabic and English, used alike when indexing and when querying.
//!
//! A word is a run of letters, digits and the marks written on them. Arabic words (any word
//! with an Arabic letter or digit) go through the normalisation of [`arabic::fold`]
//! (tashkeel and tatweel removed, أ إ آ → ا, ى → ي, ة → ه, Arabic-Indic digits → ASCII), the
//! stop list, and the light stemmer of [`arabic_stem`] (the rules of Lucene's
//! `ArabicStemmer`). Other words are lowercased, checked against the English stop list and
//! stemmed with Snowball's English stemmer. A query may therefore mix both languages.
//!
//! Tokens keep the byte offsets of the word as written, so highlighting marks whole words
//! (the و and ال a stem dropped included), which keeps Arabic letters joined in snippets.

use arabpress_core::arabic;
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Words longer than this (in characters) are not indexed: no language has them, and they
/// would only bloat the term dictionary (pasted URLs, base64).
const MAX_WORD_CHARS: usize = 40;

/// Arabic function words, written normalised (as [`arabic::fold`] leaves them): particles,
/// prepositions (alone and with the conjunction و), pronouns, demonstratives, relatives and
/// the commonest auxiliaries. Written for this project.
const ARABIC_STOP_WORDS: &str = "
من ومن منها منه منهم في وفي فيها فيه فيهم و ف ثم او ام ب به بها بهم اي اذا اذ اذن
ان وان انه انها انهم انما لان لانه الا الي والي علي وعلي عليه عليها عليهم عن وعن عنه عنها
مع ومع معه معها لدي لدى عند وعند عندما حتي حين بين وبين بينما كل وكل كلما بعض بعد وبعد قبل وقبل
ما وما ماذا لما لم لن لا ولا لقد قد وقد هل ليس ليست لو ولو لكن ولكن بل غير سوي
هو وهو هي وهي هما هم هن انا نحن انت انتم انتن
هذا وهذا هذه وهذه هذان هاتان هؤلاء ذلك وذلك تلك وتلك اولئك هناك هنا
الذي والذي التي والتي الذين والذين اللذان اللتان اللاتي اللواتي
كان وكان كانت وكانت كانوا يكون تكون يكن اصبح اصبحت اضحي امسي مازال
ايضا كما وكما كذلك مثل لدي حول خلال وخلال منذ ومنذ نحو دون ضد عبر اما واما اي ايه
التي الى عليه لها له لهم لهن كي لكي ان اني الا اذا ذا ذي ذات
";

/// English function words (the classic short list: common enough to carry no meaning,
/// short enough not to swallow names).
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with", "from", "has", "have", "had", "its", "were",
    "been", "which", "who", "s",
];

static ARABIC_STOPS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    ARABIC_STOP_WORDS
        .split_whitespace()
        .map(arabic::fold)
        .collect()
});

static ENGLISH_STOPS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| ENGLISH_STOP_WORDS.iter().copied().collect());

/// Prefixes the light stemmer removes (at most one), in the order tried.
const PREFIXES: &[&str] = &["ال", "وال", "بال", "كال", "فال", "لل", "و"];
/// Suffixes the light stemmer removes, each at most once, in this order.
const SUFFIXES: &[&str] = &["ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي"];

/// The light Arabic stemmer of Lucene's `ArabicStemmer` (Larkey, Ballesteros and Connell,
/// "Light Stemming for Arabic Information Retrieval"): removes one of the prefixes
/// ال وال بال كال فال لل و and then each of the suffixes ها ان ات ون ين يه ية ه ة ي in turn,
/// leaving at least two letters (three for a word starting with و).
pub fn arabic_stem(word: &str) -> Cow<'_, str> {
    Cow::Borrowed(stem_slice(word))
}

/// [`arabic_stem`] as a slice of the word (every prefix and suffix is whole letters).
fn stem_slice(word: &str) -> &str {
    let mut len = word.chars().count();
    let mut w = word;
    for p in PREFIXES {
        let p_len = p.chars().count();
        let long_enough = if p_len == 1 {
            len >= 4
        } else {
            len >= p_len + 2
        };
        if long_enough && let Some(rest) = w.strip_prefix(p) {
            w = rest;
            len -= p_len;
            break;
        }
    }
    for s in SUFFIXES {
        let s_len = s.chars().count();
        if len >= s_len + 2
            && let Some(rest) = w.strip_suffix(s)
        {
            w = rest;
            len -= s_len;
        }
    }
    w
}

/// Appends the search normalisation of an Arabic word ([`arabic::fold`], and the
/// zero-width non-joiner dropped) to `out`, in one pass.
fn fold_into(word: &str, out: &mut String) {
    for c in word.chars() {
        if arabic::is_tashkeel(c) || c == arabic::TATWEEL || c == '\u{200C}' {
            continue;
        }
        out.push(match c {
            '\u{0622}' | '\u{0623}' | '\u{0625}' => '\u{0627}',
            '\u{0649}' => '\u{064A}',
            '\u{0629}' => '\u{0647}',
            c => arabic::ascii_digit(c).unwrap_or(c),
        });
    }
}

/// True for a character that belongs inside a word.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}') {
        return true;
    }
    c.is_alphanumeric() || arabic::is_tashkeel(c) || c == arabic::TATWEEL || c == '\u{200C}'
}

/// True when the word is Arabic: it has an Arabic letter or an Arabic-Indic digit.
fn is_arabic_word(word: &str) -> bool {
    word.chars()
        .any(|c| matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}'))
}

/// The words of a text with their byte ranges, ignoring control characters and punctuation.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (from, _) = loop {
            let (i, c) = rest.next()?;
            if is_word_char(c) {
                break (i, c);
            }
        };
        let mut to = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !is_word_char(c) {
                to = i;
                break;
            }
            rest.next();
        }
        Some((from, &text[from..to]))
    })
}

/// How text becomes index terms.
#[derive(Debug, Clone, Default)]
pub struct Analyzer {
    /// Keep stop words (the default drops them).
    pub keep_stop_words: bool,
    /// Words (normalised) indexed as written, never stemmed: names a stemmer would damage.
    pub protected: Arc<HashSet<String>>,
}

impl Analyzer {
    /// The analyser used for every text field of the index.
    pub fn news() -> Analyzer {
        Analyzer::default()
    }

    /// The term for one word, or `None` for a stop word or a word too long to index.
    pub fn term(&self, word: &str) -> Option<String> {
        if word.chars().count() > MAX_WORD_CHARS {
            return None;
        }
        if is_arabic_word(word) {
            let mut folded = String::with_capacity(word.len());
            fold_into(word, &mut folded);
            if folded.is_empty() || (!self.keep_stop_words && ARABIC_STOPS.contains(&folded)) {
                return None;
            }
            if self.protected.contains(&folded) {
                return Some(folded);
            }
            let stem = stem_slice(&folded);
            if stem.len() == folded.len() {
                Some(folded)
            } else {
                Some(stem.to_owned())
            }
        } else {
            let lower = if word.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
                word.to_lowercase()
            } else {
                word.to_owned()
            };
            if !self.keep_stop_words && ENGLISH_STOPS.contains(lower.as_str()) {
                return None;
            }
            if self.protected.contains(&lower) || lower.chars().any(|c| c.is_ascii_digit()) {
                return Some(lower);
            }
            Some(english_stem(lower))
        }
    }

    /// The terms of a text, in order, with the position of each (stop words keep their
    /// place, so phrases match across them) and the byte range of the word.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        for (position, (from, word)) in words(text).enumerate() {
            if let Some(term) = self.term(word) {
                out.push(Token {
                    offset_from: from,
                    offset_to: from + word.len(),
                    position,
                    text: term,
                    position_length: 1,
                });
            }
        }
        out
    }

    /// The terms of a text joined by spaces: what the analyser test vectors compare.
    pub fn analyze(&self, text: &str) -> String {
        self.tokens(text)
            .into_iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

thread_local! {
    static ENGLISH: frostem::Stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
}

fn english_stem(word: String) -> String {
    ENGLISH
        .with(|s| match s.stem(&word) {
            Cow::Borrowed(b) if b.len() == word.len() => None,
            other => Some(other.into_owned()),
        })
        .unwrap_or(word)
}

/// The spelling form of a word: lowercased, vowel marks and tatweel removed, letters kept
/// as written, so that suggestions are real words.
pub fn spelling_form(word: &str) -> String {
    arabic::strip_marks(word).to_lowercase()
}

/// The [`Analyzer`] as a tantivy tokenizer.
#[derive(Clone, Default)]
pub struct NewsTokenizer {
    analyzer: Analyzer,
    tokens: Vec<Token>,
}

impl NewsTokenizer {
    /// A tokenizer running `analyzer`.
    pub fn new(analyzer: Analyzer) -> NewsTokenizer {
        NewsTokenizer {
            analyzer,
            tokens: Vec::new(),
        }
    }
}

/// The tokens of one text.
pub struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens = self.analyzer.tokens(text);
        VecTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// Words in their [`spelling_form`]: the dictionary spelling suggestions come from.
#[derive(Clone, Default)]
pub struct SpellingTokenizer {
    tokens: Vec<Token>,
}

impl Tokenizer for SpellingTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens = words(text)
            .enumerate()
            .filter(|(_, (_, w))| w.chars().count() <= MAX_WORD_CHARS)
            .map(|(position, (from, w))| Token {
                offset_from: from,
                offset_to: from + w.len(),
                position,
                text: spelling_form(w),
                position_length: 1,
            })
            .collect();
        VecTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_punctuation_and_keep_marks() {
        let w: Vec<&str> = words("«مُحَمَّـــد» قال: (hello), ٢٠٢٦!")
            .map(|(_, w)| w)
            .collect();
        assert_eq!(w, ["مُحَمَّـــد", "قال", "hello", "٢٠٢٦"]);
        assert_eq!(words("").count(), 0);
        assert_eq!(words(" \u{0} \t…").count(), 0);
    }

    #[test]
    fn offsets_cover_the_word_as_written() {
        let text = "قال والكتابُ";
        let t = Analyzer::news().tokens(text);
        assert_eq!(t.len(), 2);
        assert_eq!(&text[t[1].offset_from..t[1].offset_to], "والكتابُ");
        assert_eq!(t[1].text, "كتاب");
    }

    #[test]
    fn stop_words_keep_their_position() {
        let t = Analyzer::news().tokens("the state of the union");
        let pos: Vec<usize> = t.iter().map(|t| t.position).collect();
        assert_eq!(pos, [1, 4]);
    }

    #[test]
    fn english_is_stemmed() {
        assert_eq!(
            Analyzer::news().analyze("Sanctions sanctioned"),
            "sanction sanction"
        );
    }
}
