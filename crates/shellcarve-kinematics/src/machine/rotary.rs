//! A four-axis machine: the egg between centres on an A axis along machine X, the tool
//! fixed along machine Z.

use shellcarve_core::{Point3, Pose, UnitVector3, Vector3};

use super::config::{MachineConfig, MachineKind};
use super::{
    linear_limit, rotary_limit, rx, unwind_near, with_xyz, Machine, NO_AXIS, SINGULAR_SIN,
};
use crate::joints::{Axis, AxisLimit, Joints, SpindleRange};

/// A four-axis machine (X Y Z A) with the egg held between centres on the A axis, which
/// runs along machine X; the spindle points down machine Z. Trivial kinematics with a
/// rotary axis (LinuxCNC `trivkins coordinates=XYZA`, Grbl with a fourth axis).
///
/// The egg's axis (workpiece +Z, toward the pointed end) lies along machine −X and the
/// workpiece origin on the A axis at `(0, Dy, Dz)` in machine coordinates (0, 0 when the
/// work offset is touched off on the axis, as is usual for rotary work). With `M` the
/// fixed mounting rotation (workpiece x → machine z, y → y, z → −x) and `Rx(A)` the
/// right-hand rotation about machine X (the RS274 sense of A):
///
/// `joints_xyz = Rx(A)·M·p + (0, Dy, Dz)`, and the tool axis in the workpiece frame is
/// `Mᵀ·Rx(−A)·ẑ = (cos A, sin A, 0)`.
///
/// So A is the longitude θ the tool faces, and the tool axis always lies square to the
/// egg's axis. Off the egg's equator the surface normal tilts toward the egg's axis and
/// the tool cannot follow it: [`Machine::inverse`] puts the tip exactly where asked and
/// turns A to bring the tool axis as close as it can to the one asked for (the same
/// longitude); the remaining angle is the tilt error, which the planner reports.
#[derive(Debug, Clone, PartialEq)]
pub struct XyzaRotary {
    pub(crate) name: String,
    /// Y of the A axis in machine coordinates, relative to the work offset (mm).
    pub dy: f64,
    /// Z of the A axis in machine coordinates, relative to the work offset (mm).
    pub dz: f64,
    /// Limits of X, Y, Z, A, B (unused), C (unused).
    pub limits: [AxisLimit; 6],
    /// Spindle speeds.
    pub spindle: SpindleRange,
}

impl XyzaRotary {
    /// The built-in preset: a hobby four-axis router with a rotary between centres,
    /// workpiece zero on the A axis, A unlimited in practice (±10 turns), a
    /// 3,000–24,000 rpm spindle.
    pub fn preset() -> Self {
        Self {
            name: "xyza-rotary".into(),
            dy: 0.0,
            dz: 0.0,
            limits: [
                linear_limit(-100.0, 100.0, 50.0, 500.0, 10_000.0),
                linear_limit(-60.0, 60.0, 50.0, 500.0, 10_000.0),
                linear_limit(-10.0, 100.0, 30.0, 500.0, 10_000.0),
                rotary_limit(-3600.0, 3600.0, 120.0, 720.0, 14_400.0),
                NO_AXIS,
                NO_AXIS,
            ],
            spindle: SpindleRange {
                min_rpm: 3_000.0,
                max_rpm: 24_000.0,
            },
        }
    }

    /// A machine with the given axis position and the preset's limits.
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

/// The mounting rotation `M`: workpiece → machine at A = 0.
fn mount(p: &Vector3) -> Vector3 {
    Vector3::new(-p.z, p.y, p.x)
}

/// `Mᵀ`: machine → workpiece at A = 0.
fn unmount(q: &Vector3) -> Vector3 {
    Vector3::new(q.z, q.y, -q.x)
}

impl Machine for XyzaRotary {
    fn name(&self) -> &str {
        &self.name
    }

    fn axes(&self) -> &[Axis] {
        &[Axis::X, Axis::Y, Axis::Z, Axis::A]
    }

    fn limit(&self, axis: Axis) -> Option<AxisLimit> {
        matches!(axis, Axis::X | Axis::Y | Axis::Z | Axis::A).then(|| self.limits[axis.index()])
    }

    fn spindle(&self) -> SpindleRange {
        self.spindle
    }

    fn config(&self) -> MachineConfig {
        MachineConfig::from_parts(
            MachineKind::XyzaRotary,
            &self.name,
            [None, Some(self.dy), Some(self.dz)],
            self,
        )
    }

    fn tool_axis(&self, j: &Joints) -> UnitVector3 {
        let (s, c) = j.get(Axis::A).sin_cos();
        UnitVector3::new_unchecked(Vector3::new(c, s, 0.0))
    }

    fn forward(&self, j: &Joints) -> Pose {
        let q = Vector3::new(j.get(Axis::X), j.get(Axis::Y), j.get(Axis::Z));
        let p = unmount(&rx(-j.get(Axis::A), &(q - self.pivot())));
        Pose::new(Point3::from(p), self.tool_axis(j))
    }

    fn world_to_joints(&self, world: &Joints) -> Joints {
        let p = Vector3::new(world.get(Axis::X), world.get(Axis::Y), world.get(Axis::Z));
        let q = rx(world.get(Axis::A), &mount(&p)) + self.pivot();
        with_xyz(world, &q)
    }

    fn inverse_all(&self, pose: &Pose, previous: Option<&Joints>) -> Vec<Joints> {
        let a = pose.axis.into_inner();
        let prev_a = previous.map(|p| p.get(Axis::A)).unwrap_or(0.0);
        // (cos A, sin A, 0) is closest to `a` (largest dot product) at A = atan2(a.y,
        // a.x). Along the egg's axis every A is as close: hold A.
        let angle = if a.x.hypot(a.y) < SINGULAR_SIN {
            prev_a
        } else {
            unwind_near(a.y.atan2(a.x), prev_a)
        };
        let mut w = with_xyz(&Joints::default(), &pose.tip.coords);
        w.set(Axis::A, angle);
        vec![self.world_to_joints(&w)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::f64::consts::PI;

    proptest! {
        #[test]
        fn forward_inverts_inverse_tip_exact_axis_closest(
            x in -40.0f64..40.0, y in -40.0f64..40.0, z in -40.0f64..40.0,
            theta in -PI..PI, phi in 0.0f64..PI, prev_a in -20.0f64..20.0,
            dy in -10.0f64..10.0, dz in -10.0f64..10.0,
        ) {
            let m = XyzaRotary::with_offsets(dy, dz);
            let axis = UnitVector3::new_normalize(Vector3::new(
                phi.sin() * theta.cos(), phi.sin() * theta.sin(), phi.cos()));
            let pose = Pose::new(Point3::new(x, y, z), axis);
            let prev = Joints::new([0.0, 0.0, 0.0, prev_a, 0.0, 0.0]);
            let all = m.inverse_all(&pose, Some(&prev));
            prop_assert_eq!(all.len(), 1);
            let j = all[0];
            let back = m.forward(&j);
            prop_assert!((back.tip - pose.tip).norm() < 1e-9);
            // The tilt error is the axis's elevation from the machine's reachable
            // circle: no A does better.
            let err = back.axis.angle(&axis);
            prop_assert!((err - (PI / 2.0 - phi).abs()).abs() < 1e-6, "{} vs {}", err, phi);
            for k in 0..36 {
                let other = Joints::new([0.0, 0.0, 0.0, f64::from(k) * 10f64.to_radians(), 0.0, 0.0]);
                prop_assert!(m.tool_axis(&other).angle(&axis) >= err - 1e-9);
            }
            prop_assert!((j.get(Axis::A) - prev_a).abs() <= PI + 1e-9);
        }
    }

    #[test]
    fn equator_is_exact_and_a_is_the_longitude() {
        let m = XyzaRotary::preset();
        let th = 0.3f64;
        let n = UnitVector3::new_normalize(Vector3::new(th.cos(), th.sin(), 0.0));
        let pose = Pose::new(Point3::new(21.2 * th.cos(), 21.2 * th.sin(), 5.0), n);
        let j = m.inverse(&pose, None, "t").unwrap();
        assert!((j.get(Axis::A) - th).abs() < 1e-12);
        // The tip sits on top of the egg (machine Z = radius), 5 mm toward −X.
        assert!((j.get(Axis::Z) - 21.2).abs() < 1e-9, "{j:?}");
        assert!((j.get(Axis::X) + 5.0).abs() < 1e-9, "{j:?}");
        assert!(j.get(Axis::Y).abs() < 1e-9, "{j:?}");
        let back = m.forward(&j);
        assert!(back.axis.angle(&n) < 1e-12);
    }

    #[test]
    fn pole_holds_a() {
        let m = XyzaRotary::preset();
        let prev = Joints::new([0.0, 0.0, 0.0, 1.25, 0.0, 0.0]);
        let pose = Pose::new(
            Point3::new(0.0, 0.0, 28.0),
            UnitVector3::new_normalize(Vector3::z()),
        );
        let j = m.inverse(&pose, Some(&prev), "t").unwrap();
        assert_eq!(j.get(Axis::A), 1.25);
        assert!((m.forward(&j).tip - pose.tip).norm() < 1e-12);
    }
}
