//! Rule conditions and how each one is checked against an item.
//!
//! An item's text is prepared once per evaluation ([`Prepared`]: folded
//! words, links, language) and shared by every rule. A condition answers
//! with the words of the firing's `why` when it holds. To add a condition:
//! a variant here with its [`Condition::cost`] and its arm in
//! [`Condition::check`], and its key in `parse.rs`.

use std::cell::OnceCell;
use std::ops::Range;

use regex::Regex;

use super::Context;
use super::detect::{self, Words};
use super::similar::{FastMap, fnv};
use crate::model::{Item, Kind, Network};

/// One condition of a rule; a rule fires when all of its conditions hold.
#[derive(Debug, Clone)]
pub enum Condition {
    /// Any of these words or phrases, as whole words.
    Words(WordSet),
    /// A regular expression over the folded text (lowercase, no accents).
    Regex(Regex),
    /// The item's language (declared by the network, else detected).
    Lang(Vec<String>),
    Network(Vec<Network>),
    Kind(Vec<Kind>),
    /// `true`: contains one; `false`: contains none.
    Link(bool),
    Email(bool),
    Phone(bool),
    AllCaps {
        min_letters: usize,
        wanted: bool,
    },
    OnlyEmoji(bool),
    /// The author wrote at least this many items today (this one included).
    AuthorSeenToday(usize),
    BlockedElsewhere(bool),
    /// At least `count` other items from other authors with nearly the same
    /// text, created within `window` of this one.
    NearDuplicates {
        count: usize,
        window: chrono::Duration,
        similarity: f32,
    },
}

/// Words and phrases, folded. A single word is looked up by its hash; a
/// phrase (several words) by its first word, then matched in order; a
/// prefix (`rembours*`) by its first byte; a pattern without letters or
/// digits (`🖕`) is a plain substring. One pass over the item's words
/// whatever the number of patterns.
#[derive(Debug, Clone, Default)]
pub struct WordSet {
    /// Word hash → word.
    exact: FastMap<u64, String>,
    /// First word's hash → phrases starting with it.
    sequences: FastMap<u64, Vec<Vec<String>>>,
    /// First byte → prefixes starting with it.
    prefixes: FastMap<u8, Vec<String>>,
    symbols: Vec<String>,
}

impl WordSet {
    /// Adds a configured word or phrase; false when it holds nothing.
    pub fn add(&mut self, raw: &str) -> bool {
        let trimmed = raw.trim();
        let (body, prefix) = match trimmed.strip_suffix('*') {
            Some(b) => (b, true),
            None => (trimmed, false),
        };
        let words = Words::new(body);
        let tokens: Vec<String> = words.iter().map(str::to_string).collect();
        match (tokens.as_slice(), prefix) {
            ([], _) if !body.trim().is_empty() => self.symbols.push(crate::text::fold(body.trim())),
            ([], _) => return false,
            ([one], false) => {
                self.exact.insert(fnv(one.as_bytes()), one.clone());
            }
            ([one], true) => {
                let first = one.as_bytes().first().copied().unwrap_or_default();
                self.prefixes.entry(first).or_default().push(one.clone());
            }
            ([first, ..], _) => {
                let key = fnv(first.as_bytes());
                let mut seq = tokens;
                if prefix && let Some(last) = seq.last_mut() {
                    last.push('*');
                }
                self.sequences.entry(key).or_default().push(seq);
            }
        }
        true
    }

    /// The first pattern found in `words`, as folded text.
    pub fn find(&self, words: &Words) -> Option<String> {
        for (i, (w, h)) in words.iter().zip(&words.hashes).enumerate() {
            if self.exact.get(h).is_some_and(|e| e == w) {
                return Some(w.to_string());
            }
            let first = w.as_bytes().first().copied().unwrap_or_default();
            if let Some(p) = self
                .prefixes
                .get(&first)
                .and_then(|ps| ps.iter().find(|p| w.starts_with(p.as_str())))
            {
                return Some(format!("{p}*"));
            }
            if let Some(seq) = self
                .sequences
                .get(h)
                .and_then(|seqs| seqs.iter().find(|seq| sequence_at(words, i, seq)))
            {
                return Some(seq.join(" "));
            }
        }
        self.symbols
            .iter()
            .find(|s| words.folded.contains(s.as_str()))
            .cloned()
    }
}

fn sequence_at(words: &Words, at: usize, seq: &[String]) -> bool {
    seq.iter().enumerate().all(|(k, want)| {
        let Some(got) = words.get(at + k) else {
            return false;
        };
        match want.strip_suffix('*') {
            Some(p) => got.starts_with(p),
            None => got == want,
        }
    })
}

/// What the conditions read from an item, computed on first use.
pub struct Prepared<'a> {
    pub item: &'a Item,
    text: &'a str,
    words: OnceCell<Words>,
    links: OnceCell<Vec<Range<usize>>>,
    lang: OnceCell<Option<String>>,
}

impl<'a> Prepared<'a> {
    pub fn new(item: &'a Item) -> Prepared<'a> {
        Prepared {
            item,
            text: detect::bounded(&item.remote.text),
            words: OnceCell::new(),
            links: OnceCell::new(),
            lang: OnceCell::new(),
        }
    }

    fn words(&self) -> &Words {
        self.words.get_or_init(|| Words::new(self.text))
    }

    fn links(&self) -> &[Range<usize>] {
        self.links.get_or_init(|| detect::links(self.text))
    }

    /// The declared language's primary subtag (`fr-CA` is `fr`), else the
    /// detected one.
    fn lang(&self) -> Option<&str> {
        self.lang
            .get_or_init(|| match &self.item.remote.lang {
                Some(l) if !l.trim().is_empty() => {
                    let primary = l.trim().split(['-', '_']).next().unwrap_or_default();
                    Some(primary.to_ascii_lowercase())
                }
                _ => crate::lang::detect(self.text),
            })
            .as_deref()
    }
}

impl Condition {
    /// Relative cost, to check cheap conditions first: a rule stops at the
    /// first condition that fails.
    pub fn cost(&self) -> u8 {
        match self {
            Condition::Network(_) | Condition::Kind(_) => 0,
            Condition::AllCaps { .. } | Condition::OnlyEmoji(_) => 1,
            Condition::Words(_) | Condition::Email(_) => 2,
            Condition::Link(_) | Condition::Phone(_) | Condition::Regex(_) => 3,
            Condition::AuthorSeenToday(_) | Condition::BlockedElsewhere(_) => 4,
            Condition::Lang(_) => 5,
            Condition::NearDuplicates { .. } => 6,
        }
    }

    /// `Some(why)` when the condition holds.
    pub fn check(&self, p: &Prepared, ctx: &dyn Context) -> Option<String> {
        let remote = &p.item.remote;
        let flag = |holds: bool, wanted: bool, yes: &str, no: &str| {
            (holds == wanted).then(|| if wanted { yes } else { no }.to_string())
        };
        match self {
            Condition::Words(set) => set.find(p.words()).map(|w| format!("words: {w}")),
            Condition::Regex(re) => re
                .find(&p.words().folded)
                .map(|m| format!("regex: {}", crate::text::truncate(m.as_str(), 40))),
            Condition::Lang(langs) => p
                .lang()
                .filter(|l| langs.iter().any(|want| want == l))
                .map(|l| format!("language: {l}")),
            Condition::Network(nets) => nets
                .contains(&remote.network)
                .then(|| format!("network: {}", remote.network)),
            Condition::Kind(kinds) => kinds
                .contains(&remote.kind)
                .then(|| format!("kind: {}", remote.kind)),
            Condition::Link(wanted) => {
                flag(!p.links().is_empty(), *wanted, "contains a link", "no link")
            }
            Condition::Email(wanted) => flag(
                detect::has_email(p.text),
                *wanted,
                "contains an e-mail address",
                "no e-mail address",
            ),
            Condition::Phone(wanted) => flag(
                detect::has_phone(p.text, p.links()),
                *wanted,
                "contains a phone number",
                "no phone number",
            ),
            Condition::AllCaps {
                min_letters,
                wanted,
            } => flag(
                detect::is_all_caps(p.text, *min_letters),
                *wanted,
                "ALL CAPS",
                "not ALL CAPS",
            ),
            Condition::OnlyEmoji(wanted) => flag(
                detect::is_only_emoji(p.text),
                *wanted,
                "only emoji",
                "not only emoji",
            ),
            Condition::AuthorSeenToday(n) => {
                let seen = ctx.author_items_today(p.item);
                (seen >= *n).then(|| format!("author seen {seen} times today"))
            }
            Condition::BlockedElsewhere(wanted) => flag(
                ctx.author_blocked_elsewhere(p.item),
                *wanted,
                "author blocked elsewhere",
                "author not blocked elsewhere",
            ),
            Condition::NearDuplicates {
                count,
                window,
                similarity,
            } => {
                let found = ctx.near_duplicates(p.item, *window, *similarity);
                (found >= *count).then(|| {
                    format!(
                        "near-duplicate of {found} items within {}",
                        super::values::show_duration(*window)
                    )
                })
            }
        }
    }
}
