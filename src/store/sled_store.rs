//! [`Store`] on sled: opening, migrations, index rebuilds and every read.
//! Writes (ingest and local changes) live in `sled_write`.
//!
//! Writes that touch several trees either run in one sled transaction
//! (local changes) or, for bulk ingest where transactions would be too slow,
//! raise the `dirty` flag first and lower it last: sled recovers a prefix of
//! its log after a crash, so a raised flag on open means "rebuild the
//! derived trees (`slots`, `rows`, `text`, `facts`) from `item_chunks`", and nothing
//! is ever half-indexed.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::chunks::{self, RowChunk};
use super::codec::{self, decode, seq_key};
use super::glance::Glance;
use super::item_chunks::{ChunkView, item_chunk};
use super::rows::RowSet;
use super::sled_write::Batches;
use super::slots::{self, IdMap, Slot, author_hash, hash64, thread_hash};
use super::text_file::TextFile;
use super::{AuditEntry, IngestSummary, Store, StoreError, Stored, TagRecord, compact, migrate};
use crate::change::LocalChange;
use crate::model::{Item, ItemId};
use crate::outbox::{OutAction, OutboxEntry};
use crate::text::fold;

pub struct SledStore {
    // Fields are shared with `sled_write`.
    pub(super) db: sled::Db,
    pub(super) path: PathBuf,
    /// Tree `item_chunks`: items, many per key (see `item_chunks`).
    pub(super) items: sled::Tree,
    pub(super) slots: sled::Tree,
    pub(super) rows: sled::Tree,
    /// Folded search text, in a file beside sled (see `text_file`).
    pub(super) text: TextFile,
    /// Report facts, one fixed record per seq (see `facts`).
    pub(super) facts: sled::Tree,
    /// The audit lines a report uses, by hour (see `trail`).
    pub(super) trail: sled::Tree,
    pub(super) tags: sled::Tree,
    pub(super) assignments: sled::Tree,
    pub(super) escalations: sled::Tree,
    pub(super) history: sled::Tree,
    pub(super) audit: sled::Tree,
    pub(super) cursors: sled::Tree,
    pub(super) outbox: sled::Tree,
    pub(super) meta: sled::Tree,
    /// Serialises writers inside this process (sled locks the directory
    /// against other processes).
    pub(super) write_lock: Mutex<()>,
    /// Id hash → seq, built from `slots` by the first ingest.
    pub(super) ids: Mutex<Option<IdMap>>,
    /// Number of items, counted from `slots` on first use.
    pub(super) count: Mutex<Option<usize>>,
}

pub(super) const DIRTY: &[u8] = b"dirty";
pub(super) const NEXT_SEQ: &[u8] = b"next_seq";
/// The sentiment lexicon version the `facts` were scored with.
const LEXICON: &[u8] = b"lexicon";

/// Trees a compaction leaves behind: the schema-1 search tree, which a
/// rebuild drops (it may still be listed until the copy).
const DROPPED: &[&str] = &["search", "text"];

/// Opens a store just closed: sled releases its lock from a background
/// thread, so "could not acquire lock" is retried for a moment.
fn open_retrying(path: &Path) -> Result<sled::Db, StoreError> {
    let mut tries = 0;
    loop {
        match super::segments::config(path).open() {
            Err(e) if e.to_string().contains("could not acquire lock") && tries < 250 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return Ok(other?),
        }
    }
}

/// Items per write while rebuilding indexes.
const REBUILD_BATCH: usize = 10_000;

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SledStore {
    /// Opens (or creates) the store in `path`, running migrations.
    pub fn open(path: &Path) -> Result<SledStore, StoreError> {
        compact::recover(path)?;
        let db = super::segments::config(path).open()?;
        let migrated = migrate::run(&db, &db.open_tree("meta")?, &path.display().to_string())?;
        if !migrated {
            return SledStore::from_db(db, path.to_path_buf(), false);
        }
        // The old trees' space stays in sled's file and slows every open:
        // rebuild the derived trees (dirty flag), then copy what is live
        // into a fresh file (see `compact`), which then needs no rebuild.
        let db = SledStore::from_db(db, path.to_path_buf(), false)?.db;
        tracing::info!("copying the migrated store into a fresh file");
        compact::compact(db, path, DROPPED)?;
        SledStore::from_db(open_retrying(path)?, path.to_path_buf(), false)
    }

    /// A store that disappears when dropped (demo, tests).
    pub fn temporary() -> Result<SledStore, StoreError> {
        let db = super::segments::fresh().temporary(true).open()?;
        migrate::run(&db, &db.open_tree("meta")?, "(temporary)")?;
        SledStore::from_db(db, PathBuf::from("(temporary)"), true)
    }

    fn from_db(db: sled::Db, path: PathBuf, temporary: bool) -> Result<SledStore, StoreError> {
        let text = TextFile::open((!temporary).then_some(path.as_path()))?;
        let store = SledStore {
            items: db.open_tree(super::item_chunks::ITEMS_TREE)?,
            slots: db.open_tree("slots")?,
            rows: db.open_tree("rows")?,
            text,
            facts: db.open_tree("facts")?,
            trail: db.open_tree("trail")?,
            tags: db.open_tree("tags")?,
            assignments: db.open_tree("assignments")?,
            escalations: db.open_tree("escalations")?,
            history: db.open_tree("history")?,
            audit: db.open_tree("audit")?,
            cursors: db.open_tree("cursors")?,
            outbox: db.open_tree("outbox")?,
            meta: db.open_tree("meta")?,
            db,
            path,
            write_lock: Mutex::new(()),
            ids: Mutex::new(None),
            count: Mutex::new(None),
        };
        let lexicon = crate::report::sentiment::LEXICON.to_be_bytes();
        if store
            .meta
            .get(LEXICON)?
            .is_some_and(|v| v.as_ref() != lexicon)
        {
            // The report facts hold sentiment scores of the old lexicon.
            tracing::info!("the sentiment lexicon changed; rescoring items");
            store.meta.insert(DIRTY, &[1])?;
        }
        if !store.text.has_from(super::glance::GLANCE_BASE) && !store.slots.is_empty() {
            // Made before the search text left sled or before glances, or
            // the file was lost.
            tracing::info!("writing the search text file");
            store.meta.insert(DIRTY, &[1])?;
        }
        if store.meta.get(DIRTY)?.is_some() {
            tracing::warn!("store indexes were interrupted mid-write; rebuilding them");
            store.rebuild_indexes()?;
        }
        if store.meta.get(super::trail::TRAIL_DIRTY)?.is_some() {
            tracing::warn!("an audit import was interrupted; rebuilding the report trail");
            store.rebuild_trail()?;
        }
        store.meta.insert(LEXICON, &lexicon)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sled handle, for migrations and tests that need raw access.
    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        locked(&self.write_lock)
    }

    pub(super) fn id_map(&self) -> std::sync::MutexGuard<'_, Option<IdMap>> {
        locked(&self.ids)
    }

    pub(super) fn add_count(&self, new: usize) {
        if let Some(n) = locked(&self.count).as_mut() {
            *n += new;
        }
    }

    pub(super) fn next_seq(&self) -> Result<u32, StoreError> {
        Ok(self
            .meta
            .get(NEXT_SEQ)?
            .and_then(|v| codec::seq_from(&v))
            .unwrap_or(0))
    }

    /// Calls `f` with every slot, in seq order.
    pub(super) fn scan_slots(&self, mut f: impl FnMut(u32, Slot)) -> Result<(), StoreError> {
        for entry in self.slots.iter() {
            let (k, v) = entry?;
            for (seq, slot) in slots::entries(&k, &v) {
                f(seq, slot);
            }
        }
        Ok(())
    }

    /// The id map built from `slots`.
    pub(super) fn build_id_map(&self) -> Result<IdMap, StoreError> {
        let mut pairs = Vec::new();
        self.scan_slots(|seq, slot| pairs.push((slot.id, seq)))?;
        Ok(IdMap::from_pairs(pairs))
    }

    /// Recomputes every derived tree from `item_chunks`.
    pub fn rebuild_indexes(&self) -> Result<(), StoreError> {
        let _guard = self.lock();
        self.meta.insert(DIRTY, &[1])?;
        for tree in [&self.slots, &self.rows, &self.facts] {
            tree.clear()?;
        }
        self.text.clear()?;
        // The schema-1 per-item search tree, and the `text` tree the
        // search-text file replaced.
        self.db.drop_tree("search")?;
        self.db.drop_tree("text")?;
        let mut next = 0u32;
        let mut batch = Batches::default();
        for entry in self.items.iter() {
            let (_, v) = entry?;
            for (seq, body) in ChunkView::new(&v).entries() {
                let item: Item = match decode(body) {
                    Ok(item) => item,
                    Err(e) => {
                        tracing::error!(seq, error = %e, "unreadable item skipped while rebuilding indexes");
                        continue;
                    }
                };
                batch.index(seq, &item);
                next = next.max(seq.saturating_add(1));
            }
            if batch.len >= REBUILD_BATCH {
                self.apply_batches(std::mem::take(&mut batch))?;
            }
        }
        self.apply_batches(batch)?;
        self.meta.insert(NEXT_SEQ, &seq_key(next))?;
        self.text.sync()?;
        self.meta.remove(DIRTY)?;
        *self.id_map() = None;
        *locked(&self.count) = None;
        Ok(())
    }

    /// Recomputes the `trail` tree from every audit line.
    pub fn rebuild_trail(&self) -> Result<(), StoreError> {
        let _guard = self.lock();
        self.meta.insert(super::trail::TRAIL_DIRTY, &[1])?;
        super::trail::rebuild(&self.audit, &self.trail)?;
        self.meta.remove(super::trail::TRAIL_DIRTY)?;
        Ok(())
    }

    /// `(created, seq)` of every item whose slot passes `pick`, ascending.
    fn picked(&self, pick: impl Fn(&Slot) -> bool) -> Result<Vec<(i64, u32)>, StoreError> {
        let mut out = Vec::new();
        self.scan_slots(|seq, slot| {
            if pick(&slot) {
                out.push((slot.created, seq));
            }
        })?;
        out.sort_unstable();
        Ok(out)
    }
}

impl Store for SledStore {
    fn ingest(&self, items: Vec<Item>) -> Result<(Vec<u32>, IngestSummary), StoreError> {
        self.ingest_items(items)
    }

    fn get(&self, seq: u32) -> Result<Option<Item>, StoreError> {
        match self.items.get(item_chunk(seq))? {
            Some(v) => ChunkView::new(&v).get(seq),
            None => Ok(None),
        }
    }

    fn find(&self, id: &ItemId) -> Result<Option<Stored>, StoreError> {
        let hash = hash64(id.as_str());
        let candidates = match self.id_map().as_ref() {
            Some(map) => map.candidates(hash),
            // No ingest yet in this process: scan rather than build the map.
            None => self
                .picked(|s| s.id == hash)?
                .into_iter()
                .map(|p| p.1)
                .collect(),
        };
        Ok(super::read_where(self, candidates.into_iter(), 1, |i| i.id == *id)?.pop())
    }

    fn change(
        &self,
        seqs: &[u32],
        change: &LocalChange,
        who: &str,
    ) -> Result<Vec<Stored>, StoreError> {
        self.change_items(seqs, change, who)
    }

    fn rows(&self) -> Result<RowSet, StoreError> {
        // Sized once: growing by doubling would leave up to half of a
        // million-row vector unused.
        let mut set = RowSet {
            rows: Vec::with_capacity(self.len()),
            ..RowSet::default()
        };
        for entry in self.rows.iter() {
            let (k, v) = entry?;
            match decode::<RowChunk>(&v) {
                Ok(chunk) => chunk.load_into(&mut set),
                Err(e) => tracing::error!(chunk = ?k, error = %e, "unreadable row chunk skipped"),
            }
        }
        self.fill_dues(&mut set, false)?;
        self.fill_proposed(&mut set)?;
        Ok(set)
    }

    fn first_rows(&self, limit: usize) -> Result<RowSet, StoreError> {
        self.first_screen(limit)
    }

    fn thread_seqs(&self, item: &Item) -> Result<Vec<u32>, StoreError> {
        let hash = thread_hash(item);
        Ok(self
            .picked(|s| s.thread == hash)?
            .into_iter()
            .map(|p| p.1)
            .collect())
    }

    fn author_seqs(&self, item: &Item) -> Result<Vec<u32>, StoreError> {
        let hash = author_hash(item);
        Ok(self
            .picked(|s| s.author == hash)?
            .into_iter()
            .rev()
            .map(|p| p.1)
            .collect())
    }

    fn glances(&self, seqs: &[u32]) -> Result<Vec<(u32, Glance)>, StoreError> {
        self.glances_of(seqs)
    }

    fn thread(&self, item: &Item, limit: usize) -> Result<Vec<Stored>, StoreError> {
        let key = item.thread_key();
        let hash = thread_hash(item);
        let seqs = self.picked(|s| s.thread == hash)?;
        super::read_where(self, seqs.into_iter().map(|p| p.1), limit, |i| {
            i.thread_key() == key
        })
    }

    fn escalated(&self) -> Result<Vec<Stored>, StoreError> {
        let escalated = crate::model::StatusKind::Escalated.index();
        let seqs = self.picked(|s| s.status == escalated)?;
        super::read_where(self, seqs.into_iter().map(|p| p.1), usize::MAX, |i| {
            i.local.status == crate::model::Status::Escalated
        })
    }

    fn by_author(&self, item: &Item, limit: usize) -> Result<Vec<Stored>, StoreError> {
        let key = item.author_key();
        let hash = author_hash(item);
        let seqs = self.picked(|s| s.author == hash)?;
        super::read_where(self, seqs.into_iter().rev().map(|p| p.1), limit, |i| {
            i.author_key() == key
        })
    }

    fn search(&self, query: &str) -> Result<Vec<u32>, StoreError> {
        let words: Vec<String> = fold(query).split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        self.text
            .find(&words, self.next_seq()? >> chunks::TEXT_BITS)
    }

    fn history(&self, seq: u32) -> Result<Vec<super::HistoryEvent>, StoreError> {
        self.history_of(seq)
    }

    fn proposals(&self, seq: u32) -> Result<Vec<crate::triage::rules::Firing>, StoreError> {
        self.proposals_of(seq)
    }

    fn set_proposals(
        &self,
        seq: u32,
        firings: &[crate::triage::rules::Firing],
    ) -> Result<(), StoreError> {
        self.set_proposals_of(seq, firings)
    }

    fn proposed(&self) -> Result<Vec<u32>, StoreError> {
        self.proposed_seqs()
    }

    fn author_notes(&self, author: &str) -> Result<Vec<crate::model::Note>, StoreError> {
        self.author_notes_of(author)
    }

    fn add_author_note(
        &self,
        author: &str,
        from: &ItemId,
        note: &crate::model::Note,
    ) -> Result<(), StoreError> {
        self.add_author_note_to(author, from, note)
    }

    fn escalations(&self) -> Result<Vec<(u32, super::EscalationRecord)>, StoreError> {
        self.open_escalations()
    }

    fn escalation(&self, seq: u32) -> Result<Option<super::EscalationRecord>, StoreError> {
        self.escalation_of(seq)
    }

    fn tag_records(&self, seq: u32) -> Result<Vec<(String, TagRecord)>, StoreError> {
        let mut out = Vec::new();
        for entry in self.tags.scan_prefix(seq_key(seq)) {
            let (k, v) = entry?;
            let name = String::from_utf8_lossy(k.get(4..).unwrap_or_default()).into_owned();
            out.push((name, decode(&v)?));
        }
        Ok(out)
    }

    fn audit(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        for entry in self.audit.iter().rev().take(limit) {
            let (_, v) = entry?;
            out.push(decode(&v)?);
        }
        Ok(out)
    }

    fn audit_between(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_in(from, to)
    }

    fn save_shift(&self, record: &super::ShiftRecord) -> Result<(), StoreError> {
        self.put_shift(record)
    }

    fn shifts(&self, limit: usize) -> Result<Vec<super::ShiftRecord>, StoreError> {
        self.latest_shifts(limit)
    }

    fn import_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        self.audit_import(entries)
    }

    fn report_items(
        &self,
        pick: super::ReportPick<'_>,
        names: &mut super::rows::Interner,
        visit: &mut dyn FnMut(&super::rows::Interner, Vec<super::ReportItem>),
    ) -> Result<(), StoreError> {
        self.report_scan(pick, names, visit)
    }

    fn trail_between(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Result<super::TrailRead, StoreError> {
        self.trail_in(from, to)
    }

    fn cursor(&self, stream: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .cursors
            .get(stream.as_bytes())?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    fn set_cursor(&self, stream: &str, cursor: &str) -> Result<(), StoreError> {
        self.cursors.insert(stream.as_bytes(), cursor.as_bytes())?;
        Ok(())
    }

    fn sealed(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .db
            .open_tree("sealed")?
            .get(key.as_bytes())?
            .map(|v| v.to_vec()))
    }

    fn draft(&self, item: &ItemId) -> Result<Option<super::Draft>, StoreError> {
        self.draft_in(item)
    }

    fn set_draft(&self, item: &ItemId, draft: Option<&super::Draft>) -> Result<(), StoreError> {
        self.put_draft(item, draft)
    }

    fn drafts(&self) -> Result<Vec<(ItemId, super::Draft)>, StoreError> {
        self.all_drafts()
    }

    fn reply_usage(
        &self,
        agent: &str,
    ) -> Result<std::collections::HashMap<String, super::ReplyUsage>, StoreError> {
        self.usage_of(agent)
    }

    fn record_reply_use(
        &self,
        agent: &str,
        name: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        self.bump_usage(agent, name, at)
    }

    fn set_sealed(&self, key: &str, sealed: &[u8]) -> Result<(), StoreError> {
        let tree = self.db.open_tree("sealed")?;
        tree.insert(key.as_bytes(), sealed)?;
        tree.flush()?;
        Ok(())
    }

    fn enqueue(
        &self,
        item: &ItemId,
        action: OutAction,
        by: &str,
    ) -> Result<OutboxEntry, StoreError> {
        self.enqueue_entry(item, action, by)
    }

    fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        self.outbox_entries()
    }

    fn update_outbox(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.save_outbox_entry(entry)
    }

    fn remove_outbox(&self, id: u64) -> Result<(), StoreError> {
        self.remove_outbox_entry(id)
    }

    fn len(&self) -> usize {
        if let Some(n) = *locked(&self.count) {
            return n;
        }
        // Counted under the write lock, so no ingest is half-counted.
        let _guard = self.lock();
        let mut n = 0usize;
        if let Err(e) = self.scan_slots(|_, _| n += 1) {
            tracing::error!(error = %e, "cannot count the items");
            return 0;
        }
        *locked(&self.count) = Some(n);
        n
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}
