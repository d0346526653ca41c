//! Scores + labels → ranking metrics (the definitions of `shared/bench/anchors`) and calibration.

use serde::Serialize;

/// Ranking and calibration metrics of one scored batch.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Rows.
    pub n: usize,
    /// Relevant rows.
    pub positives: usize,
    /// Average precision: mean over positives of the precision at its rank.
    pub ap: f64,
    /// NDCG@10, binary gains.
    pub ndcg10: f64,
    /// NDCG@50, binary gains.
    pub ndcg50: f64,
    /// Precision in the top 10.
    pub p10: f64,
    /// Share of positives in the top ⌈10 %⌉.
    pub recall10pct: f64,
    /// Work saved over sampling at 95 % recall: (N − n₉₅)/N − 0.05.
    pub wss95: f64,
    /// Mean score (a probability when the scores are calibrated).
    pub mean_score: f64,
    /// Share of positives.
    pub rate: f64,
    /// Brier score (meaningful for probabilities).
    pub brier: f64,
    /// Expected calibration error over 10 equal-count bins.
    pub ece: f64,
}

/// Row order by descending score; ties keep file order.
pub fn ranking(scores: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order
}

/// Average precision of `scores` against `labels`.
pub fn average_precision(scores: &[f32], labels: &[bool]) -> f64 {
    let order = ranking(scores);
    let (mut hits, mut sum) = (0usize, 0f64);
    for (i, &r) in order.iter().enumerate() {
        if labels[r] {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    if hits == 0 {
        f64::NAN
    } else {
        sum / hits as f64
    }
}

fn ndcg(order: &[usize], labels: &[bool], k: usize, positives: usize) -> f64 {
    let dcg: f64 = order
        .iter()
        .take(k)
        .enumerate()
        .filter(|(_, &r)| labels[r])
        .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
        .sum();
    let ideal: f64 = (0..positives.min(k))
        .map(|i| 1.0 / ((i + 2) as f64).log2())
        .sum();
    if ideal > 0.0 {
        // + 0.0: an empty float sum is −0.0, which would print as "-0.000".
        dcg / ideal + 0.0
    } else {
        f64::NAN
    }
}

/// Every metric of one batch.
pub fn evaluate(scores: &[f32], labels: &[bool]) -> Metrics {
    let n = scores.len();
    let positives = labels.iter().filter(|&&l| l).count();
    let order = ranking(scores);
    let top = |k: usize| order.iter().take(k).filter(|&&r| labels[r]).count();
    let mut found = 0;
    let mut n95 = n;
    let needed = (0.95 * positives as f64).ceil() as usize;
    for (i, &r) in order.iter().enumerate() {
        if labels[r] {
            found += 1;
        }
        if positives > 0 && found >= needed {
            n95 = i + 1;
            break;
        }
    }
    // A batch without rows has no mean, rate or Brier score: not a number, which the mean over
    // batches leaves out (they were the empty sums' −0.000, and pulled the mean towards 0).
    let nf = if n == 0 { f64::NAN } else { n as f64 };
    let mean_score = scores.iter().map(|&s| s as f64).sum::<f64>() / nf;
    let rate = positives as f64 / nf;
    let brier = scores
        .iter()
        .zip(labels)
        .map(|(&s, &l)| (s as f64 - if l { 1.0 } else { 0.0 }).powi(2))
        .sum::<f64>()
        / nf;
    Metrics {
        n,
        positives,
        ap: average_precision(scores, labels),
        ndcg10: ndcg(&order, labels, 10, positives),
        ndcg50: ndcg(&order, labels, 50, positives),
        p10: if n == 0 {
            f64::NAN
        } else {
            top(10) as f64 / 10.0
        },
        recall10pct: if positives > 0 {
            top((0.1 * n as f64).ceil() as usize) as f64 / positives as f64
        } else {
            f64::NAN
        },
        wss95: if positives > 0 {
            (n - n95) as f64 / nf - 0.05
        } else {
            f64::NAN
        },
        mean_score,
        rate,
        brier,
        ece: expected_calibration_error(scores, labels, 10),
    }
}

/// ECE over `bins` equal-count bins of the sorted scores (equal-width bins would put almost
/// every row of a batch with a 2 % pick rate into the first bin).
pub fn expected_calibration_error(scores: &[f32], labels: &[bool], bins: usize) -> f64 {
    let n = scores.len();
    if n == 0 {
        return f64::NAN;
    }
    let mut order = ranking(scores);
    order.reverse();
    let mut ece = 0.0;
    for b in 0..bins {
        let (lo, hi) = (b * n / bins, (b + 1) * n / bins);
        if hi <= lo {
            continue;
        }
        let rows = &order[lo..hi];
        let conf = rows.iter().map(|&r| scores[r] as f64).sum::<f64>() / rows.len() as f64;
        let acc = rows.iter().filter(|&&r| labels[r]).count() as f64 / rows.len() as f64;
        ece += (hi - lo) as f64 / n as f64 * (conf - acc).abs();
    }
    ece
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_metrics() {
        // Ranked: P N P N N ; AP = (1/1 + 2/3) / 2
        let scores = [0.9, 0.8, 0.7, 0.6, 0.5];
        let labels = [true, false, true, false, false];
        let m = evaluate(&scores, &labels);
        assert!((m.ap - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        assert!((m.p10 - 0.2).abs() < 1e-12);
        // 95 % recall needs both picks: n = 3, WSS = 2/5 − 0.05.
        assert!((m.wss95 - 0.35).abs() < 1e-12);
        let ideal = 1.0 + 1.0 / 3f64.log2();
        assert!((m.ndcg10 - (1.0 + 1.0 / 4f64.log2()) / ideal).abs() < 1e-12);
        assert!((m.recall10pct - 0.5).abs() < 1e-12);
    }

    #[test]
    fn perfect_ranking_and_calibration() {
        let labels = [true, false, false, false];
        let m = evaluate(&[1.0, 0.0, 0.0, 0.0], &labels);
        assert_eq!((m.ap, m.ece, m.brier), (1.0, 0.0, 0.0));
    }

    #[test]
    fn no_hit_in_the_top_is_a_positive_zero() {
        let mut labels = vec![false; 20];
        labels[19] = true;
        let scores: Vec<f32> = (0..20).map(|i| 20.0 - i as f32).collect();
        let m = evaluate(&scores, &labels);
        assert!(
            m.ndcg10 == 0.0 && m.ndcg10.is_sign_positive(),
            "{}",
            m.ndcg10
        );
    }

    #[test]
    fn a_batch_without_rows_has_no_figures_not_minus_zero() {
        // A header-only --test batch printed meanP −0.0000, Brier −0.0000 and P@10 0.00, and
        // those zeros pulled the mean over batches down.
        let m = evaluate(&[], &[]);
        for (name, v) in [
            ("ap", m.ap),
            ("p10", m.p10),
            ("mean_score", m.mean_score),
            ("rate", m.rate),
            ("brier", m.brier),
            ("ece", m.ece),
            ("wss95", m.wss95),
        ] {
            assert!(v.is_nan(), "{name} = {v}");
        }
    }

    #[test]
    fn ties_keep_file_order() {
        assert_eq!(ranking(&[0.5, 0.7, 0.5]), vec![1, 0, 2]);
    }
}
