//! Parity with LinuxCNC's own interpreter: for every file of `tests/corpus` and for
//! programs written by `emit`, `rs274 -g` and [`shellcarve_gcode::canon`] must agree on
//! every STRAIGHT_TRAVERSE, STRAIGHT_FEED, ARC_FEED and SET_FEED_RATE, in order, within
//! 1e-4; files named `err_*` must be refused by both, on the same line.
//!
//! Needs `rs274` (Debian package linuxcnc-uspace). Without it the test fails, unless
//! `SHELLCARVE_SKIP_RS274=1` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use shellcarve_gcode::{canon, canon_to_string, emit, CanonLine, Dialect};
use shellcarve_kinematics::{
    ControlMode, Feed, Joints, MachineMove, MachineProgram, Path as BlockPath,
};

const COMPARED: [&str; 4] = [
    "STRAIGHT_TRAVERSE",
    "STRAIGHT_FEED",
    "ARC_FEED",
    "SET_FEED_RATE",
];

fn find_rs274() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|d| d.join("rs274"))
        .find(|p| p.is_file())
}

struct Rs274Run {
    ok: bool,
    calls: Vec<(String, Vec<f64>)>,
    stderr: String,
}

fn run_rs274(bin: &Path, input: &Path) -> Rs274Run {
    let home = tempfile::tempdir().expect("temporary HOME");
    let out = home.path().join("out.txt");
    let result = Command::new(bin)
        .arg("-g")
        .arg(input)
        .arg(&out)
        .env("HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run rs274");
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    // Lines look like "   19 N..... STRAIGHT_FEED(1.0000, ...)"; drop the two columns.
    let calls = text
        .lines()
        .filter_map(|l| {
            let rest: Vec<&str> = l.split_whitespace().skip(2).collect();
            parse_call(&rest.join(" "))
        })
        .collect();
    Rs274Run {
        ok: result.status.success(),
        calls,
        stderr: String::from_utf8_lossy(&result.stderr).into_owned(),
    }
}

/// `NAME(1.0, 2.0)` → ("NAME", [1.0, 2.0]) for the compared commands.
fn parse_call(s: &str) -> Option<(String, Vec<f64>)> {
    let open = s.find('(')?;
    let close = s.rfind(')')?;
    let name = s.get(..open)?.trim().to_string();
    if !COMPARED.contains(&name.as_str()) {
        return None;
    }
    let args = s
        .get(open + 1..close)?
        .split(',')
        .map(|a| a.trim().parse::<f64>().expect("numeric argument"))
        .collect();
    Some((name, args))
}

/// Our canonical commands as (name, numbers), taken from the printed form, which also
/// checks that `canon_to_string` prints what `rs274` prints.
fn ours(lines: &[CanonLine]) -> Vec<(String, Vec<f64>, Vec<f64>)> {
    let printed = canon_to_string(lines);
    let exact = lines.iter().filter_map(|l| match l {
        CanonLine::StraightTraverse(v) | CanonLine::StraightFeed(v) => Some(v.to_vec()),
        CanonLine::SetFeedRate(r) => Some(vec![*r]),
        CanonLine::ArcFeed {
            first_end,
            second_end,
            first_axis,
            second_axis,
            rotation,
            axis_end_point,
            a,
            b,
            c,
        } => Some(vec![
            *first_end,
            *second_end,
            *first_axis,
            *second_axis,
            f64::from(*rotation),
            *axis_end_point,
            *a,
            *b,
            *c,
        ]),
        _ => None,
    });
    printed
        .lines()
        .filter_map(parse_call)
        .zip(exact)
        .map(|((n, printed), exact)| (n, printed, exact))
        .collect()
}

/// Compares one program; returns the numbers of motion and feed-rate commands compared.
fn compare(bin: &Path, file: &Path, label: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(file).expect("read corpus file");
    let theirs = run_rs274(bin, file);
    let mine = canon(&text);
    let is_error_case = file
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("err_"));
    if is_error_case {
        assert!(!theirs.ok, "{label}: rs274 accepted a file meant to fail");
        let err = mine.expect_err(&format!(
            "{label}: shellcarve accepted a file rs274 refuses"
        ));
        // rs274 ends its stderr with the offending line.
        let their_line = theirs
            .stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        let our_line = err
            .line()
            .and_then(|n| text.lines().nth(n - 1))
            .unwrap_or("")
            .trim();
        assert_eq!(
            our_line,
            their_line,
            "{label}: we fail on another line ({err}) than rs274 ({})",
            theirs.stderr.trim()
        );
        return (0, 0);
    }
    assert!(
        theirs.ok,
        "{label}: rs274 refused it: {}",
        theirs.stderr.trim()
    );
    let mine = mine.unwrap_or_else(|e| panic!("{label}: shellcarve refused it: {e}"));
    let mine = ours(&mine);
    assert_eq!(
        mine.iter().map(|m| m.0.as_str()).collect::<Vec<_>>(),
        theirs
            .calls
            .iter()
            .map(|m| m.0.as_str())
            .collect::<Vec<_>>(),
        "{label}: different command sequence"
    );
    for (k, ((name, printed, exact), (_, expected))) in mine.iter().zip(&theirs.calls).enumerate() {
        assert_eq!(exact.len(), expected.len(), "{label} #{k} {name}");
        for (i, (p, (x, e))) in printed.iter().zip(exact.iter().zip(expected)).enumerate() {
            assert!(
                (x - e).abs() <= 1e-4,
                "{label} #{k} {name} argument {i}: ours {x}, rs274 {e}"
            );
            assert!(
                (p - e).abs() <= 1.0001e-4,
                "{label} #{k} {name} argument {i}: printed {p}, rs274 {e}"
            );
        }
    }
    let feeds = mine.iter().filter(|m| m.0 == "SET_FEED_RATE").count();
    (mine.len() - feeds, feeds)
}

/// A deterministic program with A/C motion: text along the equator of a 43 mm egg,
/// plunges, retracts, and (TCP only) arcs.
fn synthetic(mode: ControlMode) -> MachineProgram {
    let feed = |f: f64| match mode {
        ControlMode::Tcp => Feed::UnitsPerMinute(f),
        ControlMode::Joint => Feed::InverseTime(f / 0.37),
    };
    let mv = |v: [f64; 6], feed: Feed, comment: Option<&str>| MachineMove {
        target: Joints::new(v),
        path: BlockPath::Linear,
        feed,
        line: None,
        comment: comment.map(str::to_string),
        cutting: !matches!(feed, Feed::Rapid),
    };
    let mut moves = vec![mv(
        [0.0, 0.0, 30.0, 1.2, 0.0, -0.4],
        Feed::Rapid,
        Some("approach (egg)"),
    )];
    for stroke in 0..6 {
        let c0 = -0.4 + 0.13 * f64::from(stroke);
        let a = std::f64::consts::FRAC_PI_2 - 0.05 * f64::from(stroke % 3);
        moves.push(mv(
            [0.0, 21.9, 2.0, a, 0.0, c0],
            Feed::Rapid,
            Some(&format!("stroke {stroke}")),
        ));
        moves.push(mv(
            [0.0, 21.15, 2.0 + 0.01 * f64::from(stroke), a, 0.0, c0],
            feed(120.0),
            None,
        ));
        for k in 1..8 {
            let t = f64::from(k) / 7.0;
            let c = c0 + 0.09 * t;
            let aa = a + 0.03 * (t * 3.0).sin();
            moves.push(mv(
                [
                    0.013 * t,
                    21.15 - 0.004 * k as f64,
                    2.0 - 0.3 * t,
                    aa,
                    0.0,
                    c,
                ],
                feed(300.0 + 5.0 * k as f64),
                None,
            ));
        }
        moves.push(mv(
            [0.0, 21.9, 2.0, a, 0.0, c0 + 0.09],
            feed(600.0),
            Some("retract"),
        ));
    }
    if mode == ControlMode::Tcp {
        moves.push(mv([5.0, 0.0, 25.0, 0.3, 0.0, 0.5], feed(200.0), None));
        moves.push(MachineMove {
            path: BlockPath::Arc {
                center: [0.0, 0.0],
                clockwise: false,
                turns: 0,
                plane: [0, 1, 2],
            },
            ..mv([0.0, 5.0, 24.0, 0.3, 0.0, 0.7], feed(200.0), None)
        });
        moves.push(MachineMove {
            path: BlockPath::Arc {
                center: [24.0, 1.0],
                clockwise: true,
                turns: 1,
                plane: [2, 0, 1],
            },
            ..mv([2.0, 5.0, 24.0, 0.3, 0.0, 0.7], feed(150.0), None)
        });
    }
    moves.push(mv(
        [0.0, 0.0, 30.0, 0.0, 0.0, 0.0],
        Feed::Rapid,
        Some("park"),
    ));
    MachineProgram {
        mode,
        moves,
        spindle_rpm: 18000.0,
        tool_number: 1,
        header: vec![
            "shellcarve parity (synthetic)".into(),
            "ball 0.5 mm, 0.35 mm deep".into(),
        ],
    }
}

#[test]
fn rs274_agrees_on_every_move() {
    let Some(bin) = find_rs274() else {
        if std::env::var("SHELLCARVE_SKIP_RS274").as_deref() == Ok("1") {
            eprintln!("rs274 not found; skipped because SHELLCARVE_SKIP_RS274=1");
            return;
        }
        panic!("LinuxCNC's rs274 is not installed: install linuxcnc-uspace (apt-get install -y linuxcnc-uspace), or set SHELLCARVE_SKIP_RS274=1 to skip");
    };
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ngc"))
        .collect();
    files.sort();
    let emitted_dir = tempfile::tempdir().expect("temporary directory");
    // fanuc-tcpm is not LinuxCNC's (G43.4); grbl-4axis output is plain RS274 that rs274
    // must read too (its program has no C motion).
    for dialect in Dialect::ALL
        .into_iter()
        .filter(|d| *d != Dialect::FanucTcpm)
    {
        let mut program = synthetic(dialect.control_mode());
        if dialect == Dialect::Grbl4Axis {
            for m in &mut program.moves {
                m.target.values[5] = 0.0;
            }
        }
        let text = emit(&program, dialect).expect("emit the synthetic program");
        let path = emitted_dir.path().join(format!("emitted_{dialect}.ngc"));
        std::fs::write(&path, &text).expect("write emitted program");
        // rs274 must also land on the targets we meant.
        let theirs = run_rs274(&bin, &path);
        assert!(
            theirs.ok,
            "{dialect}: rs274 refused our output: {}",
            theirs.stderr
        );
        let ends: Vec<&Vec<f64>> = theirs
            .calls
            .iter()
            .filter(|c| c.0 != "SET_FEED_RATE")
            .map(|c| &c.1)
            .collect();
        assert_eq!(ends.len(), program.moves.len(), "{dialect}");
        for (args, mv) in ends.iter().zip(&program.moves) {
            let deg = |k: usize| mv.target.values[k].to_degrees();
            let xyz = &mv.target.values;
            let expect = match (mv.path, args.len()) {
                (BlockPath::Arc { plane, .. }, 9) => vec![
                    (args[0], xyz[plane[0]]),
                    (args[1], xyz[plane[1]]),
                    (args[5], xyz[plane[2]]),
                    (args[6], deg(3)),
                    (args[8], deg(5)),
                ],
                (_, 6) => vec![
                    (args[0], xyz[0]),
                    (args[1], xyz[1]),
                    (args[2], xyz[2]),
                    (args[3], deg(3)),
                    (args[5], deg(5)),
                ],
                _ => panic!("{dialect}: unexpected command {args:?} for {mv:?}"),
            };
            for (got, want) in expect {
                assert!(
                    (got - want).abs() <= 1.0001e-4,
                    "{dialect}: rs274 went to {got}, we meant {want}"
                );
            }
        }
        files.push(path);
    }
    let (mut moves, mut feeds) = (0, 0);
    for file in &files {
        let label = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (m, f) = compare(&bin, file, &label);
        eprintln!("{label}: {m} motion and {f} feed-rate commands agree");
        moves += m;
        feeds += f;
    }
    eprintln!(
        "rs274 parity: {} files, {moves} motion and {feeds} feed-rate commands compared",
        files.len()
    );
    assert!(moves > 100, "too few moves compared: {moves}");
}
