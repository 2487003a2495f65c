//! A glyph's filled area as loops cavalier_contours can offset, and its offsets.
//!
//! The offsets come from [`cavalier_contours`], chosen over `i_overlay` because it
//! offsets in `f64` exactly, joining the offset segments with true arcs around the
//! vertices, and offsets a whole region at once: `Shape::parallel_offset` takes the
//! outer contours (counter-clockwise) and their holes (clockwise) together and keeps
//! only the parts of each offset loop that stay the offset distance from every input
//! contour, so counters, islands and letters that pinch off are handled in one call.
//! `i_overlay` is a boolean-operation library on integer-snapped coordinates whose
//! outline offset approximates round joins with chords, which cut into the tool's
//! clearance at every inner corner. (Its strength, resolving self-intersecting and
//! overlapping contours by any fill rule, is what [`resolve_overlaps`] does here for
//! the overlaps fonts actually have, with cavalier_contours' boolean operations.)
//!
//! Every loop is flattened back to a polyline (our strokes are polylines) with a chord
//! tolerance; the arcs are replaced by segments *tangent* to them, outside the circle,
//! so the tool centre does not come closer to the letter edge than the offset
//! distance. Each loop is checked before use: inside the letter and, along every
//! segment, no closer to its edge than the offset distance less the tolerance.

use std::collections::BTreeSet;

use cavalier_contours::polyline::{
    seg_arc_radius_and_center, PlineSource, PlineSourceMut, PlineVertex, Polyline,
};
use cavalier_contours::shape_algorithms::{Shape, ShapeOffsetOptions};

use super::geometry::{dist_to_segment, edges_of, winding_inside, Edge, SegmentGrid};
use crate::layout::Glyph;
use crate::math::{Point2, Vector2};

/// Contour vertices closer than this to the previous one are dropped before offsetting
/// (mm; cavalier_contours treats positions this close as equal).
const POS_EPS: f64 = 1e-5;

/// cavalier_contours works in micrometres: its fixed tolerances (1e-5 for equal
/// positions, and tighter ones inside) suit coordinates of a few hundred units far
/// better than a 3 mm letter made of 0.02 mm segments. In millimetres its internal
/// (debug-build) checks failed on about one offset in two thousand of random star
/// polygons and on 3 of 111 DejaVu Sans glyphs; in micrometres, on none.
const SCALE: f64 = 1000.0;

/// Extra offset distances (mm) tried, in turn, when cavalier_contours fails on one:
/// deeper into the letter, so on the safe side, and far below machine resolution.
const RETRY_DEEPER: [f64; 4] = [0.0, 1e-6, 1e-5, 1e-4];

/// A glyph's filled region, ready to be offset.
pub(super) struct Region {
    /// The region for cavalier_contours.
    shape: Shape<f64>,
    /// The contours, cleaned and oriented with the letter on their left.
    pub(super) contours: Vec<Vec<Point2>>,
    /// Edges of `contours`, bucketed, with the contour each edge belongs to.
    grid: SegmentGrid,
    /// Contour index of each edge in `grid`.
    edge_contour: Vec<usize>,
    /// Edges of `contours`, for the inside test.
    edges: Vec<Edge>,
    /// The larger side of the region's bounding box (mm).
    extent: f64,
    /// False when contours cross or touch each other or themselves in a way
    /// [`resolve_overlaps`] cannot undo: cavalier_contours needs simple, disjoint loops.
    clean: bool,
}

/// Loops of one offset, flattened.
pub(super) struct Inset {
    /// Closed loops for the tool centre.
    pub(super) loops: Vec<Vec<Point2>>,
    /// How many loops were dropped because they left the letter or came too close to
    /// its edge (a sign of an outline cavalier_contours cannot offset, such as a
    /// self-intersecting contour).
    pub(super) dropped: usize,
}

impl Region {
    /// The region of a glyph: its contours without repeated points, each oriented so
    /// that the letter (by the non-zero rule) lies on its left, which makes outer
    /// contours counter-clockwise and holes clockwise as cavalier_contours expects.
    /// Contours with the letter on both sides or on neither (overlaps) are left out.
    pub(super) fn of(g: &Glyph) -> Self {
        let all_edges = edges_of(g);
        let mut contours = Vec::new();
        let mut flipped = Vec::new();
        let mut left_out = false;
        for c in &g.contours {
            let Some(mut pts) = clean_contour(c) else {
                continue;
            };
            match letter_on_left(&all_edges, &pts) {
                Some(true) => {
                    contours.push(pts);
                    flipped.push(false);
                }
                Some(false) => {
                    pts.reverse();
                    contours.push(pts);
                    flipped.push(true);
                }
                None => left_out = true,
            }
        }
        // Disjoint simple contours, each with the letter on its left, bound exactly
        // the area the non-zero rule fills. Where contours had to be merged or left
        // out, check that they still do.
        let crossed = first_crossing(&contours).is_some();
        let clean = resolve_overlaps(&mut contours, &mut flipped)
            && (!(crossed || left_out) || same_fill(&all_edges, &contours));
        let shape = Shape::from_plines(contours.iter().map(|c| to_pline(c)));
        let mut edges = Vec::new();
        let mut edge_contour = Vec::new();
        for (ci, c) in contours.iter().enumerate() {
            for i in 0..c.len() {
                edges.push((c[i], c[(i + 1) % c.len()]));
                edge_contour.push(ci);
            }
        }
        let (mut lo, mut hi) = (
            Point2::new(f64::INFINITY, f64::INFINITY),
            Point2::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
        );
        for p in contours.iter().flatten() {
            lo = Point2::new(lo.x.min(p.x), lo.y.min(p.y));
            hi = Point2::new(hi.x.max(p.x), hi.y.max(p.y));
        }
        let extent = (hi.x - lo.x).max(hi.y - lo.y).max(0.0);
        let grid = SegmentGrid::new(edges.clone(), (extent / 40.0).max(1e-3));
        Self {
            shape,
            contours,
            grid,
            edge_contour,
            edges,
            extent,
            clean,
        }
    }

    /// The closed loops at distance `d` inside the region, arcs flattened within
    /// `tol`. Loops with a vertex outside the letter or closer than `d - tol` to its
    /// edge are dropped and counted. `None` when the region cannot be offset: its
    /// contours cross, or cavalier_contours failed on it.
    pub(super) fn inset(&self, d: f64, tol: f64) -> Option<Inset> {
        let mut out = Inset {
            loops: Vec::new(),
            dropped: 0,
        };
        if !self.clean {
            return None;
        }
        if self.contours.is_empty() || d.is_nan() || d <= 0.0 || d > self.extent {
            return Some(out);
        }
        // cavalier_contours asserts (in debug builds) on inputs it cannot handle. The
        // crossing contours that cause most of that are screened out above and the
        // scale avoids its numerical limits; should an offset distance still trip an
        // assertion, a fraction of a micrometre deeper is tried, and a panic must not
        // take the program down.
        let result = RETRY_DEEPER.iter().find_map(|extra| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.shape
                    .parallel_offset((d + extra) * SCALE, &ShapeOffsetOptions::default())
            }))
            .ok()
        })?;
        for ip in result.ccw_plines.iter().chain(&result.cw_plines) {
            let pts = flatten_closed(&ip.polyline, tol * SCALE, 1.0 / SCALE);
            if pts.len() < 2 {
                continue;
            }
            // Every vertex inside and every segment at least d - tol from every edge
            // (so no segment crosses one either).
            let n = pts.len();
            let ok = pts
                .iter()
                .all(|p| p.x.is_finite() && p.y.is_finite() && winding_inside(&self.edges, p))
                && (0..n).all(|i| self.clear_of_edges(&pts[i], &pts[(i + 1) % n], d - tol));
            if ok {
                out.loops.push(pts);
            } else {
                out.dropped += 1;
            }
        }
        Some(out)
    }

    /// True when the segment `a`–`b` keeps at least `clearance` from every edge.
    fn clear_of_edges(&self, a: &Point2, b: &Point2, clearance: f64) -> bool {
        let mid = Point2::from((a.coords + b.coords) / 2.0);
        let mut clear = true;
        self.grid
            .for_each_within(&mid, (b - a).norm() / 2.0 + clearance, |k| {
                if let Some((c, d)) = self.edges.get(k) {
                    clear &= !segments_within(a, b, c, d, clearance);
                }
            });
        clear
    }

    /// The contours each loop runs along (within `d` plus the tolerances).
    pub(super) fn contours_touched(&self, lp: &[Point2], d: f64, tol: f64) -> BTreeSet<usize> {
        let mut set = BTreeSet::new();
        let reach = d + tol + 1e-6 * d.max(1.0);
        for p in lp {
            self.grid.for_each_within(p, reach, |k| {
                if let Some(&c) = self.edge_contour.get(k) {
                    set.insert(c);
                }
            });
        }
        set
    }
}

/// A contour without non-finite or repeated points (also none repeating the first at
/// the end); `None` if fewer than three points or no area are left.
fn clean_contour(c: &[Point2]) -> Option<Vec<Point2>> {
    let mut pts: Vec<Point2> = Vec::with_capacity(c.len());
    for p in c {
        if !(p.x.is_finite() && p.y.is_finite()) {
            continue;
        }
        if pts.last().is_none_or(|q| (p - q).norm() > POS_EPS) {
            pts.push(*p);
        }
    }
    while pts.len() > 1
        && pts
            .first()
            .zip(pts.last())
            .is_some_and(|(a, b)| (a - b).norm() <= POS_EPS)
    {
        pts.pop();
    }
    // A contour crossing itself may enclose area with none net (a bow tie): kept, to
    // be found crossing.
    let keep = pts.len() >= 3
        && (signed_area(&pts).abs() >= POS_EPS * POS_EPS
            || first_crossing(std::slice::from_ref(&pts)).is_some());
    keep.then_some(pts)
}

/// True when `contours` fill what `edges` fill by the non-zero rule, on a grid of
/// sample points (away from the edges, where the two may differ by the clean-up).
fn same_fill(edges: &[Edge], contours: &[Vec<Point2>]) -> bool {
    let mut resolved = Vec::new();
    for c in contours {
        resolved.extend((0..c.len()).map(|i| (c[i], c[(i + 1) % c.len()])));
    }
    let (mut lo, mut hi) = (
        Point2::new(f64::INFINITY, f64::INFINITY),
        Point2::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
    );
    for p in edges.iter().flat_map(|(a, b)| [a, b]) {
        lo = Point2::new(lo.x.min(p.x), lo.y.min(p.y));
        hi = Point2::new(hi.x.max(p.x), hi.y.max(p.y));
    }
    if !(lo.x.is_finite() && hi.x.is_finite() && lo.y.is_finite() && hi.y.is_finite()) {
        return false;
    }
    const N: usize = 48;
    let cell = (hi - lo) / N as f64;
    let near = SegmentGrid::new(edges.to_vec(), cell.x.max(cell.y).max(1e-3));
    // Off-centre sample points, so they do not line up with axis-parallel edges.
    (0..N).all(|j| {
        (0..N).all(|i| {
            let p = lo + Vector2::new(cell.x * (i as f64 + 0.382), cell.y * (j as f64 + 0.618));
            near.any_within(&p, 1e-4) || winding_inside(edges, &p) == winding_inside(&resolved, &p)
        })
    })
}

/// A contour as a closed cavalier_contours polyline (in its units).
fn to_pline(c: &[Point2]) -> Polyline<f64> {
    let mut pl = Polyline::new_closed();
    for p in c {
        pl.add(p.x * SCALE, p.y * SCALE, 0.0);
    }
    pl
}

/// Merges overlapping contours, as fonts draw accents and composite or variable glyphs,
/// into the outline of the area they fill by the non-zero rule: two outer contours
/// that cross become their union (with any hole it encloses), and a hole crossed by
/// an outer contour loses the part that contour fills. That holds when the font winds
/// all outer contours one way and all holes the other, that is when both contours
/// had to be turned round the same way (`flipped`, kept up to date) to put the letter
/// on their left. Returns false when crossings remain that this cannot resolve: a
/// contour crossing itself, two holes crossing, contours wound inconsistently, or a
/// boolean operation that fails.
fn resolve_overlaps(contours: &mut Vec<Vec<Point2>>, flipped: &mut Vec<bool>) -> bool {
    use cavalier_contours::polyline::BooleanOp;
    let Some(crossing) = first_crossing(contours) else {
        return true;
    };
    // Boolean operations need contours that do not cross themselves.
    if crossing.0 == crossing.1
        || contours
            .iter()
            .any(|c| first_crossing(std::slice::from_ref(c)).is_some())
    {
        return false;
    }
    let mut budget = 2 * contours.len() + 16;
    while let Some((i, j)) = first_crossing(contours) {
        if i == j || budget == 0 || flipped.get(i) != flipped.get(j) {
            return false;
        }
        let flip = flipped[i];
        budget -= 1;
        let ccw = |k: usize| signed_area(&contours[k]) > 0.0;
        // (contour kept as it is, result, whether the result's positive loops are
        // outer contours)
        let (keep, result, pos_outer) = match (ccw(i), ccw(j)) {
            (true, true) => (
                None,
                boolean(&contours[i], &contours[j], BooleanOp::Or),
                true,
            ),
            (true, false) | (false, true) => {
                let (outer, hole) = if ccw(i) { (i, j) } else { (j, i) };
                let mut h = contours[hole].clone();
                h.reverse();
                (
                    Some(outer),
                    boolean(&h, &contours[outer], BooleanOp::Not),
                    false,
                )
            }
            (false, false) => return false,
        };
        let Some((pos, neg)) = result else {
            return false;
        };
        let kept = |k: usize| (k != i && k != j) || Some(k) == keep;
        let mut next: Vec<Vec<Point2>> = contours
            .iter()
            .enumerate()
            .filter(|&(k, _)| kept(k))
            .map(|(_, c)| c.clone())
            .collect();
        let mut next_flipped: Vec<bool> = flipped
            .iter()
            .enumerate()
            .filter(|&(k, _)| kept(k))
            .map(|(_, f)| *f)
            .collect();
        // Outer contours counter-clockwise, holes clockwise. The union's enclosed loops
        // are holes; what is left of a trimmed hole is holes.
        let neg = if pos_outer { neg } else { Vec::new() };
        let loops = pos
            .into_iter()
            .map(|c| (c, pos_outer))
            .chain(neg.into_iter().map(|c| (c, false)));
        for (mut c, outer) in loops {
            if (signed_area(&c) > 0.0) != outer {
                c.reverse();
            }
            next.push(c);
            next_flipped.push(flip);
        }
        *contours = next;
        *flipped = next_flipped;
    }
    true
}

/// Positive and negative (enclosed) loops of a boolean operation.
type BooleanLoops = (Vec<Vec<Point2>>, Vec<Vec<Point2>>);

/// The boolean `op` of two simple closed contours; `None` if cavalier_contours fails.
fn boolean(
    a: &[Point2],
    b: &[Point2],
    op: cavalier_contours::polyline::BooleanOp,
) -> Option<BooleanLoops> {
    let (pa, pb) = (to_pline(a), to_pline(b));
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pa.boolean(&pb, op))).ok()?;
    let back = |pl: &Polyline<f64>| -> Option<Vec<Point2>> {
        // Lines in give lines out: no arcs to flatten.
        let pts: Vec<Point2> = pl
            .iter_vertexes()
            .map(|v| Point2::new(v.x / SCALE, v.y / SCALE))
            .collect();
        clean_contour(&pts)
    };
    Some((
        result
            .pos_plines
            .iter()
            .filter_map(|r| back(&r.pline))
            .collect(),
        result
            .neg_plines
            .iter()
            .filter_map(|r| back(&r.pline))
            .collect(),
    ))
}

/// The first pair of contours (by index, possibly the same twice) with edges that
/// cross or come within [`POS_EPS`] of each other, other than neighbours on the same
/// contour at their shared vertex.
fn first_crossing(contours: &[Vec<Point2>]) -> Option<(usize, usize)> {
    // (contour, its length, index of the edge within it) for every edge.
    let mut place = Vec::new();
    let mut edges = Vec::new();
    for (ci, c) in contours.iter().enumerate() {
        for i in 0..c.len() {
            place.push((ci, c.len(), i));
            edges.push((c[i], c[(i + 1) % c.len()]));
        }
    }
    let longest = edges
        .iter()
        .map(|(a, b)| (b - a).norm())
        .fold(0.0, f64::max);
    let grid = SegmentGrid::new(edges.clone(), longest.max(1e-3));
    for (k, (a, b)) in edges.iter().enumerate() {
        let mid = Point2::from((a.coords + b.coords) / 2.0);
        let reach = (b - a).norm() / 2.0 + POS_EPS;
        let mut hit = None;
        grid.for_each_within(&mid, reach, |j| {
            if hit.is_some() || j == k {
                return;
            }
            let (ck, n, i) = place[k];
            let (cj, _, ij) = place[j];
            if ck == cj && (ij == (i + 1) % n || i == (ij + 1) % n) {
                return;
            }
            let (c, d) = &edges[j];
            if segments_within(a, b, c, d, POS_EPS) {
                hit = Some((ck.min(cj), ck.max(cj)));
            }
        });
        if hit.is_some() {
            return hit;
        }
    }
    None
}

/// True when the segments `a`–`b` and `c`–`d` cross or come within `eps`.
fn segments_within(a: &Point2, b: &Point2, c: &Point2, d: &Point2, eps: f64) -> bool {
    let cross = |o: &Point2, p: &Point2, q: &Point2| (p - o).perp(&(q - o));
    let (d1, d2) = (cross(a, b, c), cross(a, b, d));
    let (d3, d4) = (cross(c, d, a), cross(c, d, b));
    if d1 * d2 < 0.0 && d3 * d4 < 0.0 {
        return true;
    }
    dist_to_segment(c, a, b) <= eps
        || dist_to_segment(d, a, b) <= eps
        || dist_to_segment(a, c, d) <= eps
        || dist_to_segment(b, c, d) <= eps
}

/// The signed area of a closed polygon (positive when counter-clockwise).
fn signed_area(pts: &[Point2]) -> f64 {
    let n = pts.len();
    (0..n)
        .map(|i| {
            let (a, b) = (pts[i], pts[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum::<f64>()
        / 2.0
}

/// Whether the letter lies on the left of the contour `pts` (`None` when it lies on
/// both sides or on neither everywhere). Sampled just beside the middle of the
/// contour's longest edges first, which settles an ordinary contour at once; then
/// beside the middle of every piece into which the other edges cut each edge, since
/// which side is filled only changes where edges cross.
fn letter_on_left(edges: &[Edge], pts: &[Point2]) -> Option<bool> {
    let n = pts.len();
    let mut order: Vec<(f64, usize)> = (0..n)
        .map(|i| ((pts[(i + 1) % n] - pts[i]).norm(), i))
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let side = |a: &Point2, b: &Point2, t: f64, len: f64, piece: f64| {
        let at = a + (b - a) * t;
        let left = Vector2::new(a.y - b.y, b.x - a.x) / len;
        let eps = (piece * 1e-3).min(1e-6);
        let l = winding_inside(edges, &(at + left * eps));
        let r = winding_inside(edges, &(at - left * eps));
        (l != r).then_some(l)
    };
    for &(len, i) in order.iter().take(16) {
        if len > POS_EPS {
            if let Some(l) = side(&pts[i], &pts[(i + 1) % n], 0.5, len, len) {
                return Some(l);
            }
        }
    }
    for &(len, i) in &order {
        if len <= POS_EPS {
            continue;
        }
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        let mut cuts: Vec<f64> = edges
            .iter()
            .filter_map(|(c, d)| crossing_parameter(&a, &b, c, d))
            .chain([0.0, 1.0])
            .collect();
        cuts.sort_by(f64::total_cmp);
        for w in cuts.windows(2) {
            let piece = (w[1] - w[0]) * len;
            if piece > POS_EPS {
                if let Some(l) = side(&a, &b, (w[0] + w[1]) / 2.0, len, piece) {
                    return Some(l);
                }
            }
        }
    }
    None
}

/// Where, as a fraction of `a`–`b`, the segment `c`–`d` crosses it (`None` if it does
/// not, or runs parallel).
fn crossing_parameter(a: &Point2, b: &Point2, c: &Point2, d: &Point2) -> Option<f64> {
    let (r, q) = (b - a, d - c);
    let den = r.perp(&q);
    if den.abs() < 1e-300 {
        return None;
    }
    let t = (c - a).perp(&q) / den;
    let u = (c - a).perp(&r) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some(t)
}

/// A closed cavalier_contours polyline as points, its arcs replaced by segments
/// tangent to them: for a sweep split into `n` equal steps of angle `a`, the corners
/// sit on the circle of radius `R / cos(a/2)`, at most `tol` outside the arc.
fn flatten_closed(pl: &Polyline<f64>, tol: f64, unscale: f64) -> Vec<Point2> {
    let n = pl.vertex_count();
    let mut out = Vec::with_capacity(n);
    let tol = tol.max(1e-9);
    for i in 0..n {
        let v1 = pl.at(i);
        let v2 = pl.at((i + 1) % n);
        out.push(Point2::new(v1.x * unscale, v1.y * unscale));
        if !is_arc(v1, v2) {
            continue;
        }
        let (radius, centre) = seg_arc_radius_and_center(v1, v2);
        if !(radius.is_finite() && radius > 0.0) {
            continue;
        }
        let sweep = 4.0 * v1.bulge.atan();
        let start = (v1.y - centre.y).atan2(v1.x - centre.x);
        // Largest step whose tangent corners stay within tol of the arc, and never
        // more than a quarter turn (the corners run away as the step nears a half).
        let max_step = (2.0 * (radius / (radius + tol)).acos()).min(std::f64::consts::FRAC_PI_2);
        let steps = (sweep.abs() / max_step).ceil().clamp(1.0, 10_000.0) as usize;
        let step = sweep / steps as f64;
        let corner = radius / (step / 2.0).cos();
        for k in 0..steps {
            let a = start + (k as f64 + 0.5) * step;
            out.push(Point2::new(
                (centre.x + corner * a.cos()) * unscale,
                (centre.y + corner * a.sin()) * unscale,
            ));
        }
    }
    out
}

/// True when the segment from `v1` to `v2` is an arc worth flattening.
fn is_arc(v1: PlineVertex<f64>, v2: PlineVertex<f64>) -> bool {
    v1.bulge.abs() > 1e-12 && (v2.x - v1.x).hypot(v2.y - v1.y) > 0.0
}
