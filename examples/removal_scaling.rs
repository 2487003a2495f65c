//! Times the material removal of the reference job's tool motion, for measuring how it
//! scales with threads and with the swept area (`benches/compare.sh` runs it).
//!
//! ```text
//! cargo run --release --example removal_scaling -- [--threads N] [--texel MM] [--chars N] [--repeat N] [--program FILE.ngc] [--stock box:XxYxZ --tool SPEC]
//! ```
//!
//! The motion is the reference job's (the first `--chars` characters of the reference
//! phrase, default all of them, at the cap height the job picks for the whole phrase;
//! fill, default egg, tool and machine), planned, posted and read back as `engrave`
//! does; or, with `--program`, that `linuxcnc-tcp` program read back for the default
//! machine. Only [`shellcarve::shellcarve_sim::simulate`] is timed, `--repeat` times
//! (default 3), and the fastest run is printed as one `key=value` line: threads, texel,
//! chars, blocks (motion blocks of the program), swept (texels under the cut), seconds,
//! texels_per_s and blocks_per_s.
//!
//! With `--stock box:XxYxZ` the program (`--program`, three-axis) is cut into that
//! box by the Z-map, [`shellcarve::shellcarve_sim::simulate_zmap`], with the tool
//! `--tool` (default the reference job's), as `shellcarve simulate --stock` does;
//! only the Z-map is timed.

use std::time::Instant;

use shellcarve::shellcarve_core::Tool;
use shellcarve::shellcarve_core::{
    auto_cap_height, engrave_strokes, layout_text, plan_strokes, EggSpec, EngraveOptions, Font,
    LayoutOptions, Strategy, StrategyOptions, Surface, SurfaceMap,
};
use shellcarve::shellcarve_gcode::{emit_for_machine, interpret, Dialect, InterpretOptions};
use shellcarve::shellcarve_kinematics::{
    machine_by_name, plan_program, sample_motion, Machine, PlanOptions, SampleOptions,
};
use shellcarve::shellcarve_sim::{simulate, simulate_zmap, BoxStock, SimOptions, DEFAULT_TEXEL};
use shellcarve::{DEFAULT_MACHINE, DEFAULT_TOOL, REFERENCE_PHRASE};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut threads: Option<usize> = None;
    let mut texel = DEFAULT_TEXEL;
    let mut chars = REFERENCE_PHRASE.chars().count();
    let mut repeat = 3usize;
    let mut program_file: Option<std::path::PathBuf> = None;
    let mut stock: Option<BoxStock> = None;
    let mut tool = DEFAULT_TOOL;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--threads" => threads = Some(value.parse()?),
            "--texel" => texel = value.parse()?,
            "--chars" => chars = value.parse()?,
            "--repeat" => repeat = value.parse::<usize>()?.max(1),
            "--program" => program_file = Some(value.into()),
            "--stock" => stock = Some(BoxStock::parse(&value)?),
            "--tool" => tool = Tool::parse(&value)?,
            _ => return Err(format!("unknown option {flag}").into()),
        }
    }

    let surface = EggSpec::DEFAULT.build()?;
    let machine = machine_by_name(DEFAULT_MACHINE)?;
    let dialect = Dialect::LinuxcncTcp;
    let gcode = match &program_file {
        Some(path) => std::fs::read_to_string(path)?,
        None => reference_gcode(chars, surface.as_ref(), machine.as_ref())?,
    };
    let read = InterpretOptions::default().with_dialect(dialect);
    let program = interpret(&gcode, dialect.control_mode(), &read)?;
    let motion = sample_motion(machine.as_ref(), &program, &SampleOptions::default())?;

    let options = SimOptions::default()
        .with_texel(texel)
        .with_threads(threads);
    let mut best = f64::INFINITY;
    let mut swept = 0;
    for _ in 0..repeat {
        let start = Instant::now();
        // Only the simulation is timed, not the count.
        swept = match &stock {
            Some(stock) => {
                let map = simulate_zmap(stock, &tool, &motion, &options)?;
                best = best.min(start.elapsed().as_secs_f64());
                map.count_above(0.0)
            }
            None => {
                let map = simulate(surface.as_ref(), &tool, &motion, &options)?;
                best = best.min(start.elapsed().as_secs_f64());
                map.count_above(0.0)
            }
        };
    }
    println!(
        "threads={} texel={texel} chars={} blocks={} swept={swept} seconds={best:.4} texels_per_s={:.0} blocks_per_s={:.0}",
        threads.map_or_else(|| "all".to_string(), |t| t.to_string()),
        if program_file.is_some() { 0 } else { chars },
        program.moves.len(),
        swept as f64 / best,
        program.moves.len() as f64 / best
    );
    Ok(())
}

/// The reference job's G-code for the first `chars` characters of the phrase: its
/// stages, as `shellcarve::engrave` runs them, without the simulation.
fn reference_gcode(
    chars: usize,
    surface: &dyn Surface,
    machine: &dyn Machine,
) -> Result<String, Box<dyn std::error::Error>> {
    let dialect = Dialect::LinuxcncTcp;
    let engrave = EngraveOptions::default();
    let font = Font::embedded();
    let layout_options = LayoutOptions::default();
    let map = SurfaceMap::from_options(surface, &engrave)?;
    let around = std::f64::consts::TAU * map.r0();
    let cap = auto_cap_height(&font, REFERENCE_PHRASE, around, &layout_options)?;
    let text: String = REFERENCE_PHRASE.chars().take(chars).collect();
    let mut layout = layout_text(&font, &text, cap, &layout_options)?;
    layout.translate(-layout.width / 2.0, 0.0);
    let strategy = StrategyOptions::default().with_strategy(Strategy::Fill);
    let plan = plan_strokes(&layout, &DEFAULT_TOOL, engrave.depth, &strategy)?;
    let toolpath = engrave_strokes(surface, &plan.strokes, &engrave)?;
    let plan_options = PlanOptions::default().with_mode(dialect.control_mode());
    let planned = plan_program(machine, &toolpath, &plan_options)?;
    Ok(emit_for_machine(&planned.program, dialect, machine)?)
}
