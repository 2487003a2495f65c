//! Fitting a shell model and its pose to probed surface points.
//!
//! Real eggs differ by millimetres from any preset, and an egg never sits exactly where
//! the workpiece frame says. Points probed on the shell (x, y, z in the workpiece frame,
//! mm) fix both: [`fit_probe`] adjusts the shape parameters of an [`EggSpec`] and the
//! pose of the egg — the position of its centre and a tilt of its axis — so that the
//! probed points lie on the surface in the least-squares sense.
//!
//! The residual of a point `p` is the signed distance of `pose⁻¹·p` from the model
//! surface (positive outside). The sum of their squares is minimised by
//! Levenberg–Marquardt with Marquardt's diagonal scaling and a central-difference
//! Jacobian (Madsen, Nielsen and Tingleff 2004, "Methods for non-linear least squares
//! problems", §3.2). The pose is a translation and two small rotations, about X and
//! then Y: a turn about the egg's own axis changes nothing on a surface of revolution.
//! A sphere fits its centre only, a measured profile its pose only.
//!
//! After convergence the fit is refused when the points do not pin the parameters
//! down (all on one side of the shell, or all near one parallel): each parameter's
//! *noise gain*, how far a probe error of 1 mm could move it (from the covariance
//! `(JᵀJ)⁻¹`; tilts as the movement of the pole), must stay below
//! [`FitOptions::max_noise_gain`].

use std::f64::consts::PI;
use std::path::{Path, PathBuf};

use nalgebra::{DMatrix, DVector, SymmetricEigen, Translation3, UnitQuaternion};

use crate::error::{CoreError, Result};
use crate::math::{Isometry3, Point3, UnitVector3, Vector3};

use super::spec::EggSpec;
use super::Surface;

/// Default largest number of Levenberg–Marquardt iterations of [`fit_probe`].
pub const DEFAULT_FIT_ITERATIONS: usize = 100;
/// Default convergence tolerance of [`fit_probe`]: the fit stops when a step changes
/// the parameters by less than this fraction of their size.
pub const DEFAULT_FIT_TOL: f64 = 1e-10;
/// Default largest noise gain of a fitted parameter (see [`FitOptions::max_noise_gain`]):
/// with 0.01 mm of probe noise no parameter may be uncertain by more than 0.2 mm.
pub const DEFAULT_MAX_NOISE_GAIN: f64 = 20.0;
/// Probe points needed per fitted value: the fit needs at least this many times as
/// many points as it has parameters (shape and pose).
pub const PROBE_POINTS_PER_PARAMETER: usize = 2;

/// Finite-difference steps of the Jacobian: lengths (mm) and angles (radians).
const STEP_MM: f64 = 1e-4;
const STEP_RAD: f64 = 1e-6;

/// One probed point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbePoint {
    /// The point in the workpiece frame (mm).
    pub point: Point3,
    /// The 1-based line of the file it came from (its 1-based index for points not
    /// read from a file).
    pub line: usize,
}

/// Points probed on a shell, in the workpiece frame (mm).
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Where the points came from (a file name), for messages.
    pub source: String,
    /// The points in order.
    pub points: Vec<ProbePoint>,
}

fn probe_error(source: &str, line: usize, reason: impl Into<String>) -> CoreError {
    CoreError::BadProbe {
        file: source.into(),
        line,
        reason: reason.into(),
    }
}

impl Probe {
    /// Points given directly; `source` names them in messages and `line` is each
    /// point's 1-based index.
    pub fn from_points(points: impl IntoIterator<Item = Point3>, source: &str) -> Self {
        Self {
            source: source.to_string(),
            points: points
                .into_iter()
                .enumerate()
                .map(|(i, point)| ProbePoint { point, line: i + 1 })
                .collect(),
        }
    }

    /// Reads `x,y,z` rows from a CSV file (see [`Probe::from_csv`]).
    pub fn from_file(path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            probe_error(
                &name,
                0,
                format!("cannot read it ({e}); check the path given to --probe"),
            )
        })?;
        Self::from_csv(&text, &name)
    }

    /// Parses CSV text of rows `x,y,z` (mm, workpiece frame), separated by commas,
    /// semicolons, tabs or spaces. Blank lines, `#` comments and one header line (such
    /// as `x,y,z`) before the first row are skipped. `source` names the data in
    /// errors, which give the 1-based line.
    pub fn from_csv(text: &str, source: &str) -> Result<Self> {
        let mut points = Vec::new();
        let mut header_seen = false;
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = t
                .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                .filter(|f| !f.is_empty())
                .collect();
            let nums: Option<Vec<f64>> = fields.iter().map(|f| f.parse::<f64>().ok()).collect();
            let Some(nums) = nums else {
                if points.is_empty()
                    && !header_seen
                    && fields.iter().all(|f| f.parse::<f64>().is_err())
                {
                    header_seen = true;
                    continue;
                }
                return Err(probe_error(
                    source,
                    line_no,
                    format!("{t:?} is not three numbers `x,y,z` in mm"),
                ));
            };
            let [x, y, z] = nums[..] else {
                let hint = if nums.len() == 9 {
                    " (a LinuxCNC probe log holds nine axes a line: keep the first three)"
                } else {
                    ""
                };
                return Err(probe_error(
                    source,
                    line_no,
                    format!("expected three columns `x,y,z`, found {}{hint}", nums.len()),
                ));
            };
            if !(x.is_finite() && y.is_finite() && z.is_finite()) {
                return Err(probe_error(
                    source,
                    line_no,
                    format!("x, y and z must be finite numbers, found {x}, {y}, {z}"),
                ));
            }
            points.push(ProbePoint {
                point: Point3::new(x, y, z),
                line: line_no,
            });
        }
        Ok(Self {
            source: source.to_string(),
            points,
        })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// True when there are no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

/// Options for [`fit_probe`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FitOptions {
    /// Largest number of iterations. Default [`DEFAULT_FIT_ITERATIONS`].
    pub max_iterations: usize,
    /// Convergence tolerance: relative size of the last step. Default
    /// [`DEFAULT_FIT_TOL`].
    pub tolerance: f64,
    /// Largest noise gain a fitted parameter may have: how far (mm) a probe error of
    /// 1 mm could move it, tilts counted as the movement of the pole. Above it the
    /// points do not determine the parameter and the fit is refused. Default
    /// [`DEFAULT_MAX_NOISE_GAIN`].
    pub max_noise_gain: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            max_iterations: DEFAULT_FIT_ITERATIONS,
            tolerance: DEFAULT_FIT_TOL,
            max_noise_gain: DEFAULT_MAX_NOISE_GAIN,
        }
    }
}

impl FitOptions {
    /// Sets the largest number of iterations.
    pub fn with_max_iterations(mut self, n: usize) -> Self {
        self.max_iterations = n;
        self
    }

    /// Sets the convergence tolerance.
    pub fn with_tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the largest noise gain.
    pub fn with_max_noise_gain(mut self, gain: f64) -> Self {
        self.max_noise_gain = gain;
        self
    }
}

/// One fitted value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FitParameter {
    /// What it is: `length`, `breadth`, `w`, `D`, `diameter`, `centre x`, `centre y`,
    /// `centre z`, `tilt about X`, `tilt about Y`.
    pub name: &'static str,
    /// Its fitted value (in `unit`).
    pub value: f64,
    /// `mm` or `deg`.
    pub unit: &'static str,
    /// Its standard uncertainty from the residuals (in `unit`).
    pub sigma: f64,
}

/// The result of [`fit_probe`]: the fitted shell and where it sits.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ProbeFit {
    /// Where the points came from.
    pub source: String,
    /// The fitted shell, in its own frame (origin at its centre, Z along its axis).
    /// Its `Display` gives the fitted numbers, e.g. `hugelschaffer:57.213x43.101x2.004`.
    pub egg: EggSpec,
    /// The pose of the egg: maps its own frame into the workpiece frame.
    pub pose: Isometry3,
    /// Root-mean-square distance of the points from the fitted surface (mm).
    pub rms: f64,
    /// Largest distance of a point from the fitted surface (mm).
    pub worst: f64,
    /// The line (or index) of that point.
    pub worst_line: usize,
    /// Number of points.
    pub points: usize,
    /// Levenberg–Marquardt iterations taken.
    pub iterations: usize,
    /// Every fitted value with its uncertainty: shape, then centre, then tilts.
    pub parameters: Vec<FitParameter>,
}

impl ProbeFit {
    /// The egg's centre in the workpiece frame (mm): its offset from the origin.
    pub fn centre(&self) -> Point3 {
        Point3::from(self.pose.translation.vector)
    }

    /// The egg's axis (toward its pointed end) in the workpiece frame.
    pub fn axis(&self) -> UnitVector3 {
        self.pose.rotation * Vector3::z_axis()
    }

    /// The angle between the egg's axis and the workpiece Z axis (radians).
    pub fn tilt(&self) -> f64 {
        self.axis().z.clamp(-1.0, 1.0).acos()
    }

    /// One line for the user: `probe fit: hugelschaffer:57.213x43.101x2.004 from 180
    /// points, RMS 0.012 mm, worst 0.031 mm (line 57), centre offset (0.10, -0.05,
    /// 0.40) mm, axis tilt 0.30°`.
    pub fn summary(&self) -> String {
        let c = self.centre();
        format!(
            "probe fit: {} from {} points, RMS {:.3} mm, worst {:.3} mm (line {} of {}), centre offset ({:.2}, {:.2}, {:.2}) mm, axis tilt {:.2}°",
            self.egg,
            self.points,
            self.rms,
            self.worst,
            self.worst_line,
            self.source,
            c.x,
            c.y,
            c.z,
            self.tilt().to_degrees()
        )
    }

    /// A warning when a point lies farther than `limit` (mm; e.g. the half-width of the
    /// depth window) from the fitted surface: the model does not describe the egg well
    /// enough to hold the cut depth.
    pub fn residual_warning(&self, limit: f64) -> Option<String> {
        (self.worst > limit).then(|| {
            format!(
                "a probe point ({} line {}) lies {:.3} mm from the fitted {} (RMS {:.3} mm), more than the depth window's ±{limit:.3} mm: the model does not describe this egg well enough to hold the cut depth; check that point, probe again, or fit a model with more parameters (narushin:LxBxWxD, profile:FILE.csv)",
                self.source,
                self.worst_line,
                self.worst,
                self.egg,
                self.rms
            )
        })
    }
}

/// The model family being fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Spheroid,
    Sphere,
    Hugelschaffer,
    Narushin,
    /// A measured profile: the shape is fixed, only the pose is fitted.
    Fixed,
}

/// A surface built for the current parameters, or the fixed one.
enum Built<'a> {
    Owned(Box<dyn Surface>),
    Borrowed(&'a dyn Surface),
}

impl Built<'_> {
    fn get(&self) -> &dyn Surface {
        match self {
            Built::Owned(s) => s.as_ref(),
            Built::Borrowed(s) => *s,
        }
    }
}

struct Model<'a> {
    kind: Kind,
    /// The profile's surface and file (fixed shapes only).
    fixed: Option<(Box<dyn Surface>, PathBuf)>,
    shape_names: &'static [&'static str],
    tilt: bool,
    points: &'a [ProbePoint],
}

impl<'a> Model<'a> {
    /// The model of `spec` and its starting shape parameters.
    fn new(spec: &EggSpec, points: &'a [ProbePoint]) -> Result<(Self, Vec<f64>)> {
        let mut fixed = None;
        let (kind, shape, shape_names): (Kind, Vec<f64>, &'static [&'static str]) = match spec {
            EggSpec::Spheroid { length, breadth } => (
                Kind::Spheroid,
                vec![*length, *breadth],
                &["length", "breadth"],
            ),
            EggSpec::Sphere { diameter } => (Kind::Sphere, vec![*diameter], &["diameter"]),
            EggSpec::Hugelschaffer { length, breadth, w } => (
                Kind::Hugelschaffer,
                vec![*length, *breadth, *w],
                &["length", "breadth", "w"],
            ),
            EggSpec::Preset(p) => {
                let (l, b, w) = p.dimensions();
                (
                    Kind::Hugelschaffer,
                    vec![l, b, w],
                    &["length", "breadth", "w"],
                )
            }
            EggSpec::Narushin {
                length,
                breadth,
                w,
                d,
            } => (
                Kind::Narushin,
                vec![*length, *breadth, *w, *d],
                &["length", "breadth", "w", "D"],
            ),
            EggSpec::Profile { path } => {
                fixed = Some((spec.build()?, path.clone()));
                (Kind::Fixed, Vec::new(), &[])
            }
        };
        let model = Self {
            kind,
            fixed,
            shape_names,
            tilt: kind != Kind::Sphere,
            points,
        };
        Ok((model, shape))
    }

    fn n_shape(&self) -> usize {
        self.shape_names.len()
    }

    fn n_params(&self) -> usize {
        self.n_shape() + if self.tilt { 5 } else { 3 }
    }

    fn spec(&self, shape: &[f64]) -> EggSpec {
        match (self.kind, shape, &self.fixed) {
            (Kind::Spheroid, [l, b], _) => EggSpec::Spheroid {
                length: *l,
                breadth: *b,
            },
            (Kind::Sphere, [d], _) => EggSpec::Sphere { diameter: *d },
            (Kind::Hugelschaffer, [l, b, w], _) => EggSpec::Hugelschaffer {
                length: *l,
                breadth: *b,
                w: *w,
            },
            (Kind::Narushin, [l, b, w, d], _) => EggSpec::Narushin {
                length: *l,
                breadth: *b,
                w: *w,
                d: *d,
            },
            (_, _, Some((_, path))) => EggSpec::Profile { path: path.clone() },
            // Unreachable: the shape vector always matches its kind.
            _ => EggSpec::DEFAULT,
        }
    }

    fn surface(&self, shape: &[f64]) -> Result<Built<'_>> {
        match &self.fixed {
            Some((s, _)) => Ok(Built::Borrowed(s.as_ref())),
            None => Ok(Built::Owned(self.spec(shape).build()?)),
        }
    }

    /// The pose of the parameters after the shape ones: centre, then tilts about X
    /// and Y (radians).
    fn pose(&self, x: &[f64]) -> Isometry3 {
        let p = &x[self.n_shape()..];
        let rotation = if self.tilt {
            UnitQuaternion::from_axis_angle(&Vector3::x_axis(), p[3])
                * UnitQuaternion::from_axis_angle(&Vector3::y_axis(), p[4])
        } else {
            UnitQuaternion::identity()
        };
        Isometry3::from_parts(Translation3::new(p[0], p[1], p[2]), rotation)
    }

    fn is_angle(&self, i: usize) -> bool {
        i >= self.n_shape() + 3
    }

    fn residuals_with(&self, surface: &dyn Surface, pose: &Isometry3) -> DVector<f64> {
        DVector::from_iterator(
            self.points.len(),
            self.points.iter().map(|p| {
                let q = pose.inverse_transform_point(&p.point);
                surface.closest_meridian(q.x.hypot(q.y), q.z).1
            }),
        )
    }

    fn residuals(&self, x: &[f64]) -> Result<DVector<f64>> {
        let surface = self.surface(&x[..self.n_shape()])?;
        Ok(self.residuals_with(surface.get(), &self.pose(x)))
    }

    /// The Jacobian by central differences (one-sided at the edge of a shape
    /// parameter's valid range).
    fn jacobian(&self, x: &[f64], r: &DVector<f64>) -> Result<DMatrix<f64>> {
        let n = self.n_params();
        let mut jac = DMatrix::zeros(self.points.len(), n);
        let base = self.surface(&x[..self.n_shape()])?;
        for i in 0..n {
            let h = if self.is_angle(i) { STEP_RAD } else { STEP_MM };
            let eval = |sign: f64| -> Result<DVector<f64>> {
                let mut xs = x.to_vec();
                xs[i] += sign * h;
                if i < self.n_shape() {
                    self.residuals(&xs)
                } else {
                    Ok(self.residuals_with(base.get(), &self.pose(&xs)))
                }
            };
            let column = match (eval(1.0), eval(-1.0)) {
                (Ok(plus), Ok(minus)) => (plus - minus) / (2.0 * h),
                (Ok(plus), Err(_)) => (plus - r) / h,
                (Err(_), Ok(minus)) => (r - minus) / h,
                (Err(e), Err(_)) => return Err(e),
            };
            jac.set_column(i, &column);
        }
        Ok(jac)
    }

    fn parameter_name(&self, i: usize) -> &'static str {
        const POSE: [&str; 5] = [
            "centre x",
            "centre y",
            "centre z",
            "tilt about X",
            "tilt about Y",
        ];
        if i < self.n_shape() {
            self.shape_names[i]
        } else {
            POSE[i - self.n_shape()]
        }
    }
}

/// The covariance `(JᵀJ)⁻¹` per unit residual (infinite variance for a parameter with
/// no effect at all). Computed on the column-scaled matrix through its eigenvalues, so a
/// nearly singular system gives huge variances instead of failing.
fn covariance(a: &DMatrix<f64>) -> DMatrix<f64> {
    let n = a.nrows();
    let d: Vec<f64> = (0..n).map(|i| a[(i, i)].max(0.0).sqrt()).collect();
    let scaled = DMatrix::from_fn(n, n, |i, j| {
        if d[i] > 0.0 && d[j] > 0.0 {
            a[(i, j)] / (d[i] * d[j])
        } else if i == j {
            1.0
        } else {
            0.0
        }
    });
    let eig = SymmetricEigen::new(scaled);
    let floor = 1e-15 * eig.eigenvalues.max().max(1e-300);
    let mut cov = DMatrix::zeros(n, n);
    for k in 0..n {
        let mu = eig.eigenvalues[k].max(floor);
        let v = eig.eigenvectors.column(k);
        cov += (v * v.transpose()) / mu;
    }
    DMatrix::from_fn(n, n, |i, j| {
        if d[i] > 0.0 && d[j] > 0.0 {
            cov[(i, j)] / (d[i] * d[j])
        } else if i == j {
            f64::INFINITY
        } else {
            0.0
        }
    })
}

/// Longitudes covered by the points (degrees: 360 less the widest gap) and their z
/// range, in the fitted egg's frame, for the message of an undetermined fit.
fn coverage(points: &[ProbePoint], pose: &Isometry3) -> (f64, f64, f64) {
    let mut thetas = Vec::with_capacity(points.len());
    let (mut z_lo, mut z_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in points {
        let q = pose.inverse_transform_point(&p.point);
        thetas.push(q.y.atan2(q.x));
        z_lo = z_lo.min(q.z);
        z_hi = z_hi.max(q.z);
    }
    thetas.sort_by(f64::total_cmp);
    let mut gap: f64 = 0.0;
    for w in thetas.windows(2) {
        gap = gap.max(w[1] - w[0]);
    }
    if let (Some(first), Some(last)) = (thetas.first(), thetas.last()) {
        gap = gap.max(first + 2.0 * PI - last);
    }
    ((2.0 * PI - gap).to_degrees(), z_lo, z_hi)
}

/// Fits the shape of `start` and the pose of the egg to the probed points.
///
/// The fit starts from the dimensions of `start` (a preset fits as the Hügelschäffer
/// egg it is built from) at the origin with its axis along Z. Spheroid, Hügelschäffer
/// and Narushin eggs fit every dimension, a sphere its diameter; a measured profile
/// keeps its shape. The pose is always fitted (a sphere's centre only).
///
/// Errors: too few points (fewer than [`PROBE_POINTS_PER_PARAMETER`] per fitted value),
/// no convergence within the iterations, a best fit outside the model's valid
/// parameters (the constructor's error is named), and points that do not determine
/// the parameters (see [`FitOptions::max_noise_gain`]).
pub fn fit_probe(start: &EggSpec, probe: &Probe, options: &FitOptions) -> Result<ProbeFit> {
    let (model, shape) = Model::new(start, &probe.points)?;
    let n = model.n_params();
    let describe = start.to_string();
    let failed = |reason: String| CoreError::FitFailed {
        model: describe.clone(),
        file: probe.source.clone(),
        reason,
    };
    let needed = PROBE_POINTS_PER_PARAMETER * n;
    if probe.points.len() < needed {
        return Err(probe_error(
            &probe.source,
            probe.points.last().map_or(0, |p| p.line),
            format!(
                "only {} points; fitting {describe} and its pose ({n} values) needs at least {needed}; probe more points all around the shell",
                probe.points.len()
            ),
        ));
    }
    crate::error::check_range("fit tolerance", options.tolerance, 1e-15, 1e-2)?;
    crate::error::check_range("fit max_noise_gain", options.max_noise_gain, 1e-3, 1e9)?;

    let mut x = shape;
    x.extend(std::iter::repeat_n(0.0, n - model.n_shape()));
    let start_length = model.surface(&x[..model.n_shape()])?.get().size().0;
    let mut r = model.residuals(&x)?;
    let mut cost = r.norm_squared();
    let mut lambda = 1e-3;
    let mut converged = false;
    let mut iterations = 0;
    while iterations < options.max_iterations && !converged {
        iterations += 1;
        let jac = model.jacobian(&x, &r)?;
        let a = jac.transpose() * &jac;
        let g = jac.transpose() * &r;
        let max_diag = a.diagonal().max();
        let diag: Vec<f64> = (0..n).map(|i| a[(i, i)].max(1e-12 * max_diag)).collect();
        let x_norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        let mut tries = 0;
        loop {
            tries += 1;
            if tries > 200 {
                converged = true;
                break;
            }
            let mut m = a.clone();
            for (i, d) in diag.iter().enumerate() {
                m[(i, i)] += lambda * d;
            }
            let Some(chol) = m.cholesky() else {
                lambda *= 10.0;
                continue;
            };
            let step = chol.solve(&(-&g));
            let small = step.norm() <= options.tolerance * (x_norm + options.tolerance);
            let trial: Vec<f64> = x.iter().zip(step.iter()).map(|(a, b)| a + b).collect();
            match model.residuals(&trial) {
                Ok(r_new) if r_new.norm_squared() < cost => {
                    let c_new = r_new.norm_squared();
                    let gained = cost - c_new;
                    x = trial;
                    r = r_new;
                    cost = c_new;
                    lambda = (lambda / 3.0).max(1e-12);
                    converged = small || gained <= 1e-15 * cost;
                    break;
                }
                _ if small => {
                    // No step improves the fit: a minimum, possibly on the edge of
                    // the valid parameters (checked below).
                    converged = true;
                    break;
                }
                _ => lambda *= 4.0,
            }
        }
    }
    // Points that do not pin the parameters down first: they also keep the fit from
    // converging.
    let jac = model.jacobian(&x, &r)?;
    let a = jac.transpose() * &jac;
    let cov = covariance(&a);
    let surface = model.surface(&x[..model.n_shape()])?;
    let pose = model.pose(&x);
    let lever = 0.5 * surface.get().size().0;
    let gains: Vec<f64> = (0..n)
        .map(|i| {
            let g = cov[(i, i)].max(0.0).sqrt();
            if model.is_angle(i) {
                g * lever
            } else {
                g
            }
        })
        .collect();
    let mut loose: Vec<usize> = (0..n)
        .filter(|&i| gains[i].is_nan() || gains[i] > options.max_noise_gain)
        .collect();
    if !loose.is_empty() {
        // Worst first; the coverage is measured in the workpiece frame, where the egg
        // was expected, since a fit this loose may have wandered off.
        loose.sort_by(|&a, &b| gains[b].total_cmp(&gains[a]));
        let (around, z_lo, z_hi) = coverage(&probe.points, &Isometry3::identity());
        let mut names: Vec<String> = loose
            .iter()
            .take(3)
            .map(|&i| model.parameter_name(i).to_string())
            .collect();
        if loose.len() > names.len() {
            names.push(format!("{} more", loose.len() - names.len()));
        }
        return Err(failed(format!(
            "the points do not pin down {}: a probe error of 0.01 mm could move {} by up to {:.2} mm (limit {:.2} mm); the points cover {around:.0}° of longitude and z from {z_lo:.1} to {z_hi:.1} mm of an egg about {start_length:.0} mm long; probe all around the shell and toward both ends, or fit a model with fewer parameters",
            names.join(", "),
            if loose.len() == 1 { "it" } else { "them" },
            0.01 * gains[loose[0]].min(1e9),
            0.01 * options.max_noise_gain,
        )));
    }
    if !converged {
        return Err(failed(format!(
            "it did not converge in {} iterations (RMS {:.4} mm so far); check that the points are in mm, in the workpiece frame (origin at the egg's centre) and on this shell",
            options.max_iterations,
            (cost / probe.points.len() as f64).sqrt()
        )));
    }
    // The unconstrained optimum: when it lies outside the model's valid parameters, the
    // fit stopped on their edge and the model does not suit this egg.
    let newton = -(&cov * (jac.transpose() * &r));
    let unconstrained: Vec<f64> = x.iter().zip(newton.iter()).map(|(a, b)| a + b).collect();
    if let Err(e) = model.surface(&unconstrained[..model.n_shape()]) {
        let flipped = model.shape_names.get(2) == Some(&"w") && unconstrained[2] < 0.0;
        return Err(failed(format!(
            "the best fit lies outside the model's valid shapes ({e}){}; try another model (spheroid:LxB, hugelschaffer:LxBxW, narushin:LxBxWxD)",
            if flipped {
                "; a negative w means the blunt end is toward +Z, but the workpiece frame puts the pointed end there: turn the egg over, or check the sign of z"
            } else {
                ""
            }
        )));
    }

    let m = probe.points.len();
    let sigma0 = if m > n {
        (cost / (m - n) as f64).sqrt()
    } else {
        0.0
    };
    let parameters = (0..n)
        .map(|i| {
            let (k, unit) = if model.is_angle(i) {
                (180.0 / PI, "deg")
            } else {
                (1.0, "mm")
            };
            FitParameter {
                name: model.parameter_name(i),
                value: x[i] * k,
                unit,
                sigma: sigma0 * cov[(i, i)].max(0.0).sqrt() * k,
            }
        })
        .collect();
    let (worst_i, worst) =
        r.iter()
            .enumerate()
            .map(|(i, v)| (i, v.abs()))
            .fold(
                (0, 0.0),
                |best, cur| if cur.1 > best.1 { cur } else { best },
            );
    Ok(ProbeFit {
        source: probe.source.clone(),
        egg: model.spec(&x[..model.n_shape()]),
        pose,
        rms: (cost / m as f64).sqrt(),
        worst,
        worst_line: probe.points[worst_i].line,
        points: m,
        iterations,
        parameters,
    })
}

#[cfg(test)]
mod tests;
