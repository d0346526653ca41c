//! Subcommands: each parses its flags into checked library settings, then runs the stages.

mod eval;
mod help_zh;
mod init;
mod rank;
mod simulate;
mod train;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use xuanti::model::learn::Loss;
use xuanti::model::{PickRate, TrainOptions};
use xuanti::read::{Batch, ColumnOverrides, ReadOptions};
use xuanti::score::Analyzer;
use xuanti::segment::Segmenter;
use xuanti::themes::ThemeSet;
use xuanti::tr;

/// 选题: rank Chinese topic submissions against central-work themes and exemplar criteria,
/// and learn from past selections.
#[derive(Debug, Parser)]
#[command(name = "xuanti", version, about, long_about = None)]
pub struct Cli {
    /// Worker threads, 1 to 1024 (default: one per core; 1 runs everything on the main
    /// thread). The output is the same for any number.
    #[arg(long, short = 'j', global = true, value_name = "N", value_parser = parse_threads)]
    threads: Option<std::num::NonZeroUsize>,
    /// Print only errors on stderr: no progress bar, notes or warnings.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more on stderr: how long each stage took and what was decided.
    #[arg(long, short = 'v', global = true)]
    verbose: bool,
    /// Language of help and messages: zh (Chinese, the default) or en (English); the
    /// environment variable XUANTI_LANG=en does the same.
    #[arg(long, global = true, value_name = "LANG", ignore_case = true)]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

/// The languages of `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Lang {
    /// 中文
    Zh,
    /// English
    En,
}

/// Parses the command line: with help and clap's messages in Chinese unless English was
/// chosen (`xuanti::lang`, decided before this from `--lang` and `XUANTI_LANG`). Exits like
/// clap on `--help`, `--version` and usage errors (code 2).
pub fn parse() -> Cli {
    let mut cmd = Cli::command();
    if !xuanti::lang::english() {
        cmd = help_zh::localize(cmd);
    }
    let parsed = match cmd.try_get_matches_from_mut(std::env::args_os()) {
        Ok(m) => Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd)),
        Err(e) => Err(e),
    };
    match parsed {
        Ok(cli) => {
            if let Some(lang) = cli.lang {
                xuanti::lang::set_english(lang == Lang::En);
            }
            cli
        }
        Err(e) => {
            if !xuanti::lang::english() {
                if let Some(hint) = help_zh::error_hint(e.kind()) {
                    eprintln!("xuanti: 命令行有误：{hint}（详见下面的英文说明）");
                }
            }
            e.exit()
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Rank a batch of submissions (CSV or workbooks, one file or several) with reasons, best first.
    Rank(rank::RankArgs),
    /// Train a selection model from past rounds (CSV or workbooks, one file per round, with a
    /// picked/not-picked column).
    Train(train::TrainArgs),
    /// Measure ranking quality: cross-validation, train→test batches, or cold start.
    Eval(eval::EvalArgs),
    /// Replay screening with re-ranking after each round of decisions, on known picks.
    Simulate(simulate::SimulateArgs),
    /// Write editable starting files: themes.toml, userdict.txt and a blank 素材申报表.
    Init(init::InitArgs),
}

/// How much goes to stderr: 0 errors only (`-q`), 1 notes and warnings, 2 details (`-v`).
static LEVEL: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(1);

fn level() -> u8 {
    LEVEL.load(std::sync::atomic::Ordering::Relaxed)
}

/// A note on stderr (what was read, what was written), unless `-q`.
pub fn note(message: impl std::fmt::Display) {
    if level() >= 1 {
        eprintln!("xuanti: {message}");
    }
}

/// A detail on stderr (stage times, decisions), only with `-v`.
pub fn detail(message: impl std::fmt::Display) {
    if level() >= 2 {
        eprintln!("xuanti: {message}");
    }
}

/// A progress bar on stderr for `total` units (bytes or rows), drawn only when stderr is a
/// terminal and not `-q`; otherwise hidden (so logs and pipes get no control characters).
pub fn progress_bar(total: Option<u64>, what: &'static str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if level() == 0 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = match total {
        Some(t) => indicatif::ProgressBar::new(t).with_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {prefix} [{bar:30}] {percent:>3}%  {msg}  {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        ),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_prefix(what);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Runs one subcommand.
pub fn run(cli: Cli) -> Result<()> {
    LEVEL.store(
        match (cli.quiet, cli.verbose) {
            (true, _) => 0,
            (_, true) => 2,
            _ => 1,
        },
        std::sync::atomic::Ordering::Relaxed,
    );
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.get())
            .build_global()
            .context(tr!("无法启动工作线程", "cannot start the worker threads"))?;
    }
    match cli.command {
        Command::Rank(a) => rank::run(a),
        Command::Train(a) => train::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Init(a) => init::run(a),
    }
}

/// Column and dictionary flags shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Column holding the submission id (default: id/编号/序号).
    #[arg(long, value_name = "COL")]
    id_col: Option<String>,
    /// Column holding the title (default: title/标题/题目/选题/选题名称).
    #[arg(long, value_name = "COL")]
    title_col: Option<String>,
    /// Column holding the text (default: text/content/内容/正文/事迹/简介/素材内容/主要内容).
    #[arg(long, value_name = "COL")]
    text_col: Option<String>,
    /// Column holding the reporting unit (default: unit/报送单位/单位/申报单位).
    #[arg(long, value_name = "COL")]
    unit_col: Option<String>,
    /// Encoding of the input (gbk, gb18030, utf-8, utf-16le, utf-16be, …); default: detect
    /// (BOM, then UTF-8, then GB18030).
    #[arg(long, value_name = "ENC", value_parser = parse_encoding)]
    encoding: Option<&'static encoding_rs::Encoding>,
    /// Replace bytes that do not decode with � (and count them) instead of stopping.
    #[arg(long)]
    lossy: bool,
    /// Field delimiter: `,`, `tab`, `;` or any one character; default: detect from the
    /// header.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    delimiter: Option<u8>,
    /// Skip rows whose number of cells differs from the header's (a warning names each)
    /// instead of stopping.
    #[arg(long)]
    skip_bad_rows: bool,
    /// Sheet of an .xlsx/.xls/.ods workbook to read (default: the first visible sheet with
    /// anything in it).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Extra segmentation dictionary: one `word [freq] [tag]` per line.
    #[arg(long, value_name = "FILE")]
    dict: Option<PathBuf>,
    /// Themes file (TOML) replacing the built-in themes.
    #[arg(long, value_name = "FILE")]
    themes: Option<PathBuf>,
}

impl InputArgs {
    /// The files these flags name, by flag, for [`no_stdin`].
    fn files(&self) -> [(&'static str, Option<&Path>); 2] {
        [
            ("--themes", self.themes.as_deref()),
            ("--dict", self.dict.as_deref()),
        ]
    }

    /// `input` and the other files these flags name (the themes file, the dictionary): what no
    /// output may be written over.
    fn paths<'a>(&'a self, input: &'a Path) -> Vec<&'a Path> {
        self.paths_with(std::iter::once(input))
    }

    /// [`InputArgs::paths`] for several input files.
    fn paths_of<'a>(&'a self, inputs: &'a [PathBuf]) -> Vec<&'a Path> {
        self.paths_with(inputs.iter().map(PathBuf::as_path))
    }

    fn paths_with<'a>(&'a self, inputs: impl Iterator<Item = &'a Path>) -> Vec<&'a Path> {
        inputs
            .chain(self.themes.as_deref())
            .chain(self.dict.as_deref())
            .collect()
    }

    /// Refuses a file given twice among several inputs, under any name (`./a.csv`, a symbolic
    /// or hard link): its rows would be ranked or learned twice. `-` (standard input) is
    /// refused where `stdin` is false: `train` reads its files again (the model's
    /// fingerprint), and a file named `-` was looked for.
    fn distinct(&self, inputs: &[PathBuf], stdin: bool) -> Result<()> {
        if !stdin && inputs.iter().any(|p| p.as_os_str() == "-") {
            return Err(xuanti::Error::Usage(xuanti::tr!(
                "-：训练用的数据要读不止一遍，不能从标准输入读；请存成文件，再给出文件名（名叫 - 的文件写作 ./-）",
                "-: the data to train on is read more than once, so it cannot come from standard input; save it to a file and give its name (for a file named -, write ./-)"
            ))
            .into());
        }
        for (i, p) in inputs.iter().enumerate() {
            if inputs[..i].iter().any(|q| xuanti::write::same_file(p, q)) {
                return Err(xuanti::Error::SameInput { path: p.clone() }.into());
            }
        }
        Ok(())
    }

    fn overrides(&self) -> ColumnOverrides {
        ColumnOverrides {
            id: self.id_col.clone(),
            title: self.title_col.clone(),
            unit: self.unit_col.clone(),
            text: self.text_col.clone(),
        }
    }

    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            columns: self.overrides(),
            encoding: self.encoding,
            lossy: self.lossy,
            delimiter: self.delimiter,
            skip_bad_rows: self.skip_bad_rows,
            sheet: self.sheet.clone(),
            any_columns: false,
        }
    }

    fn read(&self, path: &Path) -> Result<Batch> {
        let batch = Batch::read(path, self.read_options()).context(read_failed())?;
        note(&batch.description);
        warn(&batch.warnings);
        Ok(batch)
    }

    /// The themes (`--themes`, else the built-in ones), with a warning for each that no
    /// themes cell can name ([`ThemeSet::label_warnings`]).
    fn theme_set(&self) -> Result<ThemeSet> {
        let themes = self.load_themes()?;
        warn(&themes.label_warnings());
        Ok(themes)
    }

    /// [`InputArgs::theme_set`] without the warnings.
    fn load_themes(&self) -> Result<ThemeSet> {
        match &self.themes {
            Some(p) => ThemeSet::read(p).context(tr!(
                "无法使用主题文件（--themes）",
                "cannot use the themes file"
            )),
            None => Ok(ThemeSet::built_in()),
        }
    }

    fn segmenter(&self) -> Result<Segmenter> {
        match &self.dict {
            Some(p) => Segmenter::with_dict(p).context(tr!(
                "无法使用词典文件（--dict）",
                "cannot use the dictionary"
            )),
            None => Ok(Segmenter::new()),
        }
    }

    fn analyzer(&self, themes: &ThemeSet) -> Result<Analyzer> {
        Ok(Analyzer::new(self.segmenter()?, themes))
    }

    /// [`InputArgs::read`] beside [`InputArgs::theme_set`] and [`InputArgs::analyzer`]:
    /// reading a large file and building jieba's dictionary are both serial, so each gets a
    /// core. Errors come in the order the three had when they ran one after the other: the
    /// file, then the themes file, then the dictionary. The themes are the analyzer's.
    fn read_with_analyzer(&self, path: &Path) -> Result<(Batch, Analyzer)> {
        let (mut batches, analyzer) = self.read_all_with_analyzer(std::slice::from_ref(&path))?;
        Ok((batches.remove(0), analyzer))
    }

    /// [`InputArgs::read_with_analyzer`] for several files, read one after the other (in the
    /// order given) while the dictionary builds.
    fn read_all_with_analyzer(&self, paths: &[&Path]) -> Result<(Vec<Batch>, Analyzer)> {
        let (batches, analyzer) = std::thread::scope(|scope| {
            // The themes' warnings wait for the files' notes: stderr reads in the same order
            // whichever thread is first.
            let analyzer = scope.spawn(|| {
                let themes = self.load_themes()?;
                Ok::<_, anyhow::Error>((self.analyzer(&themes)?, themes.label_warnings()))
            });
            let batches = paths
                .iter()
                .map(|p| self.read(p))
                .collect::<Result<Vec<Batch>>>();
            let analyzer = analyzer
                .join()
                .expect("building the analyzer does not panic");
            (batches, analyzer)
        });
        let (batches, (analyzer, warnings)) = (batches?, analyzer?);
        warn(&warnings);
        Ok((batches, analyzer))
    }
}

/// The context of every error while reading the submissions.
pub fn read_failed() -> String {
    tr!("无法读取申报材料", "cannot read the submissions")
}

/// Refuses `-` (standard input) named for more than one of `inputs` (what each is, the path):
/// the first reading takes the whole stream, and the second said "the file is empty" about
/// data that was there (`rank - --decisions-file -`, `eval --test - --test -`).
pub fn stdin_once<'a>(inputs: impl IntoIterator<Item = (&'a str, &'a Path)>) -> Result<()> {
    let given: Vec<&str> = inputs
        .into_iter()
        .filter(|(_, p)| p.as_os_str() == "-")
        .map(|(what, _)| what)
        .collect();
    if given.len() > 1 {
        let given = xuanti::lang::list(&given);
        return Err(xuanti::Error::Usage(tr!(
            "-：标准输入只能读一次，却给了不止一个输入（{given}）：只留一个从标准输入读，其余的存成文件，再给出文件名（名叫 - 的文件写作 ./-）",
            "-: standard input can be read only once, but it is given for more than one input ({given}): save all but one of them to files and give their names (for a file named -, write ./-)"
        ))
        .into());
    }
    Ok(())
}

/// Refuses `-` for a flag that names a file read from disk (`--model -`, `--themes -`,
/// `--dict -`, `--compare -`): `-` reads standard input for the batch and `eval --test`, so a
/// missing file named `-` ("-: file not found") said nothing of why.
pub fn no_stdin<'a>(files: impl IntoIterator<Item = (&'a str, Option<&'a Path>)>) -> Result<()> {
    for (flag, path) in files {
        if path.is_some_and(|p| p.as_os_str() == "-") {
            return Err(xuanti::Error::Usage(tr!(
                "{flag} -：{flag} 不从标准输入读，请给出文件名（名叫 - 的文件写作 ./-）",
                "{flag} -: {flag} does not read standard input; give a file name (for a file named -, write ./-)"
            ))
            .into());
        }
    }
    Ok(())
}

/// The context of every error while loading a model file.
pub fn model_failed() -> String {
    tr!("无法使用模型文件（--model）", "cannot use the model")
}

/// Prints warnings on stderr, at most 20 of them and then a count.
pub fn warn(warnings: &[String]) {
    if level() == 0 {
        return;
    }
    let label = tr!("警告：", "warning: ");
    for w in warnings.iter().take(20) {
        eprintln!("xuanti: {label}{w}");
    }
    if warnings.len() > 20 {
        let more = warnings.len() - 20;
        eprintln!(
            "xuanti: {label}{}",
            tr!("……另外还有 {more} 条", "… and {more} more")
        );
    }
}

/// Parses `--encoding`: any label encoding_rs knows (the WHATWG names: gbk, gb18030,
/// utf-8, utf-16le, big5, …).
fn parse_encoding(value: &str) -> std::result::Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(value.trim().as_bytes()).ok_or_else(|| {
        tr!(
            "“{value}”不是编码名称：请用 gbk、gb18030、utf-8、utf-16le 或 utf-16be",
            "'{value}' is not an encoding name: use gbk, gb18030, utf-8, utf-16le or utf-16be"
        )
    })
}

/// Parses `--delimiter`: `,`, `tab` (or `\t`), `;` or any single ASCII character.
fn parse_delimiter(value: &str) -> std::result::Result<u8, String> {
    match value {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        v if v.len() == 1 && v.is_ascii() && v != "\"" && v != "\n" => Ok(v.as_bytes()[0]),
        v => Err(tr!(
            "“{v}”不能作分隔符：请用 ','、tab、';' 或其他单个字符",
            "'{v}' is not a delimiter: use ',', tab, ';' or another single character"
        )),
    }
}

/// Parses `-j`: a whole number from 1 to [`MAX_THREADS`].
fn parse_threads(value: &str) -> std::result::Result<std::num::NonZeroUsize, String> {
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(std::num::NonZeroUsize::new(n).unwrap()),
        _ => Err(tr!(
            "“{value}”不是线程数：请用 1 到 {MAX_THREADS} 之间的整数",
            "'{value}' is not a thread count: use a whole number from 1 to {MAX_THREADS}"
        )),
    }
}

/// Parses `--pick-rate`: `trained`, `off`, or a rate in (0, 1) such as `0.1`.
pub fn parse_pick_rate(value: &str) -> std::result::Result<PickRate, String> {
    match value {
        "trained" => Ok(PickRate::Trained),
        "off" => Ok(PickRate::Off),
        v => match v.parse::<f32>() {
            Ok(r) if r > 0.0 && r < 1.0 => Ok(PickRate::Fixed(r)),
            _ => Err(tr!(
                "“{v}”不是入选率：请用 trained、off，或 0 到 1 之间的数，如 0.1",
                "'{v}' is not a pick rate: use trained, off, or a number between 0 and 1 such as 0.1"
            )),
        },
    }
}

/// Parses a feature block's weight (`--chars`, `--title-weight`, `--shape`, `--nb`,
/// `--prior-scale`): a number from 0 to [`MAX_BLOCK_WEIGHT`].
pub fn parse_weight(value: &str) -> std::result::Result<f32, String> {
    match value.trim().parse::<f32>() {
        Ok(w) if (0.0..=MAX_BLOCK_WEIGHT).contains(&w) => Ok(w),
        _ => Err(tr!(
            "“{value}”不是权重：请用 0 到 {MAX_BLOCK_WEIGHT} 之间的数",
            "'{value}' is not a weight: use a number from 0 to {MAX_BLOCK_WEIGHT}"
        )),
    }
}

/// Parses a C of the SVM (`--c-grid`, `simulate --c`): a number above 0, at most [`MAX_C`].
pub fn parse_c(value: &str) -> std::result::Result<f32, String> {
    match value.trim().parse::<f32>() {
        Ok(c) if c > 0.0 && c <= MAX_C => Ok(c),
        _ => Err(tr!(
            "“{value}”不是 C 值：请用大于 0、不超过 {MAX_C} 的数",
            "'{value}' is not a C: use a number above 0 and at most {MAX_C}"
        )),
    }
}

/// The shortest `--recency` half-life: at a tenth of a year every year before the newest
/// weighs under a thousandth, so that shorter ones learn from the newest year alone while
/// the message says the whole file was used.
const MIN_RECENCY: f32 = 0.1;

/// Parses `--recency`: years, from [`MIN_RECENCY`] to 1,000.
fn parse_recency(value: &str) -> std::result::Result<f32, String> {
    match value.trim().parse::<f32>() {
        Ok(r) if (MIN_RECENCY..=1000.0).contains(&r) => Ok(r),
        _ => Err(tr!(
            "“{value}”不是半衰期：请用 {MIN_RECENCY} 到 1000 之间的年数（更短的只学最近一年）",
            "'{value}' is not a half-life: use {MIN_RECENCY} to 1000 years (a shorter one learns from the newest year alone)"
        )),
    }
}

/// The largest weight a feature block may be given (the word block weighs 1; the kept
/// settings are 0.5); far beyond it the fit overflows.
const MAX_BLOCK_WEIGHT: f32 = 100.0;
/// The largest C of `--c-grid` (the kept grid ends at 10).
const MAX_C: f32 = 10_000.0;
/// The most worker threads `-j` starts (each costs a stack and start-up time; more than the
/// machine's cores only adds that cost).
const MAX_THREADS: usize = 1024;

/// Learner flags shared by `train` and `eval`.
#[derive(Debug, Clone, Args)]
pub struct LearnArgs {
    /// Column of theme labels, separated by `;`, `；`, `、` or a comma: trains one model per
    /// label (`theme:<label>`).
    #[arg(long, value_name = "COL")]
    themes_col: Option<String>,
    /// Column with each row's date or year (default: date/日期/year/年份). With one, the
    /// internal validation fits on the earlier years and scores the newest years (given at
    /// least four), and --recency weighs rows by their year; without one, several files count
    /// as rounds in the order given (oldest first), and one file is validated by stratified
    /// k-fold.
    #[arg(long, value_name = "COL")]
    date_col: Option<String>,
    /// Weigh recent rounds more: a row's weight halves every YEARS years before the newest.
    #[arg(long, value_name = "YEARS", value_parser = parse_recency)]
    recency: Option<f32>,
    /// Folds of the internal cross-validation.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=20))]
    cv_folds: u32,
    /// Seed of folds and solver order (same seed, same model).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Loss of the sparse text model: squared-hinge (linear SVM) or logistic.
    #[arg(long, value_name = "LOSS", value_parser = ["squared-hinge", "logistic"])]
    loss: Option<String>,
    /// C values the internal validation chooses from (comma-separated).
    #[arg(long, value_name = "C,C,…", value_delimiter = ',', value_parser = parse_c)]
    c_grid: Option<Vec<f32>>,
    /// Weight of the character n-gram block (0 turns it off).
    #[arg(long, value_name = "W", value_parser = parse_weight)]
    chars: Option<f32>,
    /// Weight of the title-word block (0 turns it off).
    #[arg(long, value_name = "W", value_parser = parse_weight)]
    title_weight: Option<f32>,
    /// Weight of the story-shape block (0 turns it off).
    #[arg(long, value_name = "W", value_parser = parse_weight)]
    shape: Option<f32>,
    /// Leave naive Bayes out of the combination.
    #[arg(long)]
    no_nb: bool,
    /// Add the exemplar criteria to the combination (off by default: no gain measured).
    #[arg(long)]
    with_criteria: bool,
    /// Add the keyword-theme relevance to the combination (off by default: no gain measured).
    #[arg(long)]
    with_theme_signal: bool,
}

impl LearnArgs {
    fn options(&self) -> Result<TrainOptions> {
        let mut o = TrainOptions {
            folds: self.cv_folds as usize,
            seed: self.seed,
            recency_half_life: self.recency,
            use_nb: !self.no_nb,
            use_criteria: self.with_criteria,
            use_themes: self.with_theme_signal,
            ..TrainOptions::default()
        };
        if let Some(loss) = &self.loss {
            o.loss = if loss == "logistic" {
                Loss::Logistic
            } else {
                Loss::SquaredHinge
            };
        }
        if let Some(grid) = &self.c_grid {
            anyhow::ensure!(
                !grid.is_empty(),
                "{}",
                tr!("--c-grid 至少要有一个 C", "--c-grid needs at least one C")
            );
            o.c_grid = grid.clone();
        }
        // The ranges are checked as the command line is read (parse_weight, parse_c,
        // parse_recency): a usage error before any file is read.
        if let Some(c) = self.chars {
            o.features.chars = c;
        }
        if let Some(t) = self.title_weight {
            o.features.title = t;
        }
        if let Some(w) = self.shape {
            o.features.shape = w;
        }
        Ok(o)
    }
}

/// Hands the allocator's free memory back to the system (glibc keeps it in its arenas), so
/// that the next stage's allocations reuse pages instead of adding to the peak.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages; it does not touch live allocations.
    unsafe {
        libc::malloc_trim(0);
    }
}
