//! The outbox: every write to a network (replies so far) is stored in sled
//! first, then sent in the background. Nothing is lost and nothing is sent
//! twice:
//!
//! - an entry is written before any network call, and marked `Sending`
//!   before the request leaves;
//! - every request carries the entry's idempotency key (Mastodon keeps it
//!   an hour);
//! - an entry found `Sending` after a crash is *uncertain*: before sending
//!   it again, the connector looks for the reply on the network;
//! - a confirmed reply records its remote id and marks the item answered.
//!
//! To add an action: a variant of [`OutAction`], its call in
//! [`send_one`], and the connector method behind it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change::LocalChange;
use crate::model::{ItemId, Status};
use crate::networks::connector::Connector;
use crate::networks::error::ConnectorError;
use crate::store::{Store, StoreError};

/// Attempts before a retryable failure is given up (and shown as failed).
pub const MAX_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutAction {
    /// A public reply under the item, or a direct one for a DM.
    Reply { text: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendState {
    Pending,
    /// The request may have left: the outcome is unknown until checked.
    Sending {
        since: DateTime<Utc>,
    },
    Sent {
        remote_id: String,
        at: DateTime<Utc>,
    },
    /// `retry` false: it will not be tried again without the user.
    Failed {
        error: String,
        retry: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: u64,
    pub item: ItemId,
    pub action: OutAction,
    pub state: SendState,
    pub attempts: u32,
    pub by: String,
    pub created_at: DateTime<Utc>,
    /// Sent with every attempt so the network can drop a duplicate.
    pub key: String,
}

impl OutboxEntry {
    /// Still to be sent by the worker.
    pub fn is_due(&self) -> bool {
        matches!(
            self.state,
            SendState::Pending | SendState::Sending { .. } | SendState::Failed { retry: true, .. }
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Task(String),
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, OutboxError> {
    Ok(tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| OutboxError::Task(e.to_string()))??)
}

/// Sends every due entry for `connector`'s account, oldest first. Returns
/// the entries it touched, in their new state.
pub async fn send_due<C: Connector>(
    store: Arc<dyn Store>,
    connector: &C,
) -> Result<Vec<OutboxEntry>, OutboxError> {
    let prefix = format!("{}:{}:", connector.network().as_str(), connector.account());
    let due: Vec<OutboxEntry> = {
        let store = store.clone();
        blocking(move || store.outbox()).await?
    }
    .into_iter()
    .filter(|e| e.is_due() && e.item.as_str().starts_with(&prefix))
    .collect();
    let mut done = Vec::new();
    for entry in due {
        done.push(send_one(store.clone(), connector, entry).await?);
    }
    Ok(done)
}

async fn save(store: &Arc<dyn Store>, entry: &OutboxEntry) -> Result<(), OutboxError> {
    let (store, entry) = (store.clone(), entry.clone());
    blocking(move || store.update_outbox(&entry)).await
}

/// One entry through its states; the store is written at every step.
pub async fn send_one<C: Connector>(
    store: Arc<dyn Store>,
    connector: &C,
    mut entry: OutboxEntry,
) -> Result<OutboxEntry, OutboxError> {
    let item = {
        let (store, id) = (store.clone(), entry.item.clone());
        blocking(move || store.find(&id)).await?
    };
    let Some((seq, item)) = item else {
        entry.state = SendState::Failed {
            error: format!("no item {}", entry.item),
            retry: false,
        };
        save(&store, &entry).await?;
        return Ok(entry);
    };
    let OutAction::Reply { text } = &entry.action;
    // An earlier attempt may have reached the network (a crash while
    // `Sending`, a timeout after the request left): look before resending.
    let already = match entry.attempts {
        0 => None,
        _ => connector.find_reply(&item, text).await.ok().flatten(),
    };
    let result: Result<String, ConnectorError> = match already {
        Some(remote) => Ok(remote),
        None => {
            entry.state = SendState::Sending { since: Utc::now() };
            entry.attempts += 1;
            save(&store, &entry).await?;
            connector.reply(&item, text, &entry.key).await
        }
    };
    match result {
        Ok(remote_id) => {
            entry.state = SendState::Sent {
                remote_id,
                at: Utc::now(),
            };
            save(&store, &entry).await?;
            let (store, by) = (store.clone(), entry.by.clone());
            blocking(move || {
                store
                    .change(&[seq], &LocalChange::SetStatus(Status::Answered), &by)
                    .map(|_| ())
            })
            .await?;
        }
        Err(e) => {
            let retry = e.kind.is_retryable() && entry.attempts < MAX_ATTEMPTS;
            tracing::warn!(entry = entry.id, item = %entry.item, error = %e, retry, "send failed");
            entry.state = SendState::Failed {
                error: e.to_string(),
                retry,
            };
            save(&store, &entry).await?;
        }
    }
    Ok(entry)
}
