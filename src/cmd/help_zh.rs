//! The Chinese help: a table of texts laid over the clap command at start-up.
//!
//! The English help is the doc comments of the derive structs; this table holds the Chinese
//! `about` of each (sub)command and the help of each argument, keyed by command name and arg
//! id. [`localize`] builds the command (so that the derive's deferred arguments, the
//! propagated global flags and clap's own `--help`/`--version`/`help` exist) and replaces the
//! texts and headings. A unit test walks the command: every argument needs an entry here and
//! every entry must still match an argument.

use clap::error::ErrorKind;
use clap::{Arg, Command};

/// The root command's name.
const ROOT: &str = "xuanti";

/// The `about` of each command, by name (clap's `help` subcommand included).
const ABOUT: &[(&str, &str)] = &[
    (
        ROOT,
        "选题：把申报的选题材料按中心工作主题和范例标准排序，并从往年的入选结果中学习。",
    ),
    (
        "rank",
        "给一批申报材料（CSV 或工作簿，可以是几个文件）打分排序，好的在前，并写明理由。",
    ),
    (
        "train",
        "用往年的入选结果训练选题模型（CSV 或工作簿，每轮一个文件，要有“是否入选”这样的一列）。",
    ),
    (
        "eval",
        "衡量排序效果：交叉验证、训练后测后来的批次，或冷启动。",
    ),
    (
        "simulate",
        "在已知入选结果的批次上重演“审读一批、标注、再排序”的过程，衡量能省多少审读量。",
    ),
    (
        "init",
        "写出可编辑的起步文件：themes.toml、userdict.txt 和空白的素材申报表。",
    ),
    ("help", "显示本帮助，或某个子命令的帮助"),
];

const ALL: &[&str] = &["rank", "train", "eval", "simulate"];
const LEARN: &[&str] = &["train", "eval"];

/// The help of each argument: the commands it appears in (a global flag is listed under the
/// root only), its id, the text.
const ARGS: &[(&[&str], &str, &str)] = &[
    // The root and clap's own.
    (
        &[ROOT],
        "threads",
        "工作线程数，1 到 1024（默认每个核一个；1 表示全部在主线程里运行）。线程数多少不影响结果。",
    ),
    (
        &[ROOT],
        "lang",
        "帮助和提示信息的语言：zh（中文，默认）或 en（英文）；设环境变量 XUANTI_LANG=en 效果相同。",
    ),
    (
        &[ROOT],
        "quiet",
        "标准错误输出上只显示错误：不显示进度条、提示和警告。",
    ),
    (
        &[ROOT],
        "verbose",
        "标准错误输出上多显示一些：各步骤用时和所做的决定。",
    ),
    (
        &[ROOT, "rank", "train", "eval", "simulate", "init"],
        "help",
        "显示帮助",
    ),
    (&[ROOT], "version", "显示版本号"),
    // rank
    (
        &["rank"],
        "inputs",
        "要排序的申报材料（CSV 文件，UTF-8 或 GBK 编码，第一行是表头；或工作簿）。可以给几个文件（每个乡镇、部门一个），合成一批一起排序。",
    ),
    (
        &["rank"],
        "model",
        "训练好的模型文件（由 xuanti train 生成）；不给时用冷启动评分。",
    ),
    (
        &["rank", "eval"],
        "pick_rate",
        "把一批材料的平均入选概率调到多少：trained（用训练数据近年的入选率，适合 100 行以上的批次）、一个比例（如 0.1），或 off（不调）。",
    ),
    (
        &["rank"],
        "output",
        "输出文件：以 .xlsx 结尾的写成 Excel 工作簿，其他写成 CSV（不给或给 - 时输出到标准输出）。",
    ),
    (
        &["rank"],
        "keep_formulas",
        "以 = + - @、制表符或回车开头的单元格原样写出。默认会在前面加一个 '，免得 Excel 和 WPS 把它当公式执行。",
    ),
    (&["rank"], "top", "只保留前 N 个选题（疑似重复的材料随原件一起保留）。"),
    // train
    (
        &["train"],
        "inputs",
        "往年的申报材料（CSV 文件，UTF-8 或 GBK 编码，或工作簿），带“是否入选”一列；可以给几个文件（每轮一个，先旧后新），一起学习。",
    ),
    (
        &["train"],
        "label",
        "入选列：入选/不入选、是/否、1/0、√/×、true/false、yes/no、Y/N。",
    ),
    (&["train"], "output", "要写出的模型文件。"),
    (
        &["train"],
        "unmarked",
        "入选列为空或“待定”的行怎么办：reject 按不入选处理（一轮只标了入选的），skip 不参加训练。不给时这样的行会报错。",
    ),
    // eval
    (
        &["eval"],
        "unmarked",
        "训练文件和 --test 批次里入选列为空或“待定”的行怎么办：reject 按不入选处理，skip 略去（同 train）。",
    ),
    (
        &["eval"],
        "inputs",
        "用来训练的往年材料（已标明是否入选；可以给几个文件，每轮一个，先旧后新，同 train）。不给 --test 时，在它上面做 k 折交叉验证（只用一个文件）。INPUT 和 --model 都不给时，对每个 --test 批次做冷启动评估（只用主题和范例标准）。",
    ),
    (
        &["eval"],
        "label",
        "入选列（INPUT 和每个 --test 批次里都要有）。",
    ),
    (&["eval"], "folds", "不给 --test 时，交叉验证分几折。"),
    (
        &["eval"],
        "test",
        "后来的批次，用来排序并计算效果（可以给多个）。",
    ),
    (
        &["eval"],
        "model",
        "不训练，直接在 --test 批次上评估这个训练好的模型。",
    ),
    (
        &["eval"],
        "compare",
        "shared/bench/anchors 里同类系统的结果 JSON（可以给多个），和本程序的结果并排显示（在表格里，不和 --json 一起用）。",
    ),
    (&["eval"], "json", "输出 JSON，而不是表格。"),
    (
        &["rank"],
        "no_bom",
        "写 CSV 文件时不加 UTF-8 BOM（Excel 要靠它才能正确显示中文）。",
    ),
    (
        &["rank"],
        "per_theme",
        "均衡推荐名单：每个主题最多 N 个选题，有候选的主题都至少有一个。",
    ),
    (
        &["rank"],
        "per_unit",
        "均衡推荐名单：每个报送单位最多 N 个选题。",
    ),
    (
        &["rank"],
        "decisions",
        "本批材料中记录审读决定的列（入选 / 不入选 / 待定，或留空）：已决定的行用来学习（分量比往年重），其余的重新排序；已决定的行另成一块排在后面。会把整批材料读入内存。",
    ),
    (
        &["rank"],
        "decisions_file",
        "审读决定放在另一个 CSV 或工作簿里（一列编号、一列决定），而不是本批材料的一列。",
    ),
    (
        &["rank"],
        "no_dedup",
        "不查找疑似重复的材料（每行单独排序）。",
    ),
    (
        &["rank"],
        "report",
        "另外写出一个独立的 HTML 报告（概况、图表、排序表），离线即可打开。",
    ),
    // simulate
    (
        &["simulate"],
        "input",
        "已知入选结果的一批材料（CSV 或 Excel 工作簿）。",
    ),
    (
        &["simulate"],
        "label",
        "入选列（1/0、是/否、入选/未入选 等）：每轮揭晓一批。",
    ),
    (
        &["simulate"],
        "model",
        "从这个训练好的模型（往年结果）出发，而不是只从随机的先验样本出发。",
    ),
    (
        &["simulate"],
        "priors",
        "先随机揭晓几个入选的和几个不入选的（默认：没有模型时各 1 个，有模型时 0 个）。",
    ),
    (
        &["simulate"],
        "step",
        "每轮审读多少行，然后把其余的重新排序。",
    ),
    (&["simulate"], "seed", "先验样本的随机种子。"),
    (
        &["simulate"],
        "runs",
        "用种子 S、S+1、… 重复几次，结果取平均。",
    ),
    (
        &["simulate"],
        "json",
        "把结果作为一个 JSON 对象输出到标准输出。",
    ),
    (
        &["simulate"],
        "curve",
        "把召回曲线（已审、已找到、召回率、估计和实际剩余的入选数）写成 CSV；重复多次时写第一次的。",
    ),
    (&["simulate"], "c", "批内模型的 SVM 正则化参数 C。"),
    (
        &["simulate"],
        "prior_scale",
        "训练好的模型的对数几率在批内打分中的权重。",
    ),
    (
        &["simulate"],
        "chars",
        "批内模型中字 n-gram 特征的权重（0 表示不用）。",
    ),
    (
        &["simulate"],
        "min_screened",
        "即使入选的都已找到，也继续审读到这一比例（如 0.3），以便跟踪“剩余入选数”估计。",
    ),
    (
        &["simulate"],
        "nb",
        "批内模型中朴素贝叶斯相对于 SVM 的权重（0 表示不用）。",
    ),
    // init
    (
        &["init"],
        "dir",
        "写到哪个文件夹（不存在就新建）。",
    ),
    (&["init"], "force", "替换已经存在的文件。"),
    // Column and dictionary flags (every subcommand).
    (ALL, "id_col", "编号所在的列（默认：id/编号/序号）。"),
    (
        ALL,
        "title_col",
        "标题所在的列（默认：title/标题/题目/选题/选题名称）。",
    ),
    (
        ALL,
        "text_col",
        "正文所在的列（默认：text/content/内容/正文/事迹/简介/素材内容/主要内容）。",
    ),
    (
        ALL,
        "unit_col",
        "报送单位所在的列（默认：unit/报送单位/单位/申报单位）。",
    ),
    (
        ALL,
        "encoding",
        "输入文件的编码（gbk、gb18030、utf-8、utf-16le、utf-16be 等）；默认自动识别（先看 BOM，再试 UTF-8，再试 GB18030）。",
    ),
    (
        ALL,
        "lossy",
        "遇到无法解码的字节，换成 � 并计数，而不是停下来。",
    ),
    (
        ALL,
        "delimiter",
        "分隔符：`,`、`tab`、`;` 或其他单个字符；默认根据表头自动识别。",
    ),
    (
        ALL,
        "skip_bad_rows",
        "单元格个数和表头对不上的行直接跳过（每行给一条警告），而不是停下来。",
    ),
    (
        ALL,
        "dict",
        "补充的分词词典：每行一个“词 [词频] [词性]”。",
    ),
    (ALL, "themes", "主题文件（TOML），替换内置的主题。"),
    (
        ALL,
        "sheet",
        "读 .xlsx/.xls/.ods 工作簿中的哪张工作表（默认：第一张有内容、没有隐藏的工作表）。",
    ),
    // Learner flags (train and eval).
    (
        LEARN,
        "themes_col",
        "主题标注列，多个主题用 ;、；、、 或逗号分隔：每个主题单独训练一个模型（theme:<主题>）。",
    ),
    (
        LEARN,
        "date_col",
        "每行的日期或年份所在的列（默认：date/日期/year/年份）。有这一列时，内部验证用更早的年份训练、拿最新的年份检验（要有至少四个年份），--recency 也按这些年份减权；没有时，几个文件按给出的顺序当作各轮（先旧后新），一个文件则用分层 k 折验证。",
    ),
    (
        LEARN,
        "recency",
        "让近年的轮次分量更重：每早 YEARS 年，一行的权重减半。",
    ),
    (LEARN, "cv_folds", "内部交叉验证分几折。"),
    (
        LEARN,
        "seed",
        "分折和求解顺序的随机种子（种子相同，模型就相同）。",
    ),
    (
        LEARN,
        "loss",
        "稀疏文本模型的损失函数：squared-hinge（线性 SVM）或 logistic。",
    ),
    (
        LEARN,
        "c_grid",
        "内部验证从中挑选的 C 值（用逗号分隔）。",
    ),
    (LEARN, "chars", "字 n-gram 特征的权重（0 表示不用）。"),
    (LEARN, "title_weight", "标题词特征的权重（0 表示不用）。"),
    (LEARN, "shape", "叙事结构特征的权重（0 表示不用）。"),
    (LEARN, "no_nb", "组合时不用朴素贝叶斯。"),
    (
        LEARN,
        "with_criteria",
        "组合时加入范例标准（默认不加：实测没有提升）。",
    ),
    (
        LEARN,
        "with_theme_signal",
        "组合时加入关键词主题相关度（默认不加：实测没有提升）。",
    ),
];

/// The help layout with Chinese headings (clap's default template otherwise).
const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";
const TEMPLATE_NO_ARGS: &str = "{before-help}{about-with-newline}\n用法：{usage}{after-help}";

/// The Chinese `about` of the command named `name`.
fn about_text(name: &str) -> Option<&'static str> {
    ABOUT.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The table key of `arg` in the command named `cmd`: a global flag, propagated to every
/// subcommand, is keyed under the root.
fn arg_key<'a>(cmd: &'a str, arg: &'a Arg) -> (&'a str, &'a str) {
    let cmd = if arg.is_global_set() { ROOT } else { cmd };
    (cmd, arg.get_id().as_str())
}

/// The Chinese help of `arg` in the command named `cmd`.
fn arg_text(cmd: &str, arg: &Arg) -> Option<&'static str> {
    let (cmd, id) = arg_key(cmd, arg);
    ARGS.iter()
        .find(|(cmds, i, _)| *i == id && cmds.contains(&cmd))
        .map(|(_, _, t)| *t)
}

/// The command with its help in Chinese (built: ready to parse).
pub fn localize(mut cmd: Command) -> Command {
    cmd.build();
    localize_tree(cmd)
}

fn localize_tree(mut cmd: Command) -> Command {
    let name = cmd.get_name().to_string();
    if let Some(about) = about_text(&name) {
        cmd = cmd.about(about).long_about(None);
    }
    let args: Vec<(String, Option<&str>)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), arg_text(&name, a)))
        .collect();
    let has_args = !args.is_empty() || cmd.has_subcommands();
    for (id, text) in args {
        cmd = cmd.mut_arg(id, |a| localize_arg(a, text));
    }
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for s in subcommands {
        cmd = cmd.mut_subcommand(s, localize_tree);
    }
    cmd.help_template(if has_args { TEMPLATE } else { TEMPLATE_NO_ARGS })
        .subcommand_help_heading("命令")
}

/// The Chinese help of one argument, with its default and possible values written into it
/// (clap would add them in English), under the heading 参数 or 选项.
fn localize_arg(mut arg: Arg, text: Option<&str>) -> Arg {
    let mut help = match text {
        Some(t) => t.to_string(),
        None => arg.get_help().map(|h| h.to_string()).unwrap_or_default(),
    };
    if arg.get_action().takes_values() {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() && !arg.is_hide_possible_values_set() {
            help.push_str(&format!("［可选：{}］", values.join("、")));
            arg = arg.hide_possible_values(true);
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && !arg.is_hide_default_value_set() {
            help.push_str(&format!("［默认：{}］", defaults.join(",")));
            arg = arg.hide_default_value(true);
        }
    }
    let heading = if arg.is_positional() {
        "参数"
    } else {
        "选项"
    };
    arg.help(help).long_help(None).help_heading(heading)
}

/// A Chinese sentence for a clap usage error (shown before clap's English message), or
/// `None` for help and version output.
pub fn error_hint(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::UnknownArgument => "有不认识的选项或多余的参数",
        ErrorKind::InvalidSubcommand => "没有这个子命令（可用 rank、train、eval、simulate、init）",
        ErrorKind::MissingSubcommand => "缺少子命令（rank、train、eval、simulate 或 init）",
        ErrorKind::MissingRequiredArgument => "缺少必须给出的参数或选项",
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "某个选项的值不对",
        ErrorKind::NoEquals => "这个选项的值要用 = 连着写",
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            "某个选项给出的值的个数不对"
        }
        ErrorKind::ArgumentConflict => "有的选项不能一起用",
        ErrorKind::InvalidUtf8 => "命令行里有不是 UTF-8 的文字",
        _ => "命令行用法不对",
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::CommandFactory;

    use super::*;
    use crate::cmd::Cli;

    /// Every command of the built tree, as (name, command).
    fn commands(cmd: &Command) -> Vec<&Command> {
        let mut out = vec![cmd];
        for s in cmd.get_subcommands() {
            out.extend(commands(s));
        }
        out
    }

    fn built() -> Command {
        let mut cmd = Cli::command();
        cmd.build();
        cmd
    }

    #[test]
    fn every_command_and_argument_has_a_chinese_text_and_no_entry_is_stale() {
        let cmd = built();
        let mut missing = Vec::new();
        let mut used_args = BTreeSet::new();
        let mut used_about = BTreeSet::new();
        for c in commands(&cmd) {
            let name = c.get_name();
            match about_text(name) {
                Some(_) => {
                    used_about.insert(name.to_string());
                }
                None => missing.push(format!("about of `{name}`")),
            }
            for a in c.get_arguments() {
                let (key_cmd, id) = arg_key(name, a);
                match arg_text(name, a) {
                    Some(_) => {
                        used_args.insert((key_cmd.to_string(), id.to_string()));
                    }
                    None => missing.push(format!("help of `{id}` in `{name}`")),
                }
            }
        }
        assert!(
            missing.is_empty(),
            "no Chinese text in help_zh.rs for: {missing:#?}"
        );
        let mut stale = Vec::new();
        for (name, _) in ABOUT {
            if !used_about.contains(*name) {
                stale.push(format!("about of `{name}`"));
            }
        }
        for (cmds, id, _) in ARGS {
            for c in *cmds {
                if !used_args.contains(&(c.to_string(), id.to_string())) {
                    stale.push(format!("`{id}` in `{c}`"));
                }
            }
        }
        assert!(
            stale.is_empty(),
            "help_zh.rs has texts for what no longer exists: {stale:#?}"
        );
        // One text per key: a second entry would never be shown.
        let mut keys = BTreeSet::new();
        for (cmds, id, _) in ARGS {
            for c in *cmds {
                assert!(keys.insert((*c, *id)), "`{id}` in `{c}` listed twice");
            }
        }
    }

    #[test]
    fn the_subcommand_hints_name_every_subcommand() {
        let cmd = built();
        for kind in [ErrorKind::InvalidSubcommand, ErrorKind::MissingSubcommand] {
            let hint = error_hint(kind).unwrap();
            for s in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                assert!(
                    hint.contains(s.get_name()),
                    "{} not in {hint}",
                    s.get_name()
                );
            }
        }
    }

    #[test]
    fn localized_help_is_chinese_with_english_flags() {
        let mut cmd = localize(Cli::command());
        cmd.clone().debug_assert();
        let root = cmd.render_help().to_string();
        for needle in [
            "用法：",
            "命令:",
            "选项:",
            "--threads",
            "--lang",
            "显示帮助",
        ] {
            assert!(root.contains(needle), "{needle:?} not in\n{root}");
        }
        let rank = cmd.find_subcommand_mut("rank").unwrap().render_long_help();
        let rank = rank.to_string();
        for needle in [
            "参数:",
            "<INPUT>",
            "--skip-bad-rows",
            "单元格个数和表头对不上的行",
            "［默认：trained］",
            "工作线程数",
        ] {
            assert!(rank.contains(needle), "{needle:?} not in\n{rank}");
        }
        for english in ["Usage", "Options", "Print help", "[default:", "Skip rows"] {
            assert!(!rank.contains(english), "{english:?} left in\n{rank}");
        }
    }
}
