//! Engraving on a shell fitted to probed points (`--probe`): an egg that is not the
//! preset and does not sit at the origin is cut at the asked depth below its *true*
//! surface, checked here against the true egg independently of the fit.

use std::f64::consts::PI;
use std::process::Command;

use shellcarve::shellcarve_core::{
    fit_probe, EggPreset, EggSpec, FitOptions, Isometry3, MoveKind, Probe, SurfaceCoord,
    TextHeight, Toolpath, Vector3,
};
use shellcarve::{engrave, simulate, EngraveJob, SimulateJob};

/// The egg actually on the machine: bigger than a preset chicken egg, its centre
/// 0.3, −0.2, 0.5 mm off the origin and its axis tilted 0.5°.
const TRUE_EGG: &str = "hugelschaffer:58x44x1.8";

fn true_pose() -> Isometry3 {
    let axis = Vector3::new(30f64.to_radians().cos(), 30f64.to_radians().sin(), 0.0);
    Isometry3::new(Vector3::new(0.3, -0.2, 0.5), axis * 0.5f64.to_radians())
}

/// SplitMix64 with Box–Muller: deterministic Gaussian noise.
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

/// A probe file of 180 points on the true egg where it sits, with 0.01 mm of noise,
/// from a bit above the blunt pole (hidden by the egg cup) to the pointed pole.
fn probe_csv() -> String {
    let surface = EggSpec::parse(TRUE_EGG).unwrap().build().unwrap();
    let pose = true_pose();
    let (s_lo, s_hi) = surface.s_range();
    let s_start = s_lo + 0.15 * (s_hi - s_lo);
    let mut noise = Noise(11);
    let mut csv = String::from("# probed on the machine, workpiece frame\nx,y,z\n");
    for j in 0..15 {
        let s = s_start + (s_hi - s_start) * (j as f64 + 0.5) / 15.0;
        for i in 0..12 {
            let theta = 2.0 * PI * (i as f64 + 0.5 * noise.uniform()) / 12.0;
            let p = pose * surface.point(SurfaceCoord::new(theta, s));
            let e = Vector3::new(noise.gauss(), noise.gauss(), noise.gauss()) * 0.01;
            let q = p + e;
            csv.push_str(&format!("{:.4},{:.4},{:.4}\n", q.x, q.y, q.z));
        }
    }
    csv
}

fn short_job() -> EngraveJob {
    EngraveJob::default()
        .with_text("EGG")
        .with_height(TextHeight::CapHeight(3.0))
}

/// Depth below the true surface (and tool-axis angle from its normal, degrees) of
/// every cut move of a toolpath in the workpiece frame.
fn true_depths(path: &Toolpath) -> Vec<(f64, f64)> {
    let surface = EggSpec::parse(TRUE_EGG).unwrap().build().unwrap();
    let pose = true_pose();
    path.moves
        .iter()
        .filter(|m| m.kind == MoveKind::Cut)
        .map(|m| {
            let tip = pose.inverse_transform_point(&m.pose.tip);
            let axis = pose.inverse_transform_unit_vector(&m.pose.axis);
            let c = surface.closest(&tip);
            let normal = surface.normal(c.coord);
            (-c.signed_distance, axis.angle(&normal).to_degrees())
        })
        .collect()
}

#[test]
fn engraving_on_a_probed_egg_cuts_at_depth_below_its_true_surface() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe.csv");
    std::fs::write(&path, probe_csv()).unwrap();
    let probe = Probe::from_file(&path).unwrap();
    assert_eq!(probe.len(), 180);
    let fit = fit_probe(
        &EggSpec::Preset(EggPreset::Chicken),
        &probe,
        &FitOptions::default(),
    )
    .unwrap();
    assert!(fit.rms < 0.012 && fit.worst < 0.05, "{}", fit.summary());

    let engraving = engrave(&short_job().with_probe(fit.clone())).unwrap();
    let depths = true_depths(&engraving.toolpath);
    assert!(depths.len() > 100, "{} cuts", depths.len());
    for (depth, angle) in &depths {
        assert!(
            (depth - 0.35).abs() < 0.01,
            "depth {depth} below the true egg"
        );
        assert!(*angle < 0.1, "tool axis {angle}° off the true normal");
    }
    let r = engraving.report();
    assert!(r.checks.passed(), "{:?}", r.checks);
    assert!(
        (r.cut_depth_mm.mean - 0.35).abs() < 0.01,
        "{:?}",
        r.cut_depth_mm
    );
    assert!(r.egg.starts_with("hugelschaffer:"), "{}", r.egg);
    let p = r.probe_fit.as_ref().unwrap();
    assert_eq!(p.points, 180);
    assert!((p.axis_tilt_deg - 0.5).abs() < 0.05, "{p:?}");
    assert!(r.summary().starts_with("probe fit: hugelschaffer:"));
    let json = r.to_json();
    assert!(json.contains("\"probe_fit\"") && json.contains("\"centre_mm\""));
    assert!(engraving.gcode.contains("egg placed by probe fit"));

    // The same job on the nominal preset at the origin misses the true surface by far
    // more than the depth window: what the probe is for.
    let mut nominal = short_job();
    nominal.egg = EggSpec::Preset(EggPreset::Chicken);
    let off = true_depths(&engrave(&nominal).unwrap().toolpath)
        .iter()
        .map(|(d, _)| (d - 0.35).abs())
        .fold(0.0, f64::max);
    assert!(off > 0.3, "nominal egg off by only {off} mm");

    // Reading the program back: with the fit it passes; with the fitted shape at the
    // origin (the pose forgotten) it does not.
    let mut sim = SimulateJob::default();
    sim.egg = fit.egg.clone();
    sim.probe = Some(fit);
    let ok = simulate(&engraving.gcode, &sim).unwrap();
    assert!(ok.passed(), "{:?}", ok.report.checks);
    assert!(ok.report.probe_fit.is_some());
    sim.probe = None;
    let lost = simulate(&engraving.gcode, &sim).unwrap();
    assert!(!lost.passed(), "{:?}", lost.report.cut_depth_mm);
}

#[test]
fn an_identity_probe_pose_changes_nothing() {
    // Points exactly on a spheroid at the origin: the fit returns it unchanged (to
    // rounding), and the program equals the one without a probe to the printed digit.
    let egg = EggSpec::DEFAULT;
    let surface = egg.build().unwrap();
    let (lo, hi) = surface.s_range();
    let points = (0..10).flat_map(|j| {
        let s = lo + (hi - lo) * (j as f64 + 0.5) / 10.0;
        let surface = &surface;
        (0..10).map(move |i| surface.point(SurfaceCoord::new(i as f64 * 0.6, s)))
    });
    let probe = Probe::from_points(points.collect::<Vec<_>>(), "exact");
    let fit = fit_probe(&egg, &probe, &FitOptions::default()).unwrap();
    assert!(fit.rms < 1e-9, "{}", fit.summary());
    assert!(fit.centre().coords.norm() < 1e-9 && fit.tilt() < 1e-9);
    let plain = engrave(&short_job()).unwrap();
    let probed = engrave(&short_job().with_probe(fit)).unwrap();
    let moves = |g: &str| {
        g.lines()
            .filter(|l| !l.starts_with('(') && !l.starts_with(';'))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(moves(&plain.gcode), moves(&probed.gcode));
}

fn shellcarve() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shellcarve"))
}

#[test]
fn cli_probe_fits_prints_and_reports_and_rejects_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe.csv");
    std::fs::write(&probe, probe_csv()).unwrap();
    let report = dir.path().join("report.json");
    let gcode = dir.path().join("egg.ngc");
    let out = shellcarve()
        .args([
            "engrave", "EGG", "--height", "3", "--egg", "chicken", "--probe",
        ])
        .arg(&probe)
        .arg("--report")
        .arg(&report)
        .arg("-o")
        .arg(&gcode)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("probe fit: hugelschaffer:58") && stderr.contains("from 180 points"),
        "{stderr}"
    );
    assert!(stdout.contains("probe fit:") && stdout.contains("checks: all passed"));
    let json = std::fs::read_to_string(&report).unwrap();
    assert!(json.contains("\"probe_fit\""), "{json}");

    // The program simulates clean on the probed egg, and not on the preset.
    let sim = shellcarve()
        .args(["simulate"])
        .arg(&gcode)
        .args(["--egg", "chicken", "--probe"])
        .arg(&probe)
        .output()
        .unwrap();
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stdout)
    );
    let bare = shellcarve()
        .args(["simulate"])
        .arg(&gcode)
        .args(["--egg", "chicken"])
        .output()
        .unwrap();
    assert_eq!(bare.status.code(), Some(3));

    // A bad line: the file and line are named, nothing is written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "x,y,z\n1,2,3\n1,2\n").unwrap();
    let out = shellcarve()
        .args(["engrave", "EGG", "--height", "3", "--probe"])
        .arg(&bad)
        .arg("-o")
        .arg(dir.path().join("never.ngc"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.csv, line 3") && stderr.contains("three columns"),
        "{stderr}"
    );
    assert!(!dir.path().join("never.ngc").exists());

    // The probe file is an input: writing over it is refused.
    let out = shellcarve()
        .args(["engrave", "EGG", "--height", "3", "--probe"])
        .arg(&probe)
        .arg("--report")
        .arg(&probe)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("also an input"));
}
