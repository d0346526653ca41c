//! Normalized text → [`Document`]: jieba-rs words with a coarse part of speech, each marked as
//! content, stop word or punctuation. One [`Segmenter`] per process, shared across threads.

use std::path::Path;

use jieba_rs::Jieba;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Result};
use crate::normalize::normalize_into;
use crate::read::Submission;

const USER_DICT: &str = include_str!("../data/userdict.txt");
const STOP_WORDS: &str = include_str!("../data/stopwords.txt");
const SURNAMES: &str = include_str!("../data/surnames.txt");
const NOT_PLACES: &str = include_str!("../data/not_places.txt");

/// The part of speech that matters to the criteria, from jieba's tag set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    /// A person's name: tagged `nr*` and shaped like a Chinese name (a common surname and one or
    /// two characters, or a name the user dictionary tags `nr`; README "Exemplar criteria").
    Person,
    /// Tagged `nr*` by jieba but not shaped like a person's name (文明, 友谊, 特朗普, 周淑兰带).
    NameTag,
    /// The surname of a name jieba cut in two (杨/nr 秀英/nr, 丁/nr 薛祥/nr): with the next
    /// token it is one person ([`Document::person_at`]); that token is then a [`Pos::NameTag`].
    Surname,
    /// A place name: tagged `ns*`, of two characters or more and not an ordinary word jieba's
    /// dictionary tags so (`data/not_places.txt`: 满意度, 锦旗, 城市), or tagged `ns*` by the
    /// user dictionary whatever it is (README "Exemplar criteria").
    Place,
    /// An organisation name: tagged `nt*`, under the same conditions as a [`Pos::Place`] (协商会,
    /// 中美关系 and 新进展 are not organisations).
    Organization,
    /// A number or quantity (`m*`, digits).
    Number,
    /// A time word (`t*`).
    Time,
    /// A verb (`v*`).
    Verb,
    /// Any other noun (`n*`), and a word tagged `ns*` / `nt*` that names no place or body.
    Noun,
    /// Everything else.
    Other,
}

impl Pos {
    /// Whether jieba tagged the word `nr*`, a name or not. The story-shape features count these,
    /// as they did before names were checked: the models were chosen on them, and on the
    /// training years counting only the checked names ranked no better (BENCHMARKS.md).
    pub fn tagged_person(self) -> bool {
        matches!(self, Pos::Person | Pos::NameTag | Pos::Surname)
    }

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

    /// The person named at token `i`, if any: a [`Pos::Person`] token, or a [`Pos::Surname`]
    /// token and the given name after it.
    pub fn person_at(&self, i: usize) -> Option<&str> {
        let t = self.tokens.get(i)?;
        match t.pos {
            Pos::Person => Some(self.word(t)),
            Pos::Surname => {
                let end = self.tokens.get(i + 1).map_or(t.end, |n| n.end);
                Some(&self.text[t.start as usize..end as usize])
            }
            _ => None,
        }
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
    names: Names,
    /// Words jieba's dictionary tags `ns*` / `nt*` that name no place or body
    /// (`data/not_places.txt`).
    not_places: FxHashSet<&'static str>,
    /// The tags a user dictionary (`--dict`) gives its words. jieba keeps the tag a word already
    /// has when it is added again, so a line retagging a word of its dictionary or of the
    /// built-in one (`红枫湖镇 ns`, `黄河 nr`) would otherwise do nothing.
    user_tags: FxHashMap<String, String>,
}

/// The words of a built-in list: one a line, `#` comment lines and blank lines skipped.
fn word_list(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
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
        let (jieba, user_names) = std::thread::scope(|scope| {
            scope.spawn(|| Jieba::empty().tag("王小二说", true).len());
            let mut jieba = Jieba::new();
            let tagged = add_entries(
                &mut jieba,
                Path::new("data/userdict.txt"),
                USER_DICT.as_bytes(),
            )
            .expect("the built-in dictionary is checked by a unit test");
            // The built-in dictionary's tags stay as jieba keeps them (a word jieba already
            // holds keeps its own tag): the models were trained so.
            let names: Vec<String> = tagged
                .into_iter()
                .filter(|(_, tag)| tag.starts_with("nr"))
                .map(|(word, _)| word)
                .collect();
            (jieba, names)
        });
        let stop_words = word_list(STOP_WORDS).map(str::to_string).collect();
        let mut names = Names::new();
        names.user.extend(user_names);
        let not_places = word_list(NOT_PLACES).collect();
        Segmenter {
            jieba,
            stop_words,
            names,
            not_places,
            user_tags: FxHashMap::default(),
        }
    }

    /// [`Segmenter::new`] plus the words of a user dictionary file (`word [freq] [tag]` lines).
    pub fn with_dict(path: &Path) -> Result<Segmenter> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut segmenter = Segmenter::new();
        let tagged = add_entries(&mut segmenter.jieba, path, &bytes)?;
        segmenter.names.user.extend(
            tagged
                .iter()
                .filter(|(_, tag)| tag.starts_with("nr"))
                .map(|(word, _)| word.clone()),
        );
        segmenter.user_tags.extend(tagged);
        Ok(segmenter)
    }

    /// Normalizes and segments one submission.
    pub fn document(&self, s: &Submission) -> Document {
        let mut text = String::with_capacity(s.title.len() + s.text.len() + 1);
        normalize_into(&mut text, &s.title);
        let title_end = text.len();
        text.push('\n');
        normalize_into(&mut text, &s.text);
        let mut tokens: Vec<Token> = self
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
                    let user_tag = if self.user_tags.is_empty() {
                        None
                    } else {
                        self.user_tags.get(t.word)
                    };
                    match Pos::from_tag(user_tag.map_or(t.tag, String::as_str)) {
                        Pos::Person if !self.names.is_name(&self.jieba, t.word) => Pos::NameTag,
                        // The user's ns / nt tag wins, as their nr tag does for names.
                        Pos::Place | Pos::Organization
                            if user_tag.is_none() && !self.names_place(t.word) =>
                        {
                            Pos::Noun
                        }
                        pos => pos,
                    }
                };
                Some(Token {
                    start: t.byte_start as u32,
                    end: t.byte_end as u32,
                    pos,
                    kind,
                })
            })
            .collect();
        self.join_split_names(&text, &mut tokens);
        demote_quoted_names(&text, &mut tokens);
        Document {
            text,
            title_end,
            tokens,
        }
    }

    /// jieba's part-of-speech model often cuts a name in two, the surname and the given name
    /// both tagged `nr` (杨/nr 秀英/nr, 丁/nr 薛祥/nr). Such a pair that reads as one name is marked
    /// [`Pos::Surname`] + [`Pos::NameTag`], so that the criteria see one person (杨秀英), not
    /// none or the wrong one (薛祥). Every token keeps [`Pos::tagged_person`] as jieba tagged it.
    fn join_split_names(&self, text: &str, tokens: &mut [Token]) {
        for i in 1..tokens.len() {
            let (a, b) = (tokens[i - 1], tokens[i]);
            let joined_before = i >= 2 && tokens[i - 2].pos == Pos::Surname;
            if joined_before || a.end != b.start || !a.pos.tagged_person() || !b.pos.tagged_person()
            {
                continue;
            }
            let (first, given) = (
                &text[a.start as usize..a.end as usize],
                &text[b.start as usize..b.end as usize],
            );
            if first.chars().count() == 1
                && (1..=2).contains(&given.chars().count())
                && self
                    .names
                    .is_name(&self.jieba, &text[a.start as usize..b.end as usize])
            {
                tokens[i - 1].pos = Pos::Surname;
                tokens[i].pos = Pos::NameTag;
            }
        }
    }

    /// Whether a word jieba tags `ns*` / `nt*` names a place or body: jieba's dictionary tags
    /// thousands of ordinary words so (满意度, 上门, 锦旗, 城市, 依法治国, 协商会), listed in
    /// `data/not_places.txt`, and single characters (南, 东, 美, 德, 京), which in a text are
    /// a direction, an adjective or a country pair's half (中/f 德/ns 合作), not a place.
    fn names_place(&self, word: &str) -> bool {
        word.chars().nth(1).is_some() && !self.not_places.contains(word)
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

/// A short quoted phrase names a thing, not a person: “楼栋管家”, “把井守好”, “南繁硅谷”, “白加黑”,
/// where jieba's model tags 楼栋, 井守, 南繁 and 白加 as names. A would-be person inside quotes of
/// at most [`SHORT_QUOTE`] characters is therefore a [`Pos::NameTag`] (still a tagged name for
/// the story-shape features). Longer quotes are speech, where people are named.
fn demote_quoted_names(text: &str, tokens: &mut [Token]) {
    let mut from = 0;
    while let Some(open) = text[from..].find('“').map(|o| from + o + '“'.len_utf8()) {
        let Some(close) = text[open..].find(['”', '“', '\n']).map(|c| open + c) else {
            break;
        };
        from = close;
        if !text[close..].starts_with('”') || text[open..close].chars().count() > SHORT_QUOTE {
            continue;
        }
        let first = tokens.partition_point(|t| (t.start as usize) < open);
        for t in tokens[first..].iter_mut() {
            if t.end as usize > close {
                break;
            }
            if matches!(t.pos, Pos::Person | Pos::Surname) {
                t.pos = Pos::NameTag;
            }
        }
    }
}

/// Quotes of up to this many characters name a thing (see [`demote_quoted_names`]).
const SHORT_QUOTE: usize = 8;

/// Tells a person's name among the words jieba tags `nr`: its dictionary tags tens of thousands
/// of common words so (文明, 友谊, 卫星, 强降雨, 从严治党), and its part-of-speech model glues a
/// following character to a name now and then (周淑兰带). A name here is a common surname
/// (`data/surnames.txt`) and one or two more characters (two or three after a compound surname),
/// or 小 / 老 and a surname (老李); and, when jieba's dictionary holds the word itself, it is not a
/// two-character word (高峰, 权威) nor a three-character one that starts with a dictionary word
/// (安全法, 张家口) or ends in a common one (高水平, 强降雨). Foreign names (特朗普) are not
/// counted: a 大地走红 story is about people at home. A word the user dictionary (`--dict`)
/// tags `nr` is a name whatever its shape, so a rare surname is one line there (仉振华 nr).
struct Names {
    single: FxHashSet<char>,
    compound: FxHashSet<[char; 2]>,
    /// Words a user dictionary tags `nr*`: names whatever their shape (a rare surname).
    user: FxHashSet<String>,
}

impl Names {
    fn new() -> Names {
        let mut names = Names {
            single: FxHashSet::default(),
            compound: FxHashSet::default(),
            user: FxHashSet::default(),
        };
        for line in SURNAMES.lines().map(str::trim) {
            let chars: Vec<char> = line.chars().collect();
            match chars[..] {
                ['#', ..] | [] => {}
                [c] => {
                    names.single.insert(c);
                }
                [a, b] => {
                    names.compound.insert([a, b]);
                }
                _ => {}
            }
        }
        names
    }

    fn is_name(&self, jieba: &Jieba, word: &str) -> bool {
        /// Characters of transliterated foreign names that Chinese given names hardly use.
        const FOREIGN: &str = "斯尔姆蒂拉尼格索夫耶奥";
        /// Last characters of places and bodies (王坝村, 张家港).
        const NOT_LAST: &str = "村镇乡县市省区街路寺庄屯沟港湾岛桥楼院园所站厂局委会队部馆";
        if self.user.contains(word) {
            return true;
        }
        let mut chars = [' '; 4];
        let mut n = 0;
        for c in word.chars() {
            if n == 4 || !('\u{4e00}'..='\u{9fff}').contains(&c) {
                return false;
            }
            chars[n] = c;
            n += 1;
        }
        if n < 2 || NOT_LAST.contains(chars[n - 1]) {
            return false;
        }
        let surname = if n >= 3 && self.compound.contains(&[chars[0], chars[1]]) {
            2
        } else if self.single.contains(&chars[0]) {
            1
        } else {
            return n == 2 && "小老".contains(chars[0]) && self.single.contains(&chars[1]);
        };
        let given = &chars[surname..n];
        if given.len() > 2 || given.iter().any(|&c| FOREIGN.contains(c)) {
            return false;
        }
        if surname == 2 {
            return true;
        }
        // The given name of a three-character word as jieba's dictionary tags it, looked up once:
        // a time or function word (于本周), or a common word (高水平).
        let tail = &word[chars[0].len_utf8()..];
        let (function_tail, common_tail) = if n == 3 && jieba.has_word(tail) {
            jieba
                .tag(tail, false)
                .first()
                .filter(|t| t.word == tail)
                .map_or((false, false), |t| {
                    (
                        matches!(
                            t.tag.as_bytes().first(),
                            Some(b't' | b'r' | b'm' | b'd' | b'p' | b'c' | b'u' | b'f' | b'q')
                        ),
                        matches!(t.tag, "n" | "vn" | "an" | "a" | "v"),
                    )
                })
        } else {
            (false, false)
        };
        if function_tail {
            return false;
        }
        if !jieba.has_word(word) {
            return true;
        }
        // A word of jieba's own dictionary: not two characters (高峰), nor three that start with a
        // word (安全法) or end in a common one (高水平).
        let head = chars[0].len_utf8() + chars[1].len_utf8();
        n == 3 && !jieba.has_word(&word[..head]) && !common_tail
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

/// The largest frequency a user dictionary line may give: far above any word of jieba's
/// dictionary (的: about 320,000; all words together: about 60 million), and low enough that
/// jieba's running total of frequencies (a `usize`) cannot overflow.
const MAX_USER_FREQ: usize = 1_000_000_000;

/// Adds `word [freq] [tag]` lines; a missing frequency is computed so the word stays whole.
/// Returns every tagged word with its tag (those tagged `nr*` are names the author vouches for).
fn add_entries(jieba: &mut Jieba, path: &Path, bytes: &[u8]) -> Result<Vec<(String, String)>> {
    let text = crate::read::decode_text(bytes).map_err(|e| {
        let at = e.offset as usize;
        // The line holding the bad bytes, whichever of LF, CRLF or CR ends it.
        let line_end = |b: &u8| matches!(b, b'\n' | b'\r');
        let start = bytes[..at].iter().rposition(line_end).map_or(0, |p| p + 1);
        let end = bytes[at..]
            .iter()
            .position(line_end)
            .map_or(bytes.len(), |p| at + p);
        Error::Dictionary {
            path: path.to_path_buf(),
            line: e.row as usize,
            value: String::from_utf8_lossy(&bytes[start..end])
                .trim()
                .to_string(),
            message: e.to_string(),
        }
    })?;
    let mut tagged = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace().peekable();
        let word = parts.next().unwrap_or_default();
        // As in jieba's own user dictionaries, the frequency may be left out before a tag
        // (`红枫湖镇 ns`): a second field of letters alone is the tag.
        let freq = match parts.peek() {
            None => None,
            Some(f) if f.bytes().all(|b| b.is_ascii_alphabetic()) => None,
            Some(f) => {
                let error = |message: String| Error::Dictionary {
                    path: path.to_path_buf(),
                    line: i + 1,
                    value: line.to_string(),
                    message,
                };
                let too_large = || {
                    error(crate::tr!(
                        "词频太大（最大 {MAX_USER_FREQ}）",
                        "the frequency is too large (at most {MAX_USER_FREQ})"
                    ))
                };
                match f.parse::<usize>() {
                    Ok(n) if n <= MAX_USER_FREQ => Some(n),
                    Ok(_) => return Err(too_large()),
                    Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => {
                        return Err(too_large())
                    }
                    // No digit at all: most likely a word written with a space (乡村 振兴).
                    Err(_) if !f.bytes().any(|b| b.is_ascii_digit()) => {
                        let f = crate::error::shorten(f);
                        return Err(error(crate::tr!(
                            "“{f}”不是词频：词里不能有空格（每行写“词 [词频] [词性]”）",
                            "'{f}' is not a frequency: a word cannot contain spaces (use 'word [freq] [tag]')"
                        )));
                    }
                    Err(_) => {
                        return Err(error(crate::tr!(
                            "词频不是整数（每行写“词 [词频] [词性]”）",
                            "the frequency is not a whole number (use 'word [freq] [tag]')"
                        )))
                    }
                }
            }
        };
        if freq.is_some() {
            parts.next();
        }
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
        // Written as the text is segmented: normalized (5G → 5g, Ｇ２０ → g20), or it never
        // matches.
        let word = crate::normalize::normalize(word);
        if word.is_empty() {
            continue;
        }
        // A word without a frequency gets one high enough to keep it whole.
        let freq = freq.filter(|&f| f > 0);
        jieba.add_word(&word, freq.or(Some(jieba.suggest_freq(&word).max(1))), tag);
        if let Some(tag) = tag {
            tagged.push((word, tag.to_string()));
        }
    }
    Ok(tagged)
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
        // A 1 MB line (a file saved without line breaks) is quoted shortened, not whole.
        let line = format!("坏词 {}x", "5".repeat(1 << 20));
        std::fs::write(&path, format!("好词 100 n\n{line}\n")).unwrap();
        let e = Segmenter::with_dict(&path).unwrap_err().to_string();
        let n = line.chars().count();
        assert!(
            e.contains("第 2 行") && e.contains(&format!("…（共 {n} 个字符）")),
            "{e}"
        );
        assert!(e.len() < 400, "{} bytes", e.len());
    }

    /// A dictionary saved with CR line ends (an old Mac editor) and a bad byte on its third
    /// line: the error said line 1 and quoted every line before the bad byte as that line.
    #[test]
    fn a_bad_byte_in_a_cr_only_dictionary_names_its_own_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        std::fs::write(
            &path,
            b"\xe5\xa5\xbd\xe8\xaf\x8d 100 n\r\xe5\xa4\xa7 5\rbad\xff\xff\xff\rok 3\r",
        )
        .unwrap();
        let e = Segmenter::with_dict(&path).unwrap_err();
        match &e {
            Error::Dictionary { line, value, .. } => {
                assert_eq!(
                    (*line, value.as_str()),
                    (3, "bad\u{fffd}\u{fffd}\u{fffd}"),
                    "{e}"
                )
            }
            other => panic!("{other}"),
        }
    }

    /// jieba adds every frequency to a running total: 18446744073709551615 overflowed it (a
    /// panic in a debug build; in a release build the total wrapped and every other word's
    /// probability with it), and a larger number was called "not a whole number".
    #[test]
    fn a_user_dictionary_frequency_too_large_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        for freq in [
            "18446744073709551615",
            "99999999999999999999999",
            "1000000001",
        ] {
            std::fs::write(&path, format!("好词 100 n\n大词 {freq} n\n")).unwrap();
            let e = Segmenter::with_dict(&path).unwrap_err().to_string();
            assert!(
                e.contains("第 2 行") && e.contains("词频太大") && e.contains(freq),
                "{e}"
            );
        }
        std::fs::write(&path, "大词 1000000000 n\n").unwrap();
        let seg = Segmenter::with_dict(&path).unwrap();
        assert!(words(&seg, "大词好").contains(&"大词".to_string()));
    }

    /// The text is normalized before segmentation (5G → 5g, Ｇ２０ → g20), so a dictionary word
    /// written as the text writes it never matched, silently: its tag and its wholeness were lost.
    #[test]
    fn user_dictionary_words_are_normalized_like_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        std::fs::write(&path, "华为5G创新中心 nt\nＧ２０杭州峰会 nz\n").unwrap();
        let seg = Segmenter::with_dict(&path).unwrap();
        let w = words(&seg, "华为5G创新中心和Ｇ２０杭州峰会");
        for term in ["华为5g创新中心", "g20杭州峰会"] {
            assert!(w.iter().any(|x| x == term), "{term} split: {w:?}");
        }
    }

    /// A word written with a space (乡村 振兴) was told its frequency is not a whole number.
    #[test]
    fn a_user_dictionary_word_with_a_space_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        std::fs::write(&path, "好词 100 n\n乡村 振兴 5\n").unwrap();
        let e = Segmenter::with_dict(&path).unwrap_err().to_string();
        assert!(
            e.contains("第 2 行")
                && e.contains("“振兴”不是词频：词里不能有空格")
                && e.contains("乡村 振兴 5"),
            "{e}"
        );
    }

    #[test]
    fn user_dictionary_takes_a_tag_without_a_frequency() {
        // The form `xuanti init`'s userdict.txt shows, and jieba's own user dictionaries use.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        std::fs::write(&path, "红枫湖畔守护队 nz\n板凳议事会 20000 nz\n守河人 30\n").unwrap();
        let seg = Segmenter::with_dict(&path).unwrap();
        let w = words(&seg, "红枫湖畔守护队和板凳议事会的守河人");
        for term in ["红枫湖畔守护队", "板凳议事会", "守河人"] {
            assert!(w.iter().any(|x| x == term), "{term} split: {w:?}");
        }
        std::fs::write(&path, "好词 1x n\n").unwrap();
        let e = Segmenter::with_dict(&path).unwrap_err().to_string();
        assert!(e.contains("第 1 行") && e.contains("好词 1x n"), "{e}");
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
    fn names_are_told_from_other_words_tagged_nr() {
        let seg = Segmenter::new();
        let is_name = |w: &str| seg.names.is_name(&seg.jieba, w);
        for name in [
            "习近平",
            "李克强",
            "黄文秀",
            "王晨",
            "欧阳娜娜",
            "诸葛亮",
            "老李",
            "小王",
        ] {
            assert!(is_name(name), "{name} is a name");
        }
        for word in [
            "文明",
            "友谊",
            "卫星",
            "高峰",
            "强降雨",
            "高水平",
            "从严治党",
            "今天上午",
            "特朗普",
            "默克尔",
            "伊拉克",
            "王坝村",
            "张家口",
            "安全法",
            "于本周",
            "周淑兰带",
            "李",
            "Tom",
        ] {
            assert!(!is_name(word), "{word} is not a name");
        }
    }

    #[test]
    fn a_user_dictionary_can_vouch_for_a_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        // 仉 is not among the built-in surnames.
        std::fs::write(&path, "仉振华 nr\n").unwrap();
        let seg = Segmenter::with_dict(&path).unwrap();
        assert!(seg.names.is_name(&seg.jieba, "仉振华"));
        assert!(!Segmenter::new().names.is_name(&seg.jieba, "仉振华"));
    }

    #[test]
    fn only_name_shaped_nr_words_are_persons() {
        let seg = Segmenter::new();
        let s = Submission {
            id: "1".into(),
            title: String::new(),
            unit: String::new(),
            text: "弘扬文明新风，两国的友谊很深。黄文秀说：“我是党员。”".into(),
        };
        let d = seg.document(&s);
        let pos = |w: &str| d.tokens.iter().find(|t| d.word(t) == w).map(|t| t.pos);
        assert_eq!(pos("黄文秀"), Some(Pos::Person));
        for word in ["文明", "友谊"] {
            let p = pos(word).unwrap_or_else(|| panic!("{word} is a token"));
            assert_ne!(p, Pos::Person, "{word}");
            // jieba tags both nr; the story-shape features still count them as it did.
            assert!(p.tagged_person(), "{word}: {p:?}");
        }
    }

    #[test]
    fn a_name_jieba_cuts_in_two_is_one_person() {
        let seg = Segmenter::new();
        let s = Submission {
            id: "1".into(),
            title: String::new(),
            unit: String::new(),
            // jieba: 杨/nr 秀英/nr and 王/nr 阿妹/nr; 一张/m stays a number.
            text: "村党支部书记杨秀英带领党员外出学习。苗族大姐王阿妹说：一张积分卡。".into(),
        };
        let d = seg.document(&s);
        let persons: Vec<&str> = (0..d.tokens.len()).filter_map(|i| d.person_at(i)).collect();
        assert_eq!(persons, ["杨秀英", "王阿妹"]);
        let at = |w: &str| d.tokens.iter().position(|t| d.word(t) == w).unwrap();
        let (surname, given) = (at("杨"), at("秀英"));
        assert_eq!(given, surname + 1);
        assert_eq!(d.tokens[surname].pos, Pos::Surname);
        // Both halves still count as jieba tagged them for the story-shape features.
        assert!(d.tokens[surname].pos.tagged_person() && d.tokens[given].pos.tagged_person());
        assert_eq!(d.person_at(given), None);
    }

    #[test]
    fn two_tagged_words_that_do_not_read_as_a_name_stay_apart() {
        let seg = Segmenter::new();
        let text = "杨秀英和鲁哈尼";
        let tokens = |pos: &[(u32, u32, Pos)]| -> Vec<Token> {
            pos.iter()
                .map(|&(start, end, pos)| Token {
                    start,
                    end,
                    pos,
                    kind: Kind::Content,
                })
                .collect()
        };
        // 鲁 + 哈尼 (Rouhani): 尼 is a character of foreign names; 和 is not tagged as a name.
        let mut t = tokens(&[
            (0, 3, Pos::NameTag),
            (3, 9, Pos::NameTag),
            (9, 12, Pos::Other),
            (12, 15, Pos::NameTag),
            (15, 21, Pos::NameTag),
        ]);
        seg.join_split_names(text, &mut t);
        let pos: Vec<Pos> = t.iter().map(|t| t.pos).collect();
        assert_eq!(
            pos,
            [
                Pos::Surname,
                Pos::NameTag,
                Pos::Other,
                Pos::NameTag,
                Pos::NameTag
            ]
        );
    }

    #[test]
    fn a_name_inside_a_short_quote_is_not_a_person_but_one_in_speech_is() {
        let seg = Segmenter::new();
        let s = Submission {
            id: "1".into(),
            title: String::new(),
            unit: String::new(),
            // jieba tags 楼栋 and 井守 nr; the quotes name a team and a promise.
            text:
                "党员组成“楼栋管家”。爷爷嘱咐他“把井守好”。村民说：“多亏了张建国书记，路修好了。”"
                    .into(),
        };
        let d = seg.document(&s);
        let persons: Vec<&str> = (0..d.tokens.len()).filter_map(|i| d.person_at(i)).collect();
        assert_eq!(persons, ["张建国"]);
        let pos = |w: &str| d.tokens.iter().find(|t| d.word(t) == w).map(|t| t.pos);
        for word in ["楼栋", "井守"] {
            assert_eq!(pos(word), Some(Pos::NameTag), "{word}");
        }
    }

    fn pos_of(seg: &Segmenter, text: &str) -> Vec<(String, Pos)> {
        let d = seg.document(&Submission {
            id: "1".into(),
            title: String::new(),
            unit: String::new(),
            text: text.into(),
        });
        d.tokens
            .iter()
            .map(|t| (d.word(t).to_string(), t.pos))
            .collect()
    }

    fn pos_in(tokens: &[(String, Pos)], word: &str) -> Pos {
        tokens
            .iter()
            .find(|(w, _)| w == word)
            .unwrap_or_else(|| panic!("{word} is not a token of {tokens:?}"))
            .1
    }

    #[test]
    fn ordinary_words_jieba_tags_as_places_are_not_places() {
        let seg = Segmenter::new();
        // jieba's dictionary tags 锦旗, 满意度, 东西, 井水 and 河水 ns and 协商会 nt.
        let t = pos_of(
            &seg,
            "群众送来锦旗，满意度达到98%。各支部开展协商会。南京的东西多。清镇和贵阳的井水和河水。",
        );
        for word in ["锦旗", "满意度", "东西", "井水", "河水", "各支部", "协商会"]
        {
            assert_eq!(pos_in(&t, word), Pos::Noun, "{word}");
        }
        for word in ["南京", "清镇", "贵阳"] {
            assert_eq!(pos_in(&t, word), Pos::Place, "{word}");
        }
        let t = pos_of(&seg, "国务院召开常务会议，全国人大常委会审议。");
        for word in ["国务院", "全国人大常委会"] {
            assert_eq!(pos_in(&t, word), Pos::Organization, "{word}");
        }
    }

    #[test]
    fn a_single_character_is_not_a_place() {
        let seg = Segmenter::new();
        // jieba: 中/f 德/ns 合作/vn.
        let t = pos_of(&seg, "中德合作");
        assert_eq!(pos_in(&t, "德"), Pos::Noun, "{t:?}");
    }

    #[test]
    fn a_user_dictionary_tag_makes_a_listed_word_a_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        // A village's 锦旗 square, say; 德 as the user's own abbreviation; 协商会 as a body.
        std::fs::write(&path, "锦旗 ns\n德 ns\n协商会 nt\n").unwrap();
        let seg = Segmenter::with_dict(&path).unwrap();
        let t = pos_of(&seg, "在锦旗开展中德合作，协商会决定。");
        assert_eq!(pos_in(&t, "锦旗"), Pos::Place);
        assert_eq!(pos_in(&t, "德"), Pos::Place);
        assert_eq!(pos_in(&t, "协商会"), Pos::Organization);
    }

    /// Every word of data/not_places.txt is a word of jieba's dictionary (else it never comes
    /// out of the segmenter whole and its line does nothing), of two characters at least (one
    /// character is never a place), and listed once.
    #[test]
    fn the_not_places_list_holds_dictionary_words_once() {
        let seg = Segmenter::new();
        let mut seen = FxHashSet::default();
        for word in word_list(NOT_PLACES) {
            assert!(
                seg.jieba.has_word(word),
                "{word} is not in jieba's dictionary"
            );
            assert!(word.chars().count() >= 2, "{word} is one character");
            assert!(seen.insert(word), "{word} is listed twice");
        }
        assert!(seen.len() > 700, "{}", seen.len());
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
