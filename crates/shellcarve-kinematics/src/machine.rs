//! Machine models: forward and inverse kinematics with axis limits.

use std::f64::consts::{PI, TAU};
use std::fmt::Debug;

use shellcarve_core::{Point3, Pose, UnitVector3, Vector3};

use crate::error::{KinematicsError, Result};
use crate::joints::{Axis, AxisLimit, Joints};

/// Below this |sin A| the tool axis is taken to lie on the C axis, where C is free.
pub const SINGULAR_SIN: f64 = 1e-9;

/// A machine tool's kinematic model.
pub trait Machine: Debug + Send + Sync {
    /// Preset or configured name, such as `xyzac-trt`.
    fn name(&self) -> &str;

    /// The axes this machine has, in G-code order.
    fn axes(&self) -> &[Axis];

    /// Travel and rate limits of an axis, `None` for an axis the machine lacks.
    fn limit(&self, axis: Axis) -> Option<AxisLimit>;

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

/// A table-table trunnion with A tilting about X and C rotating the part about Z, as
/// LinuxCNC's `xyzac-trt-kins` (LinuxCNC manual, "5-Axis Kinematics", xyzac-trt):
///
/// `joints_xyz = Rx(A)·Rz(C)·p + (I − Rx(A))·(0, Dy, Dz)` and the tool axis in the
/// workpiece frame is `(sin C sin A, cos C sin A, cos A)`.
///
/// The workpiece frame's origin lies on the C axis; `(0, Dy, Dz)` is where the A axis
/// crosses the Y-Z plane, in the workpiece frame at A = C = 0.
#[derive(Debug, Clone, PartialEq)]
pub struct XyzacTrt {
    name: String,
    /// Y offset of the A axis from the workpiece origin (mm).
    pub dy: f64,
    /// Z offset of the A axis from the workpiece origin (mm).
    pub dz: f64,
    /// Limits of X, Y, Z, A, B (unused), C.
    pub limits: [AxisLimit; 6],
}

impl XyzacTrt {
    /// The built-in preset: a small trunnion for egg work. The egg's centre sits 30 mm
    /// above the A axis on the C axis; A tilts from −30° to +120°, C turns ±10 turns.
    pub fn preset() -> Self {
        let lin = |min: f64, max: f64| AxisLimit {
            min,
            max,
            max_velocity: 100.0,
            max_acceleration: 1000.0,
        };
        let rot = |min: f64, max: f64, v: f64, acc: f64| AxisLimit {
            min: min.to_radians(),
            max: max.to_radians(),
            max_velocity: v.to_radians(),
            max_acceleration: acc.to_radians(),
        };
        Self {
            name: "xyzac-trt".into(),
            dy: 0.0,
            dz: -30.0,
            limits: [
                lin(-150.0, 150.0),
                lin(-150.0, 150.0),
                lin(-120.0, 120.0),
                rot(-30.0, 120.0, 90.0, 720.0),
                rot(0.0, 0.0, 0.0, 0.0),
                rot(-3600.0, 3600.0, 180.0, 1440.0),
            ],
        }
    }

    /// A machine with the given offsets and the preset's limits.
    pub fn with_offsets(dy: f64, dz: f64) -> Self {
        Self {
            dy,
            dz,
            ..Self::preset()
        }
    }

    fn pivot(&self) -> Vector3 {
        Vector3::new(0.0, self.dy, self.dz)
    }
}

fn rx(a: f64, v: &Vector3) -> Vector3 {
    let (s, c) = a.sin_cos();
    Vector3::new(v.x, c * v.y - s * v.z, s * v.y + c * v.z)
}

fn rz(c: f64, v: &Vector3) -> Vector3 {
    let (s, co) = c.sin_cos();
    Vector3::new(co * v.x - s * v.y, s * v.x + co * v.y, v.z)
}

impl Machine for XyzacTrt {
    fn name(&self) -> &str {
        &self.name
    }

    fn axes(&self) -> &[Axis] {
        &[Axis::X, Axis::Y, Axis::Z, Axis::A, Axis::C]
    }

    fn limit(&self, axis: Axis) -> Option<AxisLimit> {
        (axis != Axis::B).then(|| self.limits[axis.index()])
    }

    fn tool_axis(&self, j: &Joints) -> UnitVector3 {
        let (sa, ca) = j.get(Axis::A).sin_cos();
        let (sc, cc) = j.get(Axis::C).sin_cos();
        UnitVector3::new_unchecked(Vector3::new(sc * sa, cc * sa, ca))
    }

    fn forward(&self, j: &Joints) -> Pose {
        let q = Vector3::new(j.get(Axis::X), j.get(Axis::Y), j.get(Axis::Z));
        let d = self.pivot();
        let p = rz(-j.get(Axis::C), &(rx(-j.get(Axis::A), &(q - d)) + d));
        Pose::new(Point3::from(p), self.tool_axis(j))
    }

    fn world_to_joints(&self, world: &Joints) -> Joints {
        let p = Vector3::new(world.get(Axis::X), world.get(Axis::Y), world.get(Axis::Z));
        let d = self.pivot();
        let q = rx(world.get(Axis::A), &(rz(world.get(Axis::C), &p) - d)) + d;
        let mut j = *world;
        j.set(Axis::X, q.x);
        j.set(Axis::Y, q.y);
        j.set(Axis::Z, q.z);
        j
    }

    fn inverse_all(&self, pose: &Pose, previous: Option<&Joints>) -> Vec<Joints> {
        let a = pose.axis.into_inner();
        let a1 = a.z.clamp(-1.0, 1.0).acos();
        let prev_c = previous.map(|p| p.get(Axis::C)).unwrap_or(0.0);
        let sin_a = (a.x * a.x + a.y * a.y).sqrt();
        let mut branches = Vec::with_capacity(2);
        if sin_a < SINGULAR_SIN {
            // The tool lies along the C axis: any C gives the same axis; hold C.
            branches.push((a1, prev_c));
            if a1.abs() > SINGULAR_SIN {
                branches.push((-a1, prev_c));
            }
        } else {
            let c1 = a.x.atan2(a.y);
            branches.push((a1, unwind_near(c1, prev_c)));
            branches.push((-a1, unwind_near(c1 + PI, prev_c)));
        }
        branches
            .into_iter()
            .map(|(ang_a, ang_c)| {
                let mut w = Joints::default();
                w.set(Axis::X, pose.tip.x);
                w.set(Axis::Y, pose.tip.y);
                w.set(Axis::Z, pose.tip.z);
                w.set(Axis::A, ang_a);
                w.set(Axis::C, ang_c);
                self.world_to_joints(&w)
            })
            .collect()
    }
}

/// The names of the built-in machines.
pub const MACHINE_NAMES: &[&str] = &["xyzac-trt"];

/// A built-in machine by name.
pub fn machine_by_name(name: &str) -> Result<Box<dyn Machine>> {
    match name {
        "xyzac-trt" => Ok(Box::new(XyzacTrt::preset())),
        _ => Err(KinematicsError::UnknownMachine {
            name: name.to_string(),
            known: MACHINE_NAMES.join(", "),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// LinuxCNC's documented xyzac-trt inverse transform, written out term by term.
    fn linuxcnc_inverse(p: [f64; 3], a: f64, c: f64, dy: f64, dz: f64) -> [f64; 3] {
        let (sa, ca) = a.sin_cos();
        let (sc, cc) = c.sin_cos();
        [
            cc * p[0] - sc * p[1],
            sc * ca * p[0] + cc * ca * p[1] - sa * p[2] - ca * dy + sa * dz + dy,
            sc * sa * p[0] + cc * sa * p[1] + ca * p[2] - sa * dy - ca * dz + dz,
        ]
    }

    proptest! {
        #[test]
        fn world_to_joints_matches_linuxcnc(
            x in -40.0f64..40.0, y in -40.0f64..40.0, z in -40.0f64..40.0,
            a in -3.0f64..3.0, c in -7.0f64..7.0, dy in -50.0f64..50.0, dz in -50.0f64..50.0,
        ) {
            let m = XyzacTrt::with_offsets(dy, dz);
            let w = Joints::new([x, y, z, a, 0.0, c]);
            let j = m.world_to_joints(&w);
            let r = linuxcnc_inverse([x, y, z], a, c, dy, dz);
            for (got, want) in j.values.iter().zip(r) {
                prop_assert!((got - want).abs() < 1e-9);
            }
        }

        #[test]
        fn forward_inverts_inverse(
            x in -40.0f64..40.0, y in -40.0f64..40.0, z in -40.0f64..40.0,
            theta in -PI..PI, phi in 0.0f64..PI, prev_c in -20.0f64..20.0,
        ) {
            let m = XyzacTrt::with_offsets(3.0, -30.0);
            let axis = UnitVector3::new_normalize(Vector3::new(
                phi.sin() * theta.cos(), phi.sin() * theta.sin(), phi.cos()));
            let pose = Pose::new(Point3::new(x, y, z), axis);
            let prev = Joints::new([0.0, 0.0, 0.0, 0.0, 0.0, prev_c]);
            for j in m.inverse_all(&pose, Some(&prev)) {
                let back = m.forward(&j);
                prop_assert!((back.tip - pose.tip).norm() < 1e-9);
                prop_assert!((back.axis.into_inner() - axis.into_inner()).norm() < 1e-9);
                prop_assert!((j.get(Axis::C) - prev_c).abs() <= PI + 1e-9);
            }
        }
    }

    #[test]
    fn inverse_prefers_the_branch_inside_limits() {
        let m = XyzacTrt::preset();
        // Equator, facing +X: A = +90° is inside −30..120, A = −90° is not.
        let pose = Pose::new(
            Point3::new(21.5, 0.0, 0.0),
            UnitVector3::new_normalize(Vector3::x()),
        );
        let j = m.inverse(&pose, None, "test").unwrap();
        assert!((j.get(Axis::A) - PI / 2.0).abs() < 1e-12);
        assert!((j.get(Axis::C) - PI / 2.0).abs() < 1e-12);
        // Pointing straight down needs A = 180°, outside the travel on both branches.
        let down = Pose::new(
            Point3::new(0.0, 0.0, -28.5),
            UnitVector3::new_normalize(-Vector3::z()),
        );
        let err = m.inverse(&down, None, "move 7").unwrap_err().to_string();
        assert!(err.contains("axis A") && err.contains("move 7"), "{err}");
    }

    #[test]
    fn singular_pose_holds_c() {
        let m = XyzacTrt::preset();
        let prev = Joints::new([0.0, 0.0, 0.0, 0.1, 0.0, 1.234]);
        let up = Pose::new(
            Point3::new(0.0, 0.0, 28.5),
            UnitVector3::new_normalize(Vector3::z()),
        );
        let j = m.inverse(&up, Some(&prev), "t").unwrap();
        assert_eq!(j.get(Axis::C), 1.234);
        assert_eq!(j.get(Axis::A), 0.0);
    }
}
