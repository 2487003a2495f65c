//! The entry points the fuzz targets drive, shared with the stable replay test
//! (`tests/fuzz_replay.rs`), which runs the saved corpus and every crash case through
//! the very same functions. Each must return normally on any input: errors are fine,
//! panics are bugs.

use shellcarve::shellcarve_core::{
    layout_line, place_artwork, plan_strokes, Artwork, Font, LayoutOptions, Strategy,
    StrategyOptions, Tool,
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
/// flattening and the fill strategy (and the centerline strategy's medial axis); the
/// text also goes through the embedded font.
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
            let centre = StrategyOptions::default().with_strategy(Strategy::Centerline);
            let _ = plan_strokes(&l, &tool, 0.35, &centre);
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

/// SVG bytes through the artwork reader, placement beside a word and alone, and the
/// fill and outline strategies; the first bytes also pick a Hershey font for the word.
pub(crate) fn svg(data: &[u8]) {
    let Ok(art) = Artwork::from_svg_bytes(data, "fuzz.svg") else {
        return;
    };
    let _ = (art.aspect(), art.counts());
    let tool = Tool::Ball { diameter: 0.2 };
    let layout = LayoutOptions::default().with_tolerance(0.01);
    let names = shellcarve::shellcarve_core::HERSHEY_FONTS;
    let name = names[data.first().map_or(0, |&b| usize::from(b)) % names.len()].0;
    let text = Font::hershey(name)
        .ok()
        .and_then(|f| layout_line(&f, "Egg", 2.0, &layout).ok());
    // The job refuses a layout longer than the shell before planning (a chicken egg
    // is about 140 mm round); planning a kilometre-long line is pointless work.
    for l in [
        place_artwork(text, &art, 2.0),
        place_artwork(None, &art, 2.0),
    ]
    .into_iter()
    .flatten()
    .filter(|l| l.width < 1000.0)
    {
        for strategy in [Strategy::Fill, Strategy::Outline] {
            let o = StrategyOptions::default().with_strategy(strategy);
            let _ = plan_strokes(&l, &tool, 0.35, &o);
        }
    }
}
