//! Urlencoded form bodies and query strings (every form of the newsroom and the newsletter)
//! and the `page` parameter of listings.
#![no_main]
use arabpress_core::http::{MAX_PAGE, form_fields, page_number};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fields = form_fields(data);
    assert!(fields.len() <= data.len(), "more fields than bytes");
    if let Ok(q) = std::str::from_utf8(data) {
        if let Ok(page) = page_number(Some(q)) {
            assert!((1..=MAX_PAGE).contains(&page), "{q:?} gave page {page}");
        }
    }
});
