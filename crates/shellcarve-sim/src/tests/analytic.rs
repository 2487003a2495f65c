//! Tilted tools, the tapered ball, turning axes and fill scallops against analytic
//! references.
//!
//! A straight move along ŷ at a fixed orientation, on the equator of a large sphere
//! (ρ = 450 mm), centred on θ = 0. The texels of the column θ = 0 have their normal
//! lines in the plane Π: y = 0, which the move crosses at its middle. The swept volume
//! meets Π in the projection of the tool along ŷ (the move is long enough to carry
//! every point of the tool that reaches the surface through Π). When the axis lies in
//! Π (a sideways tilt), that projection is the tool's silhouette: the region
//! `|w| ≤ ρ(h)`, `0 ≤ h ≤ L` in the frame (b, a), plus the ball's disc. Its deepest
//! point on each texel's normal line is found in closed form below (line against the
//! silhouette's edges and the circle), independently of the simulator's conic
//! enumeration in (u, t).

use shellcarve_core::{
    Move, MoveKind, Pose, Spheroid, Surface, Tool, Toolpath, UnitVector3, Vector3,
};

use crate::*;

/// Radius of the test sphere (mm).
const BIG_RHO: f64 = 450.0;
/// Half the length of the straight test move (mm).
const HALF_MOVE: f64 = 2.0;
/// The per-texel accuracy the issue asks of the simulated depth (mm).
const DEPTH_ACCURACY: f64 = 0.5e-3;

/// 2-D vectors in Π as (x, z).
type V2 = [f64; 2];

fn sub2(p: V2, q: V2) -> V2 {
    [p[0] - q[0], p[1] - q[1]]
}

fn dot2(p: V2, q: V2) -> f64 {
    p[0] * q[0] + p[1] * q[1]
}

/// The deepest `t` with `p − t·n` in the silhouette of `tool` (tip `tip`, unit axis
/// `a`, both in Π, modelled `length` mm long), or `None` when the line misses it.
fn silhouette_deepest(tool: &Tool, length: f64, tip: V2, a: V2, p: V2, n: V2) -> Option<f64> {
    let prof = tool.profile();
    let b = [a[1], -a[0]];
    let at = |w: f64, h: f64| [tip[0] + w * b[0] + h * a[0], tip[1] + w * b[1] + h * a[1]];
    let mut best: Option<f64> = None;
    let mut take = |t: f64| best = Some(best.map_or(t, |x: f64| x.max(t)));
    // The ball's disc: |p − t n − c|² = r².
    if let Some(r) = prof.ball_radius {
        let v = sub2(p, at(0.0, r));
        let (bb, cc) = (dot2(v, n), dot2(v, v) - r * r);
        let disc = bb * bb - cc;
        if disc >= 0.0 {
            take(bb + disc.sqrt());
        }
    }
    // The cone-and-shank polygon, corners in (w, h).
    let (h0, r0) = (prof.cone_start, prof.cone_start_radius);
    let h1 = if prof.cone_slope > 0.0 {
        (h0 + (prof.shank_radius - r0) / prof.cone_slope).min(length)
    } else {
        h0
    };
    let r1 = prof.radius_at(h1);
    let r_top = prof.radius_at(length);
    let corners = [
        at(-r0, h0),
        at(r0, h0),
        at(r1, h1),
        at(r_top, length),
        at(-r_top, length),
        at(-r1, h1),
    ];
    for k in 0..corners.len() {
        let (q0, q1) = (corners[k], corners[(k + 1) % corners.len()]);
        let e = sub2(q1, q0);
        // p − t n = q0 + s e.
        let det = n[0] * e[1] - n[1] * e[0];
        if det.abs() < 1e-15 {
            continue;
        }
        let g = sub2(p, q0);
        let t = (g[0] * e[1] - g[1] * e[0]) / det;
        let s = (n[0] * g[1] - n[1] * g[0]) / det;
        if (-1e-12..=1.0 + 1e-12).contains(&s) {
            take(t);
        }
    }
    best
}

/// A single straight move on the big sphere's equator along ŷ, its middle tip at
/// `tip_x` on the x axis, with the fixed unit axis `axis`.
fn straight_move(tip_x: f64, axis: Vector3) -> Toolpath {
    let axis = UnitVector3::new_normalize(axis);
    let mut path = Toolpath::new();
    for y in [-HALF_MOVE, HALF_MOVE] {
        path.moves.push(Move::new(
            MoveKind::Cut,
            Pose::new([tip_x, y, 0.0].into(), axis),
            300.0,
        ));
    }
    path
}

/// The texel column at θ = 0: for each texel, its s, point and normal in Π, and the
/// simulated depth.
fn column_at_theta_zero(map: &DepthMap, surface: &dyn Surface) -> Vec<(f64, V2, V2, f64)> {
    let (w, h) = map.dims();
    let i0 = (-map.coord_of(0, 0).theta / map.texel_theta()).round() as usize;
    assert!(i0 < w && map.coord_of(i0, 0).theta.abs() < 1e-9);
    (0..h)
        .map(|j| {
            let c = map.coord_of(i0, j);
            let (p, n) = surface.point_normal(c);
            assert!(p.y.abs() < 1e-9);
            (
                c.s,
                [p.x, p.z],
                [n.x, n.z],
                f64::from(map.depth_at_texel(i0, j)),
            )
        })
        .collect()
}

/// Simulates the straight move of `tool` with its middle tip `depth` below the surface
/// on the x axis and its axis tilted `tilt` from the normal toward +z, compares every
/// texel of the column θ = 0 with the silhouette cross-section, and returns the
/// column and the largest difference (mm).
fn tilted_groove(tool: &str, depth: f64, tilt_deg: f64) -> (Vec<(f64, f64)>, f64) {
    let sphere = Spheroid::sphere(2.0 * BIG_RHO).unwrap();
    let tool = Tool::parse(tool).unwrap();
    let tilt = tilt_deg.to_radians();
    let a = Vector3::new(tilt.cos(), 0.0, tilt.sin());
    let tip_x = BIG_RHO - depth;
    let opts = SimOptions::default().with_texel(0.005).with_margin(0.1);
    let map = simulate(&sphere, &tool, &straight_move(tip_x, a), &opts).unwrap();
    let mut worst = 0.0f64;
    let mut profile = Vec::new();
    for (s, p, n, got) in column_at_theta_zero(&map, &sphere) {
        let want = silhouette_deepest(&tool, opts.tool_length, [tip_x, 0.0], [a.x, a.z], p, n)
            .unwrap_or(0.0)
            .max(0.0);
        worst = worst.max((got - want).abs());
        profile.push((s, got));
    }
    (profile, worst)
}

#[test]
fn tilted_ball_groove_is_the_untilted_capsule() {
    // A ball tilted 20° sideways, its centre where the untilted ball's would be: the
    // swept volume is the same capsule, so the cross-section is the untilted circle.
    let sphere = Spheroid::sphere(2.0 * BIG_RHO).unwrap();
    let tool = Tool::parse("ball:0.4").unwrap();
    let (r, d) = (0.2, 0.1);
    let centre_x = BIG_RHO - d + r;
    let opts = SimOptions::default().with_texel(0.005).with_margin(0.1);
    let mut columns = Vec::new();
    for tilt_deg in [0.0f64, 20.0] {
        let t = tilt_deg.to_radians();
        let a = Vector3::new(t.cos(), 0.0, t.sin());
        let tip = Vector3::new(centre_x, 0.0, 0.0) - a * r;
        let mut path = straight_move(tip.x, a);
        for m in &mut path.moves {
            m.pose.tip.z = tip.z;
        }
        let map = simulate(&sphere, &tool, &path, &opts).unwrap();
        columns.push(column_at_theta_zero(&map, &sphere));
    }
    let (mut worst, mut cut) = (0.0f64, 0);
    // The grids differ with the footprints; texel rows sit on whole texels of s.
    let key = |s: f64| (s / 0.005).round() as i64;
    let tilted_at: std::collections::BTreeMap<i64, f64> =
        columns[1].iter().map(|c| (key(c.0), c.3)).collect();
    for (s, p, n, untilted) in &columns[0] {
        let tilted = tilted_at.get(&key(*s)).copied().unwrap_or(0.0);
        // The capsule: the largest t with |p − t n − c| ≤ r, c the centre line's point
        // in Π.
        let v = sub2(*p, [centre_x, 0.0]);
        let (bb, cc) = (dot2(v, *n), dot2(v, v) - r * r);
        let want = if bb * bb >= cc {
            (bb + (bb * bb - cc).sqrt()).max(0.0)
        } else {
            0.0
        };
        worst = worst
            .max((tilted - want).abs())
            .max((untilted - want).abs());
        cut += usize::from(want > 0.0);
    }
    eprintln!("tilted ball groove: {cut} texels cut, worst |sim − capsule| {worst:.2e} mm");
    assert!(cut > 50, "{cut}");
    assert!(worst < DEPTH_ACCURACY, "{worst}");
}

#[test]
fn tilted_flat_end_mill_groove_is_asymmetric_as_derived() {
    // Flat end mill, radius R, tilted α sideways toward +z, end-face centre d deep: on
    // a flat floor the end face is the plane depth = d + y·tan α, its rim's lowest
    // point is at y = R cos α (depth d + R sin α), beyond it the side of the cylinder
    // rises as d + R sin α − (y − R cos α)/tan α, and at y = −R cos α the other side
    // of the cylinder leaves a vertical wall.
    let (big_r, d, alpha) = (0.15f64, 0.1f64, 20f64.to_radians());
    let (profile, worst) = tilted_groove("flat:0.3", d, 20.0);
    eprintln!("tilted flat groove: worst |sim − silhouette| {worst:.2e} mm");
    assert!(worst < DEPTH_ACCURACY, "{worst}");
    let flat = |y: f64| {
        if y < -big_r * alpha.cos() {
            0.0
        } else if y <= big_r * alpha.cos() {
            d + y * alpha.tan()
        } else {
            (d + big_r * alpha.sin() - (y - big_r * alpha.cos()) / alpha.tan()).max(0.0)
        }
    };
    let texel = 0.005;
    let mut worst_flat = 0.0f64;
    for &(s, got) in &profile {
        // Away from the wall and the rim's corner (within a texel the closed form
        // jumps or turns).
        let corners = [-big_r * alpha.cos(), big_r * alpha.cos()];
        if corners.iter().any(|c| (s - c).abs() < texel) {
            continue;
        }
        // The flat-floor formula ignores the sphere: the floor drops s²/(2ρ) and the
        // normal turns by s/ρ, which moves the line sideways by depth·s/ρ against a
        // wall of slope up to 1/tan α.
        let curvature = s * s / (2.0 * BIG_RHO) + got * s.abs() / BIG_RHO / alpha.tan();
        let err = (got - flat(s)).abs();
        assert!(
            err < DEPTH_ACCURACY + curvature,
            "s = {s}: {got} vs {}",
            flat(s)
        );
        worst_flat = worst_flat.max(err);
    }
    // Deeper on the side the spindle leans to.
    let at = |y: f64| {
        profile
            .iter()
            .min_by(|p, q| (p.0 - y).abs().total_cmp(&(q.0 - y).abs()))
            .unwrap()
            .1
    };
    assert!(at(0.1) - at(-0.1) > 0.07, "{} {}", at(0.1), at(-0.1));
    eprintln!("tilted flat groove: worst |sim − flat-floor closed form| {worst_flat:.2e} mm");
}

#[test]
fn tilted_v_bits_and_tapered_ball_follow_their_silhouettes() {
    // 30° V tilted 20°: one flank leans past the vertical (an undercut).
    for (tool, depth) in [
        ("v:60:0.05", 0.3),
        ("v:30:0.05", 0.3),
        ("taper:0.2:20", 0.3),
        ("taper:0.2:20", 0.05),
        ("ball:0.2", 0.15),
    ] {
        let (profile, worst) = tilted_groove(tool, depth, 20.0);
        let cut = profile.iter().filter(|p| p.1 > 0.0).count();
        eprintln!(
            "{tool} at {depth} mm tilted 20°: {cut} texels cut, worst |sim − silhouette| {worst:.2e} mm"
        );
        assert!(cut > 20, "{tool}: {cut}");
        assert!(worst < DEPTH_ACCURACY, "{tool}: {worst}");
    }
}

#[test]
fn tapered_ball_groove_depth_profile_and_width() {
    // Untilted tapered ball 0.2 mm tip, 20° included, 0.3 mm deep: across the groove
    // the floor is the ball, then the cone: depth(y) = d − h(|y|) with h the inverse
    // of the profile (r − √(r² − y²) on the ball up to y = r cos β, then
    // h_t + (|y| − r cos β)/tan β).
    let d = 0.3;
    let (profile, worst) = tilted_groove("taper:0.2:20", d, 0.0);
    eprintln!("tapered ball groove: worst |sim − silhouette| {worst:.2e} mm");
    assert!(worst < DEPTH_ACCURACY, "{worst}");
    let tool = Tool::parse("taper:0.2:20").unwrap();
    let (r, beta) = (0.1f64, 10f64.to_radians());
    let h_t = r * (1.0 - beta.sin());
    let closed = |y: f64| {
        let y = y.abs();
        let h = if y <= r * beta.cos() {
            r - (r * r - y * y).sqrt()
        } else {
            h_t + (y - r * beta.cos()) / beta.tan()
        };
        (d - h).max(0.0)
    };
    let mut worst_closed = 0.0f64;
    for &(s, got) in &profile {
        let curvature = s * s / (2.0 * BIG_RHO) + got * s.abs() / BIG_RHO / beta.tan();
        let err = (got - closed(s)).abs();
        assert!(
            err < DEPTH_ACCURACY + curvature,
            "s = {s}: {got} vs {}",
            closed(s)
        );
        worst_closed = worst_closed.max(err);
    }
    eprintln!("tapered ball groove: worst |sim − closed form| {worst_closed:.2e} mm");
    // Width at the surface: 2 ρ(d), within the texel discretisation.
    let texel = 0.005;
    let width = profile.iter().filter(|p| p.1 > 0.0).count() as f64 * texel;
    let want = tool.width_at_depth(d);
    assert!((width - want).abs() <= 2.0 * texel, "{width} vs {want}");
}

#[test]
fn turning_axis_stays_within_the_stated_sub_step_bound() {
    // A ball whose axis turns 20° (−10° to +10° about ŷ) along a straight tip path:
    // the true swept volume is the union of the spheres centred c(u) = p(u) + r·a(u),
    // a curved centre path. Reference: the largest sphere depth over u, sampled every
    // 1e-4 and refined by golden-section search. The simulator sweeps sub-steps of at
    // most `max_axis_turn` = Δ at their mean orientation, which moves the sphere by at
    // most r·Δ/2: the cut surface moves by at most that along its own normal, so a
    // texel's depth by at most r·Δ/2 / cos γ (γ between the texel's normal and the
    // cut surface's normal there).
    let sphere = Spheroid::sphere(2.0 * BIG_RHO).unwrap();
    let tool = Tool::parse("ball:0.4").unwrap();
    let (r, d) = (0.2, 0.12);
    let tip_x = BIG_RHO - d;
    let phi = |u: f64| (-10.0 + 20.0 * u).to_radians();
    let axis = |u: f64| Vector3::new(phi(u).cos(), 0.0, phi(u).sin());
    let tip = |u: f64| Vector3::new(tip_x, -HALF_MOVE + 2.0 * HALF_MOVE * u, 0.0);
    let mut path = Toolpath::new();
    for u in [0.0, 1.0] {
        path.moves.push(Move::new(
            MoveKind::Cut,
            Pose::new(tip(u).into(), UnitVector3::new_normalize(axis(u))),
            300.0,
        ));
    }
    // Depth of the line p − t n in the sphere at u, and the cosine of the angle
    // between n and the sphere's normal at that point.
    let sphere_depth = |p: &Vector3, n: &Vector3, u: f64| -> Option<(f64, f64)> {
        let c = tip(u) + axis(u) * r;
        let v = p - c;
        let (bb, cc) = (v.dot(n), v.norm_squared() - r * r);
        let disc = bb * bb - cc;
        (disc >= 0.0).then(|| {
            let t = bb + disc.sqrt();
            let x = p - n * t;
            (t, ((x - c) / r).dot(n).abs())
        })
    };
    let reference = |p: &Vector3, n: &Vector3| -> Option<(f64, f64)> {
        let f = |u: f64| sphere_depth(p, n, u).map_or(f64::NEG_INFINITY, |x| x.0);
        let steps = 10_000;
        let k = (0..=steps)
            .max_by(|&a, &b| f(a as f64 / steps as f64).total_cmp(&f(b as f64 / steps as f64)))?;
        let (mut lo, mut hi) = (
            ((k as f64 - 1.0) / steps as f64).max(0.0),
            ((k as f64 + 1.0) / steps as f64).min(1.0),
        );
        let g = 0.5 * (5f64.sqrt() - 1.0);
        for _ in 0..80 {
            let (m1, m2) = (hi - g * (hi - lo), lo + g * (hi - lo));
            if f(m1) < f(m2) {
                lo = m1;
            } else {
                hi = m2;
            }
        }
        sphere_depth(p, n, 0.5 * (lo + hi))
    };
    for turn_deg in [0.05f64, 1.0] {
        let turn = turn_deg.to_radians();
        let opts = SimOptions::default()
            .with_texel(0.005)
            .with_margin(0.1)
            .with_max_axis_turn(turn);
        let map = simulate(&sphere, &tool, &path, &opts).unwrap();
        let bound = r * turn / 2.0;
        let (w, h) = map.dims();
        let (mut worst, mut worst_ratio, mut checked) = (0.0f64, 0.0f64, 0);
        for y in [-1.0, -0.3, 0.0, 0.55, 1.2] {
            let theta = (y / BIG_RHO).atan();
            let i = ((theta - map.coord_of(0, 0).theta) / map.texel_theta()).round() as usize;
            assert!(i < w);
            for j in 0..h {
                let (p, n) = sphere.point_normal(map.coord_of(i, j));
                let (p, n) = (p.coords, n.into_inner());
                let got = f64::from(map.depth_at_texel(i, j));
                let Some((t, cos)) = reference(&p, &n) else {
                    assert_eq!(got, 0.0);
                    continue;
                };
                if t <= 0.0 {
                    assert!(got <= bound / 0.05, "{got}");
                    continue;
                }
                // Near the groove's edge the cut surface is nearly along the normal
                // line and the depth is ill-conditioned; the bound holds where it is
                // at most 70° from the floor.
                if cos < 0.34 {
                    continue;
                }
                let err = (got - t).abs();
                assert!(
                    err <= bound / cos + 1e-7,
                    "turn {turn_deg}°, y {y}, texel {j}: {got} vs {t} (bound {})",
                    bound / cos
                );
                worst = worst.max(err);
                worst_ratio = worst_ratio.max(err / (bound / cos));
                checked += 1;
            }
        }
        assert!(checked > 200, "{checked}");
        eprintln!(
            "turning axis, max_axis_turn {turn_deg}°: bound r·Δ/2 = {bound:.2e} mm, worst error {worst:.2e} mm ({:.0}% of its bound) over {checked} texels",
            100.0 * worst_ratio
        );
    }
}

#[test]
fn measured_scallop_of_a_rectangle_fill_matches_the_formula() {
    use shellcarve_core::{
        engrave_strokes, plan_strokes, EngraveOptions, Glyph, Layout2d, Point2, StrategyOptions,
    };
    // A 1 mm wide rectangle filled with a 0.2 mm ball 0.08 mm deep (cutting radius
    // R = √(r² − (r − d)²) = 0.098 mm at the surface), scan lines exactly w = 0.07 mm
    // apart, on the equator of a 40 mm sphere (arc-length map: θ = x/ρ, s = y).
    let sphere = Spheroid::sphere(40.0).unwrap();
    let rho = 20.0;
    let tool = Tool::parse("ball:0.2").unwrap();
    let (r, d, w) = (0.1f64, 0.08f64, 0.07f64);
    let big_r = tool.radius_at(d);
    assert!((big_r - (r * r - (r - d) * (r - d)).sqrt()).abs() < 1e-12);
    // Ten gaps between eleven lines (a hair less so the count does not round up).
    let height = 2.0 * big_r + 10.0 * w - 1e-9;
    let corners = vec![
        Point2::new(-0.5, 0.0),
        Point2::new(0.5, 0.0),
        Point2::new(0.5, height),
        Point2::new(-0.5, height),
    ];
    let layout = Layout2d {
        glyphs: vec![Glyph {
            ch: 'I',
            contours: vec![corners],
            ..Glyph::default()
        }],
        width: 1.0,
        cap_height: height,
        y_min: 0.0,
        y_max: height,
        lines: Vec::new(),
    };
    let options = StrategyOptions::default().with_stepover(w);
    assert_eq!(options.fill_stepover(&tool, d).unwrap(), w);
    let plan = plan_strokes(&layout, &tool, d, &options).unwrap();
    let path = engrave_strokes(
        &sphere,
        &plan.strokes,
        &EngraveOptions::default().with_depth(d),
    )
    .unwrap();
    let texel = 0.005;
    let opts = SimOptions::default().with_texel(texel).with_margin(0.1);
    let map = simulate(&sphere, &tool, &path, &opts).unwrap();
    let intended = move |s: f64| {
        if (0.0..=height).contains(&s) {
            vec![(-0.5 / rho, 0.5 / rho)]
        } else {
            vec![]
        }
    };
    let m = measure_scallop(&map, &sphere, &intended, big_r + texel, d);
    // Flat floor: r − √(r² − (w/2)²). On the sphere the two ball centres, ρc = ρ − d + r
    // from its centre and w/ρ apart, meet (w/2)·ρc/ρ off each, and the ridge is
    // measured from a floor that curves away by ρc(1 − cos(w/2ρ)).
    let flat = tool.scallop_height(w, d);
    assert!((flat - (r - (r * r - w * w / 4.0).sqrt())).abs() < 1e-15);
    let rho_c = rho - d + r;
    let half = rho_c * (w / (2.0 * rho)).sin();
    let exact = r - (r * r - half * half).sqrt() - rho_c * (1.0 - (w / (2.0 * rho)).cos());
    // The texel rows sample the sharp ridge: at most half a texel off its crest, where
    // it falls with slope (w/2)/√(r² − w²/4).
    let slope = half / (r * r - half * half).sqrt();
    let discretisation = slope * texel / 2.0;
    eprintln!(
        "rectangle fill: scallop formula {flat:.3e} mm (on the sphere {exact:.3e}), measured {:.3e} mm (mean {:.3e}) over {} texels, discretisation {discretisation:.1e} mm",
        m.max_mm, m.mean_mm, m.samples
    );
    assert!(m.samples > 1000, "{m:?}");
    assert!(
        m.max_mm <= exact + 1e-6 && m.max_mm >= exact - discretisation - 1e-6,
        "{m:?} vs {exact}"
    );
    assert!((m.max_mm - flat).abs() <= discretisation + 0.5e-3, "{m:?}");
    // Sampled where the texel rows are: the formula at each floor row's distance to
    // the nearest pass (the passes at y = R + k·w), largest over the rows.
    let (_, rows) = map.dims();
    let sampled = (0..rows)
        .map(|j| map.coord_of(0, j).s)
        .filter(|s| *s >= big_r + texel && *s <= height - big_r - texel)
        .map(|s| {
            let k = ((s - big_r) / w).round();
            let off = (s - big_r - k * w).abs().min(w / 2.0);
            r - (r * r - off * off).sqrt()
        })
        .fold(0.0, f64::max);
    eprintln!(
        "rectangle fill: formula sampled at the texel rows {sampled:.3e} mm, |measured − that| {:.1e} mm",
        (m.max_mm - sampled).abs()
    );
    assert!((m.max_mm - sampled).abs() < 0.1e-3, "{m:?} vs {sampled}");
    // The mean over a period between passes: (2/w) ∫₀^{w/2} (r − √(r² − y²)) dy. The
    // zig-zag's links along the short sides deepen the floor's ends (a quarter of
    // it here), so the measured mean is lower.
    let steps = 10_000;
    let mean: f64 = (0..steps)
        .map(|k| {
            let y = (k as f64 + 0.5) / steps as f64 * w / 2.0;
            r - (r * r - y * y).sqrt()
        })
        .sum::<f64>()
        / steps as f64;
    assert!(
        m.mean_mm <= mean && m.mean_mm > 0.6 * mean,
        "{} vs {mean}",
        m.mean_mm
    );
    // Nothing inside an inset larger than the shape.
    let none = measure_scallop(&map, &sphere, &intended, 1.0, d);
    assert_eq!(none.samples, 0);
}
