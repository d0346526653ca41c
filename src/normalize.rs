//! Raw cell text → normalized text: full-width ASCII folded to half-width, ASCII lower-cased,
//! invisible format characters (zero-width space, soft hyphen) removed, control characters
//! dropped and whitespace runs collapsed, so that Ｇ２０, g20 and G20 meet.

use std::ops::Range;

/// Normalizes one piece of text (see the module doc).
pub fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    normalize_into(&mut out, raw);
    out
}

/// [`normalize`], appending to `out` (what is already there is left as it is).
pub fn normalize_into(out: &mut String, raw: &str) {
    normalize_each(raw, |c, _| out.push(c));
}

/// [`normalize`], with where each byte of the result comes from: the byte range in `raw` of the
/// character it stands for (for a space, of the whitespace it replaces). Something found in the
/// normalized text, as keywords are, can so be shown on the characters as written (`5g` on
/// `5G` or `５Ｇ`).
pub fn normalize_with_origins(raw: &str) -> (String, Vec<Range<usize>>) {
    let mut out = String::with_capacity(raw.len());
    let mut origins = Vec::with_capacity(raw.len());
    normalize_each(raw, |c, from| {
        out.push(c);
        origins.extend(std::iter::repeat_n(from, c.len_utf8()));
    });
    (out, origins)
}

/// The one definition of the normalization: each character of the result with the byte range
/// of `raw` it comes from, in order.
#[inline]
fn normalize_each(raw: &str, mut emit: impl FnMut(char, Range<usize>)) {
    let mut emitted = false;
    // The whitespace and control characters since the last character emitted: one space once
    // another character follows (none at the start or the end).
    let mut pending: Option<Range<usize>> = None;
    for (at, c) in raw.char_indices() {
        let from = at..at + c.len_utf8();
        let c = fold(c);
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            if emitted {
                pending = Some(pending.map_or(from.clone(), |p| p.start..from.end));
            }
            continue;
        }
        if let Some(space) = pending.take() {
            emit(' ', space);
        }
        emit(c.to_ascii_lowercase(), from);
        emitted = true;
    }
}

/// Invisible format characters that web pages and WeChat articles leave in pasted text: zero
/// width (space, non-joiner, joiner, word joiner), the soft hyphen, direction marks and
/// overrides, a byte order mark mid-text. Dropped (not made a space), as a reader does not
/// see them: 乡村\u{200B}振兴 is 乡村振兴.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{61C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
    )
}

/// Full-width forms U+FF01..=U+FF5E map to ASCII; the ideographic space to a space.
/// Chinese punctuation (，。“”) is kept: the criteria read quotes and sentence ends from it.
fn fold(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' if !matches!(c, '，' | '：' | '；' | '！' | '？' | '（' | '）') => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    }
}

/// `c.is_alphanumeric()`, answered without the Unicode tables for ASCII and the CJK Unified
/// Ideographs block (U+4E00–U+9FFF, every one of them a letter), which is nearly all of the
/// text: the table lookup showed up at 3% of a ranking's time.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        true
    } else {
        c.is_alphanumeric()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_alphanumeric_test_agrees_with_the_standard_library() {
        let sample = (0u32..0x3_0000).filter_map(char::from_u32);
        for c in sample {
            assert_eq!(
                is_alphanumeric(c),
                c.is_alphanumeric(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn folds_full_width_and_collapses_space() {
        assert_eq!(normalize("  Ｇ２０\u{3000}峰会\n\n召开 "), "g20 峰会 召开");
    }

    #[test]
    fn keeps_chinese_punctuation() {
        assert_eq!(normalize("他说：“好！”"), "他说：“好！”");
    }

    #[test]
    fn appending_normalizes_each_piece_on_its_own() {
        let mut out = String::from("标题");
        normalize_into(&mut out, "  Ｇ２０ 峰会 ");
        assert_eq!(out, "标题g20 峰会");
        assert_eq!(&out["标题".len()..], normalize("  Ｇ２０ 峰会 "));
    }

    /// Text pasted from a web page or a WeChat article carries invisible format characters
    /// (a zero-width space, a soft hyphen, a byte order mark mid-text): kept, they hid every
    /// keyword, name and word they fell inside of (乡村\u{200B}振兴 was not 乡村振兴).
    #[test]
    fn drops_invisible_format_characters() {
        for c in [
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{00AD}', '\u{FEFF}', '\u{2060}', '\u{202E}',
        ] {
            assert_eq!(
                normalize(&format!("乡村{c}振兴")),
                "乡村振兴",
                "U+{:04X}",
                c as u32
            );
        }
        assert_eq!(normalize("\u{FEFF}标题\u{200B} "), "标题");
    }

    /// Each byte of the normalized text points at the characters it comes from, so a keyword
    /// found there can be marked on the text as written.
    #[test]
    fn the_origins_point_at_the_characters_as_written() {
        let raw = " ５Ｇ\u{3000}\n网\u{200B}络 G";
        let (text, origins) = normalize_with_origins(raw);
        assert_eq!(text, normalize(raw));
        assert_eq!(text, "5g 网络 g");
        assert_eq!(origins.len(), text.len());
        let written = |a: usize, b: usize| &raw[origins[a].start..origins[b - 1].end];
        assert_eq!(written(0, 2), "５Ｇ");
        assert_eq!(written(2, 3), "\u{3000}\n");
        // An invisible character inside a word stays inside it.
        assert_eq!(written(3, 9), "网\u{200B}络");
        assert_eq!(written(10, 11), "G");
    }

    #[test]
    fn drops_control_characters() {
        assert_eq!(normalize("a\u{0007}b"), "a b");
    }
}
