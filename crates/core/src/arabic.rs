//! Arabic text normalisation shared by slugs and search: the same word written with or
//! without vowel marks, with a stretched letter (tatweel) or with Arabic-Indic digits must
//! compare equal where readers expect it to.

/// True for the Arabic vowel and recitation marks (tashkeel) that do not change a word's
/// identity: fathatan … sukun, the superscript alef, and the Quranic annotation marks.
pub fn is_tashkeel(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E8}' | '\u{06EA}'..='\u{06ED}')
}

/// The tatweel (kashida), a purely typographic stretch.
pub const TATWEEL: char = '\u{0640}';

/// Maps Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits to ASCII digits.
pub fn ascii_digit(c: char) -> Option<char> {
    let base = match c {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        _ => return None,
    };
    char::from_digit(c as u32 - base, 10)
}

/// Removes tashkeel and tatweel and maps Arabic-Indic digits to ASCII, keeping the letters
/// as written (hamza forms, taa marbuta): the light normalisation used for slugs.
pub fn strip_marks(text: &str) -> String {
    text.chars()
        .filter(|&c| !is_tashkeel(c) && c != TATWEEL)
        .map(|c| ascii_digit(c).unwrap_or(c))
        .collect()
}

/// The search normalisation: [`strip_marks`] plus the orthographic folds readers treat as
/// the same letter: أ إ آ → ا, ى → ي, ة → ه.
pub fn fold(text: &str) -> String {
    strip_marks(text)
        .chars()
        .map(|c| match c {
            '\u{0622}' | '\u{0623}' | '\u{0625}' => '\u{0627}',
            '\u{0649}' => '\u{064A}',
            '\u{0629}' => '\u{0647}',
            other => other,
        })
        .collect()
}

/// True when the text contains at least one Arabic letter.
pub fn has_arabic(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_marks_and_tatweel_keeps_letters() {
        assert_eq!(strip_marks("مُحَمَّـــد"), "محمد");
        assert_eq!(strip_marks("عام ٢٠٢٦"), "عام 2026");
        assert_eq!(strip_marks("مدرسة أحمد"), "مدرسة أحمد");
    }

    #[test]
    fn folds_hamza_alef_maqsura_and_taa_marbuta() {
        assert_eq!(fold("أحمد إلى آخر مدرسة"), "احمد الي اخر مدرسه");
    }
}
