//! Office use (issue 6): Excel in and out, the HTML report, shortlists, near-duplicates.

use std::collections::{BTreeMap, BTreeSet};

use calamine::{Data, Reader};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use super::fixtures::SUBMISSIONS;
use super::util::{assert_contains, assert_same, Env, Ranked};

/// The fixture's rows with two more columns: a date and a number.
fn rows_with_date_and_count() -> Vec<Vec<String>> {
    SUBMISSIONS
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            if i == 0 {
                cells.extend(["日期".to_string(), "字数".to_string()]);
            } else {
                cells.push(format!("2024-03-{:02}", i));
                cells.push((cells[3].chars().count()).to_string());
            }
            cells
        })
        .collect()
}

/// The same rows as a 申报表 workbook: a title banner above the header, the date as a real
/// date cell and the count as a number, on a sheet named 申报表 after an empty first sheet
/// when `second_sheet`.
fn workbook(rows: &[Vec<String>], second_sheet: bool) -> Vec<u8> {
    let mut wb = Workbook::new();
    if second_sheet {
        wb.add_worksheet().set_name("说明").unwrap();
    }
    let sheet = wb.add_worksheet();
    sheet.set_name("申报表").unwrap();
    sheet
        .write_string(0, 0, "清镇市“大地走红”素材申报表")
        .unwrap();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            if r > 1 && c == 4 {
                let d = ExcelDateTime::parse_from_str(cell).unwrap();
                sheet
                    .write_datetime_with_format(r, c, &d, &date_format)
                    .unwrap();
            } else if r > 1 && c == 5 {
                sheet
                    .write_number(r, c, cell.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                sheet.write_string(r, c, cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn csv_of(rows: &[Vec<String>]) -> String {
    rows.iter().map(|r| r.join(",") + "\n").collect()
}

#[test]
fn an_xlsx_form_ranks_identically_to_the_same_data_as_csv() {
    let env = Env::new();
    let rows = rows_with_date_and_count();
    env.write("form.csv", csv_of(&rows));
    env.write("form.xlsx", workbook(&rows, false));
    let from_csv = env.ok(&["rank", "form.csv"]);
    let from_xlsx = env.ok(&["rank", "form.xlsx"]);
    assert_same("ranking", from_csv, from_xlsx);
}

#[test]
fn sheet_flag_picks_a_sheet_by_name_and_a_wrong_name_lists_the_sheets() {
    let env = Env::new();
    let rows = rows_with_date_and_count();
    env.write("form.csv", csv_of(&rows));
    env.write("form.xlsx", workbook(&rows, true));
    let from_csv = env.ok(&["rank", "form.csv"]);
    assert_same(
        "ranking of sheet 申报表",
        from_csv.clone(),
        env.ok(&["rank", "form.xlsx", "--sheet", "申报表"]),
    );
    // The first sheet is empty: the first sheet with data is read, and a warning says so.
    let err = env.ok_stderr(&["rank", "form.xlsx", "-o", "out.csv"]);
    assert_contains("warning", &err, "说明");
    assert_contains("warning", &err, "申报表");
    assert_same(
        "ranking of the first sheet with data",
        from_csv.as_str(),
        env.read("out.csv").trim_start_matches('\u{feff}'),
    );
    // Asked for by name, the empty sheet is an error naming it and the sheets there are.
    let err = env.fails(&["rank", "form.xlsx", "--sheet", "说明"]);
    assert_contains("error", &err, "说明");
    assert_contains("error", &err, "申报表");
    let err = env.fails(&["rank", "form.xlsx", "--sheet", "汇总"]);
    assert_contains("error", &err, "汇总");
    assert_contains("error", &err, "申报表");
    assert_contains("error", &err, "form.xlsx");
}

#[test]
fn a_file_that_only_looks_like_a_workbook_is_a_clear_error() {
    let env = Env::new();
    env.write("broken.xlsx", b"PK\x03\x04 this is not a zip archive");
    let err = env.fails(&["rank", "broken.xlsx"]);
    assert_contains("error", &err, "broken.xlsx");
}

/// Reads the first sheet of an .xlsx as text cells (numbers as `{}` prints them).
fn read_xlsx(path: &std::path::Path) -> Vec<Vec<Data>> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

#[test]
fn xlsx_output_holds_the_csv_ranking_with_numbers_as_numbers() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let csv = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    env.ok(&["rank", "in.csv", "-o", "out.xlsx"]);
    let sheet = read_xlsx(&env.path("out.xlsx"));
    let header: Vec<String> = sheet[0].iter().map(|c| c.to_string()).collect();
    assert_same("header", csv.header.clone(), header);
    assert_same("rows", csv.rows.len(), sheet.len() - 1);
    let score = csv.col("score");
    let rank = csv.col("rank");
    for (want, got) in csv.rows.iter().zip(&sheet[1..]) {
        for (c, (w, g)) in want.iter().zip(got).enumerate() {
            match g {
                Data::Float(v) if c == score || c == rank => {
                    let w: f64 = w.parse().unwrap();
                    assert!((w - v).abs() < 1e-9, "column {c}: {w} vs {v}");
                }
                Data::Float(v) => {
                    let w: f64 = w.parse().unwrap();
                    assert!((w - v).abs() < 1e-9, "column {c}: {w} vs {v}");
                }
                Data::Empty => assert_same("empty cell", "", w.as_str()),
                Data::String(s) => assert_same("text cell", w, s),
                other => panic!("unexpected cell {other:?}"),
            }
        }
        assert!(
            matches!(got[score], Data::Float(_)),
            "score is not a number: {:?}",
            got[score]
        );
    }
    // The layout: the header row is frozen and the score shown as a percentage.
    let sheet_xml = unzip_entry(&env.read_bytes("out.xlsx"), "xl/worksheets/sheet1.xml");
    assert_contains("sheet", &sheet_xml, "state=\"frozen\"");
    assert_contains("sheet", &sheet_xml, "<autoFilter");
    let styles = unzip_entry(&env.read_bytes("out.xlsx"), "xl/styles.xml");
    assert_contains("styles", &styles, "0.0%");
    assert_contains("styles", &styles, "wrapText=\"1\"");
}

/// One entry of a zip archive (an .xlsx is one), as text.
fn unzip_entry(zip: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip archive");
    let mut entry = archive.by_name(name).expect("the entry");
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

#[test]
fn per_theme_shortlist_covers_every_theme_with_candidates_and_caps_each() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let all = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    let short = Ranked::parse(&env.ok(&["rank", "in.csv", "--per-theme", "1"]));
    let themes_with_candidates: BTreeSet<String> = all
        .column("theme")
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    assert!(
        themes_with_candidates.len() >= 3,
        "{themes_with_candidates:?}"
    );
    let mut per_theme: BTreeMap<String, usize> = BTreeMap::new();
    for t in short.column("theme") {
        *per_theme.entry(t).or_default() += 1;
    }
    assert_same(
        "themes covered",
        themes_with_candidates,
        per_theme.keys().cloned().collect(),
    );
    assert!(per_theme.values().all(|&n| n == 1), "{per_theme:?}");
    // Each theme's entry is its best-ranked story, and the list stays in score order.
    for (t, id) in short.column("theme").iter().zip(short.ids()) {
        let first = all.column("theme").iter().position(|x| x == t).unwrap();
        assert_same("best of its theme", all.ids()[first].clone(), id);
    }
    let scores = short.scores();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn per_unit_shortlist_lets_no_unit_take_more_than_its_share() {
    let env = Env::new();
    // 卫城镇 has two strong stories in the fixture; a copy of each unit's rows doubles that.
    env.write("in.csv", SUBMISSIONS);
    let all = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    let short = Ranked::parse(&env.ok(&["rank", "in.csv", "--per-unit", "1"]));
    let mut per_unit: BTreeMap<String, usize> = BTreeMap::new();
    for u in short.column("报送单位") {
        *per_unit.entry(u).or_default() += 1;
    }
    assert!(per_unit.values().all(|&n| n == 1), "{per_unit:?}");
    let units: BTreeSet<String> = all.column("报送单位").into_iter().collect();
    assert_same(
        "every unit has its best story",
        units.len(),
        short.rows.len(),
    );
}

#[test]
fn report_is_one_self_contained_page_with_the_ranking() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv", "--report", "report.html"]));
    let html = env.read("report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    let lower = html.to_lowercase();
    for banned in ["http", "<script", "<link", "@import", "url("] {
        assert!(!lower.contains(banned), "the report contains {banned:?}");
    }
    // The table holds every row in rank order, with its reasons.
    let mut at = 0;
    for id in ranked.ids() {
        let found = html[at..].find(&format!(">{id}")).map(|p| p + at);
        at = found.unwrap_or_else(|| panic!("{id} missing or out of order"));
    }
    assert_contains("report", &html, "各主题材料数与推荐数");
    assert_contains("report", &html, "得分分布");
    assert_contains("report", &html, "站街镇");
    assert_contains("report", &html, "<mark>");
    assert_contains(
        "report",
        &html,
        &ranked.column("reasons")[0].replace('"', "&quot;"),
    );
}

#[test]
fn report_refuses_to_overwrite_the_input() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    env.fails_usage(&["rank", "in.csv", "--report", "in.csv"]);
    assert_same("input kept", SUBMISSIONS.to_string(), env.read("in.csv"));
}

#[test]
fn init_writes_editable_files_that_xuanti_reads_back() {
    let env = Env::new();
    env.ok(&["init", "start"]);
    for f in [
        "themes.toml",
        "userdict.txt",
        "素材申报表.xlsx",
        "素材申报表.csv",
    ] {
        assert!(env.exists(&format!("start/{f}")), "{f} not written");
    }
    env.write("in.csv", SUBMISSIONS);
    // The themes file is the built-in themes, and the dictionary loads.
    assert_same(
        "ranking with the written themes and dictionary",
        env.ok(&["rank", "in.csv"]),
        env.ok(&[
            "rank",
            "in.csv",
            "--themes",
            "start/themes.toml",
            "--dict",
            "start/userdict.txt",
        ]),
    );
    // Its examples, uncommented as its comments say, load too (each line is a form staff copy).
    let examples: String = env
        .read("start/userdict.txt")
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.split_whitespace().count() >= 2 && !l.contains('：'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(examples.lines().count() >= 4, "examples: {examples}");
    env.write("examples.txt", &examples);
    env.ok(&["rank", "in.csv", "--dict", "examples.txt"]);
    // The blank forms have the columns xuanti reads: filled in, they rank.
    let header = Ranked::parse(
        env.ok(&["rank", "start/素材申报表.xlsx"])
            .trim_start_matches('\u{feff}'),
    )
    .header;
    for c in ["标题", "报送单位", "内容"] {
        assert!(header.contains(&c.to_string()), "{c} missing: {header:?}");
    }
    let mut csv = env.read("start/素材申报表.csv");
    assert!(csv.starts_with('\u{feff}'), "the CSV form has no BOM");
    for line in SUBMISSIONS.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        csv.push_str(&format!("{},{},{},,,{}\n", c[0], c[1], c[2], c[3]));
    }
    env.write("filled.csv", csv);
    let ranked = Ranked::parse(&env.ok(&["rank", "filled.csv"]));
    assert_same("rows", SUBMISSIONS.lines().count() - 1, ranked.rows.len());
}

#[test]
fn init_never_replaces_files_unless_forced() {
    let env = Env::new();
    env.write("start/themes.toml", "# mine\n");
    let err = env.fails_usage(&["init", "start"]);
    assert_contains("error", &err, "themes.toml");
    assert_same(
        "kept",
        "# mine\n".to_string(),
        env.read("start/themes.toml"),
    );
    assert!(!env.exists("start/userdict.txt"), "wrote some files anyway");
    env.ok(&["init", "start", "--force"]);
    assert!(env.read("start/themes.toml").contains("[[theme]]"));
}

#[test]
fn init_names_the_files_already_there_joined_as_the_language_lists_them() {
    // The Chinese message joined the names with ", ", as English does; Chinese lists with 、.
    let env = Env::new();
    env.write("start/themes.toml", "# mine\n");
    env.write("start/userdict.txt", "# mine\n");
    let err = env.fails_usage(&["init", "start"]);
    let (themes, dict) = (
        std::path::Path::new("start").join("themes.toml"),
        std::path::Path::new("start").join("userdict.txt"),
    );
    let (themes, dict) = (themes.display(), dict.display());
    assert_contains("error", &err, &format!("{themes}、{dict}：文件已存在"));
    let out = env.run_with_env(&["init", "start"], &[("XUANTI_LANG", "en")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_contains("error", &err, &format!("{themes}, {dict}: already exist"));
}

#[test]
fn quiet_prints_nothing_but_errors_and_verbose_prints_stage_times() {
    let env = Env::new();
    // A repeated id makes a warning.
    let mut csv = SUBMISSIONS.to_string();
    csv.push_str(SUBMISSIONS.lines().nth(1).unwrap());
    csv.push('\n');
    env.write("in.csv", &csv);
    let normal = env.run(&["rank", "in.csv"]);
    let quiet = env.run(&["rank", "in.csv", "-q"]);
    let verbose = env.run(&["-v", "rank", "in.csv"]);
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert_contains("normal stderr", &stderr(&normal), "S01");
    assert_same("quiet stderr", String::new(), stderr(&quiet));
    assert_contains("verbose stderr", &stderr(&verbose), "行打分，用时");
    // stdout is the data only, the same at every level; no progress bar off a terminal.
    assert_same("quiet stdout", normal.stdout.clone(), quiet.stdout);
    assert_same("verbose stdout", &normal.stdout, &verbose.stdout);
    for o in [&normal, &verbose] {
        assert!(!stderr(o).contains('\r') && !stderr(o).contains('\u{1b}'));
    }
    // Errors still show with -q.
    let err = env.run(&["rank", "missing.csv", "-q"]);
    assert_same("exit", Some(1), err.status.code());
    assert_contains("quiet error", &stderr(&err), "missing.csv");
}

/// S05 sent again by another unit under a new id and title, with a few characters changed and
/// a quote added, so that the copy scores higher than the original.
pub(crate) const S05_COPY: &str = "D05,凉水井村：关停采石场 种出金银花谷,凉水井村,凉水井村过去有六家小采石场，粉尘大、河水浑，群众苦不堪言。2018年村党支部书记带头关停采石场，复垦荒山种上金银花1200亩。如今河水清了，游客多了，村民杨秀英笑着说：“以前出门一身灰，现在满山都是花香。”全村年增收380万元。支部书记周明告诉记者：“绿水青山就是金山银山。”\n";

/// Two different stories that open with the same boilerplate sentence.
const SAME_OPENING: &str = "\
T01,党建引领护好一江清水,红枫湖镇,为深入学习贯彻党的二十大精神，扎实推进基层党建工作，我镇结合实际开展了以下工作。后午村巡河员李春生每天清晨沿着河岸走十公里，三年清理垃圾二十多吨，带动村民成立护河志愿队。他说：“河干净了，鱼也回来了。”
T02,党建引领办好群众小事,暗流镇,为深入学习贯彻党的二十大精神，扎实推进基层党建工作，我镇结合实际开展了以下工作。新街社区设立“板凳议事会”，网格员陈丽每周组织居民商量停车、路灯等小事，一年办结群众诉求186件。居民说：“有事好商量，邻里更和气。”
";

/// The fixture with S05's copy at the end.
fn batch_with_a_copy() -> String {
    format!("{SUBMISSIONS}{S05_COPY}")
}

/// The `rank` column as numbers.
fn ranks(r: &Ranked) -> Vec<usize> {
    r.column("rank")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect()
}

/// id → duplicate_of, for the rows that have one.
fn duplicate_pairs(r: &Ranked) -> Vec<(String, String)> {
    r.ids()
        .into_iter()
        .zip(r.column("duplicate_of"))
        .filter(|(_, o)| !o.is_empty())
        .collect()
}

#[test]
fn a_story_sent_again_follows_its_original_and_shares_its_rank() {
    let env = Env::new();
    env.write("in.csv", batch_with_a_copy());
    let plain = Ranked::parse(&env.ok(&["rank", "in.csv", "--no-dedup"]));
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    // The premise: on its own the copy ranks above the original, with a story between them.
    assert!(
        plain.rank_of("S05") > plain.rank_of("D05") + 1,
        "the copy does not outrank the original: {:?}",
        plain.ids()
    );
    assert_same(
        "duplicates",
        vec![("D05".to_string(), "S05".to_string())],
        duplicate_pairs(&ranked),
    );
    // The original comes first, at the place the copy's score earns, the copy right after it.
    let at = ranked.rank_of("S05");
    assert_same("original's place", plain.rank_of("D05"), at);
    assert_same("copy right after", at + 1, ranked.rank_of("D05"));
    let rank = ranks(&ranked);
    assert_same("shared rank", rank[at - 1], rank[at]);
    // One place for the story: ranks run 1, 2, … with one repeat.
    let mut expected: Vec<usize> = (1..ranked.rows.len()).collect();
    expected.insert(at, at);
    assert_same("ranks", expected, rank);
    // Scores are those of the plain ranking; only the order changes.
    assert_same("scores", plain.score_by_id(), ranked.score_by_id());
}

#[test]
fn the_original_is_the_first_occurrence_in_the_input() {
    let env = Env::new();
    // The copy is sent first this time: it is the original, S05 its duplicate.
    let mut lines = SUBMISSIONS.lines();
    let csv = format!(
        "{}\n{S05_COPY}{}\n",
        lines.next().unwrap(),
        lines.collect::<Vec<_>>().join("\n")
    );
    env.write("in.csv", csv);
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    assert_same(
        "duplicates",
        vec![("S05".to_string(), "D05".to_string())],
        duplicate_pairs(&ranked),
    );
    assert_same(
        "copy right after",
        ranked.rank_of("D05") + 1,
        ranked.rank_of("S05"),
    );
}

#[test]
fn top_counts_stories_not_rows() {
    let env = Env::new();
    env.write("in.csv", batch_with_a_copy());
    let all = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    let story = ranks(&all)[all.rank_of("S05") - 1];
    // The top that ends with the duplicated story holds one row more than it has stories.
    let top = Ranked::parse(&env.ok(&["rank", "in.csv", "--top", &story.to_string()]));
    assert_same("rows", all.ids()[..story + 1].to_vec(), top.ids());
    assert_same("last rank", Some(&story), ranks(&top).last());
    // One story fewer leaves both rows out.
    let shorter = (story - 1).to_string();
    let top = Ranked::parse(&env.ok(&["rank", "in.csv", "--top", &shorter]));
    assert_same("rows", all.ids()[..story - 1].to_vec(), top.ids());
}

#[test]
fn no_dedup_ranks_every_row_on_its_own() {
    let env = Env::new();
    env.write("in.csv", batch_with_a_copy());
    let plain = Ranked::parse(&env.ok(&["rank", "in.csv", "--no-dedup"]));
    assert!(
        plain.column("duplicate_of").iter().all(String::is_empty),
        "{:?}",
        plain.column("duplicate_of")
    );
    assert_same(
        "ranks",
        (1..=plain.rows.len()).collect::<Vec<_>>(),
        ranks(&plain),
    );
    let scores = plain.scores();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(plain.rank_of("S05") != plain.rank_of("D05"));
    assert_same("rows", SUBMISSIONS.lines().count(), plain.rows.len());
}

#[test]
fn unrelated_stories_are_not_grouped() {
    let env = Env::new();
    // The fixture's stories and notices, and two stories that open with the same sentence.
    env.write("in.csv", format!("{SUBMISSIONS}{SAME_OPENING}"));
    let ranked = Ranked::parse(&env.ok(&["rank", "in.csv"]));
    assert_same("duplicates", vec![], duplicate_pairs(&ranked));
    assert_same(
        "ranks",
        (1..=ranked.rows.len()).collect::<Vec<_>>(),
        ranks(&ranked),
    );
    // With the copy of S05 added, that pair alone is grouped.
    env.write("copy.csv", format!("{SUBMISSIONS}{SAME_OPENING}{S05_COPY}"));
    let ranked = Ranked::parse(&env.ok(&["rank", "copy.csv"]));
    assert_same(
        "duplicates",
        vec![("D05".to_string(), "S05".to_string())],
        duplicate_pairs(&ranked),
    );
}

#[test]
fn report_lists_the_duplicate_group() {
    let env = Env::new();
    env.write("in.csv", batch_with_a_copy());
    env.ok(&["rank", "in.csv", "--report", "report.html"]);
    let html = env.read("report.html");
    assert_contains(
        "report",
        &html,
        "<li><b>S05</b> 从采石场到金银花谷 ← D05</li>",
    );
    assert_contains("report", &html, "<b>1</b><span>份疑似重复</span>");
    assert_contains("report", &html, "疑似重复：S05");
    // Without detection the section says there is none.
    env.ok(&["rank", "in.csv", "--no-dedup", "--report", "plain.html"]);
    let html = env.read("plain.html");
    assert_contains("report", &html, "未发现重复报送的材料");
    assert!(!html.contains("← D05"), "a group listed with --no-dedup");
}

#[test]
fn cells_guarded_against_formulas_get_their_value_back_in_the_next_round() {
    let env = Env::new();
    env.write(
        "in.csv",
        "编号,标题,内容\n-5,=1+1,村里修路三公里，村民说好。\n+7,@标题,社区党委组织志愿服务。\n",
    );
    env.ok(&["rank", "in.csv", "-o", "round1.csv"]);
    assert!(env.read("round1.csv").contains("'-5"), "round 1 is guarded");
    let round2 = Ranked::parse(&env.ok(&["rank", "round1.csv", "--keep-formulas"]));
    let mut ids = round2.ids();
    ids.sort();
    assert_same("ids", vec!["+7".to_string(), "-5".to_string()], ids);
    assert_same(
        "titles",
        true,
        round2.column("标题").contains(&"=1+1".to_string()),
    );
}

#[test]
fn a_workbook_header_naming_a_column_twice_is_warned_about_as_in_a_csv() {
    let env = Env::new();
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["编号", "标题", "内容", "内容"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["A1", "标题一", "村里修路三公里。", "另一段"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    env.write("dup.xlsx", wb.save_to_buffer().unwrap());
    let err = env.ok_stderr(&["rank", "dup.xlsx", "-o", "out.csv"]);
    assert_contains("warning", &err, "内容");
}

#[test]
fn sheet_flag_on_a_csv_is_warned_about() {
    let env = Env::new();
    env.write("in.csv", super::fixtures::SUBMISSIONS);
    let err = env.ok_stderr(&["rank", "in.csv", "--sheet", "申报表", "-o", "out.csv"]);
    assert_contains("warning", &err, "--sheet 申报表");
}

#[test]
fn ids_typed_as_numbers_keep_the_zeros_their_format_shows() {
    // Staff type 编号 001, 002 … into a column formatted 000: the cells hold numbers, the
    // sheet shows 001. The ranking must carry the ids the sheet shows, or a decisions file
    // written against the sheet finds none of them.
    let env = Env::new();
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    let padded = Format::new().set_num_format("000");
    for (c, h) in ["编号", "标题", "内容"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let texts = [
        "村里修路三公里，群众出行方便了。",
        "社区食堂开张，老人吃上热饭。",
    ];
    for (i, text) in texts.iter().enumerate() {
        let r = i as u32 + 1;
        sheet
            .write_number_with_format(r, 0, r as f64 + 6.0, &padded)
            .unwrap();
        sheet.write_string(r, 1, format!("故事{r}")).unwrap();
        sheet.write_string(r, 2, *text).unwrap();
    }
    env.write("form.xlsx", wb.save_to_buffer().unwrap());
    let ranked = Ranked::parse(&env.ok(&["rank", "form.xlsx"]));
    let ids: BTreeSet<String> = ranked.ids().into_iter().collect();
    assert_eq!(
        ids,
        BTreeSet::from(["007".to_string(), "008".to_string()]),
        "ids as the sheet shows them"
    );
}

#[test]
fn per_theme_on_a_batch_that_fits_no_theme_warns_that_the_shortlist_is_empty() {
    let env = Env::new();
    env.write(
        "in.csv",
        "编号,标题,内容\nA,停水通知,本周三城区部分区域停水，请提前储水。\nB,天气预报,周六多云转小雨。\n",
    );
    let err = env.ok_stderr(&["rank", "in.csv", "--per-theme", "2", "-o", "out.csv"]);
    assert_contains("warning", &err, "--per-theme");
    assert!(Ranked::parse(&env.read("out.csv")).rows.is_empty());
}

#[test]
fn init_into_a_file_or_over_a_folder_says_so_and_writes_nothing() {
    let env = Env::new();
    env.write("afile", "staff's notes\n");
    for dir in ["afile", "afile/sub"] {
        let err = env.fails(&["init", dir]);
        assert_contains("error", &err, "afile");
        assert_contains("error", &err, "这是一个文件，不是文件夹");
    }
    assert_same("kept", "staff's notes\n".to_string(), env.read("afile"));
    // A folder where one of the four files goes: refused before the others are written,
    // with --force too.
    std::fs::create_dir_all(env.path("start/userdict.txt")).unwrap();
    let err = env.fails(&["init", "start", "--force"]);
    assert_contains("error", &err, "userdict.txt");
    assert_contains("error", &err, "这是一个文件夹");
    assert!(!env.exists("start/themes.toml"), "wrote some files anyway");
}

#[test]
fn the_themes_file_init_writes_explains_itself_in_chinese_with_a_command_that_works() {
    let env = Env::new();
    env.ok(&["init", "start"]);
    let themes = env.read("start/themes.toml");
    let head: String = themes
        .lines()
        .take_while(|l| !l.starts_with("[[theme]]"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !head.contains("`xuanti --themes"),
        "a command that fails:\n{head}"
    );
    assert_contains(
        "header",
        &head,
        "xuanti rank 申报表.xlsx --themes themes.toml",
    );
    assert_contains("header", &head, "关键词");
    assert!(!head.contains("Format:"), "English header:\n{head}");
}

/// The smallest compound file (the container of an .xls, and of an .xlsx saved with a password)
/// that holds a stream named `stream`: a 512-byte header, one FAT sector, one directory sector.
fn compound_file(stream: &str) -> Vec<u8> {
    let mut out = vec![0u8; 512 * 3];
    out[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put = |out: &mut Vec<u8>, at: usize, bytes: &[u8]| {
        out[at..at + bytes.len()].copy_from_slice(bytes)
    };
    put(&mut out, 24, &0x3Eu16.to_le_bytes()); // minor version
    put(&mut out, 26, &3u16.to_le_bytes()); // major version 3: 512-byte sectors
    put(&mut out, 28, &0xFFFEu16.to_le_bytes()); // byte order
    put(&mut out, 30, &9u16.to_le_bytes()); // sector shift
    put(&mut out, 32, &6u16.to_le_bytes()); // mini sector shift
    put(&mut out, 44, &1u32.to_le_bytes()); // FAT sectors
    put(&mut out, 48, &1u32.to_le_bytes()); // first directory sector
    put(&mut out, 56, &0x1000u32.to_le_bytes()); // mini stream cut-off
    put(&mut out, 60, &0xFFFF_FFFEu32.to_le_bytes()); // no mini FAT
    put(&mut out, 68, &0xFFFF_FFFEu32.to_le_bytes()); // no DIFAT sector
    for i in 0..109 {
        let sector: u32 = if i == 0 { 0 } else { 0xFFFF_FFFF };
        put(&mut out, 76 + 4 * i, &sector.to_le_bytes());
    }
    // Sector 0, the FAT: itself, then the directory's one-sector chain.
    for (i, entry) in [0xFFFF_FFFDu32, 0xFFFF_FFFE].into_iter().enumerate() {
        put(&mut out, 512 + 4 * i, &entry.to_le_bytes());
    }
    for i in 2..128 {
        put(&mut out, 512 + 4 * i, &0xFFFF_FFFFu32.to_le_bytes());
    }
    // Sector 1, the directory: the root and the stream.
    for (i, (name, kind)) in [("Root Entry", 5u8), (stream, 2)].into_iter().enumerate() {
        let at = 1024 + 128 * i;
        let utf16: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        put(&mut out, at, &utf16);
        put(&mut out, at + 64, &(utf16.len() as u16).to_le_bytes());
        out[at + 66] = kind;
        out[at + 67] = 1; // black
        for link in [68, 72, 76] {
            put(&mut out, at + link, &0xFFFF_FFFFu32.to_le_bytes());
        }
        if i == 0 {
            put(&mut out, at + 76, &1u32.to_le_bytes()); // the root's child: the stream
        }
        put(&mut out, at + 116, &0xFFFF_FFFEu32.to_le_bytes());
    }
    out
}

#[test]
fn a_workbook_saved_with_a_password_is_named_as_such() {
    // Excel encrypts a workbook saved with a password into a compound file holding an
    // `EncryptedPackage` stream; calamine's format detection said "Cannot detect file format"
    // (in English, inside the Chinese message), which tells staff nothing to do.
    let env = Env::new();
    env.write("加密.xlsx", compound_file("EncryptedPackage"));
    let err = env.fails(&["rank", "加密.xlsx"]);
    assert_contains("error", &err, "加密.xlsx");
    assert_contains("error", &err, "密码");
    assert!(!err.contains("Cannot detect"), "{err}");
    let env = Env::english();
    env.write("locked.xlsx", compound_file("EncryptedPackage"));
    let err = env.fails(&["rank", "locked.xlsx"]);
    assert_contains(
        "error",
        &err,
        "locked.xlsx: the workbook is protected with a password",
    );
}

#[test]
fn a_web_page_or_an_xml_spreadsheet_named_xls_is_named_as_such() {
    // Many office systems "export to Excel" as an HTML table (or an Excel 2003 XML spreadsheet)
    // under an .xls name. It was read as a CSV: "no title or text column", the columns found
    // being `<html><body><table><tr><td>编号</td>…`.
    const WEB_PAGE: &str = "<html><head><meta charset=\"utf-8\"></head><body>\n<table><tr><td>编号</td><td>标题</td><td>内容</td></tr>\n<tr><td>1</td><td>乡村振兴</td><td>村里修路</td></tr></table></body></html>\n";
    const XML_2003: &str = "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet ss:Name=\"Sheet1\"><Table><Row><Cell><Data ss:Type=\"String\">标题</Data></Cell></Row></Table></Worksheet></Workbook>\n";
    let env = Env::new();
    env.write("导出.xls", WEB_PAGE);
    let err = env.fails(&["rank", "导出.xls"]);
    assert_contains("error", &err, "导出.xls：是网页（HTML）文件");
    assert_contains("error", &err, "另存为 .xlsx");
    let env = Env::english();
    env.write("export.xls", XML_2003);
    let err = env.fails(&["rank", "export.xls"]);
    assert_contains(
        "error",
        &err,
        "export.xls: is an Excel 2003 XML spreadsheet file",
    );
    env.write("page.csv", WEB_PAGE);
    let err = env.fails(&["rank", "page.csv"]);
    assert_contains("error", &err, "page.csv: is a web page (HTML) file");
}

#[test]
fn a_unit_merged_over_its_rows_is_the_unit_of_every_one_of_them() {
    // Staff merge 报送单位 over the rows one township sends. The sheet stores the name in the
    // first row only: the other rows had no unit, so `--per-unit 1` let the township take
    // every place, and the report counted them under no unit.
    let env = Env::new();
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["编号", "报送单位", "标题", "内容"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet
        .merge_range(1, 1, 3, 1, "红枫湖镇", &Format::new())
        .unwrap();
    sheet.write_string(4, 1, "站街镇").unwrap();
    let texts = [
        "村党支部书记陈光荣带领党员种植辣椒650亩，村集体经济收入达到27.8万元。",
        "驻村第一书记张明三年走访农户412户，带领村民种植有机茶叶860亩。",
        "老党员罗福安守护红军墓47年，给孩子讲红军长征故事600多场。",
        "村党支部带头关停采石场，复垦荒山种上金银花1200亩。",
    ];
    for (i, text) in texts.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, format!("A{r}")).unwrap();
        sheet.write_string(r, 2, format!("故事{r}")).unwrap();
        sheet.write_string(r, 3, *text).unwrap();
    }
    env.write("form.xlsx", wb.save_to_buffer().unwrap());
    let ranked = Ranked::parse(&env.ok(&["rank", "form.xlsx"]));
    let units: BTreeMap<String, String> = ranked
        .ids()
        .into_iter()
        .zip(ranked.column("报送单位"))
        .collect();
    let want: BTreeMap<String, String> = [
        ("A1", "红枫湖镇"),
        ("A2", "红枫湖镇"),
        ("A3", "红枫湖镇"),
        ("A4", "站街镇"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_same("units", want, units);
    let short = Ranked::parse(&env.ok(&["rank", "form.xlsx", "--per-unit", "1"]));
    assert_same("one story per unit", 2, short.rows.len());
}

#[test]
fn formula_errors_in_a_workbook_are_warned_about_with_their_row_and_column() {
    // A VLOOKUP that found nothing leaves #N/A in the cell: read as the text a CSV saved from
    // the sheet holds (an id `#N/A`, a title `#N/A`), without a word.
    let env = Env::new();
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["编号", "标题", "内容"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "1").unwrap();
    sheet
        .write_formula(
            1,
            1,
            Formula::new("=VLOOKUP(A2,Z:Z,1,0)").set_result("#N/A"),
        )
        .unwrap();
    sheet
        .write_string(1, 2, "村里修路三公里，群众出行方便了。")
        .unwrap();
    sheet.write_string(2, 0, "2").unwrap();
    sheet.write_string(2, 1, "社区食堂").unwrap();
    sheet
        .write_string(2, 2, "社区食堂开张，老人吃上热饭。")
        .unwrap();
    env.write("form.xlsx", wb.save_to_buffer().unwrap());
    let err = env.ok_stderr(&["rank", "form.xlsx", "-o", "out.csv"]);
    assert_contains("warning", &err, "form.xlsx");
    assert_contains("warning", &err, "第 2 行“标题”列 #N/A");
}

#[test]
fn a_workbook_header_below_the_first_ten_rows_is_named_with_where_the_header_is_looked_for() {
    // Eleven note rows (填表说明) above 编号,标题,内容: the error listed the first note as
    // "the columns found" and did not say that the header is looked for in the first ten
    // non-empty rows only.
    let env = Env::english();
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("申报表").unwrap();
    for r in 0..11 {
        sheet
            .write_string(r, 0, format!("填表说明第{}条", r + 1))
            .unwrap();
    }
    for (c, h) in ["编号", "标题", "内容"].iter().enumerate() {
        sheet.write_string(11, c as u16, *h).unwrap();
    }
    sheet.write_string(12, 0, "1").unwrap();
    sheet.write_string(12, 1, "修路").unwrap();
    sheet
        .write_string(12, 2, "村里修路三公里，群众出行方便了。")
        .unwrap();
    wb.add_worksheet().set_name("汇总").unwrap();
    env.write("form.xlsx", wb.save_to_buffer().unwrap());
    let err = env.fails(&["rank", "form.xlsx"]);
    assert_contains("error", &err, "form.xlsx");
    assert_contains("error", &err, "first 10 non-empty rows");
    assert_contains("error", &err, "row 12");
    assert_contains("error", &err, "编号,标题,内容");
    assert_contains("error", &err, "delete the rows above");
    // In Chinese too.
    let err = Env::new();
    err.write("form.xlsx", env.read_bytes("form.xlsx"));
    let msg = err.fails(&["rank", "form.xlsx"]);
    assert_contains("error", &msg, "前 10 个非空行");
    assert_contains("error", &msg, "第 12 行");
    // A sheet with no header anywhere says where it looked, and that another sheet may be
    // chosen with --sheet.
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("说明").unwrap();
    for r in 0..3 {
        sheet.write_string(r, 0, format!("说明{r}")).unwrap();
    }
    wb.add_worksheet()
        .set_name("申报表")
        .unwrap()
        .write_string(0, 0, "标题")
        .unwrap();
    env.write("notes.xlsx", wb.save_to_buffer().unwrap());
    let err = env.fails(&["rank", "notes.xlsx"]);
    assert_contains("error", &err, "first 10 non-empty rows");
    assert_contains("error", &err, "--sheet");
    assert_contains("error", &err, "申报表");
}

#[test]
fn workbook_times_and_general_numbers_read_as_the_sheet_shows_them() {
    // A time typed into a cell formatted h:mm (value 0.5) read as 1899-12-31 12:00:00, and a
    // formula giving 0.1+0.2 in a General cell as 0.30000000000000004: the sheet shows 12:00
    // and 0.3 (General shows at most 15 significant digits), and a CSV saved from it holds so.
    let env = Env::new();
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["编号", "标题", "内容", "时间", "合计"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let time = Format::new().set_num_format("h:mm");
    let texts = [
        "村里修路三公里，群众出行方便了。",
        "社区食堂开张，老人吃上热饭。",
    ];
    for (i, text) in texts.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, format!("A{r}")).unwrap();
        sheet.write_string(r, 1, format!("故事{r}")).unwrap();
        sheet.write_string(r, 2, *text).unwrap();
    }
    sheet.write_number_with_format(1, 3, 0.5, &time).unwrap();
    // A date and a time in a time-only format shows the time alone.
    sheet
        .write_number_with_format(2, 3, 45352.0 + 14.5 / 24.0, &time)
        .unwrap();
    sheet
        .write_formula(
            1,
            4,
            Formula::new("=0.1+0.2").set_result("0.30000000000000004"),
        )
        .unwrap();
    sheet.write_number(2, 4, 1.0 / 3.0).unwrap();
    // Whole numbers stay as they were: an id typed as 2024001 in General.
    sheet.write_string(0, 5, "批次").unwrap();
    sheet.write_number(1, 5, 2024001.0).unwrap();
    sheet.write_number(2, 5, 7.0).unwrap();
    env.write("form.xlsx", wb.save_to_buffer().unwrap());
    let ranked = Ranked::parse(&env.ok(&["rank", "form.xlsx"]));
    let by_id = |column: &str| -> BTreeMap<String, String> {
        ranked
            .ids()
            .into_iter()
            .zip(ranked.column(column))
            .collect()
    };
    let want = |a: &str, b: &str| -> BTreeMap<String, String> {
        BTreeMap::from([
            ("A1".to_string(), a.to_string()),
            ("A2".to_string(), b.to_string()),
        ])
    };
    assert_same("times", want("12:00", "14:30"), by_id("时间"));
    assert_same(
        "general numbers",
        want("0.3", "0.333333333333333"),
        by_id("合计"),
    );
    assert_same("whole numbers", want("2024001", "7"), by_id("批次"));
}
