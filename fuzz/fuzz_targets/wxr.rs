//! WordPress exports (WXR): every item of any bytes, until the reader stops or fails.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reader = arabpress_ingest::wxr::Reader::new(data);
    // A reader makes progress with every item, so the loop ends; the bound is a backstop.
    for _ in 0..100_000 {
        match reader.next_item() {
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    let _ = (
        reader.channel(),
        reader.authors(),
        reader.terms(),
        reader.position(),
    );
});
