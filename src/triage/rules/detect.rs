//! Text detectors behind the rule conditions: the folded words of an item
//! (for words, phrases and near-duplicates), links, e-mail addresses, phone
//! numbers, ALL CAPS and emoji-only texts.
//!
//! Everything works on a bounded prefix of the text ([`MAX_CHARS`]), so a
//! huge hostile comment costs no more than a long one. Patterns are
//! compiled once; a pattern that failed to compile (it cannot: the tests
//! compile them all) detects nothing rather than panicking.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::similar::fnv;
use crate::pii::{EMAIL, PHONE_FR, PHONE_INTL, PHONE_NA};

/// How much of a text the detectors read. Comments are far shorter; the
/// bound is there for hostile input.
pub const MAX_CHARS: usize = 20_000;

fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static URL: LazyLock<Option<Regex>> = LazyLock::new(|| compile(r"(?i)(?:https?://|www\.)[^\s<>]+"));
/// Bare domains (`bit.ly/x`, `t.me/y`, `shop.example.fr`) on the top-level
/// domains spam and customers actually use.
static DOMAIN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|fr|net|org|io|ly|co|me|gl|gg|be|ch|ca|uk|de|eu|info|shop|store|xyz|link|site|online|app|club|top|vip|biz|tv)(?-u:\b)(?:/[^\s<>]*)?",
    )
});

/// The bounded text of an item.
pub fn bounded(text: &str) -> &str {
    crate::text::prefix(text, MAX_CHARS).0
}

/// Folded text (see [`crate::text::fold`]) cut into words: runs of letters
/// and digits; everything else (spaces, punctuation, apostrophes, emoji)
/// separates them.
pub struct Words {
    pub folded: String,
    spans: Vec<Range<usize>>,
    /// Each word's [`fnv`] hash, for set lookups without hashing twice.
    pub hashes: Vec<u64>,
}

impl Words {
    pub fn new(text: &str) -> Words {
        let folded = crate::text::fold(text);
        let mut spans = Vec::new();
        let mut start = None;
        for (i, c) in folded.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    spans.push(s..i);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            spans.push(s..folded.len());
        }
        let hashes = spans
            .iter()
            .map(|r| fnv(folded.get(r.clone()).unwrap_or_default().as_bytes()))
            .collect();
        Words {
            folded,
            spans,
            hashes,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.spans.iter().filter_map(|r| self.folded.get(r.clone()))
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        self.spans.get(i).and_then(|r| self.folded.get(r.clone()))
    }
}

/// Link ranges: URLs, then bare domains not inside a URL, an e-mail
/// address or a handle (`@user@piaille.fr` is a Mastodon handle).
pub fn links(text: &str) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    if let Some(re) = URL.as_ref() {
        found.extend(re.find_iter(text).map(|m| m.range()));
    }
    if let Some(re) = DOMAIN.as_ref() {
        for m in re.find_iter(text) {
            let r = m.range();
            let inside = found.iter().any(|f| f.start <= r.start && r.start < f.end);
            let after_at = char_before(text, r.start).is_some_and(|c| c == '@' || c == '.');
            if !inside && !after_at {
                found.push(r);
            }
        }
    }
    found
}

/// An e-mail address that is not a handle (`@user@instance`).
pub fn has_email(text: &str) -> bool {
    let Some(re) = EMAIL.as_ref() else {
        return false;
    };
    re.find_iter(text).any(|m| {
        let before = char_before(text, m.start());
        !before.is_some_and(|c| c == '@' || c.is_alphanumeric())
    })
}

/// A French, `+` international or North American phone number, not
/// inside a link and not glued to other letters or digits.
pub fn has_phone(text: &str, links: &[Range<usize>]) -> bool {
    [PHONE_FR.as_ref(), PHONE_INTL.as_ref(), PHONE_NA.as_ref()]
        .into_iter()
        .flatten()
        .any(|re| {
            re.find_iter(text).any(|m| {
                let digits = m.as_str().chars().filter(char::is_ascii_digit).count();
                let in_link = links.iter().any(|l| l.contains(&m.start()));
                let glued = char_before(text, m.start()).is_some_and(char::is_alphanumeric)
                    || text[m.end()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric);
                (8..=15).contains(&digits) && !in_link && !glued
            })
        })
}

/// Mostly upper case: at least `min_letters` upper-case letters, and at
/// least 80 % of the cased letters (an emoji or a digit counts for neither).
pub fn is_all_caps(text: &str, min_letters: usize) -> bool {
    let (mut upper, mut lower) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    upper >= min_letters.max(1) && upper * 5 >= (upper + lower) * 4
}

/// Nothing but emoji (and blanks, joiners, `@mentions`), at least one.
pub fn is_only_emoji(text: &str) -> bool {
    let mut seen = false;
    for word in text.split_whitespace() {
        if word.starts_with('@') && word.len() > 1 {
            continue;
        }
        for c in word.chars() {
            if is_emoji(c) {
                seen = true;
            } else if !is_emoji_glue(c) {
                return false;
            }
        }
    }
    seen
}

fn is_emoji(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2300..=0x23FF | 0x2B00..=0x2BFF
        | 0x2190..=0x21FF | 0x2934 | 0x2935 | 0x3030 | 0x303D | 0x3297 | 0x3299
        | 0x00A9 | 0x00AE | 0x2122 | 0x2139 | 0x203C | 0x2049 | 0x25A0..=0x25FF)
}

/// Parts of an emoji sequence that are not emoji by themselves: joiners,
/// variation selectors, keycaps, tags, skin tones.
fn is_emoji_glue(c: char) -> bool {
    matches!(
        u32::from(c),
        0x200D | 0xFE0E | 0xFE0F | 0x20E3 | 0xE0020..=0xE007F
    )
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at).and_then(|s| s.chars().next_back())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for re in [&URL, &DOMAIN, &EMAIL, &PHONE_FR, &PHONE_INTL, &PHONE_NA] {
            assert!(re.is_some());
        }
    }

    #[test]
    fn links_but_not_handles_or_addresses() {
        assert_eq!(links("voir https://x.example/a?b=c ici").len(), 1);
        assert_eq!(links("DM 👉 t.me/cryptogains_vip").len(), 1);
        assert_eq!(links("réclamez ici : bit.ly/lumen-gagnant").len(), 1);
        assert!(links("merci @julien_perrin@piaille.fr !").is_empty());
        assert!(links("écrivez à claire@gmail.com").is_empty());
        assert!(links("c'est top. vraiment.").is_empty());
    }

    #[test]
    fn emails_but_not_mastodon_handles() {
        assert!(has_email("écrivez-moi : claire.d@gmail.com"));
        assert!(!has_email("@julien_perrin@piaille.fr merci"));
        assert!(!has_email("no address here @brand"));
    }

    #[test]
    fn phones_in_french_international_and_american_forms() {
        for t in [
            "appelez le 06 12 34 56 78",
            "mon numéro 0612345678",
            "+33 6 12 34 56 78",
            "call me at (514) 555-0199",
            "+44 20 7946 0958",
        ] {
            assert!(has_phone(t, &links(t)), "{t}");
        }
        for t in [
            "commande CMD-123456",
            "j'ai payé 59 € le 12/11",
            "https://x.example/0612345678",
            "ref A0612345678B",
        ] {
            assert!(!has_phone(t, &links(t)), "{t}");
        }
    }

    #[test]
    fn caps_and_emoji() {
        assert!(is_all_caps(
            "C'EST INADMISSIBLE, TOUJOURS RIEN REÇU !!!",
            10
        ));
        assert!(!is_all_caps("OK MERCI", 10));
        assert!(!is_all_caps(
            "Bonjour, ma commande Forêt d'hiver est arrivée",
            10
        ));
        assert!(is_only_emoji("🔥🔥 😍 ❤️ 👨‍👩‍👧"));
        assert!(is_only_emoji("@atelier.lumen 😍😍"));
        assert!(!is_only_emoji("trop beau 😍"));
        assert!(!is_only_emoji("   "));
    }

    #[test]
    fn words_are_folded_and_split() {
        let w = Words::new("L'ARNAQUE du siècle, c'est-à-dire… Délai!");
        let all: Vec<&str> = w.iter().collect();
        assert_eq!(
            all,
            [
                "l", "arnaque", "du", "siecle", "c", "est", "a", "dire", "delai"
            ]
        );
        assert_eq!(w.get(1), Some("arnaque"));
        assert_eq!(w.len(), 9);
    }
}
