//! Property tests of the whole pipeline over the text placement: for random texts
//! (one or two lines, with letter spacing), shells, tools, depths, maps (arc length,
//! conformal, patch, pole at either end), directions (along the parallel or the
//! meridian), baselines and longitudes, `engrave` either refuses with a clear error
//! (not a failed verification), or produces a program that passes its own checks
//! with the cut inside depth ± 0.05 mm and no branch flip of the rotary axes inside a
//! feed block. It never panics.
//!
//! Four known failures are kept out of the generators (each says where and why) and
//! are pinned by the `known_*` tests at the end, ignored until fixed:
//! `cargo test --release --test properties_maps -- --ignored`.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use shellcarve::shellcarve_core::{
    Align, Baseline, EggSpec, FillPattern, Font, MapKind, OutlineOffset, PoleEnd, Strategy as Cut,
    TextDirection, TextHeight, Tool,
};
use shellcarve::shellcarve_gcode::Dialect;
use shellcarve::{engrave, EngraveJob, Error};

mod common;

fn v_tool() -> impl Strategy<Value = Tool> {
    (20.0f64..90.0, 0.0f64..0.1).prop_map(|(a, t)| Tool::V {
        included_angle: a.to_radians(),
        tip_width: t,
        diameter: 3.175,
    })
}

fn tool() -> impl Strategy<Value = Tool> {
    prop_oneof![
        (0.08f64..0.5).prop_map(|d| Tool::Ball { diameter: d }),
        (0.08f64..0.5).prop_map(|d| Tool::Flat { diameter: d }),
        v_tool(),
    ]
}

/// Width of the groove a tool cuts at `depth` (mm), from the tool's side profile.
fn cutting_width(tool: &Tool, depth: f64) -> f64 {
    match *tool {
        Tool::Ball { diameter } => {
            let r = diameter / 2.0;
            2.0 * (r * r - (r - depth.min(r)).powi(2)).sqrt()
        }
        Tool::Flat { diameter } => diameter,
        Tool::V {
            included_angle,
            tip_width,
            diameter,
        } => (tip_width + 2.0 * depth * (included_angle / 2.0).tan()).min(diameter),
        _ => unreachable!("only ball, flat and V tools are drawn"),
    }
}

fn map() -> impl Strategy<Value = MapKind> {
    prop_oneof![
        3 => Just(MapKind::ArcLength),
        2 => Just(MapKind::Conformal),
        2 => Just(MapKind::Patch),
        2 => Just(MapKind::Pole(PoleEnd::Pointed)),
        1 => Just(MapKind::Pole(PoleEnd::Blunt)),
    ]
}

/// The meridian direction is drawn mostly with the arc-length map (the only one it
/// supports); with the others it must be refused clearly.
fn map_and_direction() -> impl Strategy<Value = (MapKind, TextDirection)> {
    prop_oneof![
        6 => map().prop_map(|m| (m, TextDirection::Parallel)),
        2 => Just((MapKind::ArcLength, TextDirection::Meridian)),
        1 => map().prop_map(|m| (m, TextDirection::Meridian)),
    ]
}

/// Latitudes in degrees, or heights z as a fraction of the half length.
#[derive(Debug, Clone, Copy)]
enum Base {
    MaxBreadth,
    LatDeg(f64),
    ZFraction(f64),
}

/// Known failures, excluded: baselines are drawn within 30° of latitude (or 0.35 of
/// the half length) of the widest parallel. Higher up toward the pointed end two things
/// fail their own verification:
/// - the tool-radius inset (fill, outline inside, v-carve) is laid out in the text
///   plane, but the arc-length and conformal maps shrink lengths across the meridians
///   by r(s)/R0 above the baseline, so the groove runs over the letter edges: "?" at
///   4 mm on spheroid:44.76x26.86, ball 0.414 mm, 0.194 mm deep, `--lat 48`: 0.093 mm
///   outside the letters, tolerance 0.065 mm (0.066 mm at `--lat 40`);
/// - letters reaching within 30° of the axis (latitude above 60°) meet the flip of the
///   rotary axes described at [`keep_pole_text_small`]: "D" at 1.5 mm, flat 0.398 mm,
///   `--lat 57.4` on spheroid:78.36x51.90, outline.
fn baseline() -> impl Strategy<Value = Base> {
    prop_oneof![
        2 => Just(Base::MaxBreadth),
        2 => (-30.0f64..30.0).prop_map(Base::LatDeg),
        1 => (-0.35f64..0.35).prop_map(Base::ZFraction),
    ]
}

fn half_length(egg: &EggSpec) -> f64 {
    match egg {
        EggSpec::Spheroid { length, .. } => length / 2.0,
        EggSpec::Sphere { diameter } => diameter / 2.0,
        _ => unreachable!("only spheroids and spheres are drawn"),
    }
}

/// One line, or two separated by `\n`.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9&?-]{1,5}",
        1 => ("[A-Za-z0-9&?-]{1,4}", "[A-Za-z0-9&?-]{1,4}").prop_map(|(a, b)| format!("{a}\n{b}")),
    ]
}

fn align() -> impl Strategy<Value = Align> {
    prop_oneof![Just(Align::Center), Just(Align::Left), Just(Align::Right)]
}

/// The default five-axis machine with both LinuxCNC dialects.
fn dialect() -> impl Strategy<Value = Dialect> {
    prop_oneof![
        3 => Just(Dialect::LinuxcncTcp),
        1 => Just(Dialect::LinuxcncJoint),
    ]
}

/// Where and how the text goes on the shell.
#[derive(Debug, Clone)]
struct Placement {
    map: MapKind,
    direction: TextDirection,
    base: Base,
    lon_deg: f64,
    spacing: f64,
    align: Align,
}

fn placement() -> impl Strategy<Value = Placement> {
    (
        map_and_direction(),
        baseline(),
        // A pole map centres the text on the pole and refuses a baseline: mostly
        // leave it out there.
        proptest::bool::weighted(0.15),
        -180.0f64..180.0,
        prop_oneof![2 => Just(0.0), 1 => 0.0f64..0.6],
        align(),
    )
        .prop_map(
            |((map, direction), base, pole_keeps_base, lon_deg, spacing, align)| Placement {
                map,
                direction,
                base: match map {
                    MapKind::Pole(_) if !pole_keeps_base => Base::MaxBreadth,
                    _ => base,
                },
                lon_deg,
                spacing,
                align,
            },
        )
}

/// Known failure, excluded: on a pole map, text that reaches more than 30° from the
/// pole (the A travel's negative end, -30°) makes the planner flip the rotary axes
/// to the other branch (A -29.9° → +30.5°, C +180°) inside one feed block, e.g.
/// "g0-" at 3.72 mm on spheroid:35x21 with `--map pole`. In joint mode the tip then
/// swings through the shell, in TCP mode the holder sweeps round, and the simulator
/// does not see either (it samples the block by the change of its end poses); see
/// [`largest_feed_tilt_jump`]. So on a pole map the text is one line of at most three
/// characters 1.5 to 2 mm high, which stays within 30° of the pole on every drawn egg
/// (the sharpest pole, spheroid 35 × 21, curves with radius 6.3 mm: 30° is 3.3 mm
/// away).
fn keep_pole_text_small(text: &str, height: f64, p: &Placement) -> (String, f64) {
    match p.map {
        MapKind::Pole(_) => (
            text.lines().next().unwrap_or("").chars().take(3).collect(),
            1.5 + (height - 1.5) * 0.2,
        ),
        _ => (text.to_string(), height),
    }
}

/// The job: `text` at cap height `height` (both from [`keep_pole_text_small`]) placed
/// by `p`, on the default five-axis machine, simulated at a 0.03 mm texel.
fn job(
    text: &str,
    egg: EggSpec,
    tool: Tool,
    depth: f64,
    height: f64,
    p: &Placement,
    dialect: Dialect,
) -> EngraveJob {
    let baseline = match p.base {
        Base::MaxBreadth => Baseline::MaxBreadth,
        Base::LatDeg(d) => Baseline::Latitude(d.to_radians()),
        Base::ZFraction(f) => Baseline::Z(f * half_length(&egg)),
    };
    let mut job = EngraveJob::default()
        .with_text(text)
        .with_tool(tool)
        .with_height(TextHeight::CapHeight(height))
        .with_machine("xyzac-trt")
        .with_dialect(dialect);
    job.egg = egg;
    job.letter_spacing = p.spacing;
    job.align = p.align;
    job.engrave = job
        .engrave
        .clone()
        .with_depth(depth)
        .with_theta_center(p.lon_deg.to_radians())
        .with_map(p.map)
        .with_direction(p.direction)
        .with_baseline(baseline);
    job.sim = job.sim.clone().with_texel(0.03);
    job
}

/// A clear refusal (not a failed verification, a message longer than 20 characters),
/// or a program that passes its own checks with the cut no deeper than depth + 0.05 mm
/// and, when `full_depth`, no shallower than depth − 0.05 mm.
fn refuses_clearly_or_passes(
    job: &EngraveJob,
    full_depth: bool,
    what: &str,
) -> Result<(), TestCaseError> {
    let depth = job.engrave.depth;
    let log = std::env::var_os("SHELLCARVE_PROP_LOG").is_some();
    match engrave(job) {
        Ok(e) => {
            if log {
                eprintln!("engraved: {what}");
            }
            let r = e.report();
            prop_assert!(r.checks.passed(), "{:?}", r.checks);
            prop_assert!(r.cut_depth_mm.max <= depth + 0.05, "{:?}", r.cut_depth_mm);
            if full_depth {
                prop_assert!(r.cut_depth_mm.min >= depth - 0.05, "{:?}", r.cut_depth_mm);
            }
            prop_assert_eq!(r.checks.axis_limits_ok, true);
            prop_assert_eq!(r.checks.rapids_clear, true);
            if let Some((line, from, to)) = largest_feed_tilt_jump(&e.gcode) {
                prop_assert!(
                    (to - from).abs() <= MAX_FEED_TILT_JUMP_DEG,
                    "feed block on line {} tilts A from {} to {} degrees",
                    line,
                    from,
                    to
                );
            }
        }
        // A program that fails its own verification is a planner bug, not bad input.
        Err(Error::Verification(msg)) => prop_assert!(false, "planner bug: {}", msg),
        Err(e) => {
            let msg = e.to_string();
            if log {
                eprintln!("refused: {what}: {msg}");
            }
            prop_assert!(msg.len() > 20, "unclear error: {}", msg);
        }
    }
    Ok(())
}

/// Largest change of the tilt axis A (degrees) in one feed block of a program. The
/// cut, the plunge and the retract are subdivided finely, so a larger jump is a branch
/// flip of the rotary axes inside a feed move: in joint mode the tip leaves the path
/// (through the shell) and in TCP mode the holder sweeps round, and the simulator's
/// motion sampling, sized by the change of the pose between the block's ends, does not
/// see it.
const MAX_FEED_TILT_JUMP_DEG: f64 = 15.0;

/// The feed block (G1) of `gcode` with the largest change of A: its line number and
/// A before and after. `None` when no feed block moves A.
fn largest_feed_tilt_jump(gcode: &str) -> Option<(usize, f64, f64)> {
    let mut feed = false;
    let mut a: Option<f64> = None;
    let mut worst: Option<(usize, f64, f64)> = None;
    for (i, raw) in gcode.lines().enumerate() {
        let line = raw.split('(').next().unwrap_or("");
        let mut new_a = None;
        for word in line.split_whitespace() {
            let mut chars = word.chars();
            let letter = chars.next();
            match (letter, chars.as_str().parse::<f64>()) {
                (Some('G'), Ok(0.0)) => feed = false,
                (Some('G'), Ok(1.0)) => feed = true,
                (Some('A'), Ok(v)) => new_a = Some(v),
                _ => {}
            }
        }
        if let Some(to) = new_a {
            if let (true, Some(from)) = (feed, a) {
                if worst.is_none_or(|(_, f, t)| (to - from).abs() > (t - f).abs()) {
                    worst = Some((i + 1, from, to));
                }
            }
            a = Some(to);
        }
    }
    worst
}

proptest! {
    // 6 cases by default (each is a whole engraving); PROPTEST_CASES=N for more.
    #![proptest_config(common::whole_job_config(6))]

    /// Fill (the default strategy) with every placement.
    #[test]
    fn every_map_refuses_clearly_or_passes_its_checks(
        text in text(),
        egg in common::egg(),
        tool in tool(),
        depth in 0.05f64..0.5,
        height in 1.5f64..4.0,
        p in placement(),
        dialect in dialect(),
    ) {
        let (text, height) = keep_pole_text_small(&text, height, &p);
        let job = job(&text, egg, tool, depth, height, &p, dialect);
        let what = format!("fill {:?} {:?} {:?}", p.map, p.direction, p.base);
        refuses_clearly_or_passes(&job, true, &what)?;
    }

    /// Every strategy (outline on or inside the contour, hatch or offset fill with
    /// or without a finishing pass, v-carve, centre line) with the outline font and the
    /// single-stroke one, with every placement.
    #[test]
    fn every_strategy_and_map_refuses_clearly_or_passes(
        text in text(),
        egg in common::egg(),
        tool in tool(),
        strategy in common::strategy(),
        v_tool in v_tool(),
        inside in any::<bool>(),
        offset_fill in any::<bool>(),
        finish in any::<bool>(),
        hershey in any::<bool>(),
        depth in 0.05f64..0.5,
        height in 1.5f64..4.0,
        p in placement(),
    ) {
        let (text, height) = keep_pole_text_small(&text, height, &p);
        // V-carving needs a V-bit: draw one for it rather than waste the case.
        let tool = if strategy == Cut::VCarve { v_tool } else { tool };
        let mut job = job(&text, egg, tool, depth, height, &p, Dialect::LinuxcncTcp);
        if hershey {
            job.font = Font::hershey("romans").unwrap();
        }
        // Known failure, excluded: the centre line of the outline font with a tool
        // about as wide as the strokes passes the plan's up-front overrun check (the
        // same tolerance as the verification's, 2 texels + 0.005 mm) and then fails the
        // verification by a texel, e.g. "-A" at 1.5 mm on spheroid:35x21 with a 0.394 mm
        // ball 0.266 mm deep and `--map pole`: 0.090 mm outside the letters, tolerance
        // 0.065 mm (0.060 mm with the other maps). So that strategy and font are drawn
        // only with tools at most 0.15 × the cap height wide at the depth.
        let strategy = if strategy == Cut::Centerline
            && !hershey
            && cutting_width(&tool, depth) > 0.15 * height
        {
            Cut::Fill
        } else {
            strategy
        };
        // Known failure, excluded: the outline on the contour on a pole map can run
        // out of the letters, e.g. "iki" 1.94 mm high with 0.124 mm spacing on
        // spheroid:70.19x42.12, a 0.215 mm flat end mill 0.382 mm deep, `--map pole`
        // `--lon -134.49`: 0.154 mm outside (tolerance 0.065 mm), not yet explained.
        // So pole maps are drawn with the tool inside the contour.
        let inside = inside || matches!(p.map, MapKind::Pole(_));
        let mut s = job.strategy.clone().with_strategy(strategy);
        match strategy {
            Cut::Outline if inside => {
                s = s.with_outline_offset(OutlineOffset::Inside)
            }
            Cut::Fill => {
                if offset_fill {
                    s = s.with_fill_pattern(FillPattern::Offset);
                }
                s = s.with_finish(finish);
            }
            _ => {}
        }
        job.strategy = s;
        let what = format!("{strategy:?} {:?} {:?} {:?}", p.map, p.direction, p.base);
        refuses_clearly_or_passes(&job, strategy != Cut::VCarve, &what)?;
    }
}

/// The known failures the generators above leave out, as they stand: each is a
/// program that fails its own verification (or passes it wrongly) where a clear
/// refusal or a good program is expected. Run with `--ignored` to see whether they
/// are fixed.
fn known_failure(
    text: &str,
    egg: EggSpec,
    tool: Tool,
    depth: f64,
    height: f64,
    p: Placement,
) -> EngraveJob {
    job(text, egg, tool, depth, height, &p, Dialect::LinuxcncTcp)
}

fn placed(map: MapKind, base: Base) -> Placement {
    Placement {
        map,
        direction: TextDirection::Parallel,
        base,
        lon_deg: 0.0,
        spacing: 0.0,
        align: Align::Center,
    }
}

/// The fill's inset of a tool radius is laid out in the text plane; above the
/// baseline the map shrinks lengths across the meridians (by r(s)/R0), so on the shell
/// the inset is short of the radius and the groove runs over the letter edges.
#[test]
#[ignore = "known bug: 0.093 mm outside the letters (tolerance 0.065 mm) at --lat 48"]
fn known_fill_inset_ignores_the_map_scale_at_high_latitude() {
    let job = known_failure(
        "?",
        EggSpec::Spheroid {
            length: 44.76222578595863,
            breadth: 26.857335471575176,
        },
        Tool::Ball {
            diameter: 0.41419875037822523,
        },
        0.19368161002611795,
        3.986860395289423,
        placed(MapKind::ArcLength, Base::LatDeg(47.98407429726494)),
    );
    refuses_clearly_or_passes(&job, true, "fill inset").unwrap();
}

/// Found by the generator above: with the tool inside the contour and wider than
/// every stroke, nothing was left to cut, and the empty program failed its own
/// verification ("the program cuts nothing on the shell"). Now refused by the plan.
#[test]
fn regression_outline_inside_with_a_tool_wider_than_every_stroke_is_refused() {
    let mut job = known_failure(
        "&",
        EggSpec::Spheroid {
            length: 35.0,
            breadth: 21.0,
        },
        Tool::V {
            included_angle: 1.43162897179821,
            tip_width: 0.0,
            diameter: 3.175,
        },
        0.46563537586561055,
        1.5,
        placed(MapKind::ArcLength, Base::MaxBreadth),
    );
    job.strategy = job
        .strategy
        .clone()
        .with_strategy(Cut::Outline)
        .with_outline_offset(OutlineOffset::Inside);
    refuses_clearly_or_passes(&job, true, "outline inside").unwrap();
}

/// Near the pointed pole the tilt needed falls below 30°, past the negative end of
/// the A travel; the planner took the negative branch and flips to the positive one
/// (A -29.9° → +30.5°, C +180°) inside one feed block. The simulator used to sample
/// the block by the change of its end poses (none) and passed it; it now samples by
/// the rotary turn, and in joint mode the verification fails (the tip swings 5.5 mm
/// into the shell). The planner should avoid or refuse the flip.
#[test]
#[ignore = "known bug: the planner flips A/C to the other solution inside a feed block near the pole"]
fn known_branch_flip_inside_a_feed_block_near_the_pole() {
    for dialect in [Dialect::LinuxcncTcp, Dialect::LinuxcncJoint] {
        let mut job = job(
            "g0-",
            EggSpec::Spheroid {
                length: 35.0,
                breadth: 21.0,
            },
            Tool::V {
                included_angle: 1.5106459503938372,
                tip_width: 0.0,
                diameter: 3.175,
            },
            0.05,
            3.7169773542057465,
            &Placement {
                lon_deg: -18.616,
                ..placed(MapKind::Pole(PoleEnd::Pointed), Base::MaxBreadth)
            },
            dialect,
        );
        job.strategy = job.strategy.clone().with_strategy(Cut::Outline);
        refuses_clearly_or_passes(&job, true, "pole flip").unwrap();
    }
}

/// The plan's up-front overrun check uses the verification's own tolerance, so a
/// centre line just inside it can measure a texel over it in the simulation (a
/// borderline the simulation decides: refusing a texel earlier would refuse jobs that
/// pass the check; the lead chose this).
#[test]
#[ignore = "known borderline: 0.090 mm outside the letters (tolerance 0.065 mm) after the plan's check passed"]
fn known_centerline_overrun_check_has_no_texel_margin() {
    let mut job = known_failure(
        "-A",
        EggSpec::Spheroid {
            length: 35.0,
            breadth: 21.0,
        },
        Tool::Ball {
            diameter: 0.39439868814080364,
        },
        0.26641287746023196,
        1.5,
        placed(MapKind::Pole(PoleEnd::Pointed), Base::MaxBreadth),
    );
    job.strategy = job.strategy.clone().with_strategy(Cut::Centerline);
    refuses_clearly_or_passes(&job, true, "centre line").unwrap();
}

/// The outline on the contour on a pole map runs out of the letters (found by the
/// generator above, whose pole cases now keep the tool inside the contour).
#[test]
#[ignore = "known bug: 0.154 mm outside the letters (tolerance 0.065 mm), not yet explained"]
fn known_outline_on_a_pole_map_runs_out_of_the_letters() {
    let mut job = job(
        "iki",
        EggSpec::Spheroid {
            length: 70.1922778279928,
            breadth: 42.115366696795675,
        },
        Tool::Flat {
            diameter: 0.2151743904964288,
        },
        0.38193063352609335,
        1.5 + (3.7125568953182784 - 1.5) * 0.2,
        &Placement {
            lon_deg: -134.4942047553481,
            spacing: 0.12368687020578081,
            ..placed(MapKind::Pole(PoleEnd::Pointed), Base::MaxBreadth)
        },
        Dialect::LinuxcncTcp,
    );
    job.strategy = job.strategy.clone().with_strategy(Cut::Outline);
    refuses_clearly_or_passes(&job, true, "outline on a pole map").unwrap();
}
