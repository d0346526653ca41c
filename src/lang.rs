//! The language of messages and help: Chinese by default, English on request (`--lang en` or
//! `XUANTI_LANG=en`). Flag names stay English in both.
//!
//! One process-wide switch, set once by the binary before anything is printed; messages pick
//! their text with [`tr!`](crate::tr) when they are made (or, for [`Error`](crate::Error),
//! when they are shown).

use std::ffi::OsStr;
use std::sync::atomic::{AtomicBool, Ordering};

static ENGLISH: AtomicBool = AtomicBool::new(false);

/// Whether messages are in English (the default is Chinese).
pub fn english() -> bool {
    ENGLISH.load(Ordering::Relaxed)
}

/// Chooses English (`true`) or Chinese (`false`) for the rest of the process.
pub fn set_english(on: bool) {
    ENGLISH.store(on, Ordering::Relaxed);
}

/// Joins items as the language lists them in a sentence: "a、b" in Chinese, "a, b" in English.
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    items.join(if english() { ", " } else { "、" })
}

/// Picks the Chinese or the English text, formatting it like `format!` (inline `{name}`
/// captures and positional arguments; the arguments are shared by both texts):
///
/// ```
/// let n = 3;
/// let s = xuanti::tr!("第 {n} 行", "row {n}");
/// assert!(s == "第 3 行" || s == "row 3");
/// ```
#[macro_export]
macro_rules! tr {
    ($zh:literal, $en:literal $(,)?) => {
        if $crate::lang::english() {
            ::std::format!($en)
        } else {
            ::std::format!($zh)
        }
    };
    ($zh:literal, $en:literal, $($arg:tt)+) => {
        if $crate::lang::english() {
            ::std::format!($en, $($arg)+)
        } else {
            ::std::format!($zh, $($arg)+)
        }
    };
}

/// Whether the command line or the environment asks for English: the last `--lang X` /
/// `--lang=X` before a `--` wins, else `XUANTI_LANG`; a value starting with `en` (any case)
/// means English, anything else Chinese. Read before clap so that its help and errors are
/// already in the chosen language.
pub fn english_requested<I, S>(args: I, env: Option<&OsStr>) -> bool
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let is_english = |v: &OsStr| v.to_string_lossy().trim().to_lowercase().starts_with("en");
    let mut from_flag = None;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let arg = arg.as_ref();
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            if let Some(v) = args.next() {
                from_flag = Some(is_english(v.as_ref()));
            }
        } else if let Some(v) = arg.to_str().and_then(|a| a.strip_prefix("--lang=")) {
            from_flag = Some(is_english(OsStr::new(v)));
        }
    }
    from_flag.unwrap_or_else(|| env.is_some_and(is_english))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requested(args: &[&str], env: Option<&str>) -> bool {
        english_requested(args, env.map(OsStr::new))
    }

    #[test]
    fn chinese_unless_english_is_asked_for_and_the_flag_wins() {
        assert!(!requested(&["xuanti", "rank", "a.csv"], None));
        assert!(requested(&["xuanti", "--lang", "en", "rank"], None));
        assert!(requested(&["xuanti", "rank", "--lang=en"], None));
        assert!(requested(&["xuanti", "rank"], Some("en")));
        assert!(requested(&["xuanti", "rank"], Some("en_US.UTF-8")));
        assert!(!requested(&["xuanti", "rank"], Some("zh")));
        assert!(!requested(&["xuanti", "--lang", "zh"], Some("en")));
        assert!(requested(&["xuanti", "--lang", "zh", "--lang", "en"], None));
        // After `--` everything is a value, and the program name is not an argument.
        assert!(!requested(&["xuanti", "rank", "--", "--lang=en"], None));
        assert!(!requested(&["--lang=en"], None));
    }
}
