//! Word banks for the scale generator: French and English vocabulary from
//! the brand's world, short phrases to start messages with, rare words that
//! a search benchmark can look for, and names for the author pool.
//!
//! Texts are word salad on purpose: they only need to look plausible in a
//! list and give text search a realistic vocabulary. To make a word findable
//! in benchmarks, add it to [`RARE`] (about one message in 500 gets one).
//! Word lists are whitespace-separated strings, split once per generator.

pub const FR_OPENERS: &[&str] = &[
    "Bonjour,",
    "Coucou !",
    "Hello",
    "Salut l'équipe,",
    "Bonsoir,",
    "Super",
    "Franchement",
    "Question :",
    "Petite question,",
    "Merci",
    "Alors",
    "Honnêtement",
    "Bravo",
    "Au secours,",
    "Je reviens vers vous,",
    "Toujours pas de nouvelles,",
    "Trop bien",
];

pub const EN_OPENERS: &[&str] = &[
    "Hi,",
    "Hello!",
    "Hey team,",
    "Quick question:",
    "Honestly",
    "Wow",
    "Thanks",
    "So",
    "Still waiting,",
    "Love it,",
    "Help,",
    "Following up,",
    "Hi there!",
];

pub const FR_WORDS: &str = "\
    bougie parfum commande livraison colis remboursement cire mèche pot verre coffret cadeau \
    boutique Lyon Paris Montreuil Bruxelles Montréal figue cèdre lavande fleur d'oranger forêt hiver \
    sapin résine crème mains diffuseur recharge senteur odeur salon chambre plaid soirée week-end \
    anniversaire Noël cassé fendu retard suivi transporteur Colissimo réponse service client merci \
    magnifique sublime déçue déçu adore parfait prix stock rupture dispo vegan colza soja naturel \
    allergie peau sensible étiquette ingrédients combustion heures tunnel fumée suie couvercle \
    gravure mariage séminaire gros carte code promo site paiement erreur panier adresse échange \
    photo vidéo atelier coulage concours gagnant abonnée story repost collab partenariat vraiment \
    toujours jamais encore déjà enfin très trop super bien vite demain hier aujourd'hui semaine \
    depuis pour avec sans mais et ou donc car quand comment pourquoi combien je vous nous ma mon \
    votre une le la les des du est suis ai avez reçu envoyé attends cherche voudrais peux faut";

pub const EN_WORDS: &str = "\
    candle scent order shipping delivery package refund wax wick jar glass gift set store Lyon Paris \
    Toronto Montreal Vancouver fig cedar lavender orange blossom winter forest pine resin hand cream \
    diffuser refill smell living room bedroom blanket evening weekend birthday Christmas broken \
    cracked late tracking carrier customs duties reply support customer thanks gorgeous stunning \
    disappointed love perfect price stock sold out available vegan rapeseed soy natural allergy skin \
    sensitive label ingredients burn time hours tunnel smoke soot lid engraving wedding wholesale \
    bulk card code discount website checkout payment error cart address exchange photo video \
    workshop pouring giveaway winner follower story repost collab partnership really always never \
    again already finally very so super good fast tomorrow yesterday today week since for with \
    without but and or because when how why much I you we my your a the is am have got sent waiting \
    looking would like can need";

/// Rare words, sprinkled in about one message in 500 so search benchmarks
/// have needles of known rarity.
pub const RARE: &str = "\
    ornithorynque quetzalcoatl zanzibar xylophone kumquat bergamote patchouli vétiver hinoki yuzu \
    oud labdanum benjoin tonka chartreuse Kerguelen Tadoussac Saguenay Anticosti Ushuaia";

pub const FIRST: &str = "\
    Élodie Maxime Chloé Antoine Inès Hugo Manon Lucas Camille Nathan Sarah Théo Juliette Louis Zoé \
    Mathis Anaïs Yanis Emily Jack Olivia Noah Ava Liam Mia Ethan Grace Owen Maya Logan Priya Kenji \
    Amara Tariq Léna Sacha";

pub const LAST: &str = "\
    Dubois Moreau Laurent Lefebvre Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller \
    Faure Mercier Blanc Nguyen Tremblay Roy Smith Brown Wilson MacDonald Taylor Gagnon Leblanc Patel \
    Murphy Okafor Benali Kowalski";

/// ASCII handles matching [`FIRST`] and [`LAST`] word by word.
pub const FIRST_KEY: &str = "\
    elodie maxime chloe antoine ines hugo manon lucas camille nathan sarah theo juliette louis zoe \
    mathis anais yanis emily jack olivia noah ava liam mia ethan grace owen maya logan priya kenji \
    amara tariq lena sacha";

pub const LAST_KEY: &str = "\
    dubois moreau laurent lefebvre girard bonnet dupont lambert fontaine rousseau vincent muller \
    faure mercier blanc nguyen tremblay roy smith brown wilson macdonald taylor gagnon leblanc patel \
    murphy okafor benali kowalski";

/// Escalation tags and who they go to.
pub const ESCALATIONS: &[(&str, &str)] = &[
    ("complaint", "support-team"),
    ("refund", "support-team"),
    ("delivery", "support-team"),
    ("legal", "legal"),
    ("urgent", "camille"),
    ("ugc-request", "ines"),
    ("influencer", "theo"),
    ("sales-lead", "theo"),
    ("bug", "support-team"),
];

/// The word lists above, split once so generating an item never re-splits.
pub struct Banks {
    pub fr: Vec<&'static str>,
    pub en: Vec<&'static str>,
    pub rare: Vec<&'static str>,
    pub first: Vec<&'static str>,
    pub last: Vec<&'static str>,
    pub first_key: Vec<&'static str>,
    pub last_key: Vec<&'static str>,
}

impl Banks {
    pub fn new() -> Banks {
        fn split(s: &'static str) -> Vec<&'static str> {
            s.split_whitespace().collect()
        }
        Banks {
            fr: split(FR_WORDS),
            en: split(EN_WORDS),
            rare: split(RARE),
            first: split(FIRST),
            last: split(LAST),
            first_key: split(FIRST_KEY),
            last_key: split(LAST_KEY),
        }
    }
}
