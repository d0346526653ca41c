//! This round's decisions → a better order for the rest of the batch (active learning).
//!
//! Staff read the top of a ranking, mark 入选 / 不入选, and want the rest re-ordered by what
//! they just decided. [`Loop`] holds a batch's features, computed once: TF-IDF over the batch
//! itself (no labels needed, so the batch's own words count, not only the past years'). Each
//! refit is a linear SVM over the decided rows, warm-started from the previous fit, with the
//! trained model's log-odds (when there is one) as a fixed offset: the past years' judgement is
//! the starting point, and this round's decisions correct it, counting for more as they add up.
//!
//! [`simulate`] replays the loop from known labels, as ASReview's `simulate` does: reveal the
//! top `step` undecided rows, learn, re-rank, until every pick is found.

use crate::featurize::{FeatureConfig, SparseVec, Vocabulary};
use crate::model::learn::{
    fit_nb, fit_svm_warm, sigmoid, LinearModel, Loss, Problem, Rng, SvmParams,
};
use crate::segment::Document;

/// A staff decision on one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// 入选: picked.
    Pick,
    /// 不入选: not picked.
    Reject,
    /// 待定: looked at, not decided; neither a pick nor a reject.
    Pending,
}

/// A cell that is not a decision (see [`Decision::parse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotADecision;

impl Decision {
    /// Reads a decision cell: 入选 / 不入选 / 待定 (and their usual variants: 是/否, 选/不选,
    /// 1/0, √/×, yes/no, pending; the same pick and reject words as a training label,
    /// [`crate::read::parse_label`]), or `Ok(None)` for an empty cell. Anything else is `Err`.
    pub fn parse(value: &str) -> Result<Option<Decision>, NotADecision> {
        let v = crate::read::label_key(value);
        if v.is_empty() {
            return Ok(None);
        }
        match crate::read::parse_label(&v) {
            Some(true) => Ok(Some(Decision::Pick)),
            Some(false) => Ok(Some(Decision::Reject)),
            None if crate::read::is_unmarked(&v) => Ok(Some(Decision::Pending)),
            None => Err(NotADecision),
        }
    }

    /// The label a decision teaches: picked, not picked, or nothing.
    pub fn label(self) -> Option<bool> {
        match self {
            Decision::Pick => Some(true),
            Decision::Reject => Some(false),
            Decision::Pending => None,
        }
    }
}

/// Settings of the loop's learner.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopOptions {
    /// Features of the in-batch model.
    pub features: FeatureConfig,
    /// SVM regularization (inverse strength).
    pub c: f32,
    /// The trained model's log-odds enter each margin times this.
    pub prior_scale: f32,
    /// Weight of multinomial naive Bayes beside the SVM (each standardized over the batch);
    /// 0 leaves it out.
    pub nb_weight: f32,
    /// Seed of the solver's visiting order.
    pub seed: u64,
}

impl Default for LoopOptions {
    fn default() -> Self {
        LoopOptions {
            features: FeatureConfig {
                chars: 4.0,
                min_df: 1,
                ..FeatureConfig::default()
            },
            c: 0.3,
            prior_scale: 0.2,
            nb_weight: 0.0,
            seed: 42,
        }
    }
}

/// One batch under review: its features, what has been decided, and the current fit.
#[derive(Debug)]
pub struct Loop {
    xs: Vec<SparseVec>,
    n_features: usize,
    /// The trained model's probability per row (pick-rate matched), when there is a model.
    prior: Option<Vec<f32>>,
    /// `prior_scale` × the trained model's log-odds, per row (empty without a model).
    offsets: Vec<f32>,
    /// Label per row, once decided.
    labels: Vec<Option<bool>>,
    /// Decided rows in decision order, their offsets and dual variables.
    decided: Vec<usize>,
    decided_offsets: Vec<f32>,
    alpha: Vec<f64>,
    fit: Option<LinearModel>,
    /// Naive Bayes beside the SVM, with the mean and spread of both over the batch.
    nb: Option<(LinearModel, [f32; 4])>,
    options: LoopOptions,
}

impl Loop {
    /// Prepares a batch: its features, and the trained model's view of it when `prior` gives
    /// each row's log-odds and probability.
    pub fn new(docs: &[Document], prior: Option<(&[f32], &[f32])>, options: LoopOptions) -> Loop {
        let (vocabulary, xs) = Vocabulary::fit_transform(docs, &options.features);
        let mut l = Loop {
            n_features: vocabulary.len(),
            xs,
            prior: None,
            offsets: Vec::new(),
            labels: vec![None; docs.len()],
            decided: Vec::new(),
            decided_offsets: Vec::new(),
            alpha: Vec::new(),
            fit: None,
            nb: None,
            options,
        };
        if let Some((logits, probabilities)) = prior {
            l.set_prior(logits, probabilities);
        }
        l
    }

    /// Sets the trained model's view of every row (log-odds and probability); call before any
    /// decision.
    pub fn set_prior(&mut self, logits: &[f32], probabilities: &[f32]) {
        assert!(
            self.decided.is_empty(),
            "the prior is set before any decision"
        );
        self.offsets = logits
            .iter()
            .map(|l| l * self.options.prior_scale)
            .collect();
        self.prior = Some(probabilities.to_vec());
    }

    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.xs.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.xs.is_empty()
    }

    /// The label of `row`, if decided.
    pub fn label(&self, row: usize) -> Option<bool> {
        self.labels[row]
    }

    /// Records a decision (a row decided twice keeps the later one); [`Loop::refit`] learns
    /// from it.
    pub fn decide(&mut self, row: usize, picked: bool) {
        if self.labels[row].is_none() {
            self.decided.push(row);
            self.decided_offsets
                .push(self.offsets.get(row).copied().unwrap_or(0.0));
            self.alpha.push(0.0);
        }
        self.labels[row] = Some(picked);
    }

    /// Records many decisions at once, in an order fixed by the rows' contents (a hash of
    /// their features, which the batch's vocabulary fixes whatever the row order) rather than
    /// their places in the file: the fit's visiting order and the calibration's folds follow
    /// the order of decision, so a batch whose rows are sorted differently (a ranking saved
    /// from Excel, the original 申报表) must give the same scores.
    pub fn decide_all(&mut self, decisions: impl IntoIterator<Item = (usize, bool)>) {
        let content = |row: usize| {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            for &(j, v) in &self.xs[row] {
                (j, v.to_bits()).hash(&mut h);
            }
            h.finish()
        };
        let mut decisions: Vec<(u64, usize, bool)> = decisions
            .into_iter()
            .map(|(row, picked)| (content(row), row, picked))
            .collect();
        decisions.sort_unstable();
        for (_, row, picked) in decisions {
            self.decide(row, picked);
        }
    }

    /// (picks, rejects) decided so far.
    pub fn counts(&self) -> (usize, usize) {
        let picks = self
            .decided
            .iter()
            .filter(|&&r| self.labels[r] == Some(true))
            .count();
        (picks, self.decided.len() - picks)
    }

    /// Costs that give picks and rejects equal total weight.
    fn costs(&self, rows: &[usize], y: &[bool]) -> Vec<f32> {
        let picks = rows.iter().filter(|&&r| y[r]).count().max(1) as f32;
        let rejects = (rows.len() as f32 - picks).max(1.0);
        let total = rows.len() as f32;
        rows.iter()
            .map(|&r| {
                if y[r] {
                    total / (2.0 * picks)
                } else {
                    total / (2.0 * rejects)
                }
            })
            .collect()
    }

    fn params(&self) -> SvmParams {
        SvmParams {
            loss: Loss::SquaredHinge,
            c: self.options.c,
            max_epochs: 200,
            seed: self.options.seed,
        }
    }

    /// Learns from every decision so far, starting from the previous fit. Without both a
    /// pick and a reject there is nothing to learn: the fit stays as it was.
    pub fn refit(&mut self) {
        let (picks, rejects) = self.counts();
        if picks == 0 || rejects == 0 {
            return;
        }
        let y: Vec<bool> = self.labels.iter().map(|l| *l == Some(true)).collect();
        let cost = self.costs(&self.decided, &y);
        let params = self.params();
        let problem = Problem {
            xs: &self.xs,
            rows: &self.decided,
            y: &y,
            cost: &cost,
            n_features: self.n_features,
        };
        let fit = fit_svm_warm(&problem, &params, &self.decided_offsets, &mut self.alpha);
        if self.options.nb_weight > 0.0 {
            let nb = fit_nb(&problem, 0.1);
            let spread = |f: &dyn Fn(&SparseVec) -> f32| {
                let v: Vec<f32> = self.xs.iter().map(f).collect();
                let mean = v.iter().sum::<f32>() / v.len().max(1) as f32;
                let var =
                    v.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / v.len().max(1) as f32;
                (mean, var.sqrt().max(1e-6))
            };
            let (ms, ss) = spread(&|x| fit.margin(x));
            let (mn, sn) = spread(&|x| nb.margin(x));
            self.nb = Some((nb, [ms, ss, mn, sn]));
        }
        self.fit = Some(fit);
    }

    /// The margin of one row under `fit`.
    fn margin(&self, fit: Option<&LinearModel>, row: usize) -> f32 {
        let offset = self.offsets.get(row).copied().unwrap_or(0.0);
        offset + fit.map_or(0.0, |m| m.margin(&self.xs[row]))
    }

    /// The current score of one row: the SVM margin, plus naive Bayes when it is on (both
    /// standardized, then put back on the SVM's scale).
    fn score(&self, row: usize) -> f32 {
        let svm = self.margin(self.fit.as_ref(), row);
        match &self.nb {
            Some((nb, [ms, ss, mn, sn])) => {
                let x = &self.xs[row];
                let z = (svm - ms) / ss + self.options.nb_weight * (nb.margin(x) - mn) / sn;
                ms + ss * z
            }
            None => svm,
        }
    }

    /// The current score of every row (higher first): the trained model's view corrected by
    /// this round's decisions.
    pub fn scores(&self) -> Vec<f32> {
        crate::segment::parallel_map(&(0..self.len()).collect::<Vec<_>>(), |&r| self.score(r))
    }

    /// An estimate of the picks among the rows not decided yet, from calibrated scores: the
    /// decided rows' out-of-fold margins (5 folds, so no row is scored by a fit that saw it)
    /// calibrate the current margins ([`Loop::calibration`]), and the undecided rows'
    /// probabilities are summed. Before there are two picks and two rejects to calibrate on,
    /// the trained model's probabilities are summed instead (`None` without a model).
    pub fn remaining_picks(&self, scores: &[f32]) -> Option<f32> {
        self.remaining_picks_among(scores, |_| true)
    }

    /// [`Loop::remaining_picks`] over the undecided rows `counted` keeps (a copy of a decided
    /// story is settled with it, not a pick still to find).
    pub fn remaining_picks_among(
        &self,
        scores: &[f32],
        counted: impl Fn(usize) -> bool,
    ) -> Option<f32> {
        let undecided = || (0..self.len()).filter(|&r| self.labels[r].is_none() && counted(r));
        let sum = match self.calibration() {
            Some((a, b)) => undecided().map(|r| sigmoid(a * scores[r] + b)).sum(),
            None => {
                let prior = self.prior.as_ref()?;
                undecided().map(|r| prior[r]).sum()
            }
        };
        // An empty sum is −0.0, which would print as "-0.0".
        Some(if sum == 0.0 { 0.0 } else { sum })
    }

    /// Platt scaling `(a, b)` of the scores, P(picked) = sigmoid(a·score + b), fitted on the
    /// decided rows' out-of-fold margins; `None` before two picks and two rejects are decided.
    pub fn calibration(&self) -> Option<(f32, f32)> {
        let (picks, rejects) = self.counts();
        if picks < 2 || rejects < 2 {
            return None;
        }
        let y: Vec<bool> = self.labels.iter().map(|l| *l == Some(true)).collect();
        let folds = 5.min(picks).min(rejects);
        let mut order: Vec<usize> = (0..self.decided.len()).collect();
        Rng::new(self.options.seed).shuffle(&mut order);
        // Stratified: picks and rejects dealt round the folds separately.
        let mut fold = vec![0usize; self.decided.len()];
        let (mut p, mut n) = (0, 0);
        for &k in &order {
            if y[self.decided[k]] {
                fold[k] = p % folds;
                p += 1;
            } else {
                fold[k] = n % folds;
                n += 1;
            }
        }
        let params = self.params();
        let mut held_out = vec![0f32; self.decided.len()];
        for f in 0..folds {
            let train: Vec<usize> = (0..self.decided.len()).filter(|&k| fold[k] != f).collect();
            let rows: Vec<usize> = train.iter().map(|&k| self.decided[k]).collect();
            let offsets: Vec<f32> = train.iter().map(|&k| self.decided_offsets[k]).collect();
            let cost = self.costs(&rows, &y);
            let mut alpha = vec![0f64; rows.len()];
            let problem = Problem {
                xs: &self.xs,
                rows: &rows,
                y: &y,
                cost: &cost,
                n_features: self.n_features,
            };
            let fit = fit_svm_warm(&problem, &params, &offsets, &mut alpha);
            for k in (0..self.decided.len()).filter(|&k| fold[k] == f) {
                held_out[k] = self.margin(Some(&fit), self.decided[k]);
            }
        }
        let labels: Vec<bool> = self.decided.iter().map(|&r| y[r]).collect();
        Some(platt(&held_out, &labels))
    }
}

/// Platt scaling: `(a, b)` of P(picked) = sigmoid(a·s + b), fitted by Newton's method on the
/// logistic loss with Platt's smoothed targets (which keep it finite on separable data).
pub fn platt(scores: &[f32], labels: &[bool]) -> (f32, f32) {
    let picks = labels.iter().filter(|&&l| l).count() as f64;
    let rejects = labels.len() as f64 - picks;
    let hi = (picks + 1.0) / (picks + 2.0);
    let lo = 1.0 / (rejects + 2.0);
    let t: Vec<f64> = labels.iter().map(|&l| if l { hi } else { lo }).collect();
    let (mut a, mut b) = (1.0f64, ((picks + 1.0) / (rejects + 1.0)).ln());
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-6, 0.0, 1e-6);
        for (&s, &ti) in scores.iter().zip(&t) {
            let s = s as f64;
            let p = 1.0 / (1.0 + (-(a * s + b)).exp());
            let d = p - ti;
            let w = p * (1.0 - p);
            ga += d * s;
            gb += d;
            haa += w * s * s;
            hab += w * s;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() < 1e-7 && db.abs() < 1e-7 {
            break;
        }
    }
    (a as f32, b as f32)
}

/// How a simulation starts and proceeds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulationOptions {
    /// Random picks and random rejects revealed first (counted as screened).
    pub priors: usize,
    /// Rows revealed per round.
    pub step: usize,
    /// Seed of the priors.
    pub seed: u64,
    /// Keep screening until at least this share of the batch is screened, even once every
    /// pick is found (to follow the picks-left estimate further); 0 stops at the last pick.
    pub min_screened: f64,
}

/// One point of the recall curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// Rows screened so far (priors included).
    pub screened: usize,
    /// Picks found so far.
    pub found: usize,
    /// The estimate of picks left among the unscreened rows at this point, if any.
    pub estimate: Option<f32>,
}

/// What a simulation measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Rows in the batch.
    pub rows: usize,
    /// Picks in the batch.
    pub picks: usize,
    /// Rows screened when 95% of the picks were found (priors counted).
    pub n_at_95: usize,
    /// Work saved over sampling at 95% recall: (N − n_at_95) / N − 0.05.
    pub wss_95: f64,
    /// Share of the picks found in the first 10% screened.
    pub recall_at_10: f64,
    /// Model fits.
    pub rounds: usize,
    /// Screened / found / estimate after the priors and after every round.
    pub curve: Vec<CurvePoint>,
    /// Seconds per round to learn and re-score (the refit and the new scores of every row),
    /// mean.
    pub seconds_per_round: f64,
    /// Seconds per round for the picks-left estimate (five more fits), mean.
    pub seconds_per_estimate: f64,
}

/// Replays the screening loop on `labels` (see the module documentation). The screening
/// order is: the priors (`options.priors` random picks, then as many random rejects), then
/// each round's top `options.step` undecided rows by the current scores, until every pick has
/// been screened. Deterministic for a seed.
pub fn simulate(mut l: Loop, labels: &[bool], options: SimulationOptions) -> Simulation {
    let n = l.len();
    let picks = labels.iter().filter(|&&y| y).count();
    let mut screened: Vec<usize> = Vec::with_capacity(n);
    let mut rng = Rng::new(options.seed);
    for want in [true, false] {
        let mut pool: Vec<usize> = (0..n).filter(|&r| labels[r] == want).collect();
        rng.shuffle(&mut pool);
        for &r in pool.iter().take(options.priors) {
            l.decide(r, want);
            screened.push(r);
        }
    }
    let found = |s: &[usize]| s.iter().filter(|&&r| labels[r]).count();
    let mut curve = Vec::new();
    let mut rounds = 0;
    let (mut seconds, mut estimating) = (0.0, 0.0);
    let step = options.step.max(1);
    let floor = (options.min_screened.clamp(0.0, 1.0) * n as f64).ceil() as usize;
    while (found(&screened) < picks || screened.len() < floor) && screened.len() < n {
        let started = std::time::Instant::now();
        l.refit();
        let scores = l.scores();
        seconds += started.elapsed().as_secs_f64();
        let started = std::time::Instant::now();
        let estimate = l.remaining_picks(&scores);
        estimating += started.elapsed().as_secs_f64();
        rounds += 1;
        curve.push(CurvePoint {
            screened: screened.len(),
            found: found(&screened),
            estimate,
        });
        let mut next: Vec<usize> = (0..n).filter(|&r| l.label(r).is_none()).collect();
        let order = |a: &usize, b: &usize| scores[*b].total_cmp(&scores[*a]).then(a.cmp(b));
        if next.len() > step {
            next.select_nth_unstable_by(step - 1, order);
            next.truncate(step);
        }
        next.sort_by(order);
        for r in next {
            l.decide(r, labels[r]);
            screened.push(r);
        }
    }
    curve.push(CurvePoint {
        screened: screened.len(),
        found: found(&screened),
        estimate: None,
    });
    let mut hits = 0;
    let mut n_at_95 = n;
    for (k, &r) in screened.iter().enumerate() {
        hits += usize::from(labels[r]);
        if hits * 100 >= 95 * picks {
            n_at_95 = k + 1;
            break;
        }
    }
    let tenth = n.div_ceil(10);
    let recall_at_10 = if picks == 0 {
        1.0
    } else {
        screened.iter().take(tenth).filter(|&&r| labels[r]).count() as f64 / picks as f64
    };
    Simulation {
        rows: n,
        picks,
        n_at_95,
        wss_95: (n - n_at_95) as f64 / n as f64 - 0.05,
        recall_at_10,
        rounds,
        curve,
        seconds_per_round: seconds / rounds.max(1) as f64,
        seconds_per_estimate: estimating / rounds.max(1) as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_parse_and_anything_else_is_an_error() {
        assert_eq!(Decision::parse("入选"), Ok(Some(Decision::Pick)));
        assert_eq!(Decision::parse(" 不入选 "), Ok(Some(Decision::Reject)));
        assert_eq!(Decision::parse("待定"), Ok(Some(Decision::Pending)));
        assert_eq!(Decision::parse("√"), Ok(Some(Decision::Pick)));
        assert_eq!(Decision::parse("×"), Ok(Some(Decision::Reject)));
        assert_eq!(Decision::parse(""), Ok(None));
        assert_eq!(Decision::parse("也许吧"), Err(NotADecision));
        assert_eq!(Decision::Pending.label(), None);
    }

    #[test]
    fn platt_orders_probabilities_like_scores_and_stays_finite_on_separable_data() {
        let s = [-2.0, -1.5, -1.0, 1.0, 1.5, 2.0];
        let y = [false, false, false, true, true, true];
        let (a, b) = platt(&s, &y);
        assert!(a.is_finite() && b.is_finite() && a > 0.0, "{a} {b}");
        let p = |x: f32| sigmoid(a * x + b);
        assert!(p(2.0) > 0.5 && p(-2.0) < 0.5);
        assert!(p(2.0) < 1.0 && p(-2.0) > 0.0);
    }
}
