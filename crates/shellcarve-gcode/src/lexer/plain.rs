//! The lexer's fast path: a line of upper-case words (`G1 X21.5 Y-0.01 F180`), each a
//! letter directly followed by a short number, separated by blanks or by nothing, with
//! no comment, `N` word, block delete, `%` or carriage return. That is nearly every line
//! a CAM post writes.
//!
//! One pass over the bytes, which also finds the line's end, allocating nothing but the
//! line's word list (reused from line to line) and borrowing each word's text from the
//! line. On anything else it gives up before deciding anything, and
//! [`super::lex_line`] reads the line (and reports its errors); so a line it accepts is
//! lexed exactly as `lex_line` would lex it.

use std::borrow::Cow;

use super::{Line, Word};
use crate::number::scan_number;

/// Lexes the first line of `text` (up to its first `\n`, or all of it) into `line` when
/// it is plain, and returns its length without the `\n`; returns `None` (leaving
/// `line` in an unspecified state) when it is not.
pub(super) fn lex_plain<'a>(text: &'a str, line: &mut Line<'a>) -> Option<usize> {
    line.block_delete = false;
    line.percent = false;
    line.comments.clear();
    line.words.clear();
    line.first_column = 1;
    let bytes = text.as_bytes();
    let mut i = skip_blanks(bytes, 0);
    loop {
        let letter = match bytes.get(i) {
            None | Some(b'\n') => return Some(i),
            Some(&b) => b,
        };
        // Upper-case word letters only; N and O words need the general rules.
        if !letter.is_ascii_uppercase() || letter == b'N' || letter == b'O' {
            return None;
        }
        let start = i;
        let (value, len) = bytes.get(i + 1..).and_then(scan_number)?;
        let end = i + 1 + len;
        i = skip_blanks(bytes, end);
        // Next: the line's end, or a letter. A digit, point or sign after blanks would
        // continue the number under the general rules; anything else is for them to
        // judge.
        match bytes.get(i) {
            None | Some(b'\n') => {}
            Some(b) if b.is_ascii_alphabetic() => {}
            Some(_) => return None,
        }
        let word = text.get(start..end)?;
        if line.words.is_empty() {
            line.first_column = start + 1;
        }
        line.words.push(Word {
            letter: char::from(letter),
            value,
            column: start + 1,
            text: Cow::Borrowed(word),
        });
    }
}

/// The index of the first byte from `i` on that is not a space or a tab.
#[inline]
fn skip_blanks(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::super::lex_line;
    use super::*;
    use proptest::prelude::*;

    /// The fast path, when it takes a line, agrees with the general lexer, also when
    /// more lines follow.
    fn agrees(text: &str) -> bool {
        let mut fast = Line::default();
        let Some(len) = lex_plain(text, &mut fast) else {
            return false;
        };
        assert_eq!(len, text.len(), "{text:?}");
        let general = lex_line(text, 1).map_err(|e| e.to_string());
        assert_eq!(Ok(&fast), general.as_ref());
        let more = format!("{text}\n12345678 G1 X2\n");
        assert_eq!(lex_plain(&more, &mut fast), Some(len), "{more:?}");
        assert_eq!(Ok(&fast), general.as_ref());
        true
    }

    #[test]
    fn takes_plain_lines_and_leaves_the_rest() {
        for text in [
            "G1 X21.5000 Y0.0100 Z-5.0000 A90.0093 C0.0266",
            "G1X1Y2",
            "  G0 X.5 Y-.5 Z+1 A2.  ",
            "",
            "   ",
            "\tM3 S18000",
            "G1 X-21.4999 Y-10.0500 Z-4.9998 A-90.0466 B-10.1234 C-1234.1332 F1000.0000",
        ] {
            assert!(agrees(text), "{text:?}");
        }
        for text in [
            "g1 x1",
            "N10 G1 X1",
            "G1 X1 (cut)",
            "G1 X1 ; note",
            "/G1 X1",
            "%",
            "G1 X 1",
            "G1 X1 2",
            "G1 X1..2",
            "G1 X1 .2",
            "G1 X#1",
            "G1 X",
            "G1 X1 O2",
            "G1 X1\u{a0}Y2",
            "G1 X1\r",
            "G1 X1,2",
            "G1 X1+2",
            "G1 X1-",
            "G1 X+",
            "G1 X.",
            "1 G1",
        ] {
            assert!(!agrees(text), "{text:?}");
        }
        // Long lines are fine, long numbers are for the general path.
        assert!(agrees(&format!("G1{}", " X1.2345".repeat(40))));
        assert!(!agrees("G1 X1.00000000000000000001"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        #[test]
        fn agrees_with_the_general_lexer(text in "[GXYZACFMNOgx0-9 .,+\\-\t(;/%#\u{e9}]{0,30}") {
            agrees(&text);
        }

        #[test]
        fn agrees_on_many_words(text in "([GXYZ][+-]?[0-9]{0,3}\\.?[0-9]{0,5} ?){0,30}") {
            agrees(&text);
        }

        #[test]
        fn takes_post_output(words in proptest::collection::vec(("[GXYZABCFST]", -1e6f64..1e6), 0..8)) {
            let text: Vec<String> = words.iter().map(|(l, v)| format!("{l}{v:.4}")).collect();
            prop_assert!(agrees(&text.join(" ")));
        }
    }
}
