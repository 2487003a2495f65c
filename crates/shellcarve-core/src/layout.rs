//! Text layout in the unwrapped text plane: shaped glyph outlines in millimetres.
//!
//! x runs along the baseline, y up; the baseline is y = 0 and the line starts at x = 0.

use lyon_path::iterator::PathIterator;
use lyon_path::math::point;
use lyon_path::PathEvent;

use crate::error::{CoreError, Result};
use crate::font::Font;
use crate::math::Point2;

/// Default chord tolerance for flattening glyph outlines (mm): the largest distance
/// between a curve and the polyline that replaces it.
pub const DEFAULT_FLATTEN_TOL: f64 = 0.001;
/// Largest cap height `auto` picks (mm).
pub const AUTO_HEIGHT_MAX: f64 = 5.0;
/// Fraction of the available length that `auto` lets a line span.
pub const AUTO_LENGTH_FRACTION: f64 = 0.85;

/// How tall the text is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TextHeight {
    /// The largest cap height up to [`AUTO_HEIGHT_MAX`] at which the line spans at most
    /// [`AUTO_LENGTH_FRACTION`] of the available length.
    Auto,
    /// A fixed cap height in mm.
    CapHeight(f64),
}

impl TextHeight {
    /// Parses `auto` or a number of millimetres.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("auto") {
            return Ok(Self::Auto);
        }
        let v: f64 = t.parse().map_err(|_| CoreError::BadSpec {
            what: "text height".into(),
            given: text.into(),
            expected: "auto or a cap height in mm such as 2.5".into(),
        })?;
        crate::error::check_range("--height (mm)", v, 0.1, 100.0).map(Self::CapHeight)
    }
}

/// Options for laying out a line of text.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LayoutOptions {
    /// Extra space added after every glyph (mm). Default 0.
    pub letter_spacing: f64,
    /// Chord tolerance for flattening outlines (mm). Default [`DEFAULT_FLATTEN_TOL`].
    pub tolerance: f64,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        Self {
            letter_spacing: 0.0,
            tolerance: DEFAULT_FLATTEN_TOL,
        }
    }
}

impl LayoutOptions {
    /// Sets the letter spacing (mm).
    pub fn with_letter_spacing(mut self, mm: f64) -> Self {
        self.letter_spacing = mm;
        self
    }

    /// Sets the flattening tolerance (mm).
    pub fn with_tolerance(mut self, mm: f64) -> Self {
        self.tolerance = mm;
        self
    }
}

/// One shaped glyph: closed contours in the text plane (mm).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The first character of the glyph's cluster.
    pub ch: char,
    /// Closed contours (the last point is not repeated); filled by the non-zero rule.
    pub contours: Vec<Vec<Point2>>,
}

/// A laid-out line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout2d {
    /// Glyphs with outlines (spaces and other blank glyphs are left out).
    pub glyphs: Vec<Glyph>,
    /// Advance width of the whole line (mm).
    pub width: f64,
    /// Cap height (mm).
    pub cap_height: f64,
    /// Lowest y of any outline (mm, ≤ 0 with descenders).
    pub y_min: f64,
    /// Highest y of any outline (mm).
    pub y_max: f64,
}

impl Layout2d {
    /// Moves every outline by `(dx, dy)`.
    pub fn translate(&mut self, dx: f64, dy: f64) {
        for g in &mut self.glyphs {
            for c in &mut g.contours {
                for p in c.iter_mut() {
                    p.x += dx;
                    p.y += dy;
                }
            }
        }
        self.y_min += dy;
        self.y_max += dy;
    }
}

fn check_text(font: &Font, face: &ttf_parser::Face<'_>, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(CoreError::EmptyText);
    }
    for ch in text.chars() {
        if ch == '\n' || ch == '\r' {
            return Err(CoreError::BadSpec {
                what: "text".into(),
                given: text.into(),
                expected: "a single line (multi-line text is not supported yet)".into(),
            });
        }
        if ch.is_whitespace() || ch.is_control() {
            continue;
        }
        if face.glyph_index(ch).is_none() {
            return Err(CoreError::MissingGlyph {
                font: font.name().to_string(),
                ch,
                code: u32::from(ch),
            });
        }
    }
    Ok(())
}

/// Advance width (mm) of `text` at cap height `cap_height`, after shaping.
pub fn measure_line(
    font: &Font,
    text: &str,
    cap_height: f64,
    options: &LayoutOptions,
) -> Result<f64> {
    let face = font.face()?;
    check_text(font, &face, text)?;
    let scale = cap_height / Font::cap_height_units(&face);
    let shaped = shape(&face, text);
    let n = shaped.glyph_positions().len() as f64;
    let units: i64 = shaped
        .glyph_positions()
        .iter()
        .map(|p| i64::from(p.x_advance))
        .sum();
    Ok(units as f64 * scale + n * options.letter_spacing)
}

/// The cap height for [`TextHeight::Auto`]: the largest up to [`AUTO_HEIGHT_MAX`] at
/// which the line is at most [`AUTO_LENGTH_FRACTION`] × `available_length` long.
pub fn auto_cap_height(
    font: &Font,
    text: &str,
    available_length: f64,
    options: &LayoutOptions,
) -> Result<f64> {
    let target = AUTO_LENGTH_FRACTION * available_length;
    // Width is affine in the cap height: w(h) = h·k + n·spacing.
    let w1 = measure_line(font, text, 1.0, options)?;
    let w0 = measure_line(font, text, 0.0, options)?;
    let per_mm = w1 - w0;
    if per_mm <= 0.0 {
        return Ok(AUTO_HEIGHT_MAX);
    }
    let h = ((target - w0) / per_mm).min(AUTO_HEIGHT_MAX);
    // Round down to 0.01 mm so the printed value is the one used.
    let h = (h * 100.0).floor() / 100.0;
    if h < 0.1 {
        return Err(CoreError::TextTooLong {
            text_mm: measure_line(font, text, 0.1, options)?,
            available_mm: available_length,
        });
    }
    Ok(h)
}

fn shape(face: &rustybuzz::Face<'_>, text: &str) -> rustybuzz::GlyphBuffer {
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    rustybuzz::shape(face, &[], buffer)
}

/// Shapes `text` (kerning and ligatures from the font) and returns its outlines at the
/// given cap height (mm), flattened to `options.tolerance`.
pub fn layout_line(
    font: &Font,
    text: &str,
    cap_height: f64,
    options: &LayoutOptions,
) -> Result<Layout2d> {
    crate::error::check_range("cap height (mm)", cap_height, 0.01, 1000.0)?;
    crate::error::check_range("flattening tolerance (mm)", options.tolerance, 1e-5, 0.1)?;
    crate::error::check_range("letter spacing (mm)", options.letter_spacing, -100.0, 100.0)?;
    let face = font.face()?;
    check_text(font, &face, text)?;
    let scale = cap_height / Font::cap_height_units(&face);
    let shaped = shape(&face, text);
    let mut pen = 0.0;
    let mut glyphs = Vec::new();
    let (mut y_min, mut y_max) = (f64::INFINITY, f64::NEG_INFINITY);
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        let ch = text
            .get(info.cluster as usize..)
            .and_then(|s| s.chars().next())
            .unwrap_or('?');
        let ox = pen + f64::from(pos.x_offset) * scale;
        let oy = f64::from(pos.y_offset) * scale;
        let mut builder = LyonOutline::new(scale);
        let id = ttf_parser::GlyphId(info.glyph_id as u16);
        if face.outline_glyph(id, &mut builder).is_some() {
            let contours: Vec<Vec<Point2>> = flatten(builder.finish(), options.tolerance)
                .into_iter()
                .map(|c| {
                    c.into_iter()
                        .map(|p| Point2::new(p.x + ox, p.y + oy))
                        .collect::<Vec<_>>()
                })
                .filter(|c: &Vec<Point2>| c.len() >= 3)
                .collect();
            for p in contours.iter().flatten() {
                y_min = y_min.min(p.y);
                y_max = y_max.max(p.y);
            }
            if !contours.is_empty() {
                glyphs.push(Glyph { ch, contours });
            }
        }
        pen += f64::from(pos.x_advance) * scale + options.letter_spacing;
    }
    if glyphs.is_empty() {
        return Err(CoreError::EmptyText);
    }
    Ok(Layout2d {
        glyphs,
        width: pen,
        cap_height,
        y_min,
        y_max,
    })
}

/// Collects a glyph outline into a lyon path, scaled to mm (glyph-local, so f32 is
/// plenty: a glyph is a few mm across).
struct LyonOutline {
    builder: lyon_path::path::Builder,
    scale: f32,
    open: bool,
}

impl LyonOutline {
    fn new(scale: f64) -> Self {
        Self {
            builder: lyon_path::Path::builder(),
            scale: scale as f32,
            open: false,
        }
    }

    fn p(&self, x: f32, y: f32) -> lyon_path::math::Point {
        point(x * self.scale, y * self.scale)
    }

    fn finish(mut self) -> lyon_path::Path {
        if self.open {
            self.builder.end(true);
        }
        self.builder.build()
    }
}

impl ttf_parser::OutlineBuilder for LyonOutline {
    fn move_to(&mut self, x: f32, y: f32) {
        if self.open {
            self.builder.end(true);
        }
        let p = self.p(x, y);
        self.builder.begin(p);
        self.open = true;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.p(x, y);
        self.builder.line_to(p);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (c, p) = (self.p(x1, y1), self.p(x, y));
        self.builder.quadratic_bezier_to(c, p);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (c1, c2, p) = (self.p(x1, y1), self.p(x2, y2), self.p(x, y));
        self.builder.cubic_bezier_to(c1, c2, p);
    }

    fn close(&mut self) {
        if self.open {
            self.builder.end(true);
            self.open = false;
        }
    }
}

/// Flattens a path into closed polylines in f64 (mm).
fn flatten(path: lyon_path::Path, tolerance: f64) -> Vec<Vec<Point2>> {
    let mut out = Vec::new();
    let mut current: Vec<Point2> = Vec::new();
    for ev in path.iter().flattened(tolerance as f32) {
        match ev {
            PathEvent::Begin { at } => {
                current = vec![Point2::new(f64::from(at.x), f64::from(at.y))];
            }
            PathEvent::Line { to, .. } => {
                current.push(Point2::new(f64::from(to.x), f64::from(to.y)))
            }
            PathEvent::End { .. } => {
                if current.len() > 1 && (current[0] - current[current.len() - 1]).norm() < 1e-9 {
                    current.pop();
                }
                current.dedup_by(|a, b| (*a - *b).norm() < 1e-9);
                out.push(std::mem::take(&mut current));
            }
            PathEvent::Quadratic { .. } | PathEvent::Cubic { .. } => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_height_is_respected() {
        let font = Font::embedded();
        let l = layout_line(&font, "H", 2.0, &LayoutOptions::default()).unwrap();
        assert!((l.y_max - 2.0).abs() < 0.01, "{}", l.y_max);
        assert!(l.y_min.abs() < 0.01);
    }

    #[test]
    fn kerning_shortens_av() {
        let font = Font::embedded();
        let o = LayoutOptions::default();
        let av = measure_line(&font, "AV", 2.0, &o).unwrap();
        let sum =
            measure_line(&font, "A", 2.0, &o).unwrap() + measure_line(&font, "V", 2.0, &o).unwrap();
        assert!(av < sum - 1e-3, "AV {av} vs A+V {sum}");
    }

    #[test]
    fn missing_glyph_names_the_character() {
        let font = Font::embedded();
        let err = layout_line(&font, "egg 京", 2.0, &LayoutOptions::default()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains('京') && msg.contains("U+4EAC"), "{msg}");
    }

    #[test]
    fn empty_text_is_an_error() {
        let font = Font::embedded();
        assert!(matches!(
            layout_line(&font, "   ", 2.0, &LayoutOptions::default()),
            Err(CoreError::EmptyText)
        ));
    }

    #[test]
    fn auto_height_fits_the_reference_phrase() {
        let font = Font::embedded();
        let o = LayoutOptions::default();
        let text = "10th Anniversary of Beijing-Tianjin-Hebei Coordinated Development";
        let circumference = std::f64::consts::PI * 43.0;
        let h = auto_cap_height(&font, text, circumference, &o).unwrap();
        let w = measure_line(&font, text, h, &o).unwrap();
        assert!(h <= AUTO_HEIGHT_MAX && h > 1.0, "{h}");
        assert!(w <= 0.85 * circumference + 1e-9, "{w}");
        assert!(w > 0.84 * circumference, "{w}");
    }

    #[test]
    fn flattened_outline_is_within_tolerance_of_a_circle_like_o() {
        // The bowl of 'o' is made of curves: all vertices must be close to each other
        // along the contour (no long chords).
        let font = Font::embedded();
        let l = layout_line(
            &font,
            "o",
            3.0,
            &LayoutOptions::default().with_tolerance(0.001),
        )
        .unwrap();
        for c in &l.glyphs[0].contours {
            for w in c.windows(2) {
                assert!((w[1] - w[0]).norm() < 0.5);
            }
        }
    }
}
