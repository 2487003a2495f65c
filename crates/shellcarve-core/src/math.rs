//! Geometry aliases over nalgebra, so signatures read in shellcarve's words.
//!
//! All lengths are millimetres in `f64`; angles inside the code are radians.

/// A point in the workpiece frame W (mm).
pub type Point3 = nalgebra::Point3<f64>;
/// A displacement in the workpiece frame W (mm).
pub type Vector3 = nalgebra::Vector3<f64>;
/// A unit-length direction in the workpiece frame W.
pub type UnitVector3 = nalgebra::Unit<nalgebra::Vector3<f64>>;
/// A rigid motion (rotation and translation, mm) between frames, such as the pose of
/// an egg in the workpiece frame.
pub type Isometry3 = nalgebra::Isometry3<f64>;
/// A point in the unwrapped text plane (mm): x along the baseline, y up.
pub type Point2 = nalgebra::Point2<f64>;
/// A displacement in the unwrapped text plane (mm).
pub type Vector2 = nalgebra::Vector2<f64>;

/// Returns true when every value is finite (neither NaN nor infinite).
pub fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}
