//! The project's fixture files, kept in the workspace's `testdata/` folder (each with its
//! source and licence in `testdata/README.md`) and found from any crate whatever folder its
//! tests run in; and small generated files that tests upload.

use std::path::PathBuf;

/// The path of `name` (such as `import/edge-cases.wxr.xml`) under `testdata/`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata")).join(name)
}

/// The bytes of fixture `name`; panics naming the file when it cannot be read.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of fixture `name`; panics naming the file when it cannot be read.
pub fn fixture_text(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A `w`×`h` PNG with a gradient, so its pixels differ and it survives resizing.
#[cfg(feature = "png")]
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 250) as u8, (y % 250) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}
