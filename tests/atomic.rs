//! No partial files: a run killed at any moment leaves an earlier output either as it
//! was or wholly replaced, never cut short.

use std::process::{Command, Stdio};
use std::time::Duration;

fn complete_or_old(text: &str) -> bool {
    text == "OLD\n" || (text.starts_with("(shellcarve") && text.ends_with("M2\n"))
}

#[test]
fn killing_a_run_never_leaves_a_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.ngc");
    let report = dir.path().join("out.json");
    std::fs::write(&out, "OLD\n").unwrap();
    std::fs::write(&report, "OLD\n").unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_shellcarve"))
            .args(["engrave", "Egg", "--height", "3", "-o"])
            .arg(&out)
            .arg("--report")
            .arg(&report)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    for ms in [50u64, 300, 800, 1500, 2500, 4000] {
        let mut child = run();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            complete_or_old(&text),
            "killed after {ms} ms: partial program ({} bytes)",
            text.len()
        );
        let json = std::fs::read_to_string(&report).unwrap();
        assert!(json == "OLD\n" || serde_json::from_str::<serde_json::Value>(&json).is_ok());
    }
    // Left alone, the run replaces both files whole, and clears the temporary files
    // the killed runs left behind.
    assert!(run().wait().unwrap().success());
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("(shellcarve") && text.ends_with("M2\n"));
    assert!(
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&report).unwrap())
            .is_ok()
    );
}
