//! Office use (issue 6): Excel in and out, the HTML report, the balanced shortlist.

use std::collections::{BTreeMap, BTreeSet};

use calamine::{Data, Reader};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

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
        from_csv,
        env.ok(&["rank", "form.xlsx", "--sheet", "申报表"]),
    );
    // The first sheet is empty: a clear error, not an empty ranking.
    env.fails(&["rank", "form.xlsx"]);
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
