//! The error type of `shellcarve-gcode`.

use thiserror::Error;

/// Everything that can go wrong writing or reading G-code.
///
/// Errors about a G-code file carry the 1-based line and column and the offending word,
/// and their message says what to change.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GcodeError {
    /// The text is not well-formed RS274/NGC (bad character, bad number, unclosed
    /// comment, a word repeated on one line).
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        /// Line (1-based).
        line: usize,
        /// Column (1-based, in characters).
        column: usize,
        /// The offending word or character.
        word: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Valid RS274/NGC that lies outside the subset shellcarve reads.
    #[error("line {line}, column {column}: {message}")]
    Unsupported {
        /// Line (1-based).
        line: usize,
        /// Column (1-based, in characters).
        column: usize,
        /// The offending word.
        word: String,
        /// What is not supported and what is.
        message: String,
    },
    /// Two words of one modal group (two motion codes, G90 with G91, M3 with M5…) in a
    /// block.
    #[error("line {line}, column {column}: {message}")]
    ModalConflict {
        /// Line (1-based).
        line: usize,
        /// Column (1-based) of the second word of the group.
        column: usize,
        /// The second word of the group.
        word: String,
        /// Which words clash and how to fix it.
        message: String,
    },
    /// A block that LinuxCNC would refuse: an arc whose end is not on its circle, a feed
    /// move without a feed rate, a word no code in the block uses.
    #[error("line {line}, column {column}: {message}")]
    InvalidBlock {
        /// Line (1-based).
        line: usize,
        /// Column (1-based) of the word most to blame (the first word when none is).
        column: usize,
        /// The word most to blame.
        word: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The file ends without M2, M30 or a closing `%`.
    #[error("line {line}: the program ends without M2, M30 or a closing %; add M2 as its last block (LinuxCNC refuses such files too)")]
    MissingProgramEnd {
        /// The last line of the file (1-based).
        line: usize,
    },
    /// The dialect name is not known.
    #[error("unknown G-code dialect {name:?}; known dialects: {known}")]
    UnknownDialect {
        /// The name given.
        name: String,
        /// Comma-separated list of known names.
        known: String,
    },
    /// A machine program cannot be written in the chosen dialect.
    #[error("{context}: {message}")]
    Emit {
        /// Which part of the program ("program", "move 12").
        context: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Writing the G-code (or its canonical commands) to its destination failed.
    #[error("cannot write the G-code: {0}")]
    Io(#[from] std::io::Error),
    /// Reading a G-code program from its source failed.
    #[error("cannot read the G-code: {0}")]
    Read(std::io::Error),
}

impl GcodeError {
    /// The 1-based line of a G-code file the error is about, if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Syntax { line, .. }
            | Self::Unsupported { line, .. }
            | Self::ModalConflict { line, .. }
            | Self::InvalidBlock { line, .. }
            | Self::MissingProgramEnd { line } => Some(*line),
            _ => None,
        }
    }

    /// The 1-based column of a G-code file the error is about, if any.
    pub fn column(&self) -> Option<usize> {
        match self {
            Self::Syntax { column, .. }
            | Self::Unsupported { column, .. }
            | Self::ModalConflict { column, .. }
            | Self::InvalidBlock { column, .. } => Some(*column),
            _ => None,
        }
    }
}

/// Result alias of `shellcarve-gcode`.
pub type Result<T, E = GcodeError> = std::result::Result<T, E>;
