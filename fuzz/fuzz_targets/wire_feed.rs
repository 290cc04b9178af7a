//! Wire feeds (RSS, Atom, JSON Feed) as a news agency sends them.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = arabpress_ingest::feed::parse(data);
});
