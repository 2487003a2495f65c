//! Tests of the probe fit: known shapes and poses recovered from noisy synthetic
//! points, and the refusals.

use super::*;
use crate::surface::{EggPreset, HugelschafferMeridian, MeridianCurve, SurfaceCoord};

/// SplitMix64 with Box–Muller: deterministic Gaussian noise without a dependency.
struct Noise(u64);

impl Noise {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn gauss(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * PI * v).cos()
    }
}

fn true_pose(offset: Vector3, tilt_deg: f64) -> Isometry3 {
    // Tilt about an axis in the XY plane at 30° from X.
    let axis = UnitVector3::new_normalize(Vector3::new(
        30f64.to_radians().cos(),
        30f64.to_radians().sin(),
        0.0,
    ));
    Isometry3::from_parts(
        Translation3::from(offset),
        UnitQuaternion::from_axis_angle(&axis, tilt_deg.to_radians()),
    )
}

/// `n_lon × n_lat` points on `spec` placed at `pose`, from a bit above the blunt
/// pole (where an egg cup hides the shell) to the pointed pole, with noise of
/// standard deviation `sigma` (mm) in each coordinate.
fn synthetic(
    spec: &EggSpec,
    pose: &Isometry3,
    n_lon: usize,
    n_lat: usize,
    sigma: f64,
    seed: u64,
) -> Probe {
    let surface = spec.build().unwrap();
    let (s_lo, s_hi) = surface.s_range();
    let s_start = s_lo + 0.15 * (s_hi - s_lo);
    let mut noise = Noise(seed);
    let mut points = Vec::new();
    for j in 0..n_lat {
        let s = s_start + (s_hi - s_start) * (j as f64 + 0.5) / n_lat as f64;
        for i in 0..n_lon {
            let theta = 2.0 * PI * (i as f64 + 0.5 * noise.uniform()) / n_lon as f64;
            let p = surface.point(SurfaceCoord::new(theta, s));
            let e = Vector3::new(noise.gauss(), noise.gauss(), noise.gauss()) * sigma;
            points.push(pose * p + e);
        }
    }
    Probe::from_points(points, "synthetic")
}

fn param(fit: &ProbeFit, name: &str) -> f64 {
    fit.parameters
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.value)
        .unwrap()
}

fn check_pose(fit: &ProbeFit, pose: &Isometry3) {
    let offset = (fit.pose.translation.vector - pose.translation.vector).norm();
    assert!(
        offset < 0.02,
        "centre off by {offset} mm: {}",
        fit.summary()
    );
    let axis_true = pose.rotation * Vector3::z_axis();
    let angle = fit.axis().angle(&axis_true).to_degrees();
    assert!(angle < 0.05, "axis off by {angle}°: {}", fit.summary());
    let tilt_true = axis_true.z.acos().to_degrees();
    assert!((fit.tilt().to_degrees() - tilt_true).abs() < 0.05);
}

#[test]
fn hugelschaffer_fit_recovers_shape_and_pose_from_noisy_points() {
    let truth = EggSpec::Hugelschaffer {
        length: 58.0,
        breadth: 44.0,
        w: 1.8,
    };
    let pose = true_pose(Vector3::new(0.3, -0.2, 0.5), 0.5);
    let probe = synthetic(&truth, &pose, 12, 15, 0.01, 1);
    for start in [
        EggSpec::Preset(EggPreset::Chicken),
        EggSpec::parse("hugelschaffer:57x43x2").unwrap(),
    ] {
        let fit = fit_probe(&start, &probe, &FitOptions::default()).unwrap();
        assert!(
            matches!(fit.egg, EggSpec::Hugelschaffer { .. }),
            "{}",
            fit.egg
        );
        for (name, value) in [("length", 58.0), ("breadth", 44.0), ("w", 1.8)] {
            let got = param(&fit, name);
            assert!(
                (got - value).abs() < 0.02,
                "{name} {got}: {}",
                fit.summary()
            );
        }
        check_pose(&fit, &pose);
        // The residuals are the noise: σ = 0.01 mm along the normal.
        assert!((fit.rms - 0.01).abs() < 0.002, "{}", fit.summary());
        assert!(fit.worst < 0.05, "{}", fit.summary());
        assert_eq!(fit.points, 180);
        assert!(fit.iterations < 30, "{}", fit.iterations);
    }
}

#[test]
fn spheroid_and_narushin_fits_recover_their_parameters() {
    let cases = [
        (
            "spheroid:58.3x43.6",
            "spheroid:57x43",
            vec![("length", 58.3), ("breadth", 43.6)],
        ),
        (
            "narushin:58x44x1.8x35.5",
            "narushin:57x43x2x36",
            vec![("length", 58.0), ("breadth", 44.0), ("w", 1.8), ("D", 35.5)],
        ),
    ];
    let pose = true_pose(Vector3::new(-0.4, 0.25, -0.3), 0.8);
    for (k, (truth, start, values)) in cases.iter().enumerate() {
        let probe = synthetic(
            &EggSpec::parse(truth).unwrap(),
            &pose,
            12,
            15,
            0.01,
            7 + k as u64,
        );
        let fit = fit_probe(
            &EggSpec::parse(start).unwrap(),
            &probe,
            &FitOptions::default(),
        )
        .unwrap();
        for (name, value) in values {
            let got = param(&fit, name);
            assert!(
                (got - value).abs() < 0.02,
                "{truth}: {name} {got}: {}",
                fit.summary()
            );
        }
        check_pose(&fit, &pose);
        assert!((fit.rms - 0.01).abs() < 0.002, "{}", fit.summary());
    }
}

#[test]
fn sphere_fits_its_centre_and_a_profile_its_pose_only() {
    let pose = true_pose(Vector3::new(0.2, 0.1, -0.6), 0.0);
    let probe = synthetic(&EggSpec::Sphere { diameter: 45.2 }, &pose, 8, 8, 0.005, 3);
    let fit = fit_probe(
        &EggSpec::Sphere { diameter: 44.0 },
        &probe,
        &FitOptions::default(),
    )
    .unwrap();
    assert_eq!(fit.parameters.len(), 4, "{:?}", fit.parameters);
    assert!(
        (param(&fit, "diameter") - 45.2).abs() < 0.01,
        "{}",
        fit.summary()
    );
    check_pose(&fit, &pose);
    assert_eq!(fit.tilt(), 0.0);

    // A profile sampled from the true egg keeps its shape: only the pose moves.
    let truth = HugelschafferMeridian::new(58.0, 44.0, 1.8).unwrap();
    let mut csv = String::from("z,r\n");
    for k in (0..=400).rev() {
        let p = truth.eval(PI * k as f64 / 400.0);
        csv.push_str(&format!("{:.12},{:.12}\n", p.z, p.r));
    }
    let dir = std::env::temp_dir().join(format!("shellcarve-fit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("egg-profile.csv");
    std::fs::write(&path, csv).unwrap();
    let spec = EggSpec::Profile { path: path.clone() };
    let pose = true_pose(Vector3::new(0.3, -0.2, 0.5), 0.5);
    let probe = synthetic(
        &EggSpec::parse("hugelschaffer:58x44x1.8").unwrap(),
        &pose,
        10,
        10,
        0.01,
        4,
    );
    let fit = fit_probe(&spec, &probe, &FitOptions::default()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(fit.egg, spec);
    assert_eq!(fit.parameters.len(), 5, "{:?}", fit.parameters);
    check_pose(&fit, &pose);
    assert!((fit.rms - 0.01).abs() < 0.003, "{}", fit.summary());
}

#[test]
fn probe_csv_errors_name_the_file_and_line() {
    let ok = Probe::from_csv(
        "# probed 2024-05-01\nx,y,z\n1,2,3\n\n4;5;6\n7 8\t9\n",
        "p.csv",
    )
    .unwrap();
    assert_eq!(ok.len(), 3);
    assert_eq!(ok.points[2].line, 6);
    assert_eq!(ok.points[2].point, Point3::new(7.0, 8.0, 9.0));
    let cases = [
        ("x,y,z\n1,2,3\n1,2\n", 3, "three columns"),
        ("1,2,3\n1,nan,3\n", 2, "finite"),
        ("1,2,3\n1,two,3\n", 2, "not three numbers"),
        ("1,2,3\nx,y,z\n", 2, "not three numbers"),
        ("1 2 3 0 0 0 0 0 0\n", 1, "LinuxCNC"),
    ];
    for (text, line, what) in cases {
        let e = Probe::from_csv(text, "p.csv").unwrap_err();
        let msg = e.to_string();
        assert!(
            matches!(&e, CoreError::BadProbe { line: l, .. } if *l == line),
            "{text:?}: {msg}"
        );
        assert!(msg.contains("p.csv") && msg.contains(what), "{msg}");
        assert!(msg.contains(&format!("line {line}")), "{msg}");
    }
    let missing = Probe::from_file(Path::new("/nonexistent/probe.csv")).unwrap_err();
    assert!(missing.to_string().contains("--probe"), "{missing}");
}

#[test]
fn too_few_points_are_refused_before_fitting() {
    let probe = synthetic(&EggSpec::DEFAULT, &Isometry3::identity(), 5, 3, 0.0, 1);
    let e = fit_probe(
        &EggSpec::Preset(EggPreset::Chicken),
        &probe,
        &FitOptions::default(),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, CoreError::BadProbe { .. }), "{msg}");
    assert!(
        msg.contains("only 15 points") && msg.contains("at least 16"),
        "{msg}"
    );
    // The same points suffice for a spheroid (7 values, 14 points).
    fit_probe(&EggSpec::DEFAULT, &probe, &FitOptions::default()).unwrap();
}

#[test]
fn points_that_do_not_pin_the_shape_down_are_refused() {
    // Only a band ±6 mm about the equator: the length and the centre's height are
    // free, whatever the model.
    let truth = EggSpec::parse("hugelschaffer:58x44x1.8").unwrap();
    let pose = true_pose(Vector3::new(0.3, -0.2, 0.5), 0.5);
    let full = synthetic(&truth, &pose, 12, 30, 0.01, 5);
    let band = Probe::from_points(
        full.points
            .iter()
            .map(|p| p.point)
            .filter(|p| p.z.abs() < 6.0),
        "band.csv",
    );
    for start in [
        "hugelschaffer:57x43x2",
        "narushin:57x43x2x36",
        "spheroid:57x43",
    ] {
        let e = fit_probe(
            &EggSpec::parse(start).unwrap(),
            &band,
            &FitOptions::default(),
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, CoreError::FitFailed { .. }), "{msg}");
        assert!(
            msg.contains("do not pin down") && msg.contains("length"),
            "{start}: {msg}"
        );
        assert!(
            msg.contains("band.csv") && msg.contains("° of longitude"),
            "{msg}"
        );
    }
    // A sphere has no length: the same band determines it.
    fit_probe(
        &EggSpec::Sphere { diameter: 44.0 },
        &band,
        &FitOptions::default(),
    )
    .unwrap();
}

#[test]
fn an_egg_upside_down_leaves_the_valid_shapes_and_is_refused() {
    // Pointed end toward −Z: the Hügelschäffer fit wants a negative w.
    let flip = Isometry3::from_parts(
        Translation3::new(0.0, 0.0, 0.0),
        UnitQuaternion::from_axis_angle(&Vector3::x_axis(), PI),
    );
    let probe = synthetic(
        &EggSpec::parse("hugelschaffer:58x44x1.8").unwrap(),
        &flip,
        12,
        15,
        0.0,
        6,
    );
    let e = fit_probe(
        &EggSpec::parse("hugelschaffer:57x43x2").unwrap(),
        &probe,
        &FitOptions::default(),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, CoreError::FitFailed { .. }), "{msg}");
    assert!(
        msg.contains("outside the model's valid shapes") && msg.contains("egg w"),
        "{msg}"
    );
    assert!(msg.contains("turn the egg over"), "{msg}");
}

#[test]
fn a_fit_that_cannot_converge_says_so() {
    let truth = EggSpec::parse("hugelschaffer:58x44x1.8").unwrap();
    let probe = synthetic(
        &truth,
        &true_pose(Vector3::new(0.3, -0.2, 0.5), 0.5),
        12,
        15,
        0.01,
        1,
    );
    let options = FitOptions::default().with_max_iterations(1);
    let e = fit_probe(
        &EggSpec::parse("hugelschaffer:57x43x2").unwrap(),
        &probe,
        &options,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("did not converge in 1 iterations"),
        "{e}"
    );
}

#[test]
fn a_spheroid_fitted_to_an_egg_warns_about_its_residuals() {
    let probe = synthetic(
        &EggSpec::parse("hugelschaffer:58x44x1.8").unwrap(),
        &Isometry3::identity(),
        12,
        15,
        0.0,
        2,
    );
    let egg = fit_probe(
        &EggSpec::parse("hugelschaffer:57x43x2").unwrap(),
        &probe,
        &FitOptions::default(),
    )
    .unwrap();
    assert!(egg.residual_warning(0.05).is_none(), "{}", egg.summary());
    let spheroid = fit_probe(&EggSpec::DEFAULT, &probe, &FitOptions::default()).unwrap();
    assert!(spheroid.worst > 0.1, "{}", spheroid.summary());
    let w = spheroid.residual_warning(0.05).unwrap();
    assert!(
        w.contains("synthetic line") && w.contains("does not describe"),
        "{w}"
    );
}
