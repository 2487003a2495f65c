//! Cycle time from a jerk-limited velocity profile with look-ahead over the joint-space
//! program, as a controller's trajectory planner runs it.
//!
//! Each feed block is a straight line in joint space travelled along its tool-tip path
//! length `L`; `d = Δq / L` is how far every axis moves per millimetre of tip travel.
//! On that path the block's limits are
//!
//! - speed `v ≤ min(F, min_a vmax_a / |d_a|)` (the requested feed, unless an axis's top
//!   speed caps it — those blocks are *feed-limited*),
//! - acceleration `a = min_a amax_a / |d_a|` and jerk `j = min_a jmax_a / |d_a|`.
//!
//! Speed changes follow S-curves: acceleration ramps at the jerk limit, holds at the
//! acceleration limit if needed, and ramps back to zero, so acceleration is continuous
//! everywhere and zero at every block boundary. Changing speed by `Δv` takes
//! `T(Δv) = 2·√(Δv/j)` when `Δv ≤ a²/j`, else `Δv/a + a/j`, and — the curve being
//! symmetric — covers `(v₀ + v₁)/2 · T` of path. (Holding acceleration at zero at the
//! boundaries is slightly conservative for a speed change spread over many blocks; at
//! engraving feeds a change completes within a few micrometres.)
//!
//! At the junction of two feed blocks each axis's velocity jumps from `v·d_a` to
//! `v·d'_a`; a controller absorbs that within its servo period, so the junction speed is
//! held to `min_a amax_a·τ / |d'_a − d_a|` with `τ` = [`JUNCTION_TIME`]: straight runs
//! split into pieces keep full speed, sharp corners nearly stop. Rapids, and blocks that
//! only turn the rotary axes, start and end at rest; each axis follows its own S-curve
//! and the slowest sets the time.
//!
//! The look-ahead is the classic two passes: backward, so every block can still brake
//! to what follows; forward, so every block only asks for speeds it can reach from what
//! precedes. Each block then accelerates, cruises and brakes between those ends.

use rayon::prelude::*;

use crate::joints::Joints;
use crate::machine::Machine;

/// Time within which a controller absorbs an axis velocity jump at a block junction
/// (s): one period of LinuxCNC's default 1 kHz servo thread.
pub const JUNCTION_TIME: f64 = 0.001;

/// One block for the planner.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct TimedBlock {
    /// Joint positions at the start (mm, radians).
    pub from: Joints,
    /// Joint positions at the end.
    pub to: Joints,
    /// Tool-tip path length (mm); 0 for a rapid.
    pub length: f64,
    /// Requested tip speed (mm/s); `None` for a rapid (axes at their top speeds).
    pub speed: Option<f64>,
}

impl TimedBlock {
    /// A feed block `length` mm long at `speed` mm/s.
    pub fn feed(from: Joints, to: Joints, length: f64, speed: f64) -> Self {
        Self {
            from,
            to,
            length,
            speed: Some(speed),
        }
    }

    /// A rapid.
    pub fn rapid(from: Joints, to: Joints) -> Self {
        Self {
            from,
            to,
            length: 0.0,
            speed: None,
        }
    }
}

/// What the planner found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TimedProgram {
    /// Duration of each block (s).
    pub block_times: Vec<f64>,
    /// Total (s).
    pub total_s: f64,
    /// The naive estimate: every feed block at its requested speed, every rapid at
    /// the axes' top speeds, no acceleration at all (s).
    pub naive_s: f64,
    /// Blocks (0-based) whose requested speed an axis's top speed caps.
    pub feed_limited: Vec<usize>,
}

/// Limits of one feed block along its path: top speed, acceleration, jerk (mm, s).
#[derive(Debug, Clone, Copy)]
struct PathLimits {
    v: f64,
    a: f64,
    j: f64,
}

/// Time to change speed by `dv ≥ 0` under acceleration `a` and jerk `j` (an S-curve;
/// `j = ∞` gives a trapezoid).
fn ramp_time(dv: f64, a: f64, j: f64) -> f64 {
    if dv <= 0.0 {
        return 0.0;
    }
    if !j.is_finite() {
        return dv / a;
    }
    if dv <= a * a / j {
        2.0 * (dv / j).sqrt()
    } else {
        dv / a + a / j
    }
}

/// Path covered while changing speed between `v0` and `v1`.
fn ramp_distance(v0: f64, v1: f64, a: f64, j: f64) -> f64 {
    0.5 * (v0 + v1) * ramp_time((v1 - v0).abs(), a, j)
}

/// The highest speed up to `cap` reachable from `v0` within `length` (the same
/// function serves braking, read backward).
fn reachable(v0: f64, length: f64, cap: f64, a: f64, j: f64) -> f64 {
    if cap <= v0 || ramp_distance(v0, cap, a, j) <= length {
        return cap.max(v0.min(cap));
    }
    let (mut lo, mut hi) = (v0, cap);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if ramp_distance(v0, mid, a, j) <= length {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Time of a block of `length` entered at `v_in`, left at `v_out`, cruising at most at
/// `lim.v`.
fn block_time(length: f64, v_in: f64, v_out: f64, lim: PathLimits) -> f64 {
    let (a, j) = (lim.a, lim.j);
    let d_up = ramp_distance(v_in, lim.v, a, j);
    let d_down = ramp_distance(lim.v, v_out, a, j);
    if d_up + d_down <= length {
        return ramp_time(lim.v - v_in, a, j)
            + ramp_time(lim.v - v_out, a, j)
            + (length - d_up - d_down) / lim.v;
    }
    // No cruise: find the peak whose two ramps fill the block.
    let (mut lo, mut hi) = (v_in.max(v_out), lim.v);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if ramp_distance(v_in, mid, a, j) + ramp_distance(mid, v_out, a, j) <= length {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let peak = lo;
    let rest =
        (length - ramp_distance(v_in, peak, a, j) - ramp_distance(peak, v_out, a, j)).max(0.0);
    ramp_time(peak - v_in, a, j) + ramp_time(peak - v_out, a, j) + rest / peak.max(1e-12)
}

/// Time for every axis to move from `from` to `to` from rest to rest, each on its own
/// S-curve at its top speed, acceleration and jerk; the slowest sets the time.
fn rest_to_rest(machine: &dyn Machine, from: &Joints, to: &Joints) -> f64 {
    machine
        .axes()
        .iter()
        .filter_map(|&ax| {
            let lim = machine.limit(ax)?;
            let dist = (to.get(ax) - from.get(ax)).abs();
            if lim.max_velocity <= 0.0 || dist == 0.0 {
                return None;
            }
            let a = if lim.max_acceleration > 0.0 {
                lim.max_acceleration
            } else {
                f64::INFINITY
            };
            let j = if lim.max_jerk > 0.0 {
                lim.max_jerk
            } else {
                f64::INFINITY
            };
            if !a.is_finite() {
                return Some(dist / lim.max_velocity);
            }
            let l = PathLimits {
                v: lim.max_velocity,
                a,
                j,
            };
            Some(block_time(dist, 0.0, 0.0, l))
        })
        .fold(0.0, f64::max)
}

/// Axis motion per millimetre of tip travel, and the block's limits along its path.
fn path_limits(machine: &dyn Machine, b: &TimedBlock, speed: f64) -> (Vec<f64>, PathLimits) {
    let axes = machine.axes();
    let mut d = Vec::with_capacity(axes.len());
    let (mut v, mut a, mut j) = (speed, f64::INFINITY, f64::INFINITY);
    for &ax in axes {
        let da = (b.to.get(ax) - b.from.get(ax)) / b.length;
        d.push(da);
        let Some(lim) = machine.limit(ax) else {
            continue;
        };
        if da.abs() < 1e-15 {
            continue;
        }
        if lim.max_velocity > 0.0 {
            v = v.min(lim.max_velocity / da.abs());
        }
        if lim.max_acceleration > 0.0 {
            a = a.min(lim.max_acceleration / da.abs());
        }
        if lim.max_jerk > 0.0 {
            j = j.min(lim.max_jerk / da.abs());
        }
    }
    if !a.is_finite() {
        // No acceleration limit anywhere: speed changes are instantaneous.
        a = 1e12;
    }
    (d, PathLimits { v, a, j })
}

/// Plans the velocity profile of `blocks` on `machine` and times them.
pub fn time_blocks(machine: &dyn Machine, blocks: &[TimedBlock]) -> TimedProgram {
    let n = blocks.len();
    // Per block: Some((d, limits)) for feed blocks with tip travel, None otherwise.
    let mut info: Vec<Option<(Vec<f64>, PathLimits)>> = Vec::with_capacity(n);
    let mut feed_limited = Vec::new();
    let mut naive = 0.0;
    for (i, b) in blocks.iter().enumerate() {
        match b.speed {
            Some(speed) if b.length > 1e-9 && speed > 0.0 && speed.is_finite() => {
                let (d, lim) = path_limits(machine, b, speed);
                if lim.v < speed * (1.0 - 1e-9) {
                    feed_limited.push(i);
                }
                naive += b.length / speed;
                info.push(Some((d, lim)));
            }
            _ => {
                naive += crate::plan::axis_time(machine, &b.from, &b.to);
                info.push(None);
            }
        }
    }
    // Junction speeds: v[k] between block k−1 and k (v[0] = v[n] = 0).
    let mut v = vec![0.0; n + 1];
    for k in 1..n {
        let (Some((d0, l0)), Some((d1, l1))) = (&info[k - 1], &info[k]) else {
            continue;
        };
        let mut cap = l0.v.min(l1.v);
        for (idx, &ax) in machine.axes().iter().enumerate() {
            let jump = (d1[idx] - d0[idx]).abs();
            if jump < 1e-12 {
                continue;
            }
            if let Some(lim) = machine.limit(ax).filter(|l| l.max_acceleration > 0.0) {
                cap = cap.min(lim.max_acceleration * JUNCTION_TIME / jump);
            }
        }
        v[k] = cap;
    }
    // Backward: every block can brake to what follows.
    for i in (0..n).rev() {
        if let Some((_, lim)) = &info[i] {
            v[i] = v[i].min(reachable(v[i + 1], blocks[i].length, lim.v, lim.a, lim.j));
        } else {
            v[i] = 0.0;
        }
    }
    // Forward: every block only asks for what it can reach.
    for i in 0..n {
        if let Some((_, lim)) = &info[i] {
            v[i + 1] = v[i + 1].min(reachable(v[i], blocks[i].length, lim.v, lim.a, lim.j));
        } else {
            v[i + 1] = 0.0;
        }
    }
    // Each block's time on its own (in parallel: a block without cruise searches its
    // peak speed); the total adds them in order.
    let block_times: Vec<f64> = blocks
        .par_iter()
        .zip(&info)
        .enumerate()
        .map(|(i, (b, inf))| match inf {
            Some((_, lim)) => block_time(b.length, v[i], v[i + 1], *lim),
            None => rest_to_rest(machine, &b.from, &b.to),
        })
        .collect();
    TimedProgram {
        total_s: block_times.iter().sum(),
        block_times,
        naive_s: naive,
        feed_limited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::joints::Axis;
    use crate::machine::XyzacTrt;

    fn at(x: f64, y: f64) -> Joints {
        let mut j = Joints::default();
        j.set(Axis::X, x);
        j.set(Axis::Y, y);
        j
    }

    /// X's limits on the preset, which every test here moves along.
    fn x_limits(m: &XyzacTrt) -> (f64, f64, f64) {
        let l = m.limit(Axis::X).unwrap();
        let j = if l.max_jerk > 0.0 {
            l.max_jerk
        } else {
            f64::INFINITY
        };
        (l.max_velocity, l.max_acceleration, j)
    }

    #[test]
    fn a_long_straight_block_takes_length_over_speed_plus_one_ramp() {
        let m = XyzacTrt::preset();
        let (_, a, j) = x_limits(&m);
        let speed = 3.0;
        let t = time_blocks(
            &m,
            &[TimedBlock::feed(at(0.0, 0.0), at(50.0, 0.0), 50.0, speed)],
        );
        // Start and stop at rest: L/v + T(v) (the two half-ramps add one ramp's time).
        let expected = 50.0 / speed + ramp_time(speed, a, j);
        assert!(
            (t.total_s - expected).abs() < 1e-9,
            "{} vs {expected}",
            t.total_s
        );
        assert!((t.naive_s - 50.0 / speed).abs() < 1e-12);
        assert!(t.feed_limited.is_empty());
    }

    #[test]
    fn a_short_block_peaks_below_the_feed_on_the_closed_form() {
        let m = XyzacTrt::preset();
        let (_, a, j) = x_limits(&m);
        let length = 1e-4;
        let t = time_blocks(
            &m,
            &[TimedBlock::feed(
                at(0.0, 0.0),
                at(length, 0.0),
                length,
                50.0,
            )],
        );
        // Two jerk-only ramps fill it: L = 2·vp^{3/2}/√j, t = 4·√(vp/j).
        let vp = (0.5 * length * j.sqrt()).powf(2.0 / 3.0);
        assert!(vp <= a * a / j, "the case is jerk-only");
        let expected = 4.0 * (vp / j).sqrt();
        assert!(
            (t.total_s - expected).abs() < 1e-9 * expected.max(1.0),
            "{} vs {expected}",
            t.total_s
        );
    }

    #[test]
    fn splitting_a_straight_line_costs_nothing_and_a_corner_costs_time() {
        let m = XyzacTrt::preset();
        let whole = time_blocks(
            &m,
            &[TimedBlock::feed(at(0.0, 0.0), at(20.0, 0.0), 20.0, 5.0)],
        );
        let pieces: Vec<TimedBlock> = (0..200)
            .map(|k| {
                let (x0, x1) = (k as f64 * 0.1, (k + 1) as f64 * 0.1);
                TimedBlock::feed(at(x0, 0.0), at(x1, 0.0), 0.1, 5.0)
            })
            .collect();
        let split = time_blocks(&m, &pieces);
        assert!(
            (split.total_s - whole.total_s).abs() < 1e-6,
            "{} vs {}",
            split.total_s,
            whole.total_s
        );
        // A right-angle corner halfway brakes nearly to a stop and accelerates again.
        let corner = time_blocks(
            &m,
            &[
                TimedBlock::feed(at(0.0, 0.0), at(10.0, 0.0), 10.0, 5.0),
                TimedBlock::feed(at(10.0, 0.0), at(10.0, 10.0), 10.0, 5.0),
            ],
        );
        let (_, a, j) = x_limits(&m);
        assert!(corner.total_s > whole.total_s + 0.5 * ramp_time(5.0, a, j));
        assert!(corner.total_s < whole.total_s + 2.0 * ramp_time(5.0, a, j) + 1e-6);
    }

    #[test]
    fn an_axis_top_speed_caps_the_feed_and_rapids_run_rest_to_rest() {
        let m = XyzacTrt::preset();
        let (vmax, _, _) = x_limits(&m);
        let t = time_blocks(
            &m,
            &[TimedBlock::feed(
                at(0.0, 0.0),
                at(100.0, 0.0),
                100.0,
                10.0 * vmax,
            )],
        );
        assert_eq!(t.feed_limited, vec![0]);
        assert!(t.total_s > 100.0 / vmax);
        let r = time_blocks(&m, &[TimedBlock::rapid(at(0.0, 0.0), at(30.0, 0.0))]);
        let (_, a, j) = x_limits(&m);
        let expected = 30.0 / vmax + ramp_time(vmax, a, j);
        assert!(
            (r.total_s - expected).abs() < 1e-9,
            "{} vs {expected}",
            r.total_s
        );
        assert!((r.naive_s - 30.0 / vmax).abs() < 1e-12);
    }
}
