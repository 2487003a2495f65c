//! The `shellcarve` binary as a user runs it.

use std::process::Command;

fn shellcarve() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shellcarve"))
}

#[test]
fn engrave_writes_every_output_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let out = shellcarve()
        .args(["engrave", "Egg", "--height", "3", "-o"])
        .arg(p("egg.ngc"))
        .arg("--preview")
        .arg(p("egg.png"))
        .arg("--depth-map")
        .arg(p("egg-depth.png"))
        .arg("--report")
        .arg(p("egg.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("cycle time") && stdout.contains("simulated depth"),
        "{stdout}"
    );
    assert!(stdout.contains("warning: no --shell-thickness"), "{stdout}");
    let gcode = std::fs::read_to_string(p("egg.ngc")).unwrap();
    assert!(gcode.contains("S18000 M3") && gcode.trim_end().ends_with("M2"));
    for png in ["egg.png", "egg-depth.png"] {
        let bytes = std::fs::read(p(png)).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("egg.json")).unwrap()).unwrap();
    for key in [
        "text",
        "egg",
        "tool",
        "machine",
        "post",
        "moves",
        "cut_depth_mm",
        "depth_window_mm",
        "cycle_time_s",
        "axis_ranges",
        "warnings",
    ] {
        assert!(report.get(key).is_some(), "report lacks {key}");
    }
    let min = report["cut_depth_mm"]["min"].as_f64().unwrap();
    let max = report["cut_depth_mm"]["max"].as_f64().unwrap();
    assert!(min >= 0.30 && max <= 0.40, "{min}..{max}");

    // The program simulates on its own, with the same verdict.
    let sim = shellcarve()
        .arg("simulate")
        .arg(p("egg.ngc"))
        .arg("--report")
        .arg(p("sim.json"))
        .output()
        .unwrap();
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stdout)
    );
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("sim.json")).unwrap()).unwrap();
    assert!((again["cut_depth_mm"]["min"].as_f64().unwrap() - min).abs() < 1e-9);
}

#[test]
fn bad_input_exits_non_zero_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[&[&str]] = &[
        &["engrave", "Egg 京"],
        &["engrave", "Egg", "--tool", "drill:3"],
        &["engrave", "Egg", "--height", "NaN"],
        &["engrave", "Egg", "--depth", "-1"],
        &["engrave", "Egg", "--egg", "spheroid:57"],
        &["engrave", "Egg", "--post", "fanuc-9000"],
        &["engrave", "Egg", "--font", "/nonexistent.ttf"],
        &["engrave", "Egg", "--shell-thickness", "0.3"],
        &["engrave", "Egg", "--font", "hershey:comic"],
        &["engrave", "--svg", "/nonexistent/logo.svg"],
        &["engrave", "Egg", "--svg", "Cargo.toml"],
        &["engrave", "Egg", "--map", "pole", "--lat", "10"],
        &["engrave", "Egg", "--map", "pole:blunt"],
        &["engrave", "Egg", "--max-axis-turn", "0"],
        // A four-axis rotary tilts a wide flat end mill so far that its rim digs
        // deeper than a tight depth window allows.
        &[
            "engrave",
            "b",
            "--egg",
            "sphere:25",
            "--tool",
            "flat:0.5",
            "--depth",
            "0.05",
            "--depth-tol",
            "0.02",
            "--height",
            "3.4",
            "--machine",
            "xyza-rotary",
            "--post",
            "grbl-4axis",
        ],
    ];
    for args in cases {
        let out = shellcarve()
            .args(*args)
            .arg("-o")
            .arg(dir.path().join("out.ngc"))
            .arg("--report")
            .arg(dir.path().join("out.json"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?} left a file"
        );
    }
}

#[test]
fn simulate_rejects_malformed_gcode_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let prog = dir.path().join("bad.ngc");
    std::fs::write(&prog, "G21 G90\nG1 X1 Y2 F100\nG41 X3\nM2\n").unwrap();
    let out = shellcarve().arg("simulate").arg(&prog).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn machines_and_help_list_what_there_is() {
    let out = shellcarve().arg("machines").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("xyzac-trt"));
    let help = shellcarve().args(["engrave", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for opt in [
        "--font",
        "--height",
        "--egg",
        "--tool",
        "--strategy",
        "--depth",
        "--post",
        "--shell-thickness",
        "--svg",
        "pole",
        "--max-axis-turn",
    ] {
        assert!(text.contains(opt), "help lacks {opt}");
    }
    let fonts = shellcarve().arg("fonts").output().unwrap();
    let text = String::from_utf8_lossy(&fonts.stdout);
    assert!(text.contains("hershey:romans") && text.contains("A. V. Hershey"));
}

#[test]
fn negative_numbers_reach_the_range_check_and_dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = shellcarve()
        .args(["engrave", "Egg", "--height", "-2"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--height (mm) = -2 is invalid"), "{err}");

    let out = shellcarve()
        .args(["engrave", "Egg", "--height", "3", "--dry-run", "-o"])
        .arg(dir.path().join("x.ngc"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("dry run: nothing written"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn simulate_exits_3_when_a_check_fails() {
    // A groove 0.6 mm deep on the equator: outside the 0.30..0.40 mm window.
    let dir = tempfile::tempdir().unwrap();
    let prog = dir.path().join("deep.ngc");
    std::fs::write(
        &prog,
        "G21 G90 G94\nG0 X23 Y0 Z0 A90 C90\nG1 X20.9 Y0 Z0 F100\nG1 X20.9 Y0.5 Z0\nG1 X23 Y0.5 Z0\nM2\n",
    )
    .unwrap();
    let out = shellcarve()
        .arg("simulate")
        .arg(&prog)
        .arg("--report")
        .arg(dir.path().join("r.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("FAILED: simulated cut depth"), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["checks"]["depth_in_window"], false);
    let max = report["cut_depth_mm"]["max"].as_f64().unwrap();
    assert!((max - 0.6).abs() < 0.01, "{max}");
}

#[test]
fn a_feed_too_fast_for_the_tool_is_named_with_the_feed_that_fits() {
    let out = shellcarve()
        .args([
            "engrave",
            "Egg",
            "--height",
            "3",
            "--feed",
            "5000",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stdout);
    // 5000 mm/min at 18000 rpm on 2 flutes: 0.139 mm per tooth against at most 5% of
    // the 0.2 mm ball's diameter.
    assert!(
        err.contains("chip load 0.1389 mm") && err.contains("at most 360 mm/min"),
        "{err}"
    );
}

#[test]
fn simulate_box_stock_reports_the_programmed_depth() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(
        p("groove.ngc"),
        "G21 G90 G17\nG0 X5 Y10 Z2\nG1 Z-0.25 F100\nG1 X25 F300\nG1 Y12\nG1 X5\nG0 Z5\nM2\n",
    )
    .unwrap();
    let out = shellcarve()
        .arg("simulate")
        .arg(p("groove.ngc"))
        .args([
            "--stock",
            "box:30x20x5",
            "--tool",
            "ball:1",
            "--texel",
            "0.02",
        ])
        .arg("--report")
        .arg(p("groove.json"))
        .arg("--depth-map")
        .arg(p("groove.png"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("max depth:"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let depth: f64 = line.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!((depth - 0.25).abs() <= 0.02, "{line}");
    assert!(stdout.contains("through the bottom: no"), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("groove.json")).unwrap()).unwrap();
    let max = report["max_depth_mm"].as_f64().unwrap();
    assert!((max - 0.25).abs() < 1e-6, "{max}");
    assert_eq!(report["grid"]["width"].as_u64(), Some(1501));
    assert_eq!(&std::fs::read(p("groove.png")).unwrap()[1..4], b"PNG");

    // A bad stock and a tilted tool are errors naming the fix and the line.
    let out = shellcarve()
        .arg("simulate")
        .arg(p("groove.ngc"))
        .args(["--stock", "box:30x20"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("box:XxYxZ"));
    std::fs::write(
        p("tilt.ngc"),
        "G21 G90\nG0 X5 Y10 Z2\nG1 Z-0.2 A10 F100\nM2\n",
    )
    .unwrap();
    let out = shellcarve()
        .arg("simulate")
        .arg(p("tilt.ngc"))
        .args(["--stock", "box:30x20x5"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("line 3 tilts it"), "{stderr}");
}
