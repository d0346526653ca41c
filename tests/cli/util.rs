//! Runs the real `xuanti` binary in a fresh temp dir and compares its output, printing expected
//! and actual on a mismatch.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh temporary working directory for one test, and the language xuanti runs in there.
pub struct Env {
    dir: tempfile::TempDir,
    english: bool,
}

impl Env {
    /// Runs xuanti in its default language, Chinese (whatever XUANTI_LANG the test run has).
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
            english: false,
        }
    }

    /// Runs xuanti in English (`XUANTI_LANG=en`), for tests that check English messages.
    pub fn english() -> Env {
        Env {
            english: true,
            ..Env::new()
        }
    }

    /// The start of an error message in this Env's language.
    pub fn error_prefix(&self) -> &'static str {
        if self.english {
            "xuanti: error:"
        } else {
            "xuanti: 错误："
        }
    }

    /// Writes `name` (relative to the temp dir) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create dir");
        }
        std::fs::write(&path, contents).expect("write fixture");
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name))
            .unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
    }

    pub fn read_bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
    }

    /// Runs `xuanti ARGS` in the temp dir.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_env(args, &[])
    }

    /// Runs `xuanti ARGS` in the temp dir with extra environment variables (which may set
    /// XUANTI_LANG themselves).
    pub fn run_with_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let lang = if self.english { "en" } else { "zh" };
        Command::new(env!("CARGO_BIN_EXE_xuanti"))
            .args(args)
            .env("XUANTI_LANG", lang)
            .envs(vars.iter().copied())
            .current_dir(self.dir.path())
            .output()
            .expect("run xuanti")
    }

    /// Runs and requires success; returns stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        String::from_utf8(self.succeeds(args).stdout).expect("stdout is UTF-8")
    }

    /// Runs and requires success; returns stderr (the notes and warnings).
    #[track_caller]
    pub fn ok_stderr(&self, args: &[&str]) -> String {
        String::from_utf8(self.succeeds(args).stderr).expect("stderr is UTF-8")
    }

    #[track_caller]
    fn succeeds(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        if !out.status.success() {
            panic!(
                "xuanti {} failed ({})\n--- stderr ---\n{}\n--- stdout ---\n{}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            );
        }
        out
    }

    /// Runs and requires the bad-data exit (code 1, `xuanti: 错误：` or, in English,
    /// `xuanti: error:` on stderr); returns stderr.
    #[track_caller]
    pub fn fails(&self, args: &[&str]) -> String {
        self.fails_with(args, 1)
    }

    /// Runs and requires the usage-error exit (code 2); returns stderr.
    #[track_caller]
    pub fn fails_usage(&self, args: &[&str]) -> String {
        self.fails_with(args, 2)
    }

    #[track_caller]
    fn fails_with(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if out.status.code() != Some(code) {
            panic!(
                "xuanti {}: expected exit code {code}, got {}\n--- stderr ---\n{}\n--- stdout ---\n{}",
                args.join(" "),
                out.status,
                stderr,
                String::from_utf8_lossy(&out.stdout)
            );
        }
        if code == 1 {
            assert_contains("stderr", &stderr, self.error_prefix());
        }
        stderr
    }
}

/// `assert_eq!` that prints both sides in full, labelled.
#[track_caller]
pub fn assert_same<T: Debug + PartialEq>(what: &str, expected: T, actual: T) {
    if expected != actual {
        panic!("{what} differs\n--- expected ---\n{expected:#?}\n--- actual ---\n{actual:#?}");
    }
}

#[track_caller]
pub fn assert_contains(what: &str, haystack: &str, needle: &str) {
    if !haystack.contains(needle) {
        panic!("{what} does not contain {needle:?}\n--- actual ---\n{haystack}");
    }
}

/// A ranked CSV as `xuanti rank` writes it.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Ranked {
    pub fn parse(text: &str) -> Ranked {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut records = reader.records().map(|r| {
            r.expect("valid CSV")
                .iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        });
        let header = records.next().expect("a header row");
        Ranked {
            header,
            rows: records.collect(),
        }
    }

    #[track_caller]
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.header))
    }

    pub fn column(&self, name: &str) -> Vec<String> {
        let c = self.col(name);
        self.rows.iter().map(|r| r[c].clone()).collect()
    }

    pub fn ids(&self) -> Vec<String> {
        self.column("id")
    }

    pub fn scores(&self) -> Vec<f64> {
        self.column("score")
            .iter()
            .map(|s| {
                s.parse()
                    .unwrap_or_else(|_| panic!("score {s:?} is not a number"))
            })
            .collect()
    }

    /// id → score cell, as written (so equality is exact at the printed precision).
    pub fn score_by_id(&self) -> BTreeMap<String, String> {
        self.ids().into_iter().zip(self.column("score")).collect()
    }

    pub fn rank_of(&self, id: &str) -> usize {
        self.ids()
            .iter()
            .position(|i| i == id)
            .unwrap_or_else(|| panic!("id {id} not ranked: {:?}", self.ids()))
            + 1
    }

    /// The `theme:` columns, in order, without the prefix.
    pub fn theme_columns(&self) -> Vec<String> {
        self.header
            .iter()
            .filter_map(|h| h.strip_prefix("theme:").map(str::to_string))
            .collect()
    }
}

/// Rewrites a CSV with its data rows in a different order (header kept first).
pub fn reorder_rows(csv_text: &str, order: impl Fn(usize) -> Vec<usize>) -> String {
    let mut lines = csv_text.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    let mut out = format!("{header}\n");
    for i in order(rows.len()) {
        out.push_str(rows[i]);
        out.push('\n');
    }
    out
}

/// A fixed, non-trivial permutation of 0..n (reversed, then every other element first).
pub fn shuffled(n: usize) -> Vec<usize> {
    let rev: Vec<usize> = (0..n).rev().collect();
    let mut out: Vec<usize> = rev.iter().copied().step_by(2).collect();
    out.extend(rev.iter().copied().skip(1).step_by(2));
    out
}

/// The data dir of the real-data test, if present.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("XUANTI_DATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
    }
}

/// One entry of a zip archive (an .xlsx is one), as text.
pub fn unzip_entry(zip: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip archive");
    let mut entry = archive.by_name(name).expect("the entry");
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

/// The sheet rows (1 is the header) of an .xlsx written by xuanti that are on the amber band
/// of the marked top of the list.
pub fn amber_rows(xlsx: &[u8]) -> Vec<u32> {
    let styles = unzip_entry(xlsx, "xl/styles.xml");
    let section = |text: &str, tag: &str| -> String {
        let start = text.find(&format!("<{tag}")).expect("the section");
        let end = text.find(&format!("</{tag}>")).expect("its end");
        text[start..end].to_string()
    };
    let attr = |element: &str, name: &str| -> Option<String> {
        let at = element.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(element[at..].split('"').next()?.to_string())
    };
    let fills = section(&styles, "fills");
    // A workbook without a marked row has no amber fill at all.
    let Some(amber) = fills
        .split("<fill>")
        .skip(1)
        .position(|f| f.contains("FFF2CC"))
        .map(|i| i.to_string())
    else {
        return Vec::new();
    };
    let xfs = section(&styles, "cellXfs");
    let marked: Vec<String> = xfs
        .split("<xf ")
        .skip(1)
        .enumerate()
        .filter(|(_, xf)| attr(&format!(" {xf}"), "fillId").as_deref() == Some(amber.as_str()))
        .map(|(i, _)| i.to_string())
        .collect();
    let sheet = unzip_entry(xlsx, "xl/worksheets/sheet1.xml");
    sheet
        .split("<row ")
        .skip(1)
        .filter_map(|row| {
            let number: u32 = attr(&format!(" {row}"), "r")?.parse().ok()?;
            let styled = row
                .split("<c ")
                .skip(1)
                .any(|c| attr(&format!(" {c}"), "s").is_some_and(|s| marked.contains(&s)));
            styled.then_some(number)
        })
        .collect()
}
