//! Tests of the guidelines file (example, errors), the public API, clean
//! replies in both languages, and robustness on hostile text. Per-rule
//! behaviour is in `tests_rules.rs`.

use std::path::Path;

use super::*;

pub(super) fn ctx(network: Network) -> Context {
    Context {
        network,
        kind: Kind::Comment,
        public: true,
        lang: None,
    }
}

/// A one-brand file; `body` is the TOML after `[brands.t]`.
pub(super) fn brand(body: &str) -> Guidelines {
    let src = format!("[brands.t]\n{body}");
    match Brands::parse(&src, Path::new("t.toml")) {
        Ok(b) => b.brands.into_iter().next().unwrap(),
        Err(e) => panic!("{e}"),
    }
}

pub(super) fn example(name: &str) -> Guidelines {
    Brands::example().get(name).unwrap().clone()
}

/// The findings of one rule.
pub(super) fn of<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

pub(super) fn fixed(text: &str, f: &Finding) -> String {
    apply(text, f.fix.as_ref().unwrap())
}

/// One rule's findings for a public reply on X (no greeting or sign-off
/// required there), with the example brands.
pub(super) fn lumen(text: &str, rule: &str) -> Vec<Finding> {
    let found = example("lumen").lint(text, &ctx(Network::X));
    of(&found, rule).into_iter().cloned().collect()
}

pub(super) fn spoke(text: &str, rule: &str) -> Vec<Finding> {
    let found = example("spoke").lint(text, &ctx(Network::X));
    of(&found, rule).into_iter().cloned().collect()
}

fn error(src: &str) -> ConfigError {
    Brands::parse(src, Path::new("g.toml")).unwrap_err()
}

#[test]
fn the_example_parses_with_both_brands() {
    let brands = Brands::parse(EXAMPLE, Path::new("guidelines.example.toml")).unwrap();
    assert_eq!(brands.names(), ["lumen", "spoke"]);
    let lumen = brands.get("LUMEN").unwrap();
    assert_eq!(lumen.name, "Atelier Lumen");
    assert_eq!(lumen.language, Language::French);
    assert_eq!(brands.get("atelier lumen").unwrap().key, "lumen");
    assert_eq!(brands.get("Spoke").unwrap().language, Language::English);
    assert!(brands.get("nobody").is_none());
    assert_eq!(Brands::example().names().len(), 2);
}

#[test]
fn a_clean_french_reply_has_no_findings() {
    let text = "Bonjour Claire,\nMerci pour votre message\u{202F}! Votre lampe Turquoise \
        est disponible sur https://www.atelier-lumen.fr/lampes?couleur=turquoise&taille=m \
        (voir aussi aide.atelier-lumen.fr). Livraison le 12/12 entre 10:30 et 14h, \
        suivi sur laposte.fr. Le ton de notre FAQ\u{a0}: «\u{a0}Toujours la bonne LED\u{a0}». \
        Notre SAV vous répond au 09 69 32 15 15 ou à sav@atelier-lumen.fr :) \
        Le prix est de 1 299,00 € TTC pour votre commande. À bientôt 💡\n\
        L’équipe Atelier Lumen";
    let found = example("lumen").lint(text, &ctx(Network::Facebook));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_clean_english_reply_has_no_findings() {
    let text = "Hi Sam,\nThanks for your message! Your MTB service is booked for 10:30 \
        on Friday; details are on https://spokeandsprocket.co.uk/booking?id=42 and in our \
        FAQ. Call us on +44 1273 000 111 or write to hello@spokeandsprocket.co.uk if \
        anything changes :) I will check the BMX too. See you soon!\nCheers";
    let found = example("spoke").lint(text, &ctx(Network::Facebook));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn findings_are_sorted_and_blocking_means_an_error() {
    let text = "Pas de souci, [[numéro]] MERCI!!";
    let found = example("lumen").lint(text, &ctx(Network::X));
    let starts: Vec<usize> = found.iter().map(|f| f.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted);
    assert!(blocking(&found));
    let warnings: Vec<Finding> = found
        .into_iter()
        .filter(|f| f.level != Level::Error)
        .collect();
    assert!(!warnings.is_empty());
    assert!(!blocking(&warnings));
}

#[test]
fn apply_replaces_the_span_and_ignores_a_stale_fix() {
    let fix = Fix {
        span: 0..3,
        replacement: "Une".into(),
        label: String::new(),
    };
    assert_eq!(apply("Ton colis", &fix), "Une colis");
    let stale = Fix {
        span: 1..2,
        replacement: "x".into(),
        label: String::new(),
    };
    assert_eq!(apply("é", &stale), "é");
    let out_of_range = Fix {
        span: 5..9,
        ..stale
    };
    assert_eq!(apply("abc", &out_of_range), "abc");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let e = Brands::load(Path::new("/nonexistent/guidelines.toml")).unwrap_err();
    assert_eq!(e.file, Path::new("/nonexistent/guidelines.toml"));
    assert!(e.to_string().contains("/nonexistent/guidelines.toml"));
}

#[test]
fn load_reads_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guidelines.toml");
    std::fs::write(&path, EXAMPLE).unwrap();
    assert_eq!(Brands::load(&path).unwrap().names(), ["lumen", "spoke"]);
}

#[test]
fn an_invalid_regex_names_file_line_and_key() {
    let src =
        "[brands.a]\nname = \"A\"\n\n[brands.a.personal_data]\norder_patterns = ['CMD-(\\d']\n";
    let e = error(src);
    assert_eq!(e.file, Path::new("g.toml"));
    assert_eq!(e.line, Some(5));
    assert_eq!(
        e.key.as_deref(),
        Some("brands.a.personal_data.order_patterns")
    );
    assert!(e.reason.contains("invalid regex"), "{e}");
}

#[test]
fn an_unknown_level_names_file_line_and_key() {
    let e = error("[brands.a]\n[brands.a.emoji]\nmax = 1\nlevel = \"fatal\"\n");
    assert_eq!(e.line, Some(4));
    assert_eq!(e.key.as_deref(), Some("brands.a.emoji.level"));
    assert!(e.reason.contains("fatal"), "{e}");
    assert!(e.to_string().starts_with("g.toml:4"), "{e}");
}

#[test]
fn an_unknown_network_names_file_line_and_key() {
    let e =
        error("[brands.a]\n[brands.a.greeting]\ngreetings = [\"Hi\"]\nnetworks = [\"myspace\"]\n");
    assert_eq!(e.line, Some(4));
    assert_eq!(e.key.as_deref(), Some("brands.a.greeting.networks"));
    assert!(e.reason.contains("myspace"), "{e}");
    let e = error("[brands.a]\n[brands.a.length]\nmax = { x = 200, orkut = 10 }\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(3), Some("brands.a.length.max"))
    );
    let e = error("[brands.a]\n[brands.a.length.max]\nx = 200\norkut = 10\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(4), Some("brands.a.length.max.orkut"))
    );
}

#[test]
fn an_unknown_rule_key_names_file_line_and_key() {
    let e = error("[brands.a]\nlanguage = \"fr\"\n\n[brands.a.exclamation]\nmaxx = 2\n");
    assert_eq!(e.line, Some(5));
    assert_eq!(e.key.as_deref(), Some("brands.a.exclamation.maxx"));
    assert!(e.reason.contains("maxx"), "{e}");
    let e = error("[brands.a]\n[brands.a.emojis]\nmax = 1\n");
    assert_eq!(e.line, Some(2));
    assert!(e.key.as_deref().unwrap().contains("emojis"), "{e}");
}

#[test]
fn other_config_errors_name_the_key() {
    let e = error("[brands.a]\nlanguage = \"en\"\n[brands.a.address]\nform = \"vous\"\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(4), Some("brands.a.address.form"))
    );
    let e = error("[brands.a]\nlanguage = \"fr\"\n[brands.a.address]\nform = \"il\"\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(4), Some("brands.a.address.form"))
    );
    let e = error("[brands.a]\nlanguage = \"de\"\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(2), Some("brands.a.language"))
    );
    let e = error("[brands.a]\n[brands.a.links]\nallowed_domains = [\"https://x.fr/\"]\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(3), Some("brands.a.links.allowed_domains"))
    );
    let e = error("[brands.a]\n[brands.a.greeting]\ngreetings = []\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(3), Some("brands.a.greeting.greetings"))
    );
    let e = error("# nothing\n");
    assert_eq!(e.key.as_deref(), Some("brands"));
    let e = error("[brands.a\n");
    assert_eq!(e.line, Some(1));
}

#[test]
fn rules_can_be_turned_off_and_levels_changed() {
    let g = brand(
        "[brands.t.exclamation]\nenabled = false\n[brands.t.shouting]\nlevel = \"info\"\n\
         [brands.t.personal_data]\nenabled = false\n",
    );
    let found = g.lint("MERCI BEAUCOUP!!! 06 12 34 56 78", &ctx(Network::X));
    assert!(of(&found, "exclamation").is_empty());
    assert!(of(&found, "personal-data").is_empty());
    assert_eq!(of(&found, "shouting")[0].level, Level::Info);
}

/// Every span and fix stays on char boundaries and nothing panics, on
/// random text made of the characters the rules look at.
#[test]
fn hostile_text_never_panics_and_spans_stay_on_boundaries() {
    let pieces = [
        "t’",
        "T'",
        "tu",
        " ",
        "\u{a0}",
        "\u{202F}",
        "!",
        "?",
        ":",
        ";",
        "«",
        "»",
        "é",
        "e\u{301}",
        "œ",
        "İ",
        "ß",
        "💡",
        "👍🏽",
        "🇫🇷",
        "👨\u{200d}👩\u{200d}👧",
        "\u{fe0f}",
        "\u{20e3}",
        "1",
        "0",
        "6",
        "+33",
        "FR76",
        "@",
        "x.fr",
        "https://",
        "www.",
        "[[",
        "]]",
        "MERCI",
        "SAV",
        "\n",
        "\u{202e}",
        "\u{0}",
        "-",
        "CMD-",
        "ton",
        "vos",
        ":)",
        "pas de souci",
        "Ikéa",
        "Bonjour",
    ];
    let (lumen, spoke) = (example("lumen"), example("spoke"));
    let mut rng = fastrand::Rng::with_seed(7);
    for round in 0..400 {
        let mut text = String::new();
        for _ in 0..rng.usize(0..60) {
            text.push_str(pieces[rng.usize(..pieces.len())]);
        }
        let network = Network::ALL[round % Network::ALL.len()];
        for g in [&lumen, &spoke] {
            for f in g.lint(&text, &ctx(network)) {
                assert!(text.get(f.span.clone()).is_some(), "{text:?} {f:?}");
                if let Some(fix) = &f.fix {
                    assert!(text.get(fix.span.clone()).is_some(), "{text:?} {f:?}");
                    let _ = apply(&text, fix);
                }
            }
        }
    }
}

#[test]
fn huge_text_is_linted() {
    let text = "Bonjour, MERCI pour TON message !! 06 12 34 56 78 😊 ".repeat(20_000);
    let found = example("lumen").lint(&text, &ctx(Network::Facebook));
    let length = of(&found, "length");
    assert_eq!(length.len(), 1);
    assert_eq!(length[0].level, Level::Error);
    assert!(length[0].span.end == text.len() && length[0].span.start > 0);
}

#[test]
fn french_rules_leave_a_reply_in_another_language_alone() {
    let text = "Thanks Julie! Shall we tell you when it's back? Tu peux";
    let english = Context {
        lang: Some("en".into()),
        ..ctx(Network::Mastodon)
    };
    let found = example("lumen").lint(text, &english);
    assert!(of(&found, "typography").is_empty(), "{found:?}");
    assert!(of(&found, "address").is_empty(), "{found:?}");
    let unknown = example("lumen").lint(text, &ctx(Network::Mastodon));
    assert!(!of(&unknown, "typography").is_empty(), "{unknown:?}");
}
