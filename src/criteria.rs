//! [`Document`] + [`ThemeScores`] → the four exemplar criteria of the 大地走红 screening, each in
//! [0, 1] with the evidence that produced it. Counts saturate (1 − e^(−x/s)) so that one more
//! name or quote matters less the more a text already has.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::segment::{Document, Kind, Pos};
use crate::themes::{keyword_automaton, ThemeScores};

/// The criteria, in output order.
pub const CRITERIA: [&str; 4] = ["真实性", "吸引力", "教育性", "主题鲜明"];

/// Speech markers: someone is quoted or tells their story.
const SPEECH: &[&str] = &[
    "说",
    "说道",
    "告诉记者",
    "笑着说",
    "感慨",
    "回忆",
    "坦言",
    "介绍说",
    "表示",
    "问道",
];
/// A problem met: the conflict a story turns on.
const PROBLEM: &[&str] = &[
    "难题",
    "困难",
    "矛盾",
    "难处",
    "发愁",
    "犯难",
    "不理解",
    "反对",
    "困境",
    "难点",
    "纠纷",
    "瓶颈",
    "没想到",
    "一度",
    "曾经",
    "过去",
];
/// ... and solved or changed.
const RESOLUTION: &[&str] = &[
    "解决", "终于", "如今", "从此", "变成", "改变", "化解", "破解", "摆脱", "走出", "现在", "成功",
    "实现",
];
/// Vivid, filmable detail: moments, bodies, senses, weather.
const DETAIL: &[&str] = &[
    "清晨",
    "凌晨",
    "深夜",
    "傍晚",
    "天还没亮",
    "汗水",
    "泥泞",
    "双手",
    "眼眶",
    "笑容",
    "泪水",
    "脚下",
    "背着",
    "蹲",
    "手里",
    "肩上",
    "山路",
    "雨",
    "雪",
    "寒风",
    "烈日",
    "一户一户",
    "挨家挨户",
    "老茧",
    "皱纹",
];
/// Role-model and values language.
const VALUES: &[&str] = &[
    "榜样",
    "精神",
    "奉献",
    "初心",
    "使命",
    "担当",
    "为民",
    "坚守",
    "先进",
    "楷模",
    "模范",
    "感动",
    "传承",
    "信念",
    "无私",
    "带头",
    "示范",
    "表率",
    "敬业",
    "责任",
    "党性",
    "宗旨",
    "服务群众",
    "默默",
    "几十年如一日",
    "扎根",
    "全心全意",
    "先锋",
    "英雄",
    "爱岗",
    "守护",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Speech,
    Problem,
    Resolution,
    Detail,
    Values,
}

/// One criterion's value and why.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionScore {
    /// In [0, 1].
    pub value: f32,
    /// Short Chinese evidence (names, counts, cue words found).
    pub evidence: String,
}

/// The four criteria of one document, in [`CRITERIA`] order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CriteriaScores {
    /// One per criterion.
    pub scores: Vec<CriterionScore>,
}

/// The criteria lexicons, compiled once.
#[derive(Debug)]
pub struct Criteria {
    automaton: AhoCorasick,
    cues: Vec<(Cue, &'static str)>,
}

impl Default for Criteria {
    fn default() -> Self {
        Criteria::new()
    }
}

fn saturate(x: f32, scale: f32) -> f32 {
    1.0 - (-x / scale).exp()
}

fn list(words: &[String], max: usize) -> String {
    words
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join("、")
}

impl Criteria {
    /// Compiles the lexicons.
    pub fn new() -> Criteria {
        let mut cues = Vec::new();
        for (cue, words) in [
            (Cue::Speech, SPEECH),
            (Cue::Problem, PROBLEM),
            (Cue::Resolution, RESOLUTION),
            (Cue::Detail, DETAIL),
            (Cue::Values, VALUES),
        ] {
            cues.extend(words.iter().map(|w| (cue, *w)));
        }
        let automaton = keyword_automaton(cues.iter().map(|c| c.1), MatchKind::LeftmostLongest);
        Criteria { automaton, cues }
    }

    /// Scores one document.
    pub fn assess(&self, doc: &Document, themes: &ThemeScores) -> CriteriaScores {
        // 真实性: who, where, which organisation, how many, when.
        // Persons by how often they are named (the protagonist first), then by first mention.
        let mut named: Vec<(&str, usize)> = Vec::new();
        let mut places: Vec<String> = Vec::new();
        let mut orgs: Vec<String> = Vec::new();
        let (mut numbers, mut times) = (0usize, 0usize);
        for (i, t) in doc.tokens.iter().enumerate() {
            if t.kind == Kind::Punct {
                continue;
            }
            let w = doc.word(t);
            let push = |v: &mut Vec<String>| {
                if !v.iter().any(|x| x == w) {
                    v.push(w.to_string());
                }
            };
            if let Some(p) = doc.person_at(i).filter(|p| p.chars().count() >= 2) {
                match named.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, n)) => *n += 1,
                    None => named.push((p, 1)),
                }
                continue;
            }
            match t.pos {
                Pos::Place => push(&mut places),
                Pos::Organization => push(&mut orgs),
                Pos::Number => numbers += 1,
                Pos::Time => times += 1,
                _ => {}
            }
        }
        named.sort_by_key(|p| std::cmp::Reverse(p.1));
        let persons: Vec<String> = named.iter().map(|(p, _)| p.to_string()).collect();
        let real = persons.len().min(5) as f32
            + 0.6 * places.len().min(5) as f32
            + 0.6 * orgs.len().min(3) as f32
            + 0.3 * numbers.min(10) as f32
            + 0.5 * times.min(5) as f32;
        let mut evidence = Vec::new();
        if !persons.is_empty() {
            evidence.push(format!("人物{}", list(&persons, 3)));
        }
        if !places.is_empty() {
            evidence.push(format!("地点{}", list(&places, 3)));
        }
        if !orgs.is_empty() {
            evidence.push(format!("机构{}", list(&orgs, 2)));
        }
        if numbers > 0 {
            evidence.push(format!("数字{numbers}处"));
        }
        if times > 0 {
            evidence.push(format!("时间{times}处"));
        }
        let authenticity = CriterionScore {
            value: saturate(real, 4.0),
            evidence: evidence.join("，"),
        };

        // 吸引力 and 教育性: quotes and cue words.
        let quotes = count_quotes(&doc.text);
        let mut found: Vec<(Cue, &str)> = Vec::new();
        for m in self.automaton.find_iter(&doc.text) {
            found.push(self.cues[m.pattern().as_usize()]);
        }
        let distinct = |cue: Cue| {
            let mut v: Vec<String> = Vec::new();
            for (c, w) in &found {
                if *c == cue && !v.iter().any(|x| x == w) {
                    v.push(w.to_string());
                }
            }
            v
        };
        let count = |cue: Cue| found.iter().filter(|(c, _)| *c == cue).count();
        let (problem, resolution, detail) = (
            distinct(Cue::Problem),
            distinct(Cue::Resolution),
            distinct(Cue::Detail),
        );
        let arc = match (problem.is_empty(), resolution.is_empty()) {
            (false, false) => 1.5,
            (true, true) => 0.0,
            _ => 0.5,
        };
        let story = quotes.min(4) as f32
            + 0.5 * count(Cue::Speech).min(4) as f32
            + arc
            + 0.4 * detail.len().min(5) as f32
            + 0.3 * persons.len().min(5) as f32;
        let mut evidence = Vec::new();
        if quotes > 0 {
            evidence.push(format!("引语{quotes}处"));
        }
        if !problem.is_empty() {
            evidence.push(format!("矛盾「{}」", list(&problem, 2)));
        }
        if !resolution.is_empty() {
            evidence.push(format!("转变「{}」", list(&resolution, 2)));
        }
        if !detail.is_empty() {
            evidence.push(format!("细节「{}」", list(&detail, 3)));
        }
        let appeal = CriterionScore {
            value: saturate(story, 3.0),
            evidence: evidence.join("，"),
        };

        let values = distinct(Cue::Values);
        let edu = values.len() as f32 + 0.3 * (count(Cue::Values) - values.len()) as f32;
        let education = CriterionScore {
            value: saturate(edu, 3.0),
            evidence: if values.is_empty() {
                String::new()
            } else {
                format!("「{}」", list(&values, 4))
            },
        };

        // 主题鲜明: the best theme is strong and clearly ahead of the runner-up.
        let mut r = themes.relevance.clone();
        r.sort_by(|a, b| b.total_cmp(a));
        let (best, second) = (
            r.first().copied().unwrap_or(0.0),
            r.get(1).copied().unwrap_or(0.0),
        );
        let focus = if best > 0.0 {
            best * (1.0 - second / best)
        } else {
            0.0
        };
        let clarity = CriterionScore {
            value: focus.clamp(0.0, 1.0),
            evidence: if best > 0.0 {
                format!("首位主题{best:.2}，次位{second:.2}")
            } else {
                String::new()
            },
        };
        CriteriaScores {
            scores: vec![authenticity, appeal, education, clarity],
        }
    }
}

/// Quoted passages of at least four characters inside “…” (or "…" after normalization).
fn count_quotes(text: &str) -> usize {
    let mut n = 0;
    let mut inside: Option<usize> = None;
    for c in text.chars() {
        match (c, inside) {
            ('“', _) => inside = Some(0),
            ('”', Some(len)) => {
                if len >= 4 {
                    n += 1;
                }
                inside = None;
            }
            (_, Some(len)) => inside = Some(len + 1),
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Submission;
    use crate::segment::Segmenter;

    fn assess(text: &str) -> CriteriaScores {
        let seg = Segmenter::new();
        let doc = seg.document(&Submission {
            id: String::new(),
            title: String::new(),
            unit: String::new(),
            text: text.into(),
        });
        let themes = ThemeScores {
            relevance: vec![0.8, 0.2],
            matched: vec![vec![], vec![]],
        };
        Criteria::new().assess(&doc, &themes)
    }

    #[test]
    fn a_story_beats_a_slogan_on_authenticity_and_appeal() {
        let story = assess(
            "2019年3月，驻村第一书记张建国挨家挨户走访。“路修通了，橘子就能卖出去！”他说。过去村里缺水是最大的难题，如今120户用上了自来水。",
        );
        let slogan = assess("深入贯彻落实各项部署要求，切实加强组织领导，推动工作取得实效。");
        for ((name, a), b) in CRITERIA
            .iter()
            .zip(&story.scores)
            .zip(&slogan.scores)
            .take(2)
        {
            assert!(a.value > b.value + 0.2, "{name}: {a:?} vs {b:?}");
        }
        assert!(
            story.scores[1].evidence.contains("引语1处"),
            "{:?}",
            story.scores[1]
        );
        assert!(
            story.scores[1].evidence.contains("难题"),
            "{:?}",
            story.scores[1]
        );
    }

    #[test]
    fn values_language_raises_education() {
        let a = assess("他几十年如一日扎根山区，默默奉献，是党员的榜样。");
        let b = assess("今天下午召开会议。");
        assert!(a.scores[2].value > 0.6 && b.scores[2].value == 0.0);
        assert!(a.scores[2].evidence.contains("奉献"));
    }

    #[test]
    fn authenticity_names_people_not_words_jieba_tags_as_names() {
        // jieba's dictionary tags 文明, 友谊 and 卫星 nr; only 黄文秀 is a person.
        let s = assess("弘扬文明新风，两国的友谊很深，卫星发射成功。黄文秀说：“我是党员。”");
        let evidence = &s.scores[0].evidence;
        assert!(evidence.contains("人物黄文秀"), "{evidence}");
        for word in ["文明", "友谊", "卫星"] {
            assert!(!evidence.contains(word), "{word} in {evidence}");
        }
    }

    #[test]
    fn authenticity_names_places_not_words_jieba_tags_as_places() {
        // jieba's dictionary tags 锦旗, 上门 and 满意度 ns, and 协商会 nt.
        let s = assess("群众送来锦旗，感谢上门服务，满意度达到98%。村里召开协商会。");
        let evidence = &s.scores[0].evidence;
        assert!(
            !evidence.contains("地点") && !evidence.contains("机构"),
            "{evidence}"
        );
        let s = assess("清镇市红枫湖镇的党员走进贵阳，送来锦旗。");
        let evidence = &s.scores[0].evidence;
        assert!(
            evidence.contains("地点") && evidence.contains("贵阳"),
            "{evidence}"
        );
        assert!(!evidence.contains("锦旗"), "{evidence}");
    }

    #[test]
    fn the_most_named_person_comes_first() {
        // 王阿妹 is named first, 杨秀英 (whom jieba cuts in two) three times: the protagonist.
        let s = assess(
            "王阿妹说：“好。”杨秀英带领党员外出学习。杨秀英挨家挨户算账。村民都说杨秀英实在。",
        );
        let evidence = &s.scores[0].evidence;
        assert!(evidence.starts_with("人物杨秀英、王阿妹"), "{evidence}");
    }

    #[test]
    fn clarity_is_best_minus_runner_up() {
        let s = assess("会议");
        assert!((s.scores[3].value - 0.6).abs() < 1e-6);
    }

    #[test]
    fn values_stay_in_unit_interval() {
        let long = "“我们一定能行！”张三说。".repeat(50);
        for s in assess(&long).scores {
            assert!((0.0..=1.0).contains(&s.value));
        }
    }
}
