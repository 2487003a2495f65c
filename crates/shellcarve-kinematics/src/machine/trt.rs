//! Table-table trunnions: LinuxCNC's `xyzac-trt-kins` and `xyzbc-trt-kins`.
//!
//! Both follow the LinuxCNC manual, "5-Axis Kinematics" (R. du Preez), and the
//! kinematics modules `xyzac-trt-kins.c` / `xyzbc-trt-kins.c` with the rotation points
//! at the workpiece origin and no tool offset: the part is turned by the C table, which
//! is tilted by the A (or B) trunnion; the tool stays parallel to machine Z.

use std::f64::consts::PI;

use shellcarve_core::{Point3, Pose, UnitVector3, Vector3};

use super::config::{MachineConfig, MachineKind};
use super::{linear_limit, rotary_limit, rx, ry, rz, tilt_branches, with_xyz, Machine, NO_AXIS};
use crate::joints::{Axis, AxisLimit, Joints, SpindleRange};

/// The preset spindle of the trunnions: 1,000 to 24,000 rpm.
pub(crate) const TRT_SPINDLE: SpindleRange = SpindleRange {
    min_rpm: 1_000.0,
    max_rpm: 24_000.0,
};

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
    pub(crate) name: String,
    /// Y offset of the A axis from the workpiece origin (mm).
    pub dy: f64,
    /// Z offset of the A axis from the workpiece origin (mm).
    pub dz: f64,
    /// Limits of X, Y, Z, A, B (unused), C.
    pub limits: [AxisLimit; 6],
    /// Spindle speeds.
    pub spindle: SpindleRange,
}

impl XyzacTrt {
    /// The built-in preset: a small trunnion for egg work. The egg's centre sits 30 mm
    /// above the A axis on the C axis; A tilts from −30° to +120°, C turns ±10 turns.
    pub fn preset() -> Self {
        Self {
            name: "xyzac-trt".into(),
            dy: 0.0,
            dz: -30.0,
            limits: [
                linear_limit(-150.0, 150.0, 100.0, 1000.0, 20_000.0),
                linear_limit(-150.0, 150.0, 100.0, 1000.0, 20_000.0),
                linear_limit(-120.0, 120.0, 100.0, 1000.0, 20_000.0),
                rotary_limit(-30.0, 120.0, 90.0, 720.0, 14_400.0),
                NO_AXIS,
                rotary_limit(-3600.0, 3600.0, 180.0, 1440.0, 28_800.0),
            ],
            spindle: TRT_SPINDLE,
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

    fn spindle(&self) -> SpindleRange {
        self.spindle
    }

    fn config(&self) -> MachineConfig {
        MachineConfig::from_parts(
            MachineKind::XyzacTrt,
            &self.name,
            [None, Some(self.dy), Some(self.dz)],
            self,
        )
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
        with_xyz(world, &q)
    }

    fn inverse_all(&self, pose: &Pose, previous: Option<&Joints>) -> Vec<Joints> {
        let a = pose.axis.into_inner();
        let prev_c = previous.map(|p| p.get(Axis::C)).unwrap_or(0.0);
        // a = (sin C sin A, cos C sin A, cos A).
        tilt_branches(a.z, a.x, a.y, prev_c)
            .into_iter()
            .map(|(tilt, c)| {
                let mut w = with_xyz(&Joints::default(), &pose.tip.coords);
                w.set(Axis::A, tilt);
                w.set(Axis::C, c);
                self.world_to_joints(&w)
            })
            .collect()
    }
}

/// A table-table trunnion with B tilting about Y and C rotating the part about Z, as
/// LinuxCNC's `xyzbc-trt-kins` (LinuxCNC manual, "5-Axis Kinematics", and
/// `xyzbc-trt-kins.c`, inverse transform with rotation points at the origin and no tool
/// offset):
///
/// ```text
/// Qx =  cos C cos B Px − sin C cos B Py + sin B Pz − cos B Dx − sin B Dz + Dx
/// Qy =  sin C Px + cos C Py
/// Qz = −cos C sin B Px + sin C sin B Py + cos B Pz + sin B Dx − cos B Dz + Dz
/// ```
///
/// that is `joints_xyz = Ry(B)·Rz(C)·p + (I − Ry(B))·(Dx, 0, Dz)`, and the tool axis in
/// the workpiece frame is `Rz(−C)·Ry(−B)·ẑ = (−cos C sin B, sin C sin B, cos B)`.
///
/// The workpiece frame's origin lies on the C axis; `(Dx, 0, Dz)` is where the B axis
/// crosses the X-Z plane, in the workpiece frame at B = C = 0.
#[derive(Debug, Clone, PartialEq)]
pub struct XyzbcTrt {
    pub(crate) name: String,
    /// X offset of the B axis from the workpiece origin (mm).
    pub dx: f64,
    /// Z offset of the B axis from the workpiece origin (mm).
    pub dz: f64,
    /// Limits of X, Y, Z, A (unused), B, C.
    pub limits: [AxisLimit; 6],
    /// Spindle speeds.
    pub spindle: SpindleRange,
}

impl XyzbcTrt {
    /// The built-in preset: the mirror of the [`XyzacTrt`] preset with the trunnion
    /// along Y. The egg's centre sits 30 mm above the B axis on the C axis; B tilts
    /// from −120° to +30° (equator text facing +X at C = 0 needs B = −90°), C turns ±10
    /// turns.
    pub fn preset() -> Self {
        Self {
            name: "xyzbc-trt".into(),
            dx: 0.0,
            dz: -30.0,
            limits: [
                linear_limit(-150.0, 150.0, 100.0, 1000.0, 20_000.0),
                linear_limit(-150.0, 150.0, 100.0, 1000.0, 20_000.0),
                linear_limit(-120.0, 120.0, 100.0, 1000.0, 20_000.0),
                NO_AXIS,
                rotary_limit(-120.0, 30.0, 90.0, 720.0, 14_400.0),
                rotary_limit(-3600.0, 3600.0, 180.0, 1440.0, 28_800.0),
            ],
            spindle: TRT_SPINDLE,
        }
    }

    /// A machine with the given offsets and the preset's limits.
    pub fn with_offsets(dx: f64, dz: f64) -> Self {
        Self {
            dx,
            dz,
            ..Self::preset()
        }
    }

    fn pivot(&self) -> Vector3 {
        Vector3::new(self.dx, 0.0, self.dz)
    }
}

impl Machine for XyzbcTrt {
    fn name(&self) -> &str {
        &self.name
    }

    fn axes(&self) -> &[Axis] {
        &[Axis::X, Axis::Y, Axis::Z, Axis::B, Axis::C]
    }

    fn limit(&self, axis: Axis) -> Option<AxisLimit> {
        (axis != Axis::A).then(|| self.limits[axis.index()])
    }

    fn spindle(&self) -> SpindleRange {
        self.spindle
    }

    fn config(&self) -> MachineConfig {
        MachineConfig::from_parts(
            MachineKind::XyzbcTrt,
            &self.name,
            [Some(self.dx), None, Some(self.dz)],
            self,
        )
    }

    fn tool_axis(&self, j: &Joints) -> UnitVector3 {
        let (sb, cb) = j.get(Axis::B).sin_cos();
        let (sc, cc) = j.get(Axis::C).sin_cos();
        UnitVector3::new_unchecked(Vector3::new(-cc * sb, sc * sb, cb))
    }

    fn forward(&self, j: &Joints) -> Pose {
        let q = Vector3::new(j.get(Axis::X), j.get(Axis::Y), j.get(Axis::Z));
        let d = self.pivot();
        let p = rz(-j.get(Axis::C), &(ry(-j.get(Axis::B), &(q - d)) + d));
        Pose::new(Point3::from(p), self.tool_axis(j))
    }

    fn world_to_joints(&self, world: &Joints) -> Joints {
        let p = Vector3::new(world.get(Axis::X), world.get(Axis::Y), world.get(Axis::Z));
        let d = self.pivot();
        let q = ry(world.get(Axis::B), &(rz(world.get(Axis::C), &p) - d)) + d;
        with_xyz(world, &q)
    }

    fn inverse_all(&self, pose: &Pose, previous: Option<&Joints>) -> Vec<Joints> {
        let a = pose.axis.into_inner();
        let prev_c = previous.map(|p| p.get(Axis::C)).unwrap_or(0.0);
        // (−a.x, −a.y) = sin B · (cos C, −sin C) = sin B · (sin C', cos C') with
        // C' = C + 90°: solve as the AC case and turn C back.
        tilt_branches(a.z, -a.x, -a.y, prev_c + PI / 2.0)
            .into_iter()
            .map(|(tilt, c)| {
                let mut w = with_xyz(&Joints::default(), &pose.tip.coords);
                w.set(Axis::B, tilt);
                w.set(Axis::C, c - PI / 2.0);
                self.world_to_joints(&w)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::SINGULAR_CONE;
    use proptest::prelude::*;

    /// LinuxCNC's documented xyzac-trt inverse transform, written out term by term.
    fn linuxcnc_ac(p: [f64; 3], a: f64, c: f64, dy: f64, dz: f64) -> [f64; 3] {
        let (sa, ca) = a.sin_cos();
        let (sc, cc) = c.sin_cos();
        [
            cc * p[0] - sc * p[1],
            sc * ca * p[0] + cc * ca * p[1] - sa * p[2] - ca * dy + sa * dz + dy,
            sc * sa * p[0] + cc * sa * p[1] + ca * p[2] - sa * dy - ca * dz + dz,
        ]
    }

    /// LinuxCNC's xyzbc-trt inverse transform (`xyzbc-trt-kins.c`), term by term.
    fn linuxcnc_bc(p: [f64; 3], b: f64, c: f64, dx: f64, dz: f64) -> [f64; 3] {
        let (sb, cb) = b.sin_cos();
        let (sc, cc) = c.sin_cos();
        let dpx = -cb * dx - sb * dz + dx;
        let dpz = sb * dx - cb * dz + dz;
        [
            cc * cb * p[0] - sc * cb * p[1] + sb * p[2] + dpx,
            sc * p[0] + cc * p[1],
            -cc * sb * p[0] + sc * sb * p[1] + cb * p[2] + dpz,
        ]
    }

    fn unit(theta: f64, phi: f64) -> UnitVector3 {
        UnitVector3::new_normalize(Vector3::new(
            phi.sin() * theta.cos(),
            phi.sin() * theta.sin(),
            phi.cos(),
        ))
    }

    proptest! {
        #[test]
        fn world_to_joints_matches_linuxcnc(
            x in -40.0f64..40.0, y in -40.0f64..40.0, z in -40.0f64..40.0,
            a in -3.0f64..3.0, c in -7.0f64..7.0, d1 in -50.0f64..50.0, d2 in -50.0f64..50.0,
        ) {
            let m = XyzacTrt::with_offsets(d1, d2);
            let j = m.world_to_joints(&Joints::new([x, y, z, a, 0.0, c]));
            for (got, want) in j.values.iter().zip(linuxcnc_ac([x, y, z], a, c, d1, d2)) {
                prop_assert!((got - want).abs() < 1e-9);
            }
            let m = XyzbcTrt::with_offsets(d1, d2);
            let j = m.world_to_joints(&Joints::new([x, y, z, 0.0, a, c]));
            for (got, want) in j.values.iter().zip(linuxcnc_bc([x, y, z], a, c, d1, d2)) {
                prop_assert!((got - want).abs() < 1e-9);
            }
        }

        #[test]
        fn forward_inverts_inverse(
            x in -40.0f64..40.0, y in -40.0f64..40.0, z in -40.0f64..40.0,
            theta in -PI..PI, phi in 0.0f64..PI, prev_c in -20.0f64..20.0,
        ) {
            let axis = unit(theta, phi);
            let pose = Pose::new(Point3::new(x, y, z), axis);
            let prev = Joints::new([0.0, 0.0, 0.0, 0.0, 0.0, prev_c]);
            let ac = XyzacTrt::with_offsets(3.0, -30.0);
            let bc = XyzbcTrt::with_offsets(-4.0, -30.0);
            let machines: [&dyn Machine; 2] = [&ac, &bc];
            for m in machines {
                let all = m.inverse_all(&pose, Some(&prev));
                prop_assert!(!all.is_empty());
                // Within the singularity cone C is held and the axis is off by at most
                // the cone; everywhere else the axis is exact. The tip is always exact.
                let in_cone = phi.sin() < SINGULAR_CONE.sin();
                for j in all {
                    let back = m.forward(&j);
                    prop_assert!((back.tip - pose.tip).norm() < 1e-9);
                    if in_cone {
                        let err = back.axis.angle(&axis);
                        prop_assert!(err <= SINGULAR_CONE + 1e-12, "{err}");
                    } else {
                        prop_assert!((back.axis.into_inner() - axis.into_inner()).norm() < 1e-9);
                    }
                    prop_assert!((j.get(Axis::C) - prev_c).abs() <= PI + 1e-9);
                }
            }
        }
    }

    #[test]
    fn the_table_holds_c_inside_the_singularity_cone() {
        let m = XyzacTrt::preset();
        let prev = Joints::new([0.0, 0.0, 0.0, 0.2, 0.0, 1.0]);
        // 0.5° from the C axis toward longitude 2.5 rad (far from C = 1): C stays.
        let near = Pose::new(Point3::new(0.0, 0.0, 28.0), unit(2.5, 0.5f64.to_radians()));
        let j = m.inverse(&near, Some(&prev), "t").unwrap();
        assert_eq!(j.get(Axis::C), 1.0);
        assert!(m.forward(&j).axis.angle(&near.axis) <= 0.5f64.to_radians() + 1e-12);
        assert!((m.forward(&j).tip - near.tip).norm() < 1e-9);
        // 2° away the axis is followed exactly and C turns.
        let far = Pose::new(Point3::new(0.0, 0.0, 28.0), unit(2.5, 2f64.to_radians()));
        let j = m.inverse(&far, Some(&prev), "t").unwrap();
        assert!(m.forward(&j).axis.angle(&far.axis) < 1e-9);
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
    fn xyzbc_equator_facing_x_is_b_minus_90_at_c_0() {
        let m = XyzbcTrt::preset();
        let pose = Pose::new(
            Point3::new(21.5, 0.0, 0.0),
            UnitVector3::new_normalize(Vector3::x()),
        );
        let j = m.inverse(&pose, None, "test").unwrap();
        assert!((j.get(Axis::B) + PI / 2.0).abs() < 1e-12, "{j:?}");
        assert!(j.get(Axis::C).abs() < 1e-12, "{j:?}");
        assert_eq!(j.get(Axis::A), 0.0);
        // The tip rises to the top of the tilted table: 30 + 21.5 above the B axis.
        assert!((j.get(Axis::Z) - (21.5 - 30.0)).abs() < 1e-9, "{j:?}");
        let err = m
            .inverse(
                &Pose::new(
                    Point3::new(0.0, 0.0, -28.5),
                    UnitVector3::new_normalize(-Vector3::z()),
                ),
                None,
                "move 3",
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("axis B") && err.contains("move 3"), "{err}");
    }

    #[test]
    fn singular_pose_holds_c() {
        let prev = Joints::new([0.0, 0.0, 0.0, 0.1, 0.0, 1.234]);
        let up = Pose::new(
            Point3::new(0.0, 0.0, 28.5),
            UnitVector3::new_normalize(Vector3::z()),
        );
        let j = XyzacTrt::preset().inverse(&up, Some(&prev), "t").unwrap();
        assert_eq!(j.get(Axis::C), 1.234);
        assert_eq!(j.get(Axis::A), 0.0);
        let j = XyzbcTrt::preset().inverse(&up, Some(&prev), "t").unwrap();
        assert!((j.get(Axis::C) - 1.234).abs() < 1e-12);
        assert_eq!(j.get(Axis::B), 0.0);
    }
}
