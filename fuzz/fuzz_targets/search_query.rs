//! A reader's search query taken apart into terms and phrases.
#![no_main]
use arabpress_search::{MAX_QUERY_CHARS, query_terms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(q) = std::str::from_utf8(data) else {
        return;
    };
    let (terms, phrases) = query_terms(q);
    assert!(terms.len() <= MAX_QUERY_CHARS);
    for t in &terms {
        assert!(!t.is_empty(), "{q:?} gave an empty term");
    }
    for p in &phrases {
        assert!(p.len() > 1, "{q:?} gave a phrase of one word");
        assert!(p.windows(2).all(|w| w[0].0 < w[1].0), "{q:?}: {p:?}");
    }
});
