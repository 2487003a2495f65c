//! Writes a long G-code program with shellcarve's own post-processor, for timing G-code
//! readers and simulators on (`benches/compare.sh` reads the five-axis one with
//! LinuxCNC's `rs274` and with `shellcarve gcode canon`, and simulates the three-axis
//! one here and in FreeCAD's PathSimulator).
//!
//! ```text
//! cargo run --release --example gcode_program -- [--three-axis] [BLOCKS [OUTPUT]]
//! ```
//!
//! Five-axis (the default): BLOCKS (default 1,000,000) `G1 X Y Z A C F` blocks in the
//! `linuxcnc-tcp` dialect; the tool tip walks a helix of 0.01 mm steps on a 21.5 mm
//! radius, the A axis rocks about 90° and C follows the longitude.
//!
//! `--three-axis`: BLOCKS (default 200,000) cutting blocks with A = 90° and C = 0 held
//! (the tool axis along +Y, so only X, Y and Z move): a zig-zag hatch over 20 × 10 mm
//! (X × Z) of the default egg's side, 200 rows 0.05 mm apart, the tip 0.35 mm below the
//! surface along Y. After a rapid above the first point and a plunge.
//!
//! Written to OUTPUT (default `five_axis.ngc` or `three_axis.ngc`).

use std::f64::consts::{FRAC_PI_2, TAU};
use std::path::PathBuf;

use shellcarve::shellcarve_gcode::{emit, Dialect};
use shellcarve::shellcarve_kinematics::{
    ControlMode, Feed, Joints, MachineMove, MachineProgram, Path,
};
use shellcarve::write_atomic;

/// Half-axes of the default egg (spheroid 57 × 43 mm).
const EGG_HALF_LENGTH: f64 = 28.5;
const EGG_RADIUS: f64 = 21.5;
/// Depth of the three-axis hatch below the surface, along Y (mm).
const DEPTH: f64 = 0.35;

fn block(values: [f64; 6], feed: Feed) -> MachineMove {
    MachineMove {
        target: Joints::new(values),
        path: Path::Linear,
        feed,
        line: None,
        comment: None,
        cutting: !matches!(feed, Feed::Rapid),
    }
}

fn five_axis(blocks: usize) -> Vec<MachineMove> {
    (0..blocks)
        .map(|i| {
            let theta = i as f64 * 0.01 / 21.5;
            let z = -5.0 + (0.5 * theta / TAU) % 10.0;
            let a = FRAC_PI_2 + 0.05 * (7.0 * theta).sin();
            let values = [21.5 * theta.cos(), 21.5 * theta.sin(), z, a, 0.0, theta];
            block(values, Feed::UnitsPerMinute(180.0))
        })
        .collect()
}

/// The egg's surface along +Y above (x, z): y = sqrt(r(z)² − x²).
fn surface_y(x: f64, z: f64) -> f64 {
    let r = EGG_RADIUS * (1.0 - (z / EGG_HALF_LENGTH).powi(2)).max(0.0).sqrt();
    (r * r - x * x).max(0.0).sqrt()
}

fn three_axis(blocks: usize) -> Vec<MachineMove> {
    const ROWS: usize = 200;
    let per_row = blocks.div_ceil(ROWS).max(1);
    let tip = |x: f64, z: f64, lift: f64| {
        let y = surface_y(x, z) - DEPTH + lift;
        [x, y, z, FRAC_PI_2, 0.0, 0.0]
    };
    let point = |i: usize| {
        let row = i / per_row;
        let t = (i % per_row) as f64 / (per_row - 1).max(1) as f64;
        let t = if row.is_multiple_of(2) { t } else { 1.0 - t };
        (
            -10.0 + 20.0 * t,
            -5.0 + 10.0 * row as f64 / (ROWS - 1) as f64,
        )
    };
    let (x0, z0) = point(0);
    let mut moves = vec![
        block(tip(x0, z0, 2.0 + DEPTH), Feed::Rapid),
        block(tip(x0, z0, 0.0), Feed::UnitsPerMinute(60.0)),
    ];
    moves.extend((1..blocks.saturating_sub(2).max(1) + 1).map(|i| {
        let (x, z) = point(i);
        block(tip(x, z, 0.0), Feed::UnitsPerMinute(180.0))
    }));
    moves
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let three = args.first().is_some_and(|a| a == "--three-axis");
    if three {
        args.remove(0);
    }
    let mut args = args.into_iter();
    let blocks: usize = match args.next() {
        Some(n) => n.replace(['_', ','], "").parse()?,
        None if three => 200_000,
        None => 1_000_000,
    };
    let out = args.next().map_or_else(
        || {
            PathBuf::from(if three {
                "three_axis.ngc"
            } else {
                "five_axis.ngc"
            })
        },
        PathBuf::from,
    );
    let (moves, what) = if three {
        (three_axis(blocks), "three-axis hatch")
    } else {
        (five_axis(blocks), "five-axis helix")
    };
    let program = MachineProgram {
        mode: ControlMode::Tcp,
        moves,
        spindle_rpm: 18_000.0,
        tool_number: 1,
        header: vec![format!("shellcarve gcode_program: {blocks} blocks, {what}")],
    };
    let text = emit(&program, Dialect::LinuxcncTcp)?;
    write_atomic(&out, text.as_bytes())?;
    println!(
        "wrote {} ({} lines, {} bytes)",
        out.display(),
        text.lines().count(),
        text.len()
    );
    Ok(())
}
