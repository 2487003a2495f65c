//! Shell surfaces: surfaces of revolution about the workpiece Z axis.
//!
//! A surface is described by its meridian, the curve `(r, z)` it sweeps about Z,
//! parametrised by arc length `s` from the baseline parallel (the parallel of maximum
//! breadth), with `s` growing toward +Z (the pointed end). Surface coordinates are
//! `(θ, s)`: longitude θ from +X toward +Y, and that arc length.

use std::fmt::Debug;

use crate::error::{CoreError, Result};
use crate::math::{Point3, UnitVector3, Vector3};

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
        let r = p.x.hypot(p.y);
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

/// Number of intervals in the spheroid's arc-length table.
const ARC_TABLE_INTERVALS: usize = 2048;

/// Gauss–Legendre nodes and weights on [-1, 1], 8 points (exact for degree 15).
const GL8: [(f64, f64); 8] = [
    (-0.960_289_856_497_536_3, 0.101_228_536_290_376_26),
    (-0.796_666_477_413_626_7, 0.222_381_034_453_374_47),
    (-0.525_532_409_916_329, 0.313_706_645_877_887_3),
    (-0.183_434_642_495_649_8, 0.362_683_783_378_362),
    (0.183_434_642_495_649_8, 0.362_683_783_378_362),
    (0.525_532_409_916_329, 0.313_706_645_877_887_3),
    (0.796_666_477_413_626_7, 0.222_381_034_453_374_47),
    (0.960_289_856_497_536_3, 0.101_228_536_290_376_26),
];

/// A spheroid (ellipsoid of revolution) about Z: the default stand-in for an egg.
///
/// Its meridian is the ellipse `r = b sin φ`, `z = a cos φ` with `a` = half the length
/// and `b` = half the breadth; φ runs from 0 at the +Z pole to π at the −Z pole. Arc
/// length is tabulated with 8-point Gauss–Legendre quadrature per interval and inverted
/// by Newton's method on the exact derivative, so positions are exact to ~1e-12 mm.
#[derive(Debug, Clone)]
pub struct Spheroid {
    a: f64,
    b: f64,
    /// Arc length from the +Z pole at φ = k·π/N.
    table: Vec<f64>,
    /// Arc length from the +Z pole to the equator (φ = π/2).
    s_equator: f64,
}

impl Spheroid {
    /// A spheroid of total `length` along Z and `breadth` across (mm).
    pub fn new(length: f64, breadth: f64) -> Result<Self> {
        for (name, v) in [("egg length", length), ("egg breadth", breadth)] {
            if !(v.is_finite() && v > 0.5 && v < 1000.0) {
                return Err(CoreError::InvalidParameter {
                    name: name.into(),
                    value: v,
                    expected: "a length in mm between 0.5 and 1000".into(),
                });
            }
        }
        let a = length / 2.0;
        let b = breadth / 2.0;
        let h = std::f64::consts::PI / ARC_TABLE_INTERVALS as f64;
        let mut table = Vec::with_capacity(ARC_TABLE_INTERVALS + 1);
        table.push(0.0);
        let mut acc = 0.0;
        for k in 0..ARC_TABLE_INTERVALS {
            acc += gauss_integral(|phi| speed(a, b, phi), k as f64 * h, (k + 1) as f64 * h);
            table.push(acc);
        }
        let mut s = Self {
            a,
            b,
            table,
            s_equator: 0.0,
        };
        s.s_equator = s.arc_from_pole(std::f64::consts::FRAC_PI_2);
        Ok(s)
    }

    /// A sphere of the given diameter, as a spheroid.
    pub fn sphere(diameter: f64) -> Result<Self> {
        Self::new(diameter, diameter)
    }

    /// Half the length (along Z).
    pub fn semi_axis_z(&self) -> f64 {
        self.a
    }

    /// Half the breadth (radius of the equator).
    pub fn semi_axis_r(&self) -> f64 {
        self.b
    }

    fn arc_from_pole(&self, phi: f64) -> f64 {
        let h = std::f64::consts::PI / ARC_TABLE_INTERVALS as f64;
        let phi = phi.clamp(0.0, std::f64::consts::PI);
        let k = ((phi / h) as usize).min(ARC_TABLE_INTERVALS - 1);
        let phi0 = k as f64 * h;
        self.table[k] + gauss_integral(|p| speed(self.a, self.b, p), phi0, phi)
    }

    /// φ of the meridian point at arc length `s` from the baseline (equator).
    fn phi_at(&self, s: f64) -> f64 {
        let total = self.table[ARC_TABLE_INTERVALS];
        let from_pole = (self.s_equator - s).clamp(0.0, total);
        let k = self.table.partition_point(|&t| t <= from_pole);
        let k = k.clamp(1, ARC_TABLE_INTERVALS) - 1;
        let h = std::f64::consts::PI / ARC_TABLE_INTERVALS as f64;
        let (t0, t1) = (self.table[k], self.table[k + 1]);
        let frac = if t1 > t0 {
            (from_pole - t0) / (t1 - t0)
        } else {
            0.0
        };
        let lo = k as f64 * h;
        let hi = lo + h;
        let mut phi = lo + frac * h;
        for _ in 0..6 {
            let f = self.arc_from_pole(phi) - from_pole;
            let d = speed(self.a, self.b, phi);
            if d <= 0.0 {
                break;
            }
            let step = f / d;
            phi = (phi - step).clamp(lo, hi);
            if step.abs() < 1e-15 {
                break;
            }
        }
        phi
    }

    fn s_of_phi(&self, phi: f64) -> f64 {
        self.s_equator - self.arc_from_pole(phi)
    }
}

fn speed(a: f64, b: f64, phi: f64) -> f64 {
    let (sin, cos) = phi.sin_cos();
    (a * a * sin * sin + b * b * cos * cos).sqrt()
}

fn gauss_integral(f: impl Fn(f64) -> f64, x0: f64, x1: f64) -> f64 {
    let half = 0.5 * (x1 - x0);
    let mid = 0.5 * (x1 + x0);
    GL8.iter().map(|&(x, w)| w * f(mid + half * x)).sum::<f64>() * half
}

impl Surface for Spheroid {
    fn describe(&self) -> String {
        format!("spheroid:{}x{}", fmt_mm(2.0 * self.a), fmt_mm(2.0 * self.b))
    }

    fn s_range(&self) -> (f64, f64) {
        (
            self.s_equator - self.table[ARC_TABLE_INTERVALS],
            self.s_equator,
        )
    }

    fn meridian(&self, s: f64) -> MeridianPoint {
        let phi = self.phi_at(s);
        let (sin, cos) = phi.sin_cos();
        let v = speed(self.a, self.b, phi);
        // d/dφ of (b sin φ, a cos φ) is (b cos φ, −a sin φ); s grows as φ shrinks.
        let dr_ds = -self.b * cos / v;
        let dz_ds = self.a * sin / v;
        MeridianPoint {
            r: self.b * sin,
            z: self.a * cos,
            dr_ds,
            dz_ds,
            curvature: self.a * self.b / (v * v * v),
        }
    }

    fn closest_meridian(&self, r: f64, z: f64) -> (f64, f64) {
        let (a, b) = (self.a, self.b);
        let inside = (r / b).powi(2) + (z / a).powi(2) < 1.0;
        // Minimise |P(φ) − q|² by Newton's method on its derivative, started from the
        // best of a coarse scan so that points deep inside pick the right branch.
        let g = |phi: f64| {
            let (sin, cos) = phi.sin_cos();
            let (dr, dz) = (b * sin - r, a * cos - z);
            dr * dr + dz * dz
        };
        let mut phi = (r / b).atan2(z / a);
        let mut best = g(phi);
        const SCAN: usize = 32;
        for k in 0..=SCAN {
            let p = std::f64::consts::PI * k as f64 / SCAN as f64;
            let v = g(p);
            if v < best {
                best = v;
                phi = p;
            }
        }
        for _ in 0..30 {
            let (sin, cos) = phi.sin_cos();
            let (pr, pz) = (b * sin, a * cos);
            let (d1r, d1z) = (b * cos, -a * sin);
            let (d2r, d2z) = (-b * sin, -a * cos);
            let f = (pr - r) * d1r + (pz - z) * d1z;
            let df = d1r * d1r + d1z * d1z + (pr - r) * d2r + (pz - z) * d2z;
            let step = if df > 1e-12 {
                f / df
            } else {
                f.signum() * 1e-3
            };
            let next = (phi - step.clamp(-0.2, 0.2)).clamp(0.0, std::f64::consts::PI);
            if (next - phi).abs() < 1e-15 {
                phi = next;
                break;
            }
            phi = next;
        }
        let dist = g(phi).sqrt();
        (self.s_of_phi(phi), if inside { -dist } else { dist })
    }

    fn size(&self) -> (f64, f64) {
        (2.0 * self.a, 2.0 * self.b)
    }
}

/// Formats a length in mm without trailing zeros.
pub(crate) fn fmt_mm(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A shell described on the command line or in a config, such as `spheroid:57x43`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum EggSpec {
    /// A spheroid of length × breadth (mm).
    Spheroid {
        /// Length along the axis (mm).
        length: f64,
        /// Largest breadth (mm).
        breadth: f64,
    },
    /// A sphere of the given diameter (mm).
    Sphere {
        /// Diameter (mm).
        diameter: f64,
    },
}

impl EggSpec {
    /// The default egg: a chicken-egg-sized spheroid, 57 mm × 43 mm.
    pub const DEFAULT: EggSpec = EggSpec::Spheroid {
        length: 57.0,
        breadth: 43.0,
    };

    /// Parses `spheroid:LxB`, `sphere:D` or the preset name `chicken`.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || CoreError::BadSpec {
            what: "egg".into(),
            given: text.into(),
            expected:
                "spheroid:LENGTHxBREADTH (mm, e.g. spheroid:57x43), sphere:DIAMETER, or chicken"
                    .into(),
        };
        let t = text.trim().to_ascii_lowercase();
        if t == "chicken" {
            return Ok(Self::DEFAULT);
        }
        let (kind, dims) = t.split_once(':').ok_or_else(bad)?;
        let nums: Vec<f64> = dims
            .split('x')
            .map(|n| n.trim().parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad())?;
        match (kind, nums.as_slice()) {
            ("spheroid", [l, b]) => Ok(Self::Spheroid {
                length: *l,
                breadth: *b,
            }),
            ("sphere", [d]) => Ok(Self::Sphere { diameter: *d }),
            _ => Err(bad()),
        }
    }

    /// Builds the surface this spec describes.
    pub fn build(&self) -> Result<Box<dyn Surface>> {
        Ok(match *self {
            EggSpec::Spheroid { length, breadth } => Box::new(Spheroid::new(length, breadth)?),
            EggSpec::Sphere { diameter } => Box::new(Spheroid::sphere(diameter)?),
        })
    }
}

impl Default for EggSpec {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl std::fmt::Display for EggSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            EggSpec::Spheroid { length, breadth } => {
                write!(f, "spheroid:{}x{}", fmt_mm(length), fmt_mm(breadth))
            }
            EggSpec::Sphere { diameter } => write!(f, "sphere:{}", fmt_mm(diameter)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::f64::consts::PI;

    #[test]
    fn sphere_arc_length_is_radius_times_angle() {
        let s = Spheroid::sphere(40.0).unwrap();
        let (lo, hi) = s.s_range();
        assert!((hi - 10.0 * PI).abs() < 1e-9, "{hi}");
        assert!((lo + 10.0 * PI).abs() < 1e-9, "{lo}");
        let m = s.meridian(20.0 * PI / 4.0);
        assert!((m.z - 20.0 * (PI / 4.0).sin()).abs() < 1e-9);
        assert!((m.curvature - 1.0 / 20.0).abs() < 1e-9);
    }

    #[test]
    fn spheroid_perimeter_matches_ramanujan() {
        // Ramanujan's second approximation is accurate to ~1e-9 relative for this shape.
        let s = Spheroid::new(57.0, 43.0).unwrap();
        let (lo, hi) = s.s_range();
        let (a, b) = (28.5f64, 21.5f64);
        let h = ((a - b) / (a + b)).powi(2);
        let perimeter = PI * (a + b) * (1.0 + 3.0 * h / (10.0 + (4.0 - 3.0 * h).sqrt()));
        assert!(((hi - lo) * 2.0 - perimeter).abs() < 1e-6);
    }

    #[test]
    fn parse_specs() {
        assert_eq!(EggSpec::parse("spheroid:57x43").unwrap(), EggSpec::DEFAULT);
        assert!(EggSpec::parse("spheroid:57").is_err());
        assert!(EggSpec::parse("cube:1").is_err());
        assert!(EggSpec::parse("spheroid:NaNx43").unwrap().build().is_err());
        assert_eq!(EggSpec::DEFAULT.to_string(), "spheroid:57x43");
    }

    proptest! {
        #[test]
        fn normal_is_orthogonal_to_tangents(theta in -PI..PI, s in -35.0f64..40.0) {
            let sur = Spheroid::new(57.0, 43.0).unwrap();
            let c = SurfaceCoord::new(theta, s);
            let n = sur.normal(c);
            let h = 1e-5;
            let ds = sur.point(SurfaceCoord::new(theta, s + h)) - sur.point(SurfaceCoord::new(theta, s - h));
            let dt = sur.point(SurfaceCoord::new(theta + h, s)) - sur.point(SurfaceCoord::new(theta - h, s));
            let (lo, hi) = sur.s_range();
            prop_assume!(s > lo + 1e-3 && s < hi - 1e-3);
            prop_assert!((ds.norm() / (2.0 * h) - 1.0).abs() < 1e-6, "arc length speed {}", ds.norm() / (2.0 * h));
            prop_assert!(n.dot(&ds).abs() < 1e-8 * ds.norm().max(1e-12) + 1e-9);
            prop_assert!(n.dot(&dt).abs() < 1e-8);
        }

        #[test]
        fn closest_point_recovers_offset(theta in -PI..PI, s in -33.0f64..33.0, d in -3.0f64..5.0) {
            let sur = Spheroid::new(57.0, 43.0).unwrap();
            let c = SurfaceCoord::new(theta, s);
            let (p, n) = sur.point_normal(c);
            let q = p + n.into_inner() * d;
            let cl = sur.closest(&q);
            prop_assert!((cl.signed_distance - d).abs() < 1e-9, "{} vs {}", cl.signed_distance, d);
            prop_assert!((cl.coord.s - s).abs() < 1e-7);
        }
    }
}
