//! Machines as TOML: `shellcarve machines --show NAME` writes a preset in this form and
//! `--machine FILE.toml` reads it back.
//!
//! ```toml
//! kind = "xyzac-trt"          # xyzac-trt, xyzbc-trt, xyza-rotary or xyzbc-head-table
//! name = "my-trunnion"        # optional; default: the kind
//!
//! [offsets]                   # mm; which ones a kind takes: see MachineKind
//! dy = 0.0                    # (xyzbc-head-table takes pivot_length instead:
//! dz = -30.0                  #  the B axis to the tool tip)
//!
//! [axes.X]                    # one table per axis of the kind
//! min = -150.0                # mm (linear) or degrees (rotary)
//! max = 150.0
//! max_velocity = 100.0        # mm/s or °/s
//! max_acceleration = 1000.0   # mm/s² or °/s²
//! max_jerk = 20000.0          # mm/s³ or °/s³; optional, 0 = not limited
//!
//! [spindle]
//! min_rpm = 1000.0
//! max_rpm = 24000.0
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Machine, XyzaRotary, XyzacTrt, XyzbcHeadTable, XyzbcTrt};
use crate::error::{KinematicsError, Result};
use crate::joints::{Axis, AxisLimit, SpindleRange};

/// The kinematic model of a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MachineKind {
    /// [`XyzacTrt`]: LinuxCNC `xyzac-trt-kins`; offsets `dy`, `dz` (the A axis).
    #[serde(rename = "xyzac-trt")]
    XyzacTrt,
    /// [`XyzbcTrt`]: LinuxCNC `xyzbc-trt-kins`; offsets `dx`, `dz` (the B axis).
    #[serde(rename = "xyzbc-trt")]
    XyzbcTrt,
    /// [`XyzaRotary`]: four axes, egg between centres; offsets `dy`, `dz` (the A axis
    /// in machine coordinates).
    #[serde(rename = "xyza-rotary")]
    XyzaRotary,
    /// [`XyzbcHeadTable`]: head tilting about Y (B), table turning about Z (C), as
    /// LinuxCNC `maxkins`; `pivot_length` (the B axis to the tool tip, required).
    #[serde(rename = "xyzbc-head-table")]
    XyzbcHeadTable,
}

impl MachineKind {
    /// The kind's name in TOML (`xyzac-trt`…).
    pub fn name(self) -> &'static str {
        match self {
            MachineKind::XyzacTrt => "xyzac-trt",
            MachineKind::XyzbcTrt => "xyzbc-trt",
            MachineKind::XyzaRotary => "xyza-rotary",
            MachineKind::XyzbcHeadTable => "xyzbc-head-table",
        }
    }

    /// The axes of the kind, in G-code order.
    pub fn axes(self) -> &'static [Axis] {
        match self {
            MachineKind::XyzacTrt => &[Axis::X, Axis::Y, Axis::Z, Axis::A, Axis::C],
            MachineKind::XyzbcTrt | MachineKind::XyzbcHeadTable => {
                &[Axis::X, Axis::Y, Axis::Z, Axis::B, Axis::C]
            }
            MachineKind::XyzaRotary => &[Axis::X, Axis::Y, Axis::Z, Axis::A],
        }
    }

    /// Which of the offsets `dx`, `dy`, `dz`, `pivot_length` the kind takes.
    fn offsets(self) -> [bool; 4] {
        match self {
            MachineKind::XyzacTrt | MachineKind::XyzaRotary => [false, true, true, false],
            MachineKind::XyzbcTrt => [true, false, true, false],
            MachineKind::XyzbcHeadTable => [false, false, false, true],
        }
    }
}

/// Kinematic offsets (mm); see [`MachineKind`] for which a kind takes.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OffsetsConfig {
    /// X offset (mm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dx: Option<f64>,
    /// Y offset (mm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dy: Option<f64>,
    /// Z offset (mm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dz: Option<f64>,
    /// Distance from the tilting head's axis to the tool tip (mm); head-table machines
    /// only, and required there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pivot_length: Option<f64>,
}

/// Travel and rate limits of one axis, in mm or degrees (per second…).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AxisConfig {
    /// Lowest position (mm or °).
    pub min: f64,
    /// Highest position (mm or °).
    pub max: f64,
    /// Largest speed (mm/s or °/s).
    pub max_velocity: f64,
    /// Largest acceleration (mm/s² or °/s²).
    pub max_acceleration: f64,
    /// Largest jerk (mm/s³ or °/s³); absent or 0: not limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_jerk: Option<f64>,
}

/// The axes of a machine: one table per axis it has.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AxesConfig {
    /// X.
    #[serde(rename = "X", default, skip_serializing_if = "Option::is_none")]
    pub x: Option<AxisConfig>,
    /// Y.
    #[serde(rename = "Y", default, skip_serializing_if = "Option::is_none")]
    pub y: Option<AxisConfig>,
    /// Z.
    #[serde(rename = "Z", default, skip_serializing_if = "Option::is_none")]
    pub z: Option<AxisConfig>,
    /// A.
    #[serde(rename = "A", default, skip_serializing_if = "Option::is_none")]
    pub a: Option<AxisConfig>,
    /// B.
    #[serde(rename = "B", default, skip_serializing_if = "Option::is_none")]
    pub b: Option<AxisConfig>,
    /// C.
    #[serde(rename = "C", default, skip_serializing_if = "Option::is_none")]
    pub c: Option<AxisConfig>,
}

impl AxesConfig {
    /// The table of one axis.
    pub fn get(&self, axis: Axis) -> Option<&AxisConfig> {
        [&self.x, &self.y, &self.z, &self.a, &self.b, &self.c][axis.index()].as_ref()
    }

    fn slot(&mut self, axis: Axis) -> &mut Option<AxisConfig> {
        match axis {
            Axis::X => &mut self.x,
            Axis::Y => &mut self.y,
            Axis::Z => &mut self.z,
            Axis::A => &mut self.a,
            Axis::B => &mut self.b,
            Axis::C => &mut self.c,
        }
    }
}

/// The spindle's speed range (rpm).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SpindleConfig {
    /// Slowest speed (rpm).
    pub min_rpm: f64,
    /// Fastest speed (rpm).
    pub max_rpm: f64,
}

/// A machine's kind, kinematic offsets, axis limits and spindle, as TOML (see the
/// module documentation for the layout).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MachineConfig {
    /// The kinematic model.
    pub kind: MachineKind,
    /// A name for reports; default: the kind's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Kinematic offsets (mm); absent ones are 0.
    #[serde(default)]
    pub offsets: OffsetsConfig,
    /// Axis limits.
    pub axes: AxesConfig,
    /// Spindle speeds.
    pub spindle: SpindleConfig,
}

fn config_error(key: impl Into<String>, message: impl Into<String>) -> KinematicsError {
    KinematicsError::MachineConfig {
        key: key.into(),
        message: message.into(),
    }
}

impl MachineConfig {
    /// The configuration of a built machine (what [`Machine::config`] gives).
    pub(crate) fn from_parts(
        kind: MachineKind,
        name: &str,
        offsets: [Option<f64>; 3],
        machine: &dyn Machine,
    ) -> Self {
        let mut axes = AxesConfig::default();
        for &axis in kind.axes() {
            if let Some(l) = machine.limit(axis) {
                let k = if axis.is_rotary() {
                    180.0 / std::f64::consts::PI
                } else {
                    1.0
                };
                // Degrees back from radians, without the last-bit noise of the turn.
                let d = |v: f64| {
                    let r = (v * k * 1e9).round() / 1e9;
                    if r.is_finite() {
                        r
                    } else {
                        v * k
                    }
                };
                *axes.slot(axis) = Some(AxisConfig {
                    min: d(l.min),
                    max: d(l.max),
                    max_velocity: d(l.max_velocity),
                    max_acceleration: d(l.max_acceleration),
                    max_jerk: (l.max_jerk > 0.0).then(|| d(l.max_jerk)),
                });
            }
        }
        let s = machine.spindle();
        Self {
            kind,
            name: (name != kind.name()).then(|| name.to_string()),
            offsets: OffsetsConfig {
                dx: offsets[0],
                dy: offsets[1],
                dz: offsets[2],
                pivot_length: None,
            },
            axes,
            spindle: SpindleConfig {
                min_rpm: s.min_rpm,
                max_rpm: s.max_rpm,
            },
        }
    }

    /// Reads a configuration from TOML text. Bad TOML, unknown keys and missing keys
    /// are errors naming the key; the values are checked by [`MachineConfig::build`].
    pub fn from_toml(text: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| {
            config_error(
                "",
                format!(
                    "{}; start from `shellcarve machines --show xyzac-trt`",
                    e.to_string().trim_end()
                ),
            )
        })
    }

    /// Reads and builds a machine from a TOML file.
    pub fn load(path: &Path) -> Result<Box<dyn Machine>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            config_error(
                "",
                format!("cannot read the machine file {}: {e}", path.display()),
            )
        })?;
        Self::from_toml(&text)
            .and_then(|c| c.build())
            .map_err(|e| match e {
                KinematicsError::MachineConfig { key, message } => KinematicsError::MachineConfig {
                    key,
                    message: format!("{}: {message}", path.display()),
                },
                other => other,
            })
    }

    /// The configuration as TOML.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self).map_err(|e| config_error("", e.to_string()))
    }

    /// Checks every value and builds the machine.
    ///
    /// Errors name the key: an offset the kind does not take, a missing axis table or
    /// one for an axis the kind lacks, a non-finite number, `min` above `max`, a speed
    /// or acceleration that is not positive, a negative jerk, a bad spindle range.
    pub fn build(&self) -> Result<Box<dyn Machine>> {
        let kind = self.kind;
        let name = self.name.clone().unwrap_or_else(|| kind.name().to_string());
        if name.trim().is_empty() {
            return Err(config_error(
                "name",
                "is empty; give a name or leave it out",
            ));
        }
        let takes = kind.offsets();
        let o = &self.offsets;
        let mut d = [0.0; 4];
        for (k, (value, key)) in [o.dx, o.dy, o.dz, o.pivot_length]
            .into_iter()
            .zip([
                "offsets.dx",
                "offsets.dy",
                "offsets.dz",
                "offsets.pivot_length",
            ])
            .enumerate()
        {
            let Some(v) = value else { continue };
            if !takes[k] {
                let names: Vec<&str> = ["dx", "dy", "dz", "pivot_length"]
                    .into_iter()
                    .zip(takes)
                    .filter_map(|(n, t)| t.then_some(n))
                    .collect();
                return Err(config_error(
                    key,
                    format!(
                        "is not an offset of {} (it takes {}); remove it",
                        kind.name(),
                        names.join(", ")
                    ),
                ));
            }
            if !v.is_finite() {
                return Err(config_error(
                    key,
                    format!("{v} is not a finite length in mm"),
                ));
            }
            d[k] = v;
        }
        if kind == MachineKind::XyzbcHeadTable {
            match o.pivot_length {
                None => {
                    return Err(config_error(
                        "offsets.pivot_length",
                        "is missing: xyzbc-head-table needs the distance from the B axis to the tool tip in mm (see `shellcarve machines --show xyzbc-head-table`)",
                    ))
                }
                Some(l) if l < 0.0 => {
                    return Err(config_error(
                        "offsets.pivot_length",
                        format!("{l} mm is negative; give the distance from the B axis down to the tool tip"),
                    ))
                }
                Some(_) => {}
            }
        }
        let mut limits = [super::NO_AXIS; 6];
        for axis in Axis::ALL {
            let key = format!("axes.{axis}");
            let given = self.axes.get(axis);
            let wanted = kind.axes().contains(&axis);
            let cfg = match (given, wanted) {
                (Some(_), false) => {
                    return Err(config_error(
                        key,
                        format!(
                            "{} has no {axis} axis (its axes: {}); remove the table",
                            kind.name(),
                            axis_list(kind)
                        ),
                    ))
                }
                (None, true) => {
                    return Err(config_error(
                        key,
                        format!(
                            "is missing: {} needs a table for each of {}",
                            kind.name(),
                            axis_list(kind)
                        ),
                    ))
                }
                (None, false) => continue,
                (Some(c), true) => c,
            };
            limits[axis.index()] = axis_limit(&key, axis, cfg)?;
        }
        let s = &self.spindle;
        for (v, key) in [
            (s.min_rpm, "spindle.min_rpm"),
            (s.max_rpm, "spindle.max_rpm"),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(config_error(key, format!("{v} is not a speed in rpm")));
            }
        }
        if s.min_rpm > s.max_rpm || s.max_rpm <= 0.0 {
            return Err(config_error(
                "spindle",
                format!(
                    "min_rpm {} is above max_rpm {}; give min_rpm ≤ max_rpm, max_rpm > 0",
                    s.min_rpm, s.max_rpm
                ),
            ));
        }
        let spindle = SpindleRange {
            min_rpm: s.min_rpm,
            max_rpm: s.max_rpm,
        };
        Ok(match kind {
            MachineKind::XyzacTrt => Box::new(XyzacTrt {
                name,
                dy: d[1],
                dz: d[2],
                limits,
                spindle,
            }),
            MachineKind::XyzbcTrt => Box::new(XyzbcTrt {
                name,
                dx: d[0],
                dz: d[2],
                limits,
                spindle,
            }),
            MachineKind::XyzaRotary => Box::new(XyzaRotary {
                name,
                dy: d[1],
                dz: d[2],
                limits,
                spindle,
            }),
            MachineKind::XyzbcHeadTable => Box::new(XyzbcHeadTable {
                name,
                pivot_length: d[3],
                limits,
                spindle,
            }),
        })
    }
}

fn axis_list(kind: MachineKind) -> String {
    kind.axes()
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn axis_limit(key: &str, axis: Axis, c: &AxisConfig) -> Result<AxisLimit> {
    let unit = if axis.is_rotary() { "°" } else { " mm" };
    let fields = [
        ("min", c.min),
        ("max", c.max),
        ("max_velocity", c.max_velocity),
        ("max_acceleration", c.max_acceleration),
        ("max_jerk", c.max_jerk.unwrap_or(0.0)),
    ];
    for (field, v) in fields {
        if !v.is_finite() {
            return Err(config_error(
                format!("{key}.{field}"),
                format!("{v} is not a finite number; give the limit in mm or degrees"),
            ));
        }
    }
    if c.min > c.max {
        return Err(config_error(
            format!("{key}.min"),
            format!("{}{unit} is above max {}{unit}; swap them", c.min, c.max),
        ));
    }
    for (field, v) in [
        ("max_velocity", c.max_velocity),
        ("max_acceleration", c.max_acceleration),
    ] {
        if v <= 0.0 {
            return Err(config_error(
                format!("{key}.{field}"),
                format!("{v} must be above 0"),
            ));
        }
    }
    if c.max_jerk.is_some_and(|j| j < 0.0) {
        return Err(config_error(
            format!("{key}.max_jerk"),
            "must be 0 (not limited) or more",
        ));
    }
    let k = if axis.is_rotary() {
        std::f64::consts::PI / 180.0
    } else {
        1.0
    };
    Ok(AxisLimit {
        min: c.min * k,
        max: c.max * k,
        max_velocity: c.max_velocity * k,
        max_acceleration: c.max_acceleration * k,
        max_jerk: c.max_jerk.unwrap_or(0.0) * k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{machine_by_name, MACHINE_NAMES};

    #[test]
    fn presets_round_trip_through_toml() {
        for name in MACHINE_NAMES {
            let m = machine_by_name(name).unwrap();
            let text = m.config().to_toml().unwrap();
            assert!(text.contains(&format!("kind = \"{name}\"")), "{text}");
            let back = MachineConfig::from_toml(&text).unwrap().build().unwrap();
            assert_eq!(back.name(), *name);
            assert_eq!(back.axes(), m.axes());
            assert_eq!(back.spindle(), m.spindle());
            for &a in m.axes() {
                let (x, y) = (m.limit(a).unwrap(), back.limit(a).unwrap());
                for (p, q) in [
                    (x.min, y.min),
                    (x.max, y.max),
                    (x.max_velocity, y.max_velocity),
                    (x.max_acceleration, y.max_acceleration),
                    (x.max_jerk, y.max_jerk),
                ] {
                    assert!((p - q).abs() <= 1e-12 * p.abs().max(1.0), "{name} {a}");
                }
            }
            assert_eq!(back.config(), m.config());
        }
    }

    fn err(text: &str) -> String {
        match MachineConfig::from_toml(text).and_then(|c| c.build()) {
            Ok(m) => panic!("accepted: {m:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn bad_files_name_the_key() {
        let good = XyzacTrt::preset().config().to_toml().unwrap();
        let e = err(&good.replace("kind = \"xyzac-trt\"", "kind = \"xyzac-trt\"\ncolour = 1"));
        assert!(e.contains("colour"), "{e}");
        let e = err(&good.replace("max_velocity = 100.0", "max_velocity = 100.0\nspeed = 3"));
        assert!(e.contains("speed"), "{e}");
        let e = err(&good.replacen("max = 150.0", "max = inf", 1));
        assert!(e.contains("axes.X.max") && e.contains("finite"), "{e}");
        let e = err(&good.replacen("max = 150.0", "max = nan", 1));
        assert!(e.contains("axes.X.max"), "{e}");
        let e = err(&good.replace("kind = \"xyzac-trt\"", "kind = \"xyzbc-trt\""));
        assert!(e.contains("offsets.dy") && e.contains("dx, dz"), "{e}");
        let e = err(&good.replace("kind = \"xyzac-trt\"", "kind = \"hexapod\""));
        assert!(e.contains("hexapod") && e.contains("xyza-rotary"), "{e}");
        let e = err("kind = \"xyzac-trt\"\n[axes.X\n");
        assert!(e.contains("machine configuration"), "{e}");
        let e = err(&good.replacen("min = -150.0", "min = 200.0", 1));
        assert!(e.contains("axes.X.min") && e.contains("above max"), "{e}");
        let rotary = XyzaRotary::preset().config().to_toml().unwrap();
        let e = err(&format!(
            "{rotary}\n[axes.C]\nmin = 0.0\nmax = 1.0\nmax_velocity = 1.0\nmax_acceleration = 1.0\n"
        ));
        assert!(e.contains("axes.C") && e.contains("no C axis"), "{e}");
        let e = err(&good.replace("min_rpm = 1000.0", "min_rpm = 30000.0"));
        assert!(e.contains("spindle"), "{e}");
        let e = err(&good.replace("dz = -30.0", "dz = -30.0\npivot_length = 100.0"));
        assert!(
            e.contains("offsets.pivot_length") && e.contains("dy, dz"),
            "{e}"
        );
    }

    #[test]
    fn the_head_table_needs_its_pivot_length() {
        let good = XyzbcHeadTable::preset().config().to_toml().unwrap();
        assert!(good.contains("[offsets]\npivot_length = 100.0\n"), "{good}");
        let e = err(&good.replace("pivot_length = 100.0\n", ""));
        assert!(
            e.contains("offsets.pivot_length") && e.contains("missing"),
            "{e}"
        );
        let e = err(&good.replace("pivot_length = 100.0", "pivot_length = -5.0"));
        assert!(
            e.contains("offsets.pivot_length") && e.contains("negative"),
            "{e}"
        );
        let e = err(&good.replace("pivot_length = 100.0", "pivot_length = nan"));
        assert!(
            e.contains("offsets.pivot_length") && e.contains("finite"),
            "{e}"
        );
        let e = err(&good.replace("pivot_length = 100.0", "pivot_length = 100.0\ndz = 1.0"));
        assert!(
            e.contains("offsets.dz") && e.contains("it takes pivot_length"),
            "{e}"
        );
        let e = err(&format!(
            "{good}\n[axes.A]\nmin = 0.0\nmax = 1.0\nmax_velocity = 1.0\nmax_acceleration = 1.0\n"
        ));
        assert!(e.contains("axes.A") && e.contains("no A axis"), "{e}");
        let m = MachineConfig::from_toml(
            &good.replace("pivot_length = 100.0", "pivot_length = 142.25"),
        )
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(m.config().offsets.pivot_length, Some(142.25));
        assert_eq!(m.name(), "xyzbc-head-table");
    }

    #[test]
    fn offsets_and_name_are_used() {
        let text = "kind = \"xyzbc-trt\"\nname = \"shop b/c\"\n[offsets]\ndx = 2.5\n\n".to_string()
            + XyzbcTrt::preset()
                .config()
                .to_toml()
                .unwrap()
                .split_once("[axes.X]")
                .map(|(_, rest)| format!("[axes.X]{rest}"))
                .unwrap()
                .as_str();
        let m = MachineConfig::from_toml(&text).unwrap().build().unwrap();
        assert_eq!(m.name(), "shop b/c");
        let c = m.config();
        assert_eq!(c.offsets.dx, Some(2.5));
        assert_eq!(c.offsets.dz, Some(0.0));
    }
}
