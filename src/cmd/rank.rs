//! `xuanti rank`: score a batch and write the ranked list with reasons.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use xuanti::criteria::CRITERIA;
use xuanti::eval::ranking;
use xuanti::explain::Explanation;
use xuanti::model::learn::sigmoid;
use xuanti::model::{PickRate, SelectionModel};
use xuanti::read::{BatchReader, Submission};
use xuanti::score::Analyzer;
use xuanti::write::{neutralize, write_csv_rows, Spill};

use super::InputArgs;

/// Rank a batch of submissions.
#[derive(Debug, Args)]
pub struct RankArgs {
    /// Submissions to rank (CSV, UTF-8 or GBK, with a header).
    input: PathBuf,
    /// Trained model file (`xuanti train`); without it the cold-start score is used.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// What a batch's probabilities average to: `trained` (the recent pick rate of the
    /// training data, for batches of 100+ rows), a rate such as `0.1`, or `off`.
    #[arg(long, value_name = "RATE", default_value = "trained", value_parser = super::parse_pick_rate)]
    pick_rate: PickRate,
    /// Output CSV (default: stdout).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write cells that start with = + - @ as they are. By default such a cell gets a
    /// leading ' so that Excel and WPS do not run it as a formula.
    #[arg(long)]
    keep_formulas: bool,
    /// Keep only the first N rows.
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    #[command(flatten)]
    input_args: InputArgs,
}

/// Columns xuanti writes before the input's own.
fn own_columns(theme_names: &[String]) -> Vec<String> {
    let mut h: Vec<String> = ["rank", "id", "score", "theme"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend(theme_names.iter().map(|t| format!("theme:{t}")));
    h.extend(CRITERIA.iter().map(|c| format!("criterion:{c}")));
    h.push("reasons".into());
    h
}

/// Rows scored together. A batch up to this size is scored as one, with its own statistics
/// (keyword IDF, feedback words, pick-rate matching); a larger one is read and scored a chunk
/// at a time with the keyword statistics of its first chunk, and only each row's score and
/// the place of its output row are kept in memory (see `docs/DECISIONS.md`).
pub const CHUNK_ROWS: usize = 6_144;

/// Output bytes kept in memory before they go to a temporary file.
const SPILL_MEMORY: usize = 8 << 20;

/// What the ranking keeps of a row: its scores and where its output row is.
struct Entry {
    score: f32,
    logit: Option<f32>,
    offset: u64,
    len: u32,
}

pub fn run(args: RankArgs) -> Result<()> {
    let mut reader = BatchReader::open(&args.input, args.input_args.read_options())
        .context(super::read_failed())?;
    eprintln!("xuanti: {}", reader.describe());
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
    // A model carries the themes it was trained with; --themes still replaces them.
    let themes = match (&args.input_args.themes, &model) {
        (None, Some(m)) => m.themes().clone(),
        _ => args.input_args.theme_set()?,
    };
    let analyzer = Analyzer::new(segmenter, &themes);
    let keyword_names = themes.names();
    let passthrough: Vec<usize> = (0..reader.headers.len())
        .filter(|&i| Some(i) != reader.columns.id)
        .collect();

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
    let mut entries: Vec<Entry> = Vec::new();
    let mut stats = None;
    let mut theme_names: Option<Vec<String>> = None;
    loop {
        let rows = reader.next_rows(chunk_rows).context(super::read_failed())?;
        super::warn(&reader.take_warnings());
        let last = rows.len() < chunk_rows;
        if rows.is_empty() && theme_names.is_some() {
            break;
        }
        let submissions: Vec<Submission> =
            rows.iter().map(|r| reader.columns.submission(r)).collect();
        // The first chunk's keyword statistics serve the later chunks.
        let (analysis, fitted) = analyzer.analyze_with(&submissions, stats.as_ref());
        stats = stats.or(fitted);
        // Only the ids are needed from here on: the texts live on in the documents.
        let ids: Vec<String> = submissions.into_iter().map(|s| s.id).collect();
        let screening = analyzer.assess_with(analysis, model.as_ref(), false);
        for (i, a) in screening.assessments.iter().enumerate() {
            let mut row = vec![
                ids[i].clone(),
                a.best_theme()
                    .map(|t| screening.theme_names[t].clone())
                    .unwrap_or_default(),
            ];
            row.extend(a.themes.iter().map(|r| format!("{r:.3}")));
            row.extend(a.criteria.scores.iter().map(|c| format!("{:.3}", c.value)));
            row.push(Explanation::new(a, &screening.theme_names, &keyword_names).text);
            let cells = &rows[i].cells;
            row.extend(
                passthrough
                    .iter()
                    .map(|&c| cells.get(c).cloned().unwrap_or_default()),
            );
            let (offset, len) = spill.push(&row).map_err(spill_error)?;
            entries.push(Entry {
                score: a.score,
                logit: a.model.as_ref().map(|m| m.logit),
                offset,
                len,
            });
        }
        theme_names.get_or_insert(screening.theme_names);
        if last {
            break;
        }
    }

    // The reader's duplicate-id table is no longer needed: free it before sorting.
    let input_headers = std::mem::take(&mut reader.headers);
    drop(reader);

    // The pick-rate matching of the whole batch, then the order.
    if let Some(m) = &model {
        let logits: Vec<f32> = entries.iter().filter_map(|e| e.logit).collect();
        if let Some(shift) = m.batch_shift(&logits) {
            for e in &mut entries {
                if let Some(l) = e.logit {
                    e.score = sigmoid(l + shift);
                }
            }
        }
    }
    let scores: Vec<f32> = entries.iter().map(|e| e.score).collect();
    let mut order = ranking(&scores);
    drop(scores);
    if let Some(top) = args.top {
        order.truncate(top);
    }

    let mut header = own_columns(theme_names.as_deref().unwrap_or_default());
    for &i in &passthrough {
        let name = &input_headers[i];
        header.push(if header.contains(name) {
            format!("input:{name}")
        } else {
            name.clone()
        });
    }
    let mut back = spill.finish().map_err(spill_error)?;
    let guard = !args.keep_formulas;
    let rows = std::iter::once(Ok(header)).chain(order.iter().enumerate().map(|(rank, &i)| {
        let e = &entries[i];
        let mut fields = back.row(e.offset, e.len)?;
        if guard {
            for f in &mut fields {
                if let std::borrow::Cow::Owned(safe) = neutralize(f) {
                    *f = safe;
                }
            }
        }
        fields.insert(0, (rank + 1).to_string());
        fields.insert(2, format!("{:.4}", e.score));
        Ok(fields)
    }));
    let mut inputs = vec![args.input.as_path()];
    if let Some(m) = &args.model {
        inputs.push(m.as_path());
    }
    write_csv_rows(args.output.as_deref(), &inputs, rows)
        .context(xuanti::tr!("无法写出排序结果", "cannot write the ranking"))?;
    Ok(())
}
