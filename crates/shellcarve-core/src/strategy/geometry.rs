//! Glyph geometry in the text plane for the strategies: edges, inside intervals on
//! a scan line (non-zero winding), the tool's inset, distances.

use crate::layout::Glyph;
use crate::math::Point2;

pub(crate) type Edge = (Point2, Point2);

pub(crate) fn edges_of(g: &Glyph) -> Vec<Edge> {
    let mut edges = Vec::new();
    for c in &g.contours {
        for i in 0..c.len() {
            edges.push((c[i], c[(i + 1) % c.len()]));
        }
    }
    edges
}

pub(crate) fn y_extent(g: &Glyph) -> (f64, f64) {
    g.contours
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.y), hi.max(p.y))
        })
}

/// Intervals of x on the line `y` inside the glyph (non-zero winding rule).
pub(super) fn inside_intervals(edges: &[Edge], y: f64) -> Vec<(f64, f64)> {
    let mut crossings: Vec<(f64, i32)> = Vec::new();
    for (a, b) in edges {
        let (up, lo, hi) = if a.y < b.y { (1, a, b) } else { (-1, b, a) };
        if y >= lo.y && y < hi.y {
            let t = (y - lo.y) / (hi.y - lo.y);
            crossings.push((lo.x + t * (hi.x - lo.x), up));
        }
    }
    crossings.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut out = Vec::new();
    let mut winding = 0;
    let mut start = 0.0;
    for (x, w) in crossings {
        let was_inside = winding != 0;
        winding += w;
        if !was_inside && winding != 0 {
            start = x;
        } else if was_inside && winding == 0 && x > start {
            out.push((start, x));
        }
    }
    out
}

/// The x interval where the line `y` is closer than `r` to the segment `a`–`b`.
pub(super) fn capsule_interval(a: &Point2, b: &Point2, y: f64, r: f64) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in [a, b] {
        let dy = y - p.y;
        if dy.abs() < r {
            let dx = (r * r - dy * dy).sqrt();
            lo = lo.min(p.x - dx);
            hi = hi.max(p.x + dx);
        }
    }
    let d = b - a;
    let len = d.norm();
    if len > 1e-12 {
        // The rectangle a–b widened by r on both sides, cut by the line.
        let n = Point2::new(-d.y / len * r, d.x / len * r).coords;
        let corners = [a + n, b + n, b - n, a - n];
        for i in 0..4 {
            let (p, q) = (corners[i], corners[(i + 1) % 4]);
            if (p.y - y) * (q.y - y) <= 0.0 && (p.y - q.y).abs() > 1e-15 {
                let t = (y - p.y) / (q.y - p.y);
                let x = p.x + t * (q.x - p.x);
                lo = lo.min(x);
                hi = hi.max(x);
            }
        }
    }
    (lo < hi).then_some((lo, hi))
}

/// Intervals on the line `y` where a disc of radius `r` fits inside the glyph.
pub(crate) fn inset_intervals(edges: &[Edge], y: f64, r: f64) -> Vec<(f64, f64)> {
    let inside = inside_intervals(edges, y);
    if inside.is_empty() {
        return inside;
    }
    // Points exactly r from an edge are allowed: the tool may touch the outline.
    let r = r * (1.0 - 1e-9);
    let mut blocked: Vec<(f64, f64)> = edges
        .iter()
        .filter_map(|(a, b)| capsule_interval(a, b, y, r))
        .collect();
    blocked.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut out = Vec::new();
    for (s, e) in inside {
        let mut cursor = s;
        for &(bs, be) in &blocked {
            if be <= cursor {
                continue;
            }
            if bs >= e {
                break;
            }
            if bs > cursor {
                out.push((cursor, bs));
            }
            cursor = cursor.max(be);
            if cursor >= e {
                break;
            }
        }
        if cursor < e {
            out.push((cursor, e));
        }
    }
    out.retain(|(s, e)| e - s > 1e-4);
    out
}

pub(crate) fn dist_to_segment(p: &Point2, a: &Point2, b: &Point2) -> f64 {
    let d = b - a;
    let l2 = d.norm_squared();
    let t = if l2 > 0.0 {
        ((p - a).dot(&d) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p - (a + d * t)).norm()
}

pub(crate) fn winding_inside(edges: &[Edge], p: &Point2) -> bool {
    let mut w = 0;
    for (a, b) in edges {
        if (a.y <= p.y) != (b.y <= p.y) {
            let t = (p.y - a.y) / (b.y - a.y);
            if a.x + t * (b.x - a.x) > p.x {
                w += if b.y > a.y { 1 } else { -1 };
            }
        }
    }
    w != 0
}

/// Segments bucketed in a uniform grid, to ask which of them pass within a distance of
/// a point without testing them all.
pub(crate) struct SegmentGrid {
    segs: Vec<Edge>,
    x0: f64,
    y0: f64,
    h: f64,
    nx: usize,
    ny: usize,
    cells: Vec<Vec<usize>>,
}

impl std::fmt::Debug for SegmentGrid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SegmentGrid")
            .field("segments", &self.segs.len())
            .field("cells", &(self.nx, self.ny))
            .finish()
    }
}

/// Most cells along one side of a [`SegmentGrid`].
const GRID_MAX_CELLS: usize = 512;

impl SegmentGrid {
    /// Buckets `segs` in square cells of about `cell` mm (larger if the segments span
    /// more than [`GRID_MAX_CELLS`] of them).
    pub(crate) fn new(segs: Vec<Edge>, cell: f64) -> Self {
        let (mut x0, mut y0, mut x1, mut y1) = (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        );
        for p in segs.iter().flat_map(|(a, b)| [a, b]) {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        let extent = (x1 - x0).max(y1 - y0);
        if !(x0.is_finite() && y0.is_finite() && extent.is_finite()) {
            // Nothing to bucket, or coordinates that cannot be bucketed: one cell.
            let all = (0..segs.len()).collect();
            return Self {
                segs,
                x0: 0.0,
                y0: 0.0,
                h: f64::INFINITY,
                nx: 1,
                ny: 1,
                cells: vec![all],
            };
        }
        let h = cell
            .max(extent / GRID_MAX_CELLS as f64)
            .max(extent * 1e-12)
            .max(1e-12);
        let nx = (((x1 - x0) / h) as usize + 1).min(GRID_MAX_CELLS + 1);
        let ny = (((y1 - y0) / h) as usize + 1).min(GRID_MAX_CELLS + 1);
        let mut grid = Self {
            segs: Vec::new(),
            x0,
            y0,
            h,
            nx,
            ny,
            cells: vec![Vec::new(); nx * ny],
        };
        for (k, (a, b)) in segs.iter().enumerate() {
            let (i0, i1) = grid.span(a.x.min(b.x), a.x.max(b.x), x0, nx);
            let (j0, j1) = grid.span(a.y.min(b.y), a.y.max(b.y), y0, ny);
            for j in j0..=j1 {
                for i in i0..=i1 {
                    grid.cells[j * nx + i].push(k);
                }
            }
        }
        grid.segs = segs;
        grid
    }

    /// The cells, clamped to the grid, that `lo..=hi` overlaps along one axis.
    fn span(&self, lo: f64, hi: f64, origin: f64, n: usize) -> (usize, usize) {
        let cell = |v: f64| {
            let c = ((v - origin) / self.h).floor();
            if c.is_nan() || c < 0.0 {
                0
            } else {
                (c as usize).min(n - 1)
            }
        };
        (cell(lo), cell(hi))
    }

    /// Calls `f` with the index of every segment within `rho` of `p` (possibly more
    /// than once for the same segment).
    pub(crate) fn for_each_within(&self, p: &Point2, rho: f64, mut f: impl FnMut(usize)) {
        let (i0, i1) = self.span(p.x - rho, p.x + rho, self.x0, self.nx);
        let (j0, j1) = self.span(p.y - rho, p.y + rho, self.y0, self.ny);
        for j in j0..=j1 {
            for i in i0..=i1 {
                for &k in &self.cells[j * self.nx + i] {
                    let (a, b) = &self.segs[k];
                    if dist_to_segment(p, a, b) <= rho {
                        f(k);
                    }
                }
            }
        }
    }

    /// True when some segment passes within `rho` of `p`.
    pub(crate) fn any_within(&self, p: &Point2, rho: f64) -> bool {
        self.any_segment(p, rho, |d| d <= rho)
    }

    /// True when some segment passes closer than `rho` to `p`.
    pub(crate) fn any_closer(&self, p: &Point2, rho: f64) -> bool {
        self.any_segment(p, rho, |d| d < rho)
    }

    /// True when the distance to some segment within `rho` of `p` passes `test`.
    fn any_segment(&self, p: &Point2, rho: f64, test: impl Fn(f64) -> bool) -> bool {
        let (i0, i1) = self.span(p.x - rho, p.x + rho, self.x0, self.nx);
        let (j0, j1) = self.span(p.y - rho, p.y + rho, self.y0, self.ny);
        (j0..=j1).any(|j| {
            (i0..=i1).any(|i| {
                self.cells[j * self.nx + i].iter().any(|&k| {
                    let (a, b) = &self.segs[k];
                    test(dist_to_segment(p, a, b))
                })
            })
        })
    }
}
