//! Learning from today's decisions (issue 7): `rank --decisions`, `--decisions-file`, and
//! `simulate`.

use super::fixtures::{PAST, SUBMISSIONS};
use super::util::{amber_rows, assert_contains, assert_same, reorder_rows, shuffled, Env, Ranked};

/// The fixture batch with a 决定 column: `decide(id)` gives each row's cell.
fn with_decisions(decide: impl Fn(&str) -> &'static str) -> String {
    SUBMISSIONS
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let cell = if i == 0 {
                "决定"
            } else {
                decide(line.split(',').next().unwrap())
            };
            format!("{line},{cell}\n")
        })
        .collect()
}

fn mean_rank(ranked: &Ranked, prefix: &str) -> f64 {
    let ranks: Vec<f64> = ranked
        .ids()
        .iter()
        .zip(ranked.column("rank"))
        .filter(|(id, r)| id.starts_with(prefix) && !r.is_empty())
        .map(|(_, r)| r.parse().unwrap())
        .collect();
    ranks.iter().sum::<f64>() / ranks.len() as f64
}

#[test]
fn decided_rows_follow_the_undecided_ones_picks_first_and_unranked() {
    let env = Env::new();
    env.write(
        "in.csv",
        with_decisions(|id| match id {
            "S02" => "入选",
            "N01" => "不入选",
            "S05" => "入选",
            "N02" => "待定",
            _ => "",
        }),
    );
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv", "--decisions", "决定"]));
    let n = SUBMISSIONS.lines().count() - 1;
    assert_same("rows", n, ranked.rows.len());
    let tail: Vec<String> = ranked.ids()[n - 3..].to_vec();
    let mut picks = tail[..2].to_vec();
    picks.sort();
    assert_same(
        "picks first in the decided block",
        vec!["S02".to_string(), "S05".into()],
        picks,
    );
    assert_same("then the reject", "N01", tail[2].as_str());
    let ranks = ranked.column("rank");
    assert!(ranks[n - 3..].iter().all(String::is_empty), "{ranks:?}");
    // 待定 is not a decision: the row is ranked with the undecided ones.
    let expected: Vec<String> = (1..=n - 3).map(|r| r.to_string()).collect();
    assert_same(
        "ranks of the undecided rows",
        expected,
        ranks[..n - 3].to_vec(),
    );
    assert!(ranked.ids()[..n - 3].contains(&"N02".to_string()));
}

#[test]
fn decisions_move_the_rest_towards_what_was_picked() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let plain = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    assert!(
        mean_rank(&plain, "N") > mean_rank(&plain, "S"),
        "stories lead without decisions"
    );
    // Staff pick notices and turn stories down: the remaining notices must rise above the
    // remaining stories.
    env.write(
        "decided.csv",
        with_decisions(|id| match id {
            "N01" | "N02" | "N03" | "N05" => "入选",
            "S01" | "S02" | "S03" | "S06" => "不入选",
            _ => "",
        }),
    );
    let reranked = Ranked::parse(&env.ok(&["rank", "decided.csv", "--decisions", "决定"]));
    assert!(
        mean_rank(&reranked, "N") < mean_rank(&reranked, "S"),
        "notices {} stories {}",
        mean_rank(&reranked, "N"),
        mean_rank(&reranked, "S")
    );
}

#[test]
fn a_decisions_file_gives_the_same_order_as_a_decisions_column() {
    let env = Env::new();
    let decide = |id: &str| match id {
        "S01" | "N04" => "入选",
        "S07" | "N01" | "N06" => "不入选",
        _ => "",
    };
    env.write("in.csv", with_decisions(decide));
    env.write("plain.csv", SUBMISSIONS);
    env.write(
        "decisions.csv",
        "编号,决定\nS01,入选\nN04,入选\nS07,不入选\nN01,不入选\nN06,不入选\nS02,\n",
    );
    let by_column = Ranked::parse(&env.ok(&["rank", "in.csv", "--decisions", "决定"]));
    let by_file =
        Ranked::parse(&env.ok(&["rank", "plain.csv", "--decisions-file", "decisions.csv"]));
    assert_same("order", by_column.ids(), by_file.ids());
    assert_same("scores", by_column.column("score"), by_file.column("score"));
    assert_same(
        "decision column",
        by_column.column("决定"),
        by_file.column("decision"),
    );
}

#[test]
fn a_cell_that_is_not_a_decision_names_its_row_and_value() {
    let env = Env::new();
    env.write(
        "in.csv",
        with_decisions(|id| if id == "N03" { "也许" } else { "" }),
    );
    let err = env.fails(&["rank", "in.csv", "--decisions", "决定"]);
    assert_contains("error", &err, "in.csv");
    assert_contains("error", &err, "也许");
    assert_contains("error", &err, "第 7 行");
    env.write("bad.csv", "编号,决定\nS01,maybe so\n");
    env.write("plain.csv", SUBMISSIONS);
    let err = env.fails(&["rank", "plain.csv", "--decisions-file", "bad.csv"]);
    assert_contains("error", &err, "bad.csv");
    assert_contains("error", &err, "maybe so");
    env.fails_usage(&["rank", "plain.csv", "--decisions", "没有这列"]);
}

#[test]
fn the_order_of_the_rows_does_not_change_the_scores_after_decisions() {
    // Enough decisions for the calibration's folds (two picks and two rejects at least).
    let decide = |id: &str| match id {
        "S01" | "S03" | "S05" => "入选",
        "N01" | "N02" | "N03" | "N04" | "S07" => "不入选",
        _ => "",
    };
    let env = super::model::trained(&[]);
    let text = with_decisions(decide);
    env.write("a.csv", &text);
    env.write("b.csv", reorder_rows(&text, shuffled));
    let args = |f: &'static str| ["rank", f, "--model", "model.json", "--decisions", "决定"];
    let a = Ranked::parse(&env.ok(&args("a.csv")));
    let b = Ranked::parse(&env.ok(&args("b.csv")));
    assert_same("scores by id", a.score_by_id(), b.score_by_id());
    assert_same("order", a.ids(), b.ids());
}

#[test]
fn the_decision_column_a_decisions_file_wrote_survives_the_next_round() {
    let env = Env::new();
    env.write("plain.csv", SUBMISSIONS);
    env.write("decisions.csv", "编号,决定\nS01,入选\nN01,不入选\n");
    env.ok(&[
        "rank",
        "plain.csv",
        "--decisions-file",
        "decisions.csv",
        "-o",
        "round1.csv",
    ]);
    // The next round reads the decisions from that column, and keeps it.
    let round2 = Ranked::parse(&env.ok(&["rank", "round1.csv", "--decisions", "decision"]));
    let kept: Vec<(String, String)> = round2
        .ids()
        .into_iter()
        .zip(round2.column("decision"))
        .filter(|(_, d)| !d.is_empty())
        .collect();
    assert_same(
        "decisions kept",
        vec![
            ("S01".to_string(), "入选".to_string()),
            ("N01".into(), "不入选".into()),
        ],
        kept,
    );
}

#[test]
fn decisions_for_ids_not_in_the_batch_and_conflicting_decisions_are_reported() {
    let env = Env::new();
    env.write("plain.csv", SUBMISSIONS);
    // X99 is not in the batch, s01 differs from S01 in case, N01 is decided twice differently.
    env.write(
        "decisions.csv",
        "编号,决定\nS01,入选\nX99,入选\ns01,不入选\nN01,入选\nN01,不入选\n",
    );
    let err = env.ok_stderr(&["rank", "plain.csv", "--decisions-file", "decisions.csv"]);
    assert_contains("warning", &err, "X99");
    assert_contains("warning", &err, "s01");
    assert_contains("warning", &err, "N01");
    assert_contains("warning", &err, "第 5 行和第 6 行");
    // The later decision is the one used: N01 is among the rejects.
    assert_contains("note", &err, "1 份入选、1 份不入选");
}

#[test]
fn a_marked_ranking_round_trips_through_rank_again() {
    let env = Env::new();
    env.write("in.csv", with_decisions(|_| ""));
    let first = env.ok(&["rank", "in.csv", "-o", "ranked.csv"]);
    assert_same("stdout", "", first.as_str());
    // Staff mark the top row in the ranked file and rank that file again.
    let ranked = Ranked::parse(env.read("ranked.csv").trim_start_matches('\u{feff}'));
    let top = ranked.ids()[0].clone();
    let decision = ranked.col("决定");
    let mut marked = ranked.clone();
    marked.rows[0][decision] = "入选".into();
    marked.rows[ranked.rows.len() - 1][decision] = "不入选".into();
    let text: String = std::iter::once(&marked.header)
        .chain(&marked.rows)
        .map(|r| {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(r).unwrap();
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        })
        .collect();
    env.write("ranked.csv", text);
    let again = Ranked::parse(&env.ok(&["rank", "ranked.csv", "--decisions", "决定"]));
    assert_same("same columns", ranked.header.clone(), again.header.clone());
    assert!(
        !again.header.iter().any(|h| h.starts_with("input:")),
        "{:?}",
        again.header
    );
    let n = again.rows.len();
    assert_same(
        "the pick leads the decided block",
        top,
        again.ids()[n - 2].clone(),
    );
}

#[test]
fn simulate_reports_the_figures_and_is_deterministic_for_a_seed() {
    let env = Env::new();
    // The past round's 入选 column is the known decision.
    env.write("past.csv", PAST);
    let args = [
        "simulate", "past.csv", "--label", "入选", "--step", "3", "--seed", "7", "--json",
    ];
    let one = env.ok(&args);
    let two = env.ok(&args);
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        v.as_object_mut().unwrap().remove("seconds_per_round");
        v.as_object_mut().unwrap().remove("seconds_per_estimate");
        v
    };
    assert_same("same seed, same figures", strip(&one), strip(&two));
    let v = strip(&one);
    for key in ["wss@95", "n_at_95", "recall@10%", "rounds"] {
        assert!(v.get(key).is_some(), "no {key} in {v}");
    }
    let rows = PAST.lines().count() - 1;
    let n95 = v["n_at_95"].as_f64().unwrap();
    assert!(n95 >= 2.0 && n95 <= rows as f64, "{v}");
    let wss = v["wss@95"].as_f64().unwrap();
    assert!(
        (wss - ((rows as f64 - n95) / rows as f64 - 0.05)).abs() < 1e-9,
        "{v}"
    );
    assert!(v["rounds"].as_f64().unwrap() >= 1.0);
    // The recall curve ends with every pick found.
    env.ok(&[
        "simulate",
        "past.csv",
        "--label",
        "入选",
        "--step",
        "3",
        "--curve",
        "curve.csv",
    ]);
    let curve = Ranked::parse(env.read("curve.csv").trim_start_matches('\u{feff}'));
    let last = curve.rows.last().unwrap();
    assert_same(
        "true picks left at the end",
        "0",
        last[curve.col("true_left")].as_str(),
    );
    let found: Vec<usize> = curve
        .column("found")
        .iter()
        .map(|f| f.parse().unwrap())
        .collect();
    assert!(found.windows(2).all(|w| w[0] <= w[1]), "{found:?}");
}

#[test]
fn simulate_without_picks_or_without_priors_and_model_is_an_error() {
    let env = Env::new();
    env.write("past.csv", PAST);
    let none: String = PAST.replace(",是,", ",否,");
    env.write("none.csv", none);
    env.fails(&["simulate", "none.csv", "--label", "入选"]);
    // Priors that reveal every pick leave nothing to simulate.
    let picks = PAST.matches(",是,").count().to_string();
    let err = env.fails(&[
        "simulate", "past.csv", "--label", "入选", "--priors", &picks,
    ]);
    assert_contains("error", &err, "--priors");
    env.fails_usage(&["simulate", "past.csv", "--label", "入选", "--nb=-1"]);
}

#[test]
fn simulate_flags_that_cannot_work_are_usage_errors_before_the_batch_is_read() {
    // `--min-screened 2` and `--priors 0` without `--model` exited 1 like bad data, the
    // second only after reading the whole batch; the batch here does not even exist.
    let env = Env::new();
    for (flag, value) in [("--min-screened", "2"), ("--min-screened", "NaN")] {
        let err = env.fails_usage(&["simulate", "missing.csv", "--label", "入选", flag, value]);
        assert_contains("error", &err, "不是比例：请用 0 到 1 之间的数");
        assert!(!err.contains("missing.csv"), "{err}");
    }
    let err = env.fails_usage(&[
        "simulate",
        "missing.csv",
        "--label",
        "入选",
        "--priors",
        "0",
    ]);
    assert_contains("error", &err, "--priors 0 需要同时给 --model");
    assert!(!err.contains("missing.csv"), "{err}");
    let en = Env::english();
    let err = en.fails_usage(&[
        "simulate",
        "missing.csv",
        "--label",
        "入选",
        "--priors",
        "0",
    ]);
    assert_contains("error", &err, "--priors 0 needs --model");
    let err = en.fails_usage(&["simulate", "m.csv", "--label", "入选", "--min-screened=-1"]);
    assert_contains("error", &err, "is not a share: use a number from 0 to 1");
}

#[test]
fn simulate_verbose_lines_are_in_the_language_of_the_messages() {
    // `-v` printed "seed 42: WSS@95 …, n at 95% …, … rounds of … ms" in English whatever the
    // language.
    let args = [
        "-v", "simulate", "past.csv", "--label", "入选", "--step", "6", "--runs", "2",
    ];
    let zh = Env::new();
    zh.write("past.csv", PAST);
    let err = zh.ok_stderr(&args);
    assert_contains("stderr", &err, "种子 42：WSS@95");
    assert_contains("stderr", &err, "种子 43：WSS@95");
    assert!(
        !err.contains("seed 4") && !err.contains("rounds of"),
        "{err}"
    );
    let en = Env::english();
    en.write("past.csv", PAST);
    let err = en.ok_stderr(&args);
    assert_contains("stderr", &err, "seed 42: WSS@95");
    assert!(!err.contains("种子"), "{err}");
}

#[test]
fn simulate_runs_from_the_largest_seed_wrap_round_instead_of_panicking() {
    // --seed 18446744073709551615 --runs 2: the second run's seed S+1 overflowed (a panic in a
    // debug build, a silent wrap in a release one).
    let env = Env::new();
    env.write("past.csv", PAST);
    let max = u64::MAX.to_string();
    let out = env.ok(&[
        "simulate", "past.csv", "--label", "入选", "--step", "6", "--seed", &max, "--runs", "2",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_same(
        "seeds",
        serde_json::json!([u64::MAX, 0u64]),
        v["seeds"].clone(),
    );
    let zero = env.ok(&[
        "simulate", "past.csv", "--label", "入选", "--step", "6", "--seed", "0", "--json",
    ]);
    let zero: serde_json::Value = serde_json::from_str(&zero).unwrap();
    assert_same(
        "the second run is seed 0's",
        zero["wss@95_per_run"][0].clone(),
        v["wss@95_per_run"][1].clone(),
    );
}

#[test]
fn with_decisions_the_marked_top_is_the_top_of_the_undecided_rows() {
    // The band and the report's picks were computed from the last row's rank, which is a
    // decided row's empty one: the band covered the whole workbook, the report had no pick.
    let env = Env::new();
    env.write(
        "in.csv",
        with_decisions(|id| match id {
            "S02" => "入选",
            "N01" => "不入选",
            _ => "",
        }),
    );
    env.write("plain.csv", SUBMISSIONS);
    env.ok(&["rank", "plain.csv", "-o", "plain.xlsx"]);
    let n = SUBMISSIONS.lines().count() - 1;
    let top_ten: Vec<u32> = (2..12).collect();
    assert_same(
        "band without decisions",
        top_ten.clone(),
        amber_rows(&env.read_bytes("plain.xlsx")),
    );
    env.ok(&[
        "rank",
        "in.csv",
        "--decisions",
        "决定",
        "-o",
        "out.xlsx",
        "--report",
        "report.html",
    ]);
    // Fourteen rows are undecided: the band covers their first ten, no decided row.
    assert!(n - 2 >= 10);
    assert_same(
        "band with decisions",
        top_ten,
        amber_rows(&env.read_bytes("out.xlsx")),
    );
    assert_contains(
        "report",
        &env.read("report.html"),
        "<b>10</b><span>份列入推荐</span>",
    );
}

#[test]
fn the_report_of_a_shortlist_with_decisions_keeps_the_decided_rows_apart() {
    // With a shortlist, the report ranked the whole batch again without the decisions: a
    // rejected row came first in its table and counted among the picks.
    let env = Env::new();
    let decided = with_decisions(|id| match id {
        "S01" | "S02" => "入选",
        "S03" => "不入选",
        _ => "",
    });
    env.write("in.csv", decided);
    let whole = Ranked::parse(&env.ok(&["rank", "in.csv", "--decisions", "决定"]));
    let short = Ranked::parse(&env.ok(&[
        "rank",
        "in.csv",
        "--decisions",
        "决定",
        "--top",
        "2",
        "--report",
        "report.html",
    ]));
    let ranked: Vec<String> = short
        .column("rank")
        .into_iter()
        .filter(|r| !r.is_empty())
        .collect();
    assert_same("ranked rows written", 2, ranked.len());
    let html = env.read("report.html");
    // The report's table follows the ranking with decisions: the decided rows last.
    let mut at = 0;
    for id in whole.ids() {
        let found = html[at..].find(&format!(">{id}")).map(|p| p + at);
        at = found.unwrap_or_else(|| panic!("{id} missing or out of order in the report"));
    }
    // Its picks are the two rows ranked, not the decided ones (a reject among them).
    assert_contains("report", &html, "<b>2</b><span>份列入推荐</span>");
}

#[test]
fn without_a_model_the_picks_left_are_estimated_only_once_decisions_calibrate_them() {
    // Cold-start scores are no probabilities: their sum (about 5 in 16 here, 24.5 of the
    // sample's 60 rows) was given as the picks left before any decision could calibrate it.
    let env = Env::new();
    env.write(
        "in.csv",
        with_decisions(|id| match id {
            "S02" => "入选",
            "N01" => "不入选",
            _ => "",
        }),
    );
    let err = env.ok_stderr(&["rank", "in.csv", "--decisions", "决定"]);
    assert!(!err.contains("估计未决定"), "{err}");
    assert_contains("note", &err, "各 2 份");
    let out = env.run_with_env(
        &["rank", "in.csv", "--decisions", "决定"],
        &[("XUANTI_LANG", "en")],
    );
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("estimated among"), "{err}");
    assert_contains("note", &err, "two picks and two rejects");
    // Two of each calibrate the scores: the estimate is given.
    env.write(
        "in2.csv",
        with_decisions(|id| match id {
            "S02" | "S04" => "入选",
            "N01" | "N04" => "不入选",
            _ => "",
        }),
    );
    let err = env.ok_stderr(&["rank", "in2.csv", "--decisions", "决定"]);
    assert_contains("estimate", &err, "估计未决定的 12 份中还有约");
}

#[test]
fn decisions_typed_in_full_width_or_with_an_emoji_tick_or_inner_spaces_are_read() {
    // Ｙ, １ and ｙｅｓ (a Chinese input method's full-width letters and digits), ✔️ (the
    // tick with the emoji selector phones and WPS add), 不 入选 and 已入选 were "not a
    // decision", though they look like or say one that is.
    let env = Env::new();
    let odd = with_decisions(|id| match id {
        "S01" => "Ｙ",
        "S02" => "１",
        "S03" => "✔\u{FE0F}",
        "S04" => "已入选",
        "N01" => "不 入选",
        "N02" => "ｎｏ",
        "N03" => "０",
        "N04" => "否\u{3000}",
        _ => "",
    });
    let plain = with_decisions(|id| match id {
        "S01" | "S02" | "S03" | "S04" => "入选",
        "N01" | "N02" | "N03" | "N04" => "不入选",
        _ => "",
    });
    env.write("odd.csv", odd);
    env.write("plain.csv", plain);
    let odd = Ranked::parse(&env.ok(&["rank", "odd.csv", "--decisions", "决定"]));
    let plain = Ranked::parse(&env.ok(&["rank", "plain.csv", "--decisions", "决定"]));
    assert_same("order", plain.ids(), odd.ids());
    assert_same("scores", plain.column("score"), odd.column("score"));
    // Past rounds' labels are read the same way.
    let past: String = PAST
        .replacen(",是,", ",Ｙ,", 1)
        .replacen(",否,", ",不 入选,", 1);
    assert_ne!(past, PAST);
    env.write("past.csv", past);
    env.ok(&["train", "past.csv", "--label", "入选", "-o", "m.json"]);
}

#[test]
fn a_ranking_marked_in_excel_serves_as_the_decisions_file_with_its_guarded_ids() {
    // The ranking writes an id `-5` as `'-5` (so Excel runs no formula); read back as a
    // decisions file, that id was `'-5`, found nowhere in the batch: the decision was lost.
    let env = Env::new();
    let batch = SUBMISSIONS
        .replacen("S02,", "-5,", 1)
        .replacen("N01,", "=1,", 1);
    env.write("in.csv", &batch);
    env.ok(&["rank", "in.csv", "-o", "ranked.csv"]);
    let ranked = Ranked::parse(env.read("ranked.csv").trim_start_matches('\u{feff}'));
    assert!(
        ranked.ids().contains(&"'-5".to_string()),
        "{:?}",
        ranked.ids()
    );
    // Staff add a 决定 column to the ranking and give it as the decisions file.
    let mut header = ranked.header.clone();
    header.push("决定".into());
    let rows = ranked.rows.iter().map(|r| {
        let decision = match r[1].as_str() {
            "'-5" => "入选",
            "'=1" => "不入选",
            _ => "",
        };
        let mut r = r.clone();
        r.push(decision.into());
        r
    });
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in std::iter::once(header).chain(rows) {
        w.write_record(&r).unwrap();
    }
    let marked = String::from_utf8(w.into_inner().unwrap()).unwrap();
    env.write("marked.csv", marked);
    let err = env.ok_stderr(&["rank", "in.csv", "--decisions-file", "marked.csv"]);
    assert!(!err.contains("找不到"), "{err}");
    assert_contains("note", &err, "1 份入选、1 份不入选");
}

#[test]
fn a_copy_of_a_decided_story_follows_it_instead_of_coming_back_first() {
    // S05 was picked in the last round; a township sends it again (D05, a near-duplicate).
    let env = Env::new();
    let batch: String = with_decisions(|id| if id == "S05" { "入选" } else { "" })
        + &super::office::S05_COPY.replace('\n', ",\n");
    env.write("in.csv", &batch);
    let err = env.ok_stderr(&["rank", "in.csv", "--decisions", "决定", "-o", "out.csv"]);
    // Neither the pick nor its copy is open: the rest are.
    let open = SUBMISSIONS.lines().count() - 1 + 1 - 2;
    assert_contains("note", &err, &format!("重新排序其余 {open} 份"));
    let ranked = Ranked::parse(&env.read("out.csv"));
    let ids = ranked.ids();
    let at = |id: &str| ids.iter().position(|i| i == id).unwrap();
    assert_same(
        "the copy right after its decided original",
        at("S05") + 1,
        at("D05"),
    );
    assert_same("unranked", "", ranked.column("rank")[at("D05")].as_str());
    assert_same(
        "named as a copy",
        "S05",
        ranked.column("duplicate_of")[at("D05")].as_str(),
    );
}

#[test]
fn a_decision_column_ranked_without_decisions_is_warned_about() {
    let env = Env::new();
    env.write(
        "marked.csv",
        with_decisions(|id| match id {
            "S01" | "S02" => "入选",
            "N01" => "不入选",
            "N02" => "待定",
            _ => "",
        }),
    );
    // Forgotten --decisions: the marks are not used, and a warning says how to use them.
    let err = env.ok_stderr(&["rank", "marked.csv", "-o", "out.csv"]);
    assert_contains("stderr", &err, "“决定”列");
    assert_contains("stderr", &err, "2 份入选、1 份不入选");
    assert_contains("stderr", &err, "--decisions 决定");
    // Given, no such warning.
    let err = env.ok_stderr(&["rank", "marked.csv", "--decisions", "决定", "-o", "out.csv"]);
    assert!(!err.contains("没有用上"), "warned with --decisions:\n{err}");
    // A column of that name holding notes, or nothing decided, is no decisions column.
    env.write(
        "notes.csv",
        with_decisions(|id| if id == "S01" { "再看看" } else { "入选" }),
    );
    env.write("pending.csv", with_decisions(|_| "待定"));
    for f in ["notes.csv", "pending.csv"] {
        let err = env.ok_stderr(&["rank", f, "-o", "out.csv"]);
        assert!(!err.contains("--decisions"), "{f} warned:\n{err}");
    }
    let env = Env::english();
    env.write(
        "marked.csv",
        with_decisions(|id| if id == "S01" { "是" } else { "" }),
    );
    let err = env.ok_stderr(&["rank", "marked.csv", "-o", "out.csv"]);
    assert_contains(
        "stderr",
        &err,
        "column '决定' holds 1 pick(s) and 0 reject(s)",
    );
    assert_contains("stderr", &err, "--decisions 决定");
}

#[test]
fn an_empty_row_stays_last_whatever_the_decisions_teach() {
    // Staff picked two brief notices and passed over two strong stories: the in-batch model
    // learns that little text is picked, and put the row with no text at all first, at 0.99.
    let mut batch = with_decisions(|id| match id {
        "N02" | "N05" => "入选",
        "S01" | "S02" => "不入选",
        _ => "",
    });
    batch.push_str("E01,,新店镇,，。,\n");
    let env = Env::new();
    env.write("in.csv", batch);
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv", "--decisions", "决定"]));
    let scores = ranked.score_by_id();
    assert_same("the empty row's score", "0.0000", scores["E01"].as_str());
    let ranks: Vec<usize> = ranked
        .column("rank")
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.parse().unwrap())
        .collect();
    assert_same(
        "the empty row's rank",
        ranks.iter().copied().max(),
        Some(ranked.rank_of("E01")),
    );
}

#[test]
fn several_runs_from_the_model_without_priors_are_said_to_be_the_same_run() {
    // The seed only draws the priors: with none, `--runs 3` ran one simulation three times
    // and reported "3 run(s) from seed 42" as if they differed.
    let env = super::model::trained(&[]);
    let base = [
        "simulate",
        "past.csv",
        "--label",
        "入选",
        "--model",
        "model.json",
    ];
    let stderr = env.ok_stderr(&[&base[..], &["--runs", "3"]].concat());
    assert_contains("warning", &stderr, "--runs 3 的每一次模拟都一样");
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&[&base[..], &["--runs", "3", "--json"]].concat())).unwrap();
    let per_run = json["wss@95_per_run"].as_array().unwrap();
    assert!(per_run.windows(2).all(|w| w[0] == w[1]), "{json}");
    // One run, or runs with priors, say nothing of it.
    assert!(!env.ok_stderr(&base).contains("都一样"));
    let with_priors = [&base[..], &["--runs", "3", "--priors", "1"]].concat();
    assert!(!env.ok_stderr(&with_priors).contains("都一样"));
}
