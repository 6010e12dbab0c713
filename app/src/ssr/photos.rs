//! Photos of units: the type is read from the bytes (never from the name or the declared type),
//! the image is decoded under size limits, and re-encoded as JPEG in two sizes. Re-encoding also
//! drops embedded metadata such as the GPS position a phone writes into its pictures.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Largest file accepted.
pub const MAX_BYTES: usize = crate::domain::limits::PHOTO_BYTES;
/// Most photos one unit may have.
pub const MAX_PER_UNIT: i64 = 12;
/// The large version fits in this square; the thumbnail in the next.
const LARGE_EDGE: u32 = 1600;
const THUMB_WIDTH: u32 = 480;
const THUMB_HEIGHT: u32 = 360;
/// Larger pictures than this are refused before decoding (a few bytes can claim huge sizes).
const MAX_EDGE: u32 = 12_000;
/// Pictures of more pixels than this are refused before decoding: 40 million is a 50-megapixel
/// phone's photo cropped a little, and decodes in about 160 MB. A 12,000 × 12,000 image, which a
/// 446 KB PNG can be, would take 700 MB.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Photos decoded at once, whatever the number of uploads: each takes a core and up to
/// `MAX_ALLOC` of memory while the others wait their turn.
const DECODING_AT_ONCE: usize = 2;
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(DECODING_AT_ONCE);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
}

/// The image type from the file's first bytes, if it is one we accept.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Kind::Webp)
    } else {
        None
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum PhotoProblem {
    TooLarge,
    NotAnImage,
    Unreadable,
    /// More pixels than [`MAX_PIXELS`].
    TooManyPixels,
}

impl PhotoProblem {
    /// The code the upload route puts in the address it redirects to; the unit page turns it
    /// into the message staff read.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoProblem::TooLarge => "taille",
            PhotoProblem::NotAnImage => "type",
            PhotoProblem::Unreadable => "illisible",
            PhotoProblem::TooManyPixels => "pixels",
        }
    }
}

/// A photo ready to store.
#[derive(Debug)]
pub struct Processed {
    pub large: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, PhotoProblem> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&image.to_rgb8())
        .map_err(|_| PhotoProblem::Unreadable)?;
    Ok(out)
}

/// Checks and converts an uploaded photo. CPU-bound: call it on a blocking thread.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoProblem::TooLarge);
    }
    let format = match sniff(bytes).ok_or(PhotoProblem::NotAnImage)? {
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
        Kind::Webp => ImageFormat::WebP,
    };
    let reader = || {
        let mut reader = ImageReader::new(Cursor::new(bytes));
        reader.set_format(format);
        reader
    };
    // The header says the size: a picture too large to decode is refused before any pixel is.
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|_| PhotoProblem::Unreadable)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoProblem::TooManyPixels);
    }
    let mut reader = reader();
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| PhotoProblem::Unreadable)?;
    let large = if image.width() > LARGE_EDGE || image.height() > LARGE_EDGE {
        image.resize(LARGE_EDGE, LARGE_EDGE, FilterType::Triangle)
    } else {
        image
    };
    let thumb = large.thumbnail(THUMB_WIDTH, THUMB_HEIGHT);
    Ok(Processed {
        width: large.width(),
        height: large.height(),
        large: jpeg(&large, 82)?,
        thumb: jpeg(&thumb, 78)?,
    })
}

/// [`process`] on a blocking thread, once one of the few decoding places is free.
pub async fn process_in_turn(bytes: Vec<u8>) -> Result<Processed, PhotoProblem> {
    let Ok(turn) = DECODING.acquire().await else {
        return Err(PhotoProblem::Unreadable);
    };
    // The turn goes with the work: if the upload is abandoned, the decoding still holds it.
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        process(&bytes)
    })
    .await
    .unwrap_or_else(|error| {
        tracing::error!(%error, "photo processing panicked");
        Err(PhotoProblem::Unreadable)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = ImageBuffer::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(image)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn types_are_read_from_the_bytes() {
        assert_eq!(sniff(&png(2, 2)), Some(Kind::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(Kind::Jpeg));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Kind::Webp));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<svg xmlns="), None);
    }

    #[test]
    fn a_large_photo_is_scaled_down_and_gets_a_thumbnail() {
        let processed = process(&png(2000, 1000)).unwrap();
        assert_eq!((processed.width, processed.height), (1600, 800));
        assert_eq!(sniff(&processed.large), Some(Kind::Jpeg));
        let thumb = image::load_from_memory(&processed.thumb).unwrap();
        assert!(thumb.width() <= 480 && thumb.height() <= 360);
    }

    #[test]
    fn disguised_or_broken_files_are_refused() {
        assert_eq!(
            process(b"just text, named photo.jpg").unwrap_err(),
            PhotoProblem::NotAnImage
        );
        let mut broken = png(10, 10);
        broken.truncate(30);
        assert_eq!(process(&broken).unwrap_err(), PhotoProblem::Unreadable);
        assert_eq!(
            process(&vec![0xFF; MAX_BYTES + 1]).unwrap_err(),
            PhotoProblem::TooLarge
        );
    }

    /// A PNG whose header claims `width` × `height` and whose pixels are missing: a few dozen
    /// bytes that say "huge picture".
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xFFFF_FFFFu32;
            for byte in bytes {
                crc ^= u32::from(*byte);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut header = b"IHDR".to_vec();
        header.extend(width.to_be_bytes());
        header.extend(height.to_be_bytes());
        header.extend([8, 2, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        for chunk in [header, b"IDAT".to_vec(), b"IEND".to_vec()] {
            png.extend((chunk.len() as u32 - 4).to_be_bytes());
            png.extend(&chunk);
            png.extend(crc32(&chunk).to_be_bytes());
        }
        png
    }

    #[test]
    fn a_picture_of_too_many_pixels_is_refused_from_its_header() {
        let huge = png_header(12_000, 12_000);
        assert!(huge.len() < 100);
        assert_eq!(process(&huge).unwrap_err(), PhotoProblem::TooManyPixels);
        // Within the bound, the same missing pixels are merely unreadable.
        assert_eq!(
            process(&png_header(4_000, 3_000)).unwrap_err(),
            PhotoProblem::Unreadable
        );
    }
}
