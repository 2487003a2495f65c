//! Sorting the words of a line into LinuxCNC's modal groups, refusing what lies outside
//! the subset shellcarve reads.

use crate::canon::{FeedMode, LengthUnits, Plane};
use crate::error::{GcodeError, Result};
use crate::lexer::Word;

/// The motion modal group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Motion {
    /// G0.
    Rapid,
    /// G1.
    Linear,
    /// G2.
    Clockwise,
    /// G3.
    Counterclockwise,
}

/// The slot in [`Block::values`] of a value word's letter: F S T X Y Z A B C I J K R P H
/// in that order.
fn value_slot(letter: char) -> Option<usize> {
    Some(match letter {
        'F' => 0,
        'S' => 1,
        'T' => 2,
        'X' => 3,
        'Y' => 4,
        'Z' => 5,
        'A' => 6,
        'B' => 7,
        'C' => 8,
        'I' => 9,
        'J' => 10,
        'K' => 11,
        'R' => 12,
        'P' => 13,
        'H' => 14,
        _ => return None,
    })
}
/// Axis letters in the order of the six positions.
pub(crate) const AXIS_LETTERS: [char; 6] = ['X', 'Y', 'Z', 'A', 'B', 'C'];

/// The words of one line sorted into modal groups.
#[derive(Debug, Default)]
pub(crate) struct Block<'w> {
    pub(crate) motion: Option<(Motion, &'w Word<'w>)>,
    pub(crate) plane: Option<(Plane, &'w Word<'w>)>,
    pub(crate) units: Option<(LengthUnits, &'w Word<'w>)>,
    pub(crate) absolute: Option<(bool, &'w Word<'w>)>,
    pub(crate) arc_absolute: Option<(bool, &'w Word<'w>)>,
    pub(crate) feed_mode: Option<(FeedMode, &'w Word<'w>)>,
    pub(crate) spindle: Option<(u8, &'w Word<'w>)>,
    pub(crate) tool_change: Option<((), &'w Word<'w>)>,
    pub(crate) stop: Option<((), &'w Word<'w>)>,
    /// G43.4 (true) or G49 (false): Fanuc tool centre point control on or off.
    pub(crate) tcpm: Option<(bool, &'w Word<'w>)>,
    pub(crate) values: [Option<&'w Word<'w>>; 15],
}

impl<'w> Block<'w> {
    pub(crate) fn word(&self, letter: char) -> Option<&'w Word<'w>> {
        value_slot(letter).and_then(|i| self.values.get(i).copied().flatten())
    }
}

/// An [`GcodeError::InvalidBlock`] blaming word `w`.
pub(crate) fn invalid(line: usize, w: &Word<'_>, message: String) -> GcodeError {
    GcodeError::InvalidBlock {
        line,
        column: w.column,
        word: w.text.to_string(),
        message,
    }
}

fn set<'w, T>(
    slot: &mut Option<(T, &'w Word<'w>)>,
    value: T,
    w: &'w Word<'w>,
    line: usize,
    group: &str,
) -> Result<()> {
    if let Some((_, prev)) = slot {
        return Err(GcodeError::ModalConflict {
            line,
            column: w.column,
            word: w.text.to_string(),
            message: format!(
                "{} and {} are both {group}; a block may hold only one, keep one of them",
                prev.text, w.text
            ),
        });
    }
    *slot = Some((value, w));
    Ok(())
}

const G_SUBSET: &str = "shellcarve reads G0-G3, G17-G19, G20/G21, G90/G91, G90.1/G91.1, G93/G94";
const M_SUBSET: &str = "shellcarve reads M2, M3, M4, M5, M6, M30";

/// Sorts the words of line `line` into modal groups.
#[inline]
pub(crate) fn classify<'w>(words: &'w [Word<'w>], line: usize) -> Result<Block<'w>> {
    let mut b = Block::default();
    for w in words {
        match w.letter {
            'G' => {
                // The code in tenths (G90.1 is 901) when the value is within 1e-6 of
                // one, else -1. Truncating |t| + 0.5 finds the nearest whole number
                // wherever that matters, without a call to libm's round.
                let t = w.value * 10.0;
                let near = (t.abs() + 0.5) as i64;
                let code = if (t.abs() - near as f64).abs() < 1e-6 && near < 1_000_000 {
                    if t < 0.0 {
                        -near
                    } else {
                        near
                    }
                } else {
                    -1
                };
                match code {
                    0 => set(&mut b.motion, Motion::Rapid, w, line, "motion codes")?,
                    10 => set(&mut b.motion, Motion::Linear, w, line, "motion codes")?,
                    20 => set(&mut b.motion, Motion::Clockwise, w, line, "motion codes")?,
                    30 => set(
                        &mut b.motion,
                        Motion::Counterclockwise,
                        w,
                        line,
                        "motion codes",
                    )?,
                    170 => set(&mut b.plane, Plane::Xy, w, line, "plane codes")?,
                    180 => set(&mut b.plane, Plane::Xz, w, line, "plane codes")?,
                    190 => set(&mut b.plane, Plane::Yz, w, line, "plane codes")?,
                    200 => set(&mut b.units, LengthUnits::Inches, w, line, "unit codes")?,
                    210 => set(
                        &mut b.units,
                        LengthUnits::Millimetres,
                        w,
                        line,
                        "unit codes",
                    )?,
                    900 => set(&mut b.absolute, true, w, line, "distance-mode codes")?,
                    910 => set(&mut b.absolute, false, w, line, "distance-mode codes")?,
                    901 => set(
                        &mut b.arc_absolute,
                        true,
                        w,
                        line,
                        "arc distance-mode codes",
                    )?,
                    911 => set(
                        &mut b.arc_absolute,
                        false,
                        w,
                        line,
                        "arc distance-mode codes",
                    )?,
                    930 => set(
                        &mut b.feed_mode,
                        FeedMode::InverseTime,
                        w,
                        line,
                        "feed-mode codes",
                    )?,
                    940 => set(
                        &mut b.feed_mode,
                        FeedMode::UnitsPerMinute,
                        w,
                        line,
                        "feed-mode codes",
                    )?,
                    434 => set(&mut b.tcpm, true, w, line, "tool length codes")?,
                    490 => set(&mut b.tcpm, false, w, line, "tool length codes")?,
                    _ => {
                        let name = if code >= 0 && code % 10 != 0 {
                            format!("G{}.{}", code / 10, code % 10)
                        } else if code >= 0 {
                            format!("G{}", code / 10)
                        } else {
                            w.text.to_string()
                        };
                        return Err(GcodeError::Unsupported {
                            line,
                            column: w.column,
                            word: w.text.to_string(),
                            message: format!("unsupported G-code {name}; {G_SUBSET}"),
                        });
                    }
                }
            }
            'M' => {
                let code = if w.value.fract() == 0.0 && w.value.abs() < 1e6 {
                    w.value as i64
                } else {
                    -1
                };
                match code {
                    2 | 30 => set(&mut b.stop, (), w, line, "program-end codes")?,
                    3..=5 => set(&mut b.spindle, code as u8, w, line, "spindle codes")?,
                    6 => set(&mut b.tool_change, (), w, line, "tool-change codes")?,
                    _ => {
                        return Err(GcodeError::Unsupported {
                            line,
                            column: w.column,
                            word: w.text.to_string(),
                            message: format!("unsupported M-code {}; {M_SUBSET}", w.text),
                        })
                    }
                }
            }
            letter => {
                let Some(slot) = value_slot(letter).and_then(|i| b.values.get_mut(i)) else {
                    return Err(GcodeError::Unsupported {
                        line,
                        column: w.column,
                        word: w.text.to_string(),
                        message: format!("{letter} words are not supported; shellcarve reads G, M, F, S, T, X, Y, Z, A, B, C, I, J, K, R, P and (with G43.4) H words"),
                    });
                };
                if slot.is_some() {
                    return Err(GcodeError::Syntax {
                        line,
                        column: w.column,
                        word: w.text.to_string(),
                        message: format!("multiple {letter} words on one line; keep one"),
                    });
                }
                *slot = Some(w);
            }
        }
    }
    Ok(b)
}
