//! `xuanti eval`: ranking quality by cross-validation, on later batches, or cold start, with the
//! peers' figures beside it (`--compare` the harness JSON of `shared/bench/anchors`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use xuanti::eval::{evaluate, Metrics};
use xuanti::model::learn::stratified_folds;
use xuanti::model::{PickRate, SelectionModel};
use xuanti::read::Batch;
use xuanti::score::{Analyzer, Screening};
use xuanti::tr;

use super::train::{fit, resolve_unmarked, split_themes, UnmarkedArg};
use super::{InputArgs, LearnArgs};

/// Measure ranking quality.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labelled past submissions to train on (several files: one per round, oldest first, as
    /// for `train`). Without --test: k-fold cross-validation on it (one file).
    /// Without INPUT and --model: cold start (themes and criteria only) on each --test batch.
    // The impossible combinations are usage errors (exit 2) before anything is read.
    #[arg(requires = "label", conflicts_with = "model", num_args = 0.., value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// The picked column (in INPUT and in every --test batch).
    #[arg(long, value_name = "COL", required_unless_present = "themes_col")]
    label: Option<String>,
    /// Folds of the cross-validation when no --test is given.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=20))]
    folds: u32,
    /// Later batches to rank and score (repeatable).
    #[arg(long, value_name = "FILE", required_unless_present = "inputs")]
    test: Vec<PathBuf>,
    /// Evaluate this trained model on the --test batches instead of training.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// The peers' results JSON from shared/bench/anchors (repeatable), shown beside ours
    /// (in the tables: not with --json).
    #[arg(long, value_name = "FILE")]
    compare: Vec<PathBuf>,
    /// What a batch's probabilities average to: `trained` (the recent pick rate of the
    /// training data, for batches of 100+ rows), a rate such as `0.1`, or `off`.
    #[arg(long, value_name = "RATE", default_value = "trained", value_parser = super::parse_pick_rate)]
    pick_rate: PickRate,
    /// Rows whose picked cell is empty or 待定, in the training files and the --test batches:
    /// `reject` takes them as not picked, `skip` leaves them out (as for `train`).
    #[arg(long, value_name = "HOW", value_enum, requires = "label")]
    unmarked: Option<UnmarkedArg>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    input_args: InputArgs,
    #[command(flatten)]
    learn: LearnArgs,
}

/// Metrics of one scored batch.
#[derive(Debug, Serialize)]
struct BatchReport {
    batch: String,
    screening: Option<Metrics>,
    themes: Vec<(String, Metrics)>,
}

#[derive(Debug, Serialize)]
struct Report {
    mode: &'static str,
    batches: Vec<BatchReport>,
    mean: Option<Metrics>,
    theme_mean_ap: Vec<(String, f64)>,
}

pub fn run(args: EvalArgs) -> Result<()> {
    // The peers' table is printed beside ours; --json printed our figures alone and dropped
    // it without a word.
    if args.json && !args.compare.is_empty() {
        return Err(xuanti::Error::Usage(tr!(
            "--compare 的对照表只印在表格报告旁边，--json 不带它：请去掉其中一个（同行的数字就在 {} 里）",
            "--compare prints the peers' table beside the tables, which --json does not print: drop one of them (the peers' figures are in {} itself)",
            args.compare[0].display()
        ))
        .into());
    }
    super::no_stdin(
        [("--model", args.model.as_deref())]
            .into_iter()
            .chain(
                args.compare
                    .iter()
                    .map(|p| ("--compare", Some(p.as_path()))),
            )
            .chain(args.input_args.files()),
    )?;
    let anchors = args
        .compare
        .iter()
        .map(|p| read_anchors(p))
        .collect::<Result<Vec<_>>>()?;
    if args.inputs.len() > 1 && args.test.is_empty() {
        return Err(xuanti::Error::Usage(tr!(
            "交叉验证只用一个文件；几个文件（每轮一个）请用 --test 给出要测的批次",
            "cross-validation takes one file; to train on several (one per round), give the batches to test with --test"
        ))
        .into());
    }
    super::InputArgs::distinct(&args.input_args, &args.inputs, false)?;
    super::stdin_once(args.test.iter().map(|p| ("--test", p.as_path())))?;
    let (mode, batches) = match (args.inputs.first(), &args.model, args.test.is_empty()) {
        (Some(input), None, true) => ("cross-validation", cross_validate(&args, input)?),
        (Some(_), None, false) => {
            let files: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
            let (mut train, analyzer) = args.input_args.read_all_with_analyzer(&files)?;
            let tests = read_tests(&args)?;
            if let Some(label) = &args.label {
                resolve_unmarked(&mut train, label, args.unmarked, false)?;
            }
            // A batch trained on and tested measures what the model remembers, not how it ranks.
            let both: Vec<String> = args
                .test
                .iter()
                .filter(|t| args.inputs.iter().any(|i| xuanti::write::same_file(i, t)))
                .map(|t| t.display().to_string())
                .collect();
            if !both.is_empty() {
                let both = xuanti::lang::list(&both);
                super::warn(&[tr!(
                    "{both} 既用来训练又用来测试：它的分数量的是模型记住了什么，不是排序好坏",
                    "{both} is both trained on and tested: its figures measure what the model remembers, not how well it ranks"
                )]);
            }
            let label = args.label.as_deref().with_context(|| {
                tr!(
                    "训练需要用 --label 指定入选列",
                    "--label COL is needed to train"
                )
            })?;
            let submissions: Vec<_> = train.iter().flat_map(Batch::submissions).collect();
            let analysis = analyzer.analyze(&submissions);
            let model = fit(&train, &analysis, analyzer.themes(), label, &args.learn)?
                .with_pick_rate(args.pick_rate);
            let t = model.training();
            let (c, ap) = (t.chosen_c, t.cv_ap);
            let per_c = xuanti::lang::list(
                &t.cv_ap_per_c
                    .iter()
                    .map(|(c, ap)| format!("{c} → {ap:.3}"))
                    .collect::<Vec<_>>(),
            );
            let combiner = xuanti::lang::list(
                &model
                    .combiner()
                    .iter()
                    .map(|(name, w)| format!("{} {w:.2}", signal_name(name)))
                    .collect::<Vec<_>>(),
            );
            eprintln!(
                "xuanti: {}",
                tr!(
                    "训练完成：C={c}（各 C 的验证 AP：{per_c}），验证 AP {ap:.3}，组合权重：{combiner}",
                    "trained: C={c} (validation AP per C: {per_c}), validation AP {ap:.3}, combiner weights: {combiner}"
                )
            );
            ("train-test", tested(&args, &analyzer, Some(&model), tests)?)
        }
        (None, Some(path), false) => {
            let model = SelectionModel::load(path)
                .context(super::model_failed())?
                .with_pick_rate(args.pick_rate);
            let themes = match &args.input_args.themes {
                Some(_) => args.input_args.theme_set()?,
                None => model.themes().clone(),
            };
            let analyzer = args.input_args.analyzer(&themes)?;
            ("model-test", test_batches(&args, &analyzer, Some(&model))?)
        }
        (None, None, false) => {
            let themes = args.input_args.theme_set()?;
            let analyzer = args.input_args.analyzer(&themes)?;
            ("cold-start", test_batches(&args, &analyzer, None)?)
        }
        (Some(_), Some(_), _) => anyhow::bail!(tr!(
            "INPUT（用来训练）和 --model 只能给一个",
            "give either INPUT (to train) or --model, not both"
        )),
        (None, _, true) => anyhow::bail!(tr!(
            "没有可评估的：请给出 INPUT 做交叉验证，或用 --test FILE 指定批次",
            "nothing to evaluate: give INPUT to cross-validate, or --test FILE"
        )),
    };
    let report = summarize(mode, batches);
    if let Some(col) = &args.learn.themes_col {
        if report.theme_mean_ap.is_empty() {
            super::warn(&[tr!(
                "“{col}”列里没有一个主题标签是主题的名称（关键词主题或学到的主题），所以没有主题 AP",
                "no label in column '{col}' is the name of a theme (a keyword or learned one), so there is no theme AP"
            )]);
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
        for (path, json) in args.compare.iter().zip(&anchors) {
            print_anchors(path, json, &report)?;
        }
    }
    Ok(())
}

/// A combiner signal's name (stored in the model in Chinese) in the language of the messages.
fn signal_name(name: &str) -> String {
    if !xuanti::lang::english() {
        return name.to_string();
    }
    match name {
        "文本模型" => "text model",
        "朴素贝叶斯" => "naive Bayes",
        "主题相关" => "theme relevance",
        other => other,
    }
    .to_string()
}

fn theme_metrics(
    batch: &Batch,
    screening: &Screening,
    col: &str,
) -> Result<Vec<(String, Metrics)>> {
    let cells: Vec<Option<Vec<String>>> = batch.cells(col)?.into_iter().map(split_themes).collect();
    let rows: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].is_some()).collect();
    let mut out = Vec::new();
    for (t, name) in screening.theme_names.iter().enumerate() {
        let labels: Vec<bool> = rows
            .iter()
            .map(|&i| cells[i].as_deref().unwrap_or_default().contains(name))
            .collect();
        if !labels.iter().any(|&l| l) {
            continue;
        }
        let scores: Vec<f32> = rows
            .iter()
            .map(|&i| screening.assessments[i].themes[t])
            .collect();
        out.push((name.clone(), evaluate(&scores, &labels)));
    }
    Ok(out)
}

fn test_batches(
    args: &EvalArgs,
    analyzer: &Analyzer,
    model: Option<&SelectionModel>,
) -> Result<Vec<BatchReport>> {
    let batches = read_tests(args)?;
    tested(args, analyzer, model, batches)
}

/// The `--test` batches, read before any training so that a wrong path or a bad file stops
/// the run before the time training takes.
fn read_tests(args: &EvalArgs) -> Result<Vec<Batch>> {
    let mut batches = args
        .test
        .iter()
        .map(|p| args.input_args.read(p))
        .collect::<Result<Vec<Batch>>>()?;
    if let Some(label) = &args.label {
        resolve_unmarked(&mut batches, label, args.unmarked, true)?;
    }
    // The columns each batch is scored against, and their cells, checked now too: a batch not
    // yet marked stopped the run only after training.
    for batch in &batches {
        if let Some(label) = &args.label {
            batch.labels(label)?;
        }
        if let Some(col) = &args.learn.themes_col {
            batch.cells(col)?;
        }
    }
    Ok(batches)
}

/// Scores the test batches already read.
fn tested(
    args: &EvalArgs,
    analyzer: &Analyzer,
    model: Option<&SelectionModel>,
    batches: Vec<Batch>,
) -> Result<Vec<BatchReport>> {
    let mut out = Vec::new();
    for (path, batch) in args.test.iter().zip(batches) {
        let screening = analyzer.screen(&batch.submissions(), model);
        out.push(report_batch(args, path, &batch, &screening)?);
    }
    Ok(out)
}

fn report_batch(
    args: &EvalArgs,
    path: &Path,
    batch: &Batch,
    screening: &Screening,
) -> Result<BatchReport> {
    let screening_metrics = match &args.label {
        Some(label) => {
            let labels = batch.labels(label)?;
            let scores: Vec<f32> = screening.assessments.iter().map(|a| a.score).collect();
            Some(evaluate(&scores, &labels))
        }
        None => None,
    };
    let themes = match &args.learn.themes_col {
        Some(col) => theme_metrics(batch, screening, col)?,
        None => Vec::new(),
    };
    Ok(BatchReport {
        batch: batch_name(args, path),
        screening: screening_metrics,
        themes,
    })
}

/// A batch's name in the report: its file stem (batch-2019), or its whole path when another
/// `--test` batch has the same stem (a/x.csv and b/x.csv).
fn batch_name(args: &EvalArgs, path: &Path) -> String {
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned());
    let shared = args.test.iter().filter(|p| stem(p) == stem(path)).count() > 1;
    match stem(path) {
        Some(s) if !shared => s,
        _ => path.display().to_string(),
    }
}

fn cross_validate(args: &EvalArgs, input: &Path) -> Result<Vec<BatchReport>> {
    let label = args.label.as_deref().with_context(|| {
        tr!(
            "交叉验证需要用 --label 指定入选列",
            "--label COL is needed to cross-validate"
        )
    })?;
    let (mut batch, analyzer) = args.input_args.read_with_analyzer(input)?;
    resolve_unmarked(
        std::slice::from_mut(&mut batch),
        label,
        args.unmarked,
        false,
    )?;
    let labels = batch.labels(label)?;
    // A file without enough picks (or rejects) for even one fit: no number of folds helps,
    // so this is said before the folds are (their error suggests more --folds).
    let picks = labels.iter().filter(|&&y| y).count();
    let (others, needed) = (labels.len() - picks, (args.learn.cv_folds as usize).max(2));
    if picks < needed || others < needed {
        // The need comes from the internal validation's folds (--cv-folds), which can be fewer
        // down to 2; the message said no flag helps even when --cv-folds 2 did.
        let hint = if needed > 2 && picks >= 3 && others >= 3 {
            tr!(
                "（训练内部验证分 {needed} 折，--cv-folds 2 可以降到各 2 行）",
                " (training's internal validation has {needed} folds; --cv-folds 2 lowers it to 2 of each)"
            )
        } else {
            String::new()
        };
        return Err(xuanti::Error::Training {
            path: batch.path.clone(),
            message: tr!(
                "“{label}”列有 {picks} 行入选、{others} 行未入选；训练需要入选和未入选各至少 {needed} 行{hint}，减少 --folds 也没用",
                "column '{label}' has {picks} picked and {others} other rows; training needs at least {needed} of each{hint}, whatever the --folds"
            ),
        }
        .into());
    }
    let k = args.folds as usize;
    let fold = stratified_folds(&labels, k, args.learn.seed);
    let analysis = analyzer.analyze(&batch.submissions());
    let mut out = Vec::new();
    for f in 0..k {
        let (test_rows, train_rows): (Vec<usize>, Vec<usize>) =
            (0..batch.rows.len()).partition(|&i| fold[i] == f);
        let part = |rows: &[usize]| Batch {
            path: batch.path.clone(),
            headers: batch.headers.clone(),
            rows: rows.iter().map(|&i| batch.rows[i].clone()).collect(),
            columns: batch.columns,
            description: batch.description.clone(),
            warnings: Vec::new(),
        };
        let (train, test) = (part(&train_rows), part(&test_rows));
        let model = fit(
            std::slice::from_ref(&train),
            &analysis.subset(&train_rows),
            analyzer.themes(),
            label,
            &args.learn,
        )
        .with_context(|| {
            let picks = labels.iter().filter(|&&y| y).count();
            let (fold, trained, rows, file) =
                (f + 1, train_rows.len(), labels.len(), input.display());
            let others = rows - picks;
            tr!(
                "第 {fold} 折（共 {k} 折）只用 {file} 的 {rows} 行中的 {trained} 行训练（全文件入选 {picks} 行、未入选 {others} 行）；可以用 --folds 增加折数（每折用来训练的行更多），或换更大的文件",
                "fold {fold} of {k} trains on {trained} of the {rows} rows of {file} (the file has {picks} picked and {others} other rows); use more --folds (each then trains on more rows) or a larger file"
            )
        })?
        .with_pick_rate(args.pick_rate);
        let screening = analyzer.assess(analysis.subset(&test_rows), Some(&model));
        let mut r = report_batch(args, input, &test, &screening)?;
        r.batch = format!("fold {}", f + 1);
        out.push(r);
    }
    Ok(out)
}

fn summarize(mode: &'static str, batches: Vec<BatchReport>) -> Report {
    let screened: Vec<&Metrics> = batches
        .iter()
        .filter_map(|b| b.screening.as_ref())
        .collect();
    let mean = (!screened.is_empty()).then(|| mean_metrics(&screened));
    let mut names: Vec<String> = Vec::new();
    for b in &batches {
        for (n, _) in &b.themes {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    let theme_mean_ap = names
        .into_iter()
        .map(|n| {
            let aps: Vec<f64> = batches
                .iter()
                .filter_map(|b| b.themes.iter().find(|(t, _)| *t == n))
                .map(|(_, m)| m.ap)
                .filter(|v| v.is_finite())
                .collect();
            (n, mean_or_nan(&aps))
        })
        .collect();
    Report {
        mode,
        batches,
        mean,
        theme_mean_ap,
    }
}

/// The mean, or NaN for no values (no batch with a pick): not a number, not a misleading 0.
fn mean_or_nan(v: &[f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn mean_metrics(ms: &[&Metrics]) -> Metrics {
    let avg = |f: fn(&Metrics) -> f64| {
        let v: Vec<f64> = ms.iter().map(|m| f(m)).filter(|x| x.is_finite()).collect();
        mean_or_nan(&v)
    };
    Metrics {
        n: ms.iter().map(|m| m.n).sum(),
        positives: ms.iter().map(|m| m.positives).sum(),
        ap: avg(|m| m.ap),
        ndcg10: avg(|m| m.ndcg10),
        ndcg50: avg(|m| m.ndcg50),
        p10: avg(|m| m.p10),
        recall10pct: avg(|m| m.recall10pct),
        wss95: avg(|m| m.wss95),
        mean_score: avg(|m| m.mean_score),
        rate: avg(|m| m.rate),
        brier: avg(|m| m.brier),
        ece: avg(|m| m.ece),
    }
}

fn print_report(r: &Report) {
    println!("mode: {}", r.mode);
    let has_screening = r.batches.iter().any(|b| b.screening.is_some());
    if has_screening {
        println!(
            "{:<16}{:>6}{:>6}{:>7}{:>9}{:>9}{:>6}{:>7}{:>8}{:>8}{:>8}{:>8}{:>8}",
            "batch",
            "n",
            "picks",
            "AP",
            "NDCG@10",
            "NDCG@50",
            "P@10",
            "R@10%",
            "WSS@95",
            "meanP",
            "rate",
            "Brier",
            "ECE"
        );
        let line = |name: &str, m: &Metrics| {
            println!(
                "{:<16}{:>6}{:>6}{:>7.3}{:>9.3}{:>9.3}{:>6.2}{:>7.3}{:>8.3}{:>8.4}{:>8.4}{:>8.4}{:>8.4}",
                name, m.n, m.positives, m.ap, m.ndcg10, m.ndcg50, m.p10, m.recall10pct, m.wss95,
                m.mean_score, m.rate, m.brier, m.ece
            )
        };
        for b in &r.batches {
            if let Some(m) = &b.screening {
                line(&b.batch, m);
            }
        }
        if let Some(m) = &r.mean {
            line("mean", m);
        }
    }
    if !r.theme_mean_ap.is_empty() {
        println!("\ntheme AP (rows with a themes cell)");
        print!("{:<16}", "batch");
        for (n, _) in &r.theme_mean_ap {
            print!("{:>12}", n);
        }
        println!();
        for b in &r.batches {
            print!("{:<16}", b.batch);
            for (n, _) in &r.theme_mean_ap {
                match b.themes.iter().find(|(t, _)| t == n) {
                    Some((_, m)) => print!("{:>12.3}", m.ap),
                    None => print!("{:>12}", "-"),
                }
            }
            println!();
        }
        print!("{:<16}", "mean");
        for (_, ap) in &r.theme_mean_ap {
            print!("{:>12.3}", ap);
        }
        println!();
    }
}

/// Prints the peers' figures from one harness JSON beside ours.
/// Reads a `--compare` file (checked before any work is done, so that a wrong path does not
/// cost a whole evaluation).
fn read_anchors(path: &Path) -> Result<serde_json::Value> {
    // As every other file's: the Chinese message gave the system's English reason alone.
    let text = std::fs::read_to_string(path).map_err(|io| xuanti::Error::Io {
        path: path.to_path_buf(),
        io,
    })?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| tr!("{}：不是 JSON 格式", "{}: not JSON", path.display()))?;
    anchors_of(path, &json)?;
    Ok(json)
}

/// The `anchors` object of a harness result file.
fn anchors_of<'a>(
    path: &Path,
    json: &'a serde_json::Value,
) -> Result<&'a serde_json::Map<String, serde_json::Value>> {
    json.get("anchors")
        .and_then(|a| a.as_object())
        .with_context(|| {
            tr!(
                "{}：没有 \"anchors\" 对象，不是 shared/bench/anchors 的结果文件",
                "{}: no \"anchors\" object; not a shared/bench/anchors result",
                path.display()
            )
        })
}

fn print_anchors(path: &Path, json: &serde_json::Value, ours: &Report) -> Result<()> {
    let anchors = anchors_of(path, json)?;
    let positive = json
        .pointer("/args/positive")
        .and_then(|p| p.as_str())
        .unwrap_or("");
    let label_col = json
        .pointer("/args/label_col")
        .and_then(|p| p.as_str())
        .unwrap_or("");
    let theme = ours.theme_mean_ap.iter().find(|(n, _)| n == positive);
    println!(
        "\nanchors from {} (label {label_col}{})",
        path.display(),
        if positive.is_empty() {
            String::new()
        } else {
            format!(" = {positive}")
        }
    );
    println!(
        "{:<14}{:>8}{:>8}{:>9}{:>6}{:>8}",
        "system", "AP", "AP/test", "NDCG@50", "P@10", "WSS@95"
    );
    let metric = |v: &serde_json::Value, k: &str| {
        v.pointer(&format!("/summary/{k}/mean"))
            .and_then(|x| x.as_f64())
            .unwrap_or(f64::NAN)
    };
    for (name, v) in anchors {
        let per_test: Vec<String> = v
            .get("per_test")
            .and_then(|p| p.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.get("ap").and_then(|x| x.as_f64()))
                    .map(|x| format!("{x:.3}"))
                    .collect()
            })
            .unwrap_or_default();
        println!(
            "{:<14}{:>8.3}{:>8}{:>9.3}{:>6.2}{:>8.3}   per test: {}",
            name,
            metric(v, "ap"),
            "",
            metric(v, "ndcg@50"),
            metric(v, "p@10"),
            metric(v, "wss@95"),
            per_test.join(" / ")
        );
    }
    match (theme, &ours.mean) {
        (Some((n, ap)), _) => println!("{:<14}{:>8.3}   (theme {n})", "xuanti", ap),
        (None, Some(m)) if label_col != "topics" => println!(
            "{:<14}{:>8.3}{:>8}{:>9.3}{:>6.2}{:>8.3}   per test: {}",
            "xuanti",
            m.ap,
            "",
            m.ndcg50,
            m.p10,
            m.wss95,
            ours.batches
                .iter()
                .filter_map(|b| b.screening.as_ref().map(|s| format!("{:.3}", s.ap)))
                .collect::<Vec<_>>()
                .join(" / ")
        ),
        _ => println!("xuanti: no matching figure in this run"),
    }
    Ok(())
}
