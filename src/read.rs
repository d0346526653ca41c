//! CSV file or spreadsheet → [`Batch`]: decodes UTF-8 (with or without BOM), UTF-16 (with BOM)
//! or GBK/GB18030 CSV, or reads the first (or a named) sheet of an .xlsx, .xls or .ods
//! workbook; finds the id, title, unit and text columns by name, and keeps every cell for the
//! output.

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::{column_list, shorten, Error, Result};
use crate::write::BOM as UTF8_BOM;
/// The encodings `--encoding` can name (re-exported from encoding_rs).
pub use encoding_rs::Encoding;

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

/// Whether a header is that of a ranking xuanti wrote (`rank`, `score`, `reasons` and
/// `criterion:…` columns), read back for the next round.
pub fn is_own_output(headers: &[String]) -> bool {
    ["rank", "score", "reasons"]
        .iter()
        .all(|c| headers.iter().any(|h| h == c))
        && headers.iter().any(|h| h.starts_with("criterion:"))
}

/// Whether a column of xuanti's own ranking is made anew when it is ranked again (its
/// `decision` column only when a decisions file gives this run's decisions).
pub fn is_regenerated(name: &str) -> bool {
    ["rank", "score", "theme", "duplicate_of", "reasons"].contains(&name)
        || name.starts_with("theme:")
        || name.starts_with("criterion:")
}

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
    /// The id of the submission in `row`: its id cell, or its row number when that is empty.
    pub fn submission_id<'a>(&self, row: &'a Row) -> std::borrow::Cow<'a, str> {
        match self.id.and_then(|i| row.cells.get(i)).map(|c| c.trim()) {
            Some(id) if !id.is_empty() => id.into(),
            _ => row.line.to_string().into(),
        }
    }

    /// The submission in `row`.
    pub fn submission(&self, row: &Row) -> Submission {
        let cell = |col: Option<usize>| {
            col.and_then(|i| row.cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        Submission {
            id: self.submission_id(row).into_owned(),
            title: cell(self.title),
            unit: cell(self.unit),
            text: cell(self.text),
        }
    }
}

/// How to read a file: the role columns and the decoding and shape overrides.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Role columns named on the command line.
    pub columns: ColumnOverrides,
    /// The encoding (an encoding_rs label such as `gbk`, `utf-8`, `utf-16le`); `None`
    /// detects it (BOM, then UTF-8, then GB18030).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Replace undecodable bytes with U+FFFD (and count them) instead of stopping.
    pub lossy: bool,
    /// The delimiter; `None` detects comma, tab or semicolon from the header line.
    pub delimiter: Option<u8>,
    /// Skip rows whose number of cells differs from the header's (with a warning each)
    /// instead of stopping.
    pub skip_bad_rows: bool,
    /// The sheet of a workbook to read; `None` reads the first.
    pub sheet: Option<String>,
    /// Read any table: no title or text column is needed (a decisions file).
    pub any_columns: bool,
}

impl From<&ColumnOverrides> for ReadOptions {
    fn from(columns: &ColumnOverrides) -> ReadOptions {
        ReadOptions {
            columns: columns.clone(),
            ..ReadOptions::default()
        }
    }
}

impl From<&ReadOptions> for ReadOptions {
    fn from(options: &ReadOptions) -> ReadOptions {
        options.clone()
    }
}

/// A CSV file read a chunk of rows at a time, so that a file larger than memory can be
/// ranked. The encoding and the delimiter are decided on the first megabyte.
pub struct BatchReader {
    /// Where it comes from.
    pub path: PathBuf,
    /// Header cells, as written (trimmed).
    pub headers: Vec<String>,
    /// Where the roles are.
    pub columns: Columns,
    /// The encoding used, and whether it was detected (`false`: given).
    pub encoding: (&'static str, bool),
    /// The delimiter used.
    pub delimiter: u8,
    source: Source,
    /// Bytes (CSV) or rows (sheet) consumed so far, and the total when known.
    consumed: Arc<AtomicU64>,
    total: Option<u64>,
    skip_bad_rows: bool,
    /// First line of each id seen (by hash), to report duplicates.
    ids: IdLines,
    warnings: Vec<String>,
}

/// The first line of each id hash seen, in 12 bytes a row: a sorted run (hashes and lines in
/// two vectors) and a small hash map of the latest ids, merged into the run in place when it
/// fills. A hash map of every id took 17 bytes a row and, growing by doubling, held the old
/// and the new table at once: about 50 MB at the end of a 1,000,000-row batch, the largest
/// part of its peak.
#[derive(Default)]
struct IdLines {
    hashes: Vec<u64>,
    lines: Vec<u32>,
    recent: rustc_hash::FxHashMap<u64, u32>,
}

impl IdLines {
    /// Ids held in the hash map before it is merged into the sorted run.
    const RECENT: usize = 1 << 16;

    /// The first line of `hash`, recording `line` as it if the hash is new.
    fn first_line(&mut self, hash: u64, line: u32) -> u32 {
        if let Ok(i) = self.hashes.binary_search(&hash) {
            return self.lines[i];
        }
        let first = *self.recent.entry(hash).or_insert(line);
        if self.recent.len() >= Self::RECENT {
            self.merge();
        }
        first
    }

    /// Moves the hash map's ids into the sorted run, merging from the back so that no second
    /// copy of the run is made.
    fn merge(&mut self) {
        let mut add: Vec<(u64, u32)> = self.recent.drain().collect();
        add.sort_unstable();
        let old = self.hashes.len();
        self.hashes.reserve_exact(add.len());
        self.lines.reserve_exact(add.len());
        self.hashes.resize(old + add.len(), 0);
        self.lines.resize(old + add.len(), 0);
        let (mut i, mut j, mut k) = (old, add.len(), old + add.len());
        while j > 0 {
            k -= 1;
            if i > 0 && self.hashes[i - 1] > add[j - 1].0 {
                i -= 1;
                self.hashes[k] = self.hashes[i];
                self.lines[k] = self.lines[i];
            } else {
                j -= 1;
                (self.hashes[k], self.lines[k]) = add[j];
            }
        }
    }
}

impl std::fmt::Debug for BatchReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchReader")
            .field("path", &self.path)
            .field("headers", &self.headers)
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

/// Where the rows come from.
enum Source {
    /// A CSV file, decoded as it is read.
    Csv {
        reader: csv::Reader<Box<dyn Read + Send>>,
        record: csv::StringRecord,
        replaced: Arc<AtomicU64>,
        /// The row of each record, counted as the text is decoded.
        rows: Arc<Mutex<RowCounter>>,
    },
    /// Several files read one after the other as one batch (`rank A.xlsx B.xlsx`).
    Many {
        readers: Vec<BatchReader>,
        /// Per file: the batch column of each of its columns.
        maps: Vec<Vec<usize>>,
        /// The file being read.
        current: usize,
        /// The batch's `file` column (each row's file name, unless the row has one).
        file_column: usize,
        /// The file each id was first seen in (by hash), and the ids seen in two files.
        id_files: rustc_hash::FxHashMap<u64, usize>,
        shared_ids: (usize, Vec<String>),
    },
    /// A worksheet, read whole: each row's number in the sheet (1-based) and its cells.
    Sheet {
        /// The sheet's name.
        name: String,
        /// The row the header was found on.
        header_row: u64,
        rows: std::vec::IntoIter<(u64, Vec<String>)>,
    },
}

/// How many bytes the encoding and the delimiter are decided on.
const SNIFF_BYTES: usize = 1 << 20;

/// Counts the bytes read through it (for progress).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The first bytes of a workbook: a zip archive (.xlsx, .ods) or an OLE compound file (.xls).
fn is_workbook(prefix: &[u8]) -> bool {
    prefix.starts_with(b"PK\x03\x04")
        || prefix.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// The first bytes of a model file of `xuanti train` (a JSON object whose first key is its
/// format), given where a table was expected: `xuanti rank model.json` for `--model`.
fn is_model_file(prefix: &[u8]) -> bool {
    let start = prefix.strip_prefix(UTF8_BOM).unwrap_or(prefix);
    let start = &start[start.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    start.starts_with(b"{")
        && start[..start.len().min(200)]
            .windows(14)
            .any(|w| w == b"\"xuanti-model\"")
}

/// What a file that starts as markup is: a web page (an HTML table, what many systems'
/// "export to Excel" writes under an .xls name) or an XML Spreadsheet 2003; `None` for any
/// other text. Read as a CSV, its first line became one long column name.
fn markup_kind(head: &str) -> Option<String> {
    let start = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if !start.starts_with('<') {
        return None;
    }
    let lower: String = start.chars().take(2048).collect::<String>().to_lowercase();
    if lower.contains("<?mso-application")
        || lower.contains("urn:schemas-microsoft-com:office:spreadsheet")
    {
        return Some(crate::tr!(
            "Excel 2003 XML 表格",
            "an Excel 2003 XML spreadsheet"
        ));
    }
    ["<!doctype html", "<html", "<table"]
        .iter()
        .any(|tag| lower.contains(tag))
        .then(|| crate::tr!("网页（HTML）", "a web page (HTML)"))
}

/// A header is looked for in this many first non-empty rows of a sheet (a 申报表 often has a
/// title banner above its header).
const HEADER_SEARCH_ROWS: usize = 10;

impl BatchReader {
    /// Opens `path`, decides its encoding and delimiter, reads the header and resolves the
    /// role columns.
    pub fn open(path: &Path, options: impl Into<ReadOptions>) -> Result<BatchReader> {
        // `-` is standard input, as `-o -` is standard output (a file named `-` is `./-`).
        if path.as_os_str() == "-" {
            return Self::from_source(path, Box::new(std::io::stdin()), &options.into());
        }
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(Error::io(
                path,
                std::io::Error::other(crate::tr!(
                    "这是一个文件夹，不是 CSV 文件",
                    "is a folder, not a CSV file"
                )),
            ));
        }
        let size = file.metadata().ok().map(|m| m.len());
        let mut reader = Self::from_source(path, Box::new(file), &options.into())?;
        if reader.total.is_none() {
            reader.total = size;
        }
        Ok(reader)
    }

    /// [`BatchReader::open`] over any byte source; `path` is used in messages.
    pub fn from_source(
        path: &Path,
        mut source: Box<dyn Read + Send>,
        options: &ReadOptions,
    ) -> Result<BatchReader> {
        let mut prefix = Vec::with_capacity(1 << 16);
        (&mut source)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut prefix)
            .map_err(|e| Error::io(path, e))?;
        if prefix.is_empty() {
            return Err(Error::Empty {
                path: path.to_path_buf(),
            });
        }
        if is_model_file(&prefix) {
            // `--model` reads a file, never standard input: piped in, the model must be saved.
            let message = if path.as_os_str() == "-" {
                crate::tr!(
                    "这是 xuanti 的模型文件，不是表格；要用这个模型，请把它存成文件，写成 --model 文件名",
                    "is a xuanti model file, not a table; to use the model, save it as a file and pass it as --model FILE"
                )
            } else {
                let shown = path.display();
                crate::tr!(
                    "这是 xuanti 的模型文件，不是表格；要用这个模型，请写成 --model {shown}",
                    "is a xuanti model file, not a table; to use the model, pass it as --model {shown}"
                )
            };
            return Err(Error::Model {
                path: path.to_path_buf(),
                message,
            });
        }
        if is_workbook(&prefix) {
            source
                .read_to_end(&mut prefix)
                .map_err(|e| Error::io(path, e))?;
            return Self::from_workbook(path, prefix, options);
        }
        let whole = prefix.len() < SNIFF_BYTES;
        let (encoding, detected) = match options.encoding {
            Some(e) => (e, false),
            None => (detect_encoding(&prefix, whole), true),
        };
        // A UTF-8 BOM is no text in another encoding (decoded as GBK it was 锘, and the
        // header's first name lost its first byte): skipped, its bytes still counted.
        let mut warnings = Vec::new();
        let bom_skipped = encoding != encoding_rs::UTF_8 && prefix.starts_with(UTF8_BOM);
        if bom_skipped {
            prefix.drain(..UTF8_BOM.len());
            if detected {
                warnings.push(crate::tr!(
                    "{}：文件以 UTF-8 的 BOM 开头，内容却是 GB18030（GBK）编码，按 GB18030 读取",
                    "{}: the file starts with a UTF-8 BOM but its text is GB18030 (GBK); read as GB18030",
                    path.display()
                ));
            }
        }
        let head = encoding.decode(&prefix).0;
        if let Some(kind) = markup_kind(&head) {
            return Err(Error::Sheet {
                path: path.to_path_buf(),
                message: crate::tr!(
                    "是{kind}文件，不是 CSV 或 .xlsx/.xls 工作簿（很多系统“导出 Excel”导出的就是这种）：请在 Excel 或 WPS 里打开它，另存为 .xlsx 再用",
                    "is {kind} file, not a CSV or an .xlsx/.xls workbook (many systems' \"export to Excel\" writes one): open it in Excel or WPS and save it as .xlsx to use it"
                ),
            });
        }
        let delimiter = options
            .delimiter
            .unwrap_or_else(|| sniff_delimiter(head.lines().next().unwrap_or("")));
        let replaced = Arc::new(AtomicU64::new(0));
        let consumed = Arc::new(AtomicU64::new(
            prefix.len() as u64
                + if bom_skipped {
                    UTF8_BOM.len() as u64
                } else {
                    0
                },
        ));
        let source = Counting {
            inner: source,
            count: consumed.clone(),
        };
        let source: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(prefix).chain(source));
        let rows = Arc::new(Mutex::new(RowCounter::new(delimiter)));
        let mut decoded = DecodingReader::new(
            source,
            encoding,
            options.lossy,
            replaced.clone(),
            rows.clone(),
        );
        if bom_skipped {
            decoded.consumed = UTF8_BOM.len() as u64;
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(Box::new(decoded) as Box<dyn Read + Send>);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(path, e, &rows))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        RowCounter::next_record(&rows);
        warnings.extend(duplicate_header_warnings(path, &headers));
        if let Some(sheet) = &options.sheet {
            warnings.push(crate::tr!(
                "{}：不是工作簿，--sheet {sheet} 不起作用",
                "{}: not a workbook; --sheet {sheet} has no effect",
                path.display()
            ));
        }
        let columns = resolve_columns(path, &headers, options)?;
        Ok(BatchReader {
            path: path.to_path_buf(),
            headers,
            columns,
            encoding: (encoding.name(), detected),
            delimiter,
            source: Source::Csv {
                reader,
                record: csv::StringRecord::new(),
                replaced,
                rows,
            },
            consumed,
            total: None,
            skip_bad_rows: options.skip_bad_rows,
            ids: IdLines::default(),
            warnings,
        })
    }

    /// Reads a sheet of the workbook in `bytes` (the first, or `options.sheet`). The header
    /// is the first of the first ten non-empty rows that names a title or text column (rows
    /// above it, such as a title banner, are skipped); numbers that are whole print without
    /// a decimal point and dates as YYYY-MM-DD, as a CSV saved from the sheet would hold them.
    fn from_workbook(path: &Path, bytes: Vec<u8>, options: &ReadOptions) -> Result<BatchReader> {
        use calamine::Reader;
        let sheet_error = |message: String| Error::Sheet {
            path: path.to_path_buf(),
            message,
        };
        // A borrowed cursor: calamine tries each format on a clone of it, which copies no bytes.
        let cursor = std::io::Cursor::new(bytes.as_slice());
        let mut workbook = calamine::open_workbook_auto_from_rs(cursor.clone()).map_err(|e| {
            // calamine's detection says "Cannot detect file format" for a workbook saved with
            // a password (Excel encrypts the whole file); the formats' own readers can tell.
            let xlsx = calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(cursor.clone());
            let xls = calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(cursor.clone());
            if matches!(xlsx, Err(calamine::XlsxError::Password))
                || matches!(xls, Err(calamine::XlsError::Password))
            {
                sheet_error(crate::tr!(
                    "工作簿设了打开密码（已加密），读不了：请在 Excel 或 WPS 里打开它，去掉密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存一份再用",
                    "the workbook is protected with a password (encrypted) and cannot be read: open it in Excel or WPS, remove the password (File → Info → Protect Workbook → Encrypt with Password, clear it) and save a copy to use"
                ))
            } else {
                sheet_error(crate::tr!(
                    "不是可读的 .xlsx、.xls 或 .ods 工作簿（{e}）",
                    "not a readable .xlsx, .xls or .ods workbook ({e})"
                ))
            }
        })?;
        let names = workbook.sheet_names();
        let mut skipped_first = None;
        // The sheet read while looking for one with data, kept rather than parsed again.
        let mut found_rows = None;
        let name = match &options.sheet {
            Some(wanted) => names
                .iter()
                .find(|n| key(n) == key(wanted))
                .cloned()
                .ok_or_else(|| {
                    sheet_error(crate::tr!(
                        "没有名为“{wanted}”的工作表；现有工作表：{}",
                        "no sheet named '{wanted}'; sheets are: {}",
                        crate::lang::list(&names)
                    ))
                })?,
            None => {
                // The first visible worksheet that holds anything: an empty or hidden first
                // sheet (a cover, a lookup list) is not what staff mean by "the table".
                let visible: Vec<String> = workbook
                    .sheets_metadata()
                    .iter()
                    .filter(|s| {
                        s.visible == calamine::SheetVisible::Visible
                            && s.typ == calamine::SheetType::WorkSheet
                    })
                    .map(|s| s.name.clone())
                    .collect();
                let with_data = visible.iter().find(|n| {
                    let sheet = sheet_rows(&mut workbook, n);
                    let has_data = sheet.as_ref().is_ok_and(|(rows, _)| !rows.is_empty());
                    if has_data {
                        found_rows = sheet.ok();
                    }
                    has_data
                });
                let chosen = with_data
                    .or(visible.first())
                    .or(names.first())
                    .cloned()
                    .ok_or_else(|| {
                        sheet_error(crate::tr!(
                            "工作簿里没有工作表",
                            "the workbook has no sheet"
                        ))
                    })?;
                if names.first() != Some(&chosen) {
                    skipped_first = Some(crate::tr!(
                        "{}：第一张工作表“{}”是空的或隐藏的，读的是“{chosen}”（可以用 --sheet 指定）",
                        "{}: the first sheet '{}' is empty or hidden; reading '{chosen}' (choose one with --sheet)",
                        path.display(),
                        names.first().map_or("", String::as_str)
                    ));
                }
                chosen
            }
        };
        let (mut rows, error_cells) = match found_rows {
            Some(rows) => rows,
            None => sheet_rows(&mut workbook, &name).map_err(|e| {
                sheet_error(crate::tr!("工作表“{name}”：{e}", "sheet '{name}': {e}"))
            })?,
        };
        if rows.is_empty() {
            return Err(sheet_error(crate::tr!(
                "工作表“{name}”是空的（连表头都没有）；现有工作表：{}",
                "sheet '{name}' is empty (not even a header row); sheets are: {}",
                crate::lang::list(&names)
            )));
        }
        let trimmed = |cells: &[String]| -> Vec<String> {
            let mut h: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
            while h.last().is_some_and(|c| c.is_empty()) {
                h.pop();
            }
            h
        };
        let is_header = |cells: &[String]| resolve_columns(path, &trimmed(cells), options).is_ok();
        let Some(found) = rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .position(|(_, cells)| is_header(cells))
        else {
            // Say where the header was looked for: the first row alone, listed as "the
            // columns found", hid that a header further down is not looked at.
            let n = HEADER_SEARCH_ROWS;
            if let Some((row, cells)) = rows
                .iter()
                .skip(HEADER_SEARCH_ROWS)
                .find(|(_, cells)| is_header(cells))
            {
                let cells = column_list(&trimmed(cells));
                return Err(sheet_error(crate::tr!(
                    "工作表“{name}”：表头只在前 {n} 个非空行里找，这些行里没有标题列或正文列；第 {row} 行（{cells}）像是表头：请删掉它上面的说明行，让表头落在前 {n} 行里",
                    "sheet '{name}': the header is looked for in the first {n} non-empty rows only, and none of them names a title or text column; row {row} ({cells}) looks like the header: delete the rows above it so that it is among the first {n}"
                )));
            }
            let (first_row, first_cells) = &rows[0];
            return Err(
                match resolve_columns(path, &trimmed(first_cells), options) {
                    Ok(_) => unreachable!("the first row is among the rows looked at"),
                    Err(Error::NoTextColumn {
                        path,
                        found,
                        titles,
                        texts,
                        ..
                    }) => {
                        let other_sheets = names.len() > 1 && options.sheet.is_none();
                        let sheets = crate::lang::list(&names);
                        let mut note = crate::tr!(
                        "；表头只在工作表“{name}”的前 {n} 个非空行里找，列出的是第 {first_row} 行",
                        "; the header is looked for in the first {n} non-empty rows of sheet '{name}' only, and the columns listed are row {first_row}'s"
                    );
                        if other_sheets {
                            note.push_str(&crate::tr!(
                            "；表格在别的工作表上的话，请用 --sheet 指定（现有工作表：{sheets}）",
                            "; if the table is on another sheet, choose it with --sheet (sheets are: {sheets})"
                        ));
                        }
                        Error::NoTextColumn {
                            path,
                            found,
                            titles,
                            texts,
                            note,
                        }
                    }
                    Err(other) => other,
                },
            );
        };
        let mut rest = rows.split_off(found);
        let (header_row, header_cells) = rest.remove(0);
        let headers = trimmed(&header_cells);
        let columns = resolve_columns(path, &headers, options)?;
        let mut warnings: Vec<String> = skipped_first.into_iter().collect();
        warnings.extend(duplicate_header_warnings(path, &headers));
        // A formula whose value is an error (`#N/A` from a VLOOKUP that found nothing, `#REF!`
        // after a deleted column) is read as the text a CSV saved from the sheet holds, but
        // said: a title or an id `#N/A` is not what staff meant.
        let errors: Vec<String> = error_cells
            .iter()
            .filter(|&&(row, _)| row > header_row)
            .filter_map(|&(row, j)| {
                let at = rest.binary_search_by_key(&row, |(r, _)| *r).ok()?;
                let cell = rest[at].1.get(j)?;
                let column = headers.get(j).map_or("", String::as_str);
                Some(crate::tr!(
                    "第 {row} 行“{column}”列 {cell}",
                    "row {row}, column '{column}': {cell}"
                ))
            })
            .collect();
        if !errors.is_empty() {
            let shown: Vec<&str> = errors.iter().take(5).map(String::as_str).collect();
            let more = if errors.len() > shown.len() {
                crate::tr!(" 等", ", …")
            } else {
                String::new()
            };
            warnings.push(crate::tr!(
                "{}：工作表“{name}”有 {} 个单元格的公式出错，按错误值原样读入：{}{more}（请在表里改正公式或换成数值）",
                "{}: sheet '{name}': {} cell(s) hold a formula error, read as the error's text: {}{more} (fix the formulas, or paste the values, in the sheet)",
                path.display(),
                errors.len(),
                shown.join(&crate::tr!("；", "; "))
            ));
        }
        if found > 0 {
            warnings.push(crate::tr!(
                "{}：工作表“{name}”的表头在第 {header_row} 行，上面的 {found} 行已跳过",
                "{}: sheet '{name}': the header is on row {header_row}; the {found} row(s) above it are skipped",
                path.display()
            ));
        }
        Ok(BatchReader {
            path: path.to_path_buf(),
            headers,
            columns,
            encoding: ("xlsx", true),
            delimiter: b',',
            consumed: Arc::new(AtomicU64::new(0)),
            total: Some(rest.len() as u64),
            source: Source::Sheet {
                name,
                header_row,
                rows: rest.into_iter(),
            },
            skip_bad_rows: options.skip_bad_rows,
            ids: IdLines::default(),
            warnings,
        })
    }

    /// One line for stderr: the encoding and delimiter used, or the sheet read.
    pub fn describe(&self) -> String {
        if let Source::Many { readers, .. } = &self.source {
            let parts: Vec<String> = readers.iter().map(BatchReader::describe).collect();
            return parts.join(&crate::tr!("；", "; "));
        }
        if let Source::Sheet {
            name, header_row, ..
        } = &self.source
        {
            return crate::tr!(
                "{}：工作簿，工作表“{name}”（表头在第 {header_row} 行）",
                "{}: workbook, sheet '{name}' (header on row {header_row})",
                self.path.display()
            );
        }
        let delimiter = match self.delimiter {
            b',' => crate::tr!("逗号", "comma"),
            b'\t' => crate::tr!("制表符", "tab"),
            b';' => crate::tr!("分号", "semicolon"),
            d => format!("'{}'", d as char),
        };
        let (path, encoding) = (self.path.display(), self.encoding.0.to_uppercase());
        match self.encoding.1 {
            true => crate::tr!(
                "{path}：编码 {encoding}（自动识别），{delimiter}分隔",
                "{path}: {encoding} (detected), {delimiter}-separated"
            ),
            false => crate::tr!(
                "{path}：编码 {encoding}（按指定），{delimiter}分隔",
                "{path}: {encoding} (as given), {delimiter}-separated"
            ),
        }
    }

    /// Up to `max` more data rows (blank rows skipped); empty at the end of the file.
    pub fn next_rows(&mut self, max: usize) -> Result<Vec<Row>> {
        if let Source::Many {
            readers,
            maps,
            current,
            file_column,
            id_files,
            shared_ids,
        } = &mut self.source
        {
            let width = self.headers.len();
            let mut rows = Vec::new();
            while rows.len() < max && *current < readers.len() {
                let file = *current;
                let reader = &mut readers[file];
                let got = reader.next_rows(max - rows.len())?;
                self.warnings.extend(reader.take_warnings());
                if got.is_empty() {
                    *current += 1;
                    if *current == readers.len() && shared_ids.0 > 0 {
                        // Townships number their own rows (1, 2, 3 …): the same id in two files
                        // is two stories, but a decisions file keyed by id cannot tell them apart.
                        let (n, shown) = (shared_ids.0, crate::lang::list(&shared_ids.1));
                        self.warnings.push(crate::tr!(
                            "有 {n} 个编号在不止一个文件里出现（{shown}）：它们是不同的材料，都保留；--decisions-file 按编号分不开它们，请用 --decisions 列",
                            "{n} id(s) appear in more than one file ({shown}): they are different submissions and all are kept; a --decisions-file cannot tell them apart by id, use a --decisions column",
                        ));
                    }
                    continue;
                }
                for row in &got {
                    // A row without an id is known by its row number, which every file
                    // has too.
                    let id = reader.columns.submission_id(row);
                    let id = id.as_ref();
                    let mut h = rustc_hash::FxHasher::default();
                    std::hash::Hash::hash(id, &mut h);
                    let first = *id_files
                        .entry(std::hash::Hasher::finish(&h))
                        .or_insert(file);
                    if first != file {
                        shared_ids.0 += 1;
                        if shared_ids.1.len() < 5 {
                            shared_ids.1.push(shorten(id).into_owned());
                        }
                    }
                }
                let name = readers[file]
                    .path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                for row in got {
                    let mut cells = vec![String::new(); width];
                    for (c, cell) in row.cells.into_iter().enumerate() {
                        if let Some(&to) = maps[file].get(c) {
                            cells[to] = cell;
                        }
                    }
                    if cells[*file_column].trim().is_empty() {
                        cells[*file_column] = name.clone();
                    }
                    rows.push(Row {
                        line: row.line,
                        cells,
                        file,
                    });
                }
            }
            return Ok(rows);
        }
        let mut rows = Vec::new();
        let width = self.headers.len();
        while rows.len() < max {
            let (line, mut cells) = match &mut self.source {
                Source::Csv {
                    reader,
                    record,
                    replaced,
                    rows,
                } => {
                    let more = reader
                        .read_record(record)
                        .map_err(|e| csv_error(&self.path, e, rows))?;
                    if !more {
                        let n = replaced.swap(0, Ordering::Relaxed);
                        if n > 0 {
                            self.warnings.push(crate::tr!(
                                "{}：有 {n} 处无法解码的字节，已换成 \u{fffd}（--lossy）",
                                "{}: {n} undecodable byte sequence(s) replaced by \u{fffd} (--lossy)",
                                self.path.display()
                            ));
                        }
                        break;
                    }
                    let line = RowCounter::next_record(rows);
                    if record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    (line, record.iter().map(str::to_string).collect::<Vec<_>>())
                }
                Source::Sheet { rows, .. } => match rows.next() {
                    Some(row) => {
                        self.consumed.fetch_add(1, Ordering::Relaxed);
                        row
                    }
                    None => break,
                },
                Source::Many { .. } => unreachable!("several files are read above"),
            };
            // Spreadsheets pad rows with empty trailing cells: those are not data.
            while cells.len() > width && cells.last().is_some_and(|c| c.trim().is_empty()) {
                cells.pop();
            }
            let open_quote = match &self.source {
                Source::Csv { rows, .. } => lock(rows).unclosed == Some(line),
                Source::Sheet { .. } | Source::Many { .. } => false,
            };
            // A header ending in a delimiter (`编号,标题,内容,`, as Excel writes it when a stray
            // cell right of the table was once edited) has empty-named columns the rows do not
            // reach: their cells are empty, not missing.
            if !open_quote
                && cells.len() < width
                && self.headers[cells.len()..].iter().all(|h| h.is_empty())
            {
                cells.resize(width, String::new());
            }
            if let Some(problem) = row_problem(line, &cells, width, open_quote) {
                let message = problem.to_string();
                if self.skip_bad_rows {
                    self.warnings.push(crate::tr!(
                        "{}：第 {line} 行{message}，已跳过（--skip-bad-rows）",
                        "{}: row {line} {message}: skipped (--skip-bad-rows)",
                        self.path.display()
                    ));
                    continue;
                }
                let advice = match problem {
                    RowProblem::OpenQuote { .. } => crate::tr!(
                        "（请补上或删去这个引号）",
                        " (close the quote, or remove it)"
                    ),
                    _ => crate::tr!(
                        "（可以用 --skip-bad-rows 跳过这样的行）",
                        " (use --skip-bad-rows to skip such rows)"
                    ),
                };
                return Err(Error::Csv {
                    path: self.path.clone(),
                    row: line,
                    message: format!("{message}{advice}"),
                });
            }
            let row = Row {
                line,
                cells,
                file: 0,
            };
            if let Some(id) = self.columns.id.map(|i| row.cells[i].trim()) {
                if !id.is_empty() {
                    let mut h = rustc_hash::FxHasher::default();
                    std::hash::Hash::hash(id, &mut h);
                    let first = self.ids.first_line(
                        std::hash::Hasher::finish(&h),
                        line.min(u32::MAX as u64) as u32,
                    ) as u64;
                    if first != line.min(u32::MAX as u64) {
                        let id = shorten(id);
                        self.warnings.push(crate::tr!(
                            "{}：编号“{id}”在第 {first} 行和第 {line} 行都出现了，两行都保留",
                            "{}: id '{id}' appears in row {first} and again in row {line}; both are kept",
                            self.path.display()
                        ));
                    }
                }
            }
            rows.push(row);
        }
        Ok(rows)
    }

    /// The index of a column named by the user, matched like the built-in names.
    pub fn column(&self, name: &str) -> Result<usize> {
        match &self.source {
            // The batch's columns are every file's: the message names the files.
            Source::Many { readers, .. } => {
                let mut names: Vec<String> = readers
                    .iter()
                    .take(3)
                    .map(|r| r.path.display().to_string())
                    .collect();
                if readers.len() > 3 {
                    names.push("…".to_string());
                }
                column_of(Path::new(&names.join(", ")), &self.headers, name)
            }
            _ => column_of(&self.path, &self.headers, name),
        }
    }

    /// How far the reading is: bytes of a CSV file (or rows of a sheet) consumed so far,
    /// and the total when known (not for a stream).
    pub fn progress(&self) -> (u64, Option<u64>) {
        if let Source::Many { readers, .. } = &self.source {
            let parts: Vec<(u64, Option<u64>)> = readers.iter().map(|r| r.progress()).collect();
            let done = parts.iter().map(|p| p.0).sum();
            let total = parts.iter().map(|p| p.1).sum::<Option<u64>>();
            return (done, total);
        }
        (self.consumed.load(Ordering::Relaxed), self.total)
    }

    /// Per file ([`Row::file`]): whether it is a ranking of xuanti's own ([`is_own_output`]),
    /// whose formula guards are taken off when it is read back; a staff file ranked beside
    /// one keeps its cells as they are.
    pub fn own_output_files(&self) -> Vec<bool> {
        match &self.source {
            Source::Many { readers, .. } => {
                readers.iter().map(|r| is_own_output(&r.headers)).collect()
            }
            _ => vec![is_own_output(&self.headers)],
        }
    }

    /// Whether only rankings of xuanti's own give the batch's column `column` (no other file
    /// has a column of that name). A `decision` column that a staff file gives too is not
    /// made anew by a `--decisions-file`: it passes through, as it does when that file is
    /// ranked alone.
    pub fn only_in_own_output(&self, column: usize) -> bool {
        match &self.source {
            Source::Many { readers, maps, .. } => readers
                .iter()
                .zip(maps)
                .all(|(r, map)| is_own_output(&r.headers) || !map.contains(&column)),
            _ => is_own_output(&self.headers),
        }
    }

    /// The file `row` came from.
    pub fn path_of(&self, row: &Row) -> &Path {
        match &self.source {
            Source::Many { readers, .. } => readers
                .get(row.file)
                .map_or(self.path.as_path(), |r| r.path.as_path()),
            _ => &self.path,
        }
    }

    /// Opens several files as one batch, read one after the other in the order given (one
    /// file: [`BatchReader::open`]). Each file finds its own role columns, which are then one
    /// column of the batch (one file's 标题 and another's 题目 are the batch's title); other
    /// columns are matched by name, in the order first seen; a cell a file does not have is
    /// empty. A `file` column names each row's file, and is the reporting unit when no file
    /// has a unit column.
    pub fn open_all(paths: &[PathBuf], options: impl Into<ReadOptions>) -> Result<BatchReader> {
        let options = options.into();
        if let [path] = paths {
            return BatchReader::open(path, options);
        }
        let readers = paths
            .iter()
            .map(|p| BatchReader::open(p, options.clone()))
            .collect::<Result<Vec<BatchReader>>>()?;
        let mut headers: Vec<String> = Vec::new();
        let mut columns = Columns {
            id: None,
            title: None,
            unit: None,
            text: None,
        };
        let mut maps = Vec::new();
        // A ranking of xuanti's own among the files has its output columns made anew: a
        // column of another file named like one of them (staff's own `score`) is that file's
        // data, kept apart under `input:…` rather than dropped with the ranking's. Not
        // `decision`: staff's decisions and the ranking's are one column, which passes through
        // as `decision` for `--decisions decision` to read in the next round (with a
        // `--decisions-file`, see [`BatchReader::only_in_own_output`]).
        let own_output = readers.iter().any(|r| is_own_output(&r.headers));
        for r in &readers {
            let others_data = own_output && !is_own_output(&r.headers);
            let roles = [
                (r.columns.id, &mut columns.id),
                (r.columns.title, &mut columns.title),
                (r.columns.unit, &mut columns.unit),
                (r.columns.text, &mut columns.text),
            ];
            let mut map = vec![usize::MAX; r.headers.len()];
            for (own, batch) in roles {
                if let Some(c) = own {
                    let to = *batch.get_or_insert_with(|| {
                        headers.push(r.headers[c].clone());
                        headers.len() - 1
                    });
                    map[c] = to;
                }
            }
            for (c, h) in r.headers.iter().enumerate() {
                if map[c] != usize::MAX {
                    continue;
                }
                let renamed;
                let h = if others_data && is_regenerated(h) {
                    renamed = format!("input:{h}");
                    &renamed
                } else {
                    h
                };
                // A column named like one of the batch's own role columns, or already taken
                // by this file, gets a place of its own.
                let taken = |i: usize| {
                    [columns.id, columns.title, columns.unit, columns.text].contains(&Some(i))
                        || map.contains(&i)
                };
                map[c] = match headers.iter().position(|o| o == h).filter(|&i| !taken(i)) {
                    Some(i) => i,
                    None => {
                        headers.push(h.clone());
                        headers.len() - 1
                    }
                };
            }
            maps.push(map);
        }
        // A file's own `file` column (a ranking of several files, ranked again) keeps its
        // cells; a row without one gets its file's name.
        let file_column = headers.iter().position(|h| h == "file").unwrap_or_else(|| {
            headers.push("file".to_string());
            headers.len() - 1
        });
        if columns.unit.is_none() {
            columns.unit = Some(file_column);
        }
        let mut warnings = Vec::new();
        for r in &readers {
            let roles = [
                (crate::tr!("标题", "title"), columns.title, r.columns.title),
                (crate::tr!("正文", "text"), columns.text, r.columns.text),
            ];
            let missing: Vec<&str> = roles
                .iter()
                .filter(|(_, batch, own)| batch.is_some() && own.is_none())
                .map(|(name, _, _)| name.as_str())
                .collect();
            if !missing.is_empty() {
                warnings.push(crate::tr!(
                    "{}：没有{}列，这些单元格按空白处理",
                    "{}: no {} column; those cells are taken as empty",
                    r.path.display(),
                    missing.join("/")
                ));
            }
        }
        let first = &readers[0];
        Ok(BatchReader {
            path: first.path.clone(),
            headers,
            columns,
            encoding: first.encoding,
            delimiter: first.delimiter,
            consumed: Arc::new(AtomicU64::new(0)),
            total: None,
            skip_bad_rows: options.skip_bad_rows,
            ids: IdLines::default(),
            warnings,
            source: Source::Many {
                readers,
                maps,
                current: 0,
                file_column,
                id_files: Default::default(),
                shared_ids: (0, Vec::new()),
            },
        })
    }

    /// Warnings gathered since the last call (duplicate ids and header names, skipped
    /// rows, replaced bytes), for the caller to show.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }
}

/// A small text file staff edit by hand (a themes file, a user dictionary) as a string: with a
/// BOM, in its encoding; otherwise UTF-8, or GB18030 when that decodes it with fewer errors
/// (the GBK that Notepad and WPS save on Chinese Windows), as for a CSV. The error names the
/// first sequence that does not decode, its line and its offset. Lines end as they do on any
/// system: a lone CR (an old Mac editor's line end) is a line end too, not a character.
pub fn decode_text(bytes: &[u8]) -> std::result::Result<String, DecodeError> {
    let text = decode_text_as_is(bytes)?;
    if !text.contains('\r') {
        return Ok(text);
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

fn decode_text_as_is(bytes: &[u8]) -> std::result::Result<String, DecodeError> {
    let encoding = detect_encoding(bytes, true);
    let skip = encoding_rs::Encoding::for_bom(bytes).map_or(0, |(_, n)| n);
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let body = &bytes[skip..];
    let mut text = String::with_capacity(body.len() * 3 / 2 + 4);
    let mut at = 0;
    loop {
        text.reserve(body.len() - at + 4);
        let (result, read) =
            decoder.decode_to_string_without_replacement(&body[at..], &mut text, true);
        match result {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::OutputFull => at += read,
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                let from = skip + at + read - bad as usize - after as usize;
                return Err(DecodeError {
                    encoding: encoding.name(),
                    row: line_of(bytes, from),
                    offset: from as u64,
                    bytes: bytes[from..from + bad as usize].to_vec(),
                });
            }
        }
    }
    Ok(text)
}

/// The line (1-based) of byte `at` in a hand-edited text file, its lines ended by LF, CRLF or
/// CR alone, as [`decode_text`] reads them.
pub(crate) fn line_of(bytes: &[u8], at: usize) -> u64 {
    let before = &bytes[..at];
    let lf = before.iter().filter(|&&b| b == b'\n').count();
    let lone_cr = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .count();
    (lf + lone_cr) as u64 + 1
}

/// A BOM's encoding; else UTF-8 or GB18030 (the superset of GBK that Excel and WPS write on
/// Chinese Windows), decided on the first megabyte:
///
/// - UTF-8 if it decodes whole, or if it decodes at least [`UTF8_EVIDENCE`] characters beyond
///   ASCII for every stretch of bytes it cannot decode: a UTF-8 file with a few damaged spots
///   (a GBK file read as UTF-8 decodes about one character by chance per bad stretch);
/// - else whichever finds fewer stretches of bytes it cannot decode, UTF-8 on a tie.
///
/// The error then points at the first bad bytes in the encoding chosen: their row, offset and
/// bytes. Stretches, not sequences: a damaged spot (`FF FE FD`) is three sequences in UTF-8,
/// where each bad byte is one, but one mistake; GB18030, meanwhile, reads the UTF-8 around it
/// as pairs and stumbles once at the end of every Chinese run of odd length. Counting
/// sequences took a small UTF-8 file with three bad bytes in one cell for GB18030, and the
/// error named a good row.
fn detect_encoding(prefix: &[u8], whole: bool) -> &'static encoding_rs::Encoding {
    match encoding_rs::Encoding::for_bom(prefix) {
        // A UTF-8 BOM before a GBK body (a tool that adds one to whatever it saves, a UTF-8
        // header pasted above a GBK file): the body decides, as in a file without a BOM.
        Some((encoding, len)) if encoding == encoding_rs::UTF_8 => {
            utf8_or_gb18030(&prefix[len..], whole)
        }
        Some((encoding, _)) => encoding,
        None => utf8_or_gb18030(prefix, whole),
    }
}

/// UTF-8 or GB18030, for bytes without a BOM (see [`detect_encoding`]).
fn utf8_or_gb18030(prefix: &[u8], whole: bool) -> &'static encoding_rs::Encoding {
    let utf8 = Decoded::measure(encoding_rs::UTF_8, prefix, whole);
    if utf8.bad_stretches == 0 || utf8.beyond_ascii >= UTF8_EVIDENCE * utf8.bad_stretches {
        return encoding_rs::UTF_8;
    }
    let gb18030 = Decoded::measure(encoding_rs::GB18030, prefix, whole);
    if gb18030.bad_stretches < utf8.bad_stretches {
        encoding_rs::GB18030
    } else {
        encoding_rs::UTF_8
    }
}

/// Characters beyond ASCII per bad stretch that make a damaged file UTF-8. GBK text read as
/// UTF-8 gives about one (0.99 and 1.02 on the two sample files, at most 2 on slices of a few lines of
/// them: `data/sample/*.csv`, `data/*.txt`, the README); UTF-8 text gives hundreds.
const UTF8_EVIDENCE: usize = 4;

/// How bytes fare in an encoding.
struct Decoded {
    /// Stretches of undecodable sequences with nothing decodable between them (a sequence cut
    /// by the end of a prefix does not count).
    bad_stretches: usize,
    /// Characters beyond ASCII decoded.
    beyond_ascii: usize,
}

impl Decoded {
    fn measure(encoding: &'static encoding_rs::Encoding, bytes: &[u8], whole: bool) -> Decoded {
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut out = vec![0u8; 1 << 16];
        let mut decoded = Decoded {
            bad_stretches: 0,
            beyond_ascii: 0,
        };
        let (mut at, mut in_stretch) = (0, false);
        loop {
            let (result, read, written) =
                decoder.decode_to_utf8_without_replacement(&bytes[at..], &mut out, whole);
            at += read;
            if written > 0 {
                in_stretch = false;
                // The first byte of every UTF-8 character beyond ASCII is 0xC0 or more.
                decoded.beyond_ascii += out[..written].iter().filter(|&&b| b >= 0xC0).count();
            }
            match result {
                encoding_rs::DecoderResult::Malformed(..) => {
                    decoded.bad_stretches += usize::from(!in_stretch);
                    in_stretch = true;
                }
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::InputEmpty => return decoded,
            }
        }
    }
}

/// Bytes that do not decode, with where they are.
#[derive(Debug)]
pub struct DecodeError {
    /// The encoding.
    pub encoding: &'static str,
    /// The row they are on, as a spreadsheet numbers it (the header is row 1); in a text
    /// file, their line.
    pub row: u64,
    /// Their offset from the start of the file.
    pub offset: u64,
    /// The bytes (at most 4).
    pub bytes: Vec<u8>,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (bytes, offset, encoding) = (&self.bytes, self.offset, self.encoding);
        if crate::lang::english() {
            write!(
                f,
                "bytes {bytes:02X?} at byte offset {offset} are not valid {encoding}"
            )
        } else {
            write!(
                f,
                "第 {offset} 个字节起的 {bytes:02X?} 不是有效的 {encoding} 编码"
            )
        }
    }
}

impl std::error::Error for DecodeError {}

/// Where the csv parser is in a record (its own states, with the ones it passes through
/// without reading a byte left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParseState {
    /// Between records, skipping line breaks.
    StartRecord,
    /// At the start of a cell.
    StartField,
    /// In a cell without quotes.
    InField,
    /// Inside quotes.
    InQuotes,
    /// At a quote inside quotes: it closes them, or doubles a quote.
    QuoteInQuotes,
    /// After a CR that ended a record: an LF next belongs to it.
    AfterCr,
}

/// Numbers the rows of a CSV text as a spreadsheet that opens it does: the header is row 1,
/// a record whose quoted cells hold line breaks is one row, and an empty line is a row of its
/// own (a blank row, later skipped), whether lines end in LF, CR LF or CR. The decoder feeds
/// it the text it hands the csv parser, and it follows that text through the parser's own
/// states (`csv_core`'s, with its default quote `"` and CR, LF or CR LF line ends), so that it
/// finds the same records; the reader takes one row number per record the parser returns.
///
/// The csv crate's `position().line()` cannot serve: it counts LF bytes read up to the end of
/// the previous record, so it ran one row low after every CR LF line end (the parser stops at
/// the CR), stayed at 1 in a CR-only file, and counted the line breaks inside quoted cells.
#[derive(Debug)]
struct RowCounter {
    delimiter: u8,
    state: ParseState,
    /// Line breaks outside quotes so far (a CR LF is one).
    breaks: u64,
    /// Whether the last byte was a CR (an LF after it ends the same line).
    after_cr: bool,
    /// The row of the record being read.
    current: u64,
    /// The rows of the records read ahead of the parser, first one first.
    ahead: VecDeque<u64>,
    /// The last row handed to the reader (for a record the counter did not see, which would
    /// be a bug: it then gets the next row rather than a panic).
    last: u64,
    /// The row whose quote was still open at the end of the text.
    unclosed: Option<u64>,
}

impl RowCounter {
    fn new(delimiter: u8) -> RowCounter {
        RowCounter {
            delimiter,
            state: ParseState::StartRecord,
            breaks: 0,
            after_cr: false,
            current: 0,
            ahead: VecDeque::new(),
            last: 0,
            unclosed: None,
        }
    }

    /// Notes the end of the text: a quote still open there swallowed the rest of the file.
    fn finish(&mut self) {
        if self.state == ParseState::InQuotes {
            self.unclosed = Some(self.current);
        }
    }

    /// Follows `text` (decoded, as the parser will read it).
    fn feed(&mut self, text: &[u8]) {
        use ParseState::*;
        let mut i = 0;
        while i < text.len() {
            // Inside a cell only a few bytes change the state: skip to the next one.
            let next = match self.state {
                InQuotes => memchr::memchr(b'"', &text[i..]),
                InField => memchr::memchr3(self.delimiter, b'\r', b'\n', &text[i..]),
                _ => Some(0),
            };
            let Some(skip) = next else { break };
            i += skip;
            let c = text[i];
            let line_end = c == b'\r' || c == b'\n';
            self.state = match self.state {
                // The LF of a CR LF that ended a record.
                AfterCr if c == b'\n' => StartRecord,
                StartRecord | AfterCr if line_end => {
                    if !(c == b'\n' && self.after_cr) {
                        self.breaks += 1;
                    }
                    StartRecord
                }
                StartRecord | AfterCr => {
                    self.current = self.breaks + 1;
                    self.ahead.push_back(self.current);
                    self.in_field(c)
                }
                StartField => self.in_field(c),
                InField if c == self.delimiter => StartField,
                InField if line_end => self.end_record(c),
                InField => InField,
                InQuotes if c == b'"' => QuoteInQuotes,
                InQuotes => InQuotes,
                QuoteInQuotes if c == b'"' => InQuotes,
                QuoteInQuotes if c == self.delimiter => StartField,
                QuoteInQuotes if line_end => self.end_record(c),
                QuoteInQuotes => InField,
            };
            // Only read between records, where no byte is skipped.
            self.after_cr = c == b'\r';
            i += 1;
        }
    }

    /// The state after byte `c` at the start of a cell.
    fn in_field(&mut self, c: u8) -> ParseState {
        if c == b'"' {
            ParseState::InQuotes
        } else if c == self.delimiter {
            ParseState::StartField
        } else if c == b'\r' || c == b'\n' {
            self.end_record(c)
        } else {
            ParseState::InField
        }
    }

    fn end_record(&mut self, c: u8) -> ParseState {
        self.breaks += 1;
        if c == b'\r' {
            ParseState::AfterCr
        } else {
            ParseState::StartRecord
        }
    }

    /// The row of the text fed last: the record being read, or the next one between records.
    fn row_here(&self) -> u64 {
        match self.state {
            ParseState::StartRecord | ParseState::AfterCr => self.breaks + 1,
            _ => self.current,
        }
    }

    /// The row of the next record the parser returns.
    fn next_record(rows: &Mutex<RowCounter>) -> u64 {
        let mut rows = lock(rows);
        let row = rows.ahead.pop_front().unwrap_or(rows.last + 1);
        rows.last = row;
        row
    }
}

/// The counter, even if a thread panicked while holding it (it holds plain numbers).
fn lock(rows: &Mutex<RowCounter>) -> std::sync::MutexGuard<'_, RowCounter> {
    rows.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Decodes a byte stream to UTF-8 as it is read; stops at the first undecodable sequence
/// with a [`DecodeError`], or (lossy) replaces it with U+FFFD and counts it.
struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static encoding_rs::Encoding,
    lossy: bool,
    replaced: Arc<AtomicU64>,
    input: Vec<u8>,
    start: usize,
    end: usize,
    /// The last bytes read before `input[0]`: a malformed sequence can begin in an earlier
    /// read than the one that shows it is malformed.
    tail: Vec<u8>,
    /// Bytes of the source consumed before `input[start]`.
    consumed: u64,
    eof: bool,
    done: bool,
    output: Vec<u8>,
    filled: usize,
    served: usize,
    /// Follows the decoded text to number its rows.
    rows: Arc<Mutex<RowCounter>>,
}

impl<R: Read> DecodingReader<R> {
    fn new(
        inner: R,
        encoding: &'static encoding_rs::Encoding,
        lossy: bool,
        replaced: Arc<AtomicU64>,
        rows: Arc<Mutex<RowCounter>>,
    ) -> DecodingReader<R> {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            encoding,
            lossy,
            replaced,
            input: vec![0; 1 << 16],
            start: 0,
            end: 0,
            tail: Vec::new(),
            consumed: 0,
            eof: false,
            done: false,
            output: vec![0; 1 << 16],
            filled: 0,
            served: 0,
            rows,
        }
    }

    /// Bytes kept from earlier reads: more than a decoder holds back (3).
    const TAIL: usize = 4;

    /// The `len` bytes of the source at offset `at`, from `tail` and `input` (fewer if they
    /// are no longer held).
    fn bytes_at(&self, at: u64, len: usize) -> Vec<u8> {
        let held_from = self.consumed - (self.start + self.tail.len()) as u64;
        let held = || self.tail.iter().chain(&self.input[..self.end]);
        match at.checked_sub(held_from) {
            Some(skip) => held().skip(skip as usize).take(len).copied().collect(),
            None => Vec::new(),
        }
    }

    /// Decodes the next piece into `output`; `Ok(0)` at the end.
    fn fill(&mut self) -> std::io::Result<usize> {
        use encoding_rs::DecoderResult;
        loop {
            if self.done {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.tail.extend_from_slice(&self.input[..self.end]);
                let keep = self.tail.len().saturating_sub(Self::TAIL);
                self.tail.drain(..keep);
                self.start = 0;
                self.end = self.inner.read(&mut self.input)?;
                self.eof = self.end == 0;
            }
            let room = self.output.len() - 3;
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.start..self.end],
                &mut self.output[..room],
                self.eof,
            );
            let mut written = written;
            let before = self.consumed;
            self.start += read;
            self.consumed += read as u64;
            match result {
                DecoderResult::Malformed(bad, after) => {
                    if !self.lossy {
                        let mut rows = lock(&self.rows);
                        rows.feed(&self.output[..written]);
                        let row = rows.row_here();
                        let at = before + read as u64 - after as u64 - bad as u64;
                        let bytes = self.bytes_at(at, bad as usize);
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            DecodeError {
                                encoding: self.encoding.name(),
                                row,
                                offset: at,
                                bytes,
                            },
                        ));
                    }
                    self.output[written..written + 3].copy_from_slice("\u{fffd}".as_bytes());
                    written += 3;
                    self.replaced.fetch_add(1, Ordering::Relaxed);
                }
                DecoderResult::InputEmpty => {
                    // After its last call a decoder must not be used again.
                    self.done = self.eof;
                }
                DecoderResult::OutputFull => {}
            }
            let mut rows = lock(&self.rows);
            rows.feed(&self.output[..written]);
            if self.done {
                rows.finish();
            }
            drop(rows);
            if written > 0 || self.done {
                return Ok(written);
            }
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.served >= self.filled {
            let n = self.fill()?;
            self.filled = n;
            self.served = 0;
            if n == 0 {
                return Ok(0);
            }
        }
        let available = &self.output[self.served..self.filled];
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.served += n;
        Ok(n)
    }
}

/// A sheet's rows that hold anything, each with its row number (1-based, as the sheet shows it)
/// and its cells as a CSV saved from the sheet would hold them. For an .xlsx a number shows as
/// its number format says (an id 7 formatted `000` shows 007, and a CSV saved from the sheet
/// holds 007), read in the one pass over the sheet that reads the values; .xls and .ods give
/// only the values (calamine does not read their formats), shown in the general form.
fn sheet_rows<RS: std::io::Read + std::io::Seek>(
    workbook: &mut calamine::Sheets<RS>,
    name: &str,
) -> std::result::Result<SheetRows, String> {
    use calamine::{Data, DataRef, Reader};
    fn rows_of<T: calamine::CellType>(
        range: &calamine::Range<T>,
        text: impl Fn(&T, (u32, u32)) -> String,
        is_error: impl Fn(&T) -> bool,
        merged: &[calamine::Dimensions],
    ) -> SheetRows {
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let errors = range
            .cells()
            .filter(|(_, _, c)| is_error(c))
            .map(|(r, j, _)| (u64::from(first_row) + r as u64 + 1, j))
            .collect();
        let mut rows: Vec<(u64, Vec<String>, bool)> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let row = first_row + i as u32;
                let cells: Vec<String> = cells
                    .iter()
                    .enumerate()
                    .map(|(j, c)| text(c, (row, first_col + j as u32)))
                    .collect();
                let filled = cells.iter().any(|c| !c.trim().is_empty());
                (u64::from(row) + 1, cells, filled)
            })
            .collect();
        fill_merged_down(&mut rows, (first_row, first_col), merged);
        let rows = rows
            .into_iter()
            .filter(|(_, _, filled)| *filled)
            .map(|(row, cells, _)| (row, cells))
            .collect();
        (rows, errors)
    }
    let calamine::Sheets::Xlsx(xlsx) = workbook else {
        let merged = match &*workbook {
            calamine::Sheets::Xls(xls) => xls.merge_cells_by_sheet_name(name).unwrap_or_default(),
            _ => Vec::new(),
        };
        let range = workbook.worksheet_range(name).map_err(|e| e.to_string())?;
        return Ok(rows_of(
            &range,
            |c, _| cell_text(c),
            |c| matches!(c, Data::Error(_)),
            &merged,
        ));
    };
    let merged = xlsx.merge_cells_by_sheet_name(name).unwrap_or_default();
    let mut reader = match xlsx.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet holds no cells, as calamine's own reading treats it.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(e.to_string()),
    };
    // Each style's format, parsed once: a sheet has a few styles and many cells. With it,
    // whether the format shows a time of day alone (`h:mm`).
    let styles: Vec<(Option<NumberFormat>, bool)> = reader
        .styles()
        .iter()
        .map(|s| match &s.number_format {
            Some(f) => (
                NumberFormat::parse(&f.format_code),
                is_time_only(&f.format_code),
            ),
            None => (None, false),
        })
        .collect();
    let mut cells = Vec::new();
    let mut formats = std::collections::HashMap::new();
    let mut times = std::collections::HashSet::new();
    while let Some((cell, style)) = reader
        .next_cell_with_style_id()
        .map_err(|e| e.to_string())?
    {
        match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::Float(_) | DataRef::Int(_) => {
                if let Some((Some(format), _)) = styles.get(style) {
                    formats.insert(cell.get_position(), *format);
                }
            }
            DataRef::DateTime(_) if styles.get(style).is_some_and(|&(_, time)| time) => {
                times.insert(cell.get_position());
            }
            _ => {}
        }
        cells.push(cell);
    }
    let range = calamine::Range::from_sparse(cells);
    Ok(rows_of(
        &range,
        |cell, pos| match cell {
            DataRef::String(s) => s.clone(),
            DataRef::SharedString(s) => s.to_string(),
            DataRef::Float(_) | DataRef::Int(_) => {
                number_text(&Data::from(cell.clone()), formats.get(&pos))
            }
            DataRef::DateTime(d) if d.is_datetime() => date_time_text(d, times.contains(&pos)),
            other => cell_text(&Data::from(other.clone())),
        },
        |c| matches!(c, DataRef::Error(_)),
        &merged,
    ))
}

/// A sheet's rows that hold anything (each with its row number, as the sheet shows it), and
/// the cells holding a formula's error value (`#N/A`, `#REF!`): their row and their place in
/// the row.
type SheetRows = (Vec<(u64, Vec<String>)>, Vec<(u64, usize)>);

/// Gives the cells a merged region covers below its first row the value of that row's cell,
/// in the region's first column: staff merge 报送单位 (or 编号) over the rows of one unit, and
/// every one of those rows shows it, though the sheet stores it in the first row alone (so
/// a CSV saved from the sheet has it once, and `--per-unit` counted the other rows as having
/// no unit). `rows` are the range's rows from `start` (row, column), each with whether it held
/// anything before filling: a row that held nothing stays a blank row.
fn fill_merged_down(
    rows: &mut [(u64, Vec<String>, bool)],
    start: (u32, u32),
    merged: &[calamine::Dimensions],
) {
    for region in merged {
        let (top, col) = region.start;
        if region.end.0 <= top || top < start.0 || col < start.1 {
            continue;
        }
        let (top, col) = ((top - start.0) as usize, (col - start.1) as usize);
        let Some(value) = rows
            .get(top)
            .and_then(|(_, cells, _)| cells.get(col))
            .cloned()
        else {
            continue;
        };
        let last = (region.end.0 - start.0) as usize;
        for (_, cells, _) in rows.iter_mut().take(last + 1).skip(top + 1) {
            if let Some(cell) = cells.get_mut(col) {
                if cell.is_empty() {
                    *cell = value.clone();
                }
            }
        }
    }
}

/// The number formats that matter in an id, count or score column, as a cell shows its
/// number: zero-padded whole numbers (`000`), fixed decimals (`0.00`), thousands separators
/// (`#,##0`) and percentages (`0.0%`). Any other format is left to the general form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NumberFormat {
    /// The whole part's least number of digits (zero-padded).
    width: usize,
    /// Digits after the decimal point.
    decimals: usize,
    /// Thousands separators.
    grouped: bool,
    /// Shown times 100 with a percent sign.
    percent: bool,
}

impl NumberFormat {
    /// The format of an Excel number-format code, if it is one of the kinds above.
    fn parse(code: &str) -> Option<NumberFormat> {
        let (code, percent) = match code.strip_suffix('%') {
            Some(c) => (c, true),
            None => (code, false),
        };
        let (int_part, decimals) = match code.split_once('.') {
            Some((_, "")) => return None,
            Some((i, d)) => (i, d),
            None => (code, ""),
        };
        let grouped = int_part.starts_with("#,##");
        let digits = int_part.strip_prefix("#,##").unwrap_or(int_part);
        if digits.is_empty()
            || !digits.bytes().all(|b| b == b'0')
            || !decimals.bytes().all(|b| b == b'0')
        {
            return None;
        }
        Some(NumberFormat {
            width: if grouped { 1 } else { digits.len() },
            decimals: decimals.len(),
            grouped,
            percent,
        })
    }

    /// `value` as a cell in this format shows it; `None` for what it cannot show exactly.
    fn render(self, value: f64) -> Option<String> {
        let value = if self.percent { value * 100.0 } else { value };
        if !value.is_finite() || value.abs() >= 1e15 {
            return None;
        }
        // Halves round away from zero, as Excel shows them (Rust's formatting rounds to even).
        let scale = 10f64.powi(self.decimals as i32);
        let text = format!(
            "{:.*}",
            self.decimals,
            (value.abs() * scale).round() / scale
        );
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let width = self.width;
        let mut whole = format!("{whole:0>width$}");
        if self.grouped {
            let digits: Vec<char> = whole.chars().collect();
            whole = String::with_capacity(digits.len() * 4 / 3 + 1);
            for (i, ch) in digits.iter().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    whole.push(',');
                }
                whole.push(*ch);
            }
        }
        // -0.001 shown as 0.00 has no sign.
        let nonzero = whole
            .bytes()
            .chain(fraction.bytes())
            .any(|b| (b'1'..=b'9').contains(&b));
        let sign = if value < 0.0 && nonzero { "-" } else { "" };
        let point = if fraction.is_empty() { "" } else { "." };
        let percent = if self.percent { "%" } else { "" };
        Some(format!("{sign}{whole}{point}{fraction}{percent}"))
    }
}

/// A number cell as it shows in the sheet with `format`, or in the general form without one.
fn number_text(cell: &calamine::Data, format: Option<&NumberFormat>) -> String {
    let value = match cell {
        calamine::Data::Float(f) => Some(*f),
        calamine::Data::Int(i) => Some(*i as f64),
        _ => None,
    };
    match (value, format) {
        (Some(v), Some(f)) => f.render(v).unwrap_or_else(|| cell_text(cell)),
        _ => cell_text(cell),
    }
}

/// A spreadsheet cell as a CSV saved from it would hold it.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            // General shows at most 15 significant digits (0.1+0.2 is 0.3, not
            // 0.30000000000000004): rounded to them, then written as briefly as it reads back.
            let shown = if f.is_finite() && *f != 0.0 {
                format!("{f:.14e}").parse().unwrap_or(*f)
            } else {
                *f
            };
            if shown.fract() == 0.0 && shown.abs() < 1e15 {
                format!("{}", shown as i64)
            } else {
                shown.to_string()
            }
        }
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) if d.is_datetime() => date_time_text(d, false),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A date as `2024-03-01`, a date and time as `2024-03-01 14:30:00`, and a time of day alone
/// (no date part, or `time_only`: its format shows the time alone, as `h:mm` does) as `14:30`,
/// or `14:30:05` when it has seconds: a time typed into an `h:mm` cell read as
/// `1899-12-31 12:00:00`, the date of serial 0.
fn date_time_text(d: &calamine::ExcelDateTime, time_only: bool) -> String {
    let value = d.as_f64();
    if value >= 0.0 && (value < 1.0 || time_only) {
        let seconds = (value.fract() * 86_400.0).round() as u64 % 86_400;
        let (h, mi, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        return if s == 0 {
            format!("{h:02}:{mi:02}")
        } else {
            format!("{h:02}:{mi:02}:{s:02}")
        };
    }
    let (y, mo, da, h, mi, s, _) = d.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{da:02}")
    } else {
        format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// Whether an Excel number-format code shows a time of day alone (`h:mm`, `hh:mm:ss`,
/// `[$-F400]h:mm:ss AM/PM`): hours or seconds, and no year or day, outside quoted text and
/// `[…]` sections.
fn is_time_only(code: &str) -> bool {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    let mut plain = String::new();
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            c if !quoted && !bracket => plain.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    plain.contains(['h', 's']) && !plain.contains(['y', 'd'])
}

/// One data row as read: its row number and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its row, as a spreadsheet opening the file numbers it: the header is row 1, a quoted
    /// cell with line breaks stays in its row, an empty line is a (skipped) row.
    pub line: u64,
    /// The cells, one per header column.
    pub cells: Vec<String>,
    /// Which of the reader's files it is from (0 for a single file): see
    /// [`BatchReader::path_of`].
    pub file: usize,
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
    /// How it was read (see [`BatchReader::describe`]).
    pub description: String,
    /// Warnings while reading (duplicate ids, skipped rows, replaced bytes).
    pub warnings: Vec<String>,
}

impl Batch {
    /// Reads and decodes `path`, then resolves the role columns.
    pub fn read(path: &Path, options: impl Into<ReadOptions>) -> Result<Batch> {
        Self::from_reader(BatchReader::open(path, options)?)
    }

    /// Like [`Batch::read`], for bytes already in memory; `path` is used in messages.
    pub fn from_bytes(path: &Path, bytes: &[u8], options: impl Into<ReadOptions>) -> Result<Batch> {
        let source = Box::new(std::io::Cursor::new(bytes.to_vec()));
        Self::from_reader(BatchReader::from_source(path, source, &options.into())?)
    }

    fn from_reader(mut reader: BatchReader) -> Result<Batch> {
        let mut rows = Vec::new();
        loop {
            let chunk = reader.next_rows(1 << 16)?;
            if chunk.is_empty() {
                break;
            }
            rows.extend(chunk);
        }
        Ok(Batch {
            description: reader.describe(),
            warnings: reader.take_warnings(),
            path: reader.path,
            headers: reader.headers,
            rows,
            columns: reader.columns,
        })
    }

    /// The index of a column named by the user, matched like the built-in names.
    pub fn column(&self, name: &str) -> Result<usize> {
        column_of(&self.path, &self.headers, name)
    }

    /// The submissions, in file order.
    pub fn submissions(&self) -> Vec<Submission> {
        self.rows
            .iter()
            .map(|row| self.columns.submission(row))
            .collect()
    }

    /// Applies `how` to the rows whose cell in column `name` is empty or one of
    /// [`PENDING_WORDS`] (dropping them, or marking them not picked); returns how many there
    /// were. Other cells are left for [`Batch::labels`] to judge.
    pub fn resolve_unmarked(&mut self, name: &str, how: Unmarked) -> Result<usize> {
        let col = self.column(name)?;
        let unmarked = |row: &Row| is_unmarked(row.cells.get(col).map_or("", String::as_str));
        let count = self.rows.iter().filter(|r| unmarked(r)).count();
        match how {
            Unmarked::Skip => self.rows.retain(|r| !unmarked(r)),
            Unmarked::Reject => {
                for row in self.rows.iter_mut().filter(|r| unmarked(r)) {
                    if row.cells.len() <= col {
                        row.cells.resize(col + 1, String::new());
                    }
                    row.cells[col] = "0".to_string();
                }
            }
        }
        Ok(count)
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
                    message: crate::tr!(
                        "不是入选标记（请用 入选/不入选、是/否、1/0、√/×、yes/no）",
                        "not a label (use 入选/不入选, 是/否, 1/0, √/×, yes/no)"
                    ),
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

/// The spellings of "picked" that a label or decision cell may hold (compared as
/// [`label_key`] writes them): what staff write in Excel or WPS, ticks included.
pub const PICK_WORDS: &[&str] = &[
    "入选",
    "已入选",
    "是",
    "选",
    "选用",
    "采用",
    "1",
    "true",
    "yes",
    "y",
    "pick",
    "picked",
    "√",
    "✓",
    "✔",
];
/// The spellings of "not picked".
pub const REJECT_WORDS: &[&str] = &[
    "不入选",
    "未入选",
    "否",
    "不选",
    "不选用",
    "不采用",
    "落选",
    "0",
    "false",
    "no",
    "n",
    "reject",
    "rejected",
    "×",
    "✗",
    "✘",
];

/// The spellings of "not decided yet" in a decision cell (待定).
pub const PENDING_WORDS: &[&str] = &["待定", "待议", "再议", "?", "？", "pending", "maybe"];

/// Whether a label or decision cell says nothing yet: empty, or one of [`PENDING_WORDS`].
pub fn is_unmarked(value: &str) -> bool {
    let v = label_key(value);
    v.is_empty() || PENDING_WORDS.contains(&v.as_str())
}

/// A label or decision cell as the word lists spell it: lower case, full-width letters,
/// digits and signs as ASCII (a Chinese input method types Ｙ and １), without spaces of any
/// width (不 入选, 否 followed by an ideographic space) or the emoji selector after a tick
/// (✔️).
pub fn label_key(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{FE0E}' | '\u{FE0F}'))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// What `train` does with a row whose label cell is empty or pending (待定).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmarked {
    /// Leave the row out of training.
    Skip,
    /// Take it as not picked: a finished round often marks only its picks.
    Reject,
}

/// Reads a selection label: any of [`PICK_WORDS`] or [`REJECT_WORDS`] (入选 / 不入选, 是 / 否,
/// 1 / 0, true / false, yes / no, √ / ×; case-insensitive, full-width or half-width, spaces
/// ignored: see [`label_key`]), so that the decisions of a round (`rank --decisions`) train
/// the next one as they are. Anything else, an empty cell or 待定 included, is `None`.
pub fn parse_label(value: &str) -> Option<bool> {
    let v = label_key(value);
    if PICK_WORDS.contains(&v.as_str()) {
        Some(true)
    } else if REJECT_WORDS.contains(&v.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// The delimiter of a header line: the commonest of comma, tab and semicolon outside
/// quotes (comma when none occurs: a one-column file).
fn sniff_delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b'\t', b';'][best]
    }
}

/// `e` as an error naming the row it happened on (`rows` knows the row being read).
fn csv_error(path: &Path, e: csv::Error, rows: &Mutex<RowCounter>) -> Error {
    let message = csv_message(&e);
    let io = match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        _ => {
            return Error::Csv {
                path: path.to_path_buf(),
                row: lock(rows).row_here(),
                message,
            }
        }
    };
    if let Some(d) = io.get_ref().and_then(|r| r.downcast_ref::<DecodeError>()) {
        return Error::Encoding {
            path: path.to_path_buf(),
            row: d.row,
            message: crate::tr!(
                "{d}；如果文件是别的编码，请用 --encoding 指定（gbk、utf-8、utf-16le 等），或用 --lossy 把这些字节换成 \u{fffd}",
                "{d}; if the file is in another encoding, say which with --encoding (gbk, utf-8, utf-16le, …), or use --lossy to replace such bytes"
            ),
        };
    }
    Error::io(path, io)
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => cell_count_message(*len as usize, *expected_len as usize),
        _ => e.to_string(),
    }
}

/// What is wrong with a row read from a CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RowProblem {
    /// More or fewer cells than the header.
    CellCount {
        /// Cells in the row.
        len: usize,
        /// Cells in the header.
        expected: usize,
        /// A quoted cell of the row holds line breaks: a stray or missing quote may have
        /// joined lines.
        spans_lines: bool,
    },
    /// A quote opened in the row is never closed: the rest of the file went into its last
    /// cell.
    OpenQuote {
        /// The row.
        row: u64,
        /// The row's and the header's cell counts, when they differ.
        count: Option<(usize, usize)>,
    },
}

/// What is wrong with row `row` of `cells` under a header of `width` cells, if anything.
/// `open_quote`: the file ended inside a quote opened in this row; that is a problem even when
/// the count is right, if the quote swallowed a line break and text after it (rows lost
/// without a word otherwise).
fn row_problem(row: u64, cells: &[String], width: usize, open_quote: bool) -> Option<RowProblem> {
    let spans_lines = |c: &String| c.trim_end().contains(['\n', '\r']);
    let count = (cells.len() != width).then_some((cells.len(), width));
    if open_quote && (count.is_some() || cells.last().is_some_and(spans_lines)) {
        return Some(RowProblem::OpenQuote { row, count });
    }
    count.map(|(len, expected)| RowProblem::CellCount {
        len,
        expected,
        spans_lines: cells.iter().any(spans_lines),
    })
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = match *self {
            RowProblem::CellCount {
                len,
                expected,
                spans_lines: false,
            } => cell_count_message(len, expected),
            RowProblem::CellCount {
                len,
                expected,
                spans_lines: true,
            } => {
                let count = cell_count_message(len, expected);
                crate::tr!(
                    "{count}；其中带引号的单元格跨了多行，可能少了或多了一个引号（\"）",
                    "{count}; a quoted cell in it spans several lines: a quote (\") may be missing or extra"
                )
            }
            RowProblem::OpenQuote {
                row,
                count: Some((len, expected)),
            } => {
                let count = cell_count_message(len, expected);
                crate::tr!(
                    "{count}：第 {row} 行的一个引号（\"）没有闭合，文件余下的内容都读进了一个单元格",
                    "{count}: a quote (\") opened in row {row} is never closed, so the rest of the file was read into one cell"
                )
            }
            RowProblem::OpenQuote { count: None, .. } => crate::tr!(
                "有一个引号（\"）没有闭合，文件余下的内容都读进了一个单元格",
                "has a quote (\") that is never closed, so the rest of the file was read into one cell"
            ),
        };
        f.write_str(&message)
    }
}

fn cell_count_message(len: usize, expected: usize) -> String {
    crate::tr!(
        "有 {len} 个单元格，但表头有 {expected} 个",
        "has {len} cells but the header has {expected}"
    )
}

fn key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .flat_map(char::to_lowercase)
        .collect()
}

fn column_of(path: &Path, headers: &[String], name: &str) -> Result<usize> {
    find(headers, &[name]).ok_or_else(|| Error::NoSuchColumn {
        path: path.to_path_buf(),
        name: name.to_string(),
        found: column_list(headers),
    })
}

/// Accepted header names of the decision column of a decisions file.
pub const DECISION_NAMES: &[&str] = &[
    "decision",
    "决定",
    "审读决定",
    "审读结果",
    "审核结果",
    "结果",
    "是否入选",
    "入选",
];

/// The columns among `headers` named as a decision column may be ([`DECISION_NAMES`], any
/// case and spacing), in header order.
pub fn decision_columns(headers: &[String]) -> Vec<usize> {
    let names: Vec<String> = DECISION_NAMES.iter().map(|n| key(n)).collect();
    (0..headers.len())
        .filter(|&i| names.contains(&key(&headers[i])))
        .collect()
}

/// One row of a decisions file: its row number, id and decision cell.
pub type DecisionRow = (u64, String, String);

/// Reads a decisions file: its id column (id/编号/序号) and its decision column (one of
/// [`DECISION_NAMES`]); returns the decision column's name and each row's number, id and
/// decision cell, in file order.
pub fn read_decisions(path: &Path, options: &ReadOptions) -> Result<(String, Vec<DecisionRow>)> {
    let options = ReadOptions {
        any_columns: true,
        ..options.clone()
    };
    let mut reader = BatchReader::open(path, &options)?;
    let id = reader.columns.id.ok_or_else(|| Error::NoSuchColumn {
        path: path.to_path_buf(),
        name: ID_NAMES.join("/"),
        found: column_list(&reader.headers),
    })?;
    let decision = find(&reader.headers, DECISION_NAMES).ok_or_else(|| Error::NoSuchColumn {
        path: path.to_path_buf(),
        name: DECISION_NAMES.join("/"),
        found: column_list(&reader.headers),
    })?;
    let ranking = is_own_output(&reader.headers);
    let mut out = Vec::new();
    loop {
        let rows = reader.next_rows(1 << 16)?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let cell = |i: usize| {
                let mut c = row.cells.get(i).map_or("", |c| c.trim()).to_string();
                // A ranking marked in Excel: its id `'-5` is the batch's `-5`.
                if ranking {
                    crate::write::unneutralize(&mut c);
                }
                c
            };
            out.push((row.line, cell(id), cell(decision)));
        }
    }
    Ok((reader.headers[decision].clone(), out))
}

/// A warning for each header name given twice (a CSV's or a sheet's alike): the first
/// column of that name is the one used.
fn duplicate_header_warnings(path: &Path, headers: &[String]) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut seen: Vec<&String> = Vec::new();
    for h in headers.iter().filter(|h| !h.is_empty()) {
        if seen.iter().any(|s| key(s) == key(h)) {
            let h = shorten(h);
            warnings.push(crate::tr!(
                "{}：表头里“{h}”这一列出现了两次，只用第一个",
                "{}: the header names the column '{h}' twice; the first one is used",
                path.display()
            ));
        } else {
            seen.push(h);
        }
    }
    warnings
}

fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    let wanted: Vec<String> = names.iter().map(|n| key(n)).collect();
    wanted
        .iter()
        .find_map(|w| headers.iter().position(|h| key(h) == *w))
}

fn resolve_columns(path: &Path, headers: &[String], options: &ReadOptions) -> Result<Columns> {
    let o = &options.columns;
    let pick = |given: &Option<String>, names: &[&str]| -> Result<Option<usize>> {
        match given {
            Some(name) => find(headers, &[name])
                .map(Some)
                .ok_or_else(|| Error::NoSuchColumn {
                    path: path.to_path_buf(),
                    name: name.clone(),
                    found: column_list(headers),
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
    if columns.title.is_none() && columns.text.is_none() && !options.any_columns {
        return Err(Error::NoTextColumn {
            path: path.to_path_buf(),
            found: column_list(headers),
            titles: TITLE_NAMES.join("/"),
            texts: TEXT_NAMES.join("/"),
            note: String::new(),
        });
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_show_as_their_cell_format_does() {
        use calamine::Data::{Float, Int, String as Text};
        let f = |cell: calamine::Data, code: &str| {
            NumberFormat::parse(code).map(|format| number_text(&cell, Some(&format)))
        };
        assert_eq!(f(Float(7.0), "000").as_deref(), Some("007"));
        assert_eq!(f(Int(42), "00000").as_deref(), Some("00042"));
        assert_eq!(f(Float(123456.0), "000").as_deref(), Some("123456"));
        assert_eq!(f(Float(2.5), "0").as_deref(), Some("3"));
        assert_eq!(f(Float(-2.5), "0").as_deref(), Some("-3"));
        assert_eq!(f(Float(1.005), "0.00").as_deref(), Some("1.00"));
        assert_eq!(f(Float(3.14459), "0.00").as_deref(), Some("3.14"));
        assert_eq!(f(Float(-0.001), "0.00").as_deref(), Some("0.00"));
        assert_eq!(f(Float(0.1234), "0.0%").as_deref(), Some("12.3%"));
        assert_eq!(f(Float(1234567.0), "#,##0").as_deref(), Some("1,234,567"));
        assert_eq!(f(Float(-1234.5), "#,##0.00").as_deref(), Some("-1,234.50"));
        assert_eq!(f(Float(999.0), "#,##0").as_deref(), Some("999"));
        assert_eq!(f(Float(0.0), "#,##0").as_deref(), Some("0"));
        // Values a format cannot show exactly fall back to the general form; text is text.
        assert_eq!(f(Float(1e16), "000"), Some(cell_text(&Float(1e16))));
        assert_eq!(f(Text("7".into()), "000").as_deref(), Some("7"));
        // Formats this does not render are not parsed.
        for code in [
            "General",
            "@",
            "0.0E+00",
            "\"No.\"000",
            "0;[Red]-0",
            "0.",
            "#",
            "",
        ] {
            assert_eq!(NumberFormat::parse(code), None, "{code}");
        }
    }

    #[test]
    fn general_numbers_and_times_show_as_excel_shows_them() {
        use calamine::Data::{DateTime, Float, Int};
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        // General shows at most 15 significant digits.
        assert_eq!(cell_text(&Float(0.1 + 0.2)), "0.3");
        assert_eq!(cell_text(&Float(1.0 / 3.0)), "0.333333333333333");
        assert_eq!(cell_text(&Float(2.9999999999999996)), "3");
        assert_eq!(cell_text(&Float(-1.25)), "-1.25");
        assert_eq!(cell_text(&Float(2024001.0)), "2024001");
        assert_eq!(cell_text(&Int(7)), "7");
        assert_eq!(cell_text(&Float(123456789.123)), "123456789.123");
        // A time alone (no date part) is a time, as the sheet shows it.
        let when = |v: f64| DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(cell_text(&when(0.5)), "12:00");
        assert_eq!(cell_text(&when(9.5 / 24.0 + 5.0 / 86400.0)), "09:30:05");
        assert_eq!(cell_text(&when(0.0)), "00:00");
        assert_eq!(cell_text(&when(45352.0)), "2024-03-01");
        assert_eq!(cell_text(&when(45352.5)), "2024-03-01 12:00:00");
        // In a time-only format, a date and time shows its time.
        assert_eq!(
            date_time_text(
                &ExcelDateTime::new(45352.5, ExcelDateTimeType::DateTime, false),
                true
            ),
            "12:00"
        );
        assert!(
            is_time_only("h:mm")
                && is_time_only("hh:mm:ss")
                && is_time_only("[$-F400]h:mm:ss AM/PM")
        );
        assert!(
            !is_time_only("yyyy-mm-dd h:mm")
                && !is_time_only("m/d")
                && !is_time_only("mmm")
                && !is_time_only("\"day\" 0")
        );
    }

    #[test]
    fn hand_edited_text_files_decode_from_utf8_gbk_or_a_bom() {
        let text = "[[theme]]\nname = \"红色文化\"\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let mut utf16_bom = b"\xff\xfe".to_vec();
        utf16_bom.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        for (what, bytes) in [
            ("UTF-8", text.as_bytes().to_vec()),
            ("GBK", gbk.into_owned()),
            ("UTF-8 with BOM", bom),
            ("UTF-16 with BOM", utf16_bom),
        ] {
            assert_eq!(decode_text(&bytes).unwrap(), text, "{what}");
        }
        // Lines ended by CR alone (or CRLF) are lines, as LF-ended ones.
        for ending in ["\r", "\r\n"] {
            let text = "甲 3\n乙 5\n".replace('\n', ending);
            assert_eq!(
                decode_text(text.as_bytes()).unwrap(),
                "甲 3\n乙 5\n",
                "{ending:?}"
            );
        }
        // Bytes neither encoding reads: the line and offset of the first bad one.
        let e = decode_text(b"ok\n\xff\xff\xff").unwrap_err();
        assert_eq!((e.row, e.offset, e.bytes.as_slice()), (2, 3, &b"\xff"[..]));
        // Lines ended by CR alone or CRLF are counted as the text is read: the bad bytes are on
        // line 3 (a CR-only file said line 1).
        for ending in ["\n", "\r", "\r\n"] {
            let bytes = [
                format!("甲 3{ending}乙 5{ending}").as_bytes(),
                b"\xff\xff\xff",
            ]
            .concat();
            let e = decode_text(&bytes).unwrap_err();
            assert_eq!(e.row, 3, "{ending:?}");
        }
    }

    #[test]
    fn id_lines_keep_the_first_line_of_every_hash_across_merges() {
        let mut ids = IdLines::default();
        let n = 3 * IdLines::RECENT as u64 + 17;
        // Hashes in a scrambled order, each seen twice: first on line k, later on line n + k.
        let hash = |k: u64| k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for k in 0..n {
            assert_eq!(ids.first_line(hash(k), k as u32), k as u32);
        }
        assert!(ids.hashes.windows(2).all(|w| w[0] < w[1]));
        for k in 0..n {
            assert_eq!(ids.first_line(hash(k), (n + k) as u32), k as u32);
        }
        assert_eq!(ids.hashes.len() + ids.recent.len(), n as usize);
    }

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
        assert!(e.contains("文件里的列：a,b"), "{e}");
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// Whatever the cells hold (quotes, delimiters, line breaks, formulas, Chinese), a
        /// file written by a CSV writer reads back as the same rows in UTF-8, GBK and UTF-16,
        /// in chunks of any size; only all-blank rows are dropped.
        #[test]
        fn any_cells_read_back_in_every_encoding_and_chunking(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-z0-9 ,;\"\n\r\t=+@驻村第一书记带领群众修路。，“”：-]{0,10}", 3),
                0..7,
            ),
            chunk in 1usize..5,
        ) {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["编号", "标题", "内容"]).unwrap();
            for r in &rows {
                w.write_record(r).unwrap();
            }
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            let expected: Vec<&Vec<String>> = rows
                .iter()
                .filter(|r| !r.iter().all(|c| c.trim().is_empty()))
                .collect();
            let mut utf16 = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                utf16.extend_from_slice(&u.to_le_bytes());
            }
            for bytes in [
                text.as_bytes().to_vec(),
                encoding_rs::GBK.encode(&text).0.into_owned(),
                utf16,
            ] {
                let source = Box::new(std::io::Cursor::new(bytes));
                let mut reader =
                    BatchReader::from_source(Path::new("p.csv"), source, &ReadOptions::default())
                        .unwrap();
                let mut got = Vec::new();
                loop {
                    let part = reader.next_rows(chunk).unwrap();
                    if part.is_empty() {
                        break;
                    }
                    got.extend(part.into_iter().map(|r| r.cells));
                }
                proptest::prop_assert_eq!(got.iter().collect::<Vec<_>>(), expected.clone());
            }
        }
    }

    /// Row numbers of the records of `text` and of the error it stops with, if any.
    fn rows_of(text: &[u8]) -> (Vec<u64>, Option<String>) {
        let source = Box::new(std::io::Cursor::new(text.to_vec()));
        let mut reader =
            match BatchReader::from_source(Path::new("r.csv"), source, &ReadOptions::default()) {
                Ok(reader) => reader,
                Err(e) => return (Vec::new(), Some(e.to_string())),
            };
        let mut rows = Vec::new();
        loop {
            match reader.next_rows(2) {
                Ok(part) if part.is_empty() => return (rows, None),
                Ok(part) => rows.extend(part.iter().map(|r| r.line)),
                Err(e) => return (rows, Some(e.to_string())),
            }
        }
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them_whatever_the_line_ends() {
        // Header row 1; row 2 holds a cell with line breaks; row 3 is an empty line (a blank
        // row, skipped); row 4 is ",,"; rows 5 and 6.
        let lf = "编号,标题,内容\n1,\"驻村\n第一书记\",\"修路\n\n架桥\"\n\n,,\n2,甲,乙\n3,丙,丁\n";
        for (what, end) in [("LF", "\n"), ("CR LF", "\r\n"), ("CR", "\r")] {
            let text = lf.replace('\n', end);
            assert_eq!(rows_of(text.as_bytes()), (vec![2, 5, 6], None), "{what}");
            let gbk = encoding_rs::GBK.encode(&text).0.into_owned();
            assert_eq!(rows_of(&gbk), (vec![2, 5, 6], None), "{what}, GBK");
        }
        // An unquoted cell cannot hold a line break: a quote inside one is an ordinary
        // character, so each of these lines is a row.
        let (rows, _) = rows_of(b"title,text\na\"b,c\nd,e\"f\r\ng,h\n");
        assert_eq!(rows, [2, 3, 4]);
    }

    #[test]
    fn errors_name_the_row_as_a_spreadsheet_shows_it() {
        for end in ["\n", "\r\n", "\r"] {
            let text = "title,text\n\"a\nb\",c\nd\n".replace('\n', end);
            let (_, e) = rows_of(text.as_bytes());
            let e = e.unwrap_or_default();
            assert!(e.contains("r.csv：第 3 行"), "{end:?}: {e}");
            let mut bytes = "title,text\n\"a\nb\",c\nd,".replace('\n', end).into_bytes();
            bytes.extend_from_slice(b"\xff\n");
            let (_, e) = rows_of(&bytes);
            let e = e.unwrap_or_default();
            assert!(
                e.contains("r.csv：第 3 行") && e.contains("[FF]"),
                "{end:?}: {e}"
            );
        }
    }

    #[test]
    fn a_utf8_file_with_a_few_bad_bytes_stays_utf8_and_the_error_points_at_them() {
        // Three bad bytes in one cell were three errors in UTF-8 against two in GB18030 (which
        // reads 好 and the comma after it as a broken pair): the file was taken for GB18030
        // and the error named row 2, a good row.
        let (_, e) = rows_of(b"id,title,text\nG1,\xe5\xa5\xbd,abc\nG2,\xff\xfe\xfd,abc\n");
        let e = e.unwrap_or_default();
        assert!(
            e.contains("r.csv：第 3 行") && e.contains("[FF]") && e.contains("UTF-8"),
            "{e}"
        );
        // A GBK file with one damaged byte is still GBK; the error points at that byte.
        let mut gbk = encoding_rs::GBK
            .encode("编号,标题,内容\n1,驻村第一书记,带领群众修路\n2,乡村医生,")
            .0
            .into_owned();
        gbk.extend_from_slice(b"\xff\n3,\xbc\xd7,\xd2\xd2\n");
        let (_, e) = rows_of(&gbk);
        let e = e.unwrap_or_default();
        assert!(
            e.contains("r.csv：第 3 行") && e.contains("[FF]") && e.contains("gb18030"),
            "{e}"
        );
        // A UTF-8 file with one cell pasted in from a GBK one: UTF-8, and the error is on the
        // pasted cell's row.
        let mut mixed =
            "编号,标题,内容\n1,驻村第一书记,带领群众修路\n2,网格员的一天,每天走访居民\n"
                .as_bytes()
                .to_vec();
        mixed.extend_from_slice(b"3,");
        mixed.extend_from_slice(&encoding_rs::GBK.encode("乡村医生背着药箱").0);
        mixed.extend_from_slice("\n4,守墓老人,讲了六百场\n".as_bytes());
        let (_, e) = rows_of(&mixed);
        let e = e.unwrap_or_default();
        assert!(e.contains("r.csv：第 4 行") && e.contains("UTF-8"), "{e}");
    }

    #[test]
    fn bad_bytes_cut_by_a_read_are_named_with_their_offset_not_a_panic() {
        // The decoder reads 64 KB at a time: a sequence begun at the end of one read and found
        // malformed at the start of the next once took its bytes from before the buffer
        // (an overflow: a panic in a debug build, no bytes named in a release one).
        let mut text = b"title,text\n".to_vec();
        while text.len() < (1 << 16) - 20 {
            text.extend_from_slice(b"a,b\n");
        }
        text.resize((1 << 16) - 1, b'c');
        let row = text.iter().filter(|&&b| b == b'\n').count() + 1;
        text.extend_from_slice(b"\xe4\nd,e\n");
        let (_, e) = rows_of(&text);
        let e = e.unwrap_or_default();
        assert!(
            e.contains(&format!("r.csv：第 {row} 行"))
                && e.contains(&format!("第 {} 个字节起的 [E4]", (1 << 16) - 1)),
            "{e}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// On any text of quotes, commas and line ends, the row counter finds exactly the
        /// records the csv crate returns, in increasing rows.
        #[test]
        fn row_counter_finds_the_records_the_csv_parser_finds(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b',', b'"', b'\r', b'\n']),
                0..40,
            ),
        ) {
            let mut counter = RowCounter::new(b',');
            counter.feed(&text);
            let mut parser = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_slice());
            let records = parser.byte_records().count();
            proptest::prop_assert_eq!(counter.ahead.len(), records);
            let rows: Vec<u64> = counter.ahead.iter().copied().collect();
            proptest::prop_assert!(rows.windows(2).all(|w| w[0] < w[1]), "{:?}", rows);
        }

        /// Records written with any line end, with empty lines between them, are numbered
        /// as a spreadsheet shows them: a record's row is one more than the line ends before
        /// it outside quotes.
        #[test]
        fn rows_follow_the_line_ends_outside_quotes(
            rows in proptest::collection::vec(
                (proptest::collection::vec("[a-z,\"\n\r]{0,4}", 2), 0usize..3),
                1..8,
            ),
            end in proptest::sample::select(vec!["\n", "\r\n", "\r"]),
        ) {
            let mut text = String::from("title,text");
            let mut expected = Vec::new();
            let mut row = 1;
            for (cells, empty_lines) in &rows {
                for _ in 0..*empty_lines {
                    text.push_str(end);
                    row += 1;
                }
                text.push_str(end);
                row += 1;
                let quoted: Vec<String> =
                    cells.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
                text.push_str(&quoted.join(","));
                expected.push(row);
            }
            let mut counter = RowCounter::new(b',');
            counter.feed(text.as_bytes());
            let mut got: Vec<u64> = counter.ahead.into_iter().collect();
            proptest::prop_assert_eq!(got.remove(0), 1);
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn a_quote_never_closed_is_named_with_its_row() {
        for end in ["\n", "\r\n", "\r"] {
            // It swallowed the rest of the file: the cell count is wrong, and the quote is
            // named, not only the count.
            let text = "id,title,text\n\"1,标题,内容\n".replace('\n', end);
            let e = rows_of(text.as_bytes()).1.unwrap_or_default();
            assert!(
                e.contains(
                    "r.csv：第 2 行：有 1 个单元格，但表头有 3 个：第 2 行的一个引号（\"）没有闭合"
                ),
                "{end:?}: {e}"
            );
            // The count is right, but rows 4 and 5 vanished into row 3's last cell.
            let text = "id,title,text\n1,a,b\n2,c,\"d\n3,e,f\n4,g,h\n".replace('\n', end);
            let e = rows_of(text.as_bytes()).1.unwrap_or_default();
            assert!(
                e.contains("r.csv：第 3 行：有一个引号（\"）没有闭合"),
                "{end:?}: {e}"
            );
        }
        // A quote left open on the last line swallows nothing.
        assert_eq!(rows_of(b"id,title,text\n1,a,\"b\n"), (vec![2], None));
        // A stray quote that joins two lines into one row with too many cells.
        let e = rows_of("id,title,text\n1,\"标题,内容\n2,x\",y,z\n3,f,g\n".as_bytes()).1;
        let e = e.unwrap_or_default();
        assert!(
            e.contains("第 2 行：有 4 个单元格，但表头有 3 个；其中带引号的单元格跨了多行"),
            "{e}"
        );
        // --skip-bad-rows skips the row and says why.
        let options = ReadOptions {
            skip_bad_rows: true,
            ..ReadOptions::default()
        };
        let b = Batch::from_bytes(
            Path::new("s.csv"),
            b"title,text\n1,2\n\"3,4\n5,6\n",
            options,
        )
        .unwrap();
        assert_eq!(b.rows.len(), 1);
        assert!(
            b.warnings
                .iter()
                .any(|w| w.contains("第 3 行有 1 个单元格，但表头有 2 个：第 3 行的一个引号")),
            "{:?}",
            b.warnings
        );
    }

    #[test]
    fn ragged_row_names_the_row() {
        let e = batch(b"title,text\na,b\nc\n").unwrap_err().to_string();
        assert!(e.contains("t.csv：第 3 行"), "{e}");
    }

    #[test]
    fn bad_label_names_row_column_and_value() {
        let b = batch("标题,入选\n甲,是\n乙,也许\n".as_bytes()).unwrap();
        let e = b.labels("入选").unwrap_err().to_string();
        assert!(
            e.contains("第 3 行") && e.contains("“入选”列") && e.contains("“也许”"),
            "{e}"
        );
    }

    #[test]
    fn unmarked_rows_are_skipped_or_taken_as_rejects() {
        let text = "标题,入选\n甲,是\n乙,\n丙,待定\n丁,否\n戊,也许\n";
        let mut skip = batch(text.as_bytes()).unwrap();
        assert_eq!(skip.resolve_unmarked("入选", Unmarked::Skip).unwrap(), 2);
        let titles: Vec<String> = skip.submissions().into_iter().map(|s| s.title).collect();
        assert_eq!(titles, ["甲", "丁", "戊"]);
        // A value that is neither marked nor unmarked is still for `labels` to reject.
        assert!(skip
            .labels("入选")
            .unwrap_err()
            .to_string()
            .contains("也许"));
        let mut reject = batch(text.as_bytes()).unwrap();
        assert_eq!(
            reject.resolve_unmarked("入选", Unmarked::Reject).unwrap(),
            2
        );
        reject.rows.pop();
        assert_eq!(reject.labels("入选").unwrap(), [true, false, false, false]);
    }

    #[test]
    fn labels_in_every_accepted_spelling() {
        for (v, want) in [
            ("1", true),
            ("No", false),
            ("入选", true),
            ("未入选", false),
            ("y", true),
            ("不入选", false),
            (" √ ", true),
            ("×", false),
        ] {
            assert_eq!(parse_label(v), Some(want), "{v}");
        }
        assert_eq!(parse_label(""), None);
        assert_eq!(parse_label("待定"), None);
    }

    #[test]
    fn labels_typed_full_width_with_inner_spaces_or_an_emoji_tick_are_read() {
        for (v, want) in [
            ("Ｙ", true),
            ("１", true),
            ("ＹＥＳ", true),
            ("✔\u{FE0F}", true),
            ("已入选", true),
            ("不 入选", false),
            ("\u{3000}否\u{3000}", false),
            ("ｎｏ", false),
            ("０", false),
        ] {
            assert_eq!(parse_label(v), Some(want), "{v}");
        }
        assert!(is_unmarked("待 定"));
        assert!(is_unmarked("？"));
        assert_eq!(parse_label("１0"), None);
    }
}
