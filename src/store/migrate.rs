//! Schema versions and migrations.
//!
//! `meta/schema` holds the version the store was last written with. On open,
//! every migration from that version up to [`SCHEMA_VERSION`] runs in order.
//! To change the layout: bump [`SCHEMA_VERSION`], append a function to
//! [`MIGRATIONS`] that takes the store from the previous version, and add a
//! test that opens a store written the old way.

use super::StoreError;

/// The layout this build writes.
pub const SCHEMA_VERSION: u32 = 3;

const SCHEMA: &[u8] = b"schema";

type Migration = fn(&sled::Db, &sled::Tree) -> Result<(), StoreError>;

/// `MIGRATIONS[n]` takes a store from version `n` to `n + 1`.
const MIGRATIONS: &[Migration] = &[from_0_unindexed, from_1_unchunked, from_2_moderation];

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
/// holds no items, and version 0 when it does.
pub fn run(db: &sled::Db, meta: &sled::Tree, path: &str) -> Result<(), StoreError> {
    let items_present = !db.open_tree("items")?.is_empty();
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
    while version < SCHEMA_VERSION {
        let Some(step) = MIGRATIONS.get(version as usize) else {
            break;
        };
        tracing::info!(from = version, to = version + 1, "migrating store");
        step(db, meta)?;
        version += 1;
        set_version(meta, version)?;
    }
    set_version(meta, version)
}
