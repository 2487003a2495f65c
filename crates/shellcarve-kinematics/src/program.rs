//! Machine programs: what a controller executes, block by block.

use crate::joints::Joints;

/// How a controller turns programmed coordinates into joint motion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlMode {
    /// Tool-centre-point control: X Y Z are the tool tip in the workpiece frame and the
    /// controller interpolates them (and the angles) linearly, running the machine's
    /// kinematics itself (LinuxCNC with `xyzac-trt-kins` in world mode, Fanuc G43.4).
    Tcp,
    /// Joint positions: every axis is interpolated linearly in joint space
    /// (LinuxCNC with trivial kinematics). The tip path between blocks bends.
    Joint,
}

/// The rate of a block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Feed {
    /// Rapid positioning (G0).
    Rapid,
    /// Feed in mm/min (G94) along the programmed linear axes.
    UnitsPerMinute(f64),
    /// Inverse time (G93): the block takes `1 / value` minutes.
    InverseTime(f64),
}

/// The shape of the programmed path of one block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Path {
    /// All axes move linearly from the previous target to this one (G0, G1).
    Linear,
    /// A circular arc in a plane (G2, G3); rotary and off-plane axes move linearly.
    Arc {
        /// Centre of the arc in the two in-plane coordinates (mm).
        center: [f64; 2],
        /// True for clockwise (G2) seen from the plane normal's positive side.
        clockwise: bool,
        /// Extra full turns (P word minus one).
        turns: u32,
        /// The plane: indices of the first and second in-plane axes and the normal axis
        /// into [`Joints::values`] (XY = [0, 1, 2], XZ = [2, 0, 1], YZ = [1, 2, 0]).
        plane: [usize; 3],
    },
}

/// One motion block.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineMove {
    /// Target position of all six axes at the end of the block (mm, radians).
    pub target: Joints,
    /// The path shape.
    pub path: Path,
    /// The rate.
    pub feed: Feed,
    /// Line number (1-based) in the G-code file, when read back from one.
    pub line: Option<usize>,
    /// A comment to write before the block (what it cuts), when emitted.
    pub comment: Option<String>,
    /// True when this block cuts (plunges, cuts, retracts), false for positioning.
    pub cutting: bool,
}

/// A program in machine coordinates, ready for a post-processor.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineProgram {
    /// How the coordinates are to be read.
    pub mode: ControlMode,
    /// The blocks in order.
    pub moves: Vec<MachineMove>,
    /// Spindle speed (rpm).
    pub spindle_rpm: f64,
    /// Tool number for the tool change at the start.
    pub tool_number: u32,
    /// Lines of text for the header comment (what, on what, with what).
    pub header: Vec<String>,
}
