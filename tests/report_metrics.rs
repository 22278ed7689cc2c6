//! Every report metric on a small, fixed dataset whose expected values are
//! worked out by hand below (the arithmetic is in the comments).
//!
//! The zone is Europe/Paris and the period Friday 27 to Monday 30 March
//! 2026, across the spring DST change (Sunday 29, 02:00 → 03:00): Friday
//! and Saturday are UTC+1, Monday is UTC+2. The report looks from
//! Thursday 2 April 12:00 UTC.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use guichet::model::{Author, Engagement, Item, Kind, Network, Remote};
use guichet::report::{
    BusinessHours, Drill, Period, Query, Report, ReportFilter, Settings, compute, summary,
};
use guichet::store::{AuditEntry, SledStore, Store};
use guichet::triage::tags::Tags;

const TAGS: &str = r#"
[tags.complaint]
first_response = "2h"
resolution = "2d"
escalates = true

[tags.refund]
first_response = "2h"
resolution = "3d"
escalates = true

[tags.praise]
"#;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[allow(clippy::too_many_arguments)]
fn item(
    network: Network,
    native: &str,
    created: &str,
    author: &str,
    followers: Option<u64>,
    text: &str,
    engagement: (Option<u64>, Option<u64>, Option<u64>),
) -> Item {
    Item::new(Remote {
        network,
        account: "brand".into(),
        native_id: native.into(),
        kind: Kind::Comment,
        thread_id: Some("post".into()),
        parent_id: None,
        post: None,
        author: Author {
            id: author.into(),
            handle: format!("@{author}"),
            display_name: author.into(),
            profile_url: None,
            followers,
        },
        text: text.into(),
        lang: None,
        created_at: utc(created),
        permalink: None,
        engagement: Engagement {
            likes: engagement.0,
            replies: engagement.1,
            shares: engagement.2,
        },
        from_us: false,
        moderation: Default::default(),
    })
}

fn line(at: &str, who: &str, id: &str, what: &str) -> AuditEntry {
    AuditEntry {
        at: utc(at),
        who: who.into(),
        item: id.parse().unwrap(),
        what: what.into(),
    }
}

const NONE: (Option<u64>, Option<u64>, Option<u64>) = (None, None, None);

fn dataset() -> SledStore {
    let store = SledStore::temporary().unwrap();
    let a1 = item(
        Network::X,
        "a1",
        "2026-03-27T09:00:00Z", // Friday 10:00 in Paris
        "alice",
        Some(1000),
        "Colis cassé, service nul", // score -2
        (Some(5), Some(1), Some(0)),
    );
    let a2 = item(
        Network::X,
        "a2",
        "2026-03-27T16:30:00Z", // Friday 17:30
        "alice",
        Some(1000),
        "Merci beaucoup", // +1
        NONE,
    );
    let m1 = item(
        Network::Mastodon,
        "m1",
        "2026-03-28T10:00:00Z", // Saturday 11:00
        "bob",
        None,
        "horrible, je suis déçu", // -2
        NONE,
    );
    let mut m2 = item(
        Network::Mastodon,
        "m2",
        "2026-03-29T23:30:00Z", // Monday 01:30 (UTC+2 now)
        "carol",
        Some(50_000),
        "Question sur la livraison", // 0
        NONE,
    );
    m2.local.tags = vec!["refund".into()];
    m2.local.assignee = Some("marie".into());
    let i1 = item(
        Network::Instagram,
        "i1",
        "2026-03-30T12:00:00Z", // Monday 14:00
        "dave",
        Some(200),
        "super top", // +2
        (Some(10), Some(2), Some(3)),
    );
    // The brand's reply to i1, synced from the network 20 minutes later.
    let mut i1r = item(
        Network::Instagram,
        "i1r",
        "2026-03-30T12:20:00Z",
        "brand",
        None,
        "Merci Dave !",
        (Some(4), None, None),
    );
    i1r.remote.from_us = true;
    i1r.remote.parent_id = Some("i1".into());
    let mut m3 = item(
        Network::Mastodon,
        "m3",
        "2026-03-30T20:00:00Z", // Monday 22:00
        "erin",
        None,
        "C'est inacceptable", // -1
        NONE,
    );
    m3.local.tags = vec!["complaint".into()];
    // Received before the period; moderated in it.
    let old = item(
        Network::X,
        "old",
        "2026-03-20T08:00:00Z",
        "spam",
        None,
        "buy now",
        NONE,
    );
    // Received after the period (Tuesday 31).
    let late = item(
        Network::X,
        "late",
        "2026-03-31T10:00:00Z",
        "alice",
        None,
        "?",
        NONE,
    );
    store
        .ingest(vec![a1, a2, m1, m2, i1, i1r, m3, old, late])
        .unwrap();
    store
        .import_audit(&[
            line(
                "2026-03-27T10:30:00Z",
                "camille",
                "x:brand:a1",
                "status answered",
            ),
            line(
                "2026-03-27T12:00:00Z",
                "camille",
                "x:brand:old",
                "delete sent",
            ),
            line(
                "2026-03-27T12:00:00Z",
                "camille",
                "x:brand:old",
                "block sent",
            ),
            line(
                "2026-03-28T11:00:00Z",
                "camille",
                "mastodon:brand:m1",
                "hide sent",
            ),
            line(
                "2026-03-30T07:00:00Z",
                "camille",
                "mastodon:brand:m2",
                "tag +refund",
            ),
            line(
                "2026-03-30T07:00:00Z",
                "camille",
                "mastodon:brand:m2",
                "assign marie",
            ),
            line(
                "2026-03-30T07:00:00Z",
                "camille",
                "mastodon:brand:m2",
                "status escalated",
            ),
            line(
                "2026-03-30T07:30:00Z",
                "marc",
                "x:brand:a2",
                "status answered",
            ),
            line(
                "2026-03-30T09:00:00Z",
                "marie",
                "mastodon:brand:m2",
                "status answered",
            ),
            line(
                "2026-03-30T20:30:00Z",
                "camille",
                "mastodon:brand:m3",
                "tag +complaint",
            ),
            line(
                "2026-03-30T20:30:00Z",
                "camille",
                "mastodon:brand:m3",
                "status escalated",
            ),
            // After the period, before the report's as_of.
            line(
                "2026-03-31T07:00:00Z",
                "marie",
                "mastodon:brand:m2",
                "status done",
            ),
        ])
        .unwrap();
    store
}

fn settings(hours: Option<BusinessHours>) -> Settings {
    Settings {
        zone: "Europe/Paris".parse().unwrap(),
        hours,
        tags: Arc::new(Tags::parse(TAGS, Path::new("tags.toml")).unwrap()),
    }
}

fn query(settings: &Settings, filter: ReportFilter) -> Query {
    let period: Period = "2026-03-27..2026-03-30".parse().unwrap();
    let as_of = utc("2026-04-02T12:00:00Z");
    Query {
        window: period.window(settings.zone, as_of),
        label: period.label(),
        as_of,
        filter,
    }
}

fn report(hours: Option<BusinessHours>, filter: ReportFilter) -> Report {
    let store = dataset();
    let s = settings(hours);
    compute(&store, &s, &query(&s, filter)).unwrap()
}

#[test]
fn the_window_is_cut_in_paris_across_dst() {
    let s = settings(None);
    let q = query(&s, ReportFilter::default());
    // Friday 00:00 at UTC+1, Tuesday 00:00 at UTC+2.
    assert_eq!(q.window.from, utc("2026-03-26T23:00:00Z"));
    assert_eq!(q.window.to, utc("2026-03-30T22:00:00Z"));
}

#[test]
fn received_answered_and_response_times_in_wall_clock() {
    let r = report(None, ReportFilter::default());
    let t = &r.totals;
    // a1, a2, m1, m2, i1, m3 (not old, late, nor the brand's i1r).
    assert_eq!(t.received, 6);
    // a1 and a2 (audit), m2 (audit), i1 (brand reply synced): 4 of 6.
    assert_eq!(t.answered, 4);
    assert!((t.response_rate.unwrap() - 4.0 / 6.0).abs() < 1e-9);
    // a1: 09:00 → 10:30 = 5,400 s; a2: Fri 16:30 → Mon 07:30 = 63 h =
    // 226,800 s; m2: Sun 23:30 → Mon 09:00 = 9.5 h = 34,200 s; i1: 20 min
    // = 1,200 s. Sorted: 1,200 5,400 34,200 226,800. Median = rank
    // ⌈0.5·4⌉ = 2 → 5,400; p90 = rank ⌈0.9·4⌉ = 4 → 226,800.
    assert_eq!(t.first_response.count, 4);
    assert_eq!(t.first_response.median_secs, Some(5_400));
    assert_eq!(t.first_response.p90_secs, Some(226_800));
    // Buckets: 1,200 s in 15m-1h, 5,400 in 1-4h, 34,200 in 4-24h,
    // 226,800 in 1-3d.
    let counts: Vec<usize> = r.histogram.iter().map(|b| b.count).collect();
    assert_eq!(counts, [0, 1, 1, 1, 1, 0]);
}

#[test]
fn business_hours_in_the_users_zone_shorten_response_times() {
    // Mon-Fri 09:00-18:00 Paris time.
    let r = report(Some(BusinessHours::default()), ReportFilter::default());
    let t = &r.totals;
    // a1: 10:00 → 11:30 local, all open: 5,400 s.
    // a2: Fri 17:30 → 18:00 (1,800 s) + Mon 09:00 → 09:30 local (07:30
    //     UTC at UTC+2) (1,800 s) = 3,600 s.
    // m2: Mon 01:30 local → 11:00 local: open from 09:00 = 7,200 s.
    // i1: Mon 14:00 → 14:20 = 1,200 s.
    // Sorted 1,200 3,600 5,400 7,200: median rank 2 = 3,600; p90 rank 4 = 7,200.
    assert_eq!(t.first_response.median_secs, Some(3_600));
    assert_eq!(t.first_response.p90_secs, Some(7_200));
    // m2's resolution: escalated Mon 09:00 local, done Tue 09:00 local:
    // Monday 09:00-18:00 = 9 h = 32,400 s (wall clock would be 86,400).
    assert_eq!(r.escalations.resolution.median_secs, Some(32_400));
    assert_eq!(
        r.header.business_hours.as_deref(),
        Some("mon-fri 09:00-18:00")
    );
}

#[test]
fn moderation_escalations_and_sla() {
    let r = report(None, ReportFilter::default());
    let t = &r.totals;
    // m1 hidden; the old item deleted and its author blocked.
    assert_eq!((t.hidden, t.deleted, t.blocked), (1, 1, 1));
    // m2 (refund) and m3 (complaint).
    assert_eq!(t.escalated, 2);
    let by_tag: Vec<(&str, usize, usize, usize, usize)> = r
        .escalations
        .by_tag
        .iter()
        .map(|e| (e.name.as_str(), e.opened, e.resolved, e.answered, e.open))
        .collect();
    // m2 done on Tuesday (after the period, before as_of): resolved.
    assert_eq!(by_tag, [("complaint", 1, 0, 0, 1), ("refund", 1, 1, 0, 0)]);
    let by_who: Vec<(&str, usize, usize, usize)> = r
        .escalations
        .by_assignee
        .iter()
        .map(|e| (e.name.as_str(), e.opened, e.resolved, e.open))
        .collect();
    assert_eq!(by_who, [("(nobody)", 1, 0, 1), ("marie", 1, 1, 0)]);
    // Wall clock: Mon 07:00 → Tue 07:00 UTC = 86,400 s.
    assert_eq!(r.escalations.resolution.median_secs, Some(86_400));
    // refund on m2 at 07:00: first answer due 09:00, answered 09:00: met;
    // resolution due Thu 07:00, done Tue: met. complaint on m3 at 20:30:
    // first answer due 22:30, none by as_of: breached; resolution due
    // Wed 20:30, not done: breached.
    assert_eq!((r.sla.met, r.sla.breached, r.sla.pending), (2, 2, 0));
    assert_eq!(r.sla.ratio(), Some(0.5));
}

#[test]
fn volume_by_day_network_and_hour_of_week() {
    let r = report(None, ReportFilter::default());
    // 4 local days × the 3 networks seen (enum order: Instagram, X, Mastodon).
    assert_eq!(r.days.len(), 12);
    let day = |d: &str, n: Network| {
        let date: NaiveDate = d.parse().unwrap();
        r.days
            .iter()
            .find(|row| row.date == date && row.network == n)
            .map(|row| row.tally.clone())
            .unwrap()
    };
    let fri_x = day("2026-03-27", Network::X);
    assert_eq!(
        (fri_x.received, fri_x.answered, fri_x.deleted, fri_x.blocked),
        (2, 2, 1, 1)
    );
    assert_eq!(day("2026-03-28", Network::Mastodon).hidden, 1);
    assert_eq!(day("2026-03-29", Network::Mastodon).received, 0);
    // m2 (01:30 local) and m3 fall on Monday; both escalated on Monday.
    let mon_m = day("2026-03-30", Network::Mastodon);
    assert_eq!((mon_m.received, mon_m.answered, mon_m.escalated), (2, 1, 2));
    assert_eq!(day("2026-03-30", Network::Instagram).answered, 1);
    let nets: Vec<(Network, usize)> = r
        .networks
        .iter()
        .map(|n| (n.network, n.tally.received))
        .collect();
    assert_eq!(
        nets,
        [
            (Network::Instagram, 1),
            (Network::X, 2),
            (Network::Mastodon, 3)
        ]
    );
    // Local weekday (Mon = 0) × hour: a1 Fri 10h, a2 Fri 17h, m1 Sat 11h,
    // m2 Mon 01h, i1 Mon 14h, m3 Mon 22h.
    let mut cells = Vec::new();
    for (wd, hours) in r.heatmap.iter().enumerate() {
        for (h, n) in hours.iter().enumerate() {
            if *n > 0 {
                cells.push((wd, h, *n));
            }
        }
    }
    assert_eq!(
        cells,
        [
            (0, 1, 1),
            (0, 14, 1),
            (0, 22, 1),
            (4, 10, 1),
            (4, 17, 1),
            (5, 11, 1)
        ]
    );
}

#[test]
fn authors_engagement_and_tags() {
    let r = report(None, ReportFilter::default());
    let handles = |rows: &[guichet::report::metrics::AuthorRow]| -> Vec<String> {
        rows.iter().map(|a| a.handle.clone()).collect()
    };
    // alice has 2 items; the others 1 each, by handle.
    assert_eq!(
        handles(&r.authors.most_active),
        ["@alice", "@bob", "@carol", "@dave", "@erin"]
    );
    // Negative items: alice 1 (score -2 + 1 = -1), bob 1 (-2), erin 1
    // (-1). Ranked by negative items, then lowest score: bob, then alice
    // and erin tied (by handle).
    assert_eq!(
        handles(&r.authors.most_negative),
        ["@bob", "@alice", "@erin"]
    );
    assert_eq!(r.authors.most_negative[1].score, -1);
    // Known followers: carol 50,000, alice 1,000, dave 200.
    assert_eq!(
        handles(&r.authors.influencers),
        ["@carol", "@alice", "@dave"]
    );
    let e = &r.engagement.received;
    // a1 (5, 1, 0) and i1 (10, 2, 3).
    assert_eq!((e.items, e.likes, e.replies, e.shares), (2, 15, 3, 3));
    // (6 + 15) / (1,000 + 200) = 0.0175.
    assert!((e.rate.unwrap() - 0.0175).abs() < 1e-9);
    // The brand's reply i1r: 4 likes; no follower count, so no rate.
    let b = &r.engagement.brand;
    assert_eq!((b.items, b.likes, b.rate), (1, 4, None));
    let tags: Vec<(&str, usize)> = r.tags.iter().map(|t| (t.tag.as_str(), t.items)).collect();
    assert_eq!(tags, [("complaint", 1), ("refund", 1)]);
}

#[test]
fn filters_by_network_and_by_agent() {
    let only = ReportFilter {
        networks: vec![Network::Mastodon],
        ..ReportFilter::default()
    };
    let r = report(None, only);
    // m1, m2, m3; m2 answered; m1 hidden; nothing deleted (that was on X).
    assert_eq!((r.totals.received, r.totals.answered), (3, 1));
    assert_eq!((r.totals.hidden, r.totals.deleted), (1, 0));
    let camille = ReportFilter {
        agent: Some("camille".into()),
        ..ReportFilter::default()
    };
    let r = report(None, camille);
    // Camille acted on a1, m1, m2, m3 (not a2: marc; not i1: nobody).
    assert_eq!(r.totals.received, 4);
    // She answered a1 only (m2 was answered by marie).
    assert_eq!(r.totals.answered, 1);
    assert_eq!(r.totals.first_response.median_secs, Some(5_400));
    assert_eq!(
        (r.totals.hidden, r.totals.deleted, r.totals.blocked),
        (1, 1, 1)
    );
    assert_eq!(r.totals.escalated, 2);
}

#[test]
fn numbers_open_their_items() {
    let store = dataset();
    let s = settings(None);
    let r = compute(&store, &s, &query(&s, ReportFilter::default())).unwrap();
    let ids = |what: Drill| -> Vec<String> {
        r.drill(&what, s.zone)
            .into_iter()
            .map(|seq| store.get(seq).unwrap().unwrap().remote.native_id)
            .collect()
    };
    assert_eq!(ids(Drill::Unanswered), ["m1", "m3"]);
    assert_eq!(ids(Drill::Deleted), ["old"]);
    assert_eq!(ids(Drill::SlaBreached), ["m3"]);
    assert_eq!(ids(Drill::Negative), ["a1", "m1", "m3"]);
    assert_eq!(
        ids(Drill::Day("2026-03-30".parse().unwrap())),
        ["m2", "i1", "m3"]
    );
    assert_eq!(ids(Drill::HourOfWeek(4, 17)), ["a2"]);
    assert_eq!(ids(Drill::Bucket(1)), ["i1"]);
}

#[test]
fn a_shift_summary_is_one_agents_window() {
    let store = dataset();
    let s = settings(None);
    // Camille's Monday shift, 08:00-23:00 Paris (06:00-21:00 UTC).
    let r = summary(
        &store,
        &s,
        utc("2026-03-30T06:00:00Z"),
        utc("2026-03-30T21:00:00Z"),
        "camille",
    )
    .unwrap();
    // Received in the shift and hers: m3 (i1 is nobody's).
    assert_eq!(r.totals.received, 1);
    assert_eq!(r.totals.answered, 0);
    // She escalated m2 (created before the shift) and m3.
    assert_eq!(r.totals.escalated, 2);
    // Looking from 21:00: m2's first answer met (09:00); its resolution
    // (due Thursday) and both m3 timers (due 22:30 and Wednesday) pending.
    assert_eq!((r.sla.met, r.sla.breached, r.sla.pending), (1, 0, 3));
    let outcome: Vec<(&str, usize, usize)> = r
        .escalations
        .by_tag
        .iter()
        .map(|e| (e.name.as_str(), e.answered, e.open))
        .collect();
    assert_eq!(outcome, [("complaint", 0, 1), ("refund", 1, 0)]);
}
