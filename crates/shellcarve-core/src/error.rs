//! The error type of `shellcarve-core`.

use thiserror::Error;

/// Everything that can go wrong while turning text into a toolpath.
///
/// Each variant names the offending input and, where there is one, the fix.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CoreError {
    /// A font file could not be read from disk.
    #[error("cannot read font file {path}: {error}; check the path given to --font")]
    FontIo {
        /// The path that was tried.
        path: String,
        /// The underlying I/O error (in the message, so not also a source).
        error: std::io::Error,
    },
    /// Font data did not parse as TrueType/OpenType.
    #[error("font {name} is not a valid TrueType/OpenType font (face index {index}): {reason}; give a .ttf, .otf or .ttc file")]
    FontParse {
        /// Font file name or description.
        name: String,
        /// The face index that was asked for.
        index: u32,
        /// What the parser said.
        reason: String,
    },
    /// The font has no glyph for a character of the text.
    #[error("the font {font} has no glyph for {ch:?} (U+{code:04X}); choose a font that covers it with --font, or remove the character")]
    MissingGlyph {
        /// Font name.
        font: String,
        /// The character.
        ch: char,
        /// Its code point.
        code: u32,
    },
    /// The text to engrave is empty (or only white space).
    #[error("the text to engrave is empty; give at least one visible character")]
    EmptyText,
    /// The laid-out text does not fit around the shell.
    #[error("the text is {text_mm:.1} mm long but the baseline parallel is only {available_mm:.1} mm around; use a smaller --height or shorter text")]
    TextTooLong {
        /// Length of the laid-out line in mm.
        text_mm: f64,
        /// Circumference available in mm.
        available_mm: f64,
    },
    /// The text is too tall for the shell's meridian.
    #[error("the text reaches {needed_mm:.2} mm from the baseline but the shell allows {available_mm:.2} mm on that side; use a smaller --height")]
    TextTooTall {
        /// How far the text extends along the meridian.
        needed_mm: f64,
        /// How far the surface extends on that side.
        available_mm: f64,
    },
    /// A numeric parameter is out of range, NaN or infinite.
    #[error("{name} = {value} is invalid: {expected}")]
    InvalidParameter {
        /// Parameter name as the user wrote it.
        name: String,
        /// The value given.
        value: f64,
        /// What is expected instead.
        expected: String,
    },
    /// A specification string (egg, tool, strategy...) could not be parsed.
    #[error("cannot understand {what} {given:?}: expected {expected}")]
    BadSpec {
        /// What was being parsed ("egg", "tool").
        what: String,
        /// The text given.
        given: String,
        /// The accepted forms.
        expected: String,
    },
    /// The tool is too wide for the letters.
    #[error("the tool ({tool}) is {tool_width_mm:.3} mm wide at the cut depth but {detail}; use a narrower tool or a larger --height")]
    ToolTooWide {
        /// The tool description.
        tool: String,
        /// Tool width at the cut depth.
        tool_width_mm: f64,
        /// Which glyphs do not fit.
        detail: String,
    },
    /// The strategy cannot work with the chosen tool.
    #[error("--strategy {strategy} cannot use the tool {tool}: it needs {expected}")]
    ToolMismatch {
        /// The strategy.
        strategy: String,
        /// The tool given.
        tool: String,
        /// The kind of tool the strategy needs, and how to give one.
        expected: String,
    },
    /// A shell shape is not a closed, smooth egg-like surface.
    #[error("the shell {shape} is not usable: {reason}")]
    BadShape {
        /// The shape as described (e.g. `hugelschaffer:57x43x2`).
        shape: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A profile CSV could not be read or is not a valid meridian.
    #[error("profile {file}, line {line}: {reason}")]
    BadProfile {
        /// The file (or other source) of the profile.
        file: String,
        /// The 1-based line number (0 when the file could not be read at all).
        line: usize,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// The text placement on the shell is impossible.
    #[error("cannot place the text: {reason}")]
    BadPlacement {
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// An input file (other than a font) could not be read.
    #[error("cannot read {what} {path}: {error}; check the path")]
    InputIo {
        /// What the file was to be ("SVG file").
        what: String,
        /// The path that was tried.
        path: String,
        /// The underlying I/O error (in the message, so not also a source).
        error: std::io::Error,
    },
    /// An SVG could not be used as artwork.
    #[error("cannot use the SVG {name} as artwork: {reason}; give an SVG with filled or stroked paths (--svg)")]
    BadSvg {
        /// File name or description.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A glyph's outline cannot be offset (by the tool radius, for `outline` with the
    /// tool inside the letters).
    #[error("cannot offset the outline of {ch:?}: {reason}")]
    CannotOffset {
        /// The glyph's character.
        ch: char,
        /// What is wrong and how to get around it.
        reason: String,
    },
    /// A probe file (points measured on the shell) could not be read or used.
    #[error("probe points {file}{}: {reason}", at_line(.line))]
    BadProbe {
        /// The file (or other source) of the points.
        file: String,
        /// The 1-based line number (0 when the file as a whole is at fault).
        line: usize,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Fitting a shell model to probed points failed.
    #[error("cannot fit {model} to the probe points of {file}: {reason}")]
    FitFailed {
        /// The model the fit started from (e.g. `chicken`, `hugelschaffer:57x43x2`).
        model: String,
        /// The file (or other source) of the points.
        file: String,
        /// What went wrong and how to fix it.
        reason: String,
    },
}

/// `, line N` for a 1-based line, nothing for 0.
fn at_line(line: &usize) -> String {
    if *line == 0 {
        String::new()
    } else {
        format!(", line {line}")
    }
}

/// Result alias of `shellcarve-core`.
pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// Checks that a parameter is finite and inside `[min, max]`.
pub fn check_range(name: &str, value: f64, min: f64, max: f64) -> Result<f64> {
    if value.is_finite() && value >= min && value <= max {
        Ok(value)
    } else {
        Err(CoreError::InvalidParameter {
            name: name.to_string(),
            value,
            expected: format!("a number from {min} to {max}"),
        })
    }
}
