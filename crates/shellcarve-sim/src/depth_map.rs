//! The depth map: cut depth along the surface normal on a sparse (θ, s) grid.

use rayon::prelude::*;
use serde::Serialize;
use shellcarve_core::SurfaceCoord;

/// Side of a square tile of texels. Tiles are allocated only where something is cut.
pub const TILE: usize = 64;
const TILE_TEXELS: usize = TILE * TILE;

/// Cut depth (mm, along the outward normal, 0 = untouched) on a grid over the
/// surface coordinates (θ, s).
///
/// Texel `(i, j)` is centred on `θ = θ0 + i·Δθ`, `s = s0 + j·texel`, with
/// `Δθ = texel / R0` (texels are `texel` mm square on the baseline parallel of radius
/// `R0`). `i` grows with θ, `j` with s. Storage is sparse: [`TILE`]×[`TILE`] tiles exist
/// only where some texel is cut, so fine texels over a long band stay small.
#[derive(Clone)]
pub struct DepthMap {
    theta0: f64,
    s0: f64,
    texel: f64,
    r0: f64,
    width: usize,
    height: usize,
    tiles_x: usize,
    tiles_y: usize,
    tiles: Vec<Option<Box<[f32]>>>,
}

impl std::fmt::Debug for DepthMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DepthMap")
            .field("info", &self.info())
            .finish()
    }
}

/// Grid metadata of a [`DepthMap`], for reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GridInfo {
    /// θ of texel column 0's centre (radians).
    pub theta0: f64,
    /// s of texel row 0's centre (mm).
    pub s0: f64,
    /// Texel size along s, and along the baseline parallel (mm).
    pub texel_mm: f64,
    /// Texel size along θ (radians).
    pub texel_theta: f64,
    /// Radius of the baseline parallel used for θ spacing (mm).
    pub baseline_radius: f64,
    /// Texel columns (along θ).
    pub width: usize,
    /// Texel rows (along s).
    pub height: usize,
    /// Tiles holding data.
    pub tiles_allocated: usize,
    /// Tiles the grid would have if it were dense.
    pub tiles_total: usize,
    /// Bytes held by depth values.
    pub bytes: usize,
}

impl DepthMap {
    /// An empty (all zero) map. `texel` and `r0` must be positive; they are clamped to
    /// a tiny positive value otherwise so that the map stays usable.
    pub fn new(theta0: f64, s0: f64, texel: f64, r0: f64, width: usize, height: usize) -> Self {
        let tiles_x = width.div_ceil(TILE);
        let tiles_y = height.div_ceil(TILE);
        Self {
            theta0,
            s0,
            texel: texel.max(1e-9),
            r0: r0.max(1e-9),
            width,
            height,
            tiles_x,
            tiles_y,
            tiles: vec![None; tiles_x.saturating_mul(tiles_y)],
        }
    }

    /// `(width, height)`: texel columns along θ and rows along s.
    pub fn dims(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// Texel size along s, and along the baseline parallel (mm).
    pub fn texel(&self) -> f64 {
        self.texel
    }

    /// Texel size along θ (radians).
    pub fn texel_theta(&self) -> f64 {
        self.texel / self.r0
    }

    /// Radius of the baseline parallel the θ spacing is based on (mm).
    pub fn baseline_radius(&self) -> f64 {
        self.r0
    }

    /// The coordinate of texel `(i, j)`'s centre.
    pub fn coord_of(&self, i: usize, j: usize) -> SurfaceCoord {
        SurfaceCoord::new(
            self.theta0 + i as f64 * self.texel_theta(),
            self.s0 + j as f64 * self.texel,
        )
    }

    /// The θ range covered by texel centres, `(first, last)`.
    pub fn theta_range(&self) -> (f64, f64) {
        let last = self.width.saturating_sub(1);
        (self.theta0, self.theta0 + last as f64 * self.texel_theta())
    }

    /// The s range covered by texel centres, `(first, last)`.
    pub fn s_range(&self) -> (f64, f64) {
        let last = self.height.saturating_sub(1);
        (self.s0, self.s0 + last as f64 * self.texel)
    }

    /// Depth at texel `(i, j)` (mm); 0 outside the grid.
    pub fn depth_at_texel(&self, i: usize, j: usize) -> f32 {
        if i >= self.width || j >= self.height {
            return 0.0;
        }
        match &self.tiles[(j / TILE) * self.tiles_x + i / TILE] {
            Some(t) => t[(j % TILE) * TILE + i % TILE],
            None => 0.0,
        }
    }

    /// True when the coordinate lies on the grid (within half a texel of a centre).
    pub fn contains(&self, c: SurfaceCoord) -> bool {
        let (x, y) = self.fractional(c);
        self.contains_fractional(x, y)
    }

    /// [`DepthMap::contains`] for a fractional texel position.
    fn contains_fractional(&self, x: f64, y: f64) -> bool {
        x >= -0.5 && y >= -0.5 && x <= self.width as f64 - 0.5 && y <= self.height as f64 - 0.5
    }

    /// Fractional texel position of `c`. Longitude is periodic: θ is read in the turn
    /// that starts half a texel before the grid's first column, so a grid that runs
    /// past ±π (text centred on the back of the egg) reads coordinates given in
    /// (−π, π] correctly.
    fn fractional(&self, c: SurfaceCoord) -> (f64, f64) {
        let dt = self.texel_theta();
        let start = self.theta0 - 0.5 * dt;
        let turn = c.theta - start;
        // rem_euclid is the identity on 0..TAU: skip its division there.
        let turn = if (0.0..std::f64::consts::TAU).contains(&turn) {
            turn
        } else {
            turn.rem_euclid(std::f64::consts::TAU)
        };
        let theta = start + turn;
        ((theta - self.theta0) / dt, (c.s - self.s0) / self.texel)
    }

    /// Depth at the texel nearest to `c` (mm); 0 off the grid.
    pub fn sample_nearest(&self, c: SurfaceCoord) -> f32 {
        let (x, y) = self.fractional(c);
        if !(x.is_finite() && y.is_finite() && self.contains_fractional(x, y)) {
            return 0.0;
        }
        self.depth_at_texel(x.round().max(0.0) as usize, y.round().max(0.0) as usize)
    }

    /// Depth at `c` interpolated bilinearly between texel centres (mm); 0 off the grid.
    pub fn sample(&self, c: SurfaceCoord) -> f32 {
        let (x, y) = self.fractional(c);
        if !(x.is_finite() && y.is_finite() && self.contains_fractional(x, y)) {
            return 0.0;
        }
        let (fx, fy) = (x.floor(), y.floor());
        let (tx, ty) = ((x - fx) as f32, (y - fy) as f32);
        let get = |di: f64, dj: f64| {
            let (i, j) = (fx + di, fy + dj);
            if i < 0.0 || j < 0.0 {
                0.0
            } else {
                self.depth_at_texel(i as usize, j as usize)
            }
        };
        let top = get(0.0, 0.0) * (1.0 - tx) + get(1.0, 0.0) * tx;
        let bottom = get(0.0, 1.0) * (1.0 - tx) + get(1.0, 1.0) * tx;
        top * (1.0 - ty) + bottom * ty
    }

    /// Largest depth over texels `i0..i1` × `j0..j1` (clipped to the grid), skipping
    /// empty tiles quickly. Used to downsample by maximum.
    pub fn max_in_rect(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
        let (i1, j1) = (i1.min(self.width), j1.min(self.height));
        let mut best = 0.0f32;
        let mut tj = j0 / TILE;
        while tj * TILE < j1 {
            let mut ti = i0 / TILE;
            while ti * TILE < i1 {
                if let Some(t) = &self.tiles[tj * self.tiles_x + ti] {
                    let (a0, a1) = (
                        i0.max(ti * TILE) - ti * TILE,
                        i1.min((ti + 1) * TILE) - ti * TILE,
                    );
                    let (b0, b1) = (
                        j0.max(tj * TILE) - tj * TILE,
                        j1.min((tj + 1) * TILE) - tj * TILE,
                    );
                    for row in t.chunks_exact(TILE).take(b1).skip(b0) {
                        for &v in &row[a0..a1] {
                            best = best.max(v);
                        }
                    }
                }
                ti += 1;
            }
            tj += 1;
        }
        best
    }

    /// The deepest texel: `(i, j, depth)`, or `None` when nothing is cut. Of several
    /// equally deep texels, the first in storage order (tile by tile).
    pub fn deepest(&self) -> Option<(usize, usize, f32)> {
        // Each tile's deepest texel in parallel, then the first tile of the deepest.
        let per_tile: Vec<Option<(usize, f32)>> = self
            .tiles
            .par_iter()
            .map(|t| t.as_deref().and_then(tile_deepest))
            .collect();
        let mut best: Option<(usize, usize, f32)> = None;
        for (k, found) in per_tile.into_iter().enumerate() {
            let Some((n, v)) = found else { continue };
            if best.is_none_or(|b| v > b.2) {
                let (ti, tj) = (k % self.tiles_x, k / self.tiles_x);
                best = Some((ti * TILE + n % TILE, tj * TILE + n / TILE, v));
            }
        }
        best
    }

    /// Largest depth on the map (mm), 0 when nothing is cut.
    pub fn max_depth(&self) -> f32 {
        self.deepest().map_or(0.0, |d| d.2)
    }

    /// The texel rectangle `(i0, i1, j0, j1)` (half-open) holding every cut texel, or
    /// `None` when nothing is cut.
    pub fn cut_extent(&self) -> Option<(usize, usize, usize, usize)> {
        self.tiles
            .par_iter()
            .enumerate()
            .filter_map(|(k, tile)| {
                let (a, b, c, d) = tile_extent(tile.as_deref()?)?;
                let (i, j) = ((k % self.tiles_x) * TILE, (k / self.tiles_x) * TILE);
                Some((i + a, i + b, j + c, j + d))
            })
            .reduce_with(|(a, b, c, d), (e, f, g, h)| (a.min(e), b.max(f), c.min(g), d.max(h)))
    }

    /// Number of texels with a depth above `threshold` (mm).
    pub fn count_above(&self, threshold: f32) -> usize {
        self.tiles
            .iter()
            .flatten()
            .map(|t| t.iter().filter(|&&v| v > threshold).count())
            .sum()
    }

    /// Grid metadata for reports.
    pub fn info(&self) -> GridInfo {
        let allocated = self.tiles.iter().filter(|t| t.is_some()).count();
        GridInfo {
            theta0: self.theta0,
            s0: self.s0,
            texel_mm: self.texel,
            texel_theta: self.texel_theta(),
            baseline_radius: self.r0,
            width: self.width,
            height: self.height,
            tiles_allocated: allocated,
            tiles_total: self.tiles.len(),
            bytes: allocated * TILE_TEXELS * std::mem::size_of::<f32>(),
        }
    }

    /// Number of tiles along θ and along s.
    pub(crate) fn tile_grid(&self) -> (usize, usize) {
        (self.tiles_x, self.tiles_y)
    }

    /// Installs the data of tile `k` (row-major over tiles), which must hold
    /// `TILE * TILE` values; anything else is ignored.
    pub(crate) fn set_tile(&mut self, k: usize, data: Box<[f32]>) {
        if data.len() == TILE_TEXELS {
            if let Some(slot) = self.tiles.get_mut(k) {
                *slot = Some(data);
            }
        }
    }

    /// Raises texel `(i, j)` to at least `depth`, allocating its tile on demand.
    pub fn raise(&mut self, i: usize, j: usize, depth: f32) {
        if i >= self.width || j >= self.height || depth.is_nan() || depth <= 0.0 {
            return;
        }
        let k = (j / TILE) * self.tiles_x + i / TILE;
        let tile = self.tiles[k].get_or_insert_with(|| vec![0.0; TILE_TEXELS].into_boxed_slice());
        let v = &mut tile[(j % TILE) * TILE + i % TILE];
        *v = v.max(depth);
    }
}

/// The first texel of a tile's largest depth, `(index, depth)`, or `None` when none
/// is cut.
fn tile_deepest(tile: &[f32]) -> Option<(usize, f32)> {
    let top = tile.iter().fold(0.0f32, |m, &v| m.max(v));
    if top > 0.0 {
        tile.iter().position(|&v| v == top).map(|n| (n, top))
    } else {
        None
    }
}

/// The texel rectangle `(i0, i1, j0, j1)` (half-open, within the tile) holding every
/// cut texel of a tile, or `None` when none is cut.
fn tile_extent(tile: &[f32]) -> Option<(usize, usize, usize, usize)> {
    let mut ext: Option<(usize, usize, usize, usize)> = None;
    for (j, row) in tile.chunks_exact(TILE).enumerate() {
        let first = row.iter().position(|&v| v > 0.0);
        let last = row.iter().rposition(|&v| v > 0.0);
        if let (Some(a), Some(b)) = (first, last) {
            ext = Some(match ext {
                None => (a, b + 1, j, j + 1),
                Some((i0, i1, j0, _)) => (i0.min(a), i1.max(b + 1), j0, j + 1),
            });
        }
    }
    ext
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_storage_and_sampling() {
        let mut m = DepthMap::new(-0.1, -1.0, 0.01, 20.0, 300, 200);
        assert_eq!(m.info().tiles_allocated, 0);
        m.raise(100, 50, 0.3);
        m.raise(101, 50, 0.1);
        assert_eq!(m.info().tiles_allocated, 1);
        assert_eq!(m.depth_at_texel(100, 50), 0.3);
        assert_eq!(m.depth_at_texel(9999, 50), 0.0);
        let c = m.coord_of(100, 50);
        assert!((m.sample(c) - 0.3).abs() < 1e-6);
        let mid = SurfaceCoord::new(c.theta + 0.5 * m.texel_theta(), c.s);
        assert!((m.sample(mid) - 0.2).abs() < 1e-6);
        assert_eq!(m.sample(SurfaceCoord::new(f64::NAN, 0.0)), 0.0);
        assert_eq!(m.deepest(), Some((100, 50, 0.3)));
        assert_eq!(m.max_in_rect(0, 300, 0, 200), 0.3);
        assert_eq!(m.max_in_rect(101, 300, 0, 200), 0.1);
        assert_eq!(m.cut_extent(), Some((100, 102, 50, 51)));
        assert_eq!(m.count_above(0.0), 2);
    }

    /// The deepest texel and the extent over several tiles against a plain scan of
    /// every texel: of equally deep texels the first in storage order (tile by tile,
    /// row by row within a tile).
    #[test]
    fn deepest_and_extent_match_a_plain_scan() {
        let mut m = DepthMap::new(0.0, 0.0, 0.01, 20.0, 300, 200);
        assert_eq!(m.deepest(), None);
        assert_eq!(m.cut_extent(), None);
        for (i, j, d) in [
            (250, 10, 0.2),
            (70, 190, 0.3),
            (5, 150, 0.3),
            (200, 3, 0.1),
            (130, 120, 0.3),
            (131, 64, 0.25),
        ] {
            m.raise(i, j, d);
        }
        let mut want: Option<(usize, usize, f32)> = None;
        let mut ext: Option<(usize, usize, usize, usize)> = None;
        for k in 0..m.tiles.len() {
            let (ti, tj) = (k % m.tiles_x, k / m.tiles_x);
            for n in 0..TILE * TILE {
                let (i, j) = (ti * TILE + n % TILE, tj * TILE + n / TILE);
                let v = m.depth_at_texel(i, j);
                if v > 0.0 && want.is_none_or(|b| v > b.2) {
                    want = Some((i, j, v));
                }
                if v > 0.0 {
                    ext = Some(ext.map_or((i, i + 1, j, j + 1), |(a, b, c, d)| {
                        (a.min(i), b.max(i + 1), c.min(j), d.max(j + 1))
                    }));
                }
            }
        }
        assert_eq!(want, Some((130, 120, 0.3)));
        assert_eq!(m.deepest(), want);
        assert_eq!(m.max_depth(), 0.3);
        assert_eq!(m.cut_extent(), ext);
        assert_eq!(ext, Some((5, 251, 3, 191)));
    }
}
