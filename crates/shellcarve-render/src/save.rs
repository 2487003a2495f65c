//! Atomic PNG writing.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

use crate::RenderError;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `image` as a PNG at `path` atomically: the data goes to a temporary file in
/// the same directory, which is renamed over `path` only once complete. On error the
/// temporary file is removed and `path` is untouched.
pub fn save_png_atomic(image: &RgbImage, path: &Path) -> Result<(), RenderError> {
    let name = path.file_name().ok_or_else(|| RenderError::NotAFile {
        path: path.to_path_buf(),
    })?;
    let tmp = path.with_file_name(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let io = |source| RenderError::Io {
        path: path.to_path_buf(),
        source,
    };
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(io)?;
        let mut w = BufWriter::new(file);
        PngEncoder::new(&mut w)
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
        w.flush().map_err(io)?;
        let file = w.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(io)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
