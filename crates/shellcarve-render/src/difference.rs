//! The difference map (simulated minus intended depth) and the toolpath overlay, both
//! on the unwrapped band laid out as [`crate::render_depth_map`] lays it out: θ to the
//! right, s upward, one pixel per texel or per `k × k` texels.

use image::{Rgb, RgbImage};
use rayon::prelude::*;
use shellcarve_core::{MoveKind, Surface, Toolpath};
use shellcarve_sim::{intended_texels, DepthMap, IntendedArea};

use crate::colormap::{diverging, draw_text, text_width, viridis};
use crate::depth_image::nice_step;

/// Options of [`render_difference_map`] and [`render_overlay`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BandImageOptions {
    /// Largest width of the map part of the image (px). Default
    /// [`crate::DEFAULT_MAX_IMAGE_WIDTH`].
    pub max_width: u32,
    /// Largest height of the map part of the image (px). Default 4000.
    pub max_height: u32,
    /// Difference at the ends of the colour scale (mm); `None`: the largest
    /// difference on the map, at least 0.01 mm.
    pub range: Option<f64>,
    /// Colour of the cutting moves (cuts and plunges) in the overlay.
    pub cut_color: [u8; 3],
    /// Colour of the rapids and retracts in the overlay.
    pub rapid_color: [u8; 3],
}

impl Default for BandImageOptions {
    fn default() -> Self {
        Self {
            max_width: crate::DEFAULT_MAX_IMAGE_WIDTH,
            max_height: 4000,
            range: None,
            cut_color: [20, 40, 150],
            rapid_color: [235, 60, 20],
        }
    }
}

impl BandImageOptions {
    /// Sets the largest map width (px).
    pub fn with_max_width(mut self, px: u32) -> Self {
        self.max_width = px;
        self
    }

    /// Sets the difference at the ends of the scale (mm).
    pub fn with_range(mut self, range: Option<f64>) -> Self {
        self.range = range;
        self
    }
}

/// Scale of the legend text for an image `width` px wide.
fn text_scale(width: u32) -> u32 {
    (width / 700).clamp(2, 4)
}

/// Height of the difference map's scale bar area: bar, ticks, numbers, words.
fn bar_area(scale: u32) -> u32 {
    24 + 18 * scale
}
/// Least image width, so that the legend fits.
const MIN_WIDTH: u32 = 420;
/// Zero colour of the difference map inside the intended area (light grey), so the
/// letters show where the cut matches them.
const INSIDE_ZERO: [u8; 3] = [214, 214, 214];
/// Zero colour outside the intended area.
const OUTSIDE_ZERO: [u8; 3] = [255, 255, 255];

/// Downsampling factor and map size in pixels.
fn layout(map: &DepthMap, max_w: u32, max_h: u32) -> (usize, u32, u32) {
    let (w, h) = map.dims();
    let k = w
        .div_ceil(max_w.max(1) as usize)
        .max(h.div_ceil(max_h.max(1) as usize))
        .max(1);
    (k, w.div_ceil(k) as u32, h.div_ceil(k) as u32)
}

/// Renders simulated minus intended depth on the unwrapped band. The intended depth is
/// `intended_depth` inside `intended` and 0 outside it. Blue: too shallow (the letter
/// area left uncut or cut too little); red: too deep (cut outside the letters, or
/// deeper than intended); zero is light grey inside the letters and white outside.
/// Downsampled pixels show the difference of largest magnitude among their texels.
/// A diverging scale bar in mm sits below.
pub fn render_difference_map(
    map: &DepthMap,
    intended: &dyn IntendedArea,
    intended_depth: f64,
    options: &BandImageOptions,
) -> RgbImage {
    let (w, h) = map.dims();
    let (k, pw, ph) = layout(map, options.max_width, options.max_height);
    let inside = intended_texels(map, intended);
    let want = if intended_depth.is_finite() {
        intended_depth as f32
    } else {
        0.0
    };
    let diff = |i: usize, j: usize| {
        let ins = inside.get(j * w + i).copied().unwrap_or(false);
        (map.depth_at_texel(i, j) - if ins { want } else { 0.0 }, ins)
    };
    // Per pixel: the difference of largest magnitude and whether any texel is inside.
    let pixels: Vec<(f32, bool)> = (0..ph as usize)
        .into_par_iter()
        .flat_map_iter(|py| {
            let j_hi = h - py * k;
            let j_lo = j_hi.saturating_sub(k);
            (0..pw as usize).map(move |px| {
                let mut best = (0.0f32, false);
                for j in j_lo..j_hi {
                    for i in px * k..(px * k + k).min(w) {
                        let (d, ins) = diff(i, j);
                        if d.abs() > best.0.abs() {
                            best.0 = d;
                        }
                        best.1 |= ins;
                    }
                }
                best
            })
        })
        .collect();
    let largest = pixels
        .iter()
        .map(|p| f64::from(p.0.abs()))
        .fold(0.0, f64::max);
    let range = options
        .range
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(largest.max(0.01));
    let width = pw.max(MIN_WIDTH);
    let bar = bar_area(text_scale(width));
    let mut img = RgbImage::from_pixel(width, ph + bar, Rgb([255, 255, 255]));
    for (n, (d, ins)) in pixels.iter().enumerate() {
        let zero = if *ins { INSIDE_ZERO } else { OUTSIDE_ZERO };
        let c = diverging(f64::from(*d) / range, zero);
        img.put_pixel(n as u32 % pw.max(1), n as u32 / pw.max(1), Rgb(c));
    }
    draw_diverging_bar(&mut img, ph, range);
    img
}

fn draw_diverging_bar(img: &mut RgbImage, y0: u32, range: f64) {
    let scale = text_scale(img.width());
    let ink = [30, 30, 30];
    let pad = 12u32;
    let unit = " mm";
    let x0 = pad;
    let x1 = img
        .width()
        .saturating_sub(pad + text_width(unit, scale) + 4)
        .min(x0 + 300 * scale);
    let (by0, by1) = (y0 + 8, y0 + 8 + 4 * scale);
    let span = x1.saturating_sub(x0).max(1);
    for x in x0..x1 {
        let t = 2.0 * f64::from(x - x0) / f64::from(span) - 1.0;
        let c = diverging(t, OUTSIDE_ZERO);
        for y in by0..by1 {
            img.put_pixel(x, y, Rgb(c));
        }
    }
    let step = nice_step(range);
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let n = (range / step + 1e-9).floor() as i64;
    let at = |v: f64| x0 + ((v / range + 1.0) * 0.5 * f64::from(span)).round() as u32;
    for m in -n..=n {
        let v = m as f64 * step;
        let x = at(v).min(x1.saturating_sub(1));
        for y in by1..by1 + 5 {
            img.put_pixel(x, y, Rgb(ink));
        }
        let label = if m > 0 {
            format!("+{v:.decimals$}")
        } else {
            format!("{v:.decimals$}")
        };
        let tw = text_width(&label, scale);
        let lx = (i64::from(x) - i64::from(tw) / 2).max(0);
        draw_text(img, lx, i64::from(by1 + 8), &label, scale, ink);
    }
    draw_text(img, i64::from(x1 + 4), i64::from(by0), unit, scale, ink);
    let words_y = i64::from(by1 + 8 + 7 * scale);
    draw_text(img, i64::from(x0), words_y, "too shallow", scale, ink);
    let deep = "too deep";
    let dx = i64::from(x1) - i64::from(text_width(deep, scale));
    draw_text(img, dx, words_y, deep, scale, ink);
    let mid = "simulated - intended";
    let mx = i64::from(x0 + span / 2) - i64::from(text_width(mid, scale)) / 2;
    draw_text(img, mx, words_y, mid, scale, ink);
}

/// Renders the tool motion over a light depth map of the unwrapped band: every tip
/// position projected onto the shell (closest point) and drawn at its (θ, s), cuts
/// and plunges in `cut_color`, rapids and retracts in `rapid_color` on top. Motion
/// off the map's band is clipped. A legend sits below.
pub fn render_overlay(
    surface: &dyn Surface,
    map: &DepthMap,
    motion: &Toolpath,
    options: &BandImageOptions,
) -> RgbImage {
    let (w, h) = map.dims();
    let (k, pw, ph) = layout(map, options.max_width, options.max_height);
    let top = f64::from(map.max_depth()).max(1e-6);
    let width = pw.max(MIN_WIDTH);
    let scale = text_scale(width);
    let mut img = RgbImage::from_pixel(width, ph + 24 + 5 * scale, Rgb([255, 255, 255]));
    let rows: Vec<Vec<[u8; 3]>> = (0..ph as usize)
        .into_par_iter()
        .map(|py| {
            let j_hi = h - py * k;
            let j_lo = j_hi.saturating_sub(k);
            (0..pw as usize)
                .map(|px| {
                    let d = map.max_in_rect(px * k, px * k + k, j_lo, j_hi);
                    if d > 0.0 {
                        // Viridis faded 60% toward white: light, but still readable.
                        viridis(f64::from(d) / top)
                            .map(|c| (255.0 - 0.4 * (255.0 - f64::from(c))).round() as u8)
                    } else {
                        [248, 248, 246]
                    }
                })
                .collect()
        })
        .collect();
    for (py, row) in rows.iter().enumerate() {
        for (px, c) in row.iter().enumerate() {
            img.put_pixel(px as u32, py as u32, Rgb(*c));
        }
    }
    // Pixel of a tip position, or None off the band.
    let dt = map.texel_theta();
    let origin = map.coord_of(0, 0);
    let start = origin.theta - 0.5 * dt;
    let kf = k as f64;
    let to_px = |p: &shellcarve_core::Point3| -> Option<(u32, u32)> {
        let c = surface.closest(p).coord;
        let theta = start + (c.theta - start).rem_euclid(std::f64::consts::TAU);
        let x = (theta - origin.theta) / dt;
        let y = (c.s - origin.s) / map.texel();
        let px = ((x + 0.5) / kf).floor();
        let py = ((h as f64 - 0.5 - y) / kf).floor();
        (px.is_finite()
            && py.is_finite()
            && px >= 0.0
            && py >= 0.0
            && x < w as f64 - 0.5
            && px < f64::from(pw)
            && py < f64::from(ph))
        .then_some((px as u32, py as u32))
    };
    // Half a pixel of surface between samples.
    let step = 0.5 * kf * map.texel();
    let segments: Vec<(&shellcarve_core::Pose, &shellcarve_core::Move)> =
        motion.segments().collect();
    let cut = |kind: MoveKind| matches!(kind, MoveKind::Cut | MoveKind::Plunge);
    for pass_cuts in [true, false] {
        let dots: Vec<Vec<(u32, u32)>> = segments
            .par_iter()
            .filter(|(_, m)| cut(m.kind) == pass_cuts)
            .map(|(from, m)| {
                let d = m.pose.tip - from.tip;
                let len = d.norm();
                if !len.is_finite() {
                    return Vec::new();
                }
                let n = ((len / step).ceil() as usize).clamp(1, 1_000_000);
                let mut out: Vec<(u32, u32)> = Vec::new();
                for s in 0..=n {
                    if let Some(q) = to_px(&(from.tip + d * (s as f64 / n as f64))) {
                        if out.last() != Some(&q) {
                            out.push(q);
                        }
                    }
                }
                out
            })
            .collect();
        let color = if pass_cuts {
            options.cut_color
        } else {
            options.rapid_color
        };
        for (x, y) in dots.into_iter().flatten() {
            img.put_pixel(x, y, Rgb(color));
        }
    }
    // Legend.
    let ink = [30, 30, 30];
    let y = ph + 12;
    let mut x = 12u32;
    for (label, color) in [("cut", options.cut_color), ("rapid", options.rapid_color)] {
        for dy in 0..5 * scale {
            for dx in 0..8 * scale {
                img.put_pixel(x + dx, y + dy, Rgb(color));
            }
        }
        x += 8 * scale + 3 * scale;
        draw_text(&mut img, i64::from(x), i64::from(y), label, scale, ink);
        x += text_width(label, scale) + 10 * scale;
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;
    use shellcarve_core::{Move, Pose, Spheroid, SurfaceCoord};

    fn pixel(img: &RgbImage, x: u32, y: u32) -> [u8; 3] {
        img.get_pixel(x, y).0
    }

    #[test]
    fn the_difference_map_shows_too_shallow_blue_and_too_deep_red() {
        let r0 = 21.5;
        let texel = 0.01;
        // 2 mm × 1 mm; intended: θ·r0 ∈ [−0.5, 0.5] mm over all rows.
        let mut map = DepthMap::new(-1.0 / r0, -0.5, texel, r0, 201, 101);
        let half = 0.5 / r0;
        for j in 0..101 {
            for i in 0..201 {
                let c = map.coord_of(i, j);
                // Cut right: from −0.3 mm (leaves 0.2 mm uncut) to +0.7 mm (0.2 mm over).
                if c.theta * r0 >= -0.3 && c.theta * r0 <= 0.7 {
                    map.raise(i, j, 0.35);
                }
            }
        }
        let intended = move |_s: f64| vec![(-half, half)];
        let img = render_difference_map(&map, &intended, 0.35, &BandImageOptions::default());
        assert_eq!(img.height(), 101 + bar_area(2));
        let y = 50;
        // θ·r0 = −0.4 mm: uncut letter, −0.35 → dark blue; 0: matches → light grey;
        // +0.6 mm: cut outside → dark red; −0.8 mm: untouched outside → white.
        let blue = pixel(&img, 60, y);
        assert!(blue[2] > 80 && blue[0] < 20, "{blue:?}");
        assert_eq!(pixel(&img, 100, y), INSIDE_ZERO);
        let red = pixel(&img, 160, y);
        assert!(red[0] > 90 && red[2] < 40, "{red:?}");
        assert_eq!(pixel(&img, 20, y), OUTSIDE_ZERO);
    }

    #[test]
    fn the_overlay_draws_cuts_and_rapids_in_their_colours() {
        let egg = Spheroid::new(57.0, 43.0).unwrap();
        let r0 = 21.5;
        let mut map = DepthMap::new(-1.0 / r0, -0.5, 0.01, r0, 201, 101);
        for i in 60..140 {
            map.raise(i, 52, 0.3);
        }
        let at = |x: f64, s: f64, h: f64| {
            let (p, n) = egg.point_normal(SurfaceCoord::new(x / r0, s));
            Pose::new(p + n.into_inner() * h, n)
        };
        let mut path = Toolpath::new();
        path.moves
            .push(Move::new(MoveKind::Rapid, at(-0.4, 0.0, 1.0), 0.0));
        path.moves
            .push(Move::new(MoveKind::Plunge, at(-0.4, 0.0, -0.3), 100.0));
        path.moves
            .push(Move::new(MoveKind::Cut, at(0.4, 0.0, -0.3), 300.0));
        path.moves
            .push(Move::new(MoveKind::Retract, at(0.4, 0.0, 1.0), 0.0));
        path.moves
            .push(Move::new(MoveKind::Rapid, at(0.4, 0.3, 1.0), 0.0));
        let opts = BandImageOptions::default();
        let img = render_overlay(&egg, &map, &path, &opts);
        // The cut along s = 0 (row 50 from the bottom: image row 50) and the rapid
        // up the side at θ·r0 = 0.4 mm (column 140).
        assert_eq!(pixel(&img, 100, 50), opts.cut_color);
        assert_eq!(pixel(&img, 140, 30), opts.rapid_color);
        // Away from the motion: the light map or the untouched colour.
        assert_eq!(pixel(&img, 100, 10), [248, 248, 246]);
        let light = pixel(&img, 70, 48);
        assert!(
            light.iter().all(|&c| c > 100) && light != [248, 248, 246],
            "{light:?}"
        );
    }
}
