//! Themes file → [`ThemeSet`]; [`Document`]s → per-theme relevance in [0, 1] with the keywords
//! that matched. Cold start: Okapi BM25 over the theme's weighted keywords with statistics from
//! the batch itself, keyword hits in the title counted twice, and the query expanded by
//! pseudo-relevance feedback from the batch's top documents.

use std::collections::BTreeMap;
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{shorten, Error, Result, QUOTE_MAX_CHARS};
use crate::segment::{parallel_map, Document, Kind};

/// The built-in themes file, as written (what `xuanti init` copies out for editing).
pub const BUILT_IN_TOML: &str = include_str!("../data/themes.toml");

/// BM25 term-frequency saturation. Higher than the usual 1.2–1.5: a story about a theme
/// names its keywords again and again, a passing mention names them once. Chosen on the
/// training file's only year with topics (2017; BENCHMARKS.md, "Cold start"): k1 1.5 → 3
/// and b 0.75 → 1 raised the five themes' mean AP there from .429 to .454.
const K1: f32 = 3.0;
/// BM25 length normalization (1: full; long speeches name every theme in passing).
const B: f32 = 1.0;
/// A keyword in the title counts this many times (the title states what the story is about).
const TITLE_BOOST: f32 = 2.0;
/// Relevance = BM25 / (BM25 + HALF): a score of HALF (about two distinct specific keywords)
/// gives 0.5. A hyperbola rather than 1 − e^(−s): strongly matching documents keep distinct
/// values in f32 instead of all rounding to 1.0 and tying.
const HALF: f32 = 4.0;
/// Pseudo-relevance feedback: documents taken as relevant, terms added, their total weight
/// relative to the original query.
const FEEDBACK_DOCS: usize = 10;
const FEEDBACK_TERMS: usize = 20;
const FEEDBACK_WEIGHT: f32 = 0.5;
/// A keyword's dictionary sub-words match at this share of its weight (the whole keyword is
/// the phrase, its parts the looser evidence, as in a sequential-dependence query).
pub const PART_WEIGHT: f32 = 0.3;

/// The largest keyword weight a themes file may give: a keyword that should count a thousand
/// times another is a theme of its own, and larger weights only risk overflow in the sums.
pub const MAX_KEYWORD_WEIGHT: f64 = 1000.0;

/// Where a themes cell (`train --themes-col`) is split into labels: `;`, and the separators
/// staff type for a list in Excel or WPS (`；`, `、`, `，`, `,`). A theme whose name holds one
/// can never be a label.
pub const LABEL_SEPARATORS: [char; 5] = [';', '；', '、', '，', ','];

/// One central-work theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    /// The theme's name (also its label in a themes column).
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Keywords and their weights (> 0), in file order.
    pub keywords: Vec<(String, f32)>,
}

/// The themes a batch is scored against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeSet {
    /// The themes, in display order.
    pub themes: Vec<Theme>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemesToml {
    theme: Vec<ThemeToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeToml {
    /// Spanned: a name defined twice is reported with the lines of both.
    name: toml::Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    weighted: BTreeMap<String, f64>,
}

impl ThemeSet {
    /// The built-in themes (`data/themes.toml`, compiled in).
    pub fn built_in() -> ThemeSet {
        ThemeSet::parse(Path::new("data/themes.toml"), BUILT_IN_TOML)
            .expect("the built-in themes are checked by a unit test")
    }

    /// Reads a themes file.
    pub fn read(path: &Path) -> Result<ThemeSet> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = crate::read::decode_text(&bytes).map_err(|e| Error::Themes {
            path: path.to_path_buf(),
            message: crate::tr!("第 {} 行：{e}", "line {}: {e}", e.row),
        })?;
        ThemeSet::parse(path, &text)
    }

    /// Parses themes TOML; `path` is used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<ThemeSet> {
        let err = |message: String| Error::Themes {
            path: path.to_path_buf(),
            message,
        };
        let file: ThemesToml = toml::from_str(text).map_err(|e| {
            // Full-width punctuation typed with a Chinese input method is the usual slip: name
            // it when the line the parser stopped at has some.
            let line = e.span().map_or("", |span| {
                let start = text[..span.start.min(text.len())]
                    .rfind('\n')
                    .map_or(0, |p| p + 1);
                text[start..].lines().next().unwrap_or("")
            });
            let hint = if line.contains(['，', '“', '”', '［', '］', '＝', '：']) {
                crate::tr!(
                    "\n提示：这一行有中文标点；TOML 的逗号、引号、方括号和等号要用英文半角（, \" [ ] =）",
                    "\nhint: this line has full-width punctuation; TOML's commas, quotes, brackets and equals signs are ASCII (, \" [ ] =)"
                )
            } else {
                String::new()
            };
            // The parser's message quotes the whole line under a caret: for a long line, say
            // where instead and quote the line shortened.
            let e = match e.span() {
                Some(span) if line.chars().count() > QUOTE_MAX_CHARS => {
                    let before = &text[..span.start.min(text.len())];
                    let row = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    let (message, line) = (e.message().trim().replace('\n', "; "), shorten(line));
                    crate::tr!(
                        "第 {row} 行第 {column} 列：{message}：“{line}”",
                        "line {row}, column {column}: {message}: '{line}'"
                    )
                }
                _ => e.to_string().trim().to_string(),
            };
            err(crate::tr!("TOML 格式有误：{e}{hint}", "{e}{hint}"))
        })?;
        if file.theme.is_empty() {
            return Err(err(crate::tr!(
                "文件里没有 [[theme]] 主题表",
                "no [[theme]] tables"
            )));
        }
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let mut themes: Vec<Theme> = Vec::new();
        // Name → where it was first defined. Looked up, not searched for among the themes
        // before: a file of 65,541 themes took minutes.
        let mut defined: FxHashMap<String, usize> = FxHashMap::default();
        for t in file.theme {
            let name = t.name.get_ref().trim().to_string();
            let quoted = shorten(&name);
            if name.is_empty() {
                return Err(err(crate::tr!(
                    "有一个主题的名称（name）是空的",
                    "a theme has an empty name"
                )));
            }
            let at = t.name.span().start;
            if let Some(&first) = defined.get(&name) {
                let (first, second) = (line_of(first), line_of(at));
                return Err(err(crate::tr!(
                    "主题“{quoted}”定义了两次（第 {first} 行和第 {second} 行）",
                    "theme '{quoted}' is defined twice (lines {first} and {second})"
                )));
            }
            defined.insert(name.clone(), at);
            let mut keywords: Vec<(String, f32)> = Vec::new();
            // Keyword → its place in `keywords`.
            let mut places: FxHashMap<String, usize> = FxHashMap::default();
            for k in &t.keywords {
                let k = crate::normalize::normalize(k);
                if !k.is_empty() && !places.contains_key(&k) {
                    places.insert(k.clone(), keywords.len());
                    keywords.push((k, 1.0));
                }
            }
            for (k, &w) in &t.weighted {
                if !(w > 0.0 && w <= MAX_KEYWORD_WEIGHT) {
                    let k = shorten(k);
                    // 1e308 as written, not 309 digits.
                    let w = if w.abs() >= 1e6 {
                        format!("{w:e}")
                    } else {
                        w.to_string()
                    };
                    return Err(err(crate::tr!(
                        "主题“{quoted}”：关键词“{k}”的权重是 {w}，权重必须大于 0、不超过 {MAX_KEYWORD_WEIGHT}",
                        "theme '{quoted}': keyword '{k}' has weight {w}; weights must be > 0 and at most {MAX_KEYWORD_WEIGHT}"
                    )));
                }
                let w = w as f32;
                let k = crate::normalize::normalize(k);
                // Empty, it would match everywhere.
                if k.is_empty() {
                    continue;
                }
                match places.get(&k) {
                    Some(&place) => keywords[place].1 = w,
                    None => {
                        places.insert(k.clone(), keywords.len());
                        keywords.push((k, w));
                    }
                }
            }
            if keywords.is_empty() {
                return Err(err(crate::tr!(
                    "主题“{quoted}”没有关键词（keywords）",
                    "theme '{quoted}' has no keywords"
                )));
            }
            themes.push(Theme {
                name,
                description: t.description,
                keywords,
            });
        }
        Ok(ThemeSet { themes })
    }

    /// A warning for each theme whose name holds one of the [`LABEL_SEPARATORS`]: a themes
    /// cell naming it is split there, so no row can be labelled with it and it is never
    /// learned. Not an error: the keywords still score it.
    pub fn label_warnings(&self) -> Vec<String> {
        self.themes
            .iter()
            .filter_map(|t| {
                let sep = t.name.chars().find(|c| LABEL_SEPARATORS.contains(c))?;
                let quoted = shorten(&t.name);
                Some(crate::tr!(
                    "主题“{quoted}”的名称里有“{sep}”：主题列（--themes-col）里的标签在 ; ； 、 ， , 处分开，所以没有哪一行能标上这个主题，也就学不到它（关键词照常计分）；要学它，请给主题改名",
                    "theme '{quoted}' has '{sep}' in its name: labels in a themes column (--themes-col) are split at ; ； 、 ， and ',', so no row can be labelled with this theme and it is never learned (its keywords still score); rename it to learn it"
                ))
            })
            .collect()
    }

    /// Theme names in order.
    pub fn names(&self) -> Vec<&str> {
        self.themes.iter().map(|t| t.name.as_str()).collect()
    }
}

/// How strongly one document matches each theme.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThemeScores {
    /// Relevance per theme, in [0, 1], in theme order.
    pub relevance: Vec<f32>,
    /// Per theme, the keywords found (original and expansion), strongest first.
    pub matched: Vec<Vec<String>>,
}

impl ThemeScores {
    /// Index of the most relevant theme, if any theme matched at all.
    pub fn best(&self) -> Option<usize> {
        best_relevance(&self.relevance)
    }
}

/// Index of the largest relevance above zero; ties go to the earlier theme.
pub fn best_relevance(relevance: &[f32]) -> Option<usize> {
    relevance
        .iter()
        .enumerate()
        .filter(|(_, &r)| r > 0.0)
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}

/// Keyword matcher for a theme set, built once per run.
#[derive(Debug)]
pub struct ThemeMatcher {
    themes: ThemeSet,
    automaton: AhoCorasick,
    /// Per automaton pattern: (theme, weight) pairs using it.
    uses: Vec<Vec<(usize, f32)>>,
    patterns: Vec<String>,
    /// Pattern → its index in `patterns`.
    pattern_index: FxHashMap<String, usize>,
}

/// A batch's statistics for [`ThemeMatcher::score_with`].
#[derive(Debug, Clone)]
pub struct ThemeStats {
    avg_len: f32,
    idf: Vec<f32>,
    /// Expansion word → (theme, weight, IDF) per theme it expands.
    lookup: FxHashMap<String, Vec<(usize, f32, f32)>>,
}

/// Per document: hit counts of each keyword pattern, and its length in words.
struct Hits {
    counts: FxHashMap<u32, f32>,
    len: f32,
}

impl ThemeMatcher {
    /// Builds the matcher from the keywords alone.
    pub fn new(themes: &ThemeSet) -> ThemeMatcher {
        ThemeMatcher::with_parts(themes, |_| Vec::new())
    }

    /// Builds the matcher; `parts` splits a keyword into its dictionary sub-words (for
    /// 从严治党: 从严, 治党), which match at [`PART_WEIGHT`] of the keyword's weight. Parts
    /// shorter than two characters, and parts that are a keyword of the same theme, are left out.
    pub fn with_parts(themes: &ThemeSet, parts: impl Fn(&str) -> Vec<String>) -> ThemeMatcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut uses: Vec<Vec<(usize, f32)>> = Vec::new();
        // Looked up rather than searched for, here and below: with one keyword per theme, a
        // search among the patterns so far is quadratic in the themes.
        let mut pattern_index: FxHashMap<String, usize> = FxHashMap::default();
        for (ti, t) in themes.themes.iter().enumerate() {
            let mut terms: Vec<(String, f32)> = t.keywords.clone();
            // Term → its place in `terms`; the keywords come first.
            let mut places: FxHashMap<String, usize> = FxHashMap::default();
            for (i, (k, _)) in t.keywords.iter().enumerate() {
                places.entry(k.clone()).or_insert(i);
            }
            for (k, w) in &t.keywords {
                for p in parts(k) {
                    let own_keyword = places.get(&p).is_some_and(|&i| i < t.keywords.len());
                    // A number inside a keyword (2024 in 2024年度) is no evidence of the theme.
                    let number = p.bytes().all(|b| b.is_ascii_digit());
                    if p.chars().count() < 2 || own_keyword || number || !k.contains(p.as_str()) {
                        continue;
                    }
                    let pw = w * PART_WEIGHT;
                    match places.get(&p) {
                        Some(&place) => terms[place].1 = terms[place].1.max(pw),
                        None => {
                            places.insert(p.clone(), terms.len());
                            terms.push((p, pw));
                        }
                    }
                }
            }
            // An empty pattern matches everywhere (themes read from a model file skip `parse`).
            for (k, w) in terms.into_iter().filter(|(k, _)| !k.is_empty()) {
                let pi = *pattern_index.entry(k).or_insert_with_key(|k| {
                    patterns.push(k.clone());
                    uses.push(Vec::new());
                    patterns.len() - 1
                });
                uses[pi].push((ti, w));
            }
        }
        let automaton = keyword_automaton(&patterns, MatchKind::Standard);
        ThemeMatcher {
            themes: themes.clone(),
            automaton,
            uses,
            patterns,
            pattern_index,
        }
    }

    /// The themes.
    pub fn themes(&self) -> &ThemeSet {
        &self.themes
    }

    fn hits(&self, doc: &Document) -> Hits {
        let mut counts: FxHashMap<u32, f32> = FxHashMap::default();
        for m in self.automaton.find_overlapping_iter(&doc.text) {
            let boost = if m.end() <= doc.title_end {
                TITLE_BOOST
            } else {
                1.0
            };
            *counts.entry(m.pattern().as_u32()).or_default() += boost;
        }
        Hits {
            counts,
            len: doc.words().count() as f32,
        }
    }

    /// Scores every document of a batch against every theme (batch statistics, feedback).
    pub fn score(&self, docs: &[Document]) -> Vec<ThemeScores> {
        self.fit_and_score(docs).1
    }

    /// [`ThemeMatcher::fit`] and [`ThemeMatcher::score_with`] on the same documents, matching
    /// each document once.
    pub fn fit_and_score(&self, docs: &[Document]) -> (ThemeStats, Vec<ThemeScores>) {
        let hits: Vec<Hits> = parallel_map(docs, |d| self.hits(d));
        let stats = self.fit_hits(docs, &hits);
        let scores = self.score_hits(&stats, docs, Some(&hits));
        (stats, scores)
    }

    /// The batch statistics BM25 and the feedback need (IDF, average length, expansion
    /// words), from `docs`. A batch too large to hold in memory is scored in chunks with the
    /// statistics of its first chunk.
    pub fn fit(&self, docs: &[Document]) -> ThemeStats {
        let hits: Vec<Hits> = parallel_map(docs, |d| self.hits(d));
        self.fit_hits(docs, &hits)
    }

    fn fit_hits(&self, docs: &[Document], hits: &[Hits]) -> ThemeStats {
        let n_themes = self.themes.themes.len();
        let n = docs.len().max(1) as f32;
        let avg_len = (hits.iter().map(|h| h.len).sum::<f32>() / n).max(1.0);
        let mut df = vec![0f32; self.patterns.len()];
        for h in hits {
            for &p in h.counts.keys() {
                df[p as usize] += 1.0;
            }
        }
        let idf: Vec<f32> = df.iter().map(|&d| bm25_idf(n, d)).collect();
        // First pass: the themes' own keywords.
        let raw: Vec<Vec<f32>> = hits
            .iter()
            .map(|h| self.keyword_scores(h, &idf, avg_len, n_themes))
            .collect();
        let expansion = self.feedback_terms(docs, &raw, &df);
        let mut lookup: FxHashMap<String, Vec<(usize, f32, f32)>> = FxHashMap::default();
        for (t, terms) in expansion.into_iter().enumerate() {
            for (w, weight, idf) in terms {
                lookup.entry(w).or_default().push((t, weight, idf));
            }
        }
        ThemeStats {
            avg_len,
            idf,
            lookup,
        }
    }

    fn keyword_scores(&self, h: &Hits, idf: &[f32], avg_len: f32, n_themes: usize) -> Vec<f32> {
        let mut raw = vec![0f32; n_themes];
        let norm = K1 * (1.0 - B + B * h.len / avg_len);
        for (&p, &tf) in &h.counts {
            let s = idf[p as usize] * tf * (K1 + 1.0) / (tf + norm);
            for &(t, w) in &self.uses[p as usize] {
                raw[t] += w * s;
            }
        }
        raw
    }

    /// Scores `docs` with statistics from [`ThemeMatcher::fit`].
    pub fn score_with(&self, stats: &ThemeStats, docs: &[Document]) -> Vec<ThemeScores> {
        self.score_hits(stats, docs, None)
    }

    /// [`ThemeMatcher::score_with`], reusing the documents' keyword hits when known.
    fn score_hits(
        &self,
        stats: &ThemeStats,
        docs: &[Document],
        hits: Option<&[Hits]>,
    ) -> Vec<ThemeScores> {
        let n_themes = self.themes.themes.len();
        let (idf, avg_len, lookup) = (&stats.idf, stats.avg_len, &stats.lookup);
        let rows: Vec<usize> = (0..docs.len()).collect();
        parallel_map(&rows, |&d| {
            let doc = &docs[d];
            let computed;
            let h = match hits {
                Some(hits) => &hits[d],
                None => {
                    computed = self.hits(doc);
                    &computed
                }
            };
            let norm = K1 * (1.0 - B + B * h.len / avg_len);
            let mut scores = self.keyword_scores(h, idf, avg_len, n_themes);
            let mut extra: FxHashMap<(usize, &str), f32> = FxHashMap::default();
            if !lookup.is_empty() {
                for tok in doc.tokens.iter().filter(|t| t.kind == Kind::Content) {
                    let w = doc.word(tok);
                    if let Some(v) = lookup.get(w) {
                        for &(t, _, _) in v {
                            *extra.entry((t, w)).or_default() += 1.0;
                        }
                    }
                }
            }
            let mut matched: Vec<Vec<(f32, String)>> = vec![Vec::new(); n_themes];
            for (&p, &tf) in &h.counts {
                let s = idf[p as usize] * tf * (K1 + 1.0) / (tf + norm);
                for &(t, w) in &self.uses[p as usize] {
                    matched[t].push((w * s, self.patterns[p as usize].clone()));
                }
            }
            for (&(t, w), &tf) in &extra {
                let (_, weight, idf) = lookup[w].iter().find(|e| e.0 == t).copied().unwrap();
                let s = weight * idf * tf * (K1 + 1.0) / (tf + norm);
                scores[t] += s;
                matched[t].push((s, w.to_string()));
            }
            ThemeScores {
                relevance: scores
                    .iter()
                    .map(|&s| {
                        let s = s.max(0.0);
                        s / (s + HALF)
                    })
                    .collect(),
                matched: matched
                    .into_iter()
                    .map(|mut m| {
                        m.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                        m.into_iter().map(|(_, w)| w).collect()
                    })
                    .collect(),
            }
        })
    }

    /// Per theme: words frequent in its top documents and rare in the batch (RM3-style), with a
    /// weight and their batch IDF. Words already among the keywords are not added again.
    fn feedback_terms(
        &self,
        docs: &[Document],
        raw: &[Vec<f32>],
        keyword_df: &[f32],
    ) -> Vec<Vec<(String, f32, f32)>> {
        let n = docs.len() as f32;
        if docs.len() < 4 * FEEDBACK_DOCS {
            return vec![Vec::new(); self.themes.themes.len()];
        }
        fn words(doc: &Document) -> Vec<&str> {
            doc.tokens
                .iter()
                .filter(|t| t.kind == Kind::Content && t.end - t.start > 3)
                .map(|t| doc.word(t))
                .collect()
        }
        // Each theme's top documents and their words' weights.
        let mut weights: Vec<Option<FxHashMap<&str, f32>>> = Vec::new();
        for (t, _) in self.themes.themes.iter().enumerate() {
            let mut order: Vec<usize> = (0..docs.len()).filter(|&d| raw[d][t] > 0.0).collect();
            if order.len() < FEEDBACK_DOCS {
                weights.push(None);
                continue;
            }
            // Ties broken by the text, not the row: row order must not change any score.
            let by_score = |a: &usize, b: &usize| {
                raw[*b][t]
                    .total_cmp(&raw[*a][t])
                    .then_with(|| docs[*a].text.cmp(&docs[*b].text))
            };
            if order.len() > FEEDBACK_DOCS {
                order.select_nth_unstable_by(FEEDBACK_DOCS - 1, by_score);
                order.truncate(FEEDBACK_DOCS);
            }
            order.sort_by(by_score);
            let mut weight: FxHashMap<&str, f32> = FxHashMap::default();
            for &d in &order {
                let words = words(&docs[d]);
                let len = words.len().max(1) as f32;
                for w in words {
                    *weight.entry(w).or_default() += 1.0 / len;
                }
            }
            weights.push(Some(weight));
        }
        // Document frequencies of those words only, counted on all cores.
        let mut candidates: FxHashMap<&str, usize> = FxHashMap::default();
        for weight in weights.iter().flatten() {
            for &w in weight.keys() {
                let next = candidates.len();
                candidates.entry(w).or_insert(next);
            }
        }
        let per_doc: Vec<Vec<usize>> = parallel_map(docs, |d| {
            let mut seen: Vec<usize> = d
                .tokens
                .iter()
                .filter(|t| t.kind == Kind::Content && t.end - t.start > 3)
                .filter_map(|t| candidates.get(d.word(t)).copied())
                .collect();
            seen.sort_unstable();
            seen.dedup();
            seen
        });
        let mut counts = vec![0f32; candidates.len()];
        for seen in &per_doc {
            for &c in seen {
                counts[c] += 1.0;
            }
        }
        let df = |w: &str| counts[candidates[w]];
        let mut out = Vec::new();
        for (theme, weight) in self.themes.themes.iter().zip(weights) {
            let Some(weight) = weight else {
                out.push(Vec::new());
                continue;
            };
            let mut scored: Vec<(&str, f32)> = weight
                .into_iter()
                .filter(|(w, _)| {
                    !theme
                        .keywords
                        .iter()
                        .any(|(k, _)| k.contains(w) || w.contains(k.as_str()))
                })
                .filter(|(w, _)| df(w) >= 3.0 && df(w) <= n / 10.0)
                .map(|(w, p)| (w, p * bm25_idf(n, df(w))))
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
            scored.truncate(FEEDBACK_TERMS);
            let total: f32 = scored.iter().map(|s| s.1).sum();
            // The expansion weighs half the query that matched: keywords absent from the batch
            // do not inflate it (a long list of unused keywords would otherwise let the
            // feedback words outweigh the keywords themselves).
            let keyword_total: f32 = theme
                .keywords
                .iter()
                .filter(|(k, _)| {
                    self.pattern_index
                        .get(k)
                        .is_some_and(|&p| keyword_df[p] > 0.0)
                })
                .map(|k| k.1)
                .sum();
            out.push(
                scored
                    .into_iter()
                    .map(|(w, s)| {
                        let weight = FEEDBACK_WEIGHT * keyword_total * s / total.max(1e-9);
                        (w.to_string(), weight, bm25_idf(n, df(w)))
                    })
                    .collect(),
            );
        }
        out
    }
}

/// The automaton that finds keywords in a document's text, for the themes and the criteria
/// alike. A full DFA: a few hundred short keywords make a small table, and it searches faster
/// than aho-corasick's default NFA on every document.
pub(crate) fn keyword_automaton<P: AsRef<[u8]>>(
    patterns: impl IntoIterator<Item = P>,
    kind: MatchKind,
) -> AhoCorasick {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(kind)
        .build(patterns)
        .expect("keywords are plain strings, well under the DFA's size limit")
}

/// Okapi BM25's IDF in the non-negative (Lucene) form.
fn bm25_idf(n: f32, df: f32) -> f32 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Submission;
    use crate::segment::Segmenter;

    /// Untitled submissions with these texts, segmented.
    fn documents(seg: &Segmenter, texts: &[&str]) -> Vec<Document> {
        texts
            .iter()
            .map(|t| {
                seg.document(&Submission {
                    id: String::new(),
                    title: String::new(),
                    unit: String::new(),
                    text: t.to_string(),
                })
            })
            .collect()
    }

    /// Scores `texts` against the themes of `toml` (keyword parts off).
    fn scores(toml: &str, texts: &[&str]) -> Vec<ThemeScores> {
        let themes = ThemeSet::parse(Path::new("t.toml"), toml).unwrap();
        let docs = documents(&Segmenter::new(), texts);
        ThemeMatcher::new(&themes).score(&docs)
    }

    #[test]
    fn built_in_themes_parse_and_hold_the_seed_themes() {
        let t = ThemeSet::built_in();
        for name in [
            "抓党建促乡村振兴",
            "村集体经济发展",
            "新业态新就业群体党建",
            "红色文化",
            "生态保护",
            "身边榜样",
        ] {
            assert!(t.names().contains(&name), "{name} missing");
        }
        assert!(t.themes.iter().all(|t| !t.description.is_empty()));
        assert_eq!(t.label_warnings(), Vec::<String>::new());
    }

    #[test]
    fn minimal_format_is_accepted() {
        let t = ThemeSet::parse(
            Path::new("t.toml"),
            "[[theme]]\nname = \"乡村振兴\"\nkeywords = [\"乡村振兴\", \"农村\"]\n",
        )
        .unwrap();
        assert_eq!(
            t.themes[0].keywords,
            vec![("乡村振兴".into(), 1.0), ("农村".into(), 1.0)]
        );
    }

    #[test]
    fn errors_name_the_file_and_theme() {
        let e = ThemeSet::parse(Path::new("t.toml"), "[[theme]]\nname = \"甲\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("t.toml") && e.contains("主题“甲”没有关键词"),
            "{e}"
        );
        let e = ThemeSet::parse(
            Path::new("t.toml"),
            "[[theme]]\nname = \"甲\"\nkeywords=[\"a\"]\nweighted = { b = -1.0 }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("关键词“b”的权重是 -1"), "{e}");
        // Too large to hold as the matcher's f32 is named as written, not as inf.
        let e = ThemeSet::parse(
            Path::new("t.toml"),
            "[[theme]]\nname = \"甲\"\nkeywords=[\"a\"]\nweighted = { b = 1e308 }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("权重是 1e308，") && e.contains("不超过 1000"),
            "{e}"
        );
        let e = ThemeSet::parse(Path::new("t.toml"), "[[theme]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.toml：TOML 格式有误："), "{e}");
        assert!(!e.contains("中文标点"), "{e}");
        // A Chinese comma between keywords gets a hint.
        let e = ThemeSet::parse(
            Path::new("t.toml"),
            "[[theme]]\nname = \"红色\"\nkeywords = [\"红军\"，\"长征\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("中文标点"), "{e}");
        // A 1 MB line is not quoted whole under a caret: its row and column, and the line
        // shortened.
        let text = format!(
            "[[theme]]\nname = \"{}\"\nkeywords = [\"{}\" \"长征\"]\n",
            "甲".repeat(1 << 20),
            "x".repeat(1 << 20)
        );
        let e = ThemeSet::parse(Path::new("t.toml"), &text)
            .unwrap_err()
            .to_string();
        let column = (1 << 20) + 16;
        assert!(
            e.contains(&format!("第 3 行第 {column} 列")) && e.contains("个字符）”"),
            "{e}"
        );
        assert!(e.len() < 500, "{} bytes", e.len());
        let text = format!("[[theme]]\nname = \"{}\"\n", "甲".repeat(1 << 20));
        let e = ThemeSet::parse(Path::new("t.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("…（共 1048576 个字符）”没有关键词"), "{e:.300}");
    }

    /// A theme defined twice is named with the lines of both definitions. The check searched
    /// every theme before it for the name (and each keyword among the theme's keywords, each
    /// pattern among all the patterns so far), which took minutes for a file of 65,541 themes;
    /// the lookups that replace those searches keep what they found.
    #[test]
    fn a_theme_defined_twice_is_named_with_the_lines_of_both() {
        let text = "[[theme]]\nname = \"甲\"\nkeywords = [\"红军\"]\n\n\
                    [[theme]]\nname = \"乙\"\nkeywords = [\"长征\"]\n\n\
                    [[theme]]\nkeywords = [\"会师\"]\nname = \" 甲 \"\n";
        let e = ThemeSet::parse(Path::new("t.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("主题“甲”定义了两次（第 2 行和第 11 行）"), "{e}");
        // A keyword given twice is kept once, in its first place; a weight given for it, or
        // for a new one, is taken.
        let t = ThemeSet::parse(
            Path::new("t.toml"),
            "[[theme]]\nname = \"甲\"\nkeywords = [\"红军\", \"长征\", \"红军\", \"ＨＩ\", \"hi\"]\n\
             weighted = { \"长征\" = 2.0, \"会师\" = 3.0 }\n\
             [[theme]]\nname = \"乙\"\nkeywords = [\"长征\", \"爬雪山\"]\n",
        )
        .unwrap();
        let keywords = |i: usize| t.themes[i].keywords.clone();
        assert_eq!(
            keywords(0),
            vec![
                ("红军".into(), 1.0),
                ("长征".into(), 2.0),
                ("hi".into(), 1.0),
                ("会师".into(), 3.0)
            ]
        );
        // A keyword of two themes is one pattern used by both; a part is a pattern of its own.
        let m = ThemeMatcher::with_parts(&t, |k| match k {
            "爬雪山" => vec!["雪山".into()],
            _ => Vec::new(),
        });
        assert_eq!(m.patterns, ["红军", "长征", "hi", "会师", "爬雪山", "雪山"]);
        assert_eq!(m.uses[1], [(0, 2.0), (1, 1.0)]);
        assert_eq!(m.uses[5], [(1, PART_WEIGHT)]);
        assert_eq!(m.pattern_index["雪山"], 5);
    }

    #[test]
    fn repetition_counts_and_long_texts_are_normalized() {
        let passing = "今天召开全体会议，会上总结了全年的工作，讨论了明年的计划，\
                       安排了春节期间的值班，通报了安全生产的情况，也提到护林。";
        let texts = [
            "他护林三十年，护林的路走了几万里，护林站就是他的家，护林是他一辈子的事。",
            "他护林三十年，山路走了几万里，小站就是他的家，这是他一辈子的事。",
            passing,
            "天气晴，气温回升。",
            "农贸市场今天开业。",
        ];
        let r: Vec<f32> = scores(
            "[[theme]]\nname = \"生态\"\nkeywords = [\"护林\"]\n",
            &texts,
        )
        .iter()
        .map(|s| s.relevance[0])
        .collect();
        // A story that keeps naming the keyword beats one naming it once, which beats a
        // long text that names it in passing.
        assert!(r[0] > r[1], "{r:?}");
        assert!(r[1] > r[2], "{r:?}");
        assert!(r[2] > r[3] && r[3] == 0.0, "{r:?}");
    }

    #[test]
    fn a_number_inside_a_keyword_is_not_one_of_its_parts() {
        let themes = ThemeSet::parse(
            Path::new("t.toml"),
            "[[theme]]\nname = \"统计\"\nkeywords = [\"2024年度报表\"]\n",
        )
        .unwrap();
        let m = ThemeMatcher::with_parts(&themes, |_| vec!["2024".into(), "报表".into()]);
        assert_eq!(m.patterns, ["2024年度报表", "报表"]);
    }

    #[test]
    fn keywords_absent_from_the_batch_do_not_change_any_score() {
        // 60 documents, enough for feedback: a dozen about forest rangers, the rest other news.
        // The rangers' stories share words (植树造林, 野生动物) that two other items also name:
        // the feedback words that give those two a score.
        let topics = ["植树造林", "野生动物", "森林防火"];
        let mut texts: Vec<String> = (0..12)
            .map(|i| format!("护林员第{i}次巡山，{}。", topics[i % 3]))
            .collect();
        texts.push("春季植树造林活动开始。".into());
        texts.push("保护野生动物人人有责。".into());
        let other = [
            "农贸市场今天开业",
            "天气晴气温回升",
            "社区举办文艺演出",
            "学校开学典礼",
        ];
        texts.extend((0..46).map(|i| format!("{}，第{i}期。", other[i % other.len()])));
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let absent: Vec<String> = (0..30).map(|i| format!("\"不存在的词{i}\"")).collect();
        let one = scores(
            "[[theme]]\nname = \"生态\"\nkeywords = [\"护林\"]\n",
            &texts,
        );
        let padded = scores(
            &format!(
                "[[theme]]\nname = \"生态\"\nkeywords = [\"护林\", {}]\n",
                absent.join(", ")
            ),
            &texts,
        );
        assert!(one[0].relevance[0] > 0.0);
        // The feedback reaches the two items without the keyword.
        assert!(one[12].relevance[0] > 0.0 && one[13].relevance[0] > 0.0);
        let r = |s: &[ThemeScores]| s.iter().map(|x| x.relevance[0]).collect::<Vec<f32>>();
        assert_eq!(r(&one), r(&padded));
    }

    #[test]
    fn matching_document_ranks_above_others_and_names_keywords() {
        let s = scores(
            "[[theme]]\nname = \"生态\"\nkeywords = [\"生态\", \"护林\"]\n[[theme]]\nname = \"党建\"\nkeywords = [\"党支部\"]\n",
            &["护林员守护生态二十年", "党支部召开会议", "天气晴"],
        );
        assert_eq!(s[0].best(), Some(0));
        assert_eq!(s[1].best(), Some(1));
        assert_eq!(s[2].best(), None);
        assert!(s[0].matched[0].contains(&"护林".to_string()));
        assert!(s
            .iter()
            .flat_map(|x| &x.relevance)
            .all(|r| (0.0..=1.0).contains(r)));
    }

    /// A weighted keyword that is empty once normalized (`"" = 2.0`, `" " = 2.0`) was kept as an
    /// empty pattern, which matches everywhere: every row, English and notices included, got
    /// the theme, and a theme with only such a keyword passed as having keywords.
    #[test]
    fn an_empty_weighted_keyword_matches_nothing_and_is_not_a_keyword() {
        let e = ThemeSet::parse(
            Path::new("t.toml"),
            "[[theme]]\nname = \"甲\"\nweighted = { \"\" = 2.0, \" \" = 1.0 }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("主题“甲”没有关键词"), "{e}");
        let s = scores(
            "[[theme]]\nname = \"生态\"\nkeywords = [\"护林\"]\nweighted = { \" \" = 2.0 }\n",
            &["护林员守护生态二十年", "天气晴", "hello world"],
        );
        assert!(s[0].relevance[0] > 0.0);
        assert_eq!((s[1].best(), s[2].best()), (None, None));
    }

    #[test]
    fn a_keyword_s_parts_match_more_weakly_than_the_keyword() {
        let themes = ThemeSet::parse(
            Path::new("t.toml"),
            "[[theme]]\nname = \"从严治党\"\nkeywords = [\"从严治党\"]\n",
        )
        .unwrap();
        let seg = Segmenter::new();
        let parts = seg.parts("从严治党");
        assert!(parts.iter().any(|p| p == "治党"), "{parts:?}");
        let docs = documents(&seg, &["坚持全面从严治党", "管党治党责任", "天气晴"]);
        let with = ThemeMatcher::with_parts(&themes, |k| seg.parts(k)).score(&docs);
        let without = ThemeMatcher::new(&themes).score(&docs);
        assert!(with[1].relevance[0] > 0.0);
        assert!(with[0].relevance[0] > with[1].relevance[0]);
        assert_eq!(without[1].relevance[0], 0.0);
        assert!(with[1].matched[0].contains(&"治党".to_string()));
    }
}
