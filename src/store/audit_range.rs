//! Reads and writes of the audit log by time: the lines of a period (a
//! key range of the `audit` tree, which is ordered by time), and lines
//! imported with their own times (which also feed the report `trail`).

use chrono::{DateTime, Utc};

use super::codec::{decode, encode, nanos, time_bytes};
use super::{AuditEntry, SledStore, StoreError};

impl SledStore {
    pub(super) fn audit_in(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        if to <= from {
            return Ok(out);
        }
        let (lo, hi) = (time_bytes(nanos(from)), time_bytes(nanos(to)));
        for entry in self.audit.range(lo..hi) {
            let (_, v) = entry?;
            match decode(&v) {
                Ok(e) => out.push(e),
                Err(e) => tracing::error!(error = %e, "unreadable audit line skipped"),
            }
        }
        Ok(out)
    }

    pub(super) fn audit_import(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for e in entries {
            let mut key = time_bytes(nanos(e.at)).to_vec();
            key.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
            batch.insert(key, encode(e)?);
        }
        let _guard = self.lock();
        self.meta.insert(super::trail::TRAIL_DIRTY, &[1])?;
        self.audit.apply_batch(batch)?;
        super::trail::append(&self.trail, entries)?;
        self.meta.remove(super::trail::TRAIL_DIRTY)?;
        Ok(())
    }
}
