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
