//! Atomic file writing: PNG pictures, meshes and data files.

use std::io::{BufWriter, Write as _};
use std::path::Path;

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

use crate::RenderError;

/// Writes `image` as a PNG at `path` atomically: the data goes to a temporary file in
/// the same directory, which is renamed over `path` only once complete. On error the
/// temporary file is removed and `path` is untouched.
pub fn save_png_atomic(image: &RgbImage, path: &Path) -> Result<(), RenderError> {
    save_encoded_png_atomic(&encode_png(image, path)?, path)
}

/// A picture encoded as PNG, for [`save_encoded_png_atomic`]. Encoding is most of the
/// work of saving a picture; done apart, it can run beside other work (another
/// picture's rendering) and the files can still all be written after everything
/// succeeded.
#[derive(Debug, Clone)]
pub struct EncodedPng(Vec<u8>);

/// Encodes `image` as PNG (the same bytes [`save_png_atomic`] writes); `path`, the
/// file it is meant for, names it in errors.
pub fn encode_png(image: &RgbImage, path: &Path) -> Result<EncodedPng, RenderError> {
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .map_err(|source| RenderError::Encode {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(EncodedPng(bytes))
}

/// Writes an encoded PNG at `path` atomically, as [`save_png_atomic`] does.
pub fn save_encoded_png_atomic(png: &EncodedPng, path: &Path) -> Result<(), RenderError> {
    write_file_atomic(path, |w| {
        w.write_all(&png.0).map_err(|source| RenderError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Writes through `write` atomically (see `shellcarve_core::write_file_atomic`), with
/// I/O errors naming `path`.
pub(crate) fn write_file_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> Result<(), RenderError>,
) -> Result<(), RenderError> {
    if path.file_name().is_none() {
        return Err(RenderError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    shellcarve_core::write_file_atomic(
        path,
        |source| RenderError::Io {
            path: path.to_path_buf(),
            source,
        },
        write,
    )
}
