//! One smoke test on real data, when `$XUANTI_DATA/xwlb` (default `../shared/data`) is present.

use super::util::{assert_same, data_dir, Env, Ranked};

#[test]
fn ranks_the_first_300_rows_of_a_real_batch() {
    let source = data_dir().join("xwlb/batch-2018.csv");
    if !source.exists() {
        eprintln!(
            "note: {} not found; skipping the real-data test",
            source.display()
        );
        return;
    }
    let mut reader = csv::Reader::from_path(&source).expect("readable batch");
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(reader.headers().unwrap()).unwrap();
    for record in reader.records().take(300) {
        writer.write_record(&record.unwrap()).unwrap();
    }
    let env = Env::new();
    env.write("batch.csv", writer.into_inner().unwrap());
    let ranked = Ranked::parse(&env.ok(&["rank", "batch.csv", "--top", "300"]));
    assert_same("rows", 300, ranked.rows.len());
    let scores = ranked.scores();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "scores not sorted");
    assert!(
        scores.iter().all(|s| (0.0..=1.0).contains(s)),
        "score outside [0, 1]"
    );
}
