//! Reads over a time range and lookups of many ids at once, for reports:
//! the audit lines of a period (a key range of the `audit` tree, which is
//! ordered by time), the items created in a period (the `slots` scan picks
//! the seqs, each `item_chunks` value is then read once), and a set of ids
//! found in one `slots` scan instead of one scan per id; and audit lines
//! imported with their own times.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};

use super::codec::{decode, encode, time_bytes};
use super::item_chunks::{ChunkView, ITEM_BITS, item_chunk};
use super::slots::hash64;
use super::{AuditEntry, SledStore, StoreError, Stored};
use crate::model::{Item, ItemId};

/// Items handed to the visitor at a time.
const BATCH: usize = 4096;

/// Below this many items, one thread reads them all.
const PARALLEL_FROM: usize = 50_000;

fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(if t.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

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

    /// Loads `seqs` (ascending), one chunk read per chunk, handing them to
    /// `visit` in batches; `keep` checks each decoded item.
    fn load_seqs(
        &self,
        seqs: &[u32],
        keep: &dyn Fn(&Item) -> bool,
        visit: &mut dyn FnMut(Vec<Stored>),
    ) -> Result<(), StoreError> {
        let mut batch = Vec::with_capacity(BATCH.min(seqs.len()));
        for group in seqs.chunk_by(|a, b| a >> ITEM_BITS == b >> ITEM_BITS) {
            let Some(first) = group.first() else { continue };
            let Some(value) = self.items.get(item_chunk(*first))? else {
                continue;
            };
            let view = ChunkView::new(&value);
            for &seq in group {
                let Some(body) = view.body(seq) else { continue };
                match decode::<Item>(body) {
                    Ok(item) if keep(&item) => batch.push((seq, item)),
                    Ok(_) => {}
                    Err(e) => tracing::error!(seq, error = %e, "unreadable item skipped"),
                }
            }
            if batch.len() >= BATCH {
                visit(std::mem::take(&mut batch));
            }
        }
        if !batch.is_empty() {
            visit(batch);
        }
        Ok(())
    }

    pub(super) fn created_in(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        visit: &mut dyn FnMut(Vec<Stored>),
    ) -> Result<(), StoreError> {
        let (lo, hi) = (from.timestamp(), to.timestamp());
        let mut seqs = Vec::new();
        self.scan_slots(|seq, slot| {
            if (lo..hi).contains(&slot.created) {
                seqs.push(seq);
            }
        })?;
        // Slots keep whole seconds; the item's own time decides the edges.
        let keep = |item: &Item| (from..to).contains(&item.remote.created_at);
        if seqs.len() < PARALLEL_FROM {
            return self.load_seqs(&seqs, &keep, visit);
        }
        // Decoding is most of the cost: a second thread decodes the second
        // half while this one decodes the first; `visit` runs here only.
        let (first, second) = seqs.split_at(seqs.len() / 2);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Stored>>(4);
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| {
                let tx = tx;
                self.load_seqs(second, &keep, &mut |batch| {
                    // The receiver only goes away on an error below.
                    let _ = tx.send(batch);
                })
            });
            let mine = self.load_seqs(first, &keep, &mut |batch| {
                visit(batch);
                while let Ok(theirs) = rx.try_recv() {
                    visit(theirs);
                }
            });
            // Until the worker is done (it drops its sender then).
            for batch in rx.iter() {
                visit(batch);
            }
            let theirs = worker
                .join()
                .map_err(|_| StoreError::Transaction("item reader thread panicked".into()));
            mine?;
            theirs?
        })
    }

    pub(super) fn audit_import(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for e in entries {
            let mut key = time_bytes(nanos(e.at)).to_vec();
            key.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
            batch.insert(key, encode(e)?);
        }
        self.audit.apply_batch(batch)?;
        Ok(())
    }

    pub(super) fn find_ids(&self, ids: &[ItemId]) -> Result<Vec<Stored>, StoreError> {
        let wanted: HashSet<u64> = ids.iter().map(|id| hash64(id.as_str())).collect();
        let exact: HashSet<&ItemId> = ids.iter().collect();
        let mut seqs = Vec::new();
        self.scan_slots(|seq, slot| {
            if wanted.contains(&slot.id) {
                seqs.push(seq);
            }
        })?;
        let mut found = BTreeMap::new();
        let keep = |item: &Item| exact.contains(&item.id);
        self.load_seqs(&seqs, &keep, &mut |batch| {
            found.extend(batch);
        })?;
        Ok(found.into_iter().collect())
    }
}
