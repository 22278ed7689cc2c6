//! Collision safety: one store, several windows or scripts. A reply is
//! checked, just before it enters the outbox, against what the agent saw
//! when the composer opened. When someone answered in the thread since
//! (another agent, the brand from the network's own app, a sync), or the
//! item's status was changed by another process, the reply is queued but
//! held: it waits in the outbox, marked with why, until the agent reads
//! the thread and sends it anyway (`reply.retry`), edits or drops it.

use crate::outbox::{OutAction, OutboxEntry, SendState};
use crate::store::{Store, StoreError};
use crate::tui::state::Seen;

/// Queues `action` for item `seq`; holds it when the item moved on since
/// `seen`. Returns the entry and why it was held.
pub fn enqueue_checked(
    store: &dyn Store,
    agent: &str,
    seq: u32,
    action: OutAction,
    seen: Option<&Seen>,
) -> Result<(OutboxEntry, Option<String>), StoreError> {
    let Some(item) = store.get(seq)? else {
        return Err(StoreError::NotFound(format!("#{seq}")));
    };
    let why = match seen {
        Some(seen) => changed(store, &item, seen)?,
        None => None,
    };
    let mut entry = store.enqueue(&item.id, action, agent)?;
    if let Some(why) = &why {
        entry.state = SendState::Failed {
            error: format!("held: {why}"),
            retry: false,
        };
        store.update_outbox(&entry)?;
    }
    Ok((entry, why))
}

/// What changed since `seen`, in words, if anything did.
fn changed(
    store: &dyn Store,
    item: &crate::model::Item,
    seen: &Seen,
) -> Result<Option<String>, StoreError> {
    if item.local.status != seen.status {
        return Ok(Some(format!(
            "its status changed from {} to {} meanwhile",
            seen.status, item.local.status
        )));
    }
    let Some(known) = &seen.thread else {
        return Ok(None);
    };
    // The thread's seqs now against those seen; only the new ones are
    // read (and checked: the index is by hash).
    let key = item.thread_key();
    let known: std::collections::HashSet<u32> = known.iter().copied().collect();
    let mut new = Vec::new();
    for seq in store.thread_seqs(item)? {
        if known.contains(&seq) {
            continue;
        }
        if let Some(i) = store.get(seq)?.filter(|i| i.thread_key() == key) {
            new.push(i);
        }
    }
    Ok(new.first().map(|first| {
        let who = if first.remote.from_us {
            "the brand".to_string()
        } else {
            format!("@{}", first.remote.author.handle)
        };
        match new.len() {
            1 => format!("{who} wrote in the thread since you opened it"),
            n => format!("{n} new messages in the thread since you opened it (first by {who})"),
        }
    }))
}
