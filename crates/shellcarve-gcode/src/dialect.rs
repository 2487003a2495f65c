//! G-code dialects the post-processor writes.

use shellcarve_kinematics::ControlMode;

use crate::error::{GcodeError, Result};

/// The names of the dialects, as [`Dialect::parse`] takes them.
pub const DIALECT_NAMES: &[&str] = &["linuxcnc-tcp", "linuxcnc-joint"];

/// A flavour of G-code for one kind of controller set-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// LinuxCNC running `xyzac-trt-kins` in TCP (world) mode: X Y Z are the tool tip in
    /// the workpiece frame, A and C in degrees, feeds in mm/min (G94).
    LinuxcncTcp,
    /// LinuxCNC with joint coordinates: X Y Z A C are joint positions (mm, degrees) and
    /// every feed block carries an inverse-time F word (G93, F = 1 / minutes).
    LinuxcncJoint,
}

impl Dialect {
    /// Every dialect, in the order of [`DIALECT_NAMES`].
    pub const ALL: [Dialect; 2] = [Dialect::LinuxcncTcp, Dialect::LinuxcncJoint];

    /// The dialect with this name (`linuxcnc-tcp`, `linuxcnc-joint`).
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
        }
    }

    /// How the controller reads the coordinates of this dialect.
    pub fn control_mode(self) -> ControlMode {
        match self {
            Dialect::LinuxcncTcp => ControlMode::Tcp,
            Dialect::LinuxcncJoint => ControlMode::Joint,
        }
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
