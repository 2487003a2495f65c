//! Leaning the tool about the shell where a machine cannot hold it along the normal.
//!
//! A toolpath from `shellcarve-core` puts each tip `o` along the surface normal `n`
//! from its surface point `P` (`o > 0` above the shell, `o < 0` in it) and asks for
//! the tool along `n`. A four-axis rotary can only turn the tool about one axis: it
//! reaches the tip but holds the tool along the nearest axis `a` it has, tilted by
//! `φ` from `n`. Seen along the normal, the tool's part in the shell then spreads to
//! the side it leans toward: with the tip under `P` the groove slants out of the
//! letters (0.09 mm at 0.5 mm depth and 10° of tilt), and a V-bit's low flank
//! widens it further on that side.
//!
//! [`lean_toolpath`] moves each tip in the shell across the normal, against the
//! lean, so that the tilted tool's part below the surface is centred on `P` as seen
//! along the normal ([`ToolProfile::tilted_footprint`], for a flat surface): the
//! excess over the asked groove is then shared by both sides. For a deep ball that
//! is about the pivot halfway down (`|o|/2·tan φ`); for a wide V-bit, more. Poses
//! above the shell pivot about `P` itself, so that approaches stay on the tool's line.
//!
//! A tilted tool also reaches below its tip: a flat end mill's rim by `r·sin φ`, a
//! ball by `r·(1 − cos φ)` ([`ToolProfile::reach_below_tip`]). Each tip in the shell
//! is raised along the normal by half of that, so that the floor of the cut spans the
//! asked depth evenly, from half that reach above it to half below.
//!
//! What remains is reported: how far the centred footprint still reaches beyond the
//! untilted tool's radius at the asked depth ([`LeanedToolpath::max_overrun`]), which
//! the caller compares with what its design check allows.

use shellcarve_core::{Isometry3, Point3, Pose, Surface, ToolProfile, Toolpath};

use crate::error::Result;
use crate::machine::Machine;

/// Largest tilt (radians) a pose is leaned for: 60°. Beyond it `1 / cos φ` grows
/// without bound and the tool hardly points at the shell at all; those poses are left
/// where they are (the planner reports the tilt, and the simulation the cut).
pub const MAX_LEAN_TILT: f64 = std::f64::consts::FRAC_PI_3;

/// Tilts below this (radians) leave a pose as it is: 1 µrad moves a tip 2 nm at 2 mm.
const MIN_LEAN_TILT: f64 = 1e-6;

/// A toolpath leaned onto a machine's tool axes by [`lean_toolpath`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LeanedToolpath {
    /// The toolpath with its tips moved (axes, kinds, feeds and labels kept).
    pub toolpath: Toolpath,
    /// The largest distance a tip in the shell moved (mm); 0 when the machine holds
    /// every axis. (Tips above the shell move too, by their height times `tan φ`.)
    pub max_shift: f64,
    /// The 1-based move where [`LeanedToolpath::max_shift`] occurs.
    pub max_shift_move: Option<usize>,
    /// The most the tool reaches below its tip along the normal at any move in the
    /// shell, tilted as the machine holds it (mm): the cut's floor spans this much
    /// about the asked depth (tips are raised by half of it).
    pub max_reach_below_tip: f64,
    /// The 1-based move where [`LeanedToolpath::max_reach_below_tip`] occurs.
    pub max_reach_move: Option<usize>,
    /// How far, at most, the leaned tool's part in the shell reaches beyond the
    /// untilted tool's radius at the asked depth, seen along the normal (mm): how
    /// much wider than designed the groove comes out.
    pub max_overrun: f64,
    /// The 1-based move where [`LeanedToolpath::max_overrun`] occurs.
    pub max_overrun_move: Option<usize>,
}

/// Moves every tip of `toolpath` (in the workpiece frame) where the `machine` holds
/// the tool off the normal, as the module documentation describes: tips in the shell
/// across the normal so that the `tool`'s part below the surface is centred on the
/// tip's surface point, and up by half the tool's reach below its tilted tip; tips
/// above the shell onto the held axis through their surface point. `placement`
/// carries the egg's own frame, where `surface` is described, into the workpiece
/// frame (the identity unless a probe placed the egg).
///
/// Tool axes are kept as asked: the machine's inverse kinematics picks the same
/// joints' axis for them, and the planner still reports the tilt. A machine that
/// holds every axis leaves every tip where it is.
///
/// # Errors
///
/// The inverse-kinematics error of the first pose the machine cannot reach (a
/// non-finite pose or an axis limit), with the move named as the planner names it.
pub fn lean_toolpath(
    machine: &dyn Machine,
    surface: &dyn Surface,
    placement: &Isometry3,
    tool: &ToolProfile,
    toolpath: &Toolpath,
) -> Result<LeanedToolpath> {
    let to_egg = placement.inverse();
    let mut out = toolpath.clone();
    let mut max_shift = 0.0f64;
    let mut max_shift_move = None;
    let mut max_reach_below_tip = 0.0f64;
    let mut max_reach_move = None;
    let mut max_overrun = 0.0f64;
    let mut max_overrun_move = None;
    let mut previous = None;
    for (index, m) in out.moves.iter_mut().enumerate() {
        let context = crate::plan::move_context(index, m);
        let joints = machine.inverse(&m.pose, previous.as_ref(), &context)?;
        let held = machine.tool_axis(&joints);
        previous = Some(joints);
        let n = m.pose.axis;
        let cos = held.dot(&n).clamp(-1.0, 1.0);
        let tilt = cos.acos();
        if !(MIN_LEAN_TILT..=MAX_LEAN_TILT).contains(&tilt) {
            continue;
        }
        let closest = surface.closest(&(to_egg * m.pose.tip));
        let (on_shell, o): (Point3, f64) = (placement * closest.point, closest.signed_distance);
        let (n_v, held_v) = (n.into_inner(), held.into_inner());
        let tip = if o < 0.0 {
            // Raised by half the reach below the tip, then centred across the normal
            // along `e`, the direction the tool leans toward.
            let reach = tool.reach_below_tip(tilt);
            if reach > max_reach_below_tip {
                max_reach_below_tip = reach;
                max_reach_move = Some(index + 1);
            }
            let depth = -o - 0.5 * reach;
            let foot = tool.tilted_footprint(tilt, depth);
            let overrun = (0.5 * (foot.high - foot.low)).max(foot.across) - tool.radius_at(-o);
            if overrun > max_overrun {
                max_overrun = overrun;
                max_overrun_move = Some(index + 1);
            }
            let e = (held_v - n_v * cos).normalize();
            on_shell - n_v * depth - e * (0.5 * (foot.low + foot.high))
        } else {
            on_shell + held_v * (o / cos)
        };
        let shift = (tip - m.pose.tip).norm();
        if o < 0.0 && shift > max_shift {
            max_shift = shift;
            max_shift_move = Some(index + 1);
        }
        m.pose = Pose::new(tip, n);
    }
    Ok(LeanedToolpath {
        toolpath: out,
        max_shift,
        max_shift_move,
        max_reach_below_tip,
        max_reach_move,
        max_overrun,
        max_overrun_move,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{XyzaRotary, XyzacTrt};
    use shellcarve_core::{EggSpec, Move, MoveKind, SurfaceCoord, Tool, UnitVector3, Vector3};

    fn profile(spec: &str) -> ToolProfile {
        Tool::parse(spec).unwrap().profile()
    }

    /// A pose `offset` along the normal from the surface point at `c`.
    fn pose(surface: &dyn Surface, c: SurfaceCoord, offset: f64) -> Pose {
        let (p, n) = surface.point_normal(c);
        Pose::new(p + n.into_inner() * offset, n)
    }

    fn path(surface: &dyn Surface, points: &[(f64, f64, f64)]) -> Toolpath {
        let mut p = Toolpath::new();
        for &(theta, s, offset) in points {
            p.moves.push(Move::new(
                MoveKind::Cut,
                pose(surface, SurfaceCoord::new(theta, s), offset),
                180.0,
            ));
        }
        p
    }

    /// Checks one leaned pose against its surface point `p`, normal `n` and asked
    /// offset: the normal height (raised by half the reach below the tip in the
    /// shell), the centred footprint across the normal in the shell, the held axis
    /// through `p` above it; the axis asked for is kept and the machine reaches the
    /// tip. Returns the lateral shift and the overrun.
    fn check(
        machine: &dyn Machine,
        tool: &ToolProfile,
        (p, n): (Point3, UnitVector3),
        offset: f64,
        before: &Pose,
        after: &Pose,
    ) -> (f64, f64) {
        let joints = machine.inverse(after, None, "test").unwrap();
        let held = machine.tool_axis(&joints);
        assert_eq!(after.axis, before.axis);
        assert!((machine.forward(&joints).tip - after.tip).norm() < 1e-9);
        let cos = held.dot(&n);
        let tilt = cos.acos();
        assert!(tilt > 1e-3, "the machine tilts here");
        let e = (held.into_inner() - n.into_inner() * cos).normalize();
        let v = after.tip - p;
        if offset < 0.0 {
            let reach = tool.reach_below_tip(tilt);
            assert!((v.dot(&n) - (offset + 0.5 * reach)).abs() < 1e-9);
            let foot = tool.tilted_footprint(tilt, -offset - 0.5 * reach);
            let lateral = v.dot(&e);
            assert!(
                (lateral + 0.5 * (foot.low + foot.high)).abs() < 1e-9,
                "{lateral}"
            );
            // Nothing sideways but along the lean.
            assert!((v - n.into_inner() * v.dot(&n) - e * lateral).norm() < 1e-9);
            let over = (0.5 * (foot.high - foot.low)).max(foot.across) - tool.radius_at(-offset);
            (lateral, over)
        } else {
            assert!(v.cross(&held).norm() < 1e-9, "{v:?} not along {held:?}");
            assert!((v.dot(&n) - offset).abs() < 1e-9);
            (v.dot(&e), 0.0)
        }
    }

    /// On a four-axis rotary off the equator every leaned tip centres the tool's
    /// footprint (for a deep ball in closed form), approaches lie on the held axis,
    /// and the report's largest overrun is the poses' largest.
    #[test]
    fn leaned_tips_centre_the_tilted_footprint() {
        let egg = EggSpec::Sphere { diameter: 25.0 }.build().unwrap();
        let machine = XyzaRotary::preset();
        let points = [
            (0.0, 1.5, -0.5),
            (0.3, -1.2, -0.35),
            (1.0, 0.8, 2.0),
            (2.0, 3.0, -0.2),
        ];
        let original = path(egg.as_ref(), &points);
        let id = Isometry3::identity();
        for spec in ["ball:0.2", "v:77.5:0", "flat:0.3"] {
            let tool = profile(spec);
            let leaned = lean_toolpath(&machine, egg.as_ref(), &id, &tool, &original).unwrap();
            let mut worst: f64 = 0.0;
            for ((theta, s, offset), (before, after)) in points
                .iter()
                .zip(original.moves.iter().zip(&leaned.toolpath.moves))
            {
                let at = egg.point_normal(SurfaceCoord::new(*theta, *s));
                let (lateral, over) =
                    check(&machine, &tool, at, *offset, &before.pose, &after.pose);
                worst = worst.max(over);
                if spec == "ball:0.2" && *offset < 0.0 {
                    // The shank crosses the surface d·tan φ + r/c ahead, the ball
                    // reaches r(s − 1) behind: centred between them.
                    let tilt = machine
                        .tool_axis(&machine.inverse(&after.pose, None, "t").unwrap())
                        .angle(&at.1);
                    let (r, (sin, cos)) = (0.1, tilt.sin_cos());
                    let d = -offset - 0.5 * r * (1.0 - cos);
                    let want = -0.5 * (d * tilt.tan() + r / cos + r * (sin - 1.0));
                    assert!((lateral - want).abs() < 1e-5, "{lateral} {want}");
                }
            }
            assert!((leaned.max_overrun - worst).abs() < 1e-12, "{spec}");
            assert!(leaned.max_shift > 0.01, "{spec}");
        }
    }

    /// A five-axis machine holds every axis: nothing moves.
    #[test]
    fn a_five_axis_machine_leaves_the_tips() {
        let egg = EggSpec::DEFAULT.build().unwrap();
        let points = [(0.0, 2.0, -0.35), (1.0, -3.0, -0.35), (2.5, 5.0, 2.0)];
        let original = path(egg.as_ref(), &points);
        let leaned = lean_toolpath(
            &XyzacTrt::preset(),
            egg.as_ref(),
            &Isometry3::identity(),
            &profile("flat:0.5"),
            &original,
        )
        .unwrap();
        assert_eq!(leaned.toolpath, original);
        assert_eq!(leaned.max_shift, 0.0);
        assert_eq!(leaned.max_shift_move, None);
        assert_eq!(leaned.max_reach_below_tip, 0.0);
        assert_eq!(leaned.max_overrun, 0.0);
    }

    /// With the egg placed by a probe fit (moved and turned), the tip is centred
    /// about the placed egg's surface point.
    #[test]
    fn the_lean_follows_the_placed_egg() {
        let egg = EggSpec::Sphere { diameter: 25.0 }.build().unwrap();
        let machine = XyzaRotary::preset();
        let placement = Isometry3::new(Vector3::new(0.4, -0.3, 0.2), Vector3::new(0.0, 0.03, 0.02));
        let (theta, s, offset) = (0.2, 2.0, -0.4);
        let (p, n) = egg.point_normal(SurfaceCoord::new(theta, s));
        let (p, n) = (
            placement * p,
            UnitVector3::new_normalize(placement.rotation * n.into_inner()),
        );
        let mut original = Toolpath::new();
        original.moves.push(Move::new(
            MoveKind::Cut,
            Pose::new(p + n.into_inner() * offset, n),
            180.0,
        ));
        let tool = profile("ball:0.2");
        let leaned = lean_toolpath(&machine, egg.as_ref(), &placement, &tool, &original).unwrap();
        let before = original.moves[0].pose;
        let after = leaned.toolpath.moves[0].pose;
        check(&machine, &tool, (p, n), offset, &before, &after);
        assert!(leaned.max_shift > 0.005);
    }

    /// A flat end mill tilted by φ reaches `r·sin φ` below its tip: tips in the
    /// shell are raised by half of that.
    #[test]
    fn tips_in_the_shell_rise_by_half_the_tilted_reach() {
        let egg = EggSpec::Sphere { diameter: 25.0 }.build().unwrap();
        let machine = XyzaRotary::preset();
        let points = [(0.0, 2.5, -0.05), (0.5, -3.0, -0.3), (1.0, 2.0, 1.0)];
        let original = path(egg.as_ref(), &points);
        let flat = profile("flat:0.5");
        let id = Isometry3::identity();
        let raised = lean_toolpath(&machine, egg.as_ref(), &id, &flat, &original).unwrap();
        let mut worst: f64 = 0.0;
        for ((theta, s, offset), (before, after)) in points
            .iter()
            .zip(original.moves.iter().zip(&raised.toolpath.moves))
        {
            let at = egg.point_normal(SurfaceCoord::new(*theta, *s));
            check(&machine, &flat, at, *offset, &before.pose, &after.pose);
            if *offset < 0.0 {
                let held = machine.tool_axis(&machine.inverse(&after.pose, None, "t").unwrap());
                worst = worst.max(0.25 * held.angle(&at.1).sin());
            }
        }
        assert!(worst > 0.04, "{worst}");
        assert!((raised.max_reach_below_tip - worst).abs() < 1e-12);
    }

    /// A non-finite pose is refused with the move named.
    #[test]
    fn a_nan_pose_is_refused_with_its_move() {
        let egg = EggSpec::DEFAULT.build().unwrap();
        let mut p = Toolpath::new();
        p.moves.push(Move::new(
            MoveKind::Cut,
            Pose::new(
                Point3::new(f64::NAN, 0.0, 0.0),
                UnitVector3::new_normalize(Vector3::x()),
            ),
            180.0,
        ));
        let err = lean_toolpath(
            &XyzaRotary::preset(),
            egg.as_ref(),
            &Isometry3::identity(),
            &profile("v:60:0"),
            &p,
        )
        .unwrap_err();
        assert!(err.to_string().contains("move 1"), "{err}");
    }
}
