//! CSV file → [`Batch`]: decodes UTF-8 (with or without BOM), UTF-16 (with BOM) or GBK/GB18030,
//! finds the id, title, unit and text columns by name, and keeps every cell for the output.

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
        let csv_error = |e: csv::Error| Error::Csv {
            path: path.to_path_buf(),
            row: e.position().map_or(1, |p| p.line()),
            message: csv_message(&e),
        };
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
        let cell = |row: &Row, col: Option<usize>| {
            col.and_then(|i| row.cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        self.rows
            .iter()
            .map(|row| {
                let id = cell(row, self.columns.id);
                Submission {
                    id: if id.is_empty() {
                        row.line.to_string()
                    } else {
                        id
                    },
                    title: cell(row, self.columns.title),
                    unit: cell(row, self.columns.unit),
                    text: cell(row, self.columns.text),
                }
            })
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
