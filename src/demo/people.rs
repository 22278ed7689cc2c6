//! Who writes in the demo inbox: recurring named personas (customers,
//! influencers, spammers), a pool of generated casual authors, and the brand.
//!
//! A [`Person`] is network-agnostic; [`author`] turns it into the
//! [`Author`] a given network would report (handle rules, id shape, profile
//! URL, follower count), with ids derived from a hash so the same person has
//! the same id on every run. To add a recurring persona, add a `pub const`
//! here and use it in `scenes` or list it in [`RECURRING`].

use std::borrow::Cow;

use crate::model::{Author, Network};

use super::ids::{self, hash_str};

#[derive(Debug, Clone)]
pub struct Person {
    /// Base handle (`a-z0-9._`), adapted per network.
    pub key: Cow<'static, str>,
    pub name: Cow<'static, str>,
    pub lang: &'static str,
    /// Typical follower count on networks that expose one.
    pub followers: u64,
    /// Exact follower counts where this person is big (influencers).
    pub big: &'static [(Network, u64)],
}

const fn person(
    key: &'static str,
    name: &'static str,
    lang: &'static str,
    followers: u64,
) -> Person {
    influencer(key, name, lang, followers, &[])
}

const fn influencer(
    key: &'static str,
    name: &'static str,
    lang: &'static str,
    followers: u64,
    big: &'static [(Network, u64)],
) -> Person {
    Person {
        key: Cow::Borrowed(key),
        name: Cow::Borrowed(name),
        lang,
        followers,
        big,
    }
}

/// Angry about a late order: FB thread, X, Instagram.
pub const JULIEN: Person = person("julien.perrin", "Julien Perrin", "fr", 212);
pub const LEA: Person = person("lea.mrtn", "Léa Martin", "fr", 640);
/// Broken jar on Facebook, ALL-CAPS rant on X.
pub const KARIM: Person = person("karim_bnl", "Karim Benali", "fr", 1_320);
/// Canadian customer: Instagram DMs, Bluesky quote, X.
pub const SARAH: Person = person("sarah.okafor", "Sarah Okafor", "en", 2_150);
pub const SOPHIE: Person = person("sophie.garnier", "Sophie Garnier", "fr", 380);
/// Loyal fan who comments everywhere.
pub const MARGAUX: Person = person("margaux.lfv", "Margaux Lefèvre", "fr", 3_900);
pub const AMANDINE: Person = person("amandine.roux", "Amandine Roux", "fr", 890);
pub const NOEMIE: Person = person("noemie.cosy", "Noémie | Cosy home", "fr", 14_300);
pub const MARC: Person = person("marc.lemoine", "Marc Lemoine", "fr", 95);
pub const DEREK: Person = person("derek.hollis", "Derek Hollis", "en", 410);
pub const FRED: Person = person("fred_cyclo", "Fred 🚲", "fr", 730);
pub const HELENE: Person = person("helene.dubreuil", "Hélène Dubreuil", "fr", 5_200);
pub const MAPLE: Person = person("mapleandco.boutique", "Maple & Co Boutique", "en", 8_700);
pub const PRIYA: Person = person("priya.codes", "Priya Raman", "en", 1_040);
pub const THOMAS: Person = person("thomas_b", "Thomas Bertin", "fr", 260);
pub const CAMILLE_G: Person = person("camille.gauthier", "Camille Gauthier", "fr", 1_100);

/// Home-decor influencer: TikTok 1.2M, Instagram 480k, YouTube 310k.
pub const CHLOE: Person = influencer(
    "chloe.deco",
    "Chloé Déco",
    "fr",
    50_000,
    &[
        (Network::TikTok, 1_200_000),
        (Network::Instagram, 480_000),
        (Network::YouTube, 310_000),
        (Network::X, 52_000),
        (Network::Threads, 96_000),
    ],
);
/// English lifestyle YouTuber.
pub const HANNAH: Person = influencer(
    "hygge.hannah",
    "Hannah | Hygge Home",
    "en",
    40_000,
    &[
        (Network::YouTube, 320_000),
        (Network::Instagram, 145_000),
        (Network::X, 61_000),
        (Network::Bluesky, 58_000),
    ],
);
pub const MILA: Person = influencer(
    "maison.mila",
    "Maison Mila",
    "fr",
    20_000,
    &[
        (Network::Instagram, 85_000),
        (Network::TikTok, 212_000),
        (Network::Threads, 51_000),
    ],
);

/// Posts the same crypto pitch everywhere.
pub const SPAM_CRYPTO: Person = person("crypto.gains.4u", "Crypto Gains 💰", "en", 12);
/// "DM me for collab 💰".
pub const SPAM_COLLAB: Person = person("collab.agency.pro", "Collab Agency ✨", "en", 48);
/// Impersonates the brand with a fake giveaway link.
pub const SPAM_GIVEAWAY: Person = person(
    "atelier.lumen.giveaway",
    "Atelier Lumen 🎁 Official",
    "fr",
    3,
);
pub const SPAM_BOOST: Person = person("viral_boost_pages", "Viral Boost 🚀", "en", 31);
/// Odd characters everywhere, exercises sanitising.
pub const GLITCH: Person = person("n0ise.garden", "ｎｏｉｓｅ 🌸 garden", "fr", 77);

/// Stands in for the brand where a [`Person`] is needed; `from_us` items
/// always get [`brand_author`] instead.
pub const BRAND_SELF: Person = person("atelier.lumen", "Atelier Lumen", "fr", 0);

/// Named personas the filler reuses, so authors recur across networks.
pub const RECURRING: [Person; 12] = [
    MARGAUX, LEA, KARIM, SARAH, JULIEN, NOEMIE, MARC, DEREK, HELENE, PRIYA, THOMAS, CAMILLE_G,
];

const FIRST_FR: [(&str, &str); 24] = [
    ("Élodie", "elodie"),
    ("Maxime", "maxime"),
    ("Chloé", "chloe"),
    ("Antoine", "antoine"),
    ("Inès", "ines"),
    ("Hugo", "hugo"),
    ("Manon", "manon"),
    ("Lucas", "lucas"),
    ("Camille", "camille"),
    ("Nathan", "nathan"),
    ("Sarah", "sarah"),
    ("Théo", "theo"),
    ("Juliette", "juliette"),
    ("Louis", "louis"),
    ("Zoé", "zoe"),
    ("Mathis", "mathis"),
    ("Anaïs", "anais"),
    ("Yanis", "yanis"),
    ("Clémence", "clemence"),
    ("Baptiste", "baptiste"),
    ("Océane", "oceane"),
    ("Rayan", "rayan"),
    ("Justine", "justine"),
    ("Gaëlle", "gaelle"),
];
const LAST_FR: [(&str, &str); 20] = [
    ("Dubois", "dubois"),
    ("Moreau", "moreau"),
    ("Laurent", "laurent"),
    ("Lefebvre", "lefebvre"),
    ("Girard", "girard"),
    ("Bonnet", "bonnet"),
    ("Dupont", "dupont"),
    ("Lambert", "lambert"),
    ("Fontaine", "fontaine"),
    ("Rousseau", "rousseau"),
    ("Vincent", "vincent"),
    ("Muller", "muller"),
    ("Faure", "faure"),
    ("André", "andre"),
    ("Mercier", "mercier"),
    ("Blanc", "blanc"),
    ("Guérin", "guerin"),
    ("Boyer", "boyer"),
    ("Chevalier", "chevalier"),
    ("Nguyen", "nguyen"),
];
const FIRST_EN: [&str; 16] = [
    "Emily", "Jack", "Olivia", "Noah", "Ava", "Liam", "Mia", "Ethan", "Grace", "Owen", "Chloe",
    "Ryan", "Zoe", "Dylan", "Maya", "Logan",
];
const LAST_EN: [&str; 14] = [
    "Tremblay",
    "Roy",
    "Smith",
    "Brown",
    "Wilson",
    "MacDonald",
    "Taylor",
    "Campbell",
    "Anderson",
    "Gagnon",
    "Leblanc",
    "Patel",
    "Nguyen",
    "Murphy",
];

/// `count` generated casual authors (about 60 % French), deterministic.
pub fn casuals(count: usize) -> Vec<Person> {
    (0..count)
        .map(|i| {
            let h = ids::mix(0xCA5A_0000 + i as u64);
            let pick = |n: usize, shift: u32| usize::try_from((h >> shift) % n as u64).unwrap_or(0);
            let suffix = if h.is_multiple_of(3) {
                format!("{}", 10 + h % 89)
            } else {
                String::new()
            };
            let followers = 20 + (h >> 40) % 1_800;
            let sep = if h.is_multiple_of(2) { "." } else { "_" };
            if h % 10 < 6 {
                let (fd, fk) = FIRST_FR[pick(FIRST_FR.len(), 8)];
                let (ld, lk) = LAST_FR[pick(LAST_FR.len(), 16)];
                Person {
                    key: Cow::Owned(format!("{fk}{sep}{lk}{suffix}")),
                    name: Cow::Owned(format!("{fd} {ld}")),
                    lang: "fr",
                    followers,
                    big: &[],
                }
            } else {
                let f = FIRST_EN[pick(FIRST_EN.len(), 8)];
                let l = LAST_EN[pick(LAST_EN.len(), 16)];
                Person {
                    key: Cow::Owned(format!(
                        "{}{sep}{}{suffix}",
                        f.to_lowercase(),
                        l.to_lowercase()
                    )),
                    name: Cow::Owned(format!("{f} {l}")),
                    lang: "en",
                    followers,
                    big: &[],
                }
            }
        })
        .collect()
}

const MASTODON_INSTANCES: [&str; 5] = [
    "mastodon.social",
    "piaille.fr",
    "mamot.fr",
    "framapiaf.org",
    "mastodon.online",
];

/// The handle `p` has on `net` (no leading `@`; Mastodon as `user@instance`).
pub fn handle(p: &Person, net: Network) -> String {
    let key = p.key.as_ref();
    match net {
        Network::Bluesky => format!("{}.bsky.social", key.replace(['.', '_'], "-")),
        Network::Mastodon => {
            let h = hash_str(key);
            let instance = MASTODON_INSTANCES[usize::try_from(h % 5).unwrap_or(0)];
            format!("{}@{instance}", key.replace('.', "_"))
        }
        Network::LinkedIn => key.replace(['.', '_'], "-"),
        _ => key.to_string(),
    }
}

/// The native user id `p` has on `net`, in that network's shape.
pub fn author_id(p: &Person, net: Network) -> String {
    let h = hash_str(&format!("{}/{}", p.key, net.as_str()));
    match net {
        Network::Facebook => format!("10{}", ids::digits(h, 14)),
        Network::Instagram => format!("17841{}", ids::digits(h, 12)),
        Network::X => match h % 3 {
            0 => ids::digits(h, 10),
            1 => format!("14{}", ids::digits(h, 16)),
            _ => format!("1{}", ids::digits(h, 18)),
        },
        Network::YouTube => format!("UC{}", ids::base64(h, 22)),
        Network::TikTok => format!("MS4wLjABAAAA{}", ids::base64(h, 20)),
        Network::LinkedIn => format!("urn:li:person:{}", ids::alnum(h, 10)),
        Network::Threads => format!("2{}", ids::digits(h, 16)),
        Network::Mastodon => format!("1093{}", ids::digits(h, 14)),
        Network::Bluesky => format!("did:plc:{}", ids::base32(h, 24)),
    }
}

fn profile_url(net: Network, handle: &str, id: &str) -> String {
    match net {
        Network::Facebook => format!("https://www.facebook.com/{id}"),
        Network::Instagram => format!("https://www.instagram.com/{handle}/"),
        Network::X => format!("https://x.com/{handle}"),
        Network::YouTube => format!("https://www.youtube.com/channel/{id}"),
        Network::TikTok => format!("https://www.tiktok.com/@{handle}"),
        Network::LinkedIn => format!("https://www.linkedin.com/in/{handle}"),
        Network::Threads => format!("https://www.threads.net/@{handle}"),
        Network::Mastodon => match handle.split_once('@') {
            Some((user, instance)) => format!("https://{instance}/@{user}"),
            None => format!("https://{}/@{handle}", ids::MASTODON_HOME),
        },
        Network::Bluesky => format!("https://bsky.app/profile/{handle}"),
    }
}

/// The [`Author`] `p` appears as on `net`.
pub fn author(p: &Person, net: Network) -> Author {
    let handle = handle(p, net);
    let id = author_id(p, net);
    let followers = match p.big.iter().find(|(n, _)| *n == net) {
        Some((_, f)) => Some(*f),
        // Facebook and LinkedIn do not expose follower counts on comments.
        None if matches!(net, Network::Facebook | Network::LinkedIn) => None,
        None => {
            let scale = 50 + hash_str(&handle) % 100;
            Some(p.followers * scale / 100)
        }
    };
    Author {
        profile_url: Some(profile_url(net, &handle, &id)),
        id,
        handle,
        display_name: p.name.to_string(),
        followers,
    }
}

/// The brand itself on `net`, for our earlier replies (`from_us`).
pub fn brand_author(net: Network) -> Author {
    let handle = super::account(net).to_string();
    let (id, followers) = match net {
        Network::Facebook => (ids::FB_PAGE_ID.to_string(), None),
        Network::Instagram => ("17841405822304914".to_string(), Some(68_400)),
        Network::X => (ids::X_BRAND_ID.to_string(), Some(12_900)),
        Network::YouTube => (ids::YT_CHANNEL_ID.to_string(), Some(21_700)),
        Network::TikTok => ("MS4wLjABAAAAa7Lumen0Atelier2Kx9".to_string(), Some(94_300)),
        Network::LinkedIn => (ids::LI_ORG_URN.to_string(), None),
        Network::Threads => ("26198234507716342".to_string(), Some(9_800)),
        Network::Mastodon => ("109412876543210987".to_string(), Some(2_350)),
        Network::Bluesky => (ids::BSKY_BRAND_DID.to_string(), Some(4_100)),
    };
    let profile = match net {
        Network::LinkedIn => format!("https://www.linkedin.com/company/{handle}"),
        Network::YouTube => "https://www.youtube.com/@AtelierLumen".to_string(),
        _ => profile_url(net, &handle, &id),
    };
    Author {
        profile_url: Some(profile),
        id,
        handle,
        display_name: super::BRAND.to_string(),
        followers,
    }
}
