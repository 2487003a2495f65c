//! Maps from the unwrapped text plane to surface coordinates, and their distortion.
//!
//! Both maps of DESIGN.md put x along a parallel, `θ = θc + x / R0`, where `R0` is the
//! radius of the baseline parallel at arc length `s0`:
//!
//! - **arc length**: `s = s0 + y`. Lengths along the baseline and along every meridian
//!   are kept; along other parallels they scale by `r(s) / R0`.
//! - **conformal**: `∫_{s0}^{s} ds / r(s) = y / R0` (Mercator's projection on a sphere).
//!   Angles are kept everywhere; lengths scale by `r(s) / R0` in every direction.
//!
//! Text can also run along a meridian ([`TextDirection::Meridian`], arc length only):
//! `s = s0 + x`, `θ = θc − y / r(s)`, so the baseline is the meridian at `θc` read
//! upward (toward the pointed end), lengths along it are kept, and every letter's
//! height is kept along its own parallel. The differential in the orthonormal frame
//! (meridian, parallel) is `[[1, 0], [k, −1]]` with `k = y·r'(s)/r(s)`: area is kept
//! (σ₁σ₂ = 1) and the distortion grows with the distance from the baseline and with
//! the slope of the meridian, i.e. toward the poles.
//!
//! A **pole** map ([`MapKind::Pole`]) centres the text on a pole, for a word or a
//! monogram on the tip: a text-plane point at distance `ρ` from the origin and bearing
//! `β` (measured from the text's down direction, −y, toward +x) goes `ρ` along the
//! meridian at `θc ± β` from the pole. These are the geodesic polar coordinates about
//! the pole (its geodesics are the meridians), so distances and directions from the
//! pole are kept; across them lengths scale by `r(s)/ρ`, which tends to 1 at the pole.
//! The bottom of the letters faces the meridian `θc`, so a reader standing at `θc`
//! looking at the tip reads the text upright. Each parallel is a circle about the
//! origin of the text plane.
//!
//! The distortion of a map at a point is described by the singular values `σx`, `σy`
//! of its differential (Tissot's indicatrix): the scale distortion is the largest
//! `|σ − 1|` and the angle distortion is the largest change of an angle,
//! `2·asin(|σx − σy| / (σx + σy))` (Snyder, "Map Projections: A Working Manual",
//! USGS Professional Paper 1395, 1987, §4).

use crate::error::{CoreError, Result};
use crate::layout::Layout2d;
use crate::math::Point2;
use crate::surface::{gauss_integral, MeridianPoint, Surface, SurfaceCoord};

/// Scale distortion above which a glyph gets a warning (5%).
pub const DISTORTION_SCALE_WARN: f64 = 0.05;
/// Angle distortion above which a glyph gets a warning (2°, in radians).
pub const DISTORTION_ANGLE_WARN: f64 = 2.0 * std::f64::consts::PI / 180.0;
/// Intervals of the conformal map's table of `∫ ds / r`.
const CONFORMAL_INTERVALS: usize = 1024;

/// Which parallel carries the baseline of the text.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum Baseline {
    /// The parallel of maximum breadth (`s = 0`), the default.
    #[default]
    MaxBreadth,
    /// The parallel at this height `z` in the workpiece frame (mm), `--baseline-z`.
    Z(f64),
    /// The parallel at this latitude (radians), `--lat`: the angle between the outward
    /// surface normal and the XY plane, positive toward +Z (the pointed end). It is the
    /// ordinary (geodetic) latitude; 0 is the parallel of maximum breadth on any convex
    /// shell and on a sphere it is the usual latitude.
    Latitude(f64),
}

/// Which map takes the text plane onto the surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MapKind {
    /// Arc length along the meridian: `s = s0 + y` (the default).
    #[default]
    ArcLength,
    /// Conformal: `∫ ds / r = y / R0`, angles kept, size grows with `r(s)`.
    Conformal,
    /// A patch around one point for short text on the side: geodesic polar
    /// coordinates (the exponential map) centred on the middle of the text block at
    /// longitude `θc` on the baseline parallel. Distances and directions from the centre
    /// are kept exactly; the distortion grows with the square of the distance and the
    /// surface's curvature.
    Patch,
    /// Centred on a pole, for text on the tip of the egg (see the module docs):
    /// geodesic polar coordinates about the pole.
    Pole(PoleEnd),
}

/// Which end of the egg a [`MapKind::Pole`] map is centred on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PoleEnd {
    /// The +Z pole, the pointed end.
    Pointed,
    /// The −Z pole, the blunt end.
    Blunt,
}

impl MapKind {
    /// Parses `arclength`, `conformal`, `patch`, or `pole` (`pole:pointed`, the default
    /// end, or `pole:blunt`).
    pub fn parse(text: &str) -> Result<Self> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "arclength" => Ok(Self::ArcLength),
            "conformal" => Ok(Self::Conformal),
            "patch" | "geodesic" => Ok(Self::Patch),
            "pole" | "pole:pointed" | "pole:top" => Ok(Self::Pole(PoleEnd::Pointed)),
            "pole:blunt" | "pole:bottom" => Ok(Self::Pole(PoleEnd::Blunt)),
            _ => Err(CoreError::BadSpec {
                what: "map".into(),
                given: text.into(),
                expected: "arclength, conformal, patch, pole (the pointed end) or pole:blunt"
                    .into(),
            }),
        }
    }
}

impl std::fmt::Display for MapKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::ArcLength => "arclength",
            Self::Conformal => "conformal",
            Self::Patch => "patch",
            Self::Pole(PoleEnd::Pointed) => "pole",
            Self::Pole(PoleEnd::Blunt) => "pole:blunt",
        })
    }
}

/// Which way the text runs on the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum TextDirection {
    /// Along a parallel, around the egg (the default).
    #[default]
    Parallel,
    /// Along the meridian at the centre longitude, reading toward the pointed end.
    Meridian,
}

impl TextDirection {
    /// Parses `parallel` or `meridian`.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "parallel" | "around" => Ok(Self::Parallel),
            "meridian" | "up" => Ok(Self::Meridian),
            _ => Err(CoreError::BadSpec {
                what: "text direction".into(),
                given: text.into(),
                expected: "parallel (around the egg) or meridian (from end to end)".into(),
            }),
        }
    }
}

impl std::fmt::Display for TextDirection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Parallel => "parallel",
            Self::Meridian => "meridian",
        })
    }
}

/// Nodes of the meridian table: `(s, r, dr/ds)`.
type MeridianNode = (f64, f64, f64);

/// Intervals of the meridian table of a [`TextDirection::Meridian`] map.
const MERIDIAN_INTERVALS: usize = 2048;

/// Which text-plane line the parallel at one arc length corresponds to, and how its
/// points map to longitudes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TextLine {
    /// The horizontal line `y`; `θ = θc + x / r0`.
    Horizontal {
        /// The line's height in the text plane.
        y: f64,
        /// `θc`.
        theta_center: f64,
        /// `r0`.
        r0: f64,
    },
    /// The vertical line `x`; `θ = θc − y / r`.
    Vertical {
        /// The line's abscissa in the text plane.
        x: f64,
        /// `θc`.
        theta_center: f64,
        /// Radius of the parallel.
        r: f64,
    },
    /// The circle of radius `rho` about the origin (a pole map); its points are named
    /// by bearing `β` (from −y toward +x), and `θ = θc + sign·β`.
    Circle {
        /// The circle's radius in the text plane: the parallel's distance from the pole.
        rho: f64,
        /// `θc`.
        theta_center: f64,
        /// +1 at the pointed pole, −1 at the blunt one (seen from outside the shell).
        sign: f64,
    },
}

impl TextLine {
    /// The longitude interval of a text-plane interval along the line (for a circle,
    /// an interval of bearing).
    pub fn theta_interval(&self, a: f64, b: f64) -> (f64, f64) {
        match *self {
            Self::Horizontal {
                theta_center, r0, ..
            } => (theta_center + a / r0, theta_center + b / r0),
            Self::Vertical {
                theta_center, r, ..
            } => (theta_center - b / r, theta_center - a / r),
            Self::Circle {
                theta_center, sign, ..
            } => {
                if sign > 0.0 {
                    (theta_center + a, theta_center + b)
                } else {
                    (theta_center - b, theta_center - a)
                }
            }
        }
    }
}

/// The largest distortion of a map over a region.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MapDistortion {
    /// Largest `|σ − 1|` over both directions (0.05 = 5%).
    pub scale: f64,
    /// Largest change of an angle (radians).
    pub angle: f64,
}

impl MapDistortion {
    /// The distortion of a map with singular values `sx`, `sy`.
    pub fn from_stretch(sx: f64, sy: f64) -> Self {
        Self {
            scale: (sx - 1.0).abs().max((sy - 1.0).abs()),
            angle: 2.0 * ((sx - sy).abs() / (sx + sy)).asin(),
        }
    }

    /// The larger of two distortions, component by component.
    pub fn max(self, o: Self) -> Self {
        Self {
            scale: self.scale.max(o.scale),
            angle: self.angle.max(o.angle),
        }
    }

    /// True when either figure passes [`DISTORTION_SCALE_WARN`] or
    /// [`DISTORTION_ANGLE_WARN`].
    pub fn needs_warning(&self) -> bool {
        self.scale > DISTORTION_SCALE_WARN || self.angle > DISTORTION_ANGLE_WARN
    }
}

/// The distortion over one glyph of a layout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphDistortion {
    /// The glyph's character.
    pub ch: char,
    /// The middle of the glyph along the baseline (text-plane mm).
    pub x: f64,
    /// The largest distortion over the glyph's box.
    pub distortion: MapDistortion,
}

/// A map from the text plane to surface coordinates (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct SurfaceMap {
    kind: MapKind,
    theta_center: f64,
    s0: f64,
    r0: f64,
    /// Conformal map: nodes `(u, s, r)` with `u = ∫_{s0}^{s} ds / r`, increasing.
    table: Vec<(f64, f64, f64)>,
    direction: TextDirection,
    /// Meridian text: nodes `(s, r, dr/ds)` at equal steps over the whole meridian.
    meridian: Vec<MeridianNode>,
}

/// Finds an arc length where `f(meridian(s))` changes sign, by a scan and bisection.
fn solve_on_meridian(surface: &dyn Surface, f: impl Fn(&MeridianPoint) -> f64) -> Option<f64> {
    let (lo, hi) = surface.s_range();
    let n = 1024;
    let at = |k: usize| lo + (hi - lo) * k as f64 / n as f64;
    let mut prev = f(&surface.meridian(lo));
    for k in 1..=n {
        let v = f(&surface.meridian(at(k)));
        if prev == 0.0 {
            return Some(at(k - 1));
        }
        if prev.signum() != v.signum() {
            let (mut a, mut b, fa) = (at(k - 1), at(k), prev);
            for _ in 0..80 {
                let m = 0.5 * (a + b);
                if (f(&surface.meridian(m)) < 0.0) == (fa < 0.0) {
                    a = m;
                } else {
                    b = m;
                }
            }
            return Some(0.5 * (a + b));
        }
        prev = v;
    }
    None
}

impl SurfaceMap {
    /// The map of `kind` with its baseline on `baseline`, centred at longitude
    /// `theta_center` (radians).
    pub fn new(
        surface: &dyn Surface,
        kind: MapKind,
        baseline: Baseline,
        theta_center: f64,
    ) -> Result<Self> {
        let (lo, hi) = surface.s_range();
        if let MapKind::Pole(end) = kind {
            if baseline != Baseline::MaxBreadth {
                return Err(CoreError::BadPlacement {
                    reason:
                        "--map pole centres the text on the pole; leave out --lat and --baseline-z"
                            .into(),
                });
            }
            return Ok(Self {
                kind,
                theta_center,
                s0: match end {
                    PoleEnd::Pointed => hi,
                    PoleEnd::Blunt => lo,
                },
                r0: surface.baseline_radius(),
                table: Vec::new(),
                direction: TextDirection::Parallel,
                meridian: meridian_table(surface),
            });
        }
        let s0 = match baseline {
            Baseline::MaxBreadth => 0.0,
            Baseline::Z(z) => {
                let (z_lo, z_hi) = (surface.meridian(lo).z, surface.meridian(hi).z);
                if !(z.is_finite() && z > z_lo && z < z_hi) {
                    return Err(CoreError::BadPlacement {
                        reason: format!(
                            "--baseline-z {z} mm is not on the shell, which spans z = {z_lo:.2} to {z_hi:.2} mm; give a height between them"
                        ),
                    });
                }
                solve_on_meridian(surface, |m| m.z - z).ok_or_else(|| CoreError::BadPlacement {
                    reason: format!("no parallel at --baseline-z {z} mm"),
                })?
            }
            Baseline::Latitude(lat) => {
                let deg = lat.to_degrees();
                if !(lat.is_finite() && deg.abs() < 89.0) {
                    return Err(CoreError::BadPlacement {
                        reason: format!(
                            "--lat {deg}° is out of range; give a latitude between -89° and 89° (0 = the widest parallel, + toward the pointed end)"
                        ),
                    });
                }
                let sin = lat.sin();
                // The outward normal's Z component is −dr/ds.
                solve_on_meridian(surface, |m| -m.dr_ds - sin).ok_or_else(|| {
                    CoreError::BadPlacement {
                        reason: format!("no parallel at --lat {deg}°"),
                    }
                })?
            }
        };
        let r0 = surface.parallel_radius(s0);
        if r0.is_nan() || r0 <= 1e-3 {
            return Err(CoreError::BadPlacement {
                reason: "the baseline is at a pole; move it toward the widest parallel".into(),
            });
        }
        let table = match kind {
            MapKind::Conformal => conformal_table(surface, lo, hi, s0),
            _ => Vec::new(),
        };
        let meridian = if kind == MapKind::Patch {
            meridian_table(surface)
        } else {
            Vec::new()
        };
        Ok(Self {
            kind,
            theta_center,
            s0,
            r0,
            table,
            direction: TextDirection::Parallel,
            meridian,
        })
    }

    /// The same map with the text running in `direction`. Text along a meridian is
    /// mapped by arc length only: the conformal map is refused.
    pub fn with_direction(
        mut self,
        surface: &dyn Surface,
        direction: TextDirection,
    ) -> Result<Self> {
        if direction == TextDirection::Meridian {
            if self.kind != MapKind::ArcLength {
                return Err(CoreError::BadPlacement {
                    reason: format!(
                        "--map {} cannot run text along a meridian; use --map arclength with --along meridian",
                        self.kind
                    ),
                });
            }
            self.meridian = meridian_table(surface);
        } else if !matches!(self.kind, MapKind::Patch | MapKind::Pole(_)) {
            self.meridian.clear();
        }
        self.direction = direction;
        Ok(self)
    }

    /// The map asked for by engraving options.
    pub fn from_options(surface: &dyn Surface, options: &crate::EngraveOptions) -> Result<Self> {
        Self::new(surface, options.map, options.baseline, options.theta_center)?
            .with_direction(surface, options.direction)
    }

    /// Which way the text runs.
    pub fn direction(&self) -> TextDirection {
        self.direction
    }

    /// Radius `r(s)` and slope `dr/ds` of the parallel at `s` (meridian text only;
    /// cubic Hermite between the table's nodes, clamped to its ends).
    fn r_at(&self, s: f64) -> (f64, f64) {
        let n = self.meridian.len();
        if n < 2 {
            return (self.r0, 0.0);
        }
        let k = self.meridian.partition_point(|node| node.0 <= s);
        let k = k.clamp(1, n - 1) - 1;
        let ((s0, r0, d0), (s1, r1, d1)) = (self.meridian[k], self.meridian[k + 1]);
        let h = s1 - s0;
        let t = ((s - s0) / h).clamp(0.0, 1.0);
        let (r, dr) = crate::math::cubic_hermite(t, r0, h * d0, r1, h * d1);
        (r, dr / h)
    }

    /// The text-plane line that the parallel at arc length `s` shows, and how its
    /// points map to longitudes: what the simulated cut is compared along.
    ///
    /// For the patch map the line is read in the *surface plane* `(r0·(θ − θc), s − s0)`,
    /// not the text plane: compare with [`SurfaceMap::to_surface_plane`]'s image of the
    /// layout.
    pub fn line_at(&self, s: f64) -> TextLine {
        if let Some(sign) = self.pole_sign() {
            return TextLine::Circle {
                rho: (s - self.s0).abs(),
                theta_center: self.theta_center,
                sign,
            };
        }
        if self.kind == MapKind::Patch {
            return TextLine::Horizontal {
                y: s - self.s0,
                theta_center: self.theta_center,
                r0: self.r0,
            };
        }
        match self.direction {
            TextDirection::Parallel => TextLine::Horizontal {
                y: self.y_of_s(s),
                theta_center: self.theta_center,
                r0: self.r0,
            },
            TextDirection::Meridian => TextLine::Vertical {
                x: s - self.s0,
                theta_center: self.theta_center,
                r: self.r_at(s).0.max(1e-9),
            },
        }
    }

    /// Which map this is.
    pub fn kind(&self) -> MapKind {
        self.kind
    }

    /// For a pole map, +1 at the pointed pole and −1 at the blunt one: `θ = θc + sign·β`
    /// and `s = s_pole − sign·ρ`.
    pub fn pole_sign(&self) -> Option<f64> {
        match self.kind {
            MapKind::Pole(PoleEnd::Pointed) => Some(1.0),
            MapKind::Pole(PoleEnd::Blunt) => Some(-1.0),
            _ => None,
        }
    }

    /// Radius of the baseline parallel, `R0` (mm).
    pub fn r0(&self) -> f64 {
        self.r0
    }

    /// Arc length of the baseline parallel from the parallel of maximum breadth (mm).
    pub fn s0(&self) -> f64 {
        self.s0
    }

    /// Meridian arc length of the text-plane height `y`, or `None` where the
    /// conformal map runs off the shell (near a pole).
    pub fn s_of_y(&self, y: f64) -> Option<f64> {
        match self.kind {
            MapKind::ArcLength | MapKind::Patch | MapKind::Pole(_) => Some(self.s0 + y),
            MapKind::Conformal => {
                let u = y / self.r0;
                let (first, last) = (self.table.first()?, self.table.last()?);
                if !(u >= first.0 && u <= last.0) {
                    return None;
                }
                let k = self.table.partition_point(|n| n.0 <= u);
                let k = k.clamp(1, self.table.len() - 1) - 1;
                let ((u0, s0, r0), (u1, s1, r1)) = (self.table[k], self.table[k + 1]);
                // Cubic Hermite in u: ds/du = r(s) at both nodes.
                let h = u1 - u0;
                let t = (u - u0) / h;
                Some(crate::math::cubic_hermite(t, s0, h * r0, s1, h * r1).0)
            }
        }
    }

    /// Longitude of x = 0 (radians).
    pub fn theta_center(&self) -> f64 {
        self.theta_center
    }

    /// Longitude of the text-plane abscissa `x` (radians).
    pub fn theta_of_x(&self, x: f64) -> f64 {
        self.theta_center + x / self.r0
    }

    /// The text-plane height that maps to meridian arc length `s` (the inverse of
    /// [`SurfaceMap::s_of_y`]; clamped to the conformal table near the poles).
    pub fn y_of_s(&self, s: f64) -> f64 {
        match self.kind {
            MapKind::ArcLength | MapKind::Patch | MapKind::Pole(_) => s - self.s0,
            MapKind::Conformal => {
                let n = self.table.len();
                if n < 2 {
                    return s - self.s0;
                }
                let k = self.table.partition_point(|node| node.1 <= s);
                let k = k.clamp(1, n - 1) - 1;
                let ((u0, s0, r0), (u1, s1, r1)) = (self.table[k], self.table[k + 1]);
                let h = s1 - s0;
                let t = ((s - s0) / h).clamp(0.0, 1.0);
                // Cubic Hermite in s: du/ds = 1/r(s) at both nodes.
                let (u, _) = crate::math::cubic_hermite(t, u0, h / r0, u1, h / r1);
                u * self.r0
            }
        }
    }

    /// The surface coordinate of a text-plane point (heights off the shell are
    /// clamped to its ends; [`SurfaceMap::check_fit`] refuses them first).
    pub fn map(&self, p: &Point2) -> SurfaceCoord {
        if let Some(sign) = self.pole_sign() {
            let rho = p.coords.norm();
            let beta = p.x.atan2(-p.y);
            return SurfaceCoord::new(self.theta_center + sign * beta, self.s0 - sign * rho);
        }
        if self.kind == MapKind::Patch {
            return self.geodesic(p);
        }
        if self.direction == TextDirection::Meridian {
            let s = self.s0 + p.x;
            let r = self.r_at(s).0.max(1e-9);
            return SurfaceCoord::new(self.theta_center - p.y / r, s);
        }
        let s = self.s_of_y(p.y).unwrap_or_else(|| {
            let end = if p.y > 0.0 {
                self.table.last()
            } else {
                self.table.first()
            };
            end.map_or(self.s0 + p.y, |n| n.1)
        });
        SurfaceCoord::new(self.theta_center + p.x / self.r0, s)
    }

    /// The singular values `(σx, σy)` of the map at height `y`: stretch along the
    /// parallel and along the meridian.
    pub fn stretch(&self, surface: &dyn Surface, y: f64) -> (f64, f64) {
        let s = self.map(&Point2::new(0.0, y)).s;
        let k = surface.parallel_radius(s) / self.r0;
        match self.kind {
            MapKind::ArcLength | MapKind::Patch | MapKind::Pole(_) => (k, 1.0),
            MapKind::Conformal => (k, k),
        }
    }

    /// The largest distortion over the band `y_min..=y_max` (the map does not depend
    /// on x, so this covers any box with that height range).
    pub fn distortion(&self, surface: &dyn Surface, y_min: f64, y_max: f64) -> MapDistortion {
        (0..=32)
            .map(|k| {
                let y = y_min + (y_max - y_min) * k as f64 / 32.0;
                let (sx, sy) = self.stretch(surface, y);
                MapDistortion::from_stretch(sx, sy)
            })
            .fold(MapDistortion::default(), MapDistortion::max)
    }

    /// The largest distortion over the box `x_min..=x_max` × `y_min..=y_max` of the
    /// text plane.
    pub fn distortion_box(
        &self,
        surface: &dyn Surface,
        x_min: f64,
        x_max: f64,
        y_min: f64,
        y_max: f64,
    ) -> MapDistortion {
        if self.kind == MapKind::Patch {
            return self.patch_distortion(x_min, x_max, y_min, y_max);
        }
        if self.pole_sign().is_some() {
            return self.pole_distortion(x_min, x_max, y_min, y_max);
        }
        if self.direction == TextDirection::Parallel {
            return self.distortion(surface, y_min, y_max);
        }
        let mut worst = MapDistortion::default();
        for i in 0..=16 {
            let x = x_min + (x_max - x_min) * i as f64 / 16.0;
            let (r, dr) = self.r_at(self.s0 + x);
            for j in 0..=4 {
                let y = y_min + (y_max - y_min) * j as f64 / 4.0;
                let k = y * dr / r.max(1e-9);
                // Singular values of [[1, 0], [k, −1]]: σ₁σ₂ = 1, σ₁² + σ₂² = 2 + k².
                let sum = 2.0 + k * k;
                let big = (0.5 * (sum + (sum * sum - 4.0).max(0.0).sqrt())).sqrt();
                worst = worst.max(MapDistortion::from_stretch(big, 1.0 / big));
            }
        }
        worst
    }

    /// The largest distortion over each glyph's box.
    pub fn glyph_distortions(
        &self,
        surface: &dyn Surface,
        layout: &Layout2d,
    ) -> Vec<GlyphDistortion> {
        layout
            .glyphs
            .iter()
            .filter_map(|g| {
                let pts = g.points();
                let (mut x0, mut x1, mut y0, mut y1) = (
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                );
                for p in pts {
                    (x0, x1, y0, y1) = (x0.min(p.x), x1.max(p.x), y0.min(p.y), y1.max(p.y));
                }
                (x0 <= x1).then(|| GlyphDistortion {
                    ch: g.ch,
                    x: 0.5 * (x0 + x1),
                    distortion: self.distortion_box(surface, x0, x1, y0, y1),
                })
            })
            .collect()
    }

    /// Checks that a line `width` mm long spanning `y_min..y_max` fits on the shell
    /// with `margin` mm to spare along the meridian at both ends.
    pub fn check_fit(
        &self,
        surface: &dyn Surface,
        width: f64,
        y_min: f64,
        y_max: f64,
        margin: f64,
    ) -> Result<()> {
        if self.kind == MapKind::Patch {
            return self.check_fit_patch(surface, width, y_min, y_max, margin);
        }
        if self.pole_sign().is_some() {
            return self.check_fit_pole(width, y_min, y_max, margin);
        }
        if self.direction == TextDirection::Meridian {
            return self.check_fit_meridian(surface, width, y_min, y_max, margin);
        }
        let circumference = std::f64::consts::TAU * self.r0;
        if width > circumference {
            return Err(CoreError::TextTooLong {
                text_mm: width,
                available_mm: circumference,
            });
        }
        let (lo, hi) = surface.s_range();
        let top = self.s_of_y(y_max).map_or(f64::INFINITY, |s| s + margin);
        if top > hi {
            return Err(CoreError::TextTooTall {
                needed_mm: top - self.s0,
                available_mm: hi - self.s0,
            });
        }
        let bottom = self.s_of_y(y_min).map_or(f64::NEG_INFINITY, |s| s - margin);
        if bottom < lo {
            return Err(CoreError::TextTooTall {
                needed_mm: self.s0 - bottom,
                available_mm: self.s0 - lo,
            });
        }
        Ok(())
    }
}

/// The largest distortion of the singular values `stretch` gives on an `(n + 1)²` grid
/// over the box `[x_min, x_max, y_min, y_max]` of the text plane.
fn worst_over_box(
    [x_min, x_max, y_min, y_max]: [f64; 4],
    n: usize,
    stretch: impl Fn(&Point2) -> (f64, f64),
) -> MapDistortion {
    let mut worst = MapDistortion::default();
    for i in 0..=n {
        for j in 0..=n {
            let p = Point2::new(
                x_min + (x_max - x_min) * i as f64 / n as f64,
                y_min + (y_max - y_min) * j as f64 / n as f64,
            );
            let (a, b) = stretch(&p);
            worst = worst.max(MapDistortion::from_stretch(a, b));
        }
    }
    worst
}

/// Largest arc-length step of the geodesic integration (mm).
const GEODESIC_STEP: f64 = 0.05;
/// Spacing of the points a layout's outlines are resampled at before mapping them
/// into the surface plane (mm).
const SURFACE_PLANE_STEP: f64 = 0.01;

fn meridian_table(surface: &dyn Surface) -> Vec<MeridianNode> {
    let (lo, hi) = surface.s_range();
    (0..=MERIDIAN_INTERVALS)
        .map(|k| {
            let s = lo + (hi - lo) * k as f64 / MERIDIAN_INTERVALS as f64;
            let m = surface.meridian(s);
            (s, m.r, m.dr_ds)
        })
        .collect()
}

impl SurfaceMap {
    /// The patch map: follow the geodesic from the centre `(θc, s0)` that leaves at
    /// the angle of `p` from the parallel (x along +θ, y along +s) for the length `|p|`.
    /// On a surface of revolution, with ψ the geodesic's angle from the meridian:
    /// `s' = cos ψ`, `θ' = sin ψ / r`, `ψ' = −(r'/r) sin ψ` (Clairaut's relation
    /// `r sin ψ = const` holds along it), integrated by fourth-order Runge–Kutta in
    /// steps of at most [`GEODESIC_STEP`] mm.
    fn geodesic(&self, p: &Point2) -> SurfaceCoord {
        let rho = p.coords.norm();
        if rho.is_nan() || rho <= 0.0 {
            return SurfaceCoord::new(self.theta_center, self.s0);
        }
        let n = (rho / GEODESIC_STEP).ceil().max(1.0);
        let h = rho / n;
        // State (s, θ, ψ); the initial direction cos φ e_θ + sin φ e_s.
        let mut st = (self.s0, self.theta_center, p.x.atan2(p.y));
        let f = |st: (f64, f64, f64)| {
            let (r, dr) = self.r_at(st.0);
            let r = r.max(1e-9);
            let (sin, cos) = st.2.sin_cos();
            (cos, sin / r, -dr / r * sin)
        };
        for _ in 0..n as usize {
            let k1 = f(st);
            let k2 = f((
                st.0 + 0.5 * h * k1.0,
                st.1 + 0.5 * h * k1.1,
                st.2 + 0.5 * h * k1.2,
            ));
            let k3 = f((
                st.0 + 0.5 * h * k2.0,
                st.1 + 0.5 * h * k2.1,
                st.2 + 0.5 * h * k2.2,
            ));
            let k4 = f((st.0 + h * k3.0, st.1 + h * k3.1, st.2 + h * k3.2));
            st = (
                st.0 + h / 6.0 * (k1.0 + 2.0 * k2.0 + 2.0 * k3.0 + k4.0),
                st.1 + h / 6.0 * (k1.1 + 2.0 * k2.1 + 2.0 * k3.1 + k4.1),
                st.2 + h / 6.0 * (k1.2 + 2.0 * k2.2 + 2.0 * k3.2 + k4.2),
            );
        }
        SurfaceCoord::new(st.1, st.0)
    }

    /// The point of the surface plane `(r0·(θ − θc), s − s0)` a text-plane point maps to.
    fn surface_plane_point(&self, p: &Point2) -> Point2 {
        let c = self.map(p);
        Point2::new(self.r0 * (c.theta - self.theta_center), c.s - self.s0)
    }

    /// The layout as the patch map puts it on the shell, drawn in the surface plane
    /// `(r0·(θ − θc), s − s0)`, outlines resampled every 0.01 mm so their images stay
    /// within a fraction of a micrometre of the mapped curves. Lengths across the
    /// meridian in that plane are off by `r(s)/r0` from the surface's, a few percent
    /// over a patch: the images of letters are exact, widths of bands drawn around
    /// them in that plane are not. For the other maps the layout is returned as is.
    pub fn to_surface_plane(&self, layout: &Layout2d) -> Layout2d {
        if self.kind != MapKind::Patch {
            return layout.clone();
        }
        let resample = |v: &Vec<Point2>, closed: bool| -> Vec<Point2> {
            let mut out = Vec::new();
            let n = v.len();
            let segs = if closed { n } else { n.saturating_sub(1) };
            for i in 0..segs {
                let (a, b) = (v[i], v[(i + 1) % n]);
                let k = ((b - a).norm() / SURFACE_PLANE_STEP).ceil().max(1.0) as usize;
                for j in 0..k {
                    out.push(self.surface_plane_point(&(a + (b - a) * (j as f64 / k as f64))));
                }
            }
            if !closed {
                if let Some(last) = v.last() {
                    out.push(self.surface_plane_point(last));
                }
            }
            out
        };
        let glyphs: Vec<crate::layout::Glyph> = layout
            .glyphs
            .iter()
            .map(|g| crate::layout::Glyph {
                ch: g.ch,
                contours: g.contours.iter().map(|c| resample(c, true)).collect(),
                line: g.line,
                strokes: g.strokes.iter().map(|s| resample(s, false)).collect(),
            })
            .collect();
        let (y_min, y_max) = glyphs
            .iter()
            .flat_map(crate::layout::Glyph::points)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.y), hi.max(p.y))
            });
        Layout2d {
            glyphs,
            width: layout.width,
            cap_height: layout.cap_height,
            y_min,
            y_max,
            lines: Vec::new(),
        }
    }

    /// Singular values of the patch map's differential at `p`, from central
    /// differences of the geodesic map in the orthonormal frame (parallel, meridian).
    fn patch_stretch(&self, p: &Point2) -> (f64, f64) {
        let h = 1e-4;
        let d = |dx: f64, dy: f64| {
            let a = self.geodesic(&Point2::new(p.x - dx, p.y - dy));
            let b = self.geodesic(&Point2::new(p.x + dx, p.y + dy));
            let r = self.r_at(0.5 * (a.s + b.s)).0;
            (r * (b.theta - a.theta) / (2.0 * h), (b.s - a.s) / (2.0 * h))
        };
        let (ax, ay) = d(h, 0.0);
        let (bx, by) = d(0.0, h);
        // Singular values of [[ax, bx], [ay, by]].
        let e = ax * ax + ay * ay + bx * bx + by * by;
        let det = (ax * by - bx * ay).abs();
        let root = (e * e - 4.0 * det * det).max(0.0).sqrt();
        (
            (0.5 * (e + root)).sqrt(),
            (0.5 * (e - root)).max(0.0).sqrt(),
        )
    }

    fn patch_distortion(&self, x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> MapDistortion {
        worst_over_box([x_min, x_max, y_min, y_max], 6, |p| self.patch_stretch(p))
    }

    /// [`SurfaceMap::check_fit`] for the patch map: the block (centred on the point)
    /// must stay a quarter of the baseline parallel from its centre and `margin`
    /// inside the poles.
    fn check_fit_patch(
        &self,
        surface: &dyn Surface,
        width: f64,
        y_min: f64,
        y_max: f64,
        margin: f64,
    ) -> Result<()> {
        let reach = (0.5 * width).hypot(y_min.abs().max(y_max.abs())) + margin;
        let limit = self.r0 * std::f64::consts::FRAC_PI_2;
        if reach > limit {
            return Err(CoreError::BadPlacement {
                reason: format!(
                    "the patch map reaches {reach:.1} mm from its centre but a patch may span at most {limit:.1} mm (a quarter of the parallel); use a smaller --height, shorter text or --map arclength"
                ),
            });
        }
        let (lo, hi) = surface.s_range();
        for i in 0..=8 {
            for y in [y_min, y_max] {
                let x = -0.5 * width + width * i as f64 / 8.0;
                let c = self.geodesic(&Point2::new(x, y));
                if c.s - margin < lo || c.s + margin > hi {
                    return Err(CoreError::BadPlacement {
                        reason: "the patch runs over a pole of the shell; move it toward the widest parallel (--lat) or make the text smaller".into(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The largest distortion of a pole map over a box: along the meridians (from the
    /// pole) lengths are kept, across them they scale by `r(s)/ρ`.
    fn pole_distortion(&self, x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> MapDistortion {
        worst_over_box([x_min, x_max, y_min, y_max], 8, |p| {
            let rho = p.coords.norm();
            let across = if rho > 1e-9 {
                self.r_at(self.map(p).s).0 / rho
            } else {
                1.0
            };
            (across, 1.0)
        })
    }

    /// [`SurfaceMap::check_fit`] for a pole map: the block, centred on the pole, must
    /// stay `margin` short of the widest parallel (beyond it the text would wrap down
    /// the far side of the egg).
    fn check_fit_pole(&self, width: f64, y_min: f64, y_max: f64, margin: f64) -> Result<()> {
        let reach = (0.5 * width).hypot(y_min.abs().max(y_max.abs())) + margin;
        let limit = self.s0.abs();
        if reach > limit {
            return Err(CoreError::BadPlacement {
                reason: format!(
                    "around the pole the text reaches {reach:.1} mm from it, but the widest parallel is {limit:.1} mm away; use a smaller --height or shorter text"
                ),
            });
        }
        Ok(())
    }

    /// [`SurfaceMap::check_fit`] for text along the meridian: the line, centred on the
    /// baseline parallel, must stay `margin` inside the poles, and its letters must
    /// span less than half the parallel wherever they are.
    fn check_fit_meridian(
        &self,
        surface: &dyn Surface,
        width: f64,
        y_min: f64,
        y_max: f64,
        margin: f64,
    ) -> Result<()> {
        let (lo, hi) = surface.s_range();
        let (a, b) = (
            self.s0 - width / 2.0 - margin,
            self.s0 + width / 2.0 + margin,
        );
        if a < lo || b > hi {
            return Err(CoreError::TextTooLong {
                text_mm: width,
                available_mm: 2.0 * (hi - self.s0).min(self.s0 - lo) - 2.0 * margin,
            });
        }
        let across = y_min.abs().max(y_max.abs()) + margin;
        for k in 0..=64 {
            let s = a + (b - a) * k as f64 / 64.0;
            let r = self.r_at(s).0;
            if across > r * std::f64::consts::FRAC_PI_2 {
                return Err(CoreError::BadPlacement {
                    reason: format!(
                        "along the meridian the letters reach {across:.2} mm across, more than a quarter of the parallel at s = {s:.2} mm (radius {r:.2} mm) near the pole; use a smaller --height or shorter text"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Nodes `(u, s, r)` of `u(s) = ∫_{s0}^{s} ds / r(s)` between just inside the poles.
fn conformal_table(surface: &dyn Surface, lo: f64, hi: f64, s0: f64) -> Vec<(f64, f64, f64)> {
    // Stop short of the poles, where r → 0 and u → ±∞; text never gets there.
    let eps = 1e-3 * (hi - lo);
    let (a, b) = (lo + eps, hi - eps);
    let n = CONFORMAL_INTERVALS;
    let inv_r = |s: f64| 1.0 / surface.parallel_radius(s).max(1e-9);
    let node = |k: usize| a + (b - a) * k as f64 / n as f64;
    let mut out = Vec::with_capacity(n + 1);
    let mut u = 0.0;
    out.push((0.0, a, surface.parallel_radius(a)));
    for k in 0..n {
        u += gauss_integral(inv_r, node(k), node(k + 1));
        let s = node(k + 1);
        out.push((u, s, surface.parallel_radius(s)));
    }
    // Shift so that u(s0) = 0.
    let k = ((s0 - a) / (b - a) * n as f64)
        .floor()
        .clamp(0.0, (n - 1) as f64) as usize;
    let u0 = out[k].0 + gauss_integral(inv_r, node(k), s0);
    for n in &mut out {
        n.0 -= u0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::{HugelschafferEgg, Spheroid};
    use crate::Point3;
    use std::f64::consts::PI;

    /// The stretch of the actual map at `(x, y)` from finite differences on the
    /// surface: `(|∂P/∂x|, |∂P/∂y|, angle between them)`.
    fn measured(map: &SurfaceMap, surface: &dyn Surface, x: f64, y: f64) -> (f64, f64, f64) {
        let h = 1e-4;
        let p = |x: f64, y: f64| -> Point3 { surface.point(map.map(&Point2::new(x, y))) };
        let dx = (p(x + h, y) - p(x - h, y)) / (2.0 * h);
        let dy = (p(x, y + h) - p(x, y - h)) / (2.0 * h);
        let angle = (dx.dot(&dy) / (dx.norm() * dy.norm())).acos();
        (dx.norm(), dy.norm(), angle)
    }

    #[test]
    fn arc_length_map_on_a_sphere_matches_the_closed_form() {
        let big_r = 20.0;
        let sphere = Spheroid::sphere(2.0 * big_r).unwrap();
        let lat0 = 30f64.to_radians();
        let map =
            SurfaceMap::new(&sphere, MapKind::ArcLength, Baseline::Latitude(lat0), 0.0).unwrap();
        assert!((map.r0() - big_r * lat0.cos()).abs() < 1e-9);
        assert!((map.s0() - big_r * lat0).abs() < 1e-9);
        for y in [-6.0, -2.0, 0.0, 3.0, 7.0] {
            let lat = lat0 + y / big_r;
            let (sx, sy) = map.stretch(&sphere, y);
            assert!((sx - lat.cos() / lat0.cos()).abs() < 1e-9);
            assert!((sy - 1.0).abs() < 1e-12);
            let (mx, my, angle) = measured(&map, &sphere, 1.0, y);
            assert!((mx - sx).abs() < 1e-6 && (my - sy).abs() < 1e-6);
            assert!((angle - PI / 2.0).abs() < 1e-6);
        }
        // Band 0..5 mm: the scale distortion is largest at the top.
        let d = map.distortion(&sphere, 0.0, 5.0);
        let k = (lat0 + 5.0 / big_r).cos() / lat0.cos();
        assert!((d.scale - (1.0 - k)).abs() < 1e-9, "{d:?}");
        assert!((d.angle - 2.0 * ((1.0 - k) / (1.0 + k)).asin()).abs() < 1e-9);
    }

    #[test]
    fn conformal_map_on_a_sphere_is_mercator() {
        let big_r = 20.0;
        let sphere = Spheroid::sphere(2.0 * big_r).unwrap();
        let lat0 = -20f64.to_radians();
        let map =
            SurfaceMap::new(&sphere, MapKind::Conformal, Baseline::Latitude(lat0), 0.3).unwrap();
        let psi0 = (PI / 4.0 + lat0 / 2.0).tan().ln();
        for y in [-8.0, -3.0, 0.0, 2.0, 9.0] {
            // Mercator: ln tan(π/4 + lat/2) = ψ0 + y/R0.
            let lat = 2.0 * (psi0 + y / map.r0()).exp().atan() - PI / 2.0;
            let s = map.s_of_y(y).unwrap();
            assert!((s - big_r * lat).abs() < 1e-8, "{s} vs {}", big_r * lat);
            let (sx, sy) = map.stretch(&sphere, y);
            let k = lat.cos() / lat0.cos();
            assert!((sx - k).abs() < 1e-9 && (sy - k).abs() < 1e-9);
            let d = map.distortion(&sphere, y, y);
            assert!(d.angle < 1e-12 && (d.scale - (k - 1.0).abs()).abs() < 1e-9);
            let (mx, my, angle) = measured(&map, &sphere, -2.0, y);
            assert!(
                (mx - k).abs() < 1e-6 && (my - k).abs() < 1e-6,
                "{mx} {my} {k}"
            );
            assert!((angle - PI / 2.0).abs() < 1e-6);
            assert!((map.y_of_s(s) - y).abs() < 1e-8, "{} vs {y}", map.y_of_s(s));
        }
    }

    #[test]
    fn baseline_by_z_and_by_latitude() {
        let egg = HugelschafferEgg::new(57.0, 43.0, 2.0).unwrap();
        let m = SurfaceMap::new(&egg, MapKind::ArcLength, Baseline::Z(10.0), 0.0).unwrap();
        assert!((egg.meridian(m.s0()).z - 10.0).abs() < 1e-9);
        let m = SurfaceMap::new(&egg, MapKind::ArcLength, Baseline::Latitude(0.0), 0.0).unwrap();
        assert!(m.s0().abs() < 1e-9, "{}", m.s0());
        let lat = 25f64.to_radians();
        let m = SurfaceMap::new(&egg, MapKind::Conformal, Baseline::Latitude(lat), 0.0).unwrap();
        assert!((-egg.meridian(m.s0()).dr_ds - lat.sin()).abs() < 1e-9);
        assert_eq!(m.s_of_y(0.0).map(|s| (s - m.s0()).abs() < 1e-9), Some(true));
        for bad in [
            Baseline::Z(40.0),
            Baseline::Z(f64::NAN),
            Baseline::Latitude(1.6),
        ] {
            let e = SurfaceMap::new(&egg, MapKind::ArcLength, bad, 0.0).unwrap_err();
            assert!(e.to_string().contains("--"), "{e}");
        }
    }

    #[test]
    fn too_long_text_is_an_error_with_both_lengths() {
        let egg = crate::Spheroid::new(57.0, 43.0).unwrap();
        let m = SurfaceMap::new(&egg, MapKind::ArcLength, Baseline::MaxBreadth, 0.0).unwrap();
        let err = m
            .check_fit(&egg, 200.0, 0.0, 2.0, 0.5)
            .unwrap_err()
            .to_string();
        assert!(err.contains("200.0") && err.contains("135.1"), "{err}");
    }

    #[test]
    fn text_near_a_pole_does_not_fit() {
        let egg = HugelschafferEgg::new(57.0, 43.0, 2.0).unwrap();
        let m = SurfaceMap::new(&egg, MapKind::ArcLength, Baseline::Z(24.0), 0.0).unwrap();
        let e = m.check_fit(&egg, 10.0, 0.0, 14.0, 1.0).unwrap_err();
        assert!(matches!(e, CoreError::TextTooTall { .. }), "{e}");
        let e = m.check_fit(&egg, 100.0, 0.0, 1.0, 1.0).unwrap_err();
        assert!(matches!(e, CoreError::TextTooLong { .. }), "{e}");
        assert!(m.check_fit(&egg, 20.0, -1.0, 2.0, 1.0).is_ok());
        let c = SurfaceMap::new(&egg, MapKind::Conformal, Baseline::Z(24.0), 0.0).unwrap();
        assert!(c.check_fit(&egg, 10.0, 0.0, 80.0, 1.0).is_err());
    }

    #[test]
    fn map_kind_parses() {
        assert_eq!(MapKind::parse("arc-length").unwrap(), MapKind::ArcLength);
        assert_eq!(MapKind::parse("Conformal").unwrap(), MapKind::Conformal);
        assert!(MapKind::parse("mercator").is_err());
        assert_eq!(MapKind::Conformal.to_string(), "conformal");
    }

    #[test]
    fn meridian_text_on_a_sphere_matches_the_closed_form_and_its_distortion() {
        // Sphere of radius R, centre at lat 20°: s = s0 + x, θ = −y / (R cos(lat)).
        let big_r = 20.0;
        let sphere = Spheroid::sphere(2.0 * big_r).unwrap();
        let lat0 = 20f64.to_radians();
        let map = SurfaceMap::new(&sphere, MapKind::ArcLength, Baseline::Latitude(lat0), 0.3)
            .unwrap()
            .with_direction(&sphere, TextDirection::Meridian)
            .unwrap();
        for (x, y) in [(0.0, 0.0), (5.0, 2.0), (-8.0, 3.5), (12.0, -1.0)] {
            let c = map.map(&Point2::new(x, y));
            let lat = (big_r * lat0 + x) / big_r;
            assert!((c.s - (big_r * lat0 + x)).abs() < 1e-12, "{c:?}");
            let theta = 0.3 - y / (big_r * lat.cos());
            assert!(
                (c.theta - theta).abs() < 1e-9,
                "{x} {y}: {} vs {theta}",
                c.theta
            );
            // Tissot from finite differences on the surface against the closed form:
            // |∂P/∂y| = 1 (heights kept along the parallel), and the box figure.
            let (dx, dy, angle) = measured(&map, &sphere, x, y);
            assert!((dy - 1.0).abs() < 1e-6, "{dy}");
            let k = y * (-lat.sin()) / (big_r * lat.cos());
            assert!((dx - (1.0 + k * k).sqrt()).abs() < 1e-6, "{dx} vs k {k}");
            // The angle between the images of the axes is 90° + atan(k) or its
            // supplement; the box distortion at that point reports the change.
            let sheared = (angle - std::f64::consts::FRAC_PI_2).abs();
            assert!((sheared - k.atan().abs()).abs() < 1e-6, "{angle} {k}");
            let d = map.distortion_box(&sphere, x, x, y, y);
            let sum = 2.0 + k * k;
            let big = (0.5 * (sum + (sum * sum - 4.0).sqrt())).sqrt();
            assert!(
                (d.scale - (big - 1.0).max(1.0 - 1.0 / big)).abs() < 1e-9,
                "{d:?}"
            );
        }
        // The parallel at s shows the vertical line x = s − s0.
        match map.line_at(big_r * lat0 + 4.0) {
            TextLine::Vertical { x, r, .. } => {
                assert!((x - 4.0).abs() < 1e-12);
                assert!((r - big_r * ((big_r * lat0 + 4.0) / big_r).cos()).abs() < 1e-9);
            }
            other => panic!("{other:?}"),
        }
        // Conformal along a meridian is refused; lines past the poles do not fit.
        let conformal = SurfaceMap::new(&sphere, MapKind::Conformal, Baseline::MaxBreadth, 0.0)
            .unwrap()
            .with_direction(&sphere, TextDirection::Meridian);
        assert!(conformal.is_err());
        assert!(map.check_fit(&sphere, 100.0, 0.0, 2.0, 0.5).is_err());
        assert!(map.check_fit(&sphere, 20.0, 0.0, 2.0, 0.5).is_ok());
        assert_eq!(
            TextDirection::parse("Meridian").unwrap(),
            TextDirection::Meridian
        );
        assert!(TextDirection::parse("diagonal").is_err());
    }

    #[test]
    fn patch_map_on_a_sphere_keeps_distances_and_bearings_from_its_centre() {
        // Geodesic polar coordinates on a sphere of radius R: the great-circle distance
        // from the centre is |p|, the initial bearing is p's angle from the parallel,
        // and the stretch is 1 radially and R·sin(ρ/R)/ρ across.
        let big_r = 20.0;
        let sphere = Spheroid::sphere(2.0 * big_r).unwrap();
        let lat0 = 25f64.to_radians();
        let map = SurfaceMap::new(&sphere, MapKind::Patch, Baseline::Latitude(lat0), 0.4).unwrap();
        let centre = sphere.point(SurfaceCoord::new(0.4, big_r * lat0));
        for (x, y) in [(3.0, 0.0), (0.0, 4.0), (-5.0, 2.5), (6.0, -6.0), (0.2, 0.1)] {
            let p = Point2::new(x, y);
            let q = sphere.point(map.map(&p));
            let rho = p.coords.norm();
            let angle = (centre.coords.dot(&q.coords) / (big_r * big_r)).clamp(-1.0, 1.0);
            let dist = big_r * angle.acos();
            assert!((dist - rho).abs() < 1e-6, "({x}, {y}): {dist} vs {rho}");
            let (a, b) = map.patch_stretch(&p);
            let across = big_r * (rho / big_r).sin() / rho;
            assert!(
                (a - 1.0).abs() < 1e-5 && (b - across).abs() < 1e-5,
                "{a} {b} vs {across}"
            );
        }
        // The x axis leaves along the parallel (toward +θ), the y axis up the meridian.
        let east = map.map(&Point2::new(1e-3, 0.0));
        let north = map.map(&Point2::new(0.0, 1e-3));
        assert!(east.theta > 0.4 && (east.s - big_r * lat0).abs() < 1e-6);
        assert!((north.theta - 0.4).abs() < 1e-9 && north.s > big_r * lat0);
        // Too large a patch is refused with the limit named.
        let err = map.check_fit(&sphere, 60.0, 0.0, 3.0, 0.5).unwrap_err();
        assert!(err.to_string().contains("quarter"), "{err}");
        assert!(map.check_fit(&sphere, 15.0, -1.5, 1.5, 0.5).is_ok());
        // Drawn in the surface plane, a square around the centre keeps its size to the
        // first order (its corners move by the curvature, ~x²·tan(lat)/2R).
        let square = Layout2d {
            glyphs: vec![crate::layout::Glyph {
                ch: 'x',
                contours: vec![vec![
                    Point2::new(-1.0, -1.0),
                    Point2::new(1.0, -1.0),
                    Point2::new(1.0, 1.0),
                    Point2::new(-1.0, 1.0),
                ]],
                ..crate::layout::Glyph::default()
            }],
            width: 2.0,
            cap_height: 2.0,
            y_min: -1.0,
            y_max: 1.0,
            lines: Vec::new(),
        };
        let plane = map.to_surface_plane(&square);
        assert!(plane.glyphs[0].contours[0].len() >= 800);
        assert!((plane.y_max - 1.0).abs() < 0.02 && (plane.y_min + 1.0).abs() < 0.02);
        let top = map.surface_plane_point(&Point2::new(0.0, 1.0));
        assert!(top.x.abs() < 1e-9 && (top.y - 1.0).abs() < 1e-9, "{top}");
        assert!(
            SurfaceMap::new(&sphere, MapKind::Patch, Baseline::MaxBreadth, 0.0)
                .unwrap()
                .with_direction(&sphere, TextDirection::Meridian)
                .is_err()
        );
    }

    #[test]
    fn pole_map_on_a_sphere_keeps_distances_and_bearings_from_the_pole() {
        // On a sphere of radius R the pole map is the azimuthal equidistant
        // projection: the great-circle distance from the pole is |p|, the meridian is
        // θc + β at the pointed pole and θc − β at the blunt one, and the stretch
        // across the meridians is R·sin(ρ/R)/ρ.
        let big_r = 20.0;
        let sphere = Spheroid::sphere(2.0 * big_r).unwrap();
        for (end, sign, pole_z) in [
            (PoleEnd::Pointed, 1.0, big_r),
            (PoleEnd::Blunt, -1.0, -big_r),
        ] {
            let map =
                SurfaceMap::new(&sphere, MapKind::Pole(end), Baseline::MaxBreadth, 0.7).unwrap();
            assert_eq!(map.pole_sign(), Some(sign));
            for (x, y) in [
                (3.0, 0.0),
                (0.0, -4.0),
                (-5.0, 2.5),
                (6.0, -6.0),
                (0.0, 0.0),
            ] {
                let p = Point2::new(x, y);
                let c = map.map(&p);
                let q = sphere.point(c);
                let rho = p.coords.norm();
                let dist = big_r * (q.z / pole_z).clamp(-1.0, 1.0).acos();
                assert!(
                    (dist - rho).abs() < 1e-6,
                    "{end:?} ({x}, {y}): {dist} vs {rho}"
                );
                if rho > 0.0 {
                    let beta = x.atan2(-y);
                    let want = 0.7 + sign * beta;
                    let d = (c.theta - want + PI).rem_euclid(2.0 * PI) - PI;
                    assert!(
                        d.abs() < 1e-12,
                        "{end:?} ({x}, {y}): θ {} vs {want}",
                        c.theta
                    );
                    let across = big_r * (rho / big_r).sin() / rho;
                    let d = map.pole_distortion(x, x, y, y);
                    assert!((d.scale - (1.0 - across)).abs() < 1e-6, "{d:?} vs {across}");
                }
            }
            // The parallel ρ from the pole is the circle ρ about the origin, read by
            // bearing.
            let line = map.line_at(map.s0() - sign * 2.0);
            assert_eq!(
                line,
                TextLine::Circle {
                    rho: 2.0,
                    theta_center: 0.7,
                    sign
                }
            );
            let (lo, hi) = line.theta_interval(0.1, 0.3);
            assert!((hi - lo - 0.2).abs() < 1e-12);
            // Text as far as the widest parallel is refused, shorter text fits.
            let err = map.check_fit(&sphere, 64.0, -2.0, 2.0, 0.5).unwrap_err();
            assert!(err.to_string().contains("widest parallel"), "{err}");
            assert!(map.check_fit(&sphere, 20.0, -2.0, 2.0, 0.5).is_ok());
        }
        // A pole map has no baseline to move and no meridian direction.
        assert!(SurfaceMap::new(
            &sphere,
            MapKind::Pole(PoleEnd::Pointed),
            Baseline::Latitude(0.2),
            0.0
        )
        .is_err());
        assert!(SurfaceMap::new(
            &sphere,
            MapKind::Pole(PoleEnd::Pointed),
            Baseline::MaxBreadth,
            0.0
        )
        .unwrap()
        .with_direction(&sphere, TextDirection::Meridian)
        .is_err());
        for (text, kind) in [
            ("pole", MapKind::Pole(PoleEnd::Pointed)),
            ("pole:blunt", MapKind::Pole(PoleEnd::Blunt)),
        ] {
            assert_eq!(MapKind::parse(text).unwrap(), kind);
            assert_eq!(kind.to_string(), text);
        }
    }
}
