//! Schema versions and migrations.
//!
//! `meta/schema` holds the version the store was last written with. On open,
//! every migration from that version up to [`SCHEMA_VERSION`] runs in order.
//! To change the layout: bump [`SCHEMA_VERSION`], append a function to
//! [`MIGRATIONS`] that takes the store from the previous version, and add a
//! test that opens a store written the old way.

use super::StoreError;

/// The layout this build writes.
pub const SCHEMA_VERSION: u32 = 7;

const SCHEMA: &[u8] = b"schema";

type Migration = fn(&sled::Db, &sled::Tree) -> Result<(), StoreError>;

/// `MIGRATIONS[n]` takes a store from version `n` to `n + 1`.
const MIGRATIONS: &[Migration] = &[
    from_0_unindexed,
    from_1_unchunked,
    from_2_moderation,
    from_3_per_item,
    from_4_report_index,
    from_5_small_chunks,
    from_6_sixteen_per_chunk,
];

/// Trees of schema 3 and earlier that schema 4 replaced.
pub const OLD_TREES: [&str; 5] = ["items", "ids", "queue", "by_thread", "by_author"];

/// Version 0 stored items without derived indexes; raising the dirty flag
/// makes the open path rebuild them from `items`.
fn from_0_unindexed(_db: &sled::Db, meta: &sled::Tree) -> Result<(), StoreError> {
    meta.insert(b"dirty", &[1])?;
    Ok(())
}

/// Version 1 kept one queue row and one search text per key; version 2
/// chunks them (`rows`, `text`). The items are unchanged, so a rebuild of
/// the indexes is the whole migration.
fn from_1_unchunked(_db: &sled::Db, meta: &sled::Tree) -> Result<(), StoreError> {
    meta.insert(b"dirty", &[1])?;
    Ok(())
}

/// Version 3 added `Remote::moderation` (value format 2). Items still in
/// value format 1 are decoded with the old layout and written again.
fn from_2_moderation(db: &sled::Db, _meta: &sled::Tree) -> Result<(), StoreError> {
    let items = db.open_tree("items")?;
    let mut batch = sled::Batch::default();
    let mut rewritten = 0usize;
    for kv in items.iter() {
        let (k, v) = kv?;
        if v.first() != Some(&1) {
            continue;
        }
        match super::legacy::item_v1(&v) {
            Ok(item) => {
                batch.insert(k, super::codec::encode(&item)?);
                rewritten += 1;
            }
            Err(e) => tracing::warn!(error = %e, "unreadable item left as it is"),
        }
    }
    items.apply_batch(batch)?;
    tracing::info!(rewritten, "items moved to value format 2");
    Ok(())
}

/// Chunks written per batch while moving items (about 30 KB each).
const MOVE_BATCH: usize = 256;

/// Version 4 stores items many per key (`item_chunks`) and replaces the
/// per-item `ids`, `queue`, `by_thread` and `by_author` keys with `slots`.
/// Item values are copied as they are; the derived trees are rebuilt on
/// open (dirty flag). Safe to run again after a crash: chunks merge with
/// what an earlier run wrote, and the old trees go only once all is copied.
fn from_3_per_item(db: &sled::Db, meta: &sled::Tree) -> Result<(), StoreError> {
    use super::item_chunks::{ChunkBuf, item_chunk};
    let old = db.open_tree("items")?;
    let new = db.open_tree(super::item_chunks::OLD_ITEMS_TREE)?;
    let mut batch = sled::Batch::default();
    let mut pending = 0usize;
    let mut moved = 0usize;
    let mut current: Option<([u8; 4], ChunkBuf)> = None;
    for kv in old.iter() {
        let (k, v) = kv?;
        let Some(seq) = super::codec::seq_from(&k) else {
            continue;
        };
        let key = item_chunk(seq);
        if current.as_ref().is_none_or(|(at, _)| *at != key) {
            if let Some((at, buf)) = current.take() {
                batch.insert(&at, buf.to_bytes());
                pending += 1;
            }
            if pending >= MOVE_BATCH {
                new.apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
            let buf = match new.get(key)? {
                Some(v) => ChunkBuf::from_bytes(&v),
                None => ChunkBuf::default(),
            };
            current = Some((key, buf));
        }
        if let Some((_, buf)) = current.as_mut() {
            buf.put_encoded(seq, v.to_vec());
            moved += 1;
        }
    }
    if let Some((at, buf)) = current {
        batch.insert(&at, buf.to_bytes());
    }
    new.apply_batch(batch)?;
    meta.insert(b"dirty", &[1])?;
    for tree in OLD_TREES {
        db.drop_tree(tree)?;
    }
    tracing::info!(moved, "items moved to chunks");
    Ok(())
}

/// Version 5 adds what reports read instead of items and audit lines:
/// `facts` (derived from items, rebuilt with the other derived trees: dirty
/// flag) and `trail` (derived from `audit`: trail-dirty flag). Both
/// rebuilds run when the store opens.
fn from_4_report_index(_db: &sled::Db, meta: &sled::Tree) -> Result<(), StoreError> {
    meta.insert(b"dirty", &[1])?;
    meta.insert(super::trail::TRAIL_DIRTY, &[1])?;
    Ok(())
}

/// Version 6 kept 8 items per chunk instead of 64 (`items_8`), so a read
/// pulls a small leaf into sled's cache (see [`super::item_chunks`]).
fn from_5_small_chunks(db: &sled::Db, _meta: &sled::Tree) -> Result<(), StoreError> {
    regroup(db, super::item_chunks::OLD_ITEMS_TREE)
}

/// Version 7 keeps 16 items per chunk (`items_16`): 8 cost 40% of the
/// ingest speed.
fn from_6_sixteen_per_chunk(db: &sled::Db, _meta: &sled::Tree) -> Result<(), StoreError> {
    regroup(db, super::item_chunks::ITEMS_8_TREE)
}

/// Moves the item chunks of tree `from` into [`super::item_chunks::ITEMS_TREE`],
/// regrouped by the seqs they hold (each new chunk comes from one old
/// chunk when the old ones are the same size or larger). Safe to run again
/// after a crash: the new chunks are rewritten whole, and the old tree
/// goes only once all is copied. The derived trees key by seq, so they
/// stay as they are.
fn regroup(db: &sled::Db, from: &str) -> Result<(), StoreError> {
    use super::item_chunks::{ChunkBuf, ChunkView, ITEMS_TREE, item_chunk};
    if !db
        .tree_names()
        .iter()
        .any(|n| n.as_ref() == from.as_bytes())
    {
        return Ok(());
    }
    let old = db.open_tree(from)?;
    let new = db.open_tree(ITEMS_TREE)?;
    let mut moved = 0usize;
    let mut batch = sled::Batch::default();
    let mut pending = 0usize;
    // Old chunks come in seq order, so a new chunk is complete once a seq
    // of the next one shows up (several small old chunks may fill it).
    let mut current: Option<([u8; 4], ChunkBuf)> = None;
    for kv in old.iter() {
        let (_, v) = kv?;
        for (seq, body) in ChunkView::new(&v).entries() {
            let key = item_chunk(seq);
            if current.as_ref().is_none_or(|(at, _)| *at != key) {
                if let Some((at, buf)) = current.take() {
                    batch.insert(&at, buf.to_bytes());
                    pending += 1;
                }
                current = Some((key, ChunkBuf::default()));
            }
            if let Some((_, buf)) = current.as_mut() {
                buf.put_encoded(seq, body.to_vec());
                moved += 1;
            }
        }
        if pending >= MOVE_BATCH * 4 {
            new.apply_batch(std::mem::take(&mut batch))?;
            pending = 0;
        }
    }
    if let Some((at, buf)) = current {
        batch.insert(&at, buf.to_bytes());
    }
    new.apply_batch(batch)?;
    db.drop_tree(from)?;
    tracing::info!(moved, from, "items moved to 16-item chunks");
    Ok(())
}

/// Whether tree `name` exists and holds anything (without creating it).
fn has_data(db: &sled::Db, name: &str) -> Result<bool, StoreError> {
    if !db
        .tree_names()
        .iter()
        .any(|n| n.as_ref() == name.as_bytes())
    {
        return Ok(false);
    }
    Ok(!db.open_tree(name)?.is_empty())
}

pub fn stored_version(meta: &sled::Tree) -> Result<Option<u32>, StoreError> {
    Ok(meta.get(SCHEMA)?.and_then(|v| {
        let arr: [u8; 4] = v.as_ref().try_into().ok()?;
        Some(u32::from_be_bytes(arr))
    }))
}

pub fn set_version(meta: &sled::Tree, version: u32) -> Result<(), StoreError> {
    meta.insert(SCHEMA, &version.to_be_bytes())?;
    Ok(())
}

/// Brings the store up to date. A store without a version is new when it
/// holds no items, and version 0 when it does. Returns whether any
/// migration ran.
pub fn run(db: &sled::Db, meta: &sled::Tree, path: &str) -> Result<bool, StoreError> {
    let items_present = has_data(db, "items")?
        || has_data(db, super::item_chunks::OLD_ITEMS_TREE)?
        || has_data(db, super::item_chunks::ITEMS_8_TREE)?
        || has_data(db, super::item_chunks::ITEMS_TREE)?;
    let mut version = match stored_version(meta)? {
        Some(v) => v,
        None if items_present => 0,
        None => SCHEMA_VERSION,
    };
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_string(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let migrated = version < SCHEMA_VERSION;
    while version < SCHEMA_VERSION {
        let Some(step) = MIGRATIONS.get(version as usize) else {
            break;
        };
        tracing::info!(from = version, to = version + 1, "migrating store");
        step(db, meta)?;
        version += 1;
        set_version(meta, version)?;
    }
    set_version(meta, version)?;
    Ok(migrated)
}
