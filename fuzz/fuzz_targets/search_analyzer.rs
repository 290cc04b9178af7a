//! The search analyser (Arabic normalisation and stemming, English stemming, stop words)
//! on any text, as articles are indexed with it.
#![no_main]
use arabpress_search::analysis::{Analyzer, arabic_stem, spelling_form, words};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::news);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for (at, w) in words(text) {
        assert_eq!(text.get(at..at + w.len()), Some(w), "{text:?}");
        let _ = arabic_stem(w);
        let _ = spelling_form(w);
        let _ = ANALYZER.term(w);
    }
    let tokens = ANALYZER.tokens(text);
    for t in &tokens {
        assert!(!t.text.is_empty(), "{text:?} gave an empty token");
        assert!(
            t.offset_from <= t.offset_to && t.offset_to <= text.len(),
            "{text:?}: {t:?}"
        );
    }
    let _ = ANALYZER.analyze(text);
});
