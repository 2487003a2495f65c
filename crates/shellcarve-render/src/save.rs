//! Atomic file writing: PNG pictures, meshes and data files.

use std::io::BufWriter;
use std::path::Path;

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

use crate::RenderError;

/// Writes `image` as a PNG at `path` atomically: the data goes to a temporary file in
/// the same directory, which is renamed over `path` only once complete. On error the
/// temporary file is removed and `path` is untouched.
pub fn save_png_atomic(image: &RgbImage, path: &Path) -> Result<(), RenderError> {
    write_file_atomic(path, |w| {
        PngEncoder::new(w)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                ExtendedColorType::Rgb8,
            )
            .map_err(|source| RenderError::Encode {
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
