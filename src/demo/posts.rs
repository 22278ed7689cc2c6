//! The brand's own posts that demo comments and replies hang under.
//!
//! Each [`BrandPost`] has a hand-written native id and permalink in its
//! network's real shape, and an age (minutes before `now`) so every comment
//! under it can be dated after it. To add a post: add a `pub const` here and
//! list it in [`ALL`]; the filler then spreads comments over it too.

use chrono::{DateTime, Duration, Utc};

use crate::model::{Network, PostRef};

/// Minutes in an hour and in a day, for readable ages.
pub const H: i64 = 60;
pub const D: i64 = 24 * H;

/// What a post is about, so filler comments under it stay on topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Launch,
    Store,
    Giveaway,
    Video,
    Care,
    Corporate,
    Shipping,
}

#[derive(Debug, Clone, Copy)]
pub struct BrandPost {
    pub net: Network,
    pub topic: Topic,
    /// Native id of the post (the thread id of comments under it). For
    /// YouTube and TikTok this is the video id.
    pub id: &'static str,
    pub text: &'static str,
    pub permalink: &'static str,
    /// Minutes before `now` the post was published.
    pub age: i64,
}

impl BrandPost {
    pub fn post_ref(&self, now: DateTime<Utc>) -> PostRef {
        PostRef {
            id: self.id.to_string(),
            text: self.text.to_string(),
            permalink: Some(self.permalink.to_string()),
            created_at: Some(now - Duration::minutes(self.age)),
        }
    }
}

pub const FB_FORET: BrandPost = BrandPost {
    net: Network::Facebook,
    topic: Topic::Launch,
    id: "108254316790412_862391045718264",
    text: "❄️ Nouvelle collection Forêt d'hiver : sapin, résine et un soupçon de fumée de bois. Coulée à la main dans notre atelier de Montreuil, disponible dès aujourd'hui sur atelierlumen.fr",
    permalink: "https://www.facebook.com/108254316790412/posts/862391045718264",
    age: 9 * D,
};

pub const FB_LYON: BrandPost = BrandPost {
    net: Network::Facebook,
    topic: Topic::Store,
    id: "108254316790412_865120398476511",
    text: "📍 Ça y est : notre première boutique hors de Paris ouvre samedi à Lyon, 14 rue Mercière ! Venez sentir toute la collection et couler votre propre bougie en atelier.",
    permalink: "https://www.facebook.com/108254316790412/posts/865120398476511",
    age: 6 * D + 2 * H,
};

pub const FB_GIVEAWAY: BrandPost = BrandPost {
    net: Network::Facebook,
    topic: Topic::Giveaway,
    id: "108254316790412_867734120985532",
    text: "🎁 CONCOURS : à gagner 3 coffrets Découverte ! Pour participer : aimez ce post, abonnez-vous à la page et identifiez deux amis en commentaire. Tirage au sort dimanche 20 h.",
    permalink: "https://www.facebook.com/108254316790412/posts/867734120985532",
    age: 3 * D,
};

pub const FB_SOIN: BrandPost = BrandPost {
    net: Network::Facebook,
    topic: Topic::Care,
    id: "108254316790412_869902214537780",
    text: "Nouveau : la crème mains Lavande & Avoine, 97 % d'ingrédients d'origine naturelle, fabriquée dans la Drôme. Pour les mains qui ont affronté l'hiver 🌿",
    permalink: "https://www.facebook.com/108254316790412/posts/869902214537780",
    age: 40 * H,
};

pub const IG_FIGUE: BrandPost = BrandPost {
    net: Network::Instagram,
    topic: Topic::Launch,
    id: "17984512306718244",
    text: "Figue & Cèdre est de retour 🍂 Notre best-seller, en édition limitée 300 g. Lien en bio.",
    permalink: "https://www.instagram.com/p/C9xLmQ2ozR1/",
    age: 8 * D,
};

pub const IG_GIVEAWAY: BrandPost = BrandPost {
    net: Network::Instagram,
    topic: Topic::Giveaway,
    id: "17990233451209877",
    text: "🎁 GIVEAWAY 🎁 On fait gagner 3 coffrets Découverte ! 1. Suivez @atelier.lumen 2. Likez ce post 3. Taguez deux amis. Fin dimanche 20 h — France, Belgique et Canada ✨",
    permalink: "https://www.instagram.com/p/DAa7pQ3sKLm/",
    age: 70 * H,
};

pub const IG_REEL: BrandPost = BrandPost {
    net: Network::Instagram,
    topic: Topic::Video,
    id: "18012947763320591",
    text: "Dans les coulisses : 40 kg de cire de colza fondue chaque matin, coulée à la main par Inès et Mathis 🕯️ #behindthescenes #faitmain",
    permalink: "https://www.instagram.com/reel/DAc1zV8tHwq/",
    age: 118 * H,
};

pub const IG_SOIN: BrandPost = BrandPost {
    net: Network::Instagram,
    topic: Topic::Care,
    id: "18033150984476302",
    text: "Notre nouvelle crème mains Lavande & Avoine 💜 Texture fondante, fini non gras. Disponible en 50 ml et 150 ml.",
    permalink: "https://www.instagram.com/p/DAf4yU1sNbe/",
    age: 38 * H,
};

pub const IG_LYON: BrandPost = BrandPost {
    net: Network::Instagram,
    topic: Topic::Store,
    id: "18020678812233954",
    text: "Lyon, on arrive ! 📍 14 rue Mercière, ouverture samedi 10 h. Les 50 premiers visiteurs repartent avec une mini bougie.",
    permalink: "https://www.instagram.com/p/DAd9kR5sPqz/",
    age: 6 * D,
};

pub const X_DELIVERY: BrandPost = BrandPost {
    net: Network::X,
    topic: Topic::Shipping,
    id: "1987654321098765432",
    text: "Info livraisons 📦 Suite à un mouvement social chez notre transporteur, certaines commandes ont 3 à 5 jours de retard. Nous sommes désolés et vous tenons informés ici.",
    permalink: "https://x.com/AtelierLumen/status/1987654321098765432",
    age: 100 * H,
};

pub const X_LAUNCH: BrandPost = BrandPost {
    net: Network::X,
    topic: Topic::Launch,
    id: "1986012345678901234",
    text: "❄️ Forêt d'hiver est disponible ! Sapin, résine, fumée de bois. Qui veut la première ?",
    permalink: "https://x.com/AtelierLumen/status/1986012345678901234",
    age: 215 * H,
};

pub const X_CANADA: BrandPost = BrandPost {
    net: Network::X,
    topic: Topic::Shipping,
    id: "1988201934567712345",
    text: "🇨🇦 Big news: we now ship to Canada! Delivery in 5–8 business days, duties shown at checkout.",
    permalink: "https://x.com/AtelierLumen/status/1988201934567712345",
    age: 60 * H,
};

pub const YT_BTS: BrandPost = BrandPost {
    net: Network::YouTube,
    topic: Topic::Video,
    id: "k3Vw9pLq2Xs",
    text: "Dans les coulisses de l'Atelier Lumen : de la cire à la bougie (4K)",
    permalink: "https://www.youtube.com/watch?v=k3Vw9pLq2Xs",
    age: 170 * H,
};

pub const YT_TUTO: BrandPost = BrandPost {
    net: Network::YouTube,
    topic: Topic::Video,
    id: "Rw8nT1bYc0E",
    text: "Comment bien entretenir sa bougie : mèche, premier allumage, effet tunnel",
    permalink: "https://www.youtube.com/watch?v=Rw8nT1bYc0E",
    age: 50 * H,
};

pub const TT_ASMR: BrandPost = BrandPost {
    net: Network::TikTok,
    topic: Topic::Video,
    id: "7436120985512345678",
    text: "ASMR coulage de cire 🕯️ #asmr #candlemaking #atelierlumen",
    permalink: "https://www.tiktok.com/@atelierlumen/video/7436120985512345678",
    age: 120 * H,
};

pub const TT_POV: BrandPost = BrandPost {
    net: Network::TikTok,
    topic: Topic::Video,
    id: "7437845521098765432",
    text: "POV : tu ouvres ton colis Atelier Lumen 📦✨ #unboxing #candletok",
    permalink: "https://www.tiktok.com/@atelierlumen/video/7437845521098765432",
    age: 26 * H,
};

pub const LI_HIRING: BrandPost = BrandPost {
    net: Network::LinkedIn,
    topic: Topic::Corporate,
    id: "urn:li:activity:7262012345678901234",
    text: "Nous recrutons ! L'Atelier Lumen cherche sa/son responsable de boutique pour notre nouvelle adresse lyonnaise. CDI, temps plein, dès janvier. Candidatures en commentaire ou par message 👇",
    permalink: "https://www.linkedin.com/feed/update/urn:li:activity:7262012345678901234/",
    age: 140 * H,
};

pub const LI_BCORP: BrandPost = BrandPost {
    net: Network::LinkedIn,
    topic: Topic::Corporate,
    id: "urn:li:activity:7259876543210987654",
    text: "Fiers d'annoncer que l'Atelier Lumen est désormais certifié B Corp 🎉 Merci à toute l'équipe et à nos fournisseurs de cire française.",
    permalink: "https://www.linkedin.com/feed/update/urn:li:activity:7259876543210987654/",
    age: 220 * H,
};

pub const TH_AUTOMNE: BrandPost = BrandPost {
    net: Network::Threads,
    topic: Topic::Launch,
    id: "18045512399876543",
    text: "Question du jour : quelle senteur pour ouvrir la saison ? 🍂 Figue & Cèdre, Forêt d'hiver ou Fleur d'oranger ?",
    permalink: "https://www.threads.net/@atelier.lumen/post/DAg2hJ7tXyw",
    age: 46 * H,
};

pub const MA_CIRE: BrandPost = BrandPost {
    net: Network::Mastodon,
    topic: Topic::Corporate,
    id: "113456789012345678",
    text: "Petit fil sur notre cire : 100 % colza cultivé dans la Beauce, sans paraffine ni soja importé. Pourquoi ce choix ? 🧵",
    permalink: "https://piaille.fr/@atelierlumen/113456789012345678",
    age: 96 * H,
};

pub const BS_CANADA: BrandPost = BrandPost {
    net: Network::Bluesky,
    topic: Topic::Shipping,
    id: "at://did:plc:k4x2mlq7vdn3ra5wz6hye2ob/app.bsky.feed.post/3lbqz4xk2ns2c",
    text: "We now ship to Canada 🇨🇦 5–8 business days, duties shown at checkout. Montréal, Québec, Toronto: à vous de jouer !",
    permalink: "https://bsky.app/profile/atelierlumen.bsky.social/post/3lbqz4xk2ns2c",
    age: 62 * H,
};

pub const BS_LYON: BrandPost = BrandPost {
    net: Network::Bluesky,
    topic: Topic::Store,
    id: "at://did:plc:k4x2mlq7vdn3ra5wz6hye2ob/app.bsky.feed.post/3lbmw7rt5zk2a",
    text: "Notre boutique lyonnaise ouvre samedi ! 14 rue Mercière 📍 Atelier de coulage sur réservation.",
    permalink: "https://bsky.app/profile/atelierlumen.bsky.social/post/3lbmw7rt5zk2a",
    age: 142 * H,
};

/// Every brand post, for the filler to spread comments over.
pub const ALL: [BrandPost; 22] = [
    FB_FORET,
    FB_LYON,
    FB_GIVEAWAY,
    FB_SOIN,
    IG_FIGUE,
    IG_GIVEAWAY,
    IG_REEL,
    IG_SOIN,
    IG_LYON,
    X_DELIVERY,
    X_LAUNCH,
    X_CANADA,
    YT_BTS,
    YT_TUTO,
    TT_ASMR,
    TT_POV,
    LI_HIRING,
    LI_BCORP,
    TH_AUTOMNE,
    MA_CIRE,
    BS_CANADA,
    BS_LYON,
];

/// The brand post with native id `id`, if it is one of ours.
pub fn by_id(id: &str) -> Option<&'static BrandPost> {
    ALL.iter().find(|p| p.id == id)
}

/// The brand posts published on `net`.
pub fn on(net: Network) -> impl Iterator<Item = &'static BrandPost> {
    ALL.iter().filter(move |p| p.net == net)
}
