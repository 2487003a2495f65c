//! Fonts, text layout, shell surfaces, tools, strategies and toolpaths.
//!
//! Units are millimetres and radians. Surfaces live in the workpiece frame W: origin at
//! the egg's centre, +Z along its axis toward the pointed end.

mod error;
mod math;
mod surface;
mod tool;
mod toolpath;

pub use error::{check_range, CoreError, Result};
pub use math::{all_finite, Point2, Point3, UnitVector3, Vector2, Vector3};
pub use surface::{Closest, EggSpec, MeridianPoint, Spheroid, Surface, SurfaceCoord};
pub use tool::{Tool, DEFAULT_V_SHANK_DIAMETER};
pub use toolpath::{Move, MoveKind, Pose, Toolpath};
