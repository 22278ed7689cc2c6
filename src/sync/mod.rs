//! The sync engine: one pass of one account, from the network into the
//! store. The connector fetches what is new since the saved cursor; the
//! items are ingested (remote half only: local state survives); only then
//! is the cursor saved, so a crash between the two re-fetches instead of
//! skipping. Runs in a tokio task; store calls go to a blocking thread.
//! After the ingest, escalated items answered in their thread go back to
//! the queue (`triage::answered`).
//!
//! [`engine`] runs one such pass per account in a loop (interval, "sync
//! now", backoff, rate limits) and reports [`engine::SyncEvent`]s.

pub mod engine;

use std::sync::Arc;

use crate::networks::connector::Connector;
use crate::networks::error::ConnectorError;
use crate::networks::progress::{self, Phase};
use crate::store::{IngestSummary, Store, StoreError};

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub stream: String,
    pub summary: IngestSummary,
    /// Items the network sent that could not be read (logged, skipped).
    pub skipped: usize,
    /// The first-sync depth limit stopped the pass.
    pub truncated: bool,
    /// Escalated items answered in their thread, back in the queue
    /// (`triage::answered`).
    pub reopened: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Connector(#[from] ConnectorError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("store task failed: {0}")]
    Task(String),
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Task(e.to_string()))?
        .map_err(SyncError::Store)
}

/// Where the time of a stream's last good pass is kept (in `cursors`).
pub fn synced_at_key(stream: &str) -> String {
    format!("{stream}#synced_at")
}

/// Fetches what is new for `connector`'s account and stores it.
pub async fn sync_once<C: Connector>(
    store: Arc<dyn Store>,
    connector: &C,
    depth: usize,
) -> Result<SyncReport, SyncError> {
    let stream = connector.stream();
    let cursor = {
        let (store, stream) = (store.clone(), stream.clone());
        blocking(move || store.cursor(&stream)).await?
    };
    // A network that counts a daily quota (YouTube) carries over what
    // earlier runs spent, and records what this pass spent, even a failed one.
    let quota_key = format!("{stream}#quota");
    if let Some(saved) = {
        let (store, key) = (store.clone(), quota_key.clone());
        blocking(move || store.cursor(&key)).await?
    }
    .and_then(|r| crate::networks::quota::QuotaDay::from_record(&r))
    {
        connector.carry_quota(&saved);
    }
    progress::mark(Phase::Fetching, None);
    let fetched = connector.fetch_new(cursor.as_deref(), depth).await;
    if let Some(day) = connector.quota() {
        let (store, key) = (store.clone(), quota_key);
        blocking(move || store.set_cursor(&key, &day.to_record())).await?;
    }
    let fetched = fetched?;
    progress::mark(Phase::Storing, Some(fetched.items.len()));
    let summary = {
        let store = store.clone();
        let mut items = fetched.items;
        // Our own messages (a reply seen again in a thread or a DM) arrive
        // done and read: context, never work. Only new items take this; a
        // stored item keeps its local state.
        for item in items.iter_mut().filter(|i| i.remote.from_us) {
            item.local.status = crate::model::Status::Done;
            item.local.read = true;
        }
        // Most comment APIs give no language: guess it, so language views
        // ("Complaints FR") work on every network.
        for item in items.iter_mut().filter(|i| i.remote.lang.is_none()) {
            item.remote.lang = crate::lang::detect(&item.remote.text);
        }
        let answers = crate::triage::answered::Candidate::of(&items);
        blocking(move || {
            let (_, summary) = store.ingest(items)?;
            let reopened = crate::triage::answered::reopen_answered(store.as_ref(), &answers)
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "answered escalations not checked");
                    0
                });
            Ok((summary, reopened))
        })
        .await?
    };
    let (summary, reopened) = summary;
    if let Some(next) = fetched.cursor {
        let (store, stream) = (store.clone(), stream.clone());
        blocking(move || store.set_cursor(&stream, &next)).await?;
    }
    {
        let (store, key) = (store.clone(), synced_at_key(&stream));
        let at = chrono::Utc::now().to_rfc3339();
        blocking(move || store.set_cursor(&key, &at)).await?;
    }
    tracing::info!(%stream, new = summary.new, updated = summary.updated, skipped = fetched.skipped, "synced");
    Ok(SyncReport {
        stream,
        summary,
        skipped: fetched.skipped,
        truncated: fetched.truncated,
        reopened,
    })
}
