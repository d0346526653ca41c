//! `xuanti simulate`: replay the decide-and-re-rank loop on a batch whose picks are known, and
//! report how much reading it saves.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde_json::json;
use xuanti::active::{simulate, Loop, LoopOptions, Simulation, SimulationOptions};
use xuanti::model::SelectionModel;
use xuanti::write::write_csv;

use super::InputArgs;

/// Replay screening with re-ranking after every round of decisions.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Batch with known decisions (CSV or workbook).
    input: PathBuf,
    /// The picked column (1/0, 是/否, 入选/未入选, …): revealed a round at a time.
    #[arg(long, value_name = "COL")]
    label: String,
    /// Start from this trained model (past rounds) instead of from random priors alone.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Random picks and random rejects revealed first (default: 1 without a model, 0 with).
    #[arg(long, value_name = "K")]
    priors: Option<usize>,
    /// Rows read per round before the rest is re-ranked.
    #[arg(long, value_name = "N", default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..))]
    step: u32,
    /// Seed of the priors.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
    /// Runs with seeds S, S+1, …; the figures are their means.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: u32,
    /// Print the figures as one JSON object on stdout.
    #[arg(long)]
    json: bool,
    /// Write the recall curve (screened, found, recall, estimated and true picks left) as CSV;
    /// with several runs, the first run's.
    #[arg(long, value_name = "FILE")]
    curve: Option<PathBuf>,
    /// SVM regularization of the in-batch model.
    #[arg(long, value_name = "C", default_value_t = LoopOptions::default().c, value_parser = super::parse_c)]
    c: f32,
    /// Weight of the trained model's log-odds in the in-batch margins.
    #[arg(long, value_name = "W", default_value_t = LoopOptions::default().prior_scale, value_parser = super::parse_weight)]
    prior_scale: f32,
    /// Weight of the character n-gram block of the in-batch model (0 turns it off).
    #[arg(long, value_name = "W", default_value_t = LoopOptions::default().features.chars, value_parser = super::parse_weight)]
    chars: f32,
    /// Keep screening until this share of the batch is screened even after the last pick
    /// (to follow the picks-left estimate), e.g. 0.3.
    #[arg(long, value_name = "SHARE", default_value_t = 0.0, value_parser = parse_share)]
    min_screened: f64,
    /// Weight of naive Bayes beside the in-batch SVM (0 leaves it out).
    #[arg(long, value_name = "W", default_value_t = LoopOptions::default().nb_weight, value_parser = super::parse_weight)]
    nb: f32,
    #[command(flatten)]
    input_args: InputArgs,
}

/// Parses `--min-screened`: a share of the batch, from 0 to 1.
fn parse_share(value: &str) -> std::result::Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(s) if (0.0..=1.0).contains(&s) => Ok(s),
        _ => Err(xuanti::tr!(
            "“{value}”不是比例：请用 0 到 1 之间的数（占全批的比例，如 0.3）",
            "'{value}' is not a share: use a number from 0 to 1 (a share of the batch, such as 0.3)"
        )),
    }
}

pub fn run(args: SimulateArgs) -> Result<()> {
    // Without a model the first ranking has nothing to go on: a command line that cannot
    // work, said before the batch is read.
    if args.priors == Some(0) && args.model.is_none() {
        return Err(xuanti::Error::Usage(xuanti::tr!(
            "--priors 0 需要同时给 --model：没有模型，第一轮排序无从谈起",
            "--priors 0 needs --model: without a model the first ranking has nothing to go on"
        ))
        .into());
    }
    super::no_stdin(
        [("--model", args.model.as_deref())]
            .into_iter()
            .chain(args.input_args.files()),
    )?;
    let mut inputs = args.input_args.paths(&args.input);
    inputs.extend(args.model.as_deref());
    xuanti::write::check_outputs(
        &args
            .curve
            .as_deref()
            .map(|c| ("--curve", c))
            .into_iter()
            .collect::<Vec<_>>(),
        &inputs,
    )?;
    let batch = args.input_args.read(&args.input)?;
    let labels = batch.labels(&args.label)?;
    let picks = labels.iter().filter(|&&y| y).count();
    anyhow::ensure!(
        picks > 0 && picks < labels.len(),
        xuanti::tr!(
            "{}：“{}”列里至少要有一个入选的和一个不入选的才能模拟（{} 行中入选 {picks} 行）",
            "{}: column '{}' needs at least one pick and one other row to simulate ({picks} picks in {} rows)",
            args.input.display(),
            args.label,
            labels.len()
        )
    );
    let priors = args
        .priors
        .unwrap_or(if args.model.is_some() { 0 } else { 1 });
    // The priors are revealed for free: they must leave picks to find, and rejects to draw.
    let rejects = labels.len() - picks;
    anyhow::ensure!(
        priors < picks && priors <= rejects,
        xuanti::tr!(
            "--priors {priors}：“{}”列有 {picks} 行入选、{rejects} 行未入选；先揭示的 {priors} 个入选须少于入选数（要留下可找的），也不能多于未入选数",
            "--priors {priors}: column '{}' has {picks} picks and {rejects} other rows; the priors must leave at least one pick to find, and cannot exceed the other rows",
            args.label
        )
    );
    if priors == 0 && args.runs > 1 {
        let runs = args.runs;
        super::warn(&[xuanti::tr!(
            "从模型开始、不先揭示入选和不入选（--priors 0）时，种子不起作用，--runs {runs} 的每一次模拟都一样",
            "starting from the model with no priors (--priors 0), the seed changes nothing: the {runs} runs of --runs {runs} are all the same"
        )]);
    }
    let model = match &args.model {
        Some(p) => Some(SelectionModel::load(p).context(super::model_failed())?),
        None => None,
    };
    let themes = match (&args.input_args.themes, &model) {
        (None, Some(m)) => m.themes().clone(),
        _ => args.input_args.theme_set()?,
    };
    let analyzer = args.input_args.analyzer(&themes)?;
    let submissions = batch.submissions();
    // Segmented once for every run and round.
    let (analysis, prior) = match &model {
        Some(m) => {
            let analysis = analyzer.analyze(&submissions);
            let scores = m.score(&analysis.docs, &analysis.criteria, &analysis.themes);
            let logits: Vec<f32> = scores.iter().map(|s| s.logit).collect();
            let probabilities: Vec<f32> = scores.iter().map(|s| s.probability).collect();
            (analysis, Some((logits, probabilities)))
        }
        None => (analyzer.segment(&submissions), None),
    };
    let defaults = LoopOptions::default();
    let options = LoopOptions {
        c: args.c,
        prior_scale: args.prior_scale,
        nb_weight: args.nb,
        features: xuanti::featurize::FeatureConfig {
            chars: args.chars,
            ..defaults.features.clone()
        },
        ..defaults
    };
    let mut runs: Vec<Simulation> = Vec::new();
    for run in 0..args.runs as u64 {
        let l = Loop::new(
            &analysis.docs,
            prior.as_ref().map(|(l, p)| (l.as_slice(), p.as_slice())),
            options.clone(),
        );
        let sim = simulate(
            l,
            &labels,
            SimulationOptions {
                priors,
                step: args.step as usize,
                seed: args.seed.wrapping_add(run),
                min_screened: args.min_screened,
            },
        );
        let (seed, ms) = (args.seed.wrapping_add(run), sim.seconds_per_round * 1e3);
        super::detail(xuanti::tr!(
            "种子 {seed}：WSS@95 {:.3}，95% 召回时已读 {} 行，读 10% 时召回 {:.3}，共 {} 轮，每轮 {ms:.1} 毫秒",
            "seed {seed}: WSS@95 {:.3}, n at 95% {}, recall@10% {:.3}, {} rounds of {ms:.1} ms",
            sim.wss_95,
            sim.n_at_95,
            sim.recall_at_10,
            sim.rounds
        ));
        runs.push(sim);
    }
    if let Some(path) = &args.curve {
        write_curve(path, &inputs, &runs[0])?;
    }
    let mean = |f: &dyn Fn(&Simulation) -> f64| runs.iter().map(f).sum::<f64>() / runs.len() as f64;
    let wss = mean(&|s| s.wss_95);
    let n95 = mean(&|s| s.n_at_95 as f64);
    let r10 = mean(&|s| s.recall_at_10);
    let rounds = mean(&|s| s.rounds as f64);
    let per_round = mean(&|s| s.seconds_per_round);
    let per_estimate = mean(&|s| s.seconds_per_estimate);
    let estimate_error = mean(&|s| estimate_error_at(s, 0.2).unwrap_or(f64::NAN));
    if args.json {
        let value = json!({
            "wss@95": wss,
            "n_at_95": n95,
            "recall@10%": r10,
            "rounds": rounds,
            "rows": runs[0].rows,
            "picks": runs[0].picks,
            "priors": priors,
            "step": args.step,
            "seeds": (0..args.runs as u64).map(|r| args.seed.wrapping_add(r)).collect::<Vec<_>>(),
            "wss@95_per_run": runs.iter().map(|s| s.wss_95).collect::<Vec<_>>(),
            "seconds_per_round": per_round,
            "seconds_per_estimate": per_estimate,
            "estimate_error_at_20%": if estimate_error.is_finite() { json!(estimate_error) } else { json!(null) },
        });
        println!("{value}");
    } else {
        println!(
            "{}: {} rows, {} picks; priors {priors}+{priors}, step {}, {} run(s) from seed {}",
            args.input.display(),
            runs[0].rows,
            runs[0].picks,
            args.step,
            args.runs,
            args.seed
        );
        println!("WSS@95       {wss:.3}");
        println!("n at 95%     {n95:.1}");
        println!("recall@10%   {r10:.3}");
        println!(
            "rounds       {rounds:.1} ({:.1} ms each to learn and re-rank, {:.1} ms for the estimate)",
            per_round * 1e3,
            per_estimate * 1e3
        );
        if estimate_error.is_finite() {
            println!("picks-left estimate at 20% screened: {estimate_error:+.2} picks off");
        }
    }
    Ok(())
}

/// The estimate's error (estimate − truth, in picks) at the first round with at least
/// `share` of the batch screened.
fn estimate_error_at(sim: &Simulation, share: f64) -> Option<f64> {
    let at = (share * sim.rows as f64).ceil() as usize;
    sim.curve
        .iter()
        .find(|p| p.screened >= at)
        .and_then(|p| p.estimate.map(|e| e as f64 - (sim.picks - p.found) as f64))
}

fn write_curve(
    path: &std::path::Path,
    inputs: &[&std::path::Path],
    sim: &Simulation,
) -> Result<()> {
    let mut rows = vec![
        ["screened", "found", "recall", "estimated_left", "true_left"]
            .map(String::from)
            .to_vec(),
    ];
    for p in &sim.curve {
        rows.push(vec![
            p.screened.to_string(),
            p.found.to_string(),
            format!("{:.4}", p.found as f64 / sim.picks.max(1) as f64),
            p.estimate.map(|e| format!("{e:.2}")).unwrap_or_default(),
            (sim.picks - p.found).to_string(),
        ]);
    }
    write_csv(Some(path), inputs, &rows)
        .context(xuanti::tr!("无法写出召回曲线", "cannot write the curve"))
}
