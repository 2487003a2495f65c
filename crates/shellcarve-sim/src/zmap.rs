//! A flat Z-map for three-axis programs on a box stock: the cut depth below the
//! stock's top face on a sparse (x, y) grid.
//!
//! The removal rule is the one of [`crate::simulate()`], on a plane: each texel on the
//! top face `z = 0` with outward normal `+Z` takes the largest `t > 0` such that the
//! point `t` below it lies in the volume the tool (vertical, `SimOptions::tool_length`
//! long) sweeps over some move. Every sweep is exact to floating point (closed form,
//! see the crate documentation); depths are stored as `f32`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use shellcarve_core::{Tool, Toolpath};

use crate::body::Body;
use crate::depth_map::TILE;
use crate::{SimError, SimOptions};

mod sweep;
mod tile;

use sweep::Profile;
use tile::{bin_sweeps, cut_tile, Grid, TileOut};

const TILE_TEXELS: usize = TILE * TILE;
/// Largest stock side (mm).
const MAX_STOCK_SIDE: f64 = 10_000.0;
/// Largest texel count along either grid direction.
const MAX_GRID_SIDE: f64 = 1e8;
/// Largest sine of the angle between a move's tool axis and +Z accepted as vertical
/// (1 µrad: 10 nm over a 10 mm tool).
const MAX_AXIS_TILT: f64 = 1e-6;

/// A rectangular block of stock for three-axis programs, in mm.
///
/// Work zero is at the front-left corner of the top face, as three-axis CAM usually
/// sets it: the stock spans `x ∈ [0, X]`, `y ∈ [0, Y]`, `z ∈ [−Z, 0]`, with its top
/// face at `z = 0` and `+Z` pointing up out of the material.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BoxStock {
    /// Length along X (mm).
    pub x: f64,
    /// Width along Y (mm).
    pub y: f64,
    /// Thickness along Z (mm); the bottom face is at `z = −thickness`.
    pub z: f64,
}

impl BoxStock {
    /// A stock `x × y × z` mm; each side must be a finite number from 0 (exclusive)
    /// to 10 000 mm.
    pub fn new(x: f64, y: f64, z: f64) -> Result<Self, SimError> {
        let given = || format!("box:{x}x{y}x{z}");
        for (name, v) in [("X", x), ("Y", y), ("Z", z)] {
            if !(v.is_finite() && v > 0.0 && v <= MAX_STOCK_SIDE) {
                return Err(SimError::BadStock {
                    given: given(),
                    reason: format!(
                        "{name} = {v} mm is not a size from 0 (exclusive) to {MAX_STOCK_SIDE} mm"
                    ),
                });
            }
        }
        Ok(Self { x, y, z })
    }

    /// Parses `box:XxYxZ` (mm), e.g. `box:30x20x5`.
    pub fn parse(spec: &str) -> Result<Self, SimError> {
        let bad = |reason: &str| SimError::BadStock {
            given: spec.to_string(),
            reason: reason.to_string(),
        };
        let trimmed = spec.trim();
        let Some((kind, dims)) = trimmed.split_once(':') else {
            return Err(bad("no kind of stock before a colon"));
        };
        if !kind.trim().eq_ignore_ascii_case("box") {
            return Err(bad("the only stock kind is box"));
        }
        let parts: Vec<&str> = dims.split(['x', 'X']).collect();
        if parts.len() != 3 {
            return Err(bad("it needs three sizes separated by x"));
        }
        let mut v = [0.0; 3];
        for (out, p) in v.iter_mut().zip(&parts) {
            *out = p
                .trim()
                .parse::<f64>()
                .map_err(|_| bad(&format!("{:?} is not a number", p.trim())))?;
        }
        Self::new(v[0], v[1], v[2]).map_err(|e| match e {
            SimError::BadStock { reason, .. } => SimError::BadStock {
                given: spec.to_string(),
                reason,
            },
            other => other,
        })
    }
}

impl std::fmt::Display for BoxStock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "box:{}x{}x{}", self.x, self.y, self.z)
    }
}

/// Where the tool went through the stock's bottom face (a cut deeper than the stock).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ThroughBottom {
    /// Texels whose cut reaches below the bottom face.
    pub texels: usize,
    /// Index in the motion of the first move that does it.
    pub first_move: usize,
    /// That move's program line, when known.
    pub line: Option<usize>,
    /// The deepest cut below the top face before clipping to the stock (mm).
    pub deepest: f64,
}

/// Grid metadata of a [`ZMap`], for reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ZMapInfo {
    /// The stock.
    pub stock: BoxStock,
    /// Texel size along X and Y (mm).
    pub texel_mm: f64,
    /// Texel columns (along X); column `i` is centred on `x = i·texel`.
    pub width: usize,
    /// Texel rows (along Y); row `j` is centred on `y = j·texel`.
    pub height: usize,
    /// Tiles holding data.
    pub tiles_allocated: usize,
    /// Tiles the grid would have if it were dense.
    pub tiles_total: usize,
    /// Bytes held by depth values.
    pub bytes: usize,
}

/// Cut depth below the top face of a [`BoxStock`] (mm, 0 = untouched), on a grid of
/// texel centres `(x, y) = (i·texel, j·texel)` covering the top face from its
/// front-left corner (work zero). Storage is sparse: [`TILE`]×[`TILE`] tiles exist only
/// where something is cut. Depths are clipped to the stock's thickness; see
/// [`ZMap::through_bottom`] for cuts that went deeper.
#[derive(Clone)]
pub struct ZMap {
    stock: BoxStock,
    texel: f64,
    width: usize,
    height: usize,
    tiles_x: usize,
    tiles: BTreeMap<usize, Box<[f32]>>,
    through_bottom: Option<ThroughBottom>,
}

impl std::fmt::Debug for ZMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZMap")
            .field("info", &self.info())
            .field("through_bottom", &self.through_bottom)
            .finish()
    }
}

impl ZMap {
    /// `(width, height)`: texel columns along X and rows along Y.
    pub fn dims(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// Texel size (mm).
    pub fn texel(&self) -> f64 {
        self.texel
    }

    /// The stock.
    pub fn stock(&self) -> BoxStock {
        self.stock
    }

    /// The `(x, y)` of texel `(i, j)`'s centre (mm).
    pub fn coord_of(&self, i: usize, j: usize) -> (f64, f64) {
        (i as f64 * self.texel, j as f64 * self.texel)
    }

    /// Depth of texel `(i, j)` (mm); 0 outside the grid or where nothing is cut.
    pub fn depth_at_texel(&self, i: usize, j: usize) -> f32 {
        if i >= self.width || j >= self.height {
            return 0.0;
        }
        self.tiles
            .get(&((j / TILE) * self.tiles_x + i / TILE))
            .map_or(0.0, |t| t[(j % TILE) * TILE + i % TILE])
    }

    /// Depth at `(x, y)` (mm), interpolated bilinearly between texel centres; 0 off the
    /// top face or for non-finite coordinates.
    pub fn sample(&self, x: f64, y: f64) -> f32 {
        let (fx, fy) = (x / self.texel, y / self.texel);
        let (wmax, hmax) = (
            self.width.saturating_sub(1) as f64,
            self.height.saturating_sub(1) as f64,
        );
        if !(fx >= 0.0 && fy >= 0.0 && fx <= wmax && fy <= hmax) {
            return 0.0;
        }
        let (i0, j0) = (fx.floor() as usize, fy.floor() as usize);
        let (i1, j1) = ((i0 + 1).min(self.width - 1), (j0 + 1).min(self.height - 1));
        let (u, v) = ((fx - i0 as f64) as f32, (fy - j0 as f64) as f32);
        let d = |i, j| self.depth_at_texel(i, j);
        (1.0 - v) * ((1.0 - u) * d(i0, j0) + u * d(i1, j0))
            + v * ((1.0 - u) * d(i0, j1) + u * d(i1, j1))
    }

    /// The deepest texel `(i, j, depth)`, the first in row-major order on ties; `None`
    /// when nothing is cut.
    pub fn deepest(&self) -> Option<(usize, usize, f32)> {
        let mut best: Option<(usize, usize, f32)> = None;
        for j in 0..self.height {
            for i in 0..self.width {
                let d = self.depth_at_texel(i, j);
                if d > 0.0 && best.is_none_or(|b| d > b.2) {
                    best = Some((i, j, d));
                }
            }
        }
        best
    }

    /// The deepest cut (mm; 0 when nothing is cut).
    pub fn max_depth(&self) -> f32 {
        self.tiles
            .values()
            .flat_map(|t| t.iter())
            .fold(0.0f32, |m, &d| m.max(d))
    }

    /// Texels with a depth above `threshold` (mm).
    pub fn count_above(&self, threshold: f32) -> usize {
        self.tiles
            .values()
            .flat_map(|t| t.iter())
            .filter(|&&d| d > threshold)
            .count()
    }

    /// Area of the top face that is cut (mm²): cut texels times the texel's area.
    pub fn cut_area(&self) -> f64 {
        self.count_above(0.0) as f64 * self.texel * self.texel
    }

    /// Volume removed (mm³): the sum of depths times the texel's area.
    pub fn removed_volume(&self) -> f64 {
        let sum: f64 = self
            .tiles
            .values()
            .flat_map(|t| t.iter())
            .map(|&d| f64::from(d))
            .sum();
        sum * self.texel * self.texel
    }

    /// Where the tool went through the bottom face, if it did.
    pub fn through_bottom(&self) -> Option<ThroughBottom> {
        self.through_bottom
    }

    /// Grid metadata.
    pub fn info(&self) -> ZMapInfo {
        ZMapInfo {
            stock: self.stock,
            texel_mm: self.texel,
            width: self.width,
            height: self.height,
            tiles_allocated: self.tiles.len(),
            tiles_total: self.tiles_x.saturating_mul(self.height.div_ceil(TILE)),
            bytes: self.tiles.len() * TILE_TEXELS * std::mem::size_of::<f32>(),
        }
    }

    /// Every texel's depth in row-major order (rows along Y, from `y = 0`), as the
    /// bit patterns of the `f32`s: the same at any thread count.
    pub fn to_bits(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.width.saturating_mul(self.height));
        for j in 0..self.height {
            for i in 0..self.width {
                out.push(self.depth_at_texel(i, j).to_bits());
            }
        }
        out
    }
}

/// Simulates a three-axis `motion` cutting into the top of `stock` with a vertical
/// tool, on a Z-map of `options.texel` mm texels.
///
/// Every move cuts, rapids included; the first move is skipped because its start is
/// unknown. Each texel's depth is the exact maximum over the moves of the depth the
/// move's sweep reaches above it, in closed form (the minimum of a convex function of
/// the position along the move, found among its end points, stationary points and
/// kinks). Runs of consecutive moves whose XY footprints touch the same 64×64-texel
/// tiles are binned to those tiles, and tiles are evaluated in parallel with rayon
/// (`options.threads`).
///
/// Most texels under a move are not evaluated for it: where the move provably cuts
/// no deeper than its neighbour in the program (beyond an end, where the sweep is
/// lowest at that end, which the neighbour shares) the texel is left to the
/// neighbour, and elsewhere a bound from the move's lowest tip and the texel's
/// distance skips texels already cut deeper. Neither changes any depth: the result is
/// the maximum over all moves, the same bytes at any thread count (each tile is
/// computed by one thread in a fixed order). Uses `texel`, `tool_length`, `threads`,
/// `max_tiles` and `progress` of the options.
///
/// # Errors
///
/// [`SimError::TiltedAxis`] when a move's tool axis is not `+Z`;
/// [`SimError::BadPose`] for non-finite poses; [`SimError::GridTooLarge`] when the cut
/// touches more than `options.max_tiles` tiles; option, tool and thread-pool errors
/// as [`crate::simulate()`].
pub fn simulate_zmap(
    stock: &BoxStock,
    tool: &Tool,
    motion: &Toolpath,
    options: &SimOptions,
) -> Result<ZMap, SimError> {
    options.validate()?;
    let stock = BoxStock::new(stock.x, stock.y, stock.z)?;
    let tool = tool.validate().map_err(|e| SimError::InvalidTool {
        tool: tool.to_string(),
        reason: e.to_string(),
    })?;
    // The solid model refuses profiles the closed forms do not cover.
    let body = Body::new(&tool, options.tool_length)?;
    let profile = Profile::new(&tool.profile(), body.length());
    match options.threads {
        None => run(&stock, &profile, motion, options),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| SimError::ThreadPool {
                threads,
                reason: e.to_string(),
            })?
            .install(|| run(&stock, &profile, motion, options)),
    }
}

fn run(
    stock: &BoxStock,
    profile: &Profile,
    motion: &Toolpath,
    options: &SimOptions,
) -> Result<ZMap, SimError> {
    let texel = options.texel;
    let (wf, hf) = (
        (stock.x / texel + 1e-9).floor() + 1.0,
        (stock.y / texel + 1e-9).floor() + 1.0,
    );
    let too_large = |tiles: usize| SimError::GridTooLarge {
        tiles,
        max_tiles: options.max_tiles,
        tile_texels: TILE_TEXELS,
        texel,
        first_move_everywhere: None,
    };
    if wf > MAX_GRID_SIDE || hf > MAX_GRID_SIDE {
        return Err(too_large(usize::MAX));
    }
    let (width, height) = (wf as usize, hf as usize);
    let tiles_x = width.div_ceil(TILE);
    let tiles_total = tiles_x.saturating_mul(height.div_ceil(TILE));

    // Every pose finite, its axis +Z (no roots: |a_xy| ≤ tilt·|a| squared); the tips
    // copied out, compact for the passes that follow.
    let check = |index: usize, m: &shellcarve_core::Move| {
        let a = m.pose.axis.into_inner();
        let tip = [m.pose.tip.x, m.pose.tip.y, m.pose.tip.z];
        let xy2 = a.x * a.x + a.y * a.y;
        let n2 = xy2 + a.z * a.z;
        if !(tip.iter().all(|v| v.is_finite()) && [a.x, a.y, a.z].iter().all(|v| v.is_finite()))
            || n2 < 0.25
        {
            return Err(SimError::BadPose {
                index,
                line: m.line,
            });
        }
        if xy2 > MAX_AXIS_TILT * MAX_AXIS_TILT * n2 || a.z <= 0.0 {
            return Err(SimError::TiltedAxis {
                index,
                line: m.line,
                angle_deg: xy2.sqrt().atan2(a.z).to_degrees(),
            });
        }
        Ok(tip)
    };
    let tips = tips_of(&motion.moves, check)?;
    let grid = Grid {
        profile: *profile,
        stock_z: stock.z,
        texel,
        inv_texel: 1.0 / texel,
        width,
        height,
        tiles_x,
        tips: &tips,
    };
    let bins = bin_sweeps(&grid, tiles_total, options.max_tiles, &too_large)?;
    let finished = AtomicUsize::new(0);
    let n_tiles = bins.keys.len();
    if let Some(p) = &options.progress {
        p.report(0, n_tiles);
    }
    let done: Vec<TileOut> = (0..n_tiles)
        .into_par_iter()
        .map_init(
            || vec![0.0; TILE_TEXELS],
            |raw, b| {
                let out = cut_tile(&grid, bins.keys[b], bins.runs_of(b), raw);
                if let Some(p) = &options.progress {
                    let n = finished.fetch_add(1, Ordering::Relaxed) + 1;
                    p.report(n, n_tiles);
                }
                out
            },
        )
        .collect();

    let mut tiles = BTreeMap::new();
    let mut breach: Option<(usize, usize, f64)> = None;
    for (key, tile, b) in done {
        if let Some(t) = tile {
            tiles.insert(key, t);
        }
        if let Some((n, first, deep)) = b {
            breach = Some(match breach {
                None => (n, first, deep),
                Some((n0, f0, d0)) => (n0 + n, f0.min(first), d0.max(deep)),
            });
        }
    }
    Ok(ZMap {
        stock: *stock,
        texel,
        width,
        height,
        tiles_x,
        tiles,
        through_bottom: breach.map(|(texels, first_move, deepest)| ThroughBottom {
            texels,
            first_move,
            line: motion.moves.get(first_move).and_then(|m| m.line),
            deepest,
        }),
    })
}

/// The tips `check` returns for `moves`, in parallel blocks; the error for the first
/// move it refuses.
fn tips_of<F>(moves: &[shellcarve_core::Move], check: F) -> Result<Vec<[f64; 3]>, SimError>
where
    F: Fn(usize, &shellcarve_core::Move) -> Result<[f64; 3], SimError> + Sync,
{
    const BLOCK: usize = 4096;
    let mut tips = vec![[0.0; 3]; moves.len()];
    let first_bad = tips
        .par_chunks_mut(BLOCK)
        .zip(moves.par_chunks(BLOCK))
        .enumerate()
        .find_map_first(|(b, (out, block))| {
            for (i, (tip, m)) in out.iter_mut().zip(block).enumerate() {
                match check(b * BLOCK + i, m) {
                    Ok(t) => *tip = t,
                    Err(e) => return Some(e),
                }
            }
            None
        });
    match first_bad {
        Some(e) => Err(e),
        None => Ok(tips),
    }
}

#[cfg(test)]
mod tests {
    use shellcarve_core::{Move, MoveKind, Point3, Pose, UnitVector3, Vector3};

    use super::*;

    fn path(points: &[(f64, f64, f64)]) -> Toolpath {
        let mut p = Toolpath::new();
        for (k, &(x, y, z)) in points.iter().enumerate() {
            let mut m = Move::new(
                MoveKind::Cut,
                Pose::new(
                    Point3::new(x, y, z),
                    UnitVector3::new_normalize(Vector3::z()),
                ),
                300.0,
            );
            m.line = Some(k + 1);
            p.moves.push(m);
        }
        p
    }

    fn opts(texel: f64) -> SimOptions {
        SimOptions::default().with_texel(texel)
    }

    #[test]
    fn ball_groove_profile_matches_the_sphere_section() {
        // ball:1 (r = 0.5) 0.3 mm deep along X at y = 5.
        let stock = BoxStock::parse("box:20x10x5").unwrap();
        let tool = Tool::parse("ball:1").unwrap();
        let m = path(&[(2.0, 5.0, 1.0), (2.0, 5.0, -0.3), (18.0, 5.0, -0.3)]);
        let map = simulate_zmap(&stock, &tool, &m, &opts(0.01)).unwrap();
        let (r, depth) = (0.5f64, 0.3f64);
        let half_width = (r * r - (r - depth).powi(2)).sqrt();
        let i = (10.0 / map.texel()).round() as usize;
        let mut worst = 0.0f64;
        for j in 0..map.dims().1 {
            let (_, y) = map.coord_of(i, j);
            let dy = y - 5.0;
            let want = if dy.abs() < half_width {
                depth - (r - (r * r - dy * dy).sqrt())
            } else {
                0.0
            };
            let got = f64::from(map.depth_at_texel(i, j));
            worst = worst.max((got - want).abs());
        }
        assert!(worst < 0.5e-3, "worst error {worst} mm");
        assert!((f64::from(map.max_depth()) - depth).abs() < 0.5e-3);
        assert!(map.through_bottom().is_none());
        // Cut area: the groove's width times its length plus the round ends.
        let area = 2.0 * half_width * 16.0 + std::f64::consts::PI * half_width * half_width;
        assert!(
            (map.cut_area() - area).abs() < 0.02 * area,
            "{}",
            map.cut_area()
        );
    }

    #[test]
    fn v_groove_profile_is_the_cone_section() {
        let stock = BoxStock::parse("box:20x10x5").unwrap();
        let tool = Tool::parse("v:60:0.1").unwrap();
        let depth = 0.4f64;
        let m = path(&[(2.0, 5.0, 1.0), (2.0, 5.0, -depth), (18.0, 5.0, -depth)]);
        let map = simulate_zmap(&stock, &tool, &m, &opts(0.01)).unwrap();
        let slope = (30.0f64).to_radians().tan();
        let i = (10.0 / map.texel()).round() as usize;
        let mut worst = 0.0f64;
        for j in 0..map.dims().1 {
            let (_, y) = map.coord_of(i, j);
            let want = (depth - (((y - 5.0).abs() - 0.05).max(0.0)) / slope).max(0.0);
            let got = f64::from(map.depth_at_texel(i, j));
            worst = worst.max((got - want).abs());
        }
        assert!(worst < 0.5e-3, "worst error {worst} mm");
    }

    #[test]
    fn plunge_makes_a_round_pocket_of_the_tool_radius() {
        let stock = BoxStock::parse("box:10x10x5").unwrap();
        let tool = Tool::parse("flat:2").unwrap();
        let m = path(&[(5.0, 5.0, 2.0), (5.0, 5.0, -0.5)]);
        let map = simulate_zmap(&stock, &tool, &m, &opts(0.02)).unwrap();
        let (w, h) = map.dims();
        for j in 0..h {
            for i in 0..w {
                let (x, y) = map.coord_of(i, j);
                let rho = (x - 5.0).hypot(y - 5.0);
                let d = map.depth_at_texel(i, j);
                if rho < 1.0 - 1e-6 {
                    assert!((d - 0.5).abs() < 1e-6, "{d} at {x},{y}");
                } else if rho > 1.0 + 1e-6 {
                    assert_eq!(d, 0.0, "at {x},{y}");
                }
            }
        }
        let area = std::f64::consts::PI;
        assert!((map.cut_area() - area).abs() < 2.0 * area * 0.02 / 1.0 + 1e-9);
        assert!((map.removed_volume() - 0.5 * area).abs() < 0.02);
        assert!((map.sample(5.0, 5.0) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn the_same_bytes_at_any_thread_count() {
        let stock = BoxStock::parse("box:12x9x3").unwrap();
        let tool = Tool::parse("ball:0.8").unwrap();
        let mut pts = vec![(0.5, 0.5, 1.0)];
        for k in 0..60 {
            let t = k as f64 * 0.37;
            pts.push((
                6.0 + 5.0 * t.sin(),
                4.5 + 4.0 * (1.3 * t).cos(),
                -0.2 - 0.1 * (t * 0.7).sin(),
            ));
        }
        // And a zig-zag hatch of collinear steps, where moves hand texels over.
        for line in 0..40 {
            for step in 0..=200 {
                let s = if line % 2 == 0 { step } else { 200 - step };
                let jitter = [0.0, 1e-4, -1e-4][(s + line) % 3];
                pts.push((
                    1.0 + 0.05 * s as f64,
                    1.0 + 0.05 * line as f64,
                    -0.3 + jitter,
                ));
            }
        }
        let m = path(&pts);
        let one = simulate_zmap(&stock, &tool, &m, &opts(0.02).with_threads(Some(1))).unwrap();
        let two = simulate_zmap(&stock, &tool, &m, &opts(0.02).with_threads(Some(2))).unwrap();
        let three = simulate_zmap(&stock, &tool, &m, &opts(0.02).with_threads(Some(3))).unwrap();
        assert!(one.info().tiles_allocated > 4);
        assert_eq!(one.to_bits(), two.to_bits());
        assert_eq!(one.to_bits(), three.to_bits());
    }

    /// End to end against brute force: every texel against every move through the
    /// general sweep of [`Body`], for zig-zags, plunges and ramps of every tool kind
    /// (checks the binning, the row spans and the skipping as well as the maths).
    #[test]
    fn every_texel_matches_brute_force_over_all_moves() {
        use crate::body::SweepQuery;
        let stock = BoxStock::parse("box:3x2.5x0.5").unwrap();
        for spec in ["ball:0.3", "flat:0.4", "v:60:0.05", "taper:0.2:20:0.8"] {
            let tool = Tool::parse(spec).unwrap();
            let mut pts = vec![(0.2, 0.2, 1.0), (0.3, 0.3, -0.2)];
            for k in 0..40 {
                let t = k as f64 * 0.61;
                let z = if k % 7 == 3 {
                    0.3
                } else {
                    -0.05 - 0.3 * (0.5 + 0.5 * (1.7 * t).sin())
                };
                pts.push((1.5 + 1.3 * t.sin(), 1.25 + 1.1 * (0.8 * t).cos(), z));
                if k % 9 == 4 {
                    pts.push((1.5 + 1.3 * t.sin(), 1.25 + 1.1 * (0.8 * t).cos(), -0.6));
                }
            }
            for k in 0..30 {
                pts.push((
                    0.4 + 0.07 * k as f64,
                    0.5 + 0.001 * k as f64,
                    -0.25 + 1e-4 * (k % 3) as f64,
                ));
            }
            // A zig-zag hatch of exactly collinear steps (binary fractions), its depth
            // jittered up and down, with a ramp and a corner: the hand-overs between
            // collinear neighbours.
            pts.push((0.5, 1.5, 0.5));
            for line in 0..6 {
                let y = 1.5 + 0.0625 * line as f64;
                for step in 0..=24 {
                    let s = if line % 2 == 0 { step } else { 24 - step };
                    let jitter = [0.0, 1.0, -1.0, 0.5][(step + line) % 4] / 1024.0;
                    let ramp = if line == 3 { step as f64 / 64.0 } else { 0.0 };
                    pts.push((0.5 + 0.0625 * s as f64, y, -0.2 + jitter - ramp));
                }
            }
            let m = path(&pts);
            let map = simulate_zmap(&stock, &tool, &m, &opts(0.02)).unwrap();
            let body = Body::new(&tool, SimOptions::default().tool_length).unwrap();
            let (w, h) = map.dims();
            let (mut worst, mut cut, mut first_breach) = (0.0f64, 0usize, usize::MAX);
            let r_top = tool.profile().radius_at(body.length());
            let on_a_rim = |x: f64, y: f64| {
                m.moves.windows(2).any(|pair| {
                    let (a, b) = (pair[0].pose.tip, pair[1].pose.tip);
                    let (dx, dy) = (b.x - a.x, b.y - a.y);
                    let len2 = dx * dx + dy * dy;
                    let u = if len2 > 0.0 {
                        (((x - a.x) * dx + (y - a.y) * dy) / len2).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    ((x - a.x - u * dx).hypot(y - a.y - u * dy) - r_top).abs() < 1e-9
                })
            };
            let mut rim = 0;
            for j in 0..h {
                for i in 0..w {
                    let (x, y) = map.coord_of(i, j);
                    let mut best = 0.0f64;
                    for (k, pair) in m.moves.windows(2).enumerate() {
                        let (p0, p1) = (pair[0].pose.tip, pair[1].pose.tip);
                        if x < p0.x.min(p1.x) - r_top - 1e-6
                            || x > p0.x.max(p1.x) + r_top + 1e-6
                            || y < p0.y.min(p1.y) - r_top - 1e-6
                            || y > p0.y.max(p1.y) + r_top + 1e-6
                        {
                            continue;
                        }
                        let q = SweepQuery {
                            w: Point3::new(x, y, 0.0) - p0,
                            n: Vector3::z(),
                            d: p1 - p0,
                            a: Vector3::z(),
                        };
                        if let Some(t) = body.deepest(&q) {
                            best = best.max(t);
                            if t > stock.z {
                                first_breach = first_breach.min(k + 1);
                            }
                        }
                    }
                    let want = best.min(stock.z);
                    let got = f64::from(map.depth_at_texel(i, j));
                    if (got - want).abs() > 1e-6 && on_a_rim(x, y) {
                        // A texel exactly on the tool's rim (in decimal arithmetic)
                        // counts as cut here, whatever the rounding; the general
                        // sweep leaves that to rounding.
                        rim += 1;
                        continue;
                    }
                    worst = worst.max((got - want).abs());
                    cut += usize::from(want > 1e-7);
                }
            }
            assert!(worst < 1e-6, "{spec}: worst {worst} mm");
            assert!(rim < 100, "{spec}: {rim} texels on a rim");
            assert!(cut > 500, "{spec}: {cut}");
            assert_eq!(
                map.through_bottom().map(|b| b.first_move),
                (first_breach < usize::MAX).then_some(first_breach),
                "{spec}"
            );
        }
    }

    #[test]
    fn a_cut_through_the_bottom_is_clipped_and_reported() {
        let stock = BoxStock::parse("box:10x10x1").unwrap();
        let tool = Tool::parse("flat:1").unwrap();
        let m = path(&[(5.0, 5.0, 1.0), (5.0, 5.0, -1.5)]);
        let map = simulate_zmap(&stock, &tool, &m, &opts(0.05)).unwrap();
        assert!((map.max_depth() - 1.0).abs() < 1e-6);
        let tb = map.through_bottom().unwrap();
        assert_eq!(tb.first_move, 1);
        assert_eq!(tb.line, Some(2));
        assert!((tb.deepest - 1.5).abs() < 1e-9);
        assert!(tb.texels > 0);
    }

    #[test]
    fn a_tilted_tool_is_refused_with_its_line() {
        let stock = BoxStock::parse("box:10x10x1").unwrap();
        let tool = Tool::parse("ball:1").unwrap();
        let mut m = path(&[(5.0, 5.0, 1.0), (5.0, 5.0, -0.2)]);
        m.moves[1].pose.axis = UnitVector3::new_normalize(Vector3::new(0.1, 0.0, 1.0));
        let e = simulate_zmap(&stock, &tool, &m, &opts(0.05)).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("needs the tool along +Z"), "{text}");
        assert!(text.contains("program line 2 tilts it"), "{text}");
    }

    #[test]
    fn bad_stock_specs_are_refused_clearly() {
        for bad in [
            "box:30x20",
            "box:30x20x5x1",
            "box:0x20x5",
            "box:-1x20x5",
            "box:axbxc",
            "box:nanx1x1",
            "box:infx1x1",
            "cube:1x1x1",
            "30x20x5",
            "",
        ] {
            let e = BoxStock::parse(bad).unwrap_err();
            assert!(e.to_string().contains("box:XxYxZ"), "{bad}: {e}");
        }
        let s = BoxStock::parse(" box:30x20x5 ").unwrap();
        assert_eq!((s.x, s.y, s.z), (30.0, 20.0, 5.0));
        assert_eq!(s.to_string(), "box:30x20x5");
    }

    #[test]
    fn moves_above_the_top_cut_nothing() {
        let stock = BoxStock::parse("box:10x10x1").unwrap();
        let tool = Tool::parse("ball:1").unwrap();
        let m = path(&[(1.0, 1.0, 1.0), (9.0, 9.0, 0.0), (9.0, 1.0, 0.5)]);
        let map = simulate_zmap(&stock, &tool, &m, &opts(0.05)).unwrap();
        assert_eq!(map.max_depth(), 0.0);
        assert!(map.deepest().is_none());
        assert_eq!(map.info().tiles_allocated, 0);
    }
}
