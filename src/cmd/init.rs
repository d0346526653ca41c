//! `xuanti init DIR`: the files an office starts from, ready to edit: the themes, a user
//! dictionary and a blank 素材申报表 (.xlsx and .csv) with the columns xuanti reads.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use xuanti::write::{atomic_write, xlsx, BOM};

/// Write editable starting files.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to write into (created if missing).
    dir: PathBuf,
    /// Replace files that already exist.
    #[arg(long)]
    force: bool,
}

/// The form's columns and their widths: the four xuanti reads, and two it passes through.
const FORM: &[(&str, f64)] = &[
    ("编号", 12.0),
    ("标题", 30.0),
    ("报送单位", 16.0),
    ("联系人", 10.0),
    ("联系电话", 14.0),
    ("内容", 80.0),
];

/// What goes in each column (the form's second sheet).
const NOTES: &[(&str, &str)] = &[
    ("编号", "每份材料一个编号，如 QZ2024-001；不填时用行号。"),
    ("标题", "案例或故事的标题。"),
    ("报送单位", "报送的乡镇（街道）或部门；--per-unit 按此列限制每个单位的推荐数。"),
    ("联系人", "可不填；原样保留在排序结果中。"),
    ("联系电话", "可不填；原样保留在排序结果中。"),
    (
        "内容",
        "案例或故事的正文：写清人物、时间、地点、数字，有矛盾冲突和生动细节的材料更容易排在前面。",
    ),
    (
        "说明",
        "xuanti 读取第一张工作表（或用 --sheet 指定）。标题、内容至少要有一列；表头上方可以有一行大标题。",
    ),
];

const USER_DICT: &str = "\
# xuanti 用户词典：每行一个词，格式为「词 [词频] [词性]」，# 开头的行是注释。
# 内置词典（党建、乡村振兴等领域词）总会加载；本文件补充本地的地名、单位名和提法，
# 使分词不把它们切碎。用法：xuanti rank 申报表.xlsx --dict userdict.txt
#
# 例（去掉行首的 # 即生效；人名标 nr，姓氏少见的名字也会算作“真实性”里的人物）：
# 红枫湖镇 ns
# 骑手驿站 nz
# 板凳议事会 20000 nz
# 仉振华 nr
";

/// The head of the themes file staff edit (the built-in file's own head is for developers, in
/// English).
const THEMES_HEAD: &str = "\
# xuanti 主题文件：给申报材料打分时对照的中心工作主题，改好后这样用：
#   xuanti rank 申报表.xlsx --themes themes.toml
# 给了 --themes，就只用本文件里的主题（内置主题不再合并进来）。# 开头的行是注释。
#
# 格式：每个主题一段 [[theme]]，按显示的顺序排列。
#   name        主题名称（往年材料“主题”列里写的也是这个名称）
#   description 一句话说明这个主题包括什么
#   keywords    关键词，权重都是 1
#   weighted    可不写：最能说明主题的词和它的权重（大于 0，最大 1000），
#               如 { \"第一书记\" = 2.0 }；同一个词也在 keywords 里时，以这里的权重为准
";

pub fn run(args: InitArgs) -> Result<()> {
    // The built-in themes under a head in Chinese: the file is the office's to edit.
    let built_in = xuanti::themes::BUILT_IN_TOML;
    let body = built_in
        .find("\n[[theme]]")
        .map_or(built_in, |at| &built_in[at + 1..]);
    let themes = format!("{THEMES_HEAD}\n{body}");
    let mut csv = BOM.to_vec();
    csv.extend_from_slice(
        (FORM.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(",") + "\n").as_bytes(),
    );
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("themes.toml", themes.as_bytes().to_vec()),
        ("userdict.txt", USER_DICT.as_bytes().to_vec()),
        (
            "素材申报表.xlsx",
            xlsx::template(FORM, NOTES)
                .context(xuanti::tr!("无法生成申报表模板", "cannot make the form"))?,
        ),
        ("素材申报表.csv", csv),
    ];
    // The folder, or any folder above it, being a file: said plainly (the system says "File
    // exists" or "Not a directory"), before anything is written.
    if let Some(file) = args.dir.ancestors().find(|a| a.is_file()) {
        return Err(xuanti::Error::Io {
            path: file.to_path_buf(),
            io: std::io::Error::other(xuanti::tr!(
                "这是一个文件，不是文件夹",
                "is a file, not a folder"
            )),
        })
        .context(xuanti::tr!("什么也没有写", "nothing was written"));
    }
    // One of the four names taken by a folder: refused before any file is written, even with
    // --force (it replaces files, never folders).
    if let Some(dir) = files
        .iter()
        .map(|(name, _)| args.dir.join(name))
        .find(|p| p.is_dir())
    {
        return Err(xuanti::Error::Io {
            path: dir,
            io: std::io::Error::other(xuanti::tr!(
                "这是一个文件夹，不能写成文件",
                "is a folder; a file cannot replace it"
            )),
        })
        .context(xuanti::tr!("什么也没有写", "nothing was written"));
    }
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(name, _)| args.dir.join(name))
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() && !args.force {
        return Err(xuanti::Error::Exists { paths: existing })
            .context(xuanti::tr!("什么也没有写", "nothing was written"));
    }
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| xuanti::Error::Io {
            path: args.dir.clone(),
            io: e,
        })
        .context(xuanti::tr!("无法创建文件夹", "cannot create the folder"))?;
    for (name, bytes) in &files {
        let path = args.dir.join(name);
        atomic_write(&path, &[], |w| std::io::Write::write_all(w, bytes))
            .with_context(|| xuanti::tr!("无法写出 {}", "cannot write {}", path.display()))?;
        super::note(xuanti::tr!("已写出 {}", "wrote {}", path.display()));
    }
    Ok(())
}
