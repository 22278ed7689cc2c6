//! Escalation records and the tag/assignment history in the store, and the
//! boomerang: an overdue escalation back on top of the queue.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, Utc};
use common::item;
use guichet::change::LocalChange;
use guichet::filter::{self, Sort, builtin_views};
use guichet::model::{Network, Status};
use guichet::store::{Happened, Store};

fn escalate(to: &str, due: Option<chrono::DateTime<Utc>>) -> LocalChange {
    LocalChange::Escalate {
        to: to.into(),
        tag: "refund".into(),
        due,
        note: Some("order 4411, card charged twice".into()),
    }
}

#[test]
fn history_keeps_additions_removals_and_escalations_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let due = Utc::now() + Duration::hours(4);
    let seq = {
        let store = common::reopen(dir.path()).unwrap();
        let (seqs, _) = store
            .ingest(vec![item(Network::Instagram, "1", "charged twice!", 10)])
            .unwrap();
        let add = LocalChange::AddTag {
            tag: "legal".into(),
            why: Some("mentions a lawyer".into()),
        };
        store.change(&seqs, &add, "camille").unwrap();
        let remove = LocalChange::RemoveTag {
            tag: "legal".into(),
            why: Some("only a figure of speech".into()),
        };
        store.change(&seqs, &remove, "lea").unwrap();
        store
            .change(&seqs, &escalate("marie", Some(due)), "camille")
            .unwrap();
        store.flush().unwrap();
        seqs[0]
    };
    let store = common::reopen(dir.path()).unwrap();
    let history = store.history(seq).unwrap();
    let what: Vec<&Happened> = history.iter().map(|e| &e.happened).collect();
    assert_eq!(
        what,
        vec![
            &Happened::TagAdded {
                tag: "legal".into(),
                why: Some("mentions a lawyer".into())
            },
            &Happened::TagRemoved {
                tag: "legal".into(),
                why: Some("only a figure of speech".into())
            },
            &Happened::Escalated {
                to: "marie".into(),
                tag: "refund".into(),
                due: Some(due),
                note: Some("order 4411, card charged twice".into()),
            },
        ]
    );
    assert_eq!(history[1].by, "lea");
    let open = store.escalations().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].0, seq);
    assert_eq!(open[0].1.to, "marie");
    assert_eq!(open[0].1.by, "camille");
    assert_eq!(open[0].1.due, Some(due));
    assert_eq!(store.escalation(seq).unwrap(), Some(open[0].1.clone()));
    let got = store.get(seq).unwrap().unwrap();
    assert_eq!(got.local.status, Status::Escalated);
    assert_eq!(got.local.assignee.as_deref(), Some("marie"));
    // The tag record is gone (the tag is gone) but its history is not.
    assert!(store.tag_records(seq).unwrap().is_empty());
}

#[test]
fn leaving_escalated_closes_the_record_and_says_how() {
    let store = guichet::store::SledStore::temporary().unwrap();
    let (seqs, _) = store
        .ingest(vec![item(Network::X, "1", "where is my parcel", 10)])
        .unwrap();
    store
        .change(&seqs, &escalate("support", None), "me")
        .unwrap();
    // Escalating again to someone else closes the first record.
    store.change(&seqs, &escalate("marie", None), "me").unwrap();
    assert_eq!(store.escalations().unwrap()[0].1.to, "marie");
    store
        .change(&seqs, &LocalChange::SetStatus(Status::Open), "marie")
        .unwrap();
    assert!(store.escalations().unwrap().is_empty());
    assert_eq!(store.escalation(seqs[0]).unwrap(), None);
    let closed: Vec<String> = store
        .history(seqs[0])
        .unwrap()
        .iter()
        .filter_map(|e| match &e.happened {
            Happened::EscalationClosed { to, status, .. } => Some(format!("{to}:{status}")),
            _ => None,
        })
        .collect();
    assert_eq!(closed, vec!["support:escalated again", "marie:open"]);
    // A status change that is not from escalated records nothing more.
    store
        .change(&seqs, &LocalChange::SetStatus(Status::Done), "me")
        .unwrap();
    assert_eq!(store.history(seqs[0]).unwrap().len(), 4);
}

#[test]
fn overdue_escalations_come_back_on_top_of_the_inbox() {
    let store = guichet::store::SledStore::temporary().unwrap();
    let now = Utc::now();
    let items = (0..5)
        .map(|i| item(Network::Facebook, &i.to_string(), "hello", 100 + i))
        .collect();
    let (seqs, _) = store.ingest(items).unwrap();
    // Item 3 is escalated and overdue; item 4 escalated and not yet due.
    store
        .change(
            &seqs[3..4],
            &escalate("marie", Some(now - Duration::minutes(5))),
            "me",
        )
        .unwrap();
    store
        .change(
            &seqs[4..5],
            &escalate("marie", Some(now + Duration::hours(2))),
            "me",
        )
        .unwrap();
    let views = builtin_views();
    let inbox = &views[0].filter;
    let escalated = views.iter().find(|v| v.name == "Escalated").unwrap();
    let ts = now.timestamp();

    let set = store.rows().unwrap();
    let order = |set: &guichet::store::RowSet, f: &filter::Filter, sort: Sort| -> Vec<u32> {
        filter::view(set, f, None, sort, ts)
            .into_iter()
            .map(|i| set.rows[i as usize].seq)
            .collect()
    };
    // The inbox: the overdue escalation first, then the unanswered oldest
    // first; the escalation not yet due stays out.
    assert_eq!(
        order(&set, inbox, Sort::OldestFirst),
        vec![seqs[3], seqs[0], seqs[1], seqs[2]]
    );
    assert_eq!(order(&set, inbox, Sort::NewestFirst)[0], seqs[3]);
    // The escalations view, soonest due first.
    assert_eq!(escalated.sort, Sort::DueFirst);
    assert_eq!(
        order(&set, &escalated.filter, escalated.sort),
        vec![seqs[3], seqs[4]]
    );
    // Two hours later the second one is overdue too.
    let later = ts + 3 * 3600;
    let late: Vec<u32> = filter::view(&set, inbox, None, Sort::OldestFirst, later)
        .into_iter()
        .map(|i| set.rows[i as usize].seq)
        .collect();
    assert_eq!(late[..2], [seqs[3], seqs[4]]);
    // The first screen (before the full load) has the overdue one too.
    let first = store.first_rows(2).unwrap();
    let firsts: Vec<u32> = first.rows.iter().map(|r| r.seq).collect();
    assert!(firsts.contains(&seqs[3]), "{firsts:?}");
    assert!(first.rows.iter().any(|r| r.overdue(ts)));
}
