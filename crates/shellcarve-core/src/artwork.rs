//! SVG artwork (a logo, a motif) engraved beside or instead of the words.
//!
//! The SVG is read with usvg, which resolves styles, `use` references, shapes (rect,
//! circle, ...) and transforms into plain paths; text elements are not read (convert
//! text to paths first, e.g. Inkscape's Path › Object to Path). Every visible path
//! becomes one [`Glyph`]: a filled path gives closed contours (an area that the
//! strategies fill or outline), a path that is only stroked gives open strokes (a line
//! the tool follows). Each path is its own glyph so that overlapping shapes are cut
//! as their union, whatever their winding. `fill-rule: evenodd` is honoured by
//! re-orienting each contour by how deeply it is nested, so the non-zero rule of the
//! strategies sees the same holes.

use lyon_path::iterator::PathIterator;
use lyon_path::math::point;
use lyon_path::PathEvent;

use crate::error::{CoreError, Result};
use crate::layout::{Glyph, Layout2d};
use crate::math::Point2;
use crate::strategy::winding_inside;

/// The character that stands for artwork in glyph labels and messages
/// (U+FFFC OBJECT REPLACEMENT CHARACTER).
pub const ARTWORK_CHAR: char = '\u{FFFC}';

/// Largest SVG file read (bytes): a logo is kilobytes; this bounds the work.
pub const MAX_SVG_BYTES: usize = 8 << 20;

/// Chord tolerance of the flattening, as a fraction of the artwork's larger side.
const FLATTEN_FRACTION: f64 = 1e-4;

/// One path of the artwork, in SVG user units with y up.
#[derive(Debug, Clone, PartialEq)]
struct Shape {
    contours: Vec<Vec<Point2>>,
    strokes: Vec<Vec<Point2>>,
}

/// Vector artwork read from an SVG, ready to be scaled into the text plane.
#[derive(Debug, Clone, PartialEq)]
pub struct Artwork {
    name: String,
    shapes: Vec<Shape>,
    min: Point2,
    max: Point2,
}

impl Artwork {
    /// Reads an SVG file.
    pub fn from_svg_file(path: &std::path::Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|error| CoreError::InputIo {
            what: "SVG file".into(),
            path: path.display().to_string(),
            error,
        })?;
        Self::from_svg_bytes(&bytes, &path.display().to_string())
    }

    /// Reads SVG data (`name` is used in messages).
    pub fn from_svg_bytes(bytes: &[u8], name: &str) -> Result<Self> {
        let bad = |reason: String| CoreError::BadSvg {
            name: name.to_string(),
            reason,
        };
        if bytes.len() > MAX_SVG_BYTES {
            return Err(bad(format!(
                "it is {} bytes, more than the {MAX_SVG_BYTES} read",
                bytes.len()
            )));
        }
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return Err(bad("it is compressed (.svgz); give the plain .svg".into()));
        }
        let tree = usvg::Tree::from_data(bytes, &usvg::Options::default())
            .map_err(|e| bad(e.to_string()))?;
        let mut raw = Vec::new();
        collect_paths(tree.root(), &mut raw);
        if raw.is_empty() {
            return Err(bad(
                "it holds no visible filled or stroked path (text must be converted to paths first)"
                    .into(),
            ));
        }
        let (mut min, mut max) = (
            Point2::new(f64::INFINITY, f64::INFINITY),
            Point2::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
        );
        for p in raw.iter().flat_map(|r| r.path.points()) {
            let (x, y) = (f64::from(p.x), -f64::from(p.y));
            min = Point2::new(min.x.min(x), min.y.min(y));
            max = Point2::new(max.x.max(x), max.y.max(y));
        }
        let size = (max.x - min.x).max(max.y - min.y);
        if !(size.is_finite() && size > 0.0) {
            return Err(bad("its paths have no extent".into()));
        }
        let tol = size * FLATTEN_FRACTION;
        let mut shapes = Vec::new();
        for r in raw {
            let polylines = flatten(&r.path, tol);
            let shape = if r.filled {
                let mut contours: Vec<Vec<Point2>> = polylines
                    .into_iter()
                    .map(|(mut c, _)| {
                        if c.len() > 1 && c.first() == c.last() {
                            c.pop();
                        }
                        c
                    })
                    .filter(|c| c.len() >= 3 && signed_area(c).abs() > tol * tol)
                    .collect();
                if r.even_odd {
                    orient_by_nesting(&mut contours);
                }
                Shape {
                    contours,
                    strokes: Vec::new(),
                }
            } else {
                let strokes = polylines
                    .into_iter()
                    .map(|(mut s, closed)| {
                        if closed && s.first() != s.last() {
                            let first = s[0];
                            s.push(first);
                        }
                        s
                    })
                    .filter(|s| s.len() >= 2)
                    .collect();
                Shape {
                    contours: Vec::new(),
                    strokes,
                }
            };
            if !shape.contours.is_empty() || !shape.strokes.is_empty() {
                shapes.push(shape);
            }
        }
        if shapes.is_empty() {
            return Err(bad(
                "its paths are all degenerate (no area, no length)".into()
            ));
        }
        Ok(Self {
            name: name.to_string(),
            shapes,
            min,
            max,
        })
    }

    /// The file name or description given when reading.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Width over height of the artwork's bounding box.
    pub fn aspect(&self) -> f64 {
        let h = self.max.y - self.min.y;
        if h > 0.0 {
            (self.max.x - self.min.x) / h
        } else {
            f64::INFINITY
        }
    }

    /// The number of filled areas and of open strokes.
    pub fn counts(&self) -> (usize, usize) {
        self.shapes.iter().fold((0, 0), |(a, s), sh| {
            (a + sh.contours.len(), s + sh.strokes.len())
        })
    }

    /// The artwork as glyphs (one per SVG path, on `line`), scaled uniformly so that
    /// its bounding box is `height` mm tall (or, for a flat line of art, `height` mm
    /// wide), its lower-left corner at `origin`.
    pub fn glyphs(&self, height: f64, origin: Point2, line: usize) -> Result<Vec<Glyph>> {
        crate::error::check_range("--svg-height (mm)", height, 0.01, 1000.0)?;
        let (w, h) = (self.max.x - self.min.x, self.max.y - self.min.y);
        let scale = if h > 0.0 { height / h } else { height / w };
        let map = |v: &Vec<Point2>| -> Vec<Point2> {
            v.iter()
                .map(|p| {
                    Point2::new(
                        origin.x + (p.x - self.min.x) * scale,
                        origin.y + (p.y - self.min.y) * scale,
                    )
                })
                .collect()
        };
        Ok(self
            .shapes
            .iter()
            .map(|s| Glyph {
                ch: ARTWORK_CHAR,
                contours: s.contours.iter().map(map).collect(),
                line,
                strokes: s.strokes.iter().map(map).collect(),
            })
            .collect())
    }
}

/// Space between the text block and artwork placed beside it, × the cap height.
pub const ARTWORK_GAP: f64 = 0.5;

/// Lays artwork out `height` mm tall: alone (its lower-left corner at the origin, the
/// way a one-line text starts), or beside a text block — after its right end, the gap
/// [`ARTWORK_GAP`] × cap height away, the artwork's foot on the last line's baseline.
/// The block's width grows to include it.
pub fn place_artwork(text: Option<Layout2d>, art: &Artwork, height: f64) -> Result<Layout2d> {
    match text {
        None => {
            let glyphs = art.glyphs(height, Point2::origin(), 0)?;
            Ok(Layout2d {
                width: height * art.aspect().min(1e6),
                cap_height: height,
                y_min: 0.0,
                y_max: height,
                glyphs,
                lines: Vec::new(),
            })
        }
        Some(mut layout) => {
            let last = layout.lines.len().saturating_sub(1);
            let foot = layout.lines.last().map_or(0.0, |l| l.baseline_y);
            let x0 = layout.width + ARTWORK_GAP * layout.cap_height;
            let glyphs = art.glyphs(height, Point2::new(x0, foot), last)?;
            let right = glyphs
                .iter()
                .flat_map(Glyph::points)
                .map(|p| p.x)
                .fold(x0, f64::max);
            layout.width = right;
            layout.y_min = layout.y_min.min(foot);
            layout.y_max = layout.y_max.max(foot + height);
            layout.glyphs.extend(glyphs);
            Ok(layout)
        }
    }
}

/// A visible path with its absolute transform applied, and how it is painted.
struct RawPath {
    path: usvg::tiny_skia_path::Path,
    filled: bool,
    even_odd: bool,
}

fn collect_paths(group: &usvg::Group, out: &mut Vec<RawPath>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => collect_paths(g, out),
            usvg::Node::Path(p) => {
                if !p.is_visible() || (p.fill().is_none() && p.stroke().is_none()) {
                    continue;
                }
                let Some(path) = p.data().clone().transform(p.abs_transform()) else {
                    continue;
                };
                if path
                    .points()
                    .iter()
                    .any(|q| !(q.x.is_finite() && q.y.is_finite()))
                {
                    continue;
                }
                out.push(RawPath {
                    path,
                    filled: p.fill().is_some(),
                    even_odd: p
                        .fill()
                        .is_some_and(|f| f.rule() == usvg::FillRule::EvenOdd),
                });
            }
            usvg::Node::Image(_) | usvg::Node::Text(_) => {}
        }
    }
}

/// Flattens a path into polylines with y up, each with whether it was closed.
fn flatten(path: &usvg::tiny_skia_path::Path, tol: f64) -> Vec<(Vec<Point2>, bool)> {
    use usvg::tiny_skia_path::PathSegment;
    let mut b = lyon_path::Path::builder();
    let mut open = false;
    let p = |q: usvg::tiny_skia_path::Point| point(q.x, -q.y);
    for seg in path.segments() {
        match seg {
            PathSegment::MoveTo(q) => {
                if open {
                    b.end(false);
                }
                b.begin(p(q));
                open = true;
            }
            PathSegment::LineTo(q) if open => {
                b.line_to(p(q));
            }
            PathSegment::QuadTo(c, q) if open => {
                b.quadratic_bezier_to(p(c), p(q));
            }
            PathSegment::CubicTo(c1, c2, q) if open => {
                b.cubic_bezier_to(p(c1), p(c2), p(q));
            }
            PathSegment::Close if open => {
                b.end(true);
                open = false;
            }
            _ => {}
        }
    }
    if open {
        b.end(false);
    }
    let mut out = Vec::new();
    let mut current: Vec<Point2> = Vec::new();
    for ev in b.build().iter().flattened(tol as f32) {
        match ev {
            PathEvent::Begin { at } => {
                current = vec![Point2::new(f64::from(at.x), f64::from(at.y))];
            }
            PathEvent::Line { to, .. } => {
                let q = Point2::new(f64::from(to.x), f64::from(to.y));
                if current.last() != Some(&q) {
                    current.push(q);
                }
            }
            PathEvent::End { close, .. } => {
                out.push((std::mem::take(&mut current), close));
            }
            PathEvent::Quadratic { .. } | PathEvent::Cubic { .. } => {}
        }
    }
    out
}

/// The signed area of a closed polygon (positive counter-clockwise).
fn signed_area(c: &[Point2]) -> f64 {
    let n = c.len();
    (0..n)
        .map(|i| {
            let (a, b) = (c[i], c[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum::<f64>()
        / 2.0
}

/// Makes the non-zero rule give the even-odd result: a contour inside an even number
/// of others runs counter-clockwise, inside an odd number clockwise.
fn orient_by_nesting(contours: &mut [Vec<Point2>]) {
    let depths: Vec<usize> = (0..contours.len())
        .map(|i| {
            let probe = contours[i][0];
            (0..contours.len())
                .filter(|&j| j != i)
                .filter(|&j| {
                    let edges: Vec<(Point2, Point2)> = (0..contours[j].len())
                        .map(|k| (contours[j][k], contours[j][(k + 1) % contours[j].len()]))
                        .collect();
                    winding_inside(&edges, &probe)
                })
                .count()
        })
        .collect();
    for (c, d) in contours.iter_mut().zip(depths) {
        let ccw = signed_area(c) > 0.0;
        if ccw != (d % 2 == 0) {
            c.reverse();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGO: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">
      <rect x="0" y="0" width="20" height="10" fill="black"/>
      <path d="M 25 0 L 40 20" stroke="black" fill="none"/>
      <g transform="translate(0 10)"><circle cx="5" cy="5" r="5" fill="red" fill-rule="evenodd"/></g>
    </svg>"#;

    #[test]
    fn shapes_become_areas_and_lines_become_strokes_scaled_to_height() {
        let art = Artwork::from_svg_bytes(LOGO.as_bytes(), "logo.svg").unwrap();
        assert_eq!(art.counts(), (2, 1));
        assert!((art.aspect() - 2.0).abs() < 1e-6, "{}", art.aspect());
        let g = art.glyphs(4.0, Point2::new(1.0, 0.0), 0).unwrap();
        assert_eq!(g.len(), 3, "one glyph per path");
        // The rectangle: top-left in SVG → 20×10 units at 0.2 mm/unit, y flipped, so
        // it spans x 1..5, y 2..4 mm.
        let rect = &g[0].contours[0];
        let xs: Vec<f64> = rect.iter().map(|p| p.x).collect();
        let ys: Vec<f64> = rect.iter().map(|p| p.y).collect();
        let span = |v: &[f64]| {
            (
                v.iter().copied().fold(f64::INFINITY, f64::min),
                v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            )
        };
        let (x0, x1) = span(&xs);
        let (y0, y1) = span(&ys);
        assert!((x0 - 1.0).abs() < 1e-4 && (x1 - 5.0).abs() < 1e-4, "{xs:?}");
        assert!((y0 - 2.0).abs() < 1e-4 && (y1 - 4.0).abs() < 1e-4, "{ys:?}");
        // The stroked line stays open: two ends, from (25,0) to (40,20) in SVG units.
        let line = &g[1].strokes[0];
        assert_eq!(line.len(), 2);
        assert!((line[0] - Point2::new(6.0, 4.0)).norm() < 1e-4, "{line:?}");
        assert!((line[1] - Point2::new(9.0, 0.0)).norm() < 1e-4, "{line:?}");
        // The circle, moved by its group's transform, is flattened within tolerance.
        let c = &g[2].contours[0];
        let centre = Point2::new(2.0, 1.0);
        for p in c {
            assert!(((p - centre).norm() - 1.0).abs() < 1e-3, "{p}");
        }
    }

    #[test]
    fn artwork_goes_after_the_text_on_its_baseline_or_alone_at_the_origin() {
        let art = Artwork::from_svg_bytes(LOGO.as_bytes(), "logo.svg").unwrap();
        let font = crate::Font::embedded();
        let text = crate::layout_line(&font, "EGG", 3.0, &crate::LayoutOptions::default()).unwrap();
        let (w, n) = (text.width, text.glyphs.len());
        let both = place_artwork(Some(text), &art, 3.0).unwrap();
        assert_eq!(both.glyphs.len(), n + 3);
        let art_pts: Vec<&Point2> = both.glyphs[n..].iter().flat_map(Glyph::points).collect();
        let min_x = art_pts.iter().map(|p| p.x).fold(f64::INFINITY, f64::min);
        let min_y = art_pts.iter().map(|p| p.y).fold(f64::INFINITY, f64::min);
        assert!((min_x - (w + 1.5)).abs() < 1e-6, "{min_x} vs {w}");
        let max_y = art_pts
            .iter()
            .map(|p| p.y)
            .fold(f64::NEG_INFINITY, f64::max);
        assert!(
            min_y.abs() < 1e-6 && (max_y - 3.0).abs() < 1e-6,
            "{min_y} {max_y}"
        );
        assert!(both.y_max >= 3.0);
        assert!(
            (both.width - (w + 1.5 + 6.0)).abs() < 1e-6,
            "{}",
            both.width
        );
        let alone = place_artwork(None, &art, 2.0).unwrap();
        assert!((alone.width - 4.0).abs() < 1e-6 && alone.cap_height == 2.0);
        assert!(place_artwork(None, &art, f64::NAN).is_err());
    }

    #[test]
    fn even_odd_holes_are_wound_against_their_outline() {
        // Two squares drawn the same way round: a hole only under even-odd.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
          <path fill-rule="evenodd" d="M0 0 H10 V10 H0 Z M3 3 H7 V7 H3 Z"/></svg>"#;
        let art = Artwork::from_svg_bytes(svg.as_bytes(), "ring.svg").unwrap();
        let g = art.glyphs(10.0, Point2::origin(), 0).unwrap();
        let a: Vec<f64> = g[0].contours.iter().map(|c| signed_area(c)).collect();
        assert_eq!(a.len(), 2);
        assert!(a[0] * a[1] < 0.0, "{a:?}");
        assert!((a[0].abs() - 100.0).abs() < 1e-6 && (a[1].abs() - 16.0).abs() < 1e-6);
    }

    #[test]
    fn bad_svgs_are_clear_errors() {
        for (data, want) in [
            ("not xml at all", "bad.svg"),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><text>Hi</text></svg>"#,
                "converted to paths",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><path d="M1 1 L1 1" stroke="black"/></svg>"#,
                "bad.svg",
            ),
        ] {
            let err = Artwork::from_svg_bytes(data.as_bytes(), "bad.svg")
                .unwrap_err()
                .to_string();
            assert!(err.contains(want) && err.contains("bad.svg"), "{err}");
        }
        let err = Artwork::from_svg_file(std::path::Path::new("/nonexistent/logo.svg"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/logo.svg"), "{err}");
    }
}
