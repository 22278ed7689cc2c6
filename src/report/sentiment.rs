//! A small lexicon sentiment score, French and English, for the "most
//! negative authors" of a report. No crate offered a maintained French and
//! English lexicon small enough to embed, so this is a deliberate, simple
//! method, documented here so nobody mistakes it for more:
//!
//! - the text is folded (lowercase, accents off, see [`crate::text::fold`])
//!   and split into words on anything that is not a letter or a digit;
//! - each word of [`POSITIVE`] counts +1, each of [`NEGATIVE`] −1;
//! - a negator (`pas`, `jamais`, `not`, `never`, `no`…) flips the sign of
//!   the next lexicon word within three words ("pas content" is negative,
//!   "not bad" positive);
//! - the score is the sum; a text is negative when its score is below 0.
//!
//! It is meant for ranking authors over many items, where its mistakes
//! average out, not for judging one message. To tune it, edit the lists
//! (folded, sorted: a test checks both).

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Folded positive words (sorted).
pub const POSITIVE: &[&str] = &[
    "adore",
    "amazing",
    "awesome",
    "beau",
    "belle",
    "best",
    "bien",
    "bravo",
    "excellent",
    "fantastic",
    "genial",
    "good",
    "great",
    "happy",
    "helpful",
    "love",
    "merci",
    "nice",
    "parfait",
    "perfect",
    "pleased",
    "quick",
    "rapide",
    "ravi",
    "ravie",
    "satisfait",
    "satisfaite",
    "super",
    "thank",
    "thanks",
    "top",
];

/// Folded negative words (sorted).
pub const NEGATIVE: &[&str] = &[
    "abused",
    "angry",
    "annoyed",
    "arnaque",
    "awful",
    "bad",
    "broken",
    "casse",
    "catastrophe",
    "colere",
    "decevant",
    "decu",
    "decue",
    "degoute",
    "disappointed",
    "disgusting",
    "fraud",
    "furieux",
    "furious",
    "hate",
    "honte",
    "horrible",
    "inacceptable",
    "inadmissible",
    "lamentable",
    "lent",
    "mauvais",
    "minable",
    "nul",
    "nulle",
    "pire",
    "plainte",
    "poor",
    "refund",
    "remboursement",
    "rembourser",
    "ridicule",
    "scam",
    "shame",
    "slow",
    "terrible",
    "unacceptable",
    "useless",
    "worst",
    "wrong",
];

/// Words that flip the next lexicon word.
const NEGATORS: &[&str] = &[
    "aucun", "aucune", "jamais", "never", "no", "not", "pas", "rien", "sans",
];

/// How many words after a negator it still applies to.
const NEGATION_REACH: u8 = 3;

/// The lexicon's version: bump it when a list changes, and stores
/// rescore their items on the next open (`store::facts` keeps the scores).
pub const LEXICON: u32 = 1;

/// The score of a text (see the module header).
pub fn score(text: &str) -> i32 {
    score_folded(&crate::text::fold(text))
}

/// What a folded word is to the score.
#[derive(Clone, Copy)]
enum Word {
    Negator,
    Value(i32),
}

/// Every lexicon word in one map: one hash per word of a text instead of
/// three binary searches (this runs on every item written).
fn lexicon() -> &'static FxHashMap<&'static str, Word> {
    static MAP: OnceLock<FxHashMap<&'static str, Word>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = FxHashMap::default();
        for w in NEGATIVE {
            map.insert(*w, Word::Value(-1));
        }
        for w in POSITIVE {
            map.insert(*w, Word::Value(1));
        }
        // "don't", "isn't" split into "don", "t": the "t" reads as a negator.
        for w in NEGATORS.iter().chain(&["t", "n"]) {
            map.insert(*w, Word::Negator);
        }
        map
    })
}

/// [`score`] of a text already folded with [`crate::text::fold`].
pub fn score_folded(folded: &str) -> i32 {
    let lexicon = lexicon();
    let mut total = 0i32;
    let mut negated = 0u8;
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        match lexicon.get(word) {
            Some(Word::Negator) => negated = NEGATION_REACH,
            Some(Word::Value(value)) => {
                total += if negated > 0 { -value } else { *value };
                negated = 0;
            }
            None => negated = negated.saturating_sub(1),
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_folded_and_sorted() {
        for list in [POSITIVE, NEGATIVE, NEGATORS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            assert!(list.iter().all(|w| crate::text::fold(w) == *w));
        }
    }

    #[test]
    fn scores_french_and_english_with_negation() {
        assert_eq!(score("Merci, c'est parfait !"), 2);
        assert_eq!(score("Colis cassé, service NUL. Je suis déçu."), -3);
        // "pas" flips "content"? No: "content" is not in the lexicon;
        // "pas satisfait" is -1.
        assert_eq!(score("Pas satisfait du tout"), -1);
        assert_eq!(score("not bad at all"), 1);
        assert_eq!(score("I don't love it"), -1);
        assert_eq!(score("le colis est arrivé"), 0);
    }
}
