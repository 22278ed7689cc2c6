//! The store's reads for reports: audit lines of a time range (imported
//! with their own times), the report items (row, id hash, fact) created in
//! a range or among many ids, and the report trail of audit events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::{at, item};
use guichet::change::LocalChange;
use guichet::model::{ItemId, Network};
use guichet::report::trail::What;
use guichet::store::rows::Interner;
use guichet::store::slots::hash64;
use guichet::store::{AuditEntry, ReportItem, ReportPick, SledStore, Store, TrailRead};

fn line(secs: i64, what: &str, id: &ItemId) -> AuditEntry {
    AuditEntry {
        at: at(secs),
        who: "camille".into(),
        item: id.clone(),
        what: what.into(),
    }
}

#[test]
fn audit_between_reads_a_half_open_time_range_in_order() {
    let store = SledStore::temporary().unwrap();
    let id: ItemId = "x:brand:1".parse().unwrap();
    // Imported out of order; read back by time.
    store
        .import_audit(&[
            line(300, "status done", &id),
            line(100, "status answered", &id),
            line(200, "tag +refund", &id),
            line(400, "hide sent", &id),
        ])
        .unwrap();
    let got: Vec<String> = store
        .audit_between(at(100), at(400))
        .unwrap()
        .into_iter()
        .map(|e| e.what)
        .collect();
    // 100 is in, 400 (the end) is out.
    assert_eq!(got, ["status answered", "tag +refund", "status done"]);
    assert!(store.audit_between(at(400), at(100)).unwrap().is_empty());
    // A local change's own line (written now) is outside this old range.
    let (seqs, _) = store
        .ingest(vec![item(Network::X, "1", "hello", 0)])
        .unwrap();
    store
        .change(&seqs, &LocalChange::AddNote("n".into()), "me")
        .unwrap();
    assert_eq!(store.audit_between(at(0), at(1000)).unwrap().len(), 4);
    let now = chrono::Utc::now();
    let recent = store
        .audit_between(
            now - chrono::Duration::minutes(5),
            now + chrono::Duration::minutes(5),
        )
        .unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].what, "note");
}

/// The native ids of the report items `pick` chooses, in visit order.
fn picked(store: &SledStore, pick: ReportPick<'_>) -> Vec<(String, ReportItem)> {
    let mut names = Interner::default();
    let mut out = Vec::new();
    store
        .report_items(pick, &mut names, &mut |_, batch| {
            for it in batch {
                let item = store.get(it.row.seq).unwrap().unwrap();
                out.push((item.remote.native_id, it));
            }
        })
        .unwrap();
    out
}

#[test]
fn report_items_are_those_created_in_the_range_to_the_nanosecond() {
    let store = SledStore::temporary().unwrap();
    let mut items: Vec<_> = (0..3000)
        .map(|i| item(Network::Mastodon, &format!("m{i}"), "t", i * 10))
        .collect();
    // Half a second after 500: in a range starting at 500.5 s, unlike m50.
    items[50].remote.created_at = at(500) + Duration::milliseconds(500);
    store.ingest(items).unwrap();
    let got = picked(
        &store,
        ReportPick::Created {
            from: at(500) + Duration::milliseconds(400),
            to: at(25_000),
        },
    );
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    // m50 (at 500.5 s) to m2499: over three groups of 1,024 seqs, in order.
    let expected: Vec<String> = (50..2500).map(|i| format!("m{i}")).collect();
    assert_eq!(ids, expected);
    let (_, first) = &got[0];
    assert_eq!(
        first.fact.created_at(),
        at(500) + Duration::milliseconds(500)
    );
    assert_eq!(first.row.network, Network::Mastodon);
    assert_eq!(first.id, hash64("mastodon:brand:m50"));
}

#[test]
fn report_items_by_id_hash_find_known_ids_in_one_go() {
    let store = SledStore::temporary().unwrap();
    let items: Vec<_> = (0..100)
        .map(|i| item(Network::Bluesky, &format!("b{i}"), "t", i))
        .collect();
    store.ingest(items).unwrap();
    let ids: rustc_hash::FxHashSet<u64> = [
        "bluesky:brand:b7",
        "bluesky:brand:b70",
        "bluesky:brand:nope",
    ]
    .iter()
    .map(|s| hash64(s))
    .collect();
    let got: Vec<String> = picked(&store, ReportPick::Ids(&ids))
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(got, ["b7", "b70"]);
}

#[test]
fn facts_follow_the_remote_half_and_keep_the_sentiment_of_the_text() {
    let store = SledStore::temporary().unwrap();
    let mut first = item(Network::X, "1", "Colis cassé, service nul.", 0);
    first.remote.engagement.likes = Some(4);
    let mut reply = item(Network::X, "2", "Merci, parfait !", 5);
    reply.remote.from_us = true;
    reply.remote.parent_id = Some("1".into());
    store.ingest(vec![first.clone(), reply]).unwrap();
    let range = ReportPick::Created {
        from: at(0),
        to: at(10),
    };
    let got = picked(&store, range);
    let (_, f1) = &got[0];
    assert_eq!(f1.fact.sentiment, -2);
    assert_eq!(f1.fact.engagement.likes, Some(4));
    assert_eq!(f1.fact.followers, Some(10));
    assert!(!f1.fact.from_us);
    assert_eq!(f1.fact.parent, 0);
    let (_, f2) = &got[1];
    assert!(f2.fact.from_us);
    assert_eq!(
        f2.fact.parent,
        hash64("x:brand:1"),
        "the reply points at item 1"
    );
    assert_eq!(f2.fact.sentiment, 2);
    // A re-sync with new counts and text rewrites the fact.
    first.remote.engagement.likes = Some(9);
    first.remote.text = "Super, merci".into();
    store.ingest(vec![first]).unwrap();
    let (_, again) = &picked(&store, range)[0];
    assert_eq!(again.fact.engagement.likes, Some(9));
    assert_eq!(again.fact.sentiment, 2);
}

fn whats(read: &TrailRead) -> Vec<(String, What)> {
    read.events
        .iter()
        .map(|e| (read.names[e.who as usize].clone(), e.what.clone()))
        .collect()
}

#[test]
fn the_trail_keeps_the_report_events_of_imports_and_local_changes() {
    let store = SledStore::temporary().unwrap();
    let id: ItemId = "x:brand:1".parse().unwrap();
    store
        .import_audit(&[
            line(100, "status answered", &id),
            line(200, "note", &id),
            line(4_000, "escalate Marie Dubois (refund)", &id),
            line(9_000, "hide sent", &id),
        ])
        .unwrap();
    let read = store.trail_between(at(100), at(9_000)).unwrap();
    assert_eq!(
        whats(&read),
        [
            ("camille".to_string(), What::Answered),
            ("camille".to_string(), What::Escalated),
            ("camille".to_string(), What::Assigned("Marie Dubois".into())),
        ],
        "the note is not a report event, and 9,000 is past the end"
    );
    assert_eq!(read.names, ["camille"], "one name, across hours");
    assert!(read.events.iter().all(|e| e.item == hash64("x:brand:1")));
    // A local change writes its event in the same transaction.
    let (seqs, _) = store.ingest(vec![item(Network::X, "1", "hi", 0)]).unwrap();
    let change = LocalChange::AddTag {
        tag: "refund".into(),
        why: None,
    };
    store.change(&seqs, &change, "lea").unwrap();
    let now = chrono::Utc::now();
    let recent = store
        .trail_between(now - Duration::minutes(5), now + Duration::minutes(5))
        .unwrap();
    assert_eq!(
        whats(&recent),
        [("lea".to_string(), What::TagAdded("refund".into()))]
    );
}

/// A store with one item ("Service nul", at 50 s) and one imported line,
/// closed, tampered with through sled directly (as a crash or an older
/// build would leave it), and opened again.
fn reopened_after(
    line_what: &str,
    tamper: impl FnOnce(&sled::Db, &sled::Tree),
) -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let id: ItemId = "x:brand:1".parse().unwrap();
    {
        let store = SledStore::open(&path).unwrap();
        store
            .ingest(vec![item(Network::X, "1", "Service nul", 50)])
            .unwrap();
        store.import_audit(&[line(100, line_what, &id)]).unwrap();
        store.flush().unwrap();
    }
    {
        // With the store's own sled settings (sled refuses others).
        let db = guichet::store::segments::config(&path).open().unwrap();
        tamper(&db, &db.open_tree("meta").unwrap());
        db.flush().unwrap();
    }
    let store = common::reopen(&path).unwrap();
    (dir, store)
}

/// The one item's fact, read as a report reads it.
fn only_fact(store: &SledStore) -> guichet::store::Fact {
    let range = ReportPick::Created {
        from: at(0),
        to: at(60),
    };
    let got = picked(store, range);
    assert_eq!(got.len(), 1, "the item has its fact");
    got[0].1.fact
}

#[test]
fn a_schema_4_store_gets_its_facts_and_trail_when_opened() {
    let (_dir, store) = reopened_after("status done", |db, meta| {
        // As schema 4 left it: no facts, no trail.
        db.drop_tree("facts").unwrap();
        db.drop_tree("trail").unwrap();
        meta.insert("schema", &4u32.to_be_bytes()).unwrap();
    });
    assert_eq!(only_fact(&store).sentiment, -1);
    let read = store.trail_between(at(0), at(200)).unwrap();
    assert_eq!(whats(&read), [("camille".to_string(), What::Done)]);
}

#[test]
fn an_interrupted_import_rebuilds_the_trail_on_the_next_open() {
    let (_dir, store) = reopened_after("status answered", |db, meta| {
        // As if the process died after the audit batch, before the trail.
        db.open_tree("trail").unwrap().clear().unwrap();
        meta.insert("trail-dirty", &[1]).unwrap();
    });
    let read = store.trail_between(at(0), at(200)).unwrap();
    assert_eq!(whats(&read), [("camille".to_string(), What::Answered)]);
}

#[test]
fn a_new_sentiment_lexicon_rescores_the_stored_items_on_open() {
    let (_dir, store) = reopened_after("note", |db, meta| {
        // Scores written by an older lexicon (here: none at all).
        db.open_tree("facts").unwrap().clear().unwrap();
        let old = guichet::report::sentiment::LEXICON.wrapping_sub(1);
        meta.insert("lexicon", &old.to_be_bytes()).unwrap();
    });
    assert_eq!(only_fact(&store).sentiment, -1);
}
