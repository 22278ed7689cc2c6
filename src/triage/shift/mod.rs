//! Shifts: one agent watching the inbox for a while, and the summary of
//! that window: what they handled, hid and escalated (to whom), what is
//! still open, and the median first-response time; written as a Markdown
//! hand-over note ([`note`]) for the next person.
//!
//! The numbers come from the report engine ([`crate::report::summary`]
//! over the shift's window for its agent), so a shift and a report count
//! alike; this module adds what the engine does not compute:
//! - **done**: items the agent marked done in the shift (`status done`);
//! - **handled**: distinct items the engine counts as the agent's
//!   (answered, hidden, deleted, blocked, escalated) plus those they marked
//!   done or answered in the shift whenever they arrived (the engine only
//!   follows answers to items received in its window);
//! - **waiting in the outbox**: the agent's replies and actions not sent
//!   yet (the engine counts a reply or a hide once the network confirms
//!   it);
//! - **pending**: items unanswered (new or open, expired snoozes included)
//!   when the summary is made, whoever they belong to, and the oldest of
//!   them;
//! - who each escalation went to, with its tag, due time and note (the
//!   item's history).
//!
//! The engine's definitions, for the agent within `[started, ended)`:
//! *received* are the items that arrived in the shift and are theirs
//! (assigned to them or acted on by them); *answered* those of them whose
//! answer the network confirmed (or that were marked answered) by the end,
//! with the first-response time from the item's creation to it (in
//! business hours when configured); *hidden*, *deleted*, *blocked* the
//! confirmed network writes; *escalated* the escalations (the `e` flow,
//! `status escalated`, or an escalating tag of tags.toml).
//!
//! [`gather`] reads everything from the store into plain [`Inputs`];
//! [`summarize`] is pure ([`Inputs`] → [`ShiftSummary`]); [`finish`]
//! chains both, writes the note and saves it ([`Store::save_shift`]);
//! [`tally_since`] gives the running counts of the shift bar.

pub mod note;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Item, ItemId};
use crate::outbox::SendState;
use crate::report::{Report, Settings, Spread};
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

/// The counts of a shift (see the module header for each definition).
/// Fields added later default to 0, so older stored notes still read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tally {
    pub handled: usize,
    /// Items that arrived during the shift and are the agent's.
    pub received: usize,
    /// Of those, answered by the end of the shift.
    pub answered: usize,
    pub done: usize,
    pub hidden: usize,
    pub deleted: usize,
    pub blocked: usize,
    pub escalated: usize,
    pub sla_met: usize,
    pub sla_breached: usize,
}

/// What the engine does not count: the items the agent marked done, and
/// those they marked done or answered (handled), from their audit lines
/// in the shift.
fn own_lines(shift: &Shift, audit: &[AuditEntry]) -> (BTreeSet<ItemId>, BTreeSet<ItemId>) {
    let (mut done, mut worked) = (BTreeSet::new(), BTreeSet::new());
    for line in audit
        .iter()
        .filter(|e| e.who == shift.agent && shift.contains(e.at))
    {
        match line.what.as_str() {
            "status done" => {
                done.insert(line.item.clone());
                worked.insert(line.item.clone());
            }
            "status answered" => {
                worked.insert(line.item.clone());
            }
            _ => {}
        }
    }
    (done, worked)
}

/// What [`count`] finds.
struct Counted {
    tally: Tally,
    report: Report,
    /// The items the agent escalated, with their seq.
    escalated: Vec<(u32, Item)>,
}

/// The engine's numbers for the shift, the ones it does not compute added.
fn count(store: &dyn Store, settings: &Settings, shift: &Shift) -> Result<Counted, StoreError> {
    let report = crate::report::summary(store, settings, shift.started, shift.ended, &shift.agent)?;
    let (done, mut handled) = own_lines(shift, &store.audit_between(shift.started, shift.ended)?);
    let mut escalated = Vec::new();
    for row in &report.rows {
        let theirs = row.response_secs.is_some()
            || row.hidden
            || row.deleted
            || row.blocked
            || row.escalated;
        if !theirs {
            continue;
        }
        let Some(item) = store.get(row.seq)? else {
            continue;
        };
        handled.insert(item.id.clone());
        if row.escalated {
            escalated.push((row.seq, item));
        }
    }
    let t = &report.totals;
    let tally = Tally {
        handled: handled.len(),
        received: t.received,
        answered: t.answered,
        done: done.len(),
        hidden: t.hidden,
        deleted: t.deleted,
        blocked: t.blocked,
        escalated: t.escalated,
        sla_met: report.sla.met,
        sla_breached: report.sla.breached,
    };
    Ok(Counted {
        tally,
        report,
        escalated,
    })
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
    /// The shift's counts.
    pub tally: Tally,
    /// First-response times of the answers counted.
    pub first_response: Spread,
    /// `mon-fri 09:00-18:00` when response times count business hours.
    pub business_hours: Option<String>,
    /// The items escalated in the shift, in the order they were.
    pub escalated: Vec<Item>,
    /// Escalations recorded in those items' history: item, when, by, to,
    /// tag, due, note.
    pub escalations: Vec<(ItemId, EscalationEvent)>,
    /// How many items are unanswered now.
    pub pending: usize,
    /// The oldest unanswered items, oldest first (at most [`OPEN_LISTED`]).
    pub open: Vec<Item>,
    /// The agent's replies and actions not sent yet.
    pub unsent: usize,
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

/// The shift summary: what the hand-over note says. Fields added later
/// default, so older stored notes still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftSummary {
    pub shift: Shift,
    pub tally: Tally,
    pub pending: usize,
    /// Median first-response time in seconds (none answered: `None`).
    pub median_first_response: Option<i64>,
    #[serde(default)]
    pub p90_first_response: Option<i64>,
    /// How many first responses the median is over.
    pub responses: usize,
    #[serde(default)]
    pub business_hours: Option<String>,
    pub escalations: Vec<Escalated>,
    /// The oldest unanswered items, oldest first.
    pub open: Vec<ItemLine>,
    #[serde(default)]
    pub unsent: usize,
}

/// The summary of `shift` from `inputs` (pure).
pub fn summarize(shift: &Shift, inputs: &Inputs) -> ShiftSummary {
    let escalations = inputs
        .escalated
        .iter()
        .map(|item| {
            // The agent's last escalation of this item in the window; an
            // escalating tag alone has no hand-off: its tag and assignee.
            let ev = inputs
                .escalations
                .iter()
                .filter(|(i, e)| *i == item.id && e.by == shift.agent && shift.contains(e.at))
                .max_by_key(|(_, e)| e.at);
            match ev {
                Some((_, e)) => Escalated {
                    item: ItemLine::of(item),
                    to: e.to.clone(),
                    tag: e.tag.clone(),
                    due: e.due,
                    note: e.note.clone(),
                },
                None => Escalated {
                    item: ItemLine::of(item),
                    to: item
                        .local
                        .assignee
                        .clone()
                        .unwrap_or_else(|| "nobody".into()),
                    tag: match item.local.tags.join(", ") {
                        t if t.is_empty() => "untagged".into(),
                        t => t,
                    },
                    due: None,
                    note: None,
                },
            }
        })
        .collect();
    let f = &inputs.first_response;
    ShiftSummary {
        shift: shift.clone(),
        tally: inputs.tally.clone(),
        pending: inputs.pending,
        median_first_response: f.median_secs,
        p90_first_response: f.p90_secs,
        responses: f.count,
        business_hours: inputs.business_hours.clone(),
        escalations,
        open: inputs
            .open
            .iter()
            .take(OPEN_LISTED)
            .map(ItemLine::of)
            .collect(),
        unsent: inputs.unsent,
    }
}

/// Reads [`Inputs`] for `shift` from the store; `now` decides which
/// snoozes have expired (pending counts them).
pub fn gather(
    store: &dyn Store,
    settings: &Settings,
    shift: &Shift,
    now: DateTime<Utc>,
) -> Result<Inputs, StoreError> {
    let Counted {
        tally,
        report,
        escalated,
    } = count(store, settings, shift)?;
    let mut escalations = Vec::new();
    let mut items = Vec::new();
    for (seq, item) in escalated {
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
                escalations.push((item.id.clone(), flat));
            }
        }
        items.push(item);
    }
    // In the order they were escalated (the agent's own event, else when
    // the item arrived).
    let when = |item: &Item| {
        escalations
            .iter()
            .filter(|(id, e)| *id == item.id && e.by == shift.agent && shift.contains(e.at))
            .map(|(_, e)| e.at)
            .max()
            .unwrap_or(item.remote.created_at)
    };
    items.sort_by_key(|i| when(i));
    let (pending, open) = unanswered(store, now.timestamp())?;
    let unsent = store
        .outbox()?
        .iter()
        .filter(|e| e.by == shift.agent && !matches!(e.state, SendState::Sent { .. }))
        .count();
    Ok(Inputs {
        tally,
        first_response: report.totals.first_response,
        business_hours: report.header.business_hours,
        escalated: items,
        escalations,
        pending,
        open,
        unsent,
    })
}

/// What `agent` did from `started` to `now` (a shift still running).
pub fn tally_since(
    store: &dyn Store,
    settings: &Settings,
    agent: &str,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Tally, StoreError> {
    let shift = Shift {
        agent: agent.to_string(),
        started,
        ended: now.max(started),
    };
    Ok(count(store, settings, &shift)?.tally)
}

/// Ends `shift`: its summary and hand-over note, saved in the store.
pub fn finish(
    store: &dyn Store,
    settings: &Settings,
    shift: Shift,
) -> Result<ShiftRecord, StoreError> {
    let inputs = gather(store, settings, &shift, shift.ended)?;
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
