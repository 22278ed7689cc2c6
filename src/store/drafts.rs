//! Per-item drafts and per-agent canned-reply usage, kept in their own sled
//! trees so that neither a re-sync nor a crash can lose a reply being
//! written.
//!
//! | tree     | key                  | value (JSON)     |
//! |----------|----------------------|------------------|
//! | `drafts` | item id              | [`Draft`]        |
//! | `usage`  | agent, 0, reply name | [`ReplyUsage`]   |
//!
//! JSON rather than the item codec: these values are small, rare and
//! should stay readable by a later version that adds fields.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{SledStore, StoreError};
use crate::model::ItemId;

/// A reply being written to one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub text: String,
    /// The canned reply it started from, if any.
    #[serde(default)]
    pub template: Option<String>,
    /// A private reply (a DM answering a public comment).
    #[serde(default)]
    pub private: bool,
    pub updated: DateTime<Utc>,
}

/// How often and how recently an agent used a canned reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyUsage {
    pub count: u32,
    pub last: DateTime<Utc>,
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Decode(e.to_string()))
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Encode(e.to_string()))
}

fn usage_key(agent: &str, name: &str) -> Vec<u8> {
    let mut key = agent.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(name.as_bytes());
    key
}

impl SledStore {
    pub(super) fn draft_in(&self, item: &ItemId) -> Result<Option<Draft>, StoreError> {
        let tree = self.db.open_tree("drafts")?;
        tree.get(item.to_string().as_bytes())?
            .map(|v| decode(&v))
            .transpose()
    }

    /// Saves (or, for `None`, removes) the draft of an item and flushes, so
    /// that a crash right after a keystroke keeps it.
    pub(super) fn put_draft(&self, item: &ItemId, draft: Option<&Draft>) -> Result<(), StoreError> {
        let tree = self.db.open_tree("drafts")?;
        let key = item.to_string();
        match draft {
            Some(d) => {
                tree.insert(key.as_bytes(), encode(d)?)?;
            }
            None => {
                tree.remove(key.as_bytes())?;
            }
        }
        tree.flush()?;
        Ok(())
    }

    pub(super) fn all_drafts(&self) -> Result<Vec<(ItemId, Draft)>, StoreError> {
        let tree = self.db.open_tree("drafts")?;
        let mut out = Vec::new();
        for kv in tree.iter() {
            let (k, v) = kv?;
            let id = std::str::from_utf8(&k)
                .ok()
                .and_then(|s| s.parse::<ItemId>().ok());
            // A key that is not an item id cannot come from us; skip it
            // rather than hide every other draft.
            if let Some(id) = id {
                out.push((id, decode::<Draft>(&v)?));
            }
        }
        out.sort_by_key(|d| std::cmp::Reverse(d.1.updated));
        Ok(out)
    }

    pub(super) fn usage_of(&self, agent: &str) -> Result<HashMap<String, ReplyUsage>, StoreError> {
        let tree = self.db.open_tree("usage")?;
        let mut prefix = agent.as_bytes().to_vec();
        prefix.push(0);
        let mut out = HashMap::new();
        for kv in tree.scan_prefix(&prefix) {
            let (k, v) = kv?;
            let name = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
            out.insert(name, decode(&v)?);
        }
        Ok(out)
    }

    pub(super) fn bump_usage(
        &self,
        agent: &str,
        name: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tree = self.db.open_tree("usage")?;
        let key = usage_key(agent, name);
        let count = match tree.get(&key)? {
            Some(v) => decode::<ReplyUsage>(&v)?.count.saturating_add(1),
            None => 1,
        };
        tree.insert(key, encode(&ReplyUsage { count, last: at })?)?;
        Ok(())
    }
}
