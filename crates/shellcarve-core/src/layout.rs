//! Text layout in the unwrapped text plane: shaped glyph outlines in millimetres.
//!
//! x runs along the baseline, y up. The first line's baseline is y = 0 and the block of
//! lines spans x = 0 to its width (the longest line); further lines stack downward, each
//! `line_spacing × cap height` below the one before, aligned left, centred or right
//! within the block. Placing the block on the shell puts the *first* line's baseline on
//! the baseline parallel.

use lyon_path::iterator::PathIterator;
use lyon_path::math::point;
use lyon_path::PathEvent;

use crate::error::{CoreError, Result};
use crate::font::Font;
use crate::hershey::HersheyFace;
use crate::math::Point2;

/// Default chord tolerance for flattening glyph outlines (mm): the largest distance
/// between a curve and the polyline that replaces it.
pub const DEFAULT_FLATTEN_TOL: f64 = 0.001;
/// Largest cap height `auto` picks (mm).
pub const AUTO_HEIGHT_MAX: f64 = 5.0;
/// Fraction of the available length that `auto` lets a line span.
pub const AUTO_LENGTH_FRACTION: f64 = 0.85;
/// Default distance between consecutive baselines, as a multiple of the cap height.
pub const DEFAULT_LINE_SPACING: f64 = 1.6;

/// How the lines of a block line up with each other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Align {
    /// Every line starts at the block's left edge.
    Left,
    /// Every line is centred in the block (the default).
    #[default]
    Center,
    /// Every line ends at the block's right edge.
    Right,
}

impl Align {
    /// Names accepted by [`Align::parse`].
    pub const NAMES: &'static [&'static str] = &["left", "center", "right"];

    /// Parses `left`, `center` (or `centre`) or `right`.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "left" => Ok(Self::Left),
            "center" | "centre" => Ok(Self::Center),
            "right" => Ok(Self::Right),
            _ => Err(CoreError::BadSpec {
                what: "alignment".into(),
                given: text.into(),
                expected: Self::NAMES.join(", "),
            }),
        }
    }

    /// Where a line `width` wide starts in a block `block_width` wide.
    fn start(self, width: f64, block_width: f64) -> f64 {
        match self {
            Align::Left => 0.0,
            Align::Center => (block_width - width) / 2.0,
            Align::Right => block_width - width,
        }
    }
}

impl std::fmt::Display for Align {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        })
    }
}

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

/// Options for laying out text.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LayoutOptions {
    /// Extra space added after every glyph (mm). Default 0.
    pub letter_spacing: f64,
    /// Chord tolerance for flattening outlines (mm). Default [`DEFAULT_FLATTEN_TOL`].
    pub tolerance: f64,
    /// Alignment of the lines within the block. Default [`Align::Center`].
    pub align: Align,
    /// Distance between consecutive baselines as a multiple of the cap height.
    /// Default [`DEFAULT_LINE_SPACING`].
    pub line_spacing: f64,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        Self {
            letter_spacing: 0.0,
            tolerance: DEFAULT_FLATTEN_TOL,
            align: Align::Center,
            line_spacing: DEFAULT_LINE_SPACING,
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

    /// Sets the alignment of the lines.
    pub fn with_align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }

    /// Sets the baseline-to-baseline distance as a multiple of the cap height.
    pub fn with_line_spacing(mut self, factor: f64) -> Self {
        self.line_spacing = factor;
        self
    }

    fn validate(&self) -> Result<()> {
        crate::error::check_range("flattening tolerance (mm)", self.tolerance, 1e-5, 0.1)?;
        crate::error::check_range("letter spacing (mm)", self.letter_spacing, -100.0, 100.0)?;
        crate::error::check_range(
            "--line-spacing (× cap height)",
            self.line_spacing,
            0.5,
            10.0,
        )?;
        Ok(())
    }
}

/// One shaped glyph in the text plane (mm): closed contours bounding areas, and open
/// strokes (single-stroke fonts, stroked SVG lines) that are cut along, never filled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Glyph {
    /// The first character of the glyph's cluster.
    pub ch: char,
    /// Closed contours (the last point is not repeated); filled by the non-zero rule.
    pub contours: Vec<Vec<Point2>>,
    /// The line the glyph belongs to (0 = the first).
    pub line: usize,
    /// Open polylines (two points or more) the tool centre follows.
    pub strokes: Vec<Vec<Point2>>,
}

impl Glyph {
    /// Every point of the glyph: contour vertices, then stroke vertices.
    pub fn points(&self) -> impl Iterator<Item = &Point2> {
        self.contours.iter().chain(&self.strokes).flatten()
    }

    /// Every point of the glyph, to move.
    fn points_mut(&mut self) -> impl Iterator<Item = &mut Point2> {
        self.contours
            .iter_mut()
            .chain(self.strokes.iter_mut())
            .flatten()
    }
}

/// Where one line of a block sits in the text plane.
#[derive(Debug, Clone, PartialEq)]
pub struct LineInfo {
    /// The line's text.
    pub text: String,
    /// x of the line's start (mm).
    pub x_start: f64,
    /// Advance width of the line (mm; 0 for an empty line).
    pub width: f64,
    /// y of the line's baseline (mm).
    pub baseline_y: f64,
}

/// Laid-out text: one line or a block of lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout2d {
    /// Glyphs with outlines (spaces and other blank glyphs are left out).
    pub glyphs: Vec<Glyph>,
    /// Width of the block (mm): the advance width of the longest line.
    pub width: f64,
    /// Cap height (mm).
    pub cap_height: f64,
    /// Lowest y of any outline (mm, ≤ 0 with descenders).
    pub y_min: f64,
    /// Highest y of any outline (mm).
    pub y_max: f64,
    /// The lines, first to last.
    pub lines: Vec<LineInfo>,
}

impl Layout2d {
    /// The layout mirrored about the line y = x (x and y swapped in every point):
    /// reading it along horizontal lines reads the original along vertical ones.
    /// Winding flips, which the non-zero rule does not mind. `width`, `y_min` and
    /// `y_max` describe the swapped extents; `lines` are dropped.
    pub fn transposed(&self) -> Layout2d {
        let swap = |v: &Vec<Point2>| v.iter().map(|p| Point2::new(p.y, p.x)).collect();
        let glyphs: Vec<Glyph> = self
            .glyphs
            .iter()
            .map(|g| Glyph {
                ch: g.ch,
                contours: g.contours.iter().map(swap).collect(),
                line: g.line,
                strokes: g.strokes.iter().map(swap).collect(),
            })
            .collect();
        let (lo, hi) = glyphs
            .iter()
            .flat_map(Glyph::points)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.x), hi.max(p.x))
            });
        Layout2d {
            width: if hi >= lo { hi - lo } else { 0.0 },
            cap_height: self.cap_height,
            y_min: self
                .glyphs
                .iter()
                .flat_map(Glyph::points)
                .map(|p| p.x)
                .fold(f64::INFINITY, f64::min),
            y_max: self
                .glyphs
                .iter()
                .flat_map(Glyph::points)
                .map(|p| p.x)
                .fold(f64::NEG_INFINITY, f64::max),
            glyphs,
            lines: Vec::new(),
        }
    }

    /// Moves every outline by `(dx, dy)`.
    pub fn translate(&mut self, dx: f64, dy: f64) {
        for g in &mut self.glyphs {
            for p in g.points_mut() {
                p.x += dx;
                p.y += dy;
            }
        }
        self.y_min += dy;
        self.y_max += dy;
        for l in &mut self.lines {
            l.x_start += dx;
            l.baseline_y += dy;
        }
    }
}

/// Splits text into lines at `\n` (a `\r` before it is dropped).
pub fn split_lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

fn single_line(text: &str) -> Result<()> {
    if text.contains(['\n', '\r']) {
        return Err(CoreError::BadSpec {
            what: "text".into(),
            given: text.into(),
            expected: "a single line here; lay out several lines with layout_text".into(),
        });
    }
    Ok(())
}

/// Checks that every character of one line (possibly blank) has a glyph.
fn check_glyphs(font: &Font, shaper: &Shaper<'_>, text: &str) -> Result<()> {
    for ch in text.chars() {
        if ch.is_whitespace() || ch.is_control() {
            continue;
        }
        if !shaper.has_glyph(ch) {
            return Err(CoreError::MissingGlyph {
                font: font.name().to_string(),
                ch,
                code: u32::from(ch),
            });
        }
    }
    Ok(())
}

fn check_text(font: &Font, shaper: &Shaper<'_>, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(CoreError::EmptyText);
    }
    single_line(text)?;
    check_glyphs(font, shaper, text)
}

/// Advance width (mm) of one line of `text` at cap height `cap_height`, after shaping.
pub fn measure_line(
    font: &Font,
    text: &str,
    cap_height: f64,
    options: &LayoutOptions,
) -> Result<f64> {
    let shaper = Shaper::new(font)?;
    check_text(font, &shaper, text)?;
    Ok(shaper.advance(text, cap_height, options))
}

/// Advance widths (mm) of every line of `text` (lines split at `\n`; an empty line
/// measures 0).
pub fn measure_lines(
    font: &Font,
    text: &str,
    cap_height: f64,
    options: &LayoutOptions,
) -> Result<Vec<f64>> {
    let shaper = Shaper::new(font)?;
    if text.trim().is_empty() {
        return Err(CoreError::EmptyText);
    }
    split_lines(text)
        .into_iter()
        .map(|line| {
            check_glyphs(font, &shaper, line)?;
            Ok(shaper.advance(line, cap_height, options))
        })
        .collect()
}

/// What turns a line of text into glyphs: rustybuzz over an outline face, or the
/// per-character advance of a single-stroke font (Hershey fonts have no kerning).
enum Shaper<'a> {
    Outline(Box<rustybuzz::Face<'a>>),
    Hershey(HersheyFace),
}

impl<'a> Shaper<'a> {
    fn new(font: &'a Font) -> Result<Self> {
        match font.hershey_face() {
            Some(h) => Ok(Self::Hershey(h)),
            None => Ok(Self::Outline(Box::new(font.face()?))),
        }
    }

    fn has_glyph(&self, ch: char) -> bool {
        match self {
            Self::Outline(face) => face.glyph_index(ch).is_some(),
            Self::Hershey(h) => h.glyph(ch).is_some(),
        }
    }

    /// Millimetres per font unit at `cap_height`.
    fn scale(&self, cap_height: f64) -> f64 {
        match self {
            Self::Outline(face) => cap_height / Font::cap_height_units(face),
            Self::Hershey(h) => cap_height / h.cap_height_units(),
        }
    }

    /// Advance width (mm) of one line.
    fn advance(&self, text: &str, cap_height: f64, options: &LayoutOptions) -> f64 {
        if text.is_empty() {
            return 0.0;
        }
        let scale = self.scale(cap_height);
        match self {
            Self::Outline(face) => {
                let shaped = shape(face, text);
                let n = shaped.glyph_positions().len() as f64;
                let units: i64 = shaped
                    .glyph_positions()
                    .iter()
                    .map(|p| i64::from(p.x_advance))
                    .sum();
                units as f64 * scale + n * options.letter_spacing
            }
            Self::Hershey(h) => text
                .chars()
                .map(|ch| hershey_advance(h, ch) * scale + options.letter_spacing)
                .sum(),
        }
    }

    /// The glyphs of one line starting at x = 0 on the baseline y = 0, and its advance.
    fn shape_line(&self, text: &str, scale: f64, options: &LayoutOptions) -> (Vec<Glyph>, f64) {
        match self {
            Self::Outline(face) => shape_line(face, text, scale, options),
            Self::Hershey(h) => {
                let mut pen = 0.0;
                let mut glyphs = Vec::new();
                for ch in text.chars() {
                    if let Some(g) = h.glyph(ch).filter(|g| !g.strokes.is_empty()) {
                        let strokes = g
                            .strokes
                            .iter()
                            .map(|s| {
                                s.iter()
                                    .map(|p| Point2::new(pen + p.x * scale, p.y * scale))
                                    .collect()
                            })
                            .collect();
                        glyphs.push(Glyph {
                            ch,
                            strokes,
                            ..Glyph::default()
                        });
                    }
                    pen += hershey_advance(h, ch) * scale + options.letter_spacing;
                }
                (glyphs, pen)
            }
        }
    }
}

/// Advance of one character in font units; white space the font lacks (a tab) takes
/// the space's.
fn hershey_advance(h: &HersheyFace, ch: char) -> f64 {
    h.glyph(ch)
        .or_else(|| h.glyph(' ').filter(|_| ch.is_whitespace()))
        .map_or(0.0, |g| g.advance)
}

/// The cap height for [`TextHeight::Auto`]: the largest up to [`AUTO_HEIGHT_MAX`] at
/// which the longest line (`text` may hold several, split at `\n`) is at most
/// [`AUTO_LENGTH_FRACTION`] × `available_length` long.
pub fn auto_cap_height(
    font: &Font,
    text: &str,
    available_length: f64,
    options: &LayoutOptions,
) -> Result<f64> {
    let target = AUTO_LENGTH_FRACTION * available_length;
    // Each line's width is affine in the cap height: w(h) = h·k + n·spacing.
    let w1 = measure_lines(font, text, 1.0, options)?;
    let w0 = measure_lines(font, text, 0.0, options)?;
    let mut h = AUTO_HEIGHT_MAX;
    for (a, b) in w0.iter().zip(&w1) {
        let per_mm = b - a;
        if per_mm > 0.0 {
            h = h.min((target - a) / per_mm);
        }
    }
    // Round down to 0.01 mm so the printed value is the one used.
    let h = (h * 100.0).floor() / 100.0;
    if h.is_nan() || h < 0.1 {
        let longest = measure_lines(font, text, 0.1, options)?
            .into_iter()
            .fold(0.0, f64::max);
        return Err(CoreError::TextTooLong {
            text_mm: longest,
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

/// Shapes one line of `text` (kerning and ligatures from the font) and returns its
/// outlines at the given cap height (mm), flattened to `options.tolerance`. For
/// several lines use [`layout_text`].
pub fn layout_line(
    font: &Font,
    text: &str,
    cap_height: f64,
    options: &LayoutOptions,
) -> Result<Layout2d> {
    single_line(text)?;
    layout_text(font, text, cap_height, options)
}

/// Shapes `text`, one line or several separated by `\n`, and lays the lines out as a
/// block: the first baseline at y = 0, each next one `options.line_spacing × cap_height`
/// lower, every line placed in the block's width (its longest line) by `options.align`.
/// Empty lines keep their place. Outlines are flattened to `options.tolerance`.
pub fn layout_text(
    font: &Font,
    text: &str,
    cap_height: f64,
    options: &LayoutOptions,
) -> Result<Layout2d> {
    crate::error::check_range("cap height (mm)", cap_height, 0.01, 1000.0)?;
    options.validate()?;
    let shaper = Shaper::new(font)?;
    if text.trim().is_empty() {
        return Err(CoreError::EmptyText);
    }
    let scale = shaper.scale(cap_height);
    let mut shaped_lines = Vec::new();
    for line in split_lines(text) {
        check_glyphs(font, &shaper, line)?;
        shaped_lines.push((line, shaper.shape_line(line, scale, options)));
    }
    let width = shaped_lines
        .iter()
        .map(|(_, (_, w))| *w)
        .fold(0.0, f64::max);
    let mut glyphs = Vec::new();
    let mut lines = Vec::new();
    for (k, (line, (line_glyphs, w))) in shaped_lines.into_iter().enumerate() {
        let x0 = options.align.start(w, width);
        let y0 = -(k as f64) * options.line_spacing * cap_height;
        for mut g in line_glyphs {
            for p in g.points_mut() {
                p.x += x0;
                p.y += y0;
            }
            g.line = k;
            glyphs.push(g);
        }
        lines.push(LineInfo {
            text: line.to_string(),
            x_start: x0,
            width: w,
            baseline_y: y0,
        });
    }
    if glyphs.is_empty() {
        return Err(CoreError::EmptyText);
    }
    let (y_min, y_max) = glyphs
        .iter()
        .flat_map(Glyph::points)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.y), hi.max(p.y))
        });
    Ok(Layout2d {
        glyphs,
        width,
        cap_height,
        y_min,
        y_max,
        lines,
    })
}

/// The glyphs of one line starting at x = 0 on the baseline y = 0, and its advance.
fn shape_line(
    face: &rustybuzz::Face<'_>,
    text: &str,
    scale: f64,
    options: &LayoutOptions,
) -> (Vec<Glyph>, f64) {
    if text.is_empty() {
        return (Vec::new(), 0.0);
    }
    let shaped = shape(face, text);
    let mut pen = 0.0;
    let mut glyphs = Vec::new();
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
            if !contours.is_empty() {
                glyphs.push(Glyph {
                    ch,
                    contours,
                    ..Glyph::default()
                });
            }
        }
        pen += f64::from(pos.x_advance) * scale + options.letter_spacing;
    }
    (glyphs, pen)
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

    #[test]
    fn two_lines_are_one_line_spacing_apart() {
        let font = Font::embedded();
        let o = LayoutOptions::default();
        let l = layout_text(&font, "HI\nH", 2.0, &o).unwrap();
        assert_eq!(l.lines.len(), 2);
        let dy = l.lines[0].baseline_y - l.lines[1].baseline_y;
        assert!((dy - DEFAULT_LINE_SPACING * 2.0).abs() < 1e-12, "{dy}");
        // The second line's 'H' spans its own baseline to one cap height above it.
        let second: Vec<&Glyph> = l.glyphs.iter().filter(|g| g.line == 1).collect();
        assert_eq!(second.len(), 1);
        let ys = second[0].contours.iter().flatten().map(|p| p.y);
        let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
            (a.min(y), b.max(y))
        });
        assert!(
            (lo + 3.2).abs() < 0.01 && (hi + 1.2).abs() < 0.01,
            "{lo} {hi}"
        );
        assert!((l.y_min + 3.2).abs() < 0.01 && (l.y_max - 2.0).abs() < 0.01);
        // A custom spacing and CRLF line ends.
        let l = layout_text(&font, "H\r\nH", 2.0, &o.clone().with_line_spacing(2.5)).unwrap();
        assert!((l.lines[1].baseline_y + 5.0).abs() < 1e-12);
        assert_eq!(l.lines[1].text, "H");
        // layout_line keeps refusing several lines, naming the way out.
        let err = layout_line(&font, "a\nb", 2.0, &o).unwrap_err().to_string();
        assert!(err.contains("layout_text"), "{err}");
    }

    #[test]
    fn alignment_puts_line_ends_where_expected() {
        let font = Font::embedded();
        let text = "WIDE LINE\nab";
        let wide = measure_line(&font, "WIDE LINE", 2.0, &LayoutOptions::default()).unwrap();
        let short = measure_line(&font, "ab", 2.0, &LayoutOptions::default()).unwrap();
        for (align, start, end) in [
            (Align::Left, 0.0, short),
            (Align::Center, (wide - short) / 2.0, (wide + short) / 2.0),
            (Align::Right, wide - short, wide),
        ] {
            let o = LayoutOptions::default().with_align(align);
            let l = layout_text(&font, text, 2.0, &o).unwrap();
            assert!((l.width - wide).abs() < 1e-9);
            let line = &l.lines[1];
            assert!((line.x_start - start).abs() < 1e-9, "{align}");
            assert!((line.x_start + line.width - end).abs() < 1e-9, "{align}");
            assert_eq!(l.lines[0].x_start, 0.0);
            // The ink of "ab" lies within its advance box.
            let xs = l.glyphs.iter().filter(|g| g.line == 1);
            for p in xs.flat_map(|g| g.contours.iter().flatten()) {
                assert!(p.x > start - 0.2 && p.x < end + 0.2, "{align}: {p}");
            }
        }
        assert_eq!(Align::parse("Centre").unwrap(), Align::Center);
        assert!(Align::parse("justify").is_err());
    }

    #[test]
    fn auto_height_fits_the_longest_of_two_lines() {
        let font = Font::embedded();
        let o = LayoutOptions::default();
        let long = "Beijing-Tianjin-Hebei Coordinated Development";
        let text = format!("10th Anniversary of\n{long}");
        let circumference = std::f64::consts::PI * 43.0;
        let h = auto_cap_height(&font, &text, circumference, &o).unwrap();
        assert_eq!(h, auto_cap_height(&font, long, circumference, &o).unwrap());
        let widths = measure_lines(&font, &text, h, &o).unwrap();
        assert_eq!(widths.len(), 2);
        assert!(widths[1] <= 0.85 * circumference + 1e-9, "{widths:?}");
        assert!(widths[1] > 0.84 * circumference, "{widths:?}");
        assert!(widths[0] < widths[1]);
        // Blank lines alone are still empty text.
        assert!(matches!(
            layout_text(&font, "\n \n", 2.0, &o),
            Err(CoreError::EmptyText)
        ));
    }

    #[test]
    fn right_to_left_text_is_reordered_and_arabic_joins() {
        // Hebrew "אבג" (alef, bet, gimel in logical order) is drawn right to left:
        // the leftmost glyph is the last letter.
        let font = Font::embedded();
        let o = LayoutOptions::default();
        let l = layout_line(&font, "אבג", 2.0, &o).unwrap();
        let chars: Vec<char> = l.glyphs.iter().map(|g| g.ch).collect();
        assert_eq!(chars, vec!['ג', 'ב', 'א']);
        let left = |g: &Glyph| {
            g.contours
                .iter()
                .flatten()
                .map(|p| p.x)
                .fold(f64::INFINITY, f64::min)
        };
        assert!(left(&l.glyphs[0]) < left(&l.glyphs[1]) && left(&l.glyphs[1]) < left(&l.glyphs[2]));
        // Arabic beh joined to beh takes its initial and final forms, not two isolated
        // ones: the joined pair is narrower than twice the isolated letter.
        let pair = measure_line(&font, "بب", 2.0, &o).unwrap();
        let one = measure_line(&font, "ب", 2.0, &o).unwrap();
        assert!(pair < 2.0 * one - 0.1, "{pair} vs 2 × {one}");
    }

    #[test]
    fn hershey_text_is_open_strokes_at_the_cap_height_with_no_closing_segments() {
        let font = Font::hershey("romans").unwrap();
        assert!(font.is_single_stroke());
        let o = LayoutOptions::default();
        let l = layout_line(&font, "HI L", 4.2, &o).unwrap();
        assert_eq!(l.glyphs.len(), 3, "the space has no glyph");
        assert!(l.glyphs.iter().all(|g| g.contours.is_empty()));
        // H: two stems and a bar; I: one stem; L: stem and foot — each stroke exactly
        // as drawn, none closed back to its start.
        let counts: Vec<usize> = l.glyphs.iter().map(|g| g.strokes.len()).collect();
        assert_eq!(counts, [3, 1, 2]);
        for s in l.glyphs.iter().flat_map(|g| &g.strokes) {
            assert!(s.len() >= 2);
            assert_ne!(s.first(), s.last(), "{s:?}");
        }
        // Stems run from the baseline to the cap height (21 units → 4.2 mm).
        assert!(
            l.y_min.abs() < 1e-12 && (l.y_max - 4.2).abs() < 1e-12,
            "{l:?}"
        );
        // The advance is measured, not guessed: H is 22 units, I 8, space 16.
        let w = measure_line(&font, "HI L", 4.2, &o).unwrap();
        let unit = 4.2 / 21.0;
        let l_adv = font.hershey_face().unwrap().glyph('L').unwrap().advance;
        assert!((w - unit * (22.0 + 8.0 + 16.0 + l_adv)).abs() < 1e-9, "{w}");
        let err = layout_line(&font, "Egg 京", 3.0, &o)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("hershey:romans") && err.contains("U+4EAC"),
            "{err}"
        );
    }
}
