//! Shared inputs of the stage benches: the reference job's stages run one by one with
//! the same settings as [`shellcarve::engrave`] (embedded font, default egg, 0.2 mm ball,
//! fill, `xyzac-trt`, `linuxcnc-tcp`), so each bench times one stage on realistic input.
//!
//! Prefixes of the reference phrase keep the reference job's cap height (auto height of
//! the whole phrase), so the work grows with the text length alone.

#![allow(dead_code, reason = "each bench uses the stages it needs")]

use shellcarve::shellcarve_core::{
    auto_cap_height, engrave_strokes, layout_text, plan_strokes, EggSpec, EngraveOptions, Font,
    Layout2d, LayoutOptions, Strategy, StrategyOptions, Surface, SurfaceMap, Toolpath,
};
use shellcarve::shellcarve_gcode::{emit_for_machine, interpret, Dialect, InterpretOptions};
use shellcarve::shellcarve_kinematics::{
    machine_by_name, plan_program, sample_motion, Machine, PlanOptions, SampleOptions,
};
use shellcarve::{DEFAULT_MACHINE, DEFAULT_TOOL, REFERENCE_PHRASE};

/// The post of the reference job.
pub(crate) const DIALECT: Dialect = Dialect::LinuxcncTcp;

/// The first `chars` characters of the reference phrase.
pub(crate) fn phrase_prefix(chars: usize) -> String {
    REFERENCE_PHRASE.chars().take(chars).collect()
}

/// Text lengths the length-dependent benches run: short, medium, the whole phrase.
pub(crate) fn text_lengths() -> [usize; 3] {
    [10, 30, REFERENCE_PHRASE.chars().count()]
}

/// The reference shell.
pub(crate) fn surface() -> Box<dyn Surface> {
    EggSpec::DEFAULT.build().expect("default egg builds")
}

/// The reference machine.
pub(crate) fn machine() -> Box<dyn Machine> {
    machine_by_name(DEFAULT_MACHINE).expect("default machine exists")
}

/// The cap height the reference job picks for the whole phrase (mm).
pub(crate) fn reference_cap_height(surface: &dyn Surface) -> f64 {
    let map = SurfaceMap::from_options(surface, &EngraveOptions::default()).expect("map");
    let around = std::f64::consts::TAU * map.r0();
    auto_cap_height(
        &Font::embedded(),
        REFERENCE_PHRASE,
        around,
        &LayoutOptions::default(),
    )
    .expect("auto height")
}

/// `text` laid out at `cap` mm, centred on x = 0 as the reference job does.
pub(crate) fn layout(text: &str, cap: f64) -> Layout2d {
    let mut layout = layout_text(&Font::embedded(), text, cap, &LayoutOptions::default())
        .expect("text lays out");
    layout.translate(-layout.width / 2.0, 0.0);
    layout
}

/// Fill strokes of `layout` mapped onto `surface`: the workpiece-frame toolpath.
pub(crate) fn toolpath(surface: &dyn Surface, layout: &Layout2d) -> Toolpath {
    let strategy = StrategyOptions::default().with_strategy(Strategy::Fill);
    let options = EngraveOptions::default();
    let plan = plan_strokes(layout, &DEFAULT_TOOL, options.depth, &strategy).expect("plans");
    engrave_strokes(surface, &plan.strokes, &options).expect("maps onto the shell")
}

/// The G-code of a toolpath for the reference machine and post.
pub(crate) fn gcode(machine: &dyn Machine, toolpath: &Toolpath) -> String {
    let options = PlanOptions::default().with_mode(DIALECT.control_mode());
    let planned = plan_program(machine, toolpath, &options).expect("reachable");
    emit_for_machine(&planned.program, DIALECT, machine).expect("posts")
}

/// The tool motion of `gcode` as the controller executes it (what the simulator cuts).
pub(crate) fn motion(machine: &dyn Machine, gcode: &str) -> Toolpath {
    let options = InterpretOptions::default().with_dialect(DIALECT);
    let program = interpret(gcode, DIALECT.control_mode(), &options).expect("reads back");
    sample_motion(machine, &program, &SampleOptions::default()).expect("samples")
}
