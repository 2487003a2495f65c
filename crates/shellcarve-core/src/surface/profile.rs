//! A measured shell profile: samples `z, r` (mm) read from a CSV file.
//!
//! The samples are taken about the centre of their z range (the workpiece origin) in
//! polar form, `ρ(φ)` with φ from +Z, and interpolated by a clamped cubic spline with
//! `ρ'(0) = ρ'(π) = 0`. The spline is C², so normals and curvatures exist everywhere,
//! and the clamped ends make the meridian meet the axis at right angles, so the
//! revolved surface is smooth at the poles. The profile must be star-shaped about its
//! centre (every egg is).

use std::path::Path;

use crate::error::{CoreError, Result};

use super::revolved::{CurvePoint, Jet, MeridianCurve, Revolved};

/// A meridian interpolated through measured samples (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileMeridian {
    source: String,
    /// Knots in φ, increasing from 0 to π.
    phi: Vec<f64>,
    /// ρ at the knots.
    rho: Vec<f64>,
    /// Second derivatives of the spline at the knots.
    m: Vec<f64>,
}

fn profile_error(source: &str, line: usize, reason: impl Into<String>) -> CoreError {
    CoreError::BadProfile {
        file: source.into(),
        line,
        reason: reason.into(),
    }
}

impl ProfileMeridian {
    /// Reads `z,r` rows from a CSV file (see [`ProfileMeridian::from_csv`]).
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| CoreError::BadProfile {
            file: path.display().to_string(),
            line: 0,
            reason: format!("cannot read it ({e}); check the path after profile:"),
        })?;
        Self::from_csv(&text, &path.display().to_string())
    }

    /// Parses CSV text of rows `z,r` (mm): z strictly increasing, r ≥ 0, r = 0 in the
    /// first and last rows (the poles). Blank lines, `#` comments and one header line
    /// are skipped. `source` names the data in errors.
    pub fn from_csv(text: &str, source: &str) -> Result<Self> {
        let mut rows: Vec<(usize, f64, f64)> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = t.split([',', ';', '\t']).map(str::trim).collect();
            let nums: Option<Vec<f64>> = fields.iter().map(|f| f.parse::<f64>().ok()).collect();
            let Some(nums) = nums else {
                if rows.is_empty() && fields.iter().any(|f| f.parse::<f64>().is_err()) {
                    // A header such as `z,r`.
                    if fields.len() == 2 {
                        continue;
                    }
                }
                return Err(profile_error(
                    source,
                    line_no,
                    format!("{t:?} is not two numbers `z,r` in mm"),
                ));
            };
            let [z, r] = nums[..] else {
                return Err(profile_error(
                    source,
                    line_no,
                    format!("expected two columns `z,r`, found {}", nums.len()),
                ));
            };
            if !(z.is_finite() && r.is_finite()) {
                return Err(profile_error(source, line_no, "z and r must be finite"));
            }
            if r < 0.0 {
                return Err(profile_error(
                    source,
                    line_no,
                    format!("r = {r} is negative; radii are distances from the axis"),
                ));
            }
            if let Some(&(prev_line, pz, _)) = rows.last() {
                if z <= pz {
                    return Err(profile_error(
                        source,
                        line_no,
                        format!(
                            "z = {z} does not increase after z = {pz} on line {prev_line}; sort the rows by z and remove duplicates"
                        ),
                    ));
                }
            }
            rows.push((line_no, z, r));
        }
        if rows.len() < 5 {
            return Err(profile_error(
                source,
                rows.last().map_or(0, |r| r.0),
                format!(
                    "only {} samples; give at least 5 rows from pole to pole",
                    rows.len()
                ),
            ));
        }
        let (first, last) = (rows[0], rows[rows.len() - 1]);
        let length = last.1 - first.1;
        for (line, _, r) in [first, last] {
            if r > 1e-9 * length {
                return Err(profile_error(
                    source,
                    line,
                    format!(
                        "r = {r} at an end; the first and last rows must be the poles, with r = 0"
                    ),
                ));
            }
        }
        let zc = 0.5 * (first.1 + last.1);
        // Polar samples, ordered by φ from the +Z pole.
        let mut phi = Vec::with_capacity(rows.len());
        let mut rho = Vec::with_capacity(rows.len());
        for &(line, z, r) in rows.iter().rev() {
            let (zz, rr) = (
                z - zc,
                if line == first.0 || line == last.0 {
                    0.0
                } else {
                    r
                },
            );
            let p = rr.atan2(zz);
            if let Some(&prev) = phi.last() {
                if p <= prev {
                    return Err(profile_error(
                        source,
                        line,
                        "the profile turns back on itself as seen from its centre; it must be star-shaped about the middle of its length",
                    ));
                }
            }
            if rr == 0.0 && zz.abs() < 1e-12 {
                return Err(profile_error(source, line, "a sample sits at the centre"));
            }
            phi.push(p);
            rho.push(zz.hypot(rr));
        }
        let m = clamped_spline_moments(&phi, &rho);
        let meridian = Self {
            source: source.to_string(),
            phi,
            rho,
            m,
        };
        Ok(meridian)
    }

    /// The spline ρ(φ) and its first two derivatives.
    fn rho_jet(&self, p: f64) -> Jet {
        let n = self.phi.len() - 1;
        let i = self.phi.partition_point(|&x| x <= p).clamp(1, n) - 1;
        let (x0, x1) = (self.phi[i], self.phi[i + 1]);
        let h = x1 - x0;
        let (a, b) = (x1 - p, p - x0);
        let (m0, m1) = (self.m[i], self.m[i + 1]);
        let (y0, y1) = (self.rho[i], self.rho[i + 1]);
        let c0 = y0 / h - m0 * h / 6.0;
        let c1 = y1 / h - m1 * h / 6.0;
        Jet {
            v: m0 * a * a * a / (6.0 * h) + m1 * b * b * b / (6.0 * h) + c0 * a + c1 * b,
            d1: -m0 * a * a / (2.0 * h) + m1 * b * b / (2.0 * h) - c0 + c1,
            d2: (m0 * a + m1 * b) / h,
        }
    }
}

/// Second derivatives of the cubic spline through `(x, y)` with zero slope at both
/// ends (a clamped spline), by the Thomas algorithm.
fn clamped_spline_moments(x: &[f64], y: &[f64]) -> Vec<f64> {
    let n = x.len() - 1;
    let h: Vec<f64> = (0..n).map(|i| x[i + 1] - x[i]).collect();
    // Tridiagonal rows: sub[i]·M[i−1] + diag[i]·M[i] + sup[i]·M[i+1] = rhs[i].
    let mut sub = vec![0.0; n + 1];
    let mut diag = vec![0.0; n + 1];
    let mut sup = vec![0.0; n + 1];
    let mut rhs = vec![0.0; n + 1];
    diag[0] = 2.0 * h[0];
    sup[0] = h[0];
    rhs[0] = 6.0 * ((y[1] - y[0]) / h[0]);
    for i in 1..n {
        sub[i] = h[i - 1];
        diag[i] = 2.0 * (h[i - 1] + h[i]);
        sup[i] = h[i];
        rhs[i] = 6.0 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1]);
    }
    sub[n] = h[n - 1];
    diag[n] = 2.0 * h[n - 1];
    rhs[n] = 6.0 * (-(y[n] - y[n - 1]) / h[n - 1]);
    for i in 1..=n {
        let w = sub[i] / diag[i - 1];
        diag[i] -= w * sup[i - 1];
        rhs[i] -= w * rhs[i - 1];
    }
    let mut m = vec![0.0; n + 1];
    m[n] = rhs[n] / diag[n];
    for i in (0..n).rev() {
        m[i] = (rhs[i] - sup[i] * m[i + 1]) / diag[i];
    }
    m
}

impl MeridianCurve for ProfileMeridian {
    fn eval(&self, phi: f64) -> CurvePoint {
        let p = Jet::variable(phi);
        let rho = self.rho_jet(phi);
        // r = ρ sin φ, z = ρ cos φ.
        CurvePoint::from_jets(rho * p.sin(), rho * p.cos())
    }

    fn describe(&self) -> String {
        format!("profile:{}", self.source)
    }

    fn must_be_convex(&self) -> bool {
        false
    }
}

/// A shell revolved from a measured profile.
pub type ProfileShell = Revolved<ProfileMeridian>;

impl Revolved<ProfileMeridian> {
    /// Reads a profile CSV (see [`ProfileMeridian::from_csv`]) and builds the shell.
    pub fn from_csv_file(path: &Path) -> Result<Self> {
        Self::from_curve(ProfileMeridian::from_file(path)?)
    }
}
