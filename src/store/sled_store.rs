//! [`Store`] on sled: one `Db`, one tree per entity, ordered indexes.
//!
//! Writes that touch several trees either run in one sled transaction
//! (local changes) or, for bulk ingest where transactions would be too slow,
//! raise the `dirty` flag first and lower it last: sled recovers a prefix of
//! its log after a crash, so a raised flag on open means "rebuild the
//! indexes from `items`", and nothing is ever half-indexed.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::Utc;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::codec::{self, decode, encode, group_key, group_prefix, queue_key, seq_key, tag_key};
use super::rows::{RowRecord, RowSet};
use super::{Assignment, AuditEntry, IngestSummary, Store, StoreError, Stored, TagRecord, migrate};
use crate::change::LocalChange;
use crate::model::{Item, ItemId, StatusKind};
use crate::text::fold;

pub struct SledStore {
    db: sled::Db,
    path: PathBuf,
    items: sled::Tree,
    ids: sled::Tree,
    queue: sled::Tree,
    by_thread: sled::Tree,
    by_author: sled::Tree,
    search: sled::Tree,
    tags: sled::Tree,
    assignments: sled::Tree,
    audit: sled::Tree,
    meta: sled::Tree,
    /// Serialises writers inside this process (sled locks the directory
    /// against other processes).
    write_lock: Mutex<()>,
}

const DIRTY: &[u8] = b"dirty";
const NEXT_SEQ: &[u8] = b"next_seq";

/// Page cache size: large enough for the working set of the queue, small
/// enough to keep a million-item session under its memory budget.
const CACHE_BYTES: u64 = 48 * 1024 * 1024;

impl SledStore {
    /// Opens (or creates) the store in `path`, running migrations.
    pub fn open(path: &Path) -> Result<SledStore, StoreError> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()?;
        SledStore::from_db(db, path.to_path_buf())
    }

    /// A store that disappears when dropped (demo, tests).
    pub fn temporary() -> Result<SledStore, StoreError> {
        let db = sled::Config::new()
            .temporary(true)
            .cache_capacity(CACHE_BYTES)
            .open()?;
        SledStore::from_db(db, PathBuf::from("(temporary)"))
    }

    fn from_db(db: sled::Db, path: PathBuf) -> Result<SledStore, StoreError> {
        let store = SledStore {
            items: db.open_tree("items")?,
            ids: db.open_tree("ids")?,
            queue: db.open_tree("queue")?,
            by_thread: db.open_tree("by_thread")?,
            by_author: db.open_tree("by_author")?,
            search: db.open_tree("search")?,
            tags: db.open_tree("tags")?,
            assignments: db.open_tree("assignments")?,
            audit: db.open_tree("audit")?,
            meta: db.open_tree("meta")?,
            db,
            path,
            write_lock: Mutex::new(()),
        };
        migrate::run(&store.db, &store.meta, &store.path.display().to_string())?;
        if store.meta.get(DIRTY)?.is_some() {
            tracing::warn!("store indexes were interrupted mid-write; rebuilding them");
            store.rebuild_indexes()?;
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sled handle, for migrations and tests that need raw access.
    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn next_seq(&self) -> Result<u32, StoreError> {
        Ok(self
            .meta
            .get(NEXT_SEQ)?
            .and_then(|v| codec::seq_from(&v))
            .unwrap_or(0))
    }

    /// Recomputes every derived tree from `items`.
    pub fn rebuild_indexes(&self) -> Result<(), StoreError> {
        let _guard = self.lock();
        self.meta.insert(DIRTY, &[1])?;
        for tree in [
            &self.ids,
            &self.queue,
            &self.by_thread,
            &self.by_author,
            &self.search,
        ] {
            tree.clear()?;
        }
        let mut next = 0u32;
        let mut batch = Batches::default();
        for entry in self.items.iter() {
            let (k, v) = entry?;
            let Some(seq) = codec::seq_from(&k) else {
                continue;
            };
            let item: Item = match decode(&v) {
                Ok(item) => item,
                Err(e) => {
                    tracing::error!(seq, error = %e, "unreadable item skipped while rebuilding indexes");
                    continue;
                }
            };
            batch.ids.insert(item.id.as_str().as_bytes(), &seq_key(seq));
            batch.index(seq, &item, None)?;
            next = next.max(seq.saturating_add(1));
        }
        self.apply_batches(batch)?;
        self.meta.insert(NEXT_SEQ, &seq_key(next))?;
        self.meta.remove(DIRTY)?;
        Ok(())
    }

    /// Applies the batches, spread over two threads: sled trees are
    /// independent, and a bulk ingest is bound by sled's per-key cost.
    fn apply_batches(&self, b: Batches) -> Result<(), StoreError> {
        let Batches {
            items,
            ids,
            queue,
            by_thread,
            by_author,
            search,
        } = b;
        let (left, right) = std::thread::scope(|s| {
            let left = s.spawn(|| -> Result<(), sled::Error> {
                self.items.apply_batch(items)?;
                self.by_thread.apply_batch(by_thread)?;
                self.search.apply_batch(search)
            });
            let right = (|| -> Result<(), sled::Error> {
                self.ids.apply_batch(ids)?;
                self.queue.apply_batch(queue)?;
                self.by_author.apply_batch(by_author)
            })();
            (left.join(), right)
        });
        right?;
        left.map_err(|_| StoreError::Transaction("index writer panicked".to_string()))??;
        Ok(())
    }

    fn load(&self, seqs: impl Iterator<Item = u32>) -> Result<Vec<Stored>, StoreError> {
        let mut out = Vec::new();
        for seq in seqs {
            if let Some(item) = self.get(seq)? {
                out.push((seq, item));
            }
        }
        Ok(out)
    }
}

/// One sled batch per tree, filled during an ingest or a rebuild.
#[derive(Default)]
struct Batches {
    items: sled::Batch,
    ids: sled::Batch,
    queue: sled::Batch,
    by_thread: sled::Batch,
    by_author: sled::Batch,
    search: sled::Batch,
}

impl Batches {
    /// Writes the derived keys of `item`, removing those of `old` first.
    fn index(&mut self, seq: u32, item: &Item, old: Option<&Item>) -> Result<(), StoreError> {
        if let Some(old) = old {
            let (q, t, a) = index_keys(seq, old);
            self.queue.remove(&q);
            self.by_thread.remove(t);
            self.by_author.remove(a);
        }
        let (q, t, a) = index_keys(seq, item);
        self.queue.insert(&q, encode(&RowRecord::of(item))?);
        self.by_thread.insert(t, &[]);
        self.by_author.insert(a, &[]);
        self.search
            .insert(&seq_key(seq), searchable(item).as_bytes());
        Ok(())
    }
}

fn index_keys(seq: u32, item: &Item) -> ([u8; 13], Vec<u8>, Vec<u8>) {
    let created = item.remote.created_at.timestamp();
    (
        queue_key(item.local.status.kind().index(), created, seq),
        group_key(&item.thread_key(), created, seq),
        group_key(&item.author_key(), created, seq),
    )
}

fn searchable(item: &Item) -> String {
    let a = &item.remote.author;
    fold(&format!(
        "{} {} {}",
        a.handle, a.display_name, item.remote.text
    ))
}

fn abort(e: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(e)
}

impl Store for SledStore {
    fn ingest(&self, items: Vec<Item>) -> Result<(Vec<u32>, IngestSummary), StoreError> {
        let _guard = self.lock();
        let mut next = self.next_seq()?;
        let mut summary = IngestSummary::default();
        let mut seqs = Vec::with_capacity(items.len());
        let mut fresh: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let mut batch = Batches::default();
        self.meta.insert(DIRTY, &[1])?;
        for mut item in items {
            item.id = item.remote.id();
            let known = match fresh.get(item.id.as_str()) {
                Some(seq) => Some(*seq),
                None => self
                    .ids
                    .get(item.id.as_str().as_bytes())?
                    .and_then(|v| codec::seq_from(&v)),
            };
            let seq = match known {
                Some(seq) => {
                    let old = match self.items.get(seq_key(seq))? {
                        Some(v) if !fresh.contains_key(item.id.as_str()) => {
                            Some(decode::<Item>(&v)?)
                        }
                        _ => None,
                    };
                    if let Some(old) = old {
                        if old.remote == item.remote {
                            summary.unchanged += 1;
                            seqs.push(seq);
                            continue;
                        }
                        // The remote half is replaced; our local half stays.
                        item.local = old.local.clone();
                        batch.index(seq, &item, Some(&old))?;
                    } else {
                        batch.index(seq, &item, None)?;
                    }
                    summary.updated += 1;
                    seq
                }
                None => {
                    let seq = next;
                    next = next
                        .checked_add(1)
                        .ok_or_else(|| StoreError::Encode("store is full".into()))?;
                    fresh.insert(item.id.as_str().to_string(), seq);
                    batch.ids.insert(item.id.as_str().as_bytes(), &seq_key(seq));
                    batch.index(seq, &item, None)?;
                    summary.new += 1;
                    seq
                }
            };
            batch.items.insert(&seq_key(seq), encode(&item)?);
            seqs.push(seq);
        }
        self.apply_batches(batch)?;
        self.meta.insert(NEXT_SEQ, &seq_key(next))?;
        self.meta.remove(DIRTY)?;
        Ok((seqs, summary))
    }

    fn get(&self, seq: u32) -> Result<Option<Item>, StoreError> {
        match self.items.get(seq_key(seq))? {
            Some(v) => Ok(Some(decode(&v)?)),
            None => Ok(None),
        }
    }

    fn find(&self, id: &ItemId) -> Result<Option<Stored>, StoreError> {
        let Some(seq) = self
            .ids
            .get(id.as_str().as_bytes())?
            .and_then(|v| codec::seq_from(&v))
        else {
            return Ok(None);
        };
        Ok(self.get(seq)?.map(|item| (seq, item)))
    }

    fn change(
        &self,
        seqs: &[u32],
        change: &LocalChange,
        who: &str,
    ) -> Result<Vec<Stored>, StoreError> {
        let _guard = self.lock();
        let now = Utc::now();
        let trees = (
            &self.items,
            &self.queue,
            &self.audit,
            &self.tags,
            &self.assignments,
        );
        let result = trees.transaction(|(items, queue, audit, tags, assignments)| {
            let mut out = Vec::with_capacity(seqs.len());
            for &seq in seqs {
                let Some(raw) = items.get(seq_key(seq))? else {
                    return Err(abort(StoreError::NotFound(format!("#{seq}"))));
                };
                let mut item: Item = decode(&raw).map_err(abort)?;
                let before = item.clone();
                if !change.apply(&mut item.local, who, now) {
                    out.push((seq, item));
                    continue;
                }
                items.insert(&seq_key(seq), encode(&item).map_err(abort)?)?;
                let created = item.remote.created_at.timestamp();
                queue.remove(&queue_key(before.local.status.kind().index(), created, seq))?;
                let rec = encode(&RowRecord::of(&item)).map_err(abort)?;
                queue.insert(
                    &queue_key(item.local.status.kind().index(), created, seq),
                    rec,
                )?;
                match change {
                    LocalChange::AddTag { tag, why } => {
                        let rec = TagRecord {
                            by: who.to_string(),
                            at: now,
                            why: why.clone(),
                        };
                        tags.insert(tag_key(seq, tag), encode(&rec).map_err(abort)?)?;
                    }
                    LocalChange::RemoveTag(tag) => {
                        tags.remove(tag_key(seq, tag))?;
                    }
                    LocalChange::Assign(Some(name)) => {
                        let rec = Assignment {
                            assignee: name.clone(),
                            by: who.to_string(),
                            since: now,
                        };
                        assignments.insert(&seq_key(seq), encode(&rec).map_err(abort)?)?;
                    }
                    LocalChange::Assign(None) => {
                        assignments.remove(&seq_key(seq))?;
                    }
                    _ => {}
                }
                let entry = AuditEntry {
                    at: now,
                    who: who.to_string(),
                    item: item.id.clone(),
                    what: change.describe(),
                };
                let mut key =
                    codec::time_bytes(now.timestamp_nanos_opt().unwrap_or(i64::MAX)).to_vec();
                key.extend_from_slice(&audit.generate_id()?.to_be_bytes());
                audit.insert(key, encode(&entry).map_err(abort)?)?;
                out.push((seq, item));
            }
            Ok(out)
        });
        result.map_err(|e| match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => StoreError::Sled(e),
        })
    }

    fn rows(&self) -> Result<RowSet, StoreError> {
        let mut set = RowSet::default();
        set.rows.reserve(self.queue.len());
        for entry in self.queue.iter() {
            let (k, v) = entry?;
            let (Some(seq), Some(created)) = (
                codec::trailing_seq(&k),
                k.get(1..9).and_then(codec::time_from),
            ) else {
                continue;
            };
            match decode::<RowRecord>(&v) {
                Ok(rec) => set.push_record(seq, created, &rec),
                Err(e) => tracing::error!(seq, error = %e, "unreadable queue row skipped"),
            }
        }
        Ok(set)
    }

    fn first_rows(&self, limit: usize) -> Result<RowSet, StoreError> {
        let mut picked: Vec<(i64, u32, RowRecord)> = Vec::new();
        for status in [StatusKind::New, StatusKind::Open] {
            for entry in self.queue.scan_prefix([status.index()]).take(limit) {
                let (k, v) = entry?;
                let (Some(seq), Some(created)) = (
                    codec::trailing_seq(&k),
                    k.get(1..9).and_then(codec::time_from),
                ) else {
                    continue;
                };
                if let Ok(rec) = decode::<RowRecord>(&v) {
                    picked.push((created, seq, rec));
                }
            }
        }
        picked.sort_by_key(|(created, seq, _)| (*created, *seq));
        picked.truncate(limit);
        let mut set = RowSet::default();
        for (created, seq, rec) in &picked {
            set.push_record(*seq, *created, rec);
        }
        Ok(set)
    }

    fn thread(&self, item: &Item, limit: usize) -> Result<Vec<Stored>, StoreError> {
        let seqs: Vec<u32> = self
            .by_thread
            .scan_prefix(group_prefix(&item.thread_key()))
            .keys()
            .take(limit)
            .filter_map(|k| k.ok().and_then(|k| codec::trailing_seq(&k)))
            .collect();
        self.load(seqs.into_iter())
    }

    fn by_author(&self, item: &Item, limit: usize) -> Result<Vec<Stored>, StoreError> {
        let seqs: Vec<u32> = self
            .by_author
            .scan_prefix(group_prefix(&item.author_key()))
            .keys()
            .rev()
            .take(limit)
            .filter_map(|k| k.ok().and_then(|k| codec::trailing_seq(&k)))
            .collect();
        self.load(seqs.into_iter())
    }

    fn search(&self, query: &str) -> Result<Vec<u32>, StoreError> {
        let words: Vec<String> = fold(query).split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for entry in self.search.iter() {
            let (k, v) = entry?;
            let text = String::from_utf8_lossy(&v);
            if words.iter().all(|w| text.contains(w.as_str()))
                && let Some(seq) = codec::seq_from(&k)
            {
                out.push(seq);
            }
        }
        Ok(out)
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

    fn len(&self) -> usize {
        self.items.len()
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}
