//! Egg-shaped meridians from Narushin, Romanov and Griffin (2021), "Egg and math:
//! introducing a universal formula for egg shape", Ann. N.Y. Acad. Sci. 1505:169–177.
//!
//! Both are written with the paper's x axis along +Z (pointed end at x = +L/2) and
//! parametrised by x = (L/2)·cos φ, which keeps the curve regular at the poles.

use crate::error::{CoreError, Result};

use super::fmt_mm;
use super::revolved::{CurvePoint, Jet, MeridianCurve, Revolved};
use super::spheroid::check_dim;

fn check_w(length: f64, w: f64) -> Result<f64> {
    if w.is_finite() && (0.0..length / 4.0).contains(&w) {
        Ok(w)
    } else {
        Err(CoreError::InvalidParameter {
            name: "egg w (shift of the maximum breadth toward the blunt end)".into(),
            value: w,
            expected: format!(
                "a shift in mm from 0 (symmetric) to less than a quarter of the length ({})",
                fmt_mm(length / 4.0)
            ),
        })
    }
}

/// The Hügelschäffer egg, as written by Narushin et al. 2021:
/// `y = (B/2)·√((L² − 4x²)/(L² + 8wx + 4w²))`, with the maximum breadth `B` at
/// `x = −w`, i.e. shifted by `w` from the middle toward the blunt (−Z) end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HugelschafferMeridian {
    length: f64,
    breadth: f64,
    w: f64,
}

impl HugelschafferMeridian {
    /// Checks and stores length `L`, breadth `B` and shift `w` (mm).
    pub fn new(length: f64, breadth: f64, w: f64) -> Result<Self> {
        Ok(Self {
            length: check_dim("egg length", length)?,
            breadth: check_dim("egg breadth", breadth)?,
            w: check_w(length, w)?,
        })
    }

    /// The diameter at a quarter of the length from the pointed end (`D_L/4`):
    /// `√3·B·L / (2·√(L² + 2wL + 4w²))`.
    pub fn quarter_diameter(&self) -> f64 {
        let (l, b, w) = (self.length, self.breadth, self.w);
        3f64.sqrt() * b * l / (2.0 * (l * l + 2.0 * w * l + 4.0 * w * w).sqrt())
    }

    /// `(r, x)` as jets in φ.
    fn jets(&self, phi: f64) -> (Jet, Jet) {
        let (l, b, w) = (self.length, self.breadth, self.w);
        let p = Jet::variable(phi);
        let x = (l / 2.0) * p.cos();
        // L² − 4x² = L² sin² φ, so the square root is exact and smooth at the poles.
        let den = (8.0 * w) * x + (l * l + 4.0 * w * w);
        let r = (b * l / 2.0) * p.sin() / den.sqrt();
        (r, x)
    }
}

impl MeridianCurve for HugelschafferMeridian {
    fn eval(&self, phi: f64) -> CurvePoint {
        let (r, x) = self.jets(phi);
        CurvePoint::from_jets(r, x)
    }

    fn describe(&self) -> String {
        format!(
            "hugelschaffer:{}x{}x{}",
            fmt_mm(self.length),
            fmt_mm(self.breadth),
            fmt_mm(self.w)
        )
    }
}

/// The universal egg of Narushin et al. 2021 (their Eq. 5): the Hügelschäffer egg
/// times a correction that sets the diameter `D` at a quarter of the length from the
/// pointed end, so it also covers conical and pear-shaped (pyriform) eggs. With `D`
/// equal to [`HugelschafferMeridian::quarter_diameter`] it is the Hügelschäffer egg.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NarushinMeridian {
    base: HugelschafferMeridian,
    d: f64,
    /// The constant factor in front of the inner bracket of Eq. 5.
    k: f64,
}

impl NarushinMeridian {
    /// Checks and stores length `L`, breadth `B`, shift `w` and the quarter-length
    /// diameter `D` (mm).
    pub fn new(length: f64, breadth: f64, w: f64, d: f64) -> Result<Self> {
        let base = HugelschafferMeridian::new(length, breadth, w)?;
        if !(d.is_finite() && d > 0.0 && d <= breadth) {
            return Err(CoreError::InvalidParameter {
                name: "egg D (diameter at a quarter of the length from the pointed end)".into(),
                value: d,
                expected: format!(
                    "a diameter in mm above 0 and at most the breadth {} (the Hügelschäffer egg has {:.2})",
                    fmt_mm(breadth),
                    base.quarter_diameter()
                ),
            });
        }
        let (l, b) = (length, breadth);
        let a = (5.5 * l * l + 11.0 * l * w + 4.0 * w * w).sqrt();
        let q = (l * l + 2.0 * w * l + 4.0 * w * w).sqrt();
        let s3bl = 3f64.sqrt() * b * l;
        let k = a * (s3bl - 2.0 * d * q) / (s3bl * (a - 2.0 * q));
        if !k.is_finite() {
            return Err(CoreError::InvalidParameter {
                name: "egg w".into(),
                value: w,
                expected: "a smaller shift: the universal formula is singular here".into(),
            });
        }
        Ok(Self { base, d, k })
    }
}

impl MeridianCurve for NarushinMeridian {
    fn eval(&self, phi: f64) -> CurvePoint {
        let (l, w) = (self.base.length, self.base.w);
        let (r, x) = self.base.jets(phi);
        let num = l * ((8.0 * w) * x + (l * l + 4.0 * w * w));
        let den = ((2.0 * (l - 2.0 * w)) * (x * x))
            + (l * l + 8.0 * l * w - 4.0 * w * w) * x
            + (2.0 * l * w * w + l * l * w + l * l * l);
        let corr = 1.0 - self.k * (1.0 - (num / den).sqrt());
        CurvePoint::from_jets(r * corr, x)
    }

    fn describe(&self) -> String {
        format!(
            "narushin:{}x{}x{}x{}",
            fmt_mm(self.base.length),
            fmt_mm(self.base.breadth),
            fmt_mm(self.base.w),
            fmt_mm(self.d)
        )
    }
}

/// The Hügelschäffer egg as a surface.
pub type HugelschafferEgg = Revolved<HugelschafferMeridian>;
/// The Narushin–Romanov–Griffin universal egg as a surface.
pub type NarushinEgg = Revolved<NarushinMeridian>;

impl Revolved<HugelschafferMeridian> {
    /// A Hügelschäffer egg of length `L`, breadth `B` and shift `w` (mm).
    pub fn new(length: f64, breadth: f64, w: f64) -> Result<Self> {
        Self::from_curve(HugelschafferMeridian::new(length, breadth, w)?)
    }
}

impl Revolved<NarushinMeridian> {
    /// A universal egg of length `L`, breadth `B`, shift `w` and quarter-length
    /// diameter `D` (mm).
    pub fn new(length: f64, breadth: f64, w: f64, d: f64) -> Result<Self> {
        Self::from_curve(NarushinMeridian::new(length, breadth, w, d)?)
    }
}
