//! A head-table machine: the spindle head tilts about Y (B), the table turns the egg
//! about Z (C); X Y Z move the head. LinuxCNC's `maxkins` with
//! `conventional-directions = 1`.

use shellcarve_core::{Point3, Pose, UnitVector3, Vector3};

use super::config::{MachineConfig, MachineKind};
use super::{linear_limit, rotary_limit, rz, tilt_branches, with_xyz, Machine, NO_AXIS};
use crate::joints::{Axis, AxisLimit, Joints, SpindleRange};

/// A head-table five-axis machine: a spindle head tilting about Y (B) carried by the
/// X Y Z slides, and a rotary table turning the egg about Z (C). The egg stands on the
/// table with its axis on the C axis, as on the trunnions.
///
/// Geometry (machine frame M fixed to the bed, Z up along the C axis, origin on the C
/// axis at the height of the workpiece origin, so that M and the workpiece frame W
/// coincide at C = 0):
///
/// - The table turns the egg by −C: a point `p` of W lies at `Rz(−C)·p` in M (the
///   RS274 sense for a table, so that +C turns the tool by +C relative to the egg).
/// - The B axis runs parallel to Y through the head's pivot `(X, Y, Z + L)`, where `L`
///   is the pivot length from the B axis to the tool tip. B turns the head right-handed
///   about Y: the tool axis (tip toward spindle) in M is `Ry(B)·ẑ = (sin B, 0, cos B)`
///   and the tip `(X − L sin B, Y, Z + L − L cos B)`. At B = 0 the joints X Y Z are
///   the tip itself.
///
/// So the forward kinematics are
///
/// ```text
/// tip  = Rz(C)·(X − L sin B, Y, Z + L (1 − cos B))
/// axis = Rz(C)·(sin B, 0, cos B) = (cos C sin B, sin C sin B, cos B)
/// ```
///
/// and the inverse, for a tip `p` and the angles,
/// `joints_xyz = Rz(−C)·p + L·(sin B, 0, cos B − 1)`, with `B = ±acos(a_z)` and `C` the
/// longitude of the axis (`atan2(a_y, a_x)`, plus 180° on the negative branch). B is the
/// tool's angle from the egg's axis and C the longitude it faces: equator text facing
/// longitude θ is B = 90°, C = θ. Along the C axis (B = 0) C is free; within
/// [`crate::SINGULAR_CONE`] of it C is held, as on the trunnions.
///
/// This is the inverse transform of LinuxCNC's `maxkins` (tilting head B, rotary table
/// C; `maxkins_math.h`) with `maxkins.conventional-directions = 1`,
/// `maxkins.pivot-length = L` and U = V = W = 0, so TCP (world-mode) programs for this
/// model run on LinuxCNC with `maxkins`. LinuxCNC applies no tool length offset along
/// the tilted tool: `L` must reach the tip of the tool in use.
#[derive(Debug, Clone, PartialEq)]
pub struct XyzbcHeadTable {
    pub(crate) name: String,
    /// Distance from the B axis to the tool tip along the tool (mm): the head's pivot to
    /// gauge-line distance plus the tool's gauge length (LinuxCNC `maxkins.pivot-length`).
    /// A tool of another length needs its own value.
    pub pivot_length: f64,
    /// Limits of X, Y, Z, A (unused), B, C.
    pub limits: [AxisLimit; 6],
    /// Spindle speeds.
    pub spindle: SpindleRange,
}

impl XyzbcHeadTable {
    /// The built-in preset: a small head-table machine for egg work. The B axis lies
    /// 100 mm above the tip of the tool at gauge length; B tilts ±110° (a little below
    /// the equator), C turns ±10 turns; a 2,000–30,000 rpm head spindle. The head is
    /// heavier than a table: B is slower than C.
    pub fn preset() -> Self {
        Self {
            name: "xyzbc-head-table".into(),
            pivot_length: 100.0,
            limits: [
                linear_limit(-200.0, 200.0, 100.0, 1000.0, 20_000.0),
                linear_limit(-150.0, 150.0, 100.0, 1000.0, 20_000.0),
                linear_limit(-200.0, 150.0, 100.0, 1000.0, 20_000.0),
                NO_AXIS,
                rotary_limit(-110.0, 110.0, 60.0, 600.0, 12_000.0),
                rotary_limit(-3600.0, 3600.0, 180.0, 1440.0, 28_800.0),
            ],
            spindle: SpindleRange {
                min_rpm: 2_000.0,
                max_rpm: 30_000.0,
            },
        }
    }

    /// A machine with the given pivot length (mm) and the preset's limits.
    pub fn with_pivot_length(pivot_length: f64) -> Self {
        Self {
            pivot_length,
            ..Self::preset()
        }
    }
}

impl Machine for XyzbcHeadTable {
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
        let mut c =
            MachineConfig::from_parts(MachineKind::XyzbcHeadTable, &self.name, [None; 3], self);
        c.offsets.pivot_length = Some(self.pivot_length);
        c
    }

    fn tool_axis(&self, j: &Joints) -> UnitVector3 {
        let (sb, cb) = j.get(Axis::B).sin_cos();
        let (sc, cc) = j.get(Axis::C).sin_cos();
        UnitVector3::new_unchecked(Vector3::new(cc * sb, sc * sb, cb))
    }

    fn forward(&self, j: &Joints) -> Pose {
        let (sb, cb) = j.get(Axis::B).sin_cos();
        let l = self.pivot_length;
        let tip_m = Vector3::new(
            j.get(Axis::X) - l * sb,
            j.get(Axis::Y),
            j.get(Axis::Z) + l * (1.0 - cb),
        );
        let p = rz(j.get(Axis::C), &tip_m);
        Pose::new(Point3::from(p), self.tool_axis(j))
    }

    fn world_to_joints(&self, world: &Joints) -> Joints {
        let p = Vector3::new(world.get(Axis::X), world.get(Axis::Y), world.get(Axis::Z));
        let (sb, cb) = world.get(Axis::B).sin_cos();
        let q = rz(-world.get(Axis::C), &p) + self.pivot_length * Vector3::new(sb, 0.0, cb - 1.0);
        with_xyz(world, &q)
    }

    fn inverse_all(&self, pose: &Pose, previous: Option<&Joints>) -> Vec<Joints> {
        let a = pose.axis.into_inner();
        let prev_c = previous.map(|p| p.get(Axis::C)).unwrap_or(0.0);
        // (a.x, a.y) = sin B · (cos C, sin C) = sin B · (sin C', cos C') read with
        // (u, v) = (a.y, a.x): C' = C, no change of angle needed.
        tilt_branches(a.z, a.y, a.x, prev_c)
            .into_iter()
            .map(|(tilt, c)| {
                let mut w = with_xyz(&Joints::default(), &pose.tip.coords);
                w.set(Axis::B, tilt);
                w.set(Axis::C, c);
                self.world_to_joints(&w)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{unwind_near, SINGULAR_CONE};
    use proptest::prelude::*;
    use std::f64::consts::PI;

    /// LinuxCNC's `maxkins` inverse transform (`maxkins_math.h`, `maxkins_inverse_math`)
    /// written out as it is there, angles in degrees, U = V = W = 0.
    fn maxkins_inverse(p: [f64; 3], b: f64, c: f64, pivot: f64, conventional: bool) -> [f64; 3] {
        let con = if conventional { 1.0 } else { -1.0 };
        let zb = pivot * b.to_radians().cos();
        let xb = pivot * b.to_radians().sin();
        let xyr = p[0].hypot(p[1]);
        let xytheta = p[1].atan2(p[0]) - c.to_radians();
        [
            xyr * xytheta.cos() + con * xb,
            xyr * xytheta.sin(),
            p[2] + zb - pivot,
        ]
    }

    fn unit(theta: f64, phi: f64) -> UnitVector3 {
        UnitVector3::new_normalize(Vector3::new(
            phi.sin() * theta.cos(),
            phi.sin() * theta.sin(),
            phi.cos(),
        ))
    }

    /// The angle between two unit vectors from their chord: exact to the last bits near
    /// 0, where `acos` of the dot product is off by ~1e-8.
    fn angle(a: &UnitVector3, b: &UnitVector3) -> f64 {
        2.0 * ((a.into_inner() - b.into_inner()).norm() / 2.0)
            .min(1.0)
            .asin()
    }

    /// `x` and `y` equal modulo a full turn.
    fn same_angle(x: f64, y: f64) -> bool {
        (unwind_near(x, y) - y).abs() < 1e-9
    }

    proptest! {
        #[test]
        fn world_to_joints_matches_linuxcnc_maxkins(
            x in -40.0f64..40.0, y in -40.0f64..40.0, z in -40.0f64..40.0,
            b in -120.0f64..120.0, c in -720.0f64..720.0, pivot in 0.0f64..300.0,
        ) {
            let m = XyzbcHeadTable::with_pivot_length(pivot);
            let w = Joints::new([x, y, z, 0.0, b.to_radians(), c.to_radians()]);
            let j = m.world_to_joints(&w);
            for (got, want) in j.values.iter().zip(maxkins_inverse([x, y, z], b, c, pivot, true)) {
                prop_assert!((got - want).abs() < 1e-9, "{} vs {}", got, want);
            }
            prop_assert_eq!(j.get(Axis::B), w.get(Axis::B));
            prop_assert_eq!(j.get(Axis::C), w.get(Axis::C));
        }

        /// FK(IK(p)) = p over poses near an egg that the preset can reach (tool axis up
        /// to 110° from the egg's axis), with the branch chosen by `inverse`.
        #[test]
        fn forward_inverts_inverse_near_an_egg(
            r in 15.0f64..35.0, lat in -1.5f64..1.5, lon in -PI..PI,
            theta in -PI..PI, phi in 0.0f64..1.9, prev_c in -20.0f64..20.0,
            pivot in 20.0f64..110.0,
        ) {
            let m = XyzbcHeadTable::with_pivot_length(pivot);
            let tip = Point3::new(r * lat.cos() * lon.cos(), r * lat.cos() * lon.sin(), r * lat.sin());
            let axis = unit(theta, phi);
            let pose = Pose::new(tip, axis);
            let prev = Joints::new([0.0, 0.0, 0.0, 0.0, 0.3, prev_c]);
            let in_cone = phi.sin() < SINGULAR_CONE.sin();
            let chosen = m.inverse(&pose, Some(&prev), "t").unwrap();
            let all = m.inverse_all(&pose, Some(&prev));
            prop_assert!(!all.is_empty() && all.len() <= 2);
            prop_assert!(all.contains(&chosen));
            for j in all {
                let back = m.forward(&j);
                prop_assert!((back.tip - pose.tip).norm() < 1e-9, "{:?}", back.tip - pose.tip);
                let err = angle(&back.axis, &axis);
                if in_cone {
                    // C held at its previous value; the axis within the cone.
                    prop_assert_eq!(j.get(Axis::C), prev_c);
                    prop_assert!(err <= SINGULAR_CONE + 1e-12, "{}", err);
                } else {
                    prop_assert!(err < 1e-9, "{}", err);
                }
                // C unwound: never more than half a turn from where it was.
                prop_assert!((j.get(Axis::C) - prev_c).abs() <= PI + 1e-9);
                prop_assert_eq!(m.tool_axis(&j), back.axis);
            }
        }

        /// IK(FK(j)) = j: exactly j when the previous joints are j's neighbours, and j or
        /// its other branch modulo a turn of C from scratch.
        #[test]
        fn inverse_recovers_the_joints(
            x in -150.0f64..150.0, y in -40.0f64..40.0, z in -150.0f64..50.0,
            b in 0.02f64..1.9, b_neg in any::<bool>(), c in -60.0f64..60.0,
            nudge in -1.0f64..1.0,
        ) {
            let m = XyzbcHeadTable::preset();
            let b = if b_neg { -b } else { b };
            let j = Joints::new([x, y, z, 0.0, b, c]);
            let pose = m.forward(&j);
            let mut near = j;
            near.set(Axis::C, c + nudge);
            near.set(Axis::B, b + nudge.abs().min(0.01).copysign(b));
            let back = m.inverse(&pose, Some(&near), "t").unwrap();
            for (got, want) in back.values.iter().zip(j.values) {
                prop_assert!((got - want).abs() < 1e-9, "{:?} vs {:?}", back, j);
            }
            let fresh = m.inverse(&pose, None, "t").unwrap();
            let same = (fresh.get(Axis::B) - b).abs() < 1e-9 && same_angle(fresh.get(Axis::C), c);
            let other = (fresh.get(Axis::B) + b).abs() < 1e-9 && same_angle(fresh.get(Axis::C), c + PI);
            prop_assert!(same || other, "{:?} vs {:?}", fresh, j);
            let again = m.forward(&fresh);
            prop_assert!((again.tip - pose.tip).norm() < 1e-9);
            prop_assert!(angle(&again.axis, &pose.axis) < 1e-9);
        }
    }

    /// Proptest regression (`proptest-regressions/machine/head_table.txt`): a pose whose
    /// axis `acos` measured 1.5e-8 rad off while it is exact to the last bits.
    #[test]
    fn tilted_axis_is_exact_regression() {
        let m = XyzbcHeadTable::with_pivot_length(20.0);
        let axis = unit(-1.2545592527355673, 0.8169660662669799);
        let pose = Pose::new(Point3::new(15.0, 0.0, 0.0), axis);
        let prev = Joints::new([0.0, 0.0, 0.0, 0.0, 0.3, 0.0]);
        let j = m.inverse(&pose, Some(&prev), "t").unwrap();
        let back = m.forward(&j);
        assert!((back.tip - pose.tip).norm() < 1e-9);
        assert!(angle(&back.axis, &axis) < 1e-9);
    }

    #[test]
    fn equator_facing_x_is_b_90_at_c_0() {
        let m = XyzbcHeadTable::preset();
        let pose = Pose::new(
            Point3::new(21.5, 0.0, 0.0),
            UnitVector3::new_normalize(Vector3::x()),
        );
        let j = m.inverse(&pose, None, "t").unwrap();
        assert!((j.get(Axis::B) - PI / 2.0).abs() < 1e-12, "{j:?}");
        assert!(j.get(Axis::C).abs() < 1e-12, "{j:?}");
        assert_eq!(j.get(Axis::A), 0.0);
        // The head lies on its side: the pivot sits L beyond the tip along +X, at the
        // tip's height, and joint Z is L below it.
        assert!((j.get(Axis::X) - (21.5 + 100.0)).abs() < 1e-9, "{j:?}");
        assert!(j.get(Axis::Y).abs() < 1e-9, "{j:?}");
        assert!((j.get(Axis::Z) + 100.0).abs() < 1e-9, "{j:?}");
        // Facing longitude 60°: C follows the longitude, B stays.
        let th = 60f64.to_radians();
        let pose = Pose::new(
            Point3::new(21.5 * th.cos(), 21.5 * th.sin(), 0.0),
            UnitVector3::new_normalize(Vector3::new(th.cos(), th.sin(), 0.0)),
        );
        let k = m.inverse(&pose, Some(&j), "t").unwrap();
        assert!((k.get(Axis::C) - th).abs() < 1e-12, "{k:?}");
        assert!((k.get(Axis::B) - PI / 2.0).abs() < 1e-12, "{k:?}");
        // In the machine frame the tip is where it was at C = 0.
        assert!((k.get(Axis::X) - j.get(Axis::X)).abs() < 1e-9, "{k:?}");
    }

    #[test]
    fn the_table_holds_c_inside_the_singularity_cone() {
        let m = XyzbcHeadTable::preset();
        let prev = Joints::new([0.0, 0.0, 0.0, 0.0, 0.2, 1.0]);
        // 0.5° from the C axis toward longitude 2.5 rad (far from C = 1): C stays.
        let tip = Point3::new(0.3, -0.2, 28.0);
        let near = Pose::new(tip, unit(2.5, 0.5f64.to_radians()));
        let j = m.inverse(&near, Some(&prev), "t").unwrap();
        assert_eq!(j.get(Axis::C), 1.0);
        let back = m.forward(&j);
        assert!(angle(&back.axis, &near.axis) <= 0.5f64.to_radians() + 1e-12);
        assert!((back.tip - tip).norm() < 1e-9);
        // On the axis itself: C held, B = 0, the joints are the tip turned by −C.
        let up = Pose::new(tip, UnitVector3::new_normalize(Vector3::z()));
        let j = m.inverse(&up, Some(&prev), "t").unwrap();
        assert_eq!(j.get(Axis::C), 1.0);
        assert_eq!(j.get(Axis::B), 0.0);
        assert!((m.forward(&j).tip - tip).norm() < 1e-9);
        assert!((j.get(Axis::Z) - 28.0).abs() < 1e-12);
        // 2° away the axis is followed exactly and C turns to the axis's longitude.
        let far = Pose::new(tip, unit(2.5, 2f64.to_radians()));
        let j = m.inverse(&far, Some(&prev), "t").unwrap();
        assert!(angle(&m.forward(&j).axis, &far.axis) < 1e-9);
        assert!((m.forward(&j).tip - tip).norm() < 1e-9);
        assert!(same_angle(j.get(Axis::C), 2.5) || same_angle(j.get(Axis::C), 2.5 + PI));
    }

    #[test]
    fn c_unwinds_toward_the_previous_turns() {
        let m = XyzbcHeadTable::preset();
        let pose = Pose::new(
            Point3::new(0.0, 21.5, 0.0),
            UnitVector3::new_normalize(Vector3::y()),
        );
        // Three turns and a bit on: C = 90° + 3 turns, not 90°.
        let prev = Joints::new([0.0, 0.0, 0.0, 0.0, PI / 2.0, 6.0 * PI + 1.4]);
        let j = m.inverse(&pose, Some(&prev), "t").unwrap();
        assert!(
            (j.get(Axis::C) - (6.0 * PI + PI / 2.0)).abs() < 1e-12,
            "{j:?}"
        );
        assert!((j.get(Axis::B) - PI / 2.0).abs() < 1e-12, "{j:?}");
    }

    #[test]
    fn the_branch_inside_the_b_travel_wins_and_unreachable_poses_name_b() {
        let mut m = XyzbcHeadTable::preset();
        // Coming from B = −80° at C = 180°: the negative branch is nearer.
        let pose = Pose::new(
            Point3::new(21.5, 0.0, 0.0),
            UnitVector3::new_normalize(Vector3::x()),
        );
        let prev = Joints::new([0.0, 0.0, 0.0, 0.0, -80f64.to_radians(), PI]);
        let j = m.inverse(&pose, Some(&prev), "t").unwrap();
        assert!((j.get(Axis::B) + PI / 2.0).abs() < 1e-12, "{j:?}");
        assert!((j.get(Axis::C) - PI).abs() < 1e-12, "{j:?}");
        // Limit B to 0..+100°: the positive branch is taken whatever came before.
        m.limits[Axis::B.index()] = rotary_limit(0.0, 100.0, 60.0, 600.0, 12_000.0);
        let j = m.inverse(&pose, Some(&prev), "t").unwrap();
        assert!((j.get(Axis::B) - PI / 2.0).abs() < 1e-12, "{j:?}");
        // Straight down needs B = ±180°, beyond the head's ±110°: a clear error.
        let down = Pose::new(
            Point3::new(0.0, 0.0, 28.5),
            UnitVector3::new_normalize(-Vector3::z()),
        );
        let err = XyzbcHeadTable::preset()
            .inverse(&down, None, "move 9")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("axis B") && err.contains("move 9") && err.contains("110"),
            "{err}"
        );
        // 120° from the egg's axis (30° below the equator) is out of reach too.
        let low = Pose::new(
            Point3::new(18.0, 0.0, -12.0),
            unit(0.0, 120f64.to_radians()),
        );
        let err = XyzbcHeadTable::preset()
            .inverse(&low, None, "move 4")
            .unwrap_err()
            .to_string();
        assert!(err.contains("axis B") && err.contains("120.0000"), "{err}");
    }

    #[test]
    fn config_round_trips_with_the_pivot_length() {
        let m = XyzbcHeadTable::with_pivot_length(87.5);
        let text = m.config().to_toml().unwrap();
        assert!(text.starts_with("kind = \"xyzbc-head-table\""), "{text}");
        assert!(text.contains("pivot_length = 87.5"), "{text}");
        let back = MachineConfig::from_toml(&text).unwrap().build().unwrap();
        assert_eq!(back.config(), m.config());
        let j = Joints::new([10.0, -3.0, -40.0, 0.0, 1.1, -2.0]);
        let (p, q) = (m.forward(&j), back.forward(&j));
        assert!((p.tip - q.tip).norm() < 1e-12);
    }
}
