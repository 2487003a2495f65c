//! Glyph geometry along circles about the text plane's origin: where a circle of
//! radius ρ runs inside a glyph, or within a distance of a segment. A map centred on
//! a pole of the shell ([`crate::MapKind::Pole`]) turns each parallel into such a
//! circle, so these are the intended areas it is compared along.
//!
//! Points of the circle are named by their bearing β, measured from the text's down
//! direction (−y) toward +x: `(ρ sin β, −ρ cos β)`. Arcs are `(β0, β1)` with
//! `β0 ∈ [−π, π)` and `β0 < β1 ≤ β0 + 2π`; an arc may run past π.

use std::f64::consts::PI;

use super::geometry::{dist_to_segment, winding_inside, Edge};
use crate::math::Point2;

/// The point at bearing `beta` on the circle of radius `rho`.
pub(crate) fn at_bearing(rho: f64, beta: f64) -> Point2 {
    let (sin, cos) = beta.sin_cos();
    Point2::new(rho * sin, -rho * cos)
}

/// The bearing of a point.
pub(crate) fn bearing(p: &Point2) -> f64 {
    p.x.atan2(-p.y)
}

/// Bearings where the circle of radius `rho` meets the segment `a`–`b`.
fn segment_crossings(a: &Point2, b: &Point2, rho: f64, out: &mut Vec<f64>) {
    let d = b - a;
    let (qa, qb, qc) = (
        d.norm_squared(),
        2.0 * a.coords.dot(&d),
        a.coords.norm_squared() - rho * rho,
    );
    if qa <= 1e-300 {
        return;
    }
    let disc = qb * qb - 4.0 * qa * qc;
    if disc < 0.0 {
        return;
    }
    let root = disc.sqrt();
    for t in [(-qb - root) / (2.0 * qa), (-qb + root) / (2.0 * qa)] {
        if (0.0..=1.0).contains(&t) {
            out.push(bearing(&(a + d * t)));
        }
    }
}

/// Bearings where the circle of radius `rho` meets the circle of radius `r` about `c`.
fn circle_crossings(c: &Point2, r: f64, rho: f64, out: &mut Vec<f64>) {
    let dist = c.coords.norm();
    if dist <= 1e-12 || dist > rho + r || dist < (rho - r).abs() {
        return;
    }
    let along = (rho * rho - r * r + dist * dist) / (2.0 * dist);
    let across = (rho * rho - along * along).max(0.0).sqrt();
    let (u, v) = (c.coords / dist, Point2::new(-c.y, c.x).coords / dist);
    for sign in [-1.0, 1.0] {
        out.push(bearing(&Point2::from(u * along + v * (sign * across))));
    }
}

/// The arcs of the circle of radius `rho` where `inside` holds, given every bearing
/// where it may change (`cuts`, any order): each piece between neighbouring cuts is
/// decided at its middle.
fn classify(rho: f64, mut cuts: Vec<f64>, inside: impl Fn(&Point2) -> bool) -> Vec<(f64, f64)> {
    if rho <= 1e-12 {
        // The circle is the origin: all or nothing.
        return if inside(&Point2::origin()) {
            vec![(-PI, PI)]
        } else {
            Vec::new()
        };
    }
    cuts.retain(|b| b.is_finite());
    for b in &mut cuts {
        // Into [−π, π).
        *b = (*b + PI).rem_euclid(2.0 * PI) - PI;
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    if cuts.is_empty() {
        return if inside(&at_bearing(rho, 0.0)) {
            vec![(-PI, PI)]
        } else {
            Vec::new()
        };
    }
    let mut arcs: Vec<(f64, f64)> = Vec::new();
    for (k, &lo) in cuts.iter().enumerate() {
        let hi = cuts.get(k + 1).copied().unwrap_or(cuts[0] + 2.0 * PI);
        if hi <= lo || !inside(&at_bearing(rho, 0.5 * (lo + hi))) {
            continue;
        }
        match arcs.last_mut() {
            Some(last) if last.1 >= lo => last.1 = hi,
            _ => arcs.push((lo, hi)),
        }
    }
    // The piece past π joins the first one when both are inside.
    if arcs.len() > 1 {
        let (first, last) = (arcs[0], arcs[arcs.len() - 1]);
        if last.1 >= first.0 + 2.0 * PI {
            arcs.pop();
            arcs[0] = (last.0, first.1 + 2.0 * PI);
        }
    }
    if let [(lo, hi)] = arcs[..] {
        if hi - lo >= 2.0 * PI {
            return vec![(-PI, PI)];
        }
    }
    arcs
}

/// Arcs of the circle of radius `rho` inside the glyph with these edges (non-zero
/// winding rule).
pub(super) fn inside_arcs(edges: &[Edge], rho: f64) -> Vec<(f64, f64)> {
    let mut cuts = Vec::new();
    for (a, b) in edges {
        segment_crossings(a, b, rho, &mut cuts);
    }
    classify(rho, cuts, |p| winding_inside(edges, p))
}

/// Arcs of the circle of radius `rho` closer than `r` to the segment `a`–`b`.
pub(super) fn capsule_arcs(a: &Point2, b: &Point2, rho: f64, r: f64) -> Vec<(f64, f64)> {
    // Quick rejection: the capsule lies between these distances from the origin.
    let far = a.coords.norm().max(b.coords.norm()) + r;
    let near = dist_to_segment(&Point2::origin(), a, b) - r;
    if rho > far || rho < near {
        return Vec::new();
    }
    let mut cuts = Vec::new();
    circle_crossings(a, r, rho, &mut cuts);
    circle_crossings(b, r, rho, &mut cuts);
    let d = b - a;
    let len = d.norm();
    if len > 1e-12 {
        let n = Point2::new(-d.y / len * r, d.x / len * r).coords;
        segment_crossings(&(a + n), &(b + n), rho, &mut cuts);
        segment_crossings(&(a - n), &(b - n), rho, &mut cuts);
    }
    classify(rho, cuts, |p| dist_to_segment(p, a, b) < r)
}

/// Sorts arcs by start and merges overlapping ones, across ±π too.
pub(super) fn merge_arcs(v: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut out = super::merge_intervals(v);
    // An arc that runs past π may reach into the first ones.
    while out.len() > 1 {
        let (first, last) = (out[0], out[out.len() - 1]);
        if last.1 >= first.0 + 2.0 * PI {
            out.remove(0);
            let end = out.len() - 1;
            out[end].1 = out[end].1.max(first.1 + 2.0 * PI);
        } else {
            break;
        }
    }
    if out.iter().any(|(s, e)| e - s >= 2.0 * PI) {
        return vec![(-PI, PI)];
    }
    out
}

/// Intersection of two sets of arcs (each merged).
pub(super) fn intersect_arcs(a: &[(f64, f64)], b: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for &(s0, e0) in a {
        for &(s1, e1) in b {
            // Compare b's arc in the turns either side as well.
            for shift in [-2.0 * PI, 0.0, 2.0 * PI] {
                let (lo, hi) = (s0.max(s1 + shift), e0.min(e1 + shift));
                if lo < hi {
                    out.push((lo, hi));
                }
            }
        }
    }
    merge_arcs(
        out.into_iter()
            .map(|(lo, hi)| {
                let shift = (lo + PI).rem_euclid(2.0 * PI) - PI - lo;
                (lo + shift, hi + shift)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Edge> {
        let p = [
            Point2::new(x0, y0),
            Point2::new(x1, y0),
            Point2::new(x1, y1),
            Point2::new(x0, y1),
        ];
        (0..4).map(|i| (p[i], p[(i + 1) % 4])).collect()
    }

    fn contains(arcs: &[(f64, f64)], beta: f64) -> bool {
        arcs.iter().any(|&(lo, hi)| {
            let b = lo + (beta - lo).rem_euclid(2.0 * PI);
            b >= lo && b <= hi
        })
    }

    #[test]
    fn a_square_around_the_origin_holds_small_circles_whole() {
        let edges = square(-1.0, -1.0, 1.0, 1.0);
        assert_eq!(inside_arcs(&edges, 0.5), vec![(-PI, PI)]);
        assert_eq!(inside_arcs(&edges, 0.0), vec![(-PI, PI)]);
        assert!(inside_arcs(&edges, 2.0).is_empty());
        // Radius √2·0.9: four arcs around the corners' bearings, each of the closed
        // form width.
        let rho = 2f64.sqrt() * 0.9;
        let arcs = inside_arcs(&edges, rho);
        assert_eq!(arcs.len(), 4, "{arcs:?}");
        let half = PI / 4.0 - (1.0 / rho).acos();
        for (lo, hi) in &arcs {
            assert!((hi - lo - 2.0 * half).abs() < 1e-12, "{lo} {hi}");
        }
        // Either orientation of the contour reads the same.
        let reversed: Vec<Edge> = edges.iter().rev().map(|(a, b)| (*b, *a)).collect();
        assert_eq!(inside_arcs(&reversed, rho), arcs);
    }

    #[test]
    fn arcs_agree_with_point_tests_on_random_shapes() {
        // A ring (outer square, inner square the other way round) off the origin.
        let mut edges = square(-0.3, -2.0, 3.0, 1.5);
        edges.extend(
            square(0.2, -1.0, 2.0, 0.5)
                .iter()
                .rev()
                .map(|(a, b)| (*b, *a)),
        );
        for k in 1..200 {
            let rho = k as f64 * 0.02;
            let arcs = inside_arcs(&edges, rho);
            let caps: Vec<_> =
                capsule_arcs(&Point2::new(0.5, -2.0), &Point2::new(-1.0, 3.0), rho, 0.3);
            for j in 0..720 {
                let beta = -PI + (j as f64 + 0.37) * PI / 360.0;
                let p = at_bearing(rho, beta);
                assert_eq!(
                    contains(&arcs, beta),
                    winding_inside(&edges, &p),
                    "ρ {rho} β {beta}"
                );
                let d = dist_to_segment(&p, &Point2::new(0.5, -2.0), &Point2::new(-1.0, 3.0));
                if (d - 0.3).abs() > 1e-9 {
                    assert_eq!(contains(&caps, beta), d < 0.3, "capsule ρ {rho} β {beta}");
                }
            }
        }
    }

    #[test]
    fn merging_and_intersecting_wrap_across_pi() {
        let a = merge_arcs(vec![(3.0, 3.5), (-3.0, -2.0)]);
        // 3.5 − 2π ≈ −2.78 lies inside (−3, −2): one arc from 3 round to −2.
        assert_eq!(a.len(), 1);
        assert!((a[0].0 - 3.0).abs() < 1e-12 && (a[0].1 - (-2.0 + 2.0 * PI)).abs() < 1e-12);
        let b = intersect_arcs(&a, &[(-2.5, 0.0)]);
        assert_eq!(b.len(), 1);
        assert!(
            (b[0].0 + 2.5).abs() < 1e-12 && (b[0].1 + 2.0).abs() < 1e-12,
            "{b:?}"
        );
        assert_eq!(merge_arcs(vec![(-PI, 0.0), (0.0, PI)]), vec![(-PI, PI)]);
    }
}
