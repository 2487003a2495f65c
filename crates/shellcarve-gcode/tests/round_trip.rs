//! emit → interpret gives back the program: targets within the printed precision
//! (1e-4 mm, 1e-4°), the same feeds, comments and header.

use proptest::prelude::*;
use shellcarve_gcode::{emit, interpret, Dialect, InterpretOptions};
use shellcarve_kinematics::{ControlMode, Feed, Joints, MachineMove, MachineProgram, Path};

fn arb_move(inverse: bool) -> impl Strategy<Value = MachineMove> {
    (
        prop::array::uniform3(-200.0f64..200.0),
        (-2.0f64..2.0, -30.0f64..30.0),
        any::<bool>(),
        0.5f64..5000.0,
        prop::option::of("[a-zA-Z0-9][a-zA-Z0-9 ,.:()=-]{0,20}"),
    )
        .prop_map(move |(xyz, (a, c), rapid, f, comment)| MachineMove {
            target: Joints::new([xyz[0], xyz[1], xyz[2], a, 0.0, c]),
            path: Path::Linear,
            feed: match (rapid, inverse) {
                (true, _) => Feed::Rapid,
                (false, false) => Feed::UnitsPerMinute(f),
                (false, true) => Feed::InverseTime(f * 37.0),
            },
            line: None,
            comment,
            cutting: !rapid,
        })
}

/// A comment as the post writes it and the interpreter reads it back: parentheses
/// become brackets, and text LinuxCNC would take for a command ((MSG,…), (LOG…) and
/// the like) is prefixed with "- " so that it stays a comment.
fn written(comment: &str) -> String {
    let mut s = comment.replace('(', "[").replace(')', "]");
    let head = s.trim_start().to_ascii_uppercase();
    if ["MSG,", "DEBUG,", "PRINT,", "LOG", "PROBE", "ABORT,"]
        .iter()
        .any(|k| head.starts_with(k))
    {
        s.insert_str(0, "- ");
    }
    s.trim().to_string()
}

#[test]
fn comments_that_look_like_commands_stay_comments() {
    // Found by the round trip below: a generated comment "LOg" came back as "- LOg".
    let program = MachineProgram {
        mode: ControlMode::Tcp,
        moves: vec![MachineMove {
            target: Joints::new([0.0; 6]),
            path: Path::Linear,
            feed: Feed::UnitsPerMinute(100.0),
            line: None,
            comment: Some("LOg the hole".into()),
            cutting: true,
        }],
        spindle_rpm: 0.0,
        tool_number: 0,
        header: Vec::new(),
    };
    let text = emit(&program, Dialect::LinuxcncTcp).unwrap();
    let back = interpret(&text, program.mode, &InterpretOptions::default()).unwrap();
    assert_eq!(
        back.moves.last().and_then(|m| m.comment.clone()),
        Some("- LOg the hole".to_string())
    );
}

fn arb_program(dialect: Dialect) -> impl Strategy<Value = MachineProgram> {
    let inverse = dialect == Dialect::LinuxcncJoint;
    (
        prop::collection::vec(arb_move(inverse), 1..40),
        0.0f64..30000.0,
        0u32..100,
        prop::collection::vec("[a-zA-Z0-9][a-zA-Z0-9 ,.:-]{0,30}", 0..4),
    )
        .prop_map(move |(moves, rpm, tool, header)| MachineProgram {
            mode: dialect.control_mode(),
            moves,
            spindle_rpm: rpm.round(),
            tool_number: tool,
            header,
        })
}

fn check(program: &MachineProgram, dialect: Dialect) -> Result<(), TestCaseError> {
    let text = emit(program, dialect).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = interpret(&text, dialect.control_mode(), &InterpretOptions::default())
        .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    prop_assert_eq!(back.mode, program.mode);
    prop_assert_eq!(back.moves.len(), program.moves.len());
    prop_assert_eq!(&back.header, &program.header);
    prop_assert_eq!(back.tool_number, program.tool_number);
    prop_assert!((back.spindle_rpm - program.spindle_rpm).abs() < 1e-9);
    for (got, want) in back.moves.iter().zip(&program.moves) {
        for k in 0..6 {
            let (g, w) = if k < 3 {
                (got.target.values[k], want.target.values[k])
            } else {
                (
                    got.target.values[k].to_degrees(),
                    want.target.values[k].to_degrees(),
                )
            };
            prop_assert!(
                (g - w).abs() <= 0.5e-4 + 1e-9,
                "axis {k}: {g} vs {w}\n{text}"
            );
        }
        match (got.feed, want.feed) {
            (Feed::Rapid, Feed::Rapid) => {}
            (Feed::UnitsPerMinute(g), Feed::UnitsPerMinute(w)) => {
                prop_assert!((g - w).abs() <= 0.5e-4 + 1e-9, "{g} vs {w}")
            }
            (Feed::InverseTime(g), Feed::InverseTime(w)) => {
                prop_assert!((g - w).abs() <= 5e-6 * w, "{g} vs {w}")
            }
            (g, w) => prop_assert!(false, "feed {g:?} read back, {w:?} written"),
        }
        prop_assert_eq!(got.cutting, want.cutting);
        prop_assert_eq!(&got.comment, &want.comment.as_ref().map(|c| written(c)));
    }
    Ok(())
}

proptest! {
    #[test]
    fn tcp_round_trip(program in arb_program(Dialect::LinuxcncTcp)) {
        check(&program, Dialect::LinuxcncTcp)?;
    }

    #[test]
    fn joint_round_trip(program in arb_program(Dialect::LinuxcncJoint)) {
        check(&program, Dialect::LinuxcncJoint)?;
    }

    /// Arcs written by `emit` come back as the same arcs.
    #[test]
    fn arc_round_trip(
        r in 0.5f64..30.0, a0 in -3.0f64..3.0, sweep in 0.1f64..6.0, clockwise: bool,
        turns in 0u32..3, plane_index in 0usize..3, dz in -5.0f64..5.0,
    ) {
        let plane = [[0, 1, 2], [2, 0, 1], [1, 2, 0]][plane_index];
        let center = [3.0, -2.0];
        let a1 = if clockwise { a0 - sweep } else { a0 + sweep };
        let mut start = [0.0; 6];
        start[plane[0]] = center[0] + r * a0.cos();
        start[plane[1]] = center[1] + r * a0.sin();
        start[plane[2]] = 1.0;
        let mut end = [0.0; 6];
        end[plane[0]] = center[0] + r * a1.cos();
        end[plane[1]] = center[1] + r * a1.sin();
        end[plane[2]] = 1.0 + dz;
        end[5] = 0.3;
        let feed = Feed::UnitsPerMinute(120.0);
        let program = MachineProgram {
            mode: ControlMode::Tcp,
            moves: vec![
                MachineMove { target: Joints::new(start), path: Path::Linear, feed, line: None, comment: None, cutting: true },
                MachineMove { target: Joints::new(end), path: Path::Arc { center, clockwise, turns, plane }, feed, line: None, comment: None, cutting: true },
            ],
            spindle_rpm: 18000.0,
            tool_number: 1,
            header: vec![],
        };
        check(&program, Dialect::LinuxcncTcp)?;
        let text = emit(&program, Dialect::LinuxcncTcp).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = interpret(&text, ControlMode::Tcp, &InterpretOptions::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let Path::Arc { center: c, clockwise: cw, turns: t, plane: p } = back.moves[1].path else {
            return Err(TestCaseError::fail("not an arc"));
        };
        prop_assert!((c[0] - center[0]).abs() < 2e-4 && (c[1] - center[1]).abs() < 2e-4, "{c:?}");
        prop_assert_eq!((cw, t, p), (clockwise, turns, plane));
    }
}

#[test]
fn interpret_never_panics_on_garbage() {
    let samples = [
        "", "%", "%\n%", "(", ")", "G", "G1 X", "G1 X1e5 F1", "G2 I0 J0 F1\nM2", "G3 R0 X1 F1\nM2",
        "G93 G2 X1 Y1 R-0.5 F0\nM2", "N", "/", "G1 X--1", "G1 X1 F1\nG20 G91 G2 X0 Y0 I0 J1e-9 P1000000\nM2",
        "G1 X1.7976931348623157e308", "T-1", "T1.5 M6\nM2", "S1e400\nM2", "G999999999999 X1", "M99999999999999999",
        "G1 X179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 F1\nM2",
    ];
    for s in samples {
        let _ = interpret(s, ControlMode::Tcp, &InterpretOptions::default());
        let _ = shellcarve_gcode::canon(s);
    }
}

proptest! {
    #[test]
    fn interpret_never_panics(text in "[GXYZIJKRPFMST0-9 .+\\-/%()\n;]{0,80}") {
        let _ = interpret(&text, ControlMode::Tcp, &InterpretOptions::default());
    }
}
