//! Atomic file output: every file shellcarve writes goes to a temporary file in the
//! same directory and is renamed over the target only when complete, so a failed or
//! killed run never leaves a partial file and an earlier output stays as it was.
//! A run killed mid-write leaves its temporary file behind; the next write to the same
//! path removes it once the process that made it is gone.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Runs `write` on a buffered temporary file next to `path` (`.NAME.PID-N.tmp`) and
/// renames it over `path` once `write` succeeded and the data is on disk. On any error
/// the temporary file is removed and `path` is untouched. I/O errors become `E`
/// through `io_error`. Temporary files of `path` left by killed runs are removed first
/// (see [`remove_stale_temporaries`]).
pub fn write_file_atomic<E>(
    path: &Path,
    io_error: impl Fn(std::io::Error) -> E,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> Result<(), E>,
) -> Result<(), E> {
    let Some(name) = path.file_name() else {
        return Err(io_error(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        )));
    };
    remove_stale_temporaries(path);
    let tmp = path.with_file_name(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(&io_error)?;
        let mut w = BufWriter::new(file);
        write(&mut w)?;
        w.flush().map_err(&io_error)?;
        let file = w.into_inner().map_err(|e| io_error(e.into_error()))?;
        file.sync_all().map_err(&io_error)?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(&io_error)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Removes the temporary files `.NAME.PID-N.tmp` of `path` whose process no longer
/// runs (a run killed mid-write), and returns how many went. Only where the system
/// says which processes run (`/proc`); elsewhere nothing is removed. Errors are
/// ignored: the leftovers are clutter, not a reason to fail a run.
pub fn remove_stale_temporaries(path: &Path) -> usize {
    let proc_fs = Path::new("/proc/self");
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return 0;
    };
    if !proc_fs.exists() {
        return 0;
    }
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split_once('-'))
            .filter(|(_, n)| n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty())
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        if !alive && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        write_file_atomic(path, |e| e, |w| w.write_all(bytes))
    }

    #[test]
    fn writes_and_replaces_whole() {
        let dir = std::env::temp_dir().join(format!("shellcarve-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.txt");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        // A failing writer leaves the earlier file and no temporary file.
        let failed: std::io::Result<()> =
            write_file_atomic(&p, |e| e, |_| Err(std::io::Error::other("boom")));
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn leftovers_of_dead_runs_go_and_those_of_live_ones_stay() {
        let dir = std::env::temp_dir().join(format!("shellcarve-stale-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.ngc");
        // PID 4294967 is above Linux's largest pid_max (4194304): never a live process.
        let dead = dir.join(".a.ngc.4294967-3.tmp");
        let live = dir.join(format!(".a.ngc.{}-99.tmp", std::process::id()));
        let other = dir.join(".b.ngc.4294967-0.tmp");
        for f in [&dead, &live, &other] {
            std::fs::write(f, b"partial").unwrap();
        }
        write(&p, b"whole").unwrap();
        assert!(!dead.exists(), "a dead run's leftover stays");
        assert!(live.exists() && other.exists(), "removed too much");
        assert_eq!(std::fs::read(&p).unwrap(), b"whole");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let p = std::env::temp_dir().join("shellcarve-no-such-dir/x/a.txt");
        assert!(write(&p, b"x").is_err());
    }
}
