//! The sled store: upsert preservation, ordering, indexes, audit, reopening
//! after a restart and crash recovery (migrations: `store_migrate.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{at, item};
use guichet::change::LocalChange;
use guichet::model::{Network, Priority, Status, StatusKind};
use guichet::store::{SledStore, Store};

#[test]
fn resync_updates_remote_fields_and_keeps_local_state() {
    let store = SledStore::temporary().unwrap();
    let (seqs, s) = store
        .ingest(vec![item(Network::X, "1", "first text", 10)])
        .unwrap();
    assert_eq!(s.new, 1);
    let seq = seqs[0];
    store
        .change(
            &[seq],
            &LocalChange::AddTag {
                tag: "refund".into(),
                why: Some("asked twice".into()),
            },
            "camille",
        )
        .unwrap();
    store
        .change(&[seq], &LocalChange::SetStatus(Status::Done), "camille")
        .unwrap();
    store
        .change(
            &[seq],
            &LocalChange::AddNote("call back monday".into()),
            "camille",
        )
        .unwrap();
    store
        .change(
            &[seq],
            &LocalChange::Assign(Some("support".into())),
            "camille",
        )
        .unwrap();

    let mut edited = item(Network::X, "1", "edited text", 10);
    edited.remote.engagement.likes = Some(4);
    let (again, s) = store.ingest(vec![edited]).unwrap();
    assert_eq!(again, seqs);
    assert_eq!(s.updated, 1);

    let got = store.get(seq).unwrap().unwrap();
    assert_eq!(got.remote.text, "edited text");
    assert_eq!(got.remote.engagement.likes, Some(4));
    assert_eq!(got.local.status, Status::Done);
    assert_eq!(got.local.tags, vec!["refund"]);
    assert_eq!(got.local.notes.len(), 1);
    assert_eq!(got.local.assignee.as_deref(), Some("support"));

    // The queue index follows the local status, not the default of a new item.
    let rows = store.rows().unwrap();
    assert_eq!(rows.rows.len(), 1);
    assert_eq!(rows.rows[0].status, StatusKind::Done);

    let same = item(Network::X, "1", "edited text", 10);
    let mut same = same;
    same.remote.engagement.likes = Some(4);
    let (_, s) = store.ingest(vec![same]).unwrap();
    assert_eq!(s.unchanged, 1);
}

#[test]
fn duplicate_ids_in_one_batch_become_one_item() {
    let store = SledStore::temporary().unwrap();
    let (seqs, s) = store
        .ingest(vec![
            item(Network::X, "1", "a", 1),
            item(Network::X, "1", "b", 1),
        ])
        .unwrap();
    assert_eq!(seqs[0], seqs[1]);
    assert_eq!(s.new, 1);
    assert_eq!(store.len(), 1);
    assert_eq!(store.get(seqs[0]).unwrap().unwrap().remote.text, "b");
    assert_eq!(store.rows().unwrap().rows.len(), 1);
}

#[test]
fn queue_index_orders_unanswered_oldest_first() {
    let store = SledStore::temporary().unwrap();
    let items = vec![
        item(Network::X, "c", "newest", 300),
        item(Network::Facebook, "a", "oldest", 100),
        item(Network::Bluesky, "b", "middle", 200),
    ];
    let (seqs, _) = store.ingest(items).unwrap();
    store
        .change(&[seqs[2]], &LocalChange::SetRead(true), "me")
        .unwrap();
    // rows() comes in seq order; the queue sorts it oldest first.
    let mut rows = store.rows().unwrap();
    assert_eq!(rows.rows.iter().map(|r| r.seq).collect::<Vec<_>>(), seqs);
    guichet::filter::sort_rows(&mut rows);
    assert!(rows.rows.iter().find(|r| r.seq == seqs[2]).unwrap().read);
    let created: Vec<i64> = rows.rows.iter().map(|r| r.created).collect();
    assert_eq!(
        created,
        vec![
            at(100).timestamp(),
            at(200).timestamp(),
            at(300).timestamp()
        ]
    );

    // Done items leave the unanswered buckets read by the first screen.
    store
        .change(&[seqs[1]], &LocalChange::SetStatus(Status::Done), "me")
        .unwrap();
    let first = store.first_rows(10).unwrap();
    let texts: Vec<String> = first
        .rows
        .iter()
        .map(|r| store.get(r.seq).unwrap().unwrap().remote.text)
        .collect();
    assert_eq!(texts, vec!["middle", "newest"]);
}

#[test]
fn thread_and_author_indexes_and_search() {
    let store = SledStore::temporary().unwrap();
    let mut other_thread = item(Network::X, "zz", "Livraison en RETARD", 50);
    other_thread.remote.thread_id = Some("post2".into());
    let (seqs, _) = store
        .ingest(vec![
            item(Network::X, "1", "premier", 10),
            item(Network::X, "22", "deuxième", 20),
            other_thread,
        ])
        .unwrap();
    let first = store.get(seqs[0]).unwrap().unwrap();
    let thread: Vec<u32> = store
        .thread(&first, 10)
        .unwrap()
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(thread, vec![seqs[0], seqs[1]]);
    let by_author: Vec<u32> = store
        .by_author(&first, 10)
        .unwrap()
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    // "1" has author-1; "zz" and "22" share author-2.
    assert_eq!(by_author, vec![seqs[0]]);
    assert_eq!(store.search("retard livraison").unwrap(), vec![seqs[2]]);
    assert_eq!(store.search("DEUXIEME").unwrap(), vec![seqs[1]]);
    assert!(store.search("absent").unwrap().is_empty());
}

#[test]
fn audit_and_tag_records_say_who_when_why() {
    let store = SledStore::temporary().unwrap();
    let (seqs, _) = store
        .ingest(vec![
            item(Network::Instagram, "1", "x", 1),
            item(Network::Instagram, "2", "y", 2),
        ])
        .unwrap();
    store
        .change(
            &seqs,
            &LocalChange::SetPriority(Priority::Urgent),
            "camille",
        )
        .unwrap();
    store
        .change(
            &seqs[..1],
            &LocalChange::AddTag {
                tag: "legal".into(),
                why: Some("allergy".into()),
            },
            "lea",
        )
        .unwrap();
    // A no-op change writes nothing.
    store
        .change(
            &seqs[..1],
            &LocalChange::SetPriority(Priority::Urgent),
            "lea",
        )
        .unwrap();
    let audit = store.audit(10).unwrap();
    assert_eq!(audit.len(), 3);
    assert_eq!(audit[0].who, "lea");
    assert_eq!(audit[0].what, "tag +legal");
    assert!(audit.iter().filter(|a| a.what == "priority urgent").count() == 2);
    let tags = store.tag_records(seqs[0]).unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].0, "legal");
    assert_eq!(tags[0].1.by, "lea");
    assert_eq!(tags[0].1.why.as_deref(), Some("allergy"));
    store
        .change(
            &seqs[..1],
            &LocalChange::RemoveTag {
                tag: "legal".into(),
                why: Some("not a legal matter after all".into()),
            },
            "lea",
        )
        .unwrap();
    assert!(store.tag_records(seqs[0]).unwrap().is_empty());
    assert_eq!(store.audit(1).unwrap()[0].what, "tag -legal");
}

#[test]
fn reopening_after_restart_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let seq = {
        let store = common::reopen(dir.path()).unwrap();
        let (seqs, _) = store
            .ingest(vec![item(Network::Mastodon, "9", "persist me", 5)])
            .unwrap();
        store
            .change(&seqs, &LocalChange::SetStatus(Status::Escalated), "me")
            .unwrap();
        store.flush().unwrap();
        seqs[0]
    };
    let store = common::reopen(dir.path()).unwrap();
    let got = store.get(seq).unwrap().unwrap();
    assert_eq!(got.local.status, Status::Escalated);
    assert_eq!(store.audit(5).unwrap().len(), 1);
    // New items continue the sequence instead of overwriting.
    let (seqs, _) = store
        .ingest(vec![item(Network::Mastodon, "10", "second", 6)])
        .unwrap();
    assert_ne!(seqs[0], seq);
    assert_eq!(store.len(), 2);
}

#[test]
fn interrupted_ingest_is_repaired_on_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = common::reopen(dir.path()).unwrap();
        store
            .ingest(vec![
                item(Network::X, "1", "a", 1),
                item(Network::X, "2", "b", 2),
            ])
            .unwrap();
        // Simulate a crash between the items write and the index writes.
        let db = store.db();
        db.open_tree("slots").unwrap().clear().unwrap();
        db.open_tree("rows").unwrap().clear().unwrap();
        db.open_tree("text").unwrap().clear().unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert(b"dirty", &[1])
            .unwrap();
        store.flush().unwrap();
    }
    let store = common::reopen(dir.path()).unwrap();
    assert_eq!(store.rows().unwrap().rows.len(), 2);
    assert_eq!(store.search("b").unwrap().len(), 1);
}

#[test]
fn drafts_and_reply_usage_survive_restart_and_resync() {
    use guichet::store::Draft;
    let dir = tempfile::tempdir().unwrap();
    let original = item(Network::Mastodon, "d1", "where is my parcel?", 5);
    let id = original.id.clone();
    {
        let store = common::reopen(dir.path()).unwrap();
        store.ingest(vec![original.clone()]).unwrap();
        let draft = Draft {
            text: "Bonjour, votre commande [[numéro]] ".into(),
            template: Some("delivery-delay".into()),
            private: false,
            updated: at(7),
        };
        store.set_draft(&id, Some(&draft)).unwrap();
        store
            .record_reply_use("ana", "delivery-delay", at(8))
            .unwrap();
        store
            .record_reply_use("ana", "delivery-delay", at(9))
            .unwrap();
        store.record_reply_use("bob", "thanks", at(9)).unwrap();
        // No flush of the whole store: set_draft itself must be durable.
    }
    let store = common::reopen(dir.path()).unwrap();
    // A re-sync of the same item keeps the draft.
    let mut resynced = original;
    resynced.remote.text = "where is my parcel?? (edited)".into();
    store.ingest(vec![resynced]).unwrap();
    let draft = store.draft(&id).unwrap().unwrap();
    assert_eq!(draft.template.as_deref(), Some("delivery-delay"));
    assert!(draft.text.starts_with("Bonjour"));
    assert_eq!(store.drafts().unwrap().len(), 1);
    let usage = store.reply_usage("ana").unwrap();
    assert_eq!(usage["delivery-delay"].count, 2);
    assert_eq!(usage["delivery-delay"].last, at(9));
    assert!(!usage.contains_key("thanks"), "usage is per agent");
    store.set_draft(&id, None).unwrap();
    assert!(store.draft(&id).unwrap().is_none());
    assert!(store.drafts().unwrap().is_empty());
}

#[test]
fn a_store_without_its_search_text_file_writes_it_again_on_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = common::reopen(dir.path()).unwrap();
        store
            .ingest(vec![item(Network::Mastodon, "9", "colis cassé", 5)])
            .unwrap();
        assert_eq!(store.search("colis casse").unwrap().len(), 1);
        store.flush().unwrap();
    }
    // As a store made before the search text left sled (or a lost file).
    std::fs::remove_file(dir.path().join("search-text")).unwrap();
    let store = common::reopen(dir.path()).unwrap();
    assert_eq!(store.search("colis casse").unwrap().len(), 1);
    assert!(dir.path().join("search-text").exists());
}

#[test]
fn glances_show_a_queue_line_and_follow_a_resync() {
    let store = SledStore::temporary().unwrap();
    let mut first = item(Network::X, "1", "Livraison en retard", 10);
    first.remote.author.handle = "lea_m".into();
    let (seqs, _) = store
        .ingest(vec![first.clone(), item(Network::X, "2", "Merci !", 20)])
        .unwrap();
    let glances = store.glances(&[seqs[1], seqs[0], 999]).unwrap();
    let got: Vec<(u32, &str, &str, &str)> = glances
        .iter()
        .map(|(s, g)| (*s, g.id.as_str(), g.handle.as_str(), g.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (seqs[0], "x:brand:1", "lea_m", "Livraison en retard"),
            (seqs[1], "x:brand:2", "@fan1", "Merci !"),
        ],
        "in seq order, the unknown seq left out"
    );
    first.remote.text = "Livraison arrivée, merci".into();
    store.ingest(vec![first]).unwrap();
    let again = store.glances(&[seqs[0]]).unwrap();
    assert_eq!(again[0].1.text, "Livraison arrivée, merci");
}

#[test]
fn a_search_text_file_without_glances_gets_them_on_open() {
    use guichet::store::glance::GLANCE_BASE;
    use guichet::store::text_file::TextFile;
    let dir = tempfile::tempdir().unwrap();
    let seq = {
        let store = common::reopen(dir.path()).unwrap();
        let (seqs, _) = store
            .ingest(vec![item(Network::Mastodon, "9", "colis cassé", 5)])
            .unwrap();
        store.flush().unwrap();
        seqs[0]
    };
    {
        // As the file was before glances: search chunks only.
        let file = TextFile::open(Some(dir.path())).unwrap();
        assert!(file.has_from(GLANCE_BASE));
        let search = file.get(0).unwrap().unwrap();
        file.clear().unwrap();
        file.put_many(&[(0, search)]).unwrap();
        file.sync().unwrap();
        assert!(!file.has_from(GLANCE_BASE));
    }
    let store = common::reopen(dir.path()).unwrap();
    let glances = store.glances(&[seq]).unwrap();
    assert_eq!(glances.len(), 1);
    assert_eq!(glances[0].1.text, "colis cassé");
    assert_eq!(store.search("colis casse").unwrap(), vec![seq]);
}
