//! The bank of hand-written messages the filler composes the demo inbox from,
//! by category and language, plus greetings and sign-offs to vary them.
//!
//! Scene-specific texts (the delivery thread, the allergy complaint, the DM
//! conversations…) live next to their scene in `scenes*.rs`. To add a
//! message, append it to the right array; to add a category, add a [`Cat`]
//! variant and an arm in [`bank`]. Messages tied to one kind of post (the
//! giveaway, a video, the Lyon store…) go in [`topical`] instead.

use super::posts::Topic;

/// What a message is about, which drives who writes it and how it is triaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cat {
    Complaint,
    Question,
    Praise,
    General,
    Spam,
    Ugc,
    Collab,
}

/// The messages of category `cat` in `lang` ("fr" or "en").
pub fn bank(cat: Cat, lang: &str) -> &'static [&'static str] {
    let fr = lang == "fr";
    match cat {
        Cat::Complaint if fr => FR_COMPLAINT,
        Cat::Complaint => EN_COMPLAINT,
        Cat::Question if fr => FR_QUESTION,
        Cat::Question => EN_QUESTION,
        Cat::Praise if fr => FR_PRAISE,
        Cat::Praise => EN_PRAISE,
        Cat::General if fr => FR_GENERAL,
        Cat::General => EN_GENERAL,
        Cat::Spam => SPAM,
        Cat::Ugc if fr => FR_UGC,
        Cat::Ugc => EN_UGC,
        Cat::Collab if fr => FR_COLLAB,
        Cat::Collab => EN_COLLAB,
    }
}

pub const FR_COMPLAINT: &[&str] = &[
    "Commande passée il y a 10 jours et toujours pas reçue. Le suivi ne bouge plus depuis mardi, vous pouvez regarder ?",
    "Ma bougie Figue & Cèdre est arrivée avec le pot en verre complètement fendu. Pas très agréable à déballer…",
    "J'ai reçu une bougie Lavande au lieu de la Fleur d'oranger que j'avais commandée. Comment on fait pour l'échange ?",
    "La mèche s'est noyée au bout de deux heures, la bougie ne brûle plus du tout. Pour 38 € je m'attendais à mieux.",
    "Ça fait trois mails sans réponse pour mon remboursement. Je commence à perdre patience.",
    "Le parfum est quasiment imperceptible une fois allumée, déçue 😕",
    "Colis marqué « livré » mais je n'ai rien reçu. Le livreur l'a laissé où ??",
    "Frais de port à 7,90 € pour une seule bougie, sérieusement ?",
    "Code promo BIENVENUE10 refusé au paiement alors qu'il est affiché partout sur votre site.",
    "Mon coffret cadeau est arrivé sans le diffuseur. Il manque un article dans ma commande n°AL-21877.",
    "Je voudrais être remboursée, la bougie a noirci tout le verre dès le premier allumage.",
    "Franchement déçu du service client. On m'a promis un rappel il y a une semaine.",
    "Commande annulée sans explication et toujours pas de remboursement sur ma carte après 8 jours.",
    "Si je n'ai pas de réponse d'ici demain je laisse un avis bien salé sur Trustpilot et Google.",
    "La crème mains a une odeur rance alors qu'elle est censée se conserver 12 mois après ouverture.",
    "Bonjour,\n\nJe me permets d'écrire ici faute de réponse par mail. J'ai commandé le 3 un coffret Découverte pour l'anniversaire de ma sœur, livraison express payée 12 €. Le colis est arrivé 9 jours plus tard, après l'anniversaire, avec une bougie sur trois cassée.\n\nJe voudrais au minimum le remboursement de la livraison express et le remplacement de la bougie. Merci de me recontacter rapidement.",
];

pub const EN_COMPLAINT: &[&str] = &[
    "Ordered two weeks ago and still nothing. Tracking hasn't updated since it left France.",
    "My candle arrived shattered. Glass everywhere in the box. Not great.",
    "Got charged twice for the same order. Who do I talk to about a refund?",
    "Customs fees to Canada were $28 on a $45 order, nobody warned me about that.",
    "The lid doesn't fit the jar anymore and the wax has a big crack down the middle.",
    "Wrong scent in my order, I asked for Fig & Cedar and got Lavender.",
    "Still waiting on a reply to my email from last Monday. Is anyone reading these?",
    "Scent throw is really weak for the price. Pretty disappointed honestly.",
    "Your checkout keeps failing with 'payment declined' but my bank says nothing was blocked.",
    "Paid for express shipping, the package took 9 days. I want the shipping fee refunded.",
];

pub const FR_QUESTION: &[&str] = &[
    "Vous livrez au Canada ? Et si oui en combien de temps ?",
    "C'est combien la grande bougie Forêt d'hiver ? Je ne trouve pas le prix sur le site.",
    "La Figue & Cèdre sera de nouveau en stock quand ?",
    "Vos bougies sont-elles vegan ? Pas de cire d'abeille ?",
    "Quelle est la composition exacte de la cire ? Colza, soja, paraffine ?",
    "Est-ce que vous faites des cartes cadeaux ? C'est pour un anniversaire ce week-end.",
    "La boutique de Lyon est ouverte le dimanche ?",
    "Combien d'heures de combustion pour la petite bougie de 180 g ?",
    "Est-ce que les parfums sont sans phtalates ? Je suis enceinte et je fais attention.",
    "Vous livrez en Belgique ? Quels sont les frais ?",
    "Est-ce qu'on peut faire graver un message sur le couvercle pour un mariage ?",
    "Vous faites des prix pour les commandes en gros ? Je cherche 60 bougies pour un séminaire.",
    "La crème mains convient aux peaux atopiques ?",
    "Il est possible de recharger les pots ou de les renvoyer pour recyclage ?",
    "Le coffret de Noël sera dispo à partir de quand ?",
    "Vous avez un point de vente à Bruxelles ou à Liège ?",
    "Je peux modifier l'adresse de livraison d'une commande déjà passée ?",
    "C'est quoi la différence entre la mèche en bois et la mèche en coton ?",
    "Les diffuseurs sont compatibles avec les recharges d'autres marques ?",
];

pub const EN_QUESTION: &[&str] = &[
    "Do you ship to Canada? How long does it usually take to Montreal?",
    "How much is the large Winter Forest candle?",
    "Are your candles vegan and cruelty free?",
    "When will Fig & Cedar be back in stock??",
    "Do you sell gift cards? Need a last minute present 😅",
    "What's the burn time on the 300g jar?",
    "Is the hand cream fragrance-free or scented? My skin is sensitive.",
    "Any chance you'll open a store in Toronto?",
    "Do you offer wholesale pricing for small boutiques?",
    "Is the wax soy or coconut? Trying to avoid paraffin.",
    "Can I use the discount code on gift sets too?",
    "Are the wooden wicks safe? Mine crackles a lot, is that normal?",
];

pub const FR_PRAISE: &[&str] = &[
    "Ma bougie préférée depuis deux ans, l'odeur remplit tout le salon 😍",
    "Reçue hier, emballage magnifique et zéro plastique. Bravo !",
    "La Forêt d'hiver sent exactement comme une balade dans les Vosges en décembre.",
    "Offerte à ma mère pour son anniversaire, elle a adoré !",
    "Service client au top, ma bougie cassée a été remplacée en 48 h. Merci Camille !",
    "Le diffuseur fleur d'oranger dans l'entrée, tout le monde me demande la marque.",
    "Enfin une marque française qui fait de la qualité sans greenwashing.",
    "La crème mains lavande est devenue indispensable, elle ne colle pas du tout.",
    "J'ai recyclé mes pots vides en verres à cocktails, ils sont trop beaux 🍸",
    "Meilleure bougie que j'ai testée, et j'en ai testé beaucoup.",
    "Commande reçue en 2 jours en Belgique, parfait 👌",
    "Le parfum tient des heures même éteinte. Magique.",
];

pub const EN_PRAISE: &[&str] = &[
    "Best candle I've ever owned, my whole apartment smells like a forest 🌲",
    "Arrived in Montreal in 6 days, beautifully packed. Thank you!",
    "Obsessed with Fig & Cedar. Already ordered a second one.",
    "Gifted the discovery set to my sister and now she's hooked too.",
    "Clean burn, no soot, gorgeous jar. 10/10.",
    "Love that you answer everyone here, great customer service 👏",
    "This hand cream is the only one that doesn't make my hands greasy.",
    "That jar is going to live on my shelf forever, even when it's empty.",
    "Just discovered you through a friend, what a find!",
    "Smells like a Paris bakery in the best way.",
    "I don't usually write reviews but here goes.\n\nI bought the Winter Forest candle on a whim during a trip to Paris last spring. It burned evenly for over 50 hours, never tunnelled, and the scent filled our whole open-plan living room without being overpowering.\n\nNow that you ship to Canada I've ordered three more. Please never change the formula!",
];

pub const FR_GENERAL: &[&str] = &[
    "@lucie.vrt regarde, c'est la marque dont je te parlais !",
    "😍😍😍",
    "Trop beau",
    "@thomas_b on en prend une pour le salon ?",
    "Première !",
    "Ça donne envie de rester sous un plaid tout l'hiver",
    "Quelle jolie lumière sur cette photo",
    "Qui d'autre attend le retour de la senteur Bois flotté ?",
    "Vous écoutez quoi comme musique à l'atelier ? 😄",
];

pub const EN_GENERAL: &[&str] = &[
    "@jess_k look at this!!",
    "🔥🔥",
    "Need this in my life",
    "The aesthetic 😍",
    "This is giving cozy autumn vibes",
    "Tagging @mike.r because he needs a candle that isn't from the supermarket",
];

/// Spam is copied verbatim by bots, whatever the language around it.
pub const SPAM: &[&str] = &[
    "💰 Turn $100 into $5,000 in 24h with Bitcoin trading! DM me to learn how 👉 t.me/cryptogains_vip",
    "Hey! Love your feed 😍 DM me for collab 💰💰",
    "🎉 FÉLICITATIONS ! Vous faites partie des gagnants du concours Atelier Lumen ! Réclamez votre lot ici : bit.ly/lumen-gagnant-2024 sous 24 h ⏳",
    "Promote it on @viral_boost_pages 🚀🚀",
    "Want more followers? 10k real followers for $9, check my bio ✅",
    "Gagnez 500 €/jour depuis chez vous ! Méthode infaillible, contactez-moi en privé 📩",
    "Nice post! Check my profile for exclusive content 🔞",
];

pub const FR_UGC: &[&str] = &[
    "Ma petite routine du dimanche : plaid, livre et Forêt d'hiver 🕯️ @atelier.lumen",
    "Nouvelle déco du salon, la Figue & Cèdre trône sur la cheminée ✨ #atelierlumen",
    "Photo prise ce matin à la lumière du jour sur mon bureau, elle est trop jolie cette bougie",
    "Mon coin lecture est enfin fini, merci @atelier.lumen pour l'ambiance 🤍",
    "Le diffuseur dans ma salle de bain fraîchement refaite, vous pouvez reposter si vous voulez !",
];

pub const EN_UGC: &[&str] = &[
    "Sunday reset: fresh sheets and my Fig & Cedar candle 🕯️ #atelierlumen",
    "My new reading nook isn't complete without @atelier.lumen ✨",
    "Took this in my kitchen this morning, the light was perfect",
    "Styled my mantel for the holidays with the Winter Forest jar 🎄 feel free to share!",
];

pub const FR_COLLAB: &[&str] = &[
    "Bonjour ! Je suis créatrice de contenu déco (85k abonnés), j'adorerais présenter vos bougies dans une vidéo. Vous avez un contact presse ?",
    "Hello l'équipe, je prépare un article « 10 marques françaises à suivre » pour mon blog, je peux utiliser vos photos ?",
    "Je travaille pour une agence d'influence lifestyle, on aimerait vous proposer une campagne pour Noël.",
];

pub const EN_COLLAB: &[&str] = &[
    "Hi! I'm a lifestyle creator (320k on YouTube), would love to feature your candles in my autumn home tour. Who handles partnerships?",
    "Hey, we run a curated gift box subscription in Canada and would love to include your minis. Open to a chat?",
    "Journalist at a design magazine here, working on a piece about French artisans. Could I interview your founder?",
];

/// Messages that only make sense under a post about `topic`.
pub fn topical(topic: Topic, lang: &str) -> &'static [&'static str] {
    let fr = lang == "fr";
    match topic {
        Topic::Launch if fr => &[
            "Elle sent tellement bon, vivement qu'elle arrive 🌲",
            "Commandée dès la sortie !",
            "Elle existe en petit format ?",
            "C'est la même recette que l'an dernier ?",
        ],
        Topic::Launch => &[
            "Ordered the minute it dropped!",
            "Does it come in a smaller size?",
            "Is it the same recipe as last year?",
        ],
        Topic::Store if fr => &[
            "Trop hâte de venir à la boutique de Lyon !",
            "Il y a un parking près de la rue Mercière ?",
            "Les ateliers de coulage, c'est sur réservation ?",
            "Enfin à Lyon !!! 😍",
            "Et Bordeaux, c'est pour quand ? 🥺",
        ],
        Topic::Store => &[
            "Will you open in Brussels too?",
            "Visiting Lyon next month, adding this to my list!",
            "Any chance of a pop-up in Montreal?",
        ],
        Topic::Giveaway if fr => &[
            "Je participe ! 🤞",
            "Je participe et je tague @marine.dsl et @pauline_rch 🍀",
            "Je tente ma chance 🍀 @julie.mrt @clara_bzh",
            "Participé ! Le coffret Découverte me fait de l'œil depuis des mois",
            "C'est ouvert à la Suisse ?",
        ],
        Topic::Giveaway => &[
            "Entered! Fingers crossed 🤞",
            "Tagging @sam.w and @kayla_r, good luck us!",
            "Is this open to the US?",
        ],
        Topic::Video if fr => &[
            "Cette vidéo de l'atelier est hypnotisante, on en veut plus !",
            "Le son de la cire qui coule, j'adore",
            "Combien de temps faut-il laisser refroidir avant de couper la mèche ?",
            "Vous proposez des visites de l'atelier ?",
        ],
        Topic::Video => &[
            "The behind-the-scenes video was so satisfying to watch.",
            "What camera do you shoot these with?",
            "Could watch this all day",
            "What temperature do you pour at?",
        ],
        Topic::Care if fr => &[
            "Elle convient aux peaux atopiques ?",
            "Il existe une version sans parfum ?",
            "Le tube est recyclable ?",
            "Testée hier soir, mains toutes douces ce matin ✨",
        ],
        Topic::Care => &[
            "Is there an unscented version?",
            "Is it safe during pregnancy?",
            "Bought it for my mum, she keeps stealing it back 😂",
        ],
        Topic::Corporate if fr => &[
            "Bravo pour la certification, ça fait plaisir de voir des marques engagées.",
            "Félicitations à toute l'équipe !",
            "Partagé dans mon réseau lyonnais 👍",
            "Le poste est-il ouvert aux profils en reconversion ?",
            "Belle aventure, au plaisir de vous croiser au salon Maison&Objet.",
        ],
        Topic::Corporate => &[
            "Congrats on the B Corp certification, well deserved.",
            "Great to see a French craft brand growing, congrats!",
            "Is the role open to candidates relocating from abroad?",
        ],
        Topic::Shipping if fr => &[
            "Merci pour l'info, ma commande est concernée ?",
            "Du coup la livraison en Belgique est aussi impactée ?",
            "Enfin le Canada !! Ma cousine à Québec va être contente",
            "Les frais de douane sont vraiment inclus ?",
        ],
        Topic::Shipping => &[
            "So happy you finally ship to Canada 🇨🇦",
            "Thanks for the heads-up. Does this affect orders to Belgium?",
            "Are duties really included at checkout?",
            "Any plans for the US?",
        ],
    }
}

/// Openers prepended to some questions and complaints.
pub fn greeting(lang: &str) -> &'static [&'static str] {
    if lang == "fr" {
        &["Bonjour, ", "Bonsoir ! ", "Hello ", "Coucou ! ", "Salut, "]
    } else {
        &["Hi! ", "Hello, ", "Hey there, ", "Hi team, "]
    }
}

/// Closers appended to some messages, by category.
pub fn closer(cat: Cat, lang: &str) -> &'static [&'static str] {
    match (cat, lang == "fr") {
        (Cat::Praise | Cat::Ugc, _) => &[" 😍", " ✨", " 🕯️", " ❤️", " 🙌"],
        (Cat::Question, true) => &[" Merci !", " Merci d'avance 🙏", " Bonne journée"],
        (Cat::Question, false) => &[" Thanks!", " Thanks in advance 🙏", " Cheers"],
        (Cat::Complaint, true) => &[" Merci de me répondre.", " Très déçue.", " 😤"],
        (Cat::Complaint, false) => &[" Please advise.", " Not happy.", " 😤"],
        _ => &[""],
    }
}
