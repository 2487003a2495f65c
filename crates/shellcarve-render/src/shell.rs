//! Ray-cast, shaded views of the shell with the engraving.

use std::f64::consts::PI;

use image::{Rgb, RgbImage};
use rayon::prelude::*;
use shellcarve_core::{Surface, SurfaceCoord, Vector3};
use shellcarve_sim::DepthMap;

use crate::colormap::draw_text;

/// Default least magnification in the engraved band (pixels per mm of surface).
pub const DEFAULT_MIN_PX_PER_MM: f64 = 40.0;

/// Options of [`render_shell`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ShellViewOptions {
    /// Least pixels per mm of surface anywhere in the engraved band of a view, after
    /// foreshortening. Default [`DEFAULT_MIN_PX_PER_MM`].
    pub min_px_per_mm: f64,
    /// Largest longitude span of one view (radians). Default 72°.
    pub max_view_span: f64,
    /// Number of views; `None` picks the fewest that cover the engraving.
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
        }
    }
}

impl ShellViewOptions {
    /// Sets the least pixels per mm of surface.
    pub fn with_min_px_per_mm(mut self, px: f64) -> Self {
        self.min_px_per_mm = px;
        self
    }

    /// Sets the number of views (`None`: automatic).
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
}

/// The meridian sampled for fast ray intersection: `(z, r, s)` with `z` increasing.
struct MeridianTable {
    rows: Vec<[f64; 3]>,
}

impl MeridianTable {
    fn new(surface: &dyn Surface) -> Self {
        let (lo, hi) = surface.s_range();
        const N: usize = 8192;
        let mut rows: Vec<[f64; 3]> = (0..=N)
            .map(|k| {
                let s = lo + (hi - lo) * k as f64 / N as f64;
                let m = surface.meridian(s);
                [m.z, m.r.max(0.0), s]
            })
            .filter(|r| r.iter().all(|v| v.is_finite()))
            .collect();
        rows.sort_by(|a, b| a[0].total_cmp(&b[0]));
        Self { rows }
    }

    /// `(r, s)` at height `z`, or `None` beyond the poles.
    fn at(&self, z: f64) -> Option<(f64, f64)> {
        let first = self.rows.first()?;
        let last = self.rows.last()?;
        if !(z >= first[0] && z <= last[0]) {
            return None;
        }
        let k = self
            .rows
            .partition_point(|r| r[0] < z)
            .clamp(1, self.rows.len() - 1);
        let (a, b) = (self.rows[k - 1], self.rows[k]);
        let f = if b[0] > a[0] {
            (z - a[0]) / (b[0] - a[0])
        } else {
            0.0
        };
        Some((a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])))
    }

    /// Signed radial gap of a point: positive outside the shell.
    fn gap(&self, p: &Vector3) -> f64 {
        match self.at(p.z) {
            Some((r, _)) => p.x.hypot(p.y) - r,
            None => 1.0,
        }
    }
}

/// One orthographic camera.
#[derive(Debug, Clone, Copy)]
struct View {
    center_theta: f64,
    right: Vector3,
    up: Vector3,
    forward: Vector3,
    x_min: f64,
    y_max: f64,
    px_per_mm: f64,
    width: u32,
    height: u32,
}

/// Renders the shell with the engraving from outside, as one image made of several
/// orthographic views side by side (wrapping onto rows in reading order), each centred
/// on a part of the engraved band and zoomed so that every part of the band gets at
/// least `min_px_per_mm`. Rays are intersected with the meridian by marching and
/// bisection; the depth map displaces the shading: the normal is tilted by the depth
/// gradient and cut areas darken in proportion to depth, so letters look recessed.
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
    let pad = margin / surface.baseline_radius().max(1e-3);
    let (theta_lo, theta_hi) = (theta_lo - pad, theta_hi + pad);
    let total = (theta_hi - theta_lo).clamp(1e-3, 2.0 * PI);
    let n_views = options
        .views
        .unwrap_or_else(|| (total / max_span).ceil() as usize)
        .clamp(1, 64);
    let span = total / n_views as f64;
    // Views abut: each shows exactly its share of the band, so nothing repeats.
    let half = (0.5 * span).min(0.45 * PI);
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
    let views: Vec<View> = (0..n_views)
        .map(|k| {
            let c = theta_lo + span * (k as f64 + 0.5);
            make_view(
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
    let rendered: Vec<RgbImage> = views
        .iter()
        .map(|v| render_view(surface, &table, map, v, options))
        .collect();
    compose(&rendered, &views, options)
}

fn make_view(
    surface: &dyn Surface,
    theta: f64,
    half: f64,
    s_lo: f64,
    s_hi: f64,
    elevation: f64,
    px_per_mm: f64,
) -> View {
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
    for a in 0..=24 {
        for b in 0..=8 {
            let th = theta - half + 2.0 * half * a as f64 / 24.0;
            let s = s_lo + (s_hi - s_lo) * b as f64 / 8.0;
            let p = surface.point(SurfaceCoord::new(th, s)).coords;
            let (x, y) = (p.dot(&right), p.dot(&up));
            if x.is_finite() && y.is_finite() {
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
    }
    if !(x0 < x1 && y0 < y1) {
        (x0, x1, y0, y1) = (-1.0, 1.0, -1.0, 1.0);
    }
    let width = (((x1 - x0) * px_per_mm).ceil() as u32).clamp(1, 16384);
    let height = (((y1 - y0) * px_per_mm).ceil() as u32).clamp(1, 16384);
    View {
        center_theta: theta,
        right,
        up,
        forward,
        x_min: x0,
        y_max: y1,
        px_per_mm,
        width,
        height,
    }
}

fn render_view(
    surface: &dyn Surface,
    table: &MeridianTable,
    map: &DepthMap,
    view: &View,
    options: &ShellViewOptions,
) -> RgbImage {
    let (len, breadth) = surface.size();
    let bound = 0.5 * len.max(breadth) + 1.0;
    let top_depth = f64::from(map.max_depth()).max(0.05);
    let light = (-view.right * 0.3 + view.up * 0.45 - view.forward * 0.85).normalize();
    let eye = -view.forward;
    let half_vec = (light + eye).normalize();
    let rows: Vec<Vec<[u8; 3]>> = (0..view.height)
        .into_par_iter()
        .map(|py| {
            (0..view.width)
                .map(|px| {
                    let x = view.x_min + (f64::from(px) + 0.5) / view.px_per_mm;
                    let y = view.y_max - (f64::from(py) + 0.5) / view.px_per_mm;
                    let origin = view.right * x + view.up * y - view.forward * bound;
                    match intersect(table, &origin, &view.forward, 2.0 * bound) {
                        Some(hit) => shade(
                            surface, table, map, &hit, light, half_vec, top_depth, options,
                        ),
                        None => options.background,
                    }
                })
                .collect()
        })
        .collect();
    let mut img = RgbImage::new(view.width, view.height);
    for (py, row) in rows.iter().enumerate() {
        for (px, c) in row.iter().enumerate() {
            img.put_pixel(px as u32, py as u32, Rgb(*c));
        }
    }
    img
}

/// First crossing of the ray into the shell: march in 0.2 mm steps, then bisect.
fn intersect(
    table: &MeridianTable,
    origin: &Vector3,
    dir: &Vector3,
    length: f64,
) -> Option<Vector3> {
    const STEP: f64 = 0.2;
    let mut prev = 0.0;
    if table.gap(origin) <= 0.0 {
        return None;
    }
    let steps = (length / STEP).ceil() as usize;
    for k in 1..=steps {
        let t = k as f64 * STEP;
        let g = table.gap(&(origin + dir * t));
        if g <= 0.0 {
            let (mut a, mut b) = (prev, t);
            for _ in 0..40 {
                let m = 0.5 * (a + b);
                if table.gap(&(origin + dir * m)) > 0.0 {
                    a = m;
                } else {
                    b = m;
                }
            }
            return Some(origin + dir * b);
        }
        prev = t;
    }
    None
}

#[allow(
    clippy::too_many_arguments,
    reason = "internal helper with one call site"
)]
fn shade(
    surface: &dyn Surface,
    table: &MeridianTable,
    map: &DepthMap,
    hit: &Vector3,
    light: Vector3,
    half_vec: Vector3,
    top_depth: f64,
    options: &ShellViewOptions,
) -> [u8; 3] {
    let theta = hit.y.atan2(hit.x);
    let s = table.at(hit.z).map_or(0.0, |x| x.1);
    let m = surface.meridian(s);
    let (sin, cos) = theta.sin_cos();
    let (nr, nz) = m.normal_rz();
    let n = Vector3::new(nr * cos, nr * sin, nz);
    let e_theta = Vector3::new(-sin, cos, 0.0);
    let e_s = Vector3::new(m.dr_ds * cos, m.dr_ds * sin, m.dz_ds);
    let c = SurfaceCoord::new(theta, s);
    let depth = f64::from(map.sample(c));
    let h = map.texel();
    let dth = map.texel_theta();
    let along = |dt: f64, ds: f64| f64::from(map.sample(SurfaceCoord::new(theta + dt, s + ds)));
    let g_theta = (along(dth, 0.0) - along(-dth, 0.0)) / (2.0 * dth * m.r.max(1e-6));
    let g_s = (along(0.0, h) - along(0.0, -h)) / (2.0 * h);
    // The cut surface is P − d·n: its normal tilts toward increasing depth.
    let shaded_n = (n + e_theta * g_theta + e_s * g_s).normalize();
    let diffuse = shaded_n.dot(&light).max(0.0);
    let spec = shaded_n.dot(&half_vec).max(0.0).powi(40) * 0.18;
    let occlusion =
        1.0 - options.depth_darkening.clamp(0.0, 1.0) * (depth / top_depth).clamp(0.0, 1.0);
    let k = (0.28 + 0.72 * diffuse) * occlusion;
    let mut out = [0u8; 3];
    for (o, base) in out.iter_mut().zip(options.shell_color) {
        *o = ((f64::from(base) * k + 255.0 * spec).clamp(0.0, 255.0)).round() as u8;
    }
    out
}

fn compose(images: &[RgbImage], views: &[View], options: &ShellViewOptions) -> RgbImage {
    const GAP: u32 = 8;
    let vw = images.iter().map(|i| i.width()).max().unwrap_or(1);
    let vh = images.iter().map(|i| i.height()).max().unwrap_or(1);
    let per_row = ((options.max_width.max(vw) + GAP) / (vw + GAP)).max(1) as usize;
    let n = images.len().max(1);
    let cols = per_row.min(n) as u32;
    let rows = n.div_ceil(per_row) as u32;
    let width = cols * vw + (cols + 1) * GAP;
    let height = rows * vh + (rows + 1) * GAP;
    let mut out = RgbImage::from_pixel(width, height, Rgb(options.background));
    for (k, (img, view)) in images.iter().zip(views).enumerate() {
        let (c, r) = ((k % per_row) as u32, (k / per_row) as u32);
        let (x0, y0) = (GAP + c * (vw + GAP), GAP + r * (vh + GAP));
        for (x, y, p) in img.enumerate_pixels() {
            out.put_pixel(x0 + x, y0 + y, *p);
        }
        if options.labels {
            let deg = view.center_theta.to_degrees().round() as i64;
            let label = format!("{deg}");
            draw_text(
                &mut out,
                i64::from(x0 + 6),
                i64::from(y0 + 6),
                &label,
                3,
                [250, 250, 250],
            );
        }
    }
    out
}
