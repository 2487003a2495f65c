//! Cutting tools, described by their profile: radius as a function of height above
//! the tip. The simulator and the width rules both read the same profile.

use crate::error::{CoreError, Result};
use crate::surface::fmt_mm;

/// Shank diameter assumed for V-bits when none is given (1/8 inch, the common size).
pub const DEFAULT_V_SHANK_DIAMETER: f64 = 3.175;

/// A cutting tool. Heights are measured from the tip along the tool axis (mm).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Tool {
    /// A ball-nose end mill of the given diameter.
    Ball {
        /// Diameter (mm).
        diameter: f64,
    },
    /// A flat end mill of the given diameter.
    Flat {
        /// Diameter (mm).
        diameter: f64,
    },
    /// A V-bit (engraving cutter): a cone with a small flat at the tip.
    V {
        /// Included angle of the cone (radians).
        included_angle: f64,
        /// Width of the flat at the tip (mm); 0 for a sharp point.
        tip_width: f64,
        /// Diameter of the shank where the cone ends (mm).
        diameter: f64,
    },
}

impl Tool {
    /// Parses `ball:D`, `flat:D` or `v:ANGLE:TIP` (angle in degrees, tip width in mm).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || CoreError::BadSpec {
            what: "tool".into(),
            given: text.into(),
            expected:
                "ball:DIAMETER, flat:DIAMETER or v:ANGLE:TIP (mm and degrees, e.g. v:30:0.05)"
                    .into(),
        };
        let t = text.trim().to_ascii_lowercase();
        let mut parts = t.split(':');
        let kind = parts.next().ok_or_else(bad)?;
        let nums: Vec<f64> = parts
            .map(|p| p.trim().parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad())?;
        let tool = match (kind, nums.as_slice()) {
            ("ball", [d]) => Tool::Ball { diameter: *d },
            ("flat", [d]) => Tool::Flat { diameter: *d },
            ("v", [angle, tip]) => Tool::V {
                included_angle: angle.to_radians(),
                tip_width: *tip,
                diameter: DEFAULT_V_SHANK_DIAMETER,
            },
            _ => return Err(bad()),
        };
        tool.validate()
    }

    /// Checks the dimensions and returns the tool.
    pub fn validate(self) -> Result<Self> {
        let check = |name: &str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(CoreError::InvalidParameter {
                    name: name.into(),
                    value: v,
                    expected: format!("a value from {lo} to {hi}"),
                })
            }
        };
        match self {
            Tool::Ball { diameter } | Tool::Flat { diameter } => {
                check("tool diameter (mm)", diameter, 0.005, 50.0)?
            }
            Tool::V {
                included_angle,
                tip_width,
                diameter,
            } => {
                check(
                    "V-bit angle (degrees)",
                    included_angle.to_degrees(),
                    5.0,
                    170.0,
                )?;
                check("V-bit tip width (mm)", tip_width, 0.0, 5.0)?;
                check(
                    "V-bit shank diameter (mm)",
                    diameter,
                    tip_width.max(0.01),
                    50.0,
                )?;
            }
        }
        Ok(self)
    }

    /// Radius of the tool's cutting envelope at height `h` above the tip (mm).
    pub fn radius_at(&self, h: f64) -> f64 {
        let h = h.max(0.0);
        match *self {
            Tool::Ball { diameter } => {
                let r = diameter / 2.0;
                if h >= r {
                    r
                } else {
                    (r * r - (r - h) * (r - h)).max(0.0).sqrt()
                }
            }
            Tool::Flat { diameter } => diameter / 2.0,
            Tool::V {
                included_angle,
                tip_width,
                diameter,
            } => (tip_width / 2.0 + h * (included_angle / 2.0).tan()).min(diameter / 2.0),
        }
    }

    /// Width of the groove the tool cuts at depth `depth` (mm).
    pub fn width_at_depth(&self, depth: f64) -> f64 {
        2.0 * self.radius_at(depth)
    }

    /// Largest radius of the tool.
    pub fn max_radius(&self) -> f64 {
        match *self {
            Tool::Ball { diameter } | Tool::Flat { diameter } => diameter / 2.0,
            Tool::V { diameter, .. } => diameter / 2.0,
        }
    }

    /// Number of flutes assumed for chip-load figures.
    pub fn flutes(&self) -> u32 {
        match self {
            Tool::V { .. } => 1,
            _ => 2,
        }
    }
}

impl std::fmt::Display for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Tool::Ball { diameter } => write!(f, "ball:{}", fmt_mm(diameter)),
            Tool::Flat { diameter } => write!(f, "flat:{}", fmt_mm(diameter)),
            Tool::V {
                included_angle,
                tip_width,
                ..
            } => write!(
                f,
                "v:{}:{}",
                fmt_mm(included_angle.to_degrees()),
                fmt_mm(tip_width)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v_groove_width_follows_the_design_formula() {
        let t = Tool::parse("v:30:0.05").unwrap();
        let w = 0.05 + 2.0 * 0.35 * (15f64).to_radians().tan();
        assert!((t.width_at_depth(0.35) - w).abs() < 1e-12);
        assert_eq!(t.to_string(), "v:30:0.05");
    }

    #[test]
    fn ball_profile() {
        let t = Tool::parse("ball:0.4").unwrap();
        assert_eq!(t.radius_at(0.0), 0.0);
        assert!((t.radius_at(0.2) - 0.2).abs() < 1e-12);
        assert!((t.radius_at(5.0) - 0.2).abs() < 1e-12);
        assert!((t.radius_at(0.1) - (0.04f64 - 0.01).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn bad_tools_are_errors() {
        for t in [
            "ball",
            "ball:-1",
            "ball:NaN",
            "v:30",
            "v:200:0.1",
            "drill:3",
            "flat:1:2",
        ] {
            assert!(Tool::parse(t).is_err(), "{t}");
        }
    }
}
