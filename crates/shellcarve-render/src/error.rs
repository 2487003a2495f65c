//! The error type of `shellcarve-render`.

use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong while writing a picture.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The file could not be created, written or renamed.
    #[error("cannot write {path}: {source}; check that the directory exists and is writable")]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The PNG encoder failed.
    #[error("cannot encode {path} as PNG: {source}")]
    Encode {
        /// The file being written.
        path: PathBuf,
        /// What the encoder said.
        #[source]
        source: image::ImageError,
    },
    /// The path has no file name.
    #[error("{path} is not a file path; give a path ending in a file name such as preview.png")]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
}
