//! What the TUI reads to draw without reading items: the first screen
//! (the rows drawn before the full index is loaded, from the small
//! `slots` and `rows` chunks) and the queue lines' glances (from the text
//! file).

use super::StoreError;
use super::chunks::{self, RowChunk};
use super::codec::decode;
use super::glance::{Glance, glance_chunk};
use super::rows::RowSet;
use super::sled_store::SledStore;
use crate::model::StatusKind;

impl SledStore {
    /// The `limit` oldest unanswered items, oldest first, plus overdue
    /// escalations.
    pub(super) fn first_screen(&self, limit: usize) -> Result<RowSet, StoreError> {
        let unanswered = [StatusKind::New.index(), StatusKind::Open.index()];
        // The `limit` oldest (created, seq) of unanswered items.
        let mut heap = std::collections::BinaryHeap::with_capacity(limit + 1);
        self.scan_slots(|seq, slot| {
            if unanswered.contains(&slot.status) {
                heap.push((slot.created, seq));
                if heap.len() > limit {
                    heap.pop();
                }
            }
        })?;
        // Their records come from `rows` (small chunks the full load reads
        // next anyway), not from the items: reading 200 scattered items
        // would pull 200 item leaves into sled's cache for good.
        let mut set = RowSet::default();
        let mut chunk: Option<([u8; 4], RowChunk)> = None;
        let mut seqs: Vec<u32> = heap.into_iter().map(|(_, seq)| seq).collect();
        seqs.sort_unstable();
        for seq in seqs {
            let key = chunks::row_chunk(seq);
            if chunk.as_ref().is_none_or(|(k, _)| *k != key) {
                chunk = match self.rows.get(key)? {
                    Some(v) => decode::<RowChunk>(&v).ok().map(|c| (key, c)),
                    None => None,
                };
            }
            if let Some((created, rec)) = chunk.as_ref().and_then(|(_, c)| c.get(seq)) {
                set.push_record(seq, created, &rec);
            }
        }
        set.rows.sort_unstable_by_key(|r| (r.created, r.seq));
        // Overdue escalations come back on top: the first screen has them.
        self.fill_dues(&mut set, true)?;
        self.fill_proposed(&mut set)?;
        Ok(set)
    }

    /// The glances of `seqs` found in the text file, in seq order.
    pub(super) fn glances_of(&self, seqs: &[u32]) -> Result<Vec<(u32, Glance)>, StoreError> {
        let mut wanted = seqs.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let mut out = Vec::with_capacity(wanted.len());
        let mut chunk: Option<(u32, Vec<u8>)> = None;
        for seq in wanted {
            let at = glance_chunk(seq);
            if chunk.as_ref().is_none_or(|(c, _)| *c != at) {
                chunk = Some((at, self.text.get(at)?.unwrap_or_default()));
            }
            let bytes = chunk.as_ref().map_or(&[][..], |(_, b)| b.as_slice());
            let found = chunks::TextChunk::entries(bytes).find(|(s, _)| *s == seq);
            match found.map(|(_, g)| Glance::decode(g)) {
                Some(Some(g)) => out.push((seq, g)),
                Some(None) => tracing::error!(seq, "unreadable glance skipped"),
                None => {}
            }
        }
        Ok(out)
    }
}
