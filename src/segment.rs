//! Normalized text → [`Document`]: jieba-rs words with a coarse part of speech, each marked as
//! content, stop word or punctuation. One [`Segmenter`] per process, shared across threads.

use std::io::BufRead;
use std::path::Path;

use jieba_rs::Jieba;
use rustc_hash::FxHashSet;

use crate::error::{Error, Result};
use crate::normalize::normalize_into;
use crate::read::Submission;

const USER_DICT: &str = include_str!("../data/userdict.txt");
const STOP_WORDS: &str = include_str!("../data/stopwords.txt");

/// The part of speech that matters to the criteria, from jieba's tag set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    /// A person's name (`nr*`).
    Person,
    /// A place name (`ns*`).
    Place,
    /// An organisation name (`nt*`).
    Organization,
    /// A number or quantity (`m*`, digits).
    Number,
    /// A time word (`t*`).
    Time,
    /// A verb (`v*`).
    Verb,
    /// Any other noun (`n*`).
    Noun,
    /// Everything else.
    Other,
}

impl Pos {
    fn from_tag(tag: &str) -> Pos {
        let b = tag.as_bytes();
        match (b.first(), b.get(1)) {
            (Some(b'n'), Some(b'r')) => Pos::Person,
            (Some(b'n'), Some(b's')) => Pos::Place,
            (Some(b'n'), Some(b't')) => Pos::Organization,
            (Some(b'n'), _) => Pos::Noun,
            (Some(b'm'), _) => Pos::Number,
            (Some(b't'), _) => Pos::Time,
            (Some(b'v'), _) => Pos::Verb,
            _ => Pos::Other,
        }
    }
}

/// Whether a token carries meaning for the text model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A word that counts.
    Content,
    /// A word on the stop-word list.
    Stop,
    /// Punctuation or whitespace.
    Punct,
}

/// One word of a document: a byte range into [`Document::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte start in the document text.
    pub start: u32,
    /// Byte end in the document text.
    pub end: u32,
    /// Coarse part of speech.
    pub pos: Pos,
    /// Content, stop word or punctuation.
    pub kind: Kind,
}

/// A submission after normalization and segmentation: `title + "\n" + text`, and its words.
#[derive(Debug, Clone)]
pub struct Document {
    /// Normalized title, a newline, normalized text.
    pub text: String,
    /// Byte length of the title part (tokens ending at or before it belong to the title).
    pub title_end: usize,
    /// The words, in order.
    pub tokens: Vec<Token>,
}

impl Document {
    /// The text of one token.
    pub fn word(&self, t: &Token) -> &str {
        &self.text[t.start as usize..t.end as usize]
    }

    /// The normalized title.
    pub fn title(&self) -> &str {
        &self.text[..self.title_end]
    }

    /// The normalized body.
    pub fn body(&self) -> &str {
        self.text.get(self.title_end + 1..).unwrap_or("")
    }

    /// Content and stop-word tokens (punctuation dropped), the sequence n-grams are built over.
    pub fn words(&self) -> impl Iterator<Item = &Token> {
        self.tokens.iter().filter(|t| t.kind != Kind::Punct)
    }
}

/// jieba-rs with xuanti's domain dictionary and stop words.
pub struct Segmenter {
    jieba: Jieba,
    stop_words: FxHashSet<String>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter")
            .field("stop_words", &self.stop_words.len())
            .finish_non_exhaustive()
    }
}

impl Segmenter {
    /// jieba's default dictionary plus the built-in `data/userdict.txt` and stop words.
    pub fn new() -> Segmenter {
        // jieba-rs parses its part-of-speech model (2.5 MB of text, about 25 ms) the first time
        // it tags a word that is not in the dictionary, and every other thread waits for it.
        // Done here beside the dictionary build, on a second thread, it costs no wall time
        // later, in the middle of the batch's segmentation.
        let jieba = std::thread::scope(|scope| {
            scope.spawn(|| Jieba::empty().tag("王小二说", true).len());
            let mut jieba = Jieba::new();
            add_entries(
                &mut jieba,
                Path::new("data/userdict.txt"),
                USER_DICT.as_bytes(),
            )
            .expect("the built-in dictionary is checked by a unit test");
            jieba
        });
        let stop_words = STOP_WORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        Segmenter { jieba, stop_words }
    }

    /// [`Segmenter::new`] plus the words of a user dictionary file (`word [freq] [tag]` lines).
    pub fn with_dict(path: &Path) -> Result<Segmenter> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut segmenter = Segmenter::new();
        add_entries(&mut segmenter.jieba, path, &bytes)?;
        Ok(segmenter)
    }

    /// Normalizes and segments one submission.
    pub fn document(&self, s: &Submission) -> Document {
        let mut text = String::with_capacity(s.title.len() + s.text.len() + 1);
        normalize_into(&mut text, &s.title);
        let title_end = text.len();
        text.push('\n');
        normalize_into(&mut text, &s.text);
        let tokens = self
            .jieba
            .tag(&text, true)
            .into_iter()
            .filter_map(|t| {
                let kind = if !t.word.chars().any(crate::normalize::is_alphanumeric) {
                    if t.word.trim().is_empty() {
                        return None;
                    }
                    Kind::Punct
                } else if self.stop_words.contains(t.word) {
                    Kind::Stop
                } else {
                    Kind::Content
                };
                let pos = if t.word.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    Pos::Number
                } else {
                    Pos::from_tag(t.tag)
                };
                Some(Token {
                    start: t.byte_start as u32,
                    end: t.byte_end as u32,
                    pos,
                    kind,
                })
            })
            .collect();
        Document {
            text,
            title_end,
            tokens,
        }
    }

    /// The dictionary words inside `word` (jieba's search-mode cut), `word` itself left out:
    /// 从严治党 → 从严, 治党.
    pub fn parts(&self, word: &str) -> Vec<String> {
        self.jieba
            .cut_for_search(word, false)
            .into_iter()
            .filter(|p| p.word != word)
            .map(|p| p.word.to_string())
            .collect()
    }

    /// Segments many submissions on all cores, keeping their order.
    pub fn documents(&self, submissions: &[Submission]) -> Vec<Document> {
        parallel_map(submissions, |s| self.document(s))
    }
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter::new()
    }
}

/// Maps `f` over `items` on rayon's pool (all cores unless `--threads` says otherwise), in
/// order: the result is the same as a sequential map whatever the number of threads. Used by
/// every per-document stage.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use rayon::prelude::*;
    if items.len() < 2 || rayon::current_num_threads() == 1 {
        return items.iter().map(f).collect();
    }
    items.par_iter().map(&f).collect()
}

/// Adds `word [freq] [tag]` lines; a missing frequency is computed so the word stays whole.
fn add_entries(jieba: &mut Jieba, path: &Path, bytes: &[u8]) -> Result<()> {
    for (i, line) in bytes.lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let word = parts.next().unwrap_or_default();
        let freq = match parts.next() {
            None => None,
            Some(f) => Some(f.parse::<usize>().map_err(|_| Error::Dictionary {
                path: path.to_path_buf(),
                line: i + 1,
                value: line.to_string(),
                message: crate::tr!(
                    "词频不是整数（每行写“词 [词频] [词性]”）",
                    "the frequency is not a whole number (use 'word [freq] [tag]')"
                ),
            })?),
        };
        let tag = parts.next();
        if parts.next().is_some() {
            return Err(Error::Dictionary {
                path: path.to_path_buf(),
                line: i + 1,
                value: line.to_string(),
                message: crate::tr!(
                    "这一行的项太多（每行写“词 [词频] [词性]”）",
                    "too many fields (use 'word [freq] [tag]')"
                ),
            });
        }
        // A word without a frequency gets one high enough to keep it whole.
        let freq = freq.filter(|&f| f > 0);
        jieba.add_word(word, freq.or(Some(jieba.suggest_freq(word).max(1))), tag);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(seg: &Segmenter, text: &str) -> Vec<String> {
        let s = Submission {
            id: "1".into(),
            title: String::new(),
            unit: String::new(),
            text: text.into(),
        };
        let d = seg.document(&s);
        d.tokens.iter().map(|t| d.word(t).to_string()).collect()
    }

    #[test]
    fn built_in_dictionary_keeps_domain_terms_whole() {
        let seg = Segmenter::new();
        let w = words(
            &seg,
            "清镇市推进一圈两场三改，开展三会一课，打造大地走红品牌",
        );
        for term in ["一圈两场三改", "三会一课", "大地走红"] {
            assert!(w.iter().any(|x| x == term), "{term} split: {w:?}");
        }
    }

    #[test]
    fn marks_stop_words_and_punctuation() {
        let seg = Segmenter::new();
        let s = Submission {
            id: "1".into(),
            title: "标题".into(),
            unit: String::new(),
            text: "党员的故事。".into(),
        };
        let d = seg.document(&s);
        let kind = |w: &str| d.tokens.iter().find(|t| d.word(t) == w).map(|t| t.kind);
        assert_eq!(kind("的"), Some(Kind::Stop));
        assert_eq!(kind("。"), Some(Kind::Punct));
        assert_eq!(kind("党员"), Some(Kind::Content));
        assert_eq!(d.title(), "标题");
        assert_eq!(d.body(), "党员的故事。");
    }

    #[test]
    fn user_dictionary_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        std::fs::write(&path, "好词 100 n\n坏词 many n\n").unwrap();
        let e = Segmenter::with_dict(&path).unwrap_err().to_string();
        assert!(e.contains("第 2 行") && e.contains("坏词 many n"), "{e}");
    }

    #[test]
    fn user_dictionary_words_stay_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        std::fs::write(&path, "红枫湖畔守护队\n").unwrap();
        let seg = Segmenter::with_dict(&path).unwrap();
        assert!(words(&seg, "红枫湖畔守护队巡河").contains(&"红枫湖畔守护队".to_string()));
    }

    #[test]
    fn parallel_map_keeps_order() {
        let v: Vec<u32> = (0..1000).collect();
        assert_eq!(
            parallel_map(&v, |x| x * 2),
            v.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
    }
}
