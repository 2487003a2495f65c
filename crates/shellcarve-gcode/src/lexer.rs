//! Splitting one RS274/NGC line into words and comments, the way LinuxCNC reads it:
//! letters in either case, white space ignored outside comments (so `G 1 X 1 . 5` is
//! `G1 X1.5`), `( … )` and `; …` comments, an optional block-delete `/` and `N` word at
//! the start.

use std::borrow::Cow;

use crate::error::{GcodeError, Result};

mod plain;

/// One word: a letter and its number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word<'a> {
    /// Upper-case letter.
    pub(crate) letter: char,
    /// The number.
    pub(crate) value: f64,
    /// Column (1-based) of the letter.
    pub(crate) column: usize,
    /// The word as written, upper-cased and without spaces (`X1.5`): borrowed from the
    /// line when it is written that way.
    pub(crate) text: Cow<'a, str>,
}

/// A comment with its kind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Comment {
    /// `( … )`: LinuxCNC passes the last one of a line on as a COMMENT.
    Paren(String),
    /// `(MSG, …)`: an operator message (text after the comma, verbatim).
    Message(String),
    /// `; …` to the end of the line: LinuxCNC ignores it.
    Semicolon(String),
}

/// One line of a program.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Line<'a> {
    /// The line starts with `/`.
    pub(crate) block_delete: bool,
    /// The words in order (without the N word).
    pub(crate) words: Vec<Word<'a>>,
    /// The comments in order.
    pub(crate) comments: Vec<Comment>,
    /// Column (1-based) of the first significant character, 1 on an empty line.
    pub(crate) first_column: usize,
    /// The line is a `%` program delimiter.
    pub(crate) percent: bool,
}

impl Line<'_> {
    /// True when the line has no words (it may have comments).
    pub(crate) fn has_no_words(&self) -> bool {
        self.words.is_empty()
    }
}

fn syntax(line: usize, column: usize, word: impl Into<String>, message: String) -> GcodeError {
    GcodeError::Syntax {
        line,
        column,
        word: word.into(),
        message,
    }
}

fn unsupported(line: usize, column: usize, word: impl Into<String>, message: String) -> GcodeError {
    GcodeError::Unsupported {
        line,
        column,
        word: word.into(),
        message,
    }
}

/// Classifies a parenthesised comment's text as LinuxCNC does: `MSG,` after optional
/// leading blanks, in any case, makes a message.
fn paren_comment(text: &str) -> Comment {
    let trimmed = text.trim_start();
    match trimmed.get(..4) {
        Some(head) if head.eq_ignore_ascii_case("msg,") => {
            Comment::Message(trimmed.get(4..).unwrap_or("").to_string())
        }
        _ => Comment::Paren(text.to_string()),
    }
}

/// Splits the first line of `text` into `line`, reusing its storage, and returns how
/// many bytes of `text` the line takes with its line end. Lines are those
/// [`str::lines`] gives: up to `\n` or `\r\n`, or to the end of `text`. `number` is
/// the 1-based line number, used in errors.
///
/// Plain lines (upper-case words separated by blanks, no comments) take a fast path
/// over bytes, which also finds the line's end; every other line, and every line with
/// an error, is read by [`lex_line`], so errors name the same line, column and word
/// either way.
pub(crate) fn lex_next_line<'a>(
    text: &'a str,
    number: usize,
    line: &mut Line<'a>,
) -> Result<usize> {
    if let Some(len) = plain::lex_plain(text, line) {
        // The fast path stops at a `\n` or at the end of the text.
        return Ok((len + 1).min(text.len()));
    }
    let (raw, taken) = match text.find('\n') {
        Some(end) => {
            let raw = text.get(..end).unwrap_or_default();
            (raw.strip_suffix('\r').unwrap_or(raw), end + 1)
        }
        None => (text, text.len()),
    };
    *line = lex_line(raw, number)?;
    Ok(taken)
}

/// Splits a line (without its line terminator). `number` is the 1-based line number,
/// used in errors.
pub(crate) fn lex_line(text: &str, number: usize) -> Result<Line<'_>> {
    let mut out = Line {
        first_column: 1,
        ..Line::default()
    };
    // Significant characters (outside comments, not white space) with their columns.
    let mut sig: Vec<(usize, char)> = Vec::new();
    let mut chars = text.chars().enumerate().map(|(i, c)| (i + 1, c)).peekable();
    while let Some((col, c)) = chars.next() {
        match c {
            '(' => {
                let mut body = String::new();
                let mut closed = false;
                for (inner_col, d) in chars.by_ref() {
                    match d {
                        ')' => {
                            closed = true;
                            break;
                        }
                        '(' => {
                            return Err(syntax(
                                number,
                                inner_col,
                                "(",
                                "nested comment: a ( inside a ( … ) comment; remove the inner parenthesis".into(),
                            ))
                        }
                        _ => body.push(d),
                    }
                }
                if !closed {
                    return Err(syntax(
                        number,
                        col,
                        "(",
                        "unclosed comment: add ) at the end of the comment".into(),
                    ));
                }
                out.comments.push(paren_comment(&body));
            }
            ';' => {
                let rest: String = chars.by_ref().map(|(_, d)| d).collect();
                out.comments.push(Comment::Semicolon(rest));
            }
            c if c.is_whitespace() => {}
            _ => sig.push((col, c)),
        }
    }
    let Some(&(first_col, first)) = sig.first() else {
        return Ok(out);
    };
    out.first_column = first_col;
    if first == '%' {
        out.percent = true;
        return Ok(out);
    }
    let mut i = 0;
    if first == '/' {
        out.block_delete = true;
        i = 1;
    }
    if let Some(&(col, c)) = sig.get(i) {
        if c.eq_ignore_ascii_case(&'n') {
            i += 1;
            let start = i;
            while sig
                .get(i)
                .is_some_and(|(_, d)| d.is_ascii_digit() || *d == '.')
            {
                i += 1;
            }
            if i == start {
                return Err(syntax(
                    number,
                    col,
                    "N",
                    "N (line number) word without a number; write N followed by digits, or remove it".into(),
                ));
            }
        }
    }
    while let Some(&(col, c)) = sig.get(i) {
        let letter = c.to_ascii_uppercase();
        i += 1;
        if !letter.is_ascii_alphabetic() {
            let message = match c {
                '#' => "parameters (#) are not supported; shellcarve reads plain numbers only".to_string(),
                '[' => "expressions ([ … ]) are not supported; shellcarve reads plain numbers only".to_string(),
                '/' => "block delete / is only allowed at the start of a line; move it there or remove it".to_string(),
                '%' => "% is only allowed on a line of its own, at the start and at the end of the program".to_string(),
                _ => format!("bad character {c:?}: a word is a letter followed by a number; remove it"),
            };
            return Err(if matches!(c, '#' | '[') {
                unsupported(number, col, c.to_string(), message)
            } else {
                syntax(number, col, c.to_string(), message)
            });
        }
        if letter == 'N' {
            return Err(syntax(
                number,
                col,
                "N",
                "an N (line number) word must come first on its line; move it to the start or remove it".into(),
            ));
        }
        if letter == 'O' {
            return Err(unsupported(
                number,
                col,
                "O",
                "O-words (subroutines, loops, conditionals) are not supported; expand them into plain blocks".into(),
            ));
        }
        // The number: optional sign, digits, optional point and digits.
        let start = i;
        let mut text = String::new();
        text.push(letter);
        if let Some(&(_, s)) = sig.get(i) {
            if s == '+' || s == '-' {
                text.push(s);
                i += 1;
            }
        }
        let mut digits = 0;
        let mut point = false;
        while let Some(&(_, d)) = sig.get(i) {
            if d.is_ascii_digit() {
                digits += 1;
            } else if d == '.' && !point {
                point = true;
            } else {
                break;
            }
            text.push(d);
            i += 1;
        }
        if digits == 0 {
            let next = sig.get(start).map(|(_, d)| *d);
            if matches!(next, Some('#') | Some('[')) {
                return Err(unsupported(
                    number,
                    col,
                    text,
                    format!("{letter} word with a parameter or expression value; shellcarve reads plain numbers only"),
                ));
            }
            return Err(syntax(
                number,
                col,
                text,
                format!("{letter} word without a number; write {letter} followed by a number such as {letter}1.5"),
            ));
        }
        let value: f64 = text.get(1..).unwrap_or("").parse().map_err(|_| {
            syntax(
                number,
                col,
                text.clone(),
                format!("{text} is not a number; write a decimal number such as {letter}1.5"),
            )
        })?;
        if !value.is_finite() {
            return Err(syntax(
                number,
                col,
                text,
                format!("{letter} word's number is too large; write a number of ordinary size"),
            ));
        }
        out.words.push(Word {
            letter,
            value,
            column: col,
            text: Cow::Owned(text),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<(char, f64)> {
        lex_line(s, 1)
            .unwrap()
            .words
            .iter()
            .map(|w| (w.letter, w.value))
            .collect()
    }

    #[test]
    fn spaces_case_and_number_forms() {
        assert_eq!(words("G 1 X 1 . 5"), vec![('G', 1.0), ('X', 1.5)]);
        assert_eq!(
            words("g1x.5y-.5z+1a2."),
            vec![('G', 1.0), ('X', 0.5), ('Y', -0.5), ('Z', 1.0), ('A', 2.0)]
        );
        assert_eq!(words("G90.1 G01"), vec![('G', 90.1), ('G', 1.0)]);
    }

    #[test]
    fn comments_n_words_and_block_delete() {
        let l = lex_line("  /N0010 G1 (cut (x) X1 ; rest (ignored)", 3);
        assert!(
            matches!(
                l,
                Err(GcodeError::Syntax {
                    line: 3,
                    column: 18,
                    ..
                })
            ),
            "{l:?}"
        );
        let l = lex_line("  /N0010 G1 (cut x) X1 ; rest (ignored)", 3).unwrap();
        assert!(l.block_delete);
        assert_eq!(l.words.len(), 2);
        assert_eq!(l.words[1].column, 21);
        assert_eq!(
            l.comments,
            vec![
                Comment::Paren("cut x".into()),
                Comment::Semicolon(" rest (ignored)".into())
            ]
        );
        let l = lex_line("( MSG, hello)", 1).unwrap();
        assert_eq!(l.comments, vec![Comment::Message(" hello".into())]);
        assert!(l.has_no_words());
        assert!(lex_line(" % ", 1).unwrap().percent);
    }

    #[test]
    fn errors_name_column_and_word() {
        let e = lex_line("G1 X1 (open", 7).unwrap_err();
        assert_eq!((e.line(), e.column()), (Some(7), Some(7)));
        let e = lex_line("G1 X#1", 2).unwrap_err();
        assert!(
            matches!(e, GcodeError::Unsupported { column: 4, .. }),
            "{e}"
        );
        let e = lex_line("G1 X", 2).unwrap_err().to_string();
        assert!(e.contains("X word without a number"), "{e}");
        let e = lex_line("G1 X1 N5", 2).unwrap_err().to_string();
        assert!(
            e.contains("column 7") && e.contains("must come first"),
            "{e}"
        );
        let e = lex_line("G1 X1 / 2", 2).unwrap_err();
        assert_eq!(e.column(), Some(7));
        let e = lex_line("G1 X1..2", 2).unwrap_err();
        assert!(matches!(e, GcodeError::Syntax { column: 7, .. }), "{e}");
    }

    proptest::proptest! {
        /// Line by line, `lex_next_line` reads the lines `str::lines` gives, as
        /// `lex_line` reads them.
        #[test]
        fn next_line_follows_str_lines(text in "([GXZ][-.0-9]{0,4}| |\t|\r|\n|\r\n|\\(c\\)|;|%|g){0,40}") {
            let mut rest = text.as_str();
            let mut line = Line::default();
            for (k, raw) in text.lines().enumerate() {
                proptest::prop_assert!(!rest.is_empty());
                let want = lex_line(raw, k + 1).map_err(|e| e.to_string());
                match lex_next_line(rest, k + 1, &mut line) {
                    Ok(taken) => {
                        proptest::prop_assert_eq!(Ok(&line), want.as_ref());
                        rest = rest.get(taken..).unwrap_or_default();
                    }
                    Err(e) => {
                        proptest::prop_assert_eq!(Err(e.to_string()), want);
                        return Ok(());
                    }
                }
            }
            proptest::prop_assert_eq!(rest, "");
        }
    }
}
