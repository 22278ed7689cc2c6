//! Each condition alone (positive and negative), combinations, actions and
//! modes. Context-backed conditions and the snapshot are in
//! `tests_context.rs`; the file format and its errors in `tests_parse.rs`.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::model::{Author, Engagement, Kind, Moderation, Network, Remote};

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0)
        .single()
        .unwrap_or_default()
}

/// An item by `handle` on `network`, `minutes` before [`now`].
pub(super) fn item_by(
    network: Network,
    kind: Kind,
    handle: &str,
    text: &str,
    minutes: i64,
) -> Item {
    Item::new(Remote {
        network,
        account: "atelierlumen".into(),
        native_id: format!("{handle}-{}-{minutes}", crate::text::fold(text).len()),
        kind,
        thread_id: None,
        parent_id: None,
        post: None,
        author: Author {
            id: format!("id-{handle}"),
            handle: handle.into(),
            display_name: handle.into(),
            profile_url: None,
            followers: None,
        },
        text: text.into(),
        lang: None,
        created_at: now() - chrono::Duration::minutes(minutes),
        permalink: None,
        engagement: Engagement::default(),
        from_us: false,
        moderation: Moderation::default(),
    })
}

pub(super) fn comment(text: &str) -> Item {
    item_by(Network::Facebook, Kind::Comment, "claire", text, 5)
}

/// A context where nothing is known about other items.
pub(super) struct Nothing;

impl Context for Nothing {
    fn author_items_today(&self, _: &Item) -> usize {
        1
    }
    fn author_blocked_elsewhere(&self, _: &Item) -> bool {
        false
    }
    fn near_duplicates(&self, _: &Item, _: chrono::Duration, _: f32) -> usize {
        0
    }
}

pub(super) fn rules(body: &str) -> Rules {
    match Rules::parse(body, Path::new("rules.toml")) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// One rule made of `conditions`, tagging `hit`.
fn one(conditions: &str) -> Rules {
    rules(&format!(
        "[[rule]]\nname = \"r\"\ntag = \"hit\"\n{conditions}\n"
    ))
}

fn fires(r: &Rules, item: &Item) -> bool {
    !r.evaluate(item, &Nothing, now()).is_empty()
}

fn why(r: &Rules, item: &Item) -> String {
    r.evaluate(item, &Nothing, now())
        .first()
        .map(|f| f.why.clone())
        .unwrap_or_default()
}

#[test]
fn words_are_whole_words_case_and_accent_insensitive() {
    let r = one(r#"words = ["arnaque", "con", "délai", "c'est nul", "scam"]"#);
    assert!(fires(&r, &comment("Quelle ARNAQUE ce site")));
    assert!(fires(&r, &comment("Le DELAI est énorme")));
    assert!(fires(&r, &comment("Le délai est énorme")));
    assert!(fires(&r, &comment("Franchement C’EST NUL !")));
    assert!(fires(&r, &comment("This is a SCAM.")));
    assert!(fires(&r, &comment("espèce de con")));
    assert!(
        !fires(&r, &comment("Merci de me contacter")),
        "con in contact"
    );
    assert!(
        !fires(&r, &comment("Les arnaques")),
        "plural is another word"
    );
    assert!(
        !fires(&r, &comment("c'est vraiment nul")),
        "a phrase is in order"
    );
    assert!(!fires(&r, &comment("scammer")));
    assert_eq!(why(&r, &comment("quelle arnaque")), "words: arnaque");
}

#[test]
fn prefixes_and_symbols() {
    let r = one(r#"words = ["rembours*", "refund*", "🖕"]"#);
    assert!(fires(&r, &comment("Je veux être REMBOURSÉE")));
    assert!(fires(&r, &comment("Waiting for my refund.")));
    assert!(fires(&r, &comment("refunded?")));
    assert!(fires(&r, &comment("voilà 🖕")));
    assert!(fires(&r, &comment("on rembourse pas")));
    assert!(!fires(&r, &comment("le fund est vide")));
    assert_eq!(why(&r, &comment("remboursement")), "words: rembours*");
}

#[test]
fn regex_runs_on_folded_text() {
    let r = one(r#"regex = "\\b(arnaque|escroc)s?\\b""#);
    assert!(fires(&r, &comment("Bande d'ESCROCS")));
    assert!(!fires(&r, &comment("escroquerie")));
    assert_eq!(why(&r, &comment("des Arnaques")), "regex: arnaques");
}

#[test]
fn language_declared_or_detected() {
    let r = one(r#"lang = "fr""#);
    let mut declared = comment("ok");
    declared.remote.lang = Some("fr-CA".into());
    assert!(fires(&r, &declared));
    declared.remote.lang = Some("en".into());
    assert!(!fires(&r, &declared));
    let detected =
        comment("Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier ?");
    assert!(fires(&r, &detected));
    assert_eq!(why(&r, &detected), "language: fr");
    assert!(!fires(
        &r,
        &comment("Hi there, my candle arrived broken and I would like a new one please")
    ));
    assert!(!fires(&r, &comment("ok")), "too short to detect");
}

#[test]
fn network_and_kind() {
    let r = one("network = [\"instagram\", \"tiktok\"]\nkind = \"comment\"");
    let on = |n, k| item_by(n, k, "a", "hello", 1);
    assert!(fires(&r, &on(Network::Instagram, Kind::Comment)));
    assert!(fires(&r, &on(Network::TikTok, Kind::Comment)));
    assert!(!fires(&r, &on(Network::Facebook, Kind::Comment)));
    assert!(!fires(&r, &on(Network::Instagram, Kind::DirectMessage)));
    let dm = one("kind = \"dm\"");
    assert!(fires(&dm, &on(Network::X, Kind::DirectMessage)));
}

#[test]
fn links_emails_and_phones_and_their_negation() {
    let link = one("has_link = true");
    assert!(fires(
        &link,
        &comment("Réclamez ici : bit.ly/lumen-gagnant")
    ));
    assert!(fires(&link, &comment("https://shop.example.com/x")));
    assert!(!fires(&link, &comment("merci @lea@piaille.fr")));
    let no_link = one("has_link = false");
    assert!(fires(&no_link, &comment("merci !")));
    assert!(!fires(&no_link, &comment("www.example.fr")));
    assert_eq!(why(&no_link, &comment("merci")), "no link");

    let email = one("has_email = true");
    assert!(fires(&email, &comment("écrivez à claire.d@gmail.com svp")));
    assert!(!fires(&email, &comment("@julien@mamot.fr merci")));

    let phone = one("has_phone = true");
    assert!(fires(&phone, &comment("Rappelez-moi au 06 12 34 56 78")));
    assert!(fires(&phone, &comment("call me +1 514 555 0199")));
    assert!(!fires(&phone, &comment("commande 1234567")));
    assert_eq!(
        why(&phone, &comment("06.12.34.56.78")),
        "contains a phone number"
    );
}

#[test]
fn all_caps_with_a_minimum_length() {
    let r = one("all_caps = true");
    assert!(fires(&r, &comment("TOUJOURS RIEN REÇU, C'EST HONTEUX !!!")));
    assert!(!fires(&r, &comment("MERCI !")), "too short");
    assert!(!fires(&r, &comment("Toujours rien reçu, c'est honteux")));
    let long = one("all_caps = 30");
    assert!(!fires(&long, &comment("TOUJOURS RIEN REÇU")));
    let not = one("all_caps = false");
    assert!(fires(&not, &comment("calme et poli")));
}

#[test]
fn only_emoji() {
    let r = one("only_emoji = true");
    assert!(fires(&r, &comment("😍😍🔥")));
    assert!(fires(&r, &comment("❤️ 👨‍👩‍👧")));
    assert!(!fires(&r, &comment("trop beau 😍")));
    assert!(!fires(&r, &comment("")));
}

#[test]
fn all_conditions_must_hold_and_why_lists_them() {
    let r = one("words = [\"gagnant\", \"winner\"]\nhas_link = true\nnetwork = \"instagram\"");
    let mut it = item_by(
        Network::Instagram,
        Kind::Comment,
        "spam",
        "Vous êtes GAGNANT ! bit.ly/x",
        1,
    );
    let firings = r.evaluate(&it, &Nothing, now());
    assert_eq!(firings.len(), 1);
    assert_eq!(
        firings[0].why,
        "network: instagram; words: gagnant; contains a link"
    );
    assert_eq!(firings[0].at, now());
    it.remote.text = "Vous êtes gagnant !".into();
    assert!(!fires(&r, &it), "no link");
    it.remote.text = "bit.ly/x".into();
    assert!(!fires(&r, &it), "no word");
    let mut fb = item_by(Network::Facebook, Kind::Comment, "s", "winner bit.ly/x", 1);
    assert!(!fires(&r, &fb), "wrong network");
    fb.remote.network = Network::Instagram;
    assert!(fires(&r, &fb));
}

#[test]
fn every_action_parses_in_a_stable_order() {
    let r = rules(
        "[[rule]]\nname = \"all\"\nwords = \"x\"\nhide = true\ndone = true\nescalate = \"legal\"\n\
         assign = \"camille\"\npriority = \"urgent\"\ntag = [\"refund\", \"complaint\"]\n",
    );
    let f = r.evaluate(&comment("x"), &Nothing, now());
    assert_eq!(
        f[0].actions,
        vec![
            RuleAction::Tag("refund".into()),
            RuleAction::Tag("complaint".into()),
            RuleAction::Priority(Priority::Urgent),
            RuleAction::Assign("camille".into()),
            RuleAction::Escalate {
                tag: "legal".into()
            },
            RuleAction::Hide,
            RuleAction::Done,
        ]
    );
    assert_eq!(
        f[0].actions_text(),
        "tag refund, tag complaint, priority urgent, assign camille, escalate legal, hide, done"
    );
    let quiet = rules("[[rule]]\nname = \"q\"\nwords = \"x\"\nhide = false\ntag = \"t\"\n");
    assert_eq!(quiet.rules[0].actions, vec![RuleAction::Tag("t".into())]);
}

#[test]
fn modes_are_carried_and_disabled_rules_skipped() {
    let r = rules(
        "[[rule]]\nname = \"a\"\nwords = \"x\"\ntag = \"t\"\n\n\
         [[rule]]\nname = \"b\"\nmode = \"apply\"\nwords = \"x\"\ndone = true\n\n\
         [[rule]]\nname = \"c\"\nmode = \"propose\"\nenabled = false\nwords = \"x\"\nhide = true\n",
    );
    let f = r.evaluate(&comment("x"), &Nothing, now());
    let got: Vec<(&str, Mode)> = f.iter().map(|f| (f.rule.as_str(), f.mode)).collect();
    assert_eq!(got, vec![("a", Mode::Propose), ("b", Mode::Apply)]);
    assert_eq!(r.get("c").map(|c| c.enabled), Some(false));
}

#[test]
fn the_brand_own_items_never_fire() {
    let r = one("words = \"merci\"");
    let mut ours = comment("merci");
    ours.remote.from_us = true;
    assert!(!fires(&r, &ours));
}

#[test]
fn hostile_text_neither_panics_nor_crawls() {
    let r = Rules::example();
    let huge = format!(
        "{}{}{}",
        "A".repeat(300_000),
        "é\u{301}🔥\u{202e}\u{1b}[31m ".repeat(20_000),
        crate::demo::HOSTILE_TEXT
    );
    let mut cases = vec![
        comment(&huge),
        comment(crate::demo::HOSTILE_TEXT),
        comment(""),
    ];
    cases.push(comment(&"06 ".repeat(50_000)));
    cases.push(comment(&"@a@b.fr x@y.fr http:// ".repeat(5_000)));
    for c in &cases {
        let _ = r.evaluate(c, &Nothing, now());
    }
}
