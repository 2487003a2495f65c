//! Machine axes and their positions.

/// A machine axis, in the order G-code writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Axis {
    /// Linear X (mm).
    X,
    /// Linear Y (mm).
    Y,
    /// Linear Z (mm).
    Z,
    /// Rotary A, about X.
    A,
    /// Rotary B, about Y.
    B,
    /// Rotary C, about Z.
    C,
}

impl Axis {
    /// All axes in G-code order.
    pub const ALL: [Axis; 6] = [Axis::X, Axis::Y, Axis::Z, Axis::A, Axis::B, Axis::C];

    /// Index into [`Joints::values`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for A, B and C.
    pub fn is_rotary(self) -> bool {
        matches!(self, Axis::A | Axis::B | Axis::C)
    }

    /// The axis letter.
    pub fn letter(self) -> char {
        ['X', 'Y', 'Z', 'A', 'B', 'C'][self.index()]
    }
}

impl std::fmt::Display for Axis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// Positions of the six axes X Y Z A B C: linear in mm, rotary in radians.
///
/// Depending on the [`crate::ControlMode`] these are either joint positions or the
/// "world" coordinates a TCP controller takes (tip in the workpiece frame plus angles).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Joints {
    /// X, Y, Z (mm), A, B, C (radians).
    pub values: [f64; 6],
}

impl Joints {
    /// Creates positions from the six values (mm and radians).
    pub fn new(values: [f64; 6]) -> Self {
        Self { values }
    }

    /// The position of one axis.
    pub fn get(&self, axis: Axis) -> f64 {
        self.values[axis.index()]
    }

    /// Sets the position of one axis.
    pub fn set(&mut self, axis: Axis, value: f64) {
        self.values[axis.index()] = value;
    }

    /// Linear interpolation between two positions, `t` in [0, 1].
    pub fn lerp(&self, other: &Joints, t: f64) -> Joints {
        let mut v = [0.0; 6];
        for (i, out) in v.iter_mut().enumerate() {
            *out = self.values[i] + (other.values[i] - self.values[i]) * t;
        }
        Joints { values: v }
    }

    /// The value as G-code writes it: mm for linear axes, degrees for rotary ones.
    pub fn display_value(&self, axis: Axis) -> f64 {
        let v = self.get(axis);
        if axis.is_rotary() {
            v.to_degrees()
        } else {
            v
        }
    }

    /// True when all six values are finite.
    pub fn is_finite(&self) -> bool {
        self.values.iter().all(|v| v.is_finite())
    }
}

/// Travel limits of one axis (mm or radians).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisLimit {
    /// Lowest position.
    pub min: f64,
    /// Highest position.
    pub max: f64,
    /// Largest speed (mm/s or rad/s).
    pub max_velocity: f64,
    /// Largest acceleration (mm/s² or rad/s²).
    pub max_acceleration: f64,
    /// Largest jerk (mm/s³ or rad/s³); 0 when the machine does not limit it.
    pub max_jerk: f64,
}

impl AxisLimit {
    /// True when `v` lies within the travel (with a tiny tolerance for rounding).
    pub fn contains(&self, v: f64) -> bool {
        v >= self.min - 1e-9 && v <= self.max + 1e-9
    }
}

/// The speeds a spindle can run at (rpm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpindleRange {
    /// Slowest speed (rpm).
    pub min_rpm: f64,
    /// Fastest speed (rpm).
    pub max_rpm: f64,
}

impl Default for SpindleRange {
    /// 1 to 100,000 rpm: no machine-specific limit.
    fn default() -> Self {
        Self {
            min_rpm: 1.0,
            max_rpm: 100_000.0,
        }
    }
}

impl SpindleRange {
    /// True when `rpm` lies within the range.
    pub fn contains(&self, rpm: f64) -> bool {
        rpm >= self.min_rpm && rpm <= self.max_rpm
    }
}
