//! Printing a program's canonical commands while reading it, as `rs274 -g` does: the
//! program is read a block of lines at a time, and the reader hands over a few thousand
//! commands at a time to a second thread that prints them, so reading and printing
//! overlap and memory stays small however long the program is.

use std::io::{Read, Write};
use std::sync::mpsc;

use crate::canon::{render_lines, CanonLine};
use crate::error::{GcodeError, Result};
use crate::interp::{Flush, InterpretOptions, Reader, Record, FLUSH_LINES};

/// Batches of commands in flight between the reader and the printer.
const IN_FLIGHT: usize = 4;

/// Bytes of program read at a time (more when a line is longer).
const BLOCK: usize = 1 << 20;

/// Reads a program as [`crate::canon_with`] does and writes its canonical commands to
/// `out` as [`crate::canon_to_string`] prints them (the same bytes), while reading.
///
/// On an error in the program, the commands of the lines before it have been written
/// (as `rs274` writes them) and the error is returned. A failure to write (a closed
/// pipe, a full disk) stops the reading and comes back as [`GcodeError::Io`].
pub fn write_canon_with(
    text: &str,
    options: &InterpretOptions,
    out: impl Write + Send,
) -> Result<()> {
    write_canon_from(text.as_bytes(), options, out)
}

/// [`write_canon_with`] for a program read from `input` (a file, a pipe) a block at a
/// time, so that it need not be read whole first. Text that is not UTF-8 is a
/// [`GcodeError::Syntax`] at its line and column; a failure to read is a
/// [`GcodeError::Read`].
pub fn write_canon_from(
    input: impl Read,
    options: &InterpretOptions,
    mut out: impl Write + Send,
) -> Result<()> {
    let (full_tx, full_rx) = mpsc::sync_channel::<Vec<CanonLine>>(IN_FLIGHT);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<CanonLine>>();
    std::thread::scope(|scope| {
        let printer = scope.spawn(move || -> std::io::Result<()> {
            let mut bytes = Vec::with_capacity(FLUSH_LINES * 80);
            for mut batch in full_rx {
                bytes.clear();
                render_lines(&batch, &mut bytes);
                out.write_all(&bytes)?;
                batch.clear();
                // The reader may have finished: then the batch is not needed.
                let _ = empty_tx.send(batch);
            }
            out.flush()
        });
        let stopped = || GcodeError::Io(std::io::Error::other("the output stopped"));
        let mut hand_over = |canon: &mut Vec<CanonLine>| -> Result<()> {
            let fresh = empty_rx
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(FLUSH_LINES + 16));
            let batch = std::mem::replace(canon, fresh);
            full_tx.send(batch).map_err(|_| stopped())
        };
        let mut reader = Reader::new(options, Record::CanonOnly);
        reader.reserve(FLUSH_LINES + 16);
        let read = read_blocks(input, &mut reader, &mut hand_over);
        // The commands read before an error are printed too, as `rs274` prints them.
        let rest = hand_over(reader.canon_mut());
        let read = read.and(rest).and_then(|()| reader.finish().map(|_| ()));
        drop(full_tx);
        let printed = printer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the printing thread failed")));
        // A write failure explains a reader stopped by it; else the reader's result.
        match (read, printed) {
            (_, Err(e)) => Err(GcodeError::Io(e)),
            (read, Ok(())) => read,
        }
    })
}

/// Feeds `input` to `reader` in blocks of whole lines until the program or the input
/// ends.
fn read_blocks(mut input: impl Read, reader: &mut Reader<'_>, flush: Flush<'_>) -> Result<()> {
    let mut buf = vec![0u8; BLOCK];
    let mut filled = 0;
    loop {
        let free = buf.get_mut(filled..).unwrap_or_default();
        let n = match input.read(free) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(GcodeError::Read(e)),
        };
        let fresh = filled;
        filled += n;
        let at_end = n == 0;
        let read_so_far = buf.get(..filled).unwrap_or_default();
        // Whole lines only, until the input ends. What was kept from the last block
        // holds no line end: look among the fresh bytes only.
        let last_end = read_so_far
            .get(fresh..)
            .and_then(|new| new.iter().rposition(|&b| b == b'\n'));
        let whole = match last_end {
            _ if at_end => filled,
            Some(last) => fresh + last + 1,
            None => {
                if filled == buf.len() {
                    // A line longer than the buffer: make room for more of it.
                    buf.resize(buf.len() * 2, 0);
                }
                continue;
            }
        };
        let lines = read_so_far.get(..whole).unwrap_or_default();
        let text = std::str::from_utf8(lines).map_err(|e| not_utf8(reader, lines, e))?;
        if reader.read(text, Some(&mut *flush))? || at_end {
            return Ok(());
        }
        buf.copy_within(whole..filled, 0);
        filled -= whole;
    }
}

/// The error for a block of lines that is not UTF-8, at the line and column of the
/// first bad byte.
fn not_utf8(reader: &Reader<'_>, lines: &[u8], e: std::str::Utf8Error) -> GcodeError {
    let good = lines.get(..e.valid_up_to()).unwrap_or_default();
    let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let before = std::str::from_utf8(good.get(line_start..).unwrap_or_default())
        .map_or(0, |s| s.chars().count());
    let bad_len = e.error_len().unwrap_or(1);
    let bad = lines
        .get(e.valid_up_to()..e.valid_up_to() + bad_len)
        .unwrap_or_default();
    GcodeError::Syntax {
        line: reader.lines() + good.iter().filter(|&&b| b == b'\n').count() + 1,
        column: before + 1,
        word: bad.iter().map(|b| format!("\\x{b:02x}")).collect(),
        message: "the program is not UTF-8 text here; save it as UTF-8 (or plain ASCII)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{canon, canon_to_string};

    fn streamed(text: &str) -> (Result<()>, String) {
        let mut out = Vec::new();
        let r = write_canon_with(text, &InterpretOptions::default(), &mut out);
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn prints_what_canon_to_string_prints() {
        let mut text = String::from("(head)\nG21 G90 G94\nS1000 M3\n");
        for i in 0..3 * FLUSH_LINES + 17 {
            text.push_str(&format!("G1 X{}.25 Y-{i}.125 Z0.00005 A{i} F100\n", i % 7));
        }
        text.push_str("G2 I1 J0\nM2\n");
        let (r, out) = streamed(&text);
        r.unwrap();
        assert_eq!(out, canon_to_string(&canon(&text).unwrap()));
    }

    #[test]
    fn errors_come_back_after_the_lines_before_them() {
        let mut text = String::from("G1 F100\n");
        for i in 0..FLUSH_LINES + 5 {
            text.push_str(&format!("X{i}\n"));
        }
        text.push_str("G1 X1 Q2\nM2\n");
        let (r, out) = streamed(&text);
        let e = r.unwrap_err();
        assert_eq!(e.line(), canon(&text).unwrap_err().line());
        let before = text.get(..text.find("G1 X1 Q2").unwrap()).unwrap();
        let open = InterpretOptions::default().with_require_program_end(false);
        assert_eq!(
            out,
            canon_to_string(&crate::canon_with(before, &open).unwrap())
        );
    }

    #[test]
    fn long_lines_and_small_reads() {
        /// Hands out its text a few bytes at a time, as a pipe may.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(7);
                let (head, tail) = self.0.split_at(n);
                buf[..n].copy_from_slice(head);
                self.0 = tail;
                Ok(n)
            }
        }
        let mut text = format!("({})\nG1 F100\n", "x".repeat(3 * BLOCK));
        for i in 0..100 {
            text.push_str(&format!("X{i}\r\n"));
        }
        text.push_str("M2"); // no line end
        let want = canon_to_string(&canon(&text).unwrap());
        let mut out = Vec::new();
        write_canon_from(text.as_bytes(), &InterpretOptions::default(), &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), want);
        let mut out = Vec::new();
        let trickle = Trickle(text.as_bytes());
        write_canon_from(trickle, &InterpretOptions::default(), &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    #[test]
    fn missing_end_and_bad_text_name_their_line() {
        let e = streamed("G1 F100\nX1\n\n").0.unwrap_err();
        assert_eq!(e.line(), canon("G1 F100\nX1\n\n").unwrap_err().line());
        let mut bytes = b"G1 F100\nX1 (caf\xc3\xa9)\nX2 (\xff)\nM2\n".to_vec();
        let mut out = Vec::new();
        let e = write_canon_from(&bytes[..], &InterpretOptions::default(), &mut out).unwrap_err();
        assert_eq!((e.line(), e.column()), (Some(3), Some(5)), "{e}");
        bytes.truncate(8);
        let e = write_canon_from(&bytes[..], &InterpretOptions::default(), &mut out).unwrap_err();
        assert!(
            matches!(e, GcodeError::MissingProgramEnd { line: 1 }),
            "{e}"
        );
    }

    #[test]
    fn a_closed_output_is_an_io_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut text = String::from("G1 F100\n");
        for i in 0..4 * FLUSH_LINES {
            text.push_str(&format!("X{i}\n"));
        }
        text.push_str("M2\n");
        let e = write_canon_with(&text, &InterpretOptions::default(), Closed).unwrap_err();
        assert!(matches!(e, GcodeError::Io(_)), "{e}");
    }
}
