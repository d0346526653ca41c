//! Finding the id, title and text columns by their usual names, and GBK input.

use super::fixtures::SUBMISSIONS;
use super::util::{assert_contains, assert_same, Env, Ranked};

/// [`SUBMISSIONS`] with its header replaced.
fn with_header(header: &str) -> String {
    let body = SUBMISSIONS.split_once('\n').unwrap().1;
    format!("{header}\n{body}")
}

fn rank(env: &Env, file: &str, extra: &[&str]) -> Ranked {
    let mut args = vec!["rank", file];
    args.extend_from_slice(extra);
    Ranked::parse(&env.ok(&args))
}

#[test]
fn english_chinese_and_spaced_mixed_case_headers_rank_alike() {
    let env = Env::new();
    env.write("zh.csv", SUBMISSIONS);
    env.write("en.csv", with_header("id,title,unit,content"));
    env.write("zh2.csv", with_header("编号,选题名称,单位,素材内容"));
    env.write("mixed.csv", with_header(" ID , Title ,Unit, Text "));
    let base = rank(&env, "zh.csv", &[]).score_by_id();
    for file in ["en.csv", "zh2.csv", "mixed.csv"] {
        assert_same(file, &base, &rank(&env, file, &[]).score_by_id());
    }
}

#[test]
fn rows_without_an_id_column_get_their_row_number() {
    let env = Env::new();
    let no_id: String = SUBMISSIONS
        .lines()
        .map(|l| l.split_once(',').unwrap().1)
        .collect::<Vec<_>>()
        .join("\n");
    env.write("in.csv", no_id);
    let ranked = rank(&env, "in.csv", &[]);
    let mut ids: Vec<u32> = ranked.ids().iter().map(|i| i.parse().unwrap()).collect();
    ids.sort();
    let n = SUBMISSIONS.lines().count() as u32;
    assert_same(
        "ids are the file's row numbers (header is row 1)",
        (2..=n).collect::<Vec<_>>(),
        ids,
    );
    // Without an id column every input column is passed through.
    assert!(ranked
        .header
        .ends_with(&["标题".into(), "报送单位".into(), "内容".into()]));
}

#[test]
fn text_col_override_reads_an_unusual_column_name() {
    let env = Env::new();
    env.write("std.csv", SUBMISSIONS);
    env.write("odd.csv", with_header("编号,标题,报送单位,稿件"));
    let base = rank(&env, "std.csv", &[]).score_by_id();
    let odd = rank(&env, "odd.csv", &["--text-col", "稿件"]).score_by_id();
    assert_same("scores with --text-col 稿件", base, odd);
}

#[test]
fn text_col_override_naming_a_missing_column_lists_the_columns() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let err = env.fails_usage(&["rank", "in.csv", "--text-col", "正文内容"]);
    assert_contains("stderr", &err, "in.csv");
    assert_contains("stderr", &err, "正文内容");
    assert_contains("stderr", &err, "编号,标题,报送单位,内容");
}

#[test]
fn file_without_title_or_text_column_lists_columns_and_accepted_names() {
    let env = Env::new();
    env.write("bad.csv", "序号,备注,日期\n1,无,2024-01-01\n");
    let err = env.fails(&["rank", "bad.csv"]);
    assert_contains("stderr", &err, "bad.csv");
    assert_contains("stderr", &err, "序号,备注,日期");
    assert_contains("stderr", &err, "认得的列名");
    assert_contains("stderr", &err, "选题名称");
    assert_contains("stderr", &err, "素材内容");
}

#[test]
fn gbk_input_ranks_the_same_as_utf8() {
    let env = Env::new();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(SUBMISSIONS);
    assert!(!unmappable, "the fixture must be representable in GBK");
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the GBK bytes must not be valid UTF-8"
    );
    env.write("utf8.csv", SUBMISSIONS);
    env.write("gbk.csv", &gbk);
    let utf8 = env.ok(&["rank", "utf8.csv"]);
    let from_gbk = env.ok(&["rank", "gbk.csv"]);
    // Output is UTF-8 either way, and identical.
    assert_same("ranking of the GBK file", utf8, from_gbk);
}

#[test]
fn utf8_bom_header_is_recognised() {
    let env = Env::new();
    env.write("plain.csv", SUBMISSIONS);
    env.write("bom.csv", format!("\u{feff}{SUBMISSIONS}"));
    assert_same(
        "BOM file",
        rank(&env, "plain.csv", &[]).score_by_id(),
        rank(&env, "bom.csv", &[]).score_by_id(),
    );
}

#[test]
fn ragged_row_names_the_file_and_row() {
    let env = Env::new();
    env.write("bad.csv", "编号,标题,内容\n1,甲,乙\n2,丙\n");
    let err = env.fails(&["rank", "bad.csv"]);
    assert_contains("stderr", &err, "bad.csv：第 3 行");
}
