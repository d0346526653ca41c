//! Ranked rows → one self-contained HTML page to look at: the batch in numbers, submissions and
//! picks per theme, the score histogram, the ranked table with reasons, criteria and
//! highlighted keywords, and the near-duplicate groups.
//!
//! Self-contained means it opens offline as it is: styles inline, charts as inline SVG, no
//! script, no web font, no link to anything outside the page (the fonts are the reader's own
//! Chinese system fonts).
//!
//! The report is built a row at a time in rank order ([`Report::add`]); it keeps counts for
//! the whole batch and the full rows of the first [`TABLE_ROWS`] only, so it costs the same
//! memory for a thousand rows or a million.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::error::Result;
use crate::themes::ThemeSet;
use crate::write::{atomic_write, Table};

/// Ranked rows shown in the table.
pub const TABLE_ROWS: usize = 300;
/// Near-duplicate groups listed.
const DUPLICATE_GROUPS: usize = 100;
/// Characters of a submission's text shown in the table.
const EXCERPT_CHARS: usize = 160;
/// Reporting units named in the summary (the rest are counted).
const UNITS_SHOWN: usize = 12;
/// Label of rows without a theme.
const NO_THEME: &str = "（未归类）";

/// The names the input's own columns have in the output (the role columns).
#[derive(Debug, Clone, Default)]
pub struct ReportColumns {
    /// The title column.
    pub title: Option<String>,
    /// The reporting-unit column.
    pub unit: Option<String>,
    /// The text column.
    pub text: Option<String>,
}

/// Where the report's columns are in a row.
#[derive(Debug, Clone, Default)]
struct Positions {
    rank: Option<usize>,
    id: Option<usize>,
    score: Option<usize>,
    theme: Option<usize>,
    duplicate_of: Option<usize>,
    reasons: Option<usize>,
    title: Option<usize>,
    unit: Option<usize>,
    text: Option<usize>,
    criteria: Vec<(String, usize)>,
}

/// A row of the table, as shown.
#[derive(Debug, Clone)]
struct Shown {
    rank: String,
    id: String,
    score: f32,
    theme: String,
    title: String,
    unit: String,
    excerpt: String,
    reasons: String,
    criteria: Vec<f32>,
    duplicate_of: String,
    picked: bool,
}

/// The report being built.
pub struct Report {
    at: Positions,
    keywords: Option<AhoCorasick>,
    rows: usize,
    picked: usize,
    per_theme: BTreeMap<String, (usize, usize)>,
    theme_order: Vec<String>,
    units: HashMap<String, usize>,
    histogram: [usize; 10],
    shown: Vec<Shown>,
    /// Original id → (its title, its duplicates' ids), in rank order of the originals.
    duplicates: Vec<(String, String, Vec<String>)>,
    duplicate_rows: usize,
    /// Id → title of the originals met so far in the table range (for the duplicate list).
    titles: HashMap<String, String>,
}

impl std::fmt::Debug for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Report")
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Report {
    /// A report on rows laid out as `table` says; `columns` names the input's role columns,
    /// and the keywords of `themes` are highlighted in titles and texts.
    pub fn new(table: &Table, columns: ReportColumns, themes: &ThemeSet) -> Report {
        let find = |name: &str| table.header.iter().position(|h| h == name);
        let role = |name: &Option<String>| name.as_deref().and_then(find);
        let at = Positions {
            rank: find("rank"),
            id: find("id"),
            score: find("score"),
            theme: find("theme"),
            duplicate_of: find("duplicate_of"),
            reasons: find("reasons"),
            title: role(&columns.title),
            unit: role(&columns.unit),
            text: role(&columns.text),
            criteria: table
                .header
                .iter()
                .enumerate()
                .filter_map(|(i, h)| h.strip_prefix("criterion:").map(|c| (c.to_string(), i)))
                .collect(),
        };
        let theme_order: Vec<String> = table
            .header
            .iter()
            .filter_map(|h| h.strip_prefix("theme:").map(str::to_string))
            .collect();
        let mut words: Vec<&str> = themes
            .themes
            .iter()
            .flat_map(|t| t.keywords.iter().map(|(k, _)| k.as_str()))
            .filter(|k| k.chars().count() >= 2)
            .collect();
        words.sort_unstable();
        words.dedup();
        let keywords = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&words)
            .ok();
        Report {
            at,
            keywords,
            rows: 0,
            picked: 0,
            per_theme: BTreeMap::new(),
            theme_order,
            units: HashMap::new(),
            histogram: [0; 10],
            shown: Vec::new(),
            duplicates: Vec::new(),
            duplicate_rows: 0,
            titles: HashMap::new(),
        }
    }

    /// Adds the next row in rank order; `picked` marks it as on the shortlist (or the marked
    /// top of the list).
    pub fn add(&mut self, row: &[String], picked: bool) {
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map_or("", |s| s.as_str());
        self.rows += 1;
        self.picked += usize::from(picked);
        let theme = match cell(self.at.theme) {
            "" => NO_THEME,
            t => t,
        };
        let counts = self.per_theme.entry(theme.to_string()).or_default();
        counts.0 += 1;
        counts.1 += usize::from(picked);
        let unit = cell(self.at.unit).trim();
        if !unit.is_empty() {
            *self.units.entry(unit.to_string()).or_default() += 1;
        }
        let score: f32 = cell(self.at.score).parse().unwrap_or(0.0);
        self.histogram[((score.clamp(0.0, 1.0) * 10.0) as usize).min(9)] += 1;
        let id = cell(self.at.id);
        let original = cell(self.at.duplicate_of);
        if original.is_empty() {
            if self.duplicates.len() < DUPLICATE_GROUPS && self.shown.len() < TABLE_ROWS {
                self.titles
                    .insert(id.to_string(), cell(self.at.title).to_string());
            }
        } else {
            self.duplicate_rows += 1;
            let groups = self.duplicates.len();
            match self.duplicates.last_mut() {
                Some((o, _, ids)) if o == original => ids.push(id.to_string()),
                _ if groups < DUPLICATE_GROUPS => {
                    let title = self.titles.get(original).cloned().unwrap_or_default();
                    self.duplicates
                        .push((original.to_string(), title, vec![id.to_string()]));
                }
                _ => {}
            }
        }
        if self.shown.len() < TABLE_ROWS {
            let text = cell(self.at.text);
            let excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
            let excerpt = if excerpt.len() < text.len() {
                excerpt + "…"
            } else {
                excerpt
            };
            self.shown.push(Shown {
                rank: cell(self.at.rank).to_string(),
                id: id.to_string(),
                score,
                theme: cell(self.at.theme).to_string(),
                title: cell(self.at.title).to_string(),
                unit: unit.to_string(),
                excerpt,
                reasons: cell(self.at.reasons).to_string(),
                criteria: self
                    .at
                    .criteria
                    .iter()
                    .map(|(_, i)| row.get(*i).and_then(|v| v.parse().ok()).unwrap_or(0.0))
                    .collect(),
                duplicate_of: original.to_string(),
                picked,
            });
        }
    }

    /// `s`, escaped, with the theme keywords in `<mark>`: found as the themes find them, in the
    /// normalized text (`5g` in `5G` and `５Ｇ`), and marked on the characters as written.
    fn highlight(&self, s: &str) -> String {
        let Some(ac) = &self.keywords else {
            return escape(s);
        };
        let (normalized, origins) = crate::normalize::normalize_with_origins(s);
        let mut out = String::new();
        let mut last = 0;
        for m in ac.find_iter(&normalized) {
            let (start, end) = (origins[m.start()].start, origins[m.end() - 1].end);
            out.push_str(&escape(&s[last..start]));
            out.push_str("<mark>");
            out.push_str(&escape(&s[start..end]));
            out.push_str("</mark>");
            last = end;
        }
        out.push_str(&escape(&s[last..]));
        out
    }

    /// The page. `source` is the ranked file's name, shown in the heading.
    pub fn html(&self, source: &str) -> String {
        let mut h = String::with_capacity(64 << 10);
        let _ = writeln!(
            h,
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>选题排序报告 · {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
            escape(source)
        );
        let _ = writeln!(
            h,
            "<header><h1>选题排序报告</h1><p class=\"source\">{}</p></header>",
            escape(source)
        );
        self.summary(&mut h);
        h.push_str("<section class=\"charts\">\n");
        self.theme_chart(&mut h);
        self.histogram_chart(&mut h);
        h.push_str("</section>\n");
        self.table(&mut h);
        self.duplicate_list(&mut h);
        h.push_str(
            "<footer>由 xuanti（选题）生成：按中心工作主题与好案例标准排序，供人工审读参考，\
             入选与否由审读人员决定。</footer>\n</body>\n</html>\n",
        );
        h
    }

    fn summary(&self, h: &mut String) {
        let stories = self.rows - self.duplicate_rows;
        let themed = self
            .per_theme
            .iter()
            .filter(|(t, _)| t.as_str() != NO_THEME)
            .count();
        let _ = writeln!(
            h,
            "<section class=\"summary\">\
             <div class=\"stat\"><b>{}</b><span>份材料</span></div>\
             <div class=\"stat\"><b>{stories}</b><span>个不同选题</span></div>\
             <div class=\"stat\"><b>{}</b><span>份疑似重复</span></div>\
             <div class=\"stat\"><b>{}</b><span>个报送单位</span></div>\
             <div class=\"stat\"><b>{themed}</b><span>个主题有材料</span></div>\
             <div class=\"stat pick\"><b>{}</b><span>份列入推荐</span></div>\
             </section>",
            self.rows,
            self.duplicate_rows,
            if self.units.is_empty() {
                "—".to_string()
            } else {
                self.units.len().to_string()
            },
            self.picked
        );
        if !self.units.is_empty() {
            let mut units: Vec<(&String, &usize)> = self.units.iter().collect();
            units.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            h.push_str("<p class=\"units\">报送单位：");
            for (u, n) in units.iter().take(UNITS_SHOWN) {
                let _ = write!(h, "<span>{}<i>{n}</i></span>", escape(u));
            }
            if units.len() > UNITS_SHOWN {
                let _ = write!(h, "<span>等 {} 个单位</span>", units.len());
            }
            h.push_str("</p>\n");
        }
    }

    fn theme_chart(&self, h: &mut String) {
        let mut themes: Vec<(&str, usize, usize)> = Vec::new();
        for t in &self.theme_order {
            let (n, p) = self.per_theme.get(t).copied().unwrap_or((0, 0));
            themes.push((t, n, p));
        }
        for (t, &(n, p)) in &self.per_theme {
            if !self.theme_order.contains(t) {
                themes.push((t, n, p));
            }
        }
        let max = themes.iter().map(|t| t.1).max().unwrap_or(0).max(1);
        let (label_w, bar_w, row_h) = (170.0, 330.0, 26.0);
        let height = row_h * themes.len() as f64 + 40.0;
        let _ = write!(
            h,
            "<figure><figcaption>各主题材料数与推荐数</figcaption>\
             <svg viewBox=\"0 0 {w} {height}\" width=\"{w}\" height=\"{height}\" role=\"img\">",
            w = label_w + bar_w + 60.0
        );
        for (k, (t, n, p)) in themes.iter().enumerate() {
            let y = 10.0 + row_h * k as f64;
            let wn = bar_w * *n as f64 / max as f64;
            let wp = bar_w * *p as f64 / max as f64;
            let _ = write!(
                h,
                "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" class=\"label\">{}</text>\
                 <rect x=\"{label_w}\" y=\"{y}\" width=\"{wn:.1}\" height=\"18\" class=\"all\"/>\
                 <rect x=\"{label_w}\" y=\"{y}\" width=\"{wp:.1}\" height=\"18\" class=\"picked\"/>\
                 <text x=\"{vx:.1}\" y=\"{ty}\" class=\"value\">{n}（{p}）</text>",
                escape(t),
                lx = label_w - 8.0,
                ty = y + 14.0,
                vx = label_w + wn + 6.0
            );
        }
        let _ = writeln!(
            h,
            "<rect x=\"{label_w}\" y=\"{ly}\" width=\"12\" height=\"12\" class=\"all\"/>\
             <text x=\"{tx}\" y=\"{ty}\" class=\"value\">材料数</text>\
             <rect x=\"{px}\" y=\"{ly}\" width=\"12\" height=\"12\" class=\"picked\"/>\
             <text x=\"{ptx}\" y=\"{ty}\" class=\"value\">推荐数</text></svg></figure>",
            ly = height - 22.0,
            ty = height - 12.0,
            tx = label_w + 16.0,
            px = label_w + 80.0,
            ptx = label_w + 96.0
        );
    }

    fn histogram_chart(&self, h: &mut String) {
        let max = self.histogram.iter().copied().max().unwrap_or(0).max(1);
        let (w, plot_h, col_w) = (420.0, 200.0, 36.0);
        let _ = write!(
            h,
            "<figure><figcaption>得分分布（份数）</figcaption>\
             <svg viewBox=\"0 0 {w} {}\" width=\"{w}\" height=\"{}\" role=\"img\">",
            plot_h + 50.0,
            plot_h + 50.0
        );
        for (k, &n) in self.histogram.iter().enumerate() {
            let bh = plot_h * n as f64 / max as f64;
            let x = 20.0 + k as f64 * (col_w + 4.0);
            let _ = write!(
                h,
                "<rect x=\"{x}\" y=\"{y:.1}\" width=\"{col_w}\" height=\"{bh:.1}\" class=\"all\"/>\
                 <text x=\"{cx}\" y=\"{vy:.1}\" text-anchor=\"middle\" class=\"value\">{n}</text>\
                 <text x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\" class=\"label\">{}%</text>",
                k * 10,
                y = 20.0 + plot_h - bh,
                cx = x + col_w / 2.0,
                vy = 16.0 + plot_h - bh,
                ly = plot_h + 38.0
            );
        }
        h.push_str("</svg></figure>\n");
    }

    fn table(&self, h: &mut String) {
        let _ = writeln!(
            h,
            "<section><h2>排序结果{}</h2>\n<table>\n<thead><tr><th>名次</th><th>得分</th>\
             <th>主题</th><th>选题</th><th>理由</th><th>标准</th></tr></thead>\n<tbody>",
            if self.rows > self.shown.len() {
                format!("（前 {} 份，共 {} 份）", self.shown.len(), self.rows)
            } else {
                String::new()
            }
        );
        for s in &self.shown {
            let class = match (s.picked, s.duplicate_of.is_empty()) {
                (_, false) => " class=\"dup\"",
                (true, true) => " class=\"pick\"",
                _ => "",
            };
            let _ = write!(
                h,
                "<tr{class}><td class=\"rank\">{}</td><td class=\"score\">{:.1}%</td>\
                 <td>{}</td><td class=\"story\"><div class=\"title\">{}</div>\
                 <div class=\"meta\">{}{}{}</div><div class=\"excerpt\">{}</div></td>\
                 <td class=\"reasons\">{}</td><td class=\"criteria\">",
                escape(&s.rank),
                s.score * 100.0,
                escape(&s.theme),
                self.highlight(&s.title),
                escape(&s.id),
                if s.unit.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", escape(&s.unit))
                },
                if s.duplicate_of.is_empty() {
                    String::new()
                } else {
                    format!(" · <b>疑似重复：{}</b>", escape(&s.duplicate_of))
                },
                self.highlight(&s.excerpt),
                escape(&s.reasons),
            );
            for ((name, _), v) in self.at.criteria.iter().zip(&s.criteria) {
                let _ = write!(
                    h,
                    "<div class=\"crit\"><span>{}</span><i style=\"width:{:.0}%\"></i>\
                     <em>{v:.2}</em></div>",
                    escape(name),
                    v.clamp(0.0, 1.0) * 100.0
                );
            }
            h.push_str("</td></tr>\n");
        }
        h.push_str("</tbody>\n</table>\n</section>\n");
    }

    fn duplicate_list(&self, h: &mut String) {
        h.push_str("<section><h2>疑似重复</h2>\n");
        if self.duplicates.is_empty() {
            h.push_str("<p>未发现重复报送的材料。</p></section>\n");
            return;
        }
        let _ = writeln!(
            h,
            "<p>共 {} 份材料与排在其前面的原件高度相似（原件为输入中最先出现的一份），\
             已排在原件之后，不另占名次。</p>\n<ul class=\"dups\">",
            self.duplicate_rows
        );
        for (original, title, ids) in &self.duplicates {
            let _ = writeln!(
                h,
                "<li><b>{}</b> {} ← {}</li>",
                escape(original),
                escape(title),
                ids.iter().map(|i| escape(i)).collect::<Vec<_>>().join("、")
            );
        }
        h.push_str("</ul>\n</section>\n");
    }

    /// Writes the page to `path` atomically (refusing to overwrite any of `inputs`).
    pub fn write(&self, path: &Path, inputs: &[&Path], source: &Path) -> Result<()> {
        let name = source.file_name().map_or_else(
            || source.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let html = self.html(&name);
        atomic_write(path, inputs, |w| {
            std::io::Write::write_all(w, html.as_bytes())
        })
    }
}

const STYLE: &str = r#"
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#222;background:#fafafa;line-height:1.5;overflow-wrap:anywhere}
header h1{margin:0;color:#b71c1c;font-size:26px}
.source{margin:2px 0 12px;color:#666}
h2{font-size:20px;border-left:5px solid #b71c1c;padding-left:8px}
.summary{display:flex;flex-wrap:wrap;gap:12px}
.stat{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 16px;min-width:110px}
.stat b{display:block;font-size:26px;color:#b71c1c}
.stat span{color:#555}
.stat.pick b{color:#e65100}
.units span{display:inline-block;margin:2px 6px 2px 0;padding:1px 8px;background:#eee;border-radius:10px}
.units i{font-style:normal;color:#b71c1c;margin-left:4px}
.charts{display:flex;flex-wrap:wrap;gap:24px}
figure{background:#fff;border:1px solid #ddd;border-radius:6px;margin:12px 0;padding:8px 12px}
.charts figure{flex:1 1 420px}
.charts svg{display:block;width:100%;height:auto}
figcaption{font-weight:bold;margin-bottom:4px}
svg .all{fill:#ef9a9a}
svg .picked{fill:#c62828}
svg text{font-size:13px;fill:#333}
table{border-collapse:collapse;width:100%;background:#fff}
th{background:#b71c1c;color:#fff;padding:6px;position:sticky;top:0}
td{border-bottom:1px solid #e0e0e0;padding:6px;vertical-align:top;font-size:14px}
tr.pick td{background:#fff8e1}
tr.dup td{background:#f3f3f3;color:#777}
td.rank{text-align:center;font-weight:bold}
td.score{white-space:nowrap;text-align:right}
td.story{width:38%}
.title{font-weight:bold}
.meta{color:#777;font-size:12px}
.excerpt{color:#444;font-size:13px}
td.reasons{width:30%;font-size:13px}
mark{background:#ffe082;padding:0 1px}
.crit{display:flex;align-items:center;gap:4px;font-size:12px;white-space:nowrap}
.crit span{width:5em}
.crit i{display:inline-block;height:8px;background:#c62828;max-width:60px}
.crit em{font-style:normal;color:#555}
.dups li{margin:4px 0}
footer{margin:24px 0;color:#888;font-size:12px}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::ColumnKind;

    fn table() -> Table {
        let header: Vec<String> = [
            "rank",
            "id",
            "score",
            "theme",
            "duplicate_of",
            "theme:红色文化",
            "criterion:真实性",
            "reasons",
            "标题",
            "单位",
            "内容",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        Table {
            kinds: vec![ColumnKind::Text; header.len()],
            header,
            marked: 1,
            rows: 3,
        }
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    fn report() -> Report {
        let mut r = Report::new(
            &table(),
            ReportColumns {
                title: Some("标题".into()),
                unit: Some("单位".into()),
                text: Some("内容".into()),
            },
            &ThemeSet::built_in(),
        );
        r.add(
            &row(&[
                "1",
                "a",
                "0.91",
                "红色文化",
                "",
                "0.8",
                "0.9",
                "主题「红色文化」",
                "红色<故事>",
                "甲镇",
                "讲述红色文化传承",
            ]),
            true,
        );
        r.add(
            &row(&[
                "1",
                "b",
                "0.90",
                "红色文化",
                "a",
                "0.8",
                "0.9",
                "",
                "红色故事",
                "乙镇",
                "",
            ]),
            false,
        );
        r.add(
            &row(&["2", "c", "0.15", "", "", "0", "0.2", "", "其他", "甲镇", ""]),
            false,
        );
        r
    }

    #[test]
    fn counts_themes_units_picks_and_duplicates() {
        let r = report();
        assert_eq!(r.rows, 3);
        assert_eq!(r.picked, 1);
        assert_eq!(r.per_theme["红色文化"], (2, 1));
        assert_eq!(r.per_theme[NO_THEME], (1, 0));
        assert_eq!(r.units.len(), 2);
        assert_eq!(r.duplicate_rows, 1);
        assert_eq!(r.duplicates[0].0, "a");
        assert_eq!(r.duplicates[0].2, vec!["b".to_string()]);
        assert_eq!(r.histogram[9], 2);
        assert_eq!(r.histogram[1], 1);
    }

    /// Keywords are normalized (lower case, half width) and so is the text the themes search,
    /// but the highlighting searched the text as written: `5G` and `５Ｇ` were not marked for
    /// the keyword `5g` that matched them.
    #[test]
    fn keywords_are_marked_whatever_their_case_and_width() {
        let themes = ThemeSet::parse(
            Path::new("t.toml"),
            "[[theme]]\nname = \"数字乡村\"\nkeywords = [\"5G\", \"电商 直播\"]\n",
        )
        .unwrap();
        let r = Report::new(&table(), ReportColumns::default(), &themes);
        assert_eq!(
            r.highlight("村里通了5G，＜５Ｇ＞基站和电商\u{3000}直播"),
            "村里通了<mark>5G</mark>，＜<mark>５Ｇ</mark>＞基站和<mark>电商\u{3000}直播</mark>"
        );
        assert_eq!(r.highlight("<5g>"), "&lt;<mark>5g</mark>&gt;");
    }

    #[test]
    fn page_is_escaped_self_contained_and_highlights_keywords() {
        let html = report().html("batch.csv");
        assert!(html.contains("红色&lt;故事&gt;"), "title not escaped");
        assert!(!html.contains("<故事>"));
        assert!(
            html.contains("<mark>红色文化</mark>"),
            "keyword not highlighted"
        );
        assert!(!html.to_lowercase().contains("http"), "external reference");
        assert!(!html.contains("<script"));
        assert!(html.contains("疑似重复"));
        assert!(html.contains("<svg"));
    }

    #[test]
    fn a_long_unbroken_word_wraps_instead_of_widening_the_page() {
        // A pasted link or a run of letters without a space (`http://…/aaaa…`, 3,000 A's in a
        // title) could not be broken: the table grew as wide as the word, past the 1,200-pixel
        // page, and every column beside it was pushed off the screen. `anywhere` (not
        // `break-word`) also lets the table's column widths shrink below such a word.
        let html = report().html("batch.csv");
        let body = html
            .lines()
            .find(|l| l.starts_with("body{"))
            .expect("the body's style");
        assert!(body.contains("overflow-wrap:anywhere"), "{body}");
    }
}
