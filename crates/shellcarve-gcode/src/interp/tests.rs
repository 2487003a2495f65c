use super::*;
use std::f64::consts::PI;

fn motion(text: &str) -> Vec<CanonLine> {
    canon(text)
        .unwrap()
        .into_iter()
        .filter(|l| {
            matches!(
                l,
                CanonLine::StraightFeed(_)
                    | CanonLine::StraightTraverse(_)
                    | CanonLine::ArcFeed { .. }
                    | CanonLine::SetFeedRate(_)
            )
        })
        .collect()
}

fn err(text: &str) -> GcodeError {
    canon(text).unwrap_err()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn straight_moves_modal_motion_and_feed() {
    let m = motion("G0 X1 Y2 Z3 A10 C20\nG1 X1.5 F100\nY3\nM2\n");
    assert_eq!(
        m,
        vec![
            CanonLine::StraightTraverse([1.0, 2.0, 3.0, 10.0, 0.0, 20.0]),
            CanonLine::SetFeedRate(100.0),
            CanonLine::StraightFeed([1.5, 2.0, 3.0, 10.0, 0.0, 20.0]),
            CanonLine::StraightFeed([1.5, 3.0, 3.0, 10.0, 0.0, 20.0]),
            CanonLine::SetFeedRate(0.0),
        ]
    );
}

#[test]
fn incremental_and_inches() {
    let m = motion("G1 X6 Y7 Z10 F200\nG20 G1 X1\nG91 G1 X1 A1\nG21 G1 X1\nM2\n");
    let CanonLine::StraightFeed(p) = m[2] else {
        panic!("{m:?}")
    };
    assert!(close(p[0], 1.0) && close(p[1], 7.0 / 25.4) && close(p[2], 10.0 / 25.4));
    let CanonLine::StraightFeed(p) = m[3] else {
        panic!("{m:?}")
    };
    assert!(close(p[0], 2.0) && close(p[3], 1.0));
    let CanonLine::StraightFeed(p) = m[4] else {
        panic!("{m:?}")
    };
    assert!(close(p[0], 2.0 * 25.4 + 1.0) && close(p[1], 7.0));
    // interpret gives mm and radians, and the G94 feed in mm/min.
    let prog = interpret(
        "G20\nG1 X1 A90 F10\nM2\n",
        ControlMode::Tcp,
        &InterpretOptions::default(),
    )
    .unwrap();
    let mv = &prog.moves[0];
    assert!(close(mv.target.values[0], 25.4) && close(mv.target.values[3], PI / 2.0));
    assert_eq!(mv.feed, Feed::UnitsPerMinute(254.0));
    assert!(mv.cutting && mv.line == Some(2));
}

#[test]
fn ijk_arcs_in_three_planes() {
    let m = motion("G1 X1 Y2 Z3 F50\nG19 G2 Y3 Z4 J0.5 K0.5 P2\nG17 G2 X3 Y3 I1 J1 P3 Z10\nG18 G3 X2 Z9 I-1\nM2\n");
    assert_eq!(
        m[2],
        CanonLine::ArcFeed {
            first_end: 3.0,
            second_end: 4.0,
            first_axis: 2.5,
            second_axis: 3.5,
            rotation: -2,
            axis_end_point: 1.0,
            a: 0.0,
            b: 0.0,
            c: 0.0
        }
    );
    assert_eq!(
        m[3],
        CanonLine::ArcFeed {
            first_end: 3.0,
            second_end: 3.0,
            first_axis: 2.0,
            second_axis: 4.0,
            rotation: -3,
            axis_end_point: 10.0,
            a: 0.0,
            b: 0.0,
            c: 0.0
        }
    );
    // XZ: first axis Z, second X; the centre is (Z10 + 0, X3 - 1).
    assert_eq!(
        m[4],
        CanonLine::ArcFeed {
            first_end: 9.0,
            second_end: 2.0,
            first_axis: 10.0,
            second_axis: 2.0,
            rotation: 1,
            axis_end_point: 3.0,
            a: 0.0,
            b: 0.0,
            c: 0.0
        }
    );
    let prog = interpret(
        "G1 X1 Y2 Z3 F50\nG18 G3 X1 Z9 I-1 K-1\nM2\n",
        ControlMode::Tcp,
        &InterpretOptions::default(),
    );
    assert!(prog.is_err(), "end not on the circle");
    let prog = interpret(
        "G1 X1 Y2 Z3 F50\nG19 G2 Y3 Z4 J0.5 K0.5 P2\nM2\n",
        ControlMode::Tcp,
        &InterpretOptions::default(),
    )
    .unwrap();
    assert_eq!(
        prog.moves[1].path,
        Path::Arc {
            center: [2.5, 3.5],
            clockwise: true,
            turns: 1,
            plane: [1, 2, 0]
        }
    );
}

#[test]
fn absolute_centres_and_r_form() {
    let m = motion("G1 X4 Y1 F10\nG90.1 G2 X6 Y1 I5 J1\nG91.1 G3 X4 Y1 I-1 J0\nG2 X5 Y2 R-1\nG2 X6 Y3 R1\nM2\n");
    let centres: Vec<(f64, f64, i32)> = m
        .iter()
        .filter_map(|l| match l {
            CanonLine::ArcFeed {
                first_axis,
                second_axis,
                rotation,
                ..
            } => Some((*first_axis, *second_axis, *rotation)),
            _ => None,
        })
        .collect();
    let expect = [
        (5.0, 1.0, -1),
        (5.0, 1.0, 1),
        (4.0, 2.0, -1),
        (6.0, 2.0, -1),
    ];
    assert_eq!(centres.len(), 4);
    for (c, e) in centres.iter().zip(expect) {
        assert!(
            close(c.0, e.0) && close(c.1, e.1) && c.2 == e.2,
            "{c:?} vs {e:?}"
        );
    }
    let e = err("G1 X1 F10\nG90.1 G2 X2 Y0 I1.5\nM2\n").to_string();
    assert!(e.contains("J word missing"), "{e}");
    let e = err("G1 X1 F10\nG3 X3 Y0 R0.9985\nM2\n").to_string();
    assert!(
        e.starts_with("line 2, column 10:") && e.contains("too small"),
        "{e}"
    );
    assert!(err("G1 X1 F10\nG3 X1 Y0 R1\nM2\n")
        .to_string()
        .contains("cannot end where it starts"));
}

#[test]
fn inverse_time_feed_rates_follow_linuxcnc() {
    let m = motion(
        "G0 X3 Y3 Z10 A10 C20\nG93 G1 X4 A30 F2\nG1 A40 F3\nG1 A40 F3\nG1 Y8 F0.5\nG2 X5 Y9 R1 F4\nG94 G1 X6 F200\nM2\n",
    );
    let rates: Vec<f64> = m
        .iter()
        .filter_map(|l| {
            if let CanonLine::SetFeedRate(r) = l {
                Some(*r)
            } else {
                None
            }
        })
        .collect();
    // XYZ length × F; rotary-only: degrees × F; zero length: the 0.1 floor; a quarter
    // circle of radius 1: π/2 × 4; then G94 resets the rate to 0 before F200.
    let expect = [2.0, 30.0, 0.1, 2.5, 2.0 * PI, 0.0, 200.0, 0.0];
    assert_eq!(rates.len(), expect.len(), "{rates:?}");
    for (r, e) in rates.iter().zip(expect) {
        assert!((r - e).abs() < 1e-9, "{rates:?}");
    }
    let prog = interpret(
        "G93 G1 X1 F2\nG0 X0\nM2\n",
        ControlMode::Joint,
        &InterpretOptions::default(),
    )
    .unwrap();
    assert_eq!(prog.moves[0].feed, Feed::InverseTime(2.0));
    assert_eq!(prog.moves[1].feed, Feed::Rapid);
    assert!(!prog.moves[1].cutting);
}

#[test]
fn feed_errors() {
    let e = err("G93 G1 X1\nM2\n");
    assert!(
        matches!(
            e,
            GcodeError::InvalidBlock {
                line: 1,
                column: 5,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("needs its own F"));
    assert!(err("G1 X1\nM2\n").to_string().contains("zero feed rate"));
    assert!(err("G1 X1 F10\nG94 G1 X2\nM2\n")
        .to_string()
        .contains("zero feed rate"));
    assert!(err("G1 X1 F10\nG93 G2 X0 Y1 I-1\nM2\n")
        .to_string()
        .contains("G93"));
    assert!(err("G1 X1 F-1\nM2\n").to_string().contains("negative feed"));
}

#[test]
fn modal_and_subset_errors_name_line_column_and_word() {
    let e = err("G1 X1 F10\n\nG0 G1 X2\nM2\n");
    assert!(
        matches!(&e, GcodeError::ModalConflict { line: 3, column: 4, word, .. } if word == "G1"),
        "{e}"
    );
    let e = err("G21\nG90 G91\nM2\n");
    assert!(
        matches!(
            e,
            GcodeError::ModalConflict {
                line: 2,
                column: 5,
                ..
            }
        ),
        "{e}"
    );
    let e = err("G1 X1 F10 M3 M5\nM2\n");
    assert!(
        matches!(e, GcodeError::ModalConflict { column: 14, .. }),
        "{e}"
    );
    let e = err("G21\nG1 X1 F10\n    G41 D1\nM2\n").to_string();
    assert_eq!(
        e,
        "line 3, column 5: unsupported G-code G41; shellcarve reads G0-G3, G17-G19, G20/G21, G90/G91, G90.1/G91.1, G93/G94"
    );
    assert!(err("G90.2\nM2\n").to_string().contains("G90.2"));
    assert!(err("M8\nM2\n")
        .to_string()
        .contains("unsupported M-code M8"));
    assert!(matches!(
        err("G1 X1 X2 F10\nM2\n"),
        GcodeError::Syntax { column: 7, .. }
    ));
    assert!(err("X1\nM2\n").to_string().contains("no motion mode"));
    assert!(err("G1 X1 F10 R1\nM2\n")
        .to_string()
        .contains("R1 with no G2 or G3"));
    assert!(err("G2 X1 F10\nM2\n")
        .to_string()
        .contains("without R or I/J/K"));
    assert!(err("G2 X1 Y1 I1 R1 F10\nM2\n")
        .to_string()
        .contains("both R and I/J/K"));
    assert!(err("G17 G2 X1 Y1 K1 F10\nM2\n")
        .to_string()
        .contains("K1 given for an arc in the G17 plane"));
    assert!(err("G3 X0 Y0 I1 F10 P1.5\nM2\n")
        .to_string()
        .contains("whole number"));
    assert!(matches!(
        err("G1 X1 F10\n"),
        GcodeError::MissingProgramEnd { line: 1 }
    ));
}

#[test]
fn program_delimiters_comments_and_block_delete() {
    let text = "%\n(header one)\n; header two\n(MSG, hi)\nN10 G21 G90 (setup)\n/G0 X9\n(cut a)\nG1 X1 F100\nG1 X2 (inline)\n%\nG0 X50\n";
    let c = canon(text).unwrap();
    assert!(c.contains(&CanonLine::Message(" hi".into())));
    assert!(c.contains(&CanonLine::Comment("setup".into())));
    assert!(c.contains(&CanonLine::StraightTraverse([9.0, 0.0, 0.0, 0.0, 0.0, 0.0])));
    assert!(!c
        .iter()
        .any(|l| matches!(l, CanonLine::StraightTraverse(p) if p[0] == 50.0)));
    let p = interpret(
        text,
        ControlMode::Tcp,
        &InterpretOptions::new().with_block_delete(true),
    )
    .unwrap();
    assert_eq!(
        p.header,
        vec!["header one".to_string(), " header two".to_string()]
    );
    assert_eq!(
        p.moves.len(),
        2,
        "the / line is skipped with block delete on"
    );
    assert_eq!(p.moves[0].comment.as_deref(), Some("setup; cut a"));
    assert_eq!(p.moves[1].comment.as_deref(), Some("inline"));
    assert_eq!(p.moves[1].line, Some(9));
    assert!(err("G0 X1\n%\nM2\n")
        .to_string()
        .contains("% is only allowed"));
}

#[test]
fn initial_position_spindle_and_tool() {
    let start = Joints::new([1.0, 2.0, 3.0, 0.5, 0.0, 1.0]);
    let opts = InterpretOptions::new().with_initial_position(start);
    let p = interpret(
        "T4\nT5 M6\nS12000 M3\nG1 X5 F100\nM30\n",
        ControlMode::Joint,
        &opts,
    )
    .unwrap();
    assert_eq!(p.tool_number, 5);
    assert_eq!(p.spindle_rpm, 12000.0);
    let t = p.moves[0].target.values;
    assert!(close(t[0], 5.0) && close(t[1], 2.0) && close(t[3], 0.5) && close(t[5], 1.0));
    assert_eq!(p.mode, ControlMode::Joint);
    let p = interpret(
        "G0 X1\n",
        ControlMode::Tcp,
        &InterpretOptions::new().with_require_program_end(false),
    )
    .unwrap();
    assert_eq!(p.moves.len(), 1);
}

#[test]
fn full_circle_and_helix_with_turns() {
    let m = motion("G1 X1 F10\nG93 G3 X1 Y0 I1 Z3 P2 F2\nM2\n");
    let rate = m
        .iter()
        .filter_map(|l| {
            if let CanonLine::SetFeedRate(r) = l {
                Some(*r)
            } else {
                None
            }
        })
        .nth(1)
        .unwrap();
    assert!((rate - 2.0 * (4.0 * PI).hypot(3.0)).abs() < 1e-9, "{rate}");
    assert!(
        matches!(m[3], CanonLine::ArcFeed { rotation: 2, .. }),
        "{m:?}"
    );
}

#[test]
fn unknown_letters_are_unsupported() {
    let e = err("G1 U5 F10\nM2\n").to_string();
    assert!(
        e.starts_with("line 1, column 4: U words are not supported"),
        "{e}"
    );
}

#[test]
fn numbers_out_of_range_are_errors() {
    let big = format!("G1 X1{} F1\nM2\n", "0".repeat(400));
    assert!(matches!(
        err(&big),
        GcodeError::Syntax {
            line: 1,
            column: 4,
            ..
        }
    ));
    let e = err("G91 G1 X1e308 F1\nM2\n");
    assert!(
        matches!(e, GcodeError::Unsupported { .. }),
        "E is not a word letter: {e}"
    );
    let huge = format!("G91 G1 X1{z} F1\nG1 X1{z}\nM2\n", z = "0".repeat(308));
    assert!(err(&huge).to_string().contains("out of range"));
}
