//! Chinese by default, English with `--lang en` or `XUANTI_LANG=en`: the help, clap's usage
//! errors, xuanti's own errors and warnings. Flag names, files, rows and values read the same
//! in both.

use super::fixtures::{PAST, SUBMISSIONS};
use super::util::{assert_contains, assert_same, Env};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn assert_lacks(what: &str, haystack: &str, needle: &str) {
    assert!(
        !haystack.contains(needle),
        "{what} contains {needle:?}\n--- actual ---\n{haystack}"
    );
}

#[test]
fn help_is_chinese_by_default_and_names_the_english_flags() {
    let env = Env::new();
    let root = env.ok(&["--help"]);
    for needle in [
        "用法：xuanti",
        "命令:",
        "选项:",
        "给一批申报材料",
        "--threads",
        "--lang",
        "显示帮助",
        "显示版本号",
    ] {
        assert_contains("xuanti --help", &root, needle);
    }
    let rank = env.ok(&["rank", "--help"]);
    for needle in [
        "用法：xuanti rank",
        "参数:",
        "<INPUT>",
        "要排序的申报材料",
        "--skip-bad-rows",
        "单元格个数和表头对不上的行直接跳过",
        "--pick-rate",
        "［默认：trained］",
        "--model",
        "-o, --output",
    ] {
        assert_contains("xuanti rank --help", &rank, needle);
    }
    for english in [
        "Usage:",
        "Options:",
        "Arguments:",
        "Print help",
        "[default:",
    ] {
        assert_lacks("xuanti rank --help", &rank, english);
    }
    // `help SUBCOMMAND` and `-h` give the same Chinese help.
    assert_same(
        "help rank",
        rank.as_str(),
        env.ok(&["help", "rank"]).as_str(),
    );
    assert_contains(
        "rank -h",
        &env.ok(&["rank", "-h"]),
        "单元格个数和表头对不上的行",
    );
    assert_contains(
        "train --help",
        &env.ok(&["train", "--help"]),
        "入选列：入选/不入选、是/否",
    );
    assert_contains(
        "eval --help",
        &env.ok(&["eval", "--help"]),
        "交叉验证分几折",
    );
}

/// `train`'s summary said the past rounds come as a CSV (workbooks work as well), and
/// `--date-col` said it served --recency alone (its years also choose the validation).
#[test]
fn train_help_says_workbooks_are_read_and_what_the_date_column_decides() {
    let env = Env::new();
    let root = env.ok(&["--help"]);
    let train = env.ok(&["train", "--help"]);
    for help in [&root, &train] {
        assert!(!help.contains("CSV 里要有"), "{help}");
        assert_contains("train summary", help, "CSV 或工作簿");
    }
    assert_contains("--date-col", &train, "最新的年份");
    assert!(!train.contains("供 --recency 使用"), "{train}");
    let eval = env.ok(&["eval", "--help"]);
    assert_contains("eval --date-col", &eval, "最新的年份");
    let root = env.ok(&["--lang", "en", "--help"]);
    let train = env.ok(&["--lang", "en", "train", "--help"]);
    for help in [&root, &train] {
        assert_contains("English train summary", help, "CSV or workbooks");
    }
    assert_contains("English --date-col", &train, "newest years");
}

#[test]
fn lang_en_and_xuanti_lang_en_give_the_english_help_and_the_flag_wins() {
    let env = Env::new();
    let by_flag = env.ok(&["--lang", "en", "rank", "--help"]);
    let after = env.ok(&["rank", "--help", "--lang=en"]);
    let by_env = env.run_with_env(&["rank", "--help"], &[("XUANTI_LANG", "en")]);
    assert!(by_env.status.success());
    let by_env = stdout(&by_env);
    for help in [&by_flag, &after, &by_env] {
        assert_contains("English help", help, "Usage: xuanti rank");
        assert_contains(
            "English help",
            help,
            "Skip rows whose number of cells differs from the header's",
        );
        assert_contains("English help", help, "[default: trained]");
        assert_lacks("English help", help, "用法");
    }
    assert_same("--lang en and XUANTI_LANG=en", &by_flag, &by_env);
    // --lang zh wins over XUANTI_LANG=en.
    let out = env.run_with_env(
        &["--lang", "zh", "rank", "--help"],
        &[("XUANTI_LANG", "en")],
    );
    assert_contains("--lang zh", &stdout(&out), "用法：xuanti rank");
}

#[test]
fn usage_errors_get_a_chinese_hint_and_keep_exit_code_2() {
    let env = Env::new();
    env.write("in.csv", SUBMISSIONS);
    let err = env.fails_usage(&["rank", "in.csv", "--bogus"]);
    assert_contains("stderr", &err, "xuanti: 命令行有误：有不认识的选项");
    assert_contains("stderr", &err, "--bogus");
    let err = env.fails_usage(&["rank", "in.csv", "--encoding", "klingon"]);
    assert_contains("stderr", &err, "“klingon”不是编码名称");
    let err = env.fails_usage(&["rank", "in.csv", "--lang", "fr"]);
    assert_contains("stderr", &err, "某个选项的值不对");
    let english = Env::english();
    english.write("in.csv", SUBMISSIONS);
    let err = english.fails_usage(&["rank", "in.csv", "--bogus"]);
    assert_contains("stderr", &err, "unexpected argument '--bogus'");
    assert_lacks("stderr", &err, "命令行有误");
}

/// One bad input, the setup and arguments, and what its error says in each language.
struct Case {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    args: &'static [&'static str],
    code: i32,
    zh: &'static [&'static str],
    en: &'static [&'static str],
}

const RAGGED: &str = "编号,标题,内容\n1,甲,乙\n2,丙\n";

const CASES: &[Case] = &[
    Case {
        name: "ragged row",
        files: &[("bad.csv", RAGGED)],
        args: &["rank", "bad.csv"],
        code: 1,
        zh: &[
            "xuanti: 错误：无法读取申报材料",
            "  原因：bad.csv：第 3 行：有 2 个单元格，但表头有 3 个（可以用 --skip-bad-rows 跳过这样的行）",
        ],
        en: &[
            "xuanti: error: cannot read the submissions",
            "  caused by: bad.csv: row 3: has 2 cells but the header has 3 (use --skip-bad-rows to skip such rows)",
        ],
    },
    Case {
        name: "missing column",
        files: &[("in.csv", SUBMISSIONS)],
        args: &["rank", "in.csv", "--title-col", "题目名称"],
        code: 2,
        zh: &["in.csv：没有“题目名称”这一列；文件里的列：编号,标题,报送单位,内容"],
        en: &["in.csv: column '题目名称' does not exist; columns are: 编号,标题,报送单位,内容"],
    },
    Case {
        name: "bad model file",
        files: &[("in.csv", SUBMISSIONS), ("model.json", "编号,标题\n1,甲\n")],
        args: &["rank", "in.csv", "--model", "model.json"],
        code: 1,
        zh: &[
            "xuanti: 错误：无法使用模型文件（--model）",
            "model.json：不是 xuanti 模型文件（不是 JSON 格式",
        ],
        en: &[
            "xuanti: error: cannot use the model",
            "model.json: not a xuanti model file (not JSON",
        ],
    },
    Case {
        name: "model of another version",
        files: &[
            ("in.csv", SUBMISSIONS),
            ("model.json", r#"{"format":"xuanti-model","version":999}"#),
        ],
        args: &["rank", "in.csv", "--model", "model.json"],
        code: 1,
        zh: &["model.json：不支持 version 999 的模型文件", "xuanti train"],
        en: &["model.json: model file version 999 is not supported", "xuanti train"],
    },
    Case {
        name: "empty file",
        files: &[("empty.csv", "")],
        args: &["rank", "empty.csv"],
        code: 1,
        zh: &["empty.csv：文件是空的（连表头行都没有）"],
        en: &["empty.csv: the file is empty (not even a header row)"],
    },
    Case {
        name: "missing file",
        files: &[],
        args: &["rank", "nope.csv"],
        code: 1,
        zh: &["nope.csv：找不到这个文件（", "os error"],
        en: &["nope.csv: ", "os error"],
    },
    Case {
        name: "no title or text column",
        files: &[("bad.csv", "序号,备注\n1,无\n")],
        args: &["rank", "bad.csv"],
        code: 1,
        zh: &["bad.csv：找不到标题列或正文列；文件里的列：序号,备注；认得的列名：标题 ", "--title-col/--text-col"],
        en: &["bad.csv: no title or text column; columns found: 序号,备注; accepted names: title ", "--title-col/--text-col"],
    },
    Case {
        name: "theme without keywords",
        files: &[("in.csv", SUBMISSIONS), ("themes.toml", "[[theme]]\nname = \"空主题\"\n")],
        args: &["rank", "in.csv", "--themes", "themes.toml"],
        code: 1,
        zh: &["xuanti: 错误：无法使用主题文件（--themes）", "themes.toml：主题“空主题”没有关键词"],
        en: &["xuanti: error: cannot use the themes file", "themes.toml: theme '空主题' has no keywords"],
    },
    Case {
        name: "bad dictionary line",
        files: &[("in.csv", SUBMISSIONS), ("dict.txt", "驻村 5x\n")],
        args: &["rank", "in.csv", "--dict", "dict.txt"],
        code: 1,
        zh: &["dict.txt：第 1 行：词频不是整数", "：“驻村 5x”"],
        en: &["dict.txt: line 1: the frequency is not a whole number", ": '驻村 5x'"],
    },
    Case {
        name: "output over the input",
        files: &[("in.csv", SUBMISSIONS)],
        args: &["rank", "in.csv", "-o", "in.csv"],
        code: 2,
        zh: &["in.csv：这是输入文件，不能把结果写到它上面"],
        en: &["in.csv: refusing to write the output over an input file"],
    },
];

#[test]
fn bad_input_errors_are_chinese_by_default_and_english_on_request() {
    for case in CASES {
        for english in [false, true] {
            let env = if english { Env::english() } else { Env::new() };
            for (name, contents) in case.files {
                env.write(name, contents);
            }
            let out = env.run(case.args);
            let err = stderr(&out);
            assert_same(
                &format!("exit code of {} (English: {english})\n{err}", case.name),
                Some(case.code),
                out.status.code(),
            );
            if case.code == 1 {
                assert_contains(case.name, &err, env.error_prefix());
            }
            for needle in if english { case.en } else { case.zh } {
                assert_contains(case.name, &err, needle);
            }
            let other = if english { "错误" } else { "error:" };
            assert_lacks(case.name, &err, other);
        }
    }
}

#[test]
fn bad_label_and_date_cells_name_file_row_column_and_value_in_both_languages() {
    let bad = PAST.replacen("现在满山都是花香。”,是,", "现在满山都是花香。”,也许,", 1);
    assert!(bad.contains(",也许,"), "fixture edit failed");
    let args = ["train", "past.csv", "--label", "入选", "-o", "m.json"];
    let env = Env::new();
    env.write("past.csv", &bad);
    let err = env.fails(&args);
    assert_contains(
        "stderr",
        &err,
        "past.csv：第 5 行“入选”列：不是入选标记（请用 入选/不入选、是/否、1/0、√/×、yes/no）：“也许”",
    );
    let env = Env::english();
    env.write("past.csv", &bad);
    let err = env.fails(&args);
    assert_contains(
        "stderr",
        &err,
        "past.csv: row 5, column '入选': not a label (use 入选/不入选, 是/否, 1/0, √/×, yes/no): '也许'",
    );
}

#[test]
fn warnings_and_the_encoding_line_are_chinese_by_default() {
    let env = Env::new();
    env.write("bad.csv", RAGGED);
    let out = env.run(&["rank", "bad.csv", "--skip-bad-rows"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert_contains(
        "stderr",
        &err,
        "xuanti: bad.csv：编码 UTF-8（自动识别），逗号分隔",
    );
    assert_contains(
        "stderr",
        &err,
        "xuanti: 警告：bad.csv：第 3 行有 2 个单元格，但表头有 3 个，已跳过（--skip-bad-rows）",
    );
    let env = Env::english();
    env.write("bad.csv", RAGGED);
    let err = stderr(&env.run(&["rank", "bad.csv", "--skip-bad-rows"]));
    assert_contains(
        "stderr",
        &err,
        "xuanti: bad.csv: UTF-8 (detected), comma-separated",
    );
    assert_contains(
        "stderr",
        &err,
        "xuanti: warning: bad.csv: row 3 has 2 cells",
    );
}

#[test]
fn encoding_errors_name_row_offset_and_flags_in_chinese() {
    let env = Env::new();
    env.write("gbk.csv", encoding_rs::GBK.encode(SUBMISSIONS).0);
    let err = env.fails(&["rank", "gbk.csv", "--encoding", "utf-8"]);
    assert_contains("stderr", &err, "gbk.csv：第 1 行：第 ");
    assert_contains("stderr", &err, "个字节起的 [");
    assert_contains("stderr", &err, "不是有效的 UTF-8 编码");
    assert_contains("stderr", &err, "--encoding");
    assert_contains("stderr", &err, "--lossy");
}

#[test]
fn lang_is_read_in_any_case_like_xuanti_lang() {
    // `--lang EN` chose English for the messages (as XUANTI_LANG=EN does) and was then refused
    // by the parser: "invalid value 'EN'", exit 2.
    let env = Env::new();
    let out = env.run(&["--lang", "EN", "rank", "missing.csv"]);
    assert_same("exit code", Some(1), out.status.code());
    assert_contains("stderr", &stderr(&out), "xuanti: error: cannot read");
    let out = env.run_with_env(
        &["rank", "missing.csv", "--lang=ZH"],
        &[("XUANTI_LANG", "en")],
    );
    assert_same("exit code", Some(1), out.status.code());
    assert_contains("stderr", &stderr(&out), "xuanti: 错误：无法读取");
}

#[test]
fn a_wrong_subcommand_names_every_subcommand_in_the_chinese_line() {
    let env = Env::new();
    let err = env.fails_usage(&["rnak", "in.csv"]);
    let line = err
        .lines()
        .find(|l| l.starts_with("xuanti: 命令行有误"))
        .unwrap_or_else(|| panic!("no Chinese line in\n{err}"));
    for sub in ["rank", "train", "eval", "simulate", "init"] {
        assert_contains("the Chinese line", line, sub);
    }
}
