//! Ranked rows → CSV file or stdout. Files are written to a temporary sibling and renamed into
//! place, so a failed run never leaves half a file, and an input is never overwritten.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `path` through `fill`, atomically; refuses when `path` is one of `inputs`.
pub fn atomic_write(
    path: &Path,
    inputs: &[&Path],
    fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    for input in inputs {
        if std::fs::canonicalize(input).is_ok_and(|i| i == target) {
            return Err(Error::OverwriteInput {
                path: path.to_path_buf(),
            });
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut w = BufWriter::new(File::create(&temp)?);
        fill(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Writes CSV rows (header first) to `out`, or to stdout when `out` is `None`.
pub fn write_csv(out: Option<&Path>, inputs: &[&Path], rows: &[Vec<String>]) -> Result<()> {
    let emit = |w: &mut dyn Write| -> std::io::Result<()> {
        let mut csv = csv::Writer::from_writer(w);
        for row in rows {
            // Keep the I/O error's kind (a closed pipe must stay recognisable as one).
            csv.write_record(row).map_err(|e| match e.into_kind() {
                csv::ErrorKind::Io(io) => io,
                other => std::io::Error::other(format!("{other:?}")),
            })?;
        }
        csv.flush()
    };
    match out {
        Some(path) => atomic_write(path, inputs, |w| emit(w)),
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            emit(&mut lock).map_err(|e| Error::io("<stdout>", e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "a\n1\n").unwrap();
        let e = write_csv(Some(&input), &[&input], &[vec!["x".into()]]).unwrap_err();
        assert!(matches!(e, Error::OverwriteInput { .. }));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "a\n1\n");
    }

    #[test]
    fn failed_fill_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        let e = atomic_write(&out, &[], |_| Err(std::io::Error::other("boom")));
        assert!(e.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn writes_quoted_csv() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        write_csv(Some(&out), &[], &[vec!["a".into(), "b,c".into()]]).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "a,\"b,c\"\n");
    }
}
