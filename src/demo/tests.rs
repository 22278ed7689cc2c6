//! Tests of the demo inbox and the scale generator: determinism, unique ids,
//! coverage of networks, kinds and local states the UI relies on.

use std::collections::{HashMap, HashSet};

use chrono::{TimeZone, Utc};

use super::*;
use crate::model::{Kind, StatusKind};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 14, 30, 0).unwrap()
}

#[test]
fn demo_is_deterministic() {
    assert_eq!(demo_items(now()), demo_items(now()));
}

#[test]
fn demo_ids_are_unique_and_parse_back() {
    let items = demo_items(now());
    let ids: HashSet<_> = items.iter().map(|i| i.id.clone()).collect();
    assert_eq!(ids.len(), items.len());
    for it in &items {
        let parsed: crate::model::ItemId = it.id.as_str().parse().unwrap();
        assert_eq!(parsed, it.id);
        assert_eq!(it.id, it.remote.id());
    }
}

#[test]
fn demo_volume_networks_and_languages() {
    let items = demo_items(now());
    assert!((300..=450).contains(&items.len()), "{} items", items.len());
    let nets: HashSet<_> = items.iter().map(|i| i.remote.network).collect();
    assert_eq!(nets.len(), 9);
    let per = |n: Network| items.iter().filter(|i| i.remote.network == n).count();
    assert!(per(Network::Instagram) > per(Network::X));
    assert!(per(Network::Facebook) > per(Network::LinkedIn));
    let fr = items
        .iter()
        .filter(|i| i.remote.lang.as_deref() == Some("fr"))
        .count();
    let en = items
        .iter()
        .filter(|i| i.remote.lang.as_deref() == Some("en"))
        .count();
    assert_eq!(fr + en, items.len());
    let share = fr as f64 / items.len() as f64;
    assert!((0.5..0.75).contains(&share), "french share {share}");
}

#[test]
fn demo_dates_are_in_the_last_ten_days() {
    let items = demo_items(now());
    assert!(items.iter().all(|i| i.remote.created_at <= now()));
    assert!(
        items
            .iter()
            .all(|i| now() - i.remote.created_at <= chrono::Duration::days(10))
    );
    let old = items
        .iter()
        .filter(|i| now() - i.remote.created_at > chrono::Duration::hours(48))
        .count();
    assert!(
        old > 30 && old < items.len() / 2,
        "{old} items older than 48 h"
    );
    for it in &items {
        if let Some(post) = &it.remote.post {
            let posted = post.created_at.unwrap();
            assert!(posted < it.remote.created_at, "{} before its post", it.id);
        }
    }
}

#[test]
fn demo_has_direct_message_conversations() {
    let items = demo_items(now());
    let dms: Vec<_> = items
        .iter()
        .filter(|i| i.remote.kind == Kind::DirectMessage)
        .collect();
    let nets: HashSet<_> = dms.iter().map(|i| i.remote.network).collect();
    for n in [
        Network::Facebook,
        Network::Instagram,
        Network::X,
        Network::Mastodon,
        Network::Bluesky,
    ] {
        assert!(nets.contains(&n), "no DM on {n}");
    }
    let mut per_thread: HashMap<(String, String), usize> = HashMap::new();
    for dm in dms.iter().filter(|i| !i.remote.from_us) {
        let key = (dm.thread_key(), dm.remote.author.id.clone());
        *per_thread.entry(key).or_default() += 1;
    }
    assert!(per_thread.values().any(|n| *n >= 3));
}

#[test]
fn demo_delivery_thread_has_context() {
    let items = demo_items(now());
    let thread: Vec<_> = items
        .iter()
        .filter(|i| i.remote.thread_id.as_deref() == Some(DELIVERY_THREAD))
        .collect();
    assert!(thread.len() >= 5);
    let ours: Vec<_> = thread.iter().filter(|i| i.remote.from_us).collect();
    assert!(!ours.is_empty());
    assert!(ours.iter().all(|i| matches!(
        i.local.status.kind(),
        StatusKind::Done | StatusKind::Answered
    )));
    let replies = thread
        .iter()
        .filter(|i| i.remote.parent_id.is_some())
        .count();
    assert!(replies >= 4);
    let authors: HashSet<_> = thread.iter().map(|i| i.remote.author.id.clone()).collect();
    assert!(authors.len() >= 4);
    assert!(thread.iter().all(|i| i.remote.post.is_some()));
}

#[test]
fn demo_replies_point_at_items_or_posts() {
    let items = demo_items(now());
    let natives: HashSet<_> = items.iter().map(|i| i.remote.native_id.as_str()).collect();
    for it in items.iter().filter(|i| i.remote.kind == Kind::Reply) {
        let parent = it.remote.parent_id.as_deref().unwrap();
        let post = it.remote.post.as_ref().map(|p| p.id.as_str());
        assert!(
            natives.contains(parent) || post == Some(parent),
            "dangling parent on {}",
            it.id
        );
    }
    for it in items
        .iter()
        .filter(|i| matches!(i.remote.kind, Kind::Comment | Kind::Reply))
    {
        assert!(it.remote.post.is_some(), "{} has no post", it.id);
        assert!(it.remote.thread_id.is_some());
        assert!(it.remote.permalink.is_some());
    }
    let posts: HashSet<_> = items
        .iter()
        .filter_map(|i| i.remote.post.as_ref().map(|p| p.id.clone()))
        .collect();
    assert!(
        (15..=25).contains(&posts.len()) || posts.len() > 25,
        "{} posts",
        posts.len()
    );
}

#[test]
fn demo_has_spam_hostile_text_and_escalations() {
    let items = demo_items(now());
    let spam = items
        .iter()
        .filter(|i| i.remote.author.handle == "crypto.gains.4u")
        .count();
    assert!(spam >= 4);
    let spam_nets: HashSet<_> = items
        .iter()
        .filter(|i| i.remote.author.handle == "crypto.gains.4u")
        .map(|i| i.remote.network)
        .collect();
    assert!(spam_nets.len() >= 3);
    let hostile = items
        .iter()
        .find(|i| i.remote.text == HOSTILE_TEXT)
        .unwrap();
    for needle in ["\u{1b}[31m", "\u{202e}", "\u{200d}", "蜡烛", "e\u{301}"] {
        assert!(hostile.remote.text.contains(needle));
    }
    assert!(
        hostile
            .remote
            .text
            .split_whitespace()
            .any(|w| w.len() > 200)
    );
    let escalated: Vec<_> = items
        .iter()
        .filter(|i| i.local.status.kind() == StatusKind::Escalated)
        .collect();
    assert!(
        escalated
            .iter()
            .any(|i| !i.local.tags.is_empty() && i.local.assignee.is_some())
    );
    let tags: HashSet<_> = items
        .iter()
        .flat_map(|i| i.local.tags.iter().cloned())
        .collect();
    for t in [
        "complaint",
        "refund",
        "legal",
        "urgent",
        "delivery",
        "ugc-request",
        "influencer",
        "sales-lead",
        "bug",
    ] {
        assert!(tags.contains(t), "missing tag {t}");
    }
    assert!(
        items
            .iter()
            .any(|i| i.local.priority == crate::model::Priority::Urgent)
    );
    assert!(items.iter().any(|i| !i.local.notes.is_empty()));
}

#[test]
fn demo_status_mix() {
    let items = demo_items(now());
    let count = |k: StatusKind| items.iter().filter(|i| i.local.status.kind() == k).count();
    assert!(count(StatusKind::New) > items.len() / 4);
    assert!(count(StatusKind::Open) > 10);
    assert!(count(StatusKind::Done) > 30);
    assert!(count(StatusKind::Answered) > 10);
    let snoozed: Vec<_> = items
        .iter()
        .filter(|i| i.local.status.kind() == StatusKind::Snoozed)
        .collect();
    assert!(
        snoozed
            .iter()
            .any(|i| i.local.status.effective(now()) == StatusKind::Open)
    );
    assert!(
        snoozed
            .iter()
            .any(|i| i.local.status.effective(now()) == StatusKind::Snoozed)
    );
    assert!(
        items
            .iter()
            .all(|i| i.local.read || i.local.status.kind() == StatusKind::New)
    );
}

#[test]
fn demo_authors_recur_across_networks() {
    let items = demo_items(now());
    let mut nets_by_name: HashMap<&str, HashSet<Network>> = HashMap::new();
    for it in items.iter().filter(|i| !i.remote.from_us) {
        nets_by_name
            .entry(it.remote.author.display_name.as_str())
            .or_default()
            .insert(it.remote.network);
    }
    assert!(
        nets_by_name
            .get("Sarah Okafor")
            .is_some_and(|n| n.len() >= 3)
    );
    assert!(nets_by_name.values().filter(|n| n.len() >= 3).count() >= 5);
    let big = items
        .iter()
        .filter(|i| i.remote.author.followers.unwrap_or(0) >= 50_000)
        .count();
    assert!(big >= 3);
    assert!(
        items
            .iter()
            .any(|i| i.remote.author.followers == Some(1_200_000))
    );
}

#[test]
fn demo_covers_kinds_per_network() {
    let items = demo_items(now());
    let has = |n: Network, k: Kind| {
        items
            .iter()
            .any(|i| i.remote.network == n && i.remote.kind == k)
    };
    assert!(has(Network::X, Kind::Mention));
    assert!(has(Network::X, Kind::Quote));
    assert!(has(Network::Bluesky, Kind::Quote));
    assert!(has(Network::Mastodon, Kind::Mention));
    assert!(has(Network::Mastodon, Kind::Quote));
    assert!(has(Network::Threads, Kind::Mention));
    assert!(has(Network::YouTube, Kind::Comment));
    assert!(has(Network::TikTok, Kind::Comment));
    assert!(has(Network::LinkedIn, Kind::Comment));
    assert!(has(Network::Instagram, Kind::Mention));
}

#[test]
fn accounts_cover_every_network() {
    let acc = accounts();
    assert_eq!(acc.len(), 9);
    for n in Network::ALL {
        assert!(
            acc.iter()
                .any(|(net, a)| *net == n && !a.is_empty() && !a.contains(':'))
        );
    }
}

#[test]
fn synthetic_count_ids_and_determinism() {
    let items: Vec<_> = synthetic(10_000, 7, now()).collect();
    assert_eq!(items.len(), 10_000);
    let ids: HashSet<_> = items.iter().map(|i| i.id.clone()).collect();
    assert_eq!(ids.len(), 10_000);
    let again: Vec<_> = synthetic(10_000, 7, now()).collect();
    assert_eq!(items, again);
    let other: Vec<_> = synthetic(100, 8, now()).collect();
    assert_ne!(items[..100], other[..]);
    assert_eq!(synthetic(0, 1, now()).count(), 0);
}

#[test]
fn synthetic_has_threads_and_a_realistic_mix() {
    let items: Vec<_> = synthetic(5_000, 42, now()).collect();
    assert!(items.iter().all(|i| i.remote.created_at <= now()));
    let mut threads: HashMap<String, usize> = HashMap::new();
    for it in &items {
        *threads.entry(it.thread_key()).or_default() += 1;
    }
    assert!(threads.values().any(|n| *n >= 3));
    let handled = items
        .iter()
        .filter(|i| {
            matches!(
                i.local.status.kind(),
                StatusKind::Done | StatusKind::Answered
            )
        })
        .count();
    let share = handled as f64 / items.len() as f64;
    assert!((0.6..0.8).contains(&share), "handled share {share}");
    assert!(
        items
            .iter()
            .any(|i| i.local.status.kind() == StatusKind::Escalated && !i.local.tags.is_empty())
    );
    let nets: HashSet<_> = items.iter().map(|i| i.remote.network).collect();
    assert_eq!(nets.len(), 9);
    let authors: HashSet<_> = items.iter().map(|i| i.remote.author.id.clone()).collect();
    assert!(authors.len() < items.len());
}

#[test]
fn synthetic_prefix_is_stable() {
    let short: Vec<_> = synthetic(50, 3, now()).collect();
    let long: Vec<_> = synthetic(500, 3, now()).take(50).collect();
    assert_eq!(short, long);
}
