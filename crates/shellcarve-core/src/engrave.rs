//! From strokes in the text plane to a toolpath on the shell.
//!
//! A [`SurfaceMap`] puts the text plane onto the surface (by default the arc-length
//! map of DESIGN.md, θ = θc + x / R0 and s = y, with x measured from the middle of the
//! line, so the line is centred at longitude θc with its baseline on the parallel of
//! maximum breadth; see [`EngraveOptions::baseline`] and [`EngraveOptions::map`]). The tool tip
//! sits `depth` below the surface along the outward normal and the tool axis is that
//! normal. Cut segments are subdivided until the straight tip chord stays within
//! `chord_tol` of the mapped curve, so the depth stays inside its window.

use crate::error::{check_range, CoreError, Result};
use crate::map::{Baseline, MapKind, SurfaceMap};
use crate::math::{Point2, Point3};
use crate::strategy::Stroke;
use crate::surface::{Surface, SurfaceCoord};
use crate::toolpath::{Move, MoveKind, Pose, Toolpath};

/// Default engraving depth along the normal (mm).
pub const DEFAULT_DEPTH: f64 = 0.35;
/// Default half-width of the depth window (mm): the cut must stay within depth ± this.
pub const DEFAULT_DEPTH_TOL: f64 = 0.05;
/// Default clearance above the surface for rapids (mm).
pub const DEFAULT_CLEARANCE: f64 = 2.0;
/// Default largest distance between a straight tip chord and the mapped path (mm).
pub const DEFAULT_CHORD_TOL: f64 = 0.002;
/// Default cutting feed (mm/min): 18,000 rpm × 2 flutes × 0.005 mm chip load.
pub const DEFAULT_FEED: f64 = 180.0;
/// Default height above the surface where the plunge at the plunge feed begins (mm).
pub const DEFAULT_APPROACH: f64 = 0.2;
/// Default feed from the clearance height down to the approach height (mm/min).
pub const DEFAULT_APPROACH_FEED: f64 = 1000.0;

/// Options for [`engrave_strokes`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EngraveOptions {
    /// Depth of the tool tip below the surface along the normal (mm). Default
    /// [`DEFAULT_DEPTH`].
    pub depth: f64,
    /// Height above the surface, along the normal, of every rapid (mm). Default
    /// [`DEFAULT_CLEARANCE`].
    pub clearance: f64,
    /// Chord tolerance of cut segments (mm). Default [`DEFAULT_CHORD_TOL`].
    pub chord_tol: f64,
    /// Cutting feed (mm/min). Default [`DEFAULT_FEED`].
    pub feed: f64,
    /// Plunge feed as a fraction of the cutting feed. Default 0.5.
    pub plunge_fraction: f64,
    /// Height above the surface (mm) to which the tool feeds quickly before plunging
    /// and to which it retracts at the feed before the rapid up. Default
    /// [`DEFAULT_APPROACH`].
    pub approach: f64,
    /// Feed from the clearance height to the approach height (mm/min); never a rapid
    /// toward the shell. Default [`DEFAULT_APPROACH_FEED`].
    pub approach_feed: f64,
    /// Longitude of the middle of the line (radians). Default 0.
    pub theta_center: f64,
    /// The parallel that carries the baseline. Default [`Baseline::MaxBreadth`].
    pub baseline: Baseline,
    /// The map from the text plane to the surface. Default [`MapKind::ArcLength`].
    pub map: MapKind,
    /// Which way the text runs: along the baseline parallel (default) or along the
    /// meridian at `theta_center`, centred on the baseline parallel.
    pub direction: crate::TextDirection,
}

impl Default for EngraveOptions {
    fn default() -> Self {
        Self {
            depth: DEFAULT_DEPTH,
            clearance: DEFAULT_CLEARANCE,
            chord_tol: DEFAULT_CHORD_TOL,
            feed: DEFAULT_FEED,
            plunge_fraction: 0.5,
            approach: DEFAULT_APPROACH,
            approach_feed: DEFAULT_APPROACH_FEED,
            theta_center: 0.0,
            baseline: Baseline::MaxBreadth,
            map: MapKind::ArcLength,
            direction: crate::TextDirection::Parallel,
        }
    }
}

impl EngraveOptions {
    /// Sets the depth (mm).
    pub fn with_depth(mut self, depth: f64) -> Self {
        self.depth = depth;
        self
    }

    /// Sets the feed (mm/min).
    pub fn with_feed(mut self, feed: f64) -> Self {
        self.feed = feed;
        self
    }

    /// Sets the clearance (mm).
    pub fn with_clearance(mut self, clearance: f64) -> Self {
        self.clearance = clearance;
        self
    }

    /// Sets the chord tolerance (mm).
    pub fn with_chord_tol(mut self, tol: f64) -> Self {
        self.chord_tol = tol;
        self
    }

    /// Sets the longitude of the middle of the line (radians).
    pub fn with_theta_center(mut self, theta: f64) -> Self {
        self.theta_center = theta;
        self
    }

    /// Sets the parallel that carries the baseline.
    pub fn with_baseline(mut self, baseline: Baseline) -> Self {
        self.baseline = baseline;
        self
    }

    /// Sets the map from the text plane to the surface.
    pub fn with_map(mut self, map: MapKind) -> Self {
        self.map = map;
        self
    }

    /// Sets which way the text runs.
    pub fn with_direction(mut self, direction: crate::TextDirection) -> Self {
        self.direction = direction;
        self
    }

    fn validate(&self) -> Result<()> {
        check_range("--depth (mm)", self.depth, 0.001, 5.0)?;
        check_range("--clearance (mm)", self.clearance, 0.1, 50.0)?;
        check_range("chord tolerance (mm)", self.chord_tol, 1e-5, 0.1)?;
        check_range("--feed (mm/min)", self.feed, 1.0, 20000.0)?;
        check_range("plunge feed fraction", self.plunge_fraction, 0.01, 1.0)?;
        check_range("--lon (radians)", self.theta_center, -10.0, 10.0)?;
        check_range("approach height (mm)", self.approach, 0.0, self.clearance)?;
        check_range("approach feed (mm/min)", self.approach_feed, 1.0, 100_000.0)?;
        Ok(())
    }
}

/// Builds the toolpath for strokes already centred on x = 0 (text-plane mm).
///
/// Each stroke: rapid to the clearance point above its start, feed down the normal to
/// the approach height, plunge at the plunge feed, cut, retract at the feed to the
/// approach height, rapid up to the clearance height. Nothing moves toward the shell at
/// rapid rate. Rapids between strokes are split into hops along the
/// surface (at the clearance height) so no straight rapid dips below half the
/// clearance.
pub fn engrave_strokes(
    surface: &dyn Surface,
    strokes: &[Stroke],
    options: &EngraveOptions,
) -> Result<Toolpath> {
    options.validate()?;
    let map = SurfaceMap::from_options(surface, options)?;
    let mut path = Toolpath::new();
    let mut last_clear: Option<SurfaceCoord> = None;
    for stroke in strokes {
        let mut pts: Vec<Point2> = stroke.points.clone();
        let mut depths: Vec<f64> = match &stroke.depths {
            None => vec![options.depth; pts.len()],
            Some(d) if d.len() == pts.len() => d.clone(),
            Some(d) => {
                return Err(CoreError::InvalidParameter {
                    name: format!("depths of stroke {}", stroke.label),
                    value: d.len() as f64,
                    expected: format!("one depth per point ({})", pts.len()),
                })
            }
        };
        if let Some(bad) = depths
            .iter()
            .find(|d| !(d.is_finite() && (0.0..=5.0).contains(*d)))
        {
            return Err(CoreError::InvalidParameter {
                name: format!("depth of stroke {}", stroke.label),
                value: *bad,
                expected: "a depth from 0 to 5 mm".into(),
            });
        }
        if stroke.closed {
            if let (Some(first), Some(d)) = (pts.first().copied(), depths.first().copied()) {
                pts.push(first);
                depths.push(d);
            }
        }
        let Some(first) = pts.first() else { continue };
        if pts.iter().any(|p| !(p.x.is_finite() && p.y.is_finite())) {
            return Err(CoreError::InvalidParameter {
                name: format!("stroke {}", stroke.label),
                value: f64::NAN,
                expected: "finite coordinates".into(),
            });
        }
        let start = map.map(first);
        // Rapid hops from the last retract point to above the stroke's start.
        match last_clear {
            Some(from) => rapid_hops(surface, from, start, options.clearance, &mut path),
            None => path.moves.push(Move::new(
                MoveKind::Rapid,
                offset_pose(surface, start, options.clearance),
                0.0,
            )),
        }
        let mut approach = Move::new(
            MoveKind::Plunge,
            offset_pose(surface, start, options.approach),
            options.approach_feed,
        );
        approach.label = Some(stroke.label.clone());
        path.moves.push(approach);
        path.moves.push(Move::new(
            MoveKind::Plunge,
            offset_pose(surface, start, -depths[0]),
            options.feed * options.plunge_fraction,
        ));
        let mut prev = (*first, start, depths[0]);
        for (p, &d) in pts.iter().zip(&depths).skip(1) {
            let next = (*p, map.map(p), d);
            subdivide_cut(surface, &map, prev, next, options, 0, &mut path);
            prev = next;
        }
        path.moves.push(Move::new(
            MoveKind::Retract,
            offset_pose(surface, prev.1, options.approach),
            options.feed,
        ));
        path.moves.push(Move::new(
            MoveKind::Rapid,
            offset_pose(surface, prev.1, options.clearance),
            0.0,
        ));
        last_clear = Some(prev.1);
    }
    Ok(path)
}

/// The pose whose tip is `offset` above (positive) or below (negative) the surface
/// point at `c`, along the normal, with the tool axis on the normal.
pub fn offset_pose(surface: &dyn Surface, c: SurfaceCoord, offset: f64) -> Pose {
    let (p, n) = surface.point_normal(c);
    Pose::new(p + n.into_inner() * offset, n)
}

fn lerp(a: SurfaceCoord, b: SurfaceCoord, t: f64) -> SurfaceCoord {
    SurfaceCoord::new(a.theta + (b.theta - a.theta) * t, a.s + (b.s - a.s) * t)
}

/// A text-plane point, its surface coordinate and the tip's depth below the surface.
type DepthPoint = (Point2, SurfaceCoord, f64);

/// Cuts from `a` to `b`, halving the segment in the text plane (and mapping each
/// midpoint, so the path follows the map whatever its shape) until the straight tip
/// chord stays within the chord tolerance of the mapped curve.
fn subdivide_cut(
    surface: &dyn Surface,
    map: &SurfaceMap,
    a: DepthPoint,
    b: DepthPoint,
    options: &EngraveOptions,
    level: u32,
    path: &mut Toolpath,
) {
    let text = Point2::from((a.0.coords + b.0.coords) / 2.0);
    let m = (text, map.map(&text), 0.5 * (a.2 + b.2));
    let pa = offset_pose(surface, a.1, -a.2).tip;
    let pb = offset_pose(surface, b.1, -b.2).tip;
    let mid = offset_pose(surface, m.1, -m.2).tip;
    let chord_mid = Point3::from((pa.coords + pb.coords) / 2.0);
    if level < 24 && (mid - chord_mid).norm() > options.chord_tol {
        subdivide_cut(surface, map, a, m, options, level + 1, path);
        subdivide_cut(surface, map, m, b, options, level + 1, path);
    } else {
        path.moves.push(Move::new(
            MoveKind::Cut,
            offset_pose(surface, b.1, -b.2),
            options.feed,
        ));
    }
}

fn rapid_hops(
    surface: &dyn Surface,
    from: SurfaceCoord,
    to: SurfaceCoord,
    clearance: f64,
    path: &mut Toolpath,
) {
    // Split the transit until every straight hop between clearance points keeps at
    // least half the clearance above the surface.
    let mut stack = vec![(from, to, 0u32)];
    let mut out = Vec::new();
    while let Some((a, b, level)) = stack.pop() {
        let pa = offset_pose(surface, a, clearance).tip;
        let pb = offset_pose(surface, b, clearance).tip;
        let safe = (1..8).all(|k| {
            let t = k as f64 / 8.0;
            let q = Point3::from(pa.coords * (1.0 - t) + pb.coords * t);
            surface.closest(&q).signed_distance >= 0.5 * clearance
        });
        if safe || level >= 16 {
            out.push(b);
        } else {
            let m = lerp(a, b, 0.5);
            // Depth-first, second half pushed first so hops come out in order.
            stack.push((m, b, level + 1));
            stack.push((a, m, level + 1));
        }
    }
    for c in out {
        path.moves.push(Move::new(
            MoveKind::Rapid,
            offset_pose(surface, c, clearance),
            0.0,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::Spheroid;

    fn stroke(points: Vec<Point2>) -> Stroke {
        Stroke::new(points, false, "test")
    }

    #[test]
    fn cut_points_sit_at_depth_and_chords_within_tolerance() {
        let egg = Spheroid::new(57.0, 43.0).unwrap();
        let o = EngraveOptions::default();
        let s = stroke(vec![Point2::new(-10.0, -1.0), Point2::new(10.0, 2.0)]);
        let path = engrave_strokes(&egg, &[s], &o).unwrap();
        let mut prev: Option<Pose> = None;
        for m in &path.moves {
            let c = egg.closest(&m.pose.tip);
            let n = egg.normal(c.coord);
            match m.kind {
                MoveKind::Cut => {
                    assert!((c.signed_distance + o.depth).abs() < 1e-9);
                    assert!(n.dot(&m.pose.axis) > (0.01f64).to_radians().cos());
                }
                MoveKind::Plunge => {
                    let d = c.signed_distance;
                    assert!((d + o.depth).abs() < 1e-9 || (d - o.approach).abs() < 1e-9);
                }
                MoveKind::Retract => assert!((c.signed_distance - o.approach).abs() < 1e-9),
                MoveKind::Rapid => {
                    assert!((c.signed_distance - o.clearance).abs() < 1e-9)
                }
            }
            if let (Some(p), MoveKind::Cut) = (prev, m.kind) {
                let mid = egg.closest(&Point3::from((p.tip.coords + m.pose.tip.coords) / 2.0));
                assert!(mid.signed_distance < -o.depth + 1e-12);
                assert!(mid.signed_distance > -o.depth - o.chord_tol - 1e-6);
            }
            prev = Some(m.pose);
        }
        assert!(path.count(MoveKind::Cut) > 20);
    }

    #[test]
    fn long_rapids_hop_over_the_shell() {
        let egg = Spheroid::new(57.0, 43.0).unwrap();
        let o = EngraveOptions::default();
        let a = stroke(vec![Point2::new(-50.0, 0.0), Point2::new(-49.0, 0.0)]);
        let b = stroke(vec![Point2::new(50.0, 0.0), Point2::new(51.0, 0.0)]);
        let path = engrave_strokes(&egg, &[a, b], &o).unwrap();
        assert!(path.count(MoveKind::Rapid) > 3);
        for (from, m) in path.segments().filter(|(_, m)| m.kind == MoveKind::Rapid) {
            // The rapid up from the approach height starts there; hops start at the
            // clearance height and must keep half of it.
            let start = egg.closest(&from.tip).signed_distance;
            let floor = if start > o.clearance - 1e-9 {
                0.5 * o.clearance
            } else {
                o.approach
            };
            for k in 0..=20 {
                let t = k as f64 / 20.0;
                let q = Point3::from(from.tip.coords * (1.0 - t) + m.pose.tip.coords * t);
                assert!(egg.closest(&q).signed_distance >= floor - 1e-6);
            }
        }
    }

    #[test]
    fn nan_depth_is_rejected() {
        let egg = Spheroid::new(57.0, 43.0).unwrap();
        let o = EngraveOptions::default().with_depth(f64::NAN);
        assert!(engrave_strokes(&egg, &[], &o).is_err());
    }

    #[test]
    fn per_point_depths_are_followed_and_checked() {
        let egg = Spheroid::new(57.0, 43.0).unwrap();
        let o = EngraveOptions::default();
        let s =
            stroke(vec![Point2::new(0.0, 0.0), Point2::new(2.0, 0.0)]).with_depths(vec![0.1, 0.3]);
        let path = engrave_strokes(&egg, &[s], &o).unwrap();
        let mut last = 0.0;
        for m in path.moves.iter().filter(|m| m.kind == MoveKind::Cut) {
            let c = egg.closest(&m.pose.tip);
            let x = c.coord.theta * egg.baseline_radius();
            let want = 0.1 + 0.1 * x;
            assert!(
                (-c.signed_distance - want).abs() < 1e-3,
                "{x}: {}",
                c.signed_distance
            );
            last = -c.signed_distance;
        }
        assert!((last - 0.3).abs() < 1e-9);
        let bad = stroke(vec![Point2::new(0.0, 0.0), Point2::new(2.0, 0.0)]).with_depths(vec![0.1]);
        assert!(engrave_strokes(&egg, &[bad], &o).is_err());
    }
}
