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
    /// An option of a renderer or mesh builder is out of range, NaN or infinite.
    #[error("{name} = {value} is invalid: {expected}")]
    InvalidOption {
        /// Option name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What is expected instead.
        expected: String,
    },
    /// The mesh would have more triangles than allowed.
    #[error("the mesh would have about {triangles} triangles (limit {limit}); use a coarser mesh texel (--mesh-texel) or raise MeshOptions::max_triangles")]
    MeshTooLarge {
        /// Triangles the mesh would have.
        triangles: usize,
        /// The limit from the options.
        limit: usize,
    },
    /// An entry of a view specification (`--views`) is not understood.
    #[error("cannot read the view `{entry}`: {problem}; {accepted}")]
    InvalidViewSpec {
        /// The entry (or the whole specification when it is empty).
        entry: String,
        /// What is wrong with it.
        problem: String,
        /// What is accepted instead.
        accepted: &'static str,
    },
    /// The file name does not tell which format to write.
    #[error("cannot tell the format of {path} from its name; {expected}")]
    UnknownFormat {
        /// The path given.
        path: PathBuf,
        /// The names that are understood.
        expected: &'static str,
    },
}
