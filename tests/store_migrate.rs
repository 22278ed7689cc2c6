//! Schema migrations of the sled store: stores written by earlier layouts
//! open with every item and its local state, and a newer store is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::item;
use guichet::change::LocalChange;
use guichet::model::{Item, Network, Priority, Status, StatusKind};
use guichet::store::{SledStore, Store, TagRecord, codec, migrate};

/// Writes a store the way schema 3 and earlier did: one key per item in
/// `items` (values from `encode`), `ids`, `queue`, `by_thread`,
/// `by_author`, and `meta/schema` = `schema` (none for version 0).
fn write_old_layout(
    dir: &std::path::Path,
    items: &[Item],
    schema: Option<u32>,
    encode: fn(&Item) -> Vec<u8>,
) {
    let db = sled::open(dir).unwrap();
    let trees = |name: &str| db.open_tree(name).unwrap();
    for (seq, it) in (0u32..).zip(items) {
        let key = seq.to_be_bytes();
        trees("items").insert(key, encode(it)).unwrap();
        trees("ids").insert(it.id.as_str(), &key).unwrap();
        let created = it.remote.created_at.timestamp();
        let mut q = vec![it.local.status.kind().index()];
        q.extend_from_slice(&codec::time_bytes(created));
        q.extend_from_slice(&key);
        trees("queue").insert(q, &[]).unwrap();
        for (tree, group) in [
            ("by_thread", it.thread_key()),
            ("by_author", it.author_key()),
        ] {
            let mut k = group.into_bytes();
            k.push(0);
            k.extend_from_slice(&codec::time_bytes(created));
            k.extend_from_slice(&key);
            trees(tree).insert(k, &[]).unwrap();
        }
    }
    let meta = trees("meta");
    let next = u32::try_from(items.len()).unwrap();
    meta.insert(b"next_seq", &next.to_be_bytes()).unwrap();
    if let Some(v) = schema {
        migrate::set_version(&meta, v).unwrap();
    }
    db.flush().unwrap();
}

fn current(it: &Item) -> Vec<u8> {
    codec::encode(it).unwrap()
}

fn format_1(it: &Item) -> Vec<u8> {
    guichet::store::legacy::encode_item_v1(it).unwrap()
}

#[test]
fn schema_3_store_moves_to_chunks_and_keeps_local_state() {
    let dir = tempfile::tempdir().unwrap();
    // 150 items: several item chunks, the last one partly filled.
    let mut items: Vec<Item> = (0..150)
        .map(|i| item(Network::X, &format!("n{i}"), &format!("texte {i}"), i))
        .collect();
    items[3].local.status = Status::Done;
    items[3].local.tags = vec!["refund".into()];
    items[70].local.assignee = Some("camille".into());
    items[70].local.priority = Priority::Urgent;
    items[149].local.read = true;
    items[149].remote.text = "colis cassé".into();
    write_old_layout(dir.path(), &items, Some(3), current);
    {
        // Side trees written by schema 3 stay as they are.
        let db = sled::open(dir.path()).unwrap();
        let rec = TagRecord {
            by: "lea".into(),
            at: common::at(5),
            why: Some("asked twice".into()),
        };
        let mut k = 3u32.to_be_bytes().to_vec();
        k.extend_from_slice(b"refund");
        db.open_tree("tags")
            .unwrap()
            .insert(k, codec::encode(&rec).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    let store = common::reopen(dir.path()).unwrap();
    // The migrated store was copied into a fresh sled file and swapped in.
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    for leftover in ["compacting", "replaced"] {
        assert!(
            !dir.path()
                .with_file_name(format!("{name}.{leftover}"))
                .exists()
        );
    }
    // The copy has this build's 8 MB sled segments; the old store, made
    // with sled's default, opened with its own (sled refuses a change).
    let conf =
        String::from_utf8_lossy(&std::fs::read(dir.path().join("conf")).unwrap()).into_owned();
    assert!(conf.contains("segment_size: 8388608"), "{conf}");
    assert_eq!(store.len(), 150);
    for (seq, it) in (0u32..).zip(&items) {
        let (found, back) = store.find(&it.id).unwrap().unwrap();
        assert_eq!(found, seq);
        assert_eq!(back, *it, "item {seq} kept whole");
    }
    assert_eq!(store.get(3).unwrap().unwrap().local.status, Status::Done);
    assert_eq!(store.tag_records(3).unwrap()[0].1.by, "lea");
    let rows = store.rows().unwrap();
    assert_eq!(rows.rows.len(), 150);
    assert_eq!(rows.rows[3].status, StatusKind::Done);
    assert_eq!(
        rows.names.assignee_name(rows.rows[70].assignee),
        Some("camille")
    );
    assert_eq!(store.search("colis casse").unwrap(), vec![149]);
    assert_eq!(store.first_rows(2).unwrap().rows[0].seq, 0);
    assert_eq!(store.first_rows(5).unwrap().rows.len(), 5);
    assert!(!store.thread(&items[0], 5).unwrap().is_empty());
    // The per-item trees are gone.
    let names: Vec<String> = store
        .db()
        .tree_names()
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    for old in migrate::OLD_TREES {
        assert!(!names.contains(&old.to_string()), "{old} left behind");
    }
    assert_eq!(
        migrate::stored_version(&store.db().open_tree("meta").unwrap()).unwrap(),
        Some(migrate::SCHEMA_VERSION)
    );
    // New items continue the sequence; changes work on moved chunks.
    let (seqs, s) = store
        .ingest(vec![
            item(Network::X, "new", "after", 500),
            items[5].clone(),
        ])
        .unwrap();
    assert_eq!((s.new, s.unchanged), (1, 1));
    assert_eq!(seqs, vec![150, 5]);
    store
        .change(&[149, 150], &LocalChange::SetStatus(Status::Done), "me")
        .unwrap();
    assert!(store.get(149).unwrap().unwrap().local.read);
    assert_eq!(store.audit(5).unwrap().len(), 2);
}

#[test]
fn migrates_an_unversioned_store_and_refuses_a_newer_one() {
    let dir = tempfile::tempdir().unwrap();
    // Version 0: items only, no schema key, no indexes.
    write_old_layout(
        dir.path(),
        &[item(Network::X, "1", "old layout", 1)],
        None,
        current,
    );
    {
        let db = sled::open(dir.path()).unwrap();
        for tree in ["ids", "queue", "by_thread", "by_author"] {
            db.drop_tree(tree).unwrap();
        }
        db.flush().unwrap();
    }
    {
        let store = common::reopen(dir.path()).unwrap();
        assert_eq!(store.rows().unwrap().rows.len(), 1);
        let id = "x:brand:1".parse().unwrap();
        assert!(store.find(&id).unwrap().is_some());
        let meta = store.db().open_tree("meta").unwrap();
        assert_eq!(
            migrate::stored_version(&meta).unwrap(),
            Some(migrate::SCHEMA_VERSION)
        );
        meta.insert(b"schema", &99u32.to_be_bytes()).unwrap();
        store.flush().unwrap();
    }
    let err = common::reopen(dir.path())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("schema version 99"), "{err}");
}

#[test]
fn migrates_format_1_items_to_the_moderation_layout() {
    let dir = tempfile::tempdir().unwrap();
    let mut old = item(Network::Mastodon, "7", "written by version 2", 1);
    old.local.tags.push("vip".into());
    write_old_layout(dir.path(), std::slice::from_ref(&old), Some(2), format_1);
    let store = common::reopen(dir.path()).unwrap();
    let (_, back) = store.find(&old.id).unwrap().unwrap();
    assert_eq!(back.remote.text, "written by version 2");
    assert_eq!(back.local.tags, vec!["vip".to_string()]);
    assert_eq!(back.remote.moderation, Default::default());
}

#[test]
fn a_new_store_starts_at_the_current_schema() {
    let store = SledStore::temporary().unwrap();
    let meta = store.db().open_tree("meta").unwrap();
    assert_eq!(
        migrate::stored_version(&meta).unwrap(),
        Some(migrate::SCHEMA_VERSION)
    );
    assert!(
        !store
            .db()
            .tree_names()
            .iter()
            .any(|n| n.as_ref() == b"items")
    );
}

#[test]
fn a_current_store_made_with_sleds_default_segments_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    {
        // As this schema's stores were made before the 8 MB segments.
        let db = sled::open(dir.path()).unwrap();
        let meta = db.open_tree("meta").unwrap();
        migrate::set_version(&meta, migrate::SCHEMA_VERSION).unwrap();
        db.flush().unwrap();
    }
    {
        let store = common::reopen(dir.path()).unwrap();
        store
            .ingest(vec![item(Network::X, "1", "still works", 0)])
            .unwrap();
        store.flush().unwrap();
    }
    let store = common::reopen(dir.path()).unwrap();
    assert_eq!(store.len(), 1);
    let conf =
        String::from_utf8_lossy(&std::fs::read(dir.path().join("conf")).unwrap()).into_owned();
    assert!(
        conf.contains("segment_size: 524288"),
        "kept its own: {conf}"
    );
}

/// A store of 200 items (one tagged "vip") whose items are then moved
/// into `tree`, 2^`bits` per key, as schema `version` kept them; reopened,
/// everything is back in 16-item chunks.
fn items_move_from(tree: &str, bits: u32, version: u32, old_keys: usize) {
    use guichet::store::item_chunks::{ChunkBuf, ChunkView, ITEMS_TREE};
    let dir = tempfile::tempdir().unwrap();
    let items: Vec<Item> = (0..200)
        .map(|i| {
            item(
                Network::Mastodon,
                &i.to_string(),
                &format!("message {i}"),
                i,
            )
        })
        .collect();
    {
        let store = SledStore::open(dir.path()).unwrap();
        store.ingest(items.clone()).unwrap();
        let (seq, _) = store.find(&items[130].id).unwrap().unwrap();
        store
            .change(
                &[seq],
                &LocalChange::AddTag {
                    tag: "vip".into(),
                    why: None,
                },
                "camille",
            )
            .unwrap();
        store.flush().unwrap();
    }
    {
        let db = guichet::store::segments::config(dir.path()).open().unwrap();
        let new = db.open_tree(ITEMS_TREE).unwrap();
        let old = db.open_tree(tree).unwrap();
        let mut bufs = std::collections::BTreeMap::<u32, ChunkBuf>::new();
        for kv in new.iter() {
            let (_, v) = kv.unwrap();
            for (seq, body) in ChunkView::new(&v).entries() {
                bufs.entry(seq >> bits)
                    .or_default()
                    .put_encoded(seq, body.to_vec());
            }
        }
        assert_eq!(bufs.len(), old_keys);
        for (key, buf) in bufs {
            old.insert(key.to_be_bytes(), buf.to_bytes()).unwrap();
        }
        db.drop_tree(ITEMS_TREE).unwrap();
        let meta = db.open_tree("meta").unwrap();
        migrate::set_version(&meta, version).unwrap();
        db.flush().unwrap();
    }
    let store = common::reopen(dir.path()).unwrap();
    assert_eq!(store.len(), 200);
    for it in &items {
        let (seq, back) = store.find(&it.id).unwrap().unwrap();
        assert_eq!(back.remote.text, it.remote.text);
        assert_eq!(store.get(seq).unwrap().unwrap().id, it.id);
    }
    let (_, vip) = store.find(&items[130].id).unwrap().unwrap();
    assert_eq!(vip.local.tags, vec!["vip".to_string()]);
    assert_eq!(store.search("message 177").unwrap().len(), 1);
    let names = store.db().tree_names();
    assert!(!names.iter().any(|n| n.as_ref() == tree.as_bytes()));
    let chunks = store.db().open_tree(ITEMS_TREE).unwrap();
    assert_eq!(chunks.len(), 13, "16 items per chunk");
    for kv in chunks.iter() {
        let (_, v) = kv.unwrap();
        let n = ChunkView::new(&v).len();
        assert!(n == 16 || n == 200 % 16, "a whole chunk: {n}");
    }
    let meta = store.db().open_tree("meta").unwrap();
    assert_eq!(
        migrate::stored_version(&meta).unwrap(),
        Some(migrate::SCHEMA_VERSION)
    );
}

#[test]
fn schema_5_items_in_64_item_chunks_move_to_16_item_chunks() {
    items_move_from(guichet::store::item_chunks::OLD_ITEMS_TREE, 6, 5, 4);
}

#[test]
fn schema_6_items_in_8_item_chunks_merge_into_16_item_chunks() {
    items_move_from(guichet::store::item_chunks::ITEMS_8_TREE, 3, 6, 25);
}
