//! Writing output files atomically: a temporary file in the same directory, renamed
//! over the target only when it is complete, so a failed run leaves no partial file
//! and an earlier output untouched.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically (see `shellcarve_core::write_file_atomic`).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |error| Error::Io {
        path: path.display().to_string(),
        error,
    };
    shellcarve_core::write_file_atomic(path, io, |w| w.write_all(bytes).map_err(io))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failure_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing-dir").join("a.txt");
        assert!(write_atomic(&p, b"x").is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
