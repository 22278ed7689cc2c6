//! The deterministic demo inbox and the scale generator.
//!
//! [`demo_items`] builds a realistic inbox (~360 items over the nine
//! networks, French and English) for the fictional brand [`BRAND`]: the
//! hand-written scenes in `scenes` and `scenes_dm` (threads, DMs, complaints,
//! the hostile-text comment…) come first, then `filler` composes messages
//! from the `texts` bank until each network reaches its target volume. The
//! result depends only on `now` (every age is relative to it), so tests and
//! screenshots are stable. [`synthetic`] lazily generates any number of
//! items for benchmarks and scale tests.
//!
//! Module map: `ids` (native id and permalink shapes), `posts` (the brand's
//! posts), `people` (personas and authors), `script` (the item builder),
//! `texts` (message bank), `scenes`/`scenes_dm`, `filler`, `synthetic` and
//! `words` (scale generator). To extend the demo, add a scene function or
//! texts to the bank; to add a network, add its arms in `ids`, `people`,
//! [`accounts`] and `filler::TARGETS`.

pub mod escalations;
mod filler;
mod ids;
mod people;
mod posts;
mod scenes;
mod scenes_dm;
mod script;
mod synthetic;
mod synthetic_audit;
mod texts;
mod words;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

use crate::model::{Item, Network};

pub use scenes::{DELIVERY_THREAD, HOSTILE_TEXT};
pub use synthetic::{Synthetic, synthetic};
pub use synthetic_audit::synthetic_audit;

/// The fictional brand whose inbox the demo shows: candles, home fragrance
/// and cosmetics, sold online, shipped to France, Belgium and Canada, with a
/// workshop in Montreuil and a new store in Lyon.
pub const BRAND: &str = "Atelier Lumen";

const ACCOUNTS: [(Network, &str); 9] = [
    (Network::Facebook, "atelierlumen"),
    (Network::Instagram, "atelier.lumen"),
    (Network::X, "AtelierLumen"),
    (Network::YouTube, "AtelierLumen"),
    (Network::TikTok, "atelierlumen"),
    (Network::LinkedIn, "atelier-lumen"),
    (Network::Threads, "atelier.lumen"),
    (Network::Mastodon, "atelierlumen@piaille.fr"),
    (Network::Bluesky, "atelierlumen.bsky.social"),
];

/// The brand's account handle on each of the nine networks (no leading `@`;
/// Mastodon as `user@instance`). These are the `account` part of item ids.
pub fn accounts() -> Vec<(Network, &'static str)> {
    ACCOUNTS.to_vec()
}

/// The brand's account handle on `net`.
pub fn account(net: Network) -> &'static str {
    ACCOUNTS
        .iter()
        .find(|(n, _)| *n == net)
        .map_or("atelierlumen", |(_, a)| a)
}

/// The demo inbox at `now`: same items, ids and states for the same `now`,
/// sorted oldest first. Every item is dated before `now`.
pub fn demo_items(now: DateTime<Utc>) -> Vec<Item> {
    let mut ctx = script::Ctx::new(now);
    scenes::public(&mut ctx);
    scenes_dm::private(&mut ctx);
    filler::fill(&mut ctx);
    let mut items = ctx.items;
    items.sort_by(|a, b| {
        a.remote
            .created_at
            .cmp(&b.remote.created_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    items
}
