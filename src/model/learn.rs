//! The learners: a sparse linear SVM (dual coordinate descent), multinomial naive Bayes, and the
//! dense logistic-regression combiner fitted with `linfa-logistic`.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::featurize::{prefetch, SparseVec};

/// A linear scorer over sparse features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    /// One weight per feature.
    #[serde(with = "crate::featurize::f32_base64")]
    pub weights: Vec<f32>,
    /// The intercept.
    pub bias: f32,
}

impl LinearModel {
    /// Whether every weight and the bias are finite numbers.
    pub fn is_finite(&self) -> bool {
        self.bias.is_finite() && self.weights.iter().all(|w| w.is_finite())
    }

    /// `w · x + b`.
    pub fn margin(&self, x: &SparseVec) -> f32 {
        // Summed in order from −0.0, exactly as `Iterator::sum` does; the weights a few
        // features ahead are prefetched (the weight vector is far larger than the cache).
        let mut sum = -0.0f32;
        for (k, &(j, v)) in x.iter().enumerate() {
            if let Some(w) = x.get(k + 8).and_then(|a| self.weights.get(a.0 as usize)) {
                prefetch(w);
            }
            sum += self.weights.get(j as usize).copied().unwrap_or(0.0) * v;
        }
        self.bias + sum
    }

    /// The at most `k` largest positive terms of `w · x`, largest first: the features that
    /// moved the score up. Only the kept terms are sorted (this runs for every scored row).
    pub fn top_contributions(&self, x: &SparseVec, k: usize) -> Vec<(u32, f32)> {
        let mut c: Vec<(u32, f32)> = x
            .iter()
            .map(|&(j, v)| (j, self.weights.get(j as usize).copied().unwrap_or(0.0) * v))
            .filter(|&(_, c)| c > 0.0)
            .collect();
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if c.len() > k && k > 0 {
            c.select_nth_unstable_by(k - 1, order);
            c.truncate(k);
        }
        c.sort_by(order);
        c
    }
}

/// The loss of the sparse linear text model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Loss {
    /// L2-loss (squared hinge) SVM.
    #[default]
    SquaredHinge,
    /// Logistic regression.
    Logistic,
}

/// Settings of the sparse linear text model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SvmParams {
    /// The loss.
    pub loss: Loss,
    /// Inverse regularization strength.
    pub c: f32,
    /// Upper bound on passes over the data.
    pub max_epochs: usize,
    /// Seed of the visiting order.
    pub seed: u64,
}

/// splitmix64: a small, fixed, seeded generator so that training is reproducible.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// What a fit learns from: the feature vectors, which of them are fitted (`rows`), every
/// row's label (`y`, indexed by row like `xs`), and one cost per fitted row (`cost[k]` for row
/// `rows[k]`: the factor on C, or on naive Bayes' counts, from class balance × recency).
#[derive(Debug, Clone, Copy)]
pub struct Problem<'a> {
    /// Feature vectors of every row.
    pub xs: &'a [SparseVec],
    /// The rows fitted.
    pub rows: &'a [usize],
    /// Label of every row.
    pub y: &'a [bool],
    /// Cost of each fitted row.
    pub cost: &'a [f32],
    /// Dimension of the feature space.
    pub n_features: usize,
}

impl Problem<'_> {
    /// +1 for a pick, −1 otherwise, for fitted row `k` (row `rows[k]`).
    fn sign(&self, k: usize) -> f64 {
        if self.y[self.rows[k]] {
            1.0
        } else {
            -1.0
        }
    }

    /// The squared length of fitted row `k`'s feature vector (the intercept's 1 not included).
    fn squared_norm(&self, k: usize) -> f64 {
        self.xs[self.rows[k]]
            .iter()
            .map(|&(_, v)| (v as f64) * (v as f64))
            .sum()
    }
}

/// Fits the linear text model with the loss `params` names (see [`fit_svm`], [`fit_logistic`]).
pub fn fit_linear(problem: &Problem, params: &SvmParams) -> LinearModel {
    match params.loss {
        Loss::SquaredHinge => fit_svm(problem, params),
        Loss::Logistic => fit_logistic(problem, params),
    }
}

/// Fits L2-regularized logistic regression by dual coordinate descent with a one-variable
/// Newton step per coordinate (Yu, Huang & Lin 2011, liblinear's `L2R_LR_DUAL`). `cost[k]`
/// scales C for row `rows[k]`; the intercept is an extra always-one feature.
pub fn fit_logistic(problem: &Problem, params: &SvmParams) -> LinearModel {
    let Problem {
        xs,
        rows,
        cost,
        n_features,
        ..
    } = *problem;
    let n = rows.len();
    let upper: Vec<f64> = (0..n).map(|k| params.c as f64 * cost[k] as f64).collect();
    let sq: Vec<f64> = (0..n).map(|k| 1.0 + problem.squared_norm(k)).collect();
    // alpha[k] and upper[k] − alpha[k] are the two dual variables of row k.
    let mut alpha: Vec<f64> = upper.iter().map(|&c| (1e-3 * c).min(1e-8)).collect();
    let mut w = vec![0f64; n_features];
    let mut b = 0f64;
    for k in 0..n {
        let yi = problem.sign(k);
        for &(j, v) in &xs[rows[k]] {
            w[j as usize] += yi * alpha[k] * v as f64;
        }
        b += yi * alpha[k];
    }
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Rng::new(params.seed);
    let mut inner_eps = 1e-2;
    for _ in 0..params.max_epochs {
        rng.shuffle(&mut order);
        let mut g_max = 0f64;
        let mut newton_steps = 0usize;
        for &k in &order {
            let x = &xs[rows[k]];
            let yi = problem.sign(k);
            let c = upper[k];
            let a = sq[k];
            let bk = yi
                * (b + x
                    .iter()
                    .map(|&(j, v)| w[j as usize] * v as f64)
                    .sum::<f64>());
            // Update whichever of the pair makes the subproblem well conditioned.
            let (mut sign, mut old) = (1.0, alpha[k]);
            if 0.5 * a * ((c - alpha[k]) - alpha[k]) + bk < 0.0 {
                sign = -1.0;
                old = c - alpha[k];
            }
            let mut z = old;
            if c - z < 0.5 * c {
                z *= 0.1;
            }
            let grad = |z: f64| a * (z - old) + sign * bk + (z / (c - z)).ln();
            let mut gp = grad(z);
            g_max = g_max.max(gp.abs());
            let mut steps = 0;
            while steps < 100 && gp.abs() >= inner_eps {
                let gpp = a + c / (c - z) / z;
                let next = z - gp / gpp;
                z = if next <= 0.0 { z * 0.1 } else { next };
                gp = grad(z);
                steps += 1;
            }
            newton_steps += steps;
            if steps > 0 {
                let updated = if sign > 0.0 { z } else { c - z };
                let d = (updated - alpha[k]) * yi;
                alpha[k] = updated;
                for &(j, v) in x {
                    w[j as usize] += d * v as f64;
                }
                b += d;
            }
        }
        if g_max < 0.1 {
            break;
        }
        if newton_steps <= n / 10 {
            inner_eps = (0.1 * inner_eps).max(1e-8);
        }
    }
    LinearModel {
        weights: w.into_iter().map(|v| v as f32).collect(),
        bias: b as f32,
    }
}

/// Fits an L2-loss linear SVM by dual coordinate descent. `cost[k]` scales C for row `rows[k]`
/// (class balance × recency); the intercept is an extra always-one feature, as in liblinear.
pub fn fit_svm(problem: &Problem, params: &SvmParams) -> LinearModel {
    let mut alpha = vec![0f64; problem.rows.len()];
    svm_dual(problem, params, &[], &mut alpha)
}

/// [`fit_svm`] with a fixed offset added to each row's margin (`offsets[k]` for row `rows[k]`;
/// a prior model's view, which the fit corrects rather than replaces), starting from the dual
/// solution in `alpha` (one per row; rows appended since the last fit start at 0, which is
/// feasible) and leaving the new solution there: a fit after a few more decisions costs a few
/// passes.
pub fn fit_svm_warm(
    problem: &Problem,
    params: &SvmParams,
    offsets: &[f32],
    alpha: &mut [f64],
) -> LinearModel {
    svm_dual(problem, params, offsets, alpha)
}

/// Fits the SVM for each C of an ascending grid, each fit starting from the previous one's
/// dual solution (a feasible point, since the squared-hinge dual is only bounded below): the
/// path costs little more than its largest C alone. Other losses fit each C from scratch.
pub fn fit_path(problem: &Problem, params: &SvmParams, grid: &[f32]) -> Vec<LinearModel> {
    let mut order: Vec<usize> = (0..grid.len()).collect();
    order.sort_by(|&a, &b| grid[a].total_cmp(&grid[b]));
    let mut out: Vec<Option<LinearModel>> = vec![None; grid.len()];
    let mut alpha = vec![0f64; problem.rows.len()];
    for i in order {
        let p = SvmParams {
            c: grid[i],
            ..*params
        };
        out[i] = Some(match params.loss {
            Loss::SquaredHinge => svm_dual(problem, &p, &[], &mut alpha),
            Loss::Logistic => fit_logistic(problem, &p),
        });
    }
    out.into_iter()
        .map(|m| m.expect("every C fitted"))
        .collect()
}

/// liblinear's dual coordinate descent for the L2-loss SVM (`L2R_L2LOSS_SVC_DUAL`), with its
/// shrinking of rows whose dual variable sits at 0 with a clearly positive gradient, and the
/// same stopping rule (projected-gradient spread below 0.1 on the full set). Starts from
/// `alpha` and leaves the solution there. `offsets` (empty for none) adds a fixed term to each
/// row's margin. The primal weights are kept in `f32` (the dual variables, margins and sums
/// in `f64`): half the memory traffic of liblinear's doubles; the fitted weights differ from
/// a double-precision fit only in their last digits, and no measured figure moved
/// (BENCHMARKS.md, "Speed").
fn svm_dual(
    problem: &Problem,
    params: &SvmParams,
    offsets: &[f32],
    alpha: &mut [f64],
) -> LinearModel {
    let Problem {
        xs,
        rows,
        cost,
        n_features,
        ..
    } = *problem;
    const EPS: f64 = 0.1;
    let n = rows.len();
    let mut w = vec![0f32; n_features];
    let mut b = 0f64;
    for k in 0..n {
        if alpha[k] != 0.0 {
            let d = alpha[k] * problem.sign(k);
            for &(j, v) in &xs[rows[k]] {
                w[j as usize] += (d * v as f64) as f32;
            }
            b += d;
        }
    }
    let diag: Vec<f64> = (0..n)
        .map(|k| 0.5 / (params.c as f64 * cost[k] as f64))
        .collect();
    let qd: Vec<f64> = (0..n)
        .map(|k| 1.0 + diag[k] + problem.squared_norm(k))
        .collect();
    let mut index: Vec<usize> = (0..n).collect();
    let mut active = n;
    let mut pg_max_old = f64::INFINITY;
    let mut rng = Rng::new(params.seed);
    let mut epoch = 0;
    let limit = params.max_epochs;
    while epoch < limit {
        rng.shuffle(&mut index[..active]);
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut s = 0;
        while s < active {
            let k = index[s];
            let x = &xs[rows[k]];
            // The next row's features and the weights a few features ahead are prefetched
            // (rows and weights are scattered over far more memory than the cache holds).
            if let Some(first) = index.get(s + 1).and_then(|&next| xs[rows[next]].first()) {
                prefetch(first);
            }
            let mut dot = -0.0f64;
            for (t, &(j, v)) in x.iter().enumerate() {
                if let Some(ahead) = x.get(t + 8).and_then(|a| w.get(a.0 as usize)) {
                    prefetch(ahead);
                }
                dot += (w[j as usize] * v) as f64;
            }
            let yi = problem.sign(k);
            let wx: f64 = b + offsets.get(k).map_or(0.0, |&o| o as f64) + dot;
            let g = yi * wx - 1.0 + diag[k] * alpha[k];
            let mut pg = 0.0;
            if alpha[k] == 0.0 {
                if g > pg_max_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                } else if g < 0.0 {
                    pg = g;
                }
            } else {
                pg = g;
            }
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[k];
                alpha[k] = (old - g / qd[k]).max(0.0);
                let d = (alpha[k] - old) * yi;
                for &(j, v) in x {
                    w[j as usize] += (d * v as f64) as f32;
                }
                b += d;
            }
            s += 1;
        }
        epoch += 1;
        if pg_max - pg_min <= EPS {
            if active == n {
                break;
            }
            active = n;
            pg_max_old = f64::INFINITY;
            continue;
        }
        pg_max_old = if pg_max <= 0.0 { f64::INFINITY } else { pg_max };
    }
    LinearModel {
        weights: w,
        bias: b as f32,
    }
}

/// Fits multinomial naive Bayes on non-negative features; the result scores the log-odds
/// `x · log(p/q) + log prior ratio`, the same order as P(picked | x).
pub fn fit_nb(problem: &Problem, alpha: f32) -> LinearModel {
    let Problem {
        xs,
        rows,
        y,
        cost: weight,
        n_features,
    } = *problem;
    let mut p = vec![alpha as f64; n_features];
    let mut q = vec![alpha as f64; n_features];
    let (mut wp, mut wq) = (0f64, 0f64);
    for (k, &r) in rows.iter().enumerate() {
        let (acc, total) = if y[r] {
            (&mut p, &mut wp)
        } else {
            (&mut q, &mut wq)
        };
        *total += weight[k] as f64;
        for &(j, v) in &xs[r] {
            acc[j as usize] += (v * weight[k]) as f64;
        }
    }
    let (sp, sq): (f64, f64) = (p.iter().sum(), q.iter().sum());
    LinearModel {
        weights: p
            .iter()
            .zip(&q)
            .map(|(a, b)| ((a / sp).ln() - (b / sq).ln()) as f32)
            .collect(),
        bias: ((wp.max(1e-9)) / wq.max(1e-9)).ln() as f32,
    }
}

/// Logistic regression over a few dense, standardized signals: the calibrator and combiner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stacker {
    /// Names of the signals, in column order.
    pub signals: Vec<String>,
    /// Per-signal mean used to standardize.
    pub mean: Vec<f32>,
    /// Per-signal standard deviation used to standardize.
    pub std: Vec<f32>,
    /// Coefficient per standardized signal (log-odds per standard deviation).
    pub coef: Vec<f32>,
    /// Log-odds at the mean of every signal.
    pub intercept: f32,
}

impl Stacker {
    /// Whether every number of the combiner is finite.
    pub fn is_finite(&self) -> bool {
        self.intercept.is_finite()
            && [&self.mean, &self.std, &self.coef]
                .iter()
                .all(|v| v.iter().all(|x| x.is_finite()))
    }

    /// Fits the combiner with `linfa-logistic` (L2 penalty `alpha`).
    pub fn fit(signals: Vec<String>, z: &[Vec<f32>], y: &[bool], alpha: f64) -> Stacker {
        let cols = signals.len();
        let n = z.len().max(1) as f32;
        let mean: Vec<f32> = (0..cols)
            .map(|c| z.iter().map(|r| r[c]).sum::<f32>() / n)
            .collect();
        let std: Vec<f32> = (0..cols)
            .map(|c| {
                let v = z.iter().map(|r| (r[c] - mean[c]).powi(2)).sum::<f32>() / n;
                if v > 1e-12 {
                    v.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        let records = Array2::from_shape_fn((z.len(), cols), |(i, c)| {
            ((z[i][c] - mean[c]) / std[c]) as f64
        });
        let targets = Array1::from_iter(y.iter().copied());
        let dataset = Dataset::new(records, targets);
        let fitted = LogisticRegression::default()
            .alpha(alpha)
            .max_iterations(500)
            .fit(&dataset);
        let (coef, intercept) = match fitted {
            Ok(m) => {
                // linfa-logistic 0.8 may take the commoner class as "positive" (rust-ml/linfa#393).
                let sign = if m.labels().pos.class { 1.0 } else { -1.0 };
                (
                    m.params().iter().map(|&c| (sign * c) as f32).collect(),
                    (sign * m.intercept()) as f32,
                )
            }
            // A degenerate problem (one class only): fall back to the base rate.
            Err(_) => {
                let rate = y.iter().filter(|&&v| v).count() as f32 / n;
                let rate = rate.clamp(1e-4, 1.0 - 1e-4);
                (vec![0.0; cols], (rate / (1.0 - rate)).ln())
            }
        };
        Stacker {
            signals,
            mean,
            std,
            coef,
            intercept,
        }
    }

    /// Whether every per-signal array has one entry per signal.
    pub fn is_consistent(&self) -> bool {
        let n = self.signals.len();
        self.mean.len() == n && self.std.len() == n && self.coef.len() == n
    }

    /// Per-signal contribution to the log-odds (coefficient × standardized value).
    pub fn contributions(&self, z: &[f32]) -> Vec<f32> {
        z.iter()
            .enumerate()
            .map(|(c, &v)| self.coef[c] * (v - self.mean[c]) / self.std[c])
            .collect()
    }

    /// P(picked).
    pub fn probability(&self, z: &[f32]) -> f32 {
        sigmoid(self.intercept + self.contributions(z).iter().sum::<f32>())
    }
}

/// The logistic function.
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Stratified fold of every row: positives and negatives are each shuffled (seeded) and dealt
/// round-robin, so each fold has its share of the rare picks.
pub fn stratified_folds(y: &[bool], k: usize, seed: u64) -> Vec<usize> {
    let mut fold = vec![0; y.len()];
    let mut rng = Rng::new(seed);
    for class in [true, false] {
        let mut rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        rng.shuffle(&mut rows);
        for (n, r) in rows.into_iter().enumerate() {
            fold[r] = n % k;
        }
    }
    fold
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feature 0 marks positives, feature 1 negatives, feature 2 is noise on everyone.
    fn toy() -> (Vec<SparseVec>, Vec<bool>) {
        let mut xs = Vec::new();
        let mut y = Vec::new();
        for i in 0..60 {
            let pos = i % 6 == 0;
            xs.push(vec![(if pos { 0 } else { 1 }, 1.0), (2, 0.5)]);
            y.push(pos);
        }
        (xs, y)
    }

    /// Fits `loss` at `c` on the toy and checks every row falls on its side of zero.
    fn fit_toy_and_check_separation(loss: Loss, c: f32) -> LinearModel {
        let (xs, y) = toy();
        let rows: Vec<usize> = (0..xs.len()).collect();
        let cost = vec![1.0; rows.len()];
        let params = SvmParams {
            loss,
            c,
            max_epochs: 200,
            seed: 1,
        };
        let m = fit_linear(
            &Problem {
                xs: &xs,
                rows: &rows,
                y: &y,
                cost: &cost,
                n_features: 3,
            },
            &params,
        );
        for (x, &label) in xs.iter().zip(&y) {
            assert_eq!(m.margin(x) > 0.0, label, "{loss:?} C={c}: {m:?}");
        }
        m
    }

    #[test]
    fn svm_separates_a_separable_toy() {
        let m = fit_toy_and_check_separation(Loss::SquaredHinge, 1.0);
        assert!(m.weights[0] > 0.0 && m.weights[1] < 0.0);
    }

    #[test]
    fn logistic_separates_a_separable_toy_and_regularization_shrinks_it() {
        let m = fit_toy_and_check_separation(Loss::Logistic, 10.0);
        // Weaker regularization, larger weights.
        let weak = fit_toy_and_check_separation(Loss::Logistic, 100.0);
        assert!(weak.weights[0] > m.weights[0]);
    }

    #[test]
    fn svm_is_deterministic_for_a_seed() {
        let (xs, y) = toy();
        let rows: Vec<usize> = (0..xs.len()).collect();
        let cost = vec![1.0; rows.len()];
        let p = SvmParams {
            loss: Loss::SquaredHinge,
            c: 0.1,
            max_epochs: 5,
            seed: 7,
        };
        assert_eq!(
            fit_svm(
                &Problem {
                    xs: &xs,
                    rows: &rows,
                    y: &y,
                    cost: &cost,
                    n_features: 3
                },
                &p
            ),
            fit_svm(
                &Problem {
                    xs: &xs,
                    rows: &rows,
                    y: &y,
                    cost: &cost,
                    n_features: 3
                },
                &p
            )
        );
    }

    #[test]
    fn warm_started_path_matches_fits_from_scratch() {
        // A noisier toy than `toy`, so that the solutions differ across C.
        let mut rng = Rng::new(3);
        let xs: Vec<SparseVec> = (0..200)
            .map(|_| {
                let mut v: Vec<(u32, f32)> = (0..5)
                    .map(|_| ((rng.next() % 40) as u32, (rng.next() % 100) as f32 / 100.0))
                    .collect();
                v.sort_by_key(|e| e.0);
                v.dedup_by_key(|e| e.0);
                v
            })
            .collect();
        let y: Vec<bool> = xs.iter().map(|x| x.iter().any(|e| e.0 < 6)).collect();
        let rows: Vec<usize> = (0..xs.len()).collect();
        let cost = vec![1.0; rows.len()];
        let p = SvmParams {
            loss: Loss::SquaredHinge,
            c: 1.0,
            max_epochs: 500,
            seed: 1,
        };
        let grid = [3.0, 0.1, 1.0];
        let path = fit_path(
            &Problem {
                xs: &xs,
                rows: &rows,
                y: &y,
                cost: &cost,
                n_features: 40,
            },
            &p,
            &grid,
        );
        for (c, warm) in grid.iter().zip(&path) {
            let cold = fit_svm(
                &Problem {
                    xs: &xs,
                    rows: &rows,
                    y: &y,
                    cost: &cost,
                    n_features: 40,
                },
                &SvmParams { c: *c, ..p },
            );
            for x in &xs {
                let (a, b) = (warm.margin(x), cold.margin(x));
                assert!((a - b).abs() < 0.05, "C={c}: {a} vs {b}");
            }
        }
        assert_ne!(path[0], path[1], "C made no difference");
    }

    #[test]
    fn nb_weights_point_the_right_way() {
        let (xs, y) = toy();
        let rows: Vec<usize> = (0..xs.len()).collect();
        let m = fit_nb(
            &Problem {
                xs: &xs,
                rows: &rows,
                y: &y,
                cost: &vec![1.0; rows.len()],
                n_features: 3,
            },
            0.1,
        );
        assert!(m.weights[0] > 0.0 && m.weights[1] < 0.0);
        assert!(m.weights[2].abs() < m.weights[0].abs());
    }

    #[test]
    fn stacker_learns_direction_and_rare_class_is_positive() {
        // One informative signal, picks rare: linfa must not flip the classes (linfa#393).
        let z: Vec<Vec<f32>> = (0..200).map(|i| vec![(i % 10) as f32]).collect();
        let y: Vec<bool> = (0..200).map(|i| i % 10 >= 8).collect();
        let s = Stacker::fit(vec!["s".into()], &z, &y, 1e-3);
        assert!(s.coef[0] > 0.0);
        assert!(s.probability(&[9.0]) > 0.5 && s.probability(&[0.0]) < 0.05);
    }

    #[test]
    fn folds_are_stratified() {
        let y: Vec<bool> = (0..100).map(|i| i % 10 == 0).collect();
        let f = stratified_folds(&y, 5, 3);
        for k in 0..5 {
            let pos = (0..100).filter(|&i| f[i] == k && y[i]).count();
            assert_eq!(pos, 2);
        }
    }
}
