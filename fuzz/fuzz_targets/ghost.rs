//! Ghost JSON exports and Content API answers.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = arabpress_ingest::ghost::read(data);
});
