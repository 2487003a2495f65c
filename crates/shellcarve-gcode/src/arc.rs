//! Circular and helical arcs: LinuxCNC's rules for finding and checking the centre.
//! Walking a block along its path is `shellcarve_kinematics::path_point`.
//!
//! An arc block ([`Path::Arc`]) runs from the previous block's target to its own
//! target. With `plane = [i, j, k]` (indices into X Y Z A B C), the arc lies in the
//! coordinates `(values[i], values[j])` ("first" and "second" axis) around `center`;
//! `values[k]` (the normal axis) and the rotary axes move linearly with the swept angle,
//! which makes a helix when the normal axis moves. The sweep (see [`arc_sweep`]) is
//! LinuxCNC's: counterclockwise (G3) in the (first, second) coordinates runs from the
//! start angle to the next end angle strictly above it, plus `turns` full turns;
//! clockwise (G2) mirrors this, so a block whose start equals its end is a full circle.
//! When the start and end radii differ slightly (LinuxCNC allows up to its tolerance),
//! the radius changes linearly with the angle, a spiral, as LinuxCNC moves.

use std::f64::consts::SQRT_2;

use crate::canon::LengthUnits;

/// LinuxCNC's arc tolerances in program units (interp_internal.hh, 2.9).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ArcTolerance {
    /// Smallest radius, and how far short an R-form radius may fall.
    pub(crate) radius: f64,
    /// Allowed start/end radius difference (always an error above 100 times this).
    pub(crate) spiral_abs: f64,
    /// Allowed relative radius difference above `spiral_abs`.
    pub(crate) spiral_rel: f64,
}

impl ArcTolerance {
    /// The tolerances for a program in `units`.
    pub(crate) fn for_units(units: LengthUnits) -> Self {
        match units {
            LengthUnits::Inches => Self {
                radius: 0.00005,
                spiral_abs: 2.0 * 0.001 * SQRT_2,
                spiral_rel: 0.001,
            },
            LengthUnits::Millimetres => Self {
                radius: 0.00005 * 25.4,
                spiral_abs: 2.0 * 0.01 * SQRT_2,
                spiral_rel: 0.001,
            },
        }
    }
}

/// Checks an arc given by its centre (I/J/K form) as LinuxCNC's `arc_data_ijk` does.
/// The error is a message for the user.
pub(crate) fn check_center(
    start: [f64; 2],
    center: [f64; 2],
    end: [f64; 2],
    tol: ArcTolerance,
) -> Result<(), String> {
    let r1 = (center[0] - start[0]).hypot(center[1] - start[1]);
    let r2 = (center[0] - end[0]).hypot(center[1] - end[1]);
    if !(r1.is_finite() && r2.is_finite()) {
        return Err("the arc's numbers are not finite; check the coordinates".into());
    }
    if r1 < tol.radius || r2 < tol.radius {
        return Err(format!(
            "zero-radius arc (start radius {r1:.4}, end radius {r2:.4}); give the centre offsets of a real circle"
        ));
    }
    let abs_err = (r1 - r2).abs();
    let rel_err = abs_err / r1.max(r2);
    if abs_err > tol.spiral_abs * 100.0 || (rel_err > tol.spiral_rel && abs_err > tol.spiral_abs) {
        return Err(format!(
            "radius to end of arc differs from radius to start: start=({:.4}, {:.4}) center=({:.4}, {:.4}) end=({:.4}, {:.4}) r1={r1:.4} r2={r2:.4}; the end point must lie on the circle (LinuxCNC allows {:.4} or {}%)",
            start[0], start[1], center[0], center[1], end[0], end[1], tol.spiral_abs, tol.spiral_rel * 100.0
        ));
    }
    Ok(())
}

/// The centre of an R-form arc as LinuxCNC's `arc_data_r` finds it: of the two circles
/// of radius |R| through start and end, the one giving an arc of at most 180° when R > 0,
/// more than 180° when R < 0.
pub(crate) fn center_from_radius(
    start: [f64; 2],
    end: [f64; 2],
    radius: f64,
    clockwise: bool,
    tol: ArcTolerance,
) -> Result<[f64; 2], String> {
    if start == end {
        return Err("an R-form arc cannot end where it starts (LinuxCNC: current point same as end point of arc); use I/J/K for a full circle".into());
    }
    let abs_r = radius.abs();
    if abs_r < tol.radius {
        return Err(format!("R{radius} is a zero radius; give the arc's radius"));
    }
    let mid = [(start[0] + end[0]) / 2.0, (start[1] + end[1]) / 2.0];
    let mut half = (mid[0] - end[0]).hypot(mid[1] - end[1]);
    if half - abs_r > tol.radius {
        return Err(format!(
            "arc radius {abs_r:.4} too small to reach the end point (half the chord is {half:.4}); give a larger R"
        ));
    }
    if half / abs_r > 1.0 - 1e-12 {
        half = abs_r;
    }
    let chord = (end[1] - start[1]).atan2(end[0] - start[0]);
    let theta = if clockwise == (radius > 0.0) {
        chord - std::f64::consts::FRAC_PI_2
    } else {
        chord + std::f64::consts::FRAC_PI_2
    };
    let offset = abs_r * (half / abs_r).asin().cos();
    Ok([mid[0] + offset * theta.cos(), mid[1] + offset * theta.sin()])
}

#[cfg(test)]
mod tests {
    use super::*;

    const MM: ArcTolerance = ArcTolerance {
        radius: 0.00127,
        spiral_abs: 0.02 * SQRT_2,
        spiral_rel: 0.001,
    };

    #[test]
    fn r_form_picks_the_short_or_long_arc() {
        // G2 from (4,1) to (5,2) with R-1: rs274 puts the centre at (4,2).
        let c = center_from_radius([4.0, 1.0], [5.0, 2.0], -1.0, true, MM).unwrap();
        assert!(
            (c[0] - 4.0).abs() < 1e-12 && (c[1] - 2.0).abs() < 1e-12,
            "{c:?}"
        );
        let c = center_from_radius([4.0, 1.0], [5.0, 2.0], 1.0, true, MM).unwrap();
        assert!(
            (c[0] - 5.0).abs() < 1e-12 && (c[1] - 1.0).abs() < 1e-12,
            "{c:?}"
        );
        // Semicircle within the tolerance; too short a radius fails.
        assert!(center_from_radius([1.0, 0.0], [3.0, 0.0], 0.999, false, MM).is_ok());
        assert!(center_from_radius([1.0, 0.0], [3.0, 0.0], 0.9985, false, MM).is_err());
        assert!(center_from_radius([1.0, 0.0], [1.0, 0.0], 1.0, false, MM).is_err());
    }

    #[test]
    fn radius_mismatch_uses_linuxcnc_tolerances() {
        let ok = |d: f64, r: f64| check_center([r, 0.0], [0.0, 0.0], [0.0, r + d], MM).is_ok();
        assert!(ok(0.0282, 10.0));
        assert!(!ok(0.0284, 10.0));
        assert!(ok(0.09, 100.0));
        assert!(!ok(0.11, 100.0));
        assert!(check_center([1.0, 0.0], [1.001, 0.0], [1.002, 0.0], MM).is_err());
    }
}
