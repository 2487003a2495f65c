//! Every machine with every dialect that fits it: a short phrase engraved, read back and
//! simulated; the depth window held, the joints inside their limits, and LinuxCNC's
//! `rs274` accepting what is meant for LinuxCNC. Machine files (TOML) and the
//! `machines` and `gcode canon` commands.
//!
//! The `rs274` checks need LinuxCNC's `rs274` (Debian package linuxcnc-uspace); without
//! it they fail unless `SHELLCARVE_SKIP_RS274=1` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use shellcarve::shellcarve_core::TextHeight;
use shellcarve::shellcarve_gcode::Dialect;
use shellcarve::shellcarve_kinematics::{machine_by_name, Axis, MACHINE_NAMES};
use shellcarve::{engrave, resolve_machine, EngraveJob};

fn find_rs274() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|d| d.join("rs274"))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var("SHELLCARVE_SKIP_RS274").as_deref() == Ok("1"),
            "LinuxCNC's rs274 is not installed: install linuxcnc-uspace, or set SHELLCARVE_SKIP_RS274=1 to skip"
        );
    }
    found
}

/// Runs `rs274 -g` on a file: (accepted, canonical output).
fn rs274(bin: &Path, file: &Path) -> (bool, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out.txt");
    let run = Command::new(bin)
        .arg("-g")
        .arg(file)
        .arg(&out)
        .env("HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        run.status.success(),
        std::fs::read_to_string(&out).unwrap_or_default(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

/// Whether any motion block of `gcode` has a word for `axis`.
fn moves_axis(gcode: &str, axis: char) -> bool {
    gcode
        .lines()
        .filter(|l| l.starts_with("G0 ") || l.starts_with("G1 "))
        .any(|l| l.split_whitespace().any(|w| w.starts_with(axis)))
}

fn job(machine: &str, dialect: Dialect) -> EngraveJob {
    EngraveJob::default()
        .with_text("Egg")
        .with_height(TextHeight::CapHeight(3.0))
        .with_machine(machine)
        .with_dialect(dialect)
}

const COMBOS: [(&str, Dialect); 10] = [
    ("xyzac-trt", Dialect::LinuxcncTcp),
    ("xyzac-trt", Dialect::LinuxcncJoint),
    ("xyzac-trt", Dialect::FanucTcpm),
    ("xyzbc-trt", Dialect::LinuxcncTcp),
    ("xyzbc-trt", Dialect::FanucTcpm),
    ("xyza-rotary", Dialect::Grbl4Axis),
    ("xyza-rotary", Dialect::LinuxcncJoint),
    ("xyzbc-head-table", Dialect::LinuxcncJoint),
    ("xyzbc-head-table", Dialect::LinuxcncTcp),
    ("xyzbc-head-table", Dialect::FanucTcpm),
];

#[test]
fn every_machine_engraves_with_every_fitting_dialect() {
    let rs274_bin = find_rs274();
    let dir = tempfile::tempdir().unwrap();
    for (name, dialect) in COMBOS {
        let label = format!("{name} / {dialect}");
        let e = engrave(&job(name, dialect)).unwrap_or_else(|e| panic!("{label}: {e}"));
        let r = e.report();
        assert!(
            r.cut_depth_mm.min >= 0.30 && r.cut_depth_mm.max <= 0.40,
            "{label}: {:?}",
            r.cut_depth_mm
        );
        assert!(r.checks.axis_limits_ok, "{label}: {:?}", r.checks.failures);
        assert_eq!(r.machine, name);
        // Joint ranges inside the machine's travel, as the report gives them.
        let machine = machine_by_name(name).unwrap();
        for &axis in machine.axes() {
            let range = &r.axis_ranges[&axis.to_string()];
            let lim = machine.limit(axis).unwrap();
            let k = if axis.is_rotary() {
                180.0 / std::f64::consts::PI
            } else {
                1.0
            };
            assert!(
                range.min >= lim.min * k - 1e-6 && range.max <= lim.max * k + 1e-6,
                "{label}: {axis} {range:?}"
            );
        }
        let tilt = r.max_tilt_error_deg.unwrap();
        if name == "xyza-rotary" {
            // Letters reach 3 mm above the equator, where the normal tilts toward the
            // egg's axis; the tool cannot follow it.
            assert!(tilt > 1.0 && tilt < 10.0, "{label}: tilt {tilt}");
            assert!(
                r.warnings.iter().any(|w| w.contains("tilts up to")),
                "{label}: {:?}",
                r.warnings
            );
            assert!(!moves_axis(&e.gcode, 'C') && !moves_axis(&e.gcode, 'B'));
        } else {
            assert!(tilt < 1e-6, "{label}: tilt {tilt}");
        }
        match name {
            "xyzbc-trt" | "xyzbc-head-table" => {
                assert!(moves_axis(&e.gcode, 'B') && !moves_axis(&e.gcode, 'A'))
            }
            "xyzac-trt" => assert!(moves_axis(&e.gcode, 'A') && !moves_axis(&e.gcode, 'B')),
            _ => {}
        }
        match dialect {
            Dialect::FanucTcpm => {
                assert!(e.gcode.contains("\nG43.4 H1\n") && e.gcode.ends_with("G49\nM5\nM30\n%\n"))
            }
            Dialect::Grbl4Axis => assert!(!e.gcode.contains("M6") && !e.gcode.contains("G93")),
            _ => {}
        }
        // LinuxCNC's interpreter (and Grbl output, plain RS274) must accept the program.
        if let (Some(bin), false) = (&rs274_bin, dialect == Dialect::FanucTcpm) {
            let file = dir.path().join(format!("{name}-{dialect}.ngc"));
            std::fs::write(&file, &e.gcode).unwrap();
            let (ok, canon, err) = rs274(bin, &file);
            assert!(ok, "{label}: rs274 refused the program: {err}");
            let moves = canon.lines().filter(|l| l.contains("STRAIGHT_")).count();
            assert_eq!(moves, r.moves.blocks, "{label}");
        }
    }
}

#[test]
fn dialects_that_do_not_fit_the_machine_are_errors() {
    for (name, dialect) in [
        ("xyzac-trt", Dialect::Grbl4Axis),
        ("xyza-rotary", Dialect::LinuxcncTcp),
        ("xyza-rotary", Dialect::FanucTcpm),
        ("xyzbc-head-table", Dialect::Grbl4Axis),
    ] {
        let e = engrave(&job(name, dialect)).unwrap_err().to_string();
        assert!(
            e.contains("does not fit") && e.contains(name) && e.contains(dialect.name()),
            "{e}"
        );
    }
}

#[test]
fn machine_files_load_and_bad_ones_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    for name in MACHINE_NAMES {
        let text = machine_by_name(name).unwrap().config().to_toml().unwrap();
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(
            &file,
            text.replace(
                &format!("kind = \"{name}\""),
                &format!("kind = \"{name}\"\nname = \"shop {name}\""),
            ),
        )
        .unwrap();
        let m = resolve_machine(file.to_str().unwrap()).unwrap();
        assert_eq!(m.name(), format!("shop {name}"));
    }
    // A machine file drives an engraving; its name is in the report.
    let file = dir.path().join("xyzac-trt.toml");
    let e = engrave(&job(file.to_str().unwrap(), Dialect::LinuxcncTcp)).unwrap();
    assert_eq!(e.report().machine, "shop xyzac-trt");
    // Narrow the A travel so the equator (A = 90°) is out of reach: a clear error.
    let text = std::fs::read_to_string(&file).unwrap();
    let narrow = dir.path().join("narrow.toml");
    std::fs::write(
        &narrow,
        text.replace(
            "[axes.A]\nmin = -30.0\nmax = 120.0",
            "[axes.A]\nmin = -30.0\nmax = 60.0",
        ),
    )
    .unwrap();
    let err = engrave(&job(narrow.to_str().unwrap(), Dialect::LinuxcncTcp))
        .unwrap_err()
        .to_string();
    assert!(err.contains("axis A") && err.contains("60"), "{err}");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        text.replace(
            "max_velocity = 90.0",
            "max_velocity = 90.0\nmax_speed = 1.0",
        ),
    )
    .unwrap();
    let err = resolve_machine(bad.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("max_speed") && err.contains("bad.toml"),
        "{err}"
    );
    std::fs::write(
        &bad,
        text.replace(
            "[axes.A]\nmin = -30.0\nmax = 120.0",
            "[axes.A]\nmin = -30.0\nmax = inf",
        ),
    )
    .unwrap();
    let err = resolve_machine(bad.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("axes.A.max"), "{err}");
    let err = resolve_machine("missing.toml").unwrap_err().to_string();
    assert!(err.contains("missing.toml"), "{err}");
    assert!(Axis::ALL.len() == 6);
}

fn shellcarve() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shellcarve"))
}

/// The head-table machine end to end from the command line: engraved in joint mode
/// (G93), every report check passing, the B axis near 90° (the head on its side for
/// equator text) and C following the longitude; the program read back and simulated on
/// its own with the same verdict. A machine file with too little B travel is a clear
/// error naming B.
#[test]
fn head_table_engraves_from_the_cli_in_joint_mode() {
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    let shell = ["--machine", "xyzbc-head-table", "--post", "linuxcnc-joint"];
    let out = shellcarve()
        .args(["engrave", "Egg", "--height", "3"])
        .args(shell)
        .arg("-o")
        .arg(p("egg.ngc"))
        .arg("--report")
        .arg(p("egg.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("egg.json")).unwrap()).unwrap();
    assert_eq!(report["machine"], "xyzbc-head-table");
    assert_eq!(report["post"], "linuxcnc-joint");
    let checks = &report["checks"];
    assert_eq!(
        checks["failures"].as_array().map(Vec::len),
        Some(0),
        "{checks}"
    );
    for key in [
        "depth_in_window",
        "rapids_clear",
        "holder_clear",
        "axis_limits_ok",
    ] {
        assert_eq!(checks[key], true, "{key}: {checks}");
    }
    let (min, max) = (
        report["cut_depth_mm"]["min"].as_f64().unwrap(),
        report["cut_depth_mm"]["max"].as_f64().unwrap(),
    );
    assert!(min >= 0.30 && max <= 0.40, "{min}..{max}");
    let b = &report["axis_ranges"]["B"];
    let (b_min, b_max) = (b["min"].as_f64().unwrap(), b["max"].as_f64().unwrap());
    assert!(b_min > 40.0 && b_max < 110.0 + 1e-6, "B {b_min}..{b_max}");
    let gcode = std::fs::read_to_string(p("egg.ngc")).unwrap();
    assert!(gcode.contains("G93") && moves_axis(&gcode, 'B') && moves_axis(&gcode, 'C'));
    assert!(!moves_axis(&gcode, 'A'));
    let sim = shellcarve()
        .arg("simulate")
        .arg(p("egg.ngc"))
        .args(shell)
        .arg("--report")
        .arg(p("sim.json"))
        .output()
        .unwrap();
    assert!(
        sim.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&sim.stdout),
        String::from_utf8_lossy(&sim.stderr)
    );
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("sim.json")).unwrap()).unwrap();
    assert_eq!(
        again["checks"]["failures"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(again["checks"]["axis_limits_ok"], true);

    // A head that tilts only ±60° cannot lie on its side for equator text.
    let text = String::from_utf8_lossy(
        &shellcarve()
            .args(["machines", "--show", "xyzbc-head-table"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(text.contains("pivot_length = 100.0"), "{text}");
    let narrow = p("narrow.toml");
    std::fs::write(
        &narrow,
        text.replace(
            "[axes.B]\nmin = -110.0\nmax = 110.0",
            "[axes.B]\nmin = -60.0\nmax = 60.0",
        ),
    )
    .unwrap();
    let err = engrave(&job(narrow.to_str().unwrap(), Dialect::LinuxcncJoint))
        .unwrap_err()
        .to_string();
    assert!(err.contains("axis B") && err.contains("60"), "{err}");
}

#[test]
fn machines_command_lists_and_shows() {
    let out = shellcarve().arg("machines").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for name in MACHINE_NAMES {
        assert!(text.contains(name), "{text}");
    }
    let out = shellcarve()
        .args(["machines", "--show", "xyza-rotary"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let toml = String::from_utf8_lossy(&out.stdout);
    assert!(toml.starts_with("kind = \"xyza-rotary\""), "{toml}");
    assert!(
        toml.contains("[axes.A]") && toml.contains("[spindle]"),
        "{toml}"
    );
    let out = shellcarve()
        .args(["machines", "--show", "hexapod"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("known machines"));
}

/// The canonical commands a line prints, without `rs274`'s sequence and N columns.
fn strip_rs274_columns(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().skip(2).collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn gcode_canon_matches_rs274_line_for_line() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/shellcarve-gcode/tests/corpus");
    let Some(bin) = find_rs274() else { return };
    for file in ["arcs_xy.ngc", "arcs_xz_yz.ngc", "inch_incremental.ngc"] {
        let path = corpus.join(file);
        let out = shellcarve()
            .arg("gcode")
            .arg("canon")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ours: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        let (ok, theirs, err) = rs274(&bin, &path);
        assert!(ok, "{err}");
        // Every motion and feed command, in order, printed alike to the last digit.
        let keep = |l: &&String| {
            [
                "STRAIGHT_TRAVERSE(",
                "STRAIGHT_FEED(",
                "ARC_FEED(",
                "SET_FEED_RATE(",
            ]
            .iter()
            .any(|k| l.starts_with(k))
        };
        let theirs = strip_rs274_columns(&theirs);
        let a: Vec<&String> = ours.iter().filter(keep).collect();
        let b: Vec<&String> = theirs.iter().filter(keep).collect();
        assert!(a.len() > 5, "{file}: {a:?}");
        assert_eq!(a, b, "{file}");
    }
    let out = shellcarve()
        .args(["gcode", "canon"])
        .arg(corpus.join("err_two_motion_codes.ngc"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line "));
}
