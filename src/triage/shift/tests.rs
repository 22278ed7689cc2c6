//! The shift summary on a fixed dataset, numbers worked out by hand, and
//! the Markdown note's structure and escaping.
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

/// Shift 08:00–12:00. First responses: a 07:30→08:10 (40 min), b
/// 08:20→09:50 (90 min; its later reply does not count), c 09:00→09:05
/// (5 min), d 06:00→11:00 (300 min): sorted 5, 40, 90, 300, median
/// (40 + 90) / 2 = 65 min. e hidden, f done, g escalated, k deleted:
/// handled a b c d e f g k = 8. Paul's line, lines at 07:59 and at 12:00
/// (the end is excluded), a tag and a read do not count.
fn dataset() -> Inputs {
    let audit = vec![
        line("camille", "a", at(8, 10), "reply queued"),
        line("camille", "a", at(8, 12), "status answered"),
        line("camille", "b", at(10, 0), "reply queued"),
        line("camille", "b", at(9, 50), "private_reply queued"),
        line("camille", "c", at(9, 5), "reply queued"),
        line("camille", "d", at(11, 0), "reply queued"),
        line("camille", "e", at(8, 30), "hide queued"),
        line("camille", "e", at(8, 31), "hide sent"),
        line("camille", "f", at(9, 30), "status done"),
        line("camille", "g", at(10, 15), "escalate marie (refund)"),
        line("paul", "h", at(9, 0), "reply queued"),
        line("camille", "i", at(12, 0), "reply queued"),
        line("camille", "i", at(7, 59), "status done"),
        line("camille", "j", at(10, 0), "tag +refund"),
        line("camille", "j", at(10, 1), "mark read"),
        line("camille", "k", at(11, 30), "delete queued"),
    ];
    let created = [
        ("a", at(7, 30)),
        ("b", at(8, 20)),
        ("c", at(9, 0)),
        ("d", at(6, 0)),
        ("g", at(10, 0)),
    ];
    let items = created
        .iter()
        .map(|(n, c)| {
            let it = item(n, *c, "Ma commande n'est pas arrivée", None);
            (it.id.clone(), it)
        })
        .collect();
    let g: ItemId = "mastodon:brand:g".parse().unwrap();
    Inputs {
        audit,
        items,
        escalations: vec![
            (g.clone(), escalation(at(7, 0), "sav", "delivery")),
            (g, escalation(at(10, 15), "marie", "refund")),
        ],
        pending: 3,
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
fn counts_follow_the_definitions() {
    let t = tally(&shift(), &dataset().audit);
    assert_eq!(t.handled, 8);
    assert_eq!(t.answered, 4);
    assert_eq!(t.done, 1);
    assert_eq!(t.hidden, 1, "queued and sent count one item once");
    assert_eq!(t.deleted, 1);
    assert_eq!(t.escalated, 1);
}

#[test]
fn median_first_response_is_worked_out_by_hand() {
    let s = summarize(&shift(), &dataset());
    assert_eq!(s.responses, 4);
    assert_eq!(s.median_first_response, Some(65 * 60));
    assert_eq!(median(&mut [3, 1, 2]), Some(2));
    assert_eq!(median(&mut [1, 2]), Some(1), "rounded down");
    assert_eq!(median(&mut []), None);
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
        "| Answered | 4 |",
        "| Hidden | 1 |",
        "| Escalated | 1 |",
        "| Pending now | 3 |",
    ] {
        assert!(md.contains(row), "{row} missing in\n{md}");
    }
    assert!(
        md.contains("Median first response: **1 h 05 min** over 4 replies"),
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
