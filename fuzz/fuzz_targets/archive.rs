//! The site's own archive (`arabpress import arabpress`), line by line as a restore reads
//! it: the first line as the header, the others as rows, media files or the end line.
#![no_main]
use arabpress_ingest::archive::{Line, header, line, media_name};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.lines();
    if let Some(first) = lines.next() {
        let _ = header(first);
    }
    for l in lines {
        if let Ok(Line::Media { name, .. }) = line(l) {
            // Only a media object's name is ever written to the media store.
            assert!(media_name(&name), "{name:?}");
            assert!(!name.contains(".."), "{name:?}");
        }
    }
});
