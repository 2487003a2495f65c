//! From a toolpath in the workpiece frame to a machine program: inverse kinematics with
//! branch choice and C unwinding, axis limits, subdivision so that the interpolated
//! tip stays on the intended path, feeds, and a cycle-time estimate.

use shellcarve_core::{MoveKind, Pose, Toolpath, UnitVector3};

use crate::error::{KinematicsError, Result};
use crate::joints::{Axis, Joints};
use crate::machine::Machine;
use crate::program::{ControlMode, Feed, MachineMove, MachineProgram, Path};

/// Default largest distance between the interpolated tip and the intended straight
/// tip path (mm): 2 µm.
pub const DEFAULT_PATH_TOL: f64 = 0.002;
/// Default spindle speed (rpm).
pub const DEFAULT_RPM: f64 = 18_000.0;

/// Options for [`plan_program`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// How the controller interpolates (TCP or joint). Default [`ControlMode::Tcp`].
    pub mode: ControlMode,
    /// Largest tip deviation from the intended path (mm). Default [`DEFAULT_PATH_TOL`].
    pub path_tol: f64,
    /// Spindle speed (rpm). Default [`DEFAULT_RPM`].
    pub spindle_rpm: f64,
    /// Tool number for the tool change. Default 1.
    pub tool_number: u32,
    /// Header comment lines.
    pub header: Vec<String>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            mode: ControlMode::Tcp,
            path_tol: DEFAULT_PATH_TOL,
            spindle_rpm: DEFAULT_RPM,
            tool_number: 1,
            header: Vec::new(),
        }
    }
}

impl PlanOptions {
    /// Sets the control mode.
    pub fn with_mode(mut self, mode: ControlMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the spindle speed (rpm).
    pub fn with_rpm(mut self, rpm: f64) -> Self {
        self.spindle_rpm = rpm;
        self
    }

    /// Sets the path tolerance (mm).
    pub fn with_path_tol(mut self, tol: f64) -> Self {
        self.path_tol = tol;
        self
    }
}

/// Range of one axis over a program (mm or radians).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct AxisRange {
    /// The axis.
    pub axis: Axis,
    /// Smallest joint position.
    pub min: f64,
    /// Largest joint position.
    pub max: f64,
}

/// A planned program with what was measured while planning.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedProgram {
    /// The program for the post-processor.
    pub program: MachineProgram,
    /// Joint positions at the end of every block (equal to the targets in joint mode).
    pub joints: Vec<Joints>,
    /// Cycle time from the jerk-limited look-ahead planner (s; see `timing.rs`).
    pub cycle_time_s: f64,
    /// The naive estimate for comparison: feeds at face value, rapids at the axes'
    /// top speeds, no acceleration (s).
    pub naive_cycle_time_s: f64,
    /// Joint ranges of the machine's axes (mm or radians).
    pub axis_ranges: Vec<AxisRange>,
    /// Largest tip deviation from the intended path found after subdivision (mm).
    pub max_path_deviation: f64,
    /// Largest angle between the tool axis the machine reaches and the one the
    /// toolpath asks for (radians): the tilt error of a four-axis rotary off the egg's
    /// equator (see [`crate::XyzaRotary`]); on five-axis machines 0, except where the
    /// axis comes within the singular cone of the C axis (text over a pole), where
    /// holding C leaves an error below the cone.
    pub max_tilt_error: f64,
    /// The 1-based toolpath move where [`PlannedProgram::max_tilt_error`] occurs
    /// (`None` when it is 0).
    pub max_tilt_error_move: Option<usize>,
    /// Toolpath moves (1-based) that run slower than their requested feed because an
    /// axis would pass its top speed: the block time is set by that axis instead.
    pub feed_limited_moves: Vec<usize>,
}

/// How errors name toolpath move `index` (0-based): `move N (label)`, 1-based.
pub(crate) fn move_context(index: usize, m: &shellcarve_core::Move) -> String {
    match &m.label {
        Some(l) => format!("move {} ({l})", index + 1),
        None => format!("move {}", index + 1),
    }
}

/// Turns a toolpath into a machine program for `machine`.
///
/// Every pose is solved with [`Machine::inverse`] (branch inside the limits nearest
/// the previous joints; C unwound to the nearest equivalent angle). In joint mode each
/// feed move is bisected until the forward kinematics of the linearly interpolated
/// joints stay within `path_tol` of the straight tip segment; in TCP mode the
/// controller moves the tip straight itself. Every joint position is checked against
/// the axis limits.
pub fn plan_program(
    machine: &dyn Machine,
    toolpath: &Toolpath,
    options: &PlanOptions,
) -> Result<PlannedProgram> {
    if !(options.path_tol.is_finite() && options.path_tol > 0.0) {
        return Err(KinematicsError::InvalidParameter {
            name: "path tolerance (mm)".into(),
            value: options.path_tol,
            expected: "a positive length".into(),
        });
    }
    if !(options.spindle_rpm.is_finite()
        && options.spindle_rpm > 0.0
        && options.spindle_rpm <= 100_000.0)
    {
        return Err(KinematicsError::InvalidParameter {
            name: "--rpm".into(),
            value: options.spindle_rpm,
            expected: "a spindle speed from 1 to 100000 rpm".into(),
        });
    }
    let spindle = machine.spindle();
    if !spindle.contains(options.spindle_rpm) {
        return Err(KinematicsError::InvalidParameter {
            name: "--rpm".into(),
            value: options.spindle_rpm,
            expected: format!(
                "a speed the spindle of {} can run at: {} to {} rpm",
                machine.name(),
                spindle.min_rpm,
                spindle.max_rpm
            ),
        });
    }
    let mut moves = Vec::with_capacity(toolpath.moves.len());
    let mut max_tilt: f64 = 0.0;
    let mut max_tilt_move = None;
    let mut feed_limited: Vec<usize> = Vec::new();
    let mut joints_out = Vec::with_capacity(toolpath.moves.len());
    let mut prev: Option<(Pose, Joints)> = None;
    let mut max_dev: f64 = 0.0;
    let mut timed: Vec<crate::timing::TimedBlock> = Vec::with_capacity(toolpath.moves.len());
    for (index, m) in toolpath.moves.iter().enumerate() {
        let context = move_context(index, m);
        if m.kind.is_feed() && !(m.feed.is_finite() && m.feed > 0.0) {
            return Err(KinematicsError::InvalidParameter {
                name: format!("feed of {context}"),
                value: m.feed,
                expected: "a positive feed in mm/min".into(),
            });
        }
        let target = machine.inverse(&m.pose, prev.as_ref().map(|p| &p.1), &context)?;
        let tilt = machine.forward(&target).axis.angle(&m.pose.axis);
        if tilt > max_tilt {
            max_tilt = tilt;
            max_tilt_move = Some(index + 1);
        }
        let pieces = match (&prev, options.mode, m.kind.is_feed()) {
            (Some((from_pose, from_j)), ControlMode::Joint, true) => {
                let mut out = Vec::new();
                subdivide(
                    machine,
                    (from_pose, from_j),
                    (&m.pose, &target),
                    options.path_tol,
                    &context,
                    0,
                    &mut out,
                    &mut max_dev,
                )?;
                out
            }
            _ => vec![(m.pose, target)],
        };
        let mut from = prev;
        for (k, (pose, j)) in pieces.into_iter().enumerate() {
            let (feed, _seconds, limited) =
                block_feed(machine, from.as_ref(), (&pose, &j), m, options.mode);
            if limited && feed_limited.last() != Some(&(index + 1)) {
                feed_limited.push(index + 1);
            }
            if let Some((from_pose, from_j)) = &from {
                timed.push(if m.kind.is_feed() {
                    crate::timing::TimedBlock::feed(
                        *from_j,
                        j,
                        (pose.tip - from_pose.tip).norm(),
                        m.feed / 60.0,
                    )
                } else {
                    crate::timing::TimedBlock::rapid(*from_j, j)
                });
            }
            let program_target = match options.mode {
                ControlMode::Joint => j,
                ControlMode::Tcp => world_of(&pose, &j),
            };
            moves.push(MachineMove {
                target: program_target,
                path: Path::Linear,
                feed,
                line: None,
                comment: if k == 0 { m.label.clone() } else { None },
                cutting: m.kind.is_feed(),
            });
            joints_out.push(j);
            from = Some((pose, j));
        }
        prev = from;
    }
    let timing = crate::timing::time_blocks(machine, &timed);
    let axis_ranges = machine
        .axes()
        .iter()
        .map(|&axis| {
            let (min, max) = joints_out
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), j| {
                    (lo.min(j.get(axis)), hi.max(j.get(axis)))
                });
            AxisRange { axis, min, max }
        })
        .collect();
    Ok(PlannedProgram {
        program: MachineProgram {
            mode: options.mode,
            moves,
            spindle_rpm: options.spindle_rpm,
            tool_number: options.tool_number,
            header: options.header.clone(),
        },
        joints: joints_out,
        cycle_time_s: timing.total_s,
        naive_cycle_time_s: timing.naive_s,
        axis_ranges,
        max_path_deviation: max_dev,
        max_tilt_error: max_tilt,
        max_tilt_error_move: max_tilt_move,
        feed_limited_moves: feed_limited,
    })
}

/// TCP world coordinates: the tip in the workpiece frame with the joint angles.
fn world_of(pose: &Pose, j: &Joints) -> Joints {
    let mut w = *j;
    w.set(Axis::X, pose.tip.x);
    w.set(Axis::Y, pose.tip.y);
    w.set(Axis::Z, pose.tip.z);
    w
}

/// Time of a joint move at the axes' top speeds (s), acceleration left out: feed
/// moves at engraving feeds blend into each other and reach their speed within a few
/// micrometres (3 mm/s at 1000 mm/s² takes 4.5 µm).
pub fn axis_time(machine: &dyn Machine, from: &Joints, to: &Joints) -> f64 {
    machine
        .axes()
        .iter()
        .filter_map(|&a| {
            let lim = machine.limit(a)?;
            (lim.max_velocity > 0.0).then(|| (to.get(a) - from.get(a)).abs() / lim.max_velocity)
        })
        .fold(0.0, f64::max)
}

/// Time of a rapid from rest to rest (s): each axis follows a trapezoidal velocity
/// profile (accelerate at its top acceleration, cruise at its top speed, brake), or a
/// triangle when the move is too short to reach the top speed; the slowest axis sets
/// the time. Controllers stop at the end of a rapid before the direction changes, and
/// shellcarve's rapids are short hops, so acceleration matters there.
pub fn rapid_time(machine: &dyn Machine, from: &Joints, to: &Joints) -> f64 {
    machine
        .axes()
        .iter()
        .filter_map(|&a| {
            let lim = machine.limit(a)?;
            let d = (to.get(a) - from.get(a)).abs();
            let (v, acc) = (lim.max_velocity, lim.max_acceleration);
            if v <= 0.0 {
                return None;
            }
            Some(if acc <= 0.0 {
                d / v
            } else if d >= v * v / acc {
                d / v + v / acc
            } else {
                2.0 * (d / acc).sqrt()
            })
        })
        .fold(0.0, f64::max)
}

/// The feed word, the estimated duration (s) of one block, and whether an axis's top
/// speed (rather than the requested feed) sets that duration.
fn block_feed(
    machine: &dyn Machine,
    from: Option<&(Pose, Joints)>,
    to: (&Pose, &Joints),
    m: &shellcarve_core::Move,
    mode: ControlMode,
) -> (Feed, f64, bool) {
    if m.kind == MoveKind::Rapid {
        let t = from
            .map(|(_, j)| rapid_time(machine, j, to.1))
            .unwrap_or(0.0);
        return (Feed::Rapid, t, false);
    }
    let axis_s = from
        .map(|(_, j)| axis_time(machine, j, to.1))
        .unwrap_or(0.0);
    let len = from.map(|(p, _)| (to.0.tip - p.tip).norm()).unwrap_or(0.0);
    let at_feed = len / m.feed * 60.0;
    let limited = len > 1e-9 && axis_s > at_feed * (1.0 + 1e-9);
    let seconds = at_feed.max(axis_s);
    let feed = match mode {
        ControlMode::Tcp => Feed::UnitsPerMinute(m.feed),
        // G93: the block takes 1/F minutes. A block with no tip motion (pure rotation)
        // gets the time its axes need.
        ControlMode::Joint => Feed::InverseTime(60.0 / seconds.max(1e-6)),
    };
    (feed, seconds, limited)
}

/// Largest distance from the joint-interpolated tip to the straight segment, sampled.
fn deviation(machine: &dyn Machine, a: (&Pose, &Joints), b: (&Pose, &Joints)) -> f64 {
    let (p0, p1) = (a.0.tip, b.0.tip);
    let d = p1 - p0;
    let l2 = d.norm_squared();
    [0.25, 0.5, 0.75]
        .iter()
        .map(|&t| {
            let tip = machine.forward(&a.1.lerp(b.1, t)).tip;
            let u = if l2 > 0.0 {
                ((tip - p0).dot(&d) / l2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            (tip - (p0 + d * u)).norm()
        })
        .fold(0.0, f64::max)
}

#[allow(clippy::too_many_arguments, reason = "private recursive helper")]
fn subdivide(
    machine: &dyn Machine,
    a: (&Pose, &Joints),
    b: (&Pose, &Joints),
    tol: f64,
    context: &str,
    level: u32,
    out: &mut Vec<(Pose, Joints)>,
    max_dev: &mut f64,
) -> Result<()> {
    let dev = deviation(machine, a, b);
    if dev <= tol || level >= 20 {
        *max_dev = max_dev.max(dev);
        out.push((*b.0, *b.1));
        return Ok(());
    }
    let tip = a.0.tip + (b.0.tip - a.0.tip) * 0.5;
    let axis = UnitVector3::new_normalize(a.0.axis.into_inner() + b.0.axis.into_inner());
    let mid = Pose::new(tip, axis);
    // Solved near the joints' own midpoint: within the singular cone, where C is free,
    // that puts C halfway between the ends, so C turns evenly across the cone instead
    // of being held at one end and jumping at the other (a jump no subdivision could
    // shrink: the tip would swing round the C axis).
    let mj = machine.inverse(&mid, Some(&a.1.lerp(b.1, 0.5)), context)?;
    subdivide(
        machine,
        a,
        (&mid, &mj),
        tol,
        context,
        level + 1,
        out,
        max_dev,
    )?;
    subdivide(
        machine,
        (&mid, &mj),
        b,
        tol,
        context,
        level + 1,
        out,
        max_dev,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::machine::XyzacTrt;
    use shellcarve_core::{Move, Point3, Vector3};

    /// Tip on a circle of `radius` around Z over `span` radians, the axis along the
    /// outward normal tilted up by `tilt` (z component): like text on an egg.
    pub(crate) fn ring_path(n: usize, radius: f64, span: f64, tilt: f64) -> Toolpath {
        let mut path = Toolpath::new();
        for k in 0..=n {
            let th = span * (k as f64 / n as f64 - 0.5);
            let axis = UnitVector3::new_normalize(Vector3::new(th.cos(), th.sin(), tilt));
            let tip = Point3::new(radius * th.cos(), radius * th.sin(), 1.0);
            let kind = if k == 0 {
                MoveKind::Rapid
            } else {
                MoveKind::Cut
            };
            path.moves
                .push(Move::new(kind, Pose::new(tip, axis), 180.0));
        }
        path
    }

    #[test]
    fn joint_mode_subdivides_until_the_tip_stays_on_the_path() {
        let m = XyzacTrt::preset();
        let path = ring_path(20, 21.0, 5.0, 0.0);
        let o = PlanOptions::default().with_mode(ControlMode::Joint);
        let planned = plan_program(&m, &path, &o).unwrap();
        assert!(
            planned.program.moves.len() > 21 * 10,
            "{}",
            planned.program.moves.len()
        );
        assert!(planned.max_path_deviation <= o.path_tol);
        // Independent check: sample every block densely through forward kinematics.
        for w in planned.joints.windows(2) {
            let (a, b) = (m.forward(&w[0]).tip, m.forward(&w[1]).tip);
            for k in 1..10 {
                let tip = m.forward(&w[0].lerp(&w[1], k as f64 / 10.0)).tip;
                let d = b - a;
                let u = ((tip - a).dot(&d) / d.norm_squared()).clamp(0.0, 1.0);
                assert!((tip - (a + d * u)).norm() < 2.5e-3);
            }
        }
        // C travels continuously (no 360° jumps) and inverse-time feeds reproduce the
        // block time at 180 mm/min.
        for w in planned.joints.windows(2) {
            assert!((w[1].get(Axis::C) - w[0].get(Axis::C)).abs() < 0.5);
        }
        let expected = 5.0 * 21.0 / 180.0 * 60.0;
        assert!(
            (planned.cycle_time_s - expected).abs() / expected < 0.01,
            "{}",
            planned.cycle_time_s
        );
    }

    #[test]
    fn tcp_mode_keeps_one_block_per_move() {
        let m = XyzacTrt::preset();
        let path = ring_path(20, 21.0, 5.0, 0.0);
        let planned = plan_program(&m, &path, &PlanOptions::default()).unwrap();
        assert_eq!(planned.program.moves.len(), 21);
        let last = &planned.program.moves[20];
        assert!((last.target.get(Axis::X) - 21.0 * 2.5f64.cos()).abs() < 1e-12);
        assert!(matches!(last.feed, Feed::UnitsPerMinute(f) if f == 180.0));
    }

    #[test]
    fn joint_moves_past_the_pole_turn_c_evenly_and_keep_the_tip_on_the_path() {
        // Straight cuts 0.1 mm under a 40 mm sphere, passing 0.05 mm and 0.2 mm beside
        // the pole (inside the 1° singular cone, 0.35 mm across) in long moves: the
        // table must turn C by most of a half turn within the cone. Holding C at one end
        // of the cone and snapping to the other left a jump that no subdivision could
        // shrink (the tip swung round the C axis, 0.39 mm off the path).
        let m = XyzacTrt::preset();
        for offset in [0.05, 0.2] {
            let mut path = Toolpath::new();
            for k in 0..=8 {
                let y = -2.0 + 0.5 * k as f64;
                let on = Vector3::new(offset, y, (400.0 - offset * offset - y * y).sqrt());
                let n = on.normalize();
                let kind = if k == 0 {
                    MoveKind::Rapid
                } else {
                    MoveKind::Cut
                };
                path.moves.push(Move::new(
                    kind,
                    Pose::new(Point3::from(on - n * 0.1), UnitVector3::new_normalize(n)),
                    180.0,
                ));
            }
            let options = PlanOptions::default().with_mode(ControlMode::Joint);
            let planned = plan_program(&m, &path, &options).unwrap();
            assert!(
                planned.max_path_deviation <= options.path_tol,
                "offset {offset}: {}",
                planned.max_path_deviation
            );
            assert!(planned.max_tilt_error <= crate::SINGULAR_CONE + 1e-12);
        }
    }

    #[test]
    fn a_path_over_the_pole_does_not_spin_the_table() {
        // Tip 0.3 mm under a 40 mm sphere along the meridian through +X and the pole to
        // the far side, tool on the normal: the axis passes straight up.
        let m = XyzacTrt::preset();
        let mut path = Toolpath::new();
        for k in 0..=200 {
            let lat = (80.0 + 20.0 * k as f64 / 200.0).to_radians();
            let n = Vector3::new(lat.cos(), 0.0, lat.sin());
            let kind = if k == 0 {
                MoveKind::Rapid
            } else {
                MoveKind::Cut
            };
            let tip = Point3::from(n * 19.7);
            path.moves.push(Move::new(
                kind,
                Pose::new(tip, UnitVector3::new_normalize(n)),
                180.0,
            ));
        }
        for mode in [ControlMode::Tcp, ControlMode::Joint] {
            let planned = plan_program(&m, &path, &PlanOptions::default().with_mode(mode)).unwrap();
            for w in planned.joints.windows(2) {
                assert!(
                    (w[1].get(Axis::C) - w[0].get(Axis::C)).abs() < 1e-9,
                    "{mode:?}: C moved"
                );
                assert!((w[1].get(Axis::A) - w[0].get(Axis::A)).abs() < 0.2f64.to_radians());
            }
            // Within the 1° cone the axis error stays under the cone; tips are exact.
            assert!(
                planned.max_tilt_error <= crate::SINGULAR_CONE + 1e-12,
                "{}",
                planned.max_tilt_error
            );
            for (j, want) in planned.joints.iter().zip(path.moves.iter()).take(1) {
                assert!((m.forward(j).tip - want.pose.tip).norm() < 1e-9);
            }
            let last = planned.joints.last().unwrap();
            assert!((m.forward(last).tip - path.moves[200].pose.tip).norm() < 1e-9);
        }
    }

    #[test]
    fn moves_slowed_by_an_axis_are_named() {
        // A ring cut at 180 mm/min needs C at about 8.6°/s; limit C to 2°/s.
        let mut m = XyzacTrt::preset();
        m.limits[Axis::C.index()].max_velocity = 2f64.to_radians();
        let path = ring_path(20, 21.0, 1.0, 0.0);
        let planned = plan_program(&m, &path, &PlanOptions::default()).unwrap();
        assert_eq!(planned.feed_limited_moves, (2..=21).collect::<Vec<_>>());
        // Each cut then takes the time C needs: 0.05 rad at 2°/s, plus the ramps at the
        // start and end and the slight braking at the ring's corners (under 0.1%).
        let expected = 20.0 * 0.05 / 2f64.to_radians();
        assert!(
            planned.cycle_time_s >= expected && planned.cycle_time_s < 1.001 * expected,
            "{}",
            planned.cycle_time_s
        );
        // Feeds at face value would have said 20 chords of 1.05 mm at 180 mm/min.
        let chord = 2.0 * 21.0 * (0.025f64).sin();
        assert!(
            (planned.naive_cycle_time_s - 20.0 * chord / 3.0).abs() < 1e-9,
            "{}",
            planned.naive_cycle_time_s
        );
        let fast = plan_program(&XyzacTrt::preset(), &path, &PlanOptions::default()).unwrap();
        assert!(fast.feed_limited_moves.is_empty());
    }

    #[test]
    fn rapids_accelerate_and_stop() {
        let m = XyzacTrt::preset();
        let a = Joints::default();
        let mut b = a;
        // X: 100 mm/s, 1000 mm/s²: 3 mm never reaches top speed (needs 10 mm).
        b.set(Axis::X, 3.0);
        assert!((rapid_time(&m, &a, &b) - 2.0 * (0.003f64).sqrt()).abs() < 1e-12);
        b.set(Axis::X, 50.0);
        assert!((rapid_time(&m, &a, &b) - (0.5 + 0.1)).abs() < 1e-12);
    }

    #[test]
    fn unreachable_pose_names_axis_and_move() {
        let m = XyzacTrt::preset();
        let mut path = Toolpath::new();
        let down = UnitVector3::new_normalize(-Vector3::z());
        path.moves.push(Move::new(
            MoveKind::Rapid,
            Pose::new(Point3::new(0.0, 0.0, -30.0), down),
            0.0,
        ));
        let err = plan_program(&m, &path, &PlanOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("move 1") && err.contains("axis A"), "{err}");
    }
}
