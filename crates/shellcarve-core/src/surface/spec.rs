//! Shell specifications as written on the command line, and the built-in presets.

use std::path::PathBuf;

use crate::error::{CoreError, Result};

use super::egg::{HugelschafferEgg, NarushinEgg};
use super::fmt_mm;
use super::profile::ProfileShell;
use super::spheroid::Spheroid;
use super::Surface;

/// A built-in egg with typical dimensions and shell thickness.
///
/// Dimensions are typical of the species, as Hügelschäffer eggs; thicknesses are
/// typical ranges from the poultry-science literature. They are data for warnings and
/// defaults, never limits: real eggs vary by millimetres (measure, or fit probe points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EggPreset {
    /// Hen's egg: 57 × 43 mm, w = 2 mm; shell 0.33–0.37 mm.
    Chicken,
    /// Duck egg: 63 × 45 mm, w = 2 mm; shell 0.36–0.40 mm.
    Duck,
    /// Goose egg: 85 × 57 mm, w = 3 mm; shell 0.50–0.56 mm.
    Goose,
    /// Ostrich egg: 150 × 125 mm, w = 2 mm; shell about 1.8 mm.
    Ostrich,
}

impl EggPreset {
    /// Every preset.
    pub const ALL: [EggPreset; 4] = [Self::Chicken, Self::Duck, Self::Goose, Self::Ostrich];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Chicken => "chicken",
            Self::Duck => "duck",
            Self::Goose => "goose",
            Self::Ostrich => "ostrich",
        }
    }

    /// Length, breadth and Hügelschäffer shift `w` (mm).
    pub fn dimensions(self) -> (f64, f64, f64) {
        match self {
            Self::Chicken => (57.0, 43.0, 2.0),
            Self::Duck => (63.0, 45.0, 2.0),
            Self::Goose => (85.0, 57.0, 3.0),
            Self::Ostrich => (150.0, 125.0, 2.0),
        }
    }

    /// Typical shell thickness range `(min, max)` (mm).
    pub fn shell_thickness(self) -> (f64, f64) {
        match self {
            Self::Chicken => (0.33, 0.37),
            Self::Duck => (0.36, 0.40),
            Self::Goose => (0.50, 0.56),
            Self::Ostrich => (1.8, 1.8),
        }
    }
}

/// A shell described on the command line or in a config, such as `spheroid:57x43`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EggSpec {
    /// A spheroid of length × breadth (mm).
    Spheroid {
        /// Length along the axis (mm).
        length: f64,
        /// Largest breadth (mm).
        breadth: f64,
    },
    /// A sphere of the given diameter (mm).
    Sphere {
        /// Diameter (mm).
        diameter: f64,
    },
    /// A Hügelschäffer egg (see [`super::HugelschafferMeridian`]).
    Hugelschaffer {
        /// Length along the axis (mm).
        length: f64,
        /// Largest breadth (mm).
        breadth: f64,
        /// Shift of the largest breadth from the middle toward the blunt end (mm).
        w: f64,
    },
    /// The universal egg of Narushin et al. 2021 (see [`super::NarushinMeridian`]).
    Narushin {
        /// Length along the axis (mm).
        length: f64,
        /// Largest breadth (mm).
        breadth: f64,
        /// Shift of the largest breadth from the middle toward the blunt end (mm).
        w: f64,
        /// Diameter at a quarter of the length from the pointed end (mm).
        d: f64,
    },
    /// A measured profile: a CSV file of `z,r` rows (see [`super::ProfileMeridian`]).
    Profile {
        /// The CSV file.
        path: PathBuf,
    },
    /// A built-in preset.
    Preset(EggPreset),
}

const EXPECTED: &str = "spheroid:LxB, sphere:D, hugelschaffer:LxBxW, narushin:LxBxWxD (mm; W = shift of the largest breadth toward the blunt end, D = diameter a quarter of the length from the pointed end), profile:FILE.csv (rows z,r in mm), or a preset: chicken, duck, goose, ostrich";

impl EggSpec {
    /// The default egg: a chicken-egg-sized spheroid, 57 mm × 43 mm.
    pub const DEFAULT: EggSpec = EggSpec::Spheroid {
        length: 57.0,
        breadth: 43.0,
    };

    /// Parses `spheroid:LxB`, `sphere:D`, `hugelschaffer:LxBxW`,
    /// `narushin:LxBxWxD`, `profile:FILE.csv` or a preset name (`chicken`, `duck`,
    /// `goose`, `ostrich`).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || CoreError::BadSpec {
            what: "egg".into(),
            given: text.into(),
            expected: EXPECTED.into(),
        };
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        if let Some(p) = EggPreset::ALL.iter().find(|p| p.name() == lower) {
            return Ok(Self::Preset(*p));
        }
        let (kind, rest) = trimmed.split_once(':').ok_or_else(bad)?;
        let kind = kind.trim().to_lowercase();
        if kind == "profile" {
            if rest.trim().is_empty() {
                return Err(bad());
            }
            return Ok(Self::Profile {
                path: PathBuf::from(rest.trim()),
            });
        }
        let nums: Vec<f64> = rest
            .to_ascii_lowercase()
            .split('x')
            .map(|n| n.trim().parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad())?;
        match (kind.as_str(), nums.as_slice()) {
            ("spheroid", [l, b]) => Ok(Self::Spheroid {
                length: *l,
                breadth: *b,
            }),
            ("sphere", [d]) => Ok(Self::Sphere { diameter: *d }),
            ("hugelschaffer" | "huegelschaeffer" | "hügelschäffer", [l, b, w]) => {
                Ok(Self::Hugelschaffer {
                    length: *l,
                    breadth: *b,
                    w: *w,
                })
            }
            ("narushin", [l, b, w, d]) => Ok(Self::Narushin {
                length: *l,
                breadth: *b,
                w: *w,
                d: *d,
            }),
            _ => Err(bad()),
        }
    }

    /// Builds the surface this spec describes (reading the file of a profile).
    pub fn build(&self) -> Result<Box<dyn Surface>> {
        Ok(match self {
            EggSpec::Spheroid { length, breadth } => Box::new(Spheroid::new(*length, *breadth)?),
            EggSpec::Sphere { diameter } => Box::new(Spheroid::sphere(*diameter)?),
            EggSpec::Hugelschaffer { length, breadth, w } => {
                Box::new(HugelschafferEgg::new(*length, *breadth, *w)?)
            }
            EggSpec::Narushin {
                length,
                breadth,
                w,
                d,
            } => Box::new(NarushinEgg::new(*length, *breadth, *w, *d)?),
            EggSpec::Profile { path } => Box::new(ProfileShell::from_csv_file(path)?),
            EggSpec::Preset(p) => {
                let (length, breadth, w) = p.dimensions();
                Box::new(HugelschafferEgg::new(length, breadth, w)?)
            }
        })
    }

    /// The preset this spec names, if any.
    pub fn preset(&self) -> Option<EggPreset> {
        match self {
            EggSpec::Preset(p) => Some(*p),
            _ => None,
        }
    }

    /// The typical shell thickness range `(min, max)` (mm) of a preset; `None` for
    /// other shapes. Data for warnings, never enforced.
    pub fn preset_shell_thickness(&self) -> Option<(f64, f64)> {
        self.preset().map(EggPreset::shell_thickness)
    }
}

impl Default for EggSpec {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl std::fmt::Display for EggSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EggSpec::Spheroid { length, breadth } => {
                write!(f, "spheroid:{}x{}", fmt_mm(*length), fmt_mm(*breadth))
            }
            EggSpec::Sphere { diameter } => write!(f, "sphere:{}", fmt_mm(*diameter)),
            EggSpec::Hugelschaffer { length, breadth, w } => write!(
                f,
                "hugelschaffer:{}x{}x{}",
                fmt_mm(*length),
                fmt_mm(*breadth),
                fmt_mm(*w)
            ),
            EggSpec::Narushin {
                length,
                breadth,
                w,
                d,
            } => write!(
                f,
                "narushin:{}x{}x{}x{}",
                fmt_mm(*length),
                fmt_mm(*breadth),
                fmt_mm(*w),
                fmt_mm(*d)
            ),
            EggSpec::Profile { path } => write!(f, "profile:{}", path.display()),
            EggSpec::Preset(p) => f.write_str(p.name()),
        }
    }
}
