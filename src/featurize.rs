//! [`Document`] → sparse TF-IDF vector over word uni/bigrams, character n-grams and title words.
//!
//! Features are found through a 64-bit FNV-1a hash of their namespaced text, so looking one up
//! never allocates; the [`Vocabulary`] keeps each feature's readable name for explanations and
//! for the model file, and rebuilds the hash index from the names when a model is loaded.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::segment::{parallel_map, Document, Kind, Pos};

/// A sparse vector: `(feature index, value)` pairs, sorted by index, no repeats.
pub type SparseVec = Vec<(u32, f32)>;

/// The feature families and their weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureConfig {
    /// Weight of the word block (content-word unigrams and word bigrams); 0 turns it off.
    pub words: f32,
    /// Whether the word block includes bigrams.
    pub word_bigrams: bool,
    /// Weight of the character n-gram block; 0 turns it off.
    pub chars: f32,
    /// Smallest and largest character n-gram length.
    pub char_range: (usize, usize),
    /// Weight of the title-word block; 0 turns it off.
    pub title: f32,
    /// Weight of the story-shape block (title "人名：…", quotes, named people, length); 0 turns
    /// it off.
    #[serde(default)]
    pub shape: f32,
    /// A feature must occur in at least this many training documents.
    pub min_df: u32,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            words: 1.0,
            word_bigrams: true,
            chars: 0.0,
            char_range: (1, 2),
            title: 0.5,
            shape: 0.5,
            min_df: 2,
        }
    }
}

const WORD: u8 = b'w';
const BIGRAM: u8 = b'b';
const CHAR: u8 = b'c';
const TITLE: u8 = b't';
const SHAPE: u8 = b's';
const BLOCKS: [u8; 5] = [WORD, BIGRAM, CHAR, TITLE, SHAPE];

/// The feature occurrences of one document, as (hash key, block) pairs: extracted once and
/// looked up in as many vocabularies as need them.
#[derive(Debug, Clone, Default)]
pub struct FeatureKeys(Vec<(u64, u8)>);

impl FeatureKeys {
    /// Every feature occurrence of `doc` under `config`.
    pub fn of(doc: &Document, config: &FeatureConfig) -> FeatureKeys {
        let mut keys = Vec::new();
        for_each_feature(doc, config, |key, ns, _| keys.push((key, ns)));
        FeatureKeys(keys)
    }
}

impl FeatureConfig {
    /// The families either configuration uses (weights are irrelevant here: a vocabulary
    /// applies its own), so one extraction serves both.
    pub fn union(&self, other: &FeatureConfig) -> FeatureConfig {
        let on = |a: f32, b: f32| if a > 0.0 || b > 0.0 { 1.0 } else { 0.0 };
        let ranges: Vec<(usize, usize)> = [self, other]
            .iter()
            .filter(|c| c.chars > 0.0)
            .map(|c| c.char_range)
            .collect();
        FeatureConfig {
            words: on(self.words, other.words),
            word_bigrams: self.word_bigrams || other.word_bigrams,
            chars: on(self.chars, other.chars),
            char_range: (
                ranges
                    .iter()
                    .map(|r| r.0)
                    .min()
                    .unwrap_or(self.char_range.0),
                ranges
                    .iter()
                    .map(|r| r.1)
                    .max()
                    .unwrap_or(self.char_range.1),
            ),
            title: on(self.title, other.title),
            shape: on(self.shape, other.shape),
            min_df: self.min_df.min(other.min_df),
        }
    }
}

/// The fitted feature space: names, IDF and the hash index.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    config: FeatureConfig,
    names: Vec<String>,
    idf: Vec<f32>,
    index: FxHashMap<u64, u32>,
}

/// The serialized form of a [`Vocabulary`] (the index is rebuilt on load).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VocabularyFile {
    /// Feature families and weights.
    pub config: FeatureConfig,
    /// Feature names, `w:`/`b:`/`c:`/`t:` prefixed.
    pub names: Vec<String>,
    /// Inverse document frequency per feature.
    #[serde(with = "f32_base64")]
    pub idf: Vec<f32>,
}

/// Long `f32` arrays in the model file as base64 of their little-endian bytes: a third of the
/// size of decimal JSON numbers, and read without parsing millions of decimals.
pub mod f32_base64 {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the array as one base64 string.
    pub fn serialize<S: Serializer>(values: &[f32], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        s.serialize_str(&STANDARD.encode(bytes))
    }

    /// Reads the array back; a length that is not a whole number of `f32`s is an error.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let bytes = STANDARD
            .decode(text.as_bytes())
            .map_err(|e| serde::de::Error::custom(format!("bad base64 array: {e}")))?;
        if bytes.len() % 4 != 0 {
            return Err(serde::de::Error::custom(format!(
                "bad array: {} bytes is not a whole number of f32",
                bytes.len()
            )));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

struct Fnv(u64);

impl Fnv {
    fn new(ns: u8) -> Fnv {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.byte(ns);
        h
    }
    fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    fn bytes(&mut self, s: &[u8]) {
        for &b in s {
            self.byte(b);
        }
    }
}

fn key_of_name(name: &str) -> u64 {
    let (ns, rest) = name.split_at(2);
    let mut h = Fnv::new(ns.as_bytes()[0]);
    h.bytes(rest.as_bytes());
    h.0
}

/// Calls `emit(key, block, name)` for every feature occurrence of `doc`; `name` renders the
/// feature's readable name only when asked.
fn for_each_feature(
    doc: &Document,
    config: &FeatureConfig,
    mut emit: impl FnMut(u64, u8, &dyn Fn() -> String),
) {
    if config.words > 0.0 {
        let mut previous: Option<&str> = None;
        for t in doc.words() {
            let w = doc.word(t);
            if t.kind == Kind::Content {
                let mut h = Fnv::new(WORD);
                h.bytes(w.as_bytes());
                emit(h.0, WORD, &|| format!("w:{w}"));
            }
            if config.word_bigrams {
                if let Some(p) = previous {
                    let mut h = Fnv::new(BIGRAM);
                    h.bytes(p.as_bytes());
                    h.byte(b' ');
                    h.bytes(w.as_bytes());
                    emit(h.0, BIGRAM, &|| format!("b:{p} {w}"));
                }
            }
            previous = Some(w);
        }
    }
    if config.title > 0.0 {
        for t in doc
            .tokens
            .iter()
            .filter(|t| t.end as usize <= doc.title_end && t.kind == Kind::Content)
        {
            let w = doc.word(t);
            let mut h = Fnv::new(TITLE);
            h.bytes(w.as_bytes());
            emit(h.0, TITLE, &|| format!("t:{w}"));
        }
    }
    if config.shape > 0.0 {
        for name in story_shape(doc) {
            let mut h = Fnv::new(SHAPE);
            h.bytes(name.as_bytes());
            emit(h.0, SHAPE, &|| format!("s:{name}"));
        }
    }
    if config.chars > 0.0 {
        let (lo, hi) = config.char_range;
        let chars: Vec<(usize, char)> = doc
            .text
            .char_indices()
            .filter(|(_, c)| c.is_alphanumeric())
            .collect();
        for n in lo..=hi {
            for w in chars.windows(n) {
                let mut h = Fnv::new(CHAR);
                let mut buf = [0u8; 4];
                for (_, c) in w {
                    h.bytes(c.encode_utf8(&mut buf).as_bytes());
                }
                emit(h.0, CHAR, &|| {
                    let s: String = w.iter().map(|(_, c)| c).collect();
                    format!("c:{s}")
                });
            }
        }
    }
}

/// How a story is told rather than what it is about: a title of the form "人名：…", quoted
/// speech, named people, length. These are the marks of the exemplar stories editors pick.
fn story_shape(doc: &Document) -> Vec<String> {
    let bucket = |n: usize, edges: &[usize]| -> String {
        match edges.iter().position(|&e| n < e) {
            Some(0) => format!("<{}", edges[0]),
            Some(i) => format!("{}-{}", edges[i - 1], edges[i] - 1),
            None => format!("{}+", edges[edges.len() - 1]),
        }
    };
    let title = doc.title();
    let mut out = Vec::new();
    let title_tokens: Vec<_> = doc
        .tokens
        .iter()
        .filter(|t| (t.end as usize) <= doc.title_end)
        .collect();
    if let Some(colon) = title.find(['：', ':']) {
        out.push("标题冒号".to_string());
        let head = &title[..colon];
        let head_chars = head.chars().count();
        if (2..=4).contains(&head_chars) {
            out.push("标题短名冒号".to_string());
        }
        if title_tokens
            .iter()
            .any(|t| t.pos == Pos::Person && (t.end as usize) <= colon)
        {
            out.push("标题人名冒号".to_string());
        }
    }
    // "…——人名": the same profile title with the name last (in 2012–2017, 7 of the 16 such
    // titles were picks, against a base rate of 3 %).
    if let Some((_, tail)) = title.rsplit_once("——") {
        if (2..=4).contains(&tail.chars().count()) && tail.chars().all(char::is_alphanumeric) {
            out.push("标题破折号短名".to_string());
        }
    }
    if title_tokens.iter().any(|t| t.pos == Pos::Person) {
        out.push("标题人名".to_string());
    }
    if title.contains('“') {
        out.push("标题引号".to_string());
    }
    out.push(format!(
        "标题字数{}",
        bucket(title.chars().count(), &[8, 12, 16, 20, 28])
    ));
    let body = doc.body();
    let quotes = body.matches('“').count();
    out.push(format!("引号{}", bucket(quotes, &[1, 2, 4, 8])));
    let mut persons: Vec<&str> = doc
        .tokens
        .iter()
        .filter(|t| t.pos == Pos::Person && t.end - t.start >= 6)
        .map(|t| doc.word(t))
        .collect();
    persons.sort_unstable();
    persons.dedup();
    out.push(format!("人名{}", bucket(persons.len(), &[1, 2, 4, 8])));
    out.push(format!(
        "正文字数{}",
        bucket(body.chars().count(), &[200, 400, 800, 1600])
    ));
    out
}

fn block_of(ns: u8) -> usize {
    BLOCKS.iter().position(|&b| b == ns).unwrap_or(0)
}

impl Vocabulary {
    /// Learns the features that occur in at least `config.min_df` of `docs`, and their IDF.
    pub fn fit(docs: &[Document], config: &FeatureConfig) -> Vocabulary {
        let keys: Vec<Vec<u64>> = parallel_map(docs, |d| {
            let mut k = Vec::new();
            for_each_feature(d, config, |key, _, _| k.push(key));
            k.sort_unstable();
            k.dedup();
            k
        });
        let mut df: FxHashMap<u64, u32> = FxHashMap::default();
        for k in &keys {
            for &key in k {
                *df.entry(key).or_default() += 1;
            }
        }
        drop(keys);
        let min_df = config.min_df.max(1);
        // Names in first-seen order over the documents: deterministic and independent of hashing.
        let mut index: FxHashMap<u64, u32> = FxHashMap::default();
        let mut names = Vec::new();
        let mut idf = Vec::new();
        let n = docs.len() as f32;
        for d in docs {
            for_each_feature(d, config, |key, _, name| {
                let count = df.get(&key).copied().unwrap_or(0);
                if count >= min_df && !index.contains_key(&key) {
                    index.insert(key, names.len() as u32);
                    names.push(name());
                    idf.push(((1.0 + n) / (1.0 + count as f32)).ln() + 1.0);
                }
            });
        }
        Vocabulary {
            config: config.clone(),
            names,
            idf,
            index,
        }
    }

    /// Rebuilds a vocabulary from its serialized form.
    pub fn from_file(file: VocabularyFile) -> Vocabulary {
        let index = file
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (key_of_name(n), i as u32))
            .collect();
        Vocabulary {
            config: file.config,
            names: file.names,
            idf: file.idf,
            index,
        }
    }

    /// The serialized form.
    pub fn to_file(&self) -> VocabularyFile {
        VocabularyFile {
            config: self.config.clone(),
            names: self.names.clone(),
            idf: self.idf.clone(),
        }
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no features.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The readable name of feature `i` (`w:党员`, `b:驻村 第一书记`, `c:党员`, `t:党员`).
    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// The feature families this vocabulary was fitted with.
    pub fn config(&self) -> &FeatureConfig {
        &self.config
    }

    /// Sublinear TF × IDF per feature, each block L2-normalized and scaled by its weight.
    pub fn vectorize(&self, doc: &Document) -> SparseVec {
        self.vectorize_keys(&FeatureKeys::of(doc, &self.config))
    }

    /// [`Vocabulary::vectorize`] from features already extracted, with this vocabulary's
    /// families or more (see [`FeatureConfig::union`]): keys it does not know are skipped.
    pub fn vectorize_keys(&self, keys: &FeatureKeys) -> SparseVec {
        let mut hits: Vec<(u32, u8)> = keys
            .0
            .iter()
            .filter_map(|&(key, ns)| self.index.get(&key).map(|&i| (i, ns)))
            .collect();
        hits.sort_unstable();
        let mut v: SparseVec = Vec::with_capacity(hits.len());
        let mut block_of_entry: Vec<usize> = Vec::with_capacity(hits.len());
        let mut norms = [0f32; 5];
        let mut j = 0;
        while j < hits.len() {
            let (i, ns) = hits[j];
            let mut tf = 0;
            while j < hits.len() && hits[j].0 == i {
                tf += 1;
                j += 1;
            }
            let x = (1.0 + (tf as f32).ln()) * self.idf[i as usize];
            let b = block_of(ns);
            norms[b] += x * x;
            v.push((i, x));
            block_of_entry.push(b);
        }
        // Unigrams and bigrams form one "word" block, as in the peers' TF-IDF.
        norms[0] += norms[1];
        norms[1] = norms[0];
        let c = &self.config;
        let weights = [c.words, c.words, c.chars, c.title, c.shape];
        for ((_, x), &b) in v.iter_mut().zip(&block_of_entry) {
            if norms[b] > 0.0 {
                *x *= weights[b] / norms[b].sqrt();
            }
        }
        v
    }

    /// [`Vocabulary::vectorize`] over many documents on all cores.
    pub fn vectorize_all(&self, docs: &[Document]) -> Vec<SparseVec> {
        parallel_map(docs, |d| self.vectorize(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Submission;
    use crate::segment::Segmenter;

    fn docs(texts: &[&str]) -> Vec<Document> {
        let seg = Segmenter::new();
        texts
            .iter()
            .map(|t| {
                seg.document(&Submission {
                    id: String::new(),
                    title: "党员故事".into(),
                    unit: String::new(),
                    text: t.to_string(),
                })
            })
            .collect()
    }

    #[test]
    fn min_df_drops_rare_features_and_names_round_trip() {
        let d = docs(&["驻村第一书记带领群众", "驻村第一书记修路", "合作社养殖"]);
        let config = FeatureConfig {
            chars: 1.0,
            title: 1.0,
            ..FeatureConfig::default()
        };
        let v = Vocabulary::fit(&d, &config);
        let names: Vec<&str> = (0..v.len() as u32).map(|i| v.name(i)).collect();
        assert!(names.contains(&"w:驻村第一书记"), "{names:?}");
        assert!(!names.contains(&"w:合作社"), "df 1 kept: {names:?}");
        assert!(
            names.contains(&"c:驻村") && names.contains(&"t:党员"),
            "{names:?}"
        );
        let back = Vocabulary::from_file(v.to_file());
        assert_eq!(back.vectorize(&d[0]), v.vectorize(&d[0]));
    }

    #[test]
    fn story_shape_reads_profile_titles() {
        let seg = Segmenter::new();
        let doc = |title: &str| {
            seg.document(&Submission {
                id: String::new(),
                title: title.into(),
                unit: String::new(),
                text: "“我们一定能行。”他说。".into(),
            })
        };
        let shapes = |title: &str| story_shape(&doc(title));
        assert!(shapes("高铁研磨师——宁允展").contains(&"标题破折号短名".to_string()));
        assert!(!shapes("你幸福吗？——老爸老妈谈幸福").contains(&"标题破折号短名".to_string()));
        let colon = shapes("周恩义：把群众困难放在心上");
        assert!(colon.contains(&"标题短名冒号".to_string()), "{colon:?}");
        assert!(colon.contains(&"引号1-1".to_string()), "{colon:?}");
        assert!(!shapes("国务院召开常务会议").contains(&"标题冒号".to_string()));
    }

    #[test]
    fn keys_of_a_union_vectorize_like_each_vocabulary_alone() {
        let d = docs(&["驻村第一书记带领群众修路", "驻村第一书记带领群众种茶"]);
        let words = FeatureConfig::default();
        let chars = FeatureConfig {
            chars: 0.5,
            char_range: (2, 3),
            ..FeatureConfig::default()
        };
        let (a, b) = (Vocabulary::fit(&d, &words), Vocabulary::fit(&d, &chars));
        let keys = FeatureKeys::of(&d[0], &words.union(&chars));
        assert_eq!(a.vectorize_keys(&keys), a.vectorize(&d[0]));
        assert_eq!(b.vectorize_keys(&keys), b.vectorize(&d[0]));
    }

    #[test]
    fn blocks_are_unit_length_times_weight() {
        let d = docs(&["驻村第一书记带领群众修路", "驻村第一书记带领群众修路"]);
        let config = FeatureConfig {
            words: 1.0,
            chars: 0.5,
            title: 0.0,
            shape: 0.0,
            ..FeatureConfig::default()
        };
        let v = Vocabulary::fit(&d, &config);
        let x = v.vectorize(&d[0]);
        let norm2: f32 = x.iter().map(|(_, x)| x * x).sum();
        assert!((norm2 - 1.25).abs() < 1e-4, "{norm2}");
        assert!(x.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
