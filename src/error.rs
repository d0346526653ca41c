//! Errors of every stage: each names the file, and where it applies the row, column and value.

use std::path::PathBuf;

/// The result type of the xuanti library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, with enough detail for a user to find and fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {io}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error (shown in the message, so not repeated as a cause).
        io: std::io::Error,
    },
    /// The CSV itself is malformed (bad quoting, ragged row, …).
    #[error("{path}: row {row}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The row (line of the file; the header is row 1).
        row: u64,
        /// What the CSV reader reported.
        message: String,
    },
    /// The file is empty (not even a header).
    #[error("{path}: the file is empty (not even a header row)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Bytes that do not decode in the file's encoding.
    #[error("{path}: row {row}: {message}")]
    Encoding {
        /// The file.
        path: PathBuf,
        /// The row (line of the file; the header is row 1).
        row: u64,
        /// The bytes, their offset and what to do.
        message: String,
    },
    /// Neither a title nor a text column was found.
    #[error(
        "{path}: no title or text column; columns found: {found}; accepted names: title {titles}; text {texts} (or name one with --title-col/--text-col)"
    )]
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
    #[error("{path}: column '{name}' does not exist; columns are: {found}")]
    NoSuchColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        name: String,
        /// The header cells, comma-separated.
        found: String,
    },
    /// A cell holds a value the column does not accept.
    #[error("{path}: row {row}, column '{column}': {message}: '{value}'")]
    BadValue {
        /// The file.
        path: PathBuf,
        /// The row (line of the file; the header is row 1).
        row: u64,
        /// The column name.
        column: String,
        /// The offending value.
        value: String,
        /// What was expected.
        message: String,
    },
    /// A themes file is malformed.
    #[error("{path}: {message}")]
    Themes {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the theme or line where it applies.
        message: String,
    },
    /// A dictionary file is malformed.
    #[error("{path}: line {line}: {message}: '{value}'")]
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
    #[error("{path}: {message}")]
    Model {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Training cannot go ahead with the data given.
    #[error("{path}: {message}")]
    Training {
        /// The training file.
        path: PathBuf,
        /// What is missing.
        message: String,
    },
    /// A spreadsheet cannot be read (not a workbook, no such sheet).
    #[error("{path}: {message}")]
    Sheet {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Files that would be replaced without being asked to.
    #[error("{paths}: already exist (use --force to replace them)")]
    Exists {
        /// The files, comma-separated.
        paths: String,
    },
    /// The output would overwrite an input.
    #[error("{path}: refusing to write the output over an input file")]
    OverwriteInput {
        /// The file.
        path: PathBuf,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, io: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            io,
        }
    }
}
