//! Finished shifts and their hand-over notes.
//!
//! | tree     | key                         | value (JSON)      |
//! |----------|-----------------------------|-------------------|
//! | `shifts` | end time (ns), counter      | [`ShiftRecord`]   |
//!
//! Keyed by when the shift ended, so the newest is the last key. JSON so
//! the note stays readable by a later version that adds fields.

use serde::{Deserialize, Serialize};

use super::codec::{nanos, time_bytes};
use super::{SledStore, StoreError};
use crate::triage::shift::ShiftSummary;

/// A finished shift: its summary and the Markdown note written from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftRecord {
    pub summary: ShiftSummary,
    pub markdown: String,
}

impl SledStore {
    fn shift_tree(&self) -> Result<sled::Tree, StoreError> {
        Ok(self.db.open_tree("shifts")?)
    }

    pub(super) fn put_shift(&self, record: &ShiftRecord) -> Result<(), StoreError> {
        let tree = self.shift_tree()?;
        let mut key = time_bytes(nanos(record.summary.shift.ended)).to_vec();
        key.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
        let value = serde_json::to_vec(record).map_err(|e| StoreError::Encode(e.to_string()))?;
        tree.insert(key, value)?;
        tree.flush()?;
        Ok(())
    }

    pub(super) fn latest_shifts(&self, limit: usize) -> Result<Vec<ShiftRecord>, StoreError> {
        let mut out = Vec::new();
        for entry in self.shift_tree()?.iter().rev() {
            if out.len() >= limit {
                break;
            }
            let (_, v) = entry?;
            match serde_json::from_slice(&v) {
                Ok(record) => out.push(record),
                Err(e) => tracing::error!(error = %e, "unreadable shift record skipped"),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::store::Store;
    use crate::triage::shift::{Inputs, Shift, summarize};

    fn record(agent: &str, end_hour: u32) -> ShiftRecord {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap();
        let shift = Shift {
            agent: agent.into(),
            started: at(end_hour - 1),
            ended: at(end_hour),
        };
        let summary = summarize(&shift, &Inputs::default());
        ShiftRecord {
            markdown: format!("# {agent}"),
            summary,
        }
    }

    #[test]
    fn shifts_are_listed_newest_first() {
        let store = SledStore::temporary().unwrap();
        assert!(store.shifts(5).unwrap().is_empty());
        store.save_shift(&record("paul", 12)).unwrap();
        store.save_shift(&record("camille", 18)).unwrap();
        store.save_shift(&record("ana", 9)).unwrap();
        let agents: Vec<String> = store
            .shifts(5)
            .unwrap()
            .into_iter()
            .map(|r| r.summary.shift.agent)
            .collect();
        assert_eq!(agents, ["camille", "paul", "ana"]);
        assert_eq!(store.shifts(1).unwrap()[0].markdown, "# camille");
    }

    #[test]
    fn audit_between_reads_only_the_window() {
        let store = SledStore::temporary().unwrap();
        let before = Utc::now();
        let item: crate::model::ItemId = "x:brand:1".parse().unwrap();
        store
            .enqueue(
                &item,
                crate::outbox::OutAction::Act(crate::networks::connector::Act::Hide),
                "camille",
            )
            .unwrap();
        let after = Utc::now() + chrono::Duration::seconds(1);
        let lines = store.audit_between(before, after).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].what, "hide queued", "the line names the action");
        assert!(
            store
                .audit_between(after, after + chrono::Duration::hours(1))
                .unwrap()
                .is_empty()
        );
        assert!(store.audit_between(after, before).unwrap().is_empty());
    }
}
