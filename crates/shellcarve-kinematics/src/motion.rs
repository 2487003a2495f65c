//! Tool motion as the controller executes a machine program: programmed coordinates
//! interpolated the way the controller does (linearly in world coordinates for TCP,
//! linearly in joints for joint mode, arcs in their plane) and turned into tool poses
//! in the workpiece frame by the machine model.

use std::f64::consts::TAU;

use shellcarve_core::{Move, MoveKind, Pose, Toolpath};

use crate::error::{KinematicsError, Result};
use crate::joints::{Axis, Joints};
use crate::machine::Machine;
use crate::path::path_point;
use crate::program::{ControlMode, Feed, MachineProgram, Path};
use crate::timing::{time_blocks, TimedBlock, TimedProgram};

/// Default largest tip step between samples of a curved tip path (mm).
pub const DEFAULT_SAMPLE_STEP: f64 = 0.05;
/// Default largest turn of the tool axis between samples (radians): 0.5°.
pub const DEFAULT_SAMPLE_ANGLE: f64 = 0.5 * std::f64::consts::PI / 180.0;

/// Options for [`sample_motion`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SampleOptions {
    /// Largest tip step between samples where the tip path is curved (mm). Default
    /// [`DEFAULT_SAMPLE_STEP`].
    pub max_step: f64,
    /// Largest turn of the tool axis between samples (radians). Default
    /// [`DEFAULT_SAMPLE_ANGLE`].
    pub max_angle: f64,
    /// Where the machine is before the first block (program coordinates). Default: the
    /// first block's own target (the first move is then not a motion).
    pub start: Option<Joints>,
}

impl Default for SampleOptions {
    fn default() -> Self {
        Self {
            max_step: DEFAULT_SAMPLE_STEP,
            max_angle: DEFAULT_SAMPLE_ANGLE,
            start: None,
        }
    }
}

/// The pose for programmed coordinates `c` in a control mode.
pub fn pose_of(machine: &dyn Machine, mode: ControlMode, c: &Joints) -> Pose {
    match mode {
        ControlMode::Joint => machine.forward(c),
        ControlMode::Tcp => Pose::new(
            shellcarve_core::Point3::new(c.get(Axis::X), c.get(Axis::Y), c.get(Axis::Z)),
            machine.tool_axis(c),
        ),
    }
}

/// Joint positions for programmed coordinates `c` in a control mode.
pub fn joints_of(machine: &dyn Machine, mode: ControlMode, c: &Joints) -> Joints {
    match mode {
        ControlMode::Joint => *c,
        ControlMode::Tcp => machine.world_to_joints(c),
    }
}

fn classify(feed: &Feed, from: &Pose, to: &Pose) -> MoveKind {
    if matches!(feed, Feed::Rapid) {
        return MoveKind::Rapid;
    }
    let d = to.tip - from.tip;
    let len = d.norm();
    let along = d.dot(&to.axis);
    if len > 1e-9 && along.abs() > 0.7 * len {
        if along < 0.0 {
            MoveKind::Plunge
        } else {
            MoveKind::Retract
        }
    } else {
        MoveKind::Cut
    }
}

/// Samples the tool motion of a program in the workpiece frame.
///
/// Each block gives one or more moves: TCP linear blocks move the tip straight, so they
/// are split only where the tool axis turns more than `max_angle` (or a rotary axis
/// does: a swing to the axes' other solution for the same pose turns the tool all the
/// way round and back); joint-mode blocks and arcs are split every `max_step` of tip
/// travel as well. Feed blocks are
/// classified as plunge (tip moving into the tool axis direction), retract, or cut.
pub fn sample_motion(
    machine: &dyn Machine,
    program: &MachineProgram,
    options: &SampleOptions,
) -> Result<Toolpath> {
    let bad = |name: &str, v: f64| KinematicsError::InvalidParameter {
        name: name.into(),
        value: v,
        expected: "a positive number".into(),
    };
    if !(options.max_step.is_finite() && options.max_step > 0.0) {
        return Err(bad("sample step (mm)", options.max_step));
    }
    if !(options.max_angle.is_finite() && options.max_angle > 0.0) {
        return Err(bad("sample angle (radians)", options.max_angle));
    }
    let mode = program.mode;
    let mut path = Toolpath::new();
    let mut prev: Option<Joints> = options.start;
    for (index, block) in program.moves.iter().enumerate() {
        if !block.target.is_finite() {
            return Err(KinematicsError::NonFinite {
                context: format!("block {}", block.line.unwrap_or(index + 1)),
            });
        }
        let end_pose = pose_of(machine, mode, &block.target);
        let Some(from) = prev else {
            let mut m = Move::new(MoveKind::Rapid, end_pose, 0.0);
            m.line = block.line;
            path.moves.push(m);
            prev = Some(block.target);
            continue;
        };
        let start_pose = pose_of(machine, mode, &from);
        // The axis turns along the block at least as far as between its ends, and by
        // no more than its rotary joints turn: a block that takes the rotary axes
        // round to their other solution for the same pose ends where it starts but
        // swings the tool through everything between (and in joint mode the tip).
        let turn = start_pose.axis.angle(&end_pose.axis);
        let rotary = machine
            .axes()
            .iter()
            .filter(|a| a.is_rotary())
            .map(|&a| (block.target.get(a) - from.get(a)).abs())
            .fold(0.0, f64::max);
        let curved = mode == ControlMode::Joint || matches!(block.path, Path::Arc { .. });
        let mut n = (turn.max(rotary) / options.max_angle).ceil().max(1.0);
        if curved {
            let travel = match block.path {
                Path::Arc {
                    center,
                    plane,
                    turns,
                    ..
                } => {
                    // Two chords through the middle of the arc, plus any full turns.
                    let r = (from.values[plane[0]] - center[0])
                        .hypot(from.values[plane[1]] - center[1]);
                    let mid = pose_of(
                        machine,
                        mode,
                        &path_point(&from, &block.target, &block.path, 0.5),
                    )
                    .tip;
                    (mid - start_pose.tip).norm()
                        + (end_pose.tip - mid).norm()
                        + f64::from(turns) * TAU * r
                }
                Path::Linear => (end_pose.tip - start_pose.tip).norm(),
            };
            n = n.max((travel / options.max_step).ceil());
        }
        let n = n.min(1e6) as usize;
        let mut last = start_pose;
        let (feed_rate, kind_feed) = match block.feed {
            Feed::Rapid => (0.0, Feed::Rapid),
            Feed::UnitsPerMinute(f) => (f, block.feed),
            Feed::InverseTime(f) => {
                let len = (end_pose.tip - start_pose.tip).norm();
                (f * len.max(1e-9), block.feed)
            }
        };
        for k in 1..=n {
            let c = if k == n {
                block.target
            } else {
                path_point(&from, &block.target, &block.path, k as f64 / n as f64)
            };
            let pose = pose_of(machine, mode, &c);
            let mut m = Move::new(classify(&kind_feed, &last, &pose), pose, feed_rate);
            m.line = block.line;
            path.moves.push(m);
            last = pose;
        }
        prev = Some(block.target);
    }
    Ok(path)
}

/// Every block whose joint positions leave the machine's travel, as errors naming the
/// block (G-code line), axis, value and limit.
pub fn check_program_limits(
    machine: &dyn Machine,
    program: &MachineProgram,
) -> Vec<KinematicsError> {
    program
        .moves
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let j = joints_of(machine, program.mode, &b.target);
            let context = match b.line {
                Some(l) => format!("line {l}"),
                None => format!("block {}", i + 1),
            };
            machine.check_limits(&j, &context).err()
        })
        .collect()
}

/// Run time of a program (s) from the jerk-limited look-ahead planner (see
/// [`time_program`]).
pub fn estimate_cycle_time(machine: &dyn Machine, program: &MachineProgram) -> f64 {
    time_program(machine, program).total_s
}

/// Which distance a G94 feed (mm/min) runs over when the program gives joint
/// positions (in TCP mode it is always the tool tip's path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FeedDistance {
    /// LinuxCNC: the XYZ distance when the block moves a linear axis, otherwise the
    /// rotary axes' distance in degrees.
    #[default]
    Linuxcnc,
    /// Grbl: the distance over all axes together, rotary ones counted in degrees.
    AllAxes,
}

/// [`time_program_with`] with LinuxCNC's rule for G94 feeds in joint mode.
pub fn time_program(machine: &dyn Machine, program: &MachineProgram) -> TimedProgram {
    time_program_with(machine, program, FeedDistance::Linuxcnc)
}

/// Times a program with the jerk-limited look-ahead planner of `timing.rs`. Feed
/// blocks run along the tool tip's path (its length from the forward kinematics of the
/// block's ends; arcs by their chord) at the speed that fills the block's programmed
/// time: the tip path at F in TCP mode, the distance `rule` names at F for G94 feeds in
/// joint mode, 1/F minutes for G93. Rapids, and blocks that only turn rotary axes,
/// run from rest to rest. Also gives the naive estimate.
pub fn time_program_with(
    machine: &dyn Machine,
    program: &MachineProgram,
    rule: FeedDistance,
) -> TimedProgram {
    let mut blocks = Vec::with_capacity(program.moves.len());
    let mut prev: Option<Joints> = None;
    for b in &program.moves {
        let Some(from) = prev else {
            prev = Some(b.target);
            continue;
        };
        let (ja, jb) = (
            joints_of(machine, program.mode, &from),
            joints_of(machine, program.mode, &b.target),
        );
        let length = (machine.forward(&jb).tip - machine.forward(&ja).tip).norm();
        // Seconds the program asks the block to take.
        let asked = match (b.feed, program.mode) {
            (Feed::Rapid, _) => None,
            (Feed::UnitsPerMinute(f), ControlMode::Tcp) if f > 0.0 => Some(length / f * 60.0),
            (Feed::UnitsPerMinute(f), ControlMode::Joint) if f > 0.0 => {
                Some(feed_distance(&from, &b.target, rule) / f * 60.0)
            }
            (Feed::InverseTime(f), _) if f > 0.0 => Some(60.0 / f),
            _ => None,
        };
        blocks.push(match asked {
            Some(t) if length > 1e-9 && t > 0.0 => TimedBlock::feed(ja, jb, length, length / t),
            _ => TimedBlock::rapid(ja, jb),
        });
        prev = Some(b.target);
    }
    time_blocks(machine, &blocks)
}

/// The distance a G94 feed runs over between two joint positions (mm, degrees).
fn feed_distance(from: &Joints, to: &Joints, rule: FeedDistance) -> f64 {
    let d = |a: Axis| {
        let v = to.get(a) - from.get(a);
        if !a.is_rotary() {
            v
        } else {
            v.to_degrees()
        }
    };
    let linear = [Axis::X, Axis::Y, Axis::Z];
    let rotary = [Axis::A, Axis::B, Axis::C];
    let norm = |axes: &[Axis]| axes.iter().map(|&a| d(a) * d(a)).sum::<f64>().sqrt();
    match rule {
        FeedDistance::AllAxes => norm(&[linear, rotary].concat()),
        FeedDistance::Linuxcnc => {
            let xyz = norm(&linear);
            if xyz > 1e-12 {
                xyz
            } else {
                norm(&rotary)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::XyzacTrt;
    use crate::plan::{plan_program, PlanOptions};

    /// A straight cutting block to `target`.
    fn block(target: Joints, feed: Feed) -> crate::program::MachineMove {
        crate::program::MachineMove {
            target,
            path: Path::Linear,
            feed,
            line: None,
            comment: None,
            cutting: true,
        }
    }

    #[test]
    fn sampled_motion_passes_through_the_planned_poses() {
        let m = XyzacTrt::preset();
        for mode in [ControlMode::Tcp, ControlMode::Joint] {
            let path = crate::plan::tests::ring_path(40, 21.0, 2.0, 0.2);
            let planned = plan_program(&m, &path, &PlanOptions::default().with_mode(mode)).unwrap();
            let motion = sample_motion(&m, &planned.program, &SampleOptions::default()).unwrap();
            // Every planned pose appears in the sampled motion, and every sample lies
            // within the path tolerance of the intended polyline.
            for want in &path.moves {
                let hit = motion.moves.iter().any(|s| {
                    (s.pose.tip - want.pose.tip).norm() < 1e-9
                        && (s.pose.axis.into_inner() - want.pose.axis.into_inner()).norm() < 1e-9
                });
                assert!(hit, "{mode:?}: pose missing");
            }
            for s in &motion.moves {
                let r = s.pose.tip.x.hypot(s.pose.tip.y);
                assert!(r <= 21.0 + 1e-9 && r > 21.0 * (1.0f64 / 40.0).cos() - 2.1e-3);
            }
            assert_eq!(motion.count(MoveKind::Rapid), 1);
            let t = estimate_cycle_time(&m, &planned.program);
            assert!(
                (t - planned.cycle_time_s).abs() < 1e-6 * t,
                "{mode:?} {t} {}",
                planned.cycle_time_s
            );
        }
    }

    #[test]
    fn arcs_are_interpolated_on_their_circle() {
        let m = XyzacTrt::preset();
        let mut program = MachineProgram {
            mode: ControlMode::Tcp,
            moves: vec![],
            spindle_rpm: 1.0,
            tool_number: 1,
            header: vec![],
        };
        let start = Joints::new([1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        program.moves.push(crate::program::MachineMove {
            target: Joints::new([0.0, 1.0, 0.0, 0.0, 0.0, 0.0]),
            path: Path::Arc {
                center: [0.0, 0.0],
                clockwise: false,
                turns: 0,
                plane: [0, 1, 2],
            },
            feed: Feed::UnitsPerMinute(100.0),
            line: Some(3),
            comment: None,
            cutting: true,
        });
        let o = SampleOptions {
            start: Some(start),
            ..SampleOptions::default()
        };
        let motion = sample_motion(&m, &program, &o).unwrap();
        assert!(motion.moves.len() >= 30);
        for s in &motion.moves {
            assert!((s.pose.tip.x.hypot(s.pose.tip.y) - 1.0).abs() < 1e-12);
            assert!(s.pose.tip.x >= -1e-12 && s.pose.tip.y >= -1e-12);
            assert_eq!(s.line, Some(3));
        }
    }

    #[test]
    fn g94_feeds_in_joint_mode_run_over_the_distance_the_controller_uses() {
        let m = crate::machine::XyzaRotary::preset();
        let mut a = Joints::default();
        a.set(Axis::Z, 30.0);
        let mut b = a;
        b.set(Axis::X, 30.0);
        b.set(Axis::A, 40f64.to_radians());
        let program = MachineProgram {
            mode: ControlMode::Joint,
            moves: vec![block(a, Feed::Rapid), block(b, Feed::UnitsPerMinute(60.0))],
            spindle_rpm: 18_000.0,
            tool_number: 1,
            header: Vec::new(),
        };
        // LinuxCNC: F over XYZ (30 mm); Grbl: over X and A together (|(30, 40)| = 50).
        let lx = time_program_with(&m, &program, FeedDistance::Linuxcnc);
        let grbl = time_program_with(&m, &program, FeedDistance::AllAxes);
        assert!((lx.naive_s - 30.0).abs() < 1e-9, "{}", lx.naive_s);
        assert!((grbl.naive_s - 50.0).abs() < 1e-9, "{}", grbl.naive_s);
        // The planner adds only the ramps at the ends on so slow a block.
        assert!(lx.total_s >= lx.naive_s && lx.total_s < lx.naive_s + 0.5);
    }

    /// A feed block that takes the rotary axes round to their other solution for the
    /// same pose (A to −A, C by 180°) starts and ends with the same tool axis, but the
    /// tool swings through everything between: it is sampled by the rotary turn, and
    /// the samples show the swing.
    #[test]
    fn a_swing_to_the_other_rotary_solution_is_sampled() {
        let m = XyzacTrt::preset();
        let pose = Pose::new(
            shellcarve_core::Point3::new(5.0, 1.0, 15.0),
            shellcarve_core::UnitVector3::new_normalize(shellcarve_core::Vector3::new(
                0.4, 0.2, 1.0,
            )),
        );
        let both = m.inverse_all(&pose, None);
        assert_eq!(both.len(), 2);
        let (a, b) = (both[0], both[1]);
        assert!(
            (a.get(Axis::A) + b.get(Axis::A)).abs() < 1e-9,
            "{a:?} {b:?}"
        );
        for mode in [ControlMode::Tcp, ControlMode::Joint] {
            let program = MachineProgram {
                mode,
                moves: vec![block(a, Feed::Rapid), block(b, Feed::UnitsPerMinute(60.0))],
                spindle_rpm: 18_000.0,
                tool_number: 1,
                header: Vec::new(),
            };
            let motion = sample_motion(&m, &program, &SampleOptions::default()).unwrap();
            let ends = pose_of(&m, mode, &a);
            assert!(ends.axis.angle(&pose_of(&m, mode, &b).axis) < 1e-9);
            let swing = motion
                .moves
                .iter()
                .map(|s| s.pose.axis.angle(&ends.axis))
                .fold(0.0, f64::max);
            let tilt = ends
                .axis
                .angle(&shellcarve_core::UnitVector3::new_normalize(
                    shellcarve_core::Vector3::z(),
                ));
            // Through A = 0: the tool passes upright on the way.
            assert!(swing > tilt - 1e-3, "{mode:?}: swing {swing} tilt {tilt}");
            let steps = (2.0 * a.get(Axis::A).abs()).max((a.get(Axis::C) - b.get(Axis::C)).abs())
                / DEFAULT_SAMPLE_ANGLE;
            assert!(
                motion.moves.len() as f64 >= steps,
                "{mode:?}: {}",
                motion.moves.len()
            );
        }
    }
}
