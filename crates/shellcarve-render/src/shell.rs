//! Ray-cast, shaded views of the shell with the engraving.

use std::f64::consts::{FRAC_PI_2, PI};

use image::{Rgb, RgbImage};
use rayon::prelude::*;
use shellcarve_core::{Surface, SurfaceCoord, Vector3};
use shellcarve_sim::DepthMap;

use crate::colormap::{draw_text, text_width};
use crate::meridian::{MeridianTable, RayRow};
use crate::sampler::DepthSampler;
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
/// Rays are intersected exactly with the tabulated meridian (a row of pixels at a
/// time: a row of parallel rays shares one tabulation along the rays); the depth map
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
    // The views side by side as well as each view's rows: a view's own serial parts
    // (and its last rows) leave a core idle that the next view's rows take.
    let render = |views: &[(Camera, String)]| -> Vec<(RgbImage, String)> {
        views
            .par_iter()
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
    let (overviews, strips) = rayon::join(|| render(&overviews), || render(&strips));
    compose(&overviews, &strips, options)
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
    sampler: DepthSampler<'a>,
    options: &'a ShellViewOptions,
    bound: f64,
    top_depth: f64,
    /// Middle longitude of the depth map: hit longitudes are taken within π of it.
    map_theta: f64,
    /// Texel sizes of the depth map along s (mm) and θ (radians).
    texel: f64,
    texel_theta: f64,
    light: Vector3,
    half_vec: Vector3,
}

/// The rays through one row of a view (the camera's right axis is horizontal, so they
/// share a [`RayRow`]).
struct PixelRow<'a> {
    /// Height of the row in the view (mm).
    y: f64,
    rays: RayRow<'a>,
    /// What the rays' squared offset adds to the square of their view x.
    base: f64,
    /// The last height shaded on the row, and the table's row there.
    last: Option<TableRow>,
}

/// A height and the meridian table's row there (`None` beyond the poles).
type TableRow = (f64, Option<[f64; 5]>);

/// A hit on the shell as shading reads it: its surface coordinate, and the table's
/// row there.
struct HitPoint {
    /// Longitude, near the depth map's middle; only meaningful when `near`.
    theta: f64,
    s: f64,
    /// Whether `s` is near enough to the depth map's band for a read to see it.
    near: bool,
    /// `[z, r, s, dr/ds, dz/ds]`, when the hit is between the poles.
    row: Option<[f64; 5]>,
    /// cos θ and sin θ.
    cos: f64,
    sin: f64,
}

impl<'a> Scene<'a> {
    /// The rays through the view row at height `y` (mm).
    fn row(&self, view: &Camera, y: f64) -> PixelRow<'a> {
        let origin = view.up * y - view.forward * self.bound;
        let (rays, base) = RayRow::new(self.table, &origin, &view.forward, 2.0 * self.bound);
        PixelRow {
            y,
            rays,
            base,
            last: None,
        }
    }

    /// The first hit of the ray through view coordinates `(x, row.y)` (mm).
    fn hit(&self, view: &Camera, row: &mut PixelRow<'_>, x: f64) -> Option<Vector3> {
        let t = row.rays.first_hit(x * x + row.base)?;
        Some(self.along(view, x, row.y, t))
    }

    /// The point at `t` along the ray through view coordinates `(x, y)` (mm).
    fn along(&self, view: &Camera, x: f64, y: f64, t: f64) -> Vector3 {
        let origin = view.right * x + view.up * y - view.forward * self.bound;
        origin + view.forward * t
    }

    /// The colour of the ray through `(x, row.y)`: shaded shell or background.
    fn color(&self, view: &Camera, row: &mut PixelRow<'_>, x: f64) -> [u8; 3] {
        match self.hit(view, row, x) {
            Some(hit) => self.shade(&self.point(&hit, &mut row.last)),
            None => self.options.background,
        }
    }

    /// Surface coordinate of a point on (or near) the shell, θ near the depth map's,
    /// with the table's row at its height.
    /// `last` keeps the table's row at the last height asked for (rays of one row of
    /// a horizontal view all hit at one height).
    fn point(&self, hit: &Vector3, last: &mut Option<TableRow>) -> HitPoint {
        let row = match *last {
            Some((z, row)) if z == hit.z => row,
            _ => {
                let row = self.table.at(hit.z);
                *last = Some((hit.z, row));
                row
            }
        };
        let s = row.map_or(0.0, |x| x[2]);
        let rho = (hit.x * hit.x + hit.y * hit.y).sqrt();
        // Longitude matters only near the depth map's band (and on the axis).
        let near = self.sampler.near(s);
        let theta = if near || rho <= 1e-9 {
            let theta = hit.y.atan2(hit.x);
            let gap = self.map_theta - theta;
            // Rounds to no whole turn within π: skip the division there.
            if gap.abs() < PI {
                theta
            } else {
                theta + 2.0 * PI * (gap / (2.0 * PI)).round()
            }
        } else {
            0.0
        };
        let (sin, cos) = if rho > 1e-9 {
            (hit.y / rho, hit.x / rho)
        } else {
            theta.sin_cos()
        };
        HitPoint {
            theta,
            s,
            near,
            row,
            cos,
            sin,
        }
    }

    /// Whether a hit lies on the depth map's grid.
    fn engraved(&self, p: &HitPoint) -> bool {
        p.near && self.sampler.contains(p.theta, p.s)
    }

    fn shade(&self, p: &HitPoint) -> [u8; 3] {
        let options = self.options;
        let (theta, s, sin, cos) = (p.theta, p.s, p.sin, p.cos);
        // The meridian's tangent, interpolated from the table and renormalised.
        let [_, r, _, dr_ds, dz_ds] = p.row.unwrap_or([0.0, 1.0, 0.0, 0.0, 1.0]);
        let len = (dr_ds * dr_ds + dz_ds * dz_ds).sqrt().max(1e-12);
        let (dr_ds, dz_ds) = (dr_ds / len, dz_ds / len);
        let n = Vector3::new(dz_ds * cos, dz_ds * sin, -dr_ds);
        let reads = if p.near {
            self.sampler.five(theta, s)
        } else {
            [0.0; 5]
        };
        let [depth, t_plus, t_minus, s_plus, s_minus] = reads.map(f64::from);
        let shaded_n = if t_plus == t_minus && s_plus == s_minus {
            n
        } else {
            let (h, dth) = (self.texel, self.texel_theta);
            let g_theta = (t_plus - t_minus) / (2.0 * dth * r.max(1e-6));
            let g_s = (s_plus - s_minus) / (2.0 * h);
            let e_theta = Vector3::new(-sin, cos, 0.0);
            let e_s = Vector3::new(dr_ds * cos, dr_ds * sin, dz_ds);
            // The cut surface is P − d·n: its normal tilts toward increasing depth.
            (n + e_theta * g_theta + e_s * g_s).normalize()
        };
        let diffuse = shaded_n.dot(&self.light).max(0.0);
        let spec = shaded_n.dot(&self.half_vec).max(0.0).powi(40) * 0.18;
        let occlusion = 1.0
            - options.depth_darkening.clamp(0.0, 1.0) * (depth / self.top_depth).clamp(0.0, 1.0);
        let k = (0.28 + 0.72 * diffuse) * occlusion;
        let mut out = [0u8; 3];
        for (o, base) in out.iter_mut().zip(options.shell_color) {
            // Rounds half up, as `round` does on non-negative numbers.
            *o = ((f64::from(base) * k + 255.0 * spec).clamp(0.0, 255.0) + 0.5) as u8;
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
        sampler: DepthSampler::new(map),
        options,
        bound: 0.5 * len.max(breadth) + 1.0,
        top_depth,
        map_theta: 0.5 * (t_lo + t_hi),
        texel: map.texel(),
        texel_theta: map.texel_theta(),
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
    // One ray through every pixel centre first, a row at a time.
    // (Where along the ray, NaN for a miss: a quarter of the memory of the points.)
    let mut hits: Vec<f64> = vec![f64::NAN; w * h];
    hits.par_chunks_mut(w.max(1))
        .enumerate()
        .for_each(|(py, out)| {
            let mut row = scene.row(view, at(0, py).1);
            for (px, t) in out.iter_mut().enumerate() {
                let x = at(px, py).0;
                *t = row.rays.first_hit(x * x + row.base).unwrap_or(f64::NAN);
            }
        });
    let n = view.supersample.max(1);
    let mut buf = vec![0u8; w * h * 3];
    buf.par_chunks_mut((w * 3).max(1))
        .enumerate()
        .for_each(|(py, out)| {
            // The rows of sub-samples, made when a pixel first needs them.
            let mut sub_rows: Vec<PixelRow<'_>> = Vec::new();
            let mut last = None;
            for (px, texel) in out.chunks_exact_mut(3).enumerate() {
                let k = py * w + px;
                let t = hits[k];
                let hit = (!t.is_nan()).then(|| {
                    let (x, y) = at(px, py);
                    scene.point(&scene.along(view, x, y, t), &mut last)
                });
                // Supersample where a neighbour differs in hitting the shell (silhouette)
                // or where the pixel lies on the depth map (engraving finer than a pixel).
                let edge = || {
                    [(-1, 0), (1, 0), (0, -1), (0, 1)].iter().any(|&(dx, dy)| {
                        let (qx, qy) = (px as i64 + dx, py as i64 + dy);
                        qx >= 0
                            && qy >= 0
                            && (qx as usize) < w
                            && (qy as usize) < h
                            && hits[qy as usize * w + qx as usize].is_nan() == hit.is_some()
                    })
                };
                let engraved = || hit.as_ref().is_some_and(|p| scene.engraved(p));
                let centre = || match &hit {
                    Some(p) => scene.shade(p),
                    None => options.background,
                };
                let c = if n > 1 && (edge() || engraved()) {
                    let (x, y) = at(px, py);
                    let offset = |a: u32| ((f64::from(a) + 0.5) / f64::from(n) - 0.5) * pixel;
                    if sub_rows.is_empty() {
                        sub_rows = (0..n).map(|b| scene.row(view, y - offset(b))).collect();
                    }
                    let mut sum = [0u32; 3];
                    for a in 0..n {
                        for (b, row) in (0..n).zip(sub_rows.iter_mut()) {
                            let (dx, dy) = (offset(a), offset(b));
                            // The middle sub-ray is the pixel's own ray.
                            let c = if dx == 0.0 && dy == 0.0 {
                                centre()
                            } else {
                                scene.color(view, row, x + dx)
                            };
                            for (s, v) in sum.iter_mut().zip(c) {
                                *s += u32::from(v);
                            }
                        }
                    }
                    let nn = n * n;
                    sum.map(|s| ((s + nn / 2) / nn) as u8)
                } else {
                    centre()
                };
                texel.copy_from_slice(&c);
            }
        });
    RgbImage::from_raw(view.width, view.height, buf)
        .unwrap_or_else(|| RgbImage::new(view.width, view.height))
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
            paste(&mut out, img, x0, y0);
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

/// Copies `top` into `out` with its top-left corner at `(x0, y0)`, clipped to `out`,
/// as `image::imageops::replace` does, a row at a time.
fn paste(out: &mut RgbImage, top: &RgbImage, x0: u32, y0: u32) {
    let (out_w, out_h) = out.dimensions();
    let w = top.width().min(out_w.saturating_sub(x0)) as usize * 3;
    let h = top.height().min(out_h.saturating_sub(y0)) as usize;
    let (out_row, top_row) = (out_w as usize * 3, top.width() as usize * 3);
    if w == 0 || h == 0 {
        return;
    }
    let x0 = x0 as usize * 3;
    let rows = out.chunks_exact_mut(out_row).skip(y0 as usize).take(h);
    for (dst, src) in rows.zip(top.as_raw().chunks_exact(top_row)) {
        dst[x0..x0 + w].copy_from_slice(&src[..w]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paste_matches_replace_and_clips() {
        let top = RgbImage::from_fn(7, 5, |x, y| Rgb([x as u8, y as u8, (x * y) as u8]));
        for (x, y) in [(0, 0), (3, 2), (9, 1), (12, 12), (20, 3)] {
            let mut want = RgbImage::from_pixel(14, 9, Rgb([9, 8, 7]));
            let mut got = want.clone();
            image::imageops::replace(&mut want, &top, i64::from(x), i64::from(y));
            paste(&mut got, &top, x, y);
            assert_eq!(got, want, "at ({x}, {y})");
        }
    }

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
}
