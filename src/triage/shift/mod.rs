//! Shifts: one agent watching the inbox for a while, and the summary of
//! that window: what they handled, hid and escalated (to whom), what is
//! still open, and the median first-response time; written as a Markdown
//! hand-over note ([`note`]) for the next person.
//!
//! The summary is computed in two steps so it can be tested on a fixed
//! dataset and later moved onto a shared reports engine:
//! - [`gather`] reads what the window needs from the [`Store`] (the audit
//!   lines of the window, the items they name, their escalation history,
//!   and the unanswered items now) into plain [`Inputs`];
//! - [`summarize`] is pure: [`Inputs`] → [`ShiftSummary`]; [`finish`]
//!   chains both, writes the note and saves it ([`Store::save_shift`]). A reports engine
//!   would replace `gather` with its own queries and keep the definitions
//!   below (or its equivalent of [`tally`]).
//!
//! Definitions (all for the shift's agent, within `[started, ended)`):
//! - **answered**: items with a `reply queued` (or `private_reply queued`,
//!   `direct_message queued`) audit line, or `status answered` (the outbox
//!   confirming a reply);
//! - **done**: `status done`; **hidden**: `hide queued` / `hide sent`;
//!   **deleted**: `delete queued` / `delete sent`; **escalated**:
//!   `escalate …` lines, with whom and which tag read from the item's
//!   history;
//! - **handled**: distinct items with any of the above;
//! - **pending**: items unanswered (new or open, expired snoozes included)
//!   when the summary is made, whoever they belong to;
//! - **first response**: from the item's creation on the network to the
//!   agent's first `… queued` reply line in the window. The queued line,
//!   not the network's confirmation, because it is when the agent answered
//!   (the outbox writes it durably before any attempt; sending may lag when
//!   offline or rate-limited). The median of an even count is the mean of
//!   the two middle values, rounded down to the second.

pub mod note;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Item, ItemId};
use crate::store::{AuditEntry, Happened, ShiftRecord, Store, StoreError};

/// How many of the oldest unanswered items the note lists.
pub const OPEN_LISTED: usize = 10;

/// A shift: who, from when, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub agent: String,
    pub started: DateTime<Utc>,
    pub ended: DateTime<Utc>,
}

impl Shift {
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.started <= at && at < self.ended
    }
}

/// What one audit line did to an item, for the shift's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Handling {
    /// A reply put in the outbox (the first response is measured to it).
    Replied,
    /// The network confirmed a reply (`status answered`).
    Answered,
    Done,
    Hidden,
    Deleted,
    Escalated,
}

impl Handling {
    /// Reads an audit line's `what` (see [`crate::change::LocalChange::describe`]
    /// and `Store::enqueue`); `None` for lines that handle nothing (tags,
    /// reads, likes…).
    pub fn of(what: &str) -> Option<Handling> {
        Some(match what {
            "reply queued" | "private_reply queued" | "direct_message queued" => Handling::Replied,
            "status answered" => Handling::Answered,
            "status done" => Handling::Done,
            "hide queued" | "hide sent" => Handling::Hidden,
            "delete queued" | "delete sent" => Handling::Deleted,
            w if w.starts_with("escalate ") => Handling::Escalated,
            _ => return None,
        })
    }
}

/// The counts of a shift so far, from its audit lines alone (cheap enough
/// to recompute while the shift runs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub handled: usize,
    pub answered: usize,
    pub done: usize,
    pub hidden: usize,
    pub deleted: usize,
    pub escalated: usize,
    /// Each replied item's first reply line in the window.
    #[serde(skip)]
    pub first_replies: BTreeMap<ItemId, DateTime<Utc>>,
    /// Items with an escalate line, in the order first seen.
    #[serde(skip)]
    pub escalated_items: Vec<ItemId>,
}

/// Counts `audit` for `shift` (lines of other agents and outside the
/// window are ignored; each item counts once per column).
pub fn tally(shift: &Shift, audit: &[AuditEntry]) -> Tally {
    let mut seen: HashMap<Handling, BTreeSet<&ItemId>> = HashMap::new();
    let mut handled = BTreeSet::new();
    let mut out = Tally::default();
    let mut lines: Vec<&AuditEntry> = audit
        .iter()
        .filter(|e| e.who == shift.agent && shift.contains(e.at))
        .collect();
    lines.sort_by_key(|e| e.at);
    for line in lines {
        let Some(handling) = Handling::of(&line.what) else {
            continue;
        };
        handled.insert(&line.item);
        if handling == Handling::Replied {
            out.first_replies
                .entry(line.item.clone())
                .or_insert(line.at);
        }
        if seen.entry(handling).or_default().insert(&line.item) && handling == Handling::Escalated {
            out.escalated_items.push(line.item.clone());
        }
    }
    let count = |h: Handling| seen.get(&h).map_or(0, BTreeSet::len);
    let answered: BTreeSet<&ItemId> = [Handling::Replied, Handling::Answered]
        .iter()
        .filter_map(|h| seen.get(h))
        .flatten()
        .copied()
        .collect();
    out.handled = handled.len();
    out.answered = answered.len();
    out.done = count(Handling::Done);
    out.hidden = count(Handling::Hidden);
    out.deleted = count(Handling::Deleted);
    out.escalated = count(Handling::Escalated);
    out
}

/// An item as the note shows it (sanitizing and escaping happen when the
/// note is written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLine {
    pub id: ItemId,
    pub network: String,
    pub author: String,
    pub text: String,
    pub link: Option<String>,
    pub created: DateTime<Utc>,
}

impl ItemLine {
    pub fn of(item: &Item) -> ItemLine {
        ItemLine {
            id: item.id.clone(),
            network: item.remote.network.as_str().to_string(),
            author: item.remote.author.handle.clone(),
            text: item.remote.text.clone(),
            link: item.remote.permalink.clone(),
            created: item.remote.created_at,
        }
    }
}

/// One escalation made during the shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalated {
    pub item: ItemLine,
    pub to: String,
    pub tag: String,
    pub due: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// Everything [`summarize`] needs, read from the store by [`gather`].
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Audit lines of the window (any agent, any order).
    pub audit: Vec<AuditEntry>,
    /// The items those lines name.
    pub items: HashMap<ItemId, Item>,
    /// Escalations recorded in the items' history: item, when, by, to,
    /// tag, due, note.
    pub escalations: Vec<(ItemId, EscalationEvent)>,
    /// How many items are unanswered now.
    pub pending: usize,
    /// The oldest unanswered items, oldest first (at most [`OPEN_LISTED`]).
    pub open: Vec<Item>,
}

/// An `Escalated` history event, flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationEvent {
    pub at: DateTime<Utc>,
    pub by: String,
    pub to: String,
    pub tag: String,
    pub due: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// The shift summary: what the hand-over note says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftSummary {
    pub shift: Shift,
    pub tally: Tally,
    pub pending: usize,
    /// Median first-response time in seconds (none answered: `None`).
    pub median_first_response: Option<i64>,
    /// How many first responses the median is over.
    pub responses: usize,
    pub escalations: Vec<Escalated>,
    /// The oldest unanswered items, oldest first.
    pub open: Vec<ItemLine>,
}

/// The summary of `shift` from `inputs` (pure).
pub fn summarize(shift: &Shift, inputs: &Inputs) -> ShiftSummary {
    let tally = tally(shift, &inputs.audit);
    let mut waits: Vec<i64> = tally
        .first_replies
        .iter()
        .filter_map(|(id, at)| {
            let item = inputs.items.get(id)?;
            Some((*at - item.remote.created_at).num_seconds().max(0))
        })
        .collect();
    let escalations = tally
        .escalated_items
        .iter()
        .filter_map(|id| {
            let item = inputs.items.get(id)?;
            // The agent's last escalation of this item in the window.
            let ev = inputs
                .escalations
                .iter()
                .filter(|(i, e)| i == id && e.by == shift.agent && shift.contains(e.at))
                .max_by_key(|(_, e)| e.at)?;
            Some(Escalated {
                item: ItemLine::of(item),
                to: ev.1.to.clone(),
                tag: ev.1.tag.clone(),
                due: ev.1.due,
                note: ev.1.note.clone(),
            })
        })
        .collect();
    ShiftSummary {
        shift: shift.clone(),
        responses: waits.len(),
        median_first_response: median(&mut waits),
        tally,
        pending: inputs.pending,
        escalations,
        open: inputs
            .open
            .iter()
            .take(OPEN_LISTED)
            .map(ItemLine::of)
            .collect(),
    }
}

/// The median, the two middle values averaged (rounded down).
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]).div_euclid(2)
    })
}

/// Reads [`Inputs`] for `shift` from the store; `now` decides which
/// snoozes have expired (pending counts them).
pub fn gather(store: &dyn Store, shift: &Shift, now: DateTime<Utc>) -> Result<Inputs, StoreError> {
    let audit = store.audit_between(shift.started, shift.ended)?;
    let mut items = HashMap::new();
    let mut escalations = Vec::new();
    let ours = tally(shift, &audit);
    let named: BTreeSet<&ItemId> = ours
        .first_replies
        .keys()
        .chain(ours.escalated_items.iter())
        .collect();
    for id in named {
        let Some((seq, item)) = store.find(id)? else {
            continue;
        };
        if ours.escalated_items.contains(id) {
            for event in store.history(seq)? {
                if let Happened::Escalated { to, tag, due, note } = event.happened {
                    let flat = EscalationEvent {
                        at: event.at,
                        by: event.by,
                        to,
                        tag,
                        due,
                        note,
                    };
                    escalations.push((id.clone(), flat));
                }
            }
        }
        items.insert(id.clone(), item);
    }
    let (pending, open) = unanswered(store, now.timestamp())?;
    Ok(Inputs {
        audit,
        items,
        escalations,
        pending,
        open,
    })
}

/// What `agent` did from `started` on (a shift still running).
pub fn tally_since(
    store: &dyn Store,
    agent: &str,
    started: DateTime<Utc>,
) -> Result<Tally, StoreError> {
    let shift = Shift {
        agent: agent.to_string(),
        started,
        ended: DateTime::<Utc>::MAX_UTC,
    };
    Ok(tally(&shift, &store.audit_between(started, shift.ended)?))
}

/// Ends `shift`: its summary and hand-over note, saved in the store.
pub fn finish(store: &dyn Store, shift: Shift) -> Result<ShiftRecord, StoreError> {
    let inputs = gather(store, &shift, shift.ended)?;
    let summary = summarize(&shift, &inputs);
    let record = ShiftRecord {
        markdown: note::markdown(&summary),
        summary,
    };
    store.save_shift(&record)?;
    Ok(record)
}

/// How many items are unanswered at `now`, and the oldest of them.
fn unanswered(store: &dyn Store, now: i64) -> Result<(usize, Vec<Item>), StoreError> {
    let set = store.rows()?;
    let mut waiting: Vec<(i64, u32)> = set
        .rows
        .iter()
        .filter(|r| r.effective_status(now).is_unanswered())
        .map(|r| (r.created, r.seq))
        .collect();
    let pending = waiting.len();
    waiting.sort_unstable();
    let mut open = Vec::new();
    for (_, seq) in waiting.into_iter().take(OPEN_LISTED) {
        if let Some(item) = store.get(seq)? {
            open.push(item);
        }
    }
    Ok((pending, open))
}
