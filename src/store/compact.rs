//! Copying a store into a fresh sled directory after a migration that
//! freed most of it.
//!
//! sled 0.34 never shrinks its file, and every open overwrites each free
//! 512 KB segment: a million-item store migrated to schema 4 kept about
//! 1.2 GB of free segments from the dropped per-item trees, and took 2.9 s
//! to open instead of 0.04 s. So the migration copies the live trees into
//! `<store>.compacting`, marks the copy complete, and swaps it in:
//!
//! 1. `<store>.compacting` is written and flushed, then gets the marker file;
//! 2. `<store>` is renamed `<store>.replaced`, the copy renamed `<store>`;
//! 3. `<store>.replaced` is removed.
//!
//! [`recover`] runs before every open and finishes or undoes a swap that a
//! crash interrupted: a copy without its marker is dropped (the original is
//! intact), a marked copy is swapped in.

use std::path::{Path, PathBuf};

use super::StoreError;

const COPY: &str = "compacting";
const OLD: &str = "replaced";
const MARKER: &str = "guichet-copy-complete";

/// Entries per write while copying.
const BATCH: usize = 4_096;

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Sled(sled::Error::Io(e))
}

/// Finishes or undoes a compaction that a crash interrupted.
pub fn recover(path: &Path) -> Result<(), StoreError> {
    let copy = sibling(path, COPY);
    let old = sibling(path, OLD);
    if copy.join(MARKER).exists() {
        if path.exists() {
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(io)?;
            }
            std::fs::rename(path, &old).map_err(io)?;
        }
        std::fs::rename(&copy, path).map_err(io)?;
        std::fs::remove_file(path.join(MARKER)).map_err(io)?;
    } else if copy.exists() {
        tracing::warn!(copy = %copy.display(), "dropping an unfinished store copy");
        std::fs::remove_dir_all(&copy).map_err(io)?;
    }
    if old.exists() && path.exists() {
        std::fs::remove_dir_all(&old).map_err(io)?;
    }
    Ok(())
}

/// Copies every tree of `db` but those in `skip` into a fresh store and
/// swaps it in place of `path`. `db` is closed; reopen `path` afterwards.
pub fn compact(db: sled::Db, path: &Path, skip: &[&str]) -> Result<(), StoreError> {
    let copy = sibling(path, COPY);
    if copy.exists() {
        std::fs::remove_dir_all(&copy).map_err(io)?;
    }
    {
        let fresh = super::segments::fresh().path(&copy).open()?;
        for name in db.tree_names() {
            if skip.iter().any(|s| s.as_bytes() == name.as_ref()) {
                continue;
            }
            let from = db.open_tree(&name)?;
            let to = fresh.open_tree(&name)?;
            let mut batch = sled::Batch::default();
            let mut pending = 0usize;
            for kv in from.iter() {
                let (k, v) = kv?;
                batch.insert(k, v);
                pending += 1;
                if pending == BATCH {
                    to.apply_batch(std::mem::take(&mut batch))?;
                    pending = 0;
                }
            }
            to.apply_batch(batch)?;
        }
        // Outbox entry ids and audit keys come from sled's id generator:
        // the copy must not hand out ids the original already gave.
        let used = db.generate_id()?;
        while fresh.generate_id()? < used {}
        fresh.flush()?;
    }
    drop(db);
    // The search text lives beside sled's files, not in a tree.
    let text = path.join(super::text_file::FILE_NAME);
    if text.exists() {
        std::fs::copy(&text, copy.join(super::text_file::FILE_NAME)).map_err(io)?;
    }
    std::fs::File::create(copy.join(MARKER))
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    recover(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unmarked_copy_is_dropped_and_a_marked_one_swapped_in() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        std::fs::create_dir(&store).unwrap();
        std::fs::write(store.join("db"), b"original").unwrap();
        let copy = sibling(&store, COPY);
        std::fs::create_dir(&copy).unwrap();
        std::fs::write(copy.join("db"), b"copy").unwrap();
        recover(&store).unwrap();
        assert!(!copy.exists(), "an unfinished copy goes");
        assert_eq!(std::fs::read(store.join("db")).unwrap(), b"original");

        std::fs::create_dir(&copy).unwrap();
        std::fs::write(copy.join("db"), b"copy").unwrap();
        std::fs::write(copy.join(MARKER), b"").unwrap();
        // Crash after the first rename: no store, a marked copy.
        std::fs::rename(&store, sibling(&store, OLD)).unwrap();
        recover(&store).unwrap();
        assert_eq!(std::fs::read(store.join("db")).unwrap(), b"copy");
        assert!(!store.join(MARKER).exists());
        assert!(!sibling(&store, OLD).exists());
        assert!(!copy.exists());
    }
}
