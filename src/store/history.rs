//! Escalation records and each item's tag and assignment history.
//!
//! | tree          | key                     | value (JSON)          |
//! |---------------|-------------------------|-----------------------|
//! | `escalations` | seq                     | [`EscalationRecord`]  |
//! | `history`     | seq, time (ns), counter | [`HistoryEvent`]      |
//!
//! `escalations` holds the items waiting on a colleague: who, for which
//! tag, since when, due when, with the CM's note. It is small (what is
//! escalated now), so the queue loads it whole to order overdue items
//! first. `history` is append-only: tags added and removed (with who, when
//! and why), assignments, escalations opened and closed. Nothing is ever
//! deleted from it, so a removal is as visible as an addition.
//!
//! Both are written in the same sled transaction as the change they
//! follow ([`record`]). JSON rather than the item codec: the values are
//! small and rare, and should stay readable when fields are added.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::codec::{seq_from, seq_key, time_bytes};
use super::{RowRecord, RowSet, SledStore, Store, StoreError};
use crate::change::LocalChange;
use crate::model::{Status, StatusKind};

/// An item waiting on a colleague.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationRecord {
    pub to: String,
    pub tag: String,
    pub by: String,
    pub since: DateTime<Utc>,
    /// When the colleague's first answer is due (the tag's SLA).
    #[serde(default)]
    pub due: Option<DateTime<Utc>>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What happened to an item's tags, assignment or escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Happened {
    TagAdded {
        tag: String,
        why: Option<String>,
    },
    TagRemoved {
        tag: String,
        why: Option<String>,
    },
    Assigned {
        to: String,
    },
    Unassigned,
    Escalated {
        to: String,
        tag: String,
        due: Option<DateTime<Utc>>,
        note: Option<String>,
    },
    /// The item left the escalated status (answered, back to the queue…).
    EscalationClosed {
        to: String,
        tag: String,
        status: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    pub at: DateTime<Utc>,
    pub by: String,
    #[serde(flatten)]
    pub happened: Happened,
}

impl HistoryEvent {
    /// One line for the detail view and `guichet show`.
    pub fn describe(&self) -> String {
        let why = |w: &Option<String>| w.as_ref().map(|w| format!(": {w}")).unwrap_or_default();
        match &self.happened {
            Happened::TagAdded { tag, why: w } => format!("+{tag}{}", why(w)),
            Happened::TagRemoved { tag, why: w } => format!("-{tag}{}", why(w)),
            Happened::Assigned { to } => format!("assigned to {to}"),
            Happened::Unassigned => "unassigned".to_string(),
            Happened::Escalated { to, tag, due, .. } => {
                let due = due
                    .map(|d| format!(", due {}", d.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default();
                format!("escalated to {to} ({tag}{due})")
            }
            Happened::EscalationClosed { to, tag, status } => {
                format!("escalation to {to} ({tag}) closed: {status}")
            }
        }
    }
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(v).map_err(|e| StoreError::Encode(e.to_string()))
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Decode(e.to_string()))
}

type TxResult = Result<(), ConflictableTransactionError<StoreError>>;

fn abort(e: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(e)
}

/// Writes what `change` did to item `seq` (whose local state was `before`)
/// into `escalations` and `history`, inside the change's transaction.
/// `before` is the item's status before the change.
pub(super) fn record(
    escalations: &TransactionalTree,
    history: &TransactionalTree,
    seq: u32,
    before: Status,
    change: &LocalChange,
    who: &str,
    now: DateTime<Utc>,
) -> TxResult {
    let mut events = Vec::new();
    match change {
        LocalChange::AddTag { tag, why } => events.push(Happened::TagAdded {
            tag: tag.clone(),
            why: why.clone(),
        }),
        LocalChange::RemoveTag { tag, why } => events.push(Happened::TagRemoved {
            tag: tag.clone(),
            why: why.clone(),
        }),
        LocalChange::Assign(Some(to)) => events.push(Happened::Assigned { to: to.clone() }),
        LocalChange::Assign(None) => events.push(Happened::Unassigned),
        LocalChange::Escalate { to, tag, due, note } => {
            if let Some(old) = close(escalations, seq, "escalated again")? {
                events.push(old);
            }
            let rec = EscalationRecord {
                to: to.clone(),
                tag: tag.clone(),
                by: who.to_string(),
                since: now,
                due: *due,
                note: note.clone(),
            };
            escalations.insert(&seq_key(seq), encode(&rec).map_err(abort)?)?;
            events.push(Happened::Escalated {
                to: to.clone(),
                tag: tag.clone(),
                due: *due,
                note: note.clone(),
            });
        }
        LocalChange::SetStatus(status)
            if before == Status::Escalated && *status != Status::Escalated =>
        {
            if let Some(old) = close(escalations, seq, &status.to_string())? {
                events.push(old);
            }
        }
        _ => {}
    }
    for happened in events {
        let event = HistoryEvent {
            at: now,
            by: who.to_string(),
            happened,
        };
        let mut key = seq_key(seq).to_vec();
        key.extend_from_slice(&time_bytes(now.timestamp_nanos_opt().unwrap_or(i64::MAX)));
        key.extend_from_slice(&history.generate_id()?.to_be_bytes());
        history.insert(key, encode(&event).map_err(abort)?)?;
    }
    Ok(())
}

/// Removes item `seq`'s open escalation, returning the closing event.
fn close(
    escalations: &TransactionalTree,
    seq: u32,
    status: &str,
) -> Result<Option<Happened>, ConflictableTransactionError<StoreError>> {
    let Some(old) = escalations.remove(&seq_key(seq))? else {
        return Ok(None);
    };
    let old: EscalationRecord = decode(&old).map_err(abort)?;
    Ok(Some(Happened::EscalationClosed {
        to: old.to,
        tag: old.tag,
        status: status.to_string(),
    }))
}

impl SledStore {
    /// Sets the due time of escalated rows from `escalations`. With
    /// `add_overdue`, overdue escalated items missing from `set` (a first
    /// screen) are added, so the boomerang shows before the full load.
    pub(super) fn fill_dues(&self, set: &mut RowSet, add_overdue: bool) -> Result<(), StoreError> {
        let open = self.open_escalations()?;
        if open.is_empty() {
            return Ok(());
        }
        let now = Utc::now().timestamp();
        let dues: HashMap<u32, i64> = open
            .iter()
            .filter_map(|(seq, rec)| rec.due.map(|d| (*seq, d.timestamp())))
            .collect();
        let mut present = HashSet::new();
        for row in &mut set.rows {
            if row.status == StatusKind::Escalated
                && let Some(due) = dues.get(&row.seq)
            {
                row.snooze_until = super::rows::secs(*due);
                present.insert(row.seq);
            }
        }
        if add_overdue {
            for (seq, due) in dues
                .iter()
                .filter(|(s, d)| **d <= now && !present.contains(s))
            {
                if let Some(item) = Store::get(self, *seq)?
                    && item.local.status == Status::Escalated
                {
                    let created = item.remote.created_at.timestamp();
                    let mut row = set.make_row(*seq, created, &RowRecord::of(&item));
                    row.snooze_until = super::rows::secs(*due);
                    set.rows.push(row);
                }
            }
            set.rows.sort_by_key(|r| (r.created, r.seq));
        }
        Ok(())
    }

    pub(super) fn history_of(&self, seq: u32) -> Result<Vec<HistoryEvent>, StoreError> {
        let mut out = Vec::new();
        for entry in self.history.scan_prefix(seq_key(seq)) {
            let (_, v) = entry?;
            match decode(&v) {
                Ok(event) => out.push(event),
                Err(e) => tracing::error!(seq, error = %e, "unreadable history event skipped"),
            }
        }
        Ok(out)
    }

    pub(super) fn escalation_of(&self, seq: u32) -> Result<Option<EscalationRecord>, StoreError> {
        match self.escalations.get(super::codec::seq_key(seq))? {
            Some(v) => Ok(Some(decode(&v)?)),
            None => Ok(None),
        }
    }

    pub(super) fn open_escalations(&self) -> Result<Vec<(u32, EscalationRecord)>, StoreError> {
        let mut out = Vec::new();
        for entry in self.escalations.iter() {
            let (k, v) = entry?;
            let Some(seq) = seq_from(&k) else { continue };
            match decode(&v) {
                Ok(rec) => out.push((seq, rec)),
                Err(e) => tracing::error!(seq, error = %e, "unreadable escalation skipped"),
            }
        }
        Ok(out)
    }
}
