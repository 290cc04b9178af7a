//! Urlencoded form bodies and query strings (every form of the newsroom and the newsletter)
//! and the `page`, `before` and `after` parameters of listings.
#![no_main]
use arabpress_core::http::{ListAt, ListCursor, MAX_PAGE, form_fields, list_position, page_number};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fields = form_fields(data);
    assert!(fields.len() <= data.len(), "more fields than bytes");
    if let Ok(q) = std::str::from_utf8(data) {
        if let Ok(page) = page_number(Some(q)) {
            assert!((1..=MAX_PAGE).contains(&page), "{q:?} gave page {page}");
        }
        match list_position(Some(q)) {
            Ok(ListAt::Page(page)) => assert!((1..=MAX_PAGE).contains(&page), "{q:?}: {page}"),
            // A position read back from its own text is the same position.
            Ok(ListAt::Before(c) | ListAt::After(c)) => {
                assert!(c.id > 0, "{q:?} gave id {}", c.id);
                assert_eq!(c.to_string().parse::<ListCursor>(), Ok(c));
            }
            Err(_) => {}
        }
    }
});
