//! shellcarve: engrave text onto egg shells with five-axis CNC machines, and prove by
//! simulation that the cut is right before any egg breaks.
//!
//! The pipeline: text → font outlines → strokes (fill or outline) → toolpath on the
//! shell (tip `depth` below the surface along the normal, tool axis on the normal) →
//! machine program (inverse kinematics, limits, subdivision) → G-code → read back as
//! the controller would → material removal on the shell → depth map, pictures, report.
//!
//! The crates are re-exported: [`shellcarve_core`] (fonts, surfaces, tools,
//! strategies), [`shellcarve_kinematics`] (machines), [`shellcarve_gcode`] (posts and
//! interpreter), [`shellcarve_sim`] (material removal), [`shellcarve_render`]
//! (pictures). This crate glues them into two jobs: [`engrave`] and [`simulate`].
//!
//! ```no_run
//! use shellcarve::{engrave, EngraveJob};
//!
//! // The reference job: the reference phrase on the default egg, machine and tool.
//! let engraving = engrave(&EngraveJob::default())?;
//! println!("{}", engraving.report().summary());
//! std::fs::write("anniversary.ngc", &engraving.gcode)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A short phrase runs in well under a second:
//!
//! ```
//! use shellcarve::{engrave, EngraveJob};
//! use shellcarve::shellcarve_core::TextHeight;
//!
//! let job = EngraveJob::default().with_text("EGG").with_height(TextHeight::CapHeight(3.0));
//! let engraving = engrave(&job)?;
//! let depth = engraving.report().cut_depth_mm;
//! assert!(depth.min >= 0.30 && depth.max <= 0.40);
//! # Ok::<(), shellcarve::Error>(())
//! ```

mod design;
mod error;
mod job;
mod output;
mod report;

pub use design::IntendedDesign;
pub use error::{Error, Result};
pub use job::{
    engrave, resolve_machine, simulate, EngraveJob, Engraving, SimulateJob, Simulation,
    CHIP_LOAD_RANGE, DEFAULT_MACHINE, DEFAULT_SHELL_MARGIN, DEFAULT_TOOL, REFERENCE_PHRASE,
    TILT_WARN,
};
pub use output::write_atomic;
pub use report::{
    ArtworkReport, AxisRangeReport, Checks, DepthReport, GlyphDistortionReport, GridAxes,
    MoveCounts, ProbeFitReport, Report, ScallopReport, SimReport,
};

pub use shellcarve_core;
pub use shellcarve_gcode;
pub use shellcarve_kinematics;
pub use shellcarve_render;
pub use shellcarve_sim;
