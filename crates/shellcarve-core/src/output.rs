//! Atomic file output: every file shellcarve writes goes to a temporary file in the
//! same directory and is renamed over the target only when complete, so a failed or
//! killed run never leaves a partial file and an earlier output stays as it was.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Runs `write` on a buffered temporary file next to `path` (`.NAME.PID-N.tmp`) and
/// renames it over `path` once `write` succeeded and the data is on disk. On any error
/// the temporary file is removed and `path` is untouched. I/O errors become `E`
/// through `io_error`.
pub fn write_file_atomic<E>(
    path: &Path,
    io_error: impl Fn(std::io::Error) -> E,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> Result<(), E>,
) -> Result<(), E> {
    let Some(name) = path.file_name() else {
        return Err(io_error(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        )));
    };
    let tmp = path.with_file_name(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(&io_error)?;
        let mut w = BufWriter::new(file);
        write(&mut w)?;
        w.flush().map_err(&io_error)?;
        let file = w.into_inner().map_err(|e| io_error(e.into_error()))?;
        file.sync_all().map_err(&io_error)?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(&io_error)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        write_file_atomic(path, |e| e, |w| w.write_all(bytes))
    }

    #[test]
    fn writes_and_replaces_whole() {
        let dir = std::env::temp_dir().join(format!("shellcarve-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.txt");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        // A failing writer leaves the earlier file and no temporary file.
        let failed: std::io::Result<()> =
            write_file_atomic(&p, |e| e, |_| Err(std::io::Error::other("boom")));
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let p = std::env::temp_dir().join("shellcarve-no-such-dir/x/a.txt");
        assert!(write(&p, b"x").is_err());
    }
}
