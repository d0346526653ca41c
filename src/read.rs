//! CSV file → [`Batch`]: decodes UTF-8 (with or without BOM), UTF-16 (with BOM) or GBK/GB18030,
//! finds the id, title, unit and text columns by name, and keeps every cell for the output.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Accepted header names of the id column (compared case- and space-insensitively).
pub const ID_NAMES: &[&str] = &["id", "编号", "序号"];
/// Accepted header names of the title column.
pub const TITLE_NAMES: &[&str] = &["title", "标题", "题目", "选题", "选题名称"];
/// Accepted header names of the reporting-unit column.
pub const UNIT_NAMES: &[&str] = &["unit", "报送单位", "单位", "申报单位"];
/// Accepted header names of the text column.
pub const TEXT_NAMES: &[&str] = &[
    "text",
    "content",
    "内容",
    "正文",
    "事迹",
    "简介",
    "素材内容",
    "主要内容",
];

/// Column names given on the command line; `None` means "find it by its usual names".
#[derive(Debug, Clone, Default)]
pub struct ColumnOverrides {
    /// The id column.
    pub id: Option<String>,
    /// The title column.
    pub title: Option<String>,
    /// The unit column.
    pub unit: Option<String>,
    /// The text column.
    pub text: Option<String>,
}

/// Where the roles live in a file's header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Columns {
    /// Index of the id column.
    pub id: Option<usize>,
    /// Index of the title column.
    pub title: Option<usize>,
    /// Index of the unit column.
    pub unit: Option<usize>,
    /// Index of the text column.
    pub text: Option<usize>,
}

impl Columns {
    /// The submission in `row`.
    pub fn submission(&self, row: &Row) -> Submission {
        let cell = |col: Option<usize>| {
            col.and_then(|i| row.cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let id = cell(self.id);
        Submission {
            id: if id.is_empty() {
                row.line.to_string()
            } else {
                id
            },
            title: cell(self.title),
            unit: cell(self.unit),
            text: cell(self.text),
        }
    }
}

/// A CSV file read a chunk of rows at a time, so that a file larger than memory can be
/// ranked: the same decoding, delimiter and column rules as [`Batch`], decided on the first
/// megabyte.
pub struct BatchReader {
    /// Where it comes from.
    pub path: PathBuf,
    /// Header cells, as written (trimmed).
    pub headers: Vec<String>,
    /// Where the roles are.
    pub columns: Columns,
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::StringRecord,
}

impl std::fmt::Debug for BatchReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchReader")
            .field("path", &self.path)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// How many bytes the encoding and the delimiter are decided on.
const SNIFF_BYTES: usize = 1 << 20;

impl BatchReader {
    /// Opens `path`, decides its encoding and delimiter, reads the header and resolves the
    /// role columns.
    pub fn open(path: &Path, overrides: &ColumnOverrides) -> Result<BatchReader> {
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut prefix = Vec::with_capacity(SNIFF_BYTES.min(1 << 16));
        (&mut file)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut prefix)
            .map_err(|e| Error::io(path, e))?;
        let whole = prefix.len() < SNIFF_BYTES;
        let source: Box<dyn Read + Send> =
            Box::new(std::io::Cursor::new(prefix.clone()).chain(file));
        let (source, head): (Box<dyn Read + Send>, String) =
            match encoding_rs::Encoding::for_bom(&prefix) {
                Some((encoding, _)) => (
                    Box::new(DecodingReader::new(source, encoding)),
                    encoding.decode(&prefix).0.into_owned(),
                ),
                None => match std::str::from_utf8(&prefix) {
                    Ok(text) => (source, text.to_string()),
                    // A multi-byte character cut by the sniffing window is still UTF-8.
                    Err(e) if !whole && e.error_len().is_none() => (
                        source,
                        String::from_utf8_lossy(&prefix[..e.valid_up_to()]).into_owned(),
                    ),
                    Err(_) => (
                        Box::new(DecodingReader::new(source, encoding_rs::GB18030)),
                        encoding_rs::GB18030.decode(&prefix).0.into_owned(),
                    ),
                },
            };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sniff_delimiter(&head))
            .flexible(false)
            .from_reader(source);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let columns = resolve_columns(path, &headers, overrides)?;
        Ok(BatchReader {
            path: path.to_path_buf(),
            headers,
            columns,
            reader,
            record: csv::StringRecord::new(),
        })
    }

    /// Up to `max` more data rows (blank rows skipped); empty at the end of the file.
    pub fn next_rows(&mut self, max: usize) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        while rows.len() < max {
            let more = self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| csv_error(&self.path, e))?;
            if !more {
                break;
            }
            if self.record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push(Row {
                line: self.record.position().map_or(0, |p| p.line()),
                cells: self.record.iter().map(str::to_string).collect(),
            });
        }
        Ok(rows)
    }
}

/// Decodes a byte stream of another encoding to UTF-8 as it is read.
struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> DecodingReader<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> DecodingReader<R> {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 1 << 16],
            start: 0,
            end: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        // The decoder needs room for at least one character.
        if out.len() < 4 {
            let mut buf = [0u8; 4];
            let n = self.read(&mut buf)?;
            let n = n.min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            return Ok(n);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.input)?;
                self.eof = self.end == 0;
            }
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[self.start..self.end], out, self.eof);
            self.start += read;
            // After its last call a decoder must not be used again.
            self.done = self.eof && result == encoding_rs::CoderResult::InputEmpty;
            if written > 0 || self.done {
                return Ok(written);
            }
        }
    }
}

/// One data row as read: its line in the file and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    /// The line the record starts on (the header is line 1), as a spreadsheet numbers rows.
    pub line: u64,
    /// The cells, one per header column.
    pub cells: Vec<String>,
}

/// A submission: the parts of a row the later stages read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The id cell, or the row number when the file has no id column or the cell is empty.
    pub id: String,
    /// The title (may be empty).
    pub title: String,
    /// The reporting unit (may be empty).
    pub unit: String,
    /// The body text (may be empty).
    pub text: String,
}

/// A whole CSV file, decoded, with its roles resolved.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Where it came from.
    pub path: PathBuf,
    /// Header cells, as written.
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<Row>,
    /// Where the roles are.
    pub columns: Columns,
}

impl Batch {
    /// Reads and decodes `path`, then resolves the role columns.
    pub fn read(path: &Path, overrides: &ColumnOverrides) -> Result<Batch> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(path, &bytes, overrides)
    }

    /// Like [`Batch::read`], for bytes already in memory; `path` is used in messages.
    pub fn from_bytes(path: &Path, bytes: &[u8], overrides: &ColumnOverrides) -> Result<Batch> {
        let text = decode(bytes);
        let delimiter = sniff_delimiter(&text);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(false)
            .from_reader(text.as_bytes());
        let csv_error = |e: csv::Error| csv_error(path, e);
        let headers: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(|c| c.trim().is_empty()) {
                continue; // spreadsheets leave blank lines at the end
            }
            rows.push(Row {
                line,
                cells: record.iter().map(str::to_string).collect(),
            });
        }
        let columns = resolve_columns(path, &headers, overrides)?;
        Ok(Batch {
            path: path.to_path_buf(),
            headers,
            rows,
            columns,
        })
    }

    /// The index of a column named by the user, matched like the built-in names.
    pub fn column(&self, name: &str) -> Result<usize> {
        find(&self.headers, &[name]).ok_or_else(|| Error::NoSuchColumn {
            path: self.path.clone(),
            name: name.to_string(),
            found: self.headers.join(","),
        })
    }

    /// The submissions, in file order.
    pub fn submissions(&self) -> Vec<Submission> {
        self.rows
            .iter()
            .map(|row| self.columns.submission(row))
            .collect()
    }

    /// Reads a 0/1 label from every row of column `name` (see [`parse_label`]).
    pub fn labels(&self, name: &str) -> Result<Vec<bool>> {
        let col = self.column(name)?;
        self.rows
            .iter()
            .map(|row| {
                let value = row.cells.get(col).map(String::as_str).unwrap_or("");
                parse_label(value).ok_or_else(|| Error::BadValue {
                    path: self.path.clone(),
                    row: row.line,
                    column: self.headers[col].clone(),
                    value: value.to_string(),
                    message: "not a label (use 1/0, true/false, yes/no, 是/否, 入选/未入选, Y/N)"
                        .to_string(),
                })
            })
            .collect()
    }

    /// The cells of column `name`, one per row.
    pub fn cells(&self, name: &str) -> Result<Vec<&str>> {
        let col = self.column(name)?;
        Ok(self
            .rows
            .iter()
            .map(|row| row.cells.get(col).map(String::as_str).unwrap_or(""))
            .collect())
    }
}

/// Reads a selection label: 1/0, true/false, yes/no, 是/否, 入选/未入选, Y/N (case-insensitive,
/// surrounding spaces ignored). Anything else, an empty cell included, is `None`.
pub fn parse_label(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "是" | "入选" => Some(true),
        "0" | "false" | "no" | "n" | "否" | "未入选" => Some(false),
        _ => None,
    }
}

/// UTF-8 (BOM stripped) when the bytes are valid UTF-8; UTF-16 when a BOM says so;
/// otherwise GB18030, the superset of GBK that Excel and WPS write on Chinese Windows.
fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Excel's "Unicode text" export is tab-separated; everything else here is comma-separated.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.contains('\t') && !header.contains(',') {
        b'\t'
    } else {
        b','
    }
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    Error::Csv {
        path: path.to_path_buf(),
        row: e.position().map_or(1, |p| p.line()),
        message: csv_message(&e),
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} cells but the header has {expected_len}"),
        _ => e.to_string(),
    }
}

fn key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .flat_map(char::to_lowercase)
        .collect()
}

fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    let wanted: Vec<String> = names.iter().map(|n| key(n)).collect();
    wanted
        .iter()
        .find_map(|w| headers.iter().position(|h| key(h) == *w))
}

fn resolve_columns(path: &Path, headers: &[String], o: &ColumnOverrides) -> Result<Columns> {
    let pick = |given: &Option<String>, names: &[&str]| -> Result<Option<usize>> {
        match given {
            Some(name) => find(headers, &[name])
                .map(Some)
                .ok_or_else(|| Error::NoSuchColumn {
                    path: path.to_path_buf(),
                    name: name.clone(),
                    found: headers.join(","),
                }),
            None => Ok(find(headers, names)),
        }
    };
    let columns = Columns {
        id: pick(&o.id, ID_NAMES)?,
        title: pick(&o.title, TITLE_NAMES)?,
        unit: pick(&o.unit, UNIT_NAMES)?,
        text: pick(&o.text, TEXT_NAMES)?,
    };
    if columns.title.is_none() && columns.text.is_none() {
        return Err(Error::NoTextColumn {
            path: path.to_path_buf(),
            found: headers.join(","),
            titles: TITLE_NAMES.join("/"),
            texts: TEXT_NAMES.join("/"),
        });
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(csv: &[u8]) -> Result<Batch> {
        Batch::from_bytes(Path::new("t.csv"), csv, &ColumnOverrides::default())
    }

    #[test]
    fn finds_chinese_columns_case_and_space_insensitively() {
        let b = batch("编号, 标 题 ,报送单位,内容\n1,甲,乙,丙\n".as_bytes()).unwrap();
        assert_eq!(
            b.columns,
            Columns {
                id: Some(0),
                title: Some(1),
                unit: Some(2),
                text: Some(3)
            }
        );
        let s = &b.submissions()[0];
        assert_eq!((s.title.as_str(), s.text.as_str()), ("甲", "丙"));
    }

    #[test]
    fn english_names_any_case() {
        let b = batch(b"ID,Title,CONTENT\nx,a,b\n").unwrap();
        assert_eq!(b.columns.id, Some(0));
        assert_eq!(b.columns.text, Some(2));
    }

    #[test]
    fn missing_text_and_title_lists_columns_and_names() {
        let e = batch(b"a,b\n1,2\n").unwrap_err().to_string();
        assert!(e.contains("columns found: a,b"), "{e}");
        assert!(e.contains("选题名称") && e.contains("素材内容"), "{e}");
    }

    #[test]
    fn rows_without_id_get_their_row_number() {
        let b = batch("标题\n甲\n乙\n".as_bytes()).unwrap();
        let ids: Vec<_> = b.submissions().into_iter().map(|s| s.id).collect();
        assert_eq!(ids, ["2", "3"]);
    }

    #[test]
    fn decodes_gbk_and_utf8_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("标题,内容\n党员,驻村\n");
        assert_eq!(batch(&gbk).unwrap().submissions()[0].text, "驻村");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("标题,内容\n党员,驻村\n".as_bytes());
        assert_eq!(batch(&bom).unwrap().columns.title, Some(0));
    }

    #[test]
    fn streamed_reading_matches_whole_file_reading_in_every_encoding() {
        let mut text = String::from("编号,标题,内容\n");
        for i in 0..3000 {
            text.push_str(&format!(
                "{i},标题{i},\"第{i}行：驻村第一书记，\n带领群众修路\"\n"
            ));
        }
        let gbk = encoding_rs::GBK.encode(&text).0.into_owned();
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("utf8.csv", text.as_bytes().to_vec()),
            ("gbk.csv", gbk),
            ("utf16.csv", utf16),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let whole = Batch::from_bytes(&path, &bytes, &ColumnOverrides::default()).unwrap();
            let mut reader = BatchReader::open(&path, &ColumnOverrides::default()).unwrap();
            assert_eq!(reader.headers, whole.headers, "{name}");
            let mut rows = Vec::new();
            loop {
                let chunk = reader.next_rows(700).unwrap();
                if chunk.is_empty() {
                    break;
                }
                rows.extend(chunk);
            }
            assert_eq!(rows.len(), 3000, "{name}");
            for (a, b) in rows.iter().zip(&whole.rows) {
                assert_eq!((a.line, &a.cells), (b.line, &b.cells), "{name}");
            }
        }
    }

    #[test]
    fn ragged_row_names_the_row() {
        let e = batch(b"title,text\na,b\nc\n").unwrap_err().to_string();
        assert!(e.contains("t.csv: row 3"), "{e}");
    }

    #[test]
    fn bad_label_names_row_column_and_value() {
        let b = batch("标题,入选\n甲,是\n乙,也许\n".as_bytes()).unwrap();
        let e = b.labels("入选").unwrap_err().to_string();
        assert!(
            e.contains("row 3") && e.contains("'入选'") && e.contains("'也许'"),
            "{e}"
        );
    }

    #[test]
    fn labels_in_every_accepted_spelling() {
        for (v, want) in [
            ("1", true),
            ("No", false),
            ("入选", true),
            ("未入选", false),
            ("y", true),
        ] {
            assert_eq!(parse_label(v), Some(want), "{v}");
        }
        assert_eq!(parse_label(""), None);
    }
}
