//! Walking a block along its programmed path, as the controller interpolates it.
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

use std::f64::consts::TAU;

use crate::joints::Joints;
use crate::program::Path;

/// The signed angle (radians) an arc sweeps: positive counterclockwise in the plane's
/// (first, second) coordinates, negative clockwise. `turns` extra full turns are added
/// (the P word minus one). Start equal to end gives a full circle.
pub fn arc_sweep(
    start: [f64; 2],
    center: [f64; 2],
    end: [f64; 2],
    clockwise: bool,
    turns: u32,
) -> f64 {
    // LinuxCNC interp_find.cc, find_turn().
    let mut alpha = (start[1] - center[1]).atan2(start[0] - center[0]);
    let mut beta = (end[1] - center[1]).atan2(end[0] - center[0]);
    let full = TAU * f64::from(turns);
    if clockwise {
        if alpha <= beta {
            alpha += TAU;
        }
        beta - alpha - full
    } else {
        if beta <= alpha {
            beta += TAU;
        }
        beta - alpha + full
    }
}

/// The in-plane indices of an arc path, when they are valid (two distinct linear axes).
fn arc_plane(plane: [usize; 3]) -> Option<(usize, usize, usize)> {
    let [i, j, k] = plane;
    (i < 3 && j < 3 && k < 3 && i != j && j != k && i != k).then_some((i, j, k))
}

/// An arc block resolved against its start and end: in-plane indices, start angle,
/// sweep and radii.
struct ArcGeometry {
    plane: (usize, usize, usize),
    center: [f64; 2],
    start_angle: f64,
    sweep: f64,
    r0: f64,
    r1: f64,
}

fn arc_geometry(start: &Joints, end: &Joints, path: &Path) -> Option<ArcGeometry> {
    let Path::Arc {
        center,
        clockwise,
        turns,
        plane,
    } = *path
    else {
        return None;
    };
    let (i, j, k) = arc_plane(plane)?;
    let s = [start.values[i], start.values[j]];
    let e = [end.values[i], end.values[j]];
    Some(ArcGeometry {
        plane: (i, j, k),
        center,
        start_angle: (s[1] - center[1]).atan2(s[0] - center[0]),
        sweep: arc_sweep(s, center, e, clockwise, turns),
        r0: (s[0] - center[0]).hypot(s[1] - center[1]),
        r1: (e[0] - center[0]).hypot(e[1] - center[1]),
    })
}

/// The position of all six axes at fraction `t` (0 = `start`, 1 = `end`) along a block,
/// as the controller interpolates it: linearly for [`Path::Linear`], along the arc or
/// helix for [`Path::Arc`] (see the module documentation). An arc with an invalid
/// `plane` is treated as linear.
pub fn path_point(start: &Joints, end: &Joints, path: &Path, t: f64) -> Joints {
    let mut p = start.lerp(end, t);
    let Some(arc) = arc_geometry(start, end, path) else {
        return p;
    };
    if t >= 1.0 {
        return *end;
    }
    let (i, j, _) = arc.plane;
    let angle = arc.start_angle + t * arc.sweep;
    let r = arc.r0 + t * (arc.r1 - arc.r0);
    p.values[i] = arc.center[0] + r * angle.cos();
    p.values[j] = arc.center[1] + r * angle.sin();
    p
}

/// The length of the tool's path over X Y Z for a block (mm): the straight distance,
/// or the helix length of an arc (mean radius × |sweep| combined with the normal
/// travel). Rotary motion is not counted.
pub fn path_length(start: &Joints, end: &Joints, path: &Path) -> f64 {
    let d = |k: usize| end.values[k] - start.values[k];
    match arc_geometry(start, end, path) {
        Some(arc) => (0.5 * (arc.r0 + arc.r1) * arc.sweep).hypot(d(arc.plane.2)),
        None => (d(0) * d(0) + d(1) * d(1) + d(2) * d(2)).sqrt(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn sweep_follows_linuxcnc() {
        let c = [0.0, 0.0];
        assert!((arc_sweep([1.0, 0.0], c, [0.0, 1.0], false, 0) - PI / 2.0).abs() < 1e-12);
        assert!((arc_sweep([1.0, 0.0], c, [0.0, 1.0], true, 0) + 1.5 * PI).abs() < 1e-12);
        assert!((arc_sweep([1.0, 0.0], c, [1.0, 0.0], false, 0) - TAU).abs() < 1e-12);
        assert!((arc_sweep([1.0, 0.0], c, [1.0, 0.0], true, 2) + 3.0 * TAU).abs() < 1e-12);
    }

    #[test]
    fn path_point_walks_a_helix() {
        let start = Joints::new([1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let end = Joints::new([1.0, 0.0, 4.0, 1.0, 0.0, 0.0]);
        let path = Path::Arc {
            center: [0.0, 0.0],
            clockwise: false,
            turns: 1,
            plane: [0, 1, 2],
        };
        for k in 0..=16 {
            let t = f64::from(k) / 16.0;
            let p = path_point(&start, &end, &path, t);
            assert!((p.values[0].hypot(p.values[1]) - 1.0).abs() < 1e-12);
            assert!((p.values[2] - 4.0 * t).abs() < 1e-12);
            let angle = p.values[1].atan2(p.values[0]).rem_euclid(TAU);
            let expect = (2.0 * TAU * t).rem_euclid(TAU);
            let diff = (angle - expect).abs();
            assert!(
                diff < 1e-9 || (TAU - diff) < 1e-9,
                "t {t}: {angle} vs {expect}"
            );
        }
        let len = path_length(&start, &end, &path);
        assert!((len - (2.0 * TAU).hypot(4.0)).abs() < 1e-12);
    }
}
