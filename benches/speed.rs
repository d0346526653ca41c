//! Whole-process speed and memory of the real `xuanti` binary, next to the segmentation floor.
//!
//! Every measurement spawns the bench-profile `xuanti` (`CARGO_BIN_EXE_xuanti`) as a child
//! process and takes its wall-clock time (and its peak RSS from GNU `/usr/bin/time -f %M`,
//! "n/a" without it). The yardstick is the floor program in `$XUANTI_SHARED/bench/floor`: load
//! jieba, read the CSV, segment every title + text, nothing else; it is built into `target/floor`
//! (when it does not build, the floor comparisons are skipped). Sections:
//!
//! - `train`: `xuanti train` on the 2012–2017 rows against `floor` on the same file (2 threads),
//!   then once more with `--themes-col topics`; that model is the one every later section uses.
//! - `rank`: `xuanti rank --model` on 1,000 rows and on all of batch-2019 against `floor`, the
//!   cold start (no model), and both again on one thread (bar: floor/rank throughput ≥ 0.75).
//! - `startup`: spawn to the first byte on stdout, for `xuanti rank` (1,000 rows) and `floor`.
//! - `threads`: `-j 1` against `-j 2` on 10,000 rows (bar: speed-up ≥ 1.7); the two outputs
//!   must be byte-identical.
//! - `scale`: one run each on `SCALE_ROWS` generated rows: rows/s and peak RSS (bar: < 300 MB).
//!
//! Run: `cargo bench --bench speed [-- FILTER…]`; a section runs when its name contains one of
//! the filters (no filter: all). Tables go to stdout, progress to stderr. Environment:
//!
//! - `RUNS`: repetitions of each timed comparison (default 3).
//! - `SCALE_ROWS`: comma-separated row counts for `scale` (default `300000,1000000`; 1M rows is
//!   about 1.5 GB of CSV, written to a temporary folder and deleted after its run).
//! - `XUANTI_DATA`: the data folder holding `xwlb/` (default `../shared/data` beside the
//!   repository); the bench prints a message and exits 0 when the files are absent.
//! - `XUANTI_SHARED`: the folder holding `bench/floor` (default: the data folder's parent).
//!
//! The machine is shared with other work, so the two sides of a comparison alternate (odd runs
//! one first, even runs the other) and medians are reported: a burst of outside load then
//! slows both sides, or only one run, rather than skewing the ratio.

use std::env;
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::Instant;

use csv::StringRecord;

const SECTIONS: [&str; 6] = ["train", "rank", "startup", "threads", "scale", "review"];
/// The sections that compare with the floor program.
const FLOOR_SECTIONS: [&str; 3] = ["train", "rank", "startup"];
const SMALL_ROWS: usize = 1_000;
const THREADS_ROWS: usize = 10_000;
const DEFAULT_SCALE_ROWS: &str = "300000,1000000";
const GNU_TIME: &str = "/usr/bin/time";
const SINGLE_THREAD_BAR: f64 = 0.75;
const SPEEDUP_BAR: f64 = 1.7;
const RSS_BAR_MB: f64 = 300.0;

fn main() {
    let filters: Vec<String> = env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let selected =
        |section: &str| filters.is_empty() || filters.iter().any(|f| section.contains(f.as_str()));
    if !SECTIONS.iter().any(|s| selected(s)) {
        println!("speed: no section matches {filters:?}; the sections are {SECTIONS:?}");
        return;
    }
    let Some(data) = DataFiles::locate() else {
        return;
    };
    let mut bench = Bench::new(data, runs_from_env());
    bench.print_machine();
    if FLOOR_SECTIONS.iter().any(|s| selected(s)) {
        bench.floor = build_floor(&shared_dir(&bench.data.dir));
    }
    if selected("train") {
        bench.train();
    }
    if selected("rank") {
        bench.rank();
    }
    if selected("startup") {
        bench.startup();
    }
    if selected("threads") {
        bench.threads();
    }
    if selected("scale") {
        bench.scale(&scale_rows_from_env());
    }
    if selected("review") {
        bench.review();
    }
    bench.print_summary();
}

// ---------------------------------------------------------------- configuration

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn xuanti_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_xuanti"))
}

/// The three xwlb files, checked to exist.
struct DataFiles {
    dir: PathBuf,
    train: PathBuf,
    batch_2018: PathBuf,
    batch_2019: PathBuf,
}

impl DataFiles {
    /// `None` (after saying so) when a file is missing: the bench is then skipped.
    fn locate() -> Option<Self> {
        let dir = env::var_os("XUANTI_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| manifest_dir().join("../shared/data"));
        let xwlb = dir.join("xwlb");
        let files = DataFiles {
            train: xwlb.join("train-2012-2017.csv"),
            batch_2018: xwlb.join("batch-2018.csv"),
            batch_2019: xwlb.join("batch-2019.csv"),
            dir,
        };
        for path in [&files.train, &files.batch_2018, &files.batch_2019] {
            if !path.is_file() {
                println!("speed: {} not found; skipping", path.display());
                return None;
            }
        }
        Some(files)
    }
}

fn shared_dir(data_dir: &Path) -> PathBuf {
    let dir = env::var_os("XUANTI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join(".."));
    dir.canonicalize().unwrap_or(dir)
}

fn runs_from_env() -> usize {
    let raw = env::var("RUNS").unwrap_or_else(|_| "3".into());
    match raw.trim().parse() {
        Ok(n) if n > 0 => n,
        _ => panic!("RUNS must be a positive integer, not {raw:?}"),
    }
}

fn scale_rows_from_env() -> Vec<usize> {
    let raw = env::var("SCALE_ROWS").unwrap_or_else(|_| DEFAULT_SCALE_ROWS.into());
    raw.split(',')
        .map(|s| match s.trim().parse() {
            Ok(n) if n > 0 => n,
            _ => panic!("SCALE_ROWS must be positive integers separated by commas, not {raw:?}"),
        })
        .collect()
}

/// Builds the floor program into `target/floor`; `None` (after saying why) when it cannot.
fn build_floor(shared: &Path) -> Option<PathBuf> {
    let project = shared.join("bench/floor");
    let manifest = project.join("Cargo.toml");
    if !manifest.is_file() {
        println!(
            "speed: {} not found; skipping the floor comparisons",
            manifest.display()
        );
        return None;
    }
    let target = manifest_dir().join("target/floor");
    eprintln!("speed: building the floor ({})", project.display());
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .status();
    match status {
        Ok(s) if s.success() => Some(target.join("release/floor")),
        outcome => {
            println!(
                "speed: the floor did not build ({outcome:?}); skipping the floor comparisons"
            );
            None
        }
    }
}

// ---------------------------------------------------------------- running children

/// One finished child process.
struct Outcome {
    wall_secs: f64,
    /// Peak resident set in KB, when GNU time is there to measure it.
    peak_kb: Option<u64>,
    stdout: String,
}

fn describe(cmd: &Command) -> String {
    let args: Vec<_> = cmd.get_args().map(OsStr::to_string_lossy).collect();
    format!("{} {}", cmd.get_program().to_string_lossy(), args.join(" "))
}

/// Panics with the tail of the child's stderr unless it exited successfully.
fn check(cmd: &Command, status: ExitStatus, stderr: &str) {
    if !status.success() {
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        panic!(
            "`{}` failed ({status}); its stderr ends:\n{tail}",
            describe(cmd)
        );
    }
}

/// Runs `cmd` to the end (under GNU time when `gnu_time`), timing it from spawn to exit.
fn run(cmd: &Command, gnu_time: bool) -> Outcome {
    let mut child = if gnu_time {
        let mut timed = Command::new(GNU_TIME);
        timed
            .args(["-f", "%M"])
            .arg(cmd.get_program())
            .args(cmd.get_args());
        timed
    } else {
        clone_command(cmd)
    };
    let start = Instant::now();
    let output = child
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot start `{}`: {e}", describe(cmd)));
    let wall_secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    check(cmd, output.status, &stderr);
    // GNU time writes %M as the last line of stderr, after anything the child wrote.
    let peak_kb = gnu_time
        .then(|| stderr.lines().last().and_then(|l| l.trim().parse().ok()))
        .flatten();
    Outcome {
        wall_secs,
        peak_kb,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    }
}

/// Seconds from spawn to the first byte on the child's stdout; the rest is drained and the
/// child waited for (and checked) before returning.
fn time_to_first_byte(cmd: &Command) -> f64 {
    let start = Instant::now();
    let mut child = clone_command(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{}`: {e}", describe(cmd)));
    let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        unreachable!("both streams were piped")
    };
    // Drained on its own thread so a chatty stderr cannot block the child.
    let stderr_reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut first = [0u8; 1];
    let got_byte = stdout.read_exact(&mut first).is_ok();
    let secs = start.elapsed().as_secs_f64();
    let drained = io::copy(&mut stdout, &mut io::sink());
    let status = child.wait().expect("wait for the child");
    let stderr_text = stderr_reader.join().unwrap_or_default();
    check(cmd, status, &stderr_text);
    assert!(got_byte, "`{}` wrote nothing to stdout", describe(cmd));
    drained.expect("drain the child's stdout");
    secs
}

/// `xuanti [-j N] rank INPUT [--model M] [-o OUT]` (no `-o`: the ranking goes to stdout).
fn rank_cmd(
    input: &Path,
    model: Option<&Path>,
    threads: Option<usize>,
    out: Option<&Path>,
) -> Command {
    let mut cmd = Command::new(xuanti_bin());
    if let Some(n) = threads {
        cmd.arg("-j").arg(n.to_string());
    }
    cmd.arg("rank").arg(input);
    if let Some(model) = model {
        cmd.arg("--model").arg(model);
    }
    if let Some(out) = out {
        cmd.arg("-o").arg(out);
    }
    cmd
}

fn train_cmd(input: &Path, themes: bool, out: &Path) -> Command {
    let mut cmd = Command::new(xuanti_bin());
    cmd.arg("train").arg(input).args(["--label", "selected"]);
    if themes {
        cmd.args(["--themes-col", "topics"]);
    }
    cmd.arg("-o").arg(out);
    cmd
}

fn floor_cmd(floor: &Path, input: &Path, threads: usize) -> Command {
    let mut cmd = Command::new(floor);
    cmd.arg(input).arg(threads.to_string());
    cmd
}

// ---------------------------------------------------------------- statistics

/// The runs of one command.
#[derive(Default)]
struct Samples {
    walls: Vec<f64>,
    peak_kb: Option<u64>,
    last_stdout: String,
}

impl Samples {
    fn push(&mut self, outcome: Outcome) {
        self.walls.push(outcome.wall_secs);
        self.peak_kb = self.peak_kb.max(outcome.peak_kb);
        self.last_stdout = outcome.stdout;
    }

    /// Timings without an RSS or output (spawn to first byte).
    fn from_walls(walls: Vec<f64>) -> Self {
        Samples {
            walls,
            ..Samples::default()
        }
    }

    fn median(&self) -> f64 {
        median(&self.walls)
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn mb(kb: Option<u64>) -> String {
    kb.map_or_else(|| "n/a".into(), |kb| format!("{:.0}", kb as f64 / 1024.0))
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "ok"
    } else {
        "MISSED"
    }
}

// ---------------------------------------------------------------- input files

/// A CSV's header and records, held in memory to write derived files from.
struct Rows {
    header: StringRecord,
    records: Vec<StringRecord>,
}

impl Rows {
    /// The records of every file (the headers must agree), in order.
    fn read(paths: &[&Path]) -> Self {
        let mut rows: Option<Rows> = None;
        for path in paths {
            let mut reader = csv::Reader::from_path(path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let header = reader.headers().expect("a CSV header").clone();
            let records = reader
                .records()
                .map(|r| r.unwrap_or_else(|e| panic!("{}: {e}", path.display())));
            match &mut rows {
                None => {
                    rows = Some(Rows {
                        header,
                        records: records.collect(),
                    })
                }
                Some(rows) => {
                    assert_eq!(rows.header, header, "{} has another header", path.display());
                    rows.records.extend(records);
                }
            }
        }
        rows.expect("at least one file")
    }

    /// Header plus the first `n` records, ids unchanged.
    fn write_head(&self, n: usize, path: &Path) {
        let mut writer = csv_writer(path);
        writer.write_record(&self.header).expect("write the header");
        for record in self.records.iter().take(n) {
            writer.write_record(record).expect("write a row");
        }
        writer.flush().expect("flush the CSV");
    }

    /// Header plus `n` rows cycling through the records, with fresh ids `s0`, `s1`, … so no
    /// two rows share an id.
    fn write_cycled(&self, n: usize, path: &Path) {
        let id_col = self
            .header
            .iter()
            .position(|c| c == "id")
            .expect("an `id` column");
        let mut writer = csv_writer(path);
        writer.write_record(&self.header).expect("write the header");
        for (i, record) in self.records.iter().cycle().take(n).enumerate() {
            let id = format!("s{i}");
            let fields =
                record
                    .iter()
                    .enumerate()
                    .map(|(col, field)| if col == id_col { id.as_str() } else { field });
            writer.write_record(fields).expect("write a row");
        }
        writer.flush().expect("flush the CSV");
    }
}

fn csv_writer(path: &Path) -> csv::Writer<BufWriter<File>> {
    let file =
        File::create(path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file))
}

/// Records in a CSV, the header included, counted without holding the file.
fn count_records(path: &Path) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut record = csv::ByteRecord::new();
    let mut count = 0;
    while reader.read_byte_record(&mut record).expect("a CSV record") {
        count += 1;
    }
    count
}

fn file_mb(path: &Path) -> f64 {
    let bytes = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    bytes as f64 / 1e6
}

fn remove(path: &Path) {
    fs::remove_file(path).unwrap_or_else(|e| panic!("cannot delete {}: {e}", path.display()));
}

// ---------------------------------------------------------------- the bench

struct Bench {
    data: DataFiles,
    floor: Option<PathBuf>,
    tmp: tempfile::TempDir,
    runs: usize,
    gnu_time: bool,
    /// The model trained with `--themes-col topics`, once trained.
    model: Option<PathBuf>,
    summary: Vec<String>,
}

impl Bench {
    fn new(data: DataFiles, runs: usize) -> Self {
        Bench {
            data,
            floor: None,
            tmp: tempfile::tempdir().expect("a temporary folder"),
            runs,
            gnu_time: Path::new(GNU_TIME).is_file(),
            model: None,
            summary: Vec::new(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn print_machine(&self) {
        let cores = thread::available_parallelism().map_or(0, |n| n.get());
        println!("## xuanti speed bench\n");
        println!("- machine: nproc {cores}, load average {}", load_average());
        println!("- xuanti: {}", xuanti_bin().display());
        println!(
            "- runs: {} (medians of alternating runs, wall-clock seconds)",
            self.runs
        );
        if !self.gnu_time {
            println!("- peak RSS: n/a ({GNU_TIME} not found)");
        }
    }

    fn print_summary(&self) {
        println!("\n## summary\n");
        println!("- load average at the end: {}", load_average());
        for line in &self.summary {
            println!("- {line}");
        }
    }

    fn section(&self, name: &str) {
        eprintln!("speed: section {name}");
        println!("\n### {name}\n");
        println!("| measurement | runs | median wall (s) | peak RSS (MB) |");
        println!("|---|---:|---:|---:|");
    }

    fn row(&self, what: &str, samples: &Samples) {
        println!(
            "| {what} | {} | {:.3} | {} |",
            samples.walls.len(),
            samples.median(),
            mb(samples.peak_kb)
        );
    }

    /// `self.runs` runs of each command, alternating which goes first.
    fn alternate(&self, label: &str, a: &Command, b: &Command) -> (Samples, Samples) {
        self.alternate_checked(label, a, b, |_| ())
    }

    /// As [`Bench::alternate`], calling `after_pair(run)` once both commands of a run are done.
    fn alternate_checked(
        &self,
        label: &str,
        a: &Command,
        b: &Command,
        after_pair: impl FnMut(usize),
    ) -> (Samples, Samples) {
        let (mut first, mut second) = (Samples::default(), Samples::default());
        self.alternate_by(
            label,
            || first.push(run(a, self.gnu_time)),
            || second.push(run(b, self.gnu_time)),
            after_pair,
        );
        (first, second)
    }

    /// Calls `a` and `b` `self.runs` times each, `a` first in odd runs and `b` first in even
    /// ones, then `after_pair(run)`.
    fn alternate_by(
        &self,
        label: &str,
        mut a: impl FnMut(),
        mut b: impl FnMut(),
        mut after_pair: impl FnMut(usize),
    ) {
        for r in 1..=self.runs {
            eprintln!("speed:   {label}, run {r}/{}", self.runs);
            if r % 2 == 1 {
                a();
                b();
            } else {
                b();
                a();
            }
            after_pair(r);
        }
    }

    fn repeat(&self, label: &str, cmd: &Command) -> Samples {
        let mut samples = Samples::default();
        for r in 1..=self.runs {
            eprintln!("speed:   {label}, run {r}/{}", self.runs);
            samples.push(run(cmd, self.gnu_time));
        }
        samples
    }

    /// The themes model, trained here when the `train` section did not run.
    fn model(&mut self) -> PathBuf {
        if let Some(model) = &self.model {
            return model.clone();
        }
        let model = self.path("model_themes.json");
        eprintln!("speed: training the model (not timed)");
        run(&train_cmd(&self.data.train, true, &model), false);
        self.model = Some(model.clone());
        model
    }

    fn train(&mut self) {
        self.section("train");
        let train = self.data.train.clone();
        let selection = train_cmd(&train, false, &self.path("model.json"));
        if let Some(floor) = &self.floor {
            let floor_run = floor_cmd(floor, &train, 2);
            let (xuanti, floor) = self.alternate("train vs floor", &selection, &floor_run);
            self.row("xuanti train --label selected", &xuanti);
            self.row(
                &format!("floor 2 threads ({})", floor.last_stdout.trim()),
                &floor,
            );
            self.summary.push(format!(
                "train / floor (24k rows): {:.2}x",
                xuanti.median() / floor.median()
            ));
        } else {
            let xuanti = self.repeat("train", &selection);
            self.row("xuanti train --label selected", &xuanti);
        }
        let model = self.path("model_themes.json");
        let mut themes = Samples::default();
        eprintln!("speed:   train --themes-col topics");
        themes.push(run(&train_cmd(&train, true, &model), self.gnu_time));
        self.row("xuanti train --label selected --themes-col topics", &themes);
        self.model = Some(model);
    }

    fn small_file(&self) -> PathBuf {
        let path = self.path("batch-2019-first-1000.csv");
        if !path.is_file() {
            Rows::read(&[&self.data.batch_2019]).write_head(SMALL_ROWS, &path);
        }
        path
    }

    fn rank(&mut self) {
        self.section("rank");
        let model = self.model();
        let inputs = [
            ("1,000 rows", self.small_file()),
            ("batch-2019", self.data.batch_2019.clone()),
        ];
        for (name, input) in &inputs {
            self.rank_one(name, input, &model);
        }
    }

    /// Issue 7: a round of `rank --decisions` learning (refit + re-score every row, as timed
    /// inside `simulate`) against ranking batch-2019 once with the model, in the same run.
    fn review(&mut self) {
        self.section("review");
        let model = self.model();
        let input = self.data.batch_2019.clone();
        let out = self.path("out.csv");
        let ranked = self.repeat(
            "batch-2019",
            &rank_cmd(&input, Some(&model), None, Some(&out)),
        );
        self.row("batch-2019: xuanti rank --model", &ranked);
        let mut sim = Command::new(xuanti_bin());
        sim.arg("simulate")
            .arg(&input)
            .args(["--label", "selected", "--json", "--model"])
            .arg(&model);
        let runs = self.repeat("batch-2019 simulate", &sim);
        let value: serde_json::Value =
            serde_json::from_str(runs.last_stdout.trim()).expect("simulate --json prints JSON");
        let round = value["seconds_per_round"].as_f64().unwrap_or(f64::NAN);
        let estimate = value["seconds_per_estimate"].as_f64().unwrap_or(f64::NAN);
        let share = round / ranked.median();
        println!(
            "| batch-2019: one round (learn + re-rank 4,800 rows) | {:.1} ms | picks-left estimate {:.1} ms |",
            round * 1e3,
            estimate * 1e3
        );
        self.summary.push(format!(
            "review round / rank once, batch-2019: {:.2}% ({:.1} ms vs {:.2} s; with the estimate {:.2}%) (bar < 5%: {})",
            share * 100.0,
            round * 1e3,
            ranked.median(),
            (round + estimate) / ranked.median() * 100.0,
            verdict(share < 0.05)
        ));
    }

    fn rank_one(&mut self, name: &str, input: &Path, model: &Path) {
        let out = self.path("out.csv");
        let warm = rank_cmd(input, Some(model), None, Some(&out));
        let cold = rank_cmd(input, None, None, Some(&out));
        let single = rank_cmd(input, Some(model), Some(1), Some(&out));
        let Some(floor) = self.floor.clone() else {
            self.row(
                &format!("{name}: xuanti rank --model"),
                &self.repeat(name, &warm),
            );
            self.row(
                &format!("{name}: xuanti rank (cold)"),
                &self.repeat(name, &cold),
            );
            self.row(
                &format!("{name}: xuanti -j 1 rank --model"),
                &self.repeat(name, &single),
            );
            return;
        };
        let (ranked, floored) = self.alternate(name, &warm, &floor_cmd(&floor, input, 2));
        self.row(&format!("{name}: xuanti rank --model"), &ranked);
        self.row(&format!("{name}: floor 2 threads"), &floored);
        self.row(
            &format!("{name}: xuanti rank (cold)"),
            &self.repeat(name, &cold),
        );
        let (ranked_1, floored_1) = self.alternate(name, &single, &floor_cmd(&floor, input, 1));
        self.row(&format!("{name}: xuanti -j 1 rank --model"), &ranked_1);
        self.row(&format!("{name}: floor 1 thread"), &floored_1);
        let throughput = floored_1.median() / ranked_1.median();
        self.summary.push(format!(
            "rank / floor, {name}: {:.2}x; single-thread throughput floor_time / rank_time {:.2} \
             (bar >= {SINGLE_THREAD_BAR}: {})",
            ranked.median() / floored.median(),
            throughput,
            verdict(throughput >= SINGLE_THREAD_BAR)
        ));
    }

    fn startup(&mut self) {
        self.section("startup");
        let model = self.model();
        let input = self.small_file();
        let ranked = rank_cmd(&input, Some(&model), None, None);
        let (mut x, mut f) = (Vec::new(), Vec::new());
        match self.floor.as_ref().map(|f| floor_cmd(f, &input, 2)) {
            Some(floor) => self.alternate_by(
                "first byte",
                || x.push(time_to_first_byte(&ranked)),
                || f.push(time_to_first_byte(&floor)),
                |_| (),
            ),
            None => {
                x = (0..self.runs)
                    .map(|_| time_to_first_byte(&ranked))
                    .collect()
            }
        }
        let what = "1,000 rows: xuanti rank --model to stdout, first byte";
        self.row(what, &Samples::from_walls(x));
        if !f.is_empty() {
            let what = "1,000 rows: floor 2 threads, first byte";
            self.row(what, &Samples::from_walls(f));
        }
    }

    fn threads(&mut self) {
        self.section("threads");
        let model = self.model();
        let input = self.path("threads-10000.csv");
        Rows::read(&[&self.data.batch_2018, &self.data.batch_2019])
            .write_cycled(THREADS_ROWS, &input);
        let (out_1, out_2) = (self.path("o1.csv"), self.path("o2.csv"));
        let one = rank_cmd(&input, Some(&model), Some(1), Some(&out_1));
        let two = rank_cmd(&input, Some(&model), Some(2), Some(&out_2));
        let (s1, s2) = self.alternate_checked("-j 1 vs -j 2", &one, &two, |r| {
            let same =
                fs::read(&out_1).expect("read o1.csv") == fs::read(&out_2).expect("read o2.csv");
            assert!(same, "-j 1 and -j 2 wrote different outputs (run {r})");
        });
        self.row("10,000 rows: xuanti -j 1 rank --model", &s1);
        self.row("10,000 rows: xuanti -j 2 rank --model", &s2);
        let speedup = s1.median() / s2.median();
        self.summary.push(format!(
            "threads, 10,000 rows: -j 1 / -j 2 speed-up {speedup:.2} (bar >= {SPEEDUP_BAR}: {}); \
             outputs byte-identical in every run ({})",
            verdict(speedup >= SPEEDUP_BAR),
            self.runs
        ));
        remove(&input);
    }

    fn scale(&mut self, sizes: &[usize]) {
        let model = self.model();
        eprintln!("speed: section scale");
        println!("\n### scale\n");
        println!("| run | rows | input MB | wall (s) | rows/s | peak RSS (MB) |");
        println!("|---|---:|---:|---:|---:|---:|");
        let rows = Rows::read(&[
            &self.data.batch_2018,
            &self.data.batch_2019,
            &self.data.train,
        ]);
        let mut worst_kb = None;
        for (i, &n) in sizes.iter().enumerate() {
            let input = self.path(&format!("scale-{n}.csv"));
            eprintln!("speed:   generating {n} rows (not timed)");
            rows.write_cycled(n, &input);
            worst_kb = worst_kb.max(self.scale_run("rank --model", n, &input, Some(&model)));
            if i == 0 {
                self.scale_run("rank (cold)", n, &input, None);
            }
            remove(&input);
        }
        let worst_mb = worst_kb.map(|kb| kb as f64 / 1024.0);
        self.summary.push(match worst_mb {
            Some(peak) => format!(
                "scale: highest peak RSS with the model {peak:.0} MB (bar < {RSS_BAR_MB} MB: {})",
                verdict(peak < RSS_BAR_MB)
            ),
            None => "scale: peak RSS n/a".into(),
        });
    }

    /// One timed rank of a generated file; returns its peak RSS in KB.
    fn scale_run(
        &self,
        what: &str,
        rows: usize,
        input: &Path,
        model: Option<&Path>,
    ) -> Option<u64> {
        let out = self.path("scale-out.csv");
        eprintln!("speed:   {what} on {rows} rows");
        let outcome = run(&rank_cmd(input, model, None, Some(&out)), self.gnu_time);
        println!(
            "| xuanti {what} | {rows} | {:.0} | {:.1} | {:.0} | {} |",
            file_mb(input),
            outcome.wall_secs,
            rows as f64 / outcome.wall_secs,
            mb(outcome.peak_kb)
        );
        let records = count_records(&out);
        assert_eq!(
            records,
            rows + 1,
            "{} should hold a header and {rows} rows",
            out.display()
        );
        remove(&out);
        outcome.peak_kb
    }
}

fn clone_command(cmd: &Command) -> Command {
    let mut copy = Command::new(cmd.get_program());
    copy.args(cmd.get_args());
    copy
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}
