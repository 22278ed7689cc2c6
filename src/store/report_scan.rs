//! What a report reads: for each picked item, its queue row (from `rows`),
//! its id hash (from `slots`) and its [`Fact`] (from `facts`), one group of
//! 1,024 seqs at a time (the three trees share their grouping); and the
//! trail's events of a time range. No item is decoded.

use chrono::{DateTime, Utc};
use rustc_hash::FxHashSet;

use super::chunks::{RowChunk, row_chunk};
use super::codec::{decode, nanos};
use super::facts::{self, Fact, fact_chunk};
use super::rows::{Interner, Row, RowSet};
use super::slots;
use super::trail::{self, TrailRead};
use super::{SledStore, StoreError};

const _SAME_GROUPS: () =
    assert!(super::chunks::ROW_BITS == slots::SLOT_BITS && facts::FACT_BITS == slots::SLOT_BITS);

/// One item as a report reads it. The row's strings are interned in the
/// [`Interner`] handed to the visitor with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportItem {
    pub row: Row,
    /// [`slots::hash64`] of the item's id (the trail's item key).
    pub id: u64,
    pub fact: Fact,
}

/// Which items a report reads.
#[derive(Debug, Clone, Copy)]
pub enum ReportPick<'a> {
    /// Created in `[from, to)`.
    Created {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    /// Whose id hashes are in the set.
    Ids(&'a FxHashSet<u64>),
}

impl ReportPick<'_> {
    /// A first cut on the slot (whole seconds for times).
    fn slot(&self, slot: &slots::Slot) -> bool {
        match self {
            ReportPick::Created { from, to } => {
                (from.timestamp()..=to.timestamp()).contains(&slot.created)
            }
            ReportPick::Ids(ids) => ids.contains(&slot.id),
        }
    }

    /// The exact test, on the fact's nanoseconds.
    fn fact(&self, fact: &Fact) -> bool {
        match self {
            ReportPick::Created { from, to } => (nanos(*from)..nanos(*to)).contains(&fact.created),
            ReportPick::Ids(_) => true,
        }
    }
}

impl SledStore {
    pub(super) fn report_scan(
        &self,
        pick: ReportPick<'_>,
        names: &mut Interner,
        visit: &mut dyn FnMut(&Interner, Vec<ReportItem>),
    ) -> Result<(), StoreError> {
        for entry in self.slots.iter() {
            let (key, value) = entry?;
            let picked: Vec<(u32, u64)> = slots::entries(&key, &value)
                .filter(|(_, slot)| pick.slot(slot))
                .map(|(seq, slot)| (seq, slot.id))
                .collect();
            let Some(&(first, _)) = picked.first() else {
                continue;
            };
            let chunk: RowChunk = match self.rows.get(row_chunk(first))? {
                Some(v) => decode(&v).unwrap_or_else(|e| {
                    tracing::error!(seq = first, error = %e, "unreadable row chunk skipped in a report");
                    RowChunk::default()
                }),
                None => RowChunk::default(),
            };
            let fact_bytes = self.facts.get(fact_chunk(first))?.unwrap_or_default();
            let mut set = RowSet {
                rows: Vec::with_capacity(chunk.len()),
                names: std::mem::take(names),
            };
            chunk.load_into(&mut set);
            *names = set.names;
            let mut batch = Vec::with_capacity(picked.len());
            for row in set.rows {
                let Ok(i) = picked.binary_search_by_key(&row.seq, |p| p.0) else {
                    continue;
                };
                let Some(fact) = facts::get(&fact_bytes, row.seq) else {
                    tracing::warn!(seq = row.seq, "item without a report fact skipped");
                    continue;
                };
                if pick.fact(&fact) {
                    batch.push(ReportItem {
                        id: picked[i].1,
                        row,
                        fact,
                    });
                }
            }
            if !batch.is_empty() {
                visit(names, batch);
            }
        }
        Ok(())
    }

    pub(super) fn trail_in(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<TrailRead, StoreError> {
        trail::read(&self.trail, from, to)
    }
}
