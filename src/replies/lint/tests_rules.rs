//! Tests of the word and French rules (forbidden words, competitors,
//! greeting, sign-off, form of address), in French and English where the
//! rule applies: the exact span, the level, and the text once fixed.

use super::tests::{brand, ctx, example, fixed, lumen, of, spoke};
use super::*;

#[test]
fn forbidden_words_french() {
    let text = "Pas de souci, je regarde.";
    let f = lumen(text, "forbidden-word");
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].span.clone()], "Pas de souci");
    assert_eq!(f[0].level, Level::Error);
    assert_eq!(fixed(text, &f[0]), "Avec plaisir, je regarde.");

    let text = "Desole pour la GENE occasionnee, c'est moche.";
    let f = lumen(text, "forbidden-word");
    assert_eq!(f.len(), 2);
    assert_eq!(&text[f[0].span.clone()], "Desole pour la GENE occasionnee");
    assert_eq!(
        fixed(text, &f[0]),
        "Merci pour votre patience, c'est moche."
    );
    assert_eq!(
        fixed(text, &f[1]),
        "Desole pour la GENE occasionnee, c'est peu réussi."
    );

    let text = "Malheureusement, le stock est vide.";
    let f = lumen(text, "forbidden-word");
    assert_eq!(&text[f[0].span.clone()], "Malheureusement");
    assert_eq!(fixed(text, &f[0]), "Le stock est vide.");
    let text = "Il est, malheureusement, épuisé. Merci malheureusement.";
    let f = lumen(text, "forbidden-word");
    assert_eq!(fixed(text, &f[0]), "Il est, épuisé. Merci malheureusement.");
    assert_eq!(
        fixed(text, &f[1]),
        "Il est, malheureusement, épuisé. Merci."
    );

    // Whole words only, and not inside links.
    assert!(
        lumen(
            "Les bugs, le debug, mochement, https://x.fr/moche",
            "forbidden-word"
        )
        .is_empty()
    );
}

#[test]
fn forbidden_phrases_with_apostrophes_and_switched_off_rules() {
    let g = brand("[brands.t.forbidden]\nwords = { \"c'est pas\" = \"ce n'est pas\" }\n");
    let text = "Ah, c’est pas grave.";
    let found = g.lint(text, &ctx(Network::X));
    let f = of(&found, "forbidden-word");
    assert_eq!(&text[f[0].span.clone()], "c’est pas");
    assert_eq!(fixed(text, f[0]), "Ah, ce n'est pas grave.");
    let off = brand("[brands.t.forbidden]\nenabled = false\nwords = { \"grave\" = \"\" }\n");
    assert!(off.lint(text, &ctx(Network::X)).is_empty());
}

#[test]
fn forbidden_words_english() {
    let text = "No worries, unfortunately it is late.";
    let f = spoke(text, "forbidden-word");
    assert_eq!(f.len(), 2);
    assert_eq!(&text[f[0].span.clone()], "No worries");
    assert_eq!(
        fixed(text, &f[0]),
        "Happy to help, unfortunately it is late."
    );
    assert_eq!(&text[f[1].span.clone()], "unfortunately");
    assert_eq!(fixed(text, &f[1]), "No worries, it is late.");
    let text = "We will call ASAP. Unfortunately the part is late.";
    let f = spoke(text, "forbidden-word");
    assert_eq!(
        fixed(text, &f[0]),
        "We will call as soon as we can. Unfortunately the part is late."
    );
    assert_eq!(fixed(text, &f[1]), "We will call ASAP. The part is late.");
    assert!(spoke("A cheapskate? Unfortunatelyish.", "forbidden-word").is_empty());
}

#[test]
fn competitors_are_named_without_a_fix() {
    let text = "Chez IKEA c'est pareil.";
    let f = lumen(text, "competitor");
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].span.clone()], "IKEA");
    assert_eq!(f[0].level, Level::Warning);
    assert!(f[0].message.contains("Ikéa"), "{}", f[0].message);
    assert!(f[0].fix.is_none());

    let text = "Unlike evans cycles, we open on Sundays.";
    let f = spoke(text, "competitor");
    assert_eq!(&text[f[0].span.clone()], "evans cycles");
    assert!(f[0].message.contains("Evans Cycles"));
    assert!(spoke("Evans is here.", "competitor").is_empty());
}

#[test]
fn greeting_is_required_where_the_brand_says() {
    let g = example("lumen");
    let text = "Merci pour votre message.";
    let found = g.lint(text, &ctx(Network::Facebook));
    let f = of(&found, "greeting");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].level, Level::Warning);
    assert_eq!(fixed(text, f[0]), "Bonjour,\nMerci pour votre message.");
    // Not required on X; any listed greeting, any case, passes.
    assert!(of(&g.lint(text, &ctx(Network::X)), "greeting").is_empty());
    let ok = g.lint("hello Claire, c'est noté.", &ctx(Network::Instagram));
    assert!(of(&ok, "greeting").is_empty());
    // After @mentions; "Bonjournée" is not "Bonjour".
    let text = "@claire merci";
    let found = g.lint(text, &ctx(Network::Instagram));
    assert_eq!(
        fixed(text, of(&found, "greeting")[0]),
        "@claire Bonjour,\nmerci"
    );
    assert_eq!(
        of(&g.lint("Bonjournée", &ctx(Network::Instagram)), "greeting").len(),
        1
    );

    let text = "Thanks for the photo.";
    let found = example("spoke").lint(text, &ctx(Network::Instagram));
    assert_eq!(
        fixed(text, of(&found, "greeting")[0]),
        "Hi,\nThanks for the photo."
    );
}

#[test]
fn signoff_is_required_where_the_brand_says() {
    let g = example("lumen");
    let text = "Bonjour, c'est noté.  \n";
    let found = g.lint(text, &ctx(Network::Facebook));
    let f = of(&found, "signoff");
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].span.clone()], ".");
    assert_eq!(
        fixed(text, f[0]),
        "Bonjour, c'est noté.\nL'équipe Atelier Lumen"
    );
    let signed = "Bonjour, c'est noté. Belle journée\u{202F}! 💡";
    assert!(of(&g.lint(signed, &ctx(Network::Facebook)), "signoff").is_empty());
    assert!(of(&g.lint(text, &ctx(Network::Instagram)), "signoff").is_empty());

    let s = example("spoke");
    assert!(
        of(
            &s.lint("Hi, done. Cheers!", &ctx(Network::Facebook)),
            "signoff"
        )
        .is_empty()
    );
    let text = "Hi, done";
    let found = s.lint(text, &ctx(Network::Facebook));
    assert_eq!(
        fixed(text, of(&found, "signoff")[0]),
        "Hi, done\nTeam Spoke"
    );
}

#[test]
fn address_vous_flags_tu_forms_with_simple_fixes() {
    let text = "Je te remercie pour ton message, tes lampes et ta commande.";
    let f = lumen(text, "address");
    let spans: Vec<&str> = f.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(spans, ["te", "ton", "tes", "ta"]);
    assert!(f.iter().all(|f| f.level == Level::Warning));
    assert_eq!(
        fixed(text, &f[0]),
        "Je vous remercie pour ton message, tes lampes et ta commande."
    );
    assert_eq!(
        fixed(text, &f[1]),
        "Je te remercie pour votre message, tes lampes et ta commande."
    );
    assert_eq!(
        fixed(text, &f[2]),
        "Je te remercie pour ton message, vos lampes et ta commande."
    );
    assert_eq!(
        fixed(text, &f[3]),
        "Je te remercie pour ton message, tes lampes et votre commande."
    );

    let text = "Nous allons t’aider. Ton colis et le tien.";
    let f = lumen(text, "address");
    assert_eq!(&text[f[0].span.clone()], "t’");
    assert_eq!(
        fixed(text, &f[0]),
        "Nous allons vous aider. Ton colis et le tien."
    );
    assert_eq!(
        fixed(text, &f[1]),
        "Nous allons t’aider. Votre colis et le tien."
    );
    assert_eq!(
        fixed(text, &f[2]),
        "Nous allons t’aider. Ton colis et le vôtre."
    );
}

#[test]
fn address_vous_gives_no_fix_when_the_verb_would_change() {
    let text = "Tu peux nous appeler ? T'as reçu le colis ? Renseigne-toi, tu te trompes.";
    let f = lumen(text, "address");
    let spans: Vec<&str> = f.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(spans, ["Tu", "T'", "toi", "tu", "te"]);
    assert!(f.iter().all(|f| f.fix.is_none()), "{f:#?}");
    assert!(f[0].message.contains("verb"));
}

#[test]
fn address_has_no_false_positives() {
    let text = "Le ton de la lampe Turquoise, la tuile, la tonalité, un t-shirt, je tiens à vous \
        remercier, sur un ton doux, https://x.fr/tu/ton.";
    assert!(
        lumen(text, "address").is_empty(),
        "{:#?}",
        lumen(text, "address")
    );
}

#[test]
fn address_tu_flags_vous_forms_as_warnings() {
    let g = brand("language = \"fr\"\n[brands.t.address]\nform = \"tu\"\nlevel = \"error\"\n");
    let text = "Merci pour vos photos, vous êtes au top avec votre lampe.";
    let found = g.lint(text, &ctx(Network::X));
    let f = of(&found, "address");
    let spans: Vec<&str> = f.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(spans, ["vos", "vous", "votre"]);
    assert!(f.iter().all(|f| f.level == Level::Warning));
    assert_eq!(
        fixed(text, f[0]),
        "Merci pour tes photos, vous êtes au top avec votre lampe."
    );
    assert!(f[1].fix.is_none() && f[2].fix.is_none());
    assert!(
        of(
            &g.lint("Merci pour ton message, tu es au top.", &ctx(Network::X)),
            "address"
        )
        .is_empty()
    );
}
