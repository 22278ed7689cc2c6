//! Hand-written public scenes of the demo inbox: comment threads under brand
//! posts, the serious complaints, the hostile-text comment, leads and bugs.
//!
//! Each scene is a function that appends items to a [`Ctx`] and sets their
//! local state, so tests and screenshots can rely on them. Direct messages,
//! mentions and spam live in `scenes_dm`. To add a scene, write a function
//! here and call it from [`public`].

use crate::model::{Priority, Status};

use super::people::{self, Person};
use super::posts::{self, D, H};
use super::script::{Ctx, Say};

/// Native id of the Facebook post whose comment thread has several replies
/// (a delivery complaint, our answer, then three more people).
pub const DELIVERY_THREAD: &str = posts::FB_FORET.id;

/// A comment full of things a terminal must not receive raw: an ANSI colour
/// escape, a right-to-left override, a ZWJ family emoji, CJK, combining
/// accents and a very long unbroken URL.
pub const HOSTILE_TEXT: &str = concat!(
    "Je participe !! \u{1b}[31mGAGNÉ\u{1b}[0m 🎉 ",
    "\u{202e}!sruojuot emêm ,eriv uoj ec tse'C\u{202c} ",
    "👨\u{200d}👩\u{200d}👧\u{200d}👦 ma petite famille adore, ",
    "我很喜欢这个蜡烛的味道 ろうそく大好き 향초 최고 ",
    "Cre\u{300}me bru\u{302}le\u{301}e et noe\u{308}l — Z\u{351}\u{36b}a\u{310}l\u{343}g\u{34c}o ",
    "➜ https://lumen-giveaway-check.example.com/entry/confirm?participant=n0ise.garden",
    "&ref=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "&utm_source=instagram&utm_medium=comment&utm_campaign=giveaway_winter_2024_confirmation_token_",
    "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
);

pub fn fr<'a>(who: &'a Person, age: i64, text: &'a str) -> Say<'a> {
    Say {
        who,
        text,
        lang: "fr",
        age,
    }
}

pub fn en<'a>(who: &'a Person, age: i64, text: &'a str) -> Say<'a> {
    Say {
        who,
        text,
        lang: "en",
        age,
    }
}

/// Every public scene, in a fixed order (ids depend on it).
pub fn public(ctx: &mut Ctx) {
    delivery_thread(ctx);
    giveaway_thread(ctx);
    hostile_comment(ctx);
    allergy(ctx);
    youtube_threads(ctx);
    tiktok_influencers(ctx);
    linkedin(ctx);
    threads_and_fediverse(ctx);
    bugs_and_rants(ctx);
}

/// The reference thread: a late order, our answer, then the pile-on.
fn delivery_thread(ctx: &mut Ctx) {
    let post = posts::FB_FORET;
    let c1 = ctx.comment(
        &post,
        fr(&people::JULIEN, 50 * H, "Commande AL-20931 passée il y a 12 jours, toujours rien reçu. Le suivi Colissimo indique « en cours d'acheminement » depuis une semaine. C'est normal ?"),
    );
    ctx.edit(c1)
        .escalate(&["delivery", "complaint"], "support-team", 47 * H)
        .note("camille", 47 * H, "Colis bloqué au hub de Gonesse, ticket transporteur ouvert (n° 88412). Relancer vendredi.")
        .likes(14, None);
    ctx.our_reply(
        c1,
        "Bonjour Julien, toutes nos excuses pour ce retard 🙏 Un mouvement social touche notre transporteur cette semaine. Pouvez-vous nous envoyer votre numéro de commande en message privé ? Nous regardons tout de suite.",
        "fr",
        48 * H,
    );
    let r2 = ctx.reply(
        c1,
        fr(
            &people::LEA,
            30 * H,
            "Pareil pour moi, commande du 2 et rien reçu 😡",
        ),
    );
    ctx.edit(r2).read().likes(6, None);
    ctx.reply(
        c1,
        fr(
            &people::KARIM,
            20 * H,
            "Idem, et quand on appelle le service client ça sonne dans le vide.",
        ),
    );
    let r4 = ctx.reply(
        c1,
        fr(&people::JULIEN, 3 * H, "Toujours rien reçu et personne ne répond à mes messages privés. Si rien ne bouge d'ici demain je laisse un avis 1 étoile partout, Google, Trustpilot, tout."),
    );
    ctx.edit(r4).priority(Priority::High).tags(&["complaint"]);

    let other = ctx.comment(
        &post,
        fr(
            &people::MARGAUX,
            8 * D,
            "Elle sent tellement bon, je l'ai allumée tout le week-end 🌲",
        ),
    );
    ctx.edit(other)
        .status(Status::Done)
        .likes(31, None)
        .action("like", "camille", 8 * D - 3 * H);
}

/// A giveaway question answered by us, then a follow-up nobody answered yet.
fn giveaway_thread(ctx: &mut Ctx) {
    let post = posts::IG_GIVEAWAY;
    let q = ctx.comment(
        &post,
        fr(
            &people::HELENE,
            66 * H,
            "Je participe ! C'est ouvert à la Belgique aussi ? 🇧🇪",
        ),
    );
    ctx.edit(q).status(Status::Answered).likes(3, None);
    ctx.our_reply(
        q,
        "Oui Hélène ! France, Belgique et Canada 🇫🇷🇧🇪🇨🇦 Bonne chance !",
        "fr",
        64 * H,
    );
    ctx.reply(q, fr(&people::THOMAS, 9 * H, "Et la Suisse ? 🥲"));
    let c = ctx.comment(
        &post,
        fr(
            &people::MARGAUX,
            60 * H,
            "Je participe et je tague @lea.mrtn et @sophie.garnier, on partage si on gagne 🤞",
        ),
    );
    ctx.edit(c).status(Status::Done).likes(2, None);
    let fake = ctx.reply(c, fr(&people::SPAM_GIVEAWAY, 58 * H, super::texts::SPAM[2]));
    ctx.edit(fake)
        .status(Status::Done)
        .tags(&["spam"])
        .action("hide", "camille", 57 * H)
        .note(
            "camille",
            57 * H,
            "Faux compte qui imite la marque, signalé à Instagram.",
        );
}

fn hostile_comment(ctx: &mut Ctx) {
    let idx = ctx.comment(
        &posts::IG_GIVEAWAY,
        fr(&people::GLITCH, 5 * H, HOSTILE_TEXT),
    );
    ctx.edit(idx).likes(1, None);
}

/// A possible allergic reaction: legal, urgent, assigned to the legal team.
fn allergy(ctx: &mut Ctx) {
    let post = posts::IG_SOIN;
    let idx = ctx.comment(
        &post,
        fr(
            &people::AMANDINE,
            26 * H,
            "Bonjour,\n\nJ'ai utilisé votre crème mains Lavande & Avoine trois jours de suite et j'ai eu une réaction allergique : plaques rouges, démangeaisons puis gonflement des doigts. Mon médecin parle d'une allergie au linalol, qui n'est pas mis en avant sur l'emballage.\n\nJ'ai des photos et l'ordonnance. J'attends une réponse sérieuse de votre part, sinon je contacterai une association de consommateurs et un avocat.",
        ),
    );
    ctx.edit(idx)
        .escalate(&["legal", "urgent", "complaint"], "legal", 24 * H)
        .priority(Priority::Urgent)
        .note("camille", 24 * H, "Captures faites. Transmis à Hélène (juridique) et à la responsable qualité. Ne pas répondre publiquement avant leur retour.")
        .note("legal", 6 * H, "Lot à identifier (numéro sous le tube). Proposer un échange privé, pas de reconnaissance de responsabilité par écrit.")
        .likes(48, None);
    let r = ctx.reply(
        idx,
        fr(
            &people::CAMILLE_G,
            20 * H,
            "Pareil, rougeurs sur les mains après deux jours 😟 je pensais que c'était le froid",
        ),
    );
    ctx.edit(r).priority(Priority::High).tags(&["complaint"]);
    ctx.reply(
        idx,
        fr(
            &people::MARC,
            11 * H,
            "Le linalol est dans la liste INCI au dos, faut lire les étiquettes hein…",
        ),
    );
    ctx.comment(
        &post,
        en(
            &people::PRIYA,
            30 * H,
            "Does the 150 ml come in a refillable tube? Would love less plastic.",
        ),
    );
}

fn youtube_threads(ctx: &mut Ctx) {
    let tuto = posts::YT_TUTO;
    let q = ctx.comment(&tuto, fr(&people::MARC, 44 * H, "Ma bougie fait un tunnel dès le deuxième allumage, il y a moyen de la rattraper ou elle est fichue ?"));
    ctx.edit(q).status(Status::Answered).likes(22, None);
    ctx.our_reply(q, "Bonjour Marc ! Entourez le haut du pot d'aluminium en laissant le centre ouvert et laissez brûler 2 h : la cire va se remettre à niveau. On montre l'astuce à 3:42 😉", "fr", 40 * H);
    ctx.reply(
        q,
        fr(
            &people::LEA,
            30 * H,
            "Merci pour l'astuce, ça a marché chez moi aussi !",
        ),
    );
    ctx.reply(
        q,
        en(
            &people::DEREK,
            12 * H,
            "Tried the foil trick, now the whole jar is black with soot. Any other ideas?",
        ),
    );
    let bts = posts::YT_BTS;
    let h = ctx.comment(&bts, en(&people::HANNAH, 6 * D, "This was so calming to watch. I'd love to film a visit to your atelier for my channel, I'll send you a DM on X!"));
    ctx.edit(h)
        .escalate(&["influencer"], "theo", 5 * D)
        .likes(412, None);
    ctx.comment(
        &bts,
        fr(
            &people::HELENE,
            5 * D,
            "Magnifique vidéo, on sent l'amour du travail bien fait.",
        ),
    );
}

fn tiktok_influencers(ctx: &mut Ctx) {
    let pov = posts::TT_POV;
    let c = ctx.comment(&pov, fr(&people::CHLOE, 20 * H, "Celle-ci elle est dans mon salon depuis un mois et mes abonnés me demandent tous la référence 😍 on fait une collab ?"));
    ctx.edit(c)
        .escalate(&["influencer"], "theo", 18 * H)
        .priority(Priority::High)
        .likes(3_412, Some(0));
    let r = ctx.reply(
        c,
        fr(&people::MILA, 14 * H, "Validé, elle est sublime en vrai 🙌"),
    );
    ctx.edit(r).likes(208, None);
    ctx.reply(
        c,
        fr(&people::THOMAS, 4 * H, "c'est quoi le nom du parfum ??"),
    );
    let m = ctx.comment(
        &posts::TT_ASMR,
        fr(
            &people::MILA,
            4 * D,
            "Le son de la cire qui coule 😮‍💨 j'ai regardé 12 fois",
        ),
    );
    ctx.edit(m).status(Status::Done).likes(1_870, None);
}

fn linkedin(ctx: &mut Ctx) {
    let hiring = posts::LI_HIRING;
    let cv = ctx.comment(&hiring, fr(&people::CAMILLE_G, 100 * H, "Bonjour, je suis très intéressée par le poste. Sept ans de retail dans la cosmétique à Lyon. À qui puis-je envoyer mon CV ?"));
    let until = ctx.later(20 * H);
    ctx.edit(cv).status(Status::Snoozed { until }).note(
        "camille",
        90 * H,
        "Attendre la fiche de poste des RH avant de répondre (prévue jeudi).",
    );
    let lead = ctx.comment(
        &posts::LI_BCORP,
        fr(&people::HELENE, 7 * D, "Félicitations ! Je gère les achats pour le groupe Hôtels Vauban (12 établissements). Nous cherchons des bougies personnalisées pour nos chambres, pouvez-vous me contacter pour une offre ?"),
    );
    ctx.edit(lead)
        .escalate(&["sales-lead"], "theo", 6 * D)
        .priority(Priority::High);
    ctx.comment(
        &posts::LI_BCORP,
        fr(
            &people::MARC,
            8 * D,
            "Bravo à toute l'équipe, c'est une sacrée démarche.",
        ),
    );
}

fn threads_and_fediverse(ctx: &mut Ctx) {
    let t = posts::TH_AUTOMNE;
    let a = ctx.comment(
        &t,
        fr(
            &people::MARGAUX,
            44 * H,
            "Figue & Cèdre sans hésiter, c'est l'odeur de l'automne",
        ),
    );
    ctx.edit(a).status(Status::Done).likes(18, None);
    ctx.comment(&t, fr(&people::CHLOE, 40 * H, "Forêt d'hiver forever 🌲"));
    ctx.reply(a, fr(&people::LEA, 30 * H, "Team Figue aussi 🍂"));
    let m = posts::MA_CIRE;
    let q = ctx.comment(
        &m,
        fr(
            &people::FRED,
            90 * H,
            "Merci pour le fil ! Et les mèches, elles viennent d'où ? Coton bio ?",
        ),
    );
    ctx.edit(q).status(Status::Answered);
    ctx.our_reply(q, "Mèches en coton non blanchi tressé à Lyon, et bois de cerisier FSC pour la gamme Forêt. 🙂", "fr", 88 * H);
    ctx.reply(
        q,
        fr(
            &people::FRED,
            70 * H,
            "Top, merci. Et la cire de colza, elle tient bien l'été ?",
        ),
    );
    let b = posts::BS_CANADA;
    let s = ctx.comment(
        &b,
        en(&people::SARAH, 58 * H, "FINALLY 🇨🇦 is Quebec included?"),
    );
    ctx.edit(s).status(Status::Answered);
    ctx.our_reply(s, "Yes, all provinces! Québec included 🙂", "en", 57 * H);
    ctx.comment(
        &posts::BS_LYON,
        fr(&people::LEA, 130 * H, "J'y serai samedi !!"),
    );
}

fn bugs_and_rants(ctx: &mut Ctx) {
    let bug = ctx.comment(
        &posts::FB_SOIN,
        fr(&people::SOPHIE, 2 * H, "Impossible de commander la crème : erreur 500 à l'étape livraison depuis ce matin (Firefox et Chrome, code postal 69002)."),
    );
    ctx.edit(bug)
        .escalate(&["bug", "urgent"], "support-team", H)
        .priority(Priority::Urgent)
        .note(
            "camille",
            H,
            "Transmis à l'équipe site. Reproduit avec un code postal lyonnais uniquement.",
        );
    let rant = ctx.comment(
        &posts::FB_LYON,
        en(&people::DEREK, 34 * H, "THIS IS THE WORST CUSTOMER SERVICE I HAVE EVER DEALT WITH. THREE WEEKS. NO CANDLE. NO REFUND. NO ANSWER TO FOUR EMAILS. DO NOT ORDER FROM THESE PEOPLE!!!"),
    );
    ctx.edit(rant)
        .read()
        .priority(Priority::High)
        .tags(&["complaint", "refund"])
        .likes(9, Some(0));
}
