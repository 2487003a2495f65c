//! Ray-cast, shaded views of the shell with the engraving.

use std::f64::consts::{FRAC_PI_2, PI};

use image::{Rgb, RgbImage};
use rayon::prelude::*;
use shellcarve_core::{Surface, SurfaceCoord, Vector3};
use shellcarve_sim::DepthMap;

use crate::colormap::{draw_text, text_width};
use crate::view::{ViewSpec, DEFAULT_VIEW_ELEVATION_DEG};

/// Default least magnification in the engraved band (pixels per mm of surface).
pub const DEFAULT_MIN_PX_PER_MM: f64 = 40.0;

/// Default height of one whole-egg view (px), the egg's silhouette plus a margin.
pub const DEFAULT_OVERVIEW_HEIGHT: f64 = 640.0;
/// Least height of a whole-egg view when a long row of them is shrunk to fit
/// [`ShellViewOptions::max_width`] (px).
const MIN_OVERVIEW_HEIGHT: f64 = 96.0;
/// Sub-samples per pixel side on silhouettes and over the engraving in the overview.
const OVERVIEW_SUPERSAMPLE: u32 = 3;
/// Engravings spanning at most this much longitude get one overview view; longer
/// ones get two or three, each centred on an equal share of the text.
const OVERVIEW_ONE_VIEW_SPAN_DEG: f64 = 150.0;
/// Longitude each overview view is given when there are several (at most three).
const OVERVIEW_SHARE_DEG: f64 = 130.0;

/// Options of [`render_shell`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ShellViewOptions {
    /// Least pixels per mm of surface anywhere in the engraved band of a view, after
    /// foreshortening. Default [`DEFAULT_MIN_PX_PER_MM`].
    pub min_px_per_mm: f64,
    /// Largest longitude span of one view (radians). Default 72°.
    pub max_view_span: f64,
    /// Number of zoomed strips; `None` picks the fewest that cover the engraving.
    /// (The whole-egg views are chosen with [`ShellViewOptions::view_spec`].)
    pub views: Option<usize>,
    /// Camera elevation above the equator plane (radians). Default 0.
    pub elevation: f64,
    /// Shell shown around the engraved band, above and below (mm). Default 1.2.
    pub band_margin: f64,
    /// Largest width of the composed image (px); views wrap onto further rows, in
    /// reading order. Default 4400.
    pub max_width: u32,
    /// Shell colour (light brown eggshell by default).
    pub shell_color: [u8; 3],
    /// Background colour.
    pub background: [u8; 3],
    /// How much the deepest cut darkens the shell, 0..1 (an occlusion term).
    /// Default 0.55.
    pub depth_darkening: f64,
    /// Write each view's centre longitude (degrees) in its corner. Default true.
    pub labels: bool,
    /// Put a row of whole-egg views (pole to pole, orthographic, 15° above the equator
    /// plane, about 640 px tall) above the zoomed strips: one centred on the engraving,
    /// or two to three spread over the text when it wraps more than 150° around the shell.
    /// Default true. Ignored when [`ShellViewOptions::view_spec`] is set.
    pub overview: bool,
    /// The whole-egg views to draw (`front`, `top`, `turntable:8`, …) and whether the
    /// zoomed strips follow them; `None` (the default) draws the automatic overview
    /// described under [`ShellViewOptions::overview`] above the strips.
    pub view_spec: Option<ViewSpec>,
    /// Height of each whole-egg view (px). Default [`DEFAULT_OVERVIEW_HEIGHT`]. A row
    /// wider than [`ShellViewOptions::max_width`] is shrunk to fit (to no less than
    /// 96 px per view).
    pub overview_height: f64,
}

impl Default for ShellViewOptions {
    fn default() -> Self {
        Self {
            min_px_per_mm: DEFAULT_MIN_PX_PER_MM,
            max_view_span: 72f64.to_radians(),
            views: None,
            elevation: 0.0,
            band_margin: 1.2,
            max_width: 4400,
            shell_color: [226, 196, 160],
            background: [46, 48, 54],
            depth_darkening: 0.55,
            labels: true,
            overview: true,
            view_spec: None,
            overview_height: DEFAULT_OVERVIEW_HEIGHT,
        }
    }
}

impl ShellViewOptions {
    /// Sets the least pixels per mm of surface.
    pub fn with_min_px_per_mm(mut self, px: f64) -> Self {
        self.min_px_per_mm = px;
        self
    }

    /// Sets the number of zoomed strips (`None`: automatic).
    pub fn with_views(mut self, views: Option<usize>) -> Self {
        self.views = views;
        self
    }

    /// Sets the camera elevation (radians).
    pub fn with_elevation(mut self, radians: f64) -> Self {
        self.elevation = radians;
        self
    }

    /// Sets the largest composed image width (px).
    pub fn with_max_width(mut self, px: u32) -> Self {
        self.max_width = px;
        self
    }

    /// Shows or hides the whole-egg overview row above the strips.
    pub fn with_overview(mut self, overview: bool) -> Self {
        self.overview = overview;
        self
    }

    /// Sets the whole-egg views (`None`: the automatic overview and the strips).
    pub fn with_view_spec(mut self, spec: Option<ViewSpec>) -> Self {
        self.view_spec = spec;
        self
    }

    /// Sets the height of each whole-egg view (px).
    pub fn with_overview_height(mut self, px: f64) -> Self {
        self.overview_height = px;
        self
    }
}

/// The meridian sampled for fast ray intersection and shading:
/// `(z, r, s, dr/ds, dz/ds)` with `z` increasing.
struct MeridianTable {
    rows: Vec<[f64; 5]>,
    /// Largest parallel radius: the radius of the bounding cylinder.
    r_max: f64,
    /// Lowest and highest z, and the height of one of [`SLABS`] equal z slabs.
    z0: f64,
    z1: f64,
    slab: f64,
    /// Per bin of [`LOOKUP_BINS`] equal bins of z: the first row at or above the bin's
    /// bottom (one more entry at the end), fine enough that a row is found from its
    /// bin's first row in a step or two.
    lookup: Vec<u32>,
    /// Height of one lookup bin.
    bin: f64,
    /// Per slab and per reach in [`REACH`]: the largest radius of the shell within
    /// that many slab heights of the slab.
    slab_r_max: Vec<[f64; 3]>,
}

/// Reaches (in slab heights) of the [`MeridianTable`] bounds used to leap along rays.
const REACH: [usize; 3] = [1, 8, 64];

/// Number of z slabs of the [`MeridianTable`] index.
const SLABS: usize = 512;
/// Number of z bins of the [`MeridianTable`]'s row lookup (twice the rows).
const LOOKUP_BINS: usize = 16_384;

impl MeridianTable {
    fn new(surface: &dyn Surface) -> Self {
        let (lo, hi) = surface.s_range();
        const N: usize = 8192;
        let mut rows: Vec<[f64; 5]> = (0..=N)
            .map(|k| {
                let s = lo + (hi - lo) * k as f64 / N as f64;
                let m = surface.meridian(s);
                [m.z, m.r.max(0.0), s, m.dr_ds, m.dz_ds]
            })
            .filter(|r| r.iter().all(|v| v.is_finite()))
            .collect();
        rows.sort_by(|a, b| a[0].total_cmp(&b[0]));
        let r_max = rows.iter().map(|r| r[1]).fold(0.0, f64::max);
        let (z0, z1) = match (rows.first(), rows.last()) {
            (Some(a), Some(b)) => (a[0], b[0]),
            _ => (0.0, 0.0),
        };
        let slab = ((z1 - z0) / SLABS as f64).max(1e-9);
        let first_row: Vec<usize> = (0..=SLABS)
            .map(|k| rows.partition_point(|r| r[0] < z0 + slab * k as f64))
            .collect();
        // r is linear between rows, so the rows bracketing a slab bound it there.
        let own: Vec<f64> = (0..SLABS)
            .map(|k| {
                let a = first_row[k].saturating_sub(1);
                let b = (first_row[k + 1] + 1).min(rows.len());
                rows[a..b].iter().map(|r| r[1]).fold(0.0, f64::max)
            })
            .collect();
        let bin = ((z1 - z0) / LOOKUP_BINS as f64).max(1e-9);
        let lookup: Vec<u32> = (0..=LOOKUP_BINS)
            .map(|k| rows.partition_point(|r| r[0] < z0 + bin * k as f64) as u32)
            .collect();
        let slab_r_max = (0..SLABS)
            .map(|k| {
                REACH.map(|w| {
                    own[k.saturating_sub(w)..(k + w + 1).min(SLABS)]
                        .iter()
                        .copied()
                        .fold(0.0, f64::max)
                })
            })
            .collect();
        Self {
            rows,
            r_max,
            z0,
            z1,
            slab,
            lookup,
            bin,
            slab_r_max,
        }
    }

    /// The slab holding height `z`, if within the shell's z range.
    fn slab_of(&self, z: f64) -> Option<usize> {
        (z >= self.z0 && z <= self.z1)
            .then(|| (((z - self.z0) / self.slab) as usize).min(SLABS - 1))
    }

    /// A distance a ray from `p` with direction `dir` can travel without reaching the
    /// shell (0 when none is known).
    fn safe_step(&self, p: &Vector3, dir: &Vector3) -> f64 {
        let Some(k) = self.slab_of(p.z) else {
            return 0.0;
        };
        let rho = (p.x * p.x + p.y * p.y).sqrt();
        let rise = dir.z.abs().max(1e-12);
        // Within `w` slab heights of z the shell lies inside radius slab_r_max, and ρ
        // shrinks at most as fast as the ray travels.
        REACH
            .iter()
            .zip(self.slab_r_max[k])
            .map(|(&w, r)| (rho - r).min(w as f64 * self.slab / rise).max(0.0))
            .fold(0.0, f64::max)
    }

    /// `[z, r, s, dr/ds, dz/ds]` interpolated at height `z`, or `None` beyond the poles.
    fn at(&self, z: f64) -> Option<[f64; 5]> {
        let (k, f) = self.locate(z)?;
        let (a, b) = (self.rows[k - 1], self.rows[k]);
        Some(std::array::from_fn(|i| a[i] + f * (b[i] - a[i])))
    }

    /// The row `k` and the fraction `f` such that `z` lies at `f` from row `k − 1`
    /// to row `k`, or `None` beyond the poles.
    fn locate(&self, z: f64) -> Option<(usize, f64)> {
        if !(z >= self.z0 && z <= self.z1) || self.rows.len() < 2 {
            return None;
        }
        // The number of rows below z: from the bin's count, stepping to the exact one
        // (both ways, in case rounding put z in a neighbouring bin).
        let b = (((z - self.z0) / self.bin) as usize).min(LOOKUP_BINS);
        let mut k = self.lookup[b] as usize;
        while k < self.rows.len() && self.rows[k][0] < z {
            k += 1;
        }
        while k > 0 && self.rows[k - 1][0] >= z {
            k -= 1;
        }
        let k = k.clamp(1, self.rows.len() - 1);
        let (za, zb) = (self.rows[k - 1][0], self.rows[k][0]);
        Some((k, if zb > za { (z - za) / (zb - za) } else { 0.0 }))
    }

    /// Signed radial gap of a point: positive outside the shell.
    fn gap(&self, p: &Vector3) -> f64 {
        match self.locate(p.z) {
            Some((k, f)) => {
                let r = self.rows[k - 1][1] + f * (self.rows[k][1] - self.rows[k - 1][1]);
                (p.x * p.x + p.y * p.y).sqrt() - r
            }
            None => 1.0,
        }
    }

    /// The parameter interval `[t0, t1]` (clipped to `[0, length]`) where the ray is
    /// inside the bounding cylinder of the shell, or `None` when it misses it.
    fn bounds(&self, origin: &Vector3, dir: &Vector3, length: f64) -> Option<(f64, f64)> {
        let (z0, z1) = (self.rows.first()?[0], self.rows.last()?[0]);
        let (mut t0, mut t1) = (0.0f64, length);
        // Side of the cylinder x² + y² ≤ r_max².
        let a = dir.x * dir.x + dir.y * dir.y;
        let b = 2.0 * (origin.x * dir.x + origin.y * dir.y);
        let c = origin.x * origin.x + origin.y * origin.y - self.r_max * self.r_max;
        if a < 1e-12 {
            if c > 0.0 {
                return None;
            }
        } else {
            let disc = b * b - 4.0 * a * c;
            if disc < 0.0 {
                return None;
            }
            let q = disc.sqrt();
            t0 = t0.max((-b - q) / (2.0 * a));
            t1 = t1.min((-b + q) / (2.0 * a));
        }
        // Caps z0 ≤ z ≤ z1.
        if dir.z.abs() < 1e-12 {
            if origin.z < z0 || origin.z > z1 {
                return None;
            }
        } else {
            let (u, v) = ((z0 - origin.z) / dir.z, (z1 - origin.z) / dir.z);
            t0 = t0.max(u.min(v));
            t1 = t1.min(u.max(v));
        }
        (t0 <= t1).then_some((t0, t1))
    }
}

/// One orthographic camera and its framing.
#[derive(Debug, Clone, Copy)]
struct Camera {
    center_theta: f64,
    right: Vector3,
    up: Vector3,
    forward: Vector3,
    x_min: f64,
    y_max: f64,
    px_per_mm: f64,
    width: u32,
    height: u32,
    /// Sub-samples per pixel side on silhouettes and over the engraved band (1: none).
    supersample: u32,
}

/// How a view is scaled.
#[derive(Debug, Clone, Copy)]
enum Scale {
    /// Fixed magnification.
    PxPerMm(f64),
    /// Whatever magnification makes the framed area this tall (px).
    Height(f64),
}

impl Camera {
    /// An orthographic camera looking at the Z axis from longitude `theta`, `elevation`
    /// above the equator plane (+Z up in the picture, +θ to the right), framed on the
    /// projections of `coords` plus `margin` (mm) on every side.
    fn framed(
        surface: &dyn Surface,
        theta: f64,
        elevation: f64,
        coords: impl Iterator<Item = SurfaceCoord>,
        margin: f64,
        scale: Scale,
    ) -> Self {
        let radial = Vector3::new(theta.cos(), theta.sin(), 0.0);
        let forward = -(radial * elevation.cos() + Vector3::z() * elevation.sin());
        let right = Vector3::new(-theta.sin(), theta.cos(), 0.0);
        let up = right.cross(&forward);
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for c in coords {
            let p = surface.point(c).coords;
            let (x, y) = (p.dot(&right), p.dot(&up));
            if x.is_finite() && y.is_finite() {
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
        if !(x0 < x1 && y0 < y1) {
            (x0, x1, y0, y1) = (-1.0, 1.0, -1.0, 1.0);
        }
        let (x0, x1, y0, y1) = (x0 - margin, x1 + margin, y0 - margin, y1 + margin);
        let px_per_mm = match scale {
            Scale::PxPerMm(v) => v,
            Scale::Height(h) => h / (y1 - y0),
        };
        let width = (((x1 - x0) * px_per_mm).ceil() as u32).clamp(1, 16384);
        let height = (((y1 - y0) * px_per_mm).ceil() as u32).clamp(1, 16384);
        Self {
            center_theta: theta,
            right,
            up,
            forward,
            x_min: x0,
            y_max: y1,
            px_per_mm,
            width,
            height,
            supersample: 1,
        }
    }

    /// A zoomed view of the band `s_lo..s_hi` over longitudes `theta ± half`.
    #[allow(
        clippy::too_many_arguments,
        reason = "internal constructor, plain numbers"
    )]
    fn strip(
        surface: &dyn Surface,
        theta: f64,
        half: f64,
        s_lo: f64,
        s_hi: f64,
        elevation: f64,
        px_per_mm: f64,
    ) -> Self {
        let coords = (0..=24).flat_map(move |a| {
            (0..=8).map(move |b| {
                SurfaceCoord::new(
                    theta - half + 2.0 * half * f64::from(a) / 24.0,
                    s_lo + (s_hi - s_lo) * f64::from(b) / 8.0,
                )
            })
        });
        Self::framed(
            surface,
            theta,
            elevation,
            coords,
            0.0,
            Scale::PxPerMm(px_per_mm),
        )
    }

    /// The whole egg, pole to pole, seen from longitude `theta` and `elevation`,
    /// `height` px tall.
    fn overview(surface: &dyn Surface, theta: f64, elevation: f64, height: f64) -> Self {
        let (lo, hi) = surface.s_range();
        let coords = (0..96).flat_map(move |a| {
            (0..=64).map(move |b| {
                SurfaceCoord::new(
                    2.0 * PI * f64::from(a) / 96.0,
                    lo + (hi - lo) * f64::from(b) / 64.0,
                )
            })
        });
        let margin = 0.035 * surface.size().0.max(surface.size().1);
        let mut view = Self::framed(
            surface,
            theta,
            elevation,
            coords,
            margin,
            Scale::Height(height),
        );
        view.supersample = OVERVIEW_SUPERSAMPLE;
        view
    }
}

/// Centres and half-spans (radians) of `n` strip views over the longitudes `lo..hi`,
/// in increasing θ. Each view covers its `(hi − lo)/n` share plus `overlap` on each
/// side (when there is more than one view), so a letter cut in two by the boundary
/// between two shares is whole in one of the two views.
fn strip_layout(lo: f64, hi: f64, n: usize, overlap: f64) -> Vec<(f64, f64)> {
    let n = n.max(1);
    let span = (hi - lo) / n as f64;
    let extra = if n > 1 { overlap.clamp(0.0, span) } else { 0.0 };
    let half = (0.5 * span + extra).min(0.45 * PI);
    (0..n)
        .map(|k| (lo + span * (k as f64 + 0.5), half))
        .collect()
}

/// Renders the shell with the engraving from outside, as one image: on top (unless
/// [`ShellViewOptions::overview`] is off) whole-egg views, then several orthographic
/// strips side by side (wrapping onto rows in reading order), each centred on a part of
/// the engraved band and zoomed so that every part of the band gets at least
/// `min_px_per_mm`; neighbouring strips overlap so that every letter is whole in one.
/// Rays are intersected with the meridian by marching and bisection; the depth map
/// displaces the shading: the normal is tilted by the depth gradient and cut areas
/// darken in proportion to depth, so letters look recessed. Overview silhouettes and
/// engraving are supersampled.
pub fn render_shell(surface: &dyn Surface, map: &DepthMap, options: &ShellViewOptions) -> RgbImage {
    let table = MeridianTable::new(surface);
    let (theta_lo, theta_hi, s_lo, s_hi) = match map.cut_extent() {
        Some((i0, i1, j0, j1)) => {
            let a = map.coord_of(i0, j0);
            let b = map.coord_of(i1.saturating_sub(1), j1.saturating_sub(1));
            (a.theta, b.theta, a.s, b.s)
        }
        None => (-0.3, 0.3, -1.0, 1.0),
    };
    let max_span = if options.max_view_span.is_finite() {
        options
            .max_view_span
            .clamp(5f64.to_radians(), 150f64.to_radians())
    } else {
        72f64.to_radians()
    };
    let margin = options.band_margin.clamp(0.0, 100.0);
    let r0 = surface.baseline_radius().max(1e-3);
    let pad = margin / r0;
    let (lo, hi) = (theta_lo - pad, theta_hi + pad);
    let total = (hi - lo).clamp(1e-3, 2.0 * PI);
    let n_views = options
        .views
        .unwrap_or_else(|| (total / max_span).ceil() as usize)
        .clamp(1, 64);
    // Neighbours share 5 % of a view's span on each side, or 0.75 heights of the cut
    // band (1.5 in all: at least 1.5 cap heights of text, more than the widest
    // letter), whichever is more.
    let span = total / n_views as f64;
    let overlap = (0.05 * span).max(0.75 * (s_hi - s_lo).max(0.0) / r0);
    let layout = strip_layout(lo, lo + total, n_views, overlap);
    let half = layout.first().map_or(0.5 * span, |v| v.1);
    let min_ppm = if options.min_px_per_mm.is_finite() {
        options.min_px_per_mm.clamp(1.0, 400.0)
    } else {
        DEFAULT_MIN_PX_PER_MM
    };
    let px_per_mm = min_ppm / half.cos().max(0.2);
    let elevation = if options.elevation.is_finite() {
        options.elevation.clamp(-1.4, 1.4)
    } else {
        0.0
    };
    let want_strips = options.view_spec.as_ref().is_none_or(|spec| spec.strips);
    let strips: Vec<Camera> = layout
        .iter()
        .filter(|_| want_strips)
        .map(|&(c, half)| {
            Camera::strip(
                surface,
                c,
                half,
                s_lo - margin,
                s_hi + margin,
                elevation,
                px_per_mm,
            )
        })
        .collect();
    let front = 0.5 * (theta_lo + theta_hi);
    // (longitude, elevation, label) of each whole-egg view.
    let wanted: Vec<(f64, f64, String)> = match &options.view_spec {
        Some(spec) => spec
            .views
            .iter()
            .map(|v| {
                let az = if v.azimuth.is_finite() {
                    v.azimuth
                } else {
                    0.0
                };
                let el = if v.elevation.is_finite() {
                    v.elevation.clamp(-FRAC_PI_2, FRAC_PI_2)
                } else {
                    DEFAULT_VIEW_ELEVATION_DEG.to_radians()
                };
                (wrap_angle(front + az), el, v.label())
            })
            .collect(),
        None if options.overview => {
            let mid = front;
            let span = theta_hi - theta_lo;
            // One view up to 150°; beyond, up to three views spread evenly over the text
            // (each centred on its share), so every part of the line faces some camera.
            let n = if span <= OVERVIEW_ONE_VIEW_SPAN_DEG.to_radians() {
                1
            } else {
                ((span / OVERVIEW_SHARE_DEG.to_radians()).ceil() as usize).clamp(2, 3)
            };
            (0..n)
                .map(|k| wrap_angle(mid + (k as f64 - 0.5 * (n as f64 - 1.0)) * span / n as f64))
                .map(|c| {
                    (
                        c,
                        DEFAULT_VIEW_ELEVATION_DEG.to_radians(),
                        longitude_label(c),
                    )
                })
                .collect()
        }
        None => Vec::new(),
    };
    let overviews = whole_egg_cameras(surface, &wanted, options);
    let top_depth = f64::from(map.max_depth()).max(0.05);
    let render = |views: &[(Camera, String)]| -> Vec<(RgbImage, String)> {
        views
            .iter()
            .map(|(v, label)| {
                (
                    render_view(surface, &table, map, top_depth, v, options),
                    label.clone(),
                )
            })
            .collect()
    };
    let strips: Vec<(Camera, String)> = strips
        .into_iter()
        .map(|v| (v, longitude_label(v.center_theta)))
        .collect();
    compose(&render(&overviews), &render(&strips), options)
}

/// Whole-egg cameras for `(longitude, elevation, label)` triples, each
/// [`ShellViewOptions::overview_height`] tall, or shorter when the row would be wider
/// than [`ShellViewOptions::max_width`].
fn whole_egg_cameras(
    surface: &dyn Surface,
    wanted: &[(f64, f64, String)],
    options: &ShellViewOptions,
) -> Vec<(Camera, String)> {
    let make = |height: f64| -> Vec<(Camera, String)> {
        wanted
            .iter()
            .map(|(theta, el, label)| {
                (
                    Camera::overview(surface, *theta, *el, height),
                    label.clone(),
                )
            })
            .collect()
    };
    let height = if options.overview_height.is_finite() {
        options.overview_height.clamp(16.0, 4096.0)
    } else {
        DEFAULT_OVERVIEW_HEIGHT
    };
    let cameras = make(height);
    // As `grid` lays them out: every column as wide as the widest view.
    let row = |cams: &[(Camera, String)]| -> (u64, u64) {
        let widest = cams
            .iter()
            .map(|(c, _)| u64::from(c.width))
            .max()
            .unwrap_or(0);
        let n = cams.len() as u64;
        (n * widest + (n + 1) * u64::from(GAP), n * widest)
    };
    let limit = u64::from(options.max_width.max(1));
    let (width, images) = row(&cameras);
    if width <= limit || height <= MIN_OVERVIEW_HEIGHT {
        return cameras;
    }
    // Widths scale with the height (each rounded up by at most a pixel); gaps do not.
    let n = cameras.len() as u64;
    let room = limit.saturating_sub(width - images + n) as f64;
    let mut fit = (height * room / images.max(1) as f64)
        .floor()
        .clamp(MIN_OVERVIEW_HEIGHT, height);
    let mut cameras = make(fit);
    for _ in 0..16 {
        if row(&cameras).0 <= limit || fit <= MIN_OVERVIEW_HEIGHT {
            break;
        }
        fit = (fit - 1.0).max(MIN_OVERVIEW_HEIGHT);
        cameras = make(fit);
    }
    cameras
}

/// A view's label: its centre longitude in whole degrees, in (−180°, 180°].
fn longitude_label(theta: f64) -> String {
    let turned = (180.0 - theta.to_degrees()).round() as i64;
    let deg = 180 - turned.rem_euclid(360);
    format!("{deg}")
}

/// The angle in (−π, π].
fn wrap_angle(a: f64) -> f64 {
    let w = a.rem_euclid(2.0 * PI);
    if w > PI {
        w - 2.0 * PI
    } else {
        w
    }
}

/// What every pixel of a view shares.
struct Scene<'a> {
    table: &'a MeridianTable,
    map: &'a DepthMap,
    options: &'a ShellViewOptions,
    bound: f64,
    top_depth: f64,
    /// Middle longitude of the depth map: hit longitudes are taken within π of it.
    map_theta: f64,
    light: Vector3,
    half_vec: Vector3,
}

impl Scene<'_> {
    /// The first hit of the ray through view coordinates `(x, y)` (mm).
    fn hit(&self, view: &Camera, x: f64, y: f64) -> Option<Vector3> {
        let origin = view.right * x + view.up * y - view.forward * self.bound;
        intersect(self.table, &origin, &view.forward, 2.0 * self.bound)
    }

    /// The colour of the ray through `(x, y)`: shaded shell or background.
    fn color(&self, view: &Camera, x: f64, y: f64) -> [u8; 3] {
        match self.hit(view, x, y) {
            Some(hit) => self.shade(&hit),
            None => self.options.background,
        }
    }

    /// Surface coordinate of a point on (or near) the shell, θ near the depth map's.
    fn coord(&self, hit: &Vector3) -> SurfaceCoord {
        self.coord_at(hit, self.table.at(hit.z))
    }

    /// [`Scene::coord`] given the table's row at the hit's height.
    fn coord_at(&self, hit: &Vector3, row: Option<[f64; 5]>) -> SurfaceCoord {
        let theta = hit.y.atan2(hit.x);
        let theta = theta + 2.0 * PI * ((self.map_theta - theta) / (2.0 * PI)).round();
        let s = row.map_or(0.0, |x| x[2]);
        SurfaceCoord::new(theta, s)
    }

    fn shade(&self, hit: &Vector3) -> [u8; 3] {
        let (map, options) = (self.map, self.options);
        let row = self.table.at(hit.z);
        let c = self.coord_at(hit, row);
        let (theta, s) = (c.theta, c.s);
        // The meridian's tangent, interpolated from the table and renormalised.
        let [_, r, _, dr_ds, dz_ds] = row.unwrap_or([0.0, 1.0, 0.0, 0.0, 1.0]);
        let len = (dr_ds * dr_ds + dz_ds * dz_ds).sqrt().max(1e-12);
        let (dr_ds, dz_ds) = (dr_ds / len, dz_ds / len);
        let (sin, cos) = theta.sin_cos();
        let n = Vector3::new(dz_ds * cos, dz_ds * sin, -dr_ds);
        let e_theta = Vector3::new(-sin, cos, 0.0);
        let e_s = Vector3::new(dr_ds * cos, dr_ds * sin, dz_ds);
        let depth = f64::from(map.sample(c));
        let h = map.texel();
        let dth = map.texel_theta();
        let along = |dt: f64, ds: f64| f64::from(map.sample(SurfaceCoord::new(theta + dt, s + ds)));
        let g_theta = (along(dth, 0.0) - along(-dth, 0.0)) / (2.0 * dth * r.max(1e-6));
        let g_s = (along(0.0, h) - along(0.0, -h)) / (2.0 * h);
        // The cut surface is P − d·n: its normal tilts toward increasing depth.
        let shaded_n = (n + e_theta * g_theta + e_s * g_s).normalize();
        let diffuse = shaded_n.dot(&self.light).max(0.0);
        let spec = shaded_n.dot(&self.half_vec).max(0.0).powi(40) * 0.18;
        let occlusion = 1.0
            - options.depth_darkening.clamp(0.0, 1.0) * (depth / self.top_depth).clamp(0.0, 1.0);
        let k = (0.28 + 0.72 * diffuse) * occlusion;
        let mut out = [0u8; 3];
        for (o, base) in out.iter_mut().zip(options.shell_color) {
            *o = ((f64::from(base) * k + 255.0 * spec).clamp(0.0, 255.0)).round() as u8;
        }
        out
    }
}

/// One view of the shell; `top_depth` (mm) is the depth shaded darkest.
fn render_view(
    surface: &dyn Surface,
    table: &MeridianTable,
    map: &DepthMap,
    top_depth: f64,
    view: &Camera,
    options: &ShellViewOptions,
) -> RgbImage {
    let (len, breadth) = surface.size();
    let light = (-view.right * 0.3 + view.up * 0.45 - view.forward * 0.85).normalize();
    let eye = -view.forward;
    let (t_lo, t_hi) = map.theta_range();
    let scene = Scene {
        table,
        map,
        options,
        bound: 0.5 * len.max(breadth) + 1.0,
        top_depth,
        map_theta: 0.5 * (t_lo + t_hi),
        light,
        half_vec: (light + eye).normalize(),
    };
    let (w, h) = (view.width as usize, view.height as usize);
    let pixel = 1.0 / view.px_per_mm;
    let at = |px: usize, py: usize| {
        (
            view.x_min + (px as f64 + 0.5) * pixel,
            view.y_max - (py as f64 + 0.5) * pixel,
        )
    };
    // One ray through every pixel centre first.
    let hits: Vec<Option<Vector3>> = (0..w * h)
        .into_par_iter()
        .map(|k| {
            let (x, y) = at(k % w, k / w);
            scene.hit(view, x, y)
        })
        .collect();
    let n = view.supersample.max(1);
    let texels: Vec<[u8; 3]> = (0..w * h)
        .into_par_iter()
        .map(|k| {
            let (px, py) = (k % w, k / w);
            let hit = hits[k];
            // Supersample where a neighbour differs in hitting the shell (silhouette)
            // or where the pixel lies on the depth map (engraving finer than a pixel).
            let edge = || {
                [(-1, 0), (1, 0), (0, -1), (0, 1)].iter().any(|&(dx, dy)| {
                    let (qx, qy) = (px as i64 + dx, py as i64 + dy);
                    qx >= 0
                        && qy >= 0
                        && (qx as usize) < w
                        && (qy as usize) < h
                        && hits[qy as usize * w + qx as usize].is_some() != hit.is_some()
                })
            };
            let engraved = || hit.is_some_and(|p| map.contains(scene.coord(&p)));
            if n > 1 && (edge() || engraved()) {
                let (x, y) = at(px, py);
                let mut sum = [0u32; 3];
                for a in 0..n {
                    for b in 0..n {
                        let dx = ((f64::from(a) + 0.5) / f64::from(n) - 0.5) * pixel;
                        let dy = ((f64::from(b) + 0.5) / f64::from(n) - 0.5) * pixel;
                        let c = scene.color(view, x + dx, y - dy);
                        for (s, v) in sum.iter_mut().zip(c) {
                            *s += u32::from(v);
                        }
                    }
                }
                let nn = n * n;
                sum.map(|s| ((s + nn / 2) / nn) as u8)
            } else {
                match hit {
                    Some(p) => scene.shade(&p),
                    None => options.background,
                }
            }
        })
        .collect();
    let mut img = RgbImage::new(view.width, view.height);
    for (k, c) in texels.iter().enumerate() {
        img.put_pixel((k % w) as u32, (k / w) as u32, Rgb(*c));
    }
    img
}

/// First crossing of the ray into the shell: march through the shell's bounding
/// cylinder in 0.2 mm steps (longer ones where the slab bounds allow), then bisect.
fn intersect(
    table: &MeridianTable,
    origin: &Vector3,
    dir: &Vector3,
    length: f64,
) -> Option<Vector3> {
    const STEP: f64 = 0.2;
    let (t_in, t_out) = table.bounds(origin, dir, length)?;
    let mut prev = (t_in - 1e-3).max(0.0);
    let mut g_prev = table.gap(&(origin + dir * prev));
    if g_prev <= 0.0 {
        return None;
    }
    while prev <= t_out {
        // Leap where the shell is known to be far, else march.
        let t = prev + table.safe_step(&(origin + dir * prev), dir).max(STEP);
        let g = table.gap(&(origin + dir * t));
        if g <= 0.0 {
            // Regula falsi (Illinois) on the bracket, to far below a texel.
            let (mut a, mut b, mut ga, mut gb) = (prev, t, g_prev, g);
            let mut side = 0;
            for _ in 0..40 {
                let m = if ga > gb {
                    ((a * gb - b * ga) / (gb - ga)).clamp(a, b)
                } else {
                    0.5 * (a + b)
                };
                let gm = table.gap(&(origin + dir * m));
                if gm > 0.0 {
                    (a, ga) = (m, gm);
                    if side > 0 {
                        gb *= 0.5;
                    }
                    side = 1;
                } else {
                    (b, gb) = (m, gm);
                    if side < 0 {
                        ga *= 0.5;
                    }
                    side = -1;
                }
                if gm.abs() < 1e-7 {
                    return Some(origin + dir * m);
                }
                if b - a < 1e-6 {
                    break;
                }
            }
            return Some(origin + dir * b);
        }
        (prev, g_prev) = (t, g);
    }
    None
}

const GAP: u32 = 8;

/// Lays views out left to right with [`GAP`] around them, wrapping at `max_width`;
/// returns the size of the block and each image's top-left corner within it.
fn grid(images: &[(RgbImage, String)], max_width: u32) -> ((u32, u32), Vec<(u32, u32)>) {
    if images.is_empty() {
        return ((0, 0), Vec::new());
    }
    let vw = images.iter().map(|i| i.0.width()).max().unwrap_or(1);
    let vh = images.iter().map(|i| i.0.height()).max().unwrap_or(1);
    let per_row = (max_width.max(vw).saturating_add(GAP) / (vw + GAP)).max(1) as usize;
    let n = images.len();
    let cols = per_row.min(n) as u32;
    let rows = n.div_ceil(per_row) as u32;
    let corners = (0..n)
        .map(|k| {
            let (c, r) = ((k % per_row) as u32, (k / per_row) as u32);
            (GAP + c * (vw + GAP), GAP + r * (vh + GAP))
        })
        .collect();
    (
        (cols * vw + (cols + 1) * GAP, rows * vh + (rows + 1) * GAP),
        corners,
    )
}

/// The overview row (centred) above the grid of strips.
fn compose(
    overviews: &[(RgbImage, String)],
    strips: &[(RgbImage, String)],
    options: &ShellViewOptions,
) -> RgbImage {
    // The overview views sit side by side on one row whatever the width limit.
    let ((ow, oh), o_at) = grid(overviews, u32::MAX);
    let ((sw, sh), s_at) = grid(strips, options.max_width);
    let width = ow.max(sw).max(1);
    // The strips' top gap doubles as the overviews' bottom gap.
    let strips_top = if strips.is_empty() {
        oh
    } else {
        oh.saturating_sub(GAP)
    };
    let height = (strips_top + sh).max(1);
    let mut out = RgbImage::from_pixel(width, height, Rgb(options.background));
    let blocks = [
        (overviews, o_at, (width - ow) / 2, 0),
        (strips, s_at, (width - sw) / 2, strips_top),
    ];
    for (images, corners, dx, dy) in blocks {
        for ((img, label), (x, y)) in images.iter().zip(corners) {
            let (x0, y0) = (dx + x, dy + y);
            image::imageops::replace(&mut out, img, i64::from(x0), i64::from(y0));
            if options.labels {
                // As large as fits the view: 3, or smaller on narrow views.
                let scale = (1..=3)
                    .rev()
                    .find(|&k| text_width(label, k) + 12 <= img.width())
                    .unwrap_or(1);
                draw_text(
                    &mut out,
                    i64::from(x0 + 6),
                    i64::from(y0 + 6),
                    label,
                    scale,
                    [250, 250, 250],
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_overlap_and_cover_the_band_in_reading_order() {
        let (lo, hi) = (-2.7, 2.7);
        let layout = strip_layout(lo, hi, 5, 0.08);
        assert_eq!(layout.len(), 5);
        let share = (hi - lo) / 5.0;
        for w in layout.windows(2) {
            let ((c0, h0), (c1, h1)) = (w[0], w[1]);
            assert!(c1 > c0, "reading order");
            // Neighbours share 2 × 0.08 rad of longitude.
            assert!(((c0 + h0) - (c1 - h1) - 0.16).abs() < 1e-12);
        }
        let first = layout[0];
        let last = layout[4];
        assert!(first.0 - first.1 < lo && last.0 + last.1 > hi);
        assert!((first.1 - (0.5 * share + 0.08)).abs() < 1e-12);
        // One view needs no overlap; the overlap never exceeds a share.
        assert_eq!(strip_layout(lo, hi, 1, 0.08), vec![(0.0, 0.45 * PI)]);
        assert_eq!(strip_layout(-0.1, 0.1, 1, 0.08), vec![(0.0, 0.1)]);
        let wide = strip_layout(0.0, 0.4, 4, 1.0);
        assert!((wide[0].1 - 0.15).abs() < 1e-12);
    }

    #[test]
    fn rays_use_the_bounding_cylinder() {
        let egg = shellcarve_core::Spheroid::new(57.0, 43.0).unwrap();
        let table = MeridianTable::new(&egg);
        let dir = Vector3::new(-1.0, 0.0, 0.0);
        // Straight at the equator: enters at x = 21.5.
        let hit = intersect(&table, &Vector3::new(40.0, 0.0, 0.0), &dir, 80.0).unwrap();
        assert!((hit.x - 21.5).abs() < 1e-6);
        // Above the pole, and beside the cylinder: misses.
        assert!(intersect(&table, &Vector3::new(40.0, 0.0, 29.0), &dir, 80.0).is_none());
        assert!(intersect(&table, &Vector3::new(40.0, 22.0, 0.0), &dir, 80.0).is_none());
        // Near the pointed end the surface is well inside the cylinder.
        let hit = intersect(&table, &Vector3::new(40.0, 0.0, 25.0), &dir, 80.0).unwrap();
        let r = 21.5 * (1.0 - (25.0f64 / 28.5).powi(2)).sqrt();
        assert!((hit.x - r).abs() < 1e-3, "{hit:?} vs {r}");
        // Along the axis, from above.
        let down = Vector3::new(0.0, 0.0, -1.0);
        let hit = intersect(&table, &Vector3::new(0.0, 0.0, 40.0), &down, 80.0).unwrap();
        assert!((hit.z - 28.5).abs() < 1e-3);
    }
}
