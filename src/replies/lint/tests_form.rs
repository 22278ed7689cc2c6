//! Tests of the form rules (emoji, links, shouting, exclamation marks,
//! personal data, French typography, length, placeholders), in French and
//! English where the rule applies: exact span, level, and the fixed text.

use super::tests::{brand, ctx, example, fixed, lumen, of, spoke};
use super::*;

#[test]
fn emoji_outside_the_allowed_set_or_over_the_limit() {
    let text = "Merci 🔥 pour votre photo 👍🏽";
    let f = lumen(text, "emoji");
    assert_eq!(f.len(), 2);
    assert_eq!(&text[f[0].span.clone()], "🔥");
    assert_eq!(f[0].level, Level::Warning);
    assert_eq!(fixed(text, &f[0]), "Merci pour votre photo 👍🏽");
    assert_eq!(fixed(text, &f[1]), "Merci 🔥 pour votre photo");

    let text = "💡 ✨ Merci 😊";
    let f = lumen(text, "emoji");
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].span.clone()], "😊");
    assert!(f[0].message.contains("at most 2"));
    assert_eq!(fixed(text, &f[0]), "💡 ✨ Merci");

    let text = "Thanks 🙂 🇬🇧 © 2026";
    let f = spoke(text, "emoji");
    let spans: Vec<&str> = f.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(spans, ["🙂", "🇬🇧"]);
    assert_eq!(fixed(text, &f[0]), "Thanks 🇬🇧 © 2026");
}

#[test]
fn emoji_allowed_set_ignores_skin_tone_and_presentation() {
    let g = brand("[brands.t.emoji]\nallowed = [\"👍\", \"❤️\"]\nmax = 3\n");
    let found = g.lint("Super 👍🏽 ❤ 👨‍👩‍👧", &ctx(Network::X));
    let f = of(&found, "emoji");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].message.contains("👨‍👩‍👧"));
}

#[test]
fn links_only_to_allowed_domains() {
    let text =
        "Voir https://www.luminor.com/promo. Ou aide.atelier-lumen.fr et evilatelier-lumen.fr";
    let f = lumen(text, "link-domain");
    let spans: Vec<&str> = f.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(
        spans,
        ["https://www.luminor.com/promo", "evilatelier-lumen.fr"]
    );
    assert_eq!(f[0].level, Level::Error);
    assert!(f[0].message.contains("luminor.com"));
    assert!(f[0].fix.is_none());

    let text = "Details: bit.ly/x1 or http://spokeandsprocket.co.uk:8080/a";
    let f = spoke(text, "link-domain");
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].span.clone()], "bit.ly/x1");
    assert!(f[0].message.contains("bit.ly"));
}

#[test]
fn shouting_is_lowercased() {
    let text = "MERCI pour votre patience, c'est VRAIMENT TROP BIEN. Le SAV et la FAQ.";
    let f = lumen(text, "shouting");
    assert_eq!(f.len(), 2);
    assert_eq!(&text[f[0].span.clone()], "MERCI");
    assert_eq!(f[0].level, Level::Warning);
    assert_eq!(fixed(text, &f[0]), text.replacen("MERCI", "Merci", 1));
    assert_eq!(&text[f[1].span.clone()], "VRAIMENT TROP BIEN");
    assert_eq!(
        fixed(text, &f[1]),
        text.replacen("VRAIMENT TROP BIEN", "vraiment trop bien", 1)
    );

    let text = "Oh no. WE ARE SO SORRY. I AM ON IT, UK team!";
    let f = spoke(text, "shouting");
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].span.clone()], "WE ARE SO SORRY. I AM ON IT, UK");
    assert_eq!(
        fixed(text, &f[0]),
        "Oh no. We are so sorry. I am on it, UK team!"
    );
    assert!(spoke("OK, the BMX and MTB FAQ is up.", "shouting").is_empty());
    // Numbers, hashtags and handles neither shout nor break a run.
    assert!(spoke("See #SUMMERSALE and @BIGJOHN, 2026 OK?", "shouting").is_empty());
    let text = "WE SAID 2 TIMES";
    let f = spoke(text, "shouting");
    assert_eq!(&text[f[0].span.clone()], "WE SAID 2 TIMES");
    assert_eq!(fixed(text, &f[0]), "We said 2 times");
}

#[test]
fn exclamation_runs_and_limit() {
    let text = "Merci\u{202F}!! À bientôt";
    let f = lumen(text, "exclamation");
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].span.clone()], "!!");
    assert_eq!(fixed(text, &f[0]), "Merci\u{202F}! À bientôt");

    // A run that is also over the limit is reported once.
    let text = "Merci\u{202F}! Super\u{202F}!!!";
    let f = lumen(text, "exclamation");
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].span.clone()], "!!!");
    assert_eq!(fixed(text, &f[0]), "Merci\u{202F}! Super.");

    let text = "Merci\u{202F}! À bientôt\u{202F}!";
    let f = lumen(text, "exclamation");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].span.start, text.len() - 1);
    assert_eq!(fixed(text, &f[0]), "Merci\u{202F}! À bientôt.");

    let text = "Great! Thanks! See you!";
    let f = spoke(text, "exclamation");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].level, Level::Info);
    assert_eq!(fixed(text, &f[0]), "Great! Thanks! See you.");
}

#[test]
fn personal_data_french() {
    let text = "Appelez le 06 12 34 56 78 ou +33 6 12 34 56 79, écrivez à claire.d@gmail.com, \
        commande CMD-123456, IBAN FR76 3000 6000 0112 3456 7890 189 MERCI.";
    let f = lumen(text, "personal-data");
    let spans: Vec<&str> = f.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(
        spans,
        [
            "06 12 34 56 78",
            "+33 6 12 34 56 79",
            "claire.d@gmail.com",
            "CMD-123456",
            "FR76 3000 6000 0112 3456 7890 189"
        ]
    );
    assert!(f.iter().all(|f| f.level == Level::Error && f.fix.is_none()));
    assert!(f[0].message.contains("private message"));

    // Not in private replies.
    let private = Context {
        public: false,
        kind: Kind::DirectMessage,
        ..ctx(Network::Facebook)
    };
    assert!(of(&example("lumen").lint(text, &private), "personal-data").is_empty());
}

#[test]
fn personal_data_has_no_false_positives() {
    let text = "Le 12/10/2026 à 10:30, 1 299,00 € TTC, CMD-12345, réf. FR76 3000 6000 0112 \
        3456 7890 188, appelez le 09 69 32 15 15 ou sav@atelier-lumen.fr, https://atelier-lumen.fr/p/0612345678";
    assert!(
        lumen(text, "personal-data").is_empty(),
        "{:#?}",
        lumen(text, "personal-data")
    );
    assert!(pii::iban_valid("GB82 WEST 1234 5698 7654 32"));
    assert!(!pii::iban_valid("GB82 WEST 1234 5698 7654 33"));
}

#[test]
fn personal_data_english() {
    let text = "Call +44 20 7946 0958 or +44 1273 000 111, order SS-12345, mail sam@example.com \
        or hello@spokeandsprocket.co.uk.";
    let f = spoke(text, "personal-data");
    let spans: Vec<&str> = f.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(spans, ["+44 20 7946 0958", "SS-12345", "sam@example.com"]);
}

#[test]
fn french_typography_spaces() {
    let text = "Merci ! Merci! Note : ok; «Lumière» et « Salon ».";
    let f = lumen(text, "typography");
    assert!(f.iter().all(|f| f.level == Level::Info));
    let spans: Vec<&str> = f.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(spans, [" ", "!", " ", ";", "«", "»", " ", " "]);
    assert_eq!(
        fixed(text, &f[0]),
        text.replacen("Merci !", "Merci\u{202F}!", 1)
    );
    assert_eq!(
        fixed(text, &f[1]),
        text.replacen("Merci!", "Merci\u{202F}!", 1)
    );
    assert_eq!(
        fixed(text, &f[2]),
        text.replacen("Note :", "Note\u{a0}:", 1)
    );
    assert_eq!(fixed(text, &f[4]), text.replacen("«L", "«\u{a0}L", 1));
    assert_eq!(fixed(text, &f[5]), text.replacen("e»", "e\u{a0}»", 1));
    assert_eq!(fixed(text, &f[6]), text.replacen("« S", "«\u{a0}S", 1));
    // A thin space breaks too.
    let text = "Merci\u{2009}!";
    let f = lumen(text, "typography");
    assert_eq!(&text[f[0].span.clone()], "\u{2009}");
    assert_eq!(fixed(text, &f[0]), "Merci\u{202F}!");
}

#[test]
fn french_typography_leaves_links_times_and_emoticons() {
    let text = "Voir https://x.fr/a?b=c;d et www.atelier-lumen.fr:443, à 10:30, format 16:9 :) ;-) :D \
        Merci\u{a0}! Vraiment\u{202F}?! Oui\u{202F}!!\n!";
    assert!(
        lumen(text, "typography").is_empty(),
        "{:#?}",
        lumen(text, "typography")
    );
    assert!(spoke("Hi! Note: done; right?", "typography").is_empty());
}

#[test]
fn length_network_limit_and_brand_maximum() {
    let g = example("lumen");
    let text = "a".repeat(300);
    let found = g.lint(&text, &ctx(Network::X));
    let f = of(&found, "length");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].level, Level::Error);
    assert_eq!(f[0].span, 280..300);

    let text = "é".repeat(250);
    let found = g.lint(&text, &ctx(Network::X));
    let f = of(&found, "length");
    assert_eq!(f[0].level, Level::Warning);
    assert_eq!(text[f[0].span.clone()].chars().count(), 10);
    assert!(f[0].message.contains("240"));
    assert!(of(&g.lint(&text, &ctx(Network::Mastodon)), "length").is_empty());

    // A DM uses the network's DM rule: Instagram DMs stop at 1,000.
    let text = "a".repeat(1_100);
    let dm = Context {
        public: false,
        kind: Kind::DirectMessage,
        ..ctx(Network::Instagram)
    };
    let found = example("spoke").lint(&text, &dm);
    assert_eq!(of(&found, "length")[0].span, 1000..1100);
    assert!(
        of(
            &example("spoke").lint(&text, &ctx(Network::Instagram)),
            "length"
        )
        .is_empty()
    );
}

#[test]
fn unfilled_placeholders_are_errors() {
    let text = "Votre commande [[numéro de commande]] part demain.";
    let f = lumen(text, "placeholder");
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].span.clone()], "[[numéro de commande]]");
    assert_eq!(f[0].level, Level::Error);
    let f = spoke("Order [[order number]] shipped.", "placeholder");
    assert!(f[0].message.contains("order number"));
    assert!(spoke("a [[ ]] b", "placeholder").is_empty());
}
