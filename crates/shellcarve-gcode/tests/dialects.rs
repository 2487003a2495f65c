//! The dialects beyond LinuxCNC's: `fanuc-tcpm` and `grbl-4axis` read back by the
//! interpreter (emit → interpret round trips), what each writes, and which machines they
//! fit.

use proptest::prelude::*;
use shellcarve_gcode::{emit, emit_for_machine, interpret, Dialect, GcodeError, InterpretOptions};
use shellcarve_kinematics::{
    machine_by_name, ControlMode, Feed, Joints, MachineMove, MachineProgram, Path,
};

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

fn program(mode: ControlMode, moves: Vec<MachineMove>) -> MachineProgram {
    MachineProgram {
        mode,
        moves,
        spindle_rpm: 18000.0,
        tool_number: 2,
        header: vec!["dialect test".into()],
    }
}

fn read(text: &str, dialect: Dialect) -> Result<MachineProgram, GcodeError> {
    interpret(
        text,
        dialect.control_mode(),
        &InterpretOptions::default().with_dialect(dialect),
    )
}

/// Positions X Y Z (mm) and two rotary axes (radians) at `rot` indices.
fn arb_moves(rot: [usize; 2], inverse: bool) -> impl Strategy<Value = Vec<MachineMove>> {
    prop::collection::vec(
        (
            prop::array::uniform3(-200.0f64..200.0),
            (-2.0f64..2.0, -30.0f64..30.0),
            any::<bool>(),
            0.5f64..5000.0,
        ),
        1..30,
    )
    .prop_map(move |v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (xyz, (r0, r1), rapid, f))| {
                let mut values = [xyz[0], xyz[1], xyz[2], 0.0, 0.0, 0.0];
                values[rot[0]] = r0;
                if rot[1] != rot[0] {
                    values[rot[1]] = r1;
                }
                let feed = match (rapid || i == 0, inverse) {
                    (true, _) => Feed::Rapid,
                    (false, false) => Feed::UnitsPerMinute(f),
                    (false, true) => Feed::InverseTime(f),
                };
                block(values, feed)
            })
            .collect()
    })
}

fn close_targets(a: &Joints, b: &Joints) -> bool {
    (0..6).all(|k| {
        let (g, w) = if k < 3 {
            (a.values[k], b.values[k])
        } else {
            (a.values[k].to_degrees(), b.values[k].to_degrees())
        };
        (g - w).abs() <= 0.5e-4 + 1e-9
    })
}

/// Grbl's block length: all axes, rotary in degrees.
fn grbl_len(a: &Joints, b: &Joints) -> f64 {
    (0..4)
        .map(|k| {
            let d = if k < 3 {
                b.values[k] - a.values[k]
            } else {
                (b.values[k] - a.values[k]).to_degrees()
            };
            d * d
        })
        .sum::<f64>()
        .sqrt()
}

proptest! {
    #[test]
    fn fanuc_round_trip(moves in arb_moves([3, 5], false), bc: bool) {
        // A/C or B/C, as the machine has.
        let moves = if bc {
            moves.into_iter().map(|mut m| { m.target.values.swap(3, 4); m }).collect()
        } else {
            moves
        };
        let p = program(ControlMode::Tcp, moves);
        let machine = machine_by_name(if bc { "xyzbc-trt" } else { "xyzac-trt" }).unwrap();
        let text = emit_for_machine(&p, Dialect::FanucTcpm, machine.as_ref())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(text.starts_with("%\n") && text.ends_with("G49\nM5\nM30\n%\n"), "{}", text);
        prop_assert!(text.contains("\nG43.4 H2\n"), "{}", text);
        prop_assert_eq!(text.contains(" A"), !bc);
        prop_assert_eq!(text.contains(" B"), bc);
        let back = read(&text, Dialect::FanucTcpm).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back.moves.len(), p.moves.len());
        prop_assert_eq!(&back.header, &p.header);
        prop_assert_eq!(back.tool_number, 2);
        for (got, want) in back.moves.iter().zip(&p.moves) {
            prop_assert!(close_targets(&got.target, &want.target), "{:?} vs {:?}", got.target, want.target);
            match (got.feed, want.feed) {
                (Feed::Rapid, Feed::Rapid) => {}
                (Feed::UnitsPerMinute(g), Feed::UnitsPerMinute(w)) => prop_assert!((g - w).abs() <= 0.5e-4 + 1e-9),
                (g, w) => prop_assert!(false, "{:?} vs {:?}", g, w),
            }
        }
    }

    #[test]
    fn grbl_round_trip_keeps_block_times(moves in arb_moves([3, 3], true)) {
        let p = program(ControlMode::Joint, moves);
        let machine = machine_by_name("xyza-rotary").unwrap();
        let text = emit_for_machine(&p, Dialect::Grbl4Axis, machine.as_ref())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(!text.contains('T') || text.contains("(tool 2"), "{}", text);
        prop_assert!(!text.contains("M6") && !text.contains("G93"), "{}", text);
        prop_assert!(text.contains("\nM3 S18000\n"), "{}", text);
        prop_assert!(!text.contains(" B") && !text.contains(" C"), "{}", text);
        let back = read(&text, Dialect::Grbl4Axis).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back.moves.len(), p.moves.len());
        let mut prev: Option<Joints> = None;
        for (got, want) in back.moves.iter().zip(&p.moves) {
            prop_assert!(close_targets(&got.target, &want.target));
            match (got.feed, want.feed) {
                (Feed::Rapid, Feed::Rapid) => {}
                (Feed::UnitsPerMinute(f), Feed::InverseTime(inv)) => {
                    let len = grbl_len(&prev.unwrap_or_default(), &got.target);
                    if len > 1e-3 {
                        // Grbl's time for the block (min) is the planned 1/F.
                        let t = len / f;
                        prop_assert!((t * inv - 1.0).abs() < 1e-6 + 1e-4 / (len * inv), "{} vs {}", t, 1.0 / inv);
                    }
                }
                (g, w) => prop_assert!(false, "{:?} vs {:?}", g, w),
            }
            prev = Some(got.target);
        }
    }
}

#[test]
fn tcpm_words_are_fanuc_only() {
    let text = "G21 G90 G94\nG43.4 H1\nG0 X1 Y2 Z3 A4 C5\nG49\nM30\n";
    let e = read(text, Dialect::LinuxcncTcp).unwrap_err();
    assert!(
        matches!(&e, GcodeError::Unsupported { line: 2, column: 1, word, .. } if word == "G43.4"),
        "{e}"
    );
    assert!(e.to_string().contains("fanuc-tcpm"), "{e}");
    let p = read(text, Dialect::FanucTcpm).unwrap();
    assert_eq!(p.moves.len(), 1);
    let e = read("G43.4\nM30\n", Dialect::FanucTcpm)
        .unwrap_err()
        .to_string();
    assert!(e.contains("without an H word"), "{e}");
    let e = read("G1 X1 H1 F10\nM30\n", Dialect::FanucTcpm)
        .unwrap_err()
        .to_string();
    assert!(e.contains("H1 with no G43.4"), "{e}");
    let e = read("G49 H2\nM30\n", Dialect::FanucTcpm)
        .unwrap_err()
        .to_string();
    assert!(e.contains("G49"), "{e}");
}

#[test]
fn machine_axes_are_written() {
    let bc = program(
        ControlMode::Tcp,
        vec![
            block([1.0, 2.0, 3.0, 0.0, -1.5, 0.25], Feed::Rapid),
            block([1.5, 2.0, 3.0, 0.0, -1.5, 0.3], Feed::UnitsPerMinute(200.0)),
        ],
    );
    let m = machine_by_name("xyzbc-trt").unwrap();
    let text = emit_for_machine(&bc, Dialect::LinuxcncTcp, m.as_ref()).unwrap();
    assert!(
        text.contains("\nG0 X1.0000 Y2.0000 Z3.0000 B-85.9437 C14.3239\n"),
        "{text}"
    );
    // B motion cannot be written for Grbl, nor for the rotary machine's axes.
    let e = emit(&bc, Dialect::Grbl4Axis).unwrap_err().to_string();
    assert!(e.contains("program"), "{e}");
    let rotary = machine_by_name("xyza-rotary").unwrap();
    let e = emit_for_machine(&bc, Dialect::LinuxcncTcp, rotary.as_ref())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("does not fit") && e.contains("xyza-rotary"),
        "{e}"
    );
    let joint = MachineProgram {
        mode: ControlMode::Joint,
        ..bc.clone()
    };
    let e = emit_for_machine(&joint, Dialect::LinuxcncJoint, rotary.as_ref())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("move 1: axis B moves"), "{e}");
}
