//! The shift summary on a fixed dataset in a store, numbers worked out by
//! hand under the report engine's definitions, and the Markdown note's
//! structure and escaping.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};

use super::note::{duration, escape, markdown, safe_url};
use super::*;
use crate::model::{Author, Engagement, Kind, Moderation, Network, Remote};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
}

fn item(native: &str, created: DateTime<Utc>, text: &str, link: Option<&str>) -> Item {
    Item::new(Remote {
        network: Network::Mastodon,
        account: "brand".into(),
        native_id: native.into(),
        kind: Kind::Mention,
        thread_id: None,
        parent_id: None,
        post: None,
        author: Author {
            id: format!("u-{native}"),
            handle: format!("user_{native}"),
            display_name: String::new(),
            profile_url: None,
            followers: None,
        },
        text: text.into(),
        lang: None,
        created_at: created,
        permalink: link.map(str::to_string),
        engagement: Engagement::default(),
        from_us: false,
        moderation: Moderation::default(),
    })
}

fn line(who: &str, native: &str, when: DateTime<Utc>, what: &str) -> AuditEntry {
    AuditEntry {
        at: when,
        who: who.into(),
        item: format!("mastodon:brand:{native}").parse().unwrap(),
        what: what.into(),
    }
}

fn shift() -> Shift {
    Shift {
        agent: "camille".into(),
        started: at(8, 0),
        ended: at(12, 0),
    }
}

fn escalation(at: DateTime<Utc>, to: &str, tag: &str) -> EscalationEvent {
    EscalationEvent {
        at,
        by: "camille".into(),
        to: to.into(),
        tag: tag.into(),
        due: Some(at + chrono::Duration::hours(24)),
        note: Some("Colis abîmé, *avoir* demandé".into()),
    }
}

fn settings() -> Settings {
    Settings {
        zone: chrono_tz::Tz::UTC,
        hours: None,
        tags: std::sync::Arc::new(crate::triage::tags::Tags::default()),
    }
}

/// Shift 08:00–12:00, in a store. Received during the shift and
/// camille's (she acted on them, or m is assigned to her): b c d e g k m =
/// 7; paul answered h, so it is not hers. Answered of those: b 08:20→09:50
/// (90 min), c 09:00→09:05 (5 min), d 10:00→11:00 (60 min): 3; median by
/// nearest rank (2nd of 5, 60, 90) 60 min, p90 (3rd) 90 min. e hidden, k
/// deleted, g escalated. a (arrived 07:30) answered and f done in the
/// shift count as handled, not as answered: handled a b c d e f g k = 8.
/// A hide queued but not confirmed, a tag, and m done at 12:00 (the end is
/// excluded) do not count.
fn store_dataset() -> crate::store::SledStore {
    let store = crate::store::SledStore::temporary().unwrap();
    let created = [
        ("a", at(7, 30)),
        ("b", at(8, 20)),
        ("c", at(9, 0)),
        ("d", at(10, 0)),
        ("e", at(8, 25)),
        ("f", at(7, 0)),
        ("g", at(10, 0)),
        ("h", at(9, 0)),
        ("k", at(11, 0)),
        ("m", at(11, 40)),
    ];
    let items = created
        .iter()
        .map(|(n, c)| {
            let mut it = item(n, *c, "Ma commande n'est pas arrivée", None);
            if *n == "m" {
                it.local.assignee = Some("camille".into());
            }
            it
        })
        .collect();
    store.ingest(items).unwrap();
    store
        .import_audit(&[
            line("camille", "a", at(8, 12), "status answered"),
            line("camille", "b", at(9, 50), "status answered"),
            line("camille", "c", at(9, 5), "status answered"),
            line("camille", "d", at(11, 0), "status answered"),
            line("camille", "e", at(8, 30), "hide queued"),
            line("camille", "e", at(8, 31), "hide sent"),
            line("camille", "c", at(9, 6), "hide queued"),
            line("camille", "f", at(8, 59), "tag +refund"),
            line("camille", "f", at(9, 30), "status done"),
            line("camille", "g", at(10, 15), "escalate marie (refund)"),
            line("paul", "h", at(9, 30), "status answered"),
            line("camille", "k", at(11, 30), "delete sent"),
            line("camille", "m", at(12, 0), "status done"),
        ])
        .unwrap();
    let reply = |who: &str, native: &str| {
        let id: ItemId = format!("mastodon:brand:{native}").parse().unwrap();
        let text = "Bonjour".to_string();
        store
            .enqueue(&id, crate::outbox::OutAction::Reply { text }, who)
            .unwrap();
    };
    reply("camille", "m");
    reply("paul", "h");
    store
}

#[test]
fn counts_come_from_the_report_engine() {
    let store = store_dataset();
    let inputs = gather(&store, &settings(), &shift(), at(12, 0)).unwrap();
    let t = &inputs.tally;
    assert_eq!(
        (
            t.received,
            t.answered,
            t.hidden,
            t.deleted,
            t.blocked,
            t.escalated
        ),
        (7, 3, 1, 1, 0, 1),
        "{t:?}"
    );
    assert_eq!((t.done, t.handled), (1, 8), "{t:?}");
    let f = &inputs.first_response;
    assert_eq!(
        (f.count, f.median_secs, f.p90_secs),
        (3, Some(3600), Some(5400))
    );
    assert_eq!(inputs.unsent, 1, "camille's reply waits in the outbox");
    assert_eq!(inputs.escalated.len(), 1);
    assert_eq!(inputs.escalated[0].remote.native_id, "g");
    // The store's own statuses were never changed: all ten wait, the
    // oldest first.
    assert_eq!(inputs.pending, 10);
    assert_eq!(inputs.open[0].remote.native_id, "f");
    let s = summarize(&shift(), &inputs);
    assert_eq!(s.median_first_response, Some(3600));
    assert_eq!(s.p90_first_response, Some(5400));
    assert_eq!(s.responses, 3);
    // g was escalated by an audit line only (no hand-off in its history):
    // its tags and assignee stand in.
    assert_eq!(
        (s.escalations[0].to.as_str(), s.escalations[0].tag.as_str()),
        ("nobody", "untagged")
    );
    // The running count of the shift bar is the same.
    let live = tally_since(&store, &settings(), "camille", at(8, 0), at(12, 0)).unwrap();
    assert_eq!(&live, t);
}

/// The pure half: a summary from inputs given by hand.
fn dataset() -> Inputs {
    let g = item("g", at(10, 0), "Ma commande n'est pas arrivée", None);
    Inputs {
        tally: Tally {
            handled: 8,
            received: 7,
            answered: 3,
            done: 1,
            hidden: 1,
            deleted: 1,
            blocked: 0,
            escalated: 1,
            sla_met: 2,
            sla_breached: 1,
        },
        first_response: Spread {
            count: 3,
            median_secs: Some(65 * 60),
            p90_secs: Some(90 * 60),
        },
        business_hours: Some("mon-fri 09:00-18:00".into()),
        escalations: vec![
            (g.id.clone(), escalation(at(7, 0), "sav", "delivery")),
            (g.id.clone(), escalation(at(10, 15), "marie", "refund")),
        ],
        escalated: vec![g],
        pending: 3,
        unsent: 2,
        open: vec![
            item(
                "old",
                at(5, 0),
                "*free* [click](javascript:alert(1)) \u{1b}[31m<b>| # a",
                Some("javascript:alert(1)"),
            ),
            item(
                "new",
                at(11, 45),
                "Bonjour\nune question",
                Some("https://m.example/@u/1 (x)"),
            ),
        ],
    }
}

#[test]
fn escalations_say_to_whom_with_the_shifts_own_event() {
    let s = summarize(&shift(), &dataset());
    assert_eq!(s.escalations.len(), 1);
    let e = &s.escalations[0];
    assert_eq!((e.to.as_str(), e.tag.as_str()), ("marie", "refund"));
    assert_eq!(e.due, Some(at(10, 15) + chrono::Duration::hours(24)));
    assert_eq!(e.item.author, "user_g");
}

#[test]
fn the_note_has_the_counts_escalations_and_open_items() {
    let md = markdown(&summarize(&shift(), &dataset()));
    assert!(md.starts_with("# Shift hand-over: camille\n\n"), "{md}");
    assert!(
        md.contains("2026-11-23 08:00 UTC → 2026-11-23 12:00 UTC (4 h 00 min)"),
        "{md}"
    );
    for row in [
        "| Handled | 8 |",
        "| Received during the shift | 7 |",
        "| Answered (of those) | 3 (42.9%) |",
        "| Done | 1 |",
        "| Hidden | 1 |",
        "| Deleted | 1 |",
        "| Blocked | 0 |",
        "| Escalated | 1 |",
        "| SLA met | 2 |",
        "| SLA breached | 1 |",
        "| Waiting in the outbox | 2 |",
        "| Pending now | 3 |",
    ] {
        assert!(md.contains(row), "{row} missing in\n{md}");
    }
    assert!(
        md.contains("Median first response: **1 h 05 min** (p90 1 h 30 min) over 3 answers to items received during the shift (from the item's creation to its answer, in business hours (mon-fri 09:00-18:00))."),
        "{md}"
    );
    assert!(
        md.contains("- to **marie** (refund, due 2026-11-24 10:15 UTC): @user\\_g on mastodon “Ma commande n'est pas arrivée”"),
        "{md}"
    );
    assert!(
        md.contains("  - note: Colis abîmé, \\*avoir\\* demandé"),
        "{md}"
    );
    assert!(
        md.contains("3 items wait for an answer; the oldest:"),
        "{md}"
    );
    // Hostile text: no escape sequence, no live link or HTML, one line.
    assert!(!md.contains('\u{1b}'), "{md}");
    assert!(!md.contains(" [click]("), "{md}");
    assert!(
        !md.contains("(javascript:alert(1)),"),
        "no link to it: {md}"
    );
    assert!(
        md.contains("- @user\\_old on mastodon, 7 h 00 min old: “\\*free\\* \\[click\\](javascript:alert(1)) \\<b\\>\\| \\# a”"),
        "{md}"
    );
    assert!(
        md.contains("- [@user\\_new on mastodon](https://m.example/@u/1%20%28x%29), 15 min old: “Bonjour une question”"),
        "{md}"
    );
}

#[test]
fn an_empty_shift_says_so() {
    let inputs = Inputs::default();
    let md = markdown(&summarize(&shift(), &inputs));
    assert!(md.contains("| Handled | 0 |"), "{md}");
    assert!(!md.contains("SLA met"), "no timer, no SLA rows: {md}");
    assert!(!md.contains("outbox"), "{md}");
    assert!(md.contains("Median first response: none"), "{md}");
    assert!(md.contains("Nothing was escalated."), "{md}");
    assert!(md.contains("Nothing is waiting for an answer."), "{md}");
}

#[test]
fn escaping_and_links_and_durations() {
    assert_eq!(escape("a_b *c* `d` [e]"), "a\\_b \\*c\\* \\`d\\` \\[e\\]");
    assert_eq!(escape("two\nlines\u{7}"), "two lines");
    assert_eq!(safe_url("javascript:alert(1)"), None);
    assert_eq!(safe_url("ftp://x"), None);
    assert_eq!(
        safe_url("HTTPS://x.example/a b)").as_deref(),
        Some("HTTPS://x.example/a%20b%29")
    );
    assert_eq!(duration(42), "42 s");
    assert_eq!(duration(12 * 60 + 5), "12 min");
    assert_eq!(duration(3 * 3600 + 7 * 60), "3 h 07 min");
    assert_eq!(duration(-5), "0 s");
    assert_eq!(duration(47 * 3600), "47 h 00 min");
    assert_eq!(duration(9 * 86_400 + 8 * 3600 + 59), "9 d 08 h");
}

#[test]
fn a_note_stored_before_the_engine_counted_still_reads() {
    let old = r#"{"shift":{"agent":"ana","started":"2026-11-23T08:00:00Z","ended":"2026-11-23T12:00:00Z"},
        "tally":{"handled":4,"answered":1,"done":1,"hidden":1,"deleted":0,"escalated":1},
        "pending":3,"median_first_response":600,"responses":1,"escalations":[],"open":[]}"#;
    let s: ShiftSummary = serde_json::from_str(old).unwrap();
    assert_eq!((s.tally.handled, s.tally.received, s.unsent), (4, 0, 0));
    assert_eq!(
        (s.median_first_response, s.p90_first_response),
        (Some(600), None)
    );
}
