//! Text helpers shared by the rules: the folded (lowercase, accent-free)
//! copy of the reply with a map back to the original bytes, word and emoji
//! scanning, and where the links are (so other rules leave them alone).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// The reply prepared once per lint: its folded form and its links.
pub(crate) struct Prepared<'a> {
    pub text: &'a str,
    /// Lowercase, accents and combining marks dropped, `’` as `'`, every
    /// blank as one space, `œ` as `oe`.
    pub folded: String,
    /// For each byte of `folded`, where its char starts in `text`.
    map: Vec<usize>,
    /// Links, as byte ranges of `text`.
    pub links: Vec<Range<usize>>,
}

impl<'a> Prepared<'a> {
    pub fn new(text: &'a str) -> Prepared<'a> {
        let mut folded = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            let before = folded.len();
            fold_char(c, &mut folded);
            map.resize(map.len() + (folded.len() - before), at);
        }
        Prepared {
            text,
            folded,
            map,
            links: links(text),
        }
    }

    /// The range of `text` a range of `folded` came from.
    pub fn original(&self, r: &Range<usize>) -> Range<usize> {
        let at = |i: usize| self.map.get(i).copied().unwrap_or(self.text.len());
        at(r.start)..at(r.end)
    }

    pub fn in_link(&self, at: usize) -> bool {
        // Links are sorted and disjoint: the only candidate is the last one
        // starting at or before `at`.
        let i = self.links.partition_point(|l| l.start <= at);
        i > 0 && self.links[i - 1].contains(&at)
    }

    /// Every whole-word occurrence of `needle` (already folded) in the
    /// folded text, as ranges of the original text.
    pub fn find_word(&self, needle: &str, mut found: impl FnMut(Range<usize>)) {
        if needle.is_empty() {
            return;
        }
        let mut from = 0;
        while let Some(i) = self.folded.get(from..).and_then(|h| h.find(needle)) {
            let start = from + i;
            let end = start + needle.len();
            if is_boundary(&self.folded, start, end, needle) {
                found(self.original(&(start..end)));
                from = end;
            } else {
                from = start + needle.chars().next().map_or(1, char::len_utf8);
            }
        }
    }
}

/// A match is a whole word when it is not glued to a letter or digit on a
/// side where the needle itself starts or ends with one.
fn is_boundary(hay: &str, start: usize, end: usize, needle: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let first = needle.chars().next();
    let last = needle.chars().next_back();
    let before = hay.get(..start).and_then(|s| s.chars().next_back());
    let after = hay.get(end..).and_then(|s| s.chars().next());
    let glued_before = alnum(first) && alnum(before);
    let glued_after = alnum(last) && alnum(after);
    !glued_before && !glued_after
}

/// Folds one string the way [`Prepared`] folds the reply.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

fn fold_char(c: char, out: &mut String) {
    if c.is_whitespace() {
        out.push(' ');
        return;
    }
    for l in c.to_lowercase() {
        match l {
            '\u{300}'..='\u{36F}' => {}
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '’' | 'ʼ' | '‘' => out.push('\''),
            other => out.push(other),
        }
    }
}

/// A char that belongs to a word: letters, digits and combining marks.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{300}'..='\u{36F}').contains(&c)
}

/// Words (runs of [`is_word_char`]) with their byte ranges.
pub(crate) fn words(text: &str) -> impl Iterator<Item = (Range<usize>, &str)> {
    let mut iter = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = iter.next()?;
            if is_word_char(c) {
                break i;
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = iter.peek() {
            if !is_word_char(c) {
                end = i;
                break;
            }
            iter.next();
        }
        text.get(start..end).map(|w| (start..end, w))
    })
}

/// The char just before byte `at`, if any.
pub(crate) fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at).and_then(|s| s.chars().next_back())
}

/// The char starting at byte `at`, if any.
pub(crate) fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|s| s.chars().next())
}

/// Whether a grapheme cluster is an emoji: built on a pictograph (with
/// `©`, `®`, `™` only in their emoji presentation), a flag or a keycap.
pub(crate) fn is_emoji(cluster: &str) -> bool {
    let presentation = cluster.contains('\u{FE0F}');
    cluster.chars().any(|c| match u32::from(c) {
        0xA9 | 0xAE | 0x2122 => presentation,
        0x20E3 | 0x1F1E6..=0x1F1FF => true,
        _ => is_pictographic(c),
    })
}

/// An approximation of Unicode's Extended_Pictographic property.
fn is_pictographic(c: char) -> bool {
    matches!(u32::from(c),
        0x203C | 0x2049 | 0x2139 | 0x2194..=0x2199 | 0x21A9..=0x21AA
        | 0x231A..=0x231B | 0x2328 | 0x2388 | 0x23CF | 0x23E9..=0x23F3 | 0x23F8..=0x23FA
        | 0x24C2 | 0x25AA..=0x25AB | 0x25B6 | 0x25C0 | 0x25FB..=0x25FE | 0x2600..=0x27BF
        | 0x2934..=0x2935 | 0x2B05..=0x2B07 | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55 | 0x3030
        | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1F1E5 | 0x1F200..=0x1FAFF | 0x1FC00..=0x1FFFD)
}

/// An emoji without variation selectors or skin tones, to compare with
/// the allowed set.
pub(crate) fn normalize_emoji(cluster: &str) -> String {
    cluster
        .chars()
        .filter(|c| !matches!(u32::from(*c), 0xFE0E | 0xFE0F | 0x1F3FB..=0x1F3FF))
        .collect()
}

static LINK: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i:https?://|www\.)[^\s<>«»]+|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:com|fr|net|org|io|co|eu|be|ch|de|uk|ly|gl|me|shop|store|app|info|biz|tv|tk|to|link)(?:/[^\s<>«»]*)?",
    )
    .ok()
});

/// Links in `text`: scheme or `www.` URLs and bare domains with a common
/// top-level domain, without trailing punctuation. A domain after `@` (an
/// e-mail address) or glued to a word is not a link.
pub(crate) fn links(text: &str) -> Vec<Range<usize>> {
    let Some(re) = LINK.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in re.find_iter(text) {
        let glued = char_before(text, m.start()).is_some_and(|c| {
            is_word_char(c) || matches!(c, '@' | '.' | '-' | '/' | '_' | '%' | '+')
        });
        if glued {
            continue;
        }
        let after = char_at(text, m.end());
        if after.is_some_and(|c| is_word_char(c) || c == '@') {
            continue;
        }
        let s = m.as_str();
        let trimmed = s.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"', '’']);
        out.push(m.start()..m.start() + trimmed.len());
    }
    out
}

/// The host of a link, lowercase, without `www.`, port or user info.
pub(crate) fn host(link: &str) -> String {
    let rest = link
        .split_once("://")
        .map_or(link, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let rest = rest.split(':').next().unwrap_or_default();
    let lower = rest.trim_end_matches('.').to_lowercase();
    lower
        .strip_prefix("www.")
        .map(str::to_string)
        .unwrap_or(lower)
}

/// Whether `at` starts a sentence: start of text, or only blanks since a
/// newline or a sentence end.
pub(crate) fn sentence_start(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or_default();
    match before.trim_end().chars().next_back() {
        None => true,
        Some(c) => matches!(c, '.' | '!' | '?' | '…') || before.ends_with('\n'),
    }
}

/// `word` with its first letter uppercase.
pub(crate) fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `replacement` for the `span` of `text`, in its case: capitalised when
/// the original is ("Ton" → "Votre"), except an all-caps word in the middle
/// of a sentence ("call ASAP" → "call as soon as we can").
pub(crate) fn match_case(text: &str, span: &Range<usize>, replacement: &str) -> String {
    let original = text.get(span.clone()).unwrap_or_default();
    let upper = original.chars().next().is_some_and(char::is_uppercase);
    let all_caps = original.chars().filter(|c| c.is_alphabetic()).count() > 1
        && !original.chars().any(char::is_lowercase);
    if upper && (!all_caps || sentence_start(text, span.start)) {
        capitalize(replacement)
    } else {
        replacement.to_string()
    }
}
