//! One criterion group per pipeline stage (read, normalize, segment, featurize, themes,
//! criteria, model scoring, rank + write, train), plus end-to-end screening (cold start and with
//! a model) and a "floor" that only runs jieba, so the overhead above the segmenter is visible. Throughput is in bytes:
//! the CSV bytes for `read`, the title + text bytes of the rows for every other stage.
//!
//! Rows: the first 1000 of `$XUANTI_DATA/xwlb/batch-2019.csv` (default `../shared/data` beside
//! the repository), or `data/sample/submissions.csv` when that is absent.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use xuanti::criteria::Criteria;
use xuanti::explain::Explanation;
use xuanti::featurize::{FeatureConfig, Vocabulary};
use xuanti::model::{SelectionModel, TrainOptions};
use xuanti::normalize::normalize;
use xuanti::rank::Ranking;
use xuanti::read::{Batch, ColumnOverrides, Submission};
use xuanti::score::Analyzer;
use xuanti::segment::{parallel_map, Segmenter};
use xuanti::themes::{ThemeMatcher, ThemeSet};

const ROWS: usize = 1000;

/// The bench input: CSV bytes and where they came from.
struct Input {
    path: PathBuf,
    csv: Vec<u8>,
    /// The label column, when the rows carry one (the real data does).
    label: Option<&'static str>,
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Header plus the first [`ROWS`] records, re-serialized.
fn first_rows(path: &Path) -> Vec<u8> {
    let mut reader = csv::Reader::from_path(path).expect("readable CSV");
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(reader.headers().expect("a header"))
        .unwrap();
    for record in reader.records().take(ROWS) {
        writer
            .write_record(&record.expect("a valid record"))
            .unwrap();
    }
    writer.into_inner().unwrap()
}

fn input() -> Input {
    let data = std::env::var_os("XUANTI_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/data"));
    let real = data.join("xwlb/batch-2019.csv");
    if real.exists() {
        return Input {
            csv: first_rows(&real),
            path: real,
            label: Some("selected"),
        };
    }
    let sample = manifest_dir().join("data/sample/submissions.csv");
    eprintln!(
        "note: {} not found; benchmarking on {} instead (set XUANTI_DATA)",
        real.display(),
        sample.display()
    );
    Input {
        csv: std::fs::read(&sample).expect("the sample batch"),
        path: sample,
        label: None,
    }
}

fn text_bytes(subs: &[Submission]) -> u64 {
    subs.iter()
        .map(|s| (s.title.len() + s.text.len()) as u64)
        .sum()
}

fn configure<'a>(
    c: &'a mut Criterion,
    name: &str,
    bytes: u64,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(bytes));
    g
}

/// Trains a model for the scoring bench: on the bench rows when they are labelled, else on the
/// sample past round that ships with the repository.
fn train_model(input: &Input, analyzer: &Analyzer) -> SelectionModel {
    let (batch, label) = match input.label {
        Some(label) => (
            Batch::from_bytes(&input.path, &input.csv, &ColumnOverrides::default()).unwrap(),
            label,
        ),
        None => (
            Batch::read(
                &manifest_dir().join("data/sample/past.csv"),
                &ColumnOverrides::default(),
            )
            .expect("the sample past round"),
            "入选",
        ),
    };
    let labels = batch.labels(label).expect("a label column");
    let analysis = analyzer.analyze(&batch.submissions());
    let set = analysis.training_set(&labels, None, None);
    let info = (
        "bench".to_string(),
        batch.path.display().to_string(),
        label.to_string(),
        None,
    );
    SelectionModel::train(
        &set,
        &TrainOptions::default(),
        analyzer.themes(),
        info,
        &batch.path,
    )
    .expect("the bench model trains")
}

fn stages(c: &mut Criterion) {
    let input = input();
    let overrides = ColumnOverrides::default();
    let batch = Batch::from_bytes(&input.path, &input.csv, &overrides).expect("bench input parses");
    let subs = batch.submissions();
    let bytes = text_bytes(&subs);
    eprintln!(
        "bench input: {} rows, {} CSV bytes, {} title+text bytes from {}",
        subs.len(),
        input.csv.len(),
        bytes,
        input.path.display()
    );

    let mut g = configure(c, "read", input.csv.len() as u64);
    g.bench_function("Batch::from_bytes", |b| {
        b.iter(|| Batch::from_bytes(&input.path, black_box(&input.csv), &overrides).unwrap())
    });
    g.finish();

    let mut g = configure(c, "normalize", bytes);
    g.bench_function("normalize", |b| {
        b.iter(|| {
            for s in &subs {
                black_box(normalize(black_box(&s.title)));
                black_box(normalize(black_box(&s.text)));
            }
        })
    });
    g.finish();

    // The floor: jieba alone over the same text, no dictionary additions, tagging or stop words,
    // spread over the cores the way the segmenter is.
    let jieba = jieba_rs::Jieba::new();
    let raw: Vec<String> = subs
        .iter()
        .map(|s| format!("{}\n{}", s.title, s.text))
        .collect();
    let mut g = configure(c, "floor", bytes);
    g.bench_function("jieba cut (hmm)", |b| {
        b.iter(|| parallel_map(black_box(&raw), |t| jieba.cut(t, true).len()))
    });
    g.finish();

    let segmenter = Segmenter::new();
    let mut g = configure(c, "segment", bytes);
    g.bench_function("Segmenter::documents", |b| {
        b.iter(|| segmenter.documents(black_box(&subs)))
    });
    g.finish();
    let docs = segmenter.documents(&subs);

    let config = FeatureConfig::default();
    let vocabulary = Vocabulary::fit(&docs, &config);
    let mut g = configure(c, "featurize", bytes);
    g.bench_function("Vocabulary::fit", |b| {
        b.iter(|| Vocabulary::fit(black_box(&docs), &config))
    });
    g.bench_function("Vocabulary::vectorize_all", |b| {
        b.iter(|| vocabulary.vectorize_all(black_box(&docs)))
    });
    g.finish();

    let themes = ThemeSet::built_in();
    let matcher = ThemeMatcher::new(&themes);
    let mut g = configure(c, "themes", bytes);
    g.bench_function("ThemeMatcher::score", |b| {
        b.iter(|| matcher.score(black_box(&docs)))
    });
    g.finish();
    let theme_scores = matcher.score(&docs);

    let criteria = Criteria::new();
    let pairs: Vec<_> = docs.iter().zip(&theme_scores).collect();
    let mut g = configure(c, "criteria", bytes);
    g.bench_function("Criteria::assess", |b| {
        b.iter(|| parallel_map(black_box(&pairs), |(d, t)| criteria.assess(d, t)))
    });
    g.finish();

    let analyzer = Analyzer::new(Segmenter::new(), &themes);
    let model = train_model(&input, &analyzer);
    let analysis = analyzer.analyze(&subs);
    let mut g = configure(c, "model", bytes);
    g.bench_function("SelectionModel::score", |b| {
        b.iter(|| {
            model.score(
                black_box(&analysis.docs),
                &analysis.criteria,
                &analysis.themes,
            )
        })
    });
    g.finish();

    let screening = analyzer.screen(&subs, Some(&model));
    let keyword_names = themes.names();
    let mut g = configure(c, "rank_write", bytes);
    g.bench_function("Ranking + Explanation + CSV", |b| {
        b.iter(|| {
            let ranking = Ranking::new(black_box(&screening), None);
            let mut w = csv::Writer::from_writer(Vec::new());
            for (rank, &i) in ranking.order.iter().enumerate() {
                let a = &screening.assessments[i];
                let reasons = Explanation::new(a, &screening.theme_names, &keyword_names).text;
                w.write_record([
                    (rank + 1).to_string(),
                    subs[i].id.clone(),
                    format!("{:.4}", a.score),
                    reasons,
                ])
                .unwrap();
            }
            w.into_inner().unwrap()
        })
    });
    g.finish();

    let mut g = configure(c, "train", bytes);
    g.bench_function("SelectionModel::train (C grid, NB, combiner)", |b| {
        b.iter(|| train_model(black_box(&input), &analyzer))
    });
    g.finish();

    let mut g = configure(c, "end_to_end", bytes);
    g.bench_function("Analyzer::screen (cold start)", |b| {
        b.iter(|| analyzer.screen(black_box(&subs), None))
    });
    g.bench_function("Analyzer::screen (model)", |b| {
        b.iter(|| analyzer.screen(black_box(&subs), Some(&model)))
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
