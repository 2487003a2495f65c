//! The entry points the fuzz targets drive, shared with the stable replay test
//! (`tests/fuzz_replay.rs`), which runs the saved corpus and every crash case through
//! the very same functions. Each must return normally on any input: errors are fine,
//! panics are bugs.

use shellcarve::shellcarve_core::{
    layout_line, plan_strokes, Font, LayoutOptions, StrategyOptions, Tool,
};
use shellcarve::shellcarve_gcode::{canon, emit, interpret, Dialect, InterpretOptions};
use shellcarve::shellcarve_kinematics::{
    machine_by_name, sample_motion, MachineConfig, SampleOptions,
};

/// G-code text through the interpreter in every dialect, then back out through the
/// post-processor and into the motion sampler of the default machine.
pub(crate) fn gcode(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = canon(text);
    let Ok(machine) = machine_by_name("xyzac-trt") else {
        return;
    };
    for dialect in Dialect::ALL {
        let options = InterpretOptions::default().with_dialect(dialect);
        if let Ok(program) = interpret(text, dialect.control_mode(), &options) {
            let _ = emit(&program, dialect);
            if program.moves.len() <= 64 {
                let _ = sample_motion(machine.as_ref(), &program, &SampleOptions::default());
            }
        }
    }
}

/// Font bytes (after a text prefix up to the first NUL) through parsing, shaping,
/// flattening and the fill strategy; the text also goes through the embedded font.
pub(crate) fn font(data: &[u8]) {
    let split = data
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(data.len().min(16));
    let text = String::from_utf8_lossy(&data[..split]).into_owned();
    let font_bytes = data.get(split + 1..).unwrap_or(&[]).to_vec();
    let layout = LayoutOptions::default().with_tolerance(0.01);
    let tool = Tool::Ball { diameter: 0.2 };
    if let Ok(l) = layout_line(&Font::embedded(), &text, 2.0, &layout) {
        let _ = plan_strokes(&l, &tool, 0.35, &StrategyOptions::default());
    }
    if let Ok(f) = Font::from_bytes(font_bytes, 0, "fuzz") {
        if let Ok(l) = layout_line(&f, "Egg 10", 2.0, &layout) {
            let _ = plan_strokes(&l, &tool, 0.35, &StrategyOptions::default());
        }
        if let Ok(l) = layout_line(&f, &text, 2.0, &layout) {
            let _ = plan_strokes(&l, &tool, 0.35, &StrategyOptions::default());
        }
    }
}

/// A machine file through the TOML loader, the checks, and back to TOML.
pub(crate) fn machine_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(config) = MachineConfig::from_toml(text) {
        let _ = config.to_toml();
        if let Ok(machine) = config.build() {
            let _ = machine.config().to_toml();
        }
    }
}
