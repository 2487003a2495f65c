//! The tile engine of the Z-map: sweeps binned to tiles, and each tile cut sweep by
//! sweep along lines of texels, leaving to a neighbour the texels a sweep provably
//! cannot cut deeper than the neighbour does.

use rayon::prelude::*;

use super::sweep::{Profile, Segment};
use crate::depth_map::TILE;
use crate::SimError;

/// A finished tile: depths, and the bottom breach in it `(texels, first move, deepest)`.
pub(super) type TileOut = (usize, Option<Box<[f32]>>, Option<(usize, usize, f64)>);

/// A sweep's reach at the top face (mm) and texel rectangle `(i0, i1, j0, j1)`.
pub(super) type Footprint = (f64, [usize; 4]);

/// The grid and what every tile needs to know.
#[derive(Debug)]
pub(super) struct Grid<'a> {
    pub(super) profile: Profile,
    pub(super) stock_z: f64,
    pub(super) texel: f64,
    /// `1/texel`.
    pub(super) inv_texel: f64,
    pub(super) width: usize,
    pub(super) height: usize,
    pub(super) tiles_x: usize,
    /// The tips of the moves, `[x, y, z]`.
    pub(super) tips: &'a [[f64; 3]],
}

impl Grid<'_> {
    /// Tips of sweep `k` (from tip `k − 1` to tip `k`) and its reach at the top face:
    /// how far from the tip's path it can cut; `None` when it stays above the top.
    #[inline]
    fn reach(&self, k: usize) -> Option<([f64; 3], [f64; 3], f64)> {
        let (p0, p1) = (*self.tips.get(k.checked_sub(1)?)?, *self.tips.get(k)?);
        let zmin = p0[2].min(p1[2]);
        (zmin < 0.0).then(|| (p0, p1, self.profile.reach2(-zmin).sqrt()))
    }

    /// Reach of sweep `k` at the top face and the texel rectangle `(i0, i1, j0, j1)`,
    /// half-open, it can cut; `None` when it stays above the top or off the grid.
    fn footprint(&self, k: usize) -> Option<Footprint> {
        let (p0, p1, reach) = self.reach(k)?;
        let grow = reach + 1e-6;
        let it = self.inv_texel;
        let lo = |v: f64| floor_i((v - grow) * it).saturating_add(1).max(0) as usize;
        let hi =
            |v: f64, n: usize| (floor_i((v + grow) * it).saturating_add(1).max(0) as usize).min(n);
        let r = [
            lo(p0[0].min(p1[0])),
            hi(p0[0].max(p1[0]), self.width),
            lo(p0[1].min(p1[1])),
            hi(p0[1].max(p1[1]), self.height),
        ];
        (r[0] < r[1] && r[2] < r[3]).then_some((reach, r))
    }
}

/// `⌊x⌋` as an integer, saturating far outside the grid (and 0 for NaN): no libm call.
#[inline]
fn floor_i(x: f64) -> i64 {
    let x = x.clamp(-1e15, 1e15);
    let t = x as i64;
    if (t as f64) > x {
        t - 1
    } else {
        t
    }
}

/// Sweeps in a block that [`bin_sweeps`] scans on one thread.
const BLOCK: usize = 1024;
/// Most sweeps in one [`Run`].
const RUN_MAX: usize = 64;

/// Consecutive sweeps `start..end` binned together, and the tiles `[ti0, ti1, tj0,
/// tj1]` (half-open) that the footprint of each of them touches (sweeps between them
/// with no footprint cut nothing). Binning runs instead of single sweeps keeps the
/// lists short: a tile of a hatch holds a few dozen runs of a few dozen sweeps.
#[derive(Debug, Clone, Copy)]
pub(super) struct Run {
    start: usize,
    end: usize,
    tiles: [usize; 4],
}

/// Runs grouped by tile: tile `keys[b]` holds the runs
/// `members[starts[b]..starts[b + 1]]` (indices into `runs`), in motion order; keys
/// ascend.
#[derive(Debug)]
pub(super) struct Bins {
    pub(super) keys: Vec<usize>,
    pub(super) starts: Vec<usize>,
    pub(super) members: Vec<usize>,
    pub(super) runs: Vec<Run>,
}

impl Bins {
    /// The runs binned to the tile at position `b` of `keys`.
    pub(super) fn runs_of(&self, b: usize) -> impl Iterator<Item = &Run> + '_ {
        self.members[self.starts[b]..self.starts[b + 1]]
            .iter()
            .map(|&r| &self.runs[r])
    }
}

/// What one block of sweeps gives [`bin_sweeps`]: its runs, and the tile count of
/// the first sweep in it that touches too many.
#[derive(Debug, Default)]
struct BlockOut {
    runs: Vec<Run>,
    too_many: Option<usize>,
}

/// Groups the sweeps into runs of consecutive sweeps that touch the same tiles,
/// binned to those tiles: blocks of sweeps in parallel, then one pass over the runs
/// in motion order into a list per tile (indexed directly when the grid has few
/// tiles, through a map otherwise).
///
/// # Errors
///
/// `too_large(tiles)` when one sweep or all of them together touch more than
/// `max_tiles` tiles.
pub(super) fn bin_sweeps(
    g: &Grid<'_>,
    tiles_total: usize,
    max_tiles: usize,
    too_large: &dyn Fn(usize) -> SimError,
) -> Result<Bins, SimError> {
    let n = g.tips.len();
    let blocks: Vec<BlockOut> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut out = BlockOut::default();
            let mut open: Option<Run> = None;
            for k in b * BLOCK..((b + 1) * BLOCK).min(n) {
                if out.too_many.is_some() {
                    break;
                }
                let Some((_, [i0, i1, j0, j1])) = g.footprint(k) else {
                    continue;
                };
                let t = [
                    i0 / TILE,
                    (i1 - 1) / TILE + 1,
                    j0 / TILE,
                    (j1 - 1) / TILE + 1,
                ];
                let count = (t[1] - t[0]).saturating_mul(t[3] - t[2]);
                if count > max_tiles {
                    out.too_many = Some(count);
                    continue;
                }
                if let Some(run) = &mut open {
                    if k - run.start < RUN_MAX && run.tiles == t {
                        run.end = k + 1;
                        continue;
                    }
                    out.runs.push(*run);
                }
                open = Some(Run {
                    start: k,
                    end: k + 1,
                    tiles: t,
                });
            }
            out.runs.extend(open);
            out
        })
        .collect();
    if let Some(count) = blocks.iter().find_map(|b| b.too_many) {
        return Err(too_large(count));
    }
    let runs: Vec<Run> = blocks.into_iter().flat_map(|b| b.runs).collect();
    let dense = tiles_total <= (1 << 20);
    let mut lists: Vec<Vec<usize>> = Vec::new();
    if dense {
        lists.resize_with(tiles_total, Vec::new);
    }
    let mut sparse: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    let mut distinct = 0usize;
    for (r, run) in runs.iter().enumerate() {
        let [ti0, ti1, tj0, tj1] = run.tiles;
        for tj in tj0..tj1 {
            for ti in ti0..ti1 {
                let key = tj * g.tiles_x + ti;
                let list = if dense {
                    &mut lists[key]
                } else {
                    sparse.entry(key).or_default()
                };
                if list.is_empty() {
                    distinct += 1;
                    if distinct > max_tiles {
                        return Err(too_large(distinct));
                    }
                }
                list.push(r);
            }
        }
    }
    let mut keyed: Vec<(usize, Vec<usize>)> = if dense {
        lists
            .into_iter()
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
            .collect()
    } else {
        sparse.into_iter().collect()
    };
    keyed.sort_unstable_by_key(|(key, _)| *key);
    let mut bins = Bins {
        keys: Vec::with_capacity(keyed.len()),
        starts: Vec::with_capacity(keyed.len() + 1),
        members: Vec::new(),
        runs,
    };
    for (key, list) in keyed {
        bins.keys.push(key);
        bins.starts.push(bins.members.len());
        bins.members.extend_from_slice(&list);
    }
    bins.starts.push(bins.members.len());
    Ok(bins)
}

/// A sweep seen along lines of texels: rows (`y` constant) for a move mostly along Y,
/// columns for one mostly along X, so that the band across the move is short along
/// each line. Coordinates are `(along, across)`: `(x, y)` on rows, `(y, x)` on
/// columns; every formula is symmetric in the swap, bit for bit.
#[derive(Debug, Clone, Copy)]
struct Oriented {
    columns: bool,
}

impl Oriented {
    /// `(along, across)` of a point.
    fn of(self, p: [f64; 3]) -> [f64; 3] {
        if self.columns {
            [p[1], p[0], p[2]]
        } else {
            p
        }
    }

    /// Texel index in a tile of `(along, line)` indices relative to the tile.
    fn cell(self, q: usize, l: usize) -> usize {
        if self.columns {
            q * TILE + l
        } else {
            l * TILE + q
        }
    }
}

/// The extent along the second coordinate of `{x : a·x ≥ 0, b·x ≤ 0, |x| ≤ r}`: a
/// convex cone between the rays on its two boundary lines (the whole disc's extent
/// when `a` and `b` are nearly parallel or zero), a little wider for rounding.
fn cone_extent(a: [f64; 2], b: [f64; 2], r: f64) -> (f64, f64) {
    let (na, nb) = (a[0].hypot(a[1]), b[0].hypot(b[1]));
    let cross = a[0] * b[1] - a[1] * b[0];
    if !(na > 0.0 && nb > 0.0) || cross.abs() <= 1e-9 * na * nb {
        return (-r, r);
    }
    // The ray of a·x = 0 with b·x ≤ 0, and of b·x = 0 with a·x ≥ 0.
    let pa = [-a[1] / na, a[0] / na];
    let pb = [-b[1] / nb, b[0] / nb];
    let r1 = if b[0] * pa[0] + b[1] * pa[1] <= 0.0 {
        pa
    } else {
        [-pa[0], -pa[1]]
    };
    let r2 = if a[0] * pb[0] + a[1] * pb[1] >= 0.0 {
        pb
    } else {
        [-pb[0], -pb[1]]
    };
    let mut lo = r1[1].min(r2[1]).min(0.0);
    let mut hi = r1[1].max(r2[1]).max(0.0);
    // The arc reaches ±1 along the axis when that direction is in the cone.
    if a[1] >= 0.0 && b[1] <= 0.0 {
        hi = 1.0;
    }
    if a[1] <= 0.0 && b[1] >= 0.0 {
        lo = -1.0;
    }
    ((lo - 1e-9) * r, (hi + 1e-9) * r)
}

/// `{q : A + B·q ≥ T}` (`ge`) or `≤ T`, as an inclusive index interval shrunk by one
/// index at its finite ends, so that it lies inside the real set whatever the
/// rounding of the bound.
/// `inv_b` is `1/B` (0 when `B` is 0).
#[inline]
fn half_line(a: f64, b: f64, inv_b: f64, t: f64, ge: bool) -> (i64, i64) {
    const ALL: (i64, i64) = (i64::MIN, i64::MAX);
    const NONE: (i64, i64) = (1, 0);
    if !(t.is_finite() && a.is_finite() && b.is_finite()) {
        return NONE;
    }
    if b == 0.0 {
        let inside = if ge { a >= t } else { a <= t };
        return if inside { ALL } else { NONE };
    }
    let c = (t - a) * inv_b;
    if ge == (b > 0.0) {
        // q ≥ c
        (floor_i(c).saturating_add(2), i64::MAX)
    } else {
        // q ≤ c
        (i64::MIN, floor_i(c).saturating_sub(1))
    }
}

/// Evaluates the sweeps of the `runs` binned into tile `key`, in motion order, on
/// `raw` (a scratch buffer of the tile's texels, cleared first).
///
/// For sweep `k`, a texel is left to a neighbour when the move provably cuts there
/// no deeper than the neighbour does (see `Segment::ends_dominate`): beyond its end
/// when the next sweep does not see the texel as before its own start, before its
/// start when the previous sweep does not see it as beyond its own end. Those two
/// conditions make every texel's chain of hand-overs run one way along the program,
/// so it ends at a sweep that evaluates the texel. Texels are skipped only when
/// certain (intervals shrunk by an index), and whole lines only when the move and its
/// neighbour are collinear (then the conditions hold on every texel off the band).
/// Sweeps that could cut through the bottom hand nothing over, so that the first
/// move through it is found.
pub(super) fn cut_tile<'r>(
    g: &Grid<'_>,
    key: usize,
    runs: impl Iterator<Item = &'r Run>,
    raw: &mut [f64],
) -> TileOut {
    let (i_base, j_base) = ((key % g.tiles_x) * TILE, (key / g.tiles_x) * TILE);
    let (i_end, j_end) = ((i_base + TILE).min(g.width), (j_base + TILE).min(g.height));
    raw.fill(0.0);
    let mut first_breach = usize::MAX;
    let t = g.texel;
    let prof = &g.profile;
    for k in runs.flat_map(|r| r.start..r.end) {
        // (The rectangle of the sweep's footprint is not needed here: the lines and
        // spans below lie inside it.)
        let Some((p0, p1, reach)) = g.reach(k) else {
            continue;
        };
        let orient = Oriented {
            columns: (p1[0] - p0[0]).abs() >= (p1[1] - p0[1]).abs(),
        };
        let (s0, s1) = (orient.of(p0), orient.of(p1));
        let d = [s1[0] - s0[0], s1[1] - s0[1], s1[2] - s0[2]];
        let seg = Segment::new(prof, s0, d);
        // (along, line) texel ranges of this tile.
        let (q_tile, l_tile) = if orient.columns {
            ((j_base, j_end), (i_base, i_end))
        } else {
            ((i_base, i_end), (j_base, j_end))
        };
        let ((q_lo, q_hi), (l_lo, l_hi)) = (q_tile, l_tile);

        // Hand-overs to the neighbours, as (their oriented start and step, threshold).
        let breachable = -(p0[2].min(p1[2])) > g.stock_z;
        let (mut after, mut before) = if breachable {
            (f64::INFINITY, f64::NEG_INFINITY)
        } else {
            seg.ends_dominate(prof)
        };
        if k + 1 >= g.tips.len() {
            after = f64::INFINITY;
        }
        if k < 2 {
            before = f64::NEG_INFINITY;
        }
        // A neighbour's oriented start and step, and whether it continues this move
        // in a straight line.
        let neighbour = |j: usize| {
            let (a, b) = (orient.of(g.tips[j - 1]), orient.of(g.tips[j]));
            let nd = [b[0] - a[0], b[1] - a[1]];
            let collinear = d[0] * nd[1] - d[1] * nd[0] == 0.0 && d[0] * nd[0] + d[1] * nd[1] > 0.0;
            (a, nd, collinear)
        };
        // Its foot along a line as A + B·q: (start, step, 1/na, B, 1/B). Needed only on
        // the few lines where a hand-over can happen.
        let foot_of = |(a, nd, _): ([f64; 3], [f64; 2], bool)| {
            let na = nd[0] * nd[0] + nd[1] * nd[1];
            // 1/na and 1/B = na/(t·nd₀) from one division.
            let tb = t * nd[0];
            let (inv, inv_b) = if na > 0.0 && tb != 0.0 {
                let r = 1.0 / (na * tb);
                (tb * r, na * na * r)
            } else if na > 0.0 {
                (1.0 / na, 0.0)
            } else {
                (0.0, 0.0)
            };
            (a, nd, inv, tb * inv, inv_b)
        };
        let bk = t * d[0] * seg.inv_a;
        let inv_bk = if bk != 0.0 { 1.0 / bk } else { 0.0 };
        let next = (after.is_finite() && k + 1 < g.tips.len()).then(|| neighbour(k + 1));
        let prev = (before.is_finite() && k >= 2).then(|| neighbour(k - 1));

        // Lines that may hold texels this sweep must evaluate: the band of feet in
        // [before, after] (within the reach of the move's line), and the discs about
        // ends where the neighbour is not collinear.
        let line_range = {
            let (len, inv_len) = seg.a_len();
            let (mut lo, mut hi);
            if len > 0.0 {
                let ua = before.max(-reach * inv_len);
                let ub = after.min(1.0 + reach * inv_len);
                let side = reach * d[0].abs() * inv_len;
                let (la, lb) = (s0[1] + ua * d[1], s0[1] + ub * d[1]);
                lo = la.min(lb) - side;
                hi = la.max(lb) + side;
            } else {
                lo = s0[1] - reach;
                hi = s0[1] + reach;
            }
            // Past the end, texels the next move sees before its start (and likewise
            // at the start) lie in the cone {x·d ≥ 0, x·d_next ≤ 0} about the end.
            for (end, nb, side) in [(s1, &next, 1.0), (s0, &prev, -1.0)] {
                if let Some((_, nd, false)) = *nb {
                    let (c_lo, c_hi) = cone_extent(
                        [side * d[0], side * d[1]],
                        [side * nd[0], side * nd[1]],
                        reach,
                    );
                    lo = lo.min(end[1] + c_lo);
                    hi = hi.max(end[1] + c_hi);
                }
            }
            // Lines strictly inside [lo − ε, hi + ε]; ε far above the rounding of the
            // ends, which carry the reach's margin too.
            let eps = 1e-9 * (1.0 + lo.abs().max(hi.abs()));
            let first = floor_i((lo - eps) * g.inv_texel)
                .saturating_add(1)
                .max(l_lo as i64) as usize;
            let last = (floor_i((hi + eps) * g.inv_texel).saturating_add(1)).clamp(0, l_hi as i64)
                as usize;
            (first.max(l_lo), last.min(l_hi))
        };

        for l in line_range.0..line_range.1 {
            let w_line = l as f64 * t - s0[1];
            let Some((lo, hi)) = seg.row_span_fast(w_line, reach) else {
                continue;
            };
            let qa = floor_i((lo + s0[0]) * g.inv_texel)
                .saturating_add(1)
                .max(q_lo as i64);
            let qb = floor_i((hi + s0[0]) * g.inv_texel)
                .saturating_add(1)
                .min(q_hi as i64);
            if qa >= qb {
                continue;
            }
            // u of a sweep as A + B·q along this line.
            let foot_at = |start: [f64; 3], step: [f64; 2], inv: f64| {
                (-start[0] * step[0] + (l as f64 * t - start[1]) * step[1]) * inv
            };
            let ak = foot_at(s0, [d[0], d[1]], seg.inv_a);
            // Feet on this line's texels all strictly between `before` and `after`
            // (the usual case on the band): nothing to hand over, no intervals.
            let (ua, ub) = (ak + bk * qa as f64, ak + bk * (qb - 1) as f64);
            let inside = ua.min(ub) > before && ua.max(ub) < after;
            let meet = |x: (i64, i64), y: (i64, i64)| (x.0.max(y.0), x.1.min(y.1));
            let next = next.filter(|_| !inside).map(foot_of);
            let prev = prev.filter(|_| !inside).map(foot_of);
            let skip_after = next.map_or((1, 0), |n| {
                let an = foot_at(n.0, n.1, n.2);
                meet(
                    half_line(ak, bk, inv_bk, after, true),
                    half_line(an, n.3, n.4, 0.0, true),
                )
            });
            let skip_before = prev.map_or((1, 0), |n| {
                let an = foot_at(n.0, n.1, n.2);
                meet(
                    half_line(ak, bk, inv_bk, before, false),
                    half_line(an, n.3, n.4, 1.0, false),
                )
            });
            // The indices left: [qa, qb) minus the two (disjoint) skipped intervals.
            let mut cuts = [skip_after, skip_before];
            cuts.sort_unstable();
            let mut from = qa;
            for piece in cuts.iter().map(Some).chain([None]) {
                let upto = match piece {
                    Some(&(s, e)) if s <= e => s,
                    Some(_) => continue,
                    None => qb,
                };
                for q in from.max(qa)..upto.min(qb) {
                    let q = q as usize;
                    let w_along = q as f64 * t - s0[0];
                    let cell = &mut raw[orient.cell(q - q_tile.0, l - l_tile.0)];
                    let u = seg.foot(w_along, w_line);
                    // On the move's own strip the exact depth costs about what the
                    // bound does, and usually deepens the texel: no bound there.
                    if !(0.0..=1.0).contains(&u) {
                        let bar = if k < first_breach {
                            cell.min(g.stock_z)
                        } else {
                            *cell
                        };
                        if !seg.may_exceed(prof, w_along, w_line, u, bar) {
                            continue;
                        }
                    }
                    let depth = seg.depth(prof, w_along, w_line);
                    if depth > *cell {
                        *cell = depth;
                    }
                    if depth > g.stock_z {
                        first_breach = first_breach.min(k);
                    }
                }
                if let Some(&(_, e)) = piece {
                    from = from.max(e.saturating_add(1));
                }
            }
        }
    }
    let mut any = false;
    let mut breach_texels = 0;
    let mut deepest = 0.0f64;
    let buf: Box<[f32]> = raw
        .iter()
        .map(|&d| {
            if d > 0.0 {
                any = true;
            }
            if d > g.stock_z {
                breach_texels += 1;
                deepest = deepest.max(d);
            }
            d.min(g.stock_z) as f32
        })
        .collect();
    let breach = (breach_texels > 0).then_some((breach_texels, first_breach, deepest));
    (key, any.then_some(buf), breach)
}
