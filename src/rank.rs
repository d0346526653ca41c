//! Scores → the order rows are written in: highest score first (ties keep input order), each
//! near-duplicate right after its original, and optionally a balanced shortlist.
//!
//! A *story* is an original row with its near-duplicates. Stories are ranked by the best
//! score among their rows; the original (the first occurrence in the input) comes first and
//! its duplicates follow in input order, sharing its rank, so a story sent twice takes one
//! place, not two.
//!
//! The balanced shortlist (`--per-theme N`, `--per-unit M`) is a quota re-ranking in two passes
//! over the stories in rank order:
//!
//! 1. *coverage*: every theme that has a candidate gets its best story whose unit has fewer
//!    than M places so far, or its best story at all if every one of its units is full
//!    (covering a theme wins over the unit cap);
//! 2. *fill*: the remaining stories are taken in rank order while their theme has fewer than
//!    N places and their unit fewer than M.
//!
//! With `--per-unit` alone there are no theme quotas (every story is a candidate); with
//! `--per-theme`, a story without a theme is not a candidate. The shortlist is written in
//! rank order.

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

/// Which stories to keep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Selection {
    /// At most this many stories (after the shortlist, if any).
    pub top: Option<usize>,
    /// Shortlist: at most this many stories per theme, every theme with a candidate covered.
    pub per_theme: Option<usize>,
    /// Shortlist: at most this many stories per reporting unit.
    pub per_unit: Option<usize>,
}

/// What the arrangement knows of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The score.
    pub score: f32,
    /// The row's best theme, if any.
    pub theme: Option<u16>,
    /// The row's reporting unit (an interned id), if given.
    pub unit: Option<u32>,
    /// The row this one is a near-duplicate of (its original, earlier in the input).
    pub duplicate_of: Option<u32>,
}

/// The rows to write, in order, with each row's rank (1-based; duplicates share their
/// original's; 0 for a row not ranked). Indices are `u32` (8 bytes a row for both, at any
/// batch size a streamed ranking handles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arranged {
    /// Input row index per output row.
    pub order: Vec<u32>,
    /// Rank per output row.
    pub ranks: Vec<u32>,
}

/// Arranges `rows` (see the module documentation).
pub fn arrange(rows: &[Placement], selection: Selection) -> Arranged {
    let n = rows.len();
    let root = |i: usize| rows[i].duplicate_of.map_or(i, |o| o as usize);
    // A story's score is the best of its rows.
    let mut best: Vec<f32> = rows.iter().map(|r| r.score).collect();
    let mut duplicates: Vec<(u32, u32)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let r = root(i);
        if r != i {
            best[r] = best[r].max(row.score);
            duplicates.push((r as u32, i as u32));
        }
    }
    duplicates.sort_unstable();
    let mut stories: Vec<u32> = (0..n as u32)
        .filter(|&i| root(i as usize) == i as usize)
        .collect();
    stories.sort_by(|&a, &b| {
        best[b as usize]
            .total_cmp(&best[a as usize])
            .then(a.cmp(&b))
    });
    drop(best);
    if selection.per_theme.is_some() || selection.per_unit.is_some() {
        stories = shortlist(rows, &stories, selection);
    }
    if let Some(top) = selection.top {
        stories.truncate(top);
    }
    let mut arranged = Arranged {
        order: Vec::with_capacity(n.min(stories.len() + duplicates.len())),
        ranks: Vec::new(),
    };
    for (k, &s) in stories.iter().enumerate() {
        arranged.order.push(s);
        let from = duplicates.partition_point(|&(r, _)| r < s);
        arranged.order.extend(
            duplicates[from..]
                .iter()
                .take_while(|&&(r, _)| r == s)
                .map(|&(_, d)| d),
        );
        arranged.ranks.resize(arranged.order.len(), k as u32 + 1);
    }
    arranged
}

/// Per row, the decided row whose block it goes in under review: itself when decided; for an
/// undecided row, the first decided row (by row order) of its near-duplicate group (a story
/// staff have decided is decided in every copy); `None` for a row still open.
pub fn settled_by(rows: &[Placement], decided: &[Option<bool>]) -> Vec<Option<u32>> {
    // Each row's group is its original (a duplicate points at it).
    let group = |i: usize| rows[i].duplicate_of.map_or(i, |o| o as usize);
    let mut anchor: Vec<Option<u32>> = vec![None; rows.len()];
    for (i, d) in decided.iter().enumerate() {
        let g = group(i);
        if d.is_some() && anchor[g].is_none() {
            anchor[g] = Some(i as u32);
        }
    }
    (0..rows.len())
        .map(|i| match decided[i] {
            Some(_) => Some(i as u32),
            None => anchor[group(i)],
        })
        .collect()
}

/// [`arrange`] for a batch under review: the undecided rows (`decided[i]` is `None`) are
/// arranged as usual and come first; the decided rows follow in their own block, picks then
/// rejects, each by score, with rank 0 (they are not ranked again). A story staff have decided
/// is decided in every copy: an undecided near-duplicate of a decided row (or the undecided
/// original of a decided copy) follows that row in its block, unranked, instead of coming back
/// among the undecided rows, where what was learned from its twin would put it first.
pub fn arrange_reviewed(
    rows: &[Placement],
    decided: &[Option<bool>],
    selection: Selection,
) -> Arranged {
    let settled = settled_by(rows, decided);
    let settled = |i: usize| settled[i];
    let open: Vec<u32> = (0..rows.len() as u32)
        .filter(|&i| settled(i as usize).is_none())
        .collect();
    let mut position = vec![u32::MAX; rows.len()];
    for (k, &i) in open.iter().enumerate() {
        position[i as usize] = k as u32;
    }
    let sub: Vec<Placement> = open
        .iter()
        .map(|&i| Placement {
            duplicate_of: rows[i as usize]
                .duplicate_of
                .map(|o| position[o as usize])
                .filter(|&o| o != u32::MAX),
            ..rows[i as usize]
        })
        .collect();
    let mut arranged = arrange(&sub, selection);
    for i in &mut arranged.order {
        *i = open[*i as usize];
    }
    for want in [true, false] {
        let mut block: Vec<(u32, u32)> = (0..rows.len() as u32)
            .filter_map(|i| settled(i as usize).map(|a| (a, i)))
            .filter(|&(a, _)| decided[a as usize] == Some(want))
            .collect();
        // By the decided row's score; each decided row first, then the copies it settles.
        block.sort_by(|&(a, i), &(b, j)| {
            rows[b as usize]
                .score
                .total_cmp(&rows[a as usize].score)
                .then(a.cmp(&b))
                .then((i != a).cmp(&(j != b)))
                .then(i.cmp(&j))
        });
        arranged.ranks.extend(std::iter::repeat_n(0, block.len()));
        arranged.order.extend(block.into_iter().map(|(_, i)| i));
    }
    arranged
}

/// The balanced shortlist of `stories` (in rank order), returned in rank order.
fn shortlist(rows: &[Placement], stories: &[u32], selection: Selection) -> Vec<u32> {
    use std::collections::HashMap;
    let stories: Vec<usize> = stories.iter().map(|&s| s as usize).collect();
    let per_theme = selection.per_theme.unwrap_or(usize::MAX);
    let per_unit = selection.per_unit.unwrap_or(usize::MAX);
    let candidate = |s: usize| selection.per_theme.is_none() || rows[s].theme.is_some();
    let mut taken = vec![false; stories.len()];
    let mut theme_count: HashMap<Option<u16>, usize> = HashMap::new();
    let mut unit_count: HashMap<u32, usize> = HashMap::new();
    let room = |unit_count: &HashMap<u32, usize>, s: usize| {
        rows[s]
            .unit
            .is_none_or(|u| unit_count.get(&u).copied().unwrap_or(0) < per_unit)
    };
    let take = |k: usize,
                taken: &mut Vec<bool>,
                theme_count: &mut HashMap<Option<u16>, usize>,
                unit_count: &mut HashMap<u32, usize>| {
        let s = stories[k];
        taken[k] = true;
        *theme_count.entry(rows[s].theme).or_default() += 1;
        if let Some(u) = rows[s].unit {
            *unit_count.entry(u).or_default() += 1;
        }
    };
    if selection.per_theme.is_some_and(|n| n > 0) {
        // Coverage: each theme's best story with room in its unit, else its best story.
        let mut first: HashMap<u16, usize> = HashMap::new();
        for (k, &s) in stories.iter().enumerate() {
            if let Some(t) = rows[s].theme {
                first.entry(t).or_insert(k);
            }
        }
        let mut themes: Vec<(u16, usize)> = first.into_iter().collect();
        themes.sort_by_key(|&(_, k)| k);
        for (t, k0) in themes {
            let pick = stories[k0..]
                .iter()
                .enumerate()
                .find(|&(_, &s)| rows[s].theme == Some(t) && room(&unit_count, s))
                .map_or(k0, |(j, _)| k0 + j);
            take(pick, &mut taken, &mut theme_count, &mut unit_count);
        }
    }
    for (k, &s) in stories.iter().enumerate() {
        if taken[k] || !candidate(s) {
            continue;
        }
        let theme_room = theme_count.get(&rows[s].theme).copied().unwrap_or(0) < per_theme;
        if theme_room && room(&unit_count, s) {
            take(k, &mut taken, &mut theme_count, &mut unit_count);
        }
    }
    stories
        .iter()
        .zip(&taken)
        .filter(|&(_, &t)| t)
        .map(|(&s, _)| s as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(score: f32, theme: Option<u16>, unit: Option<u32>) -> Placement {
        Placement {
            score,
            theme,
            unit,
            duplicate_of: None,
        }
    }

    #[test]
    fn duplicates_follow_their_original_and_share_its_rank() {
        let mut rows = vec![
            row(0.2, None, None),
            row(0.9, None, None),
            row(0.5, None, None),
            row(0.8, None, None),
        ];
        // Row 3 repeats row 0; row 2 repeats row 1.
        rows[3].duplicate_of = Some(0);
        rows[2].duplicate_of = Some(1);
        let a = arrange(&rows, Selection::default());
        // Story 1 (best 0.9) first, then story 0 (best 0.8, from its duplicate).
        assert_eq!(a.order, vec![1, 2, 0, 3]);
        assert_eq!(a.ranks, vec![1, 1, 2, 2]);
    }

    #[test]
    fn top_counts_stories_not_rows() {
        let mut rows: Vec<Placement> = (0..5).map(|i| row(i as f32, None, None)).collect();
        rows[3].duplicate_of = Some(4);
        let a = arrange(
            &rows,
            Selection {
                top: Some(2),
                ..Selection::default()
            },
        );
        assert_eq!(a.order, vec![4, 3, 2]);
        assert_eq!(a.ranks, vec![1, 1, 2]);
    }

    #[test]
    fn plain_order_is_by_score_with_ties_in_input_order() {
        let rows = vec![
            row(0.5, None, None),
            row(0.7, None, None),
            row(0.5, None, None),
        ];
        assert_eq!(arrange(&rows, Selection::default()).order, vec![1, 0, 2]);
    }

    #[test]
    fn per_theme_covers_every_theme_and_caps_each() {
        // Theme 0 dominates the top; theme 1 and 2 have one weak candidate each.
        let mut rows: Vec<Placement> = (0..10)
            .map(|i| row(1.0 - i as f32 * 0.01, Some(0), None))
            .collect();
        rows.push(row(0.1, Some(1), None));
        rows.push(row(0.05, Some(2), None));
        rows.push(row(0.99, None, None));
        let a = arrange(
            &rows,
            Selection {
                per_theme: Some(2),
                ..Selection::default()
            },
        );
        assert_eq!(a.order, vec![0, 1, 10, 11]);
    }

    #[test]
    fn per_unit_keeps_one_unit_from_taking_every_place() {
        let rows: Vec<Placement> = (0..6)
            .map(|i| row(1.0 - i as f32 * 0.1, Some(0), Some(u32::from(i >= 4))))
            .collect();
        let a = arrange(
            &rows,
            Selection {
                per_unit: Some(2),
                ..Selection::default()
            },
        );
        assert_eq!(a.order, vec![0, 1, 4, 5]);
    }

    #[test]
    fn reviewed_rows_follow_the_undecided_ones_picks_first() {
        let rows: Vec<Placement> = (0..6).map(|i| row(i as f32 / 10.0, None, None)).collect();
        let decided = [None, Some(false), None, Some(true), None, Some(true)];
        let a = arrange_reviewed(&rows, &decided, Selection::default());
        assert_eq!(a.order, vec![4, 2, 0, 5, 3, 1]);
        assert_eq!(a.ranks, vec![1, 2, 3, 0, 0, 0]);
    }

    #[test]
    fn copies_of_a_decided_story_follow_it_unranked() {
        let mut rows: Vec<Placement> = (0..7).map(|i| row(i as f32 / 10.0, None, None)).collect();
        // Row 6 copies row 3 (decided, a pick): the copy scores highest, yet follows its
        // original. Row 1 is the original of row 5, a copy decided as a reject: the undecided
        // original follows its decided copy. Row 4 copies row 2, both undecided: ranked as usual.
        rows[6].duplicate_of = Some(3);
        rows[5].duplicate_of = Some(1);
        rows[4].duplicate_of = Some(2);
        let decided = [None, None, None, Some(true), None, Some(false), None];
        let a = arrange_reviewed(&rows, &decided, Selection::default());
        assert_eq!(a.order, vec![2, 4, 0, 3, 6, 5, 1]);
        assert_eq!(a.ranks, vec![1, 1, 2, 0, 0, 0, 0]);
    }

    #[test]
    fn coverage_wins_over_a_full_unit() {
        // Theme 1's only candidate comes from unit 0, which the cap has filled.
        let rows = vec![
            row(0.9, Some(0), Some(0)),
            row(0.8, Some(0), Some(0)),
            row(0.1, Some(1), Some(0)),
        ];
        let a = arrange(
            &rows,
            Selection {
                per_theme: Some(5),
                per_unit: Some(1),
                ..Selection::default()
            },
        );
        assert_eq!(a.order, vec![0, 2]);
    }
}
