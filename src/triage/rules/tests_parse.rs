//! The `rules.toml` format: every bad file fails naming file, line and
//! key, all problems at once; the shipped example parses and fires
//! sensibly on hand-made items.

use std::path::Path;

use super::tests::{Nothing, comment, item_by, now};
use super::*;
use crate::model::{Kind, Network};

fn errors(source: &str) -> Vec<ConfigError> {
    match Rules::parse(source, Path::new("/cfg/rules.toml")) {
        Ok(_) => panic!("should fail:\n{source}"),
        Err(e) => e.0,
    }
}

/// The one error of `source`, shown as the user sees it.
fn error(source: &str) -> String {
    let all = errors(source);
    assert_eq!(all.len(), 1, "{all:?}");
    all[0].to_string()
}

#[test]
fn unknown_keys_name_file_line_and_key() {
    let src = "[[rule]]\nname = \"a\"\nwords = \"x\"\ntag = \"t\"\n\n[[rule]]\nname = \"b\"\nword = \"x\"\ntag = \"t\"\n";
    let e = error(src);
    assert!(
        e.starts_with("/cfg/rules.toml:8: key 'word': rule 'b': unknown key 'word'"),
        "{e}"
    );
    assert!(e.contains("words"), "lists the keys: {e}");
    let top = error("[[rules]]\nname = \"a\"\n");
    assert!(top.starts_with("/cfg/rules.toml:1: key 'rules'"), "{top}");
    let table = error("[rule]\nname = \"a\"\n");
    assert!(table.contains("[[rule]]"), "{table}");
}

#[test]
fn bad_values_are_reported_on_their_own_line() {
    let cases = [
        ("regex = \"(unclosed\"", "regex", "bad regex"),
        (
            "network = [\"facebook\", \"myspace\"]",
            "network",
            "unknown network 'myspace'",
        ),
        ("kind = \"story\"", "kind", "unknown kind 'story'"),
        ("priority = \"asap\"", "priority", "unknown priority 'asap'"),
        ("mode = \"auto\"", "mode", "unknown mode 'auto'"),
        ("lang = \"french\"", "lang", "not a language code"),
        ("author_seen_today = 0", "author_seen_today", "at least 1"),
        ("has_link = \"yes\"", "has_link", "expected true or false"),
        ("all_caps = \"loud\"", "all_caps", "minimum number"),
        (
            "near_duplicates_window = \"2h\"",
            "near_duplicates_window",
            "near_duplicates = N",
        ),
        ("escalate = \"\"", "escalate", "non-empty"),
    ];
    for (line, key, reason) in cases {
        let src = format!("[[rule]]\nname = \"r\"\nwords = \"x\"\ntag = \"t\"\n{line}\n");
        let e = error(&src);
        let head = format!("/cfg/rules.toml:5: key '{key}': rule 'r': ");
        assert!(e.starts_with(&head), "{e}");
        assert!(e.contains(reason), "{e}");
    }
    let dup = "[[rule]]\nname = \"r\"\nwords = \"x\"\ntag = \"t\"\nnear_duplicates = 3\n\
               near_duplicates_window = \"forever\"\nnear_duplicates_similarity = 1.5\n";
    let all = errors(dup);
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0].line, Some(6));
    assert_eq!(all[1].line, Some(7));
}

#[test]
fn rules_without_conditions_actions_or_name_are_refused() {
    let e = error("\n[[rule]]\nname = \"lazy\"\ntag = \"t\"\n");
    assert_eq!(
        e,
        "/cfg/rules.toml:3: rule 'lazy' has no condition (it would fire on every item)"
    );
    let e = error("[[rule]]\nname = \"idle\"\nwords = \"x\"\n");
    assert_eq!(e, "/cfg/rules.toml:2: rule 'idle' has no action");
    let e = error("[[rule]]\nwords = \"x\"\ntag = \"t\"\n");
    assert!(e.contains("rule #1 has no name"), "{e}");
    let e = error(
        "[[rule]]\nname = \"a\"\nwords = \"x\"\ntag = \"t\"\n[[rule]]\nname = \"a\"\nwords = \"y\"\ntag = \"t\"\n",
    );
    assert!(
        e.starts_with("/cfg/rules.toml:6: key 'name': two rules are named 'a'"),
        "{e}"
    );
    let e = error("[[rule]]\nname = \"w\"\nwords = [\"ok\", \"  \"]\ntag = \"t\"\n");
    assert!(e.contains("empty word"), "{e}");
}

#[test]
fn every_problem_of_every_rule_at_once_in_line_order() {
    let src = "[[rule]]\nname = \"a\"\nregex = \"[\"\ntag = \"t\"\n\n\
               [[rule]]\nname = \"b\"\nnetwork = \"orkut\"\npriority = \"max\"\nwords = \"x\"\n";
    let lines: Vec<Option<usize>> = errors(src).iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![Some(3), Some(8), Some(9)]);
}

#[test]
fn toml_syntax_errors_keep_their_line() {
    let all = errors("[[rule]]\nname = \"a\"\nwords = [\"x\"\ntag = \"t\"\n");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].file, Path::new("/cfg/rules.toml"));
    assert!(all[0].line.is_some_and(|l| l >= 3), "{:?}", all[0]);
}

#[test]
fn load_names_a_missing_file() {
    let e = Rules::load(Path::new("/nonexistent/rules.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/nonexistent/rules.toml: cannot read"),
        "{e}"
    );
}

fn example_fires(item: &Item) -> Vec<(String, Mode, String)> {
    Rules::example()
        .evaluate(item, &Nothing, now())
        .into_iter()
        .map(|f| (f.actions_text(), f))
        .map(|(a, f)| (f.rule, f.mode, a))
        .collect()
}

fn names(item: &Item) -> Vec<String> {
    example_fires(item).into_iter().map(|(n, _, _)| n).collect()
}

#[test]
fn the_example_parses_and_every_rule_is_reachable() {
    let rules = Rules::parse(EXAMPLE, Path::new("rules.example.toml")).unwrap();
    assert!(rules.rules.len() >= 12);
    assert_eq!(Rules::example().rules.len(), rules.rules.len());
    assert!(rules.rules.iter().all(|r| r.enabled && r.line > 0));
    assert!(rules.rules.iter().any(|r| r.mode == Mode::Apply));
}

#[test]
fn the_example_fires_sensibly() {
    let insult = comment("Bande de connards, rendez-moi mon argent");
    assert_eq!(
        example_fires(&insult),
        vec![(
            "Insults".to_string(),
            Mode::Propose,
            "tag insult, hide".to_string()
        )]
    );
    assert!(
        names(&comment("Merci de me contacter en privé")).is_empty(),
        "con in contact"
    );

    let refund = comment("Toujours pas de REMBOURSEMENT après 3 semaines");
    assert_eq!(
        example_fires(&refund),
        vec![(
            "Refund requests".to_string(),
            Mode::Propose,
            "tag refund, priority high, escalate refund".to_string()
        )]
    );
    assert_eq!(names(&comment("Where is my refund?")), ["Refund requests"]);

    let caps = comment("THIS IS THE WORST CUSTOMER SERVICE I HAVE EVER DEALT WITH. NO CANDLE.");
    assert_eq!(names(&caps), ["ALL CAPS complaints"]);
    assert!(names(&comment("MERCI !!")).is_empty());

    let giveaway = item_by(
        Network::Instagram,
        Kind::Reply,
        "atelier.lumen.giveaway",
        "🎉 FÉLICITATIONS ! Vous faites partie des gagnants du concours Atelier Lumen ! Réclamez votre lot ici : bit.ly/lumen-gagnant-2024 sous 24 h ⏳",
        3,
    );
    assert!(names(&giveaway).contains(&"Fake giveaway".to_string()));

    let phone = comment("Appelez-moi au 06 12 34 56 78 svp");
    assert_eq!(names(&phone), ["Personal data in public"]);
    let dm = item_by(
        Network::Instagram,
        Kind::DirectMessage,
        "sarah",
        "my number is 06 12 34 56 78",
        3,
    );
    assert!(
        names(&dm).is_empty(),
        "a private message may carry a number"
    );

    let emoji = comment("😍🔥");
    assert_eq!(
        example_fires(&emoji),
        vec![(
            "Emoji-only reactions".to_string(),
            Mode::Apply,
            "priority low, done".to_string()
        )]
    );
    let kind = comment("Une bougie magnifique, je recommande à tout le monde, merci l'atelier !");
    assert!(names(&kind).is_empty(), "a happy customer fires nothing");
}

#[test]
fn the_example_on_the_demo_inbox() {
    let items = crate::demo::demo_items(now());
    let snap = Snapshot::new(&items, now(), chrono::FixedOffset::east_opt(3_600).unwrap());
    let rules = Rules::example();
    let mut fired = std::collections::HashMap::<String, usize>::new();
    for it in &items {
        for f in rules.evaluate(it, &snap, now()) {
            *fired.entry(f.rule).or_default() += 1;
        }
    }
    let wanted = [
        "Refund requests",
        "ALL CAPS complaints",
        "Crypto and follower sellers",
        "Fake giveaway",
    ];
    for wanted in wanted {
        assert!(
            fired.get(wanted).is_some_and(|n| *n > 0),
            "{wanted}: {fired:?}"
        );
    }
    // The demo's look-alike texts come from a few templates, not from bots.
    assert_eq!(fired.get("Spam wave"), None, "{fired:?}");
    let total: usize = fired.values().sum();
    assert!(total < items.len(), "the rules flag a minority: {fired:?}");
}
