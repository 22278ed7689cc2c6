//! Hand-written private and off-post scenes of the demo inbox: direct
//! message conversations, mentions and quotes, user-generated content we
//! want to repost, and the repeated spam.
//!
//! Same conventions as `scenes`: fixed order, ages in minutes before now,
//! local state set right after each item. To add a scene, write a function
//! and call it from [`private`].

use crate::model::{Network, Priority, Status};

use super::people::{self, Person};
use super::posts::{self, BrandPost, D, H};
use super::scenes::{en, fr};
use super::script::{Ctx, Say};
use super::texts::SPAM;

/// Every private / off-post scene, in a fixed order (ids depend on it).
pub fn private(ctx: &mut Ctx) {
    messenger(ctx);
    instagram_dms(ctx);
    other_dms(ctx);
    mentions(ctx);
    ugc(ctx);
    spam(ctx);
}

fn messenger(ctx: &mut Ctx) {
    let net = Network::Facebook;
    let conv = ctx.conversation(net, &people::KARIM);
    let m1 = ctx.dm(
        net,
        &conv,
        fr(&people::KARIM, 30 * H, "Bonjour, j'ai reçu ma commande AL-22104 ce matin et le pot de la Forêt d'hiver est cassé, il y a de la cire et du verre partout dans le carton."),
    );
    ctx.edit(m1).status(Status::Done);
    let m2 = ctx.dm(
        net,
        &conv,
        fr(
            &people::KARIM,
            30 * H - 2,
            "Voilà la photo du carton 👇 [photo]",
        ),
    );
    ctx.edit(m2).status(Status::Done);
    ctx.our_dm(
        net,
        &conv,
        "Bonjour Karim, nous sommes vraiment désolés ! Pouvez-vous nous confirmer l'adresse e-mail de la commande ? Nous lançons un renvoi ou un remboursement, comme vous préférez.",
        "fr",
        26 * H,
    );
    let m3 = ctx.dm(
        net,
        &conv,
        fr(&people::KARIM, 5 * H, "C'est karim.benali@exemple.fr. Je préfère un remboursement s'il vous plaît, je n'ai plus confiance dans le transport. Et ça fait 5 heures que j'attends une réponse…"),
    );
    ctx.edit(m3)
        .escalate(&["refund", "complaint"], "camille", 4 * H)
        .priority(Priority::High)
        .note(
            "camille",
            4 * H,
            "Remboursement de 42 € à valider par Théo (au-dessus de 30 €).",
        );

    let conv2 = ctx.conversation(net, &people::SOPHIE);
    ctx.dm(net, &conv2, fr(&people::SOPHIE, 80, "Bonjour ! Les cartes cadeaux sont utilisables en boutique à Lyon aussi ou seulement sur le site ?"));
}

fn instagram_dms(ctx: &mut Ctx) {
    let net = Network::Instagram;
    let conv = ctx.conversation(net, &people::SARAH);
    let a = ctx.dm(net, &conv, en(&people::SARAH, 52 * H, "Hi! Quick question before I order: do you ship to Quebec, and will I have to pay customs on delivery?"));
    ctx.edit(a).status(Status::Answered);
    let b = ctx.dm(net, &conv, en(&people::SARAH, 52 * H - 3, "Also, is the Winter Forest candle vegan? It's for my daughter's birthday and she's vegan 🎂"));
    ctx.edit(b).status(Status::Answered);
    ctx.our_dm(
        net,
        &conv,
        "Hi Sarah! Yes, we ship to Quebec (5–8 business days) and duties are paid at checkout, so no surprise at the door. And yes, every candle we make is vegan: rapeseed wax, no beeswax 🌱",
        "en",
        47 * H,
    );
    ctx.dm(
        net,
        &conv,
        en(
            &people::SARAH,
            4 * H,
            "Perfect, just ordered! Can I add a gift note? Order #AL-22391",
        ),
    );
    ctx.dm(
        net,
        &conv,
        en(
            &people::SARAH,
            4 * H - 6,
            "Oh and do you have gift cards? My sister wants one too 😊",
        ),
    );

    let conv = ctx.conversation(net, &people::CHLOE);
    let c = ctx.dm(
        net,
        &conv,
        fr(&people::CHLOE, 18 * H, "Coucou l'équipe ! Suite à mon commentaire TikTok 😄 Je prépare une vidéo « mon salon d'hiver » pour début décembre (1,2M sur TikTok, 480k ici). Ça vous dirait qu'on travaille ensemble ? Je peux vous envoyer mon media kit."),
    );
    ctx.edit(c)
        .escalate(&["influencer"], "theo", 17 * H)
        .priority(Priority::High);

    let conv = ctx.conversation(net, &people::MARGAUX);
    let m = ctx.dm(
        net,
        &conv,
        fr(
            &people::MARGAUX,
            3 * D,
            "Petite question : le coffret Découverte, il contient quelles senteurs exactement ?",
        ),
    );
    ctx.edit(m)
        .status(Status::Done)
        .action("reply", "camille", 3 * D - 40);
}

fn other_dms(ctx: &mut Ctx) {
    let x = Network::X;
    let conv = ctx.conversation(x, &people::HANNAH);
    let h = ctx.dm(
        x,
        &conv,
        en(&people::HANNAH, 6 * D - 2 * H, "Hi Atelier Lumen team! Hannah here (Hygge Home on YouTube, 320k). I'm filming a Paris episode in January and would love to visit the atelier and show how you pour. Would that be possible?"),
    );
    ctx.edit(h).escalate(&["influencer"], "theo", 5 * D).note(
        "theo",
        5 * D,
        "Intéressant : proposer le 14 ou le 21 janvier, voir avec Inès.",
    );
    ctx.dm(
        x,
        &conv,
        en(
            &people::HANNAH,
            20 * H,
            "Just following up on this 🙂 happy to share audience stats!",
        ),
    );

    let m = Network::Mastodon;
    let conv = ctx.conversation(m, &people::FRED);
    ctx.dm(
        m,
        &conv,
        fr(&people::FRED, 7 * H, "@atelierlumen@piaille.fr Bonjour, petite question en privé : vous prévoyez des bougies sans parfum ? Ma compagne est sensible aux odeurs mais adore vos pots."),
    );

    let b = Network::Bluesky;
    let conv = ctx.conversation(b, &people::MAPLE);
    let l = ctx.dm(
        b,
        &conv,
        en(&people::MAPLE, 28 * H, "Hi! We're a gift shop in Ottawa and our customers keep asking for your candles. Do you have a wholesale catalogue and minimum order for Canada?"),
    );
    ctx.edit(l).escalate(&["sales-lead"], "theo", 26 * H);
    ctx.dm(
        b,
        &conv,
        en(
            &people::MAPLE,
            2 * H,
            "We'd need about 120 units before mid-December if possible.",
        ),
    );
}

fn mentions(ctx: &mut Ctx) {
    let rant = ctx.mention(
        Network::X,
        fr(&people::KARIM, 9 * H, "@AtelierLumen 3ÈME MESSAGE SANS RÉPONSE !!! BOCAL ARRIVÉ EN MILLE MORCEAUX, REMBOURSEMENT PROMIS ET TOUJOURS RIEN. C'EST DU VOL. JE VAIS PRÉVENIR TOUT LE MONDE."),
    );
    ctx.edit(rant)
        .escalate(&["complaint", "refund"], "support-team", 8 * H)
        .priority(Priority::High)
        .note(
            "camille",
            8 * H,
            "Même client que le Messenger AL-22104 : traiter ensemble.",
        );
    let snoozed = ctx.mention(Network::X, fr(&people::HELENE, 30 * H, "@AtelierLumen vous serez au salon Maison&Objet en janvier ? J'aimerais passer vous voir."));
    let until = ctx.at(2 * H);
    ctx.edit(snoozed).status(Status::Snoozed { until });
    let bug = ctx.mention(
        Network::X,
        en(&people::PRIYA, 14 * H, "@AtelierLumen your checkout is broken on iOS Safari: the 'Pay' button does nothing after entering a Canadian postcode. Screenshot attached."),
    );
    ctx.edit(bug).escalate(&["bug"], "support-team", 13 * H);
    ctx.mention(
        Network::X,
        en(
            &people::SARAH,
            3 * H,
            "Ordered my first @AtelierLumen candle, can't wait 🕯️🇨🇦",
        ),
    );
    let q = ctx.quote(&posts::X_DELIVERY, fr(&people::JULIEN, 98 * H, "Ah, voilà l'explication. 12 jours quand même, un petit geste commercial serait apprécié."));
    ctx.edit(q).status(Status::Done);
    ctx.quote(
        &posts::X_CANADA,
        en(
            &people::DEREK,
            55 * H,
            "Maybe fix shipping to the US first? Just saying.",
        ),
    );
    ctx.quote(
        &posts::BS_CANADA,
        en(
            &people::SARAH,
            59 * H,
            "Finally!! Ordering the fig one right now",
        ),
    );
    ctx.mention(Network::Bluesky, en(&people::PRIYA, 36 * H, "Shoutout to @atelierlumen.bsky.social for answering my allergen question in 10 minutes. That's how it's done."));
    ctx.mention(
        Network::Mastodon,
        fr(
            &people::FRED,
            3 * D,
            "@atelierlumen@piaille.fr bravo pour la transparence sur la cire, c'est rare.",
        ),
    );
    ctx.quote(
        &posts::MA_CIRE,
        en(
            &people::PRIYA,
            80 * H,
            "This is how you do supply-chain transparency 👏 more brands should write threads like this.",
        ),
    );
    ctx.mention(
        Network::Threads,
        fr(
            &people::MARGAUX,
            16 * H,
            "Mon dimanche parfait : un plaid, un thé et ma bougie @atelier.lumen 🤍",
        ),
    );
    ctx.quote(
        &posts::TH_AUTOMNE,
        fr(
            &people::MILA,
            42 * H,
            "Facile : Fleur d'oranger toute l'année 🍊",
        ),
    );
}

/// A customer's photo of our candle at home, and our request to repost it.
fn ugc(ctx: &mut Ctx) {
    let photo = ctx.mention(
        Network::Instagram,
        fr(&people::NOEMIE, 40 * H, "Mon salon version cocooning : la Forêt d'hiver sur la table basse, la lumière de fin de journée et un bon livre 🕯️📖 @atelier.lumen"),
    );
    ctx.edit(photo)
        .status(Status::Answered)
        .tags(&["ugc-request"])
        .likes(1_204, Some(0));
    ctx.our_reply(
        photo,
        "Cette photo 😍 Pouvons-nous la reposter sur notre compte (avec crédit, bien sûr) ?",
        "fr",
        38 * H,
    );
    let yes = ctx.reply(
        photo,
        fr(
            &people::NOEMIE,
            6 * H,
            "Oui avec plaisir !! Identifiez-moi 🥰",
        ),
    );
    ctx.edit(yes).tags(&["ugc-request"]).assign("ines");
    let th = ctx.mention(
        Network::Threads,
        en(
            &people::HANNAH,
            2 * D,
            "Styled my mantel with the @atelier.lumen Winter Forest jar 🎄 feel free to share!",
        ),
    );
    ctx.edit(th)
        .tags(&["ugc-request", "influencer"])
        .likes(2_310, None);
}

/// The same spam copied under several posts by the same few accounts.
fn spam(ctx: &mut Ctx) {
    let crypto: [(&BrandPost, i64); 5] = [
        (&posts::IG_FIGUE, 7 * D),
        (&posts::FB_LYON, 5 * D),
        (&posts::IG_REEL, 4 * D),
        (&posts::TT_ASMR, 40 * H),
        (&posts::YT_BTS, 90),
    ];
    copy_spam(ctx, &people::SPAM_CRYPTO, (SPAM[0], "en"), &crypto);
    let collab: [(&BrandPost, i64); 3] = [
        (&posts::IG_FIGUE, 6 * D),
        (&posts::IG_LYON, 50 * H),
        (&posts::IG_SOIN, 35),
    ];
    copy_spam(ctx, &people::SPAM_COLLAB, (SPAM[1], "en"), &collab);
    let giveaway: [(&BrandPost, i64); 2] =
        [(&posts::FB_GIVEAWAY, 60 * H), (&posts::FB_GIVEAWAY, 12 * H)];
    copy_spam(ctx, &people::SPAM_GIVEAWAY, (SPAM[2], "fr"), &giveaway);
}

fn copy_spam(ctx: &mut Ctx, who: &Person, (text, lang): (&str, &str), under: &[(&BrandPost, i64)]) {
    for (post, age) in under {
        let idx = ctx.comment(
            post,
            Say {
                who,
                text,
                lang,
                age: *age,
            },
        );
        if *age > 24 * H {
            ctx.edit(idx)
                .status(Status::Done)
                .tags(&["spam"])
                .action("hide", "camille", age - 30);
        }
    }
}
