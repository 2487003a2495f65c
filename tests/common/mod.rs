//! Helpers shared by the integration tests.

#![allow(dead_code, reason = "each test file uses the helpers it needs")]

use std::process::{Command, Stdio};

/// Runs LinuxCNC's interpreter (`rs274 -g`, Debian package linuxcnc-uspace, installed
/// by `.ci/setup`) on G-code text: its canonical output when it accepts the program,
/// its error message when it refuses it.
///
/// # Panics
/// When `rs274` cannot be run at all (the tests need it).
pub(crate) fn rs274(gcode: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (ngc, out) = (dir.path().join("p.ngc"), dir.path().join("p.txt"));
    std::fs::write(&ngc, gcode).expect("writing the program");
    let run = Command::new("rs274")
        .arg("-g")
        .arg(&ngc)
        .arg(&out)
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("rs274 is missing: install linuxcnc-uspace (bash .ci/setup)");
    if run.status.success() {
        Ok(std::fs::read_to_string(&out).unwrap_or_default())
    } else {
        Err(String::from_utf8_lossy(&run.stderr).into_owned())
    }
}

/// The proptest configuration of the whole-pipeline property tests: `default` cases
/// (each is a whole engraving), or `PROPTEST_CASES` when set.
pub(crate) fn whole_job_config(default: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
        ..proptest::test_runner::Config::default()
    }
}

/// The shells the whole-pipeline property tests draw: spheroids 35–80 mm long and
/// 0.6–1 as broad, spheres 25–60 mm across.
pub(crate) fn egg(
) -> impl proptest::strategy::Strategy<Value = shellcarve::shellcarve_core::EggSpec> {
    use proptest::prelude::*;
    use shellcarve::shellcarve_core::EggSpec;
    prop_oneof![
        (35.0f64..80.0, 0.6f64..1.0).prop_map(|(l, k)| EggSpec::Spheroid {
            length: l,
            breadth: l * k,
        }),
        (25.0f64..60.0).prop_map(|d| EggSpec::Sphere { diameter: d }),
    ]
}

/// Every strategy, for the whole-pipeline property tests.
pub(crate) fn strategy(
) -> impl proptest::strategy::Strategy<Value = shellcarve::shellcarve_core::Strategy> {
    use proptest::prelude::*;
    use shellcarve::shellcarve_core::Strategy as Cut;
    prop_oneof![
        Just(Cut::Outline),
        Just(Cut::Fill),
        Just(Cut::VCarve),
        Just(Cut::Centerline),
    ]
}
