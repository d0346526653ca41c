//! Ranked rows → CSV file or stdout, or an .xlsx workbook ([`xlsx`]). Files are written to a
//! temporary sibling and renamed into place, so a failed run never leaves half a file, and an
//! input is never overwritten.

pub mod xlsx;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Temporary files being written, removed by [`remove_pending_files`] when the process is
/// interrupted (Ctrl-C), so that no partial output is left behind.
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

struct PendingFile(PathBuf);

impl PendingFile {
    fn register(path: &Path) -> PendingFile {
        if let Ok(mut p) = PENDING.lock() {
            p.push(path.to_path_buf());
        }
        PendingFile(path.to_path_buf())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if let Ok(mut p) = PENDING.lock() {
            p.retain(|q| q != &self.0);
        }
    }
}

/// Removes the temporary files of writes in progress (call from an interrupt handler).
pub fn remove_pending_files() {
    if let Ok(p) = PENDING.lock() {
        for path in p.iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The file a write to `path` lands in: `path` itself, or the file a symbolic link at `path`
/// points to (followed, so that the link stays a link), made absolute where its folder exists.
fn landing(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    // A chain of links, dangling or not; bounded against loops.
    for _ in 0..32 {
        match std::fs::read_link(&p) {
            Ok(to) => {
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                }
            }
            Err(_) => break,
        }
    }
    if let Ok(c) = std::fs::canonicalize(&p) {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            std::fs::canonicalize(dir).map_or(p.clone(), |d| d.join(name))
        }
        _ => p,
    }
}

/// Whether `a` and `b` name one file, whatever the spelling: `./`, `..`, a symbolic link
/// ([`landing`]), or a hard link (the same device and inode, on Unix).
pub fn same_file(a: &Path, b: &Path) -> bool {
    if landing(a) == landing(b) {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let id = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
        if let (Some(x), Some(y)) = (id(a), id(b)) {
            return x == y;
        }
    }
    false
}

/// Checks a run's outputs, each with the flag that named it (`-o`, `--report`: messages name
/// it), before any work is done: none is one of `inputs` (whatever the spelling: `./`, `..`, a
/// symbolic link), no two are the same file, none is a folder, and each one's folder exists.
/// So a run that cannot write all its outputs writes none of them.
pub fn check_outputs(outputs: &[(&str, &Path)], inputs: &[&Path]) -> Result<()> {
    check_outputs_of(outputs.iter().map(|&(flag, out)| (Some(flag), out)), inputs)
}

fn check_outputs_of<'a>(
    outputs: impl IntoIterator<Item = (Option<&'a str>, &'a Path)>,
    inputs: &[&Path],
) -> Result<()> {
    let inputs: Vec<PathBuf> = inputs.iter().map(|i| landing(i)).collect();
    let mut seen: Vec<PathBuf> = Vec::new();
    for (flag, out) in outputs {
        // Only the ranking goes to standard output (`-o -`, turned into no path before this);
        // any other `-` was written as a file named `-` in the current folder.
        if out.as_os_str() == "-" {
            let flag = flag.map_or_else(String::new, |f| format!("{f} "));
            return Err(Error::Usage(crate::tr!(
                "{flag}-：这个输出不能写到标准输出（标准输出只给排序结果，-o -），请给一个文件名（名叫 - 的文件写作 ./-）",
                "{flag}-: this output cannot go to standard output (only the ranking does, with -o -); give a file name (for a file named -, write ./-)"
            )));
        }
        let target = landing(out);
        if inputs.contains(&target) {
            return Err(Error::OverwriteInput {
                path: out.to_path_buf(),
                flag: flag.map(str::to_string),
            });
        }
        if seen.contains(&target) {
            return Err(Error::SameOutput {
                path: out.to_path_buf(),
            });
        }
        // A folder (or a name ending in `/`) cannot be replaced by a file: found only when
        // writing, it failed after the work, and after the ranking when it was `--report`.
        let ends_in_separator = out
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::is_separator);
        if target.is_dir() || ends_in_separator {
            return Err(Error::io(
                out,
                std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    crate::tr!("是一个文件夹，不是文件", "is a folder, not a file"),
                ),
            ));
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(Error::io(
                out,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    crate::tr!(
                        "文件夹 {} 不存在",
                        "the folder {} does not exist",
                        dir.display()
                    ),
                ),
            ));
        }
        // A folder staff cannot write in (a shared folder, a read-only copy) was found only
        // when the output was written: after the work, and after the ranking when it was
        // `--report`. A stream (`/dev/null`, a pipe) is written to, not created.
        let stream = std::fs::metadata(&target).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if !stream {
            if let Err(e) = tempfile::Builder::new()
                .prefix(".xuanti-probe")
                .tempfile_in(dir)
            {
                let reason = if e.kind() == std::io::ErrorKind::PermissionDenied {
                    crate::tr!(
                        "不能在文件夹 {} 里建文件：没有写权限",
                        "cannot create a file in the folder {}: no permission to write there",
                        dir.display()
                    )
                } else {
                    crate::tr!(
                        "不能在文件夹 {} 里建文件：{e}",
                        "cannot create a file in the folder {}: {e}",
                        dir.display()
                    )
                };
                return Err(Error::io(out, std::io::Error::other(reason)));
            }
        }
        seen.push(target);
    }
    Ok(())
}

/// Refuses a ranking named as a workbook of another format (`排序.xls`, `.ods`, WPS's `.et`):
/// it was written as CSV text under that name, which Excel opens only after warning that the
/// file's format and its name do not match. `.xlsx` is a workbook, any other name a CSV.
pub fn check_table_name(out: &Path) -> Result<()> {
    const OTHER_WORKBOOKS: [&str; 8] = ["xls", "xlsm", "xlsb", "xltx", "xlt", "ods", "et", "ett"];
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if OTHER_WORKBOOKS.contains(&ext.as_str()) {
        return Err(Error::Usage(crate::tr!(
            "{}：xuanti 写出的表格是 .xlsx 工作簿或 .csv 文件，不能写成 .{ext}（Excel 打开时会说格式和扩展名不一致）；请把名字改成 .xlsx 或 .csv 结尾",
            "{}: xuanti writes an .xlsx workbook or a .csv file, not .{ext} (Excel would warn that the format and the extension do not match); name it .xlsx or .csv",
            out.display()
        )));
    }
    Ok(())
}

/// Writes `path` through `fill`, atomically; refuses when `path` is one of `inputs`. A
/// symbolic link is followed (the file it points to is replaced, the link stays). A path that
/// is not a regular file (`/dev/null`, a named pipe) is written to directly, as a stream: it
/// cannot be replaced, and must not be.
pub fn atomic_write(
    path: &Path,
    inputs: &[&Path],
    fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<()> {
    check_outputs_of([(None, path)], inputs)?;
    let target = landing(path);
    if std::fs::metadata(&target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let result = (|| {
            let mut w = BufWriter::new(std::fs::OpenOptions::new().write(true).open(&target)?);
            fill(&mut w)?;
            w.flush()
        })();
        return result.map_err(|e| Error::io(path, e));
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _guard = PendingFile::register(&temp);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&temp)?);
        fill(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&temp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Writes CSV rows (header first) to `out` (with a UTF-8 BOM), or to stdout when `out` is
/// `None`.
pub fn write_csv(out: Option<&Path>, inputs: &[&Path], rows: &[Vec<String>]) -> Result<()> {
    write_csv_rows(out, inputs, rows.iter().map(|r| Ok(r.clone())), true)
}

/// The UTF-8 byte order mark: Excel opens a CSV as UTF-8 only when it starts with one
/// (without it, Chinese shows as mojibake on Chinese Windows, which assumes GBK).
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What an output column holds, which decides its spreadsheet layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A rank (a small whole number).
    Rank,
    /// A probability, shown as a percentage.
    Percent,
    /// Another number in [0, 1].
    Number,
    /// A short label (an id, a theme, a unit).
    Short,
    /// A sentence or two to read in full (reasons): wrapped.
    Wrapped,
    /// Anything else (a title, a text).
    Text,
}

/// The kind of file an output is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// CSV: with a UTF-8 BOM when `bom`, and formula-like cells neutralized ([`neutralize`])
    /// when `guard_formulas`.
    Csv {
        /// Start with a UTF-8 BOM.
        bom: bool,
        /// Neutralize cells that a spreadsheet would run as formulas.
        guard_formulas: bool,
    },
    /// An .xlsx workbook of one sheet (cells are never formulas there).
    Xlsx,
}

impl OutputFormat {
    /// .xlsx for a path ending in `.xlsx` (any case); otherwise CSV, with a BOM when written
    /// to a file and `bom` is set (never on stdout, which feeds programs).
    pub fn for_output(out: Option<&Path>, bom: bool, guard_formulas: bool) -> OutputFormat {
        match out {
            Some(p)
                if p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
            {
                OutputFormat::Xlsx
            }
            Some(_) => OutputFormat::Csv {
                bom,
                guard_formulas,
            },
            None => OutputFormat::Csv {
                bom: false,
                guard_formulas,
            },
        }
    }
}

/// A table about to be written: its header, what each column holds, how many first rows to
/// mark as the top of the list, and how many rows follow.
#[derive(Debug, Clone)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// What each column holds (missing ones count as text).
    pub kinds: Vec<ColumnKind>,
    /// The first this many rows are marked (a coloured band in a workbook).
    pub marked: usize,
    /// Data rows to come.
    pub rows: usize,
}

/// Writes `table` and its `rows` to `out` (stdout when `None`) as `format` says. Returns the
/// number of cells cut to fit a worksheet cell (32,767 characters; only for .xlsx).
pub fn write_table(
    out: Option<&Path>,
    inputs: &[&Path],
    format: OutputFormat,
    table: &Table,
    rows: impl Iterator<Item = std::io::Result<Vec<String>>>,
) -> Result<usize> {
    match format {
        OutputFormat::Csv {
            bom,
            guard_formulas,
        } => {
            let rows = rows.map(|row| {
                let mut row = row?;
                if guard_formulas {
                    for f in &mut row {
                        if let std::borrow::Cow::Owned(safe) = neutralize(f) {
                            *f = safe;
                        }
                    }
                }
                Ok(row)
            });
            let all = std::iter::once(Ok(table.header.clone())).chain(rows);
            write_csv_rows(out, inputs, all, bom).map(|()| 0)
        }
        OutputFormat::Xlsx => {
            let path = out.expect("an .xlsx output is a file");
            if table.rows >= xlsx::MAX_ROWS {
                return Err(Error::Sheet {
                    path: path.to_path_buf(),
                    message: crate::tr!(
                        "{} 行放不进一张工作表（最多 {} 行）；请改写成 .csv",
                        "{} rows do not fit in a worksheet (at most {}); write a .csv instead",
                        table.rows,
                        xlsx::MAX_ROWS - 1
                    ),
                });
            }
            let mut cut = 0;
            atomic_write(path, inputs, |w| {
                cut = xlsx::write(w, table, rows)?;
                Ok(())
            })?;
            Ok(cut)
        }
    }
}

/// A cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return) gets a leading `'`, which Excel and WPS show as plain text; any other
/// cell is returned as it is (OWASP's advice against CSV injection).
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if runs_as_formula(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Whether a spreadsheet would run `cell` as a formula: it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return.
fn runs_as_formula(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// Undoes [`neutralize`] on a cell of xuanti's own output read back (a ranking ranked again):
/// `'-5` is the id `-5` again. Only a `'` before a character [`neutralize`] guards is removed.
pub fn unneutralize(cell: &mut String) {
    if cell.strip_prefix('\'').is_some_and(runs_as_formula) {
        cell.remove(0);
    }
}

/// [`write_csv`] for rows produced as they are written (a ranking read back from its spill
/// file): a row that fails stops the writing, and a file output is then not created.
/// A file output starts with a UTF-8 [`BOM`] when `bom` is set.
pub fn write_csv_rows(
    out: Option<&Path>,
    inputs: &[&Path],
    rows: impl Iterator<Item = std::io::Result<Vec<String>>>,
    bom: bool,
) -> Result<()> {
    let emit = |w: &mut dyn Write| -> std::io::Result<()> {
        if bom && out.is_some() {
            w.write_all(BOM)?;
        }
        let mut csv = csv::Writer::from_writer(w);
        for row in rows {
            // Keep the I/O error's kind (a closed pipe must stay recognisable as one).
            csv.write_record(&row?).map_err(|e| match e.into_kind() {
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
            let mut lock = std::io::BufWriter::new(stdout.lock());
            emit(&mut lock).map_err(|e| Error::io(crate::tr!("<标准输出>", "<stdout>"), e))
        }
    }
}

/// Output rows kept aside until their order is known: in memory up to a limit, then in an
/// anonymous temporary file (deleted by the system when the process ends, however it ends).
/// A row costs the ranking only its offset and length.
#[derive(Debug)]
pub struct Spill {
    memory: Vec<u8>,
    file: Option<BufWriter<File>>,
    dir: PathBuf,
    /// Bytes in the file.
    flushed: u64,
    limit: usize,
}

impl Spill {
    /// A spill that moves to a temporary file in `dir` once it holds `limit` bytes.
    pub fn new(dir: &Path, limit: usize) -> Spill {
        Spill {
            memory: Vec::new(),
            file: None,
            dir: dir.to_path_buf(),
            flushed: 0,
            limit,
        }
    }

    /// Stores one row; returns where it is.
    pub fn push(&mut self, fields: &[String]) -> std::io::Result<(u64, u32)> {
        let start = self.flushed + self.memory.len() as u64;
        for f in fields {
            self.memory
                .extend_from_slice(&(f.len() as u32).to_le_bytes());
            self.memory.extend_from_slice(f.as_bytes());
        }
        let len = (self.flushed + self.memory.len() as u64 - start) as u32;
        if self.memory.len() >= self.limit {
            if self.file.is_none() {
                self.file = Some(BufWriter::new(tempfile::tempfile_in(&self.dir)?));
            }
            let file = self.file.as_mut().expect("just created");
            file.write_all(&self.memory)?;
            self.flushed += self.memory.len() as u64;
            self.memory.clear();
        }
        Ok((start, len))
    }

    /// Ends writing; rows can be read back from the result.
    pub fn finish(self) -> std::io::Result<SpillReader> {
        let file = match self.file {
            Some(f) => Some(f.into_inner().map_err(|e| e.into_error())?),
            None => None,
        };
        Ok(SpillReader {
            memory: self.memory,
            file,
            flushed: self.flushed,
            buffer: Vec::new(),
        })
    }
}

/// Reads rows back from a finished [`Spill`].
#[derive(Debug)]
pub struct SpillReader {
    memory: Vec<u8>,
    file: Option<File>,
    flushed: u64,
    buffer: Vec<u8>,
}

impl SpillReader {
    /// The row stored at `(offset, len)`.
    pub fn row(&mut self, offset: u64, len: u32) -> std::io::Result<Vec<String>> {
        let bytes: &[u8] = if offset >= self.flushed {
            let start = (offset - self.flushed) as usize;
            &self.memory[start..start + len as usize]
        } else {
            use std::io::{Read, Seek, SeekFrom};
            let file = self
                .file
                .as_mut()
                .expect("offsets below the flushed size are in the file");
            file.seek(SeekFrom::Start(offset))?;
            self.buffer.resize(len as usize, 0);
            file.read_exact(&mut self.buffer)?;
            &self.buffer
        };
        let mut fields = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let n = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
            at += 4;
            let text = std::str::from_utf8(&bytes[at..at + n]).map_err(std::io::Error::other)?;
            fields.push(text.to_string());
            at += n;
        }
        Ok(fields)
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
    fn spill_gives_back_rows_from_memory_and_from_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::new(dir.path(), 64);
        let rows: Vec<Vec<String>> = (0..50)
            .map(|i| vec![format!("行{i}"), String::new(), "x".repeat(i)])
            .collect();
        let at: Vec<(u64, u32)> = rows.iter().map(|r| spill.push(r).unwrap()).collect();
        let mut back = spill.finish().unwrap();
        assert!(back.file.is_some(), "never moved to a file");
        for (row, &(offset, len)) in rows.iter().zip(&at).rev() {
            assert_eq!(&back.row(offset, len).unwrap(), row);
        }
    }

    #[test]
    fn formulas_are_neutralized_and_other_cells_kept() {
        for cell in ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralize(cell), format!("'{cell}"));
        }
        for cell in ["", "选题", "1-2", "a=b", "'=x"] {
            assert_eq!(neutralize(cell), cell);
        }
    }

    #[test]
    fn writes_quoted_csv() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        write_csv(Some(&out), &[], &[vec!["a".into(), "b,c".into()]]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "\u{feff}a,\"b,c\"\n"
        );
    }
}
