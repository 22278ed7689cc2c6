//! The outbox: every write to a network (replies, private replies, likes,
//! hides, deletes, blocks, mutes, spam, reports) is stored in sled first, then sent in the
//! background. Nothing is lost and nothing is sent
//! twice:
//!
//! - an entry is written before any network call, and marked `Sending`
//!   before the request leaves;
//! - every request carries the entry's idempotency key (Mastodon keeps it
//!   an hour);
//! - an entry found `Sending` after a crash is *uncertain*: before sending
//!   it again, the connector looks for the reply on the network;
//! - a confirmed reply records its remote id and marks the item answered;
//! - textless actions ([`Act`]) leave the item as once when repeated, so an
//!   uncertain one is simply sent again; a confirmed one updates the item's
//!   [`Moderation`] and its last action (spam also marks it done);
//! - a report ([`OutAction::Report`]) is recorded on the item with its
//!   category and comment once the network confirms it.
//!
//! Hand-offs to colleagues ([`OutAction::Handoff`]) wait in the same tree
//! but are no network's: [`send_due`] leaves them to
//! `triage::handoff::send_due`, which runs beside it.
//!
//! To add an action: a variant of [`OutAction`] (at the end: entries are
//! stored by variant index, so older entries stay readable), its call in
//! [`send_one`], and the connector method behind it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change::LocalChange;
use crate::model::{Item, ItemId, Status};
use crate::networks::capabilities::Capability;
use crate::networks::connector::{Act, Connector};
use crate::networks::error::{ConnectorError, ErrorKind};
use crate::networks::report::Report;
use crate::store::{Store, StoreError};

/// Attempts before a retryable failure is given up (and shown as failed).
pub const MAX_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutAction {
    /// A public reply under the item, or a direct one for a DM.
    Reply { text: String },
    /// A textless write on the item or its author.
    Act(Act),
    /// Meta's one private reply to a public comment (it opens a DM).
    PrivateReply { text: String },
    /// Telling a colleague an item was escalated to them (one channel).
    Handoff(Box<crate::triage::handoff::HandoffOrder>),
    /// A report to the network's moderators. Entries are stored by
    /// variant index: new variants go at the end.
    Report(Report),
}

impl OutAction {
    /// What the network must allow; `None` for a hand-off (no network's).
    pub fn capability(&self) -> Option<Capability> {
        match self {
            OutAction::Reply { .. } => Some(Capability::Reply),
            OutAction::Act(act) => Some(act.capability()),
            OutAction::PrivateReply { .. } => Some(Capability::PrivateReply),
            OutAction::Handoff(_) => None,
            OutAction::Report(_) => Some(Capability::Report),
        }
    }

    /// The words for lists and the audit (`reply`, `hide`, `hand-off`, …).
    pub fn describe(&self) -> &'static str {
        self.capability().map_or("hand-off", Capability::as_str)
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            OutAction::Reply { text } | OutAction::PrivateReply { text } => Some(text),
            OutAction::Act(_) | OutAction::Handoff(_) | OutAction::Report(_) => None,
        }
    }

    pub fn is_handoff(&self) -> bool {
        matches!(self, OutAction::Handoff(_))
    }
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

pub(crate) async fn blocking<T: Send + 'static>(
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
    .filter(|e| e.is_due() && !e.action.is_handoff() && e.item.as_str().starts_with(&prefix))
    .collect();
    let mut done = Vec::new();
    for entry in due {
        done.push(send_one(store.clone(), connector, entry).await?);
    }
    Ok(done)
}

pub(crate) async fn save(store: &Arc<dyn Store>, entry: &OutboxEntry) -> Result<(), OutboxError> {
    let (store, entry) = (store.clone(), entry.clone());
    blocking(move || store.update_outbox(&entry)).await
}

/// One entry through its states; the store is written at every step.
pub async fn send_one<C: Connector>(
    store: Arc<dyn Store>,
    connector: &C,
    mut entry: OutboxEntry,
) -> Result<OutboxEntry, OutboxError> {
    if entry.action.is_handoff() {
        // Not the connector's to send (`triage::handoff::send_due`).
        return Ok(entry);
    }
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
    // An earlier reply may have reached the network (a crash while
    // `Sending`, a timeout after the request left): look before resending.
    // Textless actions and private replies are safe to repeat.
    let already = match (&entry.action, entry.attempts) {
        (OutAction::Reply { text }, 1..) => connector.find_reply(&item, text).await.ok().flatten(),
        _ => None,
    };
    let result: Result<String, ConnectorError> = match already {
        Some(remote) => Ok(remote),
        None => {
            entry.state = SendState::Sending { since: Utc::now() };
            entry.attempts += 1;
            save(&store, &entry).await?;
            let sent = match &entry.action {
                OutAction::Reply { text } => connector.reply(&item, text, &entry.key).await,
                OutAction::PrivateReply { text } => {
                    connector.private_reply(&item, text, &entry.key).await
                }
                OutAction::Act(act) => connector.act(&item, *act, &entry.key).await,
                OutAction::Handoff(_) => return Ok(entry),
                OutAction::Report(report) => connector.report(&item, report, &entry.key).await,
            };
            settled(&entry.action, &item, sent)
        }
    };
    match result {
        Ok(remote_id) => {
            entry.state = SendState::Sent {
                remote_id,
                at: Utc::now(),
            };
            save(&store, &entry).await?;
            let (store, by, action) = (store.clone(), entry.by.clone(), entry.action.clone());
            blocking(move || confirm(store.as_ref(), seq, item, &action, &by)).await?;
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

/// Reads a network's answer for `action`: a repeat the network refuses as
/// already done (a second private reply, deleting what is gone) is success.
fn settled(
    action: &OutAction,
    item: &Item,
    sent: Result<String, ConnectorError>,
) -> Result<String, ConnectorError> {
    match (sent, action) {
        (Err(e), OutAction::Act(_) | OutAction::PrivateReply { .. })
            if e.kind == ErrorKind::Duplicate =>
        {
            Ok(item.remote.native_id.clone())
        }
        (Err(e), OutAction::Act(Act::Delete)) if e.kind == ErrorKind::NotFound => {
            Ok(item.remote.native_id.clone())
        }
        (sent, _) => sent,
    }
}

/// What a confirmed action does to the stored item.
fn confirm(
    store: &dyn Store,
    seq: u32,
    mut item: Item,
    action: &OutAction,
    by: &str,
) -> Result<(), StoreError> {
    let moderation = &mut item.remote.moderation;
    let before = *moderation;
    match action {
        OutAction::Reply { .. } | OutAction::PrivateReply { .. } => {
            store.change(&[seq], &LocalChange::SetStatus(Status::Answered), by)?;
            return Ok(());
        }
        OutAction::Act(Act::Like) => moderation.liked = true,
        OutAction::Act(Act::Unlike) => moderation.liked = false,
        OutAction::Act(Act::Hide) => moderation.hidden = true,
        OutAction::Act(Act::Unhide) => moderation.hidden = false,
        OutAction::Act(Act::Delete) => moderation.deleted = true,
        // YouTube's block is `rejected` + ban: the comment leaves the public.
        OutAction::Act(Act::Block) if item.remote.network == crate::model::Network::YouTube => {
            moderation.hidden = true;
        }
        OutAction::Handoff(_) => return Ok(()),
        // YouTube's spam is `rejected`: gone from the public, for good.
        OutAction::Act(Act::Spam) if item.remote.network == crate::model::Network::YouTube => {
            moderation.hidden = true;
        }
        OutAction::Act(Act::Block | Act::Mute | Act::Spam) | OutAction::Report(_) => {}
    }
    if *moderation != before {
        store.ingest(vec![item])?;
    }
    let record = match action {
        OutAction::Report(report) => format!("report sent ({})", report.describe()),
        _ => format!("{} sent", action.describe()),
    };
    store.change(&[seq], &LocalChange::Record(record), by)?;
    // Deleted or dealt with as spam: nothing is left to answer.
    if matches!(action, OutAction::Act(Act::Delete | Act::Spam)) {
        store.change(&[seq], &LocalChange::SetStatus(Status::Done), by)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::networks::report::ReportReason;

    /// Entries already in sled were written by variant index (postcard):
    /// spam and reports were appended, so old bytes still mean the same.
    #[test]
    fn old_entries_keep_their_meaning_and_new_ones_round_trip() {
        let bytes = |a: &OutAction| postcard::to_allocvec(a).unwrap();
        assert_eq!(bytes(&OutAction::Act(Act::Mute)), [1, 6]);
        assert_eq!(
            bytes(&OutAction::PrivateReply { text: "a".into() }),
            [2, 1, b'a']
        );
        let decoded: OutAction = postcard::from_bytes(&[1, 4]).unwrap();
        assert_eq!(decoded, OutAction::Act(Act::Delete));
        assert_eq!(bytes(&OutAction::Act(Act::Spam)), [1, 7]);
        let report = OutAction::Report(Report::new(ReportReason::Rude, "grossier"));
        // After the hand-off (3), appended before it.
        assert_eq!(bytes(&report)[..2], [4, 5]);
        let back: OutAction = postcard::from_bytes(&bytes(&report)).unwrap();
        assert_eq!(back, report);
        assert_eq!(report.capability(), Some(Capability::Report));
        assert_eq!(report.text(), None, "a report is not a reply");
    }
}
