//! `xuanti eval`.

use super::fixtures::PAST;
use super::util::{assert_contains, assert_same, Env};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn cross_validation_json_has_a_mean_ap() {
    let env = Env::new();
    env.write("past.csv", PAST);
    let out = json(&env.ok(&[
        "eval", "past.csv", "--label", "入选", "--folds", "2", "--json",
    ]));
    assert_same("mode", Some("cross-validation"), out["mode"].as_str());
    assert_same("folds", Some(2), out["batches"].as_array().map(Vec::len));
    let ap = out["mean"]["ap"]
        .as_f64()
        .unwrap_or_else(|| panic!("no mean.ap in {out:#}"));
    assert!((0.0..=1.0).contains(&ap), "mean AP {ap}");
    assert_same("rows scored", Some(24), out["mean"]["n"].as_u64());
    assert_same("picks", Some(12), out["mean"]["positives"].as_u64());
}

#[test]
fn cold_start_eval_on_a_test_batch_works() {
    let env = Env::new();
    env.write("past.csv", PAST);
    let out = json(&env.ok(&["eval", "--test", "past.csv", "--label", "入选", "--json"]));
    assert_same("mode", Some("cold-start"), out["mode"].as_str());
    let ap = out["mean"]["ap"]
        .as_f64()
        .unwrap_or_else(|| panic!("no mean.ap in {out:#}"));
    // The notices are easy to tell from the stories even without a model.
    assert!(ap > 0.5, "cold-start AP {ap} on the fixture: {out:#}");
    let table = env.ok(&["eval", "--test", "past.csv", "--label", "入选"]);
    assert!(
        table.starts_with("mode: cold-start"),
        "table output:\n{table}"
    );
}

#[test]
fn eval_with_nothing_to_evaluate_is_an_error() {
    let env = Env::new();
    env.fails_usage(&["eval", "--label", "入选"]);
}

#[test]
fn impossible_eval_command_lines_are_usage_errors_before_anything_is_read() {
    // These exited 1, as bad data does; and `eval --test b.csv` with neither --label nor
    // --themes-col measured nothing, printed `mode: cold-start` and exited 0.
    let env = Env::new();
    env.write("past.csv", PAST);
    env.write("m.json", "{}");
    for args in [
        &["eval", "past.csv"][..],
        &["eval", "past.csv", "--model", "m.json", "--label", "入选"],
        &[
            "eval", "past.csv", "--model", "m.json", "--test", "past.csv", "--label", "入选",
        ],
        &["eval", "--model", "m.json", "--label", "入选"],
        &["eval", "--test", "past.csv"],
        &["eval", "--model", "m.json", "--test", "past.csv"],
    ] {
        let err = env.fails_usage(args);
        assert!(!err.contains("past.csv："), "read the file first: {err}");
    }
}

#[test]
fn cross_validation_on_a_file_without_enough_picks_does_not_suggest_fewer_folds() {
    // It said "use fewer --folds or a larger file" for a file with no pick at all.
    let env = Env::new();
    env.write("none.csv", PAST.replace(",是,", ",否,"));
    let err = env.fails(&["eval", "none.csv", "--label", "入选", "--folds", "2"]);
    assert_contains("stderr", &err, "none.csv：“入选”列有 0 行入选、24 行未入选");
    assert!(!err.contains("第 1 折"), "{err}");
}

#[test]
fn a_themes_column_naming_no_theme_is_warned_about_not_a_silent_empty_report() {
    let env = Env::new();
    env.write("past.csv", PAST);
    let out = env.run(&["eval", "--test", "past.csv", "--themes-col", "主题"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_contains("stderr", &err, "“主题”列里没有一个主题标签是主题的名称");
}

#[test]
fn model_eval_and_train_test_eval_score_a_later_batch() {
    let env = super::model::trained(&["--themes-col", "主题"]);
    let by_model = json(&env.ok(&[
        "eval",
        "--model",
        "model.json",
        "--test",
        "past.csv",
        "--label",
        "入选",
        "--themes-col",
        "主题",
        "--json",
    ]));
    assert_same("mode", Some("model-test"), by_model["mode"].as_str());
    let themes = by_model["theme_mean_ap"].as_array().map(Vec::len);
    assert_same("themes with an AP", Some(3), themes);
    let trained_here = json(&env.ok(&[
        "eval", "past.csv", "--test", "past.csv", "--label", "入选", "--json",
    ]));
    assert_same("mode", Some("train-test"), trained_here["mode"].as_str());
    assert!(
        trained_here["mean"]["ap"].as_f64().is_some(),
        "{trained_here:#}"
    );
}

#[test]
fn the_mean_of_batches_without_a_pick_is_not_a_number_not_zero() {
    let env = Env::new();
    env.write("none.csv", PAST.replace(",是,", ",否,"));
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["eval", "--test", "none.csv", "--label", "入选", "--json"]))
            .unwrap();
    assert!(json["mean"]["n"].as_u64().is_some_and(|n| n > 0), "{json}");
    // JSON has no NaN: serde writes null, never a misleading -0.0.
    assert_same("mean AP", &serde_json::Value::Null, &json["mean"]["ap"]);
    assert_same(
        "mean WSS@95",
        &serde_json::Value::Null,
        &json["mean"]["wss95"],
    );
}

#[test]
fn a_wrong_test_path_stops_eval_before_it_trains() {
    let env = Env::new();
    env.write("past.csv", PAST);
    let err = env.fails(&[
        "eval",
        "past.csv",
        "--label",
        "入选",
        "--test",
        "missing.csv",
    ]);
    assert_contains("stderr", &err, "missing.csv");
    assert!(!err.contains("训练完成"), "it trained first:\n{err}");
}

#[test]
fn eval_trains_on_several_rounds_like_train_and_cross_validation_takes_one_file() {
    let env = Env::new();
    let mut lines = PAST.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let part = |keep: &dyn Fn(usize) -> bool| -> String {
        std::iter::once(header)
            .chain(
                rows.iter()
                    .enumerate()
                    .filter(|(i, _)| keep(*i))
                    .map(|(_, l)| *l),
            )
            .map(|l| format!("{l}\n"))
            .collect()
    };
    env.write("past.csv", PAST);
    env.write("r1.csv", part(&|i| i % 2 == 0));
    env.write("r2.csv", part(&|i| i % 2 == 1));
    env.write(
        "both.csv",
        part(&|i| i % 2 == 0) + &part(&|i| i % 2 == 1)[header.len() + 1..],
    );
    let one = json(&env.ok(&[
        "eval", "both.csv", "--label", "入选", "--test", "past.csv", "--json",
    ]));
    let two = json(&env.ok(&[
        "eval", "r1.csv", "r2.csv", "--label", "入选", "--test", "past.csv", "--json",
    ]));
    assert_same("metrics", &one["batches"], &two["batches"]);
    let err = env.fails_usage(&["eval", "r1.csv", "r2.csv", "--label", "入选"]);
    assert_contains("stderr", &err, "--test");
}

#[test]
fn eval_takes_unmarked_rows_as_train_does() {
    let env = Env::new();
    // The round marked only its picks: the other rows' cells are empty.
    let marked_picks_only: String = PAST.replace(",否,", ",,");
    env.write("round.csv", &marked_picks_only);
    env.write("past.csv", PAST);
    let err = env.fails(&["eval", "round.csv", "--label", "入选", "--test", "past.csv"]);
    assert_contains("stderr", &err, "round.csv");
    let taken = json(&env.ok(&[
        "eval",
        "round.csv",
        "--label",
        "入选",
        "--test",
        "past.csv",
        "--unmarked",
        "reject",
        "--json",
    ]));
    let marked = json(&env.ok(&[
        "eval", "past.csv", "--label", "入选", "--test", "past.csv", "--json",
    ]));
    assert_same("metrics", &marked["batches"], &taken["batches"]);
}

#[test]
fn test_batches_with_the_same_file_name_are_told_apart() {
    let env = Env::new();
    env.write("past.csv", PAST);
    env.write("a/x.csv", PAST);
    env.write("b/x.csv", PAST);
    let report = json(&env.ok(&[
        "eval", "past.csv", "--label", "入选", "--test", "a/x.csv", "--test", "b/x.csv", "--test",
        "past.csv", "--json",
    ]));
    let names: Vec<&str> = report["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["batch"].as_str().unwrap())
        .collect();
    assert_same("names", vec!["a/x.csv", "b/x.csv", "past"], names);
}

/// `eval R1 R2 --test R2` trained on the batch it tested (AP 1.000, meaning nothing) without
/// a word.
#[test]
fn a_test_batch_that_is_also_trained_on_is_warned_about() {
    let env = Env::new();
    env.write("past.csv", PAST);
    let err = env.ok_stderr(&[
        "eval",
        "past.csv",
        "--label",
        "入选",
        "--test",
        "./past.csv",
    ]);
    assert_contains("stderr", &err, "past.csv 既用来训练又用来测试");
}

#[test]
fn unmarked_rows_of_a_test_batch_are_not_said_to_be_left_out_of_training() {
    // The --test batch marked only its picks; the training file is fully marked. The note
    // must speak of the test batch, not of training (the Chinese note said 未参加训练).
    let env = Env::new();
    env.write("past.csv", PAST);
    env.write("round.csv", PAST.replace(",否,", ",,"));
    for (how, zh, en) in [
        ("skip", "未计入测试批次", "left out of the test batches"),
        (
            "reject",
            "在测试批次中按不入选计",
            "taken as not picked in the test batches",
        ),
    ] {
        let args = [
            "eval",
            "past.csv",
            "--label",
            "入选",
            "--test",
            "round.csv",
            "--unmarked",
            how,
        ];
        let err = env.ok_stderr(&args);
        assert_contains("stderr", &err, zh);
        assert!(
            !err.contains("未参加训练") && !err.contains("按不入选训练"),
            "{how}: {err}"
        );
        let mut english = vec!["--lang", "en"];
        english.extend(args);
        assert_contains("stderr", &env.ok_stderr(&english), en);
    }
}

#[test]
fn a_test_batch_without_the_label_column_stops_eval_before_it_trains() {
    let env = Env::new();
    env.write("past.csv", PAST);
    // The new batch has no 入选 column yet.
    let batch: String = PAST
        .lines()
        .map(|l| l.rsplitn(3, ',').nth(2).unwrap().to_string() + "\n")
        .collect();
    env.write("batch.csv", batch);
    let err = env.fails_usage(&["eval", "past.csv", "--label", "入选", "--test", "batch.csv"]);
    assert_contains("stderr", &err, "batch.csv");
    assert_contains("stderr", &err, "入选");
    assert!(
        !err.contains("训练完成"),
        "trained before the error:\n{err}"
    );
}

#[test]
fn the_training_note_of_eval_is_written_for_people_not_as_program_data() {
    let env = Env::new();
    env.write("past.csv", PAST);
    let err = env.ok_stderr(&["eval", "past.csv", "--label", "入选", "--test", "past.csv"]);
    let line = err
        .lines()
        .find(|l| l.contains("训练完成"))
        .unwrap_or_else(|| panic!("no training note in\n{err}"));
    for debug in ["[(", "(\"", "\")"] {
        assert!(!line.contains(debug), "{debug:?} in {line}");
    }
    assert_contains("note", line, "组合权重：文本模型 ");
    assert_contains("note", line, "0.1 → ");
    let env = Env::english();
    env.write("past.csv", PAST);
    let err = env.ok_stderr(&["eval", "past.csv", "--label", "入选", "--test", "past.csv"]);
    assert_contains("stderr", &err, "combiner weights: text model ");
}

#[test]
fn eval_json_with_compare_is_a_usage_error_not_a_silently_dropped_table() {
    // `--json --compare ANCHORS.json` printed our figures alone: the peers' table is printed
    // only beside the tables, and the flag was dropped without a word.
    let env = Env::new();
    env.write("past.csv", PAST);
    env.write("anchors.json", ANCHORS);
    let args = [
        "eval",
        "--test",
        "past.csv",
        "--label",
        "入选",
        "--compare",
        "anchors.json",
    ];
    let table = env.ok(&args);
    assert_contains("stdout", &table, "anchors from anchors.json");
    let err = env.fails_usage(&[&args[..], &["--json"]].concat());
    assert_contains(
        "stderr",
        &err,
        "--compare 的对照表只印在表格报告旁边，--json 不带它",
    );
    let err = Env::english().fails_usage(&[&args[..], &["--json"]].concat());
    assert_contains(
        "stderr",
        &err,
        "--compare prints the peers' table beside the tables",
    );
    // And the help says so, in both languages.
    assert_contains("help", &env.ok(&["eval", "--help"]), "不和 --json 一起用");
    assert_contains(
        "help",
        &Env::english().ok(&["eval", "--help"]),
        "not with --json",
    );
}

/// A harness result of `shared/bench/anchors`, cut down to what `--compare` reads.
const ANCHORS: &str = r#"{"args": {"label_col": "selected", "positive": "1"},
"anchors": {"word_svm": {"summary": {"ap": {"mean": 0.3}}, "per_test": [{"ap": 0.3}]}}}"#;

/// [`PAST`] with its first three picks only (P01–P03 入选, the other 21 rows not).
fn three_picks() -> String {
    PAST.lines()
        .map(|line| {
            let keep = ["P01,", "P02,", "P03,"].iter().any(|p| line.starts_with(p));
            let line = if keep {
                line.to_string()
            } else {
                line.replace(",是,", ",否,")
            };
            format!("{line}\n")
        })
        .collect()
}

#[test]
fn a_fold_too_small_to_train_suggests_more_folds_not_fewer() {
    // A fold trains on (k−1)/k of the file, so more --folds give it more rows; the message
    // said "use fewer --folds", which only made it worse. And a file with too few picks for
    // training's internal validation (--cv-folds 5) was told no flag helps, though
    // --cv-folds 2 did.
    let env = Env::new();
    env.write("three.csv", three_picks());
    env.write("past.csv", PAST);
    let err = env.fails(&["eval", "three.csv", "--label", "入选"]);
    assert_contains("stderr", &err, "“入选”列有 3 行入选、21 行未入选；训练需要入选和未入选各至少 5 行（训练内部验证分 5 折，--cv-folds 2 可以降到各 2 行）");
    let err = env.fails(&[
        "eval",
        "three.csv",
        "--label",
        "入选",
        "--cv-folds",
        "2",
        "--folds",
        "2",
    ]);
    assert_contains(
        "stderr",
        &err,
        "可以用 --folds 增加折数（每折用来训练的行更多）",
    );
    env.ok(&[
        "eval",
        "three.csv",
        "--label",
        "入选",
        "--cv-folds",
        "2",
        "--folds",
        "3",
    ]);
    // Training on the file (train, eval with --test) said the same without the way out.
    let train = ["--label", "入选", "-o", "m.json"];
    let err = env.fails(&[&["train", "three.csv"][..], &train].concat());
    assert_contains(
        "stderr",
        &err,
        "各至少 5 行（内部验证分 5 折，--cv-folds 2 可以降到各 2 行）",
    );
    env.ok(&[&["train", "three.csv"][..], &train, &["--cv-folds", "2"]].concat());
    let err = env.fails(&["eval", "three.csv", "--label", "入选", "--test", "past.csv"]);
    assert_contains("stderr", &err, "--cv-folds 2 可以降到各 2 行");
    let en = Env::english();
    en.write("three.csv", three_picks());
    let err = en.fails(&["train", "three.csv", "--label", "入选"]);
    assert_contains(
        "stderr",
        &err,
        "(the internal validation has 5 folds; --cv-folds 2 lowers it to 2 of each)",
    );
    let err = en.fails(&["eval", "three.csv", "--label", "入选"]);
    assert_contains(
        "stderr",
        &err,
        "(training's internal validation has 5 folds; --cv-folds 2 lowers it to 2 of each)",
    );
}

#[test]
fn a_missing_compare_file_is_named_with_the_reason_in_the_language_of_the_messages() {
    // The Chinese message was "无法读取 nosuch.json / 原因：No such file or directory": the
    // system's English alone, where every other missing file gets 找不到这个文件.
    let env = Env::new();
    env.write("past.csv", PAST);
    let args = [
        "eval",
        "--test",
        "past.csv",
        "--label",
        "入选",
        "--compare",
        "nosuch.json",
    ];
    let err = env.fails(&args);
    assert_contains("stderr", &err, "nosuch.json：找不到这个文件（");
    let en = Env::english();
    en.write("past.csv", PAST);
    let err = en.fails(&args);
    assert_contains("stderr", &err, "nosuch.json: No such file or directory");
}

#[test]
fn folds_left_empty_by_more_folds_than_picks_do_not_pull_the_mean_down() {
    // `--folds 20` on PAST (12 picks, 12 rejects) leaves folds 13–20 without a row. Their
    // mean score, pick rate and Brier score were the empty sums' −0.0000 and P@10 0.00, and
    // the mean over the folds counted them: rate 0.3000 for a file whose rate is 0.5.
    let env = Env::new();
    env.write("past.csv", PAST);
    let v = json(&env.ok(&[
        "eval", "past.csv", "--label", "入选", "--folds", "20", "--json",
    ]));
    let empty = &v["batches"][19]["screening"];
    assert_same("rows of fold 20", 0, empty["n"].as_u64().unwrap());
    for key in ["p10", "mean_score", "rate", "brier"] {
        assert!(empty[key].is_null(), "fold 20's {key}: {}", empty[key]);
    }
    assert_same("mean pick rate", 0.5, v["mean"]["rate"].as_f64().unwrap());
    assert_same("mean P@10", 0.1, v["mean"]["p10"].as_f64().unwrap());
}
