//! The unwrapped depth map as a colour image with a scale bar.

use image::{Rgb, RgbImage};
use shellcarve_sim::DepthMap;

use crate::colormap::{draw_text, text_width, viridis};

/// Default largest image width (px); wider maps are downsampled by maximum.
pub const DEFAULT_MAX_IMAGE_WIDTH: u32 = 4000;

/// Options of [`render_depth_map`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DepthMapImageOptions {
    /// Largest width of the map part of the image (px). Default
    /// [`DEFAULT_MAX_IMAGE_WIDTH`].
    pub max_width: u32,
    /// Largest height of the map part of the image (px). Default 4000.
    pub max_height: u32,
    /// Depth shown at the top of the colour scale (mm); `None`: the map's deepest cut.
    pub max_depth: Option<f64>,
    /// Colour of untouched texels. Default light neutral grey.
    pub untouched: [u8; 3],
    /// Draw the labelled colour scale bar under the map. Default true.
    pub scale_bar: bool,
}

impl Default for DepthMapImageOptions {
    fn default() -> Self {
        Self {
            max_width: DEFAULT_MAX_IMAGE_WIDTH,
            max_height: 4000,
            max_depth: None,
            untouched: [232, 232, 226],
            scale_bar: true,
        }
    }
}

impl DepthMapImageOptions {
    /// Sets the largest map width (px).
    pub fn with_max_width(mut self, px: u32) -> Self {
        self.max_width = px;
        self
    }

    /// Sets the depth at the top of the scale (mm).
    pub fn with_max_depth(mut self, depth: Option<f64>) -> Self {
        self.max_depth = depth;
        self
    }

    /// Turns the scale bar on or off.
    pub fn with_scale_bar(mut self, on: bool) -> Self {
        self.scale_bar = on;
        self
    }
}

const BAR_AREA: u32 = 64;
const MIN_WIDTH: u32 = 360;

/// Renders the unwrapped map: θ to the right, s upward, one pixel per texel (or per
/// `k × k` texels showing their maximum, so that thin grooves survive downsampling when
/// the map is wider than `max_width`). Untouched texels are `untouched`; cut texels
/// take viridis from 0 to the scale's top depth. A scale bar labelled in mm sits below.
pub fn render_depth_map(map: &DepthMap, options: &DepthMapImageOptions) -> RgbImage {
    let (w, h) = map.dims();
    let max_w = options.max_width.max(1) as usize;
    let max_h = options.max_height.max(1) as usize;
    let k = w.div_ceil(max_w).max(h.div_ceil(max_h)).max(1);
    let (pw, ph) = (w.div_ceil(k) as u32, h.div_ceil(k) as u32);
    let top = options
        .max_depth
        .filter(|d| d.is_finite() && *d > 0.0)
        .unwrap_or_else(|| f64::from(map.max_depth()))
        .max(1e-6);
    let bar = if options.scale_bar { BAR_AREA } else { 0 };
    let width = if options.scale_bar {
        pw.max(MIN_WIDTH)
    } else {
        pw.max(1)
    };
    let height = (ph + bar).max(1);
    let mut img = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    let rows: Vec<Vec<[u8; 3]>> = {
        use rayon::prelude::*;
        (0..ph as usize)
            .into_par_iter()
            .map(|py| {
                let j_hi = h - py * k;
                let j_lo = j_hi.saturating_sub(k);
                (0..pw as usize)
                    .map(|px| {
                        let d = map.max_in_rect(px * k, px * k + k, j_lo, j_hi);
                        if d > 0.0 {
                            viridis(f64::from(d) / top)
                        } else {
                            options.untouched
                        }
                    })
                    .collect()
            })
            .collect()
    };
    for (py, row) in rows.iter().enumerate() {
        for (px, c) in row.iter().enumerate() {
            img.put_pixel(px as u32, py as u32, Rgb(*c));
        }
    }
    if options.scale_bar {
        draw_scale_bar(&mut img, ph, top);
    }
    img
}

/// A "nice" tick step (1, 2 or 5 × 10ᵏ) giving about four intervals up to `top`.
pub(crate) fn nice_step(top: f64) -> f64 {
    let raw = top / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

fn draw_scale_bar(img: &mut RgbImage, y0: u32, top: f64) {
    let pad = 12u32;
    let unit = " mm";
    let scale = (img.width() / 700).clamp(2, 4);
    let x0 = pad;
    let x1 = img
        .width()
        .saturating_sub(pad + text_width(unit, scale) + 4)
        .min(x0 + 240 * scale);
    let (by0, by1) = (y0 + 8, y0 + 8 + 4 * scale);
    let span = x1.saturating_sub(x0).max(1);
    for x in x0..x1 {
        let c = viridis(f64::from(x - x0) / f64::from(span));
        for y in by0..by1 {
            img.put_pixel(x, y, Rgb(c));
        }
    }
    let step = nice_step(top);
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let ink = [30, 30, 30];
    let mut v = 0.0;
    while v <= top * (1.0 + 1e-9) {
        let x = x0 + (v / top * f64::from(span)).round() as u32;
        for y in by1..by1 + 5 {
            if x < img.width() {
                img.put_pixel(x.min(x1.saturating_sub(1)), y, Rgb(ink));
            }
        }
        let label = format!("{v:.decimals$}");
        let tw = text_width(&label, scale);
        let lx = (i64::from(x) - i64::from(tw) / 2).max(0);
        draw_text(img, lx, i64::from(by1 + 8), &label, scale, ink);
        v += step;
    }
    draw_text(img, i64::from(x1 + 4), i64::from(by0 + 3), unit, scale, ink);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.35), 0.1);
        assert_eq!(nice_step(1.0), 0.5);
        assert!((nice_step(0.04) - 0.01).abs() < 1e-12);
    }

    #[test]
    fn groove_pixels_differ_and_downsampling_keeps_thin_lines() {
        let mut map = DepthMap::new(0.0, 0.0, 0.01, 20.0, 9000, 100);
        for i in 0..9000 {
            map.raise(i, 50, 0.3);
        }
        map.raise(4500, 10, 0.1);
        let opts = DepthMapImageOptions::default();
        let img = render_depth_map(&map, &opts);
        // 9000 texels downsample by 3 to 3000 px; the one-texel row survives.
        assert_eq!(img.width(), 3000);
        assert_eq!(img.height(), 34 + BAR_AREA);
        let row = (99 - 50) / 3;
        assert_ne!(img.get_pixel(100, row as u32).0, opts.untouched);
        assert_eq!(img.get_pixel(100, 2).0, opts.untouched);
        let lone = img.get_pixel(1500, (99 - 10) / 3).0;
        assert_ne!(lone, opts.untouched);
        let empty = render_depth_map(&DepthMap::new(0.0, 0.0, 0.01, 20.0, 0, 0), &opts);
        assert!(empty.width() >= MIN_WIDTH);
    }
}
