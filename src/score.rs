//! Submissions → [`Assessment`]s: runs segmentation, themes, criteria and (when given) the
//! trained model, and combines them into one score per submission.

use rustc_hash::FxHashMap;

use crate::criteria::{Criteria, CriteriaScores};
use crate::model::{ModelScore, SelectionModel, TrainingSet};
use crate::read::Submission;
use crate::segment::{Document, Segmenter};
use crate::themes::{ThemeMatcher, ThemeScores, ThemeSet, ThemeStats};

/// Weights of the cold-start score (no model): best theme relevance, then the criteria in
/// [`crate::criteria::CRITERIA`] order. A story that fits a theme and is real, vivid and
/// clearly focused comes first; values language alone weighs least (it is easy to write).
pub const COLD_START_WEIGHTS: [f32; 5] = [0.35, 0.2, 0.25, 0.1, 0.1];

/// Everything known about one submission after scoring.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The ranking score: the model's P(picked), or the cold-start score, in [0, 1].
    pub score: f32,
    /// Relevance per output theme column, in [`Screening::theme_names`] order.
    pub themes: Vec<f32>,
    /// Keyword-theme matches (keyword themes only, in the themes file's order).
    pub keyword_themes: ThemeScores,
    /// The criteria.
    pub criteria: CriteriaScores,
    /// The model's view, when a model scored it.
    pub model: Option<ModelScore>,
    /// Neither title nor text has a letter or digit (empty, or punctuation and emoji alone):
    /// kept in the output, scored 0, reason 空内容.
    pub empty: bool,
}

/// A scored batch.
#[derive(Debug, Clone)]
pub struct Screening {
    /// Output theme columns: learned themes replace keyword themes of the same name.
    pub theme_names: Vec<String>,
    /// One per submission, in input order.
    pub assessments: Vec<Assessment>,
}

impl Assessment {
    /// Index of the most relevant output theme, if any is above zero.
    pub fn best_theme(&self) -> Option<usize> {
        crate::themes::best_relevance(&self.themes)
    }
}

/// The analysis stages before the model: segmentation, keyword themes, criteria.
#[derive(Debug)]
pub struct Analyzer {
    segmenter: Segmenter,
    matcher: ThemeMatcher,
    criteria: Criteria,
}

/// Where a theme column's relevance comes from: the model's learned theme of that name, else
/// the keyword theme (index in each list).
#[derive(Debug, Clone, Copy)]
enum ThemeSource {
    Learned(usize),
    Keyword(usize),
}

/// A batch after the analysis stages.
#[derive(Debug)]
pub struct Analysis {
    /// Segmented documents.
    pub docs: Vec<Document>,
    /// Keyword-theme scores per document.
    pub themes: Vec<ThemeScores>,
    /// Criteria per document.
    pub criteria: Vec<CriteriaScores>,
}

impl Analysis {
    /// The analysis of some rows only, in the order given (for cross-validation: the batch is
    /// segmented once, not once per fold).
    pub fn subset(&self, rows: &[usize]) -> Analysis {
        Analysis {
            docs: rows.iter().map(|&i| self.docs[i].clone()).collect(),
            themes: rows.iter().map(|&i| self.themes[i].clone()).collect(),
            criteria: rows.iter().map(|&i| self.criteria[i].clone()).collect(),
        }
    }

    /// The training set of these rows, given their labels (and, optionally, years and theme
    /// labels) in the same order.
    pub fn training_set<'a>(
        &'a self,
        labels: &'a [bool],
        years: Option<&'a [f32]>,
        theme_labels: Option<&'a [Option<Vec<String>>]>,
    ) -> TrainingSet<'a> {
        TrainingSet {
            docs: &self.docs,
            labels,
            years,
            criteria: &self.criteria,
            themes: &self.themes,
            theme_labels,
        }
    }
}

impl Analyzer {
    /// Builds the stages once per run.
    pub fn new(segmenter: Segmenter, themes: &ThemeSet) -> Analyzer {
        let matcher = ThemeMatcher::with_parts(themes, |k| segmenter.parts(k));
        Analyzer {
            segmenter,
            matcher,
            criteria: Criteria::new(),
        }
    }

    /// The keyword themes.
    pub fn themes(&self) -> &ThemeSet {
        self.matcher.themes()
    }

    /// Segments and scores themes and criteria.
    pub fn analyze(&self, submissions: &[Submission]) -> Analysis {
        self.analyze_with(submissions, None).0
    }

    /// [`Analyzer::analyze`] with keyword-theme statistics from elsewhere (the first chunk of
    /// a large batch). With `None` they are fitted on these submissions and returned too.
    pub fn analyze_with(
        &self,
        submissions: &[Submission],
        stats: Option<&ThemeStats>,
    ) -> (Analysis, Option<ThemeStats>) {
        let docs = self.segmenter.documents(submissions);
        let (fitted, themes) = match stats {
            Some(stats) => (None, self.matcher.score_with(stats, &docs)),
            None => {
                let (stats, themes) = self.matcher.fit_and_score(&docs);
                (Some(stats), themes)
            }
        };
        let pairs: Vec<(&Document, &ThemeScores)> = docs.iter().zip(&themes).collect();
        let criteria = crate::segment::parallel_map(&pairs, |(d, t)| self.criteria.assess(d, t));
        (
            Analysis {
                docs,
                themes,
                criteria,
            },
            fitted,
        )
    }

    /// Segments only: themes and criteria are left empty (for training a model whose
    /// combiner does not use them).
    pub fn segment(&self, submissions: &[Submission]) -> Analysis {
        let docs = self.segmenter.documents(submissions);
        let n = docs.len();
        Analysis {
            docs,
            themes: vec![ThemeScores::default(); n],
            criteria: vec![CriteriaScores::default(); n],
        }
    }

    /// Scores a batch, with the model when one is given.
    pub fn screen(&self, submissions: &[Submission], model: Option<&SelectionModel>) -> Screening {
        self.assess(self.analyze(submissions), model)
    }

    /// Scores an analysed batch, with the model when one is given.
    pub fn assess(&self, analysis: Analysis, model: Option<&SelectionModel>) -> Screening {
        self.assess_with(analysis, model, true)
    }

    /// [`Analyzer::assess`]; `match_rate: false` leaves out the model's batch pick-rate
    /// matching (for one chunk of a larger batch: see [`SelectionModel::batch_shift`]).
    pub fn assess_with(
        &self,
        analysis: Analysis,
        model: Option<&SelectionModel>,
        match_rate: bool,
    ) -> Screening {
        let keyword_names: Vec<String> = self
            .themes()
            .names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let learned: Vec<String> = model
            .map(|m| m.theme_models().iter().map(|t| t.name.clone()).collect())
            .unwrap_or_default();
        // Keyword themes in their file's order (a learned theme of the same name takes the
        // column's place), then the other learned themes. Names are looked up, not searched
        // for (per row, that was quadratic in the themes: minutes for a file of 65,541).
        let index = |names: &[String]| {
            let mut at: FxHashMap<String, usize> = FxHashMap::default();
            for (i, name) in names.iter().enumerate() {
                at.entry(name.clone()).or_insert(i);
            }
            at
        };
        let (keyword_at, learned_at) = (index(&keyword_names), index(&learned));
        let mut theme_names = keyword_names.clone();
        theme_names.extend(
            learned
                .iter()
                .filter(|l| !keyword_at.contains_key(*l))
                .cloned(),
        );
        let sources: Vec<ThemeSource> = theme_names
            .iter()
            .map(|name| match learned_at.get(name) {
                Some(&j) => ThemeSource::Learned(j),
                None => ThemeSource::Keyword(keyword_at.get(name).copied().unwrap_or(0)),
            })
            .collect();
        let model_scores = model.map(|m| {
            if match_rate {
                m.score(&analysis.docs, &analysis.criteria, &analysis.themes)
            } else {
                m.score_unmatched(&analysis.docs, &analysis.criteria, &analysis.themes)
            }
        });
        let empty: Vec<bool> = analysis
            .docs
            .iter()
            .map(|d| !d.text.chars().any(crate::normalize::is_alphanumeric))
            .collect();
        let assessments = analysis
            .themes
            .into_iter()
            .zip(analysis.criteria)
            .enumerate()
            .map(|(i, (keyword_themes, criteria))| {
                let ms = model_scores
                    .as_ref()
                    .map(|v| v[i].clone())
                    .filter(|_| !empty[i]);
                let themes: Vec<f32> = sources
                    .iter()
                    .map(|source| match *source {
                        ThemeSource::Learned(j) => ms.as_ref().map_or(0.0, |m| m.themes[j]),
                        ThemeSource::Keyword(k) => keyword_themes.relevance[k],
                    })
                    .collect();
                let score = match &ms {
                    _ if empty[i] => 0.0,
                    Some(m) => m.probability,
                    None => cold_start_score(&keyword_themes, &criteria),
                };
                let themes = if empty[i] {
                    vec![0.0; themes.len()]
                } else {
                    themes
                };
                Assessment {
                    score,
                    themes,
                    keyword_themes,
                    criteria,
                    model: ms,
                    empty: empty[i],
                }
            })
            .collect();
        Screening {
            theme_names,
            assessments,
        }
    }
}

/// The score without a model: [`COLD_START_WEIGHTS`] over best theme and criteria.
pub fn cold_start_score(themes: &ThemeScores, criteria: &CriteriaScores) -> f32 {
    let best = themes.relevance.iter().copied().fold(0.0, f32::max);
    let mut s = COLD_START_WEIGHTS[0] * best;
    for (w, c) in COLD_START_WEIGHTS[1..].iter().zip(&criteria.scores) {
        s += w * c.value;
    }
    s.clamp(0.0, 1.0)
}
