//! One implementation of [`Surface`] for any smooth meridian curve given
//! parametrically, `(r(φ), z(φ))` for φ from 0 (the +Z pole) to π (the −Z pole).
//!
//! The spheroid, both egg models and measured profiles are instances. Arc length is
//! tabulated with 8-point Gauss–Legendre quadrature per interval, together with the
//! curve's speed at every node; between nodes it is the cubic Hermite interpolant of
//! those values and slopes (error below `h⁴/384 · max|s⁗|`, about 1e-12 mm on an egg
//! with 2048 intervals), which is cheap to evaluate and inverted exactly by Newton's
//! method on its own derivative; closest points come from a coarse scan of
//! the curve followed by a safeguarded Newton iteration on the exact second derivative.

use std::f64::consts::PI;
use std::fmt::Debug;

use crate::error::{CoreError, Result};

use super::{MeridianPoint, Surface};

/// Number of intervals in the arc-length table.
const ARC_TABLE_INTERVALS: usize = 2048;
/// Number of intervals of the coarse scan used to seed closest-point queries.
const SCAN_INTERVALS: usize = 512;
/// Scan points per group; each group has a bounding circle so that a query skips the
/// groups that cannot hold its nearest scan point.
const SCAN_GROUP: usize = 16;

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

/// Integrates `f` over `[x0, x1]` with one 8-point Gauss–Legendre panel.
pub(crate) fn gauss_integral(f: impl Fn(f64) -> f64, x0: f64, x1: f64) -> f64 {
    let half = 0.5 * (x1 - x0);
    let mid = 0.5 * (x1 + x0);
    GL8.iter().map(|&(x, w)| w * f(mid + half * x)).sum::<f64>() * half
}

/// A value with its first and second derivatives with respect to one parameter
/// (forward-mode automatic differentiation of order two), so that every meridian
/// formula gives exact normals and curvatures without hand-derived derivatives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Jet {
    pub(crate) v: f64,
    pub(crate) d1: f64,
    pub(crate) d2: f64,
}

impl Jet {
    pub(crate) fn variable(v: f64) -> Self {
        Self {
            v,
            d1: 1.0,
            d2: 0.0,
        }
    }

    pub(crate) fn sqrt(self) -> Self {
        let s = self.v.sqrt();
        let d1 = self.d1 / (2.0 * s);
        Self {
            v: s,
            d1,
            d2: (self.d2 - 2.0 * d1 * d1) / (2.0 * s),
        }
    }

    pub(crate) fn sin(self) -> Self {
        let (sin, cos) = self.v.sin_cos();
        Self {
            v: sin,
            d1: cos * self.d1,
            d2: -sin * self.d1 * self.d1 + cos * self.d2,
        }
    }

    pub(crate) fn cos(self) -> Self {
        let (sin, cos) = self.v.sin_cos();
        Self {
            v: cos,
            d1: -sin * self.d1,
            d2: -cos * self.d1 * self.d1 - sin * self.d2,
        }
    }
}

impl std::ops::Add for Jet {
    type Output = Jet;
    fn add(self, o: Jet) -> Jet {
        Jet {
            v: self.v + o.v,
            d1: self.d1 + o.d1,
            d2: self.d2 + o.d2,
        }
    }
}

impl std::ops::Sub for Jet {
    type Output = Jet;
    fn sub(self, o: Jet) -> Jet {
        Jet {
            v: self.v - o.v,
            d1: self.d1 - o.d1,
            d2: self.d2 - o.d2,
        }
    }
}

impl std::ops::Mul for Jet {
    type Output = Jet;
    fn mul(self, o: Jet) -> Jet {
        Jet {
            v: self.v * o.v,
            d1: self.d1 * o.v + self.v * o.d1,
            d2: self.d2 * o.v + 2.0 * self.d1 * o.d1 + self.v * o.d2,
        }
    }
}

impl std::ops::Div for Jet {
    type Output = Jet;
    fn div(self, o: Jet) -> Jet {
        let q = self.v / o.v;
        let d1 = (self.d1 - q * o.d1) / o.v;
        Jet {
            v: q,
            d1,
            d2: (self.d2 - 2.0 * d1 * o.d1 - q * o.d2) / o.v,
        }
    }
}

impl std::ops::Mul<Jet> for f64 {
    type Output = Jet;
    fn mul(self, o: Jet) -> Jet {
        Jet {
            v: self * o.v,
            d1: self * o.d1,
            d2: self * o.d2,
        }
    }
}

impl std::ops::Add<f64> for Jet {
    type Output = Jet;
    fn add(self, o: f64) -> Jet {
        Jet {
            v: self.v + o,
            ..self
        }
    }
}

impl std::ops::Sub<Jet> for f64 {
    type Output = Jet;
    fn sub(self, o: Jet) -> Jet {
        Jet {
            v: self - o.v,
            d1: -o.d1,
            d2: -o.d2,
        }
    }
}

/// A meridian point with its first and second derivatives with respect to the curve
/// parameter φ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// Distance from the axis (mm).
    pub r: f64,
    /// Height along Z (mm).
    pub z: f64,
    /// dr/dφ.
    pub dr: f64,
    /// dz/dφ.
    pub dz: f64,
    /// d²r/dφ².
    pub ddr: f64,
    /// d²z/dφ².
    pub ddz: f64,
}

impl CurvePoint {
    pub(crate) fn from_jets(r: Jet, z: Jet) -> Self {
        Self {
            r: r.v,
            z: z.v,
            dr: r.d1,
            dz: z.d1,
            ddr: r.d2,
            ddz: z.d2,
        }
    }

    fn speed(&self) -> f64 {
        self.dr.hypot(self.dz)
    }
}

/// A smooth meridian curve `(r(φ), z(φ))`, φ ∈ [0, π], from the +Z pole (φ = 0, the
/// pointed end) to the −Z pole, with `r = 0` at both ends and `r > 0` between, and a
/// nonzero speed everywhere (the curve meets the axis at right angles).
pub trait MeridianCurve: Debug + Send + Sync {
    /// The curve and its first two derivatives at `phi`.
    fn eval(&self, phi: f64) -> CurvePoint;
    /// A short description that [`crate::EggSpec::parse`] reads back.
    fn describe(&self) -> String;
    /// True when the shape must be convex (analytic models); measured profiles may
    /// have slight dents from noise.
    fn must_be_convex(&self) -> bool {
        true
    }
}

/// The surface of revolution of a [`MeridianCurve`] about Z, with the baseline
/// (`s = 0`) on the parallel of maximum breadth.
#[derive(Debug, Clone)]
pub struct Revolved<C> {
    curve: C,
    /// Arc length from the +Z pole at φ = k·π/N.
    table: Vec<f64>,
    /// The curve's speed `ds/dφ` at φ = k·π/N.
    speeds: Vec<f64>,
    /// φ of the parallel of maximum breadth.
    phi_base: f64,
    /// Arc length from the +Z pole to the baseline.
    s_base: f64,
    /// (r, z) at φ = k·π/SCAN_INTERVALS, for seeding closest-point queries.
    scan: Vec<(f64, f64)>,
    /// Bounding circle `(r, z, radius)` of each run of [`SCAN_GROUP`] scan points.
    scan_groups: Vec<(f64, f64, f64)>,
    length: f64,
    breadth: f64,
}

impl<C: MeridianCurve> Revolved<C> {
    /// Builds the surface, checking that the curve is a closed, regular meridian.
    pub fn from_curve(curve: C) -> Result<Self> {
        let what = curve.describe();
        let bad = |reason: String| CoreError::BadShape {
            shape: what.clone(),
            reason,
        };
        let h = PI / ARC_TABLE_INTERVALS as f64;
        let scale = {
            let p = curve.eval(0.0);
            let q = curve.eval(PI);
            (p.z - q.z).abs()
        };
        if !(scale.is_finite() && scale > 0.0) {
            return Err(bad("its two poles coincide or are not finite".into()));
        }
        let mut r_max: f64 = 0.0;
        let mut k_max = 0;
        for k in 0..=ARC_TABLE_INTERVALS {
            let phi = k as f64 * h;
            let p = curve.eval(phi);
            let vals = [p.r, p.z, p.dr, p.dz, p.ddr, p.ddz];
            if !crate::math::all_finite(&vals) {
                return Err(bad(format!("it is not finite at φ = {phi:.4}")));
            }
            let end = k == 0 || k == ARC_TABLE_INTERVALS;
            if end && p.r.abs() > 1e-9 * scale {
                return Err(bad("it does not close on the axis at its poles".into()));
            }
            if !end && p.r <= 0.0 {
                return Err(bad(format!("it touches the axis at z = {:.3} mm", p.z)));
            }
            if p.speed() < 1e-9 * scale {
                return Err(bad(format!("it has a cusp at z = {:.3} mm", p.z)));
            }
            let curvature = p.dz * p.ddr - p.dr * p.ddz;
            if curve.must_be_convex() && curvature <= 0.0 {
                return Err(bad(format!(
                    "it is not convex near z = {:.3} mm; choose parameters that give an egg shape",
                    p.z
                )));
            }
            if p.r > r_max {
                r_max = p.r;
                k_max = k;
            }
        }
        let speeds = (0..=ARC_TABLE_INTERVALS)
            .map(|k| curve.eval(k as f64 * h).speed())
            .collect();
        let mut table = Vec::with_capacity(ARC_TABLE_INTERVALS + 1);
        table.push(0.0);
        let mut acc = 0.0;
        for k in 0..ARC_TABLE_INTERVALS {
            acc += gauss_integral(
                |phi| curve.eval(phi).speed(),
                k as f64 * h,
                (k + 1) as f64 * h,
            );
            table.push(acc);
        }
        // The baseline: r'(φ) = 0 near the largest sampled radius, by safeguarded Newton.
        let lo = (k_max.max(1) - 1) as f64 * h;
        let hi = ((k_max + 1).min(ARC_TABLE_INTERVALS)) as f64 * h;
        let phi_base = safe_newton(
            |phi| {
                let p = curve.eval(phi);
                (p.dr, p.ddr)
            },
            lo,
            hi,
            k_max as f64 * h,
        );
        let scan: Vec<(f64, f64)> = (0..=SCAN_INTERVALS)
            .map(|k| {
                let p = curve.eval(PI * k as f64 / SCAN_INTERVALS as f64);
                (p.r, p.z)
            })
            .collect();
        let scan_groups = bounding_circles(&scan);
        let length = curve.eval(0.0).z - curve.eval(PI).z;
        let breadth = 2.0 * curve.eval(phi_base).r;
        let mut s = Self {
            curve,
            table,
            speeds,
            phi_base,
            s_base: 0.0,
            scan,
            scan_groups,
            length,
            breadth,
        };
        s.s_base = s.arc_from_pole(phi_base);
        Ok(s)
    }

    /// The meridian curve.
    pub fn curve(&self) -> &C {
        &self.curve
    }

    /// φ of the baseline parallel (maximum breadth).
    pub fn baseline_phi(&self) -> f64 {
        self.phi_base
    }

    /// Arc length from the +Z pole at `phi` and its derivative, from the cubic Hermite
    /// interpolant of the table in `phi`'s interval.
    fn arc_and_speed(&self, phi: f64) -> (f64, f64) {
        let h = PI / ARC_TABLE_INTERVALS as f64;
        let phi = phi.clamp(0.0, PI);
        let k = ((phi / h) as usize).min(ARC_TABLE_INTERVALS - 1);
        self.hermite(k, (phi - k as f64 * h) / h)
    }

    /// The Hermite interpolant on interval `k` at fraction `t ∈ [0, 1]`: arc length and
    /// its derivative with respect to φ.
    fn hermite(&self, k: usize, t: f64) -> (f64, f64) {
        let h = PI / ARC_TABLE_INTERVALS as f64;
        let (value, slope) = crate::math::cubic_hermite(
            t,
            self.table[k],
            self.speeds[k] * h,
            self.table[k + 1],
            self.speeds[k + 1] * h,
        );
        (value, slope / h)
    }

    fn arc_from_pole(&self, phi: f64) -> f64 {
        self.arc_and_speed(phi).0
    }

    /// φ of the meridian point at arc length `s` from the baseline.
    pub fn phi_at(&self, s: f64) -> f64 {
        let total = self.table[ARC_TABLE_INTERVALS];
        let from_pole = (self.s_base - s).clamp(0.0, total);
        let k = self.table.partition_point(|&t| t <= from_pole);
        let k = k.clamp(1, ARC_TABLE_INTERVALS) - 1;
        let h = PI / ARC_TABLE_INTERVALS as f64;
        let (t0, t1) = (self.table[k], self.table[k + 1]);
        // Newton on the interval's interpolant, which is monotone (the speed is
        // positive and nearly constant across one interval), from the linear guess.
        let mut t = if t1 > t0 {
            (from_pole - t0) / (t1 - t0)
        } else {
            0.0
        };
        for _ in 0..8 {
            let (value, slope) = self.hermite(k, t);
            let d = slope * h;
            if d <= 0.0 {
                break;
            }
            let step = (value - from_pole) / d;
            t = (t - step).clamp(0.0, 1.0);
            if step.abs() < 1e-15 {
                break;
            }
        }
        k as f64 * h + t * h
    }

    /// Arc length from the baseline of the meridian point at `phi`.
    pub fn s_of_phi(&self, phi: f64) -> f64 {
        self.s_base - self.arc_from_pole(phi)
    }
}

/// Bounding circles `(r, z, radius)` of consecutive runs of [`SCAN_GROUP`] points
/// (centred on the run's bounding-box centre).
fn bounding_circles(points: &[(f64, f64)]) -> Vec<(f64, f64, f64)> {
    points
        .chunks(SCAN_GROUP)
        .map(|run| {
            let (mut lo, mut hi) = (
                (f64::INFINITY, f64::INFINITY),
                (f64::NEG_INFINITY, f64::NEG_INFINITY),
            );
            for &(r, z) in run {
                lo = (lo.0.min(r), lo.1.min(z));
                hi = (hi.0.max(r), hi.1.max(z));
            }
            let c = (0.5 * (lo.0 + hi.0), 0.5 * (lo.1 + hi.1));
            let radius = run
                .iter()
                .map(|&(r, z)| (r - c.0).hypot(z - c.1))
                .fold(0.0, f64::max);
            (c.0, c.1, radius)
        })
        .collect()
}

/// Index of the first scan point nearest to `(r, z)`: the same answer as a plain scan
/// of every point, visiting only the groups whose bounding circle could hold a point
/// nearer than the best found so far.
fn nearest_scan_point(points: &[(f64, f64)], groups: &[(f64, f64, f64)], r: f64, z: f64) -> usize {
    let dist2 = |&(pr, pz): &(f64, f64)| (pr - r) * (pr - r) + (pz - z) * (pz - z);
    // A first bound from the group whose centre is nearest.
    let mut best = f64::INFINITY;
    let mut nearest_group = 0;
    for (g, &(cr, cz, _)) in groups.iter().enumerate() {
        let d = (cr - r) * (cr - r) + (cz - z) * (cz - z);
        if d < best {
            best = d;
            nearest_group = g;
        }
    }
    let start = nearest_group * SCAN_GROUP;
    best = points[start..(start + SCAN_GROUP).min(points.len())]
        .iter()
        .map(dist2)
        .fold(f64::INFINITY, f64::min);
    // Then every group in order whose circle could hold a point at most that far, so
    // that ties go to the first index as in a plain scan. A group is skipped when its
    // centre is farther than its radius plus √best (compared squared).
    let mut k_best = 0;
    let mut found = f64::INFINITY;
    let mut reach = best.sqrt();
    for (g, &(cr, cz, radius)) in groups.iter().enumerate() {
        let d2 = (cr - r) * (cr - r) + (cz - z) * (cz - z);
        let limit = radius + reach;
        if d2 > limit * limit * (1.0 + 1e-12) {
            continue;
        }
        let start = g * SCAN_GROUP;
        for (k, p) in points[start..(start + SCAN_GROUP).min(points.len())]
            .iter()
            .enumerate()
        {
            let d = dist2(p);
            if d < found {
                found = d;
                k_best = start + k;
            }
        }
        if found < best {
            best = found;
            reach = best.sqrt();
        }
    }
    k_best
}

/// Finds a root of `f` in `[lo, hi]` by Newton's method, falling back to bisection
/// when a step leaves the bracket (Numerical Recipes' `rtsafe`). `f` returns the value
/// and its derivative. Without a sign change it runs plain clamped Newton from `start`.
fn safe_newton(f: impl Fn(f64) -> (f64, f64), mut lo: f64, mut hi: f64, start: f64) -> f64 {
    let (flo, _) = f(lo);
    let (fhi, _) = f(hi);
    let bracketed = flo.signum() != fhi.signum() || flo == 0.0 || fhi == 0.0;
    if flo == 0.0 {
        return lo;
    }
    if fhi == 0.0 {
        return hi;
    }
    let increasing = fhi > flo;
    let mut x = start.clamp(lo, hi);
    for _ in 0..60 {
        let (fx, dfx) = f(x);
        if fx == 0.0 {
            return x;
        }
        if bracketed {
            if (fx < 0.0) == increasing {
                lo = x;
            } else {
                hi = x;
            }
        }
        let newton = if dfx != 0.0 { x - fx / dfx } else { f64::NAN };
        let next = if newton.is_finite() && newton > lo && newton < hi {
            newton
        } else if bracketed {
            0.5 * (lo + hi)
        } else {
            newton.clamp(lo, hi)
        };
        if !next.is_finite() {
            return x;
        }
        if (next - x).abs() < 1e-15 {
            return next;
        }
        x = next;
    }
    x
}

impl<C: MeridianCurve> Surface for Revolved<C> {
    fn describe(&self) -> String {
        self.curve.describe()
    }

    fn s_range(&self) -> (f64, f64) {
        (self.s_base - self.table[ARC_TABLE_INTERVALS], self.s_base)
    }

    fn meridian(&self, s: f64) -> MeridianPoint {
        let phi = self.phi_at(s);
        let p = self.curve.eval(phi);
        let v = p.speed();
        // s grows as φ shrinks.
        MeridianPoint {
            r: p.r.max(0.0),
            z: p.z,
            dr_ds: -p.dr / v,
            dz_ds: -p.dz / v,
            curvature: (p.dz * p.ddr - p.dr * p.ddz) / (v * v * v),
        }
    }

    fn closest_meridian(&self, r: f64, z: f64) -> (f64, f64) {
        let n = SCAN_INTERVALS;
        let k_best = nearest_scan_point(&self.scan, &self.scan_groups, r, z);
        let h = PI / n as f64;
        let lo = k_best.saturating_sub(1) as f64 * h;
        let hi = (k_best + 1).min(n) as f64 * h;
        // Stationary points of |P(φ) − q|²/2: f = (P − q)·P', f' = |P'|² + (P − q)·P''.
        let f = |phi: f64| {
            let p = self.curve.eval(phi);
            let (er, ez) = (p.r - r, p.z - z);
            (
                (
                    er * p.dr + ez * p.dz,
                    p.dr * p.dr + p.dz * p.dz + er * p.ddr + ez * p.ddz,
                ),
                p,
            )
        };
        // Plain Newton from the nearest scan point first: the root is within one scan
        // interval and f' > 0 there, so it converges in a few steps; anything else
        // (a step out of the bracket, no convergence) goes to the safeguarded search.
        let mut phi = k_best as f64 * h;
        let mut found = None;
        for _ in 0..8 {
            let ((fx, dfx), p) = f(phi);
            if fx == 0.0 {
                found = Some((phi, p));
                break;
            }
            let next = phi - fx / dfx;
            if !(dfx > 0.0 && next >= lo && next <= hi) {
                break;
            }
            if (next - phi).abs() < 1e-15 {
                found = Some((next, self.curve.eval(next)));
                break;
            }
            phi = next;
        }
        let (phi, p) = found.unwrap_or_else(|| {
            let phi = safe_newton(|phi| f(phi).0, lo, hi, k_best as f64 * h);
            (phi, self.curve.eval(phi))
        });
        let (er, ez) = (r - p.r, z - p.z);
        let dist = (er * er + ez * ez).sqrt();
        // Outward normal in the (r, z) half-plane: (−z', r')/|P'| (φ runs toward −Z).
        let outward = -er * p.dz + ez * p.dr;
        (self.s_of_phi(phi), if outward < 0.0 { -dist } else { dist })
    }

    fn size(&self) -> (f64, f64) {
        (self.length, self.breadth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_scan_finds_the_same_point_as_a_plain_scan() {
        let points: Vec<(f64, f64)> = (0..=SCAN_INTERVALS)
            .map(|k| {
                let phi = PI * k as f64 / SCAN_INTERVALS as f64;
                (21.5 * phi.sin(), 28.5 * phi.cos())
            })
            .collect();
        let groups = bounding_circles(&points);
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20_000 {
            let (r, z) = (next() * 60.0 - 10.0, next() * 90.0 - 45.0);
            let plain = points
                .iter()
                .enumerate()
                .fold((0, f64::INFINITY), |acc, (k, &(pr, pz))| {
                    let d = (pr - r).powi(2) + (pz - z).powi(2);
                    if d < acc.1 {
                        (k, d)
                    } else {
                        acc
                    }
                })
                .0;
            assert_eq!(
                nearest_scan_point(&points, &groups, r, z),
                plain,
                "({r}, {z})"
            );
        }
    }
}
