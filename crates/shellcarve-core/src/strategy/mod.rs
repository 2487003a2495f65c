//! Engraving strategies: which lines the tool centre follows in the text plane.
//!
//! - `outline` traces every glyph contour with the tool centre on the contour.
//!   With [`OutlineOffset::Inside`] the tool centre runs the tool radius inside each
//!   contour instead, so letters keep their size; see `offset.rs`.
//! - `fill` pockets the glyph interiors with scan lines along the baseline. The lines
//!   are clipped so the tool (its radius where it meets the surface at the cut depth)
//!   never crosses a glyph's edge, and consecutive lines are linked where the link
//!   itself stays inside, so each stem is cut in one zig-zag. With
//!   [`FillPattern::Offset`] it cuts contour-parallel loops instead, and a finishing
//!   pass can follow the letter edges; see `offset.rs`.
//! - `vcarve` (V-bits only) walks every contour with the tool centre on the medial
//!   axis, its depth from the local half-width, and clears the wide parts flat at the
//!   cap depth; see `vcarve.rs`.
//! - `centerline` follows the strokes of single-stroke fonts (and stroked SVG lines),
//!   one pass per stroke; for outline fonts it follows the medial axis of each stroke
//!   (see `medial.rs`).
//!
//! Open strokes (single-stroke glyphs, stroked SVG lines) have no area: every strategy
//! cuts them along their centre line at the engraving depth.

mod circle;
mod fill;
mod geometry;
mod medial;
mod offset;
mod order;
mod region;

pub use offset::{FillPattern, OutlineOffset, DEFAULT_OFFSET_TOL};

pub use order::order_strokes;

use fill::fill;

pub(crate) use fill::link_lines;
use geometry::{capsule_interval, inside_intervals};
pub(crate) use geometry::{edges_of, inset_intervals, winding_inside, y_extent, Edge};

use crate::error::{CoreError, Result};
use crate::layout::Layout2d;
use crate::math::Point2;
use crate::tool::Tool;

/// Default stepover of `fill` as a fraction of the tool's cutting width at the surface.
pub const DEFAULT_STEPOVER_FRACTION: f64 = 0.35;
/// Below this fraction of a glyph's area reachable by the tool, `fill` warns.
pub const COVERAGE_WARN: f64 = 0.85;
/// Below this fraction of a glyph's area reachable by the tool, `fill` refuses.
pub const COVERAGE_ERROR: f64 = 0.5;

/// How the letters are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Strategy {
    /// Trace the glyph contours with the tool centre.
    Outline,
    /// Pocket the glyph interiors with linked scan lines.
    Fill,
    /// V-carve with a V-bit: depth from the local half-width of the letter,
    /// `half-width / tan(angle/2)` (less the tip flat's share), capped at the engraving
    /// depth, with a flat-bottom clearing pass at the cap where the letter is wider.
    VCarve,
    /// One pass along each stroke of a single-stroke font (`--font hershey:NAME`) or
    /// stroked SVG line.
    Centerline,
}

impl Strategy {
    /// Names accepted by [`Strategy::parse`].
    pub const NAMES: &'static [&'static str] = &["outline", "fill", "vcarve", "centerline"];

    /// Parses a strategy name.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "outline" => Ok(Self::Outline),
            "fill" => Ok(Self::Fill),
            "vcarve" | "v-carve" => Ok(Self::VCarve),
            "centerline" | "centreline" => Ok(Self::Centerline),
            _ => Err(CoreError::BadSpec {
                what: "strategy".into(),
                given: text.into(),
                expected: Self::NAMES.join(" or "),
            }),
        }
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Strategy::Outline => "outline",
            Strategy::Fill => "fill",
            Strategy::VCarve => "vcarve",
            Strategy::Centerline => "centerline",
        })
    }
}

/// Options for [`plan_strokes`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StrategyOptions {
    /// The strategy. Default [`Strategy::Fill`].
    pub strategy: Strategy,
    /// Distance between fill scan lines or offset loops (mm; for `vcarve`, between the
    /// lines of the flat-bottom clearing pass); `None` means
    /// [`DEFAULT_STEPOVER_FRACTION`] of the tool's cutting width at the cut depth
    /// (`vcarve`: the stepover that leaves ridges no higher than
    /// [`crate::VCARVE_FLAT_SCALLOP`], if smaller).
    pub stepover: Option<f64>,
    /// How `fill` clears the letters: scan lines or contour-parallel loops. Default
    /// [`FillPattern::Hatch`].
    pub fill_pattern: FillPattern,
    /// `fill` only: after clearing, one more pass with the tool centre exactly the tool
    /// radius inside every contour, so the letter edges are cut clean (with
    /// [`FillPattern::Offset`] the outermost loops are that pass and are cut last).
    /// Default false.
    pub finish: bool,
    /// `outline` only: where the tool centre runs. Default [`OutlineOffset::OnContour`].
    pub outline_offset: OutlineOffset,
    /// Chord tolerance for flattening the arcs of offset loops (mm). Default
    /// [`DEFAULT_OFFSET_TOL`].
    pub offset_tolerance: f64,
}

impl Default for StrategyOptions {
    fn default() -> Self {
        Self {
            strategy: Strategy::Fill,
            stepover: None,
            fill_pattern: FillPattern::Hatch,
            finish: false,
            outline_offset: OutlineOffset::OnContour,
            offset_tolerance: DEFAULT_OFFSET_TOL,
        }
    }
}

impl StrategyOptions {
    /// Sets the strategy.
    pub fn with_strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Sets the fill stepover (mm).
    pub fn with_stepover(mut self, stepover: f64) -> Self {
        self.stepover = Some(stepover);
        self
    }

    /// Sets the fill pattern.
    pub fn with_fill_pattern(mut self, pattern: FillPattern) -> Self {
        self.fill_pattern = pattern;
        self
    }

    /// Asks for (or not) a finishing pass along the letter edges after `fill`.
    pub fn with_finish(mut self, finish: bool) -> Self {
        self.finish = finish;
        self
    }

    /// Sets where `outline` runs the tool centre.
    pub fn with_outline_offset(mut self, offset: OutlineOffset) -> Self {
        self.outline_offset = offset;
        self
    }

    /// Sets the chord tolerance for the arcs of offset loops (mm).
    pub fn with_offset_tolerance(mut self, mm: f64) -> Self {
        self.offset_tolerance = mm;
        self
    }

    /// The largest distance between neighbouring `fill` passes (scan lines or offset
    /// loops) for `tool` cutting `depth` deep (mm): [`StrategyOptions::stepover`] when
    /// given (an error when out of range), else [`DEFAULT_STEPOVER_FRACTION`] of the
    /// tool's cutting width at that depth. Scan lines are spread evenly over each
    /// glyph, so their actual spacing may be smaller.
    pub fn fill_stepover(&self, tool: &Tool, depth: f64) -> Result<f64> {
        match self.stepover {
            Some(s) => crate::error::check_range("--stepover (mm)", s, 1e-3, 10.0),
            None => Ok(DEFAULT_STEPOVER_FRACTION * 2.0 * tool.radius_at(depth)),
        }
    }
}

/// A path for the tool centre in the text plane, cut in one go.
#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    /// Points in order (mm).
    pub points: Vec<Point2>,
    /// True when the path returns to its first point.
    pub closed: bool,
    /// What the stroke cuts, e.g. `glyph 3 'A' contour 1`.
    pub label: String,
    /// Depth of the tool tip below the surface at each point (mm), one per point, for
    /// strategies whose depth varies along the stroke (`vcarve`); `None` cuts at the
    /// engraving depth ([`crate::EngraveOptions::depth`]). Between points the depth
    /// changes linearly.
    pub depths: Option<Vec<f64>>,
}

impl Stroke {
    /// A stroke at the engraving depth.
    pub fn new(points: Vec<Point2>, closed: bool, label: impl Into<String>) -> Self {
        Self {
            points,
            closed,
            label: label.into(),
            depths: None,
        }
    }

    /// Sets a depth per point (mm).
    pub fn with_depths(mut self, depths: Vec<f64>) -> Self {
        self.depths = Some(depths);
        self
    }
}

/// The strokes for a layout, with what the planner noticed.
#[derive(Debug, Clone, PartialEq)]
pub struct StrokePlan {
    /// Strokes in cutting order.
    pub strokes: Vec<Stroke>,
    /// Smallest fraction of any glyph's area the tool reaches (`fill` only; 1 for
    /// `outline` and `vcarve`).
    pub min_coverage: f64,
    /// Human-readable warnings.
    pub warnings: Vec<String>,
    /// How far the planned grooves reach over the letters' edges by construction (mm):
    /// for `centerline` on outline glyphs, the most the tool's radius exceeds a
    /// stroke's half-width; 0 where the plan keeps the tool's cut within the letters
    /// as designed.
    pub overrun: f64,
}

/// Plans the tool-centre strokes of a layout for a tool cutting `depth` deep.
pub fn plan_strokes(
    layout: &Layout2d,
    tool: &Tool,
    depth: f64,
    options: &StrategyOptions,
) -> Result<StrokePlan> {
    let radius = tool.radius_at(depth);
    let tol = crate::error::check_range(
        "offset arc tolerance (mm)",
        options.offset_tolerance,
        1e-5,
        0.1,
    )?;
    // The finishing pass of `fill`, cut after everything else.
    let mut finish = Vec::new();
    let mut plan = match options.strategy {
        Strategy::Outline => match options.outline_offset {
            OutlineOffset::OnContour => outline(layout, tool, radius),
            OutlineOffset::Inside => offset::outline_inside(layout, tool, radius, tol)?,
        },
        Strategy::Fill => {
            let step = options.fill_stepover(tool, depth)?;
            match options.fill_pattern {
                FillPattern::Hatch => {
                    let mut plan = fill(layout, tool, radius, step)?;
                    if options.finish {
                        let (loops, warnings) = offset::finish_loops(layout, radius, tol);
                        finish = loops;
                        plan.warnings.extend(warnings);
                    }
                    plan
                }
                FillPattern::Offset => {
                    let (plan, loops) =
                        offset::offset_fill(layout, tool, radius, step, tol, options.finish)?;
                    finish = loops;
                    plan
                }
            }
        }
        Strategy::VCarve => crate::vcarve::vcarve(layout, tool, depth, options.stepover)?,
        Strategy::Centerline => centerline(layout, tool, radius)?,
    };
    let open = open_strokes(layout);
    if !open.is_empty() && matches!(options.strategy, Strategy::Fill | Strategy::VCarve) {
        plan.warnings.push(format!(
            "{} open stroke(s) (a single-stroke font or stroked SVG lines) have no area to {}: they are cut along their centre lines at full depth; --strategy centerline says so explicitly",
            open.len(),
            options.strategy
        ));
    }
    plan.strokes.extend(open);
    plan.strokes = order_strokes(std::mem::take(&mut plan.strokes));
    if !finish.is_empty() {
        let at = plan.strokes.last().and_then(order::end_of);
        plan.strokes.extend(order::order_strokes_from(finish, at));
    }
    Ok(plan)
}

/// The open strokes of every glyph, cut along as they are.
fn open_strokes(layout: &Layout2d) -> Vec<Stroke> {
    let mut out = Vec::new();
    for (gi, g) in layout.glyphs.iter().enumerate() {
        for (si, s) in g.strokes.iter().enumerate() {
            if s.len() >= 2 {
                out.push(Stroke::new(
                    s.clone(),
                    false,
                    format!("glyph {gi} {:?} stroke {si}", g.ch),
                ));
            }
        }
    }
    out
}

/// `centerline`: one pass along the medial axis of each stroke of an outline glyph
/// (see `medial.rs`); the open strokes of single-stroke glyphs are added by
/// [`plan_strokes`].
fn centerline(layout: &Layout2d, tool: &Tool, radius: f64) -> Result<StrokePlan> {
    let mut strokes = Vec::new();
    let (mut too_wide, mut too_narrow) = (Vec::new(), Vec::new());
    let mut overrun = 0.0f64;
    for (gi, g) in layout.glyphs.iter().enumerate() {
        let lines = medial::glyph_centerlines(g)?;
        for (li, line) in lines.into_iter().enumerate() {
            let widest = line.iter().map(|p| p.half_width).fold(0.0, f64::max);
            let narrowest = line
                .iter()
                .map(|p| p.half_width)
                .fold(f64::INFINITY, f64::min);
            if narrowest < radius * (1.0 - 1e-6) {
                too_narrow.push(g.ch);
                overrun = overrun.max(radius - narrowest);
            }
            if widest > 2.0 * radius {
                too_wide.push(g.ch);
            }
            let mut points: Vec<Point2> = line.iter().map(|p| p.at).collect();
            let closed = points.len() > 3 && (points[0] - points[points.len() - 1]).norm() < 1e-9;
            if closed {
                points.pop();
            }
            strokes.push(Stroke::new(
                points,
                closed,
                format!("glyph {gi} {:?} centerline {li}", g.ch),
            ));
        }
    }
    let mut warnings = Vec::new();
    if !too_narrow.is_empty() {
        warnings.push(format!(
            "the tool ({tool}) cuts {:.3} mm wide, wider than parts of the strokes of {}: the groove runs over their edges; use a narrower tool or a larger --height",
            2.0 * radius,
            describe_chars(&too_narrow)
        ));
    }
    if !too_wide.is_empty() {
        warnings.push(format!(
            "centerline cuts one {:.3} mm groove along each stroke; the strokes of {} are more than twice as wide, so the groove draws their skeleton (use --strategy fill to clear them, or a single-stroke font)",
            2.0 * radius,
            describe_chars(&too_wide)
        ));
    }
    Ok(StrokePlan {
        strokes,
        min_coverage: 1.0,
        warnings,
        overrun,
    })
}

fn outline(layout: &Layout2d, tool: &Tool, radius: f64) -> StrokePlan {
    let mut strokes = Vec::new();
    let mut merged = Vec::new();
    for (gi, g) in layout.glyphs.iter().enumerate() {
        for (ci, c) in g.contours.iter().enumerate() {
            strokes.push(Stroke::new(
                c.clone(),
                true,
                format!("glyph {gi} {:?} contour {ci}", g.ch),
            ));
        }
        // If no scan line has room for the tool inside, the grooves on both sides of
        // every stroke run into each other.
        let edges = edges_of(g);
        let (lo, hi) = y_extent(g);
        let fits = (0..16).any(|k| {
            let y = lo + (hi - lo) * (k as f64 + 0.5) / 16.0;
            !inset_intervals(&edges, y, radius).is_empty()
        });
        if !fits {
            merged.push(g.ch);
        }
    }
    let mut warnings = Vec::new();
    if !merged.is_empty() {
        warnings.push(format!(
            "the tool ({tool}) cuts {:.3} mm wide, wider than the strokes of {}: the outline grooves merge; use a narrower tool, a larger --height or --strategy fill",
            2.0 * radius,
            describe_chars(&merged)
        ));
    }
    StrokePlan {
        strokes,
        min_coverage: 1.0,
        warnings,
        overrun: 0.0,
    }
}

/// The x intervals, on the line `y` of the text plane, of the area a strategy means to
/// cut with a tool of cutting radius `radius` at the surface: the glyph interiors for
/// `fill`, `vcarve` and `centerline` (whose single groove must stay inside the letter),
/// the contours widened by `radius` on both sides for `outline`, and for every
/// strategy the open strokes widened by `radius`. Sorted and
/// merged. This is what the simulated cut is compared with. It assumes the default
/// [`StrategyOptions`] besides the strategy; [`intended_intervals_with`] reads them all.
pub fn intended_intervals(
    layout: &Layout2d,
    strategy: Strategy,
    radius: f64,
    y: f64,
) -> Vec<(f64, f64)> {
    let reach = match strategy {
        Strategy::Fill | Strategy::VCarve | Strategy::Centerline => 0.0,
        Strategy::Outline => radius,
    };
    let mut all = Vec::new();
    for g in &layout.glyphs {
        // Open strokes: the band the tool sweeps along them, whatever the strategy.
        all.extend(g.strokes.iter().flat_map(|s| {
            s.windows(2)
                .filter_map(|w| capsule_interval(&w[0], &w[1], y, radius))
        }));
        let (lo, hi) = y_extent(g);
        if y < lo - reach || y > hi + reach {
            continue;
        }
        let edges = edges_of(g);
        match strategy {
            // A centre line stays inside its letter: the letter is the limit.
            Strategy::Fill | Strategy::VCarve | Strategy::Centerline => {
                all.extend(inside_intervals(&edges, y));
            }
            Strategy::Outline => all.extend(
                edges
                    .iter()
                    .filter_map(|(a, b)| capsule_interval(a, b, y, radius)),
            ),
        }
    }
    merge_intervals(all)
}

/// [`intended_intervals`] for the strategy and options of `options`: as there, except
/// that `outline` with [`OutlineOffset::Inside`] means to cut the band from each contour
/// to `2 × radius` inside it (the letters keep their size). Fill patterns and the
/// finishing pass do not change the intended area (the glyph interiors).
pub fn intended_intervals_with(
    layout: &Layout2d,
    options: &StrategyOptions,
    radius: f64,
    y: f64,
) -> Vec<(f64, f64)> {
    if !(options.strategy == Strategy::Outline && options.outline_offset == OutlineOffset::Inside) {
        return intended_intervals(layout, options.strategy, radius, y);
    }
    let mut all = Vec::new();
    for g in &layout.glyphs {
        // Open strokes: the band the tool sweeps along them, as for every strategy.
        all.extend(g.strokes.iter().flat_map(|s| {
            s.windows(2)
                .filter_map(|w| capsule_interval(&w[0], &w[1], y, radius))
        }));
        let (lo, hi) = y_extent(g);
        if y < lo || y > hi {
            continue;
        }
        let edges = edges_of(g);
        let near = merge_intervals(
            edges
                .iter()
                .filter_map(|(a, b)| capsule_interval(a, b, y, 2.0 * radius))
                .collect(),
        );
        for (s, e) in inside_intervals(&edges, y) {
            all.extend(
                near.iter()
                    .map(|&(ns, ne)| (ns.max(s), ne.min(e)))
                    .filter(|(a, b)| a < b),
            );
        }
    }
    merge_intervals(all)
}

/// [`intended_intervals_with`] along the circle of radius `rho` about the text plane's
/// origin instead of along a line: the arcs of the circle in the intended area, as
/// bearings measured from the text's down direction (−y) toward +x, each
/// `(β0, β1)` with `β0 ∈ [−π, π)` and possibly `β1 > π`, sorted and disjoint. A map
/// centred on a pole turns every parallel into such a circle.
pub fn intended_arcs_with(
    layout: &Layout2d,
    options: &StrategyOptions,
    radius: f64,
    rho: f64,
) -> Vec<(f64, f64)> {
    use circle::{capsule_arcs, inside_arcs, intersect_arcs, merge_arcs};
    let inside_band =
        options.strategy == Strategy::Outline && options.outline_offset == OutlineOffset::Inside;
    let reach = if options.strategy == Strategy::Outline && !inside_band {
        radius
    } else {
        0.0
    };
    let mut all = Vec::new();
    for g in &layout.glyphs {
        // Open strokes: the band the tool sweeps along them, whatever the strategy.
        for s in &g.strokes {
            for w in s.windows(2) {
                all.extend(capsule_arcs(&w[0], &w[1], rho, radius));
            }
        }
        let far = g
            .contours
            .iter()
            .flatten()
            .map(|p| p.coords.norm())
            .fold(f64::NEG_INFINITY, f64::max);
        if rho > far + reach {
            continue;
        }
        let edges = edges_of(g);
        match options.strategy {
            // A centre line stays inside its letter: the letter is the limit.
            Strategy::Fill | Strategy::VCarve | Strategy::Centerline => {
                all.extend(inside_arcs(&edges, rho));
            }
            Strategy::Outline if inside_band => {
                let near = merge_arcs(
                    edges
                        .iter()
                        .flat_map(|(a, b)| capsule_arcs(a, b, rho, 2.0 * radius))
                        .collect(),
                );
                all.extend(intersect_arcs(&inside_arcs(&edges, rho), &near));
            }
            Strategy::Outline => {
                all.extend(
                    edges
                        .iter()
                        .flat_map(|(a, b)| capsule_arcs(a, b, rho, radius)),
                );
            }
        }
    }
    merge_arcs(all)
}

/// Sorts intervals and merges the overlapping ones.
pub(crate) fn merge_intervals(mut v: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    v.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

pub(crate) fn describe_chars(chars: &[char]) -> String {
    let mut v: Vec<char> = chars.to_vec();
    v.sort_unstable();
    v.dedup();
    v.iter()
        .map(|&c| {
            if c == crate::artwork::ARTWORK_CHAR {
                "the SVG artwork".to_string()
            } else {
                format!("'{c}'")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Glyph;

    fn rect_glyph(w: f64, h: f64) -> Layout2d {
        let c = vec![
            Point2::new(0.0, 0.0),
            Point2::new(w, 0.0),
            Point2::new(w, h),
            Point2::new(0.0, h),
        ];
        Layout2d {
            glyphs: vec![Glyph {
                ch: 'I',
                contours: vec![c],
                ..Glyph::default()
            }],
            width: w,
            cap_height: h,
            y_min: 0.0,
            y_max: h,
            lines: Vec::new(),
        }
    }

    /// The centre line of a 0.3 mm wide bar: a tool up to 0.3 mm wide stays inside
    /// it; a wider one runs its radius less the bar's half-width over each edge.
    #[test]
    fn centerline_overrun_is_the_radius_beyond_the_half_width() {
        let l = rect_glyph(0.3, 3.0);
        let options = StrategyOptions::default().with_strategy(Strategy::Centerline);
        let narrow = plan_strokes(&l, &Tool::Ball { diameter: 0.2 }, 0.35, &options).unwrap();
        assert_eq!(narrow.overrun, 0.0);
        let wide = plan_strokes(&l, &Tool::Flat { diameter: 0.5 }, 0.05, &options).unwrap();
        assert!(
            (wide.overrun - (0.25 - 0.15)).abs() < 1e-6,
            "{}",
            wide.overrun
        );
        assert!(wide.warnings.iter().any(|w| w.contains("narrower tool")));
    }

    #[test]
    fn fill_of_a_rectangle_stays_one_radius_inside_and_covers_it() {
        let l = rect_glyph(1.0, 2.0);
        let tool = Tool::Ball { diameter: 0.2 };
        let plan = plan_strokes(&l, &tool, 0.35, &StrategyOptions::default()).unwrap();
        assert_eq!(plan.strokes.len(), 1, "one linked zig-zag");
        for p in &plan.strokes[0].points {
            assert!(p.x >= 0.1 - 1e-9 && p.x <= 0.9 + 1e-9, "{p}");
            assert!(p.y >= 0.1 - 1e-9 && p.y <= 1.9 + 1e-9, "{p}");
        }
        // Only the four corners are unreachable: (1 - π/4)·r² each.
        assert!(plan.min_coverage > 0.97, "{}", plan.min_coverage);
        assert!(plan.warnings.is_empty());
    }

    #[test]
    fn tapered_ball_fill_and_outline_use_its_radius_at_the_depth() {
        // taper:0.2:20 at 0.3 mm: r cos β + (0.3 − r(1 − sin β)) tan β with r = 0.1,
        // β = 10°, about 0.1369 mm, wider than its 0.1 mm ball.
        let tool = Tool::parse("taper:0.2:20").unwrap();
        let (r, beta) = (0.1f64, 10f64.to_radians());
        let depth = 0.3;
        let radius = r * beta.cos() + (depth - r * (1.0 - beta.sin())) * beta.tan();
        assert!((tool.radius_at(depth) - radius).abs() < 1e-12);
        let l = rect_glyph(1.0, 2.0);
        let options = StrategyOptions::default();
        let plan = plan_strokes(&l, &tool, depth, &options).unwrap();
        assert!(!plan.strokes.is_empty());
        let (mut x_lo, mut x_hi, mut y_lo, mut y_hi) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in plan.strokes.iter().flat_map(|s| &s.points) {
            (x_lo, x_hi) = (x_lo.min(p.x), x_hi.max(p.x));
            (y_lo, y_hi) = (y_lo.min(p.y), y_hi.max(p.y));
        }
        // The tool centre keeps the cutting radius inside every edge, and reaches it.
        for (got, want) in [
            (x_lo, radius),
            (x_hi, 1.0 - radius),
            (y_lo, radius),
            (y_hi, 2.0 - radius),
        ] {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        // Scan lines no farther apart than the default stepover of that width.
        let step = options.fill_stepover(&tool, depth).unwrap();
        assert!((step - DEFAULT_STEPOVER_FRACTION * 2.0 * radius).abs() < 1e-12);
        let mut ys: Vec<f64> = plan
            .strokes
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.y))
            .collect();
        ys.sort_by(f64::total_cmp);
        ys.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        assert!(ys.windows(2).all(|w| w[1] - w[0] <= step + 1e-9), "{ys:?}");
        // Outline: on the contour, the intended band as wide as the cutting radius.
        let outline = plan_strokes(
            &l,
            &tool,
            depth,
            &options.clone().with_strategy(Strategy::Outline),
        )
        .unwrap();
        assert!(!outline.strokes.is_empty());
        let band = intended_intervals(&l, Strategy::Outline, tool.radius_at(depth), 1.0);
        assert!((band[0].1 - radius).abs() < 1e-12, "{band:?}");
        // V-carving asks for a V-bit and says so.
        let err =
            plan_strokes(&l, &tool, depth, &options.with_strategy(Strategy::VCarve)).unwrap_err();
        assert!(err.to_string().contains("v:ANGLE:TIP"), "{err}");
    }

    #[test]
    fn fill_of_a_too_thin_glyph_is_an_error() {
        let l = rect_glyph(0.15, 2.0);
        let tool = Tool::Ball { diameter: 0.2 };
        let err = plan_strokes(&l, &tool, 0.35, &StrategyOptions::default()).unwrap_err();
        assert!(err.to_string().contains("'I'"), "{err}");
    }

    #[test]
    fn ring_has_a_hole_that_is_not_cut() {
        // Outer square 0..2, inner square 0.6..1.4 wound the other way.
        let outer = vec![
            Point2::new(0.0, 0.0),
            Point2::new(2.0, 0.0),
            Point2::new(2.0, 2.0),
            Point2::new(0.0, 2.0),
        ];
        let inner = vec![
            Point2::new(0.6, 0.6),
            Point2::new(0.6, 1.4),
            Point2::new(1.4, 1.4),
            Point2::new(1.4, 0.6),
        ];
        let l = Layout2d {
            glyphs: vec![Glyph {
                ch: 'O',
                contours: vec![outer, inner],
                ..Glyph::default()
            }],
            width: 2.0,
            cap_height: 2.0,
            y_min: 0.0,
            y_max: 2.0,
            lines: Vec::new(),
        };
        let tool = Tool::Ball { diameter: 0.2 };
        let plan = plan_strokes(&l, &tool, 0.35, &StrategyOptions::default()).unwrap();
        for s in &plan.strokes {
            for w in s.points.windows(2) {
                // No tool-centre segment comes within r of the hole's interior.
                let mid = (w[0].coords + w[1].coords) / 2.0;
                assert!(
                    !(mid.x > 0.5 + 1e-9
                        && mid.x < 1.5 - 1e-9
                        && mid.y > 0.5 + 1e-9
                        && mid.y < 1.5 - 1e-9)
                );
            }
        }
        assert!(plan.min_coverage > 0.95);
    }

    #[test]
    fn intended_area_is_the_interior_for_fill_and_a_band_for_outline() {
        let l = rect_glyph(1.0, 2.0);
        let fill = intended_intervals(&l, Strategy::Fill, 0.1, 1.0);
        assert_eq!(fill, vec![(0.0, 1.0)]);
        let outline = intended_intervals(&l, Strategy::Outline, 0.1, 1.0);
        assert_eq!(outline.len(), 2);
        assert!((outline[0].0 + 0.1).abs() < 1e-12 && (outline[0].1 - 0.1).abs() < 1e-12);
        assert!((outline[1].0 - 0.9).abs() < 1e-12 && (outline[1].1 - 1.1).abs() < 1e-12);
        // Above the glyph: only the outline's band reaches.
        assert!(intended_intervals(&l, Strategy::Fill, 0.1, 2.05).is_empty());
        assert_eq!(
            intended_intervals(&l, Strategy::Outline, 0.1, 2.05).len(),
            1
        );
    }

    #[test]
    fn ordering_enters_strokes_at_their_nearer_end() {
        let a = Stroke::new(
            vec![Point2::new(0.0, 0.0), Point2::new(1.0, 0.0)],
            false,
            "a",
        );
        let far = Stroke::new(
            vec![Point2::new(9.0, 0.0), Point2::new(10.0, 0.0)],
            false,
            "far",
        );
        let mut b = Stroke::new(
            vec![Point2::new(3.0, 0.0), Point2::new(1.5, 0.0)],
            false,
            "b",
        );
        b.depths = Some(vec![0.1, 0.2]);
        let ring = Stroke::new(
            vec![
                Point2::new(6.0, 1.0),
                Point2::new(6.0, -1.0),
                Point2::new(4.0, 0.0),
            ],
            true,
            "ring",
        );
        let o = order_strokes(vec![a, far, b, ring]);
        let labels: Vec<&str> = o.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["a", "b", "ring", "far"]);
        // b was entered from its end at x = 1.5 and reversed with its depths.
        assert_eq!(o[1].points[0], Point2::new(1.5, 0.0));
        assert_eq!(o[1].depths.as_deref(), Some(&[0.2, 0.1][..]));
        // The ring starts at its vertex nearest to b's end (x = 3).
        assert_eq!(o[2].points[0], Point2::new(4.0, 0.0));
        assert_eq!(o[2].points.len(), 3);
    }

    #[test]
    fn outline_traces_contours_and_warns_when_grooves_merge() {
        let l = rect_glyph(0.15, 2.0);
        let tool = Tool::Ball { diameter: 0.2 };
        let o = StrategyOptions::default().with_strategy(Strategy::Outline);
        let plan = plan_strokes(&l, &tool, 0.35, &o).unwrap();
        assert_eq!(plan.strokes.len(), 1);
        assert!(plan.strokes[0].closed);
        assert_eq!(plan.warnings.len(), 1);
    }
}
