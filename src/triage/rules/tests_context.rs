//! The conditions that read other items, through [`Snapshot`]: spam waves,
//! authors seen today (around midnight in a non-UTC zone), authors blocked
//! elsewhere.

use chrono::FixedOffset;

use super::tests::{item_by, now, rules};
use super::*;
use crate::model::{Kind, LastAction, Network};

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap()
}

fn fired(r: &Rules, snap: &Snapshot, item: &Item) -> bool {
    !r.evaluate(item, snap, now()).is_empty()
}

const WAVE: [&str; 5] = [
    "💰 Turn $100 into $5,000 in 24h with Bitcoin trading! DM me to learn how 👉 t.me/cryptogains_vip",
    "Turn $100 into $5,000 in 24h with Bitcoin trading!! DM me to learn how 👉 t.me/cryptogains_vip 🚀",
    "💰 Turn $100 into $7,000 in 24h with Bitcoin trading! DM me to learn how 👉 t.me/cryptogains_vip",
    "turn $100 into $5,000 in 24h with bitcoin TRADING, DM me to learn how t.me/cryptogains_vip",
    "💰💰 Turn $100 into $5,000 in 24h with Bitcoin trading! DM me now to learn how 👉 t.me/cryptogains_vip",
];

#[test]
fn a_spam_wave_from_five_authors_fires_and_two_lookalikes_do_not() {
    let mut items: Vec<Item> = WAVE
        .iter()
        .enumerate()
        .map(|(i, t)| {
            item_by(
                Network::Instagram,
                Kind::Comment,
                &format!("bot{i}"),
                t,
                10 + i as i64,
            )
        })
        .collect();
    let pair = [
        "Ma bougie Forêt d'hiver a noirci tout le verre dès le premier allumage, déçue",
        "Ma bougie Forêt d'hiver a noirci tout le verre dès le premier allumage !!",
    ];
    for (i, t) in pair.iter().enumerate() {
        items.push(item_by(
            Network::Facebook,
            Kind::Comment,
            &format!("client{i}"),
            t,
            30,
        ));
    }
    items.push(item_by(
        Network::X,
        Kind::Mention,
        "someone",
        "Completely different words about candles and wax",
        5,
    ));
    let snap = Snapshot::new(&items, now(), utc());
    let r = rules(
        "[[rule]]\nname = \"wave\"\nnear_duplicates = 4\nnear_duplicates_window = \"2h\"\n\
         near_duplicates_similarity = 0.7\ntag = \"spam\"\n",
    );
    for it in &items[..5] {
        let f = r.evaluate(it, &snap, now());
        assert_eq!(f.len(), 1, "{}", it.remote.text);
        assert_eq!(f[0].why, "near-duplicate of 4 items within 2h");
    }
    for it in &items[5..] {
        assert!(!fired(&r, &snap, it), "{}", it.remote.text);
    }
    let pair_count = snap.near_duplicates(&items[5], chrono::Duration::hours(2), 0.7);
    assert_eq!(pair_count, 1);
}

#[test]
fn the_example_spam_wave_rule_flags_a_wave_for_approval() {
    let items: Vec<Item> = WAVE
        .iter()
        .enumerate()
        .map(|(i, t)| {
            item_by(
                Network::TikTok,
                Kind::Comment,
                &format!("bot{i}"),
                t,
                60 * i as i64,
            )
        })
        .collect();
    let snap = Snapshot::new(&items, now(), utc());
    let f = Rules::example().evaluate(&items[2], &snap, now());
    let wave = f.iter().find(|f| f.rule == "Spam wave").unwrap();
    assert_eq!(wave.mode, Mode::Propose);
    assert_eq!(
        wave.actions,
        vec![RuleAction::Tag("spam".into()), RuleAction::Hide]
    );
    assert_eq!(
        wave.why,
        "kind: comment; near-duplicate of 4 items within 6h"
    );
}

#[test]
fn copies_from_one_author_or_outside_the_window_are_not_a_wave() {
    let mut items: Vec<Item> = (0..5)
        .map(|i| item_by(Network::X, Kind::Reply, "same.bot", WAVE[0], i * 10))
        .collect();
    // Five authors, but a day apart.
    items.extend((0..5).map(|i| {
        item_by(
            Network::X,
            Kind::Reply,
            &format!("slow{i}"),
            WAVE[1],
            600 + i * 1_500,
        )
    }));
    let snap = Snapshot::new(&items, now(), utc());
    let window = chrono::Duration::hours(2);
    for it in &items {
        assert_eq!(snap.near_duplicates(it, window, 0.7), 0);
    }
    // Within a day, the first slow copy sees the five burst copies.
    assert_eq!(
        snap.near_duplicates(&items[5], chrono::Duration::days(1), 0.7),
        5
    );
}

#[test]
fn short_texts_and_the_brand_own_replies_are_never_waves() {
    let mut items: Vec<Item> = (0..6)
        .map(|i| {
            item_by(
                Network::Facebook,
                Kind::Comment,
                &format!("fan{i}"),
                "Trop beau !",
                i,
            )
        })
        .collect();
    items.extend((0..6).map(|i| {
        let mut it = item_by(
            Network::Facebook,
            Kind::Reply,
            "atelier.lumen",
            "Merci beaucoup pour votre message, nous revenons vers vous très vite !",
            i,
        );
        it.remote.from_us = true;
        it.remote.native_id = format!("ours-{i}");
        it
    }));
    let snap = Snapshot::new(&items, now(), utc());
    for it in &items {
        assert_eq!(snap.near_duplicates(it, chrono::Duration::hours(6), 0.5), 0);
    }
}

#[test]
fn seen_today_counts_from_local_midnight() {
    // now is 14:00 UTC: 09:00 in Montréal (UTC-5), whose day began at 05:00 UTC.
    let items = vec![
        item_by(Network::Facebook, Kind::Comment, "karim", "un", 10),
        item_by(
            Network::Facebook,
            Kind::Comment,
            "karim",
            "deux",
            8 * 60 + 30,
        ),
        item_by(
            Network::Facebook,
            Kind::Comment,
            "karim",
            "trois",
            9 * 60 + 30,
        ),
        item_by(Network::X, Kind::Comment, "karim", "ailleurs", 5),
    ];
    let r = rules("[[rule]]\nname = \"busy\"\nauthor_seen_today = 3\ntag = \"frequent\"\n");
    let montreal = FixedOffset::west_opt(5 * 3_600).unwrap();
    let snap = Snapshot::new(&items, now(), montreal);
    assert_eq!(
        snap.author_items_today(&items[0]),
        2,
        "23:30 yesterday in Montréal"
    );
    assert!(!fired(&r, &snap, &items[0]));
    assert_eq!(
        snap.author_items_today(&items[3]),
        1,
        "another network, another author id"
    );

    let snap = Snapshot::new(&items, now(), utc());
    assert_eq!(snap.author_items_today(&items[0]), 3);
    let f = r.evaluate(&items[0], &snap, now());
    assert_eq!(f[0].why, "author seen 3 times today");

    let tokyo = FixedOffset::east_opt(9 * 3_600).unwrap();
    assert_eq!(
        snapshot::local_midnight(now(), tokyo),
        now() - chrono::Duration::hours(23)
    );
    assert_eq!(
        snapshot::local_midnight(now(), montreal),
        now() - chrono::Duration::hours(9)
    );
}

fn blocked(mut it: Item) -> Item {
    it.local.last_action = Some(LastAction {
        what: "block sent".into(),
        by: "camille".into(),
        at: now(),
    });
    it
}

#[test]
fn blocked_elsewhere_follows_the_person_across_networks() {
    let on_x = blocked(item_by(Network::X, Kind::Reply, "julien.perrin", "nul", 60));
    let on_mastodon = item_by(
        Network::Mastodon,
        Kind::Mention,
        "julien_perrin@piaille.fr",
        "toujours nul",
        5,
    );
    let on_bluesky = item_by(
        Network::Bluesky,
        Kind::Reply,
        "julien-perrin.bsky.social",
        "re",
        4,
    );
    let other = item_by(
        Network::Mastodon,
        Kind::Mention,
        "julie.perrin@mamot.fr",
        "coucou",
        3,
    );
    let mut tagged = item_by(Network::Facebook, Kind::Comment, "lea.mrtn", "x", 2);
    tagged.local.last_action = Some(LastAction {
        what: "tag +spam".into(),
        by: "camille".into(),
        at: now(),
    });
    let lea = item_by(Network::Instagram, Kind::Comment, "lea.mrtn", "y", 1);
    let items = vec![
        on_x.clone(),
        on_mastodon.clone(),
        on_bluesky.clone(),
        other.clone(),
        tagged,
        lea.clone(),
    ];
    let snap = Snapshot::new(&items, now(), utc());
    assert!(snap.author_blocked_elsewhere(&on_mastodon));
    assert!(snap.author_blocked_elsewhere(&on_bluesky));
    assert!(
        !snap.author_blocked_elsewhere(&on_x),
        "its own block is not elsewhere"
    );
    assert!(!snap.author_blocked_elsewhere(&other));
    assert!(!snap.author_blocked_elsewhere(&lea), "a tag is not a block");

    let r = rules("[[rule]]\nname = \"b\"\nauthor_blocked_elsewhere = true\npriority = \"high\"\n");
    assert_eq!(
        r.evaluate(&on_mastodon, &snap, now())[0].why,
        "author blocked elsewhere"
    );

    // A block the audit log remembers, though a later action replaced it.
    let mut snap = Snapshot::new(&items, now(), utc());
    let mut audit_blocked = items[4].clone();
    audit_blocked.local.last_action = None;
    snap.mark_blocked(&audit_blocked);
    assert!(snap.author_blocked_elsewhere(&lea));
}

#[test]
fn same_full_name_counts_but_a_first_name_alone_does_not() {
    let mut a = blocked(item_by(Network::Facebook, Kind::Comment, "", "x", 9));
    a.remote.author.id = "100".into();
    a.remote.author.display_name = "Derek Hollis".into();
    let mut b = item_by(Network::YouTube, Kind::Comment, "", "y", 8);
    b.remote.author.id = "UCx".into();
    b.remote.author.display_name = "DEREK HOLLIS".into();
    let mut c = item_by(Network::YouTube, Kind::Comment, "", "z", 7);
    c.remote.author.id = "UCy".into();
    c.remote.author.display_name = "Derek".into();
    let mut d = blocked(item_by(Network::TikTok, Kind::Comment, "", "w", 7));
    d.remote.author.id = "T1".into();
    d.remote.author.display_name = "Derek".into();
    let snap = Snapshot::new(&[a, b.clone(), c.clone(), d], now(), utc());
    assert!(snap.author_blocked_elsewhere(&b));
    assert!(!snap.author_blocked_elsewhere(&c));
}

#[test]
fn the_example_flags_link_drops_from_busy_authors() {
    let items: Vec<Item> = (0..3)
        .map(|i| {
            let text = format!("Regardez ça 👉 bit.ly/deal-{i}");
            item_by(
                Network::Instagram,
                Kind::Comment,
                "deals.daily",
                &text,
                10 * i,
            )
        })
        .collect();
    let snap = Snapshot::new(&items, now(), utc());
    let f = Rules::example().evaluate(&items[0], &snap, now());
    let drop = f.iter().find(|f| f.rule == "Link drops").unwrap();
    assert_eq!(
        drop.why,
        "kind: comment; contains a link; author seen 3 times today"
    );
    let quiet = Snapshot::new(&items[..2], now(), utc());
    let f = Rules::example().evaluate(&items[0], &quiet, now());
    assert!(f.iter().all(|f| f.rule != "Link drops"));
}
