//! The shell's meridian as a table, and exact ray intersection with it.
//!
//! Between two rows the table's radius is linear in z. A ray `o + t·d` has height
//! `z(t) = o_z + d_z·t` and squared distance from the axis `ρ² = x² + (α + β·t)²`,
//! where `x` is its offset from the axis across its direction. On each row segment
//! the ray passes, `F(t) = r(z(t))² − (α + β·t)²` is therefore a quadratic in `t`,
//! and the ray is on or inside the shell where `F(t) ≥ x²`. Parallel rays that differ
//! only in `x` (a row of pixels in an orthographic view, whose right axis is
//! horizontal) share `F`: a [`RayRow`] tabulates it once, with its running maximum,
//! so each ray's first crossing is a search and one quadratic. The rays meet the table
//! thinned to the rows that linear interpolation needs within [`WALK_TOL`]; shading
//! reads the full table.

use rayon::prelude::*;
use shellcarve_core::{Surface, Vector3};

/// Number of z bins of the [`MeridianTable`]'s row lookup (twice the rows).
const LOOKUP_BINS: usize = 16_384;
/// Meridian samples of the table (rows: one more).
const ROWS: usize = 8192;

/// The meridian sampled for fast ray intersection and shading:
/// `(z, r, s, dr/ds, dz/ds)` with `z` increasing.
pub(crate) struct MeridianTable {
    rows: Vec<[f64; 5]>,
    /// Heights and radii of `rows`, apart.
    zs: Vec<f64>,
    #[cfg(test)]
    rs: Vec<f64>,
    /// The meridian the rays meet: the rows thinned to within [`WALK_TOL`].
    walk: Polyline,
    /// Largest parallel radius: the radius of the bounding cylinder.
    r_max: f64,
    /// Lowest and highest z.
    z0: f64,
    z1: f64,
    /// Per bin of [`LOOKUP_BINS`] equal bins of z: the first row at or above the bin's
    /// bottom (one more entry at the end), fine enough that a row is found from its
    /// bin's first row in a step or two.
    lookup: Vec<u32>,
    /// Height of one lookup bin.
    bin: f64,
}

impl MeridianTable {
    pub(crate) fn new(surface: &dyn Surface) -> Self {
        let (lo, hi) = surface.s_range();
        // In parallel: thousands of meridian evaluations (the order is kept).
        let mut rows: Vec<[f64; 5]> = (0..=ROWS)
            .into_par_iter()
            .map(|k| {
                let s = lo + (hi - lo) * k as f64 / ROWS as f64;
                let m = surface.meridian(s);
                [m.z, m.r.max(0.0), s, m.dr_ds, m.dz_ds]
            })
            .filter(|r| r.iter().all(|v| v.is_finite()))
            .collect();
        rows.sort_by(|a, b| a[0].total_cmp(&b[0]));
        let zs: Vec<f64> = rows.iter().map(|r| r[0]).collect();
        let rs: Vec<f64> = rows.iter().map(|r| r[1]).collect();
        let r_max = rs.iter().copied().fold(0.0, f64::max);
        let walk = Polyline::thinned(&zs, &rs, WALK_TOL);
        let (z0, z1) = match (zs.first(), zs.last()) {
            (Some(&a), Some(&b)) => (a, b),
            _ => (0.0, 0.0),
        };
        let bin = ((z1 - z0) / LOOKUP_BINS as f64).max(1e-9);
        let lookup: Vec<u32> = (0..=LOOKUP_BINS)
            .map(|k| zs.partition_point(|&z| z < z0 + bin * k as f64) as u32)
            .collect();
        Self {
            rows,
            zs,
            #[cfg(test)]
            rs,
            walk,
            r_max,
            z0,
            z1,
            lookup,
            bin,
        }
    }

    /// `[z, r, s, dr/ds, dz/ds]` interpolated at height `z`, or `None` beyond the poles.
    pub(crate) fn at(&self, z: f64) -> Option<[f64; 5]> {
        let (k, f) = self.locate(z)?;
        let (a, b) = (self.rows[k - 1], self.rows[k]);
        Some(std::array::from_fn(|i| a[i] + f * (b[i] - a[i])))
    }

    /// The row `k` and the fraction `f` such that `z` lies at `f` from row `k − 1`
    /// to row `k`, or `None` beyond the poles.
    fn locate(&self, z: f64) -> Option<(usize, f64)> {
        let zs = &self.zs;
        if !(z >= self.z0 && z <= self.z1) || zs.len() < 2 {
            return None;
        }
        // The number of rows below z: from the bin's count, stepping to the exact one
        // (both ways, in case rounding put z in a neighbouring bin).
        let b = (((z - self.z0) / self.bin) as usize).min(LOOKUP_BINS);
        let mut k = self.lookup[b] as usize;
        while k < zs.len() && zs[k] < z {
            k += 1;
        }
        while k > 0 && zs[k - 1] >= z {
            k -= 1;
        }
        let k = k.clamp(1, zs.len() - 1);
        let (za, zb) = (zs[k - 1], zs[k]);
        Some((k, if zb > za { (z - za) / (zb - za) } else { 0.0 }))
    }

    /// Signed radial gap of a point: positive outside the shell.
    #[cfg(test)]
    fn gap(&self, p: &Vector3) -> f64 {
        match self.locate(p.z) {
            Some((k, f)) => {
                let r = self.rs[k - 1] + f * (self.rs[k] - self.rs[k - 1]);
                (p.x * p.x + p.y * p.y).sqrt() - r
            }
            None => 1.0,
        }
    }
}

/// How far (mm, radially) the meridian the rays meet may stray from the table's rows:
/// far below a pixel (10 nm is 1/2500 of a pixel at 40 px/mm, 1/100 at 1000 px/mm),
/// and about a third of the rows are enough.
const WALK_TOL: f64 = 1e-5;

/// A meridian polyline `(z, r)`, `z` increasing, as the ray walk reads it.
struct Polyline {
    zs: Vec<f64>,
    rs: Vec<f64>,
    /// Per segment `j` (points `j − 1` to `j`): dr/dz, 0 when flat in z.
    slopes: Vec<f64>,
    /// Per point: the largest radius of it and the points above, and of it and the
    /// points below.
    r_above: Vec<f64>,
    r_below: Vec<f64>,
}

impl Polyline {
    /// The points of `(zs, rs)` (z non-decreasing) without those whose radius the
    /// chord between the points kept on either side gives to within `tol`.
    fn thinned(zs: &[f64], rs: &[f64], tol: f64) -> Self {
        let n = zs.len();
        let mut keep: Vec<usize> = Vec::with_capacity(n);
        let mut a = 0;
        if n > 0 {
            keep.push(0);
        }
        while a + 1 < n {
            // The farthest b (at most 64 on) whose chord from a passes every point
            // between within tol.
            let mut b = a + 1;
            while b + 1 < n && b + 1 - a <= 64 {
                let c = b + 1;
                let (za, zc) = (zs[a], zs[c]);
                let fits = zc > za
                    && (a + 1..c).all(|k| {
                        let r = rs[a] + (rs[c] - rs[a]) * (zs[k] - za) / (zc - za);
                        zs[k] > za && (r - rs[k]).abs() <= tol
                    });
                if !fits {
                    break;
                }
                b = c;
            }
            keep.push(b);
            a = b;
        }
        let zs: Vec<f64> = keep.iter().map(|&k| zs[k]).collect();
        let rs: Vec<f64> = keep.iter().map(|&k| rs[k]).collect();
        let slopes = (0..rs.len())
            .map(|j| match j.checked_sub(1) {
                Some(i) if zs[j] > zs[i] => (rs[j] - rs[i]) / (zs[j] - zs[i]),
                _ => 0.0,
            })
            .collect();
        let mut r_below = rs.clone();
        for j in 1..r_below.len() {
            r_below[j] = r_below[j].max(r_below[j - 1]);
        }
        let mut r_above = rs.clone();
        for j in (0..r_above.len().saturating_sub(1)).rev() {
            r_above[j] = r_above[j].max(r_above[j + 1]);
        }
        Self {
            zs,
            rs,
            slopes,
            r_above,
            r_below,
        }
    }

    /// The segment `j` (points `j − 1` to `j`) holding height `z`, clamped to the
    /// polyline (at least 1; the polyline has two points or more).
    fn segment(&self, z: f64) -> usize {
        self.zs
            .partition_point(|&v| v < z)
            .clamp(1, self.zs.len().saturating_sub(1).max(1))
    }
}

/// One row segment as a ray family passes it: `F(t₀ + u) = c0 + c1·u + c2·u²` for
/// `u` in `0..=t1 − t0`.
#[derive(Debug, Clone, Copy)]
struct Piece {
    t0: f64,
    t1: f64,
    c0: f64,
    c1: f64,
    c2: f64,
}

/// Pieces a [`RayRow`] adds at a time when a ray needs more.
const BATCH: usize = 32;

/// What the pieces built so far say about one ray.
enum Seen {
    /// It crosses into the shell here.
    Hit(f64),
    /// It starts inside the shell.
    Inside,
    /// Not within the pieces built so far.
    NotYet,
}

/// A family of parallel rays `t ↦ (x, α + β·t, z₀ + d_z·t)` (offset across, radial
/// along, height), `t` in `0..=length`, tabulated against a [`MeridianTable`] (see the
/// module documentation) as far along the rays as the rays asked about need.
pub(crate) struct RayRow<'a> {
    table: &'a MeridianTable,
    alpha: f64,
    beta: f64,
    oz: f64,
    dz: f64,
    /// `1/dz` (unused when `dz` is 0).
    inv_dz: f64,
    /// The parameter range where a ray of the family can be inside the shell.
    lo: f64,
    hi: f64,
    /// The next row segment to tabulate and the last, in the order the rays pass
    /// them (`step` ±1); `next == stop` when all are done.
    next: i64,
    stop: i64,
    step: i64,
    pieces: Vec<Piece>,
    /// Per piece: the largest `F` from the first piece to the end of this one.
    reach: Vec<f64>,
    /// Where the last search ended: neighbouring rays end near it.
    hint: usize,
}

impl<'a> RayRow<'a> {
    /// The family of rays parallel to `dir` through `origin` and the points `x·right`
    /// from it, where `right` is any horizontal unit vector across `dir`, `t` in
    /// `0..=length`; returns the family and what the squared offset of its ray at `x`
    /// adds to `x²` (for the ray through `origin` itself: its squared offset).
    pub(crate) fn new(
        table: &'a MeridianTable,
        origin: &Vector3,
        dir: &Vector3,
        length: f64,
    ) -> (Self, f64) {
        let beta = (dir.x * dir.x + dir.y * dir.y).sqrt();
        let o2 = origin.x * origin.x + origin.y * origin.y;
        // Along the horizontal part of the direction; a vertical ray keeps its ρ.
        let (alpha, beta) = if beta > 1e-12 {
            ((origin.x * dir.x + origin.y * dir.y) / beta, beta)
        } else {
            (0.0, 0.0)
        };
        let (oz, dz) = (origin.z, dir.z);
        let mut row = Self {
            table,
            alpha,
            beta,
            oz,
            dz,
            inv_dz: 1.0 / dz,
            lo: 0.0,
            hi: length,
            next: 0,
            stop: 0,
            step: 1,
            pieces: Vec::new(),
            reach: Vec::new(),
            hint: 0,
        };
        row.clip();
        (row, (o2 - alpha * alpha).max(0.0))
    }

    /// Limits the family to the parameters where it can be inside the shell: within
    /// the table's heights, and where `|α + β·t|` is within the bounding cylinder;
    /// sets the row segments to visit (none when it cannot).
    fn clip(&mut self) {
        let table = self.table;
        let (alpha, beta, oz, dz) = (self.alpha, self.beta, self.oz, self.dz);
        let (mut lo, mut hi) = (self.lo, self.hi);
        if beta > 0.0 {
            let (u, v) = ((-table.r_max - alpha) / beta, (table.r_max - alpha) / beta);
            (lo, hi) = (lo.max(u.min(v)), hi.min(u.max(v)));
        } else if alpha.abs() > table.r_max {
            return;
        }
        if !(oz >= table.z0 && oz <= table.z1) && dz.abs() < 1e-12 {
            return;
        }
        if dz != 0.0 {
            let (u, v) = ((table.z0 - oz) / dz, (table.z1 - oz) / dz);
            (lo, hi) = (lo.max(u.min(v)), hi.min(u.max(v)));
        }
        let walk = &table.walk;
        // (False for a NaN too.)
        let ordered = lo <= hi;
        if !ordered || walk.zs.len() < 2 {
            return;
        }
        // The segments from the one holding z(lo) to the one holding z(hi).
        let seg = |t: f64| walk.segment(oz + dz * t) as i64;
        let (ja, jb) = (seg(lo), seg(hi));
        let n = walk.zs.len() as i64;
        // One segment of slack on either side against rounding.
        (self.next, self.stop, self.step) = if dz == 0.0 {
            (ja, ja + 1, 1)
        } else if ja <= jb {
            ((ja - 1).max(1), (jb + 1).min(n - 1) + 1, 1)
        } else {
            ((ja + 1).min(n - 1), (jb - 1).max(1) - 1, -1)
        };
        (self.lo, self.hi) = (lo, hi);
    }

    /// Tabulates up to [`BATCH`] more pieces.
    fn extend(&mut self) {
        let table = self.table;
        let walk = &table.walk;
        let (zs, rs, ms) = (&walk.zs, &walk.rs, &walk.slopes);
        let mut added = 0;
        while self.next != self.stop && added < BATCH {
            let j = self.next as usize;
            self.next += self.step;
            let (za, zb) = (zs[j - 1], zs[j]);
            let (t0, t1) = if self.dz == 0.0 {
                (self.lo, self.hi)
            } else if zb > za {
                let (u, v) = ((za - self.oz) * self.inv_dz, (zb - self.oz) * self.inv_dz);
                (self.lo.max(u.min(v)), self.hi.min(u.max(v)))
            } else {
                continue;
            };
            let ordered = t0 <= t1;
            if !ordered {
                continue;
            }
            let m = ms[j];
            let r = rs[j - 1] + m * (self.oz + self.dz * t0 - za);
            let (rd, u) = (m * self.dz, self.alpha + self.beta * t0);
            let c0 = r * r - u * u;
            let c1 = 2.0 * (r * rd - u * self.beta);
            let c2 = rd * rd - self.beta * self.beta;
            let w = t1 - t0;
            let mut top = c0.max(c0 + (c1 + c2 * w) * w);
            if c2 < 0.0 {
                let v = -c1 / (2.0 * c2);
                if v > 0.0 && v < w {
                    top = top.max(c0 + (c1 + c2 * v) * v);
                }
            }
            let before = self.reach.last().copied().unwrap_or(f64::NEG_INFINITY);
            self.reach.push(before.max(top));
            self.pieces.push(Piece { t0, t1, c0, c1, c2 });
            added += 1;
        }
    }

    /// An upper bound of `F` over the pieces not yet tabulated (−∞ when none are left).
    fn rest_bound(&self) -> f64 {
        if self.next == self.stop {
            return f64::NEG_INFINITY;
        }
        let table = self.table;
        // The rows the remaining segments run between.
        let j = self.next as usize;
        let r = if self.step > 0 {
            table.walk.r_above[j - 1]
        } else {
            table.walk.r_below[j]
        };
        let t = self.pieces.last().map_or(self.lo, |p| p.t1);
        let (ua, ub) = (self.alpha + self.beta * t, self.alpha + self.beta * self.hi);
        let u2 = if ua * ub <= 0.0 {
            0.0
        } else {
            (ua * ua).min(ub * ub)
        };
        r * r - u2
    }

    /// What the pieces from `from` on say about the ray at squared offset `x2`.
    fn seen(&self, from: usize, x2: f64) -> Seen {
        for (k, p) in self.pieces.iter().enumerate().skip(from) {
            // Where F ≥ x²: the first root of x² − F = qa·u² + 2qb·u + qc.
            let (qa, qb, qc) = (-p.c2, -0.5 * p.c1, x2 - p.c0);
            if qc <= 0.0 {
                // Inside at the start of the piece: a start inside the shell sees nothing.
                return if k > 0 || p.t0 > 0.0 {
                    Seen::Hit(p.t0)
                } else {
                    Seen::Inside
                };
            }
            let disc = qb * qb - qa * qc;
            if disc < 0.0 {
                continue;
            }
            let sq = disc.sqrt();
            // The least positive root, in forms free of cancellation.
            let u = if qb <= 0.0 {
                qc / (sq - qb)
            } else if qa < 0.0 {
                (qb + sq) / -qa
            } else {
                continue;
            };
            if u >= 0.0 && u <= p.t1 - p.t0 {
                return Seen::Hit(p.t0 + u);
            }
        }
        Seen::NotYet
    }

    /// The first piece from `lo` on whose reach is at least `x2` (the number of pieces
    /// when none is): a galloping search from the last one's result.
    fn search(&self, lo: usize, x2: f64) -> usize {
        let reach = &self.reach;
        let n = reach.len();
        let below = |k: usize| reach[k] < x2;
        let h = self.hint.clamp(lo, n);
        // Bracket the answer as (a, b]: below(a) or a == lo − 1, and not below(b) or b == n.
        let (a, b) = if h < n && !below(h) {
            let mut step = 1;
            let mut b = h;
            loop {
                match b.checked_sub(step).filter(|&k| k >= lo) {
                    Some(k) if !below(k) => b = k,
                    Some(k) => break (k + 1, b),
                    None => break (lo, b),
                }
                step *= 2;
            }
        } else {
            let mut step = 1;
            let mut a = h;
            loop {
                let k = a + step;
                if k >= n {
                    break (a, n);
                }
                if below(k) {
                    a = k;
                } else {
                    break (a, k);
                }
                step *= 2;
            }
        };
        a + reach[a..b].partition_point(|&r| r < x2)
    }

    /// The least `t` where the ray at squared offset `x2` is on or inside the shell;
    /// `None` when it misses the shell or starts inside it.
    pub(crate) fn first_hit(&mut self, x2: f64) -> Option<f64> {
        let mut from = self.search(0, x2);
        loop {
            match self.seen(from, x2) {
                Seen::Hit(t) => {
                    self.hint = from;
                    return Some(t);
                }
                Seen::Inside => return None,
                Seen::NotYet => {}
            }
            let within = x2 <= self.rest_bound();
            if !within {
                return None;
            }
            let built = self.pieces.len();
            self.extend();
            from = self.search(built, x2);
        }
    }
}

/// First crossing of the ray `origin + t·dir`, `t` in `0..=length`, into the shell;
/// `None` when it misses the shell or starts inside it.
#[cfg(test)]
pub(crate) fn intersect(
    table: &MeridianTable,
    origin: &Vector3,
    dir: &Vector3,
    length: f64,
) -> Option<Vector3> {
    let (mut row, x2) = RayRow::new(table, origin, dir, length);
    let t = row.first_hit(x2)?;
    Some(origin + dir * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rays_use_the_bounding_cylinder() {
        let egg = shellcarve_core::Spheroid::new(57.0, 43.0).unwrap();
        let table = MeridianTable::new(&egg);
        let dir = Vector3::new(-1.0, 0.0, 0.0);
        // Straight at the equator: enters at x = 21.5.
        let hit = intersect(&table, &Vector3::new(40.0, 0.0, 0.0), &dir, 80.0).unwrap();
        assert!((hit.x - 21.5).abs() < 1e-6);
        // Above the pole, and beside the cylinder: misses.
        assert!(intersect(&table, &Vector3::new(40.0, 0.0, 29.0), &dir, 80.0).is_none());
        assert!(intersect(&table, &Vector3::new(40.0, 22.0, 0.0), &dir, 80.0).is_none());
        // Near the pointed end the surface is well inside the cylinder.
        let hit = intersect(&table, &Vector3::new(40.0, 0.0, 25.0), &dir, 80.0).unwrap();
        let r = 21.5 * (1.0 - (25.0f64 / 28.5).powi(2)).sqrt();
        assert!((hit.x - r).abs() < 1e-3, "{hit:?} vs {r}");
        // Along the axis, from above.
        let down = Vector3::new(0.0, 0.0, -1.0);
        let hit = intersect(&table, &Vector3::new(0.0, 0.0, 40.0), &down, 80.0).unwrap();
        assert!((hit.z - 28.5).abs() < 1e-3);
        // From inside: nothing.
        assert!(intersect(&table, &Vector3::new(0.0, 0.0, 0.0), &dir, 80.0).is_none());
    }

    /// The walk against dense sampling of the gap along oblique rays: the hit lies on
    /// the shell, and no sample before it is inside.
    #[test]
    fn oblique_rays_meet_the_first_crossing() {
        let egg = shellcarve_core::Spheroid::new(57.0, 43.0).unwrap();
        let table = MeridianTable::new(&egg);
        for (k, el) in [
            -1.2f64,
            -0.5,
            -0.26,
            0.0,
            0.1,
            0.26,
            0.9,
            1.5,
            std::f64::consts::FRAC_PI_2,
        ]
        .iter()
        .enumerate()
        {
            let dir = -Vector3::new(el.cos(), 0.0, el.sin());
            for i in 0..60 {
                let lateral = -23.0 + 46.0 * f64::from(i) / 59.0;
                let h = -30.0 + f64::from(k as u8) * 0.37 + f64::from(i) * 1.01;
                let origin = -dir * 45.0 + Vector3::new(-el.sin(), 0.0, el.cos()) * h;
                let origin = origin + Vector3::new(0.0, lateral, 0.0);
                let hit = intersect(&table, &origin, &dir, 90.0);
                // The rays meet the table thinned to within WALK_TOL: surely inside
                // below −WALK_TOL, possibly inside below +WALK_TOL.
                let steps = 90_000;
                let first = |gap: f64| {
                    (0..=steps)
                        .map(|s| 90.0 * f64::from(s) / f64::from(steps))
                        .find(|&t| table.gap(&(origin + dir * t)) <= gap)
                };
                let (sure, near) = (first(-WALK_TOL), first(WALK_TOL));
                match (hit, sure) {
                    (Some(p), _) => {
                        assert!(table.gap(&p).abs() <= WALK_TOL + 1e-9, "{p:?}");
                        let th = (p - origin).dot(&dir);
                        let near = near.unwrap_or(f64::INFINITY);
                        assert!(th >= near - 1e-3 - 1e-9, "{th} vs {near}");
                        if let Some(t) = sure {
                            assert!(th <= t + 1e-9, "{th} vs {t}");
                        }
                    }
                    (None, None) => {}
                    (None, Some(t)) => panic!("missed a crossing at {t} ({el}, {i})"),
                }
            }
        }
    }

    /// A row of parallel rays gives each ray the hit it gets alone.
    #[test]
    fn rows_share_their_tabulation() {
        let egg = shellcarve_core::Spheroid::new(57.0, 43.0).unwrap();
        let table = MeridianTable::new(&egg);
        let el = 0.3f64;
        let dir = -Vector3::new(el.cos(), 0.0, el.sin());
        let right = Vector3::new(0.0, 1.0, 0.0);
        let origin = -dir * 40.0 + Vector3::new(-el.sin(), 0.0, el.cos()) * 7.0;
        let (mut row, base) = RayRow::new(&table, &origin, &dir, 80.0);
        for i in 0..200 {
            let x = -22.0 + 0.22 * f64::from(i);
            let alone = intersect(&table, &(origin + right * x), &dir, 80.0);
            let shared = row
                .first_hit(x * x + base)
                .map(|t| origin + right * x + dir * t);
            match (alone, shared) {
                (Some(a), Some(b)) => assert!((a - b).norm() < 1e-9, "{a:?} vs {b:?}"),
                (None, None) => {}
                other => panic!("{other:?} at {x}"),
            }
        }
    }
}
