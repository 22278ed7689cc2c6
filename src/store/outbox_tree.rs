//! The `outbox` tree: replies and actions waiting for the network (and
//! hand-offs waiting for a colleague), each written and flushed before any
//! attempt, with its audit line.

use super::codec::{self, decode, encode};
use super::{AuditEntry, SledStore, StoreError};
use crate::model::ItemId;
use crate::outbox::{OutAction, OutboxEntry, SendState};

impl SledStore {
    pub(super) fn enqueue_entry(
        &self,
        item: &ItemId,
        action: OutAction,
        by: &str,
    ) -> Result<OutboxEntry, StoreError> {
        let id = self.db.generate_id()?;
        let now = chrono::Utc::now();
        let entry = OutboxEntry {
            id,
            item: item.clone(),
            action,
            state: SendState::Pending,
            attempts: 0,
            by: by.to_string(),
            created_at: now,
            key: format!(
                "guichet-{id}-{}",
                now.timestamp_nanos_opt().unwrap_or_default()
            ),
        };
        let audit = AuditEntry {
            at: now,
            who: by.to_string(),
            item: item.clone(),
            // "reply queued", "hide queued"…: shift counts read these.
            what: if entry.action.is_handoff() {
                "hand-off queued".to_string()
            } else {
                format!("{} queued", entry.action.describe())
            },
        };
        let mut akey = codec::time_bytes(now.timestamp_nanos_opt().unwrap_or(i64::MAX)).to_vec();
        akey.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
        self.outbox.insert(id.to_be_bytes(), encode(&entry)?)?;
        self.audit.insert(akey, encode(&audit)?)?;
        // Every audit writer feeds the report trail (these words add nothing today).
        super::trail::append(&self.trail, std::slice::from_ref(&audit))?;
        // A reply must survive a crash the moment the user sends it.
        self.outbox.flush()?;
        Ok(entry)
    }

    pub(super) fn outbox_entries(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut out = Vec::new();
        for entry in self.outbox.iter() {
            let (_, v) = entry?;
            match decode(&v) {
                Ok(e) => out.push(e),
                Err(e) => tracing::error!(error = %e, "unreadable outbox entry left in place"),
            }
        }
        Ok(out)
    }

    pub(super) fn save_outbox_entry(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.outbox.insert(entry.id.to_be_bytes(), encode(entry)?)?;
        self.outbox.flush()?;
        Ok(())
    }

    pub(super) fn remove_outbox_entry(&self, id: u64) -> Result<(), StoreError> {
        self.outbox.remove(id.to_be_bytes())?;
        self.outbox.flush()?;
        Ok(())
    }
}
