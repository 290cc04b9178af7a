//! Vowel marks (tashkeel) for Arabic news text, which is written without them.
//!
//! espeak-ng speaks vowelled Arabic well and unvowelled Arabic badly: it cannot know the
//! short vowels of "أعلنت" and reads /ʔʕlnt/, while "أَعْلَنَتْ" comes out right. Each word
//! without marks is looked up in a table of 216,206 words taken from the word cache of
//! arabic-diacritizer (MIT, `data/arabic-diacritizer.LICENSE`; rebuilt by
//! `scripts/tashkeel-table.py`): the words that take one vowelled form in at least 99.5% of
//! a large vowelled corpus. A word the table lacks is tried without a one-letter prefix
//! (و ف ب ل ك); a handful of function words whose most frequent form in that corpus is
//! not the news one (من is "from", not "who") are fixed here.
//!
//! The last vowel of each word is dropped (its case ending, which depends on the sentence):
//! a word ending at rest is how Arabic is read aloud when the grammar is not known, and a
//! missing ending sounds natural where a wrong one does not.

use flate2::read::GzDecoder;
use std::cmp::Ordering;
use std::io::Read;
use std::sync::LazyLock;

/// The table, one vowelled word per line, sorted by the word without its marks.
static DATA: &[u8] = include_bytes!("../data/tashkeel.txt.gz");

/// Words whose usual news reading differs from the table's (bare, vowelled).
const OVERRIDES: &[(&str, &str)] = &[
    ("من", "مِنْ"),
    ("ومن", "وَمِنْ"),
    ("فمن", "فَمِنْ"),
    ("أن", "أَنْ"),
    ("وأن", "وَأَنْ"),
    ("إن", "إِنَّ"),
    ("لكن", "لَكِنَّ"),
    ("قد", "قَدْ"),
];

/// The table, decompressed on first use (about 5 MB).
pub struct Table {
    text: String,
    /// Byte ranges of the lines of `text`, in the order of their bare forms.
    lines: Vec<(u32, u32)>,
}

static TABLE: LazyLock<Option<Table>> = LazyLock::new(|| Table::load().ok());

impl Table {
    fn load() -> std::io::Result<Table> {
        let mut text = String::new();
        GzDecoder::new(DATA).read_to_string(&mut text)?;
        let mut lines = Vec::with_capacity(220_000);
        let mut start = 0usize;
        for line in text.split_inclusive('\n') {
            let end = start + line.trim_end_matches('\n').len();
            let (Ok(s), Ok(e)) = (u32::try_from(start), u32::try_from(end)) else {
                break;
            };
            lines.push((s, e));
            start += line.len();
        }
        Ok(Table { text, lines })
    }

    /// The vowelled form of `bare` (a word without marks), if the table has it.
    pub fn get(&self, bare: &str) -> Option<&str> {
        let line = |&(s, e): &(u32, u32)| &self.text[s as usize..e as usize];
        self.lines
            .binary_search_by(|l| cmp_bare(line(l), bare))
            .ok()
            .map(|i| line(&self.lines[i]))
    }

    /// Words in the table.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the table is empty (it is not, unless the embedded data is damaged).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// The shared table; `None` only if the embedded data cannot be read.
pub fn table() -> Option<&'static Table> {
    TABLE.as_ref()
}

/// Compares a vowelled word, without its marks, with a bare one, byte by byte (the order
/// of Python's sort of the bare words, which is by code point: UTF-8 keeps it).
fn cmp_bare(vowelled: &str, bare: &str) -> Ordering {
    let mut a = vowelled.chars().filter(|c| !is_mark(*c));
    let mut b = bare.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x != y => return x.cmp(&y),
            _ => {}
        }
    }
}

/// An Arabic vowel or other reading mark (fathatan … sukun, superscript alef).
pub fn is_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{0652}' | '\u{0670}')
}

fn is_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}')
}

/// `text` with vowel marks on the Arabic words the table (or a prefix rule) knows; words
/// that already carry marks, and everything that is not an Arabic word, are left as they are.
pub fn vowel(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut word = String::new();
    for c in text.chars() {
        if is_letter(c) || is_mark(c) {
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push_str(&vowel_word(&word));
                word.clear();
            }
            out.push(c);
        }
    }
    if !word.is_empty() {
        out.push_str(&vowel_word(&word));
    }
    out
}

/// [`vowel`], with `model` marking the words the table does not know, sentence by
/// sentence (the model reads each sentence whole, at most 256 letters at a time).
pub fn vowel_with_model(text: &str, model: &crate::model::Model) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for segment in segments(line) {
            out.push_str(&vowel_segment(segment, model));
        }
    }
    out
}

/// A line cut after each sentence's stop, and where still longer than 256 characters, at
/// the last space before.
fn segments(line: &str) -> Vec<&str> {
    const MAX: usize = 256;
    let mut out = Vec::new();
    let mut start = 0;
    let mut count = 0;
    let mut last_space = None;
    for (i, c) in line.char_indices() {
        count += 1;
        if c == ' ' {
            last_space = Some(i);
        }
        let end = i + c.len_utf8();
        if matches!(c, '.' | '!' | '?' | '؟' | '؛') {
            out.push(&line[start..end]);
            (start, count, last_space) = (end, 0, None);
        } else if count >= MAX
            && let Some(sp) = last_space.filter(|&sp| sp > start)
        {
            out.push(&line[start..sp]);
            start = sp;
            count = line[sp..end].chars().count();
            last_space = None;
        }
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out
}

fn vowel_segment(segment: &str, model: &crate::model::Model) -> String {
    // Runs of the segment: words (with where their first letter is among the segment's
    // characters without marks, and their vowelled form when the table or the word itself
    // gives one) and what lies between them.
    enum Run {
        Word(usize, String),
        Other(String),
    }
    let mut runs: Vec<Run> = Vec::new();
    let mut bare: Vec<char> = Vec::with_capacity(segment.len());
    for c in segment.chars() {
        let in_word = is_letter(c) || is_mark(c);
        match runs.last_mut() {
            Some(Run::Word(_, w)) if in_word => w.push(c),
            Some(Run::Other(o)) if !in_word => o.push(c),
            _ if in_word => runs.push(Run::Word(bare.len(), c.to_string())),
            _ => runs.push(Run::Other(c.to_string())),
        }
        if !is_mark(c) {
            bare.push(c);
        }
    }
    // Each word is looked up once.
    let known: Vec<Option<String>> = runs
        .iter()
        .map(|r| match r {
            Run::Word(_, w) => known_word(w),
            Run::Other(_) => None,
        })
        .collect();
    let needs_model = runs
        .iter()
        .zip(&known)
        .any(|(r, k)| matches!(r, Run::Word(..)) && k.is_none());
    let marks = if needs_model {
        model.marks(&bare)
    } else {
        Vec::new()
    };
    let mut out = String::with_capacity(segment.len() * 2);
    for (run, known) in runs.iter().zip(known) {
        match (run, known) {
            (Run::Other(o), _) => out.push_str(o),
            (Run::Word(_, _), Some(v)) => out.push_str(&v),
            (Run::Word(start, w), None) => {
                let mut v = String::with_capacity(w.len() * 2);
                for (k, letter) in w.chars().enumerate() {
                    v.push(letter);
                    v.push_str(marks.get(start + k).copied().unwrap_or_default());
                }
                out.push_str(&at_rest(&v));
            }
        }
    }
    out
}

/// A word's vowelled form at rest when it is known: the word itself when it has marks
/// already, else the table's (or the overrides') form; `None` when only the model can
/// vowel it.
fn known_word(word: &str) -> Option<String> {
    if word.chars().any(is_mark) {
        return Some(word.to_owned());
    }
    lookup(word).map(|v| at_rest(&v))
}

/// The vowelled form of one word, at rest (no case ending), or the word itself.
pub fn vowel_word(word: &str) -> String {
    known_word(word).unwrap_or_else(|| word.to_owned())
}

fn lookup(word: &str) -> Option<String> {
    if let Some((_, v)) = OVERRIDES.iter().find(|(b, _)| *b == word) {
        return Some((*v).to_owned());
    }
    let table = table()?;
    if let Some(v) = table.get(word) {
        return Some(v.to_owned());
    }
    let mut chars = word.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    if rest.chars().count() < 2 {
        return None;
    }
    let prefix = match first {
        'و' => "وَ",
        'ف' => "فَ",
        'ب' => "بِ",
        'ل' if !rest.starts_with('ل') => "لِ",
        'ك' => "كَ",
        _ => return None,
    };
    let v = OVERRIDES
        .iter()
        .find(|(b, _)| *b == rest)
        .map(|(_, v)| *v)
        .or_else(|| table.get(rest))?;
    Some(format!("{prefix}{v}"))
}

/// Drops a final short vowel, tanween or sukun (a shadda stays).
fn at_rest(vowelled: &str) -> String {
    let mut s = vowelled.to_owned();
    while let Some(c) = s.chars().last() {
        if matches!(c, '\u{064B}'..='\u{0650}' | '\u{0652}') {
            s.pop();
        } else {
            break;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_loads_and_finds_words() {
        let t = table();
        assert!(t.is_some_and(|t| t.len() > 200_000));
        assert_eq!(t.and_then(|t| t.get("أعلنت")), Some("أَعْلَنَتْ"));
        assert_eq!(t.and_then(|t| t.get("قزحيةبلا")), None);
    }

    #[test]
    fn news_text_gets_its_vowels_at_rest() {
        assert_eq!(
            vowel("أعلنت الحكومة اليوم خطة جديدة."),
            "أَعْلَنَت الْحُكُومَة الْيَوْم خُط\u{651}\u{64e}ة جَدِيدَة."
        );
        // Function words take their news reading; a shadda at the end stays.
        assert_eq!(vowel("من"), "مِن");
        assert_eq!(vowel("إن"), "إِنَّ");
    }

    #[test]
    fn prefixes_vowelled_words_and_other_text_are_kept() {
        // "وخطة" is tried as و + خطة.
        assert_eq!(vowel_word("وخطة"), "وَخُط\u{651}\u{64e}ة");
        assert_eq!(vowel("كَتَبَ"), "كَتَبَ");
        assert_eq!(vowel("Gaza 2024 ،"), "Gaza 2024 ،");
        assert_eq!(vowel("قزحيةبلا"), "قزحيةبلا");
    }

    #[test]
    fn with_the_model_known_words_keep_the_tables_form_and_the_rest_gets_the_models() {
        let model = crate::model::Model::zero();
        let out = vowel_with_model("أعلنت كَتَبَ قزحيةبلا.", &model);
        // The model reads the sentence without marks; «قزحيةبلا», which the table lacks,
        // starts at its 10th letter.
        let bare: Vec<char> = "أعلنت كتب قزحيةبلا.".chars().collect();
        let marks = model.marks(&bare);
        let unknown: String = "قزحيةبلا"
            .chars()
            .enumerate()
            .map(|(k, c)| format!("{c}{}", marks.get(10 + k).copied().unwrap_or_default()))
            .collect();
        assert_eq!(out, format!("أَعْلَنَت كَتَبَ {}.", at_rest(&unknown)));
    }
}
