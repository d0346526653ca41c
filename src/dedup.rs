//! Title + text → [`Signature`] → near-duplicate groups: the same story sent twice, by two
//! units or with small edits, points at its first occurrence.
//!
//! A submission is normalized (whitespace and punctuation dropped, full-width letters and digits
//! folded to half-width, ASCII lower-cased), cut into overlapping character shingles of
//! [`SHINGLE_CHARS`] characters, and summarized by one-permutation MinHash: every shingle is
//! hashed once into one of [`MINIMA`] bins and each bin keeps its smallest hash (empty bins are
//! filled by optimal densification). Only one byte of each minimum is kept (b-bit MinHash), so a
//! signature is 64 bytes: the fraction of equal bytes estimates the Jaccard similarity of two
//! shingle sets.
//!
//! [`DuplicateFinder::finish`] finds candidate pairs by locality-sensitive hashing: the bytes
//! form [`BANDS`] bands of [`BAND_BYTES`], and rows whose band is equal are compared, found by
//! sorting each band's keys, never by comparing all pairs. Within one band value each row is
//! compared with at most [`BUCKET_WINDOW`] rows before it, so a band value shared by very many
//! rows costs linear time. A candidate is a duplicate when its estimated similarity reaches
//! [`THRESHOLD`]; duplicates are grouped transitively (union-find) and every row of a group but
//! the first points at the first.
//!
//! Short submissions (fewer than [`MIN_SHINGLES`] shingles) carry too few shingles for an
//! estimate: they are duplicates only when their normalized title + text is exactly equal (a
//! 64-bit hash). A submission whose text is empty is never a duplicate. The threshold and sizes
//! were chosen by `cargo bench --bench dedup` (see BENCHMARKS.md, "Near-duplicates").

/// Characters per shingle.
pub const SHINGLE_CHARS: usize = 3;
/// Bytes of MinHash in a signature (one per bin).
pub const MINIMA: usize = 54;
/// Bytes per LSH band.
pub const BAND_BYTES: usize = 3;
/// LSH bands.
pub const BANDS: usize = MINIMA / BAND_BYTES;
/// Estimated Jaccard similarity of the shingle sets from which two rows are duplicates.
pub const THRESHOLD: f64 = 0.5;
/// Fewer shingles than this: only an exact match counts.
pub const MIN_SHINGLES: usize = 30;
/// Rows before it, in the same band bucket, that a row is compared with.
pub const BUCKET_WINDOW: usize = 8;

const SHINGLE_SEED: u64 = 0x9e37_79b9_7f4a_7c15;
const EXACT_SEED: u64 = 0x243f_6a88_85a3_08d3;
const DENSIFY_SEED: u64 = 0x1319_8a2e_0370_7344;
const BYTE_SEED: u64 = 0xa409_3822_299f_31d0;

/// What a signature can be compared by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// The text is empty: never a duplicate.
    Empty,
    /// Fewer than [`MIN_SHINGLES`] shingles: the exact hash only.
    Short,
    /// The MinHash bytes.
    Full,
}

/// The near-duplicate signature of one submission. Fixed-size, `Copy`, 64 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    /// Hash of the whole normalized title + text.
    exact: u64,
    /// One byte of each bin's minimum (all zero unless `kind` is `Full`).
    minima: [u8; MINIMA],
    kind: Kind,
}

impl Signature {
    /// Bytes in [`Signature::to_bytes`].
    pub const BYTES: usize = 8 + MINIMA + 1;

    /// The signature as bytes (to keep it on disk while a large batch streams through).
    pub fn to_bytes(&self) -> [u8; Self::BYTES] {
        let mut out = [0u8; Self::BYTES];
        out[..8].copy_from_slice(&self.exact.to_le_bytes());
        out[8..8 + MINIMA].copy_from_slice(&self.minima);
        out[8 + MINIMA] = match self.kind {
            Kind::Empty => 0,
            Kind::Short => 1,
            Kind::Full => 2,
        };
        out
    }

    /// The signature [`Signature::to_bytes`] wrote; `None` for bytes it cannot have written.
    pub fn from_bytes(bytes: &[u8; Self::BYTES]) -> Option<Signature> {
        let kind = match bytes[8 + MINIMA] {
            0 => Kind::Empty,
            1 => Kind::Short,
            2 => Kind::Full,
            _ => return None,
        };
        let mut minima = [0u8; MINIMA];
        minima.copy_from_slice(&bytes[8..8 + MINIMA]);
        Some(Signature {
            exact: u64::from_le_bytes(bytes[..8].try_into().ok()?),
            minima,
            kind,
        })
    }

    /// Estimated Jaccard similarity of the two submissions' shingle sets, in `[0, 1]`. Short
    /// submissions are 1 when their normalized texts are equal and 0 otherwise; an empty text is
    /// 0 to everything, itself included.
    pub fn similarity(&self, other: &Signature) -> f64 {
        match (self.kind, other.kind) {
            (Kind::Full, Kind::Full) => {
                let equal = self
                    .minima
                    .iter()
                    .zip(&other.minima)
                    .filter(|(a, b)| a == b)
                    .count();
                estimate(equal)
            }
            (Kind::Empty, _) | (_, Kind::Empty) => 0.0,
            _ => f64::from(u8::from(self.exact == other.exact)),
        }
    }
}

/// Jaccard similarity from the number of equal bytes: two unrelated bytes are equal with
/// probability 1/256, which the estimate takes out.
fn estimate(equal: usize) -> f64 {
    let chance = 1.0 / 256.0;
    ((equal as f64 / MINIMA as f64 - chance) / (1.0 - chance)).clamp(0.0, 1.0)
}

/// Signature of one submission from its title and text. A pure function: rows can be signed in
/// parallel.
pub fn signature(title: &str, text: &str) -> Signature {
    let mut chars: Vec<u32> = Vec::with_capacity(title.len() / 3 + text.len() / 3);
    normalize_into(title, &mut chars);
    let title_chars = chars.len();
    normalize_into(text, &mut chars);
    if chars.len() == title_chars {
        return Signature {
            exact: 0,
            minima: [0; MINIMA],
            kind: Kind::Empty,
        };
    }
    let exact = chars.iter().fold(EXACT_SEED, |h, &c| mix(h ^ u64::from(c)));
    let shingles = (chars.len() + 1).saturating_sub(SHINGLE_CHARS);
    if shingles < MIN_SHINGLES {
        return Signature {
            exact,
            minima: [0; MINIMA],
            kind: Kind::Short,
        };
    }
    let mut bins = [u32::MAX; MINIMA];
    let mut filled = [false; MINIMA];
    for window in chars.windows(SHINGLE_CHARS) {
        let raw = window
            .iter()
            .fold(0u64, |h, &c| h.rotate_left(21) ^ u64::from(c));
        let h = mix(raw ^ SHINGLE_SEED);
        let bin = (((h >> 32) * MINIMA as u64) >> 32) as usize;
        let value = h as u32;
        if value <= bins[bin] {
            bins[bin] = value;
            filled[bin] = true;
        }
    }
    // Optimal densification (Shrivastava 2017): an empty bin takes the value of the first filled
    // bin in its own fixed probe sequence, the same for every submission.
    let source = bins;
    for bin in 0..MINIMA {
        if filled[bin] {
            continue;
        }
        for attempt in 0u64.. {
            let probe = mix(DENSIFY_SEED ^ ((bin as u64) << 32) ^ attempt);
            let from = (((probe >> 32) * MINIMA as u64) >> 32) as usize;
            if filled[from] {
                bins[bin] = source[from];
                break;
            }
        }
    }
    let mut minima = [0u8; MINIMA];
    for (byte, &value) in minima.iter_mut().zip(&bins) {
        *byte = (mix(u64::from(value) ^ BYTE_SEED) >> 56) as u8;
    }
    Signature {
        exact,
        minima,
        kind: Kind::Full,
    }
}

/// Appends the characters of `raw` that count for duplicates: letters and digits (CJK
/// included), full-width forms folded to half-width, ASCII lower-cased.
fn normalize_into(raw: &str, out: &mut Vec<u32>) {
    for c in raw.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if crate::normalize::is_alphanumeric(c) {
            out.push(u32::from(c.to_ascii_lowercase()));
        }
    }
}

/// splitmix64's finalizer: a fixed, well-mixing 64-bit permutation.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Collects signatures in input order and groups the near-duplicates among them.
#[derive(Debug, Clone, Default)]
pub struct DuplicateFinder {
    signatures: Vec<Signature>,
}

impl DuplicateFinder {
    /// An empty finder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next row's signature (rows in input order).
    pub fn push(&mut self, sig: Signature) {
        self.signatures.push(sig);
    }

    /// Rows pushed so far.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// Whether no row was pushed.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// For each row: `Some(index of its original)` — the first row, in input order, of its group
    /// of near-duplicates — or `None` (an original or a unique row).
    pub fn finish(&self) -> Vec<Option<u32>> {
        self.finish_at(THRESHOLD)
    }

    /// [`finish`](Self::finish) with another similarity threshold (for measurements).
    pub fn finish_at(&self, threshold: f64) -> Vec<Option<u32>> {
        let sigs = &self.signatures;
        let n = u32::try_from(sigs.len()).expect("at most u32::MAX rows");
        let mut groups = Groups::new(n as usize);

        // Equal normalized texts, short or not: one sort of the exact hashes.
        let mut keys: Vec<(u64, u32)> = (0..n)
            .filter(|&i| sigs[i as usize].kind != Kind::Empty)
            .map(|i| (sigs[i as usize].exact, i))
            .collect();
        keys.sort_unstable();
        for pair in keys.windows(2) {
            if pair[0].0 == pair[1].0 {
                groups.union(pair[0].1, pair[1].1);
            }
        }
        drop(keys);

        // Near-duplicates: rows that share a band value are candidates.
        let full: Vec<u32> = (0..n)
            .filter(|&i| sigs[i as usize].kind == Kind::Full)
            .collect();
        let similar = |a: u32, b: u32| sigs[a as usize].similarity(&sigs[b as usize]) >= threshold;
        let mut band_keys: Vec<u64> = Vec::with_capacity(full.len());
        for band in 0..BANDS {
            band_keys.clear();
            band_keys.extend(full.iter().map(|&i| {
                let bytes = &sigs[i as usize].minima[band * BAND_BYTES..][..BAND_BYTES];
                let key = bytes.iter().fold(0u64, |k, &b| (k << 8) | u64::from(b));
                (key << 32) | u64::from(i)
            }));
            band_keys.sort_unstable();
            let mut start = 0;
            for j in 1..band_keys.len() {
                if band_keys[j] >> 32 != band_keys[start] >> 32 {
                    start = j;
                    continue;
                }
                let row = band_keys[j] as u32;
                for &earlier in band_keys[start.max(j.saturating_sub(BUCKET_WINDOW))..j].iter() {
                    let earlier = earlier as u32;
                    let (a, b) = (groups.find(row), groups.find(earlier));
                    // Two groups merge only when their first rows are alike too: a chain of
                    // pairwise-similar news items on one template must not make the first of
                    // them the "original" of a story it does not resemble.
                    if a != b
                        && similar(row, earlier)
                        && ((a, b) == (row, earlier) || similar(a, b))
                    {
                        groups.union(a, b);
                    }
                }
            }
        }

        // The result is the only other allocation alive with the union-find, so `finish`
        // never holds more than 20 bytes per row besides the signatures.
        drop(band_keys);
        drop(full);
        (0..n)
            .map(|i| {
                let first = groups.find(i);
                (first != i).then_some(first)
            })
            .collect()
    }
}

/// Union-find whose root is always the group's first row.
struct Groups {
    parent: Vec<u32>,
}

impl Groups {
    fn new(n: usize) -> Self {
        Groups {
            parent: (0..n as u32).collect(),
        }
    }

    fn find(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let grand = self.parent[self.parent[i as usize] as usize];
            self.parent[i as usize] = grand;
            i = grand;
        }
        i
    }

    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        let (first, later) = if a < b { (a, b) } else { (b, a) };
        self.parent[later as usize] = first;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "村党支部书记李明带领村民发展茶叶种植，三年来全村人均收入翻了一番。\
        他每天清晨走访农户，了解大家的困难，帮助贫困户申请小额贷款，\
        还请来农业专家手把手教技术。如今，村里的茶园已经连片成规模，\
        茶叶远销省外，乡亲们都说日子越过越有奔头。";
    const OTHER: &str = "市图书馆近日推出夜间阅读服务，每周五和周六开放至晚上十点。\
        馆方介绍，新增的自习区配备了充足的座位和照明，\
        还有志愿者为读者提供借阅指导。开放首周，共接待读者两千余人次，\
        不少上班族表示下班后终于有了安静的学习场所。";

    fn finish(rows: &[(&str, &str)]) -> Vec<Option<u32>> {
        let mut finder = DuplicateFinder::new();
        for (title, text) in rows {
            finder.push(signature(title, text));
        }
        assert_eq!(finder.len(), rows.len());
        finder.finish()
    }

    /// `STORY` with every `step`-th character replaced.
    fn edited(step: usize) -> String {
        STORY
            .chars()
            .enumerate()
            .map(|(i, c)| if i % step == step - 1 { '好' } else { c })
            .collect()
    }

    #[test]
    fn signature_is_64_bytes() {
        assert!(std::mem::size_of::<Signature>() <= 64);
    }

    #[test]
    fn identical_texts_group() {
        assert_eq!(
            finish(&[("茶香村", STORY), ("茶香村", STORY)]),
            [None, Some(0)]
        );
    }

    #[test]
    fn whitespace_punctuation_and_width_do_not_matter() {
        let spaced = format!(" {} ", STORY.replace('，', " ").replace('。', "！"));
        let a = signature("Ｇ２０ 茶香村", STORY);
        let b = signature("g20茶香村", &spaced);
        assert_eq!(a, b);
    }

    #[test]
    fn a_few_changed_characters_group() {
        let copy = edited(25);
        assert_ne!(copy, STORY);
        assert_eq!(
            finish(&[("茶香村", STORY), ("茶香村", &copy)]),
            [None, Some(0)]
        );
    }

    #[test]
    fn a_new_title_on_the_same_story_groups() {
        assert_eq!(
            finish(&[("茶香村", STORY), ("李明书记的三年", STORY)]),
            [None, Some(0)]
        );
    }

    #[test]
    fn unrelated_texts_do_not_group() {
        assert_eq!(finish(&[("茶香村", STORY), ("夜读", OTHER)]), [None, None]);
        assert!(signature("", STORY).similarity(&signature("", OTHER)) < 0.2);
    }

    #[test]
    fn the_original_is_the_first_occurrence() {
        assert_eq!(
            finish(&[("夜读", OTHER), ("茶香村", &edited(30)), ("茶香村", STORY)]),
            [None, None, Some(1)]
        );
    }

    #[test]
    fn three_copies_form_one_group_pointing_to_the_first() {
        let (a, b) = (edited(20), edited(40));
        assert_eq!(
            finish(&[
                ("", OTHER),
                ("茶香村", STORY),
                ("", OTHER),
                ("新标题", &a),
                ("茶香村", &b)
            ]),
            [None, None, Some(0), Some(1), Some(1)]
        );
    }

    #[test]
    fn empty_rows_never_group() {
        assert_eq!(
            finish(&[("", ""), ("", ""), ("同一标题", ""), ("同一标题", " ，。")]),
            [None; 4]
        );
    }

    #[test]
    fn short_rows_group_only_when_equal() {
        assert_eq!(
            finish(&[
                ("", "无"),
                ("", "无"),
                ("", "暂无"),
                ("", "无。"),
                ("", "有")
            ]),
            [None, Some(0), None, Some(0), None]
        );
        // Short texts that share most characters are still different submissions.
        assert_eq!(
            finish(&[("", "村里修了一条路"), ("", "村里修了一座桥")]),
            [None, None]
        );
    }

    #[test]
    fn a_bucket_of_many_identical_rows_is_one_group() {
        let mut finder = DuplicateFinder::new();
        let sig = signature("茶香村", STORY);
        for _ in 0..1000 {
            finder.push(sig);
        }
        let result = finder.finish();
        assert_eq!(result[0], None);
        assert!(result[1..].iter().all(|&r| r == Some(0)));
    }

    #[test]
    fn deterministic() {
        let copy = edited(15);
        assert_eq!(signature("茶香村", &copy), signature("茶香村", &copy));
        let rows = [("茶香村", STORY), ("夜读", OTHER), ("", copy.as_str())];
        assert_eq!(finish(&rows), finish(&rows));
        // Fixed seeds: the same bytes in every process and on every machine (a change here
        // changes every grouping).
        let sig = signature("茶香村", STORY);
        assert_eq!(
            (sig.exact, &sig.minima[..6]),
            (
                10_014_173_635_273_288_956,
                &[126u8, 246, 37, 14, 73, 245][..]
            )
        );
    }

    #[test]
    fn signatures_round_trip_through_bytes() {
        for (title, text) in [
            ("", ""),
            ("短", "很短"),
            (
                "标题",
                "这是一段足够长的正文，用来生成完整的最小哈希签名，内容要超过三十个字符才行。",
            ),
        ] {
            let sig = signature(title, text);
            assert_eq!(Signature::from_bytes(&sig.to_bytes()), Some(sig));
        }
        let mut bad = signature("", "").to_bytes();
        bad[Signature::BYTES - 1] = 9;
        assert_eq!(Signature::from_bytes(&bad), None);
    }
}
