//! Tests of the library as a whole: the shipped examples, folders and
//! scopes, and the picker's ranking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::Path;

use chrono::{Duration, TimeZone, Utc};

use super::tests_render::{item, vars};
use super::*;
use crate::model::{Kind, Network};
use crate::store::ReplyUsage;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn every_shipped_reply_loads_and_renders_on_every_network_it_claims() {
    let lib = Library::load(None, None).expect("examples load without errors");
    assert_eq!(lib.all().len(), library::EXAMPLES.len());
    for lang in ["fr", "en"] {
        let n = lib.all().iter().filter(|c| c.lang == lang).count();
        assert_eq!(n, 10, "{lang} replies");
    }
    for canned in lib.all() {
        assert_eq!(canned.scope, Scope::Example);
        let networks = if canned.networks.is_empty() {
            Network::ALL.to_vec()
        } else {
            canned.networks.clone()
        };
        for network in networks {
            let mut it = item(network, "Bonjour", Some(&canned.lang));
            if canned.kind == Some(ReplyKind::Dm) {
                it.remote.kind = Kind::DirectMessage;
            }
            let text = canned
                .render(&it, &vars(), 1)
                .unwrap_or_else(|e| panic!("{} on {network}: {e}", canned.name));
            assert!(!text.contains("{{") && !text.is_empty(), "{text}");
            assert!(text.contains("Julie"), "{}: greets the author", canned.name);
        }
    }
    assert_eq!(Library::example(), lib);
}

#[test]
fn a_later_scope_overrides_the_same_name() {
    let shared = tempfile::tempdir().unwrap();
    let personal = tempfile::tempdir().unwrap();
    let reply = |title: &str| format!("title = \"{title}\"\nlang = \"en\"\nbody = \"b\"\n");
    write(
        shared.path(),
        "en/delivery-delay.toml",
        &reply("Team delay"),
    );
    write(shared.path(), "en/team-only.toml", &reply("Team only"));
    write(personal.path(), "mine.toml", &reply("Mine"));
    write(personal.path(), "sub/thanks.toml", &reply("My thanks"));
    write(personal.path(), "notes.md", "not a reply {{ nope }}");
    write(personal.path(), ".git/config.toml", "not = [valid");

    let lib = Library::load(Some(personal.path()), Some(shared.path())).unwrap();
    let delay = lib.get("delivery-delay").unwrap();
    assert_eq!(
        (delay.title.as_str(), delay.scope, delay.overrides),
        ("Team delay", Scope::Shared, Some(Scope::Example))
    );
    let thanks = lib.get("thanks").unwrap();
    assert_eq!(
        (thanks.scope, thanks.overrides),
        (Scope::Personal, Some(Scope::Example))
    );
    assert_eq!(lib.get("team-only").unwrap().scope, Scope::Shared);
    assert_eq!(lib.get("mine").unwrap().overrides, None);
    assert_eq!(lib.all().len(), library::EXAMPLES.len() + 2);

    // Personal beats team too.
    write(personal.path(), "team-only.toml", &reply("My version"));
    let lib = Library::load(Some(personal.path()), Some(shared.path())).unwrap();
    assert_eq!(lib.get("team-only").unwrap().title, "My version");
    assert_eq!(
        [Scope::Example, Scope::Shared, Scope::Personal].map(|s| s.to_string()),
        ["example", "team", "mine"]
    );
}

#[test]
fn a_folder_reports_every_error_and_a_missing_team_folder_is_one() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.toml",
        "title = \"a\"\nlang = \"en\"\nbody = \"{{ nope }}\"\n",
    );
    write(dir.path(), "fr/b.toml", "title = = \"b\"\n");
    write(
        dir.path(),
        "c.toml",
        "title = \"c\"\nlang = \"en\"\nbody = \"ok\"\n",
    );
    write(
        dir.path(),
        "d.toml",
        "name = \"c\"\ntitle = \"d\"\nlang = \"en\"\nbody = \"ok\"\n",
    );
    let errors = Library::load(Some(dir.path()), None).unwrap_err().0;
    let got: Vec<_> = errors
        .iter()
        .map(|e| {
            let file = e
                .file
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string();
            (file, e.line)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a.toml".to_string(), Some(3)),
            ("d.toml".to_string(), Some(1)),
            ("fr/b.toml".to_string(), Some(1)),
        ]
    );
    assert!(
        errors[1].reason.contains("already used by"),
        "{}",
        errors[1]
    );

    let missing = dir.path().join("nowhere");
    assert!(
        Library::load(Some(&missing), None).is_ok(),
        "no personal folder yet"
    );
    let errors = Library::load(None, Some(&missing)).unwrap_err().0;
    assert_eq!(errors.len(), 1);
    assert!(errors[0].reason.contains("team replies folder not found"));
}

fn names<'a>(ranked: &[Ranked<'a>]) -> Vec<&'a str> {
    ranked.iter().map(|r| r.canned.name.as_str()).collect()
}

fn complaint() -> crate::model::Item {
    let mut it = item(
        Network::Instagram,
        "Ma commande n'est toujours pas arrivée après trois semaines, c'est inadmissible !",
        None,
    );
    it.local.tags = vec!["delivery".into()];
    it
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

#[test]
fn an_empty_query_puts_the_fitting_reply_first() {
    let lib = Library::example();
    let ranked = rank(&lib, "", &complaint(), &HashMap::new(), now());
    assert_eq!(ranked.len(), lib.all().len(), "an empty query lists all");
    assert_eq!(ranked[0].canned.name, "retard-livraison");
    // The language was detected from the text: French replies come first.
    let first_english = ranked.iter().position(|r| r.canned.lang == "en").unwrap();
    assert!(
        ranked[..first_english]
            .iter()
            .all(|r| r.canned.lang == "fr")
    );
    assert_eq!(
        ranked[0].score,
        rank::LANG + rank::TAG,
        "language + one shared tag, nothing else"
    );
}

#[test]
fn a_much_used_reply_rises_and_old_use_fades() {
    let lib = Library::example();
    let mut usage = HashMap::new();
    usage.insert(
        "passer-en-mp".to_string(),
        ReplyUsage {
            count: 30,
            last: now() - Duration::days(1),
        },
    );
    let ranked = rank(&lib, "", &complaint(), &usage, now());
    assert_eq!(ranked[0].canned.name, "passer-en-mp");
    usage.insert(
        "passer-en-mp".to_string(),
        ReplyUsage {
            count: 30,
            last: now() - Duration::days(120),
        },
    );
    let ranked = rank(&lib, "", &complaint(), &usage, now());
    assert_eq!(ranked[0].canned.name, "retard-livraison");
}

#[test]
fn a_query_filters_and_tolerates_typos() {
    let lib = Library::example();
    let it = complaint();
    let ranked = rank(&lib, "rembours", &it, &HashMap::new(), now());
    assert_eq!(names(&ranked), ["remboursement"]);
    let title = &ranked[0].canned.title;
    let highlighted: String = ranked[0]
        .indices
        .iter()
        .filter_map(|&i| title.chars().nth(i as usize))
        .collect();
    assert_eq!(highlighted, "rembours");

    // A missing letter is still a subsequence; a swap needs the typo pass.
    for typo in ["remboursment", "rembrousement"] {
        let ranked = rank(&lib, typo, &it, &HashMap::new(), now());
        assert_eq!(
            ranked.first().map(|r| r.canned.name.as_str()),
            Some("remboursement"),
            "{typo}"
        );
        assert!(!ranked[0].indices.is_empty(), "{typo} highlights the word");
    }
    // Tags are searched too, in any language: "refund" on a French item
    // finds both refund replies, the French one first.
    let ranked = rank(&lib, "refund", &it, &HashMap::new(), now());
    assert_eq!(names(&ranked)[..2], ["remboursement", "refund-request"]);
    assert!(rank(&lib, "zzzz qqq", &it, &HashMap::new(), now()).is_empty());
}

#[test]
fn replies_not_meant_for_the_item_come_last() {
    let lib = Library::example();
    let mut dm = item(
        Network::Instagram,
        "Hello, where is my order please?",
        Some("en"),
    );
    dm.remote.kind = Kind::DirectMessage;
    let ranked = rank(&lib, "", &dm, &HashMap::new(), now());
    let first_unsuitable = ranked.iter().position(|r| !r.suits).unwrap();
    assert!(ranked[first_unsuitable..].iter().all(|r| !r.suits));
    let move_to_dm = ranked
        .iter()
        .position(|r| r.canned.name == "move-to-dm")
        .unwrap();
    assert!(
        move_to_dm >= first_unsuitable,
        "a public-only reply on a DM"
    );

    // YouTube is not among the giveaway reply's networks.
    let yt = item(Network::YouTube, "Je participe !", Some("fr"));
    let ranked = rank(&lib, "concours", &yt, &HashMap::new(), now());
    assert_eq!(names(&ranked), ["concours-participation"]);
    assert!(!ranked[0].suits);
}
