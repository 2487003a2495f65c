//! The centre lines of outline glyphs: their medial axis, pruned to one line per
//! stroke, for the `centerline` strategy.
//!
//! The `centerline` crate builds the segment Voronoi diagram of the glyph's contour
//! edges (boostvoronoi, on integer coordinates) and keeps its inner edges, each end
//! carrying its distance to the contour (the local half-width). Holes are passed as
//! contours like any other, and an edge counts only where it lies inside the glyph by
//! the non-zero rule, so nothing runs inside a hole or between letters. What remains
//! is the medial axis, which at every convex corner and stroke end forks out to the
//! contour; those spurs (leaf branches that come within a small fraction of the
//! stroke width of the contour) are pruned until every leaf is a stroke end well
//! inside the letter, and the edges are chained into polylines.

use centerline::Centerline;
use vector_traits::glam::{DVec2, DVec3};
use vector_traits::prelude::GenericVector2;

use super::geometry::{edges_of, winding_inside};
use crate::error::{CoreError, Result};
use crate::layout::Glyph;
use crate::math::Point2;

/// Integer units per mm handed to the Voronoi builder (10 nm): far below any tool,
/// far from i32's range for a glyph.
const UNITS_PER_MM: f64 = 1e5;
/// Edges whose direction is within this angle's cosine of perpendicular to the input
/// segment that made them are "spiky" and dropped by the crate (its recommended 0.38).
const COS_ANGLE: f64 = 0.38;
/// Chord tolerance for the parabolic Voronoi edges (mm).
const CURVE_TOL: f64 = 0.002;
/// A leaf whose half-width is below this fraction of the glyph's widest half-width
/// is a spur running out to the contour.
const SPUR_FRACTION: f64 = 0.35;

/// A point of a centre line: position and half-width of the letter there (mm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AxisPoint {
    pub(crate) at: Point2,
    pub(crate) half_width: f64,
}

/// The pruned medial axis of a glyph as polylines.
pub(crate) fn glyph_centerlines(g: &Glyph) -> Result<Vec<Vec<AxisPoint>>> {
    let edges = edges_of(g);
    if edges.is_empty() {
        return Ok(Vec::new());
    }
    let (mut lo, mut hi) = (
        Point2::new(f64::INFINITY, f64::INFINITY),
        Point2::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
    );
    for p in g.contours.iter().flatten() {
        lo = Point2::new(lo.x.min(p.x), lo.y.min(p.y));
        hi = Point2::new(hi.x.max(p.x), hi.y.max(p.y));
    }
    let size = (hi.x - lo.x).max(hi.y - lo.y);
    let fail = |reason: String| {
        CoreError::BadSpec {
        what: "glyph for centerline".into(),
        given: format!("{:?}", g.ch),
        expected: format!("a glyph whose contours do not cross each other ({reason}); use --strategy fill or outline for this font"),
    }
    };
    if !(size.is_finite() && size > 0.0) {
        return Err(fail("it has no extent".into()));
    }
    let scale = UNITS_PER_MM.min(1e9 / size);
    let to_int = |p: &Point2| -> [i32; 2] {
        [
            ((p.x - lo.x) * scale).round() as i32,
            ((p.y - lo.y) * scale).round() as i32,
        ]
    };
    let mut segments = Vec::with_capacity(edges.len());
    for (a, b) in &edges {
        let (a, b) = (to_int(a), to_int(b));
        if a != b {
            segments.push(boostvoronoi::prelude::Line::from([a[0], a[1], b[0], b[1]]));
        }
    }
    if segments.len() > MAX_SEGMENTS {
        return Err(fail(format!(
            "it has {} edges, more than the {MAX_SEGMENTS} handled",
            segments.len()
        )));
    }
    if let Some((i, j)) = first_crossing(&segments) {
        let at = |k: usize| {
            let l = &segments[k];
            format!(
                "({:.4}, {:.4})",
                lo.x + f64::from(l.start.x) / scale,
                lo.y + f64::from(l.start.y) / scale
            )
        };
        return Err(fail(format!(
            "the edges starting at {} and {} cross or overlap",
            at(i),
            at(j)
        )));
    }
    // The Voronoi builder asserts on input it cannot handle; the check above keeps
    // such input away, and this boundary turns anything it missed into an error.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut c = Centerline::<i32, DVec3>::with_segments(segments);
        c.build_voronoi()?;
        let no_regions: Vec<(<DVec2 as GenericVector2>::Aabb, Vec<DVec2>)> = Vec::new();
        c.calculate_centerline(COS_ANGLE, CURVE_TOL * scale, Some(&no_regions))?;
        Ok::<_, centerline::CenterlineError>(c)
    }));
    let c = match built {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return Err(fail(e.to_string())),
        Err(_) => return Err(fail("the Voronoi builder could not handle them".into())),
    };
    let from = |v: &DVec3| AxisPoint {
        at: Point2::new(lo.x + v.x / scale, lo.y + v.y / scale),
        half_width: v.z.abs() / scale,
    };
    let mut raw: Vec<(AxisPoint, AxisPoint)> = Vec::new();
    for l in c.lines.iter().flatten() {
        raw.push((from(&l.start), from(&l.end)));
    }
    for s in c.line_strings.iter().flatten() {
        for w in s.windows(2) {
            raw.push((from(&w[0]), from(&w[1])));
        }
    }
    // Keep edges inside the letter (not in holes, not between its parts).
    raw.retain(|(a, b)| {
        let mid = Point2::from((a.at.coords + b.at.coords) / 2.0);
        (a.at - b.at).norm() > 0.0 && winding_inside(&edges, &mid)
    });
    Ok(chain(prune(raw, size)))
}

/// Largest number of contour edges of one glyph handed to the Voronoi builder.
const MAX_SEGMENTS: usize = 20_000;

type Seg = boostvoronoi::prelude::Line<i32>;

/// The first pair of edges that meet anywhere but at an end they share (a crossing,
/// a touch in mid-edge or a collinear overlap): the input the Voronoi builder cannot
/// take. Exact, in integer arithmetic.
fn first_crossing(segs: &[Seg]) -> Option<(usize, usize)> {
    let p = |q: &boostvoronoi::prelude::Point<i32>| (i128::from(q.x), i128::from(q.y));
    let orient = |a: (i128, i128), b: (i128, i128), c: (i128, i128)| {
        ((b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)).signum()
    };
    let on = |a: (i128, i128), b: (i128, i128), c: (i128, i128)| {
        c.0 >= a.0.min(b.0) && c.0 <= a.0.max(b.0) && c.1 >= a.1.min(b.1) && c.1 <= a.1.max(b.1)
    };
    let mut order: Vec<usize> = (0..segs.len()).collect();
    let x_lo = |s: &Seg| s.start.x.min(s.end.x);
    let x_hi = |s: &Seg| s.start.x.max(s.end.x);
    order.sort_by_key(|&k| x_lo(&segs[k]));
    for (n, &i) in order.iter().enumerate() {
        let (a, b) = (p(&segs[i].start), p(&segs[i].end));
        for &j in &order[n + 1..] {
            if x_lo(&segs[j]) > x_hi(&segs[i]) {
                break;
            }
            let (c, d) = (p(&segs[j].start), p(&segs[j].end));
            let (o1, o2, o3, o4) = (
                orient(a, b, c),
                orient(a, b, d),
                orient(c, d, a),
                orient(c, d, b),
            );
            if o1 * o2 < 0 && o3 * o4 < 0 {
                return Some((i, j));
            }
            // Touching: every contact point must be an end of both edges.
            let shared = |q: (i128, i128)| (q == a || q == b) && (q == c || q == d);
            let touches = [
                (o1 == 0 && on(a, b, c), c),
                (o2 == 0 && on(a, b, d), d),
                (o3 == 0 && on(c, d, a), a),
                (o4 == 0 && on(c, d, b), b),
            ];
            if touches.iter().any(|&(t, q)| t && !shared(q)) {
                return Some((i, j));
            }
            // Collinear edges sharing both ends are the same edge twice.
            if o1 == 0 && o2 == 0 && ((a == c && b == d) || (a == d && b == c)) {
                return Some((i, j));
            }
        }
    }
    None
}

/// Node key: positions rounded to the Voronoi grid, so shared ends meet.
fn key(p: &AxisPoint) -> (i64, i64) {
    (
        (p.at.x * UNITS_PER_MM).round() as i64,
        (p.at.y * UNITS_PER_MM).round() as i64,
    )
}

/// Removes spur leaves (branches out to the contour) until none is left.
fn prune(mut edges: Vec<(AxisPoint, AxisPoint)>, size: f64) -> Vec<(AxisPoint, AxisPoint)> {
    use std::collections::HashMap;
    let widest = edges
        .iter()
        .flat_map(|(a, b)| [a.half_width, b.half_width])
        .fold(0.0, f64::max);
    let spur = (SPUR_FRACTION * widest).max(1e-6 * size);
    loop {
        let mut degree: HashMap<(i64, i64), usize> = HashMap::new();
        for (a, b) in &edges {
            *degree.entry(key(a)).or_default() += 1;
            *degree.entry(key(b)).or_default() += 1;
        }
        let before = edges.len();
        edges.retain(|(a, b)| {
            let (da, db) = (degree[&key(a)], degree[&key(b)]);
            // A leaf end close to the contour, on an edge that joins the rest.
            let spur_a = da == 1 && a.half_width < spur && db > 1;
            let spur_b = db == 1 && b.half_width < spur && da > 1;
            !(spur_a || spur_b)
        });
        if edges.len() == before {
            return edges;
        }
    }
}

/// Chains edges into polylines through the nodes of degree two.
fn chain(edges: Vec<(AxisPoint, AxisPoint)>) -> Vec<Vec<AxisPoint>> {
    use std::collections::HashMap;
    let mut at: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, (a, b)) in edges.iter().enumerate() {
        at.entry(key(a)).or_default().push(i);
        at.entry(key(b)).or_default().push(i);
    }
    let mut used = vec![false; edges.len()];
    let mut out = Vec::new();
    // Start at nodes that are not mid-line (ends and junctions), then close loops.
    let mut starts: Vec<(i64, i64)> = at
        .iter()
        .filter(|(_, v)| v.len() != 2)
        .map(|(k, _)| *k)
        .collect();
    starts.sort_unstable();
    let walk = |start: (i64, i64), first: usize, used: &mut Vec<bool>| -> Vec<AxisPoint> {
        let mut line = Vec::new();
        let mut node = start;
        let mut edge = first;
        loop {
            used[edge] = true;
            let (a, b) = edges[edge];
            let (from, to) = if key(&a) == node { (a, b) } else { (b, a) };
            if line.is_empty() {
                line.push(from);
            }
            line.push(to);
            node = key(&to);
            let next = at[&node].iter().copied().find(|&e| !used[e]);
            match next {
                Some(e) if at[&node].len() == 2 => edge = e,
                _ => return line,
            }
        }
    };
    for s in starts {
        while let Some(e) = at[&s].iter().copied().find(|&e| !used[e]) {
            out.push(walk(s, e, &mut used));
        }
    }
    for e in 0..edges.len() {
        if !used[e] {
            out.push(walk(key(&edges[e].0), e, &mut used));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(contours: Vec<Vec<Point2>>) -> Glyph {
        Glyph {
            ch: 'I',
            contours,
            ..Glyph::default()
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

    #[test]
    fn centerline_of_a_rectangle_is_its_midline() {
        let lines = glyph_centerlines(&glyph(vec![rect(0.0, 0.0, 10.0, 2.0)])).unwrap();
        assert_eq!(lines.len(), 1, "{lines:?}");
        let l = &lines[0];
        for p in l {
            assert!((p.at.y - 1.0).abs() < 1e-6, "{p:?}");
            assert!((p.half_width - 1.0).abs() < 1e-6, "{p:?}");
        }
        let xs: Vec<f64> = l.iter().map(|p| p.at.x).collect();
        let (x0, x1) = (
            xs.iter().copied().fold(f64::INFINITY, f64::min),
            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        // The medial axis of a rectangle ends one half-width from each end.
        assert!((x0 - 1.0).abs() < 1e-6 && (x1 - 9.0).abs() < 1e-6, "{xs:?}");
    }

    #[test]
    fn a_ring_gives_one_loop_around_its_hole_and_nothing_inside_it() {
        let outer = rect(0.0, 0.0, 6.0, 6.0);
        let mut hole = rect(1.0, 1.0, 5.0, 5.0);
        hole.reverse();
        let lines = glyph_centerlines(&glyph(vec![outer, hole])).unwrap();
        let pts: Vec<&AxisPoint> = lines.iter().flatten().collect();
        assert!(!pts.is_empty());
        for p in &pts {
            // Equidistant from the outer boundary and the hole (rounded round the
            // hole's corners), the half-width being that distance.
            let (x, y) = (p.at.x, p.at.y);
            let d_out = x.min(y).min(6.0 - x).min(6.0 - y);
            let (dx, dy) = (
                (1.0 - x).max(x - 5.0).max(0.0),
                (1.0 - y).max(y - 5.0).max(0.0),
            );
            let d_in = dx.hypot(dy);
            assert!((d_out - d_in).abs() < 1e-3, "{p:?}: {d_out} vs {d_in}");
            assert!((p.half_width - d_out).abs() < 1e-3, "{p:?}");
            assert!((0.5 - 1e-9..0.6).contains(&d_out), "{p:?}");
        }
        // One closed loop: every node has two edges, the chain ends where it began.
        assert_eq!(lines.len(), 1, "{lines:?}");
        let l = &lines[0];
        assert!((l[0].at - l[l.len() - 1].at).norm() < 1e-6);
    }

    #[test]
    fn a_letter_t_is_two_strokes_meeting_at_the_junction() {
        // T: bar 0..6 × 5..6, stem 2.5..3.5 × 0..5.
        let t = vec![
            Point2::new(2.5, 0.0),
            Point2::new(3.5, 0.0),
            Point2::new(3.5, 5.0),
            Point2::new(6.0, 5.0),
            Point2::new(6.0, 6.0),
            Point2::new(0.0, 6.0),
            Point2::new(0.0, 5.0),
            Point2::new(2.5, 5.0),
        ];
        let lines = glyph_centerlines(&glyph(vec![t])).unwrap();
        // Three branches from the junction: left bar, right bar, stem.
        assert_eq!(lines.len(), 3, "{lines:?}");
        for p in lines.iter().flatten() {
            let on_bar = (p.at.y - 5.5).abs() < 1e-6;
            let on_stem = (p.at.x - 3.0).abs() < 1e-6;
            let near_junction = (p.at - Point2::new(3.0, 5.5)).norm() < 0.75;
            assert!(on_bar || on_stem || near_junction, "{p:?}");
        }
    }

    #[test]
    fn crossing_and_degenerate_contours_give_a_result_or_an_error_never_a_panic() {
        let bowtie = vec![
            Point2::new(0.0, 0.0),
            Point2::new(4.0, 2.0),
            Point2::new(4.0, 0.0),
            Point2::new(0.0, 2.0),
        ];
        let err = glyph_centerlines(&glyph(vec![bowtie])).unwrap_err();
        assert!(err.to_string().contains("cross"), "{err}");
        let overlapping = vec![rect(0.0, 0.0, 4.0, 2.0), rect(2.0, 1.0, 6.0, 3.0)];
        assert!(glyph_centerlines(&glyph(overlapping)).is_err());
        let tiny = vec![rect(0.0, 0.0, 1e-9, 1e-9)];
        let _ = glyph_centerlines(&glyph(tiny));
        let repeated = vec![rect(0.0, 0.0, 1.0, 1.0), rect(0.0, 0.0, 1.0, 1.0)];
        assert!(glyph_centerlines(&glyph(repeated)).is_err());
        let spike = vec![vec![
            Point2::new(0.0, 0.0),
            Point2::new(3.0, 0.0),
            Point2::new(3.0, 1.0),
            Point2::new(3.0, 0.0),
            Point2::new(0.0, 1.0),
        ]];
        assert!(glyph_centerlines(&glyph(spike)).is_err());
    }
}
