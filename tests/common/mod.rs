//! Helpers shared by the integration tests.

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
