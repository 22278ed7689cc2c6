//! Reply-length rules and counters, one per network (networks.md §0 "Text-length
//! rules", §3, §8, §9, §7).
//!
//! A [`LengthRule`] says how a network counts and where it stops; [`count`]
//! and [`count_for`] apply the rule for public replies or for DMs and return a
//! [`Counted`] the composer can show (`212/280`). To add or correct a network,
//! change [`reply_rule`] / [`dm_rule`]; a new way of counting is a new
//! [`Counting`] variant plus its function here. Limits that networks.md marks
//! UNCONFIRMED carry [`Certainty::Unconfirmed`] so the UI can say so.

use unicode_segmentation::UnicodeSegmentation;

use super::links::{fedi_mentions, scheme_urls, x_urls};
use crate::model::{Kind, Network};

/// How characters are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// twitter-text v3 (§0): weight 1 for U+0000–U+10FF, U+2000–U+200D,
    /// U+2010–U+201F, U+2032–U+2037, weight 2 for everything else; a URL
    /// (with or without scheme) is 23; an emoji sequence is 2.
    XWeighted,
    /// Mastodon's `StatusLengthValidator` (§8): grapheme clusters, each URL
    /// counts as `url` characters, `@user@domain` counts as `@user`.
    Mastodon { url: usize },
    /// Extended grapheme clusters (Bluesky §9).
    Graphemes,
    /// Unicode code points: our reading of a plain "N characters" where the
    /// network does not say how it counts (UNCONFIRMED for every network that
    /// uses it). Code points never count fewer than graphemes, so a reply we
    /// accept is not rejected for length by a grapheme-counting server.
    CodePoints,
}

/// Whether a limit is documented or a best reading of unconfirmed sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certainty {
    Documented,
    Unconfirmed,
}

/// A network's limit on one kind of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthRule {
    pub counting: Counting,
    pub limit: usize,
    /// A second cap in UTF-8 bytes (Bluesky).
    pub max_bytes: Option<usize>,
    /// At most this many links (Threads: more than 5 fails).
    pub max_links: Option<usize>,
    pub certainty: Certainty,
}

impl LengthRule {
    const fn new(counting: Counting, limit: usize, certainty: Certainty) -> LengthRule {
        LengthRule {
            counting,
            limit,
            max_bytes: None,
            max_links: None,
            certainty,
        }
    }

    /// A Mastodon instance's own rule, from `GET /api/v2/instance`
    /// (`configuration.statuses.max_characters`, `characters_reserved_per_url`).
    pub const fn mastodon(max_characters: usize, characters_reserved_per_url: usize) -> LengthRule {
        let counting = Counting::Mastodon {
            url: characters_reserved_per_url,
        };
        LengthRule::new(counting, max_characters, Certainty::Documented)
    }

    pub fn count(&self, text: &str) -> Counted {
        let used = match self.counting {
            Counting::XWeighted => x_weighted_length(text),
            Counting::Mastodon { url } => mastodon_length(text, url),
            Counting::Graphemes => text.graphemes(true).count(),
            Counting::CodePoints => text.chars().count(),
        };
        Counted {
            used,
            limit: self.limit,
            bytes: text.len(),
            max_bytes: self.max_bytes,
            links: self.max_links.map_or(0, |_| scheme_urls(text).len()),
            max_links: self.max_links,
        }
    }
}

/// The result of counting a draft against a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub used: usize,
    pub limit: usize,
    pub bytes: usize,
    pub max_bytes: Option<usize>,
    /// Links found; only counted when the rule caps them.
    pub links: usize,
    pub max_links: Option<usize>,
}

impl Counted {
    pub fn fits(&self) -> bool {
        self.problem().is_none()
    }

    /// Characters left (negative when over), for the composer's counter.
    pub fn remaining(&self) -> i64 {
        let to_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        to_i64(self.limit) - to_i64(self.used)
    }

    /// Why the draft would be rejected, in words, or `None` when it fits.
    pub fn problem(&self) -> Option<String> {
        if self.used > self.limit {
            let over = self.used - self.limit;
            let unit = if over == 1 { "character" } else { "characters" };
            let (used, limit) = (self.used, self.limit);
            return Some(format!("{over} {unit} over the limit ({used}/{limit})"));
        }
        if let Some(max) = self.max_bytes.filter(|m| self.bytes > *m) {
            return Some(format!(
                "too long in bytes ({}/{max} UTF-8 bytes)",
                self.bytes
            ));
        }
        if let Some(max) = self.max_links.filter(|m| self.links > *m) {
            return Some(format!("too many links ({}; at most {max})", self.links));
        }
        None
    }
}

/// The rule for a public reply or comment on `network`.
pub fn reply_rule(network: Network) -> LengthRule {
    use Certainty::{Documented, Unconfirmed};
    use Counting::{CodePoints, Graphemes, XWeighted};
    match network {
        Network::X => LengthRule::new(XWeighted, 280, Documented),
        Network::Mastodon => LengthRule::mastodon(500, 23),
        Network::Bluesky => LengthRule {
            max_bytes: Some(3000),
            ..LengthRule::new(Graphemes, 300, Documented)
        },
        // §7: 500 characters and at most 5 links are documented; how emoji
        // and bytes count is not, hence Unconfirmed.
        Network::Threads => LengthRule {
            max_links: Some(5),
            ..LengthRule::new(CodePoints, 500, Unconfirmed)
        },
        Network::YouTube => LengthRule::new(CodePoints, 10_000, Unconfirmed),
        Network::TikTok => LengthRule::new(CodePoints, 150, Unconfirmed),
        Network::LinkedIn => LengthRule::new(CodePoints, 1_250, Unconfirmed),
        Network::Instagram => LengthRule::new(CodePoints, 2_200, Unconfirmed),
        // networks.md gives no Facebook comment limit at all; 8,000 is the
        // commonly cited figure. Far above any community-manager reply.
        Network::Facebook => LengthRule::new(CodePoints, 8_000, Unconfirmed),
    }
}

/// The rule for a direct message, where the network has DMs in our scope.
pub fn dm_rule(network: Network) -> Option<LengthRule> {
    use Certainty::{Documented, Unconfirmed};
    use Counting::{CodePoints, Graphemes};
    match network {
        Network::Bluesky => Some(LengthRule {
            max_bytes: Some(10_000),
            ..LengthRule::new(Graphemes, 1_000, Documented)
        }),
        Network::X => Some(LengthRule::new(CodePoints, 10_000, Documented)),
        Network::Facebook => Some(LengthRule::new(CodePoints, 2_000, Unconfirmed)),
        Network::Instagram => Some(LengthRule::new(CodePoints, 1_000, Unconfirmed)),
        // A Mastodon DM is a status with `direct` visibility: same rule.
        Network::Mastodon => Some(reply_rule(Network::Mastodon)),
        Network::YouTube | Network::TikTok | Network::LinkedIn | Network::Threads => None,
    }
}

/// Counts a public reply on `network`.
pub fn count(network: Network, text: &str) -> Counted {
    reply_rule(network).count(text)
}

/// Counts a reply to an item of `kind`: DMs use the DM rule when there is one.
pub fn count_for(network: Network, kind: Kind, text: &str) -> Counted {
    let dm = (kind == Kind::DirectMessage)
        .then(|| dm_rule(network))
        .flatten();
    dm.unwrap_or_else(|| reply_rule(network)).count(text)
}

/// twitter-text v3 weighted length, in characters (weights 100/200 over a
/// scale of 100). Text is not NFC-normalised first (that needs another
/// crate); for the inputs that differ, composed forms never weigh more than
/// their decomposed ones, so skipping NFC can only over-count, never let an
/// over-long post through.
pub fn x_weighted_length(text: &str) -> usize {
    const URL: usize = 23;
    let mut total = 0;
    let mut from = 0;
    for url in x_urls(text) {
        total += weigh(&text[from..url.start]) + URL;
        from = url.end;
    }
    total + weigh(&text[from..])
}

fn weigh(text: &str) -> usize {
    text.graphemes(true)
        .map(|g| {
            if is_emoji_sequence(g) {
                2
            } else {
                g.chars().map(x_char_weight).sum()
            }
        })
        .sum()
}

/// The v3 `ranges` with weight 100; everything else has the default 200.
fn x_char_weight(c: char) -> usize {
    match u32::from(c) {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
        _ => 2,
    }
}

/// A multi-code-point cluster built on a pictograph, a flag (regional
/// indicators) or a keycap: twitter-text counts the whole sequence as one
/// emoji of weight 2 (ZWJ families, skin tones, `❤️`, `🇫🇷`, `1️⃣`). A lone
/// code point keeps its range weight, which is already 2 for every emoji
/// above U+10FF; `©` without U+FE0F is text, as in twemoji.
fn is_emoji_sequence(cluster: &str) -> bool {
    let mut chars = cluster.chars();
    chars.next().is_some()
        && chars.next().is_some()
        && cluster
            .chars()
            .any(|c| is_pictographic(c) || is_regional(c) || c == '\u{20E3}')
}

fn is_regional(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// An approximation of Unicode's Extended_Pictographic property.
fn is_pictographic(c: char) -> bool {
    matches!(u32::from(c),
        0xA9 | 0xAE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x2199 | 0x21A9..=0x21AA
        | 0x231A..=0x231B | 0x2328 | 0x2388 | 0x23CF | 0x23E9..=0x23F3 | 0x23F8..=0x23FA
        | 0x24C2 | 0x25AA..=0x25AB | 0x25B6 | 0x25C0 | 0x25FB..=0x25FE | 0x2600..=0x27BF
        | 0x2934..=0x2935 | 0x2B05..=0x2B07 | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55 | 0x3030
        | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1F1E5 | 0x1F200..=0x1FAFF | 0x1FC00..=0x1FFFD)
}

/// Mastodon's countable text: URLs become `url` characters, remote mentions
/// lose their domain, then grapheme clusters are counted.
pub fn mastodon_length(text: &str, url: usize) -> usize {
    let mut total = 0;
    let mut from = 0;
    for u in scheme_urls(text) {
        total += mastodon_plain(&text[from..u.start]) + url;
        from = u.end;
    }
    total + mastodon_plain(&text[from..])
}

fn mastodon_plain(piece: &str) -> usize {
    let graphemes = |s: &str| s.graphemes(true).count();
    let mut total = 0;
    let mut at = 0;
    for (m, user_len) in fedi_mentions(piece) {
        total += graphemes(&piece[at..m.start]) + graphemes(&piece[m.start..m.start + user_len]);
        at = m.end;
    }
    total + graphemes(&piece[at..])
}

#[cfg(test)]
#[path = "count_tests.rs"]
mod tests;
