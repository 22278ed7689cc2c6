//! Notes on authors (people, not items): what the team knows about someone
//! across all their comments, e.g. "VIP customer, ordered 12 times" or
//! "posts the same spam under every video".
//!
//! | tree           | key                                | value (JSON) |
//! |----------------|------------------------------------|--------------|
//! | `author_notes` | author key, 0, time (ns), counter  | [`Note`]     |
//!
//! The author key is [`crate::model::Item::author_key`]
//! (`network:author_id`). Each note writes an audit line on the item it was
//! written from, like every other local action.

use super::codec::{encode as encode_value, time_bytes};
use super::{AuditEntry, SledStore, StoreError};
use crate::model::{ItemId, Note};

fn prefix(author: &str) -> Vec<u8> {
    let mut key = author.as_bytes().to_vec();
    key.push(0);
    key
}

impl SledStore {
    fn author_tree(&self) -> Result<sled::Tree, StoreError> {
        Ok(self.db.open_tree("author_notes")?)
    }

    pub(super) fn author_notes_of(&self, author: &str) -> Result<Vec<Note>, StoreError> {
        let mut out = Vec::new();
        for entry in self.author_tree()?.scan_prefix(prefix(author)) {
            let (_, v) = entry?;
            match serde_json::from_slice(&v) {
                Ok(note) => out.push(note),
                Err(e) => tracing::error!(error = %e, "unreadable author note skipped"),
            }
        }
        Ok(out)
    }

    pub(super) fn add_author_note_to(
        &self,
        author: &str,
        from: &ItemId,
        note: &Note,
    ) -> Result<(), StoreError> {
        let tree = self.author_tree()?;
        let nanos = note.at.timestamp_nanos_opt().unwrap_or(i64::MAX);
        let mut key = prefix(author);
        key.extend_from_slice(&time_bytes(nanos));
        key.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
        let value = serde_json::to_vec(note).map_err(|e| StoreError::Encode(e.to_string()))?;
        tree.insert(key, value)?;
        let audit = AuditEntry {
            at: note.at,
            who: note.by.clone(),
            item: from.clone(),
            what: "author note".to_string(),
        };
        let mut akey = time_bytes(nanos).to_vec();
        akey.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
        self.audit.insert(akey, encode_value(&audit)?)?;
        // Every audit writer feeds the report trail (these words add nothing today).
        super::trail::append(&self.trail, std::slice::from_ref(&audit))?;
        tree.flush()?;
        Ok(())
    }
}
