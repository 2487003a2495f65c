//! The `fill` strategy: scan lines clipped to keep the tool inside each glyph,
//! linked into zig-zags, with the reachable fraction of each glyph measured.

use rayon::prelude::*;

use super::geometry::{
    edges_of, inset_intervals, inside_intervals, winding_inside, y_extent, Edge, SegmentGrid,
};
use super::{describe_chars, Stroke, StrokePlan, COVERAGE_ERROR, COVERAGE_WARN};
use crate::error::{CoreError, Result};
use crate::layout::{Glyph, Layout2d};
use crate::math::Point2;
use crate::tool::Tool;

/// True when a disc of radius `r` moved along `p`–`q` stays inside the glyph (whose
/// edges `grid` holds).
fn link_ok(edges: &[Edge], grid: &SegmentGrid, p: &Point2, q: &Point2, r: f64) -> bool {
    let len = (q - p).norm();
    let n = (len / (0.05 * r)).ceil().max(1.0) as usize;
    (0..=n).all(|k| {
        let x = p + (q - p) * (k as f64 / n as f64);
        winding_inside(edges, &x) && !grid.any_closer(&x, r * (1.0 - 1e-3))
    })
}

pub(super) fn fill(layout: &Layout2d, tool: &Tool, radius: f64, step: f64) -> Result<StrokePlan> {
    // Each glyph on its own (in parallel), then gathered in order.
    let glyphs: Vec<(Vec<Stroke>, f64)> = layout
        .glyphs
        .par_iter()
        .enumerate()
        .map(|(gi, g)| {
            let edges = edges_of(g);
            let glyph_strokes = hatch_glyph(g, &edges, gi, radius, step);
            let covered = coverage(g, &edges, &glyph_strokes, radius);
            (glyph_strokes, covered)
        })
        .collect();
    let mut strokes = Vec::new();
    let mut judge = CoverageJudge::default();
    for (g, (glyph_strokes, covered)) in layout.glyphs.iter().zip(glyphs) {
        judge.add(g.ch, covered);
        strokes.extend(glyph_strokes);
    }
    let (min_coverage, warnings) = judge.verdict(tool, radius)?;
    Ok(StrokePlan {
        strokes,
        min_coverage,
        warnings,
        overrun: 0.0,
    })
}

/// The linked scan lines of glyph number `gi` (with edges `edges`), `step` apart.
pub(super) fn hatch_glyph(
    g: &Glyph,
    edges: &[Edge],
    gi: usize,
    radius: f64,
    step: f64,
) -> Vec<Stroke> {
    let (lo, hi) = y_extent(g);
    let span = hi - lo - 2.0 * radius;
    let mut lines: Vec<(f64, Vec<(f64, f64)>)> = Vec::new();
    if span >= 0.0 {
        let n = (span / step).ceil() as usize;
        for k in 0..=n {
            let y = if n == 0 {
                lo + radius + span / 2.0
            } else {
                lo + radius + span * k as f64 / n as f64
            };
            lines.push((y, inset_intervals(edges, y, radius)));
        }
    }
    link_lines(edges, &lines, radius, gi, g.ch)
}

/// Collects the coverage of each glyph and turns it into the warning (below
/// [`COVERAGE_WARN`]) or the error (below [`COVERAGE_ERROR`]) of a fill.
#[derive(Debug)]
pub(super) struct CoverageJudge {
    /// The lowest coverage so far and its character.
    worst: (f64, char),
    /// Characters below [`COVERAGE_WARN`], with their coverage.
    low: Vec<(char, f64)>,
}

impl Default for CoverageJudge {
    fn default() -> Self {
        Self {
            worst: (1.0, ' '),
            low: Vec::new(),
        }
    }
}

impl CoverageJudge {
    /// Records the coverage of one glyph.
    pub(super) fn add(&mut self, ch: char, coverage: f64) {
        if coverage < self.worst.0 {
            self.worst = (coverage, ch);
        }
        if coverage < COVERAGE_WARN {
            self.low.push((ch, coverage));
        }
    }

    /// The smallest coverage and the warnings, or the error when some glyph is below
    /// [`COVERAGE_ERROR`].
    pub(super) fn verdict(self, tool: &Tool, radius: f64) -> Result<(f64, Vec<String>)> {
        let worst = self.worst;
        let too_low: Vec<char> = self
            .low
            .iter()
            .filter(|(_, c)| *c < COVERAGE_ERROR)
            .map(|(ch, _)| *ch)
            .collect();
        if !too_low.is_empty() {
            return Err(CoreError::ToolTooWide {
                tool: tool.to_string(),
                tool_width_mm: 2.0 * radius,
                detail: format!(
                    "it reaches less than {:.0}% of {} (worst {:.0}% of '{}')",
                    COVERAGE_ERROR * 100.0,
                    describe_chars(&too_low),
                    worst.0 * 100.0,
                    worst.1
                ),
            });
        }
        let mut warnings = Vec::new();
        if !self.low.is_empty() {
            let chars: Vec<char> = self.low.iter().map(|(c, _)| *c).collect();
            warnings.push(format!(
                "the tool ({tool}, {:.3} mm wide at the cut depth) reaches only {:.0}% of '{}'; thin parts of {} will be missing; use a narrower tool or a larger --height",
                2.0 * radius,
                worst.0 * 100.0,
                worst.1,
                describe_chars(&chars)
            ));
        }
        Ok((worst.0, warnings))
    }
}

/// Links scan-line intervals into zig-zag strokes: from the end of one interval to an
/// unused interval on the next line when the link keeps the tool inside the glyph.
pub(crate) fn link_lines(
    edges: &[Edge],
    lines: &[(f64, Vec<(f64, f64)>)],
    r: f64,
    gi: usize,
    ch: char,
) -> Vec<Stroke> {
    let grid = SegmentGrid::new(edges.to_vec(), r.max(1e-3));
    let mut used: Vec<Vec<bool>> = lines.iter().map(|(_, v)| vec![false; v.len()]).collect();
    let mut strokes = Vec::new();
    for start_line in 0..lines.len() {
        for start_iv in 0..lines[start_line].1.len() {
            if used[start_line][start_iv] {
                continue;
            }
            used[start_line][start_iv] = true;
            let (y, (s, e)) = (lines[start_line].0, lines[start_line].1[start_iv]);
            let mut pts = vec![Point2::new(s, y), Point2::new(e, y)];
            let mut forward = true;
            let mut line = start_line;
            while line + 1 < lines.len() {
                let end = pts[pts.len() - 1];
                let (ny, ref ivs) = lines[line + 1];
                let next = ivs.iter().enumerate().find_map(|(k, &(s2, e2))| {
                    if used[line + 1][k] {
                        return None;
                    }
                    // Continue in the opposite direction: enter at the near end.
                    let (entry, exit) = if forward { (e2, s2) } else { (s2, e2) };
                    let p = Point2::new(entry, ny);
                    link_ok(edges, &grid, &end, &p, r).then_some((k, p, Point2::new(exit, ny)))
                });
                let Some((k, p, q)) = next else { break };
                used[line + 1][k] = true;
                pts.push(p);
                pts.push(q);
                forward = !forward;
                line += 1;
            }
            let label = format!("glyph {gi} {ch:?} fill {}", strokes.len());
            strokes.push(Stroke::new(pts, false, label));
        }
    }
    strokes
}

/// Fraction of the glyph's area within `r` of a stroke (sampled on a grid).
pub(super) fn coverage(g: &Glyph, edges: &[Edge], strokes: &[Stroke], r: f64) -> f64 {
    coverage_in(g, edges, strokes, r, None)
}

/// Fraction of the glyph's area within `r` of a stroke (closed strokes with their
/// closing segment), sampled on a grid; with `band`, of the part of the glyph within
/// `band` of its outline only.
pub(super) fn coverage_in(
    g: &Glyph,
    edges: &[Edge],
    strokes: &[Stroke],
    r: f64,
    band: Option<f64>,
) -> f64 {
    let (ylo, yhi) = y_extent(g);
    let (xlo, xhi) = g
        .contours
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.x), hi.max(p.x))
        });
    let h = ((yhi - ylo).max(xhi - xlo) / 60.0).max(1e-4);
    let mut segs: Vec<Edge> = Vec::new();
    for s in strokes {
        segs.extend(s.points.windows(2).map(|w| (w[0], w[1])));
        if s.closed && s.points.len() > 2 {
            if let (Some(a), Some(b)) = (s.points.last(), s.points.first()) {
                segs.push((*a, *b));
            }
        }
    }
    let segs = SegmentGrid::new(segs, r.max(h));
    let outline = band.map(|b| (SegmentGrid::new(edges.to_vec(), b.max(h)), b));
    let (mut inside, mut covered) = (0usize, 0usize);
    let mut y = ylo + h / 2.0;
    while y < yhi {
        for (s, e) in inside_intervals(edges, y) {
            let mut x = s + h / 2.0 - ((s + h / 2.0 - xlo) % h);
            while x < e {
                let p = Point2::new(x, y);
                let counted = x > s
                    && outline
                        .as_ref()
                        .is_none_or(|(grid, b)| grid.any_within(&p, *b));
                if counted {
                    inside += 1;
                    if segs.any_within(&p, r) {
                        covered += 1;
                    }
                }
                x += h;
            }
        }
        y += h;
    }
    if inside == 0 {
        1.0
    } else {
        covered as f64 / inside as f64
    }
}
