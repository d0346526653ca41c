//! Near-duplicate detection (`xuanti::dedup`) measured on edited copies of real rows.
//!
//! For each batch (`xwlb/batch-2018.csv`, then `xwlb/batch-2019.csv`) and each edit kind, 500
//! sampled rows get one copy each with a new id and unit and that one edit. The copies are mixed
//! into the batch, each at a random place after its original, and the whole mix is signed and
//! grouped. Per edit kind:
//!
//! - recall: copies whose `duplicate_of` resolves to their original's group;
//! - precision: of the pairs flagged (a row and the row its `duplicate_of` names), those that
//!   are the same story: a copy and its original, or two copies of one original.
//!
//! Pairs flagged between two real rows are printed with their exact shingle Jaccard: the data's
//! own near-identical stories (the same item broadcast twice) are counted apart as real
//! duplicates, the rest as false positives. Also printed: a threshold sweep on batch-2018 (the
//! tuning batch; batch-2019 is only confirmed), the estimated similarity of copies to their
//! originals, time and memory per row, and `finish` on 1,000,000 rows.
//!
//! Run: `cargo bench --bench dedup`. `XUANTI_DATA` is the data folder holding `xwlb/` (default
//! `../shared/data` beside the repository); without the files the bench says so and exits 0.

use std::collections::HashSet;
use std::env;
use std::path::{Path, PathBuf};
use std::time::Instant;

use xuanti::dedup::{self, DuplicateFinder, Signature};
use xuanti::read::{Batch, ColumnOverrides, Submission};

const COPIES_PER_KIND: usize = 500;
const SEED: u64 = 0x5eed_d0d0_2018_2019;
const SWEEP: [f64; 8] = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7];
/// Exact Jaccard from which two real rows flagged together are counted as the data's own
/// duplicates rather than false positives (checked by reading the printed examples).
const REAL_DUPLICATE_JACCARD: f64 = 0.8;
const SCALE_ROWS: usize = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Edit {
    Exact,
    Title,
    Chars(usize),
    DropSentence,
    SwapSentences,
    AddSentence,
    HalfDropped,
}

/// The edit kinds; `true` marks the small edits the bar is about.
const EDITS: [(Edit, bool); 10] = [
    (Edit::Exact, true),
    (Edit::Title, true),
    (Edit::Chars(2), true),
    (Edit::Chars(5), true),
    (Edit::Chars(10), true),
    (Edit::DropSentence, true),
    (Edit::SwapSentences, true),
    (Edit::AddSentence, true),
    (Edit::Chars(20), false),
    (Edit::HalfDropped, false),
];

impl Edit {
    fn name(self) -> String {
        match self {
            Edit::Exact => "exact copy".into(),
            Edit::Title => "title rewritten".into(),
            Edit::Chars(p) => format!("{p}% of characters edited"),
            Edit::DropSentence => "one sentence dropped".into(),
            Edit::SwapSentences => "two sentences swapped".into(),
            Edit::AddSentence => "a sentence from another row added".into(),
            Edit::HalfDropped => "second half of the sentences dropped".into(),
        }
    }

    fn needs_sentences(self) -> bool {
        matches!(
            self,
            Edit::DropSentence | Edit::SwapSentences | Edit::HalfDropped
        )
    }
}

/// splitmix64: a small seeded generator, so the copies are the same in every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if matches!(c, '。' | '！' | '？' | '!' | '?') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// A copy of `rows[orig]` with one edit.
fn edited_copy(
    rows: &[Submission],
    orig: usize,
    edit: Edit,
    serial: usize,
    rng: &mut Rng,
) -> Submission {
    let source = &rows[orig];
    let mut copy = Submission {
        id: format!("copy-{serial}"),
        title: source.title.clone(),
        unit: format!("单位{}", rng.below(100)),
        text: source.text.clone(),
    };
    let other = |rng: &mut Rng| loop {
        let r = rng.below(rows.len());
        if r != orig {
            break &rows[r];
        }
    };
    match edit {
        Edit::Exact => {}
        Edit::Title => copy.title = other(rng).title.clone(),
        Edit::Chars(percent) => {
            let mut chars: Vec<char> = source.text.chars().collect();
            let edits = (chars.len() * percent).div_ceil(100);
            for _ in 0..edits {
                let donor: Vec<char> = other(rng).text.chars().collect();
                let replacement = donor[rng.below(donor.len())];
                let at = rng.below(chars.len());
                match rng.below(3) {
                    0 => chars[at] = replacement,
                    1 => chars.insert(at, replacement),
                    _ => {
                        chars.remove(at);
                    }
                }
            }
            copy.text = chars.into_iter().collect();
        }
        Edit::DropSentence => {
            let mut s = sentences(&source.text);
            s.remove(rng.below(s.len()));
            copy.text = s.concat();
        }
        Edit::SwapSentences => {
            let mut s = sentences(&source.text);
            let a = rng.below(s.len());
            let b = (a + 1 + rng.below(s.len() - 1)) % s.len();
            s.swap(a, b);
            copy.text = s.concat();
        }
        Edit::AddSentence => {
            let mut s = sentences(&source.text);
            let donor = sentences(&other(rng).text);
            let added = donor[rng.below(donor.len())].clone();
            s.insert(rng.below(s.len() + 1), added);
            copy.text = s.concat();
        }
        Edit::HalfDropped => {
            let mut s = sentences(&source.text);
            s.truncate(s.len().div_ceil(2));
            copy.text = s.concat();
        }
    }
    copy
}

/// A batch with its copies mixed in.
struct Mix {
    rows: Vec<Submission>,
    /// For each row: `None` for a real row, else (the original's position, the edit kind).
    copy_of: Vec<Option<(usize, usize)>>,
}

/// A row of the mix: (the real row it follows, 0 for a real row and 1 for a copy, serial), the
/// row, and for a copy (its original's index among the real rows, the edit kind).
type Placed = ((usize, usize, usize), Submission, Option<(usize, usize)>);

fn mix(real: &[Submission], rng: &mut Rng) -> Mix {
    let mut placed: Vec<Placed> = real
        .iter()
        .enumerate()
        .map(|(i, row)| ((i, 0, 0), row.clone(), None))
        .collect();
    let mut serial = 0;
    for (kind, &(edit, _)) in EDITS.iter().enumerate() {
        let pool: Vec<usize> = (0..real.len())
            .filter(|&i| !edit.needs_sentences() || sentences(&real[i].text).len() >= 2)
            .collect();
        let mut chosen = HashSet::new();
        while chosen.len() < COPIES_PER_KIND.min(pool.len()) {
            chosen.insert(pool[rng.below(pool.len())]);
        }
        let mut chosen: Vec<usize> = chosen.into_iter().collect();
        chosen.sort_unstable();
        for orig in chosen {
            serial += 1;
            let copy = edited_copy(real, orig, edit, serial, rng);
            let after = orig + rng.below(real.len() - orig);
            placed.push(((after, 1, serial), copy, Some((orig, kind))));
        }
    }
    placed.sort_by_key(|p| p.0);
    let position: Vec<usize> = {
        let mut pos = vec![0; real.len()];
        for (at, p) in placed.iter().enumerate() {
            if p.2.is_none() {
                pos[p.0 .0] = at;
            }
        }
        pos
    };
    Mix {
        copy_of: placed
            .iter()
            .map(|p| p.2.map(|(orig, kind)| (position[orig], kind)))
            .collect(),
        rows: placed.into_iter().map(|p| p.1).collect(),
    }
}

/// The characters the library compares, for the exact Jaccard of printed pairs.
fn shingles(row: &Submission) -> HashSet<Vec<char>> {
    let chars: Vec<char> = format!("{}{}", row.title, row.text)
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    chars
        .windows(dedup::SHINGLE_CHARS)
        .map(<[char]>::to_vec)
        .collect()
}

fn jaccard(a: &Submission, b: &Submission) -> f64 {
    let (a, b) = (shingles(a), shingles(b));
    let common = a.intersection(&b).count();
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

fn group_of(result: &[Option<u32>], i: usize) -> usize {
    result[i].map_or(i, |f| f as usize)
}

#[derive(Default, Clone, Copy)]
struct Tally {
    copies: usize,
    found: usize,
    flagged: usize,
    true_pairs: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.copies += other.copies;
        self.found += other.found;
        self.flagged += other.flagged;
        self.true_pairs += other.true_pairs;
    }

    fn recall(&self) -> f64 {
        self.found as f64 / self.copies.max(1) as f64
    }

    fn precision(&self) -> f64 {
        if self.flagged == 0 {
            1.0
        } else {
            self.true_pairs as f64 / self.flagged as f64
        }
    }
}

struct Evaluation {
    per_kind: Vec<Tally>,
    /// Real rows flagged as duplicates of another real row: (row, its original, exact Jaccard).
    real_pairs: Vec<(usize, usize, f64)>,
    /// Real rows flagged with another real row that are false positives.
    real_false: usize,
    /// Real rows flagged, through a copy, with another story.
    real_through_copy: usize,
}

impl Evaluation {
    fn overall(&self, small_only: bool) -> Tally {
        let mut total = Tally::default();
        for (tally, &(_, small)) in self.per_kind.iter().zip(&EDITS) {
            if small || !small_only {
                total.add(*tally);
            }
        }
        total.flagged += self.real_false + self.real_through_copy;
        total
    }
}

fn evaluate(mix: &Mix, result: &[Option<u32>]) -> Evaluation {
    // The story each row tells: a copy its original's, a real row its own, joined where two real
    // rows are the data's own duplicates.
    let n = mix.rows.len();
    let mut story: Vec<usize> = (0..n)
        .map(|i| mix.copy_of[i].map_or(i, |(orig, _)| orig))
        .collect();
    let mut real_pairs = Vec::new();
    let mut real_false = 0;
    let mut real_through_copy = 0;
    for i in 0..n {
        let Some(first) = result[i] else { continue };
        let first = first as usize;
        if mix.copy_of[i].is_none() && mix.copy_of[first].is_none() {
            let j = jaccard(&mix.rows[i], &mix.rows[first]);
            real_pairs.push((i, first, j));
            if j >= REAL_DUPLICATE_JACCARD {
                let (a, b) = (story[i], story[first]);
                for s in story.iter_mut() {
                    if *s == a {
                        *s = b;
                    }
                }
            } else {
                real_false += 1;
            }
        }
    }
    let mut per_kind = vec![Tally::default(); EDITS.len()];
    for i in 0..n {
        match mix.copy_of[i] {
            Some((orig, kind)) => {
                let tally = &mut per_kind[kind];
                tally.copies += 1;
                tally.found += usize::from(group_of(result, i) == group_of(result, orig));
                if let Some(first) = result[i] {
                    tally.flagged += 1;
                    tally.true_pairs += usize::from(story[i] == story[first as usize]);
                }
            }
            None => {
                // A real row flagged as a duplicate of a copy (or through one): counted with
                // the real rows' false positives when it is another story.
                if let Some(first) = result[i] {
                    let first = first as usize;
                    if mix.copy_of[first].is_some() && story[i] != story[first] {
                        real_through_copy += 1;
                    }
                }
            }
        }
    }
    Evaluation {
        per_kind,
        real_pairs,
        real_false,
        real_through_copy,
    }
}

fn preview(row: &Submission) -> String {
    let text: String = row.text.chars().take(40).collect();
    format!("{} 《{}》 {}…", row.id, row.title, text)
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn run_batch(name: &str, path: &Path, sweep: bool) -> Option<Vec<Signature>> {
    let batch = match Batch::read(path, &ColumnOverrides::default()) {
        Ok(batch) => batch,
        Err(e) => {
            println!("dedup: cannot read {}: {e}", path.display());
            return None;
        }
    };
    let real = batch.submissions();
    let mut rng = Rng(SEED ^ real.len() as u64);
    let mix = mix(&real, &mut rng);
    let n = mix.rows.len();
    let chars: usize = mix
        .rows
        .iter()
        .map(|r| r.title.chars().count() + r.text.chars().count())
        .sum();

    let start = Instant::now();
    let sigs: Vec<Signature> = mix
        .rows
        .iter()
        .map(|r| dedup::signature(&r.title, &r.text))
        .collect();
    let sign_time = start.elapsed();
    let mut finder = DuplicateFinder::new();
    for &sig in &sigs {
        finder.push(sig);
    }
    let start = Instant::now();
    let result = finder.finish();
    let finish_time = start.elapsed();

    println!(
        "\n## {name}: {} real rows + {} copies = {n} rows ({:.0} characters per row)\n",
        real.len(),
        n - real.len(),
        chars as f64 / n as f64
    );
    println!(
        "signature: {:.1} µs per row (one thread, {:.0} MB/s); finish: {:.2} µs per row ({:.1} ms)",
        sign_time.as_secs_f64() * 1e6 / n as f64,
        mix.rows
            .iter()
            .map(|r| r.title.len() + r.text.len())
            .sum::<usize>() as f64
            / sign_time.as_secs_f64()
            / 1e6,
        finish_time.as_secs_f64() * 1e6 / n as f64,
        finish_time.as_secs_f64() * 1e3
    );

    let eval = evaluate(&mix, &result);
    println!(
        "\n| edit | small | copies | recall | flagged | precision | est. similarity p5 / median |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (kind, (tally, &(edit, small))) in eval.per_kind.iter().zip(&EDITS).enumerate() {
        let mut sims: Vec<f64> = (0..n)
            .filter_map(|i| match mix.copy_of[i] {
                Some((orig, k)) if k == kind => Some(sigs[i].similarity(&sigs[orig])),
                _ => None,
            })
            .collect();
        sims.sort_by(f64::total_cmp);
        println!(
            "| {} | {} | {} | {:.3} | {} | {:.3} | {:.2} / {:.2} |",
            edit.name(),
            if small { "yes" } else { "no" },
            tally.copies,
            tally.recall(),
            tally.flagged,
            tally.precision(),
            quantile(&sims, 0.05),
            quantile(&sims, 0.5)
        );
    }
    for (label, small_only) in [("**small edits**", true), ("all edits", false)] {
        let t = eval.overall(small_only);
        println!(
            "| {label} | | {} | **{:.3}** | {} | **{:.3}** | |",
            t.copies,
            t.recall(),
            t.flagged,
            t.precision()
        );
    }

    let genuine: Vec<_> = eval
        .real_pairs
        .iter()
        .filter(|p| p.2 >= REAL_DUPLICATE_JACCARD)
        .collect();
    println!(
        "\nreal rows flagged as duplicates of real rows: {} pairs; {} with exact {}-shingle \
         Jaccard ≥ {REAL_DUPLICATE_JACCARD} (the data's own duplicates, not counted), {} below \
         (false positives, counted in the overall precision); real rows flagged through a copy \
         of another story: {}",
        eval.real_pairs.len(),
        genuine.len(),
        dedup::SHINGLE_CHARS,
        eval.real_false,
        eval.real_through_copy,
    );
    let mut shown = eval.real_pairs.clone();
    shown.sort_by(|a, b| b.2.total_cmp(&a.2));
    let examples: Vec<_> = shown
        .iter()
        .take(3)
        .chain(shown.iter().rev().take(3).filter(|p| p.2 < 0.9))
        .collect();
    for &&(i, first, j) in &examples {
        println!(
            "  Jaccard {j:.2}, est. {:.2}:\n    {}\n    {}",
            sigs[i].similarity(&sigs[first]),
            preview(&mix.rows[first]),
            preview(&mix.rows[i])
        );
    }

    if sweep {
        println!("\nthreshold sweep (tuning batch):\n");
        println!("| threshold | recall small | precision small | recall all | precision all | real-row pairs flagged |");
        println!("|---|---|---|---|---|---|");
        for t in SWEEP {
            let result = finder.finish_at(t);
            let eval = evaluate(&mix, &result);
            let (s, a) = (eval.overall(true), eval.overall(false));
            println!(
                "| {t:.2}{} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
                if t == dedup::THRESHOLD { " (kept)" } else { "" },
                s.recall(),
                s.precision(),
                a.recall(),
                a.precision(),
                eval.real_pairs.len()
            );
        }
    }
    Some(sigs)
}

fn main() {
    let dir = env::var_os("XUANTI_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let files = [
        ("batch-2018 (tuning)", dir.join("xwlb/batch-2018.csv"), true),
        (
            "batch-2019 (confirmation, no retuning)",
            dir.join("xwlb/batch-2019.csv"),
            false,
        ),
    ];
    for (_, path, _) in &files {
        if !path.is_file() {
            println!("dedup: {} not found; skipping", path.display());
            return;
        }
    }
    println!(
        "# Near-duplicates: {}-character shingles, {} one-byte minima, {} bands of {}, threshold {}, \
         short below {} shingles",
        dedup::SHINGLE_CHARS,
        dedup::MINIMA,
        dedup::BANDS,
        dedup::BAND_BYTES,
        dedup::THRESHOLD,
        dedup::MIN_SHINGLES
    );
    println!(
        "memory: {} bytes per row kept in the finder; finish adds at most 20 bytes per row while it runs",
        std::mem::size_of::<Signature>()
    );
    let mut last = Vec::new();
    for (name, path, sweep) in &files {
        match run_batch(name, path, *sweep) {
            Some(sigs) => last = sigs,
            None => return,
        }
    }

    // Scale: the last mix repeated to 1,000,000 rows, so every row has about 100 identical
    // twins — the worst case for band buckets.
    let mut finder = DuplicateFinder::new();
    for i in 0..SCALE_ROWS {
        finder.push(last[i % last.len()]);
    }
    let start = Instant::now();
    let result = finder.finish();
    let elapsed = start.elapsed();
    println!(
        "\nfinish on {SCALE_ROWS} rows (the batch-2019 mix repeated): {:.2} s, {:.2} µs per row, {} rows flagged",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / SCALE_ROWS as f64,
        result.iter().filter(|r| r.is_some()).count()
    );
}
