//! Ranking replies for the fuzzy picker: how well the query matches, plus
//! how well the reply fits the item and the agent's habits.
//!
//! ```text
//! score = FUZZY × match            (0 for an empty query)
//!       + LANG                     if the reply's language is the item's
//!       + TAG × shared tags        (at most MAX_TAGS counted)
//!       + FOR_NETWORK              if it names the item's network or has a variant for it
//!       + USE × ln(1 + count) × ½^(days since last use / HALF_LIFE_DAYS)
//! ```
//!
//! `match` is, per query word, the best nucleo score over the title (full
//! weight), the name, category and tags (`OTHER_FIELDS_PCT` of it). A word
//! that matches nowhere as a subsequence may still match a word of those
//! fields within one or two typos (`TYPO` per character); a reply with a
//! query word matching nothing is left out.
//!
//! Replies that do not suit the item (another network, a DM-only reply on a
//! public comment) are **kept but placed after every suitable one**
//! ([`Ranked::suits`] is false), so a deliberate search still finds them.
//! The item's language is `item.remote.lang`, else detected from its text.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use nucleo_matcher::pattern::{Atom, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::{Canned, Library};
use crate::model::Item;
use crate::store::ReplyUsage;

pub const FUZZY: i64 = 2;
pub const OTHER_FIELDS_PCT: i64 = 75;
pub const TYPO: i64 = 8;
pub const LANG: i64 = 300;
pub const TAG: i64 = 150;
pub const MAX_TAGS: usize = 3;
pub const FOR_NETWORK: i64 = 30;
pub const USE: f64 = 60.0;
pub const HALF_LIFE_DAYS: f64 = 14.0;

/// One reply in the picker, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked<'a> {
    pub canned: &'a Canned,
    pub score: i64,
    /// Matched char positions in the title, sorted, for highlighting.
    pub indices: Vec<u32>,
    /// False when the reply is not meant for this item's network or kind.
    pub suits: bool,
}

/// The library's replies matching `query`, best first for `item`.
pub fn rank<'a>(
    lib: &'a Library,
    query: &str,
    item: &Item,
    usage: &HashMap<String, ReplyUsage>,
    now: DateTime<Utc>,
) -> Vec<Ranked<'a>> {
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let item_lang = item_lang(item);
    let mut ranked: Vec<Ranked<'a>> = lib
        .all()
        .iter()
        .filter_map(|canned| {
            let (matched, indices) = query_score(&pattern, canned, &mut matcher)?;
            let score = FUZZY * matched + fit(canned, item, item_lang.as_deref(), usage, now);
            Some(Ranked {
                canned,
                score,
                indices,
                suits: canned.suits(item),
            })
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.suits
            .cmp(&a.suits)
            .then(b.score.cmp(&a.score))
            .then_with(|| a.canned.title.cmp(&b.canned.title))
            .then_with(|| a.canned.name.cmp(&b.canned.name))
    });
    ranked
}

/// The item's language code, normalised ("fr-FR" → "fr").
fn item_lang(item: &Item) -> Option<String> {
    let given = item
        .remote
        .lang
        .as_deref()
        .map(|l| {
            l.split(['-', '_'])
                .next()
                .unwrap_or(l)
                .trim()
                .to_lowercase()
        })
        .filter(|l| !l.is_empty());
    given.or_else(|| crate::lang::detect(&item.remote.text))
}

/// Everything but the query: language, tags, network, usage.
pub(crate) fn fit(
    canned: &Canned,
    item: &Item,
    item_lang: Option<&str>,
    usage: &HashMap<String, ReplyUsage>,
    now: DateTime<Utc>,
) -> i64 {
    let mut score = 0;
    if item_lang == Some(canned.lang.as_str()) {
        score += LANG;
    }
    let shared = canned
        .tags
        .iter()
        .filter(|t| item.local.tags.iter().any(|i| i.eq_ignore_ascii_case(t)))
        .count()
        .min(MAX_TAGS);
    score += TAG * shared as i64;
    let network = item.remote.network;
    if canned.networks.contains(&network) || canned.variants.contains_key(&network) {
        score += FOR_NETWORK;
    }
    if let Some(u) = usage.get(&canned.name) {
        let days = (now - u.last).num_seconds().max(0) as f64 / 86_400.0;
        let decay = 0.5f64.powf(days / HALF_LIFE_DAYS);
        score += (USE * f64::from(u.count).ln_1p() * decay).round() as i64;
    }
    score
}

/// The query's match score and title indices; `None` when a query word
/// matches nothing. An empty query matches everything with 0.
fn query_score(
    pattern: &Pattern,
    canned: &Canned,
    matcher: &mut Matcher,
) -> Option<(i64, Vec<u32>)> {
    let others = [
        canned.name.replace(['-', '_'], " "),
        canned.category.clone(),
        canned.tags.join(" "),
    ];
    let mut total = 0i64;
    let mut indices = Vec::new();
    let mut buf = Vec::new();
    for atom in &pattern.atoms {
        let mut title_idx = Vec::new();
        let title = atom
            .indices(
                Utf32Str::new(&canned.title, &mut buf),
                matcher,
                &mut title_idx,
            )
            .map(i64::from);
        let other = others
            .iter()
            .filter_map(|h| atom.score(Utf32Str::new(h, &mut buf), matcher))
            .max()
            .map(|s| i64::from(s) * OTHER_FIELDS_PCT / 100);
        let best = match (title, other) {
            (Some(t), Some(o)) if o > t => o,
            (Some(t), _) => {
                indices.extend(title_idx);
                t
            }
            (None, Some(o)) => o,
            (None, None) => typo_score(atom, canned, &others, &mut indices)?,
        };
        total += best;
    }
    indices.sort_unstable();
    indices.dedup();
    Some((total, indices))
}

/// A query word within a typo or two of a word of the reply.
fn typo_score(
    atom: &Atom,
    canned: &Canned,
    others: &[String],
    indices: &mut Vec<u32>,
) -> Option<i64> {
    let needle: String = atom.needle_text().chars().collect();
    let needle = crate::text::fold(&needle);
    let len = needle.chars().count();
    if len < 4 {
        return None;
    }
    let allowed = if len >= 8 { 2 } else { 1 };
    // Title words first, to highlight them.
    for (start, word) in words(&canned.title) {
        if close_enough(&needle, &word, allowed) {
            let n = word.chars().count() as u32;
            indices.extend(start..start + n);
            return Some(TYPO * len as i64);
        }
    }
    let hit = others
        .iter()
        .flat_map(|h| words(h))
        .any(|(_, w)| close_enough(&needle, &w, allowed));
    hit.then_some(TYPO * len as i64 * OTHER_FIELDS_PCT / 100)
}

/// Folded words of `text` with their first char position.
fn words(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for (i, c) in text.chars().enumerate() {
        if c.is_alphanumeric() {
            let folded = crate::text::fold(&c.to_string());
            current
                .get_or_insert_with(|| (i as u32, String::new()))
                .1
                .push_str(&folded);
        } else if let Some(w) = current.take() {
            out.push(w);
        }
    }
    out.extend(current);
    out
}

/// Whether `needle` is a typo of `word` or of its beginning (the agent may
/// not have finished typing).
fn close_enough(needle: &str, word: &str, allowed: usize) -> bool {
    let n = needle.chars().count();
    let w: Vec<char> = word.chars().collect();
    if w.len() + allowed < n {
        return false;
    }
    (n.saturating_sub(allowed)..=(n + allowed).min(w.len()))
        .any(|len| distance(needle, &w[..len].iter().collect::<String>()) <= allowed)
}

/// Optimal-string-alignment distance (Levenshtein plus transpositions).
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    if let Some(first) = rows.first_mut() {
        for (j, cell) in first.iter_mut().enumerate() {
            *cell = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}
