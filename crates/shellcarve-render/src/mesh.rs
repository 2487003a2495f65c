//! The engraved shell as a closed triangle mesh, and its STL and PLY files.
//!
//! The mesh is the displaced surface of revolution `P(θ, s) − depth(θ, s)·n(θ, s)`
//! (workpiece frame W, mm). Its vertices lie on a coarse (θ, s) grid over the whole
//! shell ([`DEFAULT_COARSE_THETA_DEG`] × [`DEFAULT_COARSE_S`] by default); every coarse
//! cell within a texel of a cut texel is refined to a fine grid whose nodes are texel
//! centres of the depth map (every `m`-th texel, `m` = the mesh texel rounded to a whole
//! number of map texels, at least 1). A coarse cell next to a refined one shares the
//! refined vertices along the common edge and is fanned from its centre, so there are
//! no T-junctions; the rows touching the poles are fans around a single pole vertex.
//! Every edge is therefore shared by exactly two triangles, in opposite directions,
//! and triangles wind counter-clockwise seen from outside (outward normals).

use std::collections::HashMap;
use std::f64::consts::TAU;
use std::io::Write;
use std::path::Path;

use shellcarve_core::{Surface, SurfaceCoord};
use shellcarve_sim::DepthMap;

use crate::save::write_file_atomic;
use crate::RenderError;

/// Default spacing of the fine grid in the engraved band (mm).
pub const DEFAULT_MESH_TEXEL: f64 = 0.02;
/// Default coarse longitude step away from the engraving (degrees).
pub const DEFAULT_COARSE_THETA_DEG: f64 = 1.0;
/// Default coarse meridian step away from the engraving (mm).
pub const DEFAULT_COARSE_S: f64 = 0.5;
/// Default largest triangle count (about 2 GB of binary STL).
pub const DEFAULT_MAX_TRIANGLES: usize = 40_000_000;

/// Options of [`shell_mesh`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MeshOptions {
    /// Spacing of the fine grid where the shell is cut (mm), rounded to a whole number
    /// (at least 1) of the depth map's texels. Default [`DEFAULT_MESH_TEXEL`].
    pub texel: f64,
    /// Coarse longitude step (radians), rounded to a whole number of fine steps.
    /// Default [`DEFAULT_COARSE_THETA_DEG`] degrees.
    pub coarse_theta: f64,
    /// Coarse meridian step (mm), rounded to a whole number of fine steps. Default
    /// [`DEFAULT_COARSE_S`].
    pub coarse_s: f64,
    /// Largest number of triangles. Default [`DEFAULT_MAX_TRIANGLES`].
    pub max_triangles: usize,
}

impl Default for MeshOptions {
    fn default() -> Self {
        Self {
            texel: DEFAULT_MESH_TEXEL,
            coarse_theta: DEFAULT_COARSE_THETA_DEG.to_radians(),
            coarse_s: DEFAULT_COARSE_S,
            max_triangles: DEFAULT_MAX_TRIANGLES,
        }
    }
}

impl MeshOptions {
    /// Sets the fine spacing in the engraved band (mm).
    pub fn with_texel(mut self, texel: f64) -> Self {
        self.texel = texel;
        self
    }

    /// Sets the coarse steps: longitude (radians) and meridian arc length (mm).
    pub fn with_coarse(mut self, theta: f64, s: f64) -> Self {
        self.coarse_theta = theta;
        self.coarse_s = s;
        self
    }

    /// Sets the largest triangle count.
    pub fn with_max_triangles(mut self, max: usize) -> Self {
        self.max_triangles = max;
        self
    }

    fn validate(&self) -> Result<(), RenderError> {
        let check = |name: &'static str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(RenderError::InvalidOption {
                    name,
                    value: v,
                    expected: format!("a number from {lo} to {hi}"),
                })
            }
        };
        check("mesh texel (mm)", self.texel, 1e-3, 10.0)?;
        check(
            "mesh coarse longitude step (degrees)",
            self.coarse_theta.to_degrees(),
            0.01,
            30.0,
        )?;
        check("mesh coarse meridian step (mm)", self.coarse_s, 0.01, 10.0)
    }
}

/// A triangle mesh: vertices in the workpiece frame (mm) and triangles as vertex
/// indices, wound counter-clockwise seen from outside.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Mesh {
    /// Vertex positions (mm).
    pub vertices: Vec<[f64; 3]>,
    /// Triangles: three indices into `vertices`.
    pub triangles: Vec<[u32; 3]>,
    /// Spacing of the fine grid actually used (mm along s; the same length along the
    /// baseline parallel).
    pub fine_texel: f64,
    /// Coarse cells refined to the fine grid.
    pub refined_cells: usize,
}

impl Mesh {
    /// Enclosed volume (mm³) by the divergence theorem: the sum over triangles of
    /// `v0 · (v1 × v2) / 6`. Exact for a closed, consistently wound mesh.
    pub fn volume(&self) -> f64 {
        let v = |k: u32| {
            let p = self.vertices.get(k as usize).copied().unwrap_or([0.0; 3]);
            nalgebra::Vector3::new(p[0], p[1], p[2])
        };
        self.triangles
            .iter()
            .map(|t| v(t[0]).dot(&v(t[1]).cross(&v(t[2]))))
            .sum::<f64>()
            / 6.0
    }

    /// Number of edges that are not shared by exactly two triangles running along it in
    /// opposite directions (0 for a closed, consistently wound surface).
    pub fn edge_defects(&self) -> usize {
        let mut count: HashMap<(u32, u32), (u32, u32)> = HashMap::new();
        for t in &self.triangles {
            for k in 0..3 {
                let (a, b) = (t[k], t[(k + 1) % 3]);
                let e = count.entry((a.min(b), a.max(b))).or_default();
                if a < b {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
        }
        count.values().filter(|&&(f, b)| f != 1 || b != 1).count()
    }

    /// Writes the mesh as binary STL (80-byte header, triangle count, 50 bytes per
    /// triangle in f32), with `stl_io`.
    pub fn write_stl(&self, w: &mut impl Write) -> std::io::Result<()> {
        let f = |k: u32| {
            let p = self.vertices.get(k as usize).copied().unwrap_or([0.0; 3]);
            [p[0] as f32, p[1] as f32, p[2] as f32]
        };
        let triangles = self.triangles.iter().map(|t| {
            let [a, b, c] = [f(t[0]), f(t[1]), f(t[2])];
            let u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
            let v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
            let n = [
                u[1] * v[2] - u[2] * v[1],
                u[2] * v[0] - u[0] * v[2],
                u[0] * v[1] - u[1] * v[0],
            ];
            let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
            let n = if len > 0.0 {
                n.map(|x| x / len)
            } else {
                [0.0; 3]
            };
            stl_io::Triangle {
                normal: stl_io::Normal::new(n),
                vertices: [
                    stl_io::Vertex::new(a),
                    stl_io::Vertex::new(b),
                    stl_io::Vertex::new(c),
                ],
            }
        });
        stl_io::write_stl(w, triangles)
    }

    /// Writes the mesh as PLY: binary little-endian, or ASCII. Vertices are f32
    /// `x y z`, faces `uchar` counts with `int` indices.
    pub fn write_ply(&self, w: &mut impl Write, ascii: bool) -> std::io::Result<()> {
        let format = if ascii {
            "ascii"
        } else {
            "binary_little_endian"
        };
        write!(
            w,
            "ply\nformat {format} 1.0\ncomment shellcarve engraved shell, mm, workpiece frame (origin at the egg centre, +Z toward the pointed end)\nelement vertex {}\nproperty float x\nproperty float y\nproperty float z\nelement face {}\nproperty list uchar int vertex_indices\nend_header\n",
            self.vertices.len(),
            self.triangles.len()
        )?;
        if ascii {
            for p in &self.vertices {
                writeln!(w, "{} {} {}", p[0] as f32, p[1] as f32, p[2] as f32)?;
            }
            for t in &self.triangles {
                writeln!(w, "3 {} {} {}", t[0], t[1], t[2])?;
            }
        } else {
            let mut buf = Vec::with_capacity(self.vertices.len() * 12);
            for p in &self.vertices {
                for c in p {
                    buf.extend_from_slice(&(*c as f32).to_le_bytes());
                }
            }
            w.write_all(&buf)?;
            buf.clear();
            for t in &self.triangles {
                buf.push(3u8);
                for k in t {
                    buf.extend_from_slice(&(*k as i32).to_le_bytes());
                }
            }
            w.write_all(&buf)?;
        }
        Ok(())
    }
}

/// A mesh file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MeshFormat {
    /// Binary STL.
    Stl,
    /// Binary little-endian PLY.
    PlyBinary,
    /// ASCII PLY.
    PlyAscii,
}

impl MeshFormat {
    /// The format a file name asks for: `.stl` is binary STL, `.ply` binary PLY (case
    /// does not matter).
    pub fn from_path(path: &Path) -> Result<Self, RenderError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("stl") => Ok(Self::Stl),
            Some("ply") => Ok(Self::PlyBinary),
            _ => Err(RenderError::UnknownFormat {
                path: path.to_path_buf(),
                expected: "give a mesh file ending in .stl (binary STL) or .ply (binary PLY)",
            }),
        }
    }
}

/// Writes `mesh` to `path` in `format`, atomically (temporary file, then rename).
pub fn save_mesh_atomic(mesh: &Mesh, path: &Path, format: MeshFormat) -> Result<(), RenderError> {
    let io = |source| RenderError::Io {
        path: path.to_path_buf(),
        source,
    };
    write_file_atomic(path, |w| {
        match format {
            MeshFormat::Stl => mesh.write_stl(w),
            MeshFormat::PlyBinary => mesh.write_ply(w, false),
            MeshFormat::PlyAscii => mesh.write_ply(w, true),
        }
        .map_err(io)
    })
}

/// Where a vertex shared between cells sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// Coarse node: column line, row line (interior lines only).
    Node(usize, usize),
    /// Fine vertex `k` inside the edge of column `c` on row line `r`.
    H(usize, usize, usize),
    /// Fine vertex `k` inside the edge on column line `c` in row `r`.
    V(usize, usize, usize),
}

/// The coarse grid and its refinement.
struct Grid {
    /// Column lines θ (N of them, one turn from the map's θ0; column `c` runs from line
    /// `c` to line `c + 1`, the last back to line 0 plus 2π).
    theta: Vec<f64>,
    /// Fine steps per column.
    q_theta: Vec<usize>,
    /// Row lines s from pole to pole (`s[0]` and `s[R]` are the poles).
    s: Vec<f64>,
    /// Fine steps per row.
    q_s: Vec<usize>,
    /// Refinement flag per cell, row-major (`r * N + c`).
    refined: Vec<bool>,
}

impl Grid {
    fn n(&self) -> usize {
        self.theta.len()
    }

    fn rows(&self) -> usize {
        self.s.len() - 1
    }

    fn theta_end(&self, c: usize) -> f64 {
        if c + 1 < self.n() {
            self.theta[c + 1]
        } else {
            self.theta[0] + TAU
        }
    }

    fn is_refined(&self, c: usize, r: usize) -> bool {
        r < self.rows() && self.refined[r * self.n() + c % self.n()]
    }

    /// The edge of column `c` on row line `r` is subdivided.
    fn h_split(&self, c: usize, r: usize) -> bool {
        (r > 0 && self.is_refined(c, r - 1)) || self.is_refined(c, r)
    }

    /// The edge on column line `c` in row `r` is subdivided.
    fn v_split(&self, c: usize, r: usize) -> bool {
        let n = self.n();
        self.is_refined((c + n - 1) % n, r) || self.is_refined(c, r)
    }
}

/// Builds the mesh of `surface` engraved as `map` says (see the module docs).
///
/// Cuts in the rows touching the poles (within one coarse step of a pole) are meshed
/// at the coarse resolution only.
pub fn shell_mesh(
    surface: &dyn Surface,
    map: &DepthMap,
    options: &MeshOptions,
) -> Result<Mesh, RenderError> {
    options.validate()?;
    build(surface, map, options, true)
}

fn build(
    surface: &dyn Surface,
    map: &DepthMap,
    options: &MeshOptions,
    displace: bool,
) -> Result<Mesh, RenderError> {
    let grid = grid(surface, map, options)?;
    let (n, rows) = (grid.n(), grid.rows());
    // Triangle count: fine cells, fans (at most 2 per fine step on the edges plus 4),
    // plain quads and pole fans.
    let mut estimate = 0usize;
    for r in 0..rows {
        for c in 0..n {
            let (qt, qs) = (grid.q_theta[c], grid.q_s[r]);
            estimate = estimate.saturating_add(if grid.is_refined(c, r) {
                2 * qt * qs
            } else {
                2 * (qt + qs) + 4
            });
        }
    }
    if estimate > options.max_triangles {
        return Err(RenderError::MeshTooLarge {
            triangles: estimate,
            limit: options.max_triangles,
        });
    }
    let mut b = Builder {
        surface,
        map,
        displace,
        vertices: Vec::new(),
        triangles: Vec::new(),
        shared: HashMap::new(),
    };
    let pole_lo = b.push(grid.theta[0], grid.s[0]);
    let pole_hi = b.push(grid.theta[0], grid.s[rows]);
    for r in 0..rows {
        for c in 0..n {
            let (t0, t1) = (grid.theta[c], grid.theta_end(c));
            let (s0, s1) = (grid.s[r], grid.s[r + 1]);
            let (qt, qs) = (grid.q_theta[c], grid.q_s[r]);
            let c1 = (c + 1) % n;
            // The vertices along an edge, in increasing θ or s.
            let h_edge = |b: &mut Builder<'_>, line: usize| -> Vec<u32> {
                let s = grid.s[line];
                let mut out = vec![b.shared(Key::Node(c, line), t0, s)];
                if grid.h_split(c, line) {
                    for k in 1..qt {
                        let t = t0 + (t1 - t0) * k as f64 / qt as f64;
                        out.push(b.shared(Key::H(c, line, k), t, s));
                    }
                }
                out.push(b.shared(Key::Node(c1, line), t1, s));
                out
            };
            let v_edge = |b: &mut Builder<'_>, col: usize, t: f64| -> Vec<u32> {
                let mut out = vec![b.shared(Key::Node(col, r), t, s0)];
                if grid.v_split(col, r) {
                    for k in 1..qs {
                        let s = s0 + (s1 - s0) * k as f64 / qs as f64;
                        out.push(b.shared(Key::V(col, r, k), t, s));
                    }
                }
                out.push(b.shared(Key::Node(col, r + 1), t, s1));
                out
            };
            if r == 0 {
                // Bottom pole fan: pole, then the ring edge from right to left.
                let ring: Vec<u32> = h_edge(&mut b, 1).into_iter().rev().collect();
                b.fan(pole_lo, &ring);
                continue;
            }
            if r == rows - 1 {
                let ring = h_edge(&mut b, r);
                b.fan(pole_hi, &ring);
                continue;
            }
            let bottom = h_edge(&mut b, r);
            let top = h_edge(&mut b, r + 1);
            let left = v_edge(&mut b, c, t0);
            let right = v_edge(&mut b, c1, t1);
            if grid.is_refined(c, r) {
                // The fine grid: edges shared, the inside new.
                let mut ids = vec![0u32; (qt + 1) * (qs + 1)];
                for bb in 0..=qs {
                    for a in 0..=qt {
                        ids[bb * (qt + 1) + a] = if bb == 0 {
                            bottom[a]
                        } else if bb == qs {
                            top[a]
                        } else if a == 0 {
                            left[bb]
                        } else if a == qt {
                            right[bb]
                        } else {
                            b.push(
                                t0 + (t1 - t0) * a as f64 / qt as f64,
                                s0 + (s1 - s0) * bb as f64 / qs as f64,
                            )
                        };
                    }
                }
                for bb in 0..qs {
                    for a in 0..qt {
                        let k = bb * (qt + 1) + a;
                        let (v00, v10) = (ids[k], ids[k + 1]);
                        let (v01, v11) = (ids[k + qt + 1], ids[k + qt + 2]);
                        b.quad(v00, v10, v11, v01);
                    }
                }
            } else if bottom.len() + top.len() + left.len() + right.len() == 8 {
                b.quad(bottom[0], bottom[1], top[1], top[0]);
            } else {
                // Counter-clockwise around the cell, fanned from its centre.
                let mut ring = bottom.clone();
                ring.extend(right.iter().skip(1));
                ring.extend(top.iter().rev().skip(1));
                ring.extend(left.iter().rev().skip(1).take(left.len() - 2));
                let centre = b.push(0.5 * (t0 + t1), 0.5 * (s0 + s1));
                ring.push(ring[0]);
                b.fan(centre, &ring);
            }
        }
    }
    Ok(Mesh {
        vertices: b.vertices,
        triangles: b.triangles,
        fine_texel: map.texel() * fine_multiple(map, options) as f64,
        refined_cells: grid.refined.iter().filter(|r| **r).count(),
    })
}

/// Map texels per fine step.
fn fine_multiple(map: &DepthMap, options: &MeshOptions) -> usize {
    (options.texel / map.texel()).round().clamp(1.0, 1e6) as usize
}

fn grid(surface: &dyn Surface, map: &DepthMap, options: &MeshOptions) -> Result<Grid, RenderError> {
    let (s_min, s_max) = surface.s_range();
    if !(s_min.is_finite() && s_max.is_finite() && s_max > s_min) {
        return Err(RenderError::InvalidOption {
            name: "surface meridian length (mm)",
            value: s_max - s_min,
            expected: "a shell with a positive, finite meridian".into(),
        });
    }
    let m = fine_multiple(map, options) as f64;
    let (ds, dt) = (m * map.texel(), m * map.texel_theta());
    let origin = map.coord_of(0, 0);
    // Rows: whole numbers of fine steps from the map's first row, then the poles.
    let qs = (options.coarse_s / ds).round().max(1.0);
    let step = qs * ds;
    let k0 = ((s_min + 0.25 * step - origin.s) / step).ceil();
    let k1 = ((s_max - 0.25 * step - origin.s) / step).floor();
    let mut s = vec![s_min];
    if k1 - k0 >= 1.0 && k1 - k0 < 1e6 {
        let mut k = k0;
        while k <= k1 {
            s.push(origin.s + k * step);
            k += 1.0;
        }
    } else {
        s.extend((1..4).map(|k| s_min + (s_max - s_min) * f64::from(k) / 4.0));
    }
    s.push(s_max);
    let q_s: Vec<usize> = s
        .windows(2)
        .map(|w| ((w[1] - w[0]) / ds - 1e-6).ceil().clamp(1.0, 1e6) as usize)
        .collect();
    // Columns: whole numbers of fine steps from the map's first column, one turn.
    let qt = (options.coarse_theta / dt).round().max(1.0);
    let cstep = qt * dt;
    let count = ((TAU / cstep + 0.75).floor() as usize).clamp(3, 1_000_000);
    let theta: Vec<f64> = (0..count)
        .map(|k| origin.theta + k as f64 * cstep)
        .collect();
    let mut q_theta = vec![qt as usize; count];
    let last = TAU - (count - 1) as f64 * cstep;
    q_theta[count - 1] = ((last / dt) - 1e-6).ceil().clamp(1.0, 1e6) as usize;
    // Refine the cells (not touching a pole) within a texel of a cut texel.
    let (w, h) = map.dims();
    let rows = s.len() - 1;
    let mut refined = vec![false; rows * count];
    if let Some((ei0, ei1, ej0, ej1)) = map.cut_extent() {
        let to_i = |t: f64| (t - origin.theta) / map.texel_theta();
        let to_j = |v: f64| (v - origin.s) / map.texel();
        for r in 1..rows.saturating_sub(1) {
            let j0 = (to_j(s[r]).floor() - 1.0).max(0.0) as usize;
            let j1 = ((to_j(s[r + 1]).ceil() + 2.0).max(0.0) as usize).min(h);
            if j1 <= ej0 || j0 >= ej1 {
                continue;
            }
            for c in 0..count {
                let t1 = if c + 1 < count {
                    theta[c + 1]
                } else {
                    theta[0] + TAU
                };
                let i0 = (to_i(theta[c]).floor() - 1.0).max(0.0) as usize;
                let i1 = ((to_i(t1).ceil() + 2.0).max(0.0) as usize).min(w);
                if i1 <= ei0 || i0 >= ei1 {
                    continue;
                }
                if map.max_in_rect(i0, i1, j0, j1) > 0.0 {
                    refined[r * count + c] = true;
                }
            }
        }
    }
    Ok(Grid {
        theta,
        q_theta,
        s,
        q_s,
        refined,
    })
}

struct Builder<'a> {
    surface: &'a dyn Surface,
    map: &'a DepthMap,
    displace: bool,
    vertices: Vec<[f64; 3]>,
    triangles: Vec<[u32; 3]>,
    shared: HashMap<Key, u32>,
}

impl Builder<'_> {
    fn push(&mut self, theta: f64, s: f64) -> u32 {
        let c = SurfaceCoord::new(theta, s);
        let (p, n) = self.surface.point_normal(c);
        let d = if self.displace {
            f64::from(self.map.sample(c))
        } else {
            0.0
        };
        let q = p - n.into_inner() * d;
        self.vertices.push([q.x, q.y, q.z]);
        (self.vertices.len() - 1) as u32
    }

    fn shared(&mut self, key: Key, theta: f64, s: f64) -> u32 {
        if let Some(&v) = self.shared.get(&key) {
            return v;
        }
        let v = self.push(theta, s);
        self.shared.insert(key, v);
        v
    }

    fn quad(&mut self, v00: u32, v10: u32, v11: u32, v01: u32) {
        self.triangles.push([v00, v10, v11]);
        self.triangles.push([v00, v11, v01]);
    }

    /// Triangles `(apex, ring[k], ring[k + 1])`.
    fn fan(&mut self, apex: u32, ring: &[u32]) {
        for w in ring.windows(2) {
            self.triangles.push([apex, w[0], w[1]]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shellcarve_core::Spheroid;

    /// A map on the 57 × 43 spheroid with a 2 mm × 1 mm pocket 0.3 mm deep and a
    /// 0.2 mm wide ball-like groove (round bottom, 0.1 mm deep in the middle).
    fn engraved() -> (Spheroid, DepthMap) {
        let egg = Spheroid::new(57.0, 43.0).unwrap();
        let r0 = 21.5;
        let texel = 0.01;
        let mut map = DepthMap::new(-2.0 / r0, -1.5, texel, r0, 400, 300);
        for j in 100..200 {
            for i in 50..250 {
                map.raise(i, j, 0.3);
            }
        }
        for i in 270..380 {
            for j in 40..61 {
                let y = (j as f64 - 50.0) * texel;
                map.raise(i, j, (0.1f64.powi(2) - y * y).max(0.0).sqrt() as f32);
            }
        }
        (egg, map)
    }

    /// Volume removed per the map: each texel's depth over its area on the parallel,
    /// with the shell's curvature taken into account (the layer under area dA shrinks
    /// as 1 − (k1 + k2)·t + k1·k2·t²).
    fn removed_volume(surface: &dyn Surface, map: &DepthMap) -> f64 {
        let (w, h) = map.dims();
        let mut v = 0.0;
        for j in 0..h {
            let s = map.coord_of(0, j).s;
            let area = map.texel() * map.texel_theta() * surface.parallel_radius(s);
            let (k1, k2) = surface.principal_curvatures(s);
            for i in 0..w {
                let d = f64::from(map.depth_at_texel(i, j));
                v += area * (d - 0.5 * (k1 + k2) * d * d + k1 * k2 * d * d * d / 3.0);
            }
        }
        v
    }

    #[test]
    fn the_mesh_is_closed_and_its_volume_is_the_shell_minus_the_cut() {
        let (egg, map) = engraved();
        let opts = MeshOptions::default();
        let mesh = shell_mesh(&egg, &map, &opts).unwrap();
        assert_eq!(mesh.edge_defects(), 0);
        assert!(mesh.refined_cells > 0);
        assert!((mesh.fine_texel - 0.02).abs() < 1e-12);
        let plain = build(&egg, &map, &opts, false).unwrap();
        assert_eq!(plain.triangles, mesh.triangles);
        // The undisplaced mesh is inscribed in the spheroid: 1° × 0.5 mm chords lose
        // about 1e-4 of the volume.
        let shell = 4.0 / 3.0 * std::f64::consts::PI * 28.5 * 21.5 * 21.5;
        let rel = (plain.volume() - shell) / shell;
        assert!(rel < 0.0 && rel > -2e-4, "{rel:e}");
        // The cut, measured on the same vertices, against the map's own integral.
        let removed = plain.volume() - mesh.volume();
        let expected = removed_volume(&egg, &map);
        assert!(
            (removed - expected).abs() < 0.01 * expected,
            "{removed} vs {expected}"
        );
        // A map with nothing cut gives the coarse mesh only.
        let empty = DepthMap::new(0.0, 0.0, 0.01, 21.5, 0, 0);
        let coarse = shell_mesh(&egg, &empty, &opts).unwrap();
        assert_eq!(coarse.edge_defects(), 0);
        assert_eq!(coarse.refined_cells, 0);
        assert!(coarse.triangles.len() < mesh.triangles.len());
    }

    #[test]
    fn stl_and_ply_files_read_back() {
        let (egg, map) = engraved();
        let mesh = shell_mesh(&egg, &map, &MeshOptions::default().with_texel(0.05)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let n = mesh.triangles.len();

        let stl = dir.path().join("shell.stl");
        save_mesh_atomic(&mesh, &stl, MeshFormat::from_path(&stl).unwrap()).unwrap();
        let bytes = std::fs::read(&stl).unwrap();
        assert_eq!(bytes.len(), 84 + 50 * n);
        let count = u32::from_le_bytes(bytes[80..84].try_into().unwrap()) as usize;
        assert_eq!(count, n);
        // Triangle 0 as stored: its first vertex is the mesh's.
        let f = |o: usize| f32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
        let v0 = mesh.vertices[mesh.triangles[0][0] as usize];
        assert!((f64::from(f(84 + 12)) - v0[0]).abs() < 1e-5);
        // The volume from the file's own triangles.
        let mut vol = 0.0;
        for t in 0..n {
            let o = 84 + 50 * t + 12;
            let p: Vec<nalgebra::Vector3<f64>> = (0..3)
                .map(|k| {
                    let b = o + 12 * k;
                    nalgebra::Vector3::new(
                        f64::from(f(b)),
                        f64::from(f(b + 4)),
                        f64::from(f(b + 8)),
                    )
                })
                .collect();
            vol += p[0].dot(&p[1].cross(&p[2])) / 6.0;
        }
        assert!((vol - mesh.volume()).abs() < 1e-3 * mesh.volume() * 1e-3);

        for (name, format) in [
            ("shell.ply", MeshFormat::PlyBinary),
            ("ascii.ply", MeshFormat::PlyAscii),
        ] {
            let path = dir.path().join(name);
            save_mesh_atomic(&mesh, &path, format).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let end = bytes
                .windows(11)
                .position(|w| w == b"end_header\n")
                .unwrap()
                + 11;
            let header = std::str::from_utf8(&bytes[..end]).unwrap();
            let get = |key: &str| -> usize {
                header
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap()
            };
            let (nv, nf) = (get("element vertex"), get("element face"));
            assert_eq!((nv, nf), (mesh.vertices.len(), n));
            let body = &bytes[end..];
            let faces: Vec<[u32; 3]> = if format == MeshFormat::PlyAscii {
                assert!(header.contains("format ascii 1.0"));
                let text = std::str::from_utf8(body).unwrap();
                text.lines()
                    .skip(nv)
                    .map(|l| {
                        let v: Vec<u32> = l.split(' ').map(|x| x.parse().unwrap()).collect();
                        assert_eq!(v[0], 3);
                        [v[1], v[2], v[3]]
                    })
                    .collect()
            } else {
                assert!(header.contains("format binary_little_endian 1.0"));
                assert_eq!(body.len(), 12 * nv + 13 * nf);
                body[12 * nv..]
                    .chunks_exact(13)
                    .map(|c| {
                        assert_eq!(c[0], 3);
                        let i = |k: usize| {
                            u32::from_le_bytes(c[1 + 4 * k..5 + 4 * k].try_into().unwrap())
                        };
                        [i(0), i(1), i(2)]
                    })
                    .collect()
            };
            assert_eq!(faces, mesh.triangles);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
        assert!(matches!(
            MeshFormat::from_path(Path::new("x.obj")),
            Err(RenderError::UnknownFormat { .. })
        ));
        assert!(MeshFormat::from_path(Path::new("X.STL")).is_ok());
    }

    #[test]
    fn bad_options_and_huge_meshes_are_errors() {
        let (egg, map) = engraved();
        let bad = MeshOptions::default().with_texel(f64::NAN);
        assert!(matches!(
            shell_mesh(&egg, &map, &bad),
            Err(RenderError::InvalidOption { .. })
        ));
        let small = MeshOptions::default().with_max_triangles(1000);
        assert!(matches!(
            shell_mesh(&egg, &map, &small),
            Err(RenderError::MeshTooLarge { .. })
        ));
    }

    #[test]
    fn a_cut_wrapping_all_around_and_near_a_pole_stays_closed() {
        let egg = Spheroid::new(57.0, 43.0).unwrap();
        let r0 = 21.5;
        let texel = 0.05;
        let w = (TAU * r0 / texel) as usize;
        let mut map = DepthMap::new(-3.0, 20.0, texel, r0, w, 200);
        for i in 0..w {
            map.raise(i, 10, 0.2);
            map.raise(i, 190, 0.2);
        }
        let mesh = shell_mesh(
            &egg,
            &map,
            &MeshOptions::default()
                .with_texel(0.05)
                .with_coarse(0.1, 1.0),
        )
        .unwrap();
        assert_eq!(mesh.edge_defects(), 0);
        assert!(mesh.volume() > 0.0);
    }
}
