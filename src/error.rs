//! Errors of every stage: each names the file, and where it applies the row, column and value.

use std::borrow::Cow;
use std::path::PathBuf;

/// The result type of the xuanti library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, with enough detail for a user to find and fix it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error (shown in the message, so not repeated as a cause).
        io: std::io::Error,
    },
    /// The CSV itself is malformed (bad quoting, ragged row, …).
    Csv {
        /// The file.
        path: PathBuf,
        /// The row, as a spreadsheet numbers it: the header is row 1, and a quoted cell with
        /// line breaks stays in its row.
        row: u64,
        /// What the CSV reader reported.
        message: String,
    },
    /// The file is empty (not even a header).
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Bytes that do not decode in the file's encoding.
    Encoding {
        /// The file.
        path: PathBuf,
        /// The row, as a spreadsheet numbers it: the header is row 1, and a quoted cell with
        /// line breaks stays in its row.
        row: u64,
        /// The bytes, their offset and what to do.
        message: String,
    },
    /// Neither a title nor a text column was found.
    NoTextColumn {
        /// The file.
        path: PathBuf,
        /// The header cells, as [`column_list`] lists them.
        found: String,
        /// Accepted title column names.
        titles: String,
        /// Accepted text column names.
        texts: String,
        /// Where the header was looked for and what else to try (a sheet's first ten rows,
        /// `--sheet`), in the message's language and ready to follow it; empty for a CSV.
        note: String,
    },
    /// A column named on the command line does not exist.
    NoSuchColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        name: String,
        /// The header cells, as [`column_list`] lists them.
        found: String,
    },
    /// A cell holds a value the column does not accept.
    BadValue {
        /// The file.
        path: PathBuf,
        /// The row, as a spreadsheet numbers it: the header is row 1, and a quoted cell with
        /// line breaks stays in its row.
        row: u64,
        /// The column name.
        column: String,
        /// The offending value.
        value: String,
        /// What was expected.
        message: String,
    },
    /// A themes file is malformed.
    Themes {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the theme or line where it applies.
        message: String,
    },
    /// A dictionary file is malformed.
    Dictionary {
        /// The file.
        path: PathBuf,
        /// The line.
        line: usize,
        /// The offending line.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// A model file is not one this version can read.
    Model {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Training cannot go ahead with the data given.
    Training {
        /// The training file.
        path: PathBuf,
        /// What is missing.
        message: String,
    },
    /// A spreadsheet cannot be read (not a workbook, no such sheet).
    Sheet {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Files that would be replaced without being asked to.
    Exists {
        /// The files.
        paths: Vec<PathBuf>,
    },
    /// The output would overwrite an input.
    OverwriteInput {
        /// The file.
        path: PathBuf,
        /// The flag that named it (`-o`, `--report`, `--curve`), when known.
        flag: Option<String>,
    },
    /// Two outputs of one run name the same file (`-o` and `--report`).
    SameOutput {
        /// The file.
        path: PathBuf,
    },
    /// One input file is given twice (`rank a.csv a.csv`).
    SameInput {
        /// The file, as given the second time.
        path: PathBuf,
    },
    /// A command line asking for something impossible that the parser cannot see (the
    /// message says what).
    Usage(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let en = crate::lang::english();
        match self {
            Error::Io { path, io } => {
                let path = path.display();
                match (en, io_reason(io)) {
                    (true, _) => write!(f, "{path}: {io}"),
                    (false, Some(why)) => write!(f, "{path}：{why}（{io}）"),
                    (false, None) => write!(f, "{path}：{io}"),
                }
            }
            Error::Csv { path, row, message } | Error::Encoding { path, row, message } => {
                let path = path.display();
                if en {
                    write!(f, "{path}: row {row}: {message}")
                } else {
                    write!(f, "{path}：第 {row} 行：{message}")
                }
            }
            Error::Empty { path } => {
                let path = path.display();
                if en {
                    write!(f, "{path}: the file is empty (not even a header row)")
                } else {
                    write!(f, "{path}：文件是空的（连表头行都没有）")
                }
            }
            Error::NoTextColumn {
                path,
                found,
                titles,
                texts,
                note,
            } => {
                let path = path.display();
                if en {
                    write!(
                        f,
                        "{path}: no title or text column; columns found: {found}; accepted names: title {titles}; text {texts} (or name one with --title-col/--text-col){note}"
                    )
                } else {
                    write!(
                        f,
                        "{path}：找不到标题列或正文列；文件里的列：{found}；认得的列名：标题 {titles}；正文 {texts}（也可以用 --title-col/--text-col 指定列名）{note}"
                    )
                }
            }
            Error::NoSuchColumn { path, name, found } => {
                let (path, name) = (path.display(), shorten(name));
                if en {
                    write!(
                        f,
                        "{path}: column '{name}' does not exist; columns are: {found}"
                    )
                } else {
                    write!(f, "{path}：没有“{name}”这一列；文件里的列：{found}")
                }
            }
            Error::BadValue {
                path,
                row,
                column,
                value,
                message,
            } => {
                let (path, column, value) = (path.display(), shorten(column), shorten(value));
                if en {
                    write!(
                        f,
                        "{path}: row {row}, column '{column}': {message}: '{value}'"
                    )
                } else {
                    write!(f, "{path}：第 {row} 行“{column}”列：{message}：“{value}”")
                }
            }
            Error::Dictionary {
                path,
                line,
                value,
                message,
            } => {
                let (path, value) = (path.display(), shorten(value));
                if en {
                    write!(f, "{path}: line {line}: {message}: '{value}'")
                } else {
                    write!(f, "{path}：第 {line} 行：{message}：“{value}”")
                }
            }
            Error::Exists { paths } => {
                // Listed as each language lists: "a, b" in English, "a、b" in Chinese.
                let paths = crate::lang::list(
                    &paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>(),
                );
                if en {
                    write!(f, "{paths}: already exist (use --force to replace them)")
                } else {
                    write!(f, "{paths}：文件已存在（要替换请加 --force）")
                }
            }
            Error::Themes { path, message }
            | Error::Model { path, message }
            | Error::Training { path, message }
            | Error::Sheet { path, message } => {
                let path = path.display();
                if en {
                    write!(f, "{path}: {message}")
                } else {
                    write!(f, "{path}：{message}")
                }
            }
            Error::OverwriteInput { path, flag } => {
                let path = path.display();
                match (en, flag) {
                    (true, Some(flag)) => write!(
                        f,
                        "{path}: refusing to write the output over an input file (give {flag} another file)"
                    ),
                    (true, None) => {
                        write!(f, "{path}: refusing to write the output over an input file")
                    }
                    (false, Some(flag)) => write!(
                        f,
                        "{path}：这是输入文件，不能把结果写到它上面（请用 {flag} 另指定一个输出文件）"
                    ),
                    (false, None) => write!(
                        f,
                        "{path}：这是输入文件，不能把结果写到它上面（请另指定一个输出文件）"
                    ),
                }
            }
            Error::SameOutput { path } => {
                let path = path.display();
                if en {
                    write!(f, "{path}: two outputs of this run name the same file")
                } else {
                    write!(f, "{path}：本次运行的两个输出指向同一个文件，请分别指定")
                }
            }
            Error::Usage(message) => write!(f, "{message}"),
            Error::SameInput { path } => {
                let path = path.display();
                if en {
                    write!(
                        f,
                        "{path}: this file is given twice; its rows would count twice"
                    )
                } else {
                    write!(f, "{path}：这个文件给了两次，它的行会重复计算")
                }
            }
        }
    }
}

/// The underlying error is shown in the message, so it is not a `source()` too (else the
/// binary's cause chain would print it twice).
impl std::error::Error for Error {}

/// A plain Chinese reason for the common I/O failures (the system's own message follows it).
fn io_reason(io: &std::io::Error) -> Option<&'static str> {
    use std::io::ErrorKind::*;
    Some(match io.kind() {
        NotFound => "找不到这个文件",
        PermissionDenied => "没有读写这个文件的权限",
        AlreadyExists => "文件已经存在",
        InvalidData => "文件内容无法读取",
        UnexpectedEof => "文件不完整（提前结束）",
        WriteZero => "写不进去（磁盘可能已满）",
        BrokenPipe => "输出管道已关闭",
        Interrupted => "读写被中断",
        _ => return None,
    })
}

/// Values from the user's files longer than this many characters are shortened in messages.
pub(crate) const QUOTE_MAX_CHARS: usize = 80;

/// How many characters of a shortened value a message keeps.
const QUOTE_KEPT_CHARS: usize = 60;

/// A value from the user's files (a cell, a line, a column or theme name) as a message quotes
/// it: whole up to 80 characters, else its first 60 and its length, so that a 1 MB cell or
/// dictionary line does not flood the terminal.
pub fn shorten(value: &str) -> Cow<'_, str> {
    match value.char_indices().nth(QUOTE_MAX_CHARS) {
        None => Cow::Borrowed(value),
        Some(_) => {
            let kept = value
                .char_indices()
                .nth(QUOTE_KEPT_CHARS)
                .map_or(value, |(end, _)| &value[..end]);
            let n = value.chars().count();
            Cow::Owned(crate::tr!(
                "{kept}…（共 {n} 个字符）",
                "{kept}…({n} characters)"
            ))
        }
    }
}

/// Header cells as a message lists them: comma-separated, each [`shorten`]ed, and no more than
/// 40 of them.
pub fn column_list(headers: &[String]) -> String {
    let mut list: Vec<Cow<'_, str>> = headers
        .iter()
        .take(LISTED_COLUMNS)
        .map(|h| shorten(h))
        .collect();
    if headers.len() > LISTED_COLUMNS {
        let n = headers.len();
        list.push(crate::tr!("…（共 {n} 列）", "…({n} columns)").into());
    }
    list.join(",")
}

/// How many columns a message lists.
const LISTED_COLUMNS: usize = 40;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, io: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            io,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_quoted_shortened_with_their_length() {
        assert_eq!(shorten("驻村第一书记"), "驻村第一书记");
        let edge = "字".repeat(QUOTE_MAX_CHARS);
        assert_eq!(shorten(&edge), edge.as_str());
        let long = format!("{}{}", "甲".repeat(QUOTE_KEPT_CHARS), "乙".repeat(1 << 20));
        let short = shorten(&long);
        let n = long.chars().count();
        assert!(
            short.starts_with(&"甲".repeat(QUOTE_KEPT_CHARS))
                && !short.contains('乙')
                && short.ends_with(&format!("…（共 {n} 个字符）")),
            "{short}"
        );
        // Every message that quotes a value goes through it.
        let e = Error::BadValue {
            path: "p.csv".into(),
            row: 3,
            column: "入选".into(),
            value: long.clone(),
            message: "不是入选标记".into(),
        };
        assert!(e.to_string().len() < 400, "{e}");
        let e = Error::Dictionary {
            path: "d.txt".into(),
            line: 1,
            value: long,
            message: "词频不是整数".into(),
        };
        assert!(e.to_string().len() < 400, "{e}");
    }

    #[test]
    fn column_lists_shorten_names_and_stop_after_forty() {
        let headers: Vec<String> = ["编号".to_string(), "x".repeat(1000)]
            .into_iter()
            .chain((0..100).map(|i| format!("列{i}")))
            .collect();
        let list = column_list(&headers);
        assert!(list.starts_with("编号,xxxx"), "{list}");
        assert!(list.contains("…（共 1000 个字符）,列0,"), "{list}");
        assert!(list.ends_with(",列37,…（共 102 列）"), "{list}");
        assert_eq!(column_list(&["a".into(), "b".into()]), "a,b");
    }
}
