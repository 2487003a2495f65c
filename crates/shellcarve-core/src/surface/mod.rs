//! Shell surfaces: surfaces of revolution about the workpiece Z axis.
//!
//! A surface is described by its meridian, the curve `(r, z)` it sweeps about Z,
//! parametrised by arc length `s` from the baseline parallel (the parallel of maximum
//! breadth), with `s` growing toward +Z (the pointed end). Surface coordinates are
//! `(θ, s)`: longitude θ from +X toward +Y, and that arc length.

//!
//! Shapes: [`Spheroid`], the Hügelschäffer egg ([`HugelschafferEgg`]), the
//! Narushin–Romanov–Griffin universal egg ([`NarushinEgg`]) and measured profiles
//! ([`ProfileShell`]), all instances of [`Revolved`], one implementation for any smooth
//! meridian curve. [`EggSpec`] parses them from the command line, with presets.

use std::fmt::Debug;

use crate::math::{Point3, UnitVector3, Vector3};

mod egg;
mod fit;
mod profile;
mod revolved;
mod spec;
mod spheroid;
#[cfg(test)]
mod tests;

pub use egg::{HugelschafferEgg, HugelschafferMeridian, NarushinEgg, NarushinMeridian};
pub use fit::{
    fit_probe, FitOptions, FitParameter, Probe, ProbeFit, ProbePoint, DEFAULT_FIT_ITERATIONS,
    DEFAULT_FIT_TOL, DEFAULT_MAX_NOISE_GAIN, PROBE_POINTS_PER_PARAMETER,
};
pub use profile::{ProfileMeridian, ProfileShell};
pub(crate) use revolved::gauss_integral;
pub use revolved::{CurvePoint, MeridianCurve, Revolved};
pub use spec::{EggPreset, EggSpec};
pub use spheroid::{EllipseMeridian, Spheroid};

/// A place on a surface of revolution: longitude `theta` (radians) and meridian arc
/// length `s` (mm) from the baseline parallel, positive toward +Z.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurfaceCoord {
    /// Longitude in radians, from +X toward +Y.
    pub theta: f64,
    /// Arc length along the meridian from the baseline parallel (mm).
    pub s: f64,
}

impl SurfaceCoord {
    /// Creates a surface coordinate.
    pub fn new(theta: f64, s: f64) -> Self {
        Self { theta, s }
    }
}

/// One point of a meridian, with its first-order geometry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeridianPoint {
    /// Distance from the Z axis (mm).
    pub r: f64,
    /// Height along Z (mm).
    pub z: f64,
    /// dr/ds: the radial part of the unit tangent.
    pub dr_ds: f64,
    /// dz/ds: the axial part of the unit tangent.
    pub dz_ds: f64,
    /// Signed curvature of the meridian (1/mm), positive where the shell is convex.
    pub curvature: f64,
}

impl MeridianPoint {
    /// The outward unit normal in the meridian half-plane, as `(n_r, n_z)`.
    pub fn normal_rz(&self) -> (f64, f64) {
        (self.dz_ds, -self.dr_ds)
    }
}

/// The answer to a closest-point query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Closest {
    /// Surface coordinate of the closest point.
    pub coord: SurfaceCoord,
    /// The closest point on the surface.
    pub point: Point3,
    /// Signed distance from the surface: positive outside the shell, negative inside.
    pub signed_distance: f64,
}

/// A closed shell that is a surface of revolution about the workpiece Z axis.
///
/// Implementors describe the meridian; the 3-D queries are provided.
pub trait Surface: Debug + Send + Sync {
    /// A short description such as `spheroid:57x43`.
    fn describe(&self) -> String;

    /// The range of meridian arc length `(s_min, s_max)`: bottom pole to top pole.
    fn s_range(&self) -> (f64, f64);

    /// The meridian at arc length `s` (clamped to [`Surface::s_range`]).
    fn meridian(&self, s: f64) -> MeridianPoint;

    /// The closest meridian point to `(r, z)` (with `r ≥ 0`): its arc length and the
    /// signed distance (positive outside).
    fn closest_meridian(&self, r: f64, z: f64) -> (f64, f64);

    /// Overall length along Z and largest breadth (mm).
    fn size(&self) -> (f64, f64);

    /// Radius of the parallel at arc length `s` (mm).
    fn parallel_radius(&self, s: f64) -> f64 {
        self.meridian(s).r
    }

    /// Radius of the baseline parallel, `R0` in the design (mm).
    fn baseline_radius(&self) -> f64 {
        self.meridian(0.0).r
    }

    /// The surface point at a coordinate.
    fn point(&self, c: SurfaceCoord) -> Point3 {
        let m = self.meridian(c.s);
        Point3::new(m.r * c.theta.cos(), m.r * c.theta.sin(), m.z)
    }

    /// The outward unit normal at a coordinate.
    fn normal(&self, c: SurfaceCoord) -> UnitVector3 {
        let m = self.meridian(c.s);
        let (nr, nz) = m.normal_rz();
        UnitVector3::new_normalize(Vector3::new(nr * c.theta.cos(), nr * c.theta.sin(), nz))
    }

    /// Point and outward normal at a coordinate in one evaluation.
    fn point_normal(&self, c: SurfaceCoord) -> (Point3, UnitVector3) {
        let m = self.meridian(c.s);
        let (nr, nz) = m.normal_rz();
        let (sin, cos) = c.theta.sin_cos();
        (
            Point3::new(m.r * cos, m.r * sin, m.z),
            UnitVector3::new_normalize(Vector3::new(nr * cos, nr * sin, nz)),
        )
    }

    /// Principal curvatures at arc length `s` (1/mm): along the meridian and along the
    /// parallel. Both positive on a convex shell.
    fn principal_curvatures(&self, s: f64) -> (f64, f64) {
        let m = self.meridian(s);
        let parallel = if m.r > 1e-12 {
            m.dz_ds / m.r
        } else {
            m.curvature
        };
        (m.curvature, parallel)
    }

    /// The closest surface point to `p`, with its coordinate and signed distance.
    fn closest(&self, p: &Point3) -> Closest {
        let r = (p.x * p.x + p.y * p.y).sqrt();
        let theta = if r > 1e-12 { p.y.atan2(p.x) } else { 0.0 };
        let (s, signed_distance) = self.closest_meridian(r, p.z);
        let coord = SurfaceCoord::new(theta, s);
        Closest {
            coord,
            point: self.point(coord),
            signed_distance,
        }
    }
}

/// Formats a length in mm without trailing zeros.
pub(crate) fn fmt_mm(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}
