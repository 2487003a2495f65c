//! Property tests across the whole pipeline: for random phrases, shells, tools, depths,
//! machines and dialects, `engrave` either refuses with a clear input error, or produces a
//! program that passes its own verification and that LinuxCNC's interpreter accepts.
//! It never panics and never produces a program that fails its own checks.

use proptest::prelude::*;
use shellcarve::shellcarve_core::{EggSpec, Font, Strategy as Cut, TextHeight, Tool};
use shellcarve::shellcarve_gcode::Dialect;
use shellcarve::{engrave, EngraveJob, Error};

mod common;

fn tool() -> impl Strategy<Value = Tool> {
    prop_oneof![
        (0.08f64..0.5).prop_map(|d| Tool::Ball { diameter: d }),
        (0.08f64..0.5).prop_map(|d| Tool::Flat { diameter: d }),
        (20.0f64..90.0, 0.0f64..0.1).prop_map(|(a, t)| Tool::V {
            included_angle: a.to_radians(),
            tip_width: t,
            diameter: 3.175,
        }),
    ]
}

/// Every machine with a dialect that fits it.
fn machine_and_dialect() -> impl Strategy<Value = (&'static str, Dialect)> {
    prop_oneof![
        Just(("xyzac-trt", Dialect::LinuxcncTcp)),
        Just(("xyzac-trt", Dialect::LinuxcncJoint)),
        Just(("xyzbc-trt", Dialect::LinuxcncTcp)),
        Just(("xyzbc-trt", Dialect::LinuxcncJoint)),
        Just(("xyza-rotary", Dialect::Grbl4Axis)),
        Just(("xyza-rotary", Dialect::LinuxcncJoint)),
    ]
}

proptest! {
    // 10 cases by default (each is a whole engraving); PROPTEST_CASES=N for more.
    #![proptest_config(common::whole_job_config(10))]

    #[test]
    fn engrave_refuses_clearly_or_passes_its_checks(
        text in "[A-Za-z0-9&?!-]{1,6}",
        egg in common::egg(),
        tool in tool(),
        depth in 0.05f64..0.6,
        height in 1.5f64..3.5,
        (machine, dialect) in machine_and_dialect(),
        lon in -180.0f64..180.0,
    ) {
        let mut job = EngraveJob::default()
            .with_text(&text)
            .with_tool(tool)
            .with_height(TextHeight::CapHeight(height))
            .with_machine(machine)
            .with_dialect(dialect);
        job.egg = egg;
        job.engrave = job.engrave.clone().with_depth(depth);
        job.engrave.theta_center = lon.to_radians();
        job.sim = job.sim.clone().with_texel(0.03);
        match engrave(&job) {
            Ok(e) => {
                let r = e.report();
                prop_assert!(r.checks.passed(), "{:?}", r.checks);
                prop_assert!(r.cut_depth_mm.min >= depth - 0.05 && r.cut_depth_mm.max <= depth + 0.05, "{:?}", r.cut_depth_mm);
                prop_assert_eq!(r.checks.axis_limits_ok, true);
                prop_assert_eq!(r.checks.rapids_clear, true);
                if let Err(msg) = common::rs274(&e.gcode) {
                    prop_assert!(false, "rs274 rejected the program: {}", msg);
                }
            }
            // Within about a texel of the design check, a four-axis tilt's excess is
            // decided by the simulated grid, which says so naming the tilt.
            Err(Error::Verification(msg))
                if machine == "xyza-rotary" && tilt_within_a_texel(&msg, 0.03) => {}
            // A program that fails its own verification is a planner bug, not bad input.
            Err(Error::Verification(msg)) => prop_assert!(false, "planner bug: {}", msg),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.len() > 20, "unclear error: {}", msg);
            }
        }
    }
}

proptest! {
    // 6 cases by default (each is a whole engraving, a v-carve the slowest);
    // PROPTEST_CASES=N for more.
    #![proptest_config(common::whole_job_config(6))]

    /// Every strategy, with the outline font and the single-stroke one, on the
    /// five-axis default machine and the four-axis rotary: a clear refusal or a
    /// program that passes its own checks.
    #[test]
    fn every_strategy_and_font_refuses_clearly_or_passes(
        text in "[A-Za-z0-9&?-]{1,4}",
        egg in common::egg(),
        tool in tool(),
        strategy in common::strategy(),
        hershey in any::<bool>(),
        four_axis in any::<bool>(),
        depth in 0.05f64..0.5,
        height in 1.5f64..4.0,
    ) {
        let mut job = EngraveJob::default()
            .with_text(&text)
            .with_tool(tool)
            .with_height(TextHeight::CapHeight(height));
        if four_axis {
            job = job.with_machine("xyza-rotary").with_dialect(Dialect::Grbl4Axis);
        }
        if hershey {
            job.font = Font::hershey("romans").unwrap();
        }
        job.egg = egg;
        job.strategy = job.strategy.clone().with_strategy(strategy);
        job.engrave = job.engrave.clone().with_depth(depth);
        job.sim = job.sim.clone().with_texel(0.03);
        match engrave(&job) {
            Ok(e) => {
                let r = e.report();
                prop_assert!(r.checks.passed(), "{:?}", r.checks);
                prop_assert!(r.cut_depth_mm.max <= depth + 0.05, "{:?}", r.cut_depth_mm);
                if strategy != Cut::VCarve {
                    prop_assert!(r.cut_depth_mm.min >= depth - 0.05, "{:?}", r.cut_depth_mm);
                }
            }
            // The planner refuses a tilt that widens the groove past the design check
            // by its own estimate; within about a texel of the check, the simulated
            // grid decides, and says so naming the tilt.
            Err(Error::Verification(msg)) if four_axis && tilt_within_a_texel(&msg, 0.03) => {}
            Err(Error::Verification(msg)) => prop_assert!(false, "planner bug: {}", msg),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.len() > 20, "unclear error: {}", msg);
            }
        }
    }
}

/// Whether a verification failure is a four-axis tilt's borderline overcut: the
/// message names the tilt, and the cut reaches outside the letters by no more than
/// the design check's tolerance (`2·texel + 0.005` mm) plus a texel, which its grid
/// can add to the excess the planner estimated and let through.
fn tilt_within_a_texel(msg: &str, texel: f64) -> bool {
    let reach = msg
        .split("reaches ")
        .nth(1)
        .and_then(|rest| rest.split(" mm outside").next())
        .and_then(|v| v.parse::<f64>().ok());
    msg.contains("off the surface normal")
        && reach.is_some_and(|r| r <= 2.0 * texel + 0.005 + texel + 1e-9)
}

/// Found by the property test above: a sharp 20° V-bit on a coarse grid read the
/// groove's crease half a texel off and reported 0.33 mm for a 0.43 mm cut.
#[test]
fn regression_sharp_v_crease_on_a_coarse_grid() {
    let mut job = EngraveJob::default()
        .with_text("0")
        .with_tool(Tool::V {
            included_angle: 20f64.to_radians(),
            tip_width: 0.0,
            diameter: 3.175,
        })
        .with_height(TextHeight::CapHeight(1.5));
    job.egg = EggSpec::Spheroid {
        length: 35.0,
        breadth: 21.0,
    };
    job.engrave = job.engrave.clone().with_depth(0.43268837930520654);
    job.sim = job.sim.clone().with_texel(0.03);
    let e = engrave(&job).unwrap();
    let d = e.report().cut_depth_mm;
    assert!(d.min >= 0.43 && d.max <= 0.44, "{d:?}");
}

/// Found by the property test above: on a four-axis rotary the tool tilts 13.5° from
/// the normal at the top of tall letters on a small sphere. With the tip held under
/// its surface point, the 0.51 mm deep groove slanted 0.09 mm out of the letters at
/// the surface (tolerance 0.065 mm at this texel); centring the tilted tool's cut on
/// the letters halves that.
#[test]
fn regression_four_axis_tilt_slants_a_deep_groove_out_of_the_letters() {
    let mut job = EngraveJob::default()
        .with_text("?")
        .with_tool(Tool::Ball { diameter: 0.08 })
        .with_height(TextHeight::CapHeight(2.948781801234628))
        .with_machine("xyza-rotary")
        .with_dialect(Dialect::Grbl4Axis);
    job.egg = EggSpec::Sphere { diameter: 25.0 };
    job.engrave = job.engrave.clone().with_depth(0.5127616568873271);
    job.sim = job.sim.clone().with_texel(0.03);
    let e = engrave(&job).unwrap();
    let r = e.report();
    let tilt = r.max_tilt_error_deg.unwrap();
    let shift = r.max_lean_shift_mm.unwrap();
    assert!(tilt > 13.0 && tilt < 14.0, "{tilt}");
    // The tool's cut centred on the letters: about half the depth times tan(tilt)
    // (half the slant of its shank), plus half what the small ball adds on each side.
    let (sin, cos) = tilt.to_radians().sin_cos();
    let (d, ball) = (0.5127616568873271, 0.04);
    let expected = 0.5 * (d * sin / cos + ball / cos + ball * (sin - 1.0));
    assert!((shift - expected).abs() < 0.002, "{shift} vs {expected}");
    let design = r.design.as_ref().unwrap();
    assert!(design.worst_overcut_mm < 0.065, "{design:?}");
}

/// Found by the property test above: a flat 0.48 mm end mill tilted 15° by a
/// four-axis rotary reaches 0.063 mm below its tip with its rim; a 0.05 mm cut then
/// went 0.109 mm deep, out of its ±0.05 mm window. Tips are raised by half that reach
/// so the floor spans the depth evenly; a window too tight for the reach is refused.
#[test]
fn regression_a_tilted_flat_end_mill_digs_with_its_rim() {
    let job = |tol: f64| {
        let mut job = EngraveJob::default()
            .with_text("b")
            .with_tool(Tool::Flat {
                diameter: 0.484776037113888,
            })
            .with_height(TextHeight::CapHeight(3.375849829902594))
            .with_machine("xyza-rotary")
            .with_dialect(Dialect::Grbl4Axis);
        job.egg = EggSpec::Sphere { diameter: 25.0 };
        job.engrave = job.engrave.clone().with_depth(0.05);
        job.depth_tol = tol;
        job.sim = job.sim.clone().with_texel(0.03);
        job
    };
    let e = engrave(&job(0.05)).unwrap();
    let d = e.report().cut_depth_mm;
    // The rim reaches 0.242 · sin(15°) ≈ 0.063 mm below the tip: the floor spans
    // about 0.05 ± 0.032 mm.
    assert!(d.min >= 0.01 && d.max <= 0.09, "{d:?}");
    match engrave(&job(0.02)) {
        Err(Error::TiltedReach { reach_mm, .. }) => {
            assert!((reach_mm - 0.063).abs() < 0.003, "{reach_mm}")
        }
        other => panic!("expected TiltedReach, got {other:?}"),
    }
}

/// Found by the strategy property test above: the centre line of DejaVu's "a" at
/// 1.5 mm with a 0.48 mm flat end mill. The planner warned that the tool is wider
/// than the strokes, then the whole simulation ran only to fail the design
/// comparison (0.152 mm outside the letters). Now the plan's overrun refuses it
/// first, with the planner's advice.
#[test]
fn regression_centerline_wider_than_the_strokes_is_refused_by_the_plan() {
    let mut job = EngraveJob::default()
        .with_text("a")
        .with_tool(Tool::Flat {
            diameter: 0.484776037113888,
        })
        .with_height(TextHeight::CapHeight(1.5));
    job.egg = EggSpec::Spheroid {
        length: 35.0,
        breadth: 21.0,
    };
    job.strategy = job.strategy.clone().with_strategy(Cut::Centerline);
    job.engrave = job.engrave.clone().with_depth(0.05);
    job.sim = job.sim.clone().with_texel(0.03);
    match engrave(&job) {
        Err(e @ Error::Overrun { overrun_mm, .. }) => {
            assert!(overrun_mm > 0.1 && overrun_mm < 0.25, "{overrun_mm}");
            let msg = e.to_string();
            assert!(
                msg.contains("narrower tool") && msg.contains("'a'"),
                "{msg}"
            );
        }
        other => panic!("expected Overrun, got {other:?}"),
    }
}
