//! Atomic file writing: PNG pictures, meshes and data files.

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

/// Runs `write` on a buffered temporary file next to `path` and renames it over
/// `path` once `write` succeeded and the data is on disk. On any error the temporary
/// file is removed and `path` is untouched.
pub(crate) fn write_file_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> Result<(), RenderError>,
) -> Result<(), RenderError> {
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
        write(&mut w)?;
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
