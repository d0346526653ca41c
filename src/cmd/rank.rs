//! `xuanti rank`: score a batch and write the ranked list with reasons.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use xuanti::criteria::CRITERIA;
use xuanti::explain::Explanation;
use xuanti::model::{PickRate, SelectionModel};
use xuanti::rank::Ranking;
use xuanti::write::write_csv;

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

pub fn run(args: RankArgs) -> Result<()> {
    let batch = args.input_args.read(&args.input)?;
    let model = match &args.model {
        Some(p) => Some(
            SelectionModel::load(p)
                .context("cannot use the model")?
                .with_pick_rate(args.pick_rate),
        ),
        None => None,
    };
    // A model carries the themes it was trained with; --themes still replaces them.
    let themes = match (&args.input_args.themes, &model) {
        (None, Some(m)) => m.themes().clone(),
        _ => args.input_args.theme_set()?,
    };
    let analyzer = args.input_args.analyzer(&themes)?;
    let submissions = batch.submissions();
    let screening = analyzer.screen(&submissions, model.as_ref());
    let ranking = Ranking::new(&screening, args.top);
    let keyword_names = themes.names();

    let mut header = own_columns(&screening.theme_names);
    let passthrough: Vec<usize> = (0..batch.headers.len())
        .filter(|&i| Some(i) != batch.columns.id)
        .collect();
    for &i in &passthrough {
        let name = &batch.headers[i];
        header.push(if header.contains(name) {
            format!("input:{name}")
        } else {
            name.clone()
        });
    }
    let mut rows = vec![header];
    for (rank, &i) in ranking.order.iter().enumerate() {
        let a = &screening.assessments[i];
        let mut row = vec![
            (rank + 1).to_string(),
            submissions[i].id.clone(),
            format!("{:.4}", a.score),
            a.best_theme()
                .map(|t| screening.theme_names[t].clone())
                .unwrap_or_default(),
        ];
        row.extend(a.themes.iter().map(|r| format!("{r:.3}")));
        row.extend(a.criteria.scores.iter().map(|c| format!("{:.3}", c.value)));
        row.push(Explanation::new(a, &screening.theme_names, &keyword_names).text);
        let cells = &batch.rows[i].cells;
        row.extend(
            passthrough
                .iter()
                .map(|&c| cells.get(c).cloned().unwrap_or_default()),
        );
        rows.push(row);
    }
    let mut inputs = vec![args.input.as_path()];
    if let Some(m) = &args.model {
        inputs.push(m.as_path());
    }
    write_csv(args.output.as_deref(), &inputs, &rows).context("cannot write the ranking")?;
    Ok(())
}
