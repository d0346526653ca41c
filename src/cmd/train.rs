//! `xuanti train`: learn from past selections and write the model file.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use sha2::{Digest, Sha256};
use xuanti::model::SelectionModel;
use xuanti::read::{Batch, Unmarked};
use xuanti::score::Analysis;
use xuanti::themes::ThemeSet;
use xuanti::{tr, Error};

use super::{InputArgs, LearnArgs};

/// The model file written when `-o` is not given.
pub const DEFAULT_MODEL: &str = "models/xuanti-model.json";

/// Train a selection model from past rounds' files.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Past submissions (CSV, UTF-8 or GBK, or a workbook) with a picked/not-picked column;
    /// several files (one per round, oldest first) are learned from together.
    #[arg(required = true, num_args = 1.., value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// The picked column: 入选/不入选, 是/否, 1/0, √/×, true/false, yes/no, Y/N.
    #[arg(long, value_name = "COL")]
    label: String,
    /// Model file to write.
    #[arg(short, long, value_name = "FILE", default_value = DEFAULT_MODEL)]
    output: PathBuf,
    /// Rows whose picked cell is empty or 待定: `reject` takes them as not picked (a round
    /// that marked only its picks), `skip` leaves them out. Without it they are an error.
    #[arg(long, value_name = "HOW", value_enum)]
    unmarked: Option<UnmarkedArg>,
    #[command(flatten)]
    input_args: InputArgs,
    #[command(flatten)]
    learn: LearnArgs,
}

/// `--unmarked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnmarkedArg {
    Skip,
    Reject,
}

/// Applies `--unmarked` to each batch's `label` column and says how many rows it moved;
/// `test`: the batches are `eval --test` batches, measured rather than trained on.
pub fn resolve_unmarked(
    batches: &mut [Batch],
    label: &str,
    how: Option<UnmarkedArg>,
    test: bool,
) -> Result<()> {
    let Some(how) = how else {
        return Ok(());
    };
    let how = match how {
        UnmarkedArg::Skip => Unmarked::Skip,
        UnmarkedArg::Reject => Unmarked::Reject,
    };
    let mut n = 0;
    for batch in batches {
        n += batch.resolve_unmarked(label, how)?;
    }
    if n > 0 {
        super::note(match (how, test) {
            (Unmarked::Skip, false) => tr!(
                "“{label}”列为空或待定的 {n} 行未参加训练",
                "{n} row(s) with an empty or pending '{label}' cell left out of training"
            ),
            (Unmarked::Reject, false) => tr!(
                "“{label}”列为空或待定的 {n} 行按不入选训练",
                "{n} row(s) with an empty or pending '{label}' cell taken as not picked"
            ),
            (Unmarked::Skip, true) => tr!(
                "“{label}”列为空或待定的 {n} 行未计入测试批次",
                "{n} row(s) with an empty or pending '{label}' cell left out of the test batches"
            ),
            (Unmarked::Reject, true) => tr!(
                "“{label}”列为空或待定的 {n} 行在测试批次中按不入选计",
                "{n} row(s) with an empty or pending '{label}' cell taken as not picked in the test batches"
            ),
        });
    }
    Ok(())
}

pub fn run(args: TrainArgs) -> Result<()> {
    super::no_stdin(args.input_args.files())?;
    // The model's folder (models/ by default) is made first, so that the output check finds
    // it; folders made here are removed again if the run fails (only while they are empty).
    let mut made: Vec<PathBuf> = Vec::new();
    if let Some(dir) = args.output.parent().filter(|d| !d.as_os_str().is_empty()) {
        made = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect();
        std::fs::create_dir_all(dir).with_context(|| {
            tr!(
                "无法建立文件夹 {}",
                "cannot create the directory {}",
                dir.display()
            )
        })?;
    }
    let result = train(&args);
    if result.is_err() {
        // Innermost first; a folder that holds anything stays.
        for dir in &made {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result
}

fn train(args: &TrainArgs) -> Result<()> {
    args.input_args.distinct(&args.inputs, false)?;
    let inputs = args.input_args.paths_of(&args.inputs);
    xuanti::write::check_outputs(&[("-o", args.output.as_path())], &inputs)?;
    let files: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    let (mut batches, analyzer) = args.input_args.read_all_with_analyzer(&files)?;
    resolve_unmarked(&mut batches, &args.label, args.unmarked, false)?;
    // Keyword themes and criteria are computed only when the combiner uses them.
    let options = args.learn.options()?;
    let submissions: Vec<_> = batches.iter().flat_map(Batch::submissions).collect();
    let analysis = if options.use_criteria || options.use_themes {
        analyzer.analyze(&submissions)
    } else {
        analyzer.segment(&submissions)
    };
    let model = fit(
        &batches,
        &analysis,
        analyzer.themes(),
        &args.label,
        &args.learn,
    )?;
    model
        .save(&args.output, &inputs)
        .context(tr!("无法写出模型文件", "cannot write the model file"))?;
    let t = model.training();
    let (rows, picked, c, ap) = (t.rows, t.positives, t.chosen_c, t.cv_ap);
    let (mean_p, rate) = (t.cv_mean_probability, t.cv_pick_rate);
    let (themes, out) = (model.theme_models().len(), args.output.display());
    let validation = match t.validation.as_str() {
        "stratified k-fold" => {
            let k = t.options.folds;
            tr!("分层 {k} 折", "stratified {k}-fold")
        }
        "temporal (newest years held out)" => {
            tr!("按年份（留出最近几年）", "temporal (newest years held out)")
        }
        other => other.to_string(),
    };
    super::note(tr!(
            "已用 {rows} 行（{picked} 行入选）训练，C={c}；{validation}验证：AP {ap:.3}，平均概率 {mean_p:.4}（入选率 {rate:.4}）；学到 {themes} 个主题；已写出 {out}",
            "trained on {rows} rows ({picked} picked), C={c}; {validation} validation: AP {ap:.3}, mean P {mean_p:.4} (pick rate {rate:.4}); {themes} learned themes; wrote {out}"
    ));
    Ok(())
}

/// Trains a model on `batches` (one file or several, in order), whose rows `analysis` holds in
/// the same order (shared with `eval`).
pub fn fit(
    batches: &[Batch],
    analysis: &Analysis,
    themes: &ThemeSet,
    label: &str,
    learn: &LearnArgs,
) -> Result<SelectionModel> {
    let options = learn.options()?;
    let mut labels = Vec::new();
    for batch in batches {
        labels.extend(batch.labels(label)?);
    }
    // Years drive temporal validation whenever the files have a date column; --recency needs
    // one. A date column that is there but unreadable is an error, not a silent fallback.
    let years = rounds(
        batches,
        learn.date_col.as_deref(),
        options.recency_half_life.is_some(),
    )?;
    let theme_labels = match &learn.themes_col {
        Some(col) => {
            // A round without the column (themes were not tagged that year) is unlabelled for
            // themes, as an empty cell is; the column must be in at least one file.
            let has = |b: &Batch| b.column(col).is_ok();
            if !batches.iter().any(has) {
                let missing = batches[0].column(col).err();
                if let (Some(e), true) = (missing, batches.len() > 1) {
                    let files: Vec<String> = batches
                        .iter()
                        .map(|b| b.path.display().to_string())
                        .collect();
                    let files = xuanti::error::shorten(&files.join(", ")).into_owned();
                    return Err(anyhow::Error::new(e).context(tr!(
                        "几个文件都没有“{col}”列：{files}",
                        "none of the files has a '{col}' column: {files}"
                    )));
                }
                batches[0].column(col)?;
            }
            let mut all = Vec::new();
            for batch in batches {
                if has(batch) {
                    all.extend(batch.cells(col)?.into_iter().map(split_themes));
                } else {
                    super::note(tr!(
                        "{} 没有“{col}”列：这一轮的行不参加主题模型的训练",
                        "{} has no '{col}' column: its rows are unlabelled for the theme models",
                        batch.path.display()
                    ));
                    all.extend(std::iter::repeat_n(None, batch.rows.len()));
                }
            }
            Some(all)
        }
        None => None,
    };
    let set = analysis.training_set(&labels, years.as_deref(), theme_labels.as_deref());
    let paths: Vec<&Path> = batches.iter().map(|b| b.path.as_path()).collect();
    let source = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let info = (
        fingerprint(&paths, label)?,
        source.clone(),
        label.to_string(),
        learn.themes_col.clone(),
    );
    let model = SelectionModel::train(&set, &options, themes, info, Path::new(&source))?;
    if let Some(labels) = &theme_labels {
        // Labels too rare to learn are named, so that a typo (农村 “五治” for 农村“五治”) shows;
        // so is a label on every labelled row, which has nothing to be told apart from.
        let labelled = labels.iter().flatten().count();
        let on_rows = |l: &str| {
            labels
                .iter()
                .flatten()
                .filter(|ls| ls.iter().any(|x| x == l))
                .count()
        };
        let (mut rare, mut everywhere): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
        for l in labels.iter().flatten().flatten() {
            if rare.contains(&l.as_str())
                || everywhere.contains(&l.as_str())
                || model.theme_models().iter().any(|t| t.name == *l)
            {
                continue;
            }
            if on_rows(l) == labelled {
                everywhere.push(l);
            } else {
                rare.push(l);
            }
        }
        if !everywhere.is_empty() {
            let joined = xuanti::lang::list(&everywhere);
            let shown = xuanti::error::shorten(&joined);
            super::note(tr!(
                "主题标签 {shown} 出现在每个有主题的行（共 {labelled} 行）上，没有可以区分的，没有学",
                "theme label(s) {shown} on every row with a themes cell ({labelled} rows) have nothing to be told apart from; not learned"
            ));
        }
        if !rare.is_empty() {
            let n = rare.len();
            let min = options.min_theme_positives;
            let joined = xuanti::lang::list(&rare);
            let shown = xuanti::error::shorten(&joined);
            super::note(tr!(
                "{n} 个主题标签少于 {min} 行，没有学：{shown}",
                "{n} theme label(s) on fewer than {min} rows were not learned: {shown}"
            ));
        }
    }
    Ok(model)
}

/// Theme labels separated by `;`, or as staff type a list in Excel or WPS: `；`, `、`, `，` or
/// `,` ([`LABEL_SEPARATORS`](xuanti::themes::LABEL_SEPARATORS)); an empty cell is "unlabelled
/// for themes".
pub fn split_themes(cell: &str) -> Option<Vec<String>> {
    let labels: Vec<String> = cell
        .split(xuanti::themes::LABEL_SEPARATORS)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (!labels.is_empty()).then_some(labels)
}

/// Each row's year over several files: from their date columns when every file has one; the
/// file's place in the list (0, 1, 2, … oldest first) when none has one and there are several
/// (each file is a round); `None` for one file without dates (unless `required`). Files with
/// and without dates mixed are an error: their years and rounds cannot be ordered together.
fn rounds(batches: &[Batch], col: Option<&str>, required: bool) -> Result<Option<Vec<f32>>> {
    if let [batch] = batches {
        return years(batch, col, required);
    }
    let per_file = batches
        .iter()
        .map(|b| years(b, col, false))
        .collect::<Result<Vec<_>>>()?;
    if per_file.iter().all(Option::is_some) {
        return Ok(Some(per_file.into_iter().flatten().flatten().collect()));
    }
    if let Some((with, without)) = per_file
        .iter()
        .position(Option::is_some)
        .zip(per_file.iter().position(Option::is_none))
    {
        anyhow::bail!(tr!(
            "{} 有日期列而 {} 没有：几个文件要么都有 date/日期/year/年份 列，要么都没有（那时按文件顺序当作一轮一轮，先旧后新）",
            "{} has a date column and {} has none: either every file has a date/日期/year/年份 column or none has (then each file is a round, oldest first)",
            batches[with].path.display(),
            batches[without].path.display()
        ));
    }
    Ok(Some(
        batches
            .iter()
            .enumerate()
            .flat_map(|(round, b)| std::iter::repeat_n(round as f32, b.rows.len()))
            .collect(),
    ))
}

/// Each row's year from the date column (`--date-col`, else date/日期/year/年份); `None` when
/// there is no such column and none is `required`.
fn years(batch: &Batch, col: Option<&str>, required: bool) -> Result<Option<Vec<f32>>> {
    let col = match col {
        Some(c) => c.to_string(),
        None => match ["date", "日期", "year", "年份"]
            .iter()
            .find(|c| batch.column(c).is_ok())
        {
            Some(c) => c.to_string(),
            None if required => anyhow::bail!(tr!(
                "{}：--recency 需要每行的年份，但没有 date/日期/year/年份 列（可用 --date-col 指定）；文件里的列：{}",
                "{}: --recency needs each row's year; no date/日期/year/年份 column (name one with --date-col); columns are: {}",
                batch.path.display(),
                xuanti::error::column_list(&batch.headers)
            )),
            None => return Ok(None),
        },
    };
    let idx = batch.column(&col)?;
    batch
        .rows
        .iter()
        .map(|row| {
            let cell = row.cells.get(idx).map(String::as_str).unwrap_or("");
            leading_year(cell).ok_or_else(|| {
                Error::BadValue {
                    path: batch.path.clone(),
                    row: row.line,
                    column: batch.headers[idx].clone(),
                    value: cell.to_string(),
                    message: tr!(
                        "找不到年份（应为 2017-05-01 这样的日期或 1900 到 2100 之间的年份；Excel 的日期列请设为日期格式再保存）",
                        "no year (expected a date such as 2017-05-01 or a year from 1900 to 2100; save an Excel date column formatted as dates)"
                    ),
                }
                .into()
            })
        })
        .collect::<Result<Vec<f32>>>()
        .map(Some)
}

/// The first year in a date cell: a run of four digits (`2017-05-01`, `2017年5月`, `2017`,
/// `5/1/2017`), or the first four of six or eight (`201705`, `20170501`), from 1900 to 2100.
/// Other runs of digits are no year: an Excel serial date (`43101`, a column saved as General)
/// or a Unix time would otherwise give the year 4310 or 1514.
fn leading_year(cell: &str) -> Option<f32> {
    cell.split(|c: char| !c.is_ascii_digit())
        .filter(|run| matches!(run.len(), 4 | 6 | 8))
        .find_map(|run| {
            let year: u32 = run[..4].parse().ok()?;
            (1900..=2100).contains(&year).then_some(year as f32)
        })
}

/// The training files' digest (one file: the digest of its bytes and the label, as before
/// several files could be given).
fn fingerprint(paths: &[&Path], label: &str) -> Result<String> {
    let mut h = Sha256::new();
    for path in paths {
        let bytes = std::fs::read(path)
            .with_context(|| tr!("无法读取 {}", "cannot read {}", path.display()))?;
        h.update(&bytes);
    }
    h.update(label.as_bytes());
    Ok(format!("sha256:{:x}", h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_from_dates() {
        assert_eq!(leading_year("2017-05-01"), Some(2017.0));
        assert_eq!(leading_year("2019年3月"), Some(2019.0));
        assert_eq!(leading_year("去年"), None);
        assert_eq!(leading_year("5/1/2022"), Some(2022.0));
        assert_eq!(leading_year("20170501"), Some(2017.0));
        assert_eq!(leading_year("2023.0"), Some(2023.0));
        assert_eq!(leading_year("第12期 2018年"), Some(2018.0));
        // Serial dates, Unix times and other numbers are no year.
        assert_eq!(leading_year("43101"), None);
        assert_eq!(leading_year("1514764800"), None);
        assert_eq!(leading_year("12345678"), None);
        assert_eq!(leading_year("0000"), None);
    }

    #[test]
    fn theme_cells() {
        assert_eq!(
            split_themes("乡村振兴; 民生；"),
            Some(vec!["乡村振兴".into(), "民生".into()])
        );
        assert_eq!(split_themes("  "), None);
        // A list typed as Chinese text: 、 and commas separate too.
        assert_eq!(
            split_themes("乡村振兴、民生，生态,红色；"),
            Some(vec![
                "乡村振兴".into(),
                "民生".into(),
                "生态".into(),
                "红色".into()
            ])
        );
    }
}
