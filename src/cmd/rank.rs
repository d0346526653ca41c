//! `xuanti rank`: score a batch and write the ranked list with reasons.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use xuanti::active::{Decision, Loop, LoopOptions};
use xuanti::criteria::CRITERIA;
use xuanti::dedup::{signature, DuplicateFinder};
use xuanti::explain::Explanation;
use xuanti::model::learn::sigmoid;
use xuanti::model::{PickRate, SelectionModel};
use xuanti::rank::{arrange, arrange_reviewed, Placement, Selection};
use xuanti::read::{is_regenerated, read_decisions, BatchReader, Submission};
use xuanti::report::{Report, ReportColumns};
use xuanti::score::Analyzer;
use xuanti::segment::parallel_map;
use xuanti::write::{write_table, ColumnKind, OutputFormat, Spill, SpillReader, Table};

use super::InputArgs;

/// Rank a batch of submissions.
#[derive(Debug, Args)]
pub struct RankArgs {
    /// Submissions to rank (CSV, UTF-8 or GBK, with a header, or a workbook); several files
    /// (one per township or department) are ranked together as one batch.
    #[arg(required = true, num_args = 1.., value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Trained model file (`xuanti train`); without it the cold-start score is used.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// What a batch's probabilities average to: `trained` (the recent pick rate of the
    /// training data, for batches of 100+ rows), a rate such as `0.1`, or `off`.
    #[arg(long, value_name = "RATE", default_value = "trained", value_parser = super::parse_pick_rate)]
    pick_rate: PickRate,
    /// Output file: .xlsx for a workbook, anything else for CSV (default, or `-`: CSV on
    /// stdout).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write a CSV file without the UTF-8 BOM that Excel needs to show Chinese.
    #[arg(long)]
    no_bom: bool,
    /// Write cells that start with = + - @, a tab or a carriage return as they are. By default
    /// such a cell gets a leading ' so that Excel and WPS do not run it as a formula.
    #[arg(long)]
    keep_formulas: bool,
    /// Keep only the first N stories (a story's near-duplicates stay with it).
    #[arg(long, value_name = "N", value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u64).range(1..), |n| n as usize))]
    top: Option<usize>,
    /// Balanced shortlist: at most N stories per theme, every theme with a candidate covered.
    #[arg(long, value_name = "N", value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u64).range(1..), |n| n as usize))]
    per_theme: Option<usize>,
    /// Balanced shortlist: at most N stories per reporting unit.
    #[arg(long, value_name = "N", value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u64).range(1..), |n| n as usize))]
    per_unit: Option<usize>,
    /// Do not look for near-duplicates (each row is ranked on its own).
    #[arg(long)]
    no_dedup: bool,
    /// Column of this batch holding staff decisions (入选 / 不入选 / 待定, or empty): decided
    /// rows teach the model (counting more than past years) and the undecided rows are
    /// re-ranked; decided rows follow in their own block. Reads the whole batch into memory.
    #[arg(long, value_name = "COL", conflicts_with = "decisions_file")]
    decisions: Option<String>,
    /// Decisions in a separate CSV or workbook (an id column and a decision column) instead
    /// of a column of the batch.
    #[arg(long, value_name = "FILE")]
    decisions_file: Option<PathBuf>,
    /// Also write a self-contained HTML report (summary, charts, ranked table).
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    #[command(flatten)]
    input_args: InputArgs,
}

/// Columns xuanti writes before the input's own, with what each holds.
fn own_columns(theme_names: &[String]) -> Vec<(String, ColumnKind)> {
    let mut h: Vec<(String, ColumnKind)> = vec![
        ("rank".into(), ColumnKind::Rank),
        ("id".into(), ColumnKind::Short),
        ("score".into(), ColumnKind::Percent),
        ("theme".into(), ColumnKind::Short),
        ("duplicate_of".into(), ColumnKind::Short),
    ];
    h.extend(
        theme_names
            .iter()
            .map(|t| (format!("theme:{t}"), ColumnKind::Number)),
    );
    h.extend(
        CRITERIA
            .iter()
            .map(|c| (format!("criterion:{c}"), ColumnKind::Number)),
    );
    h.push(("reasons".into(), ColumnKind::Wrapped));
    h
}

/// How many first stories are marked as the top of the list: a tenth of the batch, at least
/// ten.
fn marked_stories(stories: usize) -> usize {
    stories.div_ceil(10).max(10).min(stories)
}

/// Rows scored together. A batch up to this size is scored as one, with its own statistics
/// (keyword IDF, feedback words, pick-rate matching); a larger one is read and scored a chunk
/// at a time with the keyword statistics of its first chunk, and only each row's score and
/// the place of its output row are kept in memory (see `docs/DECISIONS.md`).
pub const CHUNK_ROWS: usize = 5_120;

/// Output bytes kept in memory before they go to a temporary file.
const SPILL_MEMORY: usize = 8 << 20;

/// What the ranking keeps of a row besides its [`Placement`]: where its output row is and the
/// model's logit (NaN without a model). 16 bytes.
struct Entry {
    offset: u64,
    len: u32,
    logit: f32,
}

/// Signature bytes kept in memory before they go to a temporary file (16,384 rows).
const SIGNATURE_MEMORY: usize = 1 << 20;

/// Near-duplicate signatures of the rows read so far: in memory up to [`SIGNATURE_MEMORY`], then
/// in a temporary file while the batch streams through (64 bytes a row would otherwise sit in
/// memory beside the model and the dictionary), grouped once those are freed.
struct Signatures {
    memory: Vec<u8>,
    file: Option<std::io::BufWriter<std::fs::File>>,
    dir: PathBuf,
    rows: usize,
}

impl Signatures {
    fn new(dir: &std::path::Path) -> Signatures {
        Signatures {
            memory: Vec::new(),
            file: None,
            dir: dir.to_path_buf(),
            rows: 0,
        }
    }

    fn push(&mut self, sig: &xuanti::dedup::Signature) -> std::io::Result<()> {
        use std::io::Write;
        self.rows += 1;
        self.memory.extend_from_slice(&sig.to_bytes());
        if self.memory.len() >= SIGNATURE_MEMORY {
            if self.file.is_none() {
                self.file = Some(std::io::BufWriter::new(tempfile::tempfile_in(&self.dir)?));
            }
            let file = self.file.as_mut().expect("just created");
            file.write_all(&self.memory)?;
            self.memory.clear();
        }
        Ok(())
    }

    /// Each row's original (see [`DuplicateFinder::finish`]).
    fn finish(self) -> std::io::Result<Vec<Option<u32>>> {
        use std::io::{Read, Seek};
        let on_disk: Box<dyn Read> = match self.file {
            Some(f) => {
                let mut file = f.into_inner().map_err(|e| e.into_error())?;
                file.rewind()?;
                Box::new(std::io::BufReader::new(file))
            }
            None => Box::new(std::io::empty()),
        };
        let mut reader = on_disk.chain(std::io::Cursor::new(self.memory));
        let mut finder = DuplicateFinder::new();
        let mut bytes = [0u8; xuanti::dedup::Signature::BYTES];
        for _ in 0..self.rows {
            reader.read_exact(&mut bytes)?;
            let sig = xuanti::dedup::Signature::from_bytes(&bytes)
                .ok_or_else(|| std::io::Error::other("a damaged signature file"))?;
            finder.push(sig);
        }
        drop(reader);
        Ok(finder.finish())
    }
}

/// Interns reporting units: a row keeps a number, not the name.
#[derive(Default)]
struct Units(rustc_hash::FxHashMap<String, u32>);

impl Units {
    fn id(&mut self, unit: &str) -> Option<u32> {
        if unit.is_empty() {
            return None;
        }
        let next = self.0.len() as u32;
        Some(*self.0.entry(unit.to_string()).or_insert(next))
    }
}

pub fn run(mut args: RankArgs) -> Result<()> {
    // `-o -` is standard output, as for most command-line tools.
    if args.output.as_deref() == Some(std::path::Path::new("-")) {
        args.output = None;
    }
    super::no_stdin(
        [("--model", args.model.as_deref())]
            .into_iter()
            .chain(args.input_args.files()),
    )?;
    // Standard input can be read once (`--model`, `--themes` and `--dict` never read it).
    let batch = xuanti::tr!("输入文件", "INPUT");
    super::stdin_once(
        args.inputs
            .iter()
            .map(|p| (batch.as_str(), p.as_path()))
            .chain(
                args.decisions_file
                    .as_deref()
                    .map(|p| ("--decisions-file", p)),
            ),
    )?;
    // Every output is checked against every input before any work is done.
    args.input_args.distinct(&args.inputs, true)?;
    let mut inputs = args.input_args.paths_of(&args.inputs);
    inputs.extend(args.model.as_deref());
    inputs.extend(args.decisions_file.as_deref());
    let outputs: Vec<(&str, &std::path::Path)> = args
        .output
        .as_deref()
        .map(|o| ("-o", o))
        .into_iter()
        .chain(args.report.as_deref().map(|r| ("--report", r)))
        .collect();
    xuanti::write::check_outputs(&outputs, &inputs)?;
    if let Some(out) = args.output.as_deref() {
        xuanti::write::check_table_name(out)?;
    }
    let mut reader = BatchReader::open_all(&args.inputs, args.input_args.read_options())
        .context(super::read_failed())?;
    let started = std::time::Instant::now();
    super::note(reader.describe());
    // The model file and jieba's dictionary load at the same time.
    let (model, segmenter) = std::thread::scope(|scope| {
        let model = scope.spawn(|| match &args.model {
            Some(p) => SelectionModel::load(p)
                .map(|m| Some(m.with_pick_rate(args.pick_rate)))
                .context(super::model_failed()),
            None => Ok(None),
        });
        let segmenter = args.input_args.segmenter();
        let model = model.join().expect("the model loader does not panic");
        (model, segmenter)
    });
    let (model, segmenter) = (model?, segmenter?);
    let model_given = model.is_some();
    // A model carries the themes it was trained with; --themes still replaces them.
    let themes = match (&args.input_args.themes, &model) {
        (None, Some(m)) => m.themes().clone(),
        _ => args.input_args.theme_set()?,
    };
    let analyzer = Analyzer::new(segmenter, &themes);
    let keyword_names = themes.names();
    // A ranking of xuanti's own (read and marked in Excel, ranked again) has its rank, score,
    // theme, criteria and reasons columns made anew rather than passed through.
    // Decided file by file (a staff file's `score` beside another's `rank` is no ranking).
    let own_files = reader.own_output_files();
    let own_output = own_files.iter().any(|&o| o);
    // A ranking of several files without a unit column had each row's file as its unit: so it
    // has when it is ranked again.
    if own_output && reader.columns.unit.is_none() {
        reader.columns.unit = reader.headers.iter().position(|h| h == "file");
    }
    // Its `decision` column (written by `--decisions-file`) is made anew only when a decisions
    // file gives this run's decisions; otherwise it is staff's record and passes through. So
    // it does when a staff file ranked beside the ranking has a `decision` column too (as
    // `input:decision` beside the new one, as for that file ranked alone).
    let regenerated = |i: usize| {
        let h = reader.headers[i].as_str();
        own_output
            && (is_regenerated(h)
                || (h == "decision"
                    && args.decisions_file.is_some()
                    && reader.only_in_own_output(i)))
    };
    let passthrough: Vec<usize> = (0..reader.headers.len())
        .filter(|&i| Some(i) != reader.columns.id && !regenerated(i))
        .collect();
    // Decisions: a column of the batch, or a file keyed by id.
    let decision_column = match &args.decisions {
        Some(name) => Some(reader.column(name).context(super::read_failed())?),
        None => None,
    };
    let decision_file = match &args.decisions_file {
        Some(path) => Some(read_decision_file(path, &args.input_args.read_options())?),
        None => None,
    };
    let reviewing = decision_column.is_some() || decision_file.is_some();
    if args.per_unit.is_some() && reader.columns.unit.is_none() {
        super::warn(&[xuanti::tr!(
            "--per-unit 没有起作用：{} 里没有报送单位列（unit/报送单位/单位/申报单位，或用 --unit-col 指定）",
            "--per-unit has no effect: {} has no reporting-unit column (unit/报送单位/单位/申报单位, or name it with --unit-col)",
            args.inputs[0].display()
        )]);
    }
    // Without decisions, a column that reads as staff's decisions (决定 with 入选 / 不入选 in it)
    // is most likely a forgotten --decisions: its picks and rejects are counted, and a column
    // with any cell that is no decision is none. Role columns are not looked at.
    let roles_now = [
        reader.columns.id,
        reader.columns.title,
        reader.columns.unit,
        reader.columns.text,
    ];
    let mut unused_decisions: Vec<(usize, usize, usize, bool)> = if reviewing {
        Vec::new()
    } else {
        xuanti::read::decision_columns(&reader.headers)
            .into_iter()
            .filter(|c| !roles_now.contains(&Some(*c)))
            .map(|c| (c, 0, 0, false))
            .collect()
    };
    // Ids of the decisions file found in the batch (the others are reported).
    let mut matched_ids: rustc_hash::FxHashSet<String> = Default::default();

    let spill_dir = match args.output.as_deref().and_then(|p| p.parent()) {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        Some(_) => PathBuf::from("."),
        None => std::env::temp_dir(),
    };
    let mut spill = Spill::new(&spill_dir, SPILL_MEMORY);
    let spill_error = |e: std::io::Error| {
        anyhow::Error::new(e).context(xuanti::tr!(
            "无法在 {} 里建临时文件来存放排好的行",
            "cannot keep the ranked rows in a temporary file in {}",
            spill_dir.display()
        ))
    };
    // The chunk size can be lowered for tests (`XUANTI_CHUNK_ROWS`), not raised.
    let chunk_rows = std::env::var("XUANTI_CHUNK_ROWS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .map_or(CHUNK_ROWS, |n| n.min(CHUNK_ROWS));
    // Re-ranking with decisions learns from the whole batch at once.
    let chunk_rows = if reviewing { usize::MAX } else { chunk_rows };
    let mut review: Option<Loop> = None;
    let mut decisions: Vec<Option<Decision>> = Vec::new();
    super::detail(xuanti::tr!(
        "词典和模型加载用时 {:.2} 秒",
        "dictionary and model loaded in {:.2} s",
        started.elapsed().as_secs_f64()
    ));
    let progress = super::progress_bar(reader.progress().1, "排序");
    let mut entries: Vec<Entry> = Vec::new();
    let mut placements: Vec<Placement> = Vec::new();
    // Rows without any text, when decisions re-rank the batch (see `learn_decisions`).
    let mut empty_rows: Vec<bool> = Vec::new();
    let mut units = Units::default();
    let mut duplicates = (!args.no_dedup).then(|| Signatures::new(&spill_dir));
    let mut stats = None;
    let mut theme_names: Option<Vec<String>> = None;
    loop {
        let mut rows = reader.next_rows(chunk_rows).context(super::read_failed())?;
        // Cells this program guarded against formulas when it wrote the file get their own
        // value back (an id `-5` written as `'-5` is `-5` again); only in the files it wrote.
        for row in rows.iter_mut().filter(|r| own_files[r.file]) {
            for cell in &mut row.cells {
                xuanti::write::unneutralize(cell);
            }
        }
        super::warn(&reader.take_warnings());
        let last = rows.len() < chunk_rows;
        for row in &rows {
            let decision = match (decision_column, &decision_file) {
                (Some(c), _) => {
                    let value = row.cells.get(c).map_or("", |v| v.as_str());
                    Decision::parse(value).map_err(|_| {
                        anyhow::Error::new(xuanti::Error::BadValue {
                            path: reader.path_of(row).to_path_buf(),
                            row: row.line,
                            column: reader.headers[c].clone(),
                            value: value.to_string(),
                            message: not_a_decision(),
                        })
                    })?
                }
                (None, Some(file)) => {
                    let id = reader.columns.submission(row).id;
                    let d = file.get(&id).copied();
                    if d.is_some() {
                        matched_ids.insert(id);
                    }
                    d
                }
                (None, None) => None,
            };
            if reviewing {
                decisions.push(decision);
            }
            for (c, picks, rejects, other) in &mut unused_decisions {
                match Decision::parse(row.cells.get(*c).map_or("", |v| v.as_str())) {
                    Ok(Some(Decision::Pick)) => *picks += 1,
                    Ok(Some(Decision::Reject)) => *rejects += 1,
                    Ok(_) => {}
                    Err(_) => *other = true,
                }
            }
        }
        if rows.is_empty() && theme_names.is_some() {
            break;
        }
        let submissions: Vec<Submission> =
            rows.iter().map(|r| reader.columns.submission(r)).collect();
        // The first chunk's keyword statistics serve the later chunks.
        let (analysis, fitted) = analyzer.analyze_with(&submissions, stats.as_ref());
        stats = stats.or(fitted);
        if reviewing {
            review = Some(Loop::new(&analysis.docs, None, LoopOptions::default()));
        }
        if let Some(finder) = &mut duplicates {
            let signatures = parallel_map(&submissions, |s| signature(&s.title, &s.text));
            for sig in &signatures {
                finder.push(sig).map_err(spill_error)?;
            }
        }
        // Only the ids and units are needed from here on: the texts live on in the documents.
        let (ids, unit_ids): (Vec<String>, Vec<Option<u32>>) = submissions
            .into_iter()
            .map(|s| {
                let unit = units.id(&s.unit);
                (s.id, unit)
            })
            .unzip();
        let screening = analyzer.assess_with(analysis, model.as_ref(), false);
        // The output rows are built on all cores, then written in order.
        let base = entries.len();
        let indices: Vec<usize> = (0..screening.assessments.len()).collect();
        let built: Vec<(Vec<String>, Option<usize>)> = parallel_map(&indices, |&i| {
            let a = &screening.assessments[i];
            let theme = a.best_theme();
            let mut row = vec![
                ids[i].clone(),
                theme
                    .map(|t| screening.theme_names[t].clone())
                    .unwrap_or_default(),
            ];
            row.extend(a.themes.iter().map(|r| format!("{r:.3}")));
            row.extend(a.criteria.scores.iter().map(|c| format!("{:.3}", c.value)));
            row.push(Explanation::new(a, &screening.theme_names, &keyword_names).text);
            if decision_file.is_some() {
                row.push(decision_name(decisions[base + i]));
            }
            let cells = &rows[i].cells;
            row.extend(
                passthrough
                    .iter()
                    .map(|&c| cells.get(c).cloned().unwrap_or_default()),
            );
            (row, theme)
        });
        for (a, ((row, theme), unit)) in screening
            .assessments
            .iter()
            .zip(built.into_iter().zip(unit_ids))
        {
            let (offset, len) = spill.push(&row).map_err(spill_error)?;
            entries.push(Entry {
                offset,
                len,
                logit: a.model.as_ref().map_or(f32::NAN, |m| m.logit),
            });
            if reviewing {
                empty_rows.push(a.empty);
            }
            placements.push(Placement {
                score: a.score,
                theme: theme.map(|t| t as u16),
                unit,
                duplicate_of: None,
            });
        }
        theme_names.get_or_insert(screening.theme_names);
        progress.set_position(reader.progress().0);
        progress.set_message(format!("{} 行", entries.len()));
        if last {
            break;
        }
    }

    progress.finish_and_clear();
    for &(c, picks, rejects, other) in &unused_decisions {
        if !other && picks + rejects > 0 {
            let name = &reader.headers[c];
            super::warn(&[xuanti::tr!(
                "“{name}”列里有 {picks} 份入选、{rejects} 份不入选，但没有给 --decisions，这些决定没有用上；要按它们把其余材料重新排序，请加 --decisions {name}",
                "column '{name}' holds {picks} pick(s) and {rejects} reject(s), but --decisions was not given, so they were not used; to re-rank the rest by them, add --decisions {name}"
            )]);
        }
    }
    super::detail(xuanti::tr!(
        "已为 {} 行打分，用时 {:.2} 秒",
        "{} rows scored in {:.2} s",
        entries.len(),
        started.elapsed().as_secs_f64()
    ));
    // The reader's duplicate-id table is no longer needed: free it before sorting.
    let input_headers = std::mem::take(&mut reader.headers);
    let roles = reader.columns;
    drop(reader);

    // The pick-rate matching of the whole batch, then the order.
    if let Some(m) = &model {
        let logits: Vec<f32> = entries
            .iter()
            .map(|e| e.logit)
            .filter(|l| !l.is_nan())
            .collect();
        if let Some(shift) = m.batch_shift(&logits) {
            for (e, p) in entries.iter().zip(&mut placements) {
                if !e.logit.is_nan() {
                    p.score = sigmoid(e.logit + shift);
                }
            }
        }
    }
    // The model and the dictionary are done with: their memory serves what follows.
    drop(model);
    drop(analyzer);
    super::release_free_memory();
    if let Some(finder) = duplicates.take() {
        let originals = finder.finish().map_err(spill_error)?;
        for (p, o) in placements.iter_mut().zip(originals) {
            p.duplicate_of = o;
        }
        let n = placements
            .iter()
            .filter(|p| p.duplicate_of.is_some())
            .count();
        if n > 0 {
            super::note(xuanti::tr!(
                "{n} 份材料与前面的材料高度相似，已排在原件之后（见 duplicate_of 列）",
                "{n} near-duplicate row(s) placed after their originals (see duplicate_of)"
            ));
        }
    }
    let selection = Selection {
        top: args.top,
        per_theme: args.per_theme,
        per_unit: args.per_unit,
    };
    if args.per_theme.is_some() && placements.iter().all(|p| p.theme.is_none()) {
        super::warn(&[xuanti::tr!(
            "--per-theme：没有一份材料归入任何主题，名单是空的（可以换一个主题文件，或不用 --per-theme）",
            "--per-theme: no row fits any theme, so the shortlist is empty (use another themes file, or leave --per-theme out)"
        )]);
    }
    let decided =
        review.map(|l| learn_decisions(l, &decisions, &empty_rows, &mut placements, model_given));
    let arranged = match &decided {
        Some(decided) => arrange_reviewed(&placements, decided, selection),
        None => arrange(&placements, selection),
    };
    // The marked top is that of the ranked rows: decided rows (rank 0, after them) are not
    // in it, and the last row's rank is not the number of stories when they are there.
    let stories = arranged.ranks.iter().copied().max().unwrap_or(0) as usize;
    let marked = arranged
        .ranks
        .iter()
        .take_while(|&&r| r != 0 && r as usize <= marked_stories(stories))
        .count();

    if let Some(file) = &decision_file {
        let mut unknown: Vec<&str> = file
            .keys()
            .filter(|id| !matched_ids.contains(*id))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            unknown.sort_unstable();
            let n = unknown.len();
            let shown = unknown.iter().take(5).copied().collect::<Vec<_>>();
            let shown = xuanti::lang::list(&shown);
            let more = if n > 5 { "…" } else { "" };
            super::warn(&[xuanti::tr!(
                "决定文件里有 {n} 个编号在这一批里找不到，这些决定没有用上（编号要和申报表完全一致）：{shown}{more}",
                "{n} id(s) of the decisions file are not in this batch; those decisions were not used (ids must match exactly): {shown}{more}"
            )]);
        }
    }
    let mut columns = own_columns(theme_names.as_deref().unwrap_or_default());
    if decision_file.is_some() {
        columns.push(("decision".into(), ColumnKind::Short));
    }
    let mut role_names: [Option<String>; 3] = Default::default();
    for &i in &passthrough {
        let name = &input_headers[i];
        // A name in xuanti's own families (`theme:…`, `criterion:…`) is prefixed too, clash
        // or not: the report reads those families as xuanti's, and so does the next round.
        let own_family = name.starts_with("theme:") || name.starts_with("criterion:");
        let name = if own_family || columns.iter().any(|(c, _)| c == name) {
            format!("input:{name}")
        } else {
            name.clone()
        };
        let kind = if Some(i) == roles.text || Some(i) == roles.title {
            ColumnKind::Text
        } else {
            ColumnKind::Short
        };
        for (slot, role) in role_names
            .iter_mut()
            .zip([roles.title, roles.unit, roles.text])
        {
            if role == Some(i) {
                *slot = Some(name.clone());
            }
        }
        columns.push((name, kind));
    }
    let (header, kinds): (Vec<String>, Vec<ColumnKind>) = columns.into_iter().unzip();
    let table = Table {
        header,
        kinds,
        marked,
        rows: arranged.order.len(),
    };
    let mut back = spill.finish().map_err(spill_error)?;
    // A spill row is [id, theme, …]; the output adds rank, score and duplicate_of.
    let output_row = |back: &mut SpillReader, i: usize, rank: u32| {
        let e = &entries[i];
        let mut fields = back.row(e.offset, e.len)?;
        let original = match placements[i].duplicate_of {
            Some(o) => {
                let o = &entries[o as usize];
                back.row(o.offset, o.len)?.swap_remove(0)
            }
            None => String::new(),
        };
        // Decided rows (rank 0) are not ranked again.
        fields.insert(
            0,
            if rank == 0 {
                String::new()
            } else {
                rank.to_string()
            },
        );
        fields.insert(2, format!("{:.4}", placements[i].score));
        fields.insert(4, original);
        std::io::Result::Ok(fields)
    };
    let mut inputs: Vec<&std::path::Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    if let Some(m) = &args.model {
        inputs.push(m.as_path());
    }
    let format =
        OutputFormat::for_output(args.output.as_deref(), !args.no_bom, !args.keep_formulas);
    let rows = (arranged.order.iter().zip(&arranged.ranks))
        .map(|(&i, &rank)| output_row(&mut back, i as usize, rank));
    let cut = write_table(args.output.as_deref(), &inputs, format, &table, rows)
        .context(xuanti::tr!("无法写出排序结果", "cannot write the ranking"))?;
    if cut > 0 {
        super::warn(&[xuanti::tr!(
            "有 {cut} 个单元格超过 32767 个字，已截断以放进工作表",
            "{cut} cell(s) longer than 32,767 characters were cut to fit the worksheet"
        )]);
    }
    if let Some(path) = args
        .output
        .as_deref()
        .filter(|p| *p != std::path::Path::new("-"))
    {
        super::note(xuanti::tr!(
            "排序已写到 {}（{} 行）",
            "ranking written to {} ({} rows)",
            path.display(),
            table.rows
        ));
    }
    super::detail(xuanti::tr!(
        "共写出 {} 行，用时 {:.2} 秒",
        "{} rows written in {:.2} s in all",
        table.rows,
        started.elapsed().as_secs_f64()
    ));
    if let Some(path) = &args.report {
        // The report shows the whole batch; the rows written (a shortlist or top N), or else
        // the marked top of the list, are its picks.
        let selected = selection != Selection::default();
        // With decisions, it is the ranking with decisions (the decided rows apart), and a
        // decided row is none of its picks.
        let full = match (&decided, selected) {
            (_, false) => arranged.clone(),
            (Some(decided), true) => arrange_reviewed(&placements, decided, Selection::default()),
            (None, true) => arrange(&placements, Selection::default()),
        };
        let mut picked = vec![false; placements.len()];
        let written = if selected {
            arranged.order.len()
        } else {
            marked
        };
        for (&i, &rank) in arranged.order[..written].iter().zip(&arranged.ranks) {
            picked[i as usize] = rank != 0;
        }
        let [title, unit, text] = role_names;
        let mut report = Report::new(&table, ReportColumns { title, unit, text }, &themes);
        for (&i, &rank) in full.order.iter().zip(&full.ranks) {
            let i = i as usize;
            let fields = output_row(&mut back, i, rank).context(xuanti::tr!(
                "无法读回排好的行",
                "cannot read back the ranked rows"
            ))?;
            report.add(&fields, picked[i]);
        }
        let mut report_inputs = inputs.clone();
        if let Some(o) = &args.output {
            report_inputs.push(o.as_path());
        }
        // The page is headed by the file ranked, or the names of the files ranked together.
        let source: Vec<String> = args
            .inputs
            .iter()
            .map(|p| {
                p.file_name()
                    .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
            })
            .collect();
        report
            .write(
                path,
                &report_inputs,
                std::path::Path::new(&source.join("、")),
            )
            .context(xuanti::tr!("无法写出报告", "cannot write the report"))?;
        super::note(xuanti::tr!(
            "报告已写到 {}",
            "report written to {}",
            path.display()
        ));
    }
    Ok(())
}

/// The message for a cell that is not a decision.
fn not_a_decision() -> String {
    xuanti::tr!(
        "不是审读决定（请填 入选、不入选、待定，或留空）",
        "not a decision (use 入选, 不入选, 待定 or leave it empty)"
    )
}

/// A decision as written in the output's `decision` column.
fn decision_name(d: Option<Decision>) -> String {
    match d {
        Some(Decision::Pick) => "入选",
        Some(Decision::Reject) => "不入选",
        Some(Decision::Pending) => "待定",
        None => "",
    }
    .to_string()
}

/// Reads `--decisions-file`: id → decision (a later row for the same id wins).
fn read_decision_file(
    path: &std::path::Path,
    options: &xuanti::read::ReadOptions,
) -> Result<rustc_hash::FxHashMap<String, Decision>> {
    let failed = || {
        xuanti::tr!(
            "无法读取审读决定文件（--decisions-file）",
            "cannot read the decisions file"
        )
    };
    let (column, rows) = read_decisions(path, options).with_context(failed)?;
    let mut out = rustc_hash::FxHashMap::default();
    let mut first_row: rustc_hash::FxHashMap<String, (u64, Decision)> = Default::default();
    let mut conflicts = Vec::new();
    for (line, id, value) in rows {
        match Decision::parse(&value) {
            Ok(Some(d)) => {
                match first_row.get(&id) {
                    Some(&(row, earlier)) if earlier != d => conflicts.push(xuanti::tr!(
                        "{}：编号 {id} 在第 {row} 行和第 {line} 行的决定不同，用后一个（第 {line} 行）",
                        "{}: id {id} has different decisions in rows {row} and {line}; the later one (row {line}) is used",
                        path.display()
                    )),
                    Some(_) => {}
                    None => {
                        first_row.insert(id.clone(), (line, d));
                    }
                }
                out.insert(id, d);
            }
            Ok(None) => {}
            Err(_) => {
                return Err(anyhow::Error::new(xuanti::Error::BadValue {
                    path: path.to_path_buf(),
                    row: line,
                    column: column.clone(),
                    value,
                    message: not_a_decision(),
                })
                .context(failed()));
            }
        }
    }
    super::warn(&conflicts);
    Ok(out)
}

/// Learns from the decided rows and re-scores the undecided ones (their `score` becomes the
/// calibrated probability of the in-batch model); returns each row's decided label. Prints an
/// estimate of the picks left among the undecided rows: from the calibrated scores, or before
/// there are two picks and two rejects to calibrate on, from the trained model's probabilities
/// (cold-start scores are no probabilities: without a model there is no estimate yet).
fn learn_decisions(
    mut l: Loop,
    decisions: &[Option<Decision>],
    empty: &[bool],
    placements: &mut [Placement],
    model_given: bool,
) -> Vec<Option<bool>> {
    let probabilities: Vec<f32> = placements.iter().map(|p| p.score).collect();
    let logits: Vec<f32> = probabilities
        .iter()
        .map(|&p| {
            let p = p.clamp(1e-4, 1.0 - 1e-4);
            (p / (1.0 - p)).ln()
        })
        .collect();
    l.set_prior(&logits, &probabilities);
    let decided: Vec<Option<bool>> = decisions
        .iter()
        .map(|d| d.and_then(Decision::label))
        .collect();
    l.decide_all(
        decided
            .iter()
            .enumerate()
            .filter_map(|(i, y)| y.map(|y| (i, y))),
    );
    l.refit();
    let scores = l.scores();
    let scale = LoopOptions::default().prior_scale;
    let calibration = l.calibration();
    for (i, p) in placements.iter_mut().enumerate() {
        // A row without text stays at 0, last, whatever the decisions: with few of them
        // the in-batch model can learn "short is picked" (staff picked two brief notices)
        // and would put the empty row first.
        if empty[i] {
            p.score = 0.0;
        } else if decided[i].is_none() {
            p.score = match calibration {
                Some((a, b)) => sigmoid(a * scores[i] + b),
                None => sigmoid(scores[i] / scale),
            };
        }
    }
    let (picks, rejects) = l.counts();
    // Copies of a decided story follow it (rank::arrange_reviewed): they are neither open
    // rows nor picks still to find.
    let settled = xuanti::rank::settled_by(placements, &decided);
    let counted = |i: usize| settled[i].is_none();
    let open = (0..decided.len()).filter(|&i| counted(i)).count();
    super::note(if picks + rejects == 0 {
        xuanti::tr!(
            "还没有标为入选或不入选的行：{open} 份按没有决定时的方法排序",
            "no row is decided yet: the {open} row(s) are ranked as without decisions"
        )
    } else {
        xuanti::tr!(
            "已据 {picks} 份入选、{rejects} 份不入选的决定重新排序其余 {open} 份",
            "{open} undecided row(s) re-ranked from {picks} pick(s) and {rejects} reject(s)"
        )
    });
    match l.remaining_picks_among(&scores, |i| counted(i) && !empty[i]) {
        Some(left) if model_given || calibration.is_some() => {
            super::note(xuanti::tr!(
                "估计未决定的 {open} 份中还有约 {left:.1} 份可入选",
                "about {left:.1} pick(s) estimated among the {open} undecided row(s)"
            ))
        }
        _ if open > 0 => super::note(xuanti::tr!(
            "入选和不入选各 2 份以上（或给出 --model）后，才能估计其余材料中还有几份可入选",
            "the picks left among the undecided rows are estimated once there are two picks and two rejects (or with --model)"
        )),
        _ => {}
    }
    decided
}
