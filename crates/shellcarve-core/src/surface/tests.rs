use super::*;
use proptest::prelude::*;
use std::f64::consts::PI;
use std::sync::OnceLock;

/// CSV rows `z,r` sampled from a meridian at `n` uniform steps of its parameter.
fn csv_from(curve: &dyn MeridianCurve, n: usize) -> String {
    let mut rows: Vec<(f64, f64)> = (0..=n)
        .map(|k| {
            let p = curve.eval(PI * k as f64 / n as f64);
            (p.z, p.r)
        })
        .collect();
    rows.reverse();
    let mut s = String::from("z,r\n");
    for (z, r) in rows {
        s.push_str(&format!("{z:.15},{r:.15}\n"));
    }
    s
}

fn shapes() -> &'static Vec<Box<dyn Surface>> {
    static SHAPES: OnceLock<Vec<Box<dyn Surface>>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let hug = HugelschafferMeridian::new(57.0, 43.0, 2.0).unwrap();
        let profile =
            ProfileMeridian::from_csv(&csv_from(&hug, 600), "hugelschaffer samples").unwrap();
        vec![
            Box::new(Spheroid::new(57.0, 43.0).unwrap()),
            Box::new(HugelschafferEgg::new(57.0, 43.0, 2.0).unwrap()),
            Box::new(NarushinEgg::new(57.0, 43.0, 2.5, 33.0).unwrap()),
            Box::new(Revolved::from_curve(profile).unwrap()),
            EggSpec::Preset(EggPreset::Goose).build().unwrap(),
        ]
    })
}

#[test]
fn sphere_arc_length_is_radius_times_angle() {
    let s = Spheroid::sphere(40.0).unwrap();
    let (lo, hi) = s.s_range();
    assert!((hi - 10.0 * PI).abs() < 1e-9, "{hi}");
    assert!((lo + 10.0 * PI).abs() < 1e-9, "{lo}");
    let m = s.meridian(20.0 * PI / 4.0);
    assert!((m.z - 20.0 * (PI / 4.0).sin()).abs() < 1e-9);
    assert!((m.curvature - 1.0 / 20.0).abs() < 1e-9);
}

#[test]
fn spheroid_perimeter_matches_ramanujan() {
    // Ramanujan's second approximation is accurate to ~1e-9 relative for this shape.
    let s = Spheroid::new(57.0, 43.0).unwrap();
    let (lo, hi) = s.s_range();
    let (a, b) = (28.5f64, 21.5f64);
    let h = ((a - b) / (a + b)).powi(2);
    let perimeter = PI * (a + b) * (1.0 + 3.0 * h / (10.0 + (4.0 - 3.0 * h).sqrt()));
    assert!(((hi - lo) * 2.0 - perimeter).abs() < 1e-6);
}

#[test]
fn parse_specs_and_round_trip() {
    assert_eq!(EggSpec::parse("spheroid:57x43").unwrap(), EggSpec::DEFAULT);
    assert!(EggSpec::parse("spheroid:57").is_err());
    assert!(EggSpec::parse("cube:1").is_err());
    assert!(EggSpec::parse("spheroid:NaNx43").unwrap().build().is_err());
    assert_eq!(EggSpec::DEFAULT.to_string(), "spheroid:57x43");
    for text in [
        "spheroid:57x43",
        "sphere:40",
        "hugelschaffer:57x43x2",
        "narushin:57x43x2.5x33.25",
        "profile:/tmp/My Egg.csv",
        "chicken",
        "duck",
        "goose",
        "ostrich",
    ] {
        let spec = EggSpec::parse(text).unwrap();
        assert_eq!(spec.to_string(), text);
        assert_eq!(EggSpec::parse(&spec.to_string()).unwrap(), spec);
    }
    assert_eq!(
        EggSpec::parse("Goose").unwrap().preset_shell_thickness(),
        Some((0.50, 0.56))
    );
    assert_eq!(EggSpec::DEFAULT.preset_shell_thickness(), None);
    let err = EggSpec::parse("egg:1x2").unwrap_err().to_string();
    assert!(
        err.contains("narushin:LxBxWxD") && err.contains("goose"),
        "{err}"
    );
}

#[test]
fn surfaces_describe_themselves_as_their_spec() {
    for text in [
        "hugelschaffer:57x43x2",
        "narushin:57x43x2.5x33",
        "spheroid:57x43",
    ] {
        assert_eq!(
            EggSpec::parse(text).unwrap().build().unwrap().describe(),
            text
        );
    }
}

#[test]
fn hugelschaffer_has_breadth_b_shifted_w_toward_the_blunt_end() {
    let egg = HugelschafferEgg::new(57.0, 43.0, 2.0).unwrap();
    let base = egg.meridian(0.0);
    assert!((base.r - 21.5).abs() < 1e-12, "{}", base.r);
    assert!((base.z + 2.0).abs() < 1e-9, "{}", base.z);
    assert!(base.dr_ds.abs() < 1e-12);
    let (lo, hi) = egg.s_range();
    assert!((egg.meridian(hi).z - 28.5).abs() < 1e-9);
    assert!((egg.meridian(lo).z + 28.5).abs() < 1e-9);
    // The pointed end is at +Z: sharper (more curved) there than at the blunt end.
    assert!(egg.meridian(hi).curvature > egg.meridian(lo).curvature);
    assert_eq!(egg.size(), (57.0, 43.0));
}

#[test]
fn narushin_with_hugelschaffer_quarter_diameter_is_hugelschaffer() {
    for (l, b, w) in [(57.0, 43.0, 2.0), (85.0, 57.0, 3.0), (40.0, 38.0, 0.0)] {
        let hug = HugelschafferMeridian::new(l, b, w).unwrap();
        let nar = NarushinMeridian::new(l, b, w, hug.quarter_diameter()).unwrap();
        for k in 0..=1000 {
            let phi = PI * k as f64 / 1000.0;
            let (p, q) = (hug.eval(phi), nar.eval(phi));
            // Same z (x = L/2 cos φ) and the same r(z).
            assert!((p.z - q.z).abs() < 1e-12);
            assert!((p.r - q.r).abs() < 1e-9, "{l}x{b}x{w} at z = {}", p.z);
            assert!((p.dr - q.dr).abs() < 1e-9 && (p.ddr - q.ddr).abs() < 1e-9);
        }
    }
}

#[test]
fn narushin_has_diameter_d_a_quarter_length_from_the_pointed_end() {
    let nar = NarushinMeridian::new(57.0, 43.0, 2.5, 33.0).unwrap();
    // x = L/4 is φ = π/3.
    let p = nar.eval(PI / 3.0);
    assert!((p.z - 57.0 / 4.0).abs() < 1e-12);
    assert!((2.0 * p.r - 33.0).abs() < 1e-9, "{}", 2.0 * p.r);
}

#[test]
fn jet_derivatives_match_finite_differences() {
    let nar = NarushinMeridian::new(57.0, 43.0, 2.5, 33.0).unwrap();
    let h = 1e-5;
    for k in 1..20 {
        let phi = PI * k as f64 / 20.0;
        let (a, p, b) = (nar.eval(phi - h), nar.eval(phi), nar.eval(phi + h));
        assert!(((b.r - a.r) / (2.0 * h) - p.dr).abs() < 1e-6);
        assert!(((b.z - a.z) / (2.0 * h) - p.dz).abs() < 1e-6);
        assert!(((b.dr - a.dr) / (2.0 * h) - p.ddr).abs() < 1e-5);
        assert!(((b.dz - a.dz) / (2.0 * h) - p.ddz).abs() < 1e-5);
    }
}

#[test]
fn profile_sampled_from_a_spheroid_reproduces_it() {
    let sph = Spheroid::new(57.0, 43.0).unwrap();
    let csv = csv_from(sph.curve(), 400);
    let prof =
        Revolved::from_curve(ProfileMeridian::from_csv(&csv, "spheroid samples").unwrap()).unwrap();
    let (lo, hi) = prof.s_range();
    let (slo, shi) = sph.s_range();
    assert!((lo - slo).abs() < 1e-3 && (hi - shi).abs() < 1e-3);
    for k in 0..=2000 {
        let s = lo + (hi - lo) * k as f64 / 2000.0;
        let c = SurfaceCoord::new(0.3, s);
        let (p, n) = prof.point_normal(c);
        let cl = sph.closest(&p);
        assert!(
            cl.signed_distance.abs() < 1e-3,
            "{} at s = {s}",
            cl.signed_distance
        );
        let angle = n
            .dot(&sph.normal(cl.coord))
            .clamp(-1.0, 1.0)
            .acos()
            .to_degrees();
        assert!(angle < 0.01, "{angle}° at s = {s}");
        // Same arc-length parametrisation from the same baseline.
        assert!((cl.coord.s - s).abs() < 1e-3, "{} vs {s}", cl.coord.s);
    }
}

#[test]
fn bad_profiles_name_the_line() {
    let err = |t: &str| {
        ProfileMeridian::from_csv(t, "p.csv")
            .unwrap_err()
            .to_string()
    };
    let e = err("z,r\n-1,0\n0,1\n0,1.2\n0.5,0.8\n1,0\n");
    assert!(e.contains("line 4") && e.contains("increase"), "{e}");
    let e = err("z,r\n-1,0\n-0.5,0.8\n0,abc\n0.5,0.8\n1,0\n");
    assert!(e.contains("line 4"), "{e}");
    let e = err("-1,0\n-0.5,-0.8\n0,1\n0.5,0.8\n1,0\n");
    assert!(e.contains("line 2") && e.contains("negative"), "{e}");
    let e = err("-1,0.3\n-0.5,0.8\n0,1\n0.5,0.8\n1,0\n");
    assert!(e.contains("line 1") && e.contains("r = 0"), "{e}");
    let e = err("-1,0\n0,1,2\n");
    assert!(e.contains("line 2") && e.contains("two columns"), "{e}");
    let e = err("-1,0\n1,0\n");
    assert!(e.contains("at least 5"), "{e}");
    let missing = EggSpec::parse("profile:/nonexistent/egg.csv")
        .unwrap()
        .build()
        .unwrap_err()
        .to_string();
    assert!(missing.contains("/nonexistent/egg.csv"), "{missing}");
}

#[test]
fn bad_egg_parameters_are_errors() {
    assert!(HugelschafferEgg::new(57.0, 43.0, -1.0).is_err());
    assert!(HugelschafferEgg::new(57.0, 43.0, 20.0).is_err());
    assert!(NarushinEgg::new(57.0, 43.0, 2.0, 50.0).is_err());
    assert!(NarushinEgg::new(57.0, 43.0, 2.0, f64::NAN).is_err());
    // A very thin pointed end makes the universal egg concave: refused, not used.
    let e = NarushinEgg::new(57.0, 43.0, 2.0, 8.0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("convex"), "{e}");
}

#[test]
fn arc_length_matches_an_independent_polyline_integration() {
    for shape in shapes() {
        // Walk the meridian by z... through the arc-length parametrisation itself would
        // be circular, so integrate the chord lengths of the profile sampled by φ via
        // closest points: sample the surface at many s, then compare the polyline
        // length between samples with the parameter difference.
        let (lo, hi) = shape.s_range();
        let n = 20000;
        let pts: Vec<(f64, f64)> = (0..=n)
            .map(|k| {
                let m = shape.meridian(lo + (hi - lo) * k as f64 / n as f64);
                (m.r, m.z)
            })
            .collect();
        let poly: f64 = pts
            .windows(2)
            .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
            .sum();
        // Chords fall short of the arc by ~ L·h²·κ²/24, well under 1e-6 mm here.
        assert!(
            ((hi - lo) - poly).abs() < 1e-6,
            "{}: {} vs {}",
            shape.describe(),
            hi - lo,
            poly
        );
    }
}

#[test]
fn meridian_length_matches_a_direct_integral_of_the_curve() {
    // Independent of the table: composite Simpson on |P'(φ)| with 200 000 panels.
    let nar = NarushinMeridian::new(57.0, 43.0, 2.5, 33.0).unwrap();
    let surface = Revolved::from_curve(nar).unwrap();
    let n = 200_000;
    let h = PI / n as f64;
    let f = |phi: f64| {
        let p = nar.eval(phi);
        p.dr.hypot(p.dz)
    };
    let mut sum = f(0.0) + f(PI);
    for k in 1..n {
        sum += if k % 2 == 1 { 4.0 } else { 2.0 } * f(k as f64 * h);
    }
    let simpson = sum * h / 3.0;
    let (lo, hi) = surface.s_range();
    assert!(
        ((hi - lo) - simpson).abs() < 1e-9,
        "{} vs {simpson}",
        hi - lo
    );
}

proptest! {
    #[test]
    fn normal_is_orthogonal_to_tangents(which in 0usize..5, theta in -PI..PI, t in 0.02f64..0.98) {
        let sur = &shapes()[which];
        let (lo, hi) = sur.s_range();
        let s = lo + (hi - lo) * t;
        let c = SurfaceCoord::new(theta, s);
        let n = sur.normal(c);
        let h = 1e-5;
        let ds = sur.point(SurfaceCoord::new(theta, s + h)) - sur.point(SurfaceCoord::new(theta, s - h));
        let dt = sur.point(SurfaceCoord::new(theta + h, s)) - sur.point(SurfaceCoord::new(theta - h, s));
        prop_assert!((ds.norm() / (2.0 * h) - 1.0).abs() < 1e-6, "arc length speed {}", ds.norm() / (2.0 * h));
        prop_assert!(n.dot(&ds).abs() < 1e-8 * ds.norm().max(1e-12) + 1e-9);
        prop_assert!(n.dot(&dt).abs() < 1e-8);
    }

    #[test]
    fn closest_point_recovers_offset(which in 0usize..5, theta in -PI..PI, t in 0.0f64..1.0, d in -3.0f64..3.0) {
        let sur = &shapes()[which];
        let (lo, hi) = sur.s_range();
        let s = lo + (hi - lo) * t;
        let c = SurfaceCoord::new(theta, s);
        let (p, n) = sur.point_normal(c);
        let q = p + n.into_inner() * d;
        let cl = sur.closest(&q);
        prop_assert!((cl.signed_distance - d).abs() < 1e-9, "{}: {} vs {}", sur.describe(), cl.signed_distance, d);
        prop_assert!((cl.point - p).norm() < 1e-6, "{}: {}", sur.describe(), (cl.point - p).norm());
    }

    #[test]
    fn principal_curvatures_match_the_meridian(which in 0usize..5, t in 0.05f64..0.95) {
        let sur = &shapes()[which];
        let (lo, hi) = sur.s_range();
        let s = lo + (hi - lo) * t;
        // Meridian curvature = |d(tangent)/ds| from finite differences.
        let h = 1e-4;
        let (a, b) = (sur.meridian(s - h), sur.meridian(s + h));
        let k_fd = (b.dr_ds - a.dr_ds).hypot(b.dz_ds - a.dz_ds) / (2.0 * h);
        let (k1, k2) = sur.principal_curvatures(s);
        prop_assert!((k1 - k_fd).abs() < 1e-6, "{} vs {}", k1, k_fd);
        prop_assert!(k2 > 0.0);
    }
}
