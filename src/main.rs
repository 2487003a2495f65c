//! The `shellcarve` command-line program.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use shellcarve::shellcarve_core::{
    fit_probe, Align, Artwork, Baseline, EggSpec, FillPattern, FitOptions, Font, MapKind,
    OutlineOffset, Probe, Strategy, StrategyOptions, TextDirection, TextHeight, Tool,
    DEFAULT_CLEARANCE, DEFAULT_DEPTH, DEFAULT_DEPTH_TOL, DEFAULT_FEED,
};
use shellcarve::shellcarve_gcode::Dialect;
use shellcarve::shellcarve_kinematics::{machine_by_name, MACHINE_NAMES};
use shellcarve::shellcarve_render::{
    MeshFormat, MeshOptions, ShellViewOptions, ViewSpec, DEFAULT_MESH_TEXEL,
};
use shellcarve::shellcarve_sim::{Holder, Progress, DEFAULT_MAX_AXIS_TURN, DEFAULT_TEXEL};
use shellcarve::{EngraveJob, SimulateJob, Simulation, REFERENCE_PHRASE};

/// Prints to standard output; a reader that closes the pipe early
/// (`shellcarve fonts | head`) is not an error, so the write result is dropped.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// [`out!`] with a newline.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Exit status of `simulate` when the program runs but a check fails (1 is an error,
/// 2 a command-line usage error).
const EXIT_CHECK_FAILED: u8 = 3;

/// Engrave text onto egg shells with five-axis CNC machines, and simulate the G-code
/// before any egg breaks.
#[derive(Debug, Parser)]
#[command(name = "shellcarve", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Plan, post and verify the engraving of a line of text.
    Engrave(Box<EngraveArgs>),
    /// Simulate a G-code program on the shell and check it.
    Simulate(Box<SimulateArgs>),
    /// List the built-in machines, or print one as TOML (`--show NAME`).
    Machines(MachinesArgs),
    /// G-code tools: `canon PROGRAM` prints our reading of a program.
    #[command(subcommand)]
    Gcode(GcodeCommand),
    /// List the embedded font, the built-in single-stroke fonts and the fonts found on
    /// this system.
    Fonts,
}

/// Options shared by `engrave` and `simulate`.
#[derive(Debug, Args)]
struct ShellArgs {
    /// The shell (mm): spheroid:LxB, sphere:D, hugelschaffer:LxBxW (W = shift of the
    /// widest parallel toward the blunt end), narushin:LxBxWxD (D = diameter a quarter
    /// of the length from the pointed end), profile:FILE.csv (rows z,r from pole to
    /// pole), or a preset: chicken, duck, goose, ostrich.
    #[arg(long, default_value = "spheroid:57x43")]
    egg: String,
    /// The tool holder, checked against the shell along the whole motion:
    /// LENGTHxDIAMETER@STICKOUT in mm (STICKOUT = tool out of the collet, tip to the
    /// holder's face). Default: an ER11 nut with the spindle nose, 16 mm across.
    #[arg(long, default_value = "40x16@15")]
    holder: String,
    /// Points probed on the shell: a CSV file of x,y,z rows (mm, workpiece frame; a
    /// header line and # comments allowed). The --egg model's dimensions (a preset fits
    /// as a Hügelschäffer egg, a profile keeps its shape) and the egg's position and
    /// axis tilt are fitted to them, and the cut follows the fitted shell where it sits.
    #[arg(long, value_name = "FILE.csv")]
    probe: Option<PathBuf>,
    /// The tool: ball:D, flat:D, v:ANGLE:TIP or taper:TIP:ANGLE[:SHANK] (tapered ball;
    /// mm, degrees).
    #[arg(long, default_value = "ball:0.2")]
    tool: String,
    /// Machine: a preset (see `shellcarve machines`) or a machine file FILE.toml (start
    /// from `shellcarve machines --show NAME`).
    #[arg(long, default_value = "xyzac-trt")]
    machine: String,
    /// G-code dialect: linuxcnc-tcp, linuxcnc-joint, fanuc-tcpm (five-axis) or
    /// grbl-4axis (xyza-rotary).
    #[arg(long, default_value = "linuxcnc-tcp")]
    post: String,
    /// Engraving depth along the surface normal (mm).
    #[arg(long, default_value_t = DEFAULT_DEPTH, allow_negative_numbers = true)]
    depth: f64,
    /// Half-width of the depth window (mm): the cut must stay within depth ± this.
    #[arg(long, default_value_t = DEFAULT_DEPTH_TOL, allow_negative_numbers = true)]
    depth_tol: f64,
    /// Shell thickness (mm): a cut deeper than this minus 0.05 mm is refused.
    #[arg(long, allow_negative_numbers = true)]
    shell_thickness: Option<f64>,
    /// Simulation texel size (mm).
    #[arg(long, default_value_t = DEFAULT_TEXEL, allow_negative_numbers = true)]
    texel: f64,
    /// Largest turn of the tool axis the simulator sweeps at one orientation
    /// (degrees); a move that turns more is split. A tool point D mm from the tip is
    /// then placed within D·turn/2 (0.87 µm at 0.4 mm by default); halve it for half
    /// the error and about twice the time.
    #[arg(long, value_name = "DEG", default_value_t = DEFAULT_MAX_AXIS_TURN.to_degrees(), allow_negative_numbers = true)]
    max_axis_turn: f64,
    /// Write a shaded picture of the engraved egg (PNG).
    #[arg(long)]
    preview: Option<PathBuf>,
    /// Whole-egg views of the --preview picture, left to right, comma-separated:
    /// front (facing the text's centre), back, left, right (90° against or along the
    /// reading direction), all 15° above the equator; top, bottom (down and up the egg's
    /// axis); az:DEG[:EL] (degrees from the front, elevation -90 to 90, default 15);
    /// turntable:N (N views evenly around the egg, in one strip); strips (the zoomed
    /// strips of the engraved band below). Example: front,back,top. Default: one to
    /// three views spread over the text, above the zoomed strips.
    #[arg(long, value_name = "SPEC")]
    views: Option<ViewSpec>,
    /// Write a colour depth map of the engraved band (PNG).
    #[arg(long)]
    depth_map: Option<PathBuf>,
    /// Write the engraved shell as a closed mesh: FILE.stl (binary STL) or FILE.ply
    /// (binary little-endian PLY), in mm in the workpiece frame.
    #[arg(long, value_name = "FILE")]
    mesh: Option<PathBuf>,
    /// Spacing of the mesh where the shell is cut (mm), rounded to a whole number of
    /// simulation texels; elsewhere the mesh is 1° × 0.5 mm.
    #[arg(long, value_name = "MM", default_value_t = DEFAULT_MESH_TEXEL, allow_negative_numbers = true)]
    mesh_texel: f64,
    /// Write the depth map as data: a NumPy .npy float32 array in mm, rows along s,
    /// columns along θ (origin, texel sizes and axes in the report under
    /// simulation.grid and simulation.axes).
    #[arg(long, value_name = "FILE.npy")]
    depth_data: Option<PathBuf>,
    /// Write simulated minus intended depth on the unwrapped band (PNG; blue too
    /// shallow, red too deep). Engrave only: it needs the design.
    #[arg(long, value_name = "FILE.png")]
    difference_map: Option<PathBuf>,
    /// Write the tool motion (cuts and rapids) over the unwrapped band (PNG).
    #[arg(long, value_name = "FILE.png")]
    overlay: Option<PathBuf>,
    /// Write the machine-readable report (JSON).
    #[arg(long)]
    report: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct EngraveArgs {
    /// The text to engrave; a newline (or the two characters \n) starts a new line.
    /// Default: the reference phrase, or nothing when --svg is given.
    text: Option<String>,
    /// A line of text (repeat for several lines; replaces TEXT).
    #[arg(long = "line", value_name = "TEXT", conflicts_with = "text")]
    lines: Vec<String>,
    /// Alignment of the lines of multi-line text: left, center or right.
    #[arg(long, default_value = "center")]
    align: String,
    /// Baseline-to-baseline distance of multi-line text, as a multiple of the cap
    /// height. The first line's baseline sits on the baseline parallel; the others
    /// stack below it.
    #[arg(long, default_value_t = shellcarve::shellcarve_core::DEFAULT_LINE_SPACING, allow_negative_numbers = true)]
    line_spacing: f64,
    /// SVG artwork (paths only: filled shapes are areas, stroked-only paths are lines)
    /// engraved after the text, or alone when no text is given.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Height of the SVG artwork (mm); default: the cap height.
    #[arg(
        long,
        value_name = "MM",
        allow_negative_numbers = true,
        requires = "svg"
    )]
    svg_height: Option<f64>,
    /// Write the G-code here (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Plan, simulate and check, print what would be cut, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// A TrueType/OpenType font file (.ttf, .otf, .ttc), or hershey:NAME for a built-in
    /// single-stroke font (see `shellcarve fonts`); default: the embedded DejaVu Sans
    /// Bold.
    #[arg(long)]
    font: Option<String>,
    /// Face index in a font collection (.ttc).
    #[arg(long, default_value_t = 0)]
    font_index: u32,
    /// Cap height in mm, or auto (at most 5 mm, the line spanning at most 85% of the
    /// circumference).
    #[arg(long, default_value = "auto", allow_negative_numbers = true)]
    height: String,
    /// Extra space after every letter (mm).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    letter_spacing: f64,
    /// outline (trace the letters' contours), fill (pocket them), vcarve (V-bits
    /// only: depth from the letter's local half-width, capped at --depth, flat-bottom
    /// clearing where wider; the depth window then applies as a maximum only) or
    /// centerline (one pass along each stroke of a single-stroke font).
    #[arg(long, default_value = "fill")]
    strategy: String,
    /// How fill clears the letters: hatch (linked scan lines along the baseline) or
    /// offset (contour-parallel loops, from the letter edge inward).
    #[arg(long, default_value = "hatch")]
    fill_pattern: String,
    /// After fill, one pass around every letter edge (the tool just touching it), so
    /// the edges are cut clean.
    #[arg(long)]
    finish: bool,
    /// With outline: run the tool centre one cutting radius inside each contour, so
    /// the letters keep their size (default: the centre on the contour).
    #[arg(long)]
    outline_inside: bool,
    /// Distance between fill passes (mm); default 35% of the tool's cutting width.
    #[arg(long, allow_negative_numbers = true)]
    stepover: Option<f64>,
    /// Cutting feed (mm/min).
    #[arg(long, default_value_t = DEFAULT_FEED, allow_negative_numbers = true)]
    feed: f64,
    /// Spindle speed (rpm).
    #[arg(long, default_value_t = 18000.0, allow_negative_numbers = true)]
    rpm: f64,
    /// Clearance above the surface for rapids (mm).
    #[arg(long, default_value_t = DEFAULT_CLEARANCE, allow_negative_numbers = true)]
    clearance: f64,
    /// Longitude of the middle of the line (degrees).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    lon: f64,
    /// Put the baseline on the parallel at this height z (mm, workpiece frame: origin
    /// at the middle of the egg's length, +Z toward the pointed end). Default: the
    /// widest parallel.
    #[arg(long, allow_negative_numbers = true, conflicts_with = "lat")]
    baseline_z: Option<f64>,
    /// Put the baseline on the parallel at this latitude (degrees): the angle of the
    /// surface normal above the widest parallel's plane, + toward the pointed end;
    /// 0 = the widest parallel.
    #[arg(long, allow_negative_numbers = true)]
    lat: Option<f64>,
    /// Map from the text plane to the shell: arclength (lengths kept along the
    /// baseline and the meridians), conformal (angles kept, size grows with the
    /// parallel's radius), patch (short text on the side: the block centred on the
    /// point at --lon and the baseline parallel, in geodesic polar coordinates around it)
    /// or pole (text on the pointed tip, centred on the pole, the letters' bottom toward
    /// --lon; pole:blunt for the blunt end).
    #[arg(long, default_value = "arclength")]
    map: String,
    /// Which way the text runs: parallel (around the egg, the default) or meridian
    /// (from the blunt end toward the pointed end along the meridian at --lon, centred
    /// on the baseline parallel; arclength map only).
    #[arg(long, default_value = "parallel")]
    along: String,
    #[command(flatten)]
    shell: ShellArgs,
}

#[derive(Debug, Args)]
struct SimulateArgs {
    /// The G-code program to simulate.
    program: PathBuf,
    /// Simulate a three-axis program on a box of stock instead of the shell, on a flat
    /// Z-map: box:XxYxZ in mm, work zero at the front-left corner of the top face (the
    /// stock spans x 0..X, y 0..Y, z -Z..0). The tool must stay along +Z. Uses --tool,
    /// --machine, --post, --texel, --report and --depth-map; the shell's options are
    /// not used.
    #[arg(long, value_name = "box:XxYxZ")]
    stock: Option<String>,
    #[command(flatten)]
    shell: ShellArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_chain(&e));
            ExitCode::from(1)
        }
    }
}

/// The error with its causes, leaving out a cause whose text the message already
/// holds (the libraries' messages name their cause themselves).
fn error_chain(e: &anyhow::Error) -> String {
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    msg
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Engrave(args) => engrave(*args),
        Command::Simulate(args) => simulate(*args),
        Command::Machines(MachinesArgs { show: Some(name) }) => {
            let config = shellcarve::resolve_machine(&name)?.config();
            out!("{}", config.to_toml()?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Gcode(GcodeCommand::Canon { program, post }) => {
            use shellcarve::shellcarve_gcode::{write_canon_from, GcodeError, InterpretOptions};
            let dialect = Dialect::parse(&post)?;
            let file = std::fs::File::open(&program)
                .with_context(|| format!("cannot read the program {}", program.display()))?;
            // Read and printed a block at a time, as `rs274 -g` does: an error comes
            // after the commands of the lines before it.
            let options = InterpretOptions::default().with_dialect(dialect);
            match write_canon_from(file, &options, std::io::stdout()) {
                // A broken pipe (`| head`) is not an error, as for `out!`.
                Ok(()) | Err(GcodeError::Io(_)) => Ok(ExitCode::SUCCESS),
                Err(e @ GcodeError::Read(_)) => {
                    Err(e).with_context(|| format!("cannot read the program {}", program.display()))
                }
                Err(e) => Err(e).with_context(|| format!("{}", program.display())),
            }
        }
        Command::Machines(MachinesArgs { show: None }) => {
            for name in MACHINE_NAMES {
                let m = machine_by_name(name)?;
                outln!("{name}");
                for &axis in m.axes() {
                    if let Some(l) = m.limit(axis) {
                        let (k, unit) = if axis.is_rotary() {
                            (180.0 / std::f64::consts::PI, "deg")
                        } else {
                            (1.0, "mm")
                        };
                        outln!(
                            "  {axis}: {:.1} .. {:.1} {unit}, {:.0} {unit}/s",
                            l.min * k,
                            l.max * k,
                            l.max_velocity * k
                        );
                    }
                }
                let s = m.spindle();
                outln!("  spindle: {:.0} .. {:.0} rpm", s.min_rpm, s.max_rpm);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Fonts => {
            outln!(
                "default  {}",
                shellcarve::shellcarve_core::EMBEDDED_FONT_NAME
            );
            for (name, what) in shellcarve::shellcarve_core::HERSHEY_FONTS {
                outln!("hershey:{name}  {what} (built in, single stroke)");
            }
            for (path, names) in system_fonts() {
                if names.len() == 1 {
                    outln!("{}  {}", path.display(), names[0]);
                } else {
                    outln!("{}  (use --font-index N)", path.display());
                    for (i, name) in names.iter().enumerate() {
                        outln!("    {i}: {name}");
                    }
                }
            }
            outln!(
                "\nCredit for the hershey: fonts: {}",
                shellcarve::shellcarve_core::HERSHEY_CREDIT
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Font files under the usual system folders, with the full name of each face.
fn system_fonts() -> Vec<(PathBuf, Vec<String>)> {
    let mut out = Vec::new();
    let mut stack = vec![
        PathBuf::from("/usr/share/fonts"),
        PathBuf::from("/usr/local/share/fonts"),
    ];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension()
                    .and_then(|x| x.to_str())
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
                Some("ttf" | "otf" | "ttc")
            ) {
                let names = std::fs::read(&p)
                    .map(|b| Font::face_names(&b))
                    .unwrap_or_default();
                if !names.is_empty() {
                    out.push((p, names));
                }
            }
        }
    }
    out.sort();
    out
}

fn simulate_job(shell: &ShellArgs) -> Result<SimulateJob> {
    let mut job = SimulateJob::default();
    job.egg = EggSpec::parse(&shell.egg)?;
    if let Some(path) = &shell.probe {
        let probe = Probe::from_file(path)?;
        let fit = fit_probe(&job.egg, &probe, &FitOptions::default())?;
        eprintln!("{}", fit.summary());
        job.egg = fit.egg.clone();
        job.probe = Some(fit);
    }
    job.tool = Tool::parse(&shell.tool)?;
    job.dialect = Dialect::parse(&shell.post)?;
    let machine = shellcarve::resolve_machine(&shell.machine)?;
    job.dialect.check_machine(machine.as_ref())?;
    job.machine = shell.machine.clone();
    job.depth = shell.depth;
    job.depth_tol = shell.depth_tol;
    job.shell_thickness = shell.shell_thickness;
    job.holder = Holder::parse(&shell.holder)?;
    shellcarve::shellcarve_core::check_range(
        "--max-axis-turn (degrees)",
        shell.max_axis_turn,
        1e-4,
        28.0,
    )?;
    job.sim = job
        .sim
        .clone()
        .with_texel(shell.texel)
        .with_max_axis_turn(shell.max_axis_turn.to_radians())
        .with_progress(progress_bar());
    Ok(job)
}

/// Checks that no output overwrites an input or another output, and that every
/// output's directory exists, before any work is done.
fn check_outputs(inputs: &[&Path], outputs: &[&Path]) -> Result<()> {
    for (i, out) in outputs.iter().enumerate() {
        let dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            bail!(
                "cannot write {}: the directory {} does not exist",
                out.display(),
                dir.display()
            );
        }
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        for input in inputs {
            if canon(out) == canon(input) {
                bail!(
                    "the output {} is also an input; choose another output file",
                    out.display()
                );
            }
        }
        for other in &outputs[..i] {
            if canon(out) == canon(other) {
                bail!(
                    "{} is given as two outputs; give each output its own file",
                    out.display()
                );
            }
        }
    }
    Ok(())
}

fn write_outputs(sim: &Simulation, shell: &ShellArgs) -> Result<()> {
    // Render everything first, then write: a failure leaves no new file.
    // The two pictures side by side, each encoded as soon as it is drawn: each leaves
    // a core idle in its serial parts.
    let (preview, depth) = rayon::join(
        || {
            shell.preview.as_ref().map(|path| {
                let view = ShellViewOptions::default().with_view_spec(shell.views.clone());
                shellcarve::shellcarve_render::encode_png(&sim.preview_with(&view), path)
                    .with_context(|| format!("writing the preview {}", path.display()))
            })
        },
        || {
            shell.depth_map.as_ref().map(|path| {
                shellcarve::shellcarve_render::encode_png(&sim.depth_map_image(), path)
                    .with_context(|| format!("writing the depth map {}", path.display()))
            })
        },
    );
    let (preview, depth) = (preview.transpose()?, depth.transpose()?);
    let difference =
        match &shell.difference_map {
            Some(_) => Some(sim.difference_map_image().context(
                "--difference-map needs the design, which only `shellcarve engrave` has",
            )?),
            None => None,
        };
    let overlay = shell.overlay.as_ref().map(|_| sim.overlay_image());
    let mesh = match &shell.mesh {
        Some(path) => {
            let format = MeshFormat::from_path(path)?;
            let options = MeshOptions::default().with_texel(shell.mesh_texel);
            Some((sim.mesh(&options)?, format))
        }
        None => None,
    };
    for (path, img, what) in [
        (&shell.difference_map, &difference, "difference map"),
        (&shell.overlay, &overlay, "toolpath overlay"),
    ] {
        if let (Some(path), Some(img)) = (path, img) {
            shellcarve::shellcarve_render::save_png_atomic(img, path)
                .with_context(|| format!("writing the {what} {}", path.display()))?;
        }
    }
    if let (Some(path), Some((mesh, format))) = (&shell.mesh, &mesh) {
        shellcarve::shellcarve_render::save_mesh_atomic(mesh, path, *format)
            .with_context(|| format!("writing the mesh {}", path.display()))?;
        eprintln!(
            "mesh {}: {} triangles, {} vertices, {:.3} mm³",
            path.display(),
            mesh.triangles.len(),
            mesh.vertices.len(),
            mesh.volume()
        );
    }
    if let Some(path) = &shell.depth_data {
        shellcarve::shellcarve_render::save_depth_npy_atomic(&sim.depth_map, path)
            .with_context(|| format!("writing the depth data {}", path.display()))?;
    }
    if let (Some(path), Some(png)) = (&shell.preview, &preview) {
        shellcarve::shellcarve_render::save_encoded_png_atomic(png, path)
            .with_context(|| format!("writing the preview {}", path.display()))?;
    }
    if let (Some(path), Some(png)) = (&shell.depth_map, &depth) {
        shellcarve::shellcarve_render::save_encoded_png_atomic(png, path)
            .with_context(|| format!("writing the depth map {}", path.display()))?;
    }
    if let Some(path) = &shell.report {
        shellcarve::write_atomic(path, sim.report.to_json().as_bytes())?;
    }
    Ok(())
}

/// A terminal progress bar for the simulation, on standard error only when it is a
/// terminal (never in pipes or CI logs), shown for simulations of at least 32 tiles.
fn progress_bar() -> Option<Progress> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::hidden();
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "simulating [{bar:40.cyan/blue}] {pos}/{len} tiles, {eta} left",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(Progress::new(move |done, total| {
        if done == 0 {
            bar.reset();
            bar.set_length(total as u64);
            if total >= 32 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        }
        bar.set_position(done as u64);
        if done >= total {
            bar.finish_and_clear();
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
    }))
}

/// Checks the options of the extra outputs before any work: the mesh format and
/// texel, and that a difference map is asked of a job that has a design.
fn check_shell_args(shell: &ShellArgs, has_design: bool) -> Result<()> {
    if let Some(path) = &shell.mesh {
        MeshFormat::from_path(path)?;
    }
    if !(shell.mesh_texel.is_finite() && (0.001..=10.0).contains(&shell.mesh_texel)) {
        bail!(
            "--mesh-texel {} is invalid: give a spacing from 0.001 to 10 mm",
            shell.mesh_texel
        );
    }
    if shell.views.is_some() && shell.preview.is_none() {
        bail!("--views chooses the views of the preview picture; add --preview FILE.png");
    }
    if shell.difference_map.is_some() && !has_design {
        bail!("--difference-map compares the cut with the design, which a G-code program alone does not carry; use it with `shellcarve engrave`");
    }
    Ok(())
}

fn shell_outputs(shell: &ShellArgs) -> Vec<&Path> {
    [
        &shell.preview,
        &shell.depth_map,
        &shell.mesh,
        &shell.depth_data,
        &shell.difference_map,
        &shell.overlay,
        &shell.report,
    ]
    .into_iter()
    .flatten()
    .map(PathBuf::as_path)
    .collect()
}

fn engrave(args: EngraveArgs) -> Result<ExitCode> {
    let mut outputs = shell_outputs(&args.shell);
    if let Some(o) = &args.output {
        outputs.push(o);
    }
    let inputs: Vec<&Path> = args
        .font
        .iter()
        .filter(|f| !f.starts_with("hershey:"))
        .map(Path::new)
        .chain(args.svg.as_deref())
        .chain(args.shell.probe.as_deref())
        .collect();
    check_outputs(&inputs, &outputs)?;
    check_shell_args(&args.shell, true)?;

    let sim = simulate_job(&args.shell)?;
    let mut job = EngraveJob::default();
    job.text = match (&args.text, args.lines.is_empty(), &args.svg) {
        (_, false, _) => args.lines.join("\n"),
        (Some(t), true, _) => t.replace("\\n", "\n"),
        (None, true, Some(_)) => String::new(),
        (None, true, None) => REFERENCE_PHRASE.to_string(),
    };
    if let Some(svg) = &args.svg {
        job.artwork = Some(Artwork::from_svg_file(svg)?);
    }
    job.artwork_height = args.svg_height;
    job.align = Align::parse(&args.align)?;
    job.line_spacing = args.line_spacing;
    job.font = match &args.font {
        Some(spec) => Font::from_spec(spec, args.font_index)?,
        None => Font::embedded(),
    };
    job.height = TextHeight::parse(&args.height)?;
    job.letter_spacing = args.letter_spacing;
    job.egg = sim.egg.clone();
    job.probe = sim.probe.clone();
    job.tool = sim.tool;
    let mut strategy = StrategyOptions::default().with_strategy(Strategy::parse(&args.strategy)?);
    if let Some(s) = args.stepover {
        strategy = strategy.with_stepover(s);
    }
    strategy = strategy
        .with_fill_pattern(FillPattern::parse(&args.fill_pattern)?)
        .with_finish(args.finish);
    if args.outline_inside {
        strategy = strategy.with_outline_offset(OutlineOffset::Inside);
    }
    job.strategy = strategy;
    job.engrave = job
        .engrave
        .clone()
        .with_depth(args.shell.depth)
        .with_feed(args.feed)
        .with_clearance(args.clearance);
    job.engrave.theta_center = args.lon.to_radians();
    job.engrave.map = MapKind::parse(&args.map)?;
    job.engrave.direction = TextDirection::parse(&args.along)?;
    if let Some(z) = args.baseline_z {
        job.engrave.baseline = Baseline::Z(z);
    } else if let Some(lat) = args.lat {
        job.engrave.baseline = Baseline::Latitude(lat.to_radians());
    }
    job.depth_tol = args.shell.depth_tol;
    job.rpm = args.rpm;
    job.machine = sim.machine.clone();
    job.dialect = sim.dialect;
    job.shell_thickness = sim.shell_thickness;
    job.sim = sim.sim.clone();
    job.holder = sim.holder;

    let engraving = shellcarve::engrave(&job)?;
    let summary = engraving.report().summary();
    if args.dry_run {
        out!("{summary}");
        outln!("dry run: nothing written");
        return Ok(ExitCode::SUCCESS);
    }
    write_outputs(&engraving.simulation, &args.shell)?;
    match &args.output {
        Some(path) => {
            shellcarve::write_atomic(path, engraving.gcode.as_bytes())?;
            out!("{summary}");
            outln!("wrote {}", path.display());
        }
        None => {
            out!("{}", engraving.gcode);
            eprint!("{summary}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn simulate(args: SimulateArgs) -> Result<ExitCode> {
    if let Some(spec) = &args.stock {
        return simulate_box(&args, spec);
    }
    let inputs: Vec<&Path> = std::iter::once(args.program.as_path())
        .chain(args.shell.probe.as_deref())
        .collect();
    check_outputs(&inputs, &shell_outputs(&args.shell))?;
    check_shell_args(&args.shell, false)?;
    let job = simulate_job(&args.shell)?;
    let text = std::fs::read_to_string(&args.program)
        .with_context(|| format!("cannot read the program {}", args.program.display()))?;
    let sim = shellcarve::simulate(&text, &job)?;
    write_outputs(&sim, &args.shell)?;
    out!("{}", sim.report.summary());
    Ok(if sim.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_CHECK_FAILED)
    })
}

/// `simulate --stock box:XxYxZ`: a three-axis program on a box of stock, through the
/// flat Z-map.
fn simulate_box(args: &SimulateArgs, spec: &str) -> Result<ExitCode> {
    use shellcarve::shellcarve_gcode::{interpret, InterpretOptions};
    use shellcarve::shellcarve_kinematics::{sample_motion, SampleOptions};
    use shellcarve::shellcarve_sim::{simulate_zmap, BoxStock, DepthMap, SimOptions};

    let shell = &args.shell;
    for (given, name) in [
        (shell.preview.is_some(), "--preview"),
        (shell.mesh.is_some(), "--mesh"),
        (shell.depth_data.is_some(), "--depth-data"),
        (shell.difference_map.is_some(), "--difference-map"),
        (shell.overlay.is_some(), "--overlay"),
        (shell.probe.is_some(), "--probe"),
    ] {
        if given {
            bail!("{name} works on the shell, not with --stock; use --report or --depth-map");
        }
    }
    let outputs: Vec<&Path> = [&shell.report, &shell.depth_map]
        .into_iter()
        .flatten()
        .map(PathBuf::as_path)
        .collect();
    check_outputs(&[args.program.as_path()], &outputs)?;
    let stock = BoxStock::parse(spec)?;
    let tool = Tool::parse(&shell.tool)?;
    let dialect = Dialect::parse(&shell.post)?;
    let machine = shellcarve::resolve_machine(&shell.machine)?;
    dialect.check_machine(machine.as_ref())?;
    let text = std::fs::read_to_string(&args.program)
        .with_context(|| format!("cannot read the program {}", args.program.display()))?;
    let program = interpret(
        &text,
        dialect.control_mode(),
        &InterpretOptions::default().with_dialect(dialect),
    )
    .with_context(|| format!("{}", args.program.display()))?;
    let motion = sample_motion(machine.as_ref(), &program, &SampleOptions::default())?;
    let options = SimOptions::default()
        .with_texel(shell.texel)
        .with_max_axis_turn(shell.max_axis_turn.to_radians())
        .with_progress(progress_bar());
    let start = std::time::Instant::now();
    let map = simulate_zmap(&stock, &tool, &motion, &options)?;
    let seconds = start.elapsed().as_secs_f64();

    let below = motion
        .segments()
        .filter(|(from, to)| from.tip.z.min(to.pose.tip.z) < 0.0)
        .count();
    let (w, h) = map.dims();
    let deepest = map.deepest();
    outln!(
        "three-axis Z-map: stock {stock}, tool {tool}, texel {} mm ({w} x {h} texels, {} tiles cut)",
        map.texel(),
        map.info().tiles_allocated
    );
    outln!(
        "moves: {} ({below} reach below the top face)",
        motion.moves.len()
    );
    match deepest {
        Some((i, j, d)) => {
            let (x, y) = map.coord_of(i, j);
            outln!("max depth: {d:.4} mm at x = {x:.3}, y = {y:.3} mm");
        }
        None => outln!("max depth: 0.0000 mm (nothing cut)"),
    }
    outln!(
        "cut area: {:.3} mm², removed volume: {:.4} mm³",
        map.cut_area(),
        map.removed_volume()
    );
    match map.through_bottom() {
        Some(tb) => outln!(
            "THROUGH THE BOTTOM: {} cuts {:.4} mm deep through the {} mm stock ({} texels)",
            tb.line.map_or_else(
                || format!("move {}", tb.first_move),
                |l| format!("line {l}")
            ),
            tb.deepest,
            stock.z,
            tb.texels
        ),
        None => outln!("through the bottom: no"),
    }
    outln!("simulated in {seconds:.3} s");

    if let Some(path) = &shell.depth_map {
        let mut dm = DepthMap::new(0.0, 0.0, map.texel(), 1.0, w, h);
        for j in 0..h {
            for i in 0..w {
                dm.raise(i, j, map.depth_at_texel(i, j));
            }
        }
        let img = shellcarve::shellcarve_render::render_depth_map(
            &dm,
            &shellcarve::shellcarve_render::DepthMapImageOptions::default(),
        );
        shellcarve::shellcarve_render::save_png_atomic(&img, path)
            .with_context(|| format!("writing the depth map {}", path.display()))?;
    }
    if let Some(path) = &shell.report {
        let report = serde_json::json!({
            "kind": "three-axis z-map",
            "program": args.program.display().to_string(),
            "stock": stock.to_string(),
            "tool": tool.to_string(),
            "grid": map.info(),
            "moves": motion.moves.len(),
            "moves_below_top": below,
            "max_depth_mm": deepest.map_or(0.0, |d| f64::from(d.2)),
            "deepest_at_mm": deepest.map(|(i, j, _)| map.coord_of(i, j)),
            "cut_area_mm2": map.cut_area(),
            "removed_volume_mm3": map.removed_volume(),
            "through_bottom": map.through_bottom(),
            "seconds": seconds,
        });
        let text = serde_json::to_string_pretty(&report)?;
        shellcarve::write_atomic(path, text.as_bytes())?;
    }
    Ok(if map.through_bottom().is_some() {
        ExitCode::from(EXIT_CHECK_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Debug, Args)]
struct MachinesArgs {
    /// Print this machine (a preset name or a FILE.toml) as TOML, to start a machine
    /// file from.
    #[arg(long, value_name = "NAME")]
    show: Option<String>,
}

#[derive(Debug, Subcommand)]
enum GcodeCommand {
    /// Print our interpretation of a program, one canonical command a line, in the form
    /// of LinuxCNC's `rs274 -g` (without its sequence and N columns), to `diff` against
    /// it.
    Canon {
        /// The G-code program.
        program: PathBuf,
        /// The dialect the program is written in (fanuc-tcpm allows G43.4/G49).
        #[arg(long, default_value = "linuxcnc-tcp")]
        post: String,
    },
}
