//! `xuanti rank` on the built-in themes (cold start).

use super::fixtures::{NOTICE_ID, STRONG_ID, SUBMISSIONS};
use super::util::{assert_contains, assert_same, Env, Ranked};
use xuanti::themes::ThemeSet;

fn rank_fixture(args: &[&str]) -> (Env, Ranked) {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let mut all = vec!["rank", "in.csv"];
    all.extend_from_slice(args);
    let out = env.ok(&all);
    (env, Ranked::parse(&out))
}

#[test]
fn header_is_rank_id_score_theme_duplicate_of_then_themes_criteria_reasons_and_input_columns() {
    let (_, ranked) = rank_fixture(&[]);
    let themes = ThemeSet::built_in();
    let names = themes.names();
    assert_same("number of built-in themes", 8, names.len());
    let mut expected: Vec<String> = ["rank", "id", "score", "theme", "duplicate_of"]
        .map(String::from)
        .to_vec();
    expected.extend(names.iter().map(|n| format!("theme:{n}")));
    expected.extend(
        ["真实性", "吸引力", "教育性", "主题鲜明"]
            .iter()
            .map(|c| format!("criterion:{c}")),
    );
    expected.push("reasons".into());
    // The input's own columns follow, except the id column.
    expected.extend(["标题", "报送单位", "内容"].map(String::from));
    assert_same("header", expected, ranked.header.clone());
    for row in &ranked.rows {
        assert_same("cells per row", ranked.header.len(), row.len());
    }
}

#[test]
fn ranks_are_one_to_n_and_scores_non_increasing_in_unit_interval() {
    let (_, ranked) = rank_fixture(&[]);
    let n = SUBMISSIONS.lines().count() - 1;
    assert_same("row count", n, ranked.rows.len());
    let ranks: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    assert_same("ranks", ranks, ranked.column("rank"));
    let scores = ranked.scores();
    for s in &scores {
        assert!(
            (0.0..=1.0).contains(s),
            "score {s} outside [0, 1]: {scores:?}"
        );
    }
    for w in scores.windows(2) {
        assert!(w[0] >= w[1], "scores not non-increasing: {scores:?}");
    }
    let mut ids = ranked.ids();
    ids.sort();
    let mut expected: Vec<String> = SUBMISSIONS
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    expected.sort();
    assert_same("every id ranked once", expected, ids);
}

#[test]
fn strong_story_outranks_off_topic_notice() {
    let (_, ranked) = rank_fixture(&[]);
    let (strong, notice) = (ranked.rank_of(STRONG_ID), ranked.rank_of(NOTICE_ID));
    assert!(
        strong < notice,
        "{STRONG_ID} ranked {strong}, {NOTICE_ID} ranked {notice}: {:?}",
        ranked.ids()
    );
    // Every story (S..) ranks above every notice (N..).
    let ids = ranked.ids();
    let last_story = ids.iter().rposition(|i| i.starts_with('S')).unwrap();
    let first_notice = ids.iter().position(|i| i.starts_with('N')).unwrap();
    assert!(
        last_story < first_notice,
        "stories and notices interleave: {ids:?}"
    );
}

#[test]
fn reasons_name_the_best_theme_of_a_strong_story() {
    let (_, ranked) = rank_fixture(&[]);
    let row = ranked.rank_of(STRONG_ID) - 1;
    let theme = &ranked.rows[row][ranked.col("theme")];
    assert!(!theme.is_empty(), "no theme for {STRONG_ID}");
    let reasons = &ranked.rows[row][ranked.col("reasons")];
    assert_contains("reasons", reasons, &format!("主题「{theme}」"));
}

#[test]
fn reasons_list_people_not_words_jieba_tags_as_names() {
    // jieba's dictionary tags 文明, 友谊 and 卫星 as person names (nr); the 真实性 evidence
    // must name the one person here and none of them.
    let env = Env::new();
    env.write(
        "in.csv",
        "编号,标题,内容\nA1,文明新风进万家,弘扬文明新风，邻里友谊更深了。村支书张建国说：“卫星电视也装上了。”\n",
    );
    assert_same(
        "people in the 真实性 evidence",
        "张建国",
        &people_of_first_row(&env),
    );
}

/// The people the 真实性 evidence names for the first row of `rank in.csv`.
fn people_of_first_row(env: &Env) -> String {
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    let reasons = &ranked.rows[0][ranked.col("reasons")];
    reasons
        .split_once("人物")
        .and_then(|(_, rest)| rest.split(['，', '）']).next())
        .unwrap_or_else(|| panic!("no 人物 in reasons: {reasons}"))
        .to_string()
}

#[test]
fn reasons_name_the_protagonist_first_even_when_jieba_cuts_the_name_in_two() {
    // jieba cuts 杨秀英 into 杨/nr 秀英/nr; she is named three times, 王阿妹 once and first.
    let env = Env::new();
    env.write(
        "in.csv",
        "编号,标题,内容\nA1,苗乡花海,苗族大姐王阿妹说：“日子像花一样。”村党支部书记杨秀英带领党员外出学习，杨秀英挨家挨户算账，村民都信杨秀英。\n",
    );
    assert_same(
        "people in the 真实性 evidence",
        "杨秀英、王阿妹",
        &people_of_first_row(&env),
    );
}

#[test]
fn top_n_keeps_the_first_n_rows() {
    let (_, all) = rank_fixture(&[]);
    let (_, top) = rank_fixture(&["--top", "3"]);
    assert_same("rows with --top 3", 3, top.rows.len());
    assert_same("top 3 are the first 3", all.rows[..3].to_vec(), top.rows);
}

#[test]
fn output_flag_writes_the_file_and_nothing_to_stdout() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let stdout = env.ok(&["rank", "in.csv", "-o", "out.csv"]);
    assert_same("stdout", "", stdout.as_str());
    let to_stdout = env.ok(&["rank", "in.csv"]);
    // A file gets the UTF-8 BOM Excel needs; stdout (read by programs) does not.
    assert_same(
        "file equals BOM + stdout output",
        format!("\u{feff}{to_stdout}"),
        env.read("out.csv"),
    );
    env.ok(&["rank", "in.csv", "-o", "plain.csv", "--no-bom"]);
    assert_same(
        "--no-bom file equals stdout",
        to_stdout,
        env.read("plain.csv"),
    );
}

#[test]
fn output_into_a_missing_directory_fails_cleanly() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let err = env.fails(&["rank", "in.csv", "-o", "no/such/dir/out.csv"]);
    assert_contains("stderr", &err, "out.csv");
}

#[test]
fn input_columns_named_like_output_columns_get_an_input_prefix() {
    let env = Env::new();
    env.write(
        "in.csv",
        "id,title,score,reasons,rank\n1,驻村书记带领村民种茶,x,y,z\n",
    );
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    let tail: Vec<String> = ranked.header[ranked.header.len() - 4..].to_vec();
    assert_same(
        "passed-through columns",
        ["title", "input:score", "input:reasons", "input:rank"]
            .map(String::from)
            .to_vec(),
        tail,
    );
    assert_same(
        "score cell",
        "x",
        ranked.rows[0][ranked.col("input:score")].as_str(),
    );
}

/// An input column named `criterion:…` or `theme:…` (staff's own 审核 mark, a theme column of
/// another tool) was written under its own name among xuanti's: the report drew it as a
/// criterion bar or a theme, and the next round took it for xuanti's own and dropped it.
#[test]
fn input_columns_named_like_theme_or_criterion_columns_get_an_input_prefix_and_survive() {
    let env = Env::new();
    env.write(
        "in.csv",
        "id,title,text,criterion:审核,theme:旧主题\n1,乡村振兴,村党支部书记王建国带领群众推进乡村振兴,0.9,甲\n2,红色,红军长征的故事,通过,乙\n",
    );
    let out = env.ok(&["rank", "in.csv", "-o", "r1.csv", "--report", "r.html"]);
    assert!(out.is_empty());
    let first = Ranked::parse(env.read("r1.csv").trim_start_matches('\u{feff}'));
    let tail: Vec<String> = first.header[first.header.len() - 2..].to_vec();
    assert_same(
        "passed-through columns",
        ["input:criterion:审核", "input:theme:旧主题"]
            .map(String::from)
            .to_vec(),
        tail,
    );
    let report = env.read("r.html");
    assert!(
        !report.contains("审核"),
        "the report drew the input's column"
    );
    assert!(
        !report.contains("旧主题"),
        "the report took the input's column for a theme"
    );
    env.ok(&["rank", "r1.csv", "-o", "r2.csv"]);
    let second = Ranked::parse(env.read("r2.csv").trim_start_matches('\u{feff}'));
    let mut marks = second.column("input:criterion:审核");
    marks.sort();
    assert_same(
        "staff's column in the next round",
        vec!["0.9".to_string(), "通过".to_string()],
        marks,
    );
}

#[test]
fn header_only_file_gives_a_header_only_ranking() {
    let env = Env::new();
    env.write("in.csv", "编号,标题,内容\n");
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    assert_same("rows", 0, ranked.rows.len());
    assert_same(
        "first columns",
        vec!["rank", "id", "score", "theme"],
        ranked.header[..4].iter().map(String::as_str).collect(),
    );
}

#[test]
fn tab_separated_input_ranks_like_comma_separated() {
    let env = Env::new();
    env.write("comma.csv", SUBMISSIONS);
    env.write("tabs.tsv", SUBMISSIONS.replace(',', "\t"));
    let a = Ranked::parse(&env.ok(&["rank", "comma.csv"]));
    let b = Ranked::parse(&env.ok(&["rank", "tabs.tsv"]));
    assert_same("id → score", a.score_by_id(), b.score_by_id());
}

#[test]
fn closing_the_pipe_early_is_not_an_error() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let env = Env::new();
    // Enough rows that the output does not fit in a pipe buffer.
    let mut big = String::from(SUBMISSIONS.lines().next().unwrap());
    big.push('\n');
    for copy in 0..30 {
        for line in SUBMISSIONS.lines().skip(1) {
            big.push_str(&format!("{copy}-{line}\n"));
        }
    }
    env.write("big.csv", big);
    let mut child = Command::new(env!("CARGO_BIN_EXE_xuanti"))
        .args(["rank", "big.csv"])
        .current_dir(env.path(""))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("rank,id,score,theme"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "exit {} after `| head -1`; stderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_dictionary_line_names_the_file_and_line() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    env.write("dict.txt", "# 注释\n泥腿子 5 n\n驻村 5x\n");
    let err = env.fails(&["rank", "in.csv", "--dict", "dict.txt"]);
    assert_contains("stderr", &err, "dict.txt：第 3 行");
    assert_contains("stderr", &err, "驻村 5x");
}

#[test]
fn valid_dictionary_is_accepted() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    env.write("dict.txt", "泥腿子 5 n\n流动党支部\n");
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv", "--dict", "dict.txt"]));
    assert_same("rows", SUBMISSIONS.lines().count() - 1, ranked.rows.len());
}

#[test]
fn output_dash_is_standard_output() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let dash = env.ok(&["rank", "in.csv", "-o", "-"]);
    assert!(!env.exists("-"), "a file named - was written");
    assert_same("stdout", env.ok(&["rank", "in.csv"]), dash);
}

/// [`SUBMISSIONS`]' data rows `rows` as another township would write them: columns in another
/// order, 题目 for 标题, no unit column.
fn other_township(rows: std::ops::Range<usize>) -> String {
    std::iter::once("内容,编号,题目".to_string())
        .chain(
            SUBMISSIONS.lines().skip(1).collect::<Vec<_>>()[rows]
                .iter()
                .map(|l| {
                    let c: Vec<&str> = l.splitn(4, ',').collect();
                    format!("{},{},{}", c[3], c[0], c[1])
                }),
        )
        .map(|l| format!("{l}\n"))
        .collect()
}

/// [`SUBMISSIONS`] cut in two: the first `n` data rows as they are, the rest as
/// [`other_township`] writes them.
fn two_townships(n: usize) -> (String, String) {
    let first: String = SUBMISSIONS
        .lines()
        .take(n + 1)
        .map(|l| format!("{l}\n"))
        .collect();
    let rows = SUBMISSIONS.lines().count() - 1;
    (first, other_township(n..rows))
}

#[test]
fn several_files_rank_as_one_batch_and_say_which_file_each_row_is_from() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let (first, second) = two_townships(7);
    env.write("甲镇.csv", first);
    env.write("乙镇.csv", second);
    let one = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    let two = Ranked::parse(&env.ok(&["rank", "甲镇.csv", "乙镇.csv"]));
    // The same batch: the same order and scores, whatever each file calls its columns.
    assert_same("ids in order", one.ids(), two.ids());
    assert_same("scores", one.column("score"), two.column("score"));
    assert_same("titles", one.column("标题"), two.column("标题"));
    let first_ids: Vec<String> = SUBMISSIONS
        .lines()
        .skip(1)
        .take(7)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    for (id, file) in two.ids().iter().zip(two.column("file")) {
        let expected = if first_ids.contains(id) {
            "甲镇.csv"
        } else {
            "乙镇.csv"
        };
        assert_eq!(file, expected, "row {id}");
    }
    // The second file has no unit column: its rows' unit cells are empty.
    let units: Vec<String> = two.column("报送单位");
    let empty = units.iter().filter(|u| u.is_empty()).count();
    assert_same(
        "rows without a unit",
        SUBMISSIONS.lines().count() - 1 - 7,
        empty,
    );
}

#[test]
fn files_without_a_unit_column_are_their_own_units() {
    let env = Env::new();
    let rows = SUBMISSIONS.lines().count() - 1;
    env.write("乙镇.csv", other_township(0..7));
    env.write("丙镇.csv", other_township(7..rows));
    let short = Ranked::parse(&env.ok(&["rank", "乙镇.csv", "丙镇.csv", "--per-unit", "1"]));
    let mut files = short.column("file");
    files.sort();
    assert_same(
        "one row per file",
        vec!["丙镇.csv".to_string(), "乙镇.csv".to_string()],
        files,
    );
}

#[test]
fn a_bad_cell_in_the_second_file_names_that_file_and_its_row() {
    let env = Env::new();
    let (first, second) = two_townships(7);
    let with = |text: &str, bad_row: Option<usize>| -> String {
        text.lines()
            .enumerate()
            .map(|(i, l)| match (i, bad_row) {
                (0, _) => format!("{l},决定\n"),
                (i, Some(b)) if i == b => format!("{l},也许\n"),
                _ => format!("{l},\n"),
            })
            .collect()
    };
    env.write("甲镇.csv", with(&first, None));
    env.write("乙镇.csv", with(&second, Some(3)));
    let err = env.fails(&["rank", "甲镇.csv", "乙镇.csv", "--decisions", "决定"]);
    assert_contains("stderr", &err, "乙镇.csv");
    assert_contains("stderr", &err, "第 4 行");
    assert_contains("stderr", &err, "也许");
    let error = err.lines().find(|l| l.contains("错误")).unwrap_or_default();
    assert!(!error.contains("甲镇.csv"), "{err}");
}

#[test]
fn a_file_given_twice_is_refused_and_ids_shared_by_two_files_are_warned_about() {
    let env = Env::new();
    let (first, _) = two_townships(7);
    env.write("甲镇.csv", &first);
    let err = env.fails_usage(&["rank", "甲镇.csv", "./甲镇.csv", "-o", "out.csv"]);
    assert_contains("stderr", &err, "甲镇.csv");
    assert!(!env.exists("out.csv"));
    // Another township numbers its rows the same way: both rows are kept, and the warning
    // says a decisions file keyed by id cannot tell them apart.
    env.write("乙镇.csv", other_township(0..3));
    let err = env.ok_stderr(&["rank", "甲镇.csv", "乙镇.csv", "-o", "out.csv"]);
    assert_same(
        "rows",
        7 + 3,
        Ranked::parse(&env.read("out.csv")).rows.len(),
    );
    assert_contains("stderr", &err, "3 个编号在不止一个文件里出现");
}

/// A zero-width space or soft hyphen pasted in from a web page hid the keyword it fell in:
/// 乡村\u{200B}振兴 scored as if the story had no 乡村振兴.
#[test]
fn invisible_characters_pasted_into_a_text_do_not_hide_its_keywords() {
    let env = Env::new();
    let clean = "村党支部书记带领群众推进乡村振兴，发展合作社。";
    let hidden = "村党支部\u{AD}书记带领群众推进乡村\u{200B}振兴，发展合作\u{FEFF}社。";
    env.write(
        "in.csv",
        format!("编号,标题,内容\nA,乡村振兴,{clean}\nB,乡村\u{200B}振兴,{hidden}\n"),
    );
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv", "--no-dedup"]));
    let row = |id: &str| {
        let r = ranked.rank_of(id) - 1;
        ranked.rows[r][..ranked.col("reasons") + 1].to_vec()
    };
    let (a, b) = (row("A"), row("B"));
    assert_same("theme, relevances, criteria and reasons", &a[2..], &b[2..]);
}

/// A ranking of several files, ranked again next round alone or with a late township's file:
/// its `file` column still says where each row came from (the late file's rows had an empty
/// one) and is still the unit (`--per-unit` had no effect on the ranking alone).
#[test]
fn a_ranking_of_several_files_ranked_again_keeps_each_rows_file_and_unit() {
    let env = Env::new();
    let rows = SUBMISSIONS.lines().count() - 1;
    env.write("乙镇.csv", other_township(0..7));
    env.write("丙镇.csv", other_township(7..rows));
    env.ok(&["rank", "乙镇.csv", "丙镇.csv", "-o", "排序.csv"]);
    let alone = env.ok_stderr(&["rank", "排序.csv", "--per-unit", "1", "-o", "短名单.csv"]);
    assert!(!alone.contains("--per-unit"), "{alone}");
    let mut files = Ranked::parse(&env.read("短名单.csv")).column("file");
    files.sort();
    assert_same(
        "one row per township",
        "丙镇.csv 乙镇.csv",
        &files.join(" "),
    );
    // A late township, its rows numbered 1, 2, 3 as well.
    env.write("丁镇.csv", "题目,内容\n迟到的材料,村民自发修路。\n");
    let again = Ranked::parse(&env.ok(&["rank", "排序.csv", "丁镇.csv"]));
    let mut files = again.column("file");
    files.sort();
    files.dedup();
    assert_same("files", "丁镇.csv 丙镇.csv 乙镇.csv", &files.join(" "));
    // A staff column called `file` with blank cells: those get the file's name.
    env.write("戊镇.csv", "题目,内容,file\n补报材料,村民自发修路。,\n");
    let both = Ranked::parse(&env.ok(&["rank", "丁镇.csv", "戊镇.csv"]));
    let mut files = both.column("file");
    files.sort();
    assert_same("files", "丁镇.csv 戊镇.csv", &files.join(" "));
}

/// Files without an id column are numbered by row, so the same id is in each file: a
/// decisions file keyed by id decided a row of every file at once, with no warning.
#[test]
fn row_numbers_standing_for_ids_in_several_files_are_warned_about() {
    let env = Env::new();
    env.write(
        "甲.csv",
        "题目,内容\n修路,村民自发修路。\n建桥,村民合力建桥。\n",
    );
    env.write("乙.csv", "标题,正文\n种茶,村里种茶致富。\n");
    let err = env.ok_stderr(&["rank", "甲.csv", "乙.csv", "-o", "out.csv"]);
    assert_contains("stderr", &err, "1 个编号在不止一个文件里出现");
}

/// xuanti's own ranking ranked together with a file of staff's that has a `score` column of
/// its own: staff's scores were dropped with the ranking's old ones.
#[test]
fn a_staff_score_column_beside_a_ranking_of_xuantis_survives() {
    let env = Env::new();
    env.write("乙镇.csv", other_township(0..5));
    env.ok(&["rank", "乙镇.csv", "-o", "排序.csv"]);
    env.write(
        "丁镇.csv",
        "题目,内容,score,reasons\n修路,村民自发修路。,95,评委甲\n",
    );
    let both = Ranked::parse(&env.ok(&["rank", "排序.csv", "丁镇.csv"]));
    let mut scores = both.column("input:score");
    scores.sort();
    assert_same("staff's score", ",,,,,95", &scores.join(","));
    assert!(both.column("input:reasons").contains(&"评委甲".to_string()));
}

/// A staff file's `decision` column ranked beside a ranking of xuanti's own came out as
/// `input:decision`, so `--decisions decision` found no such column in the next round. It
/// passes through as `decision`, one column with the ranking's own; with a `--decisions-file`,
/// which makes `decision` anew, it is kept as `input:decision`, as for the file ranked alone.
#[test]
fn a_staff_decision_column_beside_a_ranking_stays_decision_for_the_next_round() {
    let env = Env::new();
    env.write("乙镇.csv", other_township(0..5));
    env.write("决定.csv", "编号,decision\nS01,入选\n");
    env.ok(&[
        "rank",
        "乙镇.csv",
        "--decisions-file",
        "决定.csv",
        "-o",
        "排序.csv",
    ]);
    env.write(
        "丁镇.csv",
        "题目,内容,decision\n修路,村民自发修路。,不入选\n",
    );
    let both = env.ok(&["rank", "排序.csv", "丁镇.csv"]);
    let ranked = Ranked::parse(&both);
    assert!(
        !ranked.header.contains(&"input:decision".to_string()),
        "{:?}",
        ranked.header
    );
    let mut decisions = ranked.column("decision");
    decisions.sort();
    assert_same("decisions", ",,,,不入选,入选", &decisions.join(","));
    env.write("第二轮.csv", &both);
    let next = Ranked::parse(&env.ok(&["rank", "第二轮.csv", "--decisions", "decision"]));
    let decided = |r: &Ranked| {
        let mut ids: Vec<String> = (0..r.rows.len())
            .filter(|&i| r.rows[i][r.col("rank")].is_empty())
            .map(|i| r.rows[i][r.col("题目")].clone())
            .collect();
        ids.sort();
        ids
    };
    assert_same(
        "decided rows",
        vec!["一颗辣椒“串”起村集体经济".to_string(), "修路".to_string()],
        decided(&next),
    );
    let again = Ranked::parse(&env.ok(&[
        "rank",
        "排序.csv",
        "丁镇.csv",
        "--decisions-file",
        "决定.csv",
    ]));
    let mut kept = again.column("input:decision");
    kept.sort();
    assert!(kept.contains(&"不入选".to_string()), "{kept:?}");
}

/// Only a ranking of xuanti's own has its formula guards (`'-5`) taken off when read back: a
/// staff file ranked beside one lost the `'` of its own cells (`'+7` became `+7`), which it
/// keeps when ranked alone.
#[test]
fn a_staff_file_beside_a_ranking_keeps_its_own_quotes() {
    let env = Env::new();
    env.write(
        "甲.csv",
        "编号,标题,内容\n-5,修路,村里修路三公里，村民说好。\n",
    );
    env.ok(&["rank", "甲.csv", "-o", "round1.csv"]);
    env.write(
        "乙.csv",
        "编号,标题,内容\n'+7,'=1+1,社区党委组织志愿服务。\n",
    );
    let alone = Ranked::parse(&env.ok(&["rank", "乙.csv", "--keep-formulas"]));
    assert_same("alone", vec!["'+7".to_string()], alone.ids());
    let both = Ranked::parse(&env.ok(&["rank", "round1.csv", "乙.csv", "--keep-formulas"]));
    let mut ids = both.ids();
    ids.sort();
    assert_same("ids", vec!["'+7".to_string(), "-5".to_string()], ids);
    assert!(
        both.column("标题").contains(&"'=1+1".to_string()),
        "{:?}",
        both.column("标题")
    );
}

/// A file of a batch without a text column is warned about: in Chinese, the column was named
/// in English (没有 text 列).
#[test]
fn a_file_without_a_text_column_is_warned_about_in_either_language() {
    for (env, said) in [
        (Env::new(), "乙.csv：没有正文列，这些单元格按空白处理"),
        (
            Env::english(),
            "乙.csv: no text column; those cells are taken as empty",
        ),
    ] {
        env.write("甲.csv", "标题,正文\n修路,村民自发修路。\n");
        env.write("乙.csv", "标题,备注\n种茶致富,无\n");
        let err = env.ok_stderr(&["rank", "甲.csv", "乙.csv", "-o", "out.csv"]);
        assert_contains("stderr", &err, said);
    }
}

/// A file given twice through a hard link (another name for the same file) counted its rows
/// twice; a column missing from a batch of several files was said to be missing from the
/// first file only.
#[test]
fn a_hard_link_to_a_file_given_is_refused_and_a_missing_column_names_every_file() {
    let env = Env::new();
    let (first, second) = two_townships(7);
    env.write("甲镇.csv", first);
    env.write("乙镇.csv", second);
    std::fs::hard_link(env.path("甲镇.csv"), env.path("同一个.csv")).unwrap();
    let err = env.fails_usage(&["rank", "甲镇.csv", "同一个.csv"]);
    assert_contains("stderr", &err, "同一个.csv");
    let err = env.fails_usage(&["rank", "甲镇.csv", "乙镇.csv", "--decisions", "决定"]);
    assert_contains("stderr", &err, "甲镇.csv");
    assert_contains("stderr", &err, "乙镇.csv");
}

#[test]
fn a_user_dictionary_tag_applies_to_a_word_the_dictionary_already_holds() {
    // 红枫湖镇 is in the built-in dictionary (nz) and 黄河 in jieba's (ns): a `--dict` line
    // retagging them (as `xuanti init`'s userdict.txt example writes 红枫湖镇 ns) must take
    // effect, or the line silently does nothing.
    let env = Env::new();
    env.write(
        "in.csv",
        "id,title,text\n1,修路,村民在红枫湖镇修路\n2,修路,村民黄河在镇上修路\n",
    );
    env.write("dict.txt", "红枫湖镇 ns\n黄河 nr\n");
    let plain = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    let reasons = plain.column("reasons").join("\n");
    assert!(!reasons.contains("地点红枫湖镇"), "{reasons}");
    assert!(!reasons.contains("人物黄河"), "{reasons}");
    let tagged = Ranked::parse(&env.ok(&["rank", "in.csv", "--dict", "dict.txt"]));
    let reasons = tagged.column("reasons").join("\n");
    assert_contains("reasons", &reasons, "地点红枫湖镇");
    assert_contains("reasons", &reasons, "人物黄河");
}

#[test]
fn a_ranking_written_to_a_file_says_where_as_the_report_does() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let rows = SUBMISSIONS.lines().count() - 1;
    for out in ["排序.xlsx", "排序.csv"] {
        let stderr = env.ok_stderr(&["rank", "in.csv", "-o", out]);
        assert_contains("stderr", &stderr, &format!("排序已写到 {out}（{rows} 行）"));
    }
    // To stdout there is nothing to say: the ranking is what is printed.
    let stderr = env.ok_stderr(&["rank", "in.csv", "-o", "-"]);
    assert!(!stderr.contains("已写到"), "{stderr}");
}
