//! The five depth reads of shading (a point and its neighbours one texel away along
//! θ and s) from one shared texel neighbourhood.

use std::f64::consts::TAU;

use shellcarve_core::SurfaceCoord;
use shellcarve_sim::DepthMap;

/// Reads a [`DepthMap`] as [`DepthMap::sample`] does (bilinear between texel centres,
/// 0 off the grid), five points at a time.
pub(crate) struct DepthSampler<'a> {
    map: &'a DepthMap,
    theta0: f64,
    s0: f64,
    /// Texel sizes along θ (radians) and s (mm).
    dt: f64,
    texel: f64,
    width: f64,
    height: f64,
    /// The grid (nearly) closes the turn, so a neighbour one texel away may wrap to
    /// the other end: then read through [`DepthMap::sample`].
    wraps: bool,
}

impl<'a> DepthSampler<'a> {
    pub(crate) fn new(map: &'a DepthMap) -> Self {
        let origin = map.coord_of(0, 0);
        let (w, h) = map.dims();
        let dt = map.texel_theta();
        Self {
            map,
            theta0: origin.theta,
            s0: origin.s,
            dt,
            texel: map.texel(),
            width: w as f64,
            height: h as f64,
            wraps: (w as f64 + 4.0) * dt >= TAU,
        }
    }

    /// Fractional texel position of `(θ, s)`, θ read in the turn that starts `lead`
    /// texels before the first column (the depth map reads it from half a texel).
    fn fractional(&self, theta: f64, s: f64, lead: f64) -> (f64, f64) {
        let start = self.theta0 - lead * self.dt;
        let turn = theta - start;
        let turn = if (0.0..TAU).contains(&turn) {
            turn
        } else {
            turn.rem_euclid(TAU)
        };
        (
            (start + turn - self.theta0) / self.dt,
            (s - self.s0) / self.texel,
        )
    }

    fn contains_fractional(&self, x: f64, y: f64) -> bool {
        x >= -0.5 && y >= -0.5 && x <= self.width - 0.5 && y <= self.height - 0.5
    }

    /// Whether a read at `s` (or one texel from it) can see the grid: when not,
    /// [`DepthSampler::five`] reads zeros and [`DepthSampler::contains`] is false
    /// whatever θ.
    pub(crate) fn near(&self, s: f64) -> bool {
        let y = (s - self.s0) / self.texel;
        y >= -1.6 && y <= self.height + 0.6
    }

    /// Whether `(θ, s)` lies on the grid, as [`DepthMap::contains`].
    pub(crate) fn contains(&self, theta: f64, s: f64) -> bool {
        let (x, y) = self.fractional(theta, s, 0.5);
        self.contains_fractional(x, y)
    }

    /// Depth at `(θ, s)` and at `θ + Δθ`, `θ − Δθ`, `s + Δs`, `s − Δs` (one texel),
    /// in that order.
    pub(crate) fn five(&self, theta: f64, s: f64) -> [f32; 5] {
        if self.wraps {
            let (dt, h) = (self.dt, self.texel);
            return [(0.0, 0.0), (dt, 0.0), (-dt, 0.0), (0.0, h), (0.0, -h)]
                .map(|(a, b)| self.map.sample(SurfaceCoord::new(theta + a, s + b)));
        }
        // From two texels before the first column, so that every read on the grid is
        // within the same turn as the middle one (the grid is shorter than a turn).
        let (x, y) = self.fractional(theta, s, 2.0);
        // Every read off the grid (or not a number): all zero.
        if !(x >= -1.5 && y >= -1.5 && x <= self.width + 0.5 && y <= self.height + 0.5) {
            return [0.0; 5];
        }
        // Floors (x and y are small here), without a call into libm.
        let floor = |v: f64| {
            let t = v as i64 as f64;
            if t > v {
                t - 1.0
            } else {
                t
            }
        };
        let (fx, fy) = (floor(x), floor(y));
        let (tx, ty) = ((x - fx) as f32, (y - fy) as f32);
        let (ix, iy) = (fx as i64, fy as i64);
        // Texels ix−1 ..= ix+2 by iy−1 ..= iy+2 (the corners are never read).
        let mut g = [[0.0f32; 4]; 4];
        for (dj, row) in g.iter_mut().enumerate() {
            let j = iy + dj as i64 - 1;
            if j < 0 {
                continue;
            }
            for (di, v) in row.iter_mut().enumerate() {
                let i = ix + di as i64 - 1;
                let corner = (di == 0 || di == 3) && (dj == 0 || dj == 3);
                if i >= 0 && !corner {
                    *v = self.map.depth_at_texel(i as usize, j as usize);
                }
            }
        }
        let read = |ox: i64, oy: i64| -> f32 {
            if !self.contains_fractional(x + ox as f64, y + oy as f64) {
                return 0.0;
            }
            let (c, r) = ((ox + 1) as usize, (oy + 1) as usize);
            let top = g[r][c] * (1.0 - tx) + g[r][c + 1] * tx;
            let bottom = g[r + 1][c] * (1.0 - tx) + g[r + 1][c + 1] * tx;
            top * (1.0 - ty) + bottom * ty
        };
        [read(0, 0), read(1, 0), read(-1, 0), read(0, 1), read(0, -1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against [`DepthMap::sample`] on and around a map with cuts at its edges.
    #[test]
    fn five_reads_match_the_map() {
        let mut map = DepthMap::new(-0.05, -0.5, 0.01, 21.5, 150, 90);
        for i in 0..150 {
            for j in 0..90 {
                if (i * 7 + j * 3) % 5 != 0 {
                    map.raise(i, j, 0.01 * ((i + 2 * j) % 17) as f32 + 0.02);
                }
            }
        }
        let sampler = DepthSampler::new(&map);
        let (dt, h) = (map.texel_theta(), map.texel());
        for a in -40..=190 {
            for b in -30..=130 {
                let theta = -0.05 + (f64::from(a) * 0.83 - 4.0) * dt;
                let s = -0.5 + (f64::from(b) * 0.77 - 5.0) * h;
                let want = [(0.0, 0.0), (dt, 0.0), (-dt, 0.0), (0.0, h), (0.0, -h)]
                    .map(|(u, v)| map.sample(SurfaceCoord::new(theta + u, s + v)));
                let got = sampler.five(theta, s);
                for (g, w) in got.iter().zip(want) {
                    assert!((g - w).abs() < 1e-4, "{got:?} vs {want:?} at ({a}, {b})");
                }
                let c = SurfaceCoord::new(theta, s);
                assert_eq!(sampler.contains(theta, s), map.contains(c));
                if !sampler.near(s) {
                    assert!(want.iter().all(|&w| w == 0.0) && !map.contains(c));
                }
            }
        }
    }
}
