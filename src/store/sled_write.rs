//! Writes to the sled store: bulk ingest (chunks read, changed in memory
//! and written back whole, one batch per tree) and local changes (one
//! transaction each).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::chunks::{RowChunk, TextChunk, row_chunk, text_chunk};
use super::codec::{self, decode, encode, seq_key, tag_key};
use super::facts::{self, Fact, fact_chunk};
use super::glance::{Glance, glance_chunk};
use super::history;
use super::item_chunks::{ChunkBuf, item_chunk};
use super::rows::RowRecord;
use super::sled_store::{DIRTY, NEXT_SEQ, SledStore};
use super::slots::{self, Slot, hash64, slot_chunk};
use super::{Assignment, AuditEntry, IngestSummary, StoreError, Stored, TagRecord};
use crate::change::LocalChange;
use crate::model::Item;
use crate::report::sentiment;
use crate::text::fold_into;

/// Chunk updates filled during an ingest or a rebuild, one map per tree.
#[derive(Default)]
pub(super) struct Batches {
    /// Whole item chunks to write (ingest only; a rebuild reads them).
    items: BTreeMap<[u8; 4], ChunkBuf>,
    slots: BTreeMap<[u8; 4], Vec<(u32, Slot)>>,
    rows: BTreeMap<[u8; 4], Vec<(u32, i64, RowRecord)>>,
    /// Text-file chunks: search text and glances.
    text: BTreeMap<u32, Vec<(u32, Vec<u8>)>>,
    facts: BTreeMap<[u8; 4], Vec<(u32, Fact)>>,
    /// Items indexed so far.
    pub len: usize,
}

/// What an item contributes to the derived trees.
pub(super) struct Derived {
    slot: Slot,
    created: i64,
    row: RowRecord,
    text: String,
    glance: Vec<u8>,
    fact: Fact,
}

impl Derived {
    pub fn of(item: &Item) -> Derived {
        let (text, body) = searchable(item);
        let sentiment = text.get(body..).map_or(0, sentiment::score_folded);
        Derived {
            slot: Slot::of(item),
            created: item.remote.created_at.timestamp(),
            row: RowRecord::of(item),
            fact: Fact::of(item, sentiment),
            glance: Glance::encode(item),
            text,
        }
    }
}

/// Items below this count are prepared on one thread.
const PARALLEL_FROM: usize = 512;

/// Encodes items and computes their derived records, on two threads for a
/// large batch (this is most of an ingest's CPU time).
fn prepare(writes: &[(u32, Item)]) -> Result<Vec<(u32, Vec<u8>, Derived)>, StoreError> {
    let one = |part: &[(u32, Item)]| -> Result<Vec<(u32, Vec<u8>, Derived)>, StoreError> {
        part.iter()
            .map(|(seq, item)| Ok((*seq, encode(item)?, Derived::of(item))))
            .collect()
    };
    if writes.len() < PARALLEL_FROM {
        return one(writes);
    }
    let (low, high) = writes.split_at(writes.len() / 2);
    let (low, high) = std::thread::scope(|s| {
        let low = s.spawn(|| one(low));
        let high = one(high);
        (low.join(), high)
    });
    let mut out = low.map_err(|_| StoreError::Encode("encoding thread panicked".into()))??;
    out.extend(high?);
    Ok(out)
}

impl Batches {
    /// Writes the derived records of `item` (replacing any earlier ones).
    pub fn index(&mut self, seq: u32, item: &Item) {
        self.add(seq, Derived::of(item));
    }

    fn add(&mut self, seq: u32, d: Derived) {
        self.slots
            .entry(slot_chunk(seq))
            .or_default()
            .push((seq, d.slot));
        self.rows
            .entry(row_chunk(seq))
            .or_default()
            .push((seq, d.created, d.row));
        self.text
            .entry(u32::from_be_bytes(text_chunk(seq)))
            .or_default()
            .push((seq, d.text.into_bytes()));
        self.text
            .entry(glance_chunk(seq))
            .or_default()
            .push((seq, d.glance));
        self.facts
            .entry(fact_chunk(seq))
            .or_default()
            .push((seq, d.fact));
        self.len += 1;
    }
}

/// The folded search text (handle, name, text) and where the text starts.
fn searchable(item: &Item) -> (String, usize) {
    let a = &item.remote.author;
    let mut out =
        String::with_capacity(a.handle.len() + a.display_name.len() + item.remote.text.len() + 2);
    fold_into(&mut out, &a.handle);
    out.push(' ');
    fold_into(&mut out, &a.display_name);
    out.push(' ');
    let body = out.len();
    fold_into(&mut out, &item.remote.text);
    (out, body)
}

fn abort(e: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(e)
}

fn load_chunk(tree: &sled::Tree, key: &[u8]) -> Result<RowChunk, StoreError> {
    match tree.get(key)? {
        Some(v) => decode(&v).or_else(|e| {
            tracing::error!(error = %e, "unreadable row chunk replaced");
            Ok(RowChunk::default())
        }),
        None => Ok(RowChunk::default()),
    }
}

impl SledStore {
    /// Applies the batches, spread over two threads: sled trees are
    /// independent, and chunk merging is CPU work.
    pub(super) fn apply_batches(&self, b: Batches) -> Result<(), StoreError> {
        let Batches {
            items,
            slots,
            rows,
            text,
            facts,
            ..
        } = b;
        let (left, right) = std::thread::scope(|s| {
            let left = s.spawn(|| -> Result<(), StoreError> {
                let mut batch = sled::Batch::default();
                for (key, chunk) in items {
                    batch.insert(&key, chunk.to_bytes());
                }
                self.items.apply_batch(batch)?;
                self.merge_text(text)?;
                self.merge_facts(facts)
            });
            let right = (|| -> Result<(), StoreError> {
                self.merge_slots(slots)?;
                self.merge_rows(rows)
            })();
            (left.join(), right)
        });
        right?;
        left.map_err(|_| StoreError::Transaction("index writer panicked".to_string()))??;
        Ok(())
    }

    fn merge_slots(&self, updates: BTreeMap<[u8; 4], Vec<(u32, Slot)>>) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for (key, records) in updates {
            let mut chunk = self.slots.get(key)?.map(|v| v.to_vec()).unwrap_or_default();
            for (seq, slot) in &records {
                slots::put(&mut chunk, *seq, slot);
            }
            batch.insert(&key, chunk);
        }
        self.slots.apply_batch(batch)?;
        Ok(())
    }

    fn merge_facts(&self, updates: BTreeMap<[u8; 4], Vec<(u32, Fact)>>) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for (key, records) in updates {
            let mut chunk = self.facts.get(key)?.map(|v| v.to_vec()).unwrap_or_default();
            for (seq, fact) in &records {
                facts::put(&mut chunk, *seq, fact);
            }
            batch.insert(&key, chunk);
        }
        self.facts.apply_batch(batch)?;
        Ok(())
    }

    fn merge_rows(
        &self,
        updates: BTreeMap<[u8; 4], Vec<(u32, i64, RowRecord)>>,
    ) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for (key, rows) in updates {
            let mut chunk = load_chunk(&self.rows, &key)?;
            for (seq, created, rec) in &rows {
                chunk.put(*seq, *created, rec);
            }
            chunk.compact();
            batch.insert(&key, encode(&chunk)?);
        }
        self.rows.apply_batch(batch)?;
        Ok(())
    }

    fn merge_text(&self, updates: BTreeMap<u32, Vec<(u32, Vec<u8>)>>) -> Result<(), StoreError> {
        let mut chunks = Vec::with_capacity(updates.len());
        for (at, texts) in updates {
            let mut chunk = TextChunk(self.text.get(at)?.unwrap_or_default());
            chunk.put_many(&texts);
            chunks.push((at, chunk.0));
        }
        self.text.put_many(&chunks)
    }

    /// The chunk holding `seq`, read from the store the first time.
    fn chunk_for<'a>(
        &self,
        chunks: &'a mut BTreeMap<[u8; 4], ChunkBuf>,
        seq: u32,
    ) -> Result<&'a mut ChunkBuf, StoreError> {
        Ok(match chunks.entry(item_chunk(seq)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let buf = match self.items.get(e.key())? {
                    Some(v) => ChunkBuf::from_bytes(&v),
                    None => ChunkBuf::default(),
                };
                e.insert(buf)
            }
        })
    }

    pub(super) fn ingest_items(
        &self,
        items: Vec<Item>,
    ) -> Result<(Vec<u32>, IngestSummary), StoreError> {
        let _guard = self.lock();
        let mut ids = self.id_map();
        if ids.is_none() {
            *ids = Some(self.build_id_map()?);
        }
        let Some(ids) = ids.as_mut() else {
            return Err(StoreError::Transaction("id map missing".into()));
        };
        let mut next = self.next_seq()?;
        let mut summary = IngestSummary::default();
        let mut seqs = Vec::with_capacity(items.len());
        let mut fresh: HashMap<String, u32> = HashMap::new();
        let mut added: Vec<(u64, u32)> = Vec::new();
        let mut batch = Batches::default();
        // Items to write, in input order (a later copy of an id wins).
        let mut writes: Vec<(u32, Item)> = Vec::with_capacity(items.len());
        self.meta.insert(DIRTY, &[1])?;
        for mut item in items {
            item.id = item.remote.id();
            let hash = hash64(item.id.as_str());
            let seq = if let Some(&seq) = fresh.get(item.id.as_str()) {
                // Twice in one batch: the later copy wins, as given.
                summary.updated += 1;
                seq
            } else {
                let mut old = None;
                for seq in ids.candidates(hash) {
                    let chunk = self.chunk_for(&mut batch.items, seq)?;
                    if let Some(found) = chunk.get(seq)?.filter(|i| i.id == item.id) {
                        old = Some((seq, found));
                        break;
                    }
                }
                match old {
                    Some((seq, old)) => {
                        if old.remote == item.remote {
                            summary.unchanged += 1;
                            seqs.push(seq);
                            continue;
                        }
                        // The remote half is replaced; our local half stays.
                        item.local = old.local;
                        summary.updated += 1;
                        seq
                    }
                    None => {
                        let seq = next;
                        next = next
                            .checked_add(1)
                            .ok_or_else(|| StoreError::Encode("store is full".into()))?;
                        fresh.insert(item.id.as_str().to_string(), seq);
                        added.push((hash, seq));
                        summary.new += 1;
                        seq
                    }
                }
            };
            writes.push((seq, item));
            seqs.push(seq);
        }
        for (seq, body, derived) in prepare(&writes)? {
            self.chunk_for(&mut batch.items, seq)?
                .put_encoded(seq, body);
            batch.add(seq, derived);
        }
        self.apply_batches(batch)?;
        self.meta.insert(NEXT_SEQ, &seq_key(next))?;
        self.text.sync()?;
        self.meta.remove(DIRTY)?;
        for (hash, seq) in added {
            ids.insert(hash, seq);
        }
        self.add_count(summary.new);
        Ok((seqs, summary))
    }

    pub(super) fn change_items(
        &self,
        seqs: &[u32],
        change: &LocalChange,
        who: &str,
    ) -> Result<Vec<Stored>, StoreError> {
        let _guard = self.lock();
        let now = Utc::now();
        let trees = (
            &self.items,
            &self.slots,
            &self.audit,
            &self.tags,
            &self.assignments,
            &self.rows,
            &self.escalations,
            &self.history,
            &self.trail,
        );
        let result = trees.transaction(
            |(items, slot_tree, audit, tags, assignments, rows, escalations, history, trail)| {
                let mut out = Vec::with_capacity(seqs.len());
                // Chunks read so far, and whether this change rewrote them.
                let mut item_bufs: BTreeMap<[u8; 4], (ChunkBuf, bool)> = BTreeMap::new();
                let mut slot_bufs: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
                let mut row_bufs: BTreeMap<[u8; 4], RowChunk> = BTreeMap::new();
                for &seq in seqs {
                    let (buf, touched) = match item_bufs.entry(item_chunk(seq)) {
                        Entry::Occupied(e) => e.into_mut(),
                        Entry::Vacant(e) => {
                            let buf = match items.get(e.key())? {
                                Some(v) => ChunkBuf::from_bytes(&v),
                                None => ChunkBuf::default(),
                            };
                            e.insert((buf, false))
                        }
                    };
                    let Some(mut item) = buf.get(seq).map_err(abort)? else {
                        return Err(abort(StoreError::NotFound(format!("#{seq}"))));
                    };
                    let before = item.local.status;
                    if !change.apply(&mut item.local, who, now) {
                        out.push((seq, item));
                        continue;
                    }
                    buf.put(seq, &item).map_err(abort)?;
                    *touched = true;
                    let slot_buf = match slot_bufs.entry(slot_chunk(seq)) {
                        Entry::Occupied(e) => e.into_mut(),
                        Entry::Vacant(e) => {
                            let v = slot_tree.get(e.key())?.map(|v| v.to_vec());
                            e.insert(v.unwrap_or_default())
                        }
                    };
                    slots::put(slot_buf, seq, &Slot::of(&item));
                    let chunk = match row_bufs.entry(row_chunk(seq)) {
                        Entry::Occupied(e) => e.into_mut(),
                        Entry::Vacant(e) => {
                            let chunk = match rows.get(e.key())? {
                                Some(v) => decode(&v).map_err(abort)?,
                                None => RowChunk::default(),
                            };
                            e.insert(chunk)
                        }
                    };
                    let created = item.remote.created_at.timestamp();
                    chunk.put(seq, created, &RowRecord::of(&item));
                    record_side_trees(tags, assignments, seq, change, who, now)?;
                    history::record(escalations, history, seq, before, change, who, now)?;
                    let entry = AuditEntry {
                        at: now,
                        who: who.to_string(),
                        item: item.id.clone(),
                        what: change.describe(),
                    };
                    let mut akey =
                        codec::time_bytes(now.timestamp_nanos_opt().unwrap_or(i64::MAX)).to_vec();
                    akey.extend_from_slice(&audit.generate_id()?.to_be_bytes());
                    audit.insert(akey, encode(&entry).map_err(abort)?)?;
                    super::trail::append_tx(trail, &entry)?;
                    out.push((seq, item));
                }
                for (key, (buf, touched)) in item_bufs {
                    if touched {
                        items.insert(&key, buf.to_bytes())?;
                    }
                }
                for (key, buf) in slot_bufs {
                    slot_tree.insert(&key, buf)?;
                }
                for (key, mut chunk) in row_bufs {
                    chunk.compact();
                    rows.insert(&key, encode(&chunk).map_err(abort)?)?;
                }
                Ok(out)
            },
        );
        result.map_err(|e| match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => StoreError::Sled(e),
        })
    }
}

type TxResult = Result<(), ConflictableTransactionError<StoreError>>;

/// Tag records (who/when/why) and assignments follow tag and assign changes.
fn record_side_trees(
    tags: &sled::transaction::TransactionalTree,
    assignments: &sled::transaction::TransactionalTree,
    seq: u32,
    change: &LocalChange,
    who: &str,
    now: chrono::DateTime<Utc>,
) -> TxResult {
    match change {
        LocalChange::AddTag { tag, why } => {
            let rec = TagRecord {
                by: who.to_string(),
                at: now,
                why: why.clone(),
            };
            tags.insert(tag_key(seq, tag), encode(&rec).map_err(abort)?)?;
        }
        LocalChange::RemoveTag { tag, .. } => {
            tags.remove(tag_key(seq, tag))?;
        }
        LocalChange::Assign(Some(name)) | LocalChange::Escalate { to: name, .. } => {
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
    Ok(())
}
