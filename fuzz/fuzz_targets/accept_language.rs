//! The `Accept-Language` header.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = arabpress_core::Lang::from_accept_language(s);
    }
});
