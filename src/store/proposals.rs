//! Rule firings waiting for a person: `propose`-mode rules flag an item
//! with what they would do, and someone approves or dismisses it with one
//! key (`crate::triage::auto`).
//!
//! | tree        | key | value (JSON)                                   |
//! |-------------|-----|------------------------------------------------|
//! | `proposals` | seq | `Vec<`[`crate::triage::rules::Firing`]`>`      |
//!
//! Small: only items with a pending proposal have a key, so the queue loads
//! the whole tree to flag its rows.

use std::collections::HashSet;

use super::codec::{seq_from, seq_key};
use super::{RowSet, SledStore, StoreError};
use crate::triage::rules::Firing;

impl SledStore {
    fn proposal_tree(&self) -> Result<sled::Tree, StoreError> {
        Ok(self.db.open_tree("proposals")?)
    }

    pub(super) fn proposals_of(&self, seq: u32) -> Result<Vec<Firing>, StoreError> {
        match self.proposal_tree()?.get(seq_key(seq))? {
            Some(v) => serde_json::from_slice(&v).map_err(|e| StoreError::Decode(e.to_string())),
            None => Ok(Vec::new()),
        }
    }

    pub(super) fn set_proposals_of(&self, seq: u32, firings: &[Firing]) -> Result<(), StoreError> {
        let tree = self.proposal_tree()?;
        if firings.is_empty() {
            tree.remove(seq_key(seq))?;
        } else {
            let v = serde_json::to_vec(firings).map_err(|e| StoreError::Encode(e.to_string()))?;
            tree.insert(seq_key(seq), v)?;
        }
        tree.flush()?;
        Ok(())
    }

    pub(super) fn proposed_seqs(&self) -> Result<Vec<u32>, StoreError> {
        let mut out = Vec::new();
        for entry in self.proposal_tree()?.iter() {
            let (k, _) = entry?;
            out.extend(seq_from(&k));
        }
        Ok(out)
    }

    /// Flags the rows that carry a proposal.
    pub(super) fn fill_proposed(&self, set: &mut RowSet) -> Result<(), StoreError> {
        let proposed: HashSet<u32> = self.proposed_seqs()?.into_iter().collect();
        if proposed.is_empty() {
            return Ok(());
        }
        for row in &mut set.rows {
            row.proposed = proposed.contains(&row.seq);
        }
        Ok(())
    }
}
