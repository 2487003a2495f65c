//! The simulated cut against the design: how much of the intended area is cut, and
//! how much is cut outside it, and how far outside; and the scallops a fill leaves on
//! the letter floors.

use rayon::prelude::*;
use serde::Serialize;
use shellcarve_core::Surface;

use crate::DepthMap;

/// Default depth from which a texel counts as cut (mm): deep enough to be seen.
pub const DEFAULT_VISIBLE_DEPTH: f64 = 0.02;
/// How far around an overcut texel the intended area is searched for (mm); beyond
/// this the worst overcut is reported as this distance and flagged as capped.
pub const OVERCUT_SEARCH_RADIUS: f64 = 1.0;

/// The intended area as intervals of θ (radians) on the parallel at meridian arc
/// length `s`, sorted and disjoint.
pub trait IntendedArea: Sync {
    /// The θ intervals of the intended area on the parallel at `s`.
    fn theta_intervals(&self, s: f64) -> Vec<(f64, f64)>;
}

impl<F: Fn(f64) -> Vec<(f64, f64)> + Sync> IntendedArea for F {
    fn theta_intervals(&self, s: f64) -> Vec<(f64, f64)> {
        self(s)
    }
}

/// The comparison of a simulated cut with the intended area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DesignComparison {
    /// Depth from which a texel counts as cut (mm).
    pub visible_depth_mm: f64,
    /// Intended area on the grid (mm²).
    pub intended_area_mm2: f64,
    /// Intended area that is cut (mm²).
    pub covered_area_mm2: f64,
    /// `covered / intended` (1 when nothing is intended).
    pub coverage: f64,
    /// Area cut outside the intended area (mm²).
    pub overcut_area_mm2: f64,
    /// Largest distance from a cut texel outside the intended area to the intended
    /// area (mm, on the surface).
    pub worst_overcut_mm: f64,
    /// True when some overcut lies farther than [`OVERCUT_SEARCH_RADIUS`] from the
    /// intended area (then `worst_overcut_mm` is that radius).
    pub worst_overcut_capped: bool,
}

/// θ intervals moved into the turn `start..start + 2π` the grid uses (split where
/// they cross its end), sorted.
fn into_turn(intervals: Vec<(f64, f64)>, start: f64) -> Vec<(f64, f64)> {
    let tau = std::f64::consts::TAU;
    let mut out = Vec::with_capacity(intervals.len());
    for (lo, hi) in intervals {
        if !(lo.is_finite() && hi.is_finite()) || hi < lo {
            continue;
        }
        if hi - lo >= tau {
            out.push((start, start + tau));
            continue;
        }
        let a = start + (lo - start).rem_euclid(tau);
        let b = a + (hi - lo);
        if b <= start + tau {
            out.push((a, b));
        } else {
            out.push((a, start + tau));
            out.push((start, b - tau));
        }
    }
    out.sort_by(|p, q| p.0.total_cmp(&q.0));
    out
}

fn inside(intervals: &[(f64, f64)], theta: f64) -> bool {
    let k = intervals.partition_point(|iv| iv.1 < theta);
    intervals.get(k).is_some_and(|iv| iv.0 <= theta)
}

/// [`inside`] along a row, for `theta` that never decreases: the intervals are walked
/// instead of searched, which gives the same answers when their ends are sorted (the
/// search relies on that too); when they are not, it searches.
#[derive(Debug)]
struct RowWalk<'a> {
    intervals: &'a [(f64, f64)],
    next: usize,
    sorted: bool,
}

impl<'a> RowWalk<'a> {
    fn new(intervals: &'a [(f64, f64)]) -> Self {
        Self {
            intervals,
            next: 0,
            sorted: intervals.windows(2).all(|w| w[0].1 <= w[1].1),
        }
    }

    /// [`inside`] for `theta`, at least the last one asked about.
    fn inside(&mut self, theta: f64) -> bool {
        if !self.sorted {
            return inside(self.intervals, theta);
        }
        while self.intervals.get(self.next).is_some_and(|iv| iv.1 < theta) {
            self.next += 1;
        }
        self.intervals
            .get(self.next)
            .is_some_and(|iv| iv.0 <= theta)
    }
}

/// Distance in θ from `theta` to the nearest interval (0 inside), or `None`.
fn theta_gap(intervals: &[(f64, f64)], theta: f64) -> Option<f64> {
    let k = intervals.partition_point(|iv| iv.1 < theta);
    let after = intervals.get(k).map(|iv| (iv.0 - theta).max(0.0));
    let before = k
        .checked_sub(1)
        .and_then(|k| intervals.get(k))
        .map(|iv| theta - iv.1);
    match (before, after) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Compares the cut in `map` with the intended area: texels at least `visible_depth`
/// deep count as cut. Texel areas use the parallel's true radius, so the figures are
/// areas on the shell. Rows run in parallel; the result does not depend on the thread
/// count.
pub fn compare_with_design(
    map: &DepthMap,
    surface: &dyn Surface,
    intended: &dyn IntendedArea,
    visible_depth: f64,
) -> DesignComparison {
    let (width, height) = map.dims();
    let dt = map.texel_theta();
    let texel = map.texel();
    let turn_start = map.coord_of(0, 0).theta - 0.5 * dt;
    let rows: Vec<Row> = (0..height)
        .into_par_iter()
        .map(|j| {
            let s = map.coord_of(0, j).s;
            Row {
                radius: surface.parallel_radius(s),
                intervals: into_turn(intended.theta_intervals(s), turn_start),
            }
        })
        .collect();
    let visible = visible_depth as f32;
    let search_rows = (OVERCUT_SEARCH_RADIUS / texel).ceil() as usize;
    // Per row: intended, covered, overcut areas and the worst overcut distance.
    let per_row: Vec<(f64, f64, f64, f64, bool)> = (0..height)
        .into_par_iter()
        .map(|j| {
            let Row {
                radius: r,
                intervals: ivs,
            } = &rows[j];
            let area = texel * dt * r.max(0.0);
            let (mut want, mut got, mut over, mut worst, mut capped) =
                (0.0, 0.0, 0.0, 0.0f64, false);
            let mut walk = RowWalk::new(ivs);
            for i in 0..width {
                let theta = map.coord_of(i, j).theta;
                let cut = map.depth_at_texel(i, j) >= visible;
                if walk.inside(theta) {
                    want += area;
                    if cut {
                        got += area;
                    }
                } else if cut {
                    over += area;
                    let d = nearest_intended(&rows, j, theta, search_rows, texel);
                    match d {
                        Some(d) => worst = worst.max(d),
                        None => {
                            capped = true;
                            worst = worst.max(OVERCUT_SEARCH_RADIUS);
                        }
                    }
                }
            }
            (want, got, over, worst, capped)
        })
        .collect();
    let (mut want, mut got, mut over, mut worst, mut capped) = (0.0, 0.0, 0.0, 0.0f64, false);
    for (a, b, c, d, e) in per_row {
        want += a;
        got += b;
        over += c;
        worst = worst.max(d);
        capped |= e;
    }
    DesignComparison {
        visible_depth_mm: visible_depth,
        intended_area_mm2: want,
        covered_area_mm2: got,
        coverage: if want > 0.0 { got / want } else { 1.0 },
        overcut_area_mm2: over,
        worst_overcut_mm: worst,
        worst_overcut_capped: capped,
    }
}

/// Which texels of `map` lie in the intended area: `width × height` flags, row-major
/// (`j * width + i`, rows along s). Rows run in parallel.
pub fn intended_texels(map: &DepthMap, intended: &dyn IntendedArea) -> Vec<bool> {
    let (width, height) = map.dims();
    let turn_start = map.coord_of(0, 0).theta - 0.5 * map.texel_theta();
    (0..height)
        .into_par_iter()
        .flat_map_iter(|j| {
            let ivs = into_turn(intended.theta_intervals(map.coord_of(0, j).s), turn_start);
            (0..width).map(move |i| inside(&ivs, map.coord_of(i, j).theta))
        })
        .collect()
}

/// The material a fill leaves standing on the floor of the intended area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ScallopMeasurement {
    /// Largest height of material left above the target depth on the floor (mm):
    /// the worst scallop, `max(target − depth, 0)` over the floor texels.
    pub max_mm: f64,
    /// Mean of `max(target − depth, 0)` over the floor texels (mm).
    pub mean_mm: f64,
    /// Number of floor texels measured.
    pub samples: usize,
    /// Area of the floor measured (mm², on the shell).
    pub floor_area_mm2: f64,
}

/// Measures the scallops on the floor of a fill: the texels of `map` at least `inset`
/// mm inside the intended area (the area eroded by a disc of that radius on the
/// surface, tested on every texel row within `inset`), where a fill with a tool of
/// cutting radius `R` at the surface should have cut the full `target_depth` but for
/// the ridges between its passes. Pass `inset` = `R` plus a texel, so that the letter
/// walls the tool leaves at the edges are not counted. For parallel passes `w` apart
/// on a flat floor, `max_mm` is the theoretical scallop (for a ball of radius `r`,
/// `r − √(r² − w²/4)`) to within the texel sampling, less where the passes are closer
/// than `w`; near slanted edges and corners, where scan lines end at different
/// places, it can be higher. All fields are 0 when no texel is that far inside.
/// Rows run in parallel; the result does not depend on the thread count.
pub fn measure_scallop(
    map: &DepthMap,
    surface: &dyn Surface,
    intended: &dyn IntendedArea,
    inset: f64,
    target_depth: f64,
) -> ScallopMeasurement {
    let (width, height) = map.dims();
    let texel = map.texel();
    let dt = map.texel_theta();
    let none = ScallopMeasurement {
        max_mm: 0.0,
        mean_mm: 0.0,
        samples: 0,
        floor_area_mm2: 0.0,
    };
    if width == 0 || height == 0 || !(inset.is_finite() && target_depth.is_finite()) {
        return none;
    }
    let inset = inset.max(0.0);
    // Rows farther than this many texels are outside the disc; capped so that a huge
    // inset cannot ask for a huge table (nothing would be left inside anyway).
    let reach = ((inset / texel).floor() as usize).min(height + 1);
    let turn_start = map.coord_of(0, 0).theta - 0.5 * dt;
    let s0 = map.coord_of(0, 0).s;
    // Rows −reach..height + reach: the parallel's radius and the intended intervals.
    let rows: Vec<Row> = (0..height + 2 * reach)
        .into_par_iter()
        .map(|k| {
            let s = s0 + (k as f64 - reach as f64) * texel;
            Row {
                radius: surface.parallel_radius(s),
                intervals: into_turn(intended.theta_intervals(s), turn_start),
            }
        })
        .collect();
    let per_row: Vec<(f64, f64, usize, f64)> = (0..height)
        .into_par_iter()
        .map(|j| {
            // The floor on row j: every row within `inset` shrunk by the half-chord of
            // the disc there, all intersected.
            let mut floor: Option<Vec<(f64, f64)>> = None;
            for k in 0..=2 * reach {
                let dy = (k as f64 - reach as f64) * texel;
                if dy.abs() > inset {
                    continue;
                }
                let row = &rows[j + k];
                let half = (inset * inset - dy * dy).max(0.0).sqrt() / row.radius.max(1e-9);
                let shrunk: Vec<(f64, f64)> = row
                    .intervals
                    .iter()
                    .map(|&(lo, hi)| (lo + half, hi - half))
                    .filter(|(lo, hi)| lo <= hi)
                    .collect();
                floor = Some(match floor {
                    None => shrunk,
                    Some(f) => intersect(&f, &shrunk),
                });
                if floor.as_ref().is_some_and(|f| f.is_empty()) {
                    break;
                }
            }
            let floor = floor.unwrap_or_default();
            let area = texel * dt * rows[j + reach].radius.max(0.0);
            let (mut worst, mut sum, mut n) = (0.0f64, 0.0, 0usize);
            if !floor.is_empty() {
                let mut walk = RowWalk::new(&floor);
                for i in 0..width {
                    if walk.inside(map.coord_of(i, j).theta) {
                        let left = (target_depth - f64::from(map.depth_at_texel(i, j))).max(0.0);
                        worst = worst.max(left);
                        sum += left;
                        n += 1;
                    }
                }
            }
            (worst, sum, n, n as f64 * area)
        })
        .collect();
    let (mut worst, mut sum, mut n, mut area) = (0.0f64, 0.0, 0usize, 0.0);
    for (w, s, c, a) in per_row {
        worst = worst.max(w);
        sum += s;
        n += c;
        area += a;
    }
    if n == 0 {
        return none;
    }
    ScallopMeasurement {
        max_mm: worst,
        mean_mm: sum / n as f64,
        samples: n,
        floor_area_mm2: area,
    }
}

/// The intersection of two sorted lists of disjoint intervals.
fn intersect(a: &[(f64, f64)], b: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let (mut i, mut k) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && k < b.len() {
        let lo = a[i].0.max(b[k].0);
        let hi = a[i].1.min(b[k].1);
        if lo <= hi {
            out.push((lo, hi));
        }
        if a[i].1 < b[k].1 {
            i += 1;
        } else {
            k += 1;
        }
    }
    out
}

/// One texel row of the grid: its parallel's radius and the intended θ intervals.
struct Row {
    radius: f64,
    intervals: Vec<(f64, f64)>,
}

/// Distance on the surface (mm) from texel row `j` at `theta` to the nearest intended
/// point within `search_rows` rows, or `None` when there is none that close.
fn nearest_intended(
    rows: &[Row],
    j: usize,
    theta: f64,
    search_rows: usize,
    texel: f64,
) -> Option<f64> {
    let lo = j.saturating_sub(search_rows);
    let hi = (j + search_rows).min(rows.len().saturating_sub(1));
    let mut best: Option<f64> = None;
    for (k, row) in rows.iter().enumerate().take(hi + 1).skip(lo) {
        let ds = (k as f64 - j as f64) * texel;
        if best.is_some_and(|b| ds.abs() >= b) {
            continue;
        }
        if let Some(g) = theta_gap(&row.intervals, theta) {
            let d = (g * row.radius).hypot(ds);
            if best.is_none_or(|b| d < b) {
                best = Some(d);
            }
        }
    }
    best.filter(|d| *d <= OVERCUT_SEARCH_RADIUS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shellcarve_core::Spheroid;

    #[test]
    fn a_cut_matching_the_design_has_full_coverage_and_no_overcut() {
        let sphere = Spheroid::sphere(40.0).unwrap();
        let r0 = 20.0;
        let mut map = DepthMap::new(-0.1, -0.5, 0.01, r0, 400, 100);
        // Cut the band θ ∈ [0, 0.05], s ∈ [−0.2, 0.2].
        let (w, h) = map.dims();
        for j in 0..h {
            for i in 0..w {
                let c = map.coord_of(i, j);
                if (0.0..=0.05).contains(&c.theta) && c.s.abs() <= 0.2 {
                    map.raise(i, j, 0.35);
                }
            }
        }
        let intended = |s: f64| {
            if s.abs() <= 0.2 {
                vec![(0.0, 0.05)]
            } else {
                vec![]
            }
        };
        let c = compare_with_design(&map, &sphere, &intended, DEFAULT_VISIBLE_DEPTH);
        assert!((c.coverage - 1.0).abs() < 1e-12, "{c:?}");
        assert_eq!(c.overcut_area_mm2, 0.0);
        // 1 mm × 0.4 mm band (θ 0.05 rad at r ≈ 20 mm), within a texel row.
        assert!((c.intended_area_mm2 - 0.41).abs() < 0.03, "{c:?}");

        // Widen the cut by 0.1 mm on one side: overcut area and distance show it.
        for j in 0..h {
            for i in 0..w {
                let c = map.coord_of(i, j);
                if c.theta > 0.05 && c.theta <= 0.05 + 0.1 / 20.0 && c.s.abs() <= 0.2 {
                    map.raise(i, j, 0.35);
                }
            }
        }
        let c = compare_with_design(&map, &sphere, &intended, DEFAULT_VISIBLE_DEPTH);
        assert!((c.worst_overcut_mm - 0.1).abs() < 0.011, "{c:?}");
        assert!((c.overcut_area_mm2 - 0.04).abs() < 0.006, "{c:?}");
        assert!(!c.worst_overcut_capped);
    }

    #[test]
    fn intervals_are_read_in_the_grid_turn() {
        let tau = std::f64::consts::TAU;
        let v = into_turn(vec![(3.0, 3.3), (-3.2, -3.1)], 2.5);
        assert_eq!(v.len(), 2);
        assert!(
            (v[0].0 - 3.0).abs() < 1e-12 && (v[1].0 - (tau - 3.2)).abs() < 1e-12,
            "{v:?}"
        );
        let split = into_turn(vec![(2.4, 2.6)], 2.5);
        assert_eq!(split.len(), 2, "{split:?}");
    }

    #[test]
    fn far_overcut_is_capped() {
        let sphere = Spheroid::sphere(40.0).unwrap();
        let mut map = DepthMap::new(-0.5, -0.5, 0.01, 20.0, 100, 100);
        map.raise(50, 50, 0.3);
        let c = compare_with_design(&map, &sphere, &|_s: f64| Vec::new(), DEFAULT_VISIBLE_DEPTH);
        assert!(c.worst_overcut_capped);
        assert_eq!(c.coverage, 1.0);
    }
}
