//! The author panel's data: who wrote an item, everything they wrote that
//! the store holds (on this network, and under the same name on others),
//! the team's notes on them, their tags and how they were moderated.
//!
//! [`load`] reads it from the store (an effect, off the render path). A
//! person's accounts on two networks cannot be linked for sure: items
//! "elsewhere" are those whose handle, reduced to its letters and digits,
//! or whose display name is the same, and the panel says "same name".

use std::collections::BTreeMap;

use crate::model::{Author, Item, Network, Note, StatusKind};
use crate::store::{Store, StoreError, Stored};

/// How many of the author's items the panel lists, per part.
const LIMIT: usize = 50;
/// How many search hits are read to find items under the same name.
const SCAN: usize = 2_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorPanel {
    /// The item it was opened from.
    pub seq: u32,
    pub author: Author,
    pub network: Option<Network>,
    /// [`Item::author_key`]: where the notes are kept.
    pub key: String,
    /// Their items on this network, newest first.
    pub items: Vec<Stored>,
    /// Items under the same name on other networks, newest first.
    pub elsewhere: Vec<Stored>,
    pub notes: Vec<Note>,
    /// Tags over all their items, most used first.
    pub tags: Vec<(String, usize)>,
    pub statuses: Vec<(StatusKind, usize)>,
    /// Their items hidden or deleted by us, and whether we blocked them.
    pub hidden: usize,
    pub deleted: usize,
    pub blocked: bool,
}

/// A handle reduced to compare across networks: `@Karim_BNL`,
/// `karim.bnl@piaille.fr` and `karim-bnl.bsky.social` all give `karimbnl`.
pub fn same_name_key(handle: &str) -> String {
    let h = handle.trim().trim_start_matches('@').to_lowercase();
    let h = h.split('@').next().unwrap_or_default();
    let h = h.strip_suffix(".bsky.social").unwrap_or(h);
    h.chars().filter(|c| c.is_alphanumeric()).collect()
}

pub fn load(store: &dyn Store, seq: u32) -> Result<AuthorPanel, StoreError> {
    let Some(item) = store.get(seq)? else {
        return Err(StoreError::NotFound(format!("#{seq}")));
    };
    let key = item.author_key();
    let items = store.by_author(&item, LIMIT)?;
    let elsewhere = elsewhere(store, &item)?;
    let notes = store.author_notes(&key)?;
    let mut tags: BTreeMap<String, usize> = BTreeMap::new();
    let mut statuses: BTreeMap<StatusKind, usize> = BTreeMap::new();
    let (mut hidden, mut deleted, mut blocked) = (0, 0, false);
    for (_, it) in items.iter().chain(&elsewhere) {
        for tag in &it.local.tags {
            *tags.entry(tag.clone()).or_default() += 1;
        }
        *statuses.entry(it.local.status.kind()).or_default() += 1;
        hidden += usize::from(it.remote.moderation.hidden);
        deleted += usize::from(it.remote.moderation.deleted);
        blocked |= it
            .local
            .last_action
            .as_ref()
            .is_some_and(|a| a.what.starts_with("block"));
    }
    let mut tags: Vec<(String, usize)> = tags.into_iter().collect();
    tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(AuthorPanel {
        seq,
        author: item.remote.author.clone(),
        network: Some(item.remote.network),
        key,
        items,
        elsewhere,
        notes,
        tags,
        statuses: statuses.into_iter().collect(),
        hidden,
        deleted,
        blocked,
    })
}

/// Items on other networks whose author has the same reduced handle or the
/// same display name.
fn elsewhere(store: &dyn Store, item: &Item) -> Result<Vec<Stored>, StoreError> {
    let a = &item.remote.author;
    let name = same_name_key(&a.handle);
    if name.chars().count() < 3 {
        return Ok(Vec::new());
    }
    let display = a.display_name.trim().to_lowercase();
    let same = |other: &Item| {
        let o = &other.remote.author;
        other.remote.network != item.remote.network
            && (same_name_key(&o.handle) == name
                || (display.chars().count() > 4 && o.display_name.trim().to_lowercase() == display))
    };
    // The search text holds the handle and the name; the handle's longest
    // word narrows the scan, the comparison above decides.
    let word = a
        .handle
        .split(|c: char| !c.is_alphanumeric())
        .max_by_key(|w| w.chars().count())
        .unwrap_or_default();
    let mut out = Vec::new();
    for seq in store.search(word)?.into_iter().rev().take(SCAN) {
        if out.len() >= LIMIT {
            break;
        }
        if let Some(other) = store.get(seq)?
            && same(&other)
        {
            out.push((seq, other));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::same_name_key;

    #[test]
    fn handles_reduce_across_networks() {
        for h in [
            "@Karim_BNL",
            "karim.bnl@piaille.fr",
            "karim-bnl.bsky.social",
            "karimbnl",
        ] {
            assert_eq!(same_name_key(h), "karimbnl", "{h}");
        }
        assert_ne!(same_name_key("karim"), same_name_key("karimbnl"));
    }
}
