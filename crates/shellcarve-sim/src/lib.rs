//! Material removal on curved shells: the [`DepthMap`] a toolpath leaves on a
//! [`Surface`](shellcarve_core::Surface), and checks on it.
//!
//! Units are millimetres and radians, in the workpiece frame W (egg centre at the
//! origin, +Z along the axis). The map lives on the surface coordinates (θ, s):
//! longitude and meridian arc length from the baseline parallel. Each texel stores the
//! cut depth along the outward normal (0 = untouched).
//!
//! # Removal rule and accuracy
//!
//! For each texel with surface point `P` and outward normal `n`, the depth is the
//! largest `t ≥ 0` such that `P − t·n` lies in the volume swept by the tool over some
//! move. Every tool is the convex solid of revolution its profile
//! ([`shellcarve_core::ToolProfile`]) describes, `SimOptions::tool_length` long from
//! its tip: an optional ball at the tip, then a cone frustum that widens into the
//! cylindrical shank (ball = sphere plus shank, flat = cylinder, V-bit = cone frustum
//! plus shank, tapered ball = sphere, tangent cone, shank); the removal code knows
//! only these pieces, not the kinds of tool. Along one straight move at fixed
//! orientation each piece's swept volume is convex and its deepest point on the
//! texel's normal line is found in closed form (ball: line/capsule roots; cone and
//! cylinder: the extreme points of a 2-D convex region bounded by lines and conics),
//! so the per-sweep result is exact to floating point. Moves whose tool axis turns by
//! more than `SimOptions::max_axis_turn` `Δ` (default 0.25°) are split into sub-steps,
//! each swept at its mean orientation, which moves a tool point `D` from the tip by at
//! most `D·Δ/2` (0.87 µm at 0.4 mm). Depths are stored as `f32` (≈ 0.03 µm at 0.35 mm).
//!
//! Tiles of 64×64 texels are processed in parallel with rayon; the result is the same
//! bytes at any thread count (the per-texel maximum does not depend on order).
//!
//! For three-axis programs on a block of stock, [`simulate_zmap`] applies the same rule
//! on a plane: a flat [`ZMap`] of depths below the top face of a [`BoxStock`] (work
//! zero at the front-left corner of the top face), tiled and parallel the same way.
//!
//! # Example
//!
//! ```
//! use shellcarve_core::{Move, MoveKind, Pose, Spheroid, Surface, SurfaceCoord, Tool, Toolpath};
//! use shellcarve_sim::{depth_along_cuts, simulate, SimOptions};
//!
//! let egg = Spheroid::new(57.0, 43.0).unwrap();
//! let tool = Tool::parse("ball:0.4").unwrap();
//! let mut path = Toolpath::new();
//! for k in 0..=10 {
//!     let c = SurfaceCoord::new(k as f64 * 0.01, 0.0);
//!     let (p, n) = egg.point_normal(c);
//!     let kind = if k == 0 { MoveKind::Plunge } else { MoveKind::Cut };
//!     path.moves.push(Move::new(kind, Pose::new(p - n.into_inner() * 0.1, n), 300.0));
//! }
//! let map = simulate(&egg, &tool, &path, &SimOptions::default().with_texel(0.02)).unwrap();
//! let stats = depth_along_cuts(&map, &egg, &path);
//! assert!((stats.mean - 0.1).abs() < 1e-3);
//! ```

mod body;
mod depth_map;
mod design;
mod error;
mod holder;
mod options;
mod simulate;
mod verify;
mod zmap;

#[cfg(test)]
mod tests;

pub use depth_map::{DepthMap, GridInfo, TILE};
pub use design::{
    compare_with_design, intended_texels, measure_scallop, DesignComparison, IntendedArea,
    ScallopMeasurement, DEFAULT_VISIBLE_DEPTH, OVERCUT_SEARCH_RADIUS,
};
pub use error::SimError;
pub use holder::{check_holder, Holder, HolderFinding, HOLDER_MIN_CLEARANCE, HOLDER_SAMPLE_STEP};
pub use options::{
    Progress, SimOptions, DEFAULT_MARGIN, DEFAULT_MAX_AXIS_TURN, DEFAULT_MAX_TILES, DEFAULT_TEXEL,
    DEFAULT_TOOL_LENGTH,
};
pub use simulate::simulate;
pub use verify::{
    breakthrough, check_rapids, depth_along_cuts, Breakthrough, DepthStats, RapidFinding,
    RAPID_SAMPLE_STEP,
};
pub use zmap::{simulate_zmap, BoxStock, ThroughBottom, ZMap, ZMapInfo};
