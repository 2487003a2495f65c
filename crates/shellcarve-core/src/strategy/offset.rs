//! Contour-parallel offsets of the glyph regions: the `offset` fill pattern, the
//! finishing pass along the letter edges, and `outline` with the tool inside the
//! letters. The offsets themselves, and why cavalier_contours makes them, are in
//! `region.rs`.
//!
//! Outlines that cannot be offset (contours crossing themselves, or overlapping in a
//! way the non-zero rule does not make a union) fall back to hatch lines for `fill`,
//! and are an error for `outline` inside the letters.

use super::fill::{coverage, coverage_in, CoverageJudge};
use super::geometry::edges_of;
use super::region::{Inset, Region};
use super::{describe_chars, Stroke, StrokePlan, COVERAGE_WARN};
use crate::error::{CoreError, Result};
use crate::layout::Layout2d;
use crate::math::Point2;
use crate::tool::Tool;

/// Default chord tolerance for flattening the arcs of offset loops (mm): the largest
/// distance between an arc and the segments that replace it (always on the side away
/// from the letter edge).
pub const DEFAULT_OFFSET_TOL: f64 = 0.001;

/// How `fill` clears the inside of the letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FillPattern {
    /// Scan lines along the baseline, linked into zig-zags (the default).
    #[default]
    Hatch,
    /// Contour-parallel loops: the letter's outline offset inward by the tool radius,
    /// then again by the stepover until nothing is left.
    Offset,
}

impl FillPattern {
    /// Names accepted by [`FillPattern::parse`].
    pub const NAMES: &'static [&'static str] = &["hatch", "offset"];

    /// Parses `hatch` or `offset` (also `contour`).
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "hatch" => Ok(Self::Hatch),
            "offset" | "contour" => Ok(Self::Offset),
            _ => Err(CoreError::BadSpec {
                what: "fill pattern".into(),
                given: text.into(),
                expected: Self::NAMES.join(" or "),
            }),
        }
    }
}

impl std::fmt::Display for FillPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FillPattern::Hatch => "hatch",
            FillPattern::Offset => "offset",
        })
    }
}

/// Where `outline` puts the tool centre relative to the glyph contours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutlineOffset {
    /// On the contour: the groove is centred on the letter edge, so letters grow by
    /// the tool radius (the default).
    #[default]
    OnContour,
    /// The tool radius inside the contour: the groove's outer edge is the letter edge,
    /// so letters keep their size. Parts narrower than the tool are left out.
    Inside,
}

impl OutlineOffset {
    /// Names accepted by [`OutlineOffset::parse`].
    pub const NAMES: &'static [&'static str] = &["on-contour", "inside"];

    /// Parses `on-contour` (also `on`) or `inside`.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "on-contour" | "on_contour" | "on" => Ok(Self::OnContour),
            "inside" | "inset" => Ok(Self::Inside),
            _ => Err(CoreError::BadSpec {
                what: "outline offset".into(),
                given: text.into(),
                expected: Self::NAMES.join(" or "),
            }),
        }
    }
}

impl std::fmt::Display for OutlineOffset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OutlineOffset::OnContour => "on-contour",
            OutlineOffset::Inside => "inside",
        })
    }
}

/// What went wrong with the offsets of some glyphs, for the warnings.
#[derive(Debug, Default)]
struct Trouble {
    /// Glyphs with loops dropped for leaving the letter.
    dropped: Vec<char>,
    /// Glyphs whose outline could not be offset at all.
    failed: Vec<char>,
}

impl Trouble {
    /// Notes the outcome of one offset of glyph `ch`; returns its loops (`None` if the
    /// outline could not be offset).
    fn note(&mut self, ch: char, inset: Option<Inset>) -> Option<Vec<Vec<Point2>>> {
        match inset {
            None => {
                self.failed.push(ch);
                None
            }
            Some(inset) => {
                if inset.dropped > 0 {
                    self.dropped.push(ch);
                }
                Some(inset.loops)
            }
        }
    }

    /// The warning for loops dropped because they left their letter.
    fn dropped_warning(&self) -> Option<String> {
        (!self.dropped.is_empty()).then(|| {
            format!(
                "the offset outline of {} came out partly outside the letter; those loops were left out",
                describe_chars(&self.dropped)
            )
        })
    }
}

/// Why an outline cannot be offset, for messages.
const CROSSING: &str = "its contours cross or touch each other or themselves";

/// The `offset` fill: per glyph, the loops at the tool radius `radius` inside the
/// outline, then every `step` further in until nothing is left. Returns the plan and,
/// when `finish` asks for a finishing pass, the loops at `radius` separately (they are
/// that pass, to be cut last) instead of in the plan. A glyph whose outline cannot be
/// offset is filled with hatch lines instead, with a warning.
pub(super) fn offset_fill(
    layout: &Layout2d,
    tool: &Tool,
    radius: f64,
    step: f64,
    tol: f64,
    finish: bool,
) -> Result<(StrokePlan, Vec<Stroke>)> {
    let mut strokes = Vec::new();
    let mut finishing = Vec::new();
    let mut judge = CoverageJudge::default();
    let mut trouble = Trouble::default();
    for (gi, g) in layout.glyphs.iter().enumerate() {
        if g.contours.is_empty() {
            continue;
        }
        let edges = edges_of(g);
        let region = Region::of(g);
        let mut glyph_strokes = Vec::new();
        let mut glyph_finish = Vec::new();
        let mut k = 0usize;
        let mut failed = false;
        loop {
            let Some(loops) = trouble.note(g.ch, region.inset(radius + k as f64 * step, tol))
            else {
                failed = true;
                break;
            };
            if loops.is_empty() {
                break;
            }
            for pts in loops {
                if finish && k == 0 {
                    let label = format!("glyph {gi} {:?} finish {}", g.ch, glyph_finish.len());
                    glyph_finish.push(Stroke::new(pts, true, label));
                } else {
                    let label = format!("glyph {gi} {:?} offset {k}", g.ch);
                    glyph_strokes.push(Stroke::new(pts, true, label));
                }
            }
            k += 1;
        }
        // With a stepover above the radius, the middle of the last loop may be more
        // than a radius from it: one more loop, a radius short of the next step, if
        // there is room for it.
        if !failed && k > 0 && step > radius {
            if let Some(loops) = trouble.note(g.ch, region.inset(k as f64 * step, tol)) {
                for pts in loops {
                    let label = format!("glyph {gi} {:?} offset {k}", g.ch);
                    glyph_strokes.push(Stroke::new(pts, true, label));
                }
            }
        }
        if failed {
            glyph_strokes = super::fill::hatch_glyph(g, &edges, gi, radius, step);
            glyph_finish.clear();
        }
        let all: Vec<Stroke> = glyph_strokes.iter().chain(&glyph_finish).cloned().collect();
        judge.add(g.ch, coverage(g, &edges, &all, radius));
        strokes.extend(glyph_strokes);
        finishing.extend(glyph_finish);
    }
    let (min_coverage, mut warnings) = judge.verdict(tool, radius)?;
    if !trouble.failed.is_empty() {
        warnings.push(format!(
            "cannot offset the outline of {} ({CROSSING}): filled with hatch lines instead{}",
            describe_chars(&trouble.failed),
            if finish {
                ", without a finishing pass"
            } else {
                ""
            }
        ));
    }
    warnings.extend(trouble.dropped_warning());
    Ok((
        StrokePlan {
            strokes,
            min_coverage,
            warnings,
            overrun: 0.0,
        },
        finishing,
    ))
}

/// The finishing pass: per glyph, the loops at exactly `radius` inside the outline, so
/// the tool runs along the letter edge touching it. Glyphs whose outline cannot be
/// offset get none, with a warning.
pub(super) fn finish_loops(layout: &Layout2d, radius: f64, tol: f64) -> (Vec<Stroke>, Vec<String>) {
    let mut strokes = Vec::new();
    let mut trouble = Trouble::default();
    for (gi, g) in layout.glyphs.iter().enumerate() {
        if g.contours.is_empty() {
            continue;
        }
        let loops = trouble
            .note(g.ch, Region::of(g).inset(radius, tol))
            .unwrap_or_default();
        for (j, pts) in loops.into_iter().enumerate() {
            strokes.push(Stroke::new(
                pts,
                true,
                format!("glyph {gi} {:?} finish {j}", g.ch),
            ));
        }
    }
    let mut warnings = Vec::new();
    if !trouble.failed.is_empty() {
        warnings.push(format!(
            "cannot offset the outline of {} ({CROSSING}): no finishing pass there",
            describe_chars(&trouble.failed)
        ));
    }
    warnings.extend(trouble.dropped_warning());
    (strokes, warnings)
}

/// `outline` with the tool centre `radius` inside every contour. Where the letter is
/// too narrow for the tool the offset loses parts: a loop vanishes, splits or merges
/// with another, or less than [`COVERAGE_WARN`] of the band along the outline that
/// the tool should cut is reached. A warning names those characters. A glyph whose
/// outline cannot be offset is an error.
pub(super) fn outline_inside(
    layout: &Layout2d,
    tool: &Tool,
    radius: f64,
    tol: f64,
) -> Result<StrokePlan> {
    let mut strokes = Vec::new();
    let mut lost = Vec::new();
    let mut trouble = Trouble::default();
    for (gi, g) in layout.glyphs.iter().enumerate() {
        if g.contours.is_empty() {
            continue;
        }
        let region = Region::of(g);
        let Some(loops) = trouble.note(g.ch, region.inset(radius, tol)) else {
            return Err(CoreError::CannotOffset {
                ch: g.ch,
                reason: format!(
                    "{CROSSING}; cut it with the tool on the outline or with --strategy fill"
                ),
            });
        };
        // Each contour should give exactly one loop, running along it alone.
        let mut per_contour = vec![0usize; region.contours.len()];
        let mut changed = false;
        for lp in &loops {
            let touched = region.contours_touched(lp, radius, tol);
            changed |= touched.len() != 1;
            for c in touched {
                if let Some(n) = per_contour.get_mut(c) {
                    *n += 1;
                }
            }
        }
        changed |= per_contour.iter().any(|&n| n != 1);
        let glyph_strokes: Vec<Stroke> = loops
            .into_iter()
            .enumerate()
            .map(|(j, pts)| Stroke::new(pts, true, format!("glyph {gi} {:?} inside {j}", g.ch)))
            .collect();
        let edges = edges_of(g);
        let band = coverage_in(g, &edges, &glyph_strokes, radius, Some(2.0 * radius));
        if changed || band < COVERAGE_WARN {
            lost.push(g.ch);
        }
        strokes.extend(glyph_strokes);
    }
    let mut warnings = Vec::new();
    if !lost.is_empty() {
        warnings.push(format!(
            "the tool ({tool}) cuts {:.3} mm wide, wider than parts of {}: with the tool inside the outline those parts are left uncut; use a narrower tool, a larger --height or --strategy fill",
            2.0 * radius,
            describe_chars(&lost)
        ));
    }
    warnings.extend(trouble.dropped_warning());
    // Every contour gone: the program would cut nothing.
    if strokes.is_empty() {
        if let Some(g) = layout.glyphs.iter().find(|g| !g.contours.is_empty()) {
            return Err(CoreError::CannotOffset {
                ch: g.ch,
                reason: format!(
                    "the tool ({tool}) cuts {:.3} mm wide, wider than every stroke: with the tool inside the outline nothing is left to cut; use a narrower tool, a larger --height, the tool on the outline (without --outline-inside) or --strategy fill",
                    2.0 * radius
                ),
            });
        }
    }
    Ok(StrokePlan {
        strokes,
        min_coverage: 1.0,
        warnings,
        overrun: 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Glyph;
    use crate::strategy::geometry::{winding_inside, Edge};
    use crate::strategy::{
        intended_intervals_with, plan_strokes, Strategy, StrategyOptions, DEFAULT_STEPOVER_FRACTION,
    };
    use proptest::prelude::*;

    const BALL: Tool = Tool::Ball { diameter: 0.2 };
    const DEPTH: f64 = 0.35;
    const R: f64 = 0.1;

    fn layout(ch: char, contours: Vec<Vec<Point2>>) -> Layout2d {
        let g = Glyph {
            ch,
            contours,
            ..Glyph::default()
        };
        let (lo, hi) = crate::strategy::y_extent(&g);
        Layout2d {
            glyphs: vec![g],
            width: 1.0,
            cap_height: hi - lo,
            y_min: lo,
            y_max: hi,
            lines: Vec::new(),
        }
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Point2> {
        vec![
            Point2::new(x0, y0),
            Point2::new(x1, y0),
            Point2::new(x1, y1),
            Point2::new(x0, y1),
        ]
    }

    /// A square 0..2 with a square hole 0.6..1.4, the hole wound the other way.
    fn ring() -> Layout2d {
        let mut hole = rect(0.6, 0.6, 1.4, 1.4);
        hole.reverse();
        layout('O', vec![rect(0.0, 0.0, 2.0, 2.0), hole])
    }

    fn offset_options() -> StrategyOptions {
        StrategyOptions::default().with_fill_pattern(FillPattern::Offset)
    }

    /// Distance from `p` to the glyph outlines of `l`.
    fn dist_to_outline(l: &Layout2d, p: &Point2) -> f64 {
        l.glyphs
            .iter()
            .flat_map(edges_of)
            .map(|(a, b)| crate::strategy::geometry::dist_to_segment(p, &a, &b))
            .fold(f64::INFINITY, f64::min)
    }

    /// Points every `h` along a stroke, closing segment included.
    fn samples(s: &Stroke, h: f64) -> Vec<Point2> {
        let n = s.points.len();
        let segs = if s.closed { n } else { n.saturating_sub(1) };
        let mut out = Vec::new();
        for i in 0..segs {
            let (a, b) = (s.points[i], s.points[(i + 1) % n]);
            let m = ((b - a).norm() / h).ceil().max(1.0) as usize;
            out.extend((0..=m).map(|k| a + (b - a) * (k as f64 / m as f64)));
        }
        out
    }

    /// Checks that the tool centre along every stroke stays inside the letters and at
    /// least `r - slack` from their outlines.
    fn assert_tool_inside(l: &Layout2d, plan: &StrokePlan, r: f64, slack: f64) {
        for s in &plan.strokes {
            for p in samples(s, r / 4.0) {
                let g_in = l.glyphs.iter().any(|g| winding_inside(&edges_of(g), &p));
                assert!(g_in, "{} leaves the letter at {p}", s.label);
                let d = dist_to_outline(l, &p);
                assert!(d >= r - slack, "{} at {p} is {d} from the edge", s.label);
            }
        }
    }

    /// Checks that a disc of radius `r - slack` around the tool centre, anywhere along
    /// every stroke, lies inside the letters (tested on rings of points): for outlines
    /// whose contours overlap, where not every edge is the letter's edge.
    fn assert_disc_inside(l: &Layout2d, plan: &StrokePlan, r: f64, slack: f64) {
        let edges: Vec<Vec<Edge>> = l.glyphs.iter().map(edges_of).collect();
        for s in &plan.strokes {
            for p in samples(s, r / 4.0) {
                for ring in [0.0, 0.5, 1.0] {
                    for k in 0..64 {
                        let a = std::f64::consts::TAU * k as f64 / 64.0;
                        let q =
                            p + crate::math::Vector2::new(a.cos(), a.sin()) * (r - slack) * ring;
                        assert!(
                            edges.iter().any(|e| winding_inside(e, &q)),
                            "{}: the tool at {p} reaches {q}, outside",
                            s.label
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn offset_fill_of_a_rectangle_is_nested_rectangles_one_radius_in_first() {
        let (w, h) = (1.0, 2.0);
        let l = layout('I', vec![rect(0.0, 0.0, w, h)]);
        let plan = plan_strokes(&l, &BALL, DEPTH, &offset_options()).unwrap();
        let step = DEFAULT_STEPOVER_FRACTION * 2.0 * R;
        // Depth of each loop below the outline: the same at every vertex.
        let mut depths = Vec::new();
        for s in &plan.strokes {
            assert!(s.closed, "{}", s.label);
            assert!(s.label.starts_with("glyph 0 'I' offset "), "{}", s.label);
            assert_eq!(s.points.len(), 4, "a rectangle: {:?}", s.points);
            let d: Vec<f64> = s
                .points
                .iter()
                .map(|p| p.x.min(w - p.x).min(p.y).min(h - p.y))
                .collect();
            for x in &d {
                assert!((x - d[0]).abs() < 1e-9, "{}: {d:?}", s.label);
            }
            depths.push(d[0]);
        }
        depths.sort_by(f64::total_cmp);
        assert!((depths[0] - R).abs() < 1e-6, "first loop at {}", depths[0]);
        assert_eq!(
            plan.strokes
                .iter()
                .filter(|s| s.label.ends_with("offset 0"))
                .count(),
            1
        );
        for pair in depths.windows(2) {
            assert!(pair[1] > pair[0] + 1e-9, "{depths:?}");
            assert!(pair[1] - pair[0] <= step + 1e-9, "{depths:?}");
        }
        // The innermost loop leaves at most a radius to the middle.
        assert!(w / 2.0 - depths[depths.len() - 1] <= R, "{depths:?}");
        assert!(plan.min_coverage > 0.97, "{}", plan.min_coverage);
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
        assert_tool_inside(&l, &plan, R, 1e-9);
    }

    #[test]
    fn offset_fill_with_a_large_stepover_still_reaches_the_middle() {
        let (w, h) = (1.0, 2.0);
        let l = layout('I', vec![rect(0.0, 0.0, w, h)]);
        // Stepover 1.8 r: loops at r, 2.8 r, then one more at 3.6 r (= 2 × step) so the
        // middle (5 r in) is within r of a loop.
        let o = offset_options().with_stepover(0.18);
        let plan = plan_strokes(&l, &BALL, DEPTH, &o).unwrap();
        let deepest = plan
            .strokes
            .iter()
            .flat_map(|s| &s.points)
            .map(|p| p.x.min(w - p.x))
            .fold(0.0, f64::max);
        assert!(w / 2.0 - deepest <= R + 1e-9, "deepest loop {deepest}");
        assert!(plan.min_coverage > 0.97, "{}", plan.min_coverage);
    }

    #[test]
    fn offset_fill_of_a_ring_keeps_the_tool_off_the_hole() {
        let l = ring();
        let plan = plan_strokes(&l, &BALL, DEPTH, &offset_options()).unwrap();
        assert!(!plan.strokes.is_empty());
        for s in &plan.strokes {
            for p in samples(s, 0.01) {
                // Distance to the hole (a square 0.6..1.4): never less than r.
                let dx = (0.6 - p.x).max(p.x - 1.4).max(0.0);
                let dy = (0.6 - p.y).max(p.y - 1.4).max(0.0);
                let d = dx.hypot(dy);
                assert!(d >= R - 1e-9, "{} at {p}: {d} from the hole", s.label);
            }
        }
        // Around the hole's corners the loops are flattened arcs outside the circle.
        assert!(plan.strokes.iter().any(|s| s.points.len() > 4));
        assert_tool_inside(&l, &plan, R, 1e-9);
        assert!(plan.min_coverage > 0.95, "{}", plan.min_coverage);
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    }

    #[test]
    fn arcs_are_flattened_outside_the_circle_within_the_tolerance() {
        // An L: its inner corner at (0.5, 0.5) makes the first loop an arc of radius r.
        let l = layout(
            'L',
            vec![vec![
                Point2::new(0.0, 0.0),
                Point2::new(2.0, 0.0),
                Point2::new(2.0, 0.5),
                Point2::new(0.5, 0.5),
                Point2::new(0.5, 2.0),
                Point2::new(0.0, 2.0),
            ]],
        );
        let tol = 1e-3;
        let plan = plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true)).unwrap();
        let finish: Vec<&Stroke> = plan
            .strokes
            .iter()
            .filter(|s| s.label.contains("finish"))
            .collect();
        assert_eq!(finish.len(), 1);
        let corner = Point2::new(0.5, 0.5);
        let mut on_arc = 0;
        for p in samples(finish[0], 0.001) {
            let d = dist_to_outline(&l, &p);
            assert!(d >= R - 1e-9 && d <= R + tol + 1e-9, "{p}: {d}");
            // The arc around the inner corner, inside the letter.
            let to_corner = (p - corner).norm();
            if p.x < 0.5 - 1e-9 && p.y < 0.5 - 1e-9 && to_corner < 2.0 * R {
                on_arc += 1;
                assert!(to_corner >= R - 1e-9 && to_corner <= R + tol + 1e-9, "{p}");
            }
        }
        assert!(on_arc > 10);
    }

    #[test]
    fn contour_orientation_does_not_matter() {
        // TrueType winds outer contours clockwise (y up), CFF counter-clockwise.
        let mut outer = rect(0.0, 0.0, 2.0, 2.0);
        outer.reverse();
        let hole = rect(0.6, 0.6, 1.4, 1.4);
        let flipped = layout('O', vec![outer, hole]);
        let a = plan_strokes(&ring(), &BALL, DEPTH, &offset_options()).unwrap();
        let b = plan_strokes(&flipped, &BALL, DEPTH, &offset_options()).unwrap();
        assert_eq!(a.strokes.len(), b.strokes.len());
        let len = |p: &StrokePlan| -> f64 {
            p.strokes
                .iter()
                .map(|s| {
                    samples(s, 1.0)
                        .windows(2)
                        .map(|w| (w[1] - w[0]).norm())
                        .sum::<f64>()
                })
                .sum()
        };
        assert!((len(&a) - len(&b)).abs() < 1e-9);
    }

    #[test]
    fn too_thin_a_glyph_is_the_same_error_as_for_hatch() {
        let l = layout('I', vec![rect(0.0, 0.0, 0.15, 2.0)]);
        let offset = plan_strokes(&l, &BALL, DEPTH, &offset_options()).unwrap_err();
        let hatch = plan_strokes(&l, &BALL, DEPTH, &StrategyOptions::default()).unwrap_err();
        assert!(matches!(offset, CoreError::ToolTooWide { .. }), "{offset}");
        assert!(offset.to_string().contains("'I'"), "{offset}");
        assert_eq!(offset.to_string(), hatch.to_string());
    }

    #[test]
    fn finishing_pass_adds_one_loop_per_contour_after_the_hatch() {
        for (l, contours) in [
            (layout('I', vec![rect(0.0, 0.0, 1.0, 2.0)]), 1),
            (ring(), 2),
        ] {
            let plain = plan_strokes(&l, &BALL, DEPTH, &StrategyOptions::default()).unwrap();
            let o = StrategyOptions::default().with_finish(true);
            let plan = plan_strokes(&l, &BALL, DEPTH, &o).unwrap();
            assert_eq!(plan.strokes.len(), plain.strokes.len() + contours);
            // The finishing loops come last, each exactly r inside its contour.
            // (Around the hole's corners, flattened arcs: up to the tolerance further.)
            let tail = &plan.strokes[plain.strokes.len()..];
            for s in tail {
                assert!(s.closed && s.label.contains(" finish "), "{}", s.label);
                for p in &s.points {
                    let d = dist_to_outline(&l, p);
                    assert!(
                        d > R - 1e-9 && d < R + DEFAULT_OFFSET_TOL + 1e-9,
                        "{p}: {d}"
                    );
                }
            }
            assert!(plan.strokes[..plain.strokes.len()]
                .iter()
                .all(|s| !s.label.contains("finish")));
            assert_tool_inside(&l, &plan, R, 1e-9);
        }
    }

    #[test]
    fn finishing_pass_of_the_offset_fill_is_its_first_loops_moved_last() {
        let l = ring();
        let plain = plan_strokes(&l, &BALL, DEPTH, &offset_options()).unwrap();
        let plan = plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true)).unwrap();
        assert_eq!(plan.strokes.len(), plain.strokes.len(), "not cut twice");
        let n = plan.strokes.len();
        assert!(plan.strokes[n - 2..]
            .iter()
            .all(|s| s.label.contains("finish")));
        assert!(plan.strokes[..n - 2]
            .iter()
            .all(|s| !s.label.contains("finish")));
        assert!((plan.min_coverage - plain.min_coverage).abs() < 1e-12);
    }

    #[test]
    fn outline_inside_of_a_rectangle_is_the_rectangle_shrunk_by_the_radius() {
        let (w, h) = (1.0, 2.0);
        let l = layout('I', vec![rect(0.0, 0.0, w, h)]);
        let o = StrategyOptions::default()
            .with_strategy(Strategy::Outline)
            .with_outline_offset(OutlineOffset::Inside);
        let plan = plan_strokes(&l, &BALL, DEPTH, &o).unwrap();
        assert_eq!(plan.strokes.len(), 1);
        let s = &plan.strokes[0];
        assert!(s.closed);
        assert_eq!(s.points.len(), 4);
        for c in rect(R, R, w - R, h - R) {
            assert!(
                s.points.iter().any(|p| (p - c).norm() < 1e-9),
                "{c} missing from {:?}",
                s.points
            );
        }
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    }

    #[test]
    fn outline_inside_names_the_letters_whose_thin_parts_vanish() {
        // An 'i': the stem fits the tool, the dot (0.15 mm) does not.
        let l = layout(
            'i',
            vec![rect(0.0, 0.0, 0.6, 2.0), rect(0.2, 2.4, 0.35, 2.55)],
        );
        let o = StrategyOptions::default()
            .with_strategy(Strategy::Outline)
            .with_outline_offset(OutlineOffset::Inside);
        let plan = plan_strokes(&l, &BALL, DEPTH, &o).unwrap();
        assert_eq!(plan.strokes.len(), 1, "only the stem is left");
        assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
        assert!(plan.warnings[0].contains("'i'"), "{}", plan.warnings[0]);
        // A dumbbell whose waist is too thin splits into two loops: also named.
        let dumbbell = layout(
            'x',
            vec![vec![
                Point2::new(0.0, 0.0),
                Point2::new(1.0, 0.0),
                Point2::new(1.0, 0.9),
                Point2::new(1.5, 0.9),
                Point2::new(1.5, 0.0),
                Point2::new(2.5, 0.0),
                Point2::new(2.5, 2.0),
                Point2::new(1.5, 2.0),
                Point2::new(1.5, 1.05),
                Point2::new(1.0, 1.05),
                Point2::new(1.0, 2.0),
                Point2::new(0.0, 2.0),
            ]],
        );
        let plan = plan_strokes(&dumbbell, &BALL, DEPTH, &o).unwrap();
        assert_eq!(plan.strokes.len(), 2);
        assert!(
            plan.warnings.iter().any(|w| w.contains("'x'")),
            "{:?}",
            plan.warnings
        );
        // A ring wide enough keeps one loop per contour and no warning.
        let plan = plan_strokes(&ring(), &BALL, DEPTH, &o).unwrap();
        assert_eq!(plan.strokes.len(), 2);
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    }

    /// With nothing left inside any contour, the plan is refused, naming the glyph.
    #[test]
    fn outline_inside_with_nothing_left_is_refused() {
        let l = layout('l', vec![rect(0.0, 0.0, 0.15, 2.0)]);
        let o = StrategyOptions::default()
            .with_strategy(Strategy::Outline)
            .with_outline_offset(OutlineOffset::Inside);
        let err = plan_strokes(&l, &BALL, DEPTH, &o).unwrap_err().to_string();
        assert!(
            err.contains("'l'") && err.contains("nothing is left to cut"),
            "{err}"
        );
    }

    #[test]
    fn intended_area_of_outline_inside_is_a_band_two_radii_wide() {
        let l = layout('I', vec![rect(0.0, 0.0, 1.0, 2.0)]);
        let o = StrategyOptions::default()
            .with_strategy(Strategy::Outline)
            .with_outline_offset(OutlineOffset::Inside);
        let band = intended_intervals_with(&l, &o, R, 1.0);
        assert_eq!(band.len(), 2, "{band:?}");
        assert!(band[0].0.abs() < 1e-12 && (band[0].1 - 2.0 * R).abs() < 1e-12);
        assert!((band[1].0 - (1.0 - 2.0 * R)).abs() < 1e-12 && (band[1].1 - 1.0).abs() < 1e-12);
        // Near the bottom edge the band spans the whole width; outside, nothing.
        assert_eq!(intended_intervals_with(&l, &o, R, 0.1), vec![(0.0, 1.0)]);
        assert!(intended_intervals_with(&l, &o, R, 2.05).is_empty());
        // Other options fall back to intended_intervals.
        let fill = offset_options().with_finish(true);
        assert_eq!(intended_intervals_with(&l, &fill, R, 1.0), vec![(0.0, 1.0)]);
    }

    #[test]
    fn overlapping_contours_are_merged_before_offsetting() {
        // A plus sign drawn as two overlapping bars, as variable fonts and accented
        // letters do: offset as one cross-shaped letter.
        let l = layout(
            '+',
            vec![rect(0.0, 0.8, 2.0, 1.2), rect(0.8, 0.0, 1.2, 2.0)],
        );
        let plan = plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true)).unwrap();
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
        let finish: Vec<&Stroke> = plan
            .strokes
            .iter()
            .filter(|s| s.label.contains("finish"))
            .collect();
        assert_eq!(finish.len(), 1, "one loop around the cross");
        // 12 corners: 4 arm ends (2 each) and 4 inner corners rounded by arcs.
        assert!(finish[0].points.len() > 12, "{:?}", finish[0].points);
        // It rounds the inner corners, e.g. (0.8, 1.2), a radius away, though the raw
        // contours have edges there inside the letter.
        let arc_end = Point2::new(0.8, 1.2 - R);
        assert!(finish[0].points.iter().any(|p| (p - arc_end).norm() < 1e-9));
        assert_disc_inside(&l, &plan, R, 1e-6);
        let o = StrategyOptions::default()
            .with_strategy(Strategy::Outline)
            .with_outline_offset(OutlineOffset::Inside);
        let inside = plan_strokes(&l, &BALL, DEPTH, &o).unwrap();
        assert_eq!(inside.strokes.len(), 1);
        assert!(inside.warnings.is_empty(), "{:?}", inside.warnings);
    }

    #[test]
    fn self_crossing_contours_fall_back_to_hatch_or_are_refused() {
        // A bow tie: one contour crossing itself.
        let l = layout(
            'X',
            vec![vec![
                Point2::new(0.0, 0.0),
                Point2::new(2.0, 2.0),
                Point2::new(2.0, 0.0),
                Point2::new(0.0, 2.0),
            ]],
        );
        let plan = plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true)).unwrap();
        assert!(plan.strokes.iter().all(|s| s.label.contains(" fill ")));
        assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
        assert!(plan.warnings[0].contains("'X'") && plan.warnings[0].contains("hatch"));
        assert_tool_inside(&l, &plan, R, 2e-3 * R);
        let hatch = StrategyOptions::default().with_finish(true);
        let plan = plan_strokes(&l, &BALL, DEPTH, &hatch).unwrap();
        assert!(plan
            .warnings
            .iter()
            .any(|w| w.contains("no finishing pass")));
        let o = StrategyOptions::default()
            .with_strategy(Strategy::Outline)
            .with_outline_offset(OutlineOffset::Inside);
        let err = plan_strokes(&l, &BALL, DEPTH, &o).unwrap_err();
        assert!(
            matches!(err, CoreError::CannotOffset { ch: 'X', .. }),
            "{err}"
        );
    }

    /// Reduced failures of `offset_of_arbitrary_contours_does_not_panic`.
    #[test]
    fn property_test_regressions() {
        let pts = |v: &[(f64, f64)]| -> Vec<Point2> {
            v.iter().map(|&(x, y)| Point2::new(x, y)).collect()
        };
        // Slivers wound opposite ways, crossing: their overlap is empty by the non-zero
        // rule, so they are not merged (hatch lines instead).
        let slivers = layout(
            '?',
            vec![
                pts(&[(0.0, 0.79657), (2.12661, 0.46333), (0.87027, 0.75080)]),
                pts(&[
                    (2.81024, 0.20677),
                    (2.36929, 0.18893),
                    (1.25980, 1.01792),
                    (1.43980, 1.71999),
                ]),
            ],
        );
        // A triangle crossed by a contour that crosses itself.
        let tangle = layout(
            '?',
            vec![
                pts(&[(2.78786, 0.68820), (0.0, 0.47713), (0.0, 2.63300)]),
                pts(&[
                    (0.50921, 2.27174),
                    (0.0, 0.0),
                    (0.49165, 2.27711),
                    (1.38025, 1.54895),
                ]),
            ],
        );
        for l in [slivers, tangle] {
            let plan = plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true));
            if let Ok(plan) = plan {
                assert!(
                    plan.warnings.iter().any(|w| w.contains("hatch")),
                    "{:?}",
                    plan.warnings
                );
                assert_disc_inside(&l, &plan, R, 2e-3 * R);
            }
            let o = StrategyOptions::default()
                .with_strategy(Strategy::Outline)
                .with_outline_offset(OutlineOffset::Inside);
            let err = plan_strokes(&l, &BALL, DEPTH, &o).unwrap_err();
            assert!(matches!(err, CoreError::CannotOffset { .. }), "{err}");
        }
    }

    #[test]
    fn names_parse_and_display() {
        for name in FillPattern::NAMES {
            assert_eq!(FillPattern::parse(name).unwrap().to_string(), *name);
        }
        for name in OutlineOffset::NAMES {
            assert_eq!(OutlineOffset::parse(name).unwrap().to_string(), *name);
        }
        assert_eq!(FillPattern::parse(" Offset ").unwrap(), FillPattern::Offset);
        let err = FillPattern::parse("spiral").unwrap_err().to_string();
        assert!(err.contains("hatch or offset"), "{err}");
        assert!(OutlineOffset::parse("outside").is_err());
        assert_eq!(FillPattern::default(), FillPattern::Hatch);
        assert_eq!(OutlineOffset::default(), OutlineOffset::OnContour);
        let bad = StrategyOptions::default().with_offset_tolerance(0.0);
        let l = ring();
        assert!(plan_strokes(&l, &BALL, DEPTH, &bad).is_err());
    }

    #[test]
    fn real_letters_offset_within_the_outline() {
        let font = crate::font::Font::embedded();
        let l = crate::layout::layout_line(
            &font,
            "Beijing-Tianjin 10th @&%gB8",
            3.0,
            &crate::layout::LayoutOptions::default(),
        )
        .unwrap();
        let tol = DEFAULT_OFFSET_TOL;
        let plan = plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true)).unwrap();
        assert!(plan.min_coverage > COVERAGE_WARN, "{}", plan.min_coverage);
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
        // Arc corners sit outside their circle, so no point comes closer than r.
        assert_tool_inside(&l, &plan, R, 1e-6);
        let o = StrategyOptions::default()
            .with_strategy(Strategy::Outline)
            .with_outline_offset(OutlineOffset::Inside);
        let inside = plan_strokes(&l, &BALL, DEPTH, &o).unwrap();
        assert!(inside.warnings.is_empty(), "{:?}", inside.warnings);
        assert_tool_inside(&l, &inside, R, 1e-6);
        for s in &inside.strokes {
            for p in &s.points {
                assert!(dist_to_outline(&l, p) <= R + tol + 1e-6, "{}: {p}", s.label);
            }
        }
        // DejaVu draws the cedilla overlapping the C: merged, not refused.
        let l =
            crate::layout::layout_line(&font, "ÇçØ", 3.0, &crate::layout::LayoutOptions::default())
                .unwrap();
        let plan = plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true)).unwrap();
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
        assert!(plan.strokes.iter().all(|s| !s.label.contains(" fill ")));
        assert_disc_inside(&l, &plan, R, 1e-6);
        let inside = plan_strokes(&l, &BALL, DEPTH, &o).unwrap();
        assert!(inside.warnings.is_empty(), "{:?}", inside.warnings);
        assert_disc_inside(&l, &inside, R, 1e-6);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Star-shaped polygons (simple, any orientation): the offset fill never panics
        /// and keeps the tool inside, at least r from the edge.
        #[test]
        fn offset_fill_of_star_polygons_stays_inside(
            radii in prop::collection::vec(0.3f64..2.0, 5..24),
            reverse in any::<bool>(),
        ) {
            let n = radii.len();
            let mut c: Vec<Point2> = radii
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let a = std::f64::consts::TAU * i as f64 / n as f64;
                    Point2::new(2.0 + r * a.cos(), 2.0 + r * a.sin())
                })
                .collect();
            if reverse {
                c.reverse();
            }
            let l = layout('*', vec![c]);
            match plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true)) {
                Ok(plan) => assert_tool_inside(&l, &plan, R, 1e-6),
                Err(e) => prop_assert!(matches!(e, CoreError::ToolTooWide { .. }), "{}", e),
            }
        }

        /// Two overlapping star polygons wound the same way, as accents and composite
        /// glyphs overlap: merged, offset, the tool inside.
        #[test]
        fn overlapping_stars_are_merged(
            a in prop::collection::vec(0.5f64..1.5, 5..16),
            b in prop::collection::vec(0.3f64..1.0, 5..12),
            centre in (1.0f64..3.0, 1.0f64..3.0),
            clockwise in any::<bool>(),
        ) {
            let star = |radii: &[f64], c: (f64, f64)| -> Vec<Point2> {
                let n = radii.len();
                let mut pts: Vec<Point2> = radii
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let t = std::f64::consts::TAU * i as f64 / n as f64;
                        Point2::new(c.0 + r * t.cos(), c.1 + r * t.sin())
                    })
                    .collect();
                if clockwise {
                    pts.reverse();
                }
                pts
            };
            let l = layout('&', vec![star(&a, (2.0, 2.0)), star(&b, centre)]);
            match plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true)) {
                Ok(plan) => {
                    prop_assert!(plan.warnings.iter().all(|w| !w.contains("hatch")), "{:?}", plan.warnings);
                    assert_disc_inside(&l, &plan, R, DEFAULT_OFFSET_TOL);
                }
                Err(e) => prop_assert!(matches!(e, CoreError::ToolTooWide { .. }), "{}", e),
            }
        }

        /// Arbitrary (often self-intersecting) contours never panic.
        #[test]
        fn offset_of_arbitrary_contours_does_not_panic(
            pts in prop::collection::vec((0.0f64..3.0, 0.0f64..3.0), 3..12),
            pts2 in prop::collection::vec((0.0f64..3.0, 0.0f64..3.0), 3..6),
        ) {
            let c: Vec<Point2> = pts.iter().map(|&(x, y)| Point2::new(x, y)).collect();
            let c2: Vec<Point2> = pts2.iter().map(|&(x, y)| Point2::new(x, y)).collect();
            let l = layout('?', vec![c, c2]);
            // Crossing contours fall back to hatch lines; either way the tool stays in.
            // (Hatch lines keep r (1 - 1e-3) away, offset loops r less the tolerance.)
            let slack = DEFAULT_OFFSET_TOL.max(1e-3 * R);
            if let Ok(plan) = plan_strokes(&l, &BALL, DEPTH, &offset_options().with_finish(true)) {
                assert_disc_inside(&l, &plan, R, slack);
            }
            let o = StrategyOptions::default()
                .with_strategy(Strategy::Outline)
                .with_outline_offset(OutlineOffset::Inside);
            if let Ok(plan) = plan_strokes(&l, &BALL, DEPTH, &o) {
                assert_disc_inside(&l, &plan, R, slack);
            }
        }
    }
}
