//! The error type of `shellcarve-kinematics`.

use thiserror::Error;

use crate::joints::Axis;

/// What can go wrong turning a toolpath into machine motion.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KinematicsError {
    /// A position would put an axis outside its travel.
    #[error("{context}: axis {axis} would go to {value:.4}{unit}, outside its travel {min:.4}..{max:.4}{unit}; move the text (or the workpiece) so it can be reached, or use a machine with more travel")]
    AxisLimit {
        /// The axis.
        axis: Axis,
        /// The position asked for (mm or degrees).
        value: f64,
        /// Lower limit (mm or degrees).
        min: f64,
        /// Upper limit (mm or degrees).
        max: f64,
        /// Unit suffix ("mm" or "°").
        unit: &'static str,
        /// Which move or block.
        context: String,
    },
    /// A pose has a non-finite coordinate or a zero tool axis.
    #[error("{context}: the pose is not finite (NaN or infinite coordinates); check the inputs that produced it")]
    NonFinite {
        /// Which move or block.
        context: String,
    },
    /// A parameter is out of range.
    #[error("{name} = {value} is invalid: {expected}")]
    InvalidParameter {
        /// Name of the parameter.
        name: String,
        /// Value given.
        value: f64,
        /// What is expected.
        expected: String,
    },
    /// A machine configuration (`--machine FILE.toml`) is malformed or holds a bad
    /// value.
    #[error("machine configuration: {}{message}", if key.is_empty() { String::new() } else { format!("{key}: ") })]
    MachineConfig {
        /// The TOML key at fault, like `axes.A.max` (empty when the file does not parse).
        key: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The machine name is not known.
    #[error("unknown machine {name:?}; known machines: {known} (or give a machine file ending in .toml)")]
    UnknownMachine {
        /// The name given.
        name: String,
        /// Comma-separated list of known names.
        known: String,
    },
}

/// Result alias of `shellcarve-kinematics`.
pub type Result<T, E = KinematicsError> = std::result::Result<T, E>;
