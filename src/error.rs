//! Errors of every stage: each names the file, and where it applies the row, column and value.

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
        /// The header cells, comma-separated.
        found: String,
        /// Accepted title column names.
        titles: String,
        /// Accepted text column names.
        texts: String,
    },
    /// A column named on the command line does not exist.
    NoSuchColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        name: String,
        /// The header cells, comma-separated.
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
        /// The files, comma-separated.
        paths: String,
    },
    /// The output would overwrite an input.
    OverwriteInput {
        /// The file.
        path: PathBuf,
    },
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
            } => {
                let path = path.display();
                if en {
                    write!(
                        f,
                        "{path}: no title or text column; columns found: {found}; accepted names: title {titles}; text {texts} (or name one with --title-col/--text-col)"
                    )
                } else {
                    write!(
                        f,
                        "{path}：找不到标题列或正文列；文件里的列：{found}；认得的列名：标题 {titles}；正文 {texts}（也可以用 --title-col/--text-col 指定列名）"
                    )
                }
            }
            Error::NoSuchColumn { path, name, found } => {
                let path = path.display();
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
                let path = path.display();
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
                let path = path.display();
                if en {
                    write!(f, "{path}: line {line}: {message}: '{value}'")
                } else {
                    write!(f, "{path}：第 {line} 行：{message}：“{value}”")
                }
            }
            Error::Exists { paths } => {
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
            Error::OverwriteInput { path } => {
                let path = path.display();
                if en {
                    write!(f, "{path}: refusing to write the output over an input file")
                } else {
                    write!(
                        f,
                        "{path}：这是输入文件，不能把结果写到它上面（请用 -o 另指定一个输出文件）"
                    )
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

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, io: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            io,
        }
    }
}
