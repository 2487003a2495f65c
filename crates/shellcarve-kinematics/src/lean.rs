//! Leaning the tool about the shell where a machine cannot hold it along the normal.
//!
//! A toolpath from `shellcarve-core` puts each tip `o` along the surface normal `n`
//! from its surface point `P` (`o > 0` above the shell, `o < 0` in it) and asks for
//! the tool along `n`. A four-axis rotary can only turn the tool about one axis: it
//! reaches the tip but holds the tool along the nearest axis `a` it has, tilted by
//! `φ` from `n`. Seen along the normal, the tool's part in the shell then spans
//! `|o|·tan φ` to one side of `P`: with the tip under `P` the groove slants out of the
//! letters at the surface (0.09 mm at 0.5 mm depth and 10° of tilt).
//!
//! [`lean_toolpath`] pivots each pose in the shell about the point half its depth
//! below `P`: the tip goes to `P + (o/2)·n + (o / (2 cos φ))·a`, at the same height
//! `o` along the normal, and the tool's axis crosses the normal through `P` halfway
//! down. The slant then reaches `|o|/2·tan φ` to either side, half the excursion of
//! either end held under `P` (the tip under `P` shifts the cut at the surface, the
//! tool through `P` at the surface undercuts the shell by the whole slant beside the
//! bottom). Poses above the shell pivot about `P` itself, so that the approach stays
//! on the tool's line and the change is continuous at the surface. The depth along
//! the normal is unchanged to second order in the shift over the shell's radius.
//!
//! A tilted tool also reaches below its tip: a flat end mill's rim by `r·sin φ`, a
//! ball by `r·(1 − cos φ)` ([`ToolProfile::reach_below_tip`]). Each tip in the shell
//! is raised along the normal by half of that, so that the floor of the cut spans the
//! asked depth evenly, from half that reach above it to half below.

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
}

/// Moves every tip of `toolpath` (in the workpiece frame) so that the tool the
/// `machine` can hold there pivots about a point on the normal through the tip's
/// surface point, half the tip's depth below it (the point itself above the shell),
/// as the module documentation describes. `placement` carries the egg's own frame, where `surface`
/// is described, into the workpiece frame (the identity unless a probe placed the
/// egg).
///
/// Tips in the shell are then raised along the normal by half the reach of the
/// `tool` below its tilted tip. Tool axes are kept as asked: the machine's inverse
/// kinematics picks the same joints' axis for them, and the planner still reports the
/// tilt. A machine that holds every axis leaves every tip where it is.
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
    let mut previous = None;
    for (index, m) in out.moves.iter_mut().enumerate() {
        let context = match &m.label {
            Some(l) => format!("move {} ({l})", index + 1),
            None => format!("move {}", index + 1),
        };
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
        // The pivot: half the depth below the surface point, or the point itself.
        let below = 0.5 * o.min(0.0);
        let pivot = on_shell + n.into_inner() * below;
        let mut tip = pivot + held.into_inner() * ((o - below) / cos);
        if o < 0.0 {
            let reach = tool.reach_below_tip(tilt);
            tip += n.into_inner() * (0.5 * reach);
            if reach > max_reach_below_tip {
                max_reach_below_tip = reach;
                max_reach_move = Some(index + 1);
            }
        }
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{XyzaRotary, XyzacTrt};
    use shellcarve_core::{EggSpec, Move, MoveKind, SurfaceCoord, Tool, UnitVector3, Vector3};

    /// A sharp V-bit: it reaches nothing below its tip at these tilts.
    fn sharp() -> ToolProfile {
        Tool::parse("v:60:0").unwrap().profile()
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

    /// On a four-axis rotary off the equator, every leaned tip lies on the held tool
    /// axis through its pivot (half its depth below the surface point, the point
    /// itself above the shell), at the same height along the normal; the shift is
    /// `|o|/2·tan φ` in the shell and `o·tan φ` above it.
    #[test]
    fn leaned_tips_sit_on_the_held_axis_through_the_pivot() {
        let egg = EggSpec::Sphere { diameter: 25.0 }.build().unwrap();
        let machine = XyzaRotary::preset();
        // A sphere of radius 12.5 about the origin; s is arc length from the equator.
        let points = [
            (0.0, 1.5, -0.5),
            (0.3, -1.2, -0.35),
            (1.0, 0.8, 2.0),
            (2.0, 3.0, -0.2),
        ];
        let original = path(egg.as_ref(), &points);
        let leaned = lean_toolpath(
            &machine,
            egg.as_ref(),
            &Isometry3::identity(),
            &sharp(),
            &original,
        )
        .unwrap();
        assert_eq!(leaned.max_reach_below_tip, 0.0);
        let mut worst_in_shell: f64 = 0.0;
        for ((theta, s, offset), (before, after)) in points
            .iter()
            .zip(original.moves.iter().zip(&leaned.toolpath.moves))
        {
            let (p, n) = egg.point_normal(SurfaceCoord::new(*theta, *s));
            let joints = machine.inverse(&after.pose, None, "test").unwrap();
            let held = machine.tool_axis(&joints);
            let cos = held.dot(&n);
            assert!(cos < 1.0 - 1e-6, "the machine tilts here");
            // On the held axis through the pivot, at the same height along n.
            let pivot = p + n.into_inner() * (0.5 * offset.min(0.0));
            let v = after.pose.tip - pivot;
            assert!(v.cross(&held).norm() < 1e-9, "{v:?} not along {held:?}");
            assert!(((after.pose.tip - p).dot(&n) - offset).abs() < 1e-9);
            // The axis asked for and the tip the machine reaches are kept.
            assert_eq!(after.pose.axis, before.pose.axis);
            let reached = machine.forward(&joints).tip;
            assert!((reached - after.pose.tip).norm() < 1e-9);
            let shift = (after.pose.tip - before.pose.tip).norm();
            let tan = (1.0 - cos * cos).sqrt() / cos;
            let lever = if *offset < 0.0 {
                -0.5 * offset
            } else {
                *offset
            };
            assert!((shift - lever * tan).abs() < 1e-9, "{shift}");
            if *offset < 0.0 {
                worst_in_shell = worst_in_shell.max(shift);
            }
        }
        assert!((leaned.max_shift - worst_in_shell).abs() < 1e-12);
        assert!(leaned.max_shift > 0.02);
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
            &Tool::parse("flat:0.5").unwrap().profile(),
            &original,
        )
        .unwrap();
        assert_eq!(leaned.toolpath, original);
        assert_eq!(leaned.max_reach_below_tip, 0.0);
        assert_eq!(leaned.max_shift, 0.0);
        assert_eq!(leaned.max_shift_move, None);
    }

    /// With the egg placed by a probe fit (moved and turned), the pivot is the surface
    /// point of the placed egg.
    #[test]
    fn the_pivot_follows_the_placed_egg() {
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
        let leaned =
            lean_toolpath(&machine, egg.as_ref(), &placement, &sharp(), &original).unwrap();
        let after = leaned.toolpath.moves[0].pose;
        let held = machine.tool_axis(&machine.inverse(&after, None, "test").unwrap());
        let v = after.tip - (p + n.into_inner() * (0.5 * offset));
        assert!(v.cross(&held).norm() < 1e-9);
        assert!(((after.tip - p).dot(&n) - offset).abs() < 1e-9);
        assert!(leaned.max_shift > 0.005);
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
            &sharp(),
            &p,
        )
        .unwrap_err();
        assert!(err.to_string().contains("move 1"), "{err}");
    }

    /// A flat end mill tilted by φ reaches `r·sin φ` below its tip: tips in the
    /// shell are raised by half of that along the normal, tips above it are not.
    #[test]
    fn tips_in_the_shell_rise_by_half_the_tilted_reach() {
        let egg = EggSpec::Sphere { diameter: 25.0 }.build().unwrap();
        let machine = XyzaRotary::preset();
        let points = [(0.0, 2.5, -0.05), (0.5, -3.0, -0.3), (1.0, 2.0, 1.0)];
        let original = path(egg.as_ref(), &points);
        let flat = Tool::parse("flat:0.5").unwrap().profile();
        let id = Isometry3::identity();
        let plain = lean_toolpath(&machine, egg.as_ref(), &id, &sharp(), &original).unwrap();
        let raised = lean_toolpath(&machine, egg.as_ref(), &id, &flat, &original).unwrap();
        let mut worst: f64 = 0.0;
        for ((theta, s, offset), (a, b)) in points
            .iter()
            .zip(plain.toolpath.moves.iter().zip(&raised.toolpath.moves))
        {
            let (_, n) = egg.point_normal(SurfaceCoord::new(*theta, *s));
            let held = machine.tool_axis(&machine.inverse(&b.pose, None, "test").unwrap());
            let reach = 0.25 * held.angle(&n).sin();
            let rise = if *offset < 0.0 { 0.5 * reach } else { 0.0 };
            assert!((b.pose.tip - (a.pose.tip + n.into_inner() * rise)).norm() < 1e-12);
            if *offset < 0.0 {
                worst = worst.max(reach);
            }
        }
        assert!(worst > 0.04, "{worst}");
        assert!((raised.max_reach_below_tip - worst).abs() < 1e-12);
    }
}
