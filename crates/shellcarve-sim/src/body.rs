//! The tool as a solid, and the exact deepest point of a straight sweep along a line.
//!
//! Every tool is the convex solid of revolution its [`ToolProfile`] describes, from its
//! tip up to `length` mm: an optional ball at the tip (a sphere of radius `r` centred
//! `r` above the tip) and a cone frustum `ρ(h) = min(c0 + k·h, r_max)` from the height
//! where the ball ends, which widens to the shank radius and continues as a cylinder.
//! Ball end mill: sphere plus cylinder; flat end mill: cylinder with a flat bottom;
//! V-bit: cone frustum (tip flat of width `w`, half-angle `α`) plus shank; tapered
//! ball: sphere, then the cone tangent to it, then the shank. The sphere lies inside
//! the solid (the cone or cylinder above its tangent circle contains its upper part),
//! so the solid is the union of the whole sphere and the frustum, both convex. A
//! convex solid swept along a straight segment at a fixed orientation is convex (it is
//! the Minkowski sum of the solid and the segment), so along a line each swept piece
//! is one interval; the deepest point of the tool's sweep is the larger of the two far
//! ends. No code here depends on the kind of tool: a new shape needs only a profile.

use shellcarve_core::{Tool, ToolProfile, Vector3};

use crate::SimError;

/// Feasibility slack for candidate points (mm, and the same for the unitless `u`).
const FEAS_TOL: f64 = 1e-9;

/// A convex frustum-with-cylinder profile `ρ(h) = min(c0 + k·h, r_max)` on
/// `h ∈ [h_lo, h_hi]` (heights above the tip along the axis).
#[derive(Debug, Clone, Copy)]
struct Frustum {
    c0: f64,
    k: f64,
    r_max: f64,
    h_lo: f64,
    h_hi: f64,
}

/// The solid model of a tool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Body {
    /// Radius of the ball at the tip (a sphere centred that far above the tip).
    ball: Option<f64>,
    /// The conical/cylindrical part.
    frustum: Frustum,
}

/// One straight sweep at a fixed orientation, relative to a texel: `w = P − p0` (texel
/// point minus the start tip), `n` the texel's outward normal, `d` the tip
/// displacement, `a` the unit tool axis.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SweepQuery {
    pub(crate) w: Vector3,
    pub(crate) n: Vector3,
    pub(crate) d: Vector3,
    pub(crate) a: Vector3,
}

impl Body {
    /// The solid model of `tool`, `length` mm long from the tip.
    pub(crate) fn new(tool: &Tool, length: f64) -> Result<Self, SimError> {
        Self::from_profile(&tool.profile(), length).ok_or_else(|| SimError::UnsupportedTool {
            tool: tool.to_string(),
        })
    }

    /// The solid of `p`, `length` mm long from the tip; `None` when the profile is not
    /// a convex one this model covers (a ball that sticks out of the cone or shank
    /// above it, a radius that shrinks with height, numbers that are not finite).
    fn from_profile(p: &ToolProfile, length: f64) -> Option<Self> {
        let length = length.max(1e-6);
        let finite = [
            p.cone_start,
            p.cone_start_radius,
            p.cone_slope,
            p.shank_radius,
        ]
        .iter()
        .chain(p.ball_radius.iter())
        .all(|v| v.is_finite());
        if !finite
            || p.cone_start < 0.0
            || p.cone_start_radius < 0.0
            || p.cone_slope < 0.0
            || p.shank_radius < p.cone_start_radius
        {
            return None;
        }
        if let Some(r) = p.ball_radius {
            // The sphere must end where the cone begins (at or below its equator),
            // meet the cone there, and stay inside the cone and the shank above.
            let at_start = (r * r - (r - p.cone_start).powi(2)).max(0.0).sqrt();
            let tol = 1e-9 * r.max(1.0);
            let slope_ok = if p.cone_start >= r - tol {
                p.cone_slope >= 0.0
            } else {
                // Tangent or wider: the cone's slope at least the sphere's there.
                let sphere_slope = (r - p.cone_start) / at_start.max(1e-300);
                p.cone_slope >= sphere_slope - 1e-6
            };
            if !(r > 0.0
                && p.cone_start <= r + tol
                && (at_start - p.cone_start_radius).abs() <= tol
                && p.shank_radius >= r - tol
                && slope_ok)
            {
                return None;
            }
        } else if p.cone_start > 0.0 {
            return None;
        }
        Some(Self {
            ball: p.ball_radius,
            frustum: Frustum {
                c0: p.cone_start_radius - p.cone_slope * p.cone_start,
                k: p.cone_slope,
                r_max: p.shank_radius,
                h_lo: p.cone_start,
                h_hi: length.max(p.cone_start),
            },
        })
    }

    /// Modelled length from the tip (mm).
    pub(crate) fn length(&self) -> f64 {
        self.frustum.h_hi
    }

    /// Radius of the solid at height `h` above the tip (mm); non-decreasing in `h`.
    pub(crate) fn radius_at(&self, h: f64) -> f64 {
        let f = &self.frustum;
        if let Some(r) = self.ball {
            if h < f.h_lo {
                let h = h.clamp(0.0, r);
                return (r * r - (r - h) * (r - h)).max(0.0).sqrt();
            }
        }
        (f.c0 + f.k * h.max(0.0)).min(f.r_max)
    }

    /// Largest `t` such that `P − t·n` lies in the volume swept by the tool as its tip
    /// goes from `p0` to `p0 + d` with axis `a`; `None` when the line misses it.
    /// Exact up to floating point (closed-form quadratics, no iteration).
    #[cfg(test)]
    pub(crate) fn deepest(&self, q: &SweepQuery) -> Option<f64> {
        self.deepest_above(q, f64::NEG_INFINITY)
    }

    /// [`Body::deepest`] for a caller that only needs answers above `floor`: the same
    /// value whenever that value exceeds `floor`; otherwise `None` or some value at
    /// most `floor`. Parts of the tool that cannot reach below `floor` on the line, by
    /// cheap bounds (height along the axis, distance across the plane of the sweep and,
    /// for the frustum, the sweep's extent sideways in that plane), are skipped without
    /// solving for them.
    #[cfg(test)]
    pub(crate) fn deepest_above(&self, q: &SweepQuery, floor: f64) -> Option<f64> {
        self.deepest_above_in(q, floor, &PreparedSweep::of(&q.a, &q.d))
    }

    /// [`Body::deepest_above`] with the sweep's [`PreparedSweep`] worked out once for all
    /// the texels it is asked about.
    pub(crate) fn deepest_above_in(
        &self,
        q: &SweepQuery,
        floor: f64,
        plane: &PreparedSweep,
    ) -> Option<f64> {
        let across = plane.across(q);
        let ball = self.ball.and_then(|r| {
            across
                .may_reach(r, floor, f64::INFINITY)
                .then(|| capsule_deepest(&(q.w - q.a * r), &q.n, plane.direction, r))
                .flatten()
        });
        let floor = ball.map_or(floor, |b| b.max(floor));
        let f = &self.frustum;
        let (na, da) = (q.n.dot(&q.a), q.d.dot(&q.a));
        // Frustum points have h = h0 − t·na − u·da ≥ h_lo, so with na > 0 their depth
        // t is at most this (slack as in the feasibility test).
        let t_max = if na > 1e-3 {
            (q.w.dot(&q.a) + (-da).max(0.0) + FEAS_TOL * (2.0 + da.abs()) - f.h_lo) / na
        } else {
            f64::INFINITY
        };
        // Below that depth bound the line's frustum points are no higher than this
        // (the profile's radius grows with height, so it bounds their radius).
        let reach = if na > 1e-3 && floor.is_finite() {
            let h_top = q.w.dot(&q.a) - floor * na + (-da).max(0.0) + FEAS_TOL * (2.0 + da.abs());
            (f.c0 + f.k * h_top.max(0.0)).min(f.r_max) + FEAS_TOL
        } else {
            f.r_max
        };
        // When that radius stays below the shank's, the shank's cylinder cannot bound
        // any point deeper than the floor, and only the cone is solved.
        let with_shank = reach >= f.r_max;
        let may_reach = t_max > floor
            && across.may_reach(reach, floor, t_max)
            && plane.sideways_reach(q, reach, floor, t_max);
        let frustum = may_reach
            .then(|| frustum_deepest(f, q, with_shank))
            .flatten();
        match (frustum, ball) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, y) => x.or(y),
        }
    }
}

/// What the texels of one sweep share: the sweep's plane, spanned by the axis `a` and
/// the motion `d` through the start tip (every point of the tool's sweep lies within
/// the tool's radius of it), the direction in that plane across the axis, and the
/// motion's direction and length.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PreparedSweep {
    /// The plane's unit normal `m`, or `None` when the motion is (nearly) along the
    /// axis or zero.
    normal: Option<Vector3>,
    /// The unit part `e` of the motion across the axis and the motion's length along
    /// it, `d·e`, or `None` with the plane: every point of the sweep lies from `−ρ`
    /// to `d·e + ρ` along `e` from the start tip, `ρ` the tool's radius there.
    sideways: Option<(Vector3, f64)>,
    /// The motion's unit direction and length, or `None` for a motion too short to
    /// have one.
    direction: Option<(Vector3, f64)>,
}

impl PreparedSweep {
    /// The prepared sweep with axis `a` and motion `d`.
    pub(crate) fn of(a: &Vector3, d: &Vector3) -> Self {
        let m = a.cross(d);
        let len = m.norm();
        let dd = d.norm_squared();
        let normal = (len > 1e-9 * d.norm().max(1e-300) && len > 1e-12).then(|| m / len);
        Self {
            normal,
            sideways: normal.map(|m| {
                // Across the axis in the plane; `d·e` is `|a × d|` for a unit axis.
                let e = m.cross(a);
                (e, d.dot(&e))
            }),
            direction: (dd > 1e-24).then(|| {
                let dlen = dd.sqrt();
                (d / dlen, dlen)
            }),
        }
    }

    /// Where the texel's line crosses the plane's offsets.
    fn across(&self, q: &SweepQuery) -> Across {
        Across {
            offset: self.normal.map(|m| (m.dot(&q.w), m.dot(&q.n))),
        }
    }

    /// False only when no point of the texel's line with `t` in `[t_lo, t_hi]` lies
    /// within `radius` (plus slack, and the feasibility slack on `u`) of the sweep's
    /// extent along `e` (the line point at depth `t` lies `e·w − t·e·n` along it from
    /// the start tip).
    fn sideways_reach(&self, q: &SweepQuery, radius: f64, t_lo: f64, t_hi: f64) -> bool {
        self.sideways.is_none_or(|(e, de)| {
            let slack = radius + 1e-7 + FEAS_TOL * de;
            line_meets(e.dot(&q.w), e.dot(&q.n), -slack, de + slack, t_lo, t_hi)
        })
    }
}

/// Slack on the bounds of [`SweepReach`] (mm): far above the rounding of the
/// millimetre-sized numbers involved and the solver's own feasibility slack.
const REACH_SLACK: f64 = 1e-6;

/// Smallest `n·a` (cosine between a texel's normal and the tool axis) for which
/// [`SweepReach`] bounds the depth along the normal; below it nothing is ruled out.
const REACH_MIN_COS: f64 = 0.2;

/// The empty range of [`SweepReach::span`]: above any bound and below any other.
const NOTHING: (f64, f64) = (f64::INFINITY, f64::NEG_INFINITY);

/// A parallel of texels: radius `r` and height `z` of its points, and the meridian
/// components `(nr, nz)` of their outward normals. The texel at longitude `θ` lies at
/// `(r cos θ, r sin θ, z)` with normal `(nr cos θ, nr sin θ, nz)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parallel {
    pub(crate) r: f64,
    pub(crate) z: f64,
    pub(crate) nr: f64,
    pub(crate) nz: f64,
}

/// Which texels of a parallel a sweep can cut deeper than the surface, by bounds
/// that hold for every tool point rather than by solving for each texel.
///
/// A point `x = P − t·n` (`t > 0`) of the swept solid has height
/// `h = (P − p0)·a − t·n·a − u·d·a ≥ 0` above its tip, so with `n·a > 0` its depth is
/// at most `t ≤ H / n·a` and its height `h ≤ H`, `H = (P − p0)·a + max(0, −d·a)`.
/// Across the axis it lies within the tool's radius `ρ(h) ≤ ρ(H)` of the tip's
/// path, and `P` lies within `t·|n_⊥|` of it there (`n_⊥` the part of `n` across the
/// axis). So along any unit `v` across the axis `v·(P − p0)` lies within
/// `ρ(H) + t·|n_⊥|` of the range `u·d·v`, `u ∈ [0, 1]`; a texel outside that cannot
/// be cut.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SweepReach {
    /// The unit axis and `a·p0`.
    a: (Vector3, f64),
    /// `−d·a` where positive (the most the motion lowers a point's height), with slack.
    lowering: f64,
    /// Two orthonormal directions `v` across the axis (the first along the motion's
    /// part across it when there is one) with `v·p0`, and the motion's length along
    /// each.
    across: [(Vector3, f64, f64); 2],
    /// The length of the motion across the axis.
    len: f64,
}

impl SweepReach {
    /// The bounds of the sweep from tip `p0` along `d` with unit axis `a`.
    pub(crate) fn of(p0: &Vector3, d: &Vector3, a: &Vector3) -> Self {
        let da = d.dot(a);
        let side = d - a * da;
        let e = side.try_normalize(1e-12).unwrap_or_else(|| {
            let helper = if a.x.abs() < 0.9 {
                Vector3::x()
            } else {
                Vector3::y()
            };
            a.cross(&helper).normalize()
        });
        let m = a.cross(&e);
        let (de, dm) = (d.dot(&e), d.dot(&m));
        Self {
            a: (*a, a.dot(p0)),
            lowering: (-da).max(0.0) + FEAS_TOL * (1.0 + da.abs()),
            across: [(e, e.dot(p0), de), (m, m.dot(p0), dm)],
            len: de.hypot(dm),
        }
    }

    /// The longitudes `θc + φ` of `parallel` the sweep may cut, as a range of `φ`
    /// ([`NOTHING`] when none; it may extend past `±phi_max`), for texels with
    /// `|φ| ≤ phi_max`; `(sin θc, cos θc)` is `centre`. The trigonometry is expanded
    /// about `θc` with its remainder bounded over `±phi_max`.
    pub(crate) fn span(
        &self,
        body: &Body,
        parallel: &Parallel,
        centre: (f64, f64),
        phi_max: f64,
    ) -> (f64, f64) {
        let everything = (f64::NEG_INFINITY, f64::INFINITY);
        let Parallel { r, z, nr, nz } = *parallel;
        let (sin, cos) = centre;
        let (phi2, phi3) = (0.5 * phi_max * phi_max, phi_max * phi_max * phi_max / 6.0);
        // v·(P(θc + φ) − p0) = f0 + slope·φ within ±err over |φ| ≤ phi_max.
        let expand = |(v, vp0): (Vector3, f64)| {
            let (alpha, beta) = (v.x * cos + v.y * sin, v.y * cos - v.x * sin);
            let f0 = r * alpha + v.z * z - vp0;
            let err = r.abs() * (alpha.abs() * phi2 + beta.abs() * phi3);
            (f0, r * beta, err, alpha, beta)
        };
        let (fa, slope_a, err_a, alpha_a, beta_a) = expand(self.a);
        let cos_min = nr * alpha_a + nz * self.a.0.z
            - nr.abs() * (beta_a.abs() * phi_max + alpha_a.abs() * phi2 + beta_a.abs() * phi3);
        if cos_min.is_nan() || cos_min < REACH_MIN_COS {
            return everything;
        }
        let height = fa + slope_a.abs() * phi_max + err_a + self.lowering + REACH_SLACK;
        if !height.is_finite() {
            return everything;
        }
        if height < 0.0 {
            return NOTHING;
        }
        let depth = height / cos_min;
        let n_across = (nr * nr + nz * nz - cos_min * cos_min).max(0.0).sqrt();
        let reach = body.radius_at(height) + depth * n_across + 2.0 * REACH_SLACK;
        let [(e, ep0, de), (m, mp0, dm)] = self.across;
        let ((fe, se, err_e, _, _), (fm, sm, err_m, _, _)) = (expand((e, ep0)), expand((m, mp0)));
        // Within `reach` of the range `u·d·v` along each direction…
        let mut span = everything;
        for (f0, slope, err, dv) in [(fe, se, err_e, de), (fm, sm, err_m, dm)] {
            let slack = reach + err + FEAS_TOL * dv.abs();
            match linear_span(f0, slope, dv.min(0.0) - slack, dv.max(0.0) + slack) {
                Some(s) => span = (span.0.max(s.0), span.1.min(s.1)),
                None => return NOTHING,
            }
        }
        // …and within `reach` of the path's segment itself (its rounded ends), the
        // errors of both directions added to the radius.
        let len = self.len;
        let radius = reach + err_e + err_m + FEAS_TOL * len;
        let disc = |cx: f64, cy: f64, radius: f64| {
            let (gx, gy) = (fe - cx, fm - cy);
            quadratic_span(
                se * se + sm * sm,
                2.0 * (gx * se + gy * sm),
                gx * gx + gy * gy - radius * radius,
            )
        };
        let pieces = if len > 1e-9 {
            let (ux, uy) = (de / len, dm / len);
            let along = linear_span(fe * ux + fm * uy, se * ux + sm * uy, 0.0, len);
            let side = linear_span(fm * ux - fe * uy, sm * ux - se * uy, -radius, radius);
            let beside = along
                .zip(side)
                .map(|(a, b)| (a.0.max(b.0), a.1.min(b.1)))
                .filter(|s| s.0 <= s.1);
            [disc(0.0, 0.0, radius), disc(de, dm, radius), beside]
        } else {
            [disc(0.0, 0.0, radius + len), None, None]
        };
        let hull = pieces
            .into_iter()
            .flatten()
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
        match hull {
            Some(h) => (span.0.max(h.0), span.1.min(h.1)),
            None => NOTHING,
        }
    }
}

/// The `φ` with `f0 + slope·φ` in `[lo, hi]`: `None` when there is none, everything
/// when the bounds are not numbers (nothing is ruled out then).
fn linear_span(f0: f64, slope: f64, lo: f64, hi: f64) -> Option<(f64, f64)> {
    let everything = (f64::NEG_INFINITY, f64::INFINITY);
    if slope == 0.0 {
        return (!(f0 < lo || f0 > hi)).then_some(everything);
    }
    let (x, y) = ((lo - f0) / slope, (hi - f0) / slope);
    if x.is_finite() && y.is_finite() {
        Some((x.min(y), x.max(y)))
    } else {
        Some(everything)
    }
}

/// The `φ` with `a·φ² + b·φ + c ≤ 0` for `a > 0`: `None` when there is none,
/// everything when `a` is too small (or any number not finite) to rule anything out.
fn quadratic_span(a: f64, b: f64, c: f64) -> Option<(f64, f64)> {
    let everything = (f64::NEG_INFINITY, f64::INFINITY);
    if !(a > 1e-12 && b.is_finite() && c.is_finite()) {
        return Some(everything);
    }
    let disc = b * b - 4.0 * a * c;
    if disc < 0.0 {
        return None;
    }
    // Numerically stable form (Numerical Recipes §5.6); `q` is 0 only for `b = c = 0`.
    let q = -0.5 * (b + b.signum() * disc.sqrt());
    let (x, y) = if q == 0.0 { (0.0, 0.0) } else { (q / a, c / q) };
    if x.is_finite() && y.is_finite() {
        Some((x.min(y), x.max(y)))
    } else {
        Some(everything)
    }
}

/// The line's offset across the plane of a sweep: the line point at depth `t` lies
/// `m·w − t·m·n` from it.
#[derive(Debug, Clone, Copy)]
struct Across {
    /// `(m·w, m·n)`, or `None` when the sweep has no plane.
    offset: Option<(f64, f64)>,
}

impl Across {
    /// False only when no line point with `t` in `[t_lo, t_hi]` lies within `radius`
    /// (plus slack) of the plane.
    fn may_reach(&self, radius: f64, t_lo: f64, t_hi: f64) -> bool {
        let radius = radius + 1e-7;
        self.offset
            .is_none_or(|(mw, mn)| line_meets(mw, mn, -radius, radius, t_lo, t_hi))
    }
}

/// Whether `c − t·k` lies in `[lo, hi]` for some `t` in `[t_lo, t_hi]`.
fn line_meets(c: f64, k: f64, lo: f64, hi: f64, t_lo: f64, t_hi: f64) -> bool {
    if k.abs() < 1e-300 {
        return (lo..=hi).contains(&c);
    }
    let (a, b) = ((c - hi) / k, (c - lo) / k);
    let (first, last) = (a.min(b), a.max(b));
    first <= t_hi && last >= t_lo
}

/// The larger root of `a·t² + b·t + c = 0` and the smaller, when real.
fn roots(a: f64, b: f64, c: f64) -> Option<(f64, f64)> {
    let scale = a.abs().max(b.abs()).max(c.abs());
    if scale == 0.0 || !scale.is_finite() {
        return None;
    }
    if a.abs() <= 1e-14 * scale {
        if b.abs() <= 1e-14 * scale {
            return None;
        }
        let t = -c / b;
        return Some((t, t));
    }
    let disc = b * b - 4.0 * a * c;
    if disc < 0.0 {
        return None;
    }
    // Numerically stable form (Numerical Recipes §5.6).
    let qq = -0.5 * (b + b.signum() * disc.sqrt());
    let (x1, x2) = if qq == 0.0 {
        (0.0, 0.0)
    } else {
        (qq / a, c / qq)
    };
    Some((x1.max(x2), x1.min(x2)))
}

/// Deepest point of a line `w − t·n` (relative to the first sphere centre) in the
/// capsule of radius `r` around the segment from there along `direction` (unit
/// vector, length), or the one sphere when there is no direction. Everything follows
/// from five dot products: `w·w`, `w·n`, `n·n`, `w·e`, `n·e`.
///
/// The capsule lies inside the infinite cylinder around its axis, so the line leaves
/// the capsule where it leaves the cylinder when that point lies beside the segment;
/// otherwise it leaves through the end sphere on that side (along the line the
/// position along the axis is linear in `t`). One cylinder root and at most one
/// sphere root, except for a line along the axis, which takes both spheres.
fn capsule_deepest(
    w: &Vector3,
    n: &Vector3,
    direction: Option<(Vector3, f64)>,
    r: f64,
) -> Option<f64> {
    let (ww, wn, nn) = (w.norm_squared(), w.dot(n), n.norm_squared());
    let rr = r * r;
    let near = || roots(nn, -2.0 * wn, ww - rr).map(|x| x.0);
    let Some((e, len)) = direction else {
        return near();
    };
    let (we, ne) = (w.dot(&e), n.dot(&e));
    // The far sphere, centred at d = len·e: v = w − d.
    let far = || {
        roots(
            nn,
            -2.0 * (wn - len * ne),
            ww - 2.0 * len * we + len * len - rr,
        )
        .map(|x| x.0)
    };
    let across = nn - ne * ne;
    if across <= 1e-12 * nn {
        // Along the axis: the deeper of the two spheres.
        return match (near(), far()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    // The cylinder: the parts of w and n across e. Missing it misses the capsule.
    let (t, _) = roots(across, -2.0 * (wn - we * ne), ww - we * we - rr)?;
    let v = (we - ne * t) / len;
    if v < -FEAS_TOL {
        near()
    } else if v > 1.0 + FEAS_TOL {
        far()
    } else {
        Some(t)
    }
}

/// A conic `A u² + B u t + C t² + D u + E t + F` in the `(u, t)` plane.
#[derive(Debug, Clone, Copy)]
struct Conic([f64; 6]);

impl Conic {
    fn eval(&self, u: f64, t: f64) -> f64 {
        let [a, b, c, d, e, f] = self.0;
        a * u * u + b * u * t + c * t * t + d * u + e * t + f
    }

    /// Points where the line `α u + β t + γ = 0` meets the conic, passed to `out`.
    fn meet_line(&self, line: [f64; 3], out: &mut impl FnMut(f64, f64)) {
        let [al, be, ga] = line;
        let (u0, t0, eu, et) = if be.abs() >= al.abs() {
            if be.abs() < 1e-300 {
                return;
            }
            (0.0, -ga / be, 1.0, -al / be)
        } else {
            (-ga / al, 0.0, -be / al, 1.0)
        };
        let [a, b, c, d, e, _] = self.0;
        let a2 = a * eu * eu + b * eu * et + c * et * et;
        let a1 = 2.0 * a * u0 * eu + b * (u0 * et + t0 * eu) + 2.0 * c * t0 * et + d * eu + e * et;
        let a0 = self.eval(u0, t0);
        if let Some((l1, l2)) = roots(a2, a1, a0) {
            out(u0 + l1 * eu, t0 + l1 * et);
            out(u0 + l2 * eu, t0 + l2 * et);
        }
    }

    /// The line `∂/∂u = 0`, on which the conic's points of extreme `t` lie.
    fn t_extreme_line(&self) -> [f64; 3] {
        let [a, b, _, d, _, _] = self.0;
        [2.0 * a, b, d]
    }
}

/// Deepest point of the line in the swept frustum, by enumerating the extreme points
/// of the convex feasible region in `(u, t)`: `u ∈ [0, 1]` is the sweep parameter and
/// `t` the depth. The region is cut out by the lines `u = 0`, `u = 1`, `h = h_lo`,
/// `h = h_hi` and the conics `|q| = c0 + k h` (cone) and `|q| = r_max` (cylinder), where
/// `h` and `q` are the axial and radial parts of the line point relative to the tip.
/// The largest `t` is at a vertex (two boundaries meet) or where a conic boundary has a
/// horizontal tangent, so checking those candidates is exact.
///
/// Without `with_shank` (and when there is a cone) the cylinder is left out of the
/// candidates: the region bounded by the cone alone is convex and contains the true
/// one, so its deepest point is the true deepest point whenever that point's radius
/// is below the shank's, which the caller has shown for every answer it needs.
fn frustum_deepest(f: &Frustum, q: &SweepQuery, with_shank: bool) -> Option<f64> {
    let (w, n, d, a) = (&q.w, &q.n, &q.d, &q.a);
    let h0 = w.dot(a);
    let na = n.dot(a);
    let da = d.dot(a);
    let q0 = w - a * h0;
    let nq = n - a * na;
    let dq = d - a * da;
    // |q|² = F − 2u q0·dq − 2t q0·nq + u² dq² + 2ut dq·nq + t² nq².
    let base = [
        dq.norm_squared(),
        2.0 * dq.dot(&nq),
        nq.norm_squared(),
        -2.0 * q0.dot(&dq),
        -2.0 * q0.dot(&nq),
        q0.norm_squared(),
    ];
    let mut cyl = base;
    cyl[5] -= f.r_max * f.r_max;
    let cyl = Conic(cyl);
    let has_cone = f.k > 0.0 && f.c0 < f.r_max;
    // (c0 + k h)² with h = h0 − u da − t na, i.e. (m − u mu − t mt)².
    let (m, mu, mt) = (f.c0 + f.k * h0, f.k * da, f.k * na);
    let cone = Conic([
        base[0] - mu * mu,
        base[1] - 2.0 * mu * mt,
        base[2] - mt * mt,
        base[3] + 2.0 * m * mu,
        base[4] + 2.0 * m * mt,
        base[5] - m * m,
    ]);
    let h_line = |c: f64| [-da, -na, h0 - c];
    let mut lines: [[f64; 3]; 5] = [
        [1.0, 0.0, 0.0],
        [1.0, 0.0, -1.0],
        h_line(f.h_lo),
        h_line(f.h_hi),
        [0.0, 0.0, 0.0],
    ];
    let n_lines = if has_cone && with_shank {
        // Where the cone meets the cylinder; not a boundary, but vertices lie on it.
        lines[4] = h_line((f.r_max - f.c0) / f.k);
        5
    } else {
        4
    };
    let feasible = |u: f64, t: f64| {
        if !(u.is_finite() && t.is_finite() && (-FEAS_TOL..=1.0 + FEAS_TOL).contains(&u)) {
            return false;
        }
        let h = h0 - t * na - u * da;
        if h < f.h_lo - FEAS_TOL || h > f.h_hi + FEAS_TOL {
            return false;
        }
        let rq = (q0 - nq * t - dq * u).norm();
        rq <= (f.c0 + f.k * h).min(f.r_max) + FEAS_TOL
    };
    let mut best: Option<f64> = None;
    let mut consider = |u: f64, t: f64| {
        // Only a candidate deeper than the best so far needs the feasibility test.
        if best.is_none_or(|b| t > b) && feasible(u, t) {
            best = Some(t);
        }
    };
    let conics: &[Conic] = match (has_cone, with_shank) {
        (true, true) => &[cyl, cone],
        (true, false) => &[cone],
        (false, _) => &[cyl],
    };
    for c in conics {
        c.meet_line(c.t_extreme_line(), &mut consider);
        for l in &lines[..n_lines] {
            c.meet_line(*l, &mut consider);
        }
    }
    for l1 in &lines[..2] {
        for l2 in &lines[2..4] {
            let det = l1[0] * l2[1] - l1[1] * l2[0];
            if det.abs() > 1e-300 {
                let u = (l1[1] * l2[2] - l1[2] * l2[1]) / det;
                let t = (l1[2] * l2[0] - l1[0] * l2[2]) / det;
                consider(u, t);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Brute force: membership by dense sampling of u (with the solid inflated by
    /// `grow` mm), then the largest t on a fine grid.
    fn brute(body: &Body, q: &SweepQuery, grow: f64) -> Option<f64> {
        let inside = |x: Vector3| {
            (0..=400).any(|k| {
                let u = k as f64 / 400.0;
                let rel = x - q.d * u;
                let h = rel.dot(&q.a);
                if h < -grow || h > body.length() + grow {
                    return false;
                }
                let rq = (rel - q.a * h).norm();
                let f = &body.frustum;
                let in_ball = body
                    .ball
                    .is_some_and(|r| (rel - q.a * r).norm() <= r + grow);
                let in_frustum = h >= f.h_lo - grow && rq <= (f.c0 + f.k * h).min(f.r_max) + grow;
                in_ball || in_frustum
            })
        };
        (0..=4000)
            .rev()
            .map(|k| -2.0 + k as f64 * 0.001)
            .find(|&t| inside(q.w - q.n * t))
    }

    fn unit(x: f64, y: f64, z: f64) -> Vector3 {
        Vector3::new(x, y, z).normalize()
    }

    /// One of six tools 1 mm long (the last two reach their shank within it) and a
    /// sweep from the tip at `-p` along `d`, axis `(a, 1)` and normal `(n, 1)`.
    fn case(
        tool_kind: usize,
        p: [f64; 3],
        d: [f64; 3],
        a: [f64; 2],
        n: [f64; 2],
    ) -> (Body, SweepQuery) {
        let tool = [
            "v:60:0.05",
            "ball:0.4",
            "flat:0.3",
            "taper:0.3:40",
            "taper:0.1:90:0.2",
            "taper:0.2:60:0.3",
        ][tool_kind];
        let body = Body::new(&Tool::parse(tool).unwrap(), 1.0).unwrap();
        let q = SweepQuery {
            w: -Vector3::from(p),
            n: unit(n[0], n[1], 1.0),
            d: Vector3::from(d),
            a: unit(a[0], a[1], 1.0),
        };
        (body, q)
    }

    #[test]
    fn v_bit_straight_groove_depth_and_width() {
        let tool = Tool::parse("v:30:0.05").unwrap();
        let body = Body::new(&tool, 10.0).unwrap();
        let n = Vector3::z();
        // Tip 0.35 below the texel plane z = 0, moving along x.
        let p0 = Vector3::new(-1.0, 0.0, -0.35);
        let d = Vector3::new(2.0, 0.0, 0.0);
        let at = |y: f64| {
            body.deepest(&SweepQuery {
                w: Vector3::new(0.0, y, 0.0) - p0,
                n,
                d,
                a: n,
            })
        };
        assert!((at(0.0).unwrap() - 0.35).abs() < 1e-12);
        let half = 0.025 + 0.35 * 15f64.to_radians().tan();
        assert!(at(half - 1e-6).unwrap() > 0.0);
        assert!(at(half + 1e-6).unwrap() < 0.0);
    }

    #[test]
    fn every_tool_profile_is_modelled_and_matches_the_tool() {
        for spec in [
            "ball:0.4",
            "flat:0.3",
            "v:30:0.05",
            "v:60:0",
            "taper:0.2:20",
        ] {
            let tool = Tool::parse(spec).unwrap();
            let body = Body::new(&tool, 10.0).unwrap();
            for k in 0..=1000 {
                let h = k as f64 * 0.01;
                assert!(
                    (body.radius_at(h) - tool.radius_at(h)).abs() < 1e-12,
                    "{spec} at {h}"
                );
            }
        }
    }

    #[test]
    fn profiles_outside_the_model_are_refused() {
        let mut p = Tool::parse("taper:0.2:20").unwrap().profile();
        assert!(Body::from_profile(&p, 10.0).is_some());
        // A cone narrower than the ball's slope where they meet: the ball bulges out.
        p.cone_slope *= 0.5;
        assert!(Body::from_profile(&p, 10.0).is_none());
        let mut p = Tool::parse("v:60:0").unwrap().profile();
        p.cone_slope = f64::NAN;
        assert!(Body::from_profile(&p, 10.0).is_none());
        let mut p = Tool::parse("ball:0.4").unwrap().profile();
        p.shank_radius = 0.1;
        assert!(Body::from_profile(&p, 10.0).is_none());
    }

    #[test]
    fn tapered_ball_straight_groove_floor_and_flanks() {
        let tool = Tool::parse("taper:0.2:20").unwrap();
        let body = Body::new(&tool, 10.0).unwrap();
        let n = Vector3::z();
        let depth = 0.3;
        let p0 = Vector3::new(-1.0, 0.0, -depth);
        let d = Vector3::new(2.0, 0.0, 0.0);
        // On a flat floor the cross-section is the profile: depth − h(|y|).
        for k in 0..=150 {
            let y = k as f64 * 0.001;
            let got = body
                .deepest(&SweepQuery {
                    w: Vector3::new(0.0, y, 0.0) - p0,
                    n,
                    d,
                    a: n,
                })
                .unwrap_or(f64::NEG_INFINITY);
            let want = depth - tool.profile().height_at_radius(y).unwrap();
            assert!((got - want).abs() < 1e-12, "{y}: {got} vs {want}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn skipping_by_floor_keeps_every_answer_above_it(
            tool_kind in 0usize..6,
            px in -0.6f64..0.6, py in -0.6f64..0.6, pz in -0.5f64..0.3,
            dx in -0.6f64..0.6, dy in -0.6f64..0.6, dz in -0.4f64..0.4,
            ax in -1.5f64..1.5, ay in -1.5f64..1.5,
            nx in -0.5f64..0.5, ny in -0.5f64..0.5,
            floor in -0.5f64..0.6,
        ) {
            let (body, q) = case(tool_kind, [px, py, pz], [dx, dy, dz], [ax, ay], [nx, ny]);
            let full = body.deepest(&q);
            let above = body.deepest_above(&q, floor);
            match full {
                Some(t) if t > floor => prop_assert_eq!(above, Some(t)),
                _ => prop_assert!(above.is_none_or(|t| t <= floor), "{:?} {:?}", full, above),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn exact_sweep_matches_brute_force(
            tool_kind in 0usize..6,
            px in -0.4f64..0.4, py in -0.4f64..0.4, pz in -0.5f64..0.3,
            dx in -0.6f64..0.6, dy in -0.6f64..0.6, dz in -0.4f64..0.4,
            ax in -0.5f64..0.5, ay in -0.5f64..0.5,
            nx in -0.3f64..0.3, ny in -0.3f64..0.3,
        ) {
            let (body, q) = case(tool_kind, [px, py, pz], [dx, dy, dz], [ax, ay], [nx, ny]);
            let exact = body.deepest(&q).filter(|t| *t > -1.9 && *t < 1.9);
            let strict = brute(&body, &q, 0.0).filter(|t| *t > -1.9 && *t < 1.9);
            let loose = brute(&body, &q, 0.004);
            if let Some(e) = exact {
                prop_assert!(loose.is_some_and(|l| e <= l + 2e-3), "exact {} loose {:?}", e, loose);
            }
            if let Some(s) = strict {
                prop_assert!(exact.is_some_and(|e| e >= s - 2e-3), "exact {:?} strict {}", exact, s);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Every texel of a parallel that a sweep cuts (deepest point below the
        /// surface) lies in the span [`SweepReach::span`] gives.
        #[test]
        fn reach_span_holds_every_cut_texel(
            tool_kind in 0usize..6,
            r in 3.0f64..30.0, z in -20.0f64..20.0, tilt in -1.2f64..1.2,
            theta_c in -3.2f64..3.2, phi_max in 0.0f64..0.03, phi0 in -0.03f64..0.03,
            depth in -0.2f64..0.6, lean_a in -0.6f64..0.6, lean_b in -0.6f64..0.6,
            dx in -0.5f64..0.5, dy in -0.5f64..0.5, dz in -0.3f64..0.3,
            seed in 0u64..1_000_000,
        ) {
            let (body, _) = case(tool_kind, [0.0; 3], [0.0; 3], [0.0; 2], [0.0; 2]);
            let parallel = Parallel { r, z, nr: tilt.cos(), nz: tilt.sin() };
            let at = |theta: f64| {
                let (sin, cos) = theta.sin_cos();
                (
                    Vector3::new(r * cos, r * sin, z),
                    Vector3::new(parallel.nr * cos, parallel.nr * sin, parallel.nz),
                )
            };
            // A sweep starting below the texel at θc + φ0, its axis leaned off the normal.
            let (p, n) = at(theta_c + phi0);
            let e1 = n.cross(&Vector3::z()).try_normalize(1e-9).unwrap_or(Vector3::x());
            let e2 = n.cross(&e1);
            let a = (n + e1 * lean_a + e2 * lean_b).normalize();
            let p0 = p - n * depth;
            let d = Vector3::new(dx, dy, dz);
            let reach = SweepReach::of(&p0, &d, &a);
            let (lo, hi) = reach.span(&body, &parallel, theta_c.sin_cos(), phi_max);
            let plane = PreparedSweep::of(&a, &d);
            let mut state = seed.wrapping_mul(2862933555777941757).wrapping_add(3037000493);
            let mut next = || {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (state >> 11) as f64 / (1u64 << 53) as f64
            };
            for k in 0..400 {
                let phi = if k == 0 { phi0.clamp(-phi_max, phi_max) } else { (2.0 * next() - 1.0) * phi_max };
                let (p, n) = at(theta_c + phi);
                let q = SweepQuery { w: p - p0, n, d, a };
                if let Some(t) = body.deepest_above_in(&q, 0.0, &plane) {
                    prop_assert!(
                        t <= 0.0 || (lo <= phi && phi <= hi),
                        "cut {t} at φ {phi} outside the span {lo}..{hi}"
                    );
                }
            }
        }
    }
}
