//! The two jobs: engrave text (plan, post, read back, simulate, verify) and simulate a
//! G-code program. This is the only place that glues G-code, kinematics and the
//! simulator together.

use std::collections::BTreeMap;

use shellcarve_core::{
    auto_cap_height, engrave_strokes, layout_text, measure_lines, place_artwork, plan_strokes,
    Align, Artwork, EggSpec, EngraveOptions, Font, Isometry3, Layout2d, LayoutOptions, MapKind,
    MoveKind, ProbeFit, Strategy, StrategyOptions, Surface, SurfaceMap, TextDirection, TextHeight,
    Tool, Toolpath, DEFAULT_DEPTH, DEFAULT_DEPTH_TOL,
};
use shellcarve_gcode::{Dialect, InterpretOptions};
use shellcarve_kinematics::{
    check_program_limits, joints_of, lean_toolpath, machine_by_name, plan_program, sample_motion,
    time_program_with, FeedDistance, Machine, MachineConfig, MachineProgram, PlanOptions,
    SampleOptions, DEFAULT_RPM,
};
use shellcarve_sim::{DepthMap, Holder, SimOptions};

use crate::design::IntendedDesign;
use crate::error::{Error, Result};
use crate::report::{
    AxisRangeReport, Checks, DepthReport, GlyphDistortionReport, MoveCounts, ProbeFitReport,
    Report, ScallopReport, SimReport,
};

/// The reference phrase of the mission.
pub const REFERENCE_PHRASE: &str =
    "10th Anniversary of Beijing-Tianjin-Hebei Coordinated Development";
/// The default tool: a 0.2 mm ball-nose engraver (see the README for why).
pub const DEFAULT_TOOL: Tool = Tool::Ball { diameter: 0.2 };
/// Material that must stay under the deepest cut when a shell thickness is given (mm).
pub const DEFAULT_SHELL_MARGIN: f64 = 0.05;
/// Default machine preset.
pub const DEFAULT_MACHINE: &str = "xyzac-trt";

/// Everything an engraving needs. `Default` is the reference job: the reference
/// phrase, embedded font, auto height, the default egg, tool and machine.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EngraveJob {
    /// The text to engrave: one line, or several separated by `\n` (the first line's
    /// baseline goes on the baseline parallel, the others stack below it).
    pub text: String,
    /// The font. Default: the embedded DejaVu Sans Bold.
    pub font: Font,
    /// Cap height. Default [`TextHeight::Auto`].
    pub height: TextHeight,
    /// Letter spacing (mm). Default 0.
    pub letter_spacing: f64,
    /// Alignment of the lines of multi-line text. Default [`Align::Center`].
    pub align: Align,
    /// Baseline-to-baseline distance of multi-line text as a multiple of the cap height.
    /// Default [`shellcarve_core::DEFAULT_LINE_SPACING`].
    pub line_spacing: f64,
    /// The shell. Default [`EggSpec::DEFAULT`] (spheroid 57 × 43 mm).
    pub egg: EggSpec,
    /// The tool. Default [`DEFAULT_TOOL`].
    pub tool: Tool,
    /// Strategy and stepover. Default: fill.
    pub strategy: StrategyOptions,
    /// Depth, clearance, feeds, chord tolerance, longitude.
    pub engrave: EngraveOptions,
    /// Half-width of the depth window (mm). Default [`DEFAULT_DEPTH_TOL`].
    pub depth_tol: f64,
    /// Spindle speed (rpm). Default [`DEFAULT_RPM`].
    pub rpm: f64,
    /// Machine preset name or machine file (`.toml`), see [`resolve_machine`]. Default
    /// [`DEFAULT_MACHINE`].
    pub machine: String,
    /// G-code dialect. Default `linuxcnc-tcp`.
    pub dialect: Dialect,
    /// Shell thickness (mm): when given, a cut deeper than it minus
    /// [`DEFAULT_SHELL_MARGIN`] is an error.
    pub shell_thickness: Option<f64>,
    /// Simulation options (texel size etc.).
    pub sim: SimOptions,
    /// Artwork (an SVG logo) engraved after the text, or alone when the text is empty.
    /// Default none.
    pub artwork: Option<Artwork>,
    /// Height of the artwork (mm). Default: the cap height.
    pub artwork_height: Option<f64>,
    /// A shell fitted to probed points (see [`shellcarve_core::fit_probe`]): when set,
    /// its fitted egg is the shell (in place of `egg`) and the toolpath, planned in the
    /// egg's own frame, is moved by its pose into the workpiece frame where the egg
    /// sits before it is posted. Default none (the egg at the origin, axis along Z).
    pub probe: Option<ProbeFit>,
    /// The tool holder checked against the shell. Default [`Holder::DEFAULT`].
    pub holder: Holder,
}

impl Default for EngraveJob {
    fn default() -> Self {
        Self {
            text: REFERENCE_PHRASE.to_string(),
            font: Font::embedded(),
            height: TextHeight::Auto,
            letter_spacing: 0.0,
            align: Align::Center,
            line_spacing: shellcarve_core::DEFAULT_LINE_SPACING,
            egg: EggSpec::DEFAULT,
            tool: DEFAULT_TOOL,
            strategy: StrategyOptions::default().with_strategy(Strategy::Fill),
            engrave: EngraveOptions::default(),
            depth_tol: DEFAULT_DEPTH_TOL,
            rpm: DEFAULT_RPM,
            machine: DEFAULT_MACHINE.to_string(),
            dialect: Dialect::LinuxcncTcp,
            shell_thickness: None,
            sim: SimOptions::default(),
            artwork: None,
            artwork_height: None,
            probe: None,
            holder: Holder::DEFAULT,
        }
    }
}

impl EngraveJob {
    /// The reference job with other text.
    pub fn with_text(mut self, text: &str) -> Self {
        self.text = text.to_string();
        self
    }

    /// Sets the tool.
    pub fn with_tool(mut self, tool: Tool) -> Self {
        self.tool = tool;
        self
    }

    /// Sets the G-code dialect.
    pub fn with_dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// Sets the machine: a preset name or a `.toml` machine file.
    pub fn with_machine(mut self, machine: &str) -> Self {
        self.machine = machine.to_string();
        self
    }

    /// Sets the cap height.
    pub fn with_height(mut self, height: TextHeight) -> Self {
        self.height = height;
        self
    }

    /// Engraves on a shell fitted to probed points: sets [`EngraveJob::probe`] and
    /// makes `egg` the fitted egg.
    pub fn with_probe(mut self, fit: ProbeFit) -> Self {
        self.egg = fit.egg.clone();
        self.probe = Some(fit);
        self
    }

    /// The shell engraved: the fitted egg of [`EngraveJob::probe`], or `egg`.
    pub fn shell(&self) -> &EggSpec {
        self.probe.as_ref().map_or(&self.egg, |p| &p.egg)
    }
}

/// The result of [`engrave`]: the program, the simulation and the report.
#[derive(Debug)]
pub struct Engraving {
    /// The G-code program.
    pub gcode: String,
    /// The intended toolpath in the workpiece frame (where a probe fit placed the egg,
    /// when the job has one).
    pub toolpath: Toolpath,
    /// The verified simulation of the G-code.
    pub simulation: Simulation,
}

impl Engraving {
    /// The report (also in [`Simulation::report`]).
    pub fn report(&self) -> &Report {
        &self.simulation.report
    }
}

/// Options for [`simulate`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SimulateJob {
    /// The shell the program was written for.
    pub egg: EggSpec,
    /// The tool.
    pub tool: Tool,
    /// The dialect of the program.
    pub dialect: Dialect,
    /// Machine preset name or machine file (`.toml`), see [`resolve_machine`].
    pub machine: String,
    /// Intended depth (mm), the middle of the depth window.
    pub depth: f64,
    /// Half-width of the depth window (mm).
    pub depth_tol: f64,
    /// Least clearance above the surface for rapids (mm).
    pub rapid_clearance: f64,
    /// Shell thickness (mm), for the breakthrough check.
    pub shell_thickness: Option<f64>,
    /// Simulation options.
    pub sim: SimOptions,
    /// Hold only the window's maximum: for programs whose depth varies by design
    /// (V-carving), where shallow cuts near the letters' edges are meant. Default false.
    pub depth_max_only: bool,
    /// A shell fitted to probed points: when set, its fitted egg is the shell (in place
    /// of `egg`) and the program's motion is moved by the inverse of its pose into the
    /// egg's own frame before the simulation. Default none.
    pub probe: Option<ProbeFit>,
    /// The tool holder: the check fails where it comes within
    /// [`shellcarve_sim::HOLDER_MIN_CLEARANCE`] of the shell. Default [`Holder::DEFAULT`].
    pub holder: Holder,
}

impl Default for SimulateJob {
    fn default() -> Self {
        Self {
            egg: EggSpec::DEFAULT,
            tool: DEFAULT_TOOL,
            dialect: Dialect::LinuxcncTcp,
            machine: DEFAULT_MACHINE.to_string(),
            depth: DEFAULT_DEPTH,
            depth_tol: DEFAULT_DEPTH_TOL,
            rapid_clearance: 0.9 * shellcarve_core::DEFAULT_APPROACH,
            shell_thickness: None,
            sim: SimOptions::default(),
            depth_max_only: false,
            probe: None,
            holder: Holder::DEFAULT,
        }
    }
}

/// A simulated program: the shell, the tool motion, the depth map and the report.
#[derive(Debug)]
pub struct Simulation {
    /// The shell surface.
    pub surface: Box<dyn Surface>,
    /// The tool motion as the controller executes the program, in the egg's own frame
    /// (the workpiece frame unless a probe fit moved the egg).
    pub motion: Toolpath,
    /// The simulated cut depths.
    pub depth_map: DepthMap,
    /// What was measured and checked.
    pub report: Report,
    /// The design the cut is compared with (engrave only; `None` for a program
    /// simulated on its own).
    pub intended: Option<IntendedDesign>,
}

impl Simulation {
    /// True when every check passed.
    pub fn passed(&self) -> bool {
        self.report.checks.passed()
    }

    /// The shaded picture of the engraved shell.
    pub fn preview(&self) -> image::RgbImage {
        self.preview_with(&shellcarve_render::ShellViewOptions::default())
    }

    /// The shaded picture of the engraved shell with `options`, for example the views
    /// chosen with [`shellcarve_render::ShellViewOptions::with_view_spec`]. Without a
    /// view spec, text centred on a pole is shown from above that pole and from the
    /// front (the strips along the parallels would cut it in slices).
    pub fn preview_with(&self, options: &shellcarve_render::ShellViewOptions) -> image::RgbImage {
        let pole = self
            .intended
            .as_ref()
            .and_then(|d| d.map.pole_sign())
            .filter(|_| options.view_spec.is_none());
        let spec = pole.and_then(|sign| {
            shellcarve_render::ViewSpec::parse(if sign > 0.0 {
                "top,front"
            } else {
                "bottom,front"
            })
            .ok()
        });
        match spec {
            Some(spec) => shellcarve_render::render_shell(
                self.surface.as_ref(),
                &self.depth_map,
                &options.clone().with_view_spec(Some(spec)),
            ),
            None => {
                shellcarve_render::render_shell(self.surface.as_ref(), &self.depth_map, options)
            }
        }
    }

    /// The colour depth map of the engraved band.
    pub fn depth_map_image(&self) -> image::RgbImage {
        shellcarve_render::render_depth_map(
            &self.depth_map,
            &shellcarve_render::DepthMapImageOptions::default(),
        )
    }

    /// Simulated minus intended depth on the unwrapped band (blue too shallow, red too
    /// deep), or `None` without a design (a program simulated on its own).
    pub fn difference_map_image(&self) -> Option<image::RgbImage> {
        let intended = self.intended.as_ref()?;
        Some(shellcarve_render::render_difference_map(
            &self.depth_map,
            intended,
            intended.depth,
            &shellcarve_render::BandImageOptions::default(),
        ))
    }

    /// The tool motion (cuts and rapids in two colours) over a light depth map of the
    /// unwrapped band.
    pub fn overlay_image(&self) -> image::RgbImage {
        shellcarve_render::render_overlay(
            self.surface.as_ref(),
            &self.depth_map,
            &self.motion,
            &shellcarve_render::BandImageOptions::default(),
        )
    }

    /// The engraved shell as a closed triangle mesh (see
    /// [`shellcarve_render::shell_mesh`]).
    pub fn mesh(
        &self,
        options: &shellcarve_render::MeshOptions,
    ) -> Result<shellcarve_render::Mesh> {
        Ok(shellcarve_render::shell_mesh(
            self.surface.as_ref(),
            &self.depth_map,
            options,
        )?)
    }
}

fn shell_warning(depth: f64, egg: &EggSpec) -> String {
    match (egg.preset(), egg.preset_shell_thickness()) {
        (Some(p), Some((lo, hi))) => format!(
            "no --shell-thickness given: the cut is {depth:.2} mm deep and a typical {} shell is {lo:.2}-{hi:.2} mm thick; give --shell-thickness (measured) to refuse a cut that would break through",
            p.name()
        ),
        _ => format!(
            "no --shell-thickness given: the cut is {depth:.2} mm deep, about a chicken shell's whole thickness (0.33-0.37 mm); give --shell-thickness to refuse a cut that would break through"
        ),
    }
}

fn check_shell(depth: f64, thickness: f64) -> Result<()> {
    if !(thickness.is_finite() && thickness > 0.0) {
        return Err(shellcarve_core::CoreError::InvalidParameter {
            name: "--shell-thickness (mm)".into(),
            value: thickness,
            expected: "a positive thickness in mm".into(),
        }
        .into());
    }
    let limit = thickness - DEFAULT_SHELL_MARGIN;
    if depth > limit {
        return Err(Error::Breakthrough {
            depth_mm: depth,
            thickness_mm: thickness,
            margin_mm: DEFAULT_SHELL_MARGIN,
            limit_mm: limit,
        });
    }
    Ok(())
}

/// Tool tilt from the surface normal above which an engraving warns (degrees).
pub const TILT_WARN: f64 = 1.0;

/// The machine `spec` names: a built-in preset (see
/// [`shellcarve_kinematics::MACHINE_NAMES`]) or a machine file ending in `.toml` (see
/// [`MachineConfig`]).
pub fn resolve_machine(spec: &str) -> Result<Box<dyn Machine>> {
    let path = std::path::Path::new(spec.trim());
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        return Ok(MachineConfig::load(path)?);
    }
    Ok(machine_by_name(spec)?)
}

/// The laid-out text and artwork of a job, and the cap height used. `Auto` picks the
/// largest cap height at which text, gap and artwork (as tall as the cap height unless
/// its height is given) span at most [`shellcarve_core::AUTO_LENGTH_FRACTION`] of
/// `around`.
fn layout_job(job: &EngraveJob, around: f64, options: &LayoutOptions) -> Result<(Layout2d, f64)> {
    let has_text = !job.text.trim().is_empty();
    let Some(art) = &job.artwork else {
        let cap = match job.height {
            TextHeight::Auto => auto_cap_height(&job.font, &job.text, around, options)?,
            TextHeight::CapHeight(h) => h,
        };
        return Ok((layout_text(&job.font, &job.text, cap, options)?, cap));
    };
    let art_h = |cap: f64| job.artwork_height.unwrap_or(cap);
    let cap = match job.height {
        TextHeight::CapHeight(h) => h,
        TextHeight::Auto if !has_text => {
            let target = shellcarve_core::AUTO_LENGTH_FRACTION * around;
            let h = (shellcarve_core::AUTO_HEIGHT_MAX.min(target / art.aspect()) * 100.0).floor()
                / 100.0;
            if h.is_nan() || h < 0.1 {
                // Even 0.1 mm tall, the artwork is longer than the shell is round.
                return Err(shellcarve_core::CoreError::TextTooLong {
                    text_mm: 0.1 * art.aspect(),
                    available_mm: around,
                }
                .into());
            }
            h
        }
        TextHeight::Auto => {
            // Widths are affine in the cap height; shrink until text, gap and art fit.
            let target = shellcarve_core::AUTO_LENGTH_FRACTION * around;
            let mut h = auto_cap_height(&job.font, &job.text, around, options)?;
            for _ in 0..8 {
                let text_w = measure_lines(&job.font, &job.text, h, options)?
                    .into_iter()
                    .fold(0.0, f64::max);
                let total = text_w + shellcarve_core::ARTWORK_GAP * h + art.aspect() * art_h(h);
                if total <= target {
                    break;
                }
                h = (h * target / total * 100.0).floor() / 100.0;
            }
            h
        }
    };
    let text = if has_text {
        Some(layout_text(&job.font, &job.text, cap, options)?)
    } else {
        None
    };
    Ok((place_artwork(text, art, art_h(cap))?, cap))
}

/// Plans, posts, reads back and simulates the engraving of `job.text`.
///
/// Returns an error, and nothing to write, when any input is bad, any pose is out of
/// reach, or the simulated cut fails a check (depth outside the window, a rapid
/// through the shell, an axis limit, breakthrough).
pub fn engrave(job: &EngraveJob) -> Result<Engraving> {
    let egg = job.shell();
    let surface = egg.build()?;
    let tool = job.tool.validate()?;
    let mut warnings = Vec::new();
    let depth = job.engrave.depth;
    shellcarve_core::check_range("--depth (mm)", depth, 0.001, 5.0)?;
    shellcarve_core::check_range("--depth-tol (mm)", job.depth_tol, 0.001, 1.0)?;
    // Without a thickness, `simulate` warns with the simulated depth.
    if let Some(t) = job.shell_thickness {
        check_shell(depth + job.engrave.chord_tol, t)?;
    }
    let machine = resolve_machine(&job.machine)?;
    job.dialect.check_machine(machine.as_ref())?;
    let layout_options = LayoutOptions::default()
        .with_letter_spacing(job.letter_spacing)
        .with_align(job.align)
        .with_line_spacing(job.line_spacing);
    let map = SurfaceMap::from_options(surface.as_ref(), &job.engrave)?;
    let margin = tool.max_radius().min(1.0) + job.engrave.clearance;
    // The length a line may take: around the baseline parallel, or from the baseline
    // parallel to the nearer pole and back for text along the meridian.
    let available = if map.kind() == MapKind::Patch {
        // A patch spans at most a quarter of the parallel from its centre.
        std::f64::consts::FRAC_PI_2 * map.r0()
    } else if map.pole_sign().is_some() {
        // Across the pole, from the widest parallel to the widest parallel.
        (2.0 * map.s0().abs() - 2.0 * margin).max(0.0)
    } else if map.direction() == TextDirection::Meridian {
        let (lo, hi) = surface.s_range();
        (2.0 * (hi - map.s0()).min(map.s0() - lo) - 2.0 * margin).max(0.0)
    } else {
        std::f64::consts::TAU * map.r0()
    };
    let (mut layout, cap) = layout_job(job, available, &layout_options)?;
    layout.translate(-layout.width / 2.0, 0.0);
    if map.kind() == MapKind::Patch || map.pole_sign().is_some() {
        // The patch is centred on the middle of the block, not on its baseline.
        layout.translate(0.0, -0.5 * (layout.y_min + layout.y_max));
    }
    map.check_fit(
        surface.as_ref(),
        layout.width,
        layout.y_min,
        layout.y_max,
        margin,
    )?;
    let distortion = map
        .distortion_box(
            surface.as_ref(),
            -layout.width / 2.0,
            layout.width / 2.0,
            layout.y_min,
            layout.y_max,
        )
        .scale;
    let glyph_distortion = map.glyph_distortions(surface.as_ref(), &layout);
    if let Some(worst) = glyph_distortion
        .iter()
        .filter(|g| g.distortion.needs_warning())
        .max_by(|a, b| a.distortion.scale.total_cmp(&b.distortion.scale))
    {
        let n = glyph_distortion
            .iter()
            .filter(|g| g.distortion.needs_warning())
            .count();
        warnings.push(format!(
            "the {} map distorts {n} glyph(s) beyond {:.0}% scale or {:.0}° angle (worst {:?}: {:.1}%, {:.1}°); {}",
            map.kind(),
            shellcarve_core::DISTORTION_SCALE_WARN * 100.0,
            shellcarve_core::DISTORTION_ANGLE_WARN.to_degrees(),
            worst.ch,
            worst.distortion.scale * 100.0,
            worst.distortion.angle.to_degrees(),
            if map.kind() == MapKind::Patch || map.pole_sign().is_some() {
                "a patch's distortion grows with the square of its size: use a smaller --height or shorter text"
            } else if map.direction() == TextDirection::Meridian {
                "along the meridian it grows with the letters' height and toward the poles: use a smaller --height or shorter text"
            } else {
                "use smaller text, a baseline nearer the widest parallel, or --map conformal"
            }
        ));
    }
    let plan = plan_strokes(&layout, &tool, depth, &job.strategy)?;
    // A plan that runs over the letters by construction would fail the design
    // comparison after the whole simulation: refuse it now, with the planner's advice.
    let overrun_limit = overrun_limit(job.sim.texel);
    if plan.overrun > overrun_limit {
        return Err(Error::Overrun {
            strategy: job.strategy.strategy.to_string(),
            tool: tool.to_string(),
            overrun_mm: plan.overrun,
            tol_mm: overrun_limit,
            detail: plan.warnings.join("; "),
        });
    }
    warnings.extend(plan.warnings.iter().cloned());
    let toolpath = engrave_strokes(surface.as_ref(), &plan.strokes, &job.engrave)?;
    // Planned in the egg's own frame; posted where the probed egg sits.
    let placement = job
        .probe
        .as_ref()
        .map_or_else(Isometry3::identity, |fit| fit.pose);
    let toolpath = match &job.probe {
        Some(fit) => toolpath.transformed(&fit.pose),
        None => toolpath,
    };
    // Where the machine cannot hold the tool along the normal, the tool pivots about
    // each tip's surface point, so that it still enters the shell on the letters.
    // Tips are raised by half what the tilted tool reaches below them, so its floor
    // spans the depth evenly; that span must fit the window.
    let leaned = lean_toolpath(
        machine.as_ref(),
        surface.as_ref(),
        &placement,
        &tool.profile(),
        &toolpath,
    )?;
    if 0.5 * leaned.max_reach_below_tip > job.depth_tol {
        return Err(Error::TiltedReach {
            machine: machine.name().to_string(),
            tool: tool.to_string(),
            reach_mm: leaned.max_reach_below_tip,
            tol_mm: job.depth_tol,
            at_move: leaned.max_reach_move.unwrap_or(0),
        });
    }
    // Centred as it is, a tilted tool's groove may still come out wider than the
    // design comparison allows (a wide V-bit's low flank), on top of what the plan
    // itself runs over: refuse that before simulating. (The estimate takes the worst
    // direction on a flat surface; the simulation then checks the letters' edges.)
    let tilt_overrun = leaned.max_overrun.max(0.0);
    if tilt_overrun > 0.0 && plan.overrun + tilt_overrun > overrun_limit {
        let mut detail = format!(
            "{} holds the tool off the surface normal (toolpath move {}), which widens its groove by up to {:.3} mm; use smaller letters nearer the egg's equator, a narrower tool or a ball, less depth, or a five-axis machine",
            machine.name(),
            leaned.max_overrun_move.unwrap_or(0),
            tilt_overrun
        );
        if plan.overrun > 0.0 {
            detail = format!("{}; and {detail}", plan.warnings.join("; "));
        }
        return Err(Error::Overrun {
            strategy: job.strategy.strategy.to_string(),
            tool: tool.to_string(),
            overrun_mm: plan.overrun + tilt_overrun,
            tol_mm: overrun_limit,
            detail,
        });
    }
    let toolpath = leaned.toolpath;
    let mut header = vec![
        format!(
            "shellcarve {}: engrave {:?}{}",
            env!("CARGO_PKG_VERSION"),
            job.text,
            job.artwork
                .as_ref()
                .map(|a| format!(" with artwork {}", a.name()))
                .unwrap_or_default()
        ),
        format!(
            "egg {} / font {} at cap height {cap:.2} mm / strategy {}",
            egg,
            job.font.name(),
            job.strategy.strategy
        ),
        format!(
            "tool {tool} / depth {depth:.3} mm / feed {} mm/min / {} rpm",
            job.engrave.feed, job.rpm
        ),
        format!(
            "machine {} / post {} / workpiece origin at the egg centre, Z along its axis",
            machine.name(),
            job.dialect
        ),
    ];
    if let Some(fit) = &job.probe {
        let c = fit.centre();
        header.push(format!(
            "egg placed by probe fit ({} points, RMS {:.3} mm): centre ({:.3}, {:.3}, {:.3}) mm, axis tilted {:.3} deg",
            fit.points,
            fit.rms,
            c.x,
            c.y,
            c.z,
            fit.tilt().to_degrees()
        ));
    }
    let mut plan_options = PlanOptions::default()
        .with_mode(job.dialect.control_mode())
        .with_rpm(job.rpm);
    plan_options.header = header;
    let planned = plan_program(machine.as_ref(), &toolpath, &plan_options)?;
    let gcode =
        shellcarve_gcode::emit_for_machine(&planned.program, job.dialect, machine.as_ref())?;

    let sim_job = SimulateJob {
        egg: egg.clone(),
        tool,
        dialect: job.dialect,
        machine: job.machine.clone(),
        depth,
        depth_tol: job.depth_tol,
        rapid_clearance: 0.9 * job.engrave.approach,
        shell_thickness: job.shell_thickness,
        sim: job.sim.clone(),
        // V-carve depths follow the letters' width up to the cap (`depth`): only the
        // window's maximum applies.
        depth_max_only: job.strategy.strategy == Strategy::VCarve,
        probe: job.probe.clone(),
        holder: job.holder,
    };
    let mut simulation = simulate(&gcode, &sim_job)?;
    let intended = IntendedDesign::new(
        layout.clone(),
        map.clone(),
        &job.strategy,
        tool.radius_at(depth),
        depth,
    );
    let design = compare_design(&simulation, &intended);
    let scallop = if job.strategy.strategy == Strategy::Fill {
        let stepover = job.strategy.fill_stepover(&tool, depth)?;
        let measured = shellcarve_sim::measure_scallop(
            &simulation.depth_map,
            simulation.surface.as_ref(),
            &intended,
            tool.radius_at(depth) + simulation.depth_map.texel(),
            depth,
        );
        Some(ScallopReport::of(&tool, stepover, depth, &measured))
    } else {
        None
    };
    simulation.intended = Some(intended);
    let r = &mut simulation.report;
    r.command = "engrave".into();
    r.text = Some(job.text.clone());
    r.artwork = job.artwork.as_ref().map(|a| {
        let (areas, strokes) = a.counts();
        crate::report::ArtworkReport {
            file: a.name().to_string(),
            height_mm: job.artwork_height.unwrap_or(cap),
            areas,
            strokes,
        }
    });
    r.font = Some(job.font.name().to_string());
    r.cap_height_mm = Some(cap);
    r.text_length_mm = Some(layout.width);
    r.strategy = Some(job.strategy.strategy.to_string());
    r.feed_mm_min = Some(job.engrave.feed);
    let chip_load = job.engrave.feed / (job.rpm * f64::from(tool.flutes()));
    let cutting_diameter = 2.0 * tool.radius_at(depth);
    r.chip_load_mm = Some(chip_load);
    r.surface_speed_m_min = Some(std::f64::consts::PI * cutting_diameter * job.rpm / 1000.0);
    if let Some(w) = chip_load_warning(chip_load, cutting_diameter, job) {
        r.warnings.push(w);
    }
    r.coverage_min = Some(plan.min_coverage);
    r.map_scale_distortion = Some(distortion);
    r.glyph_distortion = Some(
        glyph_distortion
            .iter()
            .map(|g| GlyphDistortionReport {
                glyph: g.ch.to_string(),
                x_mm: g.x,
                scale: g.distortion.scale,
                angle_deg: g.distortion.angle.to_degrees(),
            })
            .collect(),
    );
    r.planned_cycle_time_s = Some(planned.cycle_time_s);
    let overcut_ok = design.worst_overcut_mm <= overcut_tolerance(job.sim.texel);
    if !overcut_ok {
        // A tool held off the normal cuts a slanted, wider groove: say so.
        let cause = if planned.max_tilt_error > TILT_WARN.to_radians() {
            format!(
                ": {} holds the tool up to {:.1}° off the surface normal, which widens the groove on one side; use smaller letters nearer the egg's equator, a narrower tool or a ball, less depth, or a five-axis machine",
                machine.name(),
                planned.max_tilt_error.to_degrees()
            )
        } else {
            String::new()
        };
        r.checks.failures.push(format!(
            "the simulated cut reaches {:.3} mm outside the letters (tolerance {:.3} mm){cause}",
            design.worst_overcut_mm,
            overcut_tolerance(job.sim.texel)
        ));
    }
    // A centre line means to draw the letters' skeleton, not to clear them; the plan
    // warns about that itself.
    if design.coverage < shellcarve_core::COVERAGE_WARN
        && job.strategy.strategy != Strategy::Centerline
    {
        r.warnings.push(format!(
            "only {:.0}% of the letter area is cut deeper than {} mm",
            design.coverage * 100.0,
            design.visible_depth_mm
        ));
    }
    r.checks.overcut_ok = Some(overcut_ok);
    r.design = Some(design);
    r.scallop_mm = scallop;
    r.max_path_deviation_mm = Some(planned.max_path_deviation);
    r.max_tilt_error_deg = Some(planned.max_tilt_error.to_degrees());
    r.max_lean_shift_mm = Some(leaned.max_shift);
    if let Some(first) = planned.feed_limited_moves.first() {
        r.warnings.push(format!(
            "{} moves run slower than --feed because an axis of {} reaches its top speed (first: toolpath move {first}); the cycle time includes this",
            planned.feed_limited_moves.len(),
            machine.name()
        ));
    }
    r.feed_limited_moves = Some(planned.feed_limited_moves.clone());
    if planned.max_tilt_error > TILT_WARN.to_radians() {
        r.warnings.push(format!(
            "machine {} cannot point the tool along the surface normal everywhere: it tilts up to {:.2}° from it (toolpath move {}); the tips in the shell are moved up to {:.3} mm so that the slanted tool's cut is centred on the letters, which still widens it by up to {:.3} mm; keep the text near the egg's equator or use a five-axis machine",
            machine.name(),
            planned.max_tilt_error.to_degrees(),
            planned.max_tilt_error_move.unwrap_or(0),
            leaned.max_shift,
            leaned.max_overrun.max(0.0)
        ));
    }
    let mut all = warnings;
    all.append(&mut r.warnings);
    r.warnings = all;
    if !simulation.passed() {
        return Err(Error::Verification(
            simulation.report.checks.failures.join("; "),
        ));
    }
    Ok(Engraving {
        gcode,
        toolpath,
        simulation,
    })
}

/// Chip load per tooth a small carbide engraver takes, as fractions of its cutting
/// diameter: below the first it rubs instead of cutting (heat, a glazed and chipped
/// shell), above the second it risks breaking (micro-tool makers' tables put the
/// usual load for 0.1–1 mm tools at about 0.5–4% of the diameter).
pub const CHIP_LOAD_RANGE: (f64, f64) = (0.002, 0.05);

/// A warning when the chip load lies outside [`CHIP_LOAD_RANGE`] for the tool's
/// cutting diameter, naming the feed or speed that brings it back.
fn chip_load_warning(chip_load: f64, diameter: f64, job: &EngraveJob) -> Option<String> {
    let (lo, hi) = (CHIP_LOAD_RANGE.0 * diameter, CHIP_LOAD_RANGE.1 * diameter);
    let per_mm = job.engrave.feed / chip_load;
    if chip_load < lo {
        Some(format!(
            "chip load {chip_load:.4} mm per tooth is below {lo:.4} mm for a {diameter:.3} mm cut: the tool rubs rather than cuts; raise --feed to at least {:.0} mm/min or lower --rpm",
            lo * per_mm
        ))
    } else if chip_load > hi {
        Some(format!(
            "chip load {chip_load:.4} mm per tooth is above {hi:.4} mm for a {diameter:.3} mm cut: the tool may break; lower --feed to at most {:.0} mm/min or raise --rpm",
            hi * per_mm
        ))
    } else {
        None
    }
}

/// How far outside the intended letters a cut texel may lie (mm): two texels (one for
/// the grid's own rounding on each side) plus 5 µm.
fn overcut_tolerance(texel: f64) -> f64 {
    2.0 * texel + 0.005
}

/// The most a plan may run over the letters' edges by construction (mm): the design
/// comparison's tolerance. (Its grid can add up to about a texel to a real excess, so
/// a plan just inside may still fail the comparison; refusing a texel earlier would
/// refuse jobs that pass it.)
fn overrun_limit(texel: f64) -> f64 {
    overcut_tolerance(texel)
}

/// Compares the simulated cut with the letters as laid out (`layout` already centred
/// on x = 0 and mapped by `map`).
fn compare_design(
    simulation: &Simulation,
    intended: &IntendedDesign,
) -> shellcarve_sim::DesignComparison {
    shellcarve_sim::compare_with_design(
        &simulation.depth_map,
        simulation.surface.as_ref(),
        intended,
        shellcarve_sim::DEFAULT_VISIBLE_DEPTH,
    )
}

/// Reads a G-code program back as the controller would, simulates the material
/// removal on the shell and checks the result. Checks that fail are recorded in the
/// report (`checks`), not returned as errors; bad input is an error.
pub fn simulate(program_text: &str, job: &SimulateJob) -> Result<Simulation> {
    let egg = job.probe.as_ref().map_or(&job.egg, |p| &p.egg);
    let surface = egg.build()?;
    let tool = job.tool.validate()?;
    let machine = resolve_machine(&job.machine)?;
    let mode = job.dialect.control_mode();
    let program = shellcarve_gcode::interpret(
        program_text,
        mode,
        &InterpretOptions::default().with_dialect(job.dialect),
    )?;
    let motion = sample_motion(machine.as_ref(), &program, &SampleOptions::default())?;
    // From the workpiece frame into the frame of the egg where a probe fit placed it.
    let motion = match &job.probe {
        Some(fit) => motion.transformed(&fit.pose.inverse()),
        None => motion,
    };
    // Grbl runs a G94 feed over all its axes together; LinuxCNC over XYZ.
    let rule = if job.dialect == Dialect::Grbl4Axis {
        FeedDistance::AllAxes
    } else {
        FeedDistance::Linuxcnc
    };
    // The checks of the motion and the program need no depth map: they run beside the
    // simulation, on the core its parallel parts leave idle between them.
    let checks = || ProgramChecks {
        rapids: shellcarve_sim::check_rapids(surface.as_ref(), &motion, job.rapid_clearance),
        holder: shellcarve_sim::check_holder(
            surface.as_ref(),
            &motion,
            &job.holder,
            shellcarve_sim::HOLDER_MIN_CLEARANCE,
        ),
        limits: check_program_limits(machine.as_ref(), &program),
        blocks: count_blocks(&program),
        timing: time_program_with(machine.as_ref(), &program, rule),
        axis_ranges: axis_ranges(machine.as_ref(), &program),
    };
    let (depth_map, checks) = rayon::join(
        || shellcarve_sim::simulate(surface.as_ref(), &tool, &motion, &job.sim),
        checks,
    );
    let depth_map = depth_map?;
    let ProgramChecks {
        rapids,
        holder,
        limits,
        blocks: (rapid_blocks, feed_blocks),
        timing,
        axis_ranges,
    } = checks;
    let stats = shellcarve_sim::depth_along_cuts(&depth_map, surface.as_ref(), &motion);
    let window = [job.depth - job.depth_tol, job.depth + job.depth_tol];

    let mut failures = Vec::new();
    let depth_ok = stats.samples > 0
        && (job.depth_max_only || stats.min >= window[0])
        && stats.max <= window[1];
    if stats.samples == 0 {
        failures.push("the program cuts nothing on the shell".to_string());
    } else if !depth_ok {
        failures.push(format!(
            "simulated cut depth {:.4}..{:.4} mm leaves the window {:.3}..{:.3} mm",
            stats.min, stats.max, window[0], window[1]
        ));
    }
    for f in rapids.iter().take(10) {
        failures.push(format!(
            "rapid {} comes within {:.3} mm of the shell{} at θ = {:.2}°, s = {:.3} mm",
            f.line.map_or_else(
                || format!("move {}", f.move_index),
                |l| format!("on line {l}")
            ),
            f.clearance,
            if f.inside { " (inside it)" } else { "" },
            f.coord.0.to_degrees(),
            f.coord.1
        ));
    }
    if let Some(worst) = holder
        .iter()
        .min_by(|a, b| a.clearance.total_cmp(&b.clearance))
    {
        let place = |f: &shellcarve_sim::HolderFinding| {
            format!(
                "{} near θ = {:.2}°, s = {:.3} mm",
                f.line
                    .map_or_else(|| format!("move {}", f.move_index), |l| format!("line {l}")),
                f.coord.0.to_degrees(),
                f.coord.1
            )
        };
        failures.push(format!(
            "the holder ({} mm across, {} mm of tool out) comes closer than {} mm to the shell in {} move(s), first on {}, worst {:.3} mm on {}; use a longer stickout (--holder LxD@STICKOUT), a slimmer holder, or keep the tool nearer the surface normal",
            job.holder.diameter,
            job.holder.stickout,
            shellcarve_sim::HOLDER_MIN_CLEARANCE,
            holder.len(),
            place(&holder[0]),
            worst.clearance,
            place(worst),
        ));
    }
    for e in limits.iter().take(10) {
        failures.push(e.to_string());
    }
    let mut warnings = Vec::new();
    let breakthrough = match job.shell_thickness {
        Some(t) => {
            let b = shellcarve_sim::breakthrough(&depth_map, t, DEFAULT_SHELL_MARGIN);
            if !b.passes {
                failures.push(
                    Error::Breakthrough {
                        depth_mm: b.deepest,
                        thickness_mm: t,
                        margin_mm: DEFAULT_SHELL_MARGIN,
                        limit_mm: t - DEFAULT_SHELL_MARGIN,
                    }
                    .to_string(),
                );
            }
            Some(b.passes)
        }
        None => {
            warnings.push(shell_warning(f64::from(depth_map.max_depth()), egg));
            None
        }
    };
    if let Some(w) = job
        .probe
        .as_ref()
        .and_then(|fit| fit.residual_warning(job.depth_tol))
    {
        warnings.push(w);
    }

    let report = Report {
        command: "simulate".into(),
        text: None,
        font: None,
        artwork: None,
        cap_height_mm: None,
        text_length_mm: None,
        egg: egg.to_string(),
        probe_fit: job.probe.as_ref().map(ProbeFitReport::of),
        tool: tool.to_string(),
        holder: job.holder.to_string(),
        strategy: None,
        machine: machine.name().to_string(),
        post: job.dialect.to_string(),
        spindle_rpm: program.spindle_rpm,
        feed_mm_min: None,
        chip_load_mm: None,
        surface_speed_m_min: None,
        moves: MoveCounts {
            blocks: program.moves.len(),
            rapid: rapid_blocks,
            feed: feed_blocks,
            rapid_length_mm: motion.length(MoveKind::Rapid),
            cut_length_mm: motion.length(MoveKind::Cut),
        },
        cut_depth_mm: DepthReport {
            min: stats.min,
            max: stats.max,
            mean: stats.mean,
            samples: stats.samples,
            deepest_anywhere: f64::from(depth_map.max_depth()),
        },
        depth_window_mm: window,
        depth_window_max_only: job.depth_max_only,
        cycle_time_s: timing.total_s,
        naive_cycle_time_s: timing.naive_s,
        planned_cycle_time_s: None,
        max_path_deviation_mm: None,
        max_tilt_error_deg: None,
        max_lean_shift_mm: None,
        feed_limited_moves: None,
        axis_ranges,
        coverage_min: None,
        map_scale_distortion: None,
        glyph_distortion: None,
        design: None,
        scallop_mm: None,
        simulation: SimReport {
            texel_mm: depth_map.texel(),
            grid: depth_map.info(),
            axes: crate::report::GridAxes::of(&depth_map.info()),
        },
        checks: Checks {
            depth_in_window: depth_ok,
            rapids_clear: rapids.is_empty(),
            holder_clear: holder.is_empty(),
            axis_limits_ok: limits.is_empty(),
            breakthrough_ok: breakthrough,
            overcut_ok: None,
            failures,
        },
        warnings,
    };
    Ok(Simulation {
        surface,
        motion,
        depth_map,
        report,
        intended: None,
    })
}

/// What [`simulate`] checks of the motion and the program alone.
struct ProgramChecks {
    rapids: Vec<shellcarve_sim::RapidFinding>,
    holder: Vec<shellcarve_sim::HolderFinding>,
    limits: Vec<shellcarve_kinematics::KinematicsError>,
    /// Rapid and feed blocks.
    blocks: (usize, usize),
    timing: shellcarve_kinematics::TimedProgram,
    axis_ranges: BTreeMap<String, AxisRangeReport>,
}

fn count_blocks(program: &MachineProgram) -> (usize, usize) {
    let rapid = program
        .moves
        .iter()
        .filter(|m| matches!(m.feed, shellcarve_kinematics::Feed::Rapid))
        .count();
    (rapid, program.moves.len() - rapid)
}

fn axis_ranges(
    machine: &dyn Machine,
    program: &MachineProgram,
) -> BTreeMap<String, AxisRangeReport> {
    let mut out = BTreeMap::new();
    for &axis in machine.axes() {
        let (lo, hi) =
            program
                .moves
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), m| {
                    let v = joints_of(machine, program.mode, &m.target).display_value(axis);
                    (lo.min(v), hi.max(v))
                });
        if lo.is_finite() {
            out.insert(
                axis.to_string(),
                AxisRangeReport {
                    min: lo,
                    max: hi,
                    unit: if axis.is_rotary() { "deg" } else { "mm" },
                    joint: true,
                },
            );
        }
    }
    out
}
