use super::*;
use shellcarve_kinematics::{ControlMode, MachineMove};

fn mv(values: [f64; 6], feed: Feed) -> MachineMove {
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
        tool_number: 3,
        header: vec!["egg (chicken)".into(), "line\nbreak".into()],
    }
}

#[test]
fn number_formats() {
    assert_eq!(fixed(-0.00004, 4), "0.0000");
    assert_eq!(fixed(-0.0, 4), "0.0000");
    assert_eq!(fixed(-0.00005001, 4), "-0.0001");
    assert_eq!(significant(123456.7, 6), "123457");
    assert_eq!(significant(1.5, 6), "1.50000");
    assert_eq!(significant(0.00123456, 6), "0.00123456");
    assert_eq!(sanitize("a(b)c\nd"), "a[b]c d");
    assert_eq!(sanitize(" msg,hi"), "-  msg,hi");
}

#[test]
fn tcp_program_layout() {
    let p = program(
        ControlMode::Tcp,
        vec![
            mv([1.0, 2.0, 3.0, 0.5, 0.0, -1e-9], Feed::Rapid),
            MachineMove {
                comment: Some("cut (A)".into()),
                ..mv([1.5, 2.0, 3.0, 0.5, 0.0, 0.0], Feed::UnitsPerMinute(250.0))
            },
            mv([1.6, 2.0, 3.0, 0.5, 0.0, 0.0], Feed::UnitsPerMinute(250.0)),
            mv([1.7, 2.0, 3.0, 0.5, 0.0, 0.0], Feed::UnitsPerMinute(200.0)),
        ],
    );
    let text = emit(&p, Dialect::LinuxcncTcp).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        vec![
            "(egg [chicken])",
            "(line break)",
            "G17 G21 G90 G94",
            "T3 M6",
            "S18000 M3",
            "G0 X1.0000 Y2.0000 Z3.0000 A28.6479 C0.0000",
            "(cut [A])",
            "G1 X1.5000 Y2.0000 Z3.0000 A28.6479 C0.0000 F250.0000",
            "G1 X1.6000 Y2.0000 Z3.0000 A28.6479 C0.0000",
            "G1 X1.7000 Y2.0000 Z3.0000 A28.6479 C0.0000 F200.0000",
            "M5",
            "M2",
        ]
    );
}

#[test]
fn joint_program_uses_inverse_time_on_every_feed_block() {
    let mut moves = vec![mv([0.0, 0.0, 5.0, 0.0, 0.1, 0.0], Feed::Rapid)];
    for k in 1..4 {
        moves.push(mv(
            [k as f64, 0.0, 5.0, 0.0, 0.1, 0.0],
            Feed::InverseTime(1234.5678),
        ));
    }
    let text = emit(&program(ControlMode::Joint, moves), Dialect::LinuxcncJoint).unwrap();
    let g93 = text.lines().position(|l| l == "G93").unwrap();
    let first_feed = text.lines().position(|l| l.starts_with("G1 ")).unwrap();
    assert_eq!(g93 + 1, first_feed);
    let feeds: Vec<&str> = text.lines().filter(|l| l.starts_with("G1 ")).collect();
    assert_eq!(feeds.len(), 3);
    assert!(
        feeds
            .iter()
            .all(|l| l.ends_with(" F1234.57") && l.contains(" B5.7296 ")),
        "{text}"
    );
}

#[test]
fn mismatches_and_bad_numbers_are_errors() {
    let tcp = program(ControlMode::Tcp, vec![mv([0.0; 6], Feed::InverseTime(2.0))]);
    let e = emit(&tcp, Dialect::LinuxcncTcp).unwrap_err().to_string();
    assert!(
        e.starts_with("move 1:") && e.contains("linuxcnc-tcp"),
        "{e}"
    );
    let e = emit(&tcp, Dialect::LinuxcncJoint).unwrap_err().to_string();
    assert!(e.starts_with("program:"), "{e}");
    let nan = program(
        ControlMode::Tcp,
        vec![mv([f64::NAN, 0.0, 0.0, 0.0, 0.0, 0.0], Feed::Rapid)],
    );
    assert!(emit(&nan, Dialect::LinuxcncTcp)
        .unwrap_err()
        .to_string()
        .contains("non-finite"));
    let zero = program(
        ControlMode::Tcp,
        vec![mv([0.0; 6], Feed::UnitsPerMinute(0.00001))],
    );
    assert!(emit(&zero, Dialect::LinuxcncTcp).is_err());
    let inf = program(
        ControlMode::Joint,
        vec![mv([0.0; 6], Feed::InverseTime(f64::INFINITY))],
    );
    assert!(emit(&inf, Dialect::LinuxcncJoint).is_err());
    let arc_first = program(
        ControlMode::Tcp,
        vec![MachineMove {
            path: Path::Arc {
                center: [0.0, 0.0],
                clockwise: true,
                turns: 0,
                plane: [0, 1, 2],
            },
            ..mv([1.0, 0.0, 0.0, 0.0, 0.0, 0.0], Feed::UnitsPerMinute(100.0))
        }],
    );
    assert!(emit(&arc_first, Dialect::LinuxcncTcp)
        .unwrap_err()
        .to_string()
        .contains("first block is an arc"));
    let off_circle = program(
        ControlMode::Tcp,
        vec![
            mv([1.0, 0.0, 0.0, 0.0, 0.0, 0.0], Feed::UnitsPerMinute(100.0)),
            MachineMove {
                path: Path::Arc {
                    center: [0.0, 0.0],
                    clockwise: true,
                    turns: 0,
                    plane: [0, 1, 2],
                },
                ..mv([0.0, 2.0, 0.0, 0.0, 0.0, 0.0], Feed::UnitsPerMinute(100.0))
            },
        ],
    );
    let e = emit(&off_circle, Dialect::LinuxcncTcp)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("move 2: radius to end of arc differs"), "{e}");
    let mut sink = Vec::new();
    assert!(emit_to(&nan, Dialect::LinuxcncTcp, &mut sink).is_err());
    assert!(sink.is_empty(), "nothing is written on error");
}

#[test]
fn arcs_are_written_with_offsets_plane_and_turns() {
    let p = program(
        ControlMode::Tcp,
        vec![
            mv([1.0, 0.0, 0.0, 0.0, 0.0, 0.0], Feed::UnitsPerMinute(100.0)),
            MachineMove {
                path: Path::Arc {
                    center: [0.0, 0.0],
                    clockwise: false,
                    turns: 1,
                    plane: [0, 1, 2],
                },
                ..mv([0.0, 1.0, 2.0, 0.0, 0.0, 0.0], Feed::UnitsPerMinute(100.0))
            },
            MachineMove {
                path: Path::Arc {
                    center: [2.0, 1.0],
                    clockwise: true,
                    turns: 0,
                    plane: [2, 0, 1],
                },
                ..mv([1.0, 1.0, 3.0, 0.0, 0.0, 0.0], Feed::UnitsPerMinute(100.0))
            },
        ],
    );
    let text = emit(&p, Dialect::LinuxcncTcp).unwrap();
    assert!(
        text.contains("\nG3 X0.0000 Y1.0000 Z2.0000 A0.0000 C0.0000 I-1.0000 J0.0000 P2\n"),
        "{text}"
    );
    assert!(
        text.contains("\nG18 G2 X1.0000 Y1.0000 Z3.0000 A0.0000 C0.0000 K0.0000 I1.0000\n"),
        "{text}"
    );
}
