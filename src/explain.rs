//! [`Assessment`] → [`Explanation`]: a short Chinese reason for a submission's place, built from
//! what actually moved its score: the matched theme keywords, the text features with the largest
//! weight × value in the model, and the criteria (with the model's weight on each when a model
//! scored it).

use crate::criteria::CRITERIA;
use crate::score::Assessment;

/// The reasons of one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The reasons text, parts separated by "；".
    pub text: String,
}

/// Shows a feature name without its namespace: `b:驻村 书记` → `驻村书记`, `t:党员` →
/// `标题「党员」`, and a story-shape feature in words (`s:标题字数12-15` → `标题12–15字`).
fn term(name: &str) -> String {
    match name.split_once(':') {
        Some(("t", w)) => format!("标题「{w}」"),
        Some(("s", w)) => crate::featurize::shape_in_words(w),
        Some((_, w)) => w.replace(' ', ""),
        None => name.to_string(),
    }
}

impl Explanation {
    /// Explains one assessment; `theme_names` are the output theme columns.
    pub fn new(
        a: &Assessment,
        theme_names: &[String],
        keyword_theme_names: &[&str],
    ) -> Explanation {
        if a.empty {
            return Explanation {
                text: "空内容（标题和正文里没有文字）".to_string(),
            };
        }
        let mut parts = Vec::new();
        if let Some(best) = a.best_theme() {
            let name = &theme_names[best];
            let keywords = keyword_theme_names
                .iter()
                .position(|k| k == name)
                .map(|k| &a.keyword_themes.matched[k])
                .filter(|m| !m.is_empty());
            match keywords {
                Some(k) => parts.push(format!(
                    "主题「{name}」{:.2}（{}）",
                    a.themes[best],
                    k.iter().take(4).cloned().collect::<Vec<_>>().join("、")
                )),
                None => parts.push(format!("主题「{name}」{:.2}", a.themes[best])),
            }
        }
        if let Some(m) = &a.model {
            let mut seen: Vec<String> = Vec::new();
            for (name, _) in &m.terms {
                let t = term(name);
                if !seen
                    .iter()
                    .any(|s| s.contains(&t) || t.contains(s.as_str()))
                {
                    seen.push(t);
                }
                if seen.len() == 5 {
                    break;
                }
            }
            if !seen.is_empty() {
                parts.push(format!("加分词：{}", seen.join("、")));
            }
            // Criteria in the order of their pull on this score, strongest first.
            let mut pulls: Vec<(usize, f32)> = CRITERIA
                .iter()
                .enumerate()
                .filter_map(|(c, name)| {
                    m.signals
                        .iter()
                        .find(|(s, _)| s == name)
                        .map(|(_, v)| (c, *v))
                })
                .collect();
            pulls.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            for (c, pull) in pulls.into_iter().take(2) {
                parts.push(criterion(a, c, Some(pull)));
            }
        } else {
            let mut order: Vec<usize> = (0..CRITERIA.len()).collect();
            order.sort_by(|&x, &y| {
                a.criteria.scores[y]
                    .value
                    .total_cmp(&a.criteria.scores[x].value)
            });
            for c in order.into_iter().take(3) {
                if a.criteria.scores[c].value > 0.0 {
                    parts.push(criterion(a, c, None));
                }
            }
        }
        if parts.is_empty() {
            parts.push("未匹配任何主题关键词，缺少人物、数字、引语等具体内容".to_string());
        }
        Explanation {
            text: parts.join("；"),
        }
    }
}

fn criterion(a: &Assessment, c: usize, pull: Option<f32>) -> String {
    let s = &a.criteria.scores[c];
    let sign = match pull {
        Some(p) if p >= 0.0 => "↑",
        Some(_) => "↓",
        None => "",
    };
    if s.evidence.is_empty() {
        format!("{}{:.2}{sign}", CRITERIA[c], s.value)
    } else {
        format!("{}{:.2}{sign}（{}）", CRITERIA[c], s.value, s.evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_shape_features_read_as_words() {
        assert_eq!(term("s:标题人名冒号"), "标题「人名：…」");
        assert_eq!(term("s:标题字数12-15"), "标题12–15字");
        assert_eq!(term("s:正文字数1600+"), "正文1600字以上");
        assert_eq!(term("s:引号1-1"), "引语1处");
        assert_eq!(term("s:引号<1"), "无引语");
        assert_eq!(term("s:人名2-3"), "人名2–3个");
        assert_eq!(term("s:标题字数<8"), "标题不到8字");
        assert_eq!(term("t:法官"), "标题「法官」");
        assert_eq!(term("b:驻村 书记"), "驻村书记");
    }

    #[test]
    fn term_names_lose_their_namespace() {
        assert_eq!(term("b:驻村 书记"), "驻村书记");
        assert_eq!(term("w:党员"), "党员");
        assert_eq!(term("t:党员"), "标题「党员」");
    }
}
