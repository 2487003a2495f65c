//! Simulation tests against analytic references.

use std::f64::consts::PI;

use shellcarve_core::{
    Move, MoveKind, Pose, Spheroid, Surface, SurfaceCoord, Tool, Toolpath, UnitVector3, Vector3,
};

use crate::*;

mod analytic;

/// A groove along the equator from θ = a to θ = b at `depth`, sampled every `step` mm,
/// with a plunge at the start and a retract at the end.
fn equator_groove(surface: &dyn Surface, a: f64, b: f64, depth: f64, step: f64) -> Toolpath {
    let r = surface.baseline_radius();
    let n = (((b - a) * r / step).ceil() as usize).max(1);
    let mut path = Toolpath::new();
    let (p, nn) = surface.point_normal(SurfaceCoord::new(a, 0.0));
    path.moves.push(Move::new(
        MoveKind::Rapid,
        Pose::new(p + nn.into_inner() * 2.0, nn),
        0.0,
    ));
    for k in 0..=n {
        let c = SurfaceCoord::new(a + (b - a) * k as f64 / n as f64, 0.0);
        let (p, nn) = surface.point_normal(c);
        let kind = if k == 0 {
            MoveKind::Plunge
        } else {
            MoveKind::Cut
        };
        path.moves.push(Move::new(
            kind,
            Pose::new(p - nn.into_inner() * depth, nn),
            300.0,
        ));
    }
    let (p, nn) = surface.point_normal(SurfaceCoord::new(b, 0.0));
    path.moves.push(Move::new(
        MoveKind::Retract,
        Pose::new(p + nn.into_inner() * 2.0, nn),
        300.0,
    ));
    path
}

/// Groove width at the surface, measured along s at θ = `theta` (texels with depth > 0).
fn width_along_s(map: &DepthMap, theta: f64) -> f64 {
    let (w, h) = map.dims();
    let i = ((theta - map.coord_of(0, 0).theta) / map.texel_theta()).round() as usize;
    assert!(i < w);
    let cut = (0..h).filter(|&j| map.depth_at_texel(i, j) > 0.0).count();
    cut as f64 * map.texel()
}

#[test]
fn ball_groove_depth_and_width_on_a_sphere() {
    let sphere = Spheroid::sphere(40.0).unwrap();
    let tool = Tool::parse("ball:0.4").unwrap();
    let d = 0.1;
    let path = equator_groove(&sphere, -0.05, 0.05, d, 0.2);
    let opts = SimOptions::default().with_texel(0.005).with_margin(0.1);
    let map = simulate(&sphere, &tool, &path, &opts).unwrap();
    // Centreline: the texel row at s = 0 holds the depth; chords between samples dip
    // ℓ²/(8ρ) = 0.25 µm at most.
    let stats = depth_along_cuts(&map, &sphere, &path);
    assert!(stats.samples > 100);
    assert!(
        (stats.min - d).abs() < 0.5e-3 && (stats.max - d).abs() < 0.5e-3,
        "{stats:?}"
    );
    assert!(stats.max_deviation < 0.5e-3, "{stats:?}");
    // Width: on a sphere of radius ρ the ball (radius r) centred at ρ − d + r from the
    // centre meets the sphere on a circle of angular radius β.
    let (rho, r) = (20.0f64, 0.2f64);
    let c = rho - d + r;
    let cos_b = (c * c + rho * rho - r * r) / (2.0 * c * rho);
    let analytic = 2.0 * rho * cos_b.acos();
    let measured = width_along_s(&map, 0.0);
    assert!(
        (measured - analytic).abs() <= 2.0 * map.texel(),
        "{measured} vs {analytic}"
    );
    let flat_formula = 2.0 * (r * r - (r - d) * (r - d)).sqrt();
    assert!((analytic - flat_formula).abs() < 0.01);
}

#[test]
fn v_groove_width_follows_the_design_formula() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let tool = Tool::parse("v:30:0.05").unwrap();
    let d = 0.35;
    let path = equator_groove(&egg, -0.02, 0.02, d, 0.1);
    let opts = SimOptions::default().with_texel(0.005).with_margin(0.1);
    let map = simulate(&egg, &tool, &path, &opts).unwrap();
    let stats = depth_along_cuts(&map, &egg, &path);
    assert!(stats.max_deviation < 0.5e-3, "{stats:?}");
    let expected = 0.05 + 2.0 * d * 15f64.to_radians().tan();
    let measured = width_along_s(&map, 0.0);
    // The flank reaches the curved surface slightly outside the tangent-plane width.
    assert!(
        (measured - expected).abs() <= 2.0 * map.texel(),
        "{measured} vs {expected}"
    );
}

#[test]
fn plunge_gives_the_right_depth_and_the_first_move_does_not_cut() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let tool = Tool::parse("v:60:0").unwrap();
    let c = SurfaceCoord::new(0.3, 1.0);
    let (p, n) = egg.point_normal(c);
    let nv = n.into_inner();
    let mut path = Toolpath::new();
    // The first move's pose is deep in the shell but its start is unknown: no cut.
    path.moves
        .push(Move::new(MoveKind::Rapid, Pose::new(p - nv * 0.2, n), 0.0));
    path.moves.push(Move::new(
        MoveKind::Retract,
        Pose::new(p + nv * 1.0, n),
        0.0,
    ));
    path.moves.push(Move::new(
        MoveKind::Plunge,
        Pose::new(p - nv * 0.3, n),
        100.0,
    ));
    path.moves.push(Move::new(
        MoveKind::Retract,
        Pose::new(p + nv * 1.0, n),
        100.0,
    ));
    let map = simulate(&egg, &tool, &path, &SimOptions::default().with_texel(0.005)).unwrap();
    let (i, j, deepest) = map.deepest().unwrap();
    // The sharp tip is on a texel centre here (θ·R0 and s are whole texels).
    assert!((f64::from(deepest) - 0.3).abs() < 1e-5, "{deepest}");
    let at = map.coord_of(i, j);
    assert!((at.theta - c.theta).abs() * 21.5 < 0.01 && (at.s - c.s).abs() < 0.01);
    // Crater radius at the surface: tan 30° · 0.3.
    let expect = 0.3 * 30f64.to_radians().tan();
    let area = map.count_above(0.0) as f64 * map.texel() * map.texel();
    let radius = (area / PI).sqrt();
    assert!((radius - expect).abs() < 0.01, "{radius} vs {expect}");
}

#[test]
fn moves_far_above_cut_nothing() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let tool = Tool::parse("v:30:0.05").unwrap();
    let mut path = equator_groove(&egg, -0.3, 0.3, -15.0, 0.5);
    // A sideways rapid 20 mm off, with the tool pointing away from the egg.
    let axis = UnitVector3::new_normalize(Vector3::x());
    path.moves.push(Move::new(
        MoveKind::Rapid,
        Pose::new([40.0, -10.0, 0.0].into(), axis),
        0.0,
    ));
    path.moves.push(Move::new(
        MoveKind::Rapid,
        Pose::new([40.0, 10.0, 5.0].into(), axis),
        0.0,
    ));
    let map = simulate(&egg, &tool, &path, &SimOptions::default()).unwrap();
    assert_eq!(map.dims(), (0, 0));
    assert_eq!(map.max_depth(), 0.0);
    assert!(breakthrough(&map, 0.35, 0.05).passes);
}

#[test]
fn same_bytes_at_any_thread_count() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let tool = Tool::parse("v:30:0.05").unwrap();
    let mut path = equator_groove(&egg, -0.1, 0.1, 0.3, 0.3);
    // A diagonal groove crossing it, with a tilted axis.
    for k in 0..=20 {
        let c = SurfaceCoord::new(-0.05 + 0.005 * k as f64, -1.0 + 0.1 * k as f64);
        let (p, n) = egg.point_normal(c);
        let tilt = UnitVector3::new_normalize(n.into_inner() + Vector3::z() * 0.2);
        path.moves.push(Move::new(
            MoveKind::Cut,
            Pose::new(p - n.into_inner() * 0.2, tilt),
            300.0,
        ));
    }
    let one = simulate(
        &egg,
        &tool,
        &path,
        &SimOptions::default().with_threads(Some(1)),
    )
    .unwrap();
    let two = simulate(
        &egg,
        &tool,
        &path,
        &SimOptions::default().with_threads(Some(2)),
    )
    .unwrap();
    assert_eq!(one.dims(), two.dims());
    let (w, h) = one.dims();
    let mut nonzero = 0;
    for j in 0..h {
        for i in 0..w {
            let (a, b) = (one.depth_at_texel(i, j), two.depth_at_texel(i, j));
            assert_eq!(a.to_bits(), b.to_bits());
            nonzero += usize::from(a > 0.0);
        }
    }
    assert!(nonzero > 1000);
}

#[test]
fn rapid_check_flags_a_rapid_through_the_egg_only() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let z = UnitVector3::new_normalize(Vector3::z());
    let mut path = Toolpath::new();
    path.moves.push(Move::new(
        MoveKind::Rapid,
        Pose::new([-30.0, 0.0, 40.0].into(), z),
        0.0,
    ));
    path.moves.push(Move::new(
        MoveKind::Rapid,
        Pose::new([30.0, 0.0, 40.0].into(), z),
        0.0,
    ));
    let mut through = Move::new(MoveKind::Rapid, Pose::new([-30.0, 0.0, 0.0].into(), z), 0.0);
    through.line = Some(42);
    path.moves.push(through);
    let findings = check_rapids(&egg, &path, 1.0);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].move_index, 2);
    assert_eq!(findings[0].line, Some(42));
    assert!(findings[0].inside && findings[0].clearance < -3.0);
}

#[test]
fn a_move_across_the_seam_does_not_panic() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let tool = Tool::parse("ball:0.4").unwrap();
    let path = equator_groove(&egg, PI - 0.02, PI + 0.02, 0.2, 0.2);
    let map = simulate(&egg, &tool, &path, &SimOptions::default().with_texel(0.02)).unwrap();
    let (w, _) = map.dims();
    // One contiguous grid across the seam: the groove (0.86 mm), the tool and the
    // margins, not a whole turn (6750 texels).
    assert!(w < 150, "{w} texels wide");
    assert!(map.max_depth() > 0.19);
    assert!(map.sample(SurfaceCoord::new(PI, 0.0)) > 0.19);
    assert!(map.sample(SurfaceCoord::new(-PI + 0.01, 0.0)) > 0.19);
}

#[test]
fn bad_input_is_an_error() {
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let tool = Tool::parse("ball:0.4").unwrap();
    let mut path = equator_groove(&egg, 0.0, 0.01, 0.1, 0.1);
    assert!(simulate(
        &egg,
        &tool,
        &path,
        &SimOptions::default().with_texel(f64::NAN)
    )
    .is_err());
    path.moves[1].pose.tip.x = f64::INFINITY;
    assert!(matches!(
        simulate(&egg, &tool, &path, &SimOptions::default()),
        Err(SimError::BadPose { index: 1, .. })
    ));
}

#[test]
fn progress_counts_every_tile_up_to_the_total() {
    use std::sync::{Arc, Mutex};
    let egg = Spheroid::new(57.0, 43.0).unwrap();
    let tool = Tool::parse("ball:0.2").unwrap();
    let path = equator_groove(&egg, -0.1, 0.1, 0.3, 0.3);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let progress = Progress::new(move |done, total| sink.lock().unwrap().push((done, total)));
    let opts = SimOptions::default().with_progress(Some(progress.clone()));
    assert_eq!(opts, opts.clone());
    assert_ne!(
        opts,
        SimOptions::default().with_progress(Some(Progress::new(|_, _| {})))
    );
    let with = simulate(&egg, &tool, &path, &opts).unwrap();
    let seen = seen.lock().unwrap().clone();
    let total = seen[0].1;
    assert!(total > 0 && seen[0].0 == 0, "{seen:?}");
    assert_eq!(seen.len(), total + 1);
    assert!(seen.iter().any(|&(d, t)| d == total && t == total));
    // The callback changes nothing in the result.
    let without = simulate(&egg, &tool, &path, &SimOptions::default()).unwrap();
    assert_eq!(with.info(), without.info());
    assert_eq!(format!("{progress:?}"), "Progress(..)");
}

#[test]
fn intended_texels_follow_the_intervals() {
    let mut map = DepthMap::new(-0.01, 0.0, 0.01, 10.0, 21, 3);
    map.raise(0, 0, 0.1);
    let flags = intended_texels(&map, &|s: f64| {
        if s < 0.015 {
            vec![(-0.0005, 0.0005)]
        } else {
            vec![]
        }
    });
    assert_eq!(flags.len(), 63);
    // Row 0 and 1 (s = 0, 0.01): θ within ±0.0005 rad is texel 10 only.
    let set: Vec<usize> = (0..63).filter(|&k| flags[k]).collect();
    assert_eq!(set, vec![10, 31]);
}
