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

/// The cubic Hermite interpolant on one interval at fraction `t ∈ [0, 1]`, from the
/// end values `y0`, `y1` and the end slopes already multiplied by the interval's
/// length (`m0 = h·y'(0)`, `m1 = h·y'(h)`): the value and its derivative with respect
/// to `t` (divide by `h` for the derivative along the interval).
pub(crate) fn cubic_hermite(t: f64, y0: f64, m0: f64, y1: f64, m1: f64) -> (f64, f64) {
    let (t2, t3) = (t * t, t * t * t);
    let value = (2.0 * t3 - 3.0 * t2 + 1.0) * y0
        + (t3 - 2.0 * t2 + t) * m0
        + (-2.0 * t3 + 3.0 * t2) * y1
        + (t3 - t2) * m1;
    let slope = (6.0 * t2 - 6.0 * t) * y0
        + (3.0 * t2 - 4.0 * t + 1.0) * m0
        + (-6.0 * t2 + 6.0 * t) * y1
        + (3.0 * t2 - 2.0 * t) * m1;
    (value, slope)
}
