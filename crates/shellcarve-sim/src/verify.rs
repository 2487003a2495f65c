//! Verification of a simulated cut: depth along the cuts, rapids through the shell,
//! breakthrough against a shell thickness.

use rayon::prelude::*;
use serde::Serialize;
use shellcarve_core::{MoveKind, Surface, Toolpath};

use crate::DepthMap;

/// Spacing of the samples along rapid tip paths (mm).
pub const RAPID_SAMPLE_STEP: f64 = 0.1;

/// Depth statistics measured on the map along the cut tip paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DepthStats {
    /// Shallowest depth found (mm).
    pub min: f64,
    /// Deepest depth found (mm).
    pub max: f64,
    /// Mean depth (mm).
    pub mean: f64,
    /// Largest difference between the map and the tip's own depth below the surface
    /// at the same place (mm): how far the simulated groove floor is from the
    /// commanded one.
    pub max_deviation: f64,
    /// Number of samples.
    pub samples: usize,
}

/// Measures the cut depth along the tip paths of the Cut moves: the centrelines of the
/// grooves, sampled every texel. Each sample projects the tip onto the surface and
/// takes the larger of the map there (bilinear) and the tip's own depth below the
/// surface (the removal rule cuts at least that deep where the tip passes; the grid
/// cannot resolve a sharp V-bit's crease). `max_deviation` compares the map alone with
/// the tip's depth. No sample is skipped near plunges: the plunge cuts the path's ends to the
/// same depth. Samples off the map are ignored. All fields are 0 without samples.
pub fn depth_along_cuts(map: &DepthMap, surface: &dyn Surface, motion: &Toolpath) -> DepthStats {
    let step = map.texel().max(1e-4);
    let segments: Vec<_> = motion
        .segments()
        .filter(|(_, m)| m.kind == MoveKind::Cut)
        .collect();
    // Per move `(min, max, sum, deviation, samples)`, in parallel; summed in move
    // order so that the result does not depend on the thread count.
    let parts: Vec<(f64, f64, f64, f64, usize)> = segments
        .par_iter()
        .map(|(from, m)| {
            let (mut min, mut max, mut sum, mut dev, mut n) =
                (f64::INFINITY, 0.0f64, 0.0, 0.0f64, 0usize);
            let d = m.pose.tip - from.tip;
            let len = d.norm();
            if !len.is_finite() {
                return (min, max, sum, dev, n);
            }
            let count = ((len / step).ceil() as usize).clamp(1, 1_000_000);
            for k in 0..=count {
                let p = from.tip + d * (k as f64 / count as f64);
                let cl = surface.closest(&p);
                if !map.contains(cl.coord) {
                    continue;
                }
                // The tip lies in the swept volume, so the removal rule cuts at least
                // the tip's own depth here; the grid alone cannot resolve a sharp
                // V-bit's crease (half a texel across a 20° V groove is 0.085 mm
                // shallower at 0.03 mm texels), so take the larger of the two.
                let on_map = f64::from(map.sample(cl.coord));
                let v = on_map.max(-cl.signed_distance);
                min = min.min(v);
                max = max.max(v);
                sum += v;
                dev = dev.max((on_map + cl.signed_distance).abs());
                n += 1;
            }
            (min, max, sum, dev, n)
        })
        .collect();
    let (mut min, mut max, mut sum, mut dev, mut n) = (f64::INFINITY, 0.0f64, 0.0, 0.0f64, 0usize);
    for (a, b, c, d, e) in parts {
        min = min.min(a);
        max = max.max(b);
        sum += c;
        dev = dev.max(d);
        n += e;
    }
    if n == 0 {
        return DepthStats {
            min: 0.0,
            max: 0.0,
            mean: 0.0,
            max_deviation: 0.0,
            samples: 0,
        };
    }
    DepthStats {
        min,
        max,
        mean: sum / n as f64,
        max_deviation: dev,
        samples: n,
    }
}

/// A rapid move whose tip comes too close to the shell, or goes into it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RapidFinding {
    /// Index of the move in the motion.
    pub move_index: usize,
    /// Its source line (G-code), when known.
    pub line: Option<usize>,
    /// Its label, when known.
    pub label: Option<String>,
    /// The tip position of least clearance (mm, workpiece frame).
    pub at: [f64; 3],
    /// Surface coordinate below that point: `(θ radians, s mm)`.
    pub coord: (f64, f64),
    /// Signed clearance of the tip there (mm; negative inside the shell).
    pub clearance: f64,
    /// True when the tip goes into the shell.
    pub inside: bool,
}

/// Finds rapid moves whose tip path, sampled every [`RAPID_SAMPLE_STEP`] mm, comes
/// closer than `min_clearance` mm to the surface (or goes inside it); one finding per
/// move, at its worst point. Only the tip path is checked, not the tool body.
pub fn check_rapids(
    surface: &dyn Surface,
    motion: &Toolpath,
    min_clearance: f64,
) -> Vec<RapidFinding> {
    let mut out = Vec::new();
    for (k, (from, m)) in motion.segments().enumerate() {
        if m.kind != MoveKind::Rapid {
            continue;
        }
        let d = m.pose.tip - from.tip;
        let len = d.norm();
        if !len.is_finite() {
            continue;
        }
        let count = ((len / RAPID_SAMPLE_STEP).ceil() as usize).clamp(1, 10_000_000);
        let mut worst: Option<(f64, shellcarve_core::Point3, shellcarve_core::SurfaceCoord)> = None;
        for i in 0..=count {
            let p = from.tip + d * (i as f64 / count as f64);
            let cl = surface.closest(&p);
            if worst.is_none_or(|w| cl.signed_distance < w.0) {
                worst = Some((cl.signed_distance, p, cl.coord));
            }
        }
        if let Some((c, p, coord)) = worst {
            if c < min_clearance {
                out.push(RapidFinding {
                    move_index: k + 1,
                    line: m.line,
                    label: m.label.clone(),
                    at: [p.x, p.y, p.z],
                    coord: (coord.theta, coord.s),
                    clearance: c,
                    inside: c < 0.0,
                });
            }
        }
    }
    out
}

/// The breakthrough verdict against a shell thickness.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Breakthrough {
    /// Deepest cut on the map (mm).
    pub deepest: f64,
    /// Where: `(θ radians, s mm)`, or `None` when nothing is cut.
    pub at: Option<(f64, f64)>,
    /// Shell thickness checked against (mm).
    pub shell_thickness: f64,
    /// Material left under the deepest cut (mm; negative: cut through).
    pub remaining: f64,
    /// Least material that must remain (mm).
    pub required_margin: f64,
    /// True when `remaining ≥ required_margin`.
    pub passes: bool,
}

/// Checks that at least `margin` mm of a shell `shell_thickness` mm thick stays under
/// the deepest cut of the map.
pub fn breakthrough(map: &DepthMap, shell_thickness: f64, margin: f64) -> Breakthrough {
    let deepest = map.deepest();
    let depth = deepest.map_or(0.0, |d| f64::from(d.2));
    let at = deepest.map(|(i, j, _)| {
        let c = map.coord_of(i, j);
        (c.theta, c.s)
    });
    let remaining = shell_thickness - depth;
    Breakthrough {
        deepest: depth,
        at,
        shell_thickness,
        remaining,
        required_margin: margin,
        passes: remaining >= margin,
    }
}
