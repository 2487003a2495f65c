//! V-carving: the tool centre on the medial axis, depth from the local half-width.
//!
//! A V-bit of included angle α and tip flat width t, `z` deep, cuts a groove of radius
//! `t/2 + z·tan(α/2)` at the surface (DESIGN.md: w = tip + 2·d·tan(angle/2)). For every
//! sample point b on a glyph's contour we find the largest disc inside the letter that
//! touches the contour at b (its radius r is the local half-width, its centre c a point
//! of the medial axis), and put the tool at c, `(r − t/2) / tan(α/2)` deep: the groove
//! then reaches b and the far side exactly. This is F-Engrave's V-carve (Scorch Works,
//! "F-Engrave V-carve algorithm": largest inscribed circle at each outline point).
//!
//! Where that depth passes the cap (the engraving depth), the centre is pulled back to
//! `r_cap` from the contour at the cap depth, so the tool traces the letter inset by
//! `r_cap`, and a flat-bottom clearing pass at the cap pockets what lies further in
//! (F-Engrave's flat-bottom V-carving).

use crate::error::{CoreError, Result};
use crate::layout::{Glyph, Layout2d};
use crate::math::{Point2, Vector2};
use crate::strategy::{
    edges_of, inset_intervals, link_lines, winding_inside, y_extent, Edge, Stroke, StrokePlan,
    DEFAULT_STEPOVER_FRACTION,
};
use crate::tool::Tool;

/// Spacing of the sample points along the contours for `vcarve` (mm).
pub const VCARVE_SAMPLE_STEP: f64 = 0.02;
/// Default largest ridge left between the passes of the flat-bottom clearing (mm): a
/// V-bit's pointed profile leaves `(stepover − tip) / 2 / tan(angle/2)` standing, so the
/// default stepover is `tip + 2 · this · tan(angle/2)`.
pub const VCARVE_FLAT_SCALLOP: f64 = 0.025;
/// Largest turn of the tool centre around a reflex (inward) corner between two samples
/// (radians).
const FAN_STEP: f64 = 0.1;

/// A point of a V-carve path: tool centre and depth.
#[derive(Debug, Clone, Copy)]
struct Sample {
    centre: Point2,
    depth: f64,
}

/// Plans the V-carve strokes of a layout for a V-bit, with depths capped at `cap`.
pub(crate) fn vcarve(
    layout: &Layout2d,
    tool: &Tool,
    cap: f64,
    stepover: Option<f64>,
) -> Result<StrokePlan> {
    let Tool::V {
        included_angle,
        tip_width,
        ..
    } = *tool
    else {
        return Err(CoreError::ToolMismatch {
            strategy: "vcarve".into(),
            tool: tool.to_string(),
            expected: "a V-bit (--tool v:ANGLE:TIP, e.g. v:30:0.05): V-carve depth comes from the cone's angle".into(),
        });
    };
    let tan = (included_angle / 2.0).tan();
    let half_tip = tip_width / 2.0;
    let r_cap = tool.radius_at(cap);
    let step = match stepover {
        Some(s) => crate::error::check_range("--stepover (mm)", s, 1e-3, 10.0)?,
        None => (tip_width + 2.0 * VCARVE_FLAT_SCALLOP * tan)
            .min(DEFAULT_STEPOVER_FRACTION * 2.0 * r_cap)
            .max(1e-3),
    };
    let depth_of = |r: f64| ((r - half_tip) / tan).clamp(0.0, cap);
    let mut strokes = Vec::new();
    for (gi, g) in layout.glyphs.iter().enumerate() {
        let edges = edges_of(g);
        let walks = contour_walks(g, &edges);
        for (ci, runs) in walks.into_iter().enumerate() {
            let whole = runs.len() == 1 && runs[0].closed;
            for (k, run) in runs.into_iter().enumerate() {
                let mut points = Vec::with_capacity(run.samples.len());
                let mut depths = Vec::with_capacity(run.samples.len());
                for (b, n, r) in run.samples {
                    let r = r.min(r_cap);
                    let s = Sample {
                        centre: b + n * r,
                        depth: depth_of(r),
                    };
                    if points
                        .last()
                        .is_some_and(|p: &Point2| (p - s.centre).norm() < 1e-6)
                    {
                        continue;
                    }
                    points.push(s.centre);
                    depths.push(s.depth);
                }
                if points.len() < 2 {
                    continue;
                }
                let label = format!("glyph {gi} {:?} vcarve contour {ci}.{k}", g.ch);
                strokes.push(Stroke::new(points, whole, label).with_depths(depths));
            }
        }
        // Flat-bottom clearing: where a disc of radius r_cap fits, pocket at the cap.
        let (lo, hi) = y_extent(g);
        let span = hi - lo - 2.0 * r_cap;
        if span > 0.0 {
            let n = (span / step).ceil() as usize;
            let lines: Vec<(f64, Vec<(f64, f64)>)> = (0..=n)
                .map(|k| {
                    let y = if n == 0 {
                        lo + r_cap + span / 2.0
                    } else {
                        lo + r_cap + span * k as f64 / n as f64
                    };
                    (y, inset_intervals(&edges, y, r_cap))
                })
                .collect();
            for (k, s) in link_lines(&edges, &lines, r_cap, gi, g.ch)
                .into_iter()
                .enumerate()
            {
                let depths = vec![cap; s.points.len()];
                let label = format!("glyph {gi} {:?} vcarve flat {k}", g.ch);
                strokes.push(Stroke::new(s.points, false, label).with_depths(depths));
            }
        }
    }
    Ok(StrokePlan {
        strokes,
        min_coverage: 1.0,
        warnings: Vec::new(),
        overrun: 0.0,
    })
}

/// A run of contour samples: (point on the contour, inward unit normal, radius of the
/// largest inscribed disc touching there).
struct Run {
    samples: Vec<(Point2, Vector2, f64)>,
    closed: bool,
}

/// The inward unit normal of an edge, or `None` when the edge has the glyph on both
/// sides or neither (overlapping contours) or is degenerate.
fn inward_normal(edges: &[Edge], a: &Point2, b: &Point2) -> Option<Vector2> {
    let d = b - a;
    let len = d.norm();
    if len.is_nan() || len <= 1e-9 {
        return None;
    }
    let left = Vector2::new(-d.y, d.x) / len;
    let mid = a + d / 2.0;
    let eps = 1e-5_f64.min(0.25 * len);
    let l = winding_inside(edges, &(mid + left * eps));
    let r = winding_inside(edges, &(mid - left * eps));
    match (l, r) {
        (true, false) => Some(left),
        (false, true) => Some(-left),
        _ => None,
    }
}

/// Samples every contour of a glyph; each contour gives one closed run, or open runs
/// where edges that are not on the letter's boundary break it.
fn contour_walks(g: &Glyph, edges: &[Edge]) -> Vec<Vec<Run>> {
    let size = {
        let (lo, hi) = y_extent(g);
        let (xl, xh) = g
            .contours
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.x), b.max(p.x))
            });
        (hi - lo).max(xh - xl).max(1e-6)
    };
    let mut out = Vec::new();
    let mut base = 0usize;
    for c in &g.contours {
        let m = c.len();
        let normals: Vec<Option<Vector2>> = (0..m)
            .map(|i| inward_normal(edges, &c[i], &c[(i + 1) % m]))
            .collect();
        let mut runs: Vec<Run> = Vec::new();
        let mut current: Vec<(Point2, Vector2, f64)> = Vec::new();
        let mut broken = false;
        for i in 0..m {
            let (a, b) = (c[i], c[(i + 1) % m]);
            let Some(n) = normals[i] else {
                if !current.is_empty() {
                    runs.push(Run {
                        samples: std::mem::take(&mut current),
                        closed: false,
                    });
                }
                broken = true;
                continue;
            };
            // A reflex corner at `a`: the disc's contact stays on the vertex while its
            // centre swings from the previous edge's normal to this one's.
            if let Some(n0) = normals[(i + m - 1) % m] {
                let d1 = (b - a).normalize();
                if d1.dot(&n0) < -1e-9 {
                    let turn = n0.angle(&n);
                    let k = (turn / FAN_STEP).ceil() as usize;
                    let skip = [base + (i + m - 1) % m, base + i];
                    for j in 1..k {
                        let t = j as f64 / k as f64;
                        let nt = (n0 * (1.0 - t) + n * t).normalize();
                        current.push((a, nt, inscribed_radius(edges, &a, &nt, &skip, size)));
                    }
                }
            }
            let len = (b - a).norm();
            let k = ((len / VCARVE_SAMPLE_STEP).ceil() as usize).max(1);
            for j in 0..k {
                let t = (j as f64 + 0.5) / k as f64;
                let p = a + (b - a) * t;
                current.push((p, n, inscribed_radius(edges, &p, &n, &[base + i], size)));
            }
        }
        if !current.is_empty() {
            // A broken contour's last run continues into its first.
            if broken && !runs.is_empty() && normals[0].is_some() {
                let first = runs.remove(0);
                current.extend(first.samples);
            }
            runs.push(Run {
                samples: current,
                closed: !broken,
            });
        }
        out.push(runs);
        base += m;
    }
    out
}

/// The radius of the largest disc centred on the ray `p + r·n` (r ≥ 0) that no edge
/// enters, leaving out the edges in `skip` (the ones through `p`); at most `limit`.
fn inscribed_radius(edges: &[Edge], p: &Point2, n: &Vector2, skip: &[usize], limit: f64) -> f64 {
    let mut best = limit;
    for (i, (q0, q1)) in edges.iter().enumerate() {
        if skip.contains(&i) {
            continue;
        }
        // First contact at an end point q: |p + r n − q| = r ⇒ r = |v|² / (2 n·v).
        for q in [q0, q1] {
            let v = q - p;
            let den = 2.0 * n.dot(&v);
            if den > 1e-15 {
                best = best.min(v.norm_squared() / den);
            }
        }
        // First contact inside the segment: the disc tangent to its line.
        let d = q1 - q0;
        let len = d.norm();
        if len < 1e-12 {
            continue;
        }
        let m = Vector2::new(-d.y, d.x) / len;
        let e = m.dot(&(p - q0));
        let g = m.dot(n);
        for (num, den) in [(e, 1.0 - g), (-e, 1.0 + g)] {
            if den.abs() < 1e-15 {
                continue;
            }
            let r = num / den;
            if !(r > 0.0 && r < best) {
                continue;
            }
            let c = p + n * r;
            let t = (c - q0).dot(&d) / (len * len);
            if (0.0..=1.0).contains(&t) {
                best = r;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::{plan_strokes, Strategy, StrategyOptions};

    fn layout_of(contour: Vec<Point2>) -> Layout2d {
        Layout2d {
            glyphs: vec![Glyph {
                ch: 'V',
                contours: vec![contour],
                ..Glyph::default()
            }],
            width: 10.0,
            cap_height: 3.0,
            y_min: -3.0,
            y_max: 3.0,
            lines: Vec::new(),
        }
    }

    fn vcarve_plan(layout: &Layout2d, tool: &str, cap: f64) -> StrokePlan {
        let tool = Tool::parse(tool).unwrap();
        let o = StrategyOptions::default().with_strategy(Strategy::VCarve);
        plan_strokes(layout, &tool, cap, &o).unwrap()
    }

    #[test]
    fn depth_on_a_wedge_is_half_width_over_tan_half_angle() {
        // A wedge 8 mm long, 0.6 mm wide at its base, apex at x = 8 (counter-clockwise).
        let (len, half) = (8.0, 0.3);
        let wedge = vec![
            Point2::new(0.0, -half),
            Point2::new(len, 0.0),
            Point2::new(0.0, half),
        ];
        let l = layout_of(wedge);
        let beta = (half / len).atan();
        let tan = (15f64).to_radians().tan();
        let cap = 1.0; // deeper than the wedge needs: the cap never bites
        let plan = vcarve_plan(&l, "v:30:0", cap);
        let mut checked = 0;
        for s in &plan.strokes {
            let depths = s.depths.as_ref().unwrap();
            for (p, z) in s.points.iter().zip(depths) {
                // Along the sides, away from the base's influence, the largest disc
                // touches both sides: its centre lies on the axis and its radius is
                // the distance from there to a side, (len − x)·sin β.
                if p.x > 2.0 {
                    assert!(p.y.abs() < 1e-6, "{p}");
                    let r = (len - p.x) * beta.sin();
                    assert!((z - r / tan).abs() < 1e-6, "{p}: {z} vs {}", r / tan);
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "{checked}");
        // A tip flat takes its half-width off the radius.
        let plan = vcarve_plan(&l, "v:30:0.04", cap);
        for s in &plan.strokes {
            for (p, z) in s.points.iter().zip(s.depths.as_ref().unwrap()) {
                if p.x > 2.0 {
                    let r = (len - p.x) * beta.sin();
                    let want = ((r - 0.02) / tan).max(0.0);
                    assert!((z - want).abs() < 1e-6, "{p}: {z} vs {want}");
                }
            }
        }
    }

    #[test]
    fn cap_bites_on_a_wide_letter_and_a_flat_pass_clears_it() {
        // A 2 × 2 mm square: half-width 1 mm, far more than a 0.2 mm cap allows.
        let square = vec![
            Point2::new(0.0, 0.0),
            Point2::new(2.0, 0.0),
            Point2::new(2.0, 2.0),
            Point2::new(0.0, 2.0),
        ];
        let l = layout_of(square);
        let cap = 0.2;
        let plan = vcarve_plan(&l, "v:60:0", cap);
        let r_cap = cap * (30f64).to_radians().tan();
        let mut flat = 0;
        for s in &plan.strokes {
            let depths = s.depths.as_ref().unwrap();
            assert!(depths.iter().all(|&z| (0.0..=cap + 1e-12).contains(&z)));
            if s.label.contains("flat") {
                flat += 1;
                assert!(depths.iter().all(|&z| z == cap));
                for p in &s.points {
                    assert!(p.x >= r_cap - 1e-9 && p.x <= 2.0 - r_cap + 1e-9, "{p}");
                }
            } else {
                // Along the sides, the walk runs r_cap inside at the cap depth.
                for (p, z) in s.points.iter().zip(depths) {
                    let d = p.x.min(p.y).min(2.0 - p.x).min(2.0 - p.y);
                    assert!(d <= r_cap + 1e-9, "{p}");
                    let want = d.min(r_cap) / (30f64).to_radians().tan();
                    assert!((z - want).abs() < 1e-6, "{p}: {z} vs {want}");
                }
            }
        }
        assert!(flat >= 1);
        // Ball tools are refused with the fix.
        let tool = Tool::parse("ball:0.2").unwrap();
        let o = StrategyOptions::default().with_strategy(Strategy::VCarve);
        let err = plan_strokes(&l, &tool, cap, &o).unwrap_err().to_string();
        assert!(
            err.contains("v:ANGLE:TIP") && err.contains("ball:0.2"),
            "{err}"
        );
    }
}
