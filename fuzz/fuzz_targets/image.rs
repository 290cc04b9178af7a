//! Uploaded images: the type sniffed from the first bytes, then the header read under the
//! same limits as an upload (`app::media`: at most 30,000 pixels a side, 1 GiB of
//! allocations, 50 megapixels), and the image decoded when it is small enough to decode
//! many times a second.
#![no_main]
use arabpress_core::media::ImageType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

/// `app::media::MAX_PIXELS`.
const MAX_PIXELS: u64 = 50_000_000;
/// The largest image decoded here, in pixels (decoding costs time, not coverage).
const DECODE_PIXELS: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Some(t) = ImageType::sniff(data) else {
        return;
    };
    let format = match t {
        ImageType::Jpeg => ImageFormat::Jpeg,
        ImageType::Png => ImageFormat::Png,
        ImageType::WebP => ImageFormat::WebP,
        ImageType::Gif => ImageFormat::Gif,
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(30_000);
    limits.max_image_height = Some(30_000);
    limits.max_alloc = Some(1 << 30);
    let mut reader = ImageReader::with_format(Cursor::new(data), format);
    reader.limits(limits);
    let Ok(mut decoder) = reader.into_decoder() else {
        return;
    };
    let (w, h) = decoder.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if w == 0 || h == 0 || pixels > MAX_PIXELS {
        return;
    }
    let Ok(orientation) = decoder.orientation() else {
        return;
    };
    if pixels > DECODE_PIXELS {
        return;
    }
    if let Ok(mut img) = DynamicImage::from_decoder(decoder) {
        img.apply_orientation(orientation);
        assert!(u64::from(img.width()) * u64::from(img.height()) == pixels);
    }
});
