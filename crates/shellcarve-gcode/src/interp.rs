//! The RS274/NGC interpreter: LinuxCNC's reading of the subset CAM tools emit.
//!
//! Blocks run in LinuxCNC's order of execution within a line: comment, feed mode
//! (G93/G94), F, S, T, M6, M3/M4/M5, plane, length units, distance mode, arc distance
//! mode, motion, program end.

use shellcarve_kinematics::{ControlMode, Feed, Joints, MachineMove, MachineProgram, Path};

use crate::arc::{center_from_radius, check_center, ArcTolerance};
use crate::block::{classify, invalid, Block, Motion, AXIS_LETTERS};
use crate::canon::{CanonLine, FeedMode, LengthUnits, Plane};
use crate::dialect::Dialect;
use crate::error::{GcodeError, Result};
use crate::lexer::{lex_next_line, Comment, Line, Word};
use shellcarve_kinematics::arc_sweep;

/// How [`interpret`] reads a program.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InterpretOptions {
    /// Where the machine stands when the program starts (mm and radians); the first
    /// block moves from here, and axes a block leaves out keep these values.
    /// Default: all zero (as `rs274`).
    pub initial_position: Joints,
    /// The controller's block-delete switch: when true, lines starting with `/` are
    /// skipped. Default: false, LinuxCNC's default, which runs them.
    pub block_delete: bool,
    /// Refuse a file that ends without M2, M30 or a closing `%`, as LinuxCNC does.
    /// Default: true.
    pub require_program_end: bool,
    /// The dialect the program is written in, when known. `fanuc-tcpm` adds `G43.4 H…`
    /// (tool centre point control on) and `G49` (off), which change no coordinates:
    /// the program's X Y Z are read as the tip either way. Default: `None`, LinuxCNC's
    /// subset (which refuses G43.4 and G49 here).
    pub dialect: Option<Dialect>,
}

impl Default for InterpretOptions {
    fn default() -> Self {
        Self {
            initial_position: Joints::default(),
            block_delete: false,
            require_program_end: true,
            dialect: None,
        }
    }
}

impl InterpretOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`InterpretOptions::initial_position`].
    pub fn with_initial_position(mut self, position: Joints) -> Self {
        self.initial_position = position;
        self
    }

    /// Sets [`InterpretOptions::block_delete`].
    pub fn with_block_delete(mut self, on: bool) -> Self {
        self.block_delete = on;
        self
    }

    /// Sets [`InterpretOptions::require_program_end`].
    pub fn with_require_program_end(mut self, on: bool) -> Self {
        self.require_program_end = on;
        self
    }

    /// Sets [`InterpretOptions::dialect`].
    pub fn with_dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = Some(dialect);
        self
    }
}

/// Reads a program into LinuxCNC's canonical commands (what `rs274 -g` prints), starting
/// at the origin. Numbers are in the program's units of the moment; see
/// [`CanonLine`].
pub fn canon(text: &str) -> Result<Vec<CanonLine>> {
    canon_with(text, &InterpretOptions::default())
}

/// Reads a program into LinuxCNC's canonical commands as [`canon`] does, with
/// `options` (start position, block delete, dialect). A `fanuc-tcpm` `G43.4`/`G49`
/// gives no canonical command (LinuxCNC has no G43.4 to compare with).
pub fn canon_with(text: &str, options: &InterpretOptions) -> Result<Vec<CanonLine>> {
    Ok(run(text, options, Record::CanonOnly)?.canon)
}

/// Reads a program into machine motion.
///
/// Each motion block becomes a [`MachineMove`]: `target` in mm and radians (G20 programs
/// are converted), [`Path::Linear`] for G0/G1 and [`Path::Arc`] for G2/G3 (centre in mm
/// in the plane's (first, second) coordinates, `plane` as [`Plane::indices`],
/// `clockwise` for G2, `turns` = P − 1; see [`shellcarve_kinematics::path_point`] for how to walk it),
/// [`Feed::Rapid`] for G0, [`Feed::UnitsPerMinute`] (mm/min) under G94 and
/// [`Feed::InverseTime`] (the block's F) under G93, `line` the 1-based line, and
/// `cutting` true for feed blocks. Comment-only lines before the first block with words
/// become the header; later comments become the `comment` of the next move (joined with
/// "; "). `spindle_rpm` is the first S word and `tool_number` the tool of the first M6
/// (else the first T word), 0 when absent. `mode` only labels the program: the
/// coordinates are taken as written.
pub fn interpret(
    text: &str,
    mode: ControlMode,
    options: &InterpretOptions,
) -> Result<MachineProgram> {
    let out = run(text, options, Record::Moves)?;
    Ok(MachineProgram {
        mode,
        moves: out.moves,
        spindle_rpm: out.spindle.unwrap_or(0.0),
        tool_number: out.first_m6.or(out.first_t).unwrap_or(0),
        header: out.header,
    })
}

#[derive(Debug, Default)]
pub(crate) struct Output {
    canon: Vec<CanonLine>,
    moves: Vec<MachineMove>,
    header: Vec<String>,
    spindle: Option<f64>,
    first_m6: Option<u32>,
    first_t: Option<u32>,
}

/// LinuxCNC's `find_straight_length`: the XYZ distance when any of X Y Z moves,
/// else the rotary distance (degrees).
fn straight_length(from: &[f64; 6], to: &[f64; 6]) -> f64 {
    const TINY: f64 = 1e-7;
    let d: Vec<f64> = from.iter().zip(to).map(|(a, b)| b - a).collect();
    let sq = |r: std::ops::Range<usize>| {
        d.get(r)
            .map_or(0.0, |s| s.iter().map(|v| v * v).sum::<f64>())
    };
    if d.iter().take(3).any(|v| v.abs() > TINY) {
        sq(0..3).sqrt()
    } else {
        sq(3..6).sqrt()
    }
}

struct Interp {
    /// X Y Z in program units, A B C in degrees.
    pos: [f64; 6],
    units: LengthUnits,
    plane: Plane,
    absolute: bool,
    arc_absolute: bool,
    feed_mode: FeedMode,
    /// LinuxCNC's `settings->feed_rate` (program units per minute).
    feed_rate: f64,
    /// The G94 feed in mm/min.
    feed_mm: f64,
    motion: Option<Motion>,
    selected_tool: u32,
    dialect: Option<Dialect>,
    in_header: bool,
    pending: Vec<String>,
    record: Record,
    out: Output,
}

/// What a run keeps besides the canonical commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Record {
    /// Only the canonical commands ([`canon`]).
    CanonOnly,
    /// Also the machine moves ([`interpret`]).
    Moves,
}

enum Flow {
    Continue,
    Stop,
}

/// Hands over the canonical commands read so far (the callee takes them out of the
/// vector): the streaming reader's outlet.
pub(crate) type Flush<'f> = &'f mut dyn FnMut(&mut Vec<CanonLine>) -> Result<()>;

/// Canonical commands gathered before [`Reader::read`] hands them to its [`Flush`].
pub(crate) const FLUSH_LINES: usize = 8192;

/// Reads `text` whole.
fn run(text: &str, opts: &InterpretOptions, record: Record) -> Result<Output> {
    let mut reader = Reader::new(opts, record);
    // About one canonical command (and one move) a line: reserve them at once.
    reader.reserve(text.bytes().filter(|&b| b == b'\n').count() + 1);
    reader.read(text, None)?;
    reader.finish()
}

/// A program read piece by piece, each piece whole lines, numbered on from the last.
pub(crate) struct Reader<'o> {
    it: Interp,
    opts: &'o InterpretOptions,
    /// Lines read so far.
    lines: usize,
    /// Whether the program opened with `%` (once its first line that is not blank
    /// has been read).
    percent_mode: Option<bool>,
    /// The program has ended (M2, M30, a closing `%`): the rest is not read.
    ended: bool,
}

impl<'o> Reader<'o> {
    /// A reader at the start of a program.
    pub(crate) fn new(opts: &'o InterpretOptions, record: Record) -> Self {
        let mut pos = opts.initial_position.values;
        for v in pos.iter_mut().skip(3) {
            *v = v.to_degrees();
        }
        let it = Interp {
            pos,
            units: LengthUnits::Millimetres,
            plane: Plane::Xy,
            absolute: true,
            arc_absolute: false,
            feed_mode: FeedMode::UnitsPerMinute,
            feed_rate: 0.0,
            feed_mm: 0.0,
            motion: None,
            selected_tool: 0,
            dialect: opts.dialect,
            in_header: true,
            pending: Vec::new(),
            record,
            out: Output::default(),
        };
        Self {
            it,
            opts,
            lines: 0,
            percent_mode: None,
            ended: false,
        }
    }

    /// Makes room for about `lines` more canonical commands (and moves).
    pub(crate) fn reserve(&mut self, lines: usize) {
        self.it.out.canon.reserve(lines);
        if self.it.record == Record::Moves {
            self.it.out.moves.reserve(lines);
        }
    }

    /// Lines read so far.
    pub(crate) fn lines(&self) -> usize {
        self.lines
    }

    /// The canonical commands read so far and not yet taken away.
    pub(crate) fn canon_mut(&mut self) -> &mut Vec<CanonLine> {
        &mut self.it.out.canon
    }

    /// Reads the lines of `text`, the program's next piece: whole lines, the last one
    /// ending the piece with or without its line end. Returns true once the program
    /// has ended, after which nothing more is read. With `flush`, the canonical
    /// commands go out through it every [`FLUSH_LINES`] commands or so.
    pub(crate) fn read(&mut self, text: &str, mut flush: Option<Flush<'_>>) -> Result<bool> {
        if self.ended {
            return Ok(true);
        }
        let mut line = Line::default();
        let mut rest = text;
        while !rest.is_empty() {
            self.lines += 1;
            let number = self.lines;
            let taken = lex_next_line(rest, number, &mut line)?;
            rest = rest.get(taken..).unwrap_or_default();
            let blank = line.has_no_words() && line.comments.is_empty() && !line.percent;
            if blank {
                continue;
            }
            let first = self.percent_mode.is_none();
            if first {
                self.percent_mode = Some(line.percent);
            }
            if line.percent {
                if first {
                    continue;
                }
                if self.percent_mode == Some(true) {
                    self.ended = true;
                    return Ok(true);
                }
                return Err(GcodeError::Syntax {
                    line: number,
                    column: line.first_column,
                    word: "%".into(),
                    message: "% is only allowed on a line of its own at the start and the end of the program; remove it".into(),
                });
            }
            if line.block_delete && self.opts.block_delete {
                continue;
            }
            if let Flow::Stop = self.it.execute(&line, number)? {
                self.ended = true;
                return Ok(true);
            }
            if let Some(flush) = flush.as_mut() {
                if self.it.out.canon.len() >= FLUSH_LINES {
                    flush(&mut self.it.out.canon)?;
                }
            }
        }
        Ok(false)
    }

    /// What was read, once the whole program has been: refuses a program without its
    /// end when the options ask for one.
    pub(crate) fn finish(self) -> Result<Output> {
        if !self.ended && self.opts.require_program_end {
            return Err(GcodeError::MissingProgramEnd {
                line: self.lines.max(1),
            });
        }
        Ok(self.it.out)
    }
}

impl Interp {
    fn scale(&self) -> f64 {
        self.units.mm_per_unit()
    }

    fn joints(&self, p: &[f64; 6]) -> Joints {
        let mut v = *p;
        let s = self.scale();
        for (k, x) in v.iter_mut().enumerate() {
            *x = if k < 3 { *x * s } else { x.to_radians() };
        }
        Joints::new(v)
    }

    fn comments(&mut self, line: &Line<'_>) {
        if line.comments.is_empty() {
            // The usual line: nothing to pass on, only the header may end.
            if !line.has_no_words() {
                self.in_header = false;
            }
            return;
        }
        let texts = line.comments.iter().filter_map(|c| match c {
            Comment::Paren(s) | Comment::Semicolon(s) => Some(s.clone()),
            Comment::Message(_) => None,
        });
        if self.in_header && line.has_no_words() {
            self.out.header.extend(texts);
        } else {
            self.in_header = false;
            self.pending.extend(
                texts
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
            );
        }
        // LinuxCNC passes on the last parenthesised comment of a line.
        let last = line.comments.iter().rev().find_map(|c| match c {
            Comment::Paren(s) => Some(CanonLine::Comment(s.clone())),
            Comment::Message(s) => Some(CanonLine::Message(s.clone())),
            Comment::Semicolon(_) => None,
        });
        self.out.canon.extend(last);
    }

    fn execute(&mut self, line: &Line<'_>, n: usize) -> Result<Flow> {
        let b = classify(&line.words, n)?;
        self.comments(line);
        if line.has_no_words() {
            return Ok(Flow::Continue);
        }
        let axis_word = AXIS_LETTERS.iter().find_map(|&l| b.word(l));
        let motion = match (b.motion, axis_word) {
            (Some((m, _)), _) => Some(m),
            (None, Some(w)) => Some(self.motion.ok_or_else(|| {
                invalid(n, w, format!("{} with no motion mode in effect (LinuxCNC: cannot use axis values without a G-code that uses them); program G0, G1, G2 or G3 first", w.text))
            })?),
            (None, None) => None,
        };
        if let Some((on, w)) = b.tcpm {
            if self.dialect != Some(Dialect::FanucTcpm) {
                return Err(GcodeError::Unsupported {
                    line: n,
                    column: w.column,
                    word: w.text.to_string(),
                    message: format!(
                        "{} (tool centre point control) is read for the fanuc-tcpm dialect only; read the program as fanuc-tcpm (--post fanuc-tcpm) or remove it",
                        if on { "G43.4" } else { "G49" }
                    ),
                });
            }
            match b.word('H') {
                None if on => {
                    return Err(invalid(
                        n,
                        w,
                        "G43.4 without an H word; give the tool length offset number, as G43.4 H1"
                            .into(),
                    ))
                }
                Some(h) if on && (h.value < 0.0 || h.value.fract() != 0.0) => {
                    return Err(invalid(
                        n,
                        h,
                        format!(
                            "{} is not an offset number; H takes a whole number 0 or more",
                            h.text
                        ),
                    ))
                }
                Some(h) if !on => {
                    return Err(invalid(
                        n,
                        h,
                        format!("{} with G49, which takes no H word; remove it", h.text),
                    ))
                }
                _ => {}
            }
        } else if let Some(h) = b.word('H') {
            return Err(invalid(
                n,
                h,
                format!("{} with no G43.4 to use it; remove it", h.text),
            ));
        }
        let is_arc = matches!(motion, Some(Motion::Clockwise | Motion::Counterclockwise));
        for letter in ['I', 'J', 'K', 'R', 'P'] {
            if let Some(w) = b.word(letter) {
                if !is_arc {
                    return Err(invalid(
                        n,
                        w,
                        format!(
                            "{} with no G2 or G3 to use it; remove it or make the block an arc",
                            w.text
                        ),
                    ));
                }
            }
        }
        if let Some(w) = b.word('F') {
            if w.value < 0.0 {
                return Err(invalid(
                    n,
                    w,
                    format!("negative feed rate {}; F must be positive", w.text),
                ));
            }
        }
        if let Some(w) = b.word('S') {
            if w.value < 0.0 {
                return Err(invalid(
                    n,
                    w,
                    format!(
                        "negative spindle speed {}; S must be zero or positive",
                        w.text
                    ),
                ));
            }
        }
        let tool = match b.word('T') {
            Some(w) if w.value < 0.0 || w.value.fract() != 0.0 || w.value > f64::from(i32::MAX) => {
                return Err(invalid(
                    n,
                    w,
                    format!(
                        "{} is not a tool number; T takes a whole number 0 or more",
                        w.text
                    ),
                ))
            }
            Some(w) => Some(w.value as u32),
            None => None,
        };

        // Feed mode, then F.
        if let Some((mode, _)) = b.feed_mode {
            self.out.canon.push(CanonLine::SetFeedMode(mode));
            self.feed_mode = mode;
            if mode == FeedMode::UnitsPerMinute {
                self.feed_rate = 0.0;
                self.feed_mm = 0.0;
                self.out.canon.push(CanonLine::SetFeedRate(0.0));
            }
        }
        if let (Some(w), FeedMode::UnitsPerMinute) = (b.word('F'), self.feed_mode) {
            self.feed_rate = w.value;
            self.feed_mm = w.value * self.scale();
            self.out.canon.push(CanonLine::SetFeedRate(w.value));
        }
        if let Some(w) = b.word('S') {
            self.out.canon.push(CanonLine::SetSpindleSpeed(w.value));
            self.out.spindle.get_or_insert(w.value);
        }
        if let Some(t) = tool {
            self.out.canon.push(CanonLine::SelectTool(t));
            self.selected_tool = t;
            self.out.first_t.get_or_insert(t);
        }
        if b.tool_change.is_some() {
            self.out
                .canon
                .push(CanonLine::ChangeTool(self.selected_tool));
            self.out.first_m6.get_or_insert(self.selected_tool);
        }
        if let Some((code, _)) = b.spindle {
            self.out.canon.push(match code {
                3 => CanonLine::StartSpindleClockwise,
                4 => CanonLine::StartSpindleCounterclockwise,
                _ => CanonLine::StopSpindleTurning,
            });
        }
        if let Some((plane, _)) = b.plane {
            self.plane = plane;
            self.out.canon.push(CanonLine::SelectPlane(plane));
        }
        if let Some((units, _)) = b.units {
            if units != self.units {
                let factor = self.units.mm_per_unit() / units.mm_per_unit();
                for v in self.pos.iter_mut().take(3) {
                    *v *= factor;
                }
                self.units = units;
            }
            self.out.canon.push(CanonLine::UseLengthUnits(units));
        }
        if let Some((abs, _)) = b.absolute {
            self.absolute = abs;
        }
        if let Some((abs, _)) = b.arc_absolute {
            self.arc_absolute = abs;
        }
        if let Some(m) = motion {
            let word = b
                .motion
                .map(|(_, w)| w)
                .or(axis_word)
                .or(line.words.first());
            match (m, word) {
                (Motion::Rapid | Motion::Linear, _) => self.straight(m, &b, n)?,
                (_, Some(w)) => self.arc(m == Motion::Clockwise, &b, w, n)?,
                (_, None) => {}
            }
            self.motion = Some(m);
        }
        if b.stop.is_some() {
            if self.plane != Plane::Xy {
                self.out.canon.push(CanonLine::SelectPlane(Plane::Xy));
            }
            self.out.canon.extend([
                CanonLine::SetFeedMode(FeedMode::UnitsPerMinute),
                CanonLine::SetFeedRate(0.0),
                CanonLine::StopSpindleTurning,
                CanonLine::ProgramEnd,
            ]);
            return Ok(Flow::Stop);
        }
        Ok(Flow::Continue)
    }

    fn end_point(&self, b: &Block<'_>, n: usize) -> Result<[f64; 6]> {
        let mut end = self.pos;
        for (k, &l) in AXIS_LETTERS.iter().enumerate() {
            if let (Some(w), Some(e)) = (b.word(l), end.get_mut(k)) {
                *e = if self.absolute { w.value } else { *e + w.value };
                if !e.is_finite() {
                    return Err(invalid(
                        n,
                        w,
                        format!(
                            "{} takes the {l} axis out of range; check the coordinate",
                            w.text
                        ),
                    ));
                }
            }
        }
        Ok(end)
    }

    /// The feed of a feed block (G1, G2, G3), checking what LinuxCNC checks, and the
    /// inverse-time F when in G93.
    fn feed_word(
        &self,
        b: &Block<'_>,
        motion: &Word<'_>,
        n: usize,
        what: &str,
    ) -> Result<Option<f64>> {
        match self.feed_mode {
            FeedMode::InverseTime => match b.word('F') {
                None => Err(invalid(n, motion, format!("{what} in inverse-time mode (G93) without an F word; every G93 feed block needs its own F (1 / minutes for the block)"))),
                Some(w) if w.value <= 0.0 => Err(invalid(n, w, format!("{} in inverse-time mode (G93) asks for a block that never ends; give F > 0 (1 / minutes)", w.text))),
                Some(w) => Ok(Some(w.value)),
            },
            FeedMode::UnitsPerMinute if self.feed_rate <= 0.0 => Err(invalid(n, motion, format!("{what} with zero feed rate; set a feed rate with an F word before or in this block"))),
            FeedMode::UnitsPerMinute => Ok(None),
        }
    }

    fn push_move(&mut self, end: &[f64; 6], path: Path, feed: Feed, n: usize) {
        self.in_header = false;
        if self.record == Record::CanonOnly {
            self.pending.clear();
            self.pos = *end;
            return;
        }
        let comment = (!self.pending.is_empty()).then(|| self.pending.join("; "));
        self.pending.clear();
        self.out.moves.push(MachineMove {
            target: self.joints(end),
            path,
            feed,
            line: Some(n),
            comment,
            cutting: !matches!(feed, Feed::Rapid),
        });
        self.pos = *end;
    }

    fn straight(&mut self, m: Motion, b: &Block<'_>, n: usize) -> Result<()> {
        let end = self.end_point(b, n)?;
        if m == Motion::Rapid {
            self.out.canon.push(CanonLine::StraightTraverse(end));
            self.push_move(&end, Path::Linear, Feed::Rapid, n);
            return Ok(());
        }
        let word = b
            .motion
            .map(|(_, w)| w)
            .or_else(|| AXIS_LETTERS.iter().find_map(|&l| b.word(l)));
        let feed = match word {
            Some(w) => self.feed_word(b, w, n, "G1")?,
            None => None,
        };
        let feed = match feed {
            Some(f) => {
                let rate = (straight_length(&self.pos, &end) * f).max(0.1);
                self.feed_rate = rate;
                self.out.canon.push(CanonLine::SetFeedRate(rate));
                Feed::InverseTime(f)
            }
            None => Feed::UnitsPerMinute(self.feed_mm),
        };
        self.out.canon.push(CanonLine::StraightFeed(end));
        self.push_move(&end, Path::Linear, feed, n);
        Ok(())
    }

    fn arc(&mut self, clockwise: bool, b: &Block<'_>, mw: &Word<'_>, n: usize) -> Result<()> {
        let g = if clockwise { "G2" } else { "G3" };
        let r = b.word('R');
        let ijk = ['I', 'J', 'K'].iter().find_map(|&l| b.word(l));
        match (r, ijk) {
            (None, None) => return Err(invalid(n, mw, format!("{g} without R or I/J/K words; give the centre offsets (I, J, K) or the radius (R)"))),
            (Some(rw), Some(_)) => return Err(invalid(n, rw, format!("{g} with both R and I/J/K words; use one form"))),
            _ => {}
        }
        let inverse_f = self.feed_word(b, mw, n, g)?;
        let [i0, i1, i2] = self.plane.indices();
        let [l0, l1] = self.plane.offset_letters();
        let plane_name = self.plane.gcode();
        let first_letters = [AXIS_LETTERS[i0], AXIS_LETTERS[i1]];
        if r.is_none() {
            let normal_offset = ['I', 'J', 'K']
                .into_iter()
                .find(|l| *l != l0 && *l != l1)
                .and_then(|l| b.word(l));
            if let Some(w) = normal_offset {
                return Err(invalid(n, w, format!("{} given for an arc in the {plane_name} plane, whose centre offsets are {l0} and {l1}; remove it or select another plane", w.text)));
            }
            if self.arc_absolute {
                for l in [l0, l1] {
                    if b.word(l).is_none() {
                        return Err(invalid(n, mw, format!("{l} word missing in an absolute-centre arc (G90.1); give both {l0} and {l1}")));
                    }
                }
            }
        } else if b.word(first_letters[0]).is_none() && b.word(first_letters[1]).is_none() {
            return Err(invalid(n, mw, format!("{} and {} words missing for an R-form arc in the {plane_name} plane; an R arc needs an end point (use I/J/K for a full circle)", first_letters[0], first_letters[1])));
        }
        let end = self.end_point(b, n)?;
        let get = |p: &[f64; 6], i: usize| p.get(i).copied().unwrap_or(0.0);
        let start = [get(&self.pos, i0), get(&self.pos, i1)];
        let stop = [get(&end, i0), get(&end, i1)];
        let tol = ArcTolerance::for_units(self.units);
        let p = match b.word('P') {
            None => 1,
            Some(w) if w.value.fract().abs() > 1e-9 => {
                return Err(invalid(
                    n,
                    w,
                    format!(
                        "{} is not a whole number of turns; P takes 1, 2, 3…",
                        w.text
                    ),
                ))
            }
            Some(w) if w.value < 1.0 || w.value > 1e6 => {
                return Err(invalid(
                    n,
                    w,
                    format!("{}: P must be 1 or more with G2 or G3", w.text),
                ))
            }
            Some(w) => w.value as u32,
        };
        let center = match r {
            Some(rw) => center_from_radius(start, stop, rw.value, clockwise, tol)
                .map_err(|m| invalid(n, rw, m))?,
            None => {
                let off = [
                    b.word(l0).map_or(0.0, |w| w.value),
                    b.word(l1).map_or(0.0, |w| w.value),
                ];
                let c = if self.arc_absolute {
                    off
                } else {
                    [start[0] + off[0], start[1] + off[1]]
                };
                check_center(start, c, stop, tol).map_err(|m| invalid(n, ijk.unwrap_or(mw), m))?;
                c
            }
        };
        if !(center[0].is_finite() && center[1].is_finite()) {
            return Err(invalid(n, mw, format!("{g}: the arc centre cannot be computed (numbers out of range); check the coordinates")));
        }
        let rotation = if clockwise { -(p as i32) } else { p as i32 };
        let feed = match inverse_f {
            Some(f) => {
                let radius = (center[0] - start[0]).hypot(center[1] - start[1]);
                let theta = arc_sweep(start, center, stop, clockwise, p - 1);
                let dz = get(&end, i2) - get(&self.pos, i2);
                let length = if dz == 0.0 {
                    radius * theta.abs()
                } else {
                    (radius * theta).hypot(dz)
                };
                let rate = (length * f).max(0.1);
                self.feed_rate = rate;
                self.out.canon.push(CanonLine::SetFeedRate(rate));
                Feed::InverseTime(f)
            }
            None => Feed::UnitsPerMinute(self.feed_mm),
        };
        self.out.canon.push(CanonLine::ArcFeed {
            first_end: stop[0],
            second_end: stop[1],
            first_axis: center[0],
            second_axis: center[1],
            rotation,
            axis_end_point: get(&end, i2),
            a: end[3],
            b: end[4],
            c: end[5],
        });
        let s = self.scale();
        let path = Path::Arc {
            center: [center[0] * s, center[1] * s],
            clockwise,
            turns: p - 1,
            plane: self.plane.indices(),
        };
        self.push_move(&end, path, feed, n);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
