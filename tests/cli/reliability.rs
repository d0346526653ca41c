//! Every bad or odd file of `docs/RELIABILITY.md`, generated here: each test names the row of
//! that table it proves. Exit codes: 0 ok, 1 bad data, 2 usage.

use super::fixtures::{PAST, SUBMISSIONS};
use super::util::{assert_contains, assert_same, Env, Ranked};

fn rank(env: &Env, args: &[&str]) -> Ranked {
    let mut all = vec!["rank"];
    all.extend_from_slice(args);
    Ranked::parse(&env.ok(&all))
}

/// The fixture's scores by id: what every faithful reading of it must give.
fn base(env: &Env) -> std::collections::BTreeMap<String, String> {
    env.write("base.csv", SUBMISSIONS);
    rank(env, &["base.csv"]).score_by_id()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_le_and_be_with_bom_rank_like_utf8_and_the_encoding_is_reported() {
    let env = Env::english();
    let base = base(&env);
    env.write("le.csv", utf16(SUBMISSIONS, false));
    env.write("be.csv", utf16(SUBMISSIONS, true));
    assert_same("UTF-16LE", &base, &rank(&env, &["le.csv"]).score_by_id());
    assert_same("UTF-16BE", &base, &rank(&env, &["be.csv"]).score_by_id());
    let out = env.run(&["rank", "be.csv"]);
    assert_contains(
        "stderr",
        &String::from_utf8_lossy(&out.stderr),
        "UTF-16BE (detected)",
    );
}

#[test]
fn gbk_file_reports_its_encoding_and_encoding_flag_overrides_detection() {
    let env = Env::english();
    let base = base(&env);
    env.write("gbk.csv", encoding_rs::GBK.encode(SUBMISSIONS).0);
    let out = env.run(&["rank", "gbk.csv"]);
    assert_contains(
        "stderr",
        &String::from_utf8_lossy(&out.stderr),
        "GB18030 (detected)",
    );
    let given = rank(&env, &["gbk.csv", "--encoding", "gbk"]);
    assert_same("--encoding gbk", &base, &given.score_by_id());
    // Forced to UTF-8, the GBK bytes (the header's first) are named with row and offset.
    let err = env.fails(&["rank", "gbk.csv", "--encoding", "utf-8"]);
    assert_contains("stderr", &err, "gbk.csv: row 1: bytes");
    assert_contains("stderr", &err, "byte offset");
    assert_contains("stderr", &err, "--lossy");
}

#[test]
fn unknown_encoding_name_is_a_usage_error() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let err = env.fails_usage(&["rank", "in.csv", "--encoding", "klingon"]);
    assert_contains("stderr", &err, "klingon");
}

#[test]
fn semicolon_file_is_detected_and_other_delimiters_can_be_given() {
    let env = Env::new();
    let base = base(&env);
    env.write("semi.csv", SUBMISSIONS.replace(',', ";"));
    assert_same(
        "semicolons",
        &base,
        &rank(&env, &["semi.csv"]).score_by_id(),
    );
    env.write("pipe.csv", SUBMISSIONS.replace(',', "|"));
    let piped = rank(&env, &["pipe.csv", "--delimiter", "|"]);
    assert_same("--delimiter |", &base, &piped.score_by_id());
}

#[test]
fn crlf_line_ends_and_quoted_line_breaks_rank_like_plain_rows() {
    let env = Env::new();
    let base = base(&env);
    env.write("crlf.csv", SUBMISSIONS.replace('\n', "\r\n"));
    assert_same("CRLF", &base, &rank(&env, &["crlf.csv"]).score_by_id());
    // A merged cell pasted as lines: the text is quoted and holds line breaks.
    env.write(
        "multi.csv",
        "编号,标题,内容\n1,\"驻村第一书记\n张明\",\"三年走访农户412户，\r\n记满了11本民情日记。\"\n2,通知,开会\n",
    );
    let ranked = rank(&env, &["multi.csv"]);
    assert_same("rows", 2, ranked.rows.len());
    let title = ranked.column("标题");
    assert!(title.iter().any(|t| t == "驻村第一书记\n张明"), "{title:?}");
}

#[test]
fn trailing_empty_columns_and_a_bom_glued_to_a_spaced_header_are_accepted() {
    let env = Env::new();
    let base = base(&env);
    let padded: String = SUBMISSIONS
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                "\u{feff} 编号 ,标题,报送单位,内容\n".to_string()
            } else {
                format!("{l},,\n")
            }
        })
        .collect();
    env.write("padded.csv", padded);
    assert_same(
        "padded rows",
        &base,
        &rank(&env, &["padded.csv"]).score_by_id(),
    );
}

/// Excel writes a header with a trailing delimiter (`编号,标题,内容,`) when a stray cell right
/// of the table was once edited, while the rows end where the data does: "row 2: has 4 cells
/// but the header has 5", of a header whose 4 names were all the user saw.
#[test]
fn rows_short_only_by_a_trailing_empty_header_column_are_read_as_having_it_empty() {
    let env = Env::english();
    let base = base(&env);
    let trailing: String = SUBMISSIONS
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},\r\n"),
            // One row with the empty cell written out, as the stray cell's own row has it.
            1 => format!("{l},\r\n"),
            _ => format!("{l}\r\n"),
        })
        .collect();
    env.write("trailing.csv", trailing);
    let err = env.ok_stderr(&["rank", "trailing.csv", "-o", "out.csv"]);
    assert!(!err.contains("cells"), "no cell-count message: {err}");
    assert_same(
        "rows of a header with a trailing delimiter",
        &base,
        &Ranked::parse(env.read("out.csv").trim_start_matches('\u{feff}')).score_by_id(),
    );
    // A row short of a named column is still an error, however many empty names follow.
    env.write("short.csv", "编号,标题,内容,,\n1,甲,乙\n2,丙\n");
    let err = env.fails(&["rank", "short.csv"]);
    assert_contains(
        "stderr",
        &err,
        "short.csv: row 3: has 2 cells but the header has",
    );
}

#[test]
fn ragged_row_names_its_cell_count_or_is_skipped_with_a_warning() {
    let env = Env::english();
    env.write("bad.csv", "编号,标题,内容\n1,甲,乙\n2,丙\n3,丁,戊\n");
    let err = env.fails(&["rank", "bad.csv"]);
    assert_contains(
        "stderr",
        &err,
        "bad.csv: row 3: has 2 cells but the header has 3",
    );
    assert_contains("stderr", &err, "--skip-bad-rows");
    let out = env.run(&["rank", "bad.csv", "--skip-bad-rows"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_contains(
        "stderr",
        &stderr,
        "row 3 has 2 cells but the header has 3: skipped",
    );
    let ranked = Ranked::parse(&String::from_utf8(out.stdout).unwrap());
    let mut ids = ranked.ids();
    ids.sort();
    assert_same("rows kept", vec!["1".to_string(), "3".to_string()], ids);
}

/// A quote never closed swallowed the rest of the file, and the error only said the row had
/// one cell: it now names the quote and its row.
#[test]
fn an_unclosed_quote_is_named_not_only_the_cell_count() {
    let env = Env::english();
    env.write("bad.csv", "id,title,text\n\"1,标题,内容\n");
    let err = env.fails(&["rank", "bad.csv"]);
    assert_contains(
        "stderr",
        &err,
        "bad.csv: row 2: has 1 cells but the header has 3: a quote (\") opened in row 2 is never closed",
    );
    // The count can be right and rows still vanish into one cell: an error too.
    env.write(
        "lost.csv",
        "id,title,text\r\n1,a,b\r\n2,c,\"d\r\n3,e,f\r\n4,g,h\r\n",
    );
    let err = env.fails(&["rank", "lost.csv"]);
    assert_contains(
        "stderr",
        &err,
        "lost.csv: row 3: has a quote (\") that is never closed",
    );
}

#[test]
fn duplicate_ids_warn_and_both_rows_are_kept() {
    let env = Env::english();
    env.write(
        "dup.csv",
        "编号,标题,内容\n7,甲,驻村\n8,乙,修路\n7,丙,种茶\n",
    );
    let out = env.run(&["rank", "dup.csv"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_contains(
        "stderr",
        &stderr,
        "id '7' appears in row 2 and again in row 4",
    );
    let ranked = Ranked::parse(&String::from_utf8(out.stdout).unwrap());
    assert_same(
        "rows with id 7",
        2,
        ranked.ids().iter().filter(|i| *i == "7").count(),
    );
}

#[test]
fn duplicate_header_names_warn() {
    let env = Env::english();
    env.write("dup.csv", "编号,标题,内容,标题\n1,甲,驻村,乙\n");
    let out = env.run(&["rank", "dup.csv"]);
    assert!(out.status.success());
    assert_contains(
        "stderr",
        &String::from_utf8_lossy(&out.stderr),
        "names the column '标题' twice",
    );
}

#[test]
fn empty_submission_is_kept_scored_zero_with_reason_kongneirong() {
    let env = Env::new();
    let text = format!("{SUBMISSIONS}N10,,,\n");
    env.write("in.csv", text);
    let ranked = rank(&env, &["in.csv"]);
    let row = ranked.rank_of("N10") - 1;
    assert_same("score", "0.0000", ranked.column("score")[row].as_str());
    assert_contains("reasons", &ranked.column("reasons")[row], "空内容");
}

/// A row of punctuation or emoji alone has no words, so it scores 0 like an empty row; its
/// reason said 标题和正文都是空的 beside a title that was not.
#[test]
fn a_row_of_punctuation_or_emoji_alone_scores_zero_and_its_reason_does_not_call_it_empty() {
    let env = Env::new();
    let text = format!("{SUBMISSIONS}N10,。，！？……,,😀🎉——\nN11,,,\n");
    env.write("in.csv", text);
    let ranked = rank(&env, &["in.csv"]);
    for id in ["N10", "N11"] {
        let row = ranked.rank_of(id) - 1;
        assert_same("score", "0.0000", ranked.column("score")[row].as_str());
        let reason = &ranked.column("reasons")[row];
        assert_contains("reasons", reason, "空内容");
        assert!(!reason.contains("都是空的"), "{id}: {reason}");
    }
}

#[test]
fn a_ten_megabyte_cell_and_a_very_long_line_are_read() {
    let env = Env::new();
    let long = "驻村第一书记带领群众修路。".repeat(10 * 1024 * 1024 / 39 + 1);
    assert!(long.len() >= 10 * 1024 * 1024);
    env.write(
        "big.csv",
        format!("编号,标题,内容\n1,整篇报告,{long}\n2,通知,开会\n"),
    );
    let ranked = rank(&env, &["big.csv"]);
    assert_same("rows", 2, ranked.rows.len());
    assert_same(
        "the long cell",
        long.len(),
        ranked.column("内容")[ranked.rank_of("1") - 1].len(),
    );
}

#[test]
fn empty_file_is_an_error_and_header_only_gives_a_header() {
    let env = Env::english();
    env.write("empty.csv", "");
    let err = env.fails(&["rank", "empty.csv"]);
    assert_contains("stderr", &err, "empty.csv: the file is empty");
    env.write("header.csv", "编号,标题,内容\n");
    let out = env.ok(&["rank", "header.csv"]);
    assert_same("lines", 1, out.lines().count());
}

#[test]
fn binary_junk_stops_with_row_and_offset_or_is_replaced_with_lossy() {
    let env = Env::english();
    let mut junk = "编号,标题,内容\n1,甲,驻村\n2,乙,".as_bytes().to_vec();
    junk.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x81, 0x30, 0xFF, 0x0A]);
    env.write("junk.csv", &junk);
    let err = env.fails(&["rank", "junk.csv"]);
    assert_contains("stderr", &err, "junk.csv: row 3");
    assert_contains("stderr", &err, "byte offset");
    let stderr = env.ok_stderr(&["rank", "junk.csv", "--lossy"]);
    assert_contains("stderr", &stderr, "replaced by \u{fffd}");
}

/// Three bad bytes in one cell of a small UTF-8 file once made it GB18030 (three bad UTF-8
/// sequences against two in GB18030), and the error named a good row and bytes that are fine.
#[test]
fn a_utf8_file_with_three_bad_bytes_names_their_row_not_a_good_one() {
    let env = Env::english();
    env.write(
        "bad.csv",
        b"id,title,text\nG1,\xe5\xa5\xbd,abc\nG2,\xff\xfe\xfd,abc\n",
    );
    let err = env.fails(&["rank", "bad.csv"]);
    assert_contains(
        "stderr",
        &err,
        "bad.csv: row 3: bytes [FF] at byte offset 28 are not valid UTF-8",
    );
}

#[test]
fn formula_cells_are_neutralized_unless_kept() {
    let env = Env::new();
    env.write(
        "f.csv",
        "编号,标题,内容,备注\n=1+1,@SUM(A1),驻村第一书记,-2\n",
    );
    let ranked = rank(&env, &["f.csv"]);
    assert_same("id", "'=1+1", ranked.ids()[0].as_str());
    assert_same("title", "'@SUM(A1)", ranked.column("标题")[0].as_str());
    assert_same("note", "'-2", ranked.column("备注")[0].as_str());
    let kept = rank(&env, &["f.csv", "--keep-formulas"]);
    assert_same("kept id", "=1+1", kept.ids()[0].as_str());
}

#[test]
fn truncated_model_file_is_an_error_not_a_panic() {
    let env = super::model::trained(&[]);
    let model = env.read_bytes("model.json");
    for cut in [model.len() / 2, 40, 1] {
        env.write("cut.json", &model[..cut]);
        let err = env.fails(&["rank", "in.csv", "--model", "cut.json"]);
        assert_contains("stderr", &err, "cut.json");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    env.fails_usage(&["rank", "in.csv", "--no-such-flag"]);
}

#[test]
fn interrupting_a_run_leaves_no_output_behind() {
    let env = Env::new();
    let body = SUBMISSIONS.split_once('\n').unwrap().1;
    let mut big = String::from("编号,标题,报送单位,内容\n");
    for i in 0..150 {
        for line in body.lines() {
            big.push_str(&format!("{i}-{line}\n"));
        }
    }
    env.write("big.csv", big);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xuanti"))
        .args(["rank", "big.csv", "-o", "out.csv"])
        .current_dir(env.path(""))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    let status = child.wait().unwrap();
    if !killed || status.success() {
        return; // finished before the signal: nothing to check on this machine
    }
    let left: Vec<String> = std::fs::read_dir(env.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "big.csv")
        .collect();
    assert!(left.is_empty(), "left behind after Ctrl-C: {left:?}");
}

#[test]
fn gbk_themes_file_and_user_dictionary_work_like_utf8_ones() {
    // Notepad and WPS on Chinese Windows may save the files staff edit in GBK.
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let themes = "[[theme]]\nname = \"红色文化\"\nkeywords = [\"红军\", \"长征\"]\n";
    let dict = "红枫湖镇 ns\n板凳议事会 20000 nz\n";
    env.write("themes.toml", themes);
    env.write("dict.txt", dict);
    env.write("themes-gbk.toml", encoding_rs::GBK.encode(themes).0);
    env.write("dict-gbk.txt", encoding_rs::GBK.encode(dict).0);
    let utf8 = env.ok(&[
        "rank",
        "in.csv",
        "--themes",
        "themes.toml",
        "--dict",
        "dict.txt",
    ]);
    let gbk = env.ok(&[
        "rank",
        "in.csv",
        "--themes",
        "themes-gbk.toml",
        "--dict",
        "dict-gbk.txt",
    ]);
    assert_same("ranking with GBK files", utf8, gbk);
    // Bytes that are neither: the line and the byte are named.
    env.write("bad.txt", b"\xe5\xa5\xbd\xe8\xaf\x8d n\n\xff\xff n\n");
    let err = env.fails(&["rank", "in.csv", "--dict", "bad.txt"]);
    assert_contains("stderr", &err, "bad.txt：第 2 行");
    assert_contains("stderr", &err, "第 9 个字节");
}

#[test]
fn a_utf8_bom_before_a_gbk_body_is_read_as_gbk_detected_or_forced() {
    // A UTF-8 BOM glued to a GBK file (a tool that adds one to whatever it saves, a UTF-8
    // header line pasted above a GBK file). The BOM decided: the error said the bytes were not
    // UTF-8 and suggested `--encoding gbk`, which failed too, reading the BOM as GBK text.
    let env = Env::english();
    let base = base(&env);
    let mut glued = b"\xEF\xBB\xBF".to_vec();
    glued.extend_from_slice(&encoding_rs::GBK.encode(SUBMISSIONS).0);
    env.write("glued.csv", glued);
    let out = env.run(&["rank", "glued.csv"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_contains("stderr", &err, "GB18030 (detected)");
    assert_contains(
        "stderr",
        &err,
        "glued.csv: the file starts with a UTF-8 BOM",
    );
    assert_same(
        "detected",
        &base,
        &Ranked::parse(&String::from_utf8_lossy(&out.stdout)).score_by_id(),
    );
    assert_same(
        "--encoding gbk",
        &base,
        &rank(&env, &["glued.csv", "--encoding", "gbk"]).score_by_id(),
    );
}

#[test]
fn a_dash_reads_the_batch_from_standard_input_and_names_no_file_elsewhere() {
    // `-o -` was standard output but `-` as an input was a missing file named "-", and
    // `--report -` wrote the report to a file named "-" in the current folder.
    use std::io::Write;
    let env = Env::english();
    let base = base(&env);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xuanti"))
        .args(["rank", "-"])
        .env("XUANTI_LANG", "en")
        .current_dir(env.path(""))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run xuanti");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(&encoding_rs::GBK.encode(SUBMISSIONS).0)
        .expect("write stdin");
    drop(stdin);
    let out = child.wait_with_output().expect("xuanti ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_contains("stderr", &err, "-: GB18030 (detected)");
    assert_same(
        "ranked from standard input",
        &base,
        &Ranked::parse(&String::from_utf8_lossy(&out.stdout)).score_by_id(),
    );
    // Any other output named `-`, and `train`'s or `eval`'s input, is a usage error.
    let err = env.fails_usage(&["rank", "base.csv", "-o", "out.csv", "--report", "-"]);
    assert_contains("error", &err, "-: this output cannot go to standard output");
    assert_contains("error", &err, "--report -: ");
    assert!(!env.exists("-"), "a file named - was written");
    assert!(!env.exists("out.csv"));
    let err = env.fails_usage(&["train", "-", "--label", "入选"]);
    assert_contains("error", &err, "cannot come from standard input");
    // It said "only rank reads standard input", but simulate and eval --test read it too.
    assert!(!err.contains("only rank"), "{err}");
}

#[test]
fn standard_input_given_for_two_inputs_is_a_usage_error_that_says_why() {
    // `rank - --decisions-file -` read the batch from standard input, then the decisions from
    // what was left of it (nothing): "the file is empty".
    let env = Env::english();
    env.write("in.csv", SUBMISSIONS);
    for args in [
        &["rank", "-", "--decisions-file", "-"][..],
        &[
            "rank",
            "-",
            "in.csv",
            "--decisions-file",
            "-",
            "-o",
            "out.csv",
        ],
    ] {
        let err = env.fails_usage(args);
        assert_contains("error", &err, "standard input can be read only once");
        assert_contains("error", &err, "--decisions-file");
        assert!(!env.exists("out.csv"));
    }
    let err = Env::new().fails_usage(&["rank", "-", "--decisions-file", "-"]);
    assert_contains("error", &err, "标准输入只能读一次");
    // One of them from standard input is still fine.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xuanti"))
        .args(["rank", "in.csv", "--decisions-file", "-"])
        .env("XUANTI_LANG", "en")
        .current_dir(env.path(""))
        .stdin(std::fs::File::open(env.write("d.csv", "编号,决定\nS02,入选\n")).unwrap())
        .output()
        .expect("run xuanti");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_ranking_named_as_another_kind_of_workbook_is_refused_before_any_work() {
    // `-o 排序.xls` (or .ods, WPS's .et) wrote CSV text under that name: Excel opens it only
    // after warning that the format and the extension do not match.
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    for name in ["排序.xls", "排序.ODS", "排序.et"] {
        let err = env.fails_usage(&["rank", "in.csv", "-o", name]);
        assert_contains("error", &err, name);
        assert_contains("error", &err, ".xlsx");
        assert!(!env.exists(name), "{name} was written");
    }
    env.ok(&["rank", "in.csv", "-o", "排序.XLSX"]);
    assert!(env.read_bytes("排序.XLSX").starts_with(b"PK"));
}

#[test]
fn an_output_folder_that_cannot_be_written_stops_the_run_before_it_writes() {
    // A folder staff may not write in (a shared folder, a read-only copy) was found only when
    // the output was written: after the work, and with `--report` there, after the ranking
    // had gone to stdout or to `-o`.
    use std::os::unix::fs::PermissionsExt;
    let env = Env::english();
    env.write("in.csv", SUBMISSIONS);
    env.write("locked/keep.txt", "");
    std::fs::set_permissions(env.path("locked"), std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(env.path("locked/probe"), "").is_ok() {
        eprintln!("skipped: running as root, who can write in any folder");
        return;
    }
    let out = env.run(&[
        "rank",
        "in.csv",
        "-o",
        "out.csv",
        "--report",
        "locked/r.html",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_contains(
        "stderr",
        &err,
        "locked/r.html: cannot create a file in the folder",
    );
    assert!(!env.exists("out.csv"), "the ranking was written");
    let out = env.run(&["rank", "in.csv", "--report", "locked/r.html"]);
    assert!(out.stdout.is_empty(), "the ranking went to stdout");
}

/// Runs `xuanti ARGS` in `env`'s folder with `input` on its standard input.
fn run_with_stdin(env: &Env, args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let lang = if env.error_prefix().contains("error") {
        "en"
    } else {
        "zh"
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xuanti"))
        .args(args)
        .env("XUANTI_LANG", lang)
        .current_dir(env.path(""))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run xuanti");
    let mut stdin = child.stdin.take().expect("stdin");
    // xuanti may stop before it reads (a usage error): a closed pipe is no failure here.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("xuanti ends")
}

#[test]
fn standard_input_given_twice_is_a_usage_error_not_an_empty_file() {
    // `rank - --decisions-file -` (or `eval --test - --test -`) read the batch from standard
    // input, then found it empty for the second: "-: the file is empty (not even a header
    // row)", about data that was there.
    for env in [Env::new(), Env::english()] {
        env.write("past.csv", PAST);
        env.ok(&["train", "past.csv", "--label", "入选", "-o", "m.json"]);
        let runs: [&[&str]; 2] = [
            &["rank", "-", "--decisions-file", "-", "-o", "out.csv"],
            &[
                "eval", "--model", "m.json", "--test", "-", "--test", "-", "--label", "入选",
            ],
        ];
        for args in runs {
            let out = run_with_stdin(&env, args, PAST.as_bytes());
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{}: {err}", args.join(" "));
            let said = if env.error_prefix().contains("error") {
                "standard input can be read only once"
            } else {
                "标准输入只能读一次"
            };
            assert_contains("stderr", &err, said);
            assert!(!env.exists("out.csv"));
        }
    }
}

#[test]
fn a_model_piped_in_as_the_batch_is_not_told_to_use_model_dash() {
    // A model file on standard input was told to use `--model -`, which looks for a file
    // named `-`: the model must be saved as a file to be given with --model.
    let env = Env::english();
    env.write("past.csv", PAST);
    env.ok(&["train", "past.csv", "--label", "入选", "-o", "m.json"]);
    let out = run_with_stdin(&env, &["rank", "-"], &env.read_bytes("m.json"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_contains("stderr", &err, "-: is a xuanti model file");
    assert!(!err.contains("--model -"), "{err}");
    assert_contains("stderr", &err, "--model FILE");
}
