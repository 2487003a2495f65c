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
    /// A machine that cannot hold the tool along the normal tilts it so far that the
    /// tool reaches deeper below its tip than the depth window allows.
    #[error("{machine} holds the tool {tool} off the surface normal, and tilted so it reaches {reach_mm:.3} mm below its tip (toolpath move {at_move}): the cut's floor spans that much, more than the depth window of ±{tol_mm:.3} mm allows; use a ball or sharp V tool, smaller letters nearer the egg's equator, a wider --depth-tol, or a five-axis machine")]
    TiltedReach {
        /// The machine's name.
        machine: String,
        /// The tool.
        tool: String,
        /// How far below its tip the tilted tool reaches (mm).
        reach_mm: f64,
        /// The depth tolerance (mm).
        tol_mm: f64,
        /// The 1-based toolpath move where the tool reaches deepest.
        at_move: usize,
    },
    /// The plan's grooves run over the letters' edges by construction, more than the
    /// design comparison allows.
    #[error("the {strategy} grooves of the tool {tool} run up to {overrun_mm:.3} mm over the letters' edges (the check allows {tol_mm:.3} mm): {detail}")]
    Overrun {
        /// The strategy.
        strategy: String,
        /// The tool.
        tool: String,
        /// How far the grooves run over the edges (mm).
        overrun_mm: f64,
        /// What the design comparison allows (mm).
        tol_mm: f64,
        /// The planner's explanation and advice.
        detail: String,
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
