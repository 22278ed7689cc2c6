use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::model::{Author, Engagement, Kind, Moderation, Network, Remote};
use crate::store::SledStore;

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, h, 0, 0).unwrap()
}

fn comment(id: &str, handle: &str, from_us: bool, created: DateTime<Utc>) -> Item {
    Item::new(Remote {
        network: Network::Mastodon,
        account: "brand".into(),
        native_id: id.into(),
        kind: Kind::Comment,
        thread_id: Some("root".into()),
        parent_id: Some("root".into()),
        post: None,
        author: Author {
            id: handle.into(),
            handle: handle.into(),
            display_name: handle.into(),
            profile_url: None,
            followers: None,
        },
        text: "…".into(),
        lang: None,
        created_at: created,
        permalink: None,
        engagement: Engagement::default(),
        from_us,
        moderation: Moderation::default(),
    })
}

/// An escalated complaint (assigned to marie), tagged now.
fn escalated(store: &SledStore) -> u32 {
    let (seqs, _) = store
        .ingest(vec![comment("c1", "client", false, at(8))])
        .unwrap();
    let seq = seqs[0];
    let tag = LocalChange::AddTag {
        tag: "refund".into(),
        why: None,
    };
    store.change(&[seq], &tag, "camille").unwrap();
    store
        .change(
            &[seq],
            &LocalChange::Assign(Some("marie".into())),
            "camille",
        )
        .unwrap();
    store
        .change(
            &[seq],
            &LocalChange::SetStatus(Status::Escalated),
            "camille",
        )
        .unwrap();
    seq
}

fn ingest(store: &SledStore, items: Vec<Item>) -> usize {
    let answers = Candidate::of(&items);
    store.ingest(items).unwrap();
    reopen_answered(store, &answers).unwrap()
}

#[test]
fn a_brand_reply_in_the_thread_returns_the_item_to_the_queue() {
    let store = SledStore::temporary().unwrap();
    let seq = escalated(&store);
    let later = Utc::now() + Duration::minutes(5);
    assert_eq!(ingest(&store, vec![comment("r1", "brand", true, later)]), 1);
    let item = store.get(seq).unwrap().unwrap();
    assert_eq!(item.local.status, Status::Open);
    assert_eq!(
        item.local
            .notes
            .last()
            .map(|n| (n.by.as_str(), n.text.as_str())),
        Some((
            WHO,
            "answered in the thread by the brand: back to the queue to close the loop"
        ))
    );
    // Once back in the queue, a further reply changes nothing.
    let again = later + Duration::minutes(1);
    assert_eq!(ingest(&store, vec![comment("r2", "brand", true, again)]), 0);
}

#[test]
fn the_assignees_own_handle_counts_a_customer_does_not() {
    let store = SledStore::temporary().unwrap();
    let seq = escalated(&store);
    let later = Utc::now() + Duration::minutes(5);
    assert_eq!(
        ingest(&store, vec![comment("r1", "client", false, later)]),
        0
    );
    assert_eq!(
        store.get(seq).unwrap().unwrap().local.status,
        Status::Escalated
    );
    let marie = comment("r2", "Marie@piaille.fr", false, later);
    assert_eq!(ingest(&store, vec![marie]), 1);
    let item = store.get(seq).unwrap().unwrap();
    assert_eq!(item.local.status, Status::Open);
    assert!(
        item.local
            .notes
            .iter()
            .any(|n| n.text.contains("@Marie@piaille.fr")),
        "{:?}",
        item.local.notes
    );
}

#[test]
fn a_reply_from_before_the_escalation_or_another_thread_is_not_an_answer() {
    let store = SledStore::temporary().unwrap();
    let seq = escalated(&store);
    let before = comment("r0", "brand", true, Utc::now() - Duration::hours(1));
    let mut elsewhere = comment("r3", "brand", true, Utc::now() + Duration::minutes(5));
    elsewhere.remote.thread_id = Some("other".into());
    assert_eq!(ingest(&store, vec![before, elsewhere]), 0);
    assert_eq!(
        store.get(seq).unwrap().unwrap().local.status,
        Status::Escalated
    );
}
