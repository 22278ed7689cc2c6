//! Old value layouts, kept only so `migrate.rs` can read a store written
//! by an earlier build. Never used to write.

use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::model::{
    Author, Engagement, Item, ItemId, Kind, Local, Moderation, Network, PostRef, Remote,
};
use chrono::{DateTime, Utc};

/// `Remote` in value format 1 (before `moderation`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoteV1 {
    pub network: Network,
    pub account: String,
    pub native_id: String,
    pub kind: Kind,
    pub thread_id: Option<String>,
    pub parent_id: Option<String>,
    pub post: Option<PostRef>,
    pub author: Author,
    pub text: String,
    pub lang: Option<String>,
    pub created_at: DateTime<Utc>,
    pub permalink: Option<String>,
    pub engagement: Engagement,
    pub from_us: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemV1 {
    pub id: ItemId,
    pub remote: RemoteV1,
    pub local: Local,
}

impl From<ItemV1> for Item {
    fn from(old: ItemV1) -> Item {
        let r = old.remote;
        Item {
            id: old.id,
            remote: Remote {
                network: r.network,
                account: r.account,
                native_id: r.native_id,
                kind: r.kind,
                thread_id: r.thread_id,
                parent_id: r.parent_id,
                post: r.post,
                author: r.author,
                text: r.text,
                lang: r.lang,
                created_at: r.created_at,
                permalink: r.permalink,
                engagement: r.engagement,
                from_us: r.from_us,
                moderation: Moderation::default(),
            },
            local: old.local,
        }
    }
}

/// Reads an item value written in format 1.
pub fn item_v1(bytes: &[u8]) -> Result<Item, StoreError> {
    match bytes.split_first() {
        Some((1, body)) => postcard::from_bytes::<ItemV1>(body)
            .map(Item::from)
            .map_err(|e| StoreError::Decode(e.to_string())),
        _ => Err(StoreError::Decode("not a format-1 item".to_string())),
    }
}

/// Writes an item as format 1, for the migration test.
pub fn encode_item_v1(item: &Item) -> Result<Vec<u8>, StoreError> {
    let r = &item.remote;
    let old = ItemV1 {
        id: item.id.clone(),
        remote: RemoteV1 {
            network: r.network,
            account: r.account.clone(),
            native_id: r.native_id.clone(),
            kind: r.kind,
            thread_id: r.thread_id.clone(),
            parent_id: r.parent_id.clone(),
            post: r.post.clone(),
            author: r.author.clone(),
            text: r.text.clone(),
            lang: r.lang.clone(),
            created_at: r.created_at,
            permalink: r.permalink.clone(),
            engagement: r.engagement,
            from_us: r.from_us,
        },
        local: item.local.clone(),
    };
    let mut out = vec![1u8];
    out.extend(postcard::to_stdvec(&old).map_err(|e| StoreError::Encode(e.to_string()))?);
    Ok(out)
}
