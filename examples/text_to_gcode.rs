//! Times text to G-code without the simulation: shaping and layout, the strategy,
//! the map onto the default egg, inverse kinematics and subdivision for the default
//! machine, and the `linuxcnc-tcp` post (`benches/compare.sh` sets it beside Inkscape's
//! Hershey Text and gcodetools, which write flat three-axis G-code).
//!
//! ```text
//! cargo run --release --example text_to_gcode -- [--font SPEC] [--strategy NAME] [--repeat N] [--output FILE] [TEXT]
//! ```
//!
//! TEXT defaults to the reference phrase, `--font` to the embedded font (`hershey:romans`
//! is the Hershey simplex Roman of Inkscape's Hershey Text), `--strategy` to `fill`
//! (`centerline` for a single-stroke font). The cap height is the one the reference
//! job picks (auto). The fastest of `--repeat` runs (default 3) is printed as one
//! `key=value` line: chars, lines (of G-code), feed_blocks (G1), seconds. The G-code
//! is written to `--output` when given.

use std::time::Instant;

use shellcarve::shellcarve_core::{
    auto_cap_height, engrave_strokes, layout_text, plan_strokes, EggSpec, EngraveOptions, Font,
    LayoutOptions, Strategy, StrategyOptions, SurfaceMap,
};
use shellcarve::shellcarve_gcode::{emit_for_machine, Dialect};
use shellcarve::shellcarve_kinematics::{machine_by_name, plan_program, PlanOptions};
use shellcarve::{write_atomic, DEFAULT_MACHINE, DEFAULT_TOOL, REFERENCE_PHRASE};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut font_spec: Option<String> = None;
    let mut strategy: Option<Strategy> = None;
    let mut repeat = 3usize;
    let mut output: Option<std::path::PathBuf> = None;
    let mut text = REFERENCE_PHRASE.to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--font" => font_spec = Some(value()?),
            "--strategy" => strategy = Some(Strategy::parse(&value()?)?),
            "--repeat" => repeat = value()?.parse::<usize>()?.max(1),
            "--output" | "-o" => output = Some(value()?.into()),
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}").into()),
            _ => text = arg,
        }
    }
    let font = match &font_spec {
        Some(spec) => Font::from_spec(spec, 0)?,
        None => Font::embedded(),
    };
    let strategy = strategy.unwrap_or(if font.is_single_stroke() {
        Strategy::Centerline
    } else {
        Strategy::Fill
    });

    let mut best = f64::INFINITY;
    let mut gcode = String::new();
    for _ in 0..repeat {
        let start = Instant::now();
        gcode = text_to_gcode(&font, &text, strategy)?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    if let Some(path) = &output {
        write_atomic(path, gcode.as_bytes())?;
    }
    println!(
        "chars={} lines={} feed_blocks={} seconds={best:.4}",
        text.chars().count(),
        gcode.lines().count(),
        gcode.lines().filter(|l| l.starts_with("G1 ")).count()
    );
    Ok(())
}

/// The reference job's planning stages for `text`, as `shellcarve::engrave` runs them.
fn text_to_gcode(
    font: &Font,
    text: &str,
    strategy: Strategy,
) -> Result<String, Box<dyn std::error::Error>> {
    let surface = EggSpec::DEFAULT.build()?;
    let machine = machine_by_name(DEFAULT_MACHINE)?;
    let dialect = Dialect::LinuxcncTcp;
    let engrave = EngraveOptions::default();
    let layout_options = LayoutOptions::default();
    let map = SurfaceMap::from_options(surface.as_ref(), &engrave)?;
    let around = std::f64::consts::TAU * map.r0();
    let cap = auto_cap_height(font, text, around, &layout_options)?;
    let mut layout = layout_text(font, text, cap, &layout_options)?;
    layout.translate(-layout.width / 2.0, 0.0);
    let strategy = StrategyOptions::default().with_strategy(strategy);
    let plan = plan_strokes(&layout, &DEFAULT_TOOL, engrave.depth, &strategy)?;
    let toolpath = engrave_strokes(surface.as_ref(), &plan.strokes, &engrave)?;
    let plan_options = PlanOptions::default().with_mode(dialect.control_mode());
    let planned = plan_program(machine.as_ref(), &toolpath, &plan_options)?;
    Ok(emit_for_machine(
        &planned.program,
        dialect,
        machine.as_ref(),
    )?)
}
