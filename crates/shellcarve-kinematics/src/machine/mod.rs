//! Machine models: forward and inverse kinematics with axis limits.
//!
//! - [`XyzacTrt`] and [`XyzbcTrt`] (`trt.rs`): table-table trunnions as LinuxCNC's
//!   `xyzac-trt-kins` and `xyzbc-trt-kins`.
//! - [`XyzaRotary`] (`rotary.rs`): a four-axis machine with the egg between centres on
//!   an A axis along X.
//! - [`XyzbcHeadTable`] (`head_table.rs`): a head-table machine, the spindle head tilting
//!   (B) and the table turning the egg (C), as LinuxCNC's `maxkins`.
//! - [`MachineConfig`] (`config.rs`): any of them as TOML.

use std::f64::consts::{PI, TAU};
use std::fmt::Debug;

use shellcarve_core::{Pose, UnitVector3, Vector3};

use crate::error::{KinematicsError, Result};
use crate::joints::{Axis, AxisLimit, Joints, SpindleRange};

mod config;
mod head_table;
mod rotary;
mod trt;

pub use config::{
    AxesConfig, AxisConfig, MachineConfig, MachineKind, OffsetsConfig, SpindleConfig,
};
pub use head_table::XyzbcHeadTable;
pub use rotary::XyzaRotary;
pub use trt::{XyzacTrt, XyzbcTrt};

/// Below this |sin A| the tool axis is taken to lie on the C axis, where C is free.
pub const SINGULAR_SIN: f64 = 1e-9;
/// Half-angle of the cone around the C axis within which a machine with a C table holds C
/// at its previous value instead of spinning the table (radians; 1°). The tilt is then
/// chosen to bring the tool axis as close to the requested one as C allows: the tip
/// stays exact and the axis is off by at most this angle (the planner reports it as
/// the tilt error).
pub const SINGULAR_CONE: f64 = std::f64::consts::PI / 180.0;

/// A machine tool's kinematic model.
pub trait Machine: Debug + Send + Sync {
    /// Preset or configured name, such as `xyzac-trt`.
    fn name(&self) -> &str;

    /// The axes this machine has, in G-code order.
    fn axes(&self) -> &[Axis];

    /// Travel and rate limits of an axis, `None` for an axis the machine lacks.
    fn limit(&self, axis: Axis) -> Option<AxisLimit>;

    /// The speeds the spindle can run at. Default: [`SpindleRange::default`].
    fn spindle(&self) -> SpindleRange {
        SpindleRange::default()
    }

    /// The machine's kinematic parameters and limits, as a `--machine FILE.toml` gives
    /// them.
    fn config(&self) -> MachineConfig;

    /// Tool axis in the workpiece frame for the rotary positions in `j`.
    fn tool_axis(&self, j: &Joints) -> UnitVector3;

    /// Forward kinematics: joint positions to the tool pose in the workpiece frame.
    fn forward(&self, j: &Joints) -> Pose;

    /// The joint positions for TCP "world" coordinates (tip in the workpiece frame with
    /// the rotary angles).
    fn world_to_joints(&self, world: &Joints) -> Joints;

    /// Inverse kinematics: every joint solution for a pose (one per branch), with the
    /// rotary axes unwound toward `previous` when given.
    fn inverse_all(&self, pose: &Pose, previous: Option<&Joints>) -> Vec<Joints>;

    /// Inverse kinematics with the branch chosen: of the solutions inside the axis
    /// limits, the one nearest `previous` (least rotary travel).
    ///
    /// The tip is always reached; a machine that cannot point the tool along every
    /// axis (a four-axis rotary) gives the joints whose tool axis lies closest to the
    /// one asked for. [`Machine::forward`] of the result tells how close.
    fn inverse(&self, pose: &Pose, previous: Option<&Joints>, context: &str) -> Result<Joints> {
        if !(pose.tip.coords.iter().all(|v| v.is_finite())
            && pose.axis.iter().all(|v| v.is_finite()))
        {
            return Err(KinematicsError::NonFinite {
                context: context.to_string(),
            });
        }
        let candidates = self.inverse_all(pose, previous);
        let travel = |j: &Joints| match previous {
            Some(p) => self
                .axes()
                .iter()
                .filter(|a| a.is_rotary())
                .map(|a| (j.get(*a) - p.get(*a)).abs())
                .sum::<f64>(),
            None => self
                .axes()
                .iter()
                .filter(|a| a.is_rotary())
                .map(|a| j.get(*a).abs())
                .sum::<f64>(),
        };
        let mut best: Option<(f64, Joints)> = None;
        let mut first_violation = None;
        for c in candidates {
            match self.check_limits(&c, context) {
                Ok(()) => {
                    let t = travel(&c);
                    if best.as_ref().is_none_or(|(bt, _)| t < *bt) {
                        best = Some((t, c));
                    }
                }
                Err(e) => {
                    if first_violation.is_none() {
                        first_violation = Some(e);
                    }
                }
            }
        }
        match (best, first_violation) {
            (Some((_, j)), _) => Ok(j),
            (None, Some(e)) => Err(e),
            (None, None) => Err(KinematicsError::NonFinite {
                context: context.to_string(),
            }),
        }
    }

    /// Checks every axis of `j` against its travel.
    fn check_limits(&self, j: &Joints, context: &str) -> Result<()> {
        for &axis in self.axes() {
            let Some(lim) = self.limit(axis) else {
                continue;
            };
            let v = j.get(axis);
            if !lim.contains(v) {
                let (scale, unit) = if axis.is_rotary() {
                    (180.0 / PI, "°")
                } else {
                    (1.0, " mm")
                };
                return Err(KinematicsError::AxisLimit {
                    axis,
                    value: v * scale,
                    min: lim.min * scale,
                    max: lim.max * scale,
                    unit,
                    context: context.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// Returns the angle equal to `angle` modulo 2π that is nearest `reference`.
pub fn unwind_near(angle: f64, reference: f64) -> f64 {
    angle + TAU * ((reference - angle) / TAU).round()
}

/// The (tilt, C) solutions for a tool axis whose tilt cosine is `cos_t` and whose
/// horizontal part is `sin t · (sin C, cos C)` = `(u, v)`: both branches `(t, C)` and
/// `(−t, C + π)`, C unwound toward `prev_c`. Every model with a tilt axis and a C axis
/// maps its own angles onto this form.
///
/// On the C axis (`|sin t|` below [`SINGULAR_SIN`]) any C gives the same tool axis: C is
/// held at `prev_c`. Within [`SINGULAR_CONE`] of it C is held too, and the tilt is the
/// one in C's plane nearest the requested axis (off by at most the cone), instead of
/// spinning the table half a turn for a nearly vertical tool.
pub(crate) fn tilt_branches(cos_t: f64, u: f64, v: f64, prev_c: f64) -> Vec<(f64, f64)> {
    let t1 = cos_t.clamp(-1.0, 1.0).acos();
    let sin_t = u.hypot(v);
    let mut out = Vec::with_capacity(2);
    if sin_t < SINGULAR_SIN {
        // The tool lies along the C axis: any C gives the same axis; hold C.
        out.push((t1, prev_c));
        if t1.abs() > SINGULAR_SIN {
            out.push((-t1, prev_c));
        }
    } else if sin_t < SINGULAR_CONE.sin() {
        // Within the singularity cone: hold C and tilt in C's plane as far toward the
        // requested axis as that plane allows, instead of spinning the table.
        let (sc, cc) = prev_c.sin_cos();
        let tilt = (u * sc + v * cc).atan2(cos_t);
        out.push((tilt, prev_c));
    } else {
        let c1 = u.atan2(v);
        out.push((t1, unwind_near(c1, prev_c)));
        out.push((-t1, unwind_near(c1 + PI, prev_c)));
    }
    out
}

/// `j` with X Y Z replaced by `q`.
pub(crate) fn with_xyz(j: &Joints, q: &Vector3) -> Joints {
    let mut out = *j;
    out.set(Axis::X, q.x);
    out.set(Axis::Y, q.y);
    out.set(Axis::Z, q.z);
    out
}

/// Right-hand rotation of `v` by `a` about X.
pub(crate) fn rx(a: f64, v: &Vector3) -> Vector3 {
    let (s, c) = a.sin_cos();
    Vector3::new(v.x, c * v.y - s * v.z, s * v.y + c * v.z)
}

/// Right-hand rotation of `v` by `b` about Y.
pub(crate) fn ry(b: f64, v: &Vector3) -> Vector3 {
    let (s, c) = b.sin_cos();
    Vector3::new(c * v.x + s * v.z, v.y, -s * v.x + c * v.z)
}

/// Right-hand rotation of `v` by `c` about Z.
pub(crate) fn rz(c: f64, v: &Vector3) -> Vector3 {
    let (s, co) = c.sin_cos();
    Vector3::new(co * v.x - s * v.y, s * v.x + co * v.y, v.z)
}

/// A linear axis limit (mm, mm/s, mm/s², mm/s³).
pub(crate) fn linear_limit(min: f64, max: f64, v: f64, acc: f64, jerk: f64) -> AxisLimit {
    AxisLimit {
        min,
        max,
        max_velocity: v,
        max_acceleration: acc,
        max_jerk: jerk,
    }
}

/// A rotary axis limit given in degrees (°, °/s, °/s², °/s³), stored in radians.
pub(crate) fn rotary_limit(min: f64, max: f64, v: f64, acc: f64, jerk: f64) -> AxisLimit {
    AxisLimit {
        min: min.to_radians(),
        max: max.to_radians(),
        max_velocity: v.to_radians(),
        max_acceleration: acc.to_radians(),
        max_jerk: jerk.to_radians(),
    }
}

/// The limit of an axis a machine lacks.
pub(crate) const NO_AXIS: AxisLimit = AxisLimit {
    min: 0.0,
    max: 0.0,
    max_velocity: 0.0,
    max_acceleration: 0.0,
    max_jerk: 0.0,
};

/// The names of the built-in machines.
pub const MACHINE_NAMES: &[&str] = &["xyzac-trt", "xyzbc-trt", "xyza-rotary", "xyzbc-head-table"];

/// A built-in machine by name.
pub fn machine_by_name(name: &str) -> Result<Box<dyn Machine>> {
    match name.trim() {
        "xyzac-trt" => Ok(Box::new(XyzacTrt::preset())),
        "xyzbc-trt" => Ok(Box::new(XyzbcTrt::preset())),
        "xyza-rotary" => Ok(Box::new(XyzaRotary::preset())),
        "xyzbc-head-table" => Ok(Box::new(XyzbcHeadTable::preset())),
        _ => Err(KinematicsError::UnknownMachine {
            name: name.to_string(),
            known: MACHINE_NAMES.join(", "),
        }),
    }
}
