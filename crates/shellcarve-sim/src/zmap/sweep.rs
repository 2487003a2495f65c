//! The depth one straight move of a vertical tool cuts below each texel of a Z-map, in
//! closed form.
//!
//! A convex solid of revolution held along `+Z` has a lower surface `z = tip_z + h(ρ)`:
//! `h` is the height above the tip of the solid's lowest point at distance `ρ` from
//! its axis (the sphere's lower cap `r − √(r² − ρ²)` where the ball is, then the
//! frustum `max(h_lo, (ρ − c0)/k)`), defined out to the radius `r_top` the tool has
//! at its modelled top. As the tip goes along `c(u) = p0 + u·d`, `u ∈ [0, 1]`, the
//! lowest swept point above texel `p` is `min_u g(u)`, with
//! `g(u) = z0 + u·dz + h(|p − c_xy(u)|)` on the interval `F` of `u` where
//! `|p − c_xy(u)| ≤ r_top`. The lower surface of a convex body is a convex function of
//! `(x, y)` and `u ↦ p − c_xy(u)` is affine, so `g` is convex on `F`: its minimum is at
//! an end of `F`, at the stationary point of one smooth piece of `h`, or at the kink
//! between two pieces. Each of those has a closed form (below); `g` is evaluated at all
//! of them (each clamped into `F`, so each is a point of the swept volume and none can
//! undercut) and the smallest value is the exact minimum.
//!
//! Stationary points, with `a = |d_xy|²`, `u0` the foot of the perpendicular from `p`
//! on the move's XY line, `b` the distance from `p` to that line and `v = u − u0`
//! (`|p − c_xy|² = a·v² + b²`):
//!
//! - sphere piece, `g = z0 + r + dz·u − √(m² − a·v²)` with `m² = r² − b²`:
//!   `g′ = 0` at `v = −dz·m / √(a(a + dz²))`, where `g = z0 + r + dz·u0 − m·√((a + dz²)/a)`
//!   (the lowest point of the cylinder of radius `r` around the line of ball centres);
//! - cone piece, `g = z0 + dz·u + (√(a·v² + b²) − c0)/k`: `g′ = 0` at
//!   `v = −dz·k·b / √(a(a − dz²k²))` when `a > dz²k²` (a move steeper than the cone's
//!   flank has none: `g` is monotone there).
//!
//! The same bound gives a cheap test that a move cannot deepen a texel already cut to
//! `t`: the move's lowest tip height `z_min` and the texel's distance `ρ` to the
//! move's XY segment give `depth ≤ −(z_min + h(ρ))`, which exceeds `t` only if
//! `ρ ≤ radius_at(−z_min − t)`; compared squared, it needs no root.

use shellcarve_core::ToolProfile;

/// Moves with a horizontal extent below this (mm²) are plunges: `ρ` stays fixed.
const PLUNGE_A: f64 = 1e-24;
/// Slack (mm) added to the bound of the pruning test, far above rounding and far
/// below anything an `f32` depth can show.
const PRUNE_SLACK: f64 = 1e-12;
/// Relative slack on the tool's outer radius² when deciding whether a texel is under
/// the tool at all: a texel exactly on the rim (a 3-4-5 triangle of grid steps from a
/// corner, or a whole number of steps beside a move) counts as cut whatever the
/// rounding of its coordinates. The depth there is still evaluated on the rim itself.
/// 1e-9 of ρ² is 5e-10 of the radius.
const RIM_SLACK: f64 = 1e-9;

/// The lower surface `h(ρ)` of a vertical tool, from its profile.
#[derive(Debug, Clone, Copy)]
pub(super) struct Profile {
    /// Ball radius, if the tool has a ball at the tip.
    ball: Option<f64>,
    /// `r²` of the ball (0 without one).
    r2: f64,
    /// Squared radius where the ball ends and the frustum begins (the profile's
    /// `cone_start_radius`): the kink of `h`.
    kink2: f64,
    /// Height above the tip where the frustum begins.
    h_lo: f64,
    /// Frustum radius extrapolated to the tip: `ρ = c0 + k·h`.
    c0: f64,
    /// Frustum slope (radius per height), 0 for a cylinder.
    k: f64,
    /// Shank radius.
    r_max: f64,
    /// Modelled length from the tip.
    h_hi: f64,
    /// Squared radius at the modelled top: nothing of the tool lies farther out.
    r_top2: f64,
    /// `r_top2` with [`RIM_SLACK`]: the test for a texel being under the tool.
    rim2: f64,
    /// Whether the ball reaches out to `r_top` (a plain ball end mill): then `h` is the
    /// sphere wherever the tool is.
    ball_only: bool,
    /// A lower bound of `h′(ρ)/ρ` over the tool (0 where it has a flat bottom): how
    /// fast the lower surface rises away from the axis, for [`Segment::ends_dominate`].
    kappa: f64,
    /// `1/kappa` (0 when `kappa` is 0).
    inv_kappa: f64,
}

impl Profile {
    /// The lower surface of the tool `p`, `length` mm long from the tip (the profile
    /// already checked convex by [`crate::body::Body`]).
    pub(super) fn new(p: &ToolProfile, length: f64) -> Self {
        let h_hi = length.max(1e-6).max(p.cone_start);
        let r_top = p.radius_at(h_hi);
        let kink2 = p.cone_start_radius * p.cone_start_radius;
        let r_top2 = r_top * r_top;
        // A lower bound of h′(ρ)/ρ. Sphere: 1/√(r² − ρ²) ≥ 1/r. Cone: 1/(k·ρ) ≥
        // 1/(k·r_top). A flat bottom (flat end mill, V-bit tip flat): 0.
        let flat = p.ball_radius.is_none() && (p.cone_slope == 0.0 || p.cone_start_radius > 0.0);
        let kappa = if flat {
            0.0
        } else {
            let ball = p.ball_radius.map_or(f64::INFINITY, |r| 1.0 / r);
            let cone = if p.cone_slope > 0.0 && kink2 < r_top2 {
                1.0 / (p.cone_slope * r_top)
            } else {
                f64::INFINITY
            };
            let k = ball.min(cone);
            if k.is_finite() {
                k
            } else {
                0.0
            }
        };
        Self {
            ball: p.ball_radius,
            r2: p.ball_radius.map_or(0.0, |r| r * r),
            kink2,
            h_lo: p.cone_start,
            c0: p.cone_start_radius - p.cone_slope * p.cone_start,
            k: p.cone_slope,
            r_max: p.shank_radius,
            h_hi,
            r_top2,
            rim2: r_top2 * (1.0 + RIM_SLACK),
            ball_only: p.ball_radius.is_some() && kink2 >= r_top2,
            kappa,
            inv_kappa: if kappa > 0.0 { 1.0 / kappa } else { 0.0 },
        }
    }

    /// Height of the lower surface above the tip at squared distance `rho2` from the
    /// axis (clamped to the tool's outer radius).
    #[inline]
    fn h(&self, rho2: f64) -> f64 {
        let rho2 = rho2.min(self.r_top2);
        if let Some(r) = self.ball {
            if rho2 <= self.kink2 {
                return r - (self.r2 - rho2).max(0.0).sqrt();
            }
        }
        if self.k > 0.0 {
            ((rho2.sqrt() - self.c0) / self.k).max(self.h_lo)
        } else {
            self.h_lo
        }
    }

    /// Squared radius of the tool at height `h > 0` above its tip: the farthest a
    /// texel can be from a move that cuts `h` below the move's tip.
    #[inline]
    pub(super) fn reach2(&self, h: f64) -> f64 {
        let h = h.min(self.h_hi);
        if let Some(r) = self.ball {
            if h < self.h_lo {
                let hc = h.clamp(0.0, r);
                return hc * (2.0 * r - hc);
            }
        }
        let rad = (self.c0 + self.k * h.max(0.0)).min(self.r_max);
        rad * rad
    }
}

/// One straight move of the vertical tool, with the constants of its closed forms.
#[derive(Debug, Clone, Copy)]
pub(super) struct Segment {
    /// Start height of the tip (mm).
    z0: f64,
    /// Tip displacement (mm).
    pub(super) dx: f64,
    pub(super) dy: f64,
    dz: f64,
    /// `|d_xy|²`.
    a: f64,
    /// `1/a`, 0 for a plunge.
    pub(super) inv_a: f64,
    /// The lowest tip height of the move.
    pub(super) zmin: f64,
    /// Sphere stationary point: `v = −ball_v·m`.
    ball_v: f64,
    /// Sphere minimum: `g = z0 + r + dz·u0 − m·ball_k`.
    ball_k: f64,
    /// Cone stationary point `v = −cone_v·b`; NaN when the move has none.
    cone_v: f64,
    /// `|d_xy|` and its inverse, 0 for a plunge.
    len: f64,
    inv_len: f64,
}

impl Segment {
    /// The move of the tip from `(x0, y0, z0)` by `(dx, dy, dz)`.
    pub(super) fn new(p: &Profile, start: [f64; 3], d: [f64; 3]) -> Self {
        let z0 = start[2];
        let [dx, dy, dz] = d;
        let a = dx * dx + dy * dy;
        let plunge = a <= PLUNGE_A;
        let (inv_a, ball_v, ball_k, len, inv_len) = if plunge {
            (0.0, 0.0, 0.0, 0.0, 0.0)
        } else {
            // One division: r = 1/(|d_xy|·|d|).
            let (sa, l2) = (a.sqrt(), a + dz * dz);
            let l = l2.sqrt();
            let r = 1.0 / (sa * l);
            let inv_sa = l * r;
            (inv_sa * inv_sa, dz * r, l2 * r, sa, inv_sa)
        };
        let ck = dz * p.k;
        let cone_v = if !plunge && p.k > 0.0 && a > ck * ck {
            ck / (a * (a - ck * ck)).sqrt()
        } else {
            f64::NAN
        };
        Self {
            z0,
            dx,
            dy,
            dz,
            a,
            inv_a,
            zmin: z0.min(z0 + dz),
            ball_v,
            ball_k,
            cone_v,
            len,
            inv_len,
        }
    }

    /// Feet `(after, before)` beyond which the move's sweep is nowhere deeper than at
    /// its own end (after: `u ≥ after`) or start (before: `u ≤ before`).
    ///
    /// For a texel beyond the end (`u0 ≥ 1`), `g′(1⁻) = dz − (h′(ρ)/ρ)·a·(u0 − 1)
    /// ≤ dz − κ·a·(u0 − 1)`, so `g` is smallest at `u = 1` once
    /// `u0 ≥ 1 + max(0, dz)/(κ·a)`: the move cuts there exactly what the next move,
    /// which starts at this end, cuts at its own start, no more. Likewise before the
    /// start. Margins keep both bounds strictly outside `[0, 1]` and above rounding.
    /// `(∞, −∞)` for a plunge.
    pub(super) fn ends_dominate(&self, p: &Profile) -> (f64, f64) {
        if self.is_plunge() {
            return (f64::INFINITY, f64::NEG_INFINITY);
        }
        let beyond = |rise: f64| {
            if rise <= 0.0 {
                0.0
            } else if p.kappa > 0.0 {
                rise * self.inv_a * p.inv_kappa
            } else {
                f64::INFINITY
            }
        };
        let margin = |x: f64| x * (1.0 + 1e-9) + 1e-9;
        (1.0 + margin(beyond(self.dz)), -margin(beyond(-self.dz)))
    }

    /// `|d_xy|` and its inverse, 0 for a plunge.
    pub(super) fn a_len(&self) -> (f64, f64) {
        (self.len, self.inv_len)
    }

    /// Whether the move's XY length is zero (a plunge or a pure Z move).
    pub(super) fn is_plunge(&self) -> bool {
        self.inv_a == 0.0
    }

    /// Position along the move of the foot of the perpendicular from the texel at
    /// `(wx, wy)` relative to the start (0 for a plunge). Texels with `u ∈ [0, 1]` are
    /// the move's own strip; the others are nearest to one of its ends.
    #[inline]
    pub(super) fn foot(&self, wx: f64, wy: f64) -> f64 {
        (wx * self.dx + wy * self.dy) * self.inv_a
    }

    /// Whether the move can cut deeper than `t` at the texel `(wx, wy)` (relative to
    /// the start) whose foot is `u`: the bound of the module documentation, exact to
    /// [`PRUNE_SLACK`]; `false` only where it certainly cannot.
    #[inline]
    pub(super) fn may_exceed(&self, p: &Profile, wx: f64, wy: f64, u: f64, t: f64) -> bool {
        let h = -self.zmin - t + PRUNE_SLACK;
        if h <= 0.0 {
            return false;
        }
        let uc = u.clamp(0.0, 1.0);
        let (ex, ey) = (wx - uc * self.dx, wy - uc * self.dy);
        ex * ex + ey * ey <= p.reach2(h) * (1.0 + RIM_SLACK) + PRUNE_SLACK
    }

    /// The depth below `z = 0` of the lowest point the move sweeps above the texel at
    /// `(wx, wy)` relative to the start: `−min g`; `−∞` when the tool does not pass
    /// over the texel.
    pub(super) fn depth(&self, p: &Profile, wx: f64, wy: f64) -> f64 {
        if self.is_plunge() {
            let d2 = wx * wx + wy * wy;
            return if d2 <= p.rim2 {
                -(self.zmin + p.h(d2))
            } else {
                f64::NEG_INFINITY
            };
        }
        let u0 = self.foot(wx, wy);
        let cross = wx * self.dy - wy * self.dx;
        let b2 = cross * cross * self.inv_a;
        // The sphere's stationary point, when it lies on the move and on the ball:
        // the answer in one root (the usual case for a ball end mill).
        let mut ball_u = None;
        if let Some(r) = p.ball {
            let m2 = p.r2 - b2;
            if m2 >= 0.0 {
                let m = m2.sqrt();
                let v = -self.ball_v * m;
                let u = u0 + v;
                if (0.0..=1.0).contains(&u) && (p.ball_only || self.a * v * v + b2 < p.kink2) {
                    return -(self.z0 + r + self.dz * u0 - m * self.ball_k);
                }
                ball_u = Some(u);
            }
        }
        if b2 > p.rim2 {
            return f64::NEG_INFINITY;
        }
        let half = ((p.r_top2 - b2).max(0.0) * self.inv_a).sqrt();
        let (mut lo, mut hi) = ((u0 - half).max(0.0), (u0 + half).min(1.0));
        if lo > hi {
            // Off both ends, or on the rim at an end within rounding.
            let u = u0.clamp(0.0, 1.0);
            let (ex, ey) = (wx - u * self.dx, wy - u * self.dy);
            if ex * ex + ey * ey > p.rim2 {
                return f64::NEG_INFINITY;
            }
            (lo, hi) = (u, u);
        }
        let g = |u: f64| {
            let u = u.clamp(lo, hi);
            let (ex, ey) = (wx - u * self.dx, wy - u * self.dy);
            self.z0 + u * self.dz + p.h(ex * ex + ey * ey)
        };
        let mut best = g(lo).min(g(hi));
        if let Some(u) = ball_u {
            best = best.min(g(u));
        }
        if self.cone_v.is_finite() {
            best = best.min(g(u0 - self.cone_v * b2.sqrt()));
        }
        if p.kink2 > 0.0 && p.kink2 < p.r_top2 && b2 <= p.kink2 {
            let hk = ((p.kink2 - b2) * self.inv_a).sqrt();
            best = best.min(g(u0 - hk)).min(g(u0 + hk));
        }
        -best
    }

    /// An interval of `wx` (relative to the start) on the row at `wy` holding every
    /// texel within `reach` of the move's XY segment, or `None`: for a move no longer
    /// than `reach` along the row, the row through the segment's bounding box grown by
    /// `reach` (one root at most, none within the box's rows); otherwise
    /// [`Segment::row_span`].
    #[inline]
    pub(super) fn row_span_fast(&self, wy: f64, reach: f64) -> Option<(f64, f64)> {
        if self.dx.abs() > reach {
            return self.row_span(wy, reach);
        }
        let ey = (wy - self.dy.max(0.0)).max(self.dy.min(0.0) - wy);
        let margin = 1e-9 * (1.0 + reach);
        if ey <= 0.0 {
            // Within the box's rows: no root.
            return Some((
                self.dx.min(0.0) - reach - margin,
                self.dx.max(0.0) + reach + margin,
            ));
        }
        if ey > reach {
            return None;
        }
        let c = (reach * reach - ey * ey).sqrt();
        Some((self.dx.min(0.0) - c - margin, self.dx.max(0.0) + c + margin))
    }

    /// The interval of `wx` (relative to the start) on the row at `wy` whose texels
    /// lie within `reach` of the move's XY segment, or `None`: the row through the
    /// capsule (two end discs and the band between them), a little wider for rounding.
    pub(super) fn row_span(&self, wy: f64, reach: f64) -> Option<(f64, f64)> {
        let r2 = reach * reach;
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for (cx, cy) in [(0.0, 0.0), (self.dx, self.dy)] {
            let ey = wy - cy;
            if ey * ey <= r2 {
                let c = (r2 - ey * ey).sqrt();
                lo = lo.min(cx - c);
                hi = hi.max(cx + c);
            }
        }
        if !self.is_plunge() {
            // The band: 0 ≤ u ≤ 1 and |perpendicular distance| ≤ reach, both linear in wx.
            let (dx, dy, a) = (self.dx, self.dy, self.a);
            let sa = reach * a.sqrt();
            let band = |coef: f64, off: f64, from: f64, to: f64| -> Option<(f64, f64)> {
                // from ≤ coef·wx + off ≤ to
                if coef == 0.0 {
                    return (from..=to).contains(&off).then_some((f64::MIN, f64::MAX));
                }
                let (p, q) = ((from - off) / coef, (to - off) / coef);
                Some((p.min(q), p.max(q)))
            };
            if let (Some(along), Some(across)) =
                (band(dx, wy * dy, 0.0, a), band(dy, -wy * dx, -sa, sa))
            {
                let (l, h) = (along.0.max(across.0), along.1.min(across.1));
                if l <= h {
                    lo = lo.min(l);
                    hi = hi.max(h);
                }
            }
        }
        let margin = 1e-9 * (1.0 + reach);
        (lo <= hi).then_some((lo - margin, hi + margin))
    }
}

#[cfg(test)]
mod tests {
    use shellcarve_core::{Tool, Vector3};

    use super::*;
    use crate::body::{Body, SweepQuery};

    /// A small deterministic generator (xorshift64*), enough for test inputs.
    struct Rng(u64);

    impl Rng {
        fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
            lo + (hi - lo) * (x as f64 / (1u64 << 53) as f64)
        }
    }

    /// The closed forms agree with the general sweep of [`Body`] (lines and conics in
    /// 3-D, any normal and axis) on random moves of every tool kind: horizontal,
    /// shallow, steep, plunges, short and long.
    #[test]
    fn closed_forms_match_the_general_sweep_for_every_tool() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let length = 10.0;
        for spec in [
            "ball:0.2",
            "ball:1",
            "flat:2",
            "flat:0.3",
            "v:60:0.1",
            "v:90:0",
            "v:30:0.05",
            "taper:0.2:20",
            "taper:0.5:30:3",
        ] {
            let tool = Tool::parse(spec).unwrap();
            let body = Body::new(&tool, length).unwrap();
            let profile = Profile::new(&tool.profile(), body.length());
            let scale = tool.profile().shank_radius.max(0.2);
            let mut compared = 0;
            for case in 0..3000 {
                let start = [
                    rng.uniform(-scale, scale),
                    rng.uniform(-scale, scale),
                    rng.uniform(-1.5 * scale, 0.1),
                ];
                let mut d = [
                    rng.uniform(-2.0 * scale, 2.0 * scale),
                    rng.uniform(-2.0 * scale, 2.0 * scale),
                    rng.uniform(-scale, scale),
                ];
                match case % 6 {
                    0 => d[2] = 0.0,
                    1 => d[2] *= 1e-3,
                    2 => (d[0], d[1]) = (0.0, 0.0),
                    3 => (d[0], d[1]) = (d[0] * 1e-2, d[1] * 1e-2),
                    _ => {}
                }
                let seg = Segment::new(&profile, start, d);
                for _ in 0..8 {
                    let p = [
                        rng.uniform(-3.0 * scale, 3.0 * scale),
                        rng.uniform(-3.0 * scale, 3.0 * scale),
                    ];
                    let (wx, wy) = (p[0] - start[0], p[1] - start[1]);
                    let ours = seg.depth(&profile, wx, wy);
                    let general = body
                        .deepest(&SweepQuery {
                            w: Vector3::new(wx, wy, -start[2]),
                            n: Vector3::z(),
                            d: Vector3::new(d[0], d[1], d[2]),
                            a: Vector3::z(),
                        })
                        .unwrap_or(f64::NEG_INFINITY);
                    if ours.max(general) <= 1e-9 {
                        // Neither cuts below the plane: the Z-map keeps nothing.
                        continue;
                    }
                    compared += 1;
                    assert!(
                        (ours - general).abs() < 1e-9,
                        "{spec}: start {start:?} d {d:?} texel {p:?}: {ours} vs {general}"
                    );
                    // The pruning test never rejects a texel the move deepens.
                    let u = seg.foot(wx, wy);
                    assert!(seg.may_exceed(&profile, wx, wy, u, ours - 1e-9), "{spec}");
                    assert!(seg.may_exceed(&profile, wx, wy, u, 0.0), "{spec}");
                }
            }
            assert!(compared > 200, "{spec}: {compared} compared");
        }
    }

    /// The row spans cover every texel the move reaches.
    #[test]
    fn row_spans_cover_the_footprint() {
        let mut rng = Rng(12345);
        for _ in 0..2000 {
            let d = [rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0), 0.0];
            let tool = Tool::parse("ball:0.4").unwrap();
            let profile = Profile::new(&tool.profile(), 10.0);
            let seg = Segment::new(&profile, [0.0, 0.0, -0.1], d);
            let reach = rng.uniform(0.01, 0.5);
            let (wx, wy) = (rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0));
            let u = seg.foot(wx, wy).clamp(0.0, 1.0);
            let dist = (wx - u * d[0]).hypot(wy - u * d[1]);
            if dist <= reach {
                let (lo, hi) = seg.row_span(wy, reach).expect("row meets the capsule");
                assert!(lo <= wx && wx <= hi, "{wx} not in {lo}..{hi}");
                let (lo, hi) = seg.row_span_fast(wy, reach).expect("row meets the box");
                assert!(lo <= wx && wx <= hi, "{wx} not in {lo}..{hi} (fast)");
            }
        }
    }
}
