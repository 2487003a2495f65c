//! The extra outputs of `engrave` and `simulate`: mesh, depth data, difference map and
//! toolpath overlay, as a user gets them from the binary.

use std::process::Command;

fn shellcarve() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shellcarve"))
}

#[test]
fn engrave_writes_mesh_depth_data_and_band_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let out = shellcarve()
        .args(["engrave", "Eg", "--height", "3", "--texel", "0.02", "-o"])
        .arg(p("eg.ngc"))
        .arg("--mesh")
        .arg(p("eg.stl"))
        .arg("--depth-data")
        .arg(p("eg.npy"))
        .arg("--difference-map")
        .arg(p("diff.png"))
        .arg("--overlay")
        .arg(p("overlay.png"))
        .arg("--report")
        .arg(p("eg.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for png in ["diff.png", "overlay.png"] {
        assert_eq!(&std::fs::read(p(png)).unwrap()[1..4], b"PNG");
    }
    // Binary STL: 80-byte header, count, 50 bytes per triangle.
    let stl = std::fs::read(p("eg.stl")).unwrap();
    let n = u32::from_le_bytes(stl[80..84].try_into().unwrap()) as usize;
    assert!(n > 10_000, "{n} triangles");
    assert_eq!(stl.len(), 84 + 50 * n);
    // The .npy shape is the report's grid, and its axes are named there.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("eg.json")).unwrap()).unwrap();
    let grid = &report["simulation"]["grid"];
    let (w, h) = (
        grid["width"].as_u64().unwrap(),
        grid["height"].as_u64().unwrap(),
    );
    let axes = &report["simulation"]["axes"];
    assert!(axes["rows"].as_str().unwrap().starts_with("s:"));
    assert!(axes["columns"].as_str().unwrap().starts_with("theta:"));
    assert_eq!(axes["npy_shape"], serde_json::json!([h, w]));
    let npy = std::fs::read(p("eg.npy")).unwrap();
    assert_eq!(&npy[..8], b"\x93NUMPY\x01\x00");
    let len = usize::from(u16::from_le_bytes([npy[8], npy[9]]));
    let dict = std::str::from_utf8(&npy[10..10 + len]).unwrap();
    assert!(dict.contains(&format!("'shape': ({h}, {w})")), "{dict}");
    assert_eq!(npy.len(), 10 + len + 4 * (w * h) as usize);
    // The deepest value in the data is the report's deepest texel.
    let deepest = npy[10 + len..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .fold(0.0f32, f32::max);
    let reported = report["cut_depth_mm"]["deepest_anywhere"].as_f64().unwrap();
    assert!((f64::from(deepest) - reported).abs() < 1e-6);

    // simulate: PLY mesh and overlay; a difference map needs the design.
    let sim = shellcarve()
        .arg("simulate")
        .arg(p("eg.ngc"))
        .args(["--texel", "0.02", "--mesh"])
        .arg(p("sim.ply"))
        .arg("--overlay")
        .arg(p("sim-overlay.png"))
        .output()
        .unwrap();
    assert!(sim.status.success());
    let ply = std::fs::read(p("sim.ply")).unwrap();
    assert!(ply.starts_with(b"ply\nformat binary_little_endian 1.0\n"));
    let no = shellcarve()
        .arg("simulate")
        .arg(p("eg.ngc"))
        .arg("--difference-map")
        .arg(p("no.png"))
        .output()
        .unwrap();
    assert!(!no.status.success());
    assert!(String::from_utf8_lossy(&no.stderr).contains("engrave"));
    assert!(!p("no.png").exists());
}

#[test]
fn bad_mesh_options_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--mesh", "shell.obj"], ".stl"),
        (
            &["--mesh", "shell.stl", "--mesh-texel", "0"],
            "--mesh-texel",
        ),
        (
            &["--mesh", "shell.stl", "--mesh-texel", "NaN"],
            "--mesh-texel",
        ),
    ];
    for (args, needle) in cases {
        let out = shellcarve()
            .current_dir(dir.path())
            .args(["engrave", "Eg", "--height", "3", "-o", "eg.ngc"])
            .args(*args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

#[test]
fn preview_views_are_chosen_with_views() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let size = |png: &str| {
        let img = image::open(p(png)).unwrap();
        (img.width(), img.height())
    };
    let out = shellcarve()
        .args(["engrave", "Eg", "--height", "3", "-o"])
        .arg(p("eg.ngc"))
        .args(["--views", "front,top", "--preview"])
        .arg(p("views.png"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Two whole-egg views 640 px tall on one row, 8 px gaps, no strips.
    let (w, h) = size("views.png");
    assert_eq!(h, 640 + 16);
    assert!(w > 2 * 400 && w < 2 * 700, "{w}");
    // simulate takes it too: a turntable of three, then the zoomed strips.
    let sim = shellcarve()
        .arg("simulate")
        .arg(p("eg.ngc"))
        .args(["--views", "turntable:3,strips", "--preview"])
        .arg(p("turn.png"))
        .output()
        .unwrap();
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let (tw, th) = size("turn.png");
    assert!(tw > 3 * 400 && th > 656 + 50, "{tw}×{th}");
    // Bad specifications are refused before any work, naming what is accepted.
    for (args, needle) in [
        (
            &["--views", "side", "--preview", "x.png"][..],
            "front, back, left",
        ),
        (
            &["--views", "turntable:0", "--preview", "x.png"][..],
            "from 1 to 72",
        ),
        (&["--views", "front"][..], "add --preview"),
    ] {
        let out = shellcarve()
            .current_dir(dir.path())
            .args(["engrave", "Eg", "--height", "3", "-o", "bad.ngc"])
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(needle),
            "{args:?}: {err}"
        );
        assert!(!p("bad.ngc").exists() && !p("x.png").exists());
    }
}
