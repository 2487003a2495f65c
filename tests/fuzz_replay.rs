//! Replays the fuzzers' saved corpus and every crash case through the same entry points
//! the fuzz targets drive (`fuzz/entry.rs`), on the stable toolchain. Fuzzing itself
//! needs nightly and runs outside CI: see the README.

#[path = "../fuzz/entry.rs"]
mod entry;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for kind in ["corpus", "regressions"] {
        let dir = root.join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths.iter().filter(|p| p.is_file()) {
            let data = std::fs::read(path).unwrap();
            run(&data);
            count += 1;
        }
    }
    count
}

#[test]
fn gcode_corpus_and_crashes_replay() {
    assert!(replay("gcode", entry::gcode) > 10);
}

#[test]
fn font_corpus_and_crashes_replay() {
    assert!(replay("font", entry::font) > 0);
}

#[test]
fn machine_toml_corpus_and_crashes_replay() {
    assert!(replay("machine_toml", entry::machine_toml) >= 3);
}

#[test]
fn svg_corpus_and_crashes_replay() {
    assert!(replay("svg", entry::svg) >= 5);
}
