//! Slugs: generating one from any title, and parsing any path segment.
#![no_main]
use arabpress_core::Slug;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let made = Slug::generate(s);
    // A headline with a Latin letter or a digit in it always gets a slug.
    if s.chars().any(|c| c.is_ascii_alphanumeric()) {
        assert!(made.is_some(), "no slug for {s:?}");
    }
    if let Some(slug) = made {
        // What the maker makes, the parser takes back unchanged.
        let parsed = Slug::parse(slug.as_str());
        assert_eq!(
            parsed.as_ref().map(Slug::as_str),
            Ok(slug.as_str()),
            "{s:?}"
        );
        let _ = slug.with_suffix(u32::MAX);
    }
    // Parsing normalises (NFKC); what it gives back parses to itself.
    if let Ok(slug) = Slug::parse(s) {
        let again = Slug::parse(slug.as_str());
        assert_eq!(again.as_ref().map(Slug::as_str), Ok(slug.as_str()), "{s:?}");
    }
});
