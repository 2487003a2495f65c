//! Machine models, inverse and forward kinematics, subdivision and cycle time.
//!
//! Poses come in the workpiece frame W of `shellcarve-core` (tool tip and unit tool
//! axis); joint positions are mm for linear axes and radians for rotary ones.

mod error;
mod joints;
mod machine;
mod program;

pub use error::{KinematicsError, Result};
pub use joints::{Axis, AxisLimit, Joints};
pub use machine::{machine_by_name, unwind_near, Machine, XyzacTrt, MACHINE_NAMES, SINGULAR_SIN};
pub use program::{ControlMode, Feed, MachineMove, MachineProgram, Path};
