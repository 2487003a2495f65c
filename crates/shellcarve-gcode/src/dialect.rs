//! G-code dialects the post-processor writes, and the machines each one fits.
//!
//! - `linuxcnc-tcp`, `linuxcnc-joint`: LinuxCNC (RS274/NGC as its interpreter reads it).
//!   In TCP (world) mode the controller needs the machine's kinematics module:
//!   `xyzac-trt-kins` or `xyzbc-trt-kins` for the trunnions, `maxkins` for
//!   [`shellcarve_kinematics::XyzbcHeadTable`] (tilting head B, rotary table C) with
//!   `maxkins.conventional-directions = 1` and `maxkins.pivot-length` set to the model's
//!   pivot length (the B axis to the tool tip, as LinuxCNC applies no tool length offset
//!   along a tilted tool), the C axis at machine X = Y = 0.
//! - `fanuc-tcpm`: a Fanuc Series 30i/31i-B style control with tool centre point
//!   control type 1 (`G43.4 H…`, rotary axis positions programmed as angles). Expected
//!   set-up: the five-axis option with the machine's rotary configuration (A/C or B/C
//!   table-table, "table rotation type"; or B head and C table, "mixed type", parameter
//!   19680 = 21) entered in its kinematic parameters; the programming coordinate
//!   system fixed to the table, so that X Y Z are the tool tip in the workpiece frame
//!   (origin at the egg's centre, Z along its axis, set as the work offset on the C
//!   axis); tool length offset H equal to the tool number, measured to the tip; rotary
//!   axes in degrees, the C axis rollover off (angles are unwound by shellcarve and
//!   written as they are). `G94` feeds in mm/min at the tip; `G49` cancels TCP before
//!   the program ends with `M30` between `%` lines.
//! - `grbl-4axis`: Grbl with a fourth (A) axis (grbl-Mega-5X, grblHAL and similar
//!   four-axis builds) on a [`shellcarve_kinematics::XyzaRotary`] machine: X Y Z A joint
//!   positions (work offset touched off on the A axis at the egg's centre), A in
//!   degrees with its steps per "mm" set as steps per degree. Grbl has no tool changer
//!   and no `M6` in Grbl 1.1 (an error there), so no `T`/`M6` words are written: the
//!   tool is named in a comment, to fit by hand before the run. Feeds are `G94` mm/min
//!   as Grbl's planner reads them: over the Euclidean length of all moved axes, the A
//!   axis counted in degrees. Each F word is chosen so that this length over F is the
//!   block time the planner wants (the tip feed relative to the egg).

use shellcarve_kinematics::{Axis, ControlMode, Machine, MachineKind};

use crate::error::{GcodeError, Result};

/// The names of the dialects, as [`Dialect::parse`] takes them.
pub const DIALECT_NAMES: &[&str] = &["linuxcnc-tcp", "linuxcnc-joint", "fanuc-tcpm", "grbl-4axis"];

/// A flavour of G-code for one kind of controller set-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// LinuxCNC running the machine's kinematics in TCP (world) mode (`xyzac-trt-kins`,
    /// `xyzbc-trt-kins`, or `maxkins` for `xyzbc-head-table`): X Y Z are the tool tip in
    /// the workpiece frame, the rotary axes in degrees, feeds in mm/min (G94).
    LinuxcncTcp,
    /// LinuxCNC with joint coordinates: X Y Z A C are joint positions (mm, degrees) and
    /// every feed block carries an inverse-time F word (G93, F = 1 / minutes).
    LinuxcncJoint,
    /// Fanuc 30i-style tool centre point control (`G43.4 H…`, cancelled with `G49`):
    /// X Y Z are the tip in the workpiece frame, the rotary axes of the machine (A/C or
    /// B/C) in degrees, feeds in mm/min (G94). See the module documentation for the
    /// controller set-up.
    FanucTcpm,
    /// Grbl with a fourth axis: X Y Z A joint positions of a four-axis rotary machine,
    /// `G94` feeds in mm/min as Grbl's planner measures them (over all axes), no tool
    /// change words.
    Grbl4Axis,
}

impl Dialect {
    /// Every dialect, in the order of [`DIALECT_NAMES`].
    pub const ALL: [Dialect; 4] = [
        Dialect::LinuxcncTcp,
        Dialect::LinuxcncJoint,
        Dialect::FanucTcpm,
        Dialect::Grbl4Axis,
    ];

    /// The dialect with this name (`linuxcnc-tcp`, `linuxcnc-joint`, `fanuc-tcpm`,
    /// `grbl-4axis`).
    pub fn parse(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|d| d.name() == name.trim())
            .ok_or_else(|| GcodeError::UnknownDialect {
                name: name.to_string(),
                known: DIALECT_NAMES.join(", "),
            })
    }

    /// The dialect's name.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::LinuxcncTcp => "linuxcnc-tcp",
            Dialect::LinuxcncJoint => "linuxcnc-joint",
            Dialect::FanucTcpm => "fanuc-tcpm",
            Dialect::Grbl4Axis => "grbl-4axis",
        }
    }

    /// How the controller reads the coordinates of this dialect.
    pub fn control_mode(self) -> ControlMode {
        match self {
            Dialect::LinuxcncTcp | Dialect::FanucTcpm => ControlMode::Tcp,
            Dialect::LinuxcncJoint | Dialect::Grbl4Axis => ControlMode::Joint,
        }
    }

    /// Checks that the dialect can drive `machine`: the TCP dialects need a five-axis
    /// machine whose kinematics the controller has (LinuxCNC `xyzac-trt-kins`,
    /// `xyzbc-trt-kins` and `maxkins` for the head-table; Fanuc TCPM's table rotation
    /// and mixed types), `grbl-4axis` needs a machine with exactly X Y Z A;
    /// `linuxcnc-joint` writes joint positions and so drives any machine.
    pub fn check_machine(self, machine: &dyn Machine) -> Result<()> {
        let axes = machine.axes();
        let letters: Vec<String> = axes.iter().map(|a| a.to_string()).collect();
        // Decided by kinematic model, not by axis letters: a TCP controller runs its
        // own copy of the kinematics, which must exist for the model.
        let controller_has_kinematics = matches!(
            machine.config().kind,
            MachineKind::XyzacTrt | MachineKind::XyzbcTrt | MachineKind::XyzbcHeadTable
        );
        let fits = match self {
            Dialect::LinuxcncJoint => true,
            Dialect::LinuxcncTcp | Dialect::FanucTcpm => controller_has_kinematics,
            Dialect::Grbl4Axis => axes == [Axis::X, Axis::Y, Axis::Z, Axis::A],
        };
        if fits {
            return Ok(());
        }
        let hint = match self {
            Dialect::Grbl4Axis => "grbl-4axis writes X Y Z A for a four-axis rotary (xyza-rotary); for a five-axis machine use linuxcnc-tcp, linuxcnc-joint or fanuc-tcpm",
            _ => "tool centre point control needs a five-axis machine whose kinematics the controller has (xyzac-trt, xyzbc-trt, xyzbc-head-table); use linuxcnc-joint (joint positions, any machine), or grbl-4axis for a four-axis rotary",
        };
        Err(GcodeError::Emit {
            context: "program".into(),
            message: format!(
                "dialect {self} does not fit machine {} (axes {}): {hint}",
                machine.name(),
                letters.join(" ")
            ),
        })
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Dialect {
    type Err = GcodeError;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (d, n) in Dialect::ALL.iter().zip(DIALECT_NAMES) {
            assert_eq!(d.name(), *n);
            assert_eq!(Dialect::parse(n).unwrap(), *d);
            assert_eq!(d.to_string(), *n);
        }
        assert_eq!(Dialect::LinuxcncTcp.control_mode(), ControlMode::Tcp);
        assert_eq!(Dialect::LinuxcncJoint.control_mode(), ControlMode::Joint);
        assert_eq!(Dialect::FanucTcpm.control_mode(), ControlMode::Tcp);
        assert_eq!(Dialect::Grbl4Axis.control_mode(), ControlMode::Joint);
    }

    #[test]
    fn dialects_fit_their_machines() {
        use shellcarve_kinematics::machine_by_name;
        let fits = |d: Dialect, m: &str| d.check_machine(machine_by_name(m).unwrap().as_ref());
        for m in ["xyzac-trt", "xyzbc-trt", "xyzbc-head-table"] {
            assert!(fits(Dialect::LinuxcncTcp, m).is_ok());
            assert!(fits(Dialect::FanucTcpm, m).is_ok());
            assert!(fits(Dialect::LinuxcncJoint, m).is_ok());
            let e = fits(Dialect::Grbl4Axis, m).unwrap_err().to_string();
            assert!(e.contains("grbl-4axis") && e.contains(m), "{e}");
        }
        assert!(fits(Dialect::Grbl4Axis, "xyza-rotary").is_ok());
        assert!(fits(Dialect::LinuxcncJoint, "xyza-rotary").is_ok());
        for d in [Dialect::LinuxcncTcp, Dialect::FanucTcpm] {
            let e = fits(d, "xyza-rotary").unwrap_err().to_string();
            assert!(e.contains("xyza-rotary") && e.contains("grbl-4axis"), "{e}");
        }
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let e = Dialect::parse("fanuc").unwrap_err().to_string();
        assert!(
            e.contains("\"fanuc\"") && e.contains("linuxcnc-tcp, linuxcnc-joint"),
            "{e}"
        );
    }
}
