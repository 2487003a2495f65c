//! The tool holder against the shell: does the collet nut or spindle nose touch the
//! egg anywhere along the motion?
//!
//! The holder is a solid cylinder on the tool axis, from `stickout` above the tip (the
//! tool's length out of the collet) to `stickout + length`, `diameter` across. The
//! egg is a connected solid that the holder cannot swallow whole, so the two meet only
//! if some point of the cylinder's surface (side or end discs) lies inside the egg.
//!
//! The bound is rigorous: the distance to the surface is 1-Lipschitz, so if the centre
//! of a patch of the cylinder's surface lies `d` from the shell and every point of the
//! patch is within `ρ` of that centre, the patch clears the shell by at least `d − ρ`.
//! Patches are split until that bound is comfortable or `ρ` is half
//! [`HOLDER_SAMPLE_STEP`]; along the motion, poses are taken close enough that no
//! holder point can move further than the clearance left (see [`check_holder`]). The
//! reported clearance is the least bound found: never more than the true clearance,
//! and within half [`HOLDER_SAMPLE_STEP`] of it where the holder comes close.

use rayon::prelude::*;
use serde::Serialize;
use shellcarve_core::{MoveKind, Point3, Surface, Toolpath, Vector3};

use crate::error::SimError;

/// Spacing of the samples along the holder's axis and along the motion (mm).
pub const HOLDER_SAMPLE_STEP: f64 = 0.25;

/// A tool holder: a cylinder on the tool axis above the tool.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Holder {
    /// Length of the tool out of the holder, tip to the holder's face (mm).
    pub stickout: f64,
    /// Length of the holder along the tool axis (mm).
    pub length: f64,
    /// Diameter of the holder (mm).
    pub diameter: f64,
}

impl Holder {
    /// The default holder: an ER11 collet nut (16 mm across, 11.5 mm long) with the
    /// spindle nose above it taken as the same cylinder 40 mm long, and 15 mm of tool
    /// out of the collet.
    pub const DEFAULT: Holder = Holder {
        stickout: 15.0,
        length: 40.0,
        diameter: 16.0,
    };

    /// A holder `length` mm long and `diameter` mm across, `stickout` mm above the tip.
    pub fn new(stickout: f64, length: f64, diameter: f64) -> Result<Self, SimError> {
        for (name, v, lo, hi) in [
            ("holder stickout (mm)", stickout, 0.1, 500.0),
            ("holder length (mm)", length, 0.1, 1000.0),
            ("holder diameter (mm)", diameter, 0.1, 500.0),
        ] {
            if !(v.is_finite() && v >= lo && v <= hi) {
                return Err(SimError::InvalidOption {
                    name,
                    value: v,
                    expected: format!("a number from {lo} to {hi}"),
                });
            }
        }
        Ok(Self {
            stickout,
            length,
            diameter,
        })
    }

    /// Parses `LENGTHxDIAMETER` or `LENGTHxDIAMETER@STICKOUT` (mm), e.g. `40x16@15`;
    /// the stickout defaults to [`Holder::DEFAULT`]'s.
    pub fn parse(text: &str) -> Result<Self, SimError> {
        let bad = || SimError::BadHolder { given: text.into() };
        let (dims, stickout) = match text.trim().split_once('@') {
            Some((d, s)) => (d, s.trim().parse::<f64>().map_err(|_| bad())?),
            None => (text.trim(), Self::DEFAULT.stickout),
        };
        let (l, d) = dims.split_once(['x', 'X']).ok_or_else(bad)?;
        let l = l.trim().parse::<f64>().map_err(|_| bad())?;
        let d = d.trim().parse::<f64>().map_err(|_| bad())?;
        Self::new(stickout, l, d)
    }
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}@{}", self.length, self.diameter, self.stickout)
    }
}

/// A move along which the holder comes too close to the shell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct HolderFinding {
    /// Index of the move in the motion.
    pub move_index: usize,
    /// Its source line (G-code), when known.
    pub line: Option<usize>,
    /// What the move does.
    pub kind: MoveKind,
    /// The point of the holder's axis nearest the shell (mm, workpiece frame).
    pub at: [f64; 3],
    /// Surface coordinate nearest that point: `(θ radians, s mm)`.
    pub coord: (f64, f64),
    /// Clearance between the holder and the shell there (mm; negative: they touch,
    /// i.e. the holder would press into the egg).
    pub clearance: f64,
}

/// Least clearance between holder and shell that passes (mm).
pub const HOLDER_MIN_CLEARANCE: f64 = 0.5;

/// A piece of the holder's surface: all of it (within the ball about its centre), a
/// patch of its side (angles × heights above the tip) or of one of its end discs
/// (angles × radii, at a height).
#[derive(Debug, Clone, Copy)]
enum Patch {
    Whole,
    Side {
        phi: (f64, f64),
        a: (f64, f64),
    },
    Disc {
        phi: (f64, f64),
        r: (f64, f64),
        a: f64,
    },
}

/// A lower bound of the holder's clearance at one pose (see the module docs), and the
/// point where it was found. The holder meets the shell only if a point of its surface
/// lies inside the shell, so its surface is covered with patches; a patch's clearance
/// is at least its centre's distance to the shell less the patch's radius. Patches are
/// split in four only where that bound is below `enough`, down to a radius of half
/// [`HOLDER_SAMPLE_STEP`]. The whole holder is tried first as one ball, so a holder far
/// from the shell costs one query.
fn pose_clearance(
    surface: &dyn Surface,
    tip: &Point3,
    axis: &Vector3,
    holder: &Holder,
    enough: f64,
) -> (f64, Point3) {
    use std::f64::consts::TAU;
    let radius = holder.diameter / 2.0;
    // Two unit vectors across the axis.
    let helper = if axis.x.abs() < 0.9 {
        Vector3::x()
    } else {
        Vector3::y()
    };
    let u = axis.cross(&helper).normalize();
    let v = axis.cross(&u);
    let at = |phi: f64, r: f64, a: f64| tip + axis * a + (u * phi.cos() + v * phi.sin()) * r;
    let (bottom, top) = (holder.stickout, holder.stickout + holder.length);
    let mut stack = Vec::with_capacity(64);
    stack.push(Patch::Whole);
    let mut worst = (f64::INFINITY, *tip);
    while let Some(patch) = stack.pop() {
        let (centre, reach) = match patch {
            Patch::Whole => (
                tip + axis * (0.5 * (bottom + top)),
                (0.5 * (top - bottom)).hypot(radius),
            ),
            Patch::Side { phi, a } => (
                at(0.5 * (phi.0 + phi.1), radius, 0.5 * (a.0 + a.1)),
                (0.5 * radius * (phi.1 - phi.0)).hypot(0.5 * (a.1 - a.0)),
            ),
            Patch::Disc { phi, r, a } => (
                at(0.5 * (phi.0 + phi.1), 0.5 * (r.0 + r.1), a),
                (0.5 * (r.1 - r.0)).hypot(0.5 * r.1 * (phi.1 - phi.0)),
            ),
        };
        let bound = surface.closest(&centre).signed_distance - reach;
        if bound >= enough || reach <= 0.5 * HOLDER_SAMPLE_STEP {
            if bound < worst.0 {
                worst = (bound, centre);
            }
            continue;
        }
        match patch {
            Patch::Whole => {
                for k in 0..8 {
                    let phi = (TAU * k as f64 / 8.0, TAU * (k + 1) as f64 / 8.0);
                    stack.push(Patch::Side {
                        phi,
                        a: (bottom, top),
                    });
                    for a in [bottom, top] {
                        stack.push(Patch::Disc {
                            phi,
                            r: (0.0, radius),
                            a,
                        });
                    }
                }
            }
            Patch::Side { phi, a } => {
                let (pm, am) = (0.5 * (phi.0 + phi.1), 0.5 * (a.0 + a.1));
                for p in [(phi.0, pm), (pm, phi.1)] {
                    for h in [(a.0, am), (am, a.1)] {
                        stack.push(Patch::Side { phi: p, a: h });
                    }
                }
            }
            Patch::Disc { phi, r, a } => {
                let (pm, rm) = (0.5 * (phi.0 + phi.1), 0.5 * (r.0 + r.1));
                for p in [(phi.0, pm), (pm, phi.1)] {
                    for q in [(r.0, rm), (rm, r.1)] {
                        stack.push(Patch::Disc { phi: p, r: q, a });
                    }
                }
            }
        }
    }
    worst
}

/// Checks the holder along every move of the motion; one finding per move whose
/// clearance falls below `min_clearance` mm, at its worst point.
///
/// Along a move the tip runs straight and the axis turns evenly; a point of the holder
/// moves at most `travel + turn × (stickout + length)` over the move, so after a pose
/// with clearance `m` the next pose is taken where that motion could have used up
/// `m − min_clearance` (at least [`HOLDER_SAMPLE_STEP`] further), and the verdict holds
/// between the samples too.
pub fn check_holder(
    surface: &dyn Surface,
    motion: &Toolpath,
    holder: &Holder,
    min_clearance: f64,
) -> Vec<HolderFinding> {
    let far = holder.stickout + holder.length;
    let segments: Vec<_> = motion.segments().collect();
    segments
        .par_iter()
        .enumerate()
        .filter_map(|(k, (from, m))| {
            let travel = (m.pose.tip - from.tip).norm();
            let turn = from.axis.angle(&m.pose.axis);
            if !(travel.is_finite() && turn.is_finite()) {
                return None;
            }
            let sweep = (travel + turn * far).max(1e-12);
            let pose = |t: f64| {
                let tip = from.tip + (m.pose.tip - from.tip) * t;
                let axis: Vector3 =
                    from.axis.into_inner() * (1.0 - t) + m.pose.axis.into_inner() * t;
                (tip, axis.try_normalize(1e-12))
            };
            let (mut t, mut worst): (f64, Option<(f64, Point3)>) = (0.0, None);
            let mut failed = false;
            loop {
                let (tip, axis) = pose(t);
                let Some(axis) = axis else { break };
                // Refine only where the holder may be within a step of the limit.
                let enough = min_clearance + HOLDER_SAMPLE_STEP;
                let (c, q) = pose_clearance(surface, &tip, &axis, holder, enough);
                if worst.is_none_or(|w| c < w.0) {
                    worst = Some((c, q));
                }
                if t >= 1.0 {
                    break;
                }
                let spare = c - min_clearance;
                let dt = (spare.max(HOLDER_SAMPLE_STEP) / sweep).min(1.0 - t);
                // Between samples a holder point moves at most sweep·dt.
                if c - sweep * dt < min_clearance {
                    failed = true;
                }
                t = (t + dt).min(1.0);
            }
            let (c, q) = worst?;
            (failed || c < min_clearance).then(|| {
                let near = surface.closest(&q).coord;
                HolderFinding {
                    move_index: k + 1,
                    line: m.line,
                    kind: m.kind,
                    at: [q.x, q.y, q.z],
                    coord: (near.theta, near.s),
                    clearance: c,
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shellcarve_core::{Move, Pose, Spheroid, SurfaceCoord, UnitVector3};

    fn path(poses: &[(Point3, Vector3)]) -> Toolpath {
        let mut p = Toolpath::new();
        for (tip, axis) in poses {
            p.moves.push(Move::new(
                MoveKind::Cut,
                Pose::new(*tip, UnitVector3::new_normalize(*axis)),
                100.0,
            ));
        }
        p
    }

    #[test]
    fn a_holder_on_the_normal_clears_a_sphere_by_the_closed_form() {
        // Sphere of radius 20, tool on the normal at the equator 0.3 mm deep: the
        // middle of the holder's face is nearest, 14.7 mm out (its rim is at
        // |(34.7, 8)| − 20 = 15.6 mm).
        let egg = Spheroid::sphere(40.0).unwrap();
        let (p, n) = egg.point_normal(SurfaceCoord::new(0.0, 0.0));
        let tip = p - n.into_inner() * 0.3;
        let m = path(&[(tip, n.into_inner()), (tip, n.into_inner())]);
        let h = Holder::DEFAULT;
        let f = check_holder(&egg, &m, &h, 100.0);
        assert_eq!(f.len(), 1);
        let expected = 14.7;
        assert!(f[0].clearance <= expected + 1e-9, "{f:?}");
        assert!(f[0].clearance >= expected - HOLDER_SAMPLE_STEP, "{f:?}");
        // A 30 mm holder 3 mm out: the middle of its face is 2.7 mm out, its rim
        // |(22.7, 15)| − 20 = 7.2 mm (a capsule model would have said −12.3).
        let wide = Holder::new(3.0, 40.0, 30.0).unwrap();
        let f = check_holder(&egg, &m, &wide, 100.0);
        assert!((f[0].clearance - 2.7).abs() <= HOLDER_SAMPLE_STEP, "{f:?}");
        assert!(check_holder(&egg, &m, &h, HOLDER_MIN_CLEARANCE).is_empty());
    }

    #[test]
    fn a_tilted_tool_drives_a_wide_holder_into_the_shell() {
        // Tilted 90° from the normal (a four-axis machine far off the equator), the
        // face of a 16 mm holder 15 mm up reaches (11.7, 0, 15): 0.98 mm inside a 40 mm
        // sphere. On the normal it clears.
        let egg = Spheroid::sphere(40.0).unwrap();
        let (p, n) = egg.point_normal(SurfaceCoord::new(0.0, 0.0));
        let tip = p - n.into_inner() * 0.3;
        let tilt = 90f64.to_radians();
        let axis = n.into_inner() * tilt.cos() + Vector3::z() * tilt.sin();
        let m = path(&[(tip, n.into_inner()), (tip, axis)]);
        let f = check_holder(&egg, &m, &Holder::DEFAULT, 0.0);
        assert_eq!(f.len(), 1, "{f:?}");
        let inside = 11.7f64.hypot(15.0) - 20.0;
        assert!(
            f[0].clearance <= inside + 1e-9 && f[0].clearance > inside - HOLDER_SAMPLE_STEP,
            "{f:?}"
        );
        assert_eq!(f[0].kind, MoveKind::Cut);
    }

    #[test]
    fn holders_parse_and_bad_ones_are_refused() {
        let h = Holder::parse("40x16@12.5").unwrap();
        assert_eq!((h.length, h.diameter, h.stickout), (40.0, 16.0, 12.5));
        assert_eq!(Holder::parse("30X20").unwrap().stickout, 15.0);
        for bad in ["40", "x16", "40x-1", "40xNaN", "40x16@", "40x16@0"] {
            assert!(Holder::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Holder::DEFAULT.to_string(), "40x16@15");
    }
}
