//! [`Snapshot`]: the rules' [`Context`] over a batch of items in memory
//! (`rules test`, and sync after an ingest). Authors and texts are indexed
//! once, so evaluating every item of the batch stays about linear.
//!
//! - *Seen today* counts the author's items (same network, same author id)
//!   created since local midnight in the snapshot's time zone.
//! - *Blocked elsewhere*: another item of the same person, on any network,
//!   carries a confirmed block: its last action is `block sent` (what the
//!   outbox records when a block is confirmed; see [`shows_block`]), or the
//!   caller marked it with [`Snapshot::mark_blocked`] (from the audit log,
//!   which keeps blocks a later action replaced). The same person is the
//!   same author id on one network, or the same handle across networks
//!   (`@julien_perrin@piaille.fr`, `julien-perrin.bsky.social` and
//!   `julien.perrin` are one), or the same full name of two words or more.
//! - *Near-duplicates*: other authors' items whose word sets are alike
//!   (see `similar.rs`), created within the window either side of the
//!   item. The brand's own items are left out of every count.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveTime, TimeZone, Utc};

use super::Context;
use super::detect::{self, Words};
use super::similar::{FastMap, Similar, fnv, word_set};
use crate::model::Item;

/// (group, similarity bits) → the groups alike it.
type AlikeCache = FastMap<(u32, u32), Arc<Vec<u32>>>;

pub struct Snapshot {
    midnight: i64,
    /// Items since midnight per author (hash of [`author_key`]).
    today: FastMap<u64, usize>,
    blocked: HashMap<String, Vec<String>>,
    authors: FastMap<u64, u32>,
    similar: Similar,
    /// Creation times per group of identical word sets, sorted.
    times: Vec<Vec<i64>>,
    by_group_author: FastMap<(u32, u32), Vec<i64>>,
    /// The group of each item, by a hash of its id.
    item_group: FastMap<u64, u32>,
    /// Alike groups per (group, similarity) of groups of several items: a
    /// wave's copies ask once.
    cache: Mutex<AlikeCache>,
}

impl Snapshot {
    pub fn new(items: &[Item], now: DateTime<Utc>, zone: FixedOffset) -> Snapshot {
        let mut s = Snapshot {
            midnight: local_midnight(now, zone).timestamp(),
            today: FastMap::default(),
            blocked: HashMap::new(),
            authors: FastMap::default(),
            similar: Similar::default(),
            times: Vec::new(),
            by_group_author: FastMap::default(),
            item_group: FastMap::default(),
            cache: Mutex::new(FastMap::default()),
        };
        for item in items.iter().filter(|i| !i.remote.from_us) {
            s.add(item);
        }
        s.similar.finish();
        for times in &mut s.times {
            times.sort_unstable();
        }
        for times in s.by_group_author.values_mut() {
            times.sort_unstable();
        }
        s
    }

    fn add(&mut self, item: &Item) {
        let created = item.remote.created_at.timestamp();
        let author = author_hash(item);
        if let Some(key) = author
            && created >= self.midnight
        {
            *self.today.entry(key).or_default() += 1;
        }
        if shows_block(item) {
            self.mark_blocked(item);
        }
        let (Some(key), Some(words)) = (author, word_set(&item.remote.text)) else {
            return;
        };
        let next = u32::try_from(self.authors.len()).unwrap_or(u32::MAX);
        let author = *self.authors.entry(key).or_insert(next);
        let group = self.similar.insert(words);
        if self.times.len() <= group as usize {
            self.times.resize_with(group as usize + 1, Vec::new);
        }
        if let Some(times) = self.times.get_mut(group as usize) {
            times.push(created);
        }
        self.item_group
            .insert(fnv(item.id.as_str().as_bytes()), group);
        self.by_group_author
            .entry((group, author))
            .or_default()
            .push(created);
    }

    /// Counts the item's author as blocked (a block found in the audit
    /// log, say), for every other item of the same person.
    pub fn mark_blocked(&mut self, item: &Item) {
        for key in identity_keys(item) {
            // Two different items are enough to tell "another item".
            let ids = self.blocked.entry(key).or_default();
            if ids.len() < 2 && !ids.iter().any(|i| i == item.id.as_str()) {
                ids.push(item.id.as_str().to_string());
            }
        }
    }
}

impl Snapshot {
    /// The groups alike `group`, remembered per similarity.
    fn alike(&self, group: u32, similarity: f32) -> Arc<Vec<u32>> {
        let single = self.times.get(group as usize).is_none_or(|t| t.len() < 2);
        if single {
            return Arc::new(self.similar.like_group(group, similarity));
        }
        let key = (group, similarity.to_bits());
        if let Some(found) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return found;
        }
        let found = Arc::new(self.similar.like_group(group, similarity));
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, Arc::clone(&found));
        }
        found
    }
}

impl Context for Snapshot {
    fn author_items_today(&self, item: &Item) -> usize {
        author_hash(item)
            .and_then(|k| self.today.get(&k).copied())
            .unwrap_or(0)
    }

    fn author_blocked_elsewhere(&self, item: &Item) -> bool {
        if self.blocked.is_empty() {
            return false;
        }
        identity_keys(item).iter().any(|key| {
            self.blocked
                .get(key)
                .is_some_and(|ids| ids.iter().any(|id| id != item.id.as_str()))
        })
    }

    fn near_duplicates(&self, item: &Item, window: chrono::Duration, similarity: f32) -> usize {
        if item.remote.from_us {
            return 0;
        }
        let groups = match self.item_group.get(&fnv(item.id.as_str().as_bytes())) {
            Some(g) => self.alike(*g, similarity),
            None => {
                let Some(words) = word_set(&item.remote.text) else {
                    return 0;
                };
                match self.similar.group_of(&words) {
                    Some(g) => self.alike(g, similarity),
                    // A text the batch has not seen.
                    None => Arc::new(self.similar.like(&words, similarity)),
                }
            }
        };
        let at = item.remote.created_at.timestamp();
        let span = window.num_seconds().abs();
        let (lo, hi) = (at.saturating_sub(span), at.saturating_add(span));
        let author = author_hash(item).and_then(|k| self.authors.get(&k).copied());
        groups
            .iter()
            .map(|g| {
                let all = self
                    .times
                    .get(*g as usize)
                    .map_or(0, |times| in_window(times, lo, hi));
                let own = author
                    .and_then(|a| self.by_group_author.get(&(*g, a)))
                    .map_or(0, |times| in_window(times, lo, hi));
                all.saturating_sub(own)
            })
            .sum()
    }
}

/// Whether the item records a confirmed block of its author: the outbox
/// records `block sent` as the item's last action.
pub fn shows_block(item: &Item) -> bool {
    item.local
        .last_action
        .as_ref()
        .is_some_and(|a| a.what.split_whitespace().next() == Some("block"))
}

/// The keys that identify the item's author as one person: the author id
/// on its network, the handle reduced to its letters and digits (without
/// `@`, Mastodon instance or `.bsky.social`), and a full name of two words
/// or more.
pub fn identity_keys(item: &Item) -> Vec<String> {
    let a = &item.remote.author;
    let mut keys = Vec::with_capacity(3);
    if let Some(k) = author_key(item) {
        keys.push(format!("id:{k}"));
    }
    let handle = a.handle.trim().trim_start_matches('@');
    let handle = handle.split('@').next().unwrap_or_default();
    let handle = handle.strip_suffix(".bsky.social").unwrap_or(handle);
    let handle: String = crate::text::fold(handle)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if handle.chars().count() >= 3 {
        keys.push(format!("handle:{handle}"));
    }
    let name = Words::new(detect::bounded(&a.display_name));
    if name.len() >= 2 {
        let joined = name.iter().collect::<Vec<_>>().join(" ");
        if joined.len() >= 6 {
            keys.push(format!("name:{joined}"));
        }
    }
    keys
}

/// `network:author id`, or the handle when the network gave no id.
fn author_key(item: &Item) -> Option<String> {
    let a = &item.remote.author;
    let net = item.remote.network.as_str();
    match (a.id.trim(), a.handle.trim()) {
        ("", "") => None,
        ("", handle) => Some(format!("{net}:@{handle}")),
        (id, _) => Some(format!("{net}:{id}")),
    }
}

/// [`author_key`] hashed, without building the string.
fn author_hash(item: &Item) -> Option<u64> {
    let a = &item.remote.author;
    let net = item.remote.network.as_str().as_bytes();
    match (a.id.trim(), a.handle.trim()) {
        ("", "") => None,
        ("", handle) => Some(fnv(net) ^ fnv(handle.as_bytes()).rotate_left(1)),
        (id, _) => Some(fnv(net) ^ fnv(id.as_bytes()).rotate_left(2)),
    }
}

/// Local midnight of `now`'s day in `zone`, as a UTC time.
pub fn local_midnight(now: DateTime<Utc>, zone: FixedOffset) -> DateTime<Utc> {
    let day = now.with_timezone(&zone).date_naive();
    zone.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map_or(now - chrono::Duration::days(1), |t| t.with_timezone(&Utc))
}

/// How many of the sorted `times` fall in `lo..=hi`.
fn in_window(times: &[i64], lo: i64, hi: i64) -> usize {
    let start = times.partition_point(|t| *t < lo);
    let end = times.partition_point(|t| *t <= hi);
    end.saturating_sub(start)
}
