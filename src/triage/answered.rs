//! Closing the loop from the thread: after a sync stores new items, an
//! escalated item whose thread got an answer since it was escalated,
//! written by the brand (`from_us`) or by its assignee's own handle, goes
//! back to the queue (open) with a note saying who answered, so the
//! community manager finishes with the customer.
//!
//! Cheap by construction: nothing is read unless the batch holds an item
//! that could be such an answer, then one scan of the status index finds
//! the (few) escalated items, and only their threads are compared.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::change::LocalChange;
use crate::model::{Item, Status};
use crate::store::{Store, StoreError};

/// Who the audit names for these changes.
pub const WHO: &str = "guichet (thread)";

/// A stored item that may answer an escalation: its thread, author, time.
#[derive(Debug, Clone)]
pub struct Candidate {
    thread: String,
    native_id: String,
    from_us: bool,
    handle: String,
    at: DateTime<Utc>,
}

impl Candidate {
    /// Every item of a batch that answers in a thread (a reply, or ours).
    pub fn of(items: &[Item]) -> Vec<Candidate> {
        items
            .iter()
            .filter(|i| i.remote.from_us || i.remote.thread_id.is_some())
            .map(|i| Candidate {
                thread: i.thread_key(),
                native_id: i.remote.native_id.clone(),
                from_us: i.remote.from_us,
                handle: i.remote.author.handle.clone(),
                at: i.remote.created_at,
            })
            .collect()
    }
}

/// `@Marie@piaille.fr` and `marie` both read `marie`.
fn plain(handle: &str) -> String {
    let h = handle.trim().trim_start_matches('@');
    h.split(['@', '.'])
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

/// Who answered, if `c` answers `item` escalated at `since`.
fn answered_by(item: &Item, since: DateTime<Utc>, c: &Candidate) -> Option<String> {
    if c.native_id == item.remote.native_id || c.at <= since {
        return None;
    }
    if c.from_us {
        return Some("the brand".to_string());
    }
    let assignee = item.local.assignee.as_deref().map(plain)?;
    (!assignee.is_empty() && plain(&c.handle) == assignee).then(|| format!("@{}", c.handle))
}

/// Returns to the queue every escalated item answered by `candidates`;
/// returns how many. Blocking (store reads and writes).
pub fn reopen_answered(store: &dyn Store, candidates: &[Candidate]) -> Result<usize, StoreError> {
    if candidates.is_empty() {
        return Ok(0);
    }
    let mut by_thread: HashMap<&str, Vec<&Candidate>> = HashMap::new();
    for c in candidates {
        by_thread.entry(c.thread.as_str()).or_default().push(c);
    }
    let mut reopened = 0;
    for (seq, item) in store.escalated()? {
        let Some(answers) = by_thread.get(item.thread_key().as_str()) else {
            continue;
        };
        // Escalated no earlier than its latest tag (the escalate flow
        // tags) or its last recorded action: an answer from before does
        // not count (a later note only narrows the window).
        let since = store
            .tag_records(seq)?
            .into_iter()
            .map(|(_, r)| r.at)
            .chain(item.local.last_action.as_ref().map(|a| a.at))
            .max()
            .unwrap_or(item.remote.created_at);
        let Some(who) = answers
            .iter()
            .filter_map(|c| answered_by(&item, since, c).map(|w| (c.at, w)))
            .min()
            .map(|(_, w)| w)
        else {
            continue;
        };
        let note = format!("answered in the thread by {who}: back to the queue to close the loop");
        store.change(&[seq], &LocalChange::AddNote(note), WHO)?;
        store.change(&[seq], &LocalChange::SetStatus(Status::Open), WHO)?;
        reopened += 1;
    }
    Ok(reopened)
}

#[cfg(test)]
#[path = "answered_tests.rs"]
mod tests;
