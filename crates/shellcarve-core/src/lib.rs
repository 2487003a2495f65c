//! Fonts, text layout, shell surfaces, tools, strategies and toolpaths.
//!
//! Units are millimetres and radians. Surfaces live in the workpiece frame W: origin at
//! the egg's centre, +Z along its axis toward the pointed end. Text is laid out in the
//! unwrapped text plane (x along the baseline, y up, mm) and mapped onto the surface by
//! arc length.
//!
//! ```
//! use shellcarve_core::*;
//!
//! let font = Font::embedded();
//! let egg = Spheroid::new(57.0, 43.0)?;
//! let mut layout = layout_line(&font, "EGG", 3.0, &LayoutOptions::default())?;
//! layout.translate(-layout.width / 2.0, 0.0);
//! let tool = Tool::parse("ball:0.2")?;
//! let plan = plan_strokes(&layout, &tool, DEFAULT_DEPTH, &StrategyOptions::default())?;
//! let path = engrave_strokes(&egg, &plan.strokes, &EngraveOptions::default())?;
//! for m in path.moves.iter().filter(|m| m.kind == MoveKind::Cut) {
//!     let depth = -egg.closest(&m.pose.tip).signed_distance;
//!     assert!((depth - DEFAULT_DEPTH).abs() < 1e-9);
//! }
//! # Ok::<(), CoreError>(())
//! ```

mod artwork;
mod engrave;
mod error;
mod font;
mod hershey;
mod layout;
mod map;
mod math;
mod output;
mod strategy;
mod surface;
mod tool;
mod toolpath;
mod vcarve;

pub use artwork::{place_artwork, Artwork, ARTWORK_CHAR, ARTWORK_GAP, MAX_SVG_BYTES};
pub use engrave::{
    engrave_strokes, offset_pose, EngraveOptions, DEFAULT_APPROACH, DEFAULT_APPROACH_FEED,
    DEFAULT_CHORD_TOL, DEFAULT_CLEARANCE, DEFAULT_DEPTH, DEFAULT_DEPTH_TOL, DEFAULT_FEED,
};
pub use error::{check_range, CoreError, Result};
pub use font::{Font, EMBEDDED_FONT_NAME};
pub use hershey::{HERSHEY_CREDIT, HERSHEY_FONTS};
pub use layout::{
    auto_cap_height, layout_line, layout_text, measure_line, measure_lines, split_lines, Align,
    Glyph, Layout2d, LayoutOptions, LineInfo, TextHeight, AUTO_HEIGHT_MAX, AUTO_LENGTH_FRACTION,
    DEFAULT_FLATTEN_TOL, DEFAULT_LINE_SPACING,
};
pub use map::{
    Baseline, GlyphDistortion, MapDistortion, MapKind, PoleEnd, SurfaceMap, TextDirection,
    TextLine, DISTORTION_ANGLE_WARN, DISTORTION_SCALE_WARN,
};
pub use math::{all_finite, Isometry3, Point2, Point3, UnitVector3, Vector2, Vector3};
pub use output::{remove_stale_temporaries, write_file_atomic};
pub use strategy::{
    intended_arcs_with, intended_intervals, intended_intervals_with, order_strokes, plan_strokes,
    FillPattern, OutlineOffset, Strategy, StrategyOptions, Stroke, StrokePlan, COVERAGE_ERROR,
    COVERAGE_WARN, DEFAULT_OFFSET_TOL, DEFAULT_STEPOVER_FRACTION,
};
pub use surface::{
    fit_probe, Closest, CurvePoint, EggPreset, EggSpec, EllipseMeridian, FitOptions, FitParameter,
    HugelschafferEgg, HugelschafferMeridian, MeridianCurve, MeridianPoint, NarushinEgg,
    NarushinMeridian, Probe, ProbeFit, ProbePoint, ProfileMeridian, ProfileShell, Revolved,
    Spheroid, Surface, SurfaceCoord, DEFAULT_FIT_ITERATIONS, DEFAULT_FIT_TOL,
    DEFAULT_MAX_NOISE_GAIN, PROBE_POINTS_PER_PARAMETER,
};
pub use tool::{TiltedFootprint, Tool, ToolProfile, DEFAULT_V_SHANK_DIAMETER};
pub use toolpath::{Move, MoveKind, Pose, Toolpath};
pub use vcarve::{VCARVE_FLAT_SCALLOP, VCARVE_SAMPLE_STEP};
