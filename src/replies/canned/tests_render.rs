//! Tests of one reply file: parsing, load-time errors with their lines,
//! rendering every variable, `ask`, variants and `one_of` waves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};

use super::context::first_name;
use super::*;
use crate::config::ConfigError;
use crate::model::{Author, Engagement, Item, Kind, Network, Remote};
use crate::replies::placeholder;

pub(super) fn item(network: Network, text: &str, lang: Option<&str>) -> Item {
    Item::new(Remote {
        network,
        account: "atelier-lumen".into(),
        native_id: format!("{network}-{}", text.len()),
        kind: Kind::Comment,
        thread_id: None,
        parent_id: None,
        post: None,
        author: Author {
            id: "a1".into(),
            handle: "julie.m".into(),
            display_name: "Julie Martin".into(),
            profile_url: None,
            followers: None,
        },
        text: text.into(),
        lang: lang.map(str::to_string),
        created_at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
        permalink: Some("https://instagram.com/p/abc".into()),
        engagement: Engagement::default(),
        from_us: false,
        moderation: Default::default(),
    })
}

pub(super) fn vars() -> Vars {
    Vars {
        brand: "Atelier Lumen".into(),
        agent: "Camille".into(),
        signature: "— Camille".into(),
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        filled: BTreeMap::new(),
    }
}

fn parse(source: &str) -> Result<Canned, Vec<ConfigError>> {
    super::file::parse(Path::new("mine/test.toml"), source, Scope::Personal)
}

fn one_error(source: &str) -> ConfigError {
    let errors = parse(source).expect_err("should not load");
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

const ALL_VARS: &str = r#"title = "All"
lang = "fr"
body = """
{{ first_name }}|{{ handle }}|{{ author_name }}|{{ network }}|{{ brand }}
{{ agent }}|{{ signature }}|{{ link }}|{{ today }}|{{ item_text }}
"""
"#;

#[test]
fn renders_every_variable() {
    let canned = parse(ALL_VARS).unwrap();
    assert_eq!(canned.name, "test", "the name defaults to the file stem");
    let out = canned
        .render(&item(Network::Instagram, "Superbe lampe", None), &vars(), 7)
        .unwrap();
    assert_eq!(
        out,
        "Julie|@julie.m|Julie Martin|Instagram|Atelier Lumen\n\
         Camille|— Camille|https://instagram.com/p/abc|23 novembre 2026|Superbe lampe"
    );
}

#[test]
fn today_is_written_in_the_reply_language() {
    let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    assert_eq!(long_date(d, "en"), "23 November 2026");
    assert_eq!(long_date(d, "fr"), "23 novembre 2026");
    let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert_eq!(long_date(first, "fr"), "1er décembre 2026");
    assert_eq!(long_date(first, "xx"), "2026-12-01");
}

#[test]
fn first_name_falls_back_to_the_handle() {
    let author = |display: &str, handle: &str| Author {
        handle: handle.into(),
        display_name: display.into(),
        ..Author::default()
    };
    assert_eq!(first_name(&author("🌸 Julie Martin", "j")), "Julie");
    assert_eq!(first_name(&author("MARC", "m")), "Marc");
    assert_eq!(first_name(&author("", "@lea@mastodon.social")), "Lea");
    assert_eq!(first_name(&author("✨✨", "tom.bsky.social")), "Tom");
    assert_eq!(
        first_name(&author("margot@mastodon.social", "margot@mastodon.social")),
        "Margot"
    );
    assert_eq!(first_name(&author("margaux.lfv", "margaux.lfv")), "Margaux");
    assert_eq!(first_name(&author("lea_99", "lea_99")), "Lea");
    assert_eq!(first_name(&author("", "x1")), "x1");
}

#[test]
fn a_missing_link_is_an_error_not_an_empty_string() {
    let canned = parse(ALL_VARS).unwrap();
    let mut it = item(Network::X, "hello", None);
    it.remote.permalink = None;
    let err = canned.render(&it, &vars(), 0).unwrap_err();
    assert_eq!(
        err,
        RenderError::NoLink {
            reply: "test".into()
        }
    );
    assert!(err.to_string().contains("no link"));
    // A reply that only tests for it renders fine.
    let optional = parse("title = \"t\"\nlang = \"en\"\nbody = \"{% if link %}{{ link }}{% else %}none{% endif %}\"\n").unwrap();
    assert_eq!(optional.render(&it, &vars(), 0).unwrap(), "none");
}

#[test]
fn an_unknown_variable_is_a_load_error_on_its_line() {
    let src = "title = \"t\"\nlang = \"fr\"\nbody = \"\"\"\nBonjour,\n\nmerci {{ firstname }} !\n\"\"\"\n";
    let e = one_error(src);
    assert_eq!(e.file, Path::new("mine/test.toml"));
    assert_eq!(e.line, Some(6));
    assert_eq!(e.key.as_deref(), Some("body"));
    assert!(
        e.reason.contains("unknown variable 'firstname'"),
        "{}",
        e.reason
    );
    assert!(
        e.reason.contains("did you mean 'first_name'"),
        "{}",
        e.reason
    );
    assert!(e.to_string().starts_with("mine/test.toml:6: key 'body'"));
}

#[test]
fn an_unknown_variable_in_a_variant_names_the_variant() {
    let src = "title = \"t\"\nlang = \"fr\"\nbody = \"ok\"\n\n[variants]\nx = \"hi {{ nme }}\"\n";
    let e = one_error(src);
    assert_eq!((e.line, e.key.as_deref()), (Some(6), Some("variants.x")));
}

#[test]
fn a_template_syntax_error_names_its_line() {
    let src = "title = \"t\"\nlang = \"en\"\nbody = \"\"\"\nHello,\nthanks {% if %}\n\"\"\"\n";
    let e = one_error(src);
    assert_eq!(e.line, Some(5));
    assert!(
        e.reason.starts_with("template error: syntax error"),
        "{}",
        e.reason
    );
}

#[test]
fn run_time_template_errors_show_at_load() {
    let e = one_error("title = \"t\"\nlang = \"en\"\nbody = \"{{ first_name|shout }}\"\n");
    assert_eq!(e.line, Some(3));
    assert!(e.reason.contains("shout"), "{}", e.reason);
    let e = one_error("title = \"t\"\nlang = \"en\"\nbody = \"{{ ask(\\\"  \\\") }}\"\n");
    assert!(e.reason.contains("ask() needs a label"), "{}", e.reason);
}

#[test]
fn bad_fields_are_reported_together_with_their_lines() {
    let src = "title = \"t\"\nlang = \"french\"\nnetworks = [\"myspace\"]\nkind = \"private\"\nbody = \"ok\"\n";
    let errors = parse(src).unwrap_err();
    let got: Vec<_> = errors
        .iter()
        .map(|e| (e.line, e.key.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(2), "lang".to_string()),
            (Some(3), "networks".to_string()),
            (Some(4), "kind".to_string())
        ]
    );
    let e = one_error("title = \"t\"\nlang = \"en\"\nbody = \"ok\"\nsubject = \"x\"\n");
    assert_eq!(e.line, Some(4));
    let e = one_error(
        "title = \"t\"\nlang = \"en\"\nnetworks = [\"x\"]\nbody = \"ok\"\n[variants]\nbluesky = \"b\"\n",
    );
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(6), Some("variants.bluesky"))
    );
}

#[test]
fn ask_leaves_markers_unless_the_caller_filled_them() {
    let canned = parse(
        "title = \"t\"\nlang = \"fr\"\nbody = \"Commande {{ ask(\\\"order number\\\") }} : {{ ask(\\\"product\\\") }}\"\n",
    )
    .unwrap();
    let it = item(Network::Facebook, "x", None);
    let blank = canned.render(&it, &vars(), 0).unwrap();
    assert_eq!(blank, "Commande [[order number]] : [[product]]");
    let labels: Vec<_> = placeholder::find(&blank)
        .into_iter()
        .map(|p| p.label)
        .collect();
    assert_eq!(labels, ["order number", "product"]);

    let mut v = vars();
    v.filled.insert("order_number".into(), "MLC-1042".into());
    assert_eq!(
        canned.render(&it, &v, 0).unwrap(),
        "Commande MLC-1042 : [[product]]"
    );
    v.filled
        .insert("product".into(), "suspension Opaline".into());
    assert_eq!(
        canned.render(&it, &v, 0).unwrap(),
        "Commande MLC-1042 : suspension Opaline"
    );
}

#[test]
fn a_network_variant_replaces_the_body_on_that_network() {
    let canned = parse(
        "title = \"t\"\nlang = \"en\"\nbody = \"long {{ first_name }}\"\n[variants]\nx = \"short\"\nbluesky = \"sky\"\n",
    )
    .unwrap();
    let on = |n| canned.render(&item(n, "t", None), &vars(), 0).unwrap();
    assert_eq!(on(Network::X), "short");
    assert_eq!(on(Network::Bluesky), "sky");
    assert_eq!(on(Network::Facebook), "long Julie");
}

const GIVEAWAY: &str = "title = \"g\"\nlang = \"fr\"\nbody = \"{{ one_of(\\\"Merci\\\", \\\"Un grand merci\\\", \\\"Merci beaucoup\\\") }} {{ first_name }}{{ one_of(\\\" !\\\", \\\" 🍀\\\") }}\"\n";

#[test]
fn a_wave_of_five_never_repeats_while_alternatives_allow() {
    let canned = parse(GIVEAWAY).unwrap();
    let items: Vec<Item> = (0..5)
        .map(|i| item(Network::Instagram, &"x".repeat(i + 1), None))
        .collect();
    let texts: Vec<String> = Wave::render_all(&canned, &items, &vars(), 42)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    let distinct: std::collections::HashSet<_> = texts.iter().collect();
    assert_eq!(distinct.len(), 5, "{texts:?}");
    // Deterministic for a seed.
    let again: Vec<String> = Wave::render_all(&canned, &items, &vars(), 42)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(texts, again);
    assert_eq!(
        canned.render(&items[0], &vars(), 9).unwrap(),
        canned.render(&items[0], &vars(), 9).unwrap()
    );
}

#[test]
fn a_wave_past_its_combinations_still_varies_consecutive_replies() {
    let canned = parse(
        "title = \"g\"\nlang = \"en\"\nbody = \"{{ one_of(\\\"Thanks\\\", \\\"Thank you\\\") }}!\"\n",
    )
    .unwrap();
    let items: Vec<Item> = (0..5)
        .map(|i| item(Network::X, &"y".repeat(i + 1), None))
        .collect();
    let texts: Vec<String> = Wave::render_all(&canned, &items, &vars(), 3)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    for pair in texts.windows(2) {
        assert_ne!(pair[0], pair[1], "{texts:?}");
    }
}

#[test]
fn one_of_without_alternatives_cannot_render() {
    let e = one_error("title = \"t\"\nlang = \"en\"\nbody = \"{{ one_of() }}\"\n");
    assert!(e.reason.contains("one_of() needs"), "{}", e.reason);
}
