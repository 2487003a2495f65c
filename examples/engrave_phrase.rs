//! Engrave the reference phrase with the built-in defaults, as a library user would.
//!
//! ```text
//! cargo run --release --example engrave_phrase [OUTPUT_DIR]
//! ```
//!
//! Writes `anniversary.ngc`, `anniversary.png` (shaded egg), `anniversary-depth.png`
//! (depth map) and `anniversary.json` (report) into OUTPUT_DIR (default: the current
//! directory) and prints the summary.

use std::path::PathBuf;

use shellcarve::{engrave, write_atomic, EngraveJob};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let engraving = engrave(&EngraveJob::default())?;
    let sim = &engraving.simulation;
    let preview = sim.preview();
    let depth = sim.depth_map_image();
    write_atomic(&dir.join("anniversary.ngc"), engraving.gcode.as_bytes())?;
    shellcarve::shellcarve_render::save_png_atomic(&preview, &dir.join("anniversary.png"))?;
    shellcarve::shellcarve_render::save_png_atomic(&depth, &dir.join("anniversary-depth.png"))?;
    write_atomic(
        &dir.join("anniversary.json"),
        engraving.report().to_json().as_bytes(),
    )?;
    print!("{}", engraving.report().summary());
    println!(
        "wrote anniversary.ngc, anniversary.png, anniversary-depth.png, anniversary.json in {}",
        dir.display()
    );
    Ok(())
}
