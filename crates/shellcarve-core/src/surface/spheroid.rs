//! The spheroid (ellipsoid of revolution): the default stand-in for an egg.

use crate::error::{CoreError, Result};

use super::fmt_mm;
use super::revolved::{CurvePoint, MeridianCurve, Revolved};

/// The meridian ellipse `r = b sin φ`, `z = a cos φ` (`a` half the length, `b` half
/// the breadth).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EllipseMeridian {
    a: f64,
    b: f64,
}

impl MeridianCurve for EllipseMeridian {
    fn eval(&self, phi: f64) -> CurvePoint {
        let (sin, cos) = phi.sin_cos();
        CurvePoint {
            r: self.b * sin,
            z: self.a * cos,
            dr: self.b * cos,
            dz: -self.a * sin,
            ddr: -self.b * sin,
            ddz: -self.a * cos,
        }
    }

    fn describe(&self) -> String {
        format!("spheroid:{}x{}", fmt_mm(2.0 * self.a), fmt_mm(2.0 * self.b))
    }
}

/// A spheroid (ellipsoid of revolution) about Z: the default stand-in for an egg.
///
/// Its meridian is the ellipse `r = b sin φ`, `z = a cos φ` with `a` = half the length
/// and `b` = half the breadth; φ runs from 0 at the +Z pole to π at the −Z pole. Arc
/// length is tabulated with 8-point Gauss–Legendre quadrature per interval and inverted
/// by Newton's method on the exact derivative, so positions are exact to ~1e-12 mm.
pub type Spheroid = Revolved<EllipseMeridian>;

/// Checks a shape dimension in mm.
pub(crate) fn check_dim(name: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v > 0.5 && v < 1000.0 {
        Ok(v)
    } else {
        Err(CoreError::InvalidParameter {
            name: name.into(),
            value: v,
            expected: "a length in mm between 0.5 and 1000".into(),
        })
    }
}

impl Revolved<EllipseMeridian> {
    /// A spheroid of total `length` along Z and `breadth` across (mm).
    pub fn new(length: f64, breadth: f64) -> Result<Self> {
        check_dim("egg length", length)?;
        check_dim("egg breadth", breadth)?;
        Self::from_curve(EllipseMeridian {
            a: length / 2.0,
            b: breadth / 2.0,
        })
    }

    /// A sphere of the given diameter, as a spheroid.
    pub fn sphere(diameter: f64) -> Result<Self> {
        Self::new(diameter, diameter)
    }

    /// Half the length (along Z).
    pub fn semi_axis_z(&self) -> f64 {
        self.curve().a
    }

    /// Half the breadth (radius of the equator).
    pub fn semi_axis_r(&self) -> f64 {
        self.curve().b
    }
}
