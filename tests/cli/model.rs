//! `xuanti train`, then `xuanti rank --model`.

use super::fixtures::{PAST, PAST_THEME_LABELS, SUBMISSIONS};
use super::util::{assert_contains, assert_same, Env, Ranked};
use xuanti::themes::ThemeSet;

/// A temp dir with `in.csv` and `past.csv`, and a model trained on the latter at `model.json`.
pub fn trained(extra: &[&str]) -> Env {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    env.write("past.csv", PAST);
    let mut args = vec!["train", "past.csv", "--label", "入选", "-o", "model.json"];
    args.extend_from_slice(extra);
    env.ok(&args);
    env
}

#[test]
fn train_writes_the_model_and_rank_gives_probabilities() {
    let env = trained(&[]);
    assert!(env.exists("model.json"), "model.json not written");
    let model: serde_json::Value = serde_json::from_str(&env.read("model.json")).unwrap();
    assert_same("format", "xuanti-model", model["format"].as_str().unwrap());
    assert_same("version", 2, model["version"].as_u64().unwrap());
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv", "--model", "model.json"]));
    assert_same("rows", SUBMISSIONS.lines().count() - 1, ranked.rows.len());
    let scores = ranked.scores();
    for s in &scores {
        assert!(
            (0.0..=1.0).contains(s),
            "probability {s} outside [0, 1]: {scores:?}"
        );
    }
    for w in scores.windows(2) {
        assert!(w[0] >= w[1], "scores not non-increasing: {scores:?}");
    }
    // The built-in keyword themes travel with the model.
    let names: Vec<String> = ThemeSet::built_in()
        .names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_same("theme columns", names, ranked.theme_columns());
}

#[test]
fn trained_model_ranks_a_strong_story_above_a_notice() {
    let env = trained(&[]);
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv", "--model", "model.json"]));
    let ids = ranked.ids();
    let (s, n) = (ranked.rank_of("S02"), ranked.rank_of("N04"));
    assert!(s < n, "S02 ranked {s}, N04 ranked {n}: {ids:?}");
}

#[test]
fn train_without_output_flag_writes_the_default_model_path() {
    let env = Env::new();
    env.write("past.csv", PAST);
    env.ok(&["train", "past.csv", "--label", "入选"]);
    assert!(
        env.exists("models/xuanti-model.json"),
        "default model path not written"
    );
}

#[test]
fn themes_col_adds_one_learned_theme_column_per_label() {
    let env = trained(&["--themes-col", "主题"]);
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv", "--model", "model.json"]));
    let mut expected: Vec<String> = ThemeSet::built_in()
        .names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    expected.extend(PAST_THEME_LABELS.iter().map(|s| s.to_string()));
    assert_same("theme columns", expected, ranked.theme_columns());
    for label in PAST_THEME_LABELS {
        for v in ranked.column(&format!("theme:{label}")) {
            let p: f64 = v.parse().unwrap();
            assert!((0.0..=1.0).contains(&p), "theme:{label} = {p}");
        }
    }
}

/// A theme whose name holds a separator of a themes cell (`、`, a comma) can never be a label:
/// a cell 产业、就业 is the labels 产业 and 就业. Loading such a themes file says so, naming
/// the theme, in either language; the file is still used.
#[test]
fn a_theme_no_themes_cell_can_name_is_warned_about() {
    let themes = "[[theme]]\nname = \"产业、就业\"\nkeywords = [\"种植\"]\n\n\
                  [[theme]]\nname = \"红色\"\nkeywords = [\"红军\"]\n";
    let env = Env::new();
    env.write("themes.toml", themes);
    env.write("past.csv", PAST);
    let err = env.ok_stderr(&[
        "train",
        "past.csv",
        "--label",
        "入选",
        "--themes-col",
        "主题",
        "--themes",
        "themes.toml",
        "-o",
        "model.json",
    ]);
    assert_contains(
        "stderr",
        &err,
        "xuanti: 警告：主题“产业、就业”的名称里有“、”：主题列（--themes-col）里的标签",
    );
    assert!(!err.contains("主题“红色”的名称"), "{err}");
    let env = Env::english();
    env.write("themes.toml", themes);
    env.write("in.csv", SUBMISSIONS);
    let err = env.ok_stderr(&["rank", "in.csv", "--themes", "themes.toml", "-o", "out.csv"]);
    assert_contains(
        "stderr",
        &err,
        "xuanti: warning: theme '产业、就业' has '、' in its name: labels in a themes column (--themes-col)",
    );
}

#[test]
fn same_seed_gives_a_byte_identical_model() {
    let env = Env::new();
    env.write("past.csv", PAST);
    for out in ["a.json", "b.json"] {
        env.ok(&[
            "train",
            "past.csv",
            "--label",
            "入选",
            "--themes-col",
            "主题",
            "-o",
            out,
        ]);
    }
    let (a, b) = (env.read_bytes("a.json"), env.read_bytes("b.json"));
    if a != b {
        panic!(
            "two trainings differ\n--- a.json ---\n{}\n--- b.json ---\n{}",
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        );
    }
}

#[test]
fn ranking_with_a_model_twice_gives_identical_output() {
    let env = trained(&["--themes-col", "主题"]);
    let first = env.ok(&["rank", "in.csv", "--model", "model.json"]);
    let second = env.ok(&["rank", "in.csv", "--model", "model.json"]);
    assert_same("second run", first, second);
}

#[test]
fn themes_flag_replaces_the_models_themes() {
    let env = trained(&[]);
    env.write("themes.toml", super::fixtures::MINIMAL_THEMES);
    let ranked = Ranked::parse(&env.ok(&[
        "rank",
        "in.csv",
        "--model",
        "model.json",
        "--themes",
        "themes.toml",
    ]));
    assert_same(
        "theme columns",
        vec!["产业".to_string(), "红色".into()],
        ranked.theme_columns(),
    );
}

#[test]
fn too_few_picked_rows_to_train_is_an_error_not_a_panic() {
    let env = Env::new();
    let few: String = PAST
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || *i > 10 || !l.contains(",是,"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    env.write("few.csv", few);
    let err = env.fails(&["train", "few.csv", "--label", "入选", "-o", "m.json"]);
    assert_contains("stderr", &err, "few.csv");
    assert_contains("stderr", &err, "入选");
    assert!(!env.exists("m.json"), "a model was written");
}

#[test]
fn learned_theme_with_a_built_in_name_replaces_its_keyword_column() {
    let ranked = ranked_with_a_learned_built_in_theme();
    let columns = ranked.theme_columns();
    assert_same(
        "身边榜样 columns",
        1,
        columns.iter().filter(|c| *c == "身边榜样").count(),
    );
    assert_same("theme columns", 8 + 2, columns.len());
}

#[test]
fn recency_without_a_date_column_lists_the_columns() {
    let env = Env::new();
    env.write("past.csv", PAST);
    let err = env.fails(&[
        "train",
        "past.csv",
        "--label",
        "入选",
        "--recency",
        "2",
        "-o",
        "m.json",
    ]);
    assert_contains("stderr", &err, "past.csv");
    assert_contains("stderr", &err, "编号,标题,报送单位,内容,入选,主题");
    assert!(!env.exists("m.json"));
}

#[test]
fn recency_with_a_year_column_trains() {
    let env = Env::new();
    let with_year: String = PAST
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},年份\n"),
            _ => format!("{l},{}\n", 2020 + i % 4),
        })
        .collect();
    env.write("past.csv", with_year);
    env.ok(&[
        "train",
        "past.csv",
        "--label",
        "入选",
        "--recency",
        "2",
        "-o",
        "m.json",
    ]);
    assert!(env.exists("m.json"));
}

#[test]
fn pick_rate_sets_the_batch_mean_and_keeps_the_order() {
    let env = trained(&[]);
    let rank = |rate: &str| {
        Ranked::parse(&env.ok(&[
            "rank",
            "in.csv",
            "--model",
            "model.json",
            "--pick-rate",
            rate,
        ]))
    };
    let (matched, raw) = (rank("0.25"), rank("off"));
    let scores = matched.scores();
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    assert!(
        (mean - 0.25).abs() < 0.002,
        "mean score {mean}, expected 0.25"
    );
    assert_same("order", raw.ids(), matched.ids());
}

#[test]
fn pick_rate_outside_zero_one_is_refused() {
    let env = trained(&[]);
    let out = env.run(&[
        "rank",
        "in.csv",
        "--model",
        "model.json",
        "--pick-rate",
        "1.5",
    ]);
    assert!(!out.status.success());
    assert_contains("stderr", &String::from_utf8_lossy(&out.stderr), "1.5");
}

#[test]
fn learned_theme_keeps_its_keyword_columns_place() {
    let ranked = ranked_with_a_learned_built_in_theme();
    let built_in: Vec<String> = ThemeSet::built_in()
        .names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let columns = ranked.theme_columns();
    assert_same(
        "keyword theme columns, in file order",
        built_in,
        columns[..8].to_vec(),
    );
}

/// Trains on the past round with one theme label renamed to the built-in 身边榜样, and ranks.
fn ranked_with_a_learned_built_in_theme() -> Ranked {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    env.write("past.csv", PAST.replace(",榜样人物", ",身边榜样"));
    env.ok(&[
        "train",
        "past.csv",
        "--label",
        "入选",
        "--themes-col",
        "主题",
        "-o",
        "m.json",
    ]);
    Ranked::parse(&env.ok(&["rank", "in.csv", "--model", "m.json"]))
}

#[test]
fn one_thread_and_many_give_byte_identical_rankings() {
    let env = trained(&["--themes-col", "主题"]);
    let one = env.ok(&["-j", "1", "rank", "in.csv", "--model", "model.json"]);
    let many = env.ok(&["--threads", "3", "rank", "in.csv", "--model", "model.json"]);
    assert_same("ranking with 1 and 3 threads", one, many);
}

#[test]
fn a_batch_scored_in_chunks_gets_the_same_model_scores() {
    let env = trained(&[]);
    let args = [
        "rank",
        "in.csv",
        "--model",
        "model.json",
        "--pick-rate",
        "0.2",
    ];
    let whole = Ranked::parse(&env.ok(&args));
    let out = env.run_with_env(&args, &[("XUANTI_CHUNK_ROWS", "3")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let chunked = Ranked::parse(&String::from_utf8(out.stdout).unwrap());
    assert_same("rows", whole.rows.len(), chunked.rows.len());
    assert_same("scores by id", whole.score_by_id(), chunked.score_by_id());
    let scores = chunked.scores();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

// `train` reads its input while the dictionary builds: an error on either side still stops
// it, and when both are bad the input's error comes first, as when they ran in turn.
#[test]
fn train_reports_a_bad_dictionary_while_reading_a_good_file() {
    let env = Env::new();
    env.write("past.csv", PAST);
    env.write("dict.txt", "驻村 5x\n");
    let err = env.fails(&[
        "train", "past.csv", "--label", "入选", "-o", "m.json", "--dict", "dict.txt",
    ]);
    assert_contains("stderr", &err, "dict.txt：第 1 行");
    assert!(!env.exists("m.json"), "no model is written");
}

#[test]
fn train_with_a_bad_file_and_a_bad_dictionary_names_the_file_first() {
    let env = Env::new();
    env.write("past.csv", "标题,内容,入选\n只有两格,x\n");
    env.write("dict.txt", "驻村 5x\n");
    let err = env.fails(&[
        "train", "past.csv", "--label", "入选", "-o", "m.json", "--dict", "dict.txt",
    ]);
    assert_contains("stderr", &err, "past.csv：第 2 行");
    assert!(
        !err.contains("dict.txt"),
        "the reading error comes first:\n{err}"
    );
}

#[test]
fn train_with_a_bad_file_and_a_bad_themes_file_names_the_file_first() {
    let env = Env::new();
    env.write("past.csv", "标题,内容,入选\n只有两格,x\n");
    env.write("themes.toml", "这不是 toml = = \n");
    let err = env.fails(&[
        "train",
        "past.csv",
        "--label",
        "入选",
        "-o",
        "m.json",
        "--themes",
        "themes.toml",
    ]);
    assert_contains("stderr", &err, "past.csv：第 2 行");
    assert!(
        !err.contains("themes.toml"),
        "the reading error comes first:\n{err}"
    );
}

#[test]
fn a_rounds_decision_words_train_like_yes_and_no() {
    // Last round's file, marked 入选 / 不入选 (and ticks) with `rank --decisions`, is next
    // round's training data as it stands.
    let env = trained(&[]);
    let marked: String = PAST
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let mut cells: Vec<String> = line.split(',').map(String::from).collect();
            if i > 0 {
                // The 入选 column, the fifth: 是 / 否 written as a round's decisions are.
                cells[4] = match (cells[4].as_str(), i % 2) {
                    ("是", 0) => "入选",
                    ("是", _) => "√",
                    ("否", 0) => "不入选",
                    ("否", _) => "×",
                    (other, _) => panic!("unexpected label {other}"),
                }
                .to_string();
            }
            cells.join(",") + "\n"
        })
        .collect();
    assert!(
        marked.contains("不入选") && marked.contains('√'),
        "{marked}"
    );
    env.write("marked.csv", marked);
    env.ok(&[
        "train",
        "marked.csv",
        "--label",
        "入选",
        "-o",
        "marked.json",
    ]);
    assert_same(
        "ranking with the model trained on decision words",
        env.ok(&["rank", "in.csv", "--model", "model.json"]),
        env.ok(&["rank", "in.csv", "--model", "marked.json"]),
    );
}

#[test]
fn unmarked_rows_are_an_error_unless_taken_as_rejects_or_skipped() {
    // A finished round often marks only its picks: 否 left empty, or 待定.
    let env = trained(&[]);
    let mut k = 0;
    let marked: String = PAST
        .lines()
        .map(|line| {
            let mut cells: Vec<String> = line.split(',').map(String::from).collect();
            if cells[4] == "否" {
                k += 1;
                cells[4] = if k % 2 == 0 { "待定" } else { "" }.to_string();
            }
            cells.join(",") + "\n"
        })
        .collect();
    env.write("marked.csv", &marked);
    let args = ["train", "marked.csv", "--label", "入选", "-o", "m.json"];
    let err = env.fails(&args);
    assert_contains("stderr", &err, "第 ");
    assert_contains("stderr", &err, "“入选”列");
    assert!(!env.exists("m.json"), "a model was written");
    // Taken as not picked, the file trains the model the 是/否 file trains.
    let stderr = env.ok_stderr(&[&args[..], &["--unmarked", "reject"]].concat());
    assert_contains("stderr", &stderr, &format!("{k} 行按不入选训练"));
    assert_same(
        "ranking",
        env.ok(&["rank", "in.csv", "--model", "model.json"]),
        env.ok(&["rank", "in.csv", "--model", "m.json"]),
    );
    // Skipped, only the picks would be left: nothing to learn from, an error.
    let out = env.run(&[&args[..], &["--unmarked", "skip"]].concat());
    assert!(!out.status.success(), "trained on picks alone");
    // With half the rejects marked, skipping trains on the marked rows and says how many left.
    let mut k = 0;
    let half: String = PAST
        .lines()
        .map(|line| {
            let mut cells: Vec<String> = line.split(',').map(String::from).collect();
            if cells[4] == "否" {
                k += 1;
                if k > 6 {
                    cells[4] = "待定".to_string();
                }
            }
            cells.join(",") + "\n"
        })
        .collect();
    env.write("half.csv", half);
    let stderr = env.ok_stderr(&[
        "train",
        "half.csv",
        "--label",
        "入选",
        "-o",
        "h.json",
        "--unmarked",
        "skip",
    ]);
    assert_contains("stderr", &stderr, "6 行未参加训练");
    assert_contains("stderr", &stderr, "已用 18 行（12 行入选）训练");
}

#[test]
fn theme_labels_too_rare_to_learn_are_named() {
    let env = Env::new();
    // One row also carries a label no other row has (a typo of an existing one, say).
    env.write(
        "past.csv",
        PAST.replacen(",是,产业振兴", ",是,产业振兴;产业 振兴", 1),
    );
    let err = env.ok_stderr(&[
        "train",
        "past.csv",
        "--label",
        "入选",
        "--themes-col",
        "主题",
        "-o",
        "m.json",
    ]);
    assert_contains("note", &err, "产业 振兴");
    for learned in PAST_THEME_LABELS {
        assert!(!err.contains(&format!("没有学：{learned}")), "{err}");
    }
}

/// [`PAST`]'s header and the data rows `keep` selects, as a file of its own.
fn past_rows(keep: impl Fn(usize) -> bool) -> String {
    let mut lines = PAST.lines();
    let header = lines.next().unwrap();
    std::iter::once(header)
        .chain(lines.enumerate().filter(|(i, _)| keep(*i)).map(|(_, l)| l))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Round `r` of four: three picks and three other rows of [`PAST`].
fn round(r: usize) -> String {
    past_rows(|i| i / 3 == r || i / 3 == r + 4)
}

#[test]
fn several_rounds_train_the_same_model_as_one_file_holding_them_all() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    env.write("r1.csv", past_rows(|i| i % 2 == 0));
    env.write("r2.csv", past_rows(|i| i % 2 == 1));
    let both: String = past_rows(|i| i % 2 == 0)
        + &past_rows(|i| i % 2 == 1)
            .lines()
            .skip(1)
            .map(|l| format!("{l}\n"))
            .collect::<String>();
    env.write("both.csv", both);
    env.ok(&[
        "train", "r1.csv", "r2.csv", "--label", "入选", "-o", "m2.json",
    ]);
    env.ok(&["train", "both.csv", "--label", "入选", "-o", "m1.json"]);
    assert_same(
        "ranking with the model of two files and of one",
        env.ok(&["rank", "in.csv", "--model", "m1.json"]),
        env.ok(&["rank", "in.csv", "--model", "m2.json"]),
    );
    // The model names every file it learned from.
    assert_contains("model", &env.read("m2.json"), "r1.csv, r2.csv");
}

#[test]
fn rounds_without_dates_are_ordered_as_given_for_validation_and_recency() {
    let env = Env::new();
    for r in 0..4 {
        env.write(&format!("r{r}.csv"), round(r));
    }
    let files = ["r0.csv", "r1.csv", "r2.csv", "r3.csv"];
    let mut args = vec!["--lang", "en", "train"];
    args.extend(files);
    args.extend(["--label", "入选", "--recency", "1", "-o", "m.json"]);
    // One file without dates cannot be weighted by recency (see above); four rounds can, and
    // the newest two are held out for validation as the newest years would be.
    let err = env.ok_stderr(&args);
    assert_contains("stderr", &err, "temporal (newest years held out)");
    assert!(env.exists("m.json"));
}

#[test]
fn files_with_and_without_a_date_column_together_are_an_error_naming_both() {
    let env = Env::new();
    let dated: String = round(0)
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},日期\n"),
            _ => format!("{l},2021-05-01\n"),
        })
        .collect();
    env.write("dated.csv", dated);
    env.write("undated.csv", round(1));
    let err = env.fails(&[
        "train",
        "dated.csv",
        "undated.csv",
        "--label",
        "入选",
        "-o",
        "m.json",
    ]);
    assert_contains("stderr", &err, "dated.csv");
    assert_contains("stderr", &err, "undated.csv");
    assert!(!env.exists("m.json"));
}

/// [`PAST`] with a 年份 column: `year(i)` for the i-th data row (P01 is 1; P01–P12 are the
/// picks, P13–P24 the rejects).
fn past_with_years(year: impl Fn(usize) -> u32) -> String {
    PAST.lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},年份\n"),
            _ => format!("{l},{}\n", year(i)),
        })
        .collect()
}

#[test]
fn newest_years_holding_only_picks_do_not_give_a_model_that_scores_every_row_alike() {
    // A past-rounds file whose newest rounds list only their picks. Validating on those years
    // alone scored nothing but picks: AP 1.000, and a combiner fitted on one class that gave
    // every submission the same probability (0.9999), so the ranking was the file's order.
    // With --recency, the held-out rows kept by weight were the newest year's picks alone.
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let spread = |i: usize| 2019 + (i % 3) as u32;
    env.write(
        "two.csv",
        past_with_years(|i| match i {
            7..=9 => 2022,
            10..=12 => 2023,
            _ => spread(i),
        }),
    );
    env.write(
        "one.csv",
        past_with_years(|i| match i {
            10..=12 => 2023,
            _ => 2019 + (i % 4) as u32,
        }),
    );
    for (file, extra) in [("two.csv", &[][..]), ("one.csv", &["--recency", "0.2"][..])] {
        let args = [
            &["train", file, "--label", "入选", "-o", "m.json"][..],
            extra,
        ]
        .concat();
        env.ok(&args);
        let model: serde_json::Value = serde_json::from_str(&env.read("m.json")).unwrap();
        let coef = &model["stacker"]["coef"];
        assert!(
            coef.as_array()
                .unwrap()
                .iter()
                .any(|c| c.as_f64() != Some(0.0)),
            "{file}: the combiner learned nothing: {coef}"
        );
        let ranked =
            Ranked::parse(&env.ok(&["rank", "in.csv", "--model", "m.json", "--pick-rate", "off"]));
        let scores = ranked.score_by_id();
        assert!(
            scores["S02"] != scores["N04"],
            "{file}: a strong story and a notice scored alike: {scores:?}"
        );
    }
}

#[test]
fn a_theme_label_on_every_labelled_row_is_not_learned_and_said_so() {
    // Every row with a themes cell also carries 民生: it was learned from one class, with a
    // Platt scaling that gave every submission the relevance 0.9999.
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let everywhere: String = PAST
        .lines()
        .map(|l| match l.rsplit_once(',') {
            Some((head, theme)) if !theme.is_empty() && theme != "主题" => {
                format!("{head},{theme};民生\n")
            }
            _ => format!("{l}\n"),
        })
        .collect();
    env.write("past.csv", everywhere);
    let args = [
        "train",
        "past.csv",
        "--label",
        "入选",
        "--themes-col",
        "主题",
        "-o",
        "m.json",
    ];
    let err = env.ok_stderr(&args);
    assert_contains("note", &err, "主题标签 民生 出现在每个有主题的行");
    assert!(!err.contains("少于 3 行"), "called rare: {err}");
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv", "--model", "m.json"]));
    let learned = ranked.theme_columns();
    assert!(!learned.contains(&"民生".to_string()), "{learned:?}");
    for label in PAST_THEME_LABELS {
        assert!(learned.contains(&label.to_string()), "{label}: {learned:?}");
    }
}

#[test]
fn theme_labels_listed_with_enumeration_commas_are_split_like_semicolons() {
    // 产业振兴、基层治理 typed as a list: it was one label, too rare to learn, and the note
    // that named it joined labels with 、 too, so it read as two.
    let env = Env::new();
    let models: Vec<serde_json::Value> = ["；", "、", "，"]
        .iter()
        .map(|sep| {
            env.write(
                "past.csv",
                PAST.replace(",是,产业振兴", &format!(",是,\"产业振兴{sep}榜样人物\"")),
            );
            let err = env.ok_stderr(&[
                "train",
                "past.csv",
                "--label",
                "入选",
                "--themes-col",
                "主题",
                "-o",
                "m.json",
            ]);
            assert!(!err.contains("没有学"), "{sep}: {err}");
            let model: serde_json::Value = serde_json::from_str(&env.read("m.json")).unwrap();
            model["theme_models"].clone()
        })
        .collect();
    let names: Vec<&str> = models[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    // First seen in P01's cell: 产业振兴, then 榜样人物.
    assert_same(
        "learned themes",
        vec!["产业振兴", "榜样人物", "基层治理"],
        names,
    );
    assert_same("with 、", &models[0], &models[1]);
    assert_same("with ，", &models[0], &models[2]);
}

#[test]
fn a_failed_training_leaves_no_folder_it_made_behind() {
    let env = Env::new();
    env.write("past.csv", PAST);
    env.fails_usage(&[
        "train",
        "past.csv",
        "--label",
        "没有这列",
        "-o",
        "new/deep/m.json",
    ]);
    assert!(!env.exists("new"), "the folders made for the model stayed");
    // A folder that was there stays, and so does a made one that holds something by then.
    env.write("kept/note.txt", "staff's file");
    env.fails_usage(&[
        "train",
        "past.csv",
        "--label",
        "没有这列",
        "-o",
        "kept/m.json",
    ]);
    assert!(env.exists("kept/note.txt"));
    env.ok(&[
        "train",
        "past.csv",
        "--label",
        "入选",
        "-o",
        "new/deep/m.json",
    ]);
    assert!(env.exists("new/deep/m.json"));
}

#[test]
fn a_round_without_the_themes_column_is_unlabelled_for_themes() {
    let env = Env::new();
    env.write("r1.csv", PAST);
    // The next round was not tagged with themes: no 主题 column at all.
    let untagged: String = PAST
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    env.write("r2.csv", untagged);
    let err = env.ok_stderr(&[
        "train",
        "r1.csv",
        "r2.csv",
        "--label",
        "入选",
        "--themes-col",
        "主题",
        "-o",
        "m.json",
    ]);
    assert_contains("note", &err, "r2.csv");
    let model: serde_json::Value = serde_json::from_str(&env.read("m.json")).unwrap();
    let mut names: Vec<String> = model["theme_models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    let mut expected: Vec<String> = PAST_THEME_LABELS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_same("themes learned from the tagged round", expected, names);
    // No file with the column at all is still an error naming it, or naming every file.
    env.fails_usage(&[
        "train",
        "r2.csv",
        "--label",
        "入选",
        "--themes-col",
        "主题",
        "-o",
        "n.json",
    ]);
    env.write("r3.csv", env.read("r2.csv"));
    let err = env.fails_usage(&[
        "train",
        "r2.csv",
        "r3.csv",
        "--label",
        "入选",
        "--themes-col",
        "主题",
        "-o",
        "n.json",
    ]);
    assert_contains("error", &err, "r2.csv, r3.csv");
}

#[test]
fn the_training_note_says_how_many_folds_validated() {
    let env = Env::new();
    env.write("past.csv", PAST);
    let err = env.ok_stderr(&["train", "past.csv", "--label", "入选", "-o", "m.json"]);
    assert_contains("stderr", &err, "分层 5 折验证");
    let err = env.ok_stderr(&[
        "train",
        "past.csv",
        "--label",
        "入选",
        "-o",
        "m.json",
        "--cv-folds",
        "3",
    ]);
    assert_contains("stderr", &err, "分层 3 折验证");
}
