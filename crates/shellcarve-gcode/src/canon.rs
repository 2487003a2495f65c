//! Canonical machining commands in the vocabulary of LinuxCNC's `rs274 -g`.
//!
//! Lengths are in the program's length units at the time of the command, exactly as
//! `rs274` prints them: after `USE_LENGTH_UNITS(CANON_UNITS_INCHES)` positions and feed
//! rates are inches and inches per minute. Rotary positions are degrees.

use crate::fixed4::{push_fixed4, push_u64};

/// Length units of a program (G20, G21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LengthUnits {
    /// Millimetres (G21).
    Millimetres,
    /// Inches (G20).
    Inches,
}

impl LengthUnits {
    /// Millimetres per program unit.
    pub fn mm_per_unit(self) -> f64 {
        match self {
            LengthUnits::Millimetres => 1.0,
            LengthUnits::Inches => 25.4,
        }
    }
}

/// The plane of circular arcs (G17, G18, G19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Plane {
    /// G17: arcs in X-Y (first axis X, second Y, normal Z).
    Xy,
    /// G18: arcs in Z-X (first axis Z, second X, normal Y).
    Xz,
    /// G19: arcs in Y-Z (first axis Y, second Z, normal X).
    Yz,
}

impl Plane {
    /// Indices into the six axis values X Y Z A B C of the first and second in-plane
    /// axes and of the normal axis, as [`shellcarve_kinematics::Path::Arc`] takes them.
    pub fn indices(self) -> [usize; 3] {
        match self {
            Plane::Xy => [0, 1, 2],
            Plane::Xz => [2, 0, 1],
            Plane::Yz => [1, 2, 0],
        }
    }

    /// The plane whose [`Plane::indices`] are `indices`, if any.
    pub fn from_indices(indices: [usize; 3]) -> Option<Plane> {
        [Plane::Xy, Plane::Xz, Plane::Yz]
            .into_iter()
            .find(|p| p.indices() == indices)
    }

    /// The G-code that selects the plane.
    pub fn gcode(self) -> &'static str {
        match self {
            Plane::Xy => "G17",
            Plane::Xz => "G18",
            Plane::Yz => "G19",
        }
    }

    /// The letters of the arc-centre offsets for the first and second in-plane axes.
    pub fn offset_letters(self) -> [char; 2] {
        match self {
            Plane::Xy => ['I', 'J'],
            Plane::Xz => ['K', 'I'],
            Plane::Yz => ['J', 'K'],
        }
    }
}

/// Feed-rate mode (G93, G94).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedMode {
    /// G94: F is length units per minute.
    UnitsPerMinute,
    /// G93: F is 1 / minutes for the block.
    InverseTime,
}

/// One canonical command.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CanonLine {
    /// `USE_LENGTH_UNITS(…)`: G20 or G21 was programmed.
    UseLengthUnits(LengthUnits),
    /// `COMMENT("…")`: the last `( … )` comment of a line.
    Comment(String),
    /// `MESSAGE("…")`: an `(MSG, …)` comment.
    Message(String),
    /// `SET_FEED_MODE(0, m)`: G93 or G94. (`rs274` prints 0 for both modes; this prints 1
    /// for inverse time.)
    SetFeedMode(FeedMode),
    /// `SET_FEED_RATE(f)`: units per minute. In inverse-time mode LinuxCNC converts each
    /// block's F into the rate `max(0.1, F × length)` (length: XYZ when any of X Y Z
    /// moves, else the rotary length in degrees; the helix length for arcs).
    SetFeedRate(f64),
    /// `SELECT_PLANE(…)`.
    SelectPlane(Plane),
    /// `SELECT_TOOL(t)`: a T word.
    SelectTool(u32),
    /// `CHANGE_TOOL(t)`: M6 with the selected tool.
    ChangeTool(u32),
    /// `SET_SPINDLE_SPEED(0, s)`: an S word (rpm).
    SetSpindleSpeed(f64),
    /// `START_SPINDLE_CLOCKWISE(0)`: M3.
    StartSpindleClockwise,
    /// `START_SPINDLE_COUNTERCLOCKWISE(0)`: M4.
    StartSpindleCounterclockwise,
    /// `STOP_SPINDLE_TURNING(0)`: M5 (and program end).
    StopSpindleTurning,
    /// `STRAIGHT_TRAVERSE(x, y, z, a, b, c)`: G0 to the end point.
    StraightTraverse([f64; 6]),
    /// `STRAIGHT_FEED(x, y, z, a, b, c)`: G1 to the end point.
    StraightFeed([f64; 6]),
    /// `ARC_FEED(…)`: G2/G3, in the order `rs274` prints the nine numbers.
    ArcFeed {
        /// End point on the plane's first axis (X for G17, Z for G18, Y for G19).
        first_end: f64,
        /// End point on the plane's second axis (Y for G17, X for G18, Z for G19).
        second_end: f64,
        /// Centre on the first axis.
        first_axis: f64,
        /// Centre on the second axis.
        second_axis: f64,
        /// Turns: positive counterclockwise (G3), negative clockwise (G2); |rotation| is
        /// the P word (1 when absent).
        rotation: i32,
        /// End point on the plane's normal axis (Z for G17, Y for G18, X for G19).
        axis_end_point: f64,
        /// End position of A (degrees).
        a: f64,
        /// End position of B (degrees).
        b: f64,
        /// End position of C (degrees).
        c: f64,
    },
    /// `PROGRAM_END()`: M2 or M30.
    ProgramEnd,
}

impl CanonLine {
    /// Appends the line, without its newline, in the text form `rs274 -g` prints.
    fn render(&self, out: &mut Vec<u8>) {
        let call = |out: &mut Vec<u8>, name: &str, xs: &[f64]| {
            out.extend_from_slice(name.as_bytes());
            out.push(b'(');
            numbers(out, xs);
            out.push(b')');
        };
        match self {
            CanonLine::UseLengthUnits(LengthUnits::Millimetres) => {
                out.extend_from_slice(b"USE_LENGTH_UNITS(CANON_UNITS_MM)");
            }
            CanonLine::UseLengthUnits(LengthUnits::Inches) => {
                out.extend_from_slice(b"USE_LENGTH_UNITS(CANON_UNITS_INCHES)");
            }
            CanonLine::Comment(s) => quoted(out, "COMMENT", s),
            CanonLine::Message(s) => quoted(out, "MESSAGE", s),
            CanonLine::SetFeedMode(FeedMode::UnitsPerMinute) => {
                out.extend_from_slice(b"SET_FEED_MODE(0, 0)");
            }
            CanonLine::SetFeedMode(FeedMode::InverseTime) => {
                out.extend_from_slice(b"SET_FEED_MODE(0, 1)");
            }
            CanonLine::SetFeedRate(r) => call(out, "SET_FEED_RATE", &[*r]),
            CanonLine::SelectPlane(p) => {
                out.extend_from_slice(match p {
                    Plane::Xy => b"SELECT_PLANE(CANON_PLANE_XY)",
                    Plane::Xz => b"SELECT_PLANE(CANON_PLANE_XZ)",
                    Plane::Yz => b"SELECT_PLANE(CANON_PLANE_YZ)",
                });
            }
            CanonLine::SelectTool(t) => {
                out.extend_from_slice(b"SELECT_TOOL(");
                push_u64(out, u64::from(*t));
                out.push(b')');
            }
            CanonLine::ChangeTool(t) => {
                out.extend_from_slice(b"CHANGE_TOOL(");
                push_u64(out, u64::from(*t));
                out.push(b')');
            }
            CanonLine::SetSpindleSpeed(s) => {
                out.extend_from_slice(b"SET_SPINDLE_SPEED(0, ");
                push_fixed4(out, *s);
                out.push(b')');
            }
            CanonLine::StartSpindleClockwise => {
                out.extend_from_slice(b"START_SPINDLE_CLOCKWISE(0)");
            }
            CanonLine::StartSpindleCounterclockwise => {
                out.extend_from_slice(b"START_SPINDLE_COUNTERCLOCKWISE(0)");
            }
            CanonLine::StopSpindleTurning => out.extend_from_slice(b"STOP_SPINDLE_TURNING(0)"),
            CanonLine::StraightTraverse(v) => call(out, "STRAIGHT_TRAVERSE", v),
            CanonLine::StraightFeed(v) => call(out, "STRAIGHT_FEED", v),
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
            } => {
                out.extend_from_slice(b"ARC_FEED(");
                numbers(out, &[*first_end, *second_end, *first_axis, *second_axis]);
                out.extend_from_slice(b", ");
                if *rotation < 0 {
                    out.push(b'-');
                }
                push_u64(out, u64::from(rotation.unsigned_abs()));
                out.extend_from_slice(b", ");
                numbers(out, &[*axis_end_point, *a, *b, *c]);
                out.push(b')');
            }
            CanonLine::ProgramEnd => out.extend_from_slice(b"PROGRAM_END()"),
        }
    }
}

/// Appends numbers with four decimals, separated by `, `.
fn numbers(out: &mut Vec<u8>, xs: &[f64]) {
    let Some((first, rest)) = xs.split_first() else {
        return;
    };
    push_fixed4(out, *first);
    for &x in rest {
        out.extend_from_slice(b", ");
        push_fixed4(out, x);
    }
}

/// Appends `NAME("text")`.
fn quoted(out: &mut Vec<u8>, name: &str, text: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"(\"");
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(b"\")");
}

impl std::fmt::Display for CanonLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = Vec::new();
        self.render(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// Appends the lines, each with its newline, as [`canon_to_string`] prints them.
pub(crate) fn render_lines(lines: &[CanonLine], out: &mut Vec<u8>) {
    for l in lines {
        l.render(out);
        out.push(b'\n');
    }
}

/// Prints canonical commands one per line, in the text form `rs274 -g` uses (without its
/// sequence-number and N columns), so the two can be compared line by line.
pub fn canon_to_string(lines: &[CanonLine]) -> String {
    let mut bytes = Vec::with_capacity(lines.len() * 72);
    render_lines(lines, &mut bytes);
    // Only ASCII and the comments' text, which is UTF-8, went in.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_rs274() {
        let lines = [
            CanonLine::StraightFeed([1.5, 2.5, 3.0, 10.0, 0.0, 25.0]),
            CanonLine::ArcFeed {
                first_end: 5.0,
                second_end: 3.0,
                first_axis: 3.64119,
                second_axis: 4.46758,
                rotation: 1,
                axis_end_point: 2.5,
                a: 10.0,
                b: 0.0,
                c: 20.0,
            },
            CanonLine::SelectPlane(Plane::Xz),
            CanonLine::SetFeedRate(2.46819),
            CanonLine::UseLengthUnits(LengthUnits::Inches),
        ];
        assert_eq!(
            canon_to_string(&lines),
            "STRAIGHT_FEED(1.5000, 2.5000, 3.0000, 10.0000, 0.0000, 25.0000)\n\
             ARC_FEED(5.0000, 3.0000, 3.6412, 4.4676, 1, 2.5000, 10.0000, 0.0000, 20.0000)\n\
             SELECT_PLANE(CANON_PLANE_XZ)\n\
             SET_FEED_RATE(2.4682)\n\
             USE_LENGTH_UNITS(CANON_UNITS_INCHES)\n"
        );
    }

    #[test]
    fn plane_indices_match_the_kinematics_convention() {
        for p in [Plane::Xy, Plane::Xz, Plane::Yz] {
            assert_eq!(Plane::from_indices(p.indices()), Some(p));
        }
        assert_eq!(Plane::from_indices([0, 2, 1]), None);
    }
}
