//! The store is the truth: everything the user sees is read from it, sync
//! writes into it, local actions change it and leave an audit line.
//!
//! [`Store`] is the interface; [`SledStore`] is the embedded implementation
//! (one machine). A server-backed store for teams would implement the same
//! trait. Upserts replace an item's remote half and never its local half.
//!
//! Layout (sled trees), schema 5:
//! | tree          | key                            | value                              |
//! |---------------|--------------------------------|------------------------------------|
//! | `item_chunks` | seq >> 6 (u32 BE)              | up to 64 [`Item`]s ([`item_chunks`]) |
//! | `slots`       | seq >> 10                      | 25 bytes per seq: created, id/thread/author hashes, status ([`slots`]) |
//! | `rows`        | seq >> 10                      | [`chunks::RowChunk`]               |
//! | `facts`       | seq >> 10                      | 42 bytes per seq for reports ([`facts`]) |
//! | `tags`        | seq, tag                       | [`TagRecord`] (who/when/why)       |
//! | `assignments` | seq                            | [`Assignment`]                     |
//! | `escalations` | seq                            | [`EscalationRecord`] (JSON)        |
//! | `history`     | seq, time (ns), counter        | [`HistoryEvent`] (JSON)            |
//! | `audit`       | time (ns), sequence            | [`AuditEntry`]                     |
//! | `trail`       | hour                           | the hour's report events ([`trail`]) |
//! | `cursors`     | sync stream                    | opaque paging cursor               |
//! | `outbox`      | entry id (u64 BE)              | [`crate::outbox::OutboxEntry`]     |
//! | `drafts`      | item id                        | [`Draft`] (JSON)                   |
//! | `usage`       | agent, 0, canned reply name    | [`ReplyUsage`] (JSON)              |
//! | `author_notes`| author key, time, counter      | [`crate::model::Note`] (JSON)      |
//! | `proposals`   | seq                            | rule firings to approve (JSON)     |
//! | `shifts`      | end time (ns), counter         | [`ShiftRecord`] (JSON)             |
//! | `sealed`      | connector key                  | encrypted secret                   |
//! | `meta`        | `schema`, `next_seq`, `dirty`, `trail-dirty` | numbers              |
//!
//! The folded search text is not a tree: it lives in the `search-text`
//! file beside sled's (see [`text_file`]).
//!
//! Items are keyed by a dense internal sequence number rather than by their
//! id string: the in-memory queue rows then carry 4 bytes instead of a
//! string, which is what keeps a million-item queue under budget.
//!
//! sled's cost is per key (about 10 µs per insert here, and memory and
//! recovery time grow with the number of keys), so every per-item tree is
//! chunked: new items get consecutive seqs, and a batch of them is a few
//! chunk writes per tree. Lookups by id, thread and author and the first
//! queue screen scan `slots` (a few milliseconds for a million items)
//! instead of keeping a sled index per item; an ingesting store keeps an
//! id-hash map in memory ([`slots::IdMap`], 12 bytes per item). Schema 3
//! and earlier had one key per item in `items`, `ids`, `queue`,
//! `by_thread` and `by_author`; [`migrate`] moves such a store over.

mod audit_range;
mod authors;
pub mod chunks;
pub mod codec;
pub mod compact;
mod drafts;
pub mod facts;
mod first_screen;
pub mod glance;
mod history;
pub mod item_chunks;
pub mod legacy;
pub mod migrate;
mod outbox_tree;
mod proposals;
mod report_scan;
pub mod rows;
pub mod segments;
mod shifts;
mod sled_store;
mod sled_write;
pub mod slots;
pub mod text_file;
pub mod trail;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change::LocalChange;
use crate::model::{Item, ItemId};

pub use drafts::{Draft, ReplyUsage};
pub use facts::Fact;
pub use history::{EscalationRecord, Happened, HistoryEvent};
pub use report_scan::{ReportItem, ReportPick};
pub use rows::{Row, RowRecord, RowSet};
pub use shifts::ShiftRecord;
pub use sled_store::SledStore;
pub use trail::{TrailEvent, TrailRead};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Sled(#[from] sled::Error),
    #[error("store transaction: {0}")]
    Transaction(String),
    #[error("store value could not be read: {0}")]
    Decode(String),
    #[error("store value could not be written: {0}")]
    Encode(String),
    #[error(
        "the store at {path} has schema version {found}, newer than this guichet understands ({supported}); upgrade guichet"
    )]
    TooNew {
        path: String,
        found: u32,
        supported: u32,
    },
    #[error("no item {0}")]
    NotFound(String),
}

/// One line of the audit log: who did what to which item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub who: String,
    pub item: ItemId,
    pub what: String,
}

/// Who added a tag, when and why (the `tags` tree).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRecord {
    pub by: String,
    pub at: DateTime<Utc>,
    pub why: Option<String>,
}

/// Current assignment of an item (the `assignments` tree).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub assignee: String,
    pub by: String,
    pub since: DateTime<Utc>,
}

/// What an ingest did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestSummary {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// An item and its internal sequence number.
pub type Stored = (u32, Item);

pub trait Store: Send + Sync {
    /// Writes items. A new item is stored as given (local state included);
    /// an existing one gets its remote half replaced and keeps its local
    /// half. Returns the seqs in input order with the summary.
    fn ingest(&self, items: Vec<Item>) -> Result<(Vec<u32>, IngestSummary), StoreError>;

    fn get(&self, seq: u32) -> Result<Option<Item>, StoreError>;

    fn find(&self, id: &ItemId) -> Result<Option<Stored>, StoreError>;

    /// Applies one change to several items in one transaction, with one
    /// audit line per item that actually changed. Returns the items after.
    fn change(
        &self,
        seqs: &[u32],
        change: &LocalChange,
        who: &str,
    ) -> Result<Vec<Stored>, StoreError>;

    /// Every row of the queue index, in seq order (for filtering and
    /// sorting in memory).
    fn rows(&self) -> Result<RowSet, StoreError>;

    /// The first `limit` unanswered rows, oldest first: enough to draw the
    /// first screen before [`Store::rows`] has finished.
    fn first_rows(&self, limit: usize) -> Result<RowSet, StoreError>;

    /// What the queue lines of `seqs` show (see [`glance`]), without
    /// reading the items. Seqs without an item are left out.
    /// The seqs of `item`'s thread (itself included), oldest first, from
    /// the hash index alone: no item is read. A hash collision may add a
    /// stranger; whoever loads them checks [`Item::thread_key`].
    fn thread_seqs(&self, item: &Item) -> Result<Vec<u32>, StoreError>;

    /// The seqs of `item`'s author's items (itself included), newest
    /// first, from the hash index alone (check [`Item::author_key`]).
    fn author_seqs(&self, item: &Item) -> Result<Vec<u32>, StoreError>;

    fn glances(&self, seqs: &[u32]) -> Result<Vec<(u32, glance::Glance)>, StoreError>;

    /// Items of the same thread, oldest first.
    fn thread(&self, item: &Item, limit: usize) -> Result<Vec<Stored>, StoreError>;

    /// Every escalated item, oldest first (one scan of the status index).
    fn escalated(&self) -> Result<Vec<Stored>, StoreError>;

    /// The author's items on this network, newest first.
    fn by_author(&self, item: &Item, limit: usize) -> Result<Vec<Stored>, StoreError>;

    /// Seqs whose text, author handle or name contain every word of `query`
    /// (case and accent insensitive), ascending.
    fn search(&self, query: &str) -> Result<Vec<u32>, StoreError>;

    /// Tag records of an item: tag name, who, when, why.
    fn tag_records(&self, seq: u32) -> Result<Vec<(String, TagRecord)>, StoreError>;

    /// Item `seq`'s tag, assignment and escalation history, oldest first
    /// (removals included, with their why).
    fn history(&self, seq: u32) -> Result<Vec<HistoryEvent>, StoreError>;

    /// Notes on an author ([`Item::author_key`]), oldest first.
    fn author_notes(&self, author: &str) -> Result<Vec<crate::model::Note>, StoreError>;

    /// Adds a note on an author, written from item `from` (for the audit).
    fn add_author_note(
        &self,
        author: &str,
        from: &ItemId,
        note: &crate::model::Note,
    ) -> Result<(), StoreError>;

    /// The rule firings proposed on item `seq`, waiting for a person.
    fn proposals(&self, seq: u32) -> Result<Vec<crate::triage::rules::Firing>, StoreError>;

    /// Replaces them (empty: approved or dismissed, the flag goes).
    fn set_proposals(
        &self,
        seq: u32,
        firings: &[crate::triage::rules::Firing],
    ) -> Result<(), StoreError>;

    /// Every item with a proposal.
    fn proposed(&self) -> Result<Vec<u32>, StoreError>;

    /// Every item waiting on a colleague, with its open escalation.
    fn escalations(&self) -> Result<Vec<(u32, EscalationRecord)>, StoreError>;

    /// The open escalation of one item, if any.
    fn escalation(&self, seq: u32) -> Result<Option<EscalationRecord>, StoreError>;

    /// The latest `limit` audit lines, newest first.
    fn audit(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError>;

    /// Audit lines written in `[from, to)`, oldest first (one key-range
    /// read: the audit tree is ordered by time).
    fn audit_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>, StoreError>;

    /// Keeps a finished shift with its hand-over note, durably.
    fn save_shift(&self, record: &ShiftRecord) -> Result<(), StoreError>;

    /// The latest `limit` finished shifts, newest (by end) first.
    fn shifts(&self, limit: usize) -> Result<Vec<ShiftRecord>, StoreError>;
    /// Adds audit lines kept elsewhere (an import from another tool, the
    /// scale generator), each at its own time. Local changes write their
    /// own lines; this never changes an item.
    fn import_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError>;

    /// Hands the items `pick` chooses to `visit` as reports read them (row,
    /// id hash, [`Fact`]), a group at a time in seq order, interning their
    /// strings in `names`. No item is decoded.
    fn report_items(
        &self,
        pick: ReportPick<'_>,
        names: &mut rows::Interner,
        visit: &mut dyn FnMut(&rows::Interner, Vec<ReportItem>),
    ) -> Result<(), StoreError>;

    /// The report events of the audit lines written for `[from, to)` (see
    /// `trail`): answers, closings, escalations, tags, assignments and
    /// confirmed moderation.
    fn trail_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<TrailRead, StoreError>;

    /// The paging cursor saved for a sync stream (`network:account/endpoint`).
    fn cursor(&self, stream: &str) -> Result<Option<String>, StoreError>;

    /// Saves a sync stream's cursor. Call it after the items it covers are
    /// ingested, so a crash re-fetches rather than skips.
    fn set_cursor(&self, stream: &str, cursor: &str) -> Result<(), StoreError>;

    /// An encrypted secret kept for a connector (a network session); the
    /// store never sees it in clear (see `networks::vault`).
    fn sealed(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;

    fn set_sealed(&self, key: &str, sealed: &[u8]) -> Result<(), StoreError>;

    /// The draft reply of an item, if one is being written.
    fn draft(&self, item: &ItemId) -> Result<Option<Draft>, StoreError>;

    /// Saves the draft of an item (`None` removes it), durably.
    fn set_draft(&self, item: &ItemId, draft: Option<&Draft>) -> Result<(), StoreError>;

    /// Every draft, most recently edited first (the drafts view).
    fn drafts(&self) -> Result<Vec<(ItemId, Draft)>, StoreError>;

    /// How often and how recently `agent` used each canned reply.
    fn reply_usage(&self, agent: &str) -> Result<HashMap<String, ReplyUsage>, StoreError>;

    /// Counts one use of canned reply `name` by `agent`.
    fn record_reply_use(
        &self,
        agent: &str,
        name: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Queues a write to the network (durably, before any attempt) and
    /// writes the audit line.
    fn enqueue(
        &self,
        item: &ItemId,
        action: crate::outbox::OutAction,
        by: &str,
    ) -> Result<crate::outbox::OutboxEntry, StoreError>;

    /// Every outbox entry, oldest first.
    fn outbox(&self) -> Result<Vec<crate::outbox::OutboxEntry>, StoreError>;

    /// Saves an entry's new state.
    fn update_outbox(&self, entry: &crate::outbox::OutboxEntry) -> Result<(), StoreError>;

    /// Removes an entry (the user dropped a reply that was not sent).
    fn remove_outbox(&self, id: u64) -> Result<(), StoreError>;

    fn flush(&self) -> Result<(), StoreError>;
}

/// The items of `seqs` that pass `keep`, up to `limit`, in order: how
/// hash-index candidates are checked against the items themselves.
pub fn read_where(
    store: &(impl Store + ?Sized),
    seqs: impl Iterator<Item = u32>,
    limit: usize,
    keep: impl Fn(&Item) -> bool,
) -> Result<Vec<Stored>, StoreError> {
    let mut out = Vec::new();
    for seq in seqs {
        if out.len() >= limit {
            break;
        }
        if let Some(item) = store.get(seq)?.filter(|i| keep(i)) {
            out.push((seq, item));
        }
    }
    Ok(out)
}
