//! The `Range` header of media downloads: whatever it says, the range served lies inside
//! the body (the web layer slices the body with it).
#![no_main]
use arabpress_core::http::byte_range;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (len, header) = match data.split_first_chunk::<8>() {
        Some((len, rest)) => (u64::from_le_bytes(*len) >> (len[0] % 64), rest),
        None => (0, data),
    };
    let Ok(header) = std::str::from_utf8(header) else {
        return;
    };
    if let Ok(Some((from, to))) = byte_range(Some(header), len) {
        assert!(
            from <= to && to < len,
            "{header:?} on {len} bytes gave {from}-{to}"
        );
    }
});
