//! Feature vectors + labels → [`SelectionModel`]; a model + a batch → P(picked) per submission.
//!
//! Two text learners run over the same TF-IDF space: an L2-loss linear SVM (or, with
//! `Loss::Logistic`, logistic regression) solved by dual coordinate descent (the liblinear
//! algorithms) and multinomial naive Bayes. Their held-out scores (temporal or k-fold, see
//! `Splits`), optionally with the dense signals of the other stages (exemplar criteria, theme
//! relevance), feed a small logistic regression fitted with `linfa-logistic`, which turns them
//! into a calibrated probability of being picked (stacking and Platt scaling in one step); a
//! batch's probabilities can then be matched to its expected pick rate ([`PickRate`]).
//! Learned themes have their own feature space and one SVM + Platt scaling per label.
//! linfa's learners are dense-only: right for that handful of columns, wrong for the text
//! model's hundreds of thousands of n-grams (see the README).

pub mod learn;

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::criteria::CriteriaScores;
use crate::error::{Error, Result};
use crate::eval::average_precision;
use crate::featurize::{
    hit, prefetch, FeatureConfig, FeatureKeys, KeyIndex, SparseVec, Vocabulary, VocabularyFile,
};
use crate::segment::{parallel_map, Document};
use crate::themes::{ThemeScores, ThemeSet};
use learn::{
    fit_linear, fit_nb, fit_path, sigmoid, stratified_folds, LinearModel, Loss, Problem, Stacker,
    SvmParams,
};

/// Marks a xuanti model file.
pub const FORMAT: &str = "xuanti-model";
/// The model-file version this build writes and reads.
pub const VERSION: u32 = 2;

/// How a model is trained. Every field has a default chosen on the dev protocol (README).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Feature families of the selection model.
    pub features: FeatureConfig,
    /// Feature families of the theme models (topical: character n-grams help there).
    #[serde(default = "theme_features")]
    pub theme_features: FeatureConfig,
    /// Loss of the sparse text model.
    #[serde(default)]
    pub loss: Loss,
    /// C values tried by cross-validation.
    pub c_grid: Vec<f32>,
    /// Folds of the internal cross-validation.
    pub folds: usize,
    /// Seed of folds and solver order.
    pub seed: u64,
    /// Naive Bayes smoothing.
    pub nb_alpha: f32,
    /// Whether naive Bayes joins the SVM.
    pub use_nb: bool,
    /// Whether the exemplar criteria join as signals.
    pub use_criteria: bool,
    /// Whether the keyword-theme relevance joins as a signal.
    pub use_themes: bool,
    /// Halve a row's weight for every this many years it is older than the newest row.
    pub recency_half_life: Option<f32>,
    /// Smallest number of positives for a theme label to get its own model.
    pub min_theme_positives: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            features: FeatureConfig::default(),
            theme_features: theme_features(),
            loss: Loss::SquaredHinge,
            c_grid: vec![0.1, 0.3, 1.0, 3.0, 10.0],
            folds: 5,
            seed: 42,
            nb_alpha: 0.1,
            use_nb: true,
            use_criteria: false,
            use_themes: false,
            recency_half_life: None,
            min_theme_positives: 3,
        }
    }
}

/// The theme models' features: the selection features plus character 1–2-grams at weight 0.5
/// (THUCTC-style; the peers' best theme classifier is character-based, and measured here it
/// lifts the rarest theme without costing the others).
pub fn theme_features() -> FeatureConfig {
    FeatureConfig {
        chars: 0.5,
        ..FeatureConfig::default()
    }
}

/// What a model is trained on: one entry per row, all in the same order.
#[derive(Debug)]
pub struct TrainingSet<'a> {
    /// Segmented submissions.
    pub docs: &'a [Document],
    /// Picked or not.
    pub labels: &'a [bool],
    /// Year of each row (for recency weighting), if known.
    pub years: Option<&'a [f32]>,
    /// Criteria per row.
    pub criteria: &'a [CriteriaScores],
    /// Keyword-theme scores per row.
    pub themes: &'a [ThemeScores],
    /// Theme labels per row (`None`: unlabelled for themes).
    pub theme_labels: Option<&'a [Option<Vec<String>>]>,
}

/// A learned theme: a linear model over the text features and its Platt calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeModel {
    /// The label, as written in the themes column.
    pub name: String,
    /// Training rows carrying the label.
    pub positives: usize,
    /// The text model.
    pub linear: LinearModel,
    /// Maps the margin to a probability.
    pub platt: Stacker,
    /// Cross-validated AP of the theme on the training rows (mean over folds).
    pub cv_ap: f64,
    /// C chosen for this theme.
    pub c: f32,
}

/// Where a model came from and how well it did in cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// SHA-256 of the training file's bytes.
    pub fingerprint: String,
    /// The training file as given.
    pub source: String,
    /// Rows used.
    pub rows: usize,
    /// Picked rows.
    pub positives: usize,
    /// The label column.
    pub label_column: String,
    /// The themes column, if any.
    pub themes_column: Option<String>,
    /// Options used.
    pub options: TrainOptions,
    /// C chosen by cross-validation.
    pub chosen_c: f32,
    /// Cross-validated AP per C tried.
    pub cv_ap_per_c: Vec<(f32, f64)>,
    /// How held-out scores were made: temporal or stratified k-fold.
    pub validation: String,
    /// Held-out AP of the final, calibrated scores (mean over parts).
    pub cv_ap: f64,
    /// Mean held-out probability ...
    pub cv_mean_probability: f64,
    /// ... versus the pick rate of the held-out rows.
    pub cv_pick_rate: f64,
}

/// What the probabilities of a batch should average to.
///
/// A screening round picks about as many submissions as it has room for (the seed report's
/// round took 106 of 1,076), so a batch's pick rate is set more by the round than by how good
/// its submissions look to a model trained on earlier years. Matching the batch's mean
/// probability to the expected rate keeps the order and makes the scores read as "chance of
/// being picked in this round".
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum PickRate {
    /// The pick rate of the training rows held out in validation (the newest years when
    /// the training file has dates), for batches of at least [`RATE_MATCH_MIN_ROWS`] rows.
    #[default]
    Trained,
    /// This rate, for a batch of any size.
    Fixed(f32),
    /// The combiner's probabilities as they are.
    Off,
}

/// Smallest batch whose mean is matched to the trained pick rate: below it a batch's share of
/// picks is too uncertain to impose.
pub const RATE_MATCH_MIN_ROWS: usize = 100;

/// Shift δ of the log-odds such that the mean of σ(logit + δ) is `rate` (bisection; the mean
/// is increasing in δ).
fn rate_shift(logits: &[f32], rate: f32) -> f32 {
    let mean =
        |d: f32| logits.iter().map(|&l| sigmoid(l + d) as f64).sum::<f64>() / logits.len() as f64;
    let (mut lo, mut hi) = (-40f32, 40f32);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if mean(mid) < rate as f64 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The trained selection model: vocabulary, text learners, combiner, themes.
#[derive(Debug, Clone)]
pub struct SelectionModel {
    vocabulary: Vocabulary,
    svm: LinearModel,
    nb: Option<LinearModel>,
    stacker: Stacker,
    themes: ThemeSet,
    /// The theme models' own feature space (`None` when no themes were learned).
    theme_vocabulary: Option<Vocabulary>,
    theme_models: Vec<ThemeModel>,
    /// The theme models' weights feature-major (`[feature][theme]`): one theme feature's
    /// weights for every theme share a cache line or two, so scoring all themes is one pass.
    theme_weights: Vec<f32>,
    /// Both vocabularies' keys in one index, so scoring looks each occurrence up once.
    joint: JointIndex,
    training: TrainingInfo,
    /// How a batch's probabilities are matched to a pick rate (a run setting, not saved).
    pick_rate: PickRate,
}

#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    version: u32,
    written_by: String,
    training: TrainingInfo,
    themes: ThemeSet,
    stacker: Stacker,
    svm: LinearModel,
    nb: Option<LinearModel>,
    theme_models: Vec<ThemeModel>,
    theme_vocabulary: Option<VocabularyFile>,
    vocabulary: VocabularyFile,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

/// Name of the log-odds shift that matches a batch to its pick rate, in [`ModelScore::signals`].
pub const BATCH_RATE_SIGNAL: &str = "本批入选率";

/// A scored document: the probability and the pieces that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelScore {
    /// P(picked), calibrated.
    pub probability: f32,
    /// The combiner's log-odds before any batch pick-rate matching.
    pub logit: f32,
    /// Per combiner signal: (name, contribution to the log-odds).
    pub signals: Vec<(String, f32)>,
    /// Text features with the largest positive contribution to the SVM margin: (name, weight).
    pub terms: Vec<(String, f32)>,
    /// Learned-theme probabilities, in [`SelectionModel::theme_models`] order.
    pub themes: Vec<f32>,
}

impl ModelScore {
    /// Moves the log-odds by a batch's pick-rate shift (see [`SelectionModel::batch_shift`]).
    pub fn shift(&mut self, shift: f32) {
        self.probability = sigmoid(self.logit + shift);
        self.signals.push((BATCH_RATE_SIGNAL.to_string(), shift));
    }
}

/// Dense signals of one row, in the stacker's column order: the text scores, then (when the
/// options ask for them) the criteria and the best keyword-theme relevance.
fn signals_of(
    options: &TrainOptions,
    svm: f32,
    nb: Option<f32>,
    criteria: &CriteriaScores,
    themes: &ThemeScores,
) -> Vec<f32> {
    let mut z = vec![svm];
    if let Some(nb) = nb {
        z.push(nb);
    }
    if options.use_criteria {
        z.extend(criteria.scores.iter().map(|c| c.value));
    }
    if options.use_themes {
        z.push(themes.relevance.iter().copied().fold(0.0, f32::max));
    }
    z
}

fn signal_names(options: &TrainOptions) -> Vec<String> {
    let mut names = vec!["文本模型".to_string()];
    if options.use_nb {
        names.push("朴素贝叶斯".to_string());
    }
    if options.use_criteria {
        names.extend(crate::criteria::CRITERIA.iter().map(|c| c.to_string()));
    }
    if options.use_themes {
        names.push("主题相关".to_string());
    }
    names
}

/// Costs per row: recency weight × class balance (picks weigh n_neg / n_pos).
fn costs(labels: &[bool], recency: &[f32], rows: &[usize]) -> Vec<f32> {
    let pos: f32 = rows
        .iter()
        .filter(|&&r| labels[r])
        .map(|&r| recency[r])
        .sum();
    let neg: f32 = rows
        .iter()
        .filter(|&&r| !labels[r])
        .map(|&r| recency[r])
        .sum();
    let balance = if pos > 0.0 { neg / pos } else { 1.0 };
    rows.iter()
        .map(|&r| recency[r] * if labels[r] { balance } else { 1.0 })
        .collect()
}

/// Held-out validation: pairs of (rows to fit on, rows to score).
#[derive(Debug, Clone)]
struct Splits {
    parts: Vec<(Vec<usize>, Vec<usize>)>,
    kind: &'static str,
}

impl Splits {
    /// Stratified k-fold over all rows.
    fn k_fold(y: &[bool], k: usize, seed: u64) -> Splits {
        let fold = stratified_folds(y, k, seed);
        let parts = (0..k)
            .map(|f| {
                let (test, train): (Vec<usize>, Vec<usize>) =
                    (0..y.len()).partition(|&i| fold[i] == f);
                (train, test)
            })
            .collect();
        Splits {
            parts,
            kind: "stratified k-fold",
        }
    }

    /// Forward chaining over the newest `last` years: fit on every earlier year, score that
    /// year. This is how the model is used (past rounds → next batch), and it keeps the parts
    /// of one multi-part story from sitting on both sides of a random split.
    fn temporal(years: &[f32], y: &[bool], last: usize) -> Option<Splits> {
        let mut distinct: Vec<i32> = years.iter().map(|&v| v as i32).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < last + 2 {
            return None;
        }
        let parts: Vec<(Vec<usize>, Vec<usize>)> = distinct[distinct.len() - last..]
            .iter()
            .map(|&year| {
                let train = (0..years.len())
                    .filter(|&i| (years[i] as i32) < year)
                    .collect();
                let test = (0..years.len())
                    .filter(|&i| years[i] as i32 == year)
                    .collect();
                (train, test)
            })
            // Each side needs a pick and a reject: a year that lists only its picks (a round's
            // file that kept the chosen stories alone) scores AP 1 whatever the model, and a
            // combiner fitted on one class scores every row alike.
            .filter(|(train, test): &(Vec<usize>, Vec<usize>)| {
                let both =
                    |rows: &[usize]| rows.iter().any(|&i| y[i]) && rows.iter().any(|&i| !y[i]);
                both(test) && both(train)
            })
            .collect();
        (parts.len() == last).then_some(Splits {
            parts,
            kind: "temporal (newest years held out)",
        })
    }

    /// Rows scored by some part, in order.
    fn scored_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self
            .parts
            .iter()
            .flat_map(|p| p.1.iter().copied())
            .collect();
        rows.sort_unstable();
        rows
    }

    /// Held-out margins of the linear model `fit` returns (NaN for rows never held out), on
    /// all cores.
    fn margins(&self, xs: &[SparseVec], fit: impl Fn(&[usize]) -> LinearModel + Sync) -> Vec<f32> {
        let scored: Vec<Vec<(usize, f32)>> = parallel_map(&self.parts, |(train, test)| {
            let model = fit(train);
            test.iter().map(|&i| (i, model.margin(&xs[i]))).collect()
        });
        let mut out = vec![f32::NAN; xs.len()];
        for (i, s) in scored.into_iter().flatten() {
            out[i] = s;
        }
        out
    }

    /// [`Splits::margins`] for a family of models fitted together (one per C of a grid):
    /// per model, the held-out margins.
    fn margins_path(
        &self,
        xs: &[SparseVec],
        fit: impl Fn(&[usize]) -> Vec<LinearModel> + Sync,
    ) -> Vec<Vec<f32>> {
        let scored: Vec<Vec<Vec<(usize, f32)>>> = parallel_map(&self.parts, |(train, test)| {
            fit(train)
                .iter()
                .map(|model| test.iter().map(|&i| (i, model.margin(&xs[i]))).collect())
                .collect()
        });
        let k = scored.first().map_or(0, |s| s.len());
        (0..k)
            .map(|m| {
                let mut out = vec![f32::NAN; xs.len()];
                for part in &scored {
                    for &(i, s) in &part[m] {
                        out[i] = s;
                    }
                }
                out
            })
            .collect()
    }

    /// Mean over parts of the AP of `scores` on that part's held-out rows.
    fn mean_ap(&self, scores: &[f32], y: &[bool]) -> f64 {
        let aps: Vec<f64> = self
            .parts
            .iter()
            .map(|(_, test)| {
                let s: Vec<f32> = test.iter().map(|&i| scores[i]).collect();
                let l: Vec<bool> = test.iter().map(|&i| y[i]).collect();
                average_precision(&s, &l)
            })
            .filter(|a| a.is_finite())
            .collect();
        aps.iter().sum::<f64>() / aps.len().max(1) as f64
    }
}

impl SelectionModel {
    /// Trains on `set`. `fingerprint`, `source` and the column names are recorded in the file.
    pub fn train(
        set: &TrainingSet<'_>,
        options: &TrainOptions,
        themes: &ThemeSet,
        info: (String, String, String, Option<String>),
        path: &Path,
    ) -> Result<SelectionModel> {
        let (fingerprint, source, label_column, themes_column) = info;
        let n = set.docs.len();
        let positives = set.labels.iter().filter(|&&l| l).count();
        let (others, needed) = (n - positives, options.folds.max(2));
        if positives < needed || others < needed {
            // The need is the internal validation's folds: say so where fewer would do (the
            // message named no way out, though `--cv-folds 2` was one).
            let hint = if needed > 2 && positives >= 2 && others >= 2 {
                crate::tr!(
                    "（内部验证分 {needed} 折，--cv-folds 2 可以降到各 2 行）",
                    " (the internal validation has {needed} folds; --cv-folds 2 lowers it to 2 of each)"
                )
            } else {
                String::new()
            };
            return Err(Error::Training {
                path: path.to_path_buf(),
                message: crate::tr!(
                    "“{label_column}”列有 {positives} 行入选、{others} 行未入选；训练需要入选和未入选各至少 {needed} 行{hint}",
                    "column '{label_column}' has {positives} picked and {others} other rows; training needs at least {needed} of each{hint}"
                ),
            });
        }
        let (vocabulary, xs) = Vocabulary::fit_transform(set.docs, &options.features);
        let nf = vocabulary.len();
        let recency = recency_weights(set.years, options.recency_half_life, n);
        let splits = set
            .years
            .and_then(|years| Splits::temporal(years, set.labels, 2))
            .unwrap_or_else(|| Splits::k_fold(set.labels, options.folds, options.seed));
        let svm_params = |c: f32| SvmParams {
            loss: options.loss,
            c,
            max_epochs: 60,
            seed: options.seed,
        };

        // C by cross-validated AP, weighted towards recent rows like the fit itself.
        let mut per_c = Vec::new();
        let mut best: Option<(f32, f64, Vec<f32>)> = None;
        let path = splits.margins_path(&xs, |train| {
            let cost = costs(set.labels, &recency, train);
            let problem = Problem {
                xs: &xs,
                rows: train,
                y: set.labels,
                cost: &cost,
                n_features: nf,
            };
            fit_path(&problem, &svm_params(1.0), &options.c_grid)
        });
        for (&c, oof) in options.c_grid.iter().zip(path) {
            let ap = splits.mean_ap(&oof, set.labels);
            per_c.push((c, ap));
            if best.as_ref().is_none_or(|b| ap > b.1) {
                best = Some((c, ap, oof));
            }
        }
        let (chosen_c, _, oof_svm) = best.expect("the C grid is not empty");
        let oof_nb = options.use_nb.then(|| {
            splits.margins(&xs, |train| {
                let w: Vec<f32> = train.iter().map(|&r| recency[r]).collect();
                let problem = Problem {
                    xs: &xs,
                    rows: train,
                    y: set.labels,
                    cost: &w,
                    n_features: nf,
                };
                fit_nb(&problem, options.nb_alpha)
            })
        });
        // The combiner learns from held-out scores only: what a fresh batch looks like.
        let held_out = splits.scored_rows();
        let z: Vec<Vec<f32>> = held_out
            .iter()
            .map(|&i| {
                signals_of(
                    options,
                    oof_svm[i],
                    oof_nb.as_ref().map(|v| v[i]),
                    &set.criteria[i],
                    &set.themes[i],
                )
            })
            .collect();
        let y_held: Vec<bool> = held_out.iter().map(|&i| set.labels[i]).collect();
        let w_held: Vec<f32> = held_out.iter().map(|&i| recency[i]).collect();
        let (zs, ys) = weighted_rows(&z, &y_held, &w_held);
        // A short --recency can keep only the newest year's rows, of one class: the combiner
        // would then give every row the same probability. It learns from every held-out row
        // alike instead.
        let (zs, ys) = if ys.contains(&true) && ys.contains(&false) {
            (zs, ys)
        } else {
            (z.clone(), y_held.clone())
        };
        let stacker = Stacker::fit(signal_names(options), &zs, &ys, 1.0);
        let mut oof_prob = vec![f32::NAN; n];
        for (k, &i) in held_out.iter().enumerate() {
            oof_prob[i] = stacker.probability(&z[k]);
        }

        let all: Vec<usize> = (0..n).collect();
        let cost = costs(set.labels, &recency, &all);
        let problem = Problem {
            xs: &xs,
            rows: &all,
            y: set.labels,
            cost: &cost,
            n_features: nf,
        };
        let svm = fit_linear(&problem, &svm_params(chosen_c));
        let nb = options.use_nb.then(|| {
            let problem = Problem {
                cost: &recency,
                ..problem
            };
            fit_nb(&problem, options.nb_alpha)
        });
        let (theme_vocabulary, theme_models) = match set.theme_labels {
            Some(labels) => {
                let (vocabulary, models) = train_themes(set.docs, labels, options);
                (Some(vocabulary), models)
            }
            None => (None, Vec::new()),
        };
        let training = TrainingInfo {
            fingerprint,
            source,
            rows: n,
            positives,
            label_column,
            themes_column,
            options: options.clone(),
            chosen_c,
            cv_ap_per_c: per_c,
            validation: splits.kind.to_string(),
            cv_ap: splits.mean_ap(&oof_prob, set.labels),
            cv_mean_probability: held_out.iter().map(|&i| oof_prob[i] as f64).sum::<f64>()
                / held_out.len().max(1) as f64,
            cv_pick_rate: y_held.iter().filter(|&&v| v).count() as f64
                / held_out.len().max(1) as f64,
        };
        Ok(SelectionModel {
            svm,
            nb,
            stacker,
            themes: themes.clone(),
            theme_weights: feature_major(&theme_models),
            joint: JointIndex::new(&vocabulary, theme_vocabulary.as_ref()),
            vocabulary,
            theme_vocabulary,
            theme_models,
            training,
            pick_rate: PickRate::default(),
        })
    }

    /// Scores a batch; `criteria` and `themes` are the other stages' output for the same rows.
    pub fn score(
        &self,
        docs: &[Document],
        criteria: &[CriteriaScores],
        themes: &[ThemeScores],
    ) -> Vec<ModelScore> {
        let mut scores = self.score_unmatched(docs, criteria, themes);
        let logits: Vec<f32> = scores.iter().map(|s| s.logit).collect();
        if let Some(shift) = self.batch_shift(&logits) {
            for s in &mut scores {
                s.shift(shift);
            }
        }
        scores
    }

    /// [`SelectionModel::score`] without the batch's pick-rate matching (for a batch scored in
    /// chunks: apply [`SelectionModel::batch_shift`] of all its rows afterwards).
    pub fn score_unmatched(
        &self,
        docs: &[Document],
        criteria: &[CriteriaScores],
        themes: &[ThemeScores],
    ) -> Vec<ModelScore> {
        let rows: Vec<usize> = (0..docs.len()).collect();
        // Both feature spaces share most families: extract them once per document.
        let config = match &self.theme_vocabulary {
            Some(t) => self.vocabulary.config().union(t.config()),
            None => self.vocabulary.config().clone(),
        };
        parallel_map(&rows, |&i| {
            let keys = FeatureKeys::of(&docs[i], &config);
            let (mut hits, mut theme_hits) = (Vec::with_capacity(keys.len()), Vec::new());
            let positions = keys.positions(&self.joint.index);
            for p in 0..positions.len() {
                if let Some(Some(ahead)) = positions.get(p + 8) {
                    prefetch(&self.joint.selection[*ahead as usize]);
                    prefetch(&self.joint.theme[*ahead as usize]);
                }
                if let Some(at) = positions[p] {
                    let (s, t) = (
                        self.joint.selection[at as usize],
                        self.joint.theme[at as usize],
                    );
                    if s != JointIndex::NONE {
                        hits.push(hit(s, p as u32));
                    }
                    if t != JointIndex::NONE {
                        theme_hits.push(hit(t, p as u32));
                    }
                }
            }
            let (x, trace) = self.vocabulary.vectorize_hits(hits, &keys);
            let theme_x = self
                .theme_vocabulary
                .as_ref()
                .map(|v| v.vectorize_hits(theme_hits, &keys).0);
            let mut s = self.score_one(&x, theme_x.as_ref(), &criteria[i], &themes[i]);
            let top = self.svm.top_contributions(&x, 8);
            let wanted: Vec<u32> = top.iter().map(|t| t.0).collect();
            let names = self.vocabulary.names(&docs[i], &keys, &x, &trace, &wanted);
            s.terms = top
                .into_iter()
                .zip(names)
                .filter_map(|((_, c), name)| Some((name?, c)))
                .collect();
            s
        })
    }

    /// The log-odds shift that matches a whole batch's mean probability to the pick rate,
    /// given every row's [`ModelScore::logit`] (`None`: no matching, see [`PickRate`]).
    pub fn batch_shift(&self, logits: &[f32]) -> Option<f32> {
        let rate = match self.pick_rate {
            PickRate::Trained if logits.len() >= RATE_MATCH_MIN_ROWS => {
                Some(self.training.cv_pick_rate as f32)
            }
            PickRate::Fixed(r) => Some(r),
            _ => None,
        };
        rate.filter(|_| !logits.is_empty())
            .map(|rate| rate_shift(logits, rate))
    }

    /// Sets how a batch's probabilities are matched to a pick rate.
    pub fn with_pick_rate(mut self, pick_rate: PickRate) -> SelectionModel {
        self.pick_rate = pick_rate;
        self
    }

    fn score_one(
        &self,
        x: &SparseVec,
        theme_x: Option<&SparseVec>,
        criteria: &CriteriaScores,
        themes: &ThemeScores,
    ) -> ModelScore {
        let svm = self.svm.margin(x);
        let nb = self.nb.as_ref().map(|m| m.margin(x));
        let z = signals_of(&self.training.options, svm, nb, criteria, themes);
        let contributions = self.stacker.contributions(&z);
        ModelScore {
            probability: self.stacker.probability(&z),
            logit: self.stacker.intercept + contributions.iter().sum::<f32>(),
            signals: self
                .stacker
                .signals
                .iter()
                .cloned()
                .zip(contributions)
                .collect(),
            terms: Vec::new(),
            themes: match theme_x {
                Some(tx) => {
                    let t = self.theme_models.len();
                    let mut margins: Vec<f32> =
                        self.theme_models.iter().map(|m| m.linear.bias).collect();
                    for (k, &(j, v)) in tx.iter().enumerate() {
                        if let Some(&(ahead, _)) = tx.get(k + 4) {
                            let at = ahead as usize * t;
                            prefetch(&self.theme_weights[at]);
                            prefetch(&self.theme_weights[at + t - 1]);
                        }
                        let row = &self.theme_weights[j as usize * t..(j as usize + 1) * t];
                        for (m, w) in margins.iter_mut().zip(row) {
                            *m += w * v;
                        }
                    }
                    self.theme_models
                        .iter()
                        .zip(margins)
                        .map(|(m, margin)| m.platt.probability(&[margin]))
                        .collect()
                }
                None => Vec::new(),
            },
        }
    }

    /// The combiner: signal names and their coefficients.
    pub fn combiner(&self) -> Vec<(String, f32)> {
        self.stacker
            .signals
            .iter()
            .cloned()
            .zip(self.stacker.coef.iter().copied())
            .collect()
    }

    /// The learned themes.
    pub fn theme_models(&self) -> &[ThemeModel] {
        &self.theme_models
    }

    /// The keyword themes the model was trained with.
    pub fn themes(&self) -> &ThemeSet {
        &self.themes
    }

    /// Provenance and cross-validated metrics.
    pub fn training(&self) -> &TrainingInfo {
        &self.training
    }

    /// Writes the model file (to a temporary file first, then renamed into place); refuses to
    /// write over any of `inputs`.
    pub fn save(&self, path: &Path, inputs: &[&Path]) -> Result<()> {
        // JSON has no NaN or infinity: such a number would be written as null and the file
        // could not be read back. Extreme settings (a block weight of 1e20) are refused here.
        let finite = self.svm.is_finite()
            && self.nb.as_ref().is_none_or(LinearModel::is_finite)
            && self.stacker.is_finite()
            && self
                .theme_models
                .iter()
                .all(|t| t.linear.is_finite() && t.platt.is_finite());
        if !finite {
            return Err(Error::Training {
                path: path.to_path_buf(),
                message: crate::tr!(
                    "训练得到的模型里有非有限的数（溢出），模型未写出；请把 --chars、--title-weight、--shape 或 --c-grid 调小",
                    "training produced numbers that are not finite (an overflow); no model was written: use smaller --chars, --title-weight, --shape or --c-grid values"
                ),
            });
        }
        let file = ModelFile {
            format: FORMAT.to_string(),
            version: VERSION,
            written_by: format!("xuanti {}", env!("CARGO_PKG_VERSION")),
            training: self.training.clone(),
            themes: self.themes.clone(),
            stacker: self.stacker.clone(),
            svm: self.svm.clone(),
            nb: self.nb.clone(),
            theme_models: self.theme_models.clone(),
            theme_vocabulary: self.theme_vocabulary.as_ref().map(Vocabulary::to_file),
            vocabulary: self.vocabulary.to_file(),
        };
        crate::write::atomic_write(path, inputs, |w| {
            serde_json::to_writer(&mut *w, &file).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        })
    }

    /// Reads a model file, checking its format and version first.
    pub fn load(path: &Path) -> Result<SelectionModel> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(path, bytes)
    }

    /// [`SelectionModel::load`] from bytes in memory; `path` is used in messages. Any bytes
    /// give a model or an [`Error::Model`], never a panic (a fuzz target checks this).
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<SelectionModel> {
        let bad = |message: String| Error::Model {
            path: path.to_path_buf(),
            message,
        };
        // One parse in the common case; the header alone explains a failure.
        let parsed = serde_json::from_slice::<ModelFile>(&bytes);
        let header: Header = match &parsed {
            Ok(file) => Header {
                format: Some(file.format.clone()),
                version: Some(file.version),
            },
            Err(_) => serde_json::from_slice(&bytes).map_err(|e| {
                bad(crate::tr!(
                    "不是 xuanti 模型文件（不是 JSON 格式：{e}）",
                    "not a xuanti model file (not JSON: {e})"
                ))
            })?,
        };
        if header.format.as_deref() != Some(FORMAT) {
            return Err(bad(crate::tr!(
                "不是 xuanti 模型文件（format 是 {:?}，应为 \"{FORMAT}\"）",
                "not a xuanti model file (format is {:?}, expected \"{FORMAT}\")",
                header.format.unwrap_or_default()
            )));
        }
        match header.version {
            Some(VERSION) => {}
            other => {
                let other = other.map_or_else(|| crate::tr!("（无）", "(none)"), |v| v.to_string());
                return Err(bad(crate::tr!(
                    "不支持 version {other} 的模型文件，这个版本的 xuanti 只能读 version {VERSION}：请用 `xuanti train` 重新训练",
                    "model file version {other} is not supported; this xuanti reads version {VERSION}: retrain with `xuanti train`"
                )));
            }
        }
        drop(bytes);
        let file = parsed
            .map_err(|e| bad(crate::tr!("模型文件已损坏：{e}", "damaged model file: {e}")))?;
        let features = file.vocabulary.keys.len();
        let mut lengths = vec![(
            crate::tr!("SVM 权重", "SVM weights"),
            file.svm.weights.len(),
        )];
        if let Some(nb) = &file.nb {
            lengths.push((
                crate::tr!("朴素贝叶斯权重", "naive Bayes weights"),
                nb.weights.len(),
            ));
        }
        for (what, len) in lengths {
            if len != features {
                return Err(bad(crate::tr!(
                    "模型文件已损坏：{features} 个特征却有 {len} 个{what}",
                    "damaged model file: {len} {what} for {features} features"
                )));
            }
        }
        let theme_features = file.theme_vocabulary.as_ref().map(|v| v.keys.len());
        match theme_features {
            None if !file.theme_models.is_empty() => {
                return Err(bad(crate::tr!(
                    "模型文件已损坏：有主题模型，却没有主题词表",
                    "damaged model file: theme models without their vocabulary"
                )))
            }
            Some(names) => {
                if let Some(t) = file
                    .theme_models
                    .iter()
                    .find(|t| t.linear.weights.len() != names)
                {
                    return Err(bad(crate::tr!(
                        "模型文件已损坏：{names} 个特征却有 {} 个主题权重",
                        "damaged model file: {} theme weights for {names} features",
                        t.linear.weights.len()
                    )));
                }
            }
            None => {}
        }
        let signals = file.stacker.signals.len();
        let expected = signal_names(&file.training.options).len();
        let platt_ok = file
            .theme_models
            .iter()
            .all(|t| t.platt.is_consistent() && t.platt.signals.len() == 1);
        if !file.stacker.is_consistent() || signals != expected || !platt_ok {
            return Err(bad(crate::tr!(
                "模型文件已损坏：组合器的数组与信号个数对不上",
                "damaged model file: the combiner's arrays do not match its signals"
            )));
        }
        let vocabulary = |v: VocabularyFile, what: &str| {
            Vocabulary::from_file(v).ok_or_else(|| {
                bad(crate::tr!(
                    "模型文件已损坏：{what}的键、名称和 IDF 对不上",
                    "damaged model file: the {what} keys, names and IDF do not match"
                ))
            })
        };
        let theme_vocabulary = match file.theme_vocabulary {
            Some(v) => Some(vocabulary(v, &crate::tr!("主题词表", "theme vocabulary"))?),
            None => None,
        };
        let vocabulary = vocabulary(file.vocabulary, &crate::tr!("词表", "vocabulary"))?;
        Ok(SelectionModel {
            svm: file.svm,
            nb: file.nb,
            stacker: file.stacker,
            themes: file.themes,
            theme_weights: feature_major(&file.theme_models),
            joint: JointIndex::new(&vocabulary, theme_vocabulary.as_ref()),
            vocabulary,
            theme_vocabulary,
            theme_models: file.theme_models,
            training: file.training,
            pick_rate: PickRate::default(),
        })
    }
}

/// Both vocabularies' keys in one [`KeyIndex`], with each key's feature in either
/// ([`JointIndex::NONE`] where it has none).
#[derive(Debug, Clone)]
struct JointIndex {
    index: KeyIndex,
    selection: Vec<u32>,
    theme: Vec<u32>,
}

impl JointIndex {
    const NONE: u32 = u32::MAX;

    /// Merges the two sorted key lists.
    fn new(selection: &Vocabulary, theme: Option<&Vocabulary>) -> JointIndex {
        let (a, b) = (selection.keys(), theme.map_or(&[][..], |t| t.keys()));
        let (mut keys, mut sel, mut th) = (Vec::new(), Vec::new(), Vec::new());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let next = match (a.get(i), b.get(j)) {
                (Some(&x), Some(&y)) => x.min(y),
                (Some(&x), None) => x,
                (None, Some(&y)) => y,
                (None, None) => unreachable!("the loop condition"),
            };
            keys.push(next);
            if a.get(i) == Some(&next) {
                sel.push(i as u32);
                i += 1;
            } else {
                sel.push(Self::NONE);
            }
            if b.get(j) == Some(&next) {
                th.push(j as u32);
                j += 1;
            } else {
                th.push(Self::NONE);
            }
        }
        JointIndex {
            index: KeyIndex::new(keys),
            selection: sel,
            theme: th,
        }
    }
}

/// The theme models' weights laid out feature-major.
fn feature_major(models: &[ThemeModel]) -> Vec<f32> {
    let t = models.len();
    let nf = models.first().map_or(0, |m| m.linear.weights.len());
    let mut out = vec![0f32; nf * t];
    for (k, m) in models.iter().enumerate() {
        for (j, &w) in m.linear.weights.iter().enumerate() {
            out[j * t + k] = w;
        }
    }
    out
}

/// 0.5^((newest − year) / half-life), or all ones.
fn recency_weights(years: Option<&[f32]>, half_life: Option<f32>, n: usize) -> Vec<f32> {
    match (years, half_life) {
        (Some(years), Some(h)) if h > 0.0 => {
            let newest = years.iter().copied().fold(f32::MIN, f32::max);
            years
                .iter()
                .map(|&y| 0.5f32.powf((newest - y) / h))
                .collect()
        }
        _ => vec![1.0; n],
    }
}

/// linfa-logistic takes no sample weights: recency enters the combiner by keeping each row in
/// proportion to its weight (deterministically, by its position in the cumulative weight).
fn weighted_rows(z: &[Vec<f32>], y: &[bool], w: &[f32]) -> (Vec<Vec<f32>>, Vec<bool>) {
    if w.iter().all(|&v| v == 1.0) {
        return (z.to_vec(), y.to_vec());
    }
    let (mut zs, mut ys) = (Vec::new(), Vec::new());
    let mut acc = 0f32;
    for i in 0..z.len() {
        let before = acc.floor();
        acc += w[i];
        for _ in 0..(acc.floor() - before) as usize {
            zs.push(z[i].clone());
            ys.push(y[i]);
        }
    }
    (zs, ys)
}

/// One model per theme label over the labelled rows, in a feature space fitted on those rows,
/// each with its own C chosen from the grid by out-of-fold AP.
fn train_themes(
    docs: &[Document],
    labels: &[Option<Vec<String>>],
    options: &TrainOptions,
) -> (Vocabulary, Vec<ThemeModel>) {
    let rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i].is_some()).collect();
    let labelled: Vec<Document> = rows.iter().map(|&r| docs[r].clone()).collect();
    let (vocabulary, sub) = Vocabulary::fit_transform(&labelled, &options.theme_features);
    drop(labelled);
    let nf = vocabulary.len();
    let mut names: Vec<String> = Vec::new();
    for r in &rows {
        for l in labels[*r].as_deref().unwrap_or_default() {
            if !names.contains(l) {
                names.push(l.clone());
            }
        }
    }
    // Themes are independent: fitted on all cores, kept in first-seen order.
    let models: Vec<ThemeModel> = parallel_map(&names, |name| {
        let name = name.clone();
        let y: Vec<bool> = rows
            .iter()
            .map(|&r| labels[r].as_deref().unwrap_or_default().contains(&name))
            .collect();
        let positives = y.iter().filter(|&&v| v).count();
        // A label on every labelled row has nothing to be told apart from: its Platt scaling
        // would see one class and give every row the same relevance (0.9999).
        if positives < options.min_theme_positives || positives == y.len() {
            return None;
        }
        let splits = Splits::k_fold(&y, options.folds.min(positives).max(2), options.seed);
        let ones = vec![1.0; sub.len()];
        let params = |c: f32| SvmParams {
            loss: options.loss,
            c,
            max_epochs: 60,
            seed: options.seed,
        };
        let mut best: Option<(f32, f64, Vec<f32>)> = None;
        let path = splits.margins_path(&sub, |train| {
            let cost = costs(&y, &ones, train);
            let problem = Problem {
                xs: &sub,
                rows: train,
                y: &y,
                cost: &cost,
                n_features: nf,
            };
            fit_path(&problem, &params(1.0), &options.c_grid)
        });
        for (&c, oof) in options.c_grid.iter().zip(path) {
            let ap = splits.mean_ap(&oof, &y);
            if best.as_ref().is_none_or(|b| ap > b.1) {
                best = Some((c, ap, oof));
            }
        }
        let (c, cv_ap, oof) = best.expect("the C grid is not empty");
        let all: Vec<usize> = (0..sub.len()).collect();
        let cost = costs(&y, &ones, &all);
        let problem = Problem {
            xs: &sub,
            rows: &all,
            y: &y,
            cost: &cost,
            n_features: nf,
        };
        let linear = fit_linear(&problem, &params(c));
        let z: Vec<Vec<f32>> = oof.iter().map(|&m| vec![m]).collect();
        let platt = Stacker::fit(vec![name.clone()], &z, &y, 1.0);
        Some(ThemeModel {
            cv_ap,
            c,
            name,
            positives,
            linear,
            platt,
        })
    })
    .into_iter()
    .flatten()
    .collect();
    (vocabulary, models)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SelectionModel>();
    }

    #[test]
    fn rate_shift_matches_the_mean_and_keeps_the_order() {
        let logits = [-6.0, -4.0, -3.0, -1.0, 0.5];
        let shift = rate_shift(&logits, 0.1);
        let p: Vec<f32> = logits.iter().map(|&l| sigmoid(l + shift)).collect();
        let mean = p.iter().sum::<f32>() / p.len() as f32;
        assert!((mean - 0.1).abs() < 1e-4, "{mean}");
        assert!(p.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_model_with_a_number_that_is_not_finite_is_not_written() {
        let bytes = include_bytes!("../../fuzz/seeds/model/sample_past.json").to_vec();
        let mut model = SelectionModel::from_bytes(Path::new("m.json"), bytes).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.json");
        model.save(&good, &[]).unwrap();
        assert!(SelectionModel::load(&good).is_ok());
        model.stacker.std[0] = f32::INFINITY;
        let bad = dir.path().join("bad.json");
        let e = model.save(&bad, &[]).unwrap_err();
        assert!(matches!(e, Error::Training { .. }), "{e}");
        assert!(!bad.exists());
    }

    #[test]
    fn recency_halves_per_half_life() {
        let w = recency_weights(Some(&[2017.0, 2016.0, 2015.0]), Some(1.0), 3);
        assert_eq!(w, vec![1.0, 0.5, 0.25]);
        assert_eq!(recency_weights(None, Some(1.0), 2), vec![1.0, 1.0]);
    }

    #[test]
    fn temporal_validation_needs_a_pick_and_a_reject_in_every_held_out_year() {
        let years = [
            2019.0, 2019.0, 2020.0, 2020.0, 2021.0, 2021.0, 2022.0, 2022.0,
        ];
        let mixed = [true, false, true, false, true, false, true, false];
        let splits = Splits::temporal(&years, &mixed, 2).expect("both classes every year");
        assert_eq!(splits.scored_rows(), vec![4, 5, 6, 7]);
        // The newest year lists its picks only: no temporal validation (k-fold instead).
        let picks_only = [true, false, true, false, true, false, true, true];
        assert!(Splits::temporal(&years, &picks_only, 2).is_none());
    }

    #[test]
    fn weighted_rows_keep_rows_in_proportion() {
        let z = vec![vec![1.0], vec![2.0], vec![3.0], vec![4.0]];
        let (zs, _) = weighted_rows(&z, &[true, false, true, false], &[1.0, 0.5, 0.5, 2.0]);
        assert_eq!(zs, vec![vec![1.0], vec![3.0], vec![4.0], vec![4.0]]);
    }
}
