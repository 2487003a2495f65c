//! The facade's error type: any stage's error, plus checks that failed.

use thiserror::Error;

/// Everything that can stop an engraving or a simulation.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Text, font, surface, tool or strategy.
    #[error(transparent)]
    Core(#[from] shellcarve_core::CoreError),
    /// Machine model, inverse kinematics, axis limits.
    #[error(transparent)]
    Kinematics(#[from] shellcarve_kinematics::KinematicsError),
    /// G-code writing or reading.
    #[error(transparent)]
    Gcode(#[from] shellcarve_gcode::GcodeError),
    /// Material-removal simulation.
    #[error(transparent)]
    Sim(#[from] shellcarve_sim::SimError),
    /// Pictures.
    #[error(transparent)]
    Render(#[from] shellcarve_render::RenderError),
    /// The planned or simulated cut would break through the shell.
    #[error("the cut reaches {depth_mm:.3} mm deep but the shell is {thickness_mm:.3} mm thick (limit {limit_mm:.3} mm with a {margin_mm:.3} mm margin); use a smaller --depth or check --shell-thickness")]
    Breakthrough {
        /// Deepest planned or simulated cut (mm).
        depth_mm: f64,
        /// Shell thickness given (mm).
        thickness_mm: f64,
        /// Margin kept (mm).
        margin_mm: f64,
        /// Thickness minus margin (mm).
        limit_mm: f64,
    },
    /// The simulated engraving fails a check; nothing was written.
    #[error("verification failed: {0}")]
    Verification(String),
    /// A file could not be written or read.
    #[error("{path}: {error}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error (in the message, so not also a source).
        error: std::io::Error,
    },
}

/// Result alias of the facade.
pub type Result<T, E = Error> = std::result::Result<T, E>;
