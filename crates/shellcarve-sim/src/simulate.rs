//! Material removal: sweeps from the motion, their footprints on the (θ, s) grid,
//! binning into tiles and the parallel per-tile evaluation.

use std::collections::BTreeMap;
use std::f64::consts::PI;

use rayon::prelude::*;
use shellcarve_core::{Point3, Surface, Tool, Toolpath, Vector3};

use crate::body::{Body, Parallel, PreparedSweep, SweepQuery, SweepReach};
use crate::depth_map::{DepthMap, TILE};
use crate::{SimError, SimOptions};

/// Most sub-steps one move may be split into (a half turn at 0.05° needs 3600).
const MAX_SUBSTEPS: usize = 100_000;
/// Height of the tool's first footprint cell from the tip (mm); the rest of the tool is
/// a second cell.
const FOOTPRINT_FIRST_CELL: f64 = 1.0;
/// Largest half extent of a footprint leaf (mm): cells are split until the depth the
/// curvature correction assumes for them overstates the true one by at most about
/// 1.2 mm (a few percent of the box on an egg). With the first cell a millimetre tall
/// (see [`FOOTPRINT_FIRST_CELL`]) a short sweep's first cell is already a leaf; finer
/// splitting costs more queries than the tighter boxes save.
const FOOTPRINT_DEPTH_LEAF: f64 = 0.6;
/// Largest half extent of a footprint leaf where the tool widens within it (mm).
const FOOTPRINT_CONE_LEAF: f64 = 0.15;
/// Most footprint cells examined per sweep before the remaining cells are taken whole.
const MAX_FOOTPRINT_CELLS: usize = 4096;
/// Largest texel count along either grid direction.
const MAX_GRID_SIDE: f64 = 1e8;

/// One straight sweep of the tool at a fixed orientation.
#[derive(Debug, Clone, Copy)]
struct Sweep {
    p0: Point3,
    d: Vector3,
    a: Vector3,
    move_index: usize,
}

/// Where a sweep can cut, in surface coordinates. θ is unwrapped around the sweep
/// (it may leave −π..π); `everywhere` means it passes so deep that its projection
/// can reach any longitude.
#[derive(Debug, Clone, Copy)]
struct Footprint {
    theta_lo: f64,
    theta_hi: f64,
    s_lo: f64,
    s_hi: f64,
    everywhere: bool,
}

/// A half-open texel rectangle `(i0, i1, j0, j1)`.
type Rect = (usize, usize, usize, usize);

/// Simulates the material the tool removes from the shell along `motion`.
///
/// For every texel `(θ, s)` with surface point `P` and outward normal `n`, the result
/// holds the largest `t ≥ 0` such that `P − t·n` lies in the volume the tool sweeps
/// over some move (0 when none does). Every move cuts, rapids included; the first move
/// is skipped because its start is unknown. See the crate documentation for the tool
/// model and the accuracy.
pub fn simulate(
    surface: &dyn Surface,
    tool: &Tool,
    motion: &Toolpath,
    options: &SimOptions,
) -> Result<DepthMap, SimError> {
    options.validate()?;
    let tool = tool.validate().map_err(|e| SimError::InvalidTool {
        tool: tool.to_string(),
        reason: e.to_string(),
    })?;
    let body = Body::new(&tool, options.tool_length)?;
    match options.threads {
        None => run(surface, &body, motion, options),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| SimError::ThreadPool {
                threads,
                reason: e.to_string(),
            })?
            .install(|| run(surface, &body, motion, options)),
    }
}

fn run(
    surface: &dyn Surface,
    body: &Body,
    motion: &Toolpath,
    options: &SimOptions,
) -> Result<DepthMap, SimError> {
    let sweeps = build_sweeps(motion, options.max_axis_turn)?;
    let footprints: Vec<Option<Footprint>> = sweeps
        .par_iter()
        .map(|sw| footprint(surface, body, sw, options.texel))
        .collect();

    let r0 = surface.baseline_radius().max(1e-6);
    let texel = options.texel;
    let dtheta = texel / r0;
    let (s_min, s_max) = surface.s_range();
    let mut pieces: Vec<(usize, [f64; 4])> = Vec::new();
    let mut first_everywhere = None;
    let start = grid_start(footprints.iter().flatten(), options.margin / r0);
    for (k, fp) in footprints.iter().enumerate() {
        let Some(fp) = fp else { continue };
        if fp.everywhere && first_everywhere.is_none() {
            first_everywhere = Some(sweeps[k].move_index);
        }
        let (s_lo, s_hi) = (fp.s_lo.max(s_min), fp.s_hi.min(s_max));
        if s_lo > s_hi {
            continue;
        }
        for (lo, hi) in wrap_theta(fp.theta_lo, fp.theta_hi, start) {
            pieces.push((k, [lo, hi, s_lo, s_hi]));
        }
    }
    if pieces.is_empty() {
        return Ok(DepthMap::new(0.0, 0.0, texel, r0, 0, 0));
    }
    let mut ext = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for (_, p) in &pieces {
        ext = [
            ext[0].min(p[0]),
            ext[1].max(p[1]),
            ext[2].min(p[2]),
            ext[3].max(p[3]),
        ];
    }
    // Snap the origin to whole texels from (θ, s) = (0, 0) so that maps of different
    // runs line up and a texel centre sits on the baseline at θ = 0.
    let m_theta = options.margin / r0;
    // The grid is one arc of longitude starting at `start` (after the widest uncut
    // gap), at most one turn wide.
    let i_lo = ((ext[0] - m_theta) / dtheta)
        .floor()
        .max((start / dtheta).ceil());
    let i_hi = ((ext[1] + m_theta) / dtheta)
        .ceil()
        .min(((start + 2.0 * PI) / dtheta).ceil() - 1.0);
    let j_lo = ((ext[2] - options.margin) / texel)
        .floor()
        .max((s_min / texel).ceil());
    let j_hi = ((ext[3] + options.margin) / texel)
        .ceil()
        .min((s_max / texel).floor());
    let (w, h) = (i_hi - i_lo + 1.0, j_hi - j_lo + 1.0);
    let too_large = |tiles: usize| SimError::GridTooLarge {
        tiles,
        max_tiles: options.max_tiles,
        tile_texels: TILE * TILE,
        texel,
        first_move_everywhere: first_everywhere,
    };
    if !(w >= 1.0 && h >= 1.0) {
        return Ok(DepthMap::new(0.0, 0.0, texel, r0, 0, 0));
    }
    if w > MAX_GRID_SIDE || h > MAX_GRID_SIDE {
        return Err(too_large(usize::MAX));
    }
    let (theta0, s0) = (i_lo * dtheta, j_lo * texel);
    let mut map = DepthMap::new(theta0, s0, texel, r0, w as usize, h as usize);
    let (tiles_x, _) = map.tile_grid();

    // Bin sweeps into the tiles their footprints touch.
    let mut rects: Vec<Vec<Rect>> = vec![Vec::new(); sweeps.len()];
    let mut bins: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (k, p) in &pieces {
        let to_i = |th: f64| ((th - theta0) / dtheta).clamp(0.0, w);
        let to_j = |s: f64| ((s - s0) / texel).clamp(0.0, h);
        let rect = (
            to_i(p[0]).ceil() as usize,
            (to_i(p[1]).floor() as usize + 1).min(w as usize),
            to_j(p[2]).ceil() as usize,
            (to_j(p[3]).floor() as usize + 1).min(h as usize),
        );
        if rect.0 >= rect.1 || rect.2 >= rect.3 {
            continue;
        }
        let (ti0, ti1) = (rect.0 / TILE, (rect.1 - 1) / TILE + 1);
        let (tj0, tj1) = (rect.2 / TILE, (rect.3 - 1) / TILE + 1);
        let count = (ti1 - ti0).saturating_mul(tj1 - tj0);
        if count > options.max_tiles || bins.len() > options.max_tiles {
            return Err(too_large(count.max(bins.len())));
        }
        rects[*k].push(rect);
        for tj in tj0..tj1 {
            for ti in ti0..ti1 {
                let list = bins.entry(tj * tiles_x + ti).or_default();
                if list.last() != Some(&(*k as u32)) {
                    list.push(*k as u32);
                }
            }
        }
    }
    if bins.len() > options.max_tiles {
        return Err(too_large(bins.len()));
    }

    let bins: Vec<(usize, Vec<u32>)> = bins.into_iter().collect();
    let geometry = TileGeometry::of(surface, &map, bins.iter().map(|(key, _)| *key));
    let finished = std::sync::atomic::AtomicUsize::new(0);
    if let Some(p) = &options.progress {
        p.report(0, bins.len());
    }
    let done: Vec<(usize, Option<Box<[f32]>>)> = bins
        .par_iter()
        .map(|(key, list)| {
            let tile = cut_tile(&geometry, body, &map, tiles_x, *key, list, &sweeps, &rects);
            if let Some(p) = &options.progress {
                let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                p.report(n, bins.len());
            }
            (*key, tile)
        })
        .collect();
    for (key, tile) in done {
        if let Some(t) = tile {
            map.set_tile(key, t);
        }
    }
    Ok(map)
}

/// The texel geometry the tiles share, worked out once for all the tiles of a tile
/// row or column: per tile row the [`Parallel`] of each texel row, per tile column
/// `(sin θ, cos θ)` of each texel column (empty for tiles nothing is binned to).
#[derive(Debug)]
struct TileGeometry {
    parallels: Vec<Vec<Parallel>>,
    longitudes: Vec<Vec<(f64, f64)>>,
}

impl TileGeometry {
    /// The geometry of the tiles `keys` (row-major over tiles) of `map`.
    fn of(surface: &dyn Surface, map: &DepthMap, keys: impl Iterator<Item = usize>) -> Self {
        let (w, h) = map.dims();
        let (tiles_x, tiles_y) = map.tile_grid();
        let (mut used_x, mut used_y) = (vec![false; tiles_x], vec![false; tiles_y]);
        for key in keys {
            if let Some(u) = used_x.get_mut(key % tiles_x.max(1)) {
                *u = true;
            }
            if let Some(u) = used_y.get_mut(key / tiles_x.max(1)) {
                *u = true;
            }
        }
        let parallels = used_y
            .par_iter()
            .enumerate()
            .map(|(tj, used)| {
                let rows = if *used {
                    tj * TILE..((tj + 1) * TILE).min(h)
                } else {
                    0..0
                };
                rows.map(|j| {
                    let m = surface.meridian(map.coord_of(0, j).s);
                    let (nr, nz) = m.normal_rz();
                    Parallel {
                        r: m.r,
                        z: m.z,
                        nr,
                        nz,
                    }
                })
                .collect()
            })
            .collect();
        let longitudes = used_x
            .par_iter()
            .enumerate()
            .map(|(ti, used)| {
                let cols = if *used {
                    ti * TILE..((ti + 1) * TILE).min(w)
                } else {
                    0..0
                };
                cols.map(|i| map.coord_of(i, 0).theta.sin_cos()).collect()
            })
            .collect();
        Self {
            parallels,
            longitudes,
        }
    }
}

/// Splits the moves into fixed-orientation sweeps.
fn build_sweeps(motion: &Toolpath, max_turn: f64) -> Result<Vec<Sweep>, SimError> {
    let mut out = Vec::with_capacity(motion.moves.len());
    for (idx, m) in motion.moves.iter().enumerate() {
        let p = &m.pose;
        let a = p.axis.into_inner();
        let ok = [p.tip.x, p.tip.y, p.tip.z, a.x, a.y, a.z]
            .iter()
            .all(|v| v.is_finite())
            && a.norm() > 0.5;
        if !ok {
            return Err(SimError::BadPose {
                index: idx,
                line: m.line,
            });
        }
    }
    for (k, w) in motion.moves.windows(2).enumerate() {
        let (from, to) = (&w[0].pose, &w[1].pose);
        let a0 = from.axis.into_inner().normalize();
        let a1 = to.axis.into_inner().normalize();
        let angle = a0.dot(&a1).clamp(-1.0, 1.0).acos();
        let steps = ((angle / max_turn).ceil() as usize).clamp(1, MAX_SUBSTEPS);
        let d_total = to.tip - from.tip;
        for s in 0..steps {
            let (u0, u1) = (s as f64 / steps as f64, (s + 1) as f64 / steps as f64);
            out.push(Sweep {
                p0: from.tip + d_total * u0,
                d: d_total * (u1 - u0),
                a: slerp(&a0, &a1, angle, 0.5 * (u0 + u1)),
                move_index: k + 1,
            });
        }
    }
    Ok(out)
}

/// Spherical interpolation between unit vectors `angle` apart; a half turn goes
/// through an arbitrary perpendicular instead of failing.
fn slerp(a0: &Vector3, a1: &Vector3, angle: f64, t: f64) -> Vector3 {
    if angle < 1e-12 {
        return *a0;
    }
    let sin = angle.sin();
    if sin < 1e-9 {
        let helper = if a0.x.abs() < 0.9 {
            Vector3::x()
        } else {
            Vector3::y()
        };
        let perp = a0.cross(&helper).normalize();
        return (a0 * (angle * t).cos() + perp * (angle * t).sin()).normalize();
    }
    (a0 * ((1.0 - t) * angle).sin() / sin + a1 * (t * angle).sin() / sin).normalize()
}

/// Where the grid's one turn of longitude starts: at the end of the widest gap
/// between the footprints' θ intervals around the circle, so that text centred on the
/// back of the egg (across θ = ±π) gets one contiguous grid. −π when the footprints
/// cover every longitude. The start is moved back into the gap by `margin` (radians;
/// at most half the gap, and at least 1e-9 so that the first footprint, whose θ was
/// wrapped with rounding, does not fall a hair before the start and wrap to the far
/// end of the turn, which would widen the grid to a whole turn).
fn grid_start<'a>(footprints: impl Iterator<Item = &'a Footprint>, margin: f64) -> f64 {
    let mut ivs: Vec<(f64, f64)> = Vec::new();
    for fp in footprints {
        if fp.theta_hi - fp.theta_lo >= 2.0 * PI {
            return -PI;
        }
        let lo = (fp.theta_lo + PI).rem_euclid(2.0 * PI) - PI;
        ivs.push((lo, lo + (fp.theta_hi - fp.theta_lo)));
    }
    ivs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (lo, hi) in ivs {
        match merged.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    let (Some(first), Some(last)) = (merged.first().copied(), merged.last().copied()) else {
        return -PI;
    };
    // The gap that wraps from the last interval to the first, then the inner ones.
    let mut best = (first.0 + 2.0 * PI - last.1, first.0);
    for w in merged.windows(2) {
        let gap = w[1].0 - w[0].1;
        if gap > best.0 {
            best = (gap, w[1].0);
        }
    }
    if best.0 <= 0.0 {
        -PI
    } else {
        best.1 - (0.5 * best.0).min(margin.max(1e-9))
    }
}

/// A θ interval (possibly outside −π..π) as pieces inside the turn `start..start + 2π`.
fn wrap_theta(lo: f64, hi: f64, start: f64) -> Vec<(f64, f64)> {
    let end = start + 2.0 * PI;
    if hi - lo >= 2.0 * PI {
        return vec![(start, end)];
    }
    let shift = lo - (start + (lo - start).rem_euclid(2.0 * PI));
    let (a, b) = (lo - shift, hi - shift);
    if b <= end {
        vec![(a, b)]
    } else {
        vec![(a, end), (start, b - 2.0 * PI)]
    }
}

/// The (θ, s) box a sweep can cut, or `None` when it stays out of the material.
///
/// The swept solid is covered by cells of its skeleton `p0 + u·d + h·a`
/// (`u ∈ [0, 1]`, `h ∈ [0, length]`); every tool point lies within the tool radius at
/// the cell's top, `R`, of its cell's skeleton. A cell whose ball (radius half its
/// skeleton's extent plus `R`) lies wholly outside the shell is dropped. For a kept
/// cell with centre `c` and closest surface point `π(c)` (normal `n` there), a point
/// `c + v` of its skeleton projects within `|v_t| / σ` of `π(c)`, `v_t` the part of `v`
/// across `n`: moving along `n` keeps the projection (the point stays on the normal
/// line of `π(c)`), and projection onto a convex surface is `1/σ`-Lipschitz at depth δ
/// under curvature κ, `σ = 1 − δκ` (κ taken 1.5× the local largest principal
/// curvature as a safety factor, δ the deepest the cell's ball reaches). The tool's
/// radius adds `R / σ`, and arc lengths are taken 5% longer than chords. So cells are
/// split until their extent across the normal is small (their extent along it costs
/// nothing: a tool that follows the normal needs no splitting along its axis) and
/// until they are small enough that δ is not overstated much.
fn footprint(surface: &dyn Surface, body: &Body, sw: &Sweep, texel: f64) -> Option<Footprint> {
    let dlen = sw.d.norm();
    let d_unit = if dlen > 0.0 { sw.d / dlen } else { sw.d };
    // The tool's first millimetre and the rest as separate cells from the start: an
    // engraving immerses well under a millimetre, so the upper cell is usually dropped
    // at once instead of being halved down to that size.
    let length = body.length();
    let first = FOOTPRINT_FIRST_CELL.min(length);
    let mut stack = vec![(0.0f64, 1.0f64, 0.0f64, first)];
    if length > first {
        stack.push((0.0, 1.0, first, length));
    }
    let mut budget = MAX_FOOTPRINT_CELLS;
    let mut fp: Option<Footprint> = None;
    let mut theta_ref: Option<f64> = None;
    let (s_min, s_max) = surface.s_range();
    while let Some((u0, u1, h0, h1)) = stack.pop() {
        budget = budget.saturating_sub(1);
        let (uc, hc) = (0.5 * (u0 + u1), 0.5 * (h0 + h1));
        let x = sw.p0 + sw.d * uc + sw.a * hc;
        let (lu, lh) = ((u1 - u0) * dlen, h1 - h0);
        let half = 0.5 * (lu + lh);
        let tool_r = body.radius_at(h1);
        let rad = half + tool_r;
        // The closest point's meridian coordinates; its longitude is the cell
        // centre's own.
        let r_xy = (x.x * x.x + x.y * x.y).sqrt();
        let (s_near, signed_distance) = surface.closest_meridian(r_xy, x.z);
        if !signed_distance.is_finite() || signed_distance > rad {
            continue;
        }
        let m = surface.meridian(s_near);
        let (nr, nz) = m.normal_rz();
        let (sin, cos) = if r_xy > 1e-12 {
            (x.y / r_xy, x.x / r_xy)
        } else {
            (0.0, 1.0)
        };
        let n = Vector3::new(nr * cos, nr * sin, nz);
        let across = |v: &Vector3| (v - n * v.dot(&n)).norm();
        let (across_u, across_h) = (0.5 * lu * across(&d_unit), 0.5 * lh * across(&sw.a));
        let leaf = (1.5 * texel).max(0.2 * tool_r).max(0.005);
        // The box takes the tool's radius at the cell's top, so where the tool still
        // widens in the cell's upper half (a cone) cells stay short enough for a tight
        // box; where it does not (a ball and its shank, a flat), only the depth
        // estimate limits them.
        let widens = tool_r - body.radius_at(hc) > 0.5 * leaf;
        let deep_leaf = leaf.max(if widens {
            FOOTPRINT_CONE_LEAF
        } else {
            FOOTPRINT_DEPTH_LEAF
        });
        if budget > 0 && (across_u + across_h > leaf || half > deep_leaf) {
            let split_u = if across_u + across_h > leaf {
                across_u >= across_h
            } else {
                lu > lh
            };
            if split_u {
                stack.push((u0, uc, h0, h1));
                stack.push((uc, u1, h0, h1));
            } else {
                stack.push((u0, u1, h0, hc));
                stack.push((u0, u1, hc, h1));
            }
            continue;
        }
        let depth = (rad - signed_distance).max(0.0);
        let parallel = if m.r > 1e-12 {
            m.dz_ds / m.r
        } else {
            m.curvature
        };
        let kappa = 1.5 * m.curvature.max(parallel).max(0.0);
        let shrink = 1.0 - depth * kappa;
        let everywhere = |fp: &mut Option<Footprint>| {
            *fp = Some(Footprint {
                theta_lo: -PI,
                theta_hi: PI,
                s_lo: s_min,
                s_hi: s_max,
                everywhere: true,
            });
        };
        if shrink < 0.2 {
            everywhere(&mut fp);
            return fp;
        }
        // A cell cut short by the budget is taken whole: its spread is its full half
        // extent.
        let spread = if budget > 0 {
            across_u + across_h
        } else {
            half
        };
        let delta = 1.05 * (spread + tool_r) / shrink + 1e-6;
        let s = s_near;
        // The parallels within δ of s have radius at least r(s) − δ: s is arc length,
        // so |dr/ds| ≤ 1.
        let r_min = m.r - delta;
        let (t_lo, t_hi) = if r_min <= 2.0 * delta {
            (-PI, PI)
        } else {
            let theta = if r_xy > 1e-12 { x.y.atan2(x.x) } else { 0.0 };
            let reference = *theta_ref.get_or_insert(theta);
            let th = reference + wrap(theta - reference);
            let dt = 1.05 * delta / r_min;
            (th - dt, th + dt)
        };
        let next = Footprint {
            theta_lo: t_lo,
            theta_hi: t_hi,
            s_lo: s - delta,
            s_hi: s + delta,
            everywhere: false,
        };
        fp = Some(match fp {
            None => next,
            Some(f) => Footprint {
                theta_lo: f.theta_lo.min(next.theta_lo),
                theta_hi: f.theta_hi.max(next.theta_hi),
                s_lo: f.s_lo.min(next.s_lo),
                s_hi: f.s_hi.max(next.s_hi),
                everywhere: false,
            },
        });
    }
    fp
}

/// Wraps an angle difference into −π..π.
fn wrap(x: f64) -> f64 {
    let y = (x + PI).rem_euclid(2.0 * PI) - PI;
    if y.is_finite() {
        y
    } else {
        0.0
    }
}

/// Evaluates the sweeps binned into tile `key`; `None` when nothing in it is cut.
#[allow(
    clippy::too_many_arguments,
    reason = "internal helper with one call site"
)]
fn cut_tile(
    geometry: &TileGeometry,
    body: &Body,
    map: &DepthMap,
    tiles_x: usize,
    key: usize,
    list: &[u32],
    sweeps: &[Sweep],
    rects: &[Vec<Rect>],
) -> Option<Box<[f32]>> {
    let (w, h) = map.dims();
    let (ti, tj) = (key % tiles_x, key / tiles_x);
    let (i_base, j_base) = (ti * TILE, tj * TILE);
    let (i_end, j_end) = ((i_base + TILE).min(w), (j_base + TILE).min(h));
    let (Some(rows), Some(cols)) = (geometry.parallels.get(tj), geometry.longitudes.get(ti)) else {
        return None;
    };
    let dtheta = map.texel_theta();
    let mut buf = vec![0.0f32; TILE * TILE];
    let mut any = false;
    for &k in list {
        let k = k as usize;
        let sw = &sweeps[k];
        let plane = PreparedSweep::of(&sw.a, &sw.d);
        let reach = SweepReach::of(&sw.p0.coords, &sw.d, &sw.a);
        for r in &rects[k] {
            let (a0, a1) = (r.0.max(i_base), r.1.min(i_end));
            let (b0, b1) = (r.2.max(j_base), r.3.min(j_end));
            if a0 >= a1 {
                continue;
            }
            // The columns' longitudes are expanded about the middle one.
            let mid = (a0 + a1 - 1) / 2;
            let phi_max = (mid - a0).max(a1 - 1 - mid) as f64 * dtheta;
            for j in b0..b1 {
                let row = &rows[j - j_base];
                // Only the columns the sweep can cut (rounded outwards, which covers
                // rounding errors far below a texel); the others would be left as
                // they are.
                let (lo, hi) = reach.span(body, row, cols[mid - i_base], phi_max);
                let column = |phi: f64| mid as f64 + phi / dtheta;
                let (a0, a1) = (
                    column(lo).floor().max(a0 as f64).min(a1 as f64) as usize,
                    (column(hi).ceil() + 1.0).max(a0 as f64).min(a1 as f64) as usize,
                );
                let Parallel { r: rr, z, nr, nz } = *row;
                for i in a0..a1 {
                    let (sin, cos) = cols[i - i_base];
                    let p = Point3::new(rr * cos, rr * sin, z);
                    let n = Vector3::new(nr * cos, nr * sin, nz);
                    let q = SweepQuery {
                        w: p - sw.p0,
                        n,
                        d: sw.d,
                        a: sw.a,
                    };
                    if let Some(t) = body.deepest_above_in(
                        &q,
                        f64::from(buf[(j - j_base) * TILE + (i - i_base)]).max(0.0),
                        &plane,
                    ) {
                        if t > 0.0 {
                            let cell = &mut buf[(j - j_base) * TILE + (i - i_base)];
                            *cell = cell.max(t as f32);
                            any = true;
                        }
                    }
                }
            }
        }
    }
    any.then(|| buf.into_boxed_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use shellcarve_core::{EggSpec, SurfaceCoord, UnitVector3};

    /// Inside `lo..hi` on the circle (with a little slack for rounding).
    fn theta_inside(theta: f64, lo: f64, hi: f64) -> bool {
        if hi - lo >= 2.0 * PI - 1e-9 {
            return true;
        }
        let x = lo + (theta - lo).rem_euclid(2.0 * PI);
        x <= hi + 1e-9 || (theta - lo).rem_euclid(2.0 * PI) > 2.0 * PI - 1e-9
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Every point of the swept tool that lies in the shell's material projects
        /// into the sweep's footprint: the bound the texel boxes rely on.
        #[test]
        fn footprints_hold_every_immersed_tool_point(
            egg in 0usize..2,
            tool_kind in 0usize..4,
            theta in -3.1f64..3.1, s in -20.0f64..20.0,
            depth in 0.0f64..0.6,
            tilt_a in -0.7f64..0.7, tilt_b in -0.7f64..0.7,
            step_a in -1.0f64..1.0, step_b in -1.0f64..1.0, step_n in -0.3f64..0.3,
            seed in 0u64..1_000_000,
        ) {
            let surface = [EggSpec::parse("spheroid:57x43"), EggSpec::parse("hugelschaffer:58x44x1.8")][egg]
                .as_ref()
                .unwrap()
                .build()
                .unwrap();
            let tool = [
                Tool::parse("ball:0.2").unwrap(),
                Tool::parse("v:30:0.05").unwrap(),
                Tool::parse("flat:0.3").unwrap(),
                Tool::parse("taper:0.2:20").unwrap(),
            ][tool_kind];
            let body = Body::new(&tool, 10.0).unwrap();
            let c = SurfaceCoord::new(theta, s);
            let (p, n) = surface.point_normal(c);
            let n = n.into_inner();
            let e1 = n.cross(&Vector3::z()).try_normalize(1e-9).unwrap_or(Vector3::x());
            let e2 = n.cross(&e1);
            let a = UnitVector3::new_normalize(n + e1 * tilt_a + e2 * tilt_b).into_inner();
            let sw = Sweep {
                p0: p - n * depth,
                d: e1 * step_a + e2 * step_b + n * step_n,
                a,
                move_index: 1,
            };
            let fp = footprint(surface.as_ref(), &body, &sw, 0.01);
            let mut state = seed.wrapping_mul(2862933555777941757).wrapping_add(3037000493);
            let mut next = || {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (state >> 11) as f64 / (1u64 << 53) as f64
            };
            let q1 = a.cross(&e1).try_normalize(1e-9).unwrap_or(a.cross(&e2).normalize());
            let q2 = a.cross(&q1);
            for _ in 0..4000 {
                let (u, h) = (next(), next() * 1.5);
                let (rho, phi) = (body.radius_at(h) * next().sqrt(), next() * 2.0 * PI);
                let x = sw.p0 + sw.d * u + a * h + (q1 * phi.cos() + q2 * phi.sin()) * rho;
                let cl = surface.closest(&x);
                if cl.signed_distance >= 0.0 {
                    continue;
                }
                let fp = fp.as_ref();
                prop_assert!(fp.is_some(), "an immersed point {x:?} but no footprint");
                let fp = fp.unwrap();
                prop_assert!(
                    fp.everywhere
                        || (cl.coord.s >= fp.s_lo - 1e-9
                            && cl.coord.s <= fp.s_hi + 1e-9
                            && theta_inside(cl.coord.theta, fp.theta_lo, fp.theta_hi)),
                    "point at ({}, {}) outside the footprint {fp:?}",
                    cl.coord.theta,
                    cl.coord.s
                );
            }
        }
    }
}
