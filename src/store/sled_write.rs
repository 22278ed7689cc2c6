//! Writes to the sled store: bulk ingest (batched per tree, chunks merged
//! with what is on disk) and local changes (one transaction each).

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::chunks::{RowChunk, TextChunk, row_chunk, text_chunk};
use super::codec::{self, decode, encode, group_key, queue_key, seq_key, tag_key};
use super::rows::RowRecord;
use super::sled_store::{DIRTY, NEXT_SEQ, SledStore};
use super::{Assignment, AuditEntry, IngestSummary, StoreError, Stored, TagRecord};
use crate::change::LocalChange;
use crate::model::Item;
use crate::text::fold;

/// One sled batch per per-item tree, plus the chunk updates, filled during
/// an ingest or a rebuild.
#[derive(Default)]
pub(super) struct Batches {
    pub items: sled::Batch,
    pub ids: sled::Batch,
    queue: sled::Batch,
    by_thread: sled::Batch,
    by_author: sled::Batch,
    rows: BTreeMap<[u8; 4], Vec<(u32, i64, RowRecord)>>,
    text: BTreeMap<[u8; 4], Vec<(u32, String)>>,
    /// Items indexed so far.
    pub len: usize,
}

impl Batches {
    /// Writes the derived keys of `item`, removing those of `old` first.
    pub fn index(&mut self, seq: u32, item: &Item, old: Option<&Item>) {
        if let Some(old) = old {
            let (q, t, a) = index_keys(seq, old);
            self.queue.remove(&q);
            self.by_thread.remove(t);
            self.by_author.remove(a);
        }
        let (q, t, a) = index_keys(seq, item);
        let created = item.remote.created_at.timestamp();
        self.queue.insert(&q, &[]);
        self.by_thread.insert(t, &[]);
        self.by_author.insert(a, &[]);
        self.rows
            .entry(row_chunk(seq))
            .or_default()
            .push((seq, created, RowRecord::of(item)));
        self.text
            .entry(text_chunk(seq))
            .or_default()
            .push((seq, searchable(item)));
        self.len += 1;
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
    /// independent, and a bulk ingest is bound by sled's per-key cost.
    pub(super) fn apply_batches(&self, b: Batches) -> Result<(), StoreError> {
        let Batches {
            items,
            ids,
            queue,
            by_thread,
            by_author,
            rows,
            text,
            ..
        } = b;
        let (left, right) = std::thread::scope(|s| {
            let left = s.spawn(|| -> Result<(), StoreError> {
                self.items.apply_batch(items)?;
                self.by_thread.apply_batch(by_thread)?;
                self.merge_text(text)
            });
            let right = (|| -> Result<(), StoreError> {
                self.ids.apply_batch(ids)?;
                self.queue.apply_batch(queue)?;
                self.by_author.apply_batch(by_author)?;
                self.merge_rows(rows)
            })();
            (left.join(), right)
        });
        right?;
        left.map_err(|_| StoreError::Transaction("index writer panicked".to_string()))??;
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

    fn merge_text(&self, updates: BTreeMap<[u8; 4], Vec<(u32, String)>>) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for (key, texts) in updates {
            let mut chunk = TextChunk(self.text.get(key)?.map(|v| v.to_vec()).unwrap_or_default());
            chunk.put_many(&texts);
            batch.insert(&key, chunk.0);
        }
        self.text.apply_batch(batch)?;
        Ok(())
    }

    pub(super) fn ingest_items(
        &self,
        items: Vec<Item>,
    ) -> Result<(Vec<u32>, IngestSummary), StoreError> {
        let _guard = self.lock();
        let mut next = self.next_seq()?;
        let mut summary = IngestSummary::default();
        let mut seqs = Vec::with_capacity(items.len());
        let mut fresh: HashMap<String, u32> = HashMap::new();
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
                        batch.index(seq, &item, Some(&old));
                    } else {
                        batch.index(seq, &item, None);
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
                    batch.index(seq, &item, None);
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
            &self.queue,
            &self.audit,
            &self.tags,
            &self.assignments,
            &self.rows,
        );
        let result = trees.transaction(|(items, queue, audit, tags, assignments, rows)| {
            let mut out = Vec::with_capacity(seqs.len());
            let mut chunks: BTreeMap<[u8; 4], RowChunk> = BTreeMap::new();
            for &seq in seqs {
                let Some(raw) = items.get(seq_key(seq))? else {
                    return Err(abort(StoreError::NotFound(format!("#{seq}"))));
                };
                let mut item: Item = decode(&raw).map_err(abort)?;
                let before = item.local.status.kind();
                if !change.apply(&mut item.local, who, now) {
                    out.push((seq, item));
                    continue;
                }
                items.insert(&seq_key(seq), encode(&item).map_err(abort)?)?;
                let created = item.remote.created_at.timestamp();
                queue.remove(&queue_key(before.index(), created, seq))?;
                queue.insert(
                    &queue_key(item.local.status.kind().index(), created, seq),
                    &[],
                )?;
                let chunk = match chunks.entry(row_chunk(seq)) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        let chunk = match rows.get(e.key())? {
                            Some(v) => decode(&v).map_err(abort)?,
                            None => RowChunk::default(),
                        };
                        e.insert(chunk)
                    }
                };
                chunk.put(seq, created, &RowRecord::of(&item));
                record_side_trees(tags, assignments, seq, change, who, now)?;
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
                out.push((seq, item));
            }
            for (key, mut chunk) in chunks {
                chunk.compact();
                rows.insert(&key, encode(&chunk).map_err(abort)?)?;
            }
            Ok(out)
        });
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
    Ok(())
}
