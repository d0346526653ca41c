//! [`Screening`] → [`Ranking`]: rows ordered by score, highest first; ties keep input order.

use crate::score::Screening;

/// Row indices in rank order (rank 1 first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranking {
    /// Input row index per rank.
    pub order: Vec<usize>,
}

impl Ranking {
    /// Orders a screening, keeping at most `top` rows.
    pub fn new(screening: &Screening, top: Option<usize>) -> Ranking {
        let scores: Vec<f32> = screening.assessments.iter().map(|a| a.score).collect();
        let mut order = crate::eval::ranking(&scores);
        if let Some(top) = top {
            order.truncate(top);
        }
        Ranking { order }
    }
}
