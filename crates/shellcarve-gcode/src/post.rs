//! The post-processor: a [`MachineProgram`] written as G-code for a [`Dialect`].

use std::fmt::Write as _;

use shellcarve_kinematics::{Axis, Feed, Joints, Machine, MachineProgram, Path};

use crate::arc::{check_center, ArcTolerance};
use crate::canon::{LengthUnits, Plane};
use crate::dialect::Dialect;
use crate::error::{GcodeError, Result};
use crate::fixed4::push_fixed4;

/// Decimals of coordinates (mm and degrees) and of G94 feeds (mm/min).
pub const COORD_DECIMALS: usize = 4;
/// Significant digits of G93 inverse-time F words.
pub const INVERSE_TIME_DIGITS: i32 = 6;
/// Longest comment written (characters); LinuxCNC refuses lines over 256 characters.
const MAX_COMMENT: usize = 200;

/// `v` with `decimals` decimals, never "-0.000".
pub(crate) fn fixed(v: f64, decimals: usize) -> String {
    let mut out = String::new();
    push_fixed(&mut out, v, decimals);
    out
}

/// Appends `v` with `decimals` decimals to `out`, never "-0.000". Four decimals (the
/// coordinates') skip the general float formatting (see [`push_fixed4`]).
fn push_fixed(out: &mut String, v: f64, decimals: usize) {
    let text = if decimals == 4 {
        let mut bytes = Vec::with_capacity(24);
        push_fixed4(&mut bytes, v);
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        format!("{v:.decimals$}")
    };
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => out.push_str(rest),
        _ => out.push_str(&text),
    }
}

/// `v` (positive) with `digits` significant digits in plain decimal notation (G-code has
/// no exponents), at most 12 decimals.
fn significant(v: f64, digits: i32) -> String {
    let magnitude = v.abs().log10().floor();
    let magnitude = if magnitude.is_finite() {
        magnitude as i32
    } else {
        0
    };
    let decimals = (digits - 1 - magnitude).clamp(0, 12) as usize;
    fixed(v, decimals)
}

/// Makes text safe inside a G-code comment: no parentheses or line breaks, not read as
/// a LinuxCNC (MSG,…)/(DEBUG,…)/(PRINT,…)/(LOG…)/(PROBE…) command, not too long.
fn sanitize(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| match c {
            '(' => '[',
            ')' => ']',
            c if c.is_control() => ' ',
            c => c,
        })
        .take(MAX_COMMENT)
        .collect();
    let head = s.trim_start().to_ascii_uppercase();
    if ["MSG,", "DEBUG,", "PRINT,", "LOG", "PROBE", "ABORT,"]
        .iter()
        .any(|k| head.starts_with(k))
    {
        s.insert_str(0, "- ");
    }
    s
}

fn emit_error(context: impl Into<String>, message: String) -> GcodeError {
    GcodeError::Emit {
        context: context.into(),
        message,
    }
}

/// Writes `program` as G-code in `dialect` for `machine`: checks that the dialect fits
/// the machine ([`Dialect::check_machine`]) and writes exactly the machine's axes (B and
/// C for `xyzbc-trt`, A alone for `xyza-rotary`). Otherwise as [`emit`].
pub fn emit_for_machine(
    program: &MachineProgram,
    dialect: Dialect,
    machine: &dyn Machine,
) -> Result<String> {
    dialect.check_machine(machine)?;
    emit_axes(program, dialect, machine.axes())
}

/// Writes `program` as G-code in `dialect`, with the axes X Y Z A C (and B when it is
/// nonzero anywhere); `grbl-4axis` writes X Y Z A. [`emit_for_machine`] writes a given
/// machine's axes instead.
///
/// The header holds the program's header lines as comments, `G17 G21 G90 G94`,
/// `T… M6` and `S… M3`; the footer `M5` and `M2`. Each move is one block with all of
/// X Y Z A C (B too when it is nonzero anywhere) at [`COORD_DECIMALS`] decimals
/// (mm and degrees), preceded by its comment. `linuxcnc-tcp` writes G94 feeds in mm/min
/// (F only when it changes); `linuxcnc-joint` switches to G93 before the first feed
/// block and gives every feed block its inverse-time F ([`INVERSE_TIME_DIGITS`]
/// significant digits). Arcs become G2/G3 with incremental I/J/K centre offsets (and a
/// plane select when it changes) and a P word for extra turns.
///
/// Errors: the program's control mode differs from the dialect's, a feed kind the
/// dialect does not write (inverse time in a TCP program, mm/min in a joint program),
/// a non-finite or non-positive feed or a non-finite coordinate, a rapid or first
/// block that is an arc, an arc with an unknown plane.
///
/// `fanuc-tcpm` opens and closes the program with `%`, switches tool centre point
/// control on with `G43.4 H<tool>` after the spindle start and off with `G49` before
/// `M5 M30`. `grbl-4axis` writes no `T`/`M6` (the tool is named in a comment), `M3 S…`,
/// and turns inverse-time feeds into `G94` F words over Grbl's all-axes length (see
/// [`Dialect::Grbl4Axis`]); a program with B or C motion is an error there.
pub fn emit(program: &MachineProgram, dialect: Dialect) -> Result<String> {
    let use_b = program.moves.iter().any(|m| m.target.get(Axis::B) != 0.0);
    let axes: Vec<Axis> = match dialect {
        Dialect::Grbl4Axis => vec![Axis::X, Axis::Y, Axis::Z, Axis::A],
        _ => Axis::ALL
            .into_iter()
            .filter(|a| *a != Axis::B || use_b)
            .collect(),
    };
    emit_axes(program, dialect, &axes)
}

/// Grbl's length of a block: the Euclidean length over all axes written, rotary ones in
/// degrees (Grbl's planner treats every axis as linear).
fn grbl_length(from: &[f64], to: &[f64]) -> f64 {
    from.iter()
        .zip(to)
        .map(|(a, b)| (b - a) * (b - a))
        .sum::<f64>()
        .sqrt()
}

/// The printed values of `axes` of `j` (mm and degrees at [`COORD_DECIMALS`]).
fn printed(j: &Joints, axes: &[Axis]) -> Vec<f64> {
    axes.iter()
        .map(|a| {
            let v = j.display_value(*a);
            fixed(v, COORD_DECIMALS).parse::<f64>().unwrap_or(v)
        })
        .collect()
}

fn emit_axes(program: &MachineProgram, dialect: Dialect, axes: &[Axis]) -> Result<String> {
    let mode = dialect.control_mode();
    if program.mode != mode {
        return Err(emit_error(
            "program",
            format!(
                "the program holds {:?} coordinates but dialect {dialect} writes {mode:?} coordinates; plan the program for {mode:?} or choose a {:?} dialect",
                program.mode, program.mode
            ),
        ));
    }
    if !(program.spindle_rpm.is_finite() && program.spindle_rpm >= 0.0) {
        return Err(emit_error(
            "program",
            format!(
                "spindle speed {} rpm is not a speed; give a finite speed of 0 or more",
                program.spindle_rpm
            ),
        ));
    }
    if let Some((index, axis)) = program.moves.iter().enumerate().find_map(|(i, m)| {
        Axis::ALL
            .into_iter()
            .find(|a| !axes.contains(a) && m.target.get(*a).abs() > 1e-12)
            .map(|a| (i, a))
    }) {
        return Err(emit_error(
            format!("move {}", index + 1),
            format!(
                "axis {axis} moves, but dialect {dialect} writes only {} here; plan the program for a machine with these axes",
                axes.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(" ")
            ),
        ));
    }
    let mut out = String::new();
    // Writing to a String cannot fail: the results of writeln! are ignored below.
    if dialect == Dialect::FanucTcpm {
        let _ = writeln!(out, "%");
    }
    for line in &program.header {
        if !line.trim().is_empty() {
            let _ = writeln!(out, "({})", sanitize(line));
        }
    }
    let rpm = fixed(program.spindle_rpm, COORD_DECIMALS);
    let rpm = rpm.trim_end_matches('0').trim_end_matches('.');
    let _ = writeln!(out, "G17 G21 G90 G94");
    match dialect {
        Dialect::Grbl4Axis => {
            let _ = writeln!(
                out,
                "(tool {}: Grbl has no tool change; fit it before starting)",
                program.tool_number
            );
            let _ = writeln!(out, "M3 S{rpm}");
        }
        _ => {
            let _ = writeln!(out, "T{} M6", program.tool_number);
            let _ = writeln!(out, "S{rpm} M3");
        }
    }
    if dialect == Dialect::FanucTcpm {
        let _ = writeln!(out, "G43.4 H{}", program.tool_number);
    }
    let mut last_f: Option<String> = None;
    let mut inverse_time = false;
    let mut plane = Plane::Xy;
    let mut previous: Option<Joints> = None;
    for (index, mv) in program.moves.iter().enumerate() {
        let context = || format!("move {}", index + 1);
        if !mv.target.is_finite() {
            return Err(emit_error(
                context(),
                "the target has a non-finite coordinate (NaN or infinite); check the toolpath and kinematics that produced it".into(),
            ));
        }
        let mut block = String::new();
        let f_word = match (mv.feed, dialect) {
            (Feed::Rapid, _) => None,
            (
                Feed::UnitsPerMinute(f),
                Dialect::LinuxcncTcp | Dialect::FanucTcpm | Dialect::Grbl4Axis,
            ) => {
                let s = fixed(f, COORD_DECIMALS);
                if !(f.is_finite() && s.parse::<f64>().is_ok_and(|v| v > 0.0)) {
                    return Err(emit_error(context(), format!("feed {f} mm/min is not a positive finite feed at {COORD_DECIMALS} decimals; give a feed above 0")));
                }
                if last_f.as_deref() == Some(s.as_str()) {
                    None
                } else {
                    last_f = Some(s.clone());
                    Some(s)
                }
            }
            (Feed::InverseTime(f), Dialect::LinuxcncJoint) => {
                let s = significant(f, INVERSE_TIME_DIGITS);
                if !(f.is_finite() && s.parse::<f64>().is_ok_and(|v| v > 0.0)) {
                    return Err(emit_error(context(), format!("inverse-time feed {f} (1/min) is not positive and finite; the block would never end")));
                }
                if !inverse_time {
                    let _ = writeln!(out, "G93");
                    inverse_time = true;
                }
                Some(s)
            }
            (Feed::InverseTime(f), Dialect::Grbl4Axis) => {
                if !(f.is_finite() && f > 0.0) {
                    return Err(emit_error(context(), format!("inverse-time feed {f} (1/min) is not positive and finite; the block would never end")));
                }
                if !matches!(mv.path, Path::Linear) {
                    return Err(emit_error(context(), "an arc with an inverse-time feed cannot be written for Grbl (its G94 feed runs over all axes); give the arc a feed in mm/min".into()));
                }
                let Some(from) = previous else {
                    return Err(emit_error(context(), "the first block is a feed move, whose length is unknown; begin the program with a rapid".into()));
                };
                let len = grbl_length(&printed(&from, axes), &printed(&mv.target, axes));
                if len <= 0.0 {
                    // Grbl skips a block that moves nothing: any F will do.
                    match &last_f {
                        Some(_) => None,
                        None => {
                            last_f = Some("1".into());
                            Some("1".into())
                        }
                    }
                } else {
                    let s = fixed(len * f, COORD_DECIMALS);
                    if !s.parse::<f64>().is_ok_and(|v| v > 0.0) {
                        return Err(emit_error(context(), format!("the block needs a feed of {} mm/min, which is 0 at {COORD_DECIMALS} decimals; slow the program down", len * f)));
                    }
                    if last_f.as_deref() == Some(s.as_str()) {
                        None
                    } else {
                        last_f = Some(s.clone());
                        Some(s)
                    }
                }
            }
            (feed, d) => {
                return Err(emit_error(
                    context(),
                    format!(
                        "{feed:?} cannot be written in dialect {d}, which writes {}; convert the program's feeds (linuxcnc-tcp: mm/min, linuxcnc-joint: inverse time)",
                        match d {
                            Dialect::LinuxcncJoint => "inverse-time feeds (G93)",
                            _ => "feeds in mm/min (G94)",
                        }
                    ),
                ))
            }
        };
        let mut arc_words = String::new();
        match mv.path {
            Path::Linear => block.push_str(if matches!(mv.feed, Feed::Rapid) {
                "G0"
            } else {
                "G1"
            }),
            Path::Arc {
                center,
                clockwise,
                turns,
                plane: indices,
            } => {
                let Some(arc_plane) = Plane::from_indices(indices) else {
                    return Err(emit_error(context(), format!("arc plane {indices:?} is not XY [0, 1, 2], XZ [2, 0, 1] or YZ [1, 2, 0]")));
                };
                if matches!(mv.feed, Feed::Rapid) {
                    return Err(emit_error(
                        context(),
                        "an arc cannot be a rapid (G0); give it a feed".into(),
                    ));
                }
                let Some(start) = previous else {
                    return Err(emit_error(context(), "the first block is an arc, but its start point is unknown; begin the program with a straight move".into()));
                };
                if !(center[0].is_finite() && center[1].is_finite()) {
                    return Err(emit_error(context(), "the arc centre is not finite".into()));
                }
                if arc_plane != plane {
                    block.push_str(arc_plane.gcode());
                    block.push(' ');
                    plane = arc_plane;
                }
                block.push_str(if clockwise { "G2" } else { "G3" });
                // Offsets from the start as printed, so the controller finds the centre
                // written here.
                let round = |v: f64| fixed(v, COORD_DECIMALS).parse::<f64>().unwrap_or(v);
                let coord =
                    |j: &Joints, k: usize| round(j.values.get(indices[k]).copied().unwrap_or(0.0));
                let from = [coord(&start, 0), coord(&start, 1)];
                let to = [coord(&mv.target, 0), coord(&mv.target, 1)];
                let c = [round(center[0]), round(center[1])];
                check_center(
                    from,
                    c,
                    to,
                    ArcTolerance::for_units(LengthUnits::Millimetres),
                )
                .map_err(|m| {
                    emit_error(context(), format!("{m}; LinuxCNC would refuse this arc"))
                })?;
                for (k, letter) in arc_plane.offset_letters().into_iter().enumerate() {
                    let _ = write!(
                        arc_words,
                        " {letter}{}",
                        fixed(c[k] - from[k], COORD_DECIMALS)
                    );
                }
                if turns > 0 {
                    let _ = write!(arc_words, " P{}", u64::from(turns) + 1);
                }
            }
        }
        for axis in axes {
            let _ = write!(block, " {}", axis.letter());
            push_fixed(&mut block, mv.target.display_value(*axis), COORD_DECIMALS);
        }
        block.push_str(&arc_words);
        if let Some(f) = f_word {
            let _ = write!(block, " F{f}");
        }
        if let Some(c) = mv.comment.as_deref().filter(|c| !c.trim().is_empty()) {
            let _ = writeln!(out, "({})", sanitize(c.trim()));
        }
        let _ = writeln!(out, "{block}");
        previous = Some(mv.target);
    }
    match dialect {
        Dialect::FanucTcpm => {
            let _ = writeln!(out, "G49");
            let _ = writeln!(out, "M5");
            let _ = writeln!(out, "M30");
            let _ = writeln!(out, "%");
        }
        _ => {
            let _ = writeln!(out, "M5");
            let _ = writeln!(out, "M2");
        }
    }
    Ok(out)
}

/// Writes `program` as G-code in `dialect` to `writer` (see [`emit`]). Nothing is
/// written when the program cannot be emitted.
pub fn emit_to<W: std::io::Write>(
    program: &MachineProgram,
    dialect: Dialect,
    mut writer: W,
) -> Result<()> {
    let text = emit(program, dialect)?;
    writer.write_all(text.as_bytes())?;
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests;
