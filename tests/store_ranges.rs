//! The store's reads for reports: audit lines of a time range (imported
//! with their own times), items created in a range, many ids at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{at, item};
use guichet::change::LocalChange;
use guichet::model::{ItemId, Network};
use guichet::store::{AuditEntry, SledStore, Store};

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

#[test]
fn created_between_visits_only_items_of_the_range() {
    let store = SledStore::temporary().unwrap();
    let items: Vec<_> = (0..200)
        .map(|i| item(Network::Mastodon, &format!("m{i}"), "t", i * 10))
        .collect();
    store.ingest(items).unwrap();
    let mut seen = Vec::new();
    store
        .created_between(at(500), at(1000), &mut |batch| {
            seen.extend(batch.into_iter().map(|(_, i)| i.remote.native_id));
        })
        .unwrap();
    // Created at 500, 510 … 990: items 50 to 99.
    let expected: Vec<String> = (50..100).map(|i| format!("m{i}")).collect();
    assert_eq!(seen, expected);
}

#[test]
fn find_many_finds_known_ids_in_one_go() {
    let store = SledStore::temporary().unwrap();
    let items: Vec<_> = (0..100)
        .map(|i| item(Network::Bluesky, &format!("b{i}"), "t", i))
        .collect();
    store.ingest(items).unwrap();
    let ids: Vec<ItemId> = [
        "bluesky:brand:b7",
        "bluesky:brand:b70",
        "bluesky:brand:nope",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    let found: Vec<String> = store
        .find_many(&ids)
        .unwrap()
        .into_iter()
        .map(|(_, i)| i.id.to_string())
        .collect();
    assert_eq!(found, ["bluesky:brand:b7", "bluesky:brand:b70"]);
}

#[test]
fn created_between_reads_a_large_range_on_two_threads_and_misses_nothing() {
    let store = SledStore::temporary().unwrap();
    // Above the size where a second thread helps (50,000).
    let items: Vec<_> = (0..60_000)
        .map(|i| item(Network::X, &format!("n{i}"), "", i))
        .collect();
    store.ingest(items).unwrap();
    let mut seqs = Vec::new();
    store
        .created_between(at(1_000), at(59_000), &mut |batch| {
            seqs.extend(batch.into_iter().map(|(seq, _)| seq));
        })
        .unwrap();
    seqs.sort_unstable();
    // Items 1,000 to 58,999, each once.
    assert_eq!(seqs.len(), 58_000);
    seqs.dedup();
    assert_eq!(seqs.len(), 58_000);
}
