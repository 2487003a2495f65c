//! Machine models, inverse and forward kinematics, subdivision and cycle time.
//!
//! Poses come in the workpiece frame W of `shellcarve-core` (tool tip and unit tool
//! axis); joint positions are mm for linear axes and radians for rotary ones. The
//! default machine is a table-table AC trunnion as LinuxCNC's `xyzac-trt-kins`.
//!
//! ```
//! use shellcarve_core::{Move, MoveKind, Point3, Pose, Toolpath, UnitVector3, Vector3};
//! use shellcarve_kinematics::*;
//!
//! let machine = XyzacTrt::preset();
//! // A tip on the equator of an egg, tool along the outward normal (+X).
//! let pose = Pose::new(Point3::new(21.15, 0.0, 0.0), UnitVector3::new_normalize(Vector3::x()));
//! let joints = machine.inverse(&pose, None, "example")?;
//! assert!((joints.get(Axis::A).to_degrees() - 90.0).abs() < 1e-9);
//! let back = machine.forward(&joints);
//! assert!((back.tip - pose.tip).norm() < 1e-12);
//!
//! let mut path = Toolpath::new();
//! path.moves.push(Move::new(MoveKind::Cut, pose, 180.0));
//! let planned = plan_program(&machine, &path, &PlanOptions::default())?;
//! assert_eq!(planned.program.moves.len(), 1);
//! # Ok::<(), KinematicsError>(())
//! ```

mod error;
mod joints;
mod lean;
mod machine;
mod motion;
mod path;
mod plan;
mod program;
mod timing;

pub use error::{KinematicsError, Result};
pub use joints::{Axis, AxisLimit, Joints, SpindleRange};
pub use lean::{lean_toolpath, LeanedToolpath, MAX_LEAN_TILT};
pub use machine::{
    machine_by_name, unwind_near, AxesConfig, AxisConfig, Machine, MachineConfig, MachineKind,
    OffsetsConfig, SpindleConfig, XyzaRotary, XyzacTrt, XyzbcHeadTable, XyzbcTrt, MACHINE_NAMES,
    SINGULAR_CONE, SINGULAR_SIN,
};
pub use motion::{
    check_program_limits, estimate_cycle_time, joints_of, pose_of, sample_motion, time_program,
    time_program_with, FeedDistance, SampleOptions, DEFAULT_SAMPLE_ANGLE, DEFAULT_SAMPLE_STEP,
};
pub use path::{arc_sweep, path_length, path_point};
pub use plan::{
    axis_time, plan_program, rapid_time, AxisRange, PlanOptions, PlannedProgram, DEFAULT_PATH_TOL,
    DEFAULT_RPM,
};
pub use program::{ControlMode, Feed, MachineMove, MachineProgram, Path};
pub use timing::{time_blocks, TimedBlock, TimedProgram, JUNCTION_TIME};
